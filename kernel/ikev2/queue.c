// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: the request queue of an established IKE SA
 * (RFC 7296 §2.3, window size 1) and the ready-made INFORMATIONAL requests.
 *
 * A request waits on ikev2_sa(sa)->rq.pending until no other request is outstanding;
 * then the queue builds the header and the SK payload around the request's
 * own payloads, gives it the next message ID and sends it through the
 * retransmission of ikev2.c.  The response (or the failure: no answer, IKE
 * SA removed) completes it through ->done, then the next one goes out.
 * Everything runs under in->lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "../core/sa.h"
#include "ikev2.h"

/* Longer than any single request's payloads need (Delete of many SPIs). */
#define OAK_REQ_MSG_MAX	OAK_MSG_MAX

/* Retransmissions of a Delete(IKE) before we remove the SA anyway (~3.5 s). */
#define OAK_DELETE_TRIES	2

/*
 * What a kept message costs: an exact-size copy instead of the build
 * buffer (OAK_MSG_MAX bytes, mostly unused).  Takes @buf; on allocation
 * failure the build buffer itself is kept.
 */
u8 *oak_msg_keep(u8 *buf, size_t len)
{
	u8 *keep = kmemdup(buf, len, GFP_KERNEL);

	if (!keep)
		return buf;
	kfree_sensitive(buf);
	return keep;
}

static void oak_req_release(struct oak_req *r)
{
	if (r->ops->release)
		r->ops->release(r);
	else
		kfree_sensitive(r);
}

static void oak_req_fail(struct oak_ike_sa *sa, struct oak_req *r)
{
	if (r->ops->done)
		r->ops->done(sa, r, NULL);
	oak_req_release(r);
}

static bool oak_queue_open(const struct oak_ike_sa *sa)
{
	if (sa->dead || !ikev2_sa(sa)->sk_out)
		return false;
	return sa->state == OAKLEY_IKE_STATE_ESTABLISHED ||
	       sa->state == OAKLEY_IKE_STATE_DELETING;
}

/* Build the request @r as message ikev2_sa(sa)->msgid_out; returns the buffer or NULL. */
static u8 *oak_req_build(struct oak_ike_sa *sa, struct oak_req *r, size_t *len)
{
	struct ike_buf b;
	size_t sk;
	u8 *mem;
	int err;

	mem = kmalloc(OAK_REQ_MSG_MAX, GFP_KERNEL);
	if (!mem)
		return NULL;
	ike_buf_init(&b, mem, OAK_REQ_MSG_MAX);
	oak_hdr(sa, &b, r->ops->exchange, false, ikev2_sa(sa)->msgid_out);
	sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
	err = r->ops->build ? r->ops->build(sa, r, &b) : 0;
	if (!err)
		err = oak_sk_finish(sa, &b, sk);
	if (err) {
		oak_sa_log(pr_debug, sa, NULL, "request (exchange %u) not built: %d\n",
			   r->ops->exchange, err);
		kfree_sensitive(mem);
		return NULL;
	}
	*len = b.len;
	return mem;
}

/* Send the next pending request if the window is free. */
static void oak_queue_kick(struct oak_ike_sa *sa)
{
	struct oak_req *r;
	size_t len;
	u8 *msg;

	while (!ikev2_sa(sa)->rq.cur && !ikev2_sa(sa)->req && oak_queue_open(sa) &&
	       !list_empty(&ikev2_sa(sa)->rq.pending)) {
		r = list_first_entry(&ikev2_sa(sa)->rq.pending, struct oak_req, node);
		list_del_init(&r->node);
		msg = oak_req_build(sa, r, &len);
		if (!msg) {
			oak_req_fail(sa, r);
			continue;
		}
		ikev2_sa(sa)->rq.cur = r;
		ikev2_sa(sa)->msgid_out++;
		oak_send_request(sa, msg, len);
	}
}

int oak_req_submit(struct oak_ike_sa *sa, struct oak_req *r)
{
	INIT_LIST_HEAD(&r->node);
	if (!oak_queue_open(sa) || (sa->t.flags & OAK_Q_DELETING)) {
		oak_req_fail(sa, r);
		return -ENOTCONN;
	}
	list_add_tail(&r->node, &ikev2_sa(sa)->rq.pending);
	oak_queue_kick(sa);
	return 0;
}

/*
 * A response to one of the queue's requests arrived (decrypted): complete
 * the current request and send the next.  A response of another exchange
 * type fails the request (->done(NULL)).  false: no request of the queue
 * is outstanding.
 */
bool oak_queue_response(struct oak_ike_sa *sa, const struct ike_msg *m)
{
	struct oak_req *r = ikev2_sa(sa)->rq.cur;

	if (!r)
		return false;
	if (r->ops->exchange != m->exchange) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		m = NULL;
	}
	ikev2_sa(sa)->rq.cur = NULL;
	kfree_sensitive(ikev2_sa(sa)->req);
	ikev2_sa(sa)->req = NULL;
	ikev2_sa(sa)->req_len = 0;
	if (cancel_delayed_work(&ikev2_sa(sa)->rtx_work))
		oak_sa_put(sa);
	if (r->ops->done)
		r->ops->done(sa, r, m);
	oak_req_release(r);
	oak_queue_kick(sa);
	return true;
}

/* How many retransmissions the outstanding request gets. */
unsigned int oak_queue_rtx_tries(const struct oak_ike_sa *sa)
{
	if (sa->t.flags & OAK_Q_DELETING)
		return OAK_DELETE_TRIES;
	return OAK_RTX_TRIES;
}

/* Fail the outstanding and the pending requests (the SA is going away). */
static void oak_queue_flush(struct oak_ike_sa *sa)
{
	struct oak_req *r;

	r = ikev2_sa(sa)->rq.cur;
	ikev2_sa(sa)->rq.cur = NULL;
	if (r)
		oak_req_fail(sa, r);
	while (!list_empty(&ikev2_sa(sa)->rq.pending)) {
		r = list_first_entry(&ikev2_sa(sa)->rq.pending, struct oak_req, node);
		list_del_init(&r->node);
		oak_req_fail(sa, r);
	}
}

void oak_queue_child_gone(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_req *r;

	if (ikev2_sa(sa)->rq.cur && ikev2_sa(sa)->rq.cur->child == c)
		ikev2_sa(sa)->rq.cur->child = NULL;
	list_for_each_entry(r, &ikev2_sa(sa)->rq.pending, node)
		if (r->child == c)
			r->child = NULL;
}

/*
 * The IKE SA goes with its Child SAs: one child-down event for each, unless
 * a rekey's new IKE SA inherits them (oak_sa_kill moves them to the heir).
 */
void oak_queue_children_down(struct oak_ike_sa *sa)
{
	struct oak_child_sa *c;

	if (oak_ccs_heir(sa))
		return;
	list_for_each_entry(c, &sa->children, node)
		if (c->installed && !c->rekeyed)
			oak_sa_event(sa, OAKLEY_EVENT_CHILD_DOWN, c->cfg->name, 0, NULL);
}

/* ---- ready-made requests ---- */

static int oak_delete_child_build(struct oak_ike_sa *sa, struct oak_req *r, struct ike_buf *b)
{
	struct oak_child_sa *c = r->child;

	if (!c || !c->installed)
		return -ENOENT;
	ike_add_delete(b, c->p.proto == IPPROTO_AH ? IKE_PROTO_AH : IKE_PROTO_ESP, 4,
		       (const u8 *)&c->p.spi_in, 1);
	return b->err;
}

/*
 * The peer answered with the Delete of its inbound SPI (or, after crossing
 * Deletes, with nothing, RFC 7296 §1.4.1): remove the Child SA either way.
 */
static void oak_delete_child_done(struct oak_ike_sa *sa, struct oak_req *r,
				  const struct ike_msg *m)
{
	struct oak_child_sa *c = r->child;

	if (!c)
		return;
	r->child = NULL;
	if (c->installed && !c->rekeyed)	/* a rekeyed one was reported as such */
		oak_sa_event(sa, OAKLEY_EVENT_CHILD_DOWN, c->cfg->name, 0, NULL);
	oak_child_free(sa, c);
}

static const struct oak_req_ops oak_delete_child_ops = {
	.exchange = IKE_INFORMATIONAL,
	.build = oak_delete_child_build,
	.done = oak_delete_child_done,
};

bool oak_queue_deleting_child(struct oak_ike_sa *sa, const struct oak_child_sa *c)
{
	struct oak_req *cur = ikev2_sa(sa)->rq.cur;
	struct oak_req *r;

	if (cur && cur->child == c && cur->ops == &oak_delete_child_ops)
		return true;
	list_for_each_entry(r, &ikev2_sa(sa)->rq.pending, node)
		if (r->child == c && r->ops == &oak_delete_child_ops)
			return true;
	return false;
}

int oak_req_delete_child(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_req *r;

	if (oak_queue_deleting_child(sa, c))
		return 0;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;	/* c stays */
	r->ops = &oak_delete_child_ops;
	r->child = c;
	c->deleting = true;
	return oak_req_submit(sa, r);	/* on failure, ->done has freed c */
}

static int oak_delete_ike_build(struct oak_ike_sa *sa, struct oak_req *r, struct ike_buf *b)
{
	ike_add_delete(b, IKE_PROTO_IKE, 0, NULL, 0);
	return b->err;
}

/* Answered or not (short timeout): the IKE SA and its Child SAs go. */
static void oak_delete_ike_done(struct oak_ike_sa *sa, struct oak_req *r,
				const struct ike_msg *m)
{
	if (sa->dead)
		return;		/* the SA is being removed anyway */
	if (!m)
		oak_sa_log(pr_debug, sa, NULL, "no answer to Delete(IKE)\n");
	oak_queue_children_down(sa);
	oak_sa_kill(sa);
	oak_conn_sa_gone(sa);
}

static const struct oak_req_ops oak_delete_ike_ops = {
	.exchange = IKE_INFORMATIONAL,
	.build = oak_delete_ike_build,
	.done = oak_delete_ike_done,
};

/*
 * Delete(IKE) through the queue: after the requests already queued (a
 * pending request that has not been sent yet is dropped: the SA goes).
 */
int oak_req_delete_ike(struct oak_ike_sa *sa)
{
	struct oak_req *r, *old;
	int err;

	if (sa->t.flags & OAK_Q_DELETING)
		return 0;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->ops = &oak_delete_ike_ops;
	while (!list_empty(&ikev2_sa(sa)->rq.pending)) {
		old = list_first_entry(&ikev2_sa(sa)->rq.pending, struct oak_req, node);
		list_del_init(&old->node);
		oak_req_fail(sa, old);
	}
	err = oak_req_submit(sa, r);
	if (err)
		return err;
	sa->t.flags |= OAK_Q_DELETING;
	sa->state = OAKLEY_IKE_STATE_DELETING;
	return 0;
}

static const struct oak_req_ops oak_liveness_ops = {
	.exchange = IKE_INFORMATIONAL,
};

/* An empty INFORMATIONAL: any answer proves the peer alive (oak_timers_rx). */
int oak_req_liveness(struct oak_ike_sa *sa)
{
	struct oak_req *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->ops = &oak_liveness_ops;
	return oak_req_submit(sa, r);
}

/* ---- hooks of sa.c ---- */

void oak_queue_sa_init(struct oak_ike_sa *sa)
{
	INIT_LIST_HEAD(&ikev2_sa(sa)->rq.pending);
}

void oak_queue_sa_up(struct oak_ike_sa *sa)
{
	sa->t.last_rx = jiffies;
	oak_timers_up(sa);
	oak_conn_sa_up(sa);
	oak_queue_kick(sa);
}

void oak_queue_sa_kill(struct oak_ike_sa *sa)
{
	oak_timers_stop(sa);
	oak_queue_flush(sa);
}

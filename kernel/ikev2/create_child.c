// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: CREATE_CHILD_SA for Child SAs (RFC 7296 §1.3.1,
 * §1.3.3, §2.8, §2.8.1, §2.17) — more Child SAs on an IKE SA and Child SA
 * rekeying, optionally with PFS.
 *
 *   Initiator                              Responder
 *   HDR, SK {[N(REKEY_SA)], [N(USE_TRANSPORT_MODE)],
 *       SA, Ni, [KEi], TSi, TSr}      -->
 *                                     <--  HDR, SK {[N(USE_TRANSPORT_MODE)],
 *                                              SA, Nr, [KEr], TSi, TSr}
 *
 * Our requests go through the IKE SA's request queue.  A rekeyed Child SA
 * gets a successor with the same reqid, installed before the old one is
 * deleted: the newer outbound state takes the traffic and the old inbound
 * state stays until the Delete exchange of the old SA is over.  As the
 * initiator we install both new states with the response; as the
 * responder only the inbound one, the outbound one when the old SA goes
 * (ikev2/create_child.h), so that we never send on an SA the peer cannot receive yet.
 * When both peers rekey the same Child SA at once (§2.8.1), the SA made by
 * the exchange with the lowest nonce is redundant and is deleted by the
 * side that initiated that exchange; the other side deletes the old SA.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/slab.h>

#include "../core/km.h"
#include "../core/sa.h"
#include "../core/ts.h"
#include "ikev2.h"

#define OAK_CCS_KE_TRIES	3
#define OAK_CCS_RETRY_MS	1000	/* TEMPORARY_FAILURE: 1-2 s later */

struct oak_ccs_req {
	struct oak_req r;		/* r.child: the new Child SA, not installed yet */
	struct oak_child_sa *old;	/* rekey: the Child SA it replaces */
	bool rekey;
	struct oak_dh *dh;
	u16 ni_len;
	u8 ni[OAK_NONCE_LEN];
};

/* The work area of one exchange (too big for the stack). */
struct oak_ccs_ctx {
	struct ike_sa_payload sa;
	struct ike_ts_payload tsi, tsr;
	struct ike_ts_payload conf_i, conf_r;
	struct ike_ts_payload out_i, out_r;
	struct oak_ccs_kmat km;
	size_t shared_len;
	u8 shared[IKE_DH_MAX_SHARED];
};

static const struct oak_req_ops oak_ccs_child_ops;

static const struct oakley_proposals *oak_ccs_props(const struct oakley_child *cfg)
{
	return cfg->ah ? cfg->ah : cfg->esp;
}

static u8 oak_ccs_proto(const struct oakley_child *cfg)
{
	return cfg->ah ? IKE_PROTO_AH : IKE_PROTO_ESP;
}

static struct oak_ccs_ctx *oak_ccs_ctx_new(void)
{
	return kzalloc(sizeof(struct oak_ccs_ctx), GFP_KERNEL);
}

static void oak_ccs_ctx_free(struct oak_ccs_ctx *x)
{
	kfree_sensitive(x);
}

/* ---- helpers shared with ikev2/rekey.c ---- */

int oak_ccs_nonce_cmp(const u8 *a, u16 alen, const u8 *b, u16 blen)
{
	int d = memcmp(a, b, min(alen, blen));

	if (d)
		return d;
	return (int)alen - (int)blen;
}

int oak_ccs_nonce_min(u8 **dst, u16 *dst_len, const u8 *ni, u16 ni_len,
		      const u8 *nr, u16 nr_len)
{
	bool i_low = oak_ccs_nonce_cmp(ni, ni_len, nr, nr_len) < 0;
	const u8 *n = i_low ? ni : nr;
	u16 len = min_t(u16, i_low ? ni_len : nr_len, IKE_NONCE_MAX);
	u8 *copy = kmemdup(n, len, GFP_KERNEL);

	if (!copy)
		return -ENOMEM;
	kfree(*dst);
	*dst = copy;
	*dst_len = len;
	return 0;
}

void oak_ccs_respond_error(struct oak_ike_sa *sa, const struct ike_msg *m, u16 type,
			   const u8 *data, size_t len)
{
	struct ike_buf b;
	size_t sk;
	u8 *mem = kmalloc(OAK_MSG_MAX, GFP_KERNEL);

	if (!mem)
		return;
	ike_buf_init(&b, mem, OAK_MSG_MAX);
	oak_hdr(sa, &b, m->exchange, true, m->msgid);
	sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
	ike_add_notify(&b, 0, NULL, 0, type, data, len);
	if (oak_sk_finish(sa, &b, sk)) {
		kfree(mem);
		return;
	}
	oak_send_response(sa, mem, b.len);
}

u16 oak_ccs_msg_error(const struct ike_msg *m, const u8 **data, u16 *len)
{
	struct ike_notify n;
	unsigned int i;

	for (i = 0; i < m->npayloads; i++) {
		if (m->pl[i].type != IKE_PL_NOTIFY ||
		    ike_parse_notify(m->pl[i].body, m->pl[i].len, &n) || n.type >= 16384)
			continue;
		if (data) {
			*data = n.data;
			*len = n.len;
		}
		return n.type;
	}
	return 0;
}

static void oak_ccs_retry_owe(struct oak_ike_sa *sa);

/*
 * One timer per IKE SA for the CCS work that waits: the TEMPORARY_FAILURE
 * retries (ccs.retry_at) and the deferred outbound states of the rekeys we
 * answered (c->ccs.out_due).  Armed for the earliest deadline; it holds a
 * reference on the SA while queued.
 */
static void oak_ccs_arm(struct oak_ike_sa *sa)
{
	unsigned long now = jiffies, next;
	struct oak_child_sa *c;
	bool due;

	if (sa->dead)
		return;
	/*
	 * A Child SA rekey refused while the IKE SA was being rekeyed moves to
	 * the new IKE SA with its retry still owed (c->ccs.retry): schedule it.
	 */
	list_for_each_entry(c, &sa->children, node) {
		if (ikev2_child(c)->ccs.retry)
			oak_ccs_retry_owe(sa);
	}
	next = ikev2_sa(sa)->ccs.retry_at;
	due = next;
	list_for_each_entry(c, &sa->children, node) {
		struct oak_child_ccs *cc = &ikev2_child(c)->ccs;

		if (cc->out_pending && (!due || time_before(cc->out_due, next))) {
			next = cc->out_due;
			due = true;
		}
	}
	if (!due)
		return;
	if (!mod_delayed_work(oak_wq, &ikev2_sa(sa)->ccs.work,
			      time_after(next, now) ? next - now : 0))
		kref_get(&sa->ref);
}

static void oak_ccs_retry(struct oak_ike_sa *sa)
{
	struct oak_child_sa *c, *tmp;

	ikev2_sa(sa)->ccs.retry_at = 0;
	if (sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
		return;
	if (ikev2_sa(sa)->ccs.retry_ike) {
		ikev2_sa(sa)->ccs.retry_ike = false;
		oak_ccs_rekey_ike(sa);
	}
	list_for_each_entry_safe(c, tmp, &sa->children, node) {
		if (!ikev2_child(c)->ccs.retry)
			continue;
		ikev2_child(c)->ccs.retry = false;
		oak_ccs_rekey_child(sa, c);
	}
}

/*
 * After TEMPORARY_FAILURE (§2.25): not at once, after a random 1-2 s, but
 * always in the first half of what is left of the IKE SA's hard lifetime.
 * Both sides can refuse each other's rekey (an IKE rekey crossing a Child
 * SA exchange, §2.25.2) when the rekey deadline came less than 2 s before
 * the hard one (ike-lifetime defaults to ike-rekey + 10 %): the retry must
 * still have time to complete, or the SA dies with its Child SAs.
 */
static unsigned long oak_ccs_retry_delay(const struct oak_ike_sa *sa)
{
	unsigned long delay = msecs_to_jiffies(OAK_CCS_RETRY_MS +
					       get_random_u32_below(OAK_CCS_RETRY_MS));
	unsigned long now = jiffies, left;

	if (!sa->t.expire_at || !time_before(now, sa->t.expire_at))
		return delay;
	left = sa->t.expire_at - now;
	if (delay > left / 2)
		delay = left / 4 + get_random_u32_below(left / 4 + 1);
	return delay;
}

/* Schedule the retries unless a deadline is already set */
static void oak_ccs_retry_owe(struct oak_ike_sa *sa)
{
	if (!ikev2_sa(sa)->ccs.retry_at)
		ikev2_sa(sa)->ccs.retry_at = (jiffies + oak_ccs_retry_delay(sa)) ?: 1;
}

void oak_ccs_retry_later(struct oak_ike_sa *sa)
{
	if (sa->dead)
		return;
	oak_ccs_retry_owe(sa);
	oak_ccs_arm(sa);
}

/* ---- deferred outbound states of the rekeys we answered ---- */

static void oak_ccs_out_install(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	int err = oak_child_install_out(sa, c);

	if (!err)
		return;
	oak_sa_log(pr_debug, sa, c->cfg->name, "cannot install the outbound state: %d\n", err);
	oak_sa_event(sa, OAKLEY_EVENT_ERROR, c->cfg->name, 0,
		     "cannot install the new outbound state");
}

/*
 * @c holds its outbound state back (oak_child_keep_out()) until @after
 * goes (NULL: another IKE SA's Child SA, oak_ccs_takeover()) or
 * OAK_CCS_OUT_DELAY_MS have passed.
 */
void oak_ccs_out_wait(struct oak_ike_sa *sa, struct oak_child_sa *c, struct oak_child_sa *after)
{
	ikev2_child(c)->ccs.out_after = after;
	ikev2_child(c)->ccs.out_due = jiffies + msecs_to_jiffies(OAK_CCS_OUT_DELAY_MS);
	oak_ccs_arm(sa);
}

/* child_takeover: the Child SA @c replaces in another IKE SA goes. */
void oak_ccs_takeover(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	lockdep_assert_held(&sa->in->lock);
	if (ikev2_child(c)->ccs.out_pending && !ikev2_child(c)->ccs.out_after && !sa->dead)
		oak_ccs_out_install(sa, c);
}

/* Install the outbound states that are due; the timer waits for the others. */
static void oak_ccs_out_due(struct oak_ike_sa *sa)
{
	unsigned long now = jiffies;
	struct oak_child_sa *c;

	list_for_each_entry(c, &sa->children, node) {
		if (ikev2_child(c)->ccs.out_pending &&
		    time_after_eq(now, ikev2_child(c)->ccs.out_due)) {
			oak_sa_log(pr_debug, sa, c->cfg->name,
				   "the old Child SA was not deleted in time\n");
			oak_ccs_out_install(sa, c);
		}
	}
}

static void oak_ccs_work(struct work_struct *work)
{
	struct oak_ike_sa *sa = &container_of(to_delayed_work(work), struct ikev2_sa,
					      ccs.work)->sa;
	struct oak_ike_net *in = sa->in;

	oak_sa_lock(sa);
	if (!sa->dead && !in->dying) {
		unsigned long at = ikev2_sa(sa)->ccs.retry_at;

		if (at && time_after_eq(jiffies, at))
			oak_ccs_retry(sa);
		oak_ccs_out_due(sa);
		oak_ccs_arm(sa);
	}
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

void oak_ccs_sa_init(struct oak_ike_sa *sa)
{
	INIT_DELAYED_WORK(&ikev2_sa(sa)->ccs.work, oak_ccs_work);
}

void oak_ccs_sa_kill(struct oak_ike_sa *sa)
{
	struct oak_ike_sa *heir = oak_ccs_heir(sa);

	if (cancel_delayed_work(&ikev2_sa(sa)->ccs.work))
		oak_sa_put(sa);
	/* the Child SAs moved to the heir: its timer takes over */
	if (heir)
		oak_ccs_arm(heir);
	oak_sa_put(sa->rekeyed_by);
	sa->rekeyed_by = NULL;
	oak_sa_put(sa->rekey_of);
	sa->rekey_of = NULL;
}

static void oak_ccs_req_forget(struct oak_req *r, struct oak_child_sa *c)
{
	struct oak_ccs_req *req;

	if (!r || r->ops != &oak_ccs_child_ops)
		return;
	req = container_of(r, struct oak_ccs_req, r);
	if (req->old == c)
		req->old = NULL;
	if (r->child == c)
		r->child = NULL;
}

void oak_ccs_child_gone(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_sa *o;
	struct oak_req *r;

	oak_ccs_req_forget(ikev2_sa(sa)->rq.cur, c);
	list_for_each_entry(r, &ikev2_sa(sa)->rq.pending, node)
		oak_ccs_req_forget(r, c);
	list_for_each_entry(o, &sa->children, node) {
		if (ikev2_child(o)->ccs.peer_new == c)
			ikev2_child(o)->ccs.peer_new = NULL;
		if (ikev2_child(o)->ccs.out_after != c)
			continue;
		/* before @c's states go: the traffic moves to o's at once */
		ikev2_child(o)->ccs.out_after = NULL;
		if (!sa->dead)
			oak_ccs_out_install(sa, o);
	}
}

/* ---- initiator ---- */

static int oak_ccs_submit(struct oak_ike_sa *sa, const struct oakley_child *cfg,
			  struct oak_child_sa *old, u16 group, u8 tries)
{
	struct oak_ccs_req *req;
	struct oak_child_sa *c;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	c = oak_child_new(sa, cfg);
	if (!c) {
		kfree(req);
		return -ENOMEM;
	}
	ikev2_child(c)->ccs.ke_group = group;
	ikev2_child(c)->ccs.ke_tries = tries;
	if (old) {
		c->p.reqid = old->p.reqid;
		old->rekeying = true;
		ikev2_child(old)->ccs.retry = false;
	}
	req->r.ops = &oak_ccs_child_ops;
	req->r.child = c;
	req->old = old;
	req->rekey = !!old;
	ikev2_sa(sa)->ccs.busy++;
	return oak_req_submit(sa, &req->r);
}

int oak_ccs_new_child(struct oak_ike_sa *sa, const struct oakley_child *cfg)
{
	if (sa->dead || sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
		return -ENOTCONN;
	return oak_ccs_submit(sa, cfg, NULL, 0, 0);
}

int oak_ccs_rekey_child(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	if (sa->dead || sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
		return -ENOTCONN;
	if (!c->installed || c->rekeying || c->rekeyed || c->deleting ||
	    oak_queue_deleting_child(sa, c))
		return 0;	/* underway, or replaced already */
	if (ikev2_sa(sa)->ccs.rekeying || sa->rekeyed_by) {
		/* §2.25.2: not while the IKE SA is being rekeyed; the heir retries */
		ikev2_child(c)->ccs.retry = true;
		oak_ccs_retry_later(sa);
		return 0;
	}
	return oak_ccs_submit(sa, c->cfg, c, ikev2_child(c)->ccs.ke_group,
			      ikev2_child(c)->ccs.ke_tries);
}

void oak_ccs_auth_done(struct oak_ike_sa *sa)
{
	const struct oakley_child *cfg;
	struct oak_child_sa *c;
	unsigned int i;
	bool have;

	if (!sa->initiator || sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
		return;
	for (i = 0; i < sa->conn->nchildren; i++) {
		cfg = sa->conn->children[i];
		if (cfg == sa->want_child || cfg->start == OAKLEY_START_TRAP)
			continue;
		have = false;
		list_for_each_entry(c, &sa->children, node)
			have |= c->cfg == cfg;
		if (!have && oak_ccs_new_child(sa, cfg))
			oak_sa_log(pr_debug, sa, cfg->name, "cannot queue the Child SA\n");
	}
}

static int oak_ccs_build(struct oak_ike_sa *sa, struct oak_req *r, struct ike_buf *b)
{
	struct oak_ccs_req *req = container_of(r, struct oak_ccs_req, r);
	struct oak_child_sa *c = r->child;
	const struct oakley_child *cfg;
	struct oak_ccs_ctx *x;
	u16 group;
	int err;

	if (!c || (req->rekey && (!req->old || req->old->rekeyed)))
		return -ENOENT;	/* gone, or the peer rekeyed it first */
	cfg = c->cfg;
	x = oak_ccs_ctx_new();
	if (!x)
		return -ENOMEM;
	err = c->spi_reserved ? 0 : oak_child_reserve_spi(sa, c);
	if (!err)
		err = oak_prop_build(oak_ccs_props(cfg), oak_ccs_proto(cfg),
				     (const u8 *)&c->p.spi_in, 4, true, &x->sa);
	if (!err)
		err = oak_ts_from_conf(cfg->local_ts, &sa->local, &x->tsi);
	if (!err)
		err = oak_ts_from_conf(cfg->remote_ts, &sa->remote, &x->tsr);
	if (!err && !req->rekey)
		oak_trap_packet_ts(sa->in, sa->conn, cfg, &x->tsi, &x->tsr);
	if (err)
		goto out;
	group = ikev2_child(c)->ccs.ke_group;
	if (!group)
		group = oak_prop_first_dh(oak_ccs_props(cfg));
	if (group) {
		req->dh = oak_dh_new(group);
		err = -ENOMEM;
		if (!req->dh)
			goto out;
	}
	req->ni_len = OAK_NONCE_LEN;
	get_random_bytes(req->ni, req->ni_len);
	if (req->rekey)
		ike_add_notify(b, oak_ccs_proto(cfg), (const u8 *)&req->old->p.spi_in, 4,
			       IKE_N_REKEY_SA, NULL, 0);
	if (cfg->mode == OAKLEY_MODE_TRANSPORT)
		ike_add_notify(b, 0, NULL, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_add_sa(b, &x->sa);
	ike_add_nonce(b, req->ni, req->ni_len);
	if (req->dh)
		ike_add_ke(b, group, oak_dh_public(req->dh), oak_dh_pub_len(group));
	ike_add_ts(b, IKE_PL_TSI, &x->tsi);
	ike_add_ts(b, IKE_PL_TSR, &x->tsr);
	err = b->err;
out:
	oak_ccs_ctx_free(x);
	return err;
}

static int oak_ccs_parse(const struct ike_msg *m, struct oak_ccs_ctx *x, const u8 **nonce,
			 u16 *nlen, struct ike_ke *ke, bool *has_ke)
{
	const struct ike_payload *psa = ike_find(m, IKE_PL_SA);
	const struct ike_payload *pn = ike_find(m, IKE_PL_NONCE);
	const struct ike_payload *pke = ike_find(m, IKE_PL_KE);
	const struct ike_payload *pi = ike_find(m, IKE_PL_TSI);
	const struct ike_payload *pr = ike_find(m, IKE_PL_TSR);

	if (!psa || !pn || !pi || !pr)
		return -EBADMSG;
	if (ike_parse_sa(psa->body, psa->len, &x->sa) ||
	    ike_parse_nonce(pn->body, pn->len, nonce, nlen) ||
	    ike_parse_ts(pi->body, pi->len, &x->tsi) || ike_parse_ts(pr->body, pr->len, &x->tsr))
		return -EBADMSG;
	if (*nlen < IKE_NONCE_MIN || *nlen > IKE_NONCE_MAX)
		return -EBADMSG;
	*has_ke = pke && !ike_parse_ke(pke->body, pke->len, ke);
	if (pke && !*has_ke)
		return -EBADMSG;
	return 0;
}

/* Install @c with the exchange's keying material; wipes the DH secret. */
static int oak_ccs_install(struct oak_ike_sa *sa, struct oak_child_sa *c, struct oak_ccs_ctx *x,
			   const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr)
{
	int err;

	x->km.gir = x->shared_len ? x->shared : NULL;
	x->km.gir_len = x->shared_len;
	err = oak_ccs_nonce_min(&ikev2_child(c)->ccs.nmin, &ikev2_child(c)->ccs.nmin_len,
				x->km.ni, x->km.ni_len, x->km.nr, x->km.nr_len);
	if (!err) {
		ikev2_child(c)->ccs.kmat = &x->km;
		err = oak_child_install(sa, c, tsi, tsr);
		ikev2_child(c)->ccs.kmat = NULL;
	}
	memzero_explicit(x->shared, sizeof(x->shared));
	return err;
}

/*
 * §2.8.1: the peer rekeyed @old at the same time as we did and our exchange
 * (nonces in @km) had the lowest nonce: the SA our exchange made is the
 * redundant one.  Known before it is installed, so that it gets no outbound
 * state: the peer drops its inbound one when our Delete arrives, and
 * whatever we sent on it until then would be lost.
 */
static bool oak_ccs_redundant(const struct oak_child_sa *old, const struct oak_ccs_kmat *km)
{
	const struct oak_child_sa *peer = old ? ikev2_child(old)->ccs.peer_new : NULL;
	const u8 *n = km->ni;
	u16 len = km->ni_len;

	if (!peer || !old->rekeyed)
		return false;
	if (oak_ccs_nonce_cmp(km->nr, km->nr_len, n, len) < 0) {
		n = km->nr;
		len = km->nr_len;
	}
	return oak_ccs_nonce_cmp(n, len, ikev2_child(peer)->ccs.nmin,
				 ikev2_child(peer)->ccs.nmin_len) < 0;
}

/*
 * Our rekey of @old made @c: delete the old one, or @c if it is the
 * redundant SA of a collision (the peer deletes @old then).
 */
static void oak_ccs_rekey_finish(struct oak_ike_sa *sa, struct oak_child_sa *old,
				 struct oak_child_sa *c, bool redundant)
{
	struct oak_child_sa *peer = ikev2_child(old)->ccs.peer_new;

	if (redundant) {
		oak_sa_log(pr_debug, sa, c->cfg->name, "rekey collision, ours is redundant\n");
		c->rekeyed = true;
		c->deleting = true;
		oak_req_delete_child(sa, c);
		return;
	}
	if (old->rekeyed && peer) {
		oak_sa_log(pr_debug, sa, c->cfg->name,
			   "rekey collision, the peer's is redundant\n");
		/* the peer deletes it: it never carries our traffic */
		oak_child_drop_out(peer);
	}
	old->rekeyed = true;
	old->deleting = true;
	oak_sa_event(sa, OAKLEY_EVENT_CHILD_REKEYED, c->cfg->name, 0, NULL);
	oak_req_delete_child(sa, old);
}

/* The peer asked for another DH group: try again with it, a few times. */
static void oak_ccs_retry_ke(struct oak_ike_sa *sa, struct oak_ccs_req *req,
			     struct oak_child_sa *c, const u8 *data, u16 len)
{
	const struct oakley_child *cfg = c->cfg;
	u8 tries = ikev2_child(c)->ccs.ke_tries + 1;
	u16 group;

	oak_stat(sa, OAKLEY_STATS_A_INVALID_KE);
	group = len == 2 ? get_unaligned_be16(data) : 0;
	if (tries > OAK_CCS_KE_TRIES || !oak_prop_has_dh(oak_ccs_props(cfg), group) ||
	    !oak_dh_supported(group) || (req->dh && group == oak_dh_group(req->dh))) {
		oak_sa_event(sa, OAKLEY_EVENT_ERROR, cfg->name, IKE_N_INVALID_KE_PAYLOAD,
			     "peer wants a DH group we do not offer");
		return;
	}
	if (req->old) {
		ikev2_child(req->old)->ccs.ke_group = group;
		ikev2_child(req->old)->ccs.ke_tries = tries;
		oak_ccs_rekey_child(sa, req->old);
	} else if (!req->rekey) {
		oak_ccs_submit(sa, cfg, NULL, group, tries);
	}
}

static void oak_ccs_refused(struct oak_ike_sa *sa, struct oak_ccs_req *req,
			    struct oak_child_sa *c, u16 err, const u8 *data, u16 len)
{
	struct oak_child_sa *old = req->old;

	switch (err) {
	case IKE_N_TEMPORARY_FAILURE:
		if (old && !old->rekeyed && !old->deleting) {
			ikev2_child(old)->ccs.retry = true;
			oak_ccs_retry_later(sa);
		}
		return;
	case IKE_N_INVALID_KE_PAYLOAD:
		oak_ccs_retry_ke(sa, req, c, data, len);
		return;
	case IKE_N_TS_UNACCEPTABLE:
		oak_stat(sa, OAKLEY_STATS_A_TS_UNACCEPTABLE);
		break;
	case IKE_N_NO_PROPOSAL_CHOSEN:
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		break;
	}
	oak_sa_event(sa, OAKLEY_EVENT_ERROR, c->cfg->name, err,
		     req->rekey ? "peer refused the Child SA rekey" :
		     "peer refused the Child SA");
}

/* Check the response's SA, KE and selectors; 0 or the reason to give up. */
static const char *oak_ccs_check_resp(struct oak_ike_sa *sa, struct oak_ccs_req *req,
				      struct oak_child_sa *c, const struct ike_msg *m,
				      struct oak_ccs_ctx *x)
{
	const struct oakley_child *cfg = c->cfg;
	const u8 *nonce;
	struct ike_notify n;
	struct ike_ke ke;
	bool has_ke;
	u16 nlen;
	int idx;

	if (oak_ccs_parse(m, x, &nonce, &nlen, &ke, &has_ke))
		return "malformed CREATE_CHILD_SA response";
	idx = oak_prop_select(&x->sa, oak_ccs_props(cfg), oak_ccs_proto(cfg), false, &c->algs,
			      NULL);
	if (idx < 0 || x->sa.nproposals != 1) {
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		return "peer chose a proposal we did not offer";
	}
	if (c->algs.dh && (!req->dh || !has_ke || ke.group != c->algs.dh ||
			   oak_dh_group(req->dh) != c->algs.dh))
		return "peer's KE does not match the chosen group";
	if (c->algs.dh && oak_dh_compute(req->dh, ke.data, ke.len, x->shared, &x->shared_len))
		return "bad KE from the peer";
	memcpy(&c->p.spi_out, x->sa.p[idx].spi, 4);
	oak_ts_from_conf(cfg->local_ts, &sa->local, &x->conf_i);
	oak_ts_from_conf(cfg->remote_ts, &sa->remote, &x->conf_r);
	if (!oak_ts_subset(&x->tsi, &x->conf_i) || !oak_ts_subset(&x->tsr, &x->conf_r)) {
		oak_stat(sa, OAKLEY_STATS_A_TS_UNACCEPTABLE);
		return "peer's selectors are not ours";
	}
	c->p.mode = ike_find_notify(m, IKE_N_USE_TRANSPORT_MODE, &n) ? OAKLEY_MODE_TUNNEL :
		    OAKLEY_MODE_TRANSPORT;
	if (c->p.mode != cfg->mode)
		return "peer changed the mode";
	x->km.ni = req->ni;
	x->km.ni_len = req->ni_len;
	x->km.nr = nonce;
	x->km.nr_len = nlen;
	x->km.initiator = true;
	return NULL;
}

static void oak_ccs_response(struct oak_ike_sa *sa, struct oak_ccs_req *req,
			     struct oak_child_sa *c, const struct ike_msg *m)
{
	struct oak_ccs_ctx *x;
	const char *why;

	x = oak_ccs_ctx_new();
	if (!x) {
		oak_child_free(sa, c);
		return;
	}
	why = oak_ccs_check_resp(sa, req, c, m, x);
	if (!why) {
		x->km.in_only = oak_ccs_redundant(req->old, &x->km);
		if (oak_ccs_install(sa, c, x, &x->tsi, &x->tsr))
			why = "cannot install the Child SA";
	}
	if (why) {
		memzero_explicit(x->shared, sizeof(x->shared));
		oak_sa_log(pr_debug, sa, c->cfg->name, "%s\n", why);
		oak_sa_event(sa, OAKLEY_EVENT_ERROR, c->cfg->name, 0, why);
		oak_child_free(sa, c);
		goto out;
	}
	c->dh = c->algs.dh;
	ikev2_child(c)->ccs.ke_group = c->algs.dh;
	ikev2_child(c)->ccs.ke_tries = 0;
	if (req->old)
		oak_ccs_rekey_finish(sa, req->old, c, x->km.in_only);
	else
		oak_sa_event(sa, OAKLEY_EVENT_CHILD_UP, c->cfg->name, 0, NULL);
out:
	oak_ccs_ctx_free(x);
}

static void oak_ccs_done(struct oak_ike_sa *sa, struct oak_req *r, const struct ike_msg *m)
{
	struct oak_ccs_req *req = container_of(r, struct oak_ccs_req, r);
	struct oak_child_sa *c = r->child;
	const u8 *data = NULL;
	u16 err, len = 0;

	if (ikev2_sa(sa)->ccs.busy)
		ikev2_sa(sa)->ccs.busy--;
	if (req->old)
		req->old->rekeying = false;
	r->child = NULL;
	if (!c)
		return;		/* removed meanwhile: nothing to install */
	if (!m) {
		oak_child_free(sa, c);
		return;
	}
	err = oak_ccs_msg_error(m, &data, &len);
	if (err) {
		oak_sa_log(pr_debug, sa, c->cfg->name, "CREATE_CHILD_SA refused: %u\n", err);
		oak_ccs_refused(sa, req, c, err, data, len);
		oak_child_free(sa, c);
		return;
	}
	oak_ccs_response(sa, req, c, m);
}

static void oak_ccs_release(struct oak_req *r)
{
	struct oak_ccs_req *req = container_of(r, struct oak_ccs_req, r);

	oak_dh_free(req->dh);
	kfree_sensitive(req);
}

static const struct oak_req_ops oak_ccs_child_ops = {
	.exchange = IKE_CREATE_CHILD_SA,
	.build = oak_ccs_build,
	.done = oak_ccs_done,
	.release = oak_ccs_release,
};

/* ---- responder ---- */

/* The installed Child SA the peer's REKEY_SA names (its SPI is our outbound one). */
static struct oak_child_sa *oak_ccs_find_rekeyed(struct oak_ike_sa *sa,
						 const struct ike_notify *n)
{
	struct oak_child_sa *c;
	u8 proto = n->protocol == IKE_PROTO_AH ? IPPROTO_AH : IPPROTO_ESP;
	__be32 spi;

	if (n->spi_len != 4)
		return NULL;
	memcpy(&spi, n->spi, 4);
	list_for_each_entry(c, &sa->children, node)
		if (c->installed && c->p.spi_out == spi && c->p.proto == proto)
			return c;
	return NULL;
}

/* Does @cfg accept the peer's proposal, mode and selectors?  0 or a notify. */
static u16 oak_ccs_try_cfg(struct oak_ike_sa *sa, const struct oakley_child *cfg,
			   struct oak_ccs_ctx *x, bool transport, struct oak_algs *algs,
			   u8 *num, int *idx)
{
	bool want_transport = cfg->mode == OAKLEY_MODE_TRANSPORT;

	*idx = oak_prop_select(&x->sa, oak_ccs_props(cfg), oak_ccs_proto(cfg), false, algs,
			       num);
	if (*idx < 0 || transport != want_transport)
		return IKE_N_NO_PROPOSAL_CHOSEN;
	oak_ts_from_conf(cfg->remote_ts, &sa->remote, &x->conf_i);
	oak_ts_from_conf(cfg->local_ts, &sa->local, &x->conf_r);
	if (oak_ts_narrow(&x->tsi, &x->conf_i, &x->out_i) ||
	    oak_ts_narrow(&x->tsr, &x->conf_r, &x->out_r))
		return IKE_N_TS_UNACCEPTABLE;
	return 0;
}

/* Pick the child config for a request (@old's for a rekey); 0 or a notify. */
static u16 oak_ccs_choose(struct oak_ike_sa *sa, struct oak_child_sa *old,
			  struct oak_ccs_ctx *x, bool transport, struct oak_child_sa **out,
			  u8 *num)
{
	u16 err = IKE_N_NO_PROPOSAL_CHOSEN, e;
	const struct oakley_child *cfg;
	struct oak_algs algs;
	unsigned int i;
	int idx;

	for (i = 0; i < sa->conn->nchildren; i++) {
		cfg = old ? old->cfg : sa->conn->children[i];
		e = oak_ccs_try_cfg(sa, cfg, x, transport, &algs, num, &idx);
		if (!e) {
			*out = oak_child_new(sa, cfg);
			if (!*out)
				return IKE_N_TEMPORARY_FAILURE;
			(*out)->algs = algs;
			memcpy(&(*out)->p.spi_out, x->sa.p[idx].spi, 4);
			(*out)->p.mode = cfg->mode;
			if (old)
				(*out)->p.reqid = old->p.reqid;
			return 0;
		}
		if (e == IKE_N_TS_UNACCEPTABLE)
			err = e;
		if (old)
			break;
	}
	oak_stat(sa, err == IKE_N_TS_UNACCEPTABLE ? OAKLEY_STATS_A_TS_UNACCEPTABLE :
		 OAKLEY_STATS_A_NO_PROPOSAL);
	return err;
}

/* g^ir for the responder; *our_dh gets the DH to answer with.  0 or a notify. */
static u16 oak_ccs_resp_ke(struct oak_ike_sa *sa, struct oak_child_sa *c,
			   const struct ike_ke *ke, bool has_ke, struct oak_ccs_ctx *x,
			   struct oak_dh **our_dh)
{
	if (!c->algs.dh)
		return 0;
	if (!has_ke || ke->group != c->algs.dh) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_KE);
		return IKE_N_INVALID_KE_PAYLOAD;
	}
	*our_dh = oak_dh_new(c->algs.dh);
	if (!*our_dh)
		return IKE_N_TEMPORARY_FAILURE;
	if (oak_dh_compute(*our_dh, ke->data, ke->len, x->shared, &x->shared_len))
		return IKE_N_INVALID_SYNTAX;
	return 0;
}

struct oak_ccs_answer {
	struct oak_child_sa *c;
	struct oak_dh *dh;
	u8 num;
	u8 nr[OAK_NONCE_LEN];
};

/* Negotiate and install the Child SA; 0 or the notify to refuse with. */
static u16 oak_ccs_negotiate(struct oak_ike_sa *sa, const struct ike_msg *m,
			     struct oak_child_sa *old, struct oak_ccs_ctx *x,
			     struct oak_ccs_answer *a)
{
	bool transport = !ike_find_notify(m, IKE_N_USE_TRANSPORT_MODE, &(struct ike_notify){});
	const u8 *nonce;
	struct ike_ke ke;
	bool has_ke;
	u16 nlen, err;

	if (oak_ccs_parse(m, x, &nonce, &nlen, &ke, &has_ke)) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_SYNTAX);
		return IKE_N_INVALID_SYNTAX;
	}
	err = oak_ccs_choose(sa, old, x, transport, &a->c, &a->num);
	if (err)
		return err;
	err = oak_ccs_resp_ke(sa, a->c, &ke, has_ke, x, &a->dh);
	if (err)
		return err;
	get_random_bytes(a->nr, sizeof(a->nr));
	x->km.ni = nonce;
	x->km.ni_len = nlen;
	x->km.nr = a->nr;
	x->km.nr_len = sizeof(a->nr);
	x->km.initiator = false;
	x->km.defer_out = !!old;
	if (oak_child_reserve_spi(sa, a->c) || oak_ccs_install(sa, a->c, x, &x->out_i, &x->out_r))
		return IKE_N_TEMPORARY_FAILURE;
	a->c->dh = a->c->algs.dh;
	ikev2_child(a->c)->ccs.ke_group = a->c->algs.dh;
	return 0;
}

static int oak_ccs_answer(struct oak_ike_sa *sa, const struct ike_msg *m,
			  struct oak_ccs_ctx *x, struct oak_ccs_answer *a)
{
	struct oak_child_sa *c = a->c;
	struct ike_buf b;
	size_t sk;
	u8 *mem;
	int err;

	mem = kmalloc(OAK_MSG_MAX, GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	ike_buf_init(&b, mem, OAK_MSG_MAX);
	oak_hdr(sa, &b, IKE_CREATE_CHILD_SA, true, m->msgid);
	sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
	if (c->p.mode == OAKLEY_MODE_TRANSPORT)
		ike_add_notify(&b, 0, NULL, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	oak_prop_from_algs(&c->algs, a->num, oak_ccs_proto(c->cfg), (const u8 *)&c->p.spi_in,
			   4, &x->sa);
	ike_add_sa(&b, &x->sa);
	ike_add_nonce(&b, a->nr, sizeof(a->nr));
	if (a->dh)
		ike_add_ke(&b, c->algs.dh, oak_dh_public(a->dh), oak_dh_pub_len(c->algs.dh));
	ike_add_ts(&b, IKE_PL_TSI, &x->out_i);
	ike_add_ts(&b, IKE_PL_TSR, &x->out_r);
	err = oak_sk_finish(sa, &b, sk);
	if (err) {
		kfree(mem);
		return err;
	}
	return oak_send_response(sa, mem, b.len);
}

/* A Child SA request (new, or rekey of @old); @old is NULL for a new one. */
static void oak_ccs_child_request(struct oak_ike_sa *sa, const struct ike_msg *m,
				  struct oak_child_sa *old)
{
	struct oak_ccs_answer a = {};
	struct oak_ccs_ctx *x;
	u8 data[2];
	u16 err;

	x = oak_ccs_ctx_new();
	if (!x) {
		oak_ccs_respond_error(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	err = oak_ccs_negotiate(sa, m, old, x, &a);
	if (!err && oak_ccs_answer(sa, m, x, &a))
		err = IKE_N_TEMPORARY_FAILURE;
	if (err) {
		put_unaligned_be16(a.c ? a.c->algs.dh : 0, data);
		if (a.c)
			oak_child_free(sa, a.c);
		if (err == IKE_N_INVALID_KE_PAYLOAD)
			oak_ccs_respond_error(sa, m, err, data, 2);
		else
			oak_ccs_respond_error(sa, m, err, NULL, 0);
		goto out;
	}
	if (!old) {
		oak_sa_event(sa, OAKLEY_EVENT_CHILD_UP, a.c->cfg->name, 0, NULL);
		goto out;
	}
	/* rekeyed by the peer: it deletes @old (or, after a collision, one of the two) */
	oak_ccs_out_wait(sa, a.c, old);
	if (old->rekeying)
		ikev2_child(old)->ccs.peer_new = a.c;
	old->rekeyed = true;
	ikev2_child(old)->ccs.retry = false;
	oak_sa_event(sa, OAKLEY_EVENT_CHILD_REKEYED, a.c->cfg->name, 0, NULL);
out:
	oak_dh_free(a.dh);
	oak_ccs_ctx_free(x);
}

void oak_ccs_request(struct oak_ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_payload *psa = ike_find(m, IKE_PL_SA);
	struct oak_child_sa *old = NULL;
	struct ike_notify n;

	/* an IKE SA rekey: the SA payload's first proposal is for IKE */
	if (psa && psa->len >= 8 && psa->body[4 + 1] == IKE_PROTO_IKE) {
		oak_ccs_ike_request(sa, m);
		return;
	}
	if (!ike_find_notify(m, IKE_N_REKEY_SA, &n)) {
		old = oak_ccs_find_rekeyed(sa, &n);
		if (!old) {
			oak_ccs_respond_error(sa, m, IKE_N_CHILD_SA_NOT_FOUND, NULL, 0);
			return;
		}
		/* §2.25.1/2.25.2: being deleted, replaced, or the IKE SA is rekeying */
		if (old->rekeyed || old->deleting || oak_queue_deleting_child(sa, old) ||
		    ikev2_sa(sa)->ccs.rekeying || sa->rekeyed_by) {
			oak_ccs_respond_error(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
			return;
		}
	} else if (sa->rekeyed_by) {
		oak_ccs_respond_error(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	oak_ccs_child_request(sa, m, old);
}

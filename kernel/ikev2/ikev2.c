// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: IKEv2 message dispatch (RFC 7296 §2.1-2.3).
 *
 * A received datagram is parsed, matched to an IKE SA by our SPI, checked
 * against the message ID window (1 in each direction), decrypted and handed
 * to the handler of its exchange.  Requests we send are kept and resent
 * (0.5 s, doubling, OAK_RTX_TRIES times); the last response we sent is kept
 * and resent when its request arrives again.  On an established SA the
 * requests come from the queue (queue.c); INFORMATIONAL requests of the
 * peer (Delete, notifies, liveness checks) are answered here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "../core/sa.h"
#include "../core/socket.h"
#include "ikev2.h"

static bool oak_pl_known(u8 type)
{
	return (type >= IKE_PL_SA && type <= IKE_PL_EAP) || type == IKE_PL_SKF;
}

/* The first unknown critical payload of a message, or 0. */
static u8 oak_unknown_critical(const struct ike_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->npayloads; i++)
		if (m->pl[i].critical && !oak_pl_known(m->pl[i].type))
			return m->pl[i].type;
	return 0;
}

void oak_hdr(struct oak_ike_sa *sa, struct ike_buf *b, u8 exchange, bool response, u32 msgid)
{
	u8 flags = (sa->initiator ? IKE_FLAG_INITIATOR : 0) | (response ? IKE_FLAG_RESPONSE : 0);

	ike_put_header(b, sa->spi_i, sa->spi_r, exchange, flags, msgid);
}

/* Close and seal an SK payload begun at sk_off; b->len becomes the message length. */
int oak_sk_finish(struct oak_ike_sa *sa, struct ike_buf *b, size_t sk_off)
{
	size_t len;
	int err;

	ike_sk_end(b, sk_off);
	if (b->err)
		return b->err;
	len = b->len;
	err = oak_sk_seal(ikev2_sa(sa)->sk_out, b->data, b->cap, sk_off, &len);
	if (err)
		return err;
	b->len = len;
	return 0;
}

void oak_rtx_arm(struct oak_ike_sa *sa, unsigned long delay)
{
	if (!mod_delayed_work(oak_wq, &ikev2_sa(sa)->rtx_work, delay))
		kref_get(&sa->ref);
}

/* Extra first wait per half-open IKE SA of the namespace (below). */
#define OAK_RTX_PENDING_MS	10

/*
 * The first wait for the answer to a request of a half-open SA (IKE_SA_INIT,
 * IKE_AUTH) grows with the namespace's half-open SAs: a peer that gets N
 * IKE_SA_INITs at once (start = start of many connections) answers them one
 * after the other, and resending all of them after 0.5 s only fills its
 * receive queue with duplicates that push out new requests.
 */
static unsigned int oak_rtx_first_ms(const struct oak_ike_sa *sa)
{
	u64 ms;

	if (!sa->counted_half_open)
		return OAK_RTX_FIRST_MS;
	ms = OAK_RTX_FIRST_MS +
	     oakley_stat_read(sa->in->on, OAKLEY_STATS_A_HALF_OPEN) * OAK_RTX_PENDING_MS;
	return min_t(u64, ms, OAK_RTX_MAX_MS);
}

/* Send a new request (takes buf, kmalloc'ed) and arm its retransmission. */
int oak_send_request(struct oak_ike_sa *sa, u8 *buf, size_t len)
{
	int err;

	kfree_sensitive(ikev2_sa(sa)->req);
	ikev2_sa(sa)->req = oak_msg_keep(buf, len);
	ikev2_sa(sa)->req_len = len;
	ikev2_sa(sa)->rtx_tries = 0;
	ikev2_sa(sa)->rtx_ms = oak_rtx_first_ms(sa);
	err = oak_send(sa->in, &sa->local, &sa->remote, ikev2_sa(sa)->req, len);
	if (err)
		oak_sa_log(pr_debug, sa, NULL, "send failed: %d\n", err);
	oak_rtx_arm(sa, msecs_to_jiffies(ikev2_sa(sa)->rtx_ms));
	return 0;
}

/* Our request was answered: stop retransmitting it. */
static void oak_req_done(struct oak_ike_sa *sa)
{
	kfree_sensitive(ikev2_sa(sa)->req);
	ikev2_sa(sa)->req = NULL;
	ikev2_sa(sa)->req_len = 0;
	if (cancel_delayed_work(&ikev2_sa(sa)->rtx_work))
		oak_sa_put(sa);
}

/* Send the response to request ikev2_sa(sa)->msgid_in (takes buf) and keep it. */
int oak_send_response(struct oak_ike_sa *sa, u8 *buf, size_t len)
{
	kfree_sensitive(ikev2_sa(sa)->resp);
	ikev2_sa(sa)->resp = oak_msg_keep(buf, len);
	ikev2_sa(sa)->resp_len = len;
	ikev2_sa(sa)->msgid_in++;
	return oak_send(sa->in, &sa->local, &sa->remote, ikev2_sa(sa)->resp, len);
}

void oak_rtx_work(struct work_struct *work)
{
	struct oak_ike_sa *sa = &container_of(to_delayed_work(work), struct ikev2_sa, rtx_work)->sa;
	struct oak_ike_net *in = sa->in;

	oak_sa_lock(sa);
	if (sa->dead || in->dying)
		goto out;
	if (!ikev2_sa(sa)->req) {
		/* responder half-open timeout */
		if (sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
			oak_sa_fail(sa, 0, "half-open IKE SA timed out");
		goto out;
	}
	if (ikev2_sa(sa)->rtx_tries >= oak_queue_rtx_tries(sa)) {
		oak_rtx_exhausted(sa, ikev2_sa(sa)->rq.cur);
		goto out;
	}
	ikev2_sa(sa)->rtx_tries++;
	ikev2_sa(sa)->rtx_ms = min(ikev2_sa(sa)->rtx_ms * 2, (unsigned int)OAK_RTX_MAX_MS);
	oak_stat(sa, OAKLEY_STATS_A_RETRANSMITS);
	oak_send(in, &sa->local, &sa->remote, ikev2_sa(sa)->req, ikev2_sa(sa)->req_len);
	oak_rtx_arm(sa, msecs_to_jiffies(ikev2_sa(sa)->rtx_ms));
out:
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

/* The first error notify (type < 16384) of a message, or 0. */
u16 oak_msg_error(const struct ike_msg *m)
{
	struct ike_notify n;
	unsigned int i;

	for (i = 0; i < m->npayloads; i++)
		if (m->pl[i].type == IKE_PL_NOTIFY &&
		    !ike_parse_notify(m->pl[i].body, m->pl[i].len, &n) && n.type < 16384)
			return n.type;
	return 0;
}

/* Unencrypted error response to an IKE_SA_INIT request (SPIr zero). */
void oak_send_notify_plain(struct oak_ike_net *in, const struct ike_msg *req,
			   const struct oak_addr *from, const struct oak_addr *to, u16 type,
			   const u8 *data, size_t len)
{
	static const u8 zero[IKE_SPI_LEN];
	struct ike_buf b;
	u8 *mem;

	mem = kmalloc(512, GFP_KERNEL);
	if (!mem)
		return;
	ike_buf_init(&b, mem, 512);
	ike_put_header(&b, req->spi_i, zero, req->exchange, IKE_FLAG_RESPONSE, req->msgid);
	ike_add_notify(&b, 0, NULL, 0, type, data, len);
	if (!ike_buf_finish(&b))
		oak_send(in, from, to, b.data, b.len);
	kfree(mem);
}

static u8 *oak_msg_alloc(struct ike_buf *b)
{
	u8 *mem = kmalloc(OAK_MSG_MAX, GFP_KERNEL);

	if (mem)
		ike_buf_init(b, mem, OAK_MSG_MAX);
	return mem;
}

/* An encrypted response carrying one notify (errors in established SAs). */
static void oak_respond_notify(struct oak_ike_sa *sa, const struct ike_msg *m, u16 type,
			       const u8 *data, size_t len)
{
	struct ike_buf b;
	size_t sk;
	u8 *mem = oak_msg_alloc(&b);

	if (!mem)
		return;
	oak_hdr(sa, &b, m->exchange, true, m->msgid);
	sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
	ike_add_notify(&b, 0, NULL, 0, type, data, len);
	if (oak_sk_finish(sa, &b, sk)) {
		kfree(mem);
		return;
	}
	oak_send_response(sa, mem, b.len);
}

/*
 * Best effort: INFORMATIONAL request with Delete(IKE), not retransmitted,
 * outside the request queue.  Only for an SA removed at once (connection
 * deleted or replaced, namespace or module going away, IKE_AUTH response
 * that fails authentication); everything else uses oak_req_delete_ike().
 */
int oak_send_delete_ike(struct oak_ike_sa *sa)
{
	struct ike_buf b;
	size_t sk;
	int err;
	u8 *mem;

	if (!ikev2_sa(sa)->sk_out)
		return -ENOTCONN;
	mem = oak_msg_alloc(&b);
	if (!mem)
		return -ENOMEM;
	oak_hdr(sa, &b, IKE_INFORMATIONAL, false, ikev2_sa(sa)->msgid_out++);
	sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
	ike_add_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	err = oak_sk_finish(sa, &b, sk);
	if (!err)
		err = oak_send(sa->in, &sa->local, &sa->remote, b.data, b.len);
	kfree(mem);
	return err;
}

/*
 * Child SAs named by a Delete payload (their SPIs are our outbound ones);
 * the response lists the matching inbound SPIs, except for a Child SA whose
 * Delete we sent ourselves and which crossed this one (RFC 7296 §1.4.1).
 * A Child SA being rekeyed is deleted all the same (§2.25.1); the rekey's
 * request sees r->child == NULL (oak_child_free -> oak_queue_child_gone).
 */
static void oak_info_delete_child(struct oak_ike_sa *sa, const struct ike_delete *d,
				  __be32 *out, u16 *nout)
{
	u8 proto = d->protocol == IKE_PROTO_ESP ? IPPROTO_ESP : IPPROTO_AH;
	struct oak_child_sa *c, *tmp;
	unsigned int i;
	__be32 spi;

	for (i = 0; i < d->nspi; i++) {
		memcpy(&spi, d->spis + i * 4, 4);
		list_for_each_entry_safe(c, tmp, &sa->children, node) {
			if (!c->installed || c->p.spi_out != spi || c->p.proto != proto)
				continue;
			if (!oak_queue_deleting_child(sa, c) && *nout < OAKLEY_MAX_CHILDREN)
				out[(*nout)++] = c->p.spi_in;
			if (!c->rekeyed)
				oak_sa_event(sa, OAKLEY_EVENT_CHILD_DOWN, c->cfg->name, 0, NULL);
			oak_child_free(sa, c);
		}
	}
}

/* Error notifies (types below 16384) are reported; unknown status ones ignored. */
static void oak_info_notify(struct oak_ike_sa *sa, const struct ike_payload *pl)
{
	struct ike_notify n;

	if (ike_parse_notify(pl->body, pl->len, &n) || n.type >= IKE_N_INITIAL_CONTACT)
		return;
	oak_sa_log(pr_debug, sa, NULL, "peer reports error notify %u\n", n.type);
	oak_sa_event(sa, OAKLEY_EVENT_ERROR, NULL, n.type, "error notify in INFORMATIONAL");
}

/*
 * An INFORMATIONAL request: Delete payloads (Child SAs or the IKE SA),
 * notifies, or nothing (a liveness check); the response carries the
 * matching Deletes of our inbound SPIs.
 */
void oak_info_request(struct oak_ike_sa *sa, const struct ike_msg *m)
{
	__be32 spis[2][OAKLEY_MAX_CHILDREN];
	u16 nspi[2] = { 0, 0 };
	bool delete_ike = false;
	struct ike_delete d;
	struct ike_buf b;
	unsigned int i;
	size_t sk;
	u8 *mem;

	for (i = 0; i < m->npayloads; i++) {
		if (m->pl[i].type == IKE_PL_NOTIFY) {
			oak_info_notify(sa, &m->pl[i]);
			continue;
		}
		if (m->pl[i].type != IKE_PL_DELETE ||
		    ike_parse_delete(m->pl[i].body, m->pl[i].len, &d))
			continue;
		if (d.protocol == IKE_PROTO_IKE)
			delete_ike = true;
		else if (d.spi_len == 4 && (d.protocol == IKE_PROTO_ESP ||
					    d.protocol == IKE_PROTO_AH))
			oak_info_delete_child(sa, &d, spis[d.protocol == IKE_PROTO_AH],
					      &nspi[d.protocol == IKE_PROTO_AH]);
	}
	mem = oak_msg_alloc(&b);
	if (!mem)
		return;
	oak_hdr(sa, &b, IKE_INFORMATIONAL, true, m->msgid);
	sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
	if (!delete_ike && nspi[0])
		ike_add_delete(&b, IKE_PROTO_ESP, 4, (const u8 *)spis[0], nspi[0]);
	if (!delete_ike && nspi[1])
		ike_add_delete(&b, IKE_PROTO_AH, 4, (const u8 *)spis[1], nspi[1]);
	if (oak_sk_finish(sa, &b, sk)) {
		kfree(mem);
		return;
	}
	oak_send_response(sa, mem, b.len);
	if (delete_ike) {
		sa->state = OAKLEY_IKE_STATE_DELETING;
		oak_queue_children_down(sa);
		oak_sa_kill(sa);
		oak_conn_sa_gone(sa);
	}
}

/* Decrypt the SK payload and replace m's payload list with the inner one. */
static int oak_decrypt(struct oak_ike_sa *sa, u8 *buf, size_t len, struct ike_msg *m)
{
	const u8 *plain;
	size_t plain_len;
	int err;

	if (m->sk_index < 0 || !ikev2_sa(sa)->sk_in)
		return -EBADMSG;
	err = oak_sk_open(ikev2_sa(sa)->sk_in, buf, len, m->pl[m->sk_index].off, &plain,
			  &plain_len);
	if (err) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_AUTH);
		return err;
	}
	err = ike_parse_inner(plain, plain_len, m->sk_first_inner, m);
	if (err) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		return err;
	}
	return 0;
}

/*
 * Remember an authenticated request by its length and its last bytes (the
 * ICV of the SK payload): only a datagram that matches them is a
 * retransmission that deserves our cached response again.  A forged
 * datagram with the right SPIs and message ID cannot make us reflect it.
 */
static void oak_req_tail(const u8 *buf, size_t len, u8 *tail)
{
	size_t n = min_t(size_t, len, OAK_REQ_TAIL);

	memset(tail, 0, OAK_REQ_TAIL);
	memcpy(tail, buf + len - n, n);
}

static void oak_req_remember(struct oak_ike_sa *sa, const u8 *tail, size_t len)
{
	ikev2_sa(sa)->resp_req_len = len;
	memcpy(ikev2_sa(sa)->resp_req_tail, tail, OAK_REQ_TAIL);
}

static bool oak_req_is_last(const struct oak_ike_sa *sa, const u8 *buf, size_t len)
{
	u8 tail[OAK_REQ_TAIL];

	oak_req_tail(buf, len, tail);
	return ikev2_sa(sa)->resp_req_len && ikev2_sa(sa)->resp_req_len == len &&
	       !memcmp(ikev2_sa(sa)->resp_req_tail, tail, OAK_REQ_TAIL);
}

static void oak_rx_request(struct oak_ike_sa *sa, u8 *buf, size_t len, struct ike_msg *m,
			   const struct oak_addr *src, const struct oak_addr *dst)
{
	u8 tail[OAK_REQ_TAIL];
	u8 crit;

	if (ikev2_sa(sa)->resp && m->msgid + 1 == ikev2_sa(sa)->msgid_in) {
		/* resend our answer only to a true retransmission, never to a forgery */
		if (oak_req_is_last(sa, buf, len))
			oak_send(sa->in, &sa->local, &sa->remote, ikev2_sa(sa)->resp,
				 ikev2_sa(sa)->resp_len);
		else
			oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		return;
	}
	if (m->msgid != ikev2_sa(sa)->msgid_in) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		return;
	}
	/* before decryption, which may work in place */
	oak_req_tail(buf, len, tail);
	if (oak_decrypt(sa, buf, len, m))
		return;
	oak_nat_update(sa, src, dst);
	oak_req_remember(sa, tail, len);
	oak_timers_rx(sa);
	crit = oak_unknown_critical(m);
	if (crit) {
		oak_respond_notify(sa, m, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, &crit, 1);
		return;
	}
	switch (m->exchange) {
	case IKE_AUTH:
		if (!sa->initiator && sa->state == OAKLEY_IKE_STATE_CONNECTING)
			oak_auth_request(sa, m);
		else
			oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		break;
	case IKE_INFORMATIONAL:
		if (sa->state == OAKLEY_IKE_STATE_ESTABLISHED ||
		    sa->state == OAKLEY_IKE_STATE_DELETING)
			oak_info_request(sa, m);
		break;
	case IKE_CREATE_CHILD_SA:
		if (sa->state == OAKLEY_IKE_STATE_ESTABLISHED)
			oak_ccs_request(sa, m);
		else if (sa->state == OAKLEY_IKE_STATE_DELETING)
			oak_respond_notify(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		else
			oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		break;
	default:
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_MALFORMED);
	}
}

static void oak_rx_response(struct oak_ike_sa *sa, u8 *buf, size_t len, struct ike_msg *m,
			    const struct oak_addr *src, const struct oak_addr *dst)
{
	if (!ikev2_sa(sa)->req || m->msgid + 1 != ikev2_sa(sa)->msgid_out) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		return;
	}
	if (oak_decrypt(sa, buf, len, m))
		return;
	oak_nat_update(sa, src, dst);
	oak_timers_rx(sa);
	switch (m->exchange) {
	case IKE_AUTH:
		if (sa->initiator && sa->state == OAKLEY_IKE_STATE_AUTHENTICATING) {
			oak_req_done(sa);
			oak_auth_response(sa, m);
		}
		break;
	case IKE_INFORMATIONAL:
	case IKE_CREATE_CHILD_SA:
		if (!oak_queue_response(sa, m))
			oak_req_done(sa);	/* not the queue's (best-effort Delete) */
		break;
	default:
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_MALFORMED);
	}
}

static bool oak_addr_eq(const struct oak_addr *a, const struct oak_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/*
 * Is @sa the SA of message @m from @src to @dst (looked up by our SPI)?  From
 * another port of the peer's address only with NAT traversal (nat.c).
 */
static bool oak_rx_sa_match(const struct oak_ike_sa *sa, const struct ike_msg *m,
			    const struct oak_addr *src, const struct oak_addr *dst)
{
	if (sa->dead || (!oak_addr_eq(&sa->remote, src) && !oak_nat_moved(sa, src, dst)))
		return false;
	if (m->exchange == IKE_SA_INIT)
		return sa->initiator;
	/* the I flag says who sent it: the original initiator's peer owns spi_r */
	return sa->initiator != !!(m->flags & IKE_FLAG_INITIATOR) &&
	       !memcmp(sa->initiator ? sa->spi_r : sa->spi_i,
		       sa->initiator ? m->spi_r : m->spi_i, IKE_SPI_LEN);
}

/*
 * A message for an existing SA: found under RCU, then handled under the
 * SA's lock and in->lock (oak_sa_lock()), so datagrams of different SAs
 * are handled by the rx workers in parallel up to in->lock.
 */
static void oak_rx_sa(struct oak_ike_net *in, u8 *buf, size_t len, struct ike_msg *m,
		      const struct oak_addr *src, const struct oak_addr *dst)
{
	bool resp = m->flags & IKE_FLAG_RESPONSE;
	bool by_r = m->exchange != IKE_SA_INIT && (m->flags & IKE_FLAG_INITIATOR);
	struct oak_ike_sa *sa;

	sa = oak_sa_lookup_get(in, by_r ? m->spi_r : m->spi_i);
	if (!sa) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_NO_SA);
		return;
	}
	oak_sa_lock(sa);
	if (in->dying || !oak_rx_sa_match(sa, m, src, dst))
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_NO_SA);
	else if (m->exchange == IKE_SA_INIT)
		oak_init_response(sa, buf, len, m);
	else if (resp)
		oak_rx_response(sa, buf, len, m, src, dst);
	else
		oak_rx_request(sa, buf, len, m, src, dst);
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

void oak_ikev2_rx(struct oak_ike_net *in, u8 *buf, size_t len, const struct oak_addr *src,
		  const struct oak_addr *dst)
{
	struct ike_msg *m;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	if (ike_parse_msg(buf, len, m)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		goto out;
	}
	if (m->exchange == IKE_SA_INIT && !(m->flags & IKE_FLAG_RESPONSE)) {
		/* no SA yet: the namespace's tables, DoS state and connections */
		mutex_lock(&in->lock);
		if (!in->dying)
			oak_init_request(in, buf, len, m, src, dst);
		mutex_unlock(&in->lock);
		goto out;
	}
	oak_rx_sa(in, buf, len, m, src, dst);
out:
	kfree(m);
}

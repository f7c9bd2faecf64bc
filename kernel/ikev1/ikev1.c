// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv1 (RFC 2409, pre-shared keys): receive and demultiplex,
 * retransmissions, and the operations table the core calls
 * (struct oak_proto_ops, kernel/core/proto.h).
 *
 * A datagram finds its ISAKMP SA by our cookie (CKY-I when we initiated,
 * CKY-R when we responded; a Main Mode first message, CKY-R zero, makes a
 * responder SA).  Both sides retransmit in IKEv1: the last message we sent
 * in an exchange is kept; while we wait for an answer the timer resends it,
 * and when the message we last took arrives again (same length and last
 * bytes: a true copy, never a forgery) it is sent again at once.
 *
 * Locking (Documentation/design/concurrency.md): @rx runs with no lock.
 * A datagram for an existing ISAKMP SA is handled under the SA's lock and
 * in->lock (oak_sa_lock()), found by its cookie under RCU; so is the
 * retransmission timer, oak_v1_rtx_work().  A first message, which makes
 * an SA, runs under in->lock alone (no SA of its own yet).  The core
 * calls every other operation under in->lock, from one of the SA's own
 * contexts (its timers) or from another (netlink, the key manager).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/oakley.h>
#include <linux/slab.h>

#include "../core/dos.h"
#include "../core/proto.h"
#include "../core/sa.h"
#include "../core/socket.h"
#include "../crypto/internal.h"
#include "ikev1.h"

u8 *v1_msg_alloc(struct isakmp_buf *b)
{
	u8 *mem = kmalloc(V1_MSG_MAX, GFP_KERNEL);

	if (mem)
		isakmp_buf_init(b, mem, V1_MSG_MAX);
	return mem;
}

void v1_hdr(struct oak_ike_sa *sa, struct isakmp_buf *b, u8 exchange, u8 flags, u32 msgid)
{
	isakmp_put_header(b, sa->spi_i, sa->spi_r, exchange, flags, msgid);
}

static void v1_rtx_arm(struct oak_ike_sa *sa)
{
	lockdep_assert_held(&sa->in->lock);
	if (!mod_delayed_work(oak_wq, &ikev1_sa(sa)->rtx_work,
			      msecs_to_jiffies(ikev1_sa(sa)->rtx_ms)))
		kref_get(&sa->ref);
}

void v1_tx_done(struct oak_ike_sa *sa)
{
	lockdep_assert_held(&sa->in->lock);
	ikev1_sa(sa)->waiting = false;
	if (cancel_delayed_work(&ikev1_sa(sa)->rtx_work))
		oak_sa_put(sa);
}

int v1_send(struct oak_ike_sa *sa, u8 *buf, size_t len, bool wait)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);
	int err;

	lockdep_assert_held(&sa->in->lock);
	kfree_sensitive(v1->last);
	v1->last = krealloc(buf, len, GFP_KERNEL) ?: buf;
	v1->last_len = len;
	err = oak_send(sa->in, &sa->local, &sa->remote, v1->last, len);
	if (err)
		oak_sa_log(pr_debug, sa, NULL, "send failed: %d\n", err);
	if (!wait) {
		v1_tx_done(sa);
		return 0;
	}
	v1->waiting = true;
	v1->rtx_tries = 0;
	v1->rtx_ms = V1_RTX_FIRST_MS;
	v1_rtx_arm(sa);
	return 0;
}

static void v1_tail(const u8 *buf, size_t len, u8 *tail)
{
	size_t n = min_t(size_t, len, V1_TAIL);

	memset(tail, 0, V1_TAIL);
	memcpy(tail, buf + len - n, n);
}

void v1_rx_commit(struct oak_ike_sa *sa)
{
	oak_sa_assert_locked(sa);
	ikev1_sa(sa)->rx_len = ikev1_sa(sa)->pend_len;
	memcpy(ikev1_sa(sa)->rx_tail, ikev1_sa(sa)->pend_tail, V1_TAIL);
	oak_timers_rx(sa);
}

/* Note the message being handled (before it is decrypted in place). */
void v1_rx_note(struct oak_ike_sa *sa, const u8 *buf, size_t len)
{
	oak_sa_assert_locked(sa);
	v1_tail(buf, len, ikev1_sa(sa)->pend_tail);
	ikev1_sa(sa)->pend_len = len;
}

/* The message we took last, again: our answer was lost, it goes again. */
bool v1_rx_repeat(struct oak_ike_sa *sa, const u8 *buf, size_t len)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);

	v1_rx_note(sa, buf, len);
	if (!v1->rx_len || v1->rx_len != len || memcmp(v1->rx_tail, v1->pend_tail, V1_TAIL))
		return false;
	oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
	if (v1->last)
		oak_send(sa->in, &sa->local, &sa->remote, v1->last, v1->last_len);
	return true;
}

static void oak_v1_rtx_work(struct work_struct *work)
{
	struct ikev1_sa *v1 = container_of(to_delayed_work(work), struct ikev1_sa, rtx_work);
	struct oak_ike_sa *sa = &v1->sa;
	struct oak_ike_net *in = sa->in;

	oak_sa_lock(sa);
	if (sa->dead || in->dying || !v1->waiting || !v1->last)
		goto out;
	if (v1->rtx_tries >= V1_RTX_TRIES) {
		v1->waiting = false;
		if (v1->step != V1_DONE) {
			oak_rtx_exhausted(sa, false);
		} else if (v1->qm) {
			oak_sa_log(pr_info_ratelimited, sa, NULL, "Quick Mode timed out\n");
			v1_qm_abort(sa);
		}
		goto out;
	}
	v1->rtx_tries++;
	v1->rtx_ms = min(v1->rtx_ms * 2, (unsigned int)V1_RTX_MAX_MS);
	oak_stat(sa, OAKLEY_STATS_A_RETRANSMITS);
	oak_send(in, &sa->local, &sa->remote, v1->last, v1->last_len);
	v1_rtx_arm(sa);
out:
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

static bool v1_addr_eq(const struct oak_addr *a, const struct oak_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/*
 * Is @sa, found by our cookie, the ISAKMP SA of @m from @src?  Under its
 * lock: the initiator learns CKY-R from the first answer.
 */
static bool v1_sa_match(const struct oak_ike_sa *sa, const struct isakmp_msg *m,
			const struct oak_addr *src)
{
	static const u8 zero[ISAKMP_COOKIE_LEN];

	oak_sa_assert_locked(sa);
	if (sa->dead || !v1_addr_eq(&sa->remote, src))
		return false;
	if (!sa->initiator)
		return !memcmp(sa->spi_i, m->cky_i, ISAKMP_COOKIE_LEN);
	return !memcmp(sa->spi_r, m->cky_r, ISAKMP_COOKIE_LEN) ||
	       !memcmp(sa->spi_r, zero, ISAKMP_COOKIE_LEN);
}

static void v1_sa_rx(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	oak_sa_assert_locked(sa);
	if (v1_rx_repeat(sa, buf, len))
		return;
	switch (m->exchange) {
	case ISAKMP_XCHG_IDPROT:
		v1_mm_rx(sa, buf, len, m);
		break;
	case ISAKMP_XCHG_AGGRESSIVE:
		v1_am_rx(sa, buf, len, m);
		break;
	case ISAKMP_XCHG_QUICK:
		if (ikev1_sa(sa)->step == V1_DONE && sa->state == OAKLEY_IKE_STATE_ESTABLISHED)
			v1_qm_rx(sa, buf, len, m);
		break;
	case ISAKMP_XCHG_INFO:
		if (ikev1_sa(sa)->cbc)
			v1_info_rx(sa, buf, len, m);
		else
			v1_info_plain(sa, m);
		break;
	default:
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_MALFORMED);
	}
}

/*
 * @m for the ISAKMP SA in which we are the @initiator, found by our cookie
 * (CKY-I if we initiated, CKY-R if we answered) under RCU and handled
 * under its lock; false if there is none.
 */
static bool v1_rx_sa_as(struct oak_ike_net *in, bool initiator, u8 *buf, size_t len,
			struct isakmp_msg *m, const struct oak_addr *src)
{
	struct oak_ike_sa *sa = oak_sa_lookup_get(in, initiator ? m->cky_i : m->cky_r);
	bool found = false;

	if (!sa)
		return false;
	/* the version and the role are set for life: no lock needed to compare */
	if (sa->ops == &oak_ikev1_ops && sa->initiator == initiator) {
		oak_sa_lock(sa);
		found = !in->dying && v1_sa_match(sa, m, src);
		if (found)
			v1_sa_rx(sa, buf, len, m);
		oak_sa_unlock(sa);
	}
	oak_sa_put(sa);
	return found;
}

/*
 * A first message (CKY-R zero) from a peer we answer already, under that
 * SA's lock: a copy of the one we took gets our answer again, any other
 * is dropped.  False if the peer has no ISAKMP SA with us by this CKY-I.
 */
static bool v1_rx_first_again(struct oak_ike_net *in, const u8 *buf, size_t len,
			      const struct isakmp_msg *m, const struct oak_addr *src)
{
	struct oak_ike_sa *sa = oak_sa_lookup_peer_get(in, src, m->cky_i);
	bool v1;

	if (!sa)
		return false;
	v1 = sa->ops == &oak_ikev1_ops;
	if (v1) {
		oak_sa_lock(sa);
		if (!sa->dead && !in->dying && !v1_rx_repeat(sa, buf, len))
			oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		oak_sa_unlock(sa);
	}
	oak_sa_put(sa);
	return v1;
}

/*
 * The flood limits of core/dos.h for a first message that is no copy of one
 * we took, before any lookup of a connection and before any state: its
 * size (OAKLEY_INIT_REQ_MAX, as for IKE_SA_INIT: rx-drop-malformed), then,
 * under load, its source's rate (rx-drop-ratelimit) and the count of
 * half-open SAs (rx-drop-half-open).  The bytes its SA will hold are
 * charged once its connection and proposal are known (v1_p1_request1()).
 * Under in->lock, which every SA's making holds (oak_sa_new()): the count
 * read here is the one the SA would join, so half-open-max holds exactly
 * even when several rx workers take first messages at once.
 */
bool v1_first_admit(struct oak_ike_net *in, size_t len, const struct oak_addr *src)
{
	lockdep_assert_held(&in->lock);
	if (len > OAKLEY_INIT_REQ_MAX) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		return false;
	}
	return oak_dos_check_v1(in, src) == OAK_DOS_PASS;
}

/* A first message: Main or Aggressive Mode, in the clear; it makes a responder SA. */
static void v1_rx_first(struct oak_ike_net *in, u8 *buf, size_t len, const struct isakmp_msg *m,
			const struct oak_addr *src, const struct oak_addr *dst)
{
	struct oak_ike_sa *sa = NULL;
	struct v1_p1_req req;

	if (m->msgid || (m->flags & ISAKMP_FLAG_ENC) ||
	    (m->exchange != ISAKMP_XCHG_IDPROT && m->exchange != ISAKMP_XCHG_AGGRESSIVE)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		return;
	}
	if (v1_rx_first_again(in, buf, len, m, src))
		return;
	/*
	 * No SA yet: the tables and connections, under in->lock.  Another
	 * copy of @m cannot make a second SA meanwhile: the datagrams of one
	 * CKY-I are handled by one rx worker in turn (core/socket.c).
	 */
	mutex_lock(&in->lock);
	if (!in->dying && v1_first_admit(in, len, src))
		sa = v1_p1_request1(in, m, len, src, dst, &req);
	mutex_unlock(&in->lock);
	if (!sa)
		return;
	/* the answer, as the new SA's own context (killed meanwhile: none) */
	oak_sa_lock(sa);
	if (!sa->dead && !in->dying)
		v1_p1_answer1(sa, buf, len, m, &req);
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

static void oak_ikev1_rx(struct oak_ike_net *in, u8 *buf, size_t len,
			 const struct oak_addr *src, const struct oak_addr *dst)
{
	static const u8 zero[ISAKMP_COOKIE_LEN];
	struct isakmp_msg *m;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	if (isakmp_parse_msg(buf, len, m) || !memcmp(m->cky_i, zero, ISAKMP_COOKIE_LEN))
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
	/* an Informational with no CKY-R: a refusal of our first message */
	else if (!memcmp(m->cky_r, zero, ISAKMP_COOKIE_LEN) && m->exchange != ISAKMP_XCHG_INFO)
		v1_rx_first(in, buf, len, m, src, dst);
	else if (!v1_rx_sa_as(in, false, buf, len, m, src) &&
		 !v1_rx_sa_as(in, true, buf, len, m, src))
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_NO_SA);
	kfree(m);
}

/* ---- the SA's IKEv1 state ---- */

static int oak_ikev1_sa_init(struct oak_ike_sa *sa)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);

	v1->hs = kzalloc(sizeof(*v1->hs), GFP_KERNEL);
	if (!v1->hs)
		return -ENOMEM;
	INIT_DELAYED_WORK(&v1->rtx_work, oak_v1_rtx_work);
	v1->rtx_ms = V1_RTX_FIRST_MS;
	v1_dpd_init(sa);
	v1_child_work_init(sa);
	return 0;
}

static void oak_ikev1_sa_up(struct oak_ike_sa *sa)
{
	lockdep_assert_held(&sa->in->lock);
	sa->t.last_rx = jiffies;
	oak_timers_up(sa);
	/* the ISAKMP SA is not renewed yet (`ike-rekey`): it lives to its end */
	sa->t.rekey_at = 0;
	oak_timers_cap_life(sa, ikev1_sa(sa)->p1_life);
	oak_conn_sa_up(sa);
}

static bool oak_ikev1_sa_kill(struct oak_ike_sa *sa)
{
	v1_tx_done(sa);
	v1_dpd_stop(sa);
	v1_child_work_stop(sa);
	oak_timers_stop(sa);
	return false;
}

static void v1_hs_free(struct ikev1_hs *hs)
{
	if (!hs)
		return;
	oak_dh_free(hs->dh);
	kfree(hs->sai_b);
	kfree(hs->idi_b);
	oak_free_secret(hs, sizeof(*hs));
}

static void oak_ikev1_sa_free(struct oak_ike_sa *sa)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);

	v1_qm_sa_free(sa);
	v1_hs_free(v1->hs);
	v1->hs = NULL;
	if (v1->keys)
		oak_v1_keys_wipe(v1->keys);
	oak_free_secret(v1->keys, sizeof(*v1->keys));
	v1->keys = NULL;
	v1_cbc_free(sa);
	kfree_sensitive(v1->last);
	oak_wipe(v1->iv, sizeof(v1->iv));
}

/* Phase 1 is over: what only it needed goes. */
void v1_sa_down(struct oak_ike_sa *sa)
{
	v1_hs_free(ikev1_sa(sa)->hs);
	ikev1_sa(sa)->hs = NULL;
}

static void oak_ikev1_child_gone(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	v1_qm_child_gone(sa, c);
}

static u16 oak_ikev1_first_group(const struct oakley_conn *conn)
{
	return v1_p1_first_group(conn);
}

static int oak_ikev1_initiate(struct oak_ike_sa *sa)
{
	return v1_p1_start(sa);
}

static int oak_ikev1_new_child(struct oak_ike_sa *sa, const struct oakley_child *cfg)
{
	return v1_qm_start(sa, cfg);
}

static int oak_ikev1_rekey_ike(struct oak_ike_sa *sa)
{
	return -EOPNOTSUPP;	/* IKEv1 re-authenticates: not yet */
}

static int oak_ikev1_rekey_child(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	return v1_qm_rekey(sa, c);
}

static bool oak_ikev1_busy(const struct oak_ike_sa *sa)
{
	return ikev1_sa(sa)->qm || ikev1_sa(sa)->waiting;
}

static bool oak_ikev1_deleting_child(struct oak_ike_sa *sa, const struct oak_child_sa *c)
{
	return false;		/* a Delete is not answered in IKEv1: never pending */
}

static int oak_ikev1_send_delete(struct oak_ike_sa *sa)
{
	return v1_info_send(sa, ISAKMP_PROTO_ISAKMP, NULL, 0, 0, 0);
}

static void oak_ikev1_children_down(struct oak_ike_sa *sa)
{
	struct oak_child_sa *c;

	lockdep_assert_held(&sa->in->lock);
	list_for_each_entry(c, &sa->children, node)
		if (c->installed && !c->rekeyed)	/* a rekeyed one was reported */
			oak_sa_event(sa, OAKLEY_EVENT_CHILD_DOWN, c->cfg->name, 0, NULL);
}

const struct oak_proto_ops oak_ikev1_ops = {
	.name = "IKEv1",
	.major = 1,
	.sa_size = sizeof(struct ikev1_sa),
	.child_size = sizeof(struct ikev1_child),
	.sa_cache = "oak_ikev1_sa",
	.child_cache = "oak_ikev1_child",
	.rx = oak_ikev1_rx,
	.sa_init = oak_ikev1_sa_init,
	.sa_up = oak_ikev1_sa_up,
	.sa_kill = oak_ikev1_sa_kill,
	.sa_free = oak_ikev1_sa_free,
	.child_gone = oak_ikev1_child_gone,
	.first_group = oak_ikev1_first_group,
	.initiate = oak_ikev1_initiate,
	.new_child = oak_ikev1_new_child,
	.rekey_ike = oak_ikev1_rekey_ike,
	.rekey_child = oak_ikev1_rekey_child,
	.liveness = v1_dpd_liveness,
	.busy = oak_ikev1_busy,
	.delete_ike = v1_delete_ike,
	.delete_child = v1_delete_child,
	.deleting_child = oak_ikev1_deleting_child,
	.send_delete = oak_ikev1_send_delete,
	.children_down = oak_ikev1_children_down,
};

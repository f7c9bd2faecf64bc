// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv1: Dead Peer Detection (RFC 3706).
 *
 * Each side says it does DPD with a Vendor ID in its first Main (or
 * Aggressive) Mode message.  The core's liveness timer (core/timers.c)
 * calls v1_dpd_liveness() when nothing came from the peer for `dpd`
 * seconds (no Main or Quick Mode message, no fresh R-U-THERE or ACK, no
 * new inbound ESP packet); if
 * the peer announced DPD, an R-U-THERE goes in an Informational exchange
 * of its own (HDR*, HASH(1), N: protocol ISAKMP, SPI = both cookies, a
 * 4-octet sequence number as notification data).  The peer answers with
 * an R-U-THERE-ACK that echoes the number.  Our numbers start random
 * (below 2^31, so that they do not wrap soon) and grow by one with every
 * R-U-THERE, retransmissions included (each is a new Informational, with
 * its own message ID); an ACK counts only when it names one of the check
 * under way: a stale or repeated ACK changes nothing.  Only that ACK, or
 * an R-U-THERE of the peer with a number above its last one, proves the
 * peer alive: an Informational has no other protection against a replay
 * (RFC 3706 §6).  Unanswered, the R-U-THERE is sent again V1_DPD_TRIES
 * times, from V1_DPD_FIRST_MS on, doubling up to V1_RTX_MAX_MS (23.5 s in
 * all, as IKEv2's liveness check); then the peer is dead: oak_rtx_exhausted() (the dead-peer event,
 * the SA goes, then dpd-action).  A Main or Quick Mode message from the
 * peer during the check (oak_timers_rx() by v1_rx_commit()) ends it too.
 *
 * An R-U-THERE from the peer is answered always, also when we did not
 * announce DPD, and every time it comes (the ACK is not retransmitted:
 * the peer's repetition asks again).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <asm/unaligned.h>

#include "../core/sa.h"
#include "ikev1.h"

/* RFC 3706 §3: the Vendor ID of DPD version 1.0 */
static const u8 v1_dpd_vid[] = {
	0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
};

void v1_dpd_add_vid(struct isakmp_buf *b)
{
	isakmp_add_opaque(b, ISAKMP_PL_VID, v1_dpd_vid, sizeof(v1_dpd_vid));
}

void v1_dpd_note_vid(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->npayloads; i++)
		if (m->pl[i].type == ISAKMP_PL_VID && m->pl[i].len == sizeof(v1_dpd_vid) &&
		    !memcmp(m->pl[i].body, v1_dpd_vid, sizeof(v1_dpd_vid)))
			ikev1_sa(sa)->dpd_peer = true;
}

static void v1_dpd_arm(struct oak_ike_sa *sa)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);

	if (sa->dead || sa->in->dying)
		return;
	if (!mod_delayed_work(oak_wq, &v1->dpd_work, msecs_to_jiffies(v1->dpd_ms)))
		kref_get(&sa->ref);
}

void v1_dpd_stop(struct oak_ike_sa *sa)
{
	ikev1_sa(sa)->dpd_wait = false;
	if (cancel_delayed_work(&ikev1_sa(sa)->dpd_work))
		oak_sa_put(sa);
}

/* One R-U-THERE with the next sequence number; its timer for the next. */
static int v1_dpd_send(struct oak_ike_sa *sa)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);
	__be32 seq = cpu_to_be32(++v1->dpd_seq);
	int err;

	err = v1_info_notify(sa, ISAKMP_N_R_U_THERE, (const u8 *)&seq, sizeof(seq));
	if (err)
		oak_sa_log(pr_debug, sa, NULL, "R-U-THERE not sent: %d\n", err);
	v1_dpd_arm(sa);
	return err;
}

int v1_dpd_liveness(struct oak_ike_sa *sa)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);

	lockdep_assert_held(&sa->in->lock);
	if (!v1->dpd_peer || v1->dpd_wait || v1->step != V1_DONE || !v1->cbc)
		return 0;
	v1->dpd_wait = true;
	v1->dpd_tries = 0;
	v1->dpd_ms = V1_DPD_FIRST_MS;
	v1->dpd_first = v1->dpd_seq + 1;
	v1->dpd_since = jiffies;
	return v1_dpd_send(sa);
}

static void v1_dpd_work(struct work_struct *work)
{
	struct ikev1_sa *v1 = container_of(to_delayed_work(work), struct ikev1_sa, dpd_work);
	struct oak_ike_sa *sa = &v1->sa;

	oak_sa_lock(sa);
	if (sa->dead || sa->in->dying || !v1->dpd_wait)
		goto out;
	if (time_after(sa->t.last_rx, v1->dpd_since)) {
		v1->dpd_wait = false;	/* the peer spoke meanwhile: alive */
		goto out;
	}
	if (v1->dpd_tries >= V1_DPD_TRIES) {
		v1->dpd_wait = false;
		oak_sa_log(pr_debug, sa, NULL, "no R-U-THERE-ACK: the peer is dead\n");
		oak_rtx_exhausted(sa, true);
		goto out;
	}
	v1->dpd_tries++;
	v1->dpd_ms = min(v1->dpd_ms * 2, (unsigned int)V1_RTX_MAX_MS);
	oak_stat(sa, OAKLEY_STATS_A_RETRANSMITS);
	v1_dpd_send(sa);
out:
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

void v1_dpd_init(struct oak_ike_sa *sa)
{
	INIT_DELAYED_WORK(&ikev1_sa(sa)->dpd_work, v1_dpd_work);
	ikev1_sa(sa)->dpd_seq = get_random_u32() & 0x7fffffff;
}

/* Does the notify name this ISAKMP SA (SPI: CKY-I | CKY-R)? */
static bool v1_dpd_spi_ok(const struct oak_ike_sa *sa, const struct isakmp_notify *n)
{
	return n->spi_len == 2 * ISAKMP_COOKIE_LEN &&
	       !memcmp(n->spi, sa->spi_i, ISAKMP_COOKIE_LEN) &&
	       !memcmp(n->spi + ISAKMP_COOKIE_LEN, sa->spi_r, ISAKMP_COOKIE_LEN);
}

void v1_dpd_rx(struct oak_ike_sa *sa, const struct isakmp_notify *n)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);
	u32 seq;

	oak_sa_assert_locked(sa);
	if (n->len != sizeof(seq) || !v1_dpd_spi_ok(sa, n)) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_SYNTAX);
		return;
	}
	seq = get_unaligned_be32(n->data);
	if (n->type == ISAKMP_N_R_U_THERE) {
		/* a number above the last one is news from the peer; answered anyway */
		if (!v1->dpd_peer_seen || (s32)(seq - v1->dpd_peer_seq) > 0) {
			v1->dpd_peer_seq = seq;
			v1->dpd_peer_seen = true;
			oak_timers_rx(sa);
		}
		if (v1_info_notify(sa, ISAKMP_N_R_U_THERE_ACK, n->data, n->len))
			oak_sa_log(pr_debug, sa, NULL, "R-U-THERE-ACK not sent\n");
		return;
	}
	/* an ACK: for one of the R-U-THEREs of the check under way only */
	if (!v1->dpd_wait || seq - v1->dpd_first > v1->dpd_seq - v1->dpd_first) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		return;
	}
	oak_timers_rx(sa);
	v1_dpd_stop(sa);
}

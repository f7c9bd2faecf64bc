/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley core: the deadlines of an IKE SA (timers.c) and the engine's own
 * initiations (api.c): liveness (DPD), NAT keepalives, IKE SA rekey, reauthentication, hard
 * lifetime, restart attempts, duplicate IKE SAs of one connection, dead
 * peers and dpd-action.  The scheduler is version-neutral: what it does at
 * a deadline it asks of the SA's version (sa->ops: liveness, rekey_ike,
 * delete_ike, initiate).  Everything runs under in->lock.
 */
#ifndef OAKLEY_CORE_TIMERS_H
#define OAKLEY_CORE_TIMERS_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct oak_ike_net;
struct oak_ike_sa;
struct oakley_conn;

/* sa->t.flags */
#define OAK_Q_DELETING		BIT(0)	/* Delete(IKE) queued: no new requests */
#define OAK_Q_RESTART		BIT(1)	/* initiated by dpd-action = restart: retry on failure */
#define OAK_Q_REAUTH_NEW	BIT(2)	/* make-before-break: replaces an older IKE SA */
#define OAK_Q_REAUTH_OLD	BIT(3)	/* being replaced by a reauthentication */
#define OAK_Q_REKEY_DONE	BIT(4)	/* the IKE rekey timer has fired */
#define OAK_Q_REAUTH_DONE	BIT(5)	/* the reauth timer has fired */
#define OAK_Q_DEAD_PEER		BIT(6)	/* retransmissions ran out: the peer is gone */

/* The deadlines' state inside struct oak_ike_sa (sa->t). */
struct oak_sa_timers {
	unsigned long last_rx;		/* jiffies of the last valid message */
	u64 esp_in;			/* inbound ESP packets seen by the last DPD check */
	struct delayed_work dpd_work;	/* liveness check, NAT keepalives */
	struct delayed_work rekey_work;	/* IKE SA rekey / reauth / hard lifetime; restart delay */
	unsigned long rekey_at;		/* jiffies: IKE SA rekey (0 = none) */
	unsigned long reauth_at;	/* jiffies: reauthentication (0 = none) */
	unsigned long expire_at;	/* jiffies: hard lifetime (0 = none) */
	unsigned int restart_delay;	/* seconds: backoff of the next restart attempt */
	u16 flags;			/* OAK_Q_* */
};

/* timers.c */
void oak_timers_init(struct oak_ike_sa *sa);	/* from oak_sa_new() */
void oak_timers_up(struct oak_ike_sa *sa);	/* the SA is up: arm DPD and its deadlines */
void oak_timers_cap_life(struct oak_ike_sa *sa, u32 secs);	/* a shorter agreed lifetime */
unsigned long oak_timers_next_rekey(const struct oak_ike_sa *sa);	/* jiffies, 0: none */
/* Arm one of the SA's delayed works (a reference while it is pending); not on a dead SA. */
void oak_timer_arm(struct oak_ike_sa *sa, struct delayed_work *dw, unsigned long delay);
void oak_timers_stop(struct oak_ike_sa *sa);	/* cancel them (the SA goes) */
void oak_timers_rx(struct oak_ike_sa *sa);	/* a valid message arrived from the peer */
void oak_timers_restart_delay(struct oak_ike_sa *sa, unsigned int delay_s);
/*
 * The retransmissions of the SA's outstanding message ran out: @queued
 * when it was a request on an established SA (the peer is dead), else the
 * SA's first exchange (it fails; dpd-action = restart tries again later).
 */
void oak_rtx_exhausted(struct oak_ike_sa *sa, bool queued);
bool oak_restart_failed(struct oak_ike_sa *sa);	/* from oak_sa_fail() */
void oak_peer_dead(struct oak_ike_sa *sa);
void oak_conn_sa_up(struct oak_ike_sa *sa);	/* reauth finish, duplicate SAs */
void oak_conn_sa_gone(struct oak_ike_sa *sa);	/* put back other SAs' policies */

/* api.c: initiate @conn from the engine (restart, reauth); flags: OAK_Q_* */
int oak_initiate_flags(struct oak_ike_net *in, struct oakley_conn *conn, u16 flags,
		       unsigned int delay_s);

#endif /* OAKLEY_CORE_TIMERS_H */

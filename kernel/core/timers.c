// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: the timers of an IKE SA, all in one place.
 *
 * - sa->t.dpd_work: liveness (RFC 7296 §1.4, §2.4).  Armed every conn->dpd
 *   seconds while the SA is up; when nothing arrived from the peer in that
 *   time (no valid IKE message and no new inbound ESP packet) it queues an
 *   empty INFORMATIONAL.  When the retransmissions of any request run out,
 *   the peer is dead: OAKLEY_EVENT_DEAD_PEER, the SA goes, then dpd-action.
 * - sa->t.rekey_work: the IKE SA's own deadlines, whichever comes first:
 *   rekey (conn->ike_rekey minus up to conn->jitter percent), reauth
 *   (conn->reauth, make-before-break), hard lifetime (conn->ike_lifetime).
 *   On an SA that is not up yet it is the delay of a restart attempt.
 *
 * Each armed work item holds a reference on the SA; oak_timers_stop()
 * (from oak_sa_kill) cancels them.  An idle SA costs one timer per DPD
 * interval (rounded, so that many SAs wake up together) and one for its
 * next deadline: 100,000 idle SAs with dpd = 0 wake up only to rekey.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/timer.h>

#include "duration.h"
#include "km.h"
#include "proto.h"
#include "sa.h"
#include "timers.h"
#include "socket.h"
#include "xfrm.h"

#define OAK_RESTART_FIRST_S	2	/* backoff of dpd-action = restart */
#define OAK_RESTART_MAX_S	30
#define OAK_REAUTH_GRACE	(10 * HZ)	/* old IKE SA kept after a reauth */
#define OAK_DUP_WINDOW		(20 * HZ)	/* "initiated at the same time" */

void oak_timer_arm(struct oak_ike_sa *sa, struct delayed_work *dw, unsigned long delay)
{
	if (sa->dead || sa->in->dying)
		return;
	if (!mod_delayed_work(oak_wq, dw, delay))
		kref_get(&sa->ref);
}

static void oak_timer_cancel(struct oak_ike_sa *sa, struct delayed_work *dw)
{
	if (cancel_delayed_work(dw))
		oak_sa_put(sa);
}

void oak_timers_stop(struct oak_ike_sa *sa)
{
	oak_timer_cancel(sa, &sa->t.dpd_work);
	oak_timer_cancel(sa, &sa->t.rekey_work);
}

/* A valid (authenticated) message arrived from the peer. */
void oak_timers_rx(struct oak_ike_sa *sa)
{
	sa->t.last_rx = jiffies;
}

/* Inbound ESP/AH packets on all the SA's Child SAs. */
static u64 oak_esp_packets_in(struct oak_ike_sa *sa)
{
	struct oak_child_counters cnt;
	struct oak_child_sa *c;
	u64 sum = 0;

	list_for_each_entry(c, &sa->children, node)
		if (c->installed && !oak_xfrm_counters(&c->p, &cnt))
			sum += cnt.packets_in;
	return sum;
}

static void oak_dpd_arm(struct oak_ike_sa *sa, unsigned long delay)
{
	oak_timer_arm(sa, &sa->t.dpd_work, round_jiffies_relative(delay));
}

/* Liveness (DPD): the delay until the next check. */
static unsigned long oak_dpd_check(struct oak_ike_sa *sa)
{
	unsigned long period = oak_secs_to_jiffies(sa->conn->dpd);
	unsigned long idle = jiffies - sa->t.last_rx;
	u64 esp = oak_esp_packets_in(sa);

	if (esp != sa->t.esp_in) {
		/* the tunnel carries traffic from the peer: it is alive */
		sa->t.esp_in = esp;
		sa->t.last_rx = jiffies;
		return period;
	}
	if (idle < period)
		return period - idle;
	/* a request in flight is a liveness check of its own */
	if (!sa->ops->busy(sa))
		sa->ops->liveness(sa);
	return period;
}

/*
 * NAT keepalives (RFC 3948 §2.3): only from the side behind the NAT, to keep
 * its mapping of port 4500 alive; their period, 0 for none.
 */
static unsigned long oak_keepalive_period(const struct oak_ike_sa *sa)
{
	if (!(sa->nat & OAK_NAT_LOCAL) || sa->local.port != OAK_NATT_PORT)
		return 0;
	return oak_secs_to_jiffies(sa->conn->nat_keepalive);
}

/* Arm the liveness timer for the earlier of a DPD delay and a keepalive period. */
static void oak_live_arm(struct oak_ike_sa *sa, unsigned long dpd, unsigned long ka)
{
	if (dpd && ka)
		oak_dpd_arm(sa, min(dpd, ka));
	else if (dpd || ka)
		oak_dpd_arm(sa, dpd ?: ka);
}

/*
 * The liveness timer: DPD and NAT keepalives, whichever is due first.  A
 * keepalive goes out whenever it fires (no state of its own, to keep the SA
 * small: at most about twice per period when DPD fires in between).
 */
static void oak_live_check(struct oak_ike_sa *sa)
{
	unsigned long dpd = sa->conn->dpd ? oak_dpd_check(sa) : 0;
	unsigned long ka = oak_keepalive_period(sa);

	if (ka)
		oak_send_keepalive(sa->in, &sa->local, &sa->remote);
	oak_live_arm(sa, dpd, ka);
}

static void oak_dpd_work(struct work_struct *work)
{
	struct oak_ike_sa *sa = container_of(to_delayed_work(work), struct oak_ike_sa,
					     t.dpd_work);
	struct oak_ike_net *in = sa->in;

	oak_sa_lock(sa);
	if (!sa->dead && !in->dying && sa->state == OAKLEY_IKE_STATE_ESTABLISHED)
		oak_live_check(sa);
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

/* The SA's next rekey or reauthentication that has not fired yet (jiffies), or 0. */
unsigned long oak_timers_next_rekey(const struct oak_ike_sa *sa)
{
	unsigned long next = 0;

	if (sa->t.rekey_at && !(sa->t.flags & OAK_Q_REKEY_DONE))
		next = sa->t.rekey_at;
	if (sa->t.reauth_at && !(sa->t.flags & OAK_Q_REAUTH_DONE) &&
	    (!next || time_before(sa->t.reauth_at, next)))
		next = sa->t.reauth_at;
	return next;
}

/* The earliest deadline of the SA that has not fired yet, or 0. */
static unsigned long oak_next_deadline(const struct oak_ike_sa *sa)
{
	unsigned long next = oak_timers_next_rekey(sa);

	if (sa->t.expire_at && (!next || time_before(sa->t.expire_at, next)))
		next = sa->t.expire_at;
	return next;
}

static void oak_deadline_arm(struct oak_ike_sa *sa)
{
	unsigned long next = oak_next_deadline(sa);

	if (!next || (sa->t.flags & OAK_Q_DELETING))
		return;
	oak_timer_arm(sa, &sa->t.rekey_work,
		      time_after(next, jiffies) ? next - jiffies : 0);
}

/* Make-before-break: a new IKE SA for the connection; this one stays until it is up. */
static void oak_reauth_start(struct oak_ike_sa *sa)
{
	int err;

	sa->t.flags |= OAK_Q_REAUTH_DONE;
	if (!sa->conn->has_remote)
		return;		/* a responder for %any cannot initiate */
	sa->t.flags |= OAK_Q_REAUTH_OLD;
	err = oak_initiate_flags(sa->in, sa->conn, OAK_Q_REAUTH_NEW, 0);
	if (err) {
		sa->t.flags &= ~OAK_Q_REAUTH_OLD;
		oak_sa_log(pr_debug, sa, NULL, "reauthentication not started: %d\n", err);
	}
}

static void oak_deadline_fire(struct oak_ike_sa *sa)
{
	unsigned long now = jiffies;
	int err;

	if (sa->t.expire_at && time_after_eq(now, sa->t.expire_at)) {
		oak_sa_log(pr_debug, sa, NULL, "IKE SA lifetime expired\n");
		sa->t.expire_at = 0;
		if (sa->ops->delete_ike(sa))
			oak_sa_kill(sa);
		return;
	}
	if (sa->t.reauth_at && !(sa->t.flags & OAK_Q_REAUTH_DONE) &&
	    time_after_eq(now, sa->t.reauth_at))
		oak_reauth_start(sa);
	if (sa->t.rekey_at && !(sa->t.flags & OAK_Q_REKEY_DONE) &&
	    time_after_eq(now, sa->t.rekey_at)) {
		sa->t.flags |= OAK_Q_REKEY_DONE;
		err = sa->ops->rekey_ike(sa);
		if (err)
			oak_sa_log(pr_debug, sa, NULL, "IKE rekey not started: %d\n", err);
	}
	oak_deadline_arm(sa);
}

/* A delayed restart attempt: send its IKE_SA_INIT now. */
static void oak_restart_fire(struct oak_ike_sa *sa)
{
	if (sa->ops->initiate(sa))
		oak_sa_fail(sa, 0, "cannot start IKE_SA_INIT");
}

static void oak_rekey_work(struct work_struct *work)
{
	struct oak_ike_sa *sa = container_of(to_delayed_work(work), struct oak_ike_sa,
					     t.rekey_work);
	struct oak_ike_net *in = sa->in;

	oak_sa_lock(sa);
	if (sa->dead || in->dying)
		goto out;
	if (sa->state == OAKLEY_IKE_STATE_CONNECTING)
		oak_restart_fire(sa);
	else if (sa->state == OAKLEY_IKE_STATE_ESTABLISHED)
		oak_deadline_fire(sa);
out:
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

void oak_timers_init(struct oak_ike_sa *sa)
{
	INIT_DELAYED_WORK(&sa->t.dpd_work, oak_dpd_work);
	INIT_DELAYED_WORK(&sa->t.rekey_work, oak_rekey_work);
}

/* Delay a restart attempt's first message by @delay_s seconds. */
void oak_timers_restart_delay(struct oak_ike_sa *sa, unsigned int delay_s)
{
	sa->t.restart_delay = delay_s;
	oak_timer_arm(sa, &sa->t.rekey_work, oak_secs_to_jiffies(delay_s));
}

/* @secs minus a random 0..jitter percent of it, in jiffies from now. */
static unsigned long oak_jittered(u32 secs, u8 jitter)
{
	u32 pct = jitter ? get_random_u32_below(min_t(u32, jitter, 100) + 1) : 0;

	return jiffies + oak_secs_less_pct(secs, pct) + 1;
}

/* The SA is up (IKE_AUTH done): arm DPD and its deadlines. */
void oak_timers_up(struct oak_ike_sa *sa)
{
	const struct oakley_conn *conn = sa->conn;

	sa->t.flags &= ~(OAK_Q_REKEY_DONE | OAK_Q_REAUTH_DONE);
	sa->t.restart_delay = 0;
	sa->t.rekey_at = conn->ike_rekey ? oak_jittered(conn->ike_rekey, conn->jitter) : 0;
	sa->t.reauth_at = conn->reauth ? oak_jittered(conn->reauth, conn->jitter) : 0;
	sa->t.expire_at = conn->ike_lifetime ?
			  jiffies + oak_secs_to_jiffies(conn->ike_lifetime) : 0;
	sa->t.esp_in = 0;
	oak_live_arm(sa, conn->dpd ? oak_secs_to_jiffies(conn->dpd) : 0,
		     oak_keepalive_period(sa));
	oak_deadline_arm(sa);
}

/*
 * The version agreed on a lifetime of @secs with the peer (IKEv1's SA Life
 * attribute, 0: none): the SA expires then, if that comes before its
 * connection's `ike-lifetime`.
 */
void oak_timers_cap_life(struct oak_ike_sa *sa, u32 secs)
{
	unsigned long at = jiffies + oak_secs_to_jiffies(secs);

	if (!secs || (sa->t.expire_at && !time_before(at, sa->t.expire_at)))
		return;
	sa->t.expire_at = at;
	oak_deadline_arm(sa);
}

/* ---- dead peers ---- */

/*
 * The retransmissions of a request ran out.  On an established SA the peer
 * is dead; a restart attempt that got no answer schedules the next one.
 */
void oak_rtx_exhausted(struct oak_ike_sa *sa, bool queued)
{
	if (queued) {
		if (sa->t.flags & OAK_Q_DELETING)
			oak_sa_kill(sa);	/* Delete(IKE) unanswered: remove anyway */
		else
			oak_peer_dead(sa);
		return;
	}
	oak_sa_fail(sa, 0, "peer does not answer");	/* a restart attempt: the next one */
}

/* oak_sa_fail() of a restart attempt; true when the caller should kill the SA itself. */
bool oak_restart_failed(struct oak_ike_sa *sa)
{
	struct oakley_conn *conn;
	unsigned int next;

	if (!(sa->t.flags & OAK_Q_RESTART) || sa->state == OAKLEY_IKE_STATE_ESTABLISHED)
		return true;
	/*
	 * dpd-action = restart tries until it succeeds: a peer that comes
	 * back may refuse us for a while (its configuration not loaded yet:
	 * NO_PROPOSAL_CHOSEN, AUTHENTICATION_FAILED) as well as not answer.
	 * The delay doubles up to OAK_RESTART_MAX_S; `oak down` or removing
	 * the connection ends the attempts.
	 */
	next = sa->t.restart_delay ? min(sa->t.restart_delay * 2, OAK_RESTART_MAX_S) :
	       OAK_RESTART_FIRST_S;
	conn = oakley_conn_get(sa->conn);
	oak_sa_kill(sa);
	if (sa->in->dying)
		goto out;
	if (oak_initiate_flags(sa->in, conn, OAK_Q_RESTART, next))
		oak_conn_log(pr_debug, conn, NULL, "restart not scheduled\n");
	else
		oak_conn_log(pr_debug, conn, NULL, "restart attempt failed: next in %u s\n", next);
out:
	oakley_conn_put(conn);
	return false;
}

/* No answer from the peer: remove its SA, then dpd-action. */
void oak_peer_dead(struct oak_ike_sa *sa)
{
	struct oak_ike_net *in = sa->in;
	struct oakley_conn *conn;
	int err = 0;

	if (sa->dead)
		return;
	conn = oakley_conn_get(sa->conn);
	sa->t.flags |= OAK_Q_DEAD_PEER;
	oak_conn_log(pr_debug, conn, NULL, "peer is dead (action %u)\n", conn->dpd_action);
	oak_sa_event(sa, OAKLEY_EVENT_DEAD_PEER, NULL, 0, "no answer to retransmissions");
	sa->ops->children_down(sa);
	oak_sa_kill(sa);
	if (in->dying)
		goto out;
	switch (conn->dpd_action) {
	case OAKLEY_DPD_RESTART:
		err = oak_initiate_flags(in, conn, OAK_Q_RESTART, 0);
		break;
	case OAKLEY_DPD_TRAP:
		err = oak_trap_install_all(in, conn);
		break;
	default:
		break;
	}
	if (err && err != -EALREADY)
		oak_conn_log(pr_debug, conn, NULL, "dpd-action failed: %d\n", err);
out:
	oakley_conn_put(conn);
}

/* ---- several IKE SAs of one connection ---- */

/* Made by IKE_SA_INIT + IKE_AUTH (not by an IKE rekey), up, not going away. */
static bool oak_dup_candidate(const struct oak_ike_sa *sa)
{
	return sa->by_init && sa->state == OAKLEY_IKE_STATE_ESTABLISHED &&
	       !sa->rekeyed_by && !sa->rekey_of &&
	       !(sa->t.flags & (OAK_Q_DELETING | OAK_Q_REAUTH_NEW | OAK_Q_REAUTH_OLD));
}

/*
 * Both peers initiated at about the same time (start = start on both
 * sides): two IKE SAs for one connection, created within OAK_DUP_WINDOW of
 * each other.  RFC 7296 has no rule; ours: the IKE SA with the lower
 * initiator SPI (compared as bytes) stays, the other is deleted by the side
 * that initiated it (so only one Delete is sent).  Both sides see both SAs
 * up at the latest when their second one completes, and agree on which.
 */
static void oak_dup_resolve(struct oak_ike_sa *sa)
{
	struct oak_ike_sa *o, *loser;

	/* only an initiator SA can lose, and a %any connection never initiates */
	if (!oak_dup_candidate(sa) || !sa->conn->has_remote)
		return;
	list_for_each_entry(o, oak_sa_conn_list(sa->in, sa->conn->name), conn_node) {
		if (!oak_sa_same_conn(sa, o) || !oak_dup_candidate(o) ||
		    memcmp(o->remote.addr, sa->remote.addr, sizeof(o->remote.addr)) ||
		    abs((long)(sa->created - o->created)) > OAK_DUP_WINDOW)
			continue;
		loser = memcmp(sa->spi_i, o->spi_i, IKE_SPI_LEN) < 0 ? o : sa;
		oak_sa_log(pr_debug, sa, NULL, "duplicate IKE SA, %s one goes\n",
			   loser->initiator ? "our" : "the peer's");
		if (loser->initiator && loser->ops->delete_ike(loser))
			oak_sa_kill(loser);
		return;
	}
}

/*
 * Make-before-break: the new IKE SA is up; the old one goes after
 * OAK_REAUTH_GRACE, or half the reauth interval when that is shorter (its
 * hard lifetime is brought forward), which leaves the new SA time to set up
 * the connection's other Child SAs (CREATE_CHILD_SA) while the old ones
 * still carry their traffic.  Half the interval: with a short `reauth` the
 * old SA is gone well before the new one reauthenticates in its turn.
 */
static void oak_reauth_finish(struct oak_ike_sa *sa)
{
	unsigned long half = oak_secs_to_jiffies(sa->conn->reauth) / 2;
	unsigned long at = jiffies + clamp_t(unsigned long, half, HZ, OAK_REAUTH_GRACE);
	struct oak_ike_sa *o;

	sa->t.flags &= ~OAK_Q_REAUTH_NEW;
	list_for_each_entry(o, oak_sa_conn_list(sa->in, sa->conn->name), conn_node) {
		if (!oak_sa_same_conn(sa, o) || !(o->t.flags & OAK_Q_REAUTH_OLD))
			continue;
		oak_sa_log(pr_debug, sa, NULL, "reauthenticated, the old IKE SA goes\n");
		if (!o->t.expire_at || time_after(o->t.expire_at, at))
			o->t.expire_at = at;
		oak_deadline_arm(o);
	}
}

/* An IKE SA of the connection is up (from the version's sa_up). */
void oak_conn_sa_up(struct oak_ike_sa *sa)
{
	if (sa->t.flags & OAK_Q_REAUTH_NEW)
		oak_reauth_finish(sa);
	else
		oak_dup_resolve(sa);
}

/*
 * An IKE SA went away: a Child SA of another IKE SA of the same
 * connection may have lost its policies to it (duplicate SAs, whose Child
 * SAs have different reqids and the same selectors; the last installed one
 * took the policies).  Put them back for the live, current Child SAs.
 */
void oak_conn_sa_gone(struct oak_ike_sa *sa)
{
	struct oak_child_sa *c;
	struct oak_ike_sa *o;

	if (sa->in->dying)
		return;
	list_for_each_entry(o, oak_sa_conn_list(sa->in, sa->conn->name), conn_node) {
		if (!oak_sa_same_conn(sa, o) || o->state != OAKLEY_IKE_STATE_ESTABLISHED)
			continue;
		list_for_each_entry(c, &o->children, node)
			if (c->installed && !c->rekeyed &&
			    oak_xfrm_policies_install(&c->p))
				oak_sa_log(pr_debug, o, NULL, "policies of %s not restored\n",
					   c->cfg->name);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: the control plane's entry points (kernel/ike.h):
 * initiate (also one more Child SA, restarts and reauthentication),
 * terminate through the request queue, rekey, and the SA dump.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/wait.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "../ike.h"
#include "../netlink.h"
#include "proto.h"
#include "sa.h"
#include "socket.h"
#include "timers.h"

static bool oak_sa_of(const struct oak_ike_sa *sa, const struct oakley_conn *conn)
{
	return !strcmp(sa->conn->name, conn->name);
}

static struct oak_ike_sa *oak_sa_find_conn(struct oak_ike_net *in,
					   const struct oakley_conn *conn)
{
	struct oak_ike_sa *sa;

	list_for_each_entry(sa, oak_sa_conn_list(in, conn->name), conn_node)
		if (oak_sa_of(sa, conn) && sa->state != OAKLEY_IKE_STATE_DELETING)
			return sa;
	return NULL;
}

/*
 * Create and start an initiator IKE SA for @conn.  @flags (OAK_Q_*) mark
 * the engine's own initiations: OAK_Q_REAUTH_NEW may coexist with the
 * established SA it replaces; OAK_Q_RESTART (dpd-action = restart) waits
 * @delay_s seconds before its first message and retries until it succeeds.
 */
static int oak_initiate_new(struct oak_ike_net *in, struct oakley_conn *conn,
			    const char *child, u16 flags, unsigned int delay_s)
{
	const struct oak_proto_ops *ops = oak_proto_by_version(conn->version);
	unsigned int alen = conn->family == AF_INET ? 4 : 16;
	struct oak_ike_sa *sa;
	u16 group;
	int err;

	group = ops->first_group(conn);
	if (!group)
		return -EINVAL;
	err = oak_sock_open(in);
	if (err)
		return err;
	sa = oak_sa_new(in, ops, conn, true);
	if (!sa)
		return -ENOMEM;
	sa->local.family = conn->family;
	sa->local.port = conn->local_port;
	memcpy(sa->local.addr, conn->local_addr, alen);
	sa->remote.family = conn->family;
	sa->remote.port = conn->remote_port;
	memcpy(sa->remote.addr, conn->remote_addr, alen);
	if (child)
		sa->want_child = oakley_conn_child(conn, child);
	else if (conn->nchildren)
		sa->want_child = conn->children[0];
	sa->algs.dh = group;
	sa->t.flags |= flags;
	err = oak_sa_hash(sa);
	if (err)
		goto err_sa;
	if (delay_s) {
		oak_timers_restart_delay(sa, delay_s);
		return 0;
	}
	err = ops->initiate(sa);
	if (!err)
		return 0;
err_sa:
	oak_stat(sa, OAKLEY_STATS_A_IKE_FAILED);
	oak_sa_kill(sa);
	return err;
}

/* A reauthentication of @conn already under way? */
static bool oak_reauth_pending(struct oak_ike_net *in, const struct oakley_conn *conn)
{
	struct oak_ike_sa *sa;

	list_for_each_entry(sa, oak_sa_conn_list(in, conn->name), conn_node)
		if (oak_sa_of(sa, conn) && (sa->t.flags & OAK_Q_REAUTH_NEW))
			return true;
	return false;
}

int oak_initiate_flags(struct oak_ike_net *in, struct oakley_conn *conn, u16 flags,
		       unsigned int delay_s)
{
	const struct oak_proto_ops *ops = oak_proto_by_version(conn->version);

	if (in->dying || !ops || ops->unavailable || !conn->has_remote)
		return -EINVAL;
	if (flags & OAK_Q_REAUTH_NEW) {
		if (oak_reauth_pending(in, conn))
			return -EALREADY;
	} else if (oak_sa_find_conn(in, conn)) {
		return -EALREADY;
	}
	return oak_initiate_new(in, conn, NULL, flags, delay_s);
}

/* `oak up CONN/CHILD` on an established IKE SA: one more Child SA. */
static int oak_initiate_child(struct oak_ike_sa *sa, const char *child,
			      struct netlink_ext_ack *extack)
{
	const struct oakley_child *cfg;
	struct oak_child_sa *c;
	int err;

	if (sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
		return -EALREADY;	/* coming up (or rekeying): nothing to do now */
	cfg = oakley_conn_child(sa->conn, child);
	if (!cfg) {
		NL_SET_ERR_MSG(extack, "no such child in the connection");
		return -ENOENT;
	}
	list_for_each_entry(c, &sa->children, node)
		if (c->cfg == cfg && !c->rekeyed)
			return -EALREADY;	/* up or being negotiated */
	err = sa->ops->new_child(sa, cfg);
	if (err)
		NL_SET_ERR_MSG(extack, "cannot start CREATE_CHILD_SA");
	return err;
}

static int oak_initiate_locked(struct oak_ike_net *in, struct oakley_conn *conn,
			       const char *child, struct netlink_ext_ack *extack)
{
	const struct oak_proto_ops *ops = oak_proto_by_version(conn->version);
	struct oak_ike_sa *sa;
	int err;

	if (!ops) {
		NL_SET_ERR_MSG(extack, "unknown IKE version");
		return -EOPNOTSUPP;
	}
	if (ops->unavailable) {
		if (extack)
			extack->_msg = ops->unavailable;	/* static storage */
		return -EOPNOTSUPP;
	}
	sa = oak_sa_find_conn(in, conn);
	if (sa)
		return child ? oak_initiate_child(sa, child, extack) : -EALREADY;
	if (!conn->has_remote) {
		NL_SET_ERR_MSG(extack, "cannot initiate to remote %any");
		return -EINVAL;
	}
	err = oak_initiate_new(in, conn, child, 0, 0);
	if (err == -EINVAL)
		NL_SET_ERR_MSG(extack, "no DH group in the IKE proposals");
	else if (err == -EADDRINUSE || err == -EACCES)
		NL_SET_ERR_MSG(extack, "cannot bind UDP port 500");
	else if (err)
		NL_SET_ERR_MSG(extack, "cannot start IKE_SA_INIT");
	return err;
}

/* Caller holds in->lock; the entry takes a reference on @conn. */
void oak_start_queue(struct oak_ike_net *in, struct oakley_conn *conn)
{
	struct oak_start *st;

	lockdep_assert_held(&in->lock);
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return;
	st->conn = oakley_conn_get(conn);
	list_add_tail(&st->node, &in->starts);
	queue_work(oak_wq, &in->start_work);
}

/* Forget pending starts of @conn (NULL: all of them).  Caller holds in->lock. */
void oak_start_cancel(struct oak_ike_net *in, const struct oakley_conn *conn)
{
	struct oak_start *st, *tmp;

	lockdep_assert_held(&in->lock);
	list_for_each_entry_safe(st, tmp, &in->starts, node) {
		if (conn && st->conn != conn)
			continue;
		list_del(&st->node);
		oakley_conn_put(st->conn);
		kfree(st);
	}
}

/*
 * Starts per run of the work item.  After a batch the item requeues itself
 * behind the receive work and the timers that came in meanwhile, so the
 * answers to the first IKE_SA_INITs are handled while later connections
 * are still being started (instead of after all of them, by which time
 * their retransmission timers have fired).
 */
#define OAK_START_BATCH	4

void oak_start_work(struct work_struct *work)
{
	struct oak_ike_net *in = container_of(work, struct oak_ike_net, start_work);
	struct oak_start *st;
	unsigned int n = 0;
	int err;

	mutex_lock(&in->lock);
	while (!in->dying && !list_empty(&in->starts) && n++ < OAK_START_BATCH) {
		st = list_first_entry(&in->starts, struct oak_start, node);
		list_del(&st->node);
		err = oak_initiate_locked(in, st->conn, NULL, NULL);
		if (err && err != -EALREADY)
			oak_conn_log(pr_info, st->conn, NULL, "start failed: %d\n", err);
		oakley_conn_put(st->conn);
		kfree(st);
	}
	if (!in->dying && !list_empty(&in->starts))
		queue_work(oak_wq, &in->start_work);
	mutex_unlock(&in->lock);
}

/* `oak up`, and an acquire of the key manager: the caller holds a reference on @in. */
int oak_ike_initiate(struct oak_ike_net *in, struct oakley_conn *conn, const char *child,
		     struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&in->lock);
	err = in->dying ? -ENODEV : oak_initiate_locked(in, conn, child, extack);
	mutex_unlock(&in->lock);
	return err == -EALREADY ? 0 : err;	/* `oak up` is idempotent */
}

/* No engine: the namespace's last connection is being removed. */
static int oak_no_engine(struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack, "the connection is being removed");
	return -ENODEV;
}

int oakley_ike_initiate(struct oakley_net *on, struct oakley_conn *conn, const char *child,
			struct netlink_ext_ack *extack)
{
	struct oak_ike_net *in = oak_ike_net_get(on);
	int err;

	if (!in)
		return oak_no_engine(extack);
	err = oak_ike_initiate(in, conn, child, extack);
	oak_ike_net_put(in);
	return err;
}

/* How long `oak down` waits for the peer's answers (the queue gives up sooner). */
#define OAK_DOWN_WAIT_MS	6000

/*
 * Queue a Delete for every Child SA of @sa named @child; 1 if there was
 * one.  If the request cannot be queued the Child SA is removed at once.
 */
static int oak_terminate_child(struct oak_ike_sa *sa, const char *child)
{
	struct oak_child_sa *c, *tmp;
	int found = 0;

	list_for_each_entry_safe(c, tmp, &sa->children, node) {
		if (strcmp(c->cfg->name, child) || !c->installed)
			continue;
		sa->ops->delete_child(sa, c);	/* may free c */
		found = 1;
	}
	return found;
}

/*
 * `oak down CONN`: Delete(IKE) through the queue on an established SA (its
 * Child SAs leave xfrm at once; the SA itself goes with the answer or after
 * a short timeout), immediate removal otherwise.
 */
static void oak_terminate_ike(struct oak_ike_sa *sa)
{
	struct oak_child_sa *c, *tmp;

	if (sa->state == OAKLEY_IKE_STATE_DELETING && (sa->t.flags & OAK_Q_DELETING))
		return;
	if (sa->state != OAKLEY_IKE_STATE_ESTABLISHED || sa->ops->delete_ike(sa)) {
		sa->state = OAKLEY_IKE_STATE_DELETING;
		oak_sa_kill(sa);
		return;
	}
	sa->ops->children_down(sa);
	list_for_each_entry_safe(c, tmp, &sa->children, node)
		oak_child_free(sa, c);
}

/* Is the work `oak down` started on @sa over? */
static bool oak_terminate_done(struct oak_ike_sa *sa, const char *child)
{
	struct oak_child_sa *c;

	if (sa->dead)
		return true;
	if (!child)
		return false;
	list_for_each_entry(c, &sa->children, node)
		if (!strcmp(c->cfg->name, child) && sa->ops->deleting_child(sa, c))
			return false;
	return true;
}

static bool oak_terminate_all_done(struct oak_ike_net *in, struct oak_ike_sa **sas,
				   unsigned int n, const char *child)
{
	bool done = true;
	unsigned int i;

	mutex_lock(&in->lock);
	for (i = 0; i < n && done; i++)
		done = oak_terminate_done(sas[i], child);
	mutex_unlock(&in->lock);
	return done;
}

/*
 * Wait (without in->lock) until the Deletes are answered or given up, so
 * that `oak down` returns with the SAs gone.  @sas holds references.  Woken
 * whenever an SA or a Child SA of the namespace goes (in->gone_wq); the
 * sequence number read before the check catches a wake-up in between.
 */
static void oak_terminate_wait(struct oak_ike_net *in, struct oak_ike_sa **sas, unsigned int n,
			       const char *child)
{
	long left = msecs_to_jiffies(OAK_DOWN_WAIT_MS);
	unsigned int i;
	int seq;

	for (;;) {
		seq = atomic_read(&in->gone_seq);
		if (oak_terminate_all_done(in, sas, n, child))
			break;
		left = wait_event_killable_timeout(in->gone_wq,
						   atomic_read(&in->gone_seq) != seq, left);
		if (left <= 0)
			break;	/* timed out, or a fatal signal */
	}
	for (i = 0; i < n; i++)
		oak_sa_put(sas[i]);
}

#define OAK_DOWN_MAX_SAS	16	/* SAs of one connection `oak down` waits for */

int oakley_ike_terminate(struct oakley_net *on, struct oakley_conn *conn, const char *child,
			 struct netlink_ext_ack *extack)
{
	struct oak_ike_sa *sas[OAK_DOWN_MAX_SAS];
	struct oak_ike_net *in = oak_ike_net_get(on);
	struct oak_ike_sa *sa, *tmp;
	unsigned int n = 0;
	int found = 0;

	if (!in)
		return oak_no_engine(extack);
	mutex_lock(&in->lock);
	list_for_each_entry_safe(sa, tmp, oak_sa_conn_list(in, conn->name), conn_node) {
		if (!oak_sa_of(sa, conn))
			continue;
		if (child) {
			if (!oak_terminate_child(sa, child))
				continue;
		} else {
			oak_terminate_ike(sa);
		}
		found = 1;
		if (!sa->dead && n < OAK_DOWN_MAX_SAS) {
			kref_get(&sa->ref);
			sas[n++] = sa;
		}
	}
	mutex_unlock(&in->lock);
	if (n)
		oak_terminate_wait(in, sas, n, child);
	oak_ike_net_put(in);
	if (!found) {
		if (child)
			NL_SET_ERR_MSG(extack, "no such Child SA is up");
		else
			NL_SET_ERR_MSG(extack, "no IKE SA for this connection");
		return -ENOENT;
	}
	return 0;
}

/* ---- OAKLEY_CMD_SA_GET ---- */

/*
 * One selector as negotiated: the range (start, end) always, the prefix
 * length only when the range is a prefix, PORT only when the ports are one
 * port or all of them (0), START_PORT and END_PORT always.
 */
static int oak_fill_ts(struct sk_buff *skb, const struct oak_ts *ts)
{
	unsigned int alen = ts->family == AF_INET ? 4 : 16;
	bool any_port = !ts->start_port && ts->end_port == 0xffff;
	struct nlattr *one = nla_nest_start(skb, OAKLEY_TSLIST_A_TS);

	if (!one || nla_put_u16(skb, OAKLEY_TS_A_FAMILY, ts->family) ||
	    nla_put(skb, OAKLEY_TS_A_ADDR, alen, &ts->start) ||
	    nla_put(skb, OAKLEY_TS_A_END_ADDR, alen, &ts->end) ||
	    nla_put_u8(skb, OAKLEY_TS_A_PROTO, ts->proto) ||
	    nla_put_u16(skb, OAKLEY_TS_A_START_PORT, ts->start_port) ||
	    nla_put_u16(skb, OAKLEY_TS_A_END_PORT, ts->end_port))
		return -EMSGSIZE;
	if (ts->prefixlen != 0xff && nla_put_u8(skb, OAKLEY_TS_A_PREFIXLEN, ts->prefixlen))
		return -EMSGSIZE;
	if ((any_port || ts->start_port == ts->end_port) &&
	    nla_put_u16(skb, OAKLEY_TS_A_PORT, any_port ? 0 : ts->start_port))
		return -EMSGSIZE;
	nla_nest_end(skb, one);
	return 0;
}

static int oak_fill_tslist(struct sk_buff *skb, int attr, const struct oak_ts *ts,
			   unsigned int n)
{
	struct nlattr *list;
	unsigned int i;

	list = nla_nest_start(skb, attr);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (oak_fill_ts(skb, &ts[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, list);
	return 0;
}

/* Seconds from now to @at (jiffies), 0 if it has passed. */
static u64 oak_secs_to(unsigned long at)
{
	return time_after(at, jiffies) ? (at - jiffies) / HZ : 0;
}

/* Put @attr = @secs left of a limit @limit seconds after @since (boottime); none if @limit is 0. */
static int oak_put_left(struct sk_buff *skb, int attr, int pad, u64 since, u64 limit)
{
	u64 now = ktime_get_boottime_seconds();

	if (!limit)
		return 0;
	return nla_put_u64_64bit(skb, attr, since + limit > now ? since + limit - now : 0, pad);
}

/* When the Child SA's states rekey and expire (their soft and hard add-time limits). */
static int oak_fill_child_times(struct sk_buff *skb, const struct oak_child_sa *c)
{
	const struct oak_child_params *p = &c->p;

	if (!c->rekeyed &&
	    oak_put_left(skb, OAKLEY_CHILD_SA_A_REKEY_IN, OAKLEY_CHILD_SA_A_PAD,
			 c->established, p->soft_time))
		return -EMSGSIZE;
	return oak_put_left(skb, OAKLEY_CHILD_SA_A_EXPIRE_IN, OAKLEY_CHILD_SA_A_PAD,
			    c->established, p->hard_time);
}

static int oak_fill_child(struct sk_buff *skb, const struct oak_child_sa *c)
{
	const struct oak_child_params *p = &c->p;
	struct oak_child_counters cnt = {};
	struct nlattr *nest;

	if (!c->installed)
		return 0;
	oak_xfrm_counters(p, &cnt);
	nest = nla_nest_start(skb, OAKLEY_SA_A_CHILD);
	if (!nest || nla_put_string(skb, OAKLEY_CHILD_SA_A_NAME, c->cfg->name) ||
	    nla_put_be32(skb, OAKLEY_CHILD_SA_A_SPI_IN, p->spi_in) ||
	    nla_put_be32(skb, OAKLEY_CHILD_SA_A_SPI_OUT, p->spi_out) ||
	    nla_put_u8(skb, OAKLEY_CHILD_SA_A_PROTO, p->proto) ||
	    nla_put_u8(skb, OAKLEY_CHILD_SA_A_MODE, p->mode) ||
	    nla_put_u16(skb, OAKLEY_CHILD_SA_A_ENCR, p->encr) ||
	    nla_put_u16(skb, OAKLEY_CHILD_SA_A_ENCR_KEYLEN, p->encr_keylen) ||
	    nla_put_u16(skb, OAKLEY_CHILD_SA_A_INTEG, p->integ) ||
	    nla_put_u16(skb, OAKLEY_CHILD_SA_A_DH, c->dh) ||
	    oak_fill_tslist(skb, OAKLEY_CHILD_SA_A_LOCAL_TS, p->local_ts, p->n_local_ts) ||
	    oak_fill_tslist(skb, OAKLEY_CHILD_SA_A_REMOTE_TS, p->remote_ts, p->n_remote_ts) ||
	    nla_put_u64_64bit(skb, OAKLEY_CHILD_SA_A_AGE,
			      ktime_get_boottime_seconds() - c->established,
			      OAKLEY_CHILD_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, OAKLEY_CHILD_SA_A_BYTES_IN, cnt.bytes_in,
			      OAKLEY_CHILD_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, OAKLEY_CHILD_SA_A_BYTES_OUT, cnt.bytes_out,
			      OAKLEY_CHILD_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, OAKLEY_CHILD_SA_A_PACKETS_IN, cnt.packets_in,
			      OAKLEY_CHILD_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, OAKLEY_CHILD_SA_A_PACKETS_OUT, cnt.packets_out,
			      OAKLEY_CHILD_SA_A_PAD) ||
	    oak_fill_child_times(skb, c))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* What NAT traversal found, when the IKE SA moved to port 4500 for it. */
static int oak_fill_nat(struct sk_buff *skb, const struct oak_ike_sa *sa)
{
	u8 nat = 0;

	if (!(sa->nat & OAK_NAT_ANY) || sa->local.port != OAK_NATT_PORT)
		return 0;
	if (sa->nat & OAK_NAT_LOCAL)
		nat |= OAKLEY_SA_NAT_LOCAL;
	if (sa->nat & OAK_NAT_REMOTE)
		nat |= OAKLEY_SA_NAT_REMOTE;
	if (sa->nat & OAK_NAT_FORCED)
		nat |= OAKLEY_SA_NAT_FORCED;
	return nla_put_u8(skb, OAKLEY_SA_A_NAT, nat);
}

/* The IKE SA's next rekey or reauthentication and its hard lifetime, once it is up. */
static int oak_fill_sa_times(struct sk_buff *skb, const struct oak_ike_sa *sa)
{
	const struct oak_sa_timers *t = &sa->t;
	unsigned long next;

	if (sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
		return 0;
	next = oak_timers_next_rekey(sa);
	if (next && nla_put_u64_64bit(skb, OAKLEY_SA_A_REKEY_IN, oak_secs_to(next),
				      OAKLEY_SA_A_PAD))
		return -EMSGSIZE;
	if (t->expire_at && nla_put_u64_64bit(skb, OAKLEY_SA_A_EXPIRE_IN,
					      oak_secs_to(t->expire_at), OAKLEY_SA_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int oak_fill_sa(struct sk_buff *skb, const struct oak_ike_sa *sa)
{
	unsigned int alen = sa->local.family == AF_INET ? 4 : 16;
	const struct oak_child_sa *c;
	struct nlattr *nest;
	u64 age = 0;

	if (sa->state == OAKLEY_IKE_STATE_ESTABLISHED)
		age = ktime_get_boottime_seconds() - sa->established;
	nest = nla_nest_start(skb, OAKLEY_A_IKE_SA);
	if (!nest || nla_put_string(skb, OAKLEY_SA_A_CONN_NAME, sa->conn->name) ||
	    nla_put_u8(skb, OAKLEY_SA_A_STATE, sa->state) ||
	    (sa->initiator && nla_put_flag(skb, OAKLEY_SA_A_INITIATOR)) ||
	    nla_put_u64_64bit(skb, OAKLEY_SA_A_SPI_I, get_unaligned((u64 *)sa->spi_i),
			      OAKLEY_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, OAKLEY_SA_A_SPI_R, get_unaligned((u64 *)sa->spi_r),
			      OAKLEY_SA_A_PAD) ||
	    nla_put_u16(skb, OAKLEY_SA_A_FAMILY, sa->local.family) ||
	    nla_put(skb, OAKLEY_SA_A_LOCAL_ADDR, alen, sa->local.addr) ||
	    nla_put_u16(skb, OAKLEY_SA_A_LOCAL_PORT, sa->local.port) ||
	    nla_put(skb, OAKLEY_SA_A_REMOTE_ADDR, alen, sa->remote.addr) ||
	    nla_put_u16(skb, OAKLEY_SA_A_REMOTE_PORT, sa->remote.port) ||
	    nla_put_u16(skb, OAKLEY_SA_A_ENCR, sa->algs.encr) ||
	    nla_put_u16(skb, OAKLEY_SA_A_ENCR_KEYLEN, sa->algs.encr_keylen) ||
	    nla_put_u16(skb, OAKLEY_SA_A_PRF, sa->algs.prf) ||
	    nla_put_u16(skb, OAKLEY_SA_A_INTEG, sa->algs.integ) ||
	    nla_put_u16(skb, OAKLEY_SA_A_DH, sa->algs.dh) ||
	    nla_put_u64_64bit(skb, OAKLEY_SA_A_AGE, age, OAKLEY_SA_A_PAD) ||
	    nla_put_u8(skb, OAKLEY_SA_A_VERSION, sa->ops->major) ||
	    oak_fill_sa_times(skb, sa) ||
	    oak_fill_nat(skb, sa))
		return -EMSGSIZE;
	list_for_each_entry(c, &sa->children, node)
		if (oak_fill_child(skb, c))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Where the dump goes on: after the last SA it sent (cb->args[1], a
 * reference held) while that one is still listed, so that a dump of N SAs
 * costs O(N), not O(N^2) (issue #6: 100,000 SAs).  If it went meanwhile,
 * the SA at position cb->args[0] (the count sent), as before.
 */
static struct oak_ike_sa *oak_dump_resume(struct oak_ike_net *in, struct netlink_callback *cb)
{
	struct oak_ike_sa *last = (struct oak_ike_sa *)cb->args[1];
	struct oak_ike_sa *sa;
	long idx = 0;

	/* an SA of an engine stopped since is on no list of this one */
	if (last && last->in == in && !list_empty(&last->node))
		return list_next_entry(last, node);
	list_for_each_entry(sa, &in->sas, node)
		if (idx++ == cb->args[0])
			break;
	return sa;
}

int oakley_ike_dump_sas(struct oakley_net *on, struct sk_buff *skb,
			struct netlink_callback *cb)
{
	struct oak_ike_net *in = oak_ike_net_get(on);
	struct oak_ike_sa *sa, *sent = NULL, *prev = NULL;
	void *hdr;

	if (!in)
		return 0;	/* no connection: no SA, and no engine made for a read */
	mutex_lock(&in->lock);
	sa = oak_dump_resume(in, cb);
	list_for_each_entry_from(sa, &in->sas, node) {
		hdr = oakley_nl_dump_put(skb, cb, OAKLEY_CMD_SA_GET);
		if (!hdr)
			break;
		if (oak_fill_sa(skb, sa)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
		sent = sa;
	}
	if (sent) {
		kref_get(&sent->ref);
		prev = (struct oak_ike_sa *)cb->args[1];
		cb->args[1] = (long)sent;
	}
	mutex_unlock(&in->lock);
	oak_sa_put(prev);	/* may be the last SA of a stopped engine: not under a lock */
	oak_ike_net_put(in);
	return skb->len;
}

int oakley_ike_dump_sas_done(struct netlink_callback *cb)
{
	oak_sa_put((struct oak_ike_sa *)cb->args[1]);
	cb->args[1] = 0;
	return 0;
}

/* ---- OAKLEY_CMD_REKEY ---- */

static int oak_rekey_locked(struct oak_ike_sa *sa, const char *child,
			    struct netlink_ext_ack *extack)
{
	struct oak_child_sa *c;
	int err;

	if (!child) {
		err = sa->ops->rekey_ike(sa);
		if (err)
			NL_SET_ERR_MSG(extack, "cannot rekey the IKE SA");
		return err;
	}
	list_for_each_entry(c, &sa->children, node) {
		if (strcmp(c->cfg->name, child) || !c->installed || c->rekeyed)
			continue;
		err = sa->ops->rekey_child(sa, c);
		if (err)
			NL_SET_ERR_MSG(extack, "cannot rekey the Child SA");
		return err;
	}
	NL_SET_ERR_MSG(extack, "no such Child SA is up");
	return -ENOENT;
}

/* `oak rekey CONN[/CHILD]`: rekey the IKE SA or one Child SA now. */
int oakley_ike_rekey(struct oakley_net *on, struct oakley_conn *conn, const char *child,
		     struct netlink_ext_ack *extack)
{
	struct oak_ike_net *in = oak_ike_net_get(on);
	struct oak_ike_sa *sa, *found = NULL;
	int err;

	if (!in)
		return oak_no_engine(extack);
	mutex_lock(&in->lock);
	list_for_each_entry(sa, oak_sa_conn_list(in, conn->name), conn_node) {
		if (oak_sa_of(sa, conn) && !sa->dead &&
		    sa->state == OAKLEY_IKE_STATE_ESTABLISHED && !sa->rekeyed_by &&
		    !(sa->t.flags & (OAK_Q_DELETING | OAK_Q_REAUTH_OLD))) {
			found = sa;
			break;
		}
	}
	if (found) {
		err = oak_rekey_locked(found, child, extack);
	} else {
		NL_SET_ERR_MSG(extack, "the IKE SA is not established");
		err = -ENOTCONN;
	}
	mutex_unlock(&in->lock);
	oak_ike_net_put(in);
	return err;
}

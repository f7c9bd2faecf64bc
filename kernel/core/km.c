// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: the xfrm key manager.
 *
 * One struct xfrm_mgr for the module.  xfrm calls it in atomic context
 * (under rcu_read_lock(), from the packet path or a state's timer, often
 * with the state's lock held), for every namespace.  The callbacks only copy
 * what they need into a small event, put it on the namespace's bounded list
 * and queue the namespace's work; the work runs in process context under
 * in->lock like every other engine operation.
 *
 * - acquire: a packet matched a trap policy (trap.c) of ours: negotiate the
 *   child (a new IKE SA, or CREATE_CHILD_SA on the established one).
 *   Returning 0 keeps xfrm's larval state (it blocks or drops the flow's
 *   packets until our outbound state replaces it); other reqids are not
 *   ours: -EINVAL, so that xfrm_user / af_key listeners still get theirs.
 * - expire: soft (time, bytes or packets) -> rekey the Child SA; hard -> the
 *   state is gone already: remove the rest and send a Delete.
 *
 * The namespace's state is found through a registry keyed by struct net
 * (RCU): it outlives every callback that can still see it (kfree_rcu), which
 * the engine's own struct cannot promise while it is being torn down.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/xfrm.h>

#include "../events.h"
#include "../ike.h"
#include "km.h"
#include "proto.h"
#include "sa.h"
#include "socket.h"
#include "xfrm.h"

#define OAK_KM_REG_BITS		6
#define OAK_ACQUIRE_INTERVAL	HZ	/* at most one acquire per trap and second */

enum oak_km_event_type {
	OAK_KM_ACQUIRE,
	OAK_KM_EXPIRE,
	OAK_KM_MAPPING,
};

/* One xfrm event, copied out of atomic context. */
struct oak_km_event {
	struct list_head node;
	u8 type;		/* enum oak_km_event_type */
	u8 proto;		/* expire, mapping: the state's protocol */
	bool hard;		/* expire: hard (else soft) */
	u16 family;		/* expire: the state's; acquire: the packet's */
	u32 reqid;
	__be32 spi;		/* expire, mapping (inbound) */
	__be16 port;		/* mapping: the peer's new source port */
	xfrm_address_t daddr;	/* expire, mapping: the state's destination */
	/* acquire: the packet's source, destination; mapping: saddr, the peer's new address */
	xfrm_address_t saddr, paddr;
};

static DEFINE_SPINLOCK(oak_km_reg_lock);
static DEFINE_HASHTABLE(oak_km_reg, OAK_KM_REG_BITS);

/* Caller holds rcu_read_lock() (xfrm's callbacks all do). */
static struct oak_km_net *oak_km_lookup(struct net *net)
{
	struct oak_km_net *km;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(), "key manager lookup without RCU");
	hash_for_each_possible_rcu(oak_km_reg, km, reg, (unsigned long)net)
		if (km->net == net)
			return km;
	return NULL;
}

/*
 * Queue @ev for the worker.  With @trap_reqid, only when that reqid is one
 * of the namespace's traps (checked under the same lock).  Frees @ev and
 * returns an error when it is not queued.
 */
static int oak_km_queue(struct oak_km_net *km, struct oak_km_event *ev, bool trap_reqid)
{
	int err = 0;

	spin_lock_bh(&km->lock);
	if (km->dead || (trap_reqid && !oak_trap_has_reqid(km, ev->reqid))) {
		err = -EINVAL;
	} else if (km->nevents >= OAK_KM_EVQ_MAX) {
		km->dropped++;
		err = -ENOBUFS;
	} else {
		list_add_tail(&ev->node, &km->events);
		km->nevents++;
		queue_work(oak_wq, &km->work);
	}
	spin_unlock_bh(&km->lock);
	if (err)
		kfree(ev);
	return err;
}

static int oak_km_acquire(struct xfrm_state *x, struct xfrm_tmpl *t, struct xfrm_policy *xp)
{
	struct oak_km_net *km;
	struct oak_km_event *ev;

	if (!oak_xfrm_reqid_ours(t->reqid))
		return -EINVAL;
	km = oak_km_lookup(xs_net(x));
	if (!km || !READ_ONCE(km->ntraps))
		return -EINVAL;
	ev = kzalloc(sizeof(*ev), GFP_ATOMIC);
	if (!ev)
		return -ENOMEM;
	ev->type = OAK_KM_ACQUIRE;
	ev->reqid = t->reqid;
	ev->family = x->sel.family;
	ev->saddr = x->sel.saddr;
	ev->paddr = x->sel.daddr;
	return oak_km_queue(km, ev, true);
}

/* An event about state @x (expire, mapping): it names the state (atomic context). */
static struct oak_km_event *oak_km_state_event(const struct xfrm_state *x, u8 type)
{
	struct oak_km_event *ev = kzalloc(sizeof(*ev), GFP_ATOMIC);

	if (!ev)
		return NULL;
	ev->type = type;
	ev->reqid = x->props.reqid;
	ev->proto = x->id.proto;
	ev->spi = x->id.spi;
	ev->family = x->props.family;
	ev->daddr = x->id.daddr;
	return ev;
}

static int oak_km_notify(struct xfrm_state *x, const struct km_event *c)
{
	struct oak_km_net *km;
	struct oak_km_event *ev;

	if (c->event != XFRM_MSG_EXPIRE || !x || !oak_xfrm_reqid_ours(x->props.reqid))
		return 0;
	km = oak_km_lookup(xs_net(x));
	if (!km)
		return 0;
	ev = oak_km_state_event(x, OAK_KM_EXPIRE);
	if (!ev)
		return -ENOMEM;
	ev->hard = c->data.hard;
	oak_km_queue(km, ev, false);
	return 0;
}

/* Policy events (add/delete/flush/expire) carry nothing we act on. */
static int oak_km_notify_policy(struct xfrm_policy *xp, int dir, const struct km_event *c)
{
	return 0;
}

/*
 * Socket policies: only the IKE sockets' own bypass (socket.c), requested
 * through xfrm_user_policy() so that neither xfrm_user nor af_key is
 * needed.  Every other socket's request is left to those managers.
 */
static struct xfrm_policy *oak_km_compile_policy(struct sock *sk, int opt, u8 *data,
						 int len, int *dir)
{
	return oak_sock_bypass_compile(sk, opt, data, len, dir);
}

/*
 * ESP in UDP reached one of our inbound states from another address or port
 * than its encapsulation says (softirq, after the packet's ICV checked out):
 * the peer's NAT mapping changed.  xfrm asks again for every such packet
 * until the state follows; the worker does that (oak_km_handle_mapping()).
 */
static int oak_km_new_mapping(struct xfrm_state *x, xfrm_address_t *ipaddr, __be16 sport)
{
	struct oak_km_net *km;
	struct oak_km_event *ev;

	if (!oak_xfrm_reqid_ours(x->props.reqid))
		return -EINVAL;
	km = oak_km_lookup(xs_net(x));
	if (!km)
		return -EINVAL;
	ev = oak_km_state_event(x, OAK_KM_MAPPING);
	if (!ev)
		return -ENOMEM;
	ev->saddr = *ipaddr;
	ev->port = sport;
	return oak_km_queue(km, ev, false);
}

/* Worth creating a larval state for this namespace: only when it has traps. */
static bool oak_km_is_alive(const struct km_event *c)
{
	struct oak_km_net *km;
	bool alive;

	rcu_read_lock();
	km = oak_km_lookup(c->net);
	alive = km && READ_ONCE(km->ntraps);
	rcu_read_unlock();
	return alive;
}

static struct xfrm_mgr oak_km_mgr = {
	.notify = oak_km_notify,
	.acquire = oak_km_acquire,
	.compile_policy = oak_km_compile_policy,
	.new_mapping = oak_km_new_mapping,
	.notify_policy = oak_km_notify_policy,
	.is_alive = oak_km_is_alive,
};

/* ---- the worker (process context) ---- */

static void oak_km_acquire_event(struct oak_km_net *km, const struct oak_trap *t,
				 const struct oak_km_event *ev)
{
	struct oakley_event oe = {
		.type = OAKLEY_EVENT_ACQUIRE,
		.conn = t->conn->name,
		.child = t->cfg->name,
		.family = ev->family,
		.remote_addr = &ev->paddr,
	};
	char msg[112];

	if (ev->family == AF_INET)
		snprintf(msg, sizeof(msg), "%pI4 -> %pI4", &ev->saddr.a4, &ev->paddr.a4);
	else
		snprintf(msg, sizeof(msg), "%pI6c -> %pI6c", ev->saddr.a6, ev->paddr.a6);
	oe.message = msg;
	oakley_event_send(km->in->on, &oe, GFP_KERNEL);
}

static struct oak_ike_sa *oak_km_conn_sa(struct oak_ike_net *in, const struct oakley_conn *conn)
{
	struct oak_ike_sa *sa;

	list_for_each_entry(sa, oak_sa_conn_list(in, conn->name), conn_node)
		if (sa->conn == conn && !sa->dead && sa->state != OAKLEY_IKE_STATE_DELETING)
			return sa;
	return NULL;
}

/* Is @cfg's Child SA up or being negotiated (one on its way out does not count)? */
static bool oak_km_child_exists(struct oak_ike_sa *sa, const struct oakley_child *cfg)
{
	struct oak_child_sa *c;

	list_for_each_entry(c, &sa->children, node)
		if (!strcmp(c->cfg->name, cfg->name) && !c->rekeyed && !c->deleting)
			return true;
	return false;
}

/*
 * Under in->lock: act on an acquire.  Returns the connection (a reference)
 * when a new IKE SA must be initiated, which the caller does without the
 * lock through the control plane's own entry point.
 */
static struct oakley_conn *oak_km_do_acquire(struct oak_km_net *km,
					     const struct oak_km_event *ev,
					     const struct oakley_child **cfgp)
{
	struct oak_ike_net *in = km->in;
	struct oak_ike_sa *sa;
	struct oak_trap *t;
	int err;

	lockdep_assert_held(&in->lock);
	t = oak_trap_find_reqid(in, ev->reqid);
	if (!t)
		return NULL;
	km->acquires++;
	oak_km_acquire_event(km, t, ev);
	if (time_before(jiffies, t->last_acquire + OAK_ACQUIRE_INTERVAL))
		return NULL;
	t->last_acquire = jiffies;
	oak_trap_set_packet(t, ev->family, &ev->saddr, &ev->paddr);
	sa = oak_km_conn_sa(in, t->conn);
	if (!sa) {
		*cfgp = t->cfg;
		return oakley_conn_get(t->conn);
	}
	/* an IKE SA being set up brings the child (or its siblings) up itself */
	if (sa->state != OAKLEY_IKE_STATE_ESTABLISHED || oak_km_child_exists(sa, t->cfg))
		return NULL;
	err = sa->ops->new_child(sa, t->cfg);
	if (err)
		oak_conn_log(pr_debug, t->conn, t->cfg->name,
			     "acquire: CREATE_CHILD_SA failed: %d\n", err);
	return NULL;
}

static void oak_km_handle_acquire(struct oak_km_net *km, const struct oak_km_event *ev)
{
	struct oak_ike_net *in = km->in;
	const struct oakley_child *cfg = NULL;
	struct oakley_conn *conn = NULL;
	int err;

	mutex_lock(&in->lock);
	if (!in->dying)
		conn = oak_km_do_acquire(km, ev, &cfg);
	mutex_unlock(&in->lock);
	if (!conn)
		return;
	err = oak_ike_initiate(in, conn, cfg->name, NULL);
	if (err)
		oak_conn_log(pr_debug, conn, cfg->name, "acquire: initiate failed: %d\n", err);
	oakley_conn_put(conn);
}

static bool oak_km_child_match(const struct oak_child_sa *c, const struct oak_km_event *ev)
{
	const struct oak_child_params *p = &c->p;
	unsigned int alen = ev->family == AF_INET ? 4 : 16;

	if (!c->installed || p->proto != ev->proto || p->family != ev->family)
		return false;
	if (p->spi_in == ev->spi && !memcmp(&p->local, &ev->daddr, alen))
		return true;
	return p->spi_out == ev->spi && !memcmp(&p->remote, &ev->daddr, alen);
}

static struct oak_child_sa *oak_km_find_child(struct oak_ike_net *in,
					      const struct oak_km_event *ev,
					      struct oak_ike_sa **sap)
{
	struct oak_child_sa *c;
	struct oak_ike_sa *sa;

	list_for_each_entry(sa, &in->sas, node) {
		if (sa->dead)
			continue;
		list_for_each_entry(c, &sa->children, node) {
			if (c->p.reqid == ev->reqid && oak_km_child_match(c, ev)) {
				*sap = sa;
				return c;
			}
		}
	}
	return NULL;
}

/*
 * Hard expiry: xfrm has deleted one of the two states.  Remove the other
 * (the policies stay until the Child SA is freed, so nothing leaks in the
 * clear meanwhile) and tell the peer: oak_req_delete_child() frees the Child
 * SA (and reports it down) once the Delete is answered.  A Child SA already
 * on its way out (rekeyed, or its Delete queued) only loses its states.
 */
static void oak_km_hard_expire(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	oak_xfrm_remove_states(&c->p);
	if (c->rekeyed || c->deleting || sa->ops->deleting_child(sa, c))
		return;
	/* 0: queued; -ENOTCONN: not queued, and the failed request freed @c */
	if (sa->state == OAKLEY_IKE_STATE_ESTABLISHED && sa->ops->delete_child(sa, c) != -ENOMEM)
		return;
	oak_sa_event(sa, OAKLEY_EVENT_CHILD_DOWN, c->cfg->name, 0, "hard lifetime expired");
	oak_child_free(sa, c);
}

static void oak_km_handle_expire(struct oak_km_net *km, const struct oak_km_event *ev)
{
	struct oak_ike_net *in = km->in;
	struct oak_child_sa *c;
	struct oak_ike_sa *sa;
	int err;

	mutex_lock(&in->lock);
	if (in->dying)
		goto out;
	if (ev->hard)
		km->expires_hard++;
	else
		km->expires_soft++;
	c = oak_km_find_child(in, ev, &sa);
	if (!c)
		goto out;
	oak_sa_log(pr_debug, sa, c->cfg->name, "%s expiry of SPI %08x\n",
		   ev->hard ? "hard" : "soft", ntohl(ev->spi));
	if (ev->hard) {
		oak_km_hard_expire(sa, c);
	} else if (sa->state == OAKLEY_IKE_STATE_ESTABLISHED && !c->rekeying &&
		   !c->rekeyed && !c->deleting) {
		err = sa->ops->rekey_child(sa, c);
		if (err)
			oak_sa_log(pr_debug, sa, c->cfg->name, "rekey on soft expiry failed: %d\n",
				   err);
	}
out:
	mutex_unlock(&in->lock);
}

/*
 * The peer behind a NAT now sends from another port (RFC 7296 §2.23, RFC
 * 3948 §2.2 ESP from a new port): the IKE SA and all its Child SAs follow
 * it.  A new address would need the states moved (xfrm_state_migrate): not
 * done, logged.
 */
static void oak_km_handle_mapping(struct oak_km_net *km, const struct oak_km_event *ev)
{
	struct oak_ike_net *in = km->in;
	unsigned int alen = ev->family == AF_INET ? 4 : 16;
	struct oak_addr remote;
	struct oak_child_sa *c;
	struct oak_ike_sa *sa;

	mutex_lock(&in->lock);
	if (in->dying)
		goto out;
	c = oak_km_find_child(in, ev, &sa);
	if (!c || !c->p.encap || !(sa->nat & OAK_NAT_REMOTE) || c->p.spi_in != ev->spi ||
	    ntohs(ev->port) == sa->remote.port)
		goto out;
	if (memcmp(&ev->saddr, sa->remote.addr, alen)) {
		oak_sa_log(pr_info_ratelimited, sa, c->cfg->name,
			   "ESP from a new address behind the peer's NAT: not followed\n");
		goto out;
	}
	remote = sa->remote;
	remote.port = ntohs(ev->port);
	oak_sa_follow_peer(sa, &remote);
	oak_sa_log(pr_info_ratelimited, sa, NULL, "peer's NAT mapping changed: now port %u\n",
		   remote.port);
	oak_sa_event(sa, OAKLEY_EVENT_NAT_MAPPING, NULL, 0, "ESP from a new port");
out:
	mutex_unlock(&in->lock);
}

static void oak_km_work(struct work_struct *work)
{
	struct oak_km_net *km = container_of(work, struct oak_km_net, work);
	struct oak_km_event *ev, *tmp;
	LIST_HEAD(batch);

	spin_lock_bh(&km->lock);
	list_splice_init(&km->events, &batch);
	km->nevents = 0;
	spin_unlock_bh(&km->lock);

	list_for_each_entry_safe(ev, tmp, &batch, node) {
		if (ev->type == OAK_KM_ACQUIRE)
			oak_km_handle_acquire(km, ev);
		else if (ev->type == OAK_KM_MAPPING)
			oak_km_handle_mapping(km, ev);
		else
			oak_km_handle_expire(km, ev);
		list_del(&ev->node);
		kfree(ev);
	}
}

/* ---- registration ---- */

int oak_km_register(void)
{
	xfrm_register_km(&oak_km_mgr);
	return 0;
}

void oak_km_unregister(void)
{
	xfrm_unregister_km(&oak_km_mgr);	/* waits for running callbacks */
}

int oak_km_net_init(struct oak_ike_net *in)
{
	struct oak_km_net *km;

	km = kzalloc(sizeof(*km), GFP_KERNEL);
	if (!km)
		return -ENOMEM;
	km->net = in->net;
	km->in = in;
	spin_lock_init(&km->lock);
	INIT_LIST_HEAD(&km->events);
	INIT_WORK(&km->work, oak_km_work);
	hash_init(km->by_reqid);
	INIT_LIST_HEAD(&km->traps);
	in->km = km;
	spin_lock_bh(&oak_km_reg_lock);
	hash_add_rcu(oak_km_reg, &km->reg, (unsigned long)km->net);
	spin_unlock_bh(&oak_km_reg_lock);
	return 0;
}

void oak_km_net_exit(struct oak_ike_net *in)
{
	struct oak_km_net *km = in->km;
	struct oak_km_event *ev, *tmp;

	if (!km)
		return;
	spin_lock_bh(&oak_km_reg_lock);
	hash_del_rcu(&km->reg);
	spin_unlock_bh(&oak_km_reg_lock);
	spin_lock_bh(&km->lock);
	km->dead = true;	/* callbacks still holding @km queue nothing */
	spin_unlock_bh(&km->lock);
	cancel_work_sync(&km->work);
	list_for_each_entry_safe(ev, tmp, &km->events, node)
		kfree(ev);
	mutex_lock(&in->lock);
	oak_trap_flush(in);
	in->km = NULL;
	mutex_unlock(&in->lock);
	pr_debug("key manager: %llu acquires, %llu soft and %llu hard expiries, %llu events dropped\n",
		 km->acquires, km->expires_soft, km->expires_hard, km->dropped);
	kfree_rcu(km, rcu);
}

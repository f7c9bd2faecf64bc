// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: trap policies (start = trap, dpd-action = trap).
 *
 * A trapped child gets the policies its Child SA would install (same
 * selectors from the configuration, same directions, one template with the
 * child's protocol and mode, tunnel endpoints from the connection) under a
 * reqid of its own, but no states.  The first packet that matches the OUT
 * policy makes xfrm create a larval state and call the key manager's
 * acquire (km.c), which negotiates the Child SA.  That Child SA uses the
 * trap's reqid (oak_trap_reqid()), so its outbound state replaces the
 * larval one and it shares the trap's policies; when it goes away its
 * removal deletes those policies and oak_trap_restore() puts them back.
 *
 * The acquire's packet (the larval state's selector holds its addresses) is
 * kept on the trap until the proposal of its Child SA is built:
 * oak_trap_packet_ts() puts its source and destination as the first
 * selectors of TSi and TSr, before the configured ones (RFC 7296 §2.9), so
 * that a responder with several children, or narrower selectors, picks the
 * one that carries this packet.
 *
 * Everything here runs under in->lock; the reqid table is also changed
 * under km->lock because the acquire callback reads it in atomic context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "km.h"
#include "proto.h"
#include "sa.h"
#include "ts.h"
#include "xfrm.h"

#define OAK_TRAP_PKT_TTL	(30 * HZ)	/* an acquire's packet, unused, is forgotten */

static struct oak_trap *oak_trap_find(struct oak_ike_net *in, const struct oakley_conn *conn,
				      const char *child)
{
	struct oak_trap *t;

	if (!in->km)
		return NULL;
	list_for_each_entry(t, &in->km->traps, node)
		if (t->conn == conn && !strcmp(t->cfg->name, child))
			return t;
	return NULL;
}

struct oak_trap *oak_trap_find_reqid(struct oak_ike_net *in, u32 reqid)
{
	struct oak_trap *t;

	if (!in->km)
		return NULL;
	list_for_each_entry(t, &in->km->traps, node)
		if (t->reqid == reqid)
			return t;
	return NULL;
}

bool oak_trap_has_reqid(struct oak_km_net *km, u32 reqid)
{
	struct oak_trap *t;

	lockdep_assert_held(&km->lock);
	hash_for_each_possible(km->by_reqid, t, hnode, reqid)
		if (t->reqid == reqid)
			return true;
	return false;
}

static void oak_trap_addr(const struct oakley_conn *conn, const u8 *addr, struct oak_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = conn->family;
	memcpy(a->addr, addr, conn->family == AF_INET ? 4 : 16);
}

/* Selectors from the configuration, as the initiator would propose them. */
static int oak_trap_sels(const struct oak_trap *t, struct oak_child_params *p)
{
	const struct oakley_conn *conn = t->conn;
	struct ike_ts_payload *ts;
	struct oak_addr a;
	int n, err;

	ts = kmalloc(sizeof(*ts), GFP_KERNEL);
	if (!ts)
		return -ENOMEM;
	oak_trap_addr(conn, conn->local_addr, &a);
	err = oak_ts_from_conf(t->cfg->local_ts, &a, ts);
	n = err ? err : oak_ts_to_xfrm(ts, p->local_ts, OAK_MAX_TS);
	if (n < 0)
		goto out;
	p->n_local_ts = n;
	oak_trap_addr(conn, conn->remote_addr, &a);
	err = oak_ts_from_conf(t->cfg->remote_ts, &a, ts);
	n = err ? err : oak_ts_to_xfrm(ts, p->remote_ts, OAK_MAX_TS);
	if (n < 0)
		goto out;
	p->n_remote_ts = n;
	n = 0;
out:
	kfree(ts);
	return n;
}

/* Params with room for the most selectors a configuration has (freed with kfree(p)). */
struct oak_trap_params {
	struct oak_child_params p;
	struct oak_ts ts[2 * OAK_MAX_TS];
};

static struct oak_child_params *oak_trap_params(struct oak_ike_net *in, const struct oak_trap *t)
{
	const struct oakley_conn *conn = t->conn;
	unsigned int alen = conn->family == AF_INET ? 4 : 16;
	struct oak_trap_params *tp;
	struct oak_child_params *p;

	BUILD_BUG_ON(offsetof(struct oak_trap_params, p));
	tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	if (!tp)
		return NULL;
	p = &tp->p;
	p->local_ts = tp->ts;
	p->remote_ts = tp->ts + OAK_MAX_TS;
	p->net = in->net;
	p->family = conn->family;
	memcpy(&p->local, conn->local_addr, alen);
	memcpy(&p->remote, conn->remote_addr, alen);
	p->proto = t->cfg->ah ? IPPROTO_AH : IPPROTO_ESP;
	p->mode = t->cfg->mode;
	p->reqid = t->reqid;
	if (oak_trap_sels(t, p)) {
		kfree(p);
		return NULL;
	}
	return p;
}

static int oak_trap_policies(struct oak_ike_net *in, struct oak_trap *t, bool add)
{
	struct oak_child_params *p = oak_trap_params(in, t);
	int err = 0;

	if (!p)
		return -ENOMEM;
	if (add) {
		err = oak_xfrm_policies_install(p);
		if (!err)
			t->installed = true;
	} else {
		oak_xfrm_policies_remove(p);
		t->installed = false;
	}
	kfree(p);
	return err;
}

static void oak_trap_free(struct oak_ike_net *in, struct oak_trap *t)
{
	struct oak_km_net *km = in->km;

	if (t->installed)
		oak_trap_policies(in, t, false);
	spin_lock_bh(&km->lock);
	hash_del(&t->hnode);
	WRITE_ONCE(km->ntraps, km->ntraps - 1);
	spin_unlock_bh(&km->lock);
	list_del(&t->node);
	oak_conn_log(pr_debug, t->conn, t->cfg->name, "trap removed (reqid %u)\n", t->reqid);
	oakley_conn_put(t->conn);
	kfree(t);
	oakley_stat_dec(in->on, OAKLEY_STATS_A_OBJECTS);
}

/* Trap one child (idempotent: an existing trap only gets its policies back). */
static int oak_trap_add(struct oak_ike_net *in, struct oakley_conn *conn,
			const struct oakley_child *cfg)
{
	struct oak_km_net *km = in->km;
	struct oak_trap *t;
	int err;

	t = oak_trap_find(in, conn, cfg->name);
	if (t)
		return t->installed ? 0 : oak_trap_policies(in, t, true);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->conn = oakley_conn_get(conn);
	t->cfg = cfg;
	t->reqid = oak_xfrm_new_reqid(in->net);
	t->last_acquire = jiffies - HZ;
	err = oak_trap_policies(in, t, true);
	if (err) {
		oak_conn_log(pr_info, conn, cfg->name, "cannot install trap policies: %d\n", err);
		oakley_conn_put(t->conn);
		kfree(t);
		return err;
	}
	list_add_tail(&t->node, &km->traps);
	spin_lock_bh(&km->lock);
	hash_add(km->by_reqid, &t->hnode, t->reqid);
	WRITE_ONCE(km->ntraps, km->ntraps + 1);
	spin_unlock_bh(&km->lock);
	oakley_stat_inc(in->on, OAKLEY_STATS_A_OBJECTS);
	oak_conn_log(pr_debug, conn, cfg->name, "trap installed (reqid %u)\n", t->reqid);
	return 0;
}

/* Only connections with a known peer, of a version that can initiate, start on traffic. */
static bool oak_trap_possible(const struct oakley_conn *conn)
{
	const struct oak_proto_ops *ops = oak_proto_by_version(conn->version);

	return ops && !ops->unavailable && conn->has_remote;
}

int oak_trap_install(struct oak_ike_net *in, struct oakley_conn *conn)
{
	unsigned int i;
	int err, ret = 0;

	if (!in->km || !oak_trap_possible(conn))
		return 0;
	for (i = 0; i < conn->nchildren; i++) {
		if (conn->children[i]->start != OAKLEY_START_TRAP)
			continue;
		err = oak_trap_add(in, conn, conn->children[i]);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

int oak_trap_install_all(struct oak_ike_net *in, struct oakley_conn *conn)
{
	unsigned int i;
	int err, ret = 0;

	if (!in->km || !oak_trap_possible(conn))
		return -EINVAL;
	for (i = 0; i < conn->nchildren; i++) {
		err = oak_trap_add(in, conn, conn->children[i]);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

void oak_trap_remove(struct oak_ike_net *in, struct oakley_conn *conn)
{
	struct oak_trap *t, *tmp;

	if (!in->km)
		return;
	list_for_each_entry_safe(t, tmp, &in->km->traps, node)
		if (t->conn == conn)
			oak_trap_free(in, t);
}

void oak_trap_flush(struct oak_ike_net *in)
{
	struct oak_trap *t, *tmp;

	list_for_each_entry_safe(t, tmp, &in->km->traps, node)
		oak_trap_free(in, t);
}

u32 oak_trap_reqid(struct oak_ike_net *in, const struct oakley_conn *conn, const char *child)
{
	struct oak_trap *t = oak_trap_find(in, conn, child);

	return t ? t->reqid : 0;
}

void oak_trap_restore(struct oak_ike_net *in, const struct oakley_conn *conn, const char *child)
{
	struct oak_trap *t = oak_trap_find(in, conn, child);

	/* the Child SA's removal deleted the policies that carried our reqid */
	if (t && oak_trap_policies(in, t, true))
		oak_conn_log(pr_info, conn, child, "cannot restore trap policies\n");
}

void oak_trap_set_packet(struct oak_trap *t, u16 family, const void *src, const void *dst)
{
	unsigned int alen = family == AF_INET ? 4 : 16;

	if (family != AF_INET && family != AF_INET6)
		return;
	t->pkt_family = family;
	memcpy(t->pkt_src, src, alen);
	memcpy(t->pkt_dst, dst, alen);
	t->pkt_pending = true;
}

void oak_trap_packet_ts(struct oak_ike_net *in, const struct oakley_conn *conn,
			const struct oakley_child *cfg, struct ike_ts_payload *tsi,
			struct ike_ts_payload *tsr)
{
	struct oak_trap *t = oak_trap_find(in, conn, cfg->name);

	if (!t || !t->pkt_pending)
		return;
	t->pkt_pending = false;
	if (time_after(jiffies, t->last_acquire + OAK_TRAP_PKT_TTL) ||
	    oak_ts_prepend_addr(tsi, t->pkt_family, t->pkt_src))
		return;
	if (oak_ts_prepend_addr(tsr, t->pkt_family, t->pkt_dst)) {
		/* both or neither: take the first selector of TSi out again */
		tsi->nts--;
		memmove(&tsi->ts[0], &tsi->ts[1], tsi->nts * sizeof(tsi->ts[0]));
		return;
	}
	oak_conn_log(pr_debug, conn, cfg->name, "proposing the acquire's packet selectors first\n");
}

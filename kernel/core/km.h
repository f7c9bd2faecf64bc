/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley as an xfrm key manager (xfrm_register_km): acquire for
 * `start = trap`, soft/hard expiry of Child SAs.  One struct xfrm_mgr for
 * the module; its callbacks run in atomic context, so each event is copied
 * and handed to the namespace's workqueue, where it is matched to a
 * connection (acquire, by the trap policy's reqid) or a Child SA (expire,
 * by SPI) under in->lock.
 *
 * Owner: km.c (the xfrm_mgr and the event dispatch), trap.c (trap policies).
 */
#ifndef OAKLEY_IKE_KM_H
#define OAKLEY_IKE_KM_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct net;
struct oak_ike_net;
struct oakley_conn;
struct oakley_child;

/* Module-wide: called from the module's init/exit (kernel/main.c). */
int oak_km_register(void);
void oak_km_unregister(void);

/* Per engine: from oak_ike_net_new() and its stop (sa.c). */
int oak_km_net_init(struct oak_ike_net *in);
void oak_km_net_exit(struct oak_ike_net *in);

/*
 * Trap policies of a connection with start = trap (or a child with
 * start = trap): installed on conn_added, removed on conn_removed.  Caller
 * holds in->lock.
 */
int oak_trap_install(struct oak_ike_net *in, struct oakley_conn *conn);
void oak_trap_remove(struct oak_ike_net *in, struct oakley_conn *conn);
/*
 * The reqid a Child SA of @conn/@child must use so that it replaces the
 * trap's larval state and reuses its policies; 0 when the child is not
 * trapped (then the Child SA allocates its own reqid).
 */
u32 oak_trap_reqid(struct oak_ike_net *in, const struct oakley_conn *conn,
		   const char *child);
/*
 * A Child SA of @conn/@child was removed from xfrm (deleted, expired, dead
 * peer): if that child is trapped, put its trap policies back.
 */
void oak_trap_restore(struct oak_ike_net *in, const struct oakley_conn *conn,
		      const char *child);
/* dpd-action = trap: trap every child of @conn (idempotent). */
int oak_trap_install_all(struct oak_ike_net *in, struct oakley_conn *conn);
/*
 * A Child SA of @conn/@cfg is being proposed with selectors @tsi/@tsr (from
 * the configuration): when an acquire of its trap is waiting for it, put the
 * triggering packet's source and destination first (RFC 7296 §2.9), once.
 */
struct ike_ts_payload;
void oak_trap_packet_ts(struct oak_ike_net *in, const struct oakley_conn *conn,
			const struct oakley_child *cfg, struct ike_ts_payload *tsi,
			struct ike_ts_payload *tsr);

/* ---- shared by km.c and trap.c only ---- */

#define OAK_KM_EVQ_MAX		256	/* xfrm events waiting for the worker */
#define OAK_TRAP_HASH_BITS	6

/*
 * One trapped child of a connection: its policies are installed without
 * states under @reqid.  Created and destroyed under in->lock; linked in
 * km->traps (in->lock) and km->by_reqid (also km->lock, which the atomic
 * acquire callback takes to recognise the reqid).
 */
struct oak_trap {
	struct list_head node;		/* km->traps */
	struct hlist_node hnode;	/* km->by_reqid */
	struct oakley_conn *conn;	/* reference held */
	const struct oakley_child *cfg;	/* in @conn */
	u32 reqid;
	bool installed;			/* the policies are in xfrm */
	unsigned long last_acquire;	/* jiffies: acquire rate limit */
	/* the packet of the last acquire, until a proposal carries it */
	bool pkt_pending;
	u16 pkt_family;
	u8 pkt_src[16], pkt_dst[16];
};

/* The key manager's state of one namespace (in->km). */
struct oak_km_net {
	struct hlist_node reg;		/* the module's registry, by struct net (RCU) */
	struct rcu_head rcu;
	struct net *net;
	struct oak_ike_net *in;
	spinlock_t lock;		/* @events, @nevents, @dead, @by_reqid */
	bool dead;			/* namespace going away: queue nothing */
	struct list_head events;	/* struct oak_km_event */
	unsigned int nevents;
	struct work_struct work;
	DECLARE_HASHTABLE(by_reqid, OAK_TRAP_HASH_BITS);
	struct list_head traps;		/* struct oak_trap, under in->lock */
	unsigned int ntraps;		/* read without lock by is_alive */
	/* counters (pr_debug on change; no uapi attribute yet) */
	u64 acquires, expires_soft, expires_hard, dropped;
};

/* trap.c, under in->lock */
struct oak_trap *oak_trap_find_reqid(struct oak_ike_net *in, u32 reqid);
/* trap.c, atomic context: is @reqid a trap of this namespace? */
bool oak_trap_has_reqid(struct oak_km_net *km, u32 reqid);
/* trap.c: remember the addresses of an acquire's packet for the proposal */
void oak_trap_set_packet(struct oak_trap *t, u16 family, const void *src, const void *dst);
/* trap.c: remove every trap of the namespace (namespace exit). */
void oak_trap_flush(struct oak_ike_net *in);

#endif /* OAKLEY_IKE_KM_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: the per-network-namespace instance.
 */
#ifndef _OAKLEY_NETNS_H
#define _OAKLEY_NETNS_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/oakley.h>

#include "ike.h"

struct net;
struct oak_ike_net;
struct oakley_conn;
struct oakley_secret;

#define OAKLEY_HASH_BITS	12
#define OAKLEY_HASH_SIZE	BIT(OAKLEY_HASH_BITS)

/* The name tables of a configured instance (struct oakley_net's @names). */
struct oakley_names {
	struct hlist_head *conns;	/* struct oakley_conn, by name */
	struct hlist_head *secrets;	/* struct oakley_secret, by name */
	struct rcu_head rcu;
};

/*
 * One instance per network namespace, and all that an unconfigured one
 * costs (issue 14: idle namespaces cost nothing until used).  @lock
 * serialises every configuration change.  The rest exists only while it
 * is needed, published under @lock for readers under RCU:
 *  - @names while the namespace has a connection or a secret (name tables
 *    of OAKLEY_HASH_SIZE buckets; lookups, later from packet paths, only
 *    need rcu_read_lock());
 *  - @ike, the IKE engine (kernel/core/sa.h), while it has a connection:
 *    created by the LOAD that brings the first one, let go when the last
 *    one goes (oakley_net_settle()), freed with its last IKE SA.
 * The counters and the limits outlive them.
 */
struct oakley_net {
	struct net *net;
	struct mutex lock;		/* serialises configuration changes */
	struct oakley_names __rcu *names;	/* NULL: no connection and no secret */
	struct oak_ike_net __rcu *ike;	/* NULL: no connection */
	atomic_t engines;		/* engines of this namespace not freed yet */
	bool used;			/* ever had @names: objects to wait for on exit */
	bool dead;			/* the namespace is going: grow nothing */
	unsigned int nconns;		/* under @lock */
	unsigned int nsecrets;		/* under @lock */
	unsigned int conn_gen;		/* bumped on each change; dump consistency */
	struct oakley_limits limits;	/* [limits] of the last LOAD that set them */
	atomic64_t stats[__OAKLEY_STATS_A_MAX];
};

struct oakley_net *oakley_net(struct net *net);
int oakley_net_setup(struct oakley_net *on, struct net *net);
void oakley_net_teardown(struct oakley_net *on);
int oakley_netns_register(void);
void oakley_netns_unregister(void);

u32 oakley_name_hash(const char *name);
struct hlist_head *oakley_hash_alloc(void);
void oakley_hash_free(struct hlist_head *table);

/*
 * The name tables: oakley_names_get() with on->lock held (NULL: none);
 * oakley_names_rcu() under rcu_read_lock() or on->lock.
 */
struct oakley_names *oakley_names_get(struct oakley_net *on);
struct oakley_names *oakley_names_rcu(struct oakley_net *on);
/*
 * Before a change that adds connections (@conns) or secrets (on->lock
 * held): make the name tables and, for connections, the engine.  0 or
 * -errno; oakley_net_settle() undoes what turns out unused.
 */
int oakley_net_grow(struct oakley_net *on, bool conns);
/* After a change (on->lock held): let go of what the configuration no longer needs. */
void oakley_net_settle(struct oakley_net *on);

/* Lookups: the caller holds rcu_read_lock() or on->lock; no reference taken. */
struct oakley_conn *oakley_conn_lookup(struct oakley_net *on, const char *name);
struct oakley_secret *oakley_secret_lookup(struct oakley_net *on, const char *name);
/* Same, but take a reference (drop it with oakley_conn_put / oakley_secret_put). */
struct oakley_conn *oakley_conn_find(struct oakley_net *on, const char *name);
struct oakley_secret *oakley_secret_find(struct oakley_net *on, const char *name);

/* Unlink (on->lock held); the table's reference is dropped by the caller. */
void oakley_conn_unlink(struct oakley_net *on, struct oakley_conn *conn);
void oakley_secret_unlink(struct oakley_net *on, struct oakley_secret *secret);
void oakley_conn_link(struct oakley_net *on, struct oakley_conn *conn);
void oakley_secret_link(struct oakley_net *on, struct oakley_secret *secret);

void oakley_conn_replace(struct oakley_net *on, struct oakley_conn *old,
			 struct oakley_conn *new);
void oakley_secret_replace(struct oakley_net *on, struct oakley_secret *old,
			   struct oakley_secret *new);

void oakley_net_flush(struct oakley_net *on);

/* Live Oakley objects in every namespace: /sys/module/oakley/parameters/objects. */
extern atomic64_t oakley_objects_total;

static inline void oakley_stat_add(struct oakley_net *on, int attr, s64 n)
{
	atomic64_add(n, &on->stats[attr]);
	if (attr == OAKLEY_STATS_A_OBJECTS)
		atomic64_add(n, &oakley_objects_total);
}

static inline void oakley_stat_inc(struct oakley_net *on, int attr)
{
	oakley_stat_add(on, attr, 1);
}

static inline void oakley_stat_dec(struct oakley_net *on, int attr)
{
	oakley_stat_add(on, attr, -1);
}

static inline u64 oakley_stat_read(struct oakley_net *on, int attr)
{
	return atomic64_read(&on->stats[attr]);
}

#endif /* _OAKLEY_NETNS_H */

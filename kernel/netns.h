/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: the per-network-namespace instance.
 */
#ifndef _OAKLEY_NETNS_H
#define _OAKLEY_NETNS_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/oakley.h>

struct net;
struct oakley_conn;
struct oakley_secret;

#define OAKLEY_HASH_BITS	12
#define OAKLEY_HASH_SIZE	BIT(OAKLEY_HASH_BITS)

/*
 * One instance per network namespace.  @lock serialises every configuration
 * change; the name tables are RCU hash tables, so lookups (later from packet
 * paths) only need rcu_read_lock().
 */
struct oakley_net {
	struct net *net;
	struct mutex lock;		/* serialises configuration changes */
	struct hlist_head *conns;	/* struct oakley_conn, by name */
	struct hlist_head *secrets;	/* struct oakley_secret, by name */
	unsigned int nconns;		/* under @lock */
	unsigned int nsecrets;		/* under @lock */
	unsigned int conn_gen;		/* bumped on each change; dump consistency */
	atomic64_t stats[__OAKLEY_STATS_A_MAX];
	void *ike;			/* the IKE engine's per-namespace state */
};

struct oakley_net *oakley_net(struct net *net);
int oakley_net_setup(struct oakley_net *on, struct net *net);
void oakley_net_teardown(struct oakley_net *on);
int oakley_netns_register(void);
void oakley_netns_unregister(void);

u32 oakley_name_hash(const char *name);
struct hlist_head *oakley_hash_alloc(void);
void oakley_hash_free(struct hlist_head *table);

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

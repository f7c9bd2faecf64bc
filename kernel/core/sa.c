// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: IKE SA objects, the per-namespace SA tables and the
 * engine's namespace state.
 *
 * An IKE SA is reference counted (kref).  The tables (by our SPI; for
 * responders also by the peer's SPIi) hold one reference; a pending
 * retransmission timer holds another.  oak_sa_kill() unhashes an SA, removes
 * its Child SAs from xfrm and drops the tables' reference; the last put
 * wipes every secret and frees it, after an RCU grace period (the rx path
 * looks SAs up under RCU).  Tables and lists change under in->lock; an SA's
 * state under in->lock and, for its own contexts, its @lock (sa.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "../crypto/ike_crypto.h"
#include "../events.h"
#include "../ike.h"
#include "dos.h"
#include "km.h"
#include "proto.h"
#include "sa.h"
#include "socket.h"
#include "timers.h"

/*
 * The SA tables are rhashtables: they grow with the number of SAs (issue #6:
 * 100,000 of them), so a lookup stays O(1).  Inserts and removals run under
 * in->lock.  A lookup under in->lock returns an SA safe to use while the
 * lock is held; oak_sa_lookup_get() looks up under RCU alone and takes a
 * reference (an SA is freed after a grace period, oak_sa_free()).
 */
static u32 oak_spi_hashfn(const void *data, u32 len, u32 seed)
{
	return jhash(data, IKE_SPI_LEN, seed);
}

static u32 oak_spi_obj_hashfn(const void *obj, u32 len, u32 seed)
{
	return oak_spi_hashfn(oak_sa_our_spi(obj), len, seed);
}

static int oak_spi_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	return memcmp(oak_sa_our_spi(obj), arg->key, IKE_SPI_LEN);
}

static const struct rhashtable_params oak_spi_params = {
	.head_offset = offsetof(struct oak_ike_sa, spi_node),
	.key_len = IKE_SPI_LEN,
	.hashfn = oak_spi_hashfn,
	.obj_hashfn = oak_spi_obj_hashfn,
	.obj_cmpfn = oak_spi_cmp,
	.automatic_shrinking = true,
};

/* The key of in->by_peer: the peer's address and port, and its SPIi. */
struct oak_peer_key {
	const struct oak_addr *peer;
	const u8 *spi_i;
};

static u32 oak_peer_hashfn(const void *data, u32 len, u32 seed)
{
	const struct oak_peer_key *k = data;
	u32 h = jhash(k->peer->addr, sizeof(k->peer->addr), seed ^ k->peer->port);

	return jhash(k->spi_i, IKE_SPI_LEN, h);
}

static u32 oak_peer_obj_hashfn(const void *obj, u32 len, u32 seed)
{
	const struct oak_ike_sa *sa = obj;
	const struct oak_peer_key k = { &sa->remote, sa->spi_i };

	return oak_peer_hashfn(&k, len, seed);
}

static int oak_peer_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct oak_peer_key *k = arg->key;
	const struct oak_ike_sa *sa = obj;

	return sa->remote.family != k->peer->family || sa->remote.port != k->peer->port ||
	       memcmp(sa->remote.addr, k->peer->addr, sizeof(sa->remote.addr)) ||
	       memcmp(sa->spi_i, k->spi_i, IKE_SPI_LEN);
}

static const struct rhashtable_params oak_peer_params = {
	.head_offset = offsetof(struct oak_ike_sa, peer_node),
	.key_len = sizeof(struct oak_peer_key),
	.hashfn = oak_peer_hashfn,
	.obj_hashfn = oak_peer_obj_hashfn,
	.obj_cmpfn = oak_peer_cmp,
	.automatic_shrinking = true,
};

bool oak_sa_same_conn(const struct oak_ike_sa *a, const struct oak_ike_sa *b)
{
	return a != b && !b->dead && !b->kill_pending && !strcmp(a->conn->name, b->conn->name);
}

const u8 *oak_sa_our_spi(const struct oak_ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

/* Caller holds in->lock. */
struct oak_ike_sa *oak_sa_lookup(struct oak_ike_net *in, const u8 *spi)
{
	lockdep_assert_held(&in->lock);
	return rhashtable_lookup_fast(&in->by_spi, spi, oak_spi_params);
}

/* @sa, found under RCU, referenced; NULL if it is being freed (or was not found). */
static struct oak_ike_sa *oak_sa_tryget(struct oak_ike_sa *sa)
{
	return sa && kref_get_unless_zero(&sa->ref) ? sa : NULL;
}

/*
 * The SA with our SPI @spi, referenced, or NULL; no lock needed.  It may
 * be killed before the caller locks it: check sa->dead under oak_sa_lock().
 */
struct oak_ike_sa *oak_sa_lookup_get(struct oak_ike_net *in, const u8 *spi)
{
	struct oak_ike_sa *sa;

	rcu_read_lock();
	sa = oak_sa_tryget(rhashtable_lookup(&in->by_spi, spi, oak_spi_params));
	rcu_read_unlock();
	return sa;
}

/* Caller holds in->lock. */
struct oak_ike_sa *oak_sa_lookup_peer(struct oak_ike_net *in, const struct oak_addr *peer,
				      const u8 *spi_i)
{
	const struct oak_peer_key k = { peer, spi_i };

	lockdep_assert_held(&in->lock);
	return rhashtable_lookup_fast(&in->by_peer, &k, oak_peer_params);
}

/* The responder SA of @peer's @spi_i, referenced, or NULL: as oak_sa_lookup_get(). */
struct oak_ike_sa *oak_sa_lookup_peer_get(struct oak_ike_net *in, const struct oak_addr *peer,
					  const u8 *spi_i)
{
	const struct oak_peer_key k = { peer, spi_i };
	struct oak_ike_sa *sa;

	rcu_read_lock();
	sa = oak_sa_tryget(rhashtable_lookup(&in->by_peer, &k, oak_peer_params));
	rcu_read_unlock();
	return sa;
}

/*
 * Put @sa into the SPI tables (by our SPI; a responder's also by the peer's
 * address and SPIi).  Fails only when a table cannot grow (-ENOMEM); then
 * @sa is in neither.
 */
int oak_sa_table_add(struct oak_ike_sa *sa)
{
	struct oak_ike_net *in = sa->in;
	int err;

	err = rhashtable_insert_fast(&in->by_spi, &sa->spi_node, oak_spi_params);
	if (err)
		return err;
	sa->hashed_spi = true;
	if (sa->initiator)
		return 0;
	err = rhashtable_insert_fast(&in->by_peer, &sa->peer_node, oak_peer_params);
	if (err) {
		oak_sa_table_del(sa);
		return err;
	}
	sa->hashed_peer = true;
	return 0;
}

void oak_sa_set_remote(struct oak_ike_sa *sa, const struct oak_addr *remote)
{
	struct oak_ike_net *in = sa->in;

	lockdep_assert_held(&in->lock);
	/* in->by_peer is keyed by the old one: only IKE_SA_INIT needs it */
	if (sa->hashed_peer)
		WARN_ON_ONCE(rhashtable_remove_fast(&in->by_peer, &sa->peer_node,
						    oak_peer_params));
	sa->hashed_peer = false;
	sa->remote = *remote;
}

void oak_sa_table_del(struct oak_ike_sa *sa)
{
	struct oak_ike_net *in = sa->in;

	if (sa->hashed_spi)
		WARN_ON_ONCE(rhashtable_remove_fast(&in->by_spi, &sa->spi_node, oak_spi_params));
	if (sa->hashed_peer)
		WARN_ON_ONCE(rhashtable_remove_fast(&in->by_peer, &sa->peer_node,
						    oak_peer_params));
	sa->hashed_spi = false;
	sa->hashed_peer = false;
}

/*
 * ---- IKE SAs by identity (ikev2/auth.c: INITIAL_CONTACT) ----
 *
 * Two rhltables (several SAs per key) with a 32-bit digest as the key:
 * by_addr_id by our local ID and the peer's address, by_peer_id by our local
 * ID and the peer's ID (the one it authenticated with, or the remote-id it
 * had to match).  A digest only narrows the search: oak_sa_find_id() still
 * applies the caller's full test.  An SA the tables could not take (out of
 * memory) is counted in in->ids_lost; while there is one, searches scan all
 * SAs, so the answer never changes.
 */
static const struct rhashtable_params oak_addr_id_params = {
	.head_offset = offsetof(struct oak_ike_sa, addr_id_node),
	.key_offset = offsetof(struct oak_ike_sa, addr_id_key),
	.key_len = sizeof(u32),
	.automatic_shrinking = true,
};

static const struct rhashtable_params oak_peer_id_params = {
	.head_offset = offsetof(struct oak_ike_sa, peer_id_node),
	.key_offset = offsetof(struct oak_ike_sa, peer_id_key),
	.key_len = sizeof(u32),
	.automatic_shrinking = true,
};

static u32 oak_local_id_hash(const struct oakley_id *id)
{
	return jhash(id->data, id->len, id->type);
}

u32 oak_addr_id_key(const struct oakley_id *local, const u8 *addr)
{
	return jhash(addr, sizeof_field(struct oak_addr, addr), oak_local_id_hash(local));
}

/* Of an ID payload body: its type and data (the reserved bytes do not count). */
u32 oak_peer_id_key(const struct oakley_id *local, const u8 *body, size_t len)
{
	u32 seed = ~oak_local_id_hash(local);

	if (len < 4)
		return jhash(body, len, seed);
	return jhash(body + 4, len - 4, seed ^ body[0]);
}

/* The peer ID body @sa is known by (as ikev2/auth.c builds one), if any. */
static bool oak_sa_peer_id_key(const struct oak_ike_sa *sa, u32 *key)
{
	const struct oakley_id *rid = sa->conn->remote_id;
	u8 body[4 + OAKLEY_ID_MAX] = { rid->type };

	if (sa->peer_id) {
		*key = oak_peer_id_key(sa->conn->local_id, sa->peer_id, sa->peer_id_len);
		return true;
	}
	if (rid->type == OAKLEY_ID_ANY)
		return false;
	memcpy(body + 4, rid->data, rid->len);
	*key = oak_peer_id_key(sa->conn->local_id, body, 4 + rid->len);
	return true;
}

static void oak_sa_id_index(struct oak_ike_sa *sa)
{
	struct oak_ike_net *in = sa->in;

	sa->addr_id_key = oak_addr_id_key(sa->conn->local_id, sa->remote.addr);
	if (rhltable_insert(&in->by_addr_id, &sa->addr_id_node, oak_addr_id_params))
		goto err;
	sa->hashed_addr_id = true;
	if (!oak_sa_peer_id_key(sa, &sa->peer_id_key))
		return;
	if (rhltable_insert(&in->by_peer_id, &sa->peer_id_node, oak_peer_id_params))
		goto err;
	sa->hashed_peer_id = true;
	return;
err:
	sa->id_lost = true;
	in->ids_lost++;
}

/*
 * An SA joins the head of the list of SAs under its key (a responder's
 * by_addr_id: every SA from one peer address), and removing one walks that
 * list from its head.  Whoever removes many SAs unindexes them newest first
 * (O(1) each); oldest first would be O(N^2) (100,000 SAs of one peer: the
 * namespace's cleanup blocked for minutes).
 */
static void oak_sa_id_unindex(struct oak_ike_sa *sa)
{
	struct oak_ike_net *in = sa->in;

	if (sa->hashed_addr_id)
		WARN_ON_ONCE(rhltable_remove(&in->by_addr_id, &sa->addr_id_node,
					     oak_addr_id_params));
	if (sa->hashed_peer_id)
		WARN_ON_ONCE(rhltable_remove(&in->by_peer_id, &sa->peer_id_node,
					     oak_peer_id_params));
	if (sa->id_lost)
		in->ids_lost--;
	sa->hashed_addr_id = false;
	sa->hashed_peer_id = false;
	sa->id_lost = false;
}

/* @sa's connection or authenticated peer ID changed: file it under its new keys. */
void oak_sa_id_reindex(struct oak_ike_sa *sa)
{
	if (list_empty(&sa->node))
		return;		/* not hashed: oak_sa_hash() indexes it */
	oak_sa_id_unindex(sa);
	oak_sa_id_index(sa);
}

/*
 * The first live SA among those filed under @key (in by_peer_id if @peer,
 * else in by_addr_id) for which @match is true.  Caller holds in->lock.
 */
struct oak_ike_sa *oak_sa_find_id(struct oak_ike_net *in, bool peer, u32 key,
				  bool (*match)(const struct oak_ike_sa *o, const void *arg),
				  const void *arg)
{
	struct rhlist_head *list, *pos;
	struct oak_ike_sa *o, *found = NULL;

	lockdep_assert_held(&in->lock);
	if (in->ids_lost) {
		list_for_each_entry(o, &in->sas, node)
			if (!o->dead && match(o, arg))
				return o;
		return NULL;
	}
	rcu_read_lock();
	if (peer) {
		list = rhltable_lookup(&in->by_peer_id, &key, oak_peer_id_params);
		rhl_for_each_entry_rcu(o, pos, list, peer_id_node)
			if (!o->dead && match(o, arg)) {
				found = o;
				break;
			}
	} else {
		list = rhltable_lookup(&in->by_addr_id, &key, oak_addr_id_params);
		rhl_for_each_entry_rcu(o, pos, list, addr_id_node)
			if (!o->dead && match(o, arg)) {
				found = o;
				break;
			}
	}
	rcu_read_unlock();
	return found;
}

/*
 * Every SA filed under @sa's peer ID (@sa and dead ones too) until @fn
 * returns true: that SA is returned.  Where the index cannot answer (@sa
 * not filed under a peer ID, or an SA lost from the tables) every SA of
 * @sa's connection is tried instead, so the answer is the same for callers
 * that only want SAs of that connection and peer ID.  Caller holds
 * in->lock.
 */
struct oak_ike_sa *oak_sa_find_same_peer(struct oak_ike_sa *sa,
					 bool (*fn)(struct oak_ike_sa *o, void *arg), void *arg)
{
	struct oak_ike_net *in = sa->in;
	struct oak_ike_sa *o, *found = NULL;
	struct rhlist_head *list, *pos;

	lockdep_assert_held(&in->lock);
	if (!sa->hashed_peer_id || in->ids_lost) {
		list_for_each_entry(o, oak_sa_conn_list(in, sa->conn->name), conn_node)
			if (fn(o, arg))
				return o;
		return NULL;
	}
	rcu_read_lock();
	list = rhltable_lookup(&in->by_peer_id, &sa->peer_id_key, oak_peer_id_params);
	rhl_for_each_entry_rcu(o, pos, list, peer_id_node)
		if (fn(o, arg)) {
			found = o;
			break;
		}
	rcu_read_unlock();
	return found;
}

int oak_sa_tables_init(struct oak_ike_net *in)
{
	int err;

	err = rhashtable_init(&in->by_spi, &oak_spi_params);
	if (err)
		return err;
	err = rhashtable_init(&in->by_peer, &oak_peer_params);
	if (err)
		goto err_spi;
	err = rhltable_init(&in->by_addr_id, &oak_addr_id_params);
	if (err)
		goto err_peer;
	err = rhltable_init(&in->by_peer_id, &oak_peer_id_params);
	if (err)
		goto err_addr_id;
	return 0;

err_addr_id:
	rhltable_destroy(&in->by_addr_id);
err_peer:
	rhashtable_destroy(&in->by_peer);
err_spi:
	rhashtable_destroy(&in->by_spi);
	return err;
}

/* Every SA was killed (unhashed) before: an entry left here is a bug. */
static void oak_sa_table_leak(void *ptr, void *arg)
{
	WARN_ONCE(1, "oakley: IKE SA left in the %s table\n", (const char *)arg);
}

void oak_sa_tables_destroy(struct oak_ike_net *in)
{
	rhashtable_free_and_destroy(&in->by_spi, oak_sa_table_leak, "SPI");
	rhashtable_free_and_destroy(&in->by_peer, oak_sa_table_leak, "peer");
	rhltable_free_and_destroy(&in->by_addr_id, oak_sa_table_leak, "address ID");
	rhltable_free_and_destroy(&in->by_peer_id, oak_sa_table_leak, "peer ID");
}

/* A random non-zero SPI that is not in use in this namespace. */
static void oak_new_spi(struct oak_ike_net *in, u8 *spi)
{
	static const u8 zero[IKE_SPI_LEN];

	do {
		get_random_bytes(spi, IKE_SPI_LEN);
	} while (!memcmp(spi, zero, IKE_SPI_LEN) || oak_sa_lookup(in, spi));
}

/* Exact-size caches: a struct of 600 bytes costs 600, not 1024 (issue #6). */
static struct kmem_cache *oak_sa_cache[OAK_PROTO_MAJOR_MAX + 1];
static struct kmem_cache *oak_child_cache[OAK_PROTO_MAJOR_MAX + 1];

/* The module's workqueues (sa.h); every engine is gone before they go. */
static int oak_wq_init(void)
{
	/* a work item may wait for others of its namespace: more than CPUs */
	oak_wq = alloc_workqueue("oakley", WQ_UNBOUND | WQ_MEM_RECLAIM, WQ_UNBOUND_MAX_ACTIVE);
	/* at most one DH job per CPU at a time: more would only share the CPUs */
	oak_dh_wq = alloc_workqueue("oakley-dh", WQ_UNBOUND,
				    clamp_t(int, num_online_cpus(), 1, WQ_UNBOUND_MAX_ACTIVE));
	return oak_wq && oak_dh_wq ? 0 : -ENOMEM;
}

static void oak_wq_exit(void)
{
	if (oak_dh_wq)
		destroy_workqueue(oak_dh_wq);
	if (oak_wq)
		destroy_workqueue(oak_wq);
	oak_dh_wq = NULL;
	oak_wq = NULL;
}

void oakley_ike_exit(void)
{
	unsigned int v;

	oak_wq_exit();
	oak_xfrm_retired_exit();
	rcu_barrier();		/* oak_sa_free_rcu() */
	for (v = 0; v <= OAK_PROTO_MAJOR_MAX; v++) {
		kmem_cache_destroy(oak_child_cache[v]);
		kmem_cache_destroy(oak_sa_cache[v]);
		oak_child_cache[v] = NULL;
		oak_sa_cache[v] = NULL;
	}
}

/* The shared workqueues; one pair of caches per version that has SAs, of its structs' sizes. */
int oakley_ike_init(void)
{
	const struct oak_proto_ops *ops;
	unsigned int v;

	if (oak_wq_init()) {
		oakley_ike_exit();
		return -ENOMEM;
	}
	for (v = 0; v <= OAK_PROTO_MAJOR_MAX; v++) {
		ops = oak_proto_by_major(v);
		if (!ops || ops->unavailable)
			continue;
		oak_sa_cache[v] = kmem_cache_create(ops->sa_cache, ops->sa_size, 0, 0, NULL);
		oak_child_cache[v] = kmem_cache_create(ops->child_cache, ops->child_size, 0, 0,
						       NULL);
		if (!oak_sa_cache[v] || !oak_child_cache[v]) {
			oakley_ike_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

struct oak_ike_sa *oak_sa_new(struct oak_ike_net *in, const struct oak_proto_ops *ops,
			      struct oakley_conn *conn, bool initiator)
{
	struct oak_ike_sa *sa;

	sa = kmem_cache_zalloc(oak_sa_cache[ops->major], GFP_KERNEL);
	if (!sa)
		return NULL;
	sa->ops = ops;
	if (ops->sa_init(sa)) {
		kmem_cache_free(oak_sa_cache[ops->major], sa);
		return NULL;
	}
	kref_init(&sa->ref);
	mutex_init(&sa->lock);
	INIT_LIST_HEAD(&sa->node);
	INIT_LIST_HEAD(&sa->conn_node);
	INIT_LIST_HEAD(&sa->children);
	kref_get(&in->ref);	/* dropped by oak_sa_free() */
	sa->in = in;
	sa->conn = oakley_conn_get(conn);
	sa->initiator = initiator;
	sa->state = OAKLEY_IKE_STATE_CONNECTING;
	sa->created = jiffies;
	oak_new_spi(in, initiator ? sa->spi_i : sa->spi_r);
	sa->t.last_rx = jiffies;
	oak_timers_init(sa);
	oakley_stat_inc(in->on, OAKLEY_STATS_A_OBJECTS);
	oakley_stat_inc(in->on, OAKLEY_STATS_A_IKE_SAS);
	oakley_stat_inc(in->on, OAKLEY_STATS_A_HALF_OPEN);
	sa->counted_half_open = true;
	return sa;
}

/* The IKE SAs of the connection named @name are on this list (with others). */
struct list_head *oak_sa_conn_list(struct oak_ike_net *in, const char *name)
{
	return &in->by_conn[oakley_name_hash(name)];
}

/* The responder moves @sa to another connection (IKE_AUTH); takes over @conn's reference. */
void oak_sa_set_conn(struct oak_ike_sa *sa, struct oakley_conn *conn)
{
	oakley_conn_put(sa->conn);
	sa->conn = conn;
	if (list_empty(&sa->conn_node))
		return;		/* not hashed (yet) */
	list_del(&sa->conn_node);
	list_add_tail(&sa->conn_node, oak_sa_conn_list(sa->in, conn->name));
	oak_sa_id_reindex(sa);
}

/*
 * Link a new SA into the tables (the tables take over the initial
 * reference).  On failure (-ENOMEM) it is in none of them and the caller
 * still owns it: oak_sa_kill() disposes of it.
 */
int oak_sa_hash(struct oak_ike_sa *sa)
{
	struct oak_ike_net *in = sa->in;
	int err;

	err = oak_sa_table_add(sa);
	if (err)
		return err;
	list_add_tail(&sa->node, &in->sas);
	list_add_tail(&sa->conn_node, oak_sa_conn_list(in, sa->conn->name));
	oak_sa_id_index(sa);
	return 0;
}

/* Out of every table and list oak_sa_hash() put it in.  Idempotent. */
void oak_sa_unhash(struct oak_ike_sa *sa)
{
	oak_sa_table_del(sa);
	oak_sa_id_unindex(sa);
	list_del_init(&sa->node);
	list_del_init(&sa->conn_node);
}

static void oak_sa_free_rcu(struct rcu_head *head)
{
	struct oak_ike_sa *sa = container_of(head, struct oak_ike_sa, rcu);

	mutex_destroy(&sa->lock);
	kmem_cache_free(oak_sa_cache[sa->ops->major], sa);
}

/* Secrets go at once; the memory after the lookups under RCU are done. */
static void oak_sa_free(struct kref *ref)
{
	struct oak_ike_sa *sa = container_of(ref, struct oak_ike_sa, ref);
	struct oak_ike_net *in = sa->in;

	sa->ops->sa_free(sa);
	kfree(sa->peer_id);
	oakley_conn_put(sa->conn);
	oakley_stat_dec(in->on, OAKLEY_STATS_A_OBJECTS);
	call_rcu(&sa->rcu, oak_sa_free_rcu);
	oak_ike_net_put(in);	/* the last SA of a stopped engine frees it */
}

void oak_sa_put(struct oak_ike_sa *sa)
{
	if (sa)
		kref_put(&sa->ref, oak_sa_free);
}

/*
 * Work on @sa from one of its own contexts (a datagram for it, its timers,
 * its jobs): its lock, then the namespace's.  Lock order
 * (Documentation/design/concurrency.md): sa->lock, then in->lock, then the
 * key manager's spinlock; never two SA locks by waiting for the second.
 */
void oak_sa_lock(struct oak_ike_sa *sa)
{
	mutex_lock(&sa->lock);
	mutex_lock(&sa->in->lock);
}

/* The end of oak_sa_lock(): a kill that came during a window happens now. */
void oak_sa_unlock(struct oak_ike_sa *sa)
{
	struct oak_ike_net *in = sa->in;

	lockdep_assert_held(&sa->lock);
	lockdep_assert_held(&in->lock);
	WARN_ON_ONCE(sa->windows);
	if (sa->free_pending) {
		struct oak_child_sa *c, *tmp;

		sa->free_pending = false;
		list_for_each_entry_safe(c, tmp, &sa->children, node)
			if (c->free_pending)
				oak_child_free(sa, c);
	}
	if (sa->kill_pending) {
		sa->kill_pending = false;
		oak_sa_kill(sa);
	}
	mutex_unlock(&in->lock);
	mutex_unlock(&sa->lock);
}

/*
 * Let the rest of the namespace run while @sa's lock holder works on data
 * only it reaches (xfrm states it built and has not inserted, a DH
 * computation).  Meanwhile in->lock's holders may change @sa, except free
 * it or its Child SAs (oak_sa_kill() and oak_child_free() are deferred): after
 * oak_sa_window_end() the caller checks again what it relies on.
 */
void oak_sa_window_begin(struct oak_ike_sa *sa)
{
	lockdep_assert_held(&sa->lock);
	lockdep_assert_held(&sa->in->lock);
	sa->windows++;
	mutex_unlock(&sa->in->lock);
}

void oak_sa_window_end(struct oak_ike_sa *sa)
{
	lockdep_assert_held(&sa->lock);
	mutex_lock(&sa->in->lock);
	sa->windows--;
}

struct oak_child_sa *oak_child_new(struct oak_ike_sa *sa, const struct oakley_child *cfg)
{
	struct oak_child_sa *c;

	c = kmem_cache_zalloc(oak_child_cache[sa->ops->major], GFP_KERNEL);
	if (!c)
		return NULL;
	c->cfg = cfg;
	list_add_tail(&c->node, &sa->children);
	oak_stat(sa, OAKLEY_STATS_A_OBJECTS);
	return c;
}

/* `oak down` waits for SAs and Child SAs to go (api.c). */
static void oak_sa_gone_wake(struct oak_ike_net *in)
{
	atomic_inc(&in->gone_seq);
	if (wq_has_sleeper(&in->gone_wq))
		wake_up_all(&in->gone_wq);
}

void oak_child_free(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	/* in a window its SA's lock holder may use it: it frees it after (sa.h) */
	if (sa->windows) {
		c->free_pending = true;
		sa->free_pending = true;
		return;
	}
	sa->ops->child_gone(sa, c);
	oak_child_uninstall(sa, c);
	list_del(&c->node);
	kfree(c->p.local_ts);		/* both selector arrays */
	kmem_cache_free(oak_child_cache[sa->ops->major], c);	/* child_gone wiped its keys */
	oakley_stat_dec(sa->in->on, OAKLEY_STATS_A_OBJECTS);
	oak_sa_gone_wake(sa->in);
}

void oak_sa_set_state(struct oak_ike_sa *sa, u8 state)
{
	sa->state = state;
}

/* No longer half-open: uncount it, release the bytes dos.c charged for it. */
static void oak_sa_half_open_end(struct oak_ike_sa *sa)
{
	if (sa->counted_half_open) {
		sa->counted_half_open = false;
		oakley_stat_dec(sa->in->on, OAKLEY_STATS_A_HALF_OPEN);
	}
	if (sa->half_open_charge) {
		oak_dos_uncharge(sa->in, sa->half_open_charge);
		sa->half_open_charge = 0;
	}
}

void oak_sa_established(struct oak_ike_sa *sa)
{
	sa->state = OAKLEY_IKE_STATE_ESTABLISHED;
	sa->established = ktime_get_boottime_seconds();
	oak_sa_half_open_end(sa);
	oak_stat(sa, OAKLEY_STATS_A_IKE_ESTABLISHED);
	oak_sa_event(sa, OAKLEY_EVENT_IKE_UP, NULL, 0, NULL);
	sa->ops->sa_up(sa);
}

void oak_sa_rekey_up(struct oak_ike_sa *sa)
{
	sa->state = OAKLEY_IKE_STATE_ESTABLISHED;
	sa->established = ktime_get_boottime_seconds();
	oak_sa_half_open_end(sa);
	oak_sa_event(sa, OAKLEY_EVENT_IKE_REKEYED, NULL, 0, NULL);
	sa->ops->sa_up(sa);
}

void oak_sa_move_children(struct oak_ike_sa *from, struct oak_ike_sa *to)
{
	list_splice_tail_init(&from->children, &to->children);
}

/*
 * Remove an SA: from the tables, its Child SAs from xfrm, its timer; then
 * drop the tables' reference.  Idempotent.  Caller holds in->lock.  In a
 * window of the SA's lock holder (which uses a Child SA of it without
 * in->lock) only marked: the holder kills it in oak_sa_unlock().
 */
void oak_sa_kill(struct oak_ike_sa *sa)
{
	struct oakley_net *on = sa->in->on;
	struct oak_child_sa *c, *tmp;
	bool was_up = sa->state == OAKLEY_IKE_STATE_ESTABLISHED ||
		      sa->state == OAKLEY_IKE_STATE_DELETING;

	lockdep_assert_held(&sa->in->lock);
	if (sa->dead)
		return;
	if (sa->windows) {
		sa->kill_pending = true;
		return;
	}
	sa->dead = true;
	/* rekeyed: the Child SAs live on in the IKE SA that replaced it */
	if (sa->ops->sa_kill(sa))
		was_up = false;
	list_for_each_entry_safe(c, tmp, &sa->children, node)
		oak_child_free(sa, c);
	oak_sa_unhash(sa);
	oak_sa_half_open_end(sa);
	oakley_stat_dec(on, OAKLEY_STATS_A_IKE_SAS);
	if (was_up)
		oak_sa_event(sa, OAKLEY_EVENT_IKE_DOWN, NULL, 0, NULL);
	oak_sa_gone_wake(sa->in);
	oak_sa_put(sa);
}

/* A negotiation failed for good: count it, tell userspace, remove the SA. */
void oak_sa_fail(struct oak_ike_sa *sa, u16 notify, const char *why)
{
	if (sa->dead)
		return;
	if (sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
		oak_stat(sa, OAKLEY_STATS_A_IKE_FAILED);
	oak_sa_log(pr_debug, sa, NULL, "IKE SA failed: %s (notify %u)\n", why, notify);
	oak_sa_event(sa, OAKLEY_EVENT_ERROR, NULL, notify, why);
	if (oak_restart_failed(sa))
		oak_sa_kill(sa);
}

int oak_sa_event(struct oak_ike_sa *sa, u8 type, const char *child, u16 notify,
		 const char *msg)
{
	struct oakley_event ev = {
		.type = type,
		.conn = sa->conn->name,
		.child = child,
		.message = msg,
		.family = sa->remote.family,
		.remote_addr = sa->remote.addr,
		.notify = notify,
	};

	memcpy(&ev.spi_i, sa->spi_i, IKE_SPI_LEN);
	memcpy(&ev.spi_r, sa->spi_r, IKE_SPI_LEN);
	return oakley_event_send(sa->in->on, &ev, GFP_KERNEL);
}

/* ---- connections by address (IKE_SA_INIT requests pick theirs here) ---- */

static u32 oak_conn_addr_hash(u16 family, const u8 *local, const u8 *remote)
{
	unsigned int alen = family == AF_INET ? 4 : 16;
	u32 h = jhash(local, alen, family);

	if (remote)
		h = jhash(remote, alen, h);
	return h & (OAKLEY_HASH_SIZE - 1);
}

/* Index a connection by local + remote address, or local alone for %any. */
static void oak_conn_index(struct oak_ike_net *in, struct oakley_conn *conn)
{
	u32 h;

	if (!hlist_unhashed(&conn->ike_addr))
		return;
	h = oak_conn_addr_hash(conn->family, conn->local_addr,
			       conn->has_remote ? conn->remote_addr : NULL);
	hlist_add_head(&conn->ike_addr, &in->conn_addr[h]);
}

static void oak_conn_unindex(struct oakley_conn *conn)
{
	if (!hlist_unhashed(&conn->ike_addr))
		hlist_del_init(&conn->ike_addr);
}

/* ---- connections by remote identity (a responder's switch on the peer's ID) ---- */

static u32 oak_conn_rid_hash(u8 type, const u8 *data, u16 len)
{
	return jhash(data, len, type) & (OAKLEY_HASH_SIZE - 1);
}

/*
 * Index a connection of any version by its remote identity, unless that is
 * %any (such a connection accepts every identity: it is found by address).
 * Writers hold in->lock; readers walk one bucket under RCU (the connection
 * itself is freed after a grace period, oakley_conn_put()).
 */
static void oak_conn_rid_index(struct oak_ike_net *in, struct oakley_conn *conn)
{
	const struct oakley_id *rid = conn->remote_id;

	lockdep_assert_held(&in->lock);
	if (rid->type == OAKLEY_ID_ANY || !hlist_unhashed(&conn->ike_rid))
		return;
	hlist_add_head_rcu(&conn->ike_rid,
			   &in->conn_rid[oak_conn_rid_hash(rid->type, rid->data, rid->len)]);
}

static void oak_conn_rid_unindex(struct oak_ike_net *in, struct oakley_conn *conn)
{
	lockdep_assert_held(&in->lock);
	if (!hlist_unhashed(&conn->ike_rid))
		hlist_del_init_rcu(&conn->ike_rid);
}

/*
 * A connection of IKE @version whose remote identity is exactly (@type,
 * @data, @len), with @local's address and @remote's (or remote = %any), and
 * that @fits (called under RCU: it must not sleep or allocate).  One with
 * @remote's address comes before one with remote = %any.  Referenced
 * (kref_get_unless_zero: a connection being released is passed over), or
 * NULL.  Allocates nothing; walks one bucket of the index, never the list
 * of connections.
 */
struct oakley_conn *oak_conn_by_id(struct oak_ike_net *in, u8 version,
				   const struct oak_addr *local, const struct oak_addr *remote,
				   u8 type, const u8 *data, u16 len,
				   bool (*fits)(const struct oakley_conn *c, const void *arg),
				   const void *arg)
{
	unsigned int alen = local->family == AF_INET ? 4 : 16;
	struct oakley_conn *c, *any = NULL;
	u32 h = oak_conn_rid_hash(type, data, len);

	rcu_read_lock();
	hlist_for_each_entry_rcu(c, &in->conn_rid[h], ike_rid) {
		const struct oakley_id *rid = c->remote_id;

		if (c->version != version || c->family != local->family ||
		    rid->type != type || rid->len != len || memcmp(rid->data, data, len) ||
		    memcmp(c->local_addr, local->addr, alen) ||
		    (c->has_remote && memcmp(c->remote_addr, remote->addr, alen)) ||
		    (!c->has_remote && any) || !fits(c, arg))
			continue;
		if (!c->has_remote) {
			any = c;	/* unless one for @remote's address follows */
			continue;
		}
		if (kref_get_unless_zero(&c->ref))
			goto out;
	}
	c = any && kref_get_unless_zero(&any->ref) ? any : NULL;
out:
	rcu_read_unlock();
	return c;
}

static struct oakley_conn *oak_conn_addr_find(struct oak_ike_net *in, u8 version,
					      const struct oak_addr *local,
					      const struct oak_addr *remote, bool any)
{
	unsigned int alen = local->family == AF_INET ? 4 : 16;
	struct oakley_conn *c;
	u32 h;

	h = oak_conn_addr_hash(local->family, local->addr, any ? NULL : remote->addr);
	hlist_for_each_entry(c, &in->conn_addr[h], ike_addr)
		if (c->version == version && c->family == local->family && c->has_remote == !any &&
		    !memcmp(c->local_addr, local->addr, alen) &&
		    (any || !memcmp(c->remote_addr, remote->addr, alen)))
			return c;
	return NULL;
}

/*
 * The connection for an IKE_SA_INIT request from @remote to @local: one with
 * that remote address first, else one with remote = %any.  Referenced.
 * O(1): the index is kept by oakley_ike_conn_added/removed under in->lock.
 */
struct oakley_conn *oak_conn_by_addr_version(struct oak_ike_net *in, u8 version,
					     const struct oak_addr *local,
					     const struct oak_addr *remote)
{
	struct oakley_conn *c = oak_conn_addr_find(in, version, local, remote, false);

	if (!c)
		c = oak_conn_addr_find(in, version, local, remote, true);
	return c ? oakley_conn_get(c) : NULL;
}

/* The same for IKEv2 (IKE_SA_INIT requests). */
struct oakley_conn *oak_conn_by_addr(struct oak_ike_net *in, const struct oak_addr *local,
				     const struct oak_addr *remote)
{
	return oak_conn_by_addr_version(in, 2, local, remote);
}

/* ---- the engine of a namespace ---- */

struct workqueue_struct *oak_wq;
struct workqueue_struct *oak_dh_wq;
static atomic_t oak_engines_total = ATOMIC_INIT(0);
/* A namespace's exit waits here for its engines to be freed. */
static DECLARE_WAIT_QUEUE_HEAD(oak_engines_wq);

static int oak_ike_tables_alloc(struct oak_ike_net *in)
{
	unsigned int i;

	in->by_conn = kvmalloc_array(OAKLEY_HASH_SIZE, sizeof(*in->by_conn), GFP_KERNEL);
	in->conn_addr = kvcalloc(OAKLEY_HASH_SIZE, sizeof(*in->conn_addr), GFP_KERNEL);
	in->conn_rid = kvcalloc(OAKLEY_HASH_SIZE, sizeof(*in->conn_rid), GFP_KERNEL);
	if (!in->by_conn || !in->conn_addr || !in->conn_rid)
		goto err;
	for (i = 0; i < OAKLEY_HASH_SIZE; i++)
		INIT_LIST_HEAD(&in->by_conn[i]);
	if (oak_sa_tables_init(in))
		goto err;
	return 0;
err:
	kvfree(in->by_conn);
	kvfree(in->conn_addr);
	kvfree(in->conn_rid);
	return -ENOMEM;
}

static void oak_ike_tables_free(struct oak_ike_net *in)
{
	oak_sa_tables_destroy(in);
	kvfree(in->by_conn);
	kvfree(in->conn_addr);
	kvfree(in->conn_rid);
}

static void oak_ike_net_init_fields(struct oak_ike_net *in, struct oakley_net *on)
{
	unsigned int i;

	kref_init(&in->ref);	/* the namespace's: on->ike */
	in->on = on;
	in->net = on->net;
	in->rx_seed = get_random_u32();
	mutex_init(&in->lock);
	for (i = 0; i < OAK_RX_WORKERS; i++) {
		in->rx[i].in = in;
		skb_queue_head_init(&in->rx[i].q);
		INIT_WORK(&in->rx[i].work, oak_rx_work);
	}
	init_waitqueue_head(&in->gone_wq);
	INIT_LIST_HEAD(&in->sas);
	INIT_LIST_HEAD(&in->starts);
	INIT_WORK(&in->start_work, oak_start_work);
}

static struct oak_ike_net *oak_ike_net_new(struct oakley_net *on)
{
	struct oak_ike_net *in;
	int err;

	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return ERR_PTR(-ENOMEM);
	err = oak_ike_tables_alloc(in);
	if (err)
		goto err_in;
	/* the shared hash transforms: counted, held while the engine exists */
	err = oak_crypto_init();
	if (err)
		goto err_tables;
	oak_ike_net_init_fields(in, on);
	err = oak_km_net_init(in);
	if (err)
		goto err_crypto;
	err = oak_dos_net_init(in);	/* with on->limits */
	if (err)
		goto err_km;
	return in;

err_km:
	oak_km_net_exit(in);
err_crypto:
	mutex_destroy(&in->lock);
	oak_crypto_exit();
err_tables:
	oak_ike_tables_free(in);
err_in:
	kfree(in);
	return ERR_PTR(err);
}

/* The last reference: every IKE SA is gone, nothing runs for the engine. */
static void oak_ike_net_release(struct kref *ref)
{
	struct oak_ike_net *in = container_of(ref, struct oak_ike_net, ref);
	struct oakley_net *on = in->on;

	might_sleep();
	oak_dos_net_exit(in);
	oak_ike_tables_free(in);
	mutex_destroy(&in->lock);
	oak_crypto_exit();
	atomic_dec(&oak_engines_total);
	atomic_dec(&on->engines);	/* @on may go once it reads 0 */
	wake_up_all(&oak_engines_wq);
	kfree_rcu(in, rcu);		/* oak_ike_net_get() may still look at @ref */
}

struct oak_ike_net *oak_ike_net_get(struct oakley_net *on)
{
	struct oak_ike_net *in;

	rcu_read_lock();
	in = rcu_dereference(on->ike);
	if (in && !kref_get_unless_zero(&in->ref))
		in = NULL;
	rcu_read_unlock();
	return in;
}

void oak_ike_net_put(struct oak_ike_net *in)
{
	if (in)
		kref_put(&in->ref, oak_ike_net_release);
}

/* The engine of @on, for a caller that holds on->lock (no reference taken). */
static struct oak_ike_net *oak_ike_net_locked(struct oakley_net *on)
{
	return rcu_dereference_protected(on->ike, lockdep_is_held(&on->lock));
}

int oakley_ike_net_start(struct oakley_net *on)
{
	struct oak_ike_net *in;

	lockdep_assert_held(&on->lock);
	if (oak_ike_net_locked(on))
		return 0;
	in = oak_ike_net_new(on);
	if (IS_ERR(in))
		return PTR_ERR(in);
	atomic_inc(&on->engines);
	atomic_inc(&oak_engines_total);
	rcu_assign_pointer(on->ike, in);
	return 0;
}

/*
 * Stop all the engine does: no datagram, timer, DH job or key manager
 * event acts after this, every IKE SA is killed.  A context that still
 * holds a reference (an SA's timer or DH job running, a netlink
 * operation) sees @dying and only lets go.  The engine's own work items
 * hold none: they are cancelled here, before the namespace's reference
 * is dropped.
 */
static void oak_ike_net_shutdown(struct oak_ike_net *in)
{
	struct oak_ike_sa *sa, *tmp;
	unsigned int i;

	mutex_lock(&in->lock);
	oak_sock_close(in);	/* no new datagrams after this (a grace period inside) */
	WRITE_ONCE(in->dying, true);
	oak_start_cancel(in, NULL);
	list_for_each_entry_reverse(sa, &in->sas, node)
		oak_sa_id_unindex(sa);	/* see there: newest first */
	list_for_each_entry_safe(sa, tmp, &in->sas, node) {
		oak_sa_kill(sa);
		cond_resched();
	}
	mutex_unlock(&in->lock);
	for (i = 0; i < OAK_RX_WORKERS; i++) {
		cancel_work_sync(&in->rx[i].work);
		skb_queue_purge(&in->rx[i].q);
	}
	cancel_work_sync(&in->start_work);
	oak_xfrm_retired_flush(in->net, 0);
	oak_km_net_exit(in);	/* cancels its work */
}

void oakley_ike_net_stop(struct oakley_net *on)
{
	struct oak_ike_net *in = oak_ike_net_locked(on);

	if (!in)
		return;
	RCU_INIT_POINTER(on->ike, NULL);	/* oak_ike_net_get() finds none now */
	oak_ike_net_shutdown(in);
	oak_ike_net_put(in);
}

int oakley_ike_engines(void)
{
	return atomic_read(&oak_engines_total);
}

#define OAK_ENGINE_WAIT_WARN	(30 * HZ)

/* Its SAs' last contexts (a DH job, a timer that fired) end soon; say so if not. */
void oakley_ike_net_wait(struct oakley_net *on)
{
	while (!wait_event_timeout(oak_engines_wq, !atomic_read(&on->engines),
				   OAK_ENGINE_WAIT_WARN))
		pr_warn("namespace exit waits for %d stopped engine(s) to lose their IKE SAs\n",
			atomic_read(&on->engines));
	oak_xfrm_retired_flush(on->net, 0);	/* what a late SA retired meanwhile */
}

/*
 * Open the sockets once the namespace has a connection.  A failure (port 500
 * taken by another daemon) is logged; initiate reports it to the user.  A
 * connection with start = start is initiated from the workqueue: we are
 * called with on->lock held and must not build packets here.
 */
void oakley_ike_conn_added(struct oakley_net *on, struct oakley_conn *conn)
{
	struct oak_ike_net *in = oak_ike_net_locked(on);

	if (WARN_ON_ONCE(!in))
		return;		/* oakley_net_grow() makes it first */
	mutex_lock(&in->lock);
	oak_conn_index(in, conn);
	oak_conn_rid_index(in, conn);
	if (!in->dying) {
		oak_sock_open(in);
		if (conn->start == OAKLEY_START_START)
			oak_start_queue(in, conn);
		oak_trap_install(in, conn);
	}
	mutex_unlock(&in->lock);
}

/* A connection was deleted or replaced by a different one: remove its SAs. */
void oakley_ike_conn_removed(struct oakley_net *on, struct oakley_conn *conn)
{
	struct oak_ike_net *in = oak_ike_net_locked(on);
	struct oak_ike_sa *sa, *tmp;

	if (!in)
		return;
	mutex_lock(&in->lock);
	oak_conn_unindex(conn);
	oak_conn_rid_unindex(in, conn);
	oak_start_cancel(in, conn);
	oak_trap_remove(in, conn);
	list_for_each_entry_reverse(sa, oak_sa_conn_list(in, conn->name), conn_node)
		if (sa->conn == conn)
			oak_sa_id_unindex(sa);	/* see there: newest first */
	/* oldest first: a Child SA's policies go with the newest (oak_child_shared) */
	list_for_each_entry_safe(sa, tmp, oak_sa_conn_list(in, conn->name), conn_node) {
		if (sa->conn != conn)
			continue;
		if (sa->state == OAKLEY_IKE_STATE_ESTABLISHED)
			sa->ops->send_delete(sa);
		oak_sa_kill(sa);
		cond_resched();
	}
	mutex_unlock(&in->lock);
}

void oak_log_addr(char *buf, u16 family, const u8 *addr)
{
	if (!addr)
		strscpy(buf, "%any", OAK_LOG_ADDR_LEN);
	else if (family == AF_INET6)
		snprintf(buf, OAK_LOG_ADDR_LEN, "%pI6c", addr);
	else
		snprintf(buf, OAK_LOG_ADDR_LEN, "%pI4", addr);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: the per-network-namespace instance and its name tables.
 */

#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "conn.h"
#include "events.h"
#include "ike.h"
#include "netns.h"
#include "secret.h"

static unsigned int oakley_net_id __read_mostly;
static u32 oakley_hash_seed __read_mostly;

struct oakley_net *oakley_net(struct net *net)
{
	return net_generic(net, oakley_net_id);
}

u32 oakley_name_hash(const char *name)
{
	return jhash(name, strlen(name), oakley_hash_seed) & (OAKLEY_HASH_SIZE - 1);
}

struct hlist_head *oakley_hash_alloc(void)
{
	return kvcalloc(OAKLEY_HASH_SIZE, sizeof(struct hlist_head), GFP_KERNEL);
}

void oakley_hash_free(struct hlist_head *table)
{
	kvfree(table);
}

struct oakley_names *oakley_names_get(struct oakley_net *on)
{
	return rcu_dereference_protected(on->names, lockdep_is_held(&on->lock));
}

struct oakley_names *oakley_names_rcu(struct oakley_net *on)
{
	return rcu_dereference_check(on->names, lockdep_is_held(&on->lock));
}

struct oakley_conn *oakley_conn_lookup(struct oakley_net *on, const char *name)
{
	struct oakley_names *names = oakley_names_rcu(on);
	struct oakley_conn *conn;

	if (!names)
		return NULL;
	hlist_for_each_entry_rcu(conn, &names->conns[oakley_name_hash(name)], node,
				 lockdep_is_held(&on->lock))
		if (!strcmp(conn->name, name))
			return conn;
	return NULL;
}

struct oakley_secret *oakley_secret_lookup(struct oakley_net *on, const char *name)
{
	struct oakley_names *names = oakley_names_rcu(on);
	struct oakley_secret *secret;

	if (!names)
		return NULL;
	hlist_for_each_entry_rcu(secret, &names->secrets[oakley_name_hash(name)], node,
				 lockdep_is_held(&on->lock))
		if (!strcmp(secret->name, name))
			return secret;
	return NULL;
}

struct oakley_conn *oakley_conn_find(struct oakley_net *on, const char *name)
{
	struct oakley_conn *conn;

	rcu_read_lock();
	conn = oakley_conn_lookup(on, name);
	if (conn && !kref_get_unless_zero(&conn->ref))
		conn = NULL;
	rcu_read_unlock();
	return conn;
}

struct oakley_secret *oakley_secret_find(struct oakley_net *on, const char *name)
{
	struct oakley_secret *secret;

	rcu_read_lock();
	secret = oakley_secret_lookup(on, name);
	if (secret && !kref_get_unless_zero(&secret->ref))
		secret = NULL;
	rcu_read_unlock();
	return secret;
}

/* Linking needs the tables: oakley_net_grow() made them. */
void oakley_conn_link(struct oakley_net *on, struct oakley_conn *conn)
{
	lockdep_assert_held(&on->lock);
	hlist_add_head_rcu(&conn->node,
			   &oakley_names_get(on)->conns[oakley_name_hash(conn->name)]);
	on->nconns++;
	WRITE_ONCE(on->conn_gen, on->conn_gen + 1);
	oakley_stat_inc(on, OAKLEY_STATS_A_CONNS);
}

void oakley_conn_unlink(struct oakley_net *on, struct oakley_conn *conn)
{
	lockdep_assert_held(&on->lock);
	hlist_del_init_rcu(&conn->node);
	on->nconns--;
	WRITE_ONCE(on->conn_gen, on->conn_gen + 1);
	oakley_stat_dec(on, OAKLEY_STATS_A_CONNS);
}

void oakley_secret_link(struct oakley_net *on, struct oakley_secret *secret)
{
	lockdep_assert_held(&on->lock);
	hlist_add_head_rcu(&secret->node,
			   &oakley_names_get(on)->secrets[oakley_name_hash(secret->name)]);
	on->nsecrets++;
	oakley_stat_inc(on, OAKLEY_STATS_A_SECRETS);
}

void oakley_secret_unlink(struct oakley_net *on, struct oakley_secret *secret)
{
	lockdep_assert_held(&on->lock);
	hlist_del_init_rcu(&secret->node);
	on->nsecrets--;
	oakley_stat_dec(on, OAKLEY_STATS_A_SECRETS);
}

/* Swap @new in for @old of the same name, atomically for RCU readers. */
void oakley_conn_replace(struct oakley_net *on, struct oakley_conn *old, struct oakley_conn *new)
{
	lockdep_assert_held(&on->lock);
	hlist_replace_rcu(&old->node, &new->node);
	WRITE_ONCE(on->conn_gen, on->conn_gen + 1);
}

void oakley_secret_replace(struct oakley_net *on, struct oakley_secret *old,
			   struct oakley_secret *new)
{
	lockdep_assert_held(&on->lock);
	hlist_replace_rcu(&old->node, &new->node);
}

/* Drop the whole configuration (on->lock held); no events are sent. */
void oakley_net_flush(struct oakley_net *on)
{
	struct oakley_names *names = oakley_names_get(on);
	struct oakley_secret *secret;
	struct oakley_conn *conn;
	struct hlist_node *tmp;
	unsigned int i;

	lockdep_assert_held(&on->lock);
	for (i = 0; names && i < OAKLEY_HASH_SIZE; i++) {
		hlist_for_each_entry_safe(conn, tmp, &names->conns[i], node) {
			oakley_conn_unlink(on, conn);
			oakley_ike_conn_removed(on, conn);
			oakley_conn_put(conn);
		}
		hlist_for_each_entry_safe(secret, tmp, &names->secrets[i], node) {
			oakley_secret_unlink(on, secret);
			oakley_secret_put(secret);
		}
	}
	oakley_net_settle(on);
}

static void oakley_names_free(struct oakley_names *names)
{
	oakley_hash_free(names->conns);
	oakley_hash_free(names->secrets);
	kfree(names);
}

static void oakley_names_free_rcu(struct rcu_head *rcu)
{
	oakley_names_free(container_of(rcu, struct oakley_names, rcu));
}

static int oakley_names_alloc(struct oakley_net *on)
{
	struct oakley_names *names;

	if (oakley_names_get(on))
		return 0;
	names = kzalloc(sizeof(*names), GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	names->conns = oakley_hash_alloc();
	names->secrets = oakley_hash_alloc();
	if (!names->conns || !names->secrets) {
		oakley_names_free(names);
		return -ENOMEM;
	}
	on->used = true;
	rcu_assign_pointer(on->names, names);
	return 0;
}

int oakley_net_grow(struct oakley_net *on, bool conns)
{
	int err;

	lockdep_assert_held(&on->lock);
	if (on->dead)
		return -ENODEV;
	err = oakley_names_alloc(on);
	if (!err && conns)
		err = oakley_ike_net_start(on);
	return err;
}

/*
 * The engine goes with the last connection (its IKE SAs are removed, its
 * sockets closed now; its memory goes with its last SA), the name tables
 * with the last connection and secret (after readers under RCU).
 */
void oakley_net_settle(struct oakley_net *on)
{
	struct oakley_names *names = oakley_names_get(on);

	lockdep_assert_held(&on->lock);
	if (!on->nconns)
		oakley_ike_net_stop(on);
	if (names && !on->nconns && !on->nsecrets) {
		RCU_INIT_POINTER(on->names, NULL);
		call_rcu(&names->rcu, oakley_names_free_rcu);
	}
}

/* Set up an instance; also used by the KUnit suites on a private one. */
int oakley_net_setup(struct oakley_net *on, struct net *net)
{
	unsigned int i;

	on->net = net;
	on->conn_gen = 1;	/* 0 would mean "not set" to nl_dump_check_consistent() */
	mutex_init(&on->lock);
	RCU_INIT_POINTER(on->names, NULL);
	RCU_INIT_POINTER(on->ike, NULL);
	atomic_set(&on->engines, 0);
	oakley_ike_limits_default(&on->limits);
	for (i = 0; i < ARRAY_SIZE(on->stats); i++)
		atomic64_set(&on->stats[i], 0);
	return 0;
}

/*
 * Tear an instance down.  Objects are freed after an RCU grace period, which
 * may still touch the instance's counters: the caller waits with
 * rcu_barrier() before the memory of @on goes away (when @on->used).
 */
void oakley_net_teardown(struct oakley_net *on)
{
	mutex_lock(&on->lock);
	on->dead = true;
	oakley_net_flush(on);
	mutex_unlock(&on->lock);
	oakley_ike_net_wait(on);
	mutex_destroy(&on->lock);
}

static int __net_init oakley_pernet_init(struct net *net)
{
	return oakley_net_setup(oakley_net(net), net);
}

static void __net_exit oakley_pernet_exit(struct net *net)
{
	oakley_net_teardown(oakley_net(net));
}

/* Objects freed by call_rcu() update counters inside the instances. */
static void __net_exit oakley_pernet_exit_batch(struct list_head *net_list)
{
	struct net *net;

	list_for_each_entry(net, net_list, exit_list) {
		if (oakley_net(net)->used) {
			rcu_barrier();
			return;
		}
	}
}

static struct pernet_operations oakley_pernet_ops = {
	.init = oakley_pernet_init,
	.exit = oakley_pernet_exit,
	.exit_batch = oakley_pernet_exit_batch,
	.id = &oakley_net_id,
	.size = sizeof(struct oakley_net),
};

int oakley_netns_register(void)
{
	oakley_hash_seed = get_random_u32();
	return register_pernet_device(&oakley_pernet_ops);
}

void oakley_netns_unregister(void)
{
	unregister_pernet_device(&oakley_pernet_ops);
	rcu_barrier();
}

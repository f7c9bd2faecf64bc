// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: IKE SA objects, the per-namespace SA tables and the
 * engine's namespace state.
 *
 * An IKE SA is reference counted (kref).  The tables (by our SPI; for
 * responders also by the peer's SPIi) hold one reference; a pending
 * retransmission timer holds another.  oak_sa_kill() unhashes an SA, removes
 * its Child SAs from xfrm and drops the tables' reference; the last put
 * wipes every secret and frees it.  All of it runs under in->lock.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "ike_int.h"
#include "../crypto/internal.h"
#include "../ike.h"
#include "../events.h"

static u32 oak_spi_hash(const u8 *spi)
{
	return jhash(spi, IKE_SPI_LEN, 0) & (OAK_SA_HASH_SIZE - 1);
}

static u32 oak_peer_hash(const struct oak_addr *peer, const u8 *spi_i)
{
	u32 h = jhash(peer->addr, sizeof(peer->addr), peer->port);

	return jhash(spi_i, IKE_SPI_LEN, h) & (OAK_SA_HASH_SIZE - 1);
}

struct oak_ike_net *oak_ike_net_get(struct oakley_net *on)
{
	return on->ike;
}

const u8 *oak_sa_our_spi(const struct oak_ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

struct oak_ike_sa *oak_sa_lookup(struct oak_ike_net *in, const u8 *spi)
{
	struct oak_ike_sa *sa;

	hlist_for_each_entry(sa, &in->by_spi[oak_spi_hash(spi)], spi_node)
		if (!memcmp(oak_sa_our_spi(sa), spi, IKE_SPI_LEN))
			return sa;
	return NULL;
}

struct oak_ike_sa *oak_sa_lookup_peer(struct oak_ike_net *in, const struct oak_addr *peer,
				      const u8 *spi_i)
{
	struct oak_ike_sa *sa;
	u32 h = oak_peer_hash(peer, spi_i);

	hlist_for_each_entry(sa, &in->by_peer[h], peer_node)
		if (sa->remote.family == peer->family && sa->remote.port == peer->port &&
		    !memcmp(sa->remote.addr, peer->addr, sizeof(peer->addr)) &&
		    !memcmp(sa->spi_i, spi_i, IKE_SPI_LEN))
			return sa;
	return NULL;
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
static struct kmem_cache *oak_sa_cache, *oak_child_cache;

int oakley_ike_init(void)
{
	oak_sa_cache = KMEM_CACHE(oak_ike_sa, 0);
	if (!oak_sa_cache)
		return -ENOMEM;
	oak_child_cache = KMEM_CACHE(oak_child_sa, 0);
	if (!oak_child_cache) {
		kmem_cache_destroy(oak_sa_cache);
		return -ENOMEM;
	}
	return 0;
}

void oakley_ike_exit(void)
{
	kmem_cache_destroy(oak_child_cache);
	kmem_cache_destroy(oak_sa_cache);
}

/* The handshake context: the nonces live there until oak_sa_hs_free(). */
static int oak_sa_hs_new(struct oak_ike_sa *sa)
{
	sa->hs = kzalloc(sizeof(*sa->hs), GFP_KERNEL);
	if (!sa->hs)
		return -ENOMEM;
	sa->ni = sa->hs->ni;
	sa->nr = sa->hs->nr;
	return 0;
}

void oak_sa_hs_free(struct oak_ike_sa *sa)
{
	oak_free_secret(sa->hs, sizeof(*sa->hs));
	sa->hs = NULL;
	sa->ni = NULL;
	sa->nr = NULL;
	sa->ni_len = 0;
	sa->nr_len = 0;
}

/* The SA's keys are derived (into sa->hs->keys): keep SK_d for its lifetime. */
void oak_sa_keep_sk_d(struct oak_ike_sa *sa)
{
	const struct oak_ike_keys *k = &sa->hs->keys;

	memcpy(sa->sk_d, k->sk_d, k->prf_len);
	sa->prf_len = k->prf_len;
}

struct oak_ike_sa *oak_sa_new(struct oak_ike_net *in, struct oakley_conn *conn, bool initiator)
{
	struct oak_ike_sa *sa;

	sa = kmem_cache_zalloc(oak_sa_cache, GFP_KERNEL);
	if (!sa)
		return NULL;
	if (oak_sa_hs_new(sa)) {
		kmem_cache_free(oak_sa_cache, sa);
		return NULL;
	}
	kref_init(&sa->ref);
	INIT_HLIST_NODE(&sa->spi_node);
	INIT_HLIST_NODE(&sa->peer_node);
	INIT_LIST_HEAD(&sa->node);
	INIT_LIST_HEAD(&sa->conn_node);
	INIT_LIST_HEAD(&sa->children);
	INIT_DELAYED_WORK(&sa->rtx_work, oak_rtx_work);
	sa->in = in;
	sa->conn = oakley_conn_get(conn);
	sa->initiator = initiator;
	sa->state = OAKLEY_IKE_STATE_CONNECTING;
	sa->created = jiffies;
	sa->rtx_ms = OAK_RTX_FIRST_MS;
	oak_new_spi(in, initiator ? sa->spi_i : sa->spi_r);
	oak_queue_sa_init(sa);
	oak_ccs_sa_init(sa);
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
}

/* Link a new SA into the tables (the tables take over the initial reference). */
void oak_sa_hash(struct oak_ike_sa *sa)
{
	struct oak_ike_net *in = sa->in;

	hlist_add_head(&sa->spi_node, &in->by_spi[oak_spi_hash(oak_sa_our_spi(sa))]);
	list_add_tail(&sa->node, &in->sas);
	list_add_tail(&sa->conn_node, oak_sa_conn_list(in, sa->conn->name));
	if (!sa->initiator) {
		hlist_add_head(&sa->peer_node, &in->by_peer[oak_peer_hash(&sa->remote, sa->spi_i)]);
		sa->hashed_peer = true;
	}
}

static void oak_sa_free(struct kref *ref)
{
	struct oak_ike_sa *sa = container_of(ref, struct oak_ike_sa, ref);
	struct oakley_net *on = sa->in->on;

	oak_dh_free(sa->dh);
	oak_sk_free(sa->sk_in);
	oak_sk_free(sa->sk_out);
	oak_sa_hs_free(sa);
	kfree_sensitive(sa->init_req);
	kfree_sensitive(sa->init_resp);
	kfree(sa->cookie);
	kfree_sensitive(sa->req);
	kfree_sensitive(sa->resp);
	kfree(sa->peer_id);
	kfree(sa->ccs.nmin);
	oakley_conn_put(sa->conn);
	oak_wipe(sa->sk_d, sizeof(sa->sk_d));
	kmem_cache_free(oak_sa_cache, sa);
	oakley_stat_dec(on, OAKLEY_STATS_A_OBJECTS);
}

void oak_sa_put(struct oak_ike_sa *sa)
{
	if (sa)
		kref_put(&sa->ref, oak_sa_free);
}

struct oak_child_sa *oak_child_new(struct oak_ike_sa *sa, const struct oakley_child *cfg)
{
	struct oak_child_sa *c;

	c = kmem_cache_zalloc(oak_child_cache, GFP_KERNEL);
	if (!c)
		return NULL;
	c->cfg = cfg;
	list_add_tail(&c->node, &sa->children);
	oak_stat(sa, OAKLEY_STATS_A_OBJECTS);
	return c;
}

void oak_child_free(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	oak_queue_child_gone(sa, c);
	oak_ccs_child_gone(sa, c);
	oak_child_uninstall(sa, c);
	list_del(&c->node);
	kfree(c->p.local_ts);		/* both selector arrays */
	kfree(c->ccs.nmin);
	kmem_cache_free(oak_child_cache, c);	/* oak_child_uninstall() wiped the kept keys */
	oakley_stat_dec(sa->in->on, OAKLEY_STATS_A_OBJECTS);
}

void oak_sa_set_state(struct oak_ike_sa *sa, u8 state)
{
	sa->state = state;
}

void oak_sa_established(struct oak_ike_sa *sa)
{
	sa->state = OAKLEY_IKE_STATE_ESTABLISHED;
	sa->established = ktime_get_boottime_seconds();
	if (sa->counted_half_open) {
		sa->counted_half_open = false;
		oakley_stat_dec(sa->in->on, OAKLEY_STATS_A_HALF_OPEN);
	}
	oak_stat(sa, OAKLEY_STATS_A_IKE_ESTABLISHED);
	oak_sa_event(sa, OAKLEY_EVENT_IKE_UP, NULL, 0, NULL);
	oak_queue_sa_up(sa);
}

void oak_sa_rekey_up(struct oak_ike_sa *sa)
{
	sa->state = OAKLEY_IKE_STATE_ESTABLISHED;
	sa->established = ktime_get_boottime_seconds();
	if (sa->counted_half_open) {
		sa->counted_half_open = false;
		oakley_stat_dec(sa->in->on, OAKLEY_STATS_A_HALF_OPEN);
	}
	oak_sa_event(sa, OAKLEY_EVENT_IKE_REKEYED, NULL, 0, NULL);
	oak_sa_hs_free(sa);
	oak_queue_sa_up(sa);
}

void oak_sa_move_children(struct oak_ike_sa *from, struct oak_ike_sa *to)
{
	list_splice_tail_init(&from->children, &to->children);
}

static struct oak_ike_sa *oak_sa_alive(struct oak_ike_sa *sa)
{
	return sa && !sa->dead ? sa : NULL;
}

struct oak_ike_sa *oak_ccs_heir(struct oak_ike_sa *sa)
{
	struct oak_ike_sa *old, *h;

	h = oak_sa_alive(sa->ccs.rekeyed_by);
	if (h)
		return h;
	old = oak_sa_alive(sa->ccs.rekey_of);
	if (!old)
		return NULL;
	h = oak_sa_alive(old->ccs.rekeyed_by);
	return h && h != sa ? h : old;
}

/*
 * Remove an SA: from the tables, its Child SAs from xfrm, its timer; then
 * drop the tables' reference.  Idempotent.  Caller holds in->lock.
 */
void oak_sa_kill(struct oak_ike_sa *sa)
{
	struct oakley_net *on = sa->in->on;
	struct oak_child_sa *c, *tmp;
	struct oak_ike_sa *heir;
	bool retry = false;
	bool was_up = sa->state == OAKLEY_IKE_STATE_ESTABLISHED ||
		      sa->state == OAKLEY_IKE_STATE_DELETING;

	if (sa->dead)
		return;
	sa->dead = true;
	if (cancel_delayed_work(&sa->rtx_work))
		oak_sa_put(sa);
	oak_queue_sa_kill(sa);
	/* rekeyed (RFC 7296 §2.18): the Child SAs live on in the new IKE SA */
	heir = oak_ccs_heir(sa);
	if (heir) {
		was_up = false;
		list_for_each_entry(c, &sa->children, node) {
			c->ccs.rekeying = false;
			retry |= c->ccs.retry;
		}
		oak_sa_move_children(sa, heir);
		if (retry)
			oak_ccs_retry_later(heir);
	}
	oak_ccs_sa_kill(sa);
	list_for_each_entry_safe(c, tmp, &sa->children, node)
		oak_child_free(sa, c);
	hlist_del_init(&sa->spi_node);
	if (sa->hashed_peer)
		hlist_del_init(&sa->peer_node);
	list_del_init(&sa->node);
	list_del_init(&sa->conn_node);
	if (sa->counted_half_open) {
		sa->counted_half_open = false;
		oakley_stat_dec(on, OAKLEY_STATS_A_HALF_OPEN);
	}
	oakley_stat_dec(on, OAKLEY_STATS_A_IKE_SAS);
	if (was_up)
		oak_sa_event(sa, OAKLEY_EVENT_IKE_DOWN, NULL, 0, NULL);
	oak_sa_put(sa);
}

/* A negotiation failed for good: count it, tell userspace, remove the SA. */
void oak_sa_fail(struct oak_ike_sa *sa, u16 notify, const char *why)
{
	if (sa->dead)
		return;
	if (sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
		oak_stat(sa, OAKLEY_STATS_A_IKE_FAILED);
	pr_debug("oakley: %s: IKE SA failed: %s (notify %u)\n", sa->conn->name, why, notify);
	oak_sa_event(sa, OAKLEY_EVENT_ERROR, NULL, notify, why);
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

/* Index an IKEv2 connection by local + remote address, or local alone for %any. */
static void oak_conn_index(struct oak_ike_net *in, struct oakley_conn *conn)
{
	u32 h;

	if (conn->version != 2 || !hlist_unhashed(&conn->ike_addr))
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

static struct oakley_conn *oak_conn_addr_find(struct oak_ike_net *in, const struct oak_addr *local,
					      const struct oak_addr *remote, bool any)
{
	unsigned int alen = local->family == AF_INET ? 4 : 16;
	struct oakley_conn *c;
	u32 h;

	h = oak_conn_addr_hash(local->family, local->addr, any ? NULL : remote->addr);
	hlist_for_each_entry(c, &in->conn_addr[h], ike_addr)
		if (c->family == local->family && c->has_remote == !any &&
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
struct oakley_conn *oak_conn_by_addr(struct oak_ike_net *in, const struct oak_addr *local,
				     const struct oak_addr *remote)
{
	struct oakley_conn *c = oak_conn_addr_find(in, local, remote, false);

	if (!c)
		c = oak_conn_addr_find(in, local, remote, true);
	return c ? oakley_conn_get(c) : NULL;
}

/* ---- namespace state ---- */

static int oak_ike_tables_alloc(struct oak_ike_net *in)
{
	unsigned int i;

	in->by_conn = kvmalloc_array(OAKLEY_HASH_SIZE, sizeof(*in->by_conn), GFP_KERNEL);
	in->conn_addr = kvcalloc(OAKLEY_HASH_SIZE, sizeof(*in->conn_addr), GFP_KERNEL);
	if (!in->by_conn || !in->conn_addr) {
		kvfree(in->by_conn);
		kvfree(in->conn_addr);
		return -ENOMEM;
	}
	for (i = 0; i < OAKLEY_HASH_SIZE; i++)
		INIT_LIST_HEAD(&in->by_conn[i]);
	for (i = 0; i < OAK_SA_HASH_SIZE; i++) {
		INIT_HLIST_HEAD(&in->by_spi[i]);
		INIT_HLIST_HEAD(&in->by_peer[i]);
	}
	return 0;
}

static void oak_ike_tables_free(struct oak_ike_net *in)
{
	kvfree(in->by_conn);
	kvfree(in->conn_addr);
}

int oakley_ike_net_init(struct oakley_net *on)
{
	struct oak_ike_net *in;
	int err;

	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	err = oak_ike_tables_alloc(in);
	if (err)
		goto err_in;
	/* the shared hash transforms: counted, held while the engine exists */
	err = oak_crypto_init();
	if (err)
		goto err_tables;
	in->wq = alloc_ordered_workqueue("oakley-ike", WQ_MEM_RECLAIM);
	if (!in->wq) {
		err = -ENOMEM;
		goto err_crypto;
	}
	/* at most one DH job per CPU at a time: more would only share the CPUs */
	in->dh_wq = alloc_workqueue("oakley-dh", WQ_UNBOUND,
				    clamp_t(int, num_online_cpus(), 1, WQ_UNBOUND_MAX_ACTIVE));
	if (!in->dh_wq) {
		err = -ENOMEM;
		goto err_wq;
	}
	in->on = on;
	in->net = on->net;
	mutex_init(&in->lock);
	skb_queue_head_init(&in->rxq);
	INIT_WORK(&in->rx_work, oak_rx_work);
	INIT_LIST_HEAD(&in->sas);
	INIT_LIST_HEAD(&in->starts);
	INIT_WORK(&in->start_work, oak_start_work);
	err = oak_km_net_init(in);
	if (err)
		goto err_wq;
	err = oak_dos_net_init(in);
	if (err) {
		oak_km_net_exit(in);
		goto err_wq;
	}
	on->ike = in;
	return 0;

err_wq:
	if (in->dh_wq)
		destroy_workqueue(in->dh_wq);
	destroy_workqueue(in->wq);
err_crypto:
	oak_crypto_exit();
err_tables:
	oak_ike_tables_free(in);
err_in:
	kfree(in);
	return err;
}

void oakley_ike_net_exit(struct oakley_net *on)
{
	struct oak_ike_net *in = on->ike;
	struct oak_ike_sa *sa, *tmp;

	if (!in)
		return;
	mutex_lock(&in->lock);
	oak_sock_close(in);	/* no new datagrams after this */
	in->dying = true;
	oak_start_cancel(in, NULL);
	list_for_each_entry_safe(sa, tmp, &in->sas, node)
		oak_sa_kill(sa);
	mutex_unlock(&in->lock);
	oak_km_net_exit(in);
	/* DH jobs first: they may still arm timers on in->wq (not once @dying is seen) */
	destroy_workqueue(in->dh_wq);
	destroy_workqueue(in->wq);	/* runs what was queued; it sees @dying */
	oak_dos_net_exit(in);
	skb_queue_purge(&in->rxq);
	on->ike = NULL;
	oak_ike_tables_free(in);
	kfree(in);
	oak_crypto_exit();
}

/*
 * Open the sockets once the namespace has a connection.  A failure (port 500
 * taken by another daemon) is logged; initiate reports it to the user.  A
 * connection with start = start is initiated from the workqueue: we are
 * called with on->lock held and must not build packets here.
 */
void oakley_ike_conn_added(struct oakley_net *on, struct oakley_conn *conn)
{
	struct oak_ike_net *in = on->ike;

	if (!in)
		return;
	mutex_lock(&in->lock);
	oak_conn_index(in, conn);
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
	struct oak_ike_net *in = on->ike;
	struct oak_ike_sa *sa, *tmp;

	if (!in)
		return;
	mutex_lock(&in->lock);
	oak_conn_unindex(conn);
	oak_start_cancel(in, conn);
	oak_trap_remove(in, conn);
	list_for_each_entry_safe(sa, tmp, oak_sa_conn_list(in, conn->name), conn_node) {
		if (sa->conn != conn)
			continue;
		if (sa->state == OAKLEY_IKE_STATE_ESTABLISHED)
			oak_send_delete_ike(sa);
		oak_sa_kill(sa);
	}
	mutex_unlock(&in->lock);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley core: the engine of a namespace, IKE SAs and Child SAs as every IKE
 * version sees them, and the tables that find them (sa.c), Child SA
 * installation (child.c), the control plane's start-on-load queue (api.c).
 *
 * An IKE SA is a struct oak_ike_sa embedded at the start of its version's
 * own struct (IKEv2: struct ikev2_sa, kernel/ikev2/ikev2.h, reached with
 * ikev2_sa(sa)); a Child SA likewise (struct ikev2_child).  The core
 * allocates both with the sizes the version's operations table gives
 * (sa->ops, kernel/core/proto.h) and calls the version only through it.
 *
 * Concurrency (Documentation/design/concurrency.md): every context that
 * works on one IKE SA (a datagram for it, its timers, its DH jobs) holds
 * that SA's @lock, then the namespace's @lock (oak_sa_lock()): the SA lock
 * keeps the SA's own contexts one at a time, in->lock everything the
 * namespace shares.  Contexts without an SA of their own (netlink, the key
 * manager, an IKE_SA_INIT request) take in->lock alone.  The SA lock's
 * holder may drop in->lock in a window (oak_sa_window_begin/_end()) for
 * work on data nobody else reaches (xfrm states it builds, a DH result):
 * meanwhile other contexts may run under in->lock and act on the SA (queue
 * a request, read it), but not free it or its Child SAs: oak_sa_kill()
 * and oak_child_free() then only mark them, and the SA lock's holder does
 * it as it lets go (oak_sa_unlock()).  The
 * only softirq code is the UDP receive hook, which touches nothing but the
 * bounded rx queue.
 */
#ifndef OAKLEY_CORE_SA_H
#define OAKLEY_CORE_SA_H

#include <linux/build_bug.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <linux/in6.h>

#include "../netns.h"
#include "../conn.h"
#include "../codec/ikev2_wire.h"	/* IKE_SPI_LEN: 8 octets in IKEv2 and ISAKMP */
#include "xfrm.h"
#include "timers.h"

struct netlink_ext_ack;
struct oak_proto_ops;
struct oak_km_net;
struct oak_dos;
struct oak_ike_net;

/* Workers that take datagrams off the namespace's rx queue, in parallel. */
#define OAK_RX_WORKERS	4

struct oak_rx_worker {
	struct work_struct work;
	struct oak_ike_net *in;
	struct sk_buff_head q;		/* datagrams of the IKE SAs hashed here */
};

/*
 * The module's workqueues, shared by every namespace's engine (issue 14: an
 * idle namespace adds no thread).  oak_wq (unbound, WQ_MEM_RECLAIM: one
 * rescuer for the module): rx workers, timers, start-on-load, the key
 * manager.  oak_dh_wq (unbound, one job per CPU at a time): IKE_SA_INIT DH
 * jobs, without in->lock.  Neither is ordered: what must not run at once
 * is kept apart by a work item's non-reentrancy (an rx worker) or by locks
 * (Documentation/design/concurrency.md).
 */
extern struct workqueue_struct *oak_wq;
extern struct workqueue_struct *oak_dh_wq;

/*
 * The engine's state of one network namespace (oakley_net->ike), while it
 * has a connection (sa.c: oakley_ike_net_start/stop).  Counted: the
 * namespace holds a reference until its last connection goes, every IKE SA
 * one (so that whatever works on an SA finds the engine), a netlink
 * operation one while it runs; freed after an RCU grace period (readers
 * find it through on->ike under RCU, oak_ike_net_get()).
 */
struct oak_ike_net {
	struct kref ref;
	struct rcu_head rcu;
	struct oakley_net *on;
	struct net *net;
	struct mutex lock;		/* shared state: tables, lists, SAs out of their windows */
	struct socket *sock4;		/* port 500 */
	struct socket *sock6;
	struct socket *natt4;		/* port 4500: NAT traversal (socket.c) */
	struct socket *natt6;
	atomic_t rxq_len;		/* skbs in the rx workers' queues */
	atomic_t rxq_bytes;		/* their truesize */
	struct oak_rx_worker rx[OAK_RX_WORKERS];	/* socket.c: by SPIi */
	u32 rx_seed;			/* of the hash that picks the rx worker */
	bool dying;			/* written under @lock, read also without */
	wait_queue_head_t gone_wq;	/* an SA or a Child SA went: oak_sa_gone_wake() */
	atomic_t gone_seq;
	struct rhashtable by_spi;	/* sa.c: our SPI (resizable) */
	struct rhashtable by_peer;	/* sa.c: responder, by peer address + SPIi */
	struct rhltable by_addr_id;	/* sa.c: by local ID + peer address */
	struct rhltable by_peer_id;	/* sa.c: by local ID + peer ID */
	unsigned int ids_lost;		/* SAs not in the two above (out of memory) */
	struct list_head sas;				/* all, for dumps */
	struct list_head *by_conn;	/* OAKLEY_HASH_SIZE: SAs by connection name */
	struct hlist_head *conn_addr;	/* OAKLEY_HASH_SIZE: IKEv2 connections by address */
	struct hlist_head *conn_rid;	/* OAKLEY_HASH_SIZE: connections by remote identity (RCU) */
	struct list_head starts;	/* struct oak_start: start = start, pending */
	struct work_struct start_work;
	struct oak_km_net *km;		/* km.c, trap.c: acquire/expire events, traps */
	struct oak_dos *dos;		/* dos.c: cookies, half-open limits, rate limits */
};

/* A connection loaded with start = start, to initiate from the workqueue. */
struct oak_start {
	struct list_head node;
	struct oakley_conn *conn;	/* reference held */
};

/* One negotiated transform set. */
struct oak_algs {
	u16 encr, encr_keylen, prf, integ, dh, esn;
};

struct oak_addr {
	u16 family;
	u16 port;		/* host order */
	u8 addr[16];
};

/*
 * A Child SA (installed or being negotiated); the version's struct embeds
 * it (struct ikev2_child).  The flags below are the version's to set; the
 * core reads them (key manager, dump, `oak up`, `oak rekey`, policies).
 */
struct oak_child_sa {
	struct list_head node;
	const struct oakley_child *cfg;	/* in sa->conn, which we hold */
	struct oak_algs algs;
	bool spi_reserved;		/* larval inbound state exists */
	bool installed;
	bool rekeying;			/* our rekey request is outstanding */
	bool rekeyed;			/* replaced: waiting for its Delete */
	bool deleting;			/* our Delete for it is queued */
	bool free_pending;		/* freed during a window of its SA: at its end */
	bool reqid_fresh;		/* its reqid is its own (not a rekey's, not a trap's) */
	u16 dh;				/* PFS group it was made with, 0: none */
	u64 established;		/* boottime seconds */
	struct oak_child_params p;
};

/*
 * One IKE SA: what every version has.  Memory per SA is a goal of its own
 * (issue #6): the version's struct has its own slab cache and must stay
 * within the size its static_assert pins, so fields are ordered to leave
 * no holes.
 */
struct oak_ike_sa {
	struct kref ref;
	u8 state;			/* enum oakley_ike_state */
	bool initiator;
	bool dead;			/* removed from the tables */
	bool hashed_peer;
	struct mutex lock;		/* its own contexts, one at a time: oak_sa_lock() */
	struct rcu_head rcu;		/* freed after RCU readers of the tables */
	u8 windows;			/* open windows: oak_sa_window_begin() */
	bool kill_pending;		/* oak_sa_kill() during a window: at its end */
	bool free_pending;		/* oak_child_free() during a window: at its end */
	u8 nat;				/* OAK_NAT_*: NAT traversal */
	const struct oak_proto_ops *ops;	/* its IKE version: set for life by oak_sa_new() */
	struct rhash_head spi_node;	/* in->by_spi */
	struct rhash_head peer_node;	/* in->by_peer: responder only */
	struct rhlist_head addr_id_node;	/* in->by_addr_id */
	struct rhlist_head peer_id_node;	/* in->by_peer_id, once the peer ID is known */
	u32 addr_id_key, peer_id_key;
	struct list_head node;		/* in->sas */
	struct list_head conn_node;	/* in->by_conn, oldest first */
	struct oak_ike_net *in;
	struct oakley_conn *conn;	/* reference held */
	const struct oakley_child *want_child;	/* initiator: child to set up */
	u8 *peer_id;			/* the peer's authenticated ID body (ID payload) */
	struct oak_ike_sa *rekeyed_by;	/* the new IKE SA that replaces this one (ref) */
	struct oak_ike_sa *rekey_of;	/* made by rekeying this IKE SA (ref) */
	bool counted_half_open;
	bool by_init;			/* made by the initial exchanges (not by an IKE SA rekey) */
	bool hashed_spi;		/* in in->by_spi */
	bool hashed_addr_id, hashed_peer_id;	/* in in->by_addr_id, in->by_peer_id */
	bool id_lost;			/* in neither: out of memory (in->ids_lost) */
	u16 peer_id_len;
	u8 spi_i[IKE_SPI_LEN];
	u8 spi_r[IKE_SPI_LEN];
	struct oak_addr local, remote;
	struct oak_algs algs;
	u32 half_open_charge;		/* responder: bytes dos.c charged, until up or dead */
	unsigned long created;		/* jiffies */
	u64 established;		/* boottime seconds */
	struct list_head children;
	struct oak_sa_timers t;		/* timers.c: DPD, rekey, reauth, lifetime */
};

/*
 * oak_ike_sa.nat: what the NAT detection of the initial exchange found
 * (IKEv2: RFC 7296 §2.23, kernel/ikev2/nat.c).  With any NAT the IKE SA
 * moves to port 4500 (sa->local.port) and its Child SAs are UDP-encapsulated.
 */
#define OAK_NAT_SUPPORTED	BIT(0)	/* the peer sent NAT detection payloads */
#define OAK_NAT_LOCAL		BIT(1)	/* we are behind a NAT */
#define OAK_NAT_REMOTE		BIT(2)	/* the peer is (or pretends: its encap = yes) */
#define OAK_NAT_FORCED		BIT(3)	/* our encap = yes: we pretend to be */
#define OAK_NAT_ANY		(OAK_NAT_LOCAL | OAK_NAT_REMOTE | OAK_NAT_FORCED)

/*
 * The core's part of every version's SA (the version's own budget covers
 * the whole, kernel/ikev2/ikev2.h); lockdep makes them bigger.
 */
#define OAK_CORE_SA_SIZE_MAX	544
#define OAK_CORE_CHILD_SIZE_MAX	256
static_assert(IS_ENABLED(CONFIG_LOCKDEP) || sizeof(struct oak_ike_sa) <= OAK_CORE_SA_SIZE_MAX,
	      "struct oak_ike_sa outgrew its budget (issue #6)");
static_assert(IS_ENABLED(CONFIG_LOCKDEP) ||
	      sizeof(struct oak_child_sa) <= OAK_CORE_CHILD_SIZE_MAX,
	      "struct oak_child_sa outgrew its budget (issue #6)");

/* sa.c */
/* The engine of @on, referenced, or NULL (none: no connection). */
struct oak_ike_net *oak_ike_net_get(struct oakley_net *on);
void oak_ike_net_put(struct oak_ike_net *in);
struct oak_ike_sa *oak_sa_new(struct oak_ike_net *in, const struct oak_proto_ops *ops,
			      struct oakley_conn *conn, bool initiator);
int oak_sa_hash(struct oak_ike_sa *sa);
void oak_sa_unhash(struct oak_ike_sa *sa);
int oak_sa_tables_init(struct oak_ike_net *in);
void oak_sa_tables_destroy(struct oak_ike_net *in);
int oak_sa_table_add(struct oak_ike_sa *sa);
void oak_sa_table_del(struct oak_ike_sa *sa);
u32 oak_addr_id_key(const struct oakley_id *local, const u8 *addr);
u32 oak_peer_id_key(const struct oakley_id *local, const u8 *body, size_t len);
void oak_sa_id_reindex(struct oak_ike_sa *sa);
struct oak_ike_sa *oak_sa_find_same_peer(struct oak_ike_sa *sa,
					 bool (*fn)(struct oak_ike_sa *o, void *arg), void *arg);
struct oak_ike_sa *oak_sa_find_id(struct oak_ike_net *in, bool peer, u32 key,
				  bool (*match)(const struct oak_ike_sa *o, const void *arg),
				  const void *arg);
struct list_head *oak_sa_conn_list(struct oak_ike_net *in, const char *name);
void oak_sa_set_conn(struct oak_ike_sa *sa, struct oakley_conn *conn);
struct oakley_conn *oak_conn_by_addr(struct oak_ike_net *in, const struct oak_addr *local,
				     const struct oak_addr *remote);
/* An IKE @version connection for a first message from @remote to @local (IKEv1 Main Mode). */
struct oakley_conn *oak_conn_by_addr_version(struct oak_ike_net *in, u8 version,
					     const struct oak_addr *local,
					     const struct oak_addr *remote);
struct oakley_conn *oak_conn_by_id(struct oak_ike_net *in, u8 version,
				   const struct oak_addr *local, const struct oak_addr *remote,
				   u8 type, const u8 *data, u16 len,
				   bool (*fits)(const struct oakley_conn *c, const void *arg),
				   const void *arg);
struct oak_ike_sa *oak_sa_lookup(struct oak_ike_net *in, const u8 *spi);
struct oak_ike_sa *oak_sa_lookup_peer(struct oak_ike_net *in, const struct oak_addr *peer,
				      const u8 *spi_i);
void oak_sa_put(struct oak_ike_sa *sa);
struct oak_ike_sa *oak_sa_lookup_get(struct oak_ike_net *in, const u8 *spi);
struct oak_ike_sa *oak_sa_lookup_peer_get(struct oak_ike_net *in, const struct oak_addr *peer,
					  const u8 *spi_i);
void oak_sa_lock(struct oak_ike_sa *sa);
void oak_sa_unlock(struct oak_ike_sa *sa);
void oak_sa_window_begin(struct oak_ike_sa *sa);
void oak_sa_window_end(struct oak_ike_sa *sa);

/* The caller is one of @sa's own contexts: oak_sa_lock() held, no window open. */
static inline void oak_sa_assert_locked(const struct oak_ike_sa *sa)
{
	lockdep_assert_held(&sa->lock);
	lockdep_assert_held(&sa->in->lock);
}

void oak_sa_kill(struct oak_ike_sa *sa);
void oak_sa_set_state(struct oak_ike_sa *sa, u8 state);
void oak_sa_established(struct oak_ike_sa *sa);
/* An IKE SA made by a rekey is up: like oak_sa_established(), event IKE_REKEYED. */
void oak_sa_rekey_up(struct oak_ike_sa *sa);
/* The peer's address and port changed (NAT traversal); caller holds in->lock. */
void oak_sa_set_remote(struct oak_ike_sa *sa, const struct oak_addr *remote);
/* Move every Child SA of @from to @to (an IKE SA rekey). */
void oak_sa_move_children(struct oak_ike_sa *from, struct oak_ike_sa *to);
const u8 *oak_sa_our_spi(const struct oak_ike_sa *sa);
/* Is @b another live IKE SA (not dead, not being killed) of @a's connection? */
bool oak_sa_same_conn(const struct oak_ike_sa *a, const struct oak_ike_sa *b);
struct oak_child_sa *oak_child_new(struct oak_ike_sa *sa, const struct oakley_child *cfg);
void oak_child_free(struct oak_ike_sa *sa, struct oak_child_sa *c);
void oak_sa_fail(struct oak_ike_sa *sa, u16 notify, const char *why);
int oak_sa_event(struct oak_ike_sa *sa, u8 type, const char *child, u16 notify,
		 const char *msg);

/* child.c: Child SAs in xfrm; the version derives the keys and selectors. */
int oak_child_reserve_spi(struct oak_ike_sa *sa, struct oak_child_sa *c);
/*
 * Take over @ts (kmalloc'd, @nl local then @nr remote selectors) as the
 * Child SA's agreed selectors; oak_child_free() frees them.
 */
void oak_child_set_ts(struct oak_child_sa *c, struct oak_ts *ts, unsigned int nl,
		      unsigned int nr);
/*
 * Install @c with the keys the version put in c->p.in/out (wiped here in
 * every case): both states, or the inbound one alone (@in_only).  On
 * failure nothing stays installed (the reserved SPI is released by
 * oak_child_free()).  @window: the caller holds sa->lock, and the states
 * are built in a window (above), in->lock dropped meanwhile; other
 * contexts may then act on @sa, and the caller checks again what it
 * relies on.
 */
int oak_child_install_xfrm(struct oak_ike_sa *sa, struct oak_child_sa *c, bool in_only,
			   bool window);
/* The outbound state of an installed @c, keys in c->p.out (wiped here). */
int oak_child_install_out_xfrm(struct oak_child_sa *c);
/*
 * The installed Child SA that @c (selectors set) replaces in another IKE SA
 * of the same connection and peer, or NULL; under in->lock.
 */
struct oak_child_sa *oak_child_predecessor(struct oak_ike_sa *sa, struct oak_child_sa *c);
/*
 * Before @c is installed: if it replaces oak_child_predecessor()'s, take
 * over its reqid (as a rekey does; a trap's Child SAs have it already) and
 * return it; NULL otherwise.
 */
struct oak_child_sa *oak_child_adopt_reqid(struct oak_ike_sa *sa, struct oak_child_sa *c);
void oak_child_uninstall(struct oak_ike_sa *sa, struct oak_child_sa *c);
/*
 * NAT traversal: the peer now uses @remote's port; the IKE SA and the UDP
 * encapsulation of its Child SAs' states follow.  Caller holds in->lock.
 */
void oak_sa_follow_peer(struct oak_ike_sa *sa, const struct oak_addr *remote);

/* api.c: `oak up` on an engine the caller holds a reference on */
int oak_ike_initiate(struct oak_ike_net *in, struct oakley_conn *conn, const char *child,
		     struct netlink_ext_ack *extack);

/* api.c: connections loaded with start = start */
void oak_start_work(struct work_struct *work);
void oak_start_queue(struct oak_ike_net *in, struct oakley_conn *conn);
void oak_start_cancel(struct oak_ike_net *in, const struct oakley_conn *conn);

static inline void oak_stat(struct oak_ike_sa *sa, int attr)
{
	oakley_stat_inc(sa->in->on, attr);
}

/*
 * Every log line about a connection or an SA names the connection (and the
 * child) and the peer: "CONN[/CHILD] peer ADDR: ...", the peer being the
 * SA's remote address, or the connection's remote ("%any" for a responder
 * to anyone).  PFN: pr_debug, pr_info, pr_warn_ratelimited...
 */
#define OAK_LOG_ADDR_LEN	48
void oak_log_addr(char *buf, u16 family, const u8 *addr);

#define oak_sa_log(pfn, sa, child, fmt, ...)					\
do {										\
	const struct oak_ike_sa *__sa = (sa);					\
	const char *__child = (child);						\
	char __peer[OAK_LOG_ADDR_LEN];						\
										\
	oak_log_addr(__peer, __sa->remote.family, __sa->remote.addr);		\
	pfn("%s%s%s peer %s: " fmt, __sa->conn->name, __child ? "/" : "",	\
	    __child ?: "", __peer, ##__VA_ARGS__);				\
} while (0)

#define oak_conn_log(pfn, conn, child, fmt, ...)				\
do {										\
	const struct oakley_conn *__conn = (conn);				\
	const char *__child = (child);						\
	char __peer[OAK_LOG_ADDR_LEN];						\
										\
	oak_log_addr(__peer, __conn->family,					\
		     __conn->has_remote ? __conn->remote_addr : NULL);		\
	pfn("%s%s%s peer %s: " fmt, __conn->name, __child ? "/" : "",		\
	    __child ?: "", __peer, ##__VA_ARGS__);				\
} while (0)

#endif /* OAKLEY_CORE_SA_H */

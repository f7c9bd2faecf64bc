/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley IKEv2 engine: internal structures shared by the files of kernel/core/.
 *
 * Concurrency: every engine operation of a namespace (received packets,
 * retransmission timers, netlink initiate/terminate/dump) runs under the
 * namespace engine's @lock, in process context.  The only softirq code is
 * the UDP receive hook, which touches nothing but the bounded rx queue.
 * The exception is the IKE_SA_INIT Diffie-Hellman work (keygen, shared
 * secret, SKEYSEED and the SK_* keys): it runs on @dh_wq (unbound, all
 * CPUs) without the lock, in a job that holds a reference on its SA, which
 * is marked @dh_pending meanwhile (ikev2/sa_init.c, Documentation/design/ike.md).
 */
#ifndef OAKLEY_IKE_INT_H
#define OAKLEY_IKE_INT_H

#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <linux/in6.h>

#include "../netns.h"
#include "../conn.h"
#include "../codec/ikev2_wire.h"
#include "../crypto/ike_crypto.h"
#include "xfrm.h"
#include "../ikev2/queue.h"
#include "../ikev2/create_child.h"
#include "km.h"
#include "dos.h"
#include "proto.h"

#define OAK_IKE_PORT		500
/*
 * Datagrams waiting for the worker: a burst of 2,000 IKE_SA_INITs (many
 * peers reconnecting at once) overflowed 512 (make bench, N=2000).  Bounded
 * by count and by the memory the skbs hold, so large datagrams cannot pin
 * more than OAK_RXQ_BYTES per namespace.
 */
#define OAK_RXQ_MAX		4096
#define OAK_RXQ_BYTES		(8 << 20)
#define OAK_RX_BUDGET		32	/* datagrams per worker run */
#define OAK_NONCE_LEN		32
#define OAK_MSG_MAX		8192	/* largest message we build */
#define OAK_RTX_FIRST_MS	500
#define OAK_RTX_MAX_MS		8000
#define OAK_RTX_TRIES		5
#define OAK_HALF_OPEN_TTL	(30 * HZ)
#define OAK_COOKIE_MAX		64	/* RFC 7296 §2.6: 1..64 bytes */
#define OAK_REQ_TAIL		32	/* request bytes kept to recognise its retransmission */

/* The engine's state of one network namespace (oakley_net->ike). */
struct oak_ike_net {
	struct oakley_net *on;
	struct net *net;
	struct mutex lock;		/* serialises the whole engine of the namespace */
	struct socket *sock4;
	struct socket *sock6;
	struct sk_buff_head rxq;
	atomic_t rxq_bytes;		/* truesize of the skbs in @rxq */
	struct work_struct rx_work;
	struct workqueue_struct *wq;	/* ordered: rx and timers */
	struct workqueue_struct *dh_wq;	/* unbound: IKE_SA_INIT DH jobs, without @lock */
	bool dying;
	struct rhashtable by_spi;	/* sa.c: our SPI (resizable) */
	struct rhashtable by_peer;	/* sa.c: responder, by peer address + SPIi */
	struct rhltable by_addr_id;	/* sa.c: by local ID + peer address */
	struct rhltable by_peer_id;	/* sa.c: by local ID + peer ID */
	unsigned int ids_lost;		/* SAs not in the two above (out of memory) */
	struct list_head sas;				/* all, for dumps */
	struct list_head *by_conn;	/* OAKLEY_HASH_SIZE: SAs by connection name */
	struct hlist_head *conn_addr;	/* OAKLEY_HASH_SIZE: IKEv2 connections by address */
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

/* A Child SA (installed or being negotiated). */
struct oak_child_sa {
	struct list_head node;
	const struct oakley_child *cfg;	/* in sa->conn, which we hold */
	struct oak_algs algs;
	bool spi_reserved;		/* larval inbound state exists */
	bool installed;
	u64 established;		/* boottime seconds */
	struct oak_child_ccs ccs;	/* ikev2/create_child.c: rekey state */
	struct oak_child_params p;
};

/*
 * What only IKE_SA_INIT + IKE_AUTH (or the CREATE_CHILD_SA that rekeys an
 * IKE SA) needs: the nonces and every SK_* key but SK_d (the SK state keeps
 * its own copy of SK_e/SK_a, SK_pi/SK_pr sign AUTH).  Allocated with the SA,
 * wiped and freed by oak_sa_hs_free() once the exchange is over.
 */
struct oak_ike_hs {
	struct oak_ike_keys keys;
	u8 ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
};

/*
 * One IKE SA.  Memory per SA is a goal of its own (issue #6): the struct
 * has its own slab cache and must stay within the size the static_assert
 * below pins, so fields are ordered to leave no holes, and whatever only
 * the handshake needs (nonces, SK_* keys, IKE_SA_INIT messages, COOKIE) is
 * allocated separately and freed as soon as it is done with.
 */
struct oak_ike_sa {
	struct kref ref;
	u8 state;			/* enum oakley_ike_state */
	bool initiator;
	bool dead;			/* removed from the tables */
	bool hashed_peer;
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
	u8 *peer_id;			/* ikev2/auth.c: the peer's authenticated ID body */
	bool counted_half_open;
	bool by_init;			/* made by IKE_SA_INIT (not by an IKE SA rekey) */
	u8 ke_retries;
	u8 cookie_len;			/* initiator: responder's COOKIE to echo */
	u16 ni_len, nr_len;		/* 0 once the handshake context is gone */
	u16 peer_id_len;
	u8 spi_i[IKE_SPI_LEN];
	u8 spi_r[IKE_SPI_LEN];
	struct oak_addr local, remote;
	struct oak_algs algs;
	u8 prf_len;			/* PRF output: bytes of SK_d, SK_p*, AUTH */
	u8 sk_d[IKE_PRF_MAX_LEN];	/* for every later Child SA and IKE SA rekey */
	struct oak_dh *dh;
	/* handshake context and its nonces (NULL once the exchange is over) */
	struct oak_ike_hs *hs;
	u8 *ni, *nr;			/* hs->ni, hs->nr */
	/* IKE_SA_INIT request and response as sent/received: until IKE_AUTH is over */
	u8 *init_req;
	u8 *init_resp;
	u32 init_req_len;
	u32 init_resp_len;
	u8 *cookie;			/* cookie_len bytes, until IKE_SA_INIT is done */
	struct oak_sk *sk_in, *sk_out;
	/* requests we send (window 1) */
	u8 *req;			/* outstanding request (exact size), NULL when none */
	u32 req_len;
	u32 msgid_out;
	unsigned int rtx_tries;
	unsigned int rtx_ms;
	struct delayed_work rtx_work;
	/* requests we receive */
	u8 *resp;			/* response to msgid_in - 1 (exact size) */
	u32 resp_len;
	u32 msgid_in;			/* next expected */
	/* the request @resp answers: length and tail (its ICV), to tell a retransmission */
	u8 resp_req_tail[OAK_REQ_TAIL];
	u16 resp_req_len;
	bool dh_pending;		/* an IKE_SA_INIT DH job runs for it: see ikev2/sa_init.c */
	bool hashed_spi;		/* in in->by_spi */
	bool hashed_addr_id, hashed_peer_id;	/* in in->by_addr_id, in->by_peer_id */
	bool id_lost;			/* in neither: out of memory (in->ids_lost) */
	unsigned long created;		/* jiffies */
	u64 established;		/* boottime seconds */
	struct list_head children;
	struct oak_sa_queue q;		/* ikev2.c, timers.c: requests, DPD, timers */
	struct oak_sa_ccs ccs;		/* ikev2/create_child.c, ikev2/rekey.c */
};

/*
 * Each has a slab cache of its own (exact size, its own /proc/slabinfo
 * line): these pin the sizes measured in Documentation/performance.md, so
 * that growing either one is a conscious decision (lockdep makes them bigger).
 */
#define OAK_IKE_SA_SIZE_MAX	944
#define OAK_CHILD_SA_SIZE_MAX	312
static_assert(IS_ENABLED(CONFIG_LOCKDEP) || sizeof(struct oak_ike_sa) <= OAK_IKE_SA_SIZE_MAX,
	      "struct oak_ike_sa outgrew its budget (issue #6)");
static_assert(IS_ENABLED(CONFIG_LOCKDEP) ||
	      sizeof(struct oak_child_sa) <= OAK_CHILD_SA_SIZE_MAX,
	      "struct oak_child_sa outgrew its budget (issue #6)");

/* socket.c */
int oak_sock_open(struct oak_ike_net *in);
void oak_sock_close(struct oak_ike_net *in);
int oak_send(struct oak_ike_net *in, const struct oak_addr *from, const struct oak_addr *to,
	     const u8 *buf, size_t len);
void oak_rx_work(struct work_struct *work);

/* sa.c */
struct oak_ike_net *oak_ike_net_get(struct oakley_net *on);
struct oak_ike_sa *oak_sa_new(struct oak_ike_net *in, const struct oak_proto_ops *ops,
			      struct oakley_conn *conn, bool initiator);
void oak_sa_keep_sk_d(struct oak_ike_sa *sa);
void oak_sa_hs_free(struct oak_ike_sa *sa);
int oak_sa_hash(struct oak_ike_sa *sa);
void oak_sa_unhash(struct oak_ike_sa *sa);
int oak_sa_tables_init(struct oak_ike_net *in);
void oak_sa_tables_destroy(struct oak_ike_net *in);
int oak_sa_table_add(struct oak_ike_sa *sa);
void oak_sa_table_del(struct oak_ike_sa *sa);
u32 oak_addr_id_key(const struct oakley_id *local, const u8 *addr);
u32 oak_peer_id_key(const struct oakley_id *local, const u8 *body, size_t len);
void oak_sa_id_reindex(struct oak_ike_sa *sa);
struct oak_ike_sa *oak_sa_find_id(struct oak_ike_net *in, bool peer, u32 key,
				  bool (*match)(const struct oak_ike_sa *o, const void *arg),
				  const void *arg);
struct list_head *oak_sa_conn_list(struct oak_ike_net *in, const char *name);
void oak_sa_set_conn(struct oak_ike_sa *sa, struct oakley_conn *conn);
struct oakley_conn *oak_conn_by_addr(struct oak_ike_net *in, const struct oak_addr *local,
				     const struct oak_addr *remote);
struct oak_ike_sa *oak_sa_lookup(struct oak_ike_net *in, const u8 *spi);
struct oak_ike_sa *oak_sa_lookup_peer(struct oak_ike_net *in, const struct oak_addr *peer,
				      const u8 *spi_i);
void oak_sa_put(struct oak_ike_sa *sa);
void oak_sa_kill(struct oak_ike_sa *sa);
void oak_sa_set_state(struct oak_ike_sa *sa, u8 state);
void oak_sa_established(struct oak_ike_sa *sa);
const u8 *oak_sa_our_spi(const struct oak_ike_sa *sa);
struct oak_child_sa *oak_child_new(struct oak_ike_sa *sa, const struct oakley_child *cfg);
void oak_child_free(struct oak_ike_sa *sa, struct oak_child_sa *c);
void oak_sa_fail(struct oak_ike_sa *sa, u16 notify, const char *why);
int oak_sa_event(struct oak_ike_sa *sa, u8 type, const char *child, u16 notify,
		 const char *msg);

/* proposal.c */
int oak_prop_build(const struct oakley_proposals *props, u8 protocol, const u8 *spi,
		   u8 spi_len, bool with_dh, struct ike_sa_payload *out);
int oak_prop_select(const struct ike_sa_payload *peer, const struct oakley_proposals *ours,
		    u8 protocol, bool ignore_dh, struct oak_algs *algs, u8 *chosen);
int oak_prop_from_algs(const struct oak_algs *a, u8 num, u8 protocol, const u8 *spi,
		       u8 spi_len, struct ike_sa_payload *out);
u16 oak_prop_first_dh(const struct oakley_proposals *props);
bool oak_prop_has_dh(const struct oakley_proposals *props, u16 group);
bool oak_prop_select_algs(const struct oakley_proposals *props, const struct oak_algs *algs);

/* ts.c */
int oak_ts_from_conf(const struct oakley_tslist *l, const struct oak_addr *dflt,
		     struct ike_ts_payload *out);
int oak_ts_narrow(const struct ike_ts_payload *peer, const struct ike_ts_payload *ours,
		  struct ike_ts_payload *out);
bool oak_ts_subset(const struct ike_ts_payload *got, const struct ike_ts_payload *ours);
bool oak_ts_covers(const struct ike_ts_payload *ts, const struct ike_ts *t);
int oak_ts_prepend_addr(struct ike_ts_payload *ts, u16 family, const u8 *addr);
int oak_ts_to_xfrm(const struct ike_ts_payload *ts, struct oak_ts *out, unsigned int max);

/* api.c */
void oak_start_work(struct work_struct *work);
void oak_start_queue(struct oak_ike_net *in, struct oakley_conn *conn);
void oak_start_cancel(struct oak_ike_net *in, const struct oakley_conn *conn);

/* ikev2.c */
void oak_ikev2_rx(struct oak_ike_net *in, u8 *buf, size_t len, const struct oak_addr *src,
		  const struct oak_addr *dst);
int oak_send_request(struct oak_ike_sa *sa, u8 *buf, size_t len);
int oak_send_response(struct oak_ike_sa *sa, u8 *buf, size_t len);
int oak_sk_finish(struct oak_ike_sa *sa, struct ike_buf *b, size_t sk_off);
void oak_hdr(struct oak_ike_sa *sa, struct ike_buf *b, u8 exchange, bool response, u32 msgid);
int oak_send_delete_ike(struct oak_ike_sa *sa);
void oak_rtx_work(struct work_struct *work);
void oak_rtx_arm(struct oak_ike_sa *sa, unsigned long delay);
void oak_send_notify_plain(struct oak_ike_net *in, const struct ike_msg *req,
			   const struct oak_addr *from, const struct oak_addr *to, u16 type,
			   const u8 *data, size_t len);

/* ikev2/sa_init.c */
int oak_init_start(struct oak_ike_sa *sa, u16 group);
void oak_init_request(struct oak_ike_net *in, u8 *buf, size_t len, const struct ike_msg *m,
		      const struct oak_addr *src, const struct oak_addr *dst);
void oak_init_response(struct oak_ike_sa *sa, const u8 *buf, size_t len,
		       const struct ike_msg *m);

/* ikev2/auth.c */
int oak_auth_start(struct oak_ike_sa *sa);
void oak_auth_request(struct oak_ike_sa *sa, const struct ike_msg *m);
void oak_auth_response(struct oak_ike_sa *sa, const struct ike_msg *m);
int oak_psk_get(struct oak_ike_sa *sa, u8 *psk, size_t *len);
void oak_auth_inherit_id(struct oak_ike_sa *nsa, const struct oak_ike_sa *old);

/* child.c */
int oak_child_reserve_spi(struct oak_ike_sa *sa, struct oak_child_sa *c);
int oak_child_install(struct oak_ike_sa *sa, struct oak_child_sa *c,
		      const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr);
void oak_child_uninstall(struct oak_ike_sa *sa, struct oak_child_sa *c);

static inline void oak_stat(struct oak_ike_sa *sa, int attr)
{
	oakley_stat_inc(sa->in->on, attr);
}

#endif /* OAKLEY_IKE_INT_H */

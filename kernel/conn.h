/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: connections, the policy of one IKE SA and its Child SAs.
 */
#ifndef _OAKLEY_CONN_H
#define _OAKLEY_CONN_H

#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/oakley.h>
#include <net/netlink.h>

#include "iana.h"

struct sk_buff;
struct oakley_net;

/* Defaults (Documentation/design.md lists them with the IANA values used). */
#define OAKLEY_DEFAULT_PORT		500
#define OAKLEY_DEFAULT_VERSION		2
#define OAKLEY_DEFAULT_DPD		30
#define OAKLEY_DEFAULT_NAT_KEEPALIVE	20
#define OAKLEY_DEFAULT_IKE_REKEY	(4 * 3600)
#define OAKLEY_DEFAULT_REAUTH		0
#define OAKLEY_DEFAULT_JITTER		10
#define OAKLEY_DEFAULT_CHILD_REKEY	3600

/* One transform; @prop numbers the proposal it belongs to (0-based). */
struct oakley_transform {
	u8 prop;
	u8 type;
	u16 id;
	u16 keylen;
};

/* A proposal list, flattened: transforms in order, grouped by @prop. */
struct oakley_proposals {
	u16 count;
	u8 nprops;
	struct oakley_transform t[];
};

struct oakley_ts {
	u16 family;
	u8 prefixlen;
	u8 proto;
	u16 port;
	u8 addr[16];
};

struct oakley_tslist {
	u16 count;
	struct oakley_ts ts[];
};

struct oakley_id {
	u8 type;	/* enum oakley_id_type */
	u16 len;
	u8 data[];
};

enum oakley_proplist_kind {
	OAKLEY_PROPS_IKE,
	OAKLEY_PROPS_ESP,
	OAKLEY_PROPS_AH,
};

struct oakley_child {
	char name[OAKLEY_NAME_MAX + 1];
	struct oakley_tslist *local_ts;		/* never NULL */
	struct oakley_tslist *remote_ts;	/* NULL: the peer's address */
	struct oakley_proposals *esp;		/* exactly one of @esp, @ah */
	struct oakley_proposals *ah;
	u8 mode;
	u8 start;
	u32 rekey;
	u32 lifetime;
	u64 rekey_bytes;
	u64 life_bytes;
	u64 rekey_packets;
	u64 life_packets;
};

#define OAKLEY_MAX_CERTS	16	/* certificates (or CRLs) per kind and connection */

/* DER certificates or CRLs, in the order configured (conn_cert.c). */
struct oakley_blob {
	u32 len;
	const u8 *data;
	const struct nlattr *src;	/* while the connection is built only */
};

struct oakley_blobs {
	unsigned int n;
	struct oakley_blob b[];		/* then the bytes */
};

/*
 * A connection.  Immutable once built: a change builds a new object and
 * swaps it in.  Readers find it under RCU and take @ref to keep it.
 */
struct oakley_conn {
	struct hlist_node node;		/* in the namespace's (or a LOAD's) table */
	struct rcu_head rcu;
	struct kref ref;
	struct oakley_net *on;		/* counters; never dereferenced otherwise */
	const struct nlattr *src;	/* during LOAD only: the request nest */
	void *ike;			/* the IKE engine's per-connection state */
	struct hlist_node ike_addr;	/* IKE engine: its index by address (sa.c) */
	struct hlist_node ike_rid;	/* IKE engine: its index by remote identity (sa.c) */
	char name[OAKLEY_NAME_MAX + 1];
	char secret[OAKLEY_NAME_MAX + 1];	/* "" when none */
	char key[OAKLEY_NAME_MAX + 1];		/* secret with our RSA key; "" when none */
	struct oakley_blobs *certs;	/* our certificate, then its chain; NULL: none */
	struct oakley_blobs *cas;	/* trust anchors for the peer's certificate */
	struct oakley_blobs *crls;	/* their CRLs */
	u8 *certreq;			/* SHA-1 of each anchor's SubjectPublicKeyInfo */
	u16 certreq_len;
	u8 version;
	u8 auth;			/* how we authenticate: enum oakley_auth */
	u8 remote_auth;			/* how the peer must authenticate */
	u8 exchange;			/* 0 for IKEv2 */
	u8 start;
	u8 dpd_action;
	u8 jitter;
	u8 sha256_96;			/* ESP HMAC-SHA2-256 truncated to 96 bits */
	u8 encap;			/* UDP-encapsulated ESP even without a NAT */
	bool has_remote;		/* false: %any */
	u16 family;
	u16 local_port;
	u16 remote_port;
	u8 local_addr[16];
	u8 remote_addr[16];
	struct oakley_id *local_id;	/* never NULL */
	struct oakley_id *remote_id;	/* never NULL; type ANY for %any */
	struct oakley_proposals *ike_props;
	u32 dpd;
	u32 ike_rekey;
	u32 ike_lifetime;
	u32 reauth;
	u32 nat_keepalive;		/* seconds, 0 = off */
	unsigned int nchildren;
	struct oakley_child *children[];
};

extern const struct nla_policy oakley_conn_policy[OAKLEY_CONN_A_MAX + 1];

struct oakley_conn *oakley_conn_build(struct oakley_net *on, const struct nlattr *nest,
				      struct netlink_ext_ack *extack);
int oakley_conn_fill(struct sk_buff *skb, int attrtype, const struct oakley_conn *conn);
size_t oakley_conn_msg_size(const struct oakley_conn *conn);
int oakley_tslist_fill(struct sk_buff *skb, int attrtype, const struct oakley_tslist *l);
bool oakley_conn_equal(const struct oakley_conn *a, const struct oakley_conn *b);
const struct oakley_child *oakley_conn_child(const struct oakley_conn *conn, const char *name);
bool oakley_name_valid(const char *name);

/* conn_cert.c */
int oakley_conn_creds(struct oakley_conn *conn, struct nlattr **tb,
		      const struct nlattr *nest, struct netlink_ext_ack *extack);
void oakley_conn_creds_free(struct oakley_conn *conn);
bool oakley_conn_creds_equal(const struct oakley_conn *a, const struct oakley_conn *b);
size_t oakley_conn_creds_size(const struct oakley_conn *conn);
int oakley_conn_creds_fill(struct sk_buff *skb, const struct oakley_conn *conn);

static inline bool oakley_conn_uses_pubkey(const struct oakley_conn *conn)
{
	return conn->auth == OAKLEY_AUTH_PUBKEY || conn->remote_auth == OAKLEY_AUTH_PUBKEY;
}

static inline struct oakley_conn *oakley_conn_get(struct oakley_conn *conn)
{
	kref_get(&conn->ref);
	return conn;
}

void oakley_conn_put(struct oakley_conn *conn);

#endif /* _OAKLEY_CONN_H */

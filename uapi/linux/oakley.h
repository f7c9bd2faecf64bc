/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * Oakley: the Internet Key Exchange in the kernel.
 *
 * Generic netlink ABI of the "oakley" family.  The authoritative description
 * is Documentation/netlink/oakley.yaml; this header must match it.
 *
 * Every command, the reading ones included, and joining the events group
 * require CAP_NET_ADMIN in the user namespace that owns the network namespace
 * of the socket (EPERM otherwise).  Secrets (OAKLEY_SECRET_A_PSK)
 * are write-only: no reply or dump ever carries them.
 *
 * Conventions:
 *  - addresses are binary, 4 bytes (AF_INET) or 16 bytes (AF_INET6), network
 *    byte order; ports are host-order u16;
 *  - durations are u32 seconds, volumes u64 bytes or packets, 0 = off;
 *  - algorithms are IANA IKEv2 transform identifiers (RFC 7296 §3.3.2).
 */
#ifndef _UAPI_LINUX_OAKLEY_H
#define _UAPI_LINUX_OAKLEY_H

#define OAKLEY_GENL_NAME		"oakley"
#define OAKLEY_GENL_VERSION		1
#define OAKLEY_MCGRP_EVENTS		"events"

#define OAKLEY_NAME_MAX			32	/* bytes, without the NUL */
#define OAKLEY_ID_MAX			255	/* identity data, bytes */
#define OAKLEY_PSK_MAX			256	/* bytes */
#define OAKLEY_MAX_CHILDREN		64	/* per connection */
#define OAKLEY_MAX_PROPOSALS		16	/* per proposal list */
#define OAKLEY_MAX_TRANSFORMS		32	/* per proposal */
#define OAKLEY_MAX_TS			16	/* per selector list */

enum oakley_cmd {
	OAKLEY_CMD_UNSPEC,
	/*
	 * Install connections and secrets.  The request carries any number of
	 * top-level OAKLEY_A_CONN and OAKLEY_A_SECRET nests.  With
	 * OAKLEY_A_REPLACE the namespace's configuration becomes exactly the
	 * request's; without it the named objects are added or replaced.
	 * Either the whole request applies or nothing changes.
	 */
	OAKLEY_CMD_LOAD,
	/* Delete one connection (OAKLEY_A_CONN_NAME) and its SAs. */
	OAKLEY_CMD_CONN_DEL,
	/* Get one connection (OAKLEY_A_CONN_NAME) or dump all of them. */
	OAKLEY_CMD_CONN_GET,
	/* Delete one secret (OAKLEY_A_SECRET_NAME). */
	OAKLEY_CMD_SECRET_DEL,
	/* Dump IKE SAs with their Child SAs (one OAKLEY_A_IKE_SA each). */
	OAKLEY_CMD_SA_GET,
	/* Bring up OAKLEY_A_CONN_NAME (optionally only OAKLEY_A_CHILD_NAME). */
	OAKLEY_CMD_INITIATE,
	/* Tear down OAKLEY_A_CONN_NAME (optionally only OAKLEY_A_CHILD_NAME). */
	OAKLEY_CMD_TERMINATE,
	/* Get the namespace's counters (OAKLEY_A_STATS). */
	OAKLEY_CMD_STATS_GET,
	/* Multicast on "events" only: one OAKLEY_A_EVENT. */
	OAKLEY_CMD_EVENT,
	/*
	 * Rekey the established IKE SA of OAKLEY_A_CONN_NAME, or with
	 * OAKLEY_A_CHILD_NAME that child's Child SA (CREATE_CHILD_SA).
	 */
	OAKLEY_CMD_REKEY,

	__OAKLEY_CMD_MAX,
	OAKLEY_CMD_MAX = __OAKLEY_CMD_MAX - 1
};

/* Top-level attributes. */
enum oakley_attr {
	OAKLEY_A_UNSPEC,
	OAKLEY_A_CONN,			/* nest: enum oakley_conn_attr, repeated */
	OAKLEY_A_SECRET,		/* nest: enum oakley_secret_attr, repeated */
	OAKLEY_A_REPLACE,		/* flag: LOAD replaces everything */
	OAKLEY_A_CONN_NAME,		/* string */
	OAKLEY_A_CHILD_NAME,		/* string */
	OAKLEY_A_SECRET_NAME,		/* string */
	OAKLEY_A_IKE_SA,		/* nest: enum oakley_sa_attr */
	OAKLEY_A_STATS,			/* nest: enum oakley_stats_attr */
	OAKLEY_A_EVENT,			/* nest: enum oakley_event_attr */
	OAKLEY_A_LIMITS,		/* nest: enum oakley_limits_attr (LOAD) */

	__OAKLEY_A_MAX,
	OAKLEY_A_MAX = __OAKLEY_A_MAX - 1
};

enum oakley_auth {
	OAKLEY_AUTH_PSK = 1,
	OAKLEY_AUTH_PUBKEY = 2,
};

enum oakley_exchange {
	OAKLEY_EXCHANGE_MAIN = 1,	/* IKEv1 Main Mode */
	OAKLEY_EXCHANGE_AGGRESSIVE = 2,	/* IKEv1 Aggressive Mode */
};

enum oakley_start {
	OAKLEY_START_NONE = 1,		/* wait for the peer */
	OAKLEY_START_START = 2,		/* initiate when loaded */
	OAKLEY_START_TRAP = 3,		/* initiate on matching traffic */
};

enum oakley_dpd_action {
	OAKLEY_DPD_CLEAR = 1,
	OAKLEY_DPD_RESTART = 2,
	OAKLEY_DPD_TRAP = 3,
};

enum oakley_mode {
	OAKLEY_MODE_TUNNEL = 1,
	OAKLEY_MODE_TRANSPORT = 2,
};

/* Identity types: the IKEv2 ID Type values (RFC 7296 §3.5), plus ANY. */
enum oakley_id_type {
	OAKLEY_ID_ANY = 0,		/* remote only: accept any identity */
	OAKLEY_ID_IPV4_ADDR = 1,
	OAKLEY_ID_FQDN = 2,
	OAKLEY_ID_RFC822_ADDR = 3,
	OAKLEY_ID_IPV6_ADDR = 5,
	OAKLEY_ID_DER_ASN1_DN = 9,
	OAKLEY_ID_KEY_ID = 11,
};

/* An identity: nest used by OAKLEY_CONN_A_LOCAL_ID / _REMOTE_ID. */
enum oakley_id_attr {
	OAKLEY_ID_A_UNSPEC,
	OAKLEY_ID_A_TYPE,		/* u8: enum oakley_id_type */
	OAKLEY_ID_A_DATA,		/* binary, 1..OAKLEY_ID_MAX bytes */

	__OAKLEY_ID_A_MAX,
	OAKLEY_ID_A_MAX = __OAKLEY_ID_A_MAX - 1
};

/* A proposal list is a nest of OAKLEY_PROP_A_PROPOSAL, in preference order. */
enum oakley_proposals_attr {
	OAKLEY_PROP_A_UNSPEC,
	OAKLEY_PROP_A_PROPOSAL,		/* nest: enum oakley_proposal_attr, repeated */

	__OAKLEY_PROP_A_MAX,
	OAKLEY_PROP_A_MAX = __OAKLEY_PROP_A_MAX - 1
};

/* One proposal: transforms, in preference order within each type. */
enum oakley_proposal_attr {
	OAKLEY_PROPOSAL_A_UNSPEC,
	OAKLEY_PROPOSAL_A_TRANSFORM,	/* nest: enum oakley_transform_attr, repeated */

	__OAKLEY_PROPOSAL_A_MAX,
	OAKLEY_PROPOSAL_A_MAX = __OAKLEY_PROPOSAL_A_MAX - 1
};

/* IKEv2 transform types (RFC 7296 §3.3.2). */
enum oakley_transform_type {
	OAKLEY_TRANS_ENCR = 1,
	OAKLEY_TRANS_PRF = 2,
	OAKLEY_TRANS_INTEG = 3,
	OAKLEY_TRANS_DH = 4,
	OAKLEY_TRANS_ESN = 5,
};

enum oakley_transform_attr {
	OAKLEY_TRANSFORM_A_UNSPEC,
	OAKLEY_TRANSFORM_A_TYPE,	/* u8: enum oakley_transform_type */
	OAKLEY_TRANSFORM_A_ID,		/* u16: IANA transform ID */
	OAKLEY_TRANSFORM_A_KEYLEN,	/* u16: key length in bits, 0 = none */

	__OAKLEY_TRANSFORM_A_MAX,
	OAKLEY_TRANSFORM_A_MAX = __OAKLEY_TRANSFORM_A_MAX - 1
};

/*
 * A traffic selector: nest used by OAKLEY_CHILD_A_LOCAL_TS / _REMOTE_TS
 * (configuration: a prefix and one port or any) and by
 * OAKLEY_CHILD_SA_A_LOCAL_TS / _REMOTE_TS (an SA dump: the ranges as
 * negotiated).  In a dump ADDR, END_ADDR, START_PORT and END_PORT are always
 * there; PREFIXLEN only when the address range is a prefix, PORT only when
 * the port range is one port or all (0).  END_ADDR, START_PORT and END_PORT
 * are refused in a LOAD.
 */
enum oakley_ts_attr {
	OAKLEY_TS_A_UNSPEC,
	OAKLEY_TS_A_FAMILY,		/* u16: AF_INET or AF_INET6 */
	OAKLEY_TS_A_ADDR,		/* binary: network address; dump: first address */
	OAKLEY_TS_A_PREFIXLEN,		/* u8 */
	OAKLEY_TS_A_PROTO,		/* u8: IP protocol, 0 = any */
	OAKLEY_TS_A_PORT,		/* u16: 0 = any */
	OAKLEY_TS_A_END_ADDR,		/* binary: dump only: last address of the range */
	OAKLEY_TS_A_START_PORT,		/* u16: dump only: first port */
	OAKLEY_TS_A_END_PORT,		/* u16: dump only: last port */

	__OAKLEY_TS_A_MAX,
	OAKLEY_TS_A_MAX = __OAKLEY_TS_A_MAX - 1
};

/* A selector list is a nest of OAKLEY_TSLIST_A_TS. */
enum oakley_tslist_attr {
	OAKLEY_TSLIST_A_UNSPEC,
	OAKLEY_TSLIST_A_TS,		/* nest: enum oakley_ts_attr, repeated */

	__OAKLEY_TSLIST_A_MAX,
	OAKLEY_TSLIST_A_MAX = __OAKLEY_TSLIST_A_MAX - 1
};

enum oakley_conn_attr {
	OAKLEY_CONN_A_UNSPEC,
	OAKLEY_CONN_A_NAME,		/* string, required */
	OAKLEY_CONN_A_VERSION,		/* u8: 2 (IKEv2) or 1 (IKEv1, PSK) */
	OAKLEY_CONN_A_FAMILY,		/* u16: AF_INET or AF_INET6, required */
	OAKLEY_CONN_A_LOCAL_ADDR,	/* binary, required */
	OAKLEY_CONN_A_LOCAL_PORT,	/* u16: 500, the default (others: EOPNOTSUPP) */
	OAKLEY_CONN_A_REMOTE_ADDR,	/* binary; absent = %any */
	OAKLEY_CONN_A_REMOTE_PORT,	/* u16, default 500 */
	OAKLEY_CONN_A_LOCAL_ID,		/* nest: enum oakley_id_attr; absent = address */
	OAKLEY_CONN_A_REMOTE_ID,	/* nest: enum oakley_id_attr; absent = address */
	OAKLEY_CONN_A_AUTH,		/* u8: enum oakley_auth: how we authenticate */
	OAKLEY_CONN_A_SECRET,		/* string: name of a secret */
	OAKLEY_CONN_A_IKE_PROPOSALS,	/* nest: enum oakley_proposals_attr */
	OAKLEY_CONN_A_EXCHANGE,		/* u8: enum oakley_exchange (IKEv1) */
	OAKLEY_CONN_A_START,		/* u8: enum oakley_start */
	OAKLEY_CONN_A_DPD,		/* u32: seconds, 0 = off */
	OAKLEY_CONN_A_DPD_ACTION,	/* u8: enum oakley_dpd_action */
	OAKLEY_CONN_A_IKE_REKEY,	/* u32: seconds */
	OAKLEY_CONN_A_IKE_LIFETIME,	/* u32: seconds */
	OAKLEY_CONN_A_REAUTH,		/* u32: seconds, 0 = off */
	OAKLEY_CONN_A_JITTER,		/* u8: percent, 0..100 */
	OAKLEY_CONN_A_CHILD,		/* nest: enum oakley_child_attr, repeated */
	OAKLEY_CONN_A_SHA256_96,	/* u8: 1 = ESP HMAC-SHA2-256 ICV of 96 bits, 0 = 128 */
	OAKLEY_CONN_A_REMOTE_AUTH,	/* u8: enum oakley_auth the peer must use; absent = auth */
	OAKLEY_CONN_A_KEY,		/* string: name of a secret holding our private key */
	OAKLEY_CONN_A_CERT,		/* binary: X.509 DER, repeated: our leaf, then its chain */
	OAKLEY_CONN_A_CA,		/* binary: X.509 DER trust anchor, repeated */
	OAKLEY_CONN_A_CRL,		/* binary: X.509 CRL DER of a trust anchor, repeated */
	OAKLEY_CONN_A_ENCAP,		/* u8: 1 = UDP-encapsulate ESP without a NAT too */
	OAKLEY_CONN_A_NAT_KEEPALIVE,	/* u32: seconds between NAT keepalives, 0 = off */

	__OAKLEY_CONN_A_MAX,
	OAKLEY_CONN_A_MAX = __OAKLEY_CONN_A_MAX - 1
};

enum oakley_child_attr {
	OAKLEY_CHILD_A_UNSPEC,
	OAKLEY_CHILD_A_NAME,		/* string, required */
	OAKLEY_CHILD_A_LOCAL_TS,	/* nest: enum oakley_tslist_attr */
	OAKLEY_CHILD_A_REMOTE_TS,	/* nest: enum oakley_tslist_attr */
	OAKLEY_CHILD_A_ESP_PROPOSALS,	/* nest: enum oakley_proposals_attr */
	OAKLEY_CHILD_A_AH_PROPOSALS,	/* nest: present = use AH */
	OAKLEY_CHILD_A_MODE,		/* u8: enum oakley_mode */
	OAKLEY_CHILD_A_START,		/* u8: enum oakley_start */
	OAKLEY_CHILD_A_REKEY,		/* u32: seconds */
	OAKLEY_CHILD_A_LIFETIME,	/* u32: seconds */
	OAKLEY_CHILD_A_REKEY_BYTES,	/* u64 */
	OAKLEY_CHILD_A_LIFE_BYTES,	/* u64 */
	OAKLEY_CHILD_A_REKEY_PACKETS,	/* u64 */
	OAKLEY_CHILD_A_LIFE_PACKETS,	/* u64 */
	OAKLEY_CHILD_A_PAD,

	__OAKLEY_CHILD_A_MAX,
	OAKLEY_CHILD_A_MAX = __OAKLEY_CHILD_A_MAX - 1
};

enum oakley_secret_attr {
	OAKLEY_SECRET_A_UNSPEC,
	OAKLEY_SECRET_A_NAME,		/* string, required */
	OAKLEY_SECRET_A_PSK,		/* binary, 1..OAKLEY_PSK_MAX; never sent back */
	OAKLEY_SECRET_A_RSA_KEY,	/* binary: PKCS#1 RSAPrivateKey DER; never sent back */

	__OAKLEY_SECRET_A_MAX,
	OAKLEY_SECRET_A_MAX = __OAKLEY_SECRET_A_MAX - 1
};

enum oakley_ike_state {
	OAKLEY_IKE_STATE_CONNECTING = 1,	/* IKE_SA_INIT sent / received */
	OAKLEY_IKE_STATE_AUTHENTICATING = 2,	/* IKE_AUTH in flight */
	OAKLEY_IKE_STATE_ESTABLISHED = 3,	/* also while it is being rekeyed */
	/* 4 is not used (an IKE rekey leaves the SA established) */
	OAKLEY_IKE_STATE_DELETING = 5,
};

/* One IKE SA in an OAKLEY_CMD_SA_GET dump.  No key material, ever. */
enum oakley_sa_attr {
	OAKLEY_SA_A_UNSPEC,
	OAKLEY_SA_A_CONN_NAME,		/* string */
	OAKLEY_SA_A_STATE,		/* u8: enum oakley_ike_state */
	OAKLEY_SA_A_INITIATOR,		/* flag: we initiated */
	OAKLEY_SA_A_SPI_I,		/* u64, network byte order */
	OAKLEY_SA_A_SPI_R,		/* u64, network byte order */
	OAKLEY_SA_A_FAMILY,		/* u16 */
	OAKLEY_SA_A_LOCAL_ADDR,		/* binary */
	OAKLEY_SA_A_LOCAL_PORT,		/* u16 */
	OAKLEY_SA_A_REMOTE_ADDR,	/* binary */
	OAKLEY_SA_A_REMOTE_PORT,	/* u16 */
	OAKLEY_SA_A_ENCR,		/* u16 */
	OAKLEY_SA_A_ENCR_KEYLEN,	/* u16 */
	OAKLEY_SA_A_PRF,		/* u16 */
	OAKLEY_SA_A_INTEG,		/* u16 */
	OAKLEY_SA_A_DH,			/* u16 */
	OAKLEY_SA_A_AGE,		/* u64: seconds since established */
	OAKLEY_SA_A_CHILD,		/* nest: enum oakley_child_sa_attr, repeated */
	OAKLEY_SA_A_PAD,
	OAKLEY_SA_A_NAT,		/* u8: OAKLEY_SA_NAT_* flags; absent = no NAT traversal */
	OAKLEY_SA_A_VERSION,		/* u8: the IKE major version, 1 or 2 */
	OAKLEY_SA_A_REKEY_IN,		/* u64: seconds to the next rekey/reauth; absent: none */
	OAKLEY_SA_A_EXPIRE_IN,		/* u64: seconds to the hard lifetime; absent = none */

	__OAKLEY_SA_A_MAX,
	OAKLEY_SA_A_MAX = __OAKLEY_SA_A_MAX - 1
};

enum oakley_child_sa_attr {
	OAKLEY_CHILD_SA_A_UNSPEC,
	OAKLEY_CHILD_SA_A_NAME,		/* string */
	OAKLEY_CHILD_SA_A_SPI_IN,	/* u32, network byte order */
	OAKLEY_CHILD_SA_A_SPI_OUT,	/* u32, network byte order */
	OAKLEY_CHILD_SA_A_PROTO,	/* u8: IPPROTO_ESP or IPPROTO_AH */
	OAKLEY_CHILD_SA_A_MODE,		/* u8: enum oakley_mode */
	OAKLEY_CHILD_SA_A_ENCR,		/* u16 */
	OAKLEY_CHILD_SA_A_ENCR_KEYLEN,	/* u16 */
	OAKLEY_CHILD_SA_A_INTEG,	/* u16 */
	OAKLEY_CHILD_SA_A_DH,		/* u16: PFS group it was made with, 0 = none */
	OAKLEY_CHILD_SA_A_LOCAL_TS,	/* nest: enum oakley_tslist_attr */
	OAKLEY_CHILD_SA_A_REMOTE_TS,	/* nest: enum oakley_tslist_attr */
	OAKLEY_CHILD_SA_A_AGE,		/* u64: seconds */
	OAKLEY_CHILD_SA_A_BYTES_IN,	/* u64 */
	OAKLEY_CHILD_SA_A_BYTES_OUT,	/* u64 */
	OAKLEY_CHILD_SA_A_PACKETS_IN,	/* u64 */
	OAKLEY_CHILD_SA_A_PACKETS_OUT,	/* u64 */
	OAKLEY_CHILD_SA_A_PAD,
	OAKLEY_CHILD_SA_A_REKEY_IN,	/* u64: seconds to the time-based rekey; absent = none */
	OAKLEY_CHILD_SA_A_EXPIRE_IN,	/* u64: seconds to the hard time limit; absent = none */

	__OAKLEY_CHILD_SA_A_MAX,
	OAKLEY_CHILD_SA_A_MAX = __OAKLEY_CHILD_SA_A_MAX - 1
};

/* Counters of one namespace's instance; every value is a u64. */
enum oakley_stats_attr {
	OAKLEY_STATS_A_UNSPEC,
	OAKLEY_STATS_A_PAD,
	OAKLEY_STATS_A_CONNS,		/* connections configured */
	OAKLEY_STATS_A_SECRETS,		/* secrets configured */
	OAKLEY_STATS_A_IKE_SAS,		/* IKE SAs alive */
	OAKLEY_STATS_A_CHILD_SAS,	/* Child SAs alive */
	OAKLEY_STATS_A_HALF_OPEN,	/* IKE SAs not yet established */
	OAKLEY_STATS_A_OBJECTS,		/* all Oakley objects alive (leak check) */
	OAKLEY_STATS_A_RX_PACKETS,
	OAKLEY_STATS_A_TX_PACKETS,
	OAKLEY_STATS_A_RX_DROP_MALFORMED,
	OAKLEY_STATS_A_RX_DROP_NO_SA,
	OAKLEY_STATS_A_RX_DROP_RATELIMIT,
	OAKLEY_STATS_A_RX_DROP_AUTH,	/* bad ICV or AUTH payload */
	OAKLEY_STATS_A_RX_DROP_REPLAY,	/* old or duplicate message ID */
	OAKLEY_STATS_A_RETRANSMITS,
	OAKLEY_STATS_A_IKE_ESTABLISHED,	/* total, since the instance began */
	OAKLEY_STATS_A_IKE_FAILED,
	OAKLEY_STATS_A_CHILD_INSTALLED,
	OAKLEY_STATS_A_AUTH_FAILED,
	OAKLEY_STATS_A_NO_PROPOSAL,
	OAKLEY_STATS_A_TS_UNACCEPTABLE,
	OAKLEY_STATS_A_INVALID_KE,
	OAKLEY_STATS_A_INVALID_SYNTAX,
	OAKLEY_STATS_A_COOKIES_SENT,
	OAKLEY_STATS_A_RX_DROP_HALF_OPEN,	/* IKE_SA_INIT dropped: half-open limit */
	OAKLEY_STATS_A_HALF_OPEN_BYTES,	/* bytes charged to half-open responder SAs */

	__OAKLEY_STATS_A_MAX,
	OAKLEY_STATS_A_MAX = __OAKLEY_STATS_A_MAX - 1
};

/*
 * The namespace's limits against IKE_SA_INIT floods (RFC 7296 §2.6,
 * RFC 8019), in a LOAD request (OAKLEY_A_LIMITS, at most once).  A LOAD
 * with OAKLEY_A_REPLACE sets all of them: those the nest leaves out, or all
 * when there is no nest, take their defaults (the module parameters of the
 * same names; half-open-bytes: OAKLEY_HALF_OPEN_BYTES_DEFAULT).  A LOAD
 * without OAKLEY_A_REPLACE changes them only if it carries the nest, by the
 * same rule.
 */
enum oakley_limits_attr {
	OAKLEY_LIMITS_A_UNSPEC,
	OAKLEY_LIMITS_A_PAD,
	OAKLEY_LIMITS_A_HALF_OPEN_COOKIE,	/* u32: half-open SAs from which cookies are due */
	OAKLEY_LIMITS_A_HALF_OPEN_MAX,		/* u32, >= 1: half-open SAs at most */
	OAKLEY_LIMITS_A_HALF_OPEN_BYTES,	/* u64, >= OAKLEY_HALF_OPEN_BYTES_MIN */
	OAKLEY_LIMITS_A_INIT_RATE,		/* u32: per second per source, 0 = no limit */
	OAKLEY_LIMITS_A_INIT_BURST,		/* u32, >= 1 */

	__OAKLEY_LIMITS_A_MAX,
	OAKLEY_LIMITS_A_MAX = __OAKLEY_LIMITS_A_MAX - 1
};

#define OAKLEY_HALF_OPEN_BYTES_DEFAULT	(32ULL << 20)
#define OAKLEY_HALF_OPEN_BYTES_MIN	(64ULL << 10)
/* An IKE_SA_INIT request longer than this is dropped before anything else. */
#define OAKLEY_INIT_REQ_MAX		8192

/* OAKLEY_SA_A_NAT: the IKE SA uses port 4500 and ESP in UDP, because... */
#define OAKLEY_SA_NAT_LOCAL	0x01	/* we are behind a NAT */
#define OAKLEY_SA_NAT_REMOTE	0x02	/* the peer is behind a NAT (or its encap = yes) */
#define OAKLEY_SA_NAT_FORCED	0x04	/* our encap = yes */

enum oakley_event_type {
	OAKLEY_EVENT_CONN_ADDED = 1,
	OAKLEY_EVENT_CONN_DELETED = 2,
	OAKLEY_EVENT_IKE_UP = 3,
	OAKLEY_EVENT_IKE_DOWN = 4,
	OAKLEY_EVENT_IKE_REKEYED = 5,
	OAKLEY_EVENT_CHILD_UP = 6,
	OAKLEY_EVENT_CHILD_DOWN = 7,
	OAKLEY_EVENT_CHILD_REKEYED = 8,
	OAKLEY_EVENT_ERROR = 9,
	OAKLEY_EVENT_DEAD_PEER = 10,
	OAKLEY_EVENT_ACQUIRE = 11,
	OAKLEY_EVENT_SECRET_ADDED = 12,
	OAKLEY_EVENT_SECRET_DELETED = 13,
	OAKLEY_EVENT_NAT_DETECTED = 14,	/* the IKE SA moved to port 4500 (RFC 7296 §2.23) */
	OAKLEY_EVENT_NAT_MAPPING = 15,	/* the peer's NAT mapping changed */
};

enum oakley_event_attr {
	OAKLEY_EVENT_A_UNSPEC,
	OAKLEY_EVENT_A_TYPE,		/* u8: enum oakley_event_type */
	OAKLEY_EVENT_A_CONN_NAME,	/* string */
	OAKLEY_EVENT_A_CHILD_NAME,	/* string */
	OAKLEY_EVENT_A_SECRET_NAME,	/* string */
	OAKLEY_EVENT_A_SPI_I,		/* u64, network byte order */
	OAKLEY_EVENT_A_SPI_R,		/* u64, network byte order */
	OAKLEY_EVENT_A_SPI_IN,		/* u32, network byte order */
	OAKLEY_EVENT_A_SPI_OUT,		/* u32, network byte order */
	OAKLEY_EVENT_A_FAMILY,		/* u16 */
	OAKLEY_EVENT_A_REMOTE_ADDR,	/* binary */
	OAKLEY_EVENT_A_NOTIFY,		/* u16: IKEv2 notify type of an error */
	OAKLEY_EVENT_A_MESSAGE,		/* string: human-readable detail */
	OAKLEY_EVENT_A_PAD,
	OAKLEY_EVENT_A_TIME,		/* u64: when, ns since the epoch (CLOCK_REALTIME) */

	__OAKLEY_EVENT_A_MAX,
	OAKLEY_EVENT_A_MAX = __OAKLEY_EVENT_A_MAX - 1
};

#endif /* _UAPI_LINUX_OAKLEY_H */

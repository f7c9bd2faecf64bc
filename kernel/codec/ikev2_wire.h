/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 wire codec: pure functions over byte buffers (RFC 7296 §3).
 *
 * This file and the codec's .c files include nothing kernel-only: with
 * codec/compat.h they build unchanged in userspace for unit tests and
 * libFuzzer.  Parsers never trust a length they have not checked against
 * the buffer; they return 0 or a negative errno (-EBADMSG for malformed
 * input, -E2BIG when a structure exceeds the limits below, -EOPNOTSUPP for a
 * version or feature we do not speak).  Parsed structures point into the
 * caller's buffer, which must outlive them.
 *
 * Builders append to a struct ike_buf; any overflow sets b->err = -ENOSPC
 * and later appends become no-ops, so a caller checks once at the end.
 */
#ifndef OAKLEY_CODEC_IKEV2_WIRE_H
#define OAKLEY_CODEC_IKEV2_WIRE_H

#include "compat.h"

#define IKE_HDR_LEN		28
#define IKE_GENERIC_HDR_LEN	4
#define IKE_SPI_LEN		8
#define IKE_MAX_MSG		65535
#define IKE_MAX_PAYLOADS	48	/* per chain (outer or inner) */
#define IKE_MAX_PROPOSALS	16
/* per proposal: charon's default IKE proposal has more than 32 */
#define IKE_MAX_TRANSFORMS	64
#define IKE_MAX_TS		16	/* per TS payload */
#define IKE_NONCE_MIN		16
#define IKE_NONCE_MAX		256

#define IKE_VERSION_2		0x20	/* major 2, minor 0 */

/* Exchange types */
#define IKE_SA_INIT		34
#define IKE_AUTH		35
#define IKE_CREATE_CHILD_SA	36
#define IKE_INFORMATIONAL	37

/* Header flags */
#define IKE_FLAG_INITIATOR	0x08
#define IKE_FLAG_VERSION	0x10
#define IKE_FLAG_RESPONSE	0x20

/* Payload types */
#define IKE_PL_NONE		0
#define IKE_PL_SA		33
#define IKE_PL_KE		34
#define IKE_PL_IDI		35
#define IKE_PL_IDR		36
#define IKE_PL_CERT		37
#define IKE_PL_CERTREQ		38
#define IKE_PL_AUTH		39
#define IKE_PL_NONCE		40
#define IKE_PL_NOTIFY		41
#define IKE_PL_DELETE		42
#define IKE_PL_VENDOR		43
#define IKE_PL_TSI		44
#define IKE_PL_TSR		45
#define IKE_PL_SK		46
#define IKE_PL_CP		47
#define IKE_PL_EAP		48
#define IKE_PL_SKF		53

#define IKE_PL_CRITICAL		0x80	/* generic header flags byte */

/* Protocol IDs (proposals, notify, delete) */
#define IKE_PROTO_IKE		1
#define IKE_PROTO_AH		2
#define IKE_PROTO_ESP		3

/* Transform attribute: Key Length, TV format */
#define IKE_ATTR_KEYLEN		14
#define IKE_ATTR_TV		0x8000

/* Auth methods */
#define IKE_AUTH_RSA		1
#define IKE_AUTH_PSK		2
#define IKE_AUTH_DSS		3
#define IKE_AUTH_DIGSIG		14
#define IKE_AUTH_ECDSA_256	9
#define IKE_AUTH_ECDSA_384	10

/* Certificate encodings (§3.6), hash algorithms (RFC 7427 §7) */
#define IKE_CERT_X509_SIG	4
#define IKE_SIGHASH_SHA1	1
#define IKE_SIGHASH_SHA2_256	2
#define IKE_SIGHASH_SHA2_384	3
#define IKE_SIGHASH_SHA2_512	4

/* Traffic selector types */
#define IKE_TS_IPV4_RANGE	7
#define IKE_TS_IPV6_RANGE	8

/* Notify message types: errors */
#define IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD	1
#define IKE_N_INVALID_IKE_SPI			4
#define IKE_N_INVALID_MAJOR_VERSION		5
#define IKE_N_INVALID_SYNTAX			7
#define IKE_N_INVALID_MESSAGE_ID		9
#define IKE_N_INVALID_SPI			11
#define IKE_N_NO_PROPOSAL_CHOSEN		14
#define IKE_N_INVALID_KE_PAYLOAD		17
#define IKE_N_AUTHENTICATION_FAILED		24
#define IKE_N_SINGLE_PAIR_REQUIRED		34
#define IKE_N_NO_ADDITIONAL_SAS			35
#define IKE_N_INTERNAL_ADDRESS_FAILURE		36
#define IKE_N_FAILED_CP_REQUIRED		37
#define IKE_N_TS_UNACCEPTABLE			38
#define IKE_N_INVALID_SELECTORS			39
#define IKE_N_TEMPORARY_FAILURE			43
#define IKE_N_CHILD_SA_NOT_FOUND		44
/* Notify message types: status */
#define IKE_N_INITIAL_CONTACT			16384
#define IKE_N_SET_WINDOW_SIZE			16385
#define IKE_N_ADDITIONAL_TS_POSSIBLE		16386
#define IKE_N_IPCOMP_SUPPORTED			16387
#define IKE_N_NAT_DETECTION_SOURCE_IP		16388
#define IKE_N_NAT_DETECTION_DESTINATION_IP	16389
#define IKE_N_COOKIE				16390
#define IKE_N_USE_TRANSPORT_MODE		16391
#define IKE_N_REKEY_SA				16393
#define IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED	16394
#define IKE_N_NON_FIRST_FRAGMENTS_ALSO		16395
#define IKE_N_MOBIKE_SUPPORTED			16396
#define IKE_N_IKEV2_FRAGMENTATION_SUPPORTED	16430
#define IKE_N_SIGNATURE_HASH_ALGORITHMS		16431

/* ---- parsed forms ---- */

struct ike_payload {
	u8 type;
	u8 critical;		/* 1 if the critical bit was set */
	u16 len;		/* body length, generic header excluded */
	u32 off;		/* offset of the generic header in the buffer */
	const u8 *body;
};

struct ike_msg {
	const u8 *spi_i;	/* IKE_SPI_LEN bytes */
	const u8 *spi_r;
	u8 first_payload;
	u8 version;		/* major << 4 | minor */
	u8 exchange;
	u8 flags;
	u32 msgid;
	u32 length;		/* from the header; equals the buffer length */
	unsigned int npayloads;
	struct ike_payload pl[IKE_MAX_PAYLOADS];
	/*
	 * If the chain ended in an SK payload: its index in pl[] and the type
	 * of the first payload inside it (the SK's next-payload field).
	 */
	int sk_index;		/* -1 if none */
	u8 sk_first_inner;
};

struct ike_transform {
	u8 type;		/* OAKLEY_TRANS_* / RFC 7296 transform type */
	u16 id;
	u16 keylen;		/* bits; 0 when the attribute is absent */
};

struct ike_proposal {
	u8 num;
	u8 protocol;		/* IKE_PROTO_* */
	u8 spi_len;		/* 0, 4 or 8 */
	u8 spi[8];
	u8 ntransforms;
	struct ike_transform t[IKE_MAX_TRANSFORMS];
};

struct ike_sa_payload {
	u8 nproposals;
	struct ike_proposal p[IKE_MAX_PROPOSALS];
};

struct ike_ke {
	u16 group;
	u16 len;
	const u8 *data;
};

struct ike_id {
	u8 type;
	u16 len;		/* identification data */
	const u8 *data;
	u16 body_len;		/* whole body (type + reserved + data): AUTH signs it */
	const u8 *body;
};

struct ike_auth {
	u8 method;
	u16 len;
	const u8 *data;
};

struct ike_cert {
	u8 encoding;		/* IKE_CERT_* */
	u16 len;
	const u8 *data;
};

struct ike_notify {
	u8 protocol;
	u8 spi_len;
	u16 type;
	const u8 *spi;
	u16 len;		/* notification data */
	const u8 *data;
};

struct ike_delete {
	u8 protocol;
	u8 spi_len;
	u16 nspi;
	const u8 *spis;		/* nspi * spi_len bytes */
};

struct ike_ts {
	u8 type;		/* IKE_TS_IPV4_RANGE or IKE_TS_IPV6_RANGE */
	u8 proto;		/* 0 = any */
	u16 start_port;
	u16 end_port;
	u8 start[16];		/* 4 or 16 bytes used */
	u8 end[16];
};

struct ike_ts_payload {
	u8 nts;
	struct ike_ts ts[IKE_MAX_TS];
};

/* ---- parsing ---- */

/* Header only: checks the length field against len and the major version. */
int ike_parse_header(const u8 *buf, size_t len, struct ike_msg *msg);
/* Header and the outer payload chain (stops after an SK payload, which must be last). */
int ike_parse_msg(const u8 *buf, size_t len, struct ike_msg *msg);
/*
 * A decrypted SK body: walks the inner chain starting with type first into
 * msg->pl[] (replacing the outer list; sk_index becomes -1).
 */
int ike_parse_inner(const u8 *plain, size_t len, u8 first, struct ike_msg *msg);
/* First payload of a type in msg->pl[], or NULL. */
const struct ike_payload *ike_find(const struct ike_msg *msg, u8 type);
/* First notify of a type, parsed into n; 0 if found, -ENOENT if not. */
int ike_find_notify(const struct ike_msg *msg, u16 type, struct ike_notify *n);

int ike_parse_sa(const u8 *body, size_t len, struct ike_sa_payload *sa);
int ike_parse_ke(const u8 *body, size_t len, struct ike_ke *ke);
int ike_parse_nonce(const u8 *body, size_t len, const u8 **nonce, u16 *nlen);
int ike_parse_id(const u8 *body, size_t len, struct ike_id *id);
int ike_parse_auth(const u8 *body, size_t len, struct ike_auth *auth);
/* CERT or CERTREQ (§3.6, §3.7): encoding and data (at least one byte). */
int ike_parse_cert(const u8 *body, size_t len, struct ike_cert *cert);
int ike_parse_notify(const u8 *body, size_t len, struct ike_notify *n);
int ike_parse_delete(const u8 *body, size_t len, struct ike_delete *d);
int ike_parse_ts(const u8 *body, size_t len, struct ike_ts_payload *ts);

/* ---- building ---- */

struct ike_buf {
	u8 *data;
	size_t len;
	size_t cap;
	size_t np_off;		/* where the next payload's type is written */
	int err;		/* 0 or -ENOSPC */
};

void ike_buf_init(struct ike_buf *b, u8 *mem, size_t cap);
/* Header with length 0; ike_buf_finish() sets it. */
void ike_put_header(struct ike_buf *b, const u8 *spi_i, const u8 *spi_r,
		    u8 exchange, u8 flags, u32 msgid);
/* Start a payload: chains it, writes a generic header; returns its offset. */
size_t ike_pl_begin(struct ike_buf *b, u8 type, bool critical);
/* Patch the payload length of the payload started at off. */
void ike_pl_end(struct ike_buf *b, size_t off);
void ike_put_bytes(struct ike_buf *b, const void *p, size_t n);
void ike_put_u8(struct ike_buf *b, u8 v);
void ike_put_u16(struct ike_buf *b, u16 v);
void ike_put_u32(struct ike_buf *b, u32 v);
/* Patch the header length; returns b->err (0 on success). */
int ike_buf_finish(struct ike_buf *b);

void ike_add_sa(struct ike_buf *b, const struct ike_sa_payload *sa);
void ike_add_ke(struct ike_buf *b, u16 group, const u8 *data, size_t len);
void ike_add_nonce(struct ike_buf *b, const u8 *nonce, size_t len);
/* type is IKE_PL_IDI or IKE_PL_IDR. */
void ike_add_id(struct ike_buf *b, u8 type, u8 id_type, const u8 *data, size_t len);
void ike_add_auth(struct ike_buf *b, u8 method, const u8 *data, size_t len);
/* type is IKE_PL_CERT or IKE_PL_CERTREQ. */
void ike_add_cert(struct ike_buf *b, u8 type, u8 encoding, const u8 *data, size_t len);
void ike_add_notify(struct ike_buf *b, u8 protocol, const u8 *spi, u8 spi_len,
		    u16 type, const u8 *data, size_t len);
void ike_add_delete(struct ike_buf *b, u8 protocol, u8 spi_len, const u8 *spis, u16 nspi);
/* type is IKE_PL_TSI or IKE_PL_TSR. */
void ike_add_ts(struct ike_buf *b, u8 type, const struct ike_ts_payload *ts);

/*
 * SK payload: ike_sk_begin() writes the SK generic header and reserves iv_len
 * bytes of IV; the payloads added next form the inner chain (the SK header's
 * next-payload field names the first of them).  ike_sk_end() closes the inner
 * chain; the caller then seals it with the crypto layer, which appends the
 * padding, pad length and ICV and patches the SK and header lengths.
 * Returns the offset of the SK generic header.
 */
size_t ike_sk_begin(struct ike_buf *b, size_t iv_len);
void ike_sk_end(struct ike_buf *b, size_t sk_off);

#endif /* OAKLEY_CODEC_IKEV2_WIRE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ISAKMP / IKEv1 wire codec: pure functions over byte buffers
 * (RFC 2408 §3, RFC 2409, the IPsec DOI of RFC 2407, NAT-T of RFC 3947).
 *
 * Same rules as the IKEv2 codec (ikev2_wire.h): nothing kernel-only beyond
 * codec/compat.h, so the .c files build unchanged in userspace; every length
 * read from the wire is checked before use; parsers return 0 or a negative
 * errno (-EBADMSG malformed, -E2BIG above an ISAKMP_MAX_* limit,
 * -EOPNOTSUPP a version or identity type we do not speak) and point into
 * the caller's buffer.  Builders append to a struct isakmp_buf; the first
 * failure is kept in b->err and later appends do nothing.
 *
 * Every IANA number of IKEv1 that Oakley uses is defined here, once.
 */
#ifndef OAKLEY_CODEC_ISAKMP_WIRE_H
#define OAKLEY_CODEC_ISAKMP_WIRE_H

#include "compat.h"

#define ISAKMP_HDR_LEN		28
#define ISAKMP_GENERIC_HDR_LEN	4
#define ISAKMP_COOKIE_LEN	8
#define ISAKMP_MAX_MSG		65535
#define ISAKMP_MAX_PAYLOADS	48	/* per chain */
#define ISAKMP_MAX_PROPOSALS	8	/* per SA payload */
#define ISAKMP_MAX_TRANSFORMS	32	/* per proposal */
#define ISAKMP_MAX_ATTRS	20	/* per transform */
#define ISAKMP_MAX_SPI		16	/* an ISAKMP SA's SPI is both cookies */
#define ISAKMP_NONCE_MIN	8	/* RFC 2409 §5: 8..256 bytes */
#define ISAKMP_NONCE_MAX	256
#define ISAKMP_MAX_PAD		255	/* bytes after the last decrypted payload */

#define ISAKMP_VERSION_1	0x10	/* major 1, minor 0 */

/* Exchange types (RFC 2408 §3.1, RFC 2409 §9) */
#define ISAKMP_XCHG_BASE	1
#define ISAKMP_XCHG_IDPROT	2	/* Main Mode */
#define ISAKMP_XCHG_AUTH_ONLY	3
#define ISAKMP_XCHG_AGGRESSIVE	4
#define ISAKMP_XCHG_INFO	5
#define ISAKMP_XCHG_QUICK	32
#define ISAKMP_XCHG_NEW_GROUP	33

/* Header flags */
#define ISAKMP_FLAG_ENC		0x01
#define ISAKMP_FLAG_COMMIT	0x02
#define ISAKMP_FLAG_AUTH_ONLY	0x04

/* Payload types (RFC 2408 §3.1, RFC 3947 §3, draft-ietf-ipsec-nat-t-ike-02) */
#define ISAKMP_PL_NONE		0
#define ISAKMP_PL_SA		1
#define ISAKMP_PL_P		2
#define ISAKMP_PL_T		3
#define ISAKMP_PL_KE		4
#define ISAKMP_PL_ID		5
#define ISAKMP_PL_CERT		6
#define ISAKMP_PL_CR		7
#define ISAKMP_PL_HASH		8
#define ISAKMP_PL_SIG		9
#define ISAKMP_PL_NONCE		10
#define ISAKMP_PL_N		11
#define ISAKMP_PL_D		12
#define ISAKMP_PL_VID		13
#define ISAKMP_PL_NAT_D		20
#define ISAKMP_PL_NAT_OA	21
#define ISAKMP_PL_NAT_D_DRAFT	130
#define ISAKMP_PL_NAT_OA_DRAFT	131

/* Domain of interpretation and situation (RFC 2407 §4.2, §4.6.1) */
#define ISAKMP_DOI_ISAKMP	0
#define ISAKMP_DOI_IPSEC	1
#define ISAKMP_SIT_IDENTITY_ONLY 1

/* Protocol IDs (RFC 2407 §4.4.1) */
#define ISAKMP_PROTO_ISAKMP	1
#define ISAKMP_PROTO_AH		2
#define ISAKMP_PROTO_ESP	3
#define ISAKMP_PROTO_IPCOMP	4

/* Transform IDs: ISAKMP (§4.4.2) and ESP (§4.4.4, RFC 3602, RFC 4106) */
#define ISAKMP_KEY_IKE		1
#define ISAKMP_ESP_3DES		3
#define ISAKMP_ESP_AES_CBC	12
#define ISAKMP_ESP_AES_GCM_8	18
#define ISAKMP_ESP_AES_GCM_12	19
#define ISAKMP_ESP_AES_GCM_16	20

/* Data attributes: the AF bit marks the TV (basic) form (RFC 2408 §3.3) */
#define ISAKMP_ATTR_AF		0x8000
#define ISAKMP_ATTR_TYPE_MASK	0x7fff

/* Phase 1 attribute classes and values (RFC 2409 Appendix A) */
#define IKEV1_ATTR_ENCR		1
#define IKEV1_ATTR_HASH		2
#define IKEV1_ATTR_AUTH		3
#define IKEV1_ATTR_GROUP_DESC		4
#define IKEV1_ATTR_GROUP_TYPE		5
#define IKEV1_ATTR_LIFE_TYPE		11
#define IKEV1_ATTR_LIFE_DURATION	12
#define IKEV1_ATTR_PRF			13
#define IKEV1_ATTR_KEY_LENGTH		14

#define IKEV1_ENCR_DES_CBC		1
#define IKEV1_ENCR_3DES_CBC		5
#define IKEV1_ENCR_AES_CBC		7	/* RFC 3602 §5 */
#define IKEV1_HASH_MD5			1
#define IKEV1_HASH_SHA1		2
#define IKEV1_HASH_SHA2_256		4
#define IKEV1_HASH_SHA2_384		5
#define IKEV1_HASH_SHA2_512		6
#define IKEV1_AUTH_PSK			1
#define IKEV1_AUTH_DSS_SIG		2
#define IKEV1_AUTH_RSA_SIG		3
#define IKEV1_AUTH_ECDSA_256		9	/* RFC 4754 */
#define IKEV1_AUTH_ECDSA_384		10
#define IKEV1_LIFE_SECONDS		1
#define IKEV1_LIFE_KILOBYTES		2

/* Phase 2 (IPsec DOI) attribute classes and values (RFC 2407 §4.5) */
#define IPSEC_ATTR_LIFE_TYPE		1
#define IPSEC_ATTR_LIFE_DURATION	2
#define IPSEC_ATTR_GROUP_DESC		3
#define IPSEC_ATTR_ENCAP_MODE		4
#define IPSEC_ATTR_AUTH_ALG		5
#define IPSEC_ATTR_KEY_LENGTH		6
#define IPSEC_ATTR_KEY_ROUNDS		7

#define IPSEC_LIFE_SECONDS		1
#define IPSEC_LIFE_KILOBYTES		2
#define IPSEC_ENCAP_TUNNEL		1
#define IPSEC_ENCAP_TRANSPORT		2
#define IPSEC_ENCAP_UDP_TUNNEL		3	/* RFC 3947 */
#define IPSEC_ENCAP_UDP_TRANSPORT	4
#define IPSEC_ENCAP_UDP_TUNNEL_DRAFT	61443
#define IPSEC_ENCAP_UDP_TRANSPORT_DRAFT	61444
#define IPSEC_AUTH_HMAC_SHA1		2
#define IPSEC_AUTH_HMAC_SHA2_256	5	/* RFC 4868 */
#define IPSEC_AUTH_HMAC_SHA2_384	6
#define IPSEC_AUTH_HMAC_SHA2_512	7

/* Identification types (RFC 2407 §4.6.2.1) */
#define ISAKMP_ID_IPV4_ADDR		1
#define ISAKMP_ID_FQDN			2
#define ISAKMP_ID_USER_FQDN		3
#define ISAKMP_ID_IPV4_ADDR_SUBNET	4
#define ISAKMP_ID_IPV6_ADDR		5
#define ISAKMP_ID_IPV6_ADDR_SUBNET	6
#define ISAKMP_ID_IPV4_ADDR_RANGE	7
#define ISAKMP_ID_IPV6_ADDR_RANGE	8
#define ISAKMP_ID_DER_ASN1_DN		9
#define ISAKMP_ID_DER_ASN1_GN		10
#define ISAKMP_ID_KEY_ID		11

/* Notify message types: errors (RFC 2408 §3.14.1) */
#define ISAKMP_N_INVALID_PAYLOAD_TYPE		1
#define ISAKMP_N_DOI_NOT_SUPPORTED		2
#define ISAKMP_N_SITUATION_NOT_SUPPORTED	3
#define ISAKMP_N_INVALID_COOKIE			4
#define ISAKMP_N_INVALID_MAJOR_VERSION		5
#define ISAKMP_N_INVALID_MINOR_VERSION		6
#define ISAKMP_N_INVALID_EXCHANGE_TYPE		7
#define ISAKMP_N_INVALID_FLAGS			8
#define ISAKMP_N_INVALID_MESSAGE_ID		9
#define ISAKMP_N_INVALID_PROTOCOL_ID		10
#define ISAKMP_N_INVALID_SPI			11
#define ISAKMP_N_INVALID_TRANSFORM_ID		12
#define ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED	13
#define ISAKMP_N_NO_PROPOSAL_CHOSEN		14
#define ISAKMP_N_BAD_PROPOSAL_SYNTAX		15
#define ISAKMP_N_PAYLOAD_MALFORMED		16
#define ISAKMP_N_INVALID_KEY_INFORMATION	17
#define ISAKMP_N_INVALID_ID_INFORMATION		18
#define ISAKMP_N_INVALID_CERT_ENCODING		19
#define ISAKMP_N_INVALID_CERTIFICATE		20
#define ISAKMP_N_CERT_TYPE_UNSUPPORTED		21
#define ISAKMP_N_INVALID_CERT_AUTHORITY		22
#define ISAKMP_N_INVALID_HASH_INFORMATION	23
#define ISAKMP_N_AUTHENTICATION_FAILED		24
#define ISAKMP_N_INVALID_SIGNATURE		25
#define ISAKMP_N_ADDRESS_NOTIFICATION		26
#define ISAKMP_N_NOTIFY_SA_LIFETIME		27
#define ISAKMP_N_CERTIFICATE_UNAVAILABLE	28
#define ISAKMP_N_UNSUPPORTED_EXCHANGE_TYPE	29
#define ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS	30
/* Status (RFC 2407 §4.6.3; RFC 3706 for DPD) */
#define ISAKMP_N_RESPONDER_LIFETIME		24576
#define ISAKMP_N_REPLAY_STATUS			24577
#define ISAKMP_N_INITIAL_CONTACT		24578
#define ISAKMP_N_R_U_THERE			36136
#define ISAKMP_N_R_U_THERE_ACK			36137

/* ---- parsed forms ---- */

struct isakmp_payload {
	u8 type;
	u16 len;		/* body length, generic header excluded */
	u32 off;		/* offset of the generic header in the buffer */
	const u8 *body;
};

struct isakmp_msg {
	const u8 *cky_i;	/* ISAKMP_COOKIE_LEN bytes */
	const u8 *cky_r;
	u8 first_payload;
	u8 version;		/* major << 4 | minor */
	u8 exchange;
	u8 flags;
	u32 msgid;
	u32 length;		/* from the header; equals the buffer length */
	unsigned int npayloads;
	struct isakmp_payload pl[ISAKMP_MAX_PAYLOADS];
	/* Bytes after the last payload of a decrypted chain (padding). */
	u16 pad_len;
};

/* One data attribute, TV (basic) or TLV (variable) form. */
struct isakmp_attr {
	u16 type;		/* AF bit removed */
	bool tv;
	u16 len;		/* TLV value length; 2 for TV */
	u32 value;		/* TV value, or a TLV value of 1..4 bytes */
	const u8 *data;		/* TLV value (NULL for TV) */
};

struct isakmp_transform {
	u8 num;
	u8 id;			/* ISAKMP_KEY_IKE, ISAKMP_ESP_* */
	u8 nattrs;
	u16 attrs_len;		/* the validated attribute bytes */
	const u8 *attrs;
};

struct isakmp_proposal {
	u8 num;
	u8 protocol;		/* ISAKMP_PROTO_* */
	u8 spi_len;		/* 0..ISAKMP_MAX_SPI */
	u8 spi[ISAKMP_MAX_SPI];
	u8 ntransforms;
	struct isakmp_transform t[ISAKMP_MAX_TRANSFORMS];
};

struct isakmp_sa {
	u32 doi;
	u32 situation;
	u8 nproposals;
	struct isakmp_proposal p[ISAKMP_MAX_PROPOSALS];
};

struct isakmp_id {
	u8 type;		/* ISAKMP_ID_* */
	u8 protocol;		/* IP protocol, 0 = any */
	u16 port;		/* 0 = any */
	u16 len;		/* identification data */
	const u8 *data;
	u16 body_len;		/* whole body: HASH_I/HASH_R take IDii_b / IDir_b */
	const u8 *body;
	/*
	 * Address types: addr_len is 4 or 16; addr is the address (subnet or
	 * range start), addr2 the mask (subnet) or the range end.  0 for names.
	 */
	u8 addr_len;
	u8 addr[16];
	u8 addr2[16];
};

struct isakmp_typed_data {	/* CERT and CR: an encoding / type byte and data */
	u8 type;
	u16 len;
	const u8 *data;
};

struct isakmp_notify {
	u32 doi;
	u8 protocol;
	u8 spi_len;
	u16 type;
	const u8 *spi;
	u16 len;		/* notification data */
	const u8 *data;
};

struct isakmp_delete {
	u32 doi;
	u8 protocol;
	u8 spi_len;
	u16 nspi;
	const u8 *spis;		/* nspi * spi_len bytes */
};

/* ---- parsing ---- */

/* Header only: the major version, then the length field against len. */
int isakmp_parse_header(const u8 *buf, size_t len, struct isakmp_msg *msg);
/*
 * Header and payload chain.  With ISAKMP_FLAG_ENC set the body is left
 * alone (npayloads 0): decrypt it and call isakmp_parse_inner().
 */
int isakmp_parse_msg(const u8 *buf, size_t len, struct isakmp_msg *msg);
/*
 * A decrypted body: walks the chain starting with type first into
 * msg->pl[] (offsets relative to plain); up to ISAKMP_MAX_PAD bytes may
 * follow the last payload (pad_len).
 */
int isakmp_parse_inner(const u8 *plain, size_t len, u8 first, struct isakmp_msg *msg);
/* First payload of a type, or NULL. */
const struct isakmp_payload *isakmp_find(const struct isakmp_msg *msg, u8 type);

int isakmp_parse_sa(const u8 *body, size_t len, struct isakmp_sa *sa);
/*
 * Iterate over a transform's validated attributes: *pos starts at 0.
 * Returns 1 with *a filled, 0 at the end, -EBADMSG on bytes that were not
 * validated by isakmp_parse_sa().
 */
int isakmp_attr_next(const struct isakmp_transform *t, size_t *pos, struct isakmp_attr *a);
/* First attribute of a class; 0 if found, -ENOENT if not. */
int isakmp_attr_find(const struct isakmp_transform *t, u16 type, struct isakmp_attr *a);

int isakmp_parse_ke(const u8 *body, size_t len, const u8 **data, u16 *dlen);
int isakmp_parse_nonce(const u8 *body, size_t len, const u8 **nonce, u16 *nlen);
int isakmp_parse_id(const u8 *body, size_t len, struct isakmp_id *id);
/* HASH, SIG, VID, NAT-D, NAT-OA: at least one byte, opaque. */
int isakmp_parse_opaque(const u8 *body, size_t len, const u8 **data, u16 *dlen);
/* CERT (encoding, data >= 1 byte) and CR (type, data may be empty). */
int isakmp_parse_cert(const u8 *body, size_t len, struct isakmp_typed_data *c);
int isakmp_parse_cr(const u8 *body, size_t len, struct isakmp_typed_data *c);
int isakmp_parse_notify(const u8 *body, size_t len, struct isakmp_notify *n);
int isakmp_parse_delete(const u8 *body, size_t len, struct isakmp_delete *d);

/* ---- building ---- */

struct isakmp_buf {
	u8 *data;
	size_t len;
	size_t cap;
	size_t np_off;		/* where the next payload's type is written */
	int err;		/* 0, -ENOSPC or -EINVAL */
};

void isakmp_buf_init(struct isakmp_buf *b, u8 *mem, size_t cap);
/* Header with length 0; isakmp_buf_finish() sets it. */
void isakmp_put_header(struct isakmp_buf *b, const u8 *cky_i, const u8 *cky_r,
		       u8 exchange, u8 flags, u32 msgid);
/* Start a payload: chains it, writes a generic header; returns its offset. */
size_t isakmp_pl_begin(struct isakmp_buf *b, u8 type);
/* Patch the length of the payload (or proposal / transform) started at off. */
void isakmp_pl_end(struct isakmp_buf *b, size_t off);
void isakmp_put_bytes(struct isakmp_buf *b, const void *p, size_t n);
void isakmp_put_u8(struct isakmp_buf *b, u8 v);
void isakmp_put_u16(struct isakmp_buf *b, u16 v);
void isakmp_put_u32(struct isakmp_buf *b, u32 v);
/*
 * Patch the header length; returns b->err (0 on success).  Call it again
 * after encryption appended the ciphertext and padding.
 */
int isakmp_buf_finish(struct isakmp_buf *b);
/* End the chain: nothing added later is linked (e.g. before encryption). */
void isakmp_chain_end(struct isakmp_buf *b);

/*
 * SA payload, built piecewise:
 *   off = isakmp_sa_begin(b, doi, sit);
 *     p = isakmp_prop_begin(b, num, proto, spi, spi_len, ntrans, last_prop);
 *       t = isakmp_trans_begin(b, num, id, last_trans);
 *         isakmp_put_attr_tv() / isakmp_put_attr_tlv() / isakmp_put_attr()
 *       isakmp_pl_end(b, t);
 *     isakmp_pl_end(b, p);
 *   isakmp_pl_end(b, off);
 */
size_t isakmp_sa_begin(struct isakmp_buf *b, u32 doi, u32 situation);
size_t isakmp_prop_begin(struct isakmp_buf *b, u8 num, u8 protocol, const u8 *spi,
			 u8 spi_len, u8 ntransforms, bool last);
size_t isakmp_trans_begin(struct isakmp_buf *b, u8 num, u8 id, bool last);
void isakmp_put_attr_tv(struct isakmp_buf *b, u16 type, u16 value);
void isakmp_put_attr_tlv(struct isakmp_buf *b, u16 type, const u8 *data, u16 len);
/* TV when the value fits 16 bits, else TLV with 4 bytes. */
void isakmp_put_attr(struct isakmp_buf *b, u16 type, u32 value);
/* A whole SA from its parsed form (attributes re-encoded in their form). */
void isakmp_add_sa(struct isakmp_buf *b, const struct isakmp_sa *sa);

void isakmp_add_ke(struct isakmp_buf *b, const u8 *data, size_t len);
void isakmp_add_nonce(struct isakmp_buf *b, const u8 *nonce, size_t len);
void isakmp_add_id(struct isakmp_buf *b, u8 id_type, u8 protocol, u16 port,
		   const u8 *data, size_t len);
/*
 * Any payload that is a plain byte string (HASH, SIG, VID, NAT-D, NAT-OA,
 * or an unknown type).  data NULL reserves len zero bytes (a HASH computed
 * later).  Returns the offset of the body.
 */
size_t isakmp_add_opaque(struct isakmp_buf *b, u8 type, const u8 *data, size_t len);
/* type is ISAKMP_PL_CERT or ISAKMP_PL_CR. */
void isakmp_add_typed(struct isakmp_buf *b, u8 type, u8 enc, const u8 *data, size_t len);
void isakmp_add_notify(struct isakmp_buf *b, u32 doi, u8 protocol, const u8 *spi,
		       u8 spi_len, u16 type, const u8 *data, size_t len);
void isakmp_add_delete(struct isakmp_buf *b, u32 doi, u8 protocol, u8 spi_len,
		       const u8 *spis, u16 nspi);

#endif /* OAKLEY_CODEC_ISAKMP_WIRE_H */

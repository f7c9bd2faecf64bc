// SPDX-License-Identifier: GPL-2.0
/*
 * ISAKMP / IKEv1 message and payload parsers (RFC 2408 §3, RFC 2407 §4.6).
 *
 * As in the IKEv2 parsers, every length from the wire is compared with the
 * bytes really present before it is used, every walk is bounded by a count
 * limit and moves forward by at least one header per step, and nothing
 * allocates or keeps state.  Documentation/design/codec.md lists what is
 * rejected here and what is left to the IKEv1 engine.
 */
#include "isakmp_wire.h"

/* Offsets inside the fixed ISAKMP header (RFC 2408 §3.1). */
#define HDR_CKY_R	8
#define HDR_NP		16
#define HDR_VERSION	17
#define HDR_EXCHANGE	18
#define HDR_FLAGS	19
#define HDR_MSGID	20
#define HDR_LENGTH	24

/* A payload body can never be longer than this (16-bit payload length). */
#define BODY_MAX	(0xffff - ISAKMP_GENERIC_HDR_LEN)

/* SA (§3.4), Proposal (§3.5) and Transform (§3.6) fixed parts. */
#define SA_HDR_LEN	8	/* DOI, Situation */
#define PROP_HDR_LEN	8	/* generic header, P#, protocol, SPI size, #T */
#define TRANS_HDR_LEN	8	/* generic header, T#, T-ID, reserved */
#define ATTR_HDR_LEN	4

/* ID (RFC 2407 §4.6.2), Notification (§3.14), Delete (§3.15). */
#define ID_HDR_LEN	4
#define N_HDR_LEN	8
#define D_HDR_LEN	8

int isakmp_parse_header(const u8 *buf, size_t len, struct isakmp_msg *msg)
{
	if (len < ISAKMP_HDR_LEN)
		return -EBADMSG;

	msg->cky_i = buf;
	msg->cky_r = buf + HDR_CKY_R;
	msg->first_payload = buf[HDR_NP];
	msg->version = buf[HDR_VERSION];
	msg->exchange = buf[HDR_EXCHANGE];
	msg->flags = buf[HDR_FLAGS];
	msg->msgid = get_unaligned_be32(buf + HDR_MSGID);
	msg->length = get_unaligned_be32(buf + HDR_LENGTH);
	msg->npayloads = 0;
	msg->pad_len = 0;

	/* Checked first so that the engine can answer INVALID-MAJOR-VERSION. */
	if ((msg->version >> 4) != (ISAKMP_VERSION_1 >> 4))
		return -EOPNOTSUPP;
	if (msg->length != len)
		return -EBADMSG;
	if (len > ISAKMP_MAX_MSG)
		return -E2BIG;
	return 0;
}

/*
 * Walk a payload chain from buf + off up to buf + end, the first payload
 * being of type np.  Proposal and Transform payloads only exist inside an
 * SA.  Each step consumes at least a generic header and at most
 * ISAKMP_MAX_PAYLOADS steps are taken, so no chain can loop.  Returns the
 * number of bytes after the last payload through *rest.
 */
static int walk_chain(const u8 *buf, size_t off, size_t end, u8 np,
		      struct isakmp_msg *msg, size_t *rest)
{
	struct isakmp_payload *pl;
	size_t plen;

	msg->npayloads = 0;
	while (np != ISAKMP_PL_NONE) {
		if (np == ISAKMP_PL_P || np == ISAKMP_PL_T)
			return -EBADMSG;
		if (msg->npayloads >= ISAKMP_MAX_PAYLOADS)
			return -E2BIG;
		if (end - off < ISAKMP_GENERIC_HDR_LEN)
			return -EBADMSG;
		plen = get_unaligned_be16(buf + off + 2);
		if (plen < ISAKMP_GENERIC_HDR_LEN || plen > end - off)
			return -EBADMSG;

		pl = &msg->pl[msg->npayloads++];
		pl->type = np;
		pl->len = plen - ISAKMP_GENERIC_HDR_LEN;
		pl->off = off;
		pl->body = buf + off + ISAKMP_GENERIC_HDR_LEN;
		np = buf[off];
		off += plen;
	}
	*rest = end - off;
	return 0;
}

int isakmp_parse_msg(const u8 *buf, size_t len, struct isakmp_msg *msg)
{
	size_t rest;
	int ret;

	ret = isakmp_parse_header(buf, len, msg);
	if (ret || (msg->flags & ISAKMP_FLAG_ENC))
		return ret;
	ret = walk_chain(buf, ISAKMP_HDR_LEN, len, msg->first_payload, msg, &rest);
	if (ret)
		return ret;
	return rest ? -EBADMSG : 0;
}

int isakmp_parse_inner(const u8 *plain, size_t len, u8 first, struct isakmp_msg *msg)
{
	size_t rest;
	int ret;

	msg->pad_len = 0;
	if (len > ISAKMP_MAX_MSG)
		return -EBADMSG;
	ret = walk_chain(plain, 0, len, first, msg, &rest);
	if (ret)
		return ret;
	if (rest > ISAKMP_MAX_PAD)
		return -EBADMSG;
	msg->pad_len = rest;
	return 0;
}

const struct isakmp_payload *isakmp_find(const struct isakmp_msg *msg, u8 type)
{
	unsigned int i;

	for (i = 0; i < msg->npayloads; i++)
		if (msg->pl[i].type == type)
			return &msg->pl[i];
	return NULL;
}

/*
 * One attribute at p (len bytes left).  Returns the bytes it takes, or
 * -EBADMSG if its header or TLV value does not fit.
 */
static int attr_decode(const u8 *p, size_t len, struct isakmp_attr *a)
{
	u16 type, val;
	unsigned int i;

	if (len < ATTR_HDR_LEN)
		return -EBADMSG;
	type = get_unaligned_be16(p);
	val = get_unaligned_be16(p + 2);
	a->type = type & ISAKMP_ATTR_TYPE_MASK;
	a->tv = !!(type & ISAKMP_ATTR_AF);
	if (a->tv) {
		a->len = 2;
		a->value = val;
		a->data = NULL;
		return ATTR_HDR_LEN;
	}
	if (val > len - ATTR_HDR_LEN)
		return -EBADMSG;
	a->len = val;
	a->data = p + ATTR_HDR_LEN;
	a->value = 0;
	if (val <= 4)
		for (i = 0; i < val; i++)
			a->value = a->value << 8 | a->data[i];
	return ATTR_HDR_LEN + val;
}

/* The attribute bytes of a transform: each fits, at most ISAKMP_MAX_ATTRS. */
static int check_attrs(const u8 *p, size_t len, struct isakmp_transform *t)
{
	struct isakmp_attr a;
	int n;

	t->nattrs = 0;
	t->attrs = p;
	t->attrs_len = len;
	while (len) {
		if (t->nattrs >= ISAKMP_MAX_ATTRS)
			return -E2BIG;
		n = attr_decode(p, len, &a);
		if (n < 0)
			return n;
		t->nattrs++;
		p += n;
		len -= n;
	}
	return 0;
}

int isakmp_attr_next(const struct isakmp_transform *t, size_t *pos, struct isakmp_attr *a)
{
	int n;

	if (*pos >= t->attrs_len)
		return 0;
	n = attr_decode(t->attrs + *pos, t->attrs_len - *pos, a);
	if (n < 0)
		return n;
	*pos += n;
	return 1;
}

int isakmp_attr_find(const struct isakmp_transform *t, u16 type, struct isakmp_attr *a)
{
	size_t pos = 0;
	int ret;

	while ((ret = isakmp_attr_next(t, &pos, a)) == 1)
		if (a->type == type)
			return 0;
	return ret < 0 ? ret : -ENOENT;
}

/*
 * The count transforms of a proposal, each a Transform payload whose
 * next-payload byte is T except on the last one, exactly filling len.
 */
static int parse_transforms(const u8 *p, size_t len, unsigned int count,
			    struct isakmp_proposal *prop)
{
	struct isakmp_transform *t;
	size_t tlen;
	u8 next;
	int ret;

	prop->ntransforms = 0;
	while (prop->ntransforms < count) {
		if (len < TRANS_HDR_LEN)
			return -EBADMSG;
		next = prop->ntransforms + 1U == count ? ISAKMP_PL_NONE : ISAKMP_PL_T;
		tlen = get_unaligned_be16(p + 2);
		if (p[0] != next || tlen < TRANS_HDR_LEN || tlen > len)
			return -EBADMSG;

		t = &prop->t[prop->ntransforms];
		t->num = p[4];
		t->id = p[5];
		ret = check_attrs(p + TRANS_HDR_LEN, tlen - TRANS_HDR_LEN, t);
		if (ret)
			return ret;
		prop->ntransforms++;
		p += tlen;
		len -= tlen;
	}
	return len ? -EBADMSG : 0;
}

/* One proposal whose length plen (>= PROP_HDR_LEN) is known to fit. */
static int parse_proposal(const u8 *p, size_t plen, struct isakmp_proposal *prop)
{
	u8 spi_len = p[6];
	u8 count = p[7];

	if (spi_len > ISAKMP_MAX_SPI || plen - PROP_HDR_LEN < spi_len)
		return -EBADMSG;
	if (!count)
		return -EBADMSG;
	if (count > ISAKMP_MAX_TRANSFORMS)
		return -E2BIG;

	prop->num = p[4];
	prop->protocol = p[5];
	prop->spi_len = spi_len;
	memset(prop->spi, 0, sizeof(prop->spi));
	memcpy(prop->spi, p + PROP_HDR_LEN, spi_len);
	p += PROP_HDR_LEN + spi_len;
	plen -= PROP_HDR_LEN + spi_len;
	return parse_transforms(p, plen, count, prop);
}

/* Proposals: Proposal payloads chained by P, numbers never decreasing. */
static int parse_proposals(const u8 *body, size_t len, struct isakmp_sa *sa)
{
	struct isakmp_proposal *prop;
	size_t plen;
	u8 next;
	int ret;

	for (;;) {
		if (len < PROP_HDR_LEN)
			return -EBADMSG;
		if (sa->nproposals >= ISAKMP_MAX_PROPOSALS)
			return -E2BIG;
		next = body[0];
		plen = get_unaligned_be16(body + 2);
		if (plen < PROP_HDR_LEN || plen > len)
			return -EBADMSG;
		if (next != ISAKMP_PL_NONE && next != ISAKMP_PL_P)
			return -EBADMSG;

		prop = &sa->p[sa->nproposals];
		ret = parse_proposal(body, plen, prop);
		if (ret)
			return ret;
		/* Equal numbers are one proposal of several protocols (§4.2). */
		if (sa->nproposals && prop->num < sa->p[sa->nproposals - 1].num)
			return -EBADMSG;
		sa->nproposals++;
		body += plen;
		len -= plen;
		if (next == ISAKMP_PL_NONE)
			return len ? -EBADMSG : 0;
	}
}

/*
 * SA payload: the IPsec DOI with SIT_IDENTITY_ONLY is all Oakley speaks;
 * another DOI or situation is -EOPNOTSUPP (DOI- / SITUATION-NOT-SUPPORTED).
 */
int isakmp_parse_sa(const u8 *body, size_t len, struct isakmp_sa *sa)
{
	sa->nproposals = 0;
	if (len < SA_HDR_LEN || len > BODY_MAX)
		return -EBADMSG;
	sa->doi = get_unaligned_be32(body);
	sa->situation = get_unaligned_be32(body + 4);
	if (sa->doi != ISAKMP_DOI_IPSEC || sa->situation != ISAKMP_SIT_IDENTITY_ONLY)
		return -EOPNOTSUPP;
	return parse_proposals(body + SA_HDR_LEN, len - SA_HDR_LEN, sa);
}

int isakmp_parse_ke(const u8 *body, size_t len, const u8 **data, u16 *dlen)
{
	return isakmp_parse_opaque(body, len, data, dlen);
}

int isakmp_parse_nonce(const u8 *body, size_t len, const u8 **nonce, u16 *nlen)
{
	if (len < ISAKMP_NONCE_MIN || len > ISAKMP_NONCE_MAX)
		return -EBADMSG;
	*nonce = body;
	*nlen = len;
	return 0;
}

int isakmp_parse_opaque(const u8 *body, size_t len, const u8 **data, u16 *dlen)
{
	if (!len || len > BODY_MAX)
		return -EBADMSG;
	*data = body;
	*dlen = len;
	return 0;
}

/*
 * Address length of an address identity type and whether it carries two
 * addresses (subnet, range).  0 for the other types.
 */
static size_t id_addr_len(u8 type, bool *pair)
{
	*pair = type == ISAKMP_ID_IPV4_ADDR_SUBNET || type == ISAKMP_ID_IPV4_ADDR_RANGE ||
		type == ISAKMP_ID_IPV6_ADDR_SUBNET || type == ISAKMP_ID_IPV6_ADDR_RANGE;
	switch (type) {
	case ISAKMP_ID_IPV4_ADDR:
	case ISAKMP_ID_IPV4_ADDR_SUBNET:
	case ISAKMP_ID_IPV4_ADDR_RANGE:
		return 4;
	case ISAKMP_ID_IPV6_ADDR:
	case ISAKMP_ID_IPV6_ADDR_SUBNET:
	case ISAKMP_ID_IPV6_ADDR_RANGE:
		return 16;
	}
	return 0;
}

static bool id_is_name(u8 type)
{
	return type == ISAKMP_ID_FQDN || type == ISAKMP_ID_USER_FQDN ||
	       type == ISAKMP_ID_DER_ASN1_DN || type == ISAKMP_ID_DER_ASN1_GN ||
	       type == ISAKMP_ID_KEY_ID;
}

/*
 * ID (RFC 2407 §4.6.2): type, protocol, port, data.  Address types must have
 * exactly their size; names at least one byte.  An unknown type is length
 * checked, then -EOPNOTSUPP (the engine answers INVALID-ID-INFORMATION).
 */
int isakmp_parse_id(const u8 *body, size_t len, struct isakmp_id *id)
{
	size_t alen;
	bool pair;

	if (len <= ID_HDR_LEN || len > BODY_MAX)
		return -EBADMSG;
	id->type = body[0];
	id->protocol = body[1];
	id->port = get_unaligned_be16(body + 2);
	id->len = len - ID_HDR_LEN;
	id->data = body + ID_HDR_LEN;
	id->body_len = len;
	id->body = body;
	memset(id->addr, 0, sizeof(id->addr));
	memset(id->addr2, 0, sizeof(id->addr2));

	alen = id_addr_len(id->type, &pair);
	id->addr_len = alen;
	if (alen) {
		if (id->len != (pair ? 2 * alen : alen))
			return -EBADMSG;
		memcpy(id->addr, id->data, alen);
		if (pair)
			memcpy(id->addr2, id->data + alen, alen);
		return 0;
	}
	return id_is_name(id->type) ? 0 : -EOPNOTSUPP;
}

static int parse_typed_data(const u8 *body, size_t len, size_t min,
			    struct isakmp_typed_data *c)
{
	if (len < min || len > BODY_MAX)
		return -EBADMSG;
	c->type = body[0];
	c->len = len - 1;
	c->data = body + 1;
	return 0;
}

int isakmp_parse_cert(const u8 *body, size_t len, struct isakmp_typed_data *c)
{
	return parse_typed_data(body, len, 2, c);
}

int isakmp_parse_cr(const u8 *body, size_t len, struct isakmp_typed_data *c)
{
	return parse_typed_data(body, len, 1, c);
}

int isakmp_parse_notify(const u8 *body, size_t len, struct isakmp_notify *n)
{
	u8 spi_len;

	if (len < N_HDR_LEN || len > BODY_MAX)
		return -EBADMSG;
	spi_len = body[5];
	if (spi_len > ISAKMP_MAX_SPI || len - N_HDR_LEN < spi_len)
		return -EBADMSG;
	n->doi = get_unaligned_be32(body);
	n->protocol = body[4];
	n->spi_len = spi_len;
	n->type = get_unaligned_be16(body + 6);
	n->spi = body + N_HDR_LEN;
	n->len = len - N_HDR_LEN - spi_len;
	n->data = n->spi + spi_len;
	return 0;
}

/* The SPI size each protocol's Delete must use (RFC 2408 §3.15, RFC 2407 §4.6.3.3). */
static bool delete_spi_ok(u8 protocol, u8 spi_len)
{
	switch (protocol) {
	case ISAKMP_PROTO_ISAKMP:
		return spi_len == 2 * ISAKMP_COOKIE_LEN;
	case ISAKMP_PROTO_AH:
	case ISAKMP_PROTO_ESP:
		return spi_len == 4;
	case ISAKMP_PROTO_IPCOMP:
		return spi_len == 2 || spi_len == 4;
	}
	return false;
}

int isakmp_parse_delete(const u8 *body, size_t len, struct isakmp_delete *d)
{
	u8 protocol, spi_len;
	u16 nspi;

	if (len < D_HDR_LEN || len > BODY_MAX)
		return -EBADMSG;
	protocol = body[4];
	spi_len = body[5];
	nspi = get_unaligned_be16(body + 6);
	if (!delete_spi_ok(protocol, spi_len) || !nspi)
		return -EBADMSG;
	if (len - D_HDR_LEN != (size_t)nspi * spi_len)
		return -EBADMSG;
	d->doi = get_unaligned_be32(body);
	d->protocol = protocol;
	d->spi_len = spi_len;
	d->nspi = nspi;
	d->spis = body + D_HDR_LEN;
	return 0;
}

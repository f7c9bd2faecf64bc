// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 message and payload parsers (RFC 7296 §3).
 *
 * Every length read from the wire is checked against the bytes that are
 * really there before it is used; nothing here allocates or keeps state.
 * See Documentation/design/codec.md for the policy decisions (what is
 * rejected here and what is left to the IKE engine).
 */
#include "ikev2_wire.h"

/* Offsets inside the fixed IKE header (§3.1). */
#define HDR_SPI_R	8
#define HDR_NP		16
#define HDR_VERSION	17
#define HDR_EXCHANGE	18
#define HDR_FLAGS	19
#define HDR_MSGID	20
#define HDR_LENGTH	24

/* A payload body can never be longer than this (16-bit payload length). */
#define BODY_MAX	(0xffff - IKE_GENERIC_HDR_LEN)

/* Proposal and transform substructures (§3.3.1, §3.3.2). */
#define PROP_HDR_LEN	8
#define TRANS_HDR_LEN	8
#define ATTR_HDR_LEN	4
#define SUB_LAST	0
#define PROP_MORE	2
#define TRANS_MORE	3

/* Traffic selector (§3.13.1): type, protocol, length, two ports. */
#define TS_HDR_LEN	8

int ike_parse_header(const u8 *buf, size_t len, struct ike_msg *msg)
{
	if (len < IKE_HDR_LEN)
		return -EBADMSG;

	msg->spi_i = buf;
	msg->spi_r = buf + HDR_SPI_R;
	msg->first_payload = buf[HDR_NP];
	msg->version = buf[HDR_VERSION];
	msg->exchange = buf[HDR_EXCHANGE];
	msg->flags = buf[HDR_FLAGS];
	msg->msgid = get_unaligned_be32(buf + HDR_MSGID);
	msg->length = get_unaligned_be32(buf + HDR_LENGTH);
	msg->npayloads = 0;
	msg->sk_index = -1;
	msg->sk_first_inner = IKE_PL_NONE;

	/* Checked first so the engine can answer INVALID_MAJOR_VERSION. */
	if ((msg->version >> 4) != (IKE_VERSION_2 >> 4))
		return -EOPNOTSUPP;
	if (msg->length != len)
		return -EBADMSG;
	if (len > IKE_MAX_MSG)
		return -E2BIG;
	return 0;
}

/*
 * Walk a payload chain from buf + off up to buf + end, the first payload
 * being of type np.  An SK or SKF payload must be the last one and is only
 * allowed in the outer chain.
 */
static int walk_chain(const u8 *buf, size_t off, size_t end, u8 np,
		      struct ike_msg *msg, bool outer)
{
	struct ike_payload *pl;
	size_t plen;
	u8 next;

	msg->npayloads = 0;
	msg->sk_index = -1;
	msg->sk_first_inner = IKE_PL_NONE;

	while (np != IKE_PL_NONE) {
		if (msg->npayloads >= IKE_MAX_PAYLOADS)
			return -E2BIG;
		if (end - off < IKE_GENERIC_HDR_LEN)
			return -EBADMSG;
		plen = get_unaligned_be16(buf + off + 2);
		if (plen < IKE_GENERIC_HDR_LEN || plen > end - off)
			return -EBADMSG;

		pl = &msg->pl[msg->npayloads++];
		pl->type = np;
		pl->critical = !!(buf[off + 1] & IKE_PL_CRITICAL);
		pl->len = plen - IKE_GENERIC_HDR_LEN;
		pl->off = off;
		pl->body = buf + off + IKE_GENERIC_HDR_LEN;
		next = buf[off];
		off += plen;

		if (np == IKE_PL_SK || np == IKE_PL_SKF) {
			if (!outer || off != end)
				return -EBADMSG;
			if (np == IKE_PL_SK) {
				msg->sk_index = msg->npayloads - 1;
				msg->sk_first_inner = next;
			}
			return 0;
		}
		np = next;
	}
	return off == end ? 0 : -EBADMSG;
}

int ike_parse_msg(const u8 *buf, size_t len, struct ike_msg *msg)
{
	int ret;

	ret = ike_parse_header(buf, len, msg);
	if (ret)
		return ret;
	return walk_chain(buf, IKE_HDR_LEN, len, msg->first_payload, msg, true);
}

int ike_parse_inner(const u8 *plain, size_t len, u8 first, struct ike_msg *msg)
{
	if (len > IKE_MAX_MSG)
		return -EBADMSG;
	return walk_chain(plain, 0, len, first, msg, false);
}

const struct ike_payload *ike_find(const struct ike_msg *msg, u8 type)
{
	unsigned int i;

	for (i = 0; i < msg->npayloads; i++)
		if (msg->pl[i].type == type)
			return &msg->pl[i];
	return NULL;
}

int ike_find_notify(const struct ike_msg *msg, u16 type, struct ike_notify *n)
{
	const struct ike_payload *pl;
	unsigned int i;
	int ret;

	for (i = 0; i < msg->npayloads; i++) {
		pl = &msg->pl[i];
		if (pl->type != IKE_PL_NOTIFY)
			continue;
		ret = ike_parse_notify(pl->body, pl->len, n);
		if (ret)
			return ret;
		if (n->type == type)
			return 0;
	}
	return -ENOENT;
}

/*
 * Transform attributes (§3.3.5).  Only a single, non-zero Key Length in TV
 * format is understood; anything else makes the transform unusable
 * (§3.3.6: a transform with an attribute we do not know is never chosen).
 * Returns 0 if usable, 1 if not, or -EBADMSG.
 */
static int parse_attrs(const u8 *p, size_t len, struct ike_transform *t)
{
	bool usable = true;
	size_t alen;
	u16 type, val;

	while (len) {
		if (len < ATTR_HDR_LEN)
			return -EBADMSG;
		type = get_unaligned_be16(p);
		val = get_unaligned_be16(p + 2);
		alen = ATTR_HDR_LEN;
		if (!(type & IKE_ATTR_TV))
			alen += val;
		if (alen > len)
			return -EBADMSG;

		if (type == (IKE_ATTR_TV | IKE_ATTR_KEYLEN) && !t->keylen && val)
			t->keylen = val;
		else
			usable = false;
		p += alen;
		len -= alen;
	}
	return usable ? 0 : 1;
}

/* count transforms, flagged "more" except the last, exactly filling len. */
static int parse_transforms(const u8 *p, size_t len, unsigned int count,
			    struct ike_proposal *prop)
{
	struct ike_transform *t;
	unsigned int i;
	size_t tlen;
	u8 more;
	int ret;

	prop->ntransforms = 0;
	for (i = 0; i < count; i++) {
		if (len < TRANS_HDR_LEN)
			return -EBADMSG;
		more = i + 1 == count ? SUB_LAST : TRANS_MORE;
		tlen = get_unaligned_be16(p + 2);
		if (p[0] != more || tlen < TRANS_HDR_LEN || tlen > len)
			return -EBADMSG;

		t = &prop->t[prop->ntransforms];
		t->type = p[4];
		t->id = get_unaligned_be16(p + 6);
		t->keylen = 0;
		ret = parse_attrs(p + TRANS_HDR_LEN, tlen - TRANS_HDR_LEN, t);
		if (ret < 0)
			return ret;
		if (ret == 0)
			prop->ntransforms++;
		p += tlen;
		len -= tlen;
	}
	return len ? -EBADMSG : 0;
}

/* One proposal whose length plen (>= PROP_HDR_LEN) is known to fit. */
static int parse_proposal(const u8 *p, size_t plen, struct ike_proposal *prop)
{
	u8 spi_len = p[6];
	u8 count = p[7];

	if (spi_len != 0 && spi_len != 4 && spi_len != 8)
		return -EBADMSG;
	if (plen - PROP_HDR_LEN < spi_len)
		return -EBADMSG;
	if (count > IKE_MAX_TRANSFORMS)
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

int ike_parse_sa(const u8 *body, size_t len, struct ike_sa_payload *sa)
{
	struct ike_proposal *prop;
	size_t plen;
	u8 more;
	int ret;

	sa->nproposals = 0;
	for (;;) {
		if (len < PROP_HDR_LEN)
			return -EBADMSG;
		if (sa->nproposals >= IKE_MAX_PROPOSALS)
			return -E2BIG;
		more = body[0];
		plen = get_unaligned_be16(body + 2);
		if (plen < PROP_HDR_LEN || plen > len)
			return -EBADMSG;
		if (more != SUB_LAST && more != PROP_MORE)
			return -EBADMSG;

		prop = &sa->p[sa->nproposals];
		ret = parse_proposal(body, plen, prop);
		if (ret)
			return ret;
		/* The first may carry any number (an accepted one); then +1 each. */
		if (!prop->num ||
		    (sa->nproposals && prop->num != sa->p[sa->nproposals - 1].num + 1))
			return -EBADMSG;
		sa->nproposals++;
		body += plen;
		len -= plen;
		if (more == SUB_LAST)
			return len ? -EBADMSG : 0;
	}
}

int ike_parse_ke(const u8 *body, size_t len, struct ike_ke *ke)
{
	if (len <= 4 || len > BODY_MAX)
		return -EBADMSG;
	ke->group = get_unaligned_be16(body);
	ke->len = len - 4;
	ke->data = body + 4;
	return 0;
}

int ike_parse_nonce(const u8 *body, size_t len, const u8 **nonce, u16 *nlen)
{
	if (len < IKE_NONCE_MIN || len > IKE_NONCE_MAX)
		return -EBADMSG;
	*nonce = body;
	*nlen = len;
	return 0;
}

int ike_parse_id(const u8 *body, size_t len, struct ike_id *id)
{
	if (len <= 4 || len > BODY_MAX)
		return -EBADMSG;
	id->type = body[0];
	id->len = len - 4;
	id->data = body + 4;
	id->body_len = len;
	id->body = body;
	return 0;
}

int ike_parse_auth(const u8 *body, size_t len, struct ike_auth *auth)
{
	if (len <= 4 || len > BODY_MAX)
		return -EBADMSG;
	auth->method = body[0];
	auth->len = len - 4;
	auth->data = body + 4;
	return 0;
}

int ike_parse_cert(const u8 *body, size_t len, struct ike_cert *cert)
{
	if (len < 2 || len > BODY_MAX)
		return -EBADMSG;
	cert->encoding = body[0];
	cert->len = len - 1;
	cert->data = body + 1;
	return 0;
}

int ike_parse_notify(const u8 *body, size_t len, struct ike_notify *n)
{
	u8 spi_len;

	if (len < 4 || len > BODY_MAX)
		return -EBADMSG;
	spi_len = body[1];
	if (spi_len != 0 && spi_len != 4 && spi_len != 8)
		return -EBADMSG;
	if (len - 4 < spi_len)
		return -EBADMSG;
	n->protocol = body[0];
	n->spi_len = spi_len;
	n->type = get_unaligned_be16(body + 2);
	n->spi = body + 4;
	n->len = len - 4 - spi_len;
	n->data = body + 4 + spi_len;
	return 0;
}

int ike_parse_delete(const u8 *body, size_t len, struct ike_delete *d)
{
	u8 protocol, spi_len;
	u16 nspi;

	if (len < 4 || len > BODY_MAX)
		return -EBADMSG;
	protocol = body[0];
	spi_len = body[1];
	nspi = get_unaligned_be16(body + 2);

	switch (protocol) {
	case IKE_PROTO_IKE:	/* §3.11: the IKE SA of this message, no SPI */
		if (spi_len != 0 || nspi != 0)
			return -EBADMSG;
		break;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		if (spi_len != 4)
			return -EBADMSG;
		break;
	default:
		return -EBADMSG;
	}
	if (len - 4 != (size_t)nspi * spi_len)
		return -EBADMSG;

	d->protocol = protocol;
	d->spi_len = spi_len;
	d->nspi = nspi;
	d->spis = body + 4;
	return 0;
}

/* Address length of a selector type we understand, 0 for any other. */
static size_t ts_addr_len(u8 type)
{
	if (type == IKE_TS_IPV4_RANGE)
		return 4;
	if (type == IKE_TS_IPV6_RANGE)
		return 16;
	return 0;
}

static void ts_fill(const u8 *p, size_t alen, struct ike_ts *ts)
{
	ts->type = p[0];
	ts->proto = p[1];
	ts->start_port = get_unaligned_be16(p + 4);
	ts->end_port = get_unaligned_be16(p + 6);
	memset(ts->start, 0, sizeof(ts->start));
	memset(ts->end, 0, sizeof(ts->end));
	memcpy(ts->start, p + TS_HDR_LEN, alen);
	memcpy(ts->end, p + TS_HDR_LEN + alen, alen);
}

/*
 * §3.13.  Selectors of a type other than 7/8 (e.g. TS_SECLABEL) are length
 * checked and then make the payload -EOPNOTSUPP (the engine answers
 * TS_UNACCEPTABLE); a malformed payload is -EBADMSG whatever it contains.
 */
int ike_parse_ts(const u8 *body, size_t len, struct ike_ts_payload *ts)
{
	bool unknown = false;
	unsigned int i, n;
	size_t slen, alen;

	ts->nts = 0;
	if (len < 4 || len > BODY_MAX)
		return -EBADMSG;
	n = body[0];
	if (!n)
		return -EBADMSG;
	if (n > IKE_MAX_TS)
		return -E2BIG;
	body += 4;
	len -= 4;

	for (i = 0; i < n; i++) {
		if (len < TS_HDR_LEN)
			return -EBADMSG;
		slen = get_unaligned_be16(body + 2);
		alen = ts_addr_len(body[0]);
		if (slen < TS_HDR_LEN || slen > len)
			return -EBADMSG;
		if (alen && slen != TS_HDR_LEN + 2 * alen)
			return -EBADMSG;
		if (alen)
			ts_fill(body, alen, &ts->ts[ts->nts++]);
		else
			unknown = true;
		body += slen;
		len -= slen;
	}
	if (len)
		return -EBADMSG;
	return unknown ? -EOPNOTSUPP : 0;
}

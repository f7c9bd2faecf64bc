// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 message builders (RFC 7296 §3).
 *
 * Every append is bounds checked against b->cap: the first one that does not
 * fit sets b->err = -ENOSPC and from then on nothing is written, so callers
 * build a whole message and test ike_buf_finish() once.  An argument the wire
 * format cannot carry (no proposal or selector at all, more of them than the
 * IKE_MAX_* limits, an SPI size other than 0/4/8, an unknown selector type)
 * sets b->err = -EINVAL.
 */
#include "ikev2_wire.h"

/* No next-payload field to patch: before the header, after ike_sk_end(). */
#define NP_NONE		((size_t)-1)

#define HDR_NP		16
#define HDR_LENGTH	24
#define PL_LEN_OFF	2	/* payload length inside a generic header */

#define SUB_LAST	0
#define PROP_MORE	2
#define TRANS_MORE	3

static void buf_fail(struct ike_buf *b, int err)
{
	if (!b->err)
		b->err = err;
}

/* Reserve n bytes; NULL (and b->err set) if they do not fit. */
static u8 *buf_reserve(struct ike_buf *b, size_t n)
{
	u8 *p;

	if (b->err)
		return NULL;
	if (n > b->cap - b->len) {
		buf_fail(b, -ENOSPC);
		return NULL;
	}
	p = b->data + b->len;
	b->len += n;
	return p;
}

/* Patch a 16-bit length at off with the bytes from start to the end. */
static void buf_patch_len16(struct ike_buf *b, size_t off, size_t start)
{
	size_t n;

	if (b->err)
		return;
	if (off + 2 > b->len || start > b->len) {
		buf_fail(b, -EINVAL);
		return;
	}
	n = b->len - start;
	if (n > 0xffff) {
		buf_fail(b, -ENOSPC);
		return;
	}
	put_unaligned_be16(n, b->data + off);
}

void ike_buf_init(struct ike_buf *b, u8 *mem, size_t cap)
{
	b->data = mem;
	b->len = 0;
	b->cap = cap;
	b->np_off = NP_NONE;
	b->err = 0;
}

void ike_put_bytes(struct ike_buf *b, const void *p, size_t n)
{
	u8 *dst = buf_reserve(b, n);

	if (dst && n)
		memcpy(dst, p, n);
}

static void put_zero(struct ike_buf *b, size_t n)
{
	u8 *dst = buf_reserve(b, n);

	if (dst && n)
		memset(dst, 0, n);
}

void ike_put_u8(struct ike_buf *b, u8 v)
{
	u8 *dst = buf_reserve(b, 1);

	if (dst)
		*dst = v;
}

void ike_put_u16(struct ike_buf *b, u16 v)
{
	u8 *dst = buf_reserve(b, 2);

	if (dst)
		put_unaligned_be16(v, dst);
}

void ike_put_u32(struct ike_buf *b, u32 v)
{
	u8 *dst = buf_reserve(b, 4);

	if (dst)
		put_unaligned_be32(v, dst);
}

void ike_put_header(struct ike_buf *b, const u8 *spi_i, const u8 *spi_r,
		    u8 exchange, u8 flags, u32 msgid)
{
	size_t start = b->len;

	ike_put_bytes(b, spi_i, IKE_SPI_LEN);
	ike_put_bytes(b, spi_r, IKE_SPI_LEN);
	ike_put_u8(b, IKE_PL_NONE);
	ike_put_u8(b, IKE_VERSION_2);
	ike_put_u8(b, exchange);
	ike_put_u8(b, flags);
	ike_put_u32(b, msgid);
	ike_put_u32(b, 0);
	if (!b->err)
		b->np_off = start + HDR_NP;
}

size_t ike_pl_begin(struct ike_buf *b, u8 type, bool critical)
{
	size_t off = b->len;

	if (b->err)
		return off;
	if (b->cap - b->len < IKE_GENERIC_HDR_LEN) {
		buf_fail(b, -ENOSPC);
		return off;
	}
	if (b->np_off != NP_NONE)
		b->data[b->np_off] = type;
	ike_put_u8(b, IKE_PL_NONE);
	ike_put_u8(b, critical ? IKE_PL_CRITICAL : 0);
	ike_put_u16(b, 0);
	b->np_off = off;
	return off;
}

void ike_pl_end(struct ike_buf *b, size_t off)
{
	buf_patch_len16(b, off + PL_LEN_OFF, off);
}

int ike_buf_finish(struct ike_buf *b)
{
	if (b->err)
		return b->err;
	if (b->len < IKE_HDR_LEN) {
		buf_fail(b, -EINVAL);
		return b->err;
	}
	put_unaligned_be32(b->len, b->data + HDR_LENGTH);
	return 0;
}

static void put_transform(struct ike_buf *b, const struct ike_transform *t, bool last)
{
	ike_put_u8(b, last ? SUB_LAST : TRANS_MORE);
	ike_put_u8(b, 0);
	ike_put_u16(b, t->keylen ? 12 : 8);
	ike_put_u8(b, t->type);
	ike_put_u8(b, 0);
	ike_put_u16(b, t->id);
	if (t->keylen) {
		ike_put_u16(b, IKE_ATTR_TV | IKE_ATTR_KEYLEN);
		ike_put_u16(b, t->keylen);
	}
}

static void put_proposal(struct ike_buf *b, const struct ike_proposal *p, bool last)
{
	size_t start = b->len;
	unsigned int i;

	if (p->spi_len != 0 && p->spi_len != 4 && p->spi_len != 8) {
		buf_fail(b, -EINVAL);
		return;
	}
	if (p->ntransforms > IKE_MAX_TRANSFORMS) {
		buf_fail(b, -EINVAL);
		return;
	}
	ike_put_u8(b, last ? SUB_LAST : PROP_MORE);
	ike_put_u8(b, 0);
	ike_put_u16(b, 0);
	ike_put_u8(b, p->num);
	ike_put_u8(b, p->protocol);
	ike_put_u8(b, p->spi_len);
	ike_put_u8(b, p->ntransforms);
	ike_put_bytes(b, p->spi, p->spi_len);
	for (i = 0; i < p->ntransforms; i++)
		put_transform(b, &p->t[i], i + 1 == p->ntransforms);
	buf_patch_len16(b, start + PL_LEN_OFF, start);
}

void ike_add_sa(struct ike_buf *b, const struct ike_sa_payload *sa)
{
	unsigned int i;
	size_t off;

	if (!sa->nproposals || sa->nproposals > IKE_MAX_PROPOSALS) {
		buf_fail(b, -EINVAL);
		return;
	}
	off = ike_pl_begin(b, IKE_PL_SA, false);
	for (i = 0; i < sa->nproposals; i++)
		put_proposal(b, &sa->p[i], i + 1 == sa->nproposals);
	ike_pl_end(b, off);
}

void ike_add_ke(struct ike_buf *b, u16 group, const u8 *data, size_t len)
{
	size_t off = ike_pl_begin(b, IKE_PL_KE, false);

	ike_put_u16(b, group);
	ike_put_u16(b, 0);
	ike_put_bytes(b, data, len);
	ike_pl_end(b, off);
}

void ike_add_nonce(struct ike_buf *b, const u8 *nonce, size_t len)
{
	size_t off = ike_pl_begin(b, IKE_PL_NONCE, false);

	ike_put_bytes(b, nonce, len);
	ike_pl_end(b, off);
}

/* ID and AUTH share a layout: one type byte, three reserved, the data. */
static void add_typed(struct ike_buf *b, u8 pl_type, u8 type, const u8 *data, size_t len)
{
	size_t off = ike_pl_begin(b, pl_type, false);

	ike_put_u8(b, type);
	put_zero(b, 3);
	ike_put_bytes(b, data, len);
	ike_pl_end(b, off);
}

void ike_add_id(struct ike_buf *b, u8 type, u8 id_type, const u8 *data, size_t len)
{
	add_typed(b, type, id_type, data, len);
}

void ike_add_auth(struct ike_buf *b, u8 method, const u8 *data, size_t len)
{
	add_typed(b, IKE_PL_AUTH, method, data, len);
}

void ike_add_cert(struct ike_buf *b, u8 type, u8 encoding, const u8 *data, size_t len)
{
	size_t off = ike_pl_begin(b, type, false);

	ike_put_u8(b, encoding);
	ike_put_bytes(b, data, len);
	ike_pl_end(b, off);
}

void ike_add_notify(struct ike_buf *b, u8 protocol, const u8 *spi, u8 spi_len,
		    u16 type, const u8 *data, size_t len)
{
	size_t off;

	if (spi_len != 0 && spi_len != 4 && spi_len != 8) {
		buf_fail(b, -EINVAL);
		return;
	}
	off = ike_pl_begin(b, IKE_PL_NOTIFY, false);
	ike_put_u8(b, protocol);
	ike_put_u8(b, spi_len);
	ike_put_u16(b, type);
	ike_put_bytes(b, spi, spi_len);
	ike_put_bytes(b, data, len);
	ike_pl_end(b, off);
}

void ike_add_delete(struct ike_buf *b, u8 protocol, u8 spi_len, const u8 *spis, u16 nspi)
{
	size_t off = ike_pl_begin(b, IKE_PL_DELETE, false);

	ike_put_u8(b, protocol);
	ike_put_u8(b, spi_len);
	ike_put_u16(b, nspi);
	ike_put_bytes(b, spis, (size_t)spi_len * nspi);
	ike_pl_end(b, off);
}

static void put_selector(struct ike_buf *b, const struct ike_ts *ts)
{
	size_t alen;

	if (ts->type == IKE_TS_IPV4_RANGE) {
		alen = 4;
	} else if (ts->type == IKE_TS_IPV6_RANGE) {
		alen = 16;
	} else {
		buf_fail(b, -EINVAL);
		return;
	}
	ike_put_u8(b, ts->type);
	ike_put_u8(b, ts->proto);
	ike_put_u16(b, 8 + 2 * alen);
	ike_put_u16(b, ts->start_port);
	ike_put_u16(b, ts->end_port);
	ike_put_bytes(b, ts->start, alen);
	ike_put_bytes(b, ts->end, alen);
}

void ike_add_ts(struct ike_buf *b, u8 type, const struct ike_ts_payload *ts)
{
	unsigned int i;
	size_t off;

	if (!ts->nts || ts->nts > IKE_MAX_TS) {
		buf_fail(b, -EINVAL);
		return;
	}
	off = ike_pl_begin(b, type, false);
	ike_put_u8(b, ts->nts);
	put_zero(b, 3);
	for (i = 0; i < ts->nts; i++)
		put_selector(b, &ts->ts[i]);
	ike_pl_end(b, off);
}

size_t ike_sk_begin(struct ike_buf *b, size_t iv_len)
{
	size_t off = ike_pl_begin(b, IKE_PL_SK, false);

	/* The SK header's next-payload field now names the first inner payload. */
	put_zero(b, iv_len);
	return off;
}

void ike_sk_end(struct ike_buf *b, size_t sk_off)
{
	/*
	 * Nothing may follow SK; the lengths are provisional (no padding or
	 * ICV yet) until the crypto layer seals the payload.
	 */
	b->np_off = NP_NONE;
	ike_pl_end(b, sk_off);
	if (!b->err && b->len >= IKE_HDR_LEN)
		put_unaligned_be32(b->len, b->data + HDR_LENGTH);
}

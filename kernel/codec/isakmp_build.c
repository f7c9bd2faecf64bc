// SPDX-License-Identifier: GPL-2.0
/*
 * ISAKMP / IKEv1 message builders (RFC 2408 §3, RFC 2407 §4.6).
 *
 * Every append is checked against b->cap; the first one that does not fit
 * sets b->err = -ENOSPC and nothing more is written, so a caller builds a
 * whole message and checks isakmp_buf_finish() once.  An argument the wire
 * cannot carry (an SPI longer than ISAKMP_MAX_SPI, more proposals than
 * ISAKMP_MAX_PROPOSALS, a Delete without SPIs) sets -EINVAL.
 */
#include "isakmp_wire.h"

/* No next-payload field to patch: before the header, after isakmp_chain_end(). */
#define NP_NONE		((size_t)-1)

#define HDR_NP		16
#define HDR_LENGTH	24
#define PL_LEN_OFF	2	/* payload length inside a generic header */

static void buf_fail(struct isakmp_buf *b, int err)
{
	if (!b->err)
		b->err = err;
}

/* Reserve n bytes; NULL (and b->err set) if they do not fit. */
static u8 *buf_reserve(struct isakmp_buf *b, size_t n)
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

void isakmp_buf_init(struct isakmp_buf *b, u8 *mem, size_t cap)
{
	b->data = mem;
	b->len = 0;
	b->cap = cap;
	b->np_off = NP_NONE;
	b->err = 0;
}

void isakmp_put_bytes(struct isakmp_buf *b, const void *p, size_t n)
{
	u8 *dst = buf_reserve(b, n);

	if (!dst || !n)
		return;
	if (p)
		memcpy(dst, p, n);
	else
		memset(dst, 0, n);
}

void isakmp_put_u8(struct isakmp_buf *b, u8 v)
{
	u8 *dst = buf_reserve(b, 1);

	if (dst)
		*dst = v;
}

void isakmp_put_u16(struct isakmp_buf *b, u16 v)
{
	u8 *dst = buf_reserve(b, 2);

	if (dst)
		put_unaligned_be16(v, dst);
}

void isakmp_put_u32(struct isakmp_buf *b, u32 v)
{
	u8 *dst = buf_reserve(b, 4);

	if (dst)
		put_unaligned_be32(v, dst);
}

void isakmp_put_header(struct isakmp_buf *b, const u8 *cky_i, const u8 *cky_r,
		       u8 exchange, u8 flags, u32 msgid)
{
	size_t start = b->len;

	isakmp_put_bytes(b, cky_i, ISAKMP_COOKIE_LEN);
	isakmp_put_bytes(b, cky_r, ISAKMP_COOKIE_LEN);
	isakmp_put_u8(b, ISAKMP_PL_NONE);
	isakmp_put_u8(b, ISAKMP_VERSION_1);
	isakmp_put_u8(b, exchange);
	isakmp_put_u8(b, flags);
	isakmp_put_u32(b, msgid);
	isakmp_put_u32(b, 0);
	if (!b->err)
		b->np_off = start + HDR_NP;
}

/* A generic header with next payload np and length 0; returns its offset. */
static size_t put_generic(struct isakmp_buf *b, u8 np)
{
	size_t off = b->len;

	isakmp_put_u8(b, np);
	isakmp_put_u8(b, 0);
	isakmp_put_u16(b, 0);
	return off;
}

size_t isakmp_pl_begin(struct isakmp_buf *b, u8 type)
{
	size_t off = b->len;

	if (b->err)
		return off;
	if (b->cap - b->len < ISAKMP_GENERIC_HDR_LEN) {
		buf_fail(b, -ENOSPC);
		return off;
	}
	if (b->np_off != NP_NONE)
		b->data[b->np_off] = type;
	put_generic(b, ISAKMP_PL_NONE);
	b->np_off = off;
	return off;
}

void isakmp_pl_end(struct isakmp_buf *b, size_t off)
{
	size_t n;

	if (b->err)
		return;
	if (off > b->len || b->len - off < ISAKMP_GENERIC_HDR_LEN) {
		buf_fail(b, -EINVAL);
		return;
	}
	n = b->len - off;
	if (n > 0xffff) {
		buf_fail(b, -ENOSPC);
		return;
	}
	put_unaligned_be16(n, b->data + off + PL_LEN_OFF);
}

void isakmp_chain_end(struct isakmp_buf *b)
{
	b->np_off = NP_NONE;
}

int isakmp_buf_finish(struct isakmp_buf *b)
{
	if (b->err)
		return b->err;
	if (b->len < ISAKMP_HDR_LEN) {
		buf_fail(b, -EINVAL);
		return b->err;
	}
	if (b->len > ISAKMP_MAX_MSG) {
		buf_fail(b, -ENOSPC);
		return b->err;
	}
	put_unaligned_be32(b->len, b->data + HDR_LENGTH);
	return 0;
}

size_t isakmp_sa_begin(struct isakmp_buf *b, u32 doi, u32 situation)
{
	size_t off = isakmp_pl_begin(b, ISAKMP_PL_SA);

	isakmp_put_u32(b, doi);
	isakmp_put_u32(b, situation);
	return off;
}

/* Proposals and transforms are not linked into the message's chain. */
size_t isakmp_prop_begin(struct isakmp_buf *b, u8 num, u8 protocol, const u8 *spi,
			 u8 spi_len, u8 ntransforms, bool last)
{
	size_t off = b->len;

	if (spi_len > ISAKMP_MAX_SPI || !ntransforms) {
		buf_fail(b, -EINVAL);
		return off;
	}
	put_generic(b, last ? ISAKMP_PL_NONE : ISAKMP_PL_P);
	isakmp_put_u8(b, num);
	isakmp_put_u8(b, protocol);
	isakmp_put_u8(b, spi_len);
	isakmp_put_u8(b, ntransforms);
	isakmp_put_bytes(b, spi, spi_len);
	return off;
}

size_t isakmp_trans_begin(struct isakmp_buf *b, u8 num, u8 id, bool last)
{
	size_t off = put_generic(b, last ? ISAKMP_PL_NONE : ISAKMP_PL_T);

	isakmp_put_u8(b, num);
	isakmp_put_u8(b, id);
	isakmp_put_u16(b, 0);
	return off;
}

void isakmp_put_attr_tv(struct isakmp_buf *b, u16 type, u16 value)
{
	isakmp_put_u16(b, ISAKMP_ATTR_AF | (type & ISAKMP_ATTR_TYPE_MASK));
	isakmp_put_u16(b, value);
}

void isakmp_put_attr_tlv(struct isakmp_buf *b, u16 type, const u8 *data, u16 len)
{
	isakmp_put_u16(b, type & ISAKMP_ATTR_TYPE_MASK);
	isakmp_put_u16(b, len);
	isakmp_put_bytes(b, data, len);
}

void isakmp_put_attr(struct isakmp_buf *b, u16 type, u32 value)
{
	u8 v[4];

	if (value <= 0xffff) {
		isakmp_put_attr_tv(b, type, value);
		return;
	}
	put_unaligned_be32(value, v);
	isakmp_put_attr_tlv(b, type, v, sizeof(v));
}

/* A parsed transform's attributes, each in the form it came in. */
static void put_attrs(struct isakmp_buf *b, const struct isakmp_transform *t)
{
	struct isakmp_attr a;
	size_t pos = 0;
	int ret;

	while ((ret = isakmp_attr_next(t, &pos, &a)) == 1) {
		if (a.tv)
			isakmp_put_attr_tv(b, a.type, a.value);
		else
			isakmp_put_attr_tlv(b, a.type, a.data, a.len);
	}
	if (ret < 0)
		buf_fail(b, -EINVAL);
}

static void put_proposal(struct isakmp_buf *b, const struct isakmp_proposal *p, bool last)
{
	const struct isakmp_transform *t;
	size_t off, toff;
	unsigned int i;

	if (p->ntransforms > ISAKMP_MAX_TRANSFORMS) {
		buf_fail(b, -EINVAL);
		return;
	}
	off = isakmp_prop_begin(b, p->num, p->protocol, p->spi, p->spi_len,
				p->ntransforms, last);
	for (i = 0; i < p->ntransforms; i++) {
		t = &p->t[i];
		toff = isakmp_trans_begin(b, t->num, t->id, i + 1 == p->ntransforms);
		put_attrs(b, t);
		isakmp_pl_end(b, toff);
	}
	isakmp_pl_end(b, off);
}

void isakmp_add_sa(struct isakmp_buf *b, const struct isakmp_sa *sa)
{
	unsigned int i;
	size_t off;

	if (!sa->nproposals || sa->nproposals > ISAKMP_MAX_PROPOSALS) {
		buf_fail(b, -EINVAL);
		return;
	}
	off = isakmp_sa_begin(b, sa->doi, sa->situation);
	for (i = 0; i < sa->nproposals; i++)
		put_proposal(b, &sa->p[i], i + 1 == sa->nproposals);
	isakmp_pl_end(b, off);
}

size_t isakmp_add_opaque(struct isakmp_buf *b, u8 type, const u8 *data, size_t len)
{
	size_t off = isakmp_pl_begin(b, type);

	isakmp_put_bytes(b, data, len);
	isakmp_pl_end(b, off);
	return off + ISAKMP_GENERIC_HDR_LEN;
}

void isakmp_add_ke(struct isakmp_buf *b, const u8 *data, size_t len)
{
	isakmp_add_opaque(b, ISAKMP_PL_KE, data, len);
}

void isakmp_add_nonce(struct isakmp_buf *b, const u8 *nonce, size_t len)
{
	isakmp_add_opaque(b, ISAKMP_PL_NONCE, nonce, len);
}

void isakmp_add_id(struct isakmp_buf *b, u8 id_type, u8 protocol, u16 port,
		   const u8 *data, size_t len)
{
	size_t off = isakmp_pl_begin(b, ISAKMP_PL_ID);

	isakmp_put_u8(b, id_type);
	isakmp_put_u8(b, protocol);
	isakmp_put_u16(b, port);
	isakmp_put_bytes(b, data, len);
	isakmp_pl_end(b, off);
}

void isakmp_add_typed(struct isakmp_buf *b, u8 type, u8 enc, const u8 *data, size_t len)
{
	size_t off = isakmp_pl_begin(b, type);

	isakmp_put_u8(b, enc);
	isakmp_put_bytes(b, data, len);
	isakmp_pl_end(b, off);
}

void isakmp_add_notify(struct isakmp_buf *b, u32 doi, u8 protocol, const u8 *spi,
		       u8 spi_len, u16 type, const u8 *data, size_t len)
{
	size_t off;

	if (spi_len > ISAKMP_MAX_SPI) {
		buf_fail(b, -EINVAL);
		return;
	}
	off = isakmp_pl_begin(b, ISAKMP_PL_N);
	isakmp_put_u32(b, doi);
	isakmp_put_u8(b, protocol);
	isakmp_put_u8(b, spi_len);
	isakmp_put_u16(b, type);
	isakmp_put_bytes(b, spi, spi_len);
	isakmp_put_bytes(b, data, len);
	isakmp_pl_end(b, off);
}

void isakmp_add_delete(struct isakmp_buf *b, u32 doi, u8 protocol, u8 spi_len,
		       const u8 *spis, u16 nspi)
{
	size_t off;

	if (!nspi || !spi_len || spi_len > ISAKMP_MAX_SPI) {
		buf_fail(b, -EINVAL);
		return;
	}
	off = isakmp_pl_begin(b, ISAKMP_PL_D);
	isakmp_put_u32(b, doi);
	isakmp_put_u8(b, protocol);
	isakmp_put_u8(b, spi_len);
	isakmp_put_u16(b, nspi);
	isakmp_put_bytes(b, spis, (size_t)spi_len * nspi);
	isakmp_pl_end(b, off);
}

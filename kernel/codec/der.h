/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small DER reader (ITU-T X.690 distinguished encoding) over byte buffers,
 * for the X.509 parser.  Pure code: builds in the kernel and, through
 * compat.h, in userspace.
 *
 * Only what certificates use is accepted: one-byte tags (tag number < 31),
 * definite lengths in the shortest form, at most four length bytes.  Every
 * element read lies inside the cursor it came from.  There is no recursion:
 * callers descend explicitly with der_enter().
 */
#ifndef OAKLEY_CODEC_DER_H
#define OAKLEY_CODEC_DER_H

#include "compat.h"

/* Universal tags (constructed ones with bit 0x20 set). */
#define DER_BOOLEAN		0x01
#define DER_INTEGER		0x02
#define DER_BIT_STRING		0x03
#define DER_OCTET_STRING	0x04
#define DER_NULL		0x05
#define DER_OID			0x06
#define DER_UTC_TIME		0x17
#define DER_GEN_TIME		0x18
#define DER_SEQUENCE		0x30
#define DER_SET			0x31

/* Context-specific tags [n]: primitive (implicit) and constructed. */
#define DER_CTX(n)		(0x80 | (n))
#define DER_CTX_CONS(n)		(0xa0 | (n))

/* The largest element the reader accepts (four length bytes, below 2^31). */
#define DER_MAX_LEN		0x7fffffffu

struct der_span {
	const u8 *p;
	size_t len;
};

struct der_cursor {
	const u8 *p;
	size_t left;
};

/* One element: tag, contents, and the whole encoding (header included). */
struct der_tlv {
	u8 tag;
	struct der_span val;
	struct der_span raw;
};

static inline void der_init(struct der_cursor *c, const u8 *p, size_t len)
{
	c->p = p;
	c->left = len;
}

static inline bool der_at_end(const struct der_cursor *c)
{
	return c->left == 0;
}

/* Tag of the next element without consuming it; 0 at the end. */
static inline u8 der_peek(const struct der_cursor *c)
{
	return c->left ? c->p[0] : 0;
}

static inline void der_enter(const struct der_tlv *t, struct der_cursor *c)
{
	der_init(c, t->val.p, t->val.len);
}

int der_next(struct der_cursor *c, struct der_tlv *t);
int der_expect(struct der_cursor *c, u8 tag, struct der_tlv *t);
int der_optional(struct der_cursor *c, u8 tag, struct der_tlv *t, bool *present);
int der_enter_seq(struct der_cursor *c, struct der_cursor *in, struct der_span *raw);

int der_boolean(const struct der_tlv *t, bool *v);
int der_integer(const struct der_tlv *t, struct der_span *mag);
int der_uint(const struct der_tlv *t, u32 max, u32 *v);
int der_bit_string(const struct der_tlv *t, struct der_span *bits, u8 *unused);
int der_null(const struct der_tlv *t);
int der_oid(const struct der_tlv *t);
int der_time(const struct der_tlv *t, s64 *secs);

bool der_span_eq(const struct der_span *a, const struct der_span *b);
bool der_oid_is(const struct der_tlv *t, const u8 *oid, size_t len);

#endif /* OAKLEY_CODEC_DER_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * DER reader for the X.509 parser: see der.h.  Every length is checked
 * against the bytes left in the enclosing element before it is used.
 */
#include "der.h"

#define DER_MAX_OID_LEN		64

/* Reads the length octets after the tag; *hdr is set to the header size. */
static int der_length(const struct der_cursor *c, size_t *len, size_t *hdr)
{
	size_t n, i;
	u32 v = 0;

	if (!(c->p[1] & 0x80)) {
		*len = c->p[1];
		*hdr = 2;
		return 0;
	}
	n = c->p[1] & 0x7f;
	/* 0x80 is the indefinite form (BER only); more than 4 bytes: too big. */
	if (n == 0 || n > 4 || c->left - 2 < n)
		return -EBADMSG;
	if (c->p[2] == 0)
		return -EBADMSG;	/* not the shortest form */
	for (i = 0; i < n; i++)
		v = v << 8 | c->p[2 + i];
	if (v < 0x80 || v > DER_MAX_LEN)
		return -EBADMSG;
	*len = v;
	*hdr = 2 + n;
	return 0;
}

int der_next(struct der_cursor *c, struct der_tlv *t)
{
	size_t len, hdr;
	int rc;

	if (c->left < 2)
		return -EBADMSG;
	t->tag = c->p[0];
	/* Tag 0 ends BER indefinite forms; 0x1f starts a multi-byte tag. */
	if (t->tag == 0 || (t->tag & 0x1f) == 0x1f)
		return -EBADMSG;
	rc = der_length(c, &len, &hdr);
	if (rc)
		return rc;
	if (len > c->left - hdr)
		return -EBADMSG;
	t->raw.p = c->p;
	t->raw.len = hdr + len;
	t->val.p = c->p + hdr;
	t->val.len = len;
	c->p += hdr + len;
	c->left -= hdr + len;
	return 0;
}

int der_expect(struct der_cursor *c, u8 tag, struct der_tlv *t)
{
	int rc = der_next(c, t);

	if (rc)
		return rc;
	return t->tag == tag ? 0 : -EBADMSG;
}

/* Reads the next element if it has this tag; *present says whether it did. */
int der_optional(struct der_cursor *c, u8 tag, struct der_tlv *t, bool *present)
{
	*present = false;
	if (der_at_end(c) || der_peek(c) != tag)
		return 0;
	*present = true;
	return der_expect(c, tag, t);
}

/* Reads a SEQUENCE and opens it in *in; *raw (if not NULL) gets its bytes. */
int der_enter_seq(struct der_cursor *c, struct der_cursor *in, struct der_span *raw)
{
	struct der_tlv t;
	int rc = der_expect(c, DER_SEQUENCE, &t);

	if (rc)
		return rc;
	der_enter(&t, in);
	if (raw)
		*raw = t.raw;
	return 0;
}

int der_boolean(const struct der_tlv *t, bool *v)
{
	if (t->tag != DER_BOOLEAN || t->val.len != 1)
		return -EBADMSG;
	if (t->val.p[0] != 0 && t->val.p[0] != 0xff)
		return -EBADMSG;
	*v = t->val.p[0] != 0;
	return 0;
}

/* An INTEGER in its shortest form; *mag gets the contents octets. */
int der_integer(const struct der_tlv *t, struct der_span *mag)
{
	const u8 *p = t->val.p;

	if (t->tag != DER_INTEGER || t->val.len == 0)
		return -EBADMSG;
	if (t->val.len > 1 && ((p[0] == 0 && !(p[1] & 0x80)) ||
			       (p[0] == 0xff && (p[1] & 0x80))))
		return -EBADMSG;
	*mag = t->val;
	return 0;
}

/* A non-negative INTEGER no larger than max. */
int der_uint(const struct der_tlv *t, u32 max, u32 *v)
{
	struct der_span m;
	size_t i;
	u32 x = 0;
	int rc = der_integer(t, &m);

	if (rc)
		return rc;
	if (m.p[0] & 0x80)
		return -EBADMSG;
	if (m.p[0] == 0) {
		m.p++;
		m.len--;
	}
	if (m.len > 4)
		return -E2BIG;
	for (i = 0; i < m.len; i++)
		x = x << 8 | m.p[i];
	if (x > max)
		return -E2BIG;
	*v = x;
	return 0;
}

/* A BIT STRING: *bits are the content bytes after the unused-bits count. */
int der_bit_string(const struct der_tlv *t, struct der_span *bits, u8 *unused)
{
	u8 u;

	if (t->tag != DER_BIT_STRING || t->val.len == 0)
		return -EBADMSG;
	u = t->val.p[0];
	if (u > 7 || (t->val.len == 1 && u != 0))
		return -EBADMSG;
	/* DER: the unused bits of the last byte are zero. */
	if (u && (t->val.p[t->val.len - 1] & ((1u << u) - 1)))
		return -EBADMSG;
	bits->p = t->val.p + 1;
	bits->len = t->val.len - 1;
	*unused = u;
	return 0;
}

int der_null(const struct der_tlv *t)
{
	return t->tag == DER_NULL && t->val.len == 0 ? 0 : -EBADMSG;
}

/* An OBJECT IDENTIFIER whose subidentifiers are each in the shortest form. */
int der_oid(const struct der_tlv *t)
{
	size_t i;

	if (t->tag != DER_OID || t->val.len == 0 || t->val.len > DER_MAX_OID_LEN)
		return -EBADMSG;
	if (t->val.p[t->val.len - 1] & 0x80)
		return -EBADMSG;
	for (i = 0; i < t->val.len; i++)
		if (t->val.p[i] == 0x80 && (i == 0 || !(t->val.p[i - 1] & 0x80)))
			return -EBADMSG;
	return 0;
}

bool der_span_eq(const struct der_span *a, const struct der_span *b)
{
	return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

bool der_oid_is(const struct der_tlv *t, const u8 *oid, size_t len)
{
	return t->tag == DER_OID && t->val.len == len && !memcmp(t->val.p, oid, len);
}

/* n decimal digits at p; -1 if any is not a digit. */
static int der_digits(const u8 *p, unsigned int n)
{
	int v = 0;

	while (n--) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

static bool der_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int der_mdays(int y, int m)
{
	static const u8 mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return mdays[m - 1] + (m == 2 && der_leap(y));
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, 1 <= y). */
static s64 der_days(int y, int m, int d)
{
	static const u16 before[12] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};
	s64 leaps = (s64)(y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
	s64 leaps1970 = 1969 / 4 - 1969 / 100 + 1969 / 400;

	return (s64)(y - 1970) * 365 + (leaps - leaps1970) + before[m - 1] +
	       (m > 2 && der_leap(y)) + d - 1;
}

/*
 * UTCTime YYMMDDHHMMSSZ (YY < 50 is 20YY, RFC 5280 4.1.2.5.1) or
 * GeneralizedTime YYYYMMDDHHMMSSZ, in seconds since the epoch.  Seconds
 * and the Z are required and fractions refused, as RFC 5280 demands.
 */
int der_time(const struct der_tlv *t, s64 *secs)
{
	const u8 *p = t->val.p;
	int y, mo, d, h, mi, s;

	if (t->tag == DER_UTC_TIME && t->val.len == 13) {
		y = der_digits(p, 2);
		if (y < 0)
			return -EBADMSG;
		y += y < 50 ? 2000 : 1900;
		p += 2;
	} else if (t->tag == DER_GEN_TIME && t->val.len == 15) {
		y = der_digits(p, 4);
		p += 4;
	} else {
		return -EBADMSG;
	}
	mo = der_digits(p, 2);
	d = der_digits(p + 2, 2);
	h = der_digits(p + 4, 2);
	mi = der_digits(p + 6, 2);
	s = der_digits(p + 8, 2);
	if (p[10] != 'Z' || y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || s < 0 || s > 59 || d > der_mdays(y, mo))
		return -EBADMSG;
	*secs = der_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit tests for the IKEv2 wire codec; TAP output.
 *
 * Hand-built byte strings for every payload (valid and every malformed
 * length), build -> parse -> build round trips, an IKE_SA_INIT request
 * written out from the RFC 7296 field layouts, overflow and limits.
 */
#include <stdarg.h>
#include "codec_util.h"

static unsigned int ntests, nfailed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	ntests++;
	if (!cond)
		nfailed++;
	printf("%sok %u - ", cond ? "" : "not ", ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ok() on an expected return value, printing the actual one on failure. */
#define rc_is(got, want, ...) do {					\
	int g_ = (got), w_ = (want);					\
	if (g_ != w_)							\
		printf("# got %d, want %d\n", g_, w_);			\
	ok(g_ == w_, __VA_ARGS__);					\
} while (0)

/* ---- byte-string assembly for hand-built vectors ---- */

struct bytes {
	u8 b[70000];
	size_t n;
};

static void cat(struct bytes *s, const u8 *p, size_t n)
{
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

#define CAT(s, ...) do {						\
	const u8 a_[] = { __VA_ARGS__ };				\
	cat((s), a_, sizeof(a_));					\
} while (0)

static void rep(struct bytes *s, u8 v, size_t n)
{
	memset(s->b + s->n, v, n);
	s->n += n;
}

static void be16_at(struct bytes *s, size_t off, u16 v)
{
	put_unaligned_be16(v, s->b + off);
}

static const u8 spi_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const u8 spi_r[8] = { 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8 };

/* A header with first payload np and a length field patched by hdr_done(). */
static void hdr(struct bytes *s, u8 np)
{
	s->n = 0;
	cat(s, spi_i, 8);
	cat(s, spi_r, 8);
	CAT(s, np, 0x20, IKE_SA_INIT, 0x08, 0, 0, 0, 7, 0, 0, 0, 0);
}

static void hdr_done(struct bytes *s)
{
	put_unaligned_be32(s->n, s->b + 24);
}

static struct bytes v, w;
static struct ike_msg msg, msg2;
static struct typed ta, tb;
static u8 out[70000], out2[70000];

/* ---- header ---- */

static void test_header(void)
{
	hdr(&v, 0);
	hdr_done(&v);
	rc_is(ike_parse_msg(v.b, v.n, &msg), 0, "header: bare 28-byte message parses");
	ok(!memcmp(msg.spi_i, spi_i, 8) && !memcmp(msg.spi_r, spi_r, 8) &&
	   msg.exchange == IKE_SA_INIT && msg.flags == IKE_FLAG_INITIATOR &&
	   msg.msgid == 7 && msg.length == 28 && msg.version == 0x20 &&
	   msg.npayloads == 0 && msg.sk_index == -1,
	   "header: fields decoded");
	rc_is(ike_parse_header(v.b, 27, &msg), -EBADMSG, "header: 27 bytes is too short");
	rc_is(ike_parse_header(v.b, 0, &msg), -EBADMSG, "header: empty buffer");
	v.b[27] = 29;
	rc_is(ike_parse_msg(v.b, 28, &msg), -EBADMSG, "header: length field above datagram");
	v.b[27] = 27;
	rc_is(ike_parse_msg(v.b, 28, &msg), -EBADMSG, "header: length field below datagram");
	v.b[27] = 28;
	v.b[17] = 0x30;
	rc_is(ike_parse_msg(v.b, 28, &msg), -EOPNOTSUPP, "header: major version 3");
	ok(msg.exchange == IKE_SA_INIT && !memcmp(msg.spi_i, spi_i, 8),
	   "header: fields still decoded for INVALID_MAJOR_VERSION");
	v.b[17] = 0x10;
	rc_is(ike_parse_msg(v.b, 28, &msg), -EOPNOTSUPP, "header: major version 1");
	v.b[17] = 0x21;
	rc_is(ike_parse_msg(v.b, 28, &msg), 0, "header: minor version 1 accepted");
	ok(msg.version == 0x21, "header: minor version reported");
	v.b[17] = 0x20;

	/* 65536-byte message: one big unknown payload. */
	hdr(&v, 0);
	rep(&v, 0, 65536 - v.n);
	hdr_done(&v);
	rc_is(ike_parse_header(v.b, v.n, &msg), -E2BIG, "header: 65536-byte message");
}

/* ---- generic payload chain ---- */

static void test_chain(void)
{
	unsigned int i;

	/* Unknown payload 99 (critical), then a Vendor ID. */
	hdr(&v, 99);
	CAT(&v, IKE_PL_VENDOR, 0x80, 0, 6, 0xde, 0xad);
	CAT(&v, 0, 0x00, 0, 8, 1, 2, 3, 4);
	hdr_done(&v);
	rc_is(ike_parse_msg(v.b, v.n, &msg), 0, "chain: unknown + vendor parse");
	ok(msg.npayloads == 2 && msg.pl[0].type == 99 && msg.pl[0].critical &&
	   msg.pl[0].len == 2 && msg.pl[0].off == 28 && msg.pl[0].body == v.b + 32 &&
	   msg.pl[1].type == IKE_PL_VENDOR && !msg.pl[1].critical && msg.pl[1].len == 4 &&
	   msg.pl[1].off == 34, "chain: types, critical bit, offsets, lengths recorded");
	ok(ike_find(&msg, IKE_PL_VENDOR) == &msg.pl[1] && !ike_find(&msg, IKE_PL_SA),
	   "chain: ike_find");

	w = v;
	be16_at(&w, 30, 3);
	rc_is(ike_parse_msg(w.b, w.n, &msg), -EBADMSG, "chain: payload length 3");
	be16_at(&w, 30, 0);
	rc_is(ike_parse_msg(w.b, w.n, &msg), -EBADMSG, "chain: payload length 0");
	w = v;
	be16_at(&w, 36, 9);
	rc_is(ike_parse_msg(w.b, w.n, &msg), -EBADMSG, "chain: last payload one past the end");
	be16_at(&w, 36, 7);
	rc_is(ike_parse_msg(w.b, w.n, &msg), -EBADMSG, "chain: trailing byte after the chain");
	w = v;
	w.b[34] = IKE_PL_NOTIFY;
	rc_is(ike_parse_msg(w.b, w.n, &msg), -EBADMSG, "chain: next payload but no bytes left");
	w = v;
	CAT(&w, 0, 0);
	w.b[34] = IKE_PL_NOTIFY;
	hdr_done(&w);
	rc_is(ike_parse_msg(w.b, w.n, &msg), -EBADMSG, "chain: truncated generic header");
	w = v;
	w.b[16] = 0;
	rc_is(ike_parse_msg(w.b, w.n, &msg), -EBADMSG, "chain: no payloads but bytes follow");

	/* SK last: recorded with its first inner type. */
	hdr(&v, IKE_PL_NONCE);
	CAT(&v, IKE_PL_SK, 0, 0, 6, 1, 2);
	CAT(&v, IKE_PL_IDI, 0, 0, 8, 9, 9, 9, 9);
	hdr_done(&v);
	rc_is(ike_parse_msg(v.b, v.n, &msg), 0, "chain: SK last parses");
	ok(msg.sk_index == 1 && msg.sk_first_inner == IKE_PL_IDI && msg.pl[1].len == 4,
	   "chain: sk_index and sk_first_inner");
	CAT(&v, 0, 0, 0, 4);
	hdr_done(&v);
	rc_is(ike_parse_msg(v.b, v.n, &msg), -EBADMSG, "chain: SK followed by trailing payload");
	/* SKF must be last as well, but is not an SK. */
	hdr(&v, IKE_PL_SKF);
	CAT(&v, IKE_PL_IDI, 0, 0, 8, 0, 1, 0, 2);
	hdr_done(&v);
	rc_is(ike_parse_msg(v.b, v.n, &msg), 0, "chain: SKF last parses");
	ok(msg.sk_index == -1 && msg.npayloads == 1 && msg.pl[0].type == IKE_PL_SKF,
	   "chain: SKF recorded, sk_index -1");
	CAT(&v, 0, 0, 0, 4);
	hdr_done(&v);
	rc_is(ike_parse_msg(v.b, v.n, &msg), -EBADMSG, "chain: SKF not last");

	/* 48 payloads are fine, 49 are not. */
	hdr(&v, IKE_PL_VENDOR);
	for (i = 0; i < IKE_MAX_PAYLOADS; i++)
		CAT(&v, i + 1 < IKE_MAX_PAYLOADS ? IKE_PL_VENDOR : 0, 0, 0, 4);
	hdr_done(&v);
	rc_is(ike_parse_msg(v.b, v.n, &msg), 0, "chain: %d payloads", IKE_MAX_PAYLOADS);
	ok(msg.npayloads == IKE_MAX_PAYLOADS, "chain: all %d recorded", IKE_MAX_PAYLOADS);
	v.b[v.n - 4] = IKE_PL_VENDOR;
	CAT(&v, 0, 0, 0, 4);
	hdr_done(&v);
	rc_is(ike_parse_msg(v.b, v.n, &msg), -E2BIG, "chain: %d payloads", IKE_MAX_PAYLOADS + 1);

	/* Inner chain. */
	w.n = 0;
	CAT(&w, IKE_PL_AUTH, 0, 0, 9, 1, 0, 0, 0, 'a');
	CAT(&w, 0, 0, 0, 9, 2, 0, 0, 0, 0x55);
	rc_is(ike_parse_inner(w.b, w.n, IKE_PL_IDI, &msg), 0, "inner: IDi + AUTH parse");
	ok(msg.npayloads == 2 && msg.pl[0].type == IKE_PL_IDI && msg.pl[1].type == IKE_PL_AUTH &&
	   msg.pl[0].off == 0 && msg.pl[1].off == 9 && msg.sk_index == -1,
	   "inner: payloads and offsets relative to the plaintext");
	rc_is(ike_parse_inner(w.b, w.n - 1, IKE_PL_IDI, &msg), -EBADMSG, "inner: truncated");
	rc_is(ike_parse_inner(w.b, 0, IKE_PL_NONE, &msg), 0, "inner: empty chain");
	rc_is(ike_parse_inner(w.b, 4, IKE_PL_NONE, &msg), -EBADMSG, "inner: no chain, 4 bytes");
	rc_is(ike_parse_inner(v.b, IKE_MAX_MSG + 1, IKE_PL_IDI, &msg), -EBADMSG,
	      "inner: longer than any message");
	w.b[9] = IKE_PL_SK;
	CAT(&w, 0, 0, 0, 4);
	rc_is(ike_parse_inner(w.b, w.n, IKE_PL_IDI, &msg), -EBADMSG, "inner: nested SK");
}

/* ---- SA ---- */

/* One IKE proposal (num 1) with ENCR(12, 256 bits), PRF 5, INTEG 12, DH 31. */
static void sa_body(struct bytes *s)
{
	s->n = 0;
	CAT(s, 0, 0, 0, 44, 1, IKE_PROTO_IKE, 0, 4);
	CAT(s, 3, 0, 0, 12, 1, 0, 0, 12, 0x80, 0x0e, 0x01, 0x00);
	CAT(s, 3, 0, 0, 8, 2, 0, 0, 5);
	CAT(s, 3, 0, 0, 8, 3, 0, 0, 12);
	CAT(s, 0, 0, 0, 8, 4, 0, 0, 31);
}

/* The same plus a second, ESP-like proposal (num 2, SPI 4) with one transform. */
static void sa_body2(struct bytes *s)
{
	sa_body(s);
	s->b[0] = 2;
	CAT(s, 0, 0, 0, 20, 2, IKE_PROTO_ESP, 4, 1, 0xc0, 0xff, 0xee, 0x01);
	CAT(s, 0, 0, 0, 8, 1, 0, 0, 20);
}

static struct ike_sa_payload sa, sa2;

static int sa_parse_mut(size_t off, u8 val)
{
	w = v;
	w.b[off] = val;
	return ike_parse_sa(w.b, w.n, &sa);
}

static void test_sa_valid(void)
{
	const struct ike_proposal *p;

	sa_body(&v);
	rc_is(ike_parse_sa(v.b, v.n, &sa), 0, "sa: one proposal parses");
	p = &sa.p[0];
	ok(sa.nproposals == 1 && p->num == 1 && p->protocol == IKE_PROTO_IKE &&
	   p->spi_len == 0 && p->ntransforms == 4, "sa: proposal fields");
	ok(p->t[0].type == 1 && p->t[0].id == 12 && p->t[0].keylen == 256 &&
	   p->t[1].type == 2 && p->t[1].id == 5 && p->t[1].keylen == 0 &&
	   p->t[2].type == 3 && p->t[2].id == 12 && p->t[3].type == 4 && p->t[3].id == 31,
	   "sa: transform fields and key length");

	sa_body2(&v);
	rc_is(ike_parse_sa(v.b, v.n, &sa), 0, "sa: two proposals parse");
	p = &sa.p[1];
	ok(sa.nproposals == 2 && p->num == 2 && p->protocol == IKE_PROTO_ESP &&
	   p->spi_len == 4 && !memcmp(p->spi, "\xc0\xff\xee\x01\0\0\0\0", 8) &&
	   p->ntransforms == 1 && p->t[0].id == 20, "sa: second proposal with SPI");

	/* An accepted proposal in a response may carry any number. */
	sa_body(&v);
	v.b[4] = 3;
	rc_is(ike_parse_sa(v.b, v.n, &sa), 0, "sa: single proposal numbered 3");
	/* SPI size 8 (IKE rekey). */
	v.n = 0;
	CAT(&v, 0, 0, 0, 24, 1, IKE_PROTO_IKE, 8, 1, 1, 2, 3, 4, 5, 6, 7, 8);
	CAT(&v, 0, 0, 0, 8, 4, 0, 0, 31);
	rc_is(ike_parse_sa(v.b, v.n, &sa), 0, "sa: SPI size 8");
	ok(!memcmp(sa.p[0].spi, "\1\2\3\4\5\6\7\x08", 8), "sa: 8-byte SPI copied");
	/* No transforms at all. */
	v.n = 0;
	CAT(&v, 0, 0, 0, 8, 1, IKE_PROTO_IKE, 0, 0);
	rc_is(ike_parse_sa(v.b, v.n, &sa), 0, "sa: proposal with no transforms");
	ok(sa.p[0].ntransforms == 0, "sa: ntransforms 0");
}

static void test_sa_lengths(void)
{
	sa_body2(&v);
	rc_is(ike_parse_sa(v.b, 0, &sa), -EBADMSG, "sa: empty body");
	rc_is(ike_parse_sa(v.b, 7, &sa), -EBADMSG, "sa: 7 bytes");
	rc_is(sa_parse_mut(3, 7), -EBADMSG, "sa: proposal length 7");
	rc_is(sa_parse_mut(3, 43), -EBADMSG, "sa: proposal length one short");
	rc_is(sa_parse_mut(3, 45), -EBADMSG, "sa: proposal length one long");
	rc_is(sa_parse_mut(2, 1), -EBADMSG, "sa: proposal length beyond the body");
	rc_is(ike_parse_sa(v.b, v.n - 1, &sa), -EBADMSG, "sa: body one byte short");
	rc_is(sa_parse_mut(0, 0), -EBADMSG, "sa: 'last' then another proposal");
	rc_is(sa_parse_mut(0, 1), -EBADMSG, "sa: proposal last/more 1");
	rc_is(sa_parse_mut(0, 3), -EBADMSG, "sa: proposal last/more 3");
	rc_is(sa_parse_mut(44, 2), -EBADMSG, "sa: 'more' but no proposal follows");
	w = v;
	w.b[44] = 2;
	rc_is(ike_parse_sa(w.b, 44, &sa), -EBADMSG, "sa: 'more' at the end of the body");
	rc_is(sa_parse_mut(7, 5), -EBADMSG, "sa: transform count above the transforms");
	rc_is(sa_parse_mut(7, 3), -EBADMSG, "sa: transform count below the transforms");
	rc_is(sa_parse_mut(7, 0), -EBADMSG, "sa: transform count 0 with transforms");
	rc_is(sa_parse_mut(8 + 3, 7), -EBADMSG, "sa: transform length 7");
	rc_is(sa_parse_mut(8 + 2, 1), -EBADMSG, "sa: transform length beyond the proposal");
	rc_is(sa_parse_mut(8 + 3, 16), -EBADMSG, "sa: transform length swallowing the next");
	rc_is(sa_parse_mut(8, 2), -EBADMSG, "sa: transform 'more' value 2 (IKEv1 style)");
	rc_is(sa_parse_mut(8, 0), -EBADMSG, "sa: transform 'last' before the count");
	rc_is(sa_parse_mut(36, 3), -EBADMSG, "sa: last transform flagged 'more'");
	rc_is(sa_parse_mut(6, 3), -EBADMSG, "sa: SPI size 3");
	rc_is(sa_parse_mut(6, 16), -EBADMSG, "sa: SPI size 16");
	rc_is(sa_parse_mut(44 + 6, 8), -EBADMSG, "sa: SPI size 8 in a 4-byte room");
	v.n = 0;
	CAT(&v, 0, 0, 0, 12, 1, IKE_PROTO_IKE, 8, 0, 1, 2, 3, 4);
	rc_is(ike_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: SPI longer than the proposal");
	sa_body2(&v);
	rc_is(sa_parse_mut(44 + 4, 3), -EBADMSG, "sa: second proposal numbered 3");
	rc_is(sa_parse_mut(44 + 4, 1), -EBADMSG, "sa: second proposal numbered 1 again");
	rc_is(sa_parse_mut(4, 0), -EBADMSG, "sa: proposal number 0");
}

static void test_sa_attrs(void)
{
	sa_body(&v);
	/* ENCR keylen attribute in TLV form: the transform is unusable. */
	rc_is(sa_parse_mut(16, 0x00), -EBADMSG, "sa: TLV attribute whose value overruns");
	w = v;
	w.b[16] = 0x00;
	w.b[18] = 0;
	w.b[19] = 0;
	rc_is(ike_parse_sa(w.b, w.n, &sa), 0, "sa: Key Length as TLV (empty) still parses");
	ok(sa.p[0].ntransforms == 3 && sa.p[0].t[0].type == 2,
	   "sa: transform with a TLV Key Length dropped");
	rc_is(sa_parse_mut(17, 0x0f), 0, "sa: unknown TV attribute parses");
	ok(sa.p[0].ntransforms == 3, "sa: transform with unknown attribute dropped");
	rc_is(sa_parse_mut(18, 0), 0, "sa: Key Length 0 parses");
	ok(sa.p[0].ntransforms == 3, "sa: transform with Key Length 0 dropped");

	/* Two Key Length attributes. */
	v.n = 0;
	CAT(&v, 0, 0, 0, 24, 1, IKE_PROTO_IKE, 0, 1);
	CAT(&v, 0, 0, 0, 16, 1, 0, 0, 12, 0x80, 0x0e, 0, 128, 0x80, 0x0e, 0, 128);
	rc_is(ike_parse_sa(v.b, v.n, &sa), 0, "sa: duplicated Key Length parses");
	ok(sa.p[0].ntransforms == 0, "sa: transform with two Key Lengths dropped");
	/* TLV with a 2-byte value, well formed. */
	v.n = 0;
	CAT(&v, 0, 0, 0, 22, 1, IKE_PROTO_IKE, 0, 1);
	CAT(&v, 0, 0, 0, 14, 1, 0, 0, 12, 0x00, 0x20, 0, 2, 0xaa, 0xbb);
	rc_is(ike_parse_sa(v.b, v.n, &sa), 0, "sa: TLV attribute with value");
	ok(sa.p[0].ntransforms == 0, "sa: transform with a TLV attribute dropped");
	v.b[11] = 13;
	v.b[3] = 21;
	rc_is(ike_parse_sa(v.b, 21, &sa), -EBADMSG, "sa: TLV attribute value cut short");
	/* Truncated attribute header. */
	v.n = 0;
	CAT(&v, 0, 0, 0, 18, 1, IKE_PROTO_IKE, 0, 1);
	CAT(&v, 0, 0, 0, 10, 1, 0, 0, 12, 0x80, 0x0e);
	rc_is(ike_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: 2-byte attribute");
}

static void test_sa_limits(void)
{
	unsigned int i, n;

	for (n = IKE_MAX_PROPOSALS; n <= IKE_MAX_PROPOSALS + 1; n++) {
		v.n = 0;
		for (i = 0; i < n; i++)
			CAT(&v, i + 1 < n ? 2 : 0, 0, 0, 16, i + 1, IKE_PROTO_ESP, 0, 1,
			    0, 0, 0, 8, 1, 0, 0, 20);
		rc_is(ike_parse_sa(v.b, v.n, &sa), n > IKE_MAX_PROPOSALS ? -E2BIG : 0,
		      "sa: %u proposals", n);
	}
	for (n = IKE_MAX_TRANSFORMS; n <= IKE_MAX_TRANSFORMS + 1; n++) {
		v.n = 0;
		CAT(&v, 0, 0, 0, 0, 1, IKE_PROTO_ESP, 0, n);
		for (i = 0; i < n; i++)
			CAT(&v, i + 1 < n ? 3 : 0, 0, 0, 8, 1, 0, 0, i);
		be16_at(&v, 2, v.n);
		rc_is(ike_parse_sa(v.b, v.n, &sa), n > IKE_MAX_TRANSFORMS ? -E2BIG : 0,
		      "sa: %u transforms", n);
	}
}

/* ---- simple payloads ---- */

static void test_ke_nonce_id_auth(void)
{
	struct ike_ke ke;
	struct ike_id id;
	struct ike_auth auth;
	const u8 *p;
	u16 n;

	v.n = 0;
	CAT(&v, 0, 31, 0xff, 0xff, 9, 8, 7);
	rc_is(ike_parse_ke(v.b, v.n, &ke), 0, "ke: parses");
	ok(ke.group == 31 && ke.len == 3 && ke.data == v.b + 4, "ke: fields");
	rc_is(ike_parse_ke(v.b, 4, &ke), -EBADMSG, "ke: no key exchange data");
	rc_is(ike_parse_ke(v.b, 3, &ke), -EBADMSG, "ke: 3 bytes");
	rc_is(ike_parse_ke(v.b, 0, &ke), -EBADMSG, "ke: empty");

	v.n = 0;
	rep(&v, 0x5a, 300);
	rc_is(ike_parse_nonce(v.b, 15, &p, &n), -EBADMSG, "nonce: 15 bytes");
	rc_is(ike_parse_nonce(v.b, 16, &p, &n), 0, "nonce: 16 bytes");
	ok(p == v.b && n == 16, "nonce: pointer and length");
	rc_is(ike_parse_nonce(v.b, 256, &p, &n), 0, "nonce: 256 bytes");
	rc_is(ike_parse_nonce(v.b, 257, &p, &n), -EBADMSG, "nonce: 257 bytes");
	rc_is(ike_parse_nonce(v.b, 0, &p, &n), -EBADMSG, "nonce: empty");

	v.n = 0;
	CAT(&v, 2, 0xee, 0xee, 0xee, 'a', '.', 'b');
	rc_is(ike_parse_id(v.b, v.n, &id), 0, "id: parses");
	ok(id.type == 2 && id.len == 3 && id.data == v.b + 4 && id.body == v.b &&
	   id.body_len == 7, "id: fields, whole body kept for AUTH");
	rc_is(ike_parse_id(v.b, 4, &id), -EBADMSG, "id: no identification data");
	rc_is(ike_parse_id(v.b, 2, &id), -EBADMSG, "id: 2 bytes");

	v.n = 0;
	CAT(&v, IKE_AUTH_PSK, 0, 0, 0, 1, 2, 3, 4, 5);
	rc_is(ike_parse_auth(v.b, v.n, &auth), 0, "auth: parses");
	ok(auth.method == IKE_AUTH_PSK && auth.len == 5 && auth.data == v.b + 4, "auth: fields");
	rc_is(ike_parse_auth(v.b, 4, &auth), -EBADMSG, "auth: no authentication data");
	rc_is(ike_parse_auth(v.b, 1, &auth), -EBADMSG, "auth: 1 byte");
}

static void test_notify(void)
{
	struct ike_notify n;

	v.n = 0;
	CAT(&v, 0, 0, 0x40, 0x04, 1, 2, 3);
	rc_is(ike_parse_notify(v.b, v.n, &n), 0, "notify: no SPI parses");
	ok(n.protocol == 0 && n.spi_len == 0 && n.type == IKE_N_NAT_DETECTION_SOURCE_IP &&
	   n.len == 3 && n.data == v.b + 4, "notify: fields");
	rc_is(ike_parse_notify(v.b, 4, &n), 0, "notify: no data");
	ok(n.len == 0, "notify: empty data");
	rc_is(ike_parse_notify(v.b, 3, &n), -EBADMSG, "notify: 3 bytes");

	v.n = 0;
	CAT(&v, IKE_PROTO_ESP, 4, 0, 11, 0xc0, 0xff, 0xee, 0x01, 7);
	rc_is(ike_parse_notify(v.b, v.n, &n), 0, "notify: SPI 4 parses");
	ok(n.protocol == IKE_PROTO_ESP && n.spi_len == 4 && n.spi == v.b + 4 &&
	   n.type == IKE_N_INVALID_SPI && n.len == 1 && n.data == v.b + 8, "notify: SPI fields");
	rc_is(ike_parse_notify(v.b, 8, &n), 0, "notify: SPI exactly filling the body");
	rc_is(ike_parse_notify(v.b, 7, &n), -EBADMSG, "notify: SPI longer than the body");
	v.b[1] = 8;
	rc_is(ike_parse_notify(v.b, v.n, &n), -EBADMSG, "notify: SPI size 8 in 5 bytes");
	v.b[1] = 3;
	rc_is(ike_parse_notify(v.b, v.n, &n), -EBADMSG, "notify: SPI size 3");
	v.b[1] = 255;
	rc_is(ike_parse_notify(v.b, v.n, &n), -EBADMSG, "notify: SPI size 255");

	hdr(&v, IKE_PL_NOTIFY);
	CAT(&v, IKE_PL_NOTIFY, 0, 0, 8, 0, 0, 0x40, 0x2e);
	CAT(&v, 0, 0, 0, 8, 0, 0, 0x40, 0x0c);
	hdr_done(&v);
	rc_is(ike_parse_msg(v.b, v.n, &msg), 0, "find_notify: message parses");
	rc_is(ike_find_notify(&msg, IKE_N_MOBIKE_SUPPORTED, &n), 0, "find_notify: second found");
	ok(n.type == IKE_N_MOBIKE_SUPPORTED, "find_notify: right one returned");
	rc_is(ike_find_notify(&msg, IKE_N_COOKIE, &n), -ENOENT, "find_notify: absent");
	v.b[28 + 5] = 3;
	rc_is(ike_parse_msg(v.b, v.n, &msg), 0, "find_notify: bad notify still chains");
	rc_is(ike_find_notify(&msg, IKE_N_MOBIKE_SUPPORTED, &n), -EBADMSG,
	      "find_notify: malformed notify reported");
}

static void test_delete(void)
{
	struct ike_delete d;

	v.n = 0;
	CAT(&v, IKE_PROTO_IKE, 0, 0, 0);
	rc_is(ike_parse_delete(v.b, v.n, &d), 0, "delete: IKE SA parses");
	ok(d.protocol == IKE_PROTO_IKE && d.spi_len == 0 && d.nspi == 0, "delete: IKE fields");
	v.b[1] = 8;
	rc_is(ike_parse_delete(v.b, v.n, &d), -EBADMSG, "delete: IKE with SPI size 8");
	v.b[1] = 0;
	v.b[3] = 1;
	rc_is(ike_parse_delete(v.b, v.n, &d), -EBADMSG, "delete: IKE with an SPI count");
	rc_is(ike_parse_delete(v.b, 3, &d), -EBADMSG, "delete: 3 bytes");

	v.n = 0;
	CAT(&v, IKE_PROTO_ESP, 4, 0, 2, 1, 1, 1, 1, 2, 2, 2, 2);
	rc_is(ike_parse_delete(v.b, v.n, &d), 0, "delete: two ESP SPIs parse");
	ok(d.protocol == IKE_PROTO_ESP && d.spi_len == 4 && d.nspi == 2 && d.spis == v.b + 4,
	   "delete: ESP fields");
	rc_is(ike_parse_delete(v.b, v.n - 1, &d), -EBADMSG, "delete: SPIs one byte short");
	v.b[v.n] = 0;
	rc_is(ike_parse_delete(v.b, v.n + 1, &d), -EBADMSG, "delete: one byte too many");
	v.b[3] = 3;
	rc_is(ike_parse_delete(v.b, v.n, &d), -EBADMSG, "delete: count above the SPIs");
	v.b[3] = 0xff;
	v.b[2] = 0xff;
	rc_is(ike_parse_delete(v.b, v.n, &d), -EBADMSG, "delete: count 65535");
	v.b[2] = 0;
	v.b[3] = 1;
	v.b[1] = 8;
	rc_is(ike_parse_delete(v.b, v.n, &d), -EBADMSG, "delete: ESP with SPI size 8");
	v.b[1] = 4;
	v.b[3] = 2;
	v.b[0] = IKE_PROTO_AH;
	rc_is(ike_parse_delete(v.b, v.n, &d), 0, "delete: AH parses");
	v.b[0] = 7;
	rc_is(ike_parse_delete(v.b, v.n, &d), -EBADMSG, "delete: unknown protocol");
	v.n = 0;
	CAT(&v, IKE_PROTO_ESP, 4, 0, 0);
	rc_is(ike_parse_delete(v.b, v.n, &d), 0, "delete: ESP with no SPIs");
}

static void ts4(struct bytes *s, u8 proto, u16 sp, u16 ep, u8 a, u8 b)
{
	CAT(s, IKE_TS_IPV4_RANGE, proto, 0, 16, sp >> 8, sp & 0xff, ep >> 8, ep & 0xff,
	    10, 0, 0, a, 10, 0, 0, b);
}

static void test_ts(void)
{
	static struct ike_ts_payload ts;
	unsigned int i;

	v.n = 0;
	CAT(&v, 2, 0, 0, 0);
	ts4(&v, 17, 500, 4500, 1, 9);
	CAT(&v, IKE_TS_IPV6_RANGE, 0, 0, 40, 0, 0, 0xff, 0xff);
	rep(&v, 0, 16);
	rep(&v, 0xff, 16);
	rc_is(ike_parse_ts(v.b, v.n, &ts), 0, "ts: IPv4 + IPv6 parse");
	ok(ts.nts == 2 && ts.ts[0].type == 7 && ts.ts[0].proto == 17 &&
	   ts.ts[0].start_port == 500 && ts.ts[0].end_port == 4500 &&
	   !memcmp(ts.ts[0].start, "\x0a\0\0\x01", 4) && !memcmp(ts.ts[0].end, "\x0a\0\0\x09", 4) &&
	   ts.ts[0].start[4] == 0 && ts.ts[1].type == 8 && ts.ts[1].end_port == 0xffff &&
	   ts.ts[1].start[15] == 0 && ts.ts[1].end[0] == 0xff && ts.ts[1].end[15] == 0xff,
	   "ts: selector fields");
	rc_is(ike_parse_ts(v.b, v.n - 1, &ts), -EBADMSG, "ts: body one byte short");
	v.b[v.n] = 0;
	rc_is(ike_parse_ts(v.b, v.n + 1, &ts), -EBADMSG, "ts: trailing byte");
	w = v;
	w.b[0] = 3;
	rc_is(ike_parse_ts(w.b, w.n, &ts), -EBADMSG, "ts: count above the selectors");
	w.b[0] = 1;
	rc_is(ike_parse_ts(w.b, w.n, &ts), -EBADMSG, "ts: count below the selectors");
	w.b[0] = 0;
	rc_is(ike_parse_ts(w.b, 4, &ts), -EBADMSG, "ts: count 0");
	rc_is(ike_parse_ts(w.b, 3, &ts), -EBADMSG, "ts: 3 bytes");
	w = v;
	w.b[4 + 3] = 40;
	rc_is(ike_parse_ts(w.b, w.n, &ts), -EBADMSG, "ts: IPv4 selector length 40");
	w.b[4 + 3] = 15;
	rc_is(ike_parse_ts(w.b, w.n, &ts), -EBADMSG, "ts: IPv4 selector length 15");
	w = v;
	w.b[20 + 3] = 16;
	rc_is(ike_parse_ts(w.b, w.n, &ts), -EBADMSG, "ts: IPv6 selector length 16");
	w.b[20 + 3] = 41;
	rc_is(ike_parse_ts(w.b, w.n, &ts), -EBADMSG, "ts: IPv6 selector length beyond the body");
	w.b[20 + 3] = 4;
	rc_is(ike_parse_ts(w.b, w.n, &ts), -EBADMSG, "ts: selector length 4");
	rc_is(ike_parse_ts(v.b, 4 + 16 + 7, &ts), -EBADMSG, "ts: truncated selector header");

	/* Start above end is the engine's business. */
	v.n = 0;
	CAT(&v, 1, 0, 0, 0);
	ts4(&v, 0, 9000, 10, 200, 1);
	rc_is(ike_parse_ts(v.b, v.n, &ts), 0, "ts: start > end accepted by the parser");
	/* TS_SECLABEL (type 10) or another unknown type. */
	v.n = 0;
	CAT(&v, 2, 0, 0, 0);
	CAT(&v, 10, 0, 0, 9, 0, 0, 0, 0, 's');
	ts4(&v, 0, 0, 65535, 0, 255);
	rc_is(ike_parse_ts(v.b, v.n, &ts), -EOPNOTSUPP, "ts: unknown selector type");
	v.b[4 + 3] = 7;
	rc_is(ike_parse_ts(v.b, v.n, &ts), -EBADMSG, "ts: unknown type with length 7");
	v.b[4 + 3] = 10;
	rc_is(ike_parse_ts(v.b, v.n, &ts), -EBADMSG, "ts: unknown type overrunning the next");

	for (i = IKE_MAX_TS; i <= IKE_MAX_TS + 1; i++) {
		unsigned int j;

		v.n = 0;
		CAT(&v, i, 0, 0, 0);
		for (j = 0; j < i; j++)
			ts4(&v, 6, j, j, j, j);
		rc_is(ike_parse_ts(v.b, v.n, &ts), i > IKE_MAX_TS ? -E2BIG : 0,
		      "ts: %u selectors", i);
	}
}

/* ---- builders: build -> parse -> rebuild ---- */

static const u8 data32[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
	0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
	0x1e, 0x1f,
};

static void sample_sa(struct ike_sa_payload *s)
{
	memset(s, 0, sizeof(*s));
	s->nproposals = 3;
	s->p[0] = (struct ike_proposal){ .num = 1, .protocol = IKE_PROTO_IKE, .ntransforms = 4,
		.t = { { 1, 20, 256 }, { 2, 7, 0 }, { 4, 31, 0 }, { 4, 19, 0 } } };
	s->p[1] = (struct ike_proposal){ .num = 2, .protocol = IKE_PROTO_IKE, .ntransforms = 4,
		.t = { { 1, 12, 128 }, { 2, 5, 0 }, { 3, 12, 0 }, { 4, 14, 0 } } };
	s->p[2] = (struct ike_proposal){ .num = 3, .protocol = IKE_PROTO_ESP, .spi_len = 4,
		.spi = { 0xc1, 0xc2, 0xc3, 0xc4 }, .ntransforms = 2,
		.t = { { 1, 28, 0 }, { 5, 0, 0 } } };
}

static void sample_ts(struct ike_ts_payload *t)
{
	memset(t, 0, sizeof(*t));
	t->nts = 2;
	t->ts[0] = (struct ike_ts){ IKE_TS_IPV4_RANGE, 17, 500, 500, { 192, 0, 2, 1 },
				    { 192, 0, 2, 254 } };
	t->ts[1] = (struct ike_ts){ .type = IKE_TS_IPV6_RANGE, .end_port = 65535,
				    .start = { 0x20, 0x01, 0x0d, 0xb8 },
				    .end = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xff } };
}

/*
 * Build a message with one of each payload with the builders, parse it, check
 * every typed payload against the inputs, rebuild from the parse and compare
 * the bytes.
 */
static size_t build_all(u8 *mem, size_t cap, int *err)
{
	static struct ike_sa_payload s;
	static struct ike_ts_payload t;
	const u8 spis[8] = { 1, 1, 1, 1, 2, 2, 2, 2 };
	struct ike_buf b;

	sample_sa(&s);
	sample_ts(&t);
	ike_buf_init(&b, mem, cap);
	ike_put_header(&b, spi_i, spi_r, IKE_CREATE_CHILD_SA, IKE_FLAG_RESPONSE, 0x01020304);
	ike_add_sa(&b, &s);
	ike_add_ke(&b, 31, data32, 32);
	ike_add_nonce(&b, data32, 24);
	ike_add_id(&b, IKE_PL_IDI, 2, (const u8 *)"moon.example", 12);
	ike_add_id(&b, IKE_PL_IDR, 1, (const u8 *)"\xc0\x00\x02\x01", 4);
	ike_add_auth(&b, IKE_AUTH_PSK, data32, 32);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_add_notify(&b, IKE_PROTO_ESP, spis, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_COOKIE, data32, 20);
	ike_add_delete(&b, IKE_PROTO_ESP, 4, spis, 2);
	ike_add_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	ike_add_ts(&b, IKE_PL_TSI, &t);
	ike_add_ts(&b, IKE_PL_TSR, &t);
	*err = ike_buf_finish(&b);
	return b.len;
}

static const u8 all_types[] = {
	IKE_PL_SA, IKE_PL_KE, IKE_PL_NONCE, IKE_PL_IDI, IKE_PL_IDR, IKE_PL_AUTH,
	IKE_PL_NOTIFY, IKE_PL_NOTIFY, IKE_PL_NOTIFY, IKE_PL_DELETE, IKE_PL_DELETE,
	IKE_PL_TSI, IKE_PL_TSR,
};

static void test_roundtrip(void)
{
	static struct ike_sa_payload s;
	static struct ike_ts_payload t;
	size_t n, n2;
	unsigned int i;
	bool types = true;
	int err;

	n = build_all(out, sizeof(out), &err);
	rc_is(err, 0, "build: message with every payload type");
	rc_is(ike_parse_msg(out, n, &msg), 0, "build: it parses");
	ok(msg.exchange == IKE_CREATE_CHILD_SA && msg.flags == IKE_FLAG_RESPONSE &&
	   msg.msgid == 0x01020304 && msg.version == IKE_VERSION_2 && msg.length == n,
	   "build: header fields");
	ok(msg.npayloads == sizeof(all_types), "build: %zu payloads", sizeof(all_types));
	for (i = 0; i < msg.npayloads && i < sizeof(all_types); i++)
		types &= msg.pl[i].type == all_types[i] && !msg.pl[i].critical;
	ok(types && msg.first_payload == IKE_PL_SA, "build: chained in order");

	sample_sa(&s);
	parse_typed(IKE_PL_SA, msg.pl[0].body, msg.pl[0].len, &ta);
	tb.type = IKE_PL_SA;
	tb.rc = 0;
	tb.u.sa = s;
	ok(typed_equal(&ta, &tb), "roundtrip: SA equals its input");
	parse_typed(IKE_PL_KE, msg.pl[1].body, msg.pl[1].len, &ta);
	ok(!ta.rc && ta.u.ke.group == 31 && ta.u.ke.len == 32 &&
	   !memcmp(ta.u.ke.data, data32, 32), "roundtrip: KE equals its input");
	parse_typed(IKE_PL_NONCE, msg.pl[2].body, msg.pl[2].len, &ta);
	ok(!ta.rc && ta.u.nonce.len == 24 && !memcmp(ta.u.nonce.data, data32, 24),
	   "roundtrip: Nonce equals its input");
	parse_typed(IKE_PL_IDI, msg.pl[3].body, msg.pl[3].len, &ta);
	ok(!ta.rc && ta.u.id.type == 2 && ta.u.id.len == 12 &&
	   !memcmp(ta.u.id.data, "moon.example", 12) && ta.u.id.body_len == 16 &&
	   !memcmp(ta.u.id.body, "\x02\0\0\0moon", 8), "roundtrip: IDi equals its input");
	parse_typed(IKE_PL_IDR, msg.pl[4].body, msg.pl[4].len, &ta);
	ok(!ta.rc && ta.u.id.type == 1 && ta.u.id.len == 4, "roundtrip: IDr equals its input");
	parse_typed(IKE_PL_AUTH, msg.pl[5].body, msg.pl[5].len, &ta);
	ok(!ta.rc && ta.u.auth.method == IKE_AUTH_PSK && ta.u.auth.len == 32 &&
	   !memcmp(ta.u.auth.data, data32, 32), "roundtrip: AUTH equals its input");
	parse_typed(IKE_PL_NOTIFY, msg.pl[6].body, msg.pl[6].len, &ta);
	ok(!ta.rc && ta.u.n.type == IKE_N_INITIAL_CONTACT && !ta.u.n.spi_len && !ta.u.n.len,
	   "roundtrip: Notify without data");
	parse_typed(IKE_PL_NOTIFY, msg.pl[7].body, msg.pl[7].len, &ta);
	ok(!ta.rc && ta.u.n.type == IKE_N_REKEY_SA && ta.u.n.protocol == IKE_PROTO_ESP &&
	   ta.u.n.spi_len == 4 && !memcmp(ta.u.n.spi, "\1\1\1\1", 4),
	   "roundtrip: Notify with an SPI");
	parse_typed(IKE_PL_NOTIFY, msg.pl[8].body, msg.pl[8].len, &ta);
	ok(!ta.rc && ta.u.n.type == IKE_N_COOKIE && ta.u.n.len == 20,
	   "roundtrip: Notify with data");
	rc_is(ike_find_notify(&msg, IKE_N_COOKIE, &ta.u.n), 0, "roundtrip: find COOKIE");
	parse_typed(IKE_PL_DELETE, msg.pl[9].body, msg.pl[9].len, &ta);
	ok(!ta.rc && ta.u.d.protocol == IKE_PROTO_ESP && ta.u.d.nspi == 2 &&
	   !memcmp(ta.u.d.spis, "\1\1\1\1\2\2\2\2", 8), "roundtrip: Delete ESP");
	parse_typed(IKE_PL_DELETE, msg.pl[10].body, msg.pl[10].len, &ta);
	ok(!ta.rc && ta.u.d.protocol == IKE_PROTO_IKE && !ta.u.d.nspi, "roundtrip: Delete IKE");
	sample_ts(&t);
	tb.type = IKE_PL_TSI;
	tb.u.ts = t;
	parse_typed(IKE_PL_TSI, msg.pl[11].body, msg.pl[11].len, &ta);
	ok(typed_equal(&ta, &tb), "roundtrip: TSi equals its input");
	tb.type = IKE_PL_TSR;
	parse_typed(IKE_PL_TSR, msg.pl[12].body, msg.pl[12].len, &ta);
	ok(typed_equal(&ta, &tb), "roundtrip: TSr equals its input");

	rc_is(rebuild_msg(&msg, NULL, out2, sizeof(out2), &n2), 0, "roundtrip: rebuild");
	ok(n2 == n && !memcmp(out, out2, n), "roundtrip: rebuilt bytes identical");
	rc_is(ike_parse_msg(out2, n2, &msg2), 0, "roundtrip: rebuilt message parses");
	ok(msg_equal(&msg, &msg2, true) && chain_typed_equal(&msg, &msg2),
	   "roundtrip: parsed structures equal");
}

/* ---- a hand-written IKE_SA_INIT request (RFC 7296 §1.2, §3) ---- */

static void test_sa_init_vector(void)
{
	const u8 *nonce;
	struct ike_notify n;
	struct ike_buf b;
	struct ike_ke ke;
	u16 nlen;
	int err;

	v.n = 0;
	/* IKE header: SPIi, SPIr = 0, SA, 2.0, IKE_SA_INIT, Initiator, ID 0, 208 */
	CAT(&v, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08);
	rep(&v, 0, 8);
	CAT(&v, 33, 0x20, 34, 0x08, 0, 0, 0, 0, 0, 0, 0, 208);
	/* SA: next KE, length 48; proposal 1, IKE, no SPI, 4 transforms */
	CAT(&v, 34, 0, 0, 48);
	CAT(&v, 0, 0, 0, 44, 1, 1, 0, 4);
	CAT(&v, 3, 0, 0, 12, 1, 0, 0, 12, 0x80, 14, 0x01, 0x00);	/* ENCR AES-CBC-256 */
	CAT(&v, 3, 0, 0, 8, 2, 0, 0, 5);	/* PRF HMAC-SHA2-256 */
	CAT(&v, 3, 0, 0, 8, 3, 0, 0, 12);	/* INTEG HMAC-SHA2-256-128 */
	CAT(&v, 0, 0, 0, 8, 4, 0, 0, 31);	/* DH Curve25519 */
	/* KE: next Nonce, length 40, group 31, 32 bytes */
	CAT(&v, 40, 0, 0, 40, 0, 31, 0, 0);
	cat(&v, data32, 32);
	/* Nonce: next Notify, length 36 */
	CAT(&v, 41, 0, 0, 36);
	rep(&v, 0x4e, 32);
	/* NAT_DETECTION_SOURCE_IP, then _DESTINATION_IP: 20-byte SHA-1 each */
	CAT(&v, 41, 0, 0, 28, 0, 0, 0x40, 0x04);
	rep(&v, 0x53, 20);
	CAT(&v, 0, 0, 0, 28, 0, 0, 0x40, 0x05);
	rep(&v, 0x44, 20);
	ok(v.n == 208, "sa_init: vector is 208 bytes");

	rc_is(ike_parse_msg(v.b, v.n, &msg), 0, "sa_init: parses");
	ok(msg.npayloads == 5 && msg.pl[0].type == IKE_PL_SA && msg.pl[1].type == IKE_PL_KE &&
	   msg.pl[2].type == IKE_PL_NONCE && msg.pl[3].type == IKE_PL_NOTIFY &&
	   msg.pl[4].type == IKE_PL_NOTIFY && msg.exchange == IKE_SA_INIT &&
	   msg.flags == IKE_FLAG_INITIATOR && msg.msgid == 0 && msg.sk_index == -1,
	   "sa_init: header and payload types");
	rc_is(ike_parse_sa(msg.pl[0].body, msg.pl[0].len, &sa), 0, "sa_init: SA parses");
	ok(sa.nproposals == 1 && sa.p[0].ntransforms == 4 && sa.p[0].t[0].keylen == 256 &&
	   sa.p[0].t[3].type == 4 && sa.p[0].t[3].id == 31, "sa_init: SA contents");
	rc_is(ike_parse_ke(msg.pl[1].body, msg.pl[1].len, &ke), 0, "sa_init: KE parses");
	ok(ke.group == 31 && ke.len == 32 && !memcmp(ke.data, data32, 32), "sa_init: KE contents");
	rc_is(ike_parse_nonce(msg.pl[2].body, msg.pl[2].len, &nonce, &nlen), 0,
	      "sa_init: Nonce parses");
	ok(nlen == 32 && nonce[0] == 0x4e, "sa_init: Nonce contents");
	rc_is(ike_find_notify(&msg, IKE_N_NAT_DETECTION_DESTINATION_IP, &n), 0,
	      "sa_init: NAT_DETECTION_DESTINATION_IP found");
	ok(n.len == 20 && n.data[0] == 0x44, "sa_init: NAT-D contents");

	/* The builders must produce exactly the same bytes. */
	memset(&sa2, 0, sizeof(sa2));
	sa2.nproposals = 1;
	sa2.p[0] = (struct ike_proposal){ .num = 1, .protocol = IKE_PROTO_IKE, .ntransforms = 4,
		.t = { { 1, 12, 256 }, { 2, 5, 0 }, { 3, 12, 0 }, { 4, 31, 0 } } };
	memset(out2, 0x4e, 32);
	memset(out2 + 32, 0x53, 20);
	memset(out2 + 52, 0x44, 20);
	ike_buf_init(&b, out, sizeof(out));
	ike_put_header(&b, v.b, v.b + 8, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	ike_add_sa(&b, &sa2);
	ike_add_ke(&b, 31, data32, 32);
	ike_add_nonce(&b, out2, 32);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, out2 + 32, 20);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, out2 + 52, 20);
	err = ike_buf_finish(&b);
	ok(!err && b.len == v.n && !memcmp(out, v.b, v.n),
	   "sa_init: builders reproduce the hand-written bytes");
}

/* ---- SK ---- */

static void test_sk(void)
{
	struct ike_buf b;
	size_t sk, n;
	int err;

	ike_buf_init(&b, out, sizeof(out));
	ike_put_header(&b, spi_i, spi_r, IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_COOKIE, data32, 8);
	sk = ike_sk_begin(&b, 16);
	ok(sk == 28 + 16 && b.len == sk + 4 + 16, "sk: SK header and 16-byte IV reserved");
	ike_add_id(&b, IKE_PL_IDI, 2, (const u8 *)"sun", 3);
	ike_add_auth(&b, IKE_AUTH_PSK, data32, 32);
	ike_sk_end(&b, sk);
	n = b.len;
	ike_add_nonce(&b, data32, 16);	/* must not be chained after SK */
	ok(out[sk] == IKE_PL_IDI && out[sk + 4 + 16] == IKE_PL_AUTH,
	   "sk: inner chain starts in the SK header");
	ok(out[n - 40] == 0 && out[28] == IKE_PL_SK, "sk: nothing chained after ike_sk_end");
	b.len = n;
	err = ike_buf_finish(&b);
	rc_is(err, 0, "sk: finish");
	rc_is(ike_parse_msg(out, n, &msg), 0, "sk: provisional message parses");
	ok(msg.npayloads == 2 && msg.sk_index == 1 && msg.sk_first_inner == IKE_PL_IDI &&
	   msg.pl[1].off == sk && msg.pl[1].len == 16 + 11 + 40, "sk: SK found with its length");
	rc_is(ike_parse_inner(msg.pl[1].body + 16, msg.pl[1].len - 16, msg.sk_first_inner,
			      &msg2), 0, "sk: inner chain parses");
	ok(msg2.npayloads == 2 && msg2.pl[0].type == IKE_PL_IDI &&
	   msg2.pl[1].type == IKE_PL_AUTH && msg2.sk_index == -1, "sk: inner payloads");
	rc_is(ike_parse_inner(msg.pl[1].body, msg.pl[1].len, IKE_PL_NONE, &msg2), -EBADMSG,
	      "sk: IV bytes are not an empty chain");
}

/* ---- overflow ---- */

static void test_overflow(void)
{
	static u8 mem[4096];
	size_t full, cap, n;
	bool nowrite = true, allfail = true;
	int err;

	full = build_all(out, sizeof(out), &err);
	rc_is(err, 0, "overflow: reference message builds");
	for (cap = 0; cap < full; cap++) {
		memset(mem, 0xa5, sizeof(mem));
		n = build_all(mem, cap, &err);
		allfail &= err == -ENOSPC && n <= cap;
		for (size_t i = cap; i < sizeof(mem); i++)
			nowrite &= mem[i] == 0xa5;
	}
	ok(allfail, "overflow: every cap below %zu gives -ENOSPC", full);
	ok(nowrite, "overflow: nothing written past cap");
	n = build_all(mem, full, &err);
	ok(!err && n == full && !memcmp(mem, out, full), "overflow: exact cap succeeds");
}

static void test_builder_limits(void)
{
	static struct ike_sa_payload s;
	static struct ike_ts_payload t;
	static u8 big[70000];
	struct ike_buf b;
	size_t off;
	unsigned int i;

	memset(&s, 0, sizeof(s));
	s.nproposals = IKE_MAX_PROPOSALS;
	for (i = 0; i < IKE_MAX_PROPOSALS; i++)
		s.p[i] = (struct ike_proposal){ .num = i + 1, .protocol = IKE_PROTO_ESP,
			.spi_len = 4, .ntransforms = IKE_MAX_TRANSFORMS };
	ike_buf_init(&b, out, sizeof(out));
	ike_add_sa(&b, &s);
	rc_is(b.err, 0, "limits: SA with %d x %d transforms builds", IKE_MAX_PROPOSALS,
	      IKE_MAX_TRANSFORMS);
	rc_is(ike_parse_sa(out + 4, b.len - 4, &sa), 0, "limits: and parses");
	ok(sa.nproposals == IKE_MAX_PROPOSALS && sa.p[15].ntransforms == IKE_MAX_TRANSFORMS,
	   "limits: all proposals and transforms back");
	s.nproposals++;
	ike_buf_init(&b, out, sizeof(out));
	ike_add_sa(&b, &s);
	rc_is(b.err, -EINVAL, "limits: %d proposals refused by the builder",
	      IKE_MAX_PROPOSALS + 1);
	s.nproposals = 0;
	ike_buf_init(&b, out, sizeof(out));
	ike_add_sa(&b, &s);
	rc_is(b.err, -EINVAL, "limits: SA without proposals refused by the builder");
	s.nproposals = 1;
	s.p[0].ntransforms = IKE_MAX_TRANSFORMS + 1;
	ike_buf_init(&b, out, sizeof(out));
	ike_add_sa(&b, &s);
	rc_is(b.err, -EINVAL, "limits: %d transforms refused by the builder",
	      IKE_MAX_TRANSFORMS + 1);
	s.p[0].ntransforms = 1;
	s.p[0].spi_len = 5;
	ike_buf_init(&b, out, sizeof(out));
	ike_add_sa(&b, &s);
	rc_is(b.err, -EINVAL, "limits: SPI size 5 refused by the builder");
	ike_buf_init(&b, out, sizeof(out));
	ike_add_notify(&b, 0, data32, 3, 1, NULL, 0);
	rc_is(b.err, -EINVAL, "limits: notify SPI size 3 refused by the builder");

	memset(&t, 0, sizeof(t));
	t.nts = IKE_MAX_TS;
	for (i = 0; i < IKE_MAX_TS; i++)
		t.ts[i].type = IKE_TS_IPV6_RANGE;
	ike_buf_init(&b, out, sizeof(out));
	ike_add_ts(&b, IKE_PL_TSI, &t);
	rc_is(b.err, 0, "limits: %d selectors build", IKE_MAX_TS);
	rc_is(ike_parse_ts(out + 4, b.len - 4, &t), 0, "limits: and parse");
	t.nts = IKE_MAX_TS + 1;
	ike_buf_init(&b, out, sizeof(out));
	ike_add_ts(&b, IKE_PL_TSI, &t);
	rc_is(b.err, -EINVAL, "limits: %d selectors refused", IKE_MAX_TS + 1);
	t.nts = 0;
	ike_buf_init(&b, out, sizeof(out));
	ike_add_ts(&b, IKE_PL_TSI, &t);
	rc_is(b.err, -EINVAL, "limits: TS without selectors refused");
	t.nts = 1;
	t.ts[0].type = 9;
	ike_buf_init(&b, out, sizeof(out));
	ike_add_ts(&b, IKE_PL_TSI, &t);
	rc_is(b.err, -EINVAL, "limits: unknown selector type refused");

	/* A payload longer than 65535 bytes cannot be encoded. */
	ike_buf_init(&b, big, sizeof(big));
	off = ike_pl_begin(&b, IKE_PL_VENDOR, false);
	ike_put_bytes(&b, out, 65532);
	ike_pl_end(&b, off);
	rc_is(b.err, -ENOSPC, "limits: 65536-byte payload");
	ike_buf_init(&b, big, sizeof(big));
	off = ike_pl_begin(&b, IKE_PL_VENDOR, false);
	ike_put_bytes(&b, out, 65531);
	ike_pl_end(&b, off);
	ok(!b.err && big[2] == 0xff && big[3] == 0xff, "limits: 65535-byte payload");
	/* A sticky error: later appends are no-ops. */
	ike_buf_init(&b, out, 10);
	ike_put_bytes(&b, data32, 11);
	ike_put_u8(&b, 1);
	ok(b.err == -ENOSPC && b.len == 0, "limits: error is sticky, nothing appended");
	rc_is(ike_buf_finish(&b), -ENOSPC, "limits: finish reports it");
	ike_buf_init(&b, out, 10);
	ike_put_u16(&b, 1);
	rc_is(ike_buf_finish(&b), -EINVAL, "limits: finish without a header");
	ike_buf_init(&b, out, sizeof(out));
	ike_put_u16(&b, 1);
	ike_pl_end(&b, 1);
	rc_is(b.err, -EINVAL, "limits: ike_pl_end at a bogus offset");
	/* 48 payloads build and parse; the 49th parses as -E2BIG. */
	ike_buf_init(&b, out, sizeof(out));
	ike_put_header(&b, spi_i, spi_r, IKE_INFORMATIONAL, 0, 2);
	for (i = 0; i < IKE_MAX_PAYLOADS; i++)
		ike_add_notify(&b, 0, NULL, 0, IKE_N_COOKIE, data32, 1);
	rc_is(ike_buf_finish(&b), 0, "limits: %d notifies build", IKE_MAX_PAYLOADS);
	rc_is(ike_parse_msg(out, b.len, &msg), 0, "limits: and parse");
	ike_add_notify(&b, 0, NULL, 0, IKE_N_COOKIE, data32, 1);
	ike_buf_finish(&b);
	rc_is(ike_parse_msg(out, b.len, &msg), -E2BIG, "limits: %d do not",
	      IKE_MAX_PAYLOADS + 1);
}

/* With --no-plan the caller appends its own tests and prints the plan. */
int main(int argc, char **argv)
{
	bool plan = !(argc > 1 && !strcmp(argv[1], "--no-plan"));

	setvbuf(stdout, NULL, _IOLBF, 0);
	test_header();
	test_chain();
	test_sa_valid();
	test_sa_lengths();
	test_sa_attrs();
	test_sa_limits();
	test_ke_nonce_id_auth();
	test_notify();
	test_delete();
	test_ts();
	test_roundtrip();
	test_sa_init_vector();
	test_sk();
	test_overflow();
	test_builder_limits();
	if (plan)
		printf("1..%u\n", ntests);
	if (nfailed)
		printf("# %u of %u tests failed\n", nfailed, ntests);
	return nfailed ? 1 : 0;
}

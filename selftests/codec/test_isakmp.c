// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit tests for the ISAKMP (IKEv1) wire codec; TAP output.
 *
 * Hand-built byte strings written out from the RFC 2408 / RFC 2407 field
 * layouts for every payload (valid and each malformed length), TV and TLV
 * attributes, the count limits (a 1,000-transform SA, 1,000 proposals, a
 * chain of payloads pointing at their own type), build -> parse round trips
 * of Main Mode, Quick Mode and Informational messages, builder overflow.
 *
 *	test_isakmp [--no-plan] [--first N]
 * numbers the tests from N + 1 (to follow test_codec's output).
 */
#include <stdarg.h>
#include "isakmp_util.h"

static unsigned int ntests, nfailed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	ntests++;
	if (!cond)
		nfailed++;
	printf("%sok %u - isakmp: ", cond ? "" : "not ", ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define rc_is(got, want, ...) do {					\
	int g_ = (got), w_ = (want);					\
	if (g_ != w_)							\
		printf("# got %d, want %d\n", g_, w_);			\
	ok(g_ == w_, __VA_ARGS__);					\
} while (0)

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

static const u8 cky_i[8] = { 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8 };
static const u8 cky_r[8] = { 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8 };

static void hdr(struct bytes *s, u8 np, u8 exchange, u8 flags)
{
	s->n = 0;
	cat(s, cky_i, 8);
	cat(s, cky_r, 8);
	CAT(s, np, 0x10, exchange, flags, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0);
}

static void hdr_done(struct bytes *s)
{
	put_unaligned_be32(s->n, s->b + 24);
}

static struct bytes v, w;
static struct isakmp_msg msg, msg2;
static struct isakmp_sa sa;
static struct isakmp_typed ta, tb;
static u8 out[70000], out2[70000];

/* ---- header and chain ---- */

static void test_header(void)
{
	hdr(&v, 0, ISAKMP_XCHG_IDPROT, 0);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), 0, "header: bare 28-byte message parses");
	ok(!memcmp(msg.cky_i, cky_i, 8) && !memcmp(msg.cky_r, cky_r, 8) &&
	   msg.exchange == ISAKMP_XCHG_IDPROT && msg.flags == 0 && msg.msgid == 0x11223344 &&
	   msg.length == 28 && msg.version == 0x10 && msg.npayloads == 0,
	   "header: fields decoded");
	rc_is(isakmp_parse_header(v.b, 27, &msg), -EBADMSG, "header: 27 bytes is too short");
	v.b[27] = 29;
	rc_is(isakmp_parse_msg(v.b, 28, &msg), -EBADMSG, "header: length above datagram");
	v.b[27] = 27;
	rc_is(isakmp_parse_msg(v.b, 28, &msg), -EBADMSG, "header: length below datagram");
	v.b[27] = 28;
	v.b[17] = 0x20;
	rc_is(isakmp_parse_msg(v.b, 28, &msg), -EOPNOTSUPP, "header: version 2.0 is not ISAKMP");
	ok(msg.exchange == ISAKMP_XCHG_IDPROT, "header: fields kept for INVALID-MAJOR-VERSION");
	v.b[17] = 0x11;
	rc_is(isakmp_parse_msg(v.b, 28, &msg), 0, "header: minor version 1 accepted and shown");
	ok(msg.version == 0x11, "header: minor version reported");

	hdr(&v, ISAKMP_PL_HASH, ISAKMP_XCHG_QUICK, ISAKMP_FLAG_ENC);
	rep(&v, 0xee, 32);		/* ciphertext: not a chain */
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), 0, "header: encrypted message parses");
	ok(msg.npayloads == 0 && msg.first_payload == ISAKMP_PL_HASH,
	   "header: encrypted body left for isakmp_parse_inner()");

	hdr(&v, 0, ISAKMP_XCHG_IDPROT, 0);
	rep(&v, 0, 65536 - v.n);
	hdr_done(&v);
	rc_is(isakmp_parse_header(v.b, v.n, &msg), -E2BIG, "header: 65536-byte message");
}

static void test_chain(void)
{
	unsigned int i;

	hdr(&v, ISAKMP_PL_VID, ISAKMP_XCHG_IDPROT, 0);
	CAT(&v, 99, 0, 0, 6, 0xde, 0xad);		/* VID, next: unknown 99 */
	CAT(&v, ISAKMP_PL_NAT_D, 0, 0, 5, 1);		/* unknown 99 */
	CAT(&v, ISAKMP_PL_NAT_D_DRAFT, 0, 0, 8, 1, 2, 3, 4);
	CAT(&v, 0, 0, 0, 6, 5, 6);			/* draft NAT-D */
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), 0, "chain: VID, unknown, NAT-D, draft NAT-D");
	ok(msg.npayloads == 4 && msg.pl[0].type == ISAKMP_PL_VID && msg.pl[0].len == 2 &&
	   msg.pl[0].off == 28 && msg.pl[0].body == v.b + 32 && msg.pl[1].type == 99 &&
	   msg.pl[2].type == ISAKMP_PL_NAT_D && msg.pl[2].len == 4 && msg.pl[2].off == 39 &&
	   msg.pl[3].type == ISAKMP_PL_NAT_D_DRAFT, "chain: types, offsets, lengths");
	ok(isakmp_find(&msg, ISAKMP_PL_NAT_D) == &msg.pl[2] && !isakmp_find(&msg, ISAKMP_PL_SA),
	   "chain: isakmp_find");

	rc_is(isakmp_parse_msg(v.b, 28 + 3, &msg), -EBADMSG, "chain: header length mismatch");
	hdr(&v, ISAKMP_PL_VID, ISAKMP_XCHG_IDPROT, 0);
	CAT(&v, 0, 0, 0);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), -EBADMSG, "chain: 3-byte generic header");
	hdr(&v, ISAKMP_PL_VID, ISAKMP_XCHG_IDPROT, 0);
	CAT(&v, 0, 0, 0, 3, 0);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), -EBADMSG, "chain: payload length 3");
	hdr(&v, ISAKMP_PL_VID, ISAKMP_XCHG_IDPROT, 0);
	CAT(&v, 0, 0, 0, 9, 1, 2, 3, 4);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), -EBADMSG, "chain: payload length past the end");
	hdr(&v, ISAKMP_PL_VID, ISAKMP_XCHG_IDPROT, 0);
	CAT(&v, 0, 0, 0, 5, 1, 0xaa);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), -EBADMSG, "chain: byte after the last payload");
	hdr(&v, ISAKMP_PL_VID, ISAKMP_XCHG_IDPROT, 0);
	CAT(&v, ISAKMP_PL_VID, 0, 0, 5, 1);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), -EBADMSG, "chain: next payload past the end");
	hdr(&v, ISAKMP_PL_P, ISAKMP_XCHG_IDPROT, 0);
	CAT(&v, 0, 0, 0, 8, 1, 1, 0, 0);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), -EBADMSG, "chain: Proposal outside an SA");
	hdr(&v, ISAKMP_PL_VID, ISAKMP_XCHG_IDPROT, 0);
	CAT(&v, ISAKMP_PL_T, 0, 0, 4);
	CAT(&v, 0, 0, 0, 4);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), -EBADMSG, "chain: Transform outside an SA");

	/* Each payload names its own type as next: bounded by the count. */
	hdr(&v, ISAKMP_PL_VID, ISAKMP_XCHG_IDPROT, 0);
	for (i = 0; i < 1000; i++)
		CAT(&v, ISAKMP_PL_VID, 0, 0, 4);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), -E2BIG, "chain: 1,000 self-chained payloads");
	hdr(&v, ISAKMP_PL_VID, ISAKMP_XCHG_IDPROT, 0);
	for (i = 0; i < ISAKMP_MAX_PAYLOADS; i++)
		CAT(&v, i + 1 == ISAKMP_MAX_PAYLOADS ? 0 : ISAKMP_PL_VID, 0, 0, 4);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), 0, "chain: 48 payloads is the limit");
	v.b[v.n - 4] = ISAKMP_PL_VID;
	CAT(&v, 0, 0, 0, 4);
	hdr_done(&v);
	rc_is(isakmp_parse_msg(v.b, v.n, &msg), -E2BIG, "chain: 49 payloads");
}

static void test_inner(void)
{
	v.n = 0;
	CAT(&v, ISAKMP_PL_NONCE, 0, 0, 8, 0xa, 0xb, 0xc, 0xd);	/* HASH */
	CAT(&v, 0, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8);		/* Nonce */
	rep(&v, 0, 7);
	CAT(&v, 7);						/* padding */
	rc_is(isakmp_parse_inner(v.b, v.n, ISAKMP_PL_HASH, &msg), 0,
	      "inner: HASH, Nonce and 8 bytes of padding");
	ok(msg.npayloads == 2 && msg.pad_len == 8 && msg.pl[1].off == 8 &&
	   msg.pl[0].type == ISAKMP_PL_HASH && msg.pl[1].type == ISAKMP_PL_NONCE,
	   "inner: offsets from the plaintext, pad_len");
	v.n = 20;
	rep(&v, 0, 255);
	rc_is(isakmp_parse_inner(v.b, v.n, ISAKMP_PL_HASH, &msg), 0, "inner: 255 padding bytes");
	CAT(&v, 0);
	rc_is(isakmp_parse_inner(v.b, v.n, ISAKMP_PL_HASH, &msg), -EBADMSG,
	      "inner: 256 padding bytes");
	rc_is(isakmp_parse_inner(v.b, 7, ISAKMP_PL_HASH, &msg), -EBADMSG,
	      "inner: truncated first payload");
	rc_is(isakmp_parse_inner(v.b, 0, ISAKMP_PL_NONE, &msg), 0, "inner: empty chain");
}

/* ---- SA, proposals, transforms, attributes ---- */

/* SA body: IPsec DOI, identity only. */
static void sa_start(struct bytes *s)
{
	s->n = 0;
	CAT(s, 0, 0, 0, 1, 0, 0, 0, 1);
}

/* Main Mode proposal: one ISAKMP proposal, one KEY_IKE transform, six attributes. */
static void sa_main_mode(struct bytes *s)
{
	sa_start(s);
	CAT(s, 0, 0, 0, 44, 1, ISAKMP_PROTO_ISAKMP, 0, 1);	/* proposal, 8 + 36 */
	CAT(s, 0, 0, 0, 36, 1, ISAKMP_KEY_IKE, 0, 0);		/* transform, 8 + 28 */
	CAT(s, 0x80, 1, 0, 7);					/* ENCR AES-CBC (TV) */
	CAT(s, 0x80, 14, 1, 0);					/* key length 256 */
	CAT(s, 0x80, 2, 0, 4);					/* SHA2-256 */
	CAT(s, 0x80, 3, 0, 1);					/* PSK */
	CAT(s, 0x80, 4, 0, 14);					/* MODP 2048 */
	CAT(s, 0x00, 12, 0, 4, 0x00, 0x01, 0x51, 0x80);		/* life 86400 (TLV) */
}

/* Shorten the SA by k bytes, fixing the proposal and transform lengths. */
static void sa_cut(struct bytes *s, size_t k)
{
	s->n -= k;
	be16_at(s, 10, 44 - k);
	be16_at(s, 18, 36 - k);
}

static void test_sa_valid(void)
{
	struct isakmp_attr a;
	size_t pos = 0;
	int n = 0;

	sa_main_mode(&v);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), 0, "sa: Main Mode proposal parses");
	ok(sa.doi == 1 && sa.situation == 1 && sa.nproposals == 1 && sa.p[0].num == 1 &&
	   sa.p[0].protocol == ISAKMP_PROTO_ISAKMP && sa.p[0].spi_len == 0 &&
	   sa.p[0].ntransforms == 1 && sa.p[0].t[0].id == ISAKMP_KEY_IKE &&
	   sa.p[0].t[0].nattrs == 6 && sa.p[0].t[0].attrs_len == 28,
	   "sa: proposal and transform fields");
	while (isakmp_attr_next(&sa.p[0].t[0], &pos, &a) == 1)
		n++;
	ok(n == 6 && pos == 28, "sa: six attributes iterated");
	rc_is(isakmp_attr_find(&sa.p[0].t[0], IKEV1_ATTR_KEY_LENGTH, &a), 0, "sa: find key length");
	ok(a.tv && a.value == 256 && !a.data, "sa: TV key length 256");
	rc_is(isakmp_attr_find(&sa.p[0].t[0], IKEV1_ATTR_LIFE_DURATION, &a), 0,
	      "sa: find life duration");
	ok(!a.tv && a.len == 4 && a.value == 86400 && a.data == v.b + v.n - 4,
	   "sa: TLV life duration 86400");
	rc_is(isakmp_attr_find(&sa.p[0].t[0], IKEV1_ATTR_PRF, &a), -ENOENT, "sa: no PRF attribute");

	/* Quick Mode: ESP with a 4-byte SPI, two transforms, then an AH proposal of the same number. */
	sa_start(&v);
	CAT(&v, ISAKMP_PL_P, 0, 0, 40, 1, ISAKMP_PROTO_ESP, 4, 2, 0xaa, 0xbb, 0xcc, 0xdd);
	CAT(&v, ISAKMP_PL_T, 0, 0, 16, 1, ISAKMP_ESP_AES_CBC, 0, 0, 0x80, 6, 0, 128, 0x80, 4, 0, 1);
	CAT(&v, 0, 0, 0, 12, 2, ISAKMP_ESP_3DES, 0, 0, 0x80, 5, 0, 2);
	CAT(&v, 0, 0, 0, 20, 1, ISAKMP_PROTO_AH, 4, 1, 1, 2, 3, 4);
	CAT(&v, 0, 0, 0, 8, 1, 3, 0, 0);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), 0, "sa: ESP + AH bundle parses");
	ok(sa.nproposals == 2 && sa.p[0].spi_len == 4 && sa.p[0].spi[0] == 0xaa &&
	   sa.p[0].spi[3] == 0xdd && sa.p[0].ntransforms == 2 && sa.p[0].t[1].num == 2 &&
	   sa.p[0].t[1].id == ISAKMP_ESP_3DES && sa.p[0].t[1].nattrs == 1 &&
	   sa.p[1].num == 1 && sa.p[1].protocol == ISAKMP_PROTO_AH && sa.p[1].t[0].nattrs == 0,
	   "sa: bundle fields");

	/* TLV of length 0 and of length 6 (value not decoded). */
	sa_start(&v);
	CAT(&v, 0, 0, 0, 30, 1, 1, 0, 1);
	CAT(&v, 0, 0, 0, 22, 1, 1, 0, 0, 0, 16, 0, 0, 0, 17, 0, 6, 1, 2, 3, 4, 5, 6);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), 0, "sa: TLV lengths 0 and 6");
	pos = 0;
	isakmp_attr_next(&sa.p[0].t[0], &pos, &a);
	ok(!a.tv && a.type == 16 && a.len == 0 && a.value == 0, "sa: empty TLV");
	isakmp_attr_next(&sa.p[0].t[0], &pos, &a);
	ok(!a.tv && a.type == 17 && a.len == 6 && a.value == 0 && a.data[5] == 6,
	   "sa: 6-byte TLV kept as data");
}

static void test_sa_malformed(void)
{
	sa_main_mode(&v);
	v.b[3] = 2;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EOPNOTSUPP, "sa: DOI 2");
	v.b[3] = 1;
	v.b[7] = 3;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EOPNOTSUPP, "sa: situation with secrecy");
	v.b[7] = 1;
	rc_is(isakmp_parse_sa(v.b, 7, &sa), -EBADMSG, "sa: 7-byte body");
	rc_is(isakmp_parse_sa(v.b, 8, &sa), -EBADMSG, "sa: no proposal");
	rc_is(isakmp_parse_sa(v.b, 15, &sa), -EBADMSG, "sa: truncated proposal header");
	rc_is(isakmp_parse_sa(v.b, v.n - 1, &sa), -EBADMSG, "sa: proposal past the end");
	be16_at(&v, 10, 7);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: proposal length 7");
	be16_at(&v, 10, 43);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: proposal 1 byte short of its transform");
	be16_at(&v, 10, 45);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: proposal 1 byte past the SA");
	be16_at(&v, 10, 44);
	v.b[8] = ISAKMP_PL_T;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: proposal next payload T");
	v.b[8] = ISAKMP_PL_P;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: more proposals announced, none there");
	v.b[8] = 0;
	v.b[14] = 17;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: SPI size 17");
	v.b[14] = 0;
	v.b[15] = 0;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: zero transforms");
	v.b[15] = 2;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: two transforms announced, one there");
	v.b[15] = 1;
	v.b[16] = ISAKMP_PL_T;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: last transform says more follow");
	v.b[16] = 0;
	be16_at(&v, 18, 7);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: transform length 7");
	be16_at(&v, 18, 37);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: transform past the proposal");
	be16_at(&v, 18, 35);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: transform short of its proposal");
	/* Cut k bytes from the end, every length agreeing: the last attribute is cut. */
	sa_cut(&v, 2);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: TLV value cut by the transform");
	sa_main_mode(&v);
	sa_cut(&v, 6);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: attribute header cut by the transform");
	sa_main_mode(&v);
	sa_cut(&v, 8);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), 0, "sa: cut after the fifth attribute parses");
	ok(sa.p[0].t[0].nattrs == 5, "sa: five attributes then");
	sa_main_mode(&v);
	be16_at(&v, 46, 5);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: TLV length 5 past the end");
	be16_at(&v, 46, 4);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), 0, "sa: restored vector parses again");
	CAT(&v, 0);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: byte after the last proposal");

	sa_start(&v);
	CAT(&v, 0, 0, 0, 11, 1, ISAKMP_PROTO_ESP, 4, 1, 1, 2, 3);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: SPI past the proposal");

	/* Proposal numbers 2 then 1. */
	sa_start(&v);
	CAT(&v, ISAKMP_PL_P, 0, 0, 16, 2, 3, 0, 1, 0, 0, 0, 8, 1, 3, 0, 0);
	CAT(&v, 0, 0, 0, 16, 1, 3, 0, 1, 0, 0, 0, 8, 1, 3, 0, 0);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -EBADMSG, "sa: proposal numbers decrease");
	v.b[12] = 1;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), 0, "sa: equal proposal numbers (a bundle)");
}

static void test_sa_limits(void)
{
	unsigned int i;

	/* 20 TV attributes fit, 21 do not. */
	sa_start(&v);
	CAT(&v, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0);
	for (i = 0; i < ISAKMP_MAX_ATTRS; i++)
		CAT(&v, 0x80, 20 + i, 0, i);
	be16_at(&v, 10, v.n - 8);
	be16_at(&v, 18, v.n - 16);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), 0, "limits: 20 attributes");
	CAT(&v, 0x80, 99, 0, 0);
	be16_at(&v, 10, v.n - 8);
	be16_at(&v, 18, v.n - 16);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -E2BIG, "limits: 21 attributes");

	/* A proposal announcing 255 transforms followed by 1,000 of them. */
	sa_start(&v);
	CAT(&v, 0, 0, 0, 0, 1, 1, 0, 255);
	for (i = 0; i < 1000; i++)
		CAT(&v, i + 1 == 1000 ? 0 : ISAKMP_PL_T, 0, 0, 8, i & 0xff, 1, 0, 0);
	be16_at(&v, 10, v.n - 8);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -E2BIG, "limits: 1,000-transform SA");
	/* 32 transforms is the limit, 33 is refused even when announced right. */
	sa_start(&v);
	CAT(&v, 0, 0, 0, 0, 1, 1, 0, ISAKMP_MAX_TRANSFORMS);
	for (i = 0; i < ISAKMP_MAX_TRANSFORMS; i++)
		CAT(&v, i + 1 == ISAKMP_MAX_TRANSFORMS ? 0 : ISAKMP_PL_T, 0, 0, 8, i, 1, 0, 0);
	be16_at(&v, 10, v.n - 8);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), 0, "limits: 32 transforms");
	ok(sa.p[0].ntransforms == 32 && sa.p[0].t[31].num == 31, "limits: all 32 recorded");
	v.b[v.n - 8] = ISAKMP_PL_T;
	CAT(&v, 0, 0, 0, 8, 32, 1, 0, 0);
	v.b[15] = 33;
	be16_at(&v, 10, v.n - 8);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -E2BIG, "limits: 33 transforms");

	/* 1,000 proposals of one transform each. */
	sa_start(&v);
	for (i = 0; i < 1000; i++)
		CAT(&v, i + 1 == 1000 ? 0 : ISAKMP_PL_P, 0, 0, 16, 1, 3, 0, 1, 0, 0, 0, 8, 1, 3, 0, 0);
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), -E2BIG, "limits: 1,000 proposals");
	v.n = 8 + 16 * ISAKMP_MAX_PROPOSALS;
	v.b[v.n - 16] = 0;
	rc_is(isakmp_parse_sa(v.b, v.n, &sa), 0, "limits: 8 proposals");
	ok(sa.nproposals == ISAKMP_MAX_PROPOSALS, "limits: all 8 recorded");
}

/* ---- the other payloads ---- */

static void id_case(const u8 *body, size_t len, int want, const char *what)
{
	rc_is(isakmp_parse_id(body, len, &ta.u.id), want, "id: %s", what);
}

static void test_id(void)
{
	static const u8 v4[] = { 1, 17, 1, 244, 192, 0, 2, 1 };
	static const u8 v4sub[] = { 4, 0, 0, 0, 10, 1, 0, 0, 255, 255, 0, 0 };
	static const u8 v4range[] = { 7, 6, 0, 80, 10, 0, 0, 1, 10, 0, 0, 9 };
	static const u8 fqdn[] = { 2, 0, 0, 0, 'v', 'p', 'n' };
	static const u8 ufqdn[] = { 3, 0, 0, 0, 'a', '@', 'b' };
	static const u8 unknown[] = { 42, 0, 0, 0, 1 };
	struct isakmp_id *id = &ta.u.id;
	u8 v6[4 + 32] = { ISAKMP_ID_IPV6_ADDR_SUBNET };
	u8 v6a[4 + 16] = { ISAKMP_ID_IPV6_ADDR };

	id_case(v4, sizeof(v4), 0, "IPv4 address");
	ok(id->type == 1 && id->protocol == 17 && id->port == 500 && id->addr_len == 4 &&
	   id->addr[0] == 192 && id->addr[3] == 1 && id->body == v4 && id->body_len == 8 &&
	   id->data == v4 + 4 && id->len == 4, "id: IPv4 fields, protocol/port");
	id_case(v4, 7, -EBADMSG, "IPv4 address of 3 bytes");
	id_case(v4sub, sizeof(v4sub), 0, "IPv4 subnet");
	ok(id->addr[1] == 1 && id->addr2[0] == 255 && id->addr2[2] == 0, "id: subnet and mask");
	id_case(v4sub, 11, -EBADMSG, "IPv4 subnet of 7 bytes");
	id_case(v4range, sizeof(v4range), 0, "IPv4 range");
	ok(id->addr[3] == 1 && id->addr2[3] == 9 && id->protocol == 6 && id->port == 80,
	   "id: range start and end");
	v6[8] = 0xfe;
	v6[20] = 0xff;
	id_case(v6, sizeof(v6), 0, "IPv6 subnet");
	ok(id->addr_len == 16 && id->addr[4] == 0xfe && id->addr2[0] == 0xff, "id: IPv6 subnet");
	id_case(v6, 20, -EBADMSG, "IPv6 subnet of 16 bytes");
	v6[0] = ISAKMP_ID_IPV6_ADDR_RANGE;
	id_case(v6, sizeof(v6), 0, "IPv6 range");
	id_case(v6a, sizeof(v6a), 0, "IPv6 address");
	id_case(v6a, sizeof(v6a) - 1, -EBADMSG, "IPv6 address of 15 bytes");
	id_case(fqdn, sizeof(fqdn), 0, "FQDN");
	ok(id->addr_len == 0 && id->len == 3 && id->data[0] == 'v', "id: FQDN data");
	id_case(ufqdn, sizeof(ufqdn), 0, "USER_FQDN");
	id_case(fqdn, 4, -EBADMSG, "FQDN without data");
	id_case(fqdn, 3, -EBADMSG, "3-byte body");
	id_case(unknown, sizeof(unknown), -EOPNOTSUPP, "unknown type 42");
}

static void test_simple(void)
{
	static const u8 b[300] = { 1, 2, 3 };
	struct isakmp_typed_data *td = &ta.u.td;
	const u8 *p;
	u16 n;

	rc_is(isakmp_parse_ke(b, 256, &p, &n), 0, "ke: 256 bytes");
	ok(p == b && n == 256, "ke: data");
	rc_is(isakmp_parse_ke(b, 0, &p, &n), -EBADMSG, "ke: empty");
	rc_is(isakmp_parse_nonce(b, 8, &p, &n), 0, "nonce: 8 bytes");
	rc_is(isakmp_parse_nonce(b, 7, &p, &n), -EBADMSG, "nonce: 7 bytes");
	rc_is(isakmp_parse_nonce(b, 256, &p, &n), 0, "nonce: 256 bytes");
	rc_is(isakmp_parse_nonce(b, 257, &p, &n), -EBADMSG, "nonce: 257 bytes");
	rc_is(isakmp_parse_opaque(b, 20, &p, &n), 0, "hash: 20 bytes");
	rc_is(isakmp_parse_opaque(b, 0, &p, &n), -EBADMSG, "hash: empty");
	rc_is(isakmp_parse_cert(b, 3, td), 0, "cert: encoding + 2 bytes");
	ok(td->type == 1 && td->len == 2 && td->data == b + 1, "cert: fields");
	rc_is(isakmp_parse_cert(b, 1, td), -EBADMSG, "cert: encoding only");
	rc_is(isakmp_parse_cr(b, 1, td), 0, "cr: type only (any CA)");
	ok(td->len == 0, "cr: no CA data");
	rc_is(isakmp_parse_cr(b, 0, td), -EBADMSG, "cr: empty");
}

static void test_notify(void)
{
	struct isakmp_notify *n = &ta.u.n;

	v.n = 0;
	CAT(&v, 0, 0, 0, 1, ISAKMP_PROTO_ISAKMP, 16, 0x60, 0x02);	/* INITIAL-CONTACT */
	cat(&v, cky_i, 8);
	cat(&v, cky_r, 8);
	rc_is(isakmp_parse_notify(v.b, v.n, n), 0, "notify: INITIAL-CONTACT with cookies");
	ok(n->doi == 1 && n->protocol == 1 && n->spi_len == 16 &&
	   n->type == ISAKMP_N_INITIAL_CONTACT && n->spi == v.b + 8 && n->len == 0 &&
	   n->data == v.b + 24, "notify: fields");
	CAT(&v, 0, 0, 0, 9);
	rc_is(isakmp_parse_notify(v.b, v.n, n), 0, "notify: with data");
	ok(n->len == 4 && n->data[3] == 9, "notify: data after the SPI");
	rc_is(isakmp_parse_notify(v.b, 23, n), -EBADMSG, "notify: SPI past the end");
	rc_is(isakmp_parse_notify(v.b, 7, n), -EBADMSG, "notify: 7-byte body");
	v.b[5] = 17;
	rc_is(isakmp_parse_notify(v.b, v.n, n), -EBADMSG, "notify: SPI size 17");
	v.b[5] = 0;
	rc_is(isakmp_parse_notify(v.b, 8, n), 0, "notify: no SPI, no data");
}

static void test_delete(void)
{
	struct isakmp_delete *d = &ta.u.d;

	v.n = 0;
	CAT(&v, 0, 0, 0, 1, ISAKMP_PROTO_ESP, 4, 0, 3);
	CAT(&v, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
	rc_is(isakmp_parse_delete(v.b, v.n, d), 0, "delete: three ESP SPIs");
	ok(d->doi == 1 && d->protocol == 3 && d->spi_len == 4 && d->nspi == 3 &&
	   d->spis == v.b + 8 && d->spis[8] == 3, "delete: fields");
	rc_is(isakmp_parse_delete(v.b, v.n - 1, d), -EBADMSG, "delete: last SPI cut");
	v.b[7] = 2;
	rc_is(isakmp_parse_delete(v.b, v.n, d), -EBADMSG, "delete: count below the SPIs there");
	v.b[7] = 0;
	rc_is(isakmp_parse_delete(v.b, 8, d), -EBADMSG, "delete: no SPI");
	v.b[7] = 3;
	v.b[5] = 8;
	rc_is(isakmp_parse_delete(v.b, v.n, d), -EBADMSG, "delete: ESP with SPI size 8");
	v.n = 0;
	CAT(&v, 0, 0, 0, 1, ISAKMP_PROTO_ISAKMP, 16, 0, 1);
	cat(&v, cky_i, 8);
	cat(&v, cky_r, 8);
	rc_is(isakmp_parse_delete(v.b, v.n, d), 0, "delete: ISAKMP SA by its cookies");
	v.b[5] = 8;
	rc_is(isakmp_parse_delete(v.b, 16, d), -EBADMSG, "delete: ISAKMP with SPI size 8");
	v.b[5] = 16;
	v.b[4] = 9;
	rc_is(isakmp_parse_delete(v.b, v.n, d), -EBADMSG, "delete: protocol 9");
	rc_is(isakmp_parse_delete(v.b, 7, d), -EBADMSG, "delete: 7-byte body");
}

/* ---- builders ---- */

/* Main Mode message 1 with the builders; must equal the hand-made bytes. */
static size_t build_main1(u8 *mem, size_t cap, int *err)
{
	static const u8 zero[8];
	struct isakmp_buf b;
	size_t s, p, t;

	isakmp_buf_init(&b, mem, cap);
	isakmp_put_header(&b, cky_i, zero, ISAKMP_XCHG_IDPROT, 0, 0);
	s = isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	p = isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, 1, true);
	t = isakmp_trans_begin(&b, 1, ISAKMP_KEY_IKE, true);
	isakmp_put_attr(&b, IKEV1_ATTR_ENCR, IKEV1_ENCR_AES_CBC);
	isakmp_put_attr(&b, IKEV1_ATTR_KEY_LENGTH, 256);
	isakmp_put_attr(&b, IKEV1_ATTR_HASH, IKEV1_HASH_SHA2_256);
	isakmp_put_attr(&b, IKEV1_ATTR_AUTH, IKEV1_AUTH_PSK);
	isakmp_put_attr(&b, IKEV1_ATTR_GROUP_DESC, 14);
	isakmp_put_attr(&b, IKEV1_ATTR_LIFE_DURATION, 86400);
	isakmp_pl_end(&b, t);
	isakmp_pl_end(&b, p);
	isakmp_pl_end(&b, s);
	isakmp_add_opaque(&b, ISAKMP_PL_VID, (const u8 *)"oakley", 6);
	*err = isakmp_buf_finish(&b);
	return b.len;
}

static void test_build_main1(void)
{
	static const u8 zero[8];
	size_t n;
	int err;

	n = build_main1(out, sizeof(out), &err);
	rc_is(err, 0, "build: Main Mode message 1");
	/* Expected: header, SA (the hand-made body of sa_main_mode()), VID. */
	w.n = 0;
	cat(&w, cky_i, 8);
	cat(&w, zero, 8);
	CAT(&w, ISAKMP_PL_SA, 0x10, ISAKMP_XCHG_IDPROT, 0, 0, 0, 0, 0, 0, 0, 0, 94);
	sa_main_mode(&v);
	CAT(&w, ISAKMP_PL_VID, 0, 0, 4 + 52);
	cat(&w, v.b, v.n);
	CAT(&w, 0, 0, 0, 10, 'o', 'a', 'k', 'l', 'e', 'y');
	ok(n == w.n && n == 94 && !memcmp(out, w.b, n), "build: byte for byte the RFC 2408 layout");
	if (n != w.n || memcmp(out, w.b, w.n))
		printf("# built %zu bytes, expected %zu\n", n, w.n);
	rc_is(isakmp_parse_msg(out, n, &msg), 0, "build: message 1 parses");
	isakmp_parse_typed(ISAKMP_PL_SA, msg.pl[0].body, msg.pl[0].len, &ta);
	ok(!ta.rc && msg.npayloads == 2 && msg.pl[1].type == ISAKMP_PL_VID &&
	   ta.u.sa.p[0].t[0].nattrs == 6, "build: parsed back");
}

/* Quick Mode message 1: HASH(1) reserved first, SA, Nonce, KE, IDci, IDcr. */
static void test_build_quick(void)
{
	static const u8 nonce[16] = { 0x4e }, ke[256] = { 0x0e };
	static const u8 net[8] = { 10, 1, 0, 0, 255, 255, 255, 0 };
	static const u8 spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
	struct isakmp_buf b;
	size_t hash_off, s, p, t;

	isakmp_buf_init(&b, out, sizeof(out));
	isakmp_put_header(&b, cky_i, cky_r, ISAKMP_XCHG_QUICK, ISAKMP_FLAG_ENC, 0x01020304);
	hash_off = isakmp_add_opaque(&b, ISAKMP_PL_HASH, NULL, 32);
	s = isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	p = isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, spi, 4, 1, true);
	t = isakmp_trans_begin(&b, 1, ISAKMP_ESP_AES_CBC, true);
	isakmp_put_attr(&b, IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	isakmp_put_attr(&b, IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA2_256);
	isakmp_put_attr(&b, IPSEC_ATTR_KEY_LENGTH, 128);
	isakmp_put_attr(&b, IPSEC_ATTR_GROUP_DESC, 14);
	isakmp_put_attr(&b, IPSEC_ATTR_LIFE_TYPE, IPSEC_LIFE_KILOBYTES);
	isakmp_put_attr(&b, IPSEC_ATTR_LIFE_DURATION, 4608000);
	isakmp_pl_end(&b, t);
	isakmp_pl_end(&b, p);
	isakmp_pl_end(&b, s);
	isakmp_add_nonce(&b, nonce, sizeof(nonce));
	isakmp_add_ke(&b, ke, sizeof(ke));
	isakmp_add_id(&b, ISAKMP_ID_IPV4_ADDR_SUBNET, 0, 0, net, sizeof(net));
	isakmp_add_id(&b, ISAKMP_ID_IPV4_ADDR_SUBNET, 6, 443, net, sizeof(net));
	rc_is(isakmp_buf_finish(&b), 0, "build: Quick Mode message 1");
	ok(hash_off == 32 && out[16] == ISAKMP_PL_HASH && out[28] == ISAKMP_PL_SA &&
	   !out[32] && !out[63], "build: HASH(1) body reserved as zeros at the front");

	/* The engine encrypts everything after the header: parse it as the plaintext. */
	rc_is(isakmp_parse_inner(out + 28, b.len - 28, out[16], &msg), 0,
	      "build: Quick Mode chain parses as a decrypted body");
	ok(msg.npayloads == 6 && msg.pad_len == 0 && msg.pl[5].type == ISAKMP_PL_ID,
	   "build: six payloads");
	isakmp_parse_typed(ISAKMP_PL_SA, msg.pl[1].body, msg.pl[1].len, &ta);
	ok(!ta.rc && ta.u.sa.p[0].spi_len == 4 && !memcmp(ta.u.sa.p[0].spi, spi, 4) &&
	   ta.u.sa.p[0].t[0].nattrs == 6, "build: ESP proposal with its SPI");
	{
		struct isakmp_attr a;

		isakmp_attr_find(&ta.u.sa.p[0].t[0], IPSEC_ATTR_LIFE_DURATION, &a);
		ok(!a.tv && a.len == 4 && a.value == 4608000, "build: large value goes TLV");
		isakmp_attr_find(&ta.u.sa.p[0].t[0], IPSEC_ATTR_KEY_LENGTH, &a);
		ok(a.tv && a.value == 128, "build: small value goes TV");
	}
	isakmp_parse_typed(ISAKMP_PL_ID, msg.pl[5].body, msg.pl[5].len, &tb);
	ok(!tb.rc && tb.u.id.protocol == 6 && tb.u.id.port == 443 && tb.u.id.addr2[2] == 255,
	   "build: IDcr with protocol and port");
}

static void test_build_info(void)
{
	static const u8 spis[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u8 cookies[16] = { 0xc1 };
	struct isakmp_buf b;
	int i;

	isakmp_buf_init(&b, out, sizeof(out));
	isakmp_put_header(&b, cky_i, cky_r, ISAKMP_XCHG_INFO, 0, 77);
	isakmp_add_notify(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, cookies, 16,
			  ISAKMP_N_INITIAL_CONTACT, NULL, 0);
	isakmp_add_delete(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ESP, 4, spis, 2);
	isakmp_add_typed(&b, ISAKMP_PL_CR, 4, NULL, 0);
	rc_is(isakmp_buf_finish(&b), 0, "build: Informational");
	rc_is(isakmp_parse_msg(out, b.len, &msg), 0, "build: Informational parses");
	isakmp_parse_typed(ISAKMP_PL_N, msg.pl[0].body, msg.pl[0].len, &ta);
	isakmp_parse_typed(ISAKMP_PL_D, msg.pl[1].body, msg.pl[1].len, &tb);
	ok(!ta.rc && ta.u.n.type == ISAKMP_N_INITIAL_CONTACT && ta.u.n.spi_len == 16 &&
	   !tb.rc && tb.u.d.nspi == 2 && tb.u.d.spis[7] == 8, "build: Notify and Delete back");

	/* Round trip: rebuilding a parsed message gives the same bytes. */
	{
		size_t n, n2;

		rc_is(isakmp_rebuild_msg(&msg, out, out2, sizeof(out2), &n), 0, "rebuild: Informational");
		rc_is(isakmp_parse_msg(out2, n, &msg2), 0, "rebuild: parses");
		ok(isakmp_msg_equal(&msg, &msg2, true) && isakmp_chain_typed_equal(&msg, &msg2) &&
		   n == msg.length && !memcmp(out, out2, n), "rebuild: identical");
		n2 = build_main1(out, sizeof(out), &i);
		isakmp_parse_msg(out, n2, &msg);
		rc_is(isakmp_rebuild_msg(&msg, out, out2, sizeof(out2), &n), 0, "rebuild: Main Mode 1");
		ok(n == n2 && !memcmp(out, out2, n), "rebuild: Main Mode 1 identical");
	}
}

static void test_build_errors(void)
{
	static const u8 big[64];
	struct isakmp_buf b;
	size_t n;
	int err;

	memset(out, 0xa5, 200);
	n = build_main1(out, 93, &err);
	rc_is(err, -ENOSPC, "overflow: 93-byte buffer for a 94-byte message");
	ok(n <= 93 && out[93] == 0xa5 && out[94] == 0xa5, "overflow: nothing written past cap");
	for (n = 0; n < 94; n += 7) {
		build_main1(out, n, &err);
		if (err != -ENOSPC)
			break;
	}
	ok(n >= 94, "overflow: every short capacity fails with -ENOSPC");

	isakmp_buf_init(&b, out, sizeof(out));
	isakmp_put_header(&b, cky_i, cky_r, ISAKMP_XCHG_INFO, 0, 0);
	isakmp_add_notify(&b, 1, 1, big, 17, 1, NULL, 0);
	rc_is(isakmp_buf_finish(&b), -EINVAL, "builder: notify SPI size 17");
	isakmp_buf_init(&b, out, sizeof(out));
	isakmp_put_header(&b, cky_i, cky_r, ISAKMP_XCHG_INFO, 0, 0);
	isakmp_add_delete(&b, 1, 3, 4, big, 0);
	rc_is(isakmp_buf_finish(&b), -EINVAL, "builder: delete without SPIs");
	isakmp_buf_init(&b, out, sizeof(out));
	isakmp_put_header(&b, cky_i, cky_r, ISAKMP_XCHG_INFO, 0, 0);
	memset(&sa, 0, sizeof(sa));
	isakmp_add_sa(&b, &sa);
	rc_is(isakmp_buf_finish(&b), -EINVAL, "builder: SA without proposals");
	isakmp_buf_init(&b, out, sizeof(out));
	isakmp_put_header(&b, cky_i, cky_r, ISAKMP_XCHG_INFO, 0, 0);
	isakmp_prop_begin(&b, 1, 3, big, 4, 0, true);
	rc_is(isakmp_buf_finish(&b), -EINVAL, "builder: proposal without transforms");
	isakmp_buf_init(&b, out, sizeof(out));
	isakmp_add_opaque(&b, ISAKMP_PL_VID, big, 4);
	rc_is(isakmp_buf_finish(&b), -EINVAL, "builder: no header");
	isakmp_buf_init(&b, out, sizeof(out));
	isakmp_put_header(&b, cky_i, cky_r, ISAKMP_XCHG_INFO, 0, 0);
	isakmp_add_opaque(&b, ISAKMP_PL_VID, NULL, 65532);
	rc_is(isakmp_buf_finish(&b), -ENOSPC, "builder: payload above 65535 bytes");
}

int main(int argc, char **argv)
{
	bool plan = true;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-plan"))
			plan = false;
		else if (!strcmp(argv[i], "--first") && i + 1 < argc)
			ntests = atoi(argv[++i]);
	}
	test_header();
	test_chain();
	test_inner();
	test_sa_valid();
	test_sa_malformed();
	test_sa_limits();
	test_id();
	test_simple();
	test_notify();
	test_delete();
	test_build_main1();
	test_build_quick();
	test_build_info();
	test_build_errors();
	if (plan)
		printf("1..%u\n", ntests);
	return nfailed ? 1 : 0;
}

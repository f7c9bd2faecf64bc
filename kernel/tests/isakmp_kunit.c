// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the ISAKMP (IKEv1) wire codec: a few of the vectors of
 * selftests/codec/test_isakmp.c, run in the kernel build of the same code.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../codec/isakmp_wire.h"

/* Main Mode message 1 as RFC 2408 lays it out: header, SA, Vendor ID. */
static const u8 isakmp_mm1[] = {
	0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0, 0, 0, 0, 0, 0, 0, 0,
	ISAKMP_PL_SA, 0x10, ISAKMP_XCHG_IDPROT, 0, 0, 0, 0, 0, 0, 0, 0, 94,
	ISAKMP_PL_VID, 0, 0, 56, 0, 0, 0, 1, 0, 0, 0, 1,	/* SA: DOI, situation */
	0, 0, 0, 44, 1, ISAKMP_PROTO_ISAKMP, 0, 1,		/* proposal */
	0, 0, 0, 36, 1, ISAKMP_KEY_IKE, 0, 0,			/* transform */
	0x80, 1, 0, 7, 0x80, 14, 1, 0, 0x80, 2, 0, 4, 0x80, 3, 0, 1, 0x80, 4, 0, 14,
	0x00, 12, 0, 4, 0x00, 0x01, 0x51, 0x80,			/* life 86400 (TLV) */
	0, 0, 0, 10, 'o', 'a', 'k', 'l', 'e', 'y',
};

static int isakmp_build_mm1(u8 *mem, size_t cap, size_t *len)
{
	static const u8 cky_i[8] = { 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8 };
	static const u8 zero[8];
	struct isakmp_buf b;
	size_t s, p, t;
	int err;

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
	isakmp_add_opaque(&b, ISAKMP_PL_VID, "oakley", 6);
	err = isakmp_buf_finish(&b);
	*len = b.len;
	return err;
}

static void isakmp_test_mm1(struct kunit *test)
{
	struct isakmp_msg *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct isakmp_sa *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);
	struct isakmp_attr a;
	u8 out[sizeof(isakmp_mm1) + 8];
	size_t n, cap;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	KUNIT_ASSERT_EQ(test, isakmp_build_mm1(out, sizeof(out), &n), 0);
	KUNIT_ASSERT_EQ(test, n, sizeof(isakmp_mm1));
	KUNIT_EXPECT_EQ(test, memcmp(out, isakmp_mm1, n), 0);

	KUNIT_ASSERT_EQ(test, isakmp_parse_msg(isakmp_mm1, sizeof(isakmp_mm1), m), 0);
	KUNIT_ASSERT_EQ(test, m->npayloads, 2U);
	KUNIT_ASSERT_EQ(test, isakmp_parse_sa(m->pl[0].body, m->pl[0].len, sa), 0);
	KUNIT_EXPECT_EQ(test, sa->p[0].t[0].nattrs, 6);
	KUNIT_EXPECT_EQ(test, isakmp_attr_find(&sa->p[0].t[0], IKEV1_ATTR_LIFE_DURATION, &a), 0);
	KUNIT_EXPECT_FALSE(test, a.tv);
	KUNIT_EXPECT_EQ(test, a.value, 86400U);

	for (cap = 0; cap < sizeof(isakmp_mm1); cap++) {
		memset(out, 0xa5, sizeof(out));
		KUNIT_EXPECT_EQ(test, isakmp_build_mm1(out, cap, &n), -ENOSPC);
		KUNIT_EXPECT_EQ(test, out[cap], 0xa5);
	}
}

static void isakmp_test_malformed(struct kunit *test)
{
	struct isakmp_msg *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct isakmp_sa *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);
	u8 *v = kunit_kzalloc(test, 4096, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	KUNIT_ASSERT_NOT_NULL(test, v);
	memcpy(v, isakmp_mm1, sizeof(isakmp_mm1));
	KUNIT_EXPECT_EQ(test, isakmp_parse_msg(v, sizeof(isakmp_mm1) - 1, m), -EBADMSG);
	v[17] = 0x20;
	KUNIT_EXPECT_EQ(test, isakmp_parse_msg(v, sizeof(isakmp_mm1), m), -EOPNOTSUPP);
	v[17] = 0x10;
	v[79] = 5;	/* TLV length past the transform */
	KUNIT_EXPECT_EQ(test, isakmp_parse_sa(v + 32, 52, sa), -EBADMSG);

	/* 1,000 payloads each naming its own type as next. */
	memcpy(v, isakmp_mm1, 28);
	v[16] = ISAKMP_PL_VID;
	for (i = 0; i < 1000; i++) {
		v[28 + 4 * i] = ISAKMP_PL_VID;
		v[28 + 4 * i + 3] = 4;
	}
	put_unaligned_be32(28 + 4000, v + 24);
	KUNIT_EXPECT_EQ(test, isakmp_parse_msg(v, 28 + 4000, m), -E2BIG);
}

static struct kunit_case isakmp_cases[] = {
	KUNIT_CASE(isakmp_test_mm1),
	KUNIT_CASE(isakmp_test_malformed),
	{}
};

static struct kunit_suite isakmp_suite = {
	.name = "oakley-isakmp-codec",
	.test_cases = isakmp_cases,
};

kunit_test_suite(isakmp_suite);

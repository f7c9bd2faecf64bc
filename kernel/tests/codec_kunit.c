// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the IKEv2 wire codec: a few of the vectors of
 * selftests/codec/test_codec.c, run in the kernel build of the same code.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../codec/ikev2_wire.h"

#define VEC_LEN 208

struct vec {
	u8 b[VEC_LEN + 16];
	size_t n;
};

static void vec_put(struct vec *v, const u8 *p, size_t n)
{
	memcpy(v->b + v->n, p, n);
	v->n += n;
}

static void vec_fill(struct vec *v, u8 c, size_t n)
{
	memset(v->b + v->n, c, n);
	v->n += n;
}

static u8 key_data(unsigned int i)
{
	return i * 7 + 1;
}

/* An IKE_SA_INIT request written out from the RFC 7296 §3 layouts. */
static void sa_init_vector(struct vec *v)
{
	static const u8 hdr[] = { 33, 0x20, 34, 0x08, 0, 0, 0, 0, 0, 0, 0, VEC_LEN };
	static const u8 sa[] = {
		34, 0, 0, 48,  0, 0, 0, 44, 1, 1, 0, 4,
		3, 0, 0, 12, 1, 0, 0, 12, 0x80, 14, 0x01, 0x00,
		3, 0, 0, 8, 2, 0, 0, 5,
		3, 0, 0, 8, 3, 0, 0, 12,
		0, 0, 0, 8, 4, 0, 0, 31,
	};
	static const u8 ke[] = { 40, 0, 0, 40, 0, 31, 0, 0 };
	static const u8 nonce[] = { 41, 0, 0, 36 };
	static const u8 nat_s[] = { 41, 0, 0, 28, 0, 0, 0x40, 0x04 };
	static const u8 nat_d[] = { 0, 0, 0, 28, 0, 0, 0x40, 0x05 };
	unsigned int i;

	v->n = 0;
	for (i = 0; i < 8; i++)
		v->b[v->n++] = i + 1;
	vec_fill(v, 0, 8);
	vec_put(v, hdr, sizeof(hdr));
	vec_put(v, sa, sizeof(sa));
	vec_put(v, ke, sizeof(ke));
	for (i = 0; i < 32; i++)
		v->b[v->n++] = key_data(i);
	vec_put(v, nonce, sizeof(nonce));
	vec_fill(v, 0x4e, 32);
	vec_put(v, nat_s, sizeof(nat_s));
	vec_fill(v, 0x53, 20);
	vec_put(v, nat_d, sizeof(nat_d));
	vec_fill(v, 0x44, 20);
}

static void codec_sa_init_parse(struct kunit *test)
{
	struct vec *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	struct ike_msg *msg = kunit_kzalloc(test, sizeof(*msg), GFP_KERNEL);
	struct ike_sa_payload *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);
	struct ike_notify n;
	struct ike_ke ke;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, v);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sa);
	sa_init_vector(v);
	KUNIT_ASSERT_EQ(test, v->n, VEC_LEN);

	KUNIT_ASSERT_EQ(test, ike_parse_msg(v->b, v->n, msg), 0);
	KUNIT_EXPECT_EQ(test, msg->npayloads, 5U);
	KUNIT_EXPECT_EQ(test, msg->exchange, IKE_SA_INIT);
	KUNIT_EXPECT_EQ(test, msg->flags, IKE_FLAG_INITIATOR);
	KUNIT_EXPECT_EQ(test, msg->sk_index, -1);
	KUNIT_ASSERT_EQ(test, msg->pl[0].type, IKE_PL_SA);
	KUNIT_ASSERT_EQ(test, ike_parse_sa(msg->pl[0].body, msg->pl[0].len, sa), 0);
	KUNIT_EXPECT_EQ(test, sa->nproposals, 1);
	KUNIT_EXPECT_EQ(test, sa->p[0].ntransforms, 4);
	KUNIT_EXPECT_EQ(test, sa->p[0].t[0].keylen, 256);
	KUNIT_EXPECT_EQ(test, sa->p[0].t[3].id, 31);
	KUNIT_ASSERT_EQ(test, ike_parse_ke(msg->pl[1].body, msg->pl[1].len, &ke), 0);
	KUNIT_EXPECT_EQ(test, ke.group, 31);
	KUNIT_EXPECT_EQ(test, ke.len, 32);
	KUNIT_EXPECT_EQ(test, ike_find_notify(msg, IKE_N_NAT_DETECTION_DESTINATION_IP, &n), 0);
	KUNIT_EXPECT_EQ(test, n.len, 20);
	KUNIT_EXPECT_EQ(test, ike_find_notify(msg, IKE_N_COOKIE, &n), -ENOENT);
}

static void codec_malformed(struct kunit *test)
{
	struct vec *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	struct ike_msg *msg = kunit_kzalloc(test, sizeof(*msg), GFP_KERNEL);
	struct ike_sa_payload *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, v);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sa);

	sa_init_vector(v);
	KUNIT_EXPECT_EQ(test, ike_parse_msg(v->b, v->n - 1, msg), -EBADMSG);
	v->b[17] = 0x30;
	KUNIT_EXPECT_EQ(test, ike_parse_msg(v->b, v->n, msg), -EOPNOTSUPP);
	v->b[17] = 0x20;
	v->b[28 + 3] = 3;		/* SA payload length 3 */
	KUNIT_EXPECT_EQ(test, ike_parse_msg(v->b, v->n, msg), -EBADMSG);
	v->b[28 + 3] = 48;
	v->b[28 + 4 + 7] = 5;		/* transform count 5, 4 present */
	KUNIT_EXPECT_EQ(test, ike_parse_sa(v->b + 32, 44, sa), -EBADMSG);
	v->b[28 + 4 + 7] = 4;
	KUNIT_EXPECT_EQ(test, ike_parse_sa(v->b + 32, 44, sa), 0);
	v->b[16] = IKE_PL_SK;		/* SK first, not last */
	KUNIT_EXPECT_EQ(test, ike_parse_msg(v->b, v->n, msg), -EBADMSG);
	v->b[16] = IKE_PL_SA;
	v->b[28 + 48 + 40 + 3] = 4 + 15;	/* a 15-byte nonce, chain broken */
	KUNIT_EXPECT_EQ(test, ike_parse_msg(v->b, v->n, msg), -EBADMSG);
}

static void codec_build(struct kunit *test)
{
	struct vec *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	struct ike_sa_payload *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);
	u8 *out = kunit_kzalloc(test, VEC_LEN + 16, GFP_KERNEL);
	u8 kd[32], nonce[32], nat_s[20], nat_d[20];
	struct ike_buf b;
	unsigned int i, cap;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, v);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sa);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);
	sa_init_vector(v);
	for (i = 0; i < 32; i++)
		kd[i] = key_data(i);
	memset(nonce, 0x4e, sizeof(nonce));
	memset(nat_s, 0x53, sizeof(nat_s));
	memset(nat_d, 0x44, sizeof(nat_d));
	sa->nproposals = 1;
	sa->p[0].num = 1;
	sa->p[0].protocol = IKE_PROTO_IKE;
	sa->p[0].ntransforms = 4;
	sa->p[0].t[0] = (struct ike_transform){ 1, 12, 256 };
	sa->p[0].t[1] = (struct ike_transform){ 2, 5, 0 };
	sa->p[0].t[2] = (struct ike_transform){ 3, 12, 0 };
	sa->p[0].t[3] = (struct ike_transform){ 4, 31, 0 };

	for (cap = VEC_LEN - 1; cap <= VEC_LEN; cap++) {
		memset(out, 0xa5, VEC_LEN + 16);
		ike_buf_init(&b, out, cap);
		ike_put_header(&b, v->b, v->b + 8, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
		ike_add_sa(&b, sa);
		ike_add_ke(&b, 31, kd, sizeof(kd));
		ike_add_nonce(&b, nonce, sizeof(nonce));
		ike_add_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, nat_s, 20);
		ike_add_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, nat_d, 20);
		if (cap < VEC_LEN) {
			KUNIT_EXPECT_EQ(test, ike_buf_finish(&b), -ENOSPC);
			for (i = cap; i < VEC_LEN + 16; i++)
				KUNIT_EXPECT_EQ(test, out[i], 0xa5);
			continue;
		}
		KUNIT_EXPECT_EQ(test, ike_buf_finish(&b), 0);
		KUNIT_EXPECT_EQ(test, b.len, VEC_LEN);
		KUNIT_EXPECT_EQ(test, memcmp(out, v->b, VEC_LEN), 0);
	}
}

/* CERT and CERTREQ (RFC 7296 3.6, 3.7): encoding byte then data, no reserved bytes. */
static void codec_cert(struct kunit *test)
{
	static const u8 want[] = { IKE_PL_CERTREQ, 0, 0, 8, IKE_CERT_X509_SIG, 0xc1, 0xc2, 0xc3,
				   0, 0, 0, 7, IKE_CERT_X509_SIG, 0xd1, 0xd2 };
	static const u8 der[] = { 0xc1, 0xc2, 0xc3 };
	u8 *out = kunit_kzalloc(test, 64, GFP_KERNEL);
	struct ike_cert cert;
	struct ike_buf b;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);
	ike_buf_init(&b, out, 64);
	b.np_off = 0;
	b.len = 1;	/* a fake "next payload" byte of a header before */
	ike_add_cert(&b, IKE_PL_CERT, IKE_CERT_X509_SIG, der, sizeof(der));
	ike_add_cert(&b, IKE_PL_CERTREQ, IKE_CERT_X509_SIG, (const u8 *)"\xd1\xd2", 2);
	KUNIT_ASSERT_EQ(test, b.err, 0);
	KUNIT_ASSERT_EQ(test, b.len, 1 + sizeof(want));
	KUNIT_EXPECT_EQ(test, out[0], IKE_PL_CERT);
	KUNIT_EXPECT_EQ(test, memcmp(out + 1, want, sizeof(want)), 0);
	KUNIT_ASSERT_EQ(test, ike_parse_cert(out + 5, 4, &cert), 0);
	KUNIT_EXPECT_EQ(test, cert.encoding, IKE_CERT_X509_SIG);
	KUNIT_EXPECT_EQ(test, cert.len, 3);
	KUNIT_EXPECT_EQ(test, memcmp(cert.data, der, 3), 0);
	KUNIT_EXPECT_EQ(test, ike_parse_cert(out + 5, 1, &cert), -EBADMSG);
}

static struct kunit_case codec_cases[] = {
	KUNIT_CASE(codec_sa_init_parse),
	KUNIT_CASE(codec_malformed),
	KUNIT_CASE(codec_build),
	KUNIT_CASE(codec_cert),
	{}
};

static struct kunit_suite codec_suite = {
	.name = "oakley-codec",
	.test_cases = codec_cases,
};

kunit_test_suite(codec_suite);

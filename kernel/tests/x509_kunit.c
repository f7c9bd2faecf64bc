// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the X.509 parser, CRL parser and chain logic in the
 * kernel build of the same code (selftests/codec/test_x509.c has the full
 * set).  The certificates are fixtures of selftests/codec/x509/mkcerts.sh:
 * an ECDSA P-384 root, a P-256 leaf under it (notAfter 2060, in
 * GeneralizedTime) and an RSA CRL that revokes one serial.  Dates are
 * checked against mktime64(), not against the parser's own arithmetic.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/time64.h>

#include "../codec/x509_chain.h"
#include "x509_kunit_certs.h"

/* Parses a heap copy of exactly len bytes, so KASAN sees any overread. */
static int parse_copy(struct kunit *test, const u8 *der, size_t len, struct x509_cert *c)
{
	u8 *buf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, der, len);
	return x509_parse(buf, len, c);
}

static struct x509_cert *alloc_cert(struct kunit *test)
{
	struct x509_cert *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	return c;
}

static void x509_root_ec(struct kunit *test)
{
	struct x509_cert *c = alloc_cert(test);

	KUNIT_ASSERT_EQ(test, parse_copy(test, kunit_root_ec, sizeof(kunit_root_ec), c), 0);
	KUNIT_EXPECT_EQ(test, c->version, 3);
	KUNIT_EXPECT_TRUE(test, c->ca);
	KUNIT_EXPECT_EQ(test, c->path_len, -1);
	KUNIT_EXPECT_TRUE(test, c->key_usage & X509_KU_KEY_CERT_SIGN);
	KUNIT_EXPECT_EQ(test, c->sig_alg.type, X509_SIG_ECDSA);
	KUNIT_EXPECT_EQ(test, c->sig_alg.hash, X509_HASH_SHA384);
	KUNIT_EXPECT_EQ(test, c->key.type, X509_KEY_EC);
	KUNIT_EXPECT_EQ(test, c->key.curve, X509_CURVE_P384);
	KUNIT_EXPECT_EQ(test, c->key.point.len, 97);
	KUNIT_EXPECT_EQ(test, c->not_before, mktime64(2020, 1, 1, 0, 0, 0));
	KUNIT_EXPECT_EQ(test, c->not_after, mktime64(2040, 1, 1, 0, 0, 0));
	/* Self-issued: the same DN both ways. */
	KUNIT_EXPECT_TRUE(test, der_span_eq(&c->issuer, &c->subject));
	KUNIT_EXPECT_GT(test, c->skid.len, 0);
}

static void x509_leaf_ec(struct kunit *test)
{
	struct x509_cert *root = alloc_cert(test), *c = alloc_cert(test);
	static const u8 ip[] = { 192, 0, 2, 1 };

	KUNIT_ASSERT_EQ(test, parse_copy(test, kunit_root_ec, sizeof(kunit_root_ec), root), 0);
	KUNIT_ASSERT_EQ(test, parse_copy(test, kunit_leaf_ec, sizeof(kunit_leaf_ec), c), 0);
	KUNIT_EXPECT_FALSE(test, c->ca);
	KUNIT_EXPECT_EQ(test, c->sig_alg.hash, X509_HASH_SHA256);
	KUNIT_EXPECT_EQ(test, c->key.curve, X509_CURVE_P256);
	KUNIT_EXPECT_EQ(test, c->not_after, mktime64(2060, 1, 1, 0, 0, 0));
	KUNIT_EXPECT_TRUE(test, der_span_eq(&c->issuer, &root->subject));
	KUNIT_EXPECT_TRUE(test, der_span_eq(&c->akid, &root->skid));
	KUNIT_EXPECT_TRUE(test, x509_match_fqdn(c, (const u8 *)"MOON.example.org", 16));
	KUNIT_EXPECT_FALSE(test, x509_match_fqdn(c, (const u8 *)"moon.example.or", 15));
	KUNIT_EXPECT_TRUE(test, x509_match_email(c, (const u8 *)"moon@example.org", 16));
	KUNIT_EXPECT_TRUE(test, x509_match_ip(c, ip, sizeof(ip)));
	KUNIT_EXPECT_TRUE(test, x509_match_dn(root, c->issuer.p, c->issuer.len));
	KUNIT_EXPECT_FALSE(test, x509_match_dn(c, c->issuer.p, c->issuer.len));
}

static void x509_truncated(struct kunit *test)
{
	struct x509_cert *c = alloc_cert(test);
	size_t n;

	for (n = 0; n < sizeof(kunit_leaf_ec); n++)
		KUNIT_EXPECT_NE(test, parse_copy(test, kunit_leaf_ec, n, c), 0);
}

/* Checks that it is asked about the leaf's TBS with the root's key. */
struct sig_ctx {
	const struct x509_cert *leaf, *root;
	int answer;
	int calls;
};

static int fake_verify(void *ctx, const struct x509_pubkey *key, const struct x509_sig_alg *alg,
		       const struct der_span *tbs, const struct der_span *sig)
{
	struct sig_ctx *s = ctx;

	s->calls++;
	if (key != &s->root->key || alg != &s->leaf->sig_alg || tbs != &s->leaf->tbs ||
	    sig != &s->leaf->sig)
		return -EINVAL;
	return s->answer;
}

static void x509_chain(struct kunit *test)
{
	struct x509_cert *root = alloc_cert(test), *leaf = alloc_cert(test);
	struct x509_chain_out *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	const struct x509_cert *anchors[1];
	struct sig_ctx s = { .answer = 0 };
	struct x509_chain_in in = {
		.anchors = anchors, .nanchors = 1,
		.now = mktime64(2026, 6, 1, 0, 0, 0),
		.verify = fake_verify, .verify_ctx = &s,
	};

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);
	KUNIT_ASSERT_EQ(test, parse_copy(test, kunit_root_ec, sizeof(kunit_root_ec), root), 0);
	KUNIT_ASSERT_EQ(test, parse_copy(test, kunit_leaf_ec, sizeof(kunit_leaf_ec), leaf), 0);
	anchors[0] = root;
	s.leaf = leaf;
	s.root = root;
	KUNIT_EXPECT_EQ(test, x509_chain_verify(&in, leaf, out), 0);
	KUNIT_EXPECT_EQ(test, out->len, 2);
	KUNIT_EXPECT_PTR_EQ(test, out->path[1], (const struct x509_cert *)root);
	KUNIT_EXPECT_EQ(test, s.calls, 1);

	s.answer = -EKEYREJECTED;
	KUNIT_EXPECT_EQ(test, x509_chain_verify(&in, leaf, out), -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, out->reason, X509_CHAIN_BAD_SIGNATURE);

	s.answer = 0;
	in.now = mktime64(2045, 1, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, x509_chain_verify(&in, leaf, out), -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, out->reason, X509_CHAIN_EXPIRED);
	KUNIT_EXPECT_PTR_EQ(test, out->culprit, (const struct x509_cert *)root);

	/* The leaf is no CA: as the only anchor it vouches for nothing. */
	anchors[0] = leaf;
	in.now = mktime64(2026, 6, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, x509_chain_verify(&in, leaf, out), -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, out->reason, X509_CHAIN_NO_ISSUER);
}

static void x509_crl(struct kunit *test)
{
	struct x509_crl *crl = kunit_kzalloc(test, sizeof(*crl), GFP_KERNEL);
	u8 *buf = kunit_kmalloc(test, sizeof(kunit_crl_inter), GFP_KERNEL);
	static const u8 revoked[] = { 0x40, 0x04 }, other[] = { 0x40, 0x03 };
	struct der_span s = { revoked, sizeof(revoked) };

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, crl);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, kunit_crl_inter, sizeof(kunit_crl_inter));
	KUNIT_ASSERT_EQ(test, x509_crl_parse(buf, sizeof(kunit_crl_inter), crl), 0);
	KUNIT_EXPECT_EQ(test, crl->nrevoked, 1);
	KUNIT_EXPECT_EQ(test, crl->this_update, mktime64(2025, 1, 1, 0, 0, 0));
	KUNIT_EXPECT_EQ(test, crl->next_update, mktime64(2040, 1, 1, 0, 0, 0));
	KUNIT_EXPECT_TRUE(test, x509_crl_revoked(crl, &s));
	s.p = other;
	KUNIT_EXPECT_FALSE(test, x509_crl_revoked(crl, &s));
	KUNIT_EXPECT_EQ(test, x509_crl_parse(buf, sizeof(kunit_crl_inter) - 1, crl), -EBADMSG);
}

/* RFC 7427 AUTH data: a whole AlgorithmIdentifier, nothing after it. */
static void x509_algid(struct kunit *test)
{
	/* sha256WithRSAEncryption with NULL parameters (RFC 7427 A.1), then a spare byte */
	static const u8 rsa256[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
				     0x01, 0x01, 0x0b, 0x05, 0x00, 0xff };
	/* ecdsa-with-SHA384, no parameters */
	static const u8 ec384[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
				    0x03, 0x03 };
	/* an unknown OID: not an error, X509_SIG_UNKNOWN */
	static const u8 other[] = { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70 };
	struct x509_sig_alg a;
	u8 *buf = kunit_kmalloc(test, sizeof(rsa256), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, rsa256, sizeof(rsa256));
	KUNIT_ASSERT_EQ(test, x509_parse_algid(buf, sizeof(rsa256) - 1, &a), 0);
	KUNIT_EXPECT_EQ(test, a.type, X509_SIG_RSA_PKCS1);
	KUNIT_EXPECT_EQ(test, a.hash, X509_HASH_SHA256);
	KUNIT_EXPECT_EQ(test, x509_parse_algid(buf, sizeof(rsa256), &a), -EBADMSG);
	KUNIT_EXPECT_NE(test, x509_parse_algid(buf, sizeof(rsa256) - 2, &a), 0);
	KUNIT_EXPECT_NE(test, x509_parse_algid(buf, 0, &a), 0);
	KUNIT_ASSERT_EQ(test, x509_parse_algid(ec384, sizeof(ec384), &a), 0);
	KUNIT_EXPECT_EQ(test, a.type, X509_SIG_ECDSA);
	KUNIT_EXPECT_EQ(test, a.hash, X509_HASH_SHA384);
	KUNIT_ASSERT_EQ(test, x509_parse_algid(other, sizeof(other), &a), 0);
	KUNIT_EXPECT_EQ(test, a.type, X509_SIG_UNKNOWN);
}

static struct kunit_case x509_cases[] = {
	KUNIT_CASE(x509_algid),
	KUNIT_CASE(x509_root_ec),
	KUNIT_CASE(x509_leaf_ec),
	KUNIT_CASE(x509_truncated),
	KUNIT_CASE(x509_chain),
	KUNIT_CASE(x509_crl),
	{}
};

static struct kunit_suite x509_suite = {
	.name = "oakley-x509",
	.test_cases = x509_cases,
};

kunit_test_suite(x509_suite);

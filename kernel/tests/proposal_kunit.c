// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "oakley_ikev2_proposals": oak_prop_select_algs()
 * (kernel/ikev2/proposal.c), which the responder's connection switch calls
 * under RCU (issue 14, defect 1): whether a configured IKE proposal list
 * holds an already negotiated transform set.  It builds no SA payload and
 * allocates nothing; each case also asks oak_prop_select() of the
 * one-proposal payload oak_prop_from_algs() makes (the old way) and wants
 * the same answer.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../core/sa.h"
#include "../ikev2/ikev2.h"

/* One transform of a proposal list: proposal number, type, id, key length. */
struct pk_t {
	u8 prop, type;
	u16 id, keylen;
};

static struct oakley_proposals *pk_props(struct kunit *test, const struct pk_t *t,
					 unsigned int n)
{
	struct oakley_proposals *p;
	unsigned int i;

	p = kunit_kzalloc(test, struct_size(p, t, n), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p->count = n;
	for (i = 0; i < n; i++) {
		p->t[i] = (struct oakley_transform){ .prop = t[i].prop, .type = t[i].type,
						     .id = t[i].id, .keylen = t[i].keylen };
		if (t[i].prop + 1 > p->nprops)
			p->nprops = t[i].prop + 1;
	}
	return p;
}

/* The answer of the old way: an SA payload of @a, matched with oak_prop_select(). */
static bool pk_reference(struct kunit *test, const struct oakley_proposals *p,
			 const struct oak_algs *a)
{
	struct ike_sa_payload *sap = kunit_kzalloc(test, sizeof(*sap), GFP_KERNEL);
	struct oak_algs got;

	KUNIT_ASSERT_NOT_NULL(test, sap);
	oak_prop_from_algs(a, 1, IKE_PROTO_IKE, NULL, 0, sap);
	return oak_prop_select(sap, p, IKE_PROTO_IKE, false, &got, NULL) >= 0;
}

static void pk_check(struct kunit *test, const struct pk_t *tr, unsigned int n,
		     const struct oak_algs *algs, bool want)
{
	struct oakley_proposals *p = pk_props(test, tr, n);

	KUNIT_EXPECT_EQ(test, oak_prop_select_algs(p, algs), want);
	KUNIT_EXPECT_EQ(test, pk_reference(test, p, algs), want);
}

static const struct pk_t gcm[] = {
	{ 0, OAKLEY_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 256 },
	{ 0, OAKLEY_TRANS_PRF, IKE_PRF_HMAC_SHA2_384, 0 },
	{ 0, OAKLEY_TRANS_DH, IKE_DH_CURVE25519, 0 },
};

static const struct pk_t cbc[] = {
	{ 0, OAKLEY_TRANS_ENCR, IKE_ENCR_AES_CBC, 128 },
	{ 0, OAKLEY_TRANS_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
	{ 0, OAKLEY_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0 },
	{ 0, OAKLEY_TRANS_DH, IKE_DH_MODP2048, 0 },
};

/* cbc, then gcm with two groups: the second proposal holds the gcm set */
static const struct pk_t two[] = {
	{ 0, OAKLEY_TRANS_ENCR, IKE_ENCR_AES_CBC, 128 },
	{ 0, OAKLEY_TRANS_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
	{ 0, OAKLEY_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0 },
	{ 0, OAKLEY_TRANS_DH, IKE_DH_MODP2048, 0 },
	{ 1, OAKLEY_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 256 },
	{ 1, OAKLEY_TRANS_PRF, IKE_PRF_HMAC_SHA2_384, 0 },
	{ 1, OAKLEY_TRANS_DH, IKE_DH_ECP256, 0 },
	{ 1, OAKLEY_TRANS_DH, IKE_DH_CURVE25519, 0 },
};

/* the parts of the gcm set, but spread over two proposals: no proposal holds it */
static const struct pk_t split[] = {
	{ 0, OAKLEY_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 256 },
	{ 0, OAKLEY_TRANS_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
	{ 0, OAKLEY_TRANS_DH, IKE_DH_CURVE25519, 0 },
	{ 1, OAKLEY_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 256 },
	{ 1, OAKLEY_TRANS_PRF, IKE_PRF_HMAC_SHA2_384, 0 },
	{ 1, OAKLEY_TRANS_DH, IKE_DH_MODP2048, 0 },
};

/* ike = 3des-sha1-modp1024: the legacy set, configured explicitly */
static const struct pk_t legacy[] = {
	{ 0, OAKLEY_TRANS_ENCR, IKE_ENCR_3DES, 0 },
	{ 0, OAKLEY_TRANS_INTEG, IKE_INTEG_HMAC_SHA1_96, 0 },
	{ 0, OAKLEY_TRANS_PRF, IKE_PRF_HMAC_SHA1, 0 },
	{ 0, OAKLEY_TRANS_DH, IKE_DH_MODP1024, 0 },
};

static const struct oak_algs algs_legacy = {
	.encr = IKE_ENCR_3DES, .prf = IKE_PRF_HMAC_SHA1, .integ = IKE_INTEG_HMAC_SHA1_96,
	.dh = IKE_DH_MODP1024,
};

static const struct oak_algs algs_gcm = {
	.encr = IKE_ENCR_AES_GCM_16, .encr_keylen = 256, .prf = IKE_PRF_HMAC_SHA2_384,
	.dh = IKE_DH_CURVE25519,
};

static const struct oak_algs algs_cbc = {
	.encr = IKE_ENCR_AES_CBC, .encr_keylen = 128, .prf = IKE_PRF_HMAC_SHA2_256,
	.integ = IKE_INTEG_HMAC_SHA2_256_128, .dh = IKE_DH_MODP2048,
};

static void pk_test_select_algs(struct kunit *test)
{
	struct oak_algs a;

	pk_check(test, gcm, ARRAY_SIZE(gcm), &algs_gcm, true);
	pk_check(test, cbc, ARRAY_SIZE(cbc), &algs_cbc, true);
	pk_check(test, gcm, ARRAY_SIZE(gcm), &algs_cbc, false);
	pk_check(test, cbc, ARRAY_SIZE(cbc), &algs_gcm, false);
	pk_check(test, two, ARRAY_SIZE(two), &algs_gcm, true);
	pk_check(test, two, ARRAY_SIZE(two), &algs_cbc, true);
	pk_check(test, split, ARRAY_SIZE(split), &algs_gcm, false);
	a = algs_gcm;
	a.encr_keylen = 128;		/* another key length is another transform */
	pk_check(test, gcm, ARRAY_SIZE(gcm), &a, false);
	a = algs_gcm;
	a.dh = IKE_DH_ECP256;		/* the second group of "two" */
	pk_check(test, two, ARRAY_SIZE(two), &a, true);
	pk_check(test, gcm, ARRAY_SIZE(gcm), &a, false);
	a = algs_cbc;
	a.integ = 0;			/* the proposal asks for integrity */
	pk_check(test, cbc, ARRAY_SIZE(cbc), &a, false);
	a = algs_cbc;
	a.integ = IKE_INTEG_HMAC_SHA2_512_256;
	pk_check(test, cbc, ARRAY_SIZE(cbc), &a, false);
	KUNIT_EXPECT_FALSE(test, oak_prop_select_algs(NULL, &algs_gcm));
	/* the legacy set is chosen where configured, and only there */
	pk_check(test, legacy, ARRAY_SIZE(legacy), &algs_legacy, true);
	pk_check(test, cbc, ARRAY_SIZE(cbc), &algs_legacy, false);
	pk_check(test, legacy, ARRAY_SIZE(legacy), &algs_cbc, false);
	a = algs_legacy;
	a.encr_keylen = 192;		/* 3DES with a Key Length is another transform */
	pk_check(test, legacy, ARRAY_SIZE(legacy), &a, false);
	a = algs_legacy;
	a.dh = IKE_DH_MODP1536;
	pk_check(test, legacy, ARRAY_SIZE(legacy), &a, false);
}

static struct kunit_case pk_cases[] = {
	KUNIT_CASE(pk_test_select_algs),
	{}
};

static struct kunit_suite pk_suite = {
	.name = "oakley_ikev2_proposals",
	.test_cases = pk_cases,
};

kunit_test_suite(pk_suite);

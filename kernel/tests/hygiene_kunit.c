// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "oakley_hygiene": key material is wiped before it is freed.
 *
 * The crypto glue shows every buffer that held key material to
 * oak_secret_free_hook (test builds only) after wiping it, just before it
 * is freed or goes out of scope.  Each case here creates the objects with
 * known, non-zero keys, drives them, frees them, and checks that
 * - the hook saw the object itself (the free went through the wipe), and
 * - every byte of every buffer the hook saw was zero at that moment.
 * Removing a wipe, or replacing a wiping free by a plain kfree(), fails a case.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../crypto/ike_crypto.h"
#include "../crypto/internal.h"
#include "../codec/isakmp_wire.h"
#include "../core/sa.h"
#include "../ikev2/ikev2.h"

#define OAK_HYG_MAX_CALLS	256

struct oak_hyg_call {
	const void *p;
	size_t len;
};

struct oak_hyg_rec {
	unsigned int calls;
	unsigned int dirty;		/* calls that saw a non-zero byte */
	struct oak_hyg_call call[OAK_HYG_MAX_CALLS];
};

static struct oak_hyg_rec *oak_hyg;

static void oak_hyg_hook(const void *p, size_t len)
{
	struct oak_hyg_rec *r = oak_hyg;

	if (!r)
		return;
	if (memchr_inv(p, 0, len))
		r->dirty++;
	if (r->calls < OAK_HYG_MAX_CALLS) {
		r->call[r->calls].p = p;
		r->call[r->calls].len = len;
	}
	r->calls++;
}

static void oak_hyg_reset(void)
{
	memset(oak_hyg, 0, sizeof(*oak_hyg));
}

/* The hook saw the buffer [p, p + len) (or a larger one starting at p). */
static bool oak_hyg_saw(const void *p, size_t len)
{
	unsigned int i, n = min_t(unsigned int, oak_hyg->calls, OAK_HYG_MAX_CALLS);

	for (i = 0; i < n; i++)
		if (oak_hyg->call[i].p == p && oak_hyg->call[i].len >= len)
			return true;
	return false;
}

/* A call of exactly @len bytes, wherever. */
static bool oak_hyg_saw_len(size_t len)
{
	unsigned int i, n = min_t(unsigned int, oak_hyg->calls, OAK_HYG_MAX_CALLS);

	for (i = 0; i < n; i++)
		if (oak_hyg->call[i].len == len)
			return true;
	return false;
}

static int oak_hyg_init(struct kunit *test)
{
	oak_hyg = kunit_kzalloc(test, sizeof(*oak_hyg), GFP_KERNEL);
	if (!oak_hyg)
		return -ENOMEM;
	if (oak_crypto_init())
		return -ENOENT;
	WRITE_ONCE(oak_secret_free_hook, oak_hyg_hook);
	return 0;
}

static void oak_hyg_exit(struct kunit *test)
{
	WRITE_ONCE(oak_secret_free_hook, NULL);
	oak_hyg = NULL;
	oak_crypto_exit();
}

/* The recorder itself notices a buffer that was not wiped. */
static void oak_test_hyg_recorder(struct kunit *test)
{
	u8 buf[32];

	memset(buf, 0x5a, sizeof(buf));
	oak_secret_gone(buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, oak_hyg->dirty, 1U);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw(buf, sizeof(buf)));
	oak_wipe(buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, oak_hyg->dirty, 1U);
	KUNIT_EXPECT_EQ(test, oak_hyg->calls, 2U);
}

/* One DH object: created with a known private value, used, freed. */
static void oak_hyg_dh(struct kunit *test, u16 group, const u8 *priv, size_t priv_len)
{
	u8 *shared = kunit_kzalloc(test, IKE_DH_MAX_SHARED, GFP_KERNEL);
	struct oak_dh *dh;
	size_t slen = 0;

	KUNIT_ASSERT_NOT_NULL(test, shared);
	dh = oak_dh_new_priv(group, priv, priv_len);
	KUNIT_ASSERT_NOT_NULL(test, dh);
	/* our own public value is a valid peer value */
	KUNIT_ASSERT_EQ(test, oak_dh_compute(dh, oak_dh_public(dh), oak_dh_pub_len(group),
					     shared, &slen), 0);
	KUNIT_EXPECT_GT(test, slen, (size_t)0);
	oak_dh_free(dh);
	KUNIT_EXPECT_TRUE_MSG(test, oak_hyg_saw(dh, 32), "group %u: DH object not wiped", group);
	KUNIT_EXPECT_EQ_MSG(test, oak_hyg->dirty, 0U, "group %u: %u of %u buffers not wiped",
			    group, oak_hyg->dirty, oak_hyg->calls);
	memzero_explicit(shared, IKE_DH_MAX_SHARED);
}

static void oak_test_hyg_x25519(struct kunit *test)
{
	u8 priv[32];

	memset(priv, 0xa5, sizeof(priv));
	oak_hyg_dh(test, IKE_DH_CURVE25519, priv, sizeof(priv));
}

static void oak_test_hyg_ecp(struct kunit *test)
{
	u8 priv[48];

	memset(priv, 0x11, sizeof(priv));
	oak_hyg_dh(test, IKE_DH_ECP256, priv, 32);
	/* the encoded private key and the shared secret went through the hook too */
	KUNIT_EXPECT_GE(test, oak_hyg->calls, 4U);
	oak_hyg_reset();
	oak_hyg_dh(test, IKE_DH_ECP384, priv, 48);
	KUNIT_EXPECT_GE(test, oak_hyg->calls, 4U);
}

static void oak_test_hyg_modp(struct kunit *test)
{
	u8 priv[32];

	memset(priv, 0x5a, sizeof(priv));
	oak_hyg_dh(test, IKE_DH_MODP2048, priv, sizeof(priv));
	/* the exponent buffer, the encoded key, the shared secret, the object */
	KUNIT_EXPECT_GE(test, oak_hyg->calls, 4U);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw_len(IKE_DH_MAX_PUB));
	/* MODP-1024 (MPI): the exponent buffer and the object; the MPIs wipe themselves */
	oak_hyg_reset();
	oak_hyg_dh(test, IKE_DH_MODP1024, priv, sizeof(priv));
	KUNIT_EXPECT_GE(test, oak_hyg->calls, 2U);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw_len(IKE_DH_MAX_PUB));
}

/* SKEYSEED, prf+ output, the HMAC state and the SK_* in the SA's key block. */
static void oak_test_hyg_ike_keys(struct kunit *test)
{
	struct oak_ike_keys k = {
		.prf = IKE_PRF_HMAC_SHA2_256,
		.encr = IKE_ENCR_AES_CBC,
		.encr_keylen = 128,
		.integ = IKE_INTEG_HMAC_SHA2_256_128,
	};
	u8 ni[32], nr[32], gir[256], spi_i[8], spi_r[8];
	size_t total;

	memset(ni, 0x01, sizeof(ni));
	memset(nr, 0x02, sizeof(nr));
	memset(gir, 0x03, sizeof(gir));
	memset(spi_i, 0x04, sizeof(spi_i));
	memset(spi_r, 0x05, sizeof(spi_r));
	KUNIT_ASSERT_EQ(test, oak_ike_derive(&k, ni, sizeof(ni), nr, sizeof(nr), gir,
					     sizeof(gir), spi_i, spi_r), 0);
	KUNIT_ASSERT_NOT_NULL(test, memchr_inv(k.sk_d, 0, k.prf_len));
	total = 3 * k.prf_len + 2 * k.ak_len + 2 * k.ek_len;
	KUNIT_EXPECT_TRUE_MSG(test, oak_hyg_saw_len(total), "prf+ output of %zu not wiped", total);
	KUNIT_EXPECT_TRUE_MSG(test, oak_hyg_saw_len(IKE_PRF_MAX_LEN), "SKEYSEED not wiped");
	/* the pads are in the hmac transform, which crypto_free_shash() wipes */
	KUNIT_EXPECT_TRUE_MSG(test, oak_hyg_saw_len(sizeof(struct oak_hmac)),
			      "HMAC transform not released");
	oak_ike_keys_wipe(&k);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw(&k, sizeof(k)));
	KUNIT_EXPECT_NULL(test, memchr_inv(&k, 0, sizeof(k)));
	KUNIT_EXPECT_EQ_MSG(test, oak_hyg->dirty, 0U, "%u of %u buffers not wiped",
			    oak_hyg->dirty, oak_hyg->calls);

	/* the same through a rekey */
	oak_hyg_reset();
	k.prf = IKE_PRF_HMAC_SHA2_512;
	k.encr = IKE_ENCR_AES_GCM_16;
	k.encr_keylen = 256;
	k.integ = IKE_INTEG_NONE;
	KUNIT_ASSERT_EQ(test, oak_ike_derive_rekey(&k, IKE_PRF_HMAC_SHA2_256, gir, 32, ni,
						   sizeof(ni), nr, sizeof(nr), gir, sizeof(gir),
						   spi_i, spi_r), 0);
	oak_ike_keys_wipe(&k);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw(&k, sizeof(k)));
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw_len(IKE_PRF_MAX_LEN));
	KUNIT_EXPECT_EQ(test, oak_hyg->dirty, 0U);
}

/* KEYMAT and AUTH: the PRF state and the padded PSK. */
static void oak_test_hyg_keymat_auth(struct kunit *test)
{
	static const char psk[] = "hygiene test pre-shared key";
	u8 sk_d[32], ni[32], nr[32], id[8], msg[64], out[64];
	u8 *keymat = kunit_kzalloc(test, 128, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, keymat);
	memset(sk_d, 0x21, sizeof(sk_d));
	memset(ni, 0x22, sizeof(ni));
	memset(nr, 0x23, sizeof(nr));
	memset(id, 0x24, sizeof(id));
	memset(msg, 0x25, sizeof(msg));
	KUNIT_ASSERT_EQ(test, oak_child_keymat(IKE_PRF_HMAC_SHA2_256, sk_d, sizeof(sk_d), NULL,
					       0, ni, sizeof(ni), nr, sizeof(nr), keymat, 128),
			0);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw_len(sizeof(struct oak_hmac)));
	KUNIT_EXPECT_EQ(test, oak_hyg->dirty, 0U);
	oak_hyg_reset();
	KUNIT_ASSERT_EQ(test, oak_auth_psk(IKE_PRF_HMAC_SHA2_384, psk, sizeof(psk) - 1, msg,
					   sizeof(msg), nr, sizeof(nr), sk_d, sizeof(sk_d), id,
					   sizeof(id), out), 0);
	/* prf(psk, "Key Pad for IKEv2") and MACedIDFor* */
	KUNIT_EXPECT_GE(test, oak_hyg->calls, 2U);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw_len(IKE_PRF_MAX_LEN));
	KUNIT_EXPECT_EQ(test, oak_hyg->dirty, 0U);
	memzero_explicit(keymat, 128);
}

/*
 * IKEv1: SKEYID for signatures (its nonce key), SKEYID_d/a/e with the
 * Appendix B expansion (its K blocks), KEYMAT, and the keys themselves.
 */
static void oak_test_hyg_ikev1(struct kunit *test)
{
	struct oak_v1_keys *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	u8 ni[16], nr[16], gxy[64], spi[4] = { 1, 2, 3, 4 }, km[64];

	KUNIT_ASSERT_NOT_NULL(test, k);
	memset(ni, 0x31, sizeof(ni));
	memset(nr, 0x32, sizeof(nr));
	memset(gxy, 0x33, sizeof(gxy));
	k->hash = IKEV1_HASH_SHA1;
	k->enc_len = 32;	/* longer than SHA-1: the expansion runs */
	KUNIT_ASSERT_EQ(test, oak_v1_skeyid_sig(k->hash, ni, sizeof(ni), nr, sizeof(nr),
						gxy, sizeof(gxy), k->skeyid), 0);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw_len(sizeof(ni) + sizeof(nr)));
	KUNIT_ASSERT_EQ(test, oak_v1_derive(k, gxy, sizeof(gxy), ni, nr), 0);
	KUNIT_ASSERT_EQ(test, oak_v1_keymat(k->hash, k->skeyid_d, k->prf_len, gxy, sizeof(gxy),
					    3, spi, ni, sizeof(ni), nr, sizeof(nr), km,
					    sizeof(km)), 0);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw_len(sizeof(struct oak_hmac)));
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw_len(IKE_PRF_MAX_LEN));
	oak_v1_keys_wipe(k);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw(k, sizeof(*k)));
	KUNIT_EXPECT_EQ(test, oak_hyg->dirty, 0U);
	memzero_explicit(km, sizeof(km));
}

/*
 * One SK direction: its object (key, HMAC pads, salt; @seen bytes of it at
 * least) is wiped, and no shared transform still holds its key.
 */
static void oak_hyg_sk_one(struct kunit *test, u16 encr, u16 keylen, u16 integ,
			   size_t ek_len, size_t ak_len, size_t seen)
{
	u8 ekey[IKE_ENCR_MAX_KEY], akey[IKE_INTEG_MAX_KEY];
	u8 *msg = kunit_kzalloc(test, 256, GFP_KERNEL);
	const u8 *plain;
	size_t len, plain_len;
	struct oak_sk *sk;
	u64 id;

	KUNIT_ASSERT_NOT_NULL(test, msg);
	memset(ekey, 0x31, sizeof(ekey));
	memset(akey, 0x32, sizeof(akey));
	oak_hyg_reset();
	sk = oak_sk_new(encr, keylen, integ, ekey, ek_len, ak_len ? akey : NULL, ak_len);
	KUNIT_ASSERT_NOT_NULL(test, sk);
	/* a message: IKE header, SK header at 28, IV, 8 bytes of payload */
	len = 28 + 4 + oak_sk_iv_len(sk) + 8;
	KUNIT_ASSERT_EQ(test, oak_sk_seal(sk, msg, 256, 28, &len), 0);
	KUNIT_ASSERT_EQ(test, oak_sk_open(sk, msg, len, 28, &plain, &plain_len), 0);
	/* the shared tfm that did the work holds the key until the free */
	id = oak_sk_id(sk);
	KUNIT_EXPECT_GE(test, oak_sk_slots_keyed(id), 1U);
	oak_sk_free(sk);
	KUNIT_EXPECT_EQ(test, oak_sk_slots_keyed(id), 0U);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw(sk, seen));
	KUNIT_EXPECT_EQ(test, oak_hyg->dirty, 0U);
}

/* One SK direction of each kind (AES-CBC, AES-GCM, 3DES-CBC). */
static void oak_test_hyg_sk(struct kunit *test)
{
	oak_hyg_sk_one(test, IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128, 16, 32,
		       sizeof(struct oak_hmac));
	oak_hyg_sk_one(test, IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, 36, 0, 16);
	oak_hyg_sk_one(test, IKE_ENCR_3DES, 0, IKE_INTEG_HMAC_SHA1_96, 24, 20,
		       sizeof(struct oak_hmac));
}

/*
 * The IKE SA's handshake context (nonces, SK_* but SK_d): SK_d moves into
 * the SA, then the context is wiped as a whole and freed.
 */
static void oak_test_hyg_ike_hs(struct kunit *test)
{
	struct ikev2_sa *v2 = kunit_kzalloc(test, sizeof(*v2), GFP_KERNEL);
	struct oak_ike_sa *sa = v2 ? &v2->sa : NULL;
	u8 gir[32], spi_i[8], spi_r[8];
	struct oak_ike_keys *k;
	struct oak_ike_hs *hs;

	KUNIT_ASSERT_NOT_NULL(test, sa);
	hs = kzalloc(sizeof(*hs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hs);
	ikev2_sa(sa)->hs = hs;
	ikev2_sa(sa)->ni = hs->ni;
	ikev2_sa(sa)->nr = hs->nr;
	ikev2_sa(sa)->ni_len = 32;
	ikev2_sa(sa)->nr_len = 32;
	memset(hs->ni, 0x51, 32);
	memset(hs->nr, 0x52, 32);
	memset(gir, 0x53, sizeof(gir));
	memset(spi_i, 0x54, sizeof(spi_i));
	memset(spi_r, 0x55, sizeof(spi_r));
	k = &hs->keys;
	k->prf = IKE_PRF_HMAC_SHA2_384;
	k->encr = IKE_ENCR_AES_GCM_16;
	k->encr_keylen = 128;
	k->integ = IKE_INTEG_NONE;
	KUNIT_ASSERT_EQ(test, oak_ike_derive(k, ikev2_sa(sa)->ni, 32, ikev2_sa(sa)->nr, 32, gir,
					     sizeof(gir), spi_i, spi_r), 0);
	oak_sa_keep_sk_d(sa);
	KUNIT_EXPECT_EQ(test, ikev2_sa(sa)->prf_len, 48);
	KUNIT_EXPECT_EQ(test, memcmp(ikev2_sa(sa)->sk_d, k->sk_d, 48), 0);
	oak_hyg_reset();
	oak_sa_hs_free(sa);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw(hs, sizeof(*hs)));
	KUNIT_EXPECT_EQ(test, oak_hyg->dirty, 0U);
	KUNIT_EXPECT_NULL(test, ikev2_sa(sa)->hs);
	KUNIT_EXPECT_NULL(test, ikev2_sa(sa)->ni);
	KUNIT_EXPECT_NULL(test, ikev2_sa(sa)->nr);
	KUNIT_EXPECT_EQ(test, ikev2_sa(sa)->ni_len + ikev2_sa(sa)->nr_len, 0);
	/* SK_d stays for later Child SAs and rekeys */
	KUNIT_EXPECT_NOT_NULL(test, memchr_inv(ikev2_sa(sa)->sk_d, 0, ikev2_sa(sa)->prf_len));
	/* a second call (oak_sa_free() after IKE_AUTH) is a no-op */
	oak_sa_hs_free(sa);
	KUNIT_EXPECT_EQ(test, oak_hyg->calls, 1U);
	memzero_explicit(ikev2_sa(sa)->sk_d, sizeof(ikev2_sa(sa)->sk_d));
}

/* The outbound keys a Child SA rekey responder keeps: copied, then wiped and freed. */
static void oak_test_hyg_child_out(struct kunit *test)
{
	struct ikev2_child *v2c = kunit_kzalloc(test, sizeof(*v2c), GFP_KERNEL);
	struct oak_child_sa *c = v2c ? &v2c->c : NULL;
	u8 ekey[16], akey[32], big[OAK_CCS_OUT_KEY_MAX + 1];
	u8 *kept;

	KUNIT_ASSERT_NOT_NULL(test, c);
	memset(ekey, 0x61, sizeof(ekey));
	memset(akey, 0x62, sizeof(akey));
	c->p.out.enc = ekey;
	c->p.out.enc_len = sizeof(ekey);
	c->p.out.auth = akey;
	c->p.out.auth_len = sizeof(akey);
	KUNIT_ASSERT_EQ(test, oak_child_keep_out(c), 0);
	kept = ikev2_child(c)->ccs.out_key;
	KUNIT_ASSERT_NOT_NULL(test, kept);
	KUNIT_EXPECT_TRUE(test, ikev2_child(c)->ccs.out_pending);
	KUNIT_EXPECT_EQ(test, memcmp(kept, ekey, sizeof(ekey)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(kept + sizeof(ekey), akey, sizeof(akey)), 0);
	oak_child_drop_out(c);
	KUNIT_EXPECT_TRUE(test, oak_hyg_saw(kept, sizeof(ekey) + sizeof(akey)));
	KUNIT_EXPECT_EQ(test, oak_hyg->dirty, 0U);
	KUNIT_EXPECT_NULL(test, ikev2_child(c)->ccs.out_key);
	KUNIT_EXPECT_FALSE(test, ikev2_child(c)->ccs.out_pending);

	/* more than the kept keys may hold: refused, nothing allocated */
	memset(big, 0x63, sizeof(big));
	c->p.out.enc = big;
	c->p.out.enc_len = sizeof(big);
	c->p.out.auth = NULL;
	c->p.out.auth_len = 0;
	KUNIT_EXPECT_EQ(test, oak_child_keep_out(c), -EINVAL);
	KUNIT_EXPECT_NULL(test, ikev2_child(c)->ccs.out_key);
}

static struct kunit_case oak_hygiene_cases[] = {
	KUNIT_CASE(oak_test_hyg_recorder),
	KUNIT_CASE(oak_test_hyg_x25519),
	KUNIT_CASE(oak_test_hyg_ecp),
	KUNIT_CASE(oak_test_hyg_modp),
	KUNIT_CASE(oak_test_hyg_ike_keys),
	KUNIT_CASE(oak_test_hyg_keymat_auth),
	KUNIT_CASE(oak_test_hyg_ikev1),
	KUNIT_CASE(oak_test_hyg_sk),
	KUNIT_CASE(oak_test_hyg_ike_hs),
	KUNIT_CASE(oak_test_hyg_child_out),
	{}
};

static struct kunit_suite oak_hygiene_suite = {
	.name = "oakley_hygiene",
	.init = oak_hyg_init,
	.exit = oak_hyg_exit,
	.test_cases = oak_hygiene_cases,
};

kunit_test_suite(oak_hygiene_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "oakley_pubkey": the signature layer (crypto/pubkey.h)
 * against keys, certificates and signatures made by the openssl CLI
 * (selftests/kunit/pubkey_vectors.py writes pubkey_kunit_vectors.h):
 * RSA PKCS#1 v1.5 with SHA-256/384/512 and without DigestInfo, RSASSA-PSS,
 * ECDSA P-256 / P-384 in DER and r || s, our RSA signatures compared with
 * openssl's byte for byte, and x509_chain_verify() over real two-level
 * chains with oak_x509_verify() as the callback.  Every good signature is
 * also checked to fail once tampered with.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../codec/x509_chain.h"
#include "../crypto/internal.h"
#include "../crypto/pubkey.h"
#include "pubkey_kunit_vectors.h"

/* The order n of P-256 (FIPS 186-4 D.1.2.3). */
static const u8 p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

static const struct x509_sig_alg alg_pkcs1_256 = { X509_SIG_RSA_PKCS1, X509_HASH_SHA256 };
static const struct x509_sig_alg alg_pkcs1_384 = { X509_SIG_RSA_PKCS1, X509_HASH_SHA384 };
static const struct x509_sig_alg alg_pkcs1_512 = { X509_SIG_RSA_PKCS1, X509_HASH_SHA512 };
static const struct x509_sig_alg alg_pkcs1_sha1 = { X509_SIG_RSA_PKCS1, X509_HASH_SHA1 };
static const struct x509_sig_alg alg_pkcs1_none = { X509_SIG_RSA_PKCS1, X509_HASH_NONE };
static const struct x509_sig_alg alg_ecdsa_256 = { X509_SIG_ECDSA, X509_HASH_SHA256 };
static const struct x509_sig_alg alg_ecdsa_384 = { X509_SIG_ECDSA, X509_HASH_SHA384 };

static struct x509_sig_alg alg_pss(u8 hash, u16 salt)
{
	return (struct x509_sig_alg){ X509_SIG_RSA_PSS, hash, hash, salt };
}

/* A heap copy (KASAN sees overreads), freed with the test. */
static u8 *copy(struct kunit *test, const u8 *p, size_t len)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, p, len);
	return buf;
}

/* A heap copy with one bit flipped at byte i. */
static u8 *flip(struct kunit *test, const u8 *p, size_t len, size_t i)
{
	u8 *buf = copy(test, p, len);

	buf[i] ^= 0x01;
	return buf;
}

static struct x509_cert *cert(struct kunit *test, const u8 *der, size_t len)
{
	struct x509_cert *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	KUNIT_ASSERT_EQ(test, x509_parse(copy(test, der, len), len, c), 0);
	return c;
}

#define CERT(test, a)	cert(test, a, sizeof(a))

static void pubkey_rsa_pkcs1(struct kunit *test)
{
	const struct x509_pubkey *k = &CERT(test, pk_rsa_leaf_pkcs1)->key;
	const struct x509_pubkey *ca = &CERT(test, pk_rsa_ca)->key;
	const size_t ml = sizeof(pk_msg), sl = sizeof(pk_rsa_sha256);

	KUNIT_ASSERT_EQ(test, k->type, X509_KEY_RSA);
	/* Straight from .rodata: the layer copies what goes into scatterlists. */
	KUNIT_EXPECT_EQ(test, oak_sig_verify(k, &alg_pkcs1_256, pk_msg, ml, pk_rsa_sha256, sl), 0);
	KUNIT_EXPECT_EQ(test, oak_sig_verify(k, &alg_pkcs1_384, pk_msg, ml, pk_rsa_sha384, sl), 0);
	KUNIT_EXPECT_EQ(test, oak_sig_verify(k, &alg_pkcs1_512, pk_msg, ml, pk_rsa_sha512, sl), 0);

	/* Tampered signature, tampered message, wrong hash, wrong key, wrong length. */
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &alg_pkcs1_256, pk_msg, ml,
					     flip(test, pk_rsa_sha256, sl, 100), sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &alg_pkcs1_256, flip(test, pk_msg, ml, 0), ml,
					     pk_rsa_sha256, sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &alg_pkcs1_384, pk_msg, ml, pk_rsa_sha256, sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(ca, &alg_pkcs1_256, pk_msg, ml, pk_rsa_sha256, sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &alg_pkcs1_256, pk_msg, ml, pk_rsa_sha256,
					     sl - 1), 0);
	/* An RSA algorithm with an EC key. */
	KUNIT_EXPECT_EQ(test, oak_sig_verify(&CERT(test, pk_ec_leaf)->key, &alg_pkcs1_256,
					     pk_msg, ml, pk_rsa_sha256, sl), -EOPNOTSUPP);
}

/* IKEv1 (RFC 2409 5.1): PKCS#1 v1.5 padding around the data, no DigestInfo. */
static void pubkey_rsa_nohash(struct kunit *test)
{
	const struct x509_pubkey *k = &CERT(test, pk_rsa_leaf_pkcs1)->key;
	const size_t dl = sizeof(pk_data20), sl = sizeof(pk_rsa_nohash);

	KUNIT_EXPECT_EQ(test, oak_sig_verify(k, &alg_pkcs1_none, pk_data20, dl,
					     pk_rsa_nohash, sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &alg_pkcs1_none, flip(test, pk_data20, dl, 19),
					     dl, pk_rsa_nohash, sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &alg_pkcs1_none, pk_data20, dl,
					     flip(test, pk_rsa_nohash, sl, 255), sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &alg_pkcs1_none, pk_data20, dl - 1,
					     pk_rsa_nohash, sl), 0);
	/* A DigestInfo signature is not a bare one, and the other way round. */
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &alg_pkcs1_256, pk_data20, dl,
					     pk_rsa_nohash, sl), 0);
}

static void pubkey_rsa_pss(struct kunit *test)
{
	const struct x509_pubkey *k = &CERT(test, pk_rsa_leaf_pkcs1)->key;
	struct x509_sig_alg a256 = alg_pss(X509_HASH_SHA256, 32);
	struct x509_sig_alg a384 = alg_pss(X509_HASH_SHA384, 48);
	struct x509_sig_alg bad;
	const size_t ml = sizeof(pk_msg), sl = sizeof(pk_pss_sha256);
	size_t i;

	KUNIT_EXPECT_EQ(test, oak_sig_verify(k, &a256, pk_msg, ml, pk_pss_sha256, sl), 0);
	KUNIT_EXPECT_EQ(test, oak_sig_verify(k, &a384, pk_msg, ml, pk_pss_sha384, sl), 0);

	/* A flipped bit anywhere is caught (at the start, the salt, H, 0xbc). */
	for (i = 0; i < sl; i += 37)
		KUNIT_EXPECT_NE(test, oak_sig_verify(k, &a256, pk_msg, ml,
						     flip(test, pk_pss_sha256, sl, i), sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &a256, pk_msg, ml,
					     flip(test, pk_pss_sha256, sl, sl - 1), sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &a256, flip(test, pk_msg, ml, 5), ml,
					     pk_pss_sha256, sl), 0);
	/* Wrong salt length, hash, MGF1 hash; a PKCS#1 v1.5 signature as PSS. */
	bad = alg_pss(X509_HASH_SHA256, 20);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &bad, pk_msg, ml, pk_pss_sha256, sl), 0);
	bad = alg_pss(X509_HASH_SHA384, 32);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &bad, pk_msg, ml, pk_pss_sha256, sl), 0);
	bad = a256;
	bad.mgf_hash = X509_HASH_SHA1;
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &bad, pk_msg, ml, pk_pss_sha256, sl), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &a256, pk_msg, ml, pk_rsa_sha256, sl), 0);
	/* ... and a PSS signature as PKCS#1 v1.5. */
	KUNIT_EXPECT_NE(test, oak_sig_verify(k, &alg_pkcs1_256, pk_msg, ml, pk_pss_sha256, sl), 0);
}

static void pubkey_ecdsa(struct kunit *test)
{
	const struct x509_pubkey *k256 = &CERT(test, pk_ec_leaf)->key;
	const struct x509_pubkey *k384 = &CERT(test, pk_ec_ca)->key;
	const size_t ml = sizeof(pk_msg);
	u8 *rs;

	KUNIT_ASSERT_EQ(test, k256->curve, X509_CURVE_P256);
	KUNIT_ASSERT_EQ(test, k384->curve, X509_CURVE_P384);
	KUNIT_EXPECT_EQ(test, oak_sig_verify(k256, &alg_ecdsa_256, pk_msg, ml, pk_p256_sha256_der,
					     sizeof(pk_p256_sha256_der)), 0);
	KUNIT_EXPECT_EQ(test, oak_ecdsa_verify_raw(k256, pk_msg, ml, pk_p256_sha256_raw,
						   sizeof(pk_p256_sha256_raw)), 0);
	/* SHA-384 on P-256: the digest's leftmost 256 bits. */
	KUNIT_EXPECT_EQ(test, oak_sig_verify(k256, &alg_ecdsa_384, pk_msg, ml, pk_p256_sha384_der,
					     sizeof(pk_p256_sha384_der)), 0);
	KUNIT_EXPECT_EQ(test, oak_sig_verify(k384, &alg_ecdsa_384, pk_msg, ml, pk_p384_sha384_der,
					     sizeof(pk_p384_sha384_der)), 0);
	KUNIT_EXPECT_EQ(test, oak_ecdsa_verify_raw(k384, pk_msg, ml, pk_p384_sha384_raw,
						   sizeof(pk_p384_sha384_raw)), 0);

	/* Tampered: r, s, the message, the hash, the other key, the length. */
	KUNIT_EXPECT_NE(test, oak_ecdsa_verify_raw(k256, pk_msg, ml,
						   flip(test, pk_p256_sha256_raw, 64, 10), 64), 0);
	KUNIT_EXPECT_NE(test, oak_ecdsa_verify_raw(k256, pk_msg, ml,
						   flip(test, pk_p256_sha256_raw, 64, 63), 64), 0);
	KUNIT_EXPECT_NE(test, oak_ecdsa_verify_raw(k384, pk_msg, ml,
						   flip(test, pk_p384_sha384_raw, 96, 50), 96), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k256, &alg_ecdsa_256, pk_msg, ml,
					     flip(test, pk_p256_sha256_der,
						  sizeof(pk_p256_sha256_der), 20),
					     sizeof(pk_p256_sha256_der)), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k256, &alg_ecdsa_256, flip(test, pk_msg, ml, 1), ml,
					     pk_p256_sha256_der, sizeof(pk_p256_sha256_der)), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k256, &alg_ecdsa_384, pk_msg, ml, pk_p256_sha256_der,
					     sizeof(pk_p256_sha256_der)), 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(k384, &alg_ecdsa_256, pk_msg, ml, pk_p256_sha256_der,
					     sizeof(pk_p256_sha256_der)), 0);
	KUNIT_EXPECT_NE(test, oak_ecdsa_verify_raw(k256, pk_msg, ml, pk_p256_sha256_raw, 63), 0);
	/* DER with a byte after the SEQUENCE, or cut short. */
	rs = kunit_kzalloc(test, sizeof(pk_p256_sha256_der) + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rs);
	memcpy(rs, pk_p256_sha256_der, sizeof(pk_p256_sha256_der));
	KUNIT_EXPECT_EQ(test, oak_sig_verify(k256, &alg_ecdsa_256, pk_msg, ml, rs,
					     sizeof(pk_p256_sha256_der) + 1), -EBADMSG);
	KUNIT_EXPECT_EQ(test, oak_sig_verify(k256, &alg_ecdsa_256, pk_msg, ml, rs,
					     sizeof(pk_p256_sha256_der) - 1), -EBADMSG);

	/* r or s out of [1, n - 1]: zero, n itself. */
	rs = copy(test, pk_p256_sha256_raw, 64);
	memset(rs, 0, 32);
	KUNIT_EXPECT_EQ(test, oak_ecdsa_verify_raw(k256, pk_msg, ml, rs, 64), -EKEYREJECTED);
	rs = copy(test, pk_p256_sha256_raw, 64);
	memcpy(rs + 32, p256_n, 32);
	KUNIT_EXPECT_EQ(test, oak_ecdsa_verify_raw(k256, pk_msg, ml, rs, 64), -EKEYREJECTED);
	rs = copy(test, pk_p256_sha256_raw, 64);
	memset(rs + 32, 0xff, 32);
	KUNIT_EXPECT_EQ(test, oak_ecdsa_verify_raw(k256, pk_msg, ml, rs, 64), -EKEYREJECTED);
}

/* A public key that is not on the curve is refused before any arithmetic. */
static void pubkey_ecdsa_bad_point(struct kunit *test)
{
	struct x509_pubkey k = CERT(test, pk_ec_leaf)->key;
	const size_t ml = sizeof(pk_msg);
	u8 *pt;

	pt = flip(test, k.point.p, k.point.len, k.point.len - 1);	/* y + 1 or y - 1 */
	k.point.p = pt;
	KUNIT_EXPECT_EQ(test, oak_sig_verify(&k, &alg_ecdsa_256, pk_msg, ml, pk_p256_sha256_der,
					     sizeof(pk_p256_sha256_der)), -EBADMSG);
	KUNIT_EXPECT_EQ(test, oak_ecdsa_verify_raw(&k, pk_msg, ml, pk_p256_sha256_raw,
						   sizeof(pk_p256_sha256_raw)), -EBADMSG);
	/* The point at infinity's stand-in (0, 0), and a compressed point. */
	memset(pt + 1, 0, k.point.len - 1);
	KUNIT_EXPECT_EQ(test, oak_ecdsa_verify_raw(&k, pk_msg, ml, pk_p256_sha256_raw,
						   sizeof(pk_p256_sha256_raw)), -EBADMSG);
	pt[0] = 0x02;
	KUNIT_EXPECT_EQ(test, oak_ecdsa_verify_raw(&k, pk_msg, ml, pk_p256_sha256_raw,
						   sizeof(pk_p256_sha256_raw)), -EBADMSG);
}

/* oak_secret_free_hook: the private key's DER was seen, all zero, when freed. */
static struct {
	size_t len;
	bool seen, dirty;
} pk_wipe;

static void pk_wipe_hook(const void *p, size_t len)
{
	if (len == pk_wipe.len) {
		pk_wipe.seen = true;
		pk_wipe.dirty |= !!memchr_inv(p, 0, len);
	}
}

static void pubkey_sign_pss(struct kunit *test, const struct oak_rsa_key *key,
			    const struct x509_pubkey *pub, struct x509_sig_alg alg)
{
	const size_t ml = sizeof(pk_msg);
	u8 *a = kunit_kzalloc(test, 256, GFP_KERNEL), *b = kunit_kzalloc(test, 256, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	KUNIT_EXPECT_EQ(test, oak_rsa_sign_pss(key, &alg, pk_msg, ml, a, 256), 256);
	KUNIT_EXPECT_EQ(test, oak_rsa_sign_pss(key, &alg, pk_msg, ml, b, 256), 256);
	KUNIT_EXPECT_EQ(test, oak_sig_verify(pub, &alg, pk_msg, ml, a, 256), 0);
	KUNIT_EXPECT_EQ(test, oak_sig_verify(pub, &alg, pk_msg, ml, b, 256), 0);
	/* Two salts, two signatures (with no salt, the same one). */
	KUNIT_EXPECT_EQ(test, !memcmp(a, b, 256), alg.salt_len == 0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(pub, &alg, pk_msg, ml, flip(test, a, 256, 128), 256),
			0);
	KUNIT_EXPECT_NE(test, oak_sig_verify(pub, &alg, flip(test, pk_msg, ml, 3), ml, a, 256), 0);
}

static void pubkey_rsa_sign(struct kunit *test)
{
	const struct x509_pubkey *pub = &CERT(test, pk_rsa_leaf_pkcs1)->key;
	const struct x509_pubkey *ca = &CERT(test, pk_rsa_ca)->key;
	struct x509_sig_alg big_salt;
	struct oak_rsa_key *key;
	u8 *sig;
	int n;

	key = oak_rsa_key_new(pk_rsa_priv, sizeof(pk_rsa_priv));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, key);
	KUNIT_EXPECT_EQ(test, oak_rsa_key_size(key), 256U);
	KUNIT_EXPECT_TRUE(test, oak_rsa_key_matches(key, pub));
	KUNIT_EXPECT_FALSE(test, oak_rsa_key_matches(key, ca));
	sig = kunit_kzalloc(test, OAK_RSA_MAX_BYTES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sig);

	/* PKCS#1 v1.5 is deterministic: byte for byte what openssl made. */
	n = oak_rsa_sign(key, X509_HASH_SHA256, pk_msg, sizeof(pk_msg), sig, OAK_RSA_MAX_BYTES);
	KUNIT_EXPECT_EQ(test, n, 256);
	KUNIT_EXPECT_EQ(test, memcmp(sig, pk_rsa_sha256, sizeof(pk_rsa_sha256)), 0);
	n = oak_rsa_sign(key, X509_HASH_SHA384, pk_msg, sizeof(pk_msg), sig, 256);
	KUNIT_EXPECT_EQ(test, n, 256);
	KUNIT_EXPECT_EQ(test, memcmp(sig, pk_rsa_sha384, sizeof(pk_rsa_sha384)), 0);
	n = oak_rsa_sign(key, X509_HASH_SHA512, pk_msg, sizeof(pk_msg), sig, 256);
	KUNIT_EXPECT_EQ(test, n, 256);
	KUNIT_EXPECT_EQ(test, memcmp(sig, pk_rsa_sha512, sizeof(pk_rsa_sha512)), 0);
	n = oak_rsa_sign(key, X509_HASH_NONE, pk_data20, sizeof(pk_data20), sig, 256);
	KUNIT_EXPECT_EQ(test, n, 256);
	KUNIT_EXPECT_EQ(test, memcmp(sig, pk_rsa_nohash, sizeof(pk_rsa_nohash)), 0);
	/* Our signature verifies with our own verifier too (SHA-1: IKEv2 method 1). */
	n = oak_rsa_sign(key, X509_HASH_SHA1, pk_msg, sizeof(pk_msg), sig, 256);
	KUNIT_EXPECT_EQ(test, n, 256);
	KUNIT_EXPECT_EQ(test, oak_sig_verify(pub, &alg_pkcs1_sha1, pk_msg, sizeof(pk_msg),
					     sig, 256), 0);
	/* Too small a buffer; data too long for the no-DigestInfo form. */
	KUNIT_EXPECT_EQ(test, oak_rsa_sign(key, X509_HASH_SHA256, pk_msg, sizeof(pk_msg), sig, 255),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, oak_rsa_sign(key, X509_HASH_NONE, pk_rsa_sha256, 246, sig, 256),
			-EMSGSIZE);

	/* PSS: a random salt each time, so checked with the verifier (itself
	 * checked against openssl's PSS signatures above).
	 */
	pubkey_sign_pss(test, key, pub, alg_pss(X509_HASH_SHA256, 32));
	pubkey_sign_pss(test, key, pub, alg_pss(X509_HASH_SHA384, 48));
	pubkey_sign_pss(test, key, pub, alg_pss(X509_HASH_SHA512, 0));
	/* emLen < hLen + sLen + 2 */
	big_salt = alg_pss(X509_HASH_SHA512, 256 - 64 - 1);
	KUNIT_EXPECT_EQ(test, oak_rsa_sign_pss(key, &big_salt, pk_msg, sizeof(pk_msg), sig, 256),
			-EMSGSIZE);

	/* Freeing wipes the key's DER. */
	pk_wipe.len = sizeof(pk_rsa_priv);
	pk_wipe.seen = false;
	pk_wipe.dirty = false;
	WRITE_ONCE(oak_secret_free_hook, pk_wipe_hook);
	oak_rsa_key_free(key);
	WRITE_ONCE(oak_secret_free_hook, NULL);
	KUNIT_EXPECT_TRUE(test, pk_wipe.seen);
	KUNIT_EXPECT_FALSE(test, pk_wipe.dirty);

	/* Not a key: garbage, a truncated key. */
	KUNIT_EXPECT_TRUE(test, IS_ERR(oak_rsa_key_new(pk_msg, sizeof(pk_msg))));
	KUNIT_EXPECT_TRUE(test, IS_ERR(oak_rsa_key_new(pk_rsa_priv, sizeof(pk_rsa_priv) - 1)));
}

static int chain(struct kunit *test, const struct x509_cert *anchor,
		 const struct x509_cert *leaf, struct x509_chain_out *out)
{
	struct x509_chain_in in = {
		.anchors = &anchor,
		.nanchors = 1,
		.now = PKUNIT_NOW,
		.verify = oak_x509_verify,
	};

	memset(out, 0, sizeof(*out));
	return x509_chain_verify(&in, leaf, out);
}

static void pubkey_chain(struct kunit *test)
{
	const struct x509_cert *rsa_ca = CERT(test, pk_rsa_ca), *ec_ca = CERT(test, pk_ec_ca);
	const struct x509_cert *leaf;
	struct x509_chain_out *out;

	out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);

	leaf = CERT(test, pk_rsa_leaf_pkcs1);
	KUNIT_EXPECT_EQ(test, leaf->sig_alg.type, X509_SIG_RSA_PKCS1);
	KUNIT_EXPECT_EQ(test, chain(test, rsa_ca, leaf, out), 0);
	KUNIT_EXPECT_EQ(test, out->len, 2U);
	KUNIT_EXPECT_EQ(test, out->nverify, 1U);

	leaf = CERT(test, pk_rsa_leaf_pss);
	KUNIT_EXPECT_EQ(test, leaf->sig_alg.type, X509_SIG_RSA_PSS);
	KUNIT_EXPECT_EQ(test, leaf->sig_alg.salt_len, 32);
	KUNIT_EXPECT_EQ(test, chain(test, rsa_ca, leaf, out), 0);
	KUNIT_EXPECT_EQ(test, out->len, 2U);

	leaf = CERT(test, pk_ec_leaf);
	KUNIT_EXPECT_EQ(test, leaf->sig_alg.type, X509_SIG_ECDSA);
	KUNIT_EXPECT_EQ(test, chain(test, ec_ca, leaf, out), 0);
	KUNIT_EXPECT_EQ(test, out->len, 2U);

	/* A flipped bit in each leaf's signature (its last byte). */
	leaf = cert(test, flip(test, pk_rsa_leaf_pkcs1, sizeof(pk_rsa_leaf_pkcs1),
			       sizeof(pk_rsa_leaf_pkcs1) - 1), sizeof(pk_rsa_leaf_pkcs1));
	KUNIT_EXPECT_EQ(test, chain(test, rsa_ca, leaf, out), -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, out->reason, X509_CHAIN_BAD_SIGNATURE);
	leaf = cert(test, flip(test, pk_rsa_leaf_pss, sizeof(pk_rsa_leaf_pss),
			       sizeof(pk_rsa_leaf_pss) - 1), sizeof(pk_rsa_leaf_pss));
	KUNIT_EXPECT_EQ(test, chain(test, rsa_ca, leaf, out), -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, out->reason, X509_CHAIN_BAD_SIGNATURE);
	leaf = cert(test, flip(test, pk_ec_leaf, sizeof(pk_ec_leaf), sizeof(pk_ec_leaf) - 1),
		    sizeof(pk_ec_leaf));
	KUNIT_EXPECT_EQ(test, chain(test, ec_ca, leaf, out), -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, out->reason, X509_CHAIN_BAD_SIGNATURE);
	/* A flipped bit in the signed part (the serial's last byte). */
	leaf = CERT(test, pk_ec_leaf);
	leaf = cert(test, flip(test, pk_ec_leaf, sizeof(pk_ec_leaf),
			       leaf->serial.p + leaf->serial.len - 1 - leaf->raw.p),
		    sizeof(pk_ec_leaf));
	KUNIT_EXPECT_EQ(test, chain(test, ec_ca, leaf, out), -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, out->reason, X509_CHAIN_BAD_SIGNATURE);

	/* The other CA: no issuer. */
	KUNIT_EXPECT_EQ(test, chain(test, ec_ca, CERT(test, pk_rsa_leaf_pkcs1), out),
			-EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, out->reason, X509_CHAIN_NO_ISSUER);
}

static struct kunit_case pubkey_cases[] = {
	KUNIT_CASE(pubkey_rsa_pkcs1),
	KUNIT_CASE(pubkey_rsa_nohash),
	KUNIT_CASE(pubkey_rsa_pss),
	KUNIT_CASE(pubkey_ecdsa),
	KUNIT_CASE(pubkey_ecdsa_bad_point),
	KUNIT_CASE(pubkey_rsa_sign),
	KUNIT_CASE(pubkey_chain),
	{}
};

static struct kunit_suite pubkey_suite = {
	.name = "oakley_pubkey",
	.test_cases = pubkey_cases,
};

kunit_test_suite(pubkey_suite);

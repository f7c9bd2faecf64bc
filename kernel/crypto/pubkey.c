// SPDX-License-Identifier: GPL-2.0
/*
 * The signature layer's entry points: hash the signed data, pick the
 * scheme from the algorithm and the key, and call RSA PKCS#1 v1.5 (rsa.c),
 * RSASSA-PSS (pss.c) or ECDSA (ecdsa.c).  Also the x509_verify_fn that
 * lets the chain validator (codec/x509_chain.c) check certificates and CRLs
 * in the kernel.  See pubkey.h for the contract.
 */
#include <crypto/hash.h>
#include <linux/err.h>

#include "pubkey_priv.h"

static const char * const oak_sig_hash_names[] = {
	[X509_HASH_SHA1] = "sha1",
	[X509_HASH_SHA256] = "sha256",
	[X509_HASH_SHA384] = "sha384",
	[X509_HASH_SHA512] = "sha512",
};

const char *oak_sig_hash_name(u8 hash)
{
	return hash < ARRAY_SIZE(oak_sig_hash_names) ? oak_sig_hash_names[hash] : NULL;
}

int oak_sig_digest(u8 hash, const u8 *data, size_t len, u8 out[OAK_SIG_MAX_DIGEST])
{
	const char *name = oak_sig_hash_name(hash);
	struct crypto_shash *tfm;
	int rc;

	if (!name)
		return -EOPNOTSUPP;
	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	rc = -EOPNOTSUPP;
	if (crypto_shash_digestsize(tfm) <= OAK_SIG_MAX_DIGEST)
		rc = crypto_shash_tfm_digest(tfm, data, len, out);
	if (!rc)
		rc = crypto_shash_digestsize(tfm);
	crypto_free_shash(tfm);
	return rc;
}

int oak_sig_verify(const struct x509_pubkey *key, const struct x509_sig_alg *alg,
		   const u8 *data, size_t len, const u8 *sig, size_t sig_len)
{
	u8 digest[OAK_SIG_MAX_DIGEST];
	int dlen;

	/* PKCS#1 v1.5 without DigestInfo: the data is the "digest" (IKEv1). */
	if (alg->type == X509_SIG_RSA_PKCS1 && alg->hash == X509_HASH_NONE)
		return oak_rsa_pkcs1_verify(key, X509_HASH_NONE, data, len, sig, sig_len);

	switch (alg->type) {
	case X509_SIG_RSA_PKCS1:
	case X509_SIG_RSA_PSS:
		if (key->type != X509_KEY_RSA)
			return -EOPNOTSUPP;
		break;
	case X509_SIG_ECDSA:
		if (key->type != X509_KEY_EC)
			return -EOPNOTSUPP;
		break;
	default:
		return -EOPNOTSUPP;
	}
	dlen = oak_sig_digest(alg->hash, data, len, digest);
	if (dlen < 0)
		return dlen;
	switch (alg->type) {
	case X509_SIG_RSA_PKCS1:
		return oak_rsa_pkcs1_verify(key, alg->hash, digest, dlen, sig, sig_len);
	case X509_SIG_RSA_PSS:
		return oak_rsa_pss_verify(key, alg, digest, dlen, sig, sig_len);
	default:
		return oak_ecdsa_verify_der(key, digest, dlen, sig, sig_len);
	}
}

int oak_ecdsa_verify_raw(const struct x509_pubkey *key, const u8 *data, size_t len,
			 const u8 *sig, size_t sig_len)
{
	unsigned int nbytes = oak_ecdsa_curve_bytes(key);
	u8 digest[OAK_SIG_MAX_DIGEST];
	int dlen;

	if (!nbytes)
		return -EOPNOTSUPP;
	if (sig_len != 2 * nbytes)
		return -EBADMSG;
	/* RFC 4754 3: SHA-256 with P-256, SHA-384 with P-384. */
	dlen = oak_sig_digest(nbytes == 32 ? X509_HASH_SHA256 : X509_HASH_SHA384,
			      data, len, digest);
	if (dlen < 0)
		return dlen;
	return oak_ecdsa_verify(key, digest, dlen, sig, nbytes, sig + nbytes, nbytes);
}

int oak_x509_verify(void *ctx, const struct x509_pubkey *issuer_key,
		    const struct x509_sig_alg *alg, const struct der_span *tbs,
		    const struct der_span *sig)
{
	/* A certificate never carries the IKEv1 form: no hash is no algorithm. */
	if (alg->hash == X509_HASH_NONE)
		return -EOPNOTSUPP;
	return oak_sig_verify(issuer_key, alg, tbs->p, tbs->len, sig->p, sig->len);
}

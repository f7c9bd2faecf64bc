// SPDX-License-Identifier: GPL-2.0
/*
 * RSASSA-PSS (RFC 8017 8.1, EMSA-PSS of 9.1, MGF1 of B.2.1).  Linux 6.1
 * has no PSS padding template (psspad arrived much later), so this is our
 * own code: the RSA operations (RSAVP1 to verify, RSASP1 to sign) run in
 * the kernel's raw "rsa" akcipher (rsa.c), the encoding and decoding of the
 * encoded message and MGF1 here, with the kernel's shash for the hashes.
 *
 * Only public data is handled here (the message, a random salt that is
 * published in the signature, the signature): nothing needs to be constant
 * time or wiped; the private key stays in rsa.c.  The salt length is the one
 * the parameters give (RFC 4055 / RFC 7427), checked exactly.
 */
#include <linux/random.h>
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pubkey_priv.h"

/* db ^= MGF1(seed, len) with hash tfm. */
static int oak_mgf1_xor(struct crypto_shash *tfm, const u8 *seed, size_t seed_len,
			u8 *db, size_t len)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	unsigned int hlen = crypto_shash_digestsize(tfm);
	u8 t[OAK_SIG_MAX_DIGEST];
	size_t done, i, n;
	u32 counter;
	__be32 c;
	int rc = 0;

	desc->tfm = tfm;
	for (done = 0, counter = 0; done < len; done += n, counter++) {
		c = cpu_to_be32(counter);
		rc = crypto_shash_init(desc);
		if (!rc)
			rc = crypto_shash_update(desc, seed, seed_len);
		if (!rc)
			rc = crypto_shash_finup(desc, (const u8 *)&c, sizeof(c), t);
		if (rc)
			break;
		n = min_t(size_t, hlen, len - done);
		for (i = 0; i < n; i++)
			db[done + i] ^= t[i];
	}
	shash_desc_zero(desc);
	return rc;
}

/* H' = Hash(0x00 * 8 || mHash || salt). */
static int oak_pss_hprime(struct crypto_shash *tfm, const u8 *mhash, size_t hlen,
			  const u8 *salt, size_t slen, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	static const u8 zeros[8];
	int rc;

	desc->tfm = tfm;
	rc = crypto_shash_init(desc);
	if (!rc)
		rc = crypto_shash_update(desc, zeros, sizeof(zeros));
	if (!rc)
		rc = crypto_shash_update(desc, mhash, hlen);
	if (!rc)
		rc = crypto_shash_finup(desc, salt, slen, out);
	shash_desc_zero(desc);
	return rc;
}

/*
 * The message hash and MGF1's hash of @alg; the former must give @hlen bytes.
 * Whatever was allocated is the caller's to free, on error too (what was
 * not is NULL, and crypto_free_shash(NULL) does nothing).
 */
static int oak_pss_tfms(const struct x509_sig_alg *alg, size_t hlen,
			struct crypto_shash **hash, struct crypto_shash **mgf)
{
	struct crypto_shash *t;

	*hash = NULL;
	*mgf = NULL;
	t = crypto_alloc_shash(oak_sig_hash_name(alg->hash), 0, 0);
	if (IS_ERR(t))
		return PTR_ERR(t);
	*hash = t;
	t = crypto_alloc_shash(oak_sig_hash_name(alg->mgf_hash), 0, 0);
	if (IS_ERR(t))
		return PTR_ERR(t);
	*mgf = t;
	return crypto_shash_digestsize(*hash) == hlen ? 0 : -EOPNOTSUPP;
}

/*
 * EMSA-PSS-VERIFY (RFC 8017 9.1.2) of em, the k-byte output of RSAVP1, for
 * a modulus of mod_bits bits: emBits = mod_bits - 1, emLen = ceil(emBits / 8).
 */
static int oak_emsa_pss_verify(const struct x509_sig_alg *alg, const u8 *mhash, size_t hlen,
			       u8 *em, size_t k, unsigned int mod_bits)
{
	unsigned int em_bits = mod_bits - 1, em_len = DIV_ROUND_UP(em_bits, 8);
	unsigned int slen = alg->salt_len, db_len, i;
	struct crypto_shash *hash = NULL, *mgf = NULL;
	u8 top_mask, hprime[OAK_SIG_MAX_DIGEST];
	const u8 *h;
	u8 *db;
	int rc;

	/* I2OSP(m, emLen): the bytes of the k-byte output above emLen must be zero. */
	for (i = 0; i < k - em_len; i++)
		if (em[i])
			return -EKEYREJECTED;
	em += k - em_len;
	if (em_len < hlen + slen + 2)
		return -EKEYREJECTED;
	if (em[em_len - 1] != 0xbc)
		return -EKEYREJECTED;
	db = em;
	db_len = em_len - hlen - 1;
	h = em + db_len;
	/* The leftmost 8 * emLen - emBits bits of maskedDB must be zero. */
	top_mask = 0xff >> (8 * em_len - em_bits);
	if (db[0] & ~top_mask)
		return -EKEYREJECTED;

	rc = oak_pss_tfms(alg, hlen, &hash, &mgf);
	if (rc)
		goto out;
	rc = oak_mgf1_xor(mgf, h, hlen, db, db_len);
	if (rc)
		goto out;
	db[0] &= top_mask;
	/* DB = PS (zeros) || 0x01 || salt */
	rc = -EKEYREJECTED;
	for (i = 0; i < db_len - slen - 1; i++)
		if (db[i])
			goto out;
	if (db[db_len - slen - 1] != 0x01)
		goto out;
	rc = oak_pss_hprime(hash, mhash, hlen, db + db_len - slen, slen, hprime);
	if (rc)
		goto out;
	rc = memcmp(hprime, h, hlen) ? -EKEYREJECTED : 0;
out:
	crypto_free_shash(mgf);
	crypto_free_shash(hash);
	return rc;
}

/*
 * EMSA-PSS-ENCODE (RFC 8017 9.1.1) of mhash into em, k bytes (the modulus
 * length; the bytes above emLen are zero), with a fresh random salt.
 */
static int oak_emsa_pss_encode(const struct x509_sig_alg *alg, const u8 *mhash, size_t hlen,
			       u8 *em, size_t k, unsigned int mod_bits)
{
	unsigned int em_bits = mod_bits - 1, em_len = DIV_ROUND_UP(em_bits, 8);
	unsigned int slen = alg->salt_len, db_len;
	struct crypto_shash *hash, *mgf = NULL;
	u8 *db, *h, *salt;
	int rc;

	if (em_len < hlen + slen + 2 || em_len > k)
		return -EMSGSIZE;
	memset(em, 0, k);
	em += k - em_len;
	db = em;
	db_len = em_len - hlen - 1;
	h = em + db_len;
	salt = db + db_len - slen;

	rc = oak_pss_tfms(alg, hlen, &hash, &mgf);
	if (rc)
		goto out;
	/* DB = PS (zeros) || 0x01 || salt; H = Hash(0x00 * 8 || mHash || salt) */
	get_random_bytes(salt, slen);
	db[db_len - slen - 1] = 0x01;
	rc = oak_pss_hprime(hash, mhash, hlen, salt, slen, h);
	if (rc)
		goto out;
	rc = oak_mgf1_xor(mgf, h, hlen, db, db_len);
	if (rc)
		goto out;
	db[0] &= 0xff >> (8 * em_len - em_bits);
	em[em_len - 1] = 0xbc;
out:
	crypto_free_shash(mgf);
	crypto_free_shash(hash);
	return rc;
}

int oak_rsa_sign_pss(const struct oak_rsa_key *key, const struct x509_sig_alg *alg,
		     const u8 *data, size_t len, u8 *sig, size_t cap)
{
	unsigned int bits = oak_rsa_key_bits(key), k = oak_rsa_key_size(key);
	u8 mhash[OAK_SIG_MAX_DIGEST];
	int hlen, rc;
	u8 *em;

	if (alg->type != X509_SIG_RSA_PSS || !oak_sig_hash_name(alg->mgf_hash))
		return -EOPNOTSUPP;
	if (!bits)
		return -EINVAL;
	if (cap < k)
		return -ENOSPC;
	hlen = oak_sig_digest(alg->hash, data, len, mhash);
	if (hlen < 0)
		return hlen;
	em = kmalloc(k, GFP_KERNEL);
	if (!em)
		return -ENOMEM;
	rc = oak_emsa_pss_encode(alg, mhash, hlen, em, k, bits);
	if (!rc)
		rc = oak_rsa_private(key, em, k, sig);
	kfree(em);
	return rc ? rc : k;
}

int oak_rsa_pss_verify(const struct x509_pubkey *key, const struct x509_sig_alg *alg,
		       const u8 *mhash, size_t hlen, const u8 *sig, size_t sig_len)
{
	unsigned int bits = oak_rsa_modulus_bits(key);
	u8 *em;
	int rc;

	if (!bits || !oak_sig_hash_name(alg->hash) || !oak_sig_hash_name(alg->mgf_hash))
		return -EOPNOTSUPP;
	if (sig_len != DIV_ROUND_UP(bits, 8))
		return -EBADMSG;
	em = kmalloc(sig_len, GFP_KERNEL);
	if (!em)
		return -ENOMEM;
	rc = oak_rsa_public(key, sig, sig_len, em);
	if (!rc)
		rc = oak_emsa_pss_verify(alg, mhash, hlen, em, sig_len, bits);
	kfree(em);
	return rc;
}

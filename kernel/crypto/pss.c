// SPDX-License-Identifier: GPL-2.0
/*
 * RSASSA-PSS verification (RFC 8017 8.1.2, EMSA-PSS-VERIFY of 9.1.2, MGF1
 * of B.2.1).  Linux 6.1 has no PSS padding template (psspad arrived much
 * later), so this is our own code: the RSA public operation (RSAVP1) runs in
 * the kernel's raw "rsa" akcipher (rsa.c), the decoding of the encoded
 * message and MGF1 here, with the kernel's shash for the hashes.
 *
 * Only public data is handled (a signature and a public key): nothing
 * needs to be constant time or wiped.  The salt length is the one the
 * parameters give (RFC 4055 / RFC 7427), checked exactly.
 */
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

	hash = crypto_alloc_shash(oak_sig_hash_name(alg->hash), 0, 0);
	if (IS_ERR(hash))
		return PTR_ERR(hash);
	mgf = crypto_alloc_shash(oak_sig_hash_name(alg->mgf_hash), 0, 0);
	if (IS_ERR(mgf)) {
		rc = PTR_ERR(mgf);
		mgf = NULL;
		goto out;
	}
	rc = -EOPNOTSUPP;
	if (crypto_shash_digestsize(hash) != hlen)
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

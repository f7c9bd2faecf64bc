// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC-SHA2 and HMAC-SHA1 PRFs and prf+ (RFC 7296 §2.13).
 *
 * HMAC is the kernel's hmac(sha*) template.  A transform is keyed once and
 * used for every digest under that key: one per prf+ run, one per SA for the
 * integrity of its CBC messages (sk.c), one per single PRF call.  The state
 * of a digest lives in an on-stack descriptor, so a keyed transform serves
 * any number of threads at once.
 */
#include <crypto/hash.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "internal.h"

int oak_prf_hash(u16 prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA1:
		return OAK_SHA1;
	case IKE_PRF_HMAC_SHA2_256:
		return OAK_SHA256;
	case IKE_PRF_HMAC_SHA2_384:
		return OAK_SHA384;
	case IKE_PRF_HMAC_SHA2_512:
		return OAK_SHA512;
	}
	return -EINVAL;
}

int oak_integ_hash(u16 integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA1_96:
		return OAK_SHA1;
	case IKE_INTEG_HMAC_SHA2_256_128:
		return OAK_SHA256;
	case IKE_INTEG_HMAC_SHA2_384_192:
		return OAK_SHA384;
	case IKE_INTEG_HMAC_SHA2_512_256:
		return OAK_SHA512;
	}
	return -EINVAL;
}

/* A transform of hmac(@hash) keyed with @key (the template hashes a long key). */
int oak_hmac_init(struct oak_hmac *h, enum oak_hash hash, const u8 *key, size_t key_len)
{
	const char *name = oak_hmac_name(hash);
	struct crypto_shash *tfm;
	int err;

	h->tfm = NULL;
	if (!name || key_len > UINT_MAX)
		return -EINVAL;
	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	if (WARN_ON_ONCE(crypto_shash_digestsize(tfm) > OAK_HASH_MAX_DIGEST)) {
		crypto_free_shash(tfm);
		return -EINVAL;
	}
	err = crypto_shash_setkey(tfm, key, key_len);
	if (err) {
		crypto_free_shash(tfm);
		return err;
	}
	h->tfm = tfm;
	return 0;
}

/* Frees the transform: crypto_free_shash() wipes its pads (kfree_sensitive()). */
void oak_hmac_wipe(struct oak_hmac *h)
{
	crypto_free_shash(h->tfm);	/* NULL is fine */
	oak_wipe(h, sizeof(*h));
}

/* out = HMAC(key, iov[0] | ... | iov[n-1]); the hash's digest size. */
int oak_hmac_digest(const struct oak_hmac *h, const struct oak_iov *iov, unsigned int n,
		    u8 *out)
{
	SHASH_DESC_ON_STACK(desc, h->tfm);
	unsigned int i;
	int err;

	desc->tfm = h->tfm;
	err = crypto_shash_init(desc);
	for (i = 0; i < n && !err; i++)
		if (iov[i].len)
			err = crypto_shash_update(desc, iov[i].p, iov[i].len);
	if (!err)
		err = crypto_shash_final(desc, out);

	shash_desc_zero(desc);	/* the hash state after the keyed pad */
	oak_secret_gone(desc, sizeof(*desc) + crypto_shash_descsize(h->tfm));
	return err;
}

unsigned int oak_prf_len(u16 prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA1:
		return 20;
	case IKE_PRF_HMAC_SHA2_256:
		return 32;
	case IKE_PRF_HMAC_SHA2_384:
		return 48;
	case IKE_PRF_HMAC_SHA2_512:
		return 64;
	}
	return 0;
}

bool oak_prf_supported(u16 prf)
{
	return oak_prf_len(prf) != 0;
}

int oak_prfv(u16 prf, const u8 *key, size_t key_len,
	     const struct oak_iov *iov, unsigned int n, u8 *out)
{
	struct oak_hmac h;
	int hash = oak_prf_hash(prf);
	int err;

	if (hash < 0)
		return hash;
	err = oak_hmac_init(&h, hash, key, key_len);
	if (err)
		return err;
	err = oak_hmac_digest(&h, iov, n, out);
	oak_hmac_wipe(&h);
	return err;
}

int oak_prf(u16 prf, const u8 *key, size_t key_len,
	    const u8 *data, size_t data_len, u8 *out)
{
	struct oak_iov iov = { .p = data, .len = data_len };

	return oak_prfv(prf, key, key_len, &iov, 1, out);
}

/*
 * prf+ (K,S) = T1 | T2 | T3 | ...  with
 * T1 = prf (K, S | 0x01), Tn = prf (K, Tn-1 | S | n); n stops at 255.
 * S comes in pieces so that callers need not copy nonces and SPIs together.
 */
int oak_prf_plusv(u16 prf, const u8 *key, size_t key_len,
		  const struct oak_iov *seed, unsigned int nseed, u8 *out, size_t out_len)
{
	struct oak_iov iov[OAK_SEED_MAX_PIECES + 2];
	unsigned int plen = oak_prf_len(prf);
	u8 t[OAK_HASH_MAX_DIGEST];
	struct oak_hmac h;
	size_t done = 0;
	u8 n = 1;
	int err;

	if (!plen || nseed > OAK_SEED_MAX_PIECES || out_len > 255 * (size_t)plen)
		return -EINVAL;
	err = oak_hmac_init(&h, oak_prf_hash(prf), key, key_len);
	if (err)
		return err;

	iov[0].p = t;
	iov[0].len = 0;
	memcpy(&iov[1], seed, nseed * sizeof(*seed));
	iov[nseed + 1].p = &n;
	iov[nseed + 1].len = 1;
	while (done < out_len) {
		size_t take = min_t(size_t, plen, out_len - done);

		err = oak_hmac_digest(&h, iov, nseed + 2, t);
		if (err)
			break;
		memcpy(out + done, t, take);
		done += take;
		iov[0].len = plen;
		n++;
	}
	oak_hmac_wipe(&h);
	oak_wipe(t, sizeof(t));
	return err;
}

int oak_prf_plus(u16 prf, const u8 *key, size_t key_len,
		 const u8 *seed, size_t seed_len, u8 *out, size_t out_len)
{
	struct oak_iov iov = { .p = seed, .len = seed_len };

	return oak_prf_plusv(prf, key, key_len, &iov, 1, out, out_len);
}

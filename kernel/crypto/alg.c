// SPDX-License-Identifier: GPL-2.0
/*
 * Module-wide state of the crypto glue and the facts about each transform.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>

#include "internal.h"

static const char * const oak_hmac_names[OAK_HASH_COUNT] = {
	[OAK_SHA256] = "hmac(sha256)",
	[OAK_SHA384] = "hmac(sha384)",
	[OAK_SHA512] = "hmac(sha512)",
	[OAK_SHA1] = "hmac(sha1)",
};

/* The plain digests, for IKEv1's IVs (ikev1_keys.c). */
static const char * const oak_digest_names[OAK_HASH_COUNT] = {
	[OAK_SHA256] = "sha256",
	[OAK_SHA384] = "sha384",
	[OAK_SHA512] = "sha512",
	[OAK_SHA1] = "sha1",
};

#if IS_ENABLED(CONFIG_OAKLEY_KUNIT_TEST)
void (*oak_secret_free_hook)(const void *p, size_t len);
#endif

static unsigned int oak_crypto_users;
static DEFINE_MUTEX(oak_crypto_lock);

const char *oak_hmac_name(enum oak_hash hash)
{
	return (unsigned int)hash < OAK_HASH_COUNT ? oak_hmac_names[hash] : NULL;
}

const char *oak_digest_name(enum oak_hash hash)
{
	return (unsigned int)hash < OAK_HASH_COUNT ? oak_digest_names[hash] : NULL;
}

/*
 * One unkeyed transform per plain digest, shared by every thread (the
 * state of a digest is in its on-stack descriptor): NAT detection hashes
 * twice per IKE_SA_INIT message, IKEv1 derives an IV per message.
 */
static struct crypto_shash *oak_digest_tfms[OAK_HASH_COUNT];

static void oak_digest_tfms_free(void)
{
	int i;

	for (i = 0; i < OAK_HASH_COUNT; i++) {
		if (!IS_ERR_OR_NULL(oak_digest_tfms[i]))
			crypto_free_shash(oak_digest_tfms[i]);
		oak_digest_tfms[i] = NULL;
	}
}

static int oak_digest_tfms_alloc(void)
{
	struct crypto_shash *tfm;
	int i;

	for (i = 0; i < OAK_HASH_COUNT; i++) {
		tfm = crypto_alloc_shash(oak_digest_names[i], 0, 0);
		if (IS_ERR(tfm)) {
			pr_err("the kernel has no %s\n", oak_digest_names[i]);
			oak_digest_tfms_free();
			return PTR_ERR(tfm);
		}
		oak_digest_tfms[i] = tfm;
	}
	return 0;
}

int oak_digest(enum oak_hash hash, const struct oak_iov *iov, unsigned int n, u8 *out)
{
	struct crypto_shash *tfm;
	unsigned int i;
	int err;

	if ((unsigned int)hash >= OAK_HASH_COUNT || !oak_digest_tfms[hash])
		return -EINVAL;
	tfm = oak_digest_tfms[hash];
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		err = crypto_shash_init(desc);
		for (i = 0; !err && i < n; i++)
			err = crypto_shash_update(desc, iov[i].p, iov[i].len);
		if (!err)
			err = crypto_shash_final(desc, out);
		shash_desc_zero(desc);
	}
	return err;
}

unsigned int oak_digest_len(enum oak_hash hash)
{
	if ((unsigned int)hash >= OAK_HASH_COUNT || !oak_digest_tfms[hash])
		return 0;
	return crypto_shash_digestsize(oak_digest_tfms[hash]);
}

int oak_sha1(const struct oak_iov *iov, unsigned int n, u8 *out)
{
	return oak_digest(OAK_SHA1, iov, n, out);
}

/*
 * Counted, so that the KUnit suite can take its own reference whether or
 * not the module's init has already run.
 */
int oak_crypto_init(void)
{
	int err = 0;
	int i;

	mutex_lock(&oak_crypto_lock);
	if (oak_crypto_users++)
		goto out;
	/* instantiates the templates, so that no handshake waits for it */
	for (i = 0; i < OAK_HASH_COUNT; i++) {
		if (!crypto_has_shash(oak_hmac_names[i], 0, 0)) {
			pr_err("the kernel has no %s\n", oak_hmac_names[i]);
			err = -ENOENT;
			goto err_users;
		}
	}
	err = oak_digest_tfms_alloc();
	if (err)
		goto err_users;
	err = oak_sk_pool_init();
	if (err)
		goto err_digests;
	goto out;

err_digests:
	oak_digest_tfms_free();

err_users:
	oak_crypto_users--;
out:
	mutex_unlock(&oak_crypto_lock);
	return err;
}

void oak_crypto_exit(void)
{
	mutex_lock(&oak_crypto_lock);
	if (!WARN_ON(!oak_crypto_users) && !--oak_crypto_users) {
		oak_sk_pool_exit();
		oak_digest_tfms_free();
	}
	mutex_unlock(&oak_crypto_lock);
}

bool oak_encr_is_aead(u16 encr)
{
	return encr == IKE_ENCR_AES_GCM_16 || encr == IKE_ENCR_CHACHA20_POLY1305;
}

/*
 * AES takes a Key Length attribute; 3DES (fixed 192-bit key) and
 * ChaCha20-Poly1305 (RFC 7634 §3) must have none.
 */
bool oak_encr_supported(u16 encr, u16 keylen_bits)
{
	switch (encr) {
	case IKE_ENCR_AES_CBC:
	case IKE_ENCR_AES_GCM_16:
		return keylen_bits == 128 || keylen_bits == 192 || keylen_bits == 256;
	case IKE_ENCR_3DES:
	case IKE_ENCR_CHACHA20_POLY1305:
		return keylen_bits == 0;
	}
	return false;
}

unsigned int oak_encr_key_len(u16 encr, u16 keylen_bits)
{
	if (!oak_encr_supported(encr, keylen_bits))
		return 0;
	switch (encr) {
	case IKE_ENCR_3DES:
		return 24;
	case IKE_ENCR_AES_CBC:
		return keylen_bits / 8;
	case IKE_ENCR_AES_GCM_16:
		return keylen_bits / 8 + 4;
	default:
		return 32 + 4;
	}
}

bool oak_integ_supported(u16 integ)
{
	return oak_integ_hash(integ) >= 0;
}

/* The key is as long as the hash output (RFC 2404 §3, RFC 4868 §2.1.1). */
unsigned int oak_integ_key_len(u16 integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA1_96:
		return 20;
	case IKE_INTEG_HMAC_SHA2_256_128:
		return 32;
	case IKE_INTEG_HMAC_SHA2_384_192:
		return 48;
	case IKE_INTEG_HMAC_SHA2_512_256:
		return 64;
	}
	return 0;
}

/* Truncated ICV length: 96 bits for SHA-1 (RFC 2404), half the SHA-2 output (RFC 4868 §2.3). */
unsigned int oak_integ_icv_len(u16 integ)
{
	if (integ == IKE_INTEG_HMAC_SHA1_96)
		return 12;
	return oak_integ_key_len(integ) / 2;
}

void oak_random(void *buf, size_t len)
{
	get_random_bytes(buf, len);
}

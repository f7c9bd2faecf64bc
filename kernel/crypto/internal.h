/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the files of Oakley's crypto glue; nothing outside uses it. */
#ifndef OAKLEY_CRYPTO_INTERNAL_H
#define OAKLEY_CRYPTO_INTERNAL_H

#include <linux/compiler.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include "ike_crypto.h"

struct crypto_shash;

/* The hashes under every PRF and integrity transform. */
enum oak_hash {
	OAK_SHA256,
	OAK_SHA384,
	OAK_SHA512,
	OAK_SHA1,		/* PRF_HMAC_SHA1, AUTH_HMAC_SHA1_96, IKEv1's SHA hash */
	OAK_HASH_COUNT,
};

#define OAK_HASH_MAX_DIGEST	64

/*
 * HMAC (RFC 2104): the kernel's hmac(sha*) template, one transform per key.
 * The transform's context holds the keyed pads (freed with kfree_sensitive()
 * by crypto_free_shash()); digests take an on-stack descriptor, so one keyed
 * transform serves any number of threads at once.
 */
struct oak_hmac {
	struct crypto_shash *tfm;
};

const char *oak_hmac_name(enum oak_hash hash);	/* "hmac(sha256)", ...; NULL if none */
const char *oak_digest_name(enum oak_hash hash);	/* "sha256", ...; NULL if none */
/* A plain digest over @n pieces, on the shared transform (from oak_crypto_init()). */
int oak_digest(enum oak_hash hash, const struct oak_iov *iov, unsigned int n, u8 *out);
unsigned int oak_digest_len(enum oak_hash hash);	/* 0 if none */
int oak_prf_hash(u16 prf);	/* enum oak_hash or -EINVAL */
int oak_integ_hash(u16 integ);	/* enum oak_hash or -EINVAL */
unsigned int oak_integ_icv_len(u16 integ);	/* truncated ICV bytes, 0 if unknown */

int oak_hmac_init(struct oak_hmac *h, enum oak_hash hash, const u8 *key, size_t key_len);
int oak_hmac_digest(const struct oak_hmac *h, const struct oak_iov *iov, unsigned int n,
		    u8 *out);
void oak_hmac_wipe(struct oak_hmac *h);

/* prf+ with the seed S given as up to OAK_SEED_MAX_PIECES pieces. */
#define OAK_SEED_MAX_PIECES	5
int oak_prf_plusv(u16 prf, const u8 *key, size_t key_len,
		  const struct oak_iov *seed, unsigned int nseed, u8 *out, size_t out_len);

struct oak_sk;
/* The shared SK transforms (sk.c): from oak_crypto_init() / the last oak_crypto_exit(). */
int oak_sk_pool_init(void);
void oak_sk_pool_exit(void);
#if IS_ENABLED(CONFIG_OAKLEY_KUNIT_TEST)
/* Test builds: an oak_sk's key id, and how many shared tfms hold that key now. */
u64 oak_sk_id(const struct oak_sk *sk);
unsigned int oak_sk_slots_keyed(u64 id);
#endif
/* oak_sk_seal() with a given IV instead of a fresh one: for known-answer tests only. */
int oak_sk_seal_iv(struct oak_sk *sk, u8 *msg, size_t cap, size_t sk_off, size_t *msg_len,
		   const u8 *iv);

/* A buffer that held key material was wiped: show it to the test hook. */
static inline void oak_secret_gone(const void *p, size_t len)
{
#if IS_ENABLED(CONFIG_OAKLEY_KUNIT_TEST)
	void (*hook)(const void *p, size_t len) = READ_ONCE(oak_secret_free_hook);

	if (hook)
		hook(p, len);
#endif
}

/* Wipe key material that stays in place (stack, embedded) or goes out of scope. */
static inline void oak_wipe(void *p, size_t len)
{
	memzero_explicit(p, len);
	oak_secret_gone(p, len);
}

/* kfree_sensitive() with the length known, so that the test hook sees the bytes. */
static inline void oak_free_secret(void *p, size_t len)
{
	if (!p)
		return;
	oak_wipe(p, len);
	kfree(p);
}

#endif /* OAKLEY_CRYPTO_INTERNAL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "oakley_prf_timing": what HMAC costs, printed, not judged
 * (figures in Documentation/performance.md).  Per operation, HMAC-SHA-256:
 * keying a transform (oak_hmac_init + oak_hmac_wipe: once per SA for its
 * CBC integrity, once per prf+), one digest with a kept key (each CBC
 * message), one whole PRF (key + digest, e.g. AUTH), one prf+ of 192 bytes
 * (an IKE SA's keys).  The same for HMAC-SHA-512 digests.
 */
#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/string.h>

#include "../crypto/ike_crypto.h"
#include "../crypto/internal.h"

#define PT_N	2000

struct pt_buf {
	u8 key[32];
	u8 data[256];
	u8 out[192];
};

static u64 pt_ns_per(ktime_t t0, unsigned int n)
{
	return div_u64(ktime_to_ns(ktime_sub(ktime_get(), t0)), n);
}

static void pt_keying(struct kunit *test, struct pt_buf *b)
{
	struct oak_hmac h;
	ktime_t t0 = ktime_get();
	unsigned int i;

	for (i = 0; i < PT_N; i++) {
		KUNIT_ASSERT_EQ(test, oak_hmac_init(&h, OAK_SHA256, b->key, sizeof(b->key)), 0);
		oak_hmac_wipe(&h);
	}
	kunit_info(test, "keying (init + wipe): %llu ns\n", pt_ns_per(t0, PT_N));
}

static void pt_digest(struct kunit *test, struct pt_buf *b, enum oak_hash hash,
		      const char *what)
{
	struct oak_iov iov = { .p = b->data, .len = sizeof(b->data) };
	struct oak_hmac h;
	unsigned int i;
	ktime_t t0;

	KUNIT_ASSERT_EQ(test, oak_hmac_init(&h, hash, b->key, sizeof(b->key)), 0);
	t0 = ktime_get();
	for (i = 0; i < PT_N; i++)
		KUNIT_ASSERT_EQ(test, oak_hmac_digest(&h, &iov, 1, b->out), 0);
	kunit_info(test, "%s digest of 256 bytes, key kept: %llu ns\n", what,
		   pt_ns_per(t0, PT_N));
	oak_hmac_wipe(&h);
}

static void oak_test_prf_timing(struct kunit *test)
{
	struct pt_buf *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	unsigned int i;
	ktime_t t0;

	KUNIT_ASSERT_NOT_NULL(test, b);
	memset(b->key, 0x0b, sizeof(b->key));
	memset(b->data, 0xdd, sizeof(b->data));
	pt_keying(test, b);
	pt_digest(test, b, OAK_SHA256, "sha256");
	pt_digest(test, b, OAK_SHA512, "sha512");
	t0 = ktime_get();
	for (i = 0; i < PT_N; i++)
		KUNIT_ASSERT_EQ(test, oak_prf(IKE_PRF_HMAC_SHA2_256, b->key, sizeof(b->key),
					      b->data, sizeof(b->data), b->out), 0);
	kunit_info(test, "oak_prf (key + digest): %llu ns\n", pt_ns_per(t0, PT_N));
	t0 = ktime_get();
	for (i = 0; i < PT_N / 4; i++)
		KUNIT_ASSERT_EQ(test, oak_prf_plus(IKE_PRF_HMAC_SHA2_256, b->key, sizeof(b->key),
						   b->data, 64, b->out, sizeof(b->out)), 0);
	kunit_info(test, "oak_prf_plus, 192 bytes: %llu ns\n", pt_ns_per(t0, PT_N / 4));
}

static int pt_suite_init(struct kunit_suite *suite)
{
	return oak_crypto_init();
}

static void pt_suite_exit(struct kunit_suite *suite)
{
	oak_crypto_exit();
}

static struct kunit_case pt_cases[] = {
	KUNIT_CASE(oak_test_prf_timing),
	{}
};

static struct kunit_suite pt_suite = {
	.name = "oakley_prf_timing",
	.suite_init = pt_suite_init,
	.suite_exit = pt_suite_exit,
	.test_cases = pt_cases,
};

kunit_test_suite(pt_suite);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace model of the SK payload (RFC 7296 §3.14) for the decrypt-then-
 * parse fuzz target and its seed generator, with OpenSSL's libcrypto and
 * fixed keys.  sk_open() makes the same checks, in the same order, as
 * kernel/crypto/sk.c's oak_sk_open() (lengths, CBC block multiple, ICV
 * before decryption, pad length); keep the two in step.
 */
#ifndef OAKLEY_SELFTEST_SK_USER_H
#define OAKLEY_SELFTEST_SK_USER_H

#include "ikev2_wire.h"

enum sk_suite {
	SK_AES_GCM_16_256,		/* ENCR 20, 256-bit key + 4-byte salt */
	SK_AES_CBC_256_SHA256,		/* ENCR 12/256, INTEG 12 (ICV 16) */
	SK_CHACHA20_POLY1305,		/* ENCR 28, 32-byte key + 4-byte salt */
	SK_AES_CBC_128_SHA512,		/* ENCR 12/128, INTEG 14 (ICV 32) */
	SK_NSUITES
};

struct sk_params {
	const char *name;
	unsigned int iv_len;
	unsigned int icv_len;
	unsigned int block;		/* 1 = no padding boundary (AEAD) */
	bool aead;
};

const struct sk_params *sk_params(enum sk_suite s);

/*
 * Encrypt msg in place for suite s: the SK payload starts at sk_off and
 * reaches msg_len; its IV is already in place.  Everything between the IV
 * and the last icv_len bytes (plaintext, padding, Pad Length) is encrypted
 * as it is; the ICV is written.  -EINVAL if the layout cannot be sealed
 * (too short, CBC not a multiple of the block).
 */
int sk_seal(enum sk_suite s, u8 *msg, size_t msg_len, size_t sk_off);

/*
 * What the kernel does with a received SK payload: checks, ICV, decryption
 * in place, padding.  0 with *plain and *plain_len set, or -EBADMSG.
 */
int sk_open(enum sk_suite s, u8 *msg, size_t msg_len, size_t sk_off,
	    const u8 **plain, size_t *plain_len);

#endif

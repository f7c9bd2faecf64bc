/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace model of IKEv1's message encryption (kernel/ikev1/crypt.c) for
 * the decrypt-then-parse fuzz target and its seed generator, with OpenSSL's
 * libcrypto, a fixed key and a fixed IV per cipher.  v1u_decrypt() makes
 * the same checks, in the same order, as v1_decrypt() (length, E flag,
 * block multiple; the last ciphertext block is the next IV; CBC in place;
 * isakmp_parse_inner() over the whole body) and v1u_rest() is v1_rest():
 * keep them in step.
 */
#ifndef OAKLEY_SELFTEST_V1_USER_H
#define OAKLEY_SELFTEST_V1_USER_H

#include "isakmp_wire.h"

#define V1U_MAX_BLOCK	16

enum v1u_suite {
	V1U_AES_128,		/* ENCR 7, key length 128 */
	V1U_AES_192,
	V1U_AES_256,
	V1U_3DES,		/* ENCR 5, 8-byte blocks */
	V1U_NSUITES
};

unsigned int v1u_block(enum v1u_suite s);
/* The fixed IV (v1u_block(s) bytes) the target decrypts with. */
const u8 *v1u_iv(enum v1u_suite s);

/*
 * Encrypt the body of msg (after the ISAKMP header) in place with the fixed
 * IV, as v1_encrypt() does once the body is padded: -EINVAL if the body is
 * empty or not a multiple of the block.
 */
int v1u_seal(enum v1u_suite s, u8 *msg, size_t len);

/* v1_decrypt() with the fixed key: 0 with *plain set, or an error. */
int v1u_decrypt(enum v1u_suite s, u8 *buf, size_t len, const u8 *iv, u8 *next,
		struct isakmp_msg *m, const u8 **plain);

/* v1_rest(): the bytes after payload i through the end of the last one. */
void v1u_rest(const struct isakmp_msg *m, const u8 *plain, unsigned int i, const u8 **rest,
	      size_t *len);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 CBC encryption of message bodies with OpenSSL: see v1_user.h.
 */
#include <limits.h>
#include <openssl/evp.h>

#include "v1_user.h"

static const u8 iv_aes[16] = {
	0x3c, 0x91, 0x0e, 0x57, 0xa2, 0x6d, 0xf4, 0x18,
	0x85, 0x2b, 0xc0, 0x79, 0x4e, 0xd3, 0x16, 0xea,
};

static const u8 iv_3des[8] = { 0x6a, 0x0f, 0xb4, 0x21, 0xdd, 0x93, 0x58, 0xc7 };

static const EVP_CIPHER *suite_cipher(enum v1u_suite s)
{
	switch (s) {
	case V1U_AES_128:
		return EVP_aes_128_cbc();
	case V1U_AES_192:
		return EVP_aes_192_cbc();
	case V1U_AES_256:
		return EVP_aes_256_cbc();
	default:
		return EVP_des_ede3_cbc();
	}
}

unsigned int v1u_block(enum v1u_suite s)
{
	return s == V1U_3DES ? 8 : 16;
}

const u8 *v1u_iv(enum v1u_suite s)
{
	return s == V1U_3DES ? iv_3des : iv_aes;
}

/* The fixed key: a byte pattern, as long as the cipher wants (at most 32). */
static void fixed_key(enum v1u_suite s, u8 *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		k[i] = (u8)(i * 37 + 11) ^ (0xa0 | s);
}

/* One context per cipher and direction, keyed once. */
static EVP_CIPHER_CTX *suite_ctx(enum v1u_suite s, bool enc)
{
	static EVP_CIPHER_CTX *ctx[V1U_NSUITES][2];
	const EVP_CIPHER *c = suite_cipher(s);
	EVP_CIPHER_CTX **p = &ctx[s][enc];
	u8 key[32];

	if (*p)
		return *p;
	*p = EVP_CIPHER_CTX_new();
	fixed_key(s, key, EVP_CIPHER_key_length(c));
	if (!*p || !EVP_CipherInit_ex(*p, c, NULL, key, NULL, enc) ||
	    !EVP_CIPHER_CTX_set_padding(*p, 0)) {
		EVP_CIPHER_CTX_free(*p);
		*p = NULL;
	}
	return *p;
}

/* CBC over data in place; iv is not changed. */
static int cbc(enum v1u_suite s, bool enc, u8 *data, size_t len, const u8 *iv)
{
	EVP_CIPHER_CTX *ctx = suite_ctx(s, enc);
	int outl;

	if (!ctx || !len || len % v1u_block(s) || len > INT_MAX)
		return -EINVAL;
	if (!EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv, -1) ||
	    !EVP_CipherUpdate(ctx, data, &outl, data, (int)len) || (size_t)outl != len)
		return -EIO;
	return 0;
}

int v1u_seal(enum v1u_suite s, u8 *msg, size_t len)
{
	if (len < ISAKMP_HDR_LEN)
		return -EINVAL;
	return cbc(s, true, msg + ISAKMP_HDR_LEN, len - ISAKMP_HDR_LEN, v1u_iv(s));
}

int v1u_decrypt(enum v1u_suite s, u8 *buf, size_t len, const u8 *iv, u8 *next,
		struct isakmp_msg *m, const u8 **plain)
{
	unsigned int block = v1u_block(s);
	size_t body;
	int err;

	if (len < ISAKMP_HDR_LEN + block || !(m->flags & ISAKMP_FLAG_ENC))
		return -EBADMSG;
	body = len - ISAKMP_HDR_LEN;
	if (body % block)
		return -EBADMSG;
	memcpy(next, buf + len - block, block);
	err = cbc(s, false, buf + ISAKMP_HDR_LEN, body, iv);
	if (err)
		return err;
	*plain = buf + ISAKMP_HDR_LEN;
	return isakmp_parse_inner(*plain, body, m->first_payload, m);
}

void v1u_rest(const struct isakmp_msg *m, const u8 *plain, unsigned int i, const u8 **rest,
	      size_t *len)
{
	const struct isakmp_payload *last = &m->pl[m->npayloads - 1];
	size_t end = last->off + ISAKMP_GENERIC_HDR_LEN + last->len;

	if (i + 1 >= m->npayloads) {
		*rest = plain + end;
		*len = 0;
		return;
	}
	*rest = plain + m->pl[i + 1].off;
	*len = end - m->pl[i + 1].off;
}

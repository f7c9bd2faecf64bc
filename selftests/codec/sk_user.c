// SPDX-License-Identifier: GPL-2.0
/*
 * SK payload seal/open with OpenSSL and fixed keys: see sk_user.h.
 * Layout (§3.14): SK generic header | IV | ciphertext | ICV, the ciphertext
 * being plaintext | padding | Pad Length.  AEADs (RFC 5282, RFC 7634):
 * nonce = 4-byte salt (end of SK_e) | 8-byte IV, AAD = IKE header through
 * the SK generic header.  CBC: ICV = truncated HMAC over the message from
 * the IKE header through the Pad Length.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>

#include "sk_user.h"

#define GEN_HDR		4
#define SALT_LEN	4
#define AES_BLOCK	16

static const struct sk_params params[SK_NSUITES] = {
	[SK_AES_GCM_16_256] = { "aes256gcm16", 8, 16, 1, true },
	[SK_AES_CBC_256_SHA256] = { "aes256-sha256", 16, 16, AES_BLOCK, false },
	[SK_CHACHA20_POLY1305] = { "chacha20poly1305", 8, 16, 1, true },
	[SK_AES_CBC_128_SHA512] = { "aes128-sha512", 16, 32, AES_BLOCK, false },
};

/* The fixed SK_e (key | salt) and SK_a: a byte pattern, the same for all. */
static u8 key_byte(unsigned int i, u8 tag)
{
	return (u8)(i * 29 + 7) ^ tag;
}

static void fixed_key(u8 *k, size_t n, u8 tag)
{
	size_t i;

	for (i = 0; i < n; i++)
		k[i] = key_byte(i, tag);
}

const struct sk_params *sk_params(enum sk_suite s)
{
	return &params[s];
}

static const EVP_CIPHER *suite_cipher(enum sk_suite s)
{
	switch (s) {
	case SK_AES_GCM_16_256:
		return EVP_aes_256_gcm();
	case SK_CHACHA20_POLY1305:
		return EVP_chacha20_poly1305();
	case SK_AES_CBC_256_SHA256:
		return EVP_aes_256_cbc();
	default:
		return EVP_aes_128_cbc();
	}
}

static const EVP_MD *suite_md(enum sk_suite s)
{
	return s == SK_AES_CBC_256_SHA256 ? EVP_sha256() : EVP_sha512();
}

static size_t suite_akey_len(enum sk_suite s)
{
	return s == SK_AES_CBC_256_SHA256 ? 32 : 64;
}

/* AEAD over msg: aad_len bytes of AAD, the IV after them, then len bytes. */
static int aead(enum sk_suite s, bool enc, u8 *msg, size_t aad_len, size_t len, u8 *tag)
{
	u8 key[32 + SALT_LEN], nonce[SALT_LEN + 8];
	u8 *data = msg + aad_len + 8;
	EVP_CIPHER_CTX *ctx;
	int outl, ok;

	fixed_key(key, sizeof(key), 0xe0 | s);
	memcpy(nonce, key + 32, SALT_LEN);
	memcpy(nonce + SALT_LEN, msg + aad_len, 8);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		abort();
	ok = EVP_CipherInit_ex(ctx, suite_cipher(s), NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, sizeof(nonce), NULL) &&
	     EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) &&
	     (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag)) &&
	     EVP_CipherUpdate(ctx, NULL, &outl, msg, aad_len) &&
	     EVP_CipherUpdate(ctx, data, &outl, data, len) &&
	     EVP_CipherFinal_ex(ctx, data + len, &outl) &&
	     (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag));
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -EBADMSG;
}

/* AES-128 takes the first 16 bytes of the same 32-byte pattern. */
static void cbc(enum sk_suite s, bool enc, u8 *data, size_t len, const u8 *iv)
{
	EVP_CIPHER_CTX *ctx;
	u8 key[32];
	int outl;

	fixed_key(key, sizeof(key), 0xe0 | s);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || !EVP_CipherInit_ex(ctx, suite_cipher(s), NULL, key, iv, enc) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_CipherUpdate(ctx, data, &outl, data, len) || (size_t)outl != len)
		abort();
	EVP_CIPHER_CTX_free(ctx);
}

static void icv(enum sk_suite s, const u8 *msg, size_t len, u8 *out)
{
	u8 akey[64], full[EVP_MAX_MD_SIZE];
	unsigned int flen;

	fixed_key(akey, sizeof(akey), 0xa0 | s);
	if (!HMAC(suite_md(s), akey, suite_akey_len(s), msg, len, full, &flen))
		abort();
	memcpy(out, full, params[s].icv_len);
}

int sk_seal(enum sk_suite s, u8 *msg, size_t msg_len, size_t sk_off)
{
	const struct sk_params *p = &params[s];
	size_t iv_off = sk_off + GEN_HDR, p0 = iv_off + p->iv_len, ct_len;

	if (sk_off < IKE_HDR_LEN || msg_len < p0 + p->icv_len + (p->aead ? 1 : AES_BLOCK))
		return -EINVAL;
	ct_len = msg_len - p0 - p->icv_len;
	if (ct_len % p->block)
		return -EINVAL;
	if (p->aead)
		return aead(s, true, msg, iv_off, ct_len, msg + p0 + ct_len);
	cbc(s, true, msg + p0, ct_len, msg + iv_off);
	icv(s, msg, p0 + ct_len, msg + p0 + ct_len);
	return 0;
}

/* Mirrors oak_sk_open(): same checks, same order. */
int sk_open(enum sk_suite s, u8 *msg, size_t msg_len, size_t sk_off,
	    const u8 **plain, size_t *plain_len)
{
	const struct sk_params *p = &params[s];
	size_t iv_off = sk_off + GEN_HDR, p0 = iv_off + p->iv_len;
	size_t min_ct = p->aead ? 1 : AES_BLOCK, ct_len;
	u8 mac[64], iv[AES_BLOCK], pad;

	if (sk_off < IKE_HDR_LEN || msg_len < p0 + min_ct + p->icv_len)
		return -EBADMSG;
	if (get_unaligned_be16(msg + sk_off + 2) != msg_len - sk_off)
		return -EBADMSG;
	ct_len = msg_len - p0 - p->icv_len;
	if (p->aead) {
		if (aead(s, false, msg, iv_off, ct_len, msg + p0 + ct_len))
			return -EBADMSG;
	} else {
		if (ct_len % AES_BLOCK)
			return -EBADMSG;
		icv(s, msg, p0 + ct_len, mac);
		if (CRYPTO_memcmp(mac, msg + p0 + ct_len, p->icv_len))
			return -EBADMSG;
		memcpy(iv, msg + iv_off, AES_BLOCK);
		cbc(s, false, msg + p0, ct_len, iv);
	}
	pad = msg[p0 + ct_len - 1];
	if ((size_t)pad + 1 > ct_len)
		return -EBADMSG;
	*plain = msg + p0;
	*plain_len = ct_len - pad - 1;
	return 0;
}

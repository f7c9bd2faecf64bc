// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv1: encryption of ISAKMP message bodies (RFC 2408 §3.1 E flag,
 * RFC 2409 Appendix B): CBC with the phase 1 cipher key, no integrity of
 * its own (HASH payloads authenticate).  The caller keeps the IV chain:
 * phase 1 continues from the last ciphertext block of the previous
 * message; each Quick Mode and Informational message ID starts from
 * hash(last block of phase 1 | M-ID) (oak_v1_iv_phase2()).  A received
 * message's last block is handed back, to be committed only after the
 * message verified.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/skcipher.h>
#include <linux/err.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "../crypto/internal.h"
#include "ikev1.h"

static const char *v1_cbc_name(u16 encr, u8 *block)
{
	switch (encr) {
	case IKE_ENCR_AES_CBC:
		*block = 16;
		return "cbc(aes)";
	case IKE_ENCR_3DES:
		*block = 8;
		return "cbc(des3_ede)";
	}
	return NULL;
}

void *v1_cbc_alloc(u16 encr, const u8 *key, unsigned int key_len, u8 *block)
{
	struct crypto_sync_skcipher *tfm;
	const char *name;
	int err;

	name = v1_cbc_name(encr, block);
	if (!name)
		return ERR_PTR(-EINVAL);
	tfm = crypto_alloc_sync_skcipher(name, 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_sync_skcipher_setkey(tfm, key, key_len);
	if (err) {
		crypto_free_sync_skcipher(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

void v1_cbc_put(void *cbc)
{
	if (cbc)
		crypto_free_sync_skcipher(cbc);
}

void v1_cbc_set(struct oak_ike_sa *sa, void *cbc, u8 block)
{
	v1_cbc_free(sa);
	ikev1_sa(sa)->cbc = cbc;
	ikev1_sa(sa)->block = block;
}

int v1_cbc_new(struct oak_ike_sa *sa, u16 encr, const u8 *key, unsigned int key_len)
{
	void *tfm;
	u8 block;

	tfm = v1_cbc_alloc(encr, key, key_len, &block);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	v1_cbc_set(sa, tfm, block);
	return 0;
}

void v1_cbc_free(struct oak_ike_sa *sa)
{
	v1_cbc_put(ikev1_sa(sa)->cbc);
	ikev1_sa(sa)->cbc = NULL;
}

/* CBC over data (kmalloc'd, a multiple of the block), iv updated by the API. */
static int v1_cbc(struct oak_ike_sa *sa, u8 *data, size_t len, u8 *iv, bool enc)
{
	struct crypto_sync_skcipher *tfm = ikev1_sa(sa)->cbc;
	struct scatterlist sg;
	int err;

	if (!tfm || !len || len % ikev1_sa(sa)->block)
		return -EINVAL;
	{
		SYNC_SKCIPHER_REQUEST_ON_STACK(req, tfm);

		sg_init_one(&sg, data, len);
		skcipher_request_set_sync_tfm(req, tfm);
		skcipher_request_set_callback(req, 0, NULL, NULL);
		skcipher_request_set_crypt(req, &sg, &sg, len, iv);
		err = enc ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req);
		skcipher_request_zero(req);
	}
	return err;
}

int v1_encrypt(struct oak_ike_sa *sa, struct isakmp_buf *b, u8 *iv)
{
	unsigned int block = ikev1_sa(sa)->block;
	size_t body, pad;
	u8 tmp[OAK_V1_MAX_BLOCK];
	int err;

	isakmp_chain_end(b);
	if (b->err || b->len < ISAKMP_HDR_LEN)
		return b->err ?: -EINVAL;
	body = b->len - ISAKMP_HDR_LEN;
	pad = body % block ? block - body % block : 0;
	if (!body)
		pad = block;
	if (pad) {
		u8 zero[OAK_V1_MAX_BLOCK] = {};

		isakmp_put_bytes(b, zero, pad);
	}
	b->data[19] |= ISAKMP_FLAG_ENC;
	err = isakmp_buf_finish(b);
	if (err)
		return err;
	memcpy(tmp, iv, block);
	err = v1_cbc(sa, b->data + ISAKMP_HDR_LEN, b->len - ISAKMP_HDR_LEN, tmp, true);
	if (err)
		return err;
	memcpy(iv, b->data + b->len - block, block);
	return 0;
}

int v1_decrypt(struct oak_ike_sa *sa, u8 *buf, size_t len, const u8 *iv, u8 *next,
	       struct isakmp_msg *m, const u8 **plain)
{
	unsigned int block = ikev1_sa(sa)->block;
	u8 tmp[OAK_V1_MAX_BLOCK];
	size_t body;
	int err;

	if (!ikev1_sa(sa)->cbc || len < ISAKMP_HDR_LEN + block || !(m->flags & ISAKMP_FLAG_ENC))
		return -EBADMSG;
	body = len - ISAKMP_HDR_LEN;
	if (body % block)
		return -EBADMSG;
	memcpy(next, buf + len - block, block);
	memcpy(tmp, iv, block);
	err = v1_cbc(sa, buf + ISAKMP_HDR_LEN, body, tmp, false);
	if (err)
		return err;
	*plain = buf + ISAKMP_HDR_LEN;
	return isakmp_parse_inner(*plain, body, m->first_payload, m);
}

int v1_iv2(struct oak_ike_sa *sa, u32 msgid, u8 *iv)
{
	return oak_v1_iv_phase2(ikev1_sa(sa)->hash, ikev1_sa(sa)->iv, ikev1_sa(sa)->block,
				msgid, iv);
}

void v1_rest(const struct isakmp_msg *m, const u8 *plain, unsigned int i, const u8 **rest,
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

size_t v1_hash_reserve(struct oak_ike_sa *sa, struct isakmp_buf *b)
{
	return isakmp_add_opaque(b, ISAKMP_PL_HASH, NULL, oak_v1_hash_len(ikev1_sa(sa)->hash));
}

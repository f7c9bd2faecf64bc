// SPDX-License-Identifier: GPL-2.0
/*
 * The Encrypted payload, SK {...} (RFC 7296 §3.14), with
 * - AES-CBC + HMAC-SHA2-*-truncated: encrypt, then an ICV over the whole
 *   message from the IKE header through the Pad Length (IV included);
 * - AES-GCM-16 (RFC 5282) and ChaCha20-Poly1305 (RFC 7634): key = SK_e less
 *   its last 4 bytes, nonce = those 4 salt bytes | the 8-byte IV, AAD = the
 *   message from the IKE header through the SK generic header (the IV is not
 *   authenticated), ICV 16 bytes.  The generic "gcm(aes)" and
 *   "rfc7539(chacha20,poly1305)" take the 12-byte nonce; the message layout
 *   AAD | IV | ciphertext | ICV is fed as two scatterlist entries that skip
 *   the IV.  (The ESP templates rfc4106/rfc7539esp only take ESP's AAD sizes.)
 *
 * IVs: random for CBC; for the AEADs a 64-bit counter that starts at a
 * random value for each oak_sk, so one key never sees a nonce twice.
 */
#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/skcipher.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "internal.h"

#define OAK_IKE_HDR_LEN		28
#define OAK_IKE_HDR_LENGTH_OFF	24
#define OAK_GEN_HDR_LEN		4
#define OAK_AES_BLOCK		16
#define OAK_AEAD_IV_LEN		8
#define OAK_AEAD_SALT_LEN	4
#define OAK_AEAD_ICV_LEN	16

struct oak_sk {
	u16 encr;
	unsigned int iv_len;
	unsigned int icv_len;
	unsigned int block;		/* padding boundary; 1 = none */
	struct crypto_skcipher *cbc;
	struct crypto_aead *aead;
	struct oak_hmac mac;		/* CBC only */
	u8 salt[OAK_AEAD_SALT_LEN];	/* AEAD only */
	atomic64_t next_iv;		/* AEAD only */
};

unsigned int oak_sk_iv_len(const struct oak_sk *sk)
{
	return sk->iv_len;
}

unsigned int oak_sk_icv_len(const struct oak_sk *sk)
{
	return sk->icv_len;
}

/* Padding to the block (block - 1 at most), the Pad Length octet, the ICV. */
unsigned int oak_sk_overhead(const struct oak_sk *sk)
{
	return sk->block - 1 + 1 + sk->icv_len;
}

static int oak_sk_new_cbc(struct oak_sk *sk, u16 integ, const u8 *ekey, size_t ekey_len,
			  const u8 *akey, size_t akey_len)
{
	int hash = oak_integ_hash(integ);
	int err;

	if (hash < 0 || akey_len != oak_integ_key_len(integ))
		return -EINVAL;
	sk->cbc = crypto_alloc_skcipher("cbc(aes)", 0, 0);
	if (IS_ERR(sk->cbc)) {
		err = PTR_ERR(sk->cbc);
		sk->cbc = NULL;
		return err;
	}
	err = crypto_skcipher_setkey(sk->cbc, ekey, ekey_len);
	if (err)
		return err;
	sk->iv_len = OAK_AES_BLOCK;
	sk->block = OAK_AES_BLOCK;
	sk->icv_len = oak_integ_icv_len(integ);
	return oak_hmac_init(&sk->mac, hash, akey, akey_len);
}

static int oak_sk_new_aead(struct oak_sk *sk, u16 integ, const u8 *ekey, size_t ekey_len)
{
	const char *name = sk->encr == IKE_ENCR_AES_GCM_16 ? "gcm(aes)" :
							      "rfc7539(chacha20,poly1305)";
	size_t klen = ekey_len - OAK_AEAD_SALT_LEN;
	u64 start;
	int err;

	/* RFC 5282 §8 / RFC 7634 §4: an AEAD is proposed without integrity. */
	if (integ != IKE_INTEG_NONE)
		return -EINVAL;
	sk->aead = crypto_alloc_aead(name, 0, 0);
	if (IS_ERR(sk->aead)) {
		err = PTR_ERR(sk->aead);
		sk->aead = NULL;
		return err;
	}
	err = crypto_aead_setkey(sk->aead, ekey, klen);
	if (!err)
		err = crypto_aead_setauthsize(sk->aead, OAK_AEAD_ICV_LEN);
	if (err)
		return err;
	memcpy(sk->salt, ekey + klen, OAK_AEAD_SALT_LEN);
	get_random_bytes(&start, sizeof(start));
	atomic64_set(&sk->next_iv, start);
	sk->iv_len = OAK_AEAD_IV_LEN;
	sk->block = 1;
	sk->icv_len = OAK_AEAD_ICV_LEN;
	return 0;
}

struct oak_sk *oak_sk_new(u16 encr, u16 keylen_bits, u16 integ,
			  const u8 *ekey, size_t ekey_len,
			  const u8 *akey, size_t akey_len)
{
	struct oak_sk *sk;
	int err;

	if (!oak_encr_supported(encr, keylen_bits) ||
	    ekey_len != oak_encr_key_len(encr, keylen_bits))
		return NULL;
	sk = kzalloc(sizeof(*sk), GFP_KERNEL);
	if (!sk)
		return NULL;
	sk->encr = encr;
	if (oak_encr_is_aead(encr))
		err = oak_sk_new_aead(sk, integ, ekey, ekey_len);
	else
		err = oak_sk_new_cbc(sk, integ, ekey, ekey_len, akey, akey_len);
	if (err) {
		oak_sk_free(sk);
		return NULL;
	}
	return sk;
}

void oak_sk_free(struct oak_sk *sk)
{
	if (!sk)
		return;
	crypto_free_skcipher(sk->cbc);	/* freeing a tfm wipes its key */
	crypto_free_aead(sk->aead);
	oak_free_secret(sk, sizeof(*sk));	/* the HMAC pads and the salt */
}

/* CBC in place over buf; iv is consumed (the API updates it). */
static int oak_sk_cbc(struct oak_sk *sk, bool enc, u8 *buf, size_t len, u8 *iv)
{
	struct skcipher_request *req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	req = skcipher_request_alloc(sk->cbc, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	sg_init_one(&sg, buf, len);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	err = crypto_wait_req(enc ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req),
			      &wait);
	skcipher_request_free(req);
	return err;
}

/*
 * AEAD in place: aad_len bytes at msg, the IV after them, then len bytes
 * (plaintext to seal, or ciphertext | ICV to open).
 */
static int oak_sk_aead(struct oak_sk *sk, bool enc, u8 *msg, size_t aad_len, size_t len)
{
	u8 *data = msg + aad_len + OAK_AEAD_IV_LEN;
	u8 nonce[OAK_AEAD_SALT_LEN + OAK_AEAD_IV_LEN];
	struct aead_request *req;
	struct scatterlist sg[2];
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	memcpy(nonce, sk->salt, OAK_AEAD_SALT_LEN);
	memcpy(nonce + OAK_AEAD_SALT_LEN, msg + aad_len, OAK_AEAD_IV_LEN);
	req = aead_request_alloc(sk->aead, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], msg, aad_len);
	sg_set_buf(&sg[1], data, enc ? len + OAK_AEAD_ICV_LEN : len);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, sg, sg, len, nonce);
	err = crypto_wait_req(enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req), &wait);
	aead_request_free(req);
	oak_wipe(nonce, sizeof(nonce));
	return err;
}

/* The CBC ICV: HMAC over msg[0, len), truncated to icv_len, written at out. */
static int oak_sk_icv(struct oak_sk *sk, const u8 *msg, size_t len, u8 *out)
{
	struct oak_iov iov = { .p = msg, .len = len };
	u8 full[OAK_HASH_MAX_DIGEST];
	int err;

	err = oak_hmac_digest(&sk->mac, &iov, 1, full);
	if (!err)
		memcpy(out, full, sk->icv_len);
	oak_wipe(full, sizeof(full));
	return err;
}

/* oak_sk_seal() with the IV given (known-answer tests use it directly). */
int oak_sk_seal_iv(struct oak_sk *sk, u8 *msg, size_t cap, size_t sk_off, size_t *msg_len,
		   const u8 *iv)
{
	size_t iv_off = sk_off + OAK_GEN_HDR_LEN;
	size_t p0 = iv_off + sk->iv_len;
	size_t plain_len, pad, ct_len, total;
	u8 cbc_iv[OAK_AES_BLOCK];
	int err;

	/* The crypto API reads msg through a scatterlist: no vmalloc/stack memory. */
	if (WARN_ON_ONCE(!virt_addr_valid(msg)))
		return -EFAULT;
	if (sk_off < OAK_IKE_HDR_LEN || *msg_len < p0 || *msg_len > cap)
		return -EINVAL;
	plain_len = *msg_len - p0;
	pad = (sk->block - (plain_len + 1) % sk->block) % sk->block;
	ct_len = plain_len + pad + 1;
	total = p0 + ct_len + sk->icv_len;
	if (total > cap || total - sk_off > U16_MAX || total > U32_MAX)
		return -EMSGSIZE;

	memset(msg + p0 + plain_len, 0, pad);
	msg[p0 + plain_len + pad] = pad;
	put_unaligned_be16(total - sk_off, msg + sk_off + 2);
	put_unaligned_be32(total, msg + OAK_IKE_HDR_LENGTH_OFF);
	memcpy(msg + iv_off, iv, sk->iv_len);

	if (sk->aead) {
		err = oak_sk_aead(sk, true, msg, iv_off, ct_len);
	} else {
		memcpy(cbc_iv, iv, sk->iv_len);
		err = oak_sk_cbc(sk, true, msg + p0, ct_len, cbc_iv);
		if (!err)
			err = oak_sk_icv(sk, msg, p0 + ct_len, msg + p0 + ct_len);
	}
	if (err)
		return err;
	*msg_len = total;
	return 0;
}

int oak_sk_seal(struct oak_sk *sk, u8 *msg, size_t cap, size_t sk_off, size_t *msg_len)
{
	u8 iv[OAK_AES_BLOCK];

	if (sk->aead)
		put_unaligned_be64(atomic64_inc_return(&sk->next_iv), iv);
	else
		get_random_bytes(iv, sk->iv_len);
	return oak_sk_seal_iv(sk, msg, cap, sk_off, msg_len, iv);
}

static int oak_sk_open_cbc(struct oak_sk *sk, u8 *msg, size_t iv_off, size_t ct_len)
{
	size_t p0 = iv_off + sk->iv_len;
	u8 icv[OAK_HASH_MAX_DIGEST / 2];
	u8 iv[OAK_AES_BLOCK];
	int err;

	if (ct_len % OAK_AES_BLOCK)
		return -EBADMSG;
	err = oak_sk_icv(sk, msg, p0 + ct_len, icv);
	if (err)
		return err;
	if (crypto_memneq(icv, msg + p0 + ct_len, sk->icv_len))
		return -EBADMSG;
	memcpy(iv, msg + iv_off, sk->iv_len);
	return oak_sk_cbc(sk, false, msg + p0, ct_len, iv);
}

int oak_sk_open(struct oak_sk *sk, u8 *msg, size_t msg_len, size_t sk_off,
		const u8 **plain, size_t *plain_len)
{
	size_t iv_off = sk_off + OAK_GEN_HDR_LEN;
	size_t p0 = iv_off + sk->iv_len;
	size_t min_ct = sk->aead ? 1 : OAK_AES_BLOCK;
	size_t ct_len;
	u8 pad;
	int err;

	if (WARN_ON_ONCE(!virt_addr_valid(msg)))
		return -EFAULT;
	if (sk_off < OAK_IKE_HDR_LEN || msg_len < p0 + min_ct + sk->icv_len)
		return -EBADMSG;
	/* SK is the last payload: its length must reach the end exactly. */
	if (get_unaligned_be16(msg + sk_off + 2) != msg_len - sk_off)
		return -EBADMSG;
	ct_len = msg_len - p0 - sk->icv_len;

	if (sk->aead)
		err = oak_sk_aead(sk, false, msg, iv_off, ct_len + sk->icv_len);
	else
		err = oak_sk_open_cbc(sk, msg, iv_off, ct_len);
	if (err)
		return err == -ENOMEM ? err : -EBADMSG;

	pad = msg[p0 + ct_len - 1];
	if ((size_t)pad + 1 > ct_len)
		return -EBADMSG;
	*plain = msg + p0;
	*plain_len = ct_len - pad - 1;
	return 0;
}

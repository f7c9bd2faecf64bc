// SPDX-License-Identifier: GPL-2.0
/*
 * The Encrypted payload, SK {...} (RFC 7296 §3.14), with
 * - AES-CBC or 3DES-CBC (8-byte block and IV) + HMAC-SHA2-*-truncated or
 *   HMAC-SHA1-96: encrypt, then an ICV over the whole message from the IKE
 *   header through the Pad Length (IV included);
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
 *
 * An oak_sk holds its keys as bytes; the transforms are shared (below).
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
#define OAK_3DES_BLOCK		8
#define OAK_AEAD_IV_LEN		8
#define OAK_AEAD_SALT_LEN	4
#define OAK_AEAD_ICV_LEN	16
#define OAK_AES_KEY_MAX		32	/* also the ChaCha20 key */

/*
 * The cipher transforms are shared, not per SA: a "gcm(aes)" tfm with its
 * children costs several KiB, far more than the rest of an IKE SA.  Each
 * kind has one tfm per CPU (up to OAK_SK_MAX_SLOTS), allocated when the
 * kind is first used, each behind its own mutex; an oak_sk keeps only its
 * key bytes and sets them into the slot's tfm when the slot last held
 * another key.  When an oak_sk is freed, a slot that still holds its key
 * is rekeyed with zeros, so no key outlives its SA inside a shared tfm.
 */
enum oak_sk_kind {
	OAK_SK_GCM,
	OAK_SK_CHACHA,
	OAK_SK_CBC,		/* AES-CBC */
	OAK_SK_3DES,		/* 3DES-CBC */
	OAK_SK_KINDS,
};

#define OAK_SK_MAX_SLOTS	64

static const char *const oak_sk_tfm_names[OAK_SK_KINDS] = {
	[OAK_SK_GCM] = "gcm(aes)",
	[OAK_SK_CHACHA] = "rfc7539(chacha20,poly1305)",
	[OAK_SK_CBC] = "cbc(aes)",
	[OAK_SK_3DES] = "cbc(des3_ede)",
};

/* The kinds with an skcipher and an HMAC (the others are AEADs). */
static bool oak_sk_kind_cbc(unsigned int kind)
{
	return kind == OAK_SK_CBC || kind == OAK_SK_3DES;
}

struct oak_sk_slot {
	struct mutex lock;		/* the tfm's key and every use of the tfm */
	struct crypto_aead *aead;	/* GCM, ChaCha20-Poly1305 */
	struct crypto_skcipher *cbc;	/* AES-CBC, 3DES-CBC */
	u64 owner;			/* oak_sk->id whose key is set; 0 none */
};

static DEFINE_MUTEX(oak_sk_pool_lock);	/* pool setup and teardown, kind setup */
static struct oak_sk_slot *oak_sk_slots;	/* [kind * oak_sk_nslots + slot] */
static unsigned int oak_sk_nslots;
static bool oak_sk_ready[OAK_SK_KINDS];	/* the kind's tfms exist (acquire/release) */
static atomic64_t oak_sk_next_id;

struct oak_sk {
	u64 id;				/* unique, never 0: which key a slot holds */
	atomic64_t next_iv;		/* AEAD only */
	u8 kind;			/* enum oak_sk_kind */
	u8 key_len;
	u8 iv_len;
	u8 icv_len;
	u8 block;			/* padding boundary; 1 = none */
	u8 key[OAK_AES_KEY_MAX];	/* SK_e without the salt (3DES: 24 bytes) */
	u8 salt[OAK_AEAD_SALT_LEN];	/* AEAD only */
	struct oak_hmac mac[];		/* CBC only: one */
};

int oak_sk_pool_init(void)
{
	unsigned int i;

	oak_sk_nslots = min_t(unsigned int, nr_cpu_ids, OAK_SK_MAX_SLOTS);
	oak_sk_slots = kcalloc(OAK_SK_KINDS * oak_sk_nslots, sizeof(*oak_sk_slots), GFP_KERNEL);
	if (!oak_sk_slots)
		return -ENOMEM;
	for (i = 0; i < OAK_SK_KINDS * oak_sk_nslots; i++)
		mutex_init(&oak_sk_slots[i].lock);
	return 0;
}

/* Only when no oak_sk is left. */
void oak_sk_pool_exit(void)
{
	unsigned int i;

	mutex_lock(&oak_sk_pool_lock);
	for (i = 0; oak_sk_slots && i < OAK_SK_KINDS * oak_sk_nslots; i++) {
		crypto_free_aead(oak_sk_slots[i].aead);		/* NULL is fine; wipes the key */
		crypto_free_skcipher(oak_sk_slots[i].cbc);
		mutex_destroy(&oak_sk_slots[i].lock);
	}
	kfree(oak_sk_slots);
	oak_sk_slots = NULL;
	memset(oak_sk_ready, 0, sizeof(oak_sk_ready));
	mutex_unlock(&oak_sk_pool_lock);
}

static struct oak_sk_slot *oak_sk_slot(unsigned int kind, unsigned int i)
{
	return &oak_sk_slots[kind * oak_sk_nslots + i];
}

static int oak_sk_slot_alloc(struct oak_sk_slot *s, unsigned int kind)
{
	const char *name = oak_sk_tfm_names[kind];
	int err;

	if (oak_sk_kind_cbc(kind)) {
		s->cbc = crypto_alloc_skcipher(name, 0, 0);
		err = PTR_ERR_OR_ZERO(s->cbc);
		if (err)
			s->cbc = NULL;
		return err;
	}
	s->aead = crypto_alloc_aead(name, 0, 0);
	err = PTR_ERR_OR_ZERO(s->aead);
	if (err) {
		s->aead = NULL;
		return err;
	}
	return crypto_aead_setauthsize(s->aead, OAK_AEAD_ICV_LEN);
}

/* The tfms of @kind, one per slot, allocated on first use. */
static int oak_sk_kind_ready(unsigned int kind)
{
	unsigned int i;
	int err = 0;

	/* pairs with the release below: ready means the tfms are visible */
	if (smp_load_acquire(&oak_sk_ready[kind]))
		return 0;
	mutex_lock(&oak_sk_pool_lock);
	if (!oak_sk_slots)
		err = -ENODEV;
	for (i = 0; !err && !oak_sk_ready[kind] && i < oak_sk_nslots; i++)
		if (!oak_sk_slot(kind, i)->aead && !oak_sk_slot(kind, i)->cbc)
			err = oak_sk_slot_alloc(oak_sk_slot(kind, i), kind);
	if (!err)	/* publish the tfms before the flag */
		smp_store_release(&oak_sk_ready[kind], true);
	mutex_unlock(&oak_sk_pool_lock);
	return err;
}

/* This CPU's slot of the kind, locked, with sk's key set. */
static struct oak_sk_slot *oak_sk_slot_get(struct oak_sk *sk, int *err)
{
	struct oak_sk_slot *s = oak_sk_slot(sk->kind, raw_smp_processor_id() % oak_sk_nslots);

	mutex_lock(&s->lock);
	*err = 0;
	if (s->owner == sk->id)
		return s;
	WRITE_ONCE(s->owner, 0);
	if (s->cbc)
		*err = crypto_skcipher_setkey(s->cbc, sk->key, sk->key_len);
	else
		*err = crypto_aead_setkey(s->aead, sk->key, sk->key_len);
	if (!*err)
		WRITE_ONCE(s->owner, sk->id);
	return s;
}

/* No slot keeps the key of @sk (it is being freed). */
static void oak_sk_unkey(struct oak_sk *sk)
{
	static const u8 zero[OAK_AES_KEY_MAX];
	struct oak_sk_slot *s;
	unsigned int i;

	if (!oak_sk_slots)
		return;
	for (i = 0; i < oak_sk_nslots; i++) {
		s = oak_sk_slot(sk->kind, i);
		if (READ_ONCE(s->owner) != sk->id)
			continue;
		mutex_lock(&s->lock);
		if (s->owner == sk->id) {
			if (s->cbc)
				crypto_skcipher_setkey(s->cbc, zero, sk->key_len);
			else
				crypto_aead_setkey(s->aead, zero, sk->key_len);
			WRITE_ONCE(s->owner, 0);
		}
		mutex_unlock(&s->lock);
	}
}

#if IS_ENABLED(CONFIG_OAKLEY_KUNIT_TEST)
u64 oak_sk_id(const struct oak_sk *sk)
{
	return sk->id;
}

unsigned int oak_sk_slots_keyed(u64 id)
{
	unsigned int i, kind, n = 0;

	for (kind = 0; oak_sk_slots && kind < OAK_SK_KINDS; kind++)
		for (i = 0; i < oak_sk_nslots; i++)
			n += READ_ONCE(oak_sk_slot(kind, i)->owner) == id;
	return n;
}
#endif

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

static int oak_sk_new_cbc(struct oak_sk *sk, u16 integ, const u8 *akey, size_t akey_len)
{
	int hash = oak_integ_hash(integ);

	if (hash < 0 || akey_len != oak_integ_key_len(integ))
		return -EINVAL;
	sk->iv_len = sk->kind == OAK_SK_3DES ? OAK_3DES_BLOCK : OAK_AES_BLOCK;
	sk->block = sk->iv_len;
	sk->icv_len = oak_integ_icv_len(integ);
	return oak_hmac_init(sk->mac, hash, akey, akey_len);
}

static int oak_sk_new_aead(struct oak_sk *sk, u16 integ, const u8 *ekey)
{
	u64 start;

	/* RFC 5282 §8 / RFC 7634 §4: an AEAD is proposed without integrity. */
	if (integ != IKE_INTEG_NONE)
		return -EINVAL;
	memcpy(sk->salt, ekey + sk->key_len, OAK_AEAD_SALT_LEN);
	get_random_bytes(&start, sizeof(start));
	atomic64_set(&sk->next_iv, start);
	sk->iv_len = OAK_AEAD_IV_LEN;
	sk->block = 1;
	sk->icv_len = OAK_AEAD_ICV_LEN;
	return 0;
}

static size_t oak_sk_size(unsigned int kind)
{
	return oak_sk_kind_cbc(kind) ? struct_size((struct oak_sk *)NULL, mac, 1) :
				       sizeof(struct oak_sk);
}

static unsigned int oak_sk_kind_of(u16 encr)
{
	switch (encr) {
	case IKE_ENCR_AES_CBC:
		return OAK_SK_CBC;
	case IKE_ENCR_3DES:
		return OAK_SK_3DES;
	case IKE_ENCR_AES_GCM_16:
		return OAK_SK_GCM;
	}
	return OAK_SK_CHACHA;
}

int oak_encr_warm(u16 encr, u16 keylen_bits)
{
	if (!oak_encr_supported(encr, keylen_bits))
		return -EOPNOTSUPP;
	return oak_sk_kind_ready(oak_sk_kind_of(encr));
}

struct oak_sk *oak_sk_new(u16 encr, u16 keylen_bits, u16 integ,
			  const u8 *ekey, size_t ekey_len,
			  const u8 *akey, size_t akey_len)
{
	unsigned int kind = oak_sk_kind_of(encr);
	bool aead = oak_encr_is_aead(encr);
	struct oak_sk *sk;
	int err;

	if (!oak_encr_supported(encr, keylen_bits) ||
	    ekey_len != oak_encr_key_len(encr, keylen_bits) ||
	    ekey_len - (aead ? OAK_AEAD_SALT_LEN : 0) > OAK_AES_KEY_MAX ||
	    oak_sk_kind_ready(kind))
		return NULL;
	sk = kzalloc(oak_sk_size(kind), GFP_KERNEL);
	if (!sk)
		return NULL;
	sk->id = atomic64_inc_return(&oak_sk_next_id);
	sk->kind = kind;
	sk->key_len = ekey_len - (aead ? OAK_AEAD_SALT_LEN : 0);
	memcpy(sk->key, ekey, sk->key_len);
	if (aead)
		err = oak_sk_new_aead(sk, integ, ekey);
	else
		err = oak_sk_new_cbc(sk, integ, akey, akey_len);
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
	oak_sk_unkey(sk);
	if (oak_sk_kind_cbc(sk->kind))
		oak_hmac_wipe(sk->mac);	/* its transform holds the HMAC pads */
	/* the key, the salt */
	oak_free_secret(sk, oak_sk_size(sk->kind));
}

/* CBC in place over buf; iv is consumed (the API updates it). */
static int oak_sk_cbc(struct oak_sk *sk, bool enc, u8 *buf, size_t len, u8 *iv)
{
	struct skcipher_request *req;
	struct oak_sk_slot *s;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	s = oak_sk_slot_get(sk, &err);
	if (err)
		goto out;
	req = skcipher_request_alloc(s->cbc, GFP_KERNEL);
	if (!req) {
		err = -ENOMEM;
		goto out;
	}
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	sg_init_one(&sg, buf, len);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	err = crypto_wait_req(enc ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req),
			      &wait);
	skcipher_request_free(req);
out:
	mutex_unlock(&s->lock);
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
	struct oak_sk_slot *s;
	struct scatterlist sg[2];
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	memcpy(nonce, sk->salt, OAK_AEAD_SALT_LEN);
	memcpy(nonce + OAK_AEAD_SALT_LEN, msg + aad_len, OAK_AEAD_IV_LEN);
	s = oak_sk_slot_get(sk, &err);
	if (err)
		goto out;
	req = aead_request_alloc(s->aead, GFP_KERNEL);
	if (!req) {
		err = -ENOMEM;
		goto out;
	}
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], msg, aad_len);
	sg_set_buf(&sg[1], data, enc ? len + OAK_AEAD_ICV_LEN : len);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, sg, sg, len, nonce);
	err = crypto_wait_req(enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req), &wait);
	aead_request_free(req);
out:
	mutex_unlock(&s->lock);
	oak_wipe(nonce, sizeof(nonce));
	return err;
}

/* The CBC ICV: HMAC over msg[0, len), truncated to icv_len, written at out. */
static int oak_sk_icv(struct oak_sk *sk, const u8 *msg, size_t len, u8 *out)
{
	struct oak_iov iov = { .p = msg, .len = len };
	u8 full[OAK_HASH_MAX_DIGEST];
	int err;

	err = oak_hmac_digest(sk->mac, &iov, 1, full);
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

	if (!oak_sk_kind_cbc(sk->kind)) {
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

	if (!oak_sk_kind_cbc(sk->kind))
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

	if (ct_len % sk->block)
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
	size_t min_ct = sk->block;	/* one block; 1 for the AEADs */
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

	if (!oak_sk_kind_cbc(sk->kind))
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

// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 key derivation (RFC 2409 §5 and Appendix B): SKEYID for pre-shared
 * keys and signatures, SKEYID_d/_a/_e, the cipher key expansion, HASH_I and
 * HASH_R, the phase 1 and phase 2 IVs, Quick Mode KEYMAT and HASH(1..3).
 *
 * Pure functions of their inputs, like keys.c: the IKEv1 engine decides
 * which values go in (which SPI, which nonces, when an IV is committed).
 * The PRF is HMAC over the module's shared hash transforms (prf.c), so
 * nothing here allocates a transform.  See Documentation/design/ike.md.
 */
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "internal.h"
#include "../codec/isakmp_wire.h"

#define V1_COOKIE_LEN	8
#define V1_SPI_LEN	4

/* The shared hash behind an IKEv1 Hash Algorithm value, or -EINVAL (MD5 too). */
static int v1_hash(u16 hash)
{
	switch (hash) {
	case IKEV1_HASH_SHA1:
		return OAK_SHA1;
	case IKEV1_HASH_SHA2_256:
		return OAK_SHA256;
	case IKEV1_HASH_SHA2_384:
		return OAK_SHA384;
	case IKEV1_HASH_SHA2_512:
		return OAK_SHA512;
	}
	return -EINVAL;
}

unsigned int oak_v1_hash_len(u16 hash)
{
	switch (hash) {
	case IKEV1_HASH_SHA1:
		return 20;
	case IKEV1_HASH_SHA2_256:
		return 32;
	case IKEV1_HASH_SHA2_384:
		return 48;
	case IKEV1_HASH_SHA2_512:
		return 64;
	}
	return 0;
}

static int v1_hmac_init(struct oak_hmac *h, u16 hash, const u8 *key, size_t key_len)
{
	int e = v1_hash(hash);

	if (e < 0)
		return e;
	return oak_hmac_init(h, e, key, key_len);
}

/* out = prf(key, iov[0] | ... | iov[n-1]) */
static int v1_prfv(u16 hash, const u8 *key, size_t key_len,
		   const struct oak_iov *iov, unsigned int n, u8 *out)
{
	struct oak_hmac h;
	int err;

	err = v1_hmac_init(&h, hash, key, key_len);
	if (err)
		return err;
	err = oak_hmac_digest(&h, iov, n, out);
	oak_hmac_wipe(&h);
	return err;
}

int oak_v1_skeyid_psk(u16 hash, const u8 *psk, size_t psk_len,
		      const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len, u8 *skeyid)
{
	const struct oak_iov nonces[] = { { ni, ni_len }, { nr, nr_len } };

	return v1_prfv(hash, psk, psk_len, nonces, ARRAY_SIZE(nonces), skeyid);
}

int oak_v1_skeyid_sig(u16 hash, const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
		      const u8 *gxy, size_t gxy_len, u8 *skeyid)
{
	const struct oak_iov data = { gxy, gxy_len };
	size_t klen = ni_len + nr_len;
	u8 *key;
	int err;

	/* The key is both nonces together. */
	key = kmalloc(klen ? klen : 1, GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	memcpy(key, ni, ni_len);
	memcpy(key + ni_len, nr, nr_len);
	err = v1_prfv(hash, key, klen, &data, 1, skeyid);
	oak_free_secret(key, klen);
	return err;
}

/*
 * Appendix B: Ka = K1 | K2 | ..., K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e,
 * Kn-1), the 0 being a single octet; keys->enc_len bytes of it.
 */
static int v1_expand_enc(struct oak_v1_keys *keys)
{
	static const u8 zero;
	struct oak_iov iov = { &zero, 1 };
	u8 k[IKE_PRF_MAX_LEN];
	struct oak_hmac h;
	size_t done = 0, take;
	int err;

	err = v1_hmac_init(&h, keys->hash, keys->skeyid_e, keys->prf_len);
	while (!err && done < keys->enc_len) {
		err = oak_hmac_digest(&h, &iov, 1, k);
		if (err)
			break;
		take = min_t(size_t, keys->prf_len, keys->enc_len - done);
		memcpy(keys->enc_key + done, k, take);
		done += take;
		iov.p = k;
		iov.len = keys->prf_len;
	}
	oak_hmac_wipe(&h);
	oak_wipe(k, sizeof(k));
	return err;
}

/* SKEYID_d, _a, _e in turn; each but the first starts with the one before. */
static int v1_skeyid_dae(struct oak_v1_keys *keys, const u8 *gxy, size_t gxy_len,
			 const u8 *cky_i, const u8 *cky_r)
{
	static const u8 consts[3] = { 0, 1, 2 };
	u8 *outs[3] = { keys->skeyid_d, keys->skeyid_a, keys->skeyid_e };
	struct oak_iov iov[5];
	struct oak_hmac h;
	unsigned int i;
	int err;

	err = v1_hmac_init(&h, keys->hash, keys->skeyid, keys->prf_len);
	if (err)
		return err;
	iov[1] = (struct oak_iov){ gxy, gxy_len };
	iov[2] = (struct oak_iov){ cky_i, V1_COOKIE_LEN };
	iov[3] = (struct oak_iov){ cky_r, V1_COOKIE_LEN };
	for (i = 0; i < ARRAY_SIZE(outs) && !err; i++) {
		iov[0] = (struct oak_iov){ i ? outs[i - 1] : NULL, i ? keys->prf_len : 0 };
		iov[4] = (struct oak_iov){ &consts[i], 1 };
		err = oak_hmac_digest(&h, iov, ARRAY_SIZE(iov), outs[i]);
	}
	oak_hmac_wipe(&h);
	return err;
}

int oak_v1_derive(struct oak_v1_keys *keys, const u8 *gxy, size_t gxy_len,
		  const u8 *cky_i, const u8 *cky_r)
{
	int err;

	keys->prf_len = oak_v1_hash_len(keys->hash);
	if (!keys->prf_len || !keys->enc_len || keys->enc_len > OAK_V1_MAX_ENC_KEY)
		return -EINVAL;
	err = v1_skeyid_dae(keys, gxy, gxy_len, cky_i, cky_r);
	if (err)
		goto err_wipe;
	if (keys->enc_len <= keys->prf_len) {
		memcpy(keys->enc_key, keys->skeyid_e, keys->enc_len);
		return 0;
	}
	err = v1_expand_enc(keys);
	if (!err)
		return 0;
err_wipe:
	memzero_explicit(keys->skeyid_d, sizeof(keys->skeyid_d));
	memzero_explicit(keys->skeyid_a, sizeof(keys->skeyid_a));
	memzero_explicit(keys->skeyid_e, sizeof(keys->skeyid_e));
	memzero_explicit(keys->enc_key, sizeof(keys->enc_key));
	return err;
}

void oak_v1_keys_wipe(struct oak_v1_keys *keys)
{
	oak_wipe(keys, sizeof(*keys));
}

/* prf(SKEYID, g^x(self) | g^x(peer) | CKY-self | CKY-peer | SAi_b | ID_b) */
static int v1_hash_auth(u16 hash, const u8 *skeyid, size_t skeyid_len,
			const struct oak_v1_auth_in *in, bool responder, u8 *out)
{
	struct oak_iov iov[6] = {
		{ in->gxi, in->gxi_len }, { in->gxr, in->gxr_len },
		{ in->cky_i, V1_COOKIE_LEN }, { in->cky_r, V1_COOKIE_LEN },
		{ in->sai_b, in->sai_len }, { in->id_b, in->id_len },
	};

	if (responder) {
		swap(iov[0], iov[1]);
		swap(iov[2], iov[3]);
	}
	return v1_prfv(hash, skeyid, skeyid_len, iov, ARRAY_SIZE(iov), out);
}

int oak_v1_hash_i(u16 hash, const u8 *skeyid, size_t skeyid_len,
		  const struct oak_v1_auth_in *in, u8 *out)
{
	return v1_hash_auth(hash, skeyid, skeyid_len, in, false, out);
}

int oak_v1_hash_r(u16 hash, const u8 *skeyid, size_t skeyid_len,
		  const struct oak_v1_auth_in *in, u8 *out)
{
	return v1_hash_auth(hash, skeyid, skeyid_len, in, true, out);
}

/* iv = the first block bytes of hash(iov[0] | iov[1]) */
static int v1_digest_iv(u16 hash, const struct oak_iov *iov, u8 *iv, size_t block)
{
	u8 md[OAK_HASH_MAX_DIGEST];
	int e = v1_hash(hash);
	int err;

	if (e < 0)
		return e;
	if ((block != 8 && block != 16) || block > oak_digest_len(e))
		return -EINVAL;
	err = oak_digest(e, iov, 2, md);
	if (!err)
		memcpy(iv, md, block);
	memzero_explicit(md, sizeof(md));
	return err;
}

int oak_v1_iv_phase1(u16 hash, const u8 *gxi, size_t gxi_len,
		     const u8 *gxr, size_t gxr_len, u8 *iv, size_t block)
{
	const struct oak_iov iov[2] = { { gxi, gxi_len }, { gxr, gxr_len } };

	return v1_digest_iv(hash, iov, iv, block);
}

int oak_v1_iv_phase2(u16 hash, const u8 *last_block, size_t block, u32 msgid, u8 *iv)
{
	u8 mid[4];
	const struct oak_iov iov[2] = { { last_block, block }, { mid, sizeof(mid) } };

	put_unaligned_be32(msgid, mid);
	return v1_digest_iv(hash, iov, iv, block);
}

int oak_v1_keymat(u16 hash, const u8 *skeyid_d, size_t skeyid_d_len,
		  const u8 *gqm, size_t gqm_len, u8 protocol, const u8 *spi,
		  const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
		  u8 *out, size_t out_len)
{
	unsigned int plen = oak_v1_hash_len(hash);
	u8 k[IKE_PRF_MAX_LEN];
	struct oak_iov iov[6] = {
		{ k, 0 }, { gqm, gqm ? gqm_len : 0 }, { &protocol, 1 },
		{ spi, V1_SPI_LEN }, { ni, ni_len }, { nr, nr_len },
	};
	struct oak_hmac h;
	size_t done = 0, take;
	int err;

	if (!plen || out_len > OAK_V1_KEYMAT_MAX)
		return -EINVAL;
	err = v1_hmac_init(&h, hash, skeyid_d, skeyid_d_len);
	while (!err && done < out_len) {
		err = oak_hmac_digest(&h, iov, ARRAY_SIZE(iov), k);
		if (err)
			break;
		take = min_t(size_t, plen, out_len - done);
		memcpy(out + done, k, take);
		done += take;
		iov[0].len = plen;	/* Kn starts with Kn-1 */
	}
	oak_hmac_wipe(&h);
	oak_wipe(k, sizeof(k));
	if (err)
		memzero_explicit(out, out_len);
	return err;
}

int oak_v1_hash_qm1(u16 hash, const u8 *skeyid_a, size_t skeyid_a_len, u32 msgid,
		    const u8 *rest, size_t rest_len, u8 *out)
{
	u8 mid[4];
	const struct oak_iov iov[] = { { mid, sizeof(mid) }, { rest, rest_len } };

	put_unaligned_be32(msgid, mid);
	return v1_prfv(hash, skeyid_a, skeyid_a_len, iov, ARRAY_SIZE(iov), out);
}

int oak_v1_hash_qm2(u16 hash, const u8 *skeyid_a, size_t skeyid_a_len, u32 msgid,
		    const u8 *ni, size_t ni_len, const u8 *rest, size_t rest_len, u8 *out)
{
	u8 mid[4];
	const struct oak_iov iov[] = {
		{ mid, sizeof(mid) }, { ni, ni_len }, { rest, rest_len },
	};

	put_unaligned_be32(msgid, mid);
	return v1_prfv(hash, skeyid_a, skeyid_a_len, iov, ARRAY_SIZE(iov), out);
}

int oak_v1_hash_qm3(u16 hash, const u8 *skeyid_a, size_t skeyid_a_len, u32 msgid,
		    const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len, u8 *out)
{
	static const u8 zero;
	u8 mid[4];
	const struct oak_iov iov[] = {
		{ &zero, 1 }, { mid, sizeof(mid) }, { ni, ni_len }, { nr, nr_len },
	};

	put_unaligned_be32(msgid, mid);
	return v1_prfv(hash, skeyid_a, skeyid_a_len, iov, ARRAY_SIZE(iov), out);
}

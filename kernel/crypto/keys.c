// SPDX-License-Identifier: GPL-2.0
/*
 * IKE SA keys (RFC 7296 §2.14, §2.18), Child SA keying material (§2.17) and
 * AUTH with a pre-shared key (§2.15).
 */
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/* Fills in the lengths from the transforms the caller chose. */
static int oak_ike_keys_lengths(struct oak_ike_keys *keys)
{
	keys->prf_len = oak_prf_len(keys->prf);
	keys->ek_len = oak_encr_key_len(keys->encr, keys->encr_keylen);
	if (oak_encr_is_aead(keys->encr)) {
		if (keys->integ != IKE_INTEG_NONE)
			return -EINVAL;
		keys->ak_len = 0;
	} else {
		keys->ak_len = oak_integ_key_len(keys->integ);
		if (!keys->ak_len)
			return -EINVAL;
	}
	if (!keys->prf_len || !keys->ek_len)
		return -EINVAL;
	return 0;
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+ (SKEYSEED, Ni|Nr|SPIi|SPIr) */
static int oak_ike_expand(struct oak_ike_keys *keys, const u8 *skeyseed, size_t seed_len,
			  const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
			  const u8 *spi_i, const u8 *spi_r)
{
	const struct oak_iov seed[] = {
		{ ni, ni_len }, { nr, nr_len }, { spi_i, 8 }, { spi_r, 8 },
	};
	size_t total = 3 * keys->prf_len + 2 * keys->ak_len + 2 * keys->ek_len;
	u8 *km, *p;
	int err;

	km = kmalloc(total, GFP_KERNEL);
	if (!km)
		return -ENOMEM;
	err = oak_prf_plusv(keys->prf, skeyseed, seed_len, seed, ARRAY_SIZE(seed),
			    km, total);
	if (err)
		goto out;
	p = km;
	memcpy(keys->sk_d, p, keys->prf_len);
	p += keys->prf_len;
	memcpy(keys->sk_ai, p, keys->ak_len);
	p += keys->ak_len;
	memcpy(keys->sk_ar, p, keys->ak_len);
	p += keys->ak_len;
	memcpy(keys->sk_ei, p, keys->ek_len);
	p += keys->ek_len;
	memcpy(keys->sk_er, p, keys->ek_len);
	p += keys->ek_len;
	memcpy(keys->sk_pi, p, keys->prf_len);
	p += keys->prf_len;
	memcpy(keys->sk_pr, p, keys->prf_len);
out:
	oak_free_secret(km, total);
	return err;
}

/* Wipes only the key bytes: the caller's transform choice stays. */
static void oak_ike_keys_clear(struct oak_ike_keys *keys)
{
	memzero_explicit(keys->sk_d, sizeof(keys->sk_d));
	memzero_explicit(keys->sk_ai, sizeof(keys->sk_ai));
	memzero_explicit(keys->sk_ar, sizeof(keys->sk_ar));
	memzero_explicit(keys->sk_ei, sizeof(keys->sk_ei));
	memzero_explicit(keys->sk_er, sizeof(keys->sk_er));
	memzero_explicit(keys->sk_pi, sizeof(keys->sk_pi));
	memzero_explicit(keys->sk_pr, sizeof(keys->sk_pr));
}

int oak_ike_derive(struct oak_ike_keys *keys,
		   const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
		   const u8 *gir, size_t gir_len,
		   const u8 *spi_i, const u8 *spi_r)
{
	const struct oak_iov nonces[] = { { ni, ni_len }, { nr, nr_len } };
	u8 skeyseed[IKE_PRF_MAX_LEN];
	u8 *nkey;
	int err;

	err = oak_ike_keys_lengths(keys);
	if (err)
		return err;
	/* SKEYSEED = prf (Ni | Nr, g^ir): the key is the two nonces together. */
	nkey = kmalloc(ni_len + nr_len, GFP_KERNEL);
	if (!nkey)
		return -ENOMEM;
	memcpy(nkey, nonces[0].p, ni_len);
	memcpy(nkey + ni_len, nonces[1].p, nr_len);
	err = oak_prf(keys->prf, nkey, ni_len + nr_len, gir, gir_len, skeyseed);
	oak_free_secret(nkey, ni_len + nr_len);
	if (!err)
		err = oak_ike_expand(keys, skeyseed, keys->prf_len, ni, ni_len, nr, nr_len,
				     spi_i, spi_r);
	oak_wipe(skeyseed, sizeof(skeyseed));
	if (err)
		oak_ike_keys_clear(keys);
	return err;
}

int oak_ike_derive_rekey(struct oak_ike_keys *keys, u16 old_prf,
			 const u8 *old_sk_d, size_t old_sk_d_len,
			 const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
			 const u8 *gir, size_t gir_len,
			 const u8 *spi_i, const u8 *spi_r)
{
	const struct oak_iov data[] = { { gir, gir_len }, { ni, ni_len }, { nr, nr_len } };
	u8 skeyseed[IKE_PRF_MAX_LEN];
	int err;

	err = oak_ike_keys_lengths(keys);
	if (err)
		return err;
	/*
	 * §2.18: the old SA's PRF makes SKEYSEED (the exchange belongs to the
	 * old SA); the new SA's PRF expands it.  The expansion keys prf+ with
	 * SKEYSEED of the old PRF's length.
	 */
	if (!oak_prf_supported(old_prf))
		return -EINVAL;
	err = oak_prfv(old_prf, old_sk_d, old_sk_d_len, data, ARRAY_SIZE(data), skeyseed);
	if (!err)
		err = oak_ike_expand(keys, skeyseed, oak_prf_len(old_prf),
				     ni, ni_len, nr, nr_len, spi_i, spi_r);
	oak_wipe(skeyseed, sizeof(skeyseed));
	if (err)
		oak_ike_keys_clear(keys);
	return err;
}

void oak_ike_keys_wipe(struct oak_ike_keys *keys)
{
	oak_wipe(keys, sizeof(*keys));
}

int oak_child_keymat(u16 prf, const u8 *sk_d, size_t sk_d_len,
		     const u8 *gir, size_t gir_len,
		     const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
		     u8 *out, size_t out_len)
{
	const struct oak_iov seed[] = {
		{ gir, gir ? gir_len : 0 }, { ni, ni_len }, { nr, nr_len },
	};

	return oak_prf_plusv(prf, sk_d, sk_d_len, seed, ARRAY_SIZE(seed), out, out_len);
}

int oak_auth_psk(u16 prf, const u8 *psk, size_t psk_len,
		 const u8 *msg, size_t msg_len,
		 const u8 *nonce, size_t nonce_len,
		 const u8 *sk_p, size_t sk_p_len,
		 const u8 *id_body, size_t id_body_len, u8 *out)
{
	static const char key_pad[] = "Key Pad for IKEv2";
	u8 padded[IKE_PRF_MAX_LEN], maced_id[IKE_PRF_MAX_LEN];
	unsigned int plen = oak_prf_len(prf);
	struct oak_iov octets[3];
	int err;

	if (!plen)
		return -EINVAL;
	/* MACedIDFor{I,R} = prf (SK_p{i,r}, IDType | RESERVED | {Init,Resp}IDData) */
	err = oak_prf(prf, sk_p, sk_p_len, id_body, id_body_len, maced_id);
	if (err)
		goto out;
	/* prf (Shared Secret, "Key Pad for IKEv2"): 17 octets, no NUL */
	err = oak_prf(prf, psk, psk_len, key_pad, sizeof(key_pad) - 1, padded);
	if (err)
		goto out;
	/* AUTH = prf (that, RealMessage | Nonce{R,I}Data | MACedIDFor{I,R}) */
	octets[0].p = msg;
	octets[0].len = msg_len;
	octets[1].p = nonce;
	octets[1].len = nonce_len;
	octets[2].p = maced_id;
	octets[2].len = plen;
	err = oak_prfv(prf, padded, plen, octets, ARRAY_SIZE(octets), out);
out:
	oak_wipe(padded, sizeof(padded));
	oak_wipe(maced_id, sizeof(maced_id));
	return err;
}

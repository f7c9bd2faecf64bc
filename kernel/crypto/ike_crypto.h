/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley's crypto glue: the only code that calls crypto_alloc_*() or the
 * curve25519 library.  Everything else gets IKE-shaped operations here,
 * keyed by IANA transform IDs (RFC 7296 §3.3.2).
 *
 * All functions may sleep (process context only: the IKE workqueue).
 * Every buffer that held a secret is wiped before it is freed.
 */
#ifndef OAKLEY_CRYPTO_IKE_CRYPTO_H
#define OAKLEY_CRYPTO_IKE_CRYPTO_H

#include <linux/types.h>

#include "../iana.h"

#define IKE_PRF_MAX_LEN		64	/* SHA-512 */
#define IKE_INTEG_MAX_KEY	64
#define IKE_ENCR_MAX_KEY	36	/* 32-byte key + 4-byte salt */
#define IKE_DH_MAX_PUB		512	/* MODP 4096 */
#define IKE_DH_MAX_SHARED	512

/* Module-wide setup: allocates the shared hash transforms. */
int oak_crypto_init(void);
void oak_crypto_exit(void);

/* ---- algorithm facts ---- */
bool oak_encr_supported(u16 encr, u16 keylen_bits);
bool oak_encr_is_aead(u16 encr);
bool oak_prf_supported(u16 prf);
bool oak_integ_supported(u16 integ);
bool oak_dh_supported(u16 group);
/* Output length of the PRF in bytes (also the length of SK_d, SK_pi, SK_pr). */
unsigned int oak_prf_len(u16 prf);
/* Key bytes the IKE SA needs: SK_e includes the AEAD salt (4) where one exists. */
unsigned int oak_encr_key_len(u16 encr, u16 keylen_bits);
unsigned int oak_integ_key_len(u16 integ);
/* Length of a KE payload's key exchange data for the group. */
unsigned int oak_dh_pub_len(u16 group);

/*
 * ---- preloading ----
 * Make sure what an IKE SA with this transform uses exists: loads its
 * modules and instantiates its templates (with their self-tests), which can
 * take seconds on a cold system.  For a configuration load, outside every
 * engine lock, so that no handshake waits for it.  Each algorithm is tried
 * once; later calls return at once (0, or -EOPNOTSUPP for an unknown ID).
 * PRF and integrity need nothing: oak_crypto_init() instantiated hmac(sha*).
 */
int oak_encr_warm(u16 encr, u16 keylen_bits);
int oak_dh_warm(u16 group);

/* ---- Diffie-Hellman ---- */
struct oak_dh;

/* Generates a fresh private value and the public value.  NULL on failure. */
struct oak_dh *oak_dh_new(u16 group);
/*
 * The same with a given private value, for known-answer tests: MODP the
 * exponent (big-endian, 1..oak_dh_pub_len() bytes), ECP the scalar
 * (big-endian, exactly half of oak_dh_pub_len()), Curve25519 the 32-byte
 * scalar.  priv NULL generates one as oak_dh_new() does.
 */
struct oak_dh *oak_dh_new_priv(u16 group, const u8 *priv, size_t priv_len);
u16 oak_dh_group(const struct oak_dh *dh);
/* The public value to send in KE (oak_dh_pub_len(group) bytes). */
const u8 *oak_dh_public(const struct oak_dh *dh);
/*
 * g^ir from the peer's public value.  Rejects a value of the wrong length,
 * a point not on the curve, 0, 1, p-1 and an all-zero X25519 result with
 * -EINVAL.  *shared_len is set to the length of the secret written to
 * shared (at most IKE_DH_MAX_SHARED bytes).
 */
int oak_dh_compute(struct oak_dh *dh, const u8 *peer, size_t peer_len,
		   u8 *shared, size_t *shared_len);
/* Wipes and frees; NULL is fine. */
void oak_dh_free(struct oak_dh *dh);

/* ---- PRF ---- */
int oak_prf(u16 prf, const u8 *key, size_t key_len,
	    const u8 *data, size_t data_len, u8 *out);
/* Same, with the data given as a list of pieces that are concatenated. */
struct oak_iov {
	const void *p;
	size_t len;
};

int oak_prfv(u16 prf, const u8 *key, size_t key_len,
	     const struct oak_iov *iov, unsigned int n, u8 *out);
/* SHA-1 over @n pieces, for NAT detection (RFC 7296 §2.23): a shared transform. */
int oak_sha1(const struct oak_iov *iov, unsigned int n, u8 *out);
/* prf+ (RFC 7296 §2.13): out_len bytes of T1 | T2 | ...; at most 255 blocks. */
int oak_prf_plus(u16 prf, const u8 *key, size_t key_len,
		 const u8 *seed, size_t seed_len, u8 *out, size_t out_len);

/* ---- IKE SA keys (RFC 7296 §2.14) ---- */
struct oak_ike_keys {
	u16 prf, encr, encr_keylen, integ;
	u8 prf_len, ek_len, ak_len;
	u8 sk_d[IKE_PRF_MAX_LEN];
	u8 sk_ai[IKE_INTEG_MAX_KEY], sk_ar[IKE_INTEG_MAX_KEY];
	u8 sk_ei[IKE_ENCR_MAX_KEY], sk_er[IKE_ENCR_MAX_KEY];
	u8 sk_pi[IKE_PRF_MAX_LEN], sk_pr[IKE_PRF_MAX_LEN];
};

/*
 * SKEYSEED = prf(Ni | Nr, g^ir), then the seven keys from
 * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).  keys->prf/encr/encr_keylen/integ
 * must be set by the caller; the lengths and keys are filled in.
 */
int oak_ike_derive(struct oak_ike_keys *keys,
		   const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
		   const u8 *gir, size_t gir_len,
		   const u8 *spi_i, const u8 *spi_r);
/*
 * Rekeyed IKE SA (§2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr),
 * old_prf being the old SA's PRF.
 */
int oak_ike_derive_rekey(struct oak_ike_keys *keys, u16 old_prf,
			 const u8 *old_sk_d, size_t old_sk_d_len,
			 const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
			 const u8 *gir, size_t gir_len,
			 const u8 *spi_i, const u8 *spi_r);
void oak_ike_keys_wipe(struct oak_ike_keys *keys);

/*
 * Child SA keying material (§2.17):
 * KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr); gir may be NULL.
 */
int oak_child_keymat(u16 prf, const u8 *sk_d, size_t sk_d_len,
		     const u8 *gir, size_t gir_len,
		     const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
		     u8 *out, size_t out_len);

/* ---- AUTH with a shared key (§2.15) ---- */
/*
 * AUTH = prf(prf(psk, "Key Pad for IKEv2"), msg | nonce | prf(sk_p, id_body))
 * msg: the signer's first message (IKE_SA_INIT request for the initiator,
 * response for the responder), exactly as sent; nonce: the peer's nonce;
 * sk_p: SK_pi or SK_pr of the signer; id_body: the signer's ID payload body
 * (type, 3 reserved bytes, data).  out receives oak_prf_len(prf) bytes.
 */
int oak_auth_psk(u16 prf, const u8 *psk, size_t psk_len,
		 const u8 *msg, size_t msg_len,
		 const u8 *nonce, size_t nonce_len,
		 const u8 *sk_p, size_t sk_p_len,
		 const u8 *id_body, size_t id_body_len, u8 *out);

/*
 * ---- SK payload protection (§3.14; AEAD per RFC 5282) ----
 * msg must be kmalloc()ed (the crypto API reads it through a scatterlist:
 * no stack or vmalloc memory).
 */
struct oak_sk;

/*
 * One direction's protection: ekey is SK_e (with salt for AEAD), akey SK_a
 * (ignored for AEAD).  NULL on failure.
 */
struct oak_sk *oak_sk_new(u16 encr, u16 keylen_bits, u16 integ,
			  const u8 *ekey, size_t ekey_len,
			  const u8 *akey, size_t akey_len);
void oak_sk_free(struct oak_sk *sk);
unsigned int oak_sk_iv_len(const struct oak_sk *sk);
unsigned int oak_sk_icv_len(const struct oak_sk *sk);
/* Worst-case bytes oak_sk_seal() appends after the plaintext (pad + pad length + ICV). */
unsigned int oak_sk_overhead(const struct oak_sk *sk);

/*
 * Seal in place.  msg holds a built message: IKE header at 0, the SK generic
 * header at sk_off, oak_sk_iv_len() bytes reserved for the IV, then the inner
 * payloads up to *msg_len.  Writes a fresh IV, appends padding + pad length,
 * encrypts, appends the ICV (computed over the whole message per §3.14 /
 * RFC 5282 with the IKE and SK headers as AAD), and patches the SK payload
 * length and the IKE header length.  cap is the size of msg.
 */
int oak_sk_seal(struct oak_sk *sk, u8 *msg, size_t cap, size_t sk_off, size_t *msg_len);
/*
 * Verify and decrypt in place.  msg/msg_len is a received message whose last
 * payload is SK at sk_off (as found by ike_parse_msg()).  On success *plain
 * and *plain_len describe the inner payloads (padding removed).  -EBADMSG on a
 * bad ICV, bad padding or a short payload.  Decryption is in place: after a
 * failure the bytes after the IV are undefined.
 */
int oak_sk_open(struct oak_sk *sk, u8 *msg, size_t msg_len, size_t sk_off,
		const u8 **plain, size_t *plain_len);

/*
 * ---- IKEv1 (RFC 2409 §5, Appendix B; ikev1_keys.c) ----
 * hash is the phase 1 Hash Algorithm attribute (IKEV1_HASH_SHA1,
 * _SHA2_256, _SHA2_384, _SHA2_512 of codec/isakmp_wire.h); the PRF is its
 * HMAC, as no PRF attribute is ever negotiated.  MD5 is refused (-EINVAL).
 * Every output is oak_v1_hash_len(hash) bytes unless said otherwise; the
 * payload bodies (_b) exclude the generic header; g^xy is the DH shared
 * secret as oak_dh_compute() gives it (left-padded to the group size).
 */
#define OAK_V1_MAX_ENC_KEY	32	/* AES-256; 3DES takes 24 */
#define OAK_V1_MAX_BLOCK	16	/* AES; 3DES has 8 */

/* Output length of the hash / PRF, 0 if not supported. */
unsigned int oak_v1_hash_len(u16 hash);

/* SKEYID = prf(pre-shared-key, Ni_b | Nr_b) */
int oak_v1_skeyid_psk(u16 hash, const u8 *psk, size_t psk_len,
		      const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len, u8 *skeyid);
/* SKEYID = prf(Ni_b | Nr_b, g^xy), for signatures */
int oak_v1_skeyid_sig(u16 hash, const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
		      const u8 *gxy, size_t gxy_len, u8 *skeyid);

struct oak_v1_keys {
	u16 hash;		/* set by the caller */
	u8 enc_len;		/* set by the caller: cipher key bytes (16..32) */
	u8 prf_len;
	u8 skeyid[IKE_PRF_MAX_LEN];
	u8 skeyid_d[IKE_PRF_MAX_LEN];
	u8 skeyid_a[IKE_PRF_MAX_LEN];
	u8 skeyid_e[IKE_PRF_MAX_LEN];
	u8 enc_key[OAK_V1_MAX_ENC_KEY];	/* enc_len bytes, Appendix B */
};

/*
 * From keys->skeyid (the caller copies it in, from one of the two above):
 *   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 * and the cipher key: the first enc_len bytes of SKEYID_e, or when SKEYID_e
 * is too short, of Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0) and
 * Kn = prf(SKEYID_e, Kn-1) (Appendix B).  Cookies are 8 bytes each.
 */
int oak_v1_derive(struct oak_v1_keys *keys, const u8 *gxy, size_t gxy_len,
		  const u8 *cky_i, const u8 *cky_r);
void oak_v1_keys_wipe(struct oak_v1_keys *keys);

/*
 * HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
 * Both take the values in the same order (initiator's first); sai_b is the
 * initiator's whole SA body, id_b the signer's ID body.
 */
struct oak_v1_auth_in {
	const u8 *gxi, *gxr;
	size_t gxi_len, gxr_len;
	const u8 *cky_i, *cky_r;
	const u8 *sai_b;
	size_t sai_len;
	const u8 *id_b;
	size_t id_len;
};

int oak_v1_hash_i(u16 hash, const u8 *skeyid, size_t skeyid_len,
		  const struct oak_v1_auth_in *in, u8 *out);
int oak_v1_hash_r(u16 hash, const u8 *skeyid, size_t skeyid_len,
		  const struct oak_v1_auth_in *in, u8 *out);

/*
 * Phase 1 IV = hash(g^xi | g^xr); phase 2 / Informational IV =
 * hash(last CBC block of phase 1 | M-ID); both truncated to block bytes
 * (8 or 16).  msgid as in the header (host order here, hashed big-endian).
 */
int oak_v1_iv_phase1(u16 hash, const u8 *gxi, size_t gxi_len,
		     const u8 *gxr, size_t gxr_len, u8 *iv, size_t block);
int oak_v1_iv_phase2(u16 hash, const u8 *last_block, size_t block, u32 msgid, u8 *iv);

/*
 * Quick Mode KEYMAT for one SA (RFC 2409 §5.5), out_len bytes of
 * K1 | K2 | ... with K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
 * and Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b);
 * gqm NULL without PFS.  spi: the 4 bytes of the SA being keyed (the
 * receiver's SPI), as on the wire.  At most OAK_V1_KEYMAT_MAX bytes.
 */
#define OAK_V1_KEYMAT_MAX	256
int oak_v1_keymat(u16 hash, const u8 *skeyid_d, size_t skeyid_d_len,
		  const u8 *gqm, size_t gqm_len, u8 protocol, const u8 *spi,
		  const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len,
		  u8 *out, size_t out_len);

/*
 * Quick Mode and Informational hashes (RFC 2409 §5.5, §5.7), msgid hashed
 * big-endian; rest is the message from the payload after HASH to the end
 * (generic headers included, no padding):
 *   HASH(1) = prf(SKEYID_a, M-ID | rest)   (also the Informational HASH)
 *   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest)
 *   HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
 */
int oak_v1_hash_qm1(u16 hash, const u8 *skeyid_a, size_t skeyid_a_len, u32 msgid,
		    const u8 *rest, size_t rest_len, u8 *out);
int oak_v1_hash_qm2(u16 hash, const u8 *skeyid_a, size_t skeyid_a_len, u32 msgid,
		    const u8 *ni, size_t ni_len, const u8 *rest, size_t rest_len, u8 *out);
int oak_v1_hash_qm3(u16 hash, const u8 *skeyid_a, size_t skeyid_a_len, u32 msgid,
		    const u8 *ni, size_t ni_len, const u8 *nr, size_t nr_len, u8 *out);

/* ---- random ---- */
void oak_random(void *buf, size_t len);

#if IS_ENABLED(CONFIG_OAKLEY_KUNIT_TEST)
/*
 * Test builds only.  Called with every buffer of the crypto glue that held
 * key material (DH private values and shared secrets, SKEYSEED, SK_*, prf+
 * output, the HMAC handle, the PSK pad, the SK state) after it was wiped, just
 * before it is freed or goes out of scope.  The hygiene KUnit suite sets it
 * and checks that every byte it is shown is zero.
 */
extern void (*oak_secret_free_hook)(const void *p, size_t len);
#endif

#endif /* OAKLEY_CRYPTO_IKE_CRYPTO_H */

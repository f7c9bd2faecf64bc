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

/* IANA IKEv2 transform IDs used by Oakley. */
#define IKE_ENCR_AES_CBC		12
#define IKE_ENCR_AES_GCM_16		20
#define IKE_ENCR_CHACHA20_POLY1305	28

#define IKE_PRF_HMAC_SHA2_256		5
#define IKE_PRF_HMAC_SHA2_384		6
#define IKE_PRF_HMAC_SHA2_512		7

#define IKE_INTEG_NONE			0
#define IKE_INTEG_HMAC_SHA2_256_128	12
#define IKE_INTEG_HMAC_SHA2_384_192	13
#define IKE_INTEG_HMAC_SHA2_512_256	14

#define IKE_DH_NONE			0
#define IKE_DH_MODP2048			14
#define IKE_DH_MODP3072			15
#define IKE_DH_MODP4096			16
#define IKE_DH_ECP256			19
#define IKE_DH_ECP384			20
#define IKE_DH_CURVE25519		31

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

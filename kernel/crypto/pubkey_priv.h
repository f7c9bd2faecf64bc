/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the files of the signature layer (pubkey.c, rsa.c, pss.c, ecdsa.c) only. */
#ifndef OAKLEY_CRYPTO_PUBKEY_PRIV_H
#define OAKLEY_CRYPTO_PUBKEY_PRIV_H

#include "pubkey.h"

/* "sha1", "sha256", ... for an enum x509_hash; NULL for none or unknown. */
const char *oak_sig_hash_name(u8 hash);

/* rsa.c: EMSA-PKCS1-v1_5 through pkcs1pad(rsa[,hash]); hash X509_HASH_NONE: no DigestInfo. */
int oak_rsa_pkcs1_verify(const struct x509_pubkey *key, u8 hash, const u8 *digest, size_t dlen,
			 const u8 *sig, size_t sig_len);
/* rsa.c: RSAVP1 (s^e mod n) into em, the modulus length bytes (kmalloc'd by the caller). */
int oak_rsa_public(const struct x509_pubkey *key, const u8 *sig, size_t sig_len, u8 *em);
/* rsa.c: the modulus length in bits (0 if the key is no usable RSA key). */
unsigned int oak_rsa_modulus_bits(const struct x509_pubkey *key);
/* rsa.c: our key's modulus length in bits (0 if its DER cannot be read). */
unsigned int oak_rsa_key_bits(const struct oak_rsa_key *key);
/* rsa.c: RSASP1 (m^d mod n) of em, the modulus length bytes, into sig. */
int oak_rsa_private(const struct oak_rsa_key *key, const u8 *em, size_t len, u8 *sig);

/* pss.c: RSASSA-PSS-VERIFY over the message digest mhash (alg->hash). */
int oak_rsa_pss_verify(const struct x509_pubkey *key, const struct x509_sig_alg *alg,
		       const u8 *mhash, size_t hlen, const u8 *sig, size_t sig_len);

/* ecdsa.c: r and s big-endian (leading zeros allowed), the digest of the message. */
int oak_ecdsa_verify(const struct x509_pubkey *key, const u8 *digest, size_t dlen,
		     const u8 *r, size_t rlen, const u8 *s, size_t slen);
/* ecdsa.c: the same with sig the DER SEQUENCE { r, s }. */
int oak_ecdsa_verify_der(const struct x509_pubkey *key, const u8 *digest, size_t dlen,
			 const u8 *sig, size_t sig_len);
/* ecdsa.c: the curve's coordinate size in bytes (32, 48), 0 if not P-256/P-384. */
unsigned int oak_ecdsa_curve_bytes(const struct x509_pubkey *key);

#endif /* OAKLEY_CRYPTO_PUBKEY_PRIV_H */

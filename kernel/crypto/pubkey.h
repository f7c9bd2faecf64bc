/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Public-key signatures for certificate authentication (issue #17): verify
 * RSA PKCS#1 v1.5, RSASSA-PSS and ECDSA P-256/P-384 with the public key of a
 * parsed certificate (codec/x509.h), and sign with our own RSA key.
 *
 * What runs where (Debian's 6.1 kernel, see Documentation/design/
 * certificates.md): PKCS#1 v1.5 through the kernel's pkcs1pad(rsa,...)
 * akcipher; RSASSA-PSS as our own EMSA-PSS decoding on the raw "rsa"
 * akcipher (6.1 has no psspad); ECDSA as our own verifier on the helpers
 * ecc.ko exports (Debian does not build crypto/ecdsa.c).  No ECDSA signing:
 * the kernel has none, and a signer needs a constant-time nonce and scalar
 * multiplication that ecc.ko does not promise.
 *
 * Every function may sleep (process context: the IKE workqueue).  Inputs may
 * live anywhere (stack, .rodata, the packet): what goes into a scatterlist
 * is copied to the heap first.  Return values: 0 for a good signature;
 * -EKEYREJECTED for a signature that does not verify; -EBADMSG for a
 * malformed signature or key; -EOPNOTSUPP for an algorithm, hash or key this
 * layer does not handle (or a key that does not fit the algorithm);
 * -ENOMEM; other errors of the crypto API.  Callers must treat anything but
 * 0 as "not verified".
 */
#ifndef OAKLEY_CRYPTO_PUBKEY_H
#define OAKLEY_CRYPTO_PUBKEY_H

#include <linux/types.h>

#include "../codec/x509_chain.h"

#define OAK_SIG_MAX_DIGEST	64	/* SHA-512 */
#define OAK_RSA_MAX_BYTES	512	/* 4096-bit modulus: the kernel's rsa limit */

/*
 * Verifies sig over data (data is hashed with alg->hash here) with key.
 * alg as parsed from a certificate, or built by the caller from an RFC 7427
 * AlgorithmIdentifier:
 * - X509_SIG_RSA_PKCS1: EMSA-PKCS1-v1_5 with the DigestInfo of alg->hash.
 *   With alg->hash == X509_HASH_NONE, data is not hashed and is compared
 *   with the padded block as it is, without DigestInfo (IKEv1's RSA
 *   signatures, RFC 2409 5.1): at most the key size - 11 bytes.
 * - X509_SIG_RSA_PSS: EMSA-PSS (RFC 8017 9.1.2) with alg->hash, MGF1 with
 *   alg->mgf_hash and exactly alg->salt_len bytes of salt, trailer 0xbc.
 * - X509_SIG_ECDSA: sig is the DER SEQUENCE { r, s } (X.509, RFC 7427).
 *   The digest is truncated to the curve's size if longer (FIPS 186-4 6.4).
 * RSA signatures must be exactly as long as the modulus.
 */
int oak_sig_verify(const struct x509_pubkey *key, const struct x509_sig_alg *alg,
		   const u8 *data, size_t len, const u8 *sig, size_t sig_len);

/*
 * ECDSA with the signature as r || s, each the curve's size (RFC 4754, the
 * IKEv2 auth methods 9 and 10): SHA-256 on P-256, SHA-384 on P-384, as the
 * RFC fixes them.
 */
int oak_ecdsa_verify_raw(const struct x509_pubkey *key, const u8 *data, size_t len,
			 const u8 *sig, size_t sig_len);

/*
 * An x509_verify_fn for x509_chain_verify(): oak_sig_verify() of sig over
 * tbs with the issuer's key.  ctx is unused (pass NULL).
 */
int oak_x509_verify(void *ctx, const struct x509_pubkey *issuer_key,
		    const struct x509_sig_alg *alg, const struct der_span *tbs,
		    const struct der_span *sig);

/* Our own RSA private key (PKCS#1 RSAPrivateKey DER, 2048-4096 bits). */
struct oak_rsa_key;

/* A copy of der, checked by the kernel's rsa; ERR_PTR on error. */
struct oak_rsa_key *oak_rsa_key_new(const u8 *der, size_t len);
/* Wipes and frees the key; NULL is fine. */
void oak_rsa_key_free(struct oak_rsa_key *key);
/* Modulus length in bytes: the length of every signature. */
unsigned int oak_rsa_key_size(const struct oak_rsa_key *key);
/* True if pub is the public half of key (same modulus and exponent). */
bool oak_rsa_key_matches(const struct oak_rsa_key *key, const struct x509_pubkey *pub);

/*
 * RSASSA-PKCS1-v1_5 signature of data into sig (cap bytes, at least
 * oak_rsa_key_size()): data hashed with hash (SHA-1/256/384/512) and
 * wrapped in its DigestInfo, or with X509_HASH_NONE signed as given without
 * DigestInfo (IKEv1).  Returns the signature length or a negative errno.
 */
int oak_rsa_sign(const struct oak_rsa_key *key, u8 hash, const u8 *data, size_t len,
		 u8 *sig, size_t cap);

/*
 * RSASSA-PSS signature of data (RFC 8017 8.1.1) into sig (cap bytes, at
 * least oak_rsa_key_size()): alg->type X509_SIG_RSA_PSS, hash alg->hash,
 * MGF1 with alg->mgf_hash, a random salt of alg->salt_len bytes.  Returns
 * the signature length or a negative errno.
 */
int oak_rsa_sign_pss(const struct oak_rsa_key *key, const struct x509_sig_alg *alg,
		     const u8 *data, size_t len, u8 *sig, size_t cap);

/* The digest of data with hash (enum x509_hash) into out; its length or -errno. */
int oak_sig_digest(u8 hash, const u8 *data, size_t len, u8 out[OAK_SIG_MAX_DIGEST]);

#endif /* OAKLEY_CRYPTO_PUBKEY_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Certificates, CRLs and private keys from PEM or DER files (issue #17):
 * what oak sends to the kernel is DER, and a private key always PKCS#1.
 * Each function returns 0, or -1 with a reason (no file name) in r.
 */
#ifndef OAK_PEM_H
#define OAK_PEM_H

#include <stddef.h>
#include <stdint.h>

#define OAK_MAX_CERTS	16	/* certificates per file or connection: the kernel's limit */

struct oak_blob {
	uint8_t *p;		/* malloc'ed */
	size_t len;
};

/* Every certificate of a PEM file in order, or the one of a DER file. */
int oak_pem_certs(const char *buf, size_t len, struct oak_blob *out, unsigned int max,
		  unsigned int *n, char *r, size_t rlen);
/* One CRL (PEM "X509 CRL" or DER). */
int oak_pem_crl(const char *buf, size_t len, struct oak_blob *out, char *r, size_t rlen);
/*
 * An unencrypted RSA private key, PKCS#1 or PKCS#8, PEM or DER, of 2048 to
 * 4096 bits, as PKCS#1 RSAPrivateKey DER (wiped by oak_blob_wipe()).  Other
 * key types are refused with a reason that says why.
 */
int oak_pem_rsa_key(const char *buf, size_t len, struct oak_blob *out, char *r, size_t rlen);

/* The value of a base64 digit (RFC 4648), -1 for any other character. */
int oak_b64val(int c);
void oak_blob_free(struct oak_blob *b);
/* free() after explicit_bzero(): for key material */
void oak_blob_wipe(struct oak_blob *b);
int oak_blob_dup(struct oak_blob *dst, const struct oak_blob *src);

#endif

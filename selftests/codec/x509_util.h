/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the X.509 tests and fuzz target: a libcrypto implementation
 * of the chain validation's signature callback, and file loading.
 */
#ifndef OAKLEY_SELFTEST_X509_UTIL_H
#define OAKLEY_SELFTEST_X509_UTIL_H

#include "x509_chain.h"

/* x509_verify_fn over OpenSSL: 0 if sig verifies, -1 otherwise. */
int x509_ossl_verify(void *ctx, const struct x509_pubkey *key,
		     const struct x509_sig_alg *alg, const struct der_span *tbs,
		     const struct der_span *sig);

/* Reads a whole file into a malloc'd buffer; NULL on error. */
u8 *x509_load(const char *path, size_t *len);

#endif /* OAKLEY_SELFTEST_X509_UTIL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The chain validation's signature callback on OpenSSL's libcrypto, so that
 * userspace tests verify real signatures over the spans the parser found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include "x509_util.h"

static const EVP_MD *x509_md(u8 hash)
{
	switch (hash) {
	case X509_HASH_SHA1:
		return EVP_sha1();
	case X509_HASH_SHA256:
		return EVP_sha256();
	case X509_HASH_SHA384:
		return EVP_sha384();
	case X509_HASH_SHA512:
		return EVP_sha512();
	}
	return NULL;
}

static int x509_set_pad(EVP_PKEY_CTX *pctx, const struct x509_sig_alg *alg)
{
	if (alg->type == X509_SIG_RSA_PKCS1)
		return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0 ? 0 : -1;
	if (alg->type != X509_SIG_RSA_PSS)
		return 0;
	if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, x509_md(alg->mgf_hash)) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, alg->salt_len) <= 0)
		return -1;
	return 0;
}

int x509_ossl_verify(void *ctx, const struct x509_pubkey *key,
		     const struct x509_sig_alg *alg, const struct der_span *tbs,
		     const struct der_span *sig)
{
	const unsigned char *p = key->spki.p;
	const EVP_MD *md = x509_md(alg->hash);
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *mctx;
	EVP_PKEY *pk;
	int ok = 0;

	(void)ctx;
	if (!md || alg->type == X509_SIG_UNKNOWN)
		return -1;
	if ((alg->type == X509_SIG_ECDSA) != (key->type == X509_KEY_EC))
		return -1;
	pk = d2i_PUBKEY(NULL, &p, key->spki.len);
	mctx = EVP_MD_CTX_new();
	if (pk && mctx && EVP_DigestVerifyInit(mctx, &pctx, md, NULL, pk) == 1 &&
	    !x509_set_pad(pctx, alg))
		ok = EVP_DigestVerify(mctx, sig->p, sig->len, tbs->p, tbs->len) == 1;
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_free(pk);
	return ok ? 0 : -1;
}

u8 *x509_load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n ? n : 1);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	fclose(f);
	return buf;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Certification path building and validation over parsed certificates
 * (RFC 5280 6.1, the parts IKE needs): pure logic, no allocation.  The
 * signature check is the caller's callback, so the same code runs in the
 * kernel (RSA/ECDSA through the crypto API) and in userspace tests.
 *
 * A path runs from the leaf through intermediates (typically the peer's
 * CERT payloads) to a trust anchor.  Each link needs: the issuer's subject
 * DN equal (raw DER) to the certificate's issuer DN; when both key
 * identifiers exist, the AKID keyIdentifier equal to the issuer's SKID;
 * the issuer a CA (basicConstraints cA), its keyUsage (if present) with
 * keyCertSign, its pathLenConstraint not exceeded (by the non-self-issued
 * intermediates below it), the signature verified.
 * Every certificate, anchor included, must be valid at `now`.  A CRL whose
 * issuer DN is the issuer's subject must verify with the issuer's key (and
 * keyUsage cRLSign if present); a serial it lists is refused.  The anchors'
 * own signatures are not checked (they are trusted as configured), but an
 * anchor must be a CA like any issuer.
 *
 * Candidates are tried depth first with backtracking (anchors before
 * intermediates), the path is at most X509_CHAIN_MAX_DEPTH certificates
 * (leaf and anchor included) and at most X509_CHAIN_MAX_VERIFY signature
 * checks are spent, so a hostile set of CERT payloads bounds the work.
 */
#ifndef OAKLEY_CODEC_X509_CHAIN_H
#define OAKLEY_CODEC_X509_CHAIN_H

#include "x509.h"

#define X509_CHAIN_MAX_DEPTH	8
#define X509_CHAIN_MAX_VERIFY	32

enum x509_chain_reason {
	X509_CHAIN_OK,
	X509_CHAIN_NO_ISSUER,		/* no trusted path: unknown issuer / root */
	X509_CHAIN_EXPIRED,
	X509_CHAIN_NOT_YET_VALID,
	X509_CHAIN_NOT_CA,		/* an issuer without basicConstraints cA */
	X509_CHAIN_KEY_USAGE,		/* an issuer without keyCertSign */
	X509_CHAIN_PATH_LEN,		/* pathLenConstraint exceeded */
	X509_CHAIN_BAD_SIGNATURE,
	X509_CHAIN_REVOKED,
	X509_CHAIN_BAD_CRL,		/* a CRL of the issuer that does not verify */
	X509_CHAIN_TOO_DEEP,
	X509_CHAIN_TOO_MANY_CHECKS,
};

/*
 * Verifies sig (of algorithm alg) over tbs with the issuer's public key;
 * returns 0 if it is good, anything else if not.
 */
typedef int (*x509_verify_fn)(void *ctx, const struct x509_pubkey *issuer_key,
			      const struct x509_sig_alg *alg, const struct der_span *tbs,
			      const struct der_span *sig);

struct x509_chain_in {
	const struct x509_cert *const *inter;	/* untrusted intermediates */
	unsigned int ninter;
	const struct x509_cert *const *anchors;	/* trust anchors */
	unsigned int nanchors;
	const struct x509_crl *const *crls;
	unsigned int ncrls;
	s64 now;				/* seconds since the epoch */
	unsigned int max_depth;			/* 0: X509_CHAIN_MAX_DEPTH */
	x509_verify_fn verify;
	void *verify_ctx;
};

struct x509_chain_out {
	const struct x509_cert *path[X509_CHAIN_MAX_DEPTH]; /* leaf .. anchor */
	unsigned int len;
	u8 reason;				/* enum x509_chain_reason */
	const struct x509_cert *culprit;	/* the certificate reason is about */
	unsigned int nverify;			/* signature checks spent */
};

/* 0 and a path in out, or -EKEYREJECTED and out->reason. */
int x509_chain_verify(const struct x509_chain_in *in, const struct x509_cert *leaf,
		      struct x509_chain_out *out);
const char *x509_chain_reason_name(unsigned int reason);

#endif /* OAKLEY_CODEC_X509_CHAIN_H */

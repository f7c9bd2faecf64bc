/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the X.509 parser (x509.c, x509_crl.c): the pieces
 * certificates and CRLs share.
 */
#ifndef OAKLEY_CODEC_X509_PRIV_H
#define OAKLEY_CODEC_X509_PRIV_H

#include "x509.h"

/* One Extension, its extnValue opened. */
struct x509_ext {
	struct der_tlv oid;
	bool critical;
	struct der_span val;
};

int x509_parse_sig_alg(struct der_cursor *c, struct x509_sig_alg *a, struct der_span *raw);
int x509_parse_name(struct der_cursor *c, struct der_span *raw);
int x509_parse_time(struct der_cursor *c, s64 *t);
int x509_parse_spki(struct der_cursor *c, struct x509_pubkey *k);
int x509_parse_ext(struct der_cursor *c, struct x509_ext *e);
int x509_parse_akid(const struct der_span *val, struct der_span *keyid);
int x509_parse_signature(struct der_cursor *c, struct der_span *sig);

#endif /* OAKLEY_CODEC_X509_PRIV_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the input is parsed as a certificate and as a CRL.  Whatever
 * parses must point inside the input and be self-consistent: the identity
 * matchers find the certificate's own names, and chain validation runs with
 * the certificate as leaf, intermediate and anchor (with a callback that
 * accepts every signature, so the path logic is exercised) and, if the
 * input also parses as a CRL, that CRL.
 */
#include <stdio.h>
#include <stdlib.h>
#include "x509_chain.h"

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static const u8 *lo, *hi;

static void inside(const struct der_span *s)
{
	FUZZ_ASSERT(!s->len || (s->p >= lo && s->p + s->len <= hi && s->p + s->len >= s->p));
}

static int accept_all(void *ctx, const struct x509_pubkey *k, const struct x509_sig_alg *a,
		      const struct der_span *tbs, const struct der_span *sig)
{
	(void)ctx;
	(void)k;
	(void)a;
	inside(tbs);
	inside(sig);
	return 0;
}

static void check_cert(const struct x509_cert *c)
{
	unsigned int i;

	inside(&c->raw);
	inside(&c->tbs);
	inside(&c->serial);
	inside(&c->sig);
	inside(&c->issuer);
	inside(&c->subject);
	inside(&c->key.spki);
	inside(&c->key.n);
	inside(&c->key.e);
	inside(&c->key.point);
	inside(&c->skid);
	inside(&c->akid);
	FUZZ_ASSERT(c->version >= 1 && c->version <= 3 && c->nsan <= X509_MAX_SAN);
	FUZZ_ASSERT(c->path_len >= -1 && c->path_len <= X509_MAX_PATHLEN);
	FUZZ_ASSERT(x509_match_dn(c, c->subject.p, c->subject.len));
	for (i = 0; i < c->nsan; i++) {
		const struct x509_san *s = &c->san[i];

		inside(&s->v);
		if (s->type == X509_SAN_DNS)
			FUZZ_ASSERT(x509_match_fqdn(c, s->v.p, s->v.len));
		else if (s->type == X509_SAN_IP)
			FUZZ_ASSERT(x509_match_ip(c, s->v.p, s->v.len));
		else if (s->type == X509_SAN_EMAIL)
			x509_match_email(c, s->v.p, s->v.len);
	}
}

/* Every serial the CRL lists is found by x509_crl_revoked(). */
static void check_crl(const struct x509_crl *crl)
{
	struct der_cursor list, e;
	struct der_tlv t;
	u32 n = 0;

	inside(&crl->raw);
	inside(&crl->tbs);
	inside(&crl->issuer);
	inside(&crl->revoked);
	inside(&crl->akid);
	inside(&crl->sig);
	der_init(&list, crl->revoked.p, crl->revoked.len);
	while (!der_at_end(&list)) {
		FUZZ_ASSERT(!der_enter_seq(&list, &e, NULL) && !der_expect(&e, DER_INTEGER, &t));
		FUZZ_ASSERT(x509_crl_revoked(crl, &t.val));
		n++;
	}
	FUZZ_ASSERT(n == crl->nrevoked);
}

static void check_chain(const struct x509_cert *c, const struct x509_crl *crl)
{
	const struct x509_cert *set[1] = { c };
	const struct x509_crl *crls[1] = { crl };
	struct x509_chain_in in = {
		.inter = set, .ninter = 1, .anchors = set, .nanchors = 1,
		.crls = crls, .ncrls = crl ? 1 : 0,
		.now = c->not_before, .verify = accept_all,
	};
	struct x509_chain_out out;
	int rc = x509_chain_verify(&in, c, &out);

	FUZZ_ASSERT(rc == 0 || rc == -EKEYREJECTED);
	FUZZ_ASSERT(out.nverify <= X509_CHAIN_MAX_VERIFY);
	FUZZ_ASSERT(rc || (out.len >= 2 && out.len <= X509_CHAIN_MAX_DEPTH && !out.reason));
	FUZZ_ASSERT(!rc || out.reason);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct x509_cert c;
	static struct x509_crl crl;
	int rc, crc;

	lo = data;
	hi = data + size;
	rc = x509_parse(data, size, &c);
	FUZZ_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG || rc == -EOPNOTSUPP);
	crc = x509_crl_parse(data, size, &crl);
	FUZZ_ASSERT(crc == 0 || crc == -EBADMSG || crc == -E2BIG || crc == -EOPNOTSUPP);
	if (!crc)
		check_crl(&crl);
	if (rc)
		return 0;
	check_cert(&c);
	check_chain(&c, crc ? NULL : &crl);
	if (!crc)
		x509_crl_revoked(&crl, &c.serial);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * X.509 CRL parser (RFC 5280 5.1, 5.2, 5.3): see x509.h.  The revoked
 * entries are checked once when the CRL is parsed and looked up in place
 * by x509_crl_revoked(); nothing is copied or allocated.
 */
#include "x509.h"
#include "x509_priv.h"

static const u8 OID_AKID_CRL[] = { 0x55, 0x1d, 0x23 };
static const u8 OID_CRL_NUMBER[] = { 0x55, 0x1d, 0x14 };
static const u8 OID_CRL_REASON[] = { 0x55, 0x1d, 0x15 };
static const u8 OID_INVALIDITY[] = { 0x55, 0x1d, 0x18 };

static bool x509_is_time(const struct der_cursor *c)
{
	return der_peek(c) == DER_UTC_TIME || der_peek(c) == DER_GEN_TIME;
}

/*
 * Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, in *in.  The ones
 * known are only shape-checked (reasonCode, invalidityDate, cRLNumber) or
 * kept (AKID, if akid is not NULL); an unknown critical one (an indirect
 * CRL's certificateIssuer, a delta CRL indicator, an issuing distribution
 * point) refuses the CRL: it would change what the list means.
 */
static int x509_crl_exts(struct der_cursor *in, struct der_span *akid)
{
	struct x509_ext e;
	int rc;

	if (der_at_end(in))
		return -EBADMSG;
	while (!der_at_end(in)) {
		rc = x509_parse_ext(in, &e);
		if (rc)
			return rc;
		if (akid && der_oid_is(&e.oid, OID_AKID_CRL, sizeof(OID_AKID_CRL)))
			rc = x509_parse_akid(&e.val, akid);
		else if (!der_oid_is(&e.oid, OID_CRL_NUMBER, sizeof(OID_CRL_NUMBER)) &&
			 !der_oid_is(&e.oid, OID_CRL_REASON, sizeof(OID_CRL_REASON)) &&
			 !der_oid_is(&e.oid, OID_INVALIDITY, sizeof(OID_INVALIDITY)) &&
			 e.critical)
			rc = -EOPNOTSUPP;
		if (rc)
			return rc;
	}
	return 0;
}

/* SEQUENCE { userCertificate INTEGER, revocationDate Time, Extensions OPTIONAL } */
static int x509_crl_entry(struct der_cursor *c, bool v2, struct der_span *serial)
{
	struct der_cursor e, exts;
	struct der_tlv t;
	s64 when;
	int rc = der_enter_seq(c, &e, NULL);

	if (!rc)
		rc = der_next(&e, &t) ?: der_integer(&t, serial);
	if (!rc)
		rc = x509_parse_time(&e, &when);
	if (rc || der_at_end(&e))
		return rc;
	if (!v2)
		return -EBADMSG;
	rc = der_enter_seq(&e, &exts, NULL) ?: x509_crl_exts(&exts, NULL);
	if (rc)
		return rc;
	return der_at_end(&e) ? 0 : -EBADMSG;
}

static int x509_crl_list(struct der_cursor *c, bool v2, struct x509_crl *crl)
{
	struct der_cursor list;
	struct der_span serial;
	struct der_tlv t;
	bool present;
	int rc = der_optional(c, DER_SEQUENCE, &t, &present);

	if (rc || !present)
		return rc;
	der_enter(&t, &list);
	crl->revoked = t.val;
	/* The SEQUENCE OF is left out when empty (RFC 5280 5.1.2.6). */
	if (der_at_end(&list))
		return -EBADMSG;
	while (!der_at_end(&list)) {
		rc = x509_crl_entry(&list, v2, &serial);
		if (rc)
			return rc;
		crl->nrevoked++;
	}
	return 0;
}

/* version: absent (v1) or 1 (v2); returns whether it is v2. */
static int x509_crl_version(struct der_cursor *c, bool *v2)
{
	struct der_tlv t;
	bool present;
	u32 v = 0;
	int rc = der_optional(c, DER_INTEGER, &t, &present);

	if (!rc && present)
		rc = der_uint(&t, 1, &v);
	if (!rc && present && v != 1)
		rc = -EBADMSG;
	*v2 = v == 1;
	return rc == -E2BIG ? -EBADMSG : rc;
}

static int x509_crl_tail(struct der_cursor *c, bool v2, struct x509_crl *crl)
{
	struct der_cursor x, in;
	struct der_tlv t;
	bool present;
	int rc = x509_crl_list(c, v2, crl);

	if (!rc)
		rc = der_optional(c, DER_CTX_CONS(0), &t, &present);
	if (!rc && present) {
		if (!v2)
			return -EBADMSG;
		der_enter(&t, &x);
		rc = der_enter_seq(&x, &in, NULL) ?: x509_crl_exts(&in, &crl->akid);
		if (!rc && !der_at_end(&x))
			rc = -EBADMSG;
	}
	if (rc)
		return rc;
	return der_at_end(c) ? 0 : -EBADMSG;
}

static int x509_crl_tbs(struct der_cursor *c, struct x509_crl *crl,
			const struct der_span *outer_alg)
{
	struct x509_sig_alg inner;
	struct der_span alg;
	bool v2;
	int rc = x509_crl_version(c, &v2);

	if (!rc)
		rc = x509_parse_sig_alg(c, &inner, &alg);
	if (!rc && !der_span_eq(&alg, outer_alg))
		rc = -EBADMSG;
	if (!rc)
		rc = x509_parse_name(c, &crl->issuer);
	if (!rc && crl->issuer.len <= 2)
		rc = -EBADMSG;
	if (!rc)
		rc = x509_parse_time(c, &crl->this_update);
	if (!rc && x509_is_time(c))
		rc = x509_parse_time(c, &crl->next_update);
	return rc ?: x509_crl_tail(c, v2, crl);
}

int x509_crl_parse(const u8 *buf, size_t len, struct x509_crl *crl)
{
	struct der_cursor top, list, tbs;
	struct der_span outer_alg;
	int rc;

	memset(crl, 0, sizeof(*crl));
	if (len > X509_MAX_CRL_LEN)
		return -E2BIG;
	der_init(&top, buf, len);
	rc = der_enter_seq(&top, &list, &crl->raw);
	if (!rc && !der_at_end(&top))
		rc = -EBADMSG;
	if (!rc)
		rc = der_enter_seq(&list, &tbs, &crl->tbs);
	if (!rc)
		rc = x509_parse_sig_alg(&list, &crl->sig_alg, &outer_alg);
	if (!rc)
		rc = x509_parse_signature(&list, &crl->sig);
	if (!rc && !der_at_end(&list))
		rc = -EBADMSG;
	return rc ?: x509_crl_tbs(&tbs, crl, &outer_alg);
}

bool x509_crl_revoked(const struct x509_crl *crl, const struct der_span *serial)
{
	struct der_cursor list, e;
	struct der_tlv t;

	der_init(&list, crl->revoked.p, crl->revoked.len);
	while (!der_at_end(&list)) {
		/* Checked by x509_crl_parse(); a failure here ends the walk. */
		if (der_enter_seq(&list, &e, NULL) || der_expect(&e, DER_INTEGER, &t))
			return false;
		if (der_span_eq(&t.val, serial))
			return true;
	}
	return false;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * X.509 certificate parser (RFC 5280 4.1, 4.2): see x509.h.  The structure
 * is fixed, so the parser descends with one function per level and never
 * recurses; every element comes from der_next(), which bounds it by the
 * element around it.
 */
#include "x509.h"
#include "x509_priv.h"

/* Object identifiers (contents octets; RFC 3279, 4055, 5280, 5480, 5758). */
/* 1.3.14.3.2.26, 2.16.840.1.101.3.4.2.{1,2,3} */
static const u8 OID_SHA1[] = { 0x2b, 0x0e, 0x03, 0x02, 0x1a };
static const u8 OID_SHA256[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
static const u8 OID_SHA384[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02 };
static const u8 OID_SHA512[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03 };

/* 1.2.840.113549.1.1.{1,5,8,10,11,12,13} */
#define OID_PKCS1(n) { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, n }
static const u8 OID_RSA[] = OID_PKCS1(0x01);
static const u8 OID_SHA1_RSA[] = OID_PKCS1(0x05);
static const u8 OID_MGF1[] = OID_PKCS1(0x08);
static const u8 OID_RSA_PSS[] = OID_PKCS1(0x0a);
static const u8 OID_SHA256_RSA[] = OID_PKCS1(0x0b);
static const u8 OID_SHA384_RSA[] = OID_PKCS1(0x0c);
static const u8 OID_SHA512_RSA[] = OID_PKCS1(0x0d);

/* 1.2.840.10045.4.3.{2,3}, 1.2.840.10045.2.1, 1.2.840.10045.3.1.7, 1.3.132.0.34 */
static const u8 OID_ECDSA_SHA256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const u8 OID_ECDSA_SHA384[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 };
static const u8 OID_EC_KEY[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const u8 OID_P256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const u8 OID_P384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };

/* Extensions: 2.5.29.n */
static const u8 OID_SKID[] = { 0x55, 0x1d, 0x0e };
static const u8 OID_KU[] = { 0x55, 0x1d, 0x0f };
static const u8 OID_SAN[] = { 0x55, 0x1d, 0x11 };
static const u8 OID_BC[] = { 0x55, 0x1d, 0x13 };
static const u8 OID_AKID[] = { 0x55, 0x1d, 0x23 };
static const u8 OID_EKU[] = { 0x55, 0x1d, 0x25 };

/* extendedKeyUsage: 2.5.29.37.0, 1.3.6.1.5.5.7.3.{1,2,17} */
static const u8 OID_EKU_ANY[] = { 0x55, 0x1d, 0x25, 0x00 };
static const u8 OID_EKU_SERVER[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const u8 OID_EKU_CLIENT[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };
static const u8 OID_EKU_IKE[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x11 };

/* ---- algorithm identifiers ---- */

struct x509_oid_map {
	const u8 *oid;
	u8 len;
	u8 a;
	u8 b;
};

#define OID_MAP(o, x, y) { o, sizeof(o), x, y }

static const struct x509_oid_map x509_hashes[] = {
	OID_MAP(OID_SHA1, X509_HASH_SHA1, 0),
	OID_MAP(OID_SHA256, X509_HASH_SHA256, 0),
	OID_MAP(OID_SHA384, X509_HASH_SHA384, 0),
	OID_MAP(OID_SHA512, X509_HASH_SHA512, 0),
};

static const struct x509_oid_map x509_sigs[] = {
	OID_MAP(OID_SHA1_RSA, X509_SIG_RSA_PKCS1, X509_HASH_SHA1),
	OID_MAP(OID_SHA256_RSA, X509_SIG_RSA_PKCS1, X509_HASH_SHA256),
	OID_MAP(OID_SHA384_RSA, X509_SIG_RSA_PKCS1, X509_HASH_SHA384),
	OID_MAP(OID_SHA512_RSA, X509_SIG_RSA_PKCS1, X509_HASH_SHA512),
	OID_MAP(OID_ECDSA_SHA256, X509_SIG_ECDSA, X509_HASH_SHA256),
	OID_MAP(OID_ECDSA_SHA384, X509_SIG_ECDSA, X509_HASH_SHA384),
	OID_MAP(OID_RSA_PSS, X509_SIG_RSA_PSS, 0),
};

static const struct x509_oid_map *x509_lookup(const struct x509_oid_map *m,
					      size_t n, const struct der_tlv *oid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (der_oid_is(oid, m[i].oid, m[i].len))
			return &m[i];
	return NULL;
}

/* AlgorithmIdentifier: opens it, reads the OID; *params gets the rest. */
static int x509_algid(struct der_cursor *c, struct der_tlv *oid,
		      struct der_cursor *params, struct der_span *raw)
{
	int rc = der_enter_seq(c, params, raw);

	if (rc)
		return rc;
	rc = der_next(params, oid);
	return rc ? rc : der_oid(oid);
}

/* Parameters that must be absent or NULL, and nothing after them. */
static int x509_null_params(struct der_cursor *params)
{
	struct der_tlv t;
	int rc;

	if (der_at_end(params))
		return 0;
	rc = der_next(params, &t);
	if (rc)
		return rc;
	rc = der_null(&t);
	if (rc)
		return rc;
	return der_at_end(params) ? 0 : -EBADMSG;
}

/* A hash AlgorithmIdentifier (PSS parameters); unknown hashes give NONE. */
static int x509_hash_alg(struct der_cursor *c, u8 *hash)
{
	const struct x509_oid_map *m;
	struct der_cursor params;
	struct der_tlv oid;
	int rc = x509_algid(c, &oid, &params, NULL);

	if (rc)
		return rc;
	m = x509_lookup(x509_hashes, ARRAY_SIZE(x509_hashes), &oid);
	*hash = m ? m->a : X509_HASH_NONE;
	return x509_null_params(&params);
}

/* Opens the [n] EXPLICIT element of a PSS parameter sequence if present. */
static int x509_pss_field(struct der_cursor *c, u8 n, struct der_cursor *in, bool *present)
{
	struct der_tlv t;
	int rc = der_optional(c, DER_CTX_CONS(n), &t, present);

	if (!rc && *present)
		der_enter(&t, in);
	return rc;
}

/* MaskGenAlgorithm: MGF1 with a hash; another MGF leaves mgf_hash NONE. */
static int x509_pss_mgf(struct der_cursor *in, struct x509_sig_alg *a)
{
	struct der_cursor params;
	struct der_tlv oid;
	int rc = x509_algid(in, &oid, &params, NULL);

	if (rc)
		return rc;
	if (!der_oid_is(&oid, OID_MGF1, sizeof(OID_MGF1))) {
		a->mgf_hash = X509_HASH_NONE;
		return 0;
	}
	rc = x509_hash_alg(&params, &a->mgf_hash);
	if (rc)
		return rc;
	return der_at_end(&params) ? 0 : -EBADMSG;
}

static int x509_pss_ints(struct der_cursor *c, struct x509_sig_alg *a)
{
	struct der_cursor in;
	struct der_tlv t;
	bool present;
	u32 v = 0;
	int rc = x509_pss_field(c, 2, &in, &present);

	if (!rc && present) {
		rc = der_next(&in, &t) ?: der_uint(&t, X509_MAX_PSS_SALT, &v);
		if (!rc && !der_at_end(&in))
			rc = -EBADMSG;
		if (!rc)
			a->salt_len = v;
	}
	if (!rc)
		rc = x509_pss_field(c, 3, &in, &present);
	if (!rc && present) {
		/* trailerField: only 1 (0xbc) exists. */
		rc = der_next(&in, &t) ?: der_uint(&t, 1, &v);
		if (!rc && (v != 1 || !der_at_end(&in)))
			rc = -EBADMSG;
	}
	return rc;
}

/* RSASSA-PSS-params (RFC 4055 3.1); absent fields take their defaults. */
static int x509_pss_params(struct der_cursor *params, struct x509_sig_alg *a)
{
	struct der_cursor c, in;
	bool present;
	int rc;

	a->hash = X509_HASH_SHA1;
	a->mgf_hash = X509_HASH_SHA1;
	a->salt_len = 20;
	rc = der_enter_seq(params, &c, NULL);
	if (rc || !der_at_end(params))
		return rc ?: -EBADMSG;
	rc = x509_pss_field(&c, 0, &in, &present);
	if (!rc && present)
		rc = x509_hash_alg(&in, &a->hash) ?: (der_at_end(&in) ? 0 : -EBADMSG);
	if (!rc)
		rc = x509_pss_field(&c, 1, &in, &present);
	if (!rc && present)
		rc = x509_pss_mgf(&in, a) ?: (der_at_end(&in) ? 0 : -EBADMSG);
	if (!rc)
		rc = x509_pss_ints(&c, a);
	if (rc)
		return rc;
	if (!der_at_end(&c))
		return -EBADMSG;
	if (a->hash == X509_HASH_NONE || a->mgf_hash == X509_HASH_NONE)
		a->type = X509_SIG_UNKNOWN;
	return 0;
}

/* Skips the parameters of an algorithm we do not know: at most one element. */
static int x509_any_params(struct der_cursor *params)
{
	struct der_tlv t;
	int rc;

	if (der_at_end(params))
		return 0;
	rc = der_next(params, &t);
	if (rc)
		return rc;
	return der_at_end(params) ? 0 : -EBADMSG;
}

int x509_parse_sig_alg(struct der_cursor *c, struct x509_sig_alg *a, struct der_span *raw)
{
	const struct x509_oid_map *m;
	struct der_cursor params;
	struct der_tlv oid;
	int rc = x509_algid(c, &oid, &params, raw);

	if (rc)
		return rc;
	memset(a, 0, sizeof(*a));
	m = x509_lookup(x509_sigs, ARRAY_SIZE(x509_sigs), &oid);
	if (!m)
		return x509_any_params(&params);
	a->type = m->a;
	a->hash = m->b;
	if (a->type == X509_SIG_RSA_PSS)
		return x509_pss_params(&params, a);
	if (a->type == X509_SIG_ECDSA)	/* RFC 5758 3.2: no parameters */
		return der_at_end(&params) ? 0 : -EBADMSG;
	return x509_null_params(&params);
}

int x509_parse_algid(const u8 *buf, size_t len, struct x509_sig_alg *a)
{
	struct der_cursor c;
	struct der_span raw;
	int rc;

	der_init(&c, buf, len);
	rc = x509_parse_sig_alg(&c, a, &raw);
	if (!rc && !der_at_end(&c))
		rc = -EBADMSG;	/* trailing bytes */
	return rc;
}

/* ---- names, times ---- */

/* One RelativeDistinguishedName: a non-empty SET of {type, value}. */
static int x509_rdn(const struct der_tlv *set)
{
	struct der_cursor c, atv;
	struct der_tlv oid, val;
	int rc;

	if (set->tag != DER_SET || set->val.len == 0)
		return -EBADMSG;
	der_enter(set, &c);
	while (!der_at_end(&c)) {
		rc = der_enter_seq(&c, &atv, NULL);
		if (!rc)
			rc = der_next(&atv, &oid) ?: der_oid(&oid);
		if (!rc)
			rc = der_next(&atv, &val);
		if (rc)
			return rc;
		if (!der_at_end(&atv))
			return -EBADMSG;
	}
	return 0;
}

/* A Name: kept as raw DER (matching is by bytes), checked for shape. */
int x509_parse_name(struct der_cursor *c, struct der_span *raw)
{
	struct der_cursor rdns;
	struct der_tlv set;
	int rc = der_enter_seq(c, &rdns, raw);

	while (!rc && !der_at_end(&rdns)) {
		rc = der_next(&rdns, &set);
		if (!rc)
			rc = x509_rdn(&set);
	}
	return rc;
}

int x509_parse_time(struct der_cursor *c, s64 *t)
{
	struct der_tlv tlv;
	int rc = der_next(c, &tlv);

	return rc ? rc : der_time(&tlv, t);
}

static int x509_validity(struct der_cursor *c, struct x509_cert *cert)
{
	struct der_cursor v;
	int rc = der_enter_seq(c, &v, NULL);

	if (!rc)
		rc = x509_parse_time(&v, &cert->not_before);
	if (!rc)
		rc = x509_parse_time(&v, &cert->not_after);
	if (!rc && !der_at_end(&v))
		rc = -EBADMSG;
	return rc;
}

/* ---- subject public key ---- */

/* A positive INTEGER without its leading zero byte. */
static int x509_positive(struct der_cursor *c, struct der_span *v)
{
	struct der_tlv t;
	int rc = der_next(c, &t) ?: der_integer(&t, v);

	if (rc)
		return rc;
	if (v->p[0] & 0x80)
		return -EBADMSG;
	if (v->p[0] == 0 && v->len > 1) {
		v->p++;
		v->len--;
	}
	return v->p[0] ? 0 : -EBADMSG;
}

/* RSAPublicKey ::= SEQUENCE { modulus, publicExponent } (RFC 8017 A.1.1). */
static int x509_rsa_key(const struct der_span *bits, struct x509_pubkey *k)
{
	struct der_cursor c, seq;
	int rc;

	der_init(&c, bits->p, bits->len);
	rc = der_enter_seq(&c, &seq, NULL);
	if (!rc)
		rc = x509_positive(&seq, &k->n);
	if (!rc)
		rc = x509_positive(&seq, &k->e);
	if (!rc && (!der_at_end(&seq) || !der_at_end(&c)))
		rc = -EBADMSG;
	if (!rc)
		k->type = X509_KEY_RSA;
	return rc;
}

static int x509_ec_key(struct der_cursor *params, const struct der_span *bits,
		       struct x509_pubkey *k)
{
	struct der_tlv oid;
	size_t coord;
	int rc = der_next(params, &oid) ?: der_oid(&oid);

	if (rc)
		return rc;
	if (!der_at_end(params))
		return -EBADMSG;
	k->curve_oid = oid.val;
	if (der_oid_is(&oid, OID_P256, sizeof(OID_P256))) {
		k->curve = X509_CURVE_P256;
		coord = 32;
	} else if (der_oid_is(&oid, OID_P384, sizeof(OID_P384))) {
		k->curve = X509_CURVE_P384;
		coord = 48;
	} else {
		return 0;	/* another curve: X509_KEY_UNKNOWN */
	}
	/* Only the uncompressed form (SEC 1 2.3.3), of the curve's size. */
	if (bits->len != 1 + 2 * coord || bits->p[0] != 0x04)
		return -EBADMSG;
	k->point = *bits;
	k->type = X509_KEY_EC;
	return 0;
}

static int x509_key_by_alg(const struct der_tlv *oid, struct der_cursor *params,
			   const struct der_span *bits, struct x509_pubkey *k)
{
	struct x509_sig_alg pss;
	int rc;

	if (der_oid_is(oid, OID_RSA, sizeof(OID_RSA)))
		return x509_null_params(params) ?: x509_rsa_key(bits, k);
	if (der_oid_is(oid, OID_RSA_PSS, sizeof(OID_RSA_PSS))) {
		/* RFC 4055 3.1: parameters absent, or restrictions we note only. */
		rc = der_at_end(params) ? 0 : x509_pss_params(params, &pss);
		k->pss_only = true;
		return rc ?: x509_rsa_key(bits, k);
	}
	if (der_oid_is(oid, OID_EC_KEY, sizeof(OID_EC_KEY)))
		return x509_ec_key(params, bits, k);
	return x509_any_params(params);
}

int x509_parse_spki(struct der_cursor *c, struct x509_pubkey *k)
{
	struct der_cursor spki, params;
	struct der_tlv oid, bs;
	struct der_span bits;
	u8 unused;
	int rc = der_enter_seq(c, &spki, &k->spki);

	if (!rc)
		rc = x509_algid(&spki, &oid, &params, NULL);
	if (!rc)
		rc = der_next(&spki, &bs) ?: der_bit_string(&bs, &bits, &unused);
	if (rc)
		return rc;
	if (unused || !der_at_end(&spki))
		return -EBADMSG;
	return x509_key_by_alg(&oid, &params, &bits, k);
}

/* ---- extensions (RFC 5280 4.2.1) ---- */

/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue } */
int x509_parse_ext(struct der_cursor *c, struct x509_ext *e)
{
	struct der_cursor in;
	struct der_tlv t;
	bool present;
	int rc = der_enter_seq(c, &in, NULL);

	if (!rc)
		rc = der_next(&in, &e->oid) ?: der_oid(&e->oid);
	e->critical = false;
	if (!rc)
		rc = der_optional(&in, DER_BOOLEAN, &t, &present);
	if (!rc && present)
		rc = der_boolean(&t, &e->critical);
	if (!rc)
		rc = der_expect(&in, DER_OCTET_STRING, &t);
	if (rc)
		return rc;
	e->val = t.val;
	return der_at_end(&in) ? 0 : -EBADMSG;
}

/* Opens the single element an extnValue must hold. */
static int x509_ext_single(const struct der_span *val, u8 tag, struct der_cursor *in)
{
	struct der_cursor c;
	struct der_tlv t;
	int rc;

	der_init(&c, val->p, val->len);
	rc = der_expect(&c, tag, &t);
	if (rc)
		return rc;
	if (!der_at_end(&c))
		return -EBADMSG;
	der_enter(&t, in);
	return 0;
}

/* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen INTEGER OPTIONAL } */
static int x509_ext_bc(const struct der_span *val, struct x509_cert *c)
{
	struct der_cursor in;
	struct der_tlv t;
	bool present;
	u32 v = 0;
	int rc = x509_ext_single(val, DER_SEQUENCE, &in);

	if (!rc)
		rc = der_optional(&in, DER_BOOLEAN, &t, &present);
	if (!rc && present)
		rc = der_boolean(&t, &c->ca);
	if (!rc)
		rc = der_optional(&in, DER_INTEGER, &t, &present);
	if (!rc && present) {
		rc = der_uint(&t, 0xffffffffu, &v);
		c->path_len = v > X509_MAX_PATHLEN ? X509_MAX_PATHLEN : v;
	}
	if (rc)
		return rc;
	return der_at_end(&in) ? 0 : -EBADMSG;
}

/* KeyUsage ::= BIT STRING; bit n (first byte's MSB is 0) is (1 << n). */
static int x509_ext_ku(const struct der_span *val, struct x509_cert *c)
{
	struct der_cursor cur;
	struct der_span bits;
	struct der_tlv t;
	unsigned int i;
	u8 unused;
	int rc;

	der_init(&cur, val->p, val->len);
	rc = der_expect(&cur, DER_BIT_STRING, &t) ?: der_bit_string(&t, &bits, &unused);
	if (rc)
		return rc;
	if (!der_at_end(&cur) || bits.len == 0)
		return -EBADMSG;
	c->key_usage = 0;
	for (i = 0; i < 9 && i / 8 < bits.len; i++)
		if (bits.p[i / 8] & (0x80 >> (i % 8)))
			c->key_usage |= 1u << i;
	return 0;
}

/* One GeneralName of a subjectAltName: DNS, e-mail and IP are kept. */
static int x509_san_entry(const struct der_tlv *t, struct x509_cert *c)
{
	u8 n = t->tag & 0x1f;

	/* GeneralName is a CHOICE of context-specific tags [0]..[8]. */
	if ((t->tag & 0xc0) != 0x80 || n > 8)
		return -EBADMSG;
	if (t->tag != DER_CTX(X509_SAN_EMAIL) && t->tag != DER_CTX(X509_SAN_DNS) &&
	    t->tag != DER_CTX(X509_SAN_IP))
		return 0;
	if (t->val.len == 0)
		return -EBADMSG;
	if (n == X509_SAN_IP && t->val.len != 4 && t->val.len != 16)
		return -EBADMSG;
	if (c->nsan == X509_MAX_SAN)
		return -E2BIG;
	c->san[c->nsan].type = n;
	c->san[c->nsan].v = t->val;
	c->nsan++;
	return 0;
}

/* GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName */
static int x509_ext_san(const struct der_span *val, struct x509_cert *c)
{
	struct der_cursor in;
	struct der_tlv t;
	int rc = x509_ext_single(val, DER_SEQUENCE, &in);

	if (!rc && der_at_end(&in))
		rc = -EBADMSG;
	while (!rc && !der_at_end(&in)) {
		rc = der_next(&in, &t);
		if (!rc)
			rc = x509_san_entry(&t, c);
	}
	return rc;
}

static int x509_keyid(const struct der_span *v, struct der_span *out)
{
	if (v->len == 0 || v->len > X509_MAX_KEYID)
		return -EBADMSG;
	*out = *v;
	return 0;
}

/* SubjectKeyIdentifier ::= OCTET STRING */
static int x509_ext_skid(const struct der_span *val, struct x509_cert *c)
{
	struct der_cursor in;
	struct der_span s;
	int rc = x509_ext_single(val, DER_OCTET_STRING, &in);

	if (rc)
		return rc;
	s.p = in.p;
	s.len = in.left;
	return x509_keyid(&s, &c->skid);
}

/*
 * AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL,
 * authorityCertIssuer [1] OPTIONAL, authorityCertSerialNumber [2] OPTIONAL };
 * only the keyIdentifier is kept.
 */
int x509_parse_akid(const struct der_span *val, struct der_span *keyid)
{
	struct der_cursor in;
	struct der_tlv t;
	bool present;
	int rc = x509_ext_single(val, DER_SEQUENCE, &in);

	if (!rc)
		rc = der_optional(&in, DER_CTX(0), &t, &present);
	if (!rc && present)
		rc = x509_keyid(&t.val, keyid);
	if (!rc)
		rc = der_optional(&in, DER_CTX_CONS(1), &t, &present);
	if (!rc)
		rc = der_optional(&in, DER_CTX(2), &t, &present);
	if (rc)
		return rc;
	return der_at_end(&in) ? 0 : -EBADMSG;
}

static int x509_ext_akid(const struct der_span *val, struct x509_cert *c)
{
	return x509_parse_akid(val, &c->akid);
}

static const struct x509_oid_map x509_ekus[] = {
	OID_MAP(OID_EKU_ANY, X509_EKU_ANY, 0),
	OID_MAP(OID_EKU_SERVER, X509_EKU_SERVER_AUTH, 0),
	OID_MAP(OID_EKU_CLIENT, X509_EKU_CLIENT_AUTH, 0),
	OID_MAP(OID_EKU_IKE, X509_EKU_IPSEC_IKE, 0),
};

/* ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId */
static int x509_ext_eku(const struct der_span *val, struct x509_cert *c)
{
	const struct x509_oid_map *m;
	struct der_cursor in;
	struct der_tlv t;
	int rc = x509_ext_single(val, DER_SEQUENCE, &in);

	if (!rc && der_at_end(&in))
		rc = -EBADMSG;
	while (!rc && !der_at_end(&in)) {
		rc = der_next(&in, &t) ?: der_oid(&t);
		if (rc)
			break;
		m = x509_lookup(x509_ekus, ARRAY_SIZE(x509_ekus), &t);
		c->eku |= m ? m->a : X509_EKU_OTHER;
	}
	return rc;
}

struct x509_ext_handler {
	const u8 *oid;
	u8 len;
	u32 bit;
	int (*parse)(const struct der_span *val, struct x509_cert *c);
};

static const struct x509_ext_handler x509_ext_handlers[] = {
	{ OID_BC, sizeof(OID_BC), X509_EXT_BASIC_CONSTRAINTS, x509_ext_bc },
	{ OID_KU, sizeof(OID_KU), X509_EXT_KEY_USAGE, x509_ext_ku },
	{ OID_SAN, sizeof(OID_SAN), X509_EXT_SAN, x509_ext_san },
	{ OID_SKID, sizeof(OID_SKID), X509_EXT_SKID, x509_ext_skid },
	{ OID_AKID, sizeof(OID_AKID), X509_EXT_AKID, x509_ext_akid },
	{ OID_EKU, sizeof(OID_EKU), X509_EXT_EKU, x509_ext_eku },
};

static int x509_cert_ext(const struct x509_ext *e, struct x509_cert *c)
{
	const struct x509_ext_handler *h;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(x509_ext_handlers); i++) {
		h = &x509_ext_handlers[i];
		if (!der_oid_is(&e->oid, h->oid, h->len))
			continue;
		/* RFC 5280 4.2: at most one instance of an extension. */
		if (c->ext & h->bit)
			return -EBADMSG;
		c->ext |= h->bit;
		return h->parse(&e->val, c);
	}
	return e->critical ? -EOPNOTSUPP : 0;
}

/* extensions [3] EXPLICIT SEQUENCE SIZE (1..MAX) OF Extension */
static int x509_extensions(const struct der_tlv *t3, struct x509_cert *c)
{
	struct der_cursor outer, in;
	struct x509_ext e;
	int rc;

	der_enter(t3, &outer);
	rc = der_enter_seq(&outer, &in, NULL);
	if (rc)
		return rc;
	if (!der_at_end(&outer) || der_at_end(&in))
		return -EBADMSG;
	while (!der_at_end(&in)) {
		rc = x509_parse_ext(&in, &e) ?: x509_cert_ext(&e, c);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- certificate ---- */

/* version [0] EXPLICIT INTEGER DEFAULT v1 */
static int x509_version(struct der_cursor *c, struct x509_cert *cert)
{
	struct der_cursor in;
	struct der_tlv t;
	bool present;
	u32 v = 0;
	int rc = der_optional(c, DER_CTX_CONS(0), &t, &present);

	if (!rc && present) {
		der_enter(&t, &in);
		rc = der_next(&in, &t) ?: der_uint(&t, 2, &v);
		if (!rc && !der_at_end(&in))
			rc = -EBADMSG;
	}
	cert->version = v + 1;
	return rc == -E2BIG ? -EBADMSG : rc;
}

static int x509_serial(struct der_cursor *c, struct der_span *serial)
{
	struct der_tlv t;
	int rc = der_next(c, &t) ?: der_integer(&t, serial);

	if (!rc && serial->len > X509_MAX_SERIAL)
		rc = -E2BIG;
	return rc;
}

/* issuerUniqueID [1], subjectUniqueID [2] (v2, v3), extensions [3] (v3). */
static int x509_tbs_tail(struct der_cursor *c, struct x509_cert *cert)
{
	struct der_tlv t;
	bool present;
	int rc, n;

	for (n = 1; n <= 2; n++) {
		rc = der_optional(c, DER_CTX(n), &t, &present);
		if (rc)
			return rc;
		if (present && cert->version < 2)
			return -EBADMSG;
	}
	rc = der_optional(c, DER_CTX_CONS(3), &t, &present);
	if (!rc && present)
		rc = cert->version == 3 ? x509_extensions(&t, cert) : -EBADMSG;
	if (rc)
		return rc;
	return der_at_end(c) ? 0 : -EBADMSG;
}

static int x509_tbs(struct der_cursor *c, struct x509_cert *cert,
		    const struct der_span *outer_alg)
{
	struct x509_sig_alg inner;
	struct der_span alg;
	int rc = x509_version(c, cert) ?: x509_serial(c, &cert->serial);

	if (!rc)
		rc = x509_parse_sig_alg(c, &inner, &alg);
	/* RFC 5280 4.1.1.2: the same algorithm as signatureAlgorithm. */
	if (!rc && !der_span_eq(&alg, outer_alg))
		rc = -EBADMSG;
	if (!rc)
		rc = x509_parse_name(c, &cert->issuer);
	/* 4.1.2.4: the issuer is a non-empty Name. */
	if (!rc && cert->issuer.len <= 2)
		rc = -EBADMSG;
	if (!rc)
		rc = x509_validity(c, cert);
	if (!rc)
		rc = x509_parse_name(c, &cert->subject);
	if (!rc)
		rc = x509_parse_spki(c, &cert->key);
	return rc ?: x509_tbs_tail(c, cert);
}

/* signatureValue BIT STRING: whole bytes only. */
int x509_parse_signature(struct der_cursor *c, struct der_span *sig)
{
	struct der_tlv t;
	u8 unused;
	int rc = der_next(c, &t) ?: der_bit_string(&t, sig, &unused);

	if (rc)
		return rc;
	return unused || sig->len == 0 ? -EBADMSG : 0;
}

int x509_parse(const u8 *buf, size_t len, struct x509_cert *c)
{
	struct der_cursor top, cert, tbs;
	struct der_span outer_alg;
	int rc;

	memset(c, 0, sizeof(*c));
	c->path_len = -1;
	if (len > X509_MAX_CERT_LEN)
		return -E2BIG;
	der_init(&top, buf, len);
	rc = der_enter_seq(&top, &cert, &c->raw);
	if (!rc && !der_at_end(&top))
		rc = -EBADMSG;	/* trailing bytes */
	if (!rc)
		rc = der_enter_seq(&cert, &tbs, &c->tbs);
	if (!rc)
		rc = x509_parse_sig_alg(&cert, &c->sig_alg, &outer_alg);
	if (!rc)
		rc = x509_parse_signature(&cert, &c->sig);
	if (!rc && !der_at_end(&cert))
		rc = -EBADMSG;
	return rc ?: x509_tbs(&tbs, c, &outer_alg);
}

/* ---- identities ---- */

static u8 x509_lower(u8 ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

static bool x509_caseeq(const u8 *a, const u8 *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (x509_lower(a[i]) != x509_lower(b[i]))
			return false;
	return true;
}

bool x509_match_fqdn(const struct x509_cert *c, const u8 *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < c->nsan; i++)
		if (c->san[i].type == X509_SAN_DNS && c->san[i].v.len == len &&
		    x509_caseeq(c->san[i].v.p, name, len))
			return true;
	return false;
}

/* Position of the last '@', or len if none. */
static size_t x509_at(const u8 *p, size_t len)
{
	size_t i = len;

	while (i--)
		if (p[i] == '@')
			return i;
	return len;
}

static bool x509_email_eq(const struct der_span *san, const u8 *addr, size_t len)
{
	size_t at = x509_at(addr, len);

	if (san->len != len || at == len || x509_at(san->p, len) != at)
		return false;
	/* RFC 5280 7.5: the local part exactly, the domain ignoring case. */
	return !memcmp(san->p, addr, at) && x509_caseeq(san->p + at, addr + at, len - at);
}

bool x509_match_email(const struct x509_cert *c, const u8 *addr, size_t len)
{
	unsigned int i;

	for (i = 0; i < c->nsan; i++)
		if (c->san[i].type == X509_SAN_EMAIL && x509_email_eq(&c->san[i].v, addr, len))
			return true;
	return false;
}

bool x509_match_ip(const struct x509_cert *c, const u8 *addr, size_t len)
{
	unsigned int i;

	if (len != 4 && len != 16)
		return false;
	for (i = 0; i < c->nsan; i++)
		if (c->san[i].type == X509_SAN_IP && c->san[i].v.len == len &&
		    !memcmp(c->san[i].v.p, addr, len))
			return true;
	return false;
}

bool x509_match_dn(const struct x509_cert *c, const u8 *dn, size_t len)
{
	return c->subject.len == len && !memcmp(c->subject.p, dn, len);
}

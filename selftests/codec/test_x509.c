// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit tests for the X.509 parser, the CRL parser, identity
 * matching and chain validation (kernel/codec/der.c, x509*.c); TAP output.
 *
 * The fixtures in x509/ are made by x509/mkcerts.sh with openssl; what the
 * parser reads from each is compared with libcrypto's reading of the same
 * file, and chains are validated with real signature checks (libcrypto
 * behind the callback).  The facts tested (dates, names, which link is
 * broken) are the ones mkcerts.sh documents.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "x509_util.h"

#ifndef X509_DIR
#define X509_DIR "x509"
#endif
/* The system's trust anchors in DER (the Makefile's build/ca-seeds). */
#ifndef CA_SEEDS
#define CA_SEEDS "build/ca-seeds"
#endif

static unsigned int ntests, nfailed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	ntests++;
	if (!cond)
		nfailed++;
	printf("%sok %u - ", cond ? "" : "not ", ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define rc_is(got, want, ...) do {					\
	long g_ = (got), w_ = (want);					\
	if (g_ != w_)							\
		printf("# got %ld, want %ld\n", g_, w_);		\
	ok(g_ == w_, __VA_ARGS__);					\
} while (0)

/* ---- fixtures ---- */

struct fx {
	const char *name;
	u8 *buf;
	size_t len;
	struct x509_cert c;
	int rc;
};

static const char *const cert_names[] = {
	"root-rsa", "inter-rsa", "leaf-rsa", "leaf-dn", "leaf-pss", "leaf-sha1",
	"leaf-sha512", "root-ec", "leaf-ec", "noca", "leaf-noca", "noku",
	"leaf-noku", "inter2", "leaf-deep", "leaf-expired", "leaf-future",
	"leaf-crit", "leaf-revoked", "rollover", "leaf-roll",
};

#define NCERTS (sizeof(cert_names) / sizeof(cert_names[0]))

static struct fx certs[NCERTS];

static u8 *load(const char *name, const char *ext, size_t *len)
{
	char path[512];
	u8 *b;

	snprintf(path, sizeof(path), "%s/%s.%s", X509_DIR, name, ext);
	b = x509_load(path, len);
	if (!b) {
		printf("Bail out! cannot read %s\n", path);
		exit(1);
	}
	return b;
}

static struct x509_cert *C(const char *name)
{
	unsigned int i;

	for (i = 0; i < NCERTS; i++)
		if (!strcmp(certs[i].name, name))
			return &certs[i].c;
	printf("Bail out! no fixture %s\n", name);
	exit(1);
}

/* Seconds since the epoch of a UTC date, by libc (independent of der.c). */
static s64 utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {
		.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
		.tm_hour = h, .tm_min = mi, .tm_sec = s,
	};

	return (s64)timegm(&tm);
}

static s64 asn1_secs(const ASN1_TIME *t)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		return -1;
	return (s64)timegm(&tm);
}

/* ---- comparisons with libcrypto ---- */

static bool span_is(const struct der_span *s, const unsigned char *p, size_t len)
{
	return s->len == len && !memcmp(s->p, p, len);
}

static bool name_is(const struct der_span *s, const X509_NAME *n)
{
	unsigned char *der = NULL;
	int len = i2d_X509_NAME(n, &der);
	bool eq = len > 0 && span_is(s, der, len);

	OPENSSL_free(der);
	return eq;
}

static bool serial_is(const struct der_span *s, const ASN1_INTEGER *a)
{
	unsigned char *der = NULL;
	int len = i2d_ASN1_INTEGER(a, &der);
	/* DER INTEGER of a short serial: tag, one length byte, contents. */
	bool eq = len > 2 && span_is(s, der + 2, len - 2);

	OPENSSL_free(der);
	return eq;
}

static u8 sig_type(int nid, u8 *hash)
{
	static const struct { int nid; u8 type, hash; } m[] = {
		{ NID_sha1WithRSAEncryption, X509_SIG_RSA_PKCS1, X509_HASH_SHA1 },
		{ NID_sha256WithRSAEncryption, X509_SIG_RSA_PKCS1, X509_HASH_SHA256 },
		{ NID_sha384WithRSAEncryption, X509_SIG_RSA_PKCS1, X509_HASH_SHA384 },
		{ NID_sha512WithRSAEncryption, X509_SIG_RSA_PKCS1, X509_HASH_SHA512 },
		{ NID_ecdsa_with_SHA256, X509_SIG_ECDSA, X509_HASH_SHA256 },
		{ NID_ecdsa_with_SHA384, X509_SIG_ECDSA, X509_HASH_SHA384 },
		{ NID_rsassaPss, X509_SIG_RSA_PSS, 0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (m[i].nid == nid) {
			*hash = m[i].hash;
			return m[i].type;
		}
	return X509_SIG_UNKNOWN;
}

/* Our keyUsage bits (bit n = 1 << n) in OpenSSL's KU_* layout. */
static u32 ku_ossl(u16 ku)
{
	u32 v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (ku & (1u << i))
			v |= 0x80 >> i;
	if (ku & X509_KU_DECIPHER_ONLY)
		v |= 0x8000;
	return v;
}

static bool bn_is(const EVP_PKEY *pk, const char *param, const struct der_span *s)
{
	unsigned char buf[1024];
	BIGNUM *bn = NULL;
	int n;
	bool eq;

	if (!EVP_PKEY_get_bn_param(pk, param, &bn))
		return false;
	n = BN_bn2bin(bn, buf);
	eq = span_is(s, buf, n);
	BN_free(bn);
	return eq;
}

static bool key_is(const struct x509_pubkey *k, X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	unsigned char pt[256];
	char group[64];
	size_t n;

	if (!pk)
		return false;
	if (EVP_PKEY_is_a(pk, "RSA"))
		return k->type == X509_KEY_RSA && bn_is(pk, OSSL_PKEY_PARAM_RSA_N, &k->n) &&
		       bn_is(pk, OSSL_PKEY_PARAM_RSA_E, &k->e);
	if (!EVP_PKEY_is_a(pk, "EC") || k->type != X509_KEY_EC)
		return false;
	if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
					    sizeof(group), NULL) ||
	    !EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &n))
		return false;
	if (k->curve != (!strcmp(group, "prime256v1") ? X509_CURVE_P256 :
			 !strcmp(group, "secp384r1") ? X509_CURVE_P384 : X509_CURVE_NONE))
		return false;
	return span_is(&k->point, pt, n);
}

static bool san_is(const struct x509_cert *c, X509 *x)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	unsigned int n = 0;
	const ASN1_STRING *s;
	GENERAL_NAME *g;
	bool eq = true;
	int i, type;

	for (i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		s = GENERAL_NAME_get0_value(g, &type);
		if (type != GEN_DNS && type != GEN_EMAIL && type != GEN_IPADD)
			continue;
		if (n >= c->nsan || c->san[n].type != type ||
		    !span_is(&c->san[n].v, ASN1_STRING_get0_data(s), ASN1_STRING_length(s)))
			eq = false;
		n++;
	}
	GENERAL_NAMES_free(gens);
	return eq && n == c->nsan;
}

static bool keyid_is(const struct der_span *s, const ASN1_OCTET_STRING *o)
{
	if (!o)
		return s->len == 0;
	return span_is(s, ASN1_STRING_get0_data(o), ASN1_STRING_length(o));
}

/* Every field x509_parse() fills, against libcrypto's X509. */
static void compare_one(struct fx *f)
{
	const unsigned char *p = f->buf;
	X509 *x = d2i_X509(NULL, &p, f->len);
	const struct x509_cert *c = &f->c;
	u8 hash = 0, type;
	long pl;

	if (!x) {
		ok(false, "%s: libcrypto parses it", f->name);
		return;
	}
	type = sig_type(X509_get_signature_nid(x), &hash);
	ok(c->sig_alg.type == type && (type == X509_SIG_RSA_PSS || c->sig_alg.hash == hash),
	   "%s: signature algorithm as libcrypto", f->name);
	ok(c->version == X509_get_version(x) + 1, "%s: version", f->name);
	ok(serial_is(&c->serial, X509_get0_serialNumber(x)), "%s: serial", f->name);
	ok(name_is(&c->issuer, X509_get_issuer_name(x)) &&
	   name_is(&c->subject, X509_get_subject_name(x)), "%s: issuer and subject DER", f->name);
	ok(c->not_before == asn1_secs(X509_get0_notBefore(x)) &&
	   c->not_after == asn1_secs(X509_get0_notAfter(x)), "%s: validity", f->name);
	ok(key_is(&c->key, x), "%s: public key", f->name);
	pl = X509_get_pathlen(x);
	ok(c->ca == !!(X509_get_extension_flags(x) & EXFLAG_CA) && c->path_len == pl,
	   "%s: CA flag %d path length %d", f->name, c->ca, c->path_len);
	ok(!(c->ext & X509_EXT_KEY_USAGE) || ku_ossl(c->key_usage) == X509_get_key_usage(x),
	   "%s: key usage", f->name);
	ok(keyid_is(&c->skid, X509_get0_subject_key_id(x)) &&
	   keyid_is(&c->akid, X509_get0_authority_key_id(x)), "%s: SKID and AKID", f->name);
	ok(san_is(c, x), "%s: subjectAltName (%u kept)", f->name, c->nsan);
	X509_free(x);
}

static void test_fixtures(void)
{
	unsigned int i;

	for (i = 0; i < NCERTS; i++) {
		certs[i].name = cert_names[i];
		certs[i].buf = load(cert_names[i], "der", &certs[i].len);
		certs[i].rc = x509_parse(certs[i].buf, certs[i].len, &certs[i].c);
		if (!strcmp(cert_names[i], "leaf-crit")) {
			rc_is(certs[i].rc, -EOPNOTSUPP, "leaf-crit: unknown critical extension refused");
			continue;
		}
		rc_is(certs[i].rc, 0, "%s: parses", cert_names[i]);
		if (!certs[i].rc)
			compare_one(&certs[i]);
	}
}

/* ---- facts from mkcerts.sh ---- */

static void test_facts(void)
{
	const struct x509_cert *pss = C("leaf-pss"), *ec = C("leaf-ec"), *rc = C("root-ec");
	static const u8 v4[] = { 192, 0, 2, 1 }, v4b[] = { 192, 0, 2, 2 };
	u8 v6[16];
	const struct x509_cert *l = C("leaf-rsa");

	ok(pss->sig_alg.type == X509_SIG_RSA_PSS && pss->sig_alg.hash == X509_HASH_SHA256 &&
	   pss->sig_alg.mgf_hash == X509_HASH_SHA256 && pss->sig_alg.salt_len == 32,
	   "leaf-pss: PSS sha256, MGF1 sha256, salt 32");
	ok(ec->sig_alg.type == X509_SIG_ECDSA && ec->sig_alg.hash == X509_HASH_SHA256 &&
	   ec->key.curve == X509_CURVE_P256 && ec->key.point.len == 65,
	   "leaf-ec: ecdsa-with-SHA256, P-256 point");
	ok(rc->sig_alg.hash == X509_HASH_SHA384 && rc->key.curve == X509_CURVE_P384 &&
	   rc->key.point.len == 97, "root-ec: ecdsa-with-SHA384, P-384 point");
	rc_is(ec->not_after, utc(2060, 1, 1, 0, 0, 0), "leaf-ec: GeneralizedTime 2060-01-01");
	rc_is(C("leaf-expired")->not_after, utc(2021, 1, 1, 0, 0, 0), "leaf-expired: 2021-01-01");
	rc_is(C("leaf-future")->not_before, utc(2035, 1, 1, 0, 0, 0), "leaf-future: 2035-01-01");
	rc_is(l->key.n.len, 256, "leaf-rsa: 2048-bit modulus");
	ok(l->eku == (X509_EKU_SERVER_AUTH | X509_EKU_IPSEC_IKE), "leaf-rsa: EKU serverAuth, ipsecIKE");
	ok((C("inter-rsa")->ext & X509_EXT_BASIC_CONSTRAINTS) && C("inter-rsa")->path_len == 0,
	   "inter-rsa: pathlen 0");
	ok(!C("noca")->ca && (C("noca")->ext & X509_EXT_BASIC_CONSTRAINTS), "noca: CA:FALSE");

	ok(x509_match_fqdn(l, (const u8 *)"moon.example.org", 16), "FQDN: exact");
	ok(x509_match_fqdn(l, (const u8 *)"MOON.Example.org", 16), "FQDN: case ignored");
	ok(x509_match_fqdn(l, (const u8 *)"gw.example.org", 14), "FQDN: second dNSName");
	ok(!x509_match_fqdn(l, (const u8 *)"moon.example.or", 15), "FQDN: prefix refused");
	ok(!x509_match_fqdn(l, (const u8 *)"x.moon.example.org", 18), "FQDN: subdomain refused");
	ok(!x509_match_fqdn(C("leaf-dn"), (const u8 *)"leaf-dn", 7), "FQDN: CN not used");
	ok(x509_match_email(l, (const u8 *)"moon@example.ORG", 16), "RFC822: domain case ignored");
	ok(!x509_match_email(l, (const u8 *)"Moon@Example.org", 16), "RFC822: local part exact");
	ok(!x509_match_email(l, (const u8 *)"moon.example.org", 16), "RFC822: FQDN is not one");
	ok(x509_match_ip(l, v4, 4), "IPv4 in SAN");
	ok(!x509_match_ip(l, v4b, 4), "other IPv4 refused");
	inet_pton(AF_INET6, "2001:db8::1", v6);
	ok(x509_match_ip(l, v6, 16), "IPv6 in SAN");
	v6[15] = 2;
	ok(!x509_match_ip(l, v6, 16), "other IPv6 refused");
	ok(!x509_match_ip(l, v6, 5), "IP length 5 refused");
	ok(x509_match_dn(C("inter-rsa"), l->issuer.p, l->issuer.len), "DN: issuer DER = subject");
	ok(!x509_match_dn(l, l->issuer.p, l->issuer.len), "DN: another DN refused");
	ok(!x509_match_dn(l, l->subject.p, l->subject.len - 1), "DN: truncated DN refused");
}

/* ---- CRLs ---- */

static struct x509_crl crl_inter, crl_root;
static u8 *crl_inter_buf;
static size_t crl_inter_len;

static void test_crl(void)
{
	size_t len;
	u8 *b;

	crl_inter_buf = load("crl-inter", "der", &crl_inter_len);
	rc_is(x509_crl_parse(crl_inter_buf, crl_inter_len, &crl_inter), 0, "crl-inter parses");
	rc_is(crl_inter.nrevoked, 1, "crl-inter: one serial");
	ok(crl_inter.this_update == utc(2025, 1, 1, 0, 0, 0) &&
	   crl_inter.next_update == utc(2040, 1, 1, 0, 0, 0), "crl-inter: dates");
	ok(der_span_eq(&crl_inter.issuer, &C("inter-rsa")->subject), "crl-inter: issuer");
	ok(der_span_eq(&crl_inter.akid, &C("inter-rsa")->skid), "crl-inter: AKID");
	ok(x509_crl_revoked(&crl_inter, &C("leaf-revoked")->serial), "crl-inter lists leaf-revoked");
	ok(!x509_crl_revoked(&crl_inter, &C("leaf-rsa")->serial), "crl-inter omits leaf-rsa");
	ok(!x509_ossl_verify(NULL, &C("inter-rsa")->key, &crl_inter.sig_alg, &crl_inter.tbs,
			     &crl_inter.sig), "crl-inter: signature over the TBS span");
	b = load("crl-root", "der", &len);
	rc_is(x509_crl_parse(b, len, &crl_root), 0, "crl-root parses");
	rc_is(crl_root.nrevoked, 0, "crl-root: empty");
	rc_is(x509_crl_parse(b, len - 1, &crl_root), -EBADMSG, "truncated CRL refused");
	rc_is(x509_crl_parse(b, len, &crl_root), 0, "crl-root parses again");
}

/* ---- chains ---- */

static int nverify_seen;

static int count_verify(void *ctx, const struct x509_pubkey *k, const struct x509_sig_alg *a,
			const struct der_span *tbs, const struct der_span *sig)
{
	nverify_seen++;
	return x509_ossl_verify(ctx, k, a, tbs, sig);
}

#define LIST(...) ((const struct x509_cert *const []){ __VA_ARGS__ })
#define NARGS(...) (sizeof((const struct x509_cert *[]){ __VA_ARGS__ }) / sizeof(void *))

struct chain_case {
	const char *what;
	const struct x509_cert *leaf;
	const struct x509_cert *const *inter;
	unsigned int ninter;
	const struct x509_cert *const *anchors;
	unsigned int nanchors;
	const struct x509_crl *const *crls;
	unsigned int ncrls;
	s64 now;
	unsigned int max_depth;
};

static int run_chain(const struct chain_case *k, struct x509_chain_out *out)
{
	struct x509_chain_in in = {
		.inter = k->inter, .ninter = k->ninter,
		.anchors = k->anchors, .nanchors = k->nanchors,
		.crls = k->crls, .ncrls = k->ncrls,
		.now = k->now ? k->now : utc(2026, 6, 1, 0, 0, 0),
		.max_depth = k->max_depth,
		.verify = count_verify,
	};

	return x509_chain_verify(&in, k->leaf, out);
}

static void chain_is(const struct chain_case *k, u8 reason, const struct x509_cert *culprit)
{
	struct x509_chain_out out;
	int rc = run_chain(k, &out);

	if (out.reason != reason)
		printf("# %s: reason '%s', want '%s'\n", k->what,
		       x509_chain_reason_name(out.reason), x509_chain_reason_name(reason));
	ok(rc == (reason ? -EKEYREJECTED : 0) && out.reason == reason &&
	   (!culprit || out.culprit == culprit), "chain: %s", k->what);
}

#define INTER(...) .inter = LIST(__VA_ARGS__), .ninter = NARGS(__VA_ARGS__)
#define ANCHORS(...) .anchors = LIST(__VA_ARGS__), .nanchors = NARGS(__VA_ARGS__)

static void test_chain_good(void)
{
	const struct x509_cert *root = C("root-rsa"), *inter = C("inter-rsa");
	struct chain_case k = { "leaf-rsa <- inter-rsa <- root-rsa", C("leaf-rsa"),
				INTER(inter), ANCHORS(root) };
	struct x509_chain_out out;

	ok(!run_chain(&k, &out) && out.len == 3 && out.path[0] == k.leaf &&
	   out.path[1] == inter && out.path[2] == root && out.nverify == 2,
	   "chain: %s, path of 3, 2 signature checks", k.what);
	chain_is(&(struct chain_case){ "intermediates in any order, with strangers", k.leaf,
		 INTER(C("noca"), C("root-ec"), C("inter2"), inter, C("noku")),
		 ANCHORS(C("root-ec"), root) }, X509_CHAIN_OK, NULL);
	chain_is(&(struct chain_case){ "ECDSA P-384 root, P-256 leaf", C("leaf-ec"),
		 NULL, 0, ANCHORS(C("root-ec")) }, X509_CHAIN_OK, NULL);
	chain_is(&(struct chain_case){ "RSASSA-PSS leaf", C("leaf-pss"), NULL, 0,
		 ANCHORS(root) }, X509_CHAIN_OK, NULL);
	chain_is(&(struct chain_case){ "sha1WithRSA leaf", C("leaf-sha1"), NULL, 0,
		 ANCHORS(root) }, X509_CHAIN_OK, NULL);
	chain_is(&(struct chain_case){ "sha512WithRSA leaf", C("leaf-sha512"), NULL, 0,
		 ANCHORS(root) }, X509_CHAIN_OK, NULL);
	chain_is(&(struct chain_case){ "intermediate as anchor", k.leaf, NULL, 0,
		 ANCHORS(inter) }, X509_CHAIN_OK, NULL);
	chain_is(&(struct chain_case){ "self-issued CA not counted against pathlen 0",
		 C("leaf-roll"), INTER(inter, C("rollover")), ANCHORS(root) }, X509_CHAIN_OK, NULL);
	chain_is(&(struct chain_case){ "CRL that does not list the leaf", k.leaf, INTER(inter),
		 ANCHORS(root), (const struct x509_crl *[]){ &crl_inter, &crl_root }, 2 },
		 X509_CHAIN_OK, NULL);
}

static void test_chain_bad(void)
{
	const struct x509_cert *root = C("root-rsa"), *inter = C("inter-rsa"), *leaf = C("leaf-rsa");

	chain_is(&(struct chain_case){ "no intermediate: no issuer", leaf, NULL, 0,
		 ANCHORS(root) }, X509_CHAIN_NO_ISSUER, leaf);
	chain_is(&(struct chain_case){ "untrusted root", leaf, INTER(inter, root),
		 ANCHORS(C("root-ec")) }, X509_CHAIN_NO_ISSUER, NULL);
	chain_is(&(struct chain_case){ "no anchors", leaf, INTER(inter, root), NULL, 0 },
		 X509_CHAIN_NO_ISSUER, NULL);
	chain_is(&(struct chain_case){ "through a CA:FALSE certificate", C("leaf-noca"),
		 INTER(C("noca")), ANCHORS(root) }, X509_CHAIN_NOT_CA, C("noca"));
	chain_is(&(struct chain_case){ "leaf used as a CA", leaf, NULL, 0, ANCHORS(leaf) },
		 X509_CHAIN_NO_ISSUER, NULL);
	chain_is(&(struct chain_case){ "issuer without keyCertSign", C("leaf-noku"),
		 INTER(C("noku")), ANCHORS(root) }, X509_CHAIN_KEY_USAGE, C("noku"));
	chain_is(&(struct chain_case){ "pathlen 0 exceeded", C("leaf-deep"),
		 INTER(C("inter2"), inter), ANCHORS(root) }, X509_CHAIN_PATH_LEN, inter);
	chain_is(&(struct chain_case){ "expired leaf", C("leaf-expired"), INTER(inter),
		 ANCHORS(root) }, X509_CHAIN_EXPIRED, C("leaf-expired"));
	chain_is(&(struct chain_case){ "not yet valid leaf", C("leaf-future"), INTER(inter),
		 ANCHORS(root) }, X509_CHAIN_NOT_YET_VALID, C("leaf-future"));
	chain_is(&(struct chain_case){ "expired root (2045), leaf valid to 2060", C("leaf-ec"),
		 NULL, 0, ANCHORS(C("root-ec")), .now = utc(2045, 1, 1, 0, 0, 0) },
		 X509_CHAIN_EXPIRED, C("root-ec"));
	chain_is(&(struct chain_case){ "one second after notAfter", leaf, INTER(inter),
		 ANCHORS(root), .now = utc(2040, 1, 1, 0, 0, 1) }, X509_CHAIN_EXPIRED, leaf);
	chain_is(&(struct chain_case){ "at notAfter exactly", leaf, INTER(inter),
		 ANCHORS(root), .now = utc(2040, 1, 1, 0, 0, 0) }, X509_CHAIN_OK, NULL);
	chain_is(&(struct chain_case){ "revoked serial", C("leaf-revoked"), INTER(inter),
		 ANCHORS(root), (const struct x509_crl *[]){ &crl_root, &crl_inter }, 2 },
		 X509_CHAIN_REVOKED, C("leaf-revoked"));
	chain_is(&(struct chain_case){ "depth cap 2", leaf, INTER(inter), ANCHORS(root),
		 .max_depth = 2 }, X509_CHAIN_TOO_DEEP, inter);
	chain_is(&(struct chain_case){ "depth cap 3 suffices", leaf, INTER(inter), ANCHORS(root),
		 .max_depth = 3 }, X509_CHAIN_OK, NULL);
}

/* A copy of fixture f with byte off XORed; parsed into *c. */
static u8 *tampered(const char *name, size_t off, struct x509_cert *c, int *rc)
{
	unsigned int i;
	u8 *b;

	for (i = 0; strcmp(certs[i].name, name); i++)
		;
	b = malloc(certs[i].len);
	memcpy(b, certs[i].buf, certs[i].len);
	b[off] ^= 0x01;
	*rc = x509_parse(b, certs[i].len, c);
	return b;
}

static void test_chain_tampered(void)
{
	const struct x509_cert *root = C("root-rsa"), *inter = C("inter-rsa"), *leaf = C("leaf-rsa");
	static struct x509_cert t;
	struct x509_crl bad_crl;
	u8 *b, *cb;
	int rc;

	/* The last byte of the signature value. */
	b = tampered("leaf-rsa", leaf->raw.len - 1, &t, &rc);
	rc_is(rc, 0, "tampered signature still parses");
	chain_is(&(struct chain_case){ "tampered signature", &t, INTER(inter), ANCHORS(root) },
		 X509_CHAIN_BAD_SIGNATURE, &t);
	free(b);
	/* The last byte of the subject's CN. */
	b = tampered("leaf-rsa", leaf->subject.p + leaf->subject.len - 1 - leaf->raw.p, &t, &rc);
	rc_is(rc, 0, "tampered subject still parses");
	chain_is(&(struct chain_case){ "tampered TBS", &t, INTER(inter), ANCHORS(root) },
		 X509_CHAIN_BAD_SIGNATURE, &t);
	free(b);
	/* 20 copies of an intermediate whose own signature is bad: 2 checks each. */
	b = tampered("inter-rsa", inter->raw.len - 1, &t, &rc);
	{
		const struct x509_cert *many[20];
		struct x509_chain_out out;
		unsigned int i;

		for (i = 0; i < 20; i++)
			many[i] = &t;
		chain_is(&(struct chain_case){ "bad intermediate x20: check budget", leaf,
			 many, 20, ANCHORS(root) }, X509_CHAIN_TOO_MANY_CHECKS, NULL);
		run_chain(&(struct chain_case){ "", leaf, many, 20, ANCHORS(root) }, &out);
		rc_is(out.nverify, X509_CHAIN_MAX_VERIFY, "budget: exactly %d checks spent",
		      X509_CHAIN_MAX_VERIFY);
		chain_is(&(struct chain_case){ "bad intermediate x3", leaf, many, 3,
			 ANCHORS(root) }, X509_CHAIN_BAD_SIGNATURE, &t);
	}
	free(b);
	cb = malloc(crl_inter_len);
	memcpy(cb, crl_inter_buf, crl_inter_len);
	cb[crl_inter_len - 1] ^= 1;
	rc_is(x509_crl_parse(cb, crl_inter_len, &bad_crl), 0, "tampered CRL still parses");
	chain_is(&(struct chain_case){ "CRL with a bad signature", leaf, INTER(inter),
		 ANCHORS(root), (const struct x509_crl *[]){ &bad_crl }, 1 },
		 X509_CHAIN_BAD_CRL, inter);
	free(cb);
}

/* ---- robustness: truncations and single-byte changes, under ASan ---- */

static void test_mutations(void)
{
	static struct x509_cert c;
	const struct fx *f = &certs[2];	/* leaf-rsa */
	unsigned int bad = 0, i, v;
	u8 *b = malloc(f->len + 1);
	size_t n;

	for (n = 0; n < f->len; n++) {
		memcpy(b, f->buf, n);
		if (!x509_parse(b, n, &c))
			bad++;
	}
	rc_is(bad, 0, "every truncation of leaf-rsa refused (%zu)", f->len);
	memcpy(b, f->buf, f->len);
	b[f->len] = 0;
	rc_is(x509_parse(b, f->len + 1, &c), -EBADMSG, "trailing byte refused");
	for (i = 0; i < f->len; i++)
		for (v = 0; v < 8; v++) {
			memcpy(b, f->buf, f->len);
			b[i] ^= 1u << v;
			x509_parse(b, f->len, &c);
		}
	ok(true, "every bit flip of leaf-rsa parsed without a fault");
	free(b);
}

/* ---- DER primitives ---- */

static int der1(const u8 *p, size_t len, struct der_tlv *t)
{
	struct der_cursor c;

	der_init(&c, p, len);
	return der_next(&c, t);
}

static int time_of(u8 tag, const char *s, s64 *v)
{
	struct der_tlv t = { .tag = tag, .val = { (const u8 *)s, strlen(s) } };

	return der_time(&t, v);
}

static void test_der(void)
{
	static const u8 long_ok[] = { 0x04, 0x81, 0x80 };
	static const u8 long_short[] = { 0x04, 0x81, 0x05, 1, 2, 3, 4, 5 };
	static const u8 indef[] = { 0x30, 0x80, 0, 0 };
	static const u8 hitag[] = { 0x1f, 0x22, 0x01, 0x00 };
	static const u8 zero_len[] = { 0x04, 0x82, 0x00, 0x90 };
	static const u8 over[] = { 0x04, 0x84, 0x7f, 0xff, 0xff, 0xff };
	u8 big[3 + 128] = { 0x04, 0x81, 0x80 };
	struct der_span m;
	struct der_tlv t;
	s64 v = 0;
	u32 u;

	rc_is(der1(big, sizeof(big), &t), 0, "DER: long form 0x81 0x80");
	ok(t.val.len == 128 && t.raw.len == 131, "DER: long form lengths");
	rc_is(der1(long_ok, sizeof(long_ok), &t), -EBADMSG, "DER: contents past the end");
	rc_is(der1(long_short, sizeof(long_short), &t), -EBADMSG, "DER: long form for 5 refused");
	rc_is(der1(indef, sizeof(indef), &t), -EBADMSG, "DER: indefinite length refused");
	rc_is(der1(hitag, sizeof(hitag), &t), -EBADMSG, "DER: multi-byte tag refused");
	rc_is(der1(zero_len, sizeof(zero_len), &t), -EBADMSG, "DER: leading zero length byte");
	rc_is(der1(over, sizeof(over), &t), -EBADMSG, "DER: 2^31-1 bytes past the end");
	t = (struct der_tlv){ .tag = DER_INTEGER, .val = { (const u8 *)"\x00\x7f", 2 } };
	rc_is(der_integer(&t, &m), -EBADMSG, "DER: INTEGER 00 7f not minimal");
	t.val.p = (const u8 *)"\x00\x80";
	rc_is(der_integer(&t, &m), 0, "DER: INTEGER 00 80 minimal");
	rc_is(der_uint(&t, 255, &u), 0, "DER: INTEGER 128 <= 255");
	rc_is(u, 128, "DER: INTEGER value 128");
	t.val.p = (const u8 *)"\xff\x80";
	rc_is(der_integer(&t, &m), -EBADMSG, "DER: INTEGER ff 80 not minimal");
	t = (struct der_tlv){ .tag = DER_BIT_STRING, .val = { (const u8 *)"\x03\x0f", 2 } };
	rc_is(der_bit_string(&t, &m, (u8 *)&u), -EBADMSG, "DER: BIT STRING unused bits set");
	t.val.p = (const u8 *)"\x03\x08";
	rc_is(der_bit_string(&t, &m, (u8 *)&u), 0, "DER: BIT STRING unused bits clear");
	rc_is(time_of(DER_UTC_TIME, "491231235959Z", &v), 0, "UTCTime 49 parses");
	rc_is(v, utc(2049, 12, 31, 23, 59, 59), "UTCTime 49 is 2049");
	rc_is(time_of(DER_UTC_TIME, "500101000000Z", &v), 0, "UTCTime 50 parses");
	rc_is(v, utc(1950, 1, 1, 0, 0, 0), "UTCTime 50 is 1950");
	rc_is(time_of(DER_GEN_TIME, "20240229120000Z", &v), 0, "leap day 2024");
	rc_is(v, utc(2024, 2, 29, 12, 0, 0), "leap day 2024 value");
	rc_is(time_of(DER_GEN_TIME, "21000301000000Z", &v), 0, "2100-03-01");
	rc_is(v, utc(2100, 3, 1, 0, 0, 0), "2100-03-01 value (2100 not leap)");
	rc_is(time_of(DER_GEN_TIME, "21000229000000Z", &v), -EBADMSG, "2100-02-29 refused");
	rc_is(time_of(DER_GEN_TIME, "20230229000000Z", &v), -EBADMSG, "2023-02-29 refused");
	rc_is(time_of(DER_UTC_TIME, "231301000000Z", &v), -EBADMSG, "month 13 refused");
	rc_is(time_of(DER_UTC_TIME, "230101240000Z", &v), -EBADMSG, "hour 24 refused");
	rc_is(time_of(DER_UTC_TIME, "2301010000Z", &v), -EBADMSG, "no seconds refused");
	rc_is(time_of(DER_UTC_TIME, "230101000000+0100", &v), -EBADMSG, "offset refused");
	rc_is(time_of(DER_UTC_TIME, "x30101000000Z", &v), -EBADMSG, "non-digit year refused");
	rc_is(time_of(DER_GEN_TIME, "20230101000000.5Z", &v), -EBADMSG, "fraction refused");
}

/* Real-world certificates: every system trust anchor must parse. */
static void test_system_roots(void)
{
	static struct x509_cert c;
	unsigned int n = 0, good = 0;
	char path[1024];
	struct dirent *de;
	DIR *d = opendir(CA_SEEDS);
	size_t len;
	u8 *b;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", CA_SEEDS, de->d_name);
		b = x509_load(path, &len);
		n++;
		if (b && !x509_parse(b, len, &c))
			good++;
		else
			printf("# does not parse: %s\n", path);
		free(b);
	}
	if (d)
		closedir(d);
	if (!n)
		printf("ok %u - # SKIP no system trust anchors in %s\n", ++ntests, CA_SEEDS);
	else
		rc_is(good, n, "all %u system trust anchors parse", n);
}

int main(int argc, char **argv)
{
	bool plan = !(argc > 1 && !strcmp(argv[1], "--no-plan"));

	test_der();
	test_fixtures();
	test_facts();
	test_crl();
	test_chain_good();
	test_chain_bad();
	test_chain_tampered();
	test_mutations();
	test_system_roots();
	rc_is(nverify_seen > 0, 1, "the signature callback was used");
	if (plan)
		printf("1..%u\n", ntests);
	return nfailed ? 1 : 0;
}

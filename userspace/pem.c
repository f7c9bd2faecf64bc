// SPDX-License-Identifier: GPL-2.0
/*
 * PEM and DER files for certificate authentication: certificates, CRLs
 * and RSA private keys (PKCS#1 or PKCS#8), see pem.h.  Only as much DER is
 * read as it takes to unwrap PKCS#8 and to size an RSA key: the kernel
 * parses the certificates and checks the key.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pem.h"

#define R(...) (snprintf(r, rlen, __VA_ARGS__), -1)

void oak_blob_free(struct oak_blob *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

void oak_blob_wipe(struct oak_blob *b)
{
	if (b->p)
		explicit_bzero(b->p, b->len);
	oak_blob_free(b);
}

int oak_blob_dup(struct oak_blob *dst, const struct oak_blob *src)
{
	dst->p = malloc(src->len ? src->len : 1);
	if (!dst->p)
		return -1;
	memcpy(dst->p, src->p, src->len);
	dst->len = src->len;
	return 0;
}

int oak_b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* base64 of [s, e), white space ignored, '=' padding at the end only */
static int b64_decode(const char *s, const char *e, struct oak_blob *out)
{
	unsigned int acc = 0, bits = 0;
	bool pad = false;
	size_t n = 0;
	int v;

	out->p = malloc((size_t)(e - s) / 4 * 3 + 3);
	if (!out->p)
		return -1;
	for (; s < e; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			continue;
		if (*s == '=') {
			pad = true;
			continue;
		}
		v = oak_b64val((unsigned char)*s);
		if (v < 0 || pad)
			goto bad;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->p[n++] = (uint8_t)(acc >> bits);
		}
	}
	out->len = n;
	explicit_bzero(&acc, sizeof(acc));
	return n ? 0 : -1;
bad:
	explicit_bzero(out->p, n);
	oak_blob_free(out);
	return -1;
}

/*
 * The next PEM block at or after *pos: its label (up to 31 bytes) and its
 * body decoded.  1 if found, 0 if none is left, -1 if one is malformed.
 */
static int pem_next(const char *buf, size_t len, size_t *pos, char *label,
		    struct oak_blob *out)
{
	static const char begin[] = "-----BEGIN ", dashes[] = "-----";
	const char *end = buf + len, *b, *lab, *lab_end, *body, *stop;
	char endline[64];

	b = memmem(buf + *pos, len - *pos, begin, sizeof(begin) - 1);
	if (!b)
		return 0;
	lab = b + sizeof(begin) - 1;
	lab_end = memmem(lab, (size_t)(end - lab), dashes, sizeof(dashes) - 1);
	if (!lab_end || lab_end - lab > 31 || memchr(lab, '\n', (size_t)(lab_end - lab)))
		return -1;
	memcpy(label, lab, (size_t)(lab_end - lab));
	label[lab_end - lab] = 0;
	body = lab_end + sizeof(dashes) - 1;
	snprintf(endline, sizeof(endline), "-----END %s-----", label);
	stop = memmem(body, (size_t)(end - body), endline, strlen(endline));
	if (!stop)
		return -1;
	*pos = (size_t)(stop - buf) + strlen(endline);
	if (memchr(body, ':', (size_t)(stop - body)))
		return -2;	/* RFC 1421 headers: an encrypted key */
	return b64_decode(body, stop, out) ? -1 : 1;
}

static bool is_pem(const char *buf, size_t len)
{
	return memmem(buf, len, "-----BEGIN ", 11) != NULL;
}

/* A DER file: one SEQUENCE */
static bool is_der(const char *buf, size_t len)
{
	return len >= 2 && (uint8_t)buf[0] == 0x30;
}

static int der_copy(const char *buf, size_t len, struct oak_blob *out)
{
	struct oak_blob in = { .p = (uint8_t *)buf, .len = len };

	return oak_blob_dup(out, &in);
}

int oak_pem_certs(const char *buf, size_t len, struct oak_blob *out, unsigned int max,
		  unsigned int *n, char *r, size_t rlen)
{
	struct oak_blob b;
	char label[32];
	size_t pos = 0;
	int rc;

	*n = 0;
	if (!is_pem(buf, len)) {
		if (!is_der(buf, len))
			return R("neither PEM nor DER");
		if (der_copy(buf, len, &out[0]))
			return R("out of memory");
		*n = 1;
		return 0;
	}
	while ((rc = pem_next(buf, len, &pos, label, &b)) == 1) {
		if (strcmp(label, "CERTIFICATE")) {
			oak_blob_free(&b);
			continue;
		}
		if (*n == max) {
			oak_blob_free(&b);
			return R("more than %u certificates", max);
		}
		out[(*n)++] = b;
	}
	if (rc < 0)
		return R("malformed PEM");
	return *n ? 0 : R("no CERTIFICATE in the PEM file");
}

int oak_pem_crl(const char *buf, size_t len, struct oak_blob *out, char *r, size_t rlen)
{
	char label[32];
	size_t pos = 0;
	int rc;

	if (!is_pem(buf, len)) {
		if (!is_der(buf, len))
			return R("neither PEM nor DER");
		return der_copy(buf, len, out) ? R("out of memory") : 0;
	}
	while ((rc = pem_next(buf, len, &pos, label, out)) == 1) {
		if (!strcmp(label, "X509 CRL"))
			return 0;
		oak_blob_free(out);
	}
	return rc < 0 ? R("malformed PEM") : R("no X509 CRL in the PEM file");
}

/* ---- just enough DER ---- */

struct der {
	const uint8_t *p;
	size_t len;
};

/* The next TLV of *d: tag, contents; 0 or -1. */
static int der_next(struct der *d, uint8_t *tag, struct der *val)
{
	size_t l, hdr = 2, i, nb;

	if (d->len < 2)
		return -1;
	*tag = d->p[0];
	l = d->p[1];
	if (l & 0x80) {
		nb = l & 0x7f;
		if (!nb || nb > 3 || d->len < 2 + nb)
			return -1;
		for (l = 0, i = 0; i < nb; i++)
			l = (l << 8) | d->p[2 + i];
		hdr += nb;
	}
	if (l > d->len - hdr)
		return -1;
	val->p = d->p + hdr;
	val->len = l;
	d->p += hdr + l;
	d->len -= hdr + l;
	return 0;
}

static int der_expect(struct der *d, uint8_t want, struct der *val)
{
	uint8_t tag;

	return der_next(d, &tag, val) || tag != want ? -1 : 0;
}

static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t oid_ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t oid_ed25519[] = { 0x2b, 0x65, 0x70 };

static bool oid_is(const struct der *o, const uint8_t *oid, size_t len)
{
	return o->len == len && !memcmp(o->p, oid, len);
}

/* RSAPrivateKey: version 0, then the modulus: 2048-4096 bits. */
static int rsa_check(const uint8_t *p, size_t len, char *r, size_t rlen)
{
	struct der d = { p, len }, seq, v;
	size_t bits;

	if (der_expect(&d, 0x30, &seq) || d.len || der_expect(&seq, 0x02, &v) ||
	    v.len != 1 || v.p[0] != 0 || der_expect(&seq, 0x02, &v) || !v.len)
		return R("not an RSA private key (PKCS#1)");
	while (v.len && !v.p[0]) {
		v.p++;
		v.len--;
	}
	bits = v.len * 8;
	if (v.len)
		for (uint8_t top = v.p[0]; !(top & 0x80); top <<= 1)
			bits--;
	if (bits < 2048 || bits > 4096)
		return R("RSA key of %zu bits: 2048 to 4096 bits only", bits);
	return 0;
}

/* PrivateKeyInfo (RFC 5208): the RSAPrivateKey inside, or why not. */
static int pkcs8_unwrap(const struct oak_blob *in, struct der *key, char *r, size_t rlen)
{
	struct der d = { in->p, in->len }, seq, v, alg, oid;

	if (der_expect(&d, 0x30, &seq) || der_expect(&seq, 0x02, &v) ||
	    der_expect(&seq, 0x30, &alg) || der_expect(&alg, 0x06, &oid))
		return R("not a PKCS#8 private key");
	if (oid_is(&oid, oid_ec, sizeof(oid_ec)) ||
	    oid_is(&oid, oid_ed25519, sizeof(oid_ed25519)))
		return R("an ECDSA or EdDSA key: the kernel (6.1) can sign only with RSA");
	if (!oid_is(&oid, oid_rsa, sizeof(oid_rsa)))
		return R("not an RSA key: the kernel (6.1) can sign only with RSA");
	if (der_expect(&seq, 0x04, key))
		return R("not a PKCS#8 private key");
	return 0;
}

/* in (DER, wiped and freed here) is PKCS#1 or PKCS#8: out gets PKCS#1. */
static int rsa_from_der(struct oak_blob *in, bool pkcs8, struct oak_blob *out, char *r,
			size_t rlen)
{
	struct der key = { in->p, in->len };
	struct oak_blob k;
	int rc = 0;

	if (pkcs8)
		rc = pkcs8_unwrap(in, &key, r, rlen);
	if (!rc)
		rc = rsa_check(key.p, key.len, r, rlen);
	if (!rc) {
		k.p = (uint8_t *)key.p;
		k.len = key.len;
		rc = oak_blob_dup(out, &k) ? R("out of memory") : 0;
	}
	oak_blob_wipe(in);
	return rc;
}

int oak_pem_rsa_key(const char *buf, size_t len, struct oak_blob *out, char *r, size_t rlen)
{
	struct oak_blob der;
	char label[32];
	size_t pos = 0;
	struct der d, seq, v;
	uint8_t tag;
	int rc;

	if (!is_pem(buf, len)) {
		if (!is_der(buf, len) || der_copy(buf, len, &der))
			return R("neither PEM nor DER");
		/* PKCS#1 starts with INTEGER 0, INTEGER n; PKCS#8 with INTEGER 0, SEQUENCE */
		d.p = der.p;
		d.len = der.len;
		if (der_expect(&d, 0x30, &seq) || der_expect(&seq, 0x02, &v) ||
		    der_next(&seq, &tag, &v)) {
			oak_blob_wipe(&der);
			return R("not a private key");
		}
		return rsa_from_der(&der, tag == 0x30, out, r, rlen);
	}
	while ((rc = pem_next(buf, len, &pos, label, &der)) == 1) {
		if (!strcmp(label, "RSA PRIVATE KEY"))
			return rsa_from_der(&der, false, out, r, rlen);
		if (!strcmp(label, "PRIVATE KEY"))
			return rsa_from_der(&der, true, out, r, rlen);
		oak_blob_wipe(&der);
		if (!strcmp(label, "ENCRYPTED PRIVATE KEY"))
			return R("an encrypted private key: give it unencrypted (in a 0600 file)");
		if (!strcmp(label, "EC PRIVATE KEY"))
			return R("an ECDSA key: the kernel (6.1) can sign only with RSA");
	}
	if (rc == -2)
		return R("an encrypted private key: give it unencrypted (in a 0600 file)");
	return rc < 0 ? R("malformed PEM") : R("no PRIVATE KEY in the PEM file");
}

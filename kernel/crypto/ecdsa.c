// SPDX-License-Identifier: GPL-2.0
/*
 * ECDSA verification on P-256 and P-384 (FIPS 186-4 6.4.2, SEC 1 4.1.4).
 * Debian's 6.1 kernel is built without CONFIG_CRYPTO_ECDSA, so there is no
 * "ecdsa-nist-p256" akcipher to call; this is our own verifier on the
 * arithmetic that ecc.ko exports (the module the ecdh akcipher uses, so it
 * is present wherever ecdh is): ecc_get_curve() for the domain parameters,
 * ecc_is_pubkey_valid_full() for the public key (on the curve, in range, of
 * order n), vli_mod_inv() / vli_mod_mult_slow() modulo n and
 * ecc_point_mult_shamir() for u1 * G + u2 * Q.  Referencing those symbols
 * makes ecc a dependency of oakley.ko (modinfo depends), so modprobe loads
 * it first.
 *
 * Verification handles public data only: it need not be constant time.
 * There is no signing: a signer needs a secret nonce and constant-time
 * scalar multiplication, and ecc.ko's point multiplication for secrets is
 * not exported.
 */
#include <crypto/ecdh.h>
#include <crypto/internal/ecc.h>
#include <linux/err.h>
#include <linux/string.h>

#include "pubkey_priv.h"

struct oak_ec {
	const struct ecc_curve *curve;
	unsigned int ndigits;
	unsigned int nbytes;
};

static int oak_ec_get(const struct x509_pubkey *key, struct oak_ec *ec)
{
	unsigned int id;

	if (key->type != X509_KEY_EC)
		return -EOPNOTSUPP;
	switch (key->curve) {
	case X509_CURVE_P256:
		id = ECC_CURVE_NIST_P256;
		ec->ndigits = ECC_CURVE_NIST_P256_DIGITS;
		break;
	case X509_CURVE_P384:
		id = ECC_CURVE_NIST_P384;
		ec->ndigits = ECC_CURVE_NIST_P384_DIGITS;
		break;
	default:
		return -EOPNOTSUPP;
	}
	ec->curve = ecc_get_curve(id);
	if (!ec->curve || ec->curve->g.ndigits != ec->ndigits)
		return -EOPNOTSUPP;
	ec->nbytes = ec->ndigits << ECC_DIGITS_TO_BYTES_SHIFT;
	return 0;
}

unsigned int oak_ecdsa_curve_bytes(const struct x509_pubkey *key)
{
	struct oak_ec ec;

	return oak_ec_get(key, &ec) ? 0 : ec.nbytes;
}

/*
 * A big-endian integer of up to nbytes significant bytes (leading zeros
 * allowed) as a vli of ndigits; -EBADMSG if it does not fit.
 */
static int oak_ec_load(const struct oak_ec *ec, const u8 *p, size_t len, u64 *out)
{
	u8 buf[ECC_MAX_BYTES];

	while (len && !*p) {
		p++;
		len--;
	}
	if (len > ec->nbytes)
		return -EBADMSG;
	memset(buf, 0, ec->nbytes - len);
	memcpy(buf + ec->nbytes - len, p, len);
	ecc_swap_digits(buf, out, ec->ndigits);
	return 0;
}

int oak_ecdsa_verify(const struct x509_pubkey *key, const u8 *digest, size_t dlen,
		     const u8 *r, size_t rlen, const u8 *s, size_t slen)
{
	u64 qx[ECC_MAX_DIGITS], qy[ECC_MAX_DIGITS];
	u64 vr[ECC_MAX_DIGITS], vs[ECC_MAX_DIGITS], e[ECC_MAX_DIGITS];
	u64 w[ECC_MAX_DIGITS], u1[ECC_MAX_DIGITS], u2[ECC_MAX_DIGITS];
	u64 x1[ECC_MAX_DIGITS], y1[ECC_MAX_DIGITS];
	struct ecc_point q, res;
	const u64 *n;
	struct oak_ec ec;
	int rc;

	rc = oak_ec_get(key, &ec);
	if (rc)
		return rc;
	n = ec.curve->n;
	/* The public key: 0x04 || X || Y (uncompressed), on the curve, of order n. */
	if (key->point.len != 1 + 2 * ec.nbytes || key->point.p[0] != 0x04)
		return -EBADMSG;
	ecc_swap_digits(key->point.p + 1, qx, ec.ndigits);
	ecc_swap_digits(key->point.p + 1 + ec.nbytes, qy, ec.ndigits);
	q = ECC_POINT_INIT(qx, qy, ec.ndigits);
	if (ecc_is_pubkey_valid_full(ec.curve, &q))
		return -EBADMSG;

	/* 1 <= r, s <= n - 1 */
	if (oak_ec_load(&ec, r, rlen, vr) || oak_ec_load(&ec, s, slen, vs))
		return -EKEYREJECTED;
	if (vli_is_zero(vr, ec.ndigits) || vli_cmp(vr, n, ec.ndigits) >= 0 ||
	    vli_is_zero(vs, ec.ndigits) || vli_cmp(vs, n, ec.ndigits) >= 0)
		return -EKEYREJECTED;

	/* e: the leftmost bits of the digest, as many as n has (256 or 384). */
	if (!dlen)
		return -EINVAL;
	if (oak_ec_load(&ec, digest, min_t(size_t, dlen, ec.nbytes), e))
		return -EINVAL;

	/* w = s^-1, u1 = e * w, u2 = r * w (mod n); R = u1 * G + u2 * Q */
	vli_mod_inv(w, vs, n, ec.ndigits);
	vli_mod_mult_slow(u1, e, w, n, ec.ndigits);
	vli_mod_mult_slow(u2, vr, w, n, ec.ndigits);
	res = ECC_POINT_INIT(x1, y1, ec.ndigits);
	ecc_point_mult_shamir(&res, u1, &ec.curve->g, u2, &q, ec.curve);
	if (ecc_point_is_zero(&res))
		return -EKEYREJECTED;
	/* v = x1 mod n: x1 < p < 2n on both curves, so one subtraction does. */
	if (vli_cmp(x1, n, ec.ndigits) >= 0)
		vli_sub(x1, x1, n, ec.ndigits);
	return vli_cmp(x1, vr, ec.ndigits) ? -EKEYREJECTED : 0;
}

int oak_ecdsa_verify_der(const struct x509_pubkey *key, const u8 *digest, size_t dlen,
			 const u8 *sig, size_t sig_len)
{
	struct der_cursor c, in;
	struct der_tlv tr, ts;
	struct der_span r, s;
	int rc;

	/* Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, nothing after it */
	der_init(&c, sig, sig_len);
	rc = der_enter_seq(&c, &in, NULL);
	if (!rc)
		rc = der_expect(&in, DER_INTEGER, &tr);
	if (!rc)
		rc = der_expect(&in, DER_INTEGER, &ts);
	if (!rc)
		rc = der_integer(&tr, &r);
	if (!rc)
		rc = der_integer(&ts, &s);
	if (rc || !der_at_end(&in) || !der_at_end(&c))
		return -EBADMSG;
	/* Negative values are out of range. */
	if ((r.p[0] & 0x80) || (s.p[0] & 0x80))
		return -EKEYREJECTED;
	return oak_ecdsa_verify(key, digest, dlen, r.p, r.len, s.p, s.len);
}

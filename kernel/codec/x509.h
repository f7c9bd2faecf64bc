/* SPDX-License-Identifier: GPL-2.0 */
/*
 * X.509 v1-v3 certificates and v1/v2 CRLs (RFC 5280), DER only: pure
 * parsers over byte buffers that build in the kernel and, through compat.h,
 * in userspace.  Parsed structures point into the caller's buffer, which
 * must outlive them; nothing is allocated.  PEM is decoded by oak.
 *
 * Return values: 0; -EBADMSG for malformed DER or a field RFC 5280 forbids;
 * -E2BIG above a limit below; -EOPNOTSUPP for a critical extension this
 * parser does not process (the certificate or CRL must then be refused).
 * An unknown signature algorithm or key type is not an error: it is
 * recorded as X509_SIG_UNKNOWN / X509_KEY_UNKNOWN and fails verification.
 */
#ifndef OAKLEY_CODEC_X509_H
#define OAKLEY_CODEC_X509_H

#include "der.h"

#define X509_MAX_CERT_LEN	16384	/* whole certificate, DER */
#define X509_MAX_SAN		32	/* DNS, e-mail and IP entries kept */
#define X509_MAX_SERIAL		32	/* contents bytes (RFC 5280: <= 20) */
#define X509_MAX_KEYID		64	/* SKID / AKID keyIdentifier bytes */
#define X509_MAX_PSS_SALT	512
#define X509_MAX_PATHLEN	255

enum x509_hash {
	X509_HASH_NONE,
	X509_HASH_SHA1,
	X509_HASH_SHA256,
	X509_HASH_SHA384,
	X509_HASH_SHA512,
};

enum x509_sig_type {
	X509_SIG_UNKNOWN,
	X509_SIG_RSA_PKCS1,	/* RSASSA-PKCS1-v1_5 */
	X509_SIG_RSA_PSS,	/* RSASSA-PSS, parameters in struct x509_sig_alg */
	X509_SIG_ECDSA,		/* signature value: DER SEQUENCE { r, s } */
};

struct x509_sig_alg {
	u8 type;		/* enum x509_sig_type */
	u8 hash;		/* enum x509_hash */
	u8 mgf_hash;		/* PSS: MGF1's hash */
	u16 salt_len;		/* PSS */
};

enum x509_key_type {
	X509_KEY_UNKNOWN,
	X509_KEY_RSA,
	X509_KEY_EC,
};

enum x509_curve {
	X509_CURVE_NONE,
	X509_CURVE_P256,
	X509_CURVE_P384,
};

struct x509_pubkey {
	u8 type;		/* enum x509_key_type */
	u8 curve;		/* enum x509_curve (EC) */
	bool pss_only;		/* RSA key with the id-RSASSA-PSS OID */
	struct der_span spki;	/* SubjectPublicKeyInfo, whole (CERTREQ hashes it) */
	struct der_span n;	/* RSA modulus, no leading zero byte */
	struct der_span e;	/* RSA public exponent, no leading zero byte */
	struct der_span point;	/* EC: 0x04 || X || Y */
	struct der_span curve_oid; /* EC: the namedCurve OID contents */
};

enum x509_san_type {
	X509_SAN_EMAIL = 1,	/* rfc822Name */
	X509_SAN_DNS = 2,	/* dNSName */
	X509_SAN_IP = 7,	/* iPAddress: 4 or 16 bytes */
};

struct x509_san {
	u8 type;		/* enum x509_san_type */
	struct der_span v;
};

/* keyUsage bits: bit n of the BIT STRING is (1 << n). */
#define X509_KU_DIGITAL_SIGNATURE	BIT(0)
#define X509_KU_NON_REPUDIATION		BIT(1)
#define X509_KU_KEY_ENCIPHERMENT	BIT(2)
#define X509_KU_DATA_ENCIPHERMENT	BIT(3)
#define X509_KU_KEY_AGREEMENT		BIT(4)
#define X509_KU_KEY_CERT_SIGN		BIT(5)
#define X509_KU_CRL_SIGN		BIT(6)
#define X509_KU_ENCIPHER_ONLY		BIT(7)
#define X509_KU_DECIPHER_ONLY		BIT(8)

/* Extensions seen (struct x509_cert.ext), one bit each. */
#define X509_EXT_BASIC_CONSTRAINTS	BIT(0)
#define X509_EXT_KEY_USAGE		BIT(1)
#define X509_EXT_SAN			BIT(2)
#define X509_EXT_SKID			BIT(3)
#define X509_EXT_AKID			BIT(4)
#define X509_EXT_EKU			BIT(5)

/* extendedKeyUsage purposes (struct x509_cert.eku). */
#define X509_EKU_ANY			BIT(0)
#define X509_EKU_SERVER_AUTH		BIT(1)
#define X509_EKU_CLIENT_AUTH		BIT(2)
#define X509_EKU_IPSEC_IKE		BIT(3)
#define X509_EKU_OTHER			BIT(4)

struct x509_cert {
	struct der_span raw;		/* the whole certificate */
	struct der_span tbs;		/* TBSCertificate, header included: signed */
	u8 version;			/* 1, 2 or 3 */
	struct der_span serial;		/* INTEGER contents */
	struct x509_sig_alg sig_alg;
	struct der_span sig;		/* signatureValue bits (unused-bits byte off) */
	struct der_span issuer;		/* Name, header included */
	struct der_span subject;	/* Name, header included */
	s64 not_before;			/* seconds since the epoch */
	s64 not_after;
	struct x509_pubkey key;
	u32 ext;			/* X509_EXT_* present */
	bool ca;			/* basicConstraints cA */
	s32 path_len;			/* pathLenConstraint, -1 if absent */
	u16 key_usage;			/* X509_KU_*, valid if X509_EXT_KEY_USAGE */
	u8 eku;				/* X509_EKU_*, valid if X509_EXT_EKU */
	struct der_span skid;
	struct der_span akid;		/* keyIdentifier; len 0 if absent */
	unsigned int nsan;
	struct x509_san san[X509_MAX_SAN];
};

int x509_parse(const u8 *buf, size_t len, struct x509_cert *c);

/*
 * A whole signature AlgorithmIdentifier in buf, nothing after it (the
 * RFC 7427 Digital Signature AUTH payload): as in a certificate, an unknown
 * algorithm is X509_SIG_UNKNOWN, not an error.
 */
int x509_parse_algid(const u8 *buf, size_t len, struct x509_sig_alg *a);

/* A CRL: the revoked serials stay in the buffer, see x509_crl_revoked(). */
struct x509_crl {
	struct der_span raw;
	struct der_span tbs;
	struct x509_sig_alg sig_alg;
	struct der_span sig;
	struct der_span issuer;
	s64 this_update;
	s64 next_update;		/* 0 if absent */
	struct der_span revoked;	/* revokedCertificates contents */
	u32 nrevoked;
	struct der_span akid;
};

#define X509_MAX_CRL_LEN	(4u << 20)

int x509_crl_parse(const u8 *buf, size_t len, struct x509_crl *crl);
/* True if crl lists the serial (INTEGER contents, as in x509_cert.serial). */
bool x509_crl_revoked(const struct x509_crl *crl, const struct der_span *serial);

/*
 * Identity matching (RFC 7296 ID types against the certificate).  FQDN:
 * a dNSName equal ignoring ASCII case, no wildcards.  RFC822: an rfc822Name
 * with the same local part and the domain equal ignoring case.  IP: an
 * iPAddress of the same 4 or 16 bytes.  DN: the subject's DER, byte for byte.
 */
bool x509_match_fqdn(const struct x509_cert *c, const u8 *name, size_t len);
bool x509_match_email(const struct x509_cert *c, const u8 *addr, size_t len);
bool x509_match_ip(const struct x509_cert *c, const u8 *addr, size_t len);
bool x509_match_dn(const struct x509_cert *c, const u8 *dn, size_t len);

#endif /* OAKLEY_CODEC_X509_H */

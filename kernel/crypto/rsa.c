// SPDX-License-Identifier: GPL-2.0
/*
 * RSA through the kernel's akcipher API: PKCS#1 v1.5 verification and
 * signing with pkcs1pad(rsa,<hash>) (with DigestInfo) and pkcs1pad(rsa)
 * (without: IKEv1), and the bare public and private operations of "rsa"
 * for the PSS code (pss.c).
 *
 * The kernel's rsa takes keys as PKCS#1 DER: RSAPublicKey (built here from
 * the modulus and exponent the X.509 parser found) and RSAPrivateKey (our
 * own key, as configured).  Moduli of 512..4096 bits in the sizes rsa.c
 * accepts (1024, 1536, 2048, 3072, 4096 and 512, in bytes); anything else
 * is refused by set_pub_key.
 *
 * Pitfalls of 6.1 (kernel-facts.md): every buffer behind a scatterlist is
 * kmalloc'd here (the caller's may be on the stack or in .rodata); verify
 * takes signature then digest in src with dst NULL; sign wants dst_len equal
 * to crypto_akcipher_maxsize() exactly.
 */
#include <crypto/akcipher.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"
#include "pubkey_priv.h"

struct oak_rsa_key {
	u8 *der;		/* RSAPrivateKey, wiped on free */
	size_t len;
	unsigned int size;	/* modulus bytes */
};

/* One request, waited for: akcipher implementations may be asynchronous. */
static int oak_akcipher_run(struct crypto_akcipher *tfm, int (*op)(struct akcipher_request *),
			    struct scatterlist *src, struct scatterlist *dst,
			    unsigned int src_len, unsigned int *dst_len)
{
	struct akcipher_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	int rc;

	req = akcipher_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	akcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	akcipher_request_set_crypt(req, src, dst, src_len, *dst_len);
	rc = crypto_wait_req(op(req), &wait);
	*dst_len = req->dst_len;
	akcipher_request_free(req);
	return rc;
}

static int oak_akcipher_verify(struct akcipher_request *req)
{
	return crypto_akcipher_verify(req);
}

static int oak_akcipher_encrypt(struct akcipher_request *req)
{
	return crypto_akcipher_encrypt(req);
}

static int oak_akcipher_decrypt(struct akcipher_request *req)
{
	return crypto_akcipher_decrypt(req);
}

static int oak_akcipher_sign(struct akcipher_request *req)
{
	return crypto_akcipher_sign(req);
}

/* A DER header for tag and len at p (NULL: only count); its length. */
static size_t der_put_hdr(u8 *p, u8 tag, size_t len)
{
	size_t n = len < 0x80 ? 1 : len < 0x100 ? 2 : 3;

	if (p) {
		p[0] = tag;
		if (n == 1) {
			p[1] = len;
		} else if (n == 2) {
			p[1] = 0x81;
			p[2] = len;
		} else {
			p[1] = 0x82;
			p[2] = len >> 8;
			p[3] = len;
		}
	}
	return 1 + n;
}

/* A non-negative INTEGER from a magnitude without leading zeros. */
static size_t der_put_uint(u8 *p, const struct der_span *v)
{
	bool pad = v->p[0] & 0x80;
	size_t h = der_put_hdr(p, DER_INTEGER, v->len + pad);

	if (p) {
		p += h;
		if (pad)
			*p++ = 0;
		memcpy(p, v->p, v->len);
	}
	return h + pad + v->len;
}

unsigned int oak_rsa_modulus_bits(const struct x509_pubkey *key)
{
	if (key->type != X509_KEY_RSA || !key->n.len || !key->e.len ||
	    key->n.len > OAK_RSA_MAX_BYTES || key->e.len > OAK_RSA_MAX_BYTES || !key->n.p[0])
		return 0;
	return (key->n.len - 1) * 8 + fls(key->n.p[0]);
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, kmalloc'd. */
static u8 *oak_rsa_pub_der(const struct x509_pubkey *key, size_t *len)
{
	size_t body, h;
	u8 *der, *p;

	body = der_put_uint(NULL, &key->n) + der_put_uint(NULL, &key->e);
	h = der_put_hdr(NULL, DER_SEQUENCE, body);
	der = kmalloc(h + body, GFP_KERNEL);
	if (!der)
		return NULL;
	p = der + der_put_hdr(der, DER_SEQUENCE, body);
	p += der_put_uint(p, &key->n);
	der_put_uint(p, &key->e);
	*len = h + body;
	return der;
}

static struct crypto_akcipher *oak_rsa_tfm_pub(const char *name, const struct x509_pubkey *key)
{
	struct crypto_akcipher *tfm;
	size_t len;
	u8 *der;
	int rc;

	if (!oak_rsa_modulus_bits(key))
		return ERR_PTR(-EOPNOTSUPP);
	der = oak_rsa_pub_der(key, &len);
	if (!der)
		return ERR_PTR(-ENOMEM);
	tfm = crypto_alloc_akcipher(name, 0, 0);
	if (IS_ERR(tfm)) {
		kfree(der);
		return tfm;
	}
	rc = crypto_akcipher_set_pub_key(tfm, der, len);
	kfree(der);
	if (rc) {
		crypto_free_akcipher(tfm);
		return ERR_PTR(rc);
	}
	return tfm;
}

/* "pkcs1pad(rsa,sha256)", or "pkcs1pad(rsa)" for X509_HASH_NONE. */
static int oak_pkcs1_name(u8 hash, char *buf, size_t len)
{
	const char *h = oak_sig_hash_name(hash);

	if (hash == X509_HASH_NONE)
		return snprintf(buf, len, "pkcs1pad(rsa)") < len ? 0 : -EINVAL;
	if (!h)
		return -EOPNOTSUPP;
	return snprintf(buf, len, "pkcs1pad(rsa,%s)", h) < len ? 0 : -EINVAL;
}

int oak_rsa_pkcs1_verify(const struct x509_pubkey *key, u8 hash, const u8 *digest, size_t dlen,
			 const u8 *sig, size_t sig_len)
{
	struct crypto_akcipher *tfm;
	struct scatterlist sg;
	unsigned int out_len = dlen;
	char name[32];
	u8 *buf;
	int rc;

	if (key->pss_only)
		return -EOPNOTSUPP;	/* RFC 4055: an id-RSASSA-PSS key signs only PSS */
	rc = oak_pkcs1_name(hash, name, sizeof(name));
	if (rc)
		return rc;
	if (!dlen || dlen > OAK_RSA_MAX_BYTES)
		return -EBADMSG;
	tfm = oak_rsa_tfm_pub(name, key);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	rc = -EBADMSG;
	if (sig_len != crypto_akcipher_maxsize(tfm))
		goto out;
	rc = -ENOMEM;
	buf = kmalloc(sig_len + dlen, GFP_KERNEL);
	if (!buf)
		goto out;
	memcpy(buf, sig, sig_len);
	memcpy(buf + sig_len, digest, dlen);
	sg_init_one(&sg, buf, sig_len + dlen);
	rc = oak_akcipher_run(tfm, oak_akcipher_verify, &sg, NULL, sig_len, &out_len);
	kfree(buf);
	/* pkcs1pad says -EBADMSG or -EKEYREJECTED for a bad signature: one answer. */
	if (rc == -EBADMSG || rc == -EINVAL)
		rc = -EKEYREJECTED;
out:
	crypto_free_akcipher(tfm);
	return rc;
}

int oak_rsa_public(const struct x509_pubkey *key, const u8 *sig, size_t sig_len, u8 *em)
{
	struct crypto_akcipher *tfm;
	struct scatterlist src, dst;
	unsigned int k, out_len;
	u8 *buf;
	int rc;

	tfm = oak_rsa_tfm_pub("rsa", key);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	k = crypto_akcipher_maxsize(tfm);
	rc = -EBADMSG;
	if (sig_len != k)
		goto out;
	rc = -ENOMEM;
	buf = kmalloc(sig_len, GFP_KERNEL);
	if (!buf)
		goto out;
	memcpy(buf, sig, sig_len);
	sg_init_one(&src, buf, sig_len);
	sg_init_one(&dst, em, k);
	out_len = k;
	/* rsa's encrypt is RSAVP1: it refuses s >= n; the output is left-padded to k. */
	rc = oak_akcipher_run(tfm, oak_akcipher_encrypt, &src, &dst, sig_len, &out_len);
	kfree(buf);
	if (rc == -EINVAL)
		rc = -EKEYREJECTED;
	else if (!rc && out_len != k)
		rc = -EKEYREJECTED;
out:
	crypto_free_akcipher(tfm);
	return rc;
}

/* Signing ---------------------------------------------------------------- */

static struct crypto_akcipher *oak_rsa_tfm_priv(const char *name, const struct oak_rsa_key *key)
{
	struct crypto_akcipher *tfm;
	int rc;

	tfm = crypto_alloc_akcipher(name, 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	rc = crypto_akcipher_set_priv_key(tfm, key->der, key->len);
	if (rc) {
		crypto_free_akcipher(tfm);
		return ERR_PTR(rc);
	}
	return tfm;
}

struct oak_rsa_key *oak_rsa_key_new(const u8 *der, size_t len)
{
	struct crypto_akcipher *tfm;
	struct oak_rsa_key *key;

	if (!len || len > 8 * OAK_RSA_MAX_BYTES)	/* 4096 bits: about 2.4 KiB */
		return ERR_PTR(-EINVAL);
	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	key->der = kmemdup(der, len, GFP_KERNEL);
	if (!key->der) {
		kfree(key);
		return ERR_PTR(-ENOMEM);
	}
	key->len = len;
	tfm = oak_rsa_tfm_priv("rsa", key);
	if (IS_ERR(tfm)) {
		oak_rsa_key_free(key);
		return ERR_CAST(tfm);
	}
	key->size = crypto_akcipher_maxsize(tfm);
	crypto_free_akcipher(tfm);
	/* Our own AUTH: 2048 bits at least (RFC 8247 and the issue). */
	if (key->size < 256 || key->size > OAK_RSA_MAX_BYTES) {
		oak_rsa_key_free(key);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return key;
}

void oak_rsa_key_free(struct oak_rsa_key *key)
{
	if (!key)
		return;
	oak_free_secret(key->der, key->len);
	kfree(key);
}

unsigned int oak_rsa_key_size(const struct oak_rsa_key *key)
{
	return key->size;
}

/* The modulus and public exponent of an RSAPrivateKey (version 0: two primes). */
static int oak_rsa_priv_pub(const struct oak_rsa_key *key, struct der_span *n,
			    struct der_span *e)
{
	struct der_cursor c, in;
	struct der_tlv t;
	u32 version;
	int rc;

	der_init(&c, key->der, key->len);
	rc = der_enter_seq(&c, &in, NULL);
	if (!rc)
		rc = der_expect(&in, DER_INTEGER, &t);
	if (!rc)
		rc = der_uint(&t, 1, &version);
	if (!rc)
		rc = der_expect(&in, DER_INTEGER, &t);
	if (!rc)
		rc = der_integer(&t, n);
	if (!rc)
		rc = der_expect(&in, DER_INTEGER, &t);
	if (!rc)
		rc = der_integer(&t, e);
	if (rc)
		return rc;
	/* The parser's spans have no sign byte: drop ours. */
	if (n->len > 1 && !n->p[0]) {
		n->p++;
		n->len--;
	}
	if (e->len > 1 && !e->p[0]) {
		e->p++;
		e->len--;
	}
	return 0;
}

unsigned int oak_rsa_key_bits(const struct oak_rsa_key *key)
{
	struct der_span n, e;

	if (oak_rsa_priv_pub(key, &n, &e) || !n.len || !n.p[0])
		return 0;
	return (n.len - 1) * 8 + fls(n.p[0]);
}

/* RSASP1 for pss.c: the raw "rsa" decrypt is m^d mod n, left-padded to len. */
int oak_rsa_private(const struct oak_rsa_key *key, const u8 *em, size_t len, u8 *sig)
{
	struct crypto_akcipher *tfm;
	struct scatterlist src, dst;
	unsigned int out_len;
	u8 *in = NULL, *out = NULL;
	int rc;

	tfm = oak_rsa_tfm_priv("rsa", key);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	rc = -EINVAL;
	if (len != crypto_akcipher_maxsize(tfm))
		goto out;
	rc = -ENOMEM;
	in = kmemdup(em, len, GFP_KERNEL);
	out = kmalloc(len, GFP_KERNEL);
	if (!in || !out)
		goto out;
	sg_init_one(&src, in, len);
	sg_init_one(&dst, out, len);
	out_len = len;
	rc = oak_akcipher_run(tfm, oak_akcipher_decrypt, &src, &dst, len, &out_len);
	if (!rc && out_len != len)
		rc = -EIO;
	if (!rc)
		memcpy(sig, out, len);
out:
	kfree(in);
	kfree(out);
	crypto_free_akcipher(tfm);
	return rc;
}

bool oak_rsa_key_matches(const struct oak_rsa_key *key, const struct x509_pubkey *pub)
{
	struct der_span n, e;

	if (pub->type != X509_KEY_RSA || oak_rsa_priv_pub(key, &n, &e))
		return false;
	return der_span_eq(&n, &pub->n) && der_span_eq(&e, &pub->e);
}

int oak_rsa_sign(const struct oak_rsa_key *key, u8 hash, const u8 *data, size_t len,
		 u8 *sig, size_t cap)
{
	struct crypto_akcipher *tfm;
	struct scatterlist src, dst;
	unsigned int k, out_len;
	u8 *in = NULL, *out = NULL;
	size_t in_len;
	char name[32];
	int rc;

	rc = oak_pkcs1_name(hash, name, sizeof(name));
	if (rc)
		return rc;
	tfm = oak_rsa_tfm_priv(name, key);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	k = crypto_akcipher_maxsize(tfm);
	rc = -ENOSPC;
	if (cap < k)
		goto out;
	rc = -EMSGSIZE;
	if (hash == X509_HASH_NONE && (!len || len + 11 > k))
		goto out;
	rc = -ENOMEM;
	in = kmalloc(hash == X509_HASH_NONE ? len : OAK_SIG_MAX_DIGEST, GFP_KERNEL);
	out = kmalloc(k, GFP_KERNEL);
	if (!in || !out)
		goto out;
	if (hash == X509_HASH_NONE) {
		memcpy(in, data, len);
		in_len = len;
	} else {
		rc = oak_sig_digest(hash, data, len, in);
		if (rc < 0)
			goto out;
		in_len = rc;
	}
	sg_init_one(&src, in, in_len);
	sg_init_one(&dst, out, k);
	out_len = k;	/* exactly maxsize: pkcs1pad oopses on more, refuses less */
	rc = oak_akcipher_run(tfm, oak_akcipher_sign, &src, &dst, in_len, &out_len);
	if (!rc && out_len != k)
		rc = -EIO;
	if (!rc) {
		memcpy(sig, out, k);
		rc = k;
	}
out:
	kfree(in);
	kfree(out);
	crypto_free_akcipher(tfm);
	return rc;
}

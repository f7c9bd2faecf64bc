// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: the certificate part of a connection (issue #17): how each side
 * authenticates, our certificate chain, the name of our private key, the
 * trust anchors and their CRLs.  Each certificate and CRL is parsed once
 * here, so that a connection the kernel accepted holds only what the IKE
 * engine can use; the engine parses them again where it needs the fields
 * (certificates are small, and struct x509_cert points into its buffer).
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "codec/x509.h"
#include "crypto/pubkey.h"
#include "conn.h"
#include "nlparse.h"

#define OAKLEY_SHA1_LEN		20

static int oakley_blobs_count(const struct nlattr *nest, int type, size_t *bytes)
{
	const struct nlattr *a;
	int rem, n = 0;

	*bytes = 0;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type)
			continue;
		n++;
		*bytes += nla_len(a);
	}
	return n;
}

/* Every attribute @type of @nest, copied in order into one allocation. */
static struct oakley_blobs *oakley_blobs_copy(const struct nlattr *nest, int type,
					      struct netlink_ext_ack *extack)
{
	struct oakley_blobs *bl;
	const struct nlattr *a;
	size_t bytes;
	int rem, n;
	u8 *p;

	n = oakley_blobs_count(nest, type, &bytes);
	if (!n)
		return NULL;
	if (n > OAKLEY_MAX_CERTS)
		return ERR_PTR(oakley_err(extack, nest, "more than 16 certificates of one kind"));
	bl = kzalloc(struct_size(bl, b, n) + bytes, GFP_KERNEL);
	if (!bl)
		return ERR_PTR(-ENOMEM);
	p = (u8 *)&bl->b[n];
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type)
			continue;
		memcpy(p, nla_data(a), nla_len(a));
		bl->b[bl->n].data = p;
		bl->b[bl->n].len = nla_len(a);
		bl->b[bl->n].src = a;
		p += nla_len(a);
		bl->n++;
	}
	return bl;
}

/* The CERTREQ of the connection: SHA-1 of each anchor's SubjectPublicKeyInfo (RFC 7296 3.7). */
static int oakley_certreq_add(struct oakley_conn *conn, const struct x509_cert *c)
{
	u8 digest[OAK_SIG_MAX_DIGEST];
	int n;

	if (!conn->certreq) {
		conn->certreq = kmalloc_array(OAKLEY_MAX_CERTS, OAKLEY_SHA1_LEN, GFP_KERNEL);
		if (!conn->certreq)
			return -ENOMEM;
	}
	n = oak_sig_digest(X509_HASH_SHA1, c->key.spki.p, c->key.spki.len, digest);
	if (n != OAKLEY_SHA1_LEN)
		return n < 0 ? n : -EINVAL;
	memcpy(conn->certreq + conn->certreq_len, digest, OAKLEY_SHA1_LEN);
	conn->certreq_len += OAKLEY_SHA1_LEN;
	return 0;
}

static int oakley_certs_check(struct oakley_conn *conn, const struct oakley_blobs *bl,
			      bool anchors, struct netlink_ext_ack *extack)
{
	struct x509_cert *c;
	unsigned int i;
	int err = 0;

	if (!bl)
		return 0;
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	for (i = 0; i < bl->n && !err; i++) {
		if (x509_parse(bl->b[i].data, bl->b[i].len, c))
			err = oakley_err(extack, bl->b[i].src,
					 "not an X.509 certificate this parser accepts");
		else if (!i && !anchors && c->key.type != X509_KEY_RSA)
			err = oakley_unsupported(extack, bl->b[i].src,
						 "our certificate must hold an RSA key (we sign with RSA)");
		else if (anchors && !c->ca)
			err = oakley_err(extack, bl->b[i].src, "a ca certificate without CA:TRUE");
		else if (anchors)
			err = oakley_certreq_add(conn, c);
	}
	kfree(c);
	return err;
}

static int oakley_crls_check(const struct oakley_blobs *bl, struct netlink_ext_ack *extack)
{
	struct x509_crl crl;
	unsigned int i;

	for (i = 0; bl && i < bl->n; i++)
		if (x509_crl_parse(bl->b[i].data, bl->b[i].len, &crl))
			return oakley_err(extack, bl->b[i].src,
					  "not an X.509 CRL this parser accepts");
	return 0;
}

static int oakley_conn_copy_creds(struct oakley_conn *conn, const struct nlattr *nest,
				  struct netlink_ext_ack *extack)
{
	conn->certs = oakley_blobs_copy(nest, OAKLEY_CONN_A_CERT, extack);
	if (IS_ERR(conn->certs))
		return PTR_ERR(conn->certs);
	conn->cas = oakley_blobs_copy(nest, OAKLEY_CONN_A_CA, extack);
	if (IS_ERR(conn->cas))
		return PTR_ERR(conn->cas);
	conn->crls = oakley_blobs_copy(nest, OAKLEY_CONN_A_CRL, extack);
	if (IS_ERR(conn->crls))
		return PTR_ERR(conn->crls);
	return 0;
}

/* Our side signs: a key name and a certificate (an RSA one). */
static int oakley_conn_local_pubkey(struct oakley_conn *conn, struct nlattr **tb,
				    const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	if (!tb[OAKLEY_CONN_A_KEY])
		return oakley_missing(extack, nest, OAKLEY_CONN_A_KEY,
				      "pubkey authentication requires a key");
	nla_strscpy(conn->key, tb[OAKLEY_CONN_A_KEY], sizeof(conn->key));
	if (!oakley_name_valid(conn->key))
		return oakley_err(extack, tb[OAKLEY_CONN_A_KEY],
				  "invalid key name (want [A-Za-z0-9_.-]{1,32})");
	if (!conn->certs)
		return oakley_missing(extack, nest, OAKLEY_CONN_A_CERT,
				      "pubkey authentication requires a certificate");
	return 0;
}

/**
 * oakley_conn_creds - the certificate attributes of a connection
 * @conn: the connection being built (auth, remote_auth and version set)
 * @tb: its parsed attributes
 * @nest: its nest (repeated attributes are read from it)
 * @extack: where a rejection is explained
 */
int oakley_conn_creds(struct oakley_conn *conn, struct nlattr **tb,
		      const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	bool local = conn->auth == OAKLEY_AUTH_PUBKEY;
	bool remote = conn->remote_auth == OAKLEY_AUTH_PUBKEY;
	int err;

	if ((local || remote) && conn->version != 2)
		return oakley_unsupported(extack, tb[OAKLEY_CONN_A_AUTH] ?:
					  tb[OAKLEY_CONN_A_REMOTE_AUTH],
					  "pubkey authentication is not implemented for IKEv1 yet");
	err = oakley_conn_copy_creds(conn, nest, extack);
	if (err)
		return err;
	if (local) {
		err = oakley_conn_local_pubkey(conn, tb, nest, extack);
		if (err)
			return err;
	} else if (tb[OAKLEY_CONN_A_KEY] || conn->certs) {
		return oakley_err(extack, tb[OAKLEY_CONN_A_KEY] ?: conn->certs->b[0].src,
				  "key and cert apply to auth pubkey only");
	}
	if (remote && !conn->cas)
		return oakley_missing(extack, nest, OAKLEY_CONN_A_CA,
				      "a peer authenticated by certificate needs a ca");
	if (!remote && (conn->cas || conn->crls))
		return oakley_err(extack, conn->cas ? conn->cas->b[0].src : conn->crls->b[0].src,
				  "ca and crl apply to remote-auth pubkey only");
	err = oakley_certs_check(conn, conn->certs, false, extack);
	if (!err)
		err = oakley_certs_check(conn, conn->cas, true, extack);
	if (!err)
		err = oakley_crls_check(conn->crls, extack);
	return err;
}

void oakley_conn_creds_free(struct oakley_conn *conn)
{
	kfree(conn->certs);
	kfree(conn->cas);
	kfree(conn->crls);
	kfree(conn->certreq);
}

static bool oakley_blobs_equal(const struct oakley_blobs *a, const struct oakley_blobs *b)
{
	unsigned int i;

	if (!a || !b)
		return a == b;
	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->b[i].len != b->b[i].len || memcmp(a->b[i].data, b->b[i].data, a->b[i].len))
			return false;
	return true;
}

bool oakley_conn_creds_equal(const struct oakley_conn *a, const struct oakley_conn *b)
{
	return a->remote_auth == b->remote_auth && !strcmp(a->key, b->key) &&
	       oakley_blobs_equal(a->certs, b->certs) && oakley_blobs_equal(a->cas, b->cas) &&
	       oakley_blobs_equal(a->crls, b->crls);
}

static size_t oakley_blobs_size(const struct oakley_blobs *bl)
{
	size_t size = 0;
	unsigned int i;

	for (i = 0; bl && i < bl->n; i++)
		size += nla_total_size(bl->b[i].len);
	return size;
}

size_t oakley_conn_creds_size(const struct oakley_conn *conn)
{
	return nla_total_size(1) + nla_total_size(OAKLEY_NAME_MAX + 1) +
	       oakley_blobs_size(conn->certs) + oakley_blobs_size(conn->cas) +
	       oakley_blobs_size(conn->crls);
}

static int oakley_blobs_fill(struct sk_buff *skb, int type, const struct oakley_blobs *bl)
{
	unsigned int i;

	for (i = 0; bl && i < bl->n; i++)
		if (nla_put(skb, type, bl->b[i].len, bl->b[i].data))
			return -EMSGSIZE;
	return 0;
}

/* Certificates are public: they are reported back like any other attribute. */
int oakley_conn_creds_fill(struct sk_buff *skb, const struct oakley_conn *conn)
{
	if (nla_put_u8(skb, OAKLEY_CONN_A_REMOTE_AUTH, conn->remote_auth) ||
	    (conn->key[0] && nla_put_string(skb, OAKLEY_CONN_A_KEY, conn->key)) ||
	    oakley_blobs_fill(skb, OAKLEY_CONN_A_CERT, conn->certs) ||
	    oakley_blobs_fill(skb, OAKLEY_CONN_A_CA, conn->cas) ||
	    oakley_blobs_fill(skb, OAKLEY_CONN_A_CRL, conn->crls))
		return -EMSGSIZE;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: certificate authentication in IKEv2 (RFC 7296 §2.15,
 * §3.6-3.8; RFC 7427).  What auth.c calls when a side of a connection is
 * "pubkey":
 *
 * - IKE_SA_INIT: N(SIGNATURE_HASH_ALGORITHMS) (RFC 7427 §4) when either
 *   side signs, and, from the responder, CERTREQ with the SHA-1 hashes of
 *   the trust anchors' SubjectPublicKeyInfo (§3.7) when the peer must sign.
 * - IKE_AUTH: our CERT payloads (X.509, leaf first, then the chain as
 *   configured), the initiator's CERTREQ, and AUTH signed with our RSA key:
 *   the Digital Signature method (14) with sha256WithRSAEncryption when the
 *   peer announced SHA2-256, else method 1 (RSA PKCS#1 v1.5 with SHA-1).
 * - The peer's AUTH: its first CERT is the leaf, the others untrusted
 *   intermediates; the chain must reach one of the connection's trust
 *   anchors (codec/x509_chain.c: signatures, dates, CA flags, path length,
 *   CRLs), the peer's ID must be in the leaf (subjectAltName, or the subject
 *   for a DN), then the AUTH signature must verify with the leaf's key:
 *   method 1, 9/10 (ECDSA, RFC 4754) or 14 with any algorithm the X.509
 *   layer verifies.
 *
 * Runs in process context (the IKE workqueue), under the SA's lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/unaligned.h>

#include "../conn.h"
#include "../netns.h"
#include "../secret.h"
#include "../crypto/pubkey.h"
#include "ikev2.h"

#define OAK_CERT_MAX_INTER	6	/* the peer's intermediates we look at */

/* sha256WithRSAEncryption, NULL parameters (RFC 7427 Appendix A.1). */
static const u8 oak_algid_rsa_sha256[] = {
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
};

/* What we verify in method 14: SHA2-256, SHA2-384, SHA2-512 (RFC 7427 §7). */
static const u8 oak_sighash_notify[] = { 0, IKE_SIGHASH_SHA2_256, 0, IKE_SIGHASH_SHA2_384,
					 0, IKE_SIGHASH_SHA2_512 };

void oak_cert_init_payloads(struct oak_ike_sa *sa, struct ike_buf *b, bool responder)
{
	if (!oakley_conn_uses_pubkey(sa->conn))
		return;
	ike_add_notify(b, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, oak_sighash_notify,
		       sizeof(oak_sighash_notify));
	if (responder)
		oak_cert_add_certreq(sa, b);
}

/* CERTREQ: X.509, the SHA-1 of each trust anchor's public key (§3.7). */
void oak_cert_add_certreq(struct oak_ike_sa *sa, struct ike_buf *b)
{
	const struct oakley_conn *conn = sa->conn;

	if (conn->remote_auth == OAKLEY_AUTH_PUBKEY && conn->certreq_len)
		ike_add_cert(b, IKE_PL_CERTREQ, IKE_CERT_X509_SIG, conn->certreq,
			     conn->certreq_len);
}

/* Our CERT payloads: the leaf, then the chain, as configured. */
void oak_cert_add_certs(struct oak_ike_sa *sa, struct ike_buf *b)
{
	const struct oakley_blobs *certs = sa->conn->certs;
	unsigned int i;

	for (i = 0; certs && i < certs->n; i++)
		ike_add_cert(b, IKE_PL_CERT, IKE_CERT_X509_SIG, certs->b[i].data, certs->b[i].len);
}

/* The hash algorithms of the peer's N(SIGNATURE_HASH_ALGORITHMS): BIT(id). */
static u32 oak_cert_peer_hashes(struct oak_ike_sa *sa)
{
	struct ikev2_sa *v2 = ikev2_sa(sa);
	const u8 *buf = sa->initiator ? v2->init_resp : v2->init_req;
	u32 len = sa->initiator ? v2->init_resp_len : v2->init_req_len;
	struct ike_notify n;
	struct ike_msg *m;
	u32 mask = 0;
	u16 h;
	int i;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m || !buf || ike_parse_msg(buf, len, m) ||
	    ike_find_notify(m, IKE_N_SIGNATURE_HASH_ALGORITHMS, &n))
		goto out;
	for (i = 0; i + 1 < n.len; i += 2) {
		h = get_unaligned_be16(n.data + i);
		if (h < 32)
			mask |= BIT(h);
	}
out:
	kfree(m);
	return mask;
}

/*
 * Our AUTH payload over the signed octets (§2.15) with our RSA key.
 * 0 or a negative errno (no payload added).
 */
int oak_cert_sign(struct oak_ike_sa *sa, const u8 *octets, size_t len, struct ike_buf *b)
{
	bool digsig = oak_cert_peer_hashes(sa) & BIT(IKE_SIGHASH_SHA2_256);
	size_t off = digsig ? 1 + sizeof(oak_algid_rsa_sha256) : 0;
	struct oakley_secret *s;
	u8 *buf;
	int n;

	s = oakley_secret_find(sa->in->on, sa->conn->key);
	if (!s)
		return -ENOKEY;
	buf = kmalloc(off + OAK_RSA_MAX_BYTES, GFP_KERNEL);
	if (!buf || !s->rsa) {
		n = buf ? -ENOKEY : -ENOMEM;
		goto out;
	}
	if (digsig) {
		buf[0] = sizeof(oak_algid_rsa_sha256);
		memcpy(buf + 1, oak_algid_rsa_sha256, sizeof(oak_algid_rsa_sha256));
	}
	n = oak_rsa_sign(s->rsa, digsig ? X509_HASH_SHA256 : X509_HASH_SHA1, octets, len,
			 buf + off, OAK_RSA_MAX_BYTES);
	if (n > 0)
		ike_add_auth(b, digsig ? IKE_AUTH_DIGSIG : IKE_AUTH_RSA, buf, off + n);
out:
	kfree(buf);
	oakley_secret_put(s);
	return n < 0 ? n : 0;
}

/* ---- the peer's certificate and signature ---- */

struct oak_cert_ctx {
	struct x509_cert leaf;
	struct x509_cert inter[OAK_CERT_MAX_INTER];
	struct x509_cert anchors[OAKLEY_MAX_CERTS];
	struct x509_crl crls[OAKLEY_MAX_CERTS];
	const struct x509_cert *pinter[OAK_CERT_MAX_INTER];
	const struct x509_cert *panchors[OAKLEY_MAX_CERTS];
	const struct x509_crl *pcrls[OAKLEY_MAX_CERTS];
	struct x509_chain_in in;
	struct x509_chain_out out;
};

/* The peer's X.509 CERT payloads: the first is the leaf (§3.6). */
static const char *oak_cert_peer_certs(struct oak_cert_ctx *x, const struct ike_msg *m)
{
	const struct ike_payload *p;
	struct ike_cert cert;
	bool leaf = false;
	unsigned int i;

	for (i = 0; i < m->npayloads; i++) {
		p = &m->pl[i];
		if (p->type != IKE_PL_CERT || ike_parse_cert(p->body, p->len, &cert) ||
		    cert.encoding != IKE_CERT_X509_SIG)
			continue;
		if (!leaf) {
			if (x509_parse(cert.data, cert.len, &x->leaf))
				return "its certificate does not parse";
			leaf = true;
		} else if (x->in.ninter < OAK_CERT_MAX_INTER &&
			   !x509_parse(cert.data, cert.len, &x->inter[x->in.ninter])) {
			x->pinter[x->in.ninter] = &x->inter[x->in.ninter];
			x->in.ninter++;
		}
	}
	return leaf ? NULL : "no X.509 certificate sent";
}

static void oak_cert_anchors(struct oak_cert_ctx *x, const struct oakley_conn *conn)
{
	const struct oakley_blobs *bl = conn->cas;
	unsigned int i;

	for (i = 0; bl && i < bl->n; i++) {
		if (x509_parse(bl->b[i].data, bl->b[i].len, &x->anchors[x->in.nanchors]))
			continue;
		x->panchors[x->in.nanchors] = &x->anchors[x->in.nanchors];
		x->in.nanchors++;
	}
	bl = conn->crls;
	for (i = 0; bl && i < bl->n; i++) {
		if (x509_crl_parse(bl->b[i].data, bl->b[i].len, &x->crls[x->in.ncrls]))
			continue;
		x->pcrls[x->in.ncrls] = &x->crls[x->in.ncrls];
		x->in.ncrls++;
	}
	x->in.inter = x->pinter;
	x->in.anchors = x->panchors;
	x->in.crls = x->pcrls;
	x->in.now = ktime_get_real_seconds();
	x->in.verify = oak_x509_verify;
}

/* Does the certificate carry the peer's ID (config.md "IDs")? */
static bool oak_cert_id_match(const struct x509_cert *c, const struct ike_id *id)
{
	switch (id->type) {
	case OAKLEY_ID_FQDN:
		return x509_match_fqdn(c, id->data, id->len);
	case OAKLEY_ID_RFC822_ADDR:
		return x509_match_email(c, id->data, id->len);
	case OAKLEY_ID_IPV4_ADDR:
	case OAKLEY_ID_IPV6_ADDR:
		return x509_match_ip(c, id->data, id->len);
	case OAKLEY_ID_DER_ASN1_DN:
		return x509_match_dn(c, id->data, id->len);
	}
	return false;
}

/* The AUTH signature with the leaf's key; 0 if it verifies. */
static int oak_cert_check_sig(const struct x509_cert *leaf, const struct ike_auth *auth,
			      const u8 *octets, size_t len)
{
	struct x509_sig_alg alg = { .type = X509_SIG_RSA_PKCS1, .hash = X509_HASH_SHA1 };
	const struct x509_pubkey *key = &leaf->key;
	size_t l;

	switch (auth->method) {
	case IKE_AUTH_RSA:
		if (key->type != X509_KEY_RSA)
			return -EKEYREJECTED;
		return oak_sig_verify(key, &alg, octets, len, auth->data, auth->len);
	case IKE_AUTH_ECDSA_256:
	case IKE_AUTH_ECDSA_384:
		if (key->type != X509_KEY_EC ||
		    key->curve != (auth->method == IKE_AUTH_ECDSA_256 ? X509_CURVE_P256 :
				   X509_CURVE_P384))
			return -EKEYREJECTED;
		return oak_ecdsa_verify_raw(key, octets, len, auth->data, auth->len);
	case IKE_AUTH_DIGSIG:
		l = auth->data[0];
		if (auth->len < 2 + l || x509_parse_algid(auth->data + 1, l, &alg) ||
		    alg.type == X509_SIG_UNKNOWN || alg.hash == X509_HASH_NONE)
			return -EBADMSG;
		return oak_sig_verify(key, &alg, octets, len, auth->data + 1 + l,
				      auth->len - 1 - l);
	}
	return -EOPNOTSUPP;
}

/* NULL if the leaf may sign (keyUsage, when present, allows signatures). */
static const char *oak_cert_leaf_usage(const struct x509_cert *leaf)
{
	if ((leaf->ext & X509_EXT_KEY_USAGE) &&
	    !(leaf->key_usage & (X509_KU_DIGITAL_SIGNATURE | X509_KU_NON_REPUDIATION)))
		return "its certificate's keyUsage does not allow signatures";
	return NULL;
}

static const char *oak_cert_check(struct oak_cert_ctx *x, struct oak_ike_sa *sa,
				  const struct ike_msg *m, const struct ike_id *id,
				  const struct ike_auth *auth, const u8 *octets, size_t len)
{
	const char *why = oak_cert_peer_certs(x, m);

	if (why)
		return why;
	oak_cert_anchors(x, sa->conn);
	if (x509_chain_verify(&x->in, &x->leaf, &x->out))
		return x509_chain_reason_name(x->out.reason);
	if (!oak_cert_id_match(&x->leaf, id))
		return "its ID is not in its certificate";
	why = oak_cert_leaf_usage(&x->leaf);
	if (why)
		return why;
	if (oak_cert_check_sig(&x->leaf, auth, octets, len))
		return "its AUTH signature does not verify";
	return NULL;
}

/**
 * oak_cert_verify - authenticate the peer by its certificate
 * @sa: the IKE SA (its connection's trust anchors)
 * @m: the peer's IKE_AUTH message, decrypted (CERT payloads)
 * @id: the peer's ID payload
 * @auth: its AUTH payload
 * @octets: what it must have signed (§2.15)
 * @len: their length
 *
 * Returns 0, or -EKEYREJECTED after logging why (ratelimited), or -ENOMEM.
 */
int oak_cert_verify(struct oak_ike_sa *sa, const struct ike_msg *m, const struct ike_id *id,
		    const struct ike_auth *auth, const u8 *octets, size_t len)
{
	struct oak_cert_ctx *x = kvzalloc(sizeof(*x), GFP_KERNEL);
	const char *why;

	if (!x)
		return -ENOMEM;
	why = oak_cert_check(x, sa, m, id, auth, octets, len);
	if (why)
		oak_sa_log(pr_info_ratelimited, sa, NULL, "certificate authentication failed: %s\n",
			   why);
	kvfree(x);
	return why ? -EKEYREJECTED : 0;
}

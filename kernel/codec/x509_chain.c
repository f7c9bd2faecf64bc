// SPDX-License-Identifier: GPL-2.0
/*
 * Certification path building and validation: see x509_chain.h.  The
 * search is an explicit stack of candidate indices, one per level, bounded
 * by the depth cap; it never recurses.
 */
#include "x509_chain.h"

struct x509_walk {
	const struct x509_chain_in *in;
	struct x509_chain_out *out;
	unsigned int best;		/* depth of the failure kept in out */
	unsigned int next[X509_CHAIN_MAX_DEPTH];
};

static const char *const x509_reasons[] = {
	[X509_CHAIN_OK] = "ok",
	[X509_CHAIN_NO_ISSUER] = "no trusted issuer",
	[X509_CHAIN_EXPIRED] = "expired",
	[X509_CHAIN_NOT_YET_VALID] = "not yet valid",
	[X509_CHAIN_NOT_CA] = "issuer is not a CA",
	[X509_CHAIN_KEY_USAGE] = "issuer key usage lacks keyCertSign",
	[X509_CHAIN_PATH_LEN] = "path length constraint exceeded",
	[X509_CHAIN_BAD_SIGNATURE] = "bad signature",
	[X509_CHAIN_REVOKED] = "revoked",
	[X509_CHAIN_BAD_CRL] = "CRL does not verify",
	[X509_CHAIN_TOO_DEEP] = "chain too long",
	[X509_CHAIN_TOO_MANY_CHECKS] = "too many signature checks",
};

const char *x509_chain_reason_name(unsigned int reason)
{
	return reason < ARRAY_SIZE(x509_reasons) ? x509_reasons[reason] : "?";
}

/* Candidate i: anchors first, then intermediates; NULL past the end. */
static const struct x509_cert *x509_candidate(const struct x509_chain_in *in,
					      unsigned int i, bool *anchor)
{
	*anchor = i < in->nanchors;
	if (*anchor)
		return in->anchors[i];
	i -= in->nanchors;
	return i < in->ninter ? in->inter[i] : NULL;
}

/* Names (and key identifiers, when both exist) say issuer issued c. */
static bool x509_issued_by(const struct x509_cert *c, const struct x509_cert *issuer)
{
	if (!der_span_eq(&c->issuer, &issuer->subject))
		return false;
	return !c->akid.len || !issuer->skid.len || der_span_eq(&c->akid, &issuer->skid);
}

static bool x509_in_path(const struct x509_chain_out *out, unsigned int depth,
			 const struct x509_cert *c)
{
	unsigned int i;

	for (i = 0; i < depth; i++)
		if (der_span_eq(&out->path[i]->raw, &c->raw))
			return true;
	return false;
}

static u8 x509_when(const struct x509_cert *c, s64 now)
{
	if (now < c->not_before)
		return X509_CHAIN_NOT_YET_VALID;
	if (now > c->not_after)
		return X509_CHAIN_EXPIRED;
	return X509_CHAIN_OK;
}

/*
 * Intermediates below position k that count against a pathLenConstraint:
 * the non-self-issued ones (RFC 5280 4.2.1.9), i.e. issuer DN != subject DN.
 */
static unsigned int x509_below(const struct x509_chain_out *out, unsigned int k)
{
	unsigned int i, n = 0;

	for (i = 1; i < k; i++)
		if (!der_span_eq(&out->path[i]->issuer, &out->path[i]->subject))
			n++;
	return n;
}

/* issuer, with n intermediates counted below it: may it issue? */
static u8 x509_may_issue(const struct x509_cert *issuer, unsigned int n, s64 now)
{
	u8 r = x509_when(issuer, now);

	if (r)
		return r;
	if (!(issuer->ext & X509_EXT_BASIC_CONSTRAINTS) || !issuer->ca)
		return X509_CHAIN_NOT_CA;
	if ((issuer->ext & X509_EXT_KEY_USAGE) && !(issuer->key_usage & X509_KU_KEY_CERT_SIGN))
		return X509_CHAIN_KEY_USAGE;
	if (issuer->path_len >= 0 && (unsigned int)issuer->path_len < n)
		return X509_CHAIN_PATH_LEN;
	return X509_CHAIN_OK;
}

static u8 x509_check_sig(struct x509_walk *w, const struct x509_pubkey *key,
			 const struct x509_sig_alg *alg, const struct der_span *tbs,
			 const struct der_span *sig)
{
	if (w->out->nverify >= X509_CHAIN_MAX_VERIFY)
		return X509_CHAIN_TOO_MANY_CHECKS;
	w->out->nverify++;
	if (w->in->verify(w->in->verify_ctx, key, alg, tbs, sig))
		return X509_CHAIN_BAD_SIGNATURE;
	return X509_CHAIN_OK;
}

/* The issuer's CRLs: each must verify; c's serial must be in none. */
static u8 x509_check_crls(struct x509_walk *w, const struct x509_cert *c,
			  const struct x509_cert *issuer)
{
	const struct x509_crl *crl;
	unsigned int i;
	u8 r;

	for (i = 0; i < w->in->ncrls; i++) {
		crl = w->in->crls[i];
		if (!der_span_eq(&crl->issuer, &issuer->subject))
			continue;
		/* Signed by another key of the same CA name: not this one's. */
		if (crl->akid.len && issuer->skid.len && !der_span_eq(&crl->akid, &issuer->skid))
			continue;
		if ((issuer->ext & X509_EXT_KEY_USAGE) && !(issuer->key_usage & X509_KU_CRL_SIGN))
			return X509_CHAIN_BAD_CRL;
		r = x509_check_sig(w, &issuer->key, &crl->sig_alg, &crl->tbs, &crl->sig);
		if (r)
			return r == X509_CHAIN_BAD_SIGNATURE ? X509_CHAIN_BAD_CRL : r;
		if (x509_crl_revoked(crl, &c->serial))
			return X509_CHAIN_REVOKED;
	}
	return X509_CHAIN_OK;
}

/* Keeps the failure found deepest in the search (the most telling one). */
static void x509_fail(struct x509_walk *w, unsigned int depth, u8 reason,
		      const struct x509_cert *culprit)
{
	if (depth < w->best ||
	    (depth == w->best && w->out->reason != X509_CHAIN_NO_ISSUER))
		return;
	w->best = depth;
	w->out->reason = reason;
	w->out->culprit = culprit;
}

/* Checks the link c <- issuer, issuer at position k. */
static u8 x509_link(struct x509_walk *w, unsigned int k, const struct x509_cert *c,
		    const struct x509_cert *issuer)
{
	u8 r = x509_may_issue(issuer, x509_below(w->out, k), w->in->now);

	if (!r)
		r = x509_check_sig(w, &issuer->key, &c->sig_alg, &c->tbs, &c->sig);
	if (!r)
		r = x509_check_crls(w, c, issuer);
	if (r)
		x509_fail(w, k, r, r == X509_CHAIN_BAD_SIGNATURE || r == X509_CHAIN_REVOKED ?
			  c : issuer);
	return r;
}

static unsigned int x509_max_depth(const struct x509_chain_in *in)
{
	if (in->max_depth >= 2 && in->max_depth < X509_CHAIN_MAX_DEPTH)
		return in->max_depth;
	return X509_CHAIN_MAX_DEPTH;
}

/* Depth-first search from the leaf (out->path[0]) to an anchor. */
static int x509_search(struct x509_walk *w)
{
	const unsigned int max = x509_max_depth(w->in);
	struct x509_chain_out *out = w->out;
	const struct x509_cert *cur, *cand;
	unsigned int depth = 1;
	bool anchor;
	u8 r;

	w->next[0] = 0;
	while (depth) {
		cur = out->path[depth - 1];
		cand = x509_candidate(w->in, w->next[depth - 1]++, &anchor);
		if (!cand) {
			depth--;
			continue;
		}
		if (!x509_issued_by(cur, cand) || x509_in_path(out, depth, cand))
			continue;
		/* An intermediate here still needs an anchor above it. */
		if (!anchor && depth + 2 > max) {
			x509_fail(w, depth, X509_CHAIN_TOO_DEEP, cand);
			continue;
		}
		r = x509_link(w, depth, cur, cand);
		if (r == X509_CHAIN_TOO_MANY_CHECKS) {
			out->reason = r;
			out->culprit = cand;
			return -EKEYREJECTED;
		}
		if (r)
			continue;
		out->path[depth] = cand;
		if (anchor) {
			out->len = depth + 1;
			return 0;
		}
		w->next[depth++] = 0;
	}
	return -EKEYREJECTED;
}

int x509_chain_verify(const struct x509_chain_in *in, const struct x509_cert *leaf,
		      struct x509_chain_out *out)
{
	struct x509_walk w = { .in = in, .out = out };
	u8 r;

	memset(out, 0, sizeof(*out));
	out->reason = X509_CHAIN_NO_ISSUER;
	out->culprit = leaf;
	out->path[0] = leaf;
	r = x509_when(leaf, in->now);
	if (r) {
		out->reason = r;
		return -EKEYREJECTED;
	}
	if (x509_search(&w))
		return -EKEYREJECTED;
	out->reason = X509_CHAIN_OK;
	out->culprit = NULL;
	return 0;
}

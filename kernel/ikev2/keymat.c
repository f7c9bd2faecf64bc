// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv2: the keys of a Child SA (RFC 7296 §2.17) and its hand-over
 * to the core, which installs it in xfrm (kernel/core/child.c): KEYMAT from
 * SK_d and the nonces (and g^ir with PFS), the selectors in xfrm's form,
 * and the outbound keys of a rekey we answered, kept until the old Child
 * SA goes (create_child.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "../core/sa.h"
#include "../core/ts.h"
#include "../crypto/internal.h"
#include "ikev2.h"

/*
 * Whether we initiated the exchange that made @c: the IKE SA's role for the
 * first Child SA, the CREATE_CHILD_SA exchange's role for the others.
 */
static bool oak_child_role(const struct oak_ike_sa *sa, const struct oak_child_sa *c)
{
	const struct oak_ccs_kmat *km = ikev2_child(c)->ccs.kmat;

	return km ? km->initiator : sa->initiator;
}

/*
 * KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr): initiator->responder encryption
 * then integrity key, then the same for responder->initiator.  The nonces
 * are the IKE SA's for the first Child SA, the exchange's for one made by
 * CREATE_CHILD_SA (c->ccs.kmat, with g^ir when PFS was negotiated).
 */
static int oak_child_keys(struct oak_ike_sa *sa, struct oak_child_sa *c, u8 **keymat)
{
	struct ikev2_sa *v2 = ikev2_sa(sa);
	const struct oak_ccs_kmat *km = ikev2_child(c)->ccs.kmat;
	struct oak_child_params *p = &c->p;
	unsigned int elen, alen, total;
	const u8 *ir, *ri;
	int err;

	err = oak_xfrm_key_lens(c->algs.encr, c->algs.encr_keylen, c->algs.integ, &elen, &alen);
	if (err)
		return err;
	total = 2 * (elen + alen);
	*keymat = kmalloc(total, GFP_KERNEL);
	if (!*keymat)
		return -ENOMEM;
	if (km)
		err = oak_child_keymat(sa->algs.prf, v2->sk_d, v2->prf_len, km->gir,
				       km->gir_len, km->ni, km->ni_len, km->nr, km->nr_len,
				       *keymat, total);
	else
		err = oak_child_keymat(sa->algs.prf, v2->sk_d, v2->prf_len, NULL, 0,
				       v2->ni, v2->ni_len, v2->nr, v2->nr_len, *keymat, total);
	if (err)
		return err;
	ir = *keymat;
	ri = *keymat + elen + alen;
	p->out.enc = oak_child_role(sa, c) ? ir : ri;
	p->in.enc = oak_child_role(sa, c) ? ri : ir;
	p->out.enc_len = elen;
	p->in.enc_len = elen;
	p->out.auth = alen ? p->out.enc + elen : NULL;
	p->in.auth = alen ? p->in.enc + elen : NULL;
	p->out.auth_len = alen;
	p->in.auth_len = alen;
	return 0;
}

int oak_child_keep_out(struct oak_child_sa *c)
{
	const struct oak_child_keys *k = &c->p.out;
	struct oak_child_ccs *cc = &ikev2_child(c)->ccs;

	if (k->enc_len + k->auth_len > OAK_CCS_OUT_KEY_MAX || cc->out_key)
		return -EINVAL;
	cc->out_key = kmalloc(k->enc_len + k->auth_len, GFP_KERNEL);
	if (!cc->out_key)
		return -ENOMEM;
	if (k->enc_len)
		memcpy(cc->out_key, k->enc, k->enc_len);
	if (k->auth_len)
		memcpy(cc->out_key + k->enc_len, k->auth, k->auth_len);
	cc->out_enc_len = k->enc_len;
	cc->out_auth_len = k->auth_len;
	cc->out_pending = true;
	return 0;
}

void oak_child_drop_out(struct oak_child_sa *c)
{
	struct oak_child_ccs *cc = &ikev2_child(c)->ccs;

	oak_free_secret(cc->out_key, cc->out_enc_len + cc->out_auth_len);
	cc->out_key = NULL;
	cc->out_enc_len = 0;
	cc->out_auth_len = 0;
	cc->out_pending = false;
	cc->out_after = NULL;
}

/*
 * The states and policies: both states, or only the inbound one for a rekey
 * we answer (its outbound keys kept for later) and for the redundant SA of a
 * rekey collision (deleted at once: it never carries our traffic).  A Child
 * SA that replaces one of another IKE SA (a reauthentication) takes its
 * reqid, and as the exchange's responder keeps its outbound keys for later
 * too (create_child.h).  The Child SA of IKE_AUTH (no kmat) builds its
 * states without in->lock (a window, kernel/core/sa.h); CREATE_CHILD_SA's
 * keep it: a rekey's old and new Child SAs are reached from the key
 * manager and `oak rekey` under in->lock
 * (Documentation/design/concurrency.md).
 */
static int oak_child_install_keys(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	const struct oak_ccs_kmat *km = ikev2_child(c)->ccs.kmat;
	bool defer = km && km->defer_out, in_only = km && km->in_only;
	bool reauth = false;
	u8 *keymat = NULL;
	int err;

	if (!defer && !in_only && oak_child_adopt_reqid(sa, c))
		reauth = !oak_child_role(sa, c);
	defer = defer || reauth;
	err = oak_child_keys(sa, c, &keymat);
	if (!err && defer)
		err = oak_child_keep_out(c);
	if (!err)
		err = oak_child_install_xfrm(sa, c, defer || in_only, !km);
	if (err)
		oak_child_drop_out(c);
	memset(&c->p.in, 0, sizeof(c->p.in));
	memset(&c->p.out, 0, sizeof(c->p.out));
	if (keymat)
		kfree_sensitive(keymat);
	/* the old Child SA may have gone during the window: then send at once */
	if (!err && reauth && !oak_child_predecessor(sa, c))
		oak_ccs_takeover(sa, c);
	else if (!err && reauth)
		oak_ccs_out_wait(sa, c, NULL);
	return err;
}

/*
 * The agreed selectors, in one array of exactly as many entries (most
 * Child SAs have one pair: 80 bytes, not the 1280 of OAK_MAX_TS pairs);
 * the core takes it over (oak_child_set_ts()), oak_child_free() frees it.
 */
static int oak_child_ts(struct oak_child_sa *c, const struct ike_ts_payload *l,
			const struct ike_ts_payload *r)
{
	struct oak_ts *ts;
	int nl, nr;

	if (!l->nts || l->nts > OAK_MAX_TS || !r->nts || r->nts > OAK_MAX_TS)
		return -EINVAL;
	ts = kmalloc_array(l->nts + r->nts, sizeof(*ts), GFP_KERNEL);
	if (!ts)
		return -ENOMEM;
	nl = oak_ts_to_xfrm(l, ts, l->nts);
	nr = oak_ts_to_xfrm(r, ts + l->nts, r->nts);
	if (nl < 0 || nr < 0) {
		kfree(ts);
		return -EINVAL;
	}
	oak_child_set_ts(c, ts, nl, nr);
	return 0;
}

/*
 * Install a negotiated Child SA.  tsi/tsr are the agreed selectors of the
 * initiator and the responder.  On failure nothing stays installed (the
 * reserved SPI is released by oak_child_free()).
 */
int oak_child_install(struct oak_ike_sa *sa, struct oak_child_sa *c,
		      const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr)
{
	const struct ike_ts_payload *l = oak_child_role(sa, c) ? tsi : tsr;
	const struct ike_ts_payload *r = oak_child_role(sa, c) ? tsr : tsi;
	int err;

	err = oak_child_ts(c, l, r);
	if (err)
		return err;
	err = oak_child_install_keys(sa, c);
	if (err)
		oak_sa_log(pr_debug, sa, NULL, "Child SA install failed: %d\n", err);
	return err;
}

int oak_child_install_out(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_params *p = &c->p;
	struct oak_child_ccs *cc = &ikev2_child(c)->ccs;
	int err;

	if (!cc->out_pending)
		return 0;
	if (!c->installed) {
		oak_child_drop_out(c);
		return -ENOENT;
	}
	p->out.enc = cc->out_enc_len ? cc->out_key : NULL;
	p->out.enc_len = cc->out_enc_len;
	p->out.auth = cc->out_auth_len ? cc->out_key + cc->out_enc_len : NULL;
	p->out.auth_len = cc->out_auth_len;
	err = oak_child_install_out_xfrm(c);
	oak_child_drop_out(c);
	return err;
}

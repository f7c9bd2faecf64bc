// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: Child SA keys and their installation in xfrm
 * (RFC 7296 §2.17) through the xfrm glue (xfrm.h).
 */
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "ike_int.h"
#include "../crypto/internal.h"

/*
 * Outer addresses, protocol and reqid; reserves the inbound SPI.  A rekey
 * sets c->p.reqid to the old Child SA's reqid before calling this.
 */
int oak_child_reserve_spi(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_params *p = &c->p;
	unsigned int alen = sa->local.family == AF_INET ? 4 : 16;
	int err;

	p->net = sa->in->net;
	p->family = sa->local.family;
	memcpy(&p->local, sa->local.addr, alen);
	memcpy(&p->remote, sa->remote.addr, alen);
	p->local_port = sa->local.port;
	p->remote_port = sa->remote.port;
	p->proto = c->cfg->ah ? IPPROTO_AH : IPPROTO_ESP;
	p->mode = c->cfg->mode;
	if (!p->reqid)
		p->reqid = oak_trap_reqid(sa->in, sa->conn, c->cfg->name);
	if (!p->reqid)
		p->reqid = oak_xfrm_new_reqid(p->net);
	err = oak_xfrm_alloc_spi(p->net, p->family, &p->local, &p->remote, p->proto,
				 p->reqid, &p->spi_in);
	if (err)
		return err;
	c->spi_reserved = true;
	return 0;
}

/*
 * A random part of jitter% is taken off the soft limits, so that many
 * tunnels set up at once do not all rekey in the same second.
 */
static u64 oak_jitter(u64 v, u8 jitter)
{
	u64 span;

	if (!v || !jitter)
		return v;
	span = div_u64(v * min_t(u8, jitter, 100), 100);
	if (!span)
		return v;
	span = get_random_u32_below((u32)min_t(u64, span, U32_MAX - 1) + 1);
	return v > span ? v - span : 1;
}

static void oak_child_lifetimes(struct oak_child_params *p, const struct oakley_child *cfg,
				u8 jitter)
{
	p->soft_time = oak_jitter(cfg->rekey, jitter);
	p->hard_time = cfg->lifetime;
	p->soft_bytes = oak_jitter(cfg->rekey_bytes, jitter);
	p->hard_bytes = cfg->life_bytes;
	p->soft_packets = oak_jitter(cfg->rekey_packets, jitter);
	p->hard_packets = cfg->life_packets;
}

/*
 * Whether we initiated the exchange that made @c: the IKE SA's role for the
 * first Child SA, the CREATE_CHILD_SA exchange's role for the others.
 */
static bool oak_child_role(const struct oak_ike_sa *sa, const struct oak_child_sa *c)
{
	return c->ccs.kmat ? c->ccs.kmat->initiator : sa->initiator;
}

/*
 * KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr): initiator->responder encryption
 * then integrity key, then the same for responder->initiator.  The nonces
 * are the IKE SA's for the first Child SA, the exchange's for one made by
 * CREATE_CHILD_SA (c->ccs.kmat, with g^ir when PFS was negotiated).
 */
static int oak_child_keys(struct oak_ike_sa *sa, struct oak_child_sa *c, u8 **keymat)
{
	const struct oak_ccs_kmat *km = c->ccs.kmat;
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
		err = oak_child_keymat(sa->algs.prf, sa->sk_d, sa->prf_len, km->gir,
				       km->gir_len, km->ni, km->ni_len, km->nr, km->nr_len,
				       *keymat, total);
	else
		err = oak_child_keymat(sa->algs.prf, sa->sk_d, sa->prf_len, NULL, 0,
				       sa->ni, sa->ni_len, sa->nr, sa->nr_len, *keymat, total);
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
	struct oak_child_ccs *cc = &c->ccs;

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
	struct oak_child_ccs *cc = &c->ccs;

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
 * rekey collision (deleted at once: it never carries our traffic).
 */
static int oak_child_install_keys(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	const struct oak_ccs_kmat *km = c->ccs.kmat;
	bool defer = km && km->defer_out, in_only = km && km->in_only;
	u8 *keymat = NULL;
	int err;

	err = oak_child_keys(sa, c, &keymat);
	if (!err && defer)
		err = oak_child_keep_out(c);
	if (!err)
		err = defer || in_only ? oak_xfrm_install_in(&c->p) : oak_xfrm_install(&c->p);
	if (err)
		oak_child_drop_out(c);
	memset(&c->p.in, 0, sizeof(c->p.in));
	memset(&c->p.out, 0, sizeof(c->p.out));
	if (keymat)
		kfree_sensitive(keymat);
	return err;
}

/*
 * The agreed selectors, in one array of exactly as many entries (most
 * Child SAs have one pair: 80 bytes, not the 1280 of OAK_MAX_TS pairs);
 * oak_child_free() frees it.
 */
static int oak_child_set_ts(struct oak_child_params *p, const struct ike_ts_payload *l,
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
	kfree(p->local_ts);
	p->local_ts = ts;
	p->remote_ts = ts + nl;
	p->n_local_ts = nl;
	p->n_remote_ts = nr;
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
	struct oak_child_params *p = &c->p;
	const struct ike_ts_payload *l = oak_child_role(sa, c) ? tsi : tsr;
	const struct ike_ts_payload *r = oak_child_role(sa, c) ? tsr : tsi;
	int err;

	p->encr = c->algs.encr;
	p->encr_keylen = c->algs.encr_keylen;
	p->integ = c->algs.integ;
	p->esn = c->algs.esn == 1;
	oak_child_lifetimes(p, c->cfg, sa->conn->jitter);
	err = oak_child_set_ts(p, l, r);
	if (err)
		return err;
	err = oak_child_install_keys(sa, c);
	if (err) {
		pr_debug("oakley: %s: Child SA install failed: %d\n", sa->conn->name, err);
		return err;
	}
	c->spi_reserved = false;
	c->installed = true;
	c->established = ktime_get_boottime_seconds();
	oakley_stat_inc(sa->in->on, OAKLEY_STATS_A_CHILD_SAS);
	oak_stat(sa, OAKLEY_STATS_A_CHILD_INSTALLED);
	return 0;
}

int oak_child_install_out(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_params *p = &c->p;
	struct oak_child_ccs *cc = &c->ccs;
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
	err = oak_xfrm_install_out(p);
	memset(&p->out, 0, sizeof(p->out));
	oak_child_drop_out(c);
	return err;
}

/* Would @a and @b install the same xfrm policies (selectors, directions)? */
static bool oak_child_same_pols(const struct oak_child_params *a,
				const struct oak_child_params *b)
{
	return a->mode == b->mode && a->n_local_ts == b->n_local_ts &&
	       a->n_remote_ts == b->n_remote_ts &&
	       !memcmp(a->local_ts, b->local_ts, a->n_local_ts * sizeof(*a->local_ts)) &&
	       !memcmp(a->remote_ts, b->remote_ts, a->n_remote_ts * sizeof(*a->remote_ts));
}

/*
 * The installed Child SA that uses @c's policies after @c: one with the
 * same reqid in the same IKE SA (a rekey's successor), or the same child of
 * the connection in another IKE SA (make-before-break reauth, duplicate
 * SAs), in both cases only with exactly @c's selectors.  On a %any
 * connection every initiator has the same child with its own (narrowed)
 * selectors: those are other policies, and @c's must go.  Selector arrays
 * are zeroed before filled (oak_ts_to_xfrm()), so memcmp() compares them.
 */
static struct oak_child_sa *oak_child_shared(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_sa *o;
	struct oak_ike_sa *s;

	list_for_each_entry(o, &sa->children, node)
		if (o != c && o->installed && o->p.reqid == c->p.reqid &&
		    oak_child_same_pols(&o->p, &c->p))
			return o;
	list_for_each_entry(s, oak_sa_conn_list(sa->in, sa->conn->name), conn_node) {
		if (s == sa || s->dead || strcmp(s->conn->name, sa->conn->name))
			continue;
		list_for_each_entry(o, &s->children, node)
			if (o->installed && !o->ccs.rekeyed &&
			    !strcmp(o->cfg->name, c->cfg->name) &&
			    oak_child_same_pols(&o->p, &c->p))
				return o;
	}
	return NULL;
}

/*
 * A Child SA of @sa with @c's reqid and other selectors (a rekey whose
 * selectors came out different) may have had some of them in common with
 * @c: put back what @c's removal took.
 */
static void oak_child_restore_reqid(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_sa *o;

	list_for_each_entry(o, &sa->children, node)
		if (o != c && o->installed && o->p.reqid == c->p.reqid &&
		    oak_xfrm_policies_install(&o->p))
			pr_debug("oakley: %s: policies of %s not restored\n", sa->conn->name,
				 o->cfg->name);
}

/* Remove @c's states and the policies no other Child SA uses after it. */
static void oak_child_remove_xfrm(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_sa *o = oak_child_shared(sa, c);

	if (!o) {
		oak_xfrm_remove(&c->p);
		oak_child_restore_reqid(sa, c);
		oak_trap_restore(sa->in, sa->conn, c->cfg->name);
		return;
	}
	if (o->p.reqid == c->p.reqid) {
		/* a rekey's successor, or a trap's Child SAs: only the states go */
		oak_xfrm_remove_states(&c->p);
		return;
	}
	/*
	 * Another reqid: if @c's install replaced @o's policies, put @o's
	 * back first (no gap without a policy); then those left with @c's
	 * reqid, if any, go.
	 */
	if (oak_xfrm_policies_install(&o->p))
		pr_debug("oakley: %s: policies of %s not restored\n", sa->conn->name, o->cfg->name);
	oak_xfrm_remove(&c->p);
}

void oak_child_uninstall(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_params *p = &c->p;

	oak_child_drop_out(c);
	if (c->installed) {
		c->installed = false;
		oakley_stat_dec(sa->in->on, OAKLEY_STATS_A_CHILD_SAS);
		oak_child_remove_xfrm(sa, c);
	} else if (c->spi_reserved) {
		oak_xfrm_release_spi(p->net, p->family, &p->local, p->proto, p->spi_in);
		c->spi_reserved = false;
	}
}

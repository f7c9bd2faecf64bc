// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: rekeying the IKE SA with CREATE_CHILD_SA (RFC 7296
 * §1.3.2, §2.8, §2.8.2, §2.18).
 *
 *   Initiator                              Responder
 *   HDR, SK {SA, Ni, KEi}             -->
 *                                     <--  HDR, SK {SA, Nr, KEr}
 *
 * The SA payload carries the new IKE SA's SPI of its sender.  The new IKE
 * SA: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), message IDs from 0,
 * the initiator of the rekey is its original initiator.  The Child SAs move
 * to it; the initiator of the rekey then deletes the old IKE SA.
 *
 * Simultaneous rekeys (§2.8.2): each side answers the other's request, so
 * two new IKE SAs exist; the one made by the exchange with the lowest
 * nonce is redundant and is deleted by the side that initiated it, and the
 * initiator of the surviving one deletes the old IKE SA.  Until then
 * oak_sa_kill() hands the Child SAs of a dying SA to its heir
 * (oak_ccs_heir()), so no Child SA is lost whatever order the Deletes
 * arrive in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/slab.h>

#include "../core/proto.h"
#include "../core/sa.h"
#include "ikev2.h"

#define OAK_REKEY_KE_TRIES	3

struct oak_rekey_req {
	struct oak_req r;
	struct oak_ike_sa *nsa;		/* the new IKE SA, unhashed until done */
	struct oak_dh *dh;
};

/* The work area of one exchange (too big for the stack). */
struct oak_rekey_ctx {
	struct ike_sa_payload sa;
	struct ike_ke ke;
	const u8 *nonce;
	u16 nlen;
	u8 want[2];			/* INVALID_KE_PAYLOAD: the group we ask for */
	size_t shared_len;
	u8 shared[IKE_DH_MAX_SHARED];
};

static struct oak_rekey_ctx *oak_rekey_ctx_new(void)
{
	return kzalloc(sizeof(struct oak_rekey_ctx), GFP_KERNEL);
}

static void oak_rekey_ctx_free(struct oak_rekey_ctx *x)
{
	kfree_sensitive(x);
}

/* A fresh IKE SA object for a rekey of @old (unhashed). */
static struct oak_ike_sa *oak_rekey_new_sa(struct oak_ike_sa *old, bool initiator)
{
	struct oak_ike_sa *nsa = oak_sa_new(old->in, &oak_ikev2_ops, old->conn, initiator);

	if (!nsa)
		return NULL;
	nsa->local = old->local;
	nsa->remote = old->remote;
	nsa->nat = old->nat;		/* its NAT traversal, ports included */
	ikev2_sa(nsa)->msgid_out = 0;
	ikev2_sa(nsa)->msgid_in = 0;
	kref_get(&old->ref);
	nsa->rekey_of = old;
	oak_auth_inherit_id(nsa, old);
	return nsa;
}

/*
 * The new SA's keys (§2.18) from the old SA's SK_d and the exchange's DH
 * result and nonces (already in ikev2_sa(nsa)->ni/nr), then both directions' SK state.
 */
static int oak_rekey_keys(struct oak_ike_sa *old, struct oak_ike_sa *nsa,
			  const u8 *gir, size_t gir_len)
{
	struct ikev2_sa *v2 = ikev2_sa(nsa);
	struct oak_ike_keys *k = &v2->hs->keys;
	int err;

	k->prf = nsa->algs.prf;
	k->encr = nsa->algs.encr;
	k->encr_keylen = nsa->algs.encr_keylen;
	k->integ = nsa->algs.integ;
	err = oak_ike_derive_rekey(k, old->algs.prf, ikev2_sa(old)->sk_d, ikev2_sa(old)->prf_len,
				   v2->ni, v2->ni_len, v2->nr, v2->nr_len, gir, gir_len,
				   nsa->spi_i, nsa->spi_r);
	if (err)
		return err;
	oak_sa_keep_sk_d(nsa);
	/* the §2.8.1 tie-break nonce, while the nonces are there */
	err = oak_ccs_nonce_min(&v2->ccs.nmin, &v2->ccs.nmin_len, v2->ni, v2->ni_len,
				v2->nr, v2->nr_len);
	if (err)
		return err;
	v2->sk_in = oak_sk_new(k->encr, k->encr_keylen, k->integ,
			       nsa->initiator ? k->sk_er : k->sk_ei, k->ek_len,
			       nsa->initiator ? k->sk_ar : k->sk_ai, k->ak_len);
	v2->sk_out = oak_sk_new(k->encr, k->encr_keylen, k->integ,
				nsa->initiator ? k->sk_ei : k->sk_er, k->ek_len,
				nsa->initiator ? k->sk_ai : k->sk_ar, k->ak_len);
	if (!v2->sk_in || !v2->sk_out)
		return -ENOMEM;
	return 0;
}

static int oak_rekey_parse(const struct ike_msg *m, struct oak_rekey_ctx *x)
{
	const struct ike_payload *psa = ike_find(m, IKE_PL_SA);
	const struct ike_payload *pke = ike_find(m, IKE_PL_KE);
	const struct ike_payload *pn = ike_find(m, IKE_PL_NONCE);

	if (!psa || !pke || !pn)
		return -EBADMSG;
	if (ike_parse_sa(psa->body, psa->len, &x->sa) ||
	    ike_parse_ke(pke->body, pke->len, &x->ke) ||
	    ike_parse_nonce(pn->body, pn->len, &x->nonce, &x->nlen))
		return -EBADMSG;
	if (x->nlen < IKE_NONCE_MIN || x->nlen > IKE_NONCE_MAX)
		return -EBADMSG;
	return 0;
}

/*
 * The new SA is up: hash it, announce it (oak_rekey_keys() kept the tie-break
 * nonce).  Out of memory for the tables: it is killed (the old SA stays, the
 * peer's new one times out) and -ENOMEM returned.
 */
static int oak_rekey_up(struct oak_ike_sa *nsa)
{
	if (oak_sa_hash(nsa)) {
		oak_sa_log(pr_warn_ratelimited, nsa, NULL, "rekeyed IKE SA not hashed\n");
		oak_sa_kill(nsa);
		return -ENOMEM;
	}
	oak_sa_hs_free(nsa);
	oak_sa_rekey_up(nsa);
	return 0;
}

static void oak_rekey_set_heir(struct oak_ike_sa *old, struct oak_ike_sa *nsa)
{
	kref_get(&nsa->ref);
	oak_sa_put(old->rekeyed_by);
	old->rekeyed_by = nsa;
}

/* ---- initiator ---- */

static const struct oak_req_ops oak_rekey_ops;

int oak_ccs_rekey_ike(struct oak_ike_sa *sa)
{
	struct oak_rekey_req *req;

	if (sa->dead || sa->state != OAKLEY_IKE_STATE_ESTABLISHED ||
	    (sa->t.flags & OAK_Q_DELETING))
		return -ENOTCONN;
	if (ikev2_sa(sa)->ccs.rekeying || sa->rekeyed_by)
		return 0;	/* underway, or replaced already */
	if (ikev2_sa(sa)->ccs.busy) {
		/* §2.25.2: not while our Child SA exchanges are in flight */
		ikev2_sa(sa)->ccs.retry_ike = true;
		oak_ccs_retry_later(sa);
		return 0;
	}
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->r.ops = &oak_rekey_ops;
	ikev2_sa(sa)->ccs.rekeying = true;
	ikev2_sa(sa)->ccs.retry_ike = false;
	return oak_req_submit(sa, &req->r);
}

static u16 oak_rekey_group(struct oak_ike_sa *sa)
{
	const struct oakley_proposals *props = sa->conn->ike_props;

	if (ikev2_sa(sa)->ccs.ke_group)
		return ikev2_sa(sa)->ccs.ke_group;
	if (oak_prop_has_dh(props, sa->algs.dh))
		return sa->algs.dh;
	return oak_prop_first_dh(props);
}

static int oak_rekey_build(struct oak_ike_sa *sa, struct oak_req *r, struct ike_buf *b)
{
	struct oak_rekey_req *req = container_of(r, struct oak_rekey_req, r);
	struct ike_sa_payload *sap;
	u16 group = oak_rekey_group(sa);
	int err = -ENOMEM;

	if (sa->rekeyed_by)
		return -EALREADY;	/* the peer was faster */
	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	req->nsa = oak_rekey_new_sa(sa, true);
	req->dh = group ? oak_dh_new(group) : NULL;
	if (!sap || !req->nsa || !req->dh)
		goto out;
	err = oak_prop_build(sa->conn->ike_props, IKE_PROTO_IKE, req->nsa->spi_i, IKE_SPI_LEN,
			     true, sap);
	if (err)
		goto out;
	ikev2_sa(req->nsa)->ni_len = OAK_NONCE_LEN;
	get_random_bytes(ikev2_sa(req->nsa)->ni, ikev2_sa(req->nsa)->ni_len);
	ike_add_sa(b, sap);
	ike_add_nonce(b, ikev2_sa(req->nsa)->ni, ikev2_sa(req->nsa)->ni_len);
	ike_add_ke(b, group, oak_dh_public(req->dh), oak_dh_pub_len(group));
	err = b->err;
out:
	kfree(sap);
	return err;
}

/* The peer refused: retry later, with another group, or give up. */
static void oak_rekey_refused(struct oak_ike_sa *sa, struct oak_rekey_req *req, u16 err,
			      const u8 *data, u16 len)
{
	u16 group;

	if (err == IKE_N_TEMPORARY_FAILURE) {
		if (!sa->rekeyed_by) {
			ikev2_sa(sa)->ccs.retry_ike = true;
			oak_ccs_retry_later(sa);
		}
		return;
	}
	if (err == IKE_N_INVALID_KE_PAYLOAD) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_KE);
		group = len == 2 ? get_unaligned_be16(data) : 0;
		if (++ikev2_sa(sa)->ccs.ke_tries <= OAK_REKEY_KE_TRIES &&
		    oak_prop_has_dh(sa->conn->ike_props, group) && oak_dh_supported(group) &&
		    group != oak_dh_group(req->dh)) {
			ikev2_sa(sa)->ccs.ke_group = group;
			oak_ccs_rekey_ike(sa);
			return;
		}
	}
	if (err == IKE_N_NO_PROPOSAL_CHOSEN)
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
	oak_sa_event(sa, OAKLEY_EVENT_ERROR, NULL, err, "peer refused the IKE SA rekey");
}

/* Check the response and set the new SA's SPI, algorithms, nonce and keys. */
static const char *oak_rekey_check(struct oak_ike_sa *sa, struct oak_rekey_req *req,
				   const struct ike_msg *m, struct oak_rekey_ctx *x)
{
	struct oak_ike_sa *nsa = req->nsa;
	static const u8 zero[IKE_SPI_LEN];
	int idx;

	if (oak_rekey_parse(m, x))
		return "malformed IKE rekey response";
	idx = oak_prop_select(&x->sa, sa->conn->ike_props, IKE_PROTO_IKE, false, &nsa->algs,
			      NULL);
	if (idx < 0 || x->sa.nproposals != 1 || x->sa.p[idx].spi_len != IKE_SPI_LEN ||
	    !memcmp(x->sa.p[idx].spi, zero, IKE_SPI_LEN)) {
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		return "peer chose a proposal we did not offer";
	}
	if (nsa->algs.dh != x->ke.group || x->ke.group != oak_dh_group(req->dh))
		return "peer's KE does not match the chosen group";
	if (oak_dh_compute(req->dh, x->ke.data, x->ke.len, x->shared, &x->shared_len))
		return "bad KE from the peer";
	memcpy(nsa->spi_r, x->sa.p[idx].spi, IKE_SPI_LEN);
	memcpy(ikev2_sa(nsa)->nr, x->nonce, x->nlen);
	ikev2_sa(nsa)->nr_len = x->nlen;
	if (oak_rekey_keys(sa, nsa, x->shared, x->shared_len))
		return "cannot derive the new IKE SA's keys";
	return NULL;
}

/* Our rekey made @nsa: resolve a collision, move the Child SAs, delete the old SA. */
static void oak_rekey_finish(struct oak_ike_sa *sa, struct oak_ike_sa *nsa)
{
	struct oak_ike_sa *peer = sa->rekeyed_by;

	if (peer && !peer->dead &&
	    oak_ccs_nonce_cmp(ikev2_sa(nsa)->ccs.nmin, ikev2_sa(nsa)->ccs.nmin_len,
			      ikev2_sa(peer)->ccs.nmin, ikev2_sa(peer)->ccs.nmin_len) < 0) {
		/* ours has the lowest nonce: redundant; the peer deletes the old SA */
		oak_sa_log(pr_debug, sa, NULL, "IKE rekey collision, ours is redundant\n");
		oak_req_delete_ike(nsa);
		return;
	}
	if (peer && !peer->dead) {
		oak_sa_log(pr_debug, sa, NULL, "IKE rekey collision, the peer's is redundant\n");
		oak_sa_move_children(peer, nsa);
	}
	oak_sa_move_children(sa, nsa);
	oak_rekey_set_heir(sa, nsa);
	oak_req_delete_ike(sa);
}

static void oak_rekey_done(struct oak_ike_sa *sa, struct oak_req *r, const struct ike_msg *m)
{
	struct oak_rekey_req *req = container_of(r, struct oak_rekey_req, r);
	struct oak_ike_sa *nsa = req->nsa;
	struct oak_rekey_ctx *x;
	const u8 *data = NULL;
	const char *why;
	u16 err, len = 0;

	ikev2_sa(sa)->ccs.rekeying = false;
	if (!m || !nsa)
		return;
	err = oak_ccs_msg_error(m, &data, &len);
	if (err) {
		oak_sa_log(pr_debug, sa, NULL, "IKE rekey refused: %u\n", err);
		oak_rekey_refused(sa, req, err, data, len);
		return;
	}
	x = oak_rekey_ctx_new();
	why = x ? oak_rekey_check(sa, req, m, x) : "out of memory";
	oak_rekey_ctx_free(x);
	if (why) {
		oak_sa_log(pr_debug, sa, NULL, "IKE rekey failed: %s\n", why);
		oak_sa_event(sa, OAKLEY_EVENT_ERROR, NULL, 0, why);
		return;
	}
	req->nsa = NULL;	/* the tables own it now */
	ikev2_sa(sa)->ccs.ke_tries = 0;
	ikev2_sa(sa)->ccs.ke_group = 0;
	if (!oak_rekey_up(nsa))
		oak_rekey_finish(sa, nsa);
}

static void oak_rekey_release(struct oak_req *r)
{
	struct oak_rekey_req *req = container_of(r, struct oak_rekey_req, r);

	if (req->nsa)
		oak_sa_kill(req->nsa);	/* never hashed: just counted and freed */
	oak_dh_free(req->dh);
	kfree_sensitive(req);
}

static const struct oak_req_ops oak_rekey_ops = {
	.exchange = IKE_CREATE_CHILD_SA,
	.build = oak_rekey_build,
	.done = oak_rekey_done,
	.release = oak_rekey_release,
};

/* ---- responder ---- */

/* Choose from the peer's proposals and make the new SA; 0 or a notify. */
static u16 oak_rekey_accept(struct oak_ike_sa *sa, struct oak_rekey_ctx *x,
			    struct oak_ike_sa **out, u8 *num)
{
	static const u8 zero[IKE_SPI_LEN];
	struct oak_ike_sa *nsa;
	struct oak_algs algs;
	int idx;

	idx = oak_prop_select(&x->sa, sa->conn->ike_props, IKE_PROTO_IKE, false, &algs, num);
	if (idx < 0 || x->sa.p[idx].spi_len != IKE_SPI_LEN ||
	    !memcmp(x->sa.p[idx].spi, zero, IKE_SPI_LEN)) {
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	if (x->ke.group != algs.dh) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_KE);
		put_unaligned_be16(algs.dh, x->want);
		return IKE_N_INVALID_KE_PAYLOAD;
	}
	nsa = oak_rekey_new_sa(sa, false);
	if (!nsa)
		return IKE_N_TEMPORARY_FAILURE;
	*out = nsa;
	nsa->algs = algs;
	memcpy(nsa->spi_i, x->sa.p[idx].spi, IKE_SPI_LEN);
	memcpy(ikev2_sa(nsa)->ni, x->nonce, x->nlen);
	ikev2_sa(nsa)->ni_len = x->nlen;
	ikev2_sa(nsa)->nr_len = OAK_NONCE_LEN;
	get_random_bytes(ikev2_sa(nsa)->nr, ikev2_sa(nsa)->nr_len);
	ikev2_sa(nsa)->dh = oak_dh_new(algs.dh);
	if (!ikev2_sa(nsa)->dh)
		return IKE_N_TEMPORARY_FAILURE;
	if (oak_dh_compute(ikev2_sa(nsa)->dh, x->ke.data, x->ke.len, x->shared, &x->shared_len))
		return IKE_N_INVALID_SYNTAX;
	if (oak_rekey_keys(sa, nsa, x->shared, x->shared_len))
		return IKE_N_TEMPORARY_FAILURE;
	return 0;
}

static int oak_rekey_answer(struct oak_ike_sa *sa, const struct ike_msg *m,
			    struct oak_ike_sa *nsa, struct oak_rekey_ctx *x, u8 num)
{
	struct ike_buf b;
	size_t sk;
	u8 *mem;
	int err;

	mem = kmalloc(OAK_MSG_MAX, GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	ike_buf_init(&b, mem, OAK_MSG_MAX);
	oak_hdr(sa, &b, IKE_CREATE_CHILD_SA, true, m->msgid);
	sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
	oak_prop_from_algs(&nsa->algs, num, IKE_PROTO_IKE, nsa->spi_r, IKE_SPI_LEN, &x->sa);
	ike_add_sa(&b, &x->sa);
	ike_add_nonce(&b, ikev2_sa(nsa)->nr, ikev2_sa(nsa)->nr_len);
	ike_add_ke(&b, nsa->algs.dh, oak_dh_public(ikev2_sa(nsa)->dh),
		   oak_dh_pub_len(nsa->algs.dh));
	err = oak_sk_finish(sa, &b, sk);
	if (err) {
		kfree(mem);
		return err;
	}
	return oak_send_response(sa, mem, b.len);
}

/* Refuse while this SA is replaced, closing, or busy with Child SA exchanges. */
static bool oak_rekey_busy(struct oak_ike_sa *sa)
{
	return sa->rekeyed_by || (sa->t.flags & OAK_Q_DELETING) || ikev2_sa(sa)->ccs.busy ||
	       sa->state != OAKLEY_IKE_STATE_ESTABLISHED;
}

void oak_ccs_ike_request(struct oak_ike_sa *sa, const struct ike_msg *m)
{
	struct oak_ike_sa *nsa = NULL;
	struct oak_rekey_ctx *x;
	u8 num = 0;
	u16 err;

	if (oak_rekey_busy(sa)) {
		oak_ccs_respond_error(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	x = oak_rekey_ctx_new();
	if (!x) {
		oak_ccs_respond_error(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (oak_rekey_parse(m, x)) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_SYNTAX);
		err = IKE_N_INVALID_SYNTAX;
	} else {
		err = oak_rekey_accept(sa, x, &nsa, &num);
	}
	memzero_explicit(x->shared, sizeof(x->shared));
	if (!err && oak_rekey_answer(sa, m, nsa, x, num))
		err = IKE_N_TEMPORARY_FAILURE;
	if (err) {
		if (nsa)
			oak_sa_kill(nsa);
		if (err == IKE_N_INVALID_KE_PAYLOAD)
			oak_ccs_respond_error(sa, m, err, x->want, 2);
		else
			oak_ccs_respond_error(sa, m, err, NULL, 0);
		goto out;
	}
	oak_dh_free(ikev2_sa(nsa)->dh);
	ikev2_sa(nsa)->dh = NULL;
	if (oak_rekey_up(nsa))
		goto out;
	/* the Child SAs are the new SA's now; the peer deletes this one (§2.18) */
	oak_sa_move_children(sa, nsa);
	oak_rekey_set_heir(sa, nsa);
out:
	oak_rekey_ctx_free(x);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: SA payload proposals (RFC 7296 §2.7, §3.3).
 *
 * Our configured lists (struct oakley_proposals) become SA payloads; a
 * peer's SA payload is matched against them: the first of the peer's
 * proposals we accept wins, and inside it, per transform type, the first of
 * the peer's transforms that our proposal also lists.
 */

#include "../core/sa.h"
#include "../core/xfrm.h"
#include "ikev2.h"

#define OAK_TYPES	5	/* ENCR, PRF, INTEG, DH, ESN */

static void oak_prop_add(struct ike_proposal *p, u8 type, u16 id, u16 keylen)
{
	struct ike_transform *t;

	if (p->ntransforms >= IKE_MAX_TRANSFORMS)
		return;
	t = &p->t[p->ntransforms++];
	t->type = type;
	t->id = id;
	t->keylen = keylen;
}

/* The configured list as an SA payload; DH transforms only when with_dh. */
int oak_prop_build(const struct oakley_proposals *props, u8 protocol, const u8 *spi,
		   u8 spi_len, bool with_dh, struct ike_sa_payload *out)
{
	unsigned int i, n;

	memset(out, 0, sizeof(*out));
	if (!props || !props->nprops)
		return -ENOENT;
	for (n = 0; n < props->nprops && n < IKE_MAX_PROPOSALS; n++) {
		struct ike_proposal *p = &out->p[n];
		bool esn = false;

		p->num = n + 1;
		p->protocol = protocol;
		p->spi_len = spi_len;
		if (spi_len)
			memcpy(p->spi, spi, spi_len);
		for (i = 0; i < props->count; i++) {
			const struct oakley_transform *t = &props->t[i];

			if (t->prop != n)
				continue;
			if (t->type == OAKLEY_TRANS_DH && !with_dh)
				continue;
			if (t->type == OAKLEY_TRANS_ESN)
				esn = true;
			oak_prop_add(p, t->type, t->id, t->keylen);
		}
		if (protocol != IKE_PROTO_IKE && !esn)
			oak_prop_add(p, OAKLEY_TRANS_ESN, 0, 0);
	}
	out->nproposals = n;
	return 0;
}

static bool oak_conf_has(const struct oakley_proposals *ours, u8 prop,
			 const struct ike_transform *t)
{
	unsigned int i;

	for (i = 0; i < ours->count; i++) {
		const struct oakley_transform *o = &ours->t[i];

		if (o->prop == prop && o->type == t->type && o->id == t->id &&
		    o->keylen == t->keylen)
			return true;
	}
	return false;
}

static bool oak_conf_has_type(const struct oakley_proposals *ours, u8 prop, u8 type)
{
	unsigned int i;

	for (i = 0; i < ours->count; i++)
		if (ours->t[i].prop == prop && ours->t[i].type == type)
			return true;
	return false;
}

static bool oak_alg_ok(u8 protocol, const struct ike_transform *t)
{
	if (protocol != IKE_PROTO_IKE)
		return true;	/* ESP: checked as a whole with oak_xfrm_esp_supported() */
	switch (t->type) {
	case OAKLEY_TRANS_ENCR:
		return oak_encr_supported(t->id, t->keylen);
	case OAKLEY_TRANS_PRF:
		return oak_prf_supported(t->id);
	case OAKLEY_TRANS_INTEG:
		return oak_integ_supported(t->id);
	case OAKLEY_TRANS_DH:
		return oak_dh_supported(t->id);
	}
	return true;
}

/*
 * One transform type of peer proposal p against our proposal q: 0 and *t
 * set (NULL when neither side lists the type), or -ENOENT.
 */
static int oak_match_type(const struct ike_proposal *p, const struct oakley_proposals *ours,
			  u8 q, u8 type, const struct ike_transform **t)
{
	bool peer_has = false;
	unsigned int i;

	*t = NULL;
	for (i = 0; i < p->ntransforms; i++) {
		const struct ike_transform *pt = &p->t[i];

		if (pt->type != type)
			continue;
		peer_has = true;
		if (type == OAKLEY_TRANS_ESN && !oak_conf_has_type(ours, q, type)) {
			if (pt->id == 0) {
				*t = pt;
				return 0;
			}
			continue;
		}
		if (oak_conf_has(ours, q, pt) && oak_alg_ok(p->protocol, pt)) {
			*t = pt;
			return 0;
		}
	}
	if (!peer_has && (type == OAKLEY_TRANS_ESN || !oak_conf_has_type(ours, q, type)))
		return 0;
	return -ENOENT;
}

static int oak_match(const struct ike_proposal *p, const struct oakley_proposals *ours, u8 q,
		     bool ignore_dh, struct oak_algs *a)
{
	static const u8 types[OAK_TYPES] = { OAKLEY_TRANS_ENCR, OAKLEY_TRANS_PRF,
		OAKLEY_TRANS_INTEG, OAKLEY_TRANS_DH, OAKLEY_TRANS_ESN };
	const struct ike_transform *t;
	unsigned int i;
	bool aead;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < OAK_TYPES; i++) {
		if (types[i] == OAKLEY_TRANS_DH && ignore_dh)
			continue;
		if (oak_match_type(p, ours, q, types[i], &t))
			return -ENOENT;
		if (!t)
			continue;
		switch (types[i]) {
		case OAKLEY_TRANS_ENCR:
			a->encr = t->id;
			a->encr_keylen = t->keylen;
			break;
		case OAKLEY_TRANS_PRF:
			a->prf = t->id;
			break;
		case OAKLEY_TRANS_INTEG:
			a->integ = t->id;
			break;
		case OAKLEY_TRANS_DH:
			a->dh = t->id;
			break;
		case OAKLEY_TRANS_ESN:
			a->esn = t->id;
			break;
		}
	}
	if (!a->encr)
		return -ENOENT;
	if (p->protocol == IKE_PROTO_IKE) {
		aead = oak_encr_is_aead(a->encr);
		if (!a->prf || !a->dh || aead == !!a->integ)
			return -ENOENT;
		return 0;
	}
	return oak_xfrm_esp_supported(a->encr, a->encr_keylen, a->integ) ? 0 : -ENOENT;
}

/*
 * Pick from a peer's SA payload.  Returns the index in peer->p[] of the
 * chosen proposal (its algorithms in *algs), or -ENOENT.
 */
int oak_prop_select(const struct ike_sa_payload *peer, const struct oakley_proposals *ours,
		    u8 protocol, bool ignore_dh, struct oak_algs *algs, u8 *chosen)
{
	unsigned int i, q;

	if (!ours)
		return -ENOENT;
	for (i = 0; i < peer->nproposals; i++) {
		const struct ike_proposal *p = &peer->p[i];

		if (p->protocol != protocol)
			continue;
		if (protocol == IKE_PROTO_IKE ? p->spi_len != 0 && p->spi_len != 8 :
		    p->spi_len != 4)
			continue;
		for (q = 0; q < ours->nprops; q++) {
			if (!oak_match(p, ours, q, ignore_dh, algs)) {
				if (chosen)
					*chosen = p->num;
				return i;
			}
		}
	}
	return -ENOENT;
}

/* A one-proposal SA payload from negotiated algorithms (responses). */
int oak_prop_from_algs(const struct oak_algs *a, u8 num, u8 protocol, const u8 *spi,
		       u8 spi_len, struct ike_sa_payload *out)
{
	struct ike_proposal *p = &out->p[0];

	memset(out, 0, sizeof(*out));
	out->nproposals = 1;
	p->num = num;
	p->protocol = protocol;
	p->spi_len = spi_len;
	if (spi_len)
		memcpy(p->spi, spi, spi_len);
	oak_prop_add(p, OAKLEY_TRANS_ENCR, a->encr, a->encr_keylen);
	if (protocol == IKE_PROTO_IKE)
		oak_prop_add(p, OAKLEY_TRANS_PRF, a->prf, 0);
	if (a->integ)
		oak_prop_add(p, OAKLEY_TRANS_INTEG, a->integ, 0);
	if (a->dh)
		oak_prop_add(p, OAKLEY_TRANS_DH, a->dh, 0);
	if (protocol != IKE_PROTO_IKE)
		oak_prop_add(p, OAKLEY_TRANS_ESN, a->esn, 0);
	return 0;
}

/* The group of the first DH transform of the first proposal (our KE guess). */
u16 oak_prop_first_dh(const struct oakley_proposals *props)
{
	unsigned int i;

	for (i = 0; props && i < props->count; i++)
		if (props->t[i].type == OAKLEY_TRANS_DH)
			return props->t[i].id;
	return 0;
}

bool oak_prop_has_dh(const struct oakley_proposals *props, u16 group)
{
	unsigned int i;

	for (i = 0; props && i < props->count; i++)
		if (props->t[i].type == OAKLEY_TRANS_DH && props->t[i].id == group)
			return true;
	return false;
}

/*
 * Whether a proposal list accepts an already negotiated IKE transform set:
 * what oak_prop_select() of the one-proposal payload oak_prop_from_algs()
 * makes of it would say, without building it.  Allocates nothing and does
 * not sleep: the connection switch calls it under RCU (auth.c).
 */
bool oak_prop_select_algs(const struct oakley_proposals *props, const struct oak_algs *algs)
{
	const struct ike_transform encr = { .type = OAKLEY_TRANS_ENCR, .id = algs->encr,
					    .keylen = algs->encr_keylen };
	const struct ike_transform prf = { .type = OAKLEY_TRANS_PRF, .id = algs->prf };
	const struct ike_transform integ = { .type = OAKLEY_TRANS_INTEG, .id = algs->integ };
	const struct ike_transform dh = { .type = OAKLEY_TRANS_DH, .id = algs->dh };
	unsigned int q;

	if (!props || !algs->encr || !algs->prf || !algs->dh)
		return false;
	for (q = 0; q < props->nprops; q++) {
		if (!oak_conf_has(props, q, &encr) || !oak_conf_has(props, q, &prf) ||
		    !oak_conf_has(props, q, &dh))
			continue;
		/* AEAD: no INTEG negotiated, and the proposal must not ask for one */
		if (algs->integ ? !oak_conf_has(props, q, &integ) :
				  oak_conf_has_type(props, q, OAKLEY_TRANS_INTEG))
			continue;
		return true;
	}
	return false;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv1: SA payloads (RFC 2408 §3.4-3.6, RFC 2409 Appendix A,
 * RFC 2407 §4.5).  The configuration holds IKEv2-style proposals (strongSwan
 * syntax, kernel/conn.h); IKEv1 transforms carry one value of each
 * attribute, so every combination of a configured proposal's encryption,
 * integrity (the IKEv1 hash) and DH group becomes one transform, in the
 * configured order.  The responder takes the first transform of the
 * initiator's proposals, in the initiator's order, that one of its own
 * proposals contains (NO-PROPOSAL-CHOSEN otherwise).
 */
#include <linux/kernel.h>

#include "../core/xfrm.h"
#include "ikev1.h"

/* One combination of a configured proposal (IKEv2 transform IDs). */
struct v1_combo {
	u16 encr, keylen, integ, group;
};

/* Up to @max combinations of @props, in order; @need_dh: no group, no combination. */
static unsigned int v1_combos(const struct oakley_proposals *props, bool need_dh,
			      struct v1_combo *out, unsigned int max)
{
	const struct oakley_transform *t = props ? props->t : NULL;
	unsigned int n = 0, p, e, i, d;
	unsigned int cnt = props ? props->count : 0;

	for (p = 0; props && p < props->nprops; p++)
		for (e = 0; e < cnt; e++) {
			if (t[e].prop != p || t[e].type != OAKLEY_TRANS_ENCR)
				continue;
			for (i = 0; i < cnt; i++) {
				if (t[i].prop != p || t[i].type != OAKLEY_TRANS_INTEG)
					continue;
				for (d = 0; d < cnt && n < max; d++) {
					if (t[d].prop != p || t[d].type != OAKLEY_TRANS_DH)
						continue;
					out[n++] = (struct v1_combo){ t[e].id, t[e].keylen,
								      t[i].id, t[d].id };
				}
				if (!need_dh && n < max)
					out[n++] = (struct v1_combo){ t[e].id, t[e].keylen,
								      t[i].id, 0 };
			}
		}
	return n;
}

/* Has @props, proposal by proposal, this DH group at all? */
static bool v1_props_have_dh(const struct oakley_proposals *props)
{
	unsigned int i;

	for (i = 0; props && i < props->count; i++)
		if (props->t[i].type == OAKLEY_TRANS_DH)
			return true;
	return false;
}

/* A Life Duration: TV, or TLV of up to 4 bytes; a longer one is as good as none. */
static u32 v1_life_value(const struct isakmp_attr *a)
{
	return a->tv || a->len <= 4 ? a->value : U32_MAX;
}

/* ---- phase 1 ---- */

static u16 v1_hash_of_integ(u16 integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA1_96:
		return IKEV1_HASH_SHA1;
	case IKE_INTEG_HMAC_SHA2_256_128:
		return IKEV1_HASH_SHA2_256;
	case IKE_INTEG_HMAC_SHA2_384_192:
		return IKEV1_HASH_SHA2_384;
	case IKE_INTEG_HMAC_SHA2_512_256:
		return IKEV1_HASH_SHA2_512;
	}
	return 0;
}

static bool v1_p1_usable(const struct v1_combo *c)
{
	if (c->encr != IKE_ENCR_AES_CBC && c->encr != IKE_ENCR_3DES)
		return false;
	if (c->encr == IKE_ENCR_AES_CBC && c->keylen != 128 && c->keylen != 192 &&
	    c->keylen != 256)
		return false;
	return v1_hash_of_integ(c->integ) && oak_dh_supported(c->group) && c->group;
}

static u16 v1_encr_attr(u16 encr)
{
	return encr == IKE_ENCR_AES_CBC ? IKEV1_ENCR_AES_CBC : IKEV1_ENCR_3DES_CBC;
}

static void v1_p1_attrs(struct isakmp_buf *b, const struct v1_p1 *p)
{
	isakmp_put_attr_tv(b, IKEV1_ATTR_ENCR, v1_encr_attr(p->encr));
	if (p->encr == IKE_ENCR_AES_CBC)
		isakmp_put_attr_tv(b, IKEV1_ATTR_KEY_LENGTH, p->keylen);
	isakmp_put_attr_tv(b, IKEV1_ATTR_HASH, p->hash);
	isakmp_put_attr_tv(b, IKEV1_ATTR_AUTH, IKEV1_AUTH_PSK);
	isakmp_put_attr_tv(b, IKEV1_ATTR_GROUP_DESC, p->group);
	if (p->life)
		v1_p1_life_attrs(b, p->life);
}

static unsigned int v1_p1_list(const struct oakley_conn *conn, struct v1_p1 *out)
{
	struct v1_combo c[V1_MAX_XFORMS];
	unsigned int n, i, k = 0;

	n = v1_combos(conn->ike_props, true, c, ARRAY_SIZE(c));
	for (i = 0; i < n; i++) {
		if (!v1_p1_usable(&c[i]))
			continue;
		out[k++] = (struct v1_p1){ c[i].encr, c[i].keylen, v1_hash_of_integ(c[i].integ),
					   c[i].group, conn->ike_lifetime };
	}
	return k;
}

u16 v1_p1_first_group(const struct oakley_conn *conn)
{
	struct v1_p1 p[V1_MAX_XFORMS];

	return v1_p1_list(conn, p) ? p[0].group : 0;
}

/* One proposal (ISAKMP, no SPI) with a transform per usable combination. */
void v1_p1_build(struct isakmp_buf *b, const struct oakley_conn *conn, u16 group)
{
	struct v1_p1 p[V1_MAX_XFORMS];
	unsigned int n, i, k;
	size_t sa, prop, t;

	n = v1_p1_list(conn, p);
	for (i = 0, k = 0; i < n; i++)
		if (!group || p[i].group == group)
			p[k++] = p[i];
	n = k;
	sa = isakmp_sa_begin(b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	prop = isakmp_prop_begin(b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, n, true);
	for (i = 0; i < n; i++) {
		t = isakmp_trans_begin(b, i + 1, ISAKMP_KEY_IKE, i + 1 == n);
		v1_p1_attrs(b, &p[i]);
		isakmp_pl_end(b, t);
	}
	isakmp_pl_end(b, prop);
	isakmp_pl_end(b, sa);
}

void v1_p1_put(struct isakmp_buf *b, const struct v1_p1 *p, u8 pnum, u8 tnum)
{
	size_t sa, prop, t;

	sa = isakmp_sa_begin(b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	prop = isakmp_prop_begin(b, pnum, ISAKMP_PROTO_ISAKMP, NULL, 0, 1, true);
	t = isakmp_trans_begin(b, tnum, ISAKMP_KEY_IKE, true);
	v1_p1_attrs(b, p);
	isakmp_pl_end(b, t);
	isakmp_pl_end(b, prop);
	isakmp_pl_end(b, sa);
}

/* A phase 1 transform's attributes; -EINVAL for one we do not speak. */
static int v1_p1_parse(const struct isakmp_transform *t, struct v1_p1 *p)
{
	struct isakmp_attr a;
	size_t pos = 0;
	u16 auth = 0, ltype = 0;
	int r;

	memset(p, 0, sizeof(*p));
	if (t->id != ISAKMP_KEY_IKE)
		return -EINVAL;
	while ((r = isakmp_attr_next(t, &pos, &a)) > 0) {
		switch (a.type) {
		case IKEV1_ATTR_ENCR:
			if (a.value == IKEV1_ENCR_AES_CBC)
				p->encr = IKE_ENCR_AES_CBC;
			else if (a.value == IKEV1_ENCR_3DES_CBC)
				p->encr = IKE_ENCR_3DES;
			else
				return -EINVAL;
			break;
		case IKEV1_ATTR_HASH:
			p->hash = a.value;
			break;
		case IKEV1_ATTR_AUTH:
			auth = a.value;
			break;
		case IKEV1_ATTR_GROUP_DESC:
			p->group = a.value;
			break;
		case IKEV1_ATTR_KEY_LENGTH:
			p->keylen = a.value;
			break;
		case IKEV1_ATTR_LIFE_DURATION:
			if (ltype == IKEV1_LIFE_SECONDS)
				p->life = v1_life_value(&a);
			break;
		case IKEV1_ATTR_LIFE_TYPE:
			ltype = a.value;
			break;
		default:
			return -EINVAL;	/* group types, PRF: not ours */
		}
	}
	if (r < 0 || auth != IKEV1_AUTH_PSK || !p->encr || !p->hash || !p->group)
		return -EINVAL;
	if (p->encr == IKE_ENCR_3DES)
		p->keylen = 0;
	return 0;
}

static bool v1_p1_same(const struct v1_p1 *a, const struct v1_p1 *b)
{
	return a->encr == b->encr && a->keylen == b->keylen && a->hash == b->hash &&
	       a->group == b->group;
}

int v1_p1_select(const struct isakmp_sa *peer, const struct oakley_conn *conn,
		 struct v1_p1 *out, u8 *pnum, u8 *tnum)
{
	struct v1_p1 ours[V1_MAX_XFORMS], got;
	unsigned int n, i, j, k;

	n = v1_p1_list(conn, ours);
	if (peer->doi != ISAKMP_DOI_IPSEC)
		return -ENOENT;
	for (i = 0; i < peer->nproposals; i++) {
		const struct isakmp_proposal *pr = &peer->p[i];

		if (pr->protocol != ISAKMP_PROTO_ISAKMP)
			continue;
		for (j = 0; j < pr->ntransforms; j++) {
			if (v1_p1_parse(&pr->t[j], &got))
				continue;
			for (k = 0; k < n; k++)
				if (v1_p1_same(&got, &ours[k]))
					break;
			if (k == n)
				continue;
			*out = got;
			*pnum = pr->num;
			*tnum = pr->t[j].num;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- phase 2: ESP ---- */

static u8 v1_esp_id(u16 encr)
{
	switch (encr) {
	case IKE_ENCR_AES_CBC:
		return ISAKMP_ESP_AES_CBC;
	case IKE_ENCR_3DES:
		return ISAKMP_ESP_3DES;
	case IKE_ENCR_AES_GCM_8:
		return ISAKMP_ESP_AES_GCM_8;
	case IKE_ENCR_AES_GCM_12:
		return ISAKMP_ESP_AES_GCM_12;
	case IKE_ENCR_AES_GCM_16:
		return ISAKMP_ESP_AES_GCM_16;
	}
	return 0;
}

static u16 v1_esp_auth(u16 integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA1_96:
		return IPSEC_AUTH_HMAC_SHA1;
	case IKE_INTEG_HMAC_SHA2_256_128:
		return IPSEC_AUTH_HMAC_SHA2_256;
	case IKE_INTEG_HMAC_SHA2_384_192:
		return IPSEC_AUTH_HMAC_SHA2_384;
	case IKE_INTEG_HMAC_SHA2_512_256:
		return IPSEC_AUTH_HMAC_SHA2_512;
	}
	return 0;
}

static u16 v1_integ_of_auth(u16 auth)
{
	switch (auth) {
	case IPSEC_AUTH_HMAC_SHA1:
		return IKE_INTEG_HMAC_SHA1_96;
	case IPSEC_AUTH_HMAC_SHA2_256:
		return IKE_INTEG_HMAC_SHA2_256_128;
	case IPSEC_AUTH_HMAC_SHA2_384:
		return IKE_INTEG_HMAC_SHA2_384_192;
	case IPSEC_AUTH_HMAC_SHA2_512:
		return IKE_INTEG_HMAC_SHA2_512_256;
	}
	return 0;
}

/* Bytes as SA Life kilobytes, rounded up; 0: none. */
static u32 v1_life_kb(u64 bytes)
{
	return bytes ? (u32)min_t(u64, DIV_ROUND_UP_ULL(bytes, 1024), U32_MAX) : 0;
}

/* ESP combinations of a child: AEADs have no integrity transform in the config. */
static unsigned int v1_p2_list(const struct oakley_child *cfg, struct v1_p2 *out)
{
	const struct oakley_proposals *props = cfg->esp;
	struct v1_combo c[V1_MAX_XFORMS];
	bool pfs = v1_props_have_dh(props);
	unsigned int n = 0, p, e, d, i, k = 0;

	for (p = 0; props && p < props->nprops; p++)
		for (e = 0; e < props->count && n < ARRAY_SIZE(c); e++) {
			const struct oakley_transform *t = &props->t[e];

			if (t->prop != p || t->type != OAKLEY_TRANS_ENCR ||
			    !oak_encr_is_aead(t->id))
				continue;
			for (d = 0; d < props->count && n < ARRAY_SIZE(c); d++)
				if (props->t[d].prop == p && props->t[d].type == OAKLEY_TRANS_DH)
					c[n++] = (struct v1_combo){ t->id, t->keylen, 0,
								    props->t[d].id };
			if (!pfs && n < ARRAY_SIZE(c))
				c[n++] = (struct v1_combo){ t->id, t->keylen, 0, 0 };
		}
	n += v1_combos(props, pfs, c + n, ARRAY_SIZE(c) - n);
	for (i = 0; i < n; i++) {
		if (!v1_esp_id(c[i].encr))
			continue;
		if (!oak_encr_is_aead(c[i].encr) && !v1_esp_auth(c[i].integ))
			continue;
		out[k++] = (struct v1_p2){ c[i].encr, c[i].keylen, c[i].integ, c[i].group,
					   v1_esp_id(c[i].encr), cfg->mode };
		out[k - 1].life_s = cfg->lifetime;
		out[k - 1].life_kb = v1_life_kb(cfg->life_bytes);
	}
	return k;
}

/* SA Life attributes (RFC 2407 §4.5): seconds and/or kilobytes, 0: not sent. */
void v1_p2_life_attrs(struct isakmp_buf *b, u32 secs, u32 kb)
{
	if (secs) {
		isakmp_put_attr_tv(b, IPSEC_ATTR_LIFE_TYPE, IPSEC_LIFE_SECONDS);
		isakmp_put_attr(b, IPSEC_ATTR_LIFE_DURATION, secs);
	}
	if (kb) {
		isakmp_put_attr_tv(b, IPSEC_ATTR_LIFE_TYPE, IPSEC_LIFE_KILOBYTES);
		isakmp_put_attr(b, IPSEC_ATTR_LIFE_DURATION, kb);
	}
}

static void v1_p2_attrs(struct isakmp_buf *b, const struct v1_p2 *p)
{
	isakmp_put_attr_tv(b, IPSEC_ATTR_ENCAP_MODE, p->mode == OAKLEY_MODE_TRANSPORT ?
			   IPSEC_ENCAP_TRANSPORT : IPSEC_ENCAP_TUNNEL);
	if (p->integ)
		isakmp_put_attr_tv(b, IPSEC_ATTR_AUTH_ALG, v1_esp_auth(p->integ));
	if (p->keylen)
		isakmp_put_attr_tv(b, IPSEC_ATTR_KEY_LENGTH, p->keylen);
	if (p->group)
		isakmp_put_attr_tv(b, IPSEC_ATTR_GROUP_DESC, p->group);
	v1_p2_life_attrs(b, p->life_s, p->life_kb);
}

/* The PFS group a Quick Mode for @cfg offers (the first configured), 0: none. */
u16 v1_p2_pfs_group(const struct oakley_child *cfg)
{
	struct v1_p2 p[V1_MAX_XFORMS];

	return v1_p2_list(cfg, p) ? p[0].group : 0;
}

/* One ESP proposal with a transform per combination; *group: the PFS group offered first. */
void v1_p2_build(struct isakmp_buf *b, const struct oakley_child *cfg, const u8 *spi,
		 u16 *group)
{
	struct v1_p2 p[V1_MAX_XFORMS];
	unsigned int n, i, k;
	size_t sa, prop, t;

	n = v1_p2_list(cfg, p);
	*group = n ? p[0].group : 0;
	/* one PFS group per Quick Mode: the KE payload carries the first */
	for (i = 0, k = 0; i < n; i++)
		if (p[i].group == *group)
			p[k++] = p[i];
	n = k;
	sa = isakmp_sa_begin(b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	prop = isakmp_prop_begin(b, 1, ISAKMP_PROTO_ESP, spi, V1_SPI_LEN, n, true);
	for (i = 0; i < n; i++) {
		t = isakmp_trans_begin(b, i + 1, p[i].esp_id, i + 1 == n);
		v1_p2_attrs(b, &p[i]);
		isakmp_pl_end(b, t);
	}
	isakmp_pl_end(b, prop);
	isakmp_pl_end(b, sa);
}

void v1_p2_put(struct isakmp_buf *b, const struct v1_p2 *p, const u8 *spi, u8 pnum, u8 tnum)
{
	size_t sa, prop, t;

	sa = isakmp_sa_begin(b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	prop = isakmp_prop_begin(b, pnum, ISAKMP_PROTO_ESP, spi, V1_SPI_LEN, 1, true);
	t = isakmp_trans_begin(b, tnum, p->esp_id, true);
	v1_p2_attrs(b, p);
	isakmp_pl_end(b, t);
	isakmp_pl_end(b, prop);
	isakmp_pl_end(b, sa);
}

/*
 * Phase 1's SA Life in seconds as a RESPONDER-LIFETIME notify for the
 * ISAKMP SA carries it: attributes of the phase 1 transform (RFC 2409
 * Appendix A), not those of the IPsec DOI.
 */
void v1_p1_life_attrs(struct isakmp_buf *b, u32 secs)
{
	isakmp_put_attr_tv(b, IKEV1_ATTR_LIFE_TYPE, IKEV1_LIFE_SECONDS);
	isakmp_put_attr(b, IKEV1_ATTR_LIFE_DURATION, secs);
}

/* The shortest lifetime in seconds such an attribute list gives; 0: none (or malformed). */
u32 v1_p1_life_parse(const u8 *data, u16 len)
{
	struct isakmp_transform t = { .attrs = data, .attrs_len = len };
	struct isakmp_attr a;
	size_t pos = 0;
	u16 ltype = 0;
	u32 secs = 0, v;
	int r;

	while ((r = isakmp_attr_next(&t, &pos, &a)) > 0) {
		if (a.type == IKEV1_ATTR_LIFE_TYPE) {
			ltype = a.value;
		} else if (a.type == IKEV1_ATTR_LIFE_DURATION && ltype == IKEV1_LIFE_SECONDS) {
			v = v1_life_value(&a);
			if (v && (!secs || v < secs))
				secs = v;
		}
	}
	return r < 0 ? 0 : secs;
}

/* One Life Type / Life Duration pair: the shortest of each type counts. */
static void v1_p2_life_take(struct v1_p2 *p, u16 type, u32 value)
{
	if (!value)
		return;
	if (type == IPSEC_LIFE_SECONDS && (!p->life_s || value < p->life_s))
		p->life_s = value;
	else if (type == IPSEC_LIFE_KILOBYTES && (!p->life_kb || value < p->life_kb))
		p->life_kb = value;
}

/*
 * SA Life attributes as a RESPONDER-LIFETIME notify carries them (RFC 2407
 * §4.6.3.1, @data: an attribute list): into @p's life_s and life_kb.
 */
int v1_p2_life_parse(const u8 *data, u16 len, struct v1_p2 *p)
{
	struct isakmp_transform t = { .attrs = data, .attrs_len = len };
	struct isakmp_attr a;
	size_t pos = 0;
	u16 ltype = 0;
	int r;

	p->life_s = 0;
	p->life_kb = 0;
	while ((r = isakmp_attr_next(&t, &pos, &a)) > 0) {
		if (a.type == IPSEC_ATTR_LIFE_TYPE)
			ltype = a.value;
		else if (a.type == IPSEC_ATTR_LIFE_DURATION)
			v1_p2_life_take(p, ltype, v1_life_value(&a));
	}
	return r;
}

static int v1_p2_parse(const struct isakmp_transform *t, struct v1_p2 *p)
{
	struct isakmp_attr a;
	size_t pos = 0;
	u16 mode = 0, ltype = 0;
	int r;

	memset(p, 0, sizeof(*p));
	p->esp_id = t->id;
	while ((r = isakmp_attr_next(t, &pos, &a)) > 0) {
		switch (a.type) {
		case IPSEC_ATTR_ENCAP_MODE:
			mode = a.value;
			break;
		case IPSEC_ATTR_AUTH_ALG:
			p->integ = v1_integ_of_auth(a.value);
			if (!p->integ)
				return -EINVAL;
			break;
		case IPSEC_ATTR_KEY_LENGTH:
			p->keylen = a.value;
			break;
		case IPSEC_ATTR_GROUP_DESC:
			p->group = a.value;
			break;
		case IPSEC_ATTR_LIFE_TYPE:
			ltype = a.value;
			break;
		case IPSEC_ATTR_LIFE_DURATION:
			v1_p2_life_take(p, ltype, v1_life_value(&a));
			break;
		default:
			return -EINVAL;
		}
	}
	if (r < 0)
		return -EINVAL;
	p->mode = mode == IPSEC_ENCAP_TRANSPORT ? OAKLEY_MODE_TRANSPORT :
		  mode == IPSEC_ENCAP_TUNNEL ? OAKLEY_MODE_TUNNEL : 0;
	return p->mode ? 0 : -EINVAL;
}

static bool v1_p2_same(const struct v1_p2 *a, const struct v1_p2 *b)
{
	return a->esp_id == b->esp_id && a->keylen == b->keylen && a->integ == b->integ &&
	       a->group == b->group && a->mode == b->mode;
}

int v1_p2_select(const struct isakmp_sa *peer, const struct oakley_child *cfg,
		 struct v1_p2 *out, u8 *pnum, u8 *tnum)
{
	struct v1_p2 ours[V1_MAX_XFORMS], got;
	unsigned int n, i, j, k;

	n = v1_p2_list(cfg, ours);
	for (i = 0; i < peer->nproposals; i++) {
		const struct isakmp_proposal *pr = &peer->p[i];

		if (pr->protocol != ISAKMP_PROTO_ESP || pr->spi_len != V1_SPI_LEN)
			continue;
		for (j = 0; j < pr->ntransforms; j++) {
			if (v1_p2_parse(&pr->t[j], &got))
				continue;
			for (k = 0; k < n; k++)
				if (v1_p2_same(&got, &ours[k]))
					break;
			if (k == n)
				continue;
			*out = ours[k];
			/* the peer's lifetimes: a responder returns them as proposed */
			out->life_s = got.life_s;
			out->life_kb = got.life_kb;
			memcpy(out->spi, pr->spi, V1_SPI_LEN);
			*pnum = pr->num;
			*tnum = pr->t[j].num;
			return 0;
		}
	}
	return -ENOENT;
}

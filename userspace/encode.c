// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "encode.h"
#include "format.h"
#include "proposal.h"

/* ---- the growable message ------------------------------------------------ */

void nlbuf_init(struct nlbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void nlbuf_free(struct nlbuf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->cap);	/* it may carry secrets */
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static void *reserve(struct nlbuf *b, size_t len)
{
	size_t need = b->len + MNL_ALIGN(len);
	uint8_t *n;
	void *p;

	if (b->oom)
		return NULL;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < need)
			cap *= 2;
		n = malloc(cap);
		if (!n) {
			b->oom = true;
			return NULL;
		}
		if (b->data) {
			memcpy(n, b->data, b->len);
			explicit_bzero(b->data, b->cap);
			free(b->data);
		}
		b->data = n;
		b->cap = cap;
	}
	p = b->data + b->len;
	memset(p, 0, MNL_ALIGN(len));
	b->len = need;
	return p;
}

struct nlmsghdr *nlbuf_hdr(struct nlbuf *b)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)b->data;

	nlh->nlmsg_len = (uint32_t)b->len;
	return nlh;
}

void nlbuf_msg(struct nlbuf *b, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	b->len = 0;
	nlh = reserve(b, sizeof(*nlh));
	g = reserve(b, sizeof(*g));
	if (!nlh || !g)
		return;
	nlh = (struct nlmsghdr *)b->data;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = (struct genlmsghdr *)(b->data + MNL_ALIGN(sizeof(*nlh)));
	g->cmd = cmd;
	g->version = OAKLEY_GENL_VERSION;
}

void nlbuf_put(struct nlbuf *b, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a;

	if (len > UINT16_MAX - sizeof(*a)) {
		b->too_big = true;
		return;
	}
	a = reserve(b, sizeof(*a) + len);
	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(sizeof(*a) + len);
	if (len)
		memcpy(a + 1, data, len);
}

void nlbuf_u8(struct nlbuf *b, uint16_t type, uint8_t v)
{
	nlbuf_put(b, type, &v, sizeof(v));
}

void nlbuf_u16(struct nlbuf *b, uint16_t type, uint16_t v)
{
	nlbuf_put(b, type, &v, sizeof(v));
}

void nlbuf_u32(struct nlbuf *b, uint16_t type, uint32_t v)
{
	nlbuf_put(b, type, &v, sizeof(v));
}

void nlbuf_u64(struct nlbuf *b, uint16_t type, uint64_t v)
{
	nlbuf_put(b, type, &v, sizeof(v));
}

void nlbuf_str(struct nlbuf *b, uint16_t type, const char *s)
{
	nlbuf_put(b, type, s, strlen(s) + 1);
}

size_t nlbuf_nest_start(struct nlbuf *b, uint16_t type)
{
	size_t start = b->len;
	struct nlattr *a = reserve(b, sizeof(*a));

	if (a)
		a->nla_type = type | NLA_F_NESTED;
	return start;
}

void nlbuf_nest_end(struct nlbuf *b, size_t start)
{
	struct nlattr *a;

	if (b->oom)
		return;
	if (b->len - start > UINT16_MAX) {
		b->too_big = true;
		return;
	}
	a = (struct nlattr *)(b->data + start);
	a->nla_len = (uint16_t)(b->len - start);
}

/* ---- source map ------------------------------------------------------------ */

struct enc {
	struct nlbuf *b;
	struct oak_srcmap *map;
	const char *file;
	unsigned int sline;		/* the section's line */
	const char *section, *name;
};

/* the section that the attributes recorded next belong to */
static void enter(struct enc *e, unsigned int line, const char *section, const char *name)
{
	e->sline = line;
	e->section = section;
	e->name = name;
}

static size_t mark(struct enc *e)
{
	return e->b->len;
}

static void record(struct enc *e, size_t start, unsigned int line, const char *key)
{
	struct oak_srcmap *m = e->map;
	struct oak_srcent *n;

	if (!m || e->b->oom)
		return;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;

		n = realloc(m->e, cap * sizeof(*n));
		if (!n)
			return;
		m->e = n;
		m->cap = cap;
	}
	n = &m->e[m->n++];
	n->off = (uint32_t)start;
	n->end = (uint32_t)e->b->len;
	n->file = e->file;
	n->line = line ? line : e->sline;
	n->key = key;
	n->section = e->section;
	n->name = e->name;
}

void oak_srcmap_free(struct oak_srcmap *m)
{
	free(m->e);
	memset(m, 0, sizeof(*m));
}

const struct oak_srcent *oak_srcmap_find(const struct oak_srcmap *m, uint32_t off)
{
	const struct oak_srcent *best = NULL;
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct oak_srcent *s = &m->e[i];

		if (s->off <= off && off < s->end &&
		    (!best || s->off > best->off || (s->off == best->off && s->end < best->end)))
			best = s;
	}
	return best;
}

/* ---- encoding ---------------------------------------------------------------- */

static void put_proposals(struct nlbuf *b, uint16_t type, const struct oak_proplist *pl)
{
	size_t list = nlbuf_nest_start(b, type), prop, tr;
	unsigned int i, k;

	for (i = 0; i < pl->n; i++) {
		prop = nlbuf_nest_start(b, OAKLEY_PROP_A_PROPOSAL);
		for (k = 0; k < pl->p[i].n; k++) {
			const struct oak_transform *t = &pl->p[i].t[k];

			tr = nlbuf_nest_start(b, OAKLEY_PROPOSAL_A_TRANSFORM);
			nlbuf_u8(b, OAKLEY_TRANSFORM_A_TYPE, t->type);
			nlbuf_u16(b, OAKLEY_TRANSFORM_A_ID, t->id);
			if (t->keylen)
				nlbuf_u16(b, OAKLEY_TRANSFORM_A_KEYLEN, t->keylen);
			nlbuf_nest_end(b, tr);
		}
		nlbuf_nest_end(b, prop);
	}
	nlbuf_nest_end(b, list);
}

static void put_id(struct nlbuf *b, uint16_t type, const struct oak_id *id)
{
	size_t n = nlbuf_nest_start(b, type);

	nlbuf_u8(b, OAKLEY_ID_A_TYPE, id->type);
	if (id->len)
		nlbuf_put(b, OAKLEY_ID_A_DATA, id->data, id->len);
	nlbuf_nest_end(b, n);
}

static void put_tslist(struct nlbuf *b, uint16_t type, const struct oak_tslist *l)
{
	size_t list = nlbuf_nest_start(b, type), n;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		const struct oak_ts *ts = &l->ts[i];

		n = nlbuf_nest_start(b, OAKLEY_TSLIST_A_TS);
		nlbuf_u16(b, OAKLEY_TS_A_FAMILY, ts->family);
		nlbuf_put(b, OAKLEY_TS_A_ADDR, ts->addr, ts->family == AF_INET6 ? 16 : 4);
		nlbuf_u8(b, OAKLEY_TS_A_PREFIXLEN, ts->prefixlen);
		nlbuf_u8(b, OAKLEY_TS_A_PROTO, ts->proto);
		nlbuf_u16(b, OAKLEY_TS_A_PORT, ts->port);
		nlbuf_nest_end(b, n);
	}
	nlbuf_nest_end(b, list);
}

/* Each PUT records the attribute's extent under the config key K. */
#define PUT(e, kl, K, stmt)			\
	do {					\
		size_t s_ = mark(e);		\
		stmt;				\
		record(e, s_, kl, K);		\
	} while (0)

static void encode_child(struct enc *e, const struct oak_child *h)
{
	struct nlbuf *b = e->b;
	const unsigned int *kl = h->key_line;
	size_t nest = nlbuf_nest_start(b, OAKLEY_CONN_A_CHILD);

	enter(e, h->line, "child", h->name);
	PUT(e, 0, NULL, nlbuf_str(b, OAKLEY_CHILD_A_NAME, h->name));
	PUT(e, kl[HK_LOCAL_TS], "local-ts", put_tslist(b, OAKLEY_CHILD_A_LOCAL_TS, &h->lts));
	PUT(e, kl[HK_REMOTE_TS], "remote-ts", put_tslist(b, OAKLEY_CHILD_A_REMOTE_TS, &h->rts));
	if (h->esp.n)
		PUT(e, kl[HK_ESP], "esp",
		    put_proposals(b, OAKLEY_CHILD_A_ESP_PROPOSALS, &h->esp));
	if (h->ah.n)
		PUT(e, kl[HK_AH], "ah", put_proposals(b, OAKLEY_CHILD_A_AH_PROPOSALS, &h->ah));
	PUT(e, kl[HK_MODE], "mode", nlbuf_u8(b, OAKLEY_CHILD_A_MODE, h->mode));
	PUT(e, kl[HK_START], "start", nlbuf_u8(b, OAKLEY_CHILD_A_START, h->start));
	PUT(e, kl[HK_REKEY], "rekey", nlbuf_u32(b, OAKLEY_CHILD_A_REKEY, h->rekey));
	PUT(e, kl[HK_LIFETIME], "lifetime", nlbuf_u32(b, OAKLEY_CHILD_A_LIFETIME, h->lifetime));
	PUT(e, kl[HK_REKEY_BYTES], "rekey-bytes",
	    nlbuf_u64(b, OAKLEY_CHILD_A_REKEY_BYTES, h->rekey_bytes));
	PUT(e, kl[HK_LIFE_BYTES], "life-bytes",
	    nlbuf_u64(b, OAKLEY_CHILD_A_LIFE_BYTES, h->life_bytes));
	PUT(e, kl[HK_REKEY_PACKETS], "rekey-packets",
	    nlbuf_u64(b, OAKLEY_CHILD_A_REKEY_PACKETS, h->rekey_packets));
	PUT(e, kl[HK_LIFE_PACKETS], "life-packets",
	    nlbuf_u64(b, OAKLEY_CHILD_A_LIFE_PACKETS, h->life_packets));
	nlbuf_nest_end(b, nest);
	record(e, nest, 0, NULL);
}

static void encode_conn(struct enc *e, const struct oak_conn *c)
{
	struct nlbuf *b = e->b;
	const unsigned int *kl = c->key_line;
	size_t alen = c->family == AF_INET6 ? 16 : 4;
	size_t nest = nlbuf_nest_start(b, OAKLEY_A_CONN);
	unsigned int i;

	e->file = c->file;
	enter(e, c->line, "connection", c->name);
	PUT(e, 0, NULL, nlbuf_str(b, OAKLEY_CONN_A_NAME, c->name));
	PUT(e, kl[CK_VERSION], "version", nlbuf_u8(b, OAKLEY_CONN_A_VERSION, c->version));
	PUT(e, kl[CK_LOCAL], "local", nlbuf_u16(b, OAKLEY_CONN_A_FAMILY, c->family));
	PUT(e, kl[CK_LOCAL], "local", nlbuf_put(b, OAKLEY_CONN_A_LOCAL_ADDR, c->laddr, alen));
	PUT(e, kl[CK_LOCAL], "local", nlbuf_u16(b, OAKLEY_CONN_A_LOCAL_PORT, c->lport));
	if (!c->remote_any)
		PUT(e, kl[CK_REMOTE], "remote",
		    nlbuf_put(b, OAKLEY_CONN_A_REMOTE_ADDR, c->raddr, alen));
	PUT(e, kl[CK_REMOTE], "remote", nlbuf_u16(b, OAKLEY_CONN_A_REMOTE_PORT, c->rport));
	PUT(e, kl[CK_LOCAL_ID], "local-id", put_id(b, OAKLEY_CONN_A_LOCAL_ID, &c->lid));
	PUT(e, kl[CK_REMOTE_ID], "remote-id", put_id(b, OAKLEY_CONN_A_REMOTE_ID, &c->rid));
	PUT(e, kl[CK_AUTH], "auth", nlbuf_u8(b, OAKLEY_CONN_A_AUTH, c->auth));
	if (c->secret[0])
		PUT(e, kl[CK_SECRET], "secret", nlbuf_str(b, OAKLEY_CONN_A_SECRET, c->secret));
	PUT(e, kl[CK_IKE], "ike", put_proposals(b, OAKLEY_CONN_A_IKE_PROPOSALS, &c->ike));
	if (c->exchange)
		PUT(e, kl[CK_EXCHANGE], "exchange",
		    nlbuf_u8(b, OAKLEY_CONN_A_EXCHANGE, c->exchange));
	PUT(e, kl[CK_START], "start", nlbuf_u8(b, OAKLEY_CONN_A_START, c->start));
	PUT(e, kl[CK_DPD], "dpd", nlbuf_u32(b, OAKLEY_CONN_A_DPD, c->dpd));
	PUT(e, kl[CK_DPD_ACTION], "dpd-action",
	    nlbuf_u8(b, OAKLEY_CONN_A_DPD_ACTION, c->dpd_action));
	PUT(e, kl[CK_IKE_REKEY], "ike-rekey", nlbuf_u32(b, OAKLEY_CONN_A_IKE_REKEY, c->ike_rekey));
	PUT(e, kl[CK_IKE_LIFETIME], "ike-lifetime",
	    nlbuf_u32(b, OAKLEY_CONN_A_IKE_LIFETIME, c->ike_lifetime));
	PUT(e, kl[CK_REAUTH], "reauth", nlbuf_u32(b, OAKLEY_CONN_A_REAUTH, c->reauth));
	PUT(e, kl[CK_JITTER], "jitter", nlbuf_u8(b, OAKLEY_CONN_A_JITTER, c->jitter));
	for (i = 0; i < c->nchildren; i++) {
		encode_child(e, &c->children[i]);
		enter(e, c->line, "connection", c->name);
	}
	nlbuf_nest_end(b, nest);
	record(e, nest, 0, NULL);
}

static void encode_secret(struct enc *e, const struct oak_secret *s)
{
	struct nlbuf *b = e->b;
	size_t nest = nlbuf_nest_start(b, OAKLEY_A_SECRET);

	e->file = s->file;
	enter(e, s->line, "secret", s->name);
	PUT(e, 0, NULL, nlbuf_str(b, OAKLEY_SECRET_A_NAME, s->name));
	PUT(e, 0, "psk", nlbuf_put(b, OAKLEY_SECRET_A_PSK, s->psk, s->len));
	nlbuf_nest_end(b, nest);
	record(e, nest, 0, NULL);
}

int oak_encode_config(struct nlbuf *b, const struct oak_config *cfg, struct oak_srcmap *map)
{
	struct enc e = { .b = b, .map = map };
	unsigned int i;

	for (i = 0; i < cfg->nsecrets; i++)
		encode_secret(&e, &cfg->secrets[i]);
	for (i = 0; i < cfg->nconns; i++)
		encode_conn(&e, &cfg->conns[i]);
	return b->oom || b->too_big ? -1 : 0;
}

/* ---- decoding ------------------------------------------------------------------ */

int oak_attr_fixed(const struct nlattr *a, void *out, size_t len)
{
	if (mnl_attr_get_payload_len(a) != len)
		return -1;
	memcpy(out, mnl_attr_get_payload(a), len);
	return 0;
}

int oak_attr_str(const struct nlattr *a, char *out, size_t size)
{
	size_t n = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	if (n && !s[n - 1])
		n--;
	if (n >= size || memchr(s, 0, n))
		return -1;
	memcpy(out, s, n);
	out[n] = 0;
	return 0;
}

int oak_attr_addr(const struct nlattr *a, uint8_t *out)
{
	size_t n = mnl_attr_get_payload_len(a);

	if (n != 4 && n != 16)
		return -1;
	memset(out, 0, 16);
	memcpy(out, mnl_attr_get_payload(a), n);
	return 0;
}

static int decode_proposals(const struct nlattr *nest, struct oak_proplist *pl)
{
	const struct nlattr *pa, *ta, *a;
	struct oak_proposal *p;

	oak_proplist_free(pl);
	pl->p = calloc(OAKLEY_MAX_PROPOSALS, sizeof(*pl->p));
	if (!pl->p)
		return -1;
	mnl_attr_for_each_nested(pa, nest) {
		if (mnl_attr_get_type(pa) != OAKLEY_PROP_A_PROPOSAL)
			continue;
		if (pl->n >= OAKLEY_MAX_PROPOSALS)
			return -1;
		p = &pl->p[pl->n++];
		mnl_attr_for_each_nested(ta, pa) {
			struct oak_transform *t;

			if (mnl_attr_get_type(ta) != OAKLEY_PROPOSAL_A_TRANSFORM)
				continue;
			if (p->n >= OAKLEY_MAX_TRANSFORMS)
				return -1;
			t = &p->t[p->n++];
			mnl_attr_for_each_nested(a, ta) {
				int r = 0;

				switch (mnl_attr_get_type(a)) {
				case OAKLEY_TRANSFORM_A_TYPE:
					r = oak_attr_fixed(a, &t->type, 1);
					break;
				case OAKLEY_TRANSFORM_A_ID:
					r = oak_attr_fixed(a, &t->id, 2);
					break;
				case OAKLEY_TRANSFORM_A_KEYLEN:
					r = oak_attr_fixed(a, &t->keylen, 2);
					break;
				}
				if (r)
					return -1;
			}
		}
	}
	return 0;
}

static int decode_id(const struct nlattr *nest, struct oak_id *id)
{
	const struct nlattr *a;

	memset(id, 0, sizeof(*id));
	mnl_attr_for_each_nested(a, nest) {
		size_t n = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case OAKLEY_ID_A_TYPE:
			if (oak_attr_fixed(a, &id->type, 1))
				return -1;
			break;
		case OAKLEY_ID_A_DATA:
			if (n > OAKLEY_ID_MAX)
				return -1;
			memcpy(id->data, mnl_attr_get_payload(a), n);
			id->len = (uint16_t)n;
			break;
		}
	}
	return 0;
}

int oak_decode_tslist(const struct nlattr *nest, struct oak_tslist *l)
{
	const struct nlattr *ta, *a;

	l->n = 0;
	mnl_attr_for_each_nested(ta, nest) {
		struct oak_ts *ts;

		if (mnl_attr_get_type(ta) != OAKLEY_TSLIST_A_TS)
			continue;
		if (l->n >= OAKLEY_MAX_TS)
			return -1;
		ts = &l->ts[l->n++];
		memset(ts, 0, sizeof(*ts));
		mnl_attr_for_each_nested(a, ta) {
			int r = 0;

			switch (mnl_attr_get_type(a)) {
			case OAKLEY_TS_A_FAMILY:
				r = oak_attr_fixed(a, &ts->family, 2);
				break;
			case OAKLEY_TS_A_ADDR:
				r = oak_attr_addr(a, ts->addr);
				break;
			case OAKLEY_TS_A_PREFIXLEN:
				r = oak_attr_fixed(a, &ts->prefixlen, 1);
				break;
			case OAKLEY_TS_A_PROTO:
				r = oak_attr_fixed(a, &ts->proto, 1);
				break;
			case OAKLEY_TS_A_PORT:
				r = oak_attr_fixed(a, &ts->port, 2);
				break;
			}
			if (r)
				return -1;
		}
	}
	return 0;
}

static int decode_child(const struct nlattr *nest, struct oak_child *h)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		int r = 0;

		switch (mnl_attr_get_type(a)) {
		case OAKLEY_CHILD_A_NAME:
			r = oak_attr_str(a, h->name, sizeof(h->name));
			break;
		case OAKLEY_CHILD_A_LOCAL_TS:
			r = oak_decode_tslist(a, &h->lts);
			break;
		case OAKLEY_CHILD_A_REMOTE_TS:
			r = oak_decode_tslist(a, &h->rts);
			break;
		case OAKLEY_CHILD_A_ESP_PROPOSALS:
			r = decode_proposals(a, &h->esp);
			break;
		case OAKLEY_CHILD_A_AH_PROPOSALS:
			r = decode_proposals(a, &h->ah);
			break;
		case OAKLEY_CHILD_A_MODE:
			r = oak_attr_fixed(a, &h->mode, 1);
			break;
		case OAKLEY_CHILD_A_START:
			r = oak_attr_fixed(a, &h->start, 1);
			break;
		case OAKLEY_CHILD_A_REKEY:
			r = oak_attr_fixed(a, &h->rekey, 4);
			break;
		case OAKLEY_CHILD_A_LIFETIME:
			r = oak_attr_fixed(a, &h->lifetime, 4);
			break;
		case OAKLEY_CHILD_A_REKEY_BYTES:
			r = oak_attr_fixed(a, &h->rekey_bytes, 8);
			break;
		case OAKLEY_CHILD_A_LIFE_BYTES:
			r = oak_attr_fixed(a, &h->life_bytes, 8);
			break;
		case OAKLEY_CHILD_A_REKEY_PACKETS:
			r = oak_attr_fixed(a, &h->rekey_packets, 8);
			break;
		case OAKLEY_CHILD_A_LIFE_PACKETS:
			r = oak_attr_fixed(a, &h->life_packets, 8);
			break;
		}
		if (r)
			return -1;
	}
	return 0;
}

static int decode_conn_attr(const struct nlattr *a, struct oak_conn *c)
{
	struct oak_child *h;

	switch (mnl_attr_get_type(a)) {
	case OAKLEY_CONN_A_NAME:
		return oak_attr_str(a, c->name, sizeof(c->name));
	case OAKLEY_CONN_A_VERSION:
		return oak_attr_fixed(a, &c->version, 1);
	case OAKLEY_CONN_A_FAMILY:
		return oak_attr_fixed(a, &c->family, 2);
	case OAKLEY_CONN_A_LOCAL_ADDR:
		return oak_attr_addr(a, c->laddr);
	case OAKLEY_CONN_A_LOCAL_PORT:
		return oak_attr_fixed(a, &c->lport, 2);
	case OAKLEY_CONN_A_REMOTE_ADDR:
		c->remote_any = false;
		return oak_attr_addr(a, c->raddr);
	case OAKLEY_CONN_A_REMOTE_PORT:
		return oak_attr_fixed(a, &c->rport, 2);
	case OAKLEY_CONN_A_LOCAL_ID:
		return decode_id(a, &c->lid);
	case OAKLEY_CONN_A_REMOTE_ID:
		return decode_id(a, &c->rid);
	case OAKLEY_CONN_A_AUTH:
		return oak_attr_fixed(a, &c->auth, 1);
	case OAKLEY_CONN_A_SECRET:
		return oak_attr_str(a, c->secret, sizeof(c->secret));
	case OAKLEY_CONN_A_IKE_PROPOSALS:
		return decode_proposals(a, &c->ike);
	case OAKLEY_CONN_A_EXCHANGE:
		return oak_attr_fixed(a, &c->exchange, 1);
	case OAKLEY_CONN_A_START:
		return oak_attr_fixed(a, &c->start, 1);
	case OAKLEY_CONN_A_DPD:
		return oak_attr_fixed(a, &c->dpd, 4);
	case OAKLEY_CONN_A_DPD_ACTION:
		return oak_attr_fixed(a, &c->dpd_action, 1);
	case OAKLEY_CONN_A_IKE_REKEY:
		return oak_attr_fixed(a, &c->ike_rekey, 4);
	case OAKLEY_CONN_A_IKE_LIFETIME:
		return oak_attr_fixed(a, &c->ike_lifetime, 4);
	case OAKLEY_CONN_A_REAUTH:
		return oak_attr_fixed(a, &c->reauth, 4);
	case OAKLEY_CONN_A_JITTER:
		return oak_attr_fixed(a, &c->jitter, 1);
	case OAKLEY_CONN_A_CHILD:
		if (c->nchildren >= OAKLEY_MAX_CHILDREN)
			return -1;
		h = oak_grow(c->children, c->nchildren, sizeof(*h));
		if (!h)
			return -1;
		c->children = h;
		h += c->nchildren++;
		memset(h, 0, sizeof(*h));
		return decode_child(a, h);
	}
	return 0;
}

int oak_decode_conn(const struct nlattr *nest, struct oak_config *cfg)
{
	const struct nlattr *a;
	struct oak_conn *c;

	c = oak_grow(cfg->conns, cfg->nconns, sizeof(*c));
	if (!c)
		return -1;
	cfg->conns = c;
	c += cfg->nconns++;
	memset(c, 0, sizeof(*c));
	c->remote_any = true;
	mnl_attr_for_each_nested(a, nest)
		if (decode_conn_attr(a, c))
			return -1;
	return 0;
}

int oak_decode_msg(const struct nlmsghdr *nlh, struct oak_config *cfg)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == OAKLEY_A_CONN && oak_decode_conn(a, cfg))
			return -1;
	}
	return 0;
}

/* ---- JSON ------------------------------------------------------------------------ */

static void json_proposals(struct json *j, const char *key, const struct oak_proplist *pl)
{
	char *s;

	if (!pl->n) {
		json_null(j, key);
		return;
	}
	s = oak_proposals_string(pl);
	json_str(j, key, s ? s : "");
	free(s);
}

void oak_json_tslist(struct json *j, const char *key, const struct oak_tslist *l)
{
	char buf[OAK_ADDRSTRLEN + 32];
	unsigned int i;

	json_arr_open(j, key);
	for (i = 0; i < l->n; i++) {
		oak_fmt_ts(buf, sizeof(buf), &l->ts[i]);
		json_str(j, NULL, buf);
	}
	json_close_arr(j);
}

static void json_child(struct json *j, const struct oak_child *h)
{
	json_obj_open(j, NULL);
	json_str(j, "name", h->name);
	oak_json_tslist(j, "local-ts", &h->lts);
	oak_json_tslist(j, "remote-ts", &h->rts);
	json_proposals(j, "esp", &h->esp);
	json_proposals(j, "ah", &h->ah);
	json_str(j, "mode", oak_mode_name(h->mode));
	json_str(j, "start", oak_start_name(h->start));
	json_u64(j, "rekey", h->rekey);
	json_u64(j, "lifetime", h->lifetime);
	json_u64(j, "rekey-bytes", h->rekey_bytes);
	json_u64(j, "life-bytes", h->life_bytes);
	json_u64(j, "rekey-packets", h->rekey_packets);
	json_u64(j, "life-packets", h->life_packets);
	json_close_obj(j);
}

void oak_json_conn(struct json *j, const struct oak_conn *c)
{
	char buf[OAK_IDSTRLEN];
	unsigned int i;

	json_obj_open(j, NULL);
	json_str(j, "name", c->name);
	json_u64(j, "version", c->version);
	oak_fmt_endpoint(buf, sizeof(buf), c->family, c->laddr, c->lport);
	json_str(j, "local", buf);
	if (c->remote_any)
		snprintf(buf, sizeof(buf), "%%any");
	else
		oak_fmt_endpoint(buf, sizeof(buf), c->family, c->raddr, c->rport);
	json_str(j, "remote", buf);
	oak_fmt_id(buf, sizeof(buf), &c->lid);
	json_str(j, "local-id", buf);
	oak_fmt_id(buf, sizeof(buf), &c->rid);
	json_str(j, "remote-id", buf);
	json_str(j, "auth", oak_auth_name(c->auth));
	if (c->secret[0])
		json_str(j, "secret", c->secret);
	else
		json_null(j, "secret");
	json_proposals(j, "ike", &c->ike);
	if (c->exchange)
		json_str(j, "exchange", oak_exchange_name(c->exchange));
	json_str(j, "start", oak_start_name(c->start));
	json_u64(j, "dpd", c->dpd);
	json_str(j, "dpd-action", oak_dpd_action_name(c->dpd_action));
	json_u64(j, "ike-rekey", c->ike_rekey);
	json_u64(j, "ike-lifetime", c->ike_lifetime);
	json_u64(j, "reauth", c->reauth);
	json_u64(j, "jitter", c->jitter);
	json_arr_open(j, "children");
	for (i = 0; i < c->nchildren; i++)
		json_child(j, &c->children[i]);
	json_close_arr(j);
	json_close_obj(j);
}

static const struct oak_conn *sort_base;

static int cmp_conn(const void *a, const void *b)
{
	return strcmp(sort_base[*(const unsigned int *)a].name,
		      sort_base[*(const unsigned int *)b].name);
}

unsigned int *oak_sorted_conns(const struct oak_config *cfg)
{
	unsigned int *idx = malloc((cfg->nconns + 1) * sizeof(*idx)), i;

	if (!idx)
		return NULL;
	for (i = 0; i < cfg->nconns; i++)
		idx[i] = i;
	sort_base = cfg->conns;
	qsort(idx, cfg->nconns, sizeof(*idx), cmp_conn);
	return idx;
}

void oak_json_conns(struct json *j, const struct oak_config *cfg, const char *key)
{
	unsigned int *idx = oak_sorted_conns(cfg), i;

	json_arr_open(j, key);
	for (i = 0; idx && i < cfg->nconns; i++)
		oak_json_conn(j, &cfg->conns[idx[i]]);
	json_close_arr(j);
	free(idx);
}

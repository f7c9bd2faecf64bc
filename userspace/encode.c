// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "encode.h"
#include "format.h"
#include "proposal.h"

/* ---- the message: libmnl builds it, oak sizes it --------------------------- */

/* first size of a buffer; oak_encode_config() doubles it until the config fits */
#define MSG_CAP_MIN	MNL_SOCKET_BUFFER_SIZE
/* nlmsg_len is a u32; the kernel's limit is far lower anyway */
#define MSG_CAP_MAX	((size_t)1 << 31)

static void msg_header(struct oak_msg *m, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr *g;

	m->nlh = mnl_nlmsg_put_header(m->buf);
	m->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = OAKLEY_GENL_VERSION;
}

void oak_msg_init(struct oak_msg *m, uint8_t cmd, uint16_t flags)
{
	memset(m, 0, sizeof(*m));
	m->buf = malloc(MSG_CAP_MIN);
	if (!m->buf) {
		m->oom = true;
		return;
	}
	m->cap = MSG_CAP_MIN;
	msg_header(m, cmd, flags);
}

void oak_msg_free(struct oak_msg *m)
{
	if (m->buf)
		explicit_bzero(m->buf, m->cap);	/* it may carry secrets */
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

/* twice the room, the first LEN bytes kept; false (m->oom or m->too_big) on failure */
static bool msg_grow(struct oak_msg *m, size_t len)
{
	char *n;

	if (m->cap >= MSG_CAP_MAX) {
		m->too_big = true;
		return false;
	}
	n = malloc(m->cap * 2);
	if (!n) {
		m->oom = true;
		return false;
	}
	memcpy(n, m->buf, len);
	explicit_bzero(m->buf, m->cap);
	free(m->buf);
	m->buf = n;
	m->cap *= 2;
	m->nlh = (struct nlmsghdr *)n;
	m->nlh->nlmsg_len = (uint32_t)len;
	return true;
}

static void fits(struct oak_msg *m, bool ok)
{
	if (!ok)
		m->full = true;
}

static void put(struct oak_msg *m, uint16_t type, size_t len, const void *data)
{
	/* mnl_attr_put() would store MNL_ATTR_HDRLEN + len in the u16 nla_len unchecked */
	if (len > UINT16_MAX - MNL_ATTR_HDRLEN) {
		m->too_big = true;
		return;
	}
	fits(m, mnl_attr_put_check(m->nlh, m->cap, type, len, data));
}

static void put_u8(struct oak_msg *m, uint16_t type, uint8_t v)
{
	fits(m, mnl_attr_put_u8_check(m->nlh, m->cap, type, v));
}

static void put_u16(struct oak_msg *m, uint16_t type, uint16_t v)
{
	fits(m, mnl_attr_put_u16_check(m->nlh, m->cap, type, v));
}

static void put_u32(struct oak_msg *m, uint16_t type, uint32_t v)
{
	fits(m, mnl_attr_put_u32_check(m->nlh, m->cap, type, v));
}

static void put_u64(struct oak_msg *m, uint16_t type, uint64_t v)
{
	fits(m, mnl_attr_put_u64_check(m->nlh, m->cap, type, v));
}

void oak_msg_strz(struct oak_msg *m, uint16_t type, const char *s)
{
	if (m->oom)
		return;
	put(m, type, strlen(s) + 1, s);
}

void oak_msg_flag(struct oak_msg *m, uint16_t type)
{
	if (m->oom)
		return;
	put(m, type, 0, NULL);
}

/* NULL when the nest does not fit; nest_end() then does nothing */
static struct nlattr *nest_start(struct oak_msg *m, uint16_t type)
{
	struct nlattr *n = mnl_attr_nest_start_check(m->nlh, m->cap, type);

	fits(m, n);
	return n;
}

static void nest_end(struct oak_msg *m, struct nlattr *n)
{
	if (!n)
		return;
	/* mnl_attr_nest_end() would store the length in the u16 nla_len unchecked */
	if ((char *)mnl_nlmsg_get_payload_tail(m->nlh) - (char *)n > UINT16_MAX) {
		m->too_big = true;
		mnl_attr_nest_cancel(m->nlh, n);
		return;
	}
	mnl_attr_nest_end(m->nlh, n);
}

/* ---- source map ------------------------------------------------------------ */

struct enc {
	struct oak_msg *m;
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

/* the offset of the message's end, where the next attribute goes */
static size_t mark(struct enc *e)
{
	return e->m->nlh->nlmsg_len;
}

static void record(struct enc *e, size_t start, unsigned int line, const char *key)
{
	struct oak_srcmap *m = e->map;
	struct oak_srcent *n;

	if (!m || e->m->oom || e->m->full)
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
	n->end = (uint32_t)e->m->nlh->nlmsg_len;
	n->file = e->file;
	n->line = line ? line : e->sline;
	n->key = key;
	n->section = e->section;
	n->name = e->name;
}

/* the nest N (NULL: it did not fit) as its section */
static void record_nest(struct enc *e, const struct nlattr *n)
{
	if (n)
		record(e, (size_t)((const char *)n - e->m->buf), 0, NULL);
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

static void put_proposals(struct oak_msg *m, uint16_t type, const struct oak_proplist *pl)
{
	struct nlattr *list = nest_start(m, type), *prop, *tr;
	unsigned int i, k;

	for (i = 0; i < pl->n; i++) {
		prop = nest_start(m, OAKLEY_PROP_A_PROPOSAL);
		for (k = 0; k < pl->p[i].n; k++) {
			const struct oak_transform *t = &pl->p[i].t[k];

			tr = nest_start(m, OAKLEY_PROPOSAL_A_TRANSFORM);
			put_u8(m, OAKLEY_TRANSFORM_A_TYPE, t->type);
			put_u16(m, OAKLEY_TRANSFORM_A_ID, t->id);
			if (t->keylen)
				put_u16(m, OAKLEY_TRANSFORM_A_KEYLEN, t->keylen);
			nest_end(m, tr);
		}
		nest_end(m, prop);
	}
	nest_end(m, list);
}

static void put_id(struct oak_msg *m, uint16_t type, const struct oak_id *id)
{
	struct nlattr *n = nest_start(m, type);

	put_u8(m, OAKLEY_ID_A_TYPE, id->type);
	if (id->len)
		put(m, OAKLEY_ID_A_DATA, id->len, id->data);
	nest_end(m, n);
}

static void put_tslist(struct oak_msg *m, uint16_t type, const struct oak_tslist *l)
{
	struct nlattr *list = nest_start(m, type), *n;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		const struct oak_ts *ts = &l->ts[i];

		n = nest_start(m, OAKLEY_TSLIST_A_TS);
		put_u16(m, OAKLEY_TS_A_FAMILY, ts->family);
		put(m, OAKLEY_TS_A_ADDR, ts->family == AF_INET6 ? 16 : 4, ts->addr);
		put_u8(m, OAKLEY_TS_A_PREFIXLEN, ts->prefixlen);
		put_u8(m, OAKLEY_TS_A_PROTO, ts->proto);
		put_u16(m, OAKLEY_TS_A_PORT, ts->port);
		nest_end(m, n);
	}
	nest_end(m, list);
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
	struct oak_msg *m = e->m;
	const unsigned int *kl = h->key_line;
	struct nlattr *nest = nest_start(m, OAKLEY_CONN_A_CHILD);

	enter(e, h->line, "child", h->name);
	PUT(e, 0, NULL, oak_msg_strz(m, OAKLEY_CHILD_A_NAME, h->name));
	PUT(e, kl[HK_LOCAL_TS], "local-ts", put_tslist(m, OAKLEY_CHILD_A_LOCAL_TS, &h->lts));
	PUT(e, kl[HK_REMOTE_TS], "remote-ts", put_tslist(m, OAKLEY_CHILD_A_REMOTE_TS, &h->rts));
	if (h->esp.n)
		PUT(e, kl[HK_ESP], "esp",
		    put_proposals(m, OAKLEY_CHILD_A_ESP_PROPOSALS, &h->esp));
	if (h->ah.n)
		PUT(e, kl[HK_AH], "ah", put_proposals(m, OAKLEY_CHILD_A_AH_PROPOSALS, &h->ah));
	PUT(e, kl[HK_MODE], "mode", put_u8(m, OAKLEY_CHILD_A_MODE, h->mode));
	PUT(e, kl[HK_START], "start", put_u8(m, OAKLEY_CHILD_A_START, h->start));
	PUT(e, kl[HK_REKEY], "rekey", put_u32(m, OAKLEY_CHILD_A_REKEY, h->rekey));
	PUT(e, kl[HK_LIFETIME], "lifetime", put_u32(m, OAKLEY_CHILD_A_LIFETIME, h->lifetime));
	PUT(e, kl[HK_REKEY_BYTES], "rekey-bytes",
	    put_u64(m, OAKLEY_CHILD_A_REKEY_BYTES, h->rekey_bytes));
	PUT(e, kl[HK_LIFE_BYTES], "life-bytes",
	    put_u64(m, OAKLEY_CHILD_A_LIFE_BYTES, h->life_bytes));
	PUT(e, kl[HK_REKEY_PACKETS], "rekey-packets",
	    put_u64(m, OAKLEY_CHILD_A_REKEY_PACKETS, h->rekey_packets));
	PUT(e, kl[HK_LIFE_PACKETS], "life-packets",
	    put_u64(m, OAKLEY_CHILD_A_LIFE_PACKETS, h->life_packets));
	nest_end(m, nest);
	record_nest(e, nest);
}

static void encode_conn_creds(struct enc *e, const struct oak_conn *c)
{
	struct oak_msg *m = e->m;
	const unsigned int *kl = c->key_line;
	unsigned int i;

	PUT(e, kl[CK_REMOTE_AUTH], "remote-auth",
	    put_u8(m, OAKLEY_CONN_A_REMOTE_AUTH, c->remote_auth));
	if (c->key[0])
		PUT(e, kl[CK_KEY], "key", oak_msg_strz(m, OAKLEY_CONN_A_KEY, c->key));
	for (i = 0; i < c->ncerts; i++)
		PUT(e, kl[CK_CERT], "cert",
		    put(m, OAKLEY_CONN_A_CERT, c->certs[i].len, c->certs[i].p));
	for (i = 0; i < c->ncas; i++)
		PUT(e, kl[CK_CA], "ca", put(m, OAKLEY_CONN_A_CA, c->cas[i].len, c->cas[i].p));
	for (i = 0; i < c->ncrls; i++)
		PUT(e, kl[CK_CA], "ca", put(m, OAKLEY_CONN_A_CRL, c->crls[i].len, c->crls[i].p));
}

static void encode_conn(struct enc *e, const struct oak_conn *c)
{
	struct oak_msg *m = e->m;
	const unsigned int *kl = c->key_line;
	size_t alen = c->family == AF_INET6 ? 16 : 4;
	struct nlattr *nest = nest_start(m, OAKLEY_A_CONN);
	unsigned int i;

	e->file = c->file;
	enter(e, c->line, "connection", c->name);
	PUT(e, 0, NULL, oak_msg_strz(m, OAKLEY_CONN_A_NAME, c->name));
	PUT(e, kl[CK_VERSION], "version", put_u8(m, OAKLEY_CONN_A_VERSION, c->version));
	PUT(e, kl[CK_LOCAL], "local", put_u16(m, OAKLEY_CONN_A_FAMILY, c->family));
	PUT(e, kl[CK_LOCAL], "local", put(m, OAKLEY_CONN_A_LOCAL_ADDR, alen, c->laddr));
	PUT(e, kl[CK_LOCAL], "local", put_u16(m, OAKLEY_CONN_A_LOCAL_PORT, c->lport));
	if (!c->remote_any)
		PUT(e, kl[CK_REMOTE], "remote",
		    put(m, OAKLEY_CONN_A_REMOTE_ADDR, alen, c->raddr));
	PUT(e, kl[CK_REMOTE], "remote", put_u16(m, OAKLEY_CONN_A_REMOTE_PORT, c->rport));
	PUT(e, kl[CK_LOCAL_ID], "local-id", put_id(m, OAKLEY_CONN_A_LOCAL_ID, &c->lid));
	PUT(e, kl[CK_REMOTE_ID], "remote-id", put_id(m, OAKLEY_CONN_A_REMOTE_ID, &c->rid));
	PUT(e, kl[CK_AUTH], "auth", put_u8(m, OAKLEY_CONN_A_AUTH, c->auth));
	if (c->secret[0])
		PUT(e, kl[CK_SECRET], "secret", oak_msg_strz(m, OAKLEY_CONN_A_SECRET, c->secret));
	encode_conn_creds(e, c);
	PUT(e, kl[CK_IKE], "ike", put_proposals(m, OAKLEY_CONN_A_IKE_PROPOSALS, &c->ike));
	if (c->exchange)
		PUT(e, kl[CK_EXCHANGE], "exchange",
		    put_u8(m, OAKLEY_CONN_A_EXCHANGE, c->exchange));
	if (c->sha256_96)
		PUT(e, kl[CK_SHA256_96], "sha256-96", put_u8(m, OAKLEY_CONN_A_SHA256_96, 1));
	if (c->encap)
		PUT(e, kl[CK_ENCAP], "encap", put_u8(m, OAKLEY_CONN_A_ENCAP, 1));
	PUT(e, kl[CK_NAT_KEEPALIVE], "nat-keepalive",
	    put_u32(m, OAKLEY_CONN_A_NAT_KEEPALIVE, c->nat_keepalive));
	PUT(e, kl[CK_START], "start", put_u8(m, OAKLEY_CONN_A_START, c->start));
	PUT(e, kl[CK_DPD], "dpd", put_u32(m, OAKLEY_CONN_A_DPD, c->dpd));
	PUT(e, kl[CK_DPD_ACTION], "dpd-action",
	    put_u8(m, OAKLEY_CONN_A_DPD_ACTION, c->dpd_action));
	PUT(e, kl[CK_IKE_REKEY], "ike-rekey", put_u32(m, OAKLEY_CONN_A_IKE_REKEY, c->ike_rekey));
	PUT(e, kl[CK_IKE_LIFETIME], "ike-lifetime",
	    put_u32(m, OAKLEY_CONN_A_IKE_LIFETIME, c->ike_lifetime));
	PUT(e, kl[CK_REAUTH], "reauth", put_u32(m, OAKLEY_CONN_A_REAUTH, c->reauth));
	PUT(e, kl[CK_JITTER], "jitter", put_u8(m, OAKLEY_CONN_A_JITTER, c->jitter));
	for (i = 0; i < c->nchildren; i++) {
		encode_child(e, &c->children[i]);
		enter(e, c->line, "connection", c->name);
	}
	nest_end(m, nest);
	record_nest(e, nest);
}

static void encode_secret(struct enc *e, const struct oak_secret *s)
{
	struct oak_msg *m = e->m;
	struct nlattr *nest = nest_start(m, OAKLEY_A_SECRET);

	e->file = s->file;
	enter(e, s->line, s->is_key ? "key" : "secret", s->name);
	PUT(e, 0, NULL, oak_msg_strz(m, OAKLEY_SECRET_A_NAME, s->name));
	if (s->is_key)
		PUT(e, 0, "file", put(m, OAKLEY_SECRET_A_RSA_KEY, s->rsa.len, s->rsa.p));
	else
		PUT(e, 0, "psk", put(m, OAKLEY_SECRET_A_PSK, s->len, s->psk));
	nest_end(m, nest);
	record_nest(e, nest);
}

/* [limits]: only the keys the file sets; the kernel has the defaults */
static void encode_limits(struct enc *e, const struct oak_limits *l)
{
	struct oak_msg *m = e->m;
	const unsigned int *kl = l->key_line;
	struct nlattr *nest;

	if (!l->present)
		return;
	nest = nest_start(m, OAKLEY_A_LIMITS);
	e->file = l->file;
	enter(e, l->line, "limits", "");
	if (kl[LK_HALF_OPEN_COOKIE])
		PUT(e, kl[LK_HALF_OPEN_COOKIE], "half-open-cookie",
		    put_u32(m, OAKLEY_LIMITS_A_HALF_OPEN_COOKIE, l->half_open_cookie));
	if (kl[LK_HALF_OPEN_MAX])
		PUT(e, kl[LK_HALF_OPEN_MAX], "half-open-max",
		    put_u32(m, OAKLEY_LIMITS_A_HALF_OPEN_MAX, l->half_open_max));
	if (kl[LK_HALF_OPEN_BYTES])
		PUT(e, kl[LK_HALF_OPEN_BYTES], "half-open-bytes",
		    put_u64(m, OAKLEY_LIMITS_A_HALF_OPEN_BYTES, l->half_open_bytes));
	if (kl[LK_INIT_RATE])
		PUT(e, kl[LK_INIT_RATE], "init-rate",
		    put_u32(m, OAKLEY_LIMITS_A_INIT_RATE, l->init_rate));
	if (kl[LK_INIT_BURST])
		PUT(e, kl[LK_INIT_BURST], "init-burst",
		    put_u32(m, OAKLEY_LIMITS_A_INIT_BURST, l->init_burst));
	nest_end(m, nest);
	record_nest(e, nest);
}

int oak_encode_config(struct oak_msg *m, const struct oak_config *cfg, struct oak_srcmap *map)
{
	struct enc e = { .m = m, .map = map };
	size_t base;
	unsigned int i;

	if (m->oom)
		return -1;
	base = m->nlh->nlmsg_len;
	for (;;) {
		for (i = 0; i < cfg->nsecrets; i++)
			encode_secret(&e, &cfg->secrets[i]);
		for (i = 0; i < cfg->nconns; i++)
			encode_conn(&e, &cfg->conns[i]);
		encode_limits(&e, &cfg->limits);
		if (!m->full || m->too_big)
			break;
		/* start again from the attributes put before, in twice the room */
		m->full = false;
		if (map)
			map->n = 0;
		if (!msg_grow(m, base))
			break;
	}
	return m->oom || m->too_big || m->full ? -1 : 0;
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
	bool prefix;

	l->n = 0;
	mnl_attr_for_each_nested(ta, nest) {
		struct oak_ts *ts;

		if (mnl_attr_get_type(ta) != OAKLEY_TSLIST_A_TS)
			continue;
		if (l->n >= OAKLEY_MAX_TS)
			return -1;
		ts = &l->ts[l->n++];
		memset(ts, 0, sizeof(*ts));
		prefix = false;
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
				prefix = true;
				break;
			case OAKLEY_TS_A_END_ADDR:
				r = oak_attr_addr(a, ts->end);
				ts->has_range = true;
				break;
			case OAKLEY_TS_A_START_PORT:
				r = oak_attr_fixed(a, &ts->port, 2);
				break;
			case OAKLEY_TS_A_END_PORT:
				r = oak_attr_fixed(a, &ts->port_end, 2);
				ts->has_ports = true;
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
		/* a range (SA dump) is a prefix only when the dump says so */
		ts->has_prefix = ts->has_range && prefix;
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

static int decode_blob(const struct nlattr *a, struct oak_blob *b, unsigned int *n)
{
	struct oak_blob in = { .p = mnl_attr_get_payload(a), .len = mnl_attr_get_payload_len(a) };

	if (*n == OAK_MAX_CERTS || oak_blob_dup(&b[*n], &in))
		return -1;
	(*n)++;
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
	case OAKLEY_CONN_A_REMOTE_AUTH:
		return oak_attr_fixed(a, &c->remote_auth, 1);
	case OAKLEY_CONN_A_KEY:
		return oak_attr_str(a, c->key, sizeof(c->key));
	case OAKLEY_CONN_A_CERT:
		return decode_blob(a, c->certs, &c->ncerts);
	case OAKLEY_CONN_A_CA:
		return decode_blob(a, c->cas, &c->ncas);
	case OAKLEY_CONN_A_CRL:
		return decode_blob(a, c->crls, &c->ncrls);
	case OAKLEY_CONN_A_IKE_PROPOSALS:
		return decode_proposals(a, &c->ike);
	case OAKLEY_CONN_A_EXCHANGE:
		return oak_attr_fixed(a, &c->exchange, 1);
	case OAKLEY_CONN_A_SHA256_96:
		return oak_attr_fixed(a, &c->sha256_96, 1);
	case OAKLEY_CONN_A_ENCAP:
		return oak_attr_fixed(a, &c->encap, 1);
	case OAKLEY_CONN_A_NAT_KEEPALIVE:
		return oak_attr_fixed(a, &c->nat_keepalive, 4);
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
	char buf[OAK_TSSTRLEN];
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
	if (c->auth == OAKLEY_AUTH_PUBKEY || c->remote_auth == OAKLEY_AUTH_PUBKEY) {
		json_str(j, "remote-auth", oak_auth_name(c->remote_auth));
		if (c->key[0])
			json_str(j, "key", c->key);
		json_u64(j, "certs", c->ncerts);
		json_u64(j, "cas", c->ncas);
		json_u64(j, "crls", c->ncrls);
	}
	json_proposals(j, "ike", &c->ike);
	if (c->exchange)
		json_str(j, "exchange", oak_exchange_name(c->exchange));
	json_bool(j, "sha256-96", c->sha256_96);
	json_bool(j, "encap", c->encap);
	json_u64(j, "nat-keepalive", c->nat_keepalive);
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

// SPDX-License-Identifier: GPL-2.0
#include "codec_util.h"

const u8 fuzz_payload_types[FUZZ_PAYLOAD_NSEL] = {
	IKE_PL_SA, IKE_PL_KE, IKE_PL_NONCE, IKE_PL_IDI, IKE_PL_AUTH,
	IKE_PL_NOTIFY, IKE_PL_DELETE, IKE_PL_TSI, IKE_PL_NONE,
};

bool has_typed_parser(u8 type)
{
	switch (type) {
	case IKE_PL_SA: case IKE_PL_KE: case IKE_PL_NONCE:
	case IKE_PL_IDI: case IKE_PL_IDR: case IKE_PL_AUTH:
	case IKE_PL_NOTIFY: case IKE_PL_DELETE:
	case IKE_PL_TSI: case IKE_PL_TSR:
		return true;
	}
	return false;
}

static bool inside(const u8 *p, size_t n, const u8 *body, size_t len)
{
	return p >= body && n <= len && (size_t)(p - body) <= len - n;
}

static void check_typed(const struct typed *t, const u8 *body, size_t len)
{
	unsigned int i, j;

	switch (t->type) {
	case IKE_PL_SA:
		CODEC_ASSERT(t->u.sa.nproposals >= 1);
		CODEC_ASSERT(t->u.sa.nproposals <= IKE_MAX_PROPOSALS);
		for (i = 0; i < t->u.sa.nproposals; i++) {
			const struct ike_proposal *p = &t->u.sa.p[i];

			CODEC_ASSERT(p->spi_len == 0 || p->spi_len == 4 || p->spi_len == 8);
			CODEC_ASSERT(p->ntransforms <= IKE_MAX_TRANSFORMS);
			CODEC_ASSERT(p->num != 0);
			if (i)
				CODEC_ASSERT(p->num == t->u.sa.p[i - 1].num + 1);
			for (j = p->spi_len; j < 8; j++)
				CODEC_ASSERT(p->spi[j] == 0);
		}
		break;
	case IKE_PL_KE:
		CODEC_ASSERT(t->u.ke.len >= 1);
		CODEC_ASSERT(t->u.ke.data + t->u.ke.len == body + len);
		break;
	case IKE_PL_NONCE:
		CODEC_ASSERT(t->u.nonce.len >= IKE_NONCE_MIN);
		CODEC_ASSERT(t->u.nonce.len <= IKE_NONCE_MAX);
		CODEC_ASSERT(t->u.nonce.data == body && t->u.nonce.len == len);
		break;
	case IKE_PL_IDI:
	case IKE_PL_IDR:
		CODEC_ASSERT(t->u.id.body == body && t->u.id.body_len == len);
		CODEC_ASSERT(t->u.id.data + t->u.id.len == body + len);
		CODEC_ASSERT(t->u.id.len >= 1);
		break;
	case IKE_PL_AUTH:
		CODEC_ASSERT(t->u.auth.data + t->u.auth.len == body + len);
		CODEC_ASSERT(t->u.auth.len >= 1);
		break;
	case IKE_PL_NOTIFY:
		CODEC_ASSERT(inside(t->u.n.spi, t->u.n.spi_len, body, len));
		CODEC_ASSERT(t->u.n.data + t->u.n.len == body + len);
		CODEC_ASSERT(t->u.n.spi + t->u.n.spi_len == t->u.n.data);
		break;
	case IKE_PL_DELETE:
		CODEC_ASSERT(t->u.d.spis + (size_t)t->u.d.nspi * t->u.d.spi_len == body + len);
		CODEC_ASSERT(t->u.d.protocol != IKE_PROTO_IKE ||
			     (t->u.d.spi_len == 0 && t->u.d.nspi == 0));
		break;
	case IKE_PL_TSI:
	case IKE_PL_TSR:
		CODEC_ASSERT(t->u.ts.nts >= 1 && t->u.ts.nts <= IKE_MAX_TS);
		for (i = 0; i < t->u.ts.nts; i++)
			CODEC_ASSERT(t->u.ts.ts[i].type == IKE_TS_IPV4_RANGE ||
				     t->u.ts.ts[i].type == IKE_TS_IPV6_RANGE);
		break;
	}
}

void parse_typed(u8 type, const u8 *body, size_t len, struct typed *t)
{
	memset(t, 0, sizeof(*t));
	t->type = type;
	switch (type) {
	case IKE_PL_SA:
		t->rc = ike_parse_sa(body, len, &t->u.sa);
		break;
	case IKE_PL_KE:
		t->rc = ike_parse_ke(body, len, &t->u.ke);
		break;
	case IKE_PL_NONCE:
		t->rc = ike_parse_nonce(body, len, &t->u.nonce.data, &t->u.nonce.len);
		break;
	case IKE_PL_IDI:
	case IKE_PL_IDR:
		t->rc = ike_parse_id(body, len, &t->u.id);
		break;
	case IKE_PL_AUTH:
		t->rc = ike_parse_auth(body, len, &t->u.auth);
		break;
	case IKE_PL_NOTIFY:
		t->rc = ike_parse_notify(body, len, &t->u.n);
		break;
	case IKE_PL_DELETE:
		t->rc = ike_parse_delete(body, len, &t->u.d);
		break;
	case IKE_PL_TSI:
	case IKE_PL_TSR:
		t->rc = ike_parse_ts(body, len, &t->u.ts);
		break;
	default:
		t->rc = 1;
		return;
	}
	CODEC_ASSERT(t->rc == 0 || t->rc == -EBADMSG || t->rc == -E2BIG ||
		     t->rc == -EOPNOTSUPP);
	if (!t->rc)
		check_typed(t, body, len);
}

void check_chain(const struct ike_msg *m, const u8 *buf, size_t len, size_t start)
{
	size_t total = start;
	unsigned int i;

	CODEC_ASSERT(m->npayloads <= IKE_MAX_PAYLOADS);
	for (i = 0; i < m->npayloads; i++) {
		const struct ike_payload *pl = &m->pl[i];

		CODEC_ASSERT(pl->off == total);
		CODEC_ASSERT(pl->body == buf + pl->off + IKE_GENERIC_HDR_LEN);
		total += IKE_GENERIC_HDR_LEN + pl->len;
		CODEC_ASSERT(total <= len);
		if (pl->type == IKE_PL_SK)
			CODEC_ASSERT(m->sk_index == (int)i && i + 1 == m->npayloads);
	}
	CODEC_ASSERT(total == len);
	if (m->sk_index >= 0)
		CODEC_ASSERT(m->pl[m->sk_index].type == IKE_PL_SK);
}

static void put_raw(struct ike_buf *b, const struct ike_payload *pl)
{
	size_t off = ike_pl_begin(b, pl->type, pl->critical);

	ike_put_bytes(b, pl->body, pl->len);
	ike_pl_end(b, off);
}

static void put_typed(struct ike_buf *b, const struct typed *t)
{
	switch (t->type) {
	case IKE_PL_SA:
		ike_add_sa(b, &t->u.sa);
		break;
	case IKE_PL_KE:
		ike_add_ke(b, t->u.ke.group, t->u.ke.data, t->u.ke.len);
		break;
	case IKE_PL_NONCE:
		ike_add_nonce(b, t->u.nonce.data, t->u.nonce.len);
		break;
	case IKE_PL_IDI:
	case IKE_PL_IDR:
		ike_add_id(b, t->type, t->u.id.type, t->u.id.data, t->u.id.len);
		break;
	case IKE_PL_AUTH:
		ike_add_auth(b, t->u.auth.method, t->u.auth.data, t->u.auth.len);
		break;
	case IKE_PL_NOTIFY:
		ike_add_notify(b, t->u.n.protocol, t->u.n.spi, t->u.n.spi_len,
			       t->u.n.type, t->u.n.data, t->u.n.len);
		break;
	case IKE_PL_DELETE:
		ike_add_delete(b, t->u.d.protocol, t->u.d.spi_len, t->u.d.spis, t->u.d.nspi);
		break;
	case IKE_PL_TSI:
	case IKE_PL_TSR:
		ike_add_ts(b, t->type, &t->u.ts);
		break;
	}
}

void rebuild_payload(struct ike_buf *b, const struct ike_payload *pl)
{
	static struct typed t;	/* large; the callers are single threaded */
	size_t off = b->len;

	parse_typed(pl->type, pl->body, pl->len, &t);
	if (t.rc) {
		put_raw(b, pl);
		return;
	}
	put_typed(b, &t);
	if (!b->err && pl->critical)
		b->data[off + 1] |= IKE_PL_CRITICAL;
}

int rebuild_msg(const struct ike_msg *m, const struct ike_msg *inner,
		u8 *out, size_t cap, size_t *out_len)
{
	struct ike_buf b;
	unsigned int i;
	size_t sk;
	int ret;

	ike_buf_init(&b, out, cap);
	ike_put_header(&b, m->spi_i, m->spi_r, m->exchange, m->flags, m->msgid);
	if (!b.err)
		out[17] = m->version;
	for (i = 0; i < m->npayloads; i++) {
		if ((int)i == m->sk_index && !inner) {
			/* Keep the SK body and its next-payload field as they were. */
			sk = ike_sk_begin(&b, 0);
			ike_put_bytes(&b, m->pl[i].body, m->pl[i].len);
			if (!b.err)
				out[sk] = m->sk_first_inner;
			ike_sk_end(&b, sk);
			if (!b.err && m->pl[i].critical)
				out[sk + 1] |= IKE_PL_CRITICAL;
			continue;
		}
		if ((int)i == m->sk_index) {
			sk = ike_sk_begin(&b, 0);
			for (unsigned int j = 0; j < inner->npayloads; j++)
				rebuild_payload(&b, &inner->pl[j]);
			ike_sk_end(&b, sk);
			if (!b.err && m->pl[i].critical)
				out[sk + 1] |= IKE_PL_CRITICAL;
			continue;
		}
		rebuild_payload(&b, &m->pl[i]);
	}
	ret = ike_buf_finish(&b);
	*out_len = b.len;
	return ret;
}

static bool sa_equal(const struct ike_sa_payload *a, const struct ike_sa_payload *b)
{
	unsigned int i, j;

	if (a->nproposals != b->nproposals)
		return false;
	for (i = 0; i < a->nproposals; i++) {
		const struct ike_proposal *p = &a->p[i], *q = &b->p[i];

		if (p->num != q->num || p->protocol != q->protocol ||
		    p->spi_len != q->spi_len || memcmp(p->spi, q->spi, 8) ||
		    p->ntransforms != q->ntransforms)
			return false;
		for (j = 0; j < p->ntransforms; j++)
			if (p->t[j].type != q->t[j].type || p->t[j].id != q->t[j].id ||
			    p->t[j].keylen != q->t[j].keylen)
				return false;
	}
	return true;
}

static bool bytes_equal(const u8 *a, size_t alen, const u8 *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

static bool ts_equal(const struct ike_ts_payload *a, const struct ike_ts_payload *b)
{
	unsigned int i;

	if (a->nts != b->nts)
		return false;
	for (i = 0; i < a->nts; i++) {
		const struct ike_ts *x = &a->ts[i], *y = &b->ts[i];

		if (x->type != y->type || x->proto != y->proto ||
		    x->start_port != y->start_port || x->end_port != y->end_port ||
		    memcmp(x->start, y->start, 16) || memcmp(x->end, y->end, 16))
			return false;
	}
	return true;
}

bool typed_equal(const struct typed *a, const struct typed *b)
{
	if (a->type != b->type || a->rc != b->rc)
		return false;
	if (a->rc)
		return true;
	switch (a->type) {
	case IKE_PL_SA:
		return sa_equal(&a->u.sa, &b->u.sa);
	case IKE_PL_KE:
		return a->u.ke.group == b->u.ke.group &&
		       bytes_equal(a->u.ke.data, a->u.ke.len, b->u.ke.data, b->u.ke.len);
	case IKE_PL_NONCE:
		return bytes_equal(a->u.nonce.data, a->u.nonce.len,
				   b->u.nonce.data, b->u.nonce.len);
	case IKE_PL_IDI:
	case IKE_PL_IDR:
		return a->u.id.type == b->u.id.type && a->u.id.body_len == b->u.id.body_len &&
		       bytes_equal(a->u.id.data, a->u.id.len, b->u.id.data, b->u.id.len);
	case IKE_PL_AUTH:
		return a->u.auth.method == b->u.auth.method &&
		       bytes_equal(a->u.auth.data, a->u.auth.len, b->u.auth.data, b->u.auth.len);
	case IKE_PL_NOTIFY:
		return a->u.n.protocol == b->u.n.protocol && a->u.n.type == b->u.n.type &&
		       bytes_equal(a->u.n.spi, a->u.n.spi_len, b->u.n.spi, b->u.n.spi_len) &&
		       bytes_equal(a->u.n.data, a->u.n.len, b->u.n.data, b->u.n.len);
	case IKE_PL_DELETE:
		return a->u.d.protocol == b->u.d.protocol && a->u.d.spi_len == b->u.d.spi_len &&
		       a->u.d.nspi == b->u.d.nspi &&
		       bytes_equal(a->u.d.spis, (size_t)a->u.d.nspi * a->u.d.spi_len,
				   b->u.d.spis, (size_t)b->u.d.nspi * b->u.d.spi_len);
	case IKE_PL_TSI:
	case IKE_PL_TSR:
		return ts_equal(&a->u.ts, &b->u.ts);
	}
	return true;
}

bool msg_equal(const struct ike_msg *a, const struct ike_msg *b, bool header)
{
	unsigned int i;

	if (header && (memcmp(a->spi_i, b->spi_i, IKE_SPI_LEN) ||
		       memcmp(a->spi_r, b->spi_r, IKE_SPI_LEN) ||
		       a->first_payload != b->first_payload || a->version != b->version ||
		       a->exchange != b->exchange || a->flags != b->flags ||
		       a->msgid != b->msgid))
		return false;
	if (a->npayloads != b->npayloads || a->sk_index != b->sk_index ||
	    a->sk_first_inner != b->sk_first_inner)
		return false;
	for (i = 0; i < a->npayloads; i++)
		if (a->pl[i].type != b->pl[i].type || a->pl[i].critical != b->pl[i].critical)
			return false;
	return true;
}

bool chain_typed_equal(const struct ike_msg *a, const struct ike_msg *b)
{
	static struct typed ta, tb;
	unsigned int i;

	if (a->npayloads != b->npayloads)
		return false;
	for (i = 0; i < a->npayloads; i++) {
		if ((int)i == a->sk_index)
			continue;
		parse_typed(a->pl[i].type, a->pl[i].body, a->pl[i].len, &ta);
		parse_typed(b->pl[i].type, b->pl[i].body, b->pl[i].len, &tb);
		if (!typed_equal(&ta, &tb))
			return false;
		/* Raw or failed payloads must come back byte for byte. */
		if (ta.rc && !bytes_equal(a->pl[i].body, a->pl[i].len,
					  b->pl[i].body, b->pl[i].len))
			return false;
	}
	return true;
}

// SPDX-License-Identifier: GPL-2.0
#include "isakmp_util.h"

const u8 isakmp_fuzz_types[ISAKMP_FUZZ_NSEL] = {
	ISAKMP_PL_SA, ISAKMP_PL_KE, ISAKMP_PL_ID, ISAKMP_PL_CERT, ISAKMP_PL_CR,
	ISAKMP_PL_HASH, ISAKMP_PL_SIG, ISAKMP_PL_NONCE, ISAKMP_PL_N, ISAKMP_PL_D,
	ISAKMP_PL_VID, ISAKMP_PL_NAT_D, ISAKMP_PL_NAT_OA, ISAKMP_PL_NAT_D_DRAFT,
	ISAKMP_PL_NONE,
};

static bool is_blob(u8 type)
{
	switch (type) {
	case ISAKMP_PL_HASH: case ISAKMP_PL_SIG: case ISAKMP_PL_VID:
	case ISAKMP_PL_NAT_D: case ISAKMP_PL_NAT_OA:
	case ISAKMP_PL_NAT_D_DRAFT: case ISAKMP_PL_NAT_OA_DRAFT:
		return true;
	}
	return false;
}

bool isakmp_has_typed(u8 type)
{
	switch (type) {
	case ISAKMP_PL_SA: case ISAKMP_PL_KE: case ISAKMP_PL_NONCE: case ISAKMP_PL_ID:
	case ISAKMP_PL_CERT: case ISAKMP_PL_CR: case ISAKMP_PL_N: case ISAKMP_PL_D:
		return true;
	}
	return is_blob(type);
}

static bool inside(const u8 *p, size_t n, const u8 *body, size_t len)
{
	return p >= body && n <= len && (size_t)(p - body) <= len - n;
}

static void check_transform(const struct isakmp_transform *t, const u8 *body, size_t len)
{
	struct isakmp_attr a;
	unsigned int n = 0;
	size_t pos = 0;
	int ret;

	CODEC_ASSERT(inside(t->attrs, t->attrs_len, body, len));
	CODEC_ASSERT(t->nattrs <= ISAKMP_MAX_ATTRS);
	while ((ret = isakmp_attr_next(t, &pos, &a)) == 1) {
		n++;
		CODEC_ASSERT(a.type <= ISAKMP_ATTR_TYPE_MASK);
		CODEC_ASSERT(a.tv ? !a.data && a.len == 2 && a.value <= 0xffff
				  : inside(a.data, a.len, t->attrs, t->attrs_len));
	}
	CODEC_ASSERT(ret == 0 && n == t->nattrs && pos == t->attrs_len);
}

static void check_sa(const struct isakmp_sa *sa, const u8 *body, size_t len)
{
	unsigned int i, j;

	CODEC_ASSERT(sa->nproposals >= 1 && sa->nproposals <= ISAKMP_MAX_PROPOSALS);
	CODEC_ASSERT(sa->doi == ISAKMP_DOI_IPSEC);
	for (i = 0; i < sa->nproposals; i++) {
		const struct isakmp_proposal *p = &sa->p[i];

		CODEC_ASSERT(p->spi_len <= ISAKMP_MAX_SPI);
		CODEC_ASSERT(p->ntransforms >= 1 && p->ntransforms <= ISAKMP_MAX_TRANSFORMS);
		if (i)
			CODEC_ASSERT(p->num >= sa->p[i - 1].num);
		for (j = p->spi_len; j < ISAKMP_MAX_SPI; j++)
			CODEC_ASSERT(p->spi[j] == 0);
		for (j = 0; j < p->ntransforms; j++)
			check_transform(&p->t[j], body, len);
	}
}

static void check_id(const struct isakmp_id *id, const u8 *body, size_t len)
{
	CODEC_ASSERT(id->body == body && id->body_len == len);
	CODEC_ASSERT(id->data + id->len == body + len && id->len >= 1);
	CODEC_ASSERT(id->addr_len == 0 || id->addr_len == 4 || id->addr_len == 16);
	if (id->addr_len)
		CODEC_ASSERT(!memcmp(id->addr, id->data, id->addr_len));
}

static void check_typed(const struct isakmp_typed *t, const u8 *body, size_t len)
{
	switch (t->type) {
	case ISAKMP_PL_SA:
		check_sa(&t->u.sa, body, len);
		break;
	case ISAKMP_PL_NONCE:
		CODEC_ASSERT(t->u.blob.len >= ISAKMP_NONCE_MIN && t->u.blob.len <= ISAKMP_NONCE_MAX);
		/* fall through */
	case ISAKMP_PL_KE:
		CODEC_ASSERT(t->u.blob.data == body && t->u.blob.len == len && len);
		break;
	case ISAKMP_PL_ID:
		check_id(&t->u.id, body, len);
		break;
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
		CODEC_ASSERT(t->u.td.data + t->u.td.len == body + len);
		CODEC_ASSERT(t->type == ISAKMP_PL_CR || t->u.td.len >= 1);
		break;
	case ISAKMP_PL_N:
		CODEC_ASSERT(inside(t->u.n.spi, t->u.n.spi_len, body, len));
		CODEC_ASSERT(t->u.n.spi + t->u.n.spi_len == t->u.n.data);
		CODEC_ASSERT(t->u.n.data + t->u.n.len == body + len);
		break;
	case ISAKMP_PL_D:
		CODEC_ASSERT(t->u.d.nspi >= 1 && t->u.d.spi_len >= 2);
		CODEC_ASSERT(t->u.d.spis + (size_t)t->u.d.nspi * t->u.d.spi_len == body + len);
		break;
	default:
		CODEC_ASSERT(t->u.blob.data == body && t->u.blob.len == len && len);
	}
}

void isakmp_parse_typed(u8 type, const u8 *body, size_t len, struct isakmp_typed *t)
{
	memset(t, 0, sizeof(*t));
	t->type = type;
	switch (type) {
	case ISAKMP_PL_SA:
		t->rc = isakmp_parse_sa(body, len, &t->u.sa);
		break;
	case ISAKMP_PL_KE:
		t->rc = isakmp_parse_ke(body, len, &t->u.blob.data, &t->u.blob.len);
		break;
	case ISAKMP_PL_NONCE:
		t->rc = isakmp_parse_nonce(body, len, &t->u.blob.data, &t->u.blob.len);
		break;
	case ISAKMP_PL_ID:
		t->rc = isakmp_parse_id(body, len, &t->u.id);
		break;
	case ISAKMP_PL_CERT:
		t->rc = isakmp_parse_cert(body, len, &t->u.td);
		break;
	case ISAKMP_PL_CR:
		t->rc = isakmp_parse_cr(body, len, &t->u.td);
		break;
	case ISAKMP_PL_N:
		t->rc = isakmp_parse_notify(body, len, &t->u.n);
		break;
	case ISAKMP_PL_D:
		t->rc = isakmp_parse_delete(body, len, &t->u.d);
		break;
	default:
		if (!is_blob(type)) {
			t->rc = 1;
			return;
		}
		t->rc = isakmp_parse_opaque(body, len, &t->u.blob.data, &t->u.blob.len);
	}
	CODEC_ASSERT(t->rc == 0 || t->rc == -EBADMSG || t->rc == -E2BIG ||
		     t->rc == -EOPNOTSUPP);
	if (!t->rc)
		check_typed(t, body, len);
}

void isakmp_check_chain(const struct isakmp_msg *m, const u8 *buf, size_t len, size_t start)
{
	size_t total = start;
	unsigned int i;

	CODEC_ASSERT(m->npayloads <= ISAKMP_MAX_PAYLOADS);
	for (i = 0; i < m->npayloads; i++) {
		const struct isakmp_payload *pl = &m->pl[i];

		CODEC_ASSERT(pl->off == total);
		CODEC_ASSERT(pl->body == buf + pl->off + ISAKMP_GENERIC_HDR_LEN);
		CODEC_ASSERT(pl->type != ISAKMP_PL_P && pl->type != ISAKMP_PL_T);
		CODEC_ASSERT(pl->type != ISAKMP_PL_NONE);
		total += ISAKMP_GENERIC_HDR_LEN + pl->len;
		CODEC_ASSERT(total <= len);
	}
	CODEC_ASSERT(total + m->pad_len == len && m->pad_len <= ISAKMP_MAX_PAD);
}

static void put_typed(struct isakmp_buf *b, const struct isakmp_typed *t)
{
	const struct isakmp_id *id = &t->u.id;

	switch (t->type) {
	case ISAKMP_PL_SA:
		isakmp_add_sa(b, &t->u.sa);
		break;
	case ISAKMP_PL_KE:
		isakmp_add_ke(b, t->u.blob.data, t->u.blob.len);
		break;
	case ISAKMP_PL_NONCE:
		isakmp_add_nonce(b, t->u.blob.data, t->u.blob.len);
		break;
	case ISAKMP_PL_ID:
		isakmp_add_id(b, id->type, id->protocol, id->port, id->data, id->len);
		break;
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
		isakmp_add_typed(b, t->type, t->u.td.type, t->u.td.data, t->u.td.len);
		break;
	case ISAKMP_PL_N:
		isakmp_add_notify(b, t->u.n.doi, t->u.n.protocol, t->u.n.spi, t->u.n.spi_len,
				  t->u.n.type, t->u.n.data, t->u.n.len);
		break;
	case ISAKMP_PL_D:
		isakmp_add_delete(b, t->u.d.doi, t->u.d.protocol, t->u.d.spi_len,
				  t->u.d.spis, t->u.d.nspi);
		break;
	default:
		isakmp_add_opaque(b, t->type, t->u.blob.data, t->u.blob.len);
	}
}

void isakmp_rebuild_payload(struct isakmp_buf *b, const struct isakmp_payload *pl)
{
	static struct isakmp_typed t;	/* large; the callers are single threaded */

	isakmp_parse_typed(pl->type, pl->body, pl->len, &t);
	if (t.rc) {
		isakmp_add_opaque(b, pl->type, pl->body, pl->len);
		return;
	}
	put_typed(b, &t);
}

int isakmp_rebuild_msg(const struct isakmp_msg *m, const u8 *buf,
		       u8 *out, size_t cap, size_t *out_len)
{
	struct isakmp_buf b;
	unsigned int i;
	int ret;

	isakmp_buf_init(&b, out, cap);
	isakmp_put_header(&b, m->cky_i, m->cky_r, m->exchange, m->flags, m->msgid);
	if (!b.err)
		out[17] = m->version;
	if (m->flags & ISAKMP_FLAG_ENC) {
		if (!b.err)
			out[16] = m->first_payload;
		isakmp_chain_end(&b);
		isakmp_put_bytes(&b, buf + ISAKMP_HDR_LEN, m->length - ISAKMP_HDR_LEN);
	}
	for (i = 0; i < m->npayloads; i++)
		isakmp_rebuild_payload(&b, &m->pl[i]);
	ret = isakmp_buf_finish(&b);
	*out_len = b.len;
	return ret;
}

static bool bytes_equal(const u8 *a, size_t alen, const u8 *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

static bool transform_equal(const struct isakmp_transform *x, const struct isakmp_transform *y)
{
	struct isakmp_attr a, c;
	size_t pa = 0, pc = 0;
	int ra, rc;

	if (x->num != y->num || x->id != y->id || x->nattrs != y->nattrs)
		return false;
	do {
		ra = isakmp_attr_next(x, &pa, &a);
		rc = isakmp_attr_next(y, &pc, &c);
		if (ra != rc)
			return false;
		if (ra == 1 && (a.type != c.type || a.tv != c.tv || a.len != c.len ||
				a.value != c.value ||
				(!a.tv && !bytes_equal(a.data, a.len, c.data, c.len))))
			return false;
	} while (ra == 1);
	return true;
}

static bool sa_equal(const struct isakmp_sa *a, const struct isakmp_sa *b)
{
	unsigned int i, j;

	if (a->doi != b->doi || a->situation != b->situation || a->nproposals != b->nproposals)
		return false;
	for (i = 0; i < a->nproposals; i++) {
		const struct isakmp_proposal *p = &a->p[i], *q = &b->p[i];

		if (p->num != q->num || p->protocol != q->protocol ||
		    p->spi_len != q->spi_len || memcmp(p->spi, q->spi, ISAKMP_MAX_SPI) ||
		    p->ntransforms != q->ntransforms)
			return false;
		for (j = 0; j < p->ntransforms; j++)
			if (!transform_equal(&p->t[j], &q->t[j]))
				return false;
	}
	return true;
}

static bool id_equal(const struct isakmp_id *a, const struct isakmp_id *b)
{
	return a->type == b->type && a->protocol == b->protocol && a->port == b->port &&
	       a->addr_len == b->addr_len && !memcmp(a->addr, b->addr, 16) &&
	       !memcmp(a->addr2, b->addr2, 16) && bytes_equal(a->data, a->len, b->data, b->len);
}

static bool notify_equal(const struct isakmp_notify *a, const struct isakmp_notify *b)
{
	return a->doi == b->doi && a->protocol == b->protocol && a->type == b->type &&
	       bytes_equal(a->spi, a->spi_len, b->spi, b->spi_len) &&
	       bytes_equal(a->data, a->len, b->data, b->len);
}

static bool delete_equal(const struct isakmp_delete *a, const struct isakmp_delete *b)
{
	return a->doi == b->doi && a->protocol == b->protocol && a->spi_len == b->spi_len &&
	       a->nspi == b->nspi &&
	       bytes_equal(a->spis, (size_t)a->nspi * a->spi_len,
			   b->spis, (size_t)b->nspi * b->spi_len);
}

bool isakmp_typed_equal(const struct isakmp_typed *a, const struct isakmp_typed *b)
{
	if (a->type != b->type || a->rc != b->rc)
		return false;
	if (a->rc)
		return true;
	switch (a->type) {
	case ISAKMP_PL_SA:
		return sa_equal(&a->u.sa, &b->u.sa);
	case ISAKMP_PL_ID:
		return id_equal(&a->u.id, &b->u.id);
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
		return a->u.td.type == b->u.td.type &&
		       bytes_equal(a->u.td.data, a->u.td.len, b->u.td.data, b->u.td.len);
	case ISAKMP_PL_N:
		return notify_equal(&a->u.n, &b->u.n);
	case ISAKMP_PL_D:
		return delete_equal(&a->u.d, &b->u.d);
	}
	return bytes_equal(a->u.blob.data, a->u.blob.len, b->u.blob.data, b->u.blob.len);
}

bool isakmp_msg_equal(const struct isakmp_msg *a, const struct isakmp_msg *b, bool header)
{
	unsigned int i;

	if (header && (memcmp(a->cky_i, b->cky_i, ISAKMP_COOKIE_LEN) ||
		       memcmp(a->cky_r, b->cky_r, ISAKMP_COOKIE_LEN) ||
		       a->first_payload != b->first_payload || a->version != b->version ||
		       a->exchange != b->exchange || a->flags != b->flags ||
		       a->msgid != b->msgid))
		return false;
	if (a->npayloads != b->npayloads)
		return false;
	for (i = 0; i < a->npayloads; i++)
		if (a->pl[i].type != b->pl[i].type)
			return false;
	return true;
}

bool isakmp_chain_typed_equal(const struct isakmp_msg *a, const struct isakmp_msg *b)
{
	static struct isakmp_typed ta, tb;
	unsigned int i;

	if (a->npayloads != b->npayloads)
		return false;
	for (i = 0; i < a->npayloads; i++) {
		isakmp_parse_typed(a->pl[i].type, a->pl[i].body, a->pl[i].len, &ta);
		isakmp_parse_typed(b->pl[i].type, b->pl[i].body, b->pl[i].len, &tb);
		if (!isakmp_typed_equal(&ta, &tb))
			return false;
		/* Raw or failed payloads come back byte for byte. */
		if (ta.rc && !bytes_equal(a->pl[i].body, a->pl[i].len,
					  b->pl[i].body, b->pl[i].len))
			return false;
	}
	return true;
}

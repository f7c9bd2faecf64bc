// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: traffic selectors (RFC 7296 §2.9).
 *
 * The responder narrows what the initiator proposes to the intersection
 * with its configured selectors; the initiator checks that what comes back
 * lies inside what it configured.
 */
#include <linux/socket.h>

#include "sa.h"
#include "ts.h"

static unsigned int oak_ts_alen(u8 type)
{
	return type == IKE_TS_IPV4_RANGE ? 4 : 16;
}

static void oak_ts_range(struct ike_ts *t, const u8 *addr, unsigned int alen, u8 plen)
{
	unsigned int i, bits;

	for (i = 0; i < alen; i++) {
		bits = plen >= (i + 1) * 8 ? 8 : (plen > i * 8 ? plen - i * 8 : 0);
		t->start[i] = addr[i] & (u8)(0xff00 >> bits);
		t->end[i] = addr[i] | (u8)(0xff >> bits);
	}
}

static int oak_ts_one(struct ike_ts *t, u16 family, const u8 *addr, u8 plen, u8 proto,
		      u16 port)
{
	unsigned int alen = family == AF_INET ? 4 : 16;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (plen > alen * 8)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->type = family == AF_INET ? IKE_TS_IPV4_RANGE : IKE_TS_IPV6_RANGE;
	t->proto = proto;
	t->start_port = port;
	t->end_port = port ? port : 0xffff;
	oak_ts_range(t, addr, alen, plen);
	return 0;
}

/* Configured selectors as a TS payload; NULL list: dflt's address alone. */
int oak_ts_from_conf(const struct oakley_tslist *l, const struct oak_addr *dflt,
		     struct ike_ts_payload *out)
{
	unsigned int i;
	int err;

	memset(out, 0, sizeof(*out));
	if (!l || !l->count) {
		out->nts = 1;
		return oak_ts_one(&out->ts[0], dflt->family, dflt->addr,
				  dflt->family == AF_INET ? 32 : 128, 0, 0);
	}
	for (i = 0; i < l->count && i < IKE_MAX_TS; i++) {
		const struct oakley_ts *c = &l->ts[i];

		err = oak_ts_one(&out->ts[i], c->family, c->addr, c->prefixlen, c->proto,
				 c->port);
		if (err)
			return err;
	}
	out->nts = i;
	return 0;
}

static bool oak_ts_intersect(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *r)
{
	unsigned int alen = oak_ts_alen(a->type);

	if (a->type != b->type)
		return false;
	if (a->proto && b->proto && a->proto != b->proto)
		return false;
	memset(r, 0, sizeof(*r));
	r->type = a->type;
	r->proto = a->proto ? a->proto : b->proto;
	r->start_port = max(a->start_port, b->start_port);
	r->end_port = min(a->end_port, b->end_port);
	if (r->start_port > r->end_port)
		return false;
	memcpy(r->start, memcmp(a->start, b->start, alen) > 0 ? a->start : b->start, alen);
	memcpy(r->end, memcmp(a->end, b->end, alen) < 0 ? a->end : b->end, alen);
	return memcmp(r->start, r->end, alen) <= 0;
}

static bool oak_ts_within(const struct ike_ts *a, const struct ike_ts *b)
{
	unsigned int alen = oak_ts_alen(a->type);

	return a->type == b->type && (!b->proto || a->proto == b->proto) &&
	       a->start_port >= b->start_port && a->end_port <= b->end_port &&
	       memcmp(a->start, b->start, alen) >= 0 && memcmp(a->end, b->end, alen) <= 0;
}

/* Is @ts[@k] inside another of @ts's selectors (an earlier one when equal)? */
static bool oak_ts_redundant(const struct ike_ts_payload *ts, unsigned int k)
{
	unsigned int i;

	for (i = 0; i < ts->nts; i++)
		if (i != k && oak_ts_within(&ts->ts[k], &ts->ts[i]) &&
		    (i < k || !oak_ts_within(&ts->ts[i], &ts->ts[k])))
			return true;
	return false;
}

/*
 * The peer's selectors narrowed to ours; -ENOENT when nothing is left.  A
 * result inside another result goes: the packet's own addresses that a
 * trap-initiated request puts first (§2.9) add nothing to a configured
 * range that holds them.
 */
int oak_ts_narrow(const struct ike_ts_payload *peer, const struct ike_ts_payload *ours,
		  struct ike_ts_payload *out)
{
	unsigned int i, j, n;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < peer->nts; i++)
		for (j = 0; j < ours->nts && out->nts < IKE_MAX_TS; j++)
			if (oak_ts_intersect(&peer->ts[i], &ours->ts[j], &out->ts[out->nts]))
				out->nts++;
	for (i = 0, n = 0; i < out->nts; i++)
		if (!oak_ts_redundant(out, i))
			out->ts[n++] = out->ts[i];
	out->nts = n;
	return out->nts ? 0 : -ENOENT;
}

/* Does one of @ts's selectors hold all of @t? */
bool oak_ts_covers(const struct ike_ts_payload *ts, const struct ike_ts *t)
{
	unsigned int i;

	for (i = 0; i < ts->nts; i++)
		if (oak_ts_within(t, &ts->ts[i]))
			return true;
	return false;
}

/*
 * Put one address (any protocol and port) in front of @ts, as the first
 * selector that carries a triggering packet's address (§2.9).  -ENOSPC when
 * the payload is full, -EINVAL when the address is outside every selector.
 */
int oak_ts_prepend_addr(struct ike_ts_payload *ts, u16 family, const u8 *addr)
{
	struct ike_ts t;
	int err;

	err = oak_ts_one(&t, family, addr, family == AF_INET ? 32 : 128, 0, 0);
	if (err)
		return err;
	if (!oak_ts_covers(ts, &t))
		return -EINVAL;
	if (ts->nts >= IKE_MAX_TS)
		return -ENOSPC;
	memmove(&ts->ts[1], &ts->ts[0], ts->nts * sizeof(ts->ts[0]));
	ts->ts[0] = t;
	ts->nts++;
	return 0;
}

/* Every selector of got lies inside one of ours. */
bool oak_ts_subset(const struct ike_ts_payload *got, const struct ike_ts_payload *ours)
{
	unsigned int i, j;

	if (!got->nts)
		return false;
	for (i = 0; i < got->nts; i++) {
		for (j = 0; j < ours->nts; j++)
			if (oak_ts_within(&got->ts[i], &ours->ts[j]))
				break;
		if (j == ours->nts)
			return false;
	}
	return true;
}

static bool oak_bit(const u8 *a, unsigned int bit)
{
	return a[bit / 8] & (0x80 >> (bit % 8));
}

/* Prefix length of [start, end] if it is a prefix, else 0xff. */
static u8 oak_ts_prefix(const struct ike_ts *t)
{
	unsigned int bits = oak_ts_alen(t->type) * 8, plen = 0, i;

	while (plen < bits && oak_bit(t->start, plen) == oak_bit(t->end, plen))
		plen++;
	for (i = plen; i < bits; i++)
		if (oak_bit(t->start, i) || !oak_bit(t->end, i))
			return 0xff;
	return plen;
}

int oak_ts_to_xfrm(const struct ike_ts_payload *ts, struct oak_ts *out, unsigned int max)
{
	unsigned int i, alen;

	if (!ts->nts || ts->nts > max)
		return -EINVAL;
	for (i = 0; i < ts->nts; i++) {
		const struct ike_ts *t = &ts->ts[i];

		alen = oak_ts_alen(t->type);
		memset(&out[i], 0, sizeof(out[i]));
		out[i].family = t->type == IKE_TS_IPV4_RANGE ? AF_INET : AF_INET6;
		out[i].proto = t->proto;
		out[i].prefixlen = oak_ts_prefix(t);
		out[i].start_port = t->start_port;
		out[i].end_port = t->end_port;
		memcpy(&out[i].start, t->start, alen);
		memcpy(&out[i].end, t->end, alen);
	}
	return ts->nts;
}

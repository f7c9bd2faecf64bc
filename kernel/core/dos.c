// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: defence against IKE_SA_INIT floods (RFC 7296 §2.6,
 * RFC 8019).  See dos.h for the order of the checks.
 *
 * Limits: per namespace, set by LOAD (the configuration's [limits]
 * section, OAKLEY_A_LIMITS); until then, and for every key a LOAD leaves
 * out, the module parameters below (read-only defaults).  The namespace
 * keeps them (on->limits) while it has no engine.
 *
 * Cookies: <version> | HMAC-SHA-256(secret[version], Ni | IPi | SPIi).
 * The secret of a namespace is replaced every OAK_COOKIE_ROTATE; a cookie
 * made with the previous one is still accepted.  Keying a MAC with the
 * secret is the RFC's Hash(Ni | IPi | SPIi | <secret>) done properly.
 *
 * Rate limits: one token bucket per source (IPv4 address, IPv6 /64) in a
 * small hash table keyed with a random siphash key.  An entry whose bucket
 * has been full for a while carries no information and is dropped by the
 * garbage collection that runs at most once a second.  The table has at
 * most OAK_RL_MAX entries: when it is full of active sources (or an entry
 * cannot be allocated), every source it does not hold shares one more
 * bucket for the requests that would make state (those with a valid
 * cookie), so that spreading a flood over many addresses buys no more SAs
 * than one source gets.  A request without a cookie from such a source
 * only gets a cookie (no state, a short answer) and is not limited: a
 * shared bucket would let a flood of spoofed sources starve every new
 * peer of its first answer (ike_flood.sh saw a new initiator get none in
 * 40 s), and the rx queue's bound caps the work anyway.
 *
 * Half-open bytes: what responder SAs that are not yet established hold,
 * as oak_dos_charge() was told; at most half-open-bytes.
 *
 * Locking: d->lock (a spinlock) guards all of struct oak_dos; nothing that
 * sleeps runs under it (the cookie's HMAC is computed on a copy of the
 * secret after it is dropped).  It nests inside in->lock when the caller
 * holds that, and takes no other lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <crypto/algapi.h>

#include "../codec/ikev2_wire.h"
#include "../crypto/ike_crypto.h"
#include "../ike.h"
#include "../netns.h"
#include "dos.h"
#include "sa.h"

/* Defaults of the per-namespace limits (Documentation/config.md, [limits]). */
static unsigned int half_open_cookie = 30;
module_param(half_open_cookie, uint, 0444);
MODULE_PARM_DESC(half_open_cookie,
		 "Default of [limits] half-open-cookie: half-open IKE SAs from which IKE_SA_INIT needs a cookie (0: always)");

static unsigned int half_open_max = 5000;
module_param(half_open_max, uint, 0444);
MODULE_PARM_DESC(half_open_max,
		 "Default of [limits] half-open-max: half-open IKE SAs beyond which new IKE_SA_INITs are dropped");

static unsigned int init_rate = 10;
module_param(init_rate, uint, 0444);
MODULE_PARM_DESC(init_rate,
		 "Default of [limits] init-rate: under load, IKE_SA_INITs per second per source (0: no limit)");

static unsigned int init_burst = 20;
module_param(init_burst, uint, 0444);
MODULE_PARM_DESC(init_burst, "Default of [limits] init-burst: IKE_SA_INITs a source may send at once");

#define OAK_COOKIE_ROTATE	(120 * HZ)
#define OAK_COOKIE_SECRET_LEN	32
#define OAK_RL_HASH_BITS	10
#define OAK_RL_MAX		4096
#define OAK_RL_GC_NS		NSEC_PER_SEC

struct oak_cookie_secret {
	u8 key[OAK_COOKIE_SECRET_LEN];
	u8 ver;
	bool valid;
};

struct oak_rl_bucket {
	u64 last_ns;
	u64 tokens;		/* nanoseconds of credit */
};

struct oak_rl_entry {
	struct hlist_node node;
	u64 key[2];
	struct oak_rl_bucket b;
};

struct oak_dos {
	spinlock_t lock;			/* all of the below */
	struct oakley_limits lim;
	u64 charged;				/* bytes held by half-open responder SAs */
	struct oak_cookie_secret secret[2];	/* by version & 1 */
	u8 cur_ver;
	unsigned long rotated;			/* jiffies of the last rotation */
	siphash_key_t rl_key;
	u64 rl_gc_ns;
	unsigned int rl_count;
	struct oak_rl_bucket rl_rest;		/* shared by the sources not in the table */
	struct hlist_head rl_hash[1 << OAK_RL_HASH_BITS];
};

/* ---- limits ---- */

void oakley_ike_limits_default(struct oakley_limits *l)
{
	l->half_open_cookie = half_open_cookie;
	l->half_open_max = half_open_max;
	l->half_open_bytes = OAKLEY_HALF_OPEN_BYTES_DEFAULT;
	l->init_rate = init_rate;
	l->init_burst = init_burst;
}

static u64 oak_rl_full(const struct oakley_limits *l);

/*
 * The shared bucket starts full, as a table entry does: left zeroed it
 * would fill from the clock's epoch, empty for the first second after
 * boot (seen in KUnit under UML).  d->lock held, or @d not yet shared.
 */
static void oak_rl_rest_fill(struct oak_dos *d)
{
	d->rl_rest.tokens = d->lim.init_rate ? oak_rl_full(&d->lim) : 0;	/* 0: no buckets */
	d->rl_rest.last_ns = ktime_get_ns();
}

/* Kept in @on: an engine made later starts with them (oak_dos_net_init()). */
void oakley_ike_set_limits(struct oakley_net *on, const struct oakley_limits *l)
{
	struct oak_ike_net *in = rcu_dereference_protected(on->ike, lockdep_is_held(&on->lock));
	struct oak_dos *d = in ? in->dos : NULL;

	on->limits = *l;
	if (!d)
		return;
	spin_lock_bh(&d->lock);
	d->lim = *l;
	oak_rl_rest_fill(d);
	spin_unlock_bh(&d->lock);
}

/* ---- cookie secrets (d->lock held) ---- */

static void oak_cookie_new_secret(struct oak_dos *d, u8 ver)
{
	struct oak_cookie_secret *s = &d->secret[ver & 1];

	get_random_bytes(s->key, sizeof(s->key));
	s->ver = ver;
	s->valid = true;
	d->cur_ver = ver;
	d->rotated = jiffies;
}

/* Rotate when due; after two periods of silence the old one goes too. */
static void oak_cookie_rotate(struct oak_dos *d)
{
	struct oak_cookie_secret *prev;

	if (time_before(jiffies, d->rotated + OAK_COOKIE_ROTATE))
		return;
	prev = &d->secret[d->cur_ver & 1];
	if (time_after_eq(jiffies, d->rotated + 2 * OAK_COOKIE_ROTATE)) {
		memzero_explicit(prev->key, sizeof(prev->key));
		prev->valid = false;
	}
	oak_cookie_new_secret(d, d->cur_ver + 1);
}

/* A copy of the secret of version @ver (current: negative) into @s. */
static int oak_cookie_secret_get(struct oak_dos *d, int ver, struct oak_cookie_secret *s)
{
	int err = 0;

	spin_lock_bh(&d->lock);
	oak_cookie_rotate(d);
	if (ver < 0)
		ver = d->cur_ver;
	*s = d->secret[ver & 1];
	if (!s->valid || s->ver != ver)
		err = -ENOENT;
	spin_unlock_bh(&d->lock);
	return err;
}

int oak_dos_cookie(struct oak_ike_net *in, int ver, const u8 *ni, size_t ni_len,
		   const struct oak_addr *ipi, const u8 *spi_i, u8 *out)
{
	__be16 fam = htons(ipi->family);
	__be16 nlen = htons(ni_len);
	const struct oak_iov iov[] = {
		{ &nlen, sizeof(nlen) }, { ni, ni_len },
		{ &fam, sizeof(fam) }, { ipi->addr, ipi->family == AF_INET ? 4 : 16 },
		{ spi_i, IKE_SPI_LEN },
	};
	struct oak_cookie_secret s;
	u8 mac[IKE_PRF_MAX_LEN];
	int err;

	err = oak_cookie_secret_get(in->dos, ver, &s);
	if (err)
		goto out;
	err = oak_prfv(IKE_PRF_HMAC_SHA2_256, s.key, sizeof(s.key), iov, ARRAY_SIZE(iov), mac);
	if (!err) {
		out[0] = s.ver;
		memcpy(out + 1, mac, OAK_COOKIE_HASH_LEN);
	}
	memzero_explicit(mac, sizeof(mac));
out:
	memzero_explicit(&s, sizeof(s));
	return err;
}

/* The request's N(COOKIE) is one we made for this Ni, IPi and SPIi. */
static bool oak_cookie_valid(struct oak_ike_net *in, const struct ike_msg *m,
			     const u8 *ni, u16 ni_len, const struct oak_addr *src)
{
	u8 want[OAK_COOKIE_LEN];
	struct ike_notify n;
	bool ok;

	if (ike_find_notify(m, IKE_N_COOKIE, &n) || n.len != OAK_COOKIE_LEN)
		return false;
	if (oak_dos_cookie(in, n.data[0], ni, ni_len, src, m->spi_i, want))
		return false;
	ok = !crypto_memneq(want, n.data, OAK_COOKIE_LEN);
	memzero_explicit(want, sizeof(want));
	return ok;
}

/* ---- per-source token buckets (d->lock held) ---- */

static u64 oak_rl_cost(const struct oakley_limits *l)
{
	return NSEC_PER_SEC / l->init_rate;
}

static u64 oak_rl_full(const struct oakley_limits *l)
{
	return oak_rl_cost(l) * max(l->init_burst, 1U);
}

static void oak_rl_key(const struct oak_addr *src, u64 *key)
{
	key[0] = src->family;
	key[1] = 0;
	if (src->family == AF_INET)
		memcpy(&key[1], src->addr, 4);
	else
		memcpy(&key[1], src->addr, 8);	/* the /64 */
}

/* Drop the entries whose bucket has refilled: they are as good as new. */
static void oak_rl_gc(struct oak_dos *d, u64 now, bool all)
{
	struct oak_rl_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	d->rl_gc_ns = now;
	for (i = 0; i < ARRAY_SIZE(d->rl_hash); i++) {
		hlist_for_each_entry_safe(e, tmp, &d->rl_hash[i], node) {
			if (!all && d->lim.init_rate &&
			    now - e->b.last_ns < oak_rl_full(&d->lim))
				continue;
			hlist_del(&e->node);
			kfree(e);
			d->rl_count--;
		}
	}
}

static struct oak_rl_entry *oak_rl_find(struct oak_dos *d, const u64 *key,
					struct hlist_head **headp)
{
	struct hlist_head *head;
	struct oak_rl_entry *e;

	head = &d->rl_hash[hash_64(siphash(key, 2 * sizeof(u64), &d->rl_key),
				   OAK_RL_HASH_BITS)];
	*headp = head;
	hlist_for_each_entry(e, head, node)
		if (e->key[0] == key[0] && e->key[1] == key[1])
			return e;
	return NULL;
}

/* Take one request's token from @b: false if it had none. */
static bool oak_rl_take(const struct oakley_limits *l, struct oak_rl_bucket *b, u64 now)
{
	b->tokens = min(b->tokens + (now - b->last_ns), oak_rl_full(l));
	b->last_ns = now;
	if (b->tokens < oak_rl_cost(l))
		return false;
	b->tokens -= oak_rl_cost(l);
	return true;
}

/* A new entry for @key, full but for this request's token; NULL: none. */
static struct oak_rl_entry *oak_rl_add(struct oak_dos *d, const u64 *key,
				       struct hlist_head *head, u64 now)
{
	struct oak_rl_entry *e;

	if (d->rl_count >= OAK_RL_MAX)
		return NULL;
	e = kzalloc(sizeof(*e), GFP_ATOMIC | __GFP_NOWARN);
	if (!e)
		return NULL;
	e->key[0] = key[0];
	e->key[1] = key[1];
	e->b.last_ns = now;
	e->b.tokens = oak_rl_full(&d->lim);
	hlist_add_head(&e->node, head);
	d->rl_count++;
	return e;
}

/*
 * One request from @src: true if its bucket had a token.  A source the
 * table cannot hold takes the shared bucket's if @shared, else passes.
 */
static bool oak_rl_allow(struct oak_dos *d, const struct oak_addr *src, bool shared)
{
	u64 now = ktime_get_ns();
	struct hlist_head *head;
	struct oak_rl_entry *e;
	u64 key[2];

	if (now - d->rl_gc_ns >= OAK_RL_GC_NS)
		oak_rl_gc(d, now, false);
	oak_rl_key(src, key);
	e = oak_rl_find(d, key, &head);
	if (!e)
		e = oak_rl_add(d, key, head, now);
	if (!e)		/* see the top of the file */
		return shared ? oak_rl_take(&d->lim, &d->rl_rest, now) : true;
	return oak_rl_take(&d->lim, &e->b, now);
}

/* ---- the checks ---- */

static u64 oak_half_open(struct oak_ike_net *in)
{
	return oakley_stat_read(in->on, OAKLEY_STATS_A_HALF_OPEN);
}

/* Cookies are due: as many half-open SAs as half-open-cookie. */
static bool oak_dos_loaded(struct oak_ike_net *in)
{
	struct oak_dos *d = in->dos;
	bool loaded;

	spin_lock_bh(&d->lock);
	loaded = oak_half_open(in) >= d->lim.half_open_cookie;
	spin_unlock_bh(&d->lock);
	return loaded;
}

/*
 * Checks 1 and 2 of dos.h; @loaded: cookies are due, @state: the request
 * would make state (IKEv1's message 1, an IKE_SA_INIT with a valid cookie).
 */
static enum oak_dos_verdict oak_dos_limit(struct oak_ike_net *in, const struct oak_addr *src,
					  bool loaded, bool state)
{
	struct oak_dos *d = in->dos;
	u64 half_open = oak_half_open(in);
	bool rate_ok = true;
	u32 max;

	spin_lock_bh(&d->lock);
	/*
	 * Unloaded, every request passes: a hub bringing up thousands of
	 * tunnels from one address must not wait for a token bucket.  Under
	 * load (as many half-open SAs as make us ask for cookies) each source
	 * address gets its bucket.
	 */
	if (loaded && d->lim.init_rate)
		rate_ok = oak_rl_allow(d, src, state);
	max = d->lim.half_open_max;
	spin_unlock_bh(&d->lock);
	if (!rate_ok) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_RATELIMIT);
		return OAK_DOS_DROP;
	}
	if (half_open >= max) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_HALF_OPEN);
		return OAK_DOS_DROP;
	}
	return OAK_DOS_PASS;
}

enum oak_dos_verdict oak_dos_check_init(struct oak_ike_net *in, const struct ike_msg *m,
					const struct oak_addr *src, u8 *cookie)
{
	const struct ike_payload *pn;
	bool loaded, nonce = false, valid = false;
	enum oak_dos_verdict v;
	const u8 *ni = NULL;
	u16 ni_len = 0;

	loaded = oak_dos_loaded(in);
	if (loaded) {
		/* the cookie covers Ni: a request without one is no request */
		pn = ike_find(m, IKE_PL_NONCE);
		nonce = pn && !ike_parse_nonce(pn->body, pn->len, &ni, &ni_len) &&
			ni_len >= IKE_NONCE_MIN && ni_len <= IKE_NONCE_MAX;
		valid = nonce && oak_cookie_valid(in, m, ni, ni_len, src);
	}
	v = oak_dos_limit(in, src, loaded, valid);
	if (v != OAK_DOS_PASS || !loaded || valid)
		return v;
	if (!nonce) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		return OAK_DOS_DROP;
	}
	/* answer with N(COOKIE) only (the caller sends it); no state is kept */
	if (oak_dos_cookie(in, -1, ni, ni_len, src, m->spi_i, cookie))
		return OAK_DOS_DROP;
	return OAK_DOS_COOKIE;
}

enum oak_dos_verdict oak_dos_check_v1(struct oak_ike_net *in, const struct oak_addr *src)
{
	return oak_dos_limit(in, src, oak_dos_loaded(in), true);	/* no cookie: state */
}

int oak_dos_charge(struct oak_ike_net *in, u32 bytes)
{
	struct oak_dos *d = in->dos;
	bool ok;

	spin_lock_bh(&d->lock);
	ok = d->charged + bytes <= d->lim.half_open_bytes;
	if (ok)
		d->charged += bytes;
	spin_unlock_bh(&d->lock);
	if (!ok) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_HALF_OPEN);
		return -ENOBUFS;
	}
	oakley_stat_add(in->on, OAKLEY_STATS_A_HALF_OPEN_BYTES, bytes);
	return 0;
}

void oak_dos_uncharge(struct oak_ike_net *in, u32 bytes)
{
	struct oak_dos *d = in->dos;

	spin_lock_bh(&d->lock);
	if (WARN_ON_ONCE(d->charged < bytes))
		bytes = d->charged;
	d->charged -= bytes;
	spin_unlock_bh(&d->lock);
	oakley_stat_add(in->on, OAKLEY_STATS_A_HALF_OPEN_BYTES, -(s64)bytes);
}

/* ---- namespace ---- */

int oak_dos_net_init(struct oak_ike_net *in)
{
	struct oak_dos *d;
	unsigned int i;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	spin_lock_init(&d->lock);
	d->lim = in->on->limits;	/* on->lock held, or @in not published yet */
	oak_rl_rest_fill(d);
	for (i = 0; i < ARRAY_SIZE(d->rl_hash); i++)
		INIT_HLIST_HEAD(&d->rl_hash[i]);
	get_random_bytes(&d->rl_key, sizeof(d->rl_key));
	d->rl_gc_ns = ktime_get_ns();
	oak_cookie_new_secret(d, get_random_u32() & 0xff);
	in->dos = d;
	return 0;
}

/* The engine's last reference went: nobody else looks at it any more. */
void oak_dos_net_exit(struct oak_ike_net *in)
{
	struct oak_dos *d = in->dos;

	if (!d)
		return;
	oak_rl_gc(d, ktime_get_ns(), true);
	in->dos = NULL;
	kfree_sensitive(d);	/* the cookie secrets and the siphash key */
}

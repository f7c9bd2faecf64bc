// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "oakley_sa_tables": the IKE SA tables of a namespace
 * (kernel/core/sa.c), rhashtables by our SPI and, for responders, by the
 * peer's address and SPIi.  Thousands of entries (several resizes), lookups
 * of each, removals, and the same SPIs in two namespaces' tables.  The SA
 * objects are bare: only the fields the tables read are set.  The identity
 * indexes (INITIAL_CONTACT) are checked against a scan of every SA.  And
 * which Child SA a reauthentication's new one replaces (core/child.c).
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/rhashtable.h>

#include "../core/sa.h"

#define SAT_N		3000	/* SAs per namespace */

struct sat_ns {
	struct oak_ike_net in;
	struct oak_ike_sa *sa[SAT_N];
};

/* A deterministic, distinct SPI for index @i (a responder's SPIi differs from its SPIr). */
static void sat_spi(u8 *spi, unsigned int i, u8 tag)
{
	memset(spi, 0, IKE_SPI_LEN);
	spi[0] = tag;
	spi[5] = i >> 16;
	spi[6] = i >> 8;
	spi[7] = i;
}

static void sat_peer(struct oak_addr *a, unsigned int i)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->port = 500;
	a->addr[0] = 10;
	a->addr[2] = i >> 8;
	a->addr[3] = i;
}

static struct sat_ns *sat_ns_new(struct kunit *test)
{
	struct sat_ns *ns = kzalloc(sizeof(*ns), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ns);
	KUNIT_ASSERT_EQ(test, oak_sa_tables_init(&ns->in), 0);
	return ns;
}

/* Even indices are initiators (our SPI = SPIi), odd ones responders. */
static void sat_fill(struct kunit *test, struct sat_ns *ns)
{
	struct oak_ike_sa *sa;
	unsigned int i;

	for (i = 0; i < SAT_N; i++) {
		sa = kzalloc(sizeof(*sa), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sa);
		sa->in = &ns->in;
		sa->initiator = !(i & 1);
		sat_spi(sa->spi_i, i, 0x11);
		if (!sa->initiator)
			sat_spi(sa->spi_r, i, 0x22);
		sat_peer(&sa->remote, i / 4);	/* several SAs per peer address */
		ns->sa[i] = sa;
		KUNIT_ASSERT_EQ(test, oak_sa_table_add(sa), 0);
	}
}

static void sat_ns_free(struct sat_ns *ns)
{
	unsigned int i;

	for (i = 0; i < SAT_N; i++) {
		if (!ns->sa[i])
			continue;
		oak_sa_table_del(ns->sa[i]);
		kfree(ns->sa[i]);
	}
	oak_sa_tables_destroy(&ns->in);
	kfree(ns);
}

static void sat_check_present(struct kunit *test, struct sat_ns *ns, unsigned int i)
{
	struct oak_ike_sa *sa = ns->sa[i];

	KUNIT_EXPECT_PTR_EQ(test, oak_sa_lookup(&ns->in, oak_sa_our_spi(sa)), sa);
	if (sa->initiator)
		KUNIT_EXPECT_NULL(test, oak_sa_lookup_peer(&ns->in, &sa->remote, sa->spi_i));
	else
		KUNIT_EXPECT_PTR_EQ(test, oak_sa_lookup_peer(&ns->in, &sa->remote, sa->spi_i),
				    sa);
}

/* Every SA is found by its SPI, responders also by peer + SPIi; nothing else is. */
static void sat_test_lookup(struct kunit *test)
{
	struct sat_ns *ns = sat_ns_new(test);
	struct oak_addr other;
	u8 spi[IKE_SPI_LEN];
	unsigned int i;

	sat_fill(test, ns);
	KUNIT_EXPECT_EQ(test, atomic_read(&ns->in.by_spi.nelems), SAT_N);
	KUNIT_EXPECT_EQ(test, atomic_read(&ns->in.by_peer.nelems), SAT_N / 2);
	for (i = 0; i < SAT_N; i++)
		sat_check_present(test, ns, i);
	/* a responder's SPIi is not one of our SPIs */
	sat_spi(spi, 1, 0x11);
	KUNIT_EXPECT_NULL(test, oak_sa_lookup(&ns->in, spi));
	sat_spi(spi, SAT_N, 0x11);
	KUNIT_EXPECT_NULL(test, oak_sa_lookup(&ns->in, spi));
	/* the right SPIi from another address, port or family is another SA */
	other = ns->sa[1]->remote;
	other.addr[3] ^= 0x80;
	KUNIT_EXPECT_NULL(test, oak_sa_lookup_peer(&ns->in, &other, ns->sa[1]->spi_i));
	other = ns->sa[1]->remote;
	other.port = 4500;
	KUNIT_EXPECT_NULL(test, oak_sa_lookup_peer(&ns->in, &other, ns->sa[1]->spi_i));
	other = ns->sa[1]->remote;
	other.family = AF_INET6;
	KUNIT_EXPECT_NULL(test, oak_sa_lookup_peer(&ns->in, &other, ns->sa[1]->spi_i));
	sat_ns_free(ns);
}

/* Removed SAs are gone from both tables; the others stay; removal is idempotent. */
static void sat_test_remove(struct kunit *test)
{
	struct sat_ns *ns = sat_ns_new(test);
	struct oak_ike_sa *sa;
	unsigned int i;

	sat_fill(test, ns);
	for (i = 0; i < SAT_N; i += 3)
		oak_sa_table_del(ns->sa[i]);
	oak_sa_table_del(ns->sa[0]);	/* twice: no-op */
	for (i = 0; i < SAT_N; i++) {
		sa = ns->sa[i];
		if (i % 3) {
			sat_check_present(test, ns, i);
			continue;
		}
		KUNIT_EXPECT_NULL(test, oak_sa_lookup(&ns->in, oak_sa_our_spi(sa)));
		KUNIT_EXPECT_NULL(test, oak_sa_lookup_peer(&ns->in, &sa->remote, sa->spi_i));
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ns->in.by_spi.nelems), SAT_N - SAT_N / 3);
	/* back in: found again */
	for (i = 0; i < SAT_N; i += 3)
		KUNIT_ASSERT_EQ(test, oak_sa_table_add(ns->sa[i]), 0);
	for (i = 0; i < SAT_N; i++)
		sat_check_present(test, ns, i);
	sat_ns_free(ns);
}

/* Two namespaces holding the very same SPIs and peers: each finds its own SA. */
static void sat_test_namespaces(struct kunit *test)
{
	struct sat_ns *a = sat_ns_new(test);
	struct sat_ns *b = sat_ns_new(test);
	unsigned int i;

	sat_fill(test, a);
	sat_fill(test, b);
	for (i = 0; i < SAT_N; i++) {
		KUNIT_ASSERT_TRUE(test, !memcmp(oak_sa_our_spi(a->sa[i]), oak_sa_our_spi(b->sa[i]),
						IKE_SPI_LEN));
		sat_check_present(test, a, i);
		sat_check_present(test, b, i);
	}
	/* emptying one leaves the other whole */
	for (i = 0; i < SAT_N; i++)
		oak_sa_table_del(a->sa[i]);
	for (i = 0; i < SAT_N; i++) {
		KUNIT_EXPECT_NULL(test, oak_sa_lookup(&a->in, oak_sa_our_spi(b->sa[i])));
		sat_check_present(test, b, i);
	}
	sat_ns_free(a);
	sat_ns_free(b);
}

/* ---- identity indexes: oak_sa_find_id() finds what a scan of all SAs finds ---- */

#define SAT_ID_N	2000
#define SAT_LIDS	50	/* local IDs */
#define SAT_ADDRS	40	/* peer addresses */

struct sat_id_ctx {
	struct sat_ns *ns;
	struct oakley_conn *conn[SAT_LIDS];
	u8 peer[SAT_ID_N][8];	/* ID payload body: type, 3 reserved, 4 bytes */
};

static struct oakley_id *sat_id(struct kunit *test, u8 type, const void *data, u16 len)
{
	struct oakley_id *id = kunit_kzalloc(test, sizeof(*id) + len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, id);
	id->type = type;
	id->len = len;
	memcpy(id->data, data, len);
	return id;
}

struct sat_id_q {
	const struct oakley_id *lid;
	const u8 *addr;		/* or NULL */
	const u8 *body;		/* or NULL */
};

static bool sat_id_match(const struct oak_ike_sa *o, const void *arg)
{
	const struct sat_id_q *q = arg;
	const struct oakley_id *l = o->conn->local_id;

	if (l->type != q->lid->type || l->len != q->lid->len ||
	    memcmp(l->data, q->lid->data, l->len))
		return false;
	if (q->addr)
		return !memcmp(o->remote.addr, q->addr, sizeof(o->remote.addr));
	return o->peer_id && !memcmp(o->peer_id, q->body, 8);
}

static bool sat_id_scan(struct sat_ns *ns, const struct sat_id_q *q)
{
	unsigned int i;

	for (i = 0; i < SAT_ID_N; i++)
		if (ns->sa[i] && !list_empty(&ns->sa[i]->node) && sat_id_match(ns->sa[i], q))
			return true;
	return false;
}

/* A connection name in the same by_conn bucket as @other (the seed is random). */
static void sat_colliding_name(struct kunit *test, char *name, size_t size, const char *other)
{
	u32 want = oakley_name_hash(other);
	unsigned int n;

	for (n = 0; n < 64 * OAKLEY_HASH_SIZE; n++) {
		snprintf(name, size, "c%u@x", n);
		if (oakley_name_hash(name) == want)
			return;
	}
	KUNIT_FAIL(test, "no name shares a bucket with %s", other);
}

static void sat_id_setup(struct kunit *test, struct sat_id_ctx *x)
{
	struct oak_ike_net *in;
	struct oak_ike_sa *sa;
	unsigned int i;
	char name[16];

	x->ns = sat_ns_new(test);
	in = &x->ns->in;
	mutex_init(&in->lock);
	INIT_LIST_HEAD(&in->sas);
	in->by_conn = kunit_kcalloc(test, OAKLEY_HASH_SIZE, sizeof(*in->by_conn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in->by_conn);
	for (i = 0; i < OAKLEY_HASH_SIZE; i++)
		INIT_LIST_HEAD(&in->by_conn[i]);
	for (i = 0; i < SAT_LIDS; i++) {
		x->conn[i] = kunit_kzalloc(test, sizeof(*x->conn[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, x->conn[i]);
		snprintf(name, sizeof(name), "l%u@x", i);
		if (i == 1)	/* shares l0@x's by_conn bucket */
			sat_colliding_name(test, name, sizeof(name), x->conn[0]->name);
		strscpy(x->conn[i]->name, name, sizeof(x->conn[i]->name));
		x->conn[i]->local_id = sat_id(test, OAKLEY_ID_FQDN, name, strlen(name));
		x->conn[i]->remote_id = sat_id(test, OAKLEY_ID_ANY, "", 0);
	}
	for (i = 0; i < SAT_ID_N; i++) {
		sa = kzalloc(sizeof(*sa), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sa);
		INIT_LIST_HEAD(&sa->node);
		INIT_LIST_HEAD(&sa->conn_node);
		sa->in = in;
		sa->initiator = true;
		sa->conn = x->conn[i % SAT_LIDS];
		sat_spi(sa->spi_i, i, 0x33);
		sat_peer(&sa->remote, i % SAT_ADDRS);
		x->peer[i][0] = OAKLEY_ID_FQDN;
		memcpy(&x->peer[i][4], &i, 4);
		x->ns->sa[i] = sa;
		KUNIT_ASSERT_EQ(test, oak_sa_hash(sa), 0);
	}
}

static void sat_id_teardown(struct sat_id_ctx *x)
{
	unsigned int i;

	for (i = 0; i < SAT_ID_N; i++) {
		if (!x->ns->sa[i])
			continue;
		oak_sa_unhash(x->ns->sa[i]);
		kfree(x->ns->sa[i]->peer_id);
	}
	sat_ns_free(x->ns);
}

/* Every (local ID, peer address) pair: the index answers as a full scan does. */
static void sat_check_addr_ids(struct kunit *test, struct sat_id_ctx *x)
{
	struct sat_id_q q = {};
	struct oak_addr a;
	unsigned int l, i;
	u32 key;

	for (l = 0; l < SAT_LIDS; l++) {
		for (i = 0; i < SAT_ADDRS + 2; i++) {
			sat_peer(&a, i);
			q.lid = x->conn[l]->local_id;
			q.addr = a.addr;
			key = oak_addr_id_key(q.lid, a.addr);
			KUNIT_EXPECT_EQ(test, !!oak_sa_find_id(&x->ns->in, false, key,
							       sat_id_match, &q),
					sat_id_scan(x->ns, &q));
		}
	}
}

struct sat_visits {
	const struct oakley_conn *conn;
	unsigned int n;
};

/*
 * Callers filter what they are shown (oak_sa_same_conn()): a connection's
 * list is a bucket of the names' hash and may hold another connection's
 * SAs too (the seed is random: one CI run in many saw it).  Count those
 * of the connection only.
 */
static bool sat_count_visit(struct oak_ike_sa *o, void *arg)
{
	struct sat_visits *v = arg;

	if (o->conn == v->conn)
		v->n++;
	return false;
}

static void sat_test_ids(struct kunit *test)
{
	struct sat_id_ctx *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct sat_id_q q = {};
	struct oak_ike_sa *sa;
	unsigned int i;
	u32 key;

	KUNIT_ASSERT_NOT_NULL(test, x);
	sat_id_setup(test, x);
	sat_check_addr_ids(test, x);
	/* half of them learn their peer's ID (IKE_AUTH): filed under it */
	for (i = 0; i < SAT_ID_N; i += 2) {
		sa = x->ns->sa[i];
		sa->peer_id = kmemdup(x->peer[i], 8, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sa->peer_id);
		sa->peer_id_len = 8;
		oak_sa_id_reindex(sa);
	}
	/*
	 * oak_sa_find_same_peer() visits the SAs filed under the peer ID, each
	 * alone under its own here; SAs without one fall back to all SAs of
	 * their connection.
	 */
	for (i = 0; i < SAT_ID_N; i++) {
		struct sat_visits v = { .conn = x->ns->sa[i]->conn };

		mutex_lock(&x->ns->in.lock);
		KUNIT_EXPECT_NULL(test, oak_sa_find_same_peer(x->ns->sa[i], sat_count_visit, &v));
		mutex_unlock(&x->ns->in.lock);
		KUNIT_EXPECT_EQ(test, v.n, i % 2 ? SAT_ID_N / SAT_LIDS : 1U);
	}
	for (i = 0; i < SAT_ID_N; i++) {
		sa = x->ns->sa[i];
		q.lid = sa->conn->local_id;
		q.body = x->peer[i];
		key = oak_peer_id_key(q.lid, q.body, 8);
		KUNIT_EXPECT_PTR_EQ(test, oak_sa_find_id(&x->ns->in, true, key, sat_id_match, &q),
				    i % 2 ? NULL : sa);
		/* the same peer ID under another local ID is not the same pair */
		q.lid = x->conn[(i + 1) % SAT_LIDS]->local_id;
		key = oak_peer_id_key(q.lid, q.body, 8);
		KUNIT_EXPECT_NULL(test, oak_sa_find_id(&x->ns->in, true, key, sat_id_match, &q));
	}
	/* removed SAs are no longer found; the others still are */
	for (i = 0; i < SAT_ID_N; i += 3)
		oak_sa_unhash(x->ns->sa[i]);
	sat_check_addr_ids(test, x);
	sa = x->ns->sa[2];
	q.lid = sa->conn->local_id;
	q.body = x->peer[2];
	KUNIT_EXPECT_PTR_EQ(test, oak_sa_find_id(&x->ns->in, true,
						 oak_peer_id_key(q.lid, q.body, 8),
						 sat_id_match, &q), sa);
	q.lid = x->ns->sa[0]->conn->local_id;
	q.body = x->peer[0];
	KUNIT_EXPECT_NULL(test, oak_sa_find_id(&x->ns->in, true,
					       oak_peer_id_key(q.lid, q.body, 8),
					       sat_id_match, &q));
	sat_id_teardown(x);
}

/* ---- growing past several resize points under the engine lock ---- */

#define SAT_GROW_N	20000U	/* 64 -> 32,768 buckets: grows at 6,144 and 12,288 among others */

static unsigned int sat_buckets(struct rhashtable *ht)
{
	unsigned int size;

	rcu_read_lock();
	size = rcu_dereference(ht->tbl)->size;
	rcu_read_unlock();
	return size;
}

/*
 * As the engine does it: every insert with in->lock held, no sleep in
 * between.  No insert may fail at a resize point (-EBUSY, -ENOMEM from a
 * table that could not grow in time), every SA is found while the deferred
 * resizes run, and the resize worker finishes while in->lock is still held
 * (it must not need it): a resize that waited for the inserter would hang
 * here instead of in a scale run (session 4's stall near 6,000 SAs).
 */
static void sat_test_grow_locked(struct kunit *test)
{
	struct sat_ns *ns = sat_ns_new(test);
	struct oak_ike_sa **sa;
	unsigned int i;

	sa = kvcalloc(SAT_GROW_N, sizeof(*sa), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	mutex_init(&ns->in.lock);
	mutex_lock(&ns->in.lock);
	for (i = 0; i < SAT_GROW_N; i++) {
		sa[i] = kzalloc(sizeof(*sa[i]), GFP_KERNEL);
		if (!sa[i])
			break;
		sa[i]->in = &ns->in;
		sat_spi(sa[i]->spi_i, i, 0x33);
		sat_spi(sa[i]->spi_r, i, 0x44);
		sat_peer(&sa[i]->remote, i);
		if (oak_sa_table_add(sa[i]))
			break;
		if (i % 1000 == 999)	/* lookups while a resize may be in flight */
			KUNIT_EXPECT_PTR_EQ(test, oak_sa_lookup(&ns->in, sa[i / 2]->spi_r),
					    sa[i / 2]);
	}
	KUNIT_EXPECT_EQ(test, i, SAT_GROW_N);
	flush_work(&ns->in.by_spi.run_work);
	flush_work(&ns->in.by_peer.run_work);
	KUNIT_EXPECT_GE(test, sat_buckets(&ns->in.by_spi), SAT_GROW_N * 4 / 3);
	KUNIT_EXPECT_GE(test, sat_buckets(&ns->in.by_peer), SAT_GROW_N * 4 / 3);
	for (i = 0; i < SAT_GROW_N && sa[i]; i++) {
		KUNIT_EXPECT_PTR_EQ(test, oak_sa_lookup(&ns->in, sa[i]->spi_r), sa[i]);
		KUNIT_EXPECT_PTR_EQ(test, oak_sa_lookup_peer(&ns->in, &sa[i]->remote,
							     sa[i]->spi_i), sa[i]);
	}
	/* and back down (automatic shrinking), still under the lock */
	for (i = 0; i < SAT_GROW_N && sa[i]; i++) {
		oak_sa_table_del(sa[i]);
		kfree(sa[i]);
	}
	flush_work(&ns->in.by_spi.run_work);
	KUNIT_EXPECT_EQ(test, atomic_read(&ns->in.by_spi.nelems), 0);
	KUNIT_EXPECT_LT(test, sat_buckets(&ns->in.by_spi), 1024U);
	mutex_unlock(&ns->in.lock);
	kvfree(sa);
	sat_ns_free(ns);
}

/*
 * The lookups of the rx path, under RCU with no lock: the SA referenced,
 * by our SPI or (a responder) by the peer's address and SPIi; nothing for
 * an SA whose last reference went (freed after a grace period).
 */
static void sat_test_lookup_get(struct kunit *test)
{
	struct sat_ns *ns = sat_ns_new(test);
	struct oak_ike_sa *sa;
	unsigned int i;

	sat_fill(test, ns);
	for (i = 0; i < 4; i++) {	/* two initiators, two responders */
		sa = ns->sa[i];
		kref_init(&sa->ref);
		KUNIT_EXPECT_PTR_EQ(test, oak_sa_lookup_get(&ns->in, oak_sa_our_spi(sa)), sa);
		KUNIT_EXPECT_EQ(test, kref_read(&sa->ref), 2U);
		if (sa->initiator) {
			KUNIT_EXPECT_NULL(test, oak_sa_lookup_peer_get(&ns->in, &sa->remote,
								       sa->spi_i));
			continue;
		}
		KUNIT_EXPECT_PTR_EQ(test, oak_sa_lookup_peer_get(&ns->in, &sa->remote, sa->spi_i),
				    sa);
		KUNIT_EXPECT_EQ(test, kref_read(&sa->ref), 3U);
	}
	sa = ns->sa[5];		/* a responder with no reference left */
	KUNIT_EXPECT_NULL(test, oak_sa_lookup_get(&ns->in, oak_sa_our_spi(sa)));
	KUNIT_EXPECT_NULL(test, oak_sa_lookup_peer_get(&ns->in, &sa->remote, sa->spi_i));
	sat_ns_free(ns);
}

/*
 * A reauthentication's Child SA takes the reqid of the one it replaces
 * (core/child.c oak_child_adopt_reqid()): only from another live IKE SA of
 * the same connection and peer, the same child, exactly the same selectors,
 * installed and not rekeyed; a trap's or a rekey's reqid is never replaced.
 */
struct sat_mbb {
	struct oak_ike_net in;
	struct oakley_conn conn;
	struct oakley_child cfg;
	struct oak_ike_sa old, new;
	struct oak_child_sa o, c;
	struct oak_ts ts_o[2], ts_c[2];
};

static void sat_mbb_ts(struct oak_ts *ts, u8 net)
{
	memset(ts, 0, 2 * sizeof(*ts));
	ts[0].family = AF_INET;
	ts[0].prefixlen = 24;
	ts[0].end_port = 65535;
	ts[0].start.a4 = htonl(0x0a010000);
	ts[0].end.a4 = htonl(0x0a0100ff);
	ts[1] = ts[0];
	ts[1].start.a4 = htonl(0x0a000000 | net << 16);
	ts[1].end.a4 = htonl(0x0a0000ff | net << 16);
}

static void sat_mbb_sa(struct sat_mbb *m, struct oak_ike_sa *sa, struct oak_child_sa *c,
		       struct oak_ts *ts)
{
	sa->in = &m->in;
	sa->conn = &m->conn;
	sat_peer(&sa->remote, 7);
	INIT_LIST_HEAD(&sa->children);
	list_add_tail(&sa->conn_node, oak_sa_conn_list(&m->in, m->conn.name));
	c->cfg = &m->cfg;
	c->p.mode = OAKLEY_MODE_TUNNEL;
	c->p.local_ts = ts;
	c->p.remote_ts = ts + 1;
	c->p.n_local_ts = 1;
	c->p.n_remote_ts = 1;
	list_add_tail(&c->node, &sa->children);
}

static struct sat_mbb *sat_mbb_new(struct kunit *test)
{
	struct sat_mbb *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->in.by_conn = kunit_kcalloc(test, OAKLEY_HASH_SIZE, sizeof(*m->in.by_conn),
				      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->in.by_conn);
	for (i = 0; i < OAKLEY_HASH_SIZE; i++)
		INIT_LIST_HEAD(&m->in.by_conn[i]);
	mutex_init(&m->in.lock);
	strscpy(m->conn.name, "gw", sizeof(m->conn.name));
	strscpy(m->cfg.name, "net", sizeof(m->cfg.name));
	sat_mbb_ts(m->ts_o, 2);
	sat_mbb_ts(m->ts_c, 2);
	sat_mbb_sa(m, &m->old, &m->o, m->ts_o);
	sat_mbb_sa(m, &m->new, &m->c, m->ts_c);
	m->o.installed = true;
	m->o.p.reqid = 0x10001;
	m->c.p.reqid = 0x10002;
	m->c.reqid_fresh = true;
	return m;
}

/* Adopt under in->lock; the reqid @c ends with. */
static u32 sat_mbb_adopt(struct kunit *test, struct sat_mbb *m, bool found)
{
	struct oak_child_sa *got;

	mutex_lock(&m->in.lock);
	got = oak_child_adopt_reqid(&m->new, &m->c);
	mutex_unlock(&m->in.lock);
	KUNIT_EXPECT_PTR_EQ(test, got, found ? &m->o : NULL);
	return m->c.p.reqid;
}

static void sat_test_reauth_reqid(struct kunit *test)
{
	struct sat_mbb *m = sat_mbb_new(test);

	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, true), 0x10001U);
	KUNIT_EXPECT_FALSE(test, m->c.reqid_fresh);
	/* installed now: never again */
	m->c.installed = true;
	m->c.p.reqid = 0x10002;
	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, false), 0x10002U);

	/* another peer, other selectors, a dead or dying SA, a rekeyed child */
	m = sat_mbb_new(test);
	sat_peer(&m->old.remote, 8);
	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, false), 0x10002U);
	m = sat_mbb_new(test);
	sat_mbb_ts(m->ts_c, 3);
	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, false), 0x10002U);
	m = sat_mbb_new(test);
	m->old.dead = true;
	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, false), 0x10002U);
	m = sat_mbb_new(test);
	m->old.kill_pending = true;
	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, false), 0x10002U);
	m = sat_mbb_new(test);
	m->o.rekeyed = true;
	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, false), 0x10002U);
	m = sat_mbb_new(test);
	m->o.installed = false;
	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, false), 0x10002U);

	/* a trap's reqid (not fresh) stays; the same one is still a predecessor */
	m = sat_mbb_new(test);
	m->c.reqid_fresh = false;
	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, false), 0x10002U);
	m->c.p.reqid = 0x10001;
	KUNIT_EXPECT_EQ(test, sat_mbb_adopt(test, m, true), 0x10001U);
}

static struct kunit_case sat_cases[] = {
	KUNIT_CASE(sat_test_lookup),
	KUNIT_CASE(sat_test_lookup_get),
	KUNIT_CASE(sat_test_remove),
	KUNIT_CASE(sat_test_namespaces),
	KUNIT_CASE(sat_test_ids),
	KUNIT_CASE(sat_test_grow_locked),
	KUNIT_CASE(sat_test_reauth_reqid),
	{}
};

static struct kunit_suite sat_suite = {
	.name = "oakley_sa_tables",
	.test_cases = sat_cases,
};

kunit_test_suite(sat_suite);

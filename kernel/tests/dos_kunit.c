// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: core/dos.c, the limits against IKE_SA_INIT floods: a full table
 * of sources limits new ones (it used to let them pass), half-open bytes
 * are capped and returned, limits come per namespace.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "../codec/ikev2_wire.h"
#include "../core/dos.h"
#include "../core/sa.h"
#include "../ike.h"
#include "../netns.h"

struct dost_ctx {
	struct oakley_net *on;
	struct oak_ike_net *in;
	struct ike_msg *m;		/* no payloads: a request without a nonce */
};

static void dost_setup(struct kunit *test, struct dost_ctx *x, const struct oakley_limits *l)
{
	x->on = kunit_kzalloc(test, sizeof(*x->on), GFP_KERNEL);
	x->in = kunit_kzalloc(test, sizeof(*x->in), GFP_KERNEL);
	x->m = kunit_kzalloc(test, sizeof(*x->m), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, x->on && x->in && x->m);
	KUNIT_ASSERT_EQ(test, oakley_net_setup(x->on, &init_net), 0);
	x->in->on = x->on;
	KUNIT_ASSERT_EQ(test, oak_dos_net_init(x->in), 0);
	rcu_assign_pointer(x->on->ike, x->in);
	mutex_lock(&x->on->lock);
	oakley_ike_set_limits(x->on, l);
	mutex_unlock(&x->on->lock);
}

static void dost_src(struct oak_addr *a, unsigned int i)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->port = 500;
	a->addr[0] = 10;
	a->addr[1] = i >> 16;
	a->addr[2] = i >> 8;
	a->addr[3] = i;
}

static u64 dost_stat(struct dost_ctx *x, int attr)
{
	return oakley_stat_read(x->on, attr);
}

/*
 * Loaded from the first request (half-open-cookie 0), one request per
 * source per second, no burst: every request passes the rate check once
 * and is then dropped for its missing nonce (rx-drop-malformed).  When the
 * table of 4096 sources is full, the sources it cannot hold are not
 * limited for requests without a valid cookie (those only get a cookie: a
 * spoofed flood must not starve a new peer of it); with one they share a
 * bucket (oak_rl_allow(), reached through IKEv1's message 1 here).
 */
static void dost_test_full_table(struct kunit *test)
{
	const struct oakley_limits l = {
		.half_open_cookie = 0, .half_open_max = 100, .init_rate = 1, .init_burst = 1,
		.half_open_bytes = OAKLEY_HALF_OPEN_BYTES_DEFAULT,
	};
	struct dost_ctx x;
	struct oak_addr src;
	u8 cookie[OAK_COOKIE_LEN];
	unsigned int i;

	dost_setup(test, &x, &l);
	for (i = 0; i < 4096; i++) {
		dost_src(&src, i);
		KUNIT_EXPECT_EQ(test, oak_dos_check_init(x.in, x.m, &src, cookie), OAK_DOS_DROP);
	}
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_RX_DROP_RATELIMIT), 0);
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_RX_DROP_MALFORMED), 4096);
	/* a tracked source has used its token */
	dost_src(&src, 7);
	oak_dos_check_init(x.in, x.m, &src, cookie);
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_RX_DROP_RATELIMIT), 1);
	/* new sources, table full, no cookie: not limited (malformed: no nonce) */
	for (i = 5000; i < 5010; i++) {
		dost_src(&src, i);
		KUNIT_EXPECT_EQ(test, oak_dos_check_init(x.in, x.m, &src, cookie), OAK_DOS_DROP);
	}
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_RX_DROP_RATELIMIT), 1);
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_RX_DROP_MALFORMED), 4096 + 10);
	/* state-making requests of two new sources: one bucket of one token */
	dost_src(&src, 6000);
	KUNIT_EXPECT_EQ(test, oak_dos_check_v1(x.in, &src), OAK_DOS_PASS);
	dost_src(&src, 6001);
	KUNIT_EXPECT_EQ(test, oak_dos_check_v1(x.in, &src), OAK_DOS_DROP);
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_RX_DROP_RATELIMIT), 2);
	oak_dos_net_exit(x.in);
}

/* half-open-bytes: what does not fit is refused and counted; uncharging returns it. */
static void dost_test_bytes(struct kunit *test)
{
	const struct oakley_limits l = {
		.half_open_cookie = 30, .half_open_max = 5000, .init_rate = 10, .init_burst = 20,
		.half_open_bytes = 64 << 10,
	};
	struct dost_ctx x;

	dost_setup(test, &x, &l);
	KUNIT_EXPECT_EQ(test, oak_dos_charge(x.in, 40000), 0);
	KUNIT_EXPECT_EQ(test, oak_dos_charge(x.in, 30000), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_RX_DROP_HALF_OPEN), 1);
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_HALF_OPEN_BYTES), 40000);
	oak_dos_uncharge(x.in, 40000);
	KUNIT_EXPECT_EQ(test, oak_dos_charge(x.in, 30000), 0);
	KUNIT_EXPECT_EQ(test, oak_dos_charge(x.in, 30000), 0);
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_HALF_OPEN_BYTES), 60000);
	oak_dos_uncharge(x.in, 30000);
	oak_dos_uncharge(x.in, 30000);
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_HALF_OPEN_BYTES), 0);
	oak_dos_net_exit(x.in);
}

/* Unloaded (fewer half-open SAs than half-open-cookie), nothing is limited. */
static void dost_test_unloaded(struct kunit *test)
{
	struct oakley_limits l;
	struct dost_ctx x;
	struct oak_addr src;
	u8 cookie[OAK_COOKIE_LEN];
	unsigned int i;

	oakley_ike_limits_default(&l);
	l.half_open_cookie = 1;
	l.init_rate = 1;
	l.init_burst = 1;
	dost_setup(test, &x, &l);
	dost_src(&src, 1);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, oak_dos_check_init(x.in, x.m, &src, cookie), OAK_DOS_PASS);
	KUNIT_EXPECT_EQ(test, dost_stat(&x, OAKLEY_STATS_A_RX_DROP_RATELIMIT), 0);
	oak_dos_net_exit(x.in);
}

static struct kunit_case dost_cases[] = {
	KUNIT_CASE(dost_test_full_table),
	KUNIT_CASE(dost_test_bytes),
	KUNIT_CASE(dost_test_unloaded),
	{}
};

static struct kunit_suite dost_suite = {
	.name = "oakley_dos",
	.test_cases = dost_cases,
};

kunit_test_suite(dost_suite);

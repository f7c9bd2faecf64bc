// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of Oakley's control plane: building connections from netlink
 * attributes (defaults, every rejection and its message), the report/rebuild
 * round trip, names, and LOAD transactions on a private instance (atomicity,
 * replace semantics, object accounting).  No netlink socket is involved.
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "../conn.h"
#include "../core/proto.h"
#include "../core/sa.h"
#include "../ike.h"
#include "../load.h"
#include "../netns.h"
#include "../secret.h"

static const u8 addr_l[4] = { 192, 0, 2, 1 };
static const u8 addr_r[4] = { 198, 51, 100, 7 };

struct ctl_ctx {
	struct oakley_net *on;
	struct sk_buff *skb;
};

static int ctl_init(struct kunit *test)
{
	struct ctl_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->on = kzalloc(sizeof(*ctx->on), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->on);
	KUNIT_ASSERT_EQ(test, oakley_net_setup(ctx->on, &init_net), 0);
	ctx->skb = alloc_skb(65536, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->skb);
	test->priv = ctx;
	return 0;
}

static void ctl_exit(struct kunit *test)
{
	struct ctl_ctx *ctx = test->priv;

	kfree_skb(ctx->skb);
	oakley_net_teardown(ctx->on);
	rcu_barrier();
	/* Every object built by the test is gone: nothing leaked. */
	KUNIT_EXPECT_EQ(test, oakley_stat_read(ctx->on, OAKLEY_STATS_A_OBJECTS), 0);
	kfree(ctx->on);
}

/* ---- message construction ---- */

typedef void (*ctl_fill_fn)(struct sk_buff *skb);

static void put_transform(struct sk_buff *skb, u8 type, u16 id, u16 keylen)
{
	struct nlattr *t = nla_nest_start(skb, OAKLEY_PROPOSAL_A_TRANSFORM);

	nla_put_u8(skb, OAKLEY_TRANSFORM_A_TYPE, type);
	nla_put_u16(skb, OAKLEY_TRANSFORM_A_ID, id);
	if (keylen)
		nla_put_u16(skb, OAKLEY_TRANSFORM_A_KEYLEN, keylen);
	nla_nest_end(skb, t);
}

/* One proposal list of one proposal: @n transforms as (type, id, keylen). */
static void put_proposal(struct sk_buff *skb, int attr, const u16 (*t)[3], int n)
{
	struct nlattr *list = nla_nest_start(skb, attr);
	struct nlattr *prop = nla_nest_start(skb, OAKLEY_PROP_A_PROPOSAL);
	int i;

	for (i = 0; i < n; i++)
		put_transform(skb, t[i][0], t[i][1], t[i][2]);
	nla_nest_end(skb, prop);
	nla_nest_end(skb, list);
}

static void put_ts(struct sk_buff *skb, int attr, const u8 *addr, u8 plen, u16 port)
{
	struct nlattr *list = nla_nest_start(skb, attr);
	struct nlattr *ts = nla_nest_start(skb, OAKLEY_TSLIST_A_TS);

	nla_put_u16(skb, OAKLEY_TS_A_FAMILY, AF_INET);
	nla_put(skb, OAKLEY_TS_A_ADDR, 4, addr);
	nla_put_u8(skb, OAKLEY_TS_A_PREFIXLEN, plen);
	if (port)
		nla_put_u16(skb, OAKLEY_TS_A_PORT, port);
	nla_nest_end(skb, ts);
	nla_nest_end(skb, list);
}

static void put_child(struct sk_buff *skb, const char *name, ctl_fill_fn fill)
{
	struct nlattr *c = nla_nest_start(skb, OAKLEY_CONN_A_CHILD);

	nla_put_string(skb, OAKLEY_CHILD_A_NAME, name);
	if (fill)
		fill(skb);
	nla_nest_end(skb, c);
}

/* A minimal valid connection plus whatever @fill adds; returns the nest. */
static struct nlattr *put_conn(struct sk_buff *skb, const char *name, ctl_fill_fn fill)
{
	struct nlattr *nest = nla_nest_start(skb, OAKLEY_A_CONN);

	nla_put_string(skb, OAKLEY_CONN_A_NAME, name);
	nla_put_u16(skb, OAKLEY_CONN_A_FAMILY, AF_INET);
	nla_put(skb, OAKLEY_CONN_A_LOCAL_ADDR, 4, addr_l);
	nla_put(skb, OAKLEY_CONN_A_REMOTE_ADDR, 4, addr_r);
	nla_put_string(skb, OAKLEY_CONN_A_SECRET, "psk");
	if (fill)
		fill(skb);
	nla_nest_end(skb, nest);
	return nest;
}

static void put_secret(struct sk_buff *skb, const char *name)
{
	struct nlattr *nest = nla_nest_start(skb, OAKLEY_A_SECRET);

	nla_put_string(skb, OAKLEY_SECRET_A_NAME, name);
	nla_put(skb, OAKLEY_SECRET_A_PSK, 20, "0123456789abcdefghij");
	nla_nest_end(skb, nest);
}

/* ---- names ---- */

static void ctl_test_names(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, oakley_name_valid("a"));
	KUNIT_EXPECT_TRUE(test, oakley_name_valid("Site-2_dc.example"));
	KUNIT_EXPECT_TRUE(test, oakley_name_valid("01234567890123456789012345678901"));
	KUNIT_EXPECT_FALSE(test, oakley_name_valid(""));
	KUNIT_EXPECT_FALSE(test, oakley_name_valid("012345678901234567890123456789012"));
	KUNIT_EXPECT_FALSE(test, oakley_name_valid("a b"));
	KUNIT_EXPECT_FALSE(test, oakley_name_valid("a/b"));
	KUNIT_EXPECT_FALSE(test, oakley_name_valid("caf\xc3\xa9"));
}

/* ---- defaults ---- */

static void fill_one_child(struct sk_buff *skb)
{
	put_child(skb, "c", NULL);
}

static void ctl_test_defaults(struct kunit *test)
{
	struct ctl_ctx *ctx = test->priv;
	struct netlink_ext_ack extack = {};
	const struct oakley_child *child;
	struct oakley_conn *conn;
	struct nlattr *nest;

	nest = put_conn(ctx->skb, "d", fill_one_child);
	conn = oakley_conn_build(ctx->on, nest, &extack);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(conn), "%s", extack._msg);
	KUNIT_EXPECT_EQ(test, oakley_stat_read(ctx->on, OAKLEY_STATS_A_OBJECTS), 2);

	KUNIT_EXPECT_EQ(test, conn->version, 2);
	KUNIT_EXPECT_EQ(test, conn->local_port, 500);
	KUNIT_EXPECT_EQ(test, conn->remote_port, 500);
	KUNIT_EXPECT_EQ(test, conn->auth, OAKLEY_AUTH_PSK);
	KUNIT_EXPECT_STREQ(test, conn->secret, "psk");
	KUNIT_EXPECT_EQ(test, conn->exchange, 0);
	KUNIT_EXPECT_EQ(test, conn->start, OAKLEY_START_NONE);
	KUNIT_EXPECT_EQ(test, conn->dpd, 30);
	KUNIT_EXPECT_EQ(test, conn->dpd_action, OAKLEY_DPD_CLEAR);
	KUNIT_EXPECT_EQ(test, conn->ike_rekey, 14400);
	KUNIT_EXPECT_EQ(test, conn->ike_lifetime, 15840);
	KUNIT_EXPECT_EQ(test, conn->reauth, 0);
	KUNIT_EXPECT_EQ(test, conn->jitter, 10);
	KUNIT_EXPECT_EQ(test, conn->local_id->type, OAKLEY_ID_IPV4_ADDR);
	KUNIT_EXPECT_EQ(test, conn->local_id->len, 4);
	KUNIT_EXPECT_EQ(test, memcmp(conn->local_id->data, addr_l, 4), 0);
	KUNIT_EXPECT_EQ(test, conn->remote_id->type, OAKLEY_ID_IPV4_ADDR);
	KUNIT_EXPECT_EQ(test, memcmp(conn->remote_id->data, addr_r, 4), 0);
	/* RFC 8247 set: 2 proposals, AEAD first */
	KUNIT_EXPECT_EQ(test, conn->ike_props->nprops, 2);
	KUNIT_EXPECT_EQ(test, conn->ike_props->t[0].type, OAKLEY_TRANS_ENCR);
	KUNIT_EXPECT_EQ(test, conn->ike_props->t[0].id, IKE_ENCR_AES_GCM_16);
	KUNIT_EXPECT_EQ(test, conn->ike_props->t[0].keylen, 256);

	KUNIT_ASSERT_EQ(test, conn->nchildren, 1);
	child = oakley_conn_child(conn, "c");
	KUNIT_ASSERT_NOT_NULL(test, child);
	KUNIT_EXPECT_EQ(test, child->mode, OAKLEY_MODE_TUNNEL);
	KUNIT_EXPECT_EQ(test, child->start, OAKLEY_START_NONE);
	KUNIT_EXPECT_EQ(test, child->rekey, 3600);
	KUNIT_EXPECT_EQ(test, child->lifetime, 3960);
	KUNIT_EXPECT_EQ(test, child->life_bytes, 0);
	KUNIT_EXPECT_EQ(test, child->local_ts->count, 1);
	KUNIT_EXPECT_EQ(test, child->local_ts->ts[0].prefixlen, 32);
	KUNIT_EXPECT_EQ(test, memcmp(child->local_ts->ts[0].addr, addr_l, 4), 0);
	KUNIT_ASSERT_NOT_NULL(test, child->remote_ts);
	KUNIT_EXPECT_EQ(test, memcmp(child->remote_ts->ts[0].addr, addr_r, 4), 0);
	KUNIT_ASSERT_NOT_NULL(test, child->esp);
	KUNIT_EXPECT_NULL(test, child->ah);
	KUNIT_EXPECT_EQ(test, child->esp->nprops, 2);
	KUNIT_EXPECT_EQ(test, child->esp->count, 3);
	oakley_conn_put(conn);
}

/* ---- rejections ---- */

static void bad_version(struct sk_buff *skb)
{
	nla_put_u8(skb, OAKLEY_CONN_A_VERSION, 3);
}

static void bad_exchange_v2(struct sk_buff *skb)
{
	nla_put_u8(skb, OAKLEY_CONN_A_EXCHANGE, OAKLEY_EXCHANGE_MAIN);
}

static void bad_local_port(struct sk_buff *skb)
{
	nla_put_u16(skb, OAKLEY_CONN_A_LOCAL_PORT, 4500);
}

static void bad_twice(struct sk_buff *skb)
{
	nla_put_u32(skb, OAKLEY_CONN_A_DPD, 1);
	nla_put_u32(skb, OAKLEY_CONN_A_DPD, 2);
}

static void bad_lifetime(struct sk_buff *skb)
{
	nla_put_u32(skb, OAKLEY_CONN_A_IKE_REKEY, 100);
	nla_put_u32(skb, OAKLEY_CONN_A_IKE_LIFETIME, 99);
}

static void bad_pubkey(struct sk_buff *skb)
{
	nla_put_u8(skb, OAKLEY_CONN_A_AUTH, OAKLEY_AUTH_PUBKEY);
}

static void bad_local_any(struct sk_buff *skb)
{
	struct nlattr *id = nla_nest_start(skb, OAKLEY_CONN_A_LOCAL_ID);

	nla_put_u8(skb, OAKLEY_ID_A_TYPE, OAKLEY_ID_ANY);
	nla_nest_end(skb, id);
}

/* One proposal: up to four transforms as (type, id, keylen). */
struct ctl_prop {
	int n;
	u16 t[4][3];
};

static const struct ctl_prop ike_no_dh = { 2, { { 1, 20, 256 }, { 2, 5, 0 } } };
static const struct ctl_prop ike_no_prf = { 2, { { 1, 20, 256 }, { 4, 31, 0 } } };
static const struct ctl_prop ike_no_integ = { 3, { { 1, 12, 128 }, { 2, 5, 0 }, { 4, 31, 0 } } };
static const struct ctl_prop ike_aead_integ = {
	4, { { 1, 20, 128 }, { 2, 5, 0 }, { 3, 12, 0 }, { 4, 31, 0 } }
};

static const struct ctl_prop ike_mixed = {
	4, { { 1, 20, 128 }, { 1, 12, 128 }, { 2, 5, 0 }, { 4, 31, 0 } }
};

static const struct ctl_prop ike_keylen = { 3, { { 1, 20, 192 }, { 2, 5, 0 }, { 4, 31, 0 } } };
static const struct ctl_prop ike_chacha_kl = { 3, { { 1, 28, 256 }, { 2, 5, 0 }, { 4, 31, 0 } } };
static const struct ctl_prop ike_bad_encr = { 3, { { 1, 13, 128 }, { 2, 5, 0 }, { 4, 31, 0 } } };
static const struct ctl_prop ike_bad_prf = { 3, { { 1, 20, 128 }, { 2, 4, 0 }, { 4, 31, 0 } } };
static const struct ctl_prop ike_bad_dh = { 3, { { 1, 20, 128 }, { 2, 5, 0 }, { 4, 22, 0 } } };
/* RFC 8247's MUST NOTs, each refused with its reason; 3DES has no Key Length */
static const struct ctl_prop ike_des = {
	4, { { 1, 2, 0 }, { 3, 2, 0 }, { 2, 2, 0 }, { 4, 14, 0 } }
};

static const struct ctl_prop ike_md5 = {
	4, { { 1, 3, 0 }, { 3, 1, 0 }, { 2, 2, 0 }, { 4, 14, 0 } }
};

static const struct ctl_prop ike_prf_md5 = { 3, { { 1, 20, 128 }, { 2, 1, 0 }, { 4, 31, 0 } } };
static const struct ctl_prop ike_modp768 = { 3, { { 1, 20, 128 }, { 2, 5, 0 }, { 4, 1, 0 } } };
static const struct ctl_prop ike_3des_kl = {
	4, { { 1, 3, 192 }, { 3, 2, 0 }, { 2, 2, 0 }, { 4, 2, 0 } }
};

static const struct ctl_prop ike_esn = {
	4, { { 1, 20, 128 }, { 2, 5, 0 }, { 4, 31, 0 }, { 5, 0, 0 } }
};

static const struct ctl_prop ike_dup = {
	4, { { 1, 20, 128 }, { 2, 5, 0 }, { 4, 31, 0 }, { 4, 31, 0 } }
};

static const struct ctl_prop esp_prf = { 2, { { 1, 20, 128 }, { 2, 5, 0 } } };
static const struct ctl_prop ah_encr = { 1, { { 1, 20, 128 } } };
static const struct ctl_prop ah_integ = { 1, { { 3, 12, 0 } } };

static void child_esp_prf(struct sk_buff *skb)
{
	put_proposal(skb, OAKLEY_CHILD_A_ESP_PROPOSALS, esp_prf.t, esp_prf.n);
}

static void child_ah_encr(struct sk_buff *skb)
{
	put_proposal(skb, OAKLEY_CHILD_A_AH_PROPOSALS, ah_encr.t, ah_encr.n);
}

static void conn_v1(struct sk_buff *skb)
{
	nla_put_u8(skb, OAKLEY_CONN_A_VERSION, 1);
}

static void child_ah(struct sk_buff *skb)
{
	put_proposal(skb, OAKLEY_CHILD_A_AH_PROPOSALS, ah_integ.t, ah_integ.n);
}

static void child_host_bits(struct sk_buff *skb)
{
	static const u8 a[4] = { 10, 1, 0, 1 };

	put_ts(skb, OAKLEY_CHILD_A_LOCAL_TS, a, 16, 0);
}

static void child_port_no_proto(struct sk_buff *skb)
{
	static const u8 a[4] = { 10, 0, 0, 0 };

	put_ts(skb, OAKLEY_CHILD_A_LOCAL_TS, a, 8, 80);
}

static void child_lifetime(struct sk_buff *skb)
{
	nla_put_u32(skb, OAKLEY_CHILD_A_REKEY, 100);
	nla_put_u32(skb, OAKLEY_CHILD_A_LIFETIME, 50);
}

static void bad_dup_child(struct sk_buff *skb)
{
	put_child(skb, "c", NULL);
	put_child(skb, "c", NULL);
}

static void bad_child_name(struct sk_buff *skb)
{
	put_child(skb, "c/d", NULL);
}

struct ctl_bad_case {
	const char *desc;
	const char *name;
	ctl_fill_fn fill;		/* connection attributes */
	int err;
	const char *msg;
	const struct ctl_prop *ike;	/* one IKE proposal */
	ctl_fill_fn child;		/* attributes of child "c" */
};

static const struct ctl_bad_case ctl_bad_cases[] = {
	{ "name", "bad name", NULL, -EINVAL,
	  "invalid connection name (want [A-Za-z0-9_.-]{1,32})" },
	{ "version", "n", bad_version, -ERANGE, "integer out of range" },
	{ "exchange", "n", bad_exchange_v2, -EINVAL, "exchange applies to IKEv1 only" },
	{ "local port", "n", bad_local_port, -EOPNOTSUPP,
	  "local port must be 500: Oakley listens on UDP 500 only" },
	{ "twice", "n", bad_twice, -EINVAL, "attribute given twice" },
	{ "lifetime", "n", bad_lifetime, -EINVAL, "ike-lifetime is shorter than ike-rekey" },
	{ "pubkey", "n", bad_pubkey, -EINVAL, "secret applies to psk authentication only" },
	{ "local any", "n", bad_local_any, -EINVAL,
	  "identity type ANY is for the remote side only" },
	{ "no dh", "n", NULL, -EINVAL, "IKE proposal lacks a Diffie-Hellman group",
	  .ike = &ike_no_dh },
	{ "no prf", "n", NULL, -EINVAL, "IKE proposal lacks a PRF", .ike = &ike_no_prf },
	{ "no integ", "n", NULL, -EINVAL, "proposal lacks an integrity algorithm",
	  .ike = &ike_no_integ },
	{ "aead integ", "n", NULL, -EINVAL, "AEAD proposal must not have an integrity algorithm",
	  .ike = &ike_aead_integ },
	{ "mixed", "n", NULL, -EINVAL, "proposal mixes AEAD and non-AEAD ciphers",
	  .ike = &ike_mixed },
	{ "keylen", "n", NULL, -EINVAL, "AES key length must be 128 or 256", .ike = &ike_keylen },
	{ "chacha keylen", "n", NULL, -EINVAL, "ChaCha20-Poly1305 takes no key length",
	  .ike = &ike_chacha_kl },
	{ "encr", "n", NULL, -EINVAL, "unsupported encryption algorithm", .ike = &ike_bad_encr },
	{ "prf", "n", NULL, -EINVAL, "unsupported PRF", .ike = &ike_bad_prf },
	{ "dh", "n", NULL, -EINVAL, "unsupported Diffie-Hellman group", .ike = &ike_bad_dh },
	{ "des", "n", NULL, -EINVAL, "DES is refused: broken (RFC 8247)", .ike = &ike_des },
	{ "md5", "n", NULL, -EINVAL, "HMAC-MD5-96 is refused: broken (RFC 8247)",
	  .ike = &ike_md5 },
	{ "prf md5", "n", NULL, -EINVAL, "HMAC-MD5 is refused: broken (RFC 8247)",
	  .ike = &ike_prf_md5 },
	{ "modp768", "n", NULL, -EINVAL, "MODP-768 is refused: broken (RFC 8247)",
	  .ike = &ike_modp768 },
	{ "3des keylen", "n", NULL, -EINVAL, "3DES takes no key length", .ike = &ike_3des_kl },
	{ "ike esn", "n", NULL, -EINVAL, "ESN transforms do not belong in IKE proposals",
	  .ike = &ike_esn },
	{ "dup transform", "n", NULL, -EINVAL, "duplicate transform in proposal", .ike = &ike_dup },
	{ "esp prf", "n", NULL, -EINVAL, "PRF transforms belong in IKE proposals only",
	  .child = child_esp_prf },
	{ "ah encr", "n", NULL, -EINVAL, "AH proposals take no encryption algorithm",
	  .child = child_ah_encr },
	{ "host bits", "n", NULL, -EINVAL,
	  "traffic selector address has bits set beyond its prefix", .child = child_host_bits },
	{ "port", "n", NULL, -EINVAL, "traffic selector port requires a protocol",
	  .child = child_port_no_proto },
	{ "child life", "n", NULL, -EINVAL, "child lifetime is shorter than its rekey interval",
	  .child = child_lifetime },
	{ "ah v1", "n", conn_v1, -EOPNOTSUPP, "AH is not implemented for IKEv1 yet",
	  .child = child_ah },
	{ "dup child", "n", bad_dup_child, -EINVAL, "duplicate child name" },
	{ "child name", "n", bad_child_name, -EINVAL,
	  "invalid child name (want [A-Za-z0-9_.-]{1,32})" },
};

static struct nlattr *put_bad_conn(struct sk_buff *skb, const struct ctl_bad_case *c)
{
	struct nlattr *nest = nla_nest_start(skb, OAKLEY_A_CONN);

	nla_put_string(skb, OAKLEY_CONN_A_NAME, c->name);
	nla_put_u16(skb, OAKLEY_CONN_A_FAMILY, AF_INET);
	nla_put(skb, OAKLEY_CONN_A_LOCAL_ADDR, 4, addr_l);
	nla_put(skb, OAKLEY_CONN_A_REMOTE_ADDR, 4, addr_r);
	nla_put_string(skb, OAKLEY_CONN_A_SECRET, "psk");
	if (c->fill)
		c->fill(skb);
	if (c->ike)
		put_proposal(skb, OAKLEY_CONN_A_IKE_PROPOSALS, c->ike->t, c->ike->n);
	if (c->child)
		put_child(skb, "c", c->child);
	nla_nest_end(skb, nest);
	return nest;
}

static void ctl_bad_desc(const struct ctl_bad_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ctl_bad, ctl_bad_cases, ctl_bad_desc);

static void ctl_test_reject(struct kunit *test)
{
	const struct ctl_bad_case *c = test->param_value;
	struct ctl_ctx *ctx = test->priv;
	struct netlink_ext_ack extack = {};
	struct oakley_conn *conn;
	struct nlattr *nest;

	nest = put_bad_conn(ctx->skb, c);
	conn = oakley_conn_build(ctx->on, nest, &extack);
	KUNIT_ASSERT_TRUE(test, IS_ERR(conn));
	KUNIT_EXPECT_EQ(test, PTR_ERR(conn), c->err);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_STREQ(test, extack._msg, c->msg);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, oakley_stat_read(ctx->on, OAKLEY_STATS_A_OBJECTS), 0);
}

/* ---- report and rebuild ---- */

static const u16 esp_full[][3] = { { 1, 12, 256 }, { 3, 14, 0 }, { 4, 19, 0 }, { 5, 1, 0 } };

static void child_full(struct sk_buff *skb)
{
	static const u8 a[4] = { 10, 1, 0, 0 };

	put_ts(skb, OAKLEY_CHILD_A_LOCAL_TS, a, 16, 0);
	put_proposal(skb, OAKLEY_CHILD_A_ESP_PROPOSALS, esp_full, ARRAY_SIZE(esp_full));
	nla_put_u8(skb, OAKLEY_CHILD_A_MODE, OAKLEY_MODE_TRANSPORT);
	nla_put_u64_64bit(skb, OAKLEY_CHILD_A_LIFE_BYTES, 1 << 30, OAKLEY_CHILD_A_PAD);
}

static void fill_full(struct sk_buff *skb)
{
	struct nlattr *id = nla_nest_start(skb, OAKLEY_CONN_A_REMOTE_ID);

	nla_put_u8(skb, OAKLEY_ID_A_TYPE, OAKLEY_ID_FQDN);
	nla_put(skb, OAKLEY_ID_A_DATA, 14, "dc.example.org");
	nla_nest_end(skb, id);
	nla_put_u8(skb, OAKLEY_CONN_A_VERSION, 2);
	nla_put_u8(skb, OAKLEY_CONN_A_START, OAKLEY_START_TRAP);
	nla_put_u32(skb, OAKLEY_CONN_A_REAUTH, 7200);
	put_child(skb, "x", child_full);
	put_child(skb, "y", NULL);
}

/*
 * Build connection @name from @fill into *a, report it and build *b from the
 * report; they must be equal.
 */
static void ctl_build_twice(struct kunit *test, const char *name, ctl_fill_fn fill,
			    struct oakley_conn **a, struct oakley_conn **b)
{
	struct ctl_ctx *ctx = test->priv;
	struct netlink_ext_ack extack = {};
	struct sk_buff *out;
	struct nlattr *nest;

	nest = put_conn(ctx->skb, name, fill);
	*a = oakley_conn_build(ctx->on, nest, &extack);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(*a), "%s", extack._msg);
	out = alloc_skb(oakley_conn_msg_size(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_EQ(test, oakley_conn_fill(out, OAKLEY_A_CONN, *a), 0);
	*b = oakley_conn_build(ctx->on, (struct nlattr *)out->data, &extack);
	kfree_skb(out);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(*b), "%s", extack._msg);
	KUNIT_EXPECT_TRUE(test, oakley_conn_equal(*a, *b));
}

static void ctl_test_roundtrip(struct kunit *test)
{
	struct oakley_conn *a, *b;

	ctl_build_twice(test, "rt", fill_full, &a, &b);
	KUNIT_EXPECT_EQ(test, a->start, OAKLEY_START_TRAP);
	KUNIT_EXPECT_EQ(test, b->nchildren, 2);
	KUNIT_EXPECT_EQ(test, b->children[0]->mode, OAKLEY_MODE_TRANSPORT);
	KUNIT_EXPECT_EQ(test, b->children[0]->life_bytes, 1ULL << 30);
	/* a single difference is seen */
	b->children[1]->rekey++;
	KUNIT_EXPECT_FALSE(test, oakley_conn_equal(a, b));
	oakley_conn_put(a);
	oakley_conn_put(b);
}

/* 3des-sha1-prfsha1-modp1024 + modp1536, esp 3des-sha1, sha256-96: built and reported back. */
static const u16 ike_legacy[][3] = { { 1, 3, 0 }, { 3, 2, 0 }, { 2, 2, 0 }, { 4, 2, 0 },
				     { 4, 5, 0 } };
static const u16 esp_legacy[][3] = { { 1, 3, 0 }, { 3, 2, 0 } };

static void child_legacy(struct sk_buff *skb)
{
	put_proposal(skb, OAKLEY_CHILD_A_ESP_PROPOSALS, esp_legacy, ARRAY_SIZE(esp_legacy));
}

static void fill_legacy(struct sk_buff *skb)
{
	put_proposal(skb, OAKLEY_CONN_A_IKE_PROPOSALS, ike_legacy, ARRAY_SIZE(ike_legacy));
	nla_put_u8(skb, OAKLEY_CONN_A_SHA256_96, 1);
	put_child(skb, "old", child_legacy);
}

static void ctl_test_legacy(struct kunit *test)
{
	struct oakley_conn *a, *b;

	ctl_build_twice(test, "legacy", fill_legacy, &a, &b);
	KUNIT_EXPECT_EQ(test, a->sha256_96, 1);
	KUNIT_EXPECT_EQ(test, a->ike_props->count, 5U);
	KUNIT_EXPECT_EQ(test, a->ike_props->t[0].id, IKE_ENCR_3DES);
	KUNIT_EXPECT_EQ(test, a->ike_props->t[4].id, IKE_DH_MODP1536);
	b->sha256_96 = 0;	/* the flag alone makes a difference */
	KUNIT_EXPECT_FALSE(test, oakley_conn_equal(a, b));
	oakley_conn_put(a);
	oakley_conn_put(b);
}

/* ---- LOAD transactions ---- */

static int ctl_load(struct ctl_ctx *ctx, bool replace, struct netlink_ext_ack *extack)
{
	return oakley_load(ctx->on, (struct nlattr *)ctx->skb->data, ctx->skb->len, replace,
			   extack);
}

static void fill_dpd10(struct sk_buff *skb)
{
	nla_put_u32(skb, OAKLEY_CONN_A_DPD, 10);
}

static void ctl_test_load(struct kunit *test)
{
	struct ctl_ctx *ctx = test->priv;
	struct netlink_ext_ack extack = {};
	struct oakley_conn *first;

	/* a missing secret fails the whole request */
	put_conn(ctx->skb, "a", NULL);
	KUNIT_EXPECT_EQ(test, ctl_load(ctx, false, &extack), -EINVAL);
	KUNIT_EXPECT_STREQ(test, extack._msg,
			   "secret not found (neither in the request nor installed)");
	KUNIT_EXPECT_NULL(test, oakley_conn_lookup(ctx->on, "a"));

	/* good request */
	skb_trim(ctx->skb, 0);
	put_secret(ctx->skb, "psk");
	put_conn(ctx->skb, "a", fill_one_child);
	put_conn(ctx->skb, "b", NULL);
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, false, &extack), 0);
	first = oakley_conn_lookup(ctx->on, "a");
	KUNIT_ASSERT_NOT_NULL(test, first);
	KUNIT_EXPECT_EQ(test, ctx->on->nconns, 2);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, oakley_stat_read(ctx->on, OAKLEY_STATS_A_OBJECTS), 4);

	/* identical reload keeps the object */
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, false, &extack), 0);
	KUNIT_EXPECT_PTR_EQ(test, oakley_conn_lookup(ctx->on, "a"), first);

	/* an error anywhere changes nothing */
	skb_trim(ctx->skb, 0);
	put_conn(ctx->skb, "a", fill_dpd10);
	put_conn(ctx->skb, "c", bad_version);
	KUNIT_EXPECT_EQ(test, ctl_load(ctx, false, &extack), -ERANGE);
	KUNIT_EXPECT_PTR_EQ(test, oakley_conn_lookup(ctx->on, "a"), first);
	KUNIT_EXPECT_NULL(test, oakley_conn_lookup(ctx->on, "c"));

	/* a change replaces the object; the installed secret satisfies it */
	skb_trim(ctx->skb, 0);
	put_conn(ctx->skb, "a", fill_dpd10);
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, false, &extack), 0);
	KUNIT_EXPECT_PTR_NE(test, oakley_conn_lookup(ctx->on, "a"), first);
	KUNIT_EXPECT_EQ(test, oakley_conn_lookup(ctx->on, "a")->dpd, 10);
	KUNIT_EXPECT_NOT_NULL(test, oakley_conn_lookup(ctx->on, "b"));

	/* replace: without its secret in the request, the conn is refused */
	KUNIT_EXPECT_EQ(test, ctl_load(ctx, true, &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, oakley_conn_lookup(ctx->on, "b"));

	/* replace: the configuration becomes exactly the request */
	put_secret(ctx->skb, "psk");
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, true, &extack), 0);
	KUNIT_EXPECT_NULL(test, oakley_conn_lookup(ctx->on, "b"));
	KUNIT_EXPECT_EQ(test, ctx->on->nconns, 1);
	KUNIT_EXPECT_EQ(test, ctx->on->nsecrets, 1);

	/* the secret is in use; then everything goes */
	KUNIT_EXPECT_EQ(test, oakley_secret_delete(ctx->on, "psk", &extack), -EBUSY);
	KUNIT_EXPECT_EQ(test, oakley_conn_delete(ctx->on, "a", &extack), 0);
	KUNIT_EXPECT_EQ(test, oakley_secret_delete(ctx->on, "psk", &extack), 0);
	KUNIT_EXPECT_EQ(test, oakley_conn_delete(ctx->on, "a", &extack), -ENOENT);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, oakley_stat_read(ctx->on, OAKLEY_STATS_A_OBJECTS), 0);
}

/* ---- issue 14: what an instance makes, and when ---- */

static void put_limits(struct sk_buff *skb, u32 half_open_max)
{
	struct nlattr *nest = nla_nest_start(skb, OAKLEY_A_LIMITS);

	nla_put_u32(skb, OAKLEY_LIMITS_A_HALF_OPEN_MAX, half_open_max);
	nla_nest_end(skb, nest);
}

static bool ctl_has(struct oakley_net *on, bool engine)
{
	return engine ? !!rcu_access_pointer(on->ike) : !!rcu_access_pointer(on->names);
}

/* With no engine, up, down and rekey refuse, and make none. */
static void ctl_lazy_no_engine(struct kunit *test, struct oakley_net *on,
			       struct oakley_conn *conn)
{
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, oakley_ike_initiate(on, conn, NULL, &extack), -ENODEV);
	KUNIT_EXPECT_EQ(test, oakley_ike_terminate(on, conn, NULL, &extack), -ENODEV);
	KUNIT_EXPECT_EQ(test, oakley_ike_rekey(on, conn, NULL, &extack), -ENODEV);
	KUNIT_EXPECT_FALSE(test, ctl_has(on, true));
}

/*
 * An unconfigured instance has neither name tables nor an engine; a LOAD
 * makes what it needs (a secret: the tables; a connection: the engine),
 * the last connection takes the engine along (and it is freed: it had no
 * IKE SA), the last secret the tables.  The limits stay with the instance.
 */
static void ctl_test_lazy(struct kunit *test)
{
	struct ctl_ctx *ctx = test->priv;
	struct netlink_ext_ack extack = {};
	struct oakley_net *on = ctx->on;
	int engines = oakley_ike_engines();
	struct oakley_conn *conn;

	KUNIT_EXPECT_FALSE(test, ctl_has(on, false));
	KUNIT_EXPECT_FALSE(test, ctl_has(on, true));
	KUNIT_EXPECT_NULL(test, oakley_conn_find(on, "a"));

	put_limits(ctx->skb, 77);
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, false, &extack), 0);
	KUNIT_EXPECT_FALSE(test, ctl_has(on, false));
	KUNIT_EXPECT_EQ(test, on->limits.half_open_max, 77);

	skb_trim(ctx->skb, 0);
	put_secret(ctx->skb, "psk");
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, false, &extack), 0);
	KUNIT_EXPECT_TRUE(test, ctl_has(on, false));
	KUNIT_EXPECT_FALSE(test, ctl_has(on, true));

	skb_trim(ctx->skb, 0);
	put_conn(ctx->skb, "a", NULL);
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, false, &extack), 0);
	KUNIT_EXPECT_TRUE(test, ctl_has(on, true));
	KUNIT_EXPECT_EQ(test, oakley_ike_engines(), engines + 1);
	conn = oakley_conn_find(on, "a");
	KUNIT_ASSERT_NOT_NULL(test, conn);
	KUNIT_EXPECT_EQ(test, oakley_ike_terminate(on, conn, NULL, &extack), -ENOENT);

	KUNIT_EXPECT_EQ(test, oakley_conn_delete(on, "a", &extack), 0);
	KUNIT_EXPECT_FALSE(test, ctl_has(on, true));
	KUNIT_EXPECT_EQ(test, oakley_ike_engines(), engines);
	KUNIT_EXPECT_EQ(test, atomic_read(&on->engines), 0);
	ctl_lazy_no_engine(test, on, conn);
	oakley_conn_put(conn);
	KUNIT_EXPECT_TRUE(test, ctl_has(on, false));
	KUNIT_EXPECT_EQ(test, on->limits.half_open_max, 77);

	/* a LOAD that fails makes nothing */
	KUNIT_EXPECT_EQ(test, oakley_secret_delete(on, "psk", &extack), 0);
	KUNIT_EXPECT_FALSE(test, ctl_has(on, false));
	skb_trim(ctx->skb, 0);
	put_conn(ctx->skb, "b", NULL);
	KUNIT_EXPECT_EQ(test, ctl_load(ctx, false, &extack), -EINVAL);
	KUNIT_EXPECT_FALSE(test, ctl_has(on, false));
	KUNIT_EXPECT_FALSE(test, ctl_has(on, true));

	/* replace with nothing lets everything go at once */
	put_secret(ctx->skb, "psk");
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, false, &extack), 0);
	KUNIT_EXPECT_TRUE(test, ctl_has(on, true));
	skb_trim(ctx->skb, 0);
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, true, &extack), 0);
	KUNIT_EXPECT_FALSE(test, ctl_has(on, false));
	KUNIT_EXPECT_FALSE(test, ctl_has(on, true));
	KUNIT_EXPECT_EQ(test, oakley_ike_engines(), engines);
}

/* An IKE SA of @conn in @on's engine, with one reference more for the caller. */
static struct oak_ike_sa *ctl_sa_new(struct kunit *test, struct oakley_net *on,
				     struct oakley_conn *conn)
{
	struct oak_ike_net *in = oak_ike_net_get(on);
	struct oak_ike_sa *sa;

	KUNIT_ASSERT_NOT_NULL(test, in);
	mutex_lock(&in->lock);
	sa = oak_sa_new(in, oak_proto_by_version(2), conn, true);
	if (sa && oak_sa_hash(sa)) {
		oak_sa_kill(sa);
		sa = NULL;
	}
	if (sa)
		kref_get(&sa->ref);	/* as a running timer or DH job holds one */
	mutex_unlock(&in->lock);
	oak_ike_net_put(in);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	return sa;
}

/*
 * The engine outlives its stop while an IKE SA is referenced (a timer, a
 * DH job): stopped (no longer the namespace's, its SA dead), freed by the
 * SA's last put.  A LOAD meanwhile makes a second engine (the stopped one
 * closed its sockets and left the key manager's registry before).
 */
static void ctl_test_lazy_held(struct kunit *test)
{
	struct ctl_ctx *ctx = test->priv;
	struct netlink_ext_ack extack = {};
	struct oakley_net *on = ctx->on;
	int engines = oakley_ike_engines();
	struct oakley_conn *conn;
	struct oak_ike_sa *sa;

	put_secret(ctx->skb, "psk");
	put_conn(ctx->skb, "a", NULL);
	KUNIT_ASSERT_EQ(test, ctl_load(ctx, false, &extack), 0);
	conn = oakley_conn_find(on, "a");
	KUNIT_ASSERT_NOT_NULL(test, conn);
	sa = ctl_sa_new(test, on, conn);
	oakley_conn_put(conn);

	KUNIT_EXPECT_EQ(test, oakley_conn_delete(on, "a", &extack), 0);
	KUNIT_EXPECT_FALSE(test, ctl_has(on, true));
	KUNIT_EXPECT_TRUE(test, sa->dead);
	KUNIT_EXPECT_TRUE(test, sa->in->dying);
	KUNIT_EXPECT_EQ(test, atomic_read(&on->engines), 1);
	KUNIT_EXPECT_EQ(test, oakley_ike_engines(), engines + 1);

	KUNIT_ASSERT_EQ(test, ctl_load(ctx, false, &extack), 0);
	KUNIT_EXPECT_TRUE(test, ctl_has(on, true));
	KUNIT_EXPECT_PTR_NE(test, rcu_access_pointer(on->ike), sa->in);
	KUNIT_EXPECT_EQ(test, atomic_read(&on->engines), 2);

	oak_sa_put(sa);		/* the old engine's last reference */
	KUNIT_EXPECT_EQ(test, atomic_read(&on->engines), 1);
	KUNIT_EXPECT_EQ(test, oakley_ike_engines(), engines + 1);
	KUNIT_EXPECT_EQ(test, oakley_conn_delete(on, "a", &extack), 0);
	KUNIT_EXPECT_EQ(test, oakley_ike_engines(), engines);
}

static struct kunit_case oakley_control_cases[] = {
	KUNIT_CASE(ctl_test_names),
	KUNIT_CASE(ctl_test_defaults),
	KUNIT_CASE_PARAM(ctl_test_reject, ctl_bad_gen_params),
	KUNIT_CASE(ctl_test_roundtrip),
	KUNIT_CASE(ctl_test_legacy),
	KUNIT_CASE(ctl_test_load),
	KUNIT_CASE(ctl_test_lazy),
	KUNIT_CASE(ctl_test_lazy_held),
	{}
};

static struct kunit_suite oakley_control_suite = {
	.name = "oakley_control",
	.init = ctl_init,
	.exit = ctl_exit,
	.test_cases = oakley_control_cases,
};

kunit_test_suites(&oakley_control_suite);

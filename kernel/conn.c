// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: building, checking, comparing and reporting connections.
 *
 * A connection is built from one OAKLEY_A_CONN nest, checked strictly, and
 * completed with the defaults of the configuration contract, so that what is
 * stored is exactly what a dump reports and what a reload of that dump builds.
 */

#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "conn.h"
#include "netns.h"
#include "nlparse.h"

/* Largest serialised connection: every dump must be able to carry it. */
#define OAKLEY_CONN_MSG_MAX	60000

static const struct nla_policy oakley_id_policy[OAKLEY_ID_A_MAX + 1] = {
	[OAKLEY_ID_A_TYPE]	= { .type = NLA_U8 },
	[OAKLEY_ID_A_DATA]	= NLA_POLICY_RANGE(NLA_BINARY, 1, OAKLEY_ID_MAX),
};

static const struct nla_policy oakley_transform_policy[OAKLEY_TRANSFORM_A_MAX + 1] = {
	[OAKLEY_TRANSFORM_A_TYPE]	= NLA_POLICY_RANGE(NLA_U8, OAKLEY_TRANS_ENCR,
							   OAKLEY_TRANS_ESN),
	[OAKLEY_TRANSFORM_A_ID]		= { .type = NLA_U16 },
	[OAKLEY_TRANSFORM_A_KEYLEN]	= { .type = NLA_U16 },
};

static const struct nla_policy oakley_proposal_policy[OAKLEY_PROPOSAL_A_MAX + 1] = {
	[OAKLEY_PROPOSAL_A_TRANSFORM]	= NLA_POLICY_NESTED(oakley_transform_policy),
};

static const struct nla_policy oakley_proposals_policy[OAKLEY_PROP_A_MAX + 1] = {
	[OAKLEY_PROP_A_PROPOSAL]	= NLA_POLICY_NESTED(oakley_proposal_policy),
};

/* Attributes of the SA dump's selectors that a configuration cannot have. */
#define OAKLEY_TS_DUMP_ONLY(msg) \
	{ .type = NLA_REJECT, .reject_message = "only in SA dumps, not implemented in LOAD: " msg }

static const struct nla_policy oakley_ts_policy[OAKLEY_TS_A_MAX + 1] = {
	[OAKLEY_TS_A_FAMILY]		= { .type = NLA_U16 },
	[OAKLEY_TS_A_ADDR]		= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[OAKLEY_TS_A_PREFIXLEN]		= NLA_POLICY_MAX(NLA_U8, 128),
	[OAKLEY_TS_A_PROTO]		= { .type = NLA_U8 },
	[OAKLEY_TS_A_PORT]		= { .type = NLA_U16 },
	[OAKLEY_TS_A_END_ADDR]		= OAKLEY_TS_DUMP_ONLY("address ranges: use a prefix"),
	[OAKLEY_TS_A_START_PORT]	= OAKLEY_TS_DUMP_ONLY("port ranges: use one port"),
	[OAKLEY_TS_A_END_PORT]		= OAKLEY_TS_DUMP_ONLY("port ranges: use one port"),
};

static const struct nla_policy oakley_tslist_policy[OAKLEY_TSLIST_A_MAX + 1] = {
	[OAKLEY_TSLIST_A_TS]		= NLA_POLICY_NESTED(oakley_ts_policy),
};

static const struct nla_policy oakley_child_policy[OAKLEY_CHILD_A_MAX + 1] = {
	[OAKLEY_CHILD_A_NAME]		= { .type = NLA_NUL_STRING, .len = OAKLEY_NAME_MAX },
	[OAKLEY_CHILD_A_LOCAL_TS]	= NLA_POLICY_NESTED(oakley_tslist_policy),
	[OAKLEY_CHILD_A_REMOTE_TS]	= NLA_POLICY_NESTED(oakley_tslist_policy),
	[OAKLEY_CHILD_A_ESP_PROPOSALS]	= NLA_POLICY_NESTED(oakley_proposals_policy),
	[OAKLEY_CHILD_A_AH_PROPOSALS]	= NLA_POLICY_NESTED(oakley_proposals_policy),
	[OAKLEY_CHILD_A_MODE]		= NLA_POLICY_RANGE(NLA_U8, OAKLEY_MODE_TUNNEL,
							   OAKLEY_MODE_TRANSPORT),
	[OAKLEY_CHILD_A_START]		= NLA_POLICY_RANGE(NLA_U8, OAKLEY_START_NONE,
							   OAKLEY_START_TRAP),
	[OAKLEY_CHILD_A_REKEY]		= { .type = NLA_U32 },
	[OAKLEY_CHILD_A_LIFETIME]	= { .type = NLA_U32 },
	[OAKLEY_CHILD_A_REKEY_BYTES]	= { .type = NLA_U64 },
	[OAKLEY_CHILD_A_LIFE_BYTES]	= { .type = NLA_U64 },
	[OAKLEY_CHILD_A_REKEY_PACKETS]	= { .type = NLA_U64 },
	[OAKLEY_CHILD_A_LIFE_PACKETS]	= { .type = NLA_U64 },
	/* alignment padding of the u64s on some architectures: ignored */
	[OAKLEY_CHILD_A_PAD]		= { .type = NLA_BINARY },
};

const struct nla_policy oakley_conn_policy[OAKLEY_CONN_A_MAX + 1] = {
	[OAKLEY_CONN_A_NAME]		= { .type = NLA_NUL_STRING, .len = OAKLEY_NAME_MAX },
	[OAKLEY_CONN_A_VERSION]		= NLA_POLICY_RANGE(NLA_U8, 1, 2),
	[OAKLEY_CONN_A_FAMILY]		= { .type = NLA_U16 },
	[OAKLEY_CONN_A_LOCAL_ADDR]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[OAKLEY_CONN_A_LOCAL_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[OAKLEY_CONN_A_REMOTE_ADDR]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[OAKLEY_CONN_A_REMOTE_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[OAKLEY_CONN_A_LOCAL_ID]	= NLA_POLICY_NESTED(oakley_id_policy),
	[OAKLEY_CONN_A_REMOTE_ID]	= NLA_POLICY_NESTED(oakley_id_policy),
	[OAKLEY_CONN_A_AUTH]		= NLA_POLICY_RANGE(NLA_U8, OAKLEY_AUTH_PSK,
							   OAKLEY_AUTH_PUBKEY),
	[OAKLEY_CONN_A_SECRET]		= { .type = NLA_NUL_STRING, .len = OAKLEY_NAME_MAX },
	[OAKLEY_CONN_A_IKE_PROPOSALS]	= NLA_POLICY_NESTED(oakley_proposals_policy),
	[OAKLEY_CONN_A_EXCHANGE]	= NLA_POLICY_RANGE(NLA_U8, OAKLEY_EXCHANGE_MAIN,
							   OAKLEY_EXCHANGE_AGGRESSIVE),
	[OAKLEY_CONN_A_START]		= NLA_POLICY_RANGE(NLA_U8, OAKLEY_START_NONE,
							   OAKLEY_START_TRAP),
	[OAKLEY_CONN_A_DPD]		= { .type = NLA_U32 },
	[OAKLEY_CONN_A_DPD_ACTION]	= NLA_POLICY_RANGE(NLA_U8, OAKLEY_DPD_CLEAR,
							   OAKLEY_DPD_TRAP),
	[OAKLEY_CONN_A_IKE_REKEY]	= { .type = NLA_U32 },
	[OAKLEY_CONN_A_IKE_LIFETIME]	= { .type = NLA_U32 },
	[OAKLEY_CONN_A_REAUTH]		= { .type = NLA_U32 },
	[OAKLEY_CONN_A_JITTER]		= NLA_POLICY_MAX(NLA_U8, 100),
	[OAKLEY_CONN_A_CHILD]		= NLA_POLICY_NESTED(oakley_child_policy),
	[OAKLEY_CONN_A_SHA256_96]	= NLA_POLICY_MAX(NLA_U8, 1),
	[OAKLEY_CONN_A_REMOTE_AUTH]	= NLA_POLICY_RANGE(NLA_U8, OAKLEY_AUTH_PSK,
							   OAKLEY_AUTH_PUBKEY),
	[OAKLEY_CONN_A_KEY]		= { .type = NLA_NUL_STRING, .len = OAKLEY_NAME_MAX },
	[OAKLEY_CONN_A_CERT]		= NLA_POLICY_RANGE(NLA_BINARY, 1, 16384),
	[OAKLEY_CONN_A_CA]		= NLA_POLICY_RANGE(NLA_BINARY, 1, 16384),
	[OAKLEY_CONN_A_CRL]		= NLA_POLICY_RANGE(NLA_BINARY, 1, 65000),
	[OAKLEY_CONN_A_ENCAP]		= NLA_POLICY_MAX(NLA_U8, 1),
	[OAKLEY_CONN_A_NAT_KEEPALIVE]	= { .type = NLA_U32 },
};

/*
 * Default IKE proposals, RFC 8247's recommended algorithms: an AEAD proposal
 * (AES-GCM-16 256/128) and a classic one (AES-CBC 256/128 with HMAC-SHA2),
 * each with PRF HMAC-SHA2-256/384/512 and DH groups Curve25519, ECP-256,
 * MODP-2048.  The same list as oak's (userspace/config.h, OAK_DEFAULT_IKE;
 * nl_policy's default_proposals_match_oak compares them).
 */
static const struct oakley_transform oakley_default_ike[] = {
	{ .prop = 0, .type = OAKLEY_TRANS_ENCR, .id = IKE_ENCR_AES_GCM_16, .keylen = 256 },
	{ .prop = 0, .type = OAKLEY_TRANS_ENCR, .id = IKE_ENCR_AES_GCM_16, .keylen = 128 },
	{ .prop = 0, .type = OAKLEY_TRANS_PRF, .id = IKE_PRF_HMAC_SHA2_256, .keylen = 0 },
	{ .prop = 0, .type = OAKLEY_TRANS_PRF, .id = IKE_PRF_HMAC_SHA2_384, .keylen = 0 },
	{ .prop = 0, .type = OAKLEY_TRANS_PRF, .id = IKE_PRF_HMAC_SHA2_512, .keylen = 0 },
	{ .prop = 0, .type = OAKLEY_TRANS_DH, .id = IKE_DH_CURVE25519, .keylen = 0 },
	{ .prop = 0, .type = OAKLEY_TRANS_DH, .id = IKE_DH_ECP256, .keylen = 0 },
	{ .prop = 0, .type = OAKLEY_TRANS_DH, .id = IKE_DH_MODP2048, .keylen = 0 },
	{ .prop = 1, .type = OAKLEY_TRANS_ENCR, .id = IKE_ENCR_AES_CBC, .keylen = 256 },
	{ .prop = 1, .type = OAKLEY_TRANS_ENCR, .id = IKE_ENCR_AES_CBC, .keylen = 128 },
	{ .prop = 1, .type = OAKLEY_TRANS_INTEG, .id = IKE_INTEG_HMAC_SHA2_256_128, .keylen = 0 },
	{ .prop = 1, .type = OAKLEY_TRANS_INTEG, .id = IKE_INTEG_HMAC_SHA2_384_192, .keylen = 0 },
	{ .prop = 1, .type = OAKLEY_TRANS_INTEG, .id = IKE_INTEG_HMAC_SHA2_512_256, .keylen = 0 },
	{ .prop = 1, .type = OAKLEY_TRANS_PRF, .id = IKE_PRF_HMAC_SHA2_256, .keylen = 0 },
	{ .prop = 1, .type = OAKLEY_TRANS_PRF, .id = IKE_PRF_HMAC_SHA2_384, .keylen = 0 },
	{ .prop = 1, .type = OAKLEY_TRANS_PRF, .id = IKE_PRF_HMAC_SHA2_512, .keylen = 0 },
	{ .prop = 1, .type = OAKLEY_TRANS_DH, .id = IKE_DH_CURVE25519, .keylen = 0 },
	{ .prop = 1, .type = OAKLEY_TRANS_DH, .id = IKE_DH_ECP256, .keylen = 0 },
	{ .prop = 1, .type = OAKLEY_TRANS_DH, .id = IKE_DH_MODP2048, .keylen = 0 },
};

/* Default ESP proposals: aes256gcm16, aes128-sha256. */
static const struct oakley_transform oakley_default_esp[] = {
	{ .prop = 0, .type = OAKLEY_TRANS_ENCR, .id = IKE_ENCR_AES_GCM_16, .keylen = 256 },
	{ .prop = 1, .type = OAKLEY_TRANS_ENCR, .id = IKE_ENCR_AES_CBC, .keylen = 128 },
	{ .prop = 1, .type = OAKLEY_TRANS_INTEG, .id = IKE_INTEG_HMAC_SHA2_256_128, .keylen = 0 },
};

bool oakley_name_valid(const char *name)
{
	size_t i, len = strnlen(name, OAKLEY_NAME_MAX + 1);

	if (len < 1 || len > OAKLEY_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && name[i] != '_' && name[i] != '.' && name[i] != '-')
			return false;
	return true;
}

static unsigned int oakley_addr_len(u16 family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static u32 oakley_default_lifetime(u32 rekey)
{
	u64 life = (u64)rekey + rekey / 10;

	return min_t(u64, life, U32_MAX);
}

/* ---- proposals ---- */

static bool oakley_encr_is_aead(u16 id)
{
	return id == IKE_ENCR_AES_GCM_16 || id == IKE_ENCR_CHACHA20_POLY1305;
}

static int oakley_check_encr(const struct oakley_transform *t, struct nlattr **tb,
			     const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	const struct nlattr *kl = tb[OAKLEY_TRANSFORM_A_KEYLEN] ?: nest;

	switch (t->id) {
	case IKE_ENCR_AES_CBC:
	case IKE_ENCR_AES_GCM_16:
		if (t->keylen != 128 && t->keylen != 256)
			return oakley_err(extack, kl, "AES key length must be 128 or 256");
		return 0;
	case IKE_ENCR_3DES:
		if (t->keylen)
			return oakley_err(extack, kl, "3DES takes no key length");
		return 0;
	case IKE_ENCR_CHACHA20_POLY1305:
		if (t->keylen)
			return oakley_err(extack, kl, "ChaCha20-Poly1305 takes no key length");
		return 0;
	case IKE_ENCR_DES:
		return oakley_err(extack, tb[OAKLEY_TRANSFORM_A_ID],
				  "DES is refused: broken (RFC 8247)");
	}
	return oakley_err(extack, tb[OAKLEY_TRANSFORM_A_ID], "unsupported encryption algorithm");
}

static int oakley_check_id(const struct oakley_transform *t, struct nlattr **tb,
			   struct netlink_ext_ack *extack)
{
	const struct nlattr *id = tb[OAKLEY_TRANSFORM_A_ID];

	switch (t->type) {
	case OAKLEY_TRANS_PRF:
		if (t->id == IKE_PRF_HMAC_MD5)
			return oakley_err(extack, id, "HMAC-MD5 is refused: broken (RFC 8247)");
		if (t->id != IKE_PRF_HMAC_SHA1 &&
		    (t->id < IKE_PRF_HMAC_SHA2_256 || t->id > IKE_PRF_HMAC_SHA2_512))
			return oakley_err(extack, id, "unsupported PRF");
		return 0;
	case OAKLEY_TRANS_INTEG:
		if (t->id == IKE_INTEG_HMAC_MD5_96)
			return oakley_err(extack, id, "HMAC-MD5-96 is refused: broken (RFC 8247)");
		if (t->id != IKE_INTEG_HMAC_SHA1_96 &&
		    (t->id < IKE_INTEG_HMAC_SHA2_256_128 || t->id > IKE_INTEG_HMAC_SHA2_512_256))
			return oakley_err(extack, id, "unsupported integrity algorithm");
		return 0;
	case OAKLEY_TRANS_DH:
		if (t->id == IKE_DH_MODP768)
			return oakley_err(extack, id, "MODP-768 is refused: broken (RFC 8247)");
		switch (t->id) {
		case IKE_DH_MODP1024:
		case IKE_DH_MODP1536:
		case IKE_DH_MODP2048:
		case IKE_DH_MODP3072:
		case IKE_DH_MODP4096:
		case IKE_DH_ECP256:
		case IKE_DH_ECP384:
		case IKE_DH_CURVE25519:
			return 0;
		}
		return oakley_err(extack, id, "unsupported Diffie-Hellman group");
	case OAKLEY_TRANS_ESN:
		if (t->id > 1)
			return oakley_err(extack, id, "ESN transform ID must be 0 or 1");
		return 0;
	}
	return 0;
}

static int oakley_check_kind(const struct oakley_transform *t, const struct nlattr *nest,
			     enum oakley_proplist_kind kind, struct netlink_ext_ack *extack)
{
	if (t->type == OAKLEY_TRANS_ENCR && kind == OAKLEY_PROPS_AH)
		return oakley_err(extack, nest, "AH proposals take no encryption algorithm");
	if (t->type == OAKLEY_TRANS_PRF && kind != OAKLEY_PROPS_IKE)
		return oakley_err(extack, nest, "PRF transforms belong in IKE proposals only");
	if (t->type == OAKLEY_TRANS_ESN && kind == OAKLEY_PROPS_IKE)
		return oakley_err(extack, nest, "ESN transforms do not belong in IKE proposals");
	return 0;
}

static int oakley_transform_parse(struct oakley_transform *t, const struct nlattr *nest,
				  enum oakley_proplist_kind kind, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OAKLEY_TRANSFORM_A_MAX + 1];
	int err;

	err = oakley_nest_parse(tb, OAKLEY_TRANSFORM_A_MAX, nest, oakley_transform_policy, 0,
				extack);
	if (err)
		return err;
	if (!tb[OAKLEY_TRANSFORM_A_TYPE])
		return oakley_missing(extack, nest, OAKLEY_TRANSFORM_A_TYPE,
				      "transform type missing");
	if (!tb[OAKLEY_TRANSFORM_A_ID])
		return oakley_missing(extack, nest, OAKLEY_TRANSFORM_A_ID,
				      "transform ID missing");
	t->type = nla_get_u8(tb[OAKLEY_TRANSFORM_A_TYPE]);
	t->id = nla_get_u16(tb[OAKLEY_TRANSFORM_A_ID]);
	if (tb[OAKLEY_TRANSFORM_A_KEYLEN])
		t->keylen = nla_get_u16(tb[OAKLEY_TRANSFORM_A_KEYLEN]);

	err = oakley_check_kind(t, nest, kind, extack);
	if (err)
		return err;
	if (t->type == OAKLEY_TRANS_ENCR)
		return oakley_check_encr(t, tb, nest, extack);
	if (t->keylen)
		return oakley_err(extack, tb[OAKLEY_TRANSFORM_A_KEYLEN],
				  "key length applies to encryption transforms only");
	return oakley_check_id(t, tb, extack);
}

/* Is proposal @t[0..n) complete and coherent for its kind? */
static int oakley_proposal_check(const struct oakley_transform *t, unsigned int n,
				 const struct nlattr *nest, enum oakley_proplist_kind kind,
				 struct netlink_ext_ack *extack)
{
	unsigned int have[OAKLEY_TRANS_ESN + 1] = { 0 };
	unsigned int aead = 0, i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (t[j].type == t[i].type && t[j].id == t[i].id &&
			    t[j].keylen == t[i].keylen)
				return oakley_err(extack, nest, "duplicate transform in proposal");
		have[t[i].type]++;
		if (t[i].type == OAKLEY_TRANS_ENCR && oakley_encr_is_aead(t[i].id))
			aead++;
	}
	if (aead && aead != have[OAKLEY_TRANS_ENCR])
		return oakley_err(extack, nest, "proposal mixes AEAD and non-AEAD ciphers");
	if (aead && have[OAKLEY_TRANS_INTEG])
		return oakley_err(extack, nest,
				  "AEAD proposal must not have an integrity algorithm");

	switch (kind) {
	case OAKLEY_PROPS_IKE:
		if (!have[OAKLEY_TRANS_ENCR])
			return oakley_err(extack, nest,
					  "IKE proposal lacks an encryption algorithm");
		if (!have[OAKLEY_TRANS_PRF])
			return oakley_err(extack, nest, "IKE proposal lacks a PRF");
		if (!have[OAKLEY_TRANS_DH])
			return oakley_err(extack, nest,
					  "IKE proposal lacks a Diffie-Hellman group");
		break;
	case OAKLEY_PROPS_ESP:
		if (!have[OAKLEY_TRANS_ENCR])
			return oakley_err(extack, nest,
					  "ESP proposal lacks an encryption algorithm");
		break;
	case OAKLEY_PROPS_AH:
		break;
	}
	if (!aead && !have[OAKLEY_TRANS_INTEG])
		return oakley_err(extack, nest, "proposal lacks an integrity algorithm");
	return 0;
}

static int oakley_proposals_count(const struct nlattr *list, struct netlink_ext_ack *extack)
{
	const struct nlattr *prop, *tr;
	int rem, rem2, nprops = 0, count = 0, n;

	nla_for_each_nested(prop, list, rem) {
		if (++nprops > OAKLEY_MAX_PROPOSALS)
			return oakley_err(extack, prop, "too many proposals");
		n = 0;
		nla_for_each_nested(tr, prop, rem2)
			n++;
		if (!n)
			return oakley_err(extack, prop, "empty proposal");
		if (n > OAKLEY_MAX_TRANSFORMS)
			return oakley_err(extack, prop, "too many transforms in proposal");
		count += n;
	}
	if (!nprops)
		return oakley_err(extack, list, "empty proposal list");
	return count;
}

static struct oakley_proposals *oakley_proposals_parse(const struct nlattr *list,
						       enum oakley_proplist_kind kind,
						       struct netlink_ext_ack *extack)
{
	const struct nlattr *prop, *tr;
	struct oakley_proposals *p;
	int rem, rem2, count, err;
	unsigned int first;

	err = nla_validate_nested(list, OAKLEY_PROP_A_MAX, oakley_proposals_policy, extack);
	if (err)
		return ERR_PTR(err);
	count = oakley_proposals_count(list, extack);
	if (count < 0)
		return ERR_PTR(count);
	p = kzalloc(struct_size(p, t, count), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);

	nla_for_each_nested(prop, list, rem) {
		first = p->count;
		nla_for_each_nested(tr, prop, rem2) {
			struct oakley_transform *t = &p->t[p->count++];

			t->prop = p->nprops;
			err = oakley_transform_parse(t, tr, kind, extack);
			if (err)
				goto err_free;
		}
		err = oakley_proposal_check(&p->t[first], p->count - first, prop, kind, extack);
		if (err)
			goto err_free;
		p->nprops++;
	}
	return p;

err_free:
	kfree(p);
	return ERR_PTR(err);
}

static struct oakley_proposals *oakley_proposals_dup(const struct oakley_transform *t,
						     unsigned int count)
{
	struct oakley_proposals *p;

	p = kzalloc(struct_size(p, t, count), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	memcpy(p->t, t, count * sizeof(*t));
	p->count = count;
	p->nprops = t[count - 1].prop + 1;
	return p;
}

/* ---- traffic selectors ---- */

static bool oakley_prefix_clean(const u8 *addr, unsigned int len, unsigned int prefixlen)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		unsigned int bits = prefixlen > i * 8 ? min(prefixlen - i * 8, 8U) : 0;
		u8 mask = bits ? (u8)(0xff << (8 - bits)) : 0;

		if (addr[i] & ~mask)
			return false;
	}
	return true;
}

static int oakley_ts_parse(struct oakley_ts *ts, const struct nlattr *nest,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OAKLEY_TS_A_MAX + 1];
	unsigned int alen;
	int err;

	err = oakley_nest_parse(tb, OAKLEY_TS_A_MAX, nest, oakley_ts_policy, 0, extack);
	if (err)
		return err;
	if (!tb[OAKLEY_TS_A_FAMILY])
		return oakley_missing(extack, nest, OAKLEY_TS_A_FAMILY,
				      "traffic selector family missing");
	ts->family = nla_get_u16(tb[OAKLEY_TS_A_FAMILY]);
	alen = oakley_addr_len(ts->family);
	if (!alen)
		return oakley_err(extack, tb[OAKLEY_TS_A_FAMILY],
				  "traffic selector family must be AF_INET or AF_INET6");
	if (!tb[OAKLEY_TS_A_ADDR])
		return oakley_missing(extack, nest, OAKLEY_TS_A_ADDR,
				      "traffic selector address missing");
	if (nla_len(tb[OAKLEY_TS_A_ADDR]) != alen)
		return oakley_err(extack, tb[OAKLEY_TS_A_ADDR],
				  "traffic selector address length does not match its family");
	memcpy(ts->addr, nla_data(tb[OAKLEY_TS_A_ADDR]), alen);
	ts->prefixlen = alen * 8;
	if (tb[OAKLEY_TS_A_PREFIXLEN])
		ts->prefixlen = nla_get_u8(tb[OAKLEY_TS_A_PREFIXLEN]);
	if (ts->prefixlen > alen * 8)
		return oakley_err(extack, tb[OAKLEY_TS_A_PREFIXLEN],
				  "traffic selector prefix length too long for its family");
	if (!oakley_prefix_clean(ts->addr, alen, ts->prefixlen))
		return oakley_err(extack, tb[OAKLEY_TS_A_ADDR],
				  "traffic selector address has bits set beyond its prefix");
	if (tb[OAKLEY_TS_A_PROTO])
		ts->proto = nla_get_u8(tb[OAKLEY_TS_A_PROTO]);
	if (tb[OAKLEY_TS_A_PORT])
		ts->port = nla_get_u16(tb[OAKLEY_TS_A_PORT]);
	if (ts->port && !ts->proto)
		return oakley_err(extack, tb[OAKLEY_TS_A_PORT],
				  "traffic selector port requires a protocol");
	return 0;
}

static struct oakley_tslist *oakley_tslist_parse(const struct nlattr *list,
						 struct netlink_ext_ack *extack)
{
	struct oakley_tslist *l;
	const struct nlattr *a;
	int rem, n = 0, err;

	err = nla_validate_nested(list, OAKLEY_TSLIST_A_MAX, oakley_tslist_policy, extack);
	if (err)
		return ERR_PTR(err);
	nla_for_each_nested(a, list, rem)
		if (++n > OAKLEY_MAX_TS)
			return ERR_PTR(oakley_err(extack, a, "too many traffic selectors"));
	if (!n)
		return ERR_PTR(oakley_err(extack, list, "empty traffic selector list"));

	l = kzalloc(struct_size(l, ts, n), GFP_KERNEL);
	if (!l)
		return ERR_PTR(-ENOMEM);
	nla_for_each_nested(a, list, rem) {
		err = oakley_ts_parse(&l->ts[l->count++], a, extack);
		if (err) {
			kfree(l);
			return ERR_PTR(err);
		}
	}
	return l;
}

/* The default selector: one host address, any protocol and port. */
static struct oakley_tslist *oakley_tslist_host(u16 family, const u8 *addr)
{
	unsigned int alen = oakley_addr_len(family);
	struct oakley_tslist *l;

	l = kzalloc(struct_size(l, ts, 1), GFP_KERNEL);
	if (!l)
		return ERR_PTR(-ENOMEM);
	l->count = 1;
	l->ts[0].family = family;
	l->ts[0].prefixlen = alen * 8;
	memcpy(l->ts[0].addr, addr, alen);
	return l;
}

/* ---- identities ---- */

static bool oakley_id_printable(const u8 *p, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return false;
	return true;
}

static int oakley_id_check(u8 type, const struct nlattr *data, bool remote,
			   const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	int len = data ? nla_len(data) : 0;

	switch (type) {
	case OAKLEY_ID_ANY:
		if (!remote)
			return oakley_err(extack, nest,
					  "identity type ANY is for the remote side only");
		if (data)
			return oakley_err(extack, data, "identity type ANY takes no data");
		return 0;
	case OAKLEY_ID_IPV4_ADDR:
		if (len != 4)
			return oakley_err(extack, data ?: nest, "IPv4 identity needs 4 bytes");
		return 0;
	case OAKLEY_ID_IPV6_ADDR:
		if (len != 16)
			return oakley_err(extack, data ?: nest, "IPv6 identity needs 16 bytes");
		return 0;
	case OAKLEY_ID_FQDN:
	case OAKLEY_ID_RFC822_ADDR:
		if (!len)
			return oakley_missing(extack, nest, OAKLEY_ID_A_DATA,
					      "identity data missing");
		if (!oakley_id_printable(nla_data(data), len))
			return oakley_err(extack, data,
					  "FQDN and RFC822 identities must be printable ASCII without spaces");
		return 0;
	case OAKLEY_ID_DER_ASN1_DN:
	case OAKLEY_ID_KEY_ID:
		if (!len)
			return oakley_missing(extack, nest, OAKLEY_ID_A_DATA,
					      "identity data missing");
		return 0;
	}
	return oakley_err(extack, nest, "unsupported identity type");
}

static struct oakley_id *oakley_id_make(u8 type, const void *data, unsigned int len)
{
	struct oakley_id *id;

	id = kzalloc(struct_size(id, data, len), GFP_KERNEL);
	if (!id)
		return ERR_PTR(-ENOMEM);
	id->type = type;
	id->len = len;
	if (len)
		memcpy(id->data, data, len);
	return id;
}

static struct oakley_id *oakley_id_parse(const struct nlattr *nest, bool remote,
					 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OAKLEY_ID_A_MAX + 1];
	const struct nlattr *data;
	u8 type;
	int err;

	err = oakley_nest_parse(tb, OAKLEY_ID_A_MAX, nest, oakley_id_policy, 0, extack);
	if (err)
		return ERR_PTR(err);
	if (!tb[OAKLEY_ID_A_TYPE])
		return ERR_PTR(oakley_missing(extack, nest, OAKLEY_ID_A_TYPE,
					      "identity type missing"));
	type = nla_get_u8(tb[OAKLEY_ID_A_TYPE]);
	data = tb[OAKLEY_ID_A_DATA];
	err = oakley_id_check(type, data, remote, tb[OAKLEY_ID_A_TYPE], extack);
	if (err)
		return ERR_PTR(err);
	return oakley_id_make(type, data ? nla_data(data) : NULL, data ? nla_len(data) : 0);
}

/* The default identity: the address, or ANY for a remote %any. */
static struct oakley_id *oakley_id_default(u16 family, const u8 *addr)
{
	if (!addr)
		return oakley_id_make(OAKLEY_ID_ANY, NULL, 0);
	return oakley_id_make(family == AF_INET ? OAKLEY_ID_IPV4_ADDR : OAKLEY_ID_IPV6_ADDR,
			      addr, oakley_addr_len(family));
}

/* ---- children ---- */

static void oakley_child_free(struct oakley_net *on, struct oakley_child *child)
{
	if (!child)
		return;
	kfree(child->local_ts);
	kfree(child->remote_ts);
	kfree(child->esp);
	kfree(child->ah);
	kfree(child);
	oakley_stat_dec(on, OAKLEY_STATS_A_OBJECTS);
}

static int oakley_child_selectors(struct oakley_child *child, struct nlattr **tb,
				  const struct oakley_conn *conn, struct netlink_ext_ack *extack)
{
	struct oakley_tslist *l;

	if (tb[OAKLEY_CHILD_A_LOCAL_TS])
		l = oakley_tslist_parse(tb[OAKLEY_CHILD_A_LOCAL_TS], extack);
	else
		l = oakley_tslist_host(conn->family, conn->local_addr);
	if (IS_ERR(l))
		return PTR_ERR(l);
	child->local_ts = l;

	if (tb[OAKLEY_CHILD_A_REMOTE_TS])
		l = oakley_tslist_parse(tb[OAKLEY_CHILD_A_REMOTE_TS], extack);
	else if (conn->has_remote)
		l = oakley_tslist_host(conn->family, conn->remote_addr);
	else
		l = NULL;
	if (IS_ERR(l))
		return PTR_ERR(l);
	child->remote_ts = l;
	return 0;
}

static int oakley_child_proposals(struct oakley_child *child, struct nlattr **tb,
				  struct netlink_ext_ack *extack)
{
	struct oakley_proposals *p;

	if (tb[OAKLEY_CHILD_A_ESP_PROPOSALS] && tb[OAKLEY_CHILD_A_AH_PROPOSALS])
		return oakley_err(extack, tb[OAKLEY_CHILD_A_AH_PROPOSALS],
				  "ESP and AH proposals are mutually exclusive");
	if (tb[OAKLEY_CHILD_A_AH_PROPOSALS]) {
		p = oakley_proposals_parse(tb[OAKLEY_CHILD_A_AH_PROPOSALS], OAKLEY_PROPS_AH,
					   extack);
		if (IS_ERR(p))
			return PTR_ERR(p);
		child->ah = p;
		return 0;
	}
	if (tb[OAKLEY_CHILD_A_ESP_PROPOSALS])
		p = oakley_proposals_parse(tb[OAKLEY_CHILD_A_ESP_PROPOSALS], OAKLEY_PROPS_ESP,
					   extack);
	else
		p = oakley_proposals_dup(oakley_default_esp, ARRAY_SIZE(oakley_default_esp));
	if (IS_ERR(p))
		return PTR_ERR(p);
	child->esp = p;
	return 0;
}

static int oakley_child_limits(struct oakley_child *child, struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	child->rekey = OAKLEY_DEFAULT_CHILD_REKEY;
	if (tb[OAKLEY_CHILD_A_REKEY])
		child->rekey = nla_get_u32(tb[OAKLEY_CHILD_A_REKEY]);
	child->lifetime = oakley_default_lifetime(child->rekey);
	if (tb[OAKLEY_CHILD_A_LIFETIME])
		child->lifetime = nla_get_u32(tb[OAKLEY_CHILD_A_LIFETIME]);
	if (child->lifetime && child->lifetime < child->rekey)
		return oakley_err(extack, tb[OAKLEY_CHILD_A_LIFETIME],
				  "child lifetime is shorter than its rekey interval");
	if (tb[OAKLEY_CHILD_A_REKEY_BYTES])
		child->rekey_bytes = nla_get_u64(tb[OAKLEY_CHILD_A_REKEY_BYTES]);
	if (tb[OAKLEY_CHILD_A_LIFE_BYTES])
		child->life_bytes = nla_get_u64(tb[OAKLEY_CHILD_A_LIFE_BYTES]);
	if (child->life_bytes && child->life_bytes < child->rekey_bytes)
		return oakley_err(extack, tb[OAKLEY_CHILD_A_LIFE_BYTES],
				  "child life-bytes is below its rekey-bytes");
	if (tb[OAKLEY_CHILD_A_REKEY_PACKETS])
		child->rekey_packets = nla_get_u64(tb[OAKLEY_CHILD_A_REKEY_PACKETS]);
	if (tb[OAKLEY_CHILD_A_LIFE_PACKETS])
		child->life_packets = nla_get_u64(tb[OAKLEY_CHILD_A_LIFE_PACKETS]);
	if (child->life_packets && child->life_packets < child->rekey_packets)
		return oakley_err(extack, tb[OAKLEY_CHILD_A_LIFE_PACKETS],
				  "child life-packets is below its rekey-packets");
	return 0;
}

static int oakley_child_fields(struct oakley_child *child, struct nlattr **tb,
			       const struct nlattr *nest, const struct oakley_conn *conn,
			       struct netlink_ext_ack *extack)
{
	int err;

	if (!tb[OAKLEY_CHILD_A_NAME])
		return oakley_missing(extack, nest, OAKLEY_CHILD_A_NAME, "child name missing");
	nla_strscpy(child->name, tb[OAKLEY_CHILD_A_NAME], sizeof(child->name));
	if (!oakley_name_valid(child->name))
		return oakley_err(extack, tb[OAKLEY_CHILD_A_NAME],
				  "invalid child name (want [A-Za-z0-9_.-]{1,32})");
	err = oakley_child_selectors(child, tb, conn, extack);
	if (err)
		return err;
	err = oakley_child_proposals(child, tb, extack);
	if (err)
		return err;
	child->mode = OAKLEY_MODE_TUNNEL;
	if (tb[OAKLEY_CHILD_A_MODE])
		child->mode = nla_get_u8(tb[OAKLEY_CHILD_A_MODE]);
	child->start = conn->start;
	if (tb[OAKLEY_CHILD_A_START])
		child->start = nla_get_u8(tb[OAKLEY_CHILD_A_START]);
	return oakley_child_limits(child, tb, extack);
}

static struct oakley_child *oakley_child_build(struct oakley_net *on, const struct nlattr *nest,
					       const struct oakley_conn *conn,
					       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OAKLEY_CHILD_A_MAX + 1];
	struct oakley_child *child;
	int err;

	err = oakley_nest_parse(tb, OAKLEY_CHILD_A_MAX, nest, oakley_child_policy,
				BIT_ULL(OAKLEY_CHILD_A_PAD), extack);
	if (err)
		return ERR_PTR(err);
	child = kzalloc(sizeof(*child), GFP_KERNEL);
	if (!child)
		return ERR_PTR(-ENOMEM);
	oakley_stat_inc(on, OAKLEY_STATS_A_OBJECTS);
	err = oakley_child_fields(child, tb, nest, conn, extack);
	if (err) {
		oakley_child_free(on, child);
		return ERR_PTR(err);
	}
	return child;
}

/* ---- connections ---- */

static void oakley_conn_free(struct oakley_conn *conn)
{
	unsigned int i;

	for (i = 0; i < conn->nchildren; i++)
		oakley_child_free(conn->on, conn->children[i]);
	kfree(conn->local_id);
	kfree(conn->remote_id);
	kfree(conn->ike_props);
	oakley_conn_creds_free(conn);
	oakley_stat_dec(conn->on, OAKLEY_STATS_A_OBJECTS);
	kfree(conn);
}

static void oakley_conn_free_rcu(struct rcu_head *rcu)
{
	oakley_conn_free(container_of(rcu, struct oakley_conn, rcu));
}

static void oakley_conn_release(struct kref *ref)
{
	struct oakley_conn *conn = container_of(ref, struct oakley_conn, ref);

	call_rcu(&conn->rcu, oakley_conn_free_rcu);
}

void oakley_conn_put(struct oakley_conn *conn)
{
	if (conn)
		kref_put(&conn->ref, oakley_conn_release);
}

static int oakley_conn_addrs(struct oakley_conn *conn, struct nlattr **tb,
			     const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	unsigned int alen;

	if (!tb[OAKLEY_CONN_A_FAMILY])
		return oakley_missing(extack, nest, OAKLEY_CONN_A_FAMILY,
				      "connection address family missing");
	conn->family = nla_get_u16(tb[OAKLEY_CONN_A_FAMILY]);
	alen = oakley_addr_len(conn->family);
	if (!alen)
		return oakley_err(extack, tb[OAKLEY_CONN_A_FAMILY],
				  "address family must be AF_INET or AF_INET6");
	if (!tb[OAKLEY_CONN_A_LOCAL_ADDR])
		return oakley_missing(extack, nest, OAKLEY_CONN_A_LOCAL_ADDR,
				      "local address missing");
	if (nla_len(tb[OAKLEY_CONN_A_LOCAL_ADDR]) != alen)
		return oakley_err(extack, tb[OAKLEY_CONN_A_LOCAL_ADDR],
				  "local address length does not match the family");
	memcpy(conn->local_addr, nla_data(tb[OAKLEY_CONN_A_LOCAL_ADDR]), alen);
	if (tb[OAKLEY_CONN_A_REMOTE_ADDR]) {
		if (nla_len(tb[OAKLEY_CONN_A_REMOTE_ADDR]) != alen)
			return oakley_err(extack, tb[OAKLEY_CONN_A_REMOTE_ADDR],
					  "remote address length does not match the family");
		memcpy(conn->remote_addr, nla_data(tb[OAKLEY_CONN_A_REMOTE_ADDR]), alen);
		conn->has_remote = true;
	}
	/* one IKE socket per namespace, on UDP 500 (no NAT-T on 4500 yet) */
	conn->local_port = OAKLEY_DEFAULT_PORT;
	if (tb[OAKLEY_CONN_A_LOCAL_PORT] &&
	    nla_get_u16(tb[OAKLEY_CONN_A_LOCAL_PORT]) != OAKLEY_DEFAULT_PORT)
		return oakley_unsupported(extack, tb[OAKLEY_CONN_A_LOCAL_PORT],
					  "local port must be 500: Oakley listens on UDP 500 only");
	conn->remote_port = OAKLEY_DEFAULT_PORT;
	if (tb[OAKLEY_CONN_A_REMOTE_PORT])
		conn->remote_port = nla_get_u16(tb[OAKLEY_CONN_A_REMOTE_PORT]);
	return 0;
}

static int oakley_conn_ids(struct oakley_conn *conn, struct nlattr **tb,
			   struct netlink_ext_ack *extack)
{
	struct oakley_id *id;

	if (tb[OAKLEY_CONN_A_LOCAL_ID])
		id = oakley_id_parse(tb[OAKLEY_CONN_A_LOCAL_ID], false, extack);
	else
		id = oakley_id_default(conn->family, conn->local_addr);
	if (IS_ERR(id))
		return PTR_ERR(id);
	conn->local_id = id;

	if (tb[OAKLEY_CONN_A_REMOTE_ID])
		id = oakley_id_parse(tb[OAKLEY_CONN_A_REMOTE_ID], true, extack);
	else
		id = oakley_id_default(conn->family,
				       conn->has_remote ? conn->remote_addr : NULL);
	if (IS_ERR(id))
		return PTR_ERR(id);
	conn->remote_id = id;
	return 0;
}

static u8 oakley_get_u8(const struct nlattr *a, u8 def);

static int oakley_conn_auth(struct oakley_conn *conn, struct nlattr **tb,
			    const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	conn->auth = oakley_get_u8(tb[OAKLEY_CONN_A_AUTH], OAKLEY_AUTH_PSK);
	conn->remote_auth = oakley_get_u8(tb[OAKLEY_CONN_A_REMOTE_AUTH], conn->auth);
	if (conn->auth != OAKLEY_AUTH_PSK && conn->remote_auth != OAKLEY_AUTH_PSK) {
		if (tb[OAKLEY_CONN_A_SECRET])
			return oakley_err(extack, tb[OAKLEY_CONN_A_SECRET],
					  "secret applies to psk authentication only");
		return 0;
	}
	if (!tb[OAKLEY_CONN_A_SECRET])
		return oakley_missing(extack, nest, OAKLEY_CONN_A_SECRET,
				      "psk authentication requires a secret");
	nla_strscpy(conn->secret, tb[OAKLEY_CONN_A_SECRET], sizeof(conn->secret));
	if (!oakley_name_valid(conn->secret))
		return oakley_err(extack, tb[OAKLEY_CONN_A_SECRET],
				  "invalid secret name (want [A-Za-z0-9_.-]{1,32})");
	return 0;
}

static int oakley_conn_ike(struct oakley_conn *conn, struct nlattr **tb,
			   struct netlink_ext_ack *extack)
{
	struct oakley_proposals *p;

	conn->version = OAKLEY_DEFAULT_VERSION;
	if (tb[OAKLEY_CONN_A_VERSION])
		conn->version = nla_get_u8(tb[OAKLEY_CONN_A_VERSION]);
	if (conn->version != 2 && conn->version != 1)
		return oakley_unsupported(extack, tb[OAKLEY_CONN_A_VERSION],
					  "version must be 2 or 1");
	if (tb[OAKLEY_CONN_A_EXCHANGE] && conn->version != 1)
		return oakley_err(extack, tb[OAKLEY_CONN_A_EXCHANGE],
				  "exchange applies to IKEv1 only");
	if (conn->version == 1)
		conn->exchange = tb[OAKLEY_CONN_A_EXCHANGE] ?
				 nla_get_u8(tb[OAKLEY_CONN_A_EXCHANGE]) : OAKLEY_EXCHANGE_MAIN;

	if (tb[OAKLEY_CONN_A_IKE_PROPOSALS])
		p = oakley_proposals_parse(tb[OAKLEY_CONN_A_IKE_PROPOSALS], OAKLEY_PROPS_IKE,
					   extack);
	else
		p = oakley_proposals_dup(oakley_default_ike, ARRAY_SIZE(oakley_default_ike));
	if (IS_ERR(p))
		return PTR_ERR(p);
	conn->ike_props = p;
	if (tb[OAKLEY_CONN_A_SHA256_96])
		conn->sha256_96 = nla_get_u8(tb[OAKLEY_CONN_A_SHA256_96]);
	if (tb[OAKLEY_CONN_A_ENCAP])
		conn->encap = nla_get_u8(tb[OAKLEY_CONN_A_ENCAP]);
	return 0;
}

static u32 oakley_get_u32(const struct nlattr *a, u32 def)
{
	return a ? nla_get_u32(a) : def;
}

static u8 oakley_get_u8(const struct nlattr *a, u8 def)
{
	return a ? nla_get_u8(a) : def;
}

static int oakley_conn_timers(struct oakley_conn *conn, struct nlattr **tb,
			      struct netlink_ext_ack *extack)
{
	conn->start = oakley_get_u8(tb[OAKLEY_CONN_A_START], OAKLEY_START_NONE);
	conn->dpd = oakley_get_u32(tb[OAKLEY_CONN_A_DPD], OAKLEY_DEFAULT_DPD);
	conn->dpd_action = oakley_get_u8(tb[OAKLEY_CONN_A_DPD_ACTION], OAKLEY_DPD_CLEAR);
	conn->ike_rekey = oakley_get_u32(tb[OAKLEY_CONN_A_IKE_REKEY], OAKLEY_DEFAULT_IKE_REKEY);
	conn->ike_lifetime = oakley_get_u32(tb[OAKLEY_CONN_A_IKE_LIFETIME],
					    oakley_default_lifetime(conn->ike_rekey));
	conn->reauth = oakley_get_u32(tb[OAKLEY_CONN_A_REAUTH], OAKLEY_DEFAULT_REAUTH);
	conn->jitter = oakley_get_u8(tb[OAKLEY_CONN_A_JITTER], OAKLEY_DEFAULT_JITTER);
	conn->nat_keepalive = oakley_get_u32(tb[OAKLEY_CONN_A_NAT_KEEPALIVE],
					     OAKLEY_DEFAULT_NAT_KEEPALIVE);
	if (conn->ike_lifetime && conn->ike_lifetime < conn->ike_rekey)
		return oakley_err(extack, tb[OAKLEY_CONN_A_IKE_LIFETIME],
				  "ike-lifetime is shorter than ike-rekey");
	return 0;
}

static int oakley_conn_children(struct oakley_conn *conn, const struct nlattr *nest,
				struct netlink_ext_ack *extack)
{
	struct oakley_child *child;
	const struct nlattr *a;
	unsigned int i;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != OAKLEY_CONN_A_CHILD)
			continue;
		child = oakley_child_build(conn->on, a, conn, extack);
		if (IS_ERR(child))
			return PTR_ERR(child);
		conn->children[conn->nchildren++] = child;
		for (i = 0; i + 1 < conn->nchildren; i++)
			if (!strcmp(conn->children[i]->name, child->name))
				return oakley_err(extack, a, "duplicate child name");
		if (conn->version == 1 && child->ah)
			return oakley_unsupported(extack, a, "AH is not implemented for IKEv1 yet");
	}
	return 0;
}

static int oakley_conn_fields(struct oakley_conn *conn, struct nlattr **tb,
			      const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	int err;

	if (!tb[OAKLEY_CONN_A_NAME])
		return oakley_missing(extack, nest, OAKLEY_CONN_A_NAME, "connection name missing");
	nla_strscpy(conn->name, tb[OAKLEY_CONN_A_NAME], sizeof(conn->name));
	if (!oakley_name_valid(conn->name))
		return oakley_err(extack, tb[OAKLEY_CONN_A_NAME],
				  "invalid connection name (want [A-Za-z0-9_.-]{1,32})");
	err = oakley_conn_addrs(conn, tb, nest, extack);
	if (!err)
		err = oakley_conn_ids(conn, tb, extack);
	if (!err)
		err = oakley_conn_auth(conn, tb, nest, extack);
	if (!err)
		err = oakley_conn_ike(conn, tb, extack);
	if (!err)
		err = oakley_conn_creds(conn, tb, nest, extack);
	if (!err)
		err = oakley_conn_timers(conn, tb, extack);
	if (!err)
		err = oakley_conn_children(conn, nest, extack);
	return err;
}

static size_t oakley_conn_size(const struct oakley_conn *conn);

/**
 * oakley_conn_build - build a connection from an OAKLEY_A_CONN nest
 * @on: the instance whose counters account for the object
 * @nest: the nest (validated again here; callers need not have)
 * @extack: where a rejection is explained
 *
 * Returns a connection holding one reference, not linked anywhere, or an
 * ERR_PTR.  A secret named by the connection is not looked up here.
 */
struct oakley_conn *oakley_conn_build(struct oakley_net *on, const struct nlattr *nest,
				      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OAKLEY_CONN_A_MAX + 1];
	const struct nlattr *a;
	struct oakley_conn *conn;
	int rem, n = 0, err;

	err = oakley_nest_parse(tb, OAKLEY_CONN_A_MAX, nest, oakley_conn_policy,
				BIT_ULL(OAKLEY_CONN_A_CHILD) | BIT_ULL(OAKLEY_CONN_A_CERT) |
				BIT_ULL(OAKLEY_CONN_A_CA) | BIT_ULL(OAKLEY_CONN_A_CRL), extack);
	if (err)
		return ERR_PTR(err);
	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == OAKLEY_CONN_A_CHILD && ++n > OAKLEY_MAX_CHILDREN)
			return ERR_PTR(oakley_err(extack, a, "too many children in connection"));

	conn = kzalloc(struct_size(conn, children, n), GFP_KERNEL);
	if (!conn)
		return ERR_PTR(-ENOMEM);
	kref_init(&conn->ref);
	conn->on = on;
	oakley_stat_inc(on, OAKLEY_STATS_A_OBJECTS);

	err = oakley_conn_fields(conn, tb, nest, extack);
	if (!err && oakley_conn_size(conn) > OAKLEY_CONN_MSG_MAX)
		err = oakley_err(extack, nest, "connection too large to report back");
	if (err) {
		oakley_conn_free(conn);
		return ERR_PTR(err);
	}
	return conn;
}

const struct oakley_child *oakley_conn_child(const struct oakley_conn *conn, const char *name)
{
	unsigned int i;

	for (i = 0; i < conn->nchildren; i++)
		if (!strcmp(conn->children[i]->name, name))
			return conn->children[i];
	return NULL;
}

/* ---- comparison ---- */

static bool oakley_props_equal(const struct oakley_proposals *a,
			       const struct oakley_proposals *b)
{
	if (!a || !b)
		return a == b;
	return a->count == b->count && !memcmp(a->t, b->t, a->count * sizeof(a->t[0]));
}

static bool oakley_tslist_equal(const struct oakley_tslist *a, const struct oakley_tslist *b)
{
	if (!a || !b)
		return a == b;
	return a->count == b->count && !memcmp(a->ts, b->ts, a->count * sizeof(a->ts[0]));
}

static bool oakley_id_equal(const struct oakley_id *a, const struct oakley_id *b)
{
	return a->type == b->type && a->len == b->len && !memcmp(a->data, b->data, a->len);
}

static bool oakley_child_equal(const struct oakley_child *a, const struct oakley_child *b)
{
	return !strcmp(a->name, b->name) &&
	       oakley_tslist_equal(a->local_ts, b->local_ts) &&
	       oakley_tslist_equal(a->remote_ts, b->remote_ts) &&
	       oakley_props_equal(a->esp, b->esp) && oakley_props_equal(a->ah, b->ah) &&
	       a->mode == b->mode && a->start == b->start &&
	       a->rekey == b->rekey && a->lifetime == b->lifetime &&
	       a->rekey_bytes == b->rekey_bytes && a->life_bytes == b->life_bytes &&
	       a->rekey_packets == b->rekey_packets && a->life_packets == b->life_packets;
}

static bool oakley_conn_scalars_equal(const struct oakley_conn *a, const struct oakley_conn *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->secret, b->secret) &&
	       a->version == b->version && a->auth == b->auth &&
	       a->exchange == b->exchange && a->start == b->start &&
	       a->dpd_action == b->dpd_action && a->jitter == b->jitter &&
	       a->sha256_96 == b->sha256_96 && a->encap == b->encap &&
	       a->nat_keepalive == b->nat_keepalive &&
	       a->has_remote == b->has_remote && a->family == b->family &&
	       a->local_port == b->local_port && a->remote_port == b->remote_port &&
	       !memcmp(a->local_addr, b->local_addr, sizeof(a->local_addr)) &&
	       !memcmp(a->remote_addr, b->remote_addr, sizeof(a->remote_addr)) &&
	       a->dpd == b->dpd && a->ike_rekey == b->ike_rekey &&
	       a->ike_lifetime == b->ike_lifetime && a->reauth == b->reauth;
}

/* Would @a and @b negotiate exactly the same way? (Order of children counts.) */
bool oakley_conn_equal(const struct oakley_conn *a, const struct oakley_conn *b)
{
	unsigned int i;

	if (!oakley_conn_scalars_equal(a, b) || a->nchildren != b->nchildren ||
	    !oakley_conn_creds_equal(a, b) ||
	    !oakley_id_equal(a->local_id, b->local_id) ||
	    !oakley_id_equal(a->remote_id, b->remote_id) ||
	    !oakley_props_equal(a->ike_props, b->ike_props))
		return false;
	for (i = 0; i < a->nchildren; i++)
		if (!oakley_child_equal(a->children[i], b->children[i]))
			return false;
	return true;
}

/* ---- serialisation ---- */

static size_t oakley_props_size(const struct oakley_proposals *p)
{
	size_t tr = nla_total_size(0) + nla_total_size(1) + 2 * nla_total_size(2);

	if (!p)
		return 0;
	return nla_total_size(0) + p->nprops * nla_total_size(0) + p->count * tr;
}

static size_t oakley_tslist_size(const struct oakley_tslist *l)
{
	size_t ts = nla_total_size(0) + 2 * nla_total_size(2) + nla_total_size(16) +
		    2 * nla_total_size(1);

	return l ? nla_total_size(0) + l->count * ts : 0;
}

static size_t oakley_child_size(const struct oakley_child *c)
{
	return nla_total_size(0) + nla_total_size(OAKLEY_NAME_MAX + 1) +
	       oakley_tslist_size(c->local_ts) + oakley_tslist_size(c->remote_ts) +
	       oakley_props_size(c->esp) + oakley_props_size(c->ah) +
	       2 * nla_total_size(1) + 2 * nla_total_size(4) + 4 * nla_total_size_64bit(8);
}

static size_t oakley_conn_size(const struct oakley_conn *conn)
{
	size_t size = nla_total_size(0) + 2 * nla_total_size(OAKLEY_NAME_MAX + 1) +
		      2 * nla_total_size(16) + 3 * nla_total_size(2) + 8 * nla_total_size(1) +
		      5 * nla_total_size(4) + 2 * (nla_total_size(0) + nla_total_size(1)) +
		      nla_total_size(conn->local_id->len) + nla_total_size(conn->remote_id->len) +
		      oakley_props_size(conn->ike_props) + oakley_conn_creds_size(conn);
	unsigned int i;

	for (i = 0; i < conn->nchildren; i++)
		size += oakley_child_size(conn->children[i]);
	return size;
}

/* Room for one connection in a message (generic netlink header included). */
size_t oakley_conn_msg_size(const struct oakley_conn *conn)
{
	return nlmsg_total_size(GENL_HDRLEN + oakley_conn_size(conn));
}

static int oakley_props_fill(struct sk_buff *skb, int attrtype, const struct oakley_proposals *p)
{
	struct nlattr *list, *prop = NULL, *tr;
	unsigned int i;

	list = nla_nest_start(skb, attrtype);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < p->count; i++) {
		const struct oakley_transform *t = &p->t[i];

		if (!i || t->prop != p->t[i - 1].prop) {
			if (prop)
				nla_nest_end(skb, prop);
			prop = nla_nest_start(skb, OAKLEY_PROP_A_PROPOSAL);
			if (!prop)
				return -EMSGSIZE;
		}
		tr = nla_nest_start(skb, OAKLEY_PROPOSAL_A_TRANSFORM);
		if (!tr || nla_put_u8(skb, OAKLEY_TRANSFORM_A_TYPE, t->type) ||
		    nla_put_u16(skb, OAKLEY_TRANSFORM_A_ID, t->id) ||
		    (t->keylen && nla_put_u16(skb, OAKLEY_TRANSFORM_A_KEYLEN, t->keylen)))
			return -EMSGSIZE;
		nla_nest_end(skb, tr);
	}
	if (prop)
		nla_nest_end(skb, prop);
	nla_nest_end(skb, list);
	return 0;
}

static int oakley_ts_fill(struct sk_buff *skb, const struct oakley_ts *ts)
{
	struct nlattr *nest = nla_nest_start(skb, OAKLEY_TSLIST_A_TS);

	if (!nest || nla_put_u16(skb, OAKLEY_TS_A_FAMILY, ts->family) ||
	    nla_put(skb, OAKLEY_TS_A_ADDR, oakley_addr_len(ts->family), ts->addr) ||
	    nla_put_u8(skb, OAKLEY_TS_A_PREFIXLEN, ts->prefixlen) ||
	    nla_put_u8(skb, OAKLEY_TS_A_PROTO, ts->proto) ||
	    nla_put_u16(skb, OAKLEY_TS_A_PORT, ts->port))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int oakley_tslist_fill(struct sk_buff *skb, int attrtype, const struct oakley_tslist *l)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < l->count; i++)
		if (oakley_ts_fill(skb, &l->ts[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int oakley_id_fill(struct sk_buff *skb, int attrtype, const struct oakley_id *id)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);

	if (!nest || nla_put_u8(skb, OAKLEY_ID_A_TYPE, id->type) ||
	    (id->len && nla_put(skb, OAKLEY_ID_A_DATA, id->len, id->data)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int oakley_child_fill(struct sk_buff *skb, const struct oakley_child *c)
{
	struct nlattr *nest = nla_nest_start(skb, OAKLEY_CONN_A_CHILD);

	if (!nest || nla_put_string(skb, OAKLEY_CHILD_A_NAME, c->name) ||
	    oakley_tslist_fill(skb, OAKLEY_CHILD_A_LOCAL_TS, c->local_ts) ||
	    (c->remote_ts && oakley_tslist_fill(skb, OAKLEY_CHILD_A_REMOTE_TS, c->remote_ts)) ||
	    (c->esp && oakley_props_fill(skb, OAKLEY_CHILD_A_ESP_PROPOSALS, c->esp)) ||
	    (c->ah && oakley_props_fill(skb, OAKLEY_CHILD_A_AH_PROPOSALS, c->ah)) ||
	    nla_put_u8(skb, OAKLEY_CHILD_A_MODE, c->mode) ||
	    nla_put_u8(skb, OAKLEY_CHILD_A_START, c->start) ||
	    nla_put_u32(skb, OAKLEY_CHILD_A_REKEY, c->rekey) ||
	    nla_put_u32(skb, OAKLEY_CHILD_A_LIFETIME, c->lifetime) ||
	    nla_put_u64_64bit(skb, OAKLEY_CHILD_A_REKEY_BYTES, c->rekey_bytes,
			      OAKLEY_CHILD_A_PAD) ||
	    nla_put_u64_64bit(skb, OAKLEY_CHILD_A_LIFE_BYTES, c->life_bytes,
			      OAKLEY_CHILD_A_PAD) ||
	    nla_put_u64_64bit(skb, OAKLEY_CHILD_A_REKEY_PACKETS, c->rekey_packets,
			      OAKLEY_CHILD_A_PAD) ||
	    nla_put_u64_64bit(skb, OAKLEY_CHILD_A_LIFE_PACKETS, c->life_packets,
			      OAKLEY_CHILD_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int oakley_conn_fill_scalars(struct sk_buff *skb, const struct oakley_conn *conn)
{
	unsigned int alen = oakley_addr_len(conn->family);

	if (nla_put_string(skb, OAKLEY_CONN_A_NAME, conn->name) ||
	    nla_put_u8(skb, OAKLEY_CONN_A_VERSION, conn->version) ||
	    nla_put_u16(skb, OAKLEY_CONN_A_FAMILY, conn->family) ||
	    nla_put(skb, OAKLEY_CONN_A_LOCAL_ADDR, alen, conn->local_addr) ||
	    nla_put_u16(skb, OAKLEY_CONN_A_LOCAL_PORT, conn->local_port) ||
	    (conn->has_remote &&
	     nla_put(skb, OAKLEY_CONN_A_REMOTE_ADDR, alen, conn->remote_addr)) ||
	    nla_put_u16(skb, OAKLEY_CONN_A_REMOTE_PORT, conn->remote_port) ||
	    nla_put_u8(skb, OAKLEY_CONN_A_AUTH, conn->auth) ||
	    (conn->secret[0] && nla_put_string(skb, OAKLEY_CONN_A_SECRET, conn->secret)) ||
	    (conn->exchange && nla_put_u8(skb, OAKLEY_CONN_A_EXCHANGE, conn->exchange)) ||
	    (conn->sha256_96 && nla_put_u8(skb, OAKLEY_CONN_A_SHA256_96, 1)) ||
	    (conn->encap && nla_put_u8(skb, OAKLEY_CONN_A_ENCAP, 1)) ||
	    nla_put_u32(skb, OAKLEY_CONN_A_NAT_KEEPALIVE, conn->nat_keepalive) ||
	    nla_put_u8(skb, OAKLEY_CONN_A_START, conn->start) ||
	    nla_put_u32(skb, OAKLEY_CONN_A_DPD, conn->dpd) ||
	    nla_put_u8(skb, OAKLEY_CONN_A_DPD_ACTION, conn->dpd_action) ||
	    nla_put_u32(skb, OAKLEY_CONN_A_IKE_REKEY, conn->ike_rekey) ||
	    nla_put_u32(skb, OAKLEY_CONN_A_IKE_LIFETIME, conn->ike_lifetime) ||
	    nla_put_u32(skb, OAKLEY_CONN_A_REAUTH, conn->reauth) ||
	    nla_put_u8(skb, OAKLEY_CONN_A_JITTER, conn->jitter))
		return -EMSGSIZE;
	return 0;
}

/**
 * oakley_conn_fill - put a connection as a nest
 * @skb: the message
 * @attrtype: the nest's type (OAKLEY_A_CONN)
 * @conn: the connection
 *
 * Every attribute is reported with its effective value (defaults included),
 * so that building from the result gives an equal connection.  On failure
 * the caller cancels the message.
 */
int oakley_conn_fill(struct sk_buff *skb, int attrtype, const struct oakley_conn *conn)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);
	unsigned int i;

	if (!nest || oakley_conn_fill_scalars(skb, conn) || oakley_conn_creds_fill(skb, conn) ||
	    oakley_id_fill(skb, OAKLEY_CONN_A_LOCAL_ID, conn->local_id) ||
	    oakley_id_fill(skb, OAKLEY_CONN_A_REMOTE_ID, conn->remote_id) ||
	    oakley_props_fill(skb, OAKLEY_CONN_A_IKE_PROPOSALS, conn->ike_props))
		return -EMSGSIZE;
	for (i = 0; i < conn->nchildren; i++)
		if (oakley_child_fill(skb, conn->children[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

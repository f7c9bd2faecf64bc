// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: write-only secrets (pre-shared keys).
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "conn.h"
#include "crypto/pubkey.h"
#include "netns.h"
#include "nlparse.h"
#include "secret.h"

const struct nla_policy oakley_secret_policy[OAKLEY_SECRET_A_MAX + 1] = {
	[OAKLEY_SECRET_A_NAME]	= { .type = NLA_NUL_STRING, .len = OAKLEY_NAME_MAX },
	[OAKLEY_SECRET_A_PSK]	= NLA_POLICY_RANGE(NLA_BINARY, 1, OAKLEY_PSK_MAX),
	[OAKLEY_SECRET_A_RSA_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, 4096),
};

static void oakley_secret_free(struct oakley_secret *secret)
{
	kfree_sensitive(secret->psk);
	oak_rsa_key_free(secret->rsa);
	oakley_stat_dec(secret->on, OAKLEY_STATS_A_OBJECTS);
	kfree(secret);
}

static void oakley_secret_free_rcu(struct rcu_head *rcu)
{
	oakley_secret_free(container_of(rcu, struct oakley_secret, rcu));
}

static void oakley_secret_release(struct kref *ref)
{
	struct oakley_secret *secret = container_of(ref, struct oakley_secret, ref);

	call_rcu(&secret->rcu, oakley_secret_free_rcu);
}

void oakley_secret_put(struct oakley_secret *secret)
{
	if (secret)
		kref_put(&secret->ref, oakley_secret_release);
}

/* Our RSA key: checked by the kernel's rsa when it is loaded, not at first use. */
static int oakley_secret_rsa(struct oakley_secret *secret, const struct nlattr *a,
			     struct netlink_ext_ack *extack)
{
	struct oak_rsa_key *key = oak_rsa_key_new(nla_data(a), nla_len(a));

	if (PTR_ERR_OR_ZERO(key) == -ENOMEM)
		return -ENOMEM;
	if (IS_ERR(key))
		return oakley_err(extack, a,
				  "not an RSA private key of 2048-4096 bits (PKCS#1 DER)");
	secret->rsa = key;
	return 0;
}

static int oakley_secret_material(struct oakley_secret *secret, struct nlattr **tb,
				  struct netlink_ext_ack *extack)
{
	if (tb[OAKLEY_SECRET_A_RSA_KEY])
		return oakley_secret_rsa(secret, tb[OAKLEY_SECRET_A_RSA_KEY], extack);
	secret->len = nla_len(tb[OAKLEY_SECRET_A_PSK]);
	secret->psk = kmemdup(nla_data(tb[OAKLEY_SECRET_A_PSK]), secret->len, GFP_KERNEL);
	return secret->psk ? 0 : -ENOMEM;
}

/**
 * oakley_secret_build - build a secret from an OAKLEY_A_SECRET nest
 * @on: the instance whose counters account for the object
 * @nest: the nest
 * @extack: where a rejection is explained
 *
 * Returns a secret holding one reference, not linked anywhere, or an ERR_PTR.
 */
struct oakley_secret *oakley_secret_build(struct oakley_net *on, const struct nlattr *nest,
					  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OAKLEY_SECRET_A_MAX + 1];
	struct oakley_secret *secret;
	int err;

	err = oakley_nest_parse(tb, OAKLEY_SECRET_A_MAX, nest, oakley_secret_policy, 0, extack);
	if (err)
		return ERR_PTR(err);
	if (!tb[OAKLEY_SECRET_A_NAME])
		return ERR_PTR(oakley_missing(extack, nest, OAKLEY_SECRET_A_NAME,
					      "secret name missing"));
	if (!tb[OAKLEY_SECRET_A_PSK] == !tb[OAKLEY_SECRET_A_RSA_KEY])
		return ERR_PTR(oakley_missing(extack, nest, OAKLEY_SECRET_A_PSK,
					      "secret needs key material: a psk or an rsa key"));
	secret = kzalloc(sizeof(*secret), GFP_KERNEL);
	if (!secret)
		return ERR_PTR(-ENOMEM);
	kref_init(&secret->ref);
	secret->on = on;
	oakley_stat_inc(on, OAKLEY_STATS_A_OBJECTS);
	nla_strscpy(secret->name, tb[OAKLEY_SECRET_A_NAME], sizeof(secret->name));
	if (!oakley_name_valid(secret->name)) {
		err = oakley_err(extack, tb[OAKLEY_SECRET_A_NAME],
				 "invalid secret name (want [A-Za-z0-9_.-]{1,32})");
		goto err_free;
	}
	err = oakley_secret_material(secret, tb, extack);
	if (err)
		goto err_free;
	return secret;

err_free:
	oakley_secret_free(secret);
	return ERR_PTR(err);
}

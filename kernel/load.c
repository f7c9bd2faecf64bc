// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: configuration changes as all-or-nothing transactions.
 *
 * A LOAD first builds every object of the request into private tables
 * (strictly checked, no lock held), then, under the instance's lock, checks
 * the references between objects and finally swaps the objects in.  The
 * swap cannot fail, so any error leaves the configuration untouched.
 */

#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "conn.h"
#include "events.h"
#include "ike.h"
#include "load.h"
#include "netns.h"
#include "nlparse.h"
#include "secret.h"
#include "codec/x509.h"
#include "crypto/pubkey.h"

struct oakley_load {
	struct oakley_net *on;
	bool replace;
	const struct nlattr *limits_src;	/* the OAKLEY_A_LIMITS nest, if any */
	struct oakley_limits limits;		/* defaults + the nest */
	struct hlist_head *conns;	/* private: struct oakley_conn by name */
	struct hlist_head *secrets;	/* private: struct oakley_secret by name */
	unsigned int nconns, nsecrets;	/* in @conns, @secrets */
};

static struct oakley_conn *oakley_load_conn(struct oakley_load *ld, const char *name)
{
	struct oakley_conn *conn;

	hlist_for_each_entry(conn, &ld->conns[oakley_name_hash(name)], node)
		if (!strcmp(conn->name, name))
			return conn;
	return NULL;
}

static struct oakley_secret *oakley_load_secret(struct oakley_load *ld, const char *name)
{
	struct oakley_secret *secret;

	hlist_for_each_entry(secret, &ld->secrets[oakley_name_hash(name)], node)
		if (!strcmp(secret->name, name))
			return secret;
	return NULL;
}

static int oakley_load_add_conn(struct oakley_load *ld, const struct nlattr *nest,
				struct netlink_ext_ack *extack)
{
	struct oakley_conn *conn;

	conn = oakley_conn_build(ld->on, nest, extack);
	if (IS_ERR(conn))
		return PTR_ERR(conn);
	if (oakley_load_conn(ld, conn->name)) {
		oakley_conn_put(conn);
		return oakley_err(extack, nest, "connection defined twice in one request");
	}
	conn->src = nest;
	hlist_add_head(&conn->node, &ld->conns[oakley_name_hash(conn->name)]);
	ld->nconns++;
	return 0;
}

static int oakley_load_add_secret(struct oakley_load *ld, const struct nlattr *nest,
				  struct netlink_ext_ack *extack)
{
	struct oakley_secret *secret;

	secret = oakley_secret_build(ld->on, nest, extack);
	if (IS_ERR(secret))
		return PTR_ERR(secret);
	if (oakley_load_secret(ld, secret->name)) {
		oakley_secret_put(secret);
		return oakley_err(extack, nest, "secret defined twice in one request");
	}
	secret->src = nest;
	hlist_add_head(&secret->node, &ld->secrets[oakley_name_hash(secret->name)]);
	ld->nsecrets++;
	return 0;
}

const struct nla_policy oakley_limits_policy[OAKLEY_LIMITS_A_MAX + 1] = {
	[OAKLEY_LIMITS_A_PAD]			= { .type = NLA_REJECT },
	[OAKLEY_LIMITS_A_HALF_OPEN_COOKIE]	= { .type = NLA_U32 },
	[OAKLEY_LIMITS_A_HALF_OPEN_MAX]		= { .type = NLA_U32 },
	[OAKLEY_LIMITS_A_HALF_OPEN_BYTES]	= { .type = NLA_U64 },
	[OAKLEY_LIMITS_A_INIT_RATE]		= { .type = NLA_U32 },
	[OAKLEY_LIMITS_A_INIT_BURST]		= { .type = NLA_U32 },
};

/* The values' lower bounds (the policy checked types and lengths). */
static int oakley_limits_check(struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct nlattr *a;

	a = tb[OAKLEY_LIMITS_A_HALF_OPEN_MAX];
	if (a && !nla_get_u32(a))
		return oakley_err(extack, a, "half-open-max must be at least 1");
	a = tb[OAKLEY_LIMITS_A_HALF_OPEN_BYTES];
	if (a && nla_get_u64(a) < OAKLEY_HALF_OPEN_BYTES_MIN)
		return oakley_err(extack, a, "half-open-bytes must be at least 64K");
	a = tb[OAKLEY_LIMITS_A_INIT_BURST];
	if (a && !nla_get_u32(a))
		return oakley_err(extack, a, "init-burst must be at least 1");
	return 0;
}

static void oakley_limits_u32(u32 *v, const struct nlattr *a)
{
	if (a)
		*v = nla_get_u32(a);
}

static int oakley_load_limits(struct oakley_load *ld, const struct nlattr *nest,
			      struct netlink_ext_ack *extack)
{
	struct oakley_limits *l = &ld->limits;
	struct nlattr *tb[OAKLEY_LIMITS_A_MAX + 1];
	int err;

	if (ld->limits_src)
		return oakley_err(extack, nest, "limits given twice in one request");
	err = oakley_nest_parse(tb, OAKLEY_LIMITS_A_MAX, nest, oakley_limits_policy, 0, extack);
	if (err)
		return err;
	err = oakley_limits_check(tb, extack);
	if (err)
		return err;
	oakley_limits_u32(&l->half_open_cookie, tb[OAKLEY_LIMITS_A_HALF_OPEN_COOKIE]);
	oakley_limits_u32(&l->half_open_max, tb[OAKLEY_LIMITS_A_HALF_OPEN_MAX]);
	oakley_limits_u32(&l->init_rate, tb[OAKLEY_LIMITS_A_INIT_RATE]);
	oakley_limits_u32(&l->init_burst, tb[OAKLEY_LIMITS_A_INIT_BURST]);
	if (tb[OAKLEY_LIMITS_A_HALF_OPEN_BYTES])
		l->half_open_bytes = nla_get_u64(tb[OAKLEY_LIMITS_A_HALF_OPEN_BYTES]);
	ld->limits_src = nest;
	return 0;
}

static int oakley_load_build(struct oakley_load *ld, const struct nlattr *head, int len,
			     struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, err;

	nla_for_each_attr(a, head, len, rem) {
		switch (nla_type(a)) {
		case OAKLEY_A_CONN:
			err = oakley_load_add_conn(ld, a, extack);
			break;
		case OAKLEY_A_SECRET:
			err = oakley_load_add_secret(ld, a, extack);
			break;
		case OAKLEY_A_LIMITS:
			err = oakley_load_limits(ld, a, extack);
			break;
		case OAKLEY_A_REPLACE:
			err = 0;
			break;
		default:
			err = oakley_err(extack, a, "attribute not allowed in LOAD");
		}
		if (err)
			return err;
	}
	return 0;
}

/*
 * Load the modules and instantiate the algorithms of every connection now,
 * with no lock held, rather than in its first handshake under the engine's
 * lock (kernel/core/warm.c).  Cheap when they were loaded before.
 */
static void oakley_load_warm(struct oakley_load *ld)
{
	struct oakley_conn *conn;
	unsigned int i;

	for (i = 0; i < OAKLEY_HASH_SIZE; i++)
		hlist_for_each_entry(conn, &ld->conns[i], node)
			oakley_ike_conn_warm(conn);
}

/* The secret @name as it will be after this request, or NULL.  (on->lock held) */
static struct oakley_secret *oakley_load_find(struct oakley_load *ld, const char *name)
{
	struct oakley_secret *secret = oakley_load_secret(ld, name);

	if (secret || ld->replace)
		return secret;
	return oakley_secret_lookup(ld->on, name);
}

/* Is @conn's key an RSA key, the private half of its certificate? */
static int oakley_load_check_key(struct oakley_load *ld, struct oakley_conn *conn,
				 struct netlink_ext_ack *extack)
{
	const struct nlattr *a = nla_find_nested(conn->src, OAKLEY_CONN_A_KEY);
	struct oakley_secret *secret = oakley_load_find(ld, conn->key);
	struct x509_cert *cert;
	bool match;

	if (!secret)
		return oakley_err(extack, a,
				  "key not found (neither in the request nor installed)");
	if (!secret->rsa)
		return oakley_err(extack, a, "key names a secret that holds no private key");
	cert = kmalloc(sizeof(*cert), GFP_KERNEL);
	if (!cert)
		return -ENOMEM;
	match = !x509_parse(conn->certs->b[0].data, conn->certs->b[0].len, cert) &&
		oak_rsa_key_matches(secret->rsa, &cert->key);
	kfree(cert);
	if (!match)
		return oakley_err(extack, a, "the key does not match the certificate");
	return 0;
}

/* Does every connection name secrets and keys that will exist?  (on->lock held) */
static int oakley_load_check_secrets(struct oakley_load *ld, struct netlink_ext_ack *extack)
{
	struct oakley_conn *conn;
	unsigned int i;
	int err;

	for (i = 0; i < OAKLEY_HASH_SIZE; i++) {
		hlist_for_each_entry(conn, &ld->conns[i], node) {
			if (conn->key[0]) {
				err = oakley_load_check_key(ld, conn, extack);
				if (err)
					return err;
			}
			if (!conn->secret[0] || oakley_load_find(ld, conn->secret))
				continue;
			return oakley_err(extack, nla_find_nested(conn->src, OAKLEY_CONN_A_SECRET),
					  "secret not found (neither in the request nor installed)");
		}
	}
	return 0;
}

static void oakley_remove_conn(struct oakley_net *on, struct oakley_conn *conn)
{
	oakley_conn_unlink(on, conn);
	oakley_ike_conn_removed(on, conn);
	oakley_event_conn(on, OAKLEY_EVENT_CONN_DELETED, conn->name);
	oakley_conn_put(conn);
}

static void oakley_remove_secret(struct oakley_net *on, struct oakley_secret *secret)
{
	oakley_secret_unlink(on, secret);
	oakley_event_secret(on, OAKLEY_EVENT_SECRET_DELETED, secret->name);
	oakley_secret_put(secret);
}

/* With OAKLEY_A_REPLACE: remove what the request does not name. */
static void oakley_load_prune(struct oakley_load *ld)
{
	struct oakley_net *on = ld->on;
	struct oakley_names *names = oakley_names_get(on);
	struct oakley_secret *secret;
	struct oakley_conn *conn;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; names && i < OAKLEY_HASH_SIZE; i++) {
		hlist_for_each_entry_safe(conn, tmp, &names->conns[i], node)
			if (!oakley_load_conn(ld, conn->name))
				oakley_remove_conn(on, conn);
		hlist_for_each_entry_safe(secret, tmp, &names->secrets[i], node)
			if (!oakley_load_secret(ld, secret->name))
				oakley_remove_secret(on, secret);
	}
}

static void oakley_load_commit_secret(struct oakley_net *on, struct oakley_secret *secret)
{
	struct oakley_secret *old = oakley_secret_lookup(on, secret->name);

	hlist_del(&secret->node);
	secret->src = NULL;
	if (old) {
		oakley_secret_replace(on, old, secret);
		oakley_secret_put(old);
	} else {
		oakley_secret_link(on, secret);
	}
	oakley_event_secret(on, OAKLEY_EVENT_SECRET_ADDED, secret->name);
}

static void oakley_load_commit_conn(struct oakley_net *on, struct oakley_conn *conn)
{
	struct oakley_conn *old = oakley_conn_lookup(on, conn->name);

	hlist_del(&conn->node);
	conn->src = NULL;
	if (old && oakley_conn_equal(old, conn)) {
		/* Unchanged: keep the installed object and its SAs. */
		oakley_conn_put(conn);
		return;
	}
	if (old) {
		oakley_conn_replace(on, old, conn);
		oakley_ike_conn_removed(on, old);
		oakley_conn_put(old);
	} else {
		oakley_conn_link(on, conn);
	}
	oakley_ike_conn_added(on, conn);
	oakley_event_conn(on, OAKLEY_EVENT_CONN_ADDED, conn->name);
}

/* Cannot fail.  (on->lock held) */
static void oakley_load_commit(struct oakley_load *ld)
{
	struct oakley_secret *secret;
	struct oakley_conn *conn;
	struct hlist_node *tmp;
	unsigned int i;

	if (ld->replace)
		oakley_load_prune(ld);
	if (ld->replace || ld->limits_src)
		oakley_ike_set_limits(ld->on, &ld->limits);
	for (i = 0; i < OAKLEY_HASH_SIZE; i++)
		hlist_for_each_entry_safe(secret, tmp, &ld->secrets[i], node)
			oakley_load_commit_secret(ld->on, secret);
	for (i = 0; i < OAKLEY_HASH_SIZE; i++)
		hlist_for_each_entry_safe(conn, tmp, &ld->conns[i], node)
			oakley_load_commit_conn(ld->on, conn);
}

static void oakley_load_free(struct oakley_load *ld)
{
	struct oakley_secret *secret;
	struct oakley_conn *conn;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; ld->conns && i < OAKLEY_HASH_SIZE; i++) {
		hlist_for_each_entry_safe(conn, tmp, &ld->conns[i], node) {
			hlist_del(&conn->node);
			oakley_conn_put(conn);
		}
	}
	for (i = 0; ld->secrets && i < OAKLEY_HASH_SIZE; i++) {
		hlist_for_each_entry_safe(secret, tmp, &ld->secrets[i], node) {
			hlist_del(&secret->node);
			oakley_secret_put(secret);
		}
	}
	oakley_hash_free(ld->conns);
	oakley_hash_free(ld->secrets);
}

/**
 * oakley_load - apply a LOAD request, all or nothing
 * @on: the instance
 * @head: the request's top-level attributes (OAKLEY_A_CONN, _SECRET, _LIMITS, _REPLACE)
 * @len: their length in bytes
 * @replace: the configuration becomes exactly the request's
 * @extack: where a rejection is explained
 */
int oakley_load(struct oakley_net *on, const struct nlattr *head, int len, bool replace,
		struct netlink_ext_ack *extack)
{
	struct oakley_load ld = { .on = on, .replace = replace };
	bool warm;
	int err;

	oakley_ike_limits_default(&ld.limits);

	ld.conns = oakley_hash_alloc();
	ld.secrets = oakley_hash_alloc();
	err = -ENOMEM;
	if (ld.conns && ld.secrets)
		err = oakley_load_build(&ld, head, len, extack);
	if (!err) {
		warm = !oakley_ike_warm_hold();
		if (warm)
			oakley_load_warm(&ld);
		mutex_lock(&on->lock);
		err = oakley_load_check_secrets(&ld, extack);
		/* the name tables and the engine, made by the first LOAD that needs them */
		if (!err && (ld.nconns || ld.nsecrets))
			err = oakley_net_grow(on, ld.nconns);
		if (!err)
			oakley_load_commit(&ld);
		oakley_net_settle(on);
		mutex_unlock(&on->lock);
		if (warm)
			oakley_ike_warm_release();
	}
	oakley_load_free(&ld);
	return err;
}

int oakley_conn_delete(struct oakley_net *on, const char *name, struct netlink_ext_ack *extack)
{
	struct oakley_conn *conn;
	int err = 0;

	mutex_lock(&on->lock);
	conn = oakley_conn_lookup(on, name);
	if (conn)
		oakley_remove_conn(on, conn);
	else
		err = -ENOENT;
	oakley_net_settle(on);	/* the last connection takes the engine along */
	mutex_unlock(&on->lock);
	if (err)
		NL_SET_ERR_MSG(extack, "connection not found");
	return err;
}

static bool oakley_secret_in_use(struct oakley_net *on, const char *name)
{
	struct oakley_names *names = oakley_names_get(on);
	struct oakley_conn *conn;
	unsigned int i;

	for (i = 0; names && i < OAKLEY_HASH_SIZE; i++)
		hlist_for_each_entry(conn, &names->conns[i], node)
			if (!strcmp(conn->secret, name) || !strcmp(conn->key, name))
				return true;
	return false;
}

int oakley_secret_delete(struct oakley_net *on, const char *name,
			 struct netlink_ext_ack *extack)
{
	struct oakley_secret *secret;
	int err = 0;

	mutex_lock(&on->lock);
	secret = oakley_secret_lookup(on, name);
	if (!secret) {
		NL_SET_ERR_MSG(extack, "secret not found");
		err = -ENOENT;
	} else if (oakley_secret_in_use(on, name)) {
		NL_SET_ERR_MSG(extack, "secret is in use by a connection");
		err = -EBUSY;
	} else {
		oakley_remove_secret(on, secret);
	}
	oakley_net_settle(on);
	mutex_unlock(&on->lock);
	return err;
}

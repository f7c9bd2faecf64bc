// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: the "oakley" generic netlink family, the control plane.
 */

#include <linux/rculist.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "conn.h"
#include "ike.h"
#include "load.h"
#include "netlink.h"
#include "netns.h"
#include "nlparse.h"
#include "secret.h"

#define OAKLEY_NAME_POLICY	{ .type = NLA_NUL_STRING, .len = OAKLEY_NAME_MAX }

/* One policy per request shape: any other attribute is rejected. */
static const struct nla_policy oakley_load_policy[OAKLEY_A_MAX + 1] = {
	[OAKLEY_A_CONN]		= NLA_POLICY_NESTED(oakley_conn_policy),
	[OAKLEY_A_SECRET]	= NLA_POLICY_NESTED(oakley_secret_policy),
	[OAKLEY_A_LIMITS]	= NLA_POLICY_NESTED(oakley_limits_policy),
	[OAKLEY_A_REPLACE]	= { .type = NLA_FLAG },
};

static const struct nla_policy oakley_conn_name_policy[OAKLEY_A_MAX + 1] = {
	[OAKLEY_A_CONN_NAME]	= OAKLEY_NAME_POLICY,
};

static const struct nla_policy oakley_updown_policy[OAKLEY_A_MAX + 1] = {
	[OAKLEY_A_CONN_NAME]	= OAKLEY_NAME_POLICY,
	[OAKLEY_A_CHILD_NAME]	= OAKLEY_NAME_POLICY,
};

static const struct nla_policy oakley_secret_name_policy[OAKLEY_A_MAX + 1] = {
	[OAKLEY_A_SECRET_NAME]	= OAKLEY_NAME_POLICY,
};

/* No attributes at all. */
static const struct nla_policy oakley_empty_policy[OAKLEY_A_MAX + 1] = {
};

static struct oakley_net *oakley_info_net(struct genl_info *info)
{
	return oakley_net(genl_info_net(info));
}

static struct oakley_net *oakley_cb_net(struct netlink_callback *cb)
{
	return oakley_net(sock_net(cb->skb->sk));
}

static int oakley_nl_load(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *head = nlmsg_attrdata(info->nlhdr, GENL_HDRLEN);
	int len = nlmsg_attrlen(info->nlhdr, GENL_HDRLEN);

	return oakley_load(oakley_info_net(info), head, len, !!info->attrs[OAKLEY_A_REPLACE],
			   info->extack);
}

static const char *oakley_nl_name(struct genl_info *info, int attr)
{
	if (GENL_REQ_ATTR_CHECK(info, attr))
		return NULL;
	return nla_data(info->attrs[attr]);
}

static int oakley_nl_conn_del(struct sk_buff *skb, struct genl_info *info)
{
	const char *name = oakley_nl_name(info, OAKLEY_A_CONN_NAME);

	if (!name) {
		GENL_SET_ERR_MSG(info, "connection name missing");
		return -EINVAL;
	}
	return oakley_conn_delete(oakley_info_net(info), name, info->extack);
}

static int oakley_nl_secret_del(struct sk_buff *skb, struct genl_info *info)
{
	const char *name = oakley_nl_name(info, OAKLEY_A_SECRET_NAME);

	if (!name) {
		GENL_SET_ERR_MSG(info, "secret name missing");
		return -EINVAL;
	}
	return oakley_secret_delete(oakley_info_net(info), name, info->extack);
}

static struct oakley_conn *oakley_nl_conn(struct genl_info *info)
{
	const char *name = oakley_nl_name(info, OAKLEY_A_CONN_NAME);
	struct oakley_conn *conn;

	if (!name) {
		GENL_SET_ERR_MSG(info, "connection name missing");
		return ERR_PTR(-EINVAL);
	}
	conn = oakley_conn_find(oakley_info_net(info), name);
	if (!conn) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[OAKLEY_A_CONN_NAME],
				    "connection not found");
		return ERR_PTR(-ENOENT);
	}
	return conn;
}

static int oakley_nl_conn_get(struct sk_buff *skb, struct genl_info *info)
{
	struct oakley_conn *conn;
	struct sk_buff *msg;
	void *hdr;
	int err = -EMSGSIZE;

	conn = oakley_nl_conn(info);
	if (IS_ERR(conn))
		return PTR_ERR(conn);
	msg = genlmsg_new(oakley_conn_msg_size(conn), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_put;
	}
	hdr = genlmsg_put_reply(msg, info, &oakley_genl_family, 0, OAKLEY_CMD_CONN_GET);
	if (!hdr || oakley_conn_fill(msg, OAKLEY_A_CONN, conn))
		goto err_free;
	genlmsg_end(msg, hdr);
	oakley_conn_put(conn);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
err_put:
	oakley_conn_put(conn);
	return err;
}

void *oakley_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &oakley_genl_family, NLM_F_MULTI, cmd);
}

static int oakley_nl_dump_conn(struct sk_buff *skb, struct netlink_callback *cb,
			       const struct oakley_conn *conn)
{
	void *hdr = oakley_nl_dump_put(skb, cb, OAKLEY_CMD_CONN_GET);

	if (!hdr)
		return -EMSGSIZE;
	nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	if (oakley_conn_fill(skb, OAKLEY_A_CONN, conn)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Make every dump buffer large enough for the largest connection. */
static int oakley_nl_conn_dump_start(struct netlink_callback *cb)
{
	struct oakley_net *on = oakley_cb_net(cb);
	const struct oakley_names *names;
	const struct oakley_conn *conn;
	size_t largest = 0;
	unsigned int i;

	rcu_read_lock();
	names = oakley_names_rcu(on);
	for (i = 0; names && i < OAKLEY_HASH_SIZE; i++)
		hlist_for_each_entry_rcu(conn, &names->conns[i], node)
			largest = max(largest, oakley_conn_msg_size(conn));
	rcu_read_unlock();
	cb->min_dump_alloc = largest;
	return 0;
}

/* cb->args[0]: hash bucket; cb->args[1]: entries of it already sent. */
static int oakley_nl_conn_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct oakley_net *on = oakley_cb_net(cb);
	unsigned long bucket = cb->args[0], done = cb->args[1], idx;
	const struct oakley_names *names;
	const struct oakley_conn *conn;
	int err = 0;

	rcu_read_lock();
	cb->seq = READ_ONCE(on->conn_gen);
	names = oakley_names_rcu(on);	/* none: no connection, nothing to send */
	for (; names && bucket < OAKLEY_HASH_SIZE; bucket++, done = 0) {
		idx = 0;
		hlist_for_each_entry_rcu(conn, &names->conns[bucket], node) {
			if (idx++ < done)
				continue;
			err = oakley_nl_dump_conn(skb, cb, conn);
			if (err)
				goto out;
			done++;
		}
	}
out:
	rcu_read_unlock();
	cb->args[0] = bucket;
	cb->args[1] = done;
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int oakley_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return oakley_ike_dump_sas(oakley_cb_net(cb), skb, cb);
}

static int oakley_nl_sa_dump_done(struct netlink_callback *cb)
{
	return oakley_ike_dump_sas_done(cb);
}

static int oakley_nl_updown(struct genl_info *info, u8 cmd)
{
	const struct nlattr *child_attr = info->attrs[OAKLEY_A_CHILD_NAME];
	struct oakley_net *on = oakley_info_net(info);
	const char *child = NULL;
	struct oakley_conn *conn;
	int err;

	conn = oakley_nl_conn(info);
	if (IS_ERR(conn))
		return PTR_ERR(conn);
	if (child_attr) {
		child = nla_data(child_attr);
		if (!oakley_conn_child(conn, child)) {
			NL_SET_ERR_MSG_ATTR(info->extack, child_attr, "child not found");
			err = -ENOENT;
			goto out;
		}
	}
	if (cmd == OAKLEY_CMD_INITIATE)
		err = oakley_ike_initiate(on, conn, child, info->extack);
	else if (cmd == OAKLEY_CMD_REKEY)
		err = oakley_ike_rekey(on, conn, child, info->extack);
	else
		err = oakley_ike_terminate(on, conn, child, info->extack);
out:
	oakley_conn_put(conn);
	return err;
}

static int oakley_nl_initiate(struct sk_buff *skb, struct genl_info *info)
{
	return oakley_nl_updown(info, OAKLEY_CMD_INITIATE);
}

static int oakley_nl_terminate(struct sk_buff *skb, struct genl_info *info)
{
	return oakley_nl_updown(info, OAKLEY_CMD_TERMINATE);
}

static int oakley_nl_rekey(struct sk_buff *skb, struct genl_info *info)
{
	return oakley_nl_updown(info, OAKLEY_CMD_REKEY);
}

static int oakley_nl_stats_fill(struct sk_buff *msg, struct oakley_net *on)
{
	struct nlattr *nest = nla_nest_start(msg, OAKLEY_A_STATS);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = OAKLEY_STATS_A_PAD + 1; i <= OAKLEY_STATS_A_MAX; i++)
		if (nla_put_u64_64bit(msg, i, oakley_stat_read(on, i), OAKLEY_STATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int oakley_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &oakley_genl_family, 0, OAKLEY_CMD_STATS_GET);
	if (!hdr || oakley_nl_stats_fill(msg, oakley_info_net(info))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Every command needs CAP_NET_ADMIN over the namespace, reads included: the
 * configuration and the SAs name peers, identities, secrets and SPIs, which
 * xfrm_user does not show to unprivileged users either.
 */
static const struct genl_ops oakley_genl_ops[] = {
	{
		.cmd = OAKLEY_CMD_LOAD,
		.doit = oakley_nl_load,
		.policy = oakley_load_policy,
		.maxattr = OAKLEY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = OAKLEY_CMD_CONN_DEL,
		.doit = oakley_nl_conn_del,
		.policy = oakley_conn_name_policy,
		.maxattr = OAKLEY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = OAKLEY_CMD_CONN_GET,
		.doit = oakley_nl_conn_get,
		.start = oakley_nl_conn_dump_start,
		.dumpit = oakley_nl_conn_dump,
		.policy = oakley_conn_name_policy,
		.maxattr = OAKLEY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = OAKLEY_CMD_SECRET_DEL,
		.doit = oakley_nl_secret_del,
		.policy = oakley_secret_name_policy,
		.maxattr = OAKLEY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = OAKLEY_CMD_SA_GET,
		.dumpit = oakley_nl_sa_dump,
		.done = oakley_nl_sa_dump_done,
		.policy = oakley_empty_policy,
		.maxattr = OAKLEY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = OAKLEY_CMD_INITIATE,
		.doit = oakley_nl_initiate,
		.policy = oakley_updown_policy,
		.maxattr = OAKLEY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = OAKLEY_CMD_TERMINATE,
		.doit = oakley_nl_terminate,
		.policy = oakley_updown_policy,
		.maxattr = OAKLEY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = OAKLEY_CMD_STATS_GET,
		.doit = oakley_nl_stats_get,
		.policy = oakley_empty_policy,
		.maxattr = OAKLEY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = OAKLEY_CMD_REKEY,
		.doit = oakley_nl_rekey,
		.policy = oakley_updown_policy,
		.maxattr = OAKLEY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/* Events name peers, identities and SPIs: as private as the GETs. */
static const struct genl_multicast_group oakley_mcgrps[] = {
	[OAKLEY_MCGRP_ID_EVENTS] = {
		.name = OAKLEY_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family oakley_genl_family __ro_after_init = {
	.name = OAKLEY_GENL_NAME,
	.version = OAKLEY_GENL_VERSION,
	.maxattr = OAKLEY_A_MAX,
	.netnsok = true,
	/* on->lock and RCU protect everything: do not hold genl_mutex for all families */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = oakley_genl_ops,
	.n_ops = ARRAY_SIZE(oakley_genl_ops),
	.mcgrps = oakley_mcgrps,
	.n_mcgrps = ARRAY_SIZE(oakley_mcgrps),
};

int __init oakley_genl_register(void)
{
	return genl_register_family(&oakley_genl_family);
}

void oakley_genl_unregister(void)
{
	genl_unregister_family(&oakley_genl_family);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: configuration changes as all-or-nothing transactions.
 */
#ifndef _OAKLEY_LOAD_H
#define _OAKLEY_LOAD_H

#include <linux/types.h>
#include <net/netlink.h>
#include <linux/oakley.h>

struct netlink_ext_ack;
struct nlattr;
struct oakley_net;

/* OAKLEY_A_LIMITS in a LOAD request. */
extern const struct nla_policy oakley_limits_policy[OAKLEY_LIMITS_A_MAX + 1];

int oakley_load(struct oakley_net *on, const struct nlattr *head, int len, bool replace,
		struct netlink_ext_ack *extack);
int oakley_conn_delete(struct oakley_net *on, const char *name, struct netlink_ext_ack *extack);
int oakley_secret_delete(struct oakley_net *on, const char *name,
			 struct netlink_ext_ack *extack);

#endif /* _OAKLEY_LOAD_H */

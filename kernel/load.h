/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: configuration changes as all-or-nothing transactions.
 */
#ifndef _OAKLEY_LOAD_H
#define _OAKLEY_LOAD_H

#include <linux/types.h>

struct netlink_ext_ack;
struct nlattr;
struct oakley_net;

int oakley_load(struct oakley_net *on, const struct nlattr *head, int len, bool replace,
		struct netlink_ext_ack *extack);
int oakley_conn_delete(struct oakley_net *on, const char *name, struct netlink_ext_ack *extack);
int oakley_secret_delete(struct oakley_net *on, const char *name,
			 struct netlink_ext_ack *extack);

#endif /* _OAKLEY_LOAD_H */

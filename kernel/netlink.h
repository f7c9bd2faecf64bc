/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: the "oakley" generic netlink family.
 */
#ifndef _OAKLEY_NETLINK_H
#define _OAKLEY_NETLINK_H

#include <net/genetlink.h>

/* Index of "events" in the family's multicast groups. */
#define OAKLEY_MCGRP_ID_EVENTS	0

extern struct genl_family oakley_genl_family;

int oakley_genl_register(void);
void oakley_genl_unregister(void);

/* Start one NLM_F_MULTI message of a dump (for oakley_ike_dump_sas()). */
void *oakley_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);

#endif /* _OAKLEY_NETLINK_H */

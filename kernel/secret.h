/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: write-only secrets (pre-shared keys).
 */
#ifndef _OAKLEY_SECRET_H
#define _OAKLEY_SECRET_H

#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/oakley.h>
#include <net/netlink.h>

struct oakley_net;

struct oak_rsa_key;

/*
 * Key material is never reported; it is wiped when the secret is freed.
 * A secret holds a pre-shared key (@psk) or our RSA private key (@rsa,
 * from a [key] section of oak's configuration), never both.
 */
struct oakley_secret {
	struct hlist_node node;		/* in the namespace's (or a LOAD's) table */
	struct rcu_head rcu;
	struct kref ref;
	struct oakley_net *on;
	const struct nlattr *src;	/* during LOAD only: the request nest */
	char name[OAKLEY_NAME_MAX + 1];
	u16 len;
	u8 *psk;
	struct oak_rsa_key *rsa;
};

extern const struct nla_policy oakley_secret_policy[OAKLEY_SECRET_A_MAX + 1];

struct oakley_secret *oakley_secret_build(struct oakley_net *on, const struct nlattr *nest,
					  struct netlink_ext_ack *extack);
void oakley_secret_put(struct oakley_secret *secret);

static inline struct oakley_secret *oakley_secret_get(struct oakley_secret *secret)
{
	kref_get(&secret->ref);
	return secret;
}

#endif /* _OAKLEY_SECRET_H */

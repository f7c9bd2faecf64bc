/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: strict parsing helpers for configuration nests.
 */
#ifndef _OAKLEY_NLPARSE_H
#define _OAKLEY_NLPARSE_H

#include <linux/bits.h>
#include <net/netlink.h>

/* Reject with a message naming the problem and the attribute at fault. */
#define oakley_err(extack, attr, msg) ({			\
	NL_SET_ERR_MSG_ATTR((extack), (attr), msg);		\
	-EINVAL;						\
})

/* Reject a valid value that the engine does not implement (yet). */
#define oakley_unsupported(extack, attr, msg) ({		\
	NL_SET_ERR_MSG_ATTR((extack), (attr), msg);		\
	-EOPNOTSUPP;						\
})

/* Reject because attribute @type is missing from @nest. */
#define oakley_missing(extack, nest, type, msg) ({		\
	struct netlink_ext_ack *__ex = (extack);		\
								\
	NL_SET_ERR_MSG(__ex, msg);				\
	NL_SET_ERR_ATTR_MISS(__ex, (nest), (type));		\
	-EINVAL;						\
})

int oakley_nest_parse(struct nlattr **tb, int maxtype, const struct nlattr *nest,
		      const struct nla_policy *policy, u64 repeated,
		      struct netlink_ext_ack *extack);

#endif /* _OAKLEY_NLPARSE_H */

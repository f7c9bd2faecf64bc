// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: strict parsing helpers for configuration nests.
 */

#include "nlparse.h"

/**
 * oakley_nest_parse - parse and strictly validate a nest
 * @tb: the table to fill, @maxtype + 1 entries
 * @maxtype: the highest attribute type of @policy
 * @nest: the nest
 * @policy: its policy
 * @repeated: bit N set when attribute type N may appear more than once
 * @extack: where a rejection is explained
 *
 * Unlike nla_parse_nested() alone, an attribute that appears twice (and is
 * not in @repeated) is an error rather than "the last one wins".
 */
int oakley_nest_parse(struct nlattr **tb, int maxtype, const struct nlattr *nest,
		      const struct nla_policy *policy, u64 repeated,
		      struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	u64 seen = 0;
	int rem, err;

	if (WARN_ON_ONCE(maxtype >= 64))
		return -EINVAL;
	err = nla_parse_nested(tb, maxtype, nest, policy, extack);
	if (err)
		return err;
	nla_for_each_nested(a, nest, rem) {
		u64 bit = BIT_ULL(nla_type(a));

		if (repeated & bit)
			continue;
		if (seen & bit)
			return oakley_err(extack, a, "attribute given twice");
		seen |= bit;
	}
	return 0;
}

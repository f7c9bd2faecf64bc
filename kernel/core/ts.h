/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley core: traffic selectors as address ranges (ts.c, RFC 7296 §2.9):
 * from the configuration, narrowing, checks, and the xfrm selectors of a
 * Child SA.  The range form is the codec's struct ike_ts_payload; the IKEv2
 * exchanges put it on the wire as TSi/TSr, the trap policies (trap.c) and
 * Child SA installation use it without a wire.
 */
#ifndef OAKLEY_CORE_TS_H
#define OAKLEY_CORE_TS_H

#include <linux/types.h>

#include "../codec/ikev2_wire.h"

struct oak_addr;
struct oak_ts;
struct oakley_tslist;

int oak_ts_from_conf(const struct oakley_tslist *l, const struct oak_addr *dflt,
		     struct ike_ts_payload *out);
int oak_ts_narrow(const struct ike_ts_payload *peer, const struct ike_ts_payload *ours,
		  struct ike_ts_payload *out);
bool oak_ts_subset(const struct ike_ts_payload *got, const struct ike_ts_payload *ours);
bool oak_ts_covers(const struct ike_ts_payload *ts, const struct ike_ts *t);
int oak_ts_prepend_addr(struct ike_ts_payload *ts, u16 family, const u8 *addr);
int oak_ts_to_xfrm(const struct ike_ts_payload *ts, struct oak_ts *out, unsigned int max);

#endif /* OAKLEY_CORE_TS_H */

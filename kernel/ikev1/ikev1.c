// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv1 (RFC 2409): not implemented yet.  Its operations table
 * keeps the place IKEv1 will take: datagrams with major version 1 come
 * here and are dropped (counted as malformed, as before the table existed),
 * and the core refuses to initiate an IKEv1 connection with the message
 * below (the control plane refuses to load one anyway).  The ISAKMP codec
 * (kernel/codec/isakmp_*) and the IKEv1 key derivation
 * (kernel/crypto/ikev1_keys.c) exist already.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/oakley.h>

#include "../core/proto.h"
#include "../core/sa.h"

static void oak_ikev1_rx(struct oak_ike_net *in, u8 *buf, size_t len,
			 const struct oak_addr *src, const struct oak_addr *dst)
{
	oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
}

const struct oak_proto_ops oak_ikev1_ops = {
	.name = "IKEv1",
	.major = 1,
	.unavailable = "IKEv1 is not implemented yet",
	.rx = oak_ikev1_rx,
};

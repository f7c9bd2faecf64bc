// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: the IKE versions the core knows (struct oak_proto_ops, proto.h),
 * and the demultiplexing of a received datagram to one of them.  The one
 * place that names them: a new version adds its table here and in proto.h,
 * and nothing else in kernel/core/ changes.
 */
#include <linux/types.h>

#include "proto.h"
#include "sa.h"

/* The IKE header's version octet: major in the high nibble (RFC 7296 §3.1). */
const struct oak_proto_ops *oak_proto_by_major(u8 major)
{
	switch (major) {
	case 2:
		return &oak_ikev2_ops;
	case 1:
		return &oak_ikev1_ops;
	default:
		return NULL;
	}
}

/* OAKLEY_CONN_A_VERSION: 2 or 1. */
const struct oak_proto_ops *oak_proto_by_version(u8 version)
{
	return oak_proto_by_major(version);
}

/* The version octet: the same place in ISAKMP (RFC 2408 §3.1) and IKEv2 headers. */
#define OAK_HDR_VERSION_OFF	17

/*
 * Hand a datagram to its IKE version by the major version of its header
 * (RFC 7296 §3.1: the high nibble of octet 17; socket.c checked that a
 * whole header is there).  Another major version is dropped and counted as
 * malformed (what IKEv2's parser did with every major but 2).
 */
void oak_proto_rx(struct oak_ike_net *in, u8 *buf, size_t len, const struct oak_addr *src,
		  const struct oak_addr *dst)
{
	const struct oak_proto_ops *ops = oak_proto_by_major(buf[OAK_HDR_VERSION_OFF] >> 4);

	if (!ops) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		return;
	}
	ops->rx(in, buf, len, src, dst);
}

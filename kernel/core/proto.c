// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: the IKE versions the core knows (struct oak_proto_ops, proto.h).
 * The one place that names them: a new version adds its table here and in
 * proto.h, and nothing else in kernel/core/ changes.
 */
#include <linux/types.h>

#include "proto.h"

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

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: parse an ISAKMP message, rebuild it with the builders, parse
 * again: the structures must be equal, the length the same, and rebuilding
 * the rebuilt message must give the same bytes.
 */
#include "isakmp_util.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static u8 out[ISAKMP_MAX_MSG + 64], out2[ISAKMP_MAX_MSG + 64];

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct isakmp_msg m, m2;
	size_t n, n2;
	int rc;

	if (isakmp_parse_msg(data, size, &m))
		return 0;
	rc = isakmp_rebuild_msg(&m, data, out, sizeof(out), &n);
	CODEC_ASSERT(rc == 0 && n == size);
	rc = isakmp_parse_msg(out, n, &m2);
	CODEC_ASSERT(rc == 0);
	CODEC_ASSERT(isakmp_msg_equal(&m, &m2, true));
	CODEC_ASSERT(isakmp_chain_typed_equal(&m, &m2));
	if (m.flags & ISAKMP_FLAG_ENC)
		CODEC_ASSERT(!memcmp(out, data, n));

	rc = isakmp_rebuild_msg(&m2, out, out2, sizeof(out2), &n2);
	CODEC_ASSERT(rc == 0 && n2 == n && !memcmp(out, out2, n));
	return 0;
}

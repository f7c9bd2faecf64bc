// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the first byte selects an ISAKMP payload type
 * (isakmp_fuzz_types[]), the rest is its body.  What parses is rebuilt and
 * must parse back equal, and byte for byte the same length.
 */
#include "isakmp_util.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static u8 out[ISAKMP_MAX_MSG + 64];

static void inner_chain(const u8 *data, size_t size)
{
	static struct isakmp_msg m;
	static struct isakmp_typed t;
	unsigned int i;
	int rc;

	if (size < 1)
		return;
	rc = isakmp_parse_inner(data + 1, size - 1, data[0], &m);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	if (rc)
		return;
	isakmp_check_chain(&m, data + 1, size - 1, 0);
	for (i = 0; i < m.npayloads; i++)
		isakmp_parse_typed(m.pl[i].type, m.pl[i].body, m.pl[i].len, &t);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct isakmp_typed t, t2;
	struct isakmp_payload pl;
	struct isakmp_buf b;
	u8 type;

	if (size < 1)
		return 0;
	type = isakmp_fuzz_types[data[0] % ISAKMP_FUZZ_NSEL];
	if (type == ISAKMP_PL_NONE) {
		inner_chain(data + 1, size - 1);
		return 0;
	}
	isakmp_parse_typed(type, data + 1, size - 1, &t);
	if (t.rc || size - 1 > ISAKMP_MAX_MSG - ISAKMP_GENERIC_HDR_LEN)
		return 0;

	pl = (struct isakmp_payload){ .type = type, .len = size - 1, .body = data + 1 };
	isakmp_buf_init(&b, out, sizeof(out));
	isakmp_rebuild_payload(&b, &pl);
	CODEC_ASSERT(!b.err && b.len == size - 1 + ISAKMP_GENERIC_HDR_LEN);
	CODEC_ASSERT(get_unaligned_be16(out + 2) == b.len && out[0] == 0 && out[1] == 0);
	isakmp_parse_typed(type, out + 4, b.len - 4, &t2);
	CODEC_ASSERT(isakmp_typed_equal(&t, &t2));
	return 0;
}

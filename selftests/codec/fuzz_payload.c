// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the first byte selects a payload type (fuzz_payload_types[]),
 * the rest is its body.  What parses is rebuilt and must parse back equal.
 */
#include "codec_util.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static u8 out[IKE_MAX_MSG + 64];

static void inner_chain(const u8 *data, size_t size)
{
	static struct ike_msg m;
	static struct typed t;
	unsigned int i;
	int rc;

	if (size < 1)
		return;
	rc = ike_parse_inner(data + 1, size - 1, data[0], &m);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	if (rc)
		return;
	check_chain(&m, data + 1, size - 1, 0);
	for (i = 0; i < m.npayloads; i++)
		parse_typed(m.pl[i].type, m.pl[i].body, m.pl[i].len, &t);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct typed t, t2;
	struct ike_payload pl;
	struct ike_buf b;
	u8 type;

	if (size < 1)
		return 0;
	type = fuzz_payload_types[data[0] % FUZZ_PAYLOAD_NSEL];
	if (type == IKE_PL_NONE) {
		inner_chain(data + 1, size - 1);
		return 0;
	}
	parse_typed(type, data + 1, size - 1, &t);
	if (t.rc || size - 1 > IKE_MAX_MSG - IKE_GENERIC_HDR_LEN)
		return 0;

	pl = (struct ike_payload){ .type = type, .len = size - 1, .body = data + 1 };
	ike_buf_init(&b, out, sizeof(out));
	rebuild_payload(&b, &pl);
	CODEC_ASSERT(!b.err && b.len >= IKE_GENERIC_HDR_LEN && b.len <= size - 1 + 4);
	CODEC_ASSERT(get_unaligned_be16(out + 2) == b.len && out[0] == 0 && out[1] == 0);
	parse_typed(type, out + 4, b.len - 4, &t2);
	CODEC_ASSERT(typed_equal(&t, &t2));
	return 0;
}

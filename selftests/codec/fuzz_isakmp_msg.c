// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: parse any datagram as an ISAKMP message and every payload with
 * its typed parser.  The body of a message flagged encrypted is also taken
 * as a decrypted chain (what the engine hands to isakmp_parse_inner()).
 */
#include "isakmp_util.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void typed_all(const struct isakmp_msg *m)
{
	static struct isakmp_typed t;
	unsigned int i;

	for (i = 0; i < m->npayloads; i++)
		isakmp_parse_typed(m->pl[i].type, m->pl[i].body, m->pl[i].len, &t);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct isakmp_msg m, inner;
	int rc;

	rc = isakmp_parse_msg(data, size, &m);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG || rc == -EOPNOTSUPP);
	if (rc)
		return 0;
	CODEC_ASSERT(m.length == size && size >= ISAKMP_HDR_LEN);
	CODEC_ASSERT((m.version >> 4) == 1);
	if (!(m.flags & ISAKMP_FLAG_ENC)) {
		isakmp_check_chain(&m, data, size, ISAKMP_HDR_LEN);
		CODEC_ASSERT(m.pad_len == 0);
		typed_all(&m);
		return 0;
	}
	CODEC_ASSERT(m.npayloads == 0);
	rc = isakmp_parse_inner(data + ISAKMP_HDR_LEN, size - ISAKMP_HDR_LEN,
				m.first_payload, &inner);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	if (rc)
		return 0;
	isakmp_check_chain(&inner, data + ISAKMP_HDR_LEN, size - ISAKMP_HDR_LEN, 0);
	typed_all(&inner);
	return 0;
}

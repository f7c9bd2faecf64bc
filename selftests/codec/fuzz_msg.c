// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: parse any datagram as an IKE message, then every payload with
 * its typed parser; an SK payload's body is taken as a plaintext inner chain.
 */
#include "codec_util.h"

static void typed_all(const struct ike_msg *m)
{
	static struct typed t;
	unsigned int i;

	for (i = 0; i < m->npayloads; i++)
		parse_typed(m->pl[i].type, m->pl[i].body, m->pl[i].len, &t);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct ike_msg m, inner;
	const struct ike_payload *sk;
	struct ike_notify n;
	int rc;

	rc = ike_parse_msg(data, size, &m);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG || rc == -EOPNOTSUPP);
	if (rc)
		return 0;
	CODEC_ASSERT(m.length == size && size >= IKE_HDR_LEN);
	check_chain(&m, data, size, IKE_HDR_LEN);
	typed_all(&m);
	sk = ike_find(&m, IKE_PL_SK);
	CODEC_ASSERT(m.sk_index < 0 ? !sk : sk == &m.pl[m.sk_index]);
	rc = ike_find_notify(&m, IKE_N_COOKIE, &n);
	CODEC_ASSERT(rc == 0 || rc == -ENOENT || rc == -EBADMSG);
	if (!rc)
		CODEC_ASSERT(n.type == IKE_N_COOKIE);
	if (m.sk_index < 0)
		return 0;

	sk = &m.pl[m.sk_index];
	rc = ike_parse_inner(sk->body, sk->len, m.sk_first_inner, &inner);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	if (rc)
		return 0;
	CODEC_ASSERT(inner.sk_index == -1);
	check_chain(&inner, sk->body, sk->len, 0);
	typed_all(&inner);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: parse a message (and an SK body as a plaintext inner chain);
 * rebuild what parsed with the builders; parse again: the parsed structures
 * must be equal, and rebuilding the rebuilt message must be the identity.
 */
#include "codec_util.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static u8 out[IKE_MAX_MSG + 64], out2[IKE_MAX_MSG + 64];

static int parse_sk(const struct ike_msg *m, struct ike_msg *inner)
{
	const struct ike_payload *sk;

	if (m->sk_index < 0)
		return -ENOENT;
	sk = &m->pl[m->sk_index];
	return ike_parse_inner(sk->body, sk->len, m->sk_first_inner, inner);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct ike_msg m, m2, inner, inner2;
	size_t n, n2;
	bool have_inner;
	int rc;

	if (ike_parse_msg(data, size, &m))
		return 0;
	have_inner = !parse_sk(&m, &inner);

	rc = rebuild_msg(&m, have_inner ? &inner : NULL, out, sizeof(out), &n);
	CODEC_ASSERT(rc == 0 && n <= size);
	rc = ike_parse_msg(out, n, &m2);
	CODEC_ASSERT(rc == 0);
	CODEC_ASSERT(msg_equal(&m, &m2, true));
	CODEC_ASSERT(chain_typed_equal(&m, &m2));
	if (have_inner) {
		CODEC_ASSERT(parse_sk(&m2, &inner2) == 0);
		CODEC_ASSERT(msg_equal(&inner, &inner2, false));
		CODEC_ASSERT(chain_typed_equal(&inner, &inner2));
	}

	/* A second rebuild changes nothing. */
	rc = rebuild_msg(&m2, have_inner ? &inner2 : NULL, out2, sizeof(out2), &n2);
	CODEC_ASSERT(rc == 0 && n2 == n && !memcmp(out, out2, n));
	return 0;
}

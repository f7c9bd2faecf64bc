// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: decrypt-then-parse.  The first input byte selects the cipher
 * suite (bits 0-1, enum sk_suite) and the mode (bit 2); the rest is a
 * datagram.  It is parsed as the engine does (ike_parse_msg), its SK payload
 * opened with the fixed keys exactly as oak_sk_open() would (sk_user.c),
 * and the plaintext parsed with ike_parse_inner() into the same struct (as
 * oak_decrypt() does), then every payload with its typed parser.
 *
 * Mode 0 takes the datagram as received: only correctly sealed input gets
 * past the ICV (seeds made by gen_sk_seeds).  Mode 1 first seals the SK
 * payload's contents as they are (so the fuzzer writes the plaintext,
 * padding and Pad Length directly) and checks that opening gives them back.
 */
#include "codec_util.h"
#include "sk_user.h"

#define SK_MODE_SEAL	4

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static u8 before[IKE_MAX_MSG + 1];

static void parse_plain(const u8 *plain, size_t len, u8 first, struct ike_msg *m)
{
	static struct typed t;
	struct ike_notify n;
	unsigned int i;
	int rc;

	rc = ike_parse_inner(plain, len, first, m);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	if (rc)
		return;
	CODEC_ASSERT(m->sk_index == -1);
	check_chain(m, plain, len, 0);
	for (i = 0; i < m->npayloads; i++)
		parse_typed(m->pl[i].type, m->pl[i].body, m->pl[i].len, &t);
	rc = ike_find_notify(m, IKE_N_COOKIE, &n);
	CODEC_ASSERT(rc == 0 || rc == -ENOENT || rc == -EBADMSG);
}

/*
 * Sealing refuses exactly the layouts opening rejects before the ICV; a
 * sealed message must open unless its Pad Length is too large.
 */
static void check_sealed_open(bool sealed, int rc, size_t ct_len, u8 pad)
{
	if (!sealed)
		CODEC_ASSERT(rc == -EBADMSG);
	else
		CODEC_ASSERT(!rc == ((size_t)pad + 1 <= ct_len));
}

static void open_and_parse(enum sk_suite s, bool seal, u8 *msg, size_t len, struct ike_msg *m)
{
	const struct sk_params *p = sk_params(s);
	size_t sk_off = m->pl[m->sk_index].off, p0, plain_len;
	u8 first = m->sk_first_inner;
	const u8 *plain;
	bool sealed = false;
	int rc;

	p0 = sk_off + 4 + p->iv_len;
	if (seal) {
		memcpy(before, msg, len);
		sealed = !sk_seal(s, msg, len, sk_off);
	}
	rc = sk_open(s, msg, len, sk_off, &plain, &plain_len);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG);
	if (seal)
		check_sealed_open(sealed, rc, len - p0 - p->icv_len, before[len - p->icv_len - 1]);
	if (rc)
		return;
	CODEC_ASSERT(plain == msg + p0 && plain_len <= len - p0 - p->icv_len - 1);
	if (seal)
		CODEC_ASSERT(!memcmp(plain, before + p0, plain_len));
	parse_plain(plain, plain_len, first, m);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct ike_msg m;
	enum sk_suite s;
	size_t len;
	u8 *msg;
	int rc;

	if (size < 1 || size - 1 > IKE_MAX_MSG)
		return 0;
	s = (enum sk_suite)(data[0] & 3);
	len = size - 1;
	/* An exact-size copy: the kernel decrypts its own copy in place. */
	msg = malloc(len ? len : 1);
	CODEC_ASSERT(msg);
	memcpy(msg, data + 1, len);
	rc = ike_parse_msg(msg, len, &m);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG || rc == -EOPNOTSUPP);
	if (!rc && m.sk_index >= 0)
		open_and_parse(s, data[0] & SK_MODE_SEAL, msg, len, &m);
	free(msg);
	return 0;
}

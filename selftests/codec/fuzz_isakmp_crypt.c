// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: decrypt-then-parse for IKEv1.  The first input byte selects
 * the cipher (bits 0-1, enum v1u_suite) and the mode (bit 2); the rest is a
 * datagram.  It is parsed as the engine does (isakmp_parse_msg); a body
 * flagged encrypted is decrypted with the fixed key and IV exactly as
 * v1_decrypt() would (v1_user.c) and parsed as a chain into the same
 * struct, then every payload with its typed parser, the HASH-first layout
 * of Quick Mode and Informational messages and the ID and HASH lookups of
 * Main Mode message 5/6 as the exchanges take them.
 *
 * Mode 0 takes the datagram as received: IKEv1 has no ICV, so any body of
 * whole blocks decrypts (to what the fuzzer cannot steer).  Mode 1 first
 * encrypts the body as it is (so the fuzzer writes the plaintext and its
 * padding directly) and checks that decryption gives it back.
 */
#include "isakmp_util.h"
#include "v1_user.h"

#define V1U_MODE_SEAL	4

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static u8 before[ISAKMP_MAX_MSG + 1];

/*
 * What the exchanges read first (plain: where the offsets start); each byte
 * of the hashed range is read.
 */
static void exchange_views(const struct isakmp_msg *m, const u8 *plain, size_t len)
{
	const struct isakmp_payload *pid, *ph;
	struct isakmp_id id;
	const u8 *rest, *h;
	unsigned int sum = 0;
	size_t rl, i;
	u16 hl;

	if (m->pl[0].type == ISAKMP_PL_HASH &&
	    !isakmp_parse_opaque(m->pl[0].body, m->pl[0].len, &h, &hl)) {
		v1u_rest(m, plain, 0, &rest, &rl);
		CODEC_ASSERT(rest >= plain && rl <= len && (size_t)(rest - plain) <= len - rl);
		CODEC_ASSERT(rest == m->pl[0].body + m->pl[0].len);
		for (i = 0; i < rl; i++)
			sum += rest[i];
	}
	pid = isakmp_find(m, ISAKMP_PL_ID);
	ph = isakmp_find(m, ISAKMP_PL_HASH);
	if (pid && ph && !isakmp_parse_id(pid->body, pid->len, &id) &&
	    !isakmp_parse_opaque(ph->body, ph->len, &h, &hl)) {
		for (i = 0; i < id.body_len; i++)
			sum += id.body[i];
		for (i = 0; i < hl; i++)
			sum += h[i];
	}
	(void)sum;
}

/* The chain at base (offsets from base, the first payload at start). */
static void parse_plain(struct isakmp_msg *m, const u8 *base, size_t len, size_t start)
{
	static struct isakmp_typed t;
	unsigned int i;

	isakmp_check_chain(m, base, len, start);
	CODEC_ASSERT(m->pad_len <= ISAKMP_MAX_PAD);
	for (i = 0; i < m->npayloads; i++)
		isakmp_parse_typed(m->pl[i].type, m->pl[i].body, m->pl[i].len, &t);
	if (m->npayloads)
		exchange_views(m, base, len);
}

static void open_and_parse(enum v1u_suite s, bool seal, u8 *msg, size_t len, struct isakmp_msg *m)
{
	static struct isakmp_msg ref;
	unsigned int block = v1u_block(s);
	u8 next[V1U_MAX_BLOCK], last[V1U_MAX_BLOCK];
	size_t body = len - ISAKMP_HDR_LEN;
	const u8 *plain = NULL;
	bool sealed = false;
	int rc, ref_rc = 0;

	if (seal) {
		memcpy(before, msg, len);
		sealed = !v1u_seal(s, msg, len);
		CODEC_ASSERT(sealed == (body && !(body % block)));
		if (sealed) {
			memcpy(last, msg + len - block, block);
			ref_rc = isakmp_parse_inner(before + ISAKMP_HDR_LEN, body,
						    m->first_payload, &ref);
		}
	}
	rc = v1u_decrypt(s, msg, len, v1u_iv(s), next, m, &plain);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	if (seal && !sealed)
		CODEC_ASSERT(rc == -EBADMSG && !plain);
	if (sealed) {
		CODEC_ASSERT(plain == msg + ISAKMP_HDR_LEN && !memcmp(next, last, block));
		CODEC_ASSERT(!memcmp(plain, before + ISAKMP_HDR_LEN, body) && rc == ref_rc);
		CODEC_ASSERT(rc || (m->npayloads == ref.npayloads && m->pad_len == ref.pad_len));
	}
	if (rc)
		return;
	CODEC_ASSERT(plain == msg + ISAKMP_HDR_LEN);
	parse_plain(m, plain, body, 0);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct isakmp_msg m;
	enum v1u_suite s;
	size_t len;
	u8 *msg;
	int rc;

	if (size < 1 || size - 1 > ISAKMP_MAX_MSG)
		return 0;
	s = (enum v1u_suite)(data[0] & 3);
	len = size - 1;
	/* An exact-size copy: the kernel decrypts its own copy in place. */
	msg = malloc(len ? len : 1);
	CODEC_ASSERT(msg);
	memcpy(msg, data + 1, len);
	rc = isakmp_parse_msg(msg, len, &m);
	CODEC_ASSERT(rc == 0 || rc == -EBADMSG || rc == -E2BIG || rc == -EOPNOTSUPP);
	if (!rc && (m.flags & ISAKMP_FLAG_ENC)) {
		CODEC_ASSERT(m.npayloads == 0);
		open_and_parse(s, data[0] & V1U_MODE_SEAL, msg, len, &m);
	} else if (!rc) {
		parse_plain(&m, msg, len, ISAKMP_HDR_LEN);
	}
	free(msg);
	return 0;
}

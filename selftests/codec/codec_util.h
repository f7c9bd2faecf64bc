/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the codec unit tests, the fuzz targets and the corpus
 * generator: typed parsing by payload type, invariant checks, rebuilding a
 * parsed message with the builders, and structural comparison.
 */
#ifndef OAKLEY_SELFTEST_CODEC_UTIL_H
#define OAKLEY_SELFTEST_CODEC_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include "ikev2_wire.h"

struct typed {
	u8 type;		/* payload type this was parsed as */
	int rc;			/* the typed parser's return value */
	union {
		struct ike_sa_payload sa;
		struct ike_ke ke;
		struct {
			const u8 *data;
			u16 len;
		} nonce;
		struct ike_id id;
		struct ike_auth auth;
		struct ike_notify n;
		struct ike_delete d;
		struct ike_ts_payload ts;
	} u;
};

#define CODEC_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/* True for the payload types that have a typed parser. */
bool has_typed_parser(u8 type);
/*
 * Parse body with the typed parser for type; t->rc is its result (1 if type
 * has no parser).  Asserts that whatever parsed lies inside the body.
 */
void parse_typed(u8 type, const u8 *body, size_t len, struct typed *t);
/* Asserts the structural invariants of a parsed chain over buf/len. */
void check_chain(const struct ike_msg *m, const u8 *buf, size_t len, size_t start);
/*
 * Rebuild m (and, if inner is not NULL, the SK payload's inner chain) with the
 * builders: typed payloads that parsed are rebuilt from their parsed form,
 * all others copied raw.  Returns the builder's result.
 */
int rebuild_msg(const struct ike_msg *m, const struct ike_msg *inner,
		u8 *out, size_t cap, size_t *out_len);
/* Append one payload (typed if it parses, else raw) keeping its critical bit. */
void rebuild_payload(struct ike_buf *b, const struct ike_payload *pl);
/* Structural equality of two typed parses (same rc; same fields if 0). */
bool typed_equal(const struct typed *a, const struct typed *b);
/* Header fields and payload lists (types, critical, lengths) equal. */
bool msg_equal(const struct ike_msg *a, const struct ike_msg *b, bool header);
/* Payload-by-payload typed comparison. */
bool chain_typed_equal(const struct ike_msg *a, const struct ike_msg *b);

/*
 * fuzz_payload: the first input byte modulo FUZZ_PAYLOAD_NSEL selects one of
 * these payload types; IKE_PL_NONE means "an inner chain" whose first type is
 * the second byte.
 */
#define FUZZ_PAYLOAD_NSEL 9
extern const u8 fuzz_payload_types[FUZZ_PAYLOAD_NSEL];

#endif

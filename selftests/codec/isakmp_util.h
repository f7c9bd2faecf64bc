/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the ISAKMP (IKEv1) codec's unit tests, fuzz targets and seed
 * generator, the counterpart of codec_util.h: typed parsing by payload type
 * with invariant checks, rebuilding with the builders, structural equality.
 */
#ifndef OAKLEY_SELFTEST_ISAKMP_UTIL_H
#define OAKLEY_SELFTEST_ISAKMP_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include "isakmp_wire.h"

struct isakmp_typed {
	u8 type;		/* payload type this was parsed as */
	int rc;			/* the typed parser's return value */
	union {
		struct isakmp_sa sa;
		struct {
			const u8 *data;
			u16 len;
		} blob;		/* KE, Nonce, HASH, SIG, VID, NAT-D, NAT-OA */
		struct isakmp_id id;
		struct isakmp_typed_data td;	/* CERT, CR */
		struct isakmp_notify n;
		struct isakmp_delete d;
	} u;
};

#ifndef CODEC_ASSERT
#define CODEC_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)
#endif

/* True for the payload types that have a typed parser. */
bool isakmp_has_typed(u8 type);
/* Parse with the typed parser (t->rc 1 if none) and check what parsed. */
void isakmp_parse_typed(u8 type, const u8 *body, size_t len, struct isakmp_typed *t);
/* Structural invariants of a parsed chain over buf/len from start. */
void isakmp_check_chain(const struct isakmp_msg *m, const u8 *buf, size_t len, size_t start);
/* Append one payload: typed if it parses, else raw. */
void isakmp_rebuild_payload(struct isakmp_buf *b, const struct isakmp_payload *pl);
/* Rebuild a parsed message (an encrypted body is copied as it is). */
int isakmp_rebuild_msg(const struct isakmp_msg *m, const u8 *buf,
		       u8 *out, size_t cap, size_t *out_len);
bool isakmp_typed_equal(const struct isakmp_typed *a, const struct isakmp_typed *b);
/* Header fields (if header) and payload types equal. */
bool isakmp_msg_equal(const struct isakmp_msg *a, const struct isakmp_msg *b, bool header);
bool isakmp_chain_typed_equal(const struct isakmp_msg *a, const struct isakmp_msg *b);

/*
 * fuzz_isakmp_payload: the first byte modulo ISAKMP_FUZZ_NSEL selects one of
 * these types; ISAKMP_PL_NONE means "a decrypted chain" whose first type is
 * the second byte.
 */
#define ISAKMP_FUZZ_NSEL 15
extern const u8 isakmp_fuzz_types[ISAKMP_FUZZ_NSEL];

#endif

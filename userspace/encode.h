/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink encoding of a configuration (for OAKLEY_CMD_LOAD) and decoding of
 * connection, SA and stats attributes (for show).  A parsed file encodes to
 * a message and decodes back into the same structures, which is how
 * `oak check -j` prints exactly what `oak show conn -j` prints.
 */
#ifndef OAK_ENCODE_H
#define OAK_ENCODE_H

#include <libmnl/libmnl.h>
#include "config.h"
#include "json.h"

/*
 * A request being built.  libmnl writes the headers and attributes into buf
 * and checks each against cap (the mnl_attr_put_*_check() family); what
 * libmnl does not do is grow the buffer, so a full buffer sets full and
 * oak_encode_config() encodes again into one twice the size.
 */
struct oak_msg {
	char *buf;
	size_t cap;
	struct nlmsghdr *nlh;	/* at buf */
	bool oom;		/* allocation failed */
	bool full;		/* an attribute did not fit in cap */
	bool too_big;		/* an attribute or a nest went past 64 KiB */
};

/* maps an attribute's offset in the message back to the file */
struct oak_srcent {
	uint32_t off, end;
	const char *file;
	unsigned int line;
	const char *key;	/* NULL: the section itself */
	const char *section;	/* "connection", "child", "secret" */
	const char *name;
};

struct oak_srcmap {
	struct oak_srcent *e;
	size_t n, cap;
};

/* nlmsghdr (type 0, filled in at send) + genlmsghdr for CMD */
void oak_msg_init(struct oak_msg *m, uint8_t cmd, uint16_t flags);
/* zeroes the buffer first: it may carry secrets */
void oak_msg_free(struct oak_msg *m);
/* a NUL-terminated string attribute, or a flag (no payload) */
void oak_msg_strz(struct oak_msg *m, uint16_t type, const char *s);
void oak_msg_flag(struct oak_msg *m, uint16_t type);

/*
 * Append every secret and connection of cfg as top-level attributes, growing
 * the buffer as needed.  0, or -1 with m->oom or m->too_big set.
 */
int oak_encode_config(struct oak_msg *m, const struct oak_config *cfg, struct oak_srcmap *map);
void oak_srcmap_free(struct oak_srcmap *m);
/* the innermost entry that contains OFF, or NULL */
const struct oak_srcent *oak_srcmap_find(const struct oak_srcmap *m, uint32_t off);

/*
 * Attribute getters shared by every decoder of oak; each returns 0, or -1 if
 * the attribute is malformed (out is then left untouched).  The decoders walk
 * nests with mnl_attr_for_each_nested() and switch on the type, not with
 * mnl_attr_parse_nested() into a table: children, proposals, transforms and
 * selectors repeat one type, which a table would keep only the last of.
 * oak_attr_fixed() is mnl_attr_validate()'s exact-length check for integers
 * (libmnl 1.0.4) that also serves fixed byte strings (SPIs).
 */
/* exactly LEN bytes of payload */
int oak_attr_fixed(const struct nlattr *a, void *out, size_t len);
/* a string shorter than SIZE, NUL-terminated or not, without a NUL inside */
int oak_attr_str(const struct nlattr *a, char *out, size_t size);
/* a 4- or 16-byte address into out[16]; the bytes after an IPv4 address are zeroed */
int oak_attr_addr(const struct nlattr *a, uint8_t *out);

/* Decode one OAKLEY_A_CONN nest and append it to cfg.  0 or -1 (malformed). */
int oak_decode_conn(const struct nlattr *nest, struct oak_config *cfg);
/* Decode every OAKLEY_A_CONN in a genl message. */
int oak_decode_msg(const struct nlmsghdr *nlh, struct oak_config *cfg);

/* connections as the array that `show conn -j` prints, sorted by name (no newline) */
void oak_json_conns(struct json *j, const struct oak_config *cfg, const char *key);
int oak_decode_tslist(const struct nlattr *nest, struct oak_tslist *l);
void oak_json_conn(struct json *j, const struct oak_conn *c);
/* KEY: ["10.1.0.0/16", ...] */
void oak_json_tslist(struct json *j, const char *key, const struct oak_tslist *l);
/* indices of cfg->conns sorted by name; malloc'ed */
unsigned int *oak_sorted_conns(const struct oak_config *cfg);

#endif

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

/* a growable netlink message */
struct nlbuf {
	uint8_t *data;
	size_t len, cap;
	bool oom;		/* allocation failed */
	bool too_big;		/* a nest went past 64 KiB */
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

void nlbuf_init(struct nlbuf *b);
void nlbuf_free(struct nlbuf *b);
/* nlmsghdr (type 0, fixed up at send) + genlmsghdr */
void nlbuf_msg(struct nlbuf *b, uint8_t cmd, uint16_t flags);
struct nlmsghdr *nlbuf_hdr(struct nlbuf *b);
void nlbuf_put(struct nlbuf *b, uint16_t type, const void *data, size_t len);
void nlbuf_u8(struct nlbuf *b, uint16_t type, uint8_t v);
void nlbuf_u16(struct nlbuf *b, uint16_t type, uint16_t v);
void nlbuf_u32(struct nlbuf *b, uint16_t type, uint32_t v);
void nlbuf_u64(struct nlbuf *b, uint16_t type, uint64_t v);
void nlbuf_str(struct nlbuf *b, uint16_t type, const char *s);
size_t nlbuf_nest_start(struct nlbuf *b, uint16_t type);
void nlbuf_nest_end(struct nlbuf *b, size_t start);

/* Append every secret and connection of cfg as top-level attributes. */
int oak_encode_config(struct nlbuf *b, const struct oak_config *cfg, struct oak_srcmap *map);
void oak_srcmap_free(struct oak_srcmap *m);
/* the innermost entry that contains OFF, or NULL */
const struct oak_srcent *oak_srcmap_find(const struct oak_srcmap *m, uint32_t off);

/*
 * Attribute getters shared by every decoder of oak; each returns 0, or -1 if
 * the attribute is malformed (out is then left untouched).
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

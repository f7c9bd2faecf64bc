/* SPDX-License-Identifier: GPL-2.0 */
/* Text forms of addresses, selectors and identities (shared by show and JSON). */
#ifndef OAK_FORMAT_H
#define OAK_FORMAT_H

#include "config.h"

#define OAK_ADDRSTRLEN 64
/* a selector as oak_fmt_ts() writes it: FIRST..LAST[PROTO/P1-P2] */
#define OAK_TSSTRLEN (2 * OAK_ADDRSTRLEN + 40)
#define OAK_IDSTRLEN (2 * OAKLEY_ID_MAX + 16)

/* "192.0.2.1", "2001:db8::1"; with a port other than 500, "192.0.2.1:4500"/"[::1]:4500" */
void oak_fmt_addr(char *buf, size_t len, uint16_t family, const uint8_t *addr);
void oak_fmt_endpoint(char *buf, size_t len, uint16_t family, const uint8_t *addr,
		      uint16_t port);
/* "10.1.0.0/16", "10.1.0.0/16[tcp/443]" */
void oak_fmt_ts(char *buf, size_t len, const struct oak_ts *ts);
/* the selectors joined by ", ", to stdout */
void oak_print_tslist(const struct oak_tslist *l);
/* PREFIX then D in lower-case hex, as much as fits */
void oak_fmt_hex(char *buf, size_t len, const char *prefix, const uint8_t *d, size_t n);
/* the config syntax of an identity; re-parses to the same identity */
void oak_fmt_id(char *buf, size_t len, const struct oak_id *id);

const char *oak_start_name(uint8_t v);
const char *oak_dpd_action_name(uint8_t v);
const char *oak_mode_name(uint8_t v);
const char *oak_auth_name(uint8_t v);
const char *oak_exchange_name(uint8_t v);
const char *oak_proto_name(uint8_t proto);	/* NULL if it has no name */
int oak_proto_by_name(const char *name, uint8_t *proto);

#endif

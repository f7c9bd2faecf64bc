/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley IKE engine: defence against IKE_SA_INIT floods (RFC 7296 §2.6,
 * RFC 8019): cookies, half-open limits, per-source rate limits.
 *
 * Owner: dos.c.  Everything here runs under in->lock (process context).
 *
 * The responder calls oak_dos_check_init() for every new IKE_SA_INIT
 * request (not a retransmission of one it already answered) before it
 * looks at the proposals, allocates an SA or does any DH work:
 *
 *  1. per-source token bucket (IPv4 per address, IPv6 per /64):
 *     over the rate -> drop, rx-drop-ratelimit;
 *  2. half-open IKE SAs >= half_open_max -> drop, rx-drop-half-open;
 *  3. half-open IKE SAs >= half_open_cookie -> the request must carry a
 *     valid N(COOKIE), else it is answered with a fresh N(COOKIE) only
 *     (cookies-sent) and no state is kept.
 */
#ifndef OAKLEY_IKE_DOS_H
#define OAKLEY_IKE_DOS_H

#include <linux/types.h>

struct oak_ike_net;
struct oak_addr;
struct ike_msg;

#define OAK_COOKIE_HASH_LEN	32	/* HMAC-SHA-256 */
#define OAK_COOKIE_LEN		(1 + OAK_COOKIE_HASH_LEN)	/* version | hash */

/* Per namespace: from oakley_ike_net_init()/net_exit() (sa.c). */
int oak_dos_net_init(struct oak_ike_net *in);
void oak_dos_net_exit(struct oak_ike_net *in);

enum oak_dos_verdict {
	OAK_DOS_PASS,		/* go on: create the SA */
	OAK_DOS_DROP,		/* dropped and counted */
	OAK_DOS_COOKIE,		/* answer with N(COOKIE) @cookie only (the caller sends it) */
};

/*
 * The checks above for a new IKE_SA_INIT request @m from @src.  For
 * OAK_DOS_COOKIE, @cookie (OAK_COOKIE_LEN bytes) holds the cookie to send
 * (the caller sends it, counts cookies-sent and wipes it).
 */
enum oak_dos_verdict oak_dos_check_init(struct oak_ike_net *in, const struct ike_msg *m,
					const struct oak_addr *src, u8 *cookie);

/*
 * The cookie for (Ni, IPi, SPIi) under the secret of version @ver (the
 * current one when @ver is negative); for tests and the check itself.
 * @out gets OAK_COOKIE_LEN bytes.  0 or -errno.
 */
int oak_dos_cookie(struct oak_ike_net *in, int ver, const u8 *ni, size_t ni_len,
		   const struct oak_addr *ipi, const u8 *spi_i, u8 *out);

#endif /* OAKLEY_IKE_DOS_H */

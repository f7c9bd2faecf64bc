/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley IKE engine: defence against IKE_SA_INIT floods (RFC 7296 §2.6,
 * RFC 8019): cookies, half-open limits, per-source rate limits.
 *
 * Owner: dos.c.  Its state (limits, buckets, cookie secrets, the bytes
 * charged to half-open SAs) is guarded by its own spinlock, not by in->lock:
 * every function here may be called with or without in->lock held.
 *
 * The responder, for every new IKE_SA_INIT request (not a retransmission
 * of one it already answered), before it allocates an SA or does any DH work
 * (an IKEv1 message 1 gets the same, but for the cookie: oak_dos_check_v1()):
 *
 *  0. a request longer than OAKLEY_INIT_REQ_MAX is dropped (the caller,
 *     rx-drop-malformed), before any lookup;
 *  1. oak_dos_check_init(): under load (half-open >= half-open-cookie),
 *     the source's token bucket (IPv4 per address, IPv6 per /64; when the
 *     table of buckets is full, one bucket shared by every untracked
 *     source for the requests that would make state, those with a valid
 *     cookie: the others only get a cookie and pass): over the rate ->
 *     drop, rx-drop-ratelimit;
 *  2. half-open IKE SAs >= half-open-max -> drop, rx-drop-half-open;
 *  3. half-open IKE SAs >= half-open-cookie -> the request must carry a
 *     valid N(COOKIE), else it is answered with a fresh N(COOKIE) only
 *     (cookies-sent) and no state is kept;
 *  4. oak_dos_charge(), once the request is known to be acceptable (KE
 *     length included) and just before the SA is made: the bytes the
 *     half-open SA will hold must fit in half-open-bytes, else drop,
 *     rx-drop-half-open.  The SA keeps the charge (sa->half_open_charge)
 *     until it is established or removed (oak_dos_uncharge()).
 */
#ifndef OAKLEY_IKE_DOS_H
#define OAKLEY_IKE_DOS_H

#include <linux/types.h>

struct oak_ike_net;
struct oak_addr;
struct ike_msg;

#define OAK_COOKIE_HASH_LEN	32	/* HMAC-SHA-256 */
#define OAK_COOKIE_LEN		(1 + OAK_COOKIE_HASH_LEN)	/* version | hash */

/*
 * What a responder's half-open IKE SA holds besides the copy of the
 * request, estimated from above: the SA (a 1 KiB slab object), its
 * handshake context (keys and nonces, about 1 KiB), the SK state of both
 * directions, the response and its kept copy, the DH job while it runs
 * (about 2 KiB).  selftests/ike_dos_mem.sh measures what a flood does to
 * the machine's memory with the whole of it.
 */
#define OAK_HALF_OPEN_OVERHEAD	8192

/* Per engine: from oak_ike_net_new() and its last reference (sa.c). */
int oak_dos_net_init(struct oak_ike_net *in);
void oak_dos_net_exit(struct oak_ike_net *in);

enum oak_dos_verdict {
	OAK_DOS_PASS,		/* go on: create the SA */
	OAK_DOS_DROP,		/* dropped and counted */
	OAK_DOS_COOKIE,		/* answer with N(COOKIE) @cookie only (the caller sends it) */
};

/*
 * Checks 1-3 above for a new IKE_SA_INIT request @m from @src.  For
 * OAK_DOS_COOKIE, @cookie (OAK_COOKIE_LEN bytes) holds the cookie to send
 * (the caller sends it, counts cookies-sent and wipes it).
 */
enum oak_dos_verdict oak_dos_check_init(struct oak_ike_net *in, const struct ike_msg *m,
					const struct oak_addr *src, u8 *cookie);

/*
 * An IKEv1 Main or Aggressive Mode message 1 (kernel/ikev1/ikev1.c) for no
 * SA yet, from @src: checks 1 and 2 above (IKEv1 has no stateless cookie
 * exchange: its cookies are the SA's SPIs).  Check 0 (OAKLEY_INIT_REQ_MAX)
 * is the caller's, and check 4 (oak_dos_charge()) comes, as for IKEv2,
 * once the connection and its proposal are known, before the SA is made.
 * OAK_DOS_PASS or OAK_DOS_DROP (counted).
 */
enum oak_dos_verdict oak_dos_check_v1(struct oak_ike_net *in, const struct oak_addr *src);

/*
 * Check 4: charge @bytes of half-open state.  0, or -ENOBUFS (counted in
 * rx-drop-half-open) when they would pass half-open-bytes.
 */
int oak_dos_charge(struct oak_ike_net *in, u32 bytes);
void oak_dos_uncharge(struct oak_ike_net *in, u32 bytes);

/*
 * The cookie for (Ni, IPi, SPIi) under the secret of version @ver (the
 * current one when @ver is negative); for tests and the check itself.
 * @out gets OAK_COOKIE_LEN bytes.  0 or -errno.
 */
int oak_dos_cookie(struct oak_ike_net *in, int ver, const u8 *ni, size_t ni_len,
		   const struct oak_addr *ipi, const u8 *spi_i, u8 *out);

#endif /* OAKLEY_IKE_DOS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv2: NAT detection and the move to port 4500 (RFC 7296 §2.23).
 *
 * Both IKE_SA_INIT messages carry NAT_DETECTION_SOURCE_IP and
 * NAT_DETECTION_DESTINATION_IP: SHA-1(SPIi | SPIr | IP address | port) of
 * the two ends as the sender sees them (SPIr zero in the request).  The
 * receiver compares them with the addresses the datagram really carried:
 * a DESTINATION hash that differs from its own address and port says a NAT
 * rewrote them, so it is behind one; no SOURCE hash matching the sender's
 * address and port says the sender is.  With a NAT either way (or `encap =
 * yes`, which sends a SOURCE hash that cannot match), the initiator sends
 * IKE_AUTH and everything after from port 4500 to port 4500, behind the
 * non-ESP marker (kernel/core/socket.c), and the Child SAs use ESP in UDP
 * on those ports (kernel/core/xfrm.c).  The responder follows the peer to
 * whatever address and port its last authenticated message came from,
 * also when the peer moved to 4500 without a NAT (ESP then stays plain).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/sha1.h>
#include <linux/random.h>

#include "ikev2.h"
#include "../core/socket.h"

/* SHA-1 of SPIi | SPIr | address | port (network order) */
static int oak_nat_hash(const u8 *spi_i, const u8 *spi_r, const struct oak_addr *a, u8 *out)
{
	__be16 port = htons(a->port);
	const struct oak_iov iov[] = {
		{ spi_i, IKE_SPI_LEN },
		{ spi_r, IKE_SPI_LEN },
		{ a->addr, a->family == AF_INET ? 4 : 16 },
		{ &port, sizeof(port) },
	};

	return oak_sha1(iov, ARRAY_SIZE(iov), out);
}

/*
 * The two notifies of an IKE_SA_INIT message of @sa, with @spi_r (zero in
 * the request).  The request always has them; the response only when the
 * request had them (OAK_NAT_SUPPORTED).
 */
void oak_nat_add(struct oak_ike_sa *sa, struct ike_buf *b, const u8 *spi_r)
{
	u8 src[SHA1_DIGEST_SIZE], dst[SHA1_DIGEST_SIZE];

	/* on a failure no NAT traversal: the peer sees no support */
	if (sa->conn->encap)
		get_random_bytes(src, sizeof(src));	/* never matches: "we are behind a NAT" */
	else if (oak_nat_hash(sa->spi_i, spi_r, &sa->local, src))
		return;
	if (oak_nat_hash(sa->spi_i, spi_r, &sa->remote, dst))
		return;
	ike_add_notify(b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, src, sizeof(src));
	ike_add_notify(b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, dst, sizeof(dst));
}

/*
 * Compare the NAT detection notifies of IKE_SA_INIT message @m, which
 * came from @src to @dst, with those addresses: sets sa->nat.
 */
void oak_nat_detect(struct oak_ike_sa *sa, const struct ike_msg *m, const struct oak_addr *src,
		    const struct oak_addr *dst)
{
	u8 want_src[SHA1_DIGEST_SIZE], want_dst[SHA1_DIGEST_SIZE];
	bool seen_src = false, src_ok = false, dst_ok = false, seen_dst = false;
	struct ike_notify n;
	unsigned int i;

	if (oak_nat_hash(m->spi_i, m->spi_r, src, want_src) ||
	    oak_nat_hash(m->spi_i, m->spi_r, dst, want_dst))
		return;
	for (i = 0; i < m->npayloads; i++) {
		if (m->pl[i].type != IKE_PL_NOTIFY ||
		    ike_parse_notify(m->pl[i].body, m->pl[i].len, &n) ||
		    n.len != SHA1_DIGEST_SIZE)
			continue;
		if (n.type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			seen_src = true;	/* several: one per address of the sender */
			src_ok |= !crypto_memneq(n.data, want_src, SHA1_DIGEST_SIZE);
		} else if (n.type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			seen_dst = true;
			dst_ok |= !crypto_memneq(n.data, want_dst, SHA1_DIGEST_SIZE);
		}
	}
	if (!seen_src || !seen_dst)
		return;		/* no NAT traversal with this peer */
	sa->nat |= OAK_NAT_SUPPORTED;
	if (!dst_ok)
		sa->nat |= OAK_NAT_LOCAL;
	if (!src_ok)
		sa->nat |= OAK_NAT_REMOTE;
	if (sa->conn->encap)
		sa->nat |= OAK_NAT_FORCED;
	if (sa->nat & OAK_NAT_ANY)
		oak_sa_log(pr_debug, sa, NULL, "NAT detected:%s%s%s\n",
			   sa->nat & OAK_NAT_LOCAL ? " we are behind one" : "",
			   sa->nat & OAK_NAT_REMOTE ? " the peer is behind one" : "",
			   sa->nat & OAK_NAT_FORCED ? " (encap = yes)" : "");
}

static void oak_nat_event(struct oak_ike_sa *sa)
{
	oak_sa_event(sa, OAKLEY_EVENT_NAT_DETECTED, NULL, 0,
		     sa->nat & OAK_NAT_LOCAL ? "behind a NAT" :
		     sa->nat & OAK_NAT_REMOTE ? "peer behind a NAT" : "encap = yes");
}

/*
 * Initiator, IKE_SA_INIT done: with a NAT on the path, IKE_AUTH goes from
 * port 4500 to port 4500 (§2.23), if this namespace has the socket.
 */
void oak_nat_float(struct oak_ike_sa *sa)
{
	struct socket *natt = sa->local.family == AF_INET ? sa->in->natt4 : sa->in->natt6;

	if (!(sa->nat & OAK_NAT_ANY) || !natt || sa->local.port == OAK_NATT_PORT)
		return;
	sa->local.port = OAK_NATT_PORT;
	if (sa->remote.port == OAK_IKE_PORT)
		sa->remote.port = OAK_NATT_PORT;
	oak_nat_event(sa);
}

/*
 * May a message from @src to @dst belong to @sa, whose peer is elsewhere?
 * Only on port 4500, from the same address, with a peer that does NAT
 * traversal: a NAT gave the peer's port 4500 a mapping of its own (or a
 * new one), or the peer moved to 4500 without a NAT, as §2.23 allows and
 * strongSwan does whenever it offers MOBIKE.
 */
bool oak_nat_moved(const struct oak_ike_sa *sa, const struct oak_addr *src,
		   const struct oak_addr *dst)
{
	return (sa->nat & OAK_NAT_SUPPORTED) && dst->port == OAK_NATT_PORT &&
	       src->family == sa->remote.family &&
	       !memcmp(src->addr, sa->remote.addr, sizeof(src->addr));
}

/*
 * An authenticated message of @sa came from @src to @dst: follow the peer
 * (§2.23: the IKE SA and its Child SAs use the address and port of the
 * last authenticated message).  The responder moves to port 4500 with the
 * initiator's first message there.
 */
void oak_nat_update(struct oak_ike_sa *sa, const struct oak_addr *src,
		    const struct oak_addr *dst)
{
	bool floated;

	oak_sa_assert_locked(sa);
	if (!oak_nat_moved(sa, src, dst))
		return;
	floated = sa->local.port != OAK_NATT_PORT;
	sa->local.port = OAK_NATT_PORT;
	if (sa->remote.port != src->port) {
		oak_sa_follow_peer(sa, src);
		if (!floated) {
			oak_sa_log(pr_info_ratelimited, sa, NULL,
				   "peer's NAT mapping changed: now port %u\n", src->port);
			oak_sa_event(sa, OAKLEY_EVENT_NAT_MAPPING, NULL, 0, NULL);
		}
	}
	if (floated && !sa->initiator && (sa->nat & OAK_NAT_ANY))
		oak_nat_event(sa);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: what the version-neutral core (kernel/core/) asks of an IKE
 * version.  One struct oak_proto_ops per version: IKEv2 (kernel/ikev2/,
 * oak_ikev2_ops) and IKEv1 (kernel/ikev1/, oak_ikev1_ops; its ISAKMP SA
 * is not renewed yet).  The core calls a version only through these
 * operations; the version calls the core directly (sa.c, child.c, xfrm.c,
 * timers.c, socket.c, ...).  Dependencies point one way: control plane ->
 * core -> version -> codec/crypto, with this table as the only way back.
 *
 * An IKE SA has one version for its life (sa->ops, set by oak_sa_new()).
 * A datagram goes to the version named by the major version of its IKE
 * header (oak_proto_rx(), from socket.c's worker); a connection's SAs to the
 * version it is configured with (oak_proto_by_version(), api.c).
 *
 * Every operation runs under in->lock, in process context (from one of the
 * SA's own contexts also under the SA's lock, sa.h); every one but @rx and
 * @first_group takes an SA of its own version.  @rx runs with no lock held.  A version with
 * @unavailable set has no SAs: the core refuses to initiate it (with that
 * message) and calls nothing but @rx; otherwise every operation is set.
 */
#ifndef OAKLEY_CORE_PROTO_H
#define OAKLEY_CORE_PROTO_H

#include <linux/types.h>

struct oak_addr;
struct oak_child_sa;
struct oak_ike_net;
struct oak_ike_sa;
struct oakley_child;
struct oakley_conn;

struct oak_proto_ops {
	const char *name;		/* "IKEv2", for messages */
	u8 major;			/* the IKE header's major version (RFC 7296 §3.1) */
	const char *unavailable;	/* why it cannot run yet (extack), or NULL */
	/* its structs embedding struct oak_ike_sa / oak_child_sa at offset 0, their slabs */
	unsigned int sa_size, child_size;
	const char *sa_cache, *child_cache;

	/* ---- input ---- */
	/*
	 * A datagram whose header carries @major (socket.c has checked that
	 * it holds at least an IKE header).  @buf is the version's to parse
	 * and may be modified (decrypted in place); the caller frees it.
	 */
	void (*rx)(struct oak_ike_net *in, u8 *buf, size_t len, const struct oak_addr *src,
		   const struct oak_addr *dst);

	/* ---- SA lifetime (sa.c) ---- */
	/* A new SA (zeroed, core fields set): set up the version's state. */
	int (*sa_init)(struct oak_ike_sa *sa);
	/* The SA is up (first exchange done, or made by a rekey): start its work. */
	void (*sa_up)(struct oak_ike_sa *sa);
	/*
	 * oak_sa_kill(): stop the version's timers and requests, hand the
	 * Child SAs to a successor if there is one.  True when a successor
	 * took them (the SA then goes without an IKE_DOWN event).
	 */
	bool (*sa_kill)(struct oak_ike_sa *sa);
	/* The last reference went: wipe and free the version's state. */
	void (*sa_free)(struct oak_ike_sa *sa);
	/* A Child SA is about to be freed: forget every pointer to it. */
	void (*child_gone)(struct oak_ike_sa *sa, struct oak_child_sa *c);
	/*
	 * The Child SA @c replaces, in another IKE SA (same reqid: a
	 * reauthentication), is going: @c carries the traffic from now on
	 * (an outbound state held back goes in).  Under in->lock, without
	 * @sa's lock (Documentation/design/concurrency.md); optional.
	 */
	void (*child_takeover)(struct oak_ike_sa *sa, struct oak_child_sa *c);

	/* ---- initiating (api.c, timers.c, km.c) ---- */
	/* The DH group of a new SA's first message; 0: @conn cannot initiate. */
	u16 (*first_group)(const struct oakley_conn *conn);
	/* Send the first message of the initiator SA @sa (group sa->algs.dh). */
	int (*initiate)(struct oak_ike_sa *sa);
	/* One more Child SA for @cfg on the established @sa. */
	int (*new_child)(struct oak_ike_sa *sa, const struct oakley_child *cfg);

	/* ---- deadlines (timers.c) and `oak rekey` ---- */
	int (*rekey_ike)(struct oak_ike_sa *sa);
	int (*rekey_child)(struct oak_ike_sa *sa, struct oak_child_sa *c);
	/* A liveness check (RFC 7296 §2.4); unanswered, it ends in oak_peer_dead(). */
	int (*liveness)(struct oak_ike_sa *sa);
	/* A request is queued or outstanding on @sa (a liveness check of its own). */
	bool (*busy)(const struct oak_ike_sa *sa);

	/* ---- terminating (api.c, km.c, sa.c) ---- */
	/* Delete the IKE SA with the peer (then kill it); nonzero: kill it now. */
	int (*delete_ike)(struct oak_ike_sa *sa);
	/* Delete @c with the peer; frees @c once answered, failed or not queued. */
	int (*delete_child)(struct oak_ike_sa *sa, struct oak_child_sa *c);
	/* Is a Delete of @c queued or outstanding? */
	bool (*deleting_child)(struct oak_ike_sa *sa, const struct oak_child_sa *c);
	/* Best effort, at once, no answer awaited: the SA is about to be killed. */
	int (*send_delete)(struct oak_ike_sa *sa);
	/* OAKLEY_EVENT_CHILD_DOWN for the Child SAs that go with @sa. */
	void (*children_down)(struct oak_ike_sa *sa);
};

/*
 * The versions (proto.c, the one place that names them): by the major
 * version of an IKE header, and by a connection's configured version.
 * NULL: no such version.
 */
#define OAK_PROTO_MAJOR_MAX	2
extern const struct oak_proto_ops oak_ikev2_ops;
extern const struct oak_proto_ops oak_ikev1_ops;
const struct oak_proto_ops *oak_proto_by_major(u8 major);
const struct oak_proto_ops *oak_proto_by_version(u8 version);
/*
 * socket.c's workers, no lock held: a datagram to its version's @rx, which
 * takes the SA's lock and in->lock (oak_sa_lock()), or in->lock alone.
 */
void oak_proto_rx(struct oak_ike_net *in, u8 *buf, size_t len, const struct oak_addr *src,
		  const struct oak_addr *dst);

#endif /* OAKLEY_CORE_PROTO_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley's xfrm glue: the only code that calls xfrm_*().  It installs and
 * removes the state pair and the policies of one Child SA.
 */
#ifndef OAKLEY_IKE_XFRM_H
#define OAKLEY_IKE_XFRM_H

#include <linux/types.h>
#include <net/xfrm.h>

struct net;

/* One traffic selector as installed: a range, like IKEv2's TS. */
struct oak_ts {
	u16 family;		/* AF_INET or AF_INET6 */
	u8 proto;		/* 0 = any */
	u8 prefixlen;		/* when the range is a prefix: its length; else 0xff */
	u16 start_port, end_port;
	xfrm_address_t start, end;
};

#define OAK_MAX_TS 16

/* One direction's keys (KEYMAT slices, RFC 7296 §2.17). */
struct oak_child_keys {
	const u8 *enc;		/* includes the 4-byte salt for GCM / ChaCha20-Poly1305 */
	const u8 *auth;		/* NULL for AEAD */
	unsigned int enc_len;
	unsigned int auth_len;
};

struct oak_child_params {
	struct net *net;
	u16 family;		/* outer family */
	xfrm_address_t local, remote;	/* outer addresses */
	u16 local_port, remote_port;	/* IKE ports: of ESP in UDP with @encap */
	bool encap;		/* UDP-encapsulated ESP (NAT traversal, RFC 3948) */
	u8 proto;		/* IPPROTO_ESP or IPPROTO_AH */
	u8 mode;		/* OAKLEY_MODE_TUNNEL / _TRANSPORT */
	u32 reqid;
	__be32 spi_in, spi_out;
	u16 encr, encr_keylen;	/* IANA ESP transform ID, bits */
	u16 integ;		/* IANA integrity ID, 0 for AEAD */
	bool esn;
	bool sha256_96;		/* HMAC-SHA2-256 with a 96-bit ICV (old Linux peers) */
	struct oak_child_keys in, out;
	/*
	 * Selectors after narrowing; local is "our side".  A Child SA points
	 * both into one array of exactly n_local_ts + n_remote_ts entries.
	 */
	unsigned int n_local_ts, n_remote_ts;
	struct oak_ts *local_ts, *remote_ts;
	/* lifetimes: 0 = none */
	u64 soft_time, hard_time;	/* seconds */
	u64 soft_bytes, hard_bytes;
	u64 soft_packets, hard_packets;
	u32 replay_window;	/* packets; 0 selects the default (32 / ESN 128) */
};

/*
 * Unique reqid for a new Child SA or trap in this netns.  Oakley's reqids
 * start at OAK_XFRM_REQID_BASE (clear of strongSwan's 1, 2, ...): the key
 * manager (km.c) only acts on xfrm events for states and templates with
 * such a reqid.
 */
#define OAK_XFRM_REQID_BASE	0x10000
u32 oak_xfrm_new_reqid(struct net *net);

static inline bool oak_xfrm_reqid_ours(u32 reqid)
{
	return reqid > OAK_XFRM_REQID_BASE;
}

/*
 * Load what the first state of this kind would make the kernel load (the
 * esp4/esp6/ah4/ah6 module, the algorithm modules) and instantiate the
 * transform it allocates, with its self-tests: seconds on a cold system,
 * so done when a configuration is loaded, not in a handshake.  Once per
 * kind; later calls return at once.  encr 0 for AH; -EINVAL for a
 * combination no state can have (AEAD with integrity, ...).
 */
int oak_xfrm_warm(u16 family, u8 proto, u16 encr, u16 keylen_bits, u16 integ, bool esn);

/*
 * Reserve an inbound SPI: creates a larval (acquire) state for
 * remote -> local, proto, reqid and allocates a random SPI in it.
 * oak_xfrm_install() later completes that state; oak_xfrm_release_spi()
 * deletes it when the negotiation fails.
 */
int oak_xfrm_alloc_spi(struct net *net, u16 family, const xfrm_address_t *local,
		       const xfrm_address_t *remote, u8 proto, u32 reqid, __be32 *spi);
void oak_xfrm_release_spi(struct net *net, u16 family, const xfrm_address_t *local,
			  u8 proto, __be32 spi);

/*
 * Install the inbound and outbound states and the in/out/fwd policies
 * (tunnel mode: fwd too; transport: in/out) for every local x remote
 * selector pair.  All or nothing: on error everything added is removed.
 */
int oak_xfrm_install(const struct oak_child_params *p);
/*
 * The same without the outbound state (p->out is not used): the responder
 * of a Child SA rekey keeps sending on the old outbound state until the
 * initiator has its new inbound one, then adds the new outbound state with
 * oak_xfrm_install_out().  oak_xfrm_remove*() work with or without it.
 */
int oak_xfrm_install_in(const struct oak_child_params *p);
int oak_xfrm_install_out(const struct oak_child_params *p);
/*
 * oak_xfrm_install() (@with_out) or oak_xfrm_install_in() in two halves:
 * oak_xfrm_prepare() builds the states and selectors, the costly part
 * (xfrm_init_state() allocates the transforms), and touches nothing
 * shared, so it may run without the engine's locks;
 * oak_xfrm_commit() inserts the states and adds the policies.  @p must not
 * change in between.  oak_xfrm_prep_drop() discards an uncommitted one.
 */
struct oak_sel_list;
struct oak_xfrm_prep {
	struct xfrm_state *in, *out;
	struct oak_sel_list *sl;
};

int oak_xfrm_prepare(const struct oak_child_params *p, bool with_out,
		     struct oak_xfrm_prep *prep);
int oak_xfrm_commit(const struct oak_child_params *p, struct oak_xfrm_prep *prep);
void oak_xfrm_prep_drop(struct oak_xfrm_prep *prep);
/* Remove what oak_xfrm_install() added (both states and the policies). */
void oak_xfrm_remove(const struct oak_child_params *p);
/*
 * Remove only the two states, keeping the policies: for a rekey where the
 * new Child SA reuses this reqid and these selectors (its install left the
 * policies in place; see xfrm.c).
 */
void oak_xfrm_remove_states(const struct oak_child_params *p);
/*
 * The same after a grace period (about 2 s): for the states of a Child SA
 * that a rekey replaced, so that packets already bound to them still go
 * out and come in.  oak_xfrm_retired_flush() deletes at once the states
 * still waiting with @reqid (0: all of @net): when the successor goes too,
 * and when the namespace goes.
 */
void oak_xfrm_retire_states(const struct oak_child_params *p);
void oak_xfrm_retired_flush(struct net *net, u32 reqid);
void oak_xfrm_retired_exit(void);

/*
 * Trap policies (start = trap): the policies oak_xfrm_install() would add
 * for @p's selectors, mode, proto and reqid, but no states, so that the
 * first matching packet makes xfrm call the key manager's acquire.  Only
 * net, family, local, remote, proto, mode, reqid and the selectors of @p
 * are used.  A policy already present with the same reqid is kept.
 */
int oak_xfrm_policies_install(const struct oak_child_params *p);
/* Remove the policies at @p's selectors that still carry @p's reqid. */
void oak_xfrm_policies_remove(const struct oak_child_params *p);

/*
 * Byte/packet counters of an installed Child SA (for `oak show sa`); the
 * outbound ones are 0 while it has no outbound state.  -ENOENT without the
 * inbound state.
 */
struct oak_child_counters {
	u64 bytes_in, bytes_out, packets_in, packets_out;
	u64 add_time_in;	/* seconds since epoch the inbound state was added */
};

int oak_xfrm_counters(const struct oak_child_params *p, struct oak_child_counters *c);

/* ESP transform facts for the engine's proposal logic. */
bool oak_xfrm_esp_supported(u16 encr, u16 keylen_bits, u16 integ);
/* KEYMAT bytes for one direction: encryption key (+salt) and integrity key. */
int oak_xfrm_key_lens(u16 encr, u16 keylen_bits, u16 integ,
		      unsigned int *enc_len, unsigned int *auth_len);

/* NAT traversal: the peer's port changed (p->remote_port); both states follow. */
void oak_xfrm_set_peer_port(const struct oak_child_params *p);

#endif /* OAKLEY_IKE_XFRM_H */

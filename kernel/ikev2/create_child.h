/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley IKE engine: the CREATE_CHILD_SA exchange (RFC 7296 §1.3, §2.8,
 * §2.18): additional Child SAs, Child SA rekeying (with optional PFS),
 * IKE SA rekeying, and the simultaneous-rekey rules of §2.8.1.
 *
 * Owner: ikev2/create_child.c (Child SAs), ikev2/rekey.c (IKE SA rekey).
 * Everything runs under in->lock.
 *
 * A rekeyed Child SA keeps its reqid: the new one is installed with the same
 * reqid (so it reuses the policies and, being newer, takes the outbound
 * traffic as soon as its outbound state is there), the old one keeps its
 * inbound state until its Delete exchange is over.  oak_child_uninstall()
 * removes the policies only with the last Child SA object of a reqid.
 *
 * The responder of a Child SA rekey (RFC 7296 §2.8) installs only the new
 * inbound state with its answer: the initiator installs its new inbound
 * state only once it has the answer, so sending on the new SA at once would
 * lose packets.  The new outbound keys wait in the Child SA (wiped on every
 * path) and go into xfrm when the old Child SA goes away (the initiator's
 * Delete, before the old states are removed, or any other reason), or
 * after OAK_CCS_OUT_DELAY_MS when the initiator never deletes it.
 *
 * A reauthentication (make-before-break, RFC 7296 §2.8.3) is the same to
 * the traffic: a Child SA that replaces one of another IKE SA of the same
 * connection and peer takes its reqid (oak_child_adopt_reqid()), and as
 * the responder of the exchange that made it (IKE_AUTH or CREATE_CHILD_SA)
 * we hold its outbound state back until the old Child SA goes
 * (child_takeover) or OAK_CCS_OUT_DELAY_MS have passed.
 */
#ifndef OAKLEY_IKE_CCS_H
#define OAKLEY_IKE_CCS_H

#include <linux/types.h>
#include <linux/workqueue.h>

#include "../codec/ikev2_wire.h"

struct oak_ike_sa;
struct oak_child_sa;
struct oakley_child;
struct ike_msg;

/* Keying material of a Child SA made by CREATE_CHILD_SA (§2.17). */
struct oak_ccs_kmat {
	const u8 *gir;			/* NULL without PFS */
	size_t gir_len;
	const u8 *ni, *nr;		/* the exchange's nonces */
	u16 ni_len, nr_len;
	bool initiator;			/* we initiated the exchange (TSi, KEYMAT order) */
	bool defer_out;			/* a rekey we answer: keep the outbound keys */
	bool in_only;			/* redundant (§2.8.1): no outbound state at all */
};

/* The new outbound state of a rekey we answered: fallback delay. */
#define OAK_CCS_OUT_DELAY_MS	5000
/* Keys kept for it: encryption (+ salt) and integrity key. */
#define OAK_CCS_OUT_KEY_MAX	128

/* Per IKE SA (sa->ccs). */
struct oak_sa_ccs {
	bool rekeying;			/* our IKE rekey request is outstanding */
	bool retry_ike;			/* TEMPORARY_FAILURE: rekey the IKE SA later */
	u8 busy;			/* our Child SA requests not yet answered */
	u8 ke_tries;
	u16 ke_group;			/* DH group for the next IKE rekey, 0: default */
	unsigned long retry_at;		/* jiffies: retry after TEMPORARY_FAILURE (0: none) */
	struct delayed_work work;	/* create_child.c: retries, deferred outbound states */
	u16 nmin_len;			/* made by a rekey: the exchange's lowest nonce */
	u8 *nmin;			/* nmin_len bytes (kmalloc); NULL: not made by a rekey */
};

/* Per Child SA (c->ccs); ordered to leave no holes (issue #6). */
struct oak_child_ccs {
	struct oak_child_sa *peer_new;	/* collision: the SA the peer's rekey made */
	const struct oak_ccs_kmat *kmat; /* during oak_child_install() only */
	u8 *nmin;			/* nmin_len bytes (kmalloc); NULL: made by IKE_AUTH */
	/* a rekey we answered: the outbound state is not installed yet */
	struct oak_child_sa *out_after;	/* the Child SA it replaces (until it goes) */
	unsigned long out_due;		/* jiffies: install it by then */
	u8 *out_key;			/* kmalloc; oak_child_drop_out() wipes, frees it */
	bool out_pending;
	u8 out_enc_len, out_auth_len;
	bool retry;			/* TEMPORARY_FAILURE: rekey later */
	u8 ke_tries;
	u16 ke_group;			/* DH group for the next rekey, 0: default */
	u16 nmin_len;			/* lowest nonce of the exchange that made it */
};

/* Negotiate one more Child SA for @cfg on the established @sa. */
int oak_ccs_new_child(struct oak_ike_sa *sa, const struct oakley_child *cfg);
/* Rekey @c (soft expiry or `oak rekey`); no-op when a rekey is underway. */
int oak_ccs_rekey_child(struct oak_ike_sa *sa, struct oak_child_sa *c);
/* Rekey the IKE SA itself. */
int oak_ccs_rekey_ike(struct oak_ike_sa *sa);
/* A CREATE_CHILD_SA request arrived on @sa (decrypted); answer it. */
void oak_ccs_request(struct oak_ike_sa *sa, const struct ike_msg *m);
/* After IKE_AUTH (initiator): bring up the connection's other children. */
void oak_ccs_auth_done(struct oak_ike_sa *sa);

/* Hooks of oak_ikev2_ops (sa.c). */
void oak_ccs_sa_init(struct oak_ike_sa *sa);	/* sa_init */
void oak_ccs_sa_kill(struct oak_ike_sa *sa);	/* sa_kill: drops the links */
/* child_gone: forget every pointer to @c (requests, collisions). */
void oak_ccs_child_gone(struct oak_ike_sa *sa, struct oak_child_sa *c);

/*
 * Hold @c's outbound state (kept keys) until @after goes, NULL: until the
 * Child SA it replaces in another IKE SA goes (a reauthentication we
 * answered, oak_ccs_takeover()); at most OAK_CCS_OUT_DELAY_MS.
 */
void oak_ccs_out_wait(struct oak_ike_sa *sa, struct oak_child_sa *c, struct oak_child_sa *after);
/* child_takeover hook of oak_ikev2_ops. */
void oak_ccs_takeover(struct oak_ike_sa *sa, struct oak_child_sa *c);

/* keymat.c: the deferred outbound state of a rekey we answered. */
/* Install it now (nothing to do without one); the kept keys are wiped. */
int oak_child_install_out(struct oak_ike_sa *sa, struct oak_child_sa *c);
/* Keep c->p.out's keys (a copy of their bytes) for oak_child_install_out(). */
int oak_child_keep_out(struct oak_child_sa *c);
/* Forget it: wipe and free the kept keys. */
void oak_child_drop_out(struct oak_child_sa *c);

/*
 * Shared between ikev2/create_child.c and ikev2/rekey.c (internal).
 */
/* Lowest of two nonces (the §2.8.1 tie-break): <0 when a < b. */
int oak_ccs_nonce_cmp(const u8 *a, u16 alen, const u8 *b, u16 blen);
/* Keep a copy of the lower of (ni, nr) in *dst (kmalloc, replaces the old one). */
int oak_ccs_nonce_min(u8 **dst, u16 *dst_len, const u8 *ni, u16 ni_len,
		      const u8 *nr, u16 nr_len);
/* An encrypted CREATE_CHILD_SA response with one error notify. */
void oak_ccs_respond_error(struct oak_ike_sa *sa, const struct ike_msg *m, u16 type,
			   const u8 *data, size_t len);
/* Error notify type (< 16384) of a response, or 0. */
u16 oak_ccs_msg_error(const struct ike_msg *m, const u8 **data, u16 *len);
/* Schedule a retry of the IKE SA's pending rekeys (TEMPORARY_FAILURE). */
void oak_ccs_retry_later(struct oak_ike_sa *sa);
/* ikev2/rekey.c: the peer wants to rekey the IKE SA (the SA payload is IKE's). */
void oak_ccs_ike_request(struct oak_ike_sa *sa, const struct ike_msg *m);

#endif /* OAKLEY_IKE_CCS_H */

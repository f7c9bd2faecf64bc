/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley IKE engine: the CREATE_CHILD_SA exchange (RFC 7296 §1.3, §2.8,
 * §2.18): additional Child SAs, Child SA rekeying (with optional PFS),
 * IKE SA rekeying, and the simultaneous-rekey rules of §2.8.1.
 *
 * Owner: ikev2_child.c (Child SAs), ikev2_rekey.c (IKE SA rekey).
 * Everything runs under in->lock.
 */
#ifndef OAKLEY_IKE_CCS_H
#define OAKLEY_IKE_CCS_H

#include <linux/types.h>

struct oak_ike_sa;
struct oak_child_sa;
struct oakley_child;
struct ike_msg;

/* Per IKE SA (sa->ccs). */
struct oak_sa_ccs {
	struct oak_ike_sa *rekeyed_by;	/* the new IKE SA that replaces this one */
	bool rekeying;			/* our IKE rekey request is outstanding */
};

/* Per Child SA (c->ccs). */
struct oak_child_ccs {
	bool rekeying;			/* our rekey request is outstanding */
	bool rekeyed;			/* replaced: waiting for its Delete */
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

#endif /* OAKLEY_IKE_CCS_H */

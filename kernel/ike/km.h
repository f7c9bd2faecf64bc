/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley as an xfrm key manager (xfrm_register_km): acquire for
 * `start = trap`, soft/hard expiry of Child SAs.  One struct xfrm_mgr for
 * the module; its callbacks run in atomic context, so each event is copied
 * and handed to the namespace's workqueue, where it is matched to a
 * connection (acquire, by the trap policy's reqid) or a Child SA (expire,
 * by SPI) under in->lock.
 *
 * Owner: km.c (the xfrm_mgr and the event dispatch), trap.c (trap policies).
 */
#ifndef OAKLEY_IKE_KM_H
#define OAKLEY_IKE_KM_H

#include <linux/types.h>

struct oak_ike_net;
struct oakley_conn;

/* Module-wide: called from the module's init/exit (kernel/main.c). */
int oak_km_register(void);
void oak_km_unregister(void);

/* Per namespace: from oakley_ike_net_init()/net_exit() (sa.c). */
int oak_km_net_init(struct oak_ike_net *in);
void oak_km_net_exit(struct oak_ike_net *in);

/*
 * Trap policies of a connection with start = trap (or a child with
 * start = trap): installed on conn_added, removed on conn_removed.  Caller
 * holds in->lock.
 */
int oak_trap_install(struct oak_ike_net *in, struct oakley_conn *conn);
void oak_trap_remove(struct oak_ike_net *in, struct oakley_conn *conn);
/*
 * The reqid a Child SA of @conn/@child must use so that it replaces the
 * trap's larval state and reuses its policies; 0 when the child is not
 * trapped (then the Child SA allocates its own reqid).
 */
u32 oak_trap_reqid(struct oak_ike_net *in, const struct oakley_conn *conn,
		   const char *child);
/*
 * A Child SA of @conn/@child was removed from xfrm (deleted, expired, dead
 * peer): if that child is trapped, put its trap policies back.
 */
void oak_trap_restore(struct oak_ike_net *in, const struct oakley_conn *conn,
		      const char *child);
/* dpd-action = trap: trap every child of @conn (idempotent). */
int oak_trap_install_all(struct oak_ike_net *in, struct oakley_conn *conn);

#endif /* OAKLEY_IKE_KM_H */

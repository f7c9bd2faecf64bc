/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: the hooks the control plane calls into the IKE engine,
 * implemented by the version-neutral core (kernel/core/: sa.c, api.c,
 * warm.c).  Locking contract:
 *  - oakley_ike_net_start/stop: with on->lock held.  start makes the
 *    namespace's engine unless it has one (before the first connection is
 *    added: conn_added needs it); stop lets it go, after the last
 *    connection was removed (conn_removed was called for each): its IKE SAs
 *    are killed and its sockets closed before it returns, its memory goes
 *    with its last IKE SA.  A namespace without connections has no engine;
 *  - oakley_ike_net_wait: at namespace exit, after stop, without on->lock:
 *    until every engine the namespace had is freed;
 *  - oakley_ike_conn_added/removed: with on->lock held, after the table
 *    changed; the engine may sleep but must not take on->lock.  A replaced
 *    connection gets conn_removed(old) then conn_added(new); a connection
 *    reloaded with identical configuration gets neither (its SAs stay);
 *  - oakley_ike_initiate/terminate/rekey: without on->lock, with a reference on
 *    @conn held by the caller for the duration of the call; @child is NULL
 *    for "all children" and otherwise names a child that exists in @conn;
 *  - oakley_ike_conn_warm: for each connection of a LOAD before it is
 *    installed, with no lock held (it may sleep for seconds), between
 *    oakley_ike_warm_hold() (0 or an error; then the warm is skipped) and
 *    oakley_ike_warm_release() after the commit;
 *  - oakley_ike_dump_sas: the dumpit of OAKLEY_CMD_SA_GET; put messages
 *    with oakley_nl_dump_put() / genlmsg_end(), return skb->len to be called
 *    again or 0 when done; cb->args[0..5] belong to the engine;
 *  - oakley_ike_dump_sas_done: the done of that dump (drops what it holds);
 *  - oakley_ike_set_limits: with on->lock held, from a LOAD's commit; kept
 *    in @on (an engine made later starts with them), copied by the engine
 *    under a lock of its own (core/dos.c); cannot fail.
 */
#ifndef _OAKLEY_IKE_H
#define _OAKLEY_IKE_H

#include <linux/types.h>

struct netlink_callback;
struct netlink_ext_ack;
struct sk_buff;
struct oakley_conn;
struct oakley_net;

/* Module init/exit: the engines' shared workqueues and slab caches. */
int oakley_ike_init(void);
void oakley_ike_exit(void);
int oakley_ike_net_start(struct oakley_net *on);
void oakley_ike_net_stop(struct oakley_net *on);
void oakley_ike_net_wait(struct oakley_net *on);
/* Engines not freed yet, in every namespace (a module parameter shows it). */
int oakley_ike_engines(void);
int oakley_ike_warm_hold(void);
void oakley_ike_conn_warm(const struct oakley_conn *conn);
void oakley_ike_warm_release(void);
void oakley_ike_conn_added(struct oakley_net *on, struct oakley_conn *conn);
void oakley_ike_conn_removed(struct oakley_net *on, struct oakley_conn *conn);
int oakley_ike_initiate(struct oakley_net *on, struct oakley_conn *conn, const char *child,
			struct netlink_ext_ack *extack);
int oakley_ike_terminate(struct oakley_net *on, struct oakley_conn *conn, const char *child,
			 struct netlink_ext_ack *extack);
int oakley_ike_rekey(struct oakley_net *on, struct oakley_conn *conn, const char *child,
		     struct netlink_ext_ack *extack);
int oakley_ike_dump_sas(struct oakley_net *on, struct sk_buff *skb,
			struct netlink_callback *cb);
int oakley_ike_dump_sas_done(struct netlink_callback *cb);

/* The namespace's limits against IKE_SA_INIT floods (OAKLEY_A_LIMITS). */
struct oakley_limits {
	u32 half_open_cookie;
	u32 half_open_max;
	u32 init_rate;
	u32 init_burst;
	u64 half_open_bytes;
};

/* The defaults: the module parameters (core/dos.c). */
void oakley_ike_limits_default(struct oakley_limits *l);
void oakley_ike_set_limits(struct oakley_net *on, const struct oakley_limits *l);

#endif /* _OAKLEY_IKE_H */

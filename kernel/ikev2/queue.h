/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley IKE engine: requests on an established IKE SA (RFC 7296 §2.3),
 * liveness checks, INFORMATIONAL exchanges and the IKE SA's timers.
 *
 * Every request sent on an established IKE SA (CREATE_CHILD_SA,
 * INFORMATIONAL) goes through this queue: with a window of 1, the queue
 * sends the next request only when the previous one was answered, so a
 * DPD, a Child rekey and a Delete issued at once go out one after another.
 *
 * Owner: ikev2.c (queue, dispatch, INFORMATIONAL), timers.c (DPD, IKE
 * rekey/reauth timers).  Everything runs under in->lock.
 */
#ifndef OAKLEY_IKE_QUEUE_H
#define OAKLEY_IKE_QUEUE_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct oak_ike_net;
struct oak_ike_sa;
struct oak_child_sa;
struct oakley_conn;
struct ike_buf;
struct ike_msg;

struct oak_req;

struct oak_req_ops {
	u8 exchange;		/* IKE_CREATE_CHILD_SA or IKE_INFORMATIONAL */
	/*
	 * Add the request's payloads inside the SK payload that the queue has
	 * opened (header and SK are the queue's).  Called when the request
	 * reaches the head of the queue and the window is free; an error drops
	 * the request (->done is then called with m == NULL).
	 */
	int (*build)(struct oak_ike_sa *sa, struct oak_req *r, struct ike_buf *b);
	/*
	 * The response arrived (m: decrypted, inner payloads parsed), or
	 * m == NULL: the request failed (no answer after the retransmit schedule,
	 * a build error, or the IKE SA is being removed).  Must not free @r.
	 */
	void (*done)(struct oak_ike_sa *sa, struct oak_req *r, const struct ike_msg *m);
	/* Release @r (and whatever it carries); NULL: kfree_sensitive(r). */
	void (*release)(struct oak_req *r);
};

/* Embed this in a bigger struct to carry state from build to done. */
struct oak_req {
	struct list_head node;
	const struct oak_req_ops *ops;
	struct oak_child_sa *child;	/* the Child SA concerned, or NULL */
};

/* sa->q.flags */
#define OAK_Q_DELETING		BIT(0)	/* Delete(IKE) queued: no new requests */
#define OAK_Q_RESTART		BIT(1)	/* initiated by dpd-action = restart: retry on failure */
#define OAK_Q_REAUTH_NEW	BIT(2)	/* make-before-break: replaces an older IKE SA */
#define OAK_Q_REAUTH_OLD	BIT(3)	/* being replaced by a reauthentication */
#define OAK_Q_REKEY_DONE	BIT(4)	/* the IKE rekey timer has fired */
#define OAK_Q_REAUTH_DONE	BIT(5)	/* the reauth timer has fired */
#define OAK_Q_DEAD_PEER		BIT(6)	/* retransmissions ran out: the peer is gone */

/* The queue's and the timers' state inside struct oak_ike_sa (sa->q). */
struct oak_sa_queue {
	struct list_head pending;	/* struct oak_req, not yet sent */
	struct oak_req *cur;		/* sent, waiting for the response */
	unsigned long last_rx;		/* jiffies of the last valid message */
	u64 esp_in;			/* inbound ESP packets seen by the last DPD check */
	struct delayed_work dpd_work;	/* liveness check */
	struct delayed_work rekey_work;	/* IKE SA rekey / reauth / hard lifetime; restart delay */
	unsigned long rekey_at;		/* jiffies: IKE SA rekey (0 = none) */
	unsigned long reauth_at;	/* jiffies: reauthentication (0 = none) */
	unsigned long expire_at;	/* jiffies: hard lifetime (0 = none) */
	unsigned int restart_delay;	/* seconds: backoff of the next restart attempt */
	u16 flags;			/* OAK_Q_* */
};

/*
 * Queue @r on an established IKE SA; it is sent as soon as the window is
 * free.  Takes ownership of @r in every case (on error ->done(NULL) and
 * ->release have been called).  -ENOTCONN when the SA is not established.
 */
int oak_req_submit(struct oak_ike_sa *sa, struct oak_req *r);

/* Ready-made requests. */
/* Delete(ESP/AH) of @c; frees @c once answered, failed or not queued (0 or -ENOTCONN). */
int oak_req_delete_child(struct oak_ike_sa *sa, struct oak_child_sa *c);
int oak_req_delete_ike(struct oak_ike_sa *sa);	/* then kills sa */
int oak_req_liveness(struct oak_ike_sa *sa);

/*
 * A Child SA is about to be freed: requests that refer to it get
 * r->child = NULL (their ->build and ->done must cope with that).
 */
void oak_queue_child_gone(struct oak_ike_sa *sa, struct oak_child_sa *c);
/* One OAKLEY_EVENT_CHILD_DOWN per installed Child SA (before a kill). */
void oak_queue_children_down(struct oak_ike_sa *sa);
/* Is a Delete of @c queued or outstanding? */
bool oak_queue_deleting_child(struct oak_ike_sa *sa, const struct oak_child_sa *c);

/* Hooks called by sa.c */
void oak_queue_sa_init(struct oak_ike_sa *sa);	/* from oak_sa_new() */
void oak_queue_sa_up(struct oak_ike_sa *sa);	/* from oak_sa_established(): arm timers */
void oak_queue_sa_kill(struct oak_ike_sa *sa);	/* from oak_sa_kill(): fail queue, stop timers */

/*
 * Keep a built message (sa->req, sa->resp): returns an exact-size copy and
 * frees @buf, or @buf itself when no memory is left for the copy.
 */
u8 *oak_msg_keep(u8 *buf, size_t len);

/* ikev2.c <-> queue.c <-> timers.c (internal to the queue's owner) */
bool oak_queue_response(struct oak_ike_sa *sa, const struct ike_msg *m);
unsigned int oak_queue_rtx_tries(const struct oak_ike_sa *sa);
void oak_rtx_exhausted(struct oak_ike_sa *sa, bool queued);
void oak_info_request(struct oak_ike_sa *sa, const struct ike_msg *m);
void oak_timers_init(struct oak_ike_sa *sa);
void oak_timers_up(struct oak_ike_sa *sa);
void oak_timers_stop(struct oak_ike_sa *sa);
void oak_timers_rx(struct oak_ike_sa *sa);
void oak_peer_dead(struct oak_ike_sa *sa);
void oak_timers_restart_delay(struct oak_ike_sa *sa, unsigned int delay_s);
void oak_conn_sa_up(struct oak_ike_sa *sa);
void oak_conn_sa_gone(struct oak_ike_sa *sa);

/* api.c: initiate @conn from the engine (restart, reauth); flags: OAK_Q_* */
int oak_initiate_flags(struct oak_ike_net *in, struct oakley_conn *conn, u16 flags,
		       unsigned int delay_s);

#endif /* OAKLEY_IKE_QUEUE_H */

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
 * Owner: queue.c (the queue), ikev2.c (dispatch, INFORMATIONAL); the SA's
 * deadlines are the core's (kernel/core/timers.[ch]).  Everything runs
 * under in->lock.
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

/* The queue's state inside struct ikev2_sa (rq). */
struct oak_sa_rq {
	struct list_head pending;	/* struct oak_req, not yet sent */
	struct oak_req *cur;		/* sent, waiting for the response */
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

/* Hooks of oak_ikev2_ops (sa.c) */
void oak_queue_sa_init(struct oak_ike_sa *sa);	/* sa_init */
void oak_queue_sa_up(struct oak_ike_sa *sa);	/* sa_up: arm the timers, send what waits */
void oak_queue_sa_kill(struct oak_ike_sa *sa);	/* sa_kill: fail the queue, stop the timers */

/*
 * Keep a built message (sa->req, sa->resp): returns an exact-size copy and
 * frees @buf, or @buf itself when no memory is left for the copy.
 */
u8 *oak_msg_keep(u8 *buf, size_t len);

/* ikev2.c <-> queue.c (internal to the queue's owner) */
bool oak_queue_response(struct oak_ike_sa *sa, const struct ike_msg *m);
unsigned int oak_queue_rtx_tries(const struct oak_ike_sa *sa);
void oak_info_request(struct oak_ike_sa *sa, const struct ike_msg *m);

#endif /* OAKLEY_IKE_QUEUE_H */

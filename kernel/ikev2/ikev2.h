/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley IKEv2 (RFC 7296): the version's state of an IKE SA and a Child SA,
 * and what the files of kernel/ikev2/ share:
 *
 *   ikev2.c         receive: header checks, message-ID window (§2.3),
 *                   retransmission (§2.1), dispatch by exchange, SK (§3.14),
 *                   INFORMATIONAL (§1.4, §1.5)
 *   sa_init.c       IKE_SA_INIT (§1.2, §2.6, §2.7): proposals, KE, nonces,
 *                   COOKIE and INVALID_KE_PAYLOAD, SKEYSEED; the DH jobs
 *   auth.c          IKE_AUTH (§1.2, §2.15, §2.4 INITIAL_CONTACT): PSK, IDs,
 *                   the first Child SA
 *   create_child.c  CREATE_CHILD_SA for Child SAs (§1.3, §2.8, §2.8.1)
 *   rekey.c         CREATE_CHILD_SA rekeying the IKE SA (§1.3.2, §2.18)
 *   queue.c         the request queue of an established SA (window 1)
 *   proposal.c      SA payloads: building and selecting proposals (§3.3)
 *   keymat.c        Child SA keys (§2.17), handed to the core to install
 *   sa.c            the SA's IKEv2 state, oak_ikev2_ops (kernel/core/proto.h)
 *   nat.c           NAT detection, the move to port 4500 (§2.23)
 *
 * Everything runs under in->lock (kernel/core/sa.h), and the SA's own lock
 * for the contexts of one SA, except the DH jobs and windows (sa.h).
 */
#ifndef OAKLEY_IKEV2_H
#define OAKLEY_IKEV2_H

#include <linux/build_bug.h>
#include <linux/container_of.h>
#include <linux/workqueue.h>

#include "../core/sa.h"
#include "../codec/ikev2_wire.h"
#include "../crypto/ike_crypto.h"
#include "queue.h"
#include "create_child.h"

#define OAK_NONCE_LEN		32
#define OAK_MSG_MAX		8192	/* largest message we build */
#define OAK_RTX_FIRST_MS	500
#define OAK_RTX_MAX_MS		8000
#define OAK_RTX_TRIES		5
#define OAK_HALF_OPEN_TTL	(30 * HZ)
#define OAK_COOKIE_MAX		64	/* RFC 7296 §2.6: 1..64 bytes */
#define OAK_REQ_TAIL		32	/* request bytes kept to recognise its retransmission */

/*
 * What only IKE_SA_INIT + IKE_AUTH (or the CREATE_CHILD_SA that rekeys an
 * IKE SA) needs: the nonces and every SK_* key but SK_d (the SK state keeps
 * its own copy of SK_e/SK_a, SK_pi/SK_pr sign AUTH).  Allocated with the SA,
 * wiped and freed by oak_sa_hs_free() once the exchange is over.
 */
struct oak_ike_hs {
	struct oak_ike_keys keys;
	u8 ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
};

/*
 * An IKEv2 SA: the core's SA first, then what only IKEv2 has.  Whatever
 * only the handshake needs (nonces, SK_* keys, IKE_SA_INIT messages,
 * COOKIE) is allocated separately and freed as soon as it is done with.
 */
struct ikev2_sa {
	struct oak_ike_sa sa;
	u8 prf_len;			/* PRF output: bytes of SK_d, SK_p*, AUTH */
	u8 ke_retries;
	u8 cookie_len;			/* initiator: responder's COOKIE to echo */
	bool dh_pending;		/* an IKE_SA_INIT DH job runs for it: see sa_init.c */
	u16 ni_len, nr_len;		/* 0 once the handshake context is gone */
	u16 resp_req_len;
	u8 sk_d[IKE_PRF_MAX_LEN];	/* for every later Child SA and IKE SA rekey */
	struct oak_dh *dh;
	/* handshake context and its nonces (NULL once the exchange is over) */
	struct oak_ike_hs *hs;
	u8 *ni, *nr;			/* hs->ni, hs->nr */
	/* IKE_SA_INIT request and response as sent/received: until IKE_AUTH is over */
	u8 *init_req;
	u8 *init_resp;
	u32 init_req_len;
	u32 init_resp_len;
	u8 *cookie;			/* cookie_len bytes, until IKE_SA_INIT is done */
	struct oak_sk *sk_in, *sk_out;
	/* requests we send (window 1) */
	u8 *req;			/* outstanding request (exact size), NULL when none */
	u32 req_len;
	u32 msgid_out;
	unsigned int rtx_tries;
	unsigned int rtx_ms;
	struct delayed_work rtx_work;
	/* requests we receive */
	u8 *resp;			/* response to msgid_in - 1 (exact size) */
	u32 resp_len;
	u32 msgid_in;			/* next expected */
	/* the request @resp answers: length and tail (its ICV), to tell a retransmission */
	u8 resp_req_tail[OAK_REQ_TAIL];
	struct oak_sa_rq rq;		/* queue.c: requests on the established SA */
	struct oak_sa_ccs ccs;		/* create_child.c, rekey.c */
};

/* An IKEv2 Child SA. */
struct ikev2_child {
	struct oak_child_sa c;
	struct oak_child_ccs ccs;	/* create_child.c, keymat.c: rekey state */
};

#define ikev2_sa(s)	container_of(s, struct ikev2_sa, sa)
#define ikev2_child(x)	container_of(x, struct ikev2_child, c)

/*
 * Each has a slab cache of its own (exact size, its own /proc/slabinfo
 * line, "oak_ike_sa" and "oak_child_sa"): these pin the sizes measured in
 * Documentation/performance.md, so that growing either one is a conscious
 * decision (lockdep makes them bigger).  They were 936 and 312 bytes as one
 * struct each; the version's operations pointer (8) and the padding where
 * the core's part ends and IKEv2's begins (8: each part is rounded to 8
 * bytes on its own) make them 952 and 320; the SA lock (32), the RCU head
 * of its deferred free (16) and the window state (8) of parallel SAs make
 * the IKE SA 1008 (Documentation/design/concurrency.md).
 */
#define OAK_IKE_SA_SIZE_MAX	1008
#define OAK_CHILD_SA_SIZE_MAX	320
static_assert(IS_ENABLED(CONFIG_LOCKDEP) || sizeof(struct ikev2_sa) <= OAK_IKE_SA_SIZE_MAX,
	      "struct ikev2_sa outgrew its budget (issue #6)");
static_assert(IS_ENABLED(CONFIG_LOCKDEP) ||
	      sizeof(struct ikev2_child) <= OAK_CHILD_SA_SIZE_MAX,
	      "struct ikev2_child outgrew its budget (issue #6)");

/* sa.c */
void oak_sa_keep_sk_d(struct oak_ike_sa *sa);
void oak_sa_hs_free(struct oak_ike_sa *sa);
/*
 * The live IKE SA that inherits the Child SAs of @sa when @sa goes: the one
 * that replaced it, else (a redundant SA of a collision) the one it rekeyed.
 */
struct oak_ike_sa *oak_ccs_heir(struct oak_ike_sa *sa);

/* proposal.c */
int oak_prop_build(const struct oakley_proposals *props, u8 protocol, const u8 *spi,
		   u8 spi_len, bool with_dh, struct ike_sa_payload *out);
int oak_prop_select(const struct ike_sa_payload *peer, const struct oakley_proposals *ours,
		    u8 protocol, bool ignore_dh, struct oak_algs *algs, u8 *chosen);
int oak_prop_from_algs(const struct oak_algs *a, u8 num, u8 protocol, const u8 *spi,
		       u8 spi_len, struct ike_sa_payload *out);
u16 oak_prop_first_dh(const struct oakley_proposals *props);
bool oak_prop_has_dh(const struct oakley_proposals *props, u16 group);
bool oak_prop_select_algs(const struct oakley_proposals *props, const struct oak_algs *algs);

/* ikev2.c */
void oak_ikev2_rx(struct oak_ike_net *in, u8 *buf, size_t len, const struct oak_addr *src,
		  const struct oak_addr *dst);
int oak_send_request(struct oak_ike_sa *sa, u8 *buf, size_t len);
int oak_send_response(struct oak_ike_sa *sa, u8 *buf, size_t len);
int oak_sk_finish(struct oak_ike_sa *sa, struct ike_buf *b, size_t sk_off);
void oak_hdr(struct oak_ike_sa *sa, struct ike_buf *b, u8 exchange, bool response, u32 msgid);
int oak_send_delete_ike(struct oak_ike_sa *sa);
u16 oak_msg_error(const struct ike_msg *m);
void oak_rtx_work(struct work_struct *work);
void oak_rtx_arm(struct oak_ike_sa *sa, unsigned long delay);
void oak_send_notify_plain(struct oak_ike_net *in, const struct ike_msg *req,
			   const struct oak_addr *from, const struct oak_addr *to, u16 type,
			   const u8 *data, size_t len);

/* sa_init.c */
int oak_init_start(struct oak_ike_sa *sa, u16 group);
void oak_init_request(struct oak_ike_net *in, u8 *buf, size_t len, const struct ike_msg *m,
		      const struct oak_addr *src, const struct oak_addr *dst);
void oak_init_response(struct oak_ike_sa *sa, const u8 *buf, size_t len,
		       const struct ike_msg *m);

/* auth.c */
int oak_auth_start(struct oak_ike_sa *sa);
void oak_auth_request(struct oak_ike_sa *sa, const struct ike_msg *m);
void oak_auth_response(struct oak_ike_sa *sa, const struct ike_msg *m);
int oak_psk_get(struct oak_ike_sa *sa, u8 *psk, size_t *len);

/* cert.c: certificate authentication */
void oak_cert_init_payloads(struct oak_ike_sa *sa, struct ike_buf *b, bool responder);
void oak_cert_add_certreq(struct oak_ike_sa *sa, struct ike_buf *b);
void oak_cert_add_certs(struct oak_ike_sa *sa, struct ike_buf *b);
int oak_cert_sign(struct oak_ike_sa *sa, const u8 *octets, size_t len, struct ike_buf *b);
int oak_cert_verify(struct oak_ike_sa *sa, const struct ike_msg *m, const struct ike_id *id,
		    const struct ike_auth *auth, const u8 *octets, size_t len);
void oak_auth_inherit_id(struct oak_ike_sa *nsa, const struct oak_ike_sa *old);

/* keymat.c: derive @c's keys (KEYMAT, §2.17) and install it with selectors tsi/tsr */
int oak_child_install(struct oak_ike_sa *sa, struct oak_child_sa *c,
		      const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr);

/* nat.c: NAT traversal (§2.23) */
void oak_nat_add(struct oak_ike_sa *sa, struct ike_buf *b, const u8 *spi_r);
void oak_nat_detect(struct oak_ike_sa *sa, const struct ike_msg *m, const struct oak_addr *src,
		    const struct oak_addr *dst);
void oak_nat_float(struct oak_ike_sa *sa);
bool oak_nat_moved(const struct oak_ike_sa *sa, const struct oak_addr *src,
		   const struct oak_addr *dst);
void oak_nat_update(struct oak_ike_sa *sa, const struct oak_addr *src,
		    const struct oak_addr *dst);

#endif /* OAKLEY_IKEV2_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley IKEv1 (RFC 2409 with pre-shared keys): the version's state of an
 * ISAKMP SA and an IPsec SA, and what the files of kernel/ikev1/ share:
 *
 *   ikev1.c          receive: demultiplexing by cookies, retransmissions
 *                    (both sides resend; a repeated message gets our last
 *                    answer again), dispatch by exchange; oak_ikev1_ops
 *   main_mode.c      Main Mode (§5, PSK): six messages, SKEYID*, HASH_I/_R
 *   aggressive_mode.c Aggressive Mode (§5, PSK): three messages, if configured
 *   quick_mode.c     Quick Mode (§5.5): HASH(1..3), PFS, KEYMAT, install
 *   informational.c  Informational exchanges (§5.7): Delete and Notify,
 *                    INITIAL-CONTACT (RFC 2407 §4.6.3.3)
 *   dpd.c            Dead Peer Detection (RFC 3706): Vendor ID, R-U-THERE
 *   proposal.c       SA payloads of phase 1 and phase 2: build and select
 *   crypt.c          CBC of the message bodies, the IVs (Appendix B)
 *
 * Locking (Documentation/design/concurrency.md, ikev1.md): the contexts of
 * one ISAKMP SA (a datagram for it, its retransmission timer, the core's
 * timers) hold its lock and in->lock (oak_sa_lock(), asserted by
 * oak_sa_assert_locked()); the rest (a first message, netlink, the key
 * manager) hold in->lock alone and may act on any SA.  Windows (in->lock
 * dropped, the SA's lock kept): phase 1's DH (main_mode.c v1_dh()), a
 * Quick Mode's PFS DH (quick_mode.c v1_qm_dh(), v1_qm_kx_work()), the
 * build of a Quick Mode's xfrm states (quick_mode.c v1_qm_install()); the
 * initiator's key pairs wanted under in->lock alone are made by work items
 * of the SA (am_kx_work, qm_kx_work) that take its lock.
 */
#ifndef OAKLEY_IKEV1_H
#define OAKLEY_IKEV1_H

#include <linux/build_bug.h>
#include <linux/container_of.h>
#include <linux/workqueue.h>

#include "../core/sa.h"
#include "../codec/isakmp_wire.h"
#include "../crypto/ike_crypto.h"

#define V1_NONCE_LEN		32
#define V1_MSG_MAX		4096	/* largest message we build */
#define V1_RTX_FIRST_MS		1000
#define V1_RTX_MAX_MS		8000
#define V1_RTX_TRIES		6
#define V1_TAIL			32	/* bytes kept of a message to know its repetition */
#define V1_MAX_XFORMS		16	/* transforms we offer in one SA payload */
#define V1_SPI_LEN		4
#define V1_DPD_FIRST_MS		500	/* R-U-THERE resent as IKEv2 resends a liveness check */
#define V1_DPD_TRIES		5
/*
 * A Quick Mode rekey (quick_mode.c): the initiator's new outbound state
 * goes in this long after QI2 (the responder installs with QI2), the old
 * pair's Delete after this; a responder deletes a pair the peer rekeyed
 * and did not delete itself after the grace.  A queued rekey is looked at
 * again every V1_REKEY_POLL_MS while another Quick Mode runs.
 */
#define V1_REKEY_OUT_MS		1000
#define V1_REKEY_DEL_MS		2000
#define V1_REKEY_GRACE_MS	3000
#define V1_REKEY_POLL_MS	500

/* Where a Main Mode stands (ikev1_sa.step) */
enum v1_step {
	V1_MM_I1 = 1,		/* initiator: SA sent */
	V1_MM_I2,		/* initiator: KE, Ni sent */
	V1_MM_I3,		/* initiator: IDii, HASH_I sent */
	V1_MM_R1,		/* responder: SA sent */
	V1_MM_R2,		/* responder: KE, Nr sent */
	V1_AM_I1,		/* Aggressive Mode initiator: SA, KE, Ni, IDii sent */
	V1_AM_R1,		/* Aggressive Mode responder: SA, KE, Nr, IDir, HASH_R sent */
	V1_DONE,		/* phase 1 is over */
};

/* Phase 1 only: freed (wiped) once Main Mode is over. */
struct ikev1_hs {
	struct oak_dh *dh;
	u16 ni_len, nr_len, gx_len, sai_len;
	u8 ni[ISAKMP_NONCE_MAX], nr[ISAKMP_NONCE_MAX];
	u8 gxi[IKE_DH_MAX_PUB], gxr[IKE_DH_MAX_PUB];
	u8 *sai_b;			/* the initiator's SA body (SAi_b) */
	u8 *idi_b;			/* Aggressive Mode responder: IDii_b until HASH_I */
	u16 idi_len;
};

/* One Quick Mode under way (one at a time per ISAKMP SA). */
struct ikev1_qm {
	u32 msgid;
	bool initiator;
	u8 iv[OAK_V1_MAX_BLOCK];
	struct oak_child_sa *c;		/* being negotiated */
	struct oak_child_sa *old;	/* a rekey: the SA pair it replaces */
	struct oak_dh *dh;		/* PFS */
	u16 group;			/* PFS group, 0: none */
	u16 ni_len, nr_len, gxy_len;
	u8 ni[ISAKMP_NONCE_MAX], nr[ISAKMP_NONCE_MAX];
	u8 gxy[IKE_DH_MAX_SHARED];
	struct ike_ts tsi, tsr;		/* IDci, IDcr as ranges */
	const struct oakley_child *cfg;	/* initiator: the child negotiated */
	u16 pair;			/* initiator: index of its selector pair */
	u8 round;			/* initiator: enum v1_qm_round */
};

/*
 * QI2 of a Quick Mode we initiated, kept by its message ID after the
 * exchange ended: a repeated QR1 (its length and last bytes) gets it again,
 * even once the next Quick Mode runs (the responder may still wait for it).
 */
#define V1_QM_SENT		4	/* the last Quick Modes kept */
#define V1_QM_SENT_MAX		160	/* bytes of a QI2: header, HASH(3), padding */

struct v1_qm_sent {
	u32 msgid;			/* 0: empty */
	u32 rx_len;			/* QR1 */
	u8 rx_tail[V1_TAIL];
	u16 len;
	u8 msg[V1_QM_SENT_MAX];		/* QI2 */
};

/* What an initiator's Quick Mode is part of: the next one follows when it ends. */
enum v1_qm_round {
	V1_QM_ONE,		/* itself alone */
	V1_QM_CHILD,		/* every selector pair of its child */
	V1_QM_CONN,		/* that, then the connection's other children */
};

struct ikev1_sa {
	struct oak_ike_sa sa;
	u8 step;			/* enum v1_step */
	u8 block;			/* cipher block: 8 or 16 */
	u16 hash;			/* IKEV1_HASH_* of phase 1 */
	u32 p1_life;			/* seconds: the SA Life phase 1 agreed on, 0: none */
	u16 life;			/* proposed lifetime, seconds */
	struct oak_v1_keys *keys;	/* SKEYID*, cipher key; NULL before */
	struct ikev1_hs *hs;
	struct ikev1_qm *qm;
	struct v1_qm_sent *qm_sent;	/* [V1_QM_SENT], once we initiated one; quick_mode.c */
	u8 qm_sent_next;		/* the slot to fill next */
	/* the initiator's key pairs, made as the SA's own context (in a window) */
	struct work_struct qm_kx_work;	/* quick_mode.c: PFS, then QI1 */
	struct work_struct am_kx_work;	/* aggressive_mode.c: phase 1, then I1 */
	/* quick_mode.c: a rekey's later steps, queued rekeys (struct ikev1_child) */
	struct delayed_work child_work;
	void *cbc;			/* crypt.c: the phase 1 cipher */
	u8 iv[OAK_V1_MAX_BLOCK];	/* phase 1 CBC chain; after it, its last block */
	/* the last message we sent in an exchange (resent by the timer while @waiting) */
	u8 *last;
	u32 last_len;
	bool waiting;
	unsigned int rtx_tries, rtx_ms;
	struct delayed_work rtx_work;
	/* the last message we took: when it comes again, @last goes again */
	u32 rx_len, pend_len;
	u8 rx_tail[V1_TAIL];
	u8 pend_tail[V1_TAIL];		/* of the message being handled */
	/* dpd.c: Dead Peer Detection (RFC 3706) */
	bool dpd_peer;			/* the peer sent the DPD Vendor ID */
	bool dpd_wait;			/* our R-U-THERE is unanswered */
	u8 dpd_tries;
	unsigned int dpd_ms;
	u32 dpd_seq;			/* of our last R-U-THERE */
	u32 dpd_first;			/* of the first R-U-THERE of the check under way */
	u32 dpd_peer_seq;		/* of the peer's last fresh R-U-THERE */
	bool dpd_peer_seen;		/* dpd_peer_seq is set */
	unsigned long dpd_since;	/* jiffies: the check began */
	struct delayed_work dpd_work;	/* its retransmissions */
};

/*
 * A Quick Mode SA pair.  The deadlines of a rekey (quick_mode.c,
 * v1_child_work()): the new pair's outbound state held back (its keys),
 * the old pair's Delete; and a rekey waiting for the Quick Mode under way.
 */
struct ikev1_child {
	struct oak_child_sa c;
	u8 *out_km;			/* outbound keys to install at @out_at, or NULL */
	u16 out_elen, out_alen;
	bool rekey_wait;		/* rekey it when no Quick Mode runs */
	unsigned long out_at;		/* jiffies */
	unsigned long del_at;		/* jiffies; 0: none */
};

#define ikev1_sa(s)	container_of(s, struct ikev1_sa, sa)
#define ikev1_child(x)	container_of(x, struct ikev1_child, c)

/* ikev1.c */
extern const struct oak_proto_ops oak_ikev1_ops;
u8 *v1_msg_alloc(struct isakmp_buf *b);
void v1_hdr(struct oak_ike_sa *sa, struct isakmp_buf *b, u8 exchange, u8 flags, u32 msgid);
/* Send @buf (kmalloc'd, taken) as our last message; @wait: resend until answered. */
int v1_send(struct oak_ike_sa *sa, u8 *buf, size_t len, bool wait);
void v1_tx_done(struct oak_ike_sa *sa);
/* The message being handled verified: its repetition gets our last message. */
void v1_rx_commit(struct oak_ike_sa *sa);
void v1_rx_note(struct oak_ike_sa *sa, const u8 *buf, size_t len);
/* A copy of the message we took last: our last message goes again. */
bool v1_rx_repeat(struct oak_ike_sa *sa, const u8 *buf, size_t len);
void v1_sa_down(struct oak_ike_sa *sa);
/* A first message (no copy of one we took) of @len bytes from @src may make an SA. */
bool v1_first_admit(struct oak_ike_net *in, size_t len, const struct oak_addr *src);

/* crypt.c */
int v1_cbc_new(struct oak_ike_sa *sa, u16 encr, const u8 *key, unsigned int key_len);
void v1_cbc_free(struct oak_ike_sa *sa);
/* A keyed cipher for no SA yet (@block: its block size) or ERR_PTR; v1_cbc_put() frees it. */
void *v1_cbc_alloc(u16 encr, const u8 *key, unsigned int key_len, u8 *block);
void v1_cbc_put(void *cbc);
/* @sa's phase 1 cipher becomes @cbc (taken) */
void v1_cbc_set(struct oak_ike_sa *sa, void *cbc, u8 block);
/* Pad, encrypt b's body from ISAKMP_HDR_LEN with @iv; @iv becomes its last block. */
int v1_encrypt(struct oak_ike_sa *sa, struct isakmp_buf *b, u8 *iv);
/*
 * Decrypt buf's body in place with a copy of @iv; @next receives the last
 * ciphertext block (commit it once the message verified), then parse it.
 */
int v1_decrypt(struct oak_ike_sa *sa, u8 *buf, size_t len, const u8 *iv, u8 *next,
	       struct isakmp_msg *m, const u8 **plain);
int v1_iv2(struct oak_ike_sa *sa, u32 msgid, u8 *iv);
/* rest of the message after payload @i (its end, no padding) */
void v1_rest(const struct isakmp_msg *m, const u8 *plain, unsigned int i, const u8 **rest,
	     size_t *len);
/* Add a HASH payload of hash length zeros; returns its body's offset. */
size_t v1_hash_reserve(struct oak_ike_sa *sa, struct isakmp_buf *b);

/* proposal.c */
struct v1_p1 {
	u16 encr, keylen, hash, group;
	u32 life;
};

struct v1_p2 {
	u16 encr, keylen, integ, group;	/* IKEv2 IDs, as xfrm takes them */
	u8 esp_id, mode;
	u8 spi[V1_SPI_LEN];
	u32 life_s, life_kb;		/* SA Life: seconds, kilobytes; 0: none */
};

/* @group: only the transforms of this group (Aggressive Mode), 0: all */
void v1_p1_build(struct isakmp_buf *b, const struct oakley_conn *conn, u16 group);
int v1_p1_select(const struct isakmp_sa *peer, const struct oakley_conn *conn,
		 struct v1_p1 *out, u8 *pnum, u8 *tnum);
void v1_p1_put(struct isakmp_buf *b, const struct v1_p1 *p, u8 pnum, u8 tnum);
u16 v1_p1_first_group(const struct oakley_conn *conn);
void v1_p2_build(struct isakmp_buf *b, const struct oakley_child *cfg, const u8 *spi,
		 u16 *group);
u16 v1_p2_pfs_group(const struct oakley_child *cfg);
int v1_p2_select(const struct isakmp_sa *peer, const struct oakley_child *cfg,
		 struct v1_p2 *out, u8 *pnum, u8 *tnum);
void v1_p2_put(struct isakmp_buf *b, const struct v1_p2 *p, const u8 *spi, u8 pnum, u8 tnum);
/* RESPONDER-LIFETIME (RFC 2407 §4.6.3.1): its attribute list, built and read */
void v1_p1_life_attrs(struct isakmp_buf *b, u32 secs);
u32 v1_p1_life_parse(const u8 *data, u16 len);
void v1_p1_life_rx(struct oak_ike_sa *sa, const struct isakmp_notify *n);
void v1_p2_life_attrs(struct isakmp_buf *b, u32 secs, u32 kb);
int v1_p2_life_parse(const u8 *data, u16 len, struct v1_p2 *p);

/* main_mode.c: also what Aggressive Mode shares */
void v1_fail(struct oak_ike_sa *sa, u16 notify, const char *why);
void v1_set_algs(struct oak_ike_sa *sa, const struct v1_p1 *p);
int v1_keygen(struct oak_ike_sa *sa);
int v1_take_ke_nonce(struct oak_ike_sa *sa, const struct isakmp_msg *m);
/*
 * Phase 1's DH under the SA's lock, with in->lock dropped meanwhile: our
 * key pair (@keygen, as v1_keygen()) and/or g^xy, SKEYID*, the cipher and
 * the phase 1 IV (@derive), published when in->lock is back.
 */
int v1_dh(struct oak_ike_sa *sa, bool keygen, bool derive);
int v1_hash_x(struct oak_ike_sa *sa, bool of_initiator, const u8 *id_b, size_t id_len,
	      u8 *out);
int v1_check_id(struct oak_ike_sa *sa, const struct isakmp_id *id);
void v1_mm_done(struct oak_ike_sa *sa);
int v1_p1_start(struct oak_ike_sa *sa);
struct oak_ike_sa *v1_p1_new_sa(struct oak_ike_net *in, struct oakley_conn *conn,
				const struct isakmp_msg *m, const struct isakmp_payload *psa,
				const struct oak_addr *src, const struct oak_addr *dst);
int v1_mm_start(struct oak_ike_sa *sa);
/* The proposal a first message gets back (v1_p1_request1() -> v1_p1_answer1()). */
struct v1_p1_req {
	struct v1_p1 p;
	u8 pn, tn;
};

struct oak_ike_sa *v1_p1_request1(struct oak_ike_net *in, const struct isakmp_msg *m,
				  size_t len, const struct oak_addr *src,
				  const struct oak_addr *dst, struct v1_p1_req *req);
void v1_p1_answer1(struct oak_ike_sa *sa, const u8 *buf, size_t len, const struct isakmp_msg *m,
		   const struct v1_p1_req *req);
void v1_mm_rx(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m);

/* aggressive_mode.c */
int v1_am_start(struct oak_ike_sa *sa);
void v1_am_r_answer(struct oak_ike_sa *sa, const u8 *buf, size_t len, const struct isakmp_msg *m,
		    const struct v1_p1 *p, u8 pn, u8 tn);
void v1_am_rx(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m);

/* quick_mode.c */
int v1_qm_start(struct oak_ike_sa *sa, const struct oakley_child *cfg);
void v1_qm_rx(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m);
void v1_qm_free(struct oak_ike_sa *sa);
/* With the SA: the kept QI2s too. */
void v1_qm_sa_free(struct oak_ike_sa *sa);
/* Its retransmissions ran out, or it failed: the Child SA goes with it. */
void v1_qm_abort(struct oak_ike_sa *sa);
/* oak_ikev1_ops.rekey_child: a Quick Mode for @c's selectors, now or queued */
int v1_qm_rekey(struct oak_ike_sa *sa, struct oak_child_sa *c);
void v1_child_work_init(struct oak_ike_sa *sa);
void v1_child_work_stop(struct oak_ike_sa *sa);
/* @c is about to be freed: its held keys go, a successor takes the traffic. */
void v1_qm_child_gone(struct oak_ike_sa *sa, struct oak_child_sa *c);

/* informational.c */
void v1_info_rx(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m);
void v1_info_plain(struct oak_ike_sa *sa, const struct isakmp_msg *m);
int v1_info_send(struct oak_ike_sa *sa, u8 protocol, const u8 *spis, u8 spi_len, u16 nspi,
		 u16 notify);
int v1_delete_ike(struct oak_ike_sa *sa);
int v1_delete_child(struct oak_ike_sa *sa, struct oak_child_sa *c);
/* A rekeyed pair: its Delete, then it goes (no child-down: it was reported rekeyed). */
void v1_delete_rekeyed(struct oak_ike_sa *sa, struct oak_child_sa *c);
void v1_send_notify_plain(struct oak_ike_net *in, const struct isakmp_msg *m,
			  const struct oak_addr *from, const struct oak_addr *to, u16 type);
/* A notify (protocol ISAKMP, SPI: both cookies) with @data in its own Informational. */
int v1_info_notify(struct oak_ike_sa *sa, u16 type, const u8 *data, u16 len);
/* Does @m carry a notify of @type? */
bool v1_has_notify(const struct isakmp_msg *m, u16 type);
/* INITIAL-CONTACT: may our Main Mode say it (no other SA with the peer)? */
bool v1_contact_first(struct oak_ike_sa *sa);
void v1_contact_add(struct oak_ike_sa *sa, struct isakmp_buf *b);
/* The authenticated peer said it: its older ISAKMP SAs (and their IPsec SAs) go. */
void v1_contact_rx(struct oak_ike_sa *sa);

/* dpd.c */
void v1_dpd_init(struct oak_ike_sa *sa);
void v1_dpd_stop(struct oak_ike_sa *sa);
/* The DPD Vendor ID, in the first message of each side (Main, Aggressive Mode) */
void v1_dpd_add_vid(struct isakmp_buf *b);
void v1_dpd_note_vid(struct oak_ike_sa *sa, const struct isakmp_msg *m);
/* oak_ikev1_ops.liveness: an R-U-THERE if the peer does DPD */
int v1_dpd_liveness(struct oak_ike_sa *sa);
/* An authentic R-U-THERE or R-U-THERE-ACK */
void v1_dpd_rx(struct oak_ike_sa *sa, const struct isakmp_notify *n);

#endif /* OAKLEY_IKEV1_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: the IKE_SA_INIT exchange (RFC 7296 §1.2, §2.6, §2.7).
 *
 *   Initiator                         Responder
 *   HDR, SAi1, KEi, Ni           -->
 *                                <--  HDR, SAr1, KEr, Nr
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "../core/dos.h"
#include "../core/proto.h"
#include "../core/sa.h"
#include "../core/socket.h"
#include "ikev2.h"

#define OAK_KE_RETRIES	3

/*
 * The Diffie-Hellman work of IKE_SA_INIT runs without in->lock, on the
 * module's unbound oak_dh_wq (all CPUs), in a job:
 *
 *   initiator, before sending the request: keygen (a new group)
 *   initiator, on the response:            shared secret, SKEYSEED, SK_*
 *   responder, on the request:             keygen, shared secret, SKEYSEED, SK_*
 *
 * The job holds a reference on its SA and owns the DH state; the SA is
 * marked dh_pending.  While it is, nothing changes the inputs the job reads
 * without the lock (algs, nonces, SPIs, conn) and nothing else works on the
 * SA's handshake: IKE_SA_INIT responses for it and retransmitted requests
 * are dropped (the peer's next retransmission gets the answer), SK messages
 * fail to decrypt (no keys yet).  The job writes nothing in the SA until it
 * holds the SA's lock and in->lock again (its second work item, on oak_wq);
 * then, if the SA is neither dead nor the namespace dying (both may happen
 * meanwhile), it installs the result and goes on with the exchange.
 * Otherwise it only drops its reference, which keeps the engine (and the
 * namespace's exit) waiting until then.
 */
struct oak_dh_job {
	struct work_struct work;	/* the math, on oak_dh_wq */
	struct work_struct done;	/* the rest, under the SA's locks, on oak_wq */
	struct oak_ike_sa *sa;		/* referenced */
	struct oak_dh *dh;		/* ours: made by the job or taken from the SA */
	struct oak_sk *sk_in, *sk_out;
	int err;
	u16 group;
	u16 peer_len;			/* 0: keygen only */
	u8 num;				/* responder: number of the chosen proposal */
	u8 peer[IKE_DH_MAX_PUB];	/* the peer's KE data */
	struct oak_ike_keys keys;
};

/* Keys and SK state from the DH result and nonces, into the job (no lock). */
static int oak_dh_job_keys(struct oak_dh_job *j)
{
	const struct oak_ike_sa *sa = j->sa;
	struct oak_ike_keys *k = &j->keys;
	bool ini = sa->initiator;
	u8 *shared;
	size_t slen;
	int err;

	shared = kmalloc(IKE_DH_MAX_SHARED, GFP_KERNEL);
	if (!shared)
		return -ENOMEM;
	err = oak_dh_compute(j->dh, j->peer, j->peer_len, shared, &slen);
	if (err)
		goto out;
	k->prf = sa->algs.prf;
	k->encr = sa->algs.encr;
	k->encr_keylen = sa->algs.encr_keylen;
	k->integ = sa->algs.integ;
	err = oak_ike_derive(k, ikev2_sa(sa)->ni, ikev2_sa(sa)->ni_len, ikev2_sa(sa)->nr,
			     ikev2_sa(sa)->nr_len, shared, slen, sa->spi_i, sa->spi_r);
	if (err)
		goto out;
	j->sk_in = oak_sk_new(k->encr, k->encr_keylen, k->integ, ini ? k->sk_er : k->sk_ei,
			      k->ek_len, ini ? k->sk_ar : k->sk_ai, k->ak_len);
	j->sk_out = oak_sk_new(k->encr, k->encr_keylen, k->integ, ini ? k->sk_ei : k->sk_er,
			       k->ek_len, ini ? k->sk_ai : k->sk_ar, k->ak_len);
	if (!j->sk_in || !j->sk_out)
		err = -ENOMEM;
out:
	kfree_sensitive(shared);
	return err;
}

static int oak_dh_job_math(struct oak_dh_job *j)
{
	if (!j->dh) {
		j->dh = oak_dh_new(j->group);
		if (!j->dh)
			return -ENOMEM;
	}
	return j->peer_len ? oak_dh_job_keys(j) : 0;
}

/*
 * Under in->lock: the SA takes the job's keys (into its handshake context,
 * SK_d also into the SA for its lifetime) and SK state.
 */
static void oak_dh_job_install(struct oak_ike_sa *sa, struct oak_dh_job *j)
{
	lockdep_assert_held(&sa->in->lock);
	ikev2_sa(sa)->hs->keys = j->keys;
	oak_sa_keep_sk_d(sa);
	ikev2_sa(sa)->sk_in = j->sk_in;
	ikev2_sa(sa)->sk_out = j->sk_out;
	j->sk_in = NULL;
	j->sk_out = NULL;
}

static void oak_dh_job_free(struct oak_dh_job *j)
{
	oak_sk_free(j->sk_in);
	oak_sk_free(j->sk_out);
	oak_dh_free(j->dh);
	oak_ike_keys_wipe(&j->keys);
	kfree_sensitive(j);
}

static void oak_init_keygen_done(struct oak_ike_sa *sa, struct oak_dh_job *j);
static void oak_init_response_done(struct oak_ike_sa *sa, struct oak_dh_job *j);
static void oak_init_request_done(struct oak_ike_sa *sa, struct oak_dh_job *j);

/*
 * The math takes one of oak_dh_wq's slots (one per CPU, for every
 * namespace); waiting for the SA's locks would hold it while another
 * namespace's jobs wait: the rest is a work item of its own.
 */
static void oak_dh_job_run(struct work_struct *work)
{
	struct oak_dh_job *j = container_of(work, struct oak_dh_job, work);

	j->err = oak_dh_job_math(j);
	queue_work(oak_wq, &j->done);
}

static void oak_dh_job_done(struct work_struct *work)
{
	struct oak_dh_job *j = container_of(work, struct oak_dh_job, done);
	struct oak_ike_sa *sa = j->sa;
	struct oak_ike_net *in = sa->in;

	oak_sa_lock(sa);
	if (!sa->dead && !in->dying && ikev2_sa(sa)->dh_pending) {
		ikev2_sa(sa)->dh_pending = false;
		if (!j->peer_len)
			oak_init_keygen_done(sa, j);
		else if (sa->initiator)
			oak_init_response_done(sa, j);
		else
			oak_init_request_done(sa, j);
	}
	oak_sa_unlock(sa);
	oak_dh_job_free(j);
	oak_sa_put(sa);
}

/*
 * Queue the DH work of @sa (in->lock held): @dh is handed over to the job
 * (NULL: the job makes one of @group); @peer, the peer's KE data, is
 * copied (NULL: keygen only).
 */
static int oak_dh_job_queue(struct oak_ike_sa *sa, struct oak_dh *dh, u16 group,
			    const u8 *peer, size_t peer_len, u8 num)
{
	struct oak_dh_job *j;

	lockdep_assert_held(&sa->in->lock);
	if (sa->in->dying || ikev2_sa(sa)->dh_pending)
		return -EBUSY;
	if (peer && peer_len != oak_dh_pub_len(group))
		return -EINVAL;
	j = kzalloc(sizeof(*j), GFP_KERNEL);
	if (!j)
		return -ENOMEM;
	INIT_WORK(&j->work, oak_dh_job_run);
	INIT_WORK(&j->done, oak_dh_job_done);
	kref_get(&sa->ref);
	j->sa = sa;
	j->dh = dh;
	j->group = group;
	j->num = num;
	if (peer) {
		memcpy(j->peer, peer, peer_len);
		j->peer_len = peer_len;
	}
	ikev2_sa(sa)->dh_pending = true;
	queue_work(oak_dh_wq, &j->work);
	return 0;
}

static u8 *oak_init_buf(struct ike_buf *b)
{
	u8 *mem = kmalloc(OAK_MSG_MAX, GFP_KERNEL);

	if (mem)
		ike_buf_init(b, mem, OAK_MSG_MAX);
	return mem;
}

/* ---- initiator ---- */

int oak_init_start(struct oak_ike_sa *sa, u16 group)
{
	static const u8 zero[IKE_SPI_LEN];
	struct ike_sa_payload *sap;
	struct ike_buf b;
	u8 *mem;
	int err = -ENOMEM;

	/*
	 * A restart for a COOKIE keeps Ni and KEi (§2.6: "all other payloads
	 * unchanged"; the responder's cookie covers Ni); one for another
	 * group needs a new KEi.
	 */
	if (!ikev2_sa(sa)->dh || oak_dh_group(ikev2_sa(sa)->dh) != group) {
		/* the keygen runs in a job; oak_init_keygen_done() comes back here */
		oak_dh_free(ikev2_sa(sa)->dh);
		ikev2_sa(sa)->dh = NULL;
		return oak_dh_job_queue(sa, NULL, group, NULL, 0, 0);
	}
	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	mem = oak_init_buf(&b);
	if (!sap || !mem)
		goto err;
	if (!ikev2_sa(sa)->ni_len) {
		ikev2_sa(sa)->ni_len = OAK_NONCE_LEN;
		get_random_bytes(ikev2_sa(sa)->ni, ikev2_sa(sa)->ni_len);
	}
	err = oak_prop_build(sa->conn->ike_props, IKE_PROTO_IKE, NULL, 0, true, sap);
	if (err)
		goto err;
	ikev2_sa(sa)->msgid_out = 0;
	oak_hdr(sa, &b, IKE_SA_INIT, false, ikev2_sa(sa)->msgid_out++);
	if (ikev2_sa(sa)->cookie_len)
		ike_add_notify(&b, 0, NULL, 0, IKE_N_COOKIE, ikev2_sa(sa)->cookie,
			       ikev2_sa(sa)->cookie_len);
	ike_add_sa(&b, sap);
	ike_add_ke(&b, group, oak_dh_public(ikev2_sa(sa)->dh), oak_dh_pub_len(group));
	ike_add_nonce(&b, ikev2_sa(sa)->ni, ikev2_sa(sa)->ni_len);
	oak_nat_add(sa, &b, zero);
	oak_cert_init_payloads(sa, &b, false);
	err = ike_buf_finish(&b);
	if (err)
		goto err;
	kfree_sensitive(ikev2_sa(sa)->init_req);
	ikev2_sa(sa)->init_req = kmemdup(b.data, b.len, GFP_KERNEL);
	if (!ikev2_sa(sa)->init_req) {
		err = -ENOMEM;
		goto err;
	}
	ikev2_sa(sa)->init_req_len = b.len;
	sa->by_init = true;
	kfree(sap);
	return oak_send_request(sa, mem, b.len);

err:
	kfree(sap);
	kfree(mem);
	return err;
}

static void oak_init_keygen_done(struct oak_ike_sa *sa, struct oak_dh_job *j)
{
	if (j->err) {
		oak_sa_fail(sa, 0, "cannot make a DH key");
		return;
	}
	ikev2_sa(sa)->dh = j->dh;
	j->dh = NULL;
	if (oak_init_start(sa, j->group))
		oak_sa_fail(sa, 0, "cannot start IKE_SA_INIT");
}

/* The responder wants another group: start over with it, a few times. */
static void oak_init_invalid_ke(struct oak_ike_sa *sa, const struct ike_notify *n)
{
	u16 group;

	oak_stat(sa, OAKLEY_STATS_A_INVALID_KE);
	if (n->len != 2) {
		oak_sa_fail(sa, IKE_N_INVALID_KE_PAYLOAD, "malformed INVALID_KE_PAYLOAD");
		return;
	}
	group = get_unaligned_be16(n->data);
	if (++ikev2_sa(sa)->ke_retries > OAK_KE_RETRIES ||
	    !oak_prop_has_dh(sa->conn->ike_props, group) ||
	    !oak_dh_supported(group) || group == oak_dh_group(ikev2_sa(sa)->dh)) {
		oak_sa_fail(sa, IKE_N_INVALID_KE_PAYLOAD, "peer wants a DH group we do not offer");
		return;
	}
	sa->algs.dh = group;
	if (oak_init_start(sa, group))
		oak_sa_fail(sa, 0, "cannot restart IKE_SA_INIT");
}

/* The responder wants its cookie back (§2.6): resend the request with it. */
static void oak_init_cookie(struct oak_ike_sa *sa, const struct ike_notify *n)
{
	/* the answer to a retransmission of the request we already repeated */
	if (n->len && n->len == ikev2_sa(sa)->cookie_len &&
	    !memcmp(n->data, ikev2_sa(sa)->cookie, n->len))
		return;
	if (!n->len || n->len > OAK_COOKIE_MAX || ++ikev2_sa(sa)->ke_retries > OAK_KE_RETRIES) {
		oak_sa_fail(sa, 0, "unusable COOKIE from the peer");
		return;
	}
	kfree(ikev2_sa(sa)->cookie);
	ikev2_sa(sa)->cookie_len = 0;
	ikev2_sa(sa)->cookie = kmemdup(n->data, n->len, GFP_KERNEL);
	if (!ikev2_sa(sa)->cookie) {
		oak_sa_fail(sa, 0, "out of memory");
		return;
	}
	ikev2_sa(sa)->cookie_len = n->len;
	if (oak_init_start(sa, oak_dh_group(ikev2_sa(sa)->dh)))
		oak_sa_fail(sa, 0, "cannot restart IKE_SA_INIT");
}

static int oak_init_parse(const struct ike_msg *m, struct ike_sa_payload *sap,
			  struct ike_ke *ke, const u8 **nonce, u16 *nlen)
{
	const struct ike_payload *psa = ike_find(m, IKE_PL_SA);
	const struct ike_payload *pke = ike_find(m, IKE_PL_KE);
	const struct ike_payload *pn = ike_find(m, IKE_PL_NONCE);

	if (!psa || !pke || !pn)
		return -EBADMSG;
	if (ike_parse_sa(psa->body, psa->len, sap) || ike_parse_ke(pke->body, pke->len, ke) ||
	    ike_parse_nonce(pn->body, pn->len, nonce, nlen))
		return -EBADMSG;
	if (*nlen < IKE_NONCE_MIN || *nlen > IKE_NONCE_MAX)
		return -EBADMSG;
	return 0;
}

void oak_init_response(struct oak_ike_sa *sa, const u8 *buf, size_t len,
		       const struct ike_msg *m)
{
	struct ike_sa_payload *sap;
	struct ike_notify n;
	struct ike_ke ke;
	const u8 *nonce;
	u16 nlen, err_type;
	static const u8 zero[IKE_SPI_LEN];

	if (sa->state != OAKLEY_IKE_STATE_CONNECTING || !ikev2_sa(sa)->req || m->msgid != 0)
		return;
	if (ikev2_sa(sa)->dh_pending) {
		/* a copy of the response whose DH is under way, or one to an old request */
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		return;
	}
	if (!ike_find_notify(m, IKE_N_COOKIE, &n)) {
		oak_init_cookie(sa, &n);
		return;
	}
	if (!ike_find_notify(m, IKE_N_INVALID_KE_PAYLOAD, &n)) {
		oak_init_invalid_ke(sa, &n);
		return;
	}
	err_type = oak_msg_error(m);
	if (err_type) {
		if (err_type == IKE_N_NO_PROPOSAL_CHOSEN)
			oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		oak_sa_fail(sa, err_type, "IKE_SA_INIT refused by the peer");
		return;
	}
	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	if (!sap)
		return;
	if (oak_init_parse(m, sap, &ke, &nonce, &nlen) || !memcmp(m->spi_r, zero, IKE_SPI_LEN)) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_SYNTAX);
		goto fail;
	}
	if (sap->nproposals != 1 ||
	    oak_prop_select(sap, sa->conn->ike_props, IKE_PROTO_IKE, false, &sa->algs, NULL) < 0 ||
	    sa->algs.dh != ke.group || ke.group != oak_dh_group(ikev2_sa(sa)->dh)) {
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		oak_sa_fail(sa, IKE_N_NO_PROPOSAL_CHOSEN, "peer chose a proposal we did not offer");
		goto out;
	}
	memcpy(sa->spi_r, m->spi_r, IKE_SPI_LEN);
	memcpy(ikev2_sa(sa)->nr, nonce, nlen);
	ikev2_sa(sa)->nr_len = nlen;
	/* the response came from our peer's address to ours (oak_rx_sa_match()) */
	oak_nat_detect(sa, m, &sa->remote, &sa->local);
	ikev2_sa(sa)->init_resp = kmemdup(buf, len, GFP_KERNEL);
	if (!ikev2_sa(sa)->init_resp)
		goto fail;
	ikev2_sa(sa)->init_resp_len = len;
	/* the job owns our DH state from here; oak_init_response_done() goes on */
	if (oak_dh_job_queue(sa, ikev2_sa(sa)->dh, ke.group, ke.data, ke.len, 0))
		goto fail;
	ikev2_sa(sa)->dh = NULL;
	goto out;
fail:
	oak_sa_fail(sa, IKE_N_INVALID_SYNTAX, "bad IKE_SA_INIT response");
out:
	kfree(sap);
}

static void oak_init_response_done(struct oak_ike_sa *sa, struct oak_dh_job *j)
{
	if (j->err) {
		oak_sa_log(pr_debug, sa, NULL, "IKE_SA_INIT keys failed: %d\n", j->err);
		oak_sa_fail(sa, IKE_N_INVALID_SYNTAX, "bad IKE_SA_INIT response");
		return;
	}
	oak_dh_job_install(sa, j);
	kfree_sensitive(ikev2_sa(sa)->req);
	ikev2_sa(sa)->req = NULL;
	kfree(ikev2_sa(sa)->cookie);	/* IKE_SA_INIT is done: no restart will echo it */
	ikev2_sa(sa)->cookie = NULL;
	ikev2_sa(sa)->cookie_len = 0;
	sa->state = OAKLEY_IKE_STATE_AUTHENTICATING;
	oak_nat_float(sa);
	if (oak_auth_start(sa))
		oak_sa_fail(sa, 0, "cannot start IKE_AUTH");
}

/* ---- responder ---- */

static int oak_init_respond(struct oak_ike_sa *sa, const struct oak_dh *dh, u8 num)
{
	struct ike_sa_payload *sap;
	struct ike_buf b;
	u8 *mem;
	int err = -ENOMEM;

	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	mem = oak_init_buf(&b);
	if (!sap || !mem)
		goto err;
	oak_prop_from_algs(&sa->algs, num, IKE_PROTO_IKE, NULL, 0, sap);
	oak_hdr(sa, &b, IKE_SA_INIT, true, 0);
	ike_add_sa(&b, sap);
	ike_add_ke(&b, sa->algs.dh, oak_dh_public(dh), oak_dh_pub_len(sa->algs.dh));
	ike_add_nonce(&b, ikev2_sa(sa)->nr, ikev2_sa(sa)->nr_len);
	if (sa->nat & OAK_NAT_SUPPORTED)
		oak_nat_add(sa, &b, sa->spi_r);
	oak_cert_init_payloads(sa, &b, true);
	err = ike_buf_finish(&b);
	if (err)
		goto err;
	ikev2_sa(sa)->init_resp = kmemdup(b.data, b.len, GFP_KERNEL);
	if (!ikev2_sa(sa)->init_resp) {
		err = -ENOMEM;
		goto err;
	}
	ikev2_sa(sa)->init_resp_len = b.len;
	kfree(sap);
	ikev2_sa(sa)->resp = oak_msg_keep(mem, b.len);
	ikev2_sa(sa)->resp_len = b.len;
	ikev2_sa(sa)->msgid_in = 1;
	return 0;
err:
	kfree(sap);
	kfree(mem);
	return err;
}

/* Under the SA's lock and in->lock, the responder's DH job done: answer, or drop the SA. */
static void oak_init_request_done(struct oak_ike_sa *sa, struct oak_dh_job *j)
{
	lockdep_assert_held(&sa->lock);
	lockdep_assert_held(&sa->in->lock);
	if (j->err) {
		oak_sa_log(pr_debug, sa, NULL, "IKE_SA_INIT keys failed: %d\n", j->err);
		if (j->err != -ENOMEM)
			oak_stat(sa, OAKLEY_STATS_A_INVALID_SYNTAX);
		goto err;
	}
	oak_dh_job_install(sa, j);
	if (oak_init_respond(sa, j->dh, j->num))
		goto err;
	oak_send(sa->in, &sa->local, &sa->remote, ikev2_sa(sa)->resp, ikev2_sa(sa)->resp_len);
	oak_rtx_arm(sa, OAK_HALF_OPEN_TTL);
	return;
err:
	oak_stat(sa, OAKLEY_STATS_A_IKE_FAILED);
	oak_sa_kill(sa);
}

/*
 * A retransmitted request gets the same answer; anything else is dropped,
 * also a retransmission that comes while the DH job of its SA runs (no
 * answer yet: the peer's next one gets it).
 */
static bool oak_init_retransmit(struct oak_ike_net *in, const u8 *buf, size_t len,
				const struct ike_msg *m, const struct oak_addr *src,
				const struct oak_addr *dst)
{
	struct oak_ike_sa *sa = oak_sa_lookup_peer(in, src, m->spi_i);

	if (!sa)
		return false;
	if (ikev2_sa(sa)->resp && ikev2_sa(sa)->msgid_in == 1 &&
	    ikev2_sa(sa)->init_req_len == len &&
	    !memcmp(ikev2_sa(sa)->init_req, buf, len))
		oak_send(in, dst, src, ikev2_sa(sa)->resp, ikev2_sa(sa)->resp_len);
	else
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_REPLAY);
	return true;
}

/* Checks before any state is created; a notify type to answer with, or 0. */
static u16 oak_init_check(struct oak_ike_net *in, const struct ike_msg *m,
			  struct oakley_conn *conn, struct ike_sa_payload *sap, struct ike_ke *ke,
			  const u8 **nonce, u16 *nlen, struct oak_algs *algs, u8 *num)
{
	unsigned int i;

	for (i = 0; i < m->npayloads; i++)
		if (m->pl[i].critical && (m->pl[i].type < IKE_PL_SA || m->pl[i].type > IKE_PL_EAP))
			return IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
	if (oak_init_parse(m, sap, ke, nonce, nlen)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_INVALID_SYNTAX);
		return IKE_N_INVALID_SYNTAX;
	}
	if (oak_prop_select(sap, conn->ike_props, IKE_PROTO_IKE, false, algs, num) < 0) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_NO_PROPOSAL);
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	if (ke->group != algs->dh) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_INVALID_KE);
		return IKE_N_INVALID_KE_PAYLOAD;
	}
	if (ke->len != oak_dh_pub_len(algs->dh)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_INVALID_SYNTAX);
		return IKE_N_INVALID_SYNTAX;
	}
	return 0;
}

static void oak_init_reply_error(struct oak_ike_net *in, const struct ike_msg *m,
				 const struct oak_addr *src, const struct oak_addr *dst, u16 type,
				 const struct oak_algs *a)
{
	unsigned int i;
	u8 data[2];

	if (type == IKE_N_INVALID_KE_PAYLOAD) {
		put_unaligned_be16(a->dh, data);
		oak_send_notify_plain(in, m, dst, src, type, data, 2);
		return;
	}
	if (type == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD) {
		for (i = 0; i < m->npayloads; i++)
			if (m->pl[i].critical &&
			    (m->pl[i].type < IKE_PL_SA || m->pl[i].type > IKE_PL_EAP))
				break;
		data[0] = i < m->npayloads ? m->pl[i].type : 0;
		oak_send_notify_plain(in, m, dst, src, type, data, 1);
		return;
	}
	oak_send_notify_plain(in, m, dst, src, type, NULL, 0);
}

static struct oak_ike_sa *oak_init_new_sa(struct oak_ike_net *in, struct oakley_conn *conn,
					  const struct ike_msg *m, const struct oak_addr *src,
					  const struct oak_addr *dst)
{
	struct oak_ike_sa *sa = oak_sa_new(in, &oak_ikev2_ops, conn, false);

	if (!sa)
		return NULL;
	sa->local = *dst;
	sa->remote = *src;
	memcpy(sa->spi_i, m->spi_i, IKE_SPI_LEN);
	ikev2_sa(sa)->msgid_out = 0;
	return sa;
}

void oak_init_request(struct oak_ike_net *in, u8 *buf, size_t len, const struct ike_msg *m,
		      const struct oak_addr *src, const struct oak_addr *dst)
{
	static const u8 zero[IKE_SPI_LEN];
	struct oakley_conn *conn = NULL;
	enum oak_dos_verdict verdict;
	u8 cookie[OAK_COOKIE_LEN];
	struct ike_sa_payload *sap;
	struct oak_ike_sa *sa = NULL;
	struct oak_algs algs;
	struct ike_ke ke;
	const u8 *nonce;
	u16 nlen, err;
	u8 num = 0;

	/* the bound on what a half-open SA keeps of a request: before any lookup */
	if (len > OAKLEY_INIT_REQ_MAX ||
	    !(m->flags & IKE_FLAG_INITIATOR) || m->msgid != 0 ||
	    memcmp(m->spi_r, zero, IKE_SPI_LEN) || !memcmp(m->spi_i, zero, IKE_SPI_LEN)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		return;
	}
	if (oak_init_retransmit(in, buf, len, m, src, dst))
		return;
	/* rate, half-open limits and cookies: before any state or DH work */
	verdict = oak_dos_check_init(in, m, src, cookie);
	if (verdict == OAK_DOS_COOKIE) {
		oak_send_notify_plain(in, m, dst, src, IKE_N_COOKIE, cookie, sizeof(cookie));
		oakley_stat_inc(in->on, OAKLEY_STATS_A_COOKIES_SENT);
		memzero_explicit(cookie, sizeof(cookie));
	}
	if (verdict != OAK_DOS_PASS)
		return;
	conn = oak_conn_by_addr(in, dst, src);
	if (!conn) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_NO_SA);
		return;
	}
	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	if (!sap)
		goto out;
	err = oak_init_check(in, m, conn, sap, &ke, &nonce, &nlen, &algs, &num);
	if (err) {
		oak_init_reply_error(in, m, src, dst, err, &algs);
		goto out;
	}
	/* the bytes it will hold, before it exists: see core/dos.h */
	if (oak_dos_charge(in, len + OAK_HALF_OPEN_OVERHEAD))
		goto out;
	sa = oak_init_new_sa(in, conn, m, src, dst);
	if (!sa) {
		oak_dos_uncharge(in, len + OAK_HALF_OPEN_OVERHEAD);
		goto out;
	}
	sa->half_open_charge = len + OAK_HALF_OPEN_OVERHEAD;
	sa->algs = algs;
	oak_nat_detect(sa, m, src, dst);
	memcpy(ikev2_sa(sa)->ni, nonce, nlen);
	ikev2_sa(sa)->ni_len = nlen;
	ikev2_sa(sa)->nr_len = OAK_NONCE_LEN;
	get_random_bytes(ikev2_sa(sa)->nr, ikev2_sa(sa)->nr_len);
	ikev2_sa(sa)->init_req = kmemdup(buf, len, GFP_KERNEL);
	ikev2_sa(sa)->init_req_len = len;
	sa->by_init = true;
	if (!ikev2_sa(sa)->init_req)
		goto err_sa;
	/* hashed now: a retransmission finds it while the job runs */
	if (oak_sa_hash(sa))
		goto err_sa;
	if (!oak_dh_job_queue(sa, NULL, algs.dh, ke.data, ke.len, num))
		goto out;	/* oak_init_request_done() answers */
err_sa:
	oak_stat(sa, OAKLEY_STATS_A_IKE_FAILED);
	oak_sa_kill(sa);
out:
	kfree(sap);
	oakley_conn_put(conn);
}

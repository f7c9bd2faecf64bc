// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: the IKE_AUTH exchange with a pre-shared key or a
 * certificate (cert.c) and the first Child SA (RFC 7296 §1.2, §2.15, §2.9,
 * §1.3.1).
 *
 *   Initiator                         Responder
 *   HDR, SK {IDi, [CERT+,] [CERTREQ,] [IDr,] AUTH,
 *       [N(USE_TRANSPORT_MODE),]
 *       SAi2, TSi, TSr}          -->
 *                                <--  HDR, SK {IDr, [CERT+,] AUTH,
 *                                         [N(USE_TRANSPORT_MODE),]
 *                                         SAr2, TSi, TSr}
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/rculist.h>
#include <crypto/algapi.h>

#include "../core/km.h"
#include "../core/sa.h"
#include "../core/ts.h"
#include "../secret.h"
#include "ikev2.h"

#define OAK_ID_BODY_MAX	(4 + OAKLEY_ID_MAX)

/* The attachment of an IKE_AUTH message being built or checked. */
struct oak_auth_ctx {
	struct ike_sa_payload sa;
	struct ike_ts_payload tsi, tsr;
	struct ike_ts_payload conf_i, conf_r;	/* configured, for narrowing */
	struct ike_ts_payload out_i, out_r;
	u8 id_body[OAK_ID_BODY_MAX];
	u8 psk[OAKLEY_PSK_MAX];
	u8 auth[IKE_PRF_MAX_LEN];
	u8 auth2[IKE_PRF_MAX_LEN];
};

int oak_psk_get(struct oak_ike_sa *sa, u8 *psk, size_t *len)
{
	struct oakley_secret *s;

	s = oakley_secret_find(sa->in->on, sa->conn->secret);
	if (!s)
		return -ENOKEY;
	*len = min_t(size_t, s->len, OAKLEY_PSK_MAX);
	memcpy(psk, s->psk, *len);
	oakley_secret_put(s);
	return *len ? 0 : -ENOKEY;
}

static size_t oak_id_body(const struct oakley_id *id, u8 *body)
{
	body[0] = id->type;
	body[1] = 0;
	body[2] = 0;
	body[3] = 0;
	memcpy(body + 4, id->data, id->len);
	return 4 + id->len;
}

static bool oak_id_ok(const struct oakley_id *want, const struct ike_id *got)
{
	if (want->type == OAKLEY_ID_ANY)
		return true;
	return want->type == got->type && want->len == got->len &&
	       !memcmp(want->data, got->data, got->len);
}

/*
 * The AUTH value of one side: msg is the signer's IKE_SA_INIT message,
 * nonce the other side's nonce, sk_p the signer's SK_p.
 */
static int oak_auth_compute(struct oak_ike_sa *sa, struct oak_auth_ctx *x, bool of_initiator,
			    const u8 *id_body, size_t id_len, u8 *out)
{
	struct ikev2_sa *v2 = ikev2_sa(sa);
	size_t psk_len;
	int err;

	err = oak_psk_get(sa, x->psk, &psk_len);
	if (err)
		return err;
	if (of_initiator)
		err = oak_auth_psk(sa->algs.prf, x->psk, psk_len, v2->init_req, v2->init_req_len,
				   v2->nr, v2->nr_len, v2->hs->keys.sk_pi, v2->prf_len,
				   id_body, id_len, out);
	else
		err = oak_auth_psk(sa->algs.prf, x->psk, psk_len, v2->init_resp,
				   v2->init_resp_len, v2->ni, v2->ni_len, v2->hs->keys.sk_pr,
				   v2->prf_len, id_body, id_len, out);
	memzero_explicit(x->psk, sizeof(x->psk));
	return err;
}

/*
 * What a signature AUTH signs (§2.15): the signer's IKE_SA_INIT message,
 * the other side's nonce and prf(SK_p, ID body); kmalloc'd, NULL if out of
 * memory.
 */
static u8 *oak_auth_octets(struct oak_ike_sa *sa, bool of_initiator, const u8 *id_body,
			   size_t id_len, size_t *len)
{
	struct ikev2_sa *v2 = ikev2_sa(sa);
	const u8 *msg = of_initiator ? v2->init_req : v2->init_resp;
	size_t msg_len = of_initiator ? v2->init_req_len : v2->init_resp_len;
	const u8 *nonce = of_initiator ? v2->nr : v2->ni;
	size_t nonce_len = of_initiator ? v2->nr_len : v2->ni_len;
	const u8 *sk_p = of_initiator ? v2->hs->keys.sk_pi : v2->hs->keys.sk_pr;
	u8 *buf;

	buf = kmalloc(msg_len + nonce_len + v2->prf_len, GFP_KERNEL);
	if (!buf)
		return NULL;
	memcpy(buf, msg, msg_len);
	memcpy(buf + msg_len, nonce, nonce_len);
	if (oak_prf(sa->algs.prf, sk_p, v2->prf_len, id_body, id_len,
		    buf + msg_len + nonce_len)) {
		kfree(buf);
		return NULL;
	}
	*len = msg_len + nonce_len + v2->prf_len;
	return buf;
}

/* The peer's signature AUTH with its certificate; 0 if it authenticates. */
static int oak_auth_verify_cert(struct oak_ike_sa *sa, const struct ike_msg *m,
				const struct ike_id *id, const struct ike_auth *auth)
{
	size_t len;
	u8 *octets;
	int err;

	if (auth->method == IKE_AUTH_PSK) {
		oak_sa_log(pr_info_ratelimited, sa, NULL,
			   "peer used a pre-shared key, remote-auth is pubkey\n");
		return -EKEYREJECTED;
	}
	octets = oak_auth_octets(sa, !sa->initiator, id->body, id->body_len, &len);
	if (!octets)
		return -ENOMEM;
	err = oak_cert_verify(sa, m, id, auth, octets, len);
	kfree(octets);
	return err;
}

/* Check the peer's IDx and AUTH payloads; 0 or an error notify type. */
static u16 oak_auth_verify(struct oak_ike_sa *sa, struct oak_auth_ctx *x,
			   const struct ike_msg *m, struct ike_id *id)
{
	const struct ike_payload *pid, *pauth;
	struct ike_auth auth;
	bool bad;

	pid = ike_find(m, sa->initiator ? IKE_PL_IDR : IKE_PL_IDI);
	pauth = ike_find(m, IKE_PL_AUTH);
	if (!pid || !pauth || ike_parse_id(pid->body, pid->len, id) ||
	    ike_parse_auth(pauth->body, pauth->len, &auth)) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_SYNTAX);
		return IKE_N_INVALID_SYNTAX;
	}
	if (!oak_id_ok(sa->conn->remote_id, id))
		bad = true;
	else if (sa->conn->remote_auth == OAKLEY_AUTH_PUBKEY)
		bad = oak_auth_verify_cert(sa, m, id, &auth);
	else
		bad = auth.method != IKE_AUTH_PSK || auth.len != ikev2_sa(sa)->prf_len ||
		      oak_auth_compute(sa, x, !sa->initiator, id->body, id->body_len,
				       x->auth2) ||
		      crypto_memneq(auth.data, x->auth2, auth.len);
	if (bad) {
		oak_stat(sa, OAKLEY_STATS_A_AUTH_FAILED);
		return IKE_N_AUTHENTICATION_FAILED;
	}
	return 0;
}

/* Our CERT payloads and signature AUTH. */
static int oak_auth_add_cert(struct oak_ike_sa *sa, struct oak_auth_ctx *x, size_t id_len,
			     struct ike_buf *b)
{
	size_t len;
	u8 *octets;
	int err;

	octets = oak_auth_octets(sa, sa->initiator, x->id_body, id_len, &len);
	if (!octets)
		return -ENOMEM;
	oak_cert_add_certs(sa, b);
	if (sa->initiator)
		oak_cert_add_certreq(sa, b);
	err = oak_cert_sign(sa, octets, len, b);
	kfree(octets);
	return err;
}

/* Our ID and AUTH payloads (and CERT, CERTREQ). */
static int oak_auth_add_own(struct oak_ike_sa *sa, struct oak_auth_ctx *x, struct ike_buf *b)
{
	const struct oakley_id *id = sa->conn->local_id;
	size_t len = oak_id_body(id, x->id_body);
	int err;

	if (sa->conn->auth == OAKLEY_AUTH_PUBKEY) {
		ike_add_id(b, sa->initiator ? IKE_PL_IDI : IKE_PL_IDR, id->type, id->data,
			   id->len);
		return oak_auth_add_cert(sa, x, len, b);
	}
	err = oak_auth_compute(sa, x, sa->initiator, x->id_body, len, x->auth);
	if (err)
		return err;
	ike_add_id(b, sa->initiator ? IKE_PL_IDI : IKE_PL_IDR, id->type, id->data, id->len);
	if (sa->initiator)
		oak_cert_add_certreq(sa, b);
	ike_add_auth(b, IKE_AUTH_PSK, x->auth, ikev2_sa(sa)->prf_len);
	return 0;
}

/* ---- identities of IKE SAs, INITIAL_CONTACT (RFC 7296 §2.4, §3.10.1) ---- */

static int oak_auth_save_id(struct oak_ike_sa *sa, const struct ike_id *id)
{
	u8 *body = kmemdup(id->body, id->body_len, GFP_KERNEL);

	if (!body)
		return -ENOMEM;
	kfree(sa->peer_id);
	sa->peer_id = body;
	sa->peer_id_len = id->body_len;
	oak_sa_id_reindex(sa);
	return 0;
}

/* A rekey's new IKE SA authenticates nothing: it inherits the old one's peer. */
void oak_auth_inherit_id(struct oak_ike_sa *nsa, const struct oak_ike_sa *old)
{
	if (!old->peer_id)
		return;
	nsa->peer_id = kmemdup(old->peer_id, old->peer_id_len, GFP_KERNEL);
	nsa->peer_id_len = nsa->peer_id ? old->peer_id_len : 0;
}

static bool oak_id_same(const struct oakley_id *a, const struct oakley_id *b)
{
	return a->type == b->type && a->len == b->len && !memcmp(a->data, b->data, a->len);
}

/* Is @o's authenticated peer the ID whose body is @body? */
static bool oak_sa_peer_is(const struct oak_ike_sa *o, const u8 *body, size_t len)
{
	const struct oakley_id *rid = o->conn->remote_id;

	if (o->peer_id)
		return o->peer_id_len == len && !memcmp(o->peer_id, body, len);
	/* no ID kept (out of memory): a specific remote-id is what it authenticated */
	return rid->type != OAKLEY_ID_ANY && len == 4 + rid->len && body[0] == rid->type &&
	       !memcmp(body + 4, rid->data, rid->len);
}

/*
 * May our first IKE_AUTH request say INITIAL_CONTACT?  Only when we hold no
 * other IKE SA, in any state, of the connection, to the same peer address
 * with the same local ID, or with the peer ID we ask for.
 */
struct oak_contact_q {
	const struct oak_ike_sa *sa;
	const u8 *body;		/* of the remote-id we ask for */
	size_t len;		/* 0: remote-id %any */
};

static bool oak_auth_contact_match(const struct oak_ike_sa *o, const void *arg)
{
	const struct oak_contact_q *q = arg;
	const struct oak_ike_sa *sa = q->sa;

	return o != sa &&
	       (!strcmp(o->conn->name, sa->conn->name) ||
		(oak_id_same(o->conn->local_id, sa->conn->local_id) &&
		 ((q->len && oak_sa_peer_is(o, q->body, q->len)) ||
		  !memcmp(o->remote.addr, sa->remote.addr, sizeof(o->remote.addr)))));
}

/* O(1) at any number of SAs: the connection's list and the two identity indexes. */
static bool oak_auth_first_contact(struct oak_ike_sa *sa)
{
	const struct oakley_id *rid = sa->conn->remote_id;
	const struct oakley_id *lid = sa->conn->local_id;
	u8 *body = kmalloc(OAK_ID_BODY_MAX, GFP_KERNEL);
	struct oak_contact_q q = { .sa = sa, .body = body };
	struct oak_ike_sa *o;
	bool first = !!body;

	if (!body)
		return false;
	if (rid->type != OAKLEY_ID_ANY)
		q.len = oak_id_body(rid, body);
	list_for_each_entry(o, oak_sa_conn_list(sa->in, sa->conn->name), conn_node)
		if (!o->dead && oak_auth_contact_match(o, &q))
			first = false;
	if (first && oak_sa_find_id(sa->in, false, oak_addr_id_key(lid, sa->remote.addr),
				    oak_auth_contact_match, &q))
		first = false;
	if (first && q.len &&
	    oak_sa_find_id(sa->in, true, oak_peer_id_key(lid, body, q.len),
			   oak_auth_contact_match, &q))
		first = false;
	kfree(body);
	return first;
}

/* Authenticated with its peer's ID (not a rekey's heir in the making). */
static bool oak_sa_authenticated(const struct oak_ike_sa *o)
{
	return o->state == OAKLEY_IKE_STATE_ESTABLISHED || o->state == OAKLEY_IKE_STATE_DELETING;
}

static bool oak_auth_stale_match(const struct oak_ike_sa *o, const void *arg)
{
	const struct oak_ike_sa *sa = arg;

	/* kill_pending: killed during its lock holder's window, gone at its end */
	return o != sa && !o->kill_pending && oak_sa_authenticated(o) &&
	       oak_id_same(o->conn->local_id, sa->conn->local_id) &&
	       oak_sa_peer_is(o, sa->peer_id, sa->peer_id_len);
}

/* O(1): by_peer_id holds every SA oak_sa_peer_is() can match, under this key. */
static struct oak_ike_sa *oak_auth_stale_sa(struct oak_ike_sa *sa)
{
	u32 key = oak_peer_id_key(sa->conn->local_id, sa->peer_id, sa->peer_id_len);

	return oak_sa_find_id(sa->in, true, key, oak_auth_stale_match, sa);
}

/*
 * The peer, now authenticated, said INITIAL_CONTACT: every other IKE SA
 * between its identity and our same identity is a leftover of its past
 * (a restart): remove them and their Child SAs without a Delete, before
 * the new Child SA is installed with the same selectors.
 */
static void oak_auth_initial_contact(struct oak_ike_sa *sa, const struct ike_msg *m)
{
	struct ike_notify n;
	struct oak_ike_sa *o;

	if (!sa->peer_id || ike_find_notify(m, IKE_N_INITIAL_CONTACT, &n))
		return;
	while ((o = oak_auth_stale_sa(sa))) {
		oak_sa_log(pr_debug, sa, NULL, "INITIAL_CONTACT: an older IKE SA of %s goes\n",
			   o->conn->name);
		oak_queue_children_down(o);
		oak_sa_kill(o);
	}
}

static u8 oak_child_ike_proto(const struct oakley_child *cfg)
{
	return cfg->ah ? IKE_PROTO_AH : IKE_PROTO_ESP;
}

static void *oak_auth_alloc(struct ike_buf *b, struct oak_auth_ctx **x)
{
	u8 *mem = kmalloc(OAK_MSG_MAX, GFP_KERNEL);

	*x = kzalloc(sizeof(**x), GFP_KERNEL);
	if (!mem || !*x) {
		kfree(mem);
		kfree(*x);
		return NULL;
	}
	ike_buf_init(b, mem, OAK_MSG_MAX);
	return mem;
}

static void oak_auth_ctx_free(struct oak_auth_ctx *x)
{
	kfree_sensitive(x);
}

/* ---- initiator ---- */

static int oak_auth_add_child(struct oak_ike_sa *sa, struct oak_auth_ctx *x,
			      struct ike_buf *b, struct oak_child_sa *c)
{
	const struct oakley_child *cfg = c->cfg;
	int err;

	err = oak_child_reserve_spi(sa, c);
	if (err)
		return err;
	err = oak_prop_build(cfg->ah ? cfg->ah : cfg->esp, oak_child_ike_proto(cfg),
			     (const u8 *)&c->p.spi_in, 4, false, &x->sa);
	if (!err)
		err = oak_ts_from_conf(cfg->local_ts, &sa->local, &x->tsi);
	if (!err)
		err = oak_ts_from_conf(cfg->remote_ts, &sa->remote, &x->tsr);
	if (err)
		return err;
	oak_trap_packet_ts(sa->in, sa->conn, cfg, &x->tsi, &x->tsr);
	if (cfg->mode == OAKLEY_MODE_TRANSPORT)
		ike_add_notify(b, 0, NULL, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_add_sa(b, &x->sa);
	ike_add_ts(b, IKE_PL_TSI, &x->tsi);
	ike_add_ts(b, IKE_PL_TSR, &x->tsr);
	return 0;
}

int oak_auth_start(struct oak_ike_sa *sa)
{
	struct oak_child_sa *c = NULL;
	struct oak_auth_ctx *x;
	struct ike_buf b;
	size_t sk;
	u8 *mem;
	int err;

	mem = oak_auth_alloc(&b, &x);
	if (!mem)
		return -ENOMEM;
	oak_hdr(sa, &b, IKE_AUTH, false, ikev2_sa(sa)->msgid_out++);
	sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
	err = oak_auth_add_own(sa, x, &b);
	if (err)
		goto err;
	if (sa->conn->remote_id->type != OAKLEY_ID_ANY)
		ike_add_id(&b, IKE_PL_IDR, sa->conn->remote_id->type, sa->conn->remote_id->data,
			   sa->conn->remote_id->len);
	if (oak_auth_first_contact(sa))
		ike_add_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	if (sa->want_child) {
		err = -ENOMEM;
		c = oak_child_new(sa, sa->want_child);
		if (!c)
			goto err;
		err = oak_auth_add_child(sa, x, &b, c);
		if (err)
			goto err;
	}
	err = oak_sk_finish(sa, &b, sk);
	if (err)
		goto err;
	oak_auth_ctx_free(x);
	return oak_send_request(sa, mem, b.len);
err:
	if (c)
		oak_child_free(sa, c);
	oak_auth_ctx_free(x);
	kfree(mem);
	return err;
}

static int oak_parse_child_pl(const struct ike_msg *m, struct oak_auth_ctx *x)
{
	const struct ike_payload *psa = ike_find(m, IKE_PL_SA);
	const struct ike_payload *pi = ike_find(m, IKE_PL_TSI);
	const struct ike_payload *pr = ike_find(m, IKE_PL_TSR);

	if (!psa || !pi || !pr)
		return -ENOENT;
	if (ike_parse_sa(psa->body, psa->len, &x->sa) || ike_parse_ts(pi->body, pi->len, &x->tsi) ||
	    ike_parse_ts(pr->body, pr->len, &x->tsr))
		return -EBADMSG;
	return 0;
}

static void oak_child_failed(struct oak_ike_sa *sa, struct oak_child_sa *c, u16 notify,
			     const char *why)
{
	oak_sa_event(sa, OAKLEY_EVENT_ERROR, c->cfg->name, notify, why);
	oak_child_free(sa, c);
}

/* The Child SA part of the IKE_AUTH response. */
static void oak_auth_child_response(struct oak_ike_sa *sa, struct oak_auth_ctx *x,
				    const struct ike_msg *m, struct oak_child_sa *c)
{
	const struct oakley_child *cfg = c->cfg;
	u16 err = oak_msg_error(m);
	struct ike_notify n;
	int idx;

	if (err) {
		if (err == IKE_N_TS_UNACCEPTABLE)
			oak_stat(sa, OAKLEY_STATS_A_TS_UNACCEPTABLE);
		else if (err == IKE_N_NO_PROPOSAL_CHOSEN)
			oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		oak_child_failed(sa, c, err, "peer refused the Child SA");
		return;
	}
	if (oak_parse_child_pl(m, x)) {
		oak_child_failed(sa, c, IKE_N_INVALID_SYNTAX, "Child SA payloads missing");
		return;
	}
	idx = oak_prop_select(&x->sa, cfg->ah ? cfg->ah : cfg->esp, oak_child_ike_proto(cfg),
			      true, &c->algs, NULL);
	if (idx < 0 || x->sa.nproposals != 1) {
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		oak_child_failed(sa, c, IKE_N_NO_PROPOSAL_CHOSEN,
				 "peer chose a proposal we did not offer");
		return;
	}
	memcpy(&c->p.spi_out, x->sa.p[idx].spi, 4);
	oak_ts_from_conf(cfg->local_ts, &sa->local, &x->conf_i);
	oak_ts_from_conf(cfg->remote_ts, &sa->remote, &x->conf_r);
	if (!oak_ts_subset(&x->tsi, &x->conf_i) || !oak_ts_subset(&x->tsr, &x->conf_r)) {
		oak_stat(sa, OAKLEY_STATS_A_TS_UNACCEPTABLE);
		oak_child_failed(sa, c, IKE_N_TS_UNACCEPTABLE, "peer's selectors are not ours");
		return;
	}
	c->p.mode = ike_find_notify(m, IKE_N_USE_TRANSPORT_MODE, &n) ? OAKLEY_MODE_TUNNEL :
		    OAKLEY_MODE_TRANSPORT;
	if (c->p.mode != cfg->mode) {
		oak_child_failed(sa, c, 0, "peer changed the mode");
		return;
	}
	if (oak_child_install(sa, c, &x->tsi, &x->tsr)) {
		oak_child_failed(sa, c, 0, "cannot install the Child SA");
		return;
	}
	oak_sa_event(sa, OAKLEY_EVENT_CHILD_UP, cfg->name, 0, NULL);
}

/*
 * IKE_AUTH is over: the IKE_SA_INIT messages that AUTH signed, the nonces
 * and SK_pi/SK_pr are not needed any more (a retransmitted IKE_AUTH request
 * gets ikev2_sa(sa)->resp); the Child SA of IKE_AUTH must be installed by now.
 */
static void oak_auth_drop_init(struct oak_ike_sa *sa)
{
	kfree_sensitive(ikev2_sa(sa)->init_req);
	ikev2_sa(sa)->init_req = NULL;
	ikev2_sa(sa)->init_req_len = 0;
	kfree_sensitive(ikev2_sa(sa)->init_resp);
	ikev2_sa(sa)->init_resp = NULL;
	ikev2_sa(sa)->init_resp_len = 0;
	oak_sa_hs_free(sa);
}

void oak_auth_response(struct oak_ike_sa *sa, const struct ike_msg *m)
{
	struct oak_child_sa *c;
	struct oak_auth_ctx *x;
	struct ike_id id;
	u16 err;

	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x) {
		oak_sa_fail(sa, 0, "out of memory");
		return;
	}
	if (!ike_find(m, IKE_PL_AUTH)) {
		err = oak_msg_error(m);
		if (err == IKE_N_AUTHENTICATION_FAILED)
			oak_stat(sa, OAKLEY_STATS_A_AUTH_FAILED);
		oak_sa_fail(sa, err ? err : IKE_N_INVALID_SYNTAX, "IKE_AUTH refused by the peer");
		goto out;
	}
	err = oak_auth_verify(sa, x, m, &id);
	if (err) {
		/*
		 * The responder already considers the IKE SA (and its Child SA)
		 * up: tell it to remove them (RFC 7296 2.21.2), best effort.
		 */
		oak_send_delete_ike(sa);
		oak_sa_fail(sa, err, "peer authentication failed");
		goto out;
	}
	if (oak_auth_save_id(sa, &id)) {
		oak_sa_fail(sa, 0, "out of memory");
		goto out;
	}
	oak_auth_initial_contact(sa, m);
	oak_sa_established(sa);
	c = list_first_entry_or_null(&sa->children, struct oak_child_sa, node);
	if (c && !c->installed)
		oak_auth_child_response(sa, x, m, c);
	oak_auth_drop_init(sa);
	/* the connection's other children: CREATE_CHILD_SA each */
	oak_ccs_auth_done(sa);
out:
	oak_auth_ctx_free(x);
}

/* ---- responder ---- */

/* Under RCU (oak_conn_by_id): do @c's IKE proposals hold what IKE_SA_INIT chose? */
static bool oak_conn_ike_fits(const struct oakley_conn *c, const void *arg)
{
	const struct oak_ike_sa *sa = arg;

	return oak_prop_select_algs(c->ike_props, &sa->algs);
}

/*
 * A connection whose addresses fit this SA and whose remote-id accepts
 * the peer's IDi: the current one if it does, else another (referenced)
 * from the core's index by remote identity, one whose IKE proposals hold
 * the algorithms already negotiated.  Before authentication: any peer that
 * completed IKE_SA_INIT gets here, so this costs one bucket and allocates
 * nothing.
 */
static struct oakley_conn *oak_conn_for_id(struct oak_ike_sa *sa, const struct ike_id *id)
{
	if (oak_id_ok(sa->conn->remote_id, id))
		return oakley_conn_get(sa->conn);
	return oak_conn_by_id(sa->in, 2, &sa->local, &sa->remote, id->type, id->data, id->len,
			      oak_conn_ike_fits, sa);
}

/*
 * Does @cfg fit the peer's SAi2/TSi/TSr (x->out_i/out_r: the narrowed
 * selectors)?  With @packet, only when it also holds the peer's first
 * selectors, those of the packet that triggered the request (§2.9).
 */
static int oak_child_fits(struct oak_ike_sa *sa, struct oak_auth_ctx *x,
			  const struct oakley_child *cfg, bool transport, bool packet,
			  struct oak_algs *algs, u8 *num, u16 *err)
{
	bool want_transport;
	int idx;

	idx = oak_prop_select(&x->sa, cfg->ah ? cfg->ah : cfg->esp, oak_child_ike_proto(cfg),
			      true, algs, num);
	if (idx < 0)
		return -1;
	want_transport = cfg->mode == OAKLEY_MODE_TRANSPORT;
	if (transport != want_transport)
		return -1;
	oak_ts_from_conf(cfg->remote_ts, &sa->remote, &x->conf_i);
	oak_ts_from_conf(cfg->local_ts, &sa->local, &x->conf_r);
	if (oak_ts_narrow(&x->tsi, &x->conf_i, &x->out_i) ||
	    oak_ts_narrow(&x->tsr, &x->conf_r, &x->out_r)) {
		*err = IKE_N_TS_UNACCEPTABLE;
		return -1;
	}
	if (packet && (!oak_ts_covers(&x->out_i, &x->tsi.ts[0]) ||
		       !oak_ts_covers(&x->out_r, &x->tsr.ts[0])))
		return -1;
	return idx;
}

/*
 * Pick a child of the connection for the peer's SAi2/TSi/TSr; 0 or a
 * notify type.  A child whose selectors hold the peer's first ones comes
 * before one that only intersects them.
 */
static u16 oak_child_choose(struct oak_ike_sa *sa, struct oak_auth_ctx *x,
			    const struct ike_msg *m, struct oak_child_sa **out, u8 *num)
{
	bool transport = !ike_find_notify(m, IKE_N_USE_TRANSPORT_MODE,
					  &(struct ike_notify){});
	u16 err = IKE_N_NO_PROPOSAL_CHOSEN;
	const struct oakley_child *cfg;
	struct oak_algs algs;
	unsigned int i, pass;
	int idx;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < sa->conn->nchildren; i++) {
			cfg = sa->conn->children[i];
			idx = oak_child_fits(sa, x, cfg, transport, !pass, &algs, num, &err);
			if (idx >= 0)
				goto found;
		}
	}
	if (err == IKE_N_TS_UNACCEPTABLE)
		oak_stat(sa, OAKLEY_STATS_A_TS_UNACCEPTABLE);
	else
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
	return err;
found:
	*out = oak_child_new(sa, cfg);
	if (!*out)
		return IKE_N_TEMPORARY_FAILURE;
	(*out)->algs = algs;
	memcpy(&(*out)->p.spi_out, x->sa.p[idx].spi, 4);
	(*out)->p.mode = cfg->mode;
	return 0;
}

/* Negotiate and install the Child SA; adds its payloads or an error notify. */
static void oak_auth_child_request(struct oak_ike_sa *sa, struct oak_auth_ctx *x,
				   const struct ike_msg *m, struct ike_buf *b)
{
	struct oak_child_sa *c = NULL;
	u8 num = 0;
	u16 err;

	if (oak_parse_child_pl(m, x))
		return;		/* no child requested (or malformed: none made) */
	err = oak_child_choose(sa, x, m, &c, &num);
	if (!err && (oak_child_reserve_spi(sa, c) ||
		     oak_child_install(sa, c, &x->out_i, &x->out_r)))
		err = IKE_N_TEMPORARY_FAILURE;
	if (err) {
		if (c)
			oak_child_failed(sa, c, err, "cannot install the Child SA");
		ike_add_notify(b, 0, NULL, 0, err, NULL, 0);
		return;
	}
	if (c->p.mode == OAKLEY_MODE_TRANSPORT)
		ike_add_notify(b, 0, NULL, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	oak_prop_from_algs(&c->algs, num, oak_child_ike_proto(c->cfg),
			   (const u8 *)&c->p.spi_in, 4, &x->sa);
	ike_add_sa(b, &x->sa);
	ike_add_ts(b, IKE_PL_TSI, &x->out_i);
	ike_add_ts(b, IKE_PL_TSR, &x->out_r);
	oak_sa_event(sa, OAKLEY_EVENT_CHILD_UP, c->cfg->name, 0, NULL);
}

static void oak_auth_reject(struct oak_ike_sa *sa, const struct ike_msg *m, u16 err)
{
	struct ike_buf b;
	size_t sk;
	u8 *mem = kmalloc(OAK_MSG_MAX, GFP_KERNEL);

	if (mem) {
		ike_buf_init(&b, mem, OAK_MSG_MAX);
		oak_hdr(sa, &b, IKE_AUTH, true, m->msgid);
		sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
		ike_add_notify(&b, 0, NULL, 0, err, NULL, 0);
		if (!oak_sk_finish(sa, &b, sk))
			oak_send_response(sa, mem, b.len);
		else
			kfree(mem);
	}
	oak_sa_fail(sa, err, "IKE_AUTH request rejected");
}

static int oak_auth_switch_conn(struct oak_ike_sa *sa, const struct ike_id *id)
{
	struct oakley_conn *c = oak_conn_for_id(sa, id);

	if (!c)
		return -ENOENT;
	oak_sa_set_conn(sa, c);
	return 0;
}

void oak_auth_request(struct oak_ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_payload *pid;
	struct oak_auth_ctx *x;
	struct ike_buf b;
	struct ike_id id;
	size_t sk;
	u16 err;
	u8 *mem;

	mem = oak_auth_alloc(&b, &x);
	if (!mem)
		return;
	pid = ike_find(m, IKE_PL_IDI);
	if (pid && !ike_parse_id(pid->body, pid->len, &id) && oak_auth_switch_conn(sa, &id)) {
		oak_stat(sa, OAKLEY_STATS_A_AUTH_FAILED);
		oak_auth_reject(sa, m, IKE_N_AUTHENTICATION_FAILED);
		goto out;
	}
	err = oak_auth_verify(sa, x, m, &id);
	if (!err && oak_auth_save_id(sa, &id))
		err = IKE_N_TEMPORARY_FAILURE;
	if (err) {
		oak_auth_reject(sa, m, err);
		goto out;
	}
	oak_auth_initial_contact(sa, m);
	oak_hdr(sa, &b, IKE_AUTH, true, m->msgid);
	sk = ike_sk_begin(&b, oak_sk_iv_len(ikev2_sa(sa)->sk_out));
	if (oak_auth_add_own(sa, x, &b)) {
		oak_auth_reject(sa, m, IKE_N_AUTHENTICATION_FAILED);
		goto out;
	}
	oak_auth_child_request(sa, x, m, &b);
	if (oak_sk_finish(sa, &b, sk)) {
		oak_sa_fail(sa, 0, "cannot build the IKE_AUTH response");
		goto out;
	}
	oak_send_response(sa, mem, b.len);
	mem = NULL;
	/* the half-open timeout is no longer needed */
	if (cancel_delayed_work(&ikev2_sa(sa)->rtx_work))
		oak_sa_put(sa);
	oak_auth_drop_init(sa);
	oak_sa_established(sa);
out:
	kfree(mem);
	oak_auth_ctx_free(x);
}

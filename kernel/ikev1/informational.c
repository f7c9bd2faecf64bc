// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv1: Informational exchanges (RFC 2409 §5.7, RFC 2408 §3.14,
 * §3.15): one message, HDR*, HASH(1), N or D, never answered, with
 * HASH(1) = prf(SKEYID_a, M-ID | N/D) and its own IV, hash(last phase 1
 * block | M-ID); it does not move the phase 1 IV.  `oak down` sends a
 * Delete for each IPsec SA (our inbound SPIs) and one for the ISAKMP SA
 * (both cookies); a received Delete removes what it names.  Error notifies
 * are logged and reported; R-U-THERE and its ACK go to dpd.c.
 * INITIAL-CONTACT (RFC 2407 §4.6.3.3) goes in our Main Mode message 5 when
 * we hold no other SA with the peer (as charon sends and expects it); the
 * responder takes it there, or in an Informational, and removes the
 * peer's older SAs.  Before the ISAKMP SA is up only plain notifies
 * are sent (NO-PROPOSAL-CHOSEN, PAYLOAD-MALFORMED to a first message).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "../core/proto.h"
#include "../core/sa.h"
#include "../core/socket.h"
#include "ikev1.h"

/* Both cookies: the SPI of a notify or Delete about the ISAKMP SA. */
static void v1_cookies(const struct oak_ike_sa *sa, u8 *cky)
{
	memcpy(cky, sa->spi_i, ISAKMP_COOKIE_LEN);
	memcpy(cky + ISAKMP_COOKIE_LEN, sa->spi_r, ISAKMP_COOKIE_LEN);
}

/* HDR*, HASH(1), then a notify (@notify, with @data) or a Delete. */
static int v1_info_emit(struct oak_ike_sa *sa, u8 protocol, const u8 *spis, u8 spi_len,
			u16 nspi, u16 notify, const u8 *data, u16 dlen)
{
	const struct oak_v1_keys *k = ikev1_sa(sa)->keys;
	u8 iv[OAK_V1_MAX_BLOCK], cky[2 * ISAKMP_COOKIE_LEN];
	struct isakmp_buf b;
	size_t hoff, rest;
	u32 msgid;
	u8 *mem;
	int err;

	lockdep_assert_held(&sa->in->lock);
	if (!k || !ikev1_sa(sa)->cbc || ikev1_sa(sa)->step != V1_DONE)
		return -ENOTCONN;
	msgid = get_random_u32() | 1;
	err = v1_iv2(sa, msgid, iv);
	if (err)
		return err;
	mem = v1_msg_alloc(&b);
	if (!mem)
		return -ENOMEM;
	v1_cookies(sa, cky);
	v1_hdr(sa, &b, ISAKMP_XCHG_INFO, 0, msgid);
	hoff = v1_hash_reserve(sa, &b);
	rest = hoff + k->prf_len;
	if (notify)
		isakmp_add_notify(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, cky, sizeof(cky),
				  notify, data, dlen);
	else if (protocol == ISAKMP_PROTO_ISAKMP)
		isakmp_add_delete(&b, ISAKMP_DOI_IPSEC, protocol, sizeof(cky), cky, 1);
	else
		isakmp_add_delete(&b, ISAKMP_DOI_IPSEC, protocol, spi_len, spis, nspi);
	isakmp_chain_end(&b);
	err = b.err ?: oak_v1_hash_qm1(k->hash, k->skeyid_a, k->prf_len, msgid, b.data + rest,
				       b.len - rest, b.data + hoff);
	if (!err)
		err = v1_encrypt(sa, &b, iv);
	if (!err)
		err = oak_send(sa->in, &sa->local, &sa->remote, b.data, b.len);
	kfree(mem);
	return err;
}

int v1_info_send(struct oak_ike_sa *sa, u8 protocol, const u8 *spis, u8 spi_len, u16 nspi,
		 u16 notify)
{
	return v1_info_emit(sa, protocol, spis, spi_len, nspi, notify, NULL, 0);
}

int v1_info_notify(struct oak_ike_sa *sa, u16 type, const u8 *data, u16 len)
{
	return v1_info_emit(sa, ISAKMP_PROTO_ISAKMP, NULL, 0, 0, type, data, len);
}

bool v1_has_notify(const struct isakmp_msg *m, u16 type)
{
	struct isakmp_notify n;
	unsigned int i;

	for (i = 0; i < m->npayloads; i++)
		if (m->pl[i].type == ISAKMP_PL_N &&
		    !isakmp_parse_notify(m->pl[i].body, m->pl[i].len, &n) && n.type == type)
			return true;
	return false;
}

/* ---- INITIAL-CONTACT (RFC 2407 §4.6.3.3) ---- */

static bool v1_id_same(const struct oakley_id *a, const struct oakley_id *b)
{
	return a->type == b->type && a->len == b->len && !memcmp(a->data, b->data, a->len);
}

/* Another SA, in any state, to @arg's peer address from the same local ID. */
static bool v1_contact_other(const struct oak_ike_sa *o, const void *arg)
{
	const struct oak_ike_sa *sa = arg;

	return o != sa && !memcmp(o->remote.addr, sa->remote.addr, sizeof(o->remote.addr)) &&
	       v1_id_same(o->conn->local_id, sa->conn->local_id);
}

/*
 * No other SA of the connection, nor any to the peer's address from our
 * same identity: the peer may have SAs with us that we have forgotten (we
 * restarted).  O(1): the connection's list and the address index.
 */
bool v1_contact_first(struct oak_ike_sa *sa)
{
	const struct oakley_id *lid = sa->conn->local_id;
	struct oak_ike_sa *o;

	lockdep_assert_held(&sa->in->lock);
	list_for_each_entry(o, oak_sa_conn_list(sa->in, sa->conn->name), conn_node)
		if (oak_sa_same_conn(sa, o))
			return false;
	return !oak_sa_find_id(sa->in, false, oak_addr_id_key(lid, sa->remote.addr),
			       v1_contact_other, sa);
}

/*
 * Main Mode message 5, encrypted with it (what charon sends and expects
 * there), and Aggressive Mode message 3 (encrypted too).
 */
void v1_contact_add(struct oak_ike_sa *sa, struct isakmp_buf *b)
{
	u8 cky[2 * ISAKMP_COOKIE_LEN];

	if (!v1_contact_first(sa))
		return;
	v1_cookies(sa, cky);
	isakmp_add_notify(b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, cky, sizeof(cky),
			  ISAKMP_N_INITIAL_CONTACT, NULL, 0);
	oak_sa_log(pr_debug, sa, NULL, "INITIAL-CONTACT sent\n");
}

/* An authenticated SA of the same peer identity, to our same identity. */
static bool v1_contact_stale(const struct oak_ike_sa *o, const void *arg)
{
	const struct oak_ike_sa *sa = arg;

	return o != sa && !o->kill_pending &&
	       (o->state == OAKLEY_IKE_STATE_ESTABLISHED ||
		o->state == OAKLEY_IKE_STATE_DELETING) &&
	       o->peer_id && o->peer_id_len == sa->peer_id_len &&
	       !memcmp(o->peer_id, sa->peer_id, sa->peer_id_len) &&
	       v1_id_same(o->conn->local_id, sa->conn->local_id);
}

/*
 * The peer, authenticated, said INITIAL-CONTACT: every other SA between
 * its identity and ours is a leftover of its past (it restarted).  They
 * and their IPsec SAs go without a Delete (the peer knows nothing of
 * them), before the new SA's Quick Modes install the same selectors.
 */
void v1_contact_rx(struct oak_ike_sa *sa)
{
	struct oak_ike_sa *o;
	u32 key;

	lockdep_assert_held(&sa->in->lock);
	if (!sa->peer_id)
		return;
	key = oak_peer_id_key(sa->conn->local_id, sa->peer_id, sa->peer_id_len);
	while ((o = oak_sa_find_id(sa->in, true, key, v1_contact_stale, sa))) {
		oak_sa_log(pr_debug, sa, NULL, "INITIAL-CONTACT: an older SA of %s goes\n",
			   o->conn->name);
		kref_get(&o->ref);	/* for oak_conn_sa_gone(), after the kill */
		o->ops->children_down(o);
		oak_sa_kill(o);
		oak_conn_sa_gone(o);
		oak_sa_put(o);
	}
}

/* `oak down`, lifetime, connection removed: Deletes for all; the caller kills the SA. */
int v1_delete_ike(struct oak_ike_sa *sa)
{
	struct oak_child_sa *c;

	lockdep_assert_held(&sa->in->lock);
	list_for_each_entry(c, &sa->children, node) {
		if (!c->installed)
			continue;
		v1_info_send(sa, ISAKMP_PROTO_ESP, (const u8 *)&c->p.spi_in, V1_SPI_LEN, 1, 0);
		if (!c->rekeyed)
			oak_sa_event(sa, OAKLEY_EVENT_CHILD_DOWN, c->cfg->name, 0, NULL);
	}
	v1_info_send(sa, ISAKMP_PROTO_ISAKMP, NULL, 0, 0, 0);
	return 1;
}

int v1_delete_child(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	lockdep_assert_held(&sa->in->lock);
	if (c->installed) {
		v1_info_send(sa, ISAKMP_PROTO_ESP, (const u8 *)&c->p.spi_in, V1_SPI_LEN, 1, 0);
		if (!c->rekeyed)
			oak_sa_event(sa, OAKLEY_EVENT_CHILD_DOWN, c->cfg->name, 0, NULL);
	}
	oak_child_free(sa, c);
	return 0;
}

/*
 * The old pair of a rekey, once the new one carries the traffic: its
 * Delete, then it goes; its states stay for the core's grace
 * (oak_child_uninstall(): a successor with its reqid and selectors).
 */
void v1_delete_rekeyed(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	lockdep_assert_held(&sa->in->lock);
	oak_sa_log(pr_debug, sa, c->cfg->name, "rekeyed IPsec SA %08x deleted\n",
		   ntohl(c->p.spi_in));
	if (c->installed)
		v1_info_send(sa, ISAKMP_PROTO_ESP, (const u8 *)&c->p.spi_in, V1_SPI_LEN, 1, 0);
	oak_child_free(sa, c);
}

/* Our IPsec SAs whose outbound SPI a Delete names. */
static void v1_info_delete_esp(struct oak_ike_sa *sa, const struct isakmp_delete *d)
{
	struct oak_child_sa *c, *tmp;
	unsigned int i;
	__be32 spi;

	if (d->spi_len != V1_SPI_LEN)
		return;
	for (i = 0; i < d->nspi; i++) {
		memcpy(&spi, d->spis + i * V1_SPI_LEN, V1_SPI_LEN);
		list_for_each_entry_safe(c, tmp, &sa->children, node) {
			if (!c->installed || c->p.spi_out != spi)
				continue;
			oak_sa_log(pr_debug, sa, c->cfg->name, "peer deleted the IPsec SA\n");
			if (!c->rekeyed)	/* a rekeyed one was reported as such */
				oak_sa_event(sa, OAKLEY_EVENT_CHILD_DOWN, c->cfg->name, 0, NULL);
			oak_child_free(sa, c);
		}
	}
}

static bool v1_info_delete_isakmp(struct oak_ike_sa *sa, const struct isakmp_delete *d)
{
	if (d->spi_len != 2 * ISAKMP_COOKIE_LEN || d->nspi < 1 ||
	    memcmp(d->spis, sa->spi_i, ISAKMP_COOKIE_LEN) ||
	    memcmp(d->spis + ISAKMP_COOKIE_LEN, sa->spi_r, ISAKMP_COOKIE_LEN))
		return false;
	oak_sa_log(pr_debug, sa, NULL, "peer deleted the ISAKMP SA\n");
	return true;
}

static void v1_info_status(struct oak_ike_sa *sa, const struct isakmp_notify *n)
{
	switch (n->type) {
	case ISAKMP_N_R_U_THERE:
	case ISAKMP_N_R_U_THERE_ACK:
		v1_dpd_rx(sa, n);
		break;
	case ISAKMP_N_INITIAL_CONTACT:
		v1_contact_rx(sa);	/* some peers send it right after phase 1 */
		break;
	case ISAKMP_N_RESPONDER_LIFETIME:
		v1_p1_life_rx(sa, n);	/* for the ISAKMP SA; an SA pair's comes in QR1 */
		break;
	}
}

static void v1_info_note(struct oak_ike_sa *sa, const struct isakmp_payload *pl)
{
	struct isakmp_notify n;

	if (isakmp_parse_notify(pl->body, pl->len, &n))
		return;
	if (n.type >= ISAKMP_N_RESPONDER_LIFETIME) {
		v1_info_status(sa, &n);
		return;
	}
	oak_sa_log(pr_info_ratelimited, sa, NULL, "peer reports error notify %u\n", n.type);
	oak_sa_event(sa, OAKLEY_EVENT_ERROR, NULL, n.type, "error notify in Informational");
	if (ikev1_sa(sa)->qm && ikev1_sa(sa)->qm->initiator)
		v1_qm_abort(sa);	/* most likely the answer to our Quick Mode */
}

/* Decrypt and check HASH(1); 0 when the message is authentic. */
static int v1_info_open(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	const struct oak_v1_keys *k = ikev1_sa(sa)->keys;
	u8 iv[OAK_V1_MAX_BLOCK], next[OAK_V1_MAX_BLOCK], want[IKE_PRF_MAX_LEN];
	const u8 *plain, *hash, *rest;
	size_t rl;
	u16 hl;

	if (!k || !m->msgid || v1_iv2(sa, m->msgid, iv) ||
	    v1_decrypt(sa, buf, len, iv, next, m, &plain) || !m->npayloads ||
	    m->pl[0].type != ISAKMP_PL_HASH ||
	    isakmp_parse_opaque(m->pl[0].body, m->pl[0].len, &hash, &hl) || hl != k->prf_len)
		return -EBADMSG;
	v1_rest(m, plain, 0, &rest, &rl);
	if (oak_v1_hash_qm1(k->hash, k->skeyid_a, k->prf_len, m->msgid, rest, rl, want) ||
	    crypto_memneq(want, hash, hl))
		return -EBADMSG;
	return 0;
}

/*
 * An authentic Informational while we wait for Main Mode message 6: the
 * responder refused us (RFC 2408 §5.4: INVALID-ID-INFORMATION for our
 * identity; charon sends AUTHENTICATION-FAILED too).  An error notify (or
 * a Delete of this ISAKMP SA) fails the exchange at once, counted
 * (ike-failed) and reported with the notify type; the rest is ignored.
 */
static void v1_info_refused(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	struct isakmp_notify n;
	struct isakmp_delete d;
	unsigned int i;

	for (i = 1; i < m->npayloads; i++) {
		const struct isakmp_payload *pl = &m->pl[i];

		if (pl->type == ISAKMP_PL_N && !isakmp_parse_notify(pl->body, pl->len, &n) &&
		    n.type && n.type < ISAKMP_N_RESPONDER_LIFETIME) {
			if (n.type == ISAKMP_N_AUTHENTICATION_FAILED)
				oak_stat(sa, OAKLEY_STATS_A_AUTH_FAILED);
			oak_sa_log(pr_info_ratelimited, sa, NULL,
				   "peer refused Main Mode: notify %u\n", n.type);
			oak_sa_fail(sa, n.type, "peer refused Main Mode");
			return;
		}
		if (pl->type == ISAKMP_PL_D && !isakmp_parse_delete(pl->body, pl->len, &d) &&
		    d.protocol == ISAKMP_PROTO_ISAKMP && v1_info_delete_isakmp(sa, &d)) {
			oak_sa_fail(sa, 0, "peer deleted the ISAKMP SA during Main Mode");
			return;
		}
	}
}

void v1_info_rx(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	u8 step = ikev1_sa(sa)->step;
	struct isakmp_delete d;
	bool kill = false;
	unsigned int i;

	oak_sa_assert_locked(sa);
	if ((step != V1_DONE && step != V1_MM_I3) || !(m->flags & ISAKMP_FLAG_ENC) ||
	    v1_info_open(sa, buf, len, m)) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_AUTH);
		return;
	}
	if (step == V1_MM_I3) {
		v1_info_refused(sa, m);
		return;
	}
	/*
	 * Not noted (a repeat of it is not answered), and no proof of life: an
	 * Informational has no replay protection.  dpd.c takes a fresh
	 * R-U-THERE or a matching ACK as one (RFC 3706 §6).
	 */
	for (i = 1; i < m->npayloads; i++) {
		if (m->pl[i].type == ISAKMP_PL_N && !sa->dead)
			v1_info_note(sa, &m->pl[i]);
		if (m->pl[i].type != ISAKMP_PL_D ||
		    isakmp_parse_delete(m->pl[i].body, m->pl[i].len, &d))
			continue;
		if (d.protocol == ISAKMP_PROTO_ESP)
			v1_info_delete_esp(sa, &d);
		else if (d.protocol == ISAKMP_PROTO_ISAKMP)
			kill |= v1_info_delete_isakmp(sa, &d);
	}
	if (!kill || sa->dead)
		return;
	sa->state = OAKLEY_IKE_STATE_DELETING;
	sa->ops->children_down(sa);
	oak_sa_kill(sa);
	oak_conn_sa_gone(sa);
}

/*
 * An Informational in the clear, before there are keys: only an error
 * notify answering our Main Mode message 1 (the responder found no
 * acceptable proposal, RFC 2408 §5.4) or our Aggressive Mode message 1 (no
 * proposal, or INVALID-ID-INFORMATION for our identity) is taken; it fails
 * the exchange.  It is not
 * authenticated, but neither is the answer it stands for: a forged SA
 * payload in its place would end the exchange as well.
 */
void v1_info_plain(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	const struct isakmp_payload *pl = isakmp_find(m, ISAKMP_PL_N);
	struct isakmp_notify n;

	u8 step = ikev1_sa(sa)->step;
	const char *mode = step == V1_AM_I1 ? "Aggressive Mode" : "Main Mode";

	oak_sa_assert_locked(sa);
	if (!sa->initiator || (step != V1_MM_I1 && step != V1_AM_I1) ||
	    (m->flags & ISAKMP_FLAG_ENC) || !pl ||
	    isakmp_parse_notify(pl->body, pl->len, &n) || !n.type ||
	    n.type >= ISAKMP_N_RESPONDER_LIFETIME) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_AUTH);
		return;
	}
	if (n.type == ISAKMP_N_NO_PROPOSAL_CHOSEN)
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
	oak_sa_log(pr_info_ratelimited, sa, NULL, "peer refused %s: notify %u\n", mode, n.type);
	oak_sa_fail(sa, n.type, step == V1_AM_I1 ? "peer refused Aggressive Mode" :
		    "peer refused Main Mode");
}

void v1_send_notify_plain(struct oak_ike_net *in, const struct isakmp_msg *m,
			  const struct oak_addr *from, const struct oak_addr *to, u16 type)
{
	struct isakmp_buf b;
	u8 *mem;

	mem = kmalloc(256, GFP_KERNEL);
	if (!mem)
		return;
	isakmp_buf_init(&b, mem, 256);
	isakmp_put_header(&b, m->cky_i, m->cky_r, ISAKMP_XCHG_INFO, 0, 0);
	isakmp_add_notify(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, NULL, 0, type, NULL, 0);
	if (!isakmp_buf_finish(&b))
		oak_send(in, from, to, b.data, b.len);
	kfree(mem);
}

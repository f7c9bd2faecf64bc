// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv1: Main Mode with pre-shared keys (RFC 2409 §5, §5.4):
 *
 *   I1  HDR, SA                  -->
 *                                <--  R1  HDR, SA (one transform)
 *   I2  HDR, KE, Ni              -->
 *                                <--  R2  HDR, KE, Nr
 *   I3  HDR*, IDii, HASH_I       -->
 *                                <--  R3  HDR*, IDir, HASH_R
 *
 * Messages 1 and 2 carry the DPD Vendor ID (dpd.c); message 5 carries
 * INITIAL-CONTACT when we hold no other SA with the peer (informational.c).
 *
 * SKEYID = prf(PSK, Ni_b | Nr_b) and SKEYID_d/_a/_e, the cipher key and the
 * phase 1 IV come from crypto/ikev1_keys.c once both KE payloads are known
 * (after I2 for the responder, after R2 for the initiator).  HASH_I/_R take
 * SAi_b, the initiator's whole SA body as it went on the wire.  The PSK
 * is chosen by address (the identities are encrypted): the responder's
 * connection is the IKEv1 connection for the two addresses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "../core/dos.h"
#include "../core/sa.h"
#include "../core/socket.h"
#include "../crypto/internal.h"
#include "../secret.h"
#include "ikev1.h"

void v1_fail(struct oak_ike_sa *sa, u16 notify, const char *why)
{
	oak_sa_log(pr_info_ratelimited, sa, NULL, "Main Mode failed: %s\n", why);
	oak_sa_fail(sa, notify, why);
}

static int v1_psk_get(struct oak_ike_sa *sa, u8 *psk, size_t *len)
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

void v1_set_algs(struct oak_ike_sa *sa, const struct v1_p1 *p)
{
	static const u16 prf[] = {
		[IKEV1_HASH_SHA1] = 2,	/* PRF_HMAC_SHA1 (RFC 7296 §3.3.2), for `oak show sa` */
		[IKEV1_HASH_SHA2_256] = IKE_PRF_HMAC_SHA2_256,
		[IKEV1_HASH_SHA2_384] = IKE_PRF_HMAC_SHA2_384,
		[IKEV1_HASH_SHA2_512] = IKE_PRF_HMAC_SHA2_512,
	};
	static const u16 integ[] = {
		[IKEV1_HASH_SHA1] = IKE_INTEG_HMAC_SHA1_96,
		[IKEV1_HASH_SHA2_256] = IKE_INTEG_HMAC_SHA2_256_128,
		[IKEV1_HASH_SHA2_384] = IKE_INTEG_HMAC_SHA2_384_192,
		[IKEV1_HASH_SHA2_512] = IKE_INTEG_HMAC_SHA2_512_256,
	};

	sa->algs.encr = p->encr;
	sa->algs.encr_keylen = p->keylen;
	sa->algs.dh = p->group;
	if (p->hash < ARRAY_SIZE(prf)) {
		sa->algs.prf = prf[p->hash];
		sa->algs.integ = integ[p->hash];
	}
	ikev1_sa(sa)->hash = p->hash;
	/*
	 * The transform's SA Life: the initiator's proposal, which the
	 * responder returns.  Each side ends the SA at the shorter of it and
	 * its own `ike-lifetime` (oak_ikev1_sa_up()).
	 */
	ikev1_sa(sa)->p1_life = p->life;
}

/* Our DH value and nonce: the initiator's into gxi/ni, the responder's into gxr/nr. */
int v1_keygen(struct oak_ike_sa *sa)
{
	struct ikev1_hs *hs = ikev1_sa(sa)->hs;
	u16 len = oak_dh_pub_len(sa->algs.dh);

	hs->dh = oak_dh_new(sa->algs.dh);
	if (!hs->dh)
		return -ENOMEM;
	hs->gx_len = len;
	memcpy(sa->initiator ? hs->gxi : hs->gxr, oak_dh_public(hs->dh), len);
	if (sa->initiator) {
		hs->ni_len = V1_NONCE_LEN;
		get_random_bytes(hs->ni, V1_NONCE_LEN);
	} else {
		hs->nr_len = V1_NONCE_LEN;
		get_random_bytes(hs->nr, V1_NONCE_LEN);
	}
	return 0;
}

/* The peer's KE and Nonce payloads into the handshake state. */
int v1_take_ke_nonce(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	const struct isakmp_payload *pke = isakmp_find(m, ISAKMP_PL_KE);
	const struct isakmp_payload *pn = isakmp_find(m, ISAKMP_PL_NONCE);
	struct ikev1_hs *hs = ikev1_sa(sa)->hs;
	const u8 *ke, *n;
	u16 kl, nl;

	if (!pke || !pn || isakmp_parse_ke(pke->body, pke->len, &ke, &kl) ||
	    isakmp_parse_nonce(pn->body, pn->len, &n, &nl))
		return -EBADMSG;
	if (kl != oak_dh_pub_len(sa->algs.dh) || nl < ISAKMP_NONCE_MIN || nl > ISAKMP_NONCE_MAX)
		return -EBADMSG;
	hs->gx_len = kl;
	memcpy(sa->initiator ? hs->gxr : hs->gxi, ke, kl);
	memcpy(sa->initiator ? hs->nr : hs->ni, n, nl);
	if (sa->initiator)
		hs->nr_len = nl;
	else
		hs->ni_len = nl;
	return 0;
}

static unsigned int v1_enc_len(const struct oak_ike_sa *sa)
{
	return sa->algs.encr == IKE_ENCR_3DES ? 24 : sa->algs.encr_keylen / 8;
}

static int v1_derive_keys(struct oak_ike_sa *sa, struct oak_v1_keys *k, const u8 *gxy,
			  size_t gxy_len)
{
	struct ikev1_hs *hs = ikev1_sa(sa)->hs;
	u8 psk[OAKLEY_PSK_MAX];
	size_t psk_len;
	int err;

	err = v1_psk_get(sa, psk, &psk_len);
	if (err)
		return err;
	k->hash = ikev1_sa(sa)->hash;
	k->enc_len = v1_enc_len(sa);
	err = oak_v1_skeyid_psk(k->hash, psk, psk_len, hs->ni, hs->ni_len, hs->nr, hs->nr_len,
				k->skeyid);
	oak_wipe(psk, sizeof(psk));
	if (err)
		return err;
	return oak_v1_derive(k, gxy, gxy_len, sa->spi_i, sa->spi_r);
}

/* What v1_keys_compute() makes aside, for v1_keys_publish(). */
struct v1_keyset {
	struct oak_v1_keys *k;
	void *cbc;
	u8 block;
	u8 iv[OAK_V1_MAX_BLOCK];
};

static void v1_keyset_free(struct v1_keyset *ks)
{
	if (ks->k)
		oak_v1_keys_wipe(ks->k);
	oak_free_secret(ks->k, sizeof(*ks->k));
	ks->k = NULL;
	v1_cbc_put(ks->cbc);
	ks->cbc = NULL;
	oak_wipe(ks->iv, sizeof(ks->iv));
}

/*
 * g^xy, SKEYID*, the cipher and the phase 1 IV (RFC 2409 §5, Appendix B)
 * into @ks: reads the handshake state and the chosen algorithms, changes
 * nothing of the SA (it may run in a window, v1_dh()).
 */
static int v1_keys_compute(struct oak_ike_sa *sa, struct v1_keyset *ks)
{
	struct ikev1_hs *hs = ikev1_sa(sa)->hs;
	void *cbc;
	size_t slen;
	u8 *shared;
	int err = -ENOMEM;

	shared = kmalloc(IKE_DH_MAX_SHARED, GFP_KERNEL);
	ks->k = kzalloc(sizeof(*ks->k), GFP_KERNEL);
	if (!shared || !ks->k)
		goto out;
	err = oak_dh_compute(hs->dh, sa->initiator ? hs->gxr : hs->gxi, hs->gx_len, shared,
			     &slen);
	if (!err)
		err = v1_derive_keys(sa, ks->k, shared, slen);
	if (err)
		goto out;
	cbc = v1_cbc_alloc(sa->algs.encr, ks->k->enc_key, ks->k->enc_len, &ks->block);
	if (IS_ERR(cbc)) {
		err = PTR_ERR(cbc);
		goto out;
	}
	ks->cbc = cbc;
	err = oak_v1_iv_phase1(ikev1_sa(sa)->hash, hs->gxi, hs->gx_len, hs->gxr, hs->gx_len,
			       ks->iv, ks->block);
out:
	oak_free_secret(shared, IKE_DH_MAX_SHARED);
	return err;
}

/* @ks becomes the SA's: its keys, phase 1 cipher and IV. */
static void v1_keys_publish(struct oak_ike_sa *sa, struct v1_keyset *ks)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);

	lockdep_assert_held(&sa->in->lock);
	if (v1->keys)
		oak_v1_keys_wipe(v1->keys);
	oak_free_secret(v1->keys, sizeof(*v1->keys));
	v1->keys = ks->k;
	ks->k = NULL;
	v1_cbc_set(sa, ks->cbc, ks->block);
	ks->cbc = NULL;
	memcpy(v1->iv, ks->iv, ks->block);
	oak_wipe(ks->iv, sizeof(ks->iv));
}

/*
 * Phase 1's DH out of in->lock (Documentation/design/concurrency.md,
 * "Windows"), as IKE_SA_INIT's runs in a job: the key pair's generation
 * and g^xy are most of a handshake's cost.  In the window the SA's own
 * contexts wait on its lock, and the rest of the namespace runs; what the
 * window writes, the handshake state (ikev1_sa.hs: our DH value and
 * nonce), only the SA's own contexts read.  What others read (the keys
 * and the phase 1 cipher, for `oak down`'s Deletes; the IV) is computed
 * aside and published after the window.  An SA killed meanwhile
 * (kill_pending: killed by oak_sa_unlock()) gets nothing: -ECANCELED.
 */
int v1_dh(struct oak_ike_sa *sa, bool keygen, bool derive)
{
	struct v1_keyset ks = {};
	int err = 0;

	oak_sa_assert_locked(sa);
	oak_sa_window_begin(sa);
	if (keygen)
		err = v1_keygen(sa);
	if (!err && derive)
		err = v1_keys_compute(sa, &ks);
	oak_sa_window_end(sa);
	if (!err && (sa->dead || sa->kill_pending || sa->in->dying))
		err = -ECANCELED;
	if (!err && derive)
		v1_keys_publish(sa, &ks);
	v1_keyset_free(&ks);
	return err;
}

/* HASH_I (ours: initiator) or HASH_R, over @id_b, the signer's ID body. */
int v1_hash_x(struct oak_ike_sa *sa, bool of_initiator, const u8 *id_b, size_t id_len,
	      u8 *out)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);
	struct ikev1_hs *hs = v1->hs;
	struct oak_v1_auth_in in = {
		.gxi = hs->gxi, .gxr = hs->gxr, .gxi_len = hs->gx_len, .gxr_len = hs->gx_len,
		.cky_i = sa->spi_i, .cky_r = sa->spi_r,
		.sai_b = hs->sai_b, .sai_len = hs->sai_len, .id_b = id_b, .id_len = id_len,
	};

	if (of_initiator)
		return oak_v1_hash_i(v1->hash, v1->keys->skeyid, v1->keys->prf_len, &in, out);
	return oak_v1_hash_r(v1->hash, v1->keys->skeyid, v1->keys->prf_len, &in, out);
}

/* I3 / R3: our ID and HASH, encrypted. */
static int v1_send_id_hash(struct oak_ike_sa *sa, bool wait)
{
	const struct oakley_id *id = sa->conn->local_id;
	u8 idb[4 + OAKLEY_ID_MAX], hash[IKE_PRF_MAX_LEN];
	struct isakmp_buf b;
	u8 *mem;
	int err;

	if (4 + id->len > sizeof(idb))
		return -EINVAL;
	idb[0] = id->type;
	idb[1] = 0;
	idb[2] = 0;
	idb[3] = 0;
	memcpy(idb + 4, id->data, id->len);
	err = v1_hash_x(sa, sa->initiator, idb, 4 + id->len, hash);
	if (err)
		return err;
	mem = v1_msg_alloc(&b);
	if (!mem)
		return -ENOMEM;
	v1_hdr(sa, &b, ISAKMP_XCHG_IDPROT, 0, 0);
	isakmp_add_id(&b, id->type, 0, 0, id->data, id->len);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, hash, ikev1_sa(sa)->keys->prf_len);
	if (sa->initiator)
		v1_contact_add(sa, &b);
	err = v1_encrypt(sa, &b, ikev1_sa(sa)->iv);
	if (err) {
		kfree(mem);
		return err;
	}
	return v1_send(sa, mem, b.len, wait);
}

/* The peer's ID against the connection; kept as the SA's peer identity. */
int v1_check_id(struct oak_ike_sa *sa, const struct isakmp_id *id)
{
	const struct oakley_id *want = sa->conn->remote_id;
	u8 *body;

	if (want->type != OAKLEY_ID_ANY &&
	    (want->type != id->type || want->len != id->len ||
	     memcmp(want->data, id->data, id->len)))
		return -EACCES;
	body = kmalloc(4 + id->len, GFP_KERNEL);
	if (!body)
		return -ENOMEM;
	body[0] = id->type;
	memset(body + 1, 0, 3);
	memcpy(body + 4, id->data, id->len);
	kfree(sa->peer_id);
	sa->peer_id = body;
	sa->peer_id_len = 4 + id->len;
	oak_sa_id_reindex(sa);
	return 0;
}

/* I3 or R3 received: decrypt, the peer's ID and HASH; 0 or a notify type. */
static u16 v1_verify_id_hash(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	u8 next[OAK_V1_MAX_BLOCK], want[IKE_PRF_MAX_LEN];
	const struct isakmp_payload *pid, *ph;
	struct isakmp_id id;
	const u8 *plain, *h;
	u16 hl;

	if (v1_decrypt(sa, buf, len, ikev1_sa(sa)->iv, next, m, &plain)) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_AUTH);
		return ISAKMP_N_AUTHENTICATION_FAILED;	/* most likely another PSK */
	}
	pid = isakmp_find(m, ISAKMP_PL_ID);
	ph = isakmp_find(m, ISAKMP_PL_HASH);
	if (!pid || !ph || isakmp_parse_id(pid->body, pid->len, &id) ||
	    isakmp_parse_opaque(ph->body, ph->len, &h, &hl))
		return ISAKMP_N_PAYLOAD_MALFORMED;
	if (v1_hash_x(sa, !sa->initiator, id.body, id.body_len, want) ||
	    hl != ikev1_sa(sa)->keys->prf_len || crypto_memneq(h, want, hl)) {
		oak_stat(sa, OAKLEY_STATS_A_AUTH_FAILED);
		return ISAKMP_N_AUTHENTICATION_FAILED;
	}
	/* authentic: the phase 1 IV moves on, even for an ID we refuse */
	memcpy(ikev1_sa(sa)->iv, next, ikev1_sa(sa)->block);
	if (v1_check_id(sa, &id))
		return ISAKMP_N_INVALID_ID_INFORMATION;
	return 0;
}

/*
 * A responder whose own `ike-lifetime` is shorter than the initiator's SA
 * Life (or than none) accepted the transform as proposed (a responder
 * returns it unchanged) and ends the SA at its own time; it says so in a
 * RESPONDER-LIFETIME notify for the ISAKMP SA (RFC 2407 §4.6.3.1, in an
 * Informational right after phase 1, as other gateways send it), so that
 * the initiator ends it then too instead of finding it gone.
 */
static void v1_p1_life_tell(struct oak_ike_sa *sa)
{
	u32 ours = sa->conn->ike_lifetime, theirs = ikev1_sa(sa)->p1_life;
	struct isakmp_buf ab;
	u8 d[16];
	int err;

	if (sa->initiator || !ours || (theirs && theirs <= ours))
		return;
	isakmp_buf_init(&ab, d, sizeof(d));
	v1_p1_life_attrs(&ab, ours);
	err = ab.err ?: v1_info_notify(sa, ISAKMP_N_RESPONDER_LIFETIME, d, ab.len);
	if (err)
		oak_sa_log(pr_debug, sa, NULL, "cannot send RESPONDER-LIFETIME: %d\n", err);
}

/* An initiator's ISAKMP SA: the responder's shorter lifetime counts. */
void v1_p1_life_rx(struct oak_ike_sa *sa, const struct isakmp_notify *n)
{
	u32 secs;

	if (!sa->initiator || n->protocol != ISAKMP_PROTO_ISAKMP)
		return;
	secs = v1_p1_life_parse(n->data, n->len);
	if (!secs)
		return;
	oak_sa_log(pr_debug, sa, NULL, "the responder's lifetime: %u s\n", secs);
	oak_timers_cap_life(sa, secs);
}

void v1_mm_done(struct oak_ike_sa *sa)
{
	ikev1_sa(sa)->step = V1_DONE;
	v1_sa_down(sa);
	oak_sa_log(pr_debug, sa, NULL, "ISAKMP SA established (Main Mode)\n");
	oak_sa_established(sa);
	v1_p1_life_tell(sa);
}

/* ---- initiator ---- */

/* The first message of phase 1, as the connection's exchange says. */
int v1_p1_start(struct oak_ike_sa *sa)
{
	lockdep_assert_held(&sa->in->lock);	/* netlink, the key manager, a timer */
	if (sa->conn->exchange == OAKLEY_EXCHANGE_AGGRESSIVE)
		return v1_am_start(sa);
	return v1_mm_start(sa);
}

int v1_mm_start(struct oak_ike_sa *sa)
{
	struct ikev1_hs *hs = ikev1_sa(sa)->hs;
	struct isakmp_buf b;
	size_t off, end;
	u8 *mem;

	if (!hs)
		return -EINVAL;
	mem = v1_msg_alloc(&b);
	if (!mem)
		return -ENOMEM;
	v1_hdr(sa, &b, ISAKMP_XCHG_IDPROT, 0, 0);
	off = b.len;
	v1_p1_build(&b, sa->conn, 0);
	end = b.len;
	v1_dpd_add_vid(&b);
	if (isakmp_buf_finish(&b) || end - off <= ISAKMP_GENERIC_HDR_LEN)
		goto err;
	kfree(hs->sai_b);
	hs->sai_len = end - off - ISAKMP_GENERIC_HDR_LEN;
	hs->sai_b = kmemdup(b.data + off + ISAKMP_GENERIC_HDR_LEN, hs->sai_len, GFP_KERNEL);
	if (!hs->sai_b)
		goto err;
	sa->by_init = true;
	ikev1_sa(sa)->step = V1_MM_I1;
	return v1_send(sa, mem, b.len, true);
err:
	kfree(mem);
	return -ENOMEM;
}

/* R1: the transform the responder chose, which must be one we offered. */
static void v1_mm_i_r1(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	const struct isakmp_payload *psa = isakmp_find(m, ISAKMP_PL_SA);
	struct isakmp_sa *sap;
	struct isakmp_buf b;
	struct v1_p1 p;
	u8 pn, tn;
	u8 *mem;

	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	if (!sap)
		return;
	if (!psa || isakmp_parse_sa(psa->body, psa->len, sap) || sap->nproposals != 1 ||
	    sap->p[0].ntransforms != 1 || v1_p1_select(sap, sa->conn, &p, &pn, &tn)) {
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		v1_fail(sa, ISAKMP_N_NO_PROPOSAL_CHOSEN, "peer chose a transform we did not offer");
		goto out;
	}
	memcpy(sa->spi_r, m->cky_r, ISAKMP_COOKIE_LEN);
	v1_set_algs(sa, &p);
	v1_dpd_note_vid(sa, m);
	mem = v1_msg_alloc(&b);
	if (!mem || v1_dh(sa, true, false)) {
		kfree(mem);
		v1_fail(sa, 0, "cannot make a DH key");
		goto out;
	}
	v1_rx_commit(sa);
	v1_hdr(sa, &b, ISAKMP_XCHG_IDPROT, 0, 0);
	isakmp_add_ke(&b, ikev1_sa(sa)->hs->gxi, ikev1_sa(sa)->hs->gx_len);
	isakmp_add_nonce(&b, ikev1_sa(sa)->hs->ni, ikev1_sa(sa)->hs->ni_len);
	if (isakmp_buf_finish(&b)) {
		kfree(mem);
		goto out;
	}
	ikev1_sa(sa)->step = V1_MM_I2;
	v1_send(sa, mem, b.len, true);
out:
	kfree(sap);
}

/* R2: keys, then I3. */
static void v1_mm_i_r2(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	if (v1_take_ke_nonce(sa, m)) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_SYNTAX);
		return;		/* perhaps forged: the genuine one may follow */
	}
	if (v1_dh(sa, false, true)) {
		v1_fail(sa, ISAKMP_N_INVALID_KEY_INFORMATION, "cannot derive the keys");
		return;
	}
	v1_rx_commit(sa);
	ikev1_sa(sa)->step = V1_MM_I3;
	if (v1_send_id_hash(sa, true))
		v1_fail(sa, 0, "cannot send IDii, HASH_I");
}

static void v1_mm_i_r3(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	u16 err = v1_verify_id_hash(sa, buf, len, m);

	if (err == ISAKMP_N_INVALID_ID_INFORMATION) {
		/*
		 * The responder, authenticated, has its ISAKMP SA up: a
		 * Delete under the phase 1 keys takes it down again.
		 */
		ikev1_sa(sa)->step = V1_DONE;
		v1_info_send(sa, ISAKMP_PROTO_ISAKMP, NULL, 0, 0, 0);
		v1_fail(sa, err, "peer identity not the configured one");
		return;
	}
	if (err) {
		v1_fail(sa, err, "HASH_R does not verify");
		return;
	}
	v1_rx_commit(sa);
	v1_tx_done(sa);
	kfree_sensitive(ikev1_sa(sa)->last);
	ikev1_sa(sa)->last = NULL;
	v1_mm_done(sa);
	if (!sa->dead && sa->want_child && v1_qm_start(sa, sa->want_child))
		oak_sa_log(pr_info_ratelimited, sa, sa->want_child->name,
			   "cannot start Quick Mode\n");
}

/* ---- responder ---- */

static void v1_mm_r_i2(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	struct isakmp_buf b;
	u8 *mem;

	if (v1_take_ke_nonce(sa, m)) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_SYNTAX);
		return;
	}
	if (v1_dh(sa, true, true)) {
		v1_fail(sa, ISAKMP_N_INVALID_KEY_INFORMATION, "cannot derive the keys");
		return;
	}
	mem = v1_msg_alloc(&b);
	if (!mem)
		return;
	v1_rx_commit(sa);
	v1_hdr(sa, &b, ISAKMP_XCHG_IDPROT, 0, 0);
	isakmp_add_ke(&b, ikev1_sa(sa)->hs->gxr, ikev1_sa(sa)->hs->gx_len);
	isakmp_add_nonce(&b, ikev1_sa(sa)->hs->nr, ikev1_sa(sa)->hs->nr_len);
	if (isakmp_buf_finish(&b)) {
		kfree(mem);
		return;
	}
	ikev1_sa(sa)->step = V1_MM_R2;
	v1_send(sa, mem, b.len, true);
}

/*
 * An authentic initiator whose identity we refuse: RFC 2408 §5.4 has the
 * receiver of an unusable ID send INVALID-ID-INFORMATION in an
 * Informational.  The phase 1 keys are known to both sides and the IV
 * chain stands at message 5 on both, so it goes protected (HDR*, HASH(1),
 * N), in message 6's place: the initiator fails at once instead of
 * retransmitting message 5 until its budget runs out.
 */
static void v1_mm_r_refuse_id(struct oak_ike_sa *sa)
{
	int err;

	oak_sa_assert_locked(sa);
	ikev1_sa(sa)->step = V1_DONE;	/* keys and IV final: v1_info_send() may run */
	v1_tx_done(sa);
	err = v1_info_send(sa, ISAKMP_PROTO_ISAKMP, NULL, 0, 0, ISAKMP_N_INVALID_ID_INFORMATION);
	if (err)
		oak_sa_log(pr_debug, sa, NULL, "cannot send INVALID-ID-INFORMATION: %d\n", err);
}

static void v1_mm_r_i3(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	u16 err = v1_verify_id_hash(sa, buf, len, m);

	if (err == ISAKMP_N_INVALID_ID_INFORMATION) {
		v1_mm_r_refuse_id(sa);
		v1_fail(sa, err, "peer identity not the configured one");
		return;
	}
	if (err) {
		/* no keys in common with a peer that has another PSK: no notify */
		v1_fail(sa, err, "HASH_I does not verify");
		return;
	}
	v1_rx_commit(sa);
	/* the peer restarted: its older SAs go before this one takes their place */
	if (v1_has_notify(m, ISAKMP_N_INITIAL_CONTACT))
		v1_contact_rx(sa);
	if (v1_send_id_hash(sa, false)) {
		v1_fail(sa, 0, "cannot send IDir, HASH_R");
		return;
	}
	v1_mm_done(sa);
}

void v1_mm_rx(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	bool enc = m->flags & ISAKMP_FLAG_ENC;

	oak_sa_assert_locked(sa);
	if (m->msgid || sa->state != OAKLEY_IKE_STATE_CONNECTING) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		return;
	}
	switch (ikev1_sa(sa)->step) {
	case V1_MM_I1:
		if (!enc)
			v1_mm_i_r1(sa, m);
		break;
	case V1_MM_I2:
		if (!enc)
			v1_mm_i_r2(sa, m);
		break;
	case V1_MM_I3:
		if (enc)
			v1_mm_i_r3(sa, buf, len, m);
		break;
	case V1_MM_R1:
		if (!enc)
			v1_mm_r_i2(sa, m);
		break;
	case V1_MM_R2:
		if (enc)
			v1_mm_r_i3(sa, buf, len, m);
		break;
	default:
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
	}
}

/* A responder's phase-1 SA for the first message @m (Main or Aggressive Mode). */
struct oak_ike_sa *v1_p1_new_sa(struct oak_ike_net *in, struct oakley_conn *conn,
				const struct isakmp_msg *m, const struct isakmp_payload *psa,
				const struct oak_addr *src, const struct oak_addr *dst)
{
	struct oak_ike_sa *sa;
	struct ikev1_hs *hs;

	lockdep_assert_held(&in->lock);
	sa = oak_sa_new(in, &oak_ikev1_ops, conn, false);
	if (!sa)
		return NULL;
	hs = ikev1_sa(sa)->hs;
	sa->local = *dst;
	sa->remote = *src;
	sa->by_init = true;
	memcpy(sa->spi_i, m->cky_i, ISAKMP_COOKIE_LEN);
	hs->sai_b = kmemdup(psa->body, psa->len, GFP_KERNEL);
	hs->sai_len = psa->len;
	if (!hs->sai_b || oak_sa_hash(sa)) {
		oak_sa_kill(sa);
		return NULL;
	}
	return sa;
}

static void v1_mm_r_answer(struct oak_ike_sa *sa, const u8 *buf, size_t len,
			   const struct v1_p1 *p, u8 pn, u8 tn)
{
	struct isakmp_buf b;
	u8 *mem;

	v1_set_algs(sa, p);
	v1_rx_note(sa, buf, len);
	v1_rx_commit(sa);
	mem = v1_msg_alloc(&b);
	if (!mem)
		goto err;
	v1_hdr(sa, &b, ISAKMP_XCHG_IDPROT, 0, 0);
	v1_p1_put(&b, p, pn, tn);
	v1_dpd_add_vid(&b);
	if (isakmp_buf_finish(&b)) {
		kfree(mem);
		goto err;
	}
	ikev1_sa(sa)->step = V1_MM_R1;
	v1_send(sa, mem, b.len, true);
	return;
err:
	oak_sa_fail(sa, 0, "cannot answer Main Mode");
}

/*
 * A first message of Main or Aggressive Mode (as @m says, @len bytes) for
 * no SA yet, admitted by v1_first_admit(), under in->lock: the connection
 * for the two addresses and its proposal (@req), the half-open bytes it
 * will hold charged, then a responder SA, returned referenced: its lock's holder
 * answers (v1_p1_answer1()).  Aggressive Mode only for a connection
 * configured for it (and Main Mode only for the others): refused, the
 * PSK's hash is not exposed.
 */
struct oak_ike_sa *v1_p1_request1(struct oak_ike_net *in, const struct isakmp_msg *m,
				  size_t len, const struct oak_addr *src,
				  const struct oak_addr *dst, struct v1_p1_req *req)
{
	u32 charge = len + OAK_HALF_OPEN_OVERHEAD;
	const struct isakmp_payload *psa = isakmp_find(m, ISAKMP_PL_SA);
	bool am = m->exchange == ISAKMP_XCHG_AGGRESSIVE;
	struct oakley_conn *conn = NULL;
	struct oak_ike_sa *sa = NULL;
	struct isakmp_sa *sap;

	lockdep_assert_held(&in->lock);
	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	if (!sap)
		return NULL;
	/* malformed: dropped without an answer (no reflection of garbage) */
	if (!psa || isakmp_parse_sa(psa->body, psa->len, sap)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		goto out;
	}
	conn = oak_conn_by_addr_version(in, 1, dst, src);
	if (!conn ||
	    conn->exchange != (am ? OAKLEY_EXCHANGE_AGGRESSIVE : OAKLEY_EXCHANGE_MAIN)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_NO_SA);
		goto out;
	}
	if (v1_p1_select(sap, conn, &req->p, &req->pn, &req->tn)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_NO_PROPOSAL);
		oak_conn_log(pr_info_ratelimited, conn, NULL, "no acceptable %s Mode proposal\n",
			     am ? "Aggressive" : "Main");
		v1_send_notify_plain(in, m, dst, src, ISAKMP_N_NO_PROPOSAL_CHOSEN);
		goto out;
	}
	/*
	 * The bytes it will hold, before it exists (core/dos.h, check 4).  The
	 * SA takes the charge while in->lock is still held: nothing can remove
	 * it before it has it, and its removal or establishment returns it.
	 */
	if (oak_dos_charge(in, charge))
		goto out;
	sa = v1_p1_new_sa(in, conn, m, psa, src, dst);
	if (!sa) {
		oak_dos_uncharge(in, charge);
		goto out;
	}
	sa->half_open_charge = charge;
	kref_get(&sa->ref);
out:
	kfree(sap);
	if (conn)
		oakley_conn_put(conn);
	return sa;
}

/* The answer to the first message that made @sa (v1_p1_request1()), under its lock. */
void v1_p1_answer1(struct oak_ike_sa *sa, const u8 *buf, size_t len, const struct isakmp_msg *m,
		   const struct v1_p1_req *req)
{
	oak_sa_assert_locked(sa);
	v1_dpd_note_vid(sa, m);
	if (m->exchange == ISAKMP_XCHG_AGGRESSIVE)
		v1_am_r_answer(sa, buf, len, m, &req->p, req->pn, req->tn);
	else
		v1_mm_r_answer(sa, buf, len, &req->p, req->pn, req->tn);
}

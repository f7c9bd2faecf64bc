// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv1: Aggressive Mode with pre-shared keys (RFC 2409 §5, §5.4):
 *
 *   I1  HDR, SA, KE, Ni, IDii    -->
 *                                <--  R1  HDR, SA, KE, Nr, IDir, HASH_R
 *   I2  HDR*, HASH_I             -->
 *
 * The identities and HASH_R travel in the clear: anyone who sees R1 can
 * try PSKs offline against HASH_R.  So it runs only for a connection that
 * says `exchange = aggressive` (and such a connection runs nothing else):
 * an Aggressive Mode request for any other connection is dropped.  The
 * whole offer has one DH group (I1 carries the KE): the initiator offers
 * the transforms of its first group.  I2 goes encrypted (as strongSwan and
 * most peers send it); either form is taken.  Keys, HASH_I/HASH_R and the
 * phase 1 IV are those of Main Mode (main_mode.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/slab.h>
#include <asm/unaligned.h>

#include "../core/sa.h"
#include "ikev1.h"

/* Our ID payload (body: type, protocol 0, port 0, data) and its HASH. */
static size_t v1_am_id(struct oak_ike_sa *sa, u8 *idb, size_t cap)
{
	const struct oakley_id *id = sa->conn->local_id;

	if (4 + id->len > cap)
		return 0;
	idb[0] = id->type;
	memset(idb + 1, 0, 3);
	memcpy(idb + 4, id->data, id->len);
	return 4 + id->len;
}

/* ---- initiator ---- */

/* I1 with the key pair made. */
static int v1_am_send1(struct oak_ike_sa *sa)
{
	const struct oakley_id *id = sa->conn->local_id;
	struct ikev1_hs *hs = ikev1_sa(sa)->hs;
	struct isakmp_buf b;
	size_t off;
	u8 *mem;
	int err = -ENOMEM;

	mem = v1_msg_alloc(&b);
	if (!mem)
		return -ENOMEM;
	v1_hdr(sa, &b, ISAKMP_XCHG_AGGRESSIVE, 0, 0);
	off = b.len;
	v1_p1_build(&b, sa->conn, sa->algs.dh);
	isakmp_add_ke(&b, hs->gxi, hs->gx_len);
	isakmp_add_nonce(&b, hs->ni, hs->ni_len);
	isakmp_add_id(&b, id->type, 0, 0, id->data, id->len);
	v1_dpd_add_vid(&b);
	if (isakmp_buf_finish(&b))
		goto err;
	/* the SA payload's length is in its generic header */
	hs->sai_len = get_unaligned_be16(b.data + off + 2) - ISAKMP_GENERIC_HDR_LEN;
	kfree(hs->sai_b);
	hs->sai_b = kmemdup(b.data + off + ISAKMP_GENERIC_HDR_LEN, hs->sai_len, GFP_KERNEL);
	if (!hs->sai_b)
		goto err;
	sa->by_init = true;
	ikev1_sa(sa)->step = V1_AM_I1;
	return v1_send(sa, mem, b.len, true);
err:
	kfree(mem);
	return err;
}

/*
 * The key pair, then I1, as the SA's own context: oak up and the key
 * manager start an SA under in->lock alone, without the SA's lock that
 * phase 1's DH window (v1_dh()) needs.  An SA killed meanwhile sends
 * nothing; one that cannot send I1 fails.
 */
static void v1_am_kx_work(struct work_struct *work)
{
	struct ikev1_sa *v1 = container_of(work, struct ikev1_sa, am_kx_work);
	struct oak_ike_sa *sa = &v1->sa;
	int err;

	oak_sa_lock(sa);
	if (sa->dead || sa->kill_pending || sa->in->dying || v1->step || !v1->hs)
		goto out;
	err = v1_dh(sa, true, false);
	if (!err)
		err = v1_am_send1(sa);
	if (err && err != -ECANCELED)
		v1_fail(sa, 0, "cannot start Aggressive Mode");
out:
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

int v1_am_start(struct oak_ike_sa *sa)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);

	lockdep_assert_held(&sa->in->lock);
	if (!v1->hs)
		return -EINVAL;
	if (v1->hs->dh)
		return v1_am_send1(sa);
	if (!v1->am_kx_work.func)	/* zeroed until the first */
		INIT_WORK(&v1->am_kx_work, v1_am_kx_work);
	kref_get(&sa->ref);
	if (!queue_work(oak_wq, &v1->am_kx_work))
		oak_sa_put(sa);
	return 0;
}

static u16 v1_am_i_check(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	const struct isakmp_payload *psa = isakmp_find(m, ISAKMP_PL_SA);
	const struct isakmp_payload *pid = isakmp_find(m, ISAKMP_PL_ID);
	const struct isakmp_payload *ph = isakmp_find(m, ISAKMP_PL_HASH);
	u8 want[IKE_PRF_MAX_LEN];
	struct isakmp_sa *sap;
	struct isakmp_id id;
	const u8 *h;
	struct v1_p1 p;
	u16 hl, ret = ISAKMP_N_NO_PROPOSAL_CHOSEN;
	u8 pn, tn;

	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	if (!sap)
		return ISAKMP_N_PAYLOAD_MALFORMED;
	if (!psa || isakmp_parse_sa(psa->body, psa->len, sap) || sap->nproposals != 1 ||
	    sap->p[0].ntransforms != 1 || v1_p1_select(sap, sa->conn, &p, &pn, &tn) ||
	    p.group != sa->algs.dh)
		goto out;
	v1_set_algs(sa, &p);
	ret = ISAKMP_N_PAYLOAD_MALFORMED;
	if (!pid || !ph || isakmp_parse_id(pid->body, pid->len, &id) ||
	    isakmp_parse_opaque(ph->body, ph->len, &h, &hl) || v1_take_ke_nonce(sa, m))
		goto out;
	memcpy(sa->spi_r, m->cky_r, ISAKMP_COOKIE_LEN);
	ret = ISAKMP_N_INVALID_KEY_INFORMATION;
	if (v1_dh(sa, false, true))
		goto out;
	ret = ISAKMP_N_AUTHENTICATION_FAILED;
	if (v1_hash_x(sa, false, id.body, id.body_len, want) ||
	    hl != ikev1_sa(sa)->keys->prf_len || crypto_memneq(h, want, hl))
		goto out;
	ret = v1_check_id(sa, &id) ? ISAKMP_N_INVALID_ID_INFORMATION : 0;
out:
	kfree(sap);
	return ret;
}

static int v1_am_send2(struct oak_ike_sa *sa)
{
	u8 idb[4 + OAKLEY_ID_MAX], hash[IKE_PRF_MAX_LEN];
	struct isakmp_buf b;
	size_t idl = v1_am_id(sa, idb, sizeof(idb));
	u8 *mem;
	int err;

	if (!idl)
		return -EINVAL;
	err = v1_hash_x(sa, true, idb, idl, hash);
	if (err)
		return err;
	mem = v1_msg_alloc(&b);
	if (!mem)
		return -ENOMEM;
	v1_hdr(sa, &b, ISAKMP_XCHG_AGGRESSIVE, 0, 0);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, hash, ikev1_sa(sa)->keys->prf_len);
	v1_contact_add(sa, &b);		/* encrypted with HASH_I, as in Main Mode's message 5 */
	err = v1_encrypt(sa, &b, ikev1_sa(sa)->iv);
	if (err) {
		kfree(mem);
		return err;
	}
	return v1_send(sa, mem, b.len, false);
}

static void v1_am_i_r1(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	u16 err = v1_am_i_check(sa, m);

	if (err) {
		if (err == ISAKMP_N_AUTHENTICATION_FAILED)
			oak_stat(sa, OAKLEY_STATS_A_AUTH_FAILED);
		v1_fail(sa, err, "bad Aggressive Mode answer");
		return;
	}
	v1_rx_commit(sa);
	v1_dpd_note_vid(sa, m);
	if (v1_am_send2(sa)) {
		v1_fail(sa, 0, "cannot send HASH_I");
		return;
	}
	v1_mm_done(sa);
	if (!sa->dead && sa->want_child && v1_qm_start(sa, sa->want_child))
		oak_sa_log(pr_info_ratelimited, sa, sa->want_child->name,
			   "cannot start Quick Mode\n");
}

/* ---- responder ---- */

static void v1_am_r_i2(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	struct ikev1_hs *hs = ikev1_sa(sa)->hs;
	u8 next[OAK_V1_MAX_BLOCK], want[IKE_PRF_MAX_LEN];
	const struct isakmp_payload *ph;
	const u8 *plain, *h;
	bool enc = m->flags & ISAKMP_FLAG_ENC;
	u16 hl;

	if (enc && v1_decrypt(sa, buf, len, ikev1_sa(sa)->iv, next, m, &plain)) {
		v1_fail(sa, ISAKMP_N_AUTHENTICATION_FAILED, "HASH_I does not decrypt");
		return;
	}
	ph = isakmp_find(m, ISAKMP_PL_HASH);
	if (!ph || isakmp_parse_opaque(ph->body, ph->len, &h, &hl))
		return;
	if (v1_hash_x(sa, true, hs->idi_b, hs->idi_len, want) ||
	    hl != ikev1_sa(sa)->keys->prf_len || crypto_memneq(h, want, hl)) {
		oak_stat(sa, OAKLEY_STATS_A_AUTH_FAILED);
		v1_fail(sa, ISAKMP_N_AUTHENTICATION_FAILED, "HASH_I does not verify");
		return;
	}
	if (enc)
		memcpy(ikev1_sa(sa)->iv, next, ikev1_sa(sa)->block);
	v1_rx_commit(sa);
	/*
	 * The peer restarted: its older SAs go.  Only from an encrypted
	 * message 3: HASH_I does not cover the notify, so one in the clear
	 * could have been added on the way.
	 */
	if (enc && v1_has_notify(m, ISAKMP_N_INITIAL_CONTACT))
		v1_contact_rx(sa);
	v1_tx_done(sa);
	kfree_sensitive(ikev1_sa(sa)->last);	/* over: a copy of I2 gets no R1 */
	ikev1_sa(sa)->last = NULL;
	v1_mm_done(sa);
}

void v1_am_rx(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	oak_sa_assert_locked(sa);
	if (m->msgid || sa->state != OAKLEY_IKE_STATE_CONNECTING) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		return;
	}
	if (ikev1_sa(sa)->step == V1_AM_I1 && !(m->flags & ISAKMP_FLAG_ENC))
		v1_am_i_r1(sa, m);
	else if (ikev1_sa(sa)->step == V1_AM_R1)
		v1_am_r_i2(sa, buf, len, m);
	else
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
}

/* I1 for a new SA: proposal, KE, the identity; 0 or a notify type. */
static u16 v1_am_r_take(struct oak_ike_sa *sa, const struct isakmp_msg *m,
			const struct v1_p1 *p)
{
	const struct isakmp_payload *pid = isakmp_find(m, ISAKMP_PL_ID);
	struct ikev1_hs *hs = ikev1_sa(sa)->hs;
	struct isakmp_id id;

	v1_set_algs(sa, p);
	if (!pid || isakmp_parse_id(pid->body, pid->len, &id) || v1_take_ke_nonce(sa, m))
		return ISAKMP_N_PAYLOAD_MALFORMED;
	if (v1_check_id(sa, &id))
		return ISAKMP_N_INVALID_ID_INFORMATION;
	hs->idi_b = kmemdup(id.body, id.body_len, GFP_KERNEL);
	hs->idi_len = id.body_len;
	if (!hs->idi_b || v1_dh(sa, true, true))
		return ISAKMP_N_INVALID_KEY_INFORMATION;
	return 0;
}

static int v1_am_send_r1(struct oak_ike_sa *sa, const struct v1_p1 *p, u8 pn, u8 tn)
{
	const struct oakley_id *id = sa->conn->local_id;
	struct ikev1_hs *hs = ikev1_sa(sa)->hs;
	u8 idb[4 + OAKLEY_ID_MAX], hash[IKE_PRF_MAX_LEN];
	size_t idl = v1_am_id(sa, idb, sizeof(idb));
	struct isakmp_buf b;
	u8 *mem;

	if (!idl || v1_hash_x(sa, false, idb, idl, hash))
		return -EINVAL;
	mem = v1_msg_alloc(&b);
	if (!mem)
		return -ENOMEM;
	v1_hdr(sa, &b, ISAKMP_XCHG_AGGRESSIVE, 0, 0);
	v1_p1_put(&b, p, pn, tn);
	isakmp_add_ke(&b, hs->gxr, hs->gx_len);
	isakmp_add_nonce(&b, hs->nr, hs->nr_len);
	isakmp_add_id(&b, id->type, 0, 0, id->data, id->len);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, hash, ikev1_sa(sa)->keys->prf_len);
	v1_dpd_add_vid(&b);
	if (isakmp_buf_finish(&b)) {
		kfree(mem);
		return -EINVAL;
	}
	ikev1_sa(sa)->step = V1_AM_R1;
	return v1_send(sa, mem, b.len, true);
}

/* I1 for the new responder SA @sa (v1_p1_answer1(), under its lock): R1. */
void v1_am_r_answer(struct oak_ike_sa *sa, const u8 *buf, size_t len, const struct isakmp_msg *m,
		    const struct v1_p1 *p, u8 pn, u8 tn)
{
	u16 err;

	oak_sa_assert_locked(sa);
	v1_rx_note(sa, buf, len);
	err = v1_am_r_take(sa, m, p);
	if (err) {
		/*
		 * RFC 2408 §5.4: an identity we refuse is answered with
		 * INVALID-ID-INFORMATION.  No keys yet: in the clear, like
		 * NO-PROPOSAL-CHOSEN; the initiator fails at once.
		 */
		if (err == ISAKMP_N_INVALID_ID_INFORMATION)
			v1_send_notify_plain(sa->in, m, &sa->local, &sa->remote, err);
		v1_fail(sa, err, "bad Aggressive Mode request");
		return;
	}
	v1_rx_commit(sa);
	if (v1_am_send_r1(sa, p, pn, tn))
		v1_fail(sa, 0, "cannot answer Aggressive Mode");
}

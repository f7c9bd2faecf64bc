// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv1: Quick Mode (RFC 2409 §5.5), one ESP SA pair per exchange:
 *
 *   QI1  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]  -->
 *                        <--  QR1  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
 *   QI2  HDR*, HASH(3)                                -->
 *
 * HASH(1) = prf(SKEYID_a, M-ID | rest), HASH(2) = prf(SKEYID_a, M-ID | Ni_b |
 * rest), HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b).  Each direction's
 * KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) (and its
 * expansion) with the SPI of the SA being keyed: our inbound SA with the
 * SPI we chose, the outbound one with the peer's.  The IV of the exchange
 * starts at hash(last phase 1 block | M-ID) and chains through its three
 * messages.  IDci/IDcr carry one selector pair; IKEv1 has no narrowing:
 * the responder takes the initiator's pair if a child's selectors contain
 * it, INVALID-ID-INFORMATION otherwise.  A child with several local or
 * remote selectors takes one Quick Mode (one SA pair) per pair of them.
 * The initiator installs after QR1, the responder after QI2.  One Quick
 * Mode at a time per ISAKMP SA: after phase 1 the initiator runs them for
 * the child it was set up for, then for the connection's other children.
 * QI2 is kept by message ID after its exchange, for a repeated QR1.  The
 * SA pair gets the shorter of both sides' lifetimes; a responder whose own
 * is shorter says so in a RESPONDER-LIFETIME notify (RFC 2407 §4.6.3.1).
 * The PFS DH runs in windows (in->lock dropped), the initiator's key pair
 * in a work item of the SA.  A rekey is a Quick Mode for the selectors of
 * an installed pair, on both sides: the new pair takes the old one's reqid,
 * the initiator's outbound state waits V1_REKEY_OUT_MS after QI2, the
 * responder's inbound one goes in before QR1, and the old pair is deleted
 * once the new one carries the traffic (v1_child_work(), ikev1.md).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "../core/sa.h"
#include "../core/socket.h"
#include "../core/ts.h"
#include "../crypto/internal.h"
#include "ikev1.h"

void v1_qm_free(struct oak_ike_sa *sa)
{
	struct ikev1_qm *qm = ikev1_sa(sa)->qm;

	if (!qm)
		return;
	if (qm->old && qm->initiator)	/* our rekey of it is over */
		qm->old->rekeying = false;
	oak_dh_free(qm->dh);
	oak_free_secret(qm, sizeof(*qm));
	ikev1_sa(sa)->qm = NULL;
}

void v1_qm_sa_free(struct oak_ike_sa *sa)
{
	v1_qm_free(sa);
	kfree_sensitive(ikev1_sa(sa)->qm_sent);
	ikev1_sa(sa)->qm_sent = NULL;
}

static void v1_qm_drop(struct oak_ike_sa *sa)
{
	struct ikev1_qm *qm = ikev1_sa(sa)->qm;

	lockdep_assert_held(&sa->in->lock);
	if (!qm)
		return;
	/* not done: also a rekey's new pair whose inbound state is in already */
	if (qm->c)
		oak_child_free(sa, qm->c);
	v1_qm_free(sa);
	v1_tx_done(sa);
}

static struct ikev1_qm *v1_qm_new(struct oak_ike_sa *sa, u32 msgid, bool initiator)
{
	struct ikev1_qm *qm = kzalloc(sizeof(*qm), GFP_KERNEL);

	if (!qm)
		return NULL;
	qm->msgid = msgid;
	qm->initiator = initiator;
	if (v1_iv2(sa, msgid, qm->iv)) {
		kfree(qm);
		return NULL;
	}
	ikev1_sa(sa)->qm = qm;
	return qm;
}

/* ---- selectors: ID payloads as ranges ---- */

static unsigned int v1_alen(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV4_RANGE ? 4 : 16;
}

/* The prefix length of [start, end], or -1. */
static int v1_ts_prefix(const struct ike_ts *t)
{
	unsigned int alen = v1_alen(t), i, plen = 0;
	bool host = true;

	for (i = 0; i < alen * 8; i++) {
		u8 m = 0x80 >> (i % 8);
		bool s = t->start[i / 8] & m, e = t->end[i / 8] & m;

		if (host && s == e) {
			plen++;
			continue;
		}
		host = false;
		if (s || !e)
			return -1;
	}
	return plen;
}

static void v1_add_ts_id(struct isakmp_buf *b, const struct ike_ts *t)
{
	unsigned int alen = v1_alen(t), i;
	bool v4 = t->type == IKE_TS_IPV4_RANGE;
	u16 port = t->start_port == t->end_port ? t->start_port : 0;
	int plen = v1_ts_prefix(t);
	u8 d[32];

	memcpy(d, t->start, alen);
	if (plen == alen * 8) {
		isakmp_add_id(b, v4 ? ISAKMP_ID_IPV4_ADDR : ISAKMP_ID_IPV6_ADDR, t->proto, port,
			      d, alen);
		return;
	}
	if (plen < 0) {
		memcpy(d + alen, t->end, alen);
		isakmp_add_id(b, v4 ? ISAKMP_ID_IPV4_ADDR_RANGE : ISAKMP_ID_IPV6_ADDR_RANGE,
			      t->proto, port, d, 2 * alen);
		return;
	}
	for (i = 0; i < alen; i++) {
		int bits = clamp_t(int, plen - (int)i * 8, 0, 8);

		d[alen + i] = bits ? (u8)(0xff << (8 - bits)) : 0;
	}
	isakmp_add_id(b, v4 ? ISAKMP_ID_IPV4_ADDR_SUBNET : ISAKMP_ID_IPV6_ADDR_SUBNET, t->proto,
		      port, d, 2 * alen);
}

static int v1_id_to_ts(const struct isakmp_id *id, struct ike_ts *t)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	switch (id->type) {
	case ISAKMP_ID_IPV4_ADDR:
	case ISAKMP_ID_IPV4_ADDR_SUBNET:
	case ISAKMP_ID_IPV4_ADDR_RANGE:
		t->type = IKE_TS_IPV4_RANGE;
		break;
	case ISAKMP_ID_IPV6_ADDR:
	case ISAKMP_ID_IPV6_ADDR_SUBNET:
	case ISAKMP_ID_IPV6_ADDR_RANGE:
		t->type = IKE_TS_IPV6_RANGE;
		break;
	default:
		return -EINVAL;
	}
	if (id->addr_len != v1_alen(t))
		return -EINVAL;
	for (i = 0; i < id->addr_len; i++) {
		if (id->type == ISAKMP_ID_IPV4_ADDR || id->type == ISAKMP_ID_IPV6_ADDR) {
			t->start[i] = id->addr[i];
			t->end[i] = id->addr[i];
		} else if (id->type == ISAKMP_ID_IPV4_ADDR_RANGE ||
			   id->type == ISAKMP_ID_IPV6_ADDR_RANGE) {
			t->start[i] = id->addr[i];
			t->end[i] = id->addr2[i];
		} else {
			t->start[i] = id->addr[i] & id->addr2[i];
			t->end[i] = id->addr[i] | ~id->addr2[i];
		}
	}
	if (memcmp(t->start, t->end, id->addr_len) > 0)
		return -EINVAL;
	t->proto = id->protocol;
	t->start_port = id->port;
	t->end_port = id->port ? id->port : 0xffff;
	return 0;
}

/*
 * The @k-th selector pair of a child, as the config has them: each local
 * selector with every remote one, local-major; -ENOENT past the last.
 */
static int v1_cfg_pair(struct oak_ike_sa *sa, const struct oakley_child *cfg, unsigned int k,
		       struct ike_ts *l, struct ike_ts *r)
{
	struct ike_ts_payload *p = kmalloc_array(2, sizeof(*p), GFP_KERNEL);
	int err;

	if (!p)
		return -ENOMEM;
	err = oak_ts_from_conf(cfg->local_ts, &sa->local, &p[0]);
	if (!err)
		err = oak_ts_from_conf(cfg->remote_ts, &sa->remote, &p[1]);
	if (!err && (!p[0].nts || !p[1].nts || k >= p[0].nts * p[1].nts))
		err = -ENOENT;
	if (!err) {
		*l = p[0].ts[k / p[1].nts];
		*r = p[1].ts[k % p[1].nts];
	}
	kfree(p);
	return err;
}

/* @l and @r as a Child SA's xfrm selectors (@ts: two, local then remote). */
static int v1_pair_xfrm(const struct ike_ts *l, const struct ike_ts *r, struct oak_ts *ts)
{
	struct ike_ts_payload *p = kzalloc(2 * sizeof(*p), GFP_KERNEL);
	int err = -EINVAL;

	if (!p)
		return -ENOMEM;
	p[0].nts = 1;
	p[0].ts[0] = *l;
	p[1].nts = 1;
	p[1].ts[0] = *r;
	if (oak_ts_to_xfrm(&p[0], ts, 1) == 1 && oak_ts_to_xfrm(&p[1], ts + 1, 1) == 1)
		err = 0;
	kfree(p);
	return err;
}

/* @sa's current Child SA of @cfg for exactly the pair (@l ours, @r theirs), or NULL. */
static struct oak_child_sa *v1_pair_child(struct oak_ike_sa *sa, const struct oakley_child *cfg,
					  const struct ike_ts *l, const struct ike_ts *r)
{
	struct oak_child_sa *c;
	struct oak_ts ts[2];

	if (v1_pair_xfrm(l, r, ts))
		return NULL;
	list_for_each_entry(c, &sa->children, node)
		if (c->cfg == cfg && c->installed && !c->rekeyed && !c->deleting &&
		    c->p.n_local_ts == 1 && c->p.n_remote_ts == 1 &&
		    !memcmp(c->p.local_ts, &ts[0], sizeof(ts[0])) &&
		    !memcmp(c->p.remote_ts, &ts[1], sizeof(ts[1])))
			return c;
	return NULL;
}

static bool v1_pair_up(struct oak_ike_sa *sa, const struct oakley_child *cfg,
		       const struct ike_ts *l, const struct ike_ts *r)
{
	return v1_pair_child(sa, cfg, l, r);
}

/* An installed Child SA's selector as a range (what v1_pair_xfrm() made of it). */
static int v1_ts_from_xfrm(const struct oak_ts *x, struct ike_ts *t)
{
	unsigned int alen = x->family == AF_INET ? 4 : 16;

	if (x->family != AF_INET && x->family != AF_INET6)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->type = alen == 4 ? IKE_TS_IPV4_RANGE : IKE_TS_IPV6_RANGE;
	t->proto = x->proto;
	t->start_port = x->start_port;
	t->end_port = x->end_port;
	memcpy(t->start, &x->start, alen);
	memcpy(t->end, &x->end, alen);
	return 0;
}

/* Is the pair (@l ours, @r theirs) within @cfg's selectors? */
static bool v1_cfg_covers(struct oak_ike_sa *sa, const struct oakley_child *cfg,
			  const struct ike_ts *l, const struct ike_ts *r)
{
	struct ike_ts_payload *p = kmalloc(2 * sizeof(*p), GFP_KERNEL);
	bool ok = false;

	if (!p)
		return false;
	if (oak_ts_from_conf(cfg->local_ts, &sa->local, &p[0]) ||
	    oak_ts_from_conf(cfg->remote_ts, &sa->remote, &p[1]))
		goto out;
	ok = oak_ts_covers(&p[0], l) && oak_ts_covers(&p[1], r);
out:
	kfree(p);
	return ok;
}

/* ---- keys and installation ---- */

static int v1_keymat(struct oak_ike_sa *sa, struct ikev1_qm *qm, __be32 spi, u8 *out,
		     size_t len)
{
	const struct oak_v1_keys *k = ikev1_sa(sa)->keys;

	return oak_v1_keymat(ikev1_sa(sa)->hash, k->skeyid_d, k->prf_len,
			     qm->gxy_len ? qm->gxy : NULL, qm->gxy_len, ISAKMP_PROTO_ESP,
			     (const u8 *)&spi, qm->ni, qm->ni_len, qm->nr, qm->nr_len, out, len);
}

static int v1_qm_set_ts(struct ikev1_qm *qm, struct oak_child_sa *c)
{
	struct oak_ts *ts = kmalloc_array(2, sizeof(*ts), GFP_KERNEL);
	int err;

	if (!ts)
		return -ENOMEM;
	err = v1_pair_xfrm(qm->initiator ? &qm->tsi : &qm->tsr,
			   qm->initiator ? &qm->tsr : &qm->tsi, ts);
	if (err) {
		kfree(ts);
		return err;
	}
	oak_child_set_ts(c, ts, 1, 1);
	return 0;
}

/* One direction's KEYMAT: the encryption key (with a GCM salt), then the integrity key. */
static void v1_keys_set(struct oak_child_keys *k, const u8 *km, unsigned int elen,
			unsigned int alen)
{
	k->enc = km;
	k->enc_len = elen;
	k->auth = alen ? km + elen : NULL;
	k->auth_len = alen;
}

/* What v1_qm_install() puts into xfrm. */
enum v1_inst {
	V1_INST_BOTH,		/* a new SA pair: both states */
	V1_INST_IN,		/* a rekey: the inbound state (an initiator keeps its out keys) */
	V1_INST_OUT,		/* a rekey we answer: the outbound state, after V1_INST_IN */
};

static void v1_out_drop(struct ikev1_child *k)
{
	if (k->out_km)
		oak_free_secret(k->out_km, k->out_elen + k->out_alen);
	k->out_km = NULL;
}

/* A rekey's initiator: the outbound keys, for v1_child_out() after V1_REKEY_OUT_MS. */
static int v1_out_keep(struct oak_child_sa *c, const u8 *km, unsigned int elen,
		       unsigned int alen)
{
	struct ikev1_child *k = ikev1_child(c);

	v1_out_drop(k);
	k->out_km = kmemdup(km, elen + alen, GFP_KERNEL);
	if (!k->out_km)
		return -ENOMEM;
	k->out_elen = elen;
	k->out_alen = alen;
	k->out_at = jiffies + msecs_to_jiffies(V1_REKEY_OUT_MS);
	return 0;
}

/*
 * KEYMAT, selectors, then the states and policies (@how: enum v1_inst).
 * The states are built in a window (kernel/core/sa.h: in->lock dropped,
 * the SA's lock kept): meanwhile other contexts may act on @sa under
 * in->lock, but a Quick Mode of theirs finds @qm busy, a kill of @sa or a
 * free of @c waits for oak_sa_unlock(), and @c is not installed yet, so
 * nothing else reads its parameters.  The events are the caller's
 * (v1_qm_done()).
 */
static int v1_qm_install(struct oak_ike_sa *sa, struct ikev1_qm *qm, u8 how)
{
	struct oak_child_sa *c = qm->c;
	unsigned int elen, alen, n;
	u8 *km;
	int err;

	oak_sa_assert_locked(sa);
	if (!c)
		return -ENOENT;
	err = oak_xfrm_key_lens(c->algs.encr, c->algs.encr_keylen, c->algs.integ, &elen, &alen);
	if (err)
		return err;
	n = elen + alen;
	if (n > OAK_V1_KEYMAT_MAX)
		return -EINVAL;
	km = kmalloc(2 * n, GFP_KERNEL);
	if (!km)
		return -ENOMEM;
	err = v1_keymat(sa, qm, c->p.spi_in, km, n);
	if (!err)
		err = v1_keymat(sa, qm, c->p.spi_out, km + n, n);
	if (!err && how == V1_INST_OUT) {
		v1_keys_set(&c->p.out, km + n, elen, alen);
		err = c->installed ? oak_child_install_out_xfrm(c) : -ENOENT;
		goto out;
	}
	if (!err)
		err = v1_qm_set_ts(qm, c);
	if (!err && how == V1_INST_IN && qm->initiator)
		err = v1_out_keep(c, km + n, elen, alen);
	if (!err) {
		v1_keys_set(&c->p.in, km, elen, alen);
		v1_keys_set(&c->p.out, km + n, elen, alen);
		c->dh = qm->group;
		err = oak_child_install_xfrm(sa, c, how == V1_INST_IN, true);
	}
out:
	memset(&c->p.out, 0, sizeof(c->p.out));
	oak_free_secret(km, 2 * n);
	if (err)
		oak_sa_log(pr_info_ratelimited, sa, c->cfg->name, "Child SA install failed: %d\n",
			   err);
	return err;
}

/* ---- rekeys: the later steps of a Quick Mode that replaced an SA pair ---- */

static void v1_earliest(unsigned long *next, bool *any, unsigned long t)
{
	if (!*any || time_before(t, *next))
		*next = t;
	*any = true;
}

/* The SA's child work at its children's next deadline (none: not armed). */
static void v1_child_arm(struct oak_ike_sa *sa)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);
	unsigned long now = jiffies, next = 0;
	struct oak_child_sa *c;
	bool any = false;

	lockdep_assert_held(&sa->in->lock);
	if (sa->dead || sa->kill_pending)
		return;
	list_for_each_entry(c, &sa->children, node) {
		struct ikev1_child *k = ikev1_child(c);

		if (k->out_km)
			v1_earliest(&next, &any, k->out_at);
		if (k->del_at)
			v1_earliest(&next, &any, k->del_at);
		if (k->rekey_wait)
			v1_earliest(&next, &any,
				    now + (v1->qm ? msecs_to_jiffies(V1_REKEY_POLL_MS) : 0));
	}
	if (any)
		oak_timer_arm(sa, &v1->child_work, time_after(next, now) ? next - now : 0);
}

/* Rekey @c when the Quick Mode under way is over (v1_child_work()). */
static void v1_rekey_queue(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	c->rekeying = true;
	ikev1_child(c)->rekey_wait = true;
	v1_child_arm(sa);
}

/* A rekey's new outbound state: from now on it carries our traffic. */
static void v1_child_out(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct ikev1_child *k = ikev1_child(c);
	int err = -ENOENT;

	if (c->installed) {
		v1_keys_set(&c->p.out, k->out_km, k->out_elen, k->out_alen);
		err = oak_child_install_out_xfrm(c);
	}
	memset(&c->p.out, 0, sizeof(c->p.out));
	v1_out_drop(k);
	if (err)
		oak_sa_log(pr_info_ratelimited, sa, c->cfg->name,
			   "outbound state of the rekeyed SA pair not installed: %d\n", err);
}

void v1_qm_child_gone(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct ikev1_qm *qm = ikev1_sa(sa)->qm;
	struct oak_child_sa *o;

	if (qm && qm->c == c)
		qm->c = NULL;
	if (qm && qm->old == c)
		qm->old = NULL;
	v1_out_drop(ikev1_child(c));
	if (!c->installed || sa->dead || sa->kill_pending)
		return;
	/* the old pair of a rekey goes early: its successor sends from now on */
	list_for_each_entry(o, &sa->children, node)
		if (o != c && ikev1_child(o)->out_km && o->p.reqid == c->p.reqid)
			v1_child_out(sa, o);
}

/*
 * The SA's own context for its children's deadlines: a rekey's new
 * outbound state, the old pair's Delete, a rekey that waited for the Quick
 * Mode under way.
 */
static void v1_child_work(struct work_struct *work)
{
	struct ikev1_sa *v1 = container_of(to_delayed_work(work), struct ikev1_sa, child_work);
	struct oak_ike_sa *sa = &v1->sa;
	struct oak_child_sa *c, *tmp;
	unsigned long now = jiffies;
	int err;

	oak_sa_lock(sa);
	if (sa->dead || sa->kill_pending || sa->in->dying)
		goto out;
	list_for_each_entry_safe(c, tmp, &sa->children, node) {
		struct ikev1_child *k = ikev1_child(c);

		if (k->out_km && time_after_eq(now, k->out_at))
			v1_child_out(sa, c);
		if (k->rekey_wait && !v1->qm) {
			k->rekey_wait = false;
			c->rekeying = false;
			err = v1_qm_rekey(sa, c);
			if (err)
				oak_sa_log(pr_debug, sa, c->cfg->name, "queued rekey failed: %d\n",
					   err);
		}
		if (k->del_at && time_after_eq(now, k->del_at)) {
			k->del_at = 0;
			v1_delete_rekeyed(sa, c);
		}
	}
	v1_child_arm(sa);
out:
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

void v1_child_work_init(struct oak_ike_sa *sa)
{
	INIT_DELAYED_WORK(&ikev1_sa(sa)->child_work, v1_child_work);
}

void v1_child_work_stop(struct oak_ike_sa *sa)
{
	lockdep_assert_held(&sa->in->lock);
	if (cancel_delayed_work(&ikev1_sa(sa)->child_work))
		oak_sa_put(sa);
}

/*
 * The new SA pair is in: child-up, or for a rekey child-rekeyed, the old
 * pair marked (the key manager and `oak rekey` leave it alone) and its
 * Delete due: ours V1_REKEY_DEL_MS after our rekey (once the new outbound
 * state carries the traffic), or after V1_REKEY_GRACE_MS for the peer's
 * rekey if the peer has not deleted it by then.
 */
static void v1_qm_done(struct oak_ike_sa *sa, struct ikev1_qm *qm)
{
	struct oak_child_sa *c = qm->c, *old = qm->old;
	unsigned int ms = qm->initiator ? V1_REKEY_DEL_MS : V1_REKEY_GRACE_MS;

	if (!c || c->free_pending || sa->kill_pending)
		return;
	if (!old || old->free_pending) {
		if (ikev1_child(c)->out_km)	/* the old pair went meanwhile */
			v1_child_out(sa, c);
		oak_sa_event(sa, OAKLEY_EVENT_CHILD_UP, c->cfg->name, 0, NULL);
		return;
	}
	old->rekeying = false;
	old->rekeyed = true;
	ikev1_child(old)->rekey_wait = false;
	ikev1_child(old)->del_at = (jiffies + msecs_to_jiffies(ms)) ?: 1;
	oak_sa_log(pr_debug, sa, c->cfg->name, "IPsec SA %08x rekeyed: %08x\n",
		   ntohl(old->p.spi_in), ntohl(c->p.spi_in));
	oak_sa_event(sa, OAKLEY_EVENT_CHILD_REKEYED, c->cfg->name, 0, NULL);
	v1_child_arm(sa);
}

/*
 * PFS: g(qm)^xy from the peer's KE (the responder makes its key pair
 * first), in a window (in->lock dropped, the SA's lock kept), as phase 1's
 * v1_dh(): what it writes, @qm's DH state, only the SA's own contexts read;
 * the others see only that a Quick Mode is under way (-EBUSY), and a free
 * of its Child SA waits for oak_sa_unlock().  An SA killed meanwhile gets
 * -ECANCELED.
 */
static int v1_qm_dh(struct oak_ike_sa *sa, struct ikev1_qm *qm, const struct isakmp_msg *m)
{
	const struct isakmp_payload *pke = isakmp_find(m, ISAKMP_PL_KE);
	const u8 *ke;
	size_t slen;
	u16 kl;
	int err;

	oak_sa_assert_locked(sa);
	if (!qm->group)
		return pke ? -EINVAL : 0;
	if (!pke || isakmp_parse_ke(pke->body, pke->len, &ke, &kl) ||
	    kl != oak_dh_pub_len(qm->group))
		return -EINVAL;
	oak_sa_window_begin(sa);
	if (!qm->dh)
		qm->dh = oak_dh_new(qm->group);
	err = qm->dh ? oak_dh_compute(qm->dh, ke, kl, qm->gxy, &slen) : -ENOMEM;
	oak_sa_window_end(sa);
	qm->gxy_len = err ? 0 : slen;
	if (!err && (sa->dead || sa->kill_pending || sa->in->dying))
		err = -ECANCELED;
	return err;
}

/* ---- lifetimes (RFC 2407 §4.5, §4.6.3.1) ---- */

#define V1_LIFE_DEFAULT		28800	/* seconds, when a proposal has none (§4.5) */

/* Lower the hard limit @cur to @v (0: none); the core keeps the configured one if shorter. */
static void v1_life_cap(u64 *cur, u64 v)
{
	if (v && (!*cur || v < *cur))
		*cur = v;
}

/*
 * Responder: the SA lives as long as the initiator proposed (§4.5's
 * default when it proposed no time), or as our child's limits when they
 * are shorter: then @rl gets the lifetimes we install, for a
 * RESPONDER-LIFETIME in QR1, and true is returned.  The transform goes
 * back as proposed (RFC 2408 §4.2: the responder does not modify it).
 */
static bool v1_qm_r_life(struct oak_child_sa *c, const struct v1_p2 *p, struct v1_p2 *rl)
{
	const struct oakley_child *cfg = c->cfg;
	u64 peer_bytes = (u64)p->life_kb * 1024;
	u32 peer_s = p->life_s ?: V1_LIFE_DEFAULT;
	bool short_s = cfg->lifetime && cfg->lifetime < peer_s;
	bool short_b = cfg->life_bytes && (!peer_bytes || cfg->life_bytes < peer_bytes);

	v1_life_cap(&c->p.hard_time, peer_s);
	v1_life_cap(&c->p.hard_bytes, peer_bytes);
	rl->life_s = short_s ? cfg->lifetime : peer_s;
	rl->life_kb = short_b ? (u32)min_t(u64, DIV_ROUND_UP_ULL(cfg->life_bytes, 1024),
					   U32_MAX) : p->life_kb;
	return short_s || short_b;
}

/*
 * Initiator: the lifetimes in QR1's SA (a responder that shortened them
 * there) and in a RESPONDER-LIFETIME notify for this SA pair (its SPI:
 * the responder's inbound one, or ours), the shortest of each.
 */
static void v1_qm_i_life(struct oak_child_sa *c, const struct v1_p2 *p,
			 const struct isakmp_msg *m)
{
	struct isakmp_notify n;
	struct v1_p2 rl;
	unsigned int i;

	v1_life_cap(&c->p.hard_time, p->life_s);
	v1_life_cap(&c->p.hard_bytes, (u64)p->life_kb * 1024);
	for (i = 0; i < m->npayloads; i++) {
		if (m->pl[i].type != ISAKMP_PL_N ||
		    isakmp_parse_notify(m->pl[i].body, m->pl[i].len, &n) ||
		    n.type != ISAKMP_N_RESPONDER_LIFETIME || n.protocol != ISAKMP_PROTO_ESP ||
		    n.spi_len != V1_SPI_LEN || (memcmp(n.spi, &c->p.spi_out, V1_SPI_LEN) &&
						memcmp(n.spi, &c->p.spi_in, V1_SPI_LEN)) ||
		    v1_p2_life_parse(n.data, n.len, &rl))
			continue;
		v1_life_cap(&c->p.hard_time, rl.life_s);
		v1_life_cap(&c->p.hard_bytes, (u64)rl.life_kb * 1024);
	}
}

/* ---- message building ---- */

/* Fill the HASH payload reserved at @hoff over the rest of the message. */
static int v1_qm_hash12(struct oak_ike_sa *sa, struct ikev1_qm *qm, struct isakmp_buf *b,
			size_t hoff, bool two)
{
	const struct oak_v1_keys *k = ikev1_sa(sa)->keys;
	size_t rest = hoff + k->prf_len;

	isakmp_chain_end(b);
	if (b->err || b->len < rest)
		return -EINVAL;
	if (two)
		return oak_v1_hash_qm2(k->hash, k->skeyid_a, k->prf_len, qm->msgid, qm->ni,
				       qm->ni_len, b->data + rest, b->len - rest,
				       b->data + hoff);
	return oak_v1_hash_qm1(k->hash, k->skeyid_a, k->prf_len, qm->msgid, b->data + rest,
			       b->len - rest, b->data + hoff);
}

static int v1_qm_seal_send(struct oak_ike_sa *sa, struct ikev1_qm *qm, u8 *mem,
			   struct isakmp_buf *b, bool wait)
{
	int err = v1_encrypt(sa, b, qm->iv);

	if (err) {
		kfree(mem);
		return err;
	}
	return v1_send(sa, mem, b->len, wait);
}

/* ---- initiator ---- */

static int v1_qm_send1(struct oak_ike_sa *sa, struct ikev1_qm *qm)
{
	const struct oakley_child *cfg = qm->c->cfg;
	struct isakmp_buf b;
	size_t hoff;
	u8 *mem;
	int err;

	mem = v1_msg_alloc(&b);
	if (!mem)
		return -ENOMEM;
	v1_hdr(sa, &b, ISAKMP_XCHG_QUICK, 0, qm->msgid);
	hoff = v1_hash_reserve(sa, &b);
	v1_p2_build(&b, cfg, (const u8 *)&qm->c->p.spi_in, &qm->group);
	isakmp_add_nonce(&b, qm->ni, qm->ni_len);
	if (qm->group) {
		if (!qm->dh) {
			kfree(mem);
			return -EINVAL;
		}
		isakmp_add_ke(&b, oak_dh_public(qm->dh), oak_dh_pub_len(qm->group));
	}
	v1_add_ts_id(&b, &qm->tsi);
	v1_add_ts_id(&b, &qm->tsr);
	err = v1_qm_hash12(sa, qm, &b, hoff, false);
	if (err) {
		kfree(mem);
		return err;
	}
	return v1_qm_seal_send(sa, qm, mem, &b, true);
}

static void v1_qm_end(struct oak_ike_sa *sa, bool drop);

/*
 * The initiator's PFS key pair, then QI1, as one of the SA's own contexts
 * (a Quick Mode may be started by netlink or the key manager under in->lock
 * alone, without the SA's lock a window needs): the key pair is made in a
 * window, as v1_qm_dh()'s.  A Quick Mode whose Child SA went meanwhile,
 * or that cannot be sent, ends (the next of its round follows); an SA
 * killed meanwhile sends nothing.
 */
static void v1_qm_kx_work(struct work_struct *work)
{
	struct ikev1_sa *v1 = container_of(work, struct ikev1_sa, qm_kx_work);
	struct oak_ike_sa *sa = &v1->sa;
	struct ikev1_qm *qm;
	struct oak_dh *dh;

	oak_sa_lock(sa);
	qm = v1->qm;
	if (sa->dead || sa->kill_pending || sa->in->dying || !qm || !qm->initiator ||
	    !qm->group || qm->dh)
		goto out;
	oak_sa_window_begin(sa);
	dh = oak_dh_new(qm->group);
	oak_sa_window_end(sa);
	qm->dh = dh;		/* freed with @qm */
	if (sa->dead || sa->kill_pending || sa->in->dying)
		goto out;
	if (!dh || !qm->c || v1_qm_send1(sa, qm)) {
		oak_sa_log(pr_info_ratelimited, sa, qm->cfg->name, "cannot start Quick Mode\n");
		v1_qm_end(sa, true);
	}
out:
	oak_sa_unlock(sa);
	oak_sa_put(sa);
}

/* Any context, in->lock held: v1_qm_kx_work() for the Quick Mode just set up. */
static void v1_qm_kx_queue(struct oak_ike_sa *sa)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);

	lockdep_assert_held(&sa->in->lock);
	if (!v1->qm_kx_work.func)	/* the SA's first: zeroed until then */
		INIT_WORK(&v1->qm_kx_work, v1_qm_kx_work);
	kref_get(&sa->ref);
	if (!queue_work(oak_wq, &v1->qm_kx_work))
		oak_sa_put(sa);		/* pending: it takes this Quick Mode too */
}

/* Quick Mode for the pair @k of @cfg, with the selectors @l, @r; @old: the pair it rekeys. */
static int v1_qm_start_pair(struct oak_ike_sa *sa, const struct oakley_child *cfg,
			    unsigned int k, const struct ike_ts *l, const struct ike_ts *r,
			    u8 round, struct oak_child_sa *old)
{
	struct ikev1_qm *qm;
	u32 msgid;
	int err;

	do {
		msgid = get_random_u32();
	} while (!msgid);
	qm = v1_qm_new(sa, msgid, true);
	if (!qm)
		return -ENOMEM;
	qm->cfg = cfg;
	qm->pair = k;
	qm->round = round;
	qm->tsi = *l;
	qm->tsr = *r;
	qm->c = oak_child_new(sa, cfg);
	if (qm->c && old) {
		/* the same reqid: the policies stay, the newer states take over */
		qm->c->p.reqid = old->p.reqid;
		qm->old = old;
		old->rekeying = true;
	}
	err = qm->c ? oak_child_reserve_spi(sa, qm->c) : -ENOMEM;
	if (err)
		goto err;
	qm->ni_len = V1_NONCE_LEN;
	get_random_bytes(qm->ni, qm->ni_len);
	qm->group = v1_p2_pfs_group(cfg);
	if (qm->group) {
		v1_qm_kx_queue(sa);	/* QI1 after the key pair, in a window */
		return 0;
	}
	err = v1_qm_send1(sa, qm);
	if (!err)
		return 0;
err:
	v1_qm_drop(sa);
	return err;
}

/*
 * Quick Mode for the first selector pair of @cfg from the @from-th on that
 * has no Child SA yet (IKEv1 carries one pair per exchange: a child with
 * several selectors takes one Quick Mode for each pair); -EALREADY when
 * every one has.
 */
static int v1_qm_start_from(struct oak_ike_sa *sa, const struct oakley_child *cfg,
			    unsigned int from, u8 round)
{
	struct ike_ts l, r;
	unsigned int k;
	int err;

	for (k = from; ; k++) {
		err = v1_cfg_pair(sa, cfg, k, &l, &r);
		if (err == -ENOENT)
			return -EALREADY;
		if (err)
			return err;
		if (!v1_pair_up(sa, cfg, &l, &r))
			return v1_qm_start_pair(sa, cfg, k, &l, &r, round, NULL);
	}
}

/* Start the next Quick Mode of a round at pair @from of @cfg: true if one began. */
static bool v1_qm_try(struct oak_ike_sa *sa, const struct oakley_child *cfg, unsigned int from,
		      u8 round)
{
	int err = v1_qm_start_from(sa, cfg, from, round);

	if (err && err != -EALREADY)
		oak_sa_log(pr_info_ratelimited, sa, cfg->name, "cannot start Quick Mode: %d\n",
			   err);
	return !err;
}

/*
 * After a Quick Mode of a round ended, well or not: the next selector pair
 * of its child, then for the SA's first round (the child it was set up
 * for, then the others, as IKEv2 brings them all up after IKE_AUTH) the
 * children after it in the connection (from the first one's, round the
 * list; trap children wait for their traffic).  Each step goes forward: a
 * failed one is not tried again.
 */
static void v1_qm_next(struct oak_ike_sa *sa, const struct oakley_child *cfg, unsigned int k,
		       u8 round)
{
	const struct oakley_conn *conn = sa->conn;
	unsigned int n = conn->nchildren, first = 0, i, j;
	const struct oakley_child *next;

	if (sa->dead || sa->kill_pending || sa->state != OAKLEY_IKE_STATE_ESTABLISHED)
		return;
	if (v1_qm_try(sa, cfg, k + 1, round) || round != V1_QM_CONN)
		return;
	for (j = 0; j < n; j++)
		if (conn->children[j] == sa->want_child)
			first = j;
	for (i = 0; i < n && conn->children[i] != cfg; i++)
		;
	/* positions round the list from the first child, after @cfg's */
	for (j = i < n ? (i + n - first) % n + 1 : n; j < n; j++) {
		next = conn->children[(first + j) % n];
		if (next->start != OAKLEY_START_TRAP && v1_qm_try(sa, next, 0, round))
			return;
	}
}

/* The Quick Mode under way ended: free it, then the next of its round. */
static void v1_qm_end(struct oak_ike_sa *sa, bool drop)
{
	struct ikev1_qm *qm = ikev1_sa(sa)->qm;
	const struct oakley_child *cfg = qm->cfg;
	u8 round = qm->initiator ? qm->round : V1_QM_ONE;
	unsigned int k = qm->pair;

	if (drop)
		v1_qm_drop(sa);
	else
		v1_qm_free(sa);
	if (round != V1_QM_ONE && cfg)
		v1_qm_next(sa, cfg, k, round);
}

void v1_qm_abort(struct oak_ike_sa *sa)
{
	lockdep_assert_held(&sa->in->lock);
	if (ikev1_sa(sa)->qm)
		v1_qm_end(sa, true);
}

int v1_qm_start(struct oak_ike_sa *sa, const struct oakley_child *cfg)
{
	/* the child an SA was set up for, the first time: the others follow */
	u8 round = sa->initiator && cfg == sa->want_child && list_empty(&sa->children) ?
		   V1_QM_CONN : V1_QM_CHILD;

	/* any context: its own after phase 1, netlink or the key manager (one QM at a time) */
	lockdep_assert_held(&sa->in->lock);
	if (sa->state != OAKLEY_IKE_STATE_ESTABLISHED || ikev1_sa(sa)->step != V1_DONE)
		return -EALREADY;
	if (ikev1_sa(sa)->qm)
		return -EBUSY;	/* one Quick Mode at a time */
	return v1_qm_start_from(sa, cfg, 0, round);
}

/*
 * A rekey of the SA pair @c (its soft lifetime, `oak rekey`): a Quick Mode
 * for its selectors, with fresh nonces (and PFS if configured), whose pair
 * takes @c's reqid; queued while another Quick Mode runs (v1_child_work()).
 * IKEv1 has no rekey notify: the peer takes it for a rekey because the
 * selectors are those of a pair it has.
 */
int v1_qm_rekey(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct ike_ts l, r;
	int err;

	lockdep_assert_held(&sa->in->lock);
	if (sa->dead || sa->state != OAKLEY_IKE_STATE_ESTABLISHED || ikev1_sa(sa)->step != V1_DONE)
		return -ENOTCONN;
	if (!c->installed || c->rekeying || c->rekeyed || c->deleting)
		return 0;	/* under way, or replaced already */
	if (c->p.n_local_ts != 1 || c->p.n_remote_ts != 1 ||
	    v1_ts_from_xfrm(c->p.local_ts, &l) || v1_ts_from_xfrm(c->p.remote_ts, &r))
		return -EINVAL;
	if (ikev1_sa(sa)->qm) {
		v1_rekey_queue(sa, c);
		return 0;
	}
	err = v1_qm_start_pair(sa, c->cfg, 0, &l, &r, V1_QM_ONE, c);
	if (err)
		oak_sa_log(pr_info_ratelimited, sa, c->cfg->name, "cannot start the rekey: %d\n",
			   err);
	return err;
}

/* Decrypt a Quick Mode message with the exchange's IV; its first payload is HASH. */
static int v1_qm_open(struct oak_ike_sa *sa, struct ikev1_qm *qm, u8 *buf, size_t len,
		      struct isakmp_msg *m, u8 *next, const u8 **plain, const u8 **hash)
{
	u16 hl;

	if (v1_decrypt(sa, buf, len, qm->iv, next, m, plain)) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_AUTH);
		return -EBADMSG;
	}
	if (!m->npayloads || m->pl[0].type != ISAKMP_PL_HASH ||
	    isakmp_parse_opaque(m->pl[0].body, m->pl[0].len, hash, &hl) ||
	    hl != ikev1_sa(sa)->keys->prf_len) {
		oak_stat(sa, OAKLEY_STATS_A_INVALID_SYNTAX);
		return -EBADMSG;
	}
	return 0;
}

/* Nonce, and the IDs: absent, or the pair we sent (initiator) / the pair to take. */
static int v1_qm_take(struct ikev1_qm *qm, const struct isakmp_msg *m, bool check)
{
	const struct isakmp_payload *pn = isakmp_find(m, ISAKMP_PL_NONCE);
	struct isakmp_id id;
	struct ike_ts t[2];
	unsigned int i, n = 0;
	const u8 *nonce;
	u16 nl;

	if (!pn || isakmp_parse_nonce(pn->body, pn->len, &nonce, &nl) ||
	    nl < ISAKMP_NONCE_MIN || nl > ISAKMP_NONCE_MAX)
		return -EBADMSG;
	for (i = 0; i < m->npayloads && n < 2; i++)
		if (m->pl[i].type == ISAKMP_PL_ID &&
		    (isakmp_parse_id(m->pl[i].body, m->pl[i].len, &id) ||
		     v1_id_to_ts(&id, &t[n++])))
			return -EINVAL;
	if (n == 1)
		return -EINVAL;
	if (check && n && (memcmp(&t[0], &qm->tsi, sizeof(t[0])) ||
			   memcmp(&t[1], &qm->tsr, sizeof(t[1]))))
		return -EINVAL;
	if (!check && n) {
		qm->tsi = t[0];
		qm->tsr = t[1];
	}
	if (check) {
		memcpy(qm->nr, nonce, nl);
		qm->nr_len = nl;
	} else {
		memcpy(qm->ni, nonce, nl);
		qm->ni_len = nl;
	}
	return 0;
}

static int v1_qm_i_check(struct oak_ike_sa *sa, struct ikev1_qm *qm, const struct isakmp_msg *m)
{
	const struct isakmp_payload *psa = isakmp_find(m, ISAKMP_PL_SA);
	struct oak_child_sa *c = qm->c;
	struct isakmp_sa *sap;
	struct v1_p2 p;
	u8 pn, tn;
	int err = -EINVAL;

	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	if (!sap)
		return -ENOMEM;
	if (!c || !psa || isakmp_parse_sa(psa->body, psa->len, sap) || sap->nproposals != 1 ||
	    sap->p[0].ntransforms != 1 || v1_p2_select(sap, c->cfg, &p, &pn, &tn) ||
	    p.group != qm->group)
		goto out;
	memcpy(&c->p.spi_out, p.spi, V1_SPI_LEN);
	c->algs.encr = p.encr;
	c->algs.encr_keylen = p.keylen;
	c->algs.integ = p.integ;
	v1_qm_i_life(c, &p, m);
	err = v1_qm_take(qm, m, true);
	if (!err)
		err = v1_qm_dh(sa, qm, m);
out:
	kfree(sap);
	return err;
}

/*
 * QI2 (just sent: @sa's last message) is kept by its message ID with the
 * QR1 it answers; the plain last-message repetition of ikev1.c no longer
 * answers that QR1 (the next Quick Mode replaces the last message).
 */
static void v1_qm_keep3(struct oak_ike_sa *sa, struct ikev1_qm *qm)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);
	struct v1_qm_sent *k;

	if (!v1->last || v1->last_len > V1_QM_SENT_MAX)
		return;
	if (!v1->qm_sent) {
		v1->qm_sent = kcalloc(V1_QM_SENT, sizeof(*v1->qm_sent), GFP_KERNEL);
		if (!v1->qm_sent)
			return;
	}
	k = &v1->qm_sent[v1->qm_sent_next];
	v1->qm_sent_next = (v1->qm_sent_next + 1) % V1_QM_SENT;
	k->msgid = qm->msgid;
	k->rx_len = v1->rx_len;
	memcpy(k->rx_tail, v1->rx_tail, V1_TAIL);
	k->len = v1->last_len;
	memcpy(k->msg, v1->last, v1->last_len);
	v1->rx_len = 0;
}

/*
 * A message of a Quick Mode we initiated and finished: a copy of its QR1
 * gets its QI2 again (ours was lost), anything else is dropped.  False if
 * @m belongs to none of them.
 */
static bool v1_qm_sent_rx(struct oak_ike_sa *sa, const struct isakmp_msg *m)
{
	struct ikev1_sa *v1 = ikev1_sa(sa);
	struct v1_qm_sent *k;
	unsigned int i;

	for (i = 0; v1->qm_sent && i < V1_QM_SENT; i++) {
		k = &v1->qm_sent[i];
		if (!k->msgid || k->msgid != m->msgid)
			continue;
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);
		if (k->rx_len == v1->pend_len && !memcmp(k->rx_tail, v1->pend_tail, V1_TAIL))
			oak_send(sa->in, &sa->local, &sa->remote, k->msg, k->len);
		return true;
	}
	return false;
}

static void v1_qm_send3(struct oak_ike_sa *sa, struct ikev1_qm *qm)
{
	const struct oak_v1_keys *k = ikev1_sa(sa)->keys;
	struct isakmp_buf b;
	u8 hash[IKE_PRF_MAX_LEN];
	u8 *mem;

	if (oak_v1_hash_qm3(k->hash, k->skeyid_a, k->prf_len, qm->msgid, qm->ni, qm->ni_len,
			    qm->nr, qm->nr_len, hash))
		return;
	mem = v1_msg_alloc(&b);
	if (!mem)
		return;
	v1_hdr(sa, &b, ISAKMP_XCHG_QUICK, 0, qm->msgid);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, hash, k->prf_len);
	if (!v1_qm_seal_send(sa, qm, mem, &b, false))
		v1_qm_keep3(sa, qm);
}

static void v1_qm_i_r1(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	struct ikev1_qm *qm = ikev1_sa(sa)->qm;
	const struct oak_v1_keys *k = ikev1_sa(sa)->keys;
	u8 next[OAK_V1_MAX_BLOCK], want[IKE_PRF_MAX_LEN];
	const u8 *plain, *hash, *rest;
	size_t rl;
	int err;

	if (v1_qm_open(sa, qm, buf, len, m, next, &plain, &hash))
		return;
	v1_rest(m, plain, 0, &rest, &rl);
	if (oak_v1_hash_qm2(k->hash, k->skeyid_a, k->prf_len, qm->msgid, qm->ni, qm->ni_len,
			    rest, rl, want) || crypto_memneq(want, hash, k->prf_len)) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_AUTH);
		return;
	}
	memcpy(qm->iv, next, ikev1_sa(sa)->block);
	v1_rx_commit(sa);
	err = v1_qm_i_check(sa, qm, m);
	if (err == -ECANCELED)
		return;		/* the SA goes, the Quick Mode with it */
	if (err) {
		oak_stat(sa, OAKLEY_STATS_A_NO_PROPOSAL);
		oak_sa_log(pr_info_ratelimited, sa, qm->c ? qm->c->cfg->name : NULL,
			   "unacceptable Quick Mode answer\n");
		v1_qm_abort(sa);
		return;
	}
	v1_qm_send3(sa, qm);
	/* a rekey: our new outbound state only once the peer has QI2 (v1_child_work()) */
	if (v1_qm_install(sa, qm, qm->old ? V1_INST_IN : V1_INST_BOTH) && qm->c)
		oak_child_free(sa, qm->c);
	else
		v1_qm_done(sa, qm);
	v1_qm_end(sa, false);
}

/* ---- responder ---- */

/* The child whose selectors hold the initiator's pair and that takes a proposal. */
static const struct oakley_child *v1_qm_child(struct oak_ike_sa *sa, struct ikev1_qm *qm,
					      const struct isakmp_sa *sap, struct v1_p2 *p,
					      u8 *pn, u8 *tn, u16 *notify)
{
	const struct oakley_conn *conn = sa->conn;
	unsigned int i;

	*notify = ISAKMP_N_INVALID_ID_INFORMATION;
	for (i = 0; i < conn->nchildren; i++) {
		const struct oakley_child *cfg = conn->children[i];

		if (!v1_cfg_covers(sa, cfg, &qm->tsr, &qm->tsi))
			continue;
		*notify = ISAKMP_N_NO_PROPOSAL_CHOSEN;
		if (!v1_p2_select(sap, cfg, p, pn, tn))
			return cfg;
	}
	return NULL;
}

/* RESPONDER-LIFETIME with our inbound SPI and the lifetimes of @rl. */
static void v1_qm_add_rl(struct isakmp_buf *b, struct ikev1_qm *qm, const struct v1_p2 *rl)
{
	struct isakmp_buf ab;
	u8 d[32];

	isakmp_buf_init(&ab, d, sizeof(d));
	v1_p2_life_attrs(&ab, rl->life_s, rl->life_kb);
	if (ab.err) {
		b->err = ab.err;
		return;
	}
	isakmp_add_notify(b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ESP, (const u8 *)&qm->c->p.spi_in,
			  V1_SPI_LEN, ISAKMP_N_RESPONDER_LIFETIME, d, ab.len);
}

/* @rl: a RESPONDER-LIFETIME to add, or NULL */
static int v1_qm_send2(struct oak_ike_sa *sa, struct ikev1_qm *qm, const struct v1_p2 *p,
		       u8 pn, u8 tn, bool ids, const struct v1_p2 *rl)
{
	struct isakmp_buf b;
	size_t hoff;
	u8 *mem;
	int err;

	mem = v1_msg_alloc(&b);
	if (!mem)
		return -ENOMEM;
	v1_hdr(sa, &b, ISAKMP_XCHG_QUICK, 0, qm->msgid);
	hoff = v1_hash_reserve(sa, &b);
	v1_p2_put(&b, p, (const u8 *)&qm->c->p.spi_in, pn, tn);
	isakmp_add_nonce(&b, qm->nr, qm->nr_len);
	if (qm->group)
		isakmp_add_ke(&b, oak_dh_public(qm->dh), oak_dh_pub_len(qm->group));
	if (ids) {
		v1_add_ts_id(&b, &qm->tsi);
		v1_add_ts_id(&b, &qm->tsr);
	}
	if (rl)
		v1_qm_add_rl(&b, qm, rl);
	err = v1_qm_hash12(sa, qm, &b, hoff, true);
	if (err) {
		kfree(mem);
		return err;
	}
	return v1_qm_seal_send(sa, qm, mem, &b, true);
}

/* Selectors of a Quick Mode without IDs: the two hosts (RFC 2409 §5.5). */
static void v1_qm_hosts(struct oak_ike_sa *sa, struct ikev1_qm *qm)
{
	struct ike_ts *t[2] = { &qm->tsi, &qm->tsr };
	const struct oak_addr *a[2] = { &sa->remote, &sa->local };
	unsigned int i, alen = sa->local.family == AF_INET ? 4 : 16;

	for (i = 0; i < 2; i++) {
		memset(t[i], 0, sizeof(*t[i]));
		t[i]->type = alen == 4 ? IKE_TS_IPV4_RANGE : IKE_TS_IPV6_RANGE;
		memcpy(t[i]->start, a[i]->addr, alen);
		memcpy(t[i]->end, a[i]->addr, alen);
		t[i]->end_port = 0xffff;
	}
}

/* QI1 verified: choose, answer; 0 or a notify type to refuse with. */
static u16 v1_qm_r_answer(struct oak_ike_sa *sa, struct ikev1_qm *qm, const struct isakmp_msg *m)
{
	const struct isakmp_payload *psa = isakmp_find(m, ISAKMP_PL_SA);
	const struct oakley_child *cfg;
	bool ids = isakmp_find(m, ISAKMP_PL_ID);
	struct isakmp_sa *sap;
	struct v1_p2 p, rl;
	u16 notify = ISAKMP_N_PAYLOAD_MALFORMED;
	bool life;
	u8 pn, tn;
	int err;

	v1_qm_hosts(sa, qm);
	sap = kmalloc(sizeof(*sap), GFP_KERNEL);
	if (!sap)
		return 0;
	if (!psa || isakmp_parse_sa(psa->body, psa->len, sap) || v1_qm_take(qm, m, false))
		goto out;
	cfg = v1_qm_child(sa, qm, sap, &p, &pn, &tn, &notify);
	if (!cfg)
		goto out;
	notify = ISAKMP_N_INVALID_KEY_INFORMATION;
	qm->group = p.group;
	qm->nr_len = V1_NONCE_LEN;
	get_random_bytes(qm->nr, qm->nr_len);
	err = v1_qm_dh(sa, qm, m);
	if (err == -ECANCELED)
		notify = 0;	/* the SA goes: no answer */
	if (err)
		goto out;
	notify = 0;
	qm->c = oak_child_new(sa, cfg);
	if (!qm->c)
		goto out;
	/* the selectors of a pair we have: the peer rekeys it, the new one takes its reqid */
	qm->old = v1_pair_child(sa, cfg, &qm->tsr, &qm->tsi);
	if (qm->old)
		qm->c->p.reqid = qm->old->p.reqid;
	if (oak_child_reserve_spi(sa, qm->c))
		goto out;
	memcpy(&qm->c->p.spi_out, p.spi, V1_SPI_LEN);
	qm->c->algs.encr = p.encr;
	qm->c->algs.encr_keylen = p.keylen;
	qm->c->algs.integ = p.integ;
	life = v1_qm_r_life(qm->c, &p, &rl);
	/*
	 * A rekey: the new inbound state before QR1, since the peer sends on
	 * the new pair as soon as it has QR1; our outbound one with QI2.
	 */
	if (qm->old && v1_qm_install(sa, qm, V1_INST_IN)) {
		if (qm->c)
			oak_child_free(sa, qm->c);
		goto out;
	}
	if (v1_qm_send2(sa, qm, &p, pn, tn, ids, life ? &rl : NULL))
		oak_sa_log(pr_info_ratelimited, sa, cfg->name, "cannot answer Quick Mode\n");
out:
	kfree(sap);
	return notify;
}

static void v1_qm_r_i1(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	const struct oak_v1_keys *k = ikev1_sa(sa)->keys;
	u8 next[OAK_V1_MAX_BLOCK], want[IKE_PRF_MAX_LEN];
	const u8 *plain, *hash, *rest;
	struct ikev1_qm *qm;
	size_t rl;
	u16 notify;

	qm = v1_qm_new(sa, m->msgid, false);
	if (!qm)
		return;
	if (v1_qm_open(sa, qm, buf, len, m, next, &plain, &hash))
		goto drop;
	v1_rest(m, plain, 0, &rest, &rl);
	if (oak_v1_hash_qm1(k->hash, k->skeyid_a, k->prf_len, m->msgid, rest, rl, want) ||
	    crypto_memneq(want, hash, k->prf_len)) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_AUTH);
		goto drop;
	}
	memcpy(qm->iv, next, ikev1_sa(sa)->block);
	v1_rx_commit(sa);
	notify = v1_qm_r_answer(sa, qm, m);
	/* answered: the SPI reserved, or (a rekey) the new inbound state in */
	if (!notify && qm->c && (qm->c->spi_reserved || qm->c->installed))
		return;
	oak_stat(sa, notify == ISAKMP_N_INVALID_ID_INFORMATION ?
		 OAKLEY_STATS_A_TS_UNACCEPTABLE : OAKLEY_STATS_A_NO_PROPOSAL);
	oak_sa_log(pr_info_ratelimited, sa, NULL, "Quick Mode refused (notify %u)\n", notify);
	v1_qm_abort(sa);
	if (notify)
		v1_info_send(sa, ISAKMP_PROTO_ISAKMP, NULL, 0, 0, notify);
	return;
drop:
	v1_qm_free(sa);
}

static void v1_qm_r_i2(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	struct ikev1_qm *qm = ikev1_sa(sa)->qm;
	const struct oak_v1_keys *k = ikev1_sa(sa)->keys;
	u8 next[OAK_V1_MAX_BLOCK], want[IKE_PRF_MAX_LEN];
	const u8 *plain, *hash;

	if (v1_qm_open(sa, qm, buf, len, m, next, &plain, &hash))
		return;
	if (oak_v1_hash_qm3(k->hash, k->skeyid_a, k->prf_len, qm->msgid, qm->ni, qm->ni_len,
			    qm->nr, qm->nr_len, want) || crypto_memneq(want, hash, k->prf_len)) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_AUTH);
		return;
	}
	v1_rx_commit(sa);
	v1_tx_done(sa);
	/* the exchange is over: a copy of QI2 gets no answer (QR1 would start a ping-pong) */
	kfree_sensitive(ikev1_sa(sa)->last);
	ikev1_sa(sa)->last = NULL;
	if (v1_qm_install(sa, qm, qm->c && qm->c->installed ? V1_INST_OUT : V1_INST_BOTH) &&
	    qm->c)
		oak_child_free(sa, qm->c);
	else
		v1_qm_done(sa, qm);
	v1_qm_free(sa);
}

/*
 * A peer's Quick Mode while our rekey waits for its QR1: both sides would
 * drop the other's QI1 until their retransmissions ran out.  The ISAKMP
 * SA's responder steps aside: its rekey is dropped and queued again
 * (v1_child_work(); if the peer's Quick Mode rekeyed the same pair, it is
 * not needed any more), and it answers the peer's.
 */
static bool v1_qm_yield(struct oak_ike_sa *sa)
{
	struct ikev1_qm *qm = ikev1_sa(sa)->qm;
	struct oak_child_sa *old = qm->old;

	if (sa->initiator || !qm->initiator || !old)
		return false;
	oak_sa_log(pr_debug, sa, old->cfg->name, "rekey collision: the peer's Quick Mode first\n");
	v1_qm_drop(sa);
	if (!old->rekeyed && !old->deleting)
		v1_rekey_queue(sa, old);
	return true;
}

void v1_qm_rx(struct oak_ike_sa *sa, u8 *buf, size_t len, struct isakmp_msg *m)
{
	struct ikev1_qm *qm = ikev1_sa(sa)->qm;

	oak_sa_assert_locked(sa);
	if (!m->msgid || !(m->flags & ISAKMP_FLAG_ENC)) {
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		return;
	}
	if ((!qm || qm->msgid != m->msgid) && v1_qm_sent_rx(sa, m))
		return;
	if (!qm) {
		v1_qm_r_i1(sa, buf, len, m);
		return;
	}
	if (qm->msgid != m->msgid) {
		if (v1_qm_yield(sa)) {
			v1_qm_r_i1(sa, buf, len, m);
			return;
		}
		oak_stat(sa, OAKLEY_STATS_A_RX_DROP_REPLAY);	/* one at a time */
		return;
	}
	if (qm->initiator)
		v1_qm_i_r1(sa, buf, len, m);
	else
		v1_qm_r_i2(sa, buf, len, m);
}

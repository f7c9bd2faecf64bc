// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley's xfrm glue: builds the xfrm states and policies of a Child SA and
 * hands them to the kernel's IPsec layer.  This is the only file that calls
 * xfrm_*().
 *
 * Shape of one Child SA in the kernel:
 * - inbound state:  remote -> local, SPI spi_in (our SPI, reserved earlier by
 *   oak_xfrm_alloc_spi() as a larval state which oak_xfrm_install() completes);
 * - outbound state: local -> remote, SPI spi_out (the peer's SPI); added
 *   later, by oak_xfrm_install_out(), for a rekey we answer;
 * - policies: for every local x remote selector pair of the same family, OUT
 *   (local -> remote), IN (remote -> local) and, in tunnel mode, FWD
 *   (remote -> local), each with one template carrying the reqid.
 *
 * Policies are recognised as ours by selector, direction and the reqid of
 * their template: installing replaces a policy with the same selector (a
 * rekey with a new reqid takes the traffic over), removing deletes only the
 * policies whose template still carries our reqid.
 *
 * The kernel's tools see every change, as they see xfrm_user's: each state
 * and policy added or deleted here is audited (xfrm_audit_state_add/_delete,
 * xfrm_audit_policy_add/_delete: "SAD-add", "SPD-delete", ... records with
 * res=1 or res=0) and announced to every key manager (km_state_notify,
 * km_policy_notify), which is how xfrm_user's listeners (`ip xfrm monitor`,
 * charon) and af_key's get XFRM_MSG_NEWSA/UPDSA/DELSA and NEW/UPD/DELPOLICY,
 * with seq 0 and portid 0 (nobody asked).  xfrm_state_add/update/delete and
 * xfrm_policy_insert/delete do neither by themselves: their callers do.  The
 * kernel itself reports what it does on its own (expiries: XFRM_MSG_EXPIRE
 * and its own SAD-delete record), so nothing here repeats those.  Larval
 * states (SPI reservations) are not announced, as xfrm_user's ALLOCSPI does
 * not announce them; their completion is an UPDSA, their release a DELSA.
 */

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/xfrm.h>
#include <linux/oakley.h>

#include "../iana.h"
#include "xfrm.h"

struct oak_encr_alg {
	u16 id;
	bool aead;
	bool aes_keylen;	/* key length negotiated: 128, 192 or 256 */
	u8 salt;		/* bytes of salt/nonce after the key */
	u16 key_bits;		/* fixed key length, when !aes_keylen */
	u16 icv_bits;		/* AEAD only */
	const char *name;	/* xfrm algorithm name */
};

static const struct oak_encr_alg oak_encr_algs[] = {
	{ IKE_ENCR_3DES, false, false, 0, 192, 0, "cbc(des3_ede)" },
	{ IKE_ENCR_NULL, false, false, 0, 0, 0, "ecb(cipher_null)" },
	{ IKE_ENCR_AES_CBC, false, true, 0, 0, 0, "cbc(aes)" },
	{ IKE_ENCR_AES_CTR, false, true, 4, 0, 0, "rfc3686(ctr(aes))" },
	{ IKE_ENCR_AES_CCM_8, true, true, 3, 0, 64, "rfc4309(ccm(aes))" },
	{ IKE_ENCR_AES_CCM_12, true, true, 3, 0, 96, "rfc4309(ccm(aes))" },
	{ IKE_ENCR_AES_CCM_16, true, true, 3, 0, 128, "rfc4309(ccm(aes))" },
	{ IKE_ENCR_AES_GCM_8, true, true, 4, 0, 64, "rfc4106(gcm(aes))" },
	{ IKE_ENCR_AES_GCM_12, true, true, 4, 0, 96, "rfc4106(gcm(aes))" },
	{ IKE_ENCR_AES_GCM_16, true, true, 4, 0, 128, "rfc4106(gcm(aes))" },
	{ IKE_ENCR_CHACHA20_POLY1305, true, false, 4, 256, 128,
	  "rfc7539esp(chacha20,poly1305)" },
};

struct oak_integ_alg {
	u16 id;
	u16 key_len;		/* bytes */
	u16 trunc_bits;		/* ICV length on the wire */
	const char *name;
};

static const struct oak_integ_alg oak_integ_algs[] = {
	{ IKE_INTEG_HMAC_SHA1_96, 20, 96, "hmac(sha1)" },
	{ IKE_INTEG_AES_XCBC_96, 16, 96, "xcbc(aes)" },
	{ IKE_INTEG_AES_CMAC_96, 16, 96, "cmac(aes)" },
	{ IKE_INTEG_HMAC_SHA2_256_128, 32, 128, "hmac(sha256)" },
	{ IKE_INTEG_HMAC_SHA2_384_192, 48, 192, "hmac(sha384)" },
	{ IKE_INTEG_HMAC_SHA2_512_256, 64, 256, "hmac(sha512)" },
};

/* Limits. */
#define OAK_XFRM_MAX_SEL	64	/* selector pairs (x 2 or 3 policies) per Child SA */
#define OAK_XFRM_MAX_REPLAY	4096	/* packets; xfrm_user's own limit */
#define OAK_XFRM_SPI_MIN	0x100	/* 1..255 are reserved (RFC 4303) */
#define OAK_XFRM_PRIO_BASE	200000	/* minus the selector's specificity */

static const struct xfrm_mark oak_no_mark;

static atomic_t oak_reqid_next = ATOMIC_INIT(0);

u32 oak_xfrm_new_reqid(struct net *net)
{
	u32 n = (u32)atomic_inc_return(&oak_reqid_next);

	/* OAK_XFRM_REQID_BASE + 1 .. U32_MAX, also after the counter wraps */
	return OAK_XFRM_REQID_BASE + 1 + n % (U32_MAX - OAK_XFRM_REQID_BASE);
}

/* --- algorithms ------------------------------------------------------- */

static const struct oak_encr_alg *oak_encr_find(u16 id, u16 keylen_bits)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(oak_encr_algs); i++) {
		const struct oak_encr_alg *e = &oak_encr_algs[i];

		if (e->id != id)
			continue;
		if (e->aes_keylen)
			return keylen_bits == 128 || keylen_bits == 192 ||
			       keylen_bits == 256 ? e : NULL;
		/* fixed length: the Key Length attribute is absent or equal */
		return !keylen_bits || keylen_bits == e->key_bits ? e : NULL;
	}
	return NULL;
}

static const struct oak_integ_alg *oak_integ_find(u16 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(oak_integ_algs); i++)
		if (oak_integ_algs[i].id == id)
			return &oak_integ_algs[i];
	return NULL;
}

static unsigned int oak_encr_key_bytes(const struct oak_encr_alg *e, u16 keylen_bits)
{
	return (e->aes_keylen ? keylen_bits : e->key_bits) / 8 + e->salt;
}

/*
 * Resolve a transform combination.  encr == 0 means AH (integrity only).
 * AEAD ciphers take no integrity transform; the others require one.
 */
static int oak_algs_resolve(u16 encr, u16 keylen_bits, u16 integ,
			    const struct oak_encr_alg **ep, const struct oak_integ_alg **ip)
{
	const struct oak_encr_alg *e = NULL;
	const struct oak_integ_alg *i = NULL;

	if (encr) {
		e = oak_encr_find(encr, keylen_bits);
		if (!e)
			return -EOPNOTSUPP;
	}
	if (integ) {
		i = oak_integ_find(integ);
		if (!i)
			return -EOPNOTSUPP;
	}
	if (e && e->aead ? !!i : !i)
		return -EINVAL;
	*ep = e;
	*ip = i;
	return 0;
}

int oak_xfrm_key_lens(u16 encr, u16 keylen_bits, u16 integ,
		      unsigned int *enc_len, unsigned int *auth_len)
{
	const struct oak_encr_alg *e;
	const struct oak_integ_alg *i;
	int err;

	err = oak_algs_resolve(encr, keylen_bits, integ, &e, &i);
	if (err)
		return err;
	*enc_len = e ? oak_encr_key_bytes(e, keylen_bits) : 0;
	*auth_len = i ? i->key_len : 0;
	return 0;
}

/* Is the algorithm known to xfrm and its crypto available (may load modules)? */
static bool oak_encr_available(const struct oak_encr_alg *e)
{
	if (e->aead)
		return xfrm_aead_get_byname(e->name, e->icv_bits, 1);
	return xfrm_ealg_get_byname(e->name, 1);
}

bool oak_xfrm_esp_supported(u16 encr, u16 keylen_bits, u16 integ)
{
	const struct oak_encr_alg *e;
	const struct oak_integ_alg *i;

	if (!encr || oak_algs_resolve(encr, keylen_bits, integ, &e, &i))
		return false;
	if (!oak_encr_available(e))
		return false;
	return !i || xfrm_aalg_get_byname(i->name, 1);
}

/* --- states ----------------------------------------------------------- */

static int oak_state_aead(struct xfrm_state *x, const struct oak_encr_alg *e,
			  const struct oak_child_keys *k)
{
	struct xfrm_algo_desc *d;
	struct xfrm_algo_aead *a;

	d = xfrm_aead_get_byname(e->name, e->icv_bits, 1);
	if (!d)
		return -EOPNOTSUPP;
	a = kzalloc(sizeof(*a) + k->enc_len, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	strscpy(a->alg_name, d->name, sizeof(a->alg_name));
	a->alg_key_len = k->enc_len * 8;
	a->alg_icv_len = e->icv_bits;
	memcpy(a->alg_key, k->enc, k->enc_len);
	x->aead = a;
	x->props.ealgo = d->desc.sadb_alg_id;
	x->geniv = d->uinfo.aead.geniv;
	return 0;
}

static int oak_state_cipher(struct xfrm_state *x, const struct oak_encr_alg *e,
			    const struct oak_child_keys *k)
{
	struct xfrm_algo_desc *d;
	struct xfrm_algo *a;

	d = xfrm_ealg_get_byname(e->name, 1);
	if (!d)
		return -EOPNOTSUPP;
	a = kzalloc(sizeof(*a) + k->enc_len, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	strscpy(a->alg_name, d->name, sizeof(a->alg_name));
	a->alg_key_len = k->enc_len * 8;
	if (k->enc_len)
		memcpy(a->alg_key, k->enc, k->enc_len);
	x->ealg = a;
	x->props.ealgo = d->desc.sadb_alg_id;
	x->geniv = d->uinfo.encr.geniv;
	return 0;
}

/* The ICV length on the wire: the transform's, or 96 bits for `sha256-96`. */
static u16 oak_trunc_bits(const struct oak_integ_alg *i, const struct oak_child_params *p)
{
	return p->sha256_96 && i->id == IKE_INTEG_HMAC_SHA2_256_128 ? 96 : i->trunc_bits;
}

static int oak_state_integ(struct xfrm_state *x, const struct oak_integ_alg *i,
			   u16 trunc_bits, const struct oak_child_keys *k)
{
	struct xfrm_algo_desc *d;
	struct xfrm_algo_auth *a;

	d = xfrm_aalg_get_byname(i->name, 1);
	if (!d)
		return -EOPNOTSUPP;
	if (trunc_bits > d->uinfo.auth.icv_fullbits)
		return -EINVAL;
	a = kzalloc(sizeof(*a) + k->auth_len, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	strscpy(a->alg_name, d->name, sizeof(a->alg_name));
	a->alg_key_len = k->auth_len * 8;
	a->alg_trunc_len = trunc_bits;
	memcpy(a->alg_key, k->auth, k->auth_len);
	x->aalg = a;
	x->props.aalgo = d->desc.sadb_alg_id;
	return 0;
}

static int oak_state_algs(struct xfrm_state *x, const struct oak_child_params *p,
			  const struct oak_child_keys *k)
{
	const struct oak_encr_alg *e;
	const struct oak_integ_alg *i;
	unsigned int enc_len, auth_len;
	int err;

	if (p->proto == IPPROTO_AH ? p->encr != 0 : p->encr == 0)
		return -EINVAL;
	err = oak_algs_resolve(p->encr, p->encr_keylen, p->integ, &e, &i);
	if (err)
		return err;
	enc_len = e ? oak_encr_key_bytes(e, p->encr_keylen) : 0;
	auth_len = i ? i->key_len : 0;
	if (k->enc_len != enc_len || k->auth_len != auth_len ||
	    (enc_len && !k->enc) || (auth_len && !k->auth))
		return -EINVAL;

	if (e) {
		err = e->aead ? oak_state_aead(x, e, k) : oak_state_cipher(x, e, k);
		if (err)
			return err;
	}
	return i ? oak_state_integ(x, i, oak_trunc_bits(i, p), k) : 0;
}

static struct xfrm_replay_state_esn *oak_replay_alloc(u32 window)
{
	struct xfrm_replay_state_esn *r;
	u32 words = DIV_ROUND_UP(window, 32);

	r = kzalloc(sizeof(*r) + words * sizeof(r->bmp[0]), GFP_KERNEL);
	if (!r)
		return NULL;
	r->bmp_len = words;
	r->replay_window = window;
	return r;
}

/* Replay protection in the bitmap (or ESN) mode, which allows large windows. */
static int oak_state_replay(struct xfrm_state *x, const struct oak_child_params *p)
{
	struct net *net = p->net;
	u32 window = p->replay_window;

	if (!window)
		window = p->esn ? 128 : 32;
	if (window > OAK_XFRM_MAX_REPLAY)
		return -EINVAL;
	x->replay_esn = oak_replay_alloc(window);
	x->preplay_esn = oak_replay_alloc(window);
	if (!x->replay_esn || !x->preplay_esn)
		return -ENOMEM;	/* the state's destructor frees both */
	x->props.replay_window = min_t(u32, window, sizeof(x->replay.bitmap) * 8);
	if (p->esn)
		x->props.flags |= XFRM_STATE_ESN;
	/* async event thresholds, as xfrm_user sets them */
	x->replay_maxdiff = net->xfrm.sysctl_aevent_rseqth;
	x->replay_maxage = (net->xfrm.sysctl_aevent_etime * HZ) / XFRM_AE_ETH_M;
	return 0;
}

static void oak_state_lifetimes(struct xfrm_state *x, const struct oak_child_params *p)
{
	/* xfrm_state_alloc() left every byte/packet limit at XFRM_INF */
	if (p->soft_bytes)
		x->lft.soft_byte_limit = p->soft_bytes;
	if (p->hard_bytes)
		x->lft.hard_byte_limit = p->hard_bytes;
	if (p->soft_packets)
		x->lft.soft_packet_limit = p->soft_packets;
	if (p->hard_packets)
		x->lft.hard_packet_limit = p->hard_packets;
	x->lft.soft_add_expires_seconds = p->soft_time;
	x->lft.hard_add_expires_seconds = p->hard_time;
}

static u8 oak_xfrm_mode(u8 mode)
{
	return mode == OAKLEY_MODE_TRANSPORT ? XFRM_MODE_TRANSPORT : XFRM_MODE_TUNNEL;
}

/* --- notifications and audit (as xfrm_user does) ---------------------- */

static void oak_state_notify(struct xfrm_state *x, int event)
{
	struct km_event c = {
		.event = event,
		.net = xs_net(x),
	};

	km_state_notify(x, &c);
}

static void oak_policy_notify(struct xfrm_policy *pol, int dir, int event)
{
	struct km_event c = {
		.event = event,
		.net = xp_net(pol),
	};

	/* DELPOLICY names the policy by its selector (data.byid 0) */
	km_policy_notify(pol, dir, &c);
}

/* Wipe the keys of a state that never went live, then drop it. */
static void oak_state_discard(struct xfrm_state *x)
{
	if (x->aead)
		memzero_explicit(x->aead->alg_key, (x->aead->alg_key_len + 7) / 8);
	if (x->ealg)
		memzero_explicit(x->ealg->alg_key, (x->ealg->alg_key_len + 7) / 8);
	if (x->aalg)
		memzero_explicit(x->aalg->alg_key, (x->aalg->alg_key_len + 7) / 8);
	x->km.state = XFRM_STATE_DEAD;
	xfrm_state_put(x);
}

/*
 * ESP in UDP (RFC 3948) between the IKE SA's ports when it went through a
 * NAT (or was told to): set before xfrm_init_state(), which makes room for
 * the UDP header; xfrm frees x->encap with the state.  Outbound from our
 * port to the peer's, inbound the other way round.
 */
static int oak_state_encap(struct xfrm_state *x, const struct oak_child_params *p, bool out)
{
	struct xfrm_encap_tmpl *e;

	if (!p->encap)
		return 0;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->encap_type = UDP_ENCAP_ESPINUDP;
	e->encap_sport = htons(out ? p->local_port : p->remote_port);
	e->encap_dport = htons(out ? p->remote_port : p->local_port);
	x->encap = e;
	return 0;
}

/* Build one direction's state: daddr/spi identify it, saddr is its source. */
static struct xfrm_state *oak_state_build(const struct oak_child_params *p,
					  const xfrm_address_t *saddr,
					  const xfrm_address_t *daddr, __be32 spi,
					  const struct oak_child_keys *k, int *errp)
{
	struct xfrm_state *x;
	int err;

	x = xfrm_state_alloc(p->net);
	if (!x) {
		*errp = -ENOMEM;
		return NULL;
	}
	x->id.daddr = *daddr;
	x->id.spi = spi;
	x->id.proto = p->proto;
	x->props.saddr = *saddr;
	x->props.family = p->family;
	x->props.mode = oak_xfrm_mode(p->mode);
	x->props.reqid = p->reqid;
	/* x->sel stays AF_UNSPEC: the policies do the selecting */
	oak_state_lifetimes(x, p);

	err = oak_state_encap(x, p, saddr == &p->local);
	if (!err)
		err = oak_state_algs(x, p, k);
	if (!err)
		err = oak_state_replay(x, p);
	if (!err)
		err = xfrm_init_state(x);	/* also marks it VALID */
	if (err) {
		oak_state_discard(x);
		*errp = err;
		return NULL;
	}
	return x;
}

/*
 * Insert a built state: complete the larval state holding our SPI when
 * there is one (as PF_KEY's UPDATE after GETSPI does), else add it.  The
 * state's reference passes to the state tables on success.
 */
static int oak_state_insert(struct xfrm_state *x, bool larval)
{
	int event = XFRM_MSG_UPDSA;
	int err = -ESRCH;

	xfrm_state_hold(x);
	if (larval)
		err = xfrm_state_update(x);
	if (err == -ESRCH) {
		event = XFRM_MSG_NEWSA;
		err = xfrm_state_add(x);
	}
	xfrm_audit_state_add(x, err ? 0 : 1, true);
	if (err) {
		__xfrm_state_put(x);	/* our extra hold */
		oak_state_discard(x);
		return err;
	}
	oak_state_notify(x, event);
	xfrm_state_put(x);
	return 0;
}

/* Delete the state at @spi; with @reqid only if it still carries that reqid. */
static void oak_state_del_reqid(struct net *net, u16 family, const xfrm_address_t *daddr,
				__be32 spi, u8 proto, u32 reqid)
{
	struct xfrm_state *x;
	int err;

	x = xfrm_state_lookup(net, 0, daddr, spi, proto, family);
	if (!x)
		return;
	if (reqid && x->props.reqid != reqid) {
		xfrm_state_put(x);
		return;
	}
	err = xfrm_state_delete(x);
	if (!err)
		oak_state_notify(x, XFRM_MSG_DELSA);
	xfrm_audit_state_delete(x, err ? 0 : 1, true);
	xfrm_state_put(x);
}

static void oak_state_del(struct net *net, u16 family, const xfrm_address_t *daddr,
			  __be32 spi, u8 proto)
{
	oak_state_del_reqid(net, family, daddr, spi, proto, 0);
}

/*
 * Is our inbound SPI held by a larval state (oak_xfrm_alloc_spi())?  0: no
 * state at all, 1: larval, -EEXIST: a live state already uses it.
 */
static int oak_spi_larval(const struct oak_child_params *p)
{
	struct xfrm_state *x;
	int ret;

	x = xfrm_state_lookup(p->net, 0, &p->local, p->spi_in, p->proto, p->family);
	if (!x)
		return 0;
	ret = x->km.state == XFRM_STATE_ACQ ? 1 : -EEXIST;
	xfrm_state_put(x);
	return ret;
}

/*
 * Build the inbound state, then (with_out) the outbound one, without
 * inserting them: xfrm_init_state() allocates the transforms, the costly
 * part of an install, and touches no table.  Without with_out the outbound
 * state is added later by oak_xfrm_install_out().
 */
static int oak_states_build(const struct oak_child_params *p, bool with_out,
			    struct oak_xfrm_prep *prep)
{
	int err;

	prep->in = oak_state_build(p, &p->remote, &p->local, p->spi_in, &p->in, &err);
	if (!prep->in)
		return err;
	if (!with_out)
		return 0;
	prep->out = oak_state_build(p, &p->local, &p->remote, p->spi_out, &p->out, &err);
	if (!prep->out) {
		oak_state_discard(prep->in);
		prep->in = NULL;
		return err;
	}
	return 0;
}

/* Insert what oak_states_build() made (consumed in every case). */
static int oak_states_insert(const struct oak_child_params *p, struct oak_xfrm_prep *prep)
{
	struct xfrm_state *out = prep->out;
	int larval, err;

	larval = oak_spi_larval(p);
	err = larval < 0 ? larval : oak_state_insert(prep->in, larval);
	if (larval < 0)
		oak_state_discard(prep->in);
	prep->in = NULL;
	prep->out = NULL;
	if (err) {
		if (out)
			oak_state_discard(out);
		return err;
	}
	if (!out)
		return 0;
	err = oak_state_insert(out, false);
	if (err) {
		oak_state_del(p->net, p->family, &p->local, p->spi_in, p->proto);
		return err;
	}
	return 0;
}

static void oak_states_del(const struct oak_child_params *p)
{
	oak_state_del(p->net, p->family, &p->local, p->spi_in, p->proto);
	oak_state_del(p->net, p->family, &p->remote, p->spi_out, p->proto);
}

/* --- preloading ------------------------------------------------------- */

/*
 * The first state of a kind makes the kernel load the type module
 * (xfrm_get_type()'s request_module("xfrm-type-FAMILY-PROTO"): esp4, esp6,
 * ah4, ah6) and, in the type's init_state, allocate the transform that
 * wraps the algorithms (for ESP an AEAD whose name esp4/esp6 build from
 * the algorithms, the IV generator and ESN).  Rather than rebuild those
 * names here, ask the kernel: build a state of that kind with throwaway
 * keys through the same xfrm_init_state() a real one goes through, and
 * drop it without inserting it (nothing is announced or audited: it never
 * exists for the SAD).  Once per kind, remembered in these bits.
 */
#define OAK_WARM_NE	(ARRAY_SIZE(oak_encr_algs) + 1)		/* + none (AH) */
#define OAK_WARM_NI	(ARRAY_SIZE(oak_integ_algs) + 1)	/* + none (AEAD) */

static DECLARE_BITMAP(oak_warm_done, OAK_WARM_NE * OAK_WARM_NI * 2 * 2);
static DEFINE_MUTEX(oak_warm_lock);

static unsigned int oak_warm_bit(const struct oak_encr_alg *e, const struct oak_integ_alg *i,
				 bool esn, u16 family)
{
	unsigned int ei = e ? e - oak_encr_algs : ARRAY_SIZE(oak_encr_algs);
	unsigned int ii = i ? i - oak_integ_algs : ARRAY_SIZE(oak_integ_algs);

	return ((ei * OAK_WARM_NI + ii) * 2 + esn) * 2 + (family == AF_INET6);
}

/* Build and drop a state of this kind.  (oak_warm_lock held) */
static int oak_warm_state(struct oak_child_params *p)
{
	unsigned int enc_len, auth_len;
	struct xfrm_state *x;
	u8 *key;
	int err;

	err = oak_xfrm_key_lens(p->encr, p->encr_keylen, p->integ, &enc_len, &auth_len);
	if (err)
		return err;
	key = kmalloc(enc_len + auth_len + 1, GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	/* random, not zero: some ciphers refuse weak keys */
	get_random_bytes(key, enc_len + auth_len);
	p->in.enc = enc_len ? key : NULL;
	p->in.enc_len = enc_len;
	p->in.auth = auth_len ? key + enc_len : NULL;
	p->in.auth_len = auth_len;
	x = oak_state_build(p, &p->remote, &p->local, htonl(OAK_XFRM_SPI_MIN), &p->in, &err);
	if (x) {
		oak_state_discard(x);
		err = 0;
	}
	kfree_sensitive(key);
	return err;
}

int oak_xfrm_warm(u16 family, u8 proto, u16 encr, u16 keylen_bits, u16 integ, bool esn)
{
	const struct oak_encr_alg *e;
	const struct oak_integ_alg *i;
	struct oak_child_params *p;
	unsigned int bit;
	int err;

	if ((family != AF_INET && family != AF_INET6) ||
	    (proto != IPPROTO_ESP && proto != IPPROTO_AH) ||
	    (proto == IPPROTO_AH ? encr != 0 : encr == 0))
		return -EINVAL;
	err = oak_algs_resolve(encr, keylen_bits, integ, &e, &i);
	if (err)
		return err;
	esn = esn && e && !e->aead;	/* ESN changes ESP's authenc only */
	bit = oak_warm_bit(e, i, esn, family);
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->net = &init_net;	/* the state is never inserted anywhere */
	p->family = family;
	p->proto = proto;
	p->mode = OAKLEY_MODE_TUNNEL;
	p->encr = encr;
	p->encr_keylen = keylen_bits;
	p->integ = integ;
	p->esn = esn;
	mutex_lock(&oak_warm_lock);
	if (!test_bit(bit, oak_warm_done)) {
		set_bit(bit, oak_warm_done);	/* tried: a failure stays one */
		err = oak_warm_state(p);
	}
	mutex_unlock(&oak_warm_lock);
	kfree(p);
	return err;
}

/* --- SPI reservation ---------------------------------------------------- */

int oak_xfrm_alloc_spi(struct net *net, u16 family, const xfrm_address_t *local,
		       const xfrm_address_t *remote, u8 proto, u32 reqid, __be32 *spi)
{
	struct xfrm_state *x;
	int err;

	if ((family != AF_INET && family != AF_INET6) ||
	    (proto != IPPROTO_ESP && proto != IPPROTO_AH))
		return -EINVAL;
	x = xfrm_find_acq(net, &oak_no_mark, XFRM_MODE_TUNNEL, reqid, 0, proto,
			  local, remote, 1, family);
	if (!x)
		return -ENOMEM;
	err = xfrm_alloc_spi(x, OAK_XFRM_SPI_MIN, U32_MAX);
	if (!err && !x->id.spi)
		err = -ENOENT;
	if (err)
		xfrm_state_delete(x);
	else
		*spi = x->id.spi;
	xfrm_state_put(x);
	return err;
}

void oak_xfrm_release_spi(struct net *net, u16 family, const xfrm_address_t *local,
			  u8 proto, __be32 spi)
{
	oak_state_del(net, family, local, spi, proto);
}

/* --- selectors ---------------------------------------------------------- */

/* One side of a selector: an address prefix and a port mask. */
struct oak_half {
	xfrm_address_t addr;
	u8 plen;
	__be16 port, port_mask;
};

/*
 * Split the big-endian range [start, end] of 'bytes' bytes into prefixes,
 * lowest first; calls emit() for each.  Returns the count or an error.
 */
static int oak_range_split(const u8 *start, const u8 *end, unsigned int bytes,
			   int (*emit)(const u8 *v, unsigned int plen, void *arg), void *arg)
{
	unsigned int bits = bytes * 8, k, n = 0;
	u8 cur[16], top[16];
	int err, j;

	if (memcmp(start, end, bytes) > 0)
		return -EINVAL;
	memcpy(cur, start, bytes);
	for (;;) {
		/* grow the block while cur is aligned to it and it stays <= end */
		memcpy(top, cur, bytes);
		for (k = 0; k < bits; k++) {
			u8 bit = 0x80 >> ((bits - 1 - k) % 8);
			unsigned int byte = (bits - 1 - k) / 8;

			if (cur[byte] & bit)
				break;
			top[byte] |= bit;
			if (memcmp(top, end, bytes) > 0) {
				top[byte] &= ~bit;
				break;
			}
		}
		err = emit(cur, bits - k, arg);
		if (err)
			return err;
		n++;
		if (!memcmp(top, end, bytes))
			return n;
		/* cur = top + 1 (no overflow: top < end) */
		memcpy(cur, top, bytes);
		for (j = bytes - 1; j >= 0 && ++cur[j] == 0; j--)
			;
	}
}

struct oak_half_list {
	unsigned int n;
	struct oak_half h[OAK_XFRM_MAX_SEL];
};

struct oak_addr_emit {
	struct oak_half_list *l;
	u16 family;
};

static int oak_emit_addr(const u8 *v, unsigned int plen, void *arg)
{
	struct oak_addr_emit *a = arg;
	struct oak_half *h;

	if (a->l->n >= OAK_XFRM_MAX_SEL)
		return -E2BIG;
	h = &a->l->h[a->l->n++];
	memset(h, 0, sizeof(*h));
	memcpy(&h->addr, v, a->family == AF_INET ? 4 : 16);
	h->plen = plen;
	return 0;
}

/* Port range -> port masks, applied to every address prefix emitted so far. */
struct oak_port_emit {
	struct oak_half_list *l;
	unsigned int first, last;	/* the address prefixes of this TS */
	unsigned int nports;
};

static int oak_emit_port(const u8 *v, unsigned int plen, void *arg)
{
	struct oak_port_emit *pe = arg;
	struct oak_half_list *l = pe->l;
	unsigned int i;

	for (i = pe->first; i < pe->last; i++) {
		struct oak_half *h = &l->h[i];

		if (pe->nports) {	/* another port block: duplicate the prefix */
			if (l->n >= OAK_XFRM_MAX_SEL)
				return -E2BIG;
			l->h[l->n] = *h;
			h = &l->h[l->n++];
		}
		h->port = htons(v[0] << 8 | v[1]);
		h->port_mask = plen ? htons((u16)(0xffff << (16 - plen))) : 0;
	}
	pe->nports++;
	return 0;
}

static bool oak_ts_icmp(const struct oak_ts *ts)
{
	return ts->proto == IPPROTO_ICMP || ts->proto == IPPROTO_ICMPV6;
}

/* Expand one TS into prefixes x port masks (ICMP ports are set later). */
static int oak_ts_expand(const struct oak_ts *ts, struct oak_half_list *l)
{
	struct oak_addr_emit ae = { .l = l, .family = ts->family };
	struct oak_port_emit pe = { .l = l, .first = l->n };
	u8 ps[2], pend[2];
	int err;

	if (ts->family != AF_INET && ts->family != AF_INET6)
		return -EINVAL;
	err = oak_range_split((const u8 *)&ts->start, (const u8 *)&ts->end,
			      ts->family == AF_INET ? 4 : 16, oak_emit_addr, &ae);
	if (err < 0)
		return err;
	pe.last = l->n;
	if (oak_ts_icmp(ts) || (ts->start_port == 0 && ts->end_port == 0xffff))
		return 0;
	if (!ts->proto)
		return -EINVAL;	/* ports without a protocol */
	ps[0] = ts->start_port >> 8;
	ps[1] = ts->start_port & 0xff;
	pend[0] = ts->end_port >> 8;
	pend[1] = ts->end_port & 0xff;
	err = oak_range_split(ps, pend, 2, oak_emit_port, &pe);
	return err < 0 ? err : 0;
}

/*
 * ICMP: xfrm matches the type in the source port field and the code in the
 * destination port field; IKEv2 carries type << 8 | code in the TS ports.
 * Supported: any, one type with any code, one type and one code.
 */
static int oak_icmp_sel(const struct oak_ts *l, const struct oak_ts *r,
			struct xfrm_selector *sel)
{
	const struct oak_ts *t = l;
	u8 type;

	if (l->start_port == 0 && l->end_port == 0xffff)
		t = r;
	if (t->start_port == 0 && t->end_port == 0xffff)
		return 0;
	type = t->start_port >> 8;
	if (t->end_port >> 8 != type)
		return -EOPNOTSUPP;
	sel->sport = htons(type);
	sel->sport_mask = htons(0xffff);
	if ((t->start_port & 0xff) == 0 && (t->end_port & 0xff) == 0xff)
		return 0;
	if ((t->start_port & 0xff) != (t->end_port & 0xff))
		return -EOPNOTSUPP;
	sel->dport = htons(t->start_port & 0xff);
	sel->dport_mask = htons(0xffff);
	return 0;
}

struct oak_sel_list {
	unsigned int n;
	struct xfrm_selector sel[OAK_XFRM_MAX_SEL];	/* OUT direction */
};

static int oak_sel_pair(const struct oak_ts *lt, const struct oak_ts *rt,
			const struct oak_half_list *lh, const struct oak_half_list *rh,
			u8 proto, struct oak_sel_list *out)
{
	unsigned int i, j;
	int err;

	for (i = 0; i < lh->n; i++) {
		for (j = 0; j < rh->n; j++) {
			struct xfrm_selector *s;

			if (out->n >= OAK_XFRM_MAX_SEL)
				return -E2BIG;
			s = &out->sel[out->n++];
			memset(s, 0, sizeof(*s));
			s->family = lt->family;
			s->proto = proto;
			s->saddr = lh->h[i].addr;
			s->prefixlen_s = lh->h[i].plen;
			s->sport = lh->h[i].port;
			s->sport_mask = lh->h[i].port_mask;
			s->daddr = rh->h[j].addr;
			s->prefixlen_d = rh->h[j].plen;
			s->dport = rh->h[j].port;
			s->dport_mask = rh->h[j].port_mask;
			if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
				err = oak_icmp_sel(lt, rt, s);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

/*
 * Every local x remote TS pair of one family and compatible protocols
 * becomes selectors (OUT direction: local is the source).
 */
static int oak_build_sels(const struct oak_child_params *p, struct oak_sel_list *out,
			  gfp_t gfp)
{
	struct oak_half_list *lh, *rh;
	unsigned int i, j;
	int err = -ENOMEM;

	if (p->n_local_ts > OAK_MAX_TS || p->n_remote_ts > OAK_MAX_TS)
		return -EINVAL;
	lh = kmalloc(sizeof(*lh), gfp);
	rh = kmalloc(sizeof(*rh), gfp);
	if (!lh || !rh)
		goto out;
	out->n = 0;
	for (i = 0; i < p->n_local_ts; i++) {
		const struct oak_ts *lt = &p->local_ts[i];

		lh->n = 0;
		err = oak_ts_expand(lt, lh);
		if (err)
			goto out;
		for (j = 0; j < p->n_remote_ts; j++) {
			const struct oak_ts *rt = &p->remote_ts[j];

			if (rt->family != lt->family ||
			    (lt->proto && rt->proto && lt->proto != rt->proto))
				continue;
			if (p->mode == OAKLEY_MODE_TRANSPORT && lt->family != p->family) {
				err = -EINVAL;
				goto out;
			}
			rh->n = 0;
			err = oak_ts_expand(rt, rh);
			if (!err)
				err = oak_sel_pair(lt, rt, lh, rh, lt->proto ?: rt->proto, out);
			if (err)
				goto out;
		}
	}
	err = out->n ? 0 : -EINVAL;
out:
	kfree(lh);
	kfree(rh);
	return err;
}

static void oak_sel_reverse(const struct xfrm_selector *s, struct xfrm_selector *r)
{
	*r = *s;
	r->saddr = s->daddr;
	r->daddr = s->saddr;
	r->prefixlen_s = s->prefixlen_d;
	r->prefixlen_d = s->prefixlen_s;
	r->sport = s->dport;
	r->sport_mask = s->dport_mask;
	r->dport = s->sport;
	r->dport_mask = s->sport_mask;
	/* ICMP type/code do not swap with the direction */
	if (s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6) {
		r->sport = s->sport;
		r->sport_mask = s->sport_mask;
		r->dport = s->dport;
		r->dport_mask = s->dport_mask;
	}
}

/* --- policies ----------------------------------------------------------- */

/* Lower value wins: more specific selectors first. */
static u32 oak_priority(const struct xfrm_selector *s)
{
	u32 spec = (s->prefixlen_s + s->prefixlen_d) * 4;

	if (s->proto)
		spec += 2;
	if (s->sport_mask || s->dport_mask)
		spec += 1;
	return OAK_XFRM_PRIO_BASE - spec;
}

static struct xfrm_policy *oak_policy_build(const struct oak_child_params *p,
					    const struct xfrm_selector *sel, int dir)
{
	struct xfrm_policy *pol;
	struct xfrm_tmpl *t;

	pol = xfrm_policy_alloc(p->net, GFP_KERNEL);
	if (!pol)
		return NULL;
	pol->selector = *sel;
	pol->family = sel->family;
	pol->type = XFRM_POLICY_TYPE_MAIN;
	pol->action = XFRM_POLICY_ALLOW;
	pol->priority = oak_priority(sel);
	pol->xfrm_nr = 1;

	t = &pol->xfrm_vec[0];
	t->id.proto = p->proto;
	t->reqid = p->reqid;
	t->mode = oak_xfrm_mode(p->mode);
	t->encap_family = p->family;
	t->share = XFRM_SHARE_ANY;
	t->allalgs = 1;
	t->aalgos = ~0U;
	t->ealgos = ~0U;
	t->calgos = ~0U;
	if (p->mode != OAKLEY_MODE_TRANSPORT) {
		t->id.daddr = dir == XFRM_POLICY_OUT ? p->remote : p->local;
		t->saddr = dir == XFRM_POLICY_OUT ? p->local : p->remote;
	}
	return pol;
}

static void oak_policy_free(struct xfrm_policy *pol)
{
	pol->walk.dead = 1;
	xfrm_policy_destroy(pol);
}

/* Delete the policy at (sel, dir) if its template carries our reqid. */
static void oak_policy_del(const struct oak_child_params *p, struct xfrm_selector *sel,
			   int dir)
{
	struct xfrm_policy *pol;
	int err;

	pol = xfrm_policy_bysel_ctx(p->net, &oak_no_mark, 0, XFRM_POLICY_TYPE_MAIN, dir,
				    sel, NULL, 0, &err);
	if (!pol)
		return;
	if (pol->xfrm_nr == 1 && pol->xfrm_vec[0].reqid == p->reqid) {
		err = xfrm_policy_delete(pol, dir);
		xfrm_audit_policy_delete(pol, err ? 0 : 1, true);
		if (!err)
			oak_policy_notify(pol, dir, XFRM_MSG_DELPOLICY);
	}
	xfrm_pol_put(pol);
}

static int oak_ndirs(const struct oak_child_params *p)
{
	return p->mode == OAKLEY_MODE_TRANSPORT ? 2 : 3;
}

static const int oak_dirs[] = { XFRM_POLICY_OUT, XFRM_POLICY_IN, XFRM_POLICY_FWD };

static void oak_policy_sel(const struct oak_sel_list *sl, unsigned int idx,
			   struct xfrm_selector *sel)
{
	if (oak_dirs[idx % 3] == XFRM_POLICY_OUT)
		*sel = sl->sel[idx / 3];
	else
		oak_sel_reverse(&sl->sel[idx / 3], sel);
}

/* Remove every policy of the set that is ours; done (optional) limits it. */
static void oak_policies_del(const struct oak_child_params *p,
			     const struct oak_sel_list *sl, const u8 *done)
{
	struct xfrm_selector sel;
	unsigned int idx;

	for (idx = 0; idx < sl->n * 3; idx++) {
		if (idx % 3 >= oak_ndirs(p) || (done && !done[idx]))
			continue;
		oak_policy_sel(sl, idx, &sel);
		oak_policy_del(p, &sel, oak_dirs[idx % 3]);
	}
}

enum oak_pol_present {
	OAK_POL_NONE,		/* no policy at the selector */
	OAK_POL_OURS,		/* one with our reqid (a rekey keeping it) */
	OAK_POL_OTHER,		/* another one, which inserting ours replaces */
};

static enum oak_pol_present oak_policy_present(const struct oak_child_params *p,
					       struct xfrm_selector *sel, int dir)
{
	enum oak_pol_present ret;
	struct xfrm_policy *pol;
	int err;

	pol = xfrm_policy_bysel_ctx(p->net, &oak_no_mark, 0, XFRM_POLICY_TYPE_MAIN, dir,
				    sel, NULL, 0, &err);
	if (!pol)
		return OAK_POL_NONE;
	ret = pol->xfrm_nr == 1 && pol->xfrm_vec[0].reqid == p->reqid ? OAK_POL_OURS :
									  OAK_POL_OTHER;
	xfrm_pol_put(pol);
	return ret;
}

static int oak_policies_build(const struct oak_child_params *p,
			      const struct oak_sel_list *sl, struct xfrm_policy **pols)
{
	struct xfrm_selector sel;
	unsigned int idx;

	for (idx = 0; idx < sl->n * 3; idx++) {
		if (idx % 3 >= oak_ndirs(p))
			continue;
		oak_policy_sel(sl, idx, &sel);
		pols[idx] = oak_policy_build(p, &sel, oak_dirs[idx % 3]);
		if (!pols[idx])
			return -ENOMEM;
	}
	return 0;
}

/*
 * Build every policy first (so memory shortage cannot leave half a set),
 * then insert them.  An existing policy with the same selector and another
 * reqid is replaced; one with our reqid is left alone and not rolled back.
 */
static int oak_policies_add(const struct oak_child_params *p, const struct oak_sel_list *sl)
{
	unsigned int idx, total = sl->n * 3;
	struct xfrm_policy **pols;
	u8 *done;
	int err = -ENOMEM;

	pols = kcalloc(total, sizeof(*pols), GFP_KERNEL);
	done = kcalloc(total, sizeof(*done), GFP_KERNEL);
	if (!pols || !done)
		goto out;
	err = oak_policies_build(p, sl, pols);
	for (idx = 0; idx < total && !err; idx++) {
		int dir = oak_dirs[idx % 3];
		enum oak_pol_present present;

		if (!pols[idx])
			continue;
		present = oak_policy_present(p, &pols[idx]->selector, dir);
		if (present == OAK_POL_OURS)
			continue;
		err = xfrm_policy_insert(dir, pols[idx], 0);
		xfrm_audit_policy_add(pols[idx], err ? 0 : 1, true);
		if (err)
			break;
		oak_policy_notify(pols[idx], dir, present == OAK_POL_OTHER ?
				  XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY);
		xfrm_pol_put(pols[idx]);	/* the policy table holds its own */
		pols[idx] = NULL;
		done[idx] = 1;
	}
	if (err)
		oak_policies_del(p, sl, done);
	for (idx = 0; idx < total; idx++)
		if (pols[idx])
			oak_policy_free(pols[idx]);
out:
	kfree(done);
	kfree(pols);
	return err;
}

/* --- Child SA ----------------------------------------------------------- */

/* What the policies need: addresses, protocol, mode and reqid. */
static int oak_params_check_pol(const struct oak_child_params *p)
{
	if (!p->net || (p->family != AF_INET && p->family != AF_INET6))
		return -EINVAL;
	if (p->proto != IPPROTO_ESP && p->proto != IPPROTO_AH)
		return -EINVAL;
	if (p->mode != OAKLEY_MODE_TUNNEL && p->mode != OAKLEY_MODE_TRANSPORT)
		return -EINVAL;
	return p->reqid ? 0 : -EINVAL;
}

static int oak_params_check(const struct oak_child_params *p)
{
	int err = oak_params_check_pol(p);

	if (err)
		return err;
	if (ntohl(p->spi_in) < OAK_XFRM_SPI_MIN || ntohl(p->spi_out) < OAK_XFRM_SPI_MIN)
		return -EINVAL;
	return 0;
}

/*
 * The first half of an install: check @p, build the selectors and the
 * states (both, or the inbound one alone).  Touches nothing shared: the
 * caller may hold no lock of its own.  oak_xfrm_commit() or
 * oak_xfrm_prep_drop() ends it.
 */
int oak_xfrm_prepare(const struct oak_child_params *p, bool with_out, struct oak_xfrm_prep *prep)
{
	int err;

	memset(prep, 0, sizeof(*prep));
	err = oak_params_check(p);
	if (err)
		return err;
	prep->sl = kmalloc(sizeof(*prep->sl), GFP_KERNEL);
	if (!prep->sl)
		return -ENOMEM;
	err = oak_build_sels(p, prep->sl, GFP_KERNEL);
	if (!err)
		err = oak_states_build(p, with_out, prep);
	if (err)
		oak_xfrm_prep_drop(prep);
	return err;
}

void oak_xfrm_prep_drop(struct oak_xfrm_prep *prep)
{
	if (prep->in)
		oak_state_discard(prep->in);
	if (prep->out)
		oak_state_discard(prep->out);
	kfree(prep->sl);
	memset(prep, 0, sizeof(*prep));
}

/* The second half: insert the states, then add the policies; consumes @prep. */
int oak_xfrm_commit(const struct oak_child_params *p, struct oak_xfrm_prep *prep)
{
	int err;

	err = oak_states_insert(p, prep);
	if (!err) {
		err = oak_policies_add(p, prep->sl);
		if (err)
			oak_states_del(p);
	}
	oak_xfrm_prep_drop(prep);
	return err;
}

static int oak_xfrm_install_dirs(const struct oak_child_params *p, bool with_out)
{
	struct oak_xfrm_prep prep;
	int err;

	err = oak_xfrm_prepare(p, with_out, &prep);
	return err ? err : oak_xfrm_commit(p, &prep);
}

int oak_xfrm_install(const struct oak_child_params *p)
{
	return oak_xfrm_install_dirs(p, true);
}

int oak_xfrm_install_in(const struct oak_child_params *p)
{
	return oak_xfrm_install_dirs(p, false);
}

int oak_xfrm_install_out(const struct oak_child_params *p)
{
	struct xfrm_state *out;
	int err;

	err = oak_params_check(p);
	if (err)
		return err;
	out = oak_state_build(p, &p->local, &p->remote, p->spi_out, &p->out, &err);
	if (!out)
		return err;
	return oak_state_insert(out, false);
}

int oak_xfrm_policies_install(const struct oak_child_params *p)
{
	struct oak_sel_list *sl;
	int err;

	err = oak_params_check_pol(p);
	if (err)
		return err;
	sl = kmalloc(sizeof(*sl), GFP_KERNEL);
	if (!sl)
		return -ENOMEM;
	err = oak_build_sels(p, sl, GFP_KERNEL);
	if (!err)
		err = oak_policies_add(p, sl);
	kfree(sl);
	return err;
}

void oak_xfrm_policies_remove(const struct oak_child_params *p)
{
	struct oak_sel_list *sl;

	if (oak_params_check_pol(p))
		return;
	/* a remove must not fail half way: the allocations wait for memory */
	sl = kmalloc(sizeof(*sl), GFP_KERNEL | __GFP_NOFAIL);
	if (!oak_build_sels(p, sl, GFP_KERNEL | __GFP_NOFAIL))
		oak_policies_del(p, sl, NULL);
	kfree(sl);
}

void oak_xfrm_remove(const struct oak_child_params *p)
{
	if (oak_params_check(p))
		return;
	oak_xfrm_policies_remove(p);
	oak_states_del(p);
}

void oak_xfrm_remove_states(const struct oak_child_params *p)
{
	if (!oak_params_check(p))
		oak_states_del(p);
}

/* --- retired states ---------------------------------------------------- */

/*
 * A Child SA replaced by a rekey leaves its two states for a grace period
 * instead of deleting them at once.  Its successor's outbound state is
 * newer, so every route lookup after the switch picks it (xfrm_state_find()
 * prefers the latest add time, and adding it bumped the genid of the old
 * state, which makes cached bundles stale); but a packet that resolved the
 * old state just before the switch can reach xfrm_output() later (a vCPU
 * preempted in between): deleted at once, that packet is dropped
 * (XfrmOutStateInvalid).  Likewise ESP the peer sent on the old SA just
 * before its Delete may still be on the way in.  The peers keep their side
 * of the old SA about as long (strongSwan deletes a rekeyed inbound SA 5 s
 * later).  One list for all namespaces, in order of deadline (the grace is
 * constant), worked by one delayed work; oak_xfrm_retired_flush() deletes
 * at once what a namespace or a reqid still has in it.
 */
#define OAK_XFRM_RETIRE_MS	2000

struct oak_retired {
	struct list_head node;
	struct net *net;	/* flushed before the namespace goes */
	xfrm_address_t daddr;
	__be32 spi;
	u32 reqid;
	u16 family;
	u8 proto;
	unsigned long at;	/* jiffies */
};

static LIST_HEAD(oak_retired);
static DEFINE_MUTEX(oak_retired_lock);	/* the list; taken before xfrm's locks */
static void oak_retired_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(oak_retired_dwork, oak_retired_work);

static void oak_retired_del(struct oak_retired *r)
{
	lockdep_assert_held(&oak_retired_lock);
	oak_state_del_reqid(r->net, r->family, &r->daddr, r->spi, r->proto, r->reqid);
	list_del(&r->node);
	kfree(r);
}

static void oak_retired_work(struct work_struct *work)
{
	struct oak_retired *r, *tmp;
	unsigned long now = jiffies;

	mutex_lock(&oak_retired_lock);
	list_for_each_entry_safe(r, tmp, &oak_retired, node) {
		if (time_before(now, r->at)) {
			schedule_delayed_work(&oak_retired_dwork, r->at - now);
			break;
		}
		oak_retired_del(r);
	}
	mutex_unlock(&oak_retired_lock);
}

static void oak_retire_one(const struct oak_child_params *p, const xfrm_address_t *daddr,
			   __be32 spi)
{
	struct oak_retired *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r) {
		/* no memory for the grace: the state goes now */
		oak_state_del(p->net, p->family, daddr, spi, p->proto);
		return;
	}
	r->net = p->net;
	r->daddr = *daddr;
	r->spi = spi;
	r->reqid = p->reqid;
	r->family = p->family;
	r->proto = p->proto;
	r->at = jiffies + msecs_to_jiffies(OAK_XFRM_RETIRE_MS);
	mutex_lock(&oak_retired_lock);
	if (list_empty(&oak_retired))
		schedule_delayed_work(&oak_retired_dwork, msecs_to_jiffies(OAK_XFRM_RETIRE_MS));
	list_add_tail(&r->node, &oak_retired);
	mutex_unlock(&oak_retired_lock);
}

void oak_xfrm_retire_states(const struct oak_child_params *p)
{
	if (oak_params_check(p))
		return;
	/* as oak_states_del(): a state that is not there (in_only) is skipped */
	oak_retire_one(p, &p->local, p->spi_in);
	oak_retire_one(p, &p->remote, p->spi_out);
}

void oak_xfrm_retired_flush(struct net *net, u32 reqid)
{
	struct oak_retired *r, *tmp;

	mutex_lock(&oak_retired_lock);
	list_for_each_entry_safe(r, tmp, &oak_retired, node)
		if (r->net == net && (!reqid || r->reqid == reqid))
			oak_retired_del(r);
	mutex_unlock(&oak_retired_lock);
}

/* Module exit, after every namespace flushed its entries. */
void oak_xfrm_retired_exit(void)
{
	cancel_delayed_work_sync(&oak_retired_dwork);
	WARN_ON(!list_empty(&oak_retired));
}

static int oak_state_read(const struct oak_child_params *p, const xfrm_address_t *daddr,
			  __be32 spi, u64 *bytes, u64 *packets, u64 *add_time)
{
	struct xfrm_state *x;

	x = xfrm_state_lookup(p->net, 0, daddr, spi, p->proto, p->family);
	if (!x)
		return -ENOENT;
	spin_lock_bh(&x->lock);
	*bytes = x->curlft.bytes;
	*packets = x->curlft.packets;
	if (add_time)
		*add_time = x->curlft.add_time;
	spin_unlock_bh(&x->lock);
	xfrm_state_put(x);
	return 0;
}

int oak_xfrm_counters(const struct oak_child_params *p, struct oak_child_counters *c)
{
	int err;

	memset(c, 0, sizeof(*c));
	err = oak_state_read(p, &p->local, p->spi_in, &c->bytes_in, &c->packets_in,
			     &c->add_time_in);
	if (err)
		return err;
	/* no outbound state (yet) leaves them 0: see oak_xfrm_install_in() */
	oak_state_read(p, &p->remote, p->spi_out, &c->bytes_out, &c->packets_out, NULL);
	return 0;
}

/* One state's UDP encapsulation port: @src (encap_sport) or the destination. */
static void oak_state_set_port(const struct oak_child_params *p, const xfrm_address_t *daddr,
			       __be32 spi, bool src, u16 port)
{
	struct xfrm_state *x;

	x = xfrm_state_lookup(p->net, 0, daddr, spi, p->proto, p->family);
	if (!x)
		return;
	spin_lock_bh(&x->lock);
	if (x->encap) {
		if (src)
			x->encap->encap_sport = htons(port);
		else
			x->encap->encap_dport = htons(port);
	}
	spin_unlock_bh(&x->lock);
	xfrm_state_put(x);
}

/*
 * The peer's NAT gave it a new port (p->remote_port, already updated): the
 * inbound state accepts ESP in UDP from it, the outbound one sends to it.
 */
void oak_xfrm_set_peer_port(const struct oak_child_params *p)
{
	if (!p->encap)
		return;
	oak_state_set_port(p, &p->local, p->spi_in, true, p->remote_port);
	oak_state_set_port(p, &p->remote, p->spi_out, false, p->remote_port);
}

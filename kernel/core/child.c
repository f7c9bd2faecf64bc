// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley core: Child SAs in xfrm through the xfrm glue (xfrm.h): the
 * inbound SPI reserved before the exchange, the states and policies of a
 * negotiated Child SA (keys and selectors from the version's exchange,
 * e.g. kernel/ikev2/keymat.c), and which policies go when it goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "km.h"
#include "proto.h"
#include "sa.h"
#include "socket.h"
#include "xfrm.h"

/*
 * Outer addresses, protocol and reqid; reserves the inbound SPI.  A rekey
 * sets c->p.reqid to the old Child SA's reqid before calling this.
 */
int oak_child_reserve_spi(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_params *p = &c->p;
	unsigned int alen = sa->local.family == AF_INET ? 4 : 16;
	int err;

	p->net = sa->in->net;
	p->family = sa->local.family;
	memcpy(&p->local, sa->local.addr, alen);
	memcpy(&p->remote, sa->remote.addr, alen);
	p->local_port = sa->local.port;
	p->remote_port = sa->remote.port;
	p->encap = (sa->nat & OAK_NAT_ANY) && sa->local.port == OAK_NATT_PORT;
	p->proto = c->cfg->ah ? IPPROTO_AH : IPPROTO_ESP;
	p->mode = c->cfg->mode;
	if (!p->reqid)
		p->reqid = oak_trap_reqid(sa->in, sa->conn, c->cfg->name);
	if (!p->reqid) {
		p->reqid = oak_xfrm_new_reqid(p->net);
		c->reqid_fresh = true;
	}
	err = oak_xfrm_alloc_spi(p->net, p->family, &p->local, &p->remote, p->proto,
				 p->reqid, &p->spi_in);
	if (err)
		return err;
	c->spi_reserved = true;
	return 0;
}

/*
 * A random part of jitter% is taken off the soft limits, so that many
 * tunnels set up at once do not all rekey in the same second.
 */
static u64 oak_jitter(u64 v, u8 jitter)
{
	u64 span;

	if (!v || !jitter)
		return v;
	span = div_u64(v * min_t(u8, jitter, 100), 100);
	if (!span)
		return v;
	span = get_random_u32_below((u32)min_t(u64, span, U32_MAX - 1) + 1);
	return v > span ? v - span : 1;
}

/* The shorter of two limits, 0 meaning none. */
static u64 oak_life_min(u64 a, u64 b)
{
	return a && (!b || a < b) ? a : b;
}

/* A soft limit below its hard one: 90 % of a hard limit it would reach. */
static u64 oak_soft_below(u64 soft, u64 hard)
{
	return hard && soft >= hard ? max_t(u64, hard - div_u64(hard, 10), 1) : soft;
}

/*
 * The configured lifetimes.  A hard time or byte limit the version set
 * before (the peer's shorter one, IKEv1's RESPONDER-LIFETIME) stays when
 * it is the shorter, and the soft one then comes before it.
 */
static void oak_child_lifetimes(struct oak_child_params *p, const struct oakley_child *cfg,
				u8 jitter)
{
	p->hard_time = oak_life_min(cfg->lifetime, p->hard_time);
	p->soft_time = oak_soft_below(oak_jitter(cfg->rekey, jitter), p->hard_time);
	p->hard_bytes = oak_life_min(cfg->life_bytes, p->hard_bytes);
	p->soft_bytes = oak_soft_below(oak_jitter(cfg->rekey_bytes, jitter), p->hard_bytes);
	p->soft_packets = oak_jitter(cfg->rekey_packets, jitter);
	p->hard_packets = cfg->life_packets;
}

/* Take over @ts: @nl local then @nr remote selectors, kmalloc'd together. */
void oak_child_set_ts(struct oak_child_sa *c, struct oak_ts *ts, unsigned int nl,
		      unsigned int nr)
{
	struct oak_child_params *p = &c->p;

	kfree(p->local_ts);
	p->local_ts = ts;
	p->remote_ts = ts + nl;
	p->n_local_ts = nl;
	p->n_remote_ts = nr;
}

/*
 * With @window, the states are built in a window of the SA lock's holder
 * (sa.h), without in->lock, then inserted with the policies under it.
 */
static int oak_child_xfrm(struct oak_ike_sa *sa, const struct oak_child_params *p,
			  bool in_only, bool window)
{
	struct oak_xfrm_prep prep;
	int err;

	if (window)
		oak_sa_window_begin(sa);
	err = oak_xfrm_prepare(p, !in_only, &prep);
	if (window)
		oak_sa_window_end(sa);
	return err ? err : oak_xfrm_commit(p, &prep);
}

/*
 * Install @c: its algorithms and lifetimes, then the states (the keys the
 * version put in c->p.in/out) and policies; both states, or the inbound one
 * alone (a rekey we answer keeps its outbound keys for later; the
 * redundant SA of a rekey collision never carries our traffic).
 */
int oak_child_install_xfrm(struct oak_ike_sa *sa, struct oak_child_sa *c, bool in_only,
			   bool window)
{
	struct oak_child_params *p = &c->p;
	int err;

	p->encr = c->algs.encr;
	p->encr_keylen = c->algs.encr_keylen;
	p->integ = c->algs.integ;
	p->esn = c->algs.esn == 1;
	p->sha256_96 = sa->conn->sha256_96;
	oak_child_lifetimes(p, c->cfg, sa->conn->jitter);
	err = oak_child_xfrm(sa, p, in_only, window);
	memset(&p->in, 0, sizeof(p->in));
	memset(&p->out, 0, sizeof(p->out));
	if (err)
		return err;
	c->spi_reserved = false;
	c->installed = true;
	c->established = ktime_get_boottime_seconds();
	oakley_stat_inc(sa->in->on, OAKLEY_STATS_A_CHILD_SAS);
	oak_stat(sa, OAKLEY_STATS_A_CHILD_INSTALLED);
	return 0;
}

/* The outbound state of an installed Child SA, keys in c->p.out. */
int oak_child_install_out_xfrm(struct oak_child_sa *c)
{
	int err = oak_xfrm_install_out(&c->p);

	memset(&c->p.out, 0, sizeof(c->p.out));
	return err;
}

/* Would @a and @b install the same xfrm policies (selectors, directions)? */
static bool oak_child_same_pols(const struct oak_child_params *a,
				const struct oak_child_params *b)
{
	return a->mode == b->mode && a->n_local_ts == b->n_local_ts &&
	       a->n_remote_ts == b->n_remote_ts &&
	       !memcmp(a->local_ts, b->local_ts, a->n_local_ts * sizeof(*a->local_ts)) &&
	       !memcmp(a->remote_ts, b->remote_ts, a->n_remote_ts * sizeof(*a->remote_ts));
}

/* What oak_child_predecessor() looks for, and what it found. */
struct oak_child_pred {
	struct oak_ike_sa *sa;
	struct oak_child_sa *c, *found;
};

static bool oak_child_pred_in(struct oak_ike_sa *s, void *arg)
{
	struct oak_child_pred *p = arg;
	struct oak_ike_sa *sa = p->sa;
	struct oak_child_sa *o;

	if (!oak_sa_same_conn(sa, s) || s->remote.family != sa->remote.family ||
	    memcmp(s->remote.addr, sa->remote.addr, sizeof(s->remote.addr)))
		return false;
	list_for_each_entry(o, &s->children, node)
		if (o->installed && !o->rekeyed && !o->free_pending &&
		    !strcmp(o->cfg->name, p->c->cfg->name) &&
		    oak_child_same_pols(&o->p, &p->c->p)) {
			p->found = o;
			return true;
		}
	return false;
}

/*
 * Make-before-break reauthentication, and a peer's new IKE SA while the
 * old one lives (duplicates, INITIAL_CONTACT): the same child of the same
 * connection and peer (address and ID), with exactly @c's selectors, in
 * another IKE SA.  On a %any connection every initiator has the same child
 * with its own (narrowed) selectors and address: those are not
 * predecessors.  The search only visits the SAs of @sa's peer ID (sa.c's
 * index): a responder with one connection for many peers paid a walk over
 * all of their SAs for every new Child SA.
 */
struct oak_child_sa *oak_child_predecessor(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_pred p = { .sa = sa, .c = c };

	lockdep_assert_held(&sa->in->lock);
	return oak_sa_find_same_peer(sa, oak_child_pred_in, &p) ? p.found : NULL;
}

/*
 * Debugging a successor that got no predecessor (ike_lifetime.sh part 6 saw
 * a new reqid once, under load): what the other IKE SAs of the peer and
 * their children looked like.  Always false: it visits them all.
 */
static bool oak_child_no_pred_in(struct oak_ike_sa *s, void *arg)
{
	struct oak_child_pred *p = arg;
	struct oak_ike_sa *sa = p->sa;
	struct oak_child_sa *o;

	if (s == sa)
		return false;
	oak_sa_log(pr_debug, sa, p->c->cfg->name,
		   "no predecessor: IKE SA state %u dead %d kill_pending %d same conn %d same peer %d\n",
		   s->state, s->dead, s->kill_pending, oak_sa_same_conn(sa, s),
		   !memcmp(s->remote.addr, sa->remote.addr, sizeof(s->remote.addr)));
	list_for_each_entry(o, &s->children, node)
		oak_sa_log(pr_debug, sa, p->c->cfg->name,
			   "  its child %s reqid %u installed %d rekeyed %d free_pending %d same policies %d\n",
			   o->cfg->name, o->p.reqid, o->installed, o->rekeyed, o->free_pending,
			   oak_child_same_pols(&o->p, &p->c->p));
	return false;
}

/*
 * The reqid names the policies (their templates) and the states they
 * choose from: a successor with another reqid would replace the policies
 * and the inbound ones would then refuse what the peer still sends on the
 * old SA until it switches (XfrmInTmplMismatch).  With the same reqid the
 * policies stay, the newer outbound state takes the traffic, and the old
 * states are retired when the old Child SA goes (oak_child_remove_xfrm()).
 * The larval state of @c's SPI keeps its first reqid: xfrm_state_update()
 * replaces it by SPI.
 */
struct oak_child_sa *oak_child_adopt_reqid(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_sa *o;

	if (c->installed)
		return NULL;
	o = oak_child_predecessor(sa, c);
	if (!o) {
		struct oak_child_pred p = { .sa = sa, .c = c };

		oak_sa_find_same_peer(sa, oak_child_no_pred_in, &p);
	}
	if (!o || (!c->reqid_fresh && o->p.reqid != c->p.reqid))
		return NULL;	/* a trap's or a rekey's reqid stays */
	c->p.reqid = o->p.reqid;
	c->reqid_fresh = false;
	return o;
}

/*
 * The installed Child SA that uses @c's policies after @c, and its IKE SA
 * (@s): one with the same reqid in the same IKE SA (a rekey's successor),
 * or the same child of the connection in another IKE SA (make-before-break
 * reauth, duplicate SAs), in both cases only with exactly @c's selectors.
 * On a %any connection every initiator has the same child with its own
 * (narrowed) selectors: those are other policies, and @c's must go.
 * Selector arrays are zeroed before filled (oak_ts_to_xfrm()), so memcmp()
 * compares them.
 */
static struct oak_child_sa *oak_child_shared(struct oak_ike_sa *sa, struct oak_child_sa *c,
					     struct oak_ike_sa **s)
{
	struct oak_child_sa *o;
	struct oak_ike_sa *t;

	*s = sa;
	list_for_each_entry(o, &sa->children, node)
		if (o != c && o->installed && o->p.reqid == c->p.reqid &&
		    oak_child_same_pols(&o->p, &c->p))
			return o;
	list_for_each_entry(t, oak_sa_conn_list(sa->in, sa->conn->name), conn_node) {
		if (t == sa || t->dead || strcmp(t->conn->name, sa->conn->name))
			continue;
		list_for_each_entry(o, &t->children, node) {
			if (o->installed && !o->rekeyed &&
			    !strcmp(o->cfg->name, c->cfg->name) &&
			    oak_child_same_pols(&o->p, &c->p)) {
				*s = t;
				return o;
			}
		}
	}
	return NULL;
}

/*
 * A Child SA of @sa with @c's reqid and other selectors (a rekey whose
 * selectors came out different) may have had some of them in common with
 * @c: put back what @c's removal took.
 */
static void oak_child_restore_reqid(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_sa *o;

	list_for_each_entry(o, &sa->children, node)
		if (o != c && o->installed && o->p.reqid == c->p.reqid &&
		    oak_xfrm_policies_install(&o->p))
			oak_sa_log(pr_debug, sa, NULL, "policies of %s not restored\n",
				   o->cfg->name);
}

/* Remove @c's states and the policies no other Child SA uses after it. */
static void oak_child_remove_xfrm(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_ike_sa *s;
	struct oak_child_sa *o = oak_child_shared(sa, c, &s);

	if (!o) {
		oak_xfrm_remove(&c->p);
		/* a predecessor's states waiting out their grace go with it */
		oak_xfrm_retired_flush(c->p.net, c->p.reqid);
		oak_child_restore_reqid(sa, c);
		oak_trap_restore(sa->in, sa->conn, c->cfg->name);
		return;
	}
	if (o->p.reqid == c->p.reqid) {
		/*
		 * A rekey's or a reauthentication's successor, or a trap's
		 * Child SAs: only the states go, after a grace for the
		 * packets already bound to them.  A successor in another IKE
		 * SA takes the traffic first (its own SA's child_gone does it
		 * for a rekey's).
		 */
		if (s != sa && s->ops->child_takeover)
			s->ops->child_takeover(s, o);
		oak_xfrm_retire_states(&c->p);
		return;
	}
	/*
	 * Another reqid: if @c's install replaced @o's policies, put @o's
	 * back first (no gap without a policy); then those left with @c's
	 * reqid, if any, go.
	 */
	if (oak_xfrm_policies_install(&o->p))
		oak_sa_log(pr_debug, sa, NULL, "policies of %s not restored\n", o->cfg->name);
	oak_xfrm_remove(&c->p);
}

void oak_child_uninstall(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	struct oak_child_params *p = &c->p;

	if (c->installed) {
		c->installed = false;
		oakley_stat_dec(sa->in->on, OAKLEY_STATS_A_CHILD_SAS);
		oak_child_remove_xfrm(sa, c);
	} else if (c->spi_reserved) {
		oak_xfrm_release_spi(p->net, p->family, &p->local, p->proto, p->spi_in);
		c->spi_reserved = false;
	}
}

void oak_sa_follow_peer(struct oak_ike_sa *sa, const struct oak_addr *remote)
{
	struct oak_child_sa *c;

	lockdep_assert_held(&sa->in->lock);
	oak_sa_set_remote(sa, remote);
	list_for_each_entry(c, &sa->children, node) {
		c->p.remote_port = remote->port;
		if (c->installed)
			oak_xfrm_set_peer_port(&c->p);
	}
}

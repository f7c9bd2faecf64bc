// SPDX-License-Identifier: GPL-2.0
/*
 * Preloading the algorithms of a connection when it is loaded.
 *
 * The first use of an algorithm after boot loads its modules (one
 * request_module() each) and instantiates its templates with their
 * self-tests: seconds in all on a slow machine.  Done in a handshake, that
 * happens under the engine lock of the namespace, and every other handshake
 * of the namespace waits.  So a LOAD does it first, with no lock held, for
 * every algorithm the connection's proposals allow: the IKE SA's cipher and
 * DH groups, and what xfrm allocates for each ESP or AH combination of its
 * Child SAs.  The crypto glue and the xfrm glue remember what was done, so
 * a reload costs nothing.  A failure is only logged: the handshake that
 * needs the algorithm reports the real error.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/printk.h>

#include "../crypto/ike_crypto.h"
#include "../ike.h"
#include "sa.h"
#include "xfrm.h"

static void oak_warm_report(const struct oakley_conn *conn, const char *what, u16 id, int err)
{
	if (err && err != -EOPNOTSUPP && err != -EINVAL)
		oak_conn_log(pr_warn_ratelimited, conn, NULL, "cannot preload %s %u: %d\n", what,
			     id, err);
}

/* The transforms of one proposal that pair with @encr: each INTEG, and none. */
static void oak_warm_combos(const struct oakley_conn *conn, const struct oakley_proposals *p,
			    u8 prop, u8 proto, const struct oakley_transform *encr, bool esn)
{
	unsigned int i;
	int err;

	/* with no INTEG: an AEAD cipher, or AH's encr 0 meaning none */
	err = oak_xfrm_warm(conn->family, proto, encr ? encr->id : 0,
			    encr ? encr->keylen : 0, 0, esn);
	oak_warm_report(conn, "ESP/AH cipher", encr ? encr->id : 0, err);
	for (i = 0; i < p->count; i++) {
		const struct oakley_transform *t = &p->t[i];

		if (t->prop != prop || t->type != OAKLEY_TRANS_INTEG)
			continue;
		err = oak_xfrm_warm(conn->family, proto, encr ? encr->id : 0,
				    encr ? encr->keylen : 0, t->id, esn);
		oak_warm_report(conn, "ESP/AH integrity", t->id, err);
	}
}

static bool oak_warm_prop_has(const struct oakley_proposals *p, u8 prop, u8 type, u16 id)
{
	unsigned int i;

	for (i = 0; i < p->count; i++)
		if (p->t[i].prop == prop && p->t[i].type == type && p->t[i].id == id)
			return true;
	return false;
}

/* Every ESP or AH combination of one proposal, with ESN as it offers. */
static void oak_warm_child_prop(const struct oakley_conn *conn,
				const struct oakley_proposals *p, u8 prop, u8 proto)
{
	bool esn1 = oak_warm_prop_has(p, prop, OAKLEY_TRANS_ESN, 1);
	/* no ESN transform configured: "no ESN" is what is proposed */
	bool esn0 = !esn1 || oak_warm_prop_has(p, prop, OAKLEY_TRANS_ESN, 0);
	unsigned int i;

	for (i = 0; proto == IPPROTO_ESP && i < p->count; i++) {
		if (p->t[i].prop != prop || p->t[i].type != OAKLEY_TRANS_ENCR)
			continue;
		if (esn0)
			oak_warm_combos(conn, p, prop, proto, &p->t[i], false);
		if (esn1)
			oak_warm_combos(conn, p, prop, proto, &p->t[i], true);
	}
	if (proto == IPPROTO_AH && esn0)
		oak_warm_combos(conn, p, prop, proto, NULL, false);
	if (proto == IPPROTO_AH && esn1)
		oak_warm_combos(conn, p, prop, proto, NULL, true);
}

/* IKE: the SK ciphers; IKE and Child SA (PFS): the DH groups. */
static void oak_warm_ike_props(const struct oakley_conn *conn, const struct oakley_proposals *p)
{
	unsigned int i;
	int err;

	for (i = 0; p && i < p->count; i++) {
		const struct oakley_transform *t = &p->t[i];

		if (t->type == OAKLEY_TRANS_DH) {
			err = oak_dh_warm(t->id);
			oak_warm_report(conn, "DH group", t->id, err);
		} else if (t->type == OAKLEY_TRANS_ENCR && p == conn->ike_props) {
			err = oak_encr_warm(t->id, t->keylen);
			oak_warm_report(conn, "IKE cipher", t->id, err);
		}
	}
}

/**
 * oakley_ike_warm_hold - keep the shared crypto state through a LOAD
 *
 * The SK transforms the IKE cipher preload instantiates live in a pool that
 * exists while an engine does (oak_crypto_init()).  The first LOAD of a
 * namespace warms before its engine exists: this reference keeps the pool
 * from the warm until the engine made by the commit holds its own.
 */
int oakley_ike_warm_hold(void)
{
	return oak_crypto_init();
}

void oakley_ike_warm_release(void)
{
	oak_crypto_exit();
}

/**
 * oakley_ike_conn_warm - load and instantiate every algorithm @conn may use
 * @conn: a connection built for a LOAD, not yet installed
 *
 * May sleep for seconds the first time; call it with no lock held.
 */
void oakley_ike_conn_warm(const struct oakley_conn *conn)
{
	const struct oakley_proposals *p;
	unsigned int c;
	u8 prop;

	oak_warm_ike_props(conn, conn->ike_props);
	for (c = 0; c < conn->nchildren; c++) {
		const struct oakley_child *child = conn->children[c];
		u8 proto = child->esp ? IPPROTO_ESP : IPPROTO_AH;

		p = child->esp ?: child->ah;
		if (!p)
			continue;
		oak_warm_ike_props(conn, p);
		for (prop = 0; prop < p->nprops; prop++)
			oak_warm_child_prop(conn, p, prop, proto);
	}
}

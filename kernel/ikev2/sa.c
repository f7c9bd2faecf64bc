// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKEv2: the version's part of an IKE SA and its operations table
 * (struct oak_proto_ops, kernel/core/proto.h): how the core creates, starts,
 * kills and frees an IKEv2 SA and asks it to initiate, rekey, check
 * liveness and delete.  The exchanges themselves are in the other files of
 * kernel/ikev2/.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "../core/ike_int.h"
#include "../crypto/internal.h"
#include "../core/proto.h"

/* The handshake context: the nonces live there until oak_sa_hs_free(). */
static int oak_sa_hs_new(struct oak_ike_sa *sa)
{
	sa->hs = kzalloc(sizeof(*sa->hs), GFP_KERNEL);
	if (!sa->hs)
		return -ENOMEM;
	sa->ni = sa->hs->ni;
	sa->nr = sa->hs->nr;
	return 0;
}

void oak_sa_hs_free(struct oak_ike_sa *sa)
{
	oak_free_secret(sa->hs, sizeof(*sa->hs));
	sa->hs = NULL;
	sa->ni = NULL;
	sa->nr = NULL;
	sa->ni_len = 0;
	sa->nr_len = 0;
}

/* The SA's keys are derived (into sa->hs->keys): keep SK_d for its lifetime. */
void oak_sa_keep_sk_d(struct oak_ike_sa *sa)
{
	const struct oak_ike_keys *k = &sa->hs->keys;

	memcpy(sa->sk_d, k->sk_d, k->prf_len);
	sa->prf_len = k->prf_len;
}

static struct oak_ike_sa *oak_sa_alive(struct oak_ike_sa *sa)
{
	return sa && !sa->dead ? sa : NULL;
}

struct oak_ike_sa *oak_ccs_heir(struct oak_ike_sa *sa)
{
	struct oak_ike_sa *old, *h;

	h = oak_sa_alive(sa->ccs.rekeyed_by);
	if (h)
		return h;
	old = oak_sa_alive(sa->ccs.rekey_of);
	if (!old)
		return NULL;
	h = oak_sa_alive(old->ccs.rekeyed_by);
	return h && h != sa ? h : old;
}

static int oak_ikev2_sa_init(struct oak_ike_sa *sa)
{
	int err = oak_sa_hs_new(sa);

	if (err)
		return err;
	INIT_DELAYED_WORK(&sa->rtx_work, oak_rtx_work);
	sa->rtx_ms = OAK_RTX_FIRST_MS;
	oak_queue_sa_init(sa);
	oak_ccs_sa_init(sa);
	return 0;
}

/* From oak_sa_kill(), sa->dead just set: true when an heir took the Child SAs. */
static bool oak_ikev2_sa_kill(struct oak_ike_sa *sa)
{
	struct oak_ike_sa *heir;
	struct oak_child_sa *c;
	bool retry = false;

	if (cancel_delayed_work(&sa->rtx_work))
		oak_sa_put(sa);
	oak_queue_sa_kill(sa);
	/* rekeyed (RFC 7296 §2.18): the Child SAs live on in the new IKE SA */
	heir = oak_ccs_heir(sa);
	if (heir) {
		list_for_each_entry(c, &sa->children, node) {
			c->ccs.rekeying = false;
			retry |= c->ccs.retry;
		}
		oak_sa_move_children(sa, heir);
		if (retry)
			oak_ccs_retry_later(heir);
	}
	oak_ccs_sa_kill(sa);
	return heir;
}

static void oak_ikev2_sa_free(struct oak_ike_sa *sa)
{
	oak_dh_free(sa->dh);
	oak_sk_free(sa->sk_in);
	oak_sk_free(sa->sk_out);
	oak_sa_hs_free(sa);
	kfree_sensitive(sa->init_req);
	kfree_sensitive(sa->init_resp);
	kfree(sa->cookie);
	kfree_sensitive(sa->req);
	kfree_sensitive(sa->resp);
	kfree(sa->ccs.nmin);
	oak_wipe(sa->sk_d, sizeof(sa->sk_d));
}

static void oak_ikev2_child_gone(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	oak_queue_child_gone(sa, c);
	oak_ccs_child_gone(sa, c);
}

static u16 oak_ikev2_first_group(const struct oakley_conn *conn)
{
	return oak_prop_first_dh(conn->ike_props);
}

static int oak_ikev2_initiate(struct oak_ike_sa *sa)
{
	return oak_init_start(sa, sa->algs.dh);
}

static bool oak_ikev2_busy(const struct oak_ike_sa *sa)
{
	return sa->q.cur || !list_empty(&sa->q.pending);
}

const struct oak_proto_ops oak_ikev2_ops = {
	.name = "IKEv2",
	.major = 2,
	.rx = oak_ikev2_rx,
	.sa_init = oak_ikev2_sa_init,
	.sa_up = oak_queue_sa_up,
	.sa_kill = oak_ikev2_sa_kill,
	.sa_free = oak_ikev2_sa_free,
	.child_gone = oak_ikev2_child_gone,
	.first_group = oak_ikev2_first_group,
	.initiate = oak_ikev2_initiate,
	.new_child = oak_ccs_new_child,
	.rekey_ike = oak_ccs_rekey_ike,
	.rekey_child = oak_ccs_rekey_child,
	.liveness = oak_req_liveness,
	.busy = oak_ikev2_busy,
	.delete_ike = oak_req_delete_ike,
	.delete_child = oak_req_delete_child,
	.deleting_child = oak_queue_deleting_child,
	.send_delete = oak_send_delete_ike,
	.children_down = oak_queue_children_down,
};

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

#include "../core/proto.h"
#include "../core/sa.h"
#include "../crypto/internal.h"
#include "ikev2.h"

/* The handshake context: the nonces live there until oak_sa_hs_free(). */
static int oak_sa_hs_new(struct oak_ike_sa *sa)
{
	ikev2_sa(sa)->hs = kzalloc(sizeof(*ikev2_sa(sa)->hs), GFP_KERNEL);
	if (!ikev2_sa(sa)->hs)
		return -ENOMEM;
	ikev2_sa(sa)->ni = ikev2_sa(sa)->hs->ni;
	ikev2_sa(sa)->nr = ikev2_sa(sa)->hs->nr;
	return 0;
}

void oak_sa_hs_free(struct oak_ike_sa *sa)
{
	oak_free_secret(ikev2_sa(sa)->hs, sizeof(*ikev2_sa(sa)->hs));
	ikev2_sa(sa)->hs = NULL;
	ikev2_sa(sa)->ni = NULL;
	ikev2_sa(sa)->nr = NULL;
	ikev2_sa(sa)->ni_len = 0;
	ikev2_sa(sa)->nr_len = 0;
}

/* The SA's keys are derived (into ikev2_sa(sa)->hs->keys): keep SK_d for its lifetime. */
void oak_sa_keep_sk_d(struct oak_ike_sa *sa)
{
	const struct oak_ike_keys *k = &ikev2_sa(sa)->hs->keys;

	memcpy(ikev2_sa(sa)->sk_d, k->sk_d, k->prf_len);
	ikev2_sa(sa)->prf_len = k->prf_len;
}

static struct oak_ike_sa *oak_sa_alive(struct oak_ike_sa *sa)
{
	return sa && !sa->dead ? sa : NULL;
}

struct oak_ike_sa *oak_ccs_heir(struct oak_ike_sa *sa)
{
	struct oak_ike_sa *old, *h;

	h = oak_sa_alive(sa->rekeyed_by);
	if (h)
		return h;
	old = oak_sa_alive(sa->rekey_of);
	if (!old)
		return NULL;
	h = oak_sa_alive(old->rekeyed_by);
	return h && h != sa ? h : old;
}

static int oak_ikev2_sa_init(struct oak_ike_sa *sa)
{
	int err = oak_sa_hs_new(sa);

	if (err)
		return err;
	INIT_DELAYED_WORK(&ikev2_sa(sa)->rtx_work, oak_rtx_work);
	ikev2_sa(sa)->rtx_ms = OAK_RTX_FIRST_MS;
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

	if (cancel_delayed_work(&ikev2_sa(sa)->rtx_work))
		oak_sa_put(sa);
	oak_queue_sa_kill(sa);
	/* rekeyed (RFC 7296 §2.18): the Child SAs live on in the new IKE SA */
	heir = oak_ccs_heir(sa);
	if (heir) {
		list_for_each_entry(c, &sa->children, node) {
			c->rekeying = false;
			retry |= ikev2_child(c)->ccs.retry;
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
	oak_dh_free(ikev2_sa(sa)->dh);
	oak_sk_free(ikev2_sa(sa)->sk_in);
	oak_sk_free(ikev2_sa(sa)->sk_out);
	oak_sa_hs_free(sa);
	kfree_sensitive(ikev2_sa(sa)->init_req);
	kfree_sensitive(ikev2_sa(sa)->init_resp);
	kfree(ikev2_sa(sa)->cookie);
	kfree_sensitive(ikev2_sa(sa)->req);
	kfree_sensitive(ikev2_sa(sa)->resp);
	kfree(ikev2_sa(sa)->ccs.nmin);
	oak_wipe(ikev2_sa(sa)->sk_d, sizeof(ikev2_sa(sa)->sk_d));
}

static void oak_ikev2_child_gone(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	oak_queue_child_gone(sa, c);
	oak_ccs_child_gone(sa, c);
	/* before oak_child_uninstall(): the kept outbound keys, the tie-break nonce */
	oak_child_drop_out(c);
	kfree(ikev2_child(c)->ccs.nmin);
	ikev2_child(c)->ccs.nmin = NULL;
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
	return ikev2_sa(sa)->rq.cur || !list_empty(&ikev2_sa(sa)->rq.pending);
}

const struct oak_proto_ops oak_ikev2_ops = {
	.name = "IKEv2",
	.major = 2,
	.sa_size = sizeof(struct ikev2_sa),
	.child_size = sizeof(struct ikev2_child),
	.sa_cache = "oak_ike_sa",
	.child_cache = "oak_child_sa",
	.rx = oak_ikev2_rx,
	.sa_init = oak_ikev2_sa_init,
	.sa_up = oak_queue_sa_up,
	.sa_kill = oak_ikev2_sa_kill,
	.sa_free = oak_ikev2_sa_free,
	.child_gone = oak_ikev2_child_gone,
	.child_takeover = oak_ccs_takeover,
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

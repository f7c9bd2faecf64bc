// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: the request queue of an established IKE SA.
 * PLACEHOLDER (session 2 scaffolding): replaced by its owner.
 */
#include <linux/slab.h>

#include "ike_int.h"

void oak_queue_sa_init(struct oak_ike_sa *sa)
{
	INIT_LIST_HEAD(&sa->q.pending);
}

void oak_queue_sa_up(struct oak_ike_sa *sa)
{
}

void oak_queue_sa_kill(struct oak_ike_sa *sa)
{
}

int oak_req_submit(struct oak_ike_sa *sa, struct oak_req *r)
{
	if (r->ops->done)
		r->ops->done(sa, r, NULL);
	if (r->ops->release)
		r->ops->release(r);
	else
		kfree_sensitive(r);
	return -EOPNOTSUPP;
}

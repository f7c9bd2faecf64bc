// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: CREATE_CHILD_SA.
 * PLACEHOLDER (session 2 scaffolding): replaced by its owner.
 */
#include "ike_int.h"

int oak_ccs_new_child(struct oak_ike_sa *sa, const struct oakley_child *cfg)
{
	return -EOPNOTSUPP;
}

int oak_ccs_rekey_child(struct oak_ike_sa *sa, struct oak_child_sa *c)
{
	return -EOPNOTSUPP;
}

int oak_ccs_rekey_ike(struct oak_ike_sa *sa)
{
	return -EOPNOTSUPP;
}

void oak_ccs_request(struct oak_ike_sa *sa, const struct ike_msg *m)
{
}

void oak_ccs_auth_done(struct oak_ike_sa *sa)
{
}

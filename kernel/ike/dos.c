// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: IKE_SA_INIT flood defence.
 * PLACEHOLDER (session 2 scaffolding): replaced by its owner.
 */
#include "ike_int.h"

int oak_dos_net_init(struct oak_ike_net *in)
{
	return 0;
}

void oak_dos_net_exit(struct oak_ike_net *in)
{
}

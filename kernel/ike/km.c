// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: the xfrm key manager.
 * PLACEHOLDER (session 2 scaffolding): replaced by its owner.
 */
#include "ike_int.h"

int oak_km_register(void)
{
	return 0;
}

void oak_km_unregister(void)
{
}

int oak_km_net_init(struct oak_ike_net *in)
{
	return 0;
}

void oak_km_net_exit(struct oak_ike_net *in)
{
}

int oak_trap_install(struct oak_ike_net *in, struct oakley_conn *conn)
{
	return 0;
}

void oak_trap_remove(struct oak_ike_net *in, struct oakley_conn *conn)
{
}

u32 oak_trap_reqid(struct oak_ike_net *in, const struct oakley_conn *conn, const char *child)
{
	return 0;
}

void oak_trap_restore(struct oak_ike_net *in, const struct oakley_conn *conn, const char *child)
{
}

int oak_trap_install_all(struct oak_ike_net *in, struct oakley_conn *conn)
{
	return 0;
}

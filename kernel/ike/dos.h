/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley IKE engine: defence against IKE_SA_INIT floods (RFC 7296 §2.6,
 * RFC 8019): cookies, half-open limits, per-source rate limits.
 *
 * Owner: dos.c.
 */
#ifndef OAKLEY_IKE_DOS_H
#define OAKLEY_IKE_DOS_H

struct oak_ike_net;

/* Per namespace: from oakley_ike_net_init()/net_exit() (sa.c). */
int oak_dos_net_init(struct oak_ike_net *in);
void oak_dos_net_exit(struct oak_ike_net *in);

#endif /* OAKLEY_IKE_DOS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley core: the namespace's UDP sockets on ports 500 and 4500 (socket.c): the
 * softirq receive hook, the bounded receive queue, the worker that hands
 * each datagram to its IKE version (by the header's major version), and
 * sending from a given local address.
 */
#ifndef OAKLEY_CORE_SOCKET_H
#define OAKLEY_CORE_SOCKET_H

#include <linux/types.h>
#include <linux/udp.h>

struct oak_addr;
struct oak_ike_net;
struct sock;
struct work_struct;
struct xfrm_policy;

#define OAK_IKE_PORT		500
#define OAK_NATT_PORT		4500	/* RFC 3948: IKE and ESP in UDP */
#define OAK_NON_ESP_MARKER	4	/* zero bytes before IKE on port 4500 */
/*
 * Datagrams waiting for the worker: a burst of 2,000 IKE_SA_INITs (many
 * peers reconnecting at once) overflowed 512 (make bench, N=2000).  Bounded
 * by count and by the memory the skbs hold, so large datagrams cannot pin
 * more than OAK_RXQ_BYTES per namespace.
 */
#define OAK_RXQ_MAX		4096
#define OAK_RXQ_BYTES		(8 << 20)
#define OAK_RX_BUDGET		32	/* datagrams per worker run */
/*
 * udp_tunnel encap type of the IKE sockets: any non-zero type makes UDP
 * hand every datagram to our encap_rcv; the value (1, as before) is only
 * ever read by xfrm's own ESP-in-UDP decapsulation, which port 500 never
 * reaches.
 */
#define OAK_UDP_ENCAP_TYPE	UDP_ENCAP_ESPINUDP_NON_IKE

int oak_sock_open(struct oak_ike_net *in);
void oak_sock_close(struct oak_ike_net *in);
int oak_send(struct oak_ike_net *in, const struct oak_addr *from, const struct oak_addr *to,
	     const u8 *buf, size_t len);
int oak_send_keepalive(struct oak_ike_net *in, const struct oak_addr *from,
		       const struct oak_addr *to);
void oak_rx_work(struct work_struct *work);
/* km.c's compile_policy: the IKE sockets' bypass policies (socket.c) */
struct xfrm_policy *oak_sock_bypass_compile(struct sock *sk, int opt, u8 *data, int len,
					    int *dir);

#endif /* OAKLEY_CORE_SOCKET_H */

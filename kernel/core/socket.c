// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley IKE engine: the UDP sockets on ports 500 and 4500 of one namespace.
 *
 * Port 4500 (RFC 3948, RFC 7296 §2.23) carries IKE behind a four-byte
 * non-ESP marker and ESP in UDP: its receive hook gives every datagram to
 * xfrm's decapsulation first, which takes ESP and NAT keepalives and hands
 * back the rest, IKE messages for our queue.
 *
 * The sockets are opened when the namespace gets its first connection (so
 * that an unconfigured namespace leaves port 500 to other daemons) and are
 * closed when its last connection goes, with the engine
 * (oakley_ike_net_stop()).  The receive hook runs in softirq: it checks the
 * length, queues the datagram on a bounded queue and kicks the worker, which
 * does everything else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/net.h>
#include <linux/sockptr.h>
#include <linux/xfrm.h>
#include <net/xfrm.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>

#include "proto.h"
#include "sa.h"
#include "socket.h"

/*
 * The rx worker of a datagram: by the IKE header's SPIi, the same in every
 * message of an IKE SA, both ways (RFC 7296 §3.1; ISAKMP's initiator
 * cookie likewise).  The datagrams of one SA are handled in the order they
 * arrived (a work item never runs twice at once, on a shared workqueue
 * too), those of different SAs by the workers in parallel (the module's
 * unbound oak_wq: all CPUs).  The seed keeps a peer from choosing the
 * worker.
 */
static struct oak_rx_worker *oak_rx_worker(struct oak_ike_net *in, struct sk_buff *skb,
					   unsigned int marker)
{
	u8 buf[IKE_SPI_LEN];
	const u8 *spi_i;

	spi_i = skb_header_pointer(skb, skb_transport_offset(skb) + sizeof(struct udphdr) + marker,
				   IKE_SPI_LEN, buf);
	if (!spi_i)
		return &in->rx[0];
	return &in->rx[jhash(spi_i, IKE_SPI_LEN, in->rx_seed) % OAK_RX_WORKERS];
}

/*
 * Room in the rx queue for @skb?  A first message (SPIr, or IKEv1's CKY-R,
 * all zero: IKE_SA_INIT, Main or Aggressive Mode message 1, what a spoofed
 * flood sends) gets three quarters of it; messages of existing SAs
 * (rekeys, liveness checks, Deletes of the established tunnels) the whole,
 * so that a flood that fills the queue does not cut them off.
 */
static bool oak_rxq_room(struct oak_ike_net *in, struct sk_buff *skb, unsigned int marker)
{
	unsigned int len = atomic_read(&in->rxq_len);
	u8 buf[IKE_SPI_LEN];
	const u8 *spi_r;

	if (len >= OAK_RXQ_MAX ||
	    atomic_read(&in->rxq_bytes) + skb->truesize > OAK_RXQ_BYTES)
		return false;
	if (len < OAK_RXQ_MAX / 4 * 3)
		return true;
	spi_r = skb_header_pointer(skb, skb_transport_offset(skb) + sizeof(struct udphdr) +
				   marker + IKE_SPI_LEN, IKE_SPI_LEN, buf);
	return spi_r && memchr_inv(spi_r, 0, IKE_SPI_LEN);
}

/* Queue an IKE datagram (after @marker bytes of non-ESP marker) for its rx worker. */
static int oak_ike_rcv(struct sock *sk, struct sk_buff *skb, unsigned int marker)
{
	struct oak_rx_worker *w;
	struct oak_ike_net *in;

	rcu_read_lock_bh();
	in = rcu_dereference_sk_user_data(sk);
	if (unlikely(!in))
		goto drop;
	if (skb->len < sizeof(struct udphdr) + marker + IKE_HDR_LEN) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		goto drop;
	}
	if (!oak_rxq_room(in, skb, marker)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_RATELIMIT);
		goto drop;
	}
	skb_mark_not_on_list(skb);
	atomic_add(skb->truesize, &in->rxq_bytes);
	atomic_inc(&in->rxq_len);
	w = oak_rx_worker(in, skb, marker);
	skb_queue_tail(&w->q, skb);
	queue_work(oak_wq, &w->work);
	rcu_read_unlock_bh();
	return 0;

drop:
	rcu_read_unlock_bh();
	kfree_skb(skb);
	return 0;
}

static int oak_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	return oak_ike_rcv(sk, skb, 0);
}

/*
 * Port 4500: xfrm first (UDP_ENCAP_ESPINUDP).  It consumes ESP (a non-zero
 * first word) and keepalives (one 0xff byte), returning <= 0, and returns 1
 * for anything else, left untouched: an IKE message behind its marker of
 * four zero bytes, or garbage.
 */
static int oak_natt_rcv(struct sock *sk, struct sk_buff *skb)
{
	__be32 word, *m;
	int ret;

	if (sk->sk_family == AF_INET)
		ret = xfrm4_udp_encap_rcv(sk, skb);
#if IS_ENABLED(CONFIG_IPV6)
	else if (ipv6_stub->xfrm6_udp_encap_rcv)
		ret = ipv6_stub->xfrm6_udp_encap_rcv(sk, skb);
#endif
	else
		ret = 1;
	if (ret != 1)
		return ret;
	m = skb_header_pointer(skb, skb_transport_offset(skb) + sizeof(struct udphdr),
			       sizeof(word), &word);
	if (!m || *m) {
		kfree_skb(skb);
		return 0;
	}
	return oak_ike_rcv(sk, skb, OAK_NON_ESP_MARKER);
}

/*
 * IKE traffic must bypass IPsec: a Child SA between the IKE endpoints
 * themselves (transport mode, or a tunnel whose selectors cover them) would
 * otherwise capture the IKE messages.  Like every IKE daemon, give the
 * sockets an ALLOW policy in both directions, per socket.
 *
 * The kernel (6.1) exports one way to give a socket its own policy:
 * xfrm_user_policy(), the body of setsockopt(IP_XFRM_POLICY), which asks
 * each registered key manager to compile the option's bytes and then links
 * the result with xfrm_sk_policy_insert() (not exported itself).  Oakley is
 * a key manager (km.c), so it compiles its own sockets' requests: a
 * struct oak_sock_bypass_req, too short for xfrm_user's compiler and not
 * IP_IPSEC_POLICY for af_key's, which therefore both pass on it.  Neither
 * module is needed, loaded or asked.  Our compiler passes on everything
 * else (any socket but ours), so other sockets get what they always got.
 *
 * (A 32-bit `oak` on a 64-bit kernel would make xfrm_user_policy() run the
 * option through xfrm_compat's translator, which has no idea of this
 * request: the bypass is then missing and oak_sock_create() says so.)
 */
struct oak_sock_bypass_req {
	u8 dir;			/* XFRM_POLICY_IN or XFRM_POLICY_OUT */
};

/* Is @sk one of Oakley's IKE sockets?  (Any socket of any family may come.) */
static bool oak_sock_bypass_ours(const struct sock *sk)
{
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return false;
	void *rcv = READ_ONCE(udp_sk(sk)->encap_rcv);

	return rcv == oak_udp_rcv || rcv == oak_natt_rcv;
}

/*
 * Oakley's key manager's compile_policy (atomic context: xfrm_user_policy()
 * holds rcu_read_lock()).  Not ours: NULL with *dir untouched (still the
 * previous manager's error), so that the next manager is asked.
 */
struct xfrm_policy *oak_sock_bypass_compile(struct sock *sk, int opt, u8 *data, int len,
					    int *dir)
{
	const struct oak_sock_bypass_req *req = (const void *)data;
	int want = sk->sk_family == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;
	struct xfrm_policy *xp;

	if (len != sizeof(*req) || !oak_sock_bypass_ours(sk))
		return NULL;
	if (opt != want || (req->dir != XFRM_POLICY_IN && req->dir != XFRM_POLICY_OUT)) {
		*dir = -EINVAL;
		return NULL;
	}
	xp = xfrm_policy_alloc(sock_net(sk), GFP_ATOMIC);
	if (!xp) {
		*dir = -ENOBUFS;
		return NULL;
	}
	/* as xfrm_user compiles an ALLOW policy without templates */
	xp->selector.family = sk->sk_family;
	xp->family = sk->sk_family;
	xp->action = XFRM_POLICY_ALLOW;
	xp->type = XFRM_POLICY_TYPE_MAIN;
	*dir = req->dir;
	return xp;
}

static int oak_sock_bypass_dir(struct sock *sk, u8 family, u8 dir)
{
	struct oak_sock_bypass_req req = { .dir = dir };
	int opt = family == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;

	return xfrm_user_policy(sk, opt, KERNEL_SOCKPTR(&req), sizeof(req));
}

/* After setup_udp_tunnel_sock(): the compiler knows our sockets by encap_rcv. */
static int oak_sock_bypass(struct sock *sk, u8 family)
{
	int err = oak_sock_bypass_dir(sk, family, XFRM_POLICY_OUT);

	if (!err)
		err = oak_sock_bypass_dir(sk, family, XFRM_POLICY_IN);
	return err;
}

static int oak_sock_create(struct oak_ike_net *in, u8 family, u16 port, struct socket **sockp)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = in,
		.encap_type = port == OAK_NATT_PORT ? UDP_ENCAP_ESPINUDP : OAK_UDP_ENCAP_TYPE,
		.encap_rcv = port == OAK_NATT_PORT ? oak_natt_rcv : oak_udp_rcv,
	};
	struct udp_port_cfg cfg = {
		.family = family,
		.local_udp_port = htons(port),
		.use_udp_checksums = 1,
		.use_udp6_tx_checksums = 1,
		.use_udp6_rx_checksums = 1,
		.ipv6_v6only = 1,
	};
	int err;

	if (family == AF_INET)
		cfg.local_ip.s_addr = htonl(INADDR_ANY);
	else
		cfg.local_ip6 = in6addr_any;
	err = udp_sock_create(in->net, &cfg, sockp);
	if (err)
		return err;
	setup_udp_tunnel_sock(in->net, *sockp, &tcfg);
	/* without it only SAs whose selectors leave out UDP 500 work: go on */
	err = oak_sock_bypass((*sockp)->sk, family);
	if (err)
		pr_warn("cannot exempt the IKE socket from IPsec: %d\n", err);
	return 0;
}

/* Both ports of one family; 0 or the error of port 500's socket. */
static int oak_sock_open_family(struct oak_ike_net *in, u8 family, struct socket **sock,
				struct socket **natt)
{
	int err;

	err = oak_sock_create(in, family, OAK_IKE_PORT, sock);
	if (err) {
		*sock = NULL;
		pr_warn("cannot bind UDP port %u (%s): %d\n", OAK_IKE_PORT,
			family == AF_INET ? "IPv4" : "IPv6", err);
		return err;
	}
	/* without it only peers that no NAT separates from us work: go on */
	err = oak_sock_create(in, family, OAK_NATT_PORT, natt);
	if (err) {
		*natt = NULL;
		pr_warn("cannot bind UDP port %u (%s): %d\n", OAK_NATT_PORT,
			family == AF_INET ? "IPv4" : "IPv6", err);
	}
	return 0;
}

/* Caller holds in->lock. */
int oak_sock_open(struct oak_ike_net *in)
{
	int err;

	lockdep_assert_held(&in->lock);
	if (in->sock4)
		return 0;
	err = oak_sock_open_family(in, AF_INET, &in->sock4, &in->natt4);
	if (err)
		return err;
#if IS_ENABLED(CONFIG_IPV6)
	if (ipv6_mod_enabled())
		oak_sock_open_family(in, AF_INET6, &in->sock6, &in->natt6);
#endif
	return 0;
}

static void oak_sock_release(struct socket **sock)
{
	if (*sock)
		udp_tunnel_sock_release(*sock);
	*sock = NULL;
}

void oak_sock_close(struct oak_ike_net *in)
{
	oak_sock_release(&in->sock4);
	oak_sock_release(&in->sock6);
	oak_sock_release(&in->natt4);
	oak_sock_release(&in->natt6);
}

/* The control message that makes the datagram leave from @from. */
static void oak_cmsg_src(struct msghdr *msg, void *ctl, const struct oak_addr *from)
{
	struct cmsghdr *cm = ctl;

	msg->msg_control = ctl;
	if (from->family == AF_INET) {
		struct in_pktinfo *pi = (struct in_pktinfo *)CMSG_DATA(cm);

		cm->cmsg_level = SOL_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*pi));
		memcpy(&pi->ipi_spec_dst, from->addr, 4);
		msg->msg_controllen = CMSG_SPACE(sizeof(*pi));
	} else {
		struct in6_pktinfo *pi = (struct in6_pktinfo *)CMSG_DATA(cm);

		cm->cmsg_level = SOL_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*pi));
		memcpy(&pi->ipi6_addr, from->addr, 16);
		msg->msg_controllen = CMSG_SPACE(sizeof(*pi));
	}
}

/* Send @iov (@len bytes) to @to from @from, on @from's port's socket. */
static int oak_sendv(struct oak_ike_net *in, const struct oak_addr *from,
		     const struct oak_addr *to, struct kvec *iov, size_t n, size_t len)
{
	u64 ctl[CMSG_SPACE(sizeof(struct in6_pktinfo)) / sizeof(u64) + 1] = {};
	bool natt = from && from->port == OAK_NATT_PORT;
	struct sockaddr_storage ss = {};
	struct msghdr msg = {};
	struct socket *sock;
	int err;

	if (to->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sock = natt ? in->natt4 : in->sock4;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(to->port);
		memcpy(&sin->sin_addr, to->addr, 4);
		msg.msg_namelen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sock = natt ? in->natt6 : in->sock6;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(to->port);
		memcpy(&sin6->sin6_addr, to->addr, 16);
		msg.msg_namelen = sizeof(*sin6);
	}
	if (!sock)
		return -ENOTCONN;
	msg.msg_name = &ss;
	msg.msg_flags = MSG_DONTWAIT;
	if (from && from->family == to->family)
		oak_cmsg_src(&msg, ctl, from);
	err = kernel_sendmsg(sock, &msg, iov, n, len);
	return err < 0 ? err : 0;
}

/*
 * Send one datagram to @to from the local address @from (the connection's
 * or the one the request came to), never from the route's preferred source:
 * the peer matches its connection and its SA on our address.  From port
 * 4500 an IKE message goes behind the non-ESP marker (RFC 7296 §2.23).
 */
int oak_send(struct oak_ike_net *in, const struct oak_addr *from, const struct oak_addr *to,
	     const u8 *buf, size_t len)
{
	static const __be32 marker;
	struct kvec iov[2] = {
		{ .iov_base = (void *)&marker, .iov_len = OAK_NON_ESP_MARKER },
		{ .iov_base = (void *)buf, .iov_len = len },
	};
	int err;

	if (from && from->port == OAK_NATT_PORT)
		err = oak_sendv(in, from, to, iov, 2, OAK_NON_ESP_MARKER + len);
	else
		err = oak_sendv(in, from, to, &iov[1], 1, len);
	if (err)
		return err;
	oakley_stat_inc(in->on, OAKLEY_STATS_A_TX_PACKETS);
	return 0;
}

/* A NAT keepalive (RFC 3948 §2.3): one 0xff byte from port 4500. */
int oak_send_keepalive(struct oak_ike_net *in, const struct oak_addr *from,
		       const struct oak_addr *to)
{
	static const u8 ka = 0xff;
	struct kvec iov = { .iov_base = (void *)&ka, .iov_len = 1 };

	return oak_sendv(in, from, to, &iov, 1, 1);
}

/* Addresses and the IKE message of a queued datagram; 0 or -EBADMSG. */
static int oak_skb_addrs(struct sk_buff *skb, struct oak_addr *src, struct oak_addr *dst,
			 unsigned int *off, unsigned int *len)
{
	struct udphdr *uh = udp_hdr(skb);
	unsigned int ulen = ntohs(uh->len);
	unsigned int marker;

	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	if (ip_hdr(skb)->version == 4) {
		src->family = AF_INET;
		dst->family = AF_INET;
		memcpy(src->addr, &ip_hdr(skb)->saddr, 4);
		memcpy(dst->addr, &ip_hdr(skb)->daddr, 4);
	} else if (ip_hdr(skb)->version == 6) {
		src->family = AF_INET6;
		dst->family = AF_INET6;
		memcpy(src->addr, &ipv6_hdr(skb)->saddr, 16);
		memcpy(dst->addr, &ipv6_hdr(skb)->daddr, 16);
	} else {
		return -EBADMSG;
	}
	src->port = ntohs(uh->source);
	dst->port = ntohs(uh->dest);
	/* port 4500: oak_natt_rcv() checked the marker */
	marker = dst->port == OAK_NATT_PORT ? OAK_NON_ESP_MARKER : 0;
	*off = skb_transport_offset(skb) + sizeof(*uh) + marker;
	if (ulen < sizeof(*uh) + marker + IKE_HDR_LEN || ulen > IKE_MAX_MSG + marker)
		return -EBADMSG;
	*len = ulen - sizeof(*uh) - marker;
	if (*off + *len > skb->len)
		return -EBADMSG;
	return 0;
}

static void oak_rx_one(struct oak_ike_net *in, struct sk_buff *skb)
{
	struct oak_addr src, dst;
	unsigned int off, len;
	u8 *buf;

	oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_PACKETS);
	if (oak_skb_addrs(skb, &src, &dst, &off, &len)) {
		oakley_stat_inc(in->on, OAKLEY_STATS_A_RX_DROP_MALFORMED);
		return;
	}
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return;
	/* no lock: the version takes the SA's or the namespace's (sa.h) */
	if (!skb_copy_bits(skb, off, buf, len) && !READ_ONCE(in->dying))
		oak_proto_rx(in, buf, len, &src, &dst);
	kfree_sensitive(buf);
}

void oak_rx_work(struct work_struct *work)
{
	struct oak_rx_worker *w = container_of(work, struct oak_rx_worker, work);
	struct oak_ike_net *in = w->in;
	struct sk_buff *skb;
	unsigned int n = 0;

	while (n++ < OAK_RX_BUDGET && (skb = skb_dequeue(&w->q))) {
		atomic_sub(skb->truesize, &in->rxq_bytes);
		atomic_dec(&in->rxq_len);
		oak_rx_one(in, skb);
		kfree_skb(skb);
		cond_resched();
	}
	if (!skb_queue_empty(&w->q))
		queue_work(oak_wq, work);
}

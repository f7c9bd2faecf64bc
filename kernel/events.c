// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: multicast events on the "events" group.
 */

#include <linux/in6.h>
#include <linux/socket.h>
#include <net/genetlink.h>

#include "events.h"
#include "netlink.h"
#include "netns.h"

static int oakley_event_put_str(struct sk_buff *skb, int type, const char *s)
{
	return s ? nla_put_string(skb, type, s) : 0;
}

static int oakley_event_fill(struct sk_buff *skb, const struct oakley_event *ev)
{
	unsigned int alen = ev->family == AF_INET6 ? 16 : 4;
	struct nlattr *nest = nla_nest_start(skb, OAKLEY_A_EVENT);

	if (!nest || nla_put_u8(skb, OAKLEY_EVENT_A_TYPE, ev->type) ||
	    oakley_event_put_str(skb, OAKLEY_EVENT_A_CONN_NAME, ev->conn) ||
	    oakley_event_put_str(skb, OAKLEY_EVENT_A_CHILD_NAME, ev->child) ||
	    oakley_event_put_str(skb, OAKLEY_EVENT_A_SECRET_NAME, ev->secret) ||
	    (ev->spi_i && nla_put_be64(skb, OAKLEY_EVENT_A_SPI_I, ev->spi_i,
				       OAKLEY_EVENT_A_PAD)) ||
	    (ev->spi_r && nla_put_be64(skb, OAKLEY_EVENT_A_SPI_R, ev->spi_r,
				       OAKLEY_EVENT_A_PAD)) ||
	    (ev->spi_in && nla_put_be32(skb, OAKLEY_EVENT_A_SPI_IN, ev->spi_in)) ||
	    (ev->spi_out && nla_put_be32(skb, OAKLEY_EVENT_A_SPI_OUT, ev->spi_out)) ||
	    (ev->remote_addr &&
	     (nla_put_u16(skb, OAKLEY_EVENT_A_FAMILY, ev->family) ||
	      nla_put(skb, OAKLEY_EVENT_A_REMOTE_ADDR, alen, ev->remote_addr))) ||
	    (ev->notify && nla_put_u16(skb, OAKLEY_EVENT_A_NOTIFY, ev->notify)) ||
	    oakley_event_put_str(skb, OAKLEY_EVENT_A_MESSAGE, ev->message) ||
	    nla_put_u64_64bit(skb, OAKLEY_EVENT_A_TIME, ktime_get_real_ns(), OAKLEY_EVENT_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static size_t oakley_event_str_size(const char *s)
{
	return s ? nla_total_size(strlen(s) + 1) : 0;
}

/* An upper bound of what oakley_event_fill() puts, so that a burst of events
 * does not cost a page each in the listeners' receive buffers.
 */
static size_t oakley_event_size(const struct oakley_event *ev)
{
	return nla_total_size(0) + nla_total_size(sizeof(u8)) +
	       oakley_event_str_size(ev->conn) + oakley_event_str_size(ev->child) +
	       oakley_event_str_size(ev->secret) + oakley_event_str_size(ev->message) +
	       3 * nla_total_size_64bit(sizeof(u64)) + 2 * nla_total_size(sizeof(u32)) +
	       2 * nla_total_size(sizeof(u16)) + nla_total_size(16);
}

/**
 * oakley_event_send - multicast one event to the namespace's listeners
 * @on: the instance
 * @ev: the event
 * @gfp: allocation flags for the context
 *
 * Returns 0 when sent or when nobody listens, else a negative errno (the
 * event is lost; listeners see ENOBUFS on overrun anyway).
 */
int oakley_event_send(struct oakley_net *on, const struct oakley_event *ev, gfp_t gfp)
{
	struct sk_buff *skb;
	void *hdr;

	if (!on->net || !genl_has_listeners(&oakley_genl_family, on->net, OAKLEY_MCGRP_ID_EVENTS))
		return 0;
	skb = genlmsg_new(oakley_event_size(ev), gfp);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &oakley_genl_family, 0, OAKLEY_CMD_EVENT);
	if (!hdr || oakley_event_fill(skb, ev)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_multicast_netns(&oakley_genl_family, on->net, skb, 0,
				       OAKLEY_MCGRP_ID_EVENTS, gfp);
}

void oakley_event_conn(struct oakley_net *on, u8 type, const char *conn)
{
	struct oakley_event ev = { .type = type, .conn = conn };

	oakley_event_send(on, &ev, GFP_KERNEL);
}

void oakley_event_secret(struct oakley_net *on, u8 type, const char *secret)
{
	struct oakley_event ev = { .type = type, .secret = secret };

	oakley_event_send(on, &ev, GFP_KERNEL);
}

/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink side of oak: one socket, the "oakley" family, extack. */
#ifndef OAK_NL_H
#define OAK_NL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>
#include "encode.h"

struct oak_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t mcgrp_events;	/* 0: not advertised */
	uint32_t portid;
	uint32_t seq;
	char *rxbuf;
	size_t rxlen;
};

struct oak_nlerr {
	int err;		/* positive errno; 0 = success */
	char msg[256];		/* extack message, "" if none */
	bool has_offs;
	uint32_t offs;		/* of the offending attribute, from the message start */
};

/* Open the socket and resolve the family.  On failure prints "oak: ..." and returns -1. */
int oak_nl_open(struct oak_nl *nl);
void oak_nl_close(struct oak_nl *nl);

/* called for every data message of the reply */
typedef int (*oak_nl_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Send the message in m (type, seq and pid filled in here) and read the
 * replies until the ACK or NLMSG_DONE.  Returns 0, or -1 with err filled.
 */
int oak_nl_request(struct oak_nl *nl, struct oak_msg *m, oak_nl_cb cb, void *data,
		   struct oak_nlerr *err);

/* "oak: OP: message" for a failed request (without source mapping) */
void oak_nl_perror(const char *op, const struct oak_nlerr *err);

#endif

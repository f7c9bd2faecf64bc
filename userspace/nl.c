// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define RXBUF_SIZE (1024 * 1024)

struct family_info {
	uint16_t id;
	uint32_t grp;
};

static void parse_groups(const struct nlattr *nest, struct family_info *fi)
{
	const struct nlattr *g, *a;

	mnl_attr_for_each_nested(g, nest) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, g) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				name = mnl_attr_get_str(a);
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, OAKLEY_MCGRP_EVENTS))
			fi->grp = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
			fi->id = mnl_attr_get_u16(a);
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			parse_groups(a, fi);
	}
	return 0;
}

int oak_nl_open(struct oak_nl *nl)
{
	struct family_info fi = { 0 };
	struct oak_nlerr err;
	struct nlbuf b;
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->rxlen = RXBUF_SIZE;
	nl->rxbuf = malloc(nl->rxlen);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->rxbuf || !nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "oak: netlink socket: %s\n", strerror(errno));
		oak_nl_close(nl);
		return -1;
	}
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	nl->family = GENL_ID_CTRL;

	nlbuf_init(&b);
	nlbuf_msg(&b, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	nlbuf_str(&b, CTRL_ATTR_FAMILY_NAME, OAKLEY_GENL_NAME);
	if (oak_nl_request(nl, &b, family_cb, &fi, &err) || !fi.id) {
		nlbuf_free(&b);
		if (err.err == ENOENT || !fi.id)
			fprintf(stderr, "oak: generic netlink family '%s' not found "
				"(is the oakley module loaded?)\n", OAKLEY_GENL_NAME);
		else
			oak_nl_perror("resolving the oakley family", &err);
		oak_nl_close(nl);
		return -1;
	}
	nlbuf_free(&b);
	nl->family = fi.id;
	nl->mcgrp_events = fi.grp;
	return 0;
}

void oak_nl_close(struct oak_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->rxbuf);
	memset(nl, 0, sizeof(*nl));
}

static void parse_extack(const struct nlmsghdr *nlh, struct oak_nlerr *err)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (MNL_ALIGN(off) + MNL_NLMSG_HDRLEN > nlh->nlmsg_len)
		return;
	mnl_attr_for_each(a, nlh, off) {
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				snprintf(err->msg, sizeof(err->msg), "%s", mnl_attr_get_str(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0) {
				err->offs = mnl_attr_get_u32(a);
				err->has_offs = true;
			}
			break;
		}
	}
}

static bool raise_sndbuf(struct oak_nl *nl, size_t len)
{
	int fd = mnl_socket_get_fd(nl->sock), want;

	if (len < 200 * 1024)
		return true;
	if (len > INT32_MAX / 2 - 65536)
		return false;
	want = (int)len + 65536;
	if (!setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)))
		return true;
	return !setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

int oak_nl_request(struct oak_nl *nl, struct nlbuf *b, oak_nl_cb cb, void *data,
		   struct oak_nlerr *err)
{
	struct nlmsghdr *nlh;
	bool dump;
	ssize_t n;

	memset(err, 0, sizeof(*err));
	if (b->oom || b->too_big) {
		err->err = b->oom ? ENOMEM : EMSGSIZE;
		return -1;
	}
	nlh = nlbuf_hdr(b);
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_pid = 0;
	dump = nlh->nlmsg_flags & NLM_F_DUMP;
	raise_sndbuf(nl, b->len);
	if (mnl_socket_sendto(nl->sock, b->data, b->len) < 0) {
		err->err = errno;
		return -1;
	}
	for (;;) {
		const struct nlmsghdr *r;
		int len;

		n = mnl_socket_recvfrom(nl->sock, nl->rxbuf, nl->rxlen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err->err = errno;
			return -1;
		}
		len = (int)n;
		for (r = (const struct nlmsghdr *)nl->rxbuf; mnl_nlmsg_ok(r, len);
		     r = mnl_nlmsg_next(r, &len)) {
			if (r->nlmsg_seq != nl->seq || r->nlmsg_pid != nl->portid)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(r);

				if (r->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e)) {
					err->err = EBADMSG;
					return -1;
				}
				if (!e->error && !dump)
					return 0;
				if (e->error) {
					err->err = -e->error;
					parse_extack(r, err);
					return -1;
				}
				continue;
			}
			if (r->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (r->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(int))
					memcpy(&e, mnl_nlmsg_get_payload(r), sizeof(e));
				if (e < 0) {
					err->err = -e;
					parse_extack(r, err);
					return -1;
				}
				return 0;
			}
			if (r->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb && cb(r, data) < 0) {
				err->err = EBADMSG;
				snprintf(err->msg, sizeof(err->msg),
					 "malformed reply from the kernel");
				return -1;
			}
		}
	}
}

void oak_nl_perror(const char *op, const struct oak_nlerr *err)
{
	if (err->err == EPERM || err->err == EACCES) {
		fprintf(stderr, "oak: %s: permission denied (CAP_NET_ADMIN is required)%s%s\n",
			op, err->msg[0] ? ": " : "", err->msg);
		return;
	}
	if (err->msg[0])
		fprintf(stderr, "oak: %s: %s\n", op, err->msg);
	else
		fprintf(stderr, "oak: %s: %s\n", op, strerror(err->err));
}

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

/* TB[type] = the attribute, for mnl_attr_parse*(); types past MAX are skipped */
struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
};

static int table_cb(const struct nlattr *a, void *data)
{
	const struct attr_table *t = data;

	if (mnl_attr_type_valid(a, t->max) > 0)
		t->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void parse_groups(const struct nlattr *nest, struct family_info *fi)
{
	const struct nlattr *g;

	/* an array: nests numbered 1, 2, ... */
	mnl_attr_for_each_nested(g, nest) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };
		struct attr_table t = { tb, CTRL_ATTR_MCAST_GRP_MAX };
		const struct nlattr *name, *id;

		mnl_attr_parse_nested(g, table_cb, &t);
		name = tb[CTRL_ATTR_MCAST_GRP_NAME];
		id = tb[CTRL_ATTR_MCAST_GRP_ID];
		if (name && mnl_attr_validate(name, MNL_TYPE_NUL_STRING) >= 0 &&
		    !strcmp(mnl_attr_get_str(name), OAKLEY_MCGRP_EVENTS))
			fi->grp = id && mnl_attr_validate(id, MNL_TYPE_U32) >= 0 ?
				  mnl_attr_get_u32(id) : 0;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { NULL };
	struct attr_table t = { tb, CTRL_ATTR_MAX };
	struct family_info *fi = data;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), table_cb, &t);
	if (tb[CTRL_ATTR_FAMILY_ID] && mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) >= 0)
		fi->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		parse_groups(tb[CTRL_ATTR_MCAST_GROUPS], fi);
	return MNL_CB_OK;
}

int oak_nl_open(struct oak_nl *nl)
{
	struct family_info fi = { 0 };
	struct oak_nlerr err;
	struct oak_msg m;
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

	oak_msg_init(&m, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	oak_msg_strz(&m, CTRL_ATTR_FAMILY_NAME, OAKLEY_GENL_NAME);
	if (oak_nl_request(nl, &m, family_cb, &fi, &err) || !fi.id) {
		oak_msg_free(&m);
		if (err.err == ENOENT || !fi.id)
			fprintf(stderr, "oak: generic netlink family '%s' not found "
				"(is the oakley module loaded?)\n", OAKLEY_GENL_NAME);
		else
			oak_nl_perror("resolving the oakley family", &err);
		oak_nl_close(nl);
		return -1;
	}
	oak_msg_free(&m);
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

static int extack_cb(const struct nlattr *a, void *data)
{
	struct oak_nlerr *err = data;

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
	return MNL_CB_OK;
}

/* the extack TLVs after the nlmsgerr (and the echoed request unless capped) */
static void parse_extack(const struct nlmsghdr *nlh, struct oak_nlerr *err)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (MNL_ALIGN(off) + MNL_NLMSG_HDRLEN > nlh->nlmsg_len)
		return;
	mnl_attr_parse(nlh, (unsigned int)off, extack_cb, err);
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

/* what the callbacks of mnl_cb_run2() share */
struct request {
	oak_nl_cb cb;
	void *data;
	bool dump;
	struct oak_nlerr *err;
};

static int data_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct request *r = arg;

	if (r->cb && r->cb(nlh, r->data) < 0) {
		r->err->err = EBADMSG;
		snprintf(r->err->msg, sizeof(r->err->msg), "malformed reply from the kernel");
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* libmnl's own NLMSG_ERROR handler sets errno only: this one keeps the extack */
static int error_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct request *r = arg;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e)) {
		r->err->err = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!e->error)
		return r->dump ? MNL_CB_OK : MNL_CB_STOP;
	r->err->err = -e->error;
	parse_extack(nlh, r->err);
	return MNL_CB_ERROR;
}

/* a dump ends with NLMSG_DONE, which carries the dump's error (libmnl 1.0.4 ignores it) */
static int done_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct request *r = arg;
	int e = 0;

	if (nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(int))
		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
	if (e < 0) {
		r->err->err = -e;
		parse_extack(nlh, r->err);
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/*
 * NLMSG_NOOP and NLMSG_OVERRUN have no handler: skipped.  Not const: libmnl
 * 1.0.4's mnl_cb_run2() takes a mnl_cb_t *.
 */
static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/*
 * A CONN_GET dump that raced a change is marked NLM_F_DUMP_INTR; oak has
 * always shown it as received, where mnl_cb_run2() would abort it with EINTR.
 */
static void clear_dump_intr(char *buf, size_t n)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int len = (int)n;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		nlh->nlmsg_flags &= ~NLM_F_DUMP_INTR;
}

int oak_nl_request(struct oak_nl *nl, struct oak_msg *m, oak_nl_cb cb, void *data,
		   struct oak_nlerr *err)
{
	struct request r = { .cb = cb, .data = data, .err = err };
	struct nlmsghdr *nlh;
	ssize_t n;
	int ret;

	memset(err, 0, sizeof(*err));
	if (m->oom || m->full || m->too_big) {
		err->err = m->oom ? ENOMEM : EMSGSIZE;
		return -1;
	}
	nlh = m->nlh;
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_pid = 0;
	r.dump = nlh->nlmsg_flags & NLM_F_DUMP;
	raise_sndbuf(nl, nlh->nlmsg_len);
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		err->err = errno;
		return -1;
	}
	do {
		n = mnl_socket_recvfrom(nl->sock, nl->rxbuf, nl->rxlen);
		if (n < 0) {
			if (errno == EINTR) {
				ret = MNL_CB_OK;
				continue;
			}
			err->err = errno;
			return -1;
		}
		if (r.dump)
			clear_dump_intr(nl->rxbuf, (size_t)n);
		ret = mnl_cb_run2(nl->rxbuf, (size_t)n, nl->seq, nl->portid, data_cb, &r,
				  ctl_cb, MNL_ARRAY_SIZE(ctl_cb));
	} while (ret > MNL_CB_STOP);
	if (ret < 0) {
		/* set by a callback, or errno from mnl_cb_run2() (ESRCH, EPROTO) */
		if (!err->err)
			err->err = errno ? errno : EPROTO;
		return -1;
	}
	return 0;
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

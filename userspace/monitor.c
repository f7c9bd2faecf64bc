// SPDX-License-Identifier: GPL-2.0
/* oak monitor [-j]: one line (or one JSON object) per event */
#include <errno.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "format.h"
#include "json.h"
#include "nl.h"
#include "subcommands.h"

static const char *const event_names[] = {
	[OAKLEY_EVENT_CONN_ADDED] = "conn-added",
	[OAKLEY_EVENT_CONN_DELETED] = "conn-deleted",
	[OAKLEY_EVENT_IKE_UP] = "ike-up",
	[OAKLEY_EVENT_IKE_DOWN] = "ike-down",
	[OAKLEY_EVENT_IKE_REKEYED] = "ike-rekeyed",
	[OAKLEY_EVENT_CHILD_UP] = "child-up",
	[OAKLEY_EVENT_CHILD_DOWN] = "child-down",
	[OAKLEY_EVENT_CHILD_REKEYED] = "child-rekeyed",
	[OAKLEY_EVENT_ERROR] = "error",
	[OAKLEY_EVENT_DEAD_PEER] = "dead-peer",
	[OAKLEY_EVENT_ACQUIRE] = "acquire",
	[OAKLEY_EVENT_SECRET_ADDED] = "secret-added",
	[OAKLEY_EVENT_SECRET_DELETED] = "secret-deleted",
	[OAKLEY_EVENT_NAT_DETECTED] = "nat-detected",
	[OAKLEY_EVENT_NAT_MAPPING] = "nat-mapping",
};

struct event {
	uint8_t type;
	char conn[OAKLEY_NAME_MAX + 1], child[OAKLEY_NAME_MAX + 1], secret[OAKLEY_NAME_MAX + 1];
	uint8_t spi_i[8], spi_r[8], spi_in[4], spi_out[4];
	bool has_spi_ike, has_spi_child;
	uint16_t family, notify;
	uint8_t raddr[16];
	bool has_raddr, has_notify, has_time;
	uint64_t time_ns;
	char message[512];
};

static void copy_str(const struct nlattr *a, char *out, size_t size)
{
	size_t n = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	if (n && !s[n - 1])
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = 0;
}

static int decode_event(const struct nlattr *nest, struct event *ev)
{
	const struct nlattr *a;
	int r;

	mnl_attr_for_each_nested(a, nest) {
		r = 0;
		switch (mnl_attr_get_type(a)) {
		case OAKLEY_EVENT_A_TYPE:
			r = oak_attr_fixed(a, &ev->type, 1);
			break;
		case OAKLEY_EVENT_A_CONN_NAME:
			copy_str(a, ev->conn, sizeof(ev->conn));
			break;
		case OAKLEY_EVENT_A_CHILD_NAME:
			copy_str(a, ev->child, sizeof(ev->child));
			break;
		case OAKLEY_EVENT_A_SECRET_NAME:
			copy_str(a, ev->secret, sizeof(ev->secret));
			break;
		case OAKLEY_EVENT_A_SPI_I:
			r = oak_attr_fixed(a, ev->spi_i, 8);
			ev->has_spi_ike = true;
			break;
		case OAKLEY_EVENT_A_SPI_R:
			r = oak_attr_fixed(a, ev->spi_r, 8);
			ev->has_spi_ike = true;
			break;
		case OAKLEY_EVENT_A_SPI_IN:
			r = oak_attr_fixed(a, ev->spi_in, 4);
			ev->has_spi_child = true;
			break;
		case OAKLEY_EVENT_A_SPI_OUT:
			r = oak_attr_fixed(a, ev->spi_out, 4);
			ev->has_spi_child = true;
			break;
		case OAKLEY_EVENT_A_FAMILY:
			r = oak_attr_fixed(a, &ev->family, 2);
			break;
		case OAKLEY_EVENT_A_REMOTE_ADDR:
			r = oak_attr_addr(a, ev->raddr);
			ev->has_raddr = true;
			break;
		case OAKLEY_EVENT_A_NOTIFY:
			r = oak_attr_fixed(a, &ev->notify, 2);
			ev->has_notify = true;
			break;
		case OAKLEY_EVENT_A_MESSAGE:
			copy_str(a, ev->message, sizeof(ev->message));
			break;
		case OAKLEY_EVENT_A_TIME:
			r = oak_attr_fixed(a, &ev->time_ns, 8);
			ev->has_time = true;
			break;
		}
		if (r)
			return -1;
	}
	return 0;
}

static void print_event(const struct event *ev, bool json)
{
	const char *name = ev->type < sizeof(event_names) / sizeof(event_names[0]) &&
			   event_names[ev->type] ? event_names[ev->type] : "unknown";
	char addr[OAK_ADDRSTRLEN], a[20], b[20];
	struct json j;

	if (ev->has_raddr)
		oak_fmt_addr(addr, sizeof(addr), ev->family, ev->raddr);
	if (json) {
		json_init(&j, stdout, false);
		json_obj_open(&j, NULL);
		json_str(&j, "event", name);
		if (ev->conn[0])
			json_str(&j, "conn", ev->conn);
		if (ev->child[0])
			json_str(&j, "child", ev->child);
		if (ev->secret[0])
			json_str(&j, "secret", ev->secret);
		if (ev->has_spi_ike) {
			oak_fmt_hex(a, sizeof(a), "", ev->spi_i, 8);
			oak_fmt_hex(b, sizeof(b), "", ev->spi_r, 8);
			json_str(&j, "spi-i", a);
			json_str(&j, "spi-r", b);
		}
		if (ev->has_spi_child) {
			oak_fmt_hex(a, sizeof(a), "", ev->spi_in, 4);
			oak_fmt_hex(b, sizeof(b), "", ev->spi_out, 4);
			json_str(&j, "spi-in", a);
			json_str(&j, "spi-out", b);
		}
		if (ev->has_raddr)
			json_str(&j, "remote", addr);
		if (ev->has_notify)
			json_u64(&j, "notify", ev->notify);
		if (ev->message[0])
			json_str(&j, "message", ev->message);
		if (ev->has_time)
			json_u64(&j, "time-ns", ev->time_ns);
		json_close_obj(&j);
		json_end(&j);
	} else {
		printf("%s", name);
		if (ev->conn[0])
			printf(" %s%s%s", ev->conn, ev->child[0] ? "/" : "", ev->child);
		if (ev->secret[0])
			printf(" secret %s", ev->secret);
		if (ev->has_raddr)
			printf(" remote %s", addr);
		if (ev->has_spi_ike) {
			oak_fmt_hex(a, sizeof(a), "", ev->spi_i, 8);
			oak_fmt_hex(b, sizeof(b), "", ev->spi_r, 8);
			printf(" spi-i %s spi-r %s", a, b);
		}
		if (ev->has_spi_child) {
			oak_fmt_hex(a, sizeof(a), "", ev->spi_in, 4);
			oak_fmt_hex(b, sizeof(b), "", ev->spi_out, 4);
			printf(" spi-in %s spi-out %s", a, b);
		}
		if (ev->has_notify)
			printf(" notify %u", ev->notify);
		if (ev->message[0]) {
			printf(" message ");
			json_write_string(stdout, ev->message, strlen(ev->message));
		}
		printf("\n");
	}
	fflush(stdout);
}

struct monitor {
	uint16_t family;
	bool json;
};

/* no control message is expected on the events group: none has a handler */
static mnl_cb_t no_ctl_cb[NLMSG_MIN_TYPE];

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct monitor *mon = data;
	const struct nlattr *a;
	struct event ev;

	if (nlh->nlmsg_type != mon->family)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != OAKLEY_A_EVENT)
			continue;
		memset(&ev, 0, sizeof(ev));
		if (decode_event(a, &ev)) {
			fprintf(stderr, "oak: monitor: malformed event\n");
			continue;
		}
		print_event(&ev, mon->json);
	}
	return MNL_CB_OK;
}

int monitor_main(int argc, char **argv)
{
	struct monitor mon = { 0 };
	struct oak_nl nl;
	int grp;

	argc = take_json_flag(argc, argv, &mon.json);
	if (argc != 1) {
		fprintf(stderr, "Usage: %s monitor [-j]\n", prog);
		return -1;
	}
	if (oak_nl_open(&nl))
		return -1;
	if (!nl.mcgrp_events) {
		fprintf(stderr, "oak: monitor: the kernel has no '%s' multicast group\n",
			OAKLEY_MCGRP_EVENTS);
		goto err;
	}
	grp = (int)nl.mcgrp_events;
	if (mnl_socket_setsockopt(nl.sock, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		struct oak_nlerr e = { .err = errno };

		if (e.err == EPERM || e.err == EACCES)
			oak_nl_perror("monitor", &e);
		else
			fprintf(stderr, "oak: monitor: joining '%s': %s\n", OAKLEY_MCGRP_EVENTS,
				strerror(e.err));
		goto err;
	}
	mon.family = nl.family;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl.sock, nl.rxbuf, nl.rxlen);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				fprintf(stderr,
					"oak: monitor: events were lost (receive buffer full)\n");
				continue;
			}
			fprintf(stderr, "oak: monitor: %s\n", strerror(errno));
			goto err;
		}
		/* seq and portid 0: events are not replies to anything */
		mnl_cb_run2(nl.rxbuf, (size_t)n, 0, 0, event_cb, &mon, no_ctl_cb,
			    MNL_ARRAY_SIZE(no_ctl_cb));
	}
err:
	oak_nl_close(&nl);
	return -1;
}

// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "format.h"

void oak_fmt_addr(char *buf, size_t len, uint16_t family, const uint8_t *addr)
{
	char tmp[INET6_ADDRSTRLEN];

	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, tmp, sizeof(tmp)))
		snprintf(tmp, sizeof(tmp), "?");
	snprintf(buf, len, "%s", tmp);
}

void oak_fmt_endpoint(char *buf, size_t len, uint16_t family, const uint8_t *addr,
		      uint16_t port)
{
	char a[OAK_ADDRSTRLEN];

	oak_fmt_addr(a, sizeof(a), family, addr);
	if (port == OAK_PORT)
		snprintf(buf, len, "%s", a);
	else if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 }, { "esp", 50 },
	{ "ah", 51 }, { "icmpv6", 58 }, { "sctp", 132 },
};

const char *oak_proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return NULL;
}

int oak_proto_by_name(const char *name, uint8_t *proto)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(protos[i].name, name)) {
			*proto = protos[i].proto;
			return 0;
		}
	return -1;
}

/* the address part: ADDR/PREFIX, or FIRST..LAST for a range that is no prefix */
static void fmt_ts_addr(char *buf, size_t len, const struct oak_ts *ts)
{
	char a[OAK_ADDRSTRLEN], e[OAK_ADDRSTRLEN];

	oak_fmt_addr(a, sizeof(a), ts->family, ts->addr);
	if (ts->has_range && !ts->has_prefix) {
		oak_fmt_addr(e, sizeof(e), ts->family, ts->end);
		snprintf(buf, len, "%s..%s", a, e);
		return;
	}
	snprintf(buf, len, "%s/%u", a, ts->prefixlen);
}

/* the port part: "" (any), "/P" or "/FIRST-LAST" */
static void fmt_ts_port(char *buf, size_t len, const struct oak_ts *ts)
{
	if (!ts->has_ports) {
		if (ts->port)
			snprintf(buf, len, "/%u", ts->port);
		else
			buf[0] = 0;
		return;
	}
	if (!ts->port && ts->port_end == 65535)
		buf[0] = 0;
	else if (ts->port == ts->port_end)
		snprintf(buf, len, "/%u", ts->port);
	else
		snprintf(buf, len, "/%u-%u", ts->port, ts->port_end);
}

void oak_fmt_ts(char *buf, size_t len, const struct oak_ts *ts)
{
	char a[2 * OAK_ADDRSTRLEN + 8], p[32], port[16];
	const char *pn = oak_proto_name(ts->proto);

	fmt_ts_addr(a, sizeof(a), ts);
	fmt_ts_port(port, sizeof(port), ts);
	if (!ts->proto && !port[0]) {
		snprintf(buf, len, "%s", a);
		return;
	}
	if (pn)
		snprintf(p, sizeof(p), "%s", pn);
	else
		snprintf(p, sizeof(p), "%u", ts->proto);
	snprintf(buf, len, "%s[%s%s]", a, p, port);
}

void oak_print_tslist(const struct oak_tslist *l)
{
	char buf[OAK_TSSTRLEN];
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		oak_fmt_ts(buf, sizeof(buf), &l->ts[i]);
		printf("%s%s", i ? ", " : "", buf);
	}
}

void oak_fmt_hex(char *buf, size_t len, const char *prefix, const uint8_t *d, size_t n)
{
	size_t i, o = snprintf(buf, len, "%s", prefix);

	for (i = 0; i < n && o + 3 <= len; i++, o += 2)
		snprintf(buf + o, len - o, "%02x", d[i]);
}

void oak_fmt_id(char *buf, size_t len, const struct oak_id *id)
{
	char tmp[OAKLEY_ID_MAX + 1];
	uint8_t a[16];
	bool forced;

	switch (id->type) {
	case OAKLEY_ID_ANY:
		snprintf(buf, len, "%%any");
		return;
	case OAKLEY_ID_IPV4_ADDR:
	case OAKLEY_ID_IPV6_ADDR:
		if (id->len == (id->type == OAKLEY_ID_IPV4_ADDR ? 4 : 16)) {
			oak_fmt_addr(buf, len, id->type == OAKLEY_ID_IPV4_ADDR ? AF_INET : AF_INET6,
				     id->data);
			return;
		}
		break;
	case OAKLEY_ID_FQDN:
	case OAKLEY_ID_RFC822_ADDR:
		if (memchr(id->data, 0, id->len))
			break;
		memcpy(tmp, id->data, id->len);
		tmp[id->len] = 0;
		if (id->type == OAKLEY_ID_RFC822_ADDR) {
			if (tmp[0] != '@' && strchr(tmp, '@')) {
				snprintf(buf, len, "%s", tmp);
				return;
			}
			break;
		}
		forced = !tmp[0] || tmp[0] == '@' || tmp[0] == '%' || strchr(tmp, '@') ||
			 !strncmp(tmp, "keyid:", 6) || inet_pton(AF_INET, tmp, a) == 1 ||
			 inet_pton(AF_INET6, tmp, a) == 1;
		snprintf(buf, len, "%s%s", forced ? "@" : "", tmp);
		return;
	case OAKLEY_ID_KEY_ID:
		if (memchr(id->data, 0, id->len))
			break;
		snprintf(buf, len, "keyid:%.*s", (int)id->len, (const char *)id->data);
		return;
	}
	/* no config syntax for it: show the raw bytes */
	snprintf(tmp, sizeof(tmp), "id%u:", id->type);
	oak_fmt_hex(buf, len, tmp, id->data, id->len);
}

const char *oak_start_name(uint8_t v)
{
	return v == OAKLEY_START_NONE ? "none" : v == OAKLEY_START_START ? "start" :
	       v == OAKLEY_START_TRAP ? "trap" : "?";
}

const char *oak_dpd_action_name(uint8_t v)
{
	return v == OAKLEY_DPD_CLEAR ? "clear" : v == OAKLEY_DPD_RESTART ? "restart" :
	       v == OAKLEY_DPD_TRAP ? "trap" : "?";
}

const char *oak_mode_name(uint8_t v)
{
	return v == OAKLEY_MODE_TUNNEL ? "tunnel" : v == OAKLEY_MODE_TRANSPORT ? "transport" : "?";
}

const char *oak_auth_name(uint8_t v)
{
	return v == OAKLEY_AUTH_PSK ? "psk" : v == OAKLEY_AUTH_PUBKEY ? "pubkey" : "?";
}

const char *oak_exchange_name(uint8_t v)
{
	return v == OAKLEY_EXCHANGE_MAIN ? "main" : v == OAKLEY_EXCHANGE_AGGRESSIVE ?
	       "aggressive" : "?";
}

// SPDX-License-Identifier: GPL-2.0
/* durations, sizes, addresses, identities, selectors, PSKs */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "format.h"
#include "tap.h"

static void durations(void)
{
	static const struct {
		const char *in;
		int ok;
		uint32_t want;
	} t[] = {
		{ "0", 1, 0 }, { "30", 1, 30 }, { "30s", 1, 30 }, { "5m", 1, 300 },
		{ "4h", 1, 14400 }, { "1d", 1, 86400 }, { "49710d", 1, 49710u * 86400 },
		{ "4294967295", 1, 4294967295u }, { "4294967296", 0, 0 }, { "49711d", 0, 0 },
		{ "", 0, 0 }, { "s", 0, 0 }, { "-1", 0, 0 }, { "1w", 0, 0 }, { "1h30m", 0, 0 },
		{ "10 s", 0, 0 }, { "1.5h", 0, 0 }, { "99999999999999999999999", 0, 0 },
		{ "4H", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t v = 12345;
		int r = oak_parse_duration(t[i].in, &v);

		tap_ok(t[i].ok ? !r && v == t[i].want : r == -1, "duration '%s' -> %s %u", t[i].in,
		       t[i].ok ? "ok" : "error", t[i].want);
	}
}

static void sizes(void)
{
	static const struct {
		const char *in;
		int ok;
		uint64_t want;
	} t[] = {
		{ "0", 1, 0 }, { "1000", 1, 1000 }, { "500K", 1, 512000 }, { "500k", 1, 512000 },
		{ "10M", 1, 10485760 }, { "1G", 1, 1073741824 },
		{ "18446744073709551615", 1, UINT64_MAX }, { "18446744073709551616", 0, 0 },
		{ "17179869184G", 0, 0 }, { "17179869183G", 1, 17179869183ull << 30 },
		{ "1T", 0, 0 }, { "", 0, 0 }, { "K", 0, 0 }, { "1KB", 0, 0 }, { "-5", 0, 0 },
		{ "1.5M", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 12345;
		int r = oak_parse_size(t[i].in, &v);

		tap_ok(t[i].ok ? !r && v == t[i].want : r == -1, "size '%s' -> %s %" PRIu64,
		       t[i].in, t[i].ok ? "ok" : "error", t[i].want);
	}
}

static void addrs(void)
{
	static const struct {
		const char *in;
		int ok;
		uint16_t family, port;
		const char *text;
	} t[] = {
		{ "192.0.2.1", 1, AF_INET, 500, "192.0.2.1" },
		{ "192.0.2.1:4500", 1, AF_INET, 4500, "192.0.2.1:4500" },
		{ "2001:db8::1", 1, AF_INET6, 500, "2001:db8::1" },
		{ "[2001:db8::1]", 1, AF_INET6, 500, "2001:db8::1" },
		{ "[2001:db8::1]:4500", 1, AF_INET6, 4500, "[2001:db8::1]:4500" },
		{ "192.0.2.1:0", 0, 0, 0, NULL }, { "192.0.2.1:65536", 0, 0, 0, NULL },
		{ "192.0.2.256", 0, 0, 0, NULL }, { "gw.example.org", 0, 0, 0, NULL },
		{ "[2001:db8::1", 0, 0, 0, NULL }, { "[192.0.2.1]:500", 0, 0, 0, NULL },
		{ "2001:db8::1:4500x", 0, 0, 0, NULL }, { "192.0.2.1:", 0, 0, 0, NULL },
		{ "", 0, 0, 0, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t a[16];
		uint16_t fam = 0, port = 500;
		bool hp;
		char buf[OAK_ADDRSTRLEN];
		int r = oak_parse_addr(t[i].in, &fam, a, &port, &hp);

		if (!t[i].ok) {
			tap_ok(r == -1, "address '%s' is rejected", t[i].in);
			continue;
		}
		tap_ok(!r && fam == t[i].family && port == t[i].port, "address '%s' parses",
		       t[i].in);
		oak_fmt_endpoint(buf, sizeof(buf), fam, a, port);
		tap_streq(buf, t[i].text, "address '%s' formats", t[i].in);
	}
}

static void ids(void)
{
	static const struct {
		const char *in;
		bool remote;
		int type;	/* -1: error */
		const char *text;
	} t[] = {
		{ "192.0.2.1", false, OAKLEY_ID_IPV4_ADDR, "192.0.2.1" },
		{ "2001:db8::1", false, OAKLEY_ID_IPV6_ADDR, "2001:db8::1" },
		{ "gw.example.org", false, OAKLEY_ID_FQDN, "gw.example.org" },
		{ "@gw.example.org", false, OAKLEY_ID_FQDN, "gw.example.org" },
		{ "@192.0.2.1", false, OAKLEY_ID_FQDN, "@192.0.2.1" },
		{ "alice@example.org", false, OAKLEY_ID_RFC822_ADDR, "alice@example.org" },
		{ "keyid:abc", false, OAKLEY_ID_KEY_ID, "keyid:abc" },
		{ "%any", true, OAKLEY_ID_ANY, "%any" },
		{ "%any", false, -1, NULL },
		{ "@", false, -1, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct oak_id id, again;
		char err[128], buf[OAK_IDSTRLEN];
		int r = oak_parse_id(t[i].in, t[i].remote, &id, err, sizeof(err));

		if (t[i].type < 0) {
			tap_ok(r == -1, "id '%s' is rejected (%s)", t[i].in, err);
			continue;
		}
		tap_ok(!r && id.type == t[i].type, "id '%s' has type %d", t[i].in, t[i].type);
		oak_fmt_id(buf, sizeof(buf), &id);
		tap_streq(buf, t[i].text, "id '%s' formats", t[i].in);
		r = oak_parse_id(buf, t[i].remote, &again, err, sizeof(err));
		tap_ok(!r && again.type == id.type && again.len == id.len &&
		       !memcmp(again.data, id.data, id.len), "id '%s' round-trips", t[i].in);
	}
	{
		char longid[300], err[128];
		struct oak_id id;

		memset(longid, 'a', 256);
		longid[256] = 0;
		tap_ok(oak_parse_id(longid, false, &id, err, sizeof(err)) == -1 &&
		       !strcmp(err, "identity longer than 255 bytes"), "256-byte id is rejected");
		longid[255] = 0;
		tap_ok(!oak_parse_id(longid, false, &id, err, sizeof(err)) && id.len == 255,
		       "255-byte id is accepted");
	}
}

static void selectors(void)
{
	static const struct {
		const char *in;
		const char *text;	/* NULL: error */
		const char *err;
	} t[] = {
		{ "10.1.0.0/16", "10.1.0.0/16", NULL },
		{ "10.1.2.3", "10.1.2.3/32", NULL },
		{ "0.0.0.0/0", "0.0.0.0/0", NULL },
		{ "10.1.0.0/16[tcp/443]", "10.1.0.0/16[tcp/443]", NULL },
		{ "10.1.0.0/16[udp]", "10.1.0.0/16[udp]", NULL },
		{ "10.1.0.0/16[6/80]", "10.1.0.0/16[tcp/80]", NULL },
		{ "10.1.0.0/16[200]", "10.1.0.0/16[200]", NULL },
		{ "2001:db8:1::/48", "2001:db8:1::/48", NULL },
		{ "2001:db8::1", "2001:db8::1/128", NULL },
		{ "::/0[icmpv6]", "::/0[icmpv6]", NULL },
		{ "10.1.0.1/16", NULL, "host bits set in '10.1.0.1/16'" },
		{ "10.1.0.0/33", NULL, "bad traffic selector '10.1.0.0/33'" },
		{ "10.1.0.0/16[foo]", NULL, "bad traffic selector '10.1.0.0/16[foo]'" },
		{ "10.1.0.0/16[tcp/70000]", NULL, "bad traffic selector '10.1.0.0/16[tcp/70000]'" },
		{ "10.1.0.0/16[tcp", NULL, "bad traffic selector '10.1.0.0/16[tcp'" },
		{ "10.1.0.0/", NULL, "bad traffic selector '10.1.0.0/'" },
		{ "lan", NULL, "bad traffic selector 'lan'" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct oak_ts ts;
		char err[256] = "", buf[OAK_ADDRSTRLEN + 32];
		int r = oak_parse_ts(t[i].in, &ts, err, sizeof(err));

		if (!t[i].text) {
			tap_ok(r == -1, "selector '%s' is rejected", t[i].in);
			tap_streq(err, t[i].err, "selector '%s' error text", t[i].in);
			continue;
		}
		tap_ok(!r, "selector '%s' parses", t[i].in);
		oak_fmt_ts(buf, sizeof(buf), &ts);
		tap_streq(buf, t[i].text, "selector '%s' formats", t[i].in);
	}
}

static void psks(void)
{
	static const struct {
		const char *in;
		bool quoted;
		const char *want;	/* NULL: error */
		size_t len;
		const char *err;
	} t[] = {
		{ "text", true, "text", 4, NULL },
		{ "0x0102ff", false, "\x01\x02\xff", 3, NULL },
		{ "0x0102ff", true, "0x0102ff", 8, NULL },
		{ "0X0a0B", false, "\x0a\x0b", 2, NULL },
		{ "base64:aGVsbG8=", false, "hello", 5, NULL },
		{ "base64:aGVsbG8", false, "hello", 5, NULL },
		{ "base64:AAEC", false, "\x00\x01\x02", 3, NULL },
		{ "bare words", false, "bare words", 10, NULL },
		{ "0x123", false, NULL, 0, "bad hex secret" },
		{ "0xzz", false, NULL, 0, "bad hex secret" },
		{ "0x", false, NULL, 0, "empty secret" },
		{ "base64:a$==", false, NULL, 0, "bad base64 secret" },
		{ "base64:aGVsbG8=x", false, NULL, 0, "bad base64 secret" },
		{ "base64:aGVsbG9", false, NULL, 0, "bad base64 secret" },
		{ "", true, NULL, 0, "empty secret" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t out[OAKLEY_PSK_MAX];
		uint16_t len = 0;
		char err[128] = "";
		int r = oak_parse_psk(t[i].in, t[i].quoted, out, &len, err, sizeof(err));

		if (!t[i].want) {
			tap_ok(r == -1, "psk '%s' is rejected", t[i].in);
			tap_streq(err, t[i].err, "psk '%s' error text", t[i].in);
			continue;
		}
		tap_ok(!r && len == t[i].len && !memcmp(out, t[i].want, len), "psk '%s'%s decodes",
		       t[i].in, t[i].quoted ? " (quoted)" : "");
	}
	{
		char big[600] = "0x";
		uint8_t out[OAKLEY_PSK_MAX];
		uint16_t len;
		char err[128];

		memset(big + 2, 'a', 512);
		big[514] = 0;
		tap_ok(!oak_parse_psk(big, false, out, &len, err, sizeof(err)) && len == 256,
		       "256-byte hex psk is accepted");
		memcpy(big + 514, "aa", 3);
		tap_ok(oak_parse_psk(big, false, out, &len, err, sizeof(err)) == -1 &&
		       !strcmp(err, "secret longer than 256 bytes"), "257-byte hex psk is rejected");
	}
}

void test_values(void)
{
	durations();
	sizes();
	addrs();
	ids();
	selectors();
	psks();
}

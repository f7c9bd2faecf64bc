// SPDX-License-Identifier: GPL-2.0
/* decoding an OAKLEY_CMD_SA_GET dump message and its JSON */
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "encode.h"
#include "format.h"
#include "sa.h"
#include "tap.h"

/* the messages are small: the unchecked libmnl helpers suffice */
static void put_ts(struct nlmsghdr *b, uint16_t type, const char *addr, uint8_t plen)
{
	struct nlattr *l = mnl_attr_nest_start(b, type);
	struct nlattr *t = mnl_attr_nest_start(b, OAKLEY_TSLIST_A_TS);
	uint8_t a[4];

	inet_pton(AF_INET, addr, a);
	mnl_attr_put_u16(b, OAKLEY_TS_A_FAMILY, AF_INET);
	mnl_attr_put(b, OAKLEY_TS_A_ADDR, 4, a);
	mnl_attr_put_u8(b, OAKLEY_TS_A_PREFIXLEN, plen);
	mnl_attr_nest_end(b, t);
	mnl_attr_nest_end(b, l);
}

static void build(struct nlmsghdr *b, const char *conn, bool with_child)
{
	static const uint8_t spi_i[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	static const uint8_t spi_r[8] = { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10 };
	static const uint8_t in[4] = { 0xc0, 0xff, 0xee, 0x01 }, out[4] = { 0, 0, 0x10, 0x02 };
	uint8_t l[4], r[4];
	struct nlattr *sa, *ch;

	inet_pton(AF_INET, "192.0.2.1", l);
	inet_pton(AF_INET, "198.51.100.7", r);
	sa = mnl_attr_nest_start(b, OAKLEY_A_IKE_SA);
	mnl_attr_put_strz(b, OAKLEY_SA_A_CONN_NAME, conn);
	mnl_attr_put_u8(b, OAKLEY_SA_A_STATE, OAKLEY_IKE_STATE_ESTABLISHED);
	mnl_attr_put(b, OAKLEY_SA_A_INITIATOR, 0, NULL);
	mnl_attr_put(b, OAKLEY_SA_A_SPI_I, 8, spi_i);
	mnl_attr_put(b, OAKLEY_SA_A_SPI_R, 8, spi_r);
	mnl_attr_put_u16(b, OAKLEY_SA_A_FAMILY, AF_INET);
	mnl_attr_put(b, OAKLEY_SA_A_LOCAL_ADDR, 4, l);
	mnl_attr_put_u16(b, OAKLEY_SA_A_LOCAL_PORT, 500);
	mnl_attr_put(b, OAKLEY_SA_A_REMOTE_ADDR, 4, r);
	mnl_attr_put_u16(b, OAKLEY_SA_A_REMOTE_PORT, 4500);
	mnl_attr_put_u16(b, OAKLEY_SA_A_ENCR, 20);
	mnl_attr_put_u16(b, OAKLEY_SA_A_ENCR_KEYLEN, 256);
	mnl_attr_put_u16(b, OAKLEY_SA_A_PRF, 6);
	mnl_attr_put_u16(b, OAKLEY_SA_A_DH, 31);
	mnl_attr_put_u64(b, OAKLEY_SA_A_AGE, 42);
	if (with_child) {
		/* an ISAKMP SA that expires and is not renewed: no REKEY_IN */
		mnl_attr_put_u8(b, OAKLEY_SA_A_NAT, OAKLEY_SA_NAT_LOCAL | OAKLEY_SA_NAT_FORCED);
		mnl_attr_put_u8(b, OAKLEY_SA_A_VERSION, 1);
		mnl_attr_put_u64(b, OAKLEY_SA_A_EXPIRE_IN, 28800);
	}
	if (with_child) {
		ch = mnl_attr_nest_start(b, OAKLEY_SA_A_CHILD);
		mnl_attr_put_strz(b, OAKLEY_CHILD_SA_A_NAME, "lan");
		mnl_attr_put(b, OAKLEY_CHILD_SA_A_SPI_IN, 4, in);
		mnl_attr_put(b, OAKLEY_CHILD_SA_A_SPI_OUT, 4, out);
		mnl_attr_put_u8(b, OAKLEY_CHILD_SA_A_PROTO, IPPROTO_ESP);
		mnl_attr_put_u8(b, OAKLEY_CHILD_SA_A_MODE, OAKLEY_MODE_TUNNEL);
		mnl_attr_put_u16(b, OAKLEY_CHILD_SA_A_ENCR, 12);
		mnl_attr_put_u16(b, OAKLEY_CHILD_SA_A_ENCR_KEYLEN, 128);
		mnl_attr_put_u16(b, OAKLEY_CHILD_SA_A_INTEG, 12);
		mnl_attr_put_u16(b, OAKLEY_CHILD_SA_A_DH, 14);
		put_ts(b, OAKLEY_CHILD_SA_A_LOCAL_TS, "10.1.0.0", 16);
		put_ts(b, OAKLEY_CHILD_SA_A_REMOTE_TS, "10.2.0.0", 16);
		mnl_attr_put_u64(b, OAKLEY_CHILD_SA_A_AGE, 7);
		mnl_attr_put_u64(b, OAKLEY_CHILD_SA_A_BYTES_IN, 1000);
		mnl_attr_put_u64(b, OAKLEY_CHILD_SA_A_BYTES_OUT, 2000);
		mnl_attr_put_u64(b, OAKLEY_CHILD_SA_A_PACKETS_IN, 10);
		mnl_attr_put_u64(b, OAKLEY_CHILD_SA_A_PACKETS_OUT, 20);
		mnl_attr_put_u64(b, OAKLEY_CHILD_SA_A_REKEY_IN, 3300);
		mnl_attr_put_u64(b, OAKLEY_CHILD_SA_A_EXPIRE_IN, 3960);
		mnl_attr_nest_end(b, ch);
	}
	mnl_attr_nest_end(b, sa);
}

/* one selector as a new kernel dumps it: the range always, PREFIXLEN and PORT when they say it */
static void put_ts_range(struct nlmsghdr *b, const char *first, const char *last, int plen,
			 uint8_t proto, uint16_t p1, uint16_t p2, bool port)
{
	struct nlattr *t = mnl_attr_nest_start(b, OAKLEY_TSLIST_A_TS);
	uint8_t a[4], e[4];

	inet_pton(AF_INET, first, a);
	inet_pton(AF_INET, last, e);
	mnl_attr_put_u16(b, OAKLEY_TS_A_FAMILY, AF_INET);
	mnl_attr_put(b, OAKLEY_TS_A_ADDR, 4, a);
	mnl_attr_put(b, OAKLEY_TS_A_END_ADDR, 4, e);
	mnl_attr_put_u8(b, OAKLEY_TS_A_PROTO, proto);
	mnl_attr_put_u16(b, OAKLEY_TS_A_START_PORT, p1);
	mnl_attr_put_u16(b, OAKLEY_TS_A_END_PORT, p2);
	if (plen >= 0)
		mnl_attr_put_u8(b, OAKLEY_TS_A_PREFIXLEN, (uint8_t)plen);
	if (port)
		mnl_attr_put_u16(b, OAKLEY_TS_A_PORT, p1 == p2 ? p1 : 0);
	mnl_attr_nest_end(b, t);
}

/* Address and port ranges print as negotiated, human and JSON alike. */
static void ranges(void)
{
	static const char *const want[] = {
		"10.1.0.5..10.1.0.9[tcp/1000-2000]", "10.1.0.0/24[udp/53]", "10.2.0.0/16",
		"10.3.0.1..10.3.0.1", "10.4.0.0/30[tcp/0-1023]", "10.5.0.0/16[200/7]",
	};
	char buf[OAK_TSSTRLEN];
	struct oak_tslist tl;
	struct nlattr *l;
	struct oak_msg b;
	unsigned int i;

	oak_msg_init(&b, OAKLEY_CMD_SA_GET, 0);
	l = mnl_attr_nest_start(b.nlh, OAKLEY_CHILD_SA_A_LOCAL_TS);
	put_ts_range(b.nlh, "10.1.0.5", "10.1.0.9", -1, 6, 1000, 2000, false);
	put_ts_range(b.nlh, "10.1.0.0", "10.1.0.255", 24, 17, 53, 53, true);
	put_ts_range(b.nlh, "10.2.0.0", "10.2.255.255", 16, 0, 0, 65535, true);
	/* one address that is not written as a prefix by the peer is still a range */
	put_ts_range(b.nlh, "10.3.0.1", "10.3.0.1", -1, 0, 0, 65535, true);
	/* a port range that starts at 0; an unnamed protocol number with one port */
	put_ts_range(b.nlh, "10.4.0.0", "10.4.0.3", 30, 6, 0, 1023, false);
	put_ts_range(b.nlh, "10.5.0.0", "10.5.255.255", 16, 200, 7, 7, true);
	mnl_attr_nest_end(b.nlh, l);
	tap_ok(!oak_decode_tslist(l, &tl) && tl.n == 6, "range selectors decode");
	for (i = 0; i < tl.n && i < 6; i++) {
		oak_fmt_ts(buf, sizeof(buf), &tl.ts[i]);
		tap_streq(buf, want[i], "selector %u as negotiated", i);
	}
	oak_msg_free(&b);
}

void test_sa(void)
{
	struct oak_sa_list l = { 0 };
	char *out = NULL;
	size_t n = 0;
	struct nlattr *nest;
	struct oak_msg b;
	struct json j;
	FILE *f;

	oak_msg_init(&b, OAKLEY_CMD_SA_GET, 0);
	build(b.nlh, "dc", true);
	build(b.nlh, "other", false);
	tap_ok(!oak_sa_decode_msg(b.nlh, &l) && l.n == 2 && l.sa[0].nchildren == 1,
	       "SA dump message decodes (2 IKE SAs, 1 child)");
	f = open_memstream(&out, &n);
	json_init(&j, f, false);
	if (l.n == 2) {
		oak_json_sa(&j, &l.sa[0]);
		json_end(&j);
		oak_json_sa(&j, &l.sa[1]);
		json_end(&j);
	}
	fclose(f);
	tap_streq(out,
		  "{\"conn\":\"dc\",\"state\":\"established\",\"initiator\":true,"
		  "\"spi-i\":\"0123456789abcdef\",\"spi-r\":\"fedcba9876543210\","
		  "\"local\":\"192.0.2.1\",\"local-port\":500,\"remote\":\"198.51.100.7\","
		  "\"remote-port\":4500,\"nat\":\"local encap\",\"encr\":\"aes256gcm16\",\"integ\":null,"
		  "\"prf\":\"prfsha384\",\"dh\":\"x25519\",\"age\":42,\"version\":1,"
		  "\"rekey-in\":null,\"expire-in\":28800,\"children\":[{\"name\":\"lan\","
		  "\"spi-in\":\"c0ffee01\",\"spi-out\":\"00001002\",\"proto\":\"esp\",\"mode\":\"tunnel\","
		  "\"encr\":\"aes128\",\"integ\":\"sha256\",\"dh\":\"modp2048\","
		  "\"local-ts\":[\"10.1.0.0/16\"],\"remote-ts\":[\"10.2.0.0/16\"],\"age\":7,"
		  "\"bytes-in\":1000,\"bytes-out\":2000,\"packets-in\":10,\"packets-out\":20,"
		  "\"rekey-in\":3300,\"expire-in\":3960}]}\n"
		  "{\"conn\":\"other\",\"state\":\"established\",\"initiator\":true,"
		  "\"spi-i\":\"0123456789abcdef\",\"spi-r\":\"fedcba9876543210\","
		  "\"local\":\"192.0.2.1\",\"local-port\":500,\"remote\":\"198.51.100.7\","
		  "\"remote-port\":4500,\"nat\":null,\"encr\":\"aes256gcm16\",\"integ\":null,"
		  "\"prf\":\"prfsha384\",\"dh\":\"x25519\",\"age\":42,\"version\":null,"
		  "\"rekey-in\":null,\"expire-in\":null,\"children\":[]}\n",
		  "SA JSON: names spelled out, SPIs in hex, algorithms by name");
	free(out);
	oak_sa_list_free(&l);

	l.filter = "other";
	tap_ok(!oak_sa_decode_msg(b.nlh, &l) && l.n == 1 &&
	       !strcmp(l.sa[0].conn, "other"), "filtering by connection name");
	oak_sa_list_free(&l);
	oak_msg_free(&b);

	oak_msg_init(&b, OAKLEY_CMD_SA_GET, 0);
	nest = mnl_attr_nest_start(b.nlh, OAKLEY_A_IKE_SA);
	mnl_attr_put_u32(b.nlh, OAKLEY_SA_A_SPI_I, 1);	/* 4 bytes where 8 are due */
	mnl_attr_nest_end(b.nlh, nest);
	l.filter = NULL;
	tap_ok(oak_sa_decode_msg(b.nlh, &l) == -1, "a short SPI is rejected");
	oak_sa_list_free(&l);
	oak_msg_free(&b);
	ranges();
}

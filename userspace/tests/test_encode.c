// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink encoding: a config encodes to an OAKLEY_CMD_LOAD message that the
 * shared decoder (the one `oak show` uses) turns back into the same config.
 */
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "encode.h"
#include "proposal.h"
#include "tap.h"

static const char *conf =
	"[secret s1]\n"
	"psk = \"this is the secret 1234567890\"\n"
	"[connection b]\n"
	"local = [2001:db8::1]:4500\n"
	"remote = %any\n"
	"remote-id = \"@peer \\\"x\\\"\"\n"
	"secret = s1\n"
	"encap = yes\n"
	"nat-keepalive = 5m\n"
	"[child one]\n"
	"local-ts = 2001:db8:1::/48[tcp/443]\n"
	"esp = aes128-sha256-modp2048-esn\n"
	"[child two]\n"
	"ah = sha512\n"
	"mode = transport\n"
	"[connection a]\n"
	"version = 1\n"
	"local = 192.0.2.1\n"
	"remote = 198.51.100.7\n"
	"secret = s1\n"
	"ike = 3des-sha1-modp1024\n"
	"sha256-96 = yes\n"
	"dpd = 0\n";

static char *to_json(const struct oak_config *cfg)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	struct json j;

	json_init(&j, f, false);
	oak_json_conns(&j, cfg, NULL);
	json_end(&j);
	fclose(f);
	return out;
}

static bool same_proplist(const struct oak_proplist *a, const struct oak_proplist *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->p[i].n != b->p[i].n ||
		    memcmp(a->p[i].t, b->p[i].t, a->p[i].n * sizeof(a->p[i].t[0])))
			return false;
	return true;
}

static bool same_conn(const struct oak_conn *a, const struct oak_conn *b)
{
	unsigned int i;

	if (strcmp(a->name, b->name) || a->version != b->version || a->family != b->family ||
	    memcmp(a->laddr, b->laddr, 16) || a->remote_any != b->remote_any ||
	    (!a->remote_any && memcmp(a->raddr, b->raddr, 16)) || a->lport != b->lport ||
	    a->rport != b->rport || a->lid.type != b->lid.type || a->lid.len != b->lid.len ||
	    memcmp(a->lid.data, b->lid.data, a->lid.len) || a->rid.type != b->rid.type ||
	    a->rid.len != b->rid.len || memcmp(a->rid.data, b->rid.data, a->rid.len) ||
	    a->auth != b->auth || strcmp(a->secret, b->secret) ||
	    !same_proplist(&a->ike, &b->ike) || a->exchange != b->exchange ||
	    a->sha256_96 != b->sha256_96 || a->encap != b->encap ||
	    a->nat_keepalive != b->nat_keepalive ||
	    a->start != b->start || a->dpd != b->dpd || a->dpd_action != b->dpd_action ||
	    a->ike_rekey != b->ike_rekey || a->ike_lifetime != b->ike_lifetime ||
	    a->reauth != b->reauth || a->jitter != b->jitter || a->nchildren != b->nchildren)
		return false;
	for (i = 0; i < a->nchildren; i++) {
		const struct oak_child *x = &a->children[i], *y = &b->children[i];

		if (strcmp(x->name, y->name) || x->lts.n != y->lts.n || x->rts.n != y->rts.n ||
		    memcmp(x->lts.ts, y->lts.ts, x->lts.n * sizeof(x->lts.ts[0])) ||
		    memcmp(x->rts.ts, y->rts.ts, x->rts.n * sizeof(x->rts.ts[0])) ||
		    !same_proplist(&x->esp, &y->esp) || !same_proplist(&x->ah, &y->ah) ||
		    x->mode != y->mode || x->start != y->start || x->rekey != y->rekey ||
		    x->lifetime != y->lifetime || x->rekey_bytes != y->rekey_bytes ||
		    x->life_bytes != y->life_bytes || x->rekey_packets != y->rekey_packets ||
		    x->life_packets != y->life_packets)
			return false;
	}
	return true;
}

/* the offset of the first attribute of TYPE inside the nest at NEST (depth 1) */
static uint32_t find_attr(const struct oak_msg *b, const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == type)
			return (uint32_t)((const char *)a - b->buf);
	return 0;
}

static void round_trip(void)
{
	struct oak_config cfg, back = { 0 };
	struct oak_srcmap map = { 0 };
	const struct oak_srcent *s;
	const struct nlattr *a, *conn_b = NULL;
	struct oak_msg b;
	char err[512] = "", *j1, *j2;
	unsigned int i, nconn = 0, nsecret = 0;
	bool replace = false, psk_found = false;

	tap_ok(!sparse(&cfg, conf, err, sizeof(err)), "encode test config parses (%s)", err);
	oak_msg_init(&b, OAKLEY_CMD_LOAD, NLM_F_ACK);
	oak_msg_flag(&b, OAKLEY_A_REPLACE);
	tap_ok(!oak_encode_config(&b, &cfg, &map), "config encodes");
	tap_ok(((struct genlmsghdr *)mnl_nlmsg_get_payload(b.nlh))->cmd == OAKLEY_CMD_LOAD &&
	       (char *)b.nlh == b.buf && b.nlh->nlmsg_len <= b.cap, "message header");
	mnl_attr_for_each(a, b.nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case OAKLEY_A_REPLACE:
			replace = mnl_attr_get_payload_len(a) == 0;
			break;
		case OAKLEY_A_CONN:
			if (!nconn++)
				conn_b = a;
			tap_ok(a->nla_type & NLA_F_NESTED, "connection nest has NLA_F_NESTED");
			break;
		case OAKLEY_A_SECRET:
			nsecret++;
			psk_found = mnl_attr_get_payload_len(a) > 30 &&
				    memmem(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a),
					   "this is the secret 1234567890", 29);
			break;
		}
	}
	tap_ok(replace && nconn == 2 && nsecret == 1 && psk_found,
	       "REPLACE flag, 2 top-level CONN nests, 1 SECRET nest carrying the psk");
	tap_ok(!oak_decode_msg(b.nlh, &back) && back.nconns == 2,
	       "the show decoder reads the LOAD message back");
	for (i = 0; i < 2 && back.nconns == 2; i++)
		tap_ok(same_conn(&cfg.conns[i], &back.conns[i]), "connection %s round-trips",
		       cfg.conns[i].name);
	j1 = to_json(&cfg);
	j2 = to_json(&back);
	tap_streq(j2, j1, "JSON of the decoded message equals JSON of the parsed file");
	tap_ok(j1 && !strstr(j1, "this is the secret") && !strstr(j1, "\"psk\":"),
	       "JSON carries no secret");
	tap_streq(j1,
		  "[{\"name\":\"a\",\"version\":1,\"local\":\"192.0.2.1\",\"remote\":\"198.51.100.7\","
		  "\"local-id\":\"192.0.2.1\",\"remote-id\":\"198.51.100.7\",\"auth\":\"psk\","
		  "\"secret\":\"s1\",\"ike\":\"3des-sha1-prfsha1-modp1024\",\"exchange\":\"main\","
		  "\"sha256-96\":true,\"encap\":false,\"nat-keepalive\":20,\"start\":\"none\","
		  "\"dpd\":0,\"dpd-action\":\"clear\",\"ike-rekey\":14400,\"ike-lifetime\":15840,"
		  "\"reauth\":0,\"jitter\":10,\"children\":[]},"
		  "{\"name\":\"b\",\"version\":2,\"local\":\"[2001:db8::1]:4500\",\"remote\":\"%any\","
		  "\"local-id\":\"2001:db8::1\",\"remote-id\":\"peer \\\"x\\\"\",\"auth\":\"psk\","
		  "\"secret\":\"s1\",\"ike\":\"aes256gcm16-aes128gcm16-prfsha256-prfsha384-prfsha512-"
		  "x25519-ecp256-modp2048, aes256-aes128-sha256-sha384-sha512-prfsha256-prfsha384-"
		  "prfsha512-x25519-ecp256-modp2048\",\"sha256-96\":false,\"encap\":true,"
		  "\"nat-keepalive\":300,\"start\":\"none\","
		  "\"dpd\":30,"
		  "\"dpd-action\":\"clear\",\"ike-rekey\":14400,\"ike-lifetime\":15840,\"reauth\":0,"
		  "\"jitter\":10,\"children\":[{\"name\":\"one\",\"local-ts\":[\"2001:db8:1::/48[tcp/443]\"],"
		  "\"remote-ts\":[\"::/0\"],\"esp\":\"aes128-sha256-modp2048-esn\",\"ah\":null,"
		  "\"mode\":\"tunnel\",\"start\":\"none\",\"rekey\":3600,\"lifetime\":3960,"
		  "\"rekey-bytes\":0,\"life-bytes\":0,\"rekey-packets\":0,\"life-packets\":0},"
		  "{\"name\":\"two\",\"local-ts\":[\"2001:db8::1/128\"],\"remote-ts\":[\"::/0\"],"
		  "\"esp\":null,\"ah\":\"sha512\",\"mode\":\"transport\",\"start\":\"none\","
		  "\"rekey\":3600,\"lifetime\":3960,\"rekey-bytes\":0,\"life-bytes\":0,"
		  "\"rekey-packets\":0,\"life-packets\":0}]}]\n",
		  "golden JSON (sorted by name, defaults filled in)");
	free(j1);
	free(j2);

	/* an extack offset maps back to FILE:LINE: key */
	if (conn_b) {
		uint32_t off = find_attr(&b, conn_b, OAKLEY_CONN_A_REMOTE_ID);

		s = oak_srcmap_find(&map, off);
		tap_ok(s && s->key && !strcmp(s->key, "remote-id") && s->line == 6 &&
		       !strcmp(s->file, "t.conf"), "REMOTE_ID offset maps to t.conf:6 remote-id");
		off = find_attr(&b, conn_b, OAKLEY_CONN_A_DPD);
		s = oak_srcmap_find(&map, off);
		tap_ok(s && s->key && !strcmp(s->key, "dpd") && s->line == 3,
		       "a defaulted key maps to its section's line");
		off = (uint32_t)((const char *)conn_b - b.buf);
		s = oak_srcmap_find(&map, off);
		tap_ok(s && !s->key && !strcmp(s->section, "connection") && !strcmp(s->name, "b"),
		       "the nest itself maps to [connection b]");
		s = oak_srcmap_find(&map, off + 4 + 4 + 1);	/* inside the name's payload */
		tap_ok(s && !s->key && !strcmp(s->name, "b"), "an offset inside an attribute maps");
	}
	tap_ok(!oak_srcmap_find(&map, 0), "the header maps to nothing");
	oak_srcmap_free(&map);
	oak_msg_free(&b);
	oak_config_free(&back);
	oak_config_free(&cfg);
}

static void malformed(void)
{
	struct oak_config back = { 0 };
	struct oak_msg b;
	struct nlattr *n;

	oak_msg_init(&b, OAKLEY_CMD_CONN_GET, 0);
	n = mnl_attr_nest_start(b.nlh, OAKLEY_A_CONN);
	mnl_attr_put_u16(b.nlh, OAKLEY_CONN_A_VERSION, 2);	/* u8 expected */
	mnl_attr_nest_end(b.nlh, n);
	tap_ok(oak_decode_msg(b.nlh, &back) == -1, "a wrong-size attribute is rejected");
	oak_config_free(&back);
	oak_msg_free(&b);

	oak_msg_init(&b, OAKLEY_CMD_CONN_GET, 0);
	n = mnl_attr_nest_start(b.nlh, OAKLEY_A_CONN);
	mnl_attr_put_str(b.nlh, OAKLEY_CONN_A_NAME, "abc");	/* no NUL: still fine */
	mnl_attr_put_u16(b.nlh, 999, 1);			/* unknown: ignored */
	mnl_attr_nest_end(b.nlh, n);
	tap_ok(!oak_decode_msg(b.nlh, &back) && back.nconns == 1 &&
	       !strcmp(back.conns[0].name, "abc"), "unknown attributes are ignored");
	oak_config_free(&back);
	oak_msg_free(&b);
}

static void big_config(void)
{
	size_t cap = 16 << 20, o = 0;
	char *text = malloc(cap), err[512] = "";
	struct oak_config cfg, back = { 0 };
	struct oak_msg b;
	int i, nconn = 0, enc;
	const struct nlattr *a;
	bool nests_ok = true;
	clock_t t0 = clock();

	o += sprintf(text + o, "[secret s]\npsk = \"0123456789abcdef\"\n");
	for (i = 0; i < 10000; i++)
		o += sprintf(text + o, "[connection c%d]\nlocal = 192.0.2.1\nremote = 10.%d.%d.1\n"
			     "secret = s\n[child x]\nlocal-ts = 10.200.0.0/16\n"
			     "remote-ts = 10.%d.%d.0/24\n", i, i / 256, i % 256, i / 256, i % 256);
	tap_ok(!oak_config_parse_buf(&cfg, "big.conf", text, o, NULL, err, sizeof(err)) &&
	       cfg.nconns == 10000, "10,000 connections parse (%s)", err);
	oak_msg_init(&b, OAKLEY_CMD_LOAD, NLM_F_ACK);
	oak_msg_flag(&b, OAKLEY_A_REPLACE);
	enc = oak_encode_config(&b, &cfg, NULL);
	tap_ok(!enc, "10,000 connections encode into one message (%u bytes)", b.nlh->nlmsg_len);
	mnl_attr_for_each(a, b.nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != OAKLEY_A_CONN)
			continue;
		nconn++;
		if (a->nla_len < 8 || !(a->nla_type & NLA_F_NESTED))
			nests_ok = false;
	}
	tap_ok(nconn == 10000 && nests_ok, "one top-level CONN nest per connection");
	tap_ok(!oak_decode_msg(b.nlh, &back) && back.nconns == 10000,
	       "and they decode back");
	tap_diag("parse+encode+decode of 10,000 connections: %.2fs",
		 (double)(clock() - t0) / CLOCKS_PER_SEC);
	oak_msg_free(&b);
	oak_config_free(&back);
	oak_config_free(&cfg);
	free(text);
}

static void too_big(void)
{
	struct oak_config cfg;
	char *text = malloc(1 << 20), err[512] = "";
	size_t o = 0;
	struct oak_msg b;
	int i, k;

	o += sprintf(text + o, "[secret s]\npsk = \"0123456789abcdef\"\n[connection c]\n"
		     "local = 192.0.2.1\nremote = 198.51.100.1\nsecret = s\n");
	for (i = 0; i < 64; i++) {
		o += sprintf(text + o, "[child c%d]\nesp = ", i);
		for (k = 0; k < 16; k++)
			o += sprintf(text + o, "%saes128-aes192-aes256-sha256-sha384-sha512-"
				     "modp2048-modp3072-modp4096-ecp256-ecp384-x25519-esn-noesn",
				     k ? "," : "");
		o += sprintf(text + o, "\n");
	}
	tap_ok(!oak_config_parse_buf(&cfg, "t.conf", text, o, NULL, err, sizeof(err)),
	       "a huge connection parses (%s)", err);
	oak_msg_init(&b, OAKLEY_CMD_LOAD, NLM_F_ACK);
	tap_ok(oak_encode_config(&b, &cfg, NULL) == -1 && b.too_big,
	       "a connection over 64 KiB is refused, not truncated");
	oak_msg_free(&b);
	oak_config_free(&cfg);
	free(text);
}

void test_encode(void)
{
	round_trip();
	malformed();
	big_config();
	too_big();
}

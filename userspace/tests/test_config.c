// SPDX-License-Identifier: GPL-2.0
/* the config parser: valid files, defaults, include, quoting, every error */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "format.h"
#include "proposal.h"
#include "tap.h"

#define PSK "[secret s]\npsk = \"0123456789abcdef\"\n"

static const char *everything =
	"# every key, once\n"
	"[secret s1]\n"
	"psk = 0x000102030405060708090a0b0c0d0e0f\n"
	"\n"
	"[connection full]\n"
	"version = 2\n"
	"local = 192.0.2.1:4500   # NAT-T port\n"
	"remote = 198.51.100.7:4501\n"
	"local-id = gw.example.org\n"
	"remote-id = alice@example.org\n"
	"auth = psk\n"
	"secret = s1\n"
	"ike = aes128-sha256-modp2048, aes256gcm16-prfsha384-x25519\n"
	"start = trap\n"
	"dpd = 1m\n"
	"dpd-action = restart\n"
	"ike-rekey = 2h\n"
	"ike-lifetime = 3h\n"
	"reauth = 1d\n"
	"jitter = 5%\n"
	"sha256-96 = yes\n"
	"\n"
	"[child c1]\n"
	"local-ts = 10.1.0.0/16, 10.3.0.0/16[tcp/443]\n"
	"remote-ts = 10.2.0.0/16\n"
	"esp = aes128-sha256-modp2048\n"
	"mode = transport\n"
	"start = none\n"
	"rekey = 30m\n"
	"lifetime = 40m\n"
	"rekey-bytes = 500M\n"
	"life-bytes = 1G\n"
	"rekey-packets = 1000000\n"
	"life-packets = 2000000\n"
	"\n"
	"[child c2]\n"
	"ah = sha256\n"
	"\n"
	"[connection v1]\n"
	"version = 1\n"
	"exchange = aggressive\n"
	"local = 192.0.2.1\n"
	"remote = 198.51.100.8\n"
	"secret = s1\n";

static void every_key(void)
{
	struct oak_config cfg;
	struct oak_conn *c;
	struct oak_child *h;
	char err[512] = "", *s;

	tap_ok(!sparse(&cfg, everything, err, sizeof(err)), "file with every key parses (%s)",
	       err);
	tap_ok(cfg.nconns == 2 && cfg.nsecrets == 1, "2 connections, 1 secret");
	if (cfg.nconns != 2 || cfg.nsecrets != 1)
		goto out;
	tap_ok(cfg.secrets[0].len == 16 && cfg.secrets[0].psk[15] == 15, "hex psk decoded");
	c = &cfg.conns[0];
	tap_ok(!strcmp(c->name, "full") && c->version == 2 && c->family == AF_INET &&
	       c->lport == 4500 && c->rport == 4501 && !c->remote_any, "endpoints");
	tap_ok(c->lid.type == OAKLEY_ID_FQDN && c->lid.len == 14 &&
	       !memcmp(c->lid.data, "gw.example.org", 14), "local-id FQDN");
	tap_ok(c->rid.type == OAKLEY_ID_RFC822_ADDR, "remote-id RFC822");
	tap_ok(c->auth == OAKLEY_AUTH_PSK && !strcmp(c->secret, "s1"), "auth, secret");
	s = oak_proposals_string(&c->ike);
	tap_streq(s, "aes128-sha256-prfsha256-modp2048, aes256gcm16-prfsha384-x25519", "ike");
	free(s);
	tap_ok(c->start == OAKLEY_START_TRAP && c->dpd == 60 &&
	       c->dpd_action == OAKLEY_DPD_RESTART && c->ike_rekey == 7200 &&
	       c->ike_lifetime == 10800 && c->reauth == 86400 && c->jitter == 5 && !c->exchange,
	       "start, dpd, dpd-action, ike-rekey, ike-lifetime, reauth, jitter");
	tap_ok(c->nchildren == 2, "two children");
	if (c->nchildren != 2)
		goto out;
	h = &c->children[0];
	tap_ok(h->lts.n == 2 && h->lts.ts[1].proto == 6 && h->lts.ts[1].port == 443 &&
	       h->lts.ts[1].prefixlen == 16 && h->rts.n == 1, "selector lists");
	s = oak_proposals_string(&h->esp);
	tap_streq(s, "aes128-sha256-modp2048", "esp");
	free(s);
	tap_ok(!h->ah.n && h->mode == OAKLEY_MODE_TRANSPORT && h->start == OAKLEY_START_NONE &&
	       h->rekey == 1800 && h->lifetime == 2400 && h->rekey_bytes == 500ull << 20 &&
	       h->life_bytes == 1ull << 30 && h->rekey_packets == 1000000 &&
	       h->life_packets == 2000000, "child keys");
	h = &c->children[1];
	s = oak_proposals_string(&h->ah);
	tap_streq(s, "sha256", "ah");
	free(s);
	tap_ok(!h->esp.n && h->start == OAKLEY_START_TRAP, "ah child has no esp; start inherited");
	c = &cfg.conns[1];
	tap_ok(c->version == 1 && c->exchange == OAKLEY_EXCHANGE_AGGRESSIVE, "IKEv1 aggressive");
	tap_ok(cfg.conns[0].sha256_96 == 1 && !c->sha256_96, "sha256-96 = yes; default no");
out:
	oak_config_free(&cfg);
}

static void defaults(void)
{
	struct oak_config cfg;
	struct oak_conn *c;
	struct oak_child *h;
	char err[512] = "", *s, buf[128];

	tap_ok(!sparse(&cfg, PSK "[connection a]\nlocal = 192.0.2.1\nremote = 198.51.100.7\n"
		       "secret = s\n[child x]\n[connection v1]\nversion=1\nlocal = 192.0.2.1\n"
		       "remote = 198.51.100.9\nsecret = s\n",
		       err, sizeof(err)), "minimal file parses (%s)", err);
	if (cfg.nconns != 2 || cfg.conns[0].nchildren != 1)
		goto out;
	c = &cfg.conns[0];
	tap_ok(c->version == 2 && c->lport == 500 && c->rport == 500 &&
	       c->auth == OAKLEY_AUTH_PSK && !c->exchange, "version 2, ports 500, psk");
	oak_fmt_id(buf, sizeof(buf), &c->lid);
	tap_streq(buf, "192.0.2.1", "local-id defaults to the local address");
	tap_ok(c->lid.type == OAKLEY_ID_IPV4_ADDR, "... as ID_IPV4_ADDR");
	oak_fmt_id(buf, sizeof(buf), &c->rid);
	tap_streq(buf, "198.51.100.7", "remote-id defaults to the remote address");
	s = oak_proposals_string(&c->ike);
	tap_streq(s, "aes256gcm16-aes128gcm16-prfsha256-prfsha384-prfsha512-x25519-ecp256-modp2048, "
		  "aes256-aes128-sha256-sha384-sha512-prfsha256-prfsha384-prfsha512-x25519-ecp256-"
		  "modp2048", "default ike");
	free(s);
	tap_ok(c->start == OAKLEY_START_NONE && c->dpd == 30 && c->dpd_action == OAKLEY_DPD_CLEAR &&
	       c->ike_rekey == 14400 && c->ike_lifetime == 15840 && !c->reauth && c->jitter == 10,
	       "start none, dpd 30s clear, ike-rekey 4h, ike-lifetime +10%%, reauth 0, jitter 10");
	h = &c->children[0];
	oak_fmt_ts(buf, sizeof(buf), &h->lts.ts[0]);
	tap_streq(buf, "192.0.2.1/32", "local-ts defaults to local/32");
	oak_fmt_ts(buf, sizeof(buf), &h->rts.ts[0]);
	tap_streq(buf, "198.51.100.7/32", "remote-ts defaults to remote/32");
	s = oak_proposals_string(&h->esp);
	tap_streq(s, "aes256gcm16, aes128-sha256", "default esp");
	free(s);
	tap_ok(!h->ah.n && h->mode == OAKLEY_MODE_TUNNEL && h->start == OAKLEY_START_NONE &&
	       h->rekey == 3600 && h->lifetime == 3960 && !h->rekey_bytes && !h->life_bytes &&
	       !h->rekey_packets && !h->life_packets, "child defaults");
	tap_ok(cfg.conns[1].exchange == OAKLEY_EXCHANGE_MAIN, "IKEv1 exchange defaults to main");
	oak_config_free(&cfg);

	tap_ok(!sparse(&cfg, PSK "[connection rw]\nlocal = 192.0.2.1\nremote = %any\nsecret = s\n"
		       "ike-rekey = 1000\n[child x]\nrekey = 100\nstart = start\n", err,
		       sizeof(err)), "roadwarrior responder parses (%s)", err);
	if (cfg.nconns != 1 || cfg.conns[0].nchildren != 1)
		goto out;
	c = &cfg.conns[0];
	tap_ok(c->remote_any && c->rid.type == OAKLEY_ID_ANY && c->ike_lifetime == 1100,
	       "remote %%any: remote-id %%any, ike-lifetime follows ike-rekey");
	oak_fmt_ts(buf, sizeof(buf), &c->children[0].rts.ts[0]);
	tap_streq(buf, "0.0.0.0/0", "remote-ts defaults to 0.0.0.0/0 for %%any");
	tap_ok(c->children[0].lifetime == 110 && c->children[0].start == OAKLEY_START_START,
	       "child lifetime follows rekey; child start overrides");
	oak_config_free(&cfg);

	tap_ok(!sparse(&cfg, PSK "[connection v6]\nlocal = [2001:db8::1]:4500\n"
		       "remote = 2001:db8::2\nsecret = s\n[child x]\n", err, sizeof(err)),
	       "IPv6 connection parses (%s)", err);
	if (cfg.nconns != 1 || cfg.conns[0].nchildren != 1)
		goto out;
	c = &cfg.conns[0];
	tap_ok(c->family == AF_INET6 && c->lport == 4500 && c->rport == 500 &&
	       c->lid.type == OAKLEY_ID_IPV6_ADDR, "IPv6 endpoints and ID");
	oak_fmt_ts(buf, sizeof(buf), &c->children[0].rts.ts[0]);
	tap_streq(buf, "2001:db8::2/128", "IPv6 remote-ts default /128");
out:
	oak_config_free(&cfg);
}

static void syntax(void)
{
	struct oak_config cfg;
	char err[512] = "", warn[512];
	struct vfile f[] = {
		{ "t.conf",
		  "  # indented comment\r\n"
		  "\t[secret  q1 ]   # comment after a header\r\n"
		  "psk=\"a # not a comment, \\\"quoted\\\" \\\\ \"  # a comment\r\n"
		  "[secret q2]\n"
		  "psk = base64:MDEyMzQ1Njc4OWFiY2RlZg==\n"
		  "[secret q3]\n"
		  "psk = \"0x00\"\n"
		  "[connection c]\n"
		  "local=192.0.2.1\n"
		  "remote =198.51.100.7\n"
		  "secret= q1\n"
		  "ike = \"aes128-sha256-modp2048 , aes256-sha512-ecp384\"\n"
		  "[child x]\n"
		  "local-ts = 10.1.0.0/24 ,10.1.1.0/24,   10.1.2.0/24\n"
		  "remote-ts=\"10.2.0.0/16\"\n"
		  "\n" },
		{ NULL, NULL },
	};

	tap_ok(!vparse(&cfg, f, err, sizeof(err), warn, sizeof(warn)),
	       "comments, quoting, CRLF, spacing (%s)", err);
	if (cfg.nsecrets == 3) {
		tap_ok(cfg.secrets[0].len == 30 &&
		       !memcmp(cfg.secrets[0].psk, "a # not a comment, \"quoted\" \\ ", 30),
		       "quoted value keeps # and spaces, unescapes \\\" and \\\\");
		tap_ok(cfg.secrets[1].len == 16 && !memcmp(cfg.secrets[1].psk, "0123456789abcdef", 16),
		       "base64 psk");
		tap_ok(cfg.secrets[2].len == 4 && !memcmp(cfg.secrets[2].psk, "0x00", 4),
		       "quoted \"0x00\" is text");
		tap_streq(warn, "t.conf:7: key 'psk': warning: secret 'q3' is shorter than 16 bytes\n",
			  "short psk warns (and only it)");
	} else {
		tap_ok(false, "3 secrets");
	}
	if (cfg.nconns == 1 && cfg.conns[0].nchildren == 1) {
		tap_ok(cfg.conns[0].ike.n == 2, "quoted list");
		tap_ok(cfg.conns[0].children[0].lts.n == 3, "list with whitespace");
		tap_ok(cfg.conns[0].children[0].lts.ts[2].addr[2] == 2, "third selector");
	} else {
		tap_ok(false, "connection c");
	}
	oak_config_free(&cfg);
}

static void includes(void)
{
	struct oak_config cfg;
	char err[512] = "", warn[512];
	struct vfile ok[] = {
		{ "/etc/oak/gw.conf",
		  "include = secrets/psk.conf\n"
		  "[connection a]\nlocal = 192.0.2.1\nremote = 198.51.100.7\nsecret = s\n"
		  "include = /abs/more.conf\n"
		  "[connection c]\nlocal = 192.0.2.1\nremote = 198.51.100.9\nsecret = s\n" },
		{ "/etc/oak/secrets/psk.conf", "[secret s]\npsk = \"0123456789abcdef\"\n" },
		{ "/abs/more.conf", "[connection b]\nlocal = 192.0.2.1\nremote = 198.51.100.8\n"
		  "secret = s\ninclude = deeper.conf\n" },
		{ "/abs/deeper.conf", "# only a comment\n" },
		{ NULL, NULL },
	};
	struct vfile bad[] = {
		{ "dir/main.conf", "[connection a]\nlocal = 192.0.2.1\n"
		  "remote = 198.51.100.7\nsecret = s\ninclude = sub.conf\n" },
		{ "dir/sub.conf", "[secret s]\npsk = \"0123456789abcdef\"\n\nbogus = 1\n" },
		{ NULL, NULL },
	};
	struct vfile missing[] = {
		{ "main.conf", "\n\ninclude = nowhere.conf\n" }, { NULL, NULL },
	};
	struct vfile loop[] = {
		{ "a.conf", "include = a.conf\n" }, { NULL, NULL },
	};
	struct vfile child_after[] = {
		{ "a.conf", PSK "[connection a]\nlocal = 192.0.2.1\nremote = 198.51.100.7\n"
		  "secret = s\ninclude = b.conf\n[child x]\n" },
		{ "b.conf", "" }, { NULL, NULL },
	};
	struct vfile key_in_include[] = {
		{ "a.conf", PSK "include = b.conf\n" },
		{ "b.conf", "psk = \"0123456789abcdef\"\n" }, { NULL, NULL },
	};

	tap_ok(!vparse(&cfg, ok, err, sizeof(err), warn, sizeof(warn)),
	       "relative and absolute includes (%s)", err);
	tap_ok(cfg.nconns == 3 && cfg.nsecrets == 1 && !strcmp(cfg.conns[1].name, "b") &&
	       !strcmp(cfg.conns[1].file, "/abs/more.conf") && cfg.conns[1].line == 1,
	       "included sections are read in place, with their own file names");
	oak_config_free(&cfg);
	vparse(&cfg, bad, err, sizeof(err), warn, sizeof(warn));
	tap_streq(err, "dir/sub.conf:4: key 'bogus': unknown key in [secret]",
		  "error in an included file names that file");
	oak_config_free(&cfg);
	vparse(&cfg, missing, err, sizeof(err), warn, sizeof(warn));
	tap_streq(err, "main.conf:3: key 'include': cannot read 'nowhere.conf': No such file or "
		  "directory", "missing include");
	oak_config_free(&cfg);
	vparse(&cfg, loop, err, sizeof(err), warn, sizeof(warn));
	tap_streq(err, "a.conf:1: key 'include': includes nested deeper than 8",
		  "include loop stops");
	oak_config_free(&cfg);
	vparse(&cfg, child_after, err, sizeof(err), warn, sizeof(warn));
	tap_streq(err, "a.conf:8: key '[child x]': child section must follow its connection",
		  "an include ends the section above it");
	oak_config_free(&cfg);
	vparse(&cfg, key_in_include, err, sizeof(err), warn, sizeof(warn));
	tap_streq(err, "b.conf:1: key 'psk': outside any section",
		  "an included file starts outside any section");
	oak_config_free(&cfg);
}

#define CONN "[connection c]\nlocal = 192.0.2.1\nremote = 198.51.100.7\nsecret = s\n"
/* PSK is lines 1-2, CONN lines 3-6: the first line after them is 7 */

static const struct {
	const char *text;
	const char *err;
} errors[] = {
	{ "[foo bar]\n", "t.conf:1: key '[foo bar]': unknown section 'foo'" },
	{ "[connection]\n", "t.conf:1: key '[connection]': bad name '' (1-32 of A-Z a-z 0-9 _ . -)" },
	{ "[connection a b]\n",
	  "t.conf:1: key '[connection a b]': bad name 'a b' (1-32 of A-Z a-z 0-9 _ . -)" },
	{ "[connection aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n",
	  "t.conf:1: key '[connection aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]': bad name "
	  "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' (1-32 of A-Z a-z 0-9 _ . -)" },
	{ "[connection c\n", "t.conf:1: key '[connection c': unterminated section header" },
	{ "[secret s] x\n", "t.conf:1: key '[secret s]': unexpected text after section header" },
	{ PSK CONN "foo = 1\n", "t.conf:7: key 'foo': unknown key in [connection]" },
	{ PSK CONN "[child x]\nike = aes128-sha256-modp2048\n",
	  "t.conf:8: key 'ike': unknown key in [child]" },
	{ PSK "local = 192.0.2.1\n", "t.conf:3: key 'local': unknown key in [secret]" },
	{ "local = 192.0.2.1\n", "t.conf:1: key 'local': outside any section" },
	{ PSK CONN "this is not a key\n", "t.conf:7: key 'this': expected 'key = value'" },
	{ PSK CONN "Local = 192.0.2.1\n", "t.conf:7: key 'Local': expected 'key = value'" },
	{ PSK CONN "= 1\n", "t.conf:7: key '': expected 'key = value'" },
	{ PSK CONN "dpd =\n", "t.conf:7: key 'dpd': missing value" },
	{ PSK CONN "dpd = # nothing\n", "t.conf:7: key 'dpd': missing value" },
	{ PSK CONN "remote-id = \"unterminated\n", "t.conf:7: key 'remote-id': unterminated quote" },
	{ PSK CONN "remote-id = \"a\" b\n",
	  "t.conf:7: key 'remote-id': unexpected text after closing quote" },
	{ PSK CONN "dpd = 10s\ndpd = 20s\n", "t.conf:8: key 'dpd': set twice (first on line 7)" },
	/* [limits] */
	{ "[limits x]\n", "t.conf:1: key '[limits x]': [limits] takes no name" },
	{ "[limits]\n[limits]\n",
	  "t.conf:2: key '[limits]': duplicate [limits] section (first at t.conf:1)" },
	{ "[limits]\nhalf-open = 3\n", "t.conf:2: key 'half-open': unknown key in [limits]" },
	{ "[limits]\nhalf-open-max = 0\n", "t.conf:2: key 'half-open-max': must be at least 1" },
	{ "[limits]\ninit-burst = 0\n", "t.conf:2: key 'init-burst': must be at least 1" },
	{ "[limits]\ninit-rate = 4294967296\n",
	  "t.conf:2: key 'init-rate': bad number '4294967296' (use 0 to 4294967295)" },
	{ "[limits]\nhalf-open-cookie = 10k\n",
	  "t.conf:2: key 'half-open-cookie': bad number '10k' (use 0 to 4294967295)" },
	{ "[limits]\nhalf-open-bytes = 63K\n",
	  "t.conf:2: key 'half-open-bytes': must be at least 64K" },
	{ "[limits]\nhalf-open-bytes = 1T\n",
	  "t.conf:2: key 'half-open-bytes': bad size '1T' (use e.g. 500K, 10M, 1G)" },
	{ "[limits]\ninit-rate = 1\ninit-rate = 2\n",
	  "t.conf:3: key 'init-rate': set twice (first on line 2)" },
	{ "[secret s]\npsk = \"0123456789abcdef\"\npsk = \"0123456789abcdef\"\n",
	  "t.conf:3: key 'psk': set twice (first on line 2)" },
	/* duplicates and ordering */
	{ PSK CONN CONN, "t.conf:7: key '[connection c]': duplicate connection 'c' (first at t.conf:3)" },
	{ PSK PSK CONN, "t.conf:3: key '[secret s]': duplicate secret 's' (first at t.conf:1)" },
	{ PSK CONN "[child x]\n[child y]\n[child x]\n",
	  "t.conf:9: key '[child x]': duplicate child 'c/x' (first at line 7)" },
	{ PSK "[child x]\n", "t.conf:3: key '[child x]': child section before any connection" },
	{ PSK CONN "[secret t]\npsk = \"0123456789abcdef\"\n[child x]\n",
	  "t.conf:9: key '[child x]': child section must follow its connection" },
	/* required keys and cross-references */
	{ PSK "[connection c]\nremote = 198.51.100.7\nsecret = s\n",
	  "t.conf:3: key 'local': required in [connection c]" },
	{ PSK "[connection c]\nlocal = 192.0.2.1\nsecret = s\n",
	  "t.conf:3: key 'remote': required in [connection c]" },
	{ PSK "[connection c]\nlocal = 192.0.2.1\nremote = 198.51.100.7\n[child x]\n",
	  "t.conf:3: key 'secret': required for auth = psk in [connection c]" },
	{ "[connection c]\nlocal = 192.0.2.1\nremote = 198.51.100.7\nsecret = nope\n",
	  "t.conf:4: key 'secret': no [secret nope] section" },
	{ "[secret s]\n[connection c]\n", "t.conf:1: key 'psk': required in [secret s]" },
	{ PSK "[connection c]\nlocal = 192.0.2.1\nremote = 2001:db8::1\nsecret = s\n",
	  "t.conf:5: key 'remote': address family differs from local (IPv4)" },
	{ PSK "[connection c]\nremote = 198.51.100.7\nlocal = 2001:db8::1\nsecret = s\n",
	  "t.conf:4: key 'remote': address family differs from local (IPv6)" },
	{ PSK CONN "exchange = main\n", "t.conf:7: key 'exchange': only for version = 1" },
	{ PSK CONN "[child x]\nesp = aes256gcm16\nah = sha256\n",
	  "t.conf:9: key 'ah': esp and ah cannot both be set" },
	{ PSK CONN "ike-rekey = 4h\nike-lifetime = 1h\n",
	  "t.conf:8: key 'ike-lifetime': shorter than ike-rekey" },
	{ PSK CONN "[child x]\nlifetime = 10m\n", "t.conf:8: key 'lifetime': shorter than rekey" },
	{ PSK CONN "[child x]\nrekey-bytes = 2G\nlife-bytes = 1G\n",
	  "t.conf:9: key 'life-bytes': smaller than rekey-bytes" },
	{ PSK CONN "[child x]\nlife-packets = 10\nrekey-packets = 100\n",
	  "t.conf:8: key 'life-packets': smaller than rekey-packets" },
	/* bad values, one per type */
	{ PSK CONN "version = 3\n", "t.conf:7: key 'version': bad version '3' (use 1 or 2)" },
	{ PSK "[connection c]\nlocal = 192.0.2.300\n",
	  "t.conf:4: key 'local': bad address '192.0.2.300'" },
	{ PSK "[connection c]\nlocal = %any\n", "t.conf:4: key 'local': bad address '%any'" },
	{ PSK "[connection c]\nlocal = 192.0.2.1:99999\n",
	  "t.conf:4: key 'local': bad address '192.0.2.1:99999'" },
	{ PSK "[connection c]\nremote = peer.example.org\n",
	  "t.conf:4: key 'remote': bad address 'peer.example.org'" },
	{ PSK CONN "local-id = %any\n",
	  "t.conf:7: key 'local-id': %any is only allowed in remote-id" },
	{ PSK CONN "remote-id = @\n", "t.conf:7: key 'remote-id': empty identity" },
	{ PSK CONN "auth = cert\n", "t.conf:7: key 'auth': bad value 'cert' (use psk or pubkey)" },
	{ PSK CONN "auth = pubkey\n", "t.conf:6: key 'secret': only for auth = psk" },
	{ PSK CONN "auth = pubkey\nremote-auth = psk\n",
	  "t.conf:3: key 'cert': required for auth = pubkey in [connection c]" },
	{ PSK CONN "remote-auth = pubkey\n",
	  "t.conf:3: key 'ca': remote-auth = pubkey needs a [ca] section" },
	{ PSK CONN "version = 1\nremote-auth = pubkey\n",
	  "t.conf:8: key 'remote-auth': pubkey is not implemented for version = 1 yet" },
	{ PSK CONN "version = 1\n[child x]\nesp = aes128-sha256\n[child y]\nah = sha256\n",
	  "t.conf:11: key 'ah': ah is not implemented for version = 1 yet" },
	{ PSK CONN "[child x]\nah = sha256\n[connection d]\nlocal = 192.0.2.1\n"
	  "remote = 198.51.100.8\nsecret = s\nversion = 1\n[child y]\nah = sha256\n",
	  "t.conf:15: key 'ah': ah is not implemented for version = 1 yet" },
	{ PSK CONN "cert = /nonexistent/oak.pem\n",
	  "t.conf:7: key 'cert': cannot read '/nonexistent/oak.pem': No such file or directory" },
	{ PSK CONN "key = k\n", "t.conf:7: key 'key': only for auth = pubkey" },
	{ PSK CONN "key = a/b\n", "t.conf:7: key 'key': bad key name 'a/b'" },
	{ PSK CONN "ca = a, b\n", "t.conf:7: key 'ca': only for remote-auth = pubkey" },
	{ PSK CONN "ca = a, b/c\n", "t.conf:7: key 'ca': bad ca name 'b/c'" },
	{ PSK "[key s]\n", "t.conf:3: key '[key s]': duplicate secret 's' (first at t.conf:1)" },
	{ "[key k]\n", "t.conf:1: key 'file': required in [key k]" },
	{ "[key k]\npsk = x\n", "t.conf:2: key 'psk': unknown key in [key]" },
	{ "[ca r]\n", "t.conf:1: key 'file': required in [ca r]" },
	{ "[ca r]\nfile = /nonexistent/ca.pem\n",
	  "t.conf:2: key 'file': cannot read '/nonexistent/ca.pem': No such file or directory" },
	{ PSK "[connection c]\nlocal = 192.0.2.1\nremote = 198.51.100.7\nsecret = s\n"
	  "remote-auth = pubkey\nca = r\n", "t.conf:8: key 'ca': no [ca r] section" },
	{ PSK "[connection c]\nsecret = a/b\n", "t.conf:4: key 'secret': bad secret name 'a/b'" },
	{ PSK CONN "ike = aes128-md5-modp2048\n",
	  "t.conf:7: key 'ike': 'md5' is refused: broken (RFC 8247)" },
	{ PSK CONN "ike = des-sha1-modp1024\n",
	  "t.conf:7: key 'ike': 'des' is refused: broken (RFC 8247)" },
	{ PSK CONN "[child x]\nesp = 3des-md5\n",
	  "t.conf:8: key 'esp': 'md5' is refused: broken (RFC 8247)" },
	{ PSK CONN "sha256-96 = 1\n", "t.conf:7: key 'sha256-96': bad value '1' (use yes or no)" },
	{ PSK CONN "ike = aes128-sha256\n",
	  "t.conf:7: key 'ike': proposal 'aes128-sha256' has no DH group" },
	{ PSK CONN "ike = aes256gcm16-x25519\n",
	  "t.conf:7: key 'ike': proposal 'aes256gcm16-x25519' has no PRF (add e.g. prfsha256)" },
	{ PSK CONN "version = 1\nexchange = quick\n",
	  "t.conf:8: key 'exchange': bad value 'quick' (use main or aggressive)" },
	{ PSK CONN "start = yes\n", "t.conf:7: key 'start': bad value 'yes' (use none, start or trap)" },
	{ PSK CONN "dpd = 30x\n", "t.conf:7: key 'dpd': bad duration '30x' (use e.g. 30s, 5m, 4h, 1d)" },
	{ PSK CONN "dpd-action = hold\n",
	  "t.conf:7: key 'dpd-action': bad value 'hold' (use clear, restart or trap)" },
	{ PSK CONN "ike-rekey = -1\n",
	  "t.conf:7: key 'ike-rekey': bad duration '-1' (use e.g. 30s, 5m, 4h, 1d)" },
	{ PSK CONN "ike-lifetime = 1y\n",
	  "t.conf:7: key 'ike-lifetime': bad duration '1y' (use e.g. 30s, 5m, 4h, 1d)" },
	{ PSK CONN "reauth = 100000d\n",
	  "t.conf:7: key 'reauth': bad duration '100000d' (use e.g. 30s, 5m, 4h, 1d)" },
	{ PSK CONN "jitter = 101%\n", "t.conf:7: key 'jitter': bad percentage '101%' (use 0% to 100%)" },
	{ PSK CONN "[child x]\nlocal-ts = 10.1.0.0/16,\n",
	  "t.conf:8: key 'local-ts': empty traffic selector" },
	{ PSK CONN "[child x]\nremote-ts = 10.2.0.1/16\n",
	  "t.conf:8: key 'remote-ts': host bits set in '10.2.0.1/16'" },
	{ PSK CONN "[child x]\nremote-ts = 10.2.0.0/16[tcp/http]\n",
	  "t.conf:8: key 'remote-ts': bad traffic selector '10.2.0.0/16[tcp/http]'" },
	{ PSK CONN "[child x]\nesp = aes128\n",
	  "t.conf:8: key 'esp': proposal 'aes128' has no integrity algorithm" },
	{ PSK CONN "[child x]\nesp = blowfish-sha256\n",
	  "t.conf:8: key 'esp': unknown algorithm 'blowfish'" },
	{ PSK CONN "[child x]\nah = aes128-sha256\n",
	  "t.conf:8: key 'ah': 'aes128' is not allowed in ah proposals" },
	{ PSK CONN "[child x]\nmode = beet\n",
	  "t.conf:8: key 'mode': bad value 'beet' (use tunnel or transport)" },
	{ PSK CONN "[child x]\nstart = always\n",
	  "t.conf:8: key 'start': bad value 'always' (use none, start or trap)" },
	{ PSK CONN "[child x]\nrekey = 1 h\n",
	  "t.conf:8: key 'rekey': bad duration '1 h' (use e.g. 30s, 5m, 4h, 1d)" },
	{ PSK CONN "[child x]\nlifetime = h\n",
	  "t.conf:8: key 'lifetime': bad duration 'h' (use e.g. 30s, 5m, 4h, 1d)" },
	{ PSK CONN "[child x]\nrekey-bytes = 1T\n",
	  "t.conf:8: key 'rekey-bytes': bad size '1T' (use e.g. 500K, 10M, 1G)" },
	{ PSK CONN "[child x]\nlife-bytes = 1.5G\n",
	  "t.conf:8: key 'life-bytes': bad size '1.5G' (use e.g. 500K, 10M, 1G)" },
	{ PSK CONN "[child x]\nrekey-packets = lots\n",
	  "t.conf:8: key 'rekey-packets': bad size 'lots' (use e.g. 500K, 10M, 1G)" },
	{ PSK CONN "[child x]\nlife-packets = 18446744073709551616\n",
	  "t.conf:8: key 'life-packets': bad size '18446744073709551616' (use e.g. 500K, 10M, 1G)" },
	{ "[secret s]\npsk = 0xabc\n", "t.conf:2: key 'psk': bad hex secret" },
	{ "[secret s]\npsk = base64:!!\n", "t.conf:2: key 'psk': bad base64 secret" },
	{ "[secret s]\npsk = \"\"\n", "t.conf:2: key 'psk': empty secret" },
};

static void error_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct oak_config cfg;
		char err[512] = "";
		int r = sparse(&cfg, errors[i].text, err, sizeof(err));

		tap_ok(r == -1, "error %zu is an error", i);
		tap_streq(err, errors[i].err, "error %zu text", i);
		oak_config_free(&cfg);
	}
}

static void nul_and_limits(void)
{
	static const char withnul[] = "[secret s]\npsk = \"ab\0cd\"\n";
	struct oak_config cfg;
	char err[512], *big;
	size_t o = 0;
	int i;

	oak_config_parse_buf(&cfg, "n.conf", withnul, sizeof(withnul) - 1, NULL, err, sizeof(err));
	tap_streq(err, "n.conf:2: key '': NUL byte in line", "NUL byte is rejected");
	oak_config_free(&cfg);

	big = malloc(64 * 1024);
	o += sprintf(big + o, PSK CONN);
	for (i = 0; i < 65; i++)
		o += sprintf(big + o, "[child c%d]\n", i);
	sparse(&cfg, big, err, sizeof(err));
	tap_streq(err, "t.conf:71: key '[child c64]': more than 64 children in connection 'c'",
		  "65th child is rejected");
	oak_config_free(&cfg);
	o = sprintf(big, PSK CONN "[child x]\nlocal-ts = ");
	for (i = 0; i < 17; i++)
		o += sprintf(big + o, "%s10.%d.0.0/16", i ? "," : "", i);
	sprintf(big + o, "\n");
	sparse(&cfg, big, err, sizeof(err));
	tap_streq(err, "t.conf:8: key 'local-ts': more than 16 traffic selectors",
		  "17 selectors are rejected");
	oak_config_free(&cfg);
	free(big);
}

static void allow_missing(void)
{
	struct oak_parse_opts opts = { .allow_missing_secret = true };
	static const char text[] = "[connection c]\nlocal = 192.0.2.1\nremote = 198.51.100.7\n"
				   "secret = elsewhere\n";
	struct oak_config cfg;
	char err[256];

	tap_ok(!oak_config_parse_buf(&cfg, "a.conf", text, strlen(text), &opts, err,
				     sizeof(err)), "`oak add` may name a secret the kernel has");
	oak_config_free(&cfg);
}

static void examples(void)
{
	static const char *const files[] = { "site-to-site.conf", "roadwarrior.conf", "ipv6.conf" };
	char path[512], err[512] = "";
	struct oak_config cfg;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, files[i]);
		tap_ok(!oak_config_parse_file(&cfg, path, NULL, err, sizeof(err)) && cfg.nconns,
		       "examples/%s parses (%s)", files[i], err);
		oak_config_free(&cfg);
	}
}

/* [limits]: the keys set are marked, the others left to the kernel */
static void limits(void)
{
	struct oak_config cfg;
	char err[512];

	tap_ok(!sparse(&cfg, PSK CONN "[limits]\nhalf-open-bytes = 2M\nhalf-open-cookie = 0\n"
		       "init-rate = 5\n[secret t]\npsk = \"0123456789abcdef\"\n", err, sizeof(err)),
	       "[limits] parses (%s)", err);
	tap_ok(cfg.limits.present && cfg.limits.line == 7 && cfg.limits.half_open_bytes == 2 << 20 &&
	       cfg.limits.half_open_cookie == 0 && cfg.limits.init_rate == 5,
	       "[limits] values");
	tap_ok(cfg.limits.key_line[LK_HALF_OPEN_BYTES] == 8 &&
	       cfg.limits.key_line[LK_HALF_OPEN_COOKIE] == 9 &&
	       !cfg.limits.key_line[LK_HALF_OPEN_MAX] && !cfg.limits.key_line[LK_INIT_BURST],
	       "[limits] keys not set are not marked");
	tap_ok(cfg.nsecrets == 2, "a section after [limits] is read");
	oak_config_free(&cfg);
	tap_ok(!sparse(&cfg, PSK CONN, err, sizeof(err)) && !cfg.limits.present,
	       "no [limits]: none sent");
	oak_config_free(&cfg);
}

static void collect(void *ctx, const char *msg)
{
	char *buf = ctx;

	snprintf(buf + strlen(buf), 1024 - strlen(buf), "%s\n", msg);
}

/* `oak check`'s warnings: one per ike/esp/ah key naming 3DES, SHA-1 or MODP < 2048. */
static void legacy_warnings(void)
{
	static const char *text = PSK CONN
		"ike = aes128-sha256-modp2048, 3des-sha1-modp1024\n"
		"[child a]\n"
		"esp = aes128-sha256, 3des-sha1\n"
		"[child b]\n"
		"ah = sha256-modp1536\n"
		"[child c]\n"
		"[connection d]\nlocal = 192.0.2.1\nremote = 198.51.100.8\nsecret = s\n"
		"ike = aes128-sha256-modp2048\n";
	struct oak_config cfg;
	char err[512] = "", buf[1024] = "";

	tap_ok(!sparse(&cfg, text, err, sizeof(err)), "legacy algorithms parse (%s)", err);
	oak_config_warn_legacy(&cfg, collect, buf);
	tap_streq(buf,
		  "t.conf:7: key 'ike': warning: 3des, sha1, prfsha1, modp1024 are legacy "
		  "(RFC 8247): keep them for the peers that need them\n"
		  "t.conf:9: key 'esp': warning: 3des, sha1 are legacy (RFC 8247): keep them for "
		  "the peers that need them\n"
		  "t.conf:11: key 'ah': warning: modp1536 is legacy (RFC 8247): keep it for the "
		  "peers that need it\n",
		  "one warning per key with a legacy algorithm, none for defaults");
	oak_config_free(&cfg);
}

void test_config(void)
{
	limits();
	every_key();
	defaults();
	syntax();
	includes();
	error_table();
	legacy_warnings();
	nul_and_limits();
	allow_missing();
	examples();
}

// SPDX-License-Identifier: GPL-2.0
/* proposal strings: parsing, IANA IDs, canonical form, errors */
#include <stdlib.h>
#include <string.h>
#include "proposal.h"
#include "tap.h"

static const struct {
	enum oak_prop_kind kind;
	const char *in;
	const char *out;	/* canonical form, or the error */
	bool ok;
} table[] = {
	{ OAK_PROP_IKE, "aes256gcm16-prfsha384-x25519", "aes256gcm16-prfsha384-x25519", true },
	{ OAK_PROP_IKE, "aes128-sha256-modp2048", "aes128-sha256-prfsha256-modp2048", true },
	{ OAK_PROP_IKE, "aes256-sha384-ecp384", "aes256-sha384-prfsha384-ecp384", true },
	{ OAK_PROP_IKE, "aes192-sha512-modp4096", "aes192-sha512-prfsha512-modp4096", true },
	{ OAK_PROP_IKE, "aes-sha256-modp3072", "aes128-sha256-prfsha256-modp3072", true },
	{ OAK_PROP_IKE, "aes128-sha256-prfsha512-ecp256",
	  "aes128-sha256-prfsha512-ecp256", true },
	{ OAK_PROP_IKE, "modp2048-sha256-aes128", "aes128-sha256-prfsha256-modp2048", true },
	{ OAK_PROP_IKE, "aes256gcm-prfsha256-curve25519", "aes256gcm16-prfsha256-x25519", true },
	{ OAK_PROP_IKE, "chacha20poly1305-prfsha256-x25519",
	  "chacha20poly1305-prfsha256-x25519", true },
	{ OAK_PROP_IKE, "aes128gcm8-aes128gcm12-prfsha256-ecp256",
	  "aes128gcm8-aes128gcm12-prfsha256-ecp256", true },
	{ OAK_PROP_IKE, " aes128-sha256-modp2048 ,aes256gcm16-prfsha384-x25519 ",
	  "aes128-sha256-prfsha256-modp2048, aes256gcm16-prfsha384-x25519", true },
	{ OAK_PROP_IKE, "aes128-aes128-sha256-modp2048", "aes128-sha256-prfsha256-modp2048", true },
	{ OAK_PROP_ESP, "aes256gcm16", "aes256gcm16", true },
	{ OAK_PROP_ESP, "aes128-sha256", "aes128-sha256", true },
	{ OAK_PROP_ESP, "aes128-sha256-modp2048", "aes128-sha256-modp2048", true },
	{ OAK_PROP_ESP, "aes256gcm16-x25519-esn", "aes256gcm16-x25519-esn", true },
	{ OAK_PROP_ESP, "aes256gcm16-esn-noesn", "aes256gcm16-esn-noesn", true },
	{ OAK_PROP_ESP, "aes256gcm16-noesn", "aes256gcm16", true },
	{ OAK_PROP_AH, "sha256", "sha256", true },
	{ OAK_PROP_AH, "sha384-ecp384", "sha384-ecp384", true },
	/* legacy algorithms, accepted where configured (RFC 8247) */
	{ OAK_PROP_IKE, "3des-sha1-modp1024", "3des-sha1-prfsha1-modp1024", true },
	{ OAK_PROP_IKE, "aes128-sha1-modp1536", "aes128-sha1-prfsha1-modp1536", true },
	{ OAK_PROP_IKE, "aes128-sha1-modp1024", "aes128-sha1-prfsha1-modp1024", true },
	{ OAK_PROP_IKE, "3des-sha256-modp2048", "3des-sha256-prfsha256-modp2048", true },
	{ OAK_PROP_IKE, "aes256gcm16-prfsha1-modp1024", "aes256gcm16-prfsha1-modp1024", true },
	{ OAK_PROP_IKE, "aes128-sha256-prfsha1-modp2048", "aes128-sha256-prfsha1-modp2048", true },
	{ OAK_PROP_ESP, "3des-sha1", "3des-sha1", true },
	{ OAK_PROP_ESP, "aes128-sha1-modp1536", "aes128-sha1-modp1536", true },
	{ OAK_PROP_AH, "sha1", "sha1", true },
	/* errors */
	{ OAK_PROP_IKE, "aes128-md5-modp2048", "'md5' is refused: broken (RFC 8247)", false },
	{ OAK_PROP_IKE, "des-sha256-modp2048", "'des' is refused: broken (RFC 8247)", false },
	{ OAK_PROP_IKE, "aes128-sha256-modp768", "'modp768' is refused: broken (RFC 8247)",
	  false },
	{ OAK_PROP_IKE, "aes128-sha256-prfmd5-modp2048", "'prfmd5' is refused: broken (RFC 8247)",
	  false },
	{ OAK_PROP_ESP, "3des-md5", "'md5' is refused: broken (RFC 8247)", false },
	{ OAK_PROP_AH, "md5_128", "'md5_128' is refused: broken (RFC 8247)", false },
	{ OAK_PROP_ESP, "3des-prfsha1", "'prfsha1' is not allowed in esp proposals", false },
	{ OAK_PROP_AH, "3des-sha1", "'3des' is not allowed in ah proposals", false },
	{ OAK_PROP_IKE, "aes128-sha2_256_96-modp2048", "unknown algorithm 'sha2_256_96'", false },
	{ OAK_PROP_IKE, "AES128-sha256-modp2048", "unknown algorithm 'AES128'", false },
	{ OAK_PROP_IKE, "aes128-sha256", "proposal 'aes128-sha256' has no DH group", false },
	{ OAK_PROP_IKE, "aes128-modp2048",
	  "proposal 'aes128-modp2048' has no integrity algorithm", false },
	{ OAK_PROP_IKE, "sha256-modp2048",
	  "proposal 'sha256-modp2048' has no encryption algorithm", false },
	{ OAK_PROP_IKE, "aes256gcm16-x25519",
	  "proposal 'aes256gcm16-x25519' has no PRF (add e.g. prfsha256)", false },
	{ OAK_PROP_IKE, "aes256gcm16-sha256-prfsha256-x25519",
	  "proposal 'aes256gcm16-sha256-prfsha256-x25519' mixes an AEAD cipher with an "
	  "integrity algorithm", false },
	{ OAK_PROP_IKE, "aes256gcm16-aes128-prfsha256-x25519",
	  "proposal 'aes256gcm16-aes128-prfsha256-x25519' mixes AEAD and non-AEAD ciphers",
	  false },
	{ OAK_PROP_IKE, "aes128-sha256-modp2048-esn", "'esn' is not allowed in ike proposals",
	  false },
	{ OAK_PROP_IKE, "", "empty proposal", false },
	{ OAK_PROP_IKE, "aes128-sha256-modp2048,", "empty proposal", false },
	{ OAK_PROP_IKE, "aes128--sha256-modp2048", "unknown algorithm ''", false },
	{ OAK_PROP_IKE, "aes128-sha256-modp2048-", "proposal 'aes128-sha256-modp2048-' ends with '-'",
	  false },
	{ OAK_PROP_ESP, "aes128-prfsha256", "'prfsha256' is not allowed in esp proposals", false },
	{ OAK_PROP_ESP, "aes128", "proposal 'aes128' has no integrity algorithm", false },
	{ OAK_PROP_ESP, "sha256", "proposal 'sha256' has no encryption algorithm", false },
	{ OAK_PROP_ESP, "aes256gcm16-sha256",
	  "proposal 'aes256gcm16-sha256' mixes an AEAD cipher with an integrity algorithm", false },
	{ OAK_PROP_AH, "aes128-sha256", "'aes128' is not allowed in ah proposals", false },
	{ OAK_PROP_AH, "modp2048", "proposal 'modp2048' has no integrity algorithm", false },
};

static void table_tests(void)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct oak_proplist pl;
		char err[256] = "", *s;
		int r = oak_proposals_parse(table[i].in, table[i].kind, &pl, err, sizeof(err));

		if (!table[i].ok) {
			tap_ok(r == -1 && !pl.p && !pl.n, "proposal '%s' is rejected", table[i].in);
			tap_streq(err, table[i].out, "proposal '%s' error text", table[i].in);
			continue;
		}
		tap_ok(!r, "proposal '%s' parses", table[i].in);
		s = oak_proposals_string(&pl);
		tap_streq(s, table[i].out, "proposal '%s' canonical form", table[i].in);
		free(s);
		oak_proplist_free(&pl);
	}
}

static bool has(const struct oak_proposal *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->t[i].type == type && p->t[i].id == id && p->t[i].keylen == keylen)
			return true;
	return false;
}

static void iana_ids(void)
{
	struct oak_proplist pl;
	char err[256];

	tap_ok(!oak_proposals_parse("aes256gcm16-prfsha384-x25519", OAK_PROP_IKE, &pl, err,
				    sizeof(err)) && pl.n == 1 && pl.p[0].n == 3 &&
	       has(&pl.p[0], OAKLEY_TRANS_ENCR, 20, 256) && has(&pl.p[0], OAKLEY_TRANS_PRF, 6, 0) &&
	       has(&pl.p[0], OAKLEY_TRANS_DH, 31, 0),
	       "aes256gcm16-prfsha384-x25519 = ENCR 20/256, PRF 6, DH 31");
	oak_proplist_free(&pl);
	tap_ok(!oak_proposals_parse("aes128-sha256-modp2048", OAK_PROP_IKE, &pl, err,
				    sizeof(err)) && pl.p[0].n == 4 &&
	       has(&pl.p[0], OAKLEY_TRANS_ENCR, 12, 128) &&
	       has(&pl.p[0], OAKLEY_TRANS_INTEG, 12, 0) && has(&pl.p[0], OAKLEY_TRANS_PRF, 5, 0) &&
	       has(&pl.p[0], OAKLEY_TRANS_DH, 14, 0),
	       "aes128-sha256-modp2048 (IKE) = ENCR 12/128, INTEG 12, PRF 5, DH 14");
	oak_proplist_free(&pl);
	tap_ok(!oak_proposals_parse("aes192-sha384-sha512-ecp256-ecp384-modp3072-modp4096",
				    OAK_PROP_IKE, &pl, err, sizeof(err)) &&
	       has(&pl.p[0], OAKLEY_TRANS_ENCR, 12, 192) &&
	       has(&pl.p[0], OAKLEY_TRANS_INTEG, 13, 0) &&
	       has(&pl.p[0], OAKLEY_TRANS_INTEG, 14, 0) && has(&pl.p[0], OAKLEY_TRANS_PRF, 6, 0) &&
	       has(&pl.p[0], OAKLEY_TRANS_PRF, 7, 0) && has(&pl.p[0], OAKLEY_TRANS_DH, 19, 0) &&
	       has(&pl.p[0], OAKLEY_TRANS_DH, 20, 0) && has(&pl.p[0], OAKLEY_TRANS_DH, 15, 0) &&
	       has(&pl.p[0], OAKLEY_TRANS_DH, 16, 0),
	       "sha384/sha512 -> INTEG 13/14 + PRF 6/7; ecp256/384 = 19/20; modp3072/4096 = 15/16");
	oak_proplist_free(&pl);
	tap_ok(!oak_proposals_parse("aes128-sha256-modp2048", OAK_PROP_ESP, &pl, err,
				    sizeof(err)) && pl.p[0].n == 4 &&
	       has(&pl.p[0], OAKLEY_TRANS_DH, 14, 0) && has(&pl.p[0], OAKLEY_TRANS_ESN, 0, 0) &&
	       !has(&pl.p[0], OAKLEY_TRANS_PRF, 5, 0),
	       "ESP aes128-sha256-modp2048: PFS group 14, no PRF, explicit noesn");
	oak_proplist_free(&pl);
	tap_ok(!oak_proposals_parse("3des-sha1-modp1024, aes128-sha1-modp1536", OAK_PROP_IKE,
				    &pl, err, sizeof(err)) && pl.n == 2 && pl.p[0].n == 4 &&
	       has(&pl.p[0], OAKLEY_TRANS_ENCR, 3, 0) && has(&pl.p[0], OAKLEY_TRANS_INTEG, 2, 0) &&
	       has(&pl.p[0], OAKLEY_TRANS_PRF, 2, 0) && has(&pl.p[0], OAKLEY_TRANS_DH, 2, 0) &&
	       has(&pl.p[1], OAKLEY_TRANS_DH, 5, 0),
	       "3des-sha1-modp1024 = ENCR 3 (no key length), INTEG 2, PRF 2, DH 2; modp1536 = 5");
	oak_proplist_free(&pl);
	tap_ok(!oak_proposals_parse("chacha20poly1305-esn", OAK_PROP_ESP, &pl, err,
				    sizeof(err)) && pl.p[0].n == 2 &&
	       has(&pl.p[0], OAKLEY_TRANS_ENCR, 28, 0) && has(&pl.p[0], OAKLEY_TRANS_ESN, 1, 0),
	       "ESP chacha20poly1305-esn = ENCR 28, ESN 1");
	oak_proplist_free(&pl);
}

/* The legacy algorithms a list uses, for `oak check`'s warnings. */
static void legacy(void)
{
	static const struct {
		enum oak_prop_kind kind;
		const char *in, *names;
		unsigned int n;
	} t[] = {
		{ OAK_PROP_IKE, "aes256gcm16-prfsha384-x25519, aes128-sha256-modp2048", "", 0 },
		{ OAK_PROP_IKE, "aes128-sha256-modp2048, 3des-sha1-modp1024",
		  "3des, sha1, prfsha1, modp1024", 4 },
		{ OAK_PROP_IKE, "aes128-sha256-modp1536, aes256-sha256-modp1536", "modp1536", 1 },
		{ OAK_PROP_ESP, "3des-sha1, aes128-sha1", "3des, sha1", 2 },
		{ OAK_PROP_AH, "sha1-modp1024", "sha1, modp1024", 2 },
	};
	struct oak_proplist pl;
	char err[256], names[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		tap_ok(!oak_proposals_parse(t[i].in, t[i].kind, &pl, err, sizeof(err)) &&
		       oak_proposals_legacy(&pl, names, sizeof(names)) == t[i].n,
		       "'%s' uses %u legacy algorithms", t[i].in, t[i].n);
		tap_streq(names, t[i].names, "'%s' legacy names", t[i].in);
		oak_proplist_free(&pl);
	}
	/* a short buffer is cut, the count is whole */
	oak_proposals_parse("3des-sha1-modp1024", OAK_PROP_IKE, &pl, err, sizeof(err));
	tap_ok(oak_proposals_legacy(&pl, names, 8) == 4 && strlen(names) < 8,
	       "legacy names cut to the buffer");
	oak_proplist_free(&pl);
}

static void limits(void)
{
	char buf[2048] = "", err[256];
	struct oak_proplist pl;
	int i;

	for (i = 0; i < 17; i++)
		strcat(buf, i ? ",aes128-sha256-modp2048" : "aes128-sha256-modp2048");
	tap_ok(oak_proposals_parse(buf, OAK_PROP_IKE, &pl, err, sizeof(err)) == -1 &&
	       !strcmp(err, "more than 16 proposals"), "17 proposals are rejected");
	*strrchr(buf, ',') = 0;
	tap_ok(!oak_proposals_parse(buf, OAK_PROP_IKE, &pl, err, sizeof(err)) && pl.n == 16,
	       "16 proposals are accepted");
	oak_proplist_free(&pl);
}

void test_proposal(void)
{
	table_tests();
	iana_ids();
	legacy();
	limits();
}

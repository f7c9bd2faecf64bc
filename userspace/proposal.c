// SPDX-License-Identifier: GPL-2.0
/*
 * Proposal strings in strongSwan's keyword syntax, mapped to IANA IKEv2
 * transform identifiers (RFC 7296 §3.3.2, RFC 8247).  The legacy algorithms
 * (3DES, SHA-1, MODP below 2048 bits) are accepted where configured and
 * flagged for `oak check`; MD5, DES and MODP-768 are refused.
 */
#include <stdlib.h>
#include <string.h>
#include "proposal.h"

#define AEAD 1
#define LEGACY 2	/* RFC 8247 "SHOULD NOT" / "DEPRECATED": never in a default */

struct alg {
	const char *name;
	uint8_t type;
	uint16_t id;
	uint16_t keylen;
	uint8_t flags;
};

/* The first entry for a (type, id, keylen) is its canonical name. */
static const struct alg algs[] = {
	{ "aes128", OAKLEY_TRANS_ENCR, 12, 128, 0 },
	{ "aes192", OAKLEY_TRANS_ENCR, 12, 192, 0 },
	{ "aes256", OAKLEY_TRANS_ENCR, 12, 256, 0 },
	{ "aes", OAKLEY_TRANS_ENCR, 12, 128, 0 },
	{ "aes128gcm16", OAKLEY_TRANS_ENCR, 20, 128, AEAD },
	{ "aes192gcm16", OAKLEY_TRANS_ENCR, 20, 192, AEAD },
	{ "aes256gcm16", OAKLEY_TRANS_ENCR, 20, 256, AEAD },
	{ "aes128gcm", OAKLEY_TRANS_ENCR, 20, 128, AEAD },
	{ "aes192gcm", OAKLEY_TRANS_ENCR, 20, 192, AEAD },
	{ "aes256gcm", OAKLEY_TRANS_ENCR, 20, 256, AEAD },
	{ "aes128gcm12", OAKLEY_TRANS_ENCR, 19, 128, AEAD },
	{ "aes192gcm12", OAKLEY_TRANS_ENCR, 19, 192, AEAD },
	{ "aes256gcm12", OAKLEY_TRANS_ENCR, 19, 256, AEAD },
	{ "aes128gcm8", OAKLEY_TRANS_ENCR, 18, 128, AEAD },
	{ "aes192gcm8", OAKLEY_TRANS_ENCR, 18, 192, AEAD },
	{ "aes256gcm8", OAKLEY_TRANS_ENCR, 18, 256, AEAD },
	{ "chacha20poly1305", OAKLEY_TRANS_ENCR, 28, 0, AEAD },
	{ "3des", OAKLEY_TRANS_ENCR, 3, 0, LEGACY },
	{ "sha1", OAKLEY_TRANS_INTEG, 2, 0, LEGACY },
	{ "sha256", OAKLEY_TRANS_INTEG, 12, 0, 0 },
	{ "sha384", OAKLEY_TRANS_INTEG, 13, 0, 0 },
	{ "sha512", OAKLEY_TRANS_INTEG, 14, 0, 0 },
	{ "sha2_256", OAKLEY_TRANS_INTEG, 12, 0, 0 },
	{ "sha2_384", OAKLEY_TRANS_INTEG, 13, 0, 0 },
	{ "sha2_512", OAKLEY_TRANS_INTEG, 14, 0, 0 },
	{ "prfsha1", OAKLEY_TRANS_PRF, 2, 0, LEGACY },
	{ "prfsha256", OAKLEY_TRANS_PRF, 5, 0, 0 },
	{ "prfsha384", OAKLEY_TRANS_PRF, 6, 0, 0 },
	{ "prfsha512", OAKLEY_TRANS_PRF, 7, 0, 0 },
	{ "modp1024", OAKLEY_TRANS_DH, 2, 0, LEGACY },
	{ "modp1536", OAKLEY_TRANS_DH, 5, 0, LEGACY },
	{ "modp2048", OAKLEY_TRANS_DH, 14, 0, 0 },
	{ "modp3072", OAKLEY_TRANS_DH, 15, 0, 0 },
	{ "modp4096", OAKLEY_TRANS_DH, 16, 0, 0 },
	{ "ecp256", OAKLEY_TRANS_DH, 19, 0, 0 },
	{ "ecp384", OAKLEY_TRANS_DH, 20, 0, 0 },
	{ "x25519", OAKLEY_TRANS_DH, 31, 0, 0 },
	{ "curve25519", OAKLEY_TRANS_DH, 31, 0, 0 },
	{ "noesn", OAKLEY_TRANS_ESN, 0, 0, 0 },
	{ "esn", OAKLEY_TRANS_ESN, 1, 0, 0 },
};

#define NALGS (sizeof(algs) / sizeof(algs[0]))

/* Keywords strongSwan knows that Oakley refuses outright, and why. */
static const struct {
	const char *name;
	const char *why;
} refused[] = {
	{ "md5", "broken (RFC 8247)" },
	{ "md5_128", "broken (RFC 8247)" },
	{ "prfmd5", "broken (RFC 8247)" },
	{ "des", "broken (RFC 8247)" },
	{ "modp768", "broken (RFC 8247)" },
};

/* the PRF that goes with an integrity algorithm, in IKE proposals */
static uint16_t integ_prf(uint16_t integ)
{
	return integ == 2 ? 2 : integ == 12 ? 5 : integ == 13 ? 6 : 7;
}

static const char *refused_why(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strlen(refused[i].name) == len && !strncmp(refused[i].name, name, len))
			return refused[i].why;
	return NULL;
}

static const struct alg *alg_by_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NALGS; i++)
		if (strlen(algs[i].name) == len && !strncmp(algs[i].name, name, len))
			return &algs[i];
	return NULL;
}

static const struct alg *alg_by_id(uint8_t type, uint16_t id, uint16_t keylen)
{
	size_t i;

	for (i = 0; i < NALGS; i++)
		if (algs[i].type == type && algs[i].id == id && algs[i].keylen == keylen)
			return &algs[i];
	return NULL;
}

const char *oak_transform_name(uint8_t type, uint16_t id, uint16_t keylen, char *buf,
			       size_t len)
{
	static const char *const tn[] = { "?", "encr", "prf", "integ", "dh", "esn" };
	const struct alg *a = alg_by_id(type, id, keylen);

	if (a)
		return a->name;
	if (keylen)
		snprintf(buf, len, "%s%u_%u", tn[type <= 5 ? type : 0], id, keylen);
	else
		snprintf(buf, len, "%s%u", tn[type <= 5 ? type : 0], id);
	return buf;
}

static const char *kind_name(enum oak_prop_kind kind)
{
	return kind == OAK_PROP_IKE ? "ike" : kind == OAK_PROP_ESP ? "esp" : "ah";
}

static bool has_transform(const struct oak_proposal *p, uint8_t type, uint16_t id,
			  uint16_t keylen)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->t[i].type == type && p->t[i].id == id && p->t[i].keylen == keylen)
			return true;
	return false;
}

static int add_transform(struct oak_proposal *p, uint8_t type, uint16_t id, uint16_t keylen,
			 char *err, size_t errlen)
{
	if (has_transform(p, type, id, keylen))
		return 0;
	if (p->n >= OAKLEY_MAX_TRANSFORMS) {
		snprintf(err, errlen, "more than %d algorithms in one proposal",
			 OAKLEY_MAX_TRANSFORMS);
		return -1;
	}
	p->t[p->n].type = type;
	p->t[p->n].id = id;
	p->t[p->n].keylen = keylen;
	p->n++;
	return 0;
}

static unsigned int count_type(const struct oak_proposal *p, uint8_t type)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->t[i].type == type;
	return n;
}

static int check_proposal(struct oak_proposal *p, enum oak_prop_kind kind, bool aead,
			  const char *text, int tlen, char *err, size_t errlen)
{
	unsigned int encr = count_type(p, OAKLEY_TRANS_ENCR);
	unsigned int integ = count_type(p, OAKLEY_TRANS_INTEG);
	unsigned int i;

	if (kind == OAK_PROP_AH) {
		if (!integ)
			goto no_integ;
		return 0;
	}
	if (!encr) {
		snprintf(err, errlen, "proposal '%.*s' has no encryption algorithm", tlen, text);
		return -1;
	}
	if (aead && integ) {
		snprintf(err, errlen,
			 "proposal '%.*s' mixes an AEAD cipher with an integrity algorithm",
			 tlen, text);
		return -1;
	}
	if (!aead && !integ)
		goto no_integ;
	if (kind != OAK_PROP_IKE)
		return 0;
	if (!count_type(p, OAKLEY_TRANS_PRF)) {
		if (aead) {
			snprintf(err, errlen, "proposal '%.*s' has no PRF (add e.g. prfsha256)",
				 tlen, text);
			return -1;
		}
		for (i = 0; i < p->n; i++) {
			if (p->t[i].type != OAKLEY_TRANS_INTEG)
				continue;
			if (add_transform(p, OAKLEY_TRANS_PRF, integ_prf(p->t[i].id), 0, err,
					  errlen))
				return -1;
		}
	}
	if (!count_type(p, OAKLEY_TRANS_DH)) {
		snprintf(err, errlen, "proposal '%.*s' has no DH group", tlen, text);
		return -1;
	}
	return 0;
no_integ:
	snprintf(err, errlen, "proposal '%.*s' has no integrity algorithm", tlen, text);
	return -1;
}

static int parse_one(const char *s, const char *end, enum oak_prop_kind kind,
		     struct oak_proposal *p, char *err, size_t errlen)
{
	const char *tok = s, *dash;
	int tlen = (int)(end - s);
	bool aead = false, plain = false;
	const struct alg *a;

	memset(p, 0, sizeof(*p));
	while (tok < end) {
		dash = memchr(tok, '-', end - tok);
		if (!dash)
			dash = end;
		a = alg_by_name(tok, dash - tok);
		if (!a) {
			const char *why = refused_why(tok, dash - tok);

			if (why)
				snprintf(err, errlen, "'%.*s' is refused: %s", (int)(dash - tok), tok,
					 why);
			else
				snprintf(err, errlen, "unknown algorithm '%.*s'", (int)(dash - tok),
					 tok);
			return -1;
		}
		if ((a->type == OAKLEY_TRANS_PRF && kind != OAK_PROP_IKE) ||
		    (a->type == OAKLEY_TRANS_ESN && kind == OAK_PROP_IKE) ||
		    (a->type == OAKLEY_TRANS_ENCR && kind == OAK_PROP_AH)) {
			snprintf(err, errlen, "'%s' is not allowed in %s proposals", a->name,
				 kind_name(kind));
			return -1;
		}
		if (a->type == OAKLEY_TRANS_ENCR) {
			if (a->flags & AEAD)
				aead = true;
			else
				plain = true;
			if (aead && plain) {
				snprintf(err, errlen,
					 "proposal '%.*s' mixes AEAD and non-AEAD ciphers",
					 tlen, s);
				return -1;
			}
		}
		if (add_transform(p, a->type, a->id, a->keylen, err, errlen))
			return -1;
		tok = dash + 1;
		if (dash + 1 == end) {
			snprintf(err, errlen, "proposal '%.*s' ends with '-'", tlen, s);
			return -1;
		}
	}
	if (kind != OAK_PROP_IKE && !count_type(p, OAKLEY_TRANS_ESN) &&
	    add_transform(p, OAKLEY_TRANS_ESN, 0, 0, err, errlen))
		return -1;
	return check_proposal(p, kind, aead, s, tlen, err, errlen);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

int oak_proposals_parse(const char *s, enum oak_prop_kind kind, struct oak_proplist *out,
			char *err, size_t errlen)
{
	struct oak_proposal *p;
	const char *start, *end, *comma;

	out->n = 0;
	out->p = NULL;
	p = calloc(OAKLEY_MAX_PROPOSALS, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		comma = strchr(s, ',');
		end = comma ? comma : s + strlen(s);
		start = s;
		while (start < end && is_space(*start))
			start++;
		while (end > start && is_space(end[-1]))
			end--;
		if (start == end) {
			snprintf(err, errlen, "empty proposal");
			goto err;
		}
		if (out->n >= OAKLEY_MAX_PROPOSALS) {
			snprintf(err, errlen, "more than %d proposals", OAKLEY_MAX_PROPOSALS);
			goto err;
		}
		if (parse_one(start, end, kind, &p[out->n], err, errlen))
			goto err;
		out->n++;
		if (!comma)
			break;
		s = comma + 1;
	}
	out->p = p;
	return 0;
err:
	free(p);
	out->n = 0;
	return -1;
}

static const uint8_t type_order[] = {
	OAKLEY_TRANS_ENCR, OAKLEY_TRANS_INTEG, OAKLEY_TRANS_PRF, OAKLEY_TRANS_DH,
	OAKLEY_TRANS_ESN,
};

/*
 * "3des, sha1, modp1024": the legacy keywords of the list, each once, by
 * transform type (encr, integ, prf, dh), then in order of appearance.
 */
unsigned int oak_proposals_legacy(const struct oak_proplist *pl, char *buf, size_t len)
{
	const struct alg *a, *seen[NALGS];
	unsigned int i, j, k, n = 0;
	size_t o = 0;

	if (len)
		buf[0] = 0;
	for (i = 0; i < sizeof(type_order) * pl->n; i++)
		for (j = 0; j < pl->p[i % pl->n].n; j++) {
			const struct oak_transform *t = &pl->p[i % pl->n].t[j];

			if (t->type != type_order[i / pl->n])
				continue;
			a = alg_by_id(t->type, t->id, t->keylen);
			if (!a || !(a->flags & LEGACY))
				continue;
			for (k = 0; k < n && seen[k] != a; k++)
				;
			if (k < n)
				continue;
			seen[n++] = a;
			if (o < len)
				o += snprintf(buf + o, len - o, "%s%s", n > 1 ? ", " : "", a->name);
		}
	return n;
}

static void format_one(const struct oak_proposal *p, FILE *f)
{
	bool first = true, only_noesn;
	unsigned int i, k;
	char buf[32];

	only_noesn = count_type(p, OAKLEY_TRANS_ESN) == 1 &&
		     has_transform(p, OAKLEY_TRANS_ESN, 0, 0);
	for (k = 0; k < sizeof(type_order); k++) {
		if (type_order[k] == OAKLEY_TRANS_ESN && only_noesn)
			continue;
		for (i = 0; i < p->n; i++) {
			const struct oak_transform *t = &p->t[i];

			if (t->type != type_order[k])
				continue;
			fprintf(f, "%s%s", first ? "" : "-",
				oak_transform_name(t->type, t->id, t->keylen, buf, sizeof(buf)));
			first = false;
		}
	}
}

void oak_proposals_format(const struct oak_proplist *pl, FILE *f)
{
	unsigned int i;

	for (i = 0; i < pl->n; i++) {
		if (i)
			fputs(", ", f);
		format_one(&pl->p[i], f);
	}
}

char *oak_proposals_string(const struct oak_proplist *pl)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	oak_proposals_format(pl, f);
	if (fclose(f))
		return NULL;
	return s;
}

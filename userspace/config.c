// SPDX-License-Identifier: GPL-2.0
/*
 * The oak configuration file parser (Documentation/config.md).
 *
 * INI sections [connection NAME], [child NAME], [secret NAME]; key = value
 * lines; '#' comments; "quoted" values; include = PATH.  The first error
 * stops the parse and is reported as "FILE:LINE: key 'K': reason".  Every
 * default is applied here, so what goes to the kernel is explicit.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "pem.h"
#include "format.h"
#include "proposal.h"

#define MAX_INCLUDE_DEPTH	8
#define REASON_MAX		384

enum section { SEC_NONE, SEC_CONN, SEC_CHILD, SEC_SECRET, SEC_LIMITS, SEC_KEY, SEC_CA };

struct nameset {
	unsigned int *slot;	/* index + 1; 0 = empty */
	unsigned int cap;
};

struct parser {
	struct oak_config *cfg;
	const struct oak_parse_opts *opts;
	char *err;
	size_t errlen;
	int depth;
	struct nameset conn_names, secret_names;
	enum section sec;
	int conn, child, secret, ca;	/* indices of the current objects, -1 = none */
	uint16_t rfamily;		/* family of the current connection's remote */
	bool secret_has_psk;
	unsigned int secret_psk_line;
	const char *file;
	unsigned int line;
};

/* ---- small helpers ---------------------------------------------------- */

static void perr(struct parser *p, const char *file, unsigned int line, const char *key,
		 const char *fmt, ...)
{
	size_t o;
	va_list ap;

	if (!p->errlen)
		return;
	o = snprintf(p->err, p->errlen, "%s:%u: key '%.64s': ", file, line, key);
	if (o >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + o, p->errlen - o, fmt, ap);
	va_end(ap);
}

static void pwarn(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->opts && p->opts->warn)
		p->opts->warn(p->opts->warn_ctx, msg);
	else
		fprintf(stderr, "%s\n", msg);
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > OAKLEY_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Find NAME; names[i] is at base + i * stride.  Returns index or -1. */
static int ns_find(const struct nameset *ns, const char *name, const void *base,
		   size_t stride)
{
	unsigned int i;

	if (!ns->cap)
		return -1;
	for (i = hash_name(name) & (ns->cap - 1); ns->slot[i]; i = (i + 1) & (ns->cap - 1)) {
		const char *n = (const char *)base + (size_t)(ns->slot[i] - 1) * stride;

		if (!strcmp(n, name))
			return (int)ns->slot[i] - 1;
	}
	return -1;
}

static int ns_add(struct nameset *ns, const char *name, unsigned int idx, unsigned int count,
		  const void *base, size_t stride)
{
	unsigned int i;

	if ((count + 1) * 2 > ns->cap) {
		unsigned int ncap = ns->cap ? ns->cap * 2 : 64, j;
		unsigned int *nslot = calloc(ncap, sizeof(*nslot));

		if (!nslot)
			return -1;
		for (j = 0; j < ns->cap; j++) {
			const char *n;

			if (!ns->slot[j])
				continue;
			n = (const char *)base + (size_t)(ns->slot[j] - 1) * stride;
			for (i = hash_name(n) & (ncap - 1); nslot[i]; i = (i + 1) & (ncap - 1))
				;
			nslot[i] = ns->slot[j];
		}
		free(ns->slot);
		ns->slot = nslot;
		ns->cap = ncap;
	}
	for (i = hash_name(name) & (ns->cap - 1); ns->slot[i]; i = (i + 1) & (ns->cap - 1))
		;
	ns->slot[i] = idx + 1;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void *oak_grow(void *p, unsigned int n, size_t size)
{
	if (n && (n < 4 || (n & (n - 1))))
		return p;
	if (n > UINT32_MAX / 2 || (size_t)(n ? 2 * n : 4) > SIZE_MAX / size)
		return NULL;
	return realloc(p, (size_t)(n ? 2 * n : 4) * size);
}

/* ---- value parsers ---------------------------------------------------- */

static int parse_u64(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		unsigned int d = *s++ - '0';

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*end = s;
	*out = v;
	return 0;
}

int oak_parse_duration(const char *s, uint32_t *out)
{
	uint64_t v, mul = 1;
	const char *end;

	if (parse_u64(s, &end, &v))
		return -1;
	switch (*end) {
	case 0:
	case 's':
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	if (v > UINT32_MAX / mul)
		return -1;
	*out = (uint32_t)(v * mul);
	return 0;
}

int oak_parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	const char *end;
	unsigned int shift = 0;

	if (parse_u64(s, &end, &v))
		return -1;
	switch (*end) {
	case 0:
		break;
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint64_t v;
	const char *end;

	if (parse_u64(s, &end, &v) || *end || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int oak_parse_addr(const char *s, uint16_t *family, uint8_t addr[16], uint16_t *port,
		   bool *has_port)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *colon, *close;
	size_t n;

	*has_port = false;
	if (s[0] == '[') {
		close = strchr(s, ']');
		if (!close)
			return -1;
		n = close - s - 1;
		if (n >= sizeof(buf))
			return -1;
		memcpy(buf, s + 1, n);
		buf[n] = 0;
		if (inet_pton(AF_INET6, buf, addr) != 1)
			return -1;
		*family = AF_INET6;
		if (!close[1])
			return 0;
		if (close[1] != ':' || parse_port(close + 2, port) || !*port)
			return -1;
		*has_port = true;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -1;
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	colon = strchr(s, ':');
	n = colon ? (size_t)(colon - s) : strlen(s);
	memcpy(buf, s, n);
	buf[n] = 0;
	if (inet_pton(AF_INET, buf, addr) != 1)
		return -1;
	*family = AF_INET;
	if (!colon)
		return 0;
	if (parse_port(colon + 1, port) || !*port)
		return -1;
	*has_port = true;
	return 0;
}

int oak_parse_id(const char *s, bool remote, struct oak_id *id, char *err, size_t errlen)
{
	size_t n;

	memset(id, 0, sizeof(*id));
	if (!strcmp(s, "%any")) {
		if (!remote) {
			snprintf(err, errlen, "%%any is only allowed in remote-id");
			return -1;
		}
		id->type = OAKLEY_ID_ANY;
		return 0;
	}
	if (inet_pton(AF_INET, s, id->data) == 1) {
		id->type = OAKLEY_ID_IPV4_ADDR;
		id->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, id->data) == 1) {
		id->type = OAKLEY_ID_IPV6_ADDR;
		id->len = 16;
		return 0;
	}
	if (s[0] == '@') {
		id->type = OAKLEY_ID_FQDN;
		s++;
	} else if (!strncmp(s, "keyid:", 6)) {
		id->type = OAKLEY_ID_KEY_ID;
		s += 6;
	} else if (strchr(s, '@')) {
		id->type = OAKLEY_ID_RFC822_ADDR;
	} else {
		id->type = OAKLEY_ID_FQDN;
	}
	n = strlen(s);
	if (!n) {
		snprintf(err, errlen, "empty identity");
		return -1;
	}
	if (n > OAKLEY_ID_MAX) {
		snprintf(err, errlen, "identity longer than %d bytes", OAKLEY_ID_MAX);
		return -1;
	}
	memcpy(id->data, s, n);
	id->len = (uint16_t)n;
	return 0;
}

static bool host_bits_clear(const struct oak_ts *ts)
{
	unsigned int bits = ts->family == AF_INET ? 32 : 128, i;

	for (i = ts->prefixlen; i < bits; i++)
		if (ts->addr[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

int oak_parse_ts(const char *s, struct oak_ts *ts, char *err, size_t errlen)
{
	char buf[128], *br, *slash, *pp;
	uint64_t v;
	const char *end;
	unsigned int max;

	memset(ts, 0, sizeof(*ts));
	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	br = strchr(buf, '[');
	if (br) {
		size_t n = strlen(br);

		if (br[n - 1] != ']')
			goto bad;
		br[n - 1] = 0;
		*br++ = 0;
		pp = strchr(br, '/');
		if (pp)
			*pp++ = 0;
		if (oak_proto_by_name(br, &ts->proto)) {
			if (parse_u64(br, &end, &v) || *end || v > 255)
				goto bad;
			ts->proto = (uint8_t)v;
		}
		if (pp && parse_port(pp, &ts->port))
			goto bad;
	}
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	if (inet_pton(AF_INET, buf, ts->addr) == 1)
		ts->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, ts->addr) == 1)
		ts->family = AF_INET6;
	else
		goto bad;
	max = ts->family == AF_INET ? 32 : 128;
	ts->prefixlen = (uint8_t)max;
	if (slash) {
		if (parse_u64(slash, &end, &v) || *end || v > max)
			goto bad;
		ts->prefixlen = (uint8_t)v;
	}
	if (!host_bits_clear(ts)) {
		snprintf(err, errlen, "host bits set in '%s'", s);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad traffic selector '%s'", s);
	return -1;
}

int oak_parse_psk(const char *s, bool quoted, uint8_t *out, uint16_t *len, char *err,
		  size_t errlen)
{
	size_t n = 0, i;

	if (!quoted && (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))) {
		s += 2;
		for (i = 0; s[i]; i += 2) {
			if (hexval(s[i]) < 0 || !s[i + 1] || hexval(s[i + 1]) < 0) {
				snprintf(err, errlen, "bad hex secret");
				return -1;
			}
			if (n >= OAKLEY_PSK_MAX)
				goto too_long;
			out[n++] = (uint8_t)(hexval(s[i]) << 4 | hexval(s[i + 1]));
		}
	} else if (!quoted && !strncmp(s, "base64:", 7)) {
		uint32_t acc = 0;
		unsigned int bits = 0, pad = 0;

		for (s += 7; *s; s++) {
			if (*s == '=') {
				pad++;
				continue;
			}
			if (pad || oak_b64val(*s) < 0) {
				snprintf(err, errlen, "bad base64 secret");
				return -1;
			}
			acc = acc << 6 | (uint32_t)oak_b64val(*s);
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				if (n >= OAKLEY_PSK_MAX)
					goto too_long;
				out[n++] = (uint8_t)(acc >> bits);
			}
		}
		if (pad > 2 || bits >= 6 || (acc & ((1u << bits) - 1))) {
			snprintf(err, errlen, "bad base64 secret");
			return -1;
		}
	} else {
		n = strlen(s);
		if (n > OAKLEY_PSK_MAX)
			goto too_long;
		memcpy(out, s, n);
	}
	if (!n) {
		snprintf(err, errlen, "empty secret");
		return -1;
	}
	*len = (uint16_t)n;
	return 0;
too_long:
	snprintf(err, errlen, "secret longer than %d bytes", OAKLEY_PSK_MAX);
	return -1;
}

static int parse_percent(const char *s, uint8_t *out)
{
	uint64_t v;
	const char *end;

	if (parse_u64(s, &end, &v) || (*end && strcmp(end, "%")) || v > 100)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

static int parse_enum(const char *s, const char *const *names, uint8_t *out)
{
	uint8_t i;

	for (i = 1; names[i]; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

static const char *const start_names[] = { "", "none", "start", "trap", NULL };
static const char *const dpd_names[] = { "", "clear", "restart", "trap", NULL };
static const char *const mode_names[] = { "", "tunnel", "transport", NULL };
static const char *const exch_names[] = { "", "main", "aggressive", NULL };
static const char *const yesno_names[] = { "", "no", "yes", NULL };

/* ---- keys --------------------------------------------------------------- */

struct value {
	const char *s;
	bool quoted;
	unsigned int line;
};

typedef int (*key_fn)(struct parser *p, void *obj, const struct value *v, char *r);

#define R(...) (snprintf(r, REASON_MAX, __VA_ARGS__), -1)

static int k_version(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_conn *c = obj;

	(void)p;
	if (strcmp(v->s, "1") && strcmp(v->s, "2"))
		return R("bad version '%s' (use 1 or 2)", v->s);
	c->version = (uint8_t)(v->s[0] - '0');
	return 0;
}

static int k_local(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_conn *c = obj;
	bool has_port;

	(void)p;
	c->lport = OAK_PORT;
	if (oak_parse_addr(v->s, &c->family, c->laddr, &c->lport, &has_port))
		return R("bad address '%s'", v->s);
	return 0;
}

static int k_remote(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_conn *c = obj;
	bool has_port;

	c->rport = OAK_PORT;
	if (!strcmp(v->s, "%any")) {
		c->remote_any = true;
		p->rfamily = 0;
		return 0;
	}
	if (oak_parse_addr(v->s, &p->rfamily, c->raddr, &c->rport, &has_port))
		return R("bad address '%s'", v->s);
	return 0;
}

static int k_local_id(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	return oak_parse_id(v->s, false, &((struct oak_conn *)obj)->lid, r, REASON_MAX);
}

static int k_remote_id(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	return oak_parse_id(v->s, true, &((struct oak_conn *)obj)->rid, r, REASON_MAX);
}

static int parse_auth(const char *s, uint8_t *out, char *r)
{
	if (!strcmp(s, "pubkey"))
		*out = OAKLEY_AUTH_PUBKEY;
	else if (!strcmp(s, "psk"))
		*out = OAKLEY_AUTH_PSK;
	else
		return R("bad value '%s' (use psk or pubkey)", s);
	return 0;
}

static int k_auth(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	return parse_auth(v->s, &((struct oak_conn *)obj)->auth, r);
}

static int k_remote_auth(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	return parse_auth(v->s, &((struct oak_conn *)obj)->remote_auth, r);
}

/* PATH read whole, relative to the file being parsed; 0 or -1 with r set */
static int read_rel(struct parser *p, const char *path, char **buf, size_t *len, char *r)
{
	const char *slash = strrchr(p->file, '/');
	char *full;
	int ret;

	if (path[0] == '/' || !slash) {
		full = strdup(path);
	} else {
		full = malloc((size_t)(slash - p->file) + 1 + strlen(path) + 1);
		if (full)
			sprintf(full, "%.*s/%s", (int)(slash - p->file), p->file, path);
	}
	if (!full)
		return R("out of memory");
	if (p->opts && p->opts->read)
		ret = p->opts->read(full, buf, len);
	else
		ret = oak_read_file(full, buf, len);
	if (ret)
		snprintf(r, REASON_MAX, "cannot read '%s': %s", full, strerror(-ret));
	free(full);
	return ret ? -1 : 0;
}

static void free_buf(char *buf, size_t len)
{
	explicit_bzero(buf, len);
	free(buf);
}

static int k_cert(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_conn *c = obj;
	size_t len;
	char *buf;
	int ret;

	if (read_rel(p, v->s, &buf, &len, r))
		return -1;
	ret = oak_pem_certs(buf, len, c->certs, OAK_MAX_CERTS, &c->ncerts, r, REASON_MAX);
	free_buf(buf, len);
	return ret;
}

static int k_key(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	if (!valid_name(v->s))
		return R("bad key name '%s'", v->s);
	strcpy(((struct oak_conn *)obj)->key, v->s);
	return 0;
}

static int k_ca(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_conn *c = obj;
	char *list = strdup(v->s), *tok, *save = NULL;
	int ret = 0;

	(void)p;
	if (!list)
		return R("out of memory");
	for (tok = strtok_r(list, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		tok = oak_trim(tok);
		if (!valid_name(tok))
			ret = R("bad ca name '%s'", tok);
		else if (c->nca_names == OAK_MAX_CERTS)
			ret = R("more than %d ca names", OAK_MAX_CERTS);
		else
			strcpy(c->ca_names[c->nca_names++], tok);
	}
	free(list);
	if (!ret && !c->nca_names)
		ret = R("empty list");
	return ret;
}

static int k_key_file(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_secret *s = obj;
	size_t len;
	char *buf;
	int ret;

	if (read_rel(p, v->s, &buf, &len, r))
		return -1;
	oak_blob_wipe(&s->rsa);
	ret = oak_pem_rsa_key(buf, len, &s->rsa, r, REASON_MAX);
	free_buf(buf, len);
	if (!ret) {
		p->secret_has_psk = true;
		p->secret_psk_line = v->line;
	}
	return ret;
}

static int k_ca_file(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_ca *ca = obj;
	struct oak_blob certs[OAK_MAX_CERTS];
	unsigned int n, i;
	size_t len;
	char *buf;
	int ret;

	if (read_rel(p, v->s, &buf, &len, r))
		return -1;
	ret = oak_pem_certs(buf, len, certs, OAK_MAX_CERTS, &n, r, REASON_MAX);
	free_buf(buf, len);
	if (ret)
		return -1;
	for (i = 1; i < n; i++)
		oak_blob_free(&certs[i]);
	if (n > 1) {
		oak_blob_free(&certs[0]);
		return R("one certificate per [ca] section (%u in the file)", n);
	}
	oak_blob_free(&ca->cert);
	ca->cert = certs[0];
	return 0;
}

static int k_ca_crl(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_ca *ca = obj;
	size_t len;
	char *buf;
	int ret;

	if (read_rel(p, v->s, &buf, &len, r))
		return -1;
	oak_blob_free(&ca->crl);
	ret = oak_pem_crl(buf, len, &ca->crl, r, REASON_MAX);
	free_buf(buf, len);
	return ret;
}

static int k_secret(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	if (!valid_name(v->s))
		return R("bad secret name '%s'", v->s);
	strcpy(((struct oak_conn *)obj)->secret, v->s);
	return 0;
}

static int k_ike(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	return oak_proposals_parse(v->s, OAK_PROP_IKE, &((struct oak_conn *)obj)->ike, r,
				   REASON_MAX);
}

#define ENUM_KEY(fn, type, field, names, hint)					\
static int fn(struct parser *p, void *obj, const struct value *v, char *r)	\
{										\
	(void)p;								\
	if (parse_enum(v->s, names, &((type *)obj)->field))			\
		return R("bad value '%s' (use %s)", v->s, hint);		\
	return 0;								\
}

ENUM_KEY(k_exchange, struct oak_conn, exchange, exch_names, "main or aggressive")

static int k_sha256_96(struct parser *p, void *obj, const struct value *v, char *r)
{
	uint8_t yn;

	(void)p;
	if (parse_enum(v->s, yesno_names, &yn))
		return R("bad value '%s' (use yes or no)", v->s);
	((struct oak_conn *)obj)->sha256_96 = yn == 2;
	return 0;
}

static int k_encap(struct parser *p, void *obj, const struct value *v, char *r)
{
	uint8_t yn;

	(void)p;
	if (parse_enum(v->s, yesno_names, &yn))
		return R("bad value '%s' (use yes or no)", v->s);
	((struct oak_conn *)obj)->encap = yn == 2;
	return 0;
}

ENUM_KEY(k_start, struct oak_conn, start, start_names, "none, start or trap")
ENUM_KEY(k_dpd_action, struct oak_conn, dpd_action, dpd_names, "clear, restart or trap")
ENUM_KEY(k_mode, struct oak_child, mode, mode_names, "tunnel or transport")
ENUM_KEY(k_child_start, struct oak_child, start, start_names, "none, start or trap")

#define DURATION_KEY(fn, type, field)						\
static int fn(struct parser *p, void *obj, const struct value *v, char *r)	\
{										\
	(void)p;								\
	if (oak_parse_duration(v->s, &((type *)obj)->field))			\
		return R("bad duration '%s' (use e.g. 30s, 5m, 4h, 1d)", v->s);	\
	return 0;								\
}

DURATION_KEY(k_dpd, struct oak_conn, dpd)
DURATION_KEY(k_nat_keepalive, struct oak_conn, nat_keepalive)
DURATION_KEY(k_ike_rekey, struct oak_conn, ike_rekey)
DURATION_KEY(k_ike_lifetime, struct oak_conn, ike_lifetime)
DURATION_KEY(k_reauth, struct oak_conn, reauth)
DURATION_KEY(k_rekey, struct oak_child, rekey)
DURATION_KEY(k_lifetime, struct oak_child, lifetime)

#define SIZE_KEY(fn, field)							\
static int fn(struct parser *p, void *obj, const struct value *v, char *r)	\
{										\
	(void)p;								\
	if (oak_parse_size(v->s, &((struct oak_child *)obj)->field))		\
		return R("bad size '%s' (use e.g. 500K, 10M, 1G)", v->s);	\
	return 0;								\
}

SIZE_KEY(k_rekey_bytes, rekey_bytes)
SIZE_KEY(k_life_bytes, life_bytes)
SIZE_KEY(k_rekey_packets, rekey_packets)
SIZE_KEY(k_life_packets, life_packets)

static int k_jitter(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	if (parse_percent(v->s, &((struct oak_conn *)obj)->jitter))
		return R("bad percentage '%s' (use 0%% to 100%%)", v->s);
	return 0;
}

static int parse_tslist(const char *s, struct oak_tslist *l, char *r)
{
	char item[160];
	const char *comma, *a, *b;

	l->n = 0;
	for (;;) {
		comma = strchr(s, ',');
		b = comma ? comma : s + strlen(s);
		a = s;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (a == b)
			return R("empty traffic selector");
		if (l->n >= OAKLEY_MAX_TS)
			return R("more than %d traffic selectors", OAKLEY_MAX_TS);
		if ((size_t)(b - a) >= sizeof(item))
			return R("bad traffic selector '%.*s'", 64, a);
		memcpy(item, a, b - a);
		item[b - a] = 0;
		if (oak_parse_ts(item, &l->ts[l->n], r, REASON_MAX))
			return -1;
		l->n++;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

static int k_local_ts(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	return parse_tslist(v->s, &((struct oak_child *)obj)->lts, r);
}

static int k_remote_ts(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	return parse_tslist(v->s, &((struct oak_child *)obj)->rts, r);
}

static int k_esp(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	return oak_proposals_parse(v->s, OAK_PROP_ESP, &((struct oak_child *)obj)->esp, r,
				   REASON_MAX);
}

static int k_ah(struct parser *p, void *obj, const struct value *v, char *r)
{
	(void)p;
	return oak_proposals_parse(v->s, OAK_PROP_AH, &((struct oak_child *)obj)->ah, r,
				   REASON_MAX);
}

static int k_psk(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_secret *s = obj;

	if (oak_parse_psk(v->s, v->quoted, s->psk, &s->len, r, REASON_MAX))
		return -1;
	p->secret_has_psk = true;
	p->secret_psk_line = v->line;
	if (s->len < 16)
		pwarn(p, "%s:%u: key 'psk': warning: secret '%s' is shorter than 16 bytes",
		      p->file, v->line, s->name);
	return 0;
}

struct key {
	const char *name;
	int id;
	key_fn fn;
};

static const struct key conn_keys[] = {
	{ "version", CK_VERSION, k_version },
	{ "local", CK_LOCAL, k_local },
	{ "remote", CK_REMOTE, k_remote },
	{ "local-id", CK_LOCAL_ID, k_local_id },
	{ "remote-id", CK_REMOTE_ID, k_remote_id },
	{ "auth", CK_AUTH, k_auth },
	{ "secret", CK_SECRET, k_secret },
	{ "ike", CK_IKE, k_ike },
	{ "exchange", CK_EXCHANGE, k_exchange },
	{ "start", CK_START, k_start },
	{ "dpd", CK_DPD, k_dpd },
	{ "dpd-action", CK_DPD_ACTION, k_dpd_action },
	{ "ike-rekey", CK_IKE_REKEY, k_ike_rekey },
	{ "ike-lifetime", CK_IKE_LIFETIME, k_ike_lifetime },
	{ "reauth", CK_REAUTH, k_reauth },
	{ "jitter", CK_JITTER, k_jitter },
	{ "sha256-96", CK_SHA256_96, k_sha256_96 },
	{ "remote-auth", CK_REMOTE_AUTH, k_remote_auth },
	{ "cert", CK_CERT, k_cert },
	{ "key", CK_KEY, k_key },
	{ "ca", CK_CA, k_ca },
	{ "encap", CK_ENCAP, k_encap },
	{ "nat-keepalive", CK_NAT_KEEPALIVE, k_nat_keepalive },
	{ NULL, 0, NULL }
};

static const struct key child_keys[] = {
	{ "local-ts", HK_LOCAL_TS, k_local_ts },
	{ "remote-ts", HK_REMOTE_TS, k_remote_ts },
	{ "esp", HK_ESP, k_esp },
	{ "ah", HK_AH, k_ah },
	{ "mode", HK_MODE, k_mode },
	{ "start", HK_START, k_child_start },
	{ "rekey", HK_REKEY, k_rekey },
	{ "lifetime", HK_LIFETIME, k_lifetime },
	{ "rekey-bytes", HK_REKEY_BYTES, k_rekey_bytes },
	{ "life-bytes", HK_LIFE_BYTES, k_life_bytes },
	{ "rekey-packets", HK_REKEY_PACKETS, k_rekey_packets },
	{ "life-packets", HK_LIFE_PACKETS, k_life_packets },
	{ NULL, 0, NULL }
};

/* a count: 0 to 4294967295, or at least 1 */
static int parse_count(const char *s, bool nonzero, uint32_t *out, char *r)
{
	const char *end;
	uint64_t v;

	if (parse_u64(s, &end, &v) || *end || v > UINT32_MAX)
		return R("bad number '%s' (use %d to 4294967295)", s, nonzero);
	if (nonzero && !v)
		return R("must be at least 1");
	*out = (uint32_t)v;
	return 0;
}

#define COUNT_KEY(fn, field, nonzero)						\
static int fn(struct parser *p, void *obj, const struct value *v, char *r)	\
{										\
	(void)p;								\
	return parse_count(v->s, nonzero, &((struct oak_limits *)obj)->field, r);	\
}

COUNT_KEY(k_half_open_cookie, half_open_cookie, false)
COUNT_KEY(k_half_open_max, half_open_max, true)
COUNT_KEY(k_init_rate, init_rate, false)
COUNT_KEY(k_init_burst, init_burst, true)

static int k_half_open_bytes(struct parser *p, void *obj, const struct value *v, char *r)
{
	struct oak_limits *l = obj;

	(void)p;
	if (oak_parse_size(v->s, &l->half_open_bytes))
		return R("bad size '%s' (use e.g. 500K, 10M, 1G)", v->s);
	if (l->half_open_bytes < OAKLEY_HALF_OPEN_BYTES_MIN)
		return R("must be at least 64K");
	return 0;
}

static const struct key limits_keys[] = {
	{ "half-open-cookie", LK_HALF_OPEN_COOKIE, k_half_open_cookie },
	{ "half-open-max", LK_HALF_OPEN_MAX, k_half_open_max },
	{ "half-open-bytes", LK_HALF_OPEN_BYTES, k_half_open_bytes },
	{ "init-rate", LK_INIT_RATE, k_init_rate },
	{ "init-burst", LK_INIT_BURST, k_init_burst },
	{ NULL, 0, NULL }
};

static const struct key secret_keys[] = {
	{ "psk", 0, k_psk },
	{ NULL, 0, NULL }
};

static const struct key key_keys[] = {
	{ "file", 0, k_key_file },
	{ NULL, 0, NULL }
};

static const struct key ca_keys[] = {
	{ "file", 0, k_ca_file },
	{ "crl", 1, k_ca_crl },
	{ NULL, 0, NULL }
};

/* ---- section ends: defaults and cross-key checks ------------------------- */

static uint32_t plus_ten_percent(uint32_t v)
{
	uint64_t l = (uint64_t)v + v / 10;

	return l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
}

static void addr_id(struct oak_id *id, uint16_t family, const uint8_t *addr)
{
	id->type = family == AF_INET6 ? OAKLEY_ID_IPV6_ADDR : OAKLEY_ID_IPV4_ADDR;
	id->len = family == AF_INET6 ? 16 : 4;
	memcpy(id->data, addr, id->len);
}

static int finish_conn_auth(struct parser *p, struct oak_conn *c)
{
	unsigned int *kl = c->key_line;
	bool psk, pubkey;

	if (!c->auth)
		c->auth = OAKLEY_AUTH_PSK;
	if (!c->remote_auth)
		c->remote_auth = c->auth;
	psk = c->auth == OAKLEY_AUTH_PSK || c->remote_auth == OAKLEY_AUTH_PSK;
	pubkey = c->auth == OAKLEY_AUTH_PUBKEY || c->remote_auth == OAKLEY_AUTH_PUBKEY;
	if (psk && !kl[CK_SECRET]) {
		perr(p, c->file, c->line, "secret", "required for auth = psk in [connection %s]",
		     c->name);
		return -1;
	}
	if (!psk && kl[CK_SECRET]) {
		perr(p, c->file, kl[CK_SECRET], "secret", "only for auth = psk");
		return -1;
	}
	if (pubkey && c->version == 1) {
		bool local = c->auth == OAKLEY_AUTH_PUBKEY;

		perr(p, c->file, local ? kl[CK_AUTH] : kl[CK_REMOTE_AUTH],
		     local ? "auth" : "remote-auth", "pubkey is not implemented for version = 1 yet");
		return -1;
	}
	if (c->auth == OAKLEY_AUTH_PUBKEY) {
		if (!kl[CK_CERT] || !kl[CK_KEY]) {
			perr(p, c->file, c->line, kl[CK_CERT] ? "key" : "cert",
			     "required for auth = pubkey in [connection %s]", c->name);
			return -1;
		}
	} else if (kl[CK_CERT] || kl[CK_KEY]) {
		perr(p, c->file, kl[CK_CERT] ? kl[CK_CERT] : kl[CK_KEY],
		     kl[CK_CERT] ? "cert" : "key", "only for auth = pubkey");
		return -1;
	}
	if (c->remote_auth != OAKLEY_AUTH_PUBKEY && kl[CK_CA]) {
		perr(p, c->file, kl[CK_CA], "ca", "only for remote-auth = pubkey");
		return -1;
	}
	return 0;
}

static int finish_conn(struct parser *p)
{
	struct oak_conn *c = &p->cfg->conns[p->conn];
	unsigned int *kl = c->key_line;
	char r[REASON_MAX];

	if (!kl[CK_LOCAL]) {
		perr(p, c->file, c->line, "local", "required in [connection %s]", c->name);
		return -1;
	}
	if (!kl[CK_REMOTE]) {
		perr(p, c->file, c->line, "remote", "required in [connection %s]", c->name);
		return -1;
	}
	if (!c->remote_any && p->rfamily != c->family) {
		perr(p, c->file, kl[CK_REMOTE], "remote", "address family differs from local (%s)",
		     c->family == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	if (!c->version)
		c->version = 2;
	if (finish_conn_auth(p, c))
		return -1;
	if (kl[CK_EXCHANGE] && c->version != 1) {
		perr(p, c->file, kl[CK_EXCHANGE], "exchange", "only for version = 1");
		return -1;
	}
	if (c->version == 1 && !c->exchange)
		c->exchange = OAKLEY_EXCHANGE_MAIN;
	if (!kl[CK_LOCAL_ID])
		addr_id(&c->lid, c->family, c->laddr);
	if (!kl[CK_REMOTE_ID]) {
		if (c->remote_any)
			c->rid.type = OAKLEY_ID_ANY;
		else
			addr_id(&c->rid, c->family, c->raddr);
	}
	if (!kl[CK_IKE] && oak_proposals_parse(OAK_DEFAULT_IKE, OAK_PROP_IKE, &c->ike, r,
					       sizeof(r))) {
		perr(p, c->file, c->line, "ike", "%s", r);
		return -1;
	}
	if (!c->start)
		c->start = OAKLEY_START_NONE;
	if (!kl[CK_DPD])
		c->dpd = OAK_DEFAULT_DPD;
	if (!kl[CK_NAT_KEEPALIVE])
		c->nat_keepalive = OAK_DEFAULT_NAT_KEEPALIVE;
	if (!c->dpd_action)
		c->dpd_action = OAKLEY_DPD_CLEAR;
	if (!kl[CK_IKE_REKEY])
		c->ike_rekey = OAK_DEFAULT_IKE_REKEY;
	if (!kl[CK_IKE_LIFETIME]) {
		c->ike_lifetime = plus_ten_percent(c->ike_rekey);
	} else if (c->ike_lifetime && c->ike_lifetime < c->ike_rekey) {
		perr(p, c->file, kl[CK_IKE_LIFETIME], "ike-lifetime", "shorter than ike-rekey");
		return -1;
	}
	if (!kl[CK_JITTER])
		c->jitter = OAK_DEFAULT_JITTER;
	return 0;
}

static void host_ts(struct oak_ts *ts, uint16_t family, const uint8_t *addr)
{
	memset(ts, 0, sizeof(*ts));
	ts->family = family;
	ts->prefixlen = family == AF_INET6 ? 128 : 32;
	if (addr)
		memcpy(ts->addr, addr, family == AF_INET6 ? 16 : 4);
	else
		ts->prefixlen = 0;
}

static int finish_child(struct parser *p)
{
	struct oak_conn *c = &p->cfg->conns[p->conn];
	struct oak_child *h = &c->children[p->child];
	unsigned int *kl = h->key_line;
	char r[REASON_MAX];

	if (!kl[HK_LOCAL_TS]) {
		h->lts.n = 1;
		host_ts(&h->lts.ts[0], c->family, c->laddr);
	}
	if (!kl[HK_REMOTE_TS]) {
		h->rts.n = 1;
		host_ts(&h->rts.ts[0], c->family, c->remote_any ? NULL : c->raddr);
	}
	if (kl[HK_AH] && c->version == 1) {
		perr(p, h->file, kl[HK_AH], "ah", "ah is not implemented for version = 1 yet");
		return -1;
	}
	if (kl[HK_ESP] && kl[HK_AH]) {
		bool ah_last = kl[HK_AH] > kl[HK_ESP];

		perr(p, h->file, ah_last ? kl[HK_AH] : kl[HK_ESP], ah_last ? "ah" : "esp",
		     "esp and ah cannot both be set");
		return -1;
	}
	if (!kl[HK_ESP] && !kl[HK_AH] &&
	    oak_proposals_parse(OAK_DEFAULT_ESP, OAK_PROP_ESP, &h->esp, r, sizeof(r))) {
		perr(p, h->file, h->line, "esp", "%s", r);
		return -1;
	}
	if (!h->mode)
		h->mode = OAKLEY_MODE_TUNNEL;
	if (!h->start)
		h->start = c->start;
	if (!kl[HK_REKEY])
		h->rekey = OAK_DEFAULT_REKEY;
	if (!kl[HK_LIFETIME]) {
		h->lifetime = plus_ten_percent(h->rekey);
	} else if (h->lifetime && h->lifetime < h->rekey) {
		perr(p, h->file, kl[HK_LIFETIME], "lifetime", "shorter than rekey");
		return -1;
	}
	if (h->life_bytes && h->life_bytes < h->rekey_bytes) {
		perr(p, h->file, kl[HK_LIFE_BYTES], "life-bytes", "smaller than rekey-bytes");
		return -1;
	}
	if (h->life_packets && h->life_packets < h->rekey_packets) {
		perr(p, h->file, kl[HK_LIFE_PACKETS], "life-packets",
		     "smaller than rekey-packets");
		return -1;
	}
	return 0;
}

static int finish_secret(struct parser *p)
{
	struct oak_secret *s = &p->cfg->secrets[p->secret];

	if (!p->secret_has_psk) {
		perr(p, s->file, s->line, s->is_key ? "file" : "psk", "required in [%s %s]",
		     s->is_key ? "key" : "secret", s->name);
		return -1;
	}
	return 0;
}

static int finish_ca(struct parser *p)
{
	struct oak_ca *ca = &p->cfg->cas[p->ca];

	if (!ca->cert.p) {
		perr(p, ca->file, ca->line, "file", "required in [ca %s]", ca->name);
		return -1;
	}
	return 0;
}

static int finish_section(struct parser *p)
{
	enum section sec = p->sec;

	p->sec = SEC_NONE;
	if (sec == SEC_CONN)
		return finish_conn(p);
	if (sec == SEC_CHILD)
		return finish_child(p);
	if (sec == SEC_SECRET || sec == SEC_KEY)
		return finish_secret(p);
	if (sec == SEC_CA)
		return finish_ca(p);
	return 0;
}

/* ---- lines -------------------------------------------------------------- */

char *oak_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static int new_conn(struct parser *p, const char *name, const char *hdr)
{
	struct oak_config *cfg = p->cfg;
	struct oak_conn *c;
	int dup = ns_find(&p->conn_names, name, cfg->conns, sizeof(*cfg->conns));

	if (dup >= 0) {
		perr(p, p->file, p->line, hdr, "duplicate connection '%s' (first at %s:%u)", name,
		     cfg->conns[dup].file, cfg->conns[dup].line);
		return -1;
	}
	c = oak_grow(cfg->conns, cfg->nconns, sizeof(*c));
	if (!c)
		goto oom;
	cfg->conns = c;
	c += cfg->nconns;
	memset(c, 0, sizeof(*c));
	strcpy(c->name, name);
	c->file = p->file;
	c->line = p->line;
	c->lport = c->rport = OAK_PORT;
	if (ns_add(&p->conn_names, name, cfg->nconns, cfg->nconns, cfg->conns, sizeof(*c)))
		goto oom;
	p->conn = (int)cfg->nconns++;
	p->rfamily = 0;
	p->sec = SEC_CONN;
	return 0;
oom:
	perr(p, p->file, p->line, hdr, "out of memory");
	return -1;
}

static int new_child(struct parser *p, const char *name, const char *hdr)
{
	struct oak_conn *c;
	struct oak_child *h;
	unsigned int i;

	if (p->conn < 0) {
		perr(p, p->file, p->line, hdr, p->cfg->nconns ?
		     "child section must follow its connection" :
		     "child section before any connection");
		return -1;
	}
	c = &p->cfg->conns[p->conn];
	for (i = 0; i < c->nchildren; i++)
		if (!strcmp(c->children[i].name, name)) {
			perr(p, p->file, p->line, hdr, "duplicate child '%s/%s' (first at line %u)",
			     c->name, name, c->children[i].line);
			return -1;
		}
	if (c->nchildren >= OAKLEY_MAX_CHILDREN) {
		perr(p, p->file, p->line, hdr, "more than %d children in connection '%s'",
		     OAKLEY_MAX_CHILDREN, c->name);
		return -1;
	}
	h = oak_grow(c->children, c->nchildren, sizeof(*h));
	if (!h) {
		perr(p, p->file, p->line, hdr, "out of memory");
		return -1;
	}
	c->children = h;
	h += c->nchildren;
	memset(h, 0, sizeof(*h));
	strcpy(h->name, name);
	h->file = p->file;
	h->line = p->line;
	p->child = (int)c->nchildren++;
	p->sec = SEC_CHILD;
	return 0;
}

/* like oak_grow, but the old array is wiped: it holds key material */
static struct oak_secret *grow_secrets(struct oak_config *cfg)
{
	unsigned int n = cfg->nsecrets;
	struct oak_secret *s;

	if (n && (n < 4 || (n & (n - 1))))
		return cfg->secrets;
	s = calloc(n ? 2 * n : 4, sizeof(*s));
	if (!s)
		return NULL;
	if (n) {
		memcpy(s, cfg->secrets, n * sizeof(*s));
		explicit_bzero(cfg->secrets, n * sizeof(*s));
	}
	free(cfg->secrets);
	cfg->secrets = s;
	return s;
}

static int new_secret(struct parser *p, const char *name, const char *hdr, bool is_key)
{
	struct oak_config *cfg = p->cfg;
	struct oak_secret *s;
	int dup = ns_find(&p->secret_names, name, cfg->secrets, sizeof(*cfg->secrets));

	if (dup >= 0) {
		perr(p, p->file, p->line, hdr, "duplicate %s '%s' (first at %s:%u)",
		     cfg->secrets[dup].is_key ? "key" : "secret", name,
		     cfg->secrets[dup].file, cfg->secrets[dup].line);
		return -1;
	}
	s = grow_secrets(cfg);
	if (!s)
		goto oom;
	s += cfg->nsecrets;
	memset(s, 0, sizeof(*s));
	strcpy(s->name, name);
	s->file = p->file;
	s->line = p->line;
	if (ns_add(&p->secret_names, name, cfg->nsecrets, cfg->nsecrets, cfg->secrets,
		   sizeof(*s)))
		goto oom;
	s->is_key = is_key;
	p->secret = (int)cfg->nsecrets++;
	p->secret_has_psk = false;
	p->sec = is_key ? SEC_KEY : SEC_SECRET;
	return 0;
oom:
	perr(p, p->file, p->line, hdr, "out of memory");
	return -1;
}

static int new_ca(struct parser *p, const char *name, const char *hdr)
{
	struct oak_config *cfg = p->cfg;
	struct oak_ca *ca;
	unsigned int i;

	for (i = 0; i < cfg->ncas; i++) {
		if (strcmp(cfg->cas[i].name, name))
			continue;
		perr(p, p->file, p->line, hdr, "duplicate ca '%s' (first at %s:%u)", name,
		     cfg->cas[i].file, cfg->cas[i].line);
		return -1;
	}
	ca = oak_grow(cfg->cas, cfg->ncas, sizeof(*ca));
	if (!ca) {
		perr(p, p->file, p->line, hdr, "out of memory");
		return -1;
	}
	cfg->cas = ca;
	ca += cfg->ncas;
	memset(ca, 0, sizeof(*ca));
	strcpy(ca->name, name);
	ca->file = p->file;
	ca->line = p->line;
	p->ca = (int)cfg->ncas++;
	p->sec = SEC_CA;
	return 0;
}

/* [limits]: no name, once in the whole configuration */
static int new_limits(struct parser *p, const char *name, const char *hdr)
{
	struct oak_limits *l = &p->cfg->limits;

	if (*name) {
		perr(p, p->file, p->line, hdr, "[limits] takes no name");
		return -1;
	}
	if (l->present) {
		perr(p, p->file, p->line, hdr, "duplicate [limits] section (first at %s:%u)",
		     l->file, l->line);
		return -1;
	}
	l->present = true;
	l->file = p->file;
	l->line = p->line;
	p->conn = -1;
	p->sec = SEC_LIMITS;
	return 0;
}

static int section_line(struct parser *p, char *line)
{
	char hdr[80], *close, *inner, *type, *name, *rest;

	close = strchr(line, ']');
	if (!close) {
		perr(p, p->file, p->line, oak_trim(line), "unterminated section header");
		return -1;
	}
	*close = 0;
	rest = oak_trim(close + 1);
	inner = oak_trim(line + 1);
	snprintf(hdr, sizeof(hdr), "[%.64s]", inner);
	if (*rest && *rest != '#') {
		perr(p, p->file, p->line, hdr, "unexpected text after section header");
		return -1;
	}
	type = inner;
	name = type + strcspn(type, " \t");
	if (*name)
		*name++ = 0;
	name = oak_trim(name);
	if (strcmp(type, "connection") && strcmp(type, "child") && strcmp(type, "secret") &&
	    strcmp(type, "limits") && strcmp(type, "key") && strcmp(type, "ca")) {
		perr(p, p->file, p->line, hdr, "unknown section '%s'", type);
		return -1;
	}
	if (!strcmp(type, "limits"))
		return finish_section(p) ? -1 : new_limits(p, name, hdr);
	if (!valid_name(name)) {
		perr(p, p->file, p->line, hdr,
		     "bad name '%s' (1-%d of A-Z a-z 0-9 _ . -)", name, OAKLEY_NAME_MAX);
		return -1;
	}
	if (finish_section(p))
		return -1;
	if (!strcmp(type, "connection"))
		return new_conn(p, name, hdr);
	if (!strcmp(type, "child"))
		return new_child(p, name, hdr);
	p->conn = -1;
	if (!strcmp(type, "ca"))
		return new_ca(p, name, hdr);
	return new_secret(p, name, hdr, !strcmp(type, "key"));
}

static int parse_value(struct parser *p, const char *key, char *s, struct value *v)
{
	char *o, *hash;

	v->line = p->line;
	v->quoted = false;
	s = oak_trim(s);
	if (*s == '"') {
		v->quoted = true;
		v->s = o = ++s;
		for (;;) {
			if (!*s) {
				perr(p, p->file, p->line, key, "unterminated quote");
				return -1;
			}
			if (*s == '"')
				break;
			if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				s++;
			*o++ = *s++;
		}
		*o = 0;
		s = oak_trim(s + 1);
		if (*s && *s != '#') {
			perr(p, p->file, p->line, key, "unexpected text after closing quote");
			return -1;
		}
		return 0;
	}
	hash = strchr(s, '#');
	if (hash)
		*hash = 0;
	v->s = oak_trim(s);
	if (!*v->s) {
		perr(p, p->file, p->line, key, "missing value");
		return -1;
	}
	return 0;
}

static int parse_buf(struct parser *p, const char *file, char *buf, size_t len);

static int include_file(struct parser *p, const char *path)
{
	const char *file = p->file;
	unsigned int line = p->line;
	char *full, *slash, *buf = NULL, **files;
	size_t len = 0;
	int ret;

	if (p->opts && p->opts->no_include) {
		perr(p, file, line, "include", "include is not allowed here");
		return -1;
	}
	if (p->depth >= MAX_INCLUDE_DEPTH) {
		perr(p, file, line, "include", "includes nested deeper than %d", MAX_INCLUDE_DEPTH);
		return -1;
	}
	slash = strrchr(file, '/');
	if (path[0] == '/' || !slash) {
		full = strdup(path);
	} else {
		full = malloc(slash - file + 1 + strlen(path) + 1);
		if (full)
			sprintf(full, "%.*s/%s", (int)(slash - file), file, path);
	}
	files = oak_grow(p->cfg->files, p->cfg->nfiles, sizeof(*files));
	if (!full || !files) {
		free(full);
		if (files)
			p->cfg->files = files;
		perr(p, file, line, "include", "out of memory");
		return -1;
	}
	p->cfg->files = files;
	files[p->cfg->nfiles++] = full;
	if (p->opts && p->opts->read)
		ret = p->opts->read(full, &buf, &len);
	else
		ret = oak_read_file(full, &buf, &len);
	if (ret) {
		perr(p, file, line, "include", "cannot read '%s': %s", full, strerror(-ret));
		return -1;
	}
	p->depth++;
	ret = parse_buf(p, full, buf, len);
	p->depth--;
	explicit_bzero(buf, len);
	free(buf);
	p->file = file;
	p->line = line;
	return ret;
}

static const struct key *find_key(const struct key *keys, const char *name)
{
	for (; keys->name; keys++)
		if (!strcmp(keys->name, name))
			return keys;
	return NULL;
}

static int key_line(struct parser *p, char *line)
{
	static const char *const secname[] = { "", "connection", "child", "secret", "limits",
					       "key", "ca" };
	const struct key *keys, *k;
	char *eq, *key, r[REASON_MAX];
	unsigned int *kl;
	struct value v;
	void *obj;
	size_t i;

	eq = strchr(line, '=');
	if (eq)
		*eq = 0;
	key = oak_trim(line);
	for (i = 0; key[i]; i++)
		if (!islower((unsigned char)key[i]) && !isdigit((unsigned char)key[i]) &&
		    key[i] != '-')
			break;
	if (!eq || !*key || key[i]) {
		key[strcspn(key, " \t#")] = 0;
		perr(p, p->file, p->line, key, "expected 'key = value'");
		return -1;
	}
	if (parse_value(p, key, eq + 1, &v))
		return -1;
	if (!strcmp(key, "include")) {
		if (finish_section(p))
			return -1;
		p->conn = -1;
		return include_file(p, v.s);
	}
	switch (p->sec) {
	case SEC_CONN:
		keys = conn_keys;
		obj = &p->cfg->conns[p->conn];
		kl = p->cfg->conns[p->conn].key_line;
		break;
	case SEC_CHILD:
		keys = child_keys;
		obj = &p->cfg->conns[p->conn].children[p->child];
		kl = p->cfg->conns[p->conn].children[p->child].key_line;
		break;
	case SEC_LIMITS:
		keys = limits_keys;
		obj = &p->cfg->limits;
		kl = p->cfg->limits.key_line;
		break;
	case SEC_SECRET:
		keys = secret_keys;
		obj = &p->cfg->secrets[p->secret];
		kl = NULL;
		break;
	case SEC_KEY:
		keys = key_keys;
		obj = &p->cfg->secrets[p->secret];
		kl = NULL;
		break;
	case SEC_CA:
		keys = ca_keys;
		obj = &p->cfg->cas[p->ca];
		kl = p->cfg->cas[p->ca].key_line;
		break;
	default:
		perr(p, p->file, p->line, key, "outside any section");
		return -1;
	}
	k = find_key(keys, key);
	if (!k) {
		perr(p, p->file, p->line, key, "unknown key in [%s]", secname[p->sec]);
		return -1;
	}
	if (kl ? kl[k->id] != 0 : p->secret_has_psk) {
		perr(p, p->file, p->line, key, "set twice (first on line %u)",
		     kl ? kl[k->id] : p->secret_psk_line);
		return -1;
	}
	if (k->fn(p, obj, &v, r)) {
		perr(p, p->file, p->line, key, "%s", r);
		return -1;
	}
	if (kl)
		kl[k->id] = p->line;
	return 0;
}

static int parse_buf(struct parser *p, const char *file, char *buf, size_t len)
{
	size_t pos = 0, n;
	char *line, *nl, *s;

	p->file = file;
	p->line = 0;
	p->sec = SEC_NONE;
	p->conn = -1;
	while (pos < len) {
		line = buf + pos;
		nl = memchr(line, '\n', len - pos);
		n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + 1;
		p->line++;
		if (memchr(line, 0, n)) {
			perr(p, file, p->line, "", "NUL byte in line");
			return -1;
		}
		line[n] = 0;
		if (n && line[n - 1] == '\r')
			line[n - 1] = 0;
		s = oak_trim(line);
		if (!*s || *s == '#')
			continue;
		if (*s == '[' ? section_line(p, s) : key_line(p, s))
			return -1;
	}
	if (finish_section(p))
		return -1;
	p->conn = -1;
	return 0;
}

int oak_read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		if (n + 1 >= cap || !b) {
			nb = b ? malloc(cap * 2) : malloc(cap);
			if (!nb) {
				if (b)
					explicit_bzero(b, n);
				free(b);
				close(fd);
				return -ENOMEM;
			}
			if (b) {
				memcpy(nb, b, n);
				explicit_bzero(b, n);
				free(b);
				cap *= 2;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(b);
			close(fd);
			return (int)r;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

static int find_secret(struct parser *p, const char *name, bool is_key)
{
	struct oak_config *cfg = p->cfg;
	int i = ns_find(&p->secret_names, name, cfg->secrets, sizeof(*cfg->secrets));

	return i >= 0 && cfg->secrets[i].is_key == is_key ? i : -1;
}

static int copy_ca(struct oak_conn *c, const struct oak_ca *ca)
{
	if (c->ncas == OAK_MAX_CERTS)
		return -1;
	if (oak_blob_dup(&c->cas[c->ncas], &ca->cert))
		return -1;
	c->ncas++;
	if (!ca->crl.p)
		return 0;
	if (oak_blob_dup(&c->crls[c->ncrls], &ca->crl))
		return -1;
	c->ncrls++;
	return 0;
}

/* The trust anchors of a remote-auth pubkey connection: its ca names, or every [ca]. */
static int resolve_cas(struct parser *p, struct oak_conn *c)
{
	struct oak_config *cfg = p->cfg;
	unsigned int i, j;

	if (!c->nca_names) {
		for (j = 0; j < cfg->ncas; j++)
			if (copy_ca(c, &cfg->cas[j]))
				goto oom;
		if (!cfg->ncas) {
			perr(p, c->file, c->line, "ca", "remote-auth = pubkey needs a [ca] section");
			return -1;
		}
		return 0;
	}
	for (i = 0; i < c->nca_names; i++) {
		for (j = 0; j < cfg->ncas && strcmp(cfg->cas[j].name, c->ca_names[i]); j++)
			;
		if (j == cfg->ncas) {
			perr(p, c->file, c->key_line[CK_CA], "ca", "no [ca %s] section",
			     c->ca_names[i]);
			return -1;
		}
		if (copy_ca(c, &cfg->cas[j]))
			goto oom;
	}
	return 0;
oom:
	perr(p, c->file, c->key_line[CK_CA], "ca", "out of memory or more than %d", OAK_MAX_CERTS);
	return -1;
}

static int check_conn_names(struct parser *p, struct oak_conn *c)
{
	bool missing_ok = p->opts && p->opts->allow_missing_secret;
	bool psk = c->auth == OAKLEY_AUTH_PSK || c->remote_auth == OAKLEY_AUTH_PSK;

	if (c->remote_auth == OAKLEY_AUTH_PUBKEY && resolve_cas(p, c))
		return -1;
	if (missing_ok)
		return 0;
	if (psk && find_secret(p, c->secret, false) < 0) {
		perr(p, c->file, c->key_line[CK_SECRET], "secret",
		     "no [secret %s] section", c->secret);
		return -1;
	}
	if (c->auth == OAKLEY_AUTH_PUBKEY && find_secret(p, c->key, true) < 0) {
		perr(p, c->file, c->key_line[CK_KEY], "key", "no [key %s] section", c->key);
		return -1;
	}
	return 0;
}

static int check_secrets(struct parser *p)
{
	struct oak_config *cfg = p->cfg;
	unsigned int i;

	for (i = 0; i < cfg->nconns; i++)
		if (check_conn_names(p, &cfg->conns[i]))
			return -1;
	return 0;
}

static char *keep_name(struct oak_config *cfg, const char *file)
{
	char **files = oak_grow(cfg->files, cfg->nfiles, sizeof(*files));

	if (!files)
		return NULL;
	cfg->files = files;
	files[cfg->nfiles] = strdup(file);
	if (!files[cfg->nfiles])
		return NULL;
	return files[cfg->nfiles++];
}

int oak_config_parse_buf(struct oak_config *cfg, const char *file, const char *buf,
			 size_t len, const struct oak_parse_opts *opts, char *err,
			 size_t errlen)
{
	struct parser p = { .cfg = cfg, .opts = opts, .err = err, .errlen = errlen,
			    .conn = -1, .child = -1, .secret = -1, .ca = -1 };
	char *copy = malloc(len + 1);
	const char *name;
	int ret = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (errlen)
		err[0] = 0;
	name = keep_name(cfg, file);
	if (!copy || !name) {
		snprintf(err, errlen, "%s: out of memory", file);
		goto out;
	}
	memcpy(copy, buf, len);
	copy[len] = 0;
	if (!parse_buf(&p, name, copy, len) && !check_secrets(&p))
		ret = 0;
out:
	if (copy)
		explicit_bzero(copy, len + 1);
	free(copy);
	free(p.conn_names.slot);
	free(p.secret_names.slot);
	return ret;
}

int oak_config_parse_file(struct oak_config *cfg, const char *file,
			  const struct oak_parse_opts *opts, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = opts && opts->read ? opts->read(file, &buf, &len) : oak_read_file(file, &buf, &len);
	if (ret) {
		memset(cfg, 0, sizeof(*cfg));
		snprintf(err, errlen, "%s: %s", file, strerror(-ret));
		return -1;
	}
	ret = oak_config_parse_buf(cfg, file, buf, len, opts, err, errlen);
	explicit_bzero(buf, len);
	free(buf);
	return ret;
}

void oak_proplist_free(struct oak_proplist *pl)
{
	free(pl->p);
	pl->p = NULL;
	pl->n = 0;
}

void oak_conn_free(struct oak_conn *c)
{
	unsigned int i;

	oak_proplist_free(&c->ike);
	for (i = 0; i < c->nchildren; i++) {
		oak_proplist_free(&c->children[i].esp);
		oak_proplist_free(&c->children[i].ah);
	}
	free(c->children);
	c->children = NULL;
	c->nchildren = 0;
	for (i = 0; i < c->ncerts; i++)
		oak_blob_free(&c->certs[i]);
	for (i = 0; i < c->ncas; i++)
		oak_blob_free(&c->cas[i]);
	for (i = 0; i < c->ncrls; i++)
		oak_blob_free(&c->crls[i]);
	c->ncerts = c->ncas = c->ncrls = 0;
}

static void warn_legacy(const struct oak_proplist *pl, const char *file, unsigned int line,
			const char *key, void (*warn)(void *ctx, const char *msg), void *ctx)
{
	char names[160], msg[512];
	unsigned int n;

	if (!line)
		return;		/* the defaults have none */
	n = oak_proposals_legacy(pl, names, sizeof(names));
	if (!n)
		return;
	snprintf(msg, sizeof(msg), "%s:%u: key '%s': warning: %s %s legacy (RFC 8247): "
		 "keep %s for the peers that need %s", file, line, key, names,
		 n == 1 ? "is" : "are", n == 1 ? "it" : "them", n == 1 ? "it" : "them");
	warn(ctx, msg);
}

void oak_config_warn_legacy(const struct oak_config *cfg,
			    void (*warn)(void *ctx, const char *msg), void *ctx)
{
	unsigned int i, j;

	for (i = 0; i < cfg->nconns; i++) {
		const struct oak_conn *c = &cfg->conns[i];

		warn_legacy(&c->ike, c->file, c->key_line[CK_IKE], "ike", warn, ctx);
		for (j = 0; j < c->nchildren; j++) {
			const struct oak_child *h = &c->children[j];

			warn_legacy(&h->esp, h->file, h->key_line[HK_ESP], "esp", warn, ctx);
			warn_legacy(&h->ah, h->file, h->key_line[HK_AH], "ah", warn, ctx);
		}
	}
}

void oak_config_free(struct oak_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nconns; i++)
		oak_conn_free(&cfg->conns[i]);
	free(cfg->conns);
	for (i = 0; i < cfg->nsecrets; i++)
		oak_blob_wipe(&cfg->secrets[i].rsa);
	for (i = 0; i < cfg->ncas; i++) {
		oak_blob_free(&cfg->cas[i].cert);
		oak_blob_free(&cfg->cas[i].crl);
	}
	free(cfg->cas);
	if (cfg->secrets)
		explicit_bzero(cfg->secrets, cfg->nsecrets * sizeof(*cfg->secrets));
	free(cfg->secrets);
	for (i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->files);
	memset(cfg, 0, sizeof(*cfg));
}

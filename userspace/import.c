// SPDX-License-Identifier: GPL-2.0
/*
 * oak import FILE: translate a strongSwan swanctl.conf (or an ipsec.conf,
 * through import_ipsec.c) into an Oakley configuration on stdout.  Every setting of FILE is either translated or
 * reported on stderr as "FILE:LINE: key 'PATH': reason"; nothing is dropped
 * without a line.  The result is parsed again with the oak parser before it
 * is printed, so what comes out passes `oak check` (or the reason is shown).
 *
 * The swanctl.conf syntax (strongSwan's settings format) read here:
 *   name { ... }          a section; sections nest
 *   key = value           value to the end of the line, or "quoted"
 *   include PATTERN       other files (glob, relative to this file's directory)
 *   # comment
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "config.h"
#include "proposal.h"
#include "import.h"
#include "subcommands.h"

/* ---- reporting ---------------------------------------------------------- */

void imp_note(struct importer *im, const struct snode *n, const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: key '%s': ", n->file, n->line, n->label ? n->label : path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	im->notes++;
}

/* ---- the swanctl.conf reader -------------------------------------------- */

struct snode *imp_node_new(struct snode *parent, const char *name, size_t n, const char *file,
			   unsigned int line)
{
	struct snode *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->name = strndup(name, n);
	if (!s->name) {
		free(s);
		return NULL;
	}
	s->file = file;
	s->line = line;
	if (parent->last)
		parent->last->next = s;
	else
		parent->kids = s;
	parent->last = s;
	return s;
}

const char *imp_keep_name(struct importer *im, const char *path)
{
	char **nf = realloc(im->files, (im->nfiles + 1) * sizeof(*nf));

	if (!nf)
		return NULL;
	im->files = nf;
	nf[im->nfiles] = strdup(path);
	return nf[im->nfiles] ? nf[im->nfiles++] : NULL;
}

void imp_node_free(struct snode *s)
{
	struct snode *k, *nx;

	for (k = s->kids; k; k = nx) {
		nx = k->next;
		imp_node_free(k);
	}
	free(s->name);
	free(s->value);
	free(s->label);
	free(s);
}

struct lexer {
	const char *p, *end, *file;
	unsigned int line;
};

static void skip_space(struct lexer *lx, bool newlines)
{
	while (lx->p < lx->end) {
		if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (*lx->p == '\n' && newlines) {
			lx->line++;
			lx->p++;
		} else if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r') {
			lx->p++;
		} else {
			break;
		}
	}
}

static bool name_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("={}#:\"", c);
}

static int read_file_into(struct importer *im, struct snode *root, const char *path,
			  const char *from, unsigned int from_line);

/* "include PATTERN": PATTERN relative to the including file's directory */
static int do_include(struct importer *im, struct snode *sec, struct lexer *lx, char *pat)
{
	char *full = NULL;
	const char *slash;
	glob_t g;
	size_t i;
	int ret = 0, r;

	if (pat[0] != '/' && (slash = strrchr(lx->file, '/'))) {
		if (asprintf(&full, "%.*s/%s", (int)(slash - lx->file), lx->file, pat) < 0)
			return -1;
	} else {
		full = strdup(pat);
		if (!full)
			return -1;
	}
	r = glob(full, 0, NULL, &g);
	if (r == GLOB_NOMATCH) {
		/* strongSwan ignores a pattern without matches; so do we, said */
		fprintf(stderr, "%s:%u: key 'include': '%s' matches no file\n", lx->file,
			lx->line, pat);
	} else if (r) {
		fprintf(stderr, "%s:%u: key 'include': cannot expand '%s'\n", lx->file,
			lx->line, pat);
		ret = -1;
	} else {
		for (i = 0; i < g.gl_pathc && !ret; i++)
			ret = read_file_into(im, sec, g.gl_pathv[i], lx->file, lx->line);
		globfree(&g);
	}
	free(full);
	return ret;
}

static int lex_error(struct lexer *lx, const char *what)
{
	fprintf(stderr, "%s:%u: key '': %s\n", lx->file, lx->line, what);
	return -1;
}

static int parse_value(struct lexer *lx, char **out)
{
	unsigned int start;
	const char *s;
	char *v, *o;

	skip_space(lx, false);
	start = lx->line;
	if (lx->p < lx->end && *lx->p == '"') {
		v = malloc(lx->end - lx->p + 1);
		if (!v)
			return -1;
		o = v;
		for (lx->p++; lx->p < lx->end && *lx->p != '"'; lx->p++) {
			if (*lx->p == '\\' && lx->p + 1 < lx->end) {
				lx->p++;
				*o++ = *lx->p == 'n' ? '\n' : *lx->p == 't' ? '\t' : *lx->p;
				continue;
			}
			if (*lx->p == '\n')
				lx->line++;
			*o++ = *lx->p;
		}
		*o = 0;
		if (lx->p >= lx->end) {
			free(v);
			lx->line = start;
			return lex_error(lx, "unterminated quote");
		}
		lx->p++;
		*out = v;
		return 0;
	}
	s = lx->p;
	while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '#')
		lx->p++;
	o = (char *)lx->p;
	while (o > s && isspace((unsigned char)o[-1]))
		o--;
	*out = strndup(s, o - s);
	return *out ? 0 : -1;
}

static int parse_body(struct importer *im, struct snode *sec, struct lexer *lx, bool top)
{
	const char *name;
	struct snode *n;
	size_t len;
	char *pat;
	int ret;

	for (;;) {
		skip_space(lx, true);
		if (lx->p >= lx->end)
			return top ? 0 : lex_error(lx, "missing '}' at the end of the file");
		if (*lx->p == '}') {
			if (top)
				return lex_error(lx, "'}' without a section");
			lx->p++;
			return 0;
		}
		name = lx->p;
		while (lx->p < lx->end && name_char(*lx->p))
			lx->p++;
		len = lx->p - name;
		if (!len)
			return lex_error(lx, "expected a key or a section name");
		skip_space(lx, false);
		if (len == 7 && !strncmp(name, "include", 7) && lx->p < lx->end &&
		    *lx->p != '=' && *lx->p != '{') {
			if (parse_value(lx, &pat))
				return -1;
			ret = do_include(im, sec, lx, pat);
			free(pat);
			if (ret)
				return ret;
			continue;
		}
		n = imp_node_new(sec, name, len, lx->file, lx->line);
		if (!n)
			return -1;
		skip_space(lx, true);
		if (lx->p < lx->end && *lx->p == ':') {
			/* name : template { }: kept as a section, reported below */
			while (lx->p < lx->end && *lx->p != '{' && *lx->p != '\n')
				lx->p++;
			imp_note(im, n, n->name, "section templates (NAME : TEMPLATE) are not imported");
			skip_space(lx, true);
		}
		if (lx->p < lx->end && *lx->p == '=') {
			lx->p++;
			if (parse_value(lx, &n->value))
				return -1;
		} else if (lx->p < lx->end && *lx->p == '{') {
			lx->p++;
			if (parse_body(im, n, lx, false))
				return -1;
		} else {
			return lex_error(lx, "expected '=' or '{'");
		}
	}
}

static int read_file_into(struct importer *im, struct snode *root, const char *path,
			  const char *from, unsigned int from_line)
{
	struct lexer lx;
	char *buf;
	size_t len;
	int r;

	if (im->depth >= 8) {
		fprintf(stderr, "%s:%u: key 'include': includes nested deeper than 8\n", from,
			from_line);
		return -1;
	}
	r = oak_read_file(path, &buf, &len);
	if (r) {
		if (from)
			fprintf(stderr, "%s:%u: key 'include': cannot read '%s': %s\n", from,
				from_line, path, strerror(-r));
		else
			fprintf(stderr, "%s: %s\n", path, strerror(-r));
		return -1;
	}
	lx.file = imp_keep_name(im, path);
	if (!lx.file) {
		free(buf);
		return -1;
	}
	lx.p = buf;
	lx.end = buf + len;
	lx.line = 1;
	if (memchr(buf, 0, len)) {
		free(buf);
		return lex_error(&lx, "NUL byte in file");
	}
	im->depth++;
	r = parse_body(im, root, &lx, true);
	im->depth--;
	free(buf);
	return r;
}

/* ---- tree access ---------------------------------------------------------- */

/* the last KEY = value in SEC (later settings override earlier ones) */
static struct snode *get(struct snode *sec, const char *key)
{
	struct snode *k, *found = NULL;

	for (k = sec->kids; k; k = k->next)
		if (k->value && !strcmp(k->name, key)) {
			k->used = true;
			found = k;
		}
	return found;
}

static struct snode *section(struct snode *sec, const char *name)
{
	struct snode *k;

	for (k = sec->kids; k; k = k->next)
		if (!k->value && !strcmp(k->name, name)) {
			k->used = true;
			return k;
		}
	return NULL;
}

/* what was not used: one line each (a section once, not its contents) */
static void report_unused(struct importer *im, struct snode *sec, const char *path)
{
	struct snode *k;
	char p[512];

	for (k = sec->kids; k; k = k->next) {
		snprintf(p, sizeof(p), "%s%s%s", path, *path ? "." : "", k->name);
		if (!k->used)
			imp_note(im, k, p, "%s has no Oakley equivalent, not imported",
			     k->value ? "setting" : "section");
		else if (!k->value)
			report_unused(im, k, p);
	}
}

/* D = "A.B"; truncated (for a message) when too long */
static __attribute__((noinline)) void mkpath(char *d, size_t n, const char *a, const char *b)
{
	size_t la = strnlen(a, n - 1);

	memcpy(d, a, la);
	d[la] = 0;
	if (la + 1 < n) {
		d[la] = '.';
		snprintf(d + la + 1, n - la - 1, "%s", b);
	}
}

/* ---- value translation -------------------------------------------------- */

/* next comma-separated item of *s (trimmed), or NULL */
static char *next_item(char **s)
{
	char *b = *s, *e, *c;

	if (!b)
		return NULL;
	while (isspace((unsigned char)*b))
		b++;
	if (!*b) {
		*s = NULL;
		return NULL;
	}
	c = strchr(b, ',');
	if (c) {
		*c = 0;
		*s = c + 1;
	} else {
		*s = NULL;
	}
	e = b + strlen(b);
	while (e > b && isspace((unsigned char)e[-1]))
		*--e = 0;
	return b;
}

static void put_quoted(FILE *f, const char *key, const char *value)
{
	const char *c;

	fprintf(f, "%s = \"", key);
	for (c = value; *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', f);
		fputc(*c, f);
	}
	fprintf(f, "\"\n");
}

/* prints VALUE quoted when the oak parser needs it */
static void put(FILE *f, const char *key, const char *value)
{
	if (strpbrk(value, " \t#\"\\"))
		put_quoted(f, key, value);
	else
		fprintf(f, "%s = %s\n", key, value);
}

static void sanitize_name(struct importer *im, const struct snode *n, const char *path,
			  const char *in, char out[OAKLEY_NAME_MAX + 1])
{
	size_t i;

	for (i = 0; in[i] && i < OAKLEY_NAME_MAX; i++)
		out[i] = isalnum((unsigned char)in[i]) || strchr("_.-", in[i]) ? in[i] : '-';
	out[i] = 0;
	if (!i) {
		strcpy(out, "unnamed");
		i = 1;
	}
	if (strcmp(in, out))
		imp_note(im, n, path, "name '%s' is imported as '%s' (Oakley names are 1-32 of "
		     "A-Z a-z 0-9 _ . -)", in, out);
}

/* a swanctl duration into seconds; -1 (and a note) if it is not one */
static long long duration(struct importer *im, struct snode *n, const char *path)
{
	uint32_t v;

	if (oak_parse_duration(n->value, &v)) {
		imp_note(im, n, path, "bad duration '%s', not imported", n->value);
		return -1;
	}
	return v;
}

/* KEY = duration, if SEC has it */
static void put_duration(struct importer *im, FILE *f, struct snode *sec, const char *skey,
			 const char *okey, const char *path)
{
	struct snode *n = get(sec, skey);
	char p[512];

	if (!n)
		return;
	mkpath(p, sizeof(p), path, skey);
	if (duration(im, n, p) >= 0)
		put(f, okey, n->value);
}

static void put_size(struct importer *im, FILE *f, struct snode *sec, const char *skey,
		     const char *okey, const char *path)
{
	struct snode *n = get(sec, skey);
	char p[512];
	uint64_t v;

	if (!n)
		return;
	mkpath(p, sizeof(p), path, skey);
	if (oak_parse_size(n->value, &v))
		imp_note(im, n, p, "bad size '%s', not imported", n->value);
	else
		put(f, okey, n->value);
}

/*
 * swanctl proposals -> Oakley: each proposal is checked with Oakley's own
 * parser; the ones it rejects are reported and left out. "default" becomes
 * Oakley's default list.
 */
static void put_proposals(struct importer *im, FILE *f, struct snode *n, const char *path,
			  enum oak_prop_kind kind, const char *okey)
{
	char *list, *cur, *item, err[256];
	struct oak_proplist pl;
	bool first = true;
	const char *def = kind == OAK_PROP_IKE ? OAK_DEFAULT_IKE : OAK_DEFAULT_ESP;
	char *acc = NULL;
	size_t acclen = 0;
	FILE *a;

	if (!n)
		return;
	list = strdup(n->value);
	a = open_memstream(&acc, &acclen);
	if (!list || !a) {
		free(list);
		if (a)
			fclose(a);
		free(acc);
		im->fatal = true;
		return;
	}
	cur = list;
	while ((item = next_item(&cur))) {
		if (!strcmp(item, "default")) {
			if (kind == OAK_PROP_AH) {
				imp_note(im, n, path, "proposal 'default' has no Oakley equivalent "
				     "for AH, not imported");
				continue;
			}
			fprintf(a, "%s%s", first ? "" : ", ", def);
			first = false;
			continue;
		}
		memset(&pl, 0, sizeof(pl));
		if (oak_proposals_parse(item, kind, &pl, err, sizeof(err))) {
			imp_note(im, n, path, "proposal '%s' not imported: %s", item, err);
		} else {
			fprintf(a, "%s%s", first ? "" : ", ", item);
			first = false;
		}
		oak_proplist_free(&pl);
	}
	fclose(a);
	if (first)
		imp_note(im, n, path, "no proposal Oakley supports; Oakley's default is used");
	else
		put(f, okey, acc);
	free(acc);
	free(list);
}

/* swanctl identity -> Oakley identity in OUT; false if there is none */
static bool convert_id(struct importer *im, struct snode *n, const char *path, bool remote,
		       char *out, size_t len)
{
	const char *v = n->value, *rest;
	struct oak_id id;
	char err[256];

	if (strchr(v, '=') && strncmp(v, "keyid:", 6)) {
		imp_note(im, n, path, "distinguished name '%s' not imported (no certificate "
		     "identities in Oakley yet)", v);
		return false;
	}
	if (!strncmp(v, "fqdn:", 5) || !strncmp(v, "dns:", 4)) {
		rest = strchr(v, ':') + 1;
		snprintf(out, len, "@%s", rest);
	} else if (!strncmp(v, "email:", 6) || !strncmp(v, "rfc822:", 7) ||
		   !strncmp(v, "userfqdn:", 9)) {
		rest = strchr(v, ':') + 1;
		if (!strchr(rest, '@')) {
			imp_note(im, n, path, "email identity without '@' ('%s') not imported", v);
			return false;
		}
		snprintf(out, len, "%s", rest);
	} else if (!strncmp(v, "ipv4:", 5) || !strncmp(v, "ipv6:", 5)) {
		snprintf(out, len, "%s", v + 5);
	} else if (!strncmp(v, "@#", 2) || !strncmp(v, "keyid:#", 7)) {
		imp_note(im, n, path, "binary key ID '%s' not imported", v);
		return false;
	} else if (!strncmp(v, "@@", 2)) {
		snprintf(out, len, "%s", v + 2);
		if (!strchr(out, '@')) {
			imp_note(im, n, path, "email identity without '@' ('%s') not imported", v);
			return false;
		}
	} else if (strchr(v, ':') && strncmp(v, "keyid:", 6) &&
		   strspn(v, "0123456789abcdefABCDEF:.") != strlen(v)) {
		imp_note(im, n, path, "identity type of '%s' not supported, not imported", v);
		return false;
	} else {
		snprintf(out, len, "%s", v);
	}
	if (oak_parse_id(out, remote, &id, err, sizeof(err))) {
		imp_note(im, n, path, "identity '%s' not imported: %s", v, err);
		return false;
	}
	return true;
}

/* the first address of local_addrs/remote_addrs, with PORT if not 500 */
static bool convert_addr(struct importer *im, struct snode *n, struct snode *port,
			 const char *path, bool remote, char *out, size_t len)
{
	char *list, *cur, *first, *more;
	uint8_t addr[16];
	uint16_t fam, p;
	bool has;
	bool ok = false;
	unsigned long pv = 500;

	if (port) {
		char *e;

		pv = strtoul(port->value, &e, 10);
		if (*e || !pv || pv > 65535) {
			imp_note(im, port, port->name, "bad port '%s', not imported", port->value);
			pv = 500;
		}
	}
	list = strdup(n->value);
	if (!list) {
		im->fatal = true;
		return false;
	}
	cur = list;
	first = next_item(&cur);
	more = next_item(&cur);
	if (!first) {
		imp_note(im, n, path, "empty address list");
	} else if (remote && !strcmp(first, "%any")) {
		if (more)
			imp_note(im, n, path, "'%%any' with more addresses: imported as %%any");
		snprintf(out, len, "%%any");
		ok = true;
	} else if (oak_parse_addr(first, &fam, addr, &p, &has) || has) {
		imp_note(im, n, path, "'%s' is not an IP address (Oakley takes one address, no "
		     "names, ranges or subnets), not imported", first);
	} else {
		if (more)
			imp_note(im, n, path, "only the first address '%s' is imported; Oakley "
			     "takes one", first);
		if (pv != 500)
			snprintf(out, len, fam == AF_INET6 ? "[%s]:%lu" : "%s:%lu", first, pv);
		else
			snprintf(out, len, "%s", first);
		ok = true;
	}
	free(list);
	return ok;
}

/* ---- connections -------------------------------------------------------- */

struct isecret {
	char name[OAKLEY_NAME_MAX + 1];
	struct snode *sec;
	struct snode *ids[16];
	unsigned int nids;
};

static struct isecret *secrets;
static unsigned int nsecrets;

static void collect_secrets(struct importer *im, struct snode *root)
{
	struct snode *s = section(root, "secrets"), *k, *kk;
	struct isecret *is, *n;
	char p[512];

	if (!s)
		return;
	for (k = s->kids; k; k = k->next) {
		if (k->value || strncmp(k->name, "ike", 3))
			continue;	/* eap, xauth, private, ...: reported unused */
		k->used = true;
		n = realloc(secrets, (nsecrets + 1) * sizeof(*n));
		if (!n) {
			im->fatal = true;
			return;
		}
		secrets = n;
		is = &secrets[nsecrets++];
		memset(is, 0, sizeof(*is));
		is->sec = k;
		snprintf(p, sizeof(p), "secrets.%s", k->name);
		sanitize_name(im, k, p, k->name, is->name);
		for (kk = k->kids; kk; kk = kk->next)
			if (kk->value && !strncmp(kk->name, "id", 2) && is->nids < 16) {
				kk->used = true;
				is->ids[is->nids++] = kk;
			}
	}
}

static void put_secrets(struct importer *im, FILE *f)
{
	struct snode *v;
	unsigned int i;
	char p[512];

	for (i = 0; i < nsecrets; i++) {
		snprintf(p, sizeof(p), "secrets.%s", secrets[i].sec->name);
		v = get(secrets[i].sec, "secret");
		if (!v) {
			imp_note(im, secrets[i].sec, p, "no 'secret' in this section, not imported");
			continue;
		}
		fprintf(f, "\n[secret %s]\n", secrets[i].name);
		if (!strncmp(v->value, "0x", 2))
			put(f, "psk", v->value);
		else if (!strncmp(v->value, "0s", 2))
			fprintf(f, "psk = base64:%s\n", v->value + 2);
		else
			put_quoted(f, "psk", v->value);
	}
}

/*
 * strongSwan picks the PSK whose IDs match the peers' identities best; Oakley
 * names one secret per connection. Take the first secret with an ID equal to
 * the remote (then the local) identity or address, else one without IDs.
 */
static const char *pick_secret(const char *lid, const char *rid)
{
	unsigned int i, j;

	for (i = 0; i < nsecrets; i++)
		for (j = 0; j < secrets[i].nids; j++)
			if ((rid && !strcmp(secrets[i].ids[j]->value, rid)))
				return secrets[i].name;
	for (i = 0; i < nsecrets; i++)
		for (j = 0; j < secrets[i].nids; j++)
			if ((lid && !strcmp(secrets[i].ids[j]->value, lid)))
				return secrets[i].name;
	for (i = 0; i < nsecrets; i++)
		if (!secrets[i].nids)
			return secrets[i].name;
	return NULL;
}

static void put_ts(struct importer *im, FILE *f, struct snode *n, const char *path,
		   const char *okey, const char *self, bool remote_any)
{
	char *list, *cur, *item, err[256], *acc = NULL;
	size_t acclen = 0;
	struct oak_ts ts;
	bool first = true, only_dynamic = true;
	FILE *a;

	if (!n)
		return;
	list = strdup(n->value);
	a = open_memstream(&acc, &acclen);
	if (!list || !a) {
		free(list);
		if (a)
			fclose(a);
		free(acc);
		im->fatal = true;
		return;
	}
	cur = list;
	while ((item = next_item(&cur))) {
		if (!strcmp(item, "dynamic")) {
			if (remote_any) {
				imp_note(im, n, path, "'dynamic' (the peer's address) has no Oakley "
				     "equivalent with remote = %%any; Oakley's default "
				     "0.0.0.0/0 or ::/0 applies");
				continue;
			}
			fprintf(a, "%s%s", first ? "" : ", ", self);
			first = false;
			continue;
		}
		only_dynamic = false;
		if (oak_parse_ts(item, &ts, err, sizeof(err))) {
			imp_note(im, n, path, "traffic selector '%s' not imported: %s", item, err);
			continue;
		}
		fprintf(a, "%s%s", first ? "" : ", ", item);
		first = false;
	}
	fclose(a);
	/* a lone "dynamic" is Oakley's default too */
	if (!first && !only_dynamic)
		put(f, okey, acc);
	free(acc);
	free(list);
}

static void strip_port(char *s)
{
	char *e;

	if (s[0] == '[') {
		e = strchr(s, ']');
		if (e) {
			memmove(s, s + 1, e - s - 1);
			s[e - s - 1] = 0;
		}
		return;
	}
	e = strchr(s, ':');
	if (e && !strchr(e + 1, ':'))
		*e = 0;
}

/* Child settings of swanctl that Oakley has once per connection: the first child's. */
struct conn_wide {
	struct snode *dpd_action, *sha256_96;
};

/* Keep the first child's value in *first; note a later child's different one. */
static void conn_wide_set(struct importer *im, struct snode *n, const char *p, const char *key,
			  struct snode **first)
{
	if (*first && strcmp((*first)->value, n->value))
		imp_note(im, n, p, "%s '%s' differs from '%s' on line %u: Oakley has one %s per "
			 "connection, '%s' is used", n->name, n->value, (*first)->value,
			 (*first)->line, key, (*first)->value);
	else if (!*first)
		*first = n;
}

static bool swan_yes(const char *v)
{
	return !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1");
}

static bool swan_no(const char *v)
{
	return !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0");
}

static void put_child_wide(struct importer *im, struct snode *ch, const char *cpath,
			   struct conn_wide *w)
{
	char p[512];
	struct snode *n;

	n = get(ch, "dpd_action");
	if (n) {
		mkpath(p, sizeof(p), cpath, "dpd_action");
		if (strcmp(n->value, "clear") && strcmp(n->value, "restart") &&
		    strcmp(n->value, "trap"))
			imp_note(im, n, p, "dpd_action '%s' has no Oakley equivalent, not imported",
			     n->value);
		else
			conn_wide_set(im, n, p, "dpd-action", &w->dpd_action);
	}
	n = get(ch, "sha256_96");
	if (n) {
		mkpath(p, sizeof(p), cpath, "sha256_96");
		if (!swan_yes(n->value) && !swan_no(n->value))
			imp_note(im, n, p, "bad sha256_96 '%s', not imported", n->value);
		else
			conn_wide_set(im, n, p, "sha256-96", &w->sha256_96);
	}
}

static void put_child(struct importer *im, FILE *f, struct snode *ch, const char *cpath,
		      const char *laddr, const char *raddr, bool remote_any,
		      struct conn_wide *w)
{
	char name[OAKLEY_NAME_MAX + 1], p[512], lself[128], rself[128];
	struct snode *n;

	sanitize_name(im, ch, cpath, ch->name, name);
	fprintf(f, "\n[child %s]\n", name);
	snprintf(lself, sizeof(lself), "%s", laddr);
	snprintf(rself, sizeof(rself), "%s", raddr);
	strip_port(lself);
	strip_port(rself);
	mkpath(p, sizeof(p), cpath, "local_ts");
	put_ts(im, f, get(ch, "local_ts"), p, "local-ts", lself, false);
	mkpath(p, sizeof(p), cpath, "remote_ts");
	put_ts(im, f, get(ch, "remote_ts"), p, "remote-ts", rself, remote_any);
	mkpath(p, sizeof(p), cpath, "esp_proposals");
	put_proposals(im, f, get(ch, "esp_proposals"), p, OAK_PROP_ESP, "esp");
	mkpath(p, sizeof(p), cpath, "ah_proposals");
	put_proposals(im, f, get(ch, "ah_proposals"), p, OAK_PROP_AH, "ah");
	n = get(ch, "mode");
	if (n) {
		mkpath(p, sizeof(p), cpath, "mode");
		if (!strcmp(n->value, "tunnel") || !strcmp(n->value, "transport"))
			put(f, "mode", n->value);
		else
			imp_note(im, n, p, "mode '%s' has no Oakley equivalent, not imported",
			     n->value);
	}
	n = get(ch, "start_action");
	if (n) {
		mkpath(p, sizeof(p), cpath, "start_action");
		if (!strcmp(n->value, "none") || !strcmp(n->value, "start") ||
		    !strcmp(n->value, "trap"))
			put(f, "start", n->value);
		else
			imp_note(im, n, p, "start_action '%s' has no Oakley equivalent, not "
			     "imported", n->value);
	}
	put_child_wide(im, ch, cpath, w);
	snprintf(p, sizeof(p), "%s", cpath);
	put_duration(im, f, ch, "rekey_time", "rekey", p);
	put_duration(im, f, ch, "life_time", "lifetime", p);
	put_size(im, f, ch, "rekey_bytes", "rekey-bytes", p);
	put_size(im, f, ch, "life_bytes", "life-bytes", p);
	put_size(im, f, ch, "rekey_packets", "rekey-packets", p);
	put_size(im, f, ch, "life_packets", "life-packets", p);
}

/* local / remote authentication sections: "local", "local-1", "localX"... */
static struct snode *auth_section(struct importer *im, struct snode *conn, const char *which,
				  const char *cpath)
{
	struct snode *k, *found = NULL;
	size_t n = strlen(which);
	char p[512];

	for (k = conn->kids; k; k = k->next) {
		if (k->value || strncmp(k->name, which, n))
			continue;
		if (!found) {
			found = k;
			k->used = true;
		} else {
			mkpath(p, sizeof(p), cpath, k->name);
			imp_note(im, k, p, "a second authentication round has no Oakley "
			     "equivalent, not imported");
			k->used = true;
		}
	}
	return found;
}

static void put_conn(struct importer *im, FILE *f, struct snode *c)
{
	char name[OAKLEY_NAME_MAX + 1], cpath[256], p[512], q[600];
	char laddr[128] = "", raddr[128] = "%any", lid[300] = "", rid[300] = "";
	struct snode *n, *loc, *rem, *kids, *ch, *rekey, *start = NULL;
	struct conn_wide wide = { NULL, NULL };
	const char *lid_raw = NULL, *rid_raw = NULL, *sec;
	bool remote_any, have_local = false;
	char *cb = NULL;
	size_t cblen = 0;
	long long rk = 4 * 3600, v;
	FILE *cf;

	snprintf(cpath, sizeof(cpath), "connections.%s", c->name);
	sanitize_name(im, c, cpath, c->name, name);
	fprintf(f, "\n[connection %s]\n", name);

	n = get(c, "version");
	if (n) {
		mkpath(p, sizeof(p), cpath, "version");
		if (!strcmp(n->value, "1"))
			put(f, "version", "1");
		else if (!strcmp(n->value, "0"))
			imp_note(im, n, p, "version 0 (IKEv1 and IKEv2) is imported as IKEv2 only");
		else if (strcmp(n->value, "2"))
			imp_note(im, n, p, "bad version '%s', not imported", n->value);
	}
	n = get(c, "local_addrs");
	mkpath(p, sizeof(p), cpath, "local_addrs");
	if (n)
		have_local = convert_addr(im, n, get(c, "local_port"), p, false, laddr,
					  sizeof(laddr));
	else
		imp_note(im, c, cpath, "no local_addrs: Oakley needs the local address; set "
		     "'local' in the output");
	if (have_local)
		put(f, "local", laddr);
	else
		fprintf(f, "# local = ?   (required: this gateway's address)\n");
	n = get(c, "remote_addrs");
	mkpath(p, sizeof(p), cpath, "remote_addrs");
	if (n && !convert_addr(im, n, get(c, "remote_port"), p, true, raddr, sizeof(raddr))) {
		imp_note(im, n, p, "imported as remote = %%any (respond to any peer)");
		snprintf(raddr, sizeof(raddr), "%%any");
	}
	put(f, "remote", raddr);
	remote_any = !strcmp(raddr, "%any");

	loc = auth_section(im, c, "local", cpath);
	rem = auth_section(im, c, "remote", cpath);
	if (loc) {
		mkpath(p, sizeof(p), cpath, loc->name);
		n = get(loc, "id");
		mkpath(q, sizeof(q), p, "id");
		if (n && convert_id(im, n, q, false, lid, sizeof(lid))) {
			put(f, "local-id", lid);
			lid_raw = n->value;
		}
		n = get(loc, "auth");
		mkpath(q, sizeof(q), p, "auth");
		if (n && strcmp(n->value, "psk"))
			imp_note(im, n, q, "auth '%s' has no Oakley equivalent (Oakley has psk)",
			     n->value);
	}
	if (rem) {
		mkpath(p, sizeof(p), cpath, rem->name);
		n = get(rem, "id");
		mkpath(q, sizeof(q), p, "id");
		if (n && convert_id(im, n, q, true, rid, sizeof(rid))) {
			put(f, "remote-id", rid);
			rid_raw = n->value;
		}
		n = get(rem, "auth");
		mkpath(q, sizeof(q), p, "auth");
		if (n && strcmp(n->value, "psk"))
			imp_note(im, n, q, "auth '%s' has no Oakley equivalent (Oakley has psk)",
			     n->value);
	}
	/* strongSwan accepts any remote identity unless one is set */
	if (!rid_raw && !remote_any)
		put(f, "remote-id", "%any");
	sec = pick_secret(lid_raw ? lid_raw : laddr, rid_raw ? rid_raw : raddr);
	if (sec)
		put(f, "secret", sec);
	else
		imp_note(im, c, cpath, "no ike secret in 'secrets' matches this connection");

	mkpath(p, sizeof(p), cpath, "proposals");
	put_proposals(im, f, get(c, "proposals"), p, OAK_PROP_IKE, "ike");
	n = get(c, "aggressive");
	if (n && !strcmp(n->value, "yes")) {
		mkpath(p, sizeof(p), cpath, "aggressive");
		if (get(c, "version") && !strcmp(get(c, "version")->value, "1"))
			put(f, "exchange", "aggressive");
		else
			imp_note(im, n, p, "aggressive mode is IKEv1 only, not imported");
	}
	n = get(c, "dpd_delay");
	if (n) {
		mkpath(p, sizeof(p), cpath, "dpd_delay");
		if (duration(im, n, p) >= 0)
			put(f, "dpd", n->value);
	} else {
		put(f, "dpd", "0");	/* strongSwan's default: no DPD */
	}
	rekey = get(c, "rekey_time");
	if (rekey) {
		mkpath(p, sizeof(p), cpath, "rekey_time");
		rk = duration(im, rekey, p);
		if (rk >= 0)
			put(f, "ike-rekey", rekey->value);
		else
			rk = 4 * 3600;
	}
	n = get(c, "over_time");
	if (n) {
		mkpath(p, sizeof(p), cpath, "over_time");
		v = duration(im, n, p);
		if (v >= 0 && rk + v <= UINT32_MAX)
			fprintf(f, "ike-lifetime = %llu\n", (unsigned long long)(rk + v));
	}
	n = get(c, "rand_time");
	if (n) {
		mkpath(p, sizeof(p), cpath, "rand_time");
		v = duration(im, n, p);
		if (v >= 0 && rk > 0)
			fprintf(f, "jitter = %lld%%\n", v * 100 / rk > 100 ? 100 : v * 100 / rk);
		else if (v >= 0)
			imp_note(im, n, p, "rand_time without rekeying, not imported");
	}
	put_duration(im, f, c, "reauth_time", "reauth", cpath);

	/* children go to a buffer: dpd_action (per child in swanctl) belongs above */
	cf = open_memstream(&cb, &cblen);
	if (!cf) {
		im->fatal = true;
		return;
	}
	kids = section(c, "children");
	for (ch = kids ? kids->kids : NULL; ch; ch = ch->next) {
		if (ch->value)
			continue;
		ch->used = true;
		snprintf(p, sizeof(p), "%s.children.%s", cpath, ch->name);
		put_child(im, cf, ch, p, laddr, raddr, remote_any, &wide);
	}
	fclose(cf);
	/*
	 * strongSwan initiates the children with start_action = start; Oakley
	 * initiates a connection with start = start and then negotiates all its
	 * children but the trap ones.
	 */
	for (ch = kids ? kids->kids : NULL; ch; ch = ch->next)
		if (!ch->value && (n = get(ch, "start_action")) && !strcmp(n->value, "start"))
			start = n;
	for (ch = kids ? kids->kids : NULL; ch && start; ch = ch->next) {
		if (ch->value)
			continue;
		n = get(ch, "start_action");
		if (!n || !strcmp(n->value, "none")) {
			mkpath(p, sizeof(p), cpath, "children");
			mkpath(q, sizeof(q), p, ch->name);
			imp_note(im, n ? n : ch, q, "is started with the connection: Oakley "
			     "negotiates every child but trap ones once the IKE SA is up");
		}
	}
	if (start)
		put(f, "start", "start");
	if (wide.dpd_action)
		put(f, "dpd-action", wide.dpd_action->value);
	if (wide.sha256_96 && swan_yes(wide.sha256_96->value))
		put(f, "sha256-96", "yes");
	fputs(cb ? cb : "", f);
	free(cb);
}

/* swanctl.conf, or an ipsec.conf recognised by its sections */
static int import_read(struct importer *im, struct snode *root, const char *file)
{
	char *buf;
	size_t len;
	bool ipsec;

	if (oak_read_file(file, &buf, &len))
		return read_file_into(im, root, file, NULL, 0);	/* says why */
	ipsec = ipsec_conf_sniff(buf, len);
	free(buf);
	return ipsec ? ipsec_conf_read(im, root, file) : read_file_into(im, root, file, NULL, 0);
}

static int import_file(const char *file, FILE *out)
{
	struct importer im = { 0 };
	struct snode root = { 0 }, *conns, *c, *k, *nx;
	struct oak_config cfg;
	char *buf = NULL, msg[1024];
	size_t len = 0;
	FILE *f;
	unsigned int i;
	int ret = -1;

	root.file = file;
	if (import_read(&im, &root, file))
		goto out;
	f = open_memstream(&buf, &len);
	if (!f)
		goto out;
	fprintf(f, "# Oakley configuration imported from %s by oak import.\n"
		"# It holds key material: keep it mode 0600.\n", file);
	collect_secrets(&im, &root);
	conns = section(&root, "connections");
	for (c = conns ? conns->kids : NULL; c; c = c->next) {
		if (c->value)
			continue;
		c->used = true;
		put_conn(&im, f, c);
	}
	put_secrets(&im, f);
	fclose(f);
	report_unused(&im, &root, "");
	if (im.fatal) {
		fprintf(stderr, "oak: import: out of memory\n");
		goto out;
	}
	fputs(buf, out);
	if (fflush(out))
		goto out;
	if (oak_config_parse_buf(&cfg, "(import output)", buf, len, NULL, msg, sizeof(msg))) {
		fprintf(stderr, "oak: import: the result does not pass oak check: %s\n", msg);
		oak_config_free(&cfg);
		goto out;
	}
	oak_config_free(&cfg);
	if (im.notes)
		fprintf(stderr, "oak: import: %u setting%s of %s not carried over (above)\n",
			im.notes, im.notes == 1 ? "" : "s", file);
	ret = 0;
out:
	if (buf)
		explicit_bzero(buf, len);
	free(buf);
	for (k = root.kids; k; k = nx) {
		nx = k->next;
		imp_node_free(k);
	}
	for (i = 0; i < im.nfiles; i++)
		free(im.files[i]);
	free(im.files);
	free(secrets);
	secrets = NULL;
	nsecrets = 0;
	return ret;
}

int import_main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "Usage: %s import SWANCTL.CONF|IPSEC.CONF\n", prog);
		return -1;
	}
	return import_file(argv[1], stdout);
}

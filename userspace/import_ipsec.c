// SPDX-License-Identifier: GPL-2.0
/*
 * oak import of a strongSwan ipsec.conf (the stroke format, ipsec.conf(5))
 * and the ipsec.secrets beside it.
 *
 * The file is read into sections ("config setup", "conn NAME", "ca NAME")
 * of KEY=VALUE lines, each conn is resolved with conn %default and its
 * also= chain, and the result is written into the settings tree a
 * swanctl.conf of the same meaning would give (a connection with one child
 * of the conn's name).  Every node keeps the line and the ipsec.conf key it
 * came from, so import.c's translation and reports serve both formats;
 * ipsec.conf keys without a translation are reported here.
 *
 * strongSwan's defaults that differ from Oakley's are written out (auth is
 * pubkey unless authby or leftauth say otherwise, DPD is off, lifetimes
 * are 3 h and 1 h with a 9 min margin, a conn without auto= is not loaded).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "import.h"

#define IPSEC_ALSO_DEPTH	8

/* what ipsec.conf's stroke defaults are (ipsec.conf(5), strongSwan 5.9) */
#define IPSEC_IKELIFETIME	(3 * 3600)
#define IPSEC_LIFETIME		3600
#define IPSEC_MARGIN		(9 * 60)
#define IPSEC_FUZZ		100

struct ipsec_ctx {
	struct importer *im;
	struct snode *conf;		/* sections as read: name "conn NAME" etc. */
	struct snode *dflt;		/* conn %default, or NULL */
};

/* ---- the reader ------------------------------------------------------------ */

/* cut a line at a '#' outside double quotes */
static void strip_comment(char *s)
{
	bool q = false;

	for (; *s; s++) {
		if (*s == '"')
			q = !q;
		else if (*s == '#' && !q) {
			*s = 0;
			return;
		}
	}
}

static char *unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = 0;
		return v + 1;
	}
	return v;
}

/*
 * The next line of *CUR with something in it (comments cut), its number in
 * *LINE; NULL at the end.  *CUR is split in place.
 */
static char *next_line(char **cur, unsigned int *line)
{
	char *l;

	while ((l = *cur)) {
		*cur = strchr(l, '\n');
		if (*cur)
			*(*cur)++ = 0;
		(*line)++;
		strip_comment(l);
		if (*oak_trim(l))
			return l;
	}
	return NULL;
}

static int ipsec_error(const char *file, unsigned int line, const char *what)
{
	fprintf(stderr, "%s:%u: key '': %s\n", file, line, what);
	return -1;
}

/* one "KEY=VALUE" line of a section */
static int ipsec_setting(struct snode *sec, char *l, const char *file, unsigned int line)
{
	char *eq = strchr(l, '='), *k, *v;
	struct snode *n;

	if (!sec)
		return ipsec_error(file, line, "a setting outside of a section");
	if (!eq)
		return ipsec_error(file, line, "expected KEY=VALUE");
	*eq = 0;
	k = oak_trim(l);
	v = unquote(oak_trim(eq + 1));
	if (!*k)
		return ipsec_error(file, line, "expected KEY=VALUE");
	n = imp_node_new(sec, k, strlen(k), file, line);
	if (!n)
		return -1;
	n->value = strdup(v);
	/* reports name the key as "CONN.KEY" (or "setup.KEY") */
	if (asprintf(&n->label, "%s.%s", sec->label, k) < 0)
		n->label = NULL;
	return n->value && n->label ? 0 : -1;
}

static int ipsec_parse(struct importer *im, struct snode *conf, const char *path, char *buf)
{
	const char *file = imp_keep_name(im, path);
	struct snode *sec = NULL;
	unsigned int line = 0;
	char *l, *cur, *t, name[300];

	if (!file)
		return -1;
	for (cur = buf; (l = next_line(&cur, &line));) {
		if (isspace((unsigned char)*l)) {
			if (ipsec_setting(sec, l, file, line))
				return -1;
			continue;
		}
		t = oak_trim(l);
		if (!strncmp(t, "version", 7) || !strncmp(t, "include", 7)) {
			/* version 2: the only syntax there is; include: said */
			if (t[0] == 'i')
				fprintf(stderr, "%s:%u: key 'include': not followed, import the "
					"included file on its own\n", file, line);
			sec = NULL;
			continue;
		}
		if (strncmp(t, "conn ", 5) && strncmp(t, "config ", 7) && strncmp(t, "ca ", 3))
			return ipsec_error(file, line, "expected 'conn NAME', 'config setup' or "
					   "'ca NAME'");
		snprintf(name, sizeof(name), "%s", t);
		t = strchr(name, ' ');
		memmove(t + 1, oak_trim(t + 1), strlen(oak_trim(t + 1)) + 1);
		sec = imp_node_new(conf, name, strlen(name), file, line);
		if (!sec || !(sec->label = strdup(strchr(name, ' ') + 1)))
			return -1;
	}
	return 0;
}

bool ipsec_conf_sniff(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *e = memchr(p, '\n', end - p);
		size_t n = e ? (size_t)(e - p) : (size_t)(end - p);

		if (n && !isspace((unsigned char)*p) && *p != '#')
			return (n > 5 && !strncmp(p, "conn ", 5)) ||
			       (n > 7 && !strncmp(p, "config ", 7)) ||
			       (n > 3 && !strncmp(p, "ca ", 3)) ||
			       (n > 8 && !strncmp(p, "version ", 8));
		p += n + 1;
	}
	return false;
}

/* ---- a conn with %default and also= -------------------------------------- */

static struct snode *ipsec_conn(struct ipsec_ctx *x, const char *name)
{
	struct snode *s;
	char want[300];

	snprintf(want, sizeof(want), "conn %s", name);
	for (s = x->conf->kids; s; s = s->next)
		if (!strcmp(s->name, want))
			return s;
	return NULL;
}

/* KEY of conn C: its own (the last one), then its also= conns in order */
static struct snode *ipsec_lookup(struct ipsec_ctx *x, struct snode *c, const char *key,
				  int depth)
{
	struct snode *k, *found = NULL, *also;
	char *list, *cur, *item;

	for (k = c->kids; k; k = k->next)
		if (!strcmp(k->name, key))
			found = k;
	if (found || depth >= IPSEC_ALSO_DEPTH)
		return found;
	for (k = c->kids; k && !found; k = k->next) {
		if (strcmp(k->name, "also"))
			continue;
		list = strdup(k->value);
		for (cur = list; list && !found && (item = strsep(&cur, " \t,"));) {
			also = *item ? ipsec_conn(x, item) : NULL;
			if (also && also != c)
				found = ipsec_lookup(x, also, key, depth + 1);
		}
		free(list);
	}
	return found;
}

static struct snode *val(struct ipsec_ctx *x, struct snode *c, const char *key)
{
	struct snode *n = ipsec_lookup(x, c, key, 0);

	if (!n && x->dflt && x->dflt != c)
		n = ipsec_lookup(x, x->dflt, key, 0);
	if (n)
		n->used = true;
	return n;
}

/* ---- building the swanctl tree --------------------------------------------- */

/* NAME = VALUE under PARENT, from ipsec.conf node SRC (or the conn's line) */
static struct snode *put_node(struct snode *parent, const char *name, const char *value,
			      const struct snode *src, const char *conn)
{
	struct snode *n = imp_node_new(parent, name, strlen(name), src->file, src->line);

	if (!n)
		return NULL;
	if (value && !(n->value = strdup(value)))
		return NULL;
	n->label = strdup(src->label ? src->label : conn);
	return n->label ? n : NULL;
}

/* seconds of an ipsec.conf time ("1h", "9m", "3600s", "1d", "3600"), or -1 */
static long long ipsec_time(struct ipsec_ctx *x, struct snode *n, long long dflt)
{
	uint32_t v;

	if (!n)
		return dflt;
	if (oak_parse_duration(n->value, &v)) {
		imp_note(x->im, n, n->name, "bad time '%s', strongSwan's default used",
			 n->value);
		return dflt;
	}
	return v;
}

/* "aes256-sha256-modp2048!": strict; without '!' charon adds its defaults */
static char *ipsec_proposals(const char *v)
{
	size_t n = strlen(v);
	char *out;

	if (n && v[n - 1] == '!')
		return strndup(v, n - 1);
	return asprintf(&out, "%s, default", v) < 0 ? NULL : out;
}

struct xlate {
	struct ipsec_ctx *x;
	struct snode *c;		/* the ipsec.conf conn */
	const char *name;
	struct snode *sw;		/* connections.NAME */
	struct snode *child;		/* connections.NAME.children.NAME */
	bool err;
};

/* ipsec.conf KEY of the conn to swanctl NAME under PARENT, value as is */
static struct snode *copy(struct xlate *t, struct snode *parent, const char *key,
			  const char *name)
{
	struct snode *n = val(t->x, t->c, key), *o;

	if (!n)
		return NULL;
	o = put_node(parent, name, n->value, n, t->name);
	if (!o)
		t->err = true;
	return o;
}

static void put_value(struct xlate *t, struct snode *parent, const char *name,
		      const char *value, const struct snode *src)
{
	if (!put_node(parent, name, value, src, t->name))
		t->err = true;
}

static void put_secs(struct xlate *t, struct snode *parent, const char *name, long long v,
		     const struct snode *src)
{
	char b[32];

	snprintf(b, sizeof(b), "%llds", v);
	put_value(t, parent, name, b, src);
}

/* leftauth/rightauth, or authby= for both; ipsec.conf's default is pubkey */
static void xlate_auth(struct xlate *t, struct snode *side, const char *key)
{
	struct snode *n = val(t->x, t->c, key), *by = val(t->x, t->c, "authby");
	const char *a = "pubkey";

	if (n) {
		put_value(t, side, "auth", n->value, n);
		return;
	}
	if (by && (!strcmp(by->value, "secret") || !strcmp(by->value, "psk")))
		a = "psk";
	else if (by && strcmp(by->value, "pubkey") && strcmp(by->value, "rsasig") &&
		 strcmp(by->value, "ecdsasig"))
		a = by->value;
	put_value(t, side, "auth", a, by ? by : t->c);
}

static void xlate_side(struct xlate *t, bool local)
{
	const char *p = local ? "left" : "right";
	struct snode *side, *n;
	char k[32];

	snprintf(k, sizeof(k), "%s", p);
	n = val(t->x, t->c, k);
	if (n && (!strcmp(n->value, "%defaultroute") || (local && !strcmp(n->value, "%any")))) {
		imp_note(t->x->im, n, k, "'%s' (chosen by routing) has no Oakley equivalent: "
			 "set 'local' to this gateway's address", n->value);
	} else if (n) {
		put_value(t, t->sw, local ? "local_addrs" : "remote_addrs",
			  !strcmp(n->value, "%any") ? "%any" : n->value, n);
	}
	snprintf(k, sizeof(k), "%sikeport", p);
	copy(t, t->sw, k, local ? "local_port" : "remote_port");
	side = put_node(t->sw, local ? "local" : "remote", NULL, t->c, t->name);
	if (!side) {
		t->err = true;
		return;
	}
	snprintf(k, sizeof(k), "%sid", p);
	copy(t, side, k, "id");
	snprintf(k, sizeof(k), "%sauth", p);
	xlate_auth(t, side, k);
	snprintf(k, sizeof(k), "%ssubnet", p);
	copy(t, t->child, k, local ? "local_ts" : "remote_ts");	/* none: the address */
}

/* ikelifetime/lifetime less margintime, less up to rekeyfuzz % of it */
static void xlate_lifetimes(struct xlate *t)
{
	struct snode *ike = val(t->x, t->c, "ikelifetime"), *life = val(t->x, t->c, "lifetime");
	struct snode *m = val(t->x, t->c, "margintime"), *fz = val(t->x, t->c, "rekeyfuzz");
	struct snode *rk = val(t->x, t->c, "rekey");
	long long il, cl, mg, fuzz = IPSEC_FUZZ;
	const struct snode *src;

	if (!life)
		life = val(t->x, t->c, "keylife");
	if (!m)
		m = val(t->x, t->c, "rekeymargin");
	il = ipsec_time(t->x, ike, IPSEC_IKELIFETIME);
	cl = ipsec_time(t->x, life, IPSEC_LIFETIME);
	mg = ipsec_time(t->x, m, IPSEC_MARGIN);
	if (fz && sscanf(fz->value, "%lld", &fuzz) != 1) {
		imp_note(t->x->im, fz, fz->name, "bad percentage '%s', 100%% used", fz->value);
		fuzz = IPSEC_FUZZ;
	}
	if (rk && !strcmp(rk->value, "no")) {
		/* no rekeying: the SAs live to their lifetime and are renegotiated */
		put_secs(t, t->sw, "rekey_time", 0, rk);
		put_secs(t, t->sw, "over_time", il, ike ? ike : rk);
		put_secs(t, t->child, "rekey_time", 0, rk);
		put_secs(t, t->child, "life_time", cl, life ? life : rk);
		return;
	}
	if (mg >= il || mg >= cl) {
		imp_note(t->x->im, m ? m : t->c, m ? m->name : t->name,
			 "margintime is not shorter than the lifetimes: strongSwan's defaults used");
		il = IPSEC_IKELIFETIME;
		cl = IPSEC_LIFETIME;
		mg = IPSEC_MARGIN;
	}
	src = ike ? ike : t->c;
	put_secs(t, t->sw, "rekey_time", il - mg, src);
	put_secs(t, t->sw, "over_time", mg, m ? m : src);
	put_secs(t, t->sw, "rand_time", mg * fuzz / 100 < il - mg ? mg * fuzz / 100 : il - mg,
		 fz ? fz : src);
	src = life ? life : t->c;
	put_secs(t, t->child, "rekey_time", cl - mg, src);
	put_secs(t, t->child, "life_time", cl, src);
	/* Oakley's jitter (the IKE one above) applies to the children too */
}

static void xlate_actions(struct xlate *t)
{
	struct snode *n = val(t->x, t->c, "auto"), *d = val(t->x, t->c, "dpdaction");
	const char *a;

	if (n && strcmp(n->value, "add")) {
		a = !strcmp(n->value, "route") ? "trap" : n->value;
		put_value(t, t->child, "start_action", a, n);
	}
	if (d && strcmp(d->value, "none")) {
		n = val(t->x, t->c, "dpddelay");
		put_value(t, t->sw, "dpd_delay", n ? n->value : "30s", n ? n : d);
		put_value(t, t->child, "dpd_action", !strcmp(d->value, "hold") ? "trap" :
			  d->value, d);
	} else {
		val(t->x, t->c, "dpddelay");	/* without dpdaction: no DPD, as charon */
	}
	n = val(t->x, t->c, "dpdtimeout");
	if (n)
		imp_note(t->x->im, n, n->name, "IKEv1's DPD timeout: Oakley declares a peer "
			 "dead when its retransmissions run out, not imported");
}

static void xlate_misc(struct xlate *t)
{
	struct snode *n;
	char *pr;

	n = val(t->x, t->c, "keyexchange");
	if (n && !strcmp(n->value, "ikev1"))
		put_value(t, t->sw, "version", "1", n);
	else if (n && !strcmp(n->value, "ike"))
		imp_note(t->x->im, n, n->name, "'ike' (either version) is imported as IKEv2");
	else if (n && strcmp(n->value, "ikev2"))
		imp_note(t->x->im, n, n->name, "bad keyexchange '%s', IKEv2 used", n->value);
	n = val(t->x, t->c, "ike");
	if (n) {
		pr = ipsec_proposals(n->value);
		if (pr)
			put_value(t, t->sw, "proposals", pr, n);
		t->err |= !pr;
		free(pr);
	}
	n = val(t->x, t->c, "esp");
	if (n) {
		pr = ipsec_proposals(n->value);
		if (pr)
			put_value(t, t->child, "esp_proposals", pr, n);
		t->err |= !pr;
		free(pr);
	}
	copy(t, t->child, "ah", "ah_proposals");
	copy(t, t->sw, "aggressive", "aggressive");
	copy(t, t->child, "type", "mode");
	copy(t, t->child, "sha256_96", "sha256_96");
	n = val(t->x, t->c, "reauth");
	if (n && strcmp(n->value, "no"))
		imp_note(t->x->im, n, n->name, "imported as a rekey at the same time; set "
			 "'reauth' in the output to re-authenticate instead");
	copy(t, t->child, "lifebytes", "life_bytes");
	copy(t, t->child, "lifepackets", "life_packets");
}

/* the conn's own keys (not its also= ones) that nothing translated */
static void ipsec_report_unused(struct ipsec_ctx *x, struct snode *sec)
{
	struct snode *k;

	for (k = sec->kids; k; k = k->next) {
		if (k->used || !strcmp(k->name, "also"))
			continue;
		k->used = true;
		imp_note(x->im, k, k->name, "setting has no Oakley equivalent, not imported");
	}
}

/* is conn NAME in some conn's also= ? */
static bool ipsec_also_target(struct ipsec_ctx *x, const char *name)
{
	struct snode *s, *k;
	char *list, *cur, *item;
	bool found = false;

	for (s = x->conf->kids; s && !found; s = s->next)
		for (k = s->kids; k && !found; k = k->next) {
			if (strcmp(k->name, "also"))
				continue;
			list = strdup(k->value);
			for (cur = list; list && !found && (item = strsep(&cur, " \t,"));)
				found = !strcmp(item, name);
			free(list);
		}
	return found;
}

static int ipsec_xlate_conn(struct ipsec_ctx *x, struct snode *c, struct snode *conns)
{
	struct xlate t = { .x = x, .c = c, .name = strchr(c->name, ' ') + 1 };
	struct snode *n = val(x, c, "auto"), *kids;

	if (!n || !strcmp(n->value, "ignore")) {
		/* a template for also= is reported through its inheritors */
		if (!ipsec_also_target(x, t.name)) {
			imp_note(x->im, n ? n : c, "auto", "the conn is not loaded "
				 "(auto=ignore, strongSwan's default), not imported");
			for (n = c->kids; n; n = n->next)
				n->used = true;
		}
		return 0;
	}
	t.sw = put_node(conns, t.name, NULL, c, t.name);
	kids = t.sw ? put_node(t.sw, "children", NULL, c, t.name) : NULL;
	t.child = kids ? put_node(kids, t.name, NULL, c, t.name) : NULL;
	if (!t.child)
		return -1;
	xlate_misc(&t);
	xlate_side(&t, true);
	xlate_side(&t, false);
	xlate_lifetimes(&t);
	xlate_actions(&t);
	return t.err ? -1 : 0;
}

/* ---- ipsec.secrets --------------------------------------------------------- */

/* "[ID ...] : PSK "secret"" lines; other kinds are reported */
static int ipsec_secrets(struct importer *im, struct snode *root, const char *path)
{
	struct snode *secs = NULL, *s, *n;
	unsigned int line = 0, count = 0;
	char *buf, *l, *cur, *colon, *ids, *id, *v, name[32];
	const char *file;
	size_t len;

	if (oak_read_file(path, &buf, &len))
		return 0;	/* no ipsec.secrets: no PSKs */
	file = imp_keep_name(im, path);
	if (!file || memchr(buf, 0, len)) {
		free(buf);
		return file ? ipsec_error(path, 1, "NUL byte in file") : -1;
	}
	for (cur = buf; (l = next_line(&cur, &line));) {
		colon = strstr(l, ": ");
		if (!colon && l[0] == ':')
			colon = l;
		if (!colon) {
			free(buf);
			return ipsec_error(file, line, "expected '[IDS] : TYPE SECRET'");
		}
		*colon = 0;
		v = oak_trim(colon + 1);
		if (strncmp(v, "PSK", 3) || !isspace((unsigned char)v[3])) {
			struct snode at = { .file = file, .line = line };

			imp_note(im, &at, *v ? strtok(v, " \t") : "secret",
				 "only PSK secrets are imported");
			continue;
		}
		if (!secs && !(secs = imp_node_new(root, "secrets", 7, file, line)))
			break;
		snprintf(name, sizeof(name), "ike-%u", ++count);
		s = imp_node_new(secs, name, strlen(name), file, line);
		if (!s)
			break;
		ids = oak_trim(l);
		for (id = strtok(ids, " \t"); id; id = strtok(NULL, " \t")) {
			if (!strcmp(id, "%any") || !strcmp(id, "%any6"))
				continue;	/* matches every peer: a secret without IDs */
			n = imp_node_new(s, "id", 2, file, line);
			if (!n || !(n->value = strdup(unquote(id))))
				break;
		}
		if (id)
			break;	/* out of memory for an ID */
		n = imp_node_new(s, "secret", 6, file, line);
		if (!n || !(n->value = strdup(unquote(oak_trim(v + 3)))))
			break;
	}
	explicit_bzero(buf, len);
	free(buf);
	return l ? -1 : 0;
}

/* ---- entry ----------------------------------------------------------------- */

int ipsec_conf_read(struct importer *im, struct snode *root, const char *path)
{
	struct snode conf = { 0 }, *s, *conns, *k, *nx;
	struct ipsec_ctx x = { .im = im, .conf = &conf };
	char *buf, *secrets, *slash;
	size_t len;
	int ret = -1;

	if (oak_read_file(path, &buf, &len)) {
		fprintf(stderr, "%s: cannot read\n", path);
		return -1;
	}
	if (memchr(buf, 0, len)) {
		free(buf);
		return ipsec_error(path, 1, "NUL byte in file");
	}
	if (ipsec_parse(im, &conf, path, buf))
		goto out;
	x.dflt = ipsec_conn(&x, "%default");
	conns = imp_node_new(root, "connections", 11, path, 1);
	if (!conns)
		goto out;
	for (s = conf.kids; s; s = s->next)
		if (s != x.dflt && !strncmp(s->name, "conn ", 5) &&
		    ipsec_xlate_conn(&x, s, conns))
			goto out;
	for (s = conf.kids; s; s = s->next) {
		if (!strncmp(s->name, "conn ", 5))
			ipsec_report_unused(&x, s);
		else
			imp_note(im, s, s->name, "section has no Oakley equivalent, not imported");
	}
	slash = strrchr(path, '/');
	if (asprintf(&secrets, "%.*sipsec.secrets", slash ? (int)(slash - path + 1) : 0,
		     path) < 0)
		goto out;
	ret = ipsec_secrets(im, root, secrets);
	free(secrets);
out:
	for (k = conf.kids; k; k = nx) {
		nx = k->next;
		imp_node_free(k);
	}
	free(buf);
	return ret;
}

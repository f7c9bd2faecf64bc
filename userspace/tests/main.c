// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"

static int tap_n, tap_failed;

void tap_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		tap_failed++;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void tap_streq(const char *got, const char *want, const char *fmt, ...)
{
	bool ok = got && want && !strcmp(got, want);
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	tap_ok(ok, "%s", name);
	if (!ok) {
		tap_diag("     got: %s", got ? got : "(null)");
		tap_diag("expected: %s", want ? want : "(null)");
	}
}

static const struct vfile *vfs;

static int vread(const char *path, char **buf, size_t *len)
{
	const struct vfile *f;

	for (f = vfs; f && f->name; f++)
		if (!strcmp(f->name, path)) {
			*len = strlen(f->text);
			*buf = malloc(*len + 1);
			if (!*buf)
				return -12;
			memcpy(*buf, f->text, *len + 1);
			return 0;
		}
	return -2;	/* ENOENT */
}

struct warnbuf {
	char *buf;
	size_t len;
};

static void vwarn(void *ctx, const char *msg)
{
	struct warnbuf *w = ctx;
	size_t o;

	if (!w->buf || !w->len)
		return;
	o = strlen(w->buf);
	snprintf(w->buf + o, w->len - o, "%s\n", msg);
}

int vparse(struct oak_config *cfg, const struct vfile *files, char *err, size_t errlen,
	   char *warn, size_t warnlen)
{
	struct warnbuf w = { warn, warnlen };
	struct oak_parse_opts opts = { .read = vread, .warn = vwarn, .warn_ctx = &w };

	if (warn && warnlen)
		warn[0] = 0;
	vfs = files;
	return oak_config_parse_file(cfg, files[0].name, &opts, err, errlen);
}

int sparse(struct oak_config *cfg, const char *text, char *err, size_t errlen)
{
	struct vfile files[] = { { "t.conf", text }, { NULL, NULL } };
	char warn[1024];

	return vparse(cfg, files, err, errlen, warn, sizeof(warn));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_values();
	test_proposal();
	test_config();
	test_json();
	test_encode();
	test_sa();
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d tests failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/* oak load FILE, oak add FILE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "config.h"
#include "encode.h"
#include "json.h"
#include "nl.h"
#include "subcommands.h"

static void print_kernel_error(const char *op, const struct oak_nlerr *err,
			       const struct oak_srcmap *map)
{
	const struct oak_srcent *s = NULL;
	const char *msg = err->msg[0] ? err->msg : strerror(err->err);

	if (err->err == EPERM || err->err == EACCES) {
		oak_nl_perror(op, err);
		return;
	}
	if (err->has_offs)
		s = oak_srcmap_find(map, err->offs);
	if (!s) {
		oak_nl_perror(op, err);
		return;
	}
	if (s->key)
		fprintf(stderr, "%s:%u: key '%s': %s\n", s->file, s->line, s->key, msg);
	else if (!s->name[0])
		fprintf(stderr, "%s:%u: key '[%s]': %s\n", s->file, s->line, s->section, msg);
	else
		fprintf(stderr, "%s:%u: key '[%s %s]': %s\n", s->file, s->line, s->section,
			s->name, msg);
}

int oak_encode_error(const char *op, const struct oak_msg *m, const struct oak_config *cfg)
{
	unsigned int i;

	if (m->oom) {
		fprintf(stderr, "oak: %s: out of memory\n", op);
		return -1;
	}
	/* find which connection's nest overflowed, to name it */
	for (i = 0; i < cfg->nconns; i++) {
		struct oak_msg one;
		struct oak_config single = { .nconns = 1, .conns = &cfg->conns[i] };
		bool big;

		oak_msg_init(&one, OAKLEY_CMD_LOAD, NLM_F_ACK);
		oak_encode_config(&one, &single, NULL);
		big = one.too_big;
		oak_msg_free(&one);
		if (big) {
			fprintf(stderr, "%s:%u: key '[connection %s]': too large for one netlink "
				"attribute (64 KiB)\n", cfg->conns[i].file, cfg->conns[i].line,
				cfg->conns[i].name);
			return -1;
		}
	}
	fprintf(stderr, "oak: %s: message too large\n", op);
	return -1;
}

/* One line per file that holds a [secret] and that group or others may read. */
static void warn_secret_modes(const struct oak_config *cfg)
{
	unsigned int i, j;
	struct stat st;

	for (i = 0; i < cfg->nsecrets; i++) {
		const char *f = cfg->secrets[i].file;

		for (j = 0; j < i && strcmp(cfg->secrets[j].file, f); j++)
			;
		if (j < i || stat(f, &st) || !(st.st_mode & (S_IRGRP | S_IROTH)))
			continue;
		fprintf(stderr, "oak: warning: %s holds secrets and is readable by %s (mode %04o): "
			"chmod 600 it\n", f, st.st_mode & S_IROTH ? "others" : "its group",
			(unsigned int)(st.st_mode & 07777));
	}
}

static int send_config(const char *op, const char *file, bool replace)
{
	struct oak_parse_opts opts = { .allow_missing_secret = !replace };
	struct oak_srcmap map = { 0 };
	struct oak_config cfg;
	struct oak_nlerr err;
	struct oak_nl nl;
	struct oak_msg b;
	char msg[1024];
	int ret = -1;

	if (oak_config_parse_file(&cfg, file, &opts, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		oak_config_free(&cfg);
		return -1;
	}
	oak_msg_init(&b, OAKLEY_CMD_LOAD, NLM_F_ACK);
	if (replace)
		oak_msg_flag(&b, OAKLEY_A_REPLACE);
	if (oak_encode_config(&b, &cfg, &map)) {
		oak_encode_error(op, &b, &cfg);
		goto out;
	}
	if (oak_nl_open(&nl))
		goto out;
	if (oak_nl_request(&nl, &b, NULL, NULL, &err)) {
		print_kernel_error(op, &err, &map);
	} else {
		warn_secret_modes(&cfg);
		ret = 0;
	}
	oak_nl_close(&nl);
out:
	oak_msg_free(&b);
	oak_srcmap_free(&map);
	oak_config_free(&cfg);
	return ret;
}

int load_main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "Usage: %s load FILE\n", prog);
		return -1;
	}
	return send_config("load", argv[1], true);
}

int add_main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "Usage: %s add FILE\n", prog);
		return -1;
	}
	return send_config("add", argv[1], false);
}

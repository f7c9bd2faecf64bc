// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the config parser.  Beyond "does not crash", it
 * checks invariants: every accepted file encodes, decodes to the same JSON,
 * and its canonical proposal strings parse back to themselves.
 */
#include <linux/genetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "encode.h"
#include "proposal.h"

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static char *json_of(const struct oak_config *cfg)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	struct json j;

	if (!f)
		abort();
	json_init(&j, f, false);
	oak_json_conns(&j, cfg, NULL);
	json_end(&j);
	fclose(f);
	return out;
}

static void check_canonical(const struct oak_proplist *pl, enum oak_prop_kind kind)
{
	struct oak_proplist again;
	char err[512], *s, *t;

	if (!pl->n)
		return;
	s = oak_proposals_string(pl);
	if (!s || oak_proposals_parse(s, kind, &again, err, sizeof(err)))
		abort();
	t = oak_proposals_string(&again);
	if (!t || strcmp(s, t))
		abort();
	free(s);
	free(t);
	oak_proplist_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oak_parse_opts opts = { .no_include = true, .warn = quiet };
	struct oak_config cfg, back = { 0 };
	struct oak_msg b;
	char err[1024], *j1, *j2;
	unsigned int i, k;

	if (oak_config_parse_buf(&cfg, "fuzz.conf", (const char *)data, size, &opts, err,
				 sizeof(err))) {
		if (strncmp(err, "fuzz.conf:", 10))
			abort();	/* every error names the file and line */
		oak_config_free(&cfg);
		return 0;
	}
	for (i = 0; i < cfg.nconns; i++) {
		check_canonical(&cfg.conns[i].ike, OAK_PROP_IKE);
		for (k = 0; k < cfg.conns[i].nchildren; k++) {
			check_canonical(&cfg.conns[i].children[k].esp, OAK_PROP_ESP);
			check_canonical(&cfg.conns[i].children[k].ah, OAK_PROP_AH);
		}
	}
	oak_msg_init(&b, OAKLEY_CMD_LOAD, NLM_F_ACK);
	if (!oak_encode_config(&b, &cfg, NULL)) {
		if (oak_decode_msg(b.nlh, &back))
			abort();
		j1 = json_of(&cfg);
		j2 = json_of(&back);
		if (strcmp(j1, j2))
			abort();
		free(j1);
		free(j2);
	}
	oak_msg_free(&b);
	oak_config_free(&back);
	oak_config_free(&cfg);
	return 0;
}

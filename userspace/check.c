// SPDX-License-Identifier: GPL-2.0
/* oak check FILE [-j]: validate without the kernel; -j prints what show would */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "encode.h"
#include "json.h"
#include "subcommands.h"

static void warn_stderr(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s\n", msg);
}

int check_main(int argc, char **argv)
{
	struct oak_config cfg, back = { 0 };
	struct oak_msg b;
	struct json j;
	char msg[1024];
	bool json;
	int ret = -1;

	argc = take_json_flag(argc, argv, &json);
	if (argc != 2) {
		fprintf(stderr, "Usage: %s check FILE [-j]\n", prog);
		return -1;
	}
	if (oak_config_parse_file(&cfg, argv[1], NULL, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		oak_config_free(&cfg);
		return -1;
	}
	oak_config_warn_legacy(&cfg, warn_stderr, NULL);
	/* print what the kernel would be given, decoded like a dump */
	oak_msg_init(&b, OAKLEY_CMD_LOAD, NLM_F_ACK);
	oak_msg_flag(&b, OAKLEY_A_REPLACE);
	if (oak_encode_config(&b, &cfg, NULL)) {
		oak_encode_error("check", &b, &cfg);
		goto out;
	}
	if (oak_decode_msg(b.nlh, &back)) {
		fprintf(stderr, "oak: check: internal error: cannot decode the message\n");
		goto out;
	}
	if (json) {
		json_init(&j, stdout, true);
		oak_json_conns(&j, &back, NULL);
		json_end(&j);
	} else {
		printf("%s: ok, %u connection%s, %u secret%s\n", argv[1], cfg.nconns,
		       cfg.nconns == 1 ? "" : "s", cfg.nsecrets, cfg.nsecrets == 1 ? "" : "s");
	}
	ret = fflush(stdout) ? -1 : 0;
out:
	oak_msg_free(&b);
	oak_config_free(&back);
	oak_config_free(&cfg);
	return ret;
}

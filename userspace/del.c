// SPDX-License-Identifier: GPL-2.0
/* oak del NAME | oak del secret NAME */
#include <stdio.h>
#include <string.h>
#include "nl.h"
#include "subcommands.h"

int del_main(int argc, char **argv)
{
	bool secret = argc == 3 && !strcmp(argv[1], "secret");
	const char *name = secret ? argv[2] : argv[1];
	struct oak_nlerr err;
	struct oak_nl nl;
	struct oak_msg b;
	int ret;

	if (argc != 2 && !secret) {
		fprintf(stderr, "Usage: %s del NAME | %s del secret NAME\n", prog, prog);
		return -1;
	}
	if (!oak_valid_name(name)) {
		fprintf(stderr, "oak: del: bad name '%s'\n", name);
		return -1;
	}
	if (oak_nl_open(&nl))
		return -1;
	if (secret) {
		oak_msg_init(&b, OAKLEY_CMD_SECRET_DEL, NLM_F_ACK);
		oak_msg_strz(&b, OAKLEY_A_SECRET_NAME, name);
	} else {
		oak_msg_init(&b, OAKLEY_CMD_CONN_DEL, NLM_F_ACK);
		oak_msg_strz(&b, OAKLEY_A_CONN_NAME, name);
	}
	ret = oak_nl_request(&nl, &b, NULL, NULL, &err);
	if (ret) {
		char op[64];

		snprintf(op, sizeof(op), "del %s", name);
		oak_nl_perror(op, &err);
	}
	oak_msg_free(&b);
	oak_nl_close(&nl);
	return ret;
}

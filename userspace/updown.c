// SPDX-License-Identifier: GPL-2.0
/* oak up NAME[/CHILD], oak down NAME[/CHILD], oak rekey NAME[/CHILD] */
#include <stdio.h>
#include <string.h>
#include "nl.h"
#include "subcommands.h"

static int updown(int argc, char **argv, uint8_t cmd, const char *op)
{
	char name[80], *child, what[128];
	struct oak_nlerr err;
	struct oak_nl nl;
	struct oak_msg b;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "Usage: %s %s NAME[/CHILD]\n", prog, op);
		return -1;
	}
	snprintf(name, sizeof(name), "%s", argv[1]);
	child = strchr(name, '/');
	if (child)
		*child++ = 0;
	if (!oak_valid_name(name) || (child && !oak_valid_name(child))) {
		fprintf(stderr, "oak: %s: bad name '%s'\n", op, argv[1]);
		return -1;
	}
	if (oak_nl_open(&nl))
		return -1;
	oak_msg_init(&b, cmd, NLM_F_ACK);
	oak_msg_strz(&b, OAKLEY_A_CONN_NAME, name);
	if (child)
		oak_msg_strz(&b, OAKLEY_A_CHILD_NAME, child);
	ret = oak_nl_request(&nl, &b, NULL, NULL, &err);
	if (ret) {
		snprintf(what, sizeof(what), "%s %s", op, argv[1]);
		oak_nl_perror(what, &err);
	}
	oak_msg_free(&b);
	oak_nl_close(&nl);
	return ret;
}

int up_main(int argc, char **argv)
{
	return updown(argc, argv, OAKLEY_CMD_INITIATE, "up");
}

int down_main(int argc, char **argv)
{
	return updown(argc, argv, OAKLEY_CMD_TERMINATE, "down");
}

int rekey_main(int argc, char **argv)
{
	return updown(argc, argv, OAKLEY_CMD_REKEY, "rekey");
}

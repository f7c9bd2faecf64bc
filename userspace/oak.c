// SPDX-License-Identifier: GPL-2.0
/* oak: configure the in-kernel Oakley IKE daemon. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <linux/oakley.h>
#include "subcommands.h"

#ifndef OAK_VERSION
#define OAK_VERSION "0.1"
#endif

const char *prog = "oak";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "load", load_main, "FILE              replace the whole configuration with FILE" },
	{ "add", add_main, "FILE               add or replace the sections in FILE" },
	{ "check", check_main, "FILE [-j]        validate FILE without touching the kernel" },
	{ "del", del_main, "NAME | secret NAME delete a connection (and its SAs) or a secret" },
	{ "up", up_main, "NAME[/CHILD]        initiate a connection or one child" },
	{ "down", down_main, "NAME[/CHILD]      tear down a connection's SAs or one child" },
	{ "rekey", rekey_main, "NAME[/CHILD]     rekey the IKE SA or one child's Child SA" },
	{ "show", show_main, "[conn|sa] [NAME] [-j]  show connections and/or SAs" },
	{ "monitor", monitor_main, "[-j]           print events as they happen" },
	{ "stats", stats_main, "[-j]             print the namespace's counters" },
	{ "import", import_main, "FILE            print a swanctl.conf or ipsec.conf as an Oakley config" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s COMMAND [ARGS]\n\nCommands:\n", prog);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "  help                   this text\n"
		"  --version              print the version\n"
		"\nSee oak(8) and Documentation/config.md for the configuration file.\n");
}

int take_json_flag(int argc, char **argv, bool *json)
{
	int i, o = 0;

	*json = false;
	for (i = 0; i < argc; i++) {
		if (i && (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))) {
			*json = true;
			continue;
		}
		argv[o++] = argv[i];
	}
	argv[o] = NULL;
	return o;
}

bool oak_valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > 32)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("oak %s (netlink family %s v%d)\n", OAK_VERSION, OAKLEY_GENL_NAME,
		       OAKLEY_GENL_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1) ? 1 : 0;
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr);
	return 1;
}

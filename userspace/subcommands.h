/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OAK_SUBCOMMANDS_H
#define OAK_SUBCOMMANDS_H

#include <stdbool.h>

extern const char *prog;

int load_main(int argc, char **argv);
int add_main(int argc, char **argv);
int check_main(int argc, char **argv);
int del_main(int argc, char **argv);
int up_main(int argc, char **argv);
int down_main(int argc, char **argv);
int rekey_main(int argc, char **argv);
int show_main(int argc, char **argv);
int monitor_main(int argc, char **argv);
int stats_main(int argc, char **argv);
int import_main(int argc, char **argv);

struct oak_msg;
struct oak_config;
/* explains why encoding failed (a connection over 64 KiB, or no memory) */
int oak_encode_error(const char *op, const struct oak_msg *m, const struct oak_config *cfg);

/* strips a trailing/any "-j" or "--json"; returns the new argc */
int take_json_flag(int argc, char **argv, bool *json);
bool oak_valid_name(const char *s);

#endif

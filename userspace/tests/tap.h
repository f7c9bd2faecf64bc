/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny TAP producer for the oak unit tests. */
#ifndef OAK_TAP_H
#define OAK_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"

void tap_ok(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ok if a == b (strings); prints both on failure */
void tap_streq(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* in-memory files for the parser (tests never touch the filesystem) */
struct vfile {
	const char *name;
	const char *text;
};

/* parse FILES[0] with the others reachable by include; warnings land in warn */
int vparse(struct oak_config *cfg, const struct vfile *files, char *err, size_t errlen,
	   char *warn, size_t warnlen);
/* one file named "t.conf" */
int sparse(struct oak_config *cfg, const char *text, char *err, size_t errlen);

void test_values(void);
void test_proposal(void);
void test_config(void);
void test_json(void);
void test_encode(void);
void test_sa(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer. */
#ifndef OAK_JSON_H
#define OAK_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f, bool pretty);
/* key may be NULL inside arrays and at the top */
void json_obj_open(struct json *j, const char *key);
void json_arr_open(struct json *j, const char *key);
void json_close_obj(struct json *j);
void json_close_arr(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val, size_t len);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* finishes a top-level value with a newline */
void json_end(struct json *j);
/* escaped string with quotes; invalid UTF-8 bytes become \u00XX */
void json_write_string(FILE *f, const char *s, size_t len);

#endif

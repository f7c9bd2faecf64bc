// SPDX-License-Identifier: GPL-2.0
/* the JSON writer: escaping and structure */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "tap.h"

static char *escape(const char *s, size_t len)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	json_write_string(f, s, len);
	fclose(f);
	return out;
}

static void escaping(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} t[] = {
		{ "plain", 5, "\"plain\"" },
		{ "", 0, "\"\"" },
		{ "q\"b\\s/", 6, "\"q\\\"b\\\\s/\"" },
		{ "\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
		{ "a\0b", 3, "\"a\\u0000b\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
		{ "\xe2\x82\xac", 3, "\"\xe2\x82\xac\"" },
		{ "\xf0\x9f\x94\x91", 4, "\"\xf0\x9f\x94\x91\"" },
		{ "\xff", 1, "\"\\u00ff\"" },
		{ "\xc3", 1, "\"\\u00c3\"" },
		{ "\xc0\xaf", 2, "\"\\u00c0\\u00af\"" },
		{ "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"" },
		{ "\xe2\x82", 2, "\"\\u00e2\\u0082\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *s = escape(t[i].in, t[i].len);

		tap_streq(s, t[i].out, "json escape case %zu", i);
		free(s);
	}
}

static void structure(void)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	struct json j;

	json_init(&j, f, false);
	json_obj_open(&j, NULL);
	json_str(&j, "a", "x");
	json_u64(&j, "n", 18446744073709551615ull);
	json_bool(&j, "t", true);
	json_null(&j, "z");
	json_arr_open(&j, "l");
	json_u64(&j, NULL, 1);
	json_obj_open(&j, NULL);
	json_close_obj(&j);
	json_arr_open(&j, NULL);
	json_close_arr(&j);
	json_close_arr(&j);
	json_close_obj(&j);
	json_end(&j);
	fclose(f);
	tap_streq(out, "{\"a\":\"x\",\"n\":18446744073709551615,\"t\":true,\"z\":null,"
		  "\"l\":[1,{},[]]}\n", "compact structure");
	free(out);

	f = open_memstream(&out, &n);
	json_init(&j, f, true);
	json_arr_open(&j, NULL);
	json_obj_open(&j, NULL);
	json_str(&j, "k\"", "v");
	json_close_obj(&j);
	json_close_arr(&j);
	json_end(&j);
	fclose(f);
	tap_streq(out, "[\n  {\n    \"k\\\"\": \"v\"\n  }\n]\n", "pretty structure, escaped key");
	free(out);
}

void test_json(void)
{
	escaping();
	structure();
}

// SPDX-License-Identifier: GPL-2.0
/* oak stats [-j] */
#include <linux/genetlink.h>
#include <stdio.h>
#include <string.h>
#include "json.h"
#include "nl.h"
#include "subcommands.h"

static const char *const stat_names[OAKLEY_STATS_A_MAX + 1] = {
	[OAKLEY_STATS_A_CONNS] = "conns",
	[OAKLEY_STATS_A_SECRETS] = "secrets",
	[OAKLEY_STATS_A_IKE_SAS] = "ike-sas",
	[OAKLEY_STATS_A_CHILD_SAS] = "child-sas",
	[OAKLEY_STATS_A_HALF_OPEN] = "half-open",
	[OAKLEY_STATS_A_OBJECTS] = "objects",
	[OAKLEY_STATS_A_RX_PACKETS] = "rx-packets",
	[OAKLEY_STATS_A_TX_PACKETS] = "tx-packets",
	[OAKLEY_STATS_A_RX_DROP_MALFORMED] = "rx-drop-malformed",
	[OAKLEY_STATS_A_RX_DROP_NO_SA] = "rx-drop-no-sa",
	[OAKLEY_STATS_A_RX_DROP_RATELIMIT] = "rx-drop-ratelimit",
	[OAKLEY_STATS_A_RX_DROP_AUTH] = "rx-drop-auth",
	[OAKLEY_STATS_A_RX_DROP_REPLAY] = "rx-drop-replay",
	[OAKLEY_STATS_A_RETRANSMITS] = "retransmits",
	[OAKLEY_STATS_A_IKE_ESTABLISHED] = "ike-established",
	[OAKLEY_STATS_A_IKE_FAILED] = "ike-failed",
	[OAKLEY_STATS_A_CHILD_INSTALLED] = "child-installed",
	[OAKLEY_STATS_A_AUTH_FAILED] = "auth-failed",
	[OAKLEY_STATS_A_NO_PROPOSAL] = "no-proposal",
	[OAKLEY_STATS_A_TS_UNACCEPTABLE] = "ts-unacceptable",
	[OAKLEY_STATS_A_INVALID_KE] = "invalid-ke",
	[OAKLEY_STATS_A_INVALID_SYNTAX] = "invalid-syntax",
	[OAKLEY_STATS_A_COOKIES_SENT] = "cookies-sent",
	[OAKLEY_STATS_A_RX_DROP_HALF_OPEN] = "rx-drop-half-open",
	[OAKLEY_STATS_A_HALF_OPEN_BYTES] = "half-open-bytes",
};

struct stats {
	bool have[OAKLEY_STATS_A_MAX + 1];
	uint64_t v[OAKLEY_STATS_A_MAX + 1];
};

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats *st = data;
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != OAKLEY_A_STATS)
			continue;
		mnl_attr_for_each_nested(b, a) {
			uint16_t t = mnl_attr_get_type(b);

			if (t > OAKLEY_STATS_A_MAX || !stat_names[t])
				continue;
			if (mnl_attr_validate(b, MNL_TYPE_U64) < 0)
				return -1;
			st->v[t] = mnl_attr_get_u64(b);
			st->have[t] = true;
		}
	}
	return 0;
}

int stats_main(int argc, char **argv)
{
	struct stats st = { 0 };
	struct oak_nlerr err;
	struct oak_nl nl;
	struct oak_msg b;
	struct json j;
	bool json;
	int ret, i;

	argc = take_json_flag(argc, argv, &json);
	if (argc != 1) {
		fprintf(stderr, "Usage: %s stats [-j]\n", prog);
		return -1;
	}
	if (oak_nl_open(&nl))
		return -1;
	oak_msg_init(&b, OAKLEY_CMD_STATS_GET, NLM_F_ACK);
	ret = oak_nl_request(&nl, &b, stats_cb, &st, &err);
	oak_msg_free(&b);
	oak_nl_close(&nl);
	if (ret) {
		oak_nl_perror("stats", &err);
		return -1;
	}
	if (json) {
		json_init(&j, stdout, true);
		json_obj_open(&j, NULL);
	}
	for (i = 0; i <= OAKLEY_STATS_A_MAX; i++) {
		if (!st.have[i])
			continue;
		if (json)
			json_u64(&j, stat_names[i], st.v[i]);
		else
			printf("%-18s %llu\n", stat_names[i], (unsigned long long)st.v[i]);
	}
	if (json) {
		json_close_obj(&j);
		json_end(&j);
	}
	return fflush(stdout) ? -1 : 0;
}

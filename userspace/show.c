// SPDX-License-Identifier: GPL-2.0
/* oak show [conn|sa] [NAME] [-j] */
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "encode.h"
#include "format.h"
#include "json.h"
#include "nl.h"
#include "proposal.h"
#include "sa.h"
#include "subcommands.h"

/* ---- connections ------------------------------------------------------------ */

static int conn_cb(const struct nlmsghdr *nlh, void *data)
{
	return oak_decode_msg(nlh, data) ? -1 : 0;
}

static void print_conn(const struct oak_conn *c)
{
	char a[OAK_IDSTRLEN], b[OAK_IDSTRLEN];
	unsigned int i;

	oak_fmt_endpoint(a, sizeof(a), c->family, c->laddr, c->lport);
	if (c->remote_any)
		snprintf(b, sizeof(b), "%%any");
	else
		oak_fmt_endpoint(b, sizeof(b), c->family, c->raddr, c->rport);
	printf("connection %s: IKEv%u, %s === %s\n", c->name, c->version, a, b);
	oak_fmt_id(a, sizeof(a), &c->lid);
	oak_fmt_id(b, sizeof(b), &c->rid);
	printf("  ids: %s === %s\n", a, b);
	printf("  auth: %s", oak_auth_name(c->auth));
	if (c->secret[0])
		printf(" (secret %s)", c->secret);
	printf("\n  ike: ");
	oak_proposals_format(&c->ike, stdout);
	if (c->exchange)
		printf("\n  exchange: %s", oak_exchange_name(c->exchange));
	if (c->sha256_96)
		printf("\n  sha256-96: yes");
	if (c->encap)
		printf("\n  encap: yes");
	if (c->nat_keepalive != OAK_DEFAULT_NAT_KEEPALIVE)
		printf("\n  nat-keepalive: %us", c->nat_keepalive);
	printf("\n  start: %s, dpd: %us (%s), ike-rekey: %us, ike-lifetime: %us, reauth: %us, "
	       "jitter: %u%%\n", oak_start_name(c->start), c->dpd,
	       oak_dpd_action_name(c->dpd_action), c->ike_rekey, c->ike_lifetime, c->reauth,
	       c->jitter);
	for (i = 0; i < c->nchildren; i++) {
		const struct oak_child *h = &c->children[i];

		printf("  child %s/%s: ", c->name, h->name);
		oak_print_tslist(&h->lts);
		printf(" === ");
		oak_print_tslist(&h->rts);
		printf("\n    %s: ", h->ah.n ? "ah" : "esp");
		oak_proposals_format(h->ah.n ? &h->ah : &h->esp, stdout);
		printf("\n    mode: %s, start: %s, rekey: %us, lifetime: %us",
		       oak_mode_name(h->mode), oak_start_name(h->start), h->rekey, h->lifetime);
		if (h->rekey_bytes || h->life_bytes)
			printf(", bytes: %llu/%llu", (unsigned long long)h->rekey_bytes,
			       (unsigned long long)h->life_bytes);
		if (h->rekey_packets || h->life_packets)
			printf(", packets: %llu/%llu", (unsigned long long)h->rekey_packets,
			       (unsigned long long)h->life_packets);
		printf("\n");
	}
}

static int fetch_conns(struct oak_nl *nl, const char *name, struct oak_config *cfg)
{
	struct oak_nlerr err;
	struct oak_msg b;
	int ret;

	if (name) {
		oak_msg_init(&b, OAKLEY_CMD_CONN_GET, NLM_F_ACK);
		oak_msg_strz(&b, OAKLEY_A_CONN_NAME, name);
	} else {
		oak_msg_init(&b, OAKLEY_CMD_CONN_GET, NLM_F_DUMP);
	}
	ret = oak_nl_request(nl, &b, conn_cb, cfg, &err);
	oak_msg_free(&b);
	if (ret)
		oak_nl_perror("show conn", &err);
	return ret;
}

static void print_conns(const struct oak_config *cfg)
{
	unsigned int *idx = oak_sorted_conns(cfg), i;

	for (i = 0; idx && i < cfg->nconns; i++) {
		if (i)
			printf("\n");
		print_conn(&cfg->conns[idx[i]]);
	}
	free(idx);
}

static int fetch_sas(struct oak_nl *nl, struct oak_sa_list *l)
{
	struct oak_nlerr err;
	struct oak_msg b;
	int ret;

	oak_msg_init(&b, OAKLEY_CMD_SA_GET, NLM_F_DUMP);
	ret = oak_nl_request(nl, &b, oak_sa_decode_msg, l, &err);
	oak_msg_free(&b);
	if (ret)
		oak_nl_perror("show sa", &err);
	return ret;
}

static void json_sas(struct json *j, const char *key, const struct oak_sa_list *l)
{
	unsigned int i;

	json_arr_open(j, key);
	for (i = 0; i < l->n; i++)
		oak_json_sa(j, &l->sa[i]);
	json_close_arr(j);
}

int show_main(int argc, char **argv)
{
	const char *what = NULL, *name = NULL;
	struct oak_config cfg = { 0 };
	struct oak_sa_list l = { 0 };
	bool json, conns, sas;
	struct oak_nl nl;
	struct json j;
	unsigned int i;
	int ret = -1;

	argc = take_json_flag(argc, argv, &json);
	if (argc > 1 && (!strcmp(argv[1], "conn") || !strcmp(argv[1], "sa"))) {
		what = argv[1];
		argv++;
		argc--;
	}
	if (argc > 2) {
		fprintf(stderr, "Usage: %s show [conn|sa] [NAME] [-j]\n", prog);
		return -1;
	}
	if (argc == 2)
		name = argv[1];
	if (name && !oak_valid_name(name)) {
		fprintf(stderr, "oak: show: bad name '%s'\n", name);
		return -1;
	}
	conns = !what || !strcmp(what, "conn");
	sas = !what || !strcmp(what, "sa");
	l.filter = name;
	if (oak_nl_open(&nl))
		return -1;
	if (conns && fetch_conns(&nl, name, &cfg))
		goto out;
	if (sas && fetch_sas(&nl, &l))
		goto out;
	if (json) {
		json_init(&j, stdout, true);
		if (conns && sas)
			json_obj_open(&j, NULL);
		if (conns)
			oak_json_conns(&j, &cfg, sas ? "connections" : NULL);
		if (sas)
			json_sas(&j, conns ? "sas" : NULL, &l);
		if (conns && sas)
			json_close_obj(&j);
		json_end(&j);
	} else {
		if (conns)
			print_conns(&cfg);
		if (conns && sas && cfg.nconns && l.n)
			printf("\n");
		for (i = 0; sas && i < l.n; i++)
			oak_print_sa(&l.sa[i]);
	}
	ret = fflush(stdout) ? -1 : 0;
out:
	oak_sa_list_free(&l);
	oak_config_free(&cfg);
	oak_nl_close(&nl);
	return ret;
}

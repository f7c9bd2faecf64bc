// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "encode.h"
#include "format.h"
#include "proposal.h"
#include "sa.h"

/* ---- SAs --------------------------------------------------------------------- */

static int decode_child_sa(const struct nlattr *nest, struct oak_child_sa *c)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		int r = 0;

		switch (mnl_attr_get_type(a)) {
		case OAKLEY_CHILD_SA_A_NAME:
			r = oak_attr_str(a, c->name, sizeof(c->name));
			break;
		case OAKLEY_CHILD_SA_A_SPI_IN:
			r = oak_attr_fixed(a, c->spi_in, 4);
			break;
		case OAKLEY_CHILD_SA_A_SPI_OUT:
			r = oak_attr_fixed(a, c->spi_out, 4);
			break;
		case OAKLEY_CHILD_SA_A_PROTO:
			r = oak_attr_fixed(a, &c->proto, 1);
			break;
		case OAKLEY_CHILD_SA_A_MODE:
			r = oak_attr_fixed(a, &c->mode, 1);
			break;
		case OAKLEY_CHILD_SA_A_ENCR:
			r = oak_attr_fixed(a, &c->encr, 2);
			break;
		case OAKLEY_CHILD_SA_A_ENCR_KEYLEN:
			r = oak_attr_fixed(a, &c->keylen, 2);
			break;
		case OAKLEY_CHILD_SA_A_INTEG:
			r = oak_attr_fixed(a, &c->integ, 2);
			break;
		case OAKLEY_CHILD_SA_A_DH:
			r = oak_attr_fixed(a, &c->dh, 2);
			break;
		case OAKLEY_CHILD_SA_A_LOCAL_TS:
			r = oak_decode_tslist(a, &c->lts);
			break;
		case OAKLEY_CHILD_SA_A_REMOTE_TS:
			r = oak_decode_tslist(a, &c->rts);
			break;
		case OAKLEY_CHILD_SA_A_AGE:
			r = oak_attr_fixed(a, &c->age, 8);
			break;
		case OAKLEY_CHILD_SA_A_BYTES_IN:
			r = oak_attr_fixed(a, &c->bytes_in, 8);
			break;
		case OAKLEY_CHILD_SA_A_BYTES_OUT:
			r = oak_attr_fixed(a, &c->bytes_out, 8);
			break;
		case OAKLEY_CHILD_SA_A_PACKETS_IN:
			r = oak_attr_fixed(a, &c->packets_in, 8);
			break;
		case OAKLEY_CHILD_SA_A_PACKETS_OUT:
			r = oak_attr_fixed(a, &c->packets_out, 8);
			break;
		case OAKLEY_CHILD_SA_A_REKEY_IN:
			r = oak_attr_fixed(a, &c->left.rekey_in, 8);
			c->left.rekey_set = true;
			break;
		case OAKLEY_CHILD_SA_A_EXPIRE_IN:
			r = oak_attr_fixed(a, &c->left.expire_in, 8);
			c->left.expire_set = true;
			break;
		}
		if (r)
			return -1;
	}
	return 0;
}

static int decode_sa_attr(const struct nlattr *a, struct oak_ike_sa *s)
{
	struct oak_child_sa *c;

	switch (mnl_attr_get_type(a)) {
	case OAKLEY_SA_A_CONN_NAME:
		return oak_attr_str(a, s->conn, sizeof(s->conn));
	case OAKLEY_SA_A_STATE:
		return oak_attr_fixed(a, &s->state, 1);
	case OAKLEY_SA_A_INITIATOR:
		s->initiator = true;
		return 0;
	case OAKLEY_SA_A_SPI_I:
		return oak_attr_fixed(a, s->spi_i, 8);
	case OAKLEY_SA_A_SPI_R:
		return oak_attr_fixed(a, s->spi_r, 8);
	case OAKLEY_SA_A_FAMILY:
		return oak_attr_fixed(a, &s->family, 2);
	case OAKLEY_SA_A_LOCAL_ADDR:
		return oak_attr_addr(a, s->laddr);
	case OAKLEY_SA_A_LOCAL_PORT:
		return oak_attr_fixed(a, &s->lport, 2);
	case OAKLEY_SA_A_REMOTE_ADDR:
		return oak_attr_addr(a, s->raddr);
	case OAKLEY_SA_A_REMOTE_PORT:
		return oak_attr_fixed(a, &s->rport, 2);
	case OAKLEY_SA_A_ENCR:
		return oak_attr_fixed(a, &s->encr, 2);
	case OAKLEY_SA_A_ENCR_KEYLEN:
		return oak_attr_fixed(a, &s->keylen, 2);
	case OAKLEY_SA_A_PRF:
		return oak_attr_fixed(a, &s->prf, 2);
	case OAKLEY_SA_A_INTEG:
		return oak_attr_fixed(a, &s->integ, 2);
	case OAKLEY_SA_A_DH:
		return oak_attr_fixed(a, &s->dh, 2);
	case OAKLEY_SA_A_AGE:
		return oak_attr_fixed(a, &s->age, 8);
	case OAKLEY_SA_A_NAT:
		return oak_attr_fixed(a, &s->nat, 1);
	case OAKLEY_SA_A_VERSION:
		return oak_attr_fixed(a, &s->version, 1);
	case OAKLEY_SA_A_REKEY_IN:
		s->left.rekey_set = true;
		return oak_attr_fixed(a, &s->left.rekey_in, 8);
	case OAKLEY_SA_A_EXPIRE_IN:
		s->left.expire_set = true;
		return oak_attr_fixed(a, &s->left.expire_in, 8);
	case OAKLEY_SA_A_CHILD:
		c = oak_grow(s->children, s->nchildren, sizeof(*c));
		if (!c)
			return -1;
		s->children = c;
		c += s->nchildren++;
		memset(c, 0, sizeof(*c));
		return decode_child_sa(a, c);
	}
	return 0;
}

int oak_sa_decode_msg(const struct nlmsghdr *nlh, void *data)
{
	struct oak_sa_list *l = data;
	const struct nlattr *a, *b;
	struct oak_ike_sa *s;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != OAKLEY_A_IKE_SA)
			continue;
		s = oak_grow(l->sa, l->n, sizeof(*s));
		if (!s)
			return -1;
		l->sa = s;
		s += l->n++;
		memset(s, 0, sizeof(*s));
		mnl_attr_for_each_nested(b, a)
			if (decode_sa_attr(b, s))
				return -1;
		if (l->filter && strcmp(l->filter, s->conn)) {
			free(s->children);
			l->n--;
		}
	}
	return 0;
}

static const char *state_name(uint8_t s)
{
	static const char *const names[] = { "?", "connecting", "authenticating",
					     "established", "?", "deleting" };

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static void alg(struct json *j, const char *key, uint8_t type, uint16_t id, uint16_t keylen)
{
	char buf[32];

	if (!id && type != OAKLEY_TRANS_ENCR) {
		json_null(j, key);
		return;
	}
	json_str(j, key, oak_transform_name(type, id, keylen, buf, sizeof(buf)));
}

static void json_u64_or_null(struct json *j, const char *key, bool set, uint64_t v)
{
	if (set)
		json_u64(j, key, v);
	else
		json_null(j, key);
}

static void json_left(struct json *j, const struct oak_sa_left *l)
{
	json_u64_or_null(j, "rekey-in", l->rekey_set, l->rekey_in);
	json_u64_or_null(j, "expire-in", l->expire_set, l->expire_in);
}

/* ", rekey in 3300s, expires in 3960s": what is set of it */
static void print_left(const struct oak_sa_left *l)
{
	if (l->rekey_set)
		printf(", rekey in %llus", (unsigned long long)l->rekey_in);
	if (l->expire_set)
		printf(", expires in %llus", (unsigned long long)l->expire_in);
}

static void json_child_sa(struct json *j, const struct oak_child_sa *c)
{
	char buf[32];

	json_obj_open(j, NULL);
	json_str(j, "name", c->name);
	oak_fmt_hex(buf, sizeof(buf), "", c->spi_in, 4);
	json_str(j, "spi-in", buf);
	oak_fmt_hex(buf, sizeof(buf), "", c->spi_out, 4);
	json_str(j, "spi-out", buf);
	json_str(j, "proto", c->proto == IPPROTO_AH ? "ah" : "esp");
	json_str(j, "mode", oak_mode_name(c->mode));
	alg(j, "encr", OAKLEY_TRANS_ENCR, c->encr, c->keylen);
	alg(j, "integ", OAKLEY_TRANS_INTEG, c->integ, 0);
	alg(j, "dh", OAKLEY_TRANS_DH, c->dh, 0);
	oak_json_tslist(j, "local-ts", &c->lts);
	oak_json_tslist(j, "remote-ts", &c->rts);
	json_u64(j, "age", c->age);
	json_u64(j, "bytes-in", c->bytes_in);
	json_u64(j, "bytes-out", c->bytes_out);
	json_u64(j, "packets-in", c->packets_in);
	json_u64(j, "packets-out", c->packets_out);
	json_left(j, &c->left);
	json_close_obj(j);
}

/* "local", "remote", "local remote", "encap" ...: why the SA uses ESP in UDP; NULL: it does not */
static const char *nat_name(uint8_t nat, char *buf, size_t len)
{
	if (!nat)
		return NULL;
	snprintf(buf, len, "%s%s%s%s%s", nat & OAKLEY_SA_NAT_LOCAL ? "local" : "",
		 (nat & OAKLEY_SA_NAT_LOCAL) && (nat & OAKLEY_SA_NAT_REMOTE) ? " " : "",
		 nat & OAKLEY_SA_NAT_REMOTE ? "remote" : "",
		 (nat & (OAKLEY_SA_NAT_LOCAL | OAKLEY_SA_NAT_REMOTE)) &&
		 (nat & OAKLEY_SA_NAT_FORCED) ? " " : "",
		 nat & OAKLEY_SA_NAT_FORCED ? "encap" : "");
	return buf;
}

void oak_json_sa(struct json *j, const struct oak_ike_sa *s)
{
	char nat[32];
	char buf[OAK_ADDRSTRLEN];
	unsigned int i;

	json_obj_open(j, NULL);
	json_str(j, "conn", s->conn);
	json_str(j, "state", state_name(s->state));
	json_bool(j, "initiator", s->initiator);
	oak_fmt_hex(buf, sizeof(buf), "", s->spi_i, 8);
	json_str(j, "spi-i", buf);
	oak_fmt_hex(buf, sizeof(buf), "", s->spi_r, 8);
	json_str(j, "spi-r", buf);
	oak_fmt_addr(buf, sizeof(buf), s->family, s->laddr);
	json_str(j, "local", buf);
	json_u64(j, "local-port", s->lport);
	oak_fmt_addr(buf, sizeof(buf), s->family, s->raddr);
	json_str(j, "remote", buf);
	json_u64(j, "remote-port", s->rport);
	if (nat_name(s->nat, nat, sizeof(nat)))
		json_str(j, "nat", nat);
	else
		json_null(j, "nat");
	alg(j, "encr", OAKLEY_TRANS_ENCR, s->encr, s->keylen);
	alg(j, "integ", OAKLEY_TRANS_INTEG, s->integ, 0);
	alg(j, "prf", OAKLEY_TRANS_PRF, s->prf, 0);
	alg(j, "dh", OAKLEY_TRANS_DH, s->dh, 0);
	json_u64(j, "age", s->age);
	json_u64_or_null(j, "version", s->version, s->version);
	json_left(j, &s->left);
	json_arr_open(j, "children");
	for (i = 0; i < s->nchildren; i++)
		json_child_sa(j, &s->children[i]);
	json_close_arr(j);
	json_close_obj(j);
}

/* "aes256gcm16-prfsha384-x25519": the encryption, then each other one that is set */
static void print_algs(uint16_t encr, uint16_t keylen, uint16_t integ, uint16_t prf, uint16_t dh)
{
	char buf[32];

	printf("%s", oak_transform_name(OAKLEY_TRANS_ENCR, encr, keylen, buf, sizeof(buf)));
	if (integ)
		printf("-%s", oak_transform_name(OAKLEY_TRANS_INTEG, integ, 0, buf, sizeof(buf)));
	if (prf)
		printf("-%s", oak_transform_name(OAKLEY_TRANS_PRF, prf, 0, buf, sizeof(buf)));
	if (dh)
		printf("-%s", oak_transform_name(OAKLEY_TRANS_DH, dh, 0, buf, sizeof(buf)));
}

void oak_print_sa(const struct oak_ike_sa *s)
{
	char nat[32];
	char l[OAK_ADDRSTRLEN + 8], r[OAK_ADDRSTRLEN + 8], si[20], sr[20];
	unsigned int i;

	oak_fmt_endpoint(l, sizeof(l), s->family, s->laddr, s->lport);
	oak_fmt_endpoint(r, sizeof(r), s->family, s->raddr, s->rport);
	oak_fmt_hex(si, sizeof(si), "", s->spi_i, 8);
	oak_fmt_hex(sr, sizeof(sr), "", s->spi_r, 8);
	printf("ike-sa %s: %s%s, %s === %s, %s, age %llus", s->conn,
	       s->version == 1 ? "IKEv1 " : "", state_name(s->state), l, r,
	       s->initiator ? "initiator" : "responder", (unsigned long long)s->age);
	print_left(&s->left);
	printf("\n");
	printf("  spi-i %s, spi-r %s\n  ", si, sr);
	if (s->nat)
		printf("NAT traversal (%s): ESP in UDP\n  ", nat_name(s->nat, nat, sizeof(nat)));
	print_algs(s->encr, s->keylen, s->integ, s->prf, s->dh);
	printf("\n");
	for (i = 0; i < s->nchildren; i++) {
		const struct oak_child_sa *c = &s->children[i];

		oak_fmt_hex(si, sizeof(si), "", c->spi_in, 4);
		oak_fmt_hex(sr, sizeof(sr), "", c->spi_out, 4);
		printf("  child-sa %s/%s: %s %s, spi in %s out %s, age %llus", s->conn,
		       c->name, c->proto == IPPROTO_AH ? "ah" : "esp", oak_mode_name(c->mode),
		       si, sr, (unsigned long long)c->age);
		print_left(&c->left);
		printf("\n    ");
		oak_print_tslist(&c->lts);
		printf(" === ");
		oak_print_tslist(&c->rts);
		printf("\n    ");
		print_algs(c->encr, c->keylen, c->integ, 0, c->dh);
		printf(", in %llu bytes/%llu packets, out %llu bytes/%llu packets\n",
		       (unsigned long long)c->bytes_in, (unsigned long long)c->packets_in,
		       (unsigned long long)c->bytes_out, (unsigned long long)c->packets_out);
	}
}

void oak_sa_list_free(struct oak_sa_list *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		free(l->sa[i].children);
	free(l->sa);
	l->sa = NULL;
	l->n = 0;
}

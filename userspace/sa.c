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

static void print_tslist(const struct oak_tslist *l)
{
	char buf[OAK_ADDRSTRLEN + 32];
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		oak_fmt_ts(buf, sizeof(buf), &l->ts[i]);
		printf("%s%s", i ? ", " : "", buf);
	}
}

/* ---- SAs --------------------------------------------------------------------- */

static int fixed(const struct nlattr *a, void *out, size_t len)
{
	if (mnl_attr_get_payload_len(a) != len)
		return -1;
	memcpy(out, mnl_attr_get_payload(a), len);
	return 0;
}

static int str(const struct nlattr *a, char *out, size_t size)
{
	size_t n = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	if (n && !s[n - 1])
		n--;
	if (n >= size || memchr(s, 0, n))
		return -1;
	memcpy(out, s, n);
	out[n] = 0;
	return 0;
}

static int addr(const struct nlattr *a, uint8_t *out)
{
	size_t n = mnl_attr_get_payload_len(a);

	if (n != 4 && n != 16)
		return -1;
	memcpy(out, mnl_attr_get_payload(a), n);
	return 0;
}

static int decode_child_sa(const struct nlattr *nest, struct oak_child_sa *c)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		int r = 0;

		switch (mnl_attr_get_type(a)) {
		case OAKLEY_CHILD_SA_A_NAME:
			r = str(a, c->name, sizeof(c->name));
			break;
		case OAKLEY_CHILD_SA_A_SPI_IN:
			r = fixed(a, c->spi_in, 4);
			break;
		case OAKLEY_CHILD_SA_A_SPI_OUT:
			r = fixed(a, c->spi_out, 4);
			break;
		case OAKLEY_CHILD_SA_A_PROTO:
			r = fixed(a, &c->proto, 1);
			break;
		case OAKLEY_CHILD_SA_A_MODE:
			r = fixed(a, &c->mode, 1);
			break;
		case OAKLEY_CHILD_SA_A_ENCR:
			r = fixed(a, &c->encr, 2);
			break;
		case OAKLEY_CHILD_SA_A_ENCR_KEYLEN:
			r = fixed(a, &c->keylen, 2);
			break;
		case OAKLEY_CHILD_SA_A_INTEG:
			r = fixed(a, &c->integ, 2);
			break;
		case OAKLEY_CHILD_SA_A_DH:
			r = fixed(a, &c->dh, 2);
			break;
		case OAKLEY_CHILD_SA_A_LOCAL_TS:
			r = oak_decode_tslist(a, &c->lts);
			break;
		case OAKLEY_CHILD_SA_A_REMOTE_TS:
			r = oak_decode_tslist(a, &c->rts);
			break;
		case OAKLEY_CHILD_SA_A_AGE:
			r = fixed(a, &c->age, 8);
			break;
		case OAKLEY_CHILD_SA_A_BYTES_IN:
			r = fixed(a, &c->bytes_in, 8);
			break;
		case OAKLEY_CHILD_SA_A_BYTES_OUT:
			r = fixed(a, &c->bytes_out, 8);
			break;
		case OAKLEY_CHILD_SA_A_PACKETS_IN:
			r = fixed(a, &c->packets_in, 8);
			break;
		case OAKLEY_CHILD_SA_A_PACKETS_OUT:
			r = fixed(a, &c->packets_out, 8);
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
		return str(a, s->conn, sizeof(s->conn));
	case OAKLEY_SA_A_STATE:
		return fixed(a, &s->state, 1);
	case OAKLEY_SA_A_INITIATOR:
		s->initiator = true;
		return 0;
	case OAKLEY_SA_A_SPI_I:
		return fixed(a, s->spi_i, 8);
	case OAKLEY_SA_A_SPI_R:
		return fixed(a, s->spi_r, 8);
	case OAKLEY_SA_A_FAMILY:
		return fixed(a, &s->family, 2);
	case OAKLEY_SA_A_LOCAL_ADDR:
		return addr(a, s->laddr);
	case OAKLEY_SA_A_LOCAL_PORT:
		return fixed(a, &s->lport, 2);
	case OAKLEY_SA_A_REMOTE_ADDR:
		return addr(a, s->raddr);
	case OAKLEY_SA_A_REMOTE_PORT:
		return fixed(a, &s->rport, 2);
	case OAKLEY_SA_A_ENCR:
		return fixed(a, &s->encr, 2);
	case OAKLEY_SA_A_ENCR_KEYLEN:
		return fixed(a, &s->keylen, 2);
	case OAKLEY_SA_A_PRF:
		return fixed(a, &s->prf, 2);
	case OAKLEY_SA_A_INTEG:
		return fixed(a, &s->integ, 2);
	case OAKLEY_SA_A_DH:
		return fixed(a, &s->dh, 2);
	case OAKLEY_SA_A_AGE:
		return fixed(a, &s->age, 8);
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
					     "established", "rekeying", "deleting" };

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static void hex(char *buf, const uint8_t *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(buf + 2 * i, "%02x", d[i]);
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

static void json_ts(struct json *j, const char *key, const struct oak_tslist *l)
{
	char buf[OAK_ADDRSTRLEN + 32];
	unsigned int i;

	json_arr_open(j, key);
	for (i = 0; i < l->n; i++) {
		oak_fmt_ts(buf, sizeof(buf), &l->ts[i]);
		json_str(j, NULL, buf);
	}
	json_close_arr(j);
}

static void json_child_sa(struct json *j, const struct oak_child_sa *c)
{
	char buf[32];

	json_obj_open(j, NULL);
	json_str(j, "name", c->name);
	hex(buf, c->spi_in, 4);
	json_str(j, "spi-in", buf);
	hex(buf, c->spi_out, 4);
	json_str(j, "spi-out", buf);
	json_str(j, "proto", c->proto == IPPROTO_AH ? "ah" : "esp");
	json_str(j, "mode", oak_mode_name(c->mode));
	alg(j, "encr", OAKLEY_TRANS_ENCR, c->encr, c->keylen);
	alg(j, "integ", OAKLEY_TRANS_INTEG, c->integ, 0);
	alg(j, "dh", OAKLEY_TRANS_DH, c->dh, 0);
	json_ts(j, "local-ts", &c->lts);
	json_ts(j, "remote-ts", &c->rts);
	json_u64(j, "age", c->age);
	json_u64(j, "bytes-in", c->bytes_in);
	json_u64(j, "bytes-out", c->bytes_out);
	json_u64(j, "packets-in", c->packets_in);
	json_u64(j, "packets-out", c->packets_out);
	json_close_obj(j);
}

void oak_json_sa(struct json *j, const struct oak_ike_sa *s)
{
	char buf[OAK_ADDRSTRLEN];
	unsigned int i;

	json_obj_open(j, NULL);
	json_str(j, "conn", s->conn);
	json_str(j, "state", state_name(s->state));
	json_bool(j, "initiator", s->initiator);
	hex(buf, s->spi_i, 8);
	json_str(j, "spi-i", buf);
	hex(buf, s->spi_r, 8);
	json_str(j, "spi-r", buf);
	oak_fmt_addr(buf, sizeof(buf), s->family, s->laddr);
	json_str(j, "local", buf);
	json_u64(j, "local-port", s->lport);
	oak_fmt_addr(buf, sizeof(buf), s->family, s->raddr);
	json_str(j, "remote", buf);
	json_u64(j, "remote-port", s->rport);
	alg(j, "encr", OAKLEY_TRANS_ENCR, s->encr, s->keylen);
	alg(j, "integ", OAKLEY_TRANS_INTEG, s->integ, 0);
	alg(j, "prf", OAKLEY_TRANS_PRF, s->prf, 0);
	alg(j, "dh", OAKLEY_TRANS_DH, s->dh, 0);
	json_u64(j, "age", s->age);
	json_arr_open(j, "children");
	for (i = 0; i < s->nchildren; i++)
		json_child_sa(j, &s->children[i]);
	json_close_arr(j);
	json_close_obj(j);
}

void oak_print_sa(const struct oak_ike_sa *s)
{
	char l[OAK_ADDRSTRLEN + 8], r[OAK_ADDRSTRLEN + 8], si[20], sr[20], b1[32], b2[32];
	unsigned int i;

	oak_fmt_endpoint(l, sizeof(l), s->family, s->laddr, s->lport);
	oak_fmt_endpoint(r, sizeof(r), s->family, s->raddr, s->rport);
	hex(si, s->spi_i, 8);
	hex(sr, s->spi_r, 8);
	printf("ike-sa %s: %s, %s === %s, %s, age %llus\n", s->conn, state_name(s->state), l, r,
	       s->initiator ? "initiator" : "responder", (unsigned long long)s->age);
	printf("  spi-i %s, spi-r %s\n  %s", si, sr,
	       oak_transform_name(OAKLEY_TRANS_ENCR, s->encr, s->keylen, b1, sizeof(b1)));
	if (s->integ)
		printf("-%s", oak_transform_name(OAKLEY_TRANS_INTEG, s->integ, 0, b2, sizeof(b2)));
	if (s->prf)
		printf("-%s", oak_transform_name(OAKLEY_TRANS_PRF, s->prf, 0, b2, sizeof(b2)));
	if (s->dh)
		printf("-%s", oak_transform_name(OAKLEY_TRANS_DH, s->dh, 0, b2, sizeof(b2)));
	printf("\n");
	for (i = 0; i < s->nchildren; i++) {
		const struct oak_child_sa *c = &s->children[i];

		hex(si, c->spi_in, 4);
		hex(sr, c->spi_out, 4);
		printf("  child-sa %s/%s: %s %s, spi in %s out %s, age %llus\n    ", s->conn,
		       c->name, c->proto == IPPROTO_AH ? "ah" : "esp", oak_mode_name(c->mode),
		       si, sr, (unsigned long long)c->age);
		print_tslist(&c->lts);
		printf(" === ");
		print_tslist(&c->rts);
		printf("\n    %s",
		       oak_transform_name(OAKLEY_TRANS_ENCR, c->encr, c->keylen, b1, sizeof(b1)));
		if (c->integ)
			printf("-%s", oak_transform_name(OAKLEY_TRANS_INTEG, c->integ, 0, b2,
							 sizeof(b2)));
		if (c->dh)
			printf("-%s",
			       oak_transform_name(OAKLEY_TRANS_DH, c->dh, 0, b2, sizeof(b2)));
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

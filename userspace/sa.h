/* SPDX-License-Identifier: GPL-2.0 */
/* IKE and Child SAs as the kernel dumps them (OAKLEY_CMD_SA_GET): decode, JSON, text. */
#ifndef OAK_SA_H
#define OAK_SA_H

#include <libmnl/libmnl.h>
#include "config.h"
#include "json.h"

/* Seconds left to a rekey and to the hard lifetime; each only if the kernel sent it. */
struct oak_sa_left {
	bool rekey_set, expire_set;
	uint64_t rekey_in, expire_in;
};

struct oak_child_sa {
	char name[OAKLEY_NAME_MAX + 1];
	uint8_t spi_in[4], spi_out[4];
	uint8_t proto, mode;
	uint16_t encr, keylen, integ, dh;
	struct oak_tslist lts, rts;
	uint64_t age, bytes_in, bytes_out, packets_in, packets_out;
	struct oak_sa_left left;
};

struct oak_ike_sa {
	char conn[OAKLEY_NAME_MAX + 1];
	uint8_t state;
	bool initiator;
	uint8_t spi_i[8], spi_r[8];
	uint16_t family, lport, rport;
	uint8_t laddr[16], raddr[16];
	uint16_t encr, keylen, prf, integ, dh;
	uint64_t age;
	uint8_t nat;			/* OAKLEY_SA_NAT_*, 0: no NAT traversal */
	uint8_t version;		/* 1 or 2; 0: an older kernel did not say */
	struct oak_sa_left left;
	unsigned int nchildren;
	struct oak_child_sa *children;
};

struct oak_sa_list {
	unsigned int n;
	struct oak_ike_sa *sa;
	const char *filter;
};

/* appends every OAKLEY_A_IKE_SA of a message to the oak_sa_list in data; 0 or -1 */
int oak_sa_decode_msg(const struct nlmsghdr *nlh, void *data);
void oak_sa_list_free(struct oak_sa_list *l);
void oak_json_sa(struct json *j, const struct oak_ike_sa *s);
void oak_print_sa(const struct oak_ike_sa *s);

#endif

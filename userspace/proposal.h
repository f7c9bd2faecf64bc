/* SPDX-License-Identifier: GPL-2.0 */
/* strongSwan-style proposal strings <-> IANA IKEv2 transforms. */
#ifndef OAK_PROPOSAL_H
#define OAK_PROPOSAL_H

#include <stdio.h>
#include "config.h"

enum oak_prop_kind { OAK_PROP_IKE, OAK_PROP_ESP, OAK_PROP_AH };

/* Parse "aes256gcm16-prfsha384-x25519, aes128-sha256-modp2048".  0 or -1 + err. */
int oak_proposals_parse(const char *s, enum oak_prop_kind kind, struct oak_proplist *out,
			char *err, size_t errlen);
/* Canonical form: encr-integ-prf-dh-esn, proposals joined by ", ". */
void oak_proposals_format(const struct oak_proplist *pl, FILE *f);
/* malloc'ed canonical string */
char *oak_proposals_string(const struct oak_proplist *pl);
/*
 * The legacy algorithms (3DES, SHA-1, MODP-1024/1536) the list uses: how
 * many, and their names joined by ", " in buf (cut to len).
 */
unsigned int oak_proposals_legacy(const struct oak_proplist *pl, char *buf, size_t len);
/* Name of one transform, e.g. "aes256gcm16", "prfsha256"; buf >= 32 */
const char *oak_transform_name(uint8_t type, uint16_t id, uint16_t keylen, char *buf,
			       size_t len);

#endif

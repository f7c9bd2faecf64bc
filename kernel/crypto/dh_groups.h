/* SPDX-License-Identifier: GPL-2.0 */
/* RFC 2409 / RFC 3526 MODP primes (generator 2), big-endian. */
#ifndef OAKLEY_CRYPTO_DH_GROUPS_H
#define OAKLEY_CRYPTO_DH_GROUPS_H

#include <linux/types.h>

extern const u8 oak_modp1024_p[128];
extern const u8 oak_modp1536_p[192];
extern const u8 oak_modp2048_p[256];
extern const u8 oak_modp3072_p[384];
extern const u8 oak_modp4096_p[512];

#endif /* OAKLEY_CRYPTO_DH_GROUPS_H */

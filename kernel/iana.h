/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: IANA "Internet Key Exchange Version 2 (IKEv2) Parameters",
 * Transform Type 1 (ENCR), 2 (PRF), 3 (INTEG) and 4 (Key Exchange Method)
 * IDs: defined here once, for the configuration (conn.c), the crypto glue
 * (kernel/crypto/) and the xfrm glue (kernel/core/xfrm.c).  The ISAKMP
 * (IKEv1) registries have their own numbers (kernel/codec/isakmp_wire.h).
 */
#ifndef OAKLEY_IANA_H
#define OAKLEY_IANA_H

/* Transform Type 1: encryption algorithms */
#define IKE_ENCR_DES			2	/* refused (RFC 8247) */
#define IKE_ENCR_3DES			3
#define IKE_ENCR_NULL			11
#define IKE_ENCR_AES_CBC		12
#define IKE_ENCR_AES_CTR		13
#define IKE_ENCR_AES_CCM_8		14
#define IKE_ENCR_AES_CCM_12		15
#define IKE_ENCR_AES_CCM_16		16
#define IKE_ENCR_AES_GCM_8		18
#define IKE_ENCR_AES_GCM_12		19
#define IKE_ENCR_AES_GCM_16		20
#define IKE_ENCR_CHACHA20_POLY1305	28

/* Transform Type 2: pseudorandom functions */
#define IKE_PRF_HMAC_MD5		1	/* refused (RFC 8247) */
#define IKE_PRF_HMAC_SHA1		2
#define IKE_PRF_HMAC_SHA2_256		5
#define IKE_PRF_HMAC_SHA2_384		6
#define IKE_PRF_HMAC_SHA2_512		7

/* Transform Type 3: integrity algorithms */
#define IKE_INTEG_NONE			0
#define IKE_INTEG_HMAC_MD5_96		1	/* refused (RFC 8247) */
#define IKE_INTEG_HMAC_SHA1_96		2
#define IKE_INTEG_AES_XCBC_96		5
#define IKE_INTEG_AES_CMAC_96		8
#define IKE_INTEG_HMAC_SHA2_256_128	12
#define IKE_INTEG_HMAC_SHA2_384_192	13
#define IKE_INTEG_HMAC_SHA2_512_256	14

/* Transform Type 4: Diffie-Hellman groups */
#define IKE_DH_NONE			0
#define IKE_DH_MODP768			1	/* refused (RFC 8247) */
#define IKE_DH_MODP1024			2
#define IKE_DH_MODP1536			5
#define IKE_DH_MODP2048			14
#define IKE_DH_MODP3072			15
#define IKE_DH_MODP4096			16
#define IKE_DH_ECP256			19
#define IKE_DH_ECP384			20
#define IKE_DH_CURVE25519		31

#endif /* OAKLEY_IANA_H */

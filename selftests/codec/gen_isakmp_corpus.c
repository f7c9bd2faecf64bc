// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the ISAKMP (IKEv1) seed corpus: small valid Main Mode, Aggressive
 * Mode, Quick Mode and Informational messages built with the codec's
 * builders (there is no IKEv1 capture yet), some flagged encrypted with a
 * body that is the plaintext chain plus padding, and each typed payload
 * body of them for fuzz_isakmp_payload.
 *
 *	gen_isakmp_corpus <outdir>
 *		-> <outdir>/fuzz_isakmp_msg, fuzz_isakmp_roundtrip, fuzz_isakmp_payload
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "isakmp_util.h"

static const char *outdir;
static u8 mem[8192];
static struct isakmp_buf b;
static unsigned int nfiles;

static const u8 cky_i[8] = { 0x1e, 0x77, 0x0a, 0x01, 0x9c, 0x33, 0x44, 0x55 };
static const u8 cky_r[8] = { 0x6b, 0x8b, 0x7c, 0x6d, 0x01, 0x02, 0xd3, 0x04 };
static const u8 zero8[8];
static const u8 pat[320] = {
	0x5d, 0x31, 0x0a, 0xc2, 0x55, 0x19, 0xe0, 0x8f, 0x42, 0x6b, 0xd3, 0x07, 0x9e, 0x21,
	0xfa, 0x38, 0x64, 0xcc, 0x10, 0x5b, 0x87, 0xe9, 0x2f, 0x46, 0xb0, 0x73, 0x1d, 0xa8,
	0x5c, 0x02, 0xf6, 0x99, 0x13, 0x88, 0x4a, 0xde, 0x27, 0x60, 0xbb, 0x05, 0xc7, 0x3e,
	0x91, 0x6f, 0x24, 0xe5, 0x58, 0x0c, 0xa3, 0x7a,
};

static void write_file(const char *target, const char *name, const u8 *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
	nfiles++;
}

static int payload_sel(u8 type)
{
	int i;

	if (type == ISAKMP_PL_NAT_OA_DRAFT)
		type = ISAKMP_PL_NAT_OA;
	for (i = 0; i < ISAKMP_FUZZ_NSEL; i++)
		if (isakmp_fuzz_types[i] == type)
			return i;
	return -1;
}

static void emit_payloads(const char *name, const struct isakmp_msg *m)
{
	static u8 tmp[8192];
	char fname[256];
	unsigned int i;
	int sel;

	for (i = 0; i < m->npayloads; i++) {
		sel = payload_sel(m->pl[i].type);
		if (sel < 0)
			continue;
		tmp[0] = sel;
		memcpy(tmp + 1, m->pl[i].body, m->pl[i].len);
		snprintf(fname, sizeof(fname), "%s-%u.bin", name, i);
		write_file("fuzz_isakmp_payload", fname, tmp, m->pl[i].len + 1);
	}
}

/* The message in b to the message corpora, its payloads to fuzz_isakmp_payload. */
static void emit(const char *name)
{
	static struct isakmp_msg m;
	char fname[256];

	if (isakmp_buf_finish(&b) || isakmp_parse_msg(mem, b.len, &m)) {
		fprintf(stderr, "gen_isakmp_corpus: %s does not build or parse\n", name);
		exit(1);
	}
	snprintf(fname, sizeof(fname), "%s.bin", name);
	write_file("fuzz_isakmp_msg", fname, mem, b.len);
	write_file("fuzz_isakmp_roundtrip", fname, mem, b.len);
	emit_payloads(name, &m);
}

/*
 * The same chain flagged encrypted: the body is the plaintext plus pad
 * bytes (a block of 16), which fuzz_isakmp_msg walks as a decrypted chain;
 * the chain itself also goes to fuzz_isakmp_payload's "inner chain" seeds.
 */
static void emit_encrypted(const char *name)
{
	static u8 tmp[8192];
	char fname[256];
	size_t pad = 16 - (b.len - ISAKMP_HDR_LEN) % 16;

	isakmp_chain_end(&b);
	isakmp_put_bytes(&b, NULL, pad - 1);
	isakmp_put_u8(&b, pad - 1);
	mem[19] |= ISAKMP_FLAG_ENC;
	emit(name);
	tmp[0] = payload_sel(ISAKMP_PL_NONE);
	tmp[1] = mem[16];
	memcpy(tmp + 2, mem + ISAKMP_HDR_LEN, b.len - ISAKMP_HDR_LEN);
	snprintf(fname, sizeof(fname), "%s-inner.bin", name);
	write_file("fuzz_isakmp_payload", fname, tmp, b.len - ISAKMP_HDR_LEN + 2);
}

static void start(u8 exchange, u8 flags, u32 msgid, bool responder_known)
{
	isakmp_buf_init(&b, mem, sizeof(mem));
	isakmp_put_header(&b, cky_i, responder_known ? cky_r : zero8, exchange, flags, msgid);
}

/* A phase 1 SA: one ISAKMP proposal, ntrans KEY_IKE transforms. */
static void sa_phase1(unsigned int ntrans, u16 auth)
{
	static const u16 encr_len[][2] = { { 7, 128 }, { 7, 256 }, { 5, 0 } };
	size_t s, p, t;
	unsigned int i;

	s = isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	p = isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, ntrans, true);
	for (i = 0; i < ntrans; i++) {
		t = isakmp_trans_begin(&b, i + 1, ISAKMP_KEY_IKE, i + 1 == ntrans);
		isakmp_put_attr(&b, IKEV1_ATTR_ENCR, encr_len[i % 3][0]);
		if (encr_len[i % 3][1])
			isakmp_put_attr(&b, IKEV1_ATTR_KEY_LENGTH, encr_len[i % 3][1]);
		isakmp_put_attr(&b, IKEV1_ATTR_HASH, i & 1 ? IKEV1_HASH_SHA1 : IKEV1_HASH_SHA2_256);
		isakmp_put_attr(&b, IKEV1_ATTR_AUTH, auth);
		isakmp_put_attr(&b, IKEV1_ATTR_GROUP_DESC, i & 1 ? 14 : 19);
		isakmp_put_attr(&b, IKEV1_ATTR_LIFE_TYPE, IKEV1_LIFE_SECONDS);
		isakmp_put_attr(&b, IKEV1_ATTR_LIFE_DURATION, i ? 28800 : 86400);
		isakmp_pl_end(&b, t);
	}
	isakmp_pl_end(&b, p);
	isakmp_pl_end(&b, s);
}

/* A Quick Mode SA: ESP with a 4-byte SPI, optional PFS group. */
static void sa_quick(u16 group, bool gcm)
{
	static const u8 spi[4] = { 0xc3, 0x5a, 0x01, 0x7e };
	size_t s, p, t;

	s = isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	p = isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, spi, 4, 2, true);
	t = isakmp_trans_begin(&b, 1, gcm ? ISAKMP_ESP_AES_GCM_16 : ISAKMP_ESP_AES_CBC, false);
	isakmp_put_attr(&b, IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	if (!gcm)
		isakmp_put_attr(&b, IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA2_256);
	isakmp_put_attr(&b, IPSEC_ATTR_KEY_LENGTH, 128);
	if (group)
		isakmp_put_attr(&b, IPSEC_ATTR_GROUP_DESC, group);
	isakmp_put_attr(&b, IPSEC_ATTR_LIFE_TYPE, IPSEC_LIFE_SECONDS);
	isakmp_put_attr(&b, IPSEC_ATTR_LIFE_DURATION, 3600);
	isakmp_put_attr(&b, IPSEC_ATTR_LIFE_TYPE, IPSEC_LIFE_KILOBYTES);
	isakmp_put_attr(&b, IPSEC_ATTR_LIFE_DURATION, 4608000);
	isakmp_pl_end(&b, t);
	t = isakmp_trans_begin(&b, 2, ISAKMP_ESP_3DES, true);
	isakmp_put_attr(&b, IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_UDP_TRANSPORT);
	isakmp_put_attr(&b, IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1);
	isakmp_pl_end(&b, t);
	isakmp_pl_end(&b, p);
	isakmp_pl_end(&b, s);
}

static void main_mode(void)
{
	static const u8 v4[4] = { 192, 0, 2, 10 };

	start(ISAKMP_XCHG_IDPROT, 0, 0, false);
	sa_phase1(3, IKEV1_AUTH_PSK);
	isakmp_add_opaque(&b, ISAKMP_PL_VID, pat, 16);
	isakmp_add_opaque(&b, ISAKMP_PL_VID, pat + 16, 16);
	emit("mm1");
	start(ISAKMP_XCHG_IDPROT, 0, 0, true);
	sa_phase1(1, IKEV1_AUTH_PSK);
	isakmp_add_opaque(&b, ISAKMP_PL_VID, pat + 8, 16);
	emit("mm2");
	start(ISAKMP_XCHG_IDPROT, 0, 0, true);
	isakmp_add_ke(&b, pat, 256);
	isakmp_add_nonce(&b, pat + 3, 32);
	isakmp_add_opaque(&b, ISAKMP_PL_NAT_D, pat + 5, 32);
	isakmp_add_opaque(&b, ISAKMP_PL_NAT_D, pat + 6, 32);
	emit("mm3");
	start(ISAKMP_XCHG_IDPROT, 0, 0, true);
	isakmp_add_ke(&b, pat + 1, 64);
	isakmp_add_nonce(&b, pat + 7, 16);
	isakmp_add_opaque(&b, ISAKMP_PL_NAT_D_DRAFT, pat + 9, 20);
	isakmp_add_opaque(&b, ISAKMP_PL_NAT_D_DRAFT, pat + 10, 20);
	emit("mm4_draft_natd");
	start(ISAKMP_XCHG_IDPROT, 0, 0, true);
	isakmp_add_id(&b, ISAKMP_ID_IPV4_ADDR, 17, 500, v4, sizeof(v4));
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, pat + 11, 32);
	isakmp_add_notify(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, mem, 16,
			  ISAKMP_N_INITIAL_CONTACT, NULL, 0);
	emit_encrypted("mm5_enc");
	start(ISAKMP_XCHG_IDPROT, 0, 0, true);
	isakmp_add_id(&b, ISAKMP_ID_DER_ASN1_DN, 0, 0, pat, 40);
	isakmp_add_typed(&b, ISAKMP_PL_CERT, 4, pat + 2, 48);
	isakmp_add_opaque(&b, ISAKMP_PL_SIG, pat + 4, 48);
	isakmp_add_typed(&b, ISAKMP_PL_CR, 4, NULL, 0);
	emit("mm_sig_cert");
}

static void aggressive(void)
{
	static const char fqdn[] = "gw.example.net", ufqdn[] = "alice@example.org";

	start(ISAKMP_XCHG_AGGRESSIVE, 0, 0, false);
	sa_phase1(2, IKEV1_AUTH_PSK);
	isakmp_add_ke(&b, pat + 2, 128);
	isakmp_add_nonce(&b, pat + 12, 20);
	isakmp_add_id(&b, ISAKMP_ID_FQDN, 0, 0, (const u8 *)fqdn, sizeof(fqdn) - 1);
	emit("am1");
	start(ISAKMP_XCHG_AGGRESSIVE, 0, 0, true);
	sa_phase1(1, IKEV1_AUTH_PSK);
	isakmp_add_ke(&b, pat + 4, 128);
	isakmp_add_nonce(&b, pat + 14, 20);
	isakmp_add_id(&b, ISAKMP_ID_USER_FQDN, 0, 0, (const u8 *)ufqdn, sizeof(ufqdn) - 1);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, pat + 20, 20);
	isakmp_add_opaque(&b, ISAKMP_PL_NAT_OA, (const u8[]){ 1, 0, 0, 0, 10, 0, 0, 5 }, 8);
	emit("am2");
}

static void quick(void)
{
	static const u8 sub4[8] = { 10, 1, 0, 0, 255, 255, 255, 0 };
	static const u8 range4[8] = { 10, 2, 0, 1, 10, 2, 0, 200 };
	u8 sub6[32] = { 0x20, 0x01, 0x0d, 0xb8 };
	u8 a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	memset(sub6 + 16, 0xff, 8);
	start(ISAKMP_XCHG_QUICK, 0, 0x2a5e1107, true);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, NULL, 32);
	sa_quick(14, false);
	isakmp_add_nonce(&b, pat + 1, 32);
	isakmp_add_ke(&b, pat + 2, 256);
	isakmp_add_id(&b, ISAKMP_ID_IPV4_ADDR_SUBNET, 0, 0, sub4, 8);
	isakmp_add_id(&b, ISAKMP_ID_IPV4_ADDR_RANGE, 6, 443, range4, 8);
	emit("qm1_pfs_plain");
	start(ISAKMP_XCHG_QUICK, 0, 0x01000000, true);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, pat + 3, 20);
	sa_quick(0, true);
	isakmp_add_nonce(&b, pat + 9, 16);
	isakmp_add_id(&b, ISAKMP_ID_IPV6_ADDR_SUBNET, 0, 0, sub6, 32);
	isakmp_add_id(&b, ISAKMP_ID_IPV6_ADDR, 17, 0, a6, 16);
	emit_encrypted("qm2_enc");
	start(ISAKMP_XCHG_QUICK, 0, 0x01000000, true);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, pat + 4, 20);
	emit_encrypted("qm3_enc");
}

static void informational(void)
{
	static const u8 spis[12] = { 0xc3, 0x5a, 0x01, 0x7e, 0xc0, 0xff, 0xee, 1, 9, 8, 7, 6 };
	u8 cookies[16], seq[4] = { 0, 0, 0x30, 0x39 };

	memcpy(cookies, cky_i, 8);
	memcpy(cookies + 8, cky_r, 8);
	start(ISAKMP_XCHG_INFO, 0, 0x7755aa01, true);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, pat + 17, 32);
	isakmp_add_delete(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ESP, 4, spis, 3);
	emit("info_delete_esp");
	start(ISAKMP_XCHG_INFO, 0, 0x7755aa02, true);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, pat + 18, 32);
	isakmp_add_delete(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, 16, cookies, 1);
	emit_encrypted("info_delete_isakmp_enc");
	start(ISAKMP_XCHG_INFO, 0, 0x7755aa03, true);
	isakmp_add_opaque(&b, ISAKMP_PL_HASH, pat + 19, 20);
	isakmp_add_notify(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, cookies, 16,
			  ISAKMP_N_R_U_THERE, seq, 4);
	emit("info_dpd");
	start(ISAKMP_XCHG_INFO, 0, 0, false);
	isakmp_add_notify(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, NULL, 0,
			  ISAKMP_N_NO_PROPOSAL_CHOSEN, NULL, 0);
	emit("info_no_proposal");
	start(ISAKMP_XCHG_INFO, 0, 0x10, true);
	isakmp_add_notify(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ESP, spis, 4,
			  ISAKMP_N_RESPONDER_LIFETIME,
			  (const u8[]){ 0x80, 1, 0, 1, 0, 2, 0, 4, 0, 0, 0x0e, 0x10 }, 12);
	emit("info_responder_lifetime");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_isakmp_corpus <outdir>\n");
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	main_mode();
	aggressive();
	quick();
	informational();
	printf("gen_isakmp_corpus: %u files\n", nfiles);
	return 0;
}

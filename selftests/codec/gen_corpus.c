// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus: small valid IKEv2 messages built with the codec's
 * builders (SK bodies left as plaintext, IV length 0 or 16), and the typed
 * payload bodies of those messages for fuzz_payload.
 *
 *	gen_corpus <outdir>	-> <outdir>/fuzz_msg, fuzz_roundtrip, fuzz_payload
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "codec_util.h"

static const char *outdir;
static u8 mem[8192];
static struct ike_buf b;
static struct ike_sa_payload sa;
static struct ike_ts_payload ts;
static unsigned int nfiles;

static const u8 spi_i[8] = { 0x5e, 0x11, 0xa0, 0x01, 0x22, 0x33, 0x44, 0x55 };
static const u8 spi_r[8] = { 0x9a, 0x8b, 0x7c, 0x6d, 0x01, 0x02, 0x03, 0x04 };
static const u8 zero8[8];
static const u8 pat[64] = {
	0x3d, 0x71, 0x0a, 0xc2, 0x55, 0x19, 0xe0, 0x8f, 0x42, 0x6b, 0xd3, 0x07, 0x9e, 0x21,
	0xfa, 0x38, 0x64, 0xcc, 0x10, 0x5b, 0x87, 0xe9, 0x2f, 0x46, 0xb0, 0x73, 0x1d, 0xa8,
	0x5c, 0x02, 0xf6, 0x99, 0x13, 0x88, 0x4a, 0xde, 0x27, 0x60, 0xbb, 0x05, 0xc7, 0x3e,
	0x91, 0x6f, 0x24, 0xe5, 0x58, 0x0c, 0xa3, 0x7a, 0x16, 0xd9, 0x4f, 0x82, 0x35, 0xec,
	0x09, 0xb4, 0x6d, 0x20, 0x97, 0x51, 0xcf, 0x1a,
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

	if (type == IKE_PL_IDR)
		type = IKE_PL_IDI;
	if (type == IKE_PL_TSR)
		type = IKE_PL_TSI;
	for (i = 0; i < FUZZ_PAYLOAD_NSEL; i++)
		if (fuzz_payload_types[i] == type)
			return i;
	return -1;
}

static void emit_payloads(const char *name, const struct ike_msg *m, const char *tag)
{
	static u8 tmp[8192];
	char fname[256];
	unsigned int i;
	int sel;

	for (i = 0; i < m->npayloads; i++) {
		sel = payload_sel(m->pl[i].type);
		if (sel < 0 || m->pl[i].type == IKE_PL_NONE)
			continue;
		tmp[0] = sel;
		memcpy(tmp + 1, m->pl[i].body, m->pl[i].len);
		snprintf(fname, sizeof(fname), "%s-%s%u.bin", name, tag, i);
		write_file("fuzz_payload", fname, tmp, m->pl[i].len + 1);
	}
}

/* Write the message in b to the message corpora and its payloads to fuzz_payload. */
static void emit(const char *name, size_t iv_len)
{
	static struct ike_msg m, inner;
	static u8 tmp[8192];
	const struct ike_payload *sk;
	char fname[256];

	if (ike_buf_finish(&b) || ike_parse_msg(b.data, b.len, &m)) {
		fprintf(stderr, "gen_corpus: %s does not build or parse\n", name);
		exit(1);
	}
	snprintf(fname, sizeof(fname), "%s.bin", name);
	write_file("fuzz_msg", fname, b.data, b.len);
	write_file("fuzz_roundtrip", fname, b.data, b.len);
	emit_payloads(name, &m, "");
	if (m.sk_index < 0)
		return;
	sk = &m.pl[m.sk_index];
	if (ike_parse_inner(sk->body + iv_len, sk->len - iv_len, m.sk_first_inner, &inner)) {
		fprintf(stderr, "gen_corpus: %s: inner chain does not parse\n", name);
		exit(1);
	}
	emit_payloads(name, &inner, "sk");
	/* The inner chain alone, for fuzz_payload's chain selector. */
	tmp[0] = payload_sel(IKE_PL_NONE);
	tmp[1] = m.sk_first_inner;
	memcpy(tmp + 2, sk->body + iv_len, sk->len - iv_len);
	snprintf(fname, sizeof(fname), "%s-chain.bin", name);
	write_file("fuzz_payload", fname, tmp, sk->len - iv_len + 2);
}

static void start(u8 exchange, u8 flags, u32 msgid, bool have_r)
{
	ike_buf_init(&b, mem, sizeof(mem));
	ike_put_header(&b, spi_i, have_r ? spi_r : zero8, exchange, flags, msgid);
}

static void ike_proposals(unsigned int n, u8 first_num)
{
	memset(&sa, 0, sizeof(sa));
	sa.nproposals = n;
	sa.p[0] = (struct ike_proposal){ .num = first_num, .protocol = IKE_PROTO_IKE,
		.ntransforms = 5, .t = { { 1, 20, 256 }, { 2, 7, 0 }, { 2, 5, 0 },
					 { 4, 31, 0 }, { 4, 19, 0 } } };
	if (n > 1)
		sa.p[1] = (struct ike_proposal){ .num = first_num + 1, .protocol = IKE_PROTO_IKE,
			.ntransforms = 4, .t = { { 1, 12, 128 }, { 2, 5, 0 }, { 3, 12, 0 },
						 { 4, 14, 0 } } };
}

static void esp_proposal(u8 num, const u8 *spi)
{
	memset(&sa, 0, sizeof(sa));
	sa.nproposals = 1;
	sa.p[0] = (struct ike_proposal){ .num = num, .protocol = IKE_PROTO_ESP, .spi_len = 4,
		.ntransforms = 3, .t = { { 1, 20, 256 }, { 4, 31, 0 }, { 5, 0, 0 } } };
	memcpy(sa.p[0].spi, spi, 4);
}

static void selectors(bool v6)
{
	memset(&ts, 0, sizeof(ts));
	ts.nts = 1;
	ts.ts[0] = (struct ike_ts){ IKE_TS_IPV4_RANGE, 0, 0, 65535, { 10, 1, 0, 0 },
				    { 10, 1, 255, 255 } };
	if (v6) {
		ts.nts = 2;
		ts.ts[1] = (struct ike_ts){ .type = IKE_TS_IPV6_RANGE, .proto = 6,
			.start_port = 22, .end_port = 22, .start = { 0xfd, 0 },
			.end = { 0xfd, 0, [15] = 0xff } };
	}
}

static void sa_init_common(bool resp)
{
	static const u8 hashes[] = { 0, 2, 0, 3, 0, 4, 0, 5 };

	ike_add_ke(&b, 31, pat, 32);
	ike_add_nonce(&b, pat + (resp ? 32 : 0), 32);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, pat, 20);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, pat + 20, 20);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, hashes, sizeof(hashes));
}

static void gen_sa_init(void)
{
	static const u8 group[2] = { 0, 19 };
	size_t off;

	start(IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, false);
	ike_proposals(2, 1);
	ike_add_sa(&b, &sa);
	sa_init_common(false);
	emit("sa_init_req", 0);

	start(IKE_SA_INIT, IKE_FLAG_RESPONSE, 0, true);
	ike_proposals(1, 2);
	ike_add_sa(&b, &sa);
	sa_init_common(true);
	off = ike_pl_begin(&b, IKE_PL_CERTREQ, false);
	ike_put_u8(&b, 4);
	ike_put_bytes(&b, pat, 20);
	ike_pl_end(&b, off);
	off = ike_pl_begin(&b, IKE_PL_VENDOR, false);
	ike_put_bytes(&b, pat + 40, 16);
	ike_pl_end(&b, off);
	emit("sa_init_resp", 0);

	start(IKE_SA_INIT, IKE_FLAG_RESPONSE, 0, false);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_COOKIE, pat, 32);
	emit("sa_init_cookie_resp", 0);

	start(IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, false);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_COOKIE, pat, 32);
	ike_proposals(1, 1);
	ike_add_sa(&b, &sa);
	sa_init_common(false);
	emit("sa_init_cookie_req", 0);

	start(IKE_SA_INIT, IKE_FLAG_RESPONSE, 0, false);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_INVALID_KE_PAYLOAD, group, 2);
	emit("sa_init_invalid_ke", 0);
}

static void gen_auth(void)
{
	static const u8 spi[4] = { 0xc9, 0x12, 0x00, 0x7f };
	size_t sk;

	start(IKE_AUTH, IKE_FLAG_INITIATOR, 1, true);
	sk = ike_sk_begin(&b, 0);
	ike_add_id(&b, IKE_PL_IDI, 2, (const u8 *)"moon.strongswan.org", 19);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_add_id(&b, IKE_PL_IDR, 1, (const u8 *)"\xc0\xa8\x00\x01", 4);
	ike_add_auth(&b, IKE_AUTH_PSK, pat, 32);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	esp_proposal(1, spi);
	ike_add_sa(&b, &sa);
	selectors(true);
	ike_add_ts(&b, IKE_PL_TSI, &ts);
	ike_add_ts(&b, IKE_PL_TSR, &ts);
	ike_sk_end(&b, sk);
	emit("auth_req", 0);

	start(IKE_AUTH, IKE_FLAG_RESPONSE, 1, true);
	sk = ike_sk_begin(&b, 16);
	ike_add_id(&b, IKE_PL_IDR, 2, (const u8 *)"sun.strongswan.org", 18);
	ike_add_auth(&b, IKE_AUTH_PSK, pat + 16, 48);
	esp_proposal(1, spi);
	ike_add_sa(&b, &sa);
	selectors(false);
	ike_add_ts(&b, IKE_PL_TSI, &ts);
	ike_add_ts(&b, IKE_PL_TSR, &ts);
	ike_sk_end(&b, sk);
	emit("auth_resp_iv16", 16);

	start(IKE_AUTH, IKE_FLAG_RESPONSE, 1, true);
	sk = ike_sk_begin(&b, 0);
	ike_add_notify(&b, 0, NULL, 0, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
	ike_sk_end(&b, sk);
	emit("auth_failed", 0);
}

static void gen_child_info(void)
{
	static const u8 spis[8] = { 0xc9, 0x12, 0x00, 0x7f, 0xc1, 0x22, 0x33, 0x44 };
	size_t sk, off;

	start(IKE_CREATE_CHILD_SA, IKE_FLAG_INITIATOR, 2, true);
	sk = ike_sk_begin(&b, 0);
	ike_add_notify(&b, IKE_PROTO_ESP, spis, 4, IKE_N_REKEY_SA, NULL, 0);
	esp_proposal(1, spis + 4);
	ike_add_sa(&b, &sa);
	ike_add_nonce(&b, pat, 24);
	ike_add_ke(&b, 31, pat + 32, 32);
	selectors(false);
	ike_add_ts(&b, IKE_PL_TSI, &ts);
	ike_add_ts(&b, IKE_PL_TSR, &ts);
	ike_sk_end(&b, sk);
	emit("child_rekey_req", 0);

	start(IKE_CREATE_CHILD_SA, IKE_FLAG_INITIATOR, 3, true);
	sk = ike_sk_begin(&b, 0);
	memset(&sa, 0, sizeof(sa));
	sa.nproposals = 1;
	sa.p[0] = (struct ike_proposal){ .num = 1, .protocol = IKE_PROTO_IKE, .spi_len = 8,
		.spi = { 1, 2, 3, 4, 5, 6, 7, 8 }, .ntransforms = 4,
		.t = { { 1, 28, 0 }, { 2, 7, 0 }, { 4, 31, 0 }, { 4, 21, 0 } } };
	ike_add_sa(&b, &sa);
	ike_add_nonce(&b, pat, 32);
	ike_add_ke(&b, 31, pat + 32, 32);
	ike_sk_end(&b, sk);
	emit("ike_rekey_req", 0);

	start(IKE_INFORMATIONAL, IKE_FLAG_INITIATOR, 4, true);
	sk = ike_sk_begin(&b, 0);
	ike_add_delete(&b, IKE_PROTO_ESP, 4, spis, 2);
	ike_sk_end(&b, sk);
	emit("info_delete_esp", 0);

	start(IKE_INFORMATIONAL, 0, 5, true);
	sk = ike_sk_begin(&b, 0);
	ike_add_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	ike_sk_end(&b, sk);
	emit("info_delete_ike", 0);

	start(IKE_INFORMATIONAL, IKE_FLAG_RESPONSE, 6, true);
	sk = ike_sk_begin(&b, 0);
	ike_sk_end(&b, sk);
	emit("info_dpd_resp", 0);

	start(IKE_INFORMATIONAL, IKE_FLAG_INITIATOR, 7, true);
	off = ike_pl_begin(&b, 99, true);
	ike_put_bytes(&b, pat, 5);
	ike_pl_end(&b, off);
	off = ike_pl_begin(&b, IKE_PL_SKF, false);
	ike_put_u16(&b, 1);
	ike_put_u16(&b, 2);
	ike_put_bytes(&b, pat, 24);
	ike_pl_end(&b, off);
	emit("unknown_critical_skf", 0);
}

/* The parser's limits: 16 proposals, 32 transforms, 16 selectors. */
static void gen_limits(void)
{
	unsigned int i;
	size_t sk;

	start(IKE_CREATE_CHILD_SA, IKE_FLAG_INITIATOR, 8, true);
	sk = ike_sk_begin(&b, 0);
	memset(&sa, 0, sizeof(sa));
	sa.nproposals = IKE_MAX_PROPOSALS;
	for (i = 0; i < IKE_MAX_PROPOSALS; i++)
		sa.p[i] = (struct ike_proposal){ .num = i + 1, .protocol = IKE_PROTO_ESP,
			.spi_len = 4, .ntransforms = 1, .t = { { 1, 20, 128 } } };
	sa.p[0].ntransforms = IKE_MAX_TRANSFORMS;
	for (i = 0; i < IKE_MAX_TRANSFORMS; i++)
		sa.p[0].t[i] = (struct ike_transform){ 1 + i % 5, i, 0 };
	ike_add_sa(&b, &sa);
	ike_add_nonce(&b, pat, 16);
	memset(&ts, 0, sizeof(ts));
	ts.nts = IKE_MAX_TS;
	for (i = 0; i < IKE_MAX_TS; i++)
		ts.ts[i] = (struct ike_ts){ IKE_TS_IPV4_RANGE, 6, i, i, { 10, 0, 0, i },
					    { 10, 0, 0, i } };
	ike_add_ts(&b, IKE_PL_TSI, &ts);
	ike_add_ts(&b, IKE_PL_TSR, &ts);
	ike_sk_end(&b, sk);
	emit("limits_req", 0);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	gen_sa_init();
	gen_auth();
	gen_child_info();
	gen_limits();
	printf("gen_corpus: %u files in %s\n", nfiles, outdir);
	return 0;
}

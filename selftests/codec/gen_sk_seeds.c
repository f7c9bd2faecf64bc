// SPDX-License-Identifier: GPL-2.0
/*
 * Seeds for fuzz_sk: every input message whose SK payload holds a plaintext
 * inner chain (the builder-made seeds, IV length 0 or 16, and captured
 * exchanges decrypted by selftests/torture/capture.py) is re-encrypted with
 * the fixed keys of each suite.  Two files per suite: the sealed message
 * (mode 0, as the kernel receives it) and its unsealed form with padding
 * and Pad Length in place (mode 1, fuzz_sk seals it itself).
 *
 *	gen_sk_seeds <outdir> <file|dir>...
 */
#include <dirent.h>
#include <sys/stat.h>
#include "codec_util.h"
#include "sk_user.h"

#define SK_MODE_SEAL	4

static const char *outdir;
static unsigned int nseeds;

static void write_seed(const char *name, const char *suite, const char *tag, u8 sel,
		       const u8 *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%s%s.bin", outdir, name, suite, tag);
	f = fopen(path, "wb");
	if (!f || fputc(sel, f) == EOF || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
	nseeds++;
}

/* The message with the inner chain in its SK payload laid out for suite s. */
static size_t layout(enum sk_suite s, const struct ike_msg *m, const u8 *in,
		     const u8 *inner, size_t inner_len, u8 *out)
{
	const struct sk_params *p = sk_params(s);
	size_t sk_off = m->pl[m->sk_index].off, o, pad, i;

	memcpy(out, in, sk_off + IKE_GENERIC_HDR_LEN);
	o = sk_off + IKE_GENERIC_HDR_LEN;
	for (i = 0; i < p->iv_len; i++)
		out[o++] = (u8)(0x11 * i + 3);
	memcpy(out + o, inner, inner_len);
	o += inner_len;
	pad = (p->block - (inner_len + 1) % p->block) % p->block;
	memset(out + o, 0, pad);
	o += pad;
	out[o++] = pad;
	memset(out + o, 0, p->icv_len);
	o += p->icv_len;
	put_unaligned_be16(o - sk_off, out + sk_off + 2);
	put_unaligned_be32(o, out + 24);
	return o;
}

static void seeds_for(const char *name, const u8 *in, size_t len)
{
	static struct ike_msg m, inner;
	static u8 pt[IKE_MAX_MSG], ct[IKE_MAX_MSG];
	const struct ike_payload *sk;
	size_t skip, n, plain_len;
	const u8 *plain;
	int s;

	if (ike_parse_msg(in, len, &m) || m.sk_index < 0)
		return;
	sk = &m.pl[m.sk_index];
	for (skip = 0; skip <= 16; skip += 16)
		if (sk->len >= skip &&
		    !ike_parse_inner(sk->body + skip, sk->len - skip, m.sk_first_inner, &inner))
			break;
	if (skip > 16 || len + 64 > sizeof(pt))
		return;
	for (s = 0; s < SK_NSUITES; s++) {
		n = layout(s, &m, in, sk->body + skip, sk->len - skip, pt);
		memcpy(ct, pt, n);
		CODEC_ASSERT(!sk_seal(s, ct, n, sk->off));
		write_seed(name, sk_params(s)->name, "", s, ct, n);
		write_seed(name, sk_params(s)->name, "-pt", s | SK_MODE_SEAL, pt, n);
		/* What the kernel would do must give the chain back. */
		CODEC_ASSERT(!sk_open(s, ct, n, sk->off, &plain, &plain_len));
		CODEC_ASSERT(plain_len == sk->len - skip && !memcmp(plain, sk->body + skip, plain_len));
	}
}

static void seeds_file(const char *path)
{
	static u8 buf[IKE_MAX_MSG + 1];
	const char *base = strrchr(path, '/');
	char name[256];
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	snprintf(name, sizeof(name), "%s", base ? base + 1 : path);
	if (strlen(name) > 4 && !strcmp(name + strlen(name) - 4, ".bin"))
		name[strlen(name) - 4] = 0;
	seeds_for(name, buf, n);
}

static void seeds_path(const char *path)
{
	struct dirent *de;
	struct stat st;
	char sub[1024];
	DIR *d;

	if (stat(path, &st)) {
		perror(path);
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		seeds_file(path);
		return;
	}
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		seeds_path(sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: gen_sk_seeds OUTDIR FILE|DIR...\n");
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	for (i = 2; i < argc; i++)
		seeds_path(argv[i]);
	printf("gen_sk_seeds: %u seeds in %s\n", nseeds, outdir);
	return nseeds ? 0 : 1;
}

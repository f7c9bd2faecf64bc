// SPDX-License-Identifier: GPL-2.0
/*
 * Seeds for fuzz_isakmp_crypt from ISAKMP messages (the fuzz_isakmp_msg
 * seeds, captures): each message that parses gets its E flag set and its
 * body zero-padded to the cipher's block (a body flagged encrypted is taken
 * as the plaintext it holds), then for each cipher two seeds: the plaintext
 * behind the seal mode byte, and the message encrypted with the fixed key
 * and IV behind the as-received mode byte.
 *
 *	gen_isakmp_crypt_seeds <outdir> <file or dir>...
 */
#include <dirent.h>
#include <libgen.h>
#include <sys/stat.h>

#include "isakmp_util.h"
#include "v1_user.h"

#define MODE_SEAL	4

static const char *outdir;
static u8 in[ISAKMP_MAX_MSG + 1], msg[ISAKMP_MAX_MSG + 1 + V1U_MAX_BLOCK];
static unsigned int nfiles;

static void write_seed(const char *name, unsigned int s, const char *tag, u8 sel,
		       const u8 *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%u%s", outdir, name, s, tag);
	f = fopen(path, "wb");
	if (!f || fputc(sel, f) == EOF || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
	nfiles++;
}

/* The plaintext message for suite s in msg[1..]: E flag, padded body. */
static size_t plaintext(enum v1u_suite s, const u8 *p, size_t n)
{
	unsigned int block = v1u_block(s);
	size_t body = n - ISAKMP_HDR_LEN, pad;

	pad = body % block ? block - body % block : 0;
	if (!body)
		pad = block;
	if (n + pad > ISAKMP_MAX_MSG)
		return 0;
	memcpy(msg, p, n);
	memset(msg + n, 0, pad);
	msg[19] |= ISAKMP_FLAG_ENC;
	put_unaligned_be32(n + pad, msg + 24);
	return n + pad;
}

static void from_message(const char *name, const u8 *p, size_t n)
{
	static struct isakmp_msg m;
	unsigned int s;
	size_t len;

	if (isakmp_parse_msg(p, n, &m))
		return;
	for (s = 0; s < V1U_NSUITES; s++) {
		len = plaintext(s, p, n);
		if (!len)
			continue;
		write_seed(name, s, "-seal", MODE_SEAL | s, msg, len);
		if (v1u_seal(s, msg, len)) {
			fprintf(stderr, "%s: cannot seal\n", name);
			exit(1);
		}
		write_seed(name, s, "", s, msg, len);
	}
}

static void from_file(const char *path)
{
	char name[512], *dot;
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	n = fread(in, 1, sizeof(in), f);
	fclose(f);
	snprintf(name, sizeof(name), "%s", basename((char *)path));
	dot = strrchr(name, '.');
	if (dot)
		*dot = 0;
	if (n <= ISAKMP_MAX_MSG)
		from_message(name, in, n);
}

static void from_path(const char *path)
{
	char sub[1024];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		from_file(path);
		return;
	}
	d = opendir(path);
	if (!d) {
		perror(path);
		exit(1);
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		from_file(sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s OUTDIR FILE|DIR...\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	for (i = 2; i < argc; i++)
		from_path(argv[i]);
	printf("%u seeds in %s\n", nfiles, outdir);
	return 0;
}

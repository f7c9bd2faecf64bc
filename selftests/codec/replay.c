// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a fuzz target over files and directories without libFuzzer, so that
 * `make test` replays the seed corpus (and any saved crash) with gcc and
 * the sanitizers.  Each input is copied into an exact-size heap buffer.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static unsigned long nrun;

static int run_file(const char *path)
{
	unsigned char *buf;
	FILE *f = fopen(path, "rb");
	long size;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		return -1;
	}
	buf = malloc(size ? size : 1);
	if (!buf || fread(buf, 1, size, f) != (size_t)size) {
		perror(path);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, size);
	free(buf);
	nrun++;
	return 0;
}

static int run_path(const char *path)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int ret = 0;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		ret |= run_path(sub);
	}
	closedir(d);
	return ret;
}

int main(int argc, char **argv)
{
	int i, ret = 0;

	for (i = 1; i < argc; i++)
		ret |= run_path(argv[i]);
	printf("%s: %lu inputs replayed\n", argv[0], nrun);
	return ret ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oak import: the settings tree both readers fill.  import.c reads
 * swanctl.conf straight into it and translates it; import_ipsec.c reads an
 * ipsec.conf (and its ipsec.secrets) and builds the same tree as the
 * equivalent swanctl.conf would, each node keeping the ipsec.conf line and
 * key it came from, so that one translator serves both.
 */
#ifndef OAK_IMPORT_H
#define OAK_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

struct snode {
	char *name;
	char *value;		/* NULL for a section */
	const char *file;
	unsigned int line;
	bool used;
	char *label;		/* the key named in reports, when not the swanctl path */
	struct snode *kids, *last, *next;
};

struct importer {
	char **files;		/* names kept for the nodes' ->file */
	unsigned int nfiles;
	int depth;
	unsigned int notes;
	FILE *out;
	bool fatal;
};

/* "FILE:LINE: key 'PATH': ..." on stderr (the node's label, if set, for PATH) */
void imp_note(struct importer *im, const struct snode *n, const char *path,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
struct snode *imp_node_new(struct snode *parent, const char *name, size_t n, const char *file,
			   unsigned int line);
void imp_node_free(struct snode *s);
/* a copy of PATH that lives as long as the importer (for snode->file) */
const char *imp_keep_name(struct importer *im, const char *path);

/* import_ipsec.c */
bool ipsec_conf_sniff(const char *buf, size_t len);
int ipsec_conf_read(struct importer *im, struct snode *root, const char *path);

#endif /* OAK_IMPORT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-memory model of an oak configuration file, and its parser.
 * The same structures are filled by the netlink decoder (encode.c), so a
 * parsed file and a kernel dump print through one JSON routine.
 */
#ifndef OAK_CONFIG_H
#define OAK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/oakley.h>
#include "pem.h"

struct oak_transform {
	uint8_t type;
	uint16_t id;
	uint16_t keylen;
};

struct oak_proposal {
	unsigned int n;
	struct oak_transform t[OAKLEY_MAX_TRANSFORMS];
};

struct oak_proplist {
	unsigned int n;
	struct oak_proposal *p;
};

struct oak_ts {
	uint16_t family;
	uint8_t addr[16];
	uint8_t prefixlen;
	uint8_t proto;
	uint16_t port;
	/* SA dumps: the ranges as negotiated (OAKLEY_TS_A_END_ADDR, _START_PORT, _END_PORT) */
	bool has_range;		/* end is set; a prefix too if has_prefix */
	bool has_prefix;	/* prefixlen came in the dump */
	bool has_ports;		/* port .. port_end is the port range */
	uint8_t end[16];
	uint16_t port_end;
};

struct oak_tslist {
	unsigned int n;
	struct oak_ts ts[OAKLEY_MAX_TS];
};

struct oak_id {
	uint8_t type;
	uint16_t len;
	uint8_t data[OAKLEY_ID_MAX];
};

enum oak_conn_key {
	CK_VERSION, CK_LOCAL, CK_REMOTE, CK_LOCAL_ID, CK_REMOTE_ID, CK_AUTH,
	CK_SECRET, CK_IKE, CK_EXCHANGE, CK_START, CK_DPD, CK_DPD_ACTION,
	CK_IKE_REKEY, CK_IKE_LIFETIME, CK_REAUTH, CK_JITTER, CK_SHA256_96,
	CK_REMOTE_AUTH, CK_CERT, CK_KEY, CK_CA, CK_ENCAP, CK_NAT_KEEPALIVE, CK_MAX
};

enum oak_child_key {
	HK_LOCAL_TS, HK_REMOTE_TS, HK_ESP, HK_AH, HK_MODE, HK_START, HK_REKEY,
	HK_LIFETIME, HK_REKEY_BYTES, HK_LIFE_BYTES, HK_REKEY_PACKETS,
	HK_LIFE_PACKETS, HK_MAX
};

struct oak_child {
	char name[OAKLEY_NAME_MAX + 1];
	struct oak_tslist lts, rts;
	struct oak_proplist esp, ah;	/* ah.n > 0: AH instead of ESP */
	uint8_t mode, start;
	uint32_t rekey, lifetime;
	uint64_t rekey_bytes, life_bytes, rekey_packets, life_packets;
	/* where it came from (0 when decoded from netlink) */
	const char *file;
	unsigned int line;
	unsigned int key_line[HK_MAX];
};

struct oak_conn {
	char name[OAKLEY_NAME_MAX + 1];
	uint8_t version;
	uint16_t family;
	uint8_t laddr[16], raddr[16];
	bool remote_any;
	uint16_t lport, rport;
	struct oak_id lid, rid;
	uint8_t auth;
	uint8_t remote_auth;
	char secret[OAKLEY_NAME_MAX + 1];
	/* certificate authentication: DER, malloc'ed (oak_conn_free) */
	char key[OAKLEY_NAME_MAX + 1];	/* [key NAME] */
	unsigned int ncerts, ncas, ncrls;
	struct oak_blob certs[OAK_MAX_CERTS];	/* ours: leaf, then chain */
	struct oak_blob cas[OAK_MAX_CERTS];	/* trust anchors (from [ca] sections) */
	struct oak_blob crls[OAK_MAX_CERTS];
	unsigned int nca_names;			/* the ca key; 0: every [ca] */
	char ca_names[OAK_MAX_CERTS][OAKLEY_NAME_MAX + 1];
	struct oak_proplist ike;
	uint8_t exchange;		/* 0 = not sent (IKEv2) */
	uint8_t sha256_96;		/* 1: ESP HMAC-SHA2-256 ICV of 96 bits */
	uint8_t encap;			/* 1: UDP-encapsulate ESP without a NAT too */
	uint32_t nat_keepalive;		/* seconds, 0 = off */
	uint8_t start, dpd_action, jitter;
	uint32_t dpd, ike_rekey, ike_lifetime, reauth;
	unsigned int nchildren;
	struct oak_child *children;
	const char *file;
	unsigned int line;
	unsigned int key_line[CK_MAX];
};

struct oak_secret {
	char name[OAKLEY_NAME_MAX + 1];
	uint16_t len;
	uint8_t psk[OAKLEY_PSK_MAX];
	bool is_key;			/* a [key] section: rsa, not psk */
	struct oak_blob rsa;		/* PKCS#1 DER, wiped when freed */
	const char *file;
	unsigned int line;
};

enum oak_limits_key {
	LK_HALF_OPEN_COOKIE, LK_HALF_OPEN_MAX, LK_HALF_OPEN_BYTES, LK_INIT_RATE,
	LK_INIT_BURST, LK_MAX
};

/*
 * The [limits] section: the namespace's limits against IKE_SA_INIT floods.
 * A key not set (key_line 0) is not sent: the kernel takes its default.
 */
struct oak_limits {
	bool present;
	uint32_t half_open_cookie, half_open_max, init_rate, init_burst;
	uint64_t half_open_bytes;
	const char *file;
	unsigned int line;
	unsigned int key_line[LK_MAX];
};

/* [ca NAME]: a trust anchor and its optional CRL (DER) */
struct oak_ca {
	char name[OAKLEY_NAME_MAX + 1];
	struct oak_blob cert, crl;
	const char *file;
	unsigned int line;
	unsigned int key_line[2];	/* file, crl */
};

struct oak_config {
	unsigned int nconns, nsecrets, ncas;
	struct oak_ca *cas;
	struct oak_limits limits;
	struct oak_conn *conns;
	struct oak_secret *secrets;
	/* file names, kept alive for error messages */
	unsigned int nfiles;
	char **files;
};

/* Reads a whole file; returns 0 or -errno.  *buf is malloc'ed, NUL added. */
typedef int (*oak_read_fn)(const char *path, char **buf, size_t *len);

struct oak_parse_opts {
	oak_read_fn read;		/* NULL: read from the filesystem */
	bool allow_missing_secret;	/* `oak add`: the kernel may have it */
	bool no_include;		/* fuzzing: include is an error */
	/* warnings go here (one line each, no newline); NULL = stderr */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
};

/*
 * Parse FILE (or BUF of LEN bytes named FILE).  Returns 0, or -1 with a
 * message "FILE:LINE: key 'K': reason" in err.  cfg is always valid
 * afterwards and must be released with oak_config_free().
 */
int oak_config_parse_file(struct oak_config *cfg, const char *file,
			  const struct oak_parse_opts *opts, char *err, size_t errlen);
int oak_config_parse_buf(struct oak_config *cfg, const char *file, const char *buf,
			 size_t len, const struct oak_parse_opts *opts, char *err,
			 size_t errlen);
void oak_config_free(struct oak_config *cfg);
/*
 * `oak check`: one warning ("FILE:LINE: key 'ike': warning: ...") for each
 * ike, esp or ah key that names a legacy algorithm (3DES, SHA-1, MODP below
 * 2048 bits).
 */
void oak_config_warn_legacy(const struct oak_config *cfg,
			    void (*warn)(void *ctx, const char *msg), void *ctx);
void oak_conn_free(struct oak_conn *c);
void oak_proplist_free(struct oak_proplist *pl);

/*
 * Room for element N (0-based) of an array that grows by doubling: returns
 * the (possibly moved) array, or NULL with P untouched.
 */
void *oak_grow(void *p, unsigned int n, size_t size);

/* reads a whole file, NUL-terminated; 0 or -errno */
int oak_read_file(const char *path, char **buf, size_t *len);
/* S without leading and trailing white space (trailing cut in place) */
char *oak_trim(char *s);

/* value parsers, exposed for the tests; 0 or -1 */
int oak_parse_duration(const char *s, uint32_t *out);
int oak_parse_size(const char *s, uint64_t *out);
int oak_parse_addr(const char *s, uint16_t *family, uint8_t addr[16], uint16_t *port,
		   bool *has_port);
int oak_parse_id(const char *s, bool remote, struct oak_id *id, char *err, size_t errlen);
int oak_parse_ts(const char *s, struct oak_ts *ts, char *err, size_t errlen);
int oak_parse_psk(const char *s, bool quoted, uint8_t *out, uint16_t *len, char *err,
		  size_t errlen);

#define OAK_DEFAULT_IKE \
	"aes256gcm16-aes128gcm16-prfsha256-prfsha384-prfsha512-x25519-ecp256-modp2048, " \
	"aes256-aes128-sha256-sha384-sha512-x25519-ecp256-modp2048"
#define OAK_DEFAULT_ESP		"aes256gcm16, aes128-sha256"
#define OAK_DEFAULT_DPD		30
#define OAK_DEFAULT_NAT_KEEPALIVE	20
#define OAK_DEFAULT_IKE_REKEY	(4 * 3600)
#define OAK_DEFAULT_REKEY	3600
#define OAK_DEFAULT_JITTER	10
#define OAK_PORT		500

#endif

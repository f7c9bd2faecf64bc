// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for kernel/core/xfrm.c: /proc/oak_xfrm_glue takes one command
 * per write, runs it in the writer's network namespace and keeps a one-line
 * result for the next read.  A failing command makes write() fail with the
 * error the glue returned.
 *
 *   alloc    fam=4|6 local=A remote=B [proto=esp|ah] [reqid=N]
 *            -> "spi=0x%08x reqid=%u" (a new reqid when none is given)
 *   release  fam= local= spi= [proto=]
 *   install  | remove | remove_states | counters   PARAMS
 *   policies | unpolicies   PARAMS (trap policies only: no states, no SPIs)
 *   keylens  encr= keylen= integ=   -> "enc=%u auth=%u"
 *   supported encr= keylen= integ=  -> "1" or "0"
 *
 * PARAMS: fam= local= remote= proto= mode=tunnel|transport reqid=
 * spi_in= spi_out= (hex) encr= keylen= integ= esn=0|1 window=
 * ein= eout= ain= aout= (hex keys) hard_time= soft_time= hard_packets=
 * lts=ADDR/LEN|ADDR-ADDR rts=... (repeatable); lproto= lports=A-B and
 * rproto= rports=A-B apply to the TS given last on that side.
 */

#include <linux/ctype.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#include <linux/oakley.h>

#include "xfrm.h"

#define GT_KEY_MAX	128
#define GT_CMD_MAX	4096

struct gt_cmd {
	struct oak_child_params p;
	u8 ein[GT_KEY_MAX], eout[GT_KEY_MAX], ain[GT_KEY_MAX], aout[GT_KEY_MAX];
	char verb[16];
};

static DEFINE_MUTEX(gt_lock);
static char gt_result[256];

static int gt_addr(const char *s, u16 *family, xfrm_address_t *a)
{
	memset(a, 0, sizeof(*a));
	if (strchr(s, ':')) {
		if (!in6_pton(s, -1, (u8 *)a, '\0', NULL))
			return -EINVAL;
		*family = AF_INET6;
		return 0;
	}
	if (!in4_pton(s, -1, (u8 *)a, '\0', NULL))
		return -EINVAL;
	*family = AF_INET;
	return 0;
}

static int gt_hex(const char *s, u8 *buf, unsigned int *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > GT_KEY_MAX)
		return -EINVAL;
	*len = n / 2;
	return hex2bin(buf, s, n / 2);
}

static int gt_range16(const char *s, u16 *lo, u16 *hi)
{
	char buf[16];
	char *dash;

	if (strscpy(buf, s, sizeof(buf)) < 0)
		return -EINVAL;
	dash = strchr(buf, '-');
	if (!dash)
		return -EINVAL;
	*dash = '\0';
	if (kstrtou16(buf, 0, lo) || kstrtou16(dash + 1, 0, hi))
		return -EINVAL;
	return 0;
}

/* "A/LEN" or "A-B" into a TS with any protocol and port */
static int gt_ts(const char *s, struct oak_ts *ts)
{
	char buf[96];
	char *sep;
	unsigned int bytes, plen, i;
	u8 *st = (u8 *)&ts->start, *en = (u8 *)&ts->end;
	u16 fam2;

	memset(ts, 0, sizeof(*ts));
	ts->end_port = 0xffff;
	ts->prefixlen = 0xff;
	if (strscpy(buf, s, sizeof(buf)) < 0)
		return -EINVAL;
	sep = strpbrk(buf, "/-");
	if (!sep)
		return -EINVAL;
	if (*sep == '-') {
		*sep = '\0';
		if (gt_addr(buf, &ts->family, &ts->start) ||
		    gt_addr(sep + 1, &fam2, &ts->end) || fam2 != ts->family)
			return -EINVAL;
		return 0;
	}
	*sep = '\0';
	if (gt_addr(buf, &ts->family, &ts->start) || kstrtouint(sep + 1, 10, &plen))
		return -EINVAL;
	bytes = ts->family == AF_INET ? 4 : 16;
	if (plen > bytes * 8)
		return -EINVAL;
	ts->prefixlen = plen;
	for (i = 0; i < bytes; i++) {
		unsigned int b = plen > i * 8 ? min(plen - i * 8, 8U) : 0;
		u8 mask = b ? (u8)(0xff << (8 - b)) : 0;

		st[i] &= mask;
		en[i] = st[i] | (u8)~mask;
	}
	return 0;
}

static int gt_ts_opt(const char *key, const char *val, struct oak_child_params *p)
{
	bool local = key[0] == 'l';
	unsigned int n = local ? p->n_local_ts : p->n_remote_ts;
	struct oak_ts *ts = local ? p->local_ts : p->remote_ts;

	if (!strcmp(key + 1, "ts")) {
		if (n >= OAK_MAX_TS)
			return -E2BIG;
		if (local)
			p->n_local_ts++;
		else
			p->n_remote_ts++;
		return gt_ts(val, &ts[n]);
	}
	if (!n)
		return -EINVAL;
	if (!strcmp(key + 1, "proto"))
		return kstrtou8(val, 0, &ts[n - 1].proto);
	if (!strcmp(key + 1, "ports"))
		return gt_range16(val, &ts[n - 1].start_port, &ts[n - 1].end_port);
	return -EINVAL;
}

static int gt_spi(const char *val, __be32 *spi)
{
	u32 v;
	int err = kstrtou32(val, 16, &v);

	*spi = htonl(v);
	return err;
}

static int gt_opt_misc(struct gt_cmd *c, const char *key, const char *val)
{
	struct oak_child_params *p = &c->p;
	u16 fam;

	if (!strcmp(key, "local"))
		return gt_addr(val, &fam, &p->local);
	if (!strcmp(key, "remote"))
		return gt_addr(val, &fam, &p->remote);
	if (!strcmp(key, "proto")) {
		p->proto = !strcmp(val, "ah") ? IPPROTO_AH : IPPROTO_ESP;
		return 0;
	}
	if (!strcmp(key, "mode")) {
		p->mode = !strcmp(val, "transport") ? OAKLEY_MODE_TRANSPORT : OAKLEY_MODE_TUNNEL;
		return 0;
	}
	if (!strcmp(key, "spi_in"))
		return gt_spi(val, &p->spi_in);
	if (!strcmp(key, "spi_out") || !strcmp(key, "spi"))
		return gt_spi(val, &p->spi_out);
	if (!strcmp(key, "ein"))
		return gt_hex(val, c->ein, &p->in.enc_len);
	if (!strcmp(key, "eout"))
		return gt_hex(val, c->eout, &p->out.enc_len);
	if (!strcmp(key, "ain"))
		return gt_hex(val, c->ain, &p->in.auth_len);
	if (!strcmp(key, "aout"))
		return gt_hex(val, c->aout, &p->out.auth_len);
	if (strlen(key) > 2 && (key[0] == 'l' || key[0] == 'r'))
		return gt_ts_opt(key, val, p);
	return -EINVAL;
}

static int gt_opt(struct gt_cmd *c, const char *key, const char *val)
{
	struct oak_child_params *p = &c->p;
	u8 b;
	int err;

	if (!strcmp(key, "fam")) {
		p->family = !strcmp(val, "6") ? AF_INET6 : AF_INET;
		return 0;
	}
	if (!strcmp(key, "reqid"))
		return kstrtou32(val, 0, &p->reqid);
	if (!strcmp(key, "encr"))
		return kstrtou16(val, 0, &p->encr);
	if (!strcmp(key, "keylen"))
		return kstrtou16(val, 0, &p->encr_keylen);
	if (!strcmp(key, "integ"))
		return kstrtou16(val, 0, &p->integ);
	if (!strcmp(key, "window"))
		return kstrtou32(val, 0, &p->replay_window);
	if (!strcmp(key, "hard_time"))
		return kstrtou64(val, 0, &p->hard_time);
	if (!strcmp(key, "soft_time"))
		return kstrtou64(val, 0, &p->soft_time);
	if (!strcmp(key, "hard_packets"))
		return kstrtou64(val, 0, &p->hard_packets);
	if (!strcmp(key, "esn")) {
		err = kstrtou8(val, 0, &b);
		p->esn = b;
		return err;
	}
	return gt_opt_misc(c, key, val);
}

static int gt_parse(struct gt_cmd *c, char *line)
{
	char *tok, *eq;
	bool first = true;
	int err;

	c->p.net = current->nsproxy->net_ns;
	c->p.family = AF_INET;
	c->p.proto = IPPROTO_ESP;
	c->p.mode = OAKLEY_MODE_TUNNEL;
	c->p.in.enc = c->ein;
	c->p.out.enc = c->eout;
	c->p.in.auth = c->ain;
	c->p.out.auth = c->aout;
	while ((tok = strsep(&line, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (first) {
			strscpy(c->verb, tok, sizeof(c->verb));
			first = false;
			continue;
		}
		eq = strchr(tok, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		err = gt_opt(c, tok, eq + 1);
		if (err) {
			pr_info("oak_xfrm_glue_test: bad option %s\n", tok);
			return err;
		}
	}
	return first ? -EINVAL : 0;
}

static int gt_alloc(struct oak_child_params *p)
{
	__be32 spi;
	int err;

	if (!p->reqid)
		p->reqid = oak_xfrm_new_reqid(p->net);
	err = oak_xfrm_alloc_spi(p->net, p->family, &p->local, &p->remote, p->proto,
				 p->reqid, &spi);
	if (!err)
		snprintf(gt_result, sizeof(gt_result), "spi=0x%08x reqid=%u",
			 ntohl(spi), p->reqid);
	return err;
}

static int gt_counters(struct oak_child_params *p)
{
	struct oak_child_counters c;
	int err = oak_xfrm_counters(p, &c);

	if (!err)
		snprintf(gt_result, sizeof(gt_result),
			 "bytes_in=%llu packets_in=%llu bytes_out=%llu packets_out=%llu add_time=%llu",
			 c.bytes_in, c.packets_in, c.bytes_out, c.packets_out, c.add_time_in);
	return err;
}

static int gt_keylens(struct oak_child_params *p)
{
	unsigned int e, a;
	int err = oak_xfrm_key_lens(p->encr, p->encr_keylen, p->integ, &e, &a);

	if (!err)
		snprintf(gt_result, sizeof(gt_result), "enc=%u auth=%u", e, a);
	return err;
}

static int gt_run(struct gt_cmd *c)
{
	struct oak_child_params *p = &c->p;

	gt_result[0] = '\0';
	if (!strcmp(c->verb, "alloc"))
		return gt_alloc(p);
	if (!strcmp(c->verb, "release")) {
		oak_xfrm_release_spi(p->net, p->family, &p->local, p->proto, p->spi_out);
		return 0;
	}
	if (!strcmp(c->verb, "install"))
		return oak_xfrm_install(p);
	if (!strcmp(c->verb, "remove")) {
		oak_xfrm_remove(p);
		return 0;
	}
	if (!strcmp(c->verb, "remove_states")) {
		oak_xfrm_remove_states(p);
		return 0;
	}
	if (!strcmp(c->verb, "policies"))
		return oak_xfrm_policies_install(p);
	if (!strcmp(c->verb, "unpolicies")) {
		oak_xfrm_policies_remove(p);
		return 0;
	}
	if (!strcmp(c->verb, "counters"))
		return gt_counters(p);
	if (!strcmp(c->verb, "keylens"))
		return gt_keylens(p);
	if (!strcmp(c->verb, "supported")) {
		snprintf(gt_result, sizeof(gt_result), "%d",
			 oak_xfrm_esp_supported(p->encr, p->encr_keylen, p->integ));
		return 0;
	}
	return -EINVAL;
}

static ssize_t gt_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	struct gt_cmd *c;
	char *line;
	int err;

	if (len >= GT_CMD_MAX)
		return -E2BIG;
	line = memdup_user_nul(ubuf, len);
	if (IS_ERR(line))
		return PTR_ERR(line);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c) {
		kfree(line);
		return -ENOMEM;
	}
	mutex_lock(&gt_lock);
	err = gt_parse(c, line);
	if (!err)
		err = gt_run(c);
	mutex_unlock(&gt_lock);
	kfree_sensitive(c);
	kfree_sensitive(line);
	return err ? err : len;
}

static ssize_t gt_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	char buf[sizeof(gt_result) + 1];
	int n;

	mutex_lock(&gt_lock);
	n = scnprintf(buf, sizeof(buf), "%s\n", gt_result);
	mutex_unlock(&gt_lock);
	return simple_read_from_buffer(ubuf, len, off, buf, n);
}

static const struct proc_ops gt_ops = {
	.proc_write = gt_write,
	.proc_read = gt_read,
	.proc_lseek = default_llseek,
};

static struct proc_dir_entry *gt_entry;

static int __init gt_init(void)
{
	gt_entry = proc_create("oak_xfrm_glue", 0600, NULL, &gt_ops);
	return gt_entry ? 0 : -ENOMEM;
}

static void __exit gt_exit(void)
{
	proc_remove(gt_entry);
}

module_init(gt_init);
module_exit(gt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Oakley xfrm glue test driver (test only)");

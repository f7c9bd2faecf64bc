// SPDX-License-Identifier: GPL-2.0
/*
 * oak_dh_bench: the Diffie-Hellman bound of `make bench` (test only, never
 * part of oakley.ko).
 *
 * At load time it times "pairs" -- one key generation (new private value +
 * public value) followed by one shared-secret computation with a fixed peer
 * public value, which is what one side of an IKE_SA_INIT costs -- for:
 *
 *   x25519-lib  the curve25519 library (what kernel/crypto/dh.c uses)
 *   x25519      kpp "curve25519"
 *   ecp256      kpp "ecdh-nist-p256"
 *   modp2048    kpp "dh" with the RFC 3526 prime and a 256-bit exponent
 *               (the same exponent size as kernel/crypto/dh.c)
 *
 * each first on one thread and then with one bound thread per online CPU,
 * for ms= milliseconds per run.  One line per run goes to the kernel log:
 *
 *   oak_dh_bench: alg=x25519 threads=2 pairs=1234 us=3000000 pairs_per_s=411.333
 *
 * and "oak_dh_bench: done" at the end (or "oak_dh_bench: alg=X error=E").
 * The module stays loaded (rmmod it); it does nothing after init.
 */
#include <crypto/curve25519.h>
#include <crypto/dh.h>
#include <crypto/ecdh.h>
#include <crypto/kpp.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "dh_groups.h"

#define BENCH_MODP_EXP	64	/* most bytes of MODP exponent (kernel/crypto/dh.c) */
#define BENCH_BUF	1024	/* an encoded MODP 4096 key: p, g and the exponent */

static unsigned int ms = 3000;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "milliseconds per algorithm and thread count (default 3000)");

static char *algs = "x25519-lib,x25519,ecp256,modp2048,modp4096";
module_param(algs, charp, 0444);
MODULE_PARM_DESC(algs, "comma-separated list of algorithms to time");

enum bench_kind { BENCH_LIB25519, BENCH_KPP25519, BENCH_P256, BENCH_MODP };

struct bench_alg {
	const char *name;
	const char *kpp;
	enum bench_kind kind;
	unsigned int len;	/* public value and shared-secret buffer length */
};

static const struct bench_alg bench_algs[] = {
	{ "x25519-lib", NULL, BENCH_LIB25519, CURVE25519_KEY_SIZE },
	{ "x25519", "curve25519", BENCH_KPP25519, CURVE25519_KEY_SIZE },
	{ "ecp256", "ecdh-nist-p256", BENCH_P256, 64 },	/* x | y */
	{ "modp2048", "dh", BENCH_MODP, 256 },
	{ "modp4096", "dh", BENCH_MODP, 512 },	/* the stall phase's PFS load */
};

/* One timing thread's state. */
struct bench_run {
	const struct bench_alg *alg;
	struct completion done;
	struct crypto_kpp *tfm;
	struct kpp_request *req;
	struct crypto_wait wait;
	u8 *keybuf;		/* encoded secret for set_secret */
	unsigned int keylen;
	u8 *pub;		/* our public value */
	u8 *peer;		/* the fixed peer public value */
	u8 *ss;			/* shared secret */
	unsigned int outlen;
	u8 priv[CURVE25519_KEY_SIZE];
	u64 pairs;
	u64 ns;
	int err;
};

/* Encode a new secret into r->keybuf: random exponent / let the kernel pick. */
static int bench_new_secret(struct bench_run *r)
{
	static const u8 two = 2;
	u8 x[BENCH_MODP_EXP];
	unsigned int xlen;
	struct dh dp = {};
	struct ecdh ep = {};
	int err;

	switch (r->alg->kind) {
	case BENCH_MODP:
		/* Oakley's exponent sizes: 256 bits for MODP 2048, 512 for 4096 */
		xlen = r->alg->len == 512 ? 64 : 32;
		get_random_bytes(x, xlen);
		x[0] |= 0x80;
		dp.p = r->alg->len == 512 ? oak_modp4096_p : oak_modp2048_p;
		dp.p_size = r->alg->len;
		dp.g = &two;
		dp.g_size = 1;
		dp.key = x;
		dp.key_size = xlen;
		r->keylen = crypto_dh_key_len(&dp);
		err = r->keylen <= BENCH_BUF ?
			crypto_dh_encode_key(r->keybuf, r->keylen, &dp) : -EINVAL;
		memzero_explicit(x, sizeof(x));
		return err;
	case BENCH_P256:
		/* key_size 0: ecdh generates the private key itself */
		r->keylen = crypto_ecdh_key_len(&ep);
		return crypto_ecdh_encode_key(r->keybuf, r->keylen, &ep);
	default:
		/* curve25519 kpp: length 0 generates the secret */
		r->keylen = 0;
		return 0;
	}
}

static int bench_kpp_op(struct bench_run *r, bool derive)
{
	struct scatterlist src, dst;

	if (derive) {
		sg_init_one(&src, r->peer, r->outlen);
		sg_init_one(&dst, r->ss, r->outlen);
		kpp_request_set_input(r->req, &src, r->outlen);
		kpp_request_set_output(r->req, &dst, r->outlen);
		return crypto_wait_req(crypto_kpp_compute_shared_secret(r->req), &r->wait);
	}
	sg_init_one(&dst, r->pub, r->outlen);
	kpp_request_set_input(r->req, NULL, 0);
	kpp_request_set_output(r->req, &dst, r->outlen);
	return crypto_wait_req(crypto_kpp_generate_public_key(r->req), &r->wait);
}

/* One keygen (new secret + public value) and one derive. */
static int bench_pair(struct bench_run *r)
{
	int err;

	if (r->alg->kind == BENCH_LIB25519) {
		curve25519_generate_secret(r->priv);
		if (!curve25519_generate_public(r->pub, r->priv))
			return -EINVAL;
		return curve25519(r->ss, r->priv, r->peer) ? 0 : -EINVAL;
	}
	err = bench_new_secret(r);
	if (!err)
		err = crypto_kpp_set_secret(r->tfm, r->keybuf, r->keylen);
	if (!err)
		err = bench_kpp_op(r, false);
	if (!err)
		err = bench_kpp_op(r, true);
	return err;
}

static void bench_free(struct bench_run *r)
{
	if (r->req)
		kpp_request_free(r->req);
	if (r->tfm)
		crypto_free_kpp(r->tfm);
	kfree_sensitive(r->keybuf);
	kfree_sensitive(r->pub);
	kfree(r->peer);
	kfree_sensitive(r->ss);
	memzero_explicit(r->priv, sizeof(r->priv));
}

/* The peer's public value: one keygen whose output is kept as r->peer. */
static int bench_make_peer(struct bench_run *r)
{
	int err;

	if (r->alg->kind == BENCH_LIB25519) {
		curve25519_generate_secret(r->priv);
		return curve25519_generate_public(r->peer, r->priv) ? 0 : -EINVAL;
	}
	err = bench_new_secret(r);
	if (!err)
		err = crypto_kpp_set_secret(r->tfm, r->keybuf, r->keylen);
	if (!err)
		err = bench_kpp_op(r, false);
	if (!err)
		memcpy(r->peer, r->pub, r->outlen);
	return err;
}

static int bench_setup(struct bench_run *r)
{
	/* not crypto_kpp_maxsize(): "dh" oopses on it before set_secret */
	r->outlen = r->alg->len;
	if (r->alg->kpp) {
		r->tfm = crypto_alloc_kpp(r->alg->kpp, 0, 0);
		if (IS_ERR(r->tfm)) {
			int err = PTR_ERR(r->tfm);

			r->tfm = NULL;
			return err;
		}
		r->req = kpp_request_alloc(r->tfm, GFP_KERNEL);
		if (!r->req)
			return -ENOMEM;
		crypto_init_wait(&r->wait);
		kpp_request_set_callback(r->req, CRYPTO_TFM_REQ_MAY_BACKLOG |
					 CRYPTO_TFM_REQ_MAY_SLEEP, crypto_req_done, &r->wait);
	}
	r->keybuf = kzalloc(BENCH_BUF, GFP_KERNEL);
	r->pub = kzalloc(BENCH_BUF, GFP_KERNEL);
	r->peer = kzalloc(BENCH_BUF, GFP_KERNEL);
	r->ss = kzalloc(BENCH_BUF, GFP_KERNEL);
	if (!r->keybuf || !r->pub || !r->peer || !r->ss)
		return -ENOMEM;
	return bench_make_peer(r);
}

static int bench_thread(void *arg)
{
	struct bench_run *r = arg;
	u64 t0, end;

	r->err = bench_setup(r);
	t0 = ktime_get_ns();
	end = t0 + (u64)ms * NSEC_PER_MSEC;
	while (!r->err) {
		r->err = bench_pair(r);
		if (r->err)
			break;
		r->pairs++;
		r->ns = ktime_get_ns() - t0;
		if (t0 + r->ns >= end)
			break;
		cond_resched();
	}
	bench_free(r);
	complete(&r->done);
	return 0;
}

/* Time ALG on NR threads (bound to the first NR online CPUs); print one line. */
static int bench_alg_run(const struct bench_alg *alg, unsigned int nr)
{
	struct bench_run *runs;
	struct task_struct *t;
	unsigned int i = 0, started = 0, cpu;
	u64 pairs = 0, rate_milli = 0, us = 0;
	int err = 0;

	runs = kcalloc(nr, sizeof(*runs), GFP_KERNEL);
	if (!runs)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		if (i == nr)
			break;
		runs[i].alg = alg;
		init_completion(&runs[i].done);
		t = kthread_create(bench_thread, &runs[i], "oak_dh_bench/%u", cpu);
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			break;
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
		started++;
		i++;
	}
	for (i = 0; i < started; i++) {
		wait_for_completion(&runs[i].done);
		if (runs[i].err && !err)
			err = runs[i].err;
		pairs += runs[i].pairs;
		us = max_t(u64, us, div_u64(runs[i].ns, NSEC_PER_USEC));
		if (runs[i].ns)
			rate_milli += div64_u64(runs[i].pairs * NSEC_PER_SEC * 1000, runs[i].ns);
	}
	kfree(runs);
	if (err || started < nr) {
		pr_info("oak_dh_bench: alg=%s threads=%u error=%d\n", alg->name, nr, err);
		return err ? err : -EAGAIN;
	}
	pr_info("oak_dh_bench: alg=%s threads=%u pairs=%llu us=%llu pairs_per_s=%llu.%03llu\n",
		alg->name, nr, pairs, us, div_u64(rate_milli, 1000), rate_milli % 1000);
	return 0;
}

static bool bench_wanted(const char *name)
{
	size_t n = strlen(name);
	const char *p = algs;

	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static int __init oak_dh_bench_init(void)
{
	unsigned int i, ncpu = num_online_cpus();

	if (!ms || ms > 60000)
		return -EINVAL;
	pr_info("oak_dh_bench: start ms=%u cpus=%u\n", ms, ncpu);
	for (i = 0; i < ARRAY_SIZE(bench_algs); i++) {
		if (!bench_wanted(bench_algs[i].name))
			continue;
		if (bench_alg_run(&bench_algs[i], 1))
			continue;
		if (ncpu > 1)
			bench_alg_run(&bench_algs[i], ncpu);
	}
	pr_info("oak_dh_bench: done\n");
	return 0;
}

static void __exit oak_dh_bench_exit(void)
{
}

module_init(oak_dh_bench_init);
module_exit(oak_dh_bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Oakley test-only Diffie-Hellman benchmark (make bench)");

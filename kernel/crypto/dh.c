// SPDX-License-Identifier: GPL-2.0
/*
 * Diffie-Hellman for IKE: MODP 5/14/15/16 (RFC 3526) through the kpp "dh"
 * algorithm with p and g passed in, MODP 2 (RFC 2409 §6.2) with the MPI
 * library (the kernel's "dh" refuses primes below 1536 bits), ECP 19/20
 * (RFC 5903) through "ecdh-nist-p256"/"ecdh-nist-p384", and Curve25519
 * (RFC 8031) through the curve25519 library.
 *
 * Wire formats (what oak_dh_public() returns and oak_dh_compute() takes):
 * MODP: y, big-endian, zero-padded to the length of p; shared secret the
 * same length.  ECP: x | y, big-endian, no 0x04 prefix (RFC 5903 §7), which
 * is also the kernel's ecdh public-key format; the shared secret is x.
 * Curve25519: the 32-byte little-endian u-coordinate (RFC 7748).
 *
 * Every oak_dh holds its own kpp transform, because a transform holds one
 * private key.  Allocating one per exchange costs a few microseconds next to
 * a modular exponentiation; a per-CPU pool can come later if it shows up.
 */
#include <crypto/curve25519.h>
#include <crypto/dh.h>
#include <crypto/ecdh.h>
#include <crypto/kpp.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/fips.h>
#include <linux/mpi.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dh_groups.h"
#include "internal.h"

/* OAK_DH_MODP_MPI: a MODP group computed here, for primes the kpp refuses. */
enum oak_dh_kind { OAK_DH_MODP, OAK_DH_MODP_MPI, OAK_DH_ECP, OAK_DH_X25519 };

struct oak_dh_group {
	u16 id;
	u8 kind;
	u16 pub_len;
	u16 priv_len;		/* MODP: bytes of random exponent */
	const u8 *p;		/* MODP prime */
	const char *kpp;	/* kpp algorithm name */
};

/*
 * MODP exponents: twice the group's strength estimate (RFC 3526 §8), the
 * usual short-exponent choice for safe primes; 256 bits for the 1024- and
 * 1536-bit groups, more than twice theirs.
 */
static const struct oak_dh_group oak_dh_groups[] = {
	{ IKE_DH_MODP1024, OAK_DH_MODP_MPI, 128, 32, oak_modp1024_p, NULL },
	{ IKE_DH_MODP1536, OAK_DH_MODP, 192, 32, oak_modp1536_p, "dh" },
	{ IKE_DH_MODP2048, OAK_DH_MODP, 256, 32, oak_modp2048_p, "dh" },
	{ IKE_DH_MODP3072, OAK_DH_MODP, 384, 48, oak_modp3072_p, "dh" },
	{ IKE_DH_MODP4096, OAK_DH_MODP, 512, 64, oak_modp4096_p, "dh" },
	{ IKE_DH_ECP256, OAK_DH_ECP, 64, 32, NULL, "ecdh-nist-p256" },
	{ IKE_DH_ECP384, OAK_DH_ECP, 96, 48, NULL, "ecdh-nist-p384" },
	{ IKE_DH_CURVE25519, OAK_DH_X25519, CURVE25519_KEY_SIZE, CURVE25519_KEY_SIZE,
	  NULL, NULL },
};

struct oak_dh {
	const struct oak_dh_group *grp;
	struct crypto_kpp *kpp;
	MPI x;				/* OAK_DH_MODP_MPI: the private exponent */
	u8 x25519_priv[CURVE25519_KEY_SIZE];
	u8 pub[IKE_DH_MAX_PUB];		/* heap memory: usable in a scatterlist */
};

static const struct oak_dh_group *oak_dh_find(u16 group)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(oak_dh_groups); i++)
		if (oak_dh_groups[i].id == group)
			return &oak_dh_groups[i];
	return NULL;
}

bool oak_dh_supported(u16 group)
{
	return oak_dh_find(group);
}

unsigned int oak_dh_pub_len(u16 group)
{
	const struct oak_dh_group *grp = oak_dh_find(group);

	return grp ? grp->pub_len : 0;
}

u16 oak_dh_group(const struct oak_dh *dh)
{
	return dh->grp->id;
}

const u8 *oak_dh_public(const struct oak_dh *dh)
{
	return dh->pub;
}

/* One kpp operation, waited for.  src NULL: generate the public value. */
static int oak_kpp_run(struct crypto_kpp *tfm, const u8 *src, unsigned int src_len,
		       u8 *dst, unsigned int dst_len)
{
	struct scatterlist ssg, dsg;
	struct kpp_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	req = kpp_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	kpp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				 crypto_req_done, &wait);
	sg_init_one(&dsg, dst, dst_len);
	kpp_request_set_output(req, &dsg, dst_len);
	if (src) {
		sg_init_one(&ssg, src, src_len);
		kpp_request_set_input(req, &ssg, src_len);
		err = crypto_wait_req(crypto_kpp_compute_shared_secret(req), &wait);
	} else {
		kpp_request_set_input(req, NULL, 0);
		err = crypto_wait_req(crypto_kpp_generate_public_key(req), &wait);
	}
	kpp_request_free(req);
	return err;
}

/* The MODP exponent into x: the given one, or a fresh random one. */
static int oak_modp_exponent(const struct oak_dh_group *grp, const u8 *priv, size_t *priv_len,
			     u8 *x)
{
	if (priv) {
		if (!*priv_len || *priv_len > grp->pub_len)
			return -EINVAL;
		memcpy(x, priv, *priv_len);
	} else {
		*priv_len = grp->priv_len;
		get_random_bytes(x, *priv_len);
		x[0] |= 0x80;	/* full length, never 0 or 1 */
	}
	return 0;
}

static int oak_modp_set_secret(struct oak_dh *dh, const u8 *priv, size_t priv_len)
{
	static const u8 two = 2;
	struct dh params = {
		.p = dh->grp->p,
		.p_size = dh->grp->pub_len,
		.g = &two,
		.g_size = 1,
	};
	u8 x[IKE_DH_MAX_PUB];
	unsigned int len;
	u8 *buf;
	int err;

	err = oak_modp_exponent(dh->grp, priv, &priv_len, x);
	if (err)
		return err;
	params.key = x;
	params.key_size = priv_len;

	len = crypto_dh_key_len(&params);
	buf = kmalloc(len, GFP_KERNEL);
	err = buf ? crypto_dh_encode_key(buf, len, &params) : -ENOMEM;
	if (!err)
		err = crypto_kpp_set_secret(dh->kpp, buf, len);
	oak_free_secret(buf, len);
	oak_wipe(x, sizeof(x));
	return err;
}

/* The kernel checks a given key against the order; retry the rare random miss. */
static int oak_ecp_set_secret(struct oak_dh *dh, const u8 *priv, size_t priv_len)
{
	struct ecdh params = {};
	u8 d[48];
	unsigned int len = crypto_ecdh_key_len(&params) + dh->grp->priv_len;
	int tries = priv ? 1 : 8;
	u8 *buf;
	int err;

	if (priv && priv_len != dh->grp->priv_len)
		return -EINVAL;
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	do {
		if (priv)
			memcpy(d, priv, priv_len);
		else
			get_random_bytes(d, dh->grp->priv_len);
		params.key = d;
		params.key_size = dh->grp->priv_len;
		err = crypto_ecdh_encode_key(buf, len, &params);
		if (!err)
			err = crypto_kpp_set_secret(dh->kpp, buf, len);
	} while (err == -EINVAL && --tries);
	oak_free_secret(buf, len);
	oak_wipe(d, sizeof(d));
	return err;
}

static int oak_kpp_setup(struct oak_dh *dh, const u8 *priv, size_t priv_len)
{
	int err;

	dh->kpp = crypto_alloc_kpp(dh->grp->kpp, 0, 0);
	if (IS_ERR(dh->kpp)) {
		err = PTR_ERR(dh->kpp);
		dh->kpp = NULL;
		return err;
	}
	if (dh->grp->kind == OAK_DH_MODP)
		err = oak_modp_set_secret(dh, priv, priv_len);
	else
		err = oak_ecp_set_secret(dh, priv, priv_len);
	if (err)
		return err;
	return oak_kpp_run(dh->kpp, NULL, 0, dh->pub, dh->grp->pub_len);
}

static int oak_x25519_setup(struct oak_dh *dh, const u8 *priv, size_t priv_len)
{
	if (priv) {
		if (priv_len != CURVE25519_KEY_SIZE)
			return -EINVAL;
		memcpy(dh->x25519_priv, priv, priv_len);
	} else {
		curve25519_generate_secret(dh->x25519_priv);
	}
	if (!curve25519_generate_public(dh->pub, dh->x25519_priv))
		return -EINVAL;
	return 0;
}

/* p - 1 for an odd p: the same bytes with the last one decremented. */
static bool oak_modp_is_p_minus_1(const struct oak_dh_group *grp, const u8 *y)
{
	unsigned int n = grp->pub_len;

	return !memcmp(y, grp->p, n - 1) && y[n - 1] == grp->p[n - 1] - 1;
}

/* 1 < y < p - 1: what the kpp checks, and p - 1. */
static bool oak_modp_peer_ok(const struct oak_dh_group *grp, const u8 *y)
{
	unsigned int n = grp->pub_len;

	if (!memchr_inv(y, 0, n - 1))
		return y[n - 1] > 1;
	return memcmp(y, grp->p, n) < 0 && !oak_modp_is_p_minus_1(grp, y);
}

/* out = base^e mod p, big-endian, left-padded to the length of p. */
static int oak_mpi_powm_be(const struct oak_dh_group *grp, MPI base, MPI e, u8 *out)
{
	MPI p = mpi_read_raw_data(grp->p, grp->pub_len);
	MPI r = mpi_alloc(0);
	unsigned int n;
	int err = -ENOMEM;

	if (p && r)
		err = mpi_powm(r, base, e, p);
	if (!err)
		err = mpi_read_buffer(r, out, grp->pub_len, &n, NULL);
	if (!err) {
		memmove(out + grp->pub_len - n, out, n);
		memset(out, 0, grp->pub_len - n);
	}
	mpi_free(r);	/* the limbs go with kfree_sensitive() */
	mpi_free(p);
	return err;
}

static int oak_mpi_setup(struct oak_dh *dh, const u8 *priv, size_t priv_len)
{
	static const u8 two = 2;
	u8 x[IKE_DH_MAX_PUB];
	MPI g;
	int err;

	/* below the 2048 bits FIPS allows, as the kpp "dh" decides too */
	if (fips_enabled)
		return -EINVAL;
	err = oak_modp_exponent(dh->grp, priv, &priv_len, x);
	if (err)
		return err;
	dh->x = mpi_read_raw_data(x, priv_len);
	oak_wipe(x, sizeof(x));
	g = mpi_read_raw_data(&two, 1);
	err = dh->x && g ? oak_mpi_powm_be(dh->grp, g, dh->x, dh->pub) : -ENOMEM;
	mpi_free(g);
	return err;
}

static int oak_dh_compute_mpi(struct oak_dh *dh, const u8 *peer, u8 *shared,
			      size_t *shared_len)
{
	MPI y;
	int err;

	if (!oak_modp_peer_ok(dh->grp, peer))
		return -EINVAL;
	y = mpi_read_raw_data(peer, dh->grp->pub_len);
	if (!y)
		return -ENOMEM;
	err = oak_mpi_powm_be(dh->grp, y, dh->x, shared);
	mpi_free(y);
	if (!err)
		*shared_len = dh->grp->pub_len;
	return err;
}

/* Groups whose kpp was allocated once (bit = index in oak_dh_groups). */
static unsigned long oak_dh_warmed;
static DEFINE_MUTEX(oak_dh_warm_lock);

int oak_dh_warm(u16 group)
{
	const struct oak_dh_group *grp = oak_dh_find(group);
	struct crypto_kpp *tfm;
	unsigned int bit;
	int err = 0;

	if (!grp)
		return -EOPNOTSUPP;
	bit = grp - oak_dh_groups;
	/* Curve25519 and MPI are libraries: linked in when the module was loaded. */
	if (!grp->kpp || test_bit(bit, &oak_dh_warmed))
		return 0;
	mutex_lock(&oak_dh_warm_lock);
	if (!test_bit(bit, &oak_dh_warmed)) {
		tfm = crypto_alloc_kpp(grp->kpp, 0, 0);
		if (IS_ERR(tfm))
			err = PTR_ERR(tfm);
		else
			crypto_free_kpp(tfm);
		set_bit(bit, &oak_dh_warmed);	/* tried: a failure stays one */
	}
	mutex_unlock(&oak_dh_warm_lock);
	return err;
}

struct oak_dh *oak_dh_new_priv(u16 group, const u8 *priv, size_t priv_len)
{
	const struct oak_dh_group *grp = oak_dh_find(group);
	struct oak_dh *dh;
	int err;

	if (!grp)
		return NULL;
	dh = kzalloc(sizeof(*dh), GFP_KERNEL);
	if (!dh)
		return NULL;
	dh->grp = grp;
	if (grp->kind == OAK_DH_X25519)
		err = oak_x25519_setup(dh, priv, priv_len);
	else if (grp->kind == OAK_DH_MODP_MPI)
		err = oak_mpi_setup(dh, priv, priv_len);
	else
		err = oak_kpp_setup(dh, priv, priv_len);
	if (err) {
		oak_dh_free(dh);
		return NULL;
	}
	return dh;
}

struct oak_dh *oak_dh_new(u16 group)
{
	return oak_dh_new_priv(group, NULL, 0);
}

static int oak_dh_compute_kpp(struct oak_dh *dh, const u8 *peer, u8 *shared,
			      size_t *shared_len)
{
	unsigned int out_len = dh->grp->kind == OAK_DH_MODP ? dh->grp->pub_len :
							   dh->grp->pub_len / 2;
	u8 *in, *out;
	int err;

	/* The kernel rejects y <= 1 and y >= p; p - 1 is ours to catch. */
	if (dh->grp->kind == OAK_DH_MODP && oak_modp_is_p_minus_1(dh->grp, peer))
		return -EINVAL;

	in = kmemdup(peer, dh->grp->pub_len, GFP_KERNEL);
	out = kmalloc(out_len, GFP_KERNEL);
	err = in && out ? 0 : -ENOMEM;
	if (!err)
		err = oak_kpp_run(dh->kpp, in, dh->grp->pub_len, out, out_len);
	if (!err) {
		memcpy(shared, out, out_len);
		*shared_len = out_len;
	} else if (err != -ENOMEM) {
		err = -EINVAL;	/* not on the curve, out of range, zero product */
	}
	kfree(in);
	oak_free_secret(out, out_len);
	return err;
}

int oak_dh_compute(struct oak_dh *dh, const u8 *peer, size_t peer_len,
		   u8 *shared, size_t *shared_len)
{
	if (peer_len != dh->grp->pub_len)
		return -EINVAL;
	if (dh->grp->kind == OAK_DH_MODP_MPI)
		return oak_dh_compute_mpi(dh, peer, shared, shared_len);
	if (dh->grp->kind != OAK_DH_X25519)
		return oak_dh_compute_kpp(dh, peer, shared, shared_len);

	/* curve25519() is false for the all-zero result (a low-order point). */
	if (!curve25519(shared, dh->x25519_priv, peer)) {
		memzero_explicit(shared, CURVE25519_KEY_SIZE);
		return -EINVAL;
	}
	*shared_len = CURVE25519_KEY_SIZE;
	return 0;
}

void oak_dh_free(struct oak_dh *dh)
{
	if (!dh)
		return;
	crypto_free_kpp(dh->kpp);	/* the tfm's exit wipes its key */
	mpi_free(dh->x);		/* kfree_sensitive() of its limbs */
	oak_free_secret(dh, sizeof(*dh));	/* the X25519 scalar */
}

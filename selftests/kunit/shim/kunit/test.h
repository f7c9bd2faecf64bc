/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small stand-in for <kunit/test.h>: it lets a KUnit suite that uses only
 * the macros below run as a plain module on a kernel built without
 * CONFIG_KUNIT (Debian's), so that the suite also meets the real kernel's
 * algorithm drivers (AES-NI, the x86-64 Curve25519, async transforms).
 * selftests/kunit/vm_crypto.sh puts this directory first on the include path.
 *
 * Each case runs in its own kthread; a failed ASSERT ends that thread.  The
 * results are printed as KTAP to the kernel log.
 */
#ifndef _KUNIT_TEST_H
#define _KUNIT_TEST_H

#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>

#define KUNIT_SHIM_MAX_ALLOCS	64

struct kunit {
	const char *name;
	void (*run)(struct kunit *test);
	int failed;
	struct completion done;
	unsigned int nallocs;
	void *allocs[KUNIT_SHIM_MAX_ALLOCS];
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

#define KUNIT_CASE(fn) { .run_case = fn, .name = #fn }

struct kunit_suite {
	const char *name;
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	struct kunit_case *test_cases;
};

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	void *p = kzalloc(size, gfp);

	if (p && test->nallocs < KUNIT_SHIM_MAX_ALLOCS)
		test->allocs[test->nallocs++] = p;
	return p;
}

static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kzalloc(test, size, gfp);
}

#define kunit_info(test, fmt, ...) \
	pr_info("    # %s: " fmt, (test)->name, ##__VA_ARGS__)

#define KUNIT_FAIL(test, fmt, ...) do {						\
	(test)->failed = 1;							\
	pr_err("    # %s: FAILED at %s:%d: " fmt "\n", (test)->name, __FILE__,	\
	       __LINE__, ##__VA_ARGS__);					\
} while (0)

#define KUNIT_SHIM_END(test, assert) do {					\
	if (assert)								\
		kthread_complete_and_exit(&(test)->done, 1);			\
} while (0)

#define KUNIT_SHIM_TRUE(test, cond, assert, fmt, ...) do {			\
	if (!(cond)) {								\
		KUNIT_FAIL(test, "%s " fmt, #cond, ##__VA_ARGS__);		\
		KUNIT_SHIM_END(test, assert);					\
	}									\
} while (0)

#define KUNIT_SHIM_CMP(test, a, op, b, assert, fmt, ...) do {			\
	typeof(a) __a = (a);							\
	typeof(b) __b = (b);							\
	if (!(__a op __b)) {							\
		KUNIT_FAIL(test, "%s %s %s (%lld, %lld) " fmt, #a, #op, #b,	\
			   (long long)__a, (long long)__b, ##__VA_ARGS__);	\
		KUNIT_SHIM_END(test, assert);					\
	}									\
} while (0)

#define KUNIT_EXPECT_EQ(t, a, b)	KUNIT_SHIM_CMP(t, a, ==, b, 0, "")
#define KUNIT_EXPECT_NE(t, a, b)	KUNIT_SHIM_CMP(t, a, !=, b, 0, "")
#define KUNIT_EXPECT_LE(t, a, b)	KUNIT_SHIM_CMP(t, a, <=, b, 0, "")
#define KUNIT_ASSERT_EQ(t, a, b)	KUNIT_SHIM_CMP(t, a, ==, b, 1, "")
#define KUNIT_EXPECT_EQ_MSG(t, a, b, fmt, ...) \
	KUNIT_SHIM_CMP(t, a, ==, b, 0, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE(t, c)		KUNIT_SHIM_TRUE(t, c, 0, "")
#define KUNIT_EXPECT_FALSE(t, c)	KUNIT_SHIM_TRUE(t, !(c), 0, "")
#define KUNIT_ASSERT_FALSE(t, c)	KUNIT_SHIM_TRUE(t, !(c), 1, "")
#define KUNIT_EXPECT_NULL(t, p)		KUNIT_SHIM_TRUE(t, !(p), 0, "")
#define KUNIT_EXPECT_NOT_NULL(t, p)	KUNIT_SHIM_TRUE(t, (p), 0, "")
#define KUNIT_ASSERT_NOT_NULL(t, p)	KUNIT_SHIM_TRUE(t, (p), 1, "")
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) KUNIT_SHIM_TRUE(t, !IS_ERR_OR_NULL(p), 1, "")
#define KUNIT_EXPECT_GT(t, a, b)	KUNIT_SHIM_CMP(t, a, >, b, 0, "")

static int kunit_shim_thread(void *data)
{
	struct kunit *test = data;

	test->run(test);
	kthread_complete_and_exit(&test->done, 0);
}

static int kunit_shim_case(struct kunit_case *c, unsigned int n)
{
	struct kunit *test = kzalloc(sizeof(*test), GFP_KERNEL);
	struct task_struct *task;
	int failed;

	if (!test)
		return 1;
	test->name = c->name;
	test->run = c->run_case;
	init_completion(&test->done);
	task = kthread_run(kunit_shim_thread, test, "kunit_shim");
	if (IS_ERR(task))
		test->failed = 1;
	else
		wait_for_completion(&test->done);
	while (test->nallocs)
		kfree(test->allocs[--test->nallocs]);
	failed = test->failed;
	pr_info("    %sok %u %s\n", failed ? "not " : "", n, c->name);
	kfree(test);
	return failed;
}

static int kunit_shim_suite(struct kunit_suite *s)
{
	unsigned int n = 0, i, failed = 0;

	while (s->test_cases[n].run_case)
		n++;
	pr_info("KTAP version 1\n");
	pr_info("1..1\n");
	pr_info("    # Subtest: %s\n", s->name);
	pr_info("    1..%u\n", n);
	if (s->suite_init && s->suite_init(s)) {
		pr_info("not ok 1 %s # suite_init failed\n", s->name);
		return 0;
	}
	for (i = 0; i < n; i++)
		failed += kunit_shim_case(&s->test_cases[i], i + 1);
	if (s->suite_exit)
		s->suite_exit(s);
	pr_info("# %s: pass:%u fail:%u total:%u\n", s->name, n - failed, failed, n);
	pr_info("%sok 1 %s\n", failed ? "not " : "", s->name);
	return 0;
}

#define kunit_test_suite(suite)							\
	static int __init kunit_shim_init(void)					\
	{									\
		return kunit_shim_suite(&(suite));				\
	}									\
	static void __exit kunit_shim_exit(void) {}				\
	module_init(kunit_shim_init);						\
	module_exit(kunit_shim_exit);						\
	MODULE_LICENSE("GPL")

#endif /* _KUNIT_TEST_H */

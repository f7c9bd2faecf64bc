// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "oakley_durations": the configuration's durations (u32
 * seconds) become timer delays without losing any part of them
 * (kernel/core/duration.h, used by kernel/core/timers.c for IKE rekey,
 * reauth, hard lifetime and DPD).
 */
#include <kunit/test.h>

#include "../core/duration.h"

#define DAY		86400U
#define SIXTY_DAYS	(60 * DAY)

static u64 dur_exact(u32 secs)
{
	return (u64)secs * HZ;
}

/* A 60-day ike-rekey is 60 days, not 60 days modulo 2^32 milliseconds. */
static void dur_test_sixty_days(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, (u64)oak_secs_to_jiffies(SIXTY_DAYS), dur_exact(SIXTY_DAYS));
	KUNIT_EXPECT_EQ(test, (u64)oak_secs_less_pct(SIXTY_DAYS, 0), dur_exact(SIXTY_DAYS));
	/* the largest jitter takes 10 % off: 54 days */
	KUNIT_EXPECT_EQ(test, (u64)oak_secs_less_pct(SIXTY_DAYS, 10), dur_exact(54 * DAY));
	KUNIT_EXPECT_EQ(test, (u64)oak_secs_less_pct(SIXTY_DAYS, 100), 0ULL);
}

/* Every u32 of seconds converts exactly where unsigned long has 64 bits. */
static void dur_test_u32_max(struct kunit *test)
{
	static const u32 secs[] = { 0, 1, 49 * DAY, 50 * DAY, 200 * DAY, 3650 * DAY, U32_MAX };
	unsigned int i;

	if (BITS_PER_LONG < 64)
		kunit_skip(test, "a 32-bit kernel's timers cannot wait that long");
	for (i = 0; i < ARRAY_SIZE(secs); i++) {
		KUNIT_EXPECT_EQ_MSG(test, (u64)oak_secs_to_jiffies(secs[i]), dur_exact(secs[i]),
				    "%u s", secs[i]);
		KUNIT_EXPECT_EQ_MSG(test, (u64)oak_secs_less_pct(secs[i], 0), dur_exact(secs[i]),
				    "%u s", secs[i]);
		KUNIT_EXPECT_EQ_MSG(test, (u64)oak_secs_less_pct(secs[i], 50),
				    dur_exact(secs[i]) - dur_exact(secs[i]) / 2, "%u s", secs[i]);
	}
}

/* A jitter above 100 % (refused at load) still never goes below zero. */
static void dur_test_pct_capped(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, (u64)oak_secs_less_pct(DAY, 101), 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)oak_secs_less_pct(DAY, U32_MAX), 0ULL);
}

static struct kunit_case dur_cases[] = {
	KUNIT_CASE(dur_test_sixty_days),
	KUNIT_CASE(dur_test_u32_max),
	KUNIT_CASE(dur_test_pct_capped),
	{}
};

static struct kunit_suite dur_suite = {
	.name = "oakley_durations",
	.test_cases = dur_cases,
};

kunit_test_suite(dur_suite);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: the configuration's durations (u32 seconds, the unit of the uapi)
 * as timer delays in jiffies.
 *
 * Computed in 64 bits: u32 seconds times HZ (at most 1000) fit in 42, so
 * where unsigned long has 64 bits every duration is exact (msecs_to_jiffies()
 * takes an unsigned int of milliseconds, 49.7 days at most, and `secs * HZ`
 * in 32 bits wraps after 198 days at HZ=250).  A 32-bit kernel, whose timers
 * cannot wait longer, gets MAX_JIFFY_OFFSET.  A timer that the wheel fires
 * early (beyond its range, ~12 days at HZ=1000) finds its deadline not yet
 * reached and is armed again (timers.c).
 */
#ifndef _OAKLEY_IKE_DURATION_H
#define _OAKLEY_IKE_DURATION_H

#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/types.h>

/* @secs in jiffies. */
static inline unsigned long oak_secs_to_jiffies(u32 secs)
{
	return min_t(u64, (u64)secs * HZ, MAX_JIFFY_OFFSET);
}

/* @secs less @pct percent of it (at most 100), in jiffies. */
static inline unsigned long oak_secs_less_pct(u32 secs, u32 pct)
{
	u64 j = (u64)secs * HZ;

	j -= div_u64(j * min(pct, 100U), 100);
	return min_t(u64, j, MAX_JIFFY_OFFSET);
}

#endif /* _OAKLEY_IKE_DURATION_H */

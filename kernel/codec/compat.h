/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few definitions the wire codec needs, from the kernel or, for the
 * userspace unit tests and fuzz targets, from libc plus portable byte code.
 * Nothing else kernel-only may be used in the codec's .c files.
 */
#ifndef OAKLEY_CODEC_COMPAT_H
#define OAKLEY_CODEC_COMPAT_H

#ifdef __KERNEL__

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>	/* <linux/unaligned.h> from 6.12 on */

#else /* userspace */

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
typedef long long s64;

#ifndef BIT
#define BIT(n) (1UL << (n))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static inline u16 get_unaligned_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 get_unaligned_be64(const void *p)
{
	const u8 *b = p;

	return (u64)get_unaligned_be32(b) << 32 | get_unaligned_be32(b + 4);
}

static inline void put_unaligned_be16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static inline void put_unaligned_be32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = (v >> 16) & 0xff;
	b[2] = (v >> 8) & 0xff;
	b[3] = v & 0xff;
}

static inline void put_unaligned_be64(u64 v, void *p)
{
	u8 *b = p;

	put_unaligned_be32(v >> 32, b);
	put_unaligned_be32(v & 0xffffffff, b + 4);
}

#endif /* __KERNEL__ */

#endif /* OAKLEY_CODEC_COMPAT_H */

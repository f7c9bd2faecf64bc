/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oakley: multicast events on the "events" group.
 */
#ifndef _OAKLEY_EVENTS_H
#define _OAKLEY_EVENTS_H

#include <linux/gfp.h>
#include <linux/types.h>
#include <linux/oakley.h>

struct oakley_net;

/*
 * One event; every field but @type is optional: strings when non-NULL,
 * SPIs when non-zero, the address when @remote_addr is non-NULL (with
 * @family), @notify when non-zero.
 */
struct oakley_event {
	u8 type;			/* enum oakley_event_type */
	const char *conn;
	const char *child;
	const char *secret;
	const char *message;
	__be64 spi_i;
	__be64 spi_r;
	__be32 spi_in;
	__be32 spi_out;
	u16 family;
	const void *remote_addr;
	u16 notify;
};

/* Any context; use GFP_ATOMIC where sleeping is not allowed. */
int oakley_event_send(struct oakley_net *on, const struct oakley_event *ev, gfp_t gfp);
void oakley_event_conn(struct oakley_net *on, u8 type, const char *conn);
void oakley_event_secret(struct oakley_net *on, u8 type, const char *secret);

#endif /* _OAKLEY_EVENTS_H */

// SPDX-License-Identifier: Apache-2.0
/* Dispatch from the capture interface to the backend that was opened. */
#include <errno.h>
#include <stddef.h>

#include "capture.h"

int capture__track(struct capture *c, pid_t pid)
{
	return c->ops->track(c, pid);
}

int capture__poll(struct capture *c, int timeout_ms)
{
	return c->ops->poll(c, timeout_ms);
}

int capture__stats(struct capture *c, struct capture_stats *st)
{
	return c->ops->stats(c, st);
}

int capture__set_interest(struct capture *c, const bool *interest)
{
	return c->ops->set_interest ? c->ops->set_interest(c, interest) : -EOPNOTSUPP;
}

void capture__close(struct capture *c)
{
	if (c)
		c->ops->close(c);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Events as text lines and as JSON lines (vigil trace, debugging). */
#ifndef VIGIL_FORMAT_H
#define VIGIL_FORMAT_H

#include "event.h"
#include "../lib/strbuf.h"
#include "../state/proctable.h"

/* "12:00:00.123456789 cat(41:41) openat(dirfd=AT_FDCWD, name=/etc/hostname,
 * flags=O_RDONLY|O_CLOEXEC, mode=0) = 3"; proc may be NULL.
 */
void vg_format_text(struct strbuf *b, const struct vg_event *ev, const struct vg_proc *proc);
/* One JSON object, no newline; proc may be NULL. */
void vg_format_json(struct strbuf *b, const struct vg_event *ev, const struct vg_proc *proc);
/* "2026-11-24T10:42:31.123456789Z" */
void vg_format_time(struct strbuf *b, uint64_t ns);
/* The argument named name of ev (Falco's name), rendered as in a text
 * line, appended to b; -ENOENT when the event has no such argument.
 */
int vg_format_arg(struct strbuf *b, const struct vg_event *ev, const char *name);
/* errno name ("ENOENT"), or NULL. */
const char *vg_errno_name(int err);

#endif /* VIGIL_FORMAT_H */

/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding of the kernel's ring buffer records (bpf/events.h) into events. */
#ifndef VIGIL_DECODE_H
#define VIGIL_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* Decode the record at data (size bytes, as the ring buffer delivered it)
 * into ev, adding wall_offset (realtime - monotonic) to its time. Every
 * offset and length is checked against size first: a malformed record
 * returns -EINVAL and sets *why. ev's strings then point into data.
 * A VG_K_EXEC record decodes as a successful execve or execveat (told
 * apart by the program name, see decode_exec) with has_exec set.
 */
int vg_decode(const void *data, size_t size, int64_t wall_offset, struct vg_event *ev,
	      const char **why) __attribute__((warn_unused_result));

#endif /* VIGIL_DECODE_H */

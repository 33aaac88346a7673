/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one event type both capture backends fill and everything downstream
 * (state tables, rules, formatting) reads. An event is valid only for the
 * duration of the callback that receives it: its strings point into the
 * backend's buffers.
 */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "syscalls.h"

struct vg_container;

#define VG_STR_TRUNC 0x1 /* cut at its limit */
#define VG_STR_FAULT 0x2 /* the memory could not be read */

/* Bytes copied from the traced task; not NUL-terminated. */
struct vg_str {
	const char *ptr;
	uint32_t len;
	uint32_t flags; /* VG_STR_* */
};

/* A socket address decoded from a VG_A_SOCKADDR* argument. */
struct vg_sockaddr {
	uint16_t family; /* AF_INET, AF_INET6, AF_UNIX, 0 for none */
	uint16_t port;	 /* host order */
	uint8_t addr[16]; /* network order: 4 bytes for AF_INET */
	char path[109];	 /* AF_UNIX; '@' leads an abstract name */
};

/* Process details that only an exec carries (from the kernel or /proc). */
struct vg_exec_info {
	uint32_t ppid;
	uint32_t loginuid;
	uint32_t tty;
	uint32_t sid;
	uint32_t pgid;
	uint32_t euid;
	uint32_t egid;
	uint32_t flags; /* VG_EXEC_F_* */
	uint64_t cap_effective;
	uint64_t cap_permitted;
	uint64_t start_ns; /* wall clock */
	struct vg_str exe;
	struct vg_str cwd;
};

struct vg_event {
	uint16_t type;	  /* enum vg_type */
	uint8_t backend;  /* enum vg_backend_id */
	uint64_t ts;	  /* wall clock, ns since the epoch */
	uint32_t tid;
	uint32_t pid;	  /* thread group id */
	uint32_t uid;
	uint32_t gid;
	char comm[16];
	int64_t res;	  /* result; -errno on failure */
	uint64_t args[6]; /* raw argument values */
	/* memory arguments in the syscall's order (vg_blob_map_of) */
	struct vg_str blob[VG_MAX_BLOBS];
	struct vg_sockaddr addr; /* the decoded sockaddr argument, if any */

	/* VG_SC_execve / execveat (success): the new image */
	bool has_exec;
	struct vg_exec_info exec;

	/* VG_EV_FORK */
	uint32_t parent_tid, parent_pid;
	bool is_thread;

	/* VG_EV_PROCEXIT */
	int32_t exit_status; /* wait status: (code << 8) | signal */
	bool group_dead;

	/* filled by the state tables before the event is handed on */
	const char *resolved[2]; /* absolute forms of the path arguments */
	uint64_t seq;		 /* event number since start */
	const struct vg_container *container; /* the workload's container; NULL: host */
};

/* Blob of argument @arg of @ev, or NULL when the argument has no memory. */
const struct vg_str *vg_event_arg_blob(const struct vg_event *ev, int arg);
/* Decode a raw sockaddr of @len bytes into @sa; returns 0 or -EINVAL. */
int vg_sockaddr_decode(const void *raw, size_t len, struct vg_sockaddr *sa);
/* Render @sa as "1.2.3.4:80", "[::1]:80" or a unix path. */
size_t vg_sockaddr_render(const struct vg_sockaddr *sa, char *buf, size_t size);

#endif /* VIGIL_EVENT_H */

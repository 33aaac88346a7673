/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process table: pid -> what rules ask about a process (name, exe,
 * args, cwd, credentials, tty, ancestry, start time) and its fd table.
 * Seeded from /proc at start, then kept from events; a process seen for the
 * first time in an event is read from /proc on the spot.
 * proctable__update() also resolves an event's paths (against the cwd or
 * the dirfd) into ev->resolved[], so the order is: decode, update, use.
 */
#ifndef VIGIL_PROCTABLE_H
#define VIGIL_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../events/event.h"
#include "fdtable.h"

#define VG_PROC_MAX 262144 /* processes kept; past it the oldest exited ones go first */
#define VG_ARGS_MAX VG_ARGV_MAX

struct vg_proc {
	uint32_t pid;
	uint32_t ppid;
	char comm[16];
	char *exe;	 /* resolved executable path; owned */
	char *args;	 /* argv, NUL-separated (as /proc/PID/cmdline); owned */
	size_t args_len;
	char *cwd;	 /* owned */
	uint32_t uid, gid, euid, egid;
	uint32_t loginuid; /* (uint32_t)-1 when unset */
	uint32_t tty;
	uint32_t sid, pgid;
	uint64_t cap_effective, cap_permitted;
	uint64_t start_ns; /* wall clock */
	uint32_t exec_flags; /* VG_EXEC_F_* */
	bool exited;
	struct vg_fdtable *fds;
};

struct vg_proctable;

/* procfs is the proc mount to read ("/proc"; tests point it elsewhere). */
struct vg_proctable *proctable__new(const char *procfs);
void proctable__free(struct vg_proctable *pt);
/* Read every process from procfs (pid 0), or one process. Returns the count
 * read or a negative errno.
 */
int proctable__seed(struct vg_proctable *pt, pid_t pid);
/* Lookup only. */
struct vg_proc *proctable__find(struct vg_proctable *pt, uint32_t pid);
/* Lookup, reading procfs when the process is not known yet. */
struct vg_proc *proctable__get(struct vg_proctable *pt, uint32_t pid);
/* The parent, or NULL (ancestry: call again on the result). */
struct vg_proc *proctable__parent(struct vg_proctable *pt, const struct vg_proc *p);
/* Apply ev to the tables (fork, exec, exit, chdir, credentials, fds) and fill
 * ev->resolved[] for its path arguments. Resolved strings stay valid until
 * the next call.
 */
void proctable__update(struct vg_proctable *pt, struct vg_event *ev);
size_t proctable__count(const struct vg_proctable *pt);

/* Join path (len bytes, not NUL-terminated) onto base when relative and
 * normalise "." / ".." / "//" lexically, into out. Returns the length, or
 * -ENAMETOOLONG when out (size bytes) is too small.
 */
int vg_path_resolve(const char *base, const char *path, size_t len, char *out, size_t size);

#endif /* VIGIL_PROCTABLE_H */

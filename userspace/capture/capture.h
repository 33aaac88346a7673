/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The capture backend interface. A backend delivers struct vg_event to a
 * callback from capture__poll(); the eBPF backend (capture_bpf.c) reads a
 * ring buffer, the ptrace backend stops the workload's threads. Callers do
 * not know which one they hold.
 */
#ifndef VIGIL_CAPTURE_H
#define VIGIL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../events/event.h"

enum vg_backend_id { VG_BACKEND_BPF = 1, VG_BACKEND_PTRACE = 2 };

#define VG_RING_DEFAULT (8u << 20)   /* ring buffer bytes by default */
#define VG_RING_MIN (256u << 10)     /* smaller drops records under any load */
#define VG_RING_MAX (1024u << 20)
#define VG_TRACKED_MAX 65536	     /* processes followed in tree scope */

typedef void (*capture_cb)(void *ctx, struct vg_event *ev);

struct capture_opts {
	int scope;		 /* enum vg_scope */
	const char *cgroup_path; /* VG_SCOPE_CGROUP: a cgroup v2 directory */
	uint32_t ring_bytes;	 /* power of two, VG_RING_MIN..VG_RING_MAX */
	const bool *interest;	 /* VG_SC_COUNT entries; NULL: every syscall */
	capture_cb cb;
	void *ctx;
};

struct capture_stats {
	uint64_t events;		 /* delivered to the callback */
	uint64_t bytes;			 /* raw record bytes read */
	uint64_t drops[VG_DROP_NR];	 /* by category, summed over CPUs */
	uint64_t decode_errors;		 /* malformed records discarded */
};

struct capture;

/* Open, load and attach the eBPF backend. On failure returns NULL with errno
 * set and a one-line reason in err (missing privilege, no BTF ...).
 */
struct capture *capture_bpf__open(const struct capture_opts *opts, char *err, size_t errlen);
/* Prepare the ptrace backend: nothing is traced until capture__spawn()
 * starts the workload under it (seccomp filter, PTRACE_SEIZE, EXITKILL).
 */
struct capture *capture_ptrace__open(const struct capture_opts *opts, char *err, size_t errlen);
/* Follow @pid (a process) and its future children, in VG_SCOPE_TREE. */
int capture__track(struct capture *c, pid_t pid) __attribute__((warn_unused_result));
/* Deliver what has been captured, waiting at most timeout_ms for the first
 * record. Returns the number of events delivered or a negative errno.
 */
int capture__poll(struct capture *c, int timeout_ms);
int capture__stats(struct capture *c, struct capture_stats *st);
/* Change which syscalls are captured while attached. */
int capture__set_interest(struct capture *c, const bool *interest);
/* Start path as a child under capture (tree scope): it is held until capture
 * follows it, then execs with argv and envp. Returns its pid or -errno.
 */
pid_t capture__spawn(struct capture *c, const char *path, char *const argv[],
		     char *const envp[]);
/* True once the spawned child has exited, with its wait status. poll()
 * reaps every child of vigil (orphans included), not only this one.
 */
bool capture__child_exited(struct capture *c, int *status);
void capture__close(struct capture *c);

/* Backend operations, one table per backend (the redis ae.c pattern). */
struct capture_ops {
	int (*track)(struct capture *c, pid_t pid);
	int (*poll)(struct capture *c, int timeout_ms);
	int (*stats)(struct capture *c, struct capture_stats *st);
	int (*set_interest)(struct capture *c, const bool *interest);
	pid_t (*spawn)(struct capture *c, const char *path, char *const argv[],
		       char *const envp[]);
	void (*close)(struct capture *c);
};

struct capture {
	const struct capture_ops *ops;
	int backend;	  /* enum vg_backend_id */
	pid_t child;	  /* the spawned child, 0 before spawn */
	int child_status; /* its wait status, valid once child_done */
	bool child_done;
};

/* For backends: fork a child that waits on a pipe until capture_release(),
 * then runs before_exec(arg) (if given; nonzero: exit 126) and execs path.
 */
pid_t capture_fork_held(const char *path, char *const argv[], char *const envp[],
			int (*before_exec)(void *arg), void *arg, int *release_fd);
int capture_release(int release_fd);
/* For backends: fork path held, follow it with ops->track, then let it exec. */
pid_t capture_spawn_tracked(struct capture *c, const char *path, char *const argv[],
			    char *const envp[]);
/* For backends: 0 when ring is a power of two in VG_RING_MIN..VG_RING_MAX,
 * else -EINVAL with the reason in err. */
int capture_check_ring(uint32_t ring, char *err, size_t errlen);
/* For backends: CLOCK_REALTIME - CLOCK_MONOTONIC in ns, added to record
 * times (both backends stamp records with CLOCK_MONOTONIC). */
int64_t capture_wall_offset(void);
/* For backends, in a forked child: default signal mask and dispositions. */
void capture_child_prepare(void);
/* For backends: reap every exited child without blocking, noting the
 * spawned one's status. */
void capture_reap(struct capture *c);

#endif /* VIGIL_CAPTURE_H */

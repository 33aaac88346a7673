/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The record layout shared by the BPF programs and userspace: the only header
 * both sides include. It holds layouts and limits, no logic.
 *
 * One ring buffer sample is one record:
 *
 *   +---------------------------+  offset 0
 *   | struct vg_rec (136 bytes) |  kind, time, task, result, kind-specific body
 *   +---------------------------+  blob[i].off, relative to the record start
 *   | blob 0 bytes              |  strings carry no NUL; VG_BLOB_TRUNC marks a
 *   | blob 1 bytes              |  string or buffer cut at its limit, and
 *   | ...                       |  VG_BLOB_FAULT one the kernel could not read
 *   +---------------------------+  size = end of the last blob
 *
 * A syscall is one VG_K_SYSCALL record emitted when it returns, carrying the
 * six raw argument registers, the result and the user memory the arguments
 * point at (paths, socket addresses, argv ...). Which memory is copied for
 * which syscall is set from userspace in the spec table (struct vg_sc_spec),
 * so the same syscall description drives both capture backends.
 * Process lifecycle comes from the sched tracepoints: VG_K_EXEC (a
 * successful execve/execveat: the record of the syscall itself, since its
 * return carries nothing the exec record does not), VG_K_FORK (a new task),
 * VG_K_EXIT.
 */
#ifndef VIGIL_EVENTS_H
#define VIGIL_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VG_TASK_COMM_LEN 16
#define VG_NR_MAX 512		/* x86-64 syscall numbers stay below this */
#define VG_MAX_BLOBS 4		/* memory areas copied per record */
#define VG_STR_MAX 4096		/* a path or string, NUL included (PATH_MAX) */
#define VG_ARGV_MAX 4096	/* argv area copied for an exec */
#define VG_ARGV_MAX_ARGS 32	/* argv pointers followed for a failed exec */
#define VG_SOCKADDR_MAX 128	/* sizeof(struct sockaddr_storage) */
#define VG_MEM_MAX 256		/* a fixed struct (open_how, clone_args, fd pair) */
#define VG_REC_MAX 16520	/* header + 4 * VG_STR_MAX */
#define VG_PATH_DEPTH 48	/* components walked to build exe and cwd paths */

/* blob length flags: the length proper is len & VG_BLOB_LEN_MASK */
#define VG_BLOB_LEN_MASK 0x1fff
#define VG_BLOB_TRUNC 0x8000
#define VG_BLOB_FAULT 0x4000

enum vg_kind {
	VG_K_SYSCALL = 1,
	VG_K_EXEC = 2,
	VG_K_FORK = 3,
	VG_K_EXIT = 4,
};

/* What the BPF program copies for one blob of a syscall (struct vg_blob_spec). */
enum vg_blob_kind {
	VG_B_NONE = 0,
	VG_B_STR,	   /* NUL-terminated user string at args[arg], at most max */
	VG_B_SOCKADDR,	   /* user sockaddr at args[arg], length in args[aux] */
	VG_B_SOCKADDR_OUT, /* sockaddr written by the kernel: args[arg], length at *args[aux] */
	VG_B_ARGV,	   /* NULL-terminated array of user strings at args[arg] */
	VG_B_MEM,	   /* max bytes of user memory at args[arg] */
	VG_B_MEM_LEN,	   /* min(args[aux], max) bytes of user memory at args[arg] */
};

enum vg_blob_when {
	VG_W_ALWAYS = 0,
	VG_W_OK = 1,   /* only when the syscall succeeded: memory the kernel wrote */
	VG_W_FAIL = 2, /* only when it failed: exec's memory is gone after success */
};

struct vg_blob_spec {
	__u8 kind;  /* enum vg_blob_kind */
	__u8 arg;   /* argument register holding the pointer */
	__u8 aux;   /* argument register holding the length (or its address) */
	__u8 when; /* enum vg_blob_when */
	__u16 max;  /* bytes at most, <= VG_STR_MAX */
	__u16 pad;
};

/* One entry per syscall number, written by userspace into the BPF .bss. */
struct vg_sc_spec {
	__u8 interest;	/* nonzero: emit a record when this syscall returns */
	__u8 nblobs;
	__u8 skip_zero; /* no record for a zero result (fork's child, exec's success) */
	__u8 pad[5];
	struct vg_blob_spec blob[VG_MAX_BLOBS];
};

struct vg_blob {
	__u16 off; /* from the start of the record */
	__u16 len; /* bytes, with VG_BLOB_TRUNC / VG_BLOB_FAULT */
};

/* VG_K_EXEC: a successful execve or execveat; blobs are VG_EXEC_BLOB_*. */
struct vg_exec_body {
	__u32 old_tid;	 /* the thread that called exec (its tid changes on de_thread) */
	__u32 ppid;	 /* real parent's tgid */
	__u32 loginuid;	 /* (u32)-1 when unset */
	__u32 tty;	 /* controlling tty as a device number, 0 without */
	__u32 sid;
	__u32 pgid;
	__u32 euid;
	__u32 egid;
	__u32 flags;	 /* VG_EXEC_F_* */
	__u32 pad;
	__u64 cap_effective;
	__u64 cap_permitted;
	__u64 start_ns;	 /* process start, CLOCK_MONOTONIC */
};

#define VG_EXEC_F_EXE_MEMFD 0x1 /* the executable has no path: memfd or unlinked pseudo file */
#define VG_EXEC_F_EXE_TRUNC 0x2 /* exe or cwd deeper than VG_PATH_DEPTH */

enum { VG_EXEC_BLOB_FILENAME, VG_EXEC_BLOB_ARGV, VG_EXEC_BLOB_EXE, VG_EXEC_BLOB_CWD };

/* VG_K_FORK: a new task (process or thread); the record's task is the child. */
struct vg_fork_body {
	__u32 parent_tid;
	__u32 parent_tgid;
	__u32 is_thread; /* shares the parent's thread group */
	__u32 pad;
	__u64 start_ns;	 /* child's start time, CLOCK_MONOTONIC */
	__u64 pad2[5];
};

/* VG_K_EXIT: a task ends; group_dead when it was the last of its process. */
struct vg_exit_body {
	__s32 exit_code; /* wait status layout: (code << 8) | signal */
	__u32 group_dead;
	__u64 pad[7];
};

struct vg_rec {
	__u64 ts_ns;	/* CLOCK_MONOTONIC; userspace turns it into wall time */
	__u32 size;	/* whole record, header included */
	__u16 kind;	/* enum vg_kind */
	__u16 nr;	/* syscall number for VG_K_SYSCALL */
	__u32 tid;
	__u32 tgid;
	__u32 uid;
	__u32 gid;
	__s64 ret;	/* syscall result, -errno on failure */
	union {
		__u64 args[8]; /* VG_K_SYSCALL: argument registers, 6 used */
		struct vg_exec_body exec;
		struct vg_fork_body fork;
		struct vg_exit_body exit;
	};
	char comm[VG_TASK_COMM_LEN];
	struct vg_blob blob[VG_MAX_BLOBS];
};

_Static_assert(sizeof(struct vg_blob_spec) == 8, "vg_blob_spec layout");
_Static_assert(sizeof(struct vg_sc_spec) == 40, "vg_sc_spec layout");
_Static_assert(sizeof(struct vg_exec_body) == 64, "vg_exec_body layout");
_Static_assert(sizeof(struct vg_fork_body) == 64, "vg_fork_body layout");
_Static_assert(sizeof(struct vg_exit_body) == 64, "vg_exit_body layout");
_Static_assert(sizeof(struct vg_rec) == 136, "vg_rec layout");
_Static_assert(sizeof(struct vg_rec) + 4 * VG_STR_MAX == VG_REC_MAX, "record bound");

/* Scope of capture, a load-time constant. */
enum vg_scope {
	VG_SCOPE_HOST = 0,   /* every task but vigil itself */
	VG_SCOPE_CGROUP = 1, /* tasks in one cgroup v2 subtree */
	VG_SCOPE_TREE = 2,   /* tracked processes and their descendants */
};

/* Per-CPU drop counters, by category: nothing is lost without a count. */
enum vg_drop {
	VG_DROP_SYSCALL = 0, /* ring buffer full: a syscall record lost */
	VG_DROP_PROC = 1,    /* ring buffer full: an exec/fork/exit record lost */
	VG_DROP_TREE = 2,    /* tracked-process map full: a descendant not followed */
	VG_DROP_NR = 3,
};

#endif /* VIGIL_EVENTS_H */

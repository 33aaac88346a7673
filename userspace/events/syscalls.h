/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syscalls vigil understands, described once: their names (Falco's),
 * their arguments and how to render them, and which user memory to copy.
 * Both capture backends are driven from this table: the eBPF backend turns
 * it into the kernel's vg_sc_spec array, the ptrace backend into its seccomp
 * filter and its process_vm_readv reads.
 */
#ifndef VIGIL_SYSCALLS_H
#define VIGIL_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>
#include "../../bpf/events.h"

/* Event types: one per syscall, then the lifecycle records without one. */
enum vg_type {
#define VG_SC(name, ...) VG_SC_##name,
#include "syscalls.def"
#undef VG_SC
	VG_SC_COUNT,
	VG_EV_FORK = VG_SC_COUNT, /* a new task, from sched_process_fork */
	VG_EV_PROCEXIT,		  /* a task ended (Falco's procexit) */
	VG_TYPE_COUNT,
};

enum vg_arg_kind {
	VG_A_NONE = 0,
	VG_A_SKIP,     /* present but not shown */
	VG_A_INT,      /* signed decimal */
	VG_A_UINT,     /* unsigned decimal */
	VG_A_HEX,      /* pointers and opaque words */
	VG_A_MODE,     /* file mode, octal with S_I* names */
	VG_A_FD,       /* file descriptor; AT_FDCWD named */
	VG_A_PID,
	VG_A_UID,      /* uid or gid; -1 is "unchanged" */
	VG_A_FLAGS,    /* bit flags rendered from a table (aux = enum vg_flag_table) */
	VG_A_ENUM,     /* one value from a table (aux = enum vg_flag_table) */
	VG_A_PATH,     /* user path, resolved against the dirfd in args[aux] (0xff: cwd) */
	VG_A_STR,      /* user string taken as is (symlink target, fs type, names) */
	VG_A_SOCKADDR, /* sockaddr in, length in args[aux] */
	VG_A_SOCKADDR_OUT, /* sockaddr the kernel writes, length at *args[aux] */
	VG_A_ARGV,     /* NULL-terminated string array */
	VG_A_OPEN_HOW, /* struct open_how, size in args[aux] */
	VG_A_CLONE_ARGS, /* struct clone_args, size in args[aux] */
	VG_A_FDPAIR,   /* int[2] the kernel writes */
	VG_A_CAPDATA,  /* struct __user_cap_data_struct[2] */
	VG_A_URING_PARAMS, /* struct io_uring_params */
};

#define VG_AUX_CWD 0xff /* VG_A_PATH: relative to the working directory */

enum vg_category { VG_CAT_PROCESS, VG_CAT_FILE, VG_CAT_NET };

struct vg_arg_desc {
	const char *name; /* Falco's parameter name */
	uint8_t kind;	  /* enum vg_arg_kind */
	uint8_t aux;
	uint8_t when;	  /* enum vg_blob_when, for arguments copied from memory */
};

struct vg_syscall_desc {
	const char *name; /* Falco's event name (evt.type) */
	int nr;		  /* native syscall number, -1 where the arch has none */
	uint8_t category;
	uint8_t skip_zero; /* a zero result is reported elsewhere (child of fork) */
	uint8_t state;	   /* kept captured for the process and fd tables */
	uint8_t nargs;
	struct vg_arg_desc args[6];
};

/* Where an argument's copied memory lands: blob index, or -1. */
struct vg_blob_map {
	int8_t blob_of_arg[6];
};

extern const struct vg_syscall_desc vg_syscalls[VG_SC_COUNT];

/* The event type of a native syscall number, or -1. */
int vg_type_of_nr(long nr);
/* evt.type name of any event type; NULL when out of range. */
const char *vg_type_name(int type);
/* The event type named @name ("openat", "procexit"), or -1. */
int vg_type_by_name(const char *name);
/* Which blob holds each memory argument of @type, in argument order. */
const struct vg_blob_map *vg_blob_map_of(int type);
/* Fill the kernel's spec entry for @type (interest set). */
void vg_sc_spec_fill(int type, struct vg_sc_spec *spec);
/* Blob copy size for an argument kind. */
uint16_t vg_arg_max(uint8_t kind);

#endif /* VIGIL_SYSCALLS_H */

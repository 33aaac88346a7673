/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Symbolic names of syscall flags and enumerations, as Falco renders them
 * (O_WRONLY|O_CREAT, AF_INET, PTRACE_ATTACH ...), from native values.
 */
#ifndef VIGIL_FLAGS_H
#define VIGIL_FLAGS_H

#include <stddef.h>
#include <stdint.h>

enum vg_flag_table {
	VG_FT_NONE = 0,
	VG_FT_OPEN,	/* open(2) flags, O_ACCMODE first */
	VG_FT_AT,	/* AT_* flags of the *at calls */
	VG_FT_CLONE,
	VG_FT_PRCTL,
	VG_FT_PTRACE,
	VG_FT_MEMFD,
	VG_FT_FINIT,
	VG_FT_MOUNT,
	VG_FT_UMOUNT,
	VG_FT_BPF_CMD,
	VG_FT_FCNTL,
	VG_FT_RENAME,
	VG_FT_AF,	/* address families */
	VG_FT_SOCKTYPE, /* SOCK_STREAM ... with SOCK_NONBLOCK|SOCK_CLOEXEC */
	VG_FT_URING,	/* io_uring_setup flags */
	VG_FT_COUNT,
};

/* Render @value from @table into buf ("O_RDWR|O_CREAT"; an unknown rest as
 * hex, "0" for no flag); returns the length it needed, like snprintf.
 */
size_t vg_flags_render(int table, uint64_t value, char *buf, size_t size);
/* Render a single enumerated value; unknown values as decimal. */
size_t vg_enum_render(int table, uint64_t value, char *buf, size_t size);
/* The name of @value in an enumeration table, or NULL. */
const char *vg_enum_name(int table, uint64_t value);
/* Render a file mode as Falco does: S_IRUSR|S_IWUSR|... */
size_t vg_mode_render(uint64_t mode, char *buf, size_t size);

#endif /* VIGIL_FLAGS_H */

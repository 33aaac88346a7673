/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp filter of the ptrace backend: SECCOMP_RET_TRACE for the
 * syscalls of interest, SECCOMP_RET_ALLOW for every other, so that untraced
 * syscalls never stop the workload.
 */
#ifndef VIGIL_SECCOMP_H
#define VIGIL_SECCOMP_H

#include <stdbool.h>
#include <linux/filter.h>

#define VG_SECCOMP_MAX_INSNS 512 /* filter length bound: 3 per traced syscall + a few */

/* Build the filter for the traced event types (interest has VG_SC_COUNT
 * entries; NULL: all) into insns (VG_SECCOMP_MAX_INSNS long). Syscall
 * numbers are compared as a balanced binary tree: an untraced syscall runs
 * about log2(N) comparisons (and none at all on kernels >= 5.11, which cache
 * filters that depend on the number alone). Returns the length or -E2BIG.
 */
int vg_seccomp_build(const bool *interest, struct sock_filter *insns);
/* Set no_new_privs and install insns[0..len) on the calling thread. */
int vg_seccomp_install(const struct sock_filter *insns, int len);

#endif /* VIGIL_SECCOMP_H */

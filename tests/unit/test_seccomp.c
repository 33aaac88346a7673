// SPDX-License-Identifier: Apache-2.0
/*
 * The ptrace backend's seccomp filter, run for real: with no tracer
 * attached, SECCOMP_RET_TRACE makes a syscall fail with ENOSYS, so a child
 * that installs the filter shows exactly which syscalls it traps.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "userspace/capture/seccomp.h"
#include "userspace/events/syscalls.h"

/* In a child: install the filter, then report 0 if every syscall of the
 * table traps exactly when expected, else the number of the first that
 * does not (+1, so 0 stays "all right").
 */
static int child_check(const bool *interest)
{
	struct sock_filter insns[VG_SECCOMP_MAX_INSNS];
	int len = vg_seccomp_build(interest, insns);

	if (len < 0 || vg_seccomp_install(insns, len))
		return 255;
	for (int t = 0; t < VG_SC_COUNT; t++) {
		long nr = vg_syscalls[t].nr, ret;
		bool want = !interest || interest[t];

		/* only the trapped ones may run with garbage arguments: they never run */
		if (!want)
			continue;
		errno = 0;
		ret = syscall(nr, -1L, 0L, 0L, 0L, 0L, 0L);
		if (ret != -1 || errno != ENOSYS)
			return (nr & 0x7f) + 1;
	}
	/* untraced syscalls run as usual */
	if (syscall(SYS_getppid) != getppid() || syscall(SYS_getpid) <= 0)
		return 254;
	return 0;
}

static int run_child(const bool *interest)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child_check(interest));
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 253;
}

TEST(seccomp_all_traced)
{
	ASSERT_EQ(run_child(NULL), 0, "every table syscall traps, getppid does not");
}

TEST(seccomp_subset)
{
	bool interest[VG_SC_COUNT] = { 0 };
	int status;
	pid_t pid;

	interest[VG_SC_openat] = true;
	ASSERT_EQ(run_child(interest), 0, "openat traps");
	/* and close, not in the set, really runs */
	pid = fork();
	if (pid == 0) {
		struct sock_filter insns[VG_SECCOMP_MAX_INSNS];
		int len = vg_seccomp_build(interest, insns), fd;

		if (len < 0 || vg_seccomp_install(insns, len))
			_exit(2);
		fd = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY);
		if (fd != -1 || errno != ENOSYS)
			_exit(3);
		_exit(close(0) == 0 ? 0 : 4);
	}
	waitpid(pid, &status, 0);
	ASSERT_EQ(WEXITSTATUS(status), 0, "openat traps, close runs");
}

TEST(seccomp_empty_set)
{
	bool interest[VG_SC_COUNT] = { 0 };
	struct sock_filter insns[VG_SECCOMP_MAX_INSNS];

	/* nothing traced: arch check, x32 check, the two returns */
	ASSERT_EQ(vg_seccomp_build(interest, insns), 8, "filter length");
	ASSERT_EQ(run_child(interest), 0, "nothing traps");
}

TEST(seccomp_tree_depth)
{
	struct sock_filter insns[VG_SECCOMP_MAX_INSNS];
	int len = vg_seccomp_build(NULL, insns), longest = 0;

	/* walk every path of the filter: an untraced syscall runs at most
	 * 6 + log2(N) + 2 instructions
	 */
	ASSERT_TRUE(len > 0 && len < VG_SECCOMP_MAX_INSNS, "built");
	for (int nr = 0; nr < 512; nr++) {
		int pc = 5, steps = 0; /* after the arch and x32 checks */

		while (BPF_CLASS(insns[pc].code) != BPF_RET && steps < 64) {
			const struct sock_filter *i = &insns[pc];
			bool taken;

			steps++;
			if (BPF_OP(i->code) == BPF_JA) {
				pc += 1 + i->k;
				continue;
			}
			taken = BPF_OP(i->code) == BPF_JEQ ? (unsigned)nr == i->k : (unsigned)nr >= i->k;
			pc += 1 + (taken ? i->jt : i->jf);
		}
		if (steps > longest)
			longest = steps;
	}
	ASSERT_TRUE(longest <= 10, "binary search, not a linear scan");
}

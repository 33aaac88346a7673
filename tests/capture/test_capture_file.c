// SPDX-License-Identifier: Apache-2.0
/*
 * Capture tests for the file syscalls: each performs the syscall with known
 * arguments in a traced child and asserts every field of the event.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capture_util.h"

static int do_openat(void *arg)
{
	(void)arg;
	int fd = syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY | O_CLOEXEC, 0);
	int bad = syscall(SYS_openat, AT_FDCWD, "/nonexistent/vigil", O_WRONLY | O_CREAT, 0640);

	return fd >= 0 && bad == -1 ? 0 : 1;
}

TEST(openat)
{
	const struct captured *ok, *bad;
	struct run *r;

	if (!capture_ready())
		return;
	r = run_traced(do_openat, NULL);
	if (!ASSERT_NONNULL(r, "run") || !ASSERT_EQ(r->status, 0, "child status"))
		return;
	ok = find_event_str(r, VG_SC_openat, "/etc/hostname");
	if (ASSERT_NONNULL(ok, "openat /etc/hostname event")) {
		ASSERT_EQ(ok->ev.pid, r->pid, "pid");
		ASSERT_EQ(ok->ev.tid, r->pid, "tid");
		ASSERT_EQ((int)ok->ev.args[0], AT_FDCWD, "dirfd");
		ASSERT_EQ(ok->ev.args[2], O_RDONLY | O_CLOEXEC, "flags");
		ASSERT_GE(ok->ev.res, 3, "fd");
		ASSERT_EQ(ok->ev.backend, VG_BACKEND_BPF, "backend");
		ASSERT_TRUE(ok->ev.ts > 1600000000ull * 1000000000ull, "wall-clock time");
	}
	bad = find_event_str(r, VG_SC_openat, "/nonexistent/vigil");
	if (ASSERT_NONNULL(bad, "failing openat event")) {
		ASSERT_EQ(bad->ev.res, -ENOENT, "res");
		ASSERT_EQ(bad->ev.args[2], O_WRONLY | O_CREAT, "flags");
		ASSERT_EQ(bad->ev.args[3], 0640, "mode");
	}
}

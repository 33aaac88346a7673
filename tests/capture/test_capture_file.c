// SPDX-License-Identifier: Apache-2.0
/*
 * Capture tests for the file syscalls: each performs the syscall with known
 * arguments in a traced child, in a success and (where one can be provoked)
 * a failure case, and asserts every field of the event. Raw syscall() is used
 * throughout so the event type asserted is the syscall really made.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "fixture.h"

/* The nth event of type with a blob equal to s. */
static const struct captured *find_str(const struct run *r, int type, const char *s, int nth)
{
	for (int i = 0; i < r->n; i++) {
		const struct captured *c = &r->ev[i];

		if (c->ev.type != type)
			continue;
		for (int b = 0; b < VG_MAX_BLOBS; b++) {
			if (!strcmp(c->blob[b], s)) {
				if (nth-- == 0)
					return c;
				break;
			}
		}
	}
	return NULL;
}

/* A regular file, made without a captured syscall of the types under test. */
static int touch(const char *path)
{
	long fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	return syscall(SYS_close, fd);
}

static long open_dir(void)
{
	return syscall(SYS_openat, AT_FDCWD, fx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
}

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

static int do_open(void *arg)
{
	struct fix *f = arg;

	f->v[0] = syscall(SYS_open, f->p[0], O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(f->v[0] >= 3);
	FAILS(syscall(SYS_open, f->p[1], O_RDONLY, 0), ENOENT);
	return 0;
}

TEST(open)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "open-ok");
	fpath(1, "no-such-dir/open-bad");
	r = fixture_run(do_open);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_open, fx->p[0]);
	if (check_ev(c, r, fx->v[0], "open fd")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "name pointer");
		ASSERT_EQ(c->ev.args[1], O_RDWR | O_CREAT | O_EXCL, "flags");
		ASSERT_EQ(c->ev.args[2], 0600, "mode");
		check_str(c, 0, fx->p[0], "name");
	}
	c = find_event_str(r, VG_SC_open, fx->p[1]);
	if (check_ev(c, r, -ENOENT, "failing open res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[1]), "name pointer");
		ASSERT_EQ(c->ev.args[1], O_RDONLY, "flags");
		ASSERT_EQ(c->ev.args[2], 0, "mode");
		check_str(c, 0, fx->p[1], "name");
	}
}

static int do_openat2(void *arg)
{
	struct fix *f = arg;
	struct open_how *how = (struct open_how *)f->buf;

	how[0] = (struct open_how){ .flags = O_RDWR | O_CREAT | O_CLOEXEC, .mode = 0640,
				    .resolve = RESOLVE_NO_MAGICLINKS };
	how[1] = (struct open_how){ .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
	f->v[0] = syscall(SYS_openat2, AT_FDCWD, f->p[0], &how[0], sizeof(how[0]));
	CHECK(f->v[0] >= 3);
	/* an absolute path cannot stay beneath the directory */
	FAILS(syscall(SYS_openat2, AT_FDCWD, f->p[1], &how[1], sizeof(how[1])), EXDEV);
	return 0;
}

TEST(openat2)
{
	const struct open_how *how;
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	how = (const struct open_how *)fx->buf;
	fpath(0, "openat2-ok");
	fpath(1, "openat2-beneath");
	r = fixture_run(do_openat2);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_openat2, fx->p[0]);
	if (check_ev(c, r, fx->v[0], "openat2 fd")) {
		ASSERT_EQ((int)c->ev.args[0], AT_FDCWD, "dirfd");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[0]), "name pointer");
		ASSERT_EQ(c->ev.args[2], PTR(&how[0]), "how pointer");
		ASSERT_EQ(c->ev.args[3], sizeof(struct open_how), "size");
		check_str(c, 1, fx->p[0], "name");
		check_mem(c, 2, &how[0], sizeof(how[0]), "open_how");
	}
	c = find_event_str(r, VG_SC_openat2, fx->p[1]);
	if (check_ev(c, r, -EXDEV, "failing openat2 res")) {
		ASSERT_EQ((int)c->ev.args[0], AT_FDCWD, "dirfd");
		ASSERT_EQ(c->ev.args[2], PTR(&how[1]), "how pointer");
		ASSERT_EQ(c->ev.args[3], sizeof(struct open_how), "size");
		check_str(c, 1, fx->p[1], "name");
		check_mem(c, 2, &how[1], sizeof(how[1]), "open_how");
	}
}

static int do_creat(void *arg)
{
	struct fix *f = arg;

	f->v[0] = syscall(SYS_creat, f->p[0], 0644);
	CHECK(f->v[0] >= 3);
	FAILS(syscall(SYS_creat, f->p[1], 0600), ENOENT);
	return 0;
}

TEST(creat)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "creat-ok");
	fpath(1, "no-such-dir/creat-bad");
	r = fixture_run(do_creat);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_creat, fx->p[0]);
	if (check_ev(c, r, fx->v[0], "creat fd")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "name pointer");
		ASSERT_EQ(c->ev.args[1], 0644, "mode");
		check_str(c, 0, fx->p[0], "name");
	}
	c = find_event_str(r, VG_SC_creat, fx->p[1]);
	if (check_ev(c, r, -ENOENT, "failing creat res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[1]), "name pointer");
		ASSERT_EQ(c->ev.args[1], 0600, "mode");
		check_str(c, 0, fx->p[1], "name");
	}
}

/* close, dup, dup2, dup3 and fcntl work on fds above anything the harness
 * uses, so the events are told apart by their fd arguments.
 */
static int do_close(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(syscall(SYS_dup2, f->v[0], 517) == 517);
	CHECK(syscall(SYS_close, 517) == 0);
	FAILS(syscall(SYS_close, 517), EBADF);
	return 0;
}

TEST(close)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	r = fixture_run(do_close);
	if (!r)
		return;
	c = find_arg(r, VG_SC_close, 0, 517, 0);
	if (check_ev(c, r, 0, "close res"))
		ASSERT_EQ(c->ev.args[0], 517, "fd");
	c = find_arg(r, VG_SC_close, 0, 517, 1);
	if (check_ev(c, r, -EBADF, "failing close res"))
		ASSERT_EQ(c->ev.args[0], 517, "fd");
	ASSERT_TRUE(!find_arg(r, VG_SC_close, 0, 517, 2), "two close(517) events only");
}

static int do_dup(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	f->v[1] = syscall(SYS_dup, f->v[0]);
	CHECK(f->v[1] > f->v[0]);
	FAILS(syscall(SYS_dup, 999), EBADF);
	return 0;
}

TEST(dup)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	r = fixture_run(do_dup);
	if (!r)
		return;
	c = find_arg(r, VG_SC_dup, 0, fx->v[0], 0);
	if (check_ev(c, r, fx->v[1], "dup res"))
		ASSERT_EQ(c->ev.args[0], fx->v[0], "oldfd");
	c = find_arg(r, VG_SC_dup, 0, 999, 0);
	if (check_ev(c, r, -EBADF, "failing dup res"))
		ASSERT_EQ(c->ev.args[0], 999, "oldfd");
}

static int do_dup2(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(syscall(SYS_dup2, f->v[0], 600) == 600);
	FAILS(syscall(SYS_dup2, 998, 601), EBADF);
	return 0;
}

TEST(dup2)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	r = fixture_run(do_dup2);
	if (!r)
		return;
	c = find_arg(r, VG_SC_dup2, 1, 600, 0);
	if (check_ev(c, r, 600, "dup2 res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "oldfd");
		ASSERT_EQ(c->ev.args[1], 600, "newfd");
	}
	c = find_arg(r, VG_SC_dup2, 1, 601, 0);
	if (check_ev(c, r, -EBADF, "failing dup2 res")) {
		ASSERT_EQ(c->ev.args[0], 998, "oldfd");
		ASSERT_EQ(c->ev.args[1], 601, "newfd");
	}
}

static int do_dup3(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(syscall(SYS_dup3, f->v[0], 602, O_CLOEXEC) == 602);
	CHECK((fcntl(602, F_GETFD) & FD_CLOEXEC) != 0);
	/* dup3 refuses the same fd twice (dup2 would not) */
	FAILS(syscall(SYS_dup3, 602, 602, 0), EINVAL);
	return 0;
}

TEST(dup3)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	r = fixture_run(do_dup3);
	if (!r)
		return;
	c = find_arg(r, VG_SC_dup3, 0, fx->v[0], 0);
	if (check_ev(c, r, 602, "dup3 res")) {
		ASSERT_EQ(c->ev.args[1], 602, "newfd");
		ASSERT_EQ(c->ev.args[2], O_CLOEXEC, "flags");
	}
	c = find_arg(r, VG_SC_dup3, 0, 602, 0);
	if (check_ev(c, r, -EINVAL, "failing dup3 res")) {
		ASSERT_EQ(c->ev.args[1], 602, "newfd");
		ASSERT_EQ(c->ev.args[2], 0, "flags");
	}
}

static int do_fcntl(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(syscall(SYS_fcntl, f->v[0], F_DUPFD, 700) == 700);
	CHECK(syscall(SYS_fcntl, f->v[0], F_DUPFD_CLOEXEC, 710) == 710);
	FAILS(syscall(SYS_fcntl, 997, F_DUPFD, 0), EBADF);
	/* a minimum fd past RLIMIT_NOFILE */
	FAILS(syscall(SYS_fcntl, f->v[0], F_DUPFD_CLOEXEC, 1L << 30), EINVAL);
	return 0;
}

TEST(fcntl)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	r = fixture_run(do_fcntl);
	if (!r)
		return;
	c = find_arg(r, VG_SC_fcntl, 1, F_DUPFD, 0);
	if (check_ev(c, r, 700, "fcntl F_DUPFD res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "fd");
		ASSERT_EQ(c->ev.args[1], F_DUPFD, "cmd");
		ASSERT_EQ(c->ev.args[2], 700, "arg");
	}
	c = find_arg(r, VG_SC_fcntl, 1, F_DUPFD_CLOEXEC, 0);
	if (check_ev(c, r, 710, "fcntl F_DUPFD_CLOEXEC res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "fd");
		ASSERT_EQ(c->ev.args[1], F_DUPFD_CLOEXEC, "cmd");
		ASSERT_EQ(c->ev.args[2], 710, "arg");
	}
	c = find_arg(r, VG_SC_fcntl, 0, 997, 0);
	if (check_ev(c, r, -EBADF, "failing fcntl res")) {
		ASSERT_EQ(c->ev.args[1], F_DUPFD, "cmd");
		ASSERT_EQ(c->ev.args[2], 0, "arg");
	}
	c = find_arg(r, VG_SC_fcntl, 1, F_DUPFD_CLOEXEC, 1);
	if (check_ev(c, r, -EINVAL, "fcntl past the fd limit res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "fd");
		ASSERT_EQ(c->ev.args[2], 1L << 30, "arg");
	}
}

static int do_unlink(void *arg)
{
	struct fix *f = arg;

	CHECK(touch(f->p[0]) == 0);
	CHECK(syscall(SYS_unlink, f->p[0]) == 0);
	CHECK(access(f->p[0], F_OK) == -1);
	FAILS(syscall(SYS_unlink, f->p[1]), ENOENT);
	return 0;
}

TEST(unlink)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "unlink-ok");
	fpath(1, "unlink-missing");
	r = fixture_run(do_unlink);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_unlink, fx->p[0]);
	if (check_ev(c, r, 0, "unlink res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "path pointer");
		check_str(c, 0, fx->p[0], "path");
	}
	c = find_event_str(r, VG_SC_unlink, fx->p[1]);
	if (check_ev(c, r, -ENOENT, "failing unlink res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[1]), "path pointer");
		check_str(c, 0, fx->p[1], "path");
	}
}

static int do_unlinkat(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(touch(f->p[4]) == 0);
	CHECK(mkdir(f->p[1], 0700) == 0);
	CHECK(mkdir(f->p[5], 0700) == 0);
	CHECK(syscall(SYS_unlinkat, f->v[0], f->p[0], 0) == 0);
	CHECK(syscall(SYS_unlinkat, AT_FDCWD, f->p[1], AT_REMOVEDIR) == 0);
	/* a directory without AT_REMOVEDIR */
	FAILS(syscall(SYS_unlinkat, f->v[0], f->p[2], 0), EISDIR);
	return 0;
}

TEST(unlinkat)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fname(0, "unlinkat-file");
	fpath(4, "unlinkat-file");
	fpath(1, "unlinkat-dir");
	fname(2, "unlinkat-dir2");
	fpath(5, "unlinkat-dir2");
	r = fixture_run(do_unlinkat);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_unlinkat, fx->p[0]);
	if (check_ev(c, r, 0, "unlinkat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "dirfd");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[0]), "name pointer");
		ASSERT_EQ(c->ev.args[2], 0, "flags");
		check_str(c, 1, fx->p[0], "name");
	}
	c = find_event_str(r, VG_SC_unlinkat, fx->p[1]);
	if (check_ev(c, r, 0, "unlinkat AT_REMOVEDIR res")) {
		ASSERT_EQ((int)c->ev.args[0], AT_FDCWD, "dirfd");
		ASSERT_EQ(c->ev.args[2], AT_REMOVEDIR, "flags");
		check_str(c, 1, fx->p[1], "name");
	}
	c = find_event_str(r, VG_SC_unlinkat, fx->p[2]);
	if (check_ev(c, r, -EISDIR, "failing unlinkat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "dirfd");
		ASSERT_EQ(c->ev.args[2], 0, "flags");
		check_str(c, 1, fx->p[2], "name");
	}
}

static int do_rename(void *arg)
{
	struct fix *f = arg;

	CHECK(touch(f->p[0]) == 0);
	CHECK(syscall(SYS_rename, f->p[0], f->p[1]) == 0);
	CHECK(access(f->p[1], F_OK) == 0);
	FAILS(syscall(SYS_rename, f->p[2], f->p[3]), ENOENT);
	return 0;
}

TEST(rename)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "rename-a");
	fpath(1, "rename-b");
	fpath(2, "rename-missing");
	fpath(3, "rename-c");
	r = fixture_run(do_rename);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_rename, fx->p[0]);
	if (check_ev(c, r, 0, "rename res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "oldpath pointer");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[1]), "newpath pointer");
		check_str(c, 0, fx->p[0], "oldpath");
		check_str(c, 1, fx->p[1], "newpath");
	}
	c = find_event_str(r, VG_SC_rename, fx->p[2]);
	if (check_ev(c, r, -ENOENT, "failing rename res")) {
		check_str(c, 0, fx->p[2], "oldpath");
		check_str(c, 1, fx->p[3], "newpath");
	}
}

static int do_renameat(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(touch(f->p[4]) == 0);
	CHECK(syscall(SYS_renameat, f->v[0], f->p[0], AT_FDCWD, f->p[1]) == 0);
	CHECK(access(f->p[1], F_OK) == 0);
	FAILS(syscall(SYS_renameat, f->v[0], f->p[2], f->v[0], f->p[3]), ENOENT);
	return 0;
}

TEST(renameat)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fname(0, "renameat-a");
	fpath(4, "renameat-a");
	fpath(1, "renameat-b");
	fname(2, "renameat-missing");
	fname(3, "renameat-c");
	r = fixture_run(do_renameat);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_renameat, fx->p[0]);
	if (check_ev(c, r, 0, "renameat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "olddirfd");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[0]), "oldpath pointer");
		ASSERT_EQ((int)c->ev.args[2], AT_FDCWD, "newdirfd");
		ASSERT_EQ(c->ev.args[3], PTR(fx->p[1]), "newpath pointer");
		check_str(c, 1, fx->p[0], "oldpath");
		check_str(c, 3, fx->p[1], "newpath");
	}
	c = find_event_str(r, VG_SC_renameat, fx->p[2]);
	if (check_ev(c, r, -ENOENT, "failing renameat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "olddirfd");
		ASSERT_EQ(c->ev.args[2], fx->v[0], "newdirfd");
		check_str(c, 1, fx->p[2], "oldpath");
		check_str(c, 3, fx->p[3], "newpath");
	}
}

static int do_renameat2(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(touch(f->p[4]) == 0 && touch(f->p[5]) == 0 && touch(f->p[6]) == 0);
	CHECK(syscall(SYS_renameat2, f->v[0], f->p[0], f->v[0], f->p[1], RENAME_NOREPLACE) == 0);
	/* the target exists */
	FAILS(syscall(SYS_renameat2, f->v[0], f->p[2], f->v[0], f->p[3], RENAME_NOREPLACE),
	      EEXIST);
	return 0;
}

TEST(renameat2)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fname(0, "renameat2-a");
	fpath(4, "renameat2-a");
	fname(1, "renameat2-b");
	fname(2, "renameat2-c");
	fpath(5, "renameat2-c");
	fname(3, "renameat2-d");
	fpath(6, "renameat2-d");
	r = fixture_run(do_renameat2);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_renameat2, fx->p[0]);
	if (check_ev(c, r, 0, "renameat2 res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "olddirfd");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[0]), "oldpath pointer");
		ASSERT_EQ(c->ev.args[2], fx->v[0], "newdirfd");
		ASSERT_EQ(c->ev.args[3], PTR(fx->p[1]), "newpath pointer");
		ASSERT_EQ(c->ev.args[4], RENAME_NOREPLACE, "flags");
		check_str(c, 1, fx->p[0], "oldpath");
		check_str(c, 3, fx->p[1], "newpath");
	}
	c = find_event_str(r, VG_SC_renameat2, fx->p[2]);
	if (check_ev(c, r, -EEXIST, "failing renameat2 res")) {
		ASSERT_EQ(c->ev.args[4], RENAME_NOREPLACE, "flags");
		check_str(c, 1, fx->p[2], "oldpath");
		check_str(c, 3, fx->p[3], "newpath");
	}
}

static int do_mkdir(void *arg)
{
	struct fix *f = arg;

	CHECK(syscall(SYS_mkdir, f->p[0], 0750) == 0);
	FAILS(syscall(SYS_mkdir, f->p[0], 0700), EEXIST);
	return 0;
}

TEST(mkdir)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "mkdir-d");
	r = fixture_run(do_mkdir);
	if (!r)
		return;
	c = find_str(r, VG_SC_mkdir, fx->p[0], 0);
	if (check_ev(c, r, 0, "mkdir res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "path pointer");
		ASSERT_EQ(c->ev.args[1], 0750, "mode");
		check_str(c, 0, fx->p[0], "path");
	}
	c = find_str(r, VG_SC_mkdir, fx->p[0], 1);
	if (check_ev(c, r, -EEXIST, "failing mkdir res")) {
		ASSERT_EQ(c->ev.args[1], 0700, "mode");
		check_str(c, 0, fx->p[0], "path");
	}
}

static int do_mkdirat(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(syscall(SYS_mkdirat, f->v[0], f->p[0], 0705) == 0);
	FAILS(syscall(SYS_mkdirat, f->v[0], f->p[1], 0700), ENOENT);
	return 0;
}

TEST(mkdirat)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fname(0, "mkdirat-d");
	fname(1, "mkdirat-missing/d");
	r = fixture_run(do_mkdirat);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_mkdirat, fx->p[0]);
	if (check_ev(c, r, 0, "mkdirat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "dirfd");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[0]), "path pointer");
		ASSERT_EQ(c->ev.args[2], 0705, "mode");
		check_str(c, 1, fx->p[0], "path");
	}
	c = find_event_str(r, VG_SC_mkdirat, fx->p[1]);
	if (check_ev(c, r, -ENOENT, "failing mkdirat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "dirfd");
		ASSERT_EQ(c->ev.args[2], 0700, "mode");
		check_str(c, 1, fx->p[1], "path");
	}
}

static int do_rmdir(void *arg)
{
	struct fix *f = arg;

	CHECK(mkdir(f->p[0], 0700) == 0);
	CHECK(mkdir(f->p[1], 0700) == 0 && touch(f->p[2]) == 0);
	CHECK(syscall(SYS_rmdir, f->p[0]) == 0);
	FAILS(syscall(SYS_rmdir, f->p[1]), ENOTEMPTY);
	return 0;
}

TEST(rmdir)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "rmdir-d");
	fpath(1, "rmdir-full");
	fpath(2, "rmdir-full/f");
	r = fixture_run(do_rmdir);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_rmdir, fx->p[0]);
	if (check_ev(c, r, 0, "rmdir res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "path pointer");
		check_str(c, 0, fx->p[0], "path");
	}
	c = find_event_str(r, VG_SC_rmdir, fx->p[1]);
	if (check_ev(c, r, -ENOTEMPTY, "failing rmdir res"))
		check_str(c, 0, fx->p[1], "path");
}

static int do_link(void *arg)
{
	struct fix *f = arg;

	CHECK(touch(f->p[0]) == 0);
	CHECK(syscall(SYS_link, f->p[0], f->p[1]) == 0);
	FAILS(syscall(SYS_link, f->p[0], f->p[1]), EEXIST);
	return 0;
}

TEST(link)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "link-a");
	fpath(1, "link-b");
	r = fixture_run(do_link);
	if (!r)
		return;
	c = find_str(r, VG_SC_link, fx->p[1], 0);
	if (check_ev(c, r, 0, "link res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "oldpath pointer");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[1]), "newpath pointer");
		check_str(c, 0, fx->p[0], "oldpath");
		check_str(c, 1, fx->p[1], "newpath");
	}
	c = find_str(r, VG_SC_link, fx->p[1], 1);
	if (check_ev(c, r, -EEXIST, "failing link res")) {
		check_str(c, 0, fx->p[0], "oldpath");
		check_str(c, 1, fx->p[1], "newpath");
	}
}

static int do_linkat(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(touch(f->p[4]) == 0);
	CHECK(syscall(SYS_linkat, f->v[0], f->p[0], AT_FDCWD, f->p[1], AT_SYMLINK_FOLLOW) == 0);
	FAILS(syscall(SYS_linkat, f->v[0], f->p[2], f->v[0], f->p[3], 0), ENOENT);
	return 0;
}

TEST(linkat)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fname(0, "linkat-a");
	fpath(4, "linkat-a");
	fpath(1, "linkat-b");
	fname(2, "linkat-missing");
	fname(3, "linkat-c");
	r = fixture_run(do_linkat);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_linkat, fx->p[0]);
	if (check_ev(c, r, 0, "linkat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "olddir");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[0]), "oldpath pointer");
		ASSERT_EQ((int)c->ev.args[2], AT_FDCWD, "newdir");
		ASSERT_EQ(c->ev.args[3], PTR(fx->p[1]), "newpath pointer");
		ASSERT_EQ(c->ev.args[4], AT_SYMLINK_FOLLOW, "flags");
		check_str(c, 1, fx->p[0], "oldpath");
		check_str(c, 3, fx->p[1], "newpath");
	}
	c = find_event_str(r, VG_SC_linkat, fx->p[2]);
	if (check_ev(c, r, -ENOENT, "failing linkat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "olddir");
		ASSERT_EQ(c->ev.args[2], fx->v[0], "newdir");
		ASSERT_EQ(c->ev.args[4], 0, "flags");
		check_str(c, 1, fx->p[2], "oldpath");
		check_str(c, 3, fx->p[3], "newpath");
	}
}

static int do_symlink(void *arg)
{
	struct fix *f = arg;

	CHECK(syscall(SYS_symlink, f->p[0], f->p[1]) == 0);
	FAILS(syscall(SYS_symlink, f->p[2], f->p[1]), EEXIST);
	return 0;
}

TEST(symlink)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fname(0, "vg-symlink-target");
	fpath(1, "symlink-l");
	fname(2, "vg-symlink-target2");
	r = fixture_run(do_symlink);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_symlink, fx->p[0]);
	if (check_ev(c, r, 0, "symlink res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "target pointer");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[1]), "linkpath pointer");
		check_str(c, 0, fx->p[0], "target");
		check_str(c, 1, fx->p[1], "linkpath");
	}
	c = find_event_str(r, VG_SC_symlink, fx->p[2]);
	if (check_ev(c, r, -EEXIST, "failing symlink res")) {
		check_str(c, 0, fx->p[2], "target");
		check_str(c, 1, fx->p[1], "linkpath");
	}
}

static int do_symlinkat(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(syscall(SYS_symlinkat, f->p[0], f->v[0], f->p[1]) == 0);
	FAILS(syscall(SYS_symlinkat, f->p[2], 996, f->p[3]), EBADF);
	return 0;
}

TEST(symlinkat)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fname(0, "vg-symlinkat-target");
	fname(1, "symlinkat-l");
	fname(2, "vg-symlinkat-target-bad");
	fname(3, "symlinkat-x");
	r = fixture_run(do_symlinkat);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_symlinkat, fx->p[0]);
	if (check_ev(c, r, 0, "symlinkat res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "target pointer");
		ASSERT_EQ(c->ev.args[1], fx->v[0], "linkdirfd");
		ASSERT_EQ(c->ev.args[2], PTR(fx->p[1]), "linkpath pointer");
		check_str(c, 0, fx->p[0], "target");
		check_str(c, 2, fx->p[1], "linkpath");
	}
	c = find_event_str(r, VG_SC_symlinkat, fx->p[2]);
	if (check_ev(c, r, -EBADF, "failing symlinkat res")) {
		ASSERT_EQ(c->ev.args[1], 996, "linkdirfd");
		check_str(c, 0, fx->p[2], "target");
		check_str(c, 2, fx->p[3], "linkpath");
	}
}

static int do_chmod(void *arg)
{
	struct fix *f = arg;
	struct stat st;

	CHECK(touch(f->p[0]) == 0);
	CHECK(syscall(SYS_chmod, f->p[0], 0640) == 0);
	CHECK(stat(f->p[0], &st) == 0 && (st.st_mode & 07777) == 0640);
	FAILS(syscall(SYS_chmod, f->p[1], 0600), ENOENT);
	return 0;
}

TEST(chmod)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "chmod-f");
	fpath(1, "chmod-missing");
	r = fixture_run(do_chmod);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_chmod, fx->p[0]);
	if (check_ev(c, r, 0, "chmod res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "filename pointer");
		ASSERT_EQ(c->ev.args[1], 0640, "mode");
		check_str(c, 0, fx->p[0], "filename");
	}
	c = find_event_str(r, VG_SC_chmod, fx->p[1]);
	if (check_ev(c, r, -ENOENT, "failing chmod res")) {
		ASSERT_EQ(c->ev.args[1], 0600, "mode");
		check_str(c, 0, fx->p[1], "filename");
	}
}

static int do_fchmod(void *arg)
{
	struct fix *f = arg;

	f->v[0] = syscall(SYS_openat, AT_FDCWD, f->p[0], O_RDWR | O_CREAT, 0600);
	CHECK(f->v[0] >= 0);
	CHECK(syscall(SYS_fchmod, f->v[0], 0604) == 0);
	FAILS(syscall(SYS_fchmod, 995, 0600), EBADF);
	return 0;
}

TEST(fchmod)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "fchmod-f");
	r = fixture_run(do_fchmod);
	if (!r)
		return;
	c = find_arg(r, VG_SC_fchmod, 0, fx->v[0], 0);
	if (check_ev(c, r, 0, "fchmod res"))
		ASSERT_EQ(c->ev.args[1], 0604, "mode");
	c = find_arg(r, VG_SC_fchmod, 0, 995, 0);
	if (check_ev(c, r, -EBADF, "failing fchmod res"))
		ASSERT_EQ(c->ev.args[1], 0600, "mode");
}

static int do_fchmodat(void *arg)
{
	struct fix *f = arg;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(touch(f->p[2]) == 0);
	CHECK(syscall(SYS_fchmodat, f->v[0], f->p[0], 0601) == 0);
	FAILS(syscall(SYS_fchmodat, f->v[0], f->p[1], 0600), ENOENT);
	return 0;
}

TEST(fchmodat)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fname(0, "fchmodat-f");
	fname(1, "fchmodat-missing");
	fpath(2, "fchmodat-f");
	r = fixture_run(do_fchmodat);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_fchmodat, fx->p[0]);
	if (check_ev(c, r, 0, "fchmodat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "dirfd");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[0]), "filename pointer");
		ASSERT_EQ(c->ev.args[2], 0601, "mode");
		check_str(c, 1, fx->p[0], "filename");
	}
	c = find_event_str(r, VG_SC_fchmodat, fx->p[1]);
	if (check_ev(c, r, -ENOENT, "failing fchmodat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "dirfd");
		ASSERT_EQ(c->ev.args[2], 0600, "mode");
		check_str(c, 1, fx->p[1], "filename");
	}
}

static int do_chown(void *arg)
{
	struct fix *f = arg;
	struct stat st;

	CHECK(touch(f->p[0]) == 0);
	CHECK(syscall(SYS_chown, f->p[0], 1234, 5678) == 0);
	/* -1 leaves the owner as it is */
	CHECK(syscall(SYS_chown, f->p[0], -1, 42) == 0);
	CHECK(stat(f->p[0], &st) == 0 && st.st_uid == 1234 && st.st_gid == 42);
	FAILS(syscall(SYS_chown, f->p[1], 0, 0), ENOENT);
	return 0;
}

TEST(chown)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "chown-f");
	fpath(1, "chown-missing");
	r = fixture_run(do_chown);
	if (!r)
		return;
	c = find_str(r, VG_SC_chown, fx->p[0], 0);
	if (check_ev(c, r, 0, "chown res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "path pointer");
		ASSERT_EQ(c->ev.args[1], 1234, "uid");
		ASSERT_EQ(c->ev.args[2], 5678, "gid");
		check_str(c, 0, fx->p[0], "path");
	}
	c = find_str(r, VG_SC_chown, fx->p[0], 1);
	if (check_ev(c, r, 0, "chown -1 res")) {
		ASSERT_EQ((uint32_t)c->ev.args[1], (uint32_t)-1, "uid unchanged");
		ASSERT_EQ(c->ev.args[2], 42, "gid");
	}
	c = find_event_str(r, VG_SC_chown, fx->p[1]);
	if (check_ev(c, r, -ENOENT, "failing chown res")) {
		ASSERT_EQ(c->ev.args[1], 0, "uid");
		ASSERT_EQ(c->ev.args[2], 0, "gid");
		check_str(c, 0, fx->p[1], "path");
	}
}

static int do_fchown(void *arg)
{
	struct fix *f = arg;

	f->v[0] = syscall(SYS_openat, AT_FDCWD, f->p[0], O_RDWR | O_CREAT, 0600);
	CHECK(f->v[0] >= 0);
	CHECK(syscall(SYS_fchown, f->v[0], 1111, 2222) == 0);
	FAILS(syscall(SYS_fchown, 994, 0, 0), EBADF);
	return 0;
}

TEST(fchown)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "fchown-f");
	r = fixture_run(do_fchown);
	if (!r)
		return;
	c = find_arg(r, VG_SC_fchown, 0, fx->v[0], 0);
	if (check_ev(c, r, 0, "fchown res")) {
		ASSERT_EQ(c->ev.args[1], 1111, "uid");
		ASSERT_EQ(c->ev.args[2], 2222, "gid");
	}
	c = find_arg(r, VG_SC_fchown, 0, 994, 0);
	if (check_ev(c, r, -EBADF, "failing fchown res")) {
		ASSERT_EQ(c->ev.args[1], 0, "uid");
		ASSERT_EQ(c->ev.args[2], 0, "gid");
	}
}

static int do_fchownat(void *arg)
{
	struct fix *f = arg;
	struct stat st;

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(symlink("fchownat-nowhere", f->p[2]) == 0);
	CHECK(syscall(SYS_fchownat, f->v[0], f->p[0], 3333, 4444, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(lstat(f->p[2], &st) == 0 && st.st_uid == 3333 && st.st_gid == 4444);
	FAILS(syscall(SYS_fchownat, f->v[0], f->p[1], 0, 0, 0), ENOENT);
	return 0;
}

TEST(fchownat)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fname(0, "fchownat-l");
	fname(1, "fchownat-missing");
	fpath(2, "fchownat-l");
	r = fixture_run(do_fchownat);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_fchownat, fx->p[0]);
	if (check_ev(c, r, 0, "fchownat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "dirfd");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[0]), "pathname pointer");
		ASSERT_EQ(c->ev.args[2], 3333, "uid");
		ASSERT_EQ(c->ev.args[3], 4444, "gid");
		ASSERT_EQ(c->ev.args[4], AT_SYMLINK_NOFOLLOW, "flags");
		check_str(c, 1, fx->p[0], "pathname");
	}
	c = find_event_str(r, VG_SC_fchownat, fx->p[1]);
	if (check_ev(c, r, -ENOENT, "failing fchownat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "dirfd");
		ASSERT_EQ(c->ev.args[4], 0, "flags");
		check_str(c, 1, fx->p[1], "pathname");
	}
}

static int do_lchown(void *arg)
{
	struct fix *f = arg;
	struct stat st;

	CHECK(symlink("lchown-nowhere", f->p[0]) == 0);
	CHECK(syscall(SYS_lchown, f->p[0], 5555, 6666) == 0);
	CHECK(lstat(f->p[0], &st) == 0 && st.st_uid == 5555 && st.st_gid == 6666);
	FAILS(syscall(SYS_lchown, f->p[1], 0, 0), ENOENT);
	return 0;
}

TEST(lchown)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "lchown-l");
	fpath(1, "lchown-missing");
	r = fixture_run(do_lchown);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_lchown, fx->p[0]);
	if (check_ev(c, r, 0, "lchown res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "path pointer");
		ASSERT_EQ(c->ev.args[1], 5555, "uid");
		ASSERT_EQ(c->ev.args[2], 6666, "gid");
		check_str(c, 0, fx->p[0], "path");
	}
	c = find_event_str(r, VG_SC_lchown, fx->p[1]);
	if (check_ev(c, r, -ENOENT, "failing lchown res"))
		check_str(c, 0, fx->p[1], "path");
}

static int do_truncate(void *arg)
{
	struct fix *f = arg;
	struct stat st;

	CHECK(touch(f->p[0]) == 0);
	CHECK(syscall(SYS_truncate, f->p[0], 4096L) == 0);
	CHECK(stat(f->p[0], &st) == 0 && st.st_size == 4096);
	FAILS(syscall(SYS_truncate, f->p[0], -1L), EINVAL);
	FAILS(syscall(SYS_truncate, f->dir, 0L), EISDIR);
	return 0;
}

TEST(truncate)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "truncate-f");
	r = fixture_run(do_truncate);
	if (!r)
		return;
	c = find_str(r, VG_SC_truncate, fx->p[0], 0);
	if (check_ev(c, r, 0, "truncate res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "path pointer");
		ASSERT_EQ(c->ev.args[1], 4096, "length");
		check_str(c, 0, fx->p[0], "path");
	}
	c = find_str(r, VG_SC_truncate, fx->p[0], 1);
	if (check_ev(c, r, -EINVAL, "truncate to -1 res"))
		ASSERT_EQ((int64_t)c->ev.args[1], -1, "length");
	c = find_event_str(r, VG_SC_truncate, fx->dir);
	if (check_ev(c, r, -EISDIR, "truncate of a directory res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->dir), "path pointer");
		ASSERT_EQ(c->ev.args[1], 0, "length");
		check_str(c, 0, fx->dir, "path");
	}
}

static int do_ftruncate(void *arg)
{
	struct fix *f = arg;

	f->v[0] = syscall(SYS_openat, AT_FDCWD, f->p[0], O_RDWR | O_CREAT, 0600);
	CHECK(f->v[0] >= 0);
	f->v[1] = syscall(SYS_openat, AT_FDCWD, f->p[0], O_RDONLY, 0);
	CHECK(f->v[1] >= 0);
	CHECK(syscall(SYS_ftruncate, f->v[0], 123L) == 0);
	FAILS(syscall(SYS_ftruncate, 993, 0L), EBADF);
	/* not open for writing */
	FAILS(syscall(SYS_ftruncate, f->v[1], 1L), EINVAL);
	return 0;
}

TEST(ftruncate)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	fpath(0, "ftruncate-f");
	r = fixture_run(do_ftruncate);
	if (!r)
		return;
	c = find_arg(r, VG_SC_ftruncate, 0, fx->v[0], 0);
	if (check_ev(c, r, 0, "ftruncate res"))
		ASSERT_EQ(c->ev.args[1], 123, "length");
	c = find_arg(r, VG_SC_ftruncate, 0, 993, 0);
	if (check_ev(c, r, -EBADF, "failing ftruncate res"))
		ASSERT_EQ(c->ev.args[1], 0, "length");
	c = find_arg(r, VG_SC_ftruncate, 0, fx->v[1], 0);
	if (check_ev(c, r, -EINVAL, "ftruncate of a read-only fd res"))
		ASSERT_EQ(c->ev.args[1], 1, "length");
}

/* stat, lstat, newfstatat and statx: their path, flags and buffer pointer. */
static int do_stat(void *arg)
{
	struct fix *f = arg;
	struct stat *st = (struct stat *)f->buf;
	struct statx *stx = (struct statx *)(f->buf + sizeof(*st));

	f->v[0] = open_dir();
	CHECK(f->v[0] >= 0);
	CHECK(touch(f->p[0]) == 0 && touch(f->p[3]) == 0 && symlink(f->p[0], f->p[1]) == 0);
	CHECK(syscall(SYS_stat, f->p[0], st) == 0 && S_ISREG(st->st_mode));
	CHECK(syscall(SYS_lstat, f->p[1], st) == 0 && S_ISLNK(st->st_mode));
	CHECK(syscall(SYS_newfstatat, f->v[0], f->p[2], st, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(syscall(SYS_statx, AT_FDCWD, f->p[3], AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
		      stx) == 0);
	FAILS(syscall(SYS_stat, f->p[4], st), ENOENT);
	FAILS(syscall(SYS_lstat, f->p[5], st), ENOENT);
	FAILS(syscall(SYS_newfstatat, 992, f->p[6], st, 0), EBADF);
	/* 0x1 is no AT_ flag */
	FAILS(syscall(SYS_statx, AT_FDCWD, f->p[7], 0x1, STATX_BASIC_STATS, stx), EINVAL);
	return 0;
}

TEST(stat_family)
{
	const struct stat *st;
	const struct statx *stx;
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	st = (const struct stat *)fx->buf;
	stx = (const struct statx *)(fx->buf + sizeof(*st));
	fpath(0, "stat-f");
	fpath(1, "stat-l");
	fname(2, "stat-l");
	fpath(3, "stat-x");
	fpath(4, "stat-missing");
	fpath(5, "lstat-missing");
	fname(6, "newfstatat-rel");
	fpath(7, "statx-badflags");
	r = fixture_run(do_stat);
	if (!r)
		return;
	c = find_event_str(r, VG_SC_stat, fx->p[0]);
	if (check_ev(c, r, 0, "stat res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[0]), "path pointer");
		ASSERT_EQ(c->ev.args[1], PTR(st), "statbuf pointer");
		check_str(c, 0, fx->p[0], "path");
	}
	c = find_event_str(r, VG_SC_lstat, fx->p[1]);
	if (check_ev(c, r, 0, "lstat res")) {
		ASSERT_EQ(c->ev.args[0], PTR(fx->p[1]), "path pointer");
		ASSERT_EQ(c->ev.args[1], PTR(st), "statbuf pointer");
		check_str(c, 0, fx->p[1], "path");
	}
	c = find_event_str(r, VG_SC_newfstatat, fx->p[2]);
	if (check_ev(c, r, 0, "newfstatat res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "dirfd");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[2]), "path pointer");
		ASSERT_EQ(c->ev.args[2], PTR(st), "statbuf pointer");
		ASSERT_EQ(c->ev.args[3], AT_SYMLINK_NOFOLLOW, "flags");
		check_str(c, 1, fx->p[2], "path");
	}
	c = find_event_str(r, VG_SC_statx, fx->p[3]);
	if (check_ev(c, r, 0, "statx res")) {
		ASSERT_EQ((int)c->ev.args[0], AT_FDCWD, "dirfd");
		ASSERT_EQ(c->ev.args[1], PTR(fx->p[3]), "path pointer");
		ASSERT_EQ(c->ev.args[2], AT_SYMLINK_NOFOLLOW, "flags");
		ASSERT_EQ(c->ev.args[3], STATX_BASIC_STATS, "mask");
		ASSERT_EQ(c->ev.args[4], PTR(stx), "statxbuf pointer");
		check_str(c, 1, fx->p[3], "path");
	}
	c = find_event_str(r, VG_SC_stat, fx->p[4]);
	if (check_ev(c, r, -ENOENT, "failing stat res"))
		check_str(c, 0, fx->p[4], "path");
	c = find_event_str(r, VG_SC_lstat, fx->p[5]);
	if (check_ev(c, r, -ENOENT, "failing lstat res"))
		check_str(c, 0, fx->p[5], "path");
	c = find_event_str(r, VG_SC_newfstatat, fx->p[6]);
	if (check_ev(c, r, -EBADF, "failing newfstatat res")) {
		ASSERT_EQ(c->ev.args[0], 992, "dirfd");
		ASSERT_EQ(c->ev.args[3], 0, "flags");
		check_str(c, 1, fx->p[6], "path");
	}
	c = find_event_str(r, VG_SC_statx, fx->p[7]);
	if (check_ev(c, r, -EINVAL, "failing statx res")) {
		ASSERT_EQ(c->ev.args[2], 0x1, "flags");
		check_str(c, 1, fx->p[7], "path");
	}
}

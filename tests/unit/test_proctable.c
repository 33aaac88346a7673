// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the process table: lexical path resolution, seeding from a
 * fake procfs tree and from the real /proc for this process, and the state
 * kept from hand-built events (fork, exec, exit, chdir, set*id, the fd
 * syscalls, sockets). No root needed: events are constructed, not traced.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/memfd.h>

#include "../lib/test.h"
#include "../../userspace/state/proctable.h"

#define BTIME 1700000000ULL
#define TS 1700000500123456789ULL
#define FDCWD ((uint64_t)(int64_t)AT_FDCWD)

/* ---- helpers ---- */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool write_bytes(const char *dir, const char *name, const char *data, size_t len)
{
	char path[PATH_MAX];
	FILE *fp;
	bool ok;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	fp = fopen(path, "w");
	if (!fp)
		return false;
	ok = fwrite(data, 1, len, fp) == len;
	return fclose(fp) == 0 && ok;
}

static bool write_file(const char *dir, const char *name, const char *text)
{
	return write_bytes(dir, name, text, strlen(text));
}

static bool make_link(const char *dir, const char *name, const char *target)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	return symlink(target, path) == 0;
}

static bool make_dir(const char *root, const char *name, char *out, size_t size)
{
	if (snprintf(out, size, "%s/%s", root, name) >= (int)size)
		return false;
	return mkdir(out, 0755) == 0;
}

static const char app_cmdline[] = "/usr/bin/app\0--flag\0value"; /* + final NUL: 27 bytes */

/*
 * A procfs tree with three processes: 100 "app" (everything present, fd
 * links to a file, to a real directory and to a socket no table lists),
 * 2 "kthreadd" (stat only, as a kernel thread shows to others) and 300 whose
 * comm holds parentheses and no comm file. Plus the top-level entries that
 * are not processes.
 */
static bool fake_build(char *root)
{
	char d[PATH_MAX], fdd[PATH_MAX];

	if (!mkdtemp(root))
		return false;
	if (!write_file(root, "stat", "cpu  1 2 3 4\nintr 5\nbtime 1700000000\nprocesses 9\n") ||
	    !make_link(root, "self", "100") || !make_dir(root, "net", d, sizeof(d)) ||
	    !make_dir(root, "sys", d, sizeof(d)))
		return false;

	if (!make_dir(root, "100", d, sizeof(d)) ||
	    !write_file(d, "stat",
			"100 (app) S 1 100 99 34817 100 4194560 1 2 3 4 5 6 7 8 20 0 1 0 250 "
			"1000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n") ||
	    !write_file(d, "status",
			"Name:\tapp\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t100\nPid:\t100\n"
			"Uid:\t1000\t1001\t1001\t1001\nGid:\t2000\t2001\t2001\t2001\n"
			"CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
			"CapEff:\t0000000000000080\nCapBnd:\t000001ffffffffff\n") ||
	    !write_bytes(d, "cmdline", app_cmdline, sizeof(app_cmdline)) ||
	    !write_file(d, "comm", "app\n") || !write_file(d, "loginuid", "1000") ||
	    !make_link(d, "exe", "/usr/bin/app") || !make_link(d, "cwd", "/srv/app") ||
	    !make_dir(d, "fd", fdd, sizeof(fdd)) || !make_link(fdd, "3", "/etc/hosts") ||
	    !make_link(fdd, "4", root) || !make_link(fdd, "91", "socket:[31337]"))
		return false;

	if (!make_dir(root, "2", d, sizeof(d)) ||
	    !write_file(d, "stat",
			"2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0\n") ||
	    !write_file(d, "cmdline", ""))
		return false;

	if (!make_dir(root, "300", d, sizeof(d)) ||
	    !write_file(d, "stat",
			"300 ((sd-pam) x) S 100 300 300 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 "
			"1234567 0 0\n") ||
	    !write_file(d, "status", "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
				     "CapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n"))
		return false;
	return true;
}

/* A table over a fake procfs; NULL (and the test failed) when it cannot be built. */
static struct vg_proctable *fake_table(char *root, bool seed)
{
	struct vg_proctable *pt;

	if (!ASSERT_TRUE(fake_build(root), "fake procfs"))
		return NULL;
	pt = proctable__new(root);
	if (!ASSERT_NONNULL(pt, "proctable__new"))
		return NULL;
	if (seed)
		ASSERT_EQ(proctable__seed(pt, 0), 3, "seed the fake tree");
	return pt;
}

static void fake_done(struct vg_proctable *pt, const char *root)
{
	proctable__free(pt);
	rm_tree(root);
}

static void ev_init(struct vg_event *ev, int type, uint32_t pid)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->pid = ev->tid = pid;
	ev->ts = TS;
	ev->uid = 1000;
	ev->gid = 2000;
	strcpy(ev->comm, "app");
}

/* Point the memory argument arg at s (counted: len bytes, no NUL needed). */
static void ev_blob(struct vg_event *ev, int arg, const char *s, size_t len)
{
	int b = vg_blob_map_of(ev->type)->blob_of_arg[arg];

	if (b < 0) {
		ASSERT_TRUE(false, "argument without memory");
		return;
	}
	ev->blob[b].ptr = s;
	ev->blob[b].len = (uint32_t)len;
}

static void ev_str(struct vg_event *ev, int arg, const char *s)
{
	ev_blob(ev, arg, s, strlen(s));
}

static void ev_inet(struct vg_event *ev, int family, const char *ip, uint16_t port)
{
	ev->addr.family = family;
	ev->addr.port = port;
	inet_pton(family, ip, ev->addr.addr);
}

/* Apply an openat(dirfd, path, flags) = res from pid. */
static void do_openat(struct vg_proctable *pt, uint32_t pid, uint64_t dirfd, const char *path,
		      uint64_t flags, int64_t res)
{
	struct vg_event ev;

	ev_init(&ev, VG_SC_openat, pid);
	ev.args[0] = dirfd;
	ev.args[2] = flags;
	ev.res = res;
	ev_str(&ev, 1, path);
	proctable__update(pt, &ev);
}

static void do_fd_call(struct vg_proctable *pt, uint32_t pid, int type, uint64_t a0, uint64_t a1,
		       uint64_t a2, int64_t res)
{
	struct vg_event ev;

	ev_init(&ev, type, pid);
	ev.args[0] = a0;
	ev.args[1] = a1;
	ev.args[2] = a2;
	ev.res = res;
	proctable__update(pt, &ev);
}

static void do_sockaddr_call(struct vg_proctable *pt, uint32_t pid, int type, int fd, int family,
			     const char *ip, uint16_t port, int64_t res)
{
	struct vg_event ev;

	ev_init(&ev, type, pid);
	ev.args[0] = (uint64_t)fd;
	ev.res = res;
	ev_inet(&ev, family, ip, port);
	proctable__update(pt, &ev);
}

static const char *fd_name(struct vg_proc *p, int fd)
{
	struct vg_fd *f = fdtable__get(p->fds, fd);

	return f ? f->name : NULL;
}

/* ---- vg_path_resolve ---- */

TEST(path_resolve_cases)
{
	static const struct {
		const char *base, *path, *want;
	} cases[] = {
		{ "/", "/a/b/../c", "/a/c" },
		{ "/home/u", "./x", "/home/u/x" },
		{ "/", "a//b", "/a/b" },
		{ "/home/u", "..", "/home" },
		{ "/", "x", "/x" },
		{ "/", "..", "/" },
		{ "/a", "../../..", "/" },
		{ "/a/b/", "c/./d/", "/a/b/c/d" },
		{ "/ignored", "/abs//p/./q/..", "/abs/p" },
		{ NULL, "/no/base/needed", "/no/base/needed" },
		{ "/a", ".", "/a" },
		{ "/a", "", "/a" },
		{ "//a/../b//", "c", "/b/c" },
		{ "/", "...", "/..." },
		{ "/a", "..b/.c", "/a/..b/.c" },
		{ "/", "/", "/" },
	};
	char out[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = vg_path_resolve(cases[i].base, cases[i].path, strlen(cases[i].path), out,
					sizeof(out));

		if (ASSERT_EQ(n, strlen(cases[i].want), cases[i].path))
			ASSERT_STREQ(out, cases[i].want, cases[i].path);
	}
	/* counted strings: the bytes past len are not part of the path */
	ASSERT_EQ(vg_path_resolve("/base", "abcXYZ", 3, out, sizeof(out)), 9, "counted length");
	ASSERT_STREQ(out, "/base/abc", "counted path");
	ASSERT_EQ(vg_path_resolve("/base", "ab\0cd", 5, out, sizeof(out)), 8, "NUL ends the path");
	ASSERT_STREQ(out, "/base/ab", "path cut at its NUL");
	/* a relative path needs an absolute base */
	ASSERT_EQ(vg_path_resolve(NULL, "x", 1, out, sizeof(out)), -EINVAL, "no base");
	ASSERT_EQ(vg_path_resolve("rel", "x", 1, out, sizeof(out)), -EINVAL, "relative base");
	ASSERT_EQ(vg_path_resolve("", "x", 1, out, sizeof(out)), -EINVAL, "empty base");
	ASSERT_EQ(vg_path_resolve("/", NULL, 0, out, sizeof(out)), -EINVAL, "NULL path");
}

TEST(path_resolve_buffer_edges)
{
	char out[8], big[VG_STR_MAX + 2], path[VG_STR_MAX];

	/* "/abcdef" is 7 bytes: with its NUL it fills out exactly */
	ASSERT_EQ(vg_path_resolve("/", "abcdef", 6, out, sizeof(out)), 7, "exact fit");
	ASSERT_STREQ(out, "/abcdef", "exact fit result");
	ASSERT_EQ(vg_path_resolve("/", "abcdefg", 7, out, sizeof(out)), -ENAMETOOLONG,
		  "one byte too long");
	ASSERT_EQ(vg_path_resolve("/abc", "defg", 4, out, sizeof(out)), -ENAMETOOLONG,
		  "too long once joined");
	ASSERT_EQ(vg_path_resolve("/abc", "de", 2, out, sizeof(out)), 7, "joined exact fit");
	ASSERT_STREQ(out, "/abc/de", "joined exact fit result");
	ASSERT_EQ(vg_path_resolve("/", "..", 2, out, 2), 1, "root fits in 2");
	ASSERT_EQ(vg_path_resolve("/", "..", 2, out, 1), -ENAMETOOLONG, "root in 1");
	ASSERT_EQ(vg_path_resolve("/", "a", 1, out, 0), -ENAMETOOLONG, "size 0");
	/* a long component removed again by ".." still has to fit on the way */
	ASSERT_EQ(vg_path_resolve("/", "abcdefghij/..", 13, out, sizeof(out)), -ENAMETOOLONG,
		  "intermediate too long");

	/* the largest path a syscall takes, made absolute */
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	ASSERT_EQ(vg_path_resolve(NULL, path, sizeof(path) - 1, big, sizeof(big)),
		  VG_STR_MAX - 1, "VG_STR_MAX - 1 bytes");
	ASSERT_EQ(vg_path_resolve(NULL, path, sizeof(path) - 1, big, VG_STR_MAX - 1),
		  -ENAMETOOLONG, "one short");
}

/* ---- seeding ---- */

TEST(proctable_seed_fake_procfs)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	long tck = sysconf(_SC_CLK_TCK);
	struct vg_proc *p, *k, *c;

	if (!pt)
		return;
	ASSERT_EQ(proctable__count(pt), 3, "three processes, nothing else");
	p = proctable__find(pt, 100);
	if (ASSERT_NONNULL(p, "pid 100")) {
		ASSERT_EQ(p->pid, 100, "pid");
		ASSERT_EQ(p->ppid, 1, "ppid");
		ASSERT_EQ(p->pgid, 100, "pgid");
		ASSERT_EQ(p->sid, 99, "sid");
		ASSERT_EQ(p->tty, 34817, "tty");
		ASSERT_STREQ(p->comm, "app", "comm");
		ASSERT_STREQ(p->exe, "/usr/bin/app", "exe");
		ASSERT_STREQ(p->cwd, "/srv/app", "cwd");
		ASSERT_EQ(p->args_len, sizeof(app_cmdline), "args_len");
		ASSERT_TRUE(!memcmp(p->args, app_cmdline, sizeof(app_cmdline)), "args");
		ASSERT_EQ(p->uid, 1000, "uid");
		ASSERT_EQ(p->euid, 1001, "euid");
		ASSERT_EQ(p->gid, 2000, "gid");
		ASSERT_EQ(p->egid, 2001, "egid");
		ASSERT_EQ(p->cap_effective, 0x80, "CapEff");
		ASSERT_EQ(p->cap_permitted, 0x1ffffffffffULL, "CapPrm");
		ASSERT_EQ(p->loginuid, 1000, "loginuid");
		ASSERT_EQ(p->start_ns, BTIME * 1000000000ULL + 250ULL * 1000000000ULL / tck,
			  "start time from btime and starttime");
		ASSERT_FALSE(p->exited, "not exited");
		ASSERT_EQ(fdtable__count(p->fds), 0, "fds are read on demand");
	}
	k = proctable__find(pt, 2);
	if (ASSERT_NONNULL(k, "kernel thread")) {
		ASSERT_STREQ(k->comm, "kthreadd", "comm from stat");
		ASSERT_STREQ(k->exe, "", "no exe");
		ASSERT_STREQ(k->cwd, "", "no cwd");
		ASSERT_EQ(k->args_len, 0, "no args");
		ASSERT_STREQ(k->args, "", "args empty, not NULL");
		ASSERT_EQ(k->loginuid, (uint32_t)-1, "loginuid unset");
		ASSERT_EQ(k->ppid, 0, "ppid 0");
	}
	c = proctable__find(pt, 300);
	if (ASSERT_NONNULL(c, "pid 300")) {
		ASSERT_STREQ(c->comm, "(sd-pam) x", "comm up to the last ')'");
		ASSERT_EQ(c->ppid, 100, "ppid");
		ASSERT_EQ(c->uid, 0, "root");
		ASSERT_EQ(c->start_ns,
			  BTIME * 1000000000ULL + 1234567ULL / tck * 1000000000ULL +
				  1234567ULL % tck * 1000000000ULL / tck,
			  "start time");
	}
	ASSERT_TRUE(proctable__parent(pt, c) == p, "parent of 300 is 100");
	ASSERT_TRUE(proctable__parent(pt, p) == NULL, "pid 1 is not in the table");
	ASSERT_TRUE(proctable__parent(pt, k) == NULL, "ppid 0");
	ASSERT_TRUE(proctable__find(pt, 999) == NULL, "unknown pid");
	fake_done(pt, root);
}

TEST(proctable_get_reads_procfs)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, false);
	struct vg_proc *p;

	if (!pt)
		return;
	ASSERT_EQ(proctable__count(pt), 0, "empty");
	ASSERT_TRUE(proctable__find(pt, 100) == NULL, "find does not read procfs");
	p = proctable__get(pt, 100);
	if (ASSERT_NONNULL(p, "get reads procfs"))
		ASSERT_STREQ(p->exe, "/usr/bin/app", "exe");
	ASSERT_TRUE(proctable__get(pt, 100) == p, "then it is known");
	ASSERT_EQ(proctable__count(pt), 1, "one entry");
	ASSERT_TRUE(proctable__get(pt, 4242) == NULL, "pid not in procfs");
	ASSERT_TRUE(proctable__get(pt, 0) == NULL, "pid 0");
	ASSERT_EQ(proctable__seed(pt, 4242), -ENOENT, "seed a missing pid");
	ASSERT_EQ(proctable__seed(pt, -1), -EINVAL, "negative pid");

	/* re-seeding the same process keeps the fds learnt from events */
	fdtable__set(p->fds, 7, VG_FD_FILE, "/var/log/app.log");
	ASSERT_EQ(proctable__seed(pt, 100), 1, "seed one");
	p = proctable__find(pt, 100);
	if (ASSERT_NONNULL(p, "still there"))
		ASSERT_STREQ(fd_name(p, 7), "/var/log/app.log", "fds kept for the same process");
	ASSERT_EQ(proctable__count(pt), 1, "refreshed, not added");
	fake_done(pt, root);

	pt = proctable__new("/nonexistent/procfs");
	if (ASSERT_NONNULL(pt, "table on a missing procfs")) {
		ASSERT_EQ(proctable__seed(pt, 0), -ENOENT, "seed all fails with ENOENT");
		proctable__free(pt);
	}
	proctable__free(NULL);
}

TEST(proctable_seed_real_self)
{
	char exe[PATH_MAX], cwd[PATH_MAX], comm[32] = "", cmdline[VG_ARGS_MAX];
	struct vg_proctable *pt = proctable__new("/proc");
	struct timespec now;
	struct vg_proc *p;
	ssize_t n, clen;
	FILE *fp;
	int fd;

	if (!ASSERT_NONNULL(pt, "proctable__new"))
		return;
	if (!ASSERT_EQ(proctable__seed(pt, getpid()), 1, "seed self"))
		goto out;
	p = proctable__find(pt, (uint32_t)getpid());
	if (!ASSERT_NONNULL(p, "self in the table"))
		goto out;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (ASSERT_GE(n, 1, "readlink /proc/self/exe")) {
		exe[n] = '\0';
		ASSERT_STREQ(p->exe, exe, "exe");
	}
	if (ASSERT_NONNULL(getcwd(cwd, sizeof(cwd)), "getcwd"))
		ASSERT_STREQ(p->cwd, cwd, "cwd");
	fp = fopen("/proc/self/comm", "r");
	if (fp) {
		if (fgets(comm, sizeof(comm), fp))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(fp);
	}
	ASSERT_STREQ(p->comm, comm, "comm");
	fd = open("/proc/self/cmdline", O_RDONLY);
	clen = fd >= 0 ? read(fd, cmdline, sizeof(cmdline)) : -1;
	if (fd >= 0)
		close(fd);
	if (ASSERT_EQ(p->args_len, clen, "args_len"))
		ASSERT_TRUE(!memcmp(p->args, cmdline, (size_t)clen), "args");
	ASSERT_EQ(p->ppid, getppid(), "ppid");
	ASSERT_EQ(p->uid, getuid(), "uid");
	ASSERT_EQ(p->euid, geteuid(), "euid");
	ASSERT_EQ(p->gid, getgid(), "gid");
	ASSERT_EQ(p->egid, getegid(), "egid");
	ASSERT_EQ(p->sid, getsid(0), "sid");
	ASSERT_EQ(p->pgid, getpgrp(), "pgid");
	clock_gettime(CLOCK_REALTIME, &now);
	ASSERT_TRUE(p->start_ns > 1000000000ULL * 1600000000ULL, "start time is wall clock");
	ASSERT_TRUE(p->start_ns <= (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec,
		    "start time in the past");

	/* all of /proc: at least this process, and no error for the ones it cannot read */
	ASSERT_GE(proctable__seed(pt, 0), 1, "seed all of /proc");
	ASSERT_NONNULL(proctable__find(pt, (uint32_t)getpid()), "self after seeding all");
	ASSERT_GE(proctable__count(pt), 1, "count");
out:
	proctable__free(pt);
}

/* ---- lifecycle ---- */

TEST(proctable_fork_copies_parent)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_proc *parent, *child;
	struct vg_event ev;

	if (!pt)
		return;
	parent = proctable__find(pt, 100);
	if (!ASSERT_NONNULL(parent, "parent"))
		goto out;
	do_openat(pt, 100, FDCWD, "/var/log/app.log", O_WRONLY, 3);
	do_openat(pt, 100, FDCWD, "data", O_RDONLY | O_DIRECTORY, 5);

	ev_init(&ev, VG_EV_FORK, 500);
	ev.parent_pid = ev.parent_tid = 100;
	ev.ts = TS + 7;
	strcpy(ev.comm, "worker");
	proctable__update(pt, &ev);
	child = proctable__find(pt, 500);
	if (!ASSERT_NONNULL(child, "child created"))
		goto out;
	ASSERT_EQ(proctable__count(pt), 4, "count");
	ASSERT_EQ(child->ppid, 100, "ppid");
	ASSERT_STREQ(child->comm, "worker", "comm from the event");
	ASSERT_EQ(child->start_ns, TS + 7, "start time is the fork's");
	ASSERT_STREQ(child->exe, "/usr/bin/app", "exe copied");
	ASSERT_TRUE(child->exe != parent->exe, "exe owned");
	ASSERT_STREQ(child->cwd, "/srv/app", "cwd copied");
	ASSERT_EQ(child->args_len, parent->args_len, "args_len copied");
	ASSERT_TRUE(!memcmp(child->args, app_cmdline, sizeof(app_cmdline)), "args copied");
	ASSERT_EQ(child->uid, 1000, "uid");
	ASSERT_EQ(child->euid, 1001, "euid");
	ASSERT_EQ(child->egid, 2001, "egid");
	ASSERT_EQ(child->loginuid, 1000, "loginuid");
	ASSERT_EQ(child->tty, 34817, "tty");
	ASSERT_EQ(child->sid, 99, "sid");
	ASSERT_EQ(child->pgid, 100, "pgid");
	ASSERT_EQ(child->cap_effective, 0x80, "caps");
	ASSERT_EQ(fdtable__count(child->fds), 2, "fds cloned");
	ASSERT_STREQ(fd_name(child, 3), "/var/log/app.log", "fd 3 cloned");
	ASSERT_STREQ(fd_name(child, 5), "/srv/app/data", "fd 5 cloned");
	ASSERT_TRUE(fdtable__get(child->fds, 3) != fdtable__get(parent->fds, 3), "own entries");
	ASSERT_TRUE(proctable__parent(pt, child) == parent, "parent link");

	/* the child's fd changes are its own */
	do_fd_call(pt, 500, VG_SC_close, 3, 0, 0, 0);
	ASSERT_TRUE(fdtable__get(child->fds, 3) == NULL, "child closed 3");
	ASSERT_STREQ(fd_name(parent, 3), "/var/log/app.log", "parent keeps 3");

	/* a thread is no new process */
	ev_init(&ev, VG_EV_FORK, 100);
	ev.tid = 101;
	ev.parent_pid = 100;
	ev.is_thread = true;
	proctable__update(pt, &ev);
	ASSERT_EQ(proctable__count(pt), 4, "thread adds nothing");
	ASSERT_TRUE(proctable__find(pt, 101) == NULL, "no entry for the tid");

	/* a pid forked again: the old entry was a process whose exit we missed */
	ev_init(&ev, VG_EV_FORK, 500);
	ev.parent_pid = 300;
	strcpy(ev.comm, "again");
	proctable__update(pt, &ev);
	child = proctable__find(pt, 500);
	if (ASSERT_NONNULL(child, "reused pid")) {
		ASSERT_STREQ(child->comm, "again", "replaced");
		ASSERT_EQ(child->ppid, 300, "new parent");
		ASSERT_EQ(fdtable__count(child->fds), 0, "no fds of the old process");
	}
	ASSERT_EQ(proctable__count(pt), 4, "count unchanged");

	/* parent unknown everywhere: the child comes from procfs, else from the event */
	ev_init(&ev, VG_EV_FORK, 7778);
	ev.parent_pid = 7777;
	strcpy(ev.comm, "orphan");
	proctable__update(pt, &ev);
	child = proctable__find(pt, 7778);
	if (ASSERT_NONNULL(child, "child of an unknown parent"))
		ASSERT_STREQ(child->comm, "orphan", "comm from the event");
	ASSERT_TRUE(proctable__find(pt, 7777) == NULL, "unknown parent not invented");
out:
	fake_done(pt, root);
}

TEST(proctable_exec_replaces_image)
{
	static const char argv[] = "sh\0-c\0true"; /* + NUL: 12 bytes */
	static const char exe[] = "/usr/bin/dashGARBAGE";
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_event ev;
	struct vg_proc *p;

	if (!pt)
		return;
	p = proctable__find(pt, 100);
	if (!ASSERT_NONNULL(p, "pid 100"))
		goto out;
	do_openat(pt, 100, FDCWD, "/etc/app.conf", O_RDONLY | O_CLOEXEC, 3);
	do_openat(pt, 100, FDCWD, "/var/log/app.log", O_WRONLY | O_APPEND, 4);
	do_fd_call(pt, 100, VG_SC_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 5);
	do_fd_call(pt, 100, VG_SC_socket, AF_INET, SOCK_STREAM, 0, 6);
	ASSERT_EQ(fdtable__count(p->fds), 4, "four fds before exec");

	/* a failed exec changes nothing but still resolves its path */
	ev_init(&ev, VG_SC_execve, 100);
	ev.res = -ENOENT;
	ev_str(&ev, 0, "./missing");
	proctable__update(pt, &ev);
	ASSERT_STREQ(ev.resolved[0], "/srv/app/missing", "failed exec path");
	ASSERT_STREQ(p->exe, "/usr/bin/app", "exe unchanged");
	ASSERT_EQ(fdtable__count(p->fds), 4, "fds unchanged");

	ev_init(&ev, VG_SC_execve, 100);
	ev.res = 0;
	ev.uid = 0;
	ev.gid = 0;
	strcpy(ev.comm, "sh");
	ev_str(&ev, 0, "run.sh");
	ev.blob[1].ptr = argv;
	ev.blob[1].len = sizeof(argv);
	ev.has_exec = true;
	ev.exec.exe.ptr = exe;
	ev.exec.exe.len = 13; /* counted: "/usr/bin/dash" */
	ev.exec.cwd.ptr = "/work";
	ev.exec.cwd.len = 5;
	ev.exec.ppid = 1;
	ev.exec.euid = 0;
	ev.exec.egid = 0;
	ev.exec.loginuid = 4242;
	ev.exec.tty = 34818;
	ev.exec.sid = 55;
	ev.exec.pgid = 56;
	ev.exec.cap_effective = 0x1ffffffffffULL;
	ev.exec.cap_permitted = 0x1ffffffffffULL;
	ev.exec.flags = VG_EXEC_F_EXE_MEMFD;
	ev.exec.start_ns = TS - 5;
	proctable__update(pt, &ev);

	ASSERT_STREQ(ev.resolved[0], "/srv/app/run.sh", "filename resolved on the cwd");
	ASSERT_TRUE(proctable__find(pt, 100) == p, "same entry");
	ASSERT_STREQ(p->exe, "/usr/bin/dash", "exe");
	ASSERT_STREQ(p->cwd, "/work", "cwd");
	ASSERT_EQ(p->args_len, sizeof(argv), "args_len");
	ASSERT_TRUE(!memcmp(p->args, argv, sizeof(argv)), "args");
	ASSERT_STREQ(p->comm, "sh", "comm");
	ASSERT_EQ(p->uid, 0, "uid");
	ASSERT_EQ(p->gid, 0, "gid");
	ASSERT_EQ(p->euid, 0, "euid");
	ASSERT_EQ(p->egid, 0, "egid");
	ASSERT_EQ(p->loginuid, 4242, "loginuid");
	ASSERT_EQ(p->tty, 34818, "tty");
	ASSERT_EQ(p->sid, 55, "sid");
	ASSERT_EQ(p->pgid, 56, "pgid");
	ASSERT_EQ(p->ppid, 1, "ppid");
	ASSERT_EQ(p->cap_effective, 0x1ffffffffffULL, "cap_effective");
	ASSERT_EQ(p->cap_permitted, 0x1ffffffffffULL, "cap_permitted");
	ASSERT_EQ(p->exec_flags, VG_EXEC_F_EXE_MEMFD, "exec_flags");
	ASSERT_EQ(p->start_ns, TS - 5, "start time");
	ASSERT_TRUE(fdtable__get(p->fds, 3) == NULL, "O_CLOEXEC file closed");
	ASSERT_TRUE(fdtable__get(p->fds, 5) == NULL, "SOCK_CLOEXEC socket closed");
	ASSERT_STREQ(fd_name(p, 4), "/var/log/app.log", "plain file kept");
	ASSERT_NONNULL(fdtable__get(p->fds, 6), "plain socket kept");
	ASSERT_EQ(fdtable__count(p->fds), 2, "two fds after exec");

	/* execveat with the exec record: same replacement */
	ev.type = VG_SC_execveat;
	ev.args[0] = FDCWD;
	ev.exec.exe.ptr = "/bin/true";
	ev.exec.exe.len = 9;
	proctable__update(pt, &ev);
	ASSERT_STREQ(p->exe, "/bin/true", "execveat exe");
	ASSERT_STREQ(ev.resolved[0], "/work/run.sh", "execveat path on the new cwd");
out:
	fake_done(pt, root);
}

TEST(proctable_exit_removes)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_event ev;

	if (!pt)
		return;
	ev_init(&ev, VG_EV_PROCEXIT, 300);
	ev.tid = 301;
	ev.group_dead = false;
	proctable__update(pt, &ev);
	ASSERT_NONNULL(proctable__find(pt, 300), "a thread's exit keeps the process");

	ev.group_dead = true;
	ev.exit_status = 1 << 8;
	proctable__update(pt, &ev);
	ASSERT_TRUE(proctable__find(pt, 300) == NULL, "exited process removed");
	ASSERT_EQ(proctable__count(pt), 2, "count");
	ASSERT_NONNULL(proctable__find(pt, 100), "others stay");

	/* an exit for a pid never seen neither reads procfs nor adds an entry */
	ev_init(&ev, VG_EV_PROCEXIT, 100);
	ev.group_dead = true;
	proctable__update(pt, &ev);
	proctable__update(pt, &ev);
	ev.pid = 4242;
	proctable__update(pt, &ev);
	ASSERT_EQ(proctable__count(pt), 1, "only pid 2 left");
	ASSERT_TRUE(proctable__find(pt, 100) == NULL, "100 gone");

	/* event types outside the table are ignored */
	ev_init(&ev, VG_TYPE_COUNT + 3, 100);
	proctable__update(pt, &ev);
	ASSERT_EQ(proctable__count(pt), 1, "unknown type ignored");
	fake_done(pt, root);
}

TEST(proctable_many_processes)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	const uint32_t n = 20000;
	struct vg_event ev;
	bool ok = true;

	if (!pt)
		return;
	/* enough forks to grow the hash several times, then exits in a scattered order */
	for (uint32_t i = 0; i < n; i++) {
		ev_init(&ev, VG_EV_FORK, 1000 + i * 7);
		ev.parent_pid = 100;
		proctable__update(pt, &ev);
	}
	ASSERT_EQ(proctable__count(pt), 3 + n, "all forked");
	for (uint32_t i = 0; i < n; i += 2) {
		ev_init(&ev, VG_EV_PROCEXIT, 1000 + i * 7);
		ev.group_dead = true;
		proctable__update(pt, &ev);
	}
	ASSERT_EQ(proctable__count(pt), 3 + n / 2, "half exited");
	for (uint32_t i = 0; i < n && ok; i++) {
		struct vg_proc *p = proctable__find(pt, 1000 + i * 7);

		ok = (i % 2) ? p && p->pid == 1000 + i * 7 : p == NULL;
	}
	ASSERT_TRUE(ok, "every lookup right after deletions");
	for (uint32_t i = 1; i < n; i += 2) {
		ev_init(&ev, VG_EV_PROCEXIT, 1000 + i * 7);
		ev.group_dead = true;
		proctable__update(pt, &ev);
	}
	ASSERT_EQ(proctable__count(pt), 3, "back to the seeded three");
	ASSERT_NONNULL(proctable__find(pt, 300), "seeded entries intact");
	fake_done(pt, root);
}

/* ---- paths and the cwd ---- */

TEST(proctable_chdir_and_relative_openat)
{
	static const char counted[] = "app.logTRAILING";
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_event ev;
	struct vg_fd *f;
	struct vg_proc *p;
	uint64_t how[3] = { O_RDONLY | O_CLOEXEC, 0, 0 };

	if (!pt)
		return;
	p = proctable__find(pt, 100);
	if (!ASSERT_NONNULL(p, "pid 100"))
		goto out;
	ev_init(&ev, VG_SC_chdir, 100);
	ev_str(&ev, 0, "../data/./logs/");
	proctable__update(pt, &ev);
	ASSERT_STREQ(ev.resolved[0], "/srv/data/logs", "chdir path resolved");
	ASSERT_STREQ(p->cwd, "/srv/data/logs", "cwd changed");

	ev_init(&ev, VG_SC_chdir, 100);
	ev.res = -ENOENT;
	ev_str(&ev, 0, "nope");
	proctable__update(pt, &ev);
	ASSERT_STREQ(ev.resolved[0], "/srv/data/logs/nope", "failed chdir resolved");
	ASSERT_STREQ(p->cwd, "/srv/data/logs", "failed chdir keeps the cwd");

	/* openat(AT_FDCWD, "app.log") with a counted, unterminated path */
	ev_init(&ev, VG_SC_openat, 100);
	ev.args[0] = FDCWD;
	ev.args[2] = O_WRONLY | O_CREAT | O_CLOEXEC;
	ev.res = 7;
	ev_blob(&ev, 1, counted, 7);
	proctable__update(pt, &ev);
	ASSERT_STREQ(ev.resolved[0], "/srv/data/logs/app.log", "openat resolved on the new cwd");
	f = fdtable__get(p->fds, 7);
	if (ASSERT_NONNULL(f, "fd 7")) {
		ASSERT_STREQ(f->name, "/srv/data/logs/app.log", "fd name");
		ASSERT_EQ(f->type, VG_FD_FILE, "file");
		ASSERT_EQ(f->open_flags, O_WRONLY | O_CREAT | O_CLOEXEC, "open flags kept");
	}

	ev_init(&ev, VG_SC_open, 100);
	ev.args[1] = O_RDONLY;
	ev.res = 8;
	ev_str(&ev, 0, "/etc//passwd");
	proctable__update(pt, &ev);
	ASSERT_STREQ(fd_name(p, 8), "/etc/passwd", "open absolute, normalised");

	do_openat(pt, 100, FDCWD, "..", O_RDONLY | O_DIRECTORY, 9);
	f = fdtable__get(p->fds, 9);
	if (ASSERT_NONNULL(f, "fd 9")) {
		ASSERT_EQ(f->type, VG_FD_DIR, "O_DIRECTORY makes a directory");
		ASSERT_STREQ(f->name, "/srv/data", "dir name");
	}

	ev_init(&ev, VG_SC_creat, 100);
	ev.res = 10;
	ev_str(&ev, 0, "new.txt");
	proctable__update(pt, &ev);
	f = fdtable__get(p->fds, 10);
	if (ASSERT_NONNULL(f, "creat"))
		ASSERT_EQ(f->open_flags, O_CREAT | O_WRONLY | O_TRUNC, "creat flags");

	ev_init(&ev, VG_SC_openat2, 100);
	ev.args[0] = FDCWD;
	ev.res = 11;
	ev_str(&ev, 1, "how.txt");
	ev_blob(&ev, 2, (const char *)how, sizeof(how));
	proctable__update(pt, &ev);
	f = fdtable__get(p->fds, 11);
	if (ASSERT_NONNULL(f, "openat2")) {
		ASSERT_STREQ(f->name, "/srv/data/logs/how.txt", "openat2 name");
		ASSERT_EQ(f->open_flags, O_RDONLY | O_CLOEXEC, "flags from open_how");
	}

	ev_init(&ev, VG_SC_memfd_create, 100);
	ev.args[1] = MFD_CLOEXEC;
	ev.res = 12;
	ev_str(&ev, 0, "blob");
	proctable__update(pt, &ev);
	f = fdtable__get(p->fds, 12);
	if (ASSERT_NONNULL(f, "memfd")) {
		ASSERT_EQ(f->type, VG_FD_MEMFD, "memfd type");
		ASSERT_STREQ(f->name, "memfd:blob", "memfd name");
		ASSERT_TRUE(f->open_flags & O_CLOEXEC, "MFD_CLOEXEC");
	}

	/* failures resolve but add no fd */
	do_openat(pt, 100, FDCWD, "secret", O_RDONLY, -EACCES);
	ASSERT_EQ(fdtable__count(p->fds), 6, "failed open adds nothing");

	/* stat-like calls only resolve */
	ev_init(&ev, VG_SC_unlink, 100);
	ev.res = -ENOENT;
	ev_str(&ev, 0, "../../x");
	proctable__update(pt, &ev);
	ASSERT_STREQ(ev.resolved[0], "/srv/x", "unlink path");
	ASSERT_TRUE(ev.resolved[1] == NULL, "one path only");
out:
	fake_done(pt, root);
}

TEST(proctable_openat_dirfd)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_event ev;
	struct vg_proc *p;

	if (!pt)
		return;
	p = proctable__find(pt, 100);
	if (!ASSERT_NONNULL(p, "pid 100"))
		goto out;
	do_openat(pt, 100, FDCWD, "/etc", O_RDONLY | O_DIRECTORY, 5);
	do_openat(pt, 100, 5, "ssl/certs/../private", O_RDONLY, 6);
	ASSERT_STREQ(fd_name(p, 6), "/etc/ssl/private", "openat on a dirfd");
	do_openat(pt, 100, 5, "/abs/path", O_RDONLY, 7);
	ASSERT_STREQ(fd_name(p, 7), "/abs/path", "absolute path ignores the dirfd");

	/* two paths, each against its own dirfd */
	ev_init(&ev, VG_SC_renameat, 100);
	ev.args[0] = 5;
	ev.args[2] = FDCWD;
	ev_str(&ev, 1, "old.conf");
	ev_str(&ev, 3, "new.conf");
	proctable__update(pt, &ev);
	ASSERT_STREQ(ev.resolved[0], "/etc/old.conf", "first path on olddirfd");
	ASSERT_STREQ(ev.resolved[1], "/srv/app/new.conf", "second path on the cwd");

	ev_init(&ev, VG_SC_rename, 100);
	ev_str(&ev, 0, "a");
	ev_str(&ev, 1, "/tmp/b");
	proctable__update(pt, &ev);
	ASSERT_STREQ(ev.resolved[0], "/srv/app/a", "rename old");
	ASSERT_STREQ(ev.resolved[1], "/tmp/b", "rename new");

	/* symlinkat: the target is a string, only the link path resolves */
	ev_init(&ev, VG_SC_symlinkat, 100);
	ev.args[1] = 5;
	ev_str(&ev, 0, "../target");
	ev_str(&ev, 2, "link");
	proctable__update(pt, &ev);
	ASSERT_STREQ(ev.resolved[0], "/etc/link", "symlinkat link path");
	ASSERT_TRUE(ev.resolved[1] == NULL, "target not resolved");

	/* AT_EMPTY_PATH: the empty path names the dirfd itself */
	ev_init(&ev, VG_SC_fchownat, 100);
	ev.args[0] = 6;
	ev.args[4] = AT_EMPTY_PATH;
	ev_str(&ev, 1, "");
	proctable__update(pt, &ev);
	ASSERT_STREQ(ev.resolved[0], "/etc/ssl/private", "AT_EMPTY_PATH");
	ev.args[4] = 0;
	proctable__update(pt, &ev);
	ASSERT_TRUE(ev.resolved[0] == NULL, "empty path without AT_EMPTY_PATH");

	/* a dirfd known nowhere: no resolution, the fd keeps the raw path */
	do_openat(pt, 100, 42, "rel/x", O_RDONLY, 13);
	ASSERT_STREQ(fd_name(p, 13), "rel/x", "unresolvable name kept raw");

	/* a dirfd only procfs knows: fd/4 links to the fake tree's own directory */
	do_openat(pt, 100, 4, "sub/file", O_RDONLY, 14);
	{
		char want[PATH_MAX];

		snprintf(want, sizeof(want), "%s/sub/file", root);
		ASSERT_STREQ(fd_name(p, 14), want, "dirfd read from procfs");
	}
	if (ASSERT_NONNULL(fdtable__get(p->fds, 4), "fd 4 loaded"))
		ASSERT_EQ(fdtable__get(p->fds, 4)->type, VG_FD_DIR, "fd 4 is a directory");
out:
	fake_done(pt, root);
}

TEST(proctable_fchdir)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_proc *p;

	if (!pt)
		return;
	p = proctable__find(pt, 100);
	if (!ASSERT_NONNULL(p, "pid 100"))
		goto out;
	do_openat(pt, 100, FDCWD, "/var/lib/", O_RDONLY | O_DIRECTORY, 5);
	do_fd_call(pt, 100, VG_SC_fchdir, 5, 0, 0, 0);
	ASSERT_STREQ(p->cwd, "/var/lib", "fchdir to a known fd");
	do_fd_call(pt, 100, VG_SC_fchdir, 99, 0, 0, -EBADF);
	ASSERT_STREQ(p->cwd, "/var/lib", "failed fchdir");
	/* fd 4 is unknown to events: procfs has it */
	do_fd_call(pt, 100, VG_SC_fchdir, 4, 0, 0, 0);
	ASSERT_STREQ(p->cwd, root, "fchdir to an fd read from procfs");
out:
	fake_done(pt, root);
}

/* ---- credentials ---- */

TEST(proctable_setuid_family)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_proc *p, *r;

	if (!pt)
		return;
	p = proctable__find(pt, 100); /* uid 1000 euid 1001, CAP_SETUID only */
	r = proctable__find(pt, 300); /* root with every capability */
	if (!ASSERT_NONNULL(p, "pid 100") || !ASSERT_NONNULL(r, "pid 300"))
		goto out;

	do_fd_call(pt, 100, VG_SC_setresuid, (uint64_t)-1, 0, (uint64_t)-1, 0);
	ASSERT_EQ(p->uid, 1000, "ruid -1 unchanged");
	ASSERT_EQ(p->euid, 0, "euid set");
	do_fd_call(pt, 100, VG_SC_setresuid, 3000, 0xffffffffu, 0xffffffffu, 0);
	ASSERT_EQ(p->uid, 3000, "ruid set");
	ASSERT_EQ(p->euid, 0, "32-bit -1 unchanged");
	do_fd_call(pt, 100, VG_SC_setresuid, 1, 2, 3, -EPERM);
	ASSERT_EQ(p->uid, 3000, "failed call changes nothing");
	do_fd_call(pt, 100, VG_SC_setresgid, (uint64_t)-1, 50, (uint64_t)-1, 0);
	ASSERT_EQ(p->gid, 2000, "rgid unchanged");
	ASSERT_EQ(p->egid, 50, "egid set");
	do_fd_call(pt, 100, VG_SC_setresgid, 60, (uint64_t)-1, (uint64_t)-1, 0);
	ASSERT_EQ(p->gid, 60, "rgid set");
	/* no CAP_SETGID: setgid moves the effective gid only */
	do_fd_call(pt, 100, VG_SC_setgid, 70, 0, 0, 0);
	ASSERT_EQ(p->gid, 60, "setgid unprivileged keeps rgid");
	ASSERT_EQ(p->egid, 70, "setgid unprivileged sets egid");
	/* CAP_SETUID: both */
	do_fd_call(pt, 100, VG_SC_setuid, 1000, 0, 0, 0);
	ASSERT_EQ(p->uid, 1000, "setuid privileged sets ruid");
	ASSERT_EQ(p->euid, 1000, "setuid privileged sets euid");
	ASSERT_EQ(p->cap_effective, 0, "leaving euid 0 drops the effective caps");

	/* root dropping to nobody loses its capabilities, as the kernel does */
	do_fd_call(pt, 300, VG_SC_setgid, 65534, 0, 0, 0);
	ASSERT_EQ(r->gid, 65534, "root setgid rgid");
	ASSERT_EQ(r->egid, 65534, "root setgid egid");
	do_fd_call(pt, 300, VG_SC_setuid, 65534, 0, 0, 0);
	ASSERT_EQ(r->uid, 65534, "root setuid ruid");
	ASSERT_EQ(r->euid, 65534, "root setuid euid");
	ASSERT_EQ(r->cap_effective, 0, "effective caps dropped");
	ASSERT_EQ(r->cap_permitted, 0, "permitted caps dropped");
out:
	fake_done(pt, root);
}

/* ---- descriptors ---- */

TEST(proctable_dup_fcntl_close)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_proc *p;
	struct vg_fd *f;

	if (!pt)
		return;
	p = proctable__find(pt, 100);
	if (!ASSERT_NONNULL(p, "pid 100"))
		goto out;
	do_openat(pt, 100, FDCWD, "/a", O_RDWR | O_CLOEXEC, 30);

	do_fd_call(pt, 100, VG_SC_dup, 30, 0, 0, 31);
	f = fdtable__get(p->fds, 31);
	if (ASSERT_NONNULL(f, "dup")) {
		ASSERT_STREQ(f->name, "/a", "dup name");
		ASSERT_EQ(f->open_flags, O_RDWR, "dup clears O_CLOEXEC");
	}
	do_fd_call(pt, 100, VG_SC_dup2, 30, 40, 0, 40);
	ASSERT_STREQ(fd_name(p, 40), "/a", "dup2");
	do_fd_call(pt, 100, VG_SC_dup3, 30, 41, O_CLOEXEC, 41);
	f = fdtable__get(p->fds, 41);
	if (ASSERT_NONNULL(f, "dup3"))
		ASSERT_TRUE(f->open_flags & O_CLOEXEC, "dup3 O_CLOEXEC");
	do_fd_call(pt, 100, VG_SC_fcntl, 30, F_DUPFD, 50, 50);
	f = fdtable__get(p->fds, 50);
	if (ASSERT_NONNULL(f, "F_DUPFD")) {
		ASSERT_STREQ(f->name, "/a", "F_DUPFD name");
		ASSERT_FALSE(f->open_flags & O_CLOEXEC, "F_DUPFD clears O_CLOEXEC");
	}
	do_fd_call(pt, 100, VG_SC_fcntl, 30, F_DUPFD_CLOEXEC, 50, 51);
	f = fdtable__get(p->fds, 51);
	if (ASSERT_NONNULL(f, "F_DUPFD_CLOEXEC"))
		ASSERT_TRUE(f->open_flags & O_CLOEXEC, "F_DUPFD_CLOEXEC sets it");
	do_fd_call(pt, 100, VG_SC_fcntl, 31, F_SETFD, FD_CLOEXEC, 0);
	ASSERT_TRUE(fdtable__get(p->fds, 31)->open_flags & O_CLOEXEC, "F_SETFD FD_CLOEXEC");
	do_fd_call(pt, 100, VG_SC_fcntl, 31, F_SETFD, 0, 0);
	ASSERT_FALSE(fdtable__get(p->fds, 31)->open_flags & O_CLOEXEC, "F_SETFD 0");
	do_fd_call(pt, 100, VG_SC_dup2, 40, 40, 0, 40);
	ASSERT_STREQ(fd_name(p, 40), "/a", "dup2 onto itself");
	do_fd_call(pt, 100, VG_SC_dup2, 30, 60, 0, -EBADF);
	ASSERT_TRUE(fdtable__get(p->fds, 60) == NULL, "failed dup2");
	ASSERT_EQ(fdtable__count(p->fds), 6, "count");

	do_fd_call(pt, 100, VG_SC_close, 30, 0, 0, 0);
	ASSERT_TRUE(fdtable__get(p->fds, 30) == NULL, "closed");
	ASSERT_STREQ(fd_name(p, 31), "/a", "its dup stays");
	do_fd_call(pt, 100, VG_SC_close, 31, 0, 0, -EBADF);
	ASSERT_NONNULL(fdtable__get(p->fds, 31), "failed close keeps the fd");
	do_fd_call(pt, 100, VG_SC_close, 777, 0, 0, 0);
	ASSERT_EQ(fdtable__count(p->fds), 5, "closing an unknown fd is harmless");

	/* dup of an fd events never showed: procfs (fd/3 -> /etc/hosts) */
	do_fd_call(pt, 100, VG_SC_dup, 3, 0, 0, 70);
	ASSERT_STREQ(fd_name(p, 70), "/etc/hosts", "dup of an fd read from procfs");
out:
	fake_done(pt, root);
}

TEST(proctable_socket_connect_name)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_event ev;
	struct vg_proc *p;
	struct vg_fd *f;

	if (!pt)
		return;
	p = proctable__find(pt, 100);
	if (!ASSERT_NONNULL(p, "pid 100"))
		goto out;
	do_fd_call(pt, 100, VG_SC_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 3);
	f = fdtable__get(p->fds, 3);
	if (!ASSERT_NONNULL(f, "tcp socket"))
		goto out;
	ASSERT_EQ(f->type, VG_FD_IPV4, "ipv4");
	ASSERT_EQ(f->family, AF_INET, "family");
	ASSERT_EQ(f->socktype, SOCK_STREAM, "socktype without the flags");
	ASSERT_EQ(f->l4proto, IPPROTO_TCP, "tcp inferred");
	ASSERT_TRUE(f->open_flags & O_CLOEXEC, "SOCK_CLOEXEC");
	ASSERT_STREQ(f->name, "", "no name yet");
	do_sockaddr_call(pt, 100, VG_SC_bind, 3, AF_INET, "127.0.0.1", 40000, 0);
	ASSERT_STREQ(f->name, "127.0.0.1:40000", "bound");
	ASSERT_EQ(f->lport, 40000, "lport");
	do_sockaddr_call(pt, 100, VG_SC_connect, 3, AF_INET, "127.0.0.1", 80, 0);
	ASSERT_STREQ(f->name, "127.0.0.1:40000->127.0.0.1:80", "connected tuple");
	ASSERT_TRUE(f->connected, "connected");
	ASSERT_EQ(f->rport, 80, "rport");

	do_fd_call(pt, 100, VG_SC_socket, AF_INET, SOCK_DGRAM, 0, 4);
	f = fdtable__get(p->fds, 4);
	if (ASSERT_NONNULL(f, "udp socket"))
		ASSERT_EQ(f->l4proto, IPPROTO_UDP, "udp inferred");
	do_sockaddr_call(pt, 100, VG_SC_connect, 4, AF_INET, "10.0.0.1", 53, -ECONNREFUSED);
	ASSERT_FALSE(f && f->connected, "failed connect");
	do_sockaddr_call(pt, 100, VG_SC_connect, 4, AF_INET, "10.0.0.1", 53, 0);
	ASSERT_STREQ(fd_name(p, 4), "0.0.0.0:0->10.0.0.1:53", "local end unknown");
	do_sockaddr_call(pt, 100, VG_SC_connect, 4, AF_UNSPEC, "0.0.0.0", 0, 0);
	ASSERT_FALSE(fdtable__get(p->fds, 4)->connected, "AF_UNSPEC disconnects");
	ASSERT_STREQ(fd_name(p, 4), "", "name back to nothing");

	do_fd_call(pt, 100, VG_SC_socket, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0, 5);
	do_sockaddr_call(pt, 100, VG_SC_bind, 5, AF_INET6, "::1", 40000, 0);
	do_sockaddr_call(pt, 100, VG_SC_connect, 5, AF_INET6, "::1", 80, -EINPROGRESS);
	f = fdtable__get(p->fds, 5);
	if (ASSERT_NONNULL(f, "ipv6 socket")) {
		ASSERT_EQ(f->type, VG_FD_IPV6, "ipv6");
		ASSERT_TRUE(f->connected, "EINPROGRESS counts");
		ASSERT_STREQ(f->name, "::1:40000->::1:80", "ipv6 tuple");
		ASSERT_TRUE(f->open_flags & O_NONBLOCK, "SOCK_NONBLOCK");
	}

	do_fd_call(pt, 100, VG_SC_socket, AF_UNIX, SOCK_STREAM, 0, 6);
	ev_init(&ev, VG_SC_connect, 100);
	ev.args[0] = 6;
	ev.addr.family = AF_UNIX;
	strcpy(ev.addr.path, "/run/docker.sock");
	proctable__update(pt, &ev);
	f = fdtable__get(p->fds, 6);
	if (ASSERT_NONNULL(f, "unix socket")) {
		ASSERT_EQ(f->type, VG_FD_UNIX, "unix");
		ASSERT_STREQ(f->name, "/run/docker.sock", "unix name is the path");
		ASSERT_TRUE(f->connected, "unix connected");
	}

	do_fd_call(pt, 100, VG_SC_socket, AF_NETLINK, SOCK_RAW, 0, 7);
	ASSERT_EQ(fdtable__get(p->fds, 7)->type, VG_FD_NETLINK, "netlink");
	do_fd_call(pt, 100, VG_SC_socket, 17 /* AF_PACKET */, SOCK_RAW, 0, 8);
	ASSERT_EQ(fdtable__get(p->fds, 8)->type, VG_FD_SOCKET, "another family");
	do_fd_call(pt, 100, VG_SC_socket, AF_INET, SOCK_RAW, IPPROTO_ICMP, 9);
	ASSERT_EQ(fdtable__get(p->fds, 9)->l4proto, IPPROTO_ICMP, "explicit protocol");
	do_fd_call(pt, 100, VG_SC_socket, AF_INET, SOCK_STREAM, 0, -EMFILE);
	ASSERT_EQ(fdtable__count(p->fds), 7, "failed socket adds nothing");

	/* connect on an fd known nowhere: made from the address */
	do_sockaddr_call(pt, 100, VG_SC_connect, 90, AF_INET, "192.0.2.1", 443, 0);
	f = fdtable__get(p->fds, 90);
	if (ASSERT_NONNULL(f, "socket from connect alone")) {
		ASSERT_EQ(f->type, VG_FD_IPV4, "type from the address family");
		ASSERT_STREQ(f->name, "0.0.0.0:0->192.0.2.1:443", "name");
	}
	/* a socket procfs shows but no /proc/net table places: the address gives its family */
	do_sockaddr_call(pt, 100, VG_SC_connect, 91, AF_INET6, "2001:db8::1", 443, 0);
	f = fdtable__get(p->fds, 91);
	if (ASSERT_NONNULL(f, "socket from procfs")) {
		ASSERT_EQ(f->type, VG_FD_IPV6, "family learnt from connect");
		ASSERT_EQ(f->family, AF_INET6, "AF_INET6");
		ASSERT_STREQ(f->name, ":::0->2001:db8::1:443", "name");
	}
out:
	fake_done(pt, root);
}

TEST(proctable_accept_inherits_local)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	struct vg_event ev;
	struct vg_proc *p;
	struct vg_fd *f;
	uint8_t any[4] = { 0 }, peer[4];

	if (!pt)
		return;
	p = proctable__find(pt, 100);
	if (!ASSERT_NONNULL(p, "pid 100"))
		goto out;
	do_fd_call(pt, 100, VG_SC_socket, AF_INET, SOCK_STREAM, 0, 3);
	do_sockaddr_call(pt, 100, VG_SC_bind, 3, AF_INET, "0.0.0.0", 8080, 0);
	do_fd_call(pt, 100, VG_SC_listen, 3, 128, 0, 0);
	ASSERT_TRUE(fdtable__get(p->fds, 3)->listening, "listening");

	ev_init(&ev, VG_SC_accept4, 100);
	ev.args[0] = 3;
	ev.args[3] = SOCK_CLOEXEC;
	ev.res = 7;
	ev_inet(&ev, AF_INET, "10.0.0.9", 51000);
	proctable__update(pt, &ev);
	f = fdtable__get(p->fds, 7);
	if (ASSERT_NONNULL(f, "accepted socket")) {
		inet_pton(AF_INET, "10.0.0.9", peer);
		ASSERT_EQ(f->type, VG_FD_IPV4, "ipv4 like the listener");
		ASSERT_EQ(f->l4proto, IPPROTO_TCP, "tcp like the listener");
		ASSERT_EQ(f->lport, 8080, "local port of the listener");
		ASSERT_TRUE(!memcmp(f->laddr, any, 4), "local address of the listener");
		ASSERT_EQ(f->rport, 51000, "remote port");
		ASSERT_TRUE(!memcmp(f->raddr, peer, 4), "remote address");
		ASSERT_TRUE(f->connected, "connected");
		ASSERT_FALSE(f->listening, "not listening itself");
		ASSERT_STREQ(f->name, "0.0.0.0:8080->10.0.0.9:51000", "name");
		ASSERT_TRUE(f->open_flags & O_CLOEXEC, "accept4 SOCK_CLOEXEC");
	}

	/* accept(fd, NULL, NULL): no peer address */
	ev_init(&ev, VG_SC_accept, 100);
	ev.args[0] = 3;
	ev.res = 8;
	proctable__update(pt, &ev);
	f = fdtable__get(p->fds, 8);
	if (ASSERT_NONNULL(f, "accept without address")) {
		ASSERT_FALSE(f->connected, "remote end unknown");
		ASSERT_STREQ(f->name, "0.0.0.0:8080", "local end only");
	}

	/* unix listener: accepted sockets take its path */
	do_fd_call(pt, 100, VG_SC_socket, AF_UNIX, SOCK_STREAM, 0, 20);
	ev_init(&ev, VG_SC_bind, 100);
	ev.args[0] = 20;
	ev.addr.family = AF_UNIX;
	strcpy(ev.addr.path, "/run/app.sock");
	proctable__update(pt, &ev);
	do_fd_call(pt, 100, VG_SC_listen, 20, 16, 0, 0);
	ev_init(&ev, VG_SC_accept, 100);
	ev.args[0] = 20;
	ev.res = 21;
	ev.addr.family = AF_UNIX;
	proctable__update(pt, &ev);
	f = fdtable__get(p->fds, 21);
	if (ASSERT_NONNULL(f, "unix accepted")) {
		ASSERT_EQ(f->type, VG_FD_UNIX, "unix");
		ASSERT_STREQ(f->name, "/run/app.sock", "listener's path");
	}
	ev.res = -EAGAIN;
	proctable__update(pt, &ev);
	ASSERT_EQ(fdtable__count(p->fds), 5, "failed accept adds nothing");
out:
	fake_done(pt, root);
}

TEST(proctable_socketpair_two_unix)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, true);
	int pair[2] = { 5, 6 };
	struct vg_event ev;
	struct vg_proc *p;

	if (!pt)
		return;
	p = proctable__find(pt, 100);
	if (!ASSERT_NONNULL(p, "pid 100"))
		goto out;
	ev_init(&ev, VG_SC_socketpair, 100);
	ev.args[0] = AF_UNIX;
	ev.args[1] = SOCK_DGRAM | SOCK_CLOEXEC;
	ev_blob(&ev, 3, (const char *)pair, sizeof(pair));
	ev.res = -EMFILE;
	proctable__update(pt, &ev);
	ASSERT_EQ(fdtable__count(p->fds), 0, "failed socketpair adds nothing");
	ev.res = 0;
	proctable__update(pt, &ev);
	for (int i = 0; i < 2; i++) {
		struct vg_fd *f = fdtable__get(p->fds, pair[i]);

		if (!ASSERT_NONNULL(f, "socketpair end"))
			continue;
		ASSERT_EQ(f->type, VG_FD_UNIX, "unix");
		ASSERT_EQ(f->family, AF_UNIX, "AF_UNIX");
		ASSERT_EQ(f->socktype, SOCK_DGRAM, "dgram");
		ASSERT_TRUE(f->open_flags & O_CLOEXEC, "SOCK_CLOEXEC");
	}
	ASSERT_EQ(fdtable__count(p->fds), 2, "two fds");

	/* a short blob is ignored */
	pair[0] = 9;
	pair[1] = 10;
	ev_blob(&ev, 3, (const char *)pair, 4);
	proctable__update(pt, &ev);
	ASSERT_EQ(fdtable__count(p->fds), 2, "short blob ignored");
out:
	fake_done(pt, root);
}

/* ---- processes and fds procfs must supply ---- */

TEST(proctable_unknown_fd_falls_back_to_proc)
{
	char dir[] = "/tmp/vg_dir_XXXXXX", real[PATH_MAX], want[PATH_MAX + 16];
	struct vg_proctable *pt = proctable__new("/proc");
	uint32_t self = (uint32_t)getpid();
	int dfd = -1, ffd = -1;
	struct vg_event ev;
	struct vg_proc *p;
	struct vg_fd *f;

	if (!ASSERT_NONNULL(pt, "proctable__new"))
		return;
	if (!ASSERT_NONNULL(mkdtemp(dir), "mkdtemp") ||
	    !ASSERT_NONNULL(realpath(dir, real), "realpath"))
		goto out;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!ASSERT_GE(dfd, 0, "open dir"))
		goto out;

	/* the first event of this process reads it from /proc, then the dirfd too */
	ev_init(&ev, VG_SC_openat, self);
	ev.args[0] = (uint64_t)dfd;
	ev.args[2] = O_RDWR | O_CREAT;
	ev_str(&ev, 1, "file.txt");
	ev.res = openat(dfd, "file.txt", O_RDWR | O_CREAT, 0600);
	ffd = (int)ev.res;
	if (!ASSERT_GE(ffd, 0, "openat"))
		goto out;
	proctable__update(pt, &ev);
	p = proctable__find(pt, self);
	if (!ASSERT_NONNULL(p, "self read from /proc"))
		goto out;
	snprintf(want, sizeof(want), "%s/file.txt", real);
	ASSERT_STREQ(ev.resolved[0], want, "resolved on a dirfd from /proc");
	ASSERT_STREQ(fd_name(p, ffd), want, "new fd named");
	f = fdtable__get(p->fds, dfd);
	if (ASSERT_NONNULL(f, "dirfd loaded")) {
		ASSERT_EQ(f->type, VG_FD_DIR, "a directory");
		ASSERT_STREQ(f->name, real, "its path");
		ASSERT_TRUE(f->open_flags & O_CLOEXEC, "its flags");
	}

	/* direct: a file this process opened, unknown to the table */
	fdtable__close(p->fds, ffd);
	f = fdtable__load_proc(p->fds, "/proc", (int)self, ffd);
	if (ASSERT_NONNULL(f, "load_proc of a real file")) {
		ASSERT_EQ(f->type, VG_FD_FILE, "a file");
		ASSERT_STREQ(f->name, want, "its path");
	}
	/* an fd that does not exist stays unknown */
	do_fd_call(pt, self, VG_SC_close, 5000, 0, 0, 0);
	ASSERT_TRUE(fdtable__get(p->fds, 5000) == NULL, "no such fd");
out:
	if (ffd >= 0)
		close(ffd);
	if (dfd >= 0)
		close(dfd);
	rm_tree(dir);
	proctable__free(pt);
}

TEST(proctable_unknown_pid_from_event)
{
	char root[] = "/tmp/vg_proc_XXXXXX";
	struct vg_proctable *pt = fake_table(root, false);
	struct vg_event ev;
	struct vg_proc *p;

	if (!pt)
		return;
	/* pid 100 is in procfs: its first event reads it */
	do_openat(pt, 100, FDCWD, "x", O_RDONLY, 3);
	p = proctable__find(pt, 100);
	if (ASSERT_NONNULL(p, "read on its first event")) {
		ASSERT_STREQ(p->exe, "/usr/bin/app", "exe from procfs");
		ASSERT_STREQ(fd_name(p, 3), "/srv/app/x", "resolved on the procfs cwd");
	}
	/* pid 4242 is not: an entry from the event alone */
	ev_init(&ev, VG_SC_openat, 4242);
	strcpy(ev.comm, "ghost");
	ev.uid = 33;
	ev.args[0] = FDCWD;
	ev.res = 3;
	ev_str(&ev, 1, "/abs/file");
	proctable__update(pt, &ev);
	p = proctable__find(pt, 4242);
	if (ASSERT_NONNULL(p, "entry from the event")) {
		ASSERT_STREQ(p->comm, "ghost", "comm");
		ASSERT_EQ(p->uid, 33, "uid");
		ASSERT_STREQ(p->cwd, "", "cwd unknown");
		ASSERT_STREQ(fd_name(p, 3), "/abs/file", "absolute paths need no cwd");
	}
	ASSERT_STREQ(ev.resolved[0], "/abs/file", "resolved");
	ev_str(&ev, 1, "rel");
	ev.res = 4;
	proctable__update(pt, &ev);
	ASSERT_TRUE(ev.resolved[0] == NULL, "relative path, cwd unknown");
	ASSERT_STREQ(fd_name(p, 4), "rel", "raw path kept as the name");
	ASSERT_EQ(proctable__count(pt), 2, "two entries");
	fake_done(pt, root);
}

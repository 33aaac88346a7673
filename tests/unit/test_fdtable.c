// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the fd table: entries, dup and clone semantics, the
 * VG_FD_MAX bound, socket names, and reading descriptors back from procfs,
 * both the real /proc of this process and a fake tree whose /proc/net tables
 * hold known sockets. No root needed.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/test.h"
#include "../../userspace/state/fdtable.h"

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

static bool write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *fp;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	fp = fopen(path, "w");
	if (!fp)
		return false;
	fputs(text, fp);
	return fclose(fp) == 0;
}

static bool make_link(const char *dir, const char *name, const char *target)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	return symlink(target, path) == 0;
}

/* An address as /proc/net/tcp prints it: each 32-bit word %08X as it sits in memory. */
static void hex_addr(const void *addr, size_t len, char *out)
{
	for (size_t i = 0; i < len / 4; i++) {
		uint32_t w;

		memcpy(&w, (const uint8_t *)addr + i * 4, 4);
		sprintf(out + i * 8, "%08X", w);
	}
}

static uint16_t bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* ---- tables in memory ---- */

TEST(fdtable_set_get_close)
{
	struct vg_fdtable *t = fdtable__new();
	struct vg_fd *f, *g;

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	ASSERT_TRUE(fdtable__get(t, 0) == NULL, "empty table has no fd 0");
	ASSERT_TRUE(fdtable__get(t, -1) == NULL, "negative fd");
	ASSERT_EQ(fdtable__count(t), 0, "empty count");

	f = fdtable__set(t, 3, VG_FD_FILE, "/etc/passwd");
	if (!ASSERT_NONNULL(f, "set fd 3"))
		goto out;
	ASSERT_EQ(f->type, VG_FD_FILE, "type");
	ASSERT_STREQ(f->name, "/etc/passwd", "name");
	ASSERT_TRUE(fdtable__get(t, 3) == f, "get returns the entry");
	ASSERT_TRUE(fdtable__get(t, 2) == NULL, "fd 2 unknown");

	/* replacing keeps the address and drops the old contents */
	f->open_flags = O_CLOEXEC;
	g = fdtable__set(t, 3, VG_FD_DIR, "/tmp");
	ASSERT_TRUE(g == f, "replaced entry keeps its address");
	ASSERT_STREQ(g->name, "/tmp", "replaced name");
	ASSERT_EQ(g->type, VG_FD_DIR, "replaced type");
	ASSERT_EQ(g->open_flags, 0, "replaced entry starts clean");
	ASSERT_EQ(fdtable__count(t), 1, "count after replace");

	f = fdtable__set(t, 5, VG_FD_PIPE, NULL);
	if (ASSERT_NONNULL(f, "set with NULL name"))
		ASSERT_STREQ(f->name, "", "NULL name stored as empty");
	ASSERT_EQ(fdtable__count(t), 2, "count");

	ASSERT_OK(fdtable__close(t, 3), "close 3");
	ASSERT_EQ(fdtable__close(t, 3), -ENOENT, "close 3 again");
	ASSERT_EQ(fdtable__close(t, 99), -ENOENT, "close beyond the array");
	ASSERT_EQ(fdtable__close(t, -1), -ENOENT, "close negative");
	ASSERT_TRUE(fdtable__get(t, 3) == NULL, "3 gone");
	ASSERT_EQ(fdtable__count(t), 1, "count after close");
out:
	fdtable__free(t);
	fdtable__free(NULL);
}

TEST(fdtable_fd_max_edge)
{
	struct vg_fdtable *t = fdtable__new();
	struct vg_fd *f;

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	ASSERT_NONNULL(fdtable__set(t, 2, VG_FD_FILE, "/dev/null"), "small fd");
	f = fdtable__set(t, VG_FD_MAX - 1, VG_FD_FILE, "/last");
	if (ASSERT_NONNULL(f, "VG_FD_MAX - 1 accepted"))
		ASSERT_TRUE(fdtable__get(t, VG_FD_MAX - 1) == f, "get VG_FD_MAX - 1");
	/* growing kept what was there */
	if (ASSERT_NONNULL(fdtable__get(t, 2), "fd 2 survives growth"))
		ASSERT_STREQ(fdtable__get(t, 2)->name, "/dev/null", "fd 2 name");

	errno = 0;
	ASSERT_TRUE(fdtable__set(t, VG_FD_MAX, VG_FD_FILE, "/over") == NULL, "VG_FD_MAX refused");
	ASSERT_EQ(errno, EBADF, "errno for VG_FD_MAX");
	ASSERT_TRUE(fdtable__set(t, -1, VG_FD_FILE, "/neg") == NULL, "-1 refused");
	ASSERT_TRUE(fdtable__get(t, VG_FD_MAX) == NULL, "get VG_FD_MAX");
	ASSERT_EQ(fdtable__dup(t, VG_FD_MAX - 1, VG_FD_MAX), -EBADF, "dup onto VG_FD_MAX");
	ASSERT_OK(fdtable__dup(t, VG_FD_MAX - 1, 0), "dup VG_FD_MAX - 1 onto 0");
	ASSERT_TRUE(fdtable__load_proc(t, "/proc", getpid(), VG_FD_MAX) == NULL,
		    "load_proc VG_FD_MAX");
	ASSERT_EQ(fdtable__count(t), 3, "count");
	fdtable__free(t);
}

TEST(fdtable_dup_semantics)
{
	struct vg_fdtable *t = fdtable__new();
	struct vg_fd *f, *d;

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	f = fdtable__set(t, 4, VG_FD_IPV4, "127.0.0.1:1->127.0.0.1:2");
	if (!ASSERT_NONNULL(f, "set"))
		goto out;
	f->open_flags = O_RDWR | O_CLOEXEC;
	f->lport = 1;
	f->rport = 2;
	f->connected = true;

	ASSERT_EQ(fdtable__dup(t, 7, 8), -ENOENT, "dup of unknown fd");
	ASSERT_OK(fdtable__dup(t, 4, 4), "dup onto itself");
	ASSERT_EQ(fdtable__count(t), 1, "self dup adds nothing");
	ASSERT_OK(fdtable__dup(t, 4, 100), "dup 4 -> 100");
	d = fdtable__get(t, 100);
	if (ASSERT_NONNULL(d, "copy present")) {
		ASSERT_TRUE(d != f, "a copy, not the same entry");
		ASSERT_TRUE(d->name != f->name, "the copy owns its name");
		ASSERT_STREQ(d->name, f->name, "same name");
		ASSERT_EQ(d->type, VG_FD_IPV4, "same type");
		ASSERT_EQ(d->rport, 2, "same remote port");
		ASSERT_TRUE(d->connected, "connected copied");
		ASSERT_EQ(d->open_flags, O_RDWR, "O_CLOEXEC not copied");
	}
	/* dup onto a known fd replaces it */
	ASSERT_NONNULL(fdtable__set(t, 5, VG_FD_FILE, "/old"), "set 5");
	ASSERT_OK(fdtable__dup(t, 4, 5), "dup 4 -> 5");
	ASSERT_STREQ(fdtable__get(t, 5)->name, "127.0.0.1:1->127.0.0.1:2", "5 replaced");
	ASSERT_EQ(fdtable__count(t), 3, "count");
out:
	fdtable__free(t);
}

TEST(fdtable_clone_is_deep)
{
	struct vg_fdtable *t = fdtable__new(), *c = NULL;

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	fdtable__set(t, 0, VG_FD_FILE, "/dev/pts/0");
	fdtable__set(t, 9, VG_FD_DIR, "/srv");
	c = fdtable__clone(t);
	if (!ASSERT_NONNULL(c, "clone"))
		goto out;
	ASSERT_EQ(fdtable__count(c), 2, "clone count");
	ASSERT_STREQ(fdtable__get(c, 9)->name, "/srv", "clone has fd 9");
	ASSERT_TRUE(fdtable__get(c, 9) != fdtable__get(t, 9), "separate entries");
	fdtable__close(c, 0);
	fdtable__set(c, 9, VG_FD_FILE, "/changed");
	ASSERT_STREQ(fdtable__get(t, 9)->name, "/srv", "original untouched by the clone");
	ASSERT_NONNULL(fdtable__get(t, 0), "original keeps fd 0");
	fdtable__free(c);

	/* an empty table clones to an empty table */
	fdtable__close(t, 0);
	fdtable__close(t, 9);
	c = fdtable__clone(t);
	if (ASSERT_NONNULL(c, "clone of empty"))
		ASSERT_EQ(fdtable__count(c), 0, "empty clone");
out:
	fdtable__free(c);
	fdtable__free(t);
}

TEST(fdtable_close_cloexec)
{
	struct vg_fdtable *t = fdtable__new();

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	fdtable__set(t, 0, VG_FD_FILE, "/dev/null");
	fdtable__set(t, 3, VG_FD_FILE, "/a")->open_flags = O_RDONLY | O_CLOEXEC;
	fdtable__set(t, 4, VG_FD_IPV4, "")->open_flags = O_RDWR | O_CLOEXEC;
	fdtable__set(t, 5, VG_FD_FILE, "/b")->open_flags = O_WRONLY;
	ASSERT_EQ(fdtable__close_cloexec(t), 2, "two closed");
	ASSERT_TRUE(fdtable__get(t, 3) == NULL && fdtable__get(t, 4) == NULL, "cloexec fds gone");
	ASSERT_NONNULL(fdtable__get(t, 0), "fd 0 stays");
	ASSERT_NONNULL(fdtable__get(t, 5), "fd 5 stays");
	ASSERT_EQ(fdtable__count(t), 2, "count");
	fdtable__free(t);
}

TEST(fdtable_type_names)
{
	static const struct {
		int type;
		char c;
		const char *name;
	} want[] = {
		{ VG_FD_FILE, 'f', "file" },	     { VG_FD_DIR, 'd', "directory" },
		{ VG_FD_IPV4, '4', "ipv4" },	     { VG_FD_IPV6, '6', "ipv6" },
		{ VG_FD_UNIX, 'u', "unix" },	     { VG_FD_PIPE, 'p', "pipe" },
		{ VG_FD_EVENT, 'e', "event" },	     { VG_FD_SIGNALFD, 's', "signalfd" },
		{ VG_FD_EVENTPOLL, 'l', "eventpoll" }, { VG_FD_INOTIFY, 'i', "inotify" },
		{ VG_FD_TIMERFD, 't', "timerfd" },   { VG_FD_NETLINK, 'n', "netlink" },
		{ VG_FD_BPF, 'b', "bpf" },	     { VG_FD_IO_URING, 'r', "io_uring" },
		{ VG_FD_MEMFD, 'm', "memfd" },	     { VG_FD_PIDFD, 'P', "pidfd" },
		{ VG_FD_SOCKET, 'o', "socket" },
	};

	ASSERT_EQ(sizeof(want) / sizeof(want[0]), VG_FD_TYPE_COUNT - 1, "every type listed");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ASSERT_EQ(vg_fd_typechar(want[i].type), want[i].c, want[i].name);
		ASSERT_STREQ(vg_fd_typename(want[i].type), want[i].name, want[i].name);
	}
	ASSERT_STREQ(vg_fd_typename(VG_FD_UNKNOWN), "<NA>", "unknown name");
	ASSERT_STREQ(vg_fd_typename(VG_FD_TYPE_COUNT), "<NA>", "out of range name");
	ASSERT_STREQ(vg_fd_typename(-1), "<NA>", "negative name");
	ASSERT_EQ(vg_fd_typechar(VG_FD_UNKNOWN), 'o', "unknown char");
	ASSERT_EQ(vg_fd_typechar(200), 'o', "out of range char");
}

TEST(fdtable_socket_names)
{
	struct vg_fdtable *t = fdtable__new();
	struct vg_fd *f;

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	f = fdtable__set(t, 3, VG_FD_IPV4, "");
	fdtable__name_socket(f);
	ASSERT_STREQ(f->name, "", "nothing known yet");
	inet_pton(AF_INET, "10.0.0.1", f->laddr);
	f->lport = 8080;
	fdtable__name_socket(f);
	ASSERT_STREQ(f->name, "10.0.0.1:8080", "bound only");
	inet_pton(AF_INET, "192.168.1.20", f->raddr);
	f->rport = 443;
	f->connected = true;
	fdtable__name_socket(f);
	ASSERT_STREQ(f->name, "10.0.0.1:8080->192.168.1.20:443", "ipv4 tuple");

	f = fdtable__set(t, 4, VG_FD_IPV6, "");
	inet_pton(AF_INET6, "::1", f->laddr);
	inet_pton(AF_INET6, "::1", f->raddr);
	f->lport = 40000;
	f->rport = 80;
	f->connected = true;
	fdtable__name_socket(f);
	ASSERT_STREQ(f->name, "::1:40000->::1:80", "ipv6 tuple, unbracketed as in Falco");
	f->lport = 0;
	memset(f->laddr, 0, sizeof(f->laddr));
	fdtable__name_socket(f);
	ASSERT_STREQ(f->name, ":::0->::1:80", "ipv6 unknown local end");

	f = fdtable__set(t, 5, VG_FD_UNIX, "/run/app.sock");
	fdtable__name_socket(f);
	ASSERT_STREQ(f->name, "/run/app.sock", "unix names are left alone");
	fdtable__free(t);
}

/* ---- procfs: this process ---- */

TEST(fdtable_load_proc_self_files)
{
	char tmpl[] = "/tmp/vg_fdtable_XXXXXX", real[PATH_MAX], dir[PATH_MAX];
	struct vg_fdtable *t = fdtable__new();
	int fd = -1, dfd = -1, fd2 = -1;
	struct vg_fd *f;

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (!ASSERT_GE(fd, 0, "mkostemp"))
		goto out;
	if (!ASSERT_NONNULL(realpath(tmpl, real), "realpath"))
		goto out;
	f = fdtable__load_proc(t, "/proc", getpid(), fd);
	if (ASSERT_NONNULL(f, "load the temp file")) {
		ASSERT_EQ(f->type, VG_FD_FILE, "a file");
		ASSERT_STREQ(f->name, real, "its path");
		ASSERT_TRUE(f->open_flags & O_CLOEXEC, "O_CLOEXEC from fdinfo");
		ASSERT_EQ(f->open_flags & O_ACCMODE, O_RDWR, "O_RDWR from fdinfo");
	}
	fd2 = open(tmpl, O_WRONLY | O_APPEND);
	f = fdtable__load_proc(t, "/proc", getpid(), fd2);
	if (ASSERT_NONNULL(f, "load the second open"))
		ASSERT_EQ(f->open_flags & (O_ACCMODE | O_APPEND | O_CLOEXEC), O_WRONLY | O_APPEND,
			  "flags of the second open");

	if (!ASSERT_NONNULL(realpath("/tmp", dir), "realpath /tmp"))
		goto out;
	dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
	f = fdtable__load_proc(t, "/proc", getpid(), dfd);
	if (ASSERT_NONNULL(f, "load a directory")) {
		ASSERT_EQ(f->type, VG_FD_DIR, "a directory");
		ASSERT_STREQ(f->name, dir, "its path");
	}
	/* unknown fds stay unknown and leave the table alone */
	ASSERT_TRUE(fdtable__load_proc(t, "/proc", getpid(), 999999) == NULL, "no such fd");
	ASSERT_TRUE(fdtable__load_proc(t, "/nonexistent", getpid(), fd) == NULL, "no procfs");
	ASSERT_EQ(fdtable__count(t), 3, "three loaded");
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmpl);
	}
	if (fd2 >= 0)
		close(fd2);
	if (dfd >= 0)
		close(dfd);
	fdtable__free(t);
}

TEST(fdtable_load_proc_self_anon)
{
	struct vg_fdtable *t = fdtable__new();
	int p[2] = { -1, -1 }, fds[8];
	size_t nfds = 0;
	struct vg_fd *f;
	sigset_t mask;
	int fd;

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	if (!ASSERT_OK(pipe(p), "pipe"))
		goto out;
	f = fdtable__load_proc(t, "/proc", getpid(), p[0]);
	if (ASSERT_NONNULL(f, "pipe read end")) {
		ASSERT_EQ(f->type, VG_FD_PIPE, "pipe type");
		ASSERT_TRUE(!strncmp(f->name, "pipe:[", 6), "pipe name");
	}

#define CHECK_ANON(expr, want, what)                                               \
	do {                                                                       \
		fd = (expr);                                                       \
		if (ASSERT_GE(fd, 0, what)) {                                      \
			fds[nfds++] = fd;                                          \
			f = fdtable__load_proc(t, "/proc", getpid(), fd);          \
			if (ASSERT_NONNULL(f, what))                               \
				ASSERT_EQ(f->type, want, what);                    \
		}                                                                  \
	} while (0)

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	CHECK_ANON(eventfd(0, EFD_CLOEXEC), VG_FD_EVENT, "eventfd");
	CHECK_ANON(epoll_create1(EPOLL_CLOEXEC), VG_FD_EVENTPOLL, "epoll");
	CHECK_ANON(inotify_init1(IN_CLOEXEC), VG_FD_INOTIFY, "inotify");
	CHECK_ANON(signalfd(-1, &mask, SFD_CLOEXEC), VG_FD_SIGNALFD, "signalfd");
	CHECK_ANON(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC), VG_FD_TIMERFD, "timerfd");
	CHECK_ANON(memfd_create("vg_test", MFD_CLOEXEC), VG_FD_MEMFD, "memfd");
	if (f && f->type == VG_FD_MEMFD)
		ASSERT_STREQ(f->name, "memfd:vg_test", "memfd name without / and (deleted)");
	fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (fd >= 0) {
		close(fd);
		CHECK_ANON((int)syscall(SYS_pidfd_open, getpid(), 0), VG_FD_PIDFD, "pidfd");
	}
#undef CHECK_ANON
out:
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
	fdtable__free(t);
}

TEST(fdtable_load_proc_self_sockets)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct vg_fdtable *t = fdtable__new();
	int lfd = -1, cfd = -1, afd = -1, ufd = -1, pair[2] = { -1, -1 };
	char want[64];
	struct vg_fd *f;

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	if (access("/proc/self/net/tcp", R_OK)) {
		test__skip("/proc/self/net/tcp not readable");
		goto out;
	}
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!ASSERT_GE(lfd, 0, "socket") ||
	    !ASSERT_OK(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), "bind") ||
	    !ASSERT_OK(listen(lfd, 4), "listen"))
		goto out;
	sin.sin_port = htons(bound_port(lfd));
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (!ASSERT_OK(connect(cfd, (struct sockaddr *)&sin, sizeof(sin)), "connect"))
		goto out;
	afd = accept(lfd, NULL, NULL);
	ASSERT_GE(afd, 0, "accept");

	f = fdtable__load_proc(t, "/proc", getpid(), lfd);
	if (ASSERT_NONNULL(f, "listening socket")) {
		ASSERT_EQ(f->type, VG_FD_IPV4, "ipv4");
		ASSERT_EQ(f->l4proto, IPPROTO_TCP, "tcp");
		ASSERT_EQ(f->socktype, SOCK_STREAM, "stream");
		ASSERT_TRUE(f->listening, "listening");
		ASSERT_FALSE(f->connected, "not connected");
		ASSERT_EQ(f->lport, bound_port(lfd), "local port");
		snprintf(want, sizeof(want), "127.0.0.1:%u", bound_port(lfd));
		ASSERT_STREQ(f->name, want, "listening name");
		ASSERT_TRUE(f->open_flags & O_CLOEXEC, "SOCK_CLOEXEC seen in fdinfo");
	}
	f = fdtable__load_proc(t, "/proc", getpid(), cfd);
	if (ASSERT_NONNULL(f, "client socket")) {
		ASSERT_TRUE(f->connected, "client connected");
		snprintf(want, sizeof(want), "127.0.0.1:%u->127.0.0.1:%u", bound_port(cfd),
			 bound_port(lfd));
		ASSERT_STREQ(f->name, want, "client tuple");
	}

	ufd = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_port = 0;
	if (ASSERT_OK(bind(ufd, (struct sockaddr *)&sin, sizeof(sin)), "bind udp")) {
		f = fdtable__load_proc(t, "/proc", getpid(), ufd);
		if (ASSERT_NONNULL(f, "udp socket")) {
			ASSERT_EQ(f->l4proto, IPPROTO_UDP, "udp");
			ASSERT_EQ(f->socktype, SOCK_DGRAM, "dgram");
			ASSERT_EQ(f->lport, bound_port(ufd), "udp port");
		}
	}

	if (ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), "socketpair")) {
		f = fdtable__load_proc(t, "/proc", getpid(), pair[0]);
		if (ASSERT_NONNULL(f, "unix socket")) {
			ASSERT_EQ(f->type, VG_FD_UNIX, "unix");
			ASSERT_EQ(f->family, AF_UNIX, "AF_UNIX");
			ASSERT_EQ(f->socktype, SOCK_STREAM, "unix stream");
		}
	}
out:
	if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
	if (afd >= 0)
		close(afd);
	if (ufd >= 0)
		close(ufd);
	if (pair[0] >= 0) {
		close(pair[0]);
		close(pair[1]);
	}
	fdtable__free(t);
}

/* ---- procfs: a fake tree ---- */

TEST(fdtable_load_proc_fake_tree)
{
	char root[] = "/tmp/vg_fakeproc_XXXXXX", d[PATH_MAX], line[512], h1[40], h2[40];
	struct vg_fdtable *t = fdtable__new();
	uint8_t a1[16], a2[16];
	struct vg_fd *f;

	if (!ASSERT_NONNULL(t, "fdtable__new"))
		return;
	if (!ASSERT_NONNULL(mkdtemp(root), "mkdtemp"))
		goto out;
	snprintf(d, sizeof(d), "%s/4321", root);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/4321/fd", root);
	mkdir(d, 0755);
	make_link(d, "3", "socket:[1001]");
	make_link(d, "4", "socket:[1002]");
	make_link(d, "5", "socket:[1003]");
	make_link(d, "6", "socket:[1004]");
	make_link(d, "7", "socket:[9999]");
	make_link(d, "8", "/memfd:payload (deleted)");
	make_link(d, "9", "anon_inode:bpf-map");
	make_link(d, "10", "anon_inode:[io_uring]");
	make_link(d, "11", "net:[4026531840]");
	make_link(d, "12", "socket:[1005]");
	make_link(d, "13", "anon_inode:[userfaultfd]");
	make_link(d, "14", root); /* a directory that exists: stat says so */
	snprintf(d, sizeof(d), "%s/4321/fdinfo", root);
	mkdir(d, 0755);
	write_file(d, "3", "pos:\t0\nflags:\t02000002\nmnt_id:\t8\n");
	snprintf(d, sizeof(d), "%s/4321/net", root);
	mkdir(d, 0755);

	/* tcp: 10.1.2.3:5555 -> 10.9.8.7:443 established */
	inet_pton(AF_INET, "10.1.2.3", a1);
	inet_pton(AF_INET, "10.9.8.7", a2);
	hex_addr(a1, 4, h1);
	hex_addr(a2, 4, h2);
	snprintf(line, sizeof(line),
		 "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
		 "   uid  timeout inode\n"
		 "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
		 "     0        0 77 1 0000000000000000 100 0 0 10 0\n"
		 "   1: %s:15B3 %s:01BB 01 00000000:00000000 00:00000000 00000000"
		 "  1000        0 1001 1 0000000000000000 20 4 30 10 -1\n",
		 h1, h2);
	write_file(d, "tcp", line);
	/* tcp6: [::1]:8443 listening */
	inet_pton(AF_INET6, "::1", a1);
	memset(a2, 0, sizeof(a2));
	hex_addr(a1, 16, h1);
	hex_addr(a2, 16, h2);
	snprintf(line, sizeof(line),
		 "  sl  local_address                         remote_address"
		 "                        st tx_queue rx_queue tr tm->when retrnsmt"
		 "   uid  timeout inode\n"
		 "   0: %s:20FB %s:0000 0A 00000000:00000000 00:00000000 00000000"
		 "     0        0 1002 1 0000000000000000 100 0 0 10 0\n",
		 h1, h2);
	write_file(d, "tcp6", line);
	/* udp: 0.0.0.0:53 */
	write_file(d, "udp",
		   "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
		   "   uid  timeout inode ref pointer drops\n"
		   "  100: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000"
		   "     0        0 1004 2 0000000000000000 0\n");
	write_file(d, "unix",
		   "Num       RefCount Protocol Flags    Type St Inode Path\n"
		   "0000000000000000: 00000002 00000000 00010000 0001 01 1003 /run/vg test.sock\n"
		   "0000000000000000: 00000003 00000000 00000000 0001 03 1006\n");
	write_file(d, "netlink",
		   "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks"
		   "    Drops    Inode\n"
		   "0000000000000000 0   4321       00000000 0        0        0     2"
		   "        0        1005\n");

	f = fdtable__load_proc(t, root, 4321, 3);
	if (ASSERT_NONNULL(f, "tcp socket")) {
		ASSERT_EQ(f->type, VG_FD_IPV4, "tcp type");
		ASSERT_EQ(f->l4proto, IPPROTO_TCP, "tcp proto");
		ASSERT_TRUE(f->connected, "established");
		ASSERT_FALSE(f->listening, "not listening");
		ASSERT_STREQ(f->name, "10.1.2.3:5555->10.9.8.7:443", "tcp tuple");
		ASSERT_EQ(f->open_flags, O_RDWR | O_CLOEXEC, "flags from fdinfo");
	}
	f = fdtable__load_proc(t, root, 4321, 4);
	if (ASSERT_NONNULL(f, "tcp6 socket")) {
		ASSERT_EQ(f->type, VG_FD_IPV6, "tcp6 type");
		ASSERT_EQ(f->family, AF_INET6, "tcp6 family");
		ASSERT_TRUE(f->listening, "listening");
		ASSERT_EQ(f->lport, 8443, "port");
		ASSERT_STREQ(f->name, "::1:8443", "tcp6 name");
	}
	f = fdtable__load_proc(t, root, 4321, 5);
	if (ASSERT_NONNULL(f, "unix socket")) {
		ASSERT_EQ(f->type, VG_FD_UNIX, "unix type");
		ASSERT_STREQ(f->name, "/run/vg test.sock", "unix path, spaces kept");
		ASSERT_TRUE(f->listening, "__SO_ACCEPTCON");
		ASSERT_EQ(f->socktype, SOCK_STREAM, "unix stream");
	}
	f = fdtable__load_proc(t, root, 4321, 6);
	if (ASSERT_NONNULL(f, "udp socket")) {
		ASSERT_EQ(f->type, VG_FD_IPV4, "udp type");
		ASSERT_EQ(f->l4proto, IPPROTO_UDP, "udp proto");
		ASSERT_STREQ(f->name, "0.0.0.0:53", "udp name");
	}
	f = fdtable__load_proc(t, root, 4321, 7);
	if (ASSERT_NONNULL(f, "socket in no table")) {
		ASSERT_EQ(f->type, VG_FD_SOCKET, "another socket");
		ASSERT_STREQ(f->name, "socket:[9999]", "link kept as its name");
	}
	f = fdtable__load_proc(t, root, 4321, 8);
	if (ASSERT_NONNULL(f, "memfd")) {
		ASSERT_EQ(f->type, VG_FD_MEMFD, "memfd type");
		ASSERT_STREQ(f->name, "memfd:payload", "memfd name");
	}
	f = fdtable__load_proc(t, root, 4321, 9);
	if (ASSERT_NONNULL(f, "bpf map"))
		ASSERT_EQ(f->type, VG_FD_BPF, "bpf type");
	f = fdtable__load_proc(t, root, 4321, 10);
	if (ASSERT_NONNULL(f, "io_uring"))
		ASSERT_EQ(f->type, VG_FD_IO_URING, "io_uring type");
	f = fdtable__load_proc(t, root, 4321, 11);
	if (ASSERT_NONNULL(f, "namespace fd")) {
		ASSERT_EQ(f->type, VG_FD_UNKNOWN, "namespace type");
		ASSERT_STREQ(f->name, "net:[4026531840]", "namespace name");
	}
	f = fdtable__load_proc(t, root, 4321, 12);
	if (ASSERT_NONNULL(f, "netlink"))
		ASSERT_EQ(f->type, VG_FD_NETLINK, "netlink type");
	f = fdtable__load_proc(t, root, 4321, 13);
	if (ASSERT_NONNULL(f, "userfaultfd"))
		ASSERT_EQ(f->type, VG_FD_UNKNOWN, "an anon inode vigil has no type for");
	f = fdtable__load_proc(t, root, 4321, 14);
	if (ASSERT_NONNULL(f, "directory")) {
		ASSERT_EQ(f->type, VG_FD_DIR, "directory type");
		ASSERT_STREQ(f->name, root, "directory name");
	}
	ASSERT_TRUE(fdtable__load_proc(t, root, 4321, 15) == NULL, "no fd 15");
	ASSERT_TRUE(fdtable__load_proc(t, root, 1, 3) == NULL, "no pid 1");
	ASSERT_EQ(fdtable__count(t), 12, "count");
	rm_tree(root);
out:
	fdtable__free(t);
}

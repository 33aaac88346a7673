// SPDX-License-Identifier: Apache-2.0
/*
 * The process table: an open-addressing hash of pid -> struct vg_proc,
 * seeded from /proc and then kept from events (fork, exec, exit, chdir,
 * set*id and the fd-changing syscalls). It also turns an event's path
 * arguments into absolute paths, since only it knows the cwd and the dirfds.
 * Everything here is best effort: a file missing from /proc or an event
 * about an unknown fd leaves a field unknown, never an error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/memfd.h>

#include "../events/flags.h"
#include "../lib/log.h"
#include "proctable.h"

#define NSEC_PER_SEC 1000000000ULL
#define TABLE_BITS_MIN 10
/* cwd (VG_STR_MAX) joined with a relative path (VG_STR_MAX) */
#define RESOLVED_MAX (2 * VG_STR_MAX)
/* after a sweep that freed nothing, inserts refused before the next sweep */
#define SWEEP_BACKOFF 4096

struct vg_proctable {
	char *procfs;
	struct vg_proc **slot; /* linear probing; NULL is empty */
	unsigned int bits;     /* 1 << bits slots, kept at most half full */
	size_t count;
	unsigned int sweep_wait;
	long clk_tck;
	uint64_t btime_ns;
	bool btime_read;
	char resolved[2][RESOLVED_MAX]; /* ev->resolved[] points here */
};

/* ---- hash table ---- */

static size_t slot_hash(const struct vg_proctable *pt, uint32_t pid)
{
	/* Fibonacci hashing: pids are dense and sequential, the top bits spread them */
	return (uint32_t)(pid * 2654435761u) >> (32 - pt->bits);
}

/* The slot holding pid, or the empty slot where it would go. */
static size_t slot_find(const struct vg_proctable *pt, uint32_t pid)
{
	size_t mask = ((size_t)1 << pt->bits) - 1, i = slot_hash(pt, pid);

	while (pt->slot[i] && pt->slot[i]->pid != pid)
		i = (i + 1) & mask;
	return i;
}

static int table_grow(struct vg_proctable *pt)
{
	size_t oldn = (size_t)1 << pt->bits;
	struct vg_proc **old = pt->slot, **grown;

	grown = calloc(oldn * 2, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	pt->slot = grown;
	pt->bits++;
	for (size_t i = 0; i < oldn; i++)
		if (old[i])
			pt->slot[slot_find(pt, old[i]->pid)] = old[i];
	free(old);
	return 0;
}

/*
 * Backward-shift deletion: later members of the probe run move up into the
 * hole, so lookups never need tombstones.
 */
static void table_remove_at(struct vg_proctable *pt, size_t i)
{
	size_t mask = ((size_t)1 << pt->bits) - 1, j = i;

	pt->slot[i] = NULL;
	pt->count--;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!pt->slot[j])
			break;
		home = slot_hash(pt, pt->slot[j]->pid);
		/* stays put when its home lies cyclically in (i, j] */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		pt->slot[i] = pt->slot[j];
		pt->slot[j] = NULL;
		i = j;
	}
}

/* ---- process entries ---- */

static void proc_free(struct vg_proc *p)
{
	if (!p)
		return;
	free(p->exe);
	free(p->args);
	free(p->cwd);
	fdtable__free(p->fds);
	free(p);
}

/* Replace *dst with a copy of len bytes (cut at a NUL); the old string goes. */
static int str_set(char **dst, const char *src, size_t len)
{
	char *copy;

	len = src ? strnlen(src, len) : 0;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, src, len);
	copy[len] = '\0';
	free(*dst);
	*dst = copy;
	return 0;
}

/* argv is kept as /proc/PID/cmdline has it, NULs inside, plus one more at the end. */
static int args_set(struct vg_proc *p, const char *args, size_t len)
{
	char *copy;

	if (len > VG_ARGS_MAX)
		len = VG_ARGS_MAX;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, args, len);
	copy[len] = '\0';
	free(p->args);
	p->args = copy;
	p->args_len = len;
	return 0;
}

static void comm_set(struct vg_proc *p, const char *comm, size_t len)
{
	len = strnlen(comm, len);
	if (len > sizeof(p->comm) - 1)
		len = sizeof(p->comm) - 1;
	memcpy(p->comm, comm, len);
	p->comm[len] = '\0';
}

/*
 * A new entry with every string present (empty when unknown), so that
 * readers never test for NULL, and an empty fd table.
 */
static struct vg_proc *proc_alloc(uint32_t pid)
{
	struct vg_proc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->pid = pid;
	p->loginuid = (uint32_t)-1;
	p->exe = strdup("");
	p->cwd = strdup("");
	p->args = strdup("");
	p->fds = fdtable__new();
	if (!p->exe || !p->cwd || !p->args || !p->fds) {
		proc_free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

/* ---- /proc ---- */

/* Read a small procfs file into buf, NUL-terminated; returns its length or -errno. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, err;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

static uint64_t btime_ns(struct vg_proctable *pt)
{
	char path[PATH_MAX], line[256];
	unsigned long long btime;
	FILE *fp;

	if (pt->btime_read)
		return pt->btime_ns;
	pt->btime_read = true;
	snprintf(path, sizeof(path), "%s/stat", pt->procfs);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "btime %llu", &btime) == 1) {
			pt->btime_ns = btime * NSEC_PER_SEC;
			break;
		}
	}
	fclose(fp);
	return pt->btime_ns;
}

/* procfs/PID/stat: "pid (comm) state ppid pgrp session tty_nr ... starttime(22) ..." */
static void read_stat(struct vg_proctable *pt, int dirfd, struct vg_proc *p)
{
	unsigned long long start;
	int ppid, pgrp, sid, tty;
	char buf[1024], *lp, *rp;
	uint64_t boot;

	if (read_at(dirfd, "stat", buf, sizeof(buf)) <= 0)
		return;
	/* comm may hold spaces and ')': it ends at the last ')' */
	lp = strchr(buf, '(');
	rp = strrchr(buf, ')');
	if (!lp || !rp || rp < lp)
		return;
	comm_set(p, lp + 1, (size_t)(rp - lp - 1));
	if (sscanf(rp + 1,
		   " %*c %d %d %d %d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &ppid, &pgrp, &sid, &tty, &start) != 5)
		return;
	p->ppid = (uint32_t)ppid;
	p->pgid = (uint32_t)pgrp;
	p->sid = (uint32_t)sid;
	p->tty = (uint32_t)tty;
	boot = btime_ns(pt);
	/* starttime is in clock ticks since boot; split to stay clear of overflow */
	if (boot && pt->clk_tck > 0)
		p->start_ns = boot + start / pt->clk_tck * NSEC_PER_SEC +
			      start % pt->clk_tck * NSEC_PER_SEC / pt->clk_tck;
}

static void read_status(int dirfd, struct vg_proc *p)
{
	unsigned long long cap;
	char buf[4096], *line, *save;
	unsigned int real, eff;

	if (read_at(dirfd, "status", buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "Uid: %u %u", &real, &eff) == 2) {
			p->uid = real;
			p->euid = eff;
		} else if (sscanf(line, "Gid: %u %u", &real, &eff) == 2) {
			p->gid = real;
			p->egid = eff;
		} else if (sscanf(line, "CapEff: %llx", &cap) == 1) {
			p->cap_effective = cap;
		} else if (sscanf(line, "CapPrm: %llx", &cap) == 1) {
			p->cap_permitted = cap;
		}
	}
}

static void read_link_at(int dirfd, const char *name, char **dst)
{
	char buf[PATH_MAX];
	ssize_t n;

	/* kernel threads and other users' processes have none to show: stays "" */
	n = readlinkat(dirfd, name, buf, sizeof(buf));
	if (n > 0)
		str_set(dst, buf, (size_t)n);
}

/* A fresh entry for pid from procfs, not in the table yet; NULL (errno) when pid is gone. */
static struct vg_proc *proc_read(struct vg_proctable *pt, uint32_t pid)
{
	char path[PATH_MAX], buf[VG_ARGS_MAX + 1];
	struct vg_proc *p;
	ssize_t n;
	int dirfd;

	if (!pid) {
		errno = ENOENT;
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%u", pt->procfs, pid);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return NULL;
	p = proc_alloc(pid);
	if (!p) {
		close(dirfd);
		return NULL;
	}
	read_stat(pt, dirfd, p);
	read_status(dirfd, p);
	/* comm is also in stat; the comm file wins when it is there */
	n = read_at(dirfd, "comm", buf, sizeof(p->comm) + 1);
	if (n > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		comm_set(p, buf, sizeof(buf));
	}
	n = read_at(dirfd, "cmdline", buf, sizeof(buf));
	if (n > 0)
		args_set(p, buf, (size_t)n);
	read_link_at(dirfd, "exe", &p->exe);
	read_link_at(dirfd, "cwd", &p->cwd);
	if (read_at(dirfd, "loginuid", buf, 32) > 0)
		p->loginuid = (uint32_t)strtoul(buf, NULL, 10);
	close(dirfd);
	return p;
}

/* Whether procfs still shows pid; errors other than ENOENT count as alive. */
static bool proc_alive(const struct vg_proctable *pt, uint32_t pid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%u", pt->procfs, pid);
	return !access(path, F_OK) || errno != ENOENT;
}

/*
 * At VG_PROC_MAX, drop entries whose exit we missed (procfs no longer has
 * them) before refusing anything. A whole sweep is costly, so after one that
 * freed nothing the next waits SWEEP_BACKOFF inserts.
 */
static int table_make_room(struct vg_proctable *pt)
{
	size_t n = (size_t)1 << pt->bits, freed = 0;

	if (pt->sweep_wait) {
		pt->sweep_wait--;
		return -ENOSPC;
	}
	for (size_t i = 0; i < n;) {
		struct vg_proc *p = pt->slot[i];

		if (p && (p->exited || !proc_alive(pt, p->pid))) {
			/* slot i may now hold a shifted entry: look at it again */
			table_remove_at(pt, i);
			proc_free(p);
			freed++;
			continue;
		}
		i++;
	}
	if (freed)
		return 0;
	pt->sweep_wait = SWEEP_BACKOFF;
	log_warn("proctable: %d processes tracked, new ones ignored", VG_PROC_MAX);
	return -ENOSPC;
}

/* Put p in the table, replacing (and freeing) an entry with its pid. On error p is not taken. */
static int table_insert(struct vg_proctable *pt, struct vg_proc *p)
{
	size_t i = slot_find(pt, p->pid);
	int err;

	if (pt->slot[i]) {
		proc_free(pt->slot[i]);
		pt->slot[i] = p;
		return 0;
	}
	if (pt->count >= VG_PROC_MAX) {
		err = table_make_room(pt);
		if (err)
			return err;
	}
	if ((pt->count + 1) * 2 > (size_t)1 << pt->bits) {
		err = table_grow(pt);
		if (err)
			return err;
	}
	pt->slot[slot_find(pt, p->pid)] = p;
	pt->count++;
	return 0;
}

/* ---- public ---- */

struct vg_proctable *proctable__new(const char *procfs)
{
	struct vg_proctable *pt = calloc(1, sizeof(*pt));

	if (!pt)
		return NULL;
	pt->procfs = strdup(procfs ? procfs : "/proc");
	pt->bits = TABLE_BITS_MIN;
	pt->slot = calloc((size_t)1 << pt->bits, sizeof(*pt->slot));
	if (!pt->procfs || !pt->slot) {
		proctable__free(pt);
		errno = ENOMEM;
		return NULL;
	}
	pt->clk_tck = sysconf(_SC_CLK_TCK);
	return pt;
}

void proctable__free(struct vg_proctable *pt)
{
	if (!pt)
		return;
	for (size_t i = 0; pt->slot && i < (size_t)1 << pt->bits; i++)
		proc_free(pt->slot[i]);
	free(pt->slot);
	free(pt->procfs);
	free(pt);
}

size_t proctable__count(const struct vg_proctable *pt)
{
	return pt->count;
}

struct vg_proc *proctable__find(struct vg_proctable *pt, uint32_t pid)
{
	return pt->slot[slot_find(pt, pid)];
}

/* Read pid from procfs into the table. A refresh keeps the fds learnt from
 * events when the start time shows it is still the same process.
 */
static struct vg_proc *proctable_load(struct vg_proctable *pt, uint32_t pid)
{
	struct vg_proc *p = proc_read(pt, pid), *old;
	struct vg_fdtable *fds;
	int err;

	if (!p)
		return NULL;
	old = proctable__find(pt, pid);
	if (old && old->start_ns == p->start_ns) {
		fds = p->fds;
		p->fds = old->fds;
		old->fds = fds;
	}
	err = table_insert(pt, p);
	if (err) {
		proc_free(p);
		errno = -err;
		return NULL;
	}
	return p;
}

int proctable__seed(struct vg_proctable *pt, pid_t pid)
{
	struct dirent *de;
	int n = 0;
	DIR *dir;

	if (pid < 0)
		return -EINVAL;
	if (pid > 0)
		return proctable_load(pt, (uint32_t)pid) ? 1 : -errno;
	dir = opendir(pt->procfs);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *end;
		unsigned long v = strtoul(de->d_name, &end, 10);

		if (*end || !v || v > UINT32_MAX || de->d_name[0] < '1' || de->d_name[0] > '9')
			continue; /* "self", "net", "stat" ... */
		/* one that exits meanwhile or cannot be read is simply left out */
		if (proctable_load(pt, (uint32_t)v))
			n++;
	}
	closedir(dir);
	return n;
}

struct vg_proc *proctable__get(struct vg_proctable *pt, uint32_t pid)
{
	struct vg_proc *p = proctable__find(pt, pid);

	return p ? p : proctable_load(pt, pid);
}

/*
 * Lookup only: reading procfs for a parent that is gone would be repeated on
 * every call. Callers walking ancestry bound their depth: a reused pid can
 * make a cycle.
 */
struct vg_proc *proctable__parent(struct vg_proctable *pt, const struct vg_proc *p)
{
	if (!p || !p->ppid || p->ppid == p->pid)
		return NULL;
	return proctable__find(pt, p->ppid);
}

/* ---- paths ---- */

/*
 * Append one component (or apply "." / "..") to the absolute path out[0..*pos).
 * ".." at the root stays at the root, as the kernel does.
 */
static int path_push(char *out, size_t size, size_t *pos, const char *c, size_t len)
{
	if (len == 0 || (len == 1 && c[0] == '.'))
		return 0;
	if (len == 2 && c[0] == '.' && c[1] == '.') {
		while (*pos > 0 && out[*pos - 1] != '/')
			(*pos)--;
		if (*pos > 0)
			(*pos)--; /* the '/' before the dropped component */
		return 0;
	}
	if (*pos + 1 + len + 1 > size)
		return -ENAMETOOLONG;
	out[(*pos)++] = '/';
	memcpy(out + *pos, c, len);
	*pos += len;
	return 0;
}

static int path_walk(char *out, size_t size, size_t *pos, const char *path, size_t len)
{
	size_t i = 0;
	int err;

	while (i < len) {
		size_t start;

		while (i < len && path[i] == '/')
			i++;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		err = path_push(out, size, pos, path + start, i - start);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Lexical only, like Falco: symlinks are not followed. The work happens in
 * out itself, so an intermediate form longer than out (a long component that
 * a later ".." removes) fails too.
 */
int vg_path_resolve(const char *base, const char *path, size_t len, char *out, size_t size)
{
	size_t pos = 0;
	int err;

	if (!path)
		return -EINVAL;
	len = strnlen(path, len);
	if (!len || path[0] != '/') {
		if (!base || base[0] != '/')
			return -EINVAL;
		err = path_walk(out, size, &pos, base, strlen(base));
		if (err)
			return err;
	}
	err = path_walk(out, size, &pos, path, len);
	if (err)
		return err;
	if (pos == 0) {
		if (size < 2)
			return -ENAMETOOLONG;
		out[pos++] = '/';
	}
	out[pos] = '\0';
	return (int)pos;
}

/* fd's entry, read from procfs when events never showed it. */
static struct vg_fd *fd_lookup(struct vg_proctable *pt, struct vg_proc *p, int fd)
{
	struct vg_fd *f = fdtable__get(p->fds, fd);

	if (!f && fd >= 0)
		f = fdtable__load_proc(p->fds, pt->procfs, (int)p->pid, fd);
	return f;
}

/* The directory a relative path argument is taken from; NULL when unknown. */
static const char *path_base(struct vg_proctable *pt, struct vg_proc *p,
			     const struct vg_event *ev, uint8_t aux)
{
	struct vg_fd *f;
	int dirfd;

	if (aux == VG_AUX_CWD)
		return p->cwd;
	if (aux >= 6)
		return NULL;
	dirfd = (int)ev->args[aux];
	if (dirfd == AT_FDCWD)
		return p->cwd;
	f = fd_lookup(pt, p, dirfd);
	return f ? f->name : NULL;
}

/* An empty path names the dirfd itself only with AT_EMPTY_PATH (execveat, fchownat ...). */
static bool empty_path_ok(const struct vg_event *ev)
{
	const struct vg_syscall_desc *d = &vg_syscalls[ev->type];

	for (int a = 0; a < 6; a++)
		if (d->args[a].kind == VG_A_FLAGS && d->args[a].aux == VG_FT_AT)
			return ev->args[a] & AT_EMPTY_PATH;
	return false;
}

static void resolve_paths(struct vg_proctable *pt, struct vg_proc *p, struct vg_event *ev)
{
	const struct vg_syscall_desc *d = &vg_syscalls[ev->type];
	int n = 0;

	for (int a = 0; a < 6 && n < 2; a++) {
		const struct vg_arg_desc *arg = &d->args[a];
		const struct vg_str *s;
		const char *path, *base = NULL;
		size_t len;
		int i;

		if (arg->kind != VG_A_PATH)
			continue;
		i = n++; /* first path -> resolved[0], second -> resolved[1] */
		s = vg_event_arg_blob(ev, a);
		if (!s || !s->ptr || (s->flags & VG_STR_FAULT))
			continue;
		path = s->ptr;
		len = strnlen(s->ptr, s->len);
		if (!len) {
			if (!empty_path_ok(ev))
				continue;
			path = ".";
			len = 1;
		}
		if (path[0] != '/')
			base = path_base(pt, p, ev, arg->aux);
		if (vg_path_resolve(base, path, len, pt->resolved[i], sizeof(pt->resolved[i])) >= 0)
			ev->resolved[i] = pt->resolved[i];
	}
}

/* ---- events ---- */

/* An entry from the event alone, for a process procfs does not show (gone already). */
static struct vg_proc *proc_from_event(struct vg_proctable *pt, const struct vg_event *ev)
{
	struct vg_proc *p = proc_alloc(ev->pid);

	if (!p)
		return NULL;
	comm_set(p, ev->comm, sizeof(ev->comm));
	p->uid = p->euid = ev->uid;
	p->gid = p->egid = ev->gid;
	if (table_insert(pt, p)) {
		proc_free(p);
		return NULL;
	}
	return p;
}

static struct vg_proc *proc_fork(const struct vg_proc *parent, const struct vg_event *ev)
{
	struct vg_proc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	*p = *parent;
	p->exe = p->args = p->cwd = NULL;
	p->fds = NULL;
	p->pid = ev->pid;
	p->ppid = parent->pid;
	p->start_ns = ev->ts;
	p->exited = false;
	comm_set(p, ev->comm, sizeof(ev->comm));
	p->exe = strdup(parent->exe);
	p->cwd = strdup(parent->cwd);
	p->args = malloc(parent->args_len + 1);
	p->fds = fdtable__clone(parent->fds);
	if (!p->exe || !p->cwd || !p->args || !p->fds) {
		proc_free(p);
		return NULL;
	}
	memcpy(p->args, parent->args, parent->args_len + 1);
	return p;
}

static void on_fork(struct vg_proctable *pt, const struct vg_event *ev)
{
	struct vg_proc *parent, *child;

	if (ev->is_thread)
		return; /* threads share their process's entry */
	parent = proctable__get(pt, ev->parent_pid);
	if (parent) {
		child = proc_fork(parent, ev);
		/*
		 * A fork is a new process: an entry already under its pid is one
		 * whose exit we missed, and goes.
		 */
		if (child && table_insert(pt, child))
			proc_free(child);
		return;
	}
	if (!proctable_load(pt, ev->pid))
		proc_from_event(pt, ev);
}

static void on_procexit(struct vg_proctable *pt, const struct vg_event *ev)
{
	struct vg_proc *p;
	size_t i;

	if (!ev->group_dead)
		return; /* a thread: the process lives on */
	i = slot_find(pt, ev->pid);
	p = pt->slot[i];
	if (!p)
		return;
	p->exited = true;
	/* freed at once: nothing refers to an entry past the event that ends it */
	table_remove_at(pt, i);
	proc_free(p);
}

static void on_exec(struct vg_proc *p, struct vg_event *ev)
{
	const struct vg_exec_info *x = &ev->exec;

	if (ev->has_exec) {
		if (x->exe.len)
			str_set(&p->exe, x->exe.ptr, x->exe.len);
		else if (ev->resolved[0])
			str_set(&p->exe, ev->resolved[0], strlen(ev->resolved[0]));
		if (x->cwd.len)
			str_set(&p->cwd, x->cwd.ptr, x->cwd.len);
		args_set(p, ev->blob[1].ptr, ev->blob[1].ptr ? ev->blob[1].len : 0);
		p->euid = x->euid;
		p->egid = x->egid;
		p->loginuid = x->loginuid;
		p->tty = x->tty;
		p->sid = x->sid;
		p->pgid = x->pgid;
		p->cap_effective = x->cap_effective;
		p->cap_permitted = x->cap_permitted;
		p->exec_flags = x->flags;
		p->ppid = x->ppid;
		if (x->start_ns)
			p->start_ns = x->start_ns;
	} else {
		/* a backend without the exec record: what the syscall itself shows */
		const struct vg_str *argv = vg_event_arg_blob(ev, ev->type == VG_SC_execve ? 1 : 2);

		if (ev->resolved[0])
			str_set(&p->exe, ev->resolved[0], strlen(ev->resolved[0]));
		if (argv && argv->ptr && argv->len)
			args_set(p, argv->ptr, argv->len);
	}
	comm_set(p, ev->comm, sizeof(ev->comm));
	p->uid = ev->uid;
	p->gid = ev->gid;
	p->exited = false;
	fdtable__close_cloexec(p->fds);
}

static bool is_unset_id(uint64_t arg)
{
	return (uint32_t)arg == (uint32_t)-1;
}

/*
 * The kernel's cap_emulate_setxuid() without SECBIT_KEEP_CAPS: leaving euid
 * 0 drops the effective set, leaving every uid 0 drops the permitted one too
 * (the saved uid is not tracked; it is taken to follow the others).
 */
static void uid_changed(struct vg_proc *p, uint32_t old_uid, uint32_t old_euid)
{
	if (old_euid == 0 && p->euid != 0)
		p->cap_effective = 0;
	if ((old_uid == 0 || old_euid == 0) && p->uid != 0 && p->euid != 0)
		p->cap_permitted = 0;
}

static void on_setid(struct vg_proc *p, const struct vg_event *ev)
{
	uint32_t uid = p->uid, euid = p->euid;
	const uint64_t *a = ev->args;
	bool priv;

	switch (ev->type) {
	case VG_SC_setuid:
		/* with CAP_SETUID every uid changes, without it only the effective one */
		priv = p->cap_effective & (1ULL << CAP_SETUID);
		if (priv)
			p->uid = (uint32_t)a[0];
		p->euid = (uint32_t)a[0];
		uid_changed(p, uid, euid);
		break;
	case VG_SC_setresuid:
		if (!is_unset_id(a[0]))
			p->uid = (uint32_t)a[0];
		if (!is_unset_id(a[1]))
			p->euid = (uint32_t)a[1];
		uid_changed(p, uid, euid);
		break;
	case VG_SC_setgid:
		priv = p->cap_effective & (1ULL << CAP_SETGID);
		if (priv)
			p->gid = (uint32_t)a[0];
		p->egid = (uint32_t)a[0];
		break;
	case VG_SC_setresgid:
		if (!is_unset_id(a[0]))
			p->gid = (uint32_t)a[0];
		if (!is_unset_id(a[1]))
			p->egid = (uint32_t)a[1];
		break;
	}
}

static int socket_fd_type(int family)
{
	switch (family) {
	case AF_INET:
		return VG_FD_IPV4;
	case AF_INET6:
		return VG_FD_IPV6;
	case AF_UNIX:
		return VG_FD_UNIX;
	case AF_NETLINK:
		return VG_FD_NETLINK;
	}
	return VG_FD_SOCKET;
}

static bool is_socket_type(int type)
{
	return type == VG_FD_IPV4 || type == VG_FD_IPV6 || type == VG_FD_UNIX ||
	       type == VG_FD_NETLINK || type == VG_FD_SOCKET;
}

/* SOCK_CLOEXEC and SOCK_NONBLOCK are O_CLOEXEC and O_NONBLOCK on Linux. */
static uint32_t sock_open_flags(uint64_t type)
{
	return O_RDWR | ((uint32_t)type & (SOCK_CLOEXEC | SOCK_NONBLOCK));
}

static struct vg_fd *socket_new(struct vg_fdtable *t, int fd, int family, int socktype,
				int proto)
{
	struct vg_fd *f = fdtable__set(t, fd, socket_fd_type(family), "");

	if (!f)
		return NULL;
	f->family = (uint16_t)family;
	f->socktype = socktype;
	if (family == AF_INET || family == AF_INET6) {
		/* protocol 0 means the family's default for the type */
		if (proto)
			f->l4proto = (uint8_t)proto;
		else if (socktype == SOCK_STREAM)
			f->l4proto = IPPROTO_TCP;
		else if (socktype == SOCK_DGRAM)
			f->l4proto = IPPROTO_UDP;
	}
	return f;
}

/*
 * fd as a socket: the known entry, the one in procfs, or one made from the
 * address family. A socket procfs could not place (no family) takes the
 * family of the address the process uses with it.
 */
static struct vg_fd *socket_lookup(struct vg_proctable *pt, struct vg_proc *p, int fd,
				   int family)
{
	struct vg_fd *f = fd_lookup(pt, p, fd);
	uint32_t flags = O_RDWR;
	int socktype = 0;

	if (f && is_socket_type(f->type) && f->family)
		return f;
	if (family != AF_INET && family != AF_INET6 && family != AF_UNIX)
		return f && is_socket_type(f->type) ? f : NULL;
	if (f && is_socket_type(f->type)) {
		flags = f->open_flags;
		socktype = f->socktype;
	}
	f = socket_new(p->fds, fd, family, socktype, 0);
	if (f)
		f->open_flags = flags;
	return f;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static void on_connect(struct vg_proctable *pt, struct vg_proc *p, const struct vg_event *ev)
{
	const struct vg_sockaddr *sa = &ev->addr;
	struct vg_fd *f = socket_lookup(pt, p, (int)ev->args[0], sa->family);

	if (!f)
		return;
	if (sa->family == AF_UNSPEC) {
		/* connect(AF_UNSPEC) dissolves a datagram socket's association */
		memset(f->raddr, 0, sizeof(f->raddr));
		f->rport = 0;
		f->connected = false;
	} else if (sa->family == AF_UNIX) {
		str_set(&f->name, sa->path, sizeof(sa->path));
		f->connected = true;
		return;
	} else if (sa->family == f->family) {
		memset(f->raddr, 0, sizeof(f->raddr));
		memcpy(f->raddr, sa->addr, addr_len(sa->family));
		f->rport = sa->port;
		f->connected = true;
	}
	fdtable__name_socket(f);
}

static void on_bind(struct vg_proctable *pt, struct vg_proc *p, const struct vg_event *ev)
{
	const struct vg_sockaddr *sa = &ev->addr;
	struct vg_fd *f = socket_lookup(pt, p, (int)ev->args[0], sa->family);

	if (!f)
		return;
	if (sa->family == AF_UNIX) {
		/* a connected unix socket is named for its peer; bind comes first anyway */
		if (!f->connected)
			str_set(&f->name, sa->path, sizeof(sa->path));
		return;
	}
	if (sa->family != f->family)
		return;
	memset(f->laddr, 0, sizeof(f->laddr));
	memcpy(f->laddr, sa->addr, addr_len(sa->family));
	f->lport = sa->port;
	fdtable__name_socket(f);
}

static void on_accept(struct vg_proctable *pt, struct vg_proc *p, const struct vg_event *ev)
{
	const struct vg_sockaddr *sa = &ev->addr;
	struct vg_fd *l = fd_lookup(pt, p, (int)ev->args[0]), *f;
	int fd = (int)ev->res;

	if (l && is_socket_type(l->type)) {
		/* the listener's entry outlives the set: entries never move */
		f = socket_new(p->fds, fd, l->family, l->socktype, l->l4proto);
		if (!f)
			return;
		memcpy(f->laddr, l->laddr, sizeof(f->laddr));
		f->lport = l->lport;
		if (f->type == VG_FD_UNIX)
			str_set(&f->name, l->name, strlen(l->name));
	} else {
		f = socket_new(p->fds, fd, sa->family, SOCK_STREAM, 0);
		if (!f)
			return;
	}
	if (ev->type == VG_SC_accept4)
		f->open_flags = sock_open_flags(ev->args[3]);
	else
		f->open_flags = O_RDWR;
	if ((sa->family == AF_INET || sa->family == AF_INET6) && sa->family == f->family) {
		memcpy(f->raddr, sa->addr, addr_len(sa->family));
		f->rport = sa->port;
		f->connected = true;
	} else if (sa->family == AF_UNIX) {
		f->connected = true;
	}
	fdtable__name_socket(f);
}

static void on_socketpair(struct vg_proc *p, const struct vg_event *ev)
{
	const struct vg_str *pair = vg_event_arg_blob(ev, 3);
	int fds[2];

	if (!pair || !pair->ptr || pair->len < sizeof(fds))
		return;
	memcpy(fds, pair->ptr, sizeof(fds));
	for (int i = 0; i < 2; i++) {
		struct vg_fd *f = socket_new(p->fds, fds[i], (int)ev->args[0],
					     (int)(ev->args[1] & 0xf), (int)ev->args[2]);

		if (!f)
			continue;
		f->open_flags = sock_open_flags(ev->args[1]);
		f->connected = true;
	}
}

static void on_open(struct vg_proc *p, const struct vg_event *ev)
{
	const struct vg_str *how, *raw;
	uint32_t flags = 0;
	struct vg_fd *f;
	uint64_t v;

	switch (ev->type) {
	case VG_SC_open:
		flags = (uint32_t)ev->args[1];
		break;
	case VG_SC_openat:
		flags = (uint32_t)ev->args[2];
		break;
	case VG_SC_openat2:
		how = vg_event_arg_blob(ev, 2); /* struct open_how starts with u64 flags */
		if (how && how->ptr && how->len >= sizeof(v)) {
			memcpy(&v, how->ptr, sizeof(v));
			flags = (uint32_t)v;
		}
		break;
	case VG_SC_creat:
		flags = O_CREAT | O_WRONLY | O_TRUNC;
		break;
	}
	f = fdtable__set(p->fds, (int)ev->res, VG_FD_FILE, ev->resolved[0]);
	if (!f)
		return;
	if (!ev->resolved[0]) {
		bool at = ev->type == VG_SC_openat || ev->type == VG_SC_openat2;

		/* no base to resolve against: the path as the process gave it beats nothing */
		raw = vg_event_arg_blob(ev, at ? 1 : 0);
		if (raw && raw->ptr)
			str_set(&f->name, raw->ptr, raw->len);
	}
	if (flags & O_DIRECTORY)
		f->type = VG_FD_DIR;
	f->open_flags = flags;
}

static void on_memfd(struct vg_proc *p, const struct vg_event *ev)
{
	const struct vg_str *s = vg_event_arg_blob(ev, 0);
	char name[VG_STR_MAX + 8];
	struct vg_fd *f;

	snprintf(name, sizeof(name), "memfd:%.*s", s && s->ptr ? (int)s->len : 0,
		 s && s->ptr ? s->ptr : "");
	f = fdtable__set(p->fds, (int)ev->res, VG_FD_MEMFD, name);
	if (f)
		f->open_flags = O_RDWR | (ev->args[1] & MFD_CLOEXEC ? O_CLOEXEC : 0);
}

/* newfd becomes oldfd's copy; an oldfd events never showed is read from procfs first. */
static void dup_fd(struct vg_proctable *pt, struct vg_proc *p, int oldfd, int newfd, bool cloexec)
{
	struct vg_fd *f;

	if (oldfd == newfd)
		return;
	if (fd_lookup(pt, p, oldfd) && !fdtable__dup(p->fds, oldfd, newfd))
		f = fdtable__get(p->fds, newfd);
	else
		f = fdtable__load_proc(p->fds, pt->procfs, (int)p->pid, newfd);
	if (f && cloexec)
		f->open_flags |= O_CLOEXEC;
	else if (f)
		f->open_flags &= ~(uint32_t)O_CLOEXEC;
}

static void on_fcntl(struct vg_proctable *pt, struct vg_proc *p, const struct vg_event *ev)
{
	int fd = (int)ev->args[0];
	struct vg_fd *f;

	switch ((int)ev->args[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		dup_fd(pt, p, fd, (int)ev->res, (int)ev->args[1] == F_DUPFD_CLOEXEC);
		break;
	case F_SETFD:
		f = fd_lookup(pt, p, fd);
		if (f && (ev->args[2] & FD_CLOEXEC))
			f->open_flags |= O_CLOEXEC;
		else if (f)
			f->open_flags &= ~(uint32_t)O_CLOEXEC;
		break;
	}
}

static void on_fchdir(struct vg_proctable *pt, struct vg_proc *p, const struct vg_event *ev)
{
	struct vg_fd *f = fd_lookup(pt, p, (int)ev->args[0]);

	if (f && f->name[0] == '/')
		str_set(&p->cwd, f->name, strlen(f->name));
}

/* The syscall changed process or fd state: ev->res says it succeeded. */
static void apply_syscall(struct vg_proctable *pt, struct vg_proc *p, struct vg_event *ev)
{
	const uint64_t *a = ev->args;
	int res = (int)ev->res;
	struct vg_fd *f;

	switch (ev->type) {
	case VG_SC_execve:
	case VG_SC_execveat:
		on_exec(p, ev);
		break;
	case VG_SC_chdir:
		if (ev->resolved[0])
			str_set(&p->cwd, ev->resolved[0], strlen(ev->resolved[0]));
		break;
	case VG_SC_fchdir:
		on_fchdir(pt, p, ev);
		break;
	case VG_SC_setuid:
	case VG_SC_setresuid:
	case VG_SC_setgid:
	case VG_SC_setresgid:
		on_setid(p, ev);
		break;
	case VG_SC_open:
	case VG_SC_openat:
	case VG_SC_openat2:
	case VG_SC_creat:
		on_open(p, ev);
		break;
	case VG_SC_memfd_create:
		on_memfd(p, ev);
		break;
	case VG_SC_close:
		fdtable__close(p->fds, (int)a[0]);
		break;
	case VG_SC_dup:
		dup_fd(pt, p, (int)a[0], res, false);
		break;
	case VG_SC_dup2:
		dup_fd(pt, p, (int)a[0], (int)a[1], false);
		break;
	case VG_SC_dup3:
		dup_fd(pt, p, (int)a[0], (int)a[1], a[2] & O_CLOEXEC);
		break;
	case VG_SC_fcntl:
		on_fcntl(pt, p, ev);
		break;
	case VG_SC_socket:
		f = socket_new(p->fds, res, (int)a[0], (int)(a[1] & 0xf), (int)a[2]);
		if (f)
			f->open_flags = sock_open_flags(a[1]);
		break;
	case VG_SC_connect:
		on_connect(pt, p, ev);
		break;
	case VG_SC_bind:
		on_bind(pt, p, ev);
		break;
	case VG_SC_listen:
		f = fd_lookup(pt, p, (int)a[0]);
		if (f)
			f->listening = true;
		break;
	case VG_SC_accept:
	case VG_SC_accept4:
		on_accept(pt, p, ev);
		break;
	case VG_SC_socketpair:
		on_socketpair(p, ev);
		break;
	}
}

void proctable__update(struct vg_proctable *pt, struct vg_event *ev)
{
	struct vg_proc *p;

	ev->resolved[0] = ev->resolved[1] = NULL;
	switch (ev->type) {
	case VG_EV_FORK:
		on_fork(pt, ev);
		return;
	case VG_EV_PROCEXIT:
		on_procexit(pt, ev);
		return;
	}
	if (ev->type >= VG_SC_COUNT)
		return;
	p = proctable__get(pt, ev->pid);
	if (!p)
		p = proc_from_event(pt, ev);
	if (!p)
		return;
	/* before the state changes: chdir("..") and exec resolve against the old cwd */
	resolve_paths(pt, p, ev);
	/* a connect still in progress has its remote end fixed already */
	if (ev->res >= 0 || (ev->type == VG_SC_connect && ev->res == -EINPROGRESS))
		apply_syscall(pt, p, ev);
}

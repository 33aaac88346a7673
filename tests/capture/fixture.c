// SPDX-License-Identifier: Apache-2.0
/* The capture tests' shared fixture and event checks: see fixture.h. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "fixture.h"

struct fix *fx;
int64_t t_start, t_end;
char comm_want[16];

static int (*child_fn)(void *arg);

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

struct fix *fixture(void)
{
	FILE *f;

	if (!capture_ready())
		return NULL;
	if (!fx) {
		fx = mmap(NULL, sizeof(*fx), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			  -1, 0);
		if (!ASSERT_TRUE(fx != MAP_FAILED, "mmap fixture")) {
			fx = NULL;
			return NULL;
		}
		f = fopen("/proc/self/comm", "r");
		if (f) {
			if (fgets(comm_want, sizeof(comm_want), f))
				comm_want[strcspn(comm_want, "\n")] = '\0';
			fclose(f);
		}
	}
	memset(fx, 0, sizeof(*fx));
	strcpy(fx->dir, "/tmp/vigil-test-XXXXXX");
	if (!ASSERT_NONNULL(mkdtemp(fx->dir), "mkdtemp"))
		return NULL;
	return fx;
}

char *fpath(int i, const char *name)
{
	char dir[sizeof(fx->dir)];

	memcpy(dir, fx->dir, sizeof(dir));
	snprintf(fx->p[i], sizeof(fx->p[i]), "%s/%s", dir, name);
	return fx->p[i];
}

char *fname(int i, const char *name)
{
	snprintf(fx->p[i], sizeof(fx->p[i]), "%s", name);
	return fx->p[i];
}

/* In the child: fault the fixture's pages in first. The child maps the
 * shared pages lazily, and a syscall that fails before reading a pointer
 * argument (prctl with an unknown option, say) would leave that page absent:
 * BPF cannot fault it in at sys_exit, and the blob would read as a fault.
 */
static int child_main(void *arg)
{
	for (size_t off = 0; off < sizeof(*fx); off += 4096)
		(void)((volatile char *)fx)[off];
	return child_fn(arg);
}

struct run *fixture_run_status(int (*fn)(void *arg), int want_status)
{
	struct run *r;

	child_fn = fn;
	t_start = now_ns();
	r = run_traced(child_main, fx);
	t_end = now_ns();
	nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (!ASSERT_NONNULL(r, "run"))
		return NULL;
	if (!ASSERT_EQ(r->status, want_status, "child status")) {
		fprintf(stderr, "  child: unexpected result at line %d (errno %d)\n", fx->line,
			fx->err);
		return NULL;
	}
	return r;
}

struct run *fixture_run(int (*fn)(void *arg))
{
	return fixture_run_status(fn, 0);
}

const struct captured *find_arg(const struct run *r, int type, int i, int val, int nth)
{
	for (int k = 0; k < r->n; k++) {
		const struct captured *c = &r->ev[k];

		if (c->ev.type == type && (int)c->ev.args[i] == val && nth-- == 0)
			return c;
	}
	return NULL;
}

/* The fields every event carries, its result, and no blob beyond those of
 * its memory arguments; no sockaddr unless sa (the caller checks it then).
 */
static bool check_ev_fields(const struct captured *c, const struct who *w, bool sa,
			    long long res, const char *what)
{
	const struct vg_blob_map *map;
	int nblobs = 0;

	if (!ASSERT_NONNULL(c, what))
		return false;
	ASSERT_EQ(c->ev.res, res, what);
	ASSERT_EQ(c->ev.pid, w->pid, "pid");
	ASSERT_EQ(c->ev.tid, w->tid, "tid");
	ASSERT_EQ(c->ev.uid, w->uid, "uid");
	ASSERT_EQ(c->ev.gid, w->gid, "gid");
	ASSERT_STREQ(c->ev.comm, w->comm, "comm");
	ASSERT_EQ(c->ev.backend, VG_BACKEND_BPF, "backend");
	ASSERT_GE(c->ev.seq, 1, "seq");
	/* resolved[] is the state tables' work, not the capture's */
	ASSERT_TRUE(!c->ev.resolved[0] && !c->ev.resolved[1], "resolved: unset");
	ASSERT_GE(c->ev.ts, t_start - 1000000000ll, "ts after the run started");
	ASSERT_GE(t_end + 1000000000ll, c->ev.ts, "ts before the run ended");
	if (!sa)
		ASSERT_EQ(c->ev.addr.family, 0, "no sockaddr");
	if (c->ev.type != VG_EV_FORK)
		ASSERT_EQ(c->ev.parent_pid | c->ev.parent_tid | c->ev.is_thread, 0,
			  "no fork fields");
	if (c->ev.type != VG_EV_PROCEXIT)
		ASSERT_EQ(c->ev.exit_status | c->ev.group_dead, 0, "no exit fields");
	if (c->ev.type >= VG_SC_COUNT)
		for (int a = 0; a < 6; a++)
			ASSERT_EQ(c->ev.args[a], 0, "a lifecycle record has no arguments");
	map = vg_blob_map_of(c->ev.type);
	for (int a = 0; map && a < 6; a++)
		nblobs += map->blob_of_arg[a] >= 0;
	for (int b = nblobs; b < VG_MAX_BLOBS; b++)
		ASSERT_EQ(c->ev.blob[b].len | c->ev.blob[b].flags, 0, "unused blob empty");
	return true;
}

bool check_ev_who(const struct captured *c, const struct who *w, long long res, const char *what)
{
	return check_ev_fields(c, w, false, res, what);
}

/* An event of the traced child itself, as root, under the test's comm. */
static bool check_ev_self(const struct captured *c, const struct run *r, bool sa, long long res,
			  const char *what)
{
	struct who w = { r->pid, r->pid, 0, 0, comm_want };

	if (!check_ev_fields(c, &w, sa, res, what))
		return false;
	ASSERT_FALSE(c->ev.has_exec, "has_exec");
	return true;
}

bool check_ev(const struct captured *c, const struct run *r, long long res, const char *what)
{
	return check_ev_self(c, r, false, res, what);
}

bool check_ev_sa(const struct captured *c, const struct run *r, long long res, const char *what)
{
	return check_ev_self(c, r, true, res, what);
}

void check_str(const struct captured *c, int arg, const char *s, const char *what)
{
	const struct vg_str *b = vg_event_arg_blob(&c->ev, arg);

	if (!ASSERT_NONNULL(b, what))
		return;
	ASSERT_MEMEQ(b->ptr, b->len, s, what);
	ASSERT_EQ(b->flags, 0, "blob flags");
	ASSERT_STREQ(arg_str(c, arg), s, what);
}

void check_mem(const struct captured *c, int arg, const void *mem, size_t len, const char *what)
{
	const struct vg_str *b = vg_event_arg_blob(&c->ev, arg);

	if (!ASSERT_NONNULL(b, what))
		return;
	if (ASSERT_EQ(b->len, len, what) && len)
		ASSERT_TRUE(!memcmp(b->ptr, mem, len), what);
	ASSERT_EQ(b->flags, 0, "blob flags");
}

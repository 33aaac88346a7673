// SPDX-License-Identifier: Apache-2.0
/* Capture test helpers: see capture_util.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture_util.h"

static struct capture *cap;
static char cap_error[256];
static bool cap_tried;
static struct run the_run;
static bool collecting;

static char *dup_blob(const struct vg_str *s)
{
	char *p = malloc(s->len + 1);

	if (!p)
		abort();
	if (s->len)
		memcpy(p, s->ptr, s->len);
	p[s->len] = '\0';
	return p;
}

static void collect(void *ctx, struct vg_event *ev)
{
	struct run *r = ctx;
	struct captured *c;

	if (!collecting || r->n == CAPTURED_MAX)
		return;
	c = &r->ev[r->n++];
	c->ev = *ev;
	for (int i = 0; i < VG_MAX_BLOBS; i++) {
		c->blob[i] = dup_blob(&ev->blob[i]);
		c->ev.blob[i].ptr = c->blob[i];
	}
	c->exe = c->cwd = NULL;
	if (ev->has_exec) {
		c->exe = dup_blob(&ev->exec.exe);
		c->cwd = dup_blob(&ev->exec.cwd);
		c->ev.exec.exe.ptr = c->exe;
		c->ev.exec.cwd.ptr = c->cwd;
	}
}

static void run_free(struct run *r)
{
	for (int i = 0; i < r->n; i++) {
		for (int b = 0; b < VG_MAX_BLOBS; b++)
			free(r->ev[i].blob[b]);
		free(r->ev[i].exe);
		free(r->ev[i].cwd);
	}
	r->n = 0;
}

static void cleanup(void)
{
	run_free(&the_run);
	capture__close(cap);
	cap = NULL;
}

bool capture_ready(void)
{
	struct capture_opts opts = {
		.scope = VG_SCOPE_TREE,
		.cb = collect,
		.ctx = &the_run,
	};

	if (!cap_tried) {
		cap_tried = true;
		if (geteuid() != 0) {
			snprintf(cap_error, sizeof(cap_error), "needs root (CAP_BPF, CAP_PERFMON)");
		} else {
			cap = capture_bpf__open(&opts, cap_error, sizeof(cap_error));
			if (cap)
				atexit(cleanup);
		}
	}
	if (!cap) {
		test__skip("eBPF capture unavailable: %s", cap_error);
		return false;
	}
	return true;
}

struct run *run_traced(int (*fn)(void *arg), void *arg)
{
	struct run *r = &the_run;
	struct timespec start, now;
	int fds[2];
	char go;

	run_free(r);
	capture__poll(cap, 0); /* leftovers of an earlier run are not ours */
	if (pipe(fds))
		return NULL;
	r->pid = fork();
	if (r->pid < 0)
		return NULL;
	if (r->pid == 0) {
		close(fds[1]);
		if (read(fds[0], &go, 1) != 1)
			_exit(126);
		close(fds[0]);
		_exit(fn(arg));
	}
	close(fds[0]);
	collecting = true;
	if (capture__track(cap, r->pid) || write(fds[1], "g", 1) != 1) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		close(fds[1]);
		return NULL;
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		capture__poll(cap, 10);
		if (waitpid(r->pid, &r->status, WNOHANG) == r->pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 20) { /* a test that hangs fails, it does not block */
			kill(r->pid, SIGKILL);
			waitpid(r->pid, &r->status, 0);
			break;
		}
	}
	/* the child's records precede its exit notification; descendants may lag */
	for (int i = 0; i < 5; i++)
		capture__poll(cap, 2);
	collecting = false;
	return r;
}

const struct captured *find_event(const struct run *r, int type, pid_t pid, int nth)
{
	for (int i = 0; i < r->n; i++) {
		if (r->ev[i].ev.type != type || (pid && (pid_t)r->ev[i].ev.pid != pid))
			continue;
		if (nth-- == 0)
			return &r->ev[i];
	}
	return NULL;
}

const struct captured *find_event_str(const struct run *r, int type, const char *s)
{
	for (int i = 0; i < r->n; i++) {
		const struct captured *c = &r->ev[i];

		if (c->ev.type != type)
			continue;
		for (int b = 0; b < VG_MAX_BLOBS; b++)
			if (!strcmp(c->blob[b], s))
				return c;
	}
	return NULL;
}

const char *arg_str(const struct captured *c, int arg)
{
	const struct vg_blob_map *map = vg_blob_map_of(c->ev.type);

	if (!map || arg < 0 || arg >= 6 || map->blob_of_arg[arg] < 0)
		return "";
	return c->blob[map->blob_of_arg[arg]];
}

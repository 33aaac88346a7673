// SPDX-License-Identifier: Apache-2.0
/*
 * The named limits of eBPF capture at their edges: ring buffer sizes, a
 * ring too small for a burst (drops are counted, never silent), and string
 * lengths around VG_STR_MAX.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_util.h"

#define BURST 100000 /* openat records, far more than VG_RING_MIN holds */

struct tally {
	long openat;
	long long_path_len;
	uint32_t long_path_flags;
};

static void count(void *ctx, struct vg_event *ev)
{
	struct tally *t = ctx;

	if (ev->type != VG_SC_openat)
		return;
	t->openat++;
	if (ev->blob[0].len > 1000 && ev->blob[0].ptr[0] == '/') { /* the long path */
		t->long_path_len = ev->blob[0].len;
		t->long_path_flags = ev->blob[0].flags;
	}
}

/* Open a private capture (not the shared one of capture_util.c). */
static struct capture *open_capture(uint32_t ring, struct tally *t, char *err, size_t len)
{
	struct capture_opts opts = {
		.scope = VG_SCOPE_TREE,
		.ring_bytes = ring,
		.cb = count,
		.ctx = t,
	};

	return capture_bpf__open(&opts, err, len);
}

TEST(ring_size_edges)
{
	struct tally t = { 0 };
	struct capture *c;
	char err[256];

	if (!capture_ready())
		return;
	c = open_capture(VG_RING_MIN / 2, &t, err, sizeof(err));
	ASSERT_TRUE(c == NULL && errno == EINVAL, "below VG_RING_MIN refused");
	ASSERT_TRUE(strstr(err, "power of two") != NULL, "with a reason");
	c = open_capture(VG_RING_MIN + 4096, &t, err, sizeof(err));
	ASSERT_TRUE(c == NULL && errno == EINVAL, "not a power of two refused");
	c = open_capture(VG_RING_MAX * 2u, &t, err, sizeof(err));
	ASSERT_TRUE(c == NULL && errno == EINVAL, "above VG_RING_MAX refused");
	c = open_capture(VG_RING_MIN, &t, err, sizeof(err));
	ASSERT_NONNULL(c, "VG_RING_MIN accepted");
	capture__close(c);
}

/* A child held until released, then running fn. */
static pid_t spawn(int (*fn)(void), int *release)
{
	int fds[2];
	pid_t pid;
	char go;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		if (read(fds[0], &go, 1) != 1)
			_exit(126);
		_exit(fn());
	}
	close(fds[0]);
	*release = fds[1];
	return pid;
}

static int burst(void)
{
	for (int i = 0; i < BURST; i++)
		syscall(SYS_openat, AT_FDCWD, "/nonexistent-vigil-burst", O_RDONLY, 0);
	return 0;
}

TEST(drops_counted)
{
	struct capture_stats st;
	struct tally t = { 0 };
	struct capture *c;
	char err[256];
	int release, status;
	pid_t pid;

	if (!capture_ready())
		return;
	c = open_capture(VG_RING_MIN, &t, err, sizeof(err));
	if (!ASSERT_NONNULL(c, err))
		return;
	pid = spawn(burst, &release);
	if (!ASSERT_TRUE(pid > 0, "fork") || !ASSERT_OK(capture__track(c, pid), "track")) {
		capture__close(c);
		return;
	}
	/* nobody drains while the burst runs: the ring must overflow */
	if (write(release, "g", 1) != 1)
		test__fail();
	close(release);
	waitpid(pid, &status, 0);
	while (capture__poll(c, 0) > 0)
		;
	ASSERT_OK(capture__stats(c, &st), "stats");
	ASSERT_GE(st.drops[VG_DROP_SYSCALL], 1, "drops counted");
	/* every openat is either delivered or counted as dropped */
	ASSERT_GE(t.openat + (long)st.drops[VG_DROP_SYSCALL], BURST, "nothing lost silently");
	ASSERT_EQ(st.decode_errors, 0, "no malformed record");
	capture__close(c);
}

static int path_len; /* set before the fork */

static int long_open(void)
{
	char *p = malloc(path_len + 1);

	p[0] = '/';
	memset(p + 1, 'a', path_len - 1);
	p[path_len] = '\0';
	syscall(SYS_openat, AT_FDCWD, p, O_RDONLY, 0);
	free(p);
	return 0;
}

/* A string of len bytes: kept whole below VG_STR_MAX, cut and marked above. */
static void string_edge(int len, long want_len, uint32_t want_flags)
{
	struct tally t = { 0 };
	struct capture *c;
	char err[256];
	int release, status;
	pid_t pid;

	c = open_capture(0, &t, err, sizeof(err));
	if (!ASSERT_NONNULL(c, err))
		return;
	path_len = len;
	pid = spawn(long_open, &release);
	if (pid > 0 && capture__track(c, pid) == 0 && write(release, "g", 1) == 1) {
		close(release);
		waitpid(pid, &status, 0);
		while (capture__poll(c, 0) > 0)
			;
		ASSERT_EQ(t.long_path_len, want_len, "length kept");
		ASSERT_EQ(t.long_path_flags, want_flags, "truncation mark");
	} else {
		test__fail();
	}
	capture__close(c);
}

TEST(string_limit_edges)
{
	if (!capture_ready())
		return;
	string_edge(VG_STR_MAX - 1, VG_STR_MAX - 1, 0); /* a PATH_MAX path, whole */
	string_edge(VG_STR_MAX + 100, VG_STR_MAX, VG_STR_TRUNC);
}

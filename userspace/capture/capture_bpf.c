// SPDX-License-Identifier: Apache-2.0
/*
 * The eBPF capture backend: loads the CO-RE object (the bpf/ programs, one
 * skeleton), writes the per-syscall spec table, attaches the tracepoints and
 * drains the ring buffer in batches. The BPF side wakes us only when a
 * backlog builds up, so poll() waits on a timer that shortens while records
 * flow and lengthens while idle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "capture.h"
#include "../events/decode.h"
#include "../lib/log.h"
#include "vigil.skel.h"

#define POLL_MIN_MS 1	/* wait while records flow */
#define POLL_MAX_MS 64	/* wait while idle: bounds the latency of a lone event */

struct capture_bpf {
	struct capture base;
	struct vigil_bpf *skel;
	struct ring_buffer *rb;
	struct capture_opts opts;
	struct capture_stats st;
	int64_t wall_offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	int poll_ms;
	int ncpus;
	uint64_t seq;
	struct vg_event ev;
};

/* libbpf's messages (one may be a whole verifier log) into our logger. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *msg = NULL;
	size_t n;

	if ((level == LIBBPF_DEBUG && vg_log_level < VG_LOG_DEBUG) ||
	    (level == LIBBPF_INFO && vg_log_level < VG_LOG_INFO))
		return 0;
	if (vasprintf(&msg, fmt, ap) < 0)
		return 0;
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	if (level == LIBBPF_WARN)
		log_warn("%s", msg);
	else
		log_debug("%s", msg);
	free(msg);
	return 0;
}

static void deliver(struct capture_bpf *c, struct vg_event *ev)
{
	ev->backend = VG_BACKEND_BPF;
	ev->seq = ++c->seq;
	c->st.events++;
	c->opts.cb(c->opts.ctx, ev);
}

static int handle_record(void *ctx, void *data, size_t size)
{
	struct capture_bpf *c = ctx;
	const char *why = NULL;

	c->st.bytes += size;
	if (vg_decode(data, size, c->wall_offset, &c->ev, &why)) {
		c->st.decode_errors++;
		log_debug("capture: record dropped: %s", why);
		return 0;
	}
	deliver(c, &c->ev);
	return 0;
}

static int bpf_poll(struct capture *base, int timeout_ms)
{
	struct capture_bpf *c = (struct capture_bpf *)base;
	uint64_t before = c->st.events;
	int err, wait;

	err = ring_buffer__consume(c->rb);
	if (err == 0 && timeout_ms != 0) {
		wait = timeout_ms < 0 || timeout_ms > c->poll_ms ? c->poll_ms : timeout_ms;
		err = ring_buffer__poll(c->rb, wait);
		if (err >= 0)
			err = ring_buffer__consume(c->rb);
	}
	if (err < 0 && err != -EINTR)
		return err;
	if (base->child)
		capture_reap(base);
	if (c->st.events > before)
		c->poll_ms = POLL_MIN_MS;
	else if (c->poll_ms < POLL_MAX_MS)
		c->poll_ms *= 2;
	return (int)(c->st.events - before);
}

static int bpf_track(struct capture *base, pid_t pid)
{
	struct capture_bpf *c = (struct capture_bpf *)base;
	uint32_t key = pid;
	uint8_t one = 1;

	if (bpf_map__update_elem(c->skel->maps.tracked, &key, sizeof(key), &one, sizeof(one),
				 BPF_ANY))
		return -errno;
	return 0;
}

static int bpf_stats(struct capture *base, struct capture_stats *st)
{
	struct capture_bpf *c = (struct capture_bpf *)base;
	uint64_t *vals = calloc(c->ncpus, sizeof(*vals));

	if (!vals)
		return -ENOMEM;
	for (uint32_t k = 0; k < VG_DROP_NR; k++) {
		c->st.drops[k] = 0;
		if (bpf_map__lookup_elem(c->skel->maps.drops, &k, sizeof(k), vals,
					 sizeof(*vals) * c->ncpus, 0))
			continue;
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			c->st.drops[k] += vals[cpu];
	}
	free(vals);
	*st = c->st;
	return 0;
}

static int bpf_set_interest(struct capture *base, const bool *interest)
{
	struct capture_bpf *c = (struct capture_bpf *)base;
	struct vg_sc_spec *table = c->skel->bss->sc_spec;

	for (int t = 0; t < VG_SC_COUNT; t++) {
		int nr = vg_syscalls[t].nr;
		struct vg_sc_spec spec;

		if (nr < 0 || nr >= VG_NR_MAX)
			continue;
		if (interest && !interest[t]) {
			table[nr].interest = 0;
			continue;
		}
		vg_sc_spec_fill(t, &spec);
		/* the kernel reads interest first: publish it last */
		spec.interest = 0;
		table[nr] = spec;
		__atomic_store_n(&table[nr].interest, 1, __ATOMIC_RELEASE);
	}
	return 0;
}

static pid_t bpf_spawn(struct capture *base, const char *path, char *const argv[],
		       char *const envp[])
{
	return capture_spawn_tracked(base, path, argv, envp);
}

static void bpf_close(struct capture *base)
{
	struct capture_bpf *c = (struct capture_bpf *)base;

	if (c->rb)
		ring_buffer__consume(c->rb);
	ring_buffer__free(c->rb);
	vigil_bpf__destroy(c->skel);
	free(c);
}

static const struct capture_ops bpf_ops = {
	.track = bpf_track,
	.poll = bpf_poll,
	.stats = bpf_stats,
	.set_interest = bpf_set_interest,
	.spawn = bpf_spawn,
	.close = bpf_close,
};

/* Explain a failed load in terms a user can act on. */
static void explain(int err, char *msg, size_t len)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		snprintf(msg, len, "kernel has no BTF (/sys/kernel/btf/vmlinux): CO-RE eBPF "
			 "capture needs CONFIG_DEBUG_INFO_BTF");
	else if (err == -EPERM)
		snprintf(msg, len, "BPF not permitted (%s): needs root, or CAP_BPF with "
			 "CAP_PERFMON (CAP_SYS_ADMIN before 5.8)",
			 strerror(-err));
	else if (err == -EACCES)
		snprintf(msg, len, "the kernel's verifier rejected a program (%s); its log is "
			 "above", strerror(-err));
	else
		snprintf(msg, len, "loading the BPF object failed: %s (run with -v for the "
			 "verifier log)", strerror(-err));
}

/* The id of a cgroup v2 directory (its inode number), or 0 with errno set. */
static uint64_t cgroup_id_of(const char *path)
{
	struct statfs fs;
	struct stat st;

	if (statfs(path, &fs) || stat(path, &st))
		return 0;
	if (fs.f_type != CGROUP2_SUPER_MAGIC || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return 0;
	}
	return st.st_ino;
}

struct capture *capture_bpf__open(const struct capture_opts *opts, char *err, size_t errlen)
{
	uint32_t ring = opts->ring_bytes ? opts->ring_bytes : VG_RING_DEFAULT;
	struct capture_bpf *c;
	int ret;

	if (capture_check_ring(ring, err, errlen)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	c->base.ops = &bpf_ops;
	c->base.backend = VG_BACKEND_BPF;
	c->opts = *opts;
	c->poll_ms = POLL_MIN_MS;
	libbpf_set_print(libbpf_log);

	c->skel = vigil_bpf__open();
	if (!c->skel) {
		ret = -errno;
		explain(ret, err, errlen);
		goto fail;
	}
	c->skel->rodata->scope = opts->scope;
	c->skel->rodata->self_tgid = getpid();
	c->skel->rodata->wakeup_bytes = ring / 4;
	if (opts->scope == VG_SCOPE_CGROUP) {
		c->skel->rodata->target_cgid = cgroup_id_of(opts->cgroup_path);
		if (!c->skel->rodata->target_cgid) {
			ret = -errno;
			snprintf(err, errlen, "cgroup %s: %s", opts->cgroup_path,
				 errno == ENOTDIR ? "not a cgroup v2 directory" : strerror(errno));
			goto fail;
		}
	}
	bpf_map__set_max_entries(c->skel->maps.events, ring);
	bpf_map__set_max_entries(c->skel->maps.tracked, VG_TRACKED_MAX);

	ret = vigil_bpf__load(c->skel);
	if (ret) {
		explain(ret, err, errlen);
		goto fail;
	}
	bpf_set_interest(&c->base, opts->interest);
	ret = vigil_bpf__attach(c->skel);
	if (ret) {
		snprintf(err, errlen, "attaching to tracepoints failed: %s", strerror(-ret));
		goto fail;
	}
	c->rb = ring_buffer__new(bpf_map__fd(c->skel->maps.events), handle_record, c, NULL);
	if (!c->rb) {
		ret = -errno;
		snprintf(err, errlen, "ring buffer: %s", strerror(errno));
		goto fail;
	}
	c->ncpus = libbpf_num_possible_cpus();
	c->wall_offset = capture_wall_offset();
	return &c->base;
fail:
	ring_buffer__free(c->rb);
	vigil_bpf__destroy(c->skel);
	free(c);
	errno = -ret;
	return NULL;
}

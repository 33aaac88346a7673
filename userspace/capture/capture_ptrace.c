// SPDX-License-Identifier: Apache-2.0
/*
 * The ptrace capture backend, for where BPF is not allowed (Fargate grants
 * CAP_SYS_PTRACE only). The workload runs under a seccomp filter that stops
 * it only at the syscalls of interest; a tracer thread reads their
 * arguments with process_vm_readv and writes the same records the eBPF
 * programs write (bpf/events.h), so that one decoder, one process table and
 * one rules engine serve both backends.
 *
 * Threads: the tracer thread owns every ptrace call and every waitpid (the
 * kernel ties tracees to the thread that attached them) and so reaps every
 * child, orphans included. It hands records to the consumer (poll) through
 * two buffers swapped under a lock; when the filling one is full the record
 * is counted as dropped and the workload goes on: it never waits for vigil's
 * output.
 *
 * The workload is attached with PTRACE_O_EXITKILL: if vigil dies, so does
 * the workload. Without a tracer its filtered syscalls would fail with
 * ENOSYS, which is worse than stopping.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "capture.h"
#include "seccomp.h"
#include "../events/decode.h"
#include "../lib/log.h"

#define VG_PTRACE_SPIN_NS 50000 /* longest poll for the next stop, see wait_stop() */

#define PTRACE_OPTIONS                                                                     \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK |               \
	 PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | \
	 PTRACE_O_EXITKILL)

/* One traced thread. */
struct tstate {
	pid_t tid;
	pid_t tgid;
	bool in_syscall;  /* between the seccomp (or entry) stop and the exit stop */
	bool exit_seen;	  /* its PTRACE_EVENT_EXIT was reported */
	int type;	  /* the pending syscall's event type, -1 for none */
	uint32_t off;	  /* bytes used in rec */
	char comm[VG_TASK_COMM_LEN];
	char *rec;	  /* the pending record, VG_REC_MAX bytes */
};

/* One traced process. */
struct pstate {
	pid_t tgid;
	int nthreads;
	uint32_t uid, gid;
};

/* pid -> pointer, open addressing with linear probing; tombstones on removal. */
struct pidmap {
	pid_t *keys; /* 0: empty, -1: removed */
	void **vals;
	size_t cap, used;
};

struct outbuf {
	char *p;
	size_t len;
};

struct capture_ptrace {
	struct capture base;
	struct capture_opts opts;
	bool interest[VG_SC_COUNT];
	struct sock_filter filter[VG_SECCOMP_MAX_INSNS];
	int filter_len;
	int64_t wall_offset;

	/* tracer thread only */
	pthread_t tracer;
	bool tracer_running;
	struct pidmap threads, procs;

	/* attach mode (capture__track): running processes, no seccomp filter,
	 * every syscall stops twice; detached again on close
	 */
	bool attach;
	pid_t *attach_pids;
	int nattach;
	volatile sig_atomic_t detach; /* set by close, seen by the tracer */
	struct spin {		      /* wait_stop() polling */
		bool enabled;
		int hits, misses;     /* in the current window of 64 waits */
		int off_for;	      /* waits left without polling */
		int backoff;
	} spin;

	/* spawn handshake: the tracer forks the child and reports its pid */
	const char *path;
	char *const *argv;
	char *const *envp;
	pid_t spawned; /* 0 while pending */
	bool spawn_done;

	/* tracer -> consumer */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct outbuf fill, drain;
	size_t buf_cap;
	struct capture_stats st; /* drops written by the tracer under mu */
	bool tracer_done;
	struct vg_event ev;
	uint64_t seq;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- pid maps ----------------------------------------------------------- */

static size_t pidmap_slot(const struct pidmap *m, pid_t pid)
{
	return ((uint32_t)pid * 2654435761u) & (m->cap - 1);
}

static void *pidmap_get(const struct pidmap *m, pid_t pid)
{
	if (!m->cap)
		return NULL;
	for (size_t i = pidmap_slot(m, pid), n = 0; n < m->cap; i = (i + 1) & (m->cap - 1), n++) {
		if (m->keys[i] == 0)
			return NULL;
		if (m->keys[i] == pid)
			return m->vals[i];
	}
	return NULL;
}

static int pidmap_put(struct pidmap *m, pid_t pid, void *val);

static int pidmap_grow(struct pidmap *m)
{
	struct pidmap bigger = { 0 };

	bigger.cap = m->cap ? m->cap * 2 : 256;
	bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
	bigger.vals = calloc(bigger.cap, sizeof(*bigger.vals));
	if (!bigger.keys || !bigger.vals) {
		free(bigger.keys);
		free(bigger.vals);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i] > 0)
			pidmap_put(&bigger, m->keys[i], m->vals[i]);
	free(m->keys);
	free(m->vals);
	*m = bigger;
	return 0;
}

static int pidmap_put(struct pidmap *m, pid_t pid, void *val)
{
	size_t i;

	if ((m->used + 1) * 2 > m->cap && pidmap_grow(m))
		return -ENOMEM;
	for (i = pidmap_slot(m, pid);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == pid) {
			m->vals[i] = val;
			return 0;
		}
		if (m->keys[i] <= 0)
			break;
	}
	if (m->keys[i] == 0)
		m->used++;
	m->keys[i] = pid;
	m->vals[i] = val;
	return 0;
}

static void pidmap_del(struct pidmap *m, pid_t pid)
{
	if (!m->cap)
		return;
	for (size_t i = pidmap_slot(m, pid), n = 0; n < m->cap; i = (i + 1) & (m->cap - 1), n++) {
		if (m->keys[i] == 0)
			return;
		if (m->keys[i] == pid) {
			m->keys[i] = -1;
			m->vals[i] = NULL;
			return;
		}
	}
}

/* --- /proc ------------------------------------------------------------- */

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static void proc_comm(pid_t tid, char *comm)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", tid);
	if (read_file(path, buf, sizeof(buf)) > 0) {
		size_t n = strcspn(buf, "\n");

		if (n > VG_TASK_COMM_LEN - 1)
			n = VG_TASK_COMM_LEN - 1;
		memcpy(comm, buf, n);
		comm[n] = '\0';
	}
}

/* Fields of /proc/PID/status: real and effective ids, capabilities, tgid. */
struct status {
	uint32_t uid, euid, gid, egid;
	uint64_t cap_eff, cap_prm;
	pid_t tgid;
};

static int proc_status(pid_t tid, struct status *s)
{
	char path[64], buf[4096];
	const char *line;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -ESRCH;
	memset(s, 0, sizeof(*s));
	if ((line = strstr(buf, "\nTgid:")))
		s->tgid = atoi(line + 6);
	if ((line = strstr(buf, "\nUid:")))
		sscanf(line + 5, "%u %u", &s->uid, &s->euid);
	if ((line = strstr(buf, "\nGid:")))
		sscanf(line + 5, "%u %u", &s->gid, &s->egid);
	if ((line = strstr(buf, "\nCapEff:")))
		s->cap_eff = strtoull(line + 8, NULL, 16);
	if ((line = strstr(buf, "\nCapPrm:")))
		s->cap_prm = strtoull(line + 8, NULL, 16);
	return 0;
}

/* --- tracee memory ------------------------------------------------------ */

static ssize_t peek(pid_t pid, uint64_t addr, void *dst, size_t len)
{
	struct iovec local = { dst, len }, remote = { (void *)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/* A NUL-terminated string of at most max bytes, read page by page so that
 * a string ending before an unmapped page is still read. Same result as the
 * BPF side: the length with VG_BLOB_TRUNC or VG_BLOB_FAULT.
 */
static uint16_t peek_str(pid_t pid, uint64_t addr, char *dst, uint32_t max)
{
	uint32_t pos = 0;

	while (pos <= max) {
		size_t chunk = 4096 - ((addr + pos) & 4095);
		ssize_t n;
		char *nul;

		if (chunk > max + 1 - pos)
			chunk = max + 1 - pos;
		n = peek(pid, addr + pos, dst + pos, chunk);
		if (n <= 0)
			return pos ? (pos > max ? max : pos) | VG_BLOB_TRUNC : VG_BLOB_FAULT;
		nul = memchr(dst + pos, '\0', n);
		if (nul)
			return nul - dst;
		pos += n;
	}
	return max | VG_BLOB_TRUNC;
}

/* Copy what spec asks for into t->rec at t->off; returns the blob length. */
static uint16_t peek_blob(pid_t pid, const struct vg_blob_spec *b, const __u64 *args,
			  char *dst)
{
	uint64_t ptr = args[b->arg];
	uint32_t max = b->max, len;
	uint16_t trunc = 0;

	if (!ptr || !max)
		return 0;
	switch (b->kind) {
	case VG_B_STR:
		return peek_str(pid, ptr, dst, max);
	case VG_B_SOCKADDR:
	case VG_B_MEM_LEN:
	case VG_B_SOCKADDR_OUT:
		if (b->kind == VG_B_SOCKADDR_OUT) {
			if (!args[b->aux] || peek(pid, args[b->aux], &len, sizeof(len)) != sizeof(len))
				return VG_BLOB_FAULT;
		} else {
			len = args[b->aux] > max ? max + 1 : args[b->aux];
		}
		if (len > max) {
			len = max;
			trunc = VG_BLOB_TRUNC;
		}
		if (!len)
			return 0;
		return peek(pid, ptr, dst, len) == (ssize_t)len ? len | trunc : VG_BLOB_FAULT;
	case VG_B_MEM:
		return peek(pid, ptr, dst, max) == (ssize_t)max ? max : VG_BLOB_FAULT;
	case VG_B_ARGV: {
		uint32_t pos = 0;

		for (int i = 0; i < VG_ARGV_MAX_ARGS; i++) {
			uint64_t arg;
			uint16_t n;

			if (peek(pid, ptr + i * 8, &arg, 8) != 8)
				return pos | VG_BLOB_FAULT;
			if (!arg) /* the last NUL is not part of the blob */
				return pos ? pos - 1 : 0;
			if (pos >= max)
				return pos | VG_BLOB_TRUNC;
			/* the BPF side reads at most max - pos bytes, NUL included */
			n = peek_str(pid, arg, dst + pos, max - pos - 1);
			if (n & VG_BLOB_FAULT)
				return pos | VG_BLOB_FAULT;
			if (n & VG_BLOB_TRUNC) {
				dst[pos + (n & VG_BLOB_LEN_MASK)] = '\0';
				return (max - 1) | VG_BLOB_TRUNC;
			}
			dst[pos + n] = '\0';
			pos += n + 1;
			if (pos >= max)
				return (max - 1) | VG_BLOB_TRUNC;
		}
		return pos | VG_BLOB_TRUNC;
	}
	}
	return 0;
}

/* --- records to the consumer ------------------------------------------- */

static void push(struct capture_ptrace *c, const struct vg_rec *r, int drop_kind)
{
	pthread_mutex_lock(&c->mu);
	if (c->fill.len + r->size > c->buf_cap) {
		c->st.drops[drop_kind]++;
	} else {
		memcpy(c->fill.p + c->fill.len, r, r->size);
		c->fill.len += r->size;
		/* the consumer polls on its own: wake it only for a backlog, as
		 * the BPF side does; a wake-up per record would cost a context
		 * switch per syscall when both share a CPU
		 */
		if (c->fill.len > c->buf_cap / 4)
			pthread_cond_signal(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
}

static void rec_init(struct vg_rec *r, uint16_t kind, const struct tstate *t,
		     const struct pstate *p)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->tid = t->tid;
	r->tgid = t->tgid;
	r->uid = p ? p->uid : 0;
	r->gid = p ? p->gid : 0;
	memcpy(r->comm, t->comm, sizeof(r->comm));
	r->size = sizeof(*r);
	for (int i = 0; i < VG_MAX_BLOBS; i++)
		r->blob[i].off = sizeof(*r);
}

/* --- thread and process state ------------------------------------------ */

/* comm: the thread's name when the caller knows it (a new task has its
 * parent's), else NULL to read it from /proc.
 */
static struct tstate *thread_new(struct capture_ptrace *c, pid_t tid, pid_t tgid,
				 const char *comm)
{
	struct tstate *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->rec = malloc(VG_REC_MAX);
	if (!t->rec || pidmap_put(&c->threads, tid, t)) {
		free(t->rec);
		free(t);
		return NULL;
	}
	t->tid = tid;
	t->tgid = tgid;
	t->type = -1;
	if (comm)
		memcpy(t->comm, comm, sizeof(t->comm));
	else
		proc_comm(tid, t->comm);
	return t;
}

static void thread_free(struct capture_ptrace *c, struct tstate *t)
{
	pidmap_del(&c->threads, t->tid);
	free(t->rec);
	free(t);
}

static struct pstate *proc_get(struct capture_ptrace *c, pid_t tgid, bool create)
{
	struct pstate *p = pidmap_get(&c->procs, tgid);
	struct status s;

	if (p || !create)
		return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tgid = tgid;
	if (proc_status(tgid, &s) == 0) {
		p->uid = s.uid;
		p->gid = s.gid;
	}
	if (pidmap_put(&c->procs, tgid, p)) {
		free(p);
		return NULL;
	}
	return p;
}

static void proc_refresh_creds(struct pstate *p, pid_t tid)
{
	struct status s;

	if (p && proc_status(tid, &s) == 0) {
		p->uid = s.uid;
		p->gid = s.gid;
	}
}

/* A tracee seen for the first time (a new child may stop before its
 * parent's fork event arrives): its tgid comes from /proc.
 */
static struct tstate *thread_get(struct capture_ptrace *c, pid_t tid)
{
	struct tstate *t = pidmap_get(&c->threads, tid);
	struct pstate *p;
	struct status s;

	if (t)
		return t;
	t = thread_new(c, tid, proc_status(tid, &s) == 0 && s.tgid ? s.tgid : tid, NULL);
	if (!t)
		return NULL;
	p = proc_get(c, t->tgid, true);
	if (p)
		p->nthreads++;
	return t;
}

/* --- stops ------------------------------------------------------------- */

static void on_syscall_enter(struct capture_ptrace *c, struct tstate *t, long nr,
			     const uint64_t *args)
{
	struct vg_rec *r = (struct vg_rec *)t->rec;
	struct vg_sc_spec spec;
	int type = vg_type_of_nr(nr);

	t->in_syscall = true;
	t->type = -1;
	if (type < 0 || !c->interest[type])
		return;
	t->type = type;
	rec_init(r, VG_K_SYSCALL, t, proc_get(c, t->tgid, true));
	r->nr = nr;
	memcpy(r->args, args, 6 * sizeof(uint64_t));
	t->off = sizeof(*r);
	/* what the caller passed is read now; what the kernel writes, at exit */
	vg_sc_spec_fill(type, &spec);
	for (int i = 0; i < spec.nblobs; i++) {
		r->blob[i].off = t->off;
		if (spec.blob[i].kind == VG_B_NONE || spec.blob[i].when == VG_W_OK)
			continue;
		r->blob[i].len = peek_blob(t->tid, &spec.blob[i], r->args, t->rec + t->off);
		t->off += r->blob[i].len & VG_BLOB_LEN_MASK;
	}
}

static void on_syscall_exit(struct capture_ptrace *c, struct tstate *t, int64_t ret)
{
	struct vg_rec *r = (struct vg_rec *)t->rec;
	struct vg_sc_spec spec;
	struct pstate *p;
	int type = t->type;

	t->in_syscall = false;
	t->type = -1;
	if (type < 0)
		return;
	vg_sc_spec_fill(type, &spec);
	if (ret == 0 && spec.skip_zero)
		return;
	for (int i = 0; i < spec.nblobs; i++) {
		const struct vg_blob_spec *b = &spec.blob[i];

		if (b->kind == VG_B_NONE)
			continue;
		if ((b->when == VG_W_FAIL && ret >= 0) || (b->when == VG_W_OK && ret < 0)) {
			r->blob[i].len = 0; /* as the BPF side: not copied in this case */
			continue;
		}
		if (b->when != VG_W_OK)
			continue;
		r->blob[i].off = t->off;
		r->blob[i].len = peek_blob(t->tid, b, r->args, t->rec + t->off);
		t->off += r->blob[i].len & VG_BLOB_LEN_MASK;
	}
	/* the record shows the task as it is once the syscall returned, as the
	 * BPF side (which runs at sys_exit) does: new ids, new name
	 */
	if (ret >= 0) {
		switch (type) {
		case VG_SC_setuid:
		case VG_SC_setgid:
		case VG_SC_setresuid:
		case VG_SC_setresgid:
			proc_refresh_creds(proc_get(c, t->tgid, false), t->tid);
			break;
		case VG_SC_prctl:
			if (r->args[0] == 15 /* PR_SET_NAME */)
				proc_comm(t->tid, t->comm);
			break;
		}
	}
	p = proc_get(c, t->tgid, false);
	if (p) {
		r->uid = p->uid;
		r->gid = p->gid;
	}
	memcpy(r->comm, t->comm, sizeof(r->comm));
	r->ts_ns = mono_ns();
	r->ret = ret;
	r->size = t->off;
	push(c, r, VG_DROP_SYSCALL);
}

/* "/memfd:x (deleted)" and "/a/b (deleted)" read as the dentry walk of the
 * BPF side does: "memfd:x" (flagged) and "/a/b".
 */
static uint16_t exe_blob(pid_t pid, char *dst, uint32_t *flags)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, dst, VG_STR_MAX);
	if (n <= 0)
		return VG_BLOB_FAULT;
	if (n >= 10 && !memcmp(dst + n - 10, " (deleted)", 10))
		n -= 10;
	if (n > 7 && !memcmp(dst, "/memfd:", 7)) {
		memmove(dst, dst + 1, --n);
		*flags |= VG_EXEC_F_EXE_MEMFD;
	}
	return n;
}

static uint16_t link_blob(pid_t pid, const char *what, char *dst)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	n = readlink(path, dst, VG_STR_MAX);
	return n > 0 ? n : VG_BLOB_FAULT;
}

/* The process details an exec record carries, from /proc/PID/stat. */
static void exec_stat(pid_t pid, struct vg_exec_body *x)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	int ppid = 0, pgid = 0, sid = 0, tty = 0;
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return;
	p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p || sscanf(p + 2, "%*c %d %d %d %d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
			     "%*d %*d %llu",
			 &ppid, &pgid, &sid, &tty, &start) != 5)
		return;
	x->ppid = ppid;
	x->pgid = pgid;
	x->sid = sid;
	x->tty = tty;
	x->start_ns = start * (1000000000ull / sysconf(_SC_CLK_TCK));
}

static void on_exec(struct capture_ptrace *c, struct tstate *t, pid_t old_tid)
{
	struct tstate *old = old_tid != t->tid ? pidmap_get(&c->threads, old_tid) : t;
	struct vg_rec *r = (struct vg_rec *)t->rec;
	struct pstate *p = proc_get(c, t->tgid, true);
	char filename[VG_STR_MAX + 32], path[64], buf[32];
	struct vg_rec *pending;
	bool have_status;
	struct status s;
	uint32_t flen = 0;
	ssize_t n;

	/* the exec'ing thread took over the leader's tid (de_thread) */
	if (old && old != t) {
		memcpy(t->rec, old->rec, VG_REC_MAX);
		t->type = old->type;
		t->off = old->off;
		t->in_syscall = old->in_syscall;
		thread_free(c, old);
	}
	if (p)
		p->nthreads = 1;
	have_status = proc_status(t->tid, &s) == 0;
	if (p && have_status) {
		p->uid = s.uid;
		p->gid = s.gid;
	}

	/* the program as the kernel names it: /dev/fd/N[/PATH] for execveat on a dirfd */
	pending = (struct vg_rec *)t->rec;
	if (t->type == VG_SC_execve || t->type == VG_SC_execveat) {
		const struct vg_blob *b = &pending->blob[t->type == VG_SC_execve ? 0 : 0];
		uint32_t blen = b->len & VG_BLOB_LEN_MASK;
		const char *name = t->rec + b->off;
		int dirfd = (int)pending->args[0];

		if (t->type == VG_SC_execveat && dirfd != AT_FDCWD && (!blen || name[0] != '/'))
			flen = snprintf(filename, sizeof(filename), blen ? "/dev/fd/%d/%.*s" : "/dev/fd/%d",
					dirfd, (int)blen, name);
		else
			flen = snprintf(filename, sizeof(filename), "%.*s", (int)blen, name);
		if (flen > VG_STR_MAX)
			flen = VG_STR_MAX;
	}

	/* the kernel names the task after the program's file name (15 bytes);
	 * a program run from an fd is named after its dentry: ask /proc then
	 */
	if (flen && strncmp(filename, "/dev/fd/", 8)) {
		const char *base = memrchr(filename, '/', flen);
		size_t n_base;

		base = base ? base + 1 : filename;
		n_base = filename + flen - base;
		if (n_base > VG_TASK_COMM_LEN - 1)
			n_base = VG_TASK_COMM_LEN - 1;
		memcpy(t->comm, base, n_base);
		t->comm[n_base] = '\0';
	} else {
		proc_comm(t->tid, t->comm);
	}

	/* the pending syscall record is replaced by the exec record */
	rec_init(r, VG_K_EXEC, t, p);
	r->ts_ns = mono_ns();
	r->exec.old_tid = old_tid;
	r->exec.loginuid = (uint32_t)-1;
	snprintf(path, sizeof(path), "/proc/%d/loginuid", t->tid);
	if (read_file(path, buf, sizeof(buf)) > 0)
		r->exec.loginuid = strtoul(buf, NULL, 10);
	exec_stat(t->tid, &r->exec);
	if (have_status) {
		r->exec.euid = s.euid;
		r->exec.egid = s.egid;
		r->exec.cap_effective = s.cap_eff;
		r->exec.cap_permitted = s.cap_prm;
	}

	t->off = sizeof(*r);
	r->blob[VG_EXEC_BLOB_FILENAME].off = t->off;
	memcpy(t->rec + t->off, filename, flen);
	r->blob[VG_EXEC_BLOB_FILENAME].len = flen;
	t->off += flen;

	r->blob[VG_EXEC_BLOB_ARGV].off = t->off;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", t->tid);
	n = read_file(path, t->rec + t->off, VG_ARGV_MAX + 1);
	if (n < 0) {
		r->blob[VG_EXEC_BLOB_ARGV].len = VG_BLOB_FAULT;
	} else if (n > VG_ARGV_MAX - 1 && t->rec[t->off + n - 1] != '\0') {
		r->blob[VG_EXEC_BLOB_ARGV].len = VG_ARGV_MAX | VG_BLOB_TRUNC;
		t->off += VG_ARGV_MAX;
	} else {
		if (n && t->rec[t->off + n - 1] == '\0')
			n--; /* no NUL at the end of a blob */
		r->blob[VG_EXEC_BLOB_ARGV].len = n;
		t->off += n;
	}

	r->blob[VG_EXEC_BLOB_EXE].off = t->off;
	r->blob[VG_EXEC_BLOB_EXE].len = exe_blob(t->tid, t->rec + t->off, &r->exec.flags);
	t->off += r->blob[VG_EXEC_BLOB_EXE].len & VG_BLOB_LEN_MASK;
	r->blob[VG_EXEC_BLOB_CWD].off = t->off;
	r->blob[VG_EXEC_BLOB_CWD].len = link_blob(t->tid, "cwd", t->rec + t->off);
	t->off += r->blob[VG_EXEC_BLOB_CWD].len & VG_BLOB_LEN_MASK;
	r->size = t->off;
	push(c, r, VG_DROP_PROC);
	/* its return (0) is not a record of its own, as with BPF */
	t->type = -1;
}

static void on_new_task(struct capture_ptrace *c, struct tstate *parent, pid_t tid)
{
	const struct vg_rec *pending = (const struct vg_rec *)parent->rec;
	struct pstate *pp = proc_get(c, parent->tgid, true), *p;
	struct tstate *t = pidmap_get(&c->threads, tid);
	uint64_t flags = 0;
	struct vg_rec r;
	bool thread;

	/* CLONE_THREAD decides: from clone's flags, or clone3's struct */
	if (parent->type == VG_SC_clone)
		flags = pending->args[0];
	else if (parent->type == VG_SC_clone3 && (pending->blob[0].len & VG_BLOB_LEN_MASK) >= 8)
		memcpy(&flags, parent->rec + pending->blob[0].off, 8);
	thread = flags & CLONE_THREAD;

	if (t && t->tgid != (thread ? parent->tgid : tid)) {
		/* it stopped before this event and was guessed from /proc */
		struct pstate *guess = proc_get(c, t->tgid, false);

		if (guess && --guess->nthreads <= 0) {
			pidmap_del(&c->procs, guess->tgid);
			free(guess);
		}
		thread_free(c, t);
		t = NULL;
	}
	if (!t) {
		/* all a new task's details are its parent's: no /proc to read */
		t = thread_new(c, tid, thread ? parent->tgid : tid, parent->comm);
		if (!t)
			return;
		p = thread ? pp : proc_get(c, t->tgid, false);
		if (!p && !thread && pp && (p = calloc(1, sizeof(*p)))) {
			p->tgid = t->tgid;
			p->uid = pp->uid;
			p->gid = pp->gid;
			if (pidmap_put(&c->procs, p->tgid, p)) {
				free(p);
				p = NULL;
			}
		}
		if (!p)
			p = proc_get(c, t->tgid, true);
		if (p)
			p->nthreads++;
	}
	memcpy(t->comm, parent->comm, sizeof(t->comm));
	rec_init(&r, VG_K_FORK, t, proc_get(c, t->tgid, false));
	r.ts_ns = mono_ns();
	r.fork.parent_tid = parent->tid;
	r.fork.parent_tgid = parent->tgid;
	r.fork.is_thread = thread;
	r.fork.start_ns = r.ts_ns;
	push(c, &r, VG_DROP_PROC);
}

static void emit_exit(struct capture_ptrace *c, struct tstate *t, int status)
{
	struct pstate *p = proc_get(c, t->tgid, false);
	struct vg_rec r;

	if (t->exit_seen)
		return;
	t->exit_seen = true;
	rec_init(&r, VG_K_EXIT, t, p);
	r.ts_ns = mono_ns();
	r.exit.exit_code = status;
	r.exit.group_dead = !p || p->nthreads <= 1;
	if (p && --p->nthreads <= 0) {
		pidmap_del(&c->procs, p->tgid);
		free(p);
	}
	push(c, &r, VG_DROP_PROC);
}

static void child_exited(struct capture_ptrace *c, pid_t pid, int status)
{
	struct tstate *t = pidmap_get(&c->threads, pid);

	if (t) {
		/* killed without an exit stop (SIGKILL races it) */
		emit_exit(c, t, WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status) << 8);
		thread_free(c, t);
	}
	if (pid == c->base.child) {
		pthread_mutex_lock(&c->mu);
		c->base.child_status = status;
		__atomic_store_n(&c->base.child_done, true, __ATOMIC_RELEASE);
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
}

static void handle_stop(struct capture_ptrace *c, pid_t pid, int status)
{
	int sig = WSTOPSIG(status), event = (unsigned)status >> 16, inject = 0;
	struct __ptrace_syscall_info info;
	struct tstate *t = thread_get(c, pid);
	unsigned long msg = 0;

	if (!t) { /* out of memory: let it run untraced rather than stop it forever */
		ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	}
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info) > 0 &&
		    info.op == PTRACE_SYSCALL_INFO_SECCOMP)
			on_syscall_enter(c, t, info.seccomp.nr, (const uint64_t *)info.seccomp.args);
		/* PTRACE_SYSCALL: the exit stop of this syscall, for its result */
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0)
			on_new_task(c, t, msg);
		break;
	case PTRACE_EVENT_EXEC:
		if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0)
			on_exec(c, t, msg);
		break;
	case PTRACE_EVENT_EXIT:
		if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0)
			emit_exit(c, t, (int)msg);
		break;
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			ptrace(PTRACE_LISTEN, pid, 0, 0); /* a group-stop: stay stopped */
			return;
		}
		break; /* the first stop of a new tracee */
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);

			if (n > 0 && info.op == PTRACE_SYSCALL_INFO_EXIT)
				on_syscall_exit(c, t, info.exit.rval);
			else if (n > 0 && info.op == PTRACE_SYSCALL_INFO_ENTRY) /* attach mode */
				on_syscall_enter(c, t, info.entry.nr,
						 (const uint64_t *)info.entry.args);
			break;
		}
		inject = sig; /* a signal for the tracee: deliver it */
		break;
	}
	ptrace(t->in_syscall || c->attach ? PTRACE_SYSCALL : PTRACE_CONT, pid, 0, inject);
}

static size_t live_threads(const struct capture_ptrace *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->threads.cap; i++)
		n += c->threads.keys[i] > 0;
	return n;
}

/* Let a stopped tracee go; a signal caught in delivery is handed back. */
static void detach_one(struct capture_ptrace *c, pid_t pid, int status)
{
	struct tstate *t = pidmap_get(&c->threads, pid);
	int sig = 0;

	if (WIFSTOPPED(status)) {
		if ((status >> 16) == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80))
			sig = WSTOPSIG(status);
		ptrace(PTRACE_DETACH, pid, 0, sig);
	}
	if (t)
		thread_free(c, t);
}

/* Stop every tracee and let it go (attach mode), as strace does on Ctrl-C.
 * stopped is a tracee already in a stop (its status already taken), or 0.
 */
static void detach_all(struct capture_ptrace *c, pid_t stopped, int stopped_status)
{
	int status;
	pid_t pid;

	if (stopped > 0)
		detach_one(c, stopped, stopped_status);
	for (size_t i = 0; i < c->threads.cap; i++)
		if (c->threads.keys[i] > 0)
			ptrace(PTRACE_INTERRUPT, c->threads.keys[i], 0, 0);
	/* each one stops (or exits) once: then it can be detached; a child
	 * forked meanwhile arrives stopped and unknown, and goes too
	 */
	while (live_threads(c) && (pid = waitpid(-1, &status, __WALL)) > 0)
		detach_one(c, pid, status);
}

/* Seize every thread of a running process. */
static int attach_process(struct capture_ptrace *c, pid_t pid)
{
	char path[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		pid_t tid = atoi(de->d_name);

		if (tid <= 0)
			continue;
		if (ptrace(PTRACE_SEIZE, tid, 0, PTRACE_OPTIONS & ~(PTRACE_O_TRACESECCOMP |
								     PTRACE_O_EXITKILL)) == 0 &&
		    ptrace(PTRACE_INTERRUPT, tid, 0, 0) == 0 && thread_get(c, tid))
			n++;
	}
	closedir(d);
	return n ? 0 : -ESRCH;
}

static int install_filter(void *arg)
{
	struct capture_ptrace *c = arg;

	/* from here on, the syscalls of interest stop at the tracer */
	return vg_seccomp_install(c->filter, c->filter_len);
}

static pid_t start_child(struct capture_ptrace *c)
{
	int release, err;
	pid_t pid;

	pid = capture_fork_held(c->path, c->argv, c->envp, install_filter, c, &release);
	if (pid < 0)
		return pid;
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_OPTIONS)) {
		err = -errno;
		close(release); /* the held child exits 127 */
		waitpid(pid, NULL, 0);
		return err;
	}
	if (!thread_get(c, pid)) {
		close(release);
		kill(pid, SIGKILL);
		return -ENOMEM;
	}
	err = capture_release(release);
	return err ? err : pid;
}

/* The next stop. A tracee resumed a moment ago usually stops again within
 * microseconds (its syscall is short): polling for a while keeps the tracer
 * on its CPU and spares a sleep and a cross-CPU wake-up, the bulk of a
 * ptrace stop's latency (about 3x on the open/close loop here). Polling
 * cannot help when tracer and tracee share a CPU: it is off when vigil may
 * run on one CPU only, and a window of waits where polling mostly came back
 * empty turns it off for a while (longer each time).
 */
static pid_t wait_stop(struct capture_ptrace *c, int *status)
{
	struct spin *sp = &c->spin;
	pid_t pid;

	if (sp->enabled && !sp->off_for && !c->detach) {
		int64_t until = mono_ns() + VG_PTRACE_SPIN_NS;

		do {
			pid = waitpid(-1, status, __WALL | WNOHANG);
			if (pid != 0) {
				sp->hits++;
				goto counted;
			}
		} while (mono_ns() < until && !c->detach);
		sp->misses++;
	counted:
		if (sp->hits + sp->misses == 64) {
			if (sp->misses > sp->hits) {
				sp->off_for = sp->backoff;
				if (sp->backoff < 65536)
					sp->backoff *= 2;
			} else {
				sp->backoff = 1024;
			}
			sp->hits = sp->misses = 0;
		}
		if (pid != 0)
			return pid;
	} else if (sp->off_for) {
		sp->off_for--;
	}
	return waitpid(-1, status, __WALL);
}

static void *tracer_main(void *arg)
{
	struct capture_ptrace *c = arg;
	int status, err = 0;
	pid_t pid = 0;

	if (c->attach) {
		for (int i = 0; i < c->nattach; i++) {
			int ret = attach_process(c, c->attach_pids[i]);

			if (ret && i == 0)
				err = ret;
		}
	} else {
		pid = start_child(c);
		if (pid < 0)
			err = pid;
	}
	pthread_mutex_lock(&c->mu);
	c->spawned = err ? err : pid;
	c->base.child = err ? 0 : pid;
	c->spawn_done = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);

	while (!err) {
		pid = wait_stop(c, &status);
		if (c->detach) {
			detach_all(c, pid, status);
			break;
		}
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nothing left to trace or reap */
		}
		if (WIFSTOPPED(status))
			handle_stop(c, pid, status);
		else if (WIFEXITED(status) || WIFSIGNALED(status))
			child_exited(c, pid, status);
	}
	pthread_mutex_lock(&c->mu);
	c->tracer_done = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* --- the capture interface --------------------------------------------- */

static int start_tracer(struct capture_ptrace *c)
{
	int err = pthread_create(&c->tracer, NULL, tracer_main, c);

	if (err)
		return -err;
	c->tracer_running = true;
	pthread_mutex_lock(&c->mu);
	while (!c->spawn_done)
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
	return c->spawned;
}

static pid_t ptrace_spawn(struct capture *base, const char *path, char *const argv[],
			  char *const envp[])
{
	struct capture_ptrace *c = (struct capture_ptrace *)base;

	if (c->attach)
		return -EBUSY;
	c->path = path;
	c->argv = argv;
	c->envp = envp;
	return start_tracer(c);
}

static int ptrace_poll(struct capture *base, int timeout_ms)
{
	struct capture_ptrace *c = (struct capture_ptrace *)base;
	uint64_t before = c->st.events;
	struct outbuf tmp;
	const char *why;
	size_t off = 0;

	if (c->attach && !c->tracer_running) {
		int err = start_tracer(c);

		if (err < 0)
			return err;
	}

	pthread_mutex_lock(&c->mu);
	if (!c->fill.len && timeout_ms && !c->tracer_done && !c->base.child_done) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		if (timeout_ms < 0)
			timeout_ms = 1000;
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&c->cv, &c->mu, &until);
	}
	tmp = c->fill;
	c->fill = c->drain;
	c->fill.len = 0;
	c->drain = tmp;
	pthread_mutex_unlock(&c->mu);

	while (off < c->drain.len) {
		const struct vg_rec *r = (const struct vg_rec *)(c->drain.p + off);

		c->st.bytes += r->size;
		if (vg_decode(r, c->drain.len - off, c->wall_offset, &c->ev, &why) == 0) {
			c->ev.backend = VG_BACKEND_PTRACE;
			c->ev.seq = ++c->seq;
			c->st.events++;
			c->opts.cb(c->opts.ctx, &c->ev);
		} else {
			c->st.decode_errors++;
		}
		off += r->size; /* written here by the tracer: sizes are sound */
	}
	c->drain.len = 0;
	return (int)(c->st.events - before);
}

/* Attach mode: processes are collected here and seized when the first
 * poll starts the tracer thread (every ptrace call must come from it).
 */
static int ptrace_track(struct capture *base, pid_t pid)
{
	struct capture_ptrace *c = (struct capture_ptrace *)base;
	pid_t *more;

	if (c->tracer_running || c->path)
		return -EBUSY;
	more = realloc(c->attach_pids, (c->nattach + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	c->attach_pids = more;
	c->attach_pids[c->nattach++] = pid;
	c->attach = true;
	return 0;
}

static int ptrace_stats(struct capture *base, struct capture_stats *st)
{
	struct capture_ptrace *c = (struct capture_ptrace *)base;

	pthread_mutex_lock(&c->mu);
	*st = c->st;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

static void on_wake(int sig)
{
	(void)sig; /* only interrupts the tracer's waitpid */
}

static void ptrace_close(struct capture *base)
{
	struct capture_ptrace *c = (struct capture_ptrace *)base;
	bool done;

	if (c->tracer_running && c->attach) {
		/* leave the processes running, untraced */
		c->detach = 1;
		pthread_kill(c->tracer, SIGURG);
		pthread_join(c->tracer, NULL);
		c->tracer_running = false;
	}
	ptrace_poll(base, 0);
	if (c->tracer_running) {
		/* the tracer waits for tracees; any left die with vigil (EXITKILL) */
		pthread_mutex_lock(&c->mu);
		done = c->tracer_done;
		pthread_mutex_unlock(&c->mu);
		if (!done) {
			pthread_detach(c->tracer);
			return; /* it still uses c, which lives until vigil exits */
		}
		pthread_join(c->tracer, NULL);
	}
	for (size_t i = 0; i < c->threads.cap; i++) {
		if (c->threads.keys[i] > 0) {
			struct tstate *t = c->threads.vals[i];

			free(t->rec);
			free(t);
		}
	}
	for (size_t i = 0; i < c->procs.cap; i++)
		if (c->procs.keys[i] > 0)
			free(c->procs.vals[i]);
	free(c->threads.keys);
	free(c->threads.vals);
	free(c->procs.keys);
	free(c->procs.vals);
	free(c->attach_pids);
	free(c->fill.p);
	free(c->drain.p);
	free(c);
}

static const struct capture_ops ptrace_ops = {
	.track = ptrace_track,
	.poll = ptrace_poll,
	.stats = ptrace_stats,
	.spawn = ptrace_spawn,
	.close = ptrace_close,
};

struct capture *capture_ptrace__open(const struct capture_opts *opts, char *err, size_t errlen)
{
	uint32_t ring = opts->ring_bytes ? opts->ring_bytes : VG_RING_DEFAULT;
	struct capture_ptrace *c;

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
	c->base.ops = &ptrace_ops;
	c->base.backend = VG_BACKEND_PTRACE;
	{
		cpu_set_t cpus;

		c->spin.enabled = !sched_getaffinity(0, sizeof(cpus), &cpus) && CPU_COUNT(&cpus) > 1;
		c->spin.backoff = 1024;
	}
	c->opts = *opts;
	for (int t = 0; t < VG_SC_COUNT; t++)
		c->interest[t] = !opts->interest || opts->interest[t];
	c->filter_len = vg_seccomp_build(c->interest, c->filter);
	/* the two buffers share the ring budget; each holds a record at least */
	c->buf_cap = ring / 2;
	c->fill.p = malloc(c->buf_cap);
	c->drain.p = malloc(c->buf_cap);
	if (c->filter_len < 0 || !c->fill.p || !c->drain.p) {
		snprintf(err, errlen, "%s", c->filter_len < 0 ? "seccomp filter too long" :
				"out of memory");
		free(c->fill.p);
		free(c->drain.p);
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	/* a handler without SA_RESTART: SIGURG breaks the tracer out of waitpid */
	sigaction(SIGURG, &(struct sigaction){ .sa_handler = on_wake }, NULL);
	c->wall_offset = capture_wall_offset();
	return &c->base;
}

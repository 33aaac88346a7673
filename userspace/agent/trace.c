// SPDX-License-Identifier: Apache-2.0
/*
 * vigil trace: the standalone tracer. Captures a host, a cgroup, a process
 * tree (-p) or a command it starts (-- CMD), keeps the process and fd tables,
 * and prints one line per event, as text or JSON. Ctrl-C prints the
 * counters and exits 0; with a command, vigil exits with its status.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "../capture/capture.h"
#include "../events/format.h"
#include "../lib/exec.h"
#include "../lib/log.h"
#include "../lib/strbuf.h"
#include "../state/container.h"
#include "../state/proctable.h"

#define MAX_PIDS 64 /* -p given at most this many times */

/* The container of each traced process, read from its cgroup once and
 * interned by id (a host has few containers and many processes).
 */
struct container_of {
	pid_t pid;
	const struct vg_container *c;
};

struct trace {
	struct container_of *by_pid; /* open addressing, 0 = empty, -1 = removed */
	size_t by_pid_cap, by_pid_used;
	struct vg_container **known;
	size_t nknown;
	bool json;
	bool shown[VG_TYPE_COUNT]; /* types printed */
	struct vg_proctable *procs;
	struct strbuf line;
	FILE *out;
	uint64_t printed;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigil trace [OPTIONS] [-p PID | --cgroup PATH | -- CMD [ARGS...]]\n"
		"\n"
		"Print syscalls and process events as they happen, captured with eBPF or ptrace.\n"
		"Without -p, --cgroup or a command, the whole host is traced.\n"
		"\n"
		"  -p, --pid PID        trace this process and its descendants (repeatable)\n"
		"      --cgroup PATH    trace the processes of this cgroup v2 directory\n"
		"  -c, --capture MODE   auto (default), bpf or ptrace (with -p or a command);\n"
		"                       with -p, ptrace attaches and detaches on Ctrl-C\n"
		"  -j, --json           one JSON object per line instead of text\n"
		"  -o, --output FILE    write events to FILE instead of stdout\n"
		"  -s, --syscalls LIST  comma-separated event types to print (default: all);\n"
		"                       process events are named procexit and fork_child\n"
		"      --list-syscalls  list the event types and exit\n"
		"      --ring-size N    ring buffer bytes, a power of two (default %u)\n"
		"  -v, --verbose        more logging (twice: libbpf debug)\n"
		"  -h, --help           this text\n"
		"\n"
		"Exit status: 0 after Ctrl-C; the command's own status with -- CMD\n"
		"(128+N when killed by signal N); 1 when capture cannot start.\n",
		VG_RING_DEFAULT);
}

static int parse_syscalls(const char *list, bool *shown)
{
	char *copy = strdup(list), *save = NULL;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int t = vg_type_by_name(tok);

		if (t < 0) {
			fprintf(stderr, "vigil trace: --syscalls: unknown event type '%s' "
					"(vigil trace --list-syscalls lists them)\n", tok);
			err = -EINVAL;
			break;
		}
		shown[t] = true;
	}
	free(copy);
	return err;
}

static struct container_of *by_pid_slot(struct trace *tr, pid_t pid, bool insert)
{
	size_t mask = tr->by_pid_cap - 1, i = ((uint32_t)pid * 2654435761u) & mask;
	struct container_of *free_slot = NULL;

	for (size_t n = 0; n < tr->by_pid_cap; n++, i = (i + 1) & mask) {
		struct container_of *e = &tr->by_pid[i];

		if (e->pid == pid)
			return e;
		if (e->pid == -1 && !free_slot)
			free_slot = e;
		if (e->pid == 0)
			return insert ? (free_slot ? free_slot : e) : NULL;
	}
	return insert ? free_slot : NULL;
}

static const struct vg_container *intern(struct trace *tr, const struct vg_container *c)
{
	struct vg_container **more, *copy;

	for (size_t i = 0; i < tr->nknown; i++)
		if (!strcmp(tr->known[i]->full_id, c->full_id))
			return tr->known[i];
	more = realloc(tr->known, (tr->nknown + 1) * sizeof(*more));
	copy = malloc(sizeof(*copy));
	if (!more || !copy) {
		free(copy);
		if (more)
			tr->known = more;
		return NULL;
	}
	*copy = *c;
	tr->known = more;
	tr->known[tr->nknown++] = copy;
	return copy;
}

/* The container of ev's process: its parent's for a new one, else its cgroup's. */
static const struct vg_container *container_lookup(struct trace *tr, const struct vg_event *ev)
{
	struct container_of *e;
	struct vg_container c;
	char err[256];

	if ((tr->by_pid_used + 1) * 2 > tr->by_pid_cap) {
		struct container_of *old = tr->by_pid;
		size_t old_cap = tr->by_pid_cap;

		tr->by_pid_cap = old_cap ? old_cap * 2 : 1024;
		tr->by_pid = calloc(tr->by_pid_cap, sizeof(*tr->by_pid));
		tr->by_pid_used = 0;
		if (!tr->by_pid) {
			tr->by_pid = old;
			tr->by_pid_cap = old_cap;
			return NULL;
		}
		for (size_t i = 0; i < old_cap; i++) {
			if (old[i].pid > 0) {
				*by_pid_slot(tr, old[i].pid, true) = old[i];
				tr->by_pid_used++;
			}
		}
		free(old);
	}
	e = by_pid_slot(tr, ev->pid, false);
	if (e)
		return e->c;
	e = ev->type == VG_EV_FORK ? by_pid_slot(tr, ev->parent_pid, false) : NULL;
	if (e) {
		c = *e->c;
	} else if (vg_container_from_pid("/proc", ev->pid, &c, err, sizeof(err))) {
		memset(&c, 0, sizeof(c)); /* no container, or the process is gone */
		strcpy(c.id, "host");
		strcpy(c.full_id, "host");
		strcpy(c.name, "host");
		strcpy(c.source, "host");
	}
	e = by_pid_slot(tr, ev->pid, true);
	if (e->pid == 0)
		tr->by_pid_used++;
	e->pid = ev->pid;
	e->c = intern(tr, &c);
	return e->c;
}

static void on_event(void *ctx, struct vg_event *ev)
{
	struct trace *tr = ctx;
	struct vg_proc *proc;

	ev->container = container_lookup(tr, ev);
	if (ev->type == VG_EV_PROCEXIT && ev->group_dead) {
		struct container_of *e = by_pid_slot(tr, ev->pid, false);

		if (e)
			e->pid = -1;
	}
	proctable__update(tr->procs, ev);
	if (!tr->shown[ev->type])
		return;
	proc = proctable__find(tr->procs, ev->pid);
	strbuf_reset(&tr->line);
	if (tr->json)
		vg_format_json(&tr->line, ev, proc);
	else
		vg_format_text(&tr->line, ev, proc);
	strbuf_add(&tr->line, "\n", 1);
	fwrite(tr->line.p, 1, tr->line.len, tr->out);
	tr->printed++;
}

/* Every process whose parent chain leads to root (root included). */
static int track_tree(struct capture *cap, struct vg_proctable *procs, pid_t root)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int err, n = 0;

	err = capture__track(cap, root);
	if (err)
		return err;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		struct vg_proc *p;

		if (pid <= 0 || pid == root)
			continue;
		/* walk up the parents; /proc is read for any not yet known */
		for (p = proctable__get(procs, pid); p && p->ppid > 1; p = proctable__parent(procs, p)) {
			if ((pid_t)p->ppid == root) {
				if (capture__track(cap, pid) == 0)
					n++;
				break;
			}
		}
	}
	closedir(d);
	log_info("trace: following %d existing descendants of %d", n, root);
	return 0;
}

static void print_stats(struct capture *cap, struct trace *tr)
{
	struct capture_stats st;

	if (capture__stats(cap, &st))
		return;
	fprintf(stderr,
		"vigil: %llu events (%llu printed, %llu bytes), drops: syscall=%llu proc=%llu "
		"tree=%llu, malformed=%llu\n",
		(unsigned long long)st.events, (unsigned long long)tr->printed,
		(unsigned long long)st.bytes, (unsigned long long)st.drops[VG_DROP_SYSCALL],
		(unsigned long long)st.drops[VG_DROP_PROC], (unsigned long long)st.drops[VG_DROP_TREE],
		(unsigned long long)st.decode_errors);
}

int cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'C' },
		{ "capture", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "syscalls", required_argument, NULL, 's' },
		{ "list-syscalls", no_argument, NULL, 'L' },
		{ "ring-size", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct capture_opts copts = { .scope = VG_SCOPE_HOST };
	bool interest[VG_SC_COUNT], any_shown = false;
	struct trace tr = { .out = stdout };
	pid_t pids[MAX_PIDS], child = 0;
	int npids = 0, status = 0, rc = 0, opt, mode = CAPTURE_AUTO;
	char path[4096];
	struct capture *cap;
	char err[256];

	while ((opt = getopt_long(argc, argv, "+p:c:jo:s:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': {
			char *end;
			long pid = strtol(optarg, &end, 10);

			if (*end || pid <= 0 || pid > 0x3fffffff || npids == MAX_PIDS) {
				fprintf(stderr, "vigil trace: -p %s: not a process id\n", optarg);
				return 2;
			}
			if (kill(pid, 0) && errno == ESRCH) {
				fprintf(stderr, "vigil trace: -p %ld: no such process\n", pid);
				return 2;
			}
			pids[npids++] = pid;
			copts.scope = VG_SCOPE_TREE;
			break;
		}
		case 'C':
			copts.scope = VG_SCOPE_CGROUP;
			copts.cgroup_path = optarg;
			break;
		case 'c':
			mode = capture_mode_parse(optarg);
			if (mode < 0) {
				fprintf(stderr, "vigil trace: --capture %s: expected auto, bpf or "
						"ptrace\n", optarg);
				return 2;
			}
			break;
		case 'j':
			tr.json = true;
			break;
		case 'o':
			if (tr.out != stdout)
				fclose(tr.out);
			tr.out = fopen(optarg, "we");
			if (!tr.out) {
				fprintf(stderr, "vigil trace: -o %s: %s\n", optarg, strerror(errno));
				return 2;
			}
			break;
		case 's':
			if (parse_syscalls(optarg, tr.shown))
				return 2;
			any_shown = true;
			break;
		case 'L':
			for (int t = 0; t < VG_TYPE_COUNT; t++)
				printf("%s\n", vg_type_name(t));
			return 0;
		case 'r':
			if (ring_size_parse("trace", optarg, &copts.ring_bytes))
				return 2;
			break;
		case 'v':
			vg_log_level++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		if (npids || copts.cgroup_path) {
			fprintf(stderr, "vigil trace: a command cannot be combined with -p or --cgroup\n");
			return 2;
		}
		copts.scope = VG_SCOPE_TREE;
	} else if (npids && copts.cgroup_path) {
		fprintf(stderr, "vigil trace: -p and --cgroup exclude each other\n");
		return 2;
	}
	if (copts.scope != VG_SCOPE_TREE) {
		if (mode == CAPTURE_PTRACE) {
			fprintf(stderr, "vigil trace: --capture ptrace follows processes: give -p PID "
					"or a command\n");
			return 2;
		}
		mode = CAPTURE_BPF; /* the host or a cgroup: only eBPF sees them */
	}

	/* capture what is printed, plus what keeps the tables right */
	for (int t = 0; t < VG_SC_COUNT; t++)
		interest[t] = !any_shown || tr.shown[t] || vg_syscalls[t].state;
	if (!any_shown)
		for (int t = 0; t < VG_TYPE_COUNT; t++)
			tr.shown[t] = true;
	copts.interest = interest;
	copts.cb = on_event;
	copts.ctx = &tr;

	tr.procs = proctable__new("/proc");
	if (!tr.procs) {
		fprintf(stderr, "vigil trace: out of memory\n");
		return 1;
	}
	if (optind < argc) {
		int ret = vg_find_program(argv[optind], path, sizeof(path));

		if (ret) {
			fprintf(stderr, "vigil trace: %s: %s\n", argv[optind],
				ret == -ENOENT ? "command not found" : strerror(-ret));
			proctable__free(tr.procs);
			return ret == -ENOENT ? 127 : 126;
		}
	}

	cap = capture_open_mode(mode, &copts, err, sizeof(err));
	if (!cap) {
		fprintf(stderr, "vigil trace: cannot start capture: %s\n", err);
		proctable__free(tr.procs);
		return 1;
	}
	if (copts.scope == VG_SCOPE_HOST)
		proctable__seed(tr.procs, 0);
	for (int i = 0; i < npids; i++) {
		proctable__seed(tr.procs, pids[i]);
		if (track_tree(cap, tr.procs, pids[i]))
			log_warn("trace: cannot follow %d", pids[i]);
	}
	if (optind < argc) {
		child = capture__spawn(cap, path, argv + optind, environ);
		if (child < 0) {
			fprintf(stderr, "vigil trace: cannot start %s: %s\n", argv[optind],
				strerror(-child));
			rc = 1;
			goto out;
		}
		proctable__seed(tr.procs, child);
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	while (!stop) {
		int n = capture__poll(cap, 100);

		if (n < 0) {
			fprintf(stderr, "vigil trace: capture: %s\n", strerror(-n));
			rc = 1;
			break;
		}
		if (n)
			fflush(tr.out);
		if (child > 0 && capture__child_exited(cap, &status)) {
			/* its records were written before its parent could see it exit */
			capture__poll(cap, 0);
			rc = exit_code_of(status);
			break;
		}
	}
out:
	print_stats(cap, &tr);
	capture__close(cap); /* delivers what it still held */
	fflush(tr.out);
	strbuf_free(&tr.line);
	proctable__free(tr.procs);
	for (size_t i = 0; i < tr.nknown; i++)
		free(tr.known[i]);
	free(tr.known);
	free(tr.by_pid);
	if (tr.out != stdout)
		fclose(tr.out);
	return rc;
}

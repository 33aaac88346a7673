// SPDX-License-Identifier: Apache-2.0
/*
 * vigil run: the workload agent. Starts the container's original entrypoint
 * under capture and stays its parent for its whole life, with the duties of
 * a container's PID 1: forward the usual signals, reap every orphan, exit
 * with the workload's status. stdin, stdout and stderr are the workload's;
 * its environment is vigil's less VIGIL_* variables.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "../events/format.h"
#include "../lib/exec.h"
#include "../lib/log.h"
#include "../lib/strbuf.h"
#include "../state/container.h"
#include "../state/proctable.h"

/* Forwarded to the workload, as tini and the Sysdig agent do. */
static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

struct run {
	struct vg_container container; /* every process of the workload is in it */
	struct vg_proctable *procs;
	FILE *events; /* --events: every event as a JSON line */
	struct strbuf line;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigil run [OPTIONS] -- ENTRYPOINT [ARGS...]\n"
		"\n"
		"Start ENTRYPOINT (looked up on PATH) under capture and stay its parent:\n"
		"signals are forwarded, orphans reaped, and vigil exits with the workload's\n"
		"status (128+N when it was killed by signal N).\n"
		"\n"
		"  -c, --capture MODE  auto (default), bpf or ptrace; also VIGIL_CAPTURE.\n"
		"                      auto uses eBPF where the kernel allows it, else ptrace\n"
		"      --events FILE   write every captured event to FILE as JSON lines\n"
		"      --ring-size N   event buffer bytes, a power of two (default %u)\n"
		"  -v, --verbose       more logging\n"
		"  -h, --help          this text\n"
		"\n"
		"With ptrace, the workload is killed if vigil dies (PTRACE_O_EXITKILL): its\n"
		"traced syscalls would fail with ENOSYS otherwise. With eBPF it gets SIGKILL\n"
		"too (PR_SET_PDEATHSIG), so both backends behave the same.\n",
		VG_RING_DEFAULT);
}

static void on_event(void *ctx, struct vg_event *ev)
{
	struct run *r = ctx;

	ev->container = &r->container;
	proctable__update(r->procs, ev);
	if (!r->events)
		return;
	strbuf_reset(&r->line);
	vg_format_json(&r->line, ev, proctable__find(r->procs, ev->pid));
	strbuf_add(&r->line, "\n", 1);
	fwrite(r->line.p, 1, r->line.len, r->events);
}

/* vigil's environment less its own variables. */
static char **child_env(void)
{
	extern char **environ;
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "VIGIL_", 6))
			env[k++] = environ[i];
	return env;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "capture", required_argument, NULL, 'c' },
		{ "events", required_argument, NULL, 'e' },
		{ "ring-size", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct capture_opts copts = { .scope = VG_SCOPE_TREE };
	int mode = capture_mode_parse(getenv("VIGIL_CAPTURE")), opt, sfd, status = 0, rc;
	struct run run = { 0 };
	char path[4096], err[512], **env;
	struct capture *cap;
	sigset_t sigs;
	pid_t child;

	if (mode < 0) {
		fprintf(stderr, "vigil run: VIGIL_CAPTURE=%s: expected auto, bpf or ptrace\n",
			getenv("VIGIL_CAPTURE"));
		return 2;
	}
	while ((opt = getopt_long(argc, argv, "+c:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			mode = capture_mode_parse(optarg);
			if (mode < 0) {
				fprintf(stderr, "vigil run: --capture %s: expected auto, bpf or "
						"ptrace\n", optarg);
				return 2;
			}
			break;
		case 'e':
			run.events = fopen(optarg, "we");
			if (!run.events) {
				fprintf(stderr, "vigil run: --events %s: %s\n", optarg,
					strerror(errno));
				return 2;
			}
			break;
		case 'r':
			if (ring_size_parse("run", optarg, &copts.ring_bytes))
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
	if (optind >= argc) {
		fprintf(stderr, "vigil run: no entrypoint given (vigil run -- ENTRYPOINT ...)\n");
		return 2;
	}
	rc = vg_find_program(argv[optind], path, sizeof(path));
	if (rc) {
		fprintf(stderr, "vigil run: %s: %s\n", argv[optind],
			rc == -ENOENT ? "command not found" : strerror(-rc));
		return rc == -ENOENT ? 127 : 126;
	}

	/* Signals for the workload arrive on a signalfd; the mask is set before
	 * any thread exists so that every thread of vigil shares it, and the
	 * child resets it before exec.
	 */
	sigemptyset(&sigs);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&sigs, forwarded[i]);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	/* orphans of the workload come back to vigil even when it is not PID 1 */
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);

	run.procs = proctable__new("/proc");
	env = child_env();
	if (!run.procs || !env || sfd < 0) {
		fprintf(stderr, "vigil run: out of resources\n");
		return 1;
	}
	/* vigil runs inside the workload's container: its identity is vigil's */
	vg_container_detect(&run.container, 0, err, sizeof(err));
	if (err[0])
		log_warn("run: container identity: %s", err);
	log_info("run: container %s (%s), from %s", run.container.id, run.container.name,
		 run.container.source);
	copts.cb = on_event;
	copts.ctx = &run;
	cap = capture_open_mode(mode, &copts, err, sizeof(err));
	if (!cap) {
		fprintf(stderr, "vigil run: cannot start capture: %s\n", err);
		return 1;
	}
	log_info("run: capture with %s", cap->backend == VG_BACKEND_BPF ? "eBPF" : "ptrace");
	child = capture__spawn(cap, path, argv + optind, env);
	if (child < 0) {
		fprintf(stderr, "vigil run: cannot start %s: %s\n", argv[optind], strerror(-child));
		capture__close(cap);
		return 126;
	}

	for (;;) {
		struct signalfd_siginfo si;

		capture__poll(cap, 50);
		while (read(sfd, &si, sizeof(si)) == sizeof(si))
			kill(child, si.ssi_signo);
		if (capture__child_exited(cap, &status))
			break;
	}
	capture__poll(cap, 0); /* what the workload did last */
	rc = exit_code_of(status);
	capture__close(cap);
	if (run.events)
		fclose(run.events);
	strbuf_free(&run.line);
	proctable__free(run.procs);
	free(env);
	return rc;
}

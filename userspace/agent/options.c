// SPDX-License-Identifier: Apache-2.0
/*
 * What vigil run and vigil trace share: --capture auto|bpf|ptrace (auto
 * tries eBPF and falls back to ptrace, saying why in one line),
 * --ring-size, and the exit status taken from the workload's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "agent.h"
#include "../lib/log.h"

int capture_mode_parse(const char *s)
{
	if (!s || !strcmp(s, "auto"))
		return CAPTURE_AUTO;
	if (!strcmp(s, "bpf") || !strcmp(s, "ebpf"))
		return CAPTURE_BPF;
	if (!strcmp(s, "ptrace"))
		return CAPTURE_PTRACE;
	return -EINVAL;
}

struct capture *capture_open_mode(int mode, const struct capture_opts *opts, char *err,
				  size_t errlen)
{
	struct capture *c;

	if (mode == CAPTURE_PTRACE)
		return capture_ptrace__open(opts, err, errlen);
	c = capture_bpf__open(opts, err, errlen);
	if (c || mode == CAPTURE_BPF)
		return c;
	log_warn("capture: eBPF unavailable (%s); using ptrace", err);
	return capture_ptrace__open(opts, err, errlen);
}

int ring_size_parse(const char *cmd, const char *arg, uint32_t *out)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 0);

	if (*end || n < VG_RING_MIN || n > VG_RING_MAX || (n & (n - 1))) {
		fprintf(stderr, "vigil %s: --ring-size %s: must be a power of two from %u to %u\n",
			cmd, arg, VG_RING_MIN, VG_RING_MAX);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

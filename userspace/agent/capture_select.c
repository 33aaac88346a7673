// SPDX-License-Identifier: Apache-2.0
/*
 * --capture auto|bpf|ptrace, shared by vigil run and vigil trace: auto
 * tries eBPF and falls back to ptrace, saying why in one line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

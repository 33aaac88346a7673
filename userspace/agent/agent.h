/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommands of the vigil binary. */
#ifndef VIGIL_AGENT_H
#define VIGIL_AGENT_H

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.1.0"
#endif

#include <stddef.h>

#include "../capture/capture.h"

int cmd_trace(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_rules(int argc, char **argv);

enum { CAPTURE_AUTO, CAPTURE_BPF, CAPTURE_PTRACE };

/* "auto", "bpf" or "ptrace" (NULL: auto); -EINVAL otherwise. */
int capture_mode_parse(const char *s);
/* Open the backend of mode; auto falls back from eBPF to ptrace with a log
 * line. NULL with err filled when none could be opened.
 */
struct capture *capture_open_mode(int mode, const struct capture_opts *opts, char *err,
				  size_t errlen);
/* --ring-size ARG for command cmd: 0, or -EINVAL after saying why on stderr. */
int ring_size_parse(const char *cmd, const char *arg, uint32_t *out);
/* A wait status as a shell reports it: the code, or 128+N for signal N. */
int exit_code_of(int status);

#endif /* VIGIL_AGENT_H */

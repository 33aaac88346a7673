// SPDX-License-Identifier: Apache-2.0
/*
 * vigil, the workload agent: one static binary, one subcommand per job.
 */
#include <stdio.h>
#include <string.h>

#include "agent.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigil [--version] [--help] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  run      start a workload under capture and stay its parent, as a\n"
		"           container's entrypoint (vigil run --help)\n"
		"  rules    what the rules engine understands (vigil rules fields)\n"
		"  trace    print the syscalls and process events of a host, a cgroup,\n"
		"           a process tree or a command, as they happen (vigil trace --help)\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vigil %s\n", VIGIL_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "trace"))
		return cmd_trace(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rules"))
		return cmd_rules(argc - 1, argv + 1);
	fprintf(stderr, "vigil: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}

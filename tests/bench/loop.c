// SPDX-License-Identifier: Apache-2.0
/*
 * Benchmark workloads: syscall-heavy loops that time themselves.
 *   loop open N       open+close /etc/hostname N times (2 traced syscalls each)
 *   loop getppid N    a syscall no configuration captures
 *   loop forkexec N   fork, exec /bin/true, wait: N times
 * Prints "ns_per_iter=X".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 100000;
	double t0;

	if (argc < 2) {
		fprintf(stderr, "usage: loop open|getppid|forkexec N\n");
		return 2;
	}
	t0 = now();
	if (!strcmp(argv[1], "open")) {
		for (long i = 0; i < n; i++) {
			int fd = open("/etc/hostname", O_RDONLY);

			if (fd < 0)
				return 1;
			close(fd);
		}
	} else if (!strcmp(argv[1], "getppid")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(argv[1], "forkexec")) {
		for (long i = 0; i < n; i++) {
			pid_t pid = fork();

			if (pid == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (pid < 0 || waitpid(pid, NULL, 0) != pid)
				return 1;
		}
	} else {
		return 2;
	}
	printf("ns_per_iter=%.1f\n", (now() - t0) / n);
	return 0;
}

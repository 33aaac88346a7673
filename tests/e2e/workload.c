// SPDX-License-Identifier: Apache-2.0
/*
 * A scripted workload for the backend tests: exec, file, network,
 * privilege, threads, fork, vfork and clone3, every step waited for, so
 * that two runs make the same syscalls with the same arguments.
 *   workload DIR PORT
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256];

static const char *at(const char *name)
{
	static char bufs[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", dir, name);
	return bufs[i];
}

static void files(void)
{
	int fd = syscall(SYS_openat, AT_FDCWD, at("a"), O_WRONLY | O_CREAT | O_TRUNC, 0640);
	int d;

	if (write(fd, "hello", 5) != 5)
		exit(10);
	syscall(SYS_dup2, fd, 40);
	syscall(SYS_dup3, fd, 41, O_CLOEXEC);
	syscall(SYS_fcntl, fd, F_DUPFD, 50);
	syscall(SYS_fchmod, fd, 0600);
	syscall(SYS_ftruncate, fd, 2);
	syscall(SYS_close, 40);
	syscall(SYS_close, 41);
	syscall(SYS_close, 50);
	syscall(SYS_close, fd);
	syscall(SYS_rename, at("a"), at("b"));
	syscall(SYS_link, at("b"), at("c"));
	syscall(SYS_symlink, "b", at("d"));
	syscall(SYS_mkdir, at("e"), 0755);
	d = syscall(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY);
	syscall(SYS_renameat2, d, "c", d, "f", 0);
	syscall(SYS_unlinkat, d, "f", 0);
	syscall(SYS_unlinkat, d, "e", AT_REMOVEDIR);
	syscall(SYS_chmod, at("b"), 0644);
	syscall(SYS_truncate, at("b"), 1);
	syscall(SYS_chown, at("b"), getuid(), getgid());
	syscall(SYS_unlink, at("d"));
	syscall(SYS_unlink, at("missing")); /* ENOENT */
	syscall(SYS_openat, AT_FDCWD, "/etc/shadow", O_RDONLY);
	syscall(SYS_close, d);
}

static void network(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, srv, cli, acc, sv[2];

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	syscall(SYS_bind, srv, &sa, sizeof(sa));
	syscall(SYS_listen, srv, 4);
	cli = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	syscall(SYS_connect, cli, &sa, sizeof(sa));
	acc = syscall(SYS_accept4, srv, NULL, NULL, SOCK_CLOEXEC);
	syscall(SYS_close, acc);
	syscall(SYS_close, cli);
	syscall(SYS_close, srv);
	/* a port nobody listens on: ECONNREFUSED */
	sa.sin_port = htons(port + 1);
	cli = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	syscall(SYS_connect, cli, &sa, sizeof(sa));
	syscall(SYS_close, cli);
	syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv);
	syscall(SYS_close, sv[0]);
	syscall(SYS_close, sv[1]);
}

static void *thread_main(void *arg)
{
	(void)arg;
	syscall(SYS_close, syscall(SYS_openat, AT_FDCWD, at("b"), O_RDONLY));
	return NULL;
}

static void wait_child(pid_t pid)
{
	int status;

	if (pid > 0)
		waitpid(pid, &status, 0);
}

int main(int argc, char **argv)
{
	struct clone_args ca = { .exit_signal = SIGCHLD };
	pthread_t th;
	pid_t pid;
	int fd;

	if (argc < 3)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	files();
	network(atoi(argv[2]));

	/* privilege: drop to nobody in a child, then fail to get root back */
	pid = fork();
	if (pid == 0) {
		syscall(SYS_setgid, 65534);
		syscall(SYS_setresuid, 65534, 65534, 65534);
		syscall(SYS_setuid, 0); /* EPERM */
		_exit(0);
	}
	wait_child(pid);

	pthread_create(&th, NULL, thread_main, NULL);
	pthread_join(th, NULL);

	pid = fork();
	if (pid == 0) {
		syscall(SYS_close, syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY));
		_exit(3);
	}
	wait_child(pid);

	pid = vfork();
	if (pid == 0) {
		execl("/bin/true", "true", "from-vfork", (char *)NULL);
		_exit(127);
	}
	wait_child(pid);

	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		syscall(SYS_prctl, PR_SET_NAME, "vg-clone3", 0, 0, 0);
		_exit(5);
	}
	wait_child(pid);

	fd = syscall(SYS_memfd_create, "vg-memfd", MFD_CLOEXEC);
	syscall(SYS_close, fd);
	syscall(SYS_execve, "/nonexistent/prog", argv, NULL); /* ENOENT */
	execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
	return 1;
}

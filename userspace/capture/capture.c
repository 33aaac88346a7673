// SPDX-License-Identifier: Apache-2.0
/* Dispatch from the capture interface to the backend that was opened. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"

int capture__track(struct capture *c, pid_t pid)
{
	return c->ops->track(c, pid);
}

int capture__poll(struct capture *c, int timeout_ms)
{
	return c->ops->poll(c, timeout_ms);
}

int capture__stats(struct capture *c, struct capture_stats *st)
{
	return c->ops->stats(c, st);
}

int capture__set_interest(struct capture *c, const bool *interest)
{
	return c->ops->set_interest ? c->ops->set_interest(c, interest) : -EOPNOTSUPP;
}

void capture__close(struct capture *c)
{
	if (c)
		c->ops->close(c);
}

pid_t capture__spawn(struct capture *c, const char *path, char *const argv[], char *const envp[])
{
	if (c->child)
		return -EBUSY;
	return c->ops->spawn(c, path, argv, envp);
}

bool capture__child_exited(struct capture *c, int *status)
{
	if (!c->child_done)
		return false;
	*status = c->child_status;
	return true;
}

void capture_child_prepare(void)
{
	sigset_t none;

	/* vigil's signal mask and dispositions must not leak into the workload */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
}

pid_t capture_fork_held(const char *path, char *const argv[], char *const envp[],
			int (*before_exec)(void *arg), void *arg, int *release_fd)
{
	int fds[2], err;
	pid_t pid;
	char go;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		capture_child_prepare();
		close(fds[1]);
		if (read(fds[0], &go, 1) != 1)
			_exit(127); /* vigil gave up on it */
		if (before_exec && before_exec(arg))
			_exit(126);
		execve(path, argv, envp); /* the pipe is O_CLOEXEC: no close to capture */
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[0]);
	*release_fd = fds[1];
	return pid;
}

int capture_release(int release_fd)
{
	int err = write(release_fd, "g", 1) == 1 ? 0 : -EPIPE;

	close(release_fd);
	return err;
}

static int die_with_vigil(void *arg)
{
	(void)arg;
	/* the workload dies with vigil, as under ptrace's EXITKILL */
	return prctl(PR_SET_PDEATHSIG, SIGKILL) ? -errno : 0;
}

pid_t capture_spawn_tracked(struct capture *c, const char *path, char *const argv[],
			    char *const envp[])
{
	int release, err;
	pid_t pid;

	pid = capture_fork_held(path, argv, envp, die_with_vigil, NULL, &release);
	if (pid < 0)
		return pid;
	err = c->ops->track(c, pid);
	if (err) {
		close(release); /* the held child exits 127 */
		waitpid(pid, NULL, 0);
		return err;
	}
	err = capture_release(release);
	if (err) {
		waitpid(pid, NULL, 0);
		return err;
	}
	c->child = pid;
	return pid;
}

void capture_reap(struct capture *c)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
		if (pid == c->child && !c->child_done) {
			c->child_status = status;
			c->child_done = true;
		}
	}
}

int capture_check_ring(uint32_t ring, char *err, size_t errlen)
{
	if (ring < VG_RING_MIN || ring > VG_RING_MAX || (ring & (ring - 1))) {
		snprintf(err, errlen, "ring buffer size %u: must be a power of two in %u..%u",
			 ring, VG_RING_MIN, VG_RING_MAX);
		return -EINVAL;
	}
	return 0;
}

int64_t capture_wall_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000 + rt.tv_nsec - mono.tv_nsec;
}

// SPDX-License-Identifier: Apache-2.0
/* Dispatch from the capture interface to the backend that was opened. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
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

pid_t capture_spawn_tracked(struct capture *c, const char *path, char *const argv[],
			    char *const envp[])
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
		/* the workload dies with vigil, as under ptrace's EXITKILL */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[1]);
		if (read(fds[0], &go, 1) != 1)
			_exit(127);
		execve(path, argv, envp); /* the pipe is O_CLOEXEC: no close to trace */
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[0]);
	err = c->ops->track(c, pid);
	if (err || write(fds[1], "g", 1) != 1) {
		if (!err)
			err = -EPIPE;
		close(fds[1]); /* the held child exits 127 */
		waitpid(pid, NULL, 0);
		return err;
	}
	close(fds[1]);
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

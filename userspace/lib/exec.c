// SPDX-License-Identifier: Apache-2.0
/*
 * PATH lookup done by vigil itself, so that the traced child execs once,
 * straight into the command, instead of trying every PATH entry in turn.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return -ENOENT;
	return access(path, X_OK) ? -EACCES : 0;
}

int vg_find_program(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");
	int err = -ENOENT;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		if ((size_t)snprintf(out, size, "%s", name) >= size)
			return -ENAMETOOLONG;
		return executable(out);
	}
	if (!path)
		path = DEFAULT_PATH;
	while (*path) {
		const char *end = strchrnul(path, ':');
		int len = end - path, ret;

		/* an empty entry means the current directory */
		if ((size_t)snprintf(out, size, "%.*s%s%s", len, len ? path : ".", "/", name) >= size)
			return -ENAMETOOLONG;
		ret = executable(out);
		if (ret == 0)
			return 0;
		if (ret == -EACCES)
			err = ret; /* keep looking; report EACCES only if nothing runs */
		path = *end ? end + 1 : end;
	}
	return err;
}

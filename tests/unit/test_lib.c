// SPDX-License-Identifier: Apache-2.0
/* Unit tests of userspace/lib: PATH lookup and growable strings. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "userspace/lib/exec.h"
#include "userspace/lib/strbuf.h"

TEST(find_program)
{
	char dir[] = "/tmp/vigil-unit-XXXXXX", path[256], file[300];
	const char *old = getenv("PATH");
	char *saved = old ? strdup(old) : NULL;

	if (!ASSERT_NONNULL(mkdtemp(dir), "mkdtemp"))
		return;
	snprintf(file, sizeof(file), "%s/vgprog", dir);
	close(creat(file, 0644)); /* not executable yet */
	setenv("PATH", dir, 1);
	ASSERT_EQ(vg_find_program("vgprog", path, sizeof(path)), -EACCES, "not executable");
	chmod(file, 0755);
	ASSERT_OK(vg_find_program("vgprog", path, sizeof(path)), "found");
	ASSERT_STREQ(path, file, "its path");
	ASSERT_EQ(vg_find_program("vgnothere", path, sizeof(path)), -ENOENT, "missing");
	ASSERT_EQ(vg_find_program("", path, sizeof(path)), -ENOENT, "empty name");
	ASSERT_EQ(vg_find_program("vgprog", path, strlen(file)), -ENAMETOOLONG, "one byte short");
	ASSERT_OK(vg_find_program("vgprog", path, strlen(file) + 1), "exact fit");
	ASSERT_OK(vg_find_program(file, path, sizeof(path)), "a path is taken as is");
	unsetenv("PATH");
	ASSERT_OK(vg_find_program("sh", path, sizeof(path)), "default PATH");
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
	unlink(file);
	rmdir(dir);
}

TEST(strbuf)
{
	struct strbuf b = { 0 };

	for (int i = 0; i < 1000; i++)
		strbuf_addf(&b, "%d,", i);
	ASSERT_EQ(b.len, strlen(b.p), "length kept");
	ASSERT_TRUE(!strncmp(b.p, "0,1,2,", 6), "content");
	strbuf_reset(&b);
	ASSERT_EQ(b.len, 0, "reset");
	strbuf_text_str(&b, "a\nb\x01\\", 5);
	ASSERT_STREQ(b.p, "a\\nb\\x01\\\\", "text escaping");
	strbuf_free(&b);
}

// SPDX-License-Identifier: Apache-2.0
/*
 * Fields: resolution of names and arguments, and values computed from a
 * real event of this process against the real /proc.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test.h"
#include "userspace/rules/fields.h"
#include "userspace/state/container.h"

static bool get_str(struct vg_field_ctx *c, const char *name, const char *arg, char *out,
		    size_t size)
{
	struct vg_field_ref ref;
	struct vg_value v;
	char err[128];

	if (vg_field_resolve(NULL, name, arg, &ref, err, sizeof(err)) ||
	    !vg_field_get(c, &ref, &v) || v.type != VG_V_STR)
		return false;
	snprintf(out, size, "%.*s", (int)v.s.len, v.s.p);
	return true;
}

static bool get_num(struct vg_field_ctx *c, const char *name, const char *arg, int64_t *out)
{
	struct vg_field_ref ref;
	struct vg_value v;
	char err[128];

	if (vg_field_resolve(NULL, name, arg, &ref, err, sizeof(err)) || !vg_field_get(c, &ref, &v))
		return false;
	if (v.type == VG_V_UINT)
		*out = v.u;
	else if (v.type == VG_V_INT)
		*out = v.i;
	else if (v.type == VG_V_BOOL)
		*out = v.b;
	else
		return false;
	return true;
}

TEST(field_resolve)
{
	struct vg_field_ref ref;
	char err[128];
	size_t n;

	ASSERT_OK(vg_field_resolve(NULL, "evt.arg.flags", NULL, &ref, err, sizeof(err)), "evt.arg.NAME");
	ASSERT_STREQ(ref.argname, "flags", "its name");
	ASSERT_OK(vg_field_resolve(NULL, "proc.aname", "2", &ref, err, sizeof(err)), "aname[2]");
	ASSERT_EQ(ref.index, 2, "index");
	ASSERT_OK(vg_field_resolve(NULL, "proc.aname", "16", &ref, err, sizeof(err)),
		  "VG_FIELD_ANCESTORS accepted");
	ASSERT_EQ(vg_field_resolve(NULL, "proc.aname", "17", &ref, err, sizeof(err)), -EINVAL,
		  "one past VG_FIELD_ANCESTORS");
	ASSERT_EQ(vg_field_resolve(NULL, "proc.aname", "x", &ref, err, sizeof(err)), -EINVAL,
		  "a name where a number goes");
	ASSERT_EQ(vg_field_resolve(NULL, "proc.name", "1", &ref, err, sizeof(err)), -EINVAL,
		  "an argument where none goes");
	ASSERT_STREQ(err, "proc.name takes no argument", "reason");
	ASSERT_EQ(vg_field_resolve(NULL, "k8s.ns.name", NULL, &ref, err, sizeof(err)), -ENOENT,
		  "unknown field");
	ASSERT_STREQ(err, "unknown field k8s.ns.name", "reason");
	vg_fields(&n);
	ASSERT_GE(n, 50, "fields listed");
}

TEST(field_values_of_a_real_open)
{
	struct vg_proctable *pt = proctable__new("/proc");
	struct vg_field_ctx c = { 0 };
	struct vg_container ct = { 0 };
	struct vg_event ev = { 0 };
	char s[4096], exe[4096] = "";
	int64_t v;
	int fd = open("/etc/hostname", O_RDONLY);
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (!ASSERT_NONNULL(pt, "proctable") || !ASSERT_GE(fd, 0, "open"))
		return;
	exe[n > 0 ? n : 0] = '\0';
	proctable__seed(pt, getpid());
	ev.type = VG_SC_openat;
	ev.pid = ev.tid = getpid();
	ev.res = fd;
	ev.args[0] = (uint64_t)AT_FDCWD;
	ev.args[2] = O_RDONLY;
	ev.blob[0].ptr = "/etc/hostname";
	ev.blob[0].len = 13;
	ev.ts = 1795517780000000000ull;
	proctable__update(pt, &ev);
	vg_field_ctx_reset(&c, &ev, pt);

	ASSERT_TRUE(get_str(&c, "evt.type", NULL, s, sizeof(s)) && !strcmp(s, "openat"), "evt.type");
	ASSERT_TRUE(get_str(&c, "evt.res", NULL, s, sizeof(s)) && !strcmp(s, "SUCCESS"), "evt.res");
	ASSERT_TRUE(get_str(&c, "fd.name", NULL, s, sizeof(s)) && !strcmp(s, "/etc/hostname"),
		    "fd.name");
	ASSERT_TRUE(get_str(&c, "fd.directory", NULL, s, sizeof(s)) && !strcmp(s, "/etc"),
		    "fd.directory");
	ASSERT_TRUE(get_str(&c, "fd.filename", NULL, s, sizeof(s)) && !strcmp(s, "hostname"),
		    "fd.filename");
	ASSERT_TRUE(get_str(&c, "fd.typechar", NULL, s, sizeof(s)) && !strcmp(s, "f"), "typechar");
	ASSERT_TRUE(get_num(&c, "fd.num", NULL, &v) && v == fd, "fd.num");
	ASSERT_TRUE(get_num(&c, "evt.is_open_read", NULL, &v) && v == 1, "is_open_read");
	ASSERT_TRUE(get_num(&c, "evt.is_open_write", NULL, &v) && v == 0, "is_open_write");
	ASSERT_TRUE(get_str(&c, "evt.arg.flags", NULL, s, sizeof(s)) && !strcmp(s, "O_RDONLY"),
		    "evt.arg.flags");
	ASSERT_TRUE(get_str(&c, "evt.arg", "1", s, sizeof(s)) && !strcmp(s, "/etc/hostname"),
		    "evt.arg[1] is the name");
	ASSERT_TRUE(get_num(&c, "proc.pid", NULL, &v) && v == getpid(), "proc.pid");
	ASSERT_TRUE(get_num(&c, "proc.ppid", NULL, &v) && v == getppid(), "proc.ppid");
	ASSERT_TRUE(get_str(&c, "proc.exepath", NULL, s, sizeof(s)) && !strcmp(s, exe),
		    "proc.exepath");
	ASSERT_TRUE(get_str(&c, "container.id", NULL, s, sizeof(s)) && !strcmp(s, "host"),
		    "no container: host");

	strcpy(ct.id, "4c1e0f9a7b2d");
	strcpy(ct.image_tag, "2.4.1");
	ev.container = &ct;
	ASSERT_TRUE(get_str(&c, "container.id", NULL, s, sizeof(s)) && !strcmp(s, ct.id),
		    "container.id");
	ASSERT_TRUE(get_str(&c, "container.image.tag", NULL, s, sizeof(s)) && !strcmp(s, "2.4.1"),
		    "container.image.tag");
	ASSERT_FALSE(get_str(&c, "container.image", NULL, s, sizeof(s)), "unknown: no value");

	/* the same open, failed */
	ev.res = -ENOENT;
	ev.container = NULL;
	vg_field_ctx_reset(&c, &ev, pt);
	ASSERT_TRUE(get_str(&c, "evt.res", NULL, s, sizeof(s)) && !strcmp(s, "ENOENT"),
		    "evt.res of a failure");
	ASSERT_TRUE(get_num(&c, "evt.rawres", NULL, &v) && v == -ENOENT, "evt.rawres");
	ASSERT_TRUE(get_num(&c, "evt.failed", NULL, &v) && v == 1, "evt.failed");
	ASSERT_FALSE(get_num(&c, "fd.num", NULL, &v), "no fd for a failed open");

	close(fd);
	vg_field_ctx_free(&c);
	proctable__free(pt);
}

// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of userspace/events: the syscall table, the record decoder and
 * its limits, flag rendering, and both output formats.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/memfd.h>

#include "test.h"
#include "userspace/events/decode.h"
#include "userspace/events/flags.h"
#include "userspace/events/format.h"

/* A record as the kernel would write it: header, then blobs back to back. */
struct rec_buf {
	union {
		struct vg_rec r;
		char bytes[VG_REC_MAX + 64];
	};
	size_t size;
};

static void rec_init(struct rec_buf *b, uint16_t kind, uint16_t nr, int64_t ret)
{
	memset(b, 0, sizeof(*b));
	b->r.kind = kind;
	b->r.nr = nr;
	b->r.ret = ret;
	b->r.tid = 42;
	b->r.tgid = 41;
	b->r.ts_ns = 1000;
	strcpy(b->r.comm, "unit");
	b->size = sizeof(b->r);
	for (int i = 0; i < VG_MAX_BLOBS; i++)
		b->r.blob[i].off = b->size;
}

static void rec_blob(struct rec_buf *b, int i, const void *data, size_t len, uint16_t flags)
{
	b->r.blob[i].off = b->size;
	b->r.blob[i].len = len | flags;
	memcpy(b->bytes + b->size, data, len);
	b->size += len;
	b->r.size = b->size;
}

TEST(syscall_table)
{
	for (int t = 0; t < VG_SC_COUNT; t++) {
		const struct vg_syscall_desc *d = &vg_syscalls[t];
		const struct vg_blob_map *map = vg_blob_map_of(t);
		int blobs = 0;

		ASSERT_NONNULL(d->name, "name");
		ASSERT_TRUE(d->nr >= 0 && d->nr < VG_NR_MAX, d->name);
		ASSERT_EQ(vg_type_of_nr(d->nr), t, d->name);
		ASSERT_EQ(vg_type_by_name(d->name), t, d->name);
		for (int a = 0; a < 6; a++)
			blobs += map->blob_of_arg[a] >= 0;
		ASSERT_TRUE(blobs <= VG_MAX_BLOBS, d->name);
	}
	ASSERT_EQ(vg_type_of_nr(SYS_openat), VG_SC_openat, "openat number");
	ASSERT_EQ(vg_type_by_name("procexit"), VG_EV_PROCEXIT, "procexit");
	ASSERT_EQ(vg_type_by_name("nope"), -1, "unknown name");
	ASSERT_EQ(vg_type_of_nr(VG_NR_MAX), -1, "number past the table");
	ASSERT_EQ(vg_type_of_nr(-1), -1, "negative number");
}

TEST(spec_fill)
{
	struct vg_sc_spec spec;

	vg_sc_spec_fill(VG_SC_renameat2, &spec);
	ASSERT_EQ(spec.interest, 1, "interest");
	ASSERT_EQ(spec.nblobs, 2, "two paths");
	ASSERT_EQ(spec.blob[0].kind, VG_B_STR, "oldpath kind");
	ASSERT_EQ(spec.blob[0].arg, 1, "oldpath register");
	ASSERT_EQ(spec.blob[1].arg, 3, "newpath register");
	ASSERT_EQ(spec.blob[1].max, VG_STR_MAX, "path limit");

	vg_sc_spec_fill(VG_SC_accept4, &spec);
	ASSERT_EQ(spec.blob[0].kind, VG_B_SOCKADDR_OUT, "accept address written by the kernel");
	ASSERT_EQ(spec.blob[0].aux, 2, "length pointer register");
	ASSERT_EQ(spec.blob[0].when, VG_W_OK, "copied on success only");

	vg_sc_spec_fill(VG_SC_execve, &spec);
	ASSERT_EQ(spec.blob[1].kind, VG_B_ARGV, "argv");
	ASSERT_EQ(spec.blob[0].when, VG_W_FAIL, "exec memory gone after success");

	vg_sc_spec_fill(VG_SC_clone, &spec);
	ASSERT_EQ(spec.skip_zero, 1, "fork's child return not recorded");
}

TEST(decode_openat)
{
	struct rec_buf b;
	struct vg_event ev;
	const char *why = NULL;

	rec_init(&b, VG_K_SYSCALL, SYS_openat, 3);
	b.r.args[0] = (uint64_t)-100;
	b.r.args[2] = O_RDONLY | O_CLOEXEC;
	rec_blob(&b, 0, "/etc/hostname", 13, 0);
	if (!ASSERT_OK(vg_decode(b.bytes, b.size, 5000, &ev, &why), "decode"))
		return;
	ASSERT_EQ(ev.type, VG_SC_openat, "type");
	ASSERT_EQ(ev.ts, 6000, "wall clock = monotonic + offset");
	ASSERT_EQ(ev.pid, 41, "pid is the tgid");
	ASSERT_EQ(ev.tid, 42, "tid");
	ASSERT_EQ(ev.res, 3, "res");
	ASSERT_MEMEQ(ev.blob[0].ptr, ev.blob[0].len, "/etc/hostname", "name");
	ASSERT_EQ(ev.blob[0].flags, 0, "not truncated");
	ASSERT_STREQ(ev.comm, "unit", "comm");
}

TEST(decode_limits)
{
	char big[VG_STR_MAX];
	struct rec_buf b;
	struct vg_event ev;
	const char *why;

	/* a blob of exactly VG_STR_MAX bytes ending at the record's end */
	memset(big, 'a', sizeof(big));
	rec_init(&b, VG_K_SYSCALL, SYS_openat, -2);
	rec_blob(&b, 0, big, VG_STR_MAX, VG_BLOB_TRUNC);
	ASSERT_OK(vg_decode(b.bytes, b.size, 0, &ev, &why), "VG_STR_MAX blob accepted");
	ASSERT_EQ(ev.blob[0].len, VG_STR_MAX, "its length");
	ASSERT_EQ(ev.blob[0].flags, VG_STR_TRUNC, "marked truncated");

	/* one byte past the record */
	b.r.blob[0].len = (VG_STR_MAX + 1) | VG_BLOB_TRUNC;
	b.r.size = b.size + 1;
	ASSERT_EQ(vg_decode(b.bytes, b.size + 1, 0, &ev, &why), -EINVAL, "blob past its limit");
	b.r.blob[0].len = VG_STR_MAX;
	b.r.size = b.size;
	ASSERT_EQ(vg_decode(b.bytes, b.size - 1, 0, &ev, &why), -EINVAL, "record cut short");
	ASSERT_EQ(vg_decode(b.bytes, sizeof(struct vg_rec) - 1, 0, &ev, &why), -EINVAL,
		  "shorter than the header");

	rec_init(&b, VG_K_SYSCALL, SYS_openat, 0);
	b.r.blob[0].off = 10; /* inside the header */
	b.r.size = b.size;
	ASSERT_EQ(vg_decode(b.bytes, b.size, 0, &ev, &why), -EINVAL, "blob inside the header");

	rec_init(&b, VG_K_SYSCALL, SYS_getppid, 0);
	b.r.size = b.size;
	ASSERT_EQ(vg_decode(b.bytes, b.size, 0, &ev, &why), -EINVAL, "syscall not in the table");
	ASSERT_STREQ(why, "unknown syscall number", "reason");

	rec_init(&b, 99, 0, 0);
	b.r.size = b.size;
	ASSERT_EQ(vg_decode(b.bytes, b.size, 0, &ev, &why), -EINVAL, "unknown kind");

	rec_init(&b, VG_K_EXIT, 0, 0);
	b.r.size = VG_REC_MAX + 1;
	ASSERT_EQ(vg_decode(b.bytes, VG_REC_MAX + 1, 0, &ev, &why), -EINVAL, "past VG_REC_MAX");
}

TEST(decode_sockaddr)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(8080) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	struct vg_sockaddr sa;
	char unix_abs[] = { AF_UNIX, 0, 0, 'v', 'g' };
	char text[128];

	in.sin_addr.s_addr = htonl(0x7f000001);
	ASSERT_OK(vg_sockaddr_decode(&in, sizeof(in), &sa), "ipv4");
	vg_sockaddr_render(&sa, text, sizeof(text));
	ASSERT_STREQ(text, "127.0.0.1:8080", "ipv4 rendering");
	in6.sin6_addr.s6_addr[15] = 1;
	ASSERT_OK(vg_sockaddr_decode(&in6, sizeof(in6), &sa), "ipv6");
	vg_sockaddr_render(&sa, text, sizeof(text));
	ASSERT_STREQ(text, "[::1]:443", "ipv6 rendering");
	ASSERT_EQ(vg_sockaddr_decode(&in6, sizeof(in6) - 1, &sa), -EINVAL, "short ipv6");
	ASSERT_OK(vg_sockaddr_decode(unix_abs, sizeof(unix_abs), &sa), "abstract unix");
	ASSERT_STREQ(sa.path, "@vg", "abstract name");
	ASSERT_EQ(vg_sockaddr_decode(unix_abs, 1, &sa), -EINVAL, "one byte");
}

TEST(flags)
{
	char buf[256];

	vg_flags_render(VG_FT_OPEN, O_WRONLY | O_CREAT | O_TRUNC, buf, sizeof(buf));
	ASSERT_STREQ(buf, "O_WRONLY|O_CREAT|O_TRUNC", "open flags");
	vg_flags_render(VG_FT_OPEN, O_RDONLY, buf, sizeof(buf));
	ASSERT_STREQ(buf, "O_RDONLY", "read only");
	vg_flags_render(VG_FT_SOCKTYPE, SOCK_STREAM | SOCK_CLOEXEC, buf, sizeof(buf));
	ASSERT_STREQ(buf, "SOCK_STREAM|SOCK_CLOEXEC", "socket type");
	vg_flags_render(VG_FT_MEMFD, MFD_CLOEXEC | 0x1000, buf, sizeof(buf));
	ASSERT_STREQ(buf, "MFD_CLOEXEC|0x1000", "unknown bits kept as hex");
	vg_flags_render(VG_FT_MOUNT, 0, buf, sizeof(buf));
	ASSERT_STREQ(buf, "0", "no flag");
	ASSERT_STREQ(vg_enum_name(VG_FT_AF, AF_PACKET), "AF_PACKET", "family");
	ASSERT_STREQ(vg_enum_name(VG_FT_PTRACE, PTRACE_ATTACH), "PTRACE_ATTACH", "ptrace");
	vg_enum_render(VG_FT_AF, 4242, buf, sizeof(buf));
	ASSERT_STREQ(buf, "4242", "unknown enum value");
	vg_mode_render(0644, buf, sizeof(buf));
	ASSERT_STREQ(buf, "S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR", "mode bits");
	/* a buffer too small is cut, never overrun, and the full need reported */
	ASSERT_EQ(vg_flags_render(VG_FT_OPEN, O_WRONLY | O_CREAT, buf, 5), strlen("O_WRONLY|O_CREAT"),
		  "length needed");
	ASSERT_STREQ(buf, "O_WR", "cut");
}

TEST(format_json_and_text)
{
	struct strbuf line = { 0 };
	struct rec_buf b;
	struct vg_event ev;
	const char *why;
	const char argv[] = "sh\0-c\0echo \"hi\"\n";

	rec_init(&b, VG_K_SYSCALL, SYS_execve, -2);
	rec_blob(&b, 0, "/bin/nope", 9, 0);
	rec_blob(&b, 1, argv, sizeof(argv) - 1, 0);
	if (!ASSERT_OK(vg_decode(b.bytes, b.size, 1795517780000000000ll, &ev, &why), "decode"))
		return;
	vg_format_json(&line, &ev, NULL);
	ASSERT_STREQ(line.p,
		     "{\"time\":\"2026-11-24T10:56:20.000001000Z\",\"ts\":1795517780000001000,"
		     "\"type\":\"execve\",\"pid\":41,\"tid\":42,\"comm\":\"unit\",\"uid\":0,\"gid\":0,"
		     "\"res\":-2,\"error\":\"ENOENT\",\"args\":{\"filename\":\"/bin/nope\","
		     "\"argv\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\\n\"]}}",
		     "json");
	strbuf_reset(&line);
	vg_format_text(&line, &ev, NULL);
	ASSERT_STREQ(line.p,
		     "10:56:20.000001000 unit(41:42) execve(filename=/bin/nope, "
		     "argv=[sh, -c, echo \"hi\"\\n]) = -2 ENOENT",
		     "text");
	strbuf_free(&line);
}

TEST(json_escaping)
{
	struct strbuf b = { 0 };
	const char s[] = "a\x01\xff\xc3\xa9\"\\";

	strbuf_json_str(&b, s, sizeof(s) - 1);
	/* control and invalid bytes escaped, valid UTF-8 (é) kept */
	ASSERT_STREQ(b.p, "\"a\\u0001\\u00ff\xc3\xa9\\\"\\\\\"", "escaped");
	strbuf_free(&b);
}

TEST(decode_exec_kind)
{
	struct rec_buf b;
	struct vg_event ev;
	const char *why;

	rec_init(&b, VG_K_EXEC, 0, 0);
	rec_blob(&b, VG_EXEC_BLOB_FILENAME, "/dev/fd/3/true", 14, 0);
	rec_blob(&b, VG_EXEC_BLOB_ARGV, "true", 4, 0);
	rec_blob(&b, VG_EXEC_BLOB_EXE, "/usr/bin/true", 13, 0);
	rec_blob(&b, VG_EXEC_BLOB_CWD, "/", 1, 0);
	if (!ASSERT_OK(vg_decode(b.bytes, b.size, 0, &ev, &why), "decode"))
		return;
	ASSERT_EQ(ev.type, VG_SC_execveat, "a program named by a dirfd: execveat");
	ASSERT_TRUE(ev.has_exec, "has_exec");
	ASSERT_MEMEQ(ev.exec.exe.ptr, ev.exec.exe.len, "/usr/bin/true", "exe");
	ASSERT_MEMEQ(ev.exec.cwd.ptr, ev.exec.cwd.len, "/", "cwd");
	memcpy(b.bytes + b.r.blob[0].off, "/usr/fd/3/true", 14);
	ASSERT_OK(vg_decode(b.bytes, b.size, 0, &ev, &why), "decode");
	ASSERT_EQ(ev.type, VG_SC_execve, "any other program: execve");
}

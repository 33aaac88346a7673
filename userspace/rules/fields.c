// SPDX-License-Identifier: Apache-2.0
/*
 * Field extraction. Each field is one entry of the table below and one case
 * of field_get(); values point into the event, the process table or the
 * context's scratch strings, and live until the next event.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fields.h"
#include "../events/format.h"
#include "../state/container.h"

enum field_id {
	F_EVT_TYPE,
	F_EVT_RES,
	F_EVT_RAWRES,
	F_EVT_FAILED,
	F_EVT_NUM,
	F_EVT_TIME,
	F_EVT_RAWTIME,
	F_EVT_DIR,
	F_EVT_ARG,
	F_EVT_ARGS,
	F_EVT_IS_OPEN_READ,
	F_EVT_IS_OPEN_WRITE,
	F_EVT_IS_OPEN_EXEC,
	F_EVT_IS_OPEN_CREATE,
	F_PROC_NAME,
	F_PROC_EXE,
	F_PROC_EXEPATH,
	F_PROC_CMDLINE,
	F_PROC_ARGS,
	F_PROC_PID,
	F_PROC_PPID,
	F_PROC_PNAME,
	F_PROC_PEXE,
	F_PROC_PEXEPATH,
	F_PROC_PCMDLINE,
	F_PROC_ANAME,
	F_PROC_APID,
	F_PROC_AEXEPATH,
	F_PROC_CWD,
	F_PROC_TTY,
	F_PROC_SID,
	F_PROC_VPGID,
	F_PROC_LOGINUID,
	F_PROC_EXE_MEMFD,
	F_PROC_DURATION,
	F_THREAD_TID,
	F_FD_NUM,
	F_FD_NAME,
	F_FD_DIRECTORY,
	F_FD_FILENAME,
	F_FD_TYPE,
	F_FD_TYPECHAR,
	F_FD_L4PROTO,
	F_FD_LIP,
	F_FD_LPORT,
	F_FD_RIP,
	F_FD_RPORT,
	F_USER_UID,
	F_USER_LOGINUID,
	F_GROUP_GID,
	F_CONTAINER_ID,
	F_CONTAINER_NAME,
	F_CONTAINER_IMAGE,
	F_CONTAINER_REPO,
	F_CONTAINER_TAG,
	F_CONTAINER_DIGEST,
	F_COUNT,
};

#define S VG_V_STR
#define U VG_V_UINT
#define I VG_V_INT
#define B VG_V_BOOL
#define IP VG_V_IPADDR

static const struct vg_field_info fields[F_COUNT] = {
	[F_EVT_TYPE] = { "evt.type", S, 0, "event type: the syscall's name, or procexit" },
	[F_EVT_RES] = { "evt.res", S, 0, "result: SUCCESS, or the errno name of a failure" },
	[F_EVT_RAWRES] = { "evt.rawres", I, 0, "result as a number (-errno on failure)" },
	[F_EVT_FAILED] = { "evt.failed", B, 0, "true when the syscall failed" },
	[F_EVT_NUM] = { "evt.num", U, 0, "event number since capture started" },
	[F_EVT_TIME] = { "evt.time", S, 0, "event time, RFC 3339 with nanoseconds, UTC" },
	[F_EVT_RAWTIME] = { "evt.rawtime", U, 0, "event time, ns since the epoch" },
	[F_EVT_DIR] = { "evt.dir", S, 0, "direction: always '<' (syscalls are seen returning)" },
	[F_EVT_ARG] = { "evt.arg", S, VG_FA_NAME, "argument by name (evt.arg.flags) or index" },
	[F_EVT_ARGS] = { "evt.args", S, 0, "every argument, name=value, space-separated" },
	[F_EVT_IS_OPEN_READ] = { "evt.is_open_read", B, 0, "an open for reading" },
	[F_EVT_IS_OPEN_WRITE] = { "evt.is_open_write", B, 0, "an open for writing" },
	[F_EVT_IS_OPEN_EXEC] = { "evt.is_open_exec", B, 0, "an open that creates an executable" },
	[F_EVT_IS_OPEN_CREATE] = { "evt.is_open_create", B, 0, "an open with O_CREAT" },
	[F_PROC_NAME] = { "proc.name", S, 0, "process name (comm)" },
	[F_PROC_EXE] = { "proc.exe", S, 0, "first command line argument (argv[0])" },
	[F_PROC_EXEPATH] = { "proc.exepath", S, 0, "full path of the executable" },
	[F_PROC_CMDLINE] = { "proc.cmdline", S, 0, "name and arguments" },
	[F_PROC_ARGS] = { "proc.args", S, 0, "arguments, argv[0] excluded" },
	[F_PROC_PID] = { "proc.pid", U, 0, "process id" },
	[F_PROC_PPID] = { "proc.ppid", U, 0, "parent's process id" },
	[F_PROC_PNAME] = { "proc.pname", S, 0, "parent's name" },
	[F_PROC_PEXE] = { "proc.pexe", S, 0, "parent's argv[0]" },
	[F_PROC_PEXEPATH] = { "proc.pexepath", S, 0, "parent's executable path" },
	[F_PROC_PCMDLINE] = { "proc.pcmdline", S, 0, "parent's name and arguments" },
	[F_PROC_ANAME] = { "proc.aname", S, VG_FA_INDEX, "name of the Nth ancestor (1: parent)" },
	[F_PROC_APID] = { "proc.apid", U, VG_FA_INDEX, "pid of the Nth ancestor" },
	[F_PROC_AEXEPATH] = { "proc.aexepath", S, VG_FA_INDEX, "exe path of the Nth ancestor" },
	[F_PROC_CWD] = { "proc.cwd", S, 0, "working directory" },
	[F_PROC_TTY] = { "proc.tty", U, 0, "controlling terminal, 0 without" },
	[F_PROC_SID] = { "proc.sid", U, 0, "session id" },
	[F_PROC_VPGID] = { "proc.vpgid", U, 0, "process group id" },
	[F_PROC_LOGINUID] = { "proc.loginuid", I, 0, "login uid (-1 unset)" },
	[F_PROC_EXE_MEMFD] = { "proc.is_exe_from_memfd", B, 0, "the executable is a memfd" },
	[F_PROC_DURATION] = { "proc.duration", U, 0, "ns since the process started" },
	[F_THREAD_TID] = { "thread.tid", U, 0, "thread id" },
	[F_FD_NUM] = { "fd.num", I, 0, "the file descriptor the event is about" },
	[F_FD_NAME] = { "fd.name", S, 0, "file path or socket tuple of the fd" },
	[F_FD_DIRECTORY] = { "fd.directory", S, 0, "directory of fd.name" },
	[F_FD_FILENAME] = { "fd.filename", S, 0, "last component of fd.name" },
	[F_FD_TYPE] = { "fd.type", S, 0, "file, directory, ipv4, ipv6, unix, pipe ..." },
	[F_FD_TYPECHAR] = { "fd.typechar", S, 0, "the type as one letter (f, d, 4, 6, u ...)" },
	[F_FD_L4PROTO] = { "fd.l4proto", S, 0, "tcp, udp, icmp or raw" },
	[F_FD_LIP] = { "fd.lip", IP, 0, "local address of a socket" },
	[F_FD_LPORT] = { "fd.lport", U, 0, "local port of a socket" },
	[F_FD_RIP] = { "fd.rip", IP, 0, "remote address of a socket" },
	[F_FD_RPORT] = { "fd.rport", U, 0, "remote port of a socket" },
	[F_USER_UID] = { "user.uid", U, 0, "user id" },
	[F_USER_LOGINUID] = { "user.loginuid", I, 0, "login uid (-1 unset)" },
	[F_GROUP_GID] = { "group.gid", U, 0, "group id" },
	[F_CONTAINER_ID] = { "container.id", S, 0, "container id (12 chars), or host" },
	[F_CONTAINER_NAME] = { "container.name", S, 0, "container name, or host" },
	[F_CONTAINER_IMAGE] = { "container.image", S, 0, "image as given" },
	[F_CONTAINER_REPO] = { "container.image.repository", S, 0, "image without tag" },
	[F_CONTAINER_TAG] = { "container.image.tag", S, 0, "image tag" },
	[F_CONTAINER_DIGEST] = { "container.image.digest", S, 0, "image digest (sha256:...)" },
};

#undef S
#undef U
#undef I
#undef B
#undef IP

const struct vg_field_info *vg_fields(size_t *count)
{
	*count = F_COUNT;
	return fields;
}

int vg_field_resolve(void *ctx, const char *name, const char *arg, struct vg_field_ref *ref,
		     char *err, size_t errlen)
{
	(void)ctx;
	memset(ref, 0, sizeof(*ref));
	ref->index = -1;
	/* evt.arg.NAME is evt.arg with its argument in the name */
	if (!strncmp(name, "evt.arg.", 8) && !arg) {
		arg = name + 8;
		name = "evt.arg";
	}
	for (int id = 0; id < F_COUNT; id++) {
		const struct vg_field_info *f = &fields[id];
		char *end;

		if (strcmp(f->name, name))
			continue;
		ref->id = id;
		ref->type = f->type;
		if (f->arg == VG_FA_NONE) {
			if (arg) {
				snprintf(err, errlen, "%s takes no argument", name);
				return -EINVAL;
			}
			return 0;
		}
		if (!arg || !*arg) {
			snprintf(err, errlen, "%s needs an argument", name);
			return -EINVAL;
		}
		ref->index = strtol(arg, &end, 10);
		if (*end || ref->index < 0) {
			ref->index = -1;
			if (f->arg == VG_FA_INDEX) {
				snprintf(err, errlen, "%s[%s]: the argument is a number", name, arg);
				return -EINVAL;
			}
			snprintf(ref->argname, sizeof(ref->argname), "%s", arg);
		} else if (f->arg == VG_FA_INDEX && ref->index > VG_FIELD_ANCESTORS) {
			snprintf(err, errlen, "%s[%s]: at most %d", name, arg, VG_FIELD_ANCESTORS);
			return -EINVAL;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown field %s", name);
	return -ENOENT;
}

void vg_field_ctx_reset(struct vg_field_ctx *c, const struct vg_event *ev,
			struct vg_proctable *procs)
{
	c->ev = ev;
	c->procs = procs;
	c->next = 0;
}

void vg_field_ctx_free(struct vg_field_ctx *c)
{
	for (size_t i = 0; i < sizeof(c->scratch) / sizeof(c->scratch[0]); i++)
		strbuf_free(&c->scratch[i]);
}

static struct strbuf *scratch(struct vg_field_ctx *c)
{
	struct strbuf *b = &c->scratch[c->next++ % (sizeof(c->scratch) / sizeof(c->scratch[0]))];

	strbuf_reset(b);
	return b;
}

static bool str_val(struct vg_value *out, const char *p, size_t len)
{
	if (!p)
		return false;
	out->type = VG_V_STR;
	out->s.p = p;
	out->s.len = len;
	return true;
}

static bool cstr_val(struct vg_value *out, const char *p)
{
	return p && str_val(out, p, strlen(p));
}

static bool uint_val(struct vg_value *out, uint64_t v)
{
	out->type = VG_V_UINT;
	out->u = v;
	return true;
}

static bool int_val(struct vg_value *out, int64_t v)
{
	out->type = VG_V_INT;
	out->i = v;
	return true;
}

static bool bool_val(struct vg_value *out, bool v)
{
	out->type = VG_V_BOOL;
	out->b = v;
	return true;
}

/* argv[0], or the arguments after it, joined by spaces (cmdline is name + args). */
static bool args_val(struct vg_field_ctx *c, const struct vg_proc *p, int what,
		     struct vg_value *out)
{
	struct strbuf *b = scratch(c);
	size_t first = p->args ? strnlen(p->args, p->args_len) : 0;

	if (!p->args)
		return false;
	if (what == 0)
		return str_val(out, p->args, first);
	if (what == 2) {
		strbuf_puts(b, p->comm);
		if (first < p->args_len)
			strbuf_add(b, " ", 1);
	}
	for (size_t i = first + 1; i < p->args_len;) {
		size_t n = strnlen(p->args + i, p->args_len - i);

		strbuf_add(b, p->args + i, n);
		i += n + 1;
		if (i < p->args_len)
			strbuf_add(b, " ", 1);
	}
	return str_val(out, b->p ? b->p : "", b->len);
}

static const struct vg_proc *ancestor(struct vg_field_ctx *c, const struct vg_proc *p, int n)
{
	for (int i = 0; p && i < n; i++)
		p = proctable__parent(c->procs, p);
	return p;
}

/* The fd an event is about: the one it returns (open, socket, accept,
 * dup), else its first fd argument.
 */
static int event_fd(const struct vg_event *ev)
{
	const struct vg_syscall_desc *d;

	if (ev->type >= VG_SC_COUNT)
		return -1;
	switch (ev->type) {
	case VG_SC_open:
	case VG_SC_openat:
	case VG_SC_openat2:
	case VG_SC_creat:
	case VG_SC_socket:
	case VG_SC_accept:
	case VG_SC_accept4:
	case VG_SC_dup:
	case VG_SC_dup2:
	case VG_SC_dup3:
	case VG_SC_memfd_create:
		return ev->res;
	}
	d = &vg_syscalls[ev->type];
	for (int i = 0; i < 6; i++)
		if (d->args[i].kind == VG_A_FD && strcmp(d->args[i].name, "dirfd"))
			return (int)ev->args[i];
	return -1;
}

static const struct vg_fd *event_fd_entry(struct vg_field_ctx *c, const struct vg_proc *p)
{
	int fd = event_fd(c->ev);

	return p && p->fds && fd >= 0 ? fdtable__get(p->fds, fd) : NULL;
}

/* For an open, the flags argument (open's second, openat's third ...). */
static bool open_flags(const struct vg_event *ev, uint64_t *flags)
{
	switch (ev->type) {
	case VG_SC_open:
		*flags = ev->args[1];
		return true;
	case VG_SC_openat:
		*flags = ev->args[2];
		return true;
	case VG_SC_creat:
		*flags = O_CREAT | O_WRONLY | O_TRUNC;
		return true;
	case VG_SC_openat2: {
		const struct vg_str *how = vg_event_arg_blob(ev, 2);

		if (!how || how->len < 8)
			return false;
		memcpy(flags, how->ptr, 8);
		return true;
	}
	}
	return false;
}

static bool ip_val(struct vg_value *out, uint16_t family, const uint8_t *addr)
{
	if (family != AF_INET && family != AF_INET6)
		return false;
	out->type = VG_V_IPADDR;
	out->ip.family = family;
	out->ip.prefix = family == AF_INET ? 32 : 128;
	memcpy(out->ip.addr, addr, family == AF_INET ? 4 : 16);
	return true;
}

static bool fd_field(struct vg_field_ctx *c, int id, const struct vg_proc *p, struct vg_value *out)
{
	const struct vg_fd *f = event_fd_entry(c, p);
	const char *slash;

	if (id == F_FD_NUM) {
		int fd = event_fd(c->ev);

		return fd >= 0 && int_val(out, fd);
	}
	if (!f)
		return false;
	switch (id) {
	case F_FD_NAME:
		return cstr_val(out, f->name);
	case F_FD_DIRECTORY:
		slash = f->name ? strrchr(f->name, '/') : NULL;
		if (!slash || (f->type != VG_FD_FILE && f->type != VG_FD_DIR))
			return false;
		return str_val(out, f->name, slash == f->name ? 1 : (size_t)(slash - f->name));
	case F_FD_FILENAME:
		slash = f->name ? strrchr(f->name, '/') : NULL;
		if (!slash || (f->type != VG_FD_FILE && f->type != VG_FD_DIR))
			return false;
		return cstr_val(out, slash + 1);
	case F_FD_TYPE:
		return cstr_val(out, vg_fd_typename(f->type));
	case F_FD_TYPECHAR: {
		struct strbuf *b = scratch(c);
		char ch = vg_fd_typechar(f->type);

		strbuf_add(b, &ch, 1);
		return str_val(out, b->p, 1);
	}
	case F_FD_L4PROTO:
		switch (f->l4proto) {
		case 6:
			return cstr_val(out, "tcp");
		case 17:
			return cstr_val(out, "udp");
		case 1:
		case 58:
			return cstr_val(out, "icmp");
		case 255:
			return cstr_val(out, "raw");
		}
		return false;
	case F_FD_LIP:
		return ip_val(out, f->family, f->laddr);
	case F_FD_LPORT:
		return (f->family == AF_INET || f->family == AF_INET6) && uint_val(out, f->lport);
	case F_FD_RIP:
		return f->connected && ip_val(out, f->family, f->raddr);
	case F_FD_RPORT:
		return f->connected && uint_val(out, f->rport);
	}
	return false;
}

bool vg_field_get(void *ctx, const struct vg_field_ref *ref, struct vg_value *out)
{
	struct vg_field_ctx *c = ctx;
	const struct vg_event *ev = c->ev;
	const struct vg_proc *p = c->procs ? proctable__find(c->procs, ev->pid) : NULL;
	const struct vg_proc *pp = p ? proctable__parent(c->procs, p) : NULL;
	const struct vg_container *ct = ev->container;
	uint64_t flags;

	memset(out, 0, sizeof(*out));
	switch (ref->id) {
	case F_EVT_TYPE:
		return cstr_val(out, vg_type_name(ev->type));
	case F_EVT_RES: {
		const char *e;

		if (ev->type >= VG_SC_COUNT)
			return false;
		e = ev->res < 0 ? vg_errno_name(-ev->res) : "SUCCESS";
		return cstr_val(out, e ? e : "E_UNKNOWN");
	}
	case F_EVT_RAWRES:
		return ev->type < VG_SC_COUNT && int_val(out, ev->res);
	case F_EVT_FAILED:
		return bool_val(out, ev->type < VG_SC_COUNT && ev->res < 0);
	case F_EVT_NUM:
		return uint_val(out, ev->seq);
	case F_EVT_TIME: {
		struct strbuf *b = scratch(c);

		vg_format_time(b, ev->ts);
		return str_val(out, b->p, b->len);
	}
	case F_EVT_RAWTIME:
		return uint_val(out, ev->ts);
	case F_EVT_DIR:
		return cstr_val(out, "<");
	case F_EVT_ARG: {
		struct strbuf *b = scratch(c);
		const char *name = ref->argname;

		if (ref->index >= 0) { /* by position among the shown arguments */
			const struct vg_syscall_desc *d;
			int n = ref->index;

			if (ev->type >= VG_SC_COUNT)
				return false;
			d = &vg_syscalls[ev->type];
			name = NULL;
			for (int i = 0; i < 6 && !name; i++)
				if (d->args[i].kind != VG_A_NONE && d->args[i].kind != VG_A_SKIP &&
				    n-- == 0)
					name = d->args[i].name;
			if (!name)
				return false;
		}
		if (vg_format_arg(b, ev, name))
			return false;
		return str_val(out, b->p ? b->p : "", b->len);
	}
	case F_EVT_ARGS: {
		struct strbuf *b = scratch(c), *line = scratch(c);
		const char *open, *close;

		vg_format_text(line, ev, NULL);
		open = line->p ? strchr(line->p, '(') : NULL;
		close = line->p ? strrchr(line->p, ')') : NULL;
		if (!open || !close || close < open)
			return false;
		strbuf_add(b, open + 1, close - open - 1);
		return str_val(out, b->p ? b->p : "", b->len);
	}
	case F_EVT_IS_OPEN_READ:
		return bool_val(out, open_flags(ev, &flags) && (flags & O_ACCMODE) != O_WRONLY);
	case F_EVT_IS_OPEN_WRITE:
		return bool_val(out, open_flags(ev, &flags) && (flags & O_ACCMODE) != O_RDONLY);
	case F_EVT_IS_OPEN_EXEC:
		return bool_val(out, open_flags(ev, &flags) && (flags & O_CREAT) &&
					     ((ev->type == VG_SC_creat ? ev->args[1] :
					       ev->type == VG_SC_open	? ev->args[2] :
					       ev->type == VG_SC_openat ? ev->args[3] : 0) & 0111));
	case F_EVT_IS_OPEN_CREATE:
		return bool_val(out, open_flags(ev, &flags) && (flags & O_CREAT));
	case F_PROC_NAME:
		return p ? cstr_val(out, p->comm) : cstr_val(out, ev->comm);
	case F_PROC_EXE:
		return p && args_val(c, p, 0, out);
	case F_PROC_EXEPATH:
		return p && p->exe && p->exe[0] && cstr_val(out, p->exe);
	case F_PROC_CMDLINE:
		return p && args_val(c, p, 2, out);
	case F_PROC_ARGS:
		return p && args_val(c, p, 1, out);
	case F_PROC_PID:
		return uint_val(out, ev->pid);
	case F_PROC_PPID:
		return p && uint_val(out, p->ppid);
	case F_PROC_PNAME:
		return pp && cstr_val(out, pp->comm);
	case F_PROC_PEXE:
		return pp && args_val(c, pp, 0, out);
	case F_PROC_PEXEPATH:
		return pp && pp->exe && pp->exe[0] && cstr_val(out, pp->exe);
	case F_PROC_PCMDLINE:
		return pp && args_val(c, pp, 2, out);
	case F_PROC_ANAME:
	case F_PROC_APID:
	case F_PROC_AEXEPATH: {
		/* [0] is the process itself, [1] its parent */
		const struct vg_proc *a = ancestor(c, p, ref->index);

		if (!a)
			return false;
		if (ref->id == F_PROC_ANAME)
			return cstr_val(out, a->comm);
		if (ref->id == F_PROC_APID)
			return uint_val(out, a->pid);
		return a->exe && a->exe[0] && cstr_val(out, a->exe);
	}
	case F_PROC_CWD:
		return p && p->cwd && p->cwd[0] && cstr_val(out, p->cwd);
	case F_PROC_TTY:
		return p && uint_val(out, p->tty);
	case F_PROC_SID:
		return p && uint_val(out, p->sid);
	case F_PROC_VPGID:
		return p && uint_val(out, p->pgid);
	case F_PROC_LOGINUID:
	case F_USER_LOGINUID:
		return p && int_val(out, (int32_t)p->loginuid);
	case F_PROC_EXE_MEMFD:
		return p && bool_val(out, p->exec_flags & VG_EXEC_F_EXE_MEMFD);
	case F_PROC_DURATION:
		return p && p->start_ns && ev->ts >= p->start_ns &&
		       uint_val(out, ev->ts - p->start_ns);
	case F_THREAD_TID:
		return uint_val(out, ev->tid);
	case F_USER_UID:
		return uint_val(out, p ? p->euid : ev->uid);
	case F_GROUP_GID:
		return uint_val(out, p ? p->egid : ev->gid);
	case F_CONTAINER_ID:
		return ct ? cstr_val(out, ct->id) : cstr_val(out, "host");
	case F_CONTAINER_NAME:
		return ct ? cstr_val(out, ct->name) : cstr_val(out, "host");
	case F_CONTAINER_IMAGE:
		return ct && ct->image[0] && cstr_val(out, ct->image);
	case F_CONTAINER_REPO:
		return ct && ct->image_repository[0] && cstr_val(out, ct->image_repository);
	case F_CONTAINER_TAG:
		return ct && ct->image_tag[0] && cstr_val(out, ct->image_tag);
	case F_CONTAINER_DIGEST:
		return ct && ct->image_digest[0] && cstr_val(out, ct->image_digest);
	}
	return fd_field(c, ref->id, p, out);
}

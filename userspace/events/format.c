// SPDX-License-Identifier: Apache-2.0
/*
 * Rendering of events. Both forms walk the syscall's argument descriptions
 * (syscalls.def), so a syscall added to the table prints without code here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "flags.h"
#include "format.h"
#include "../state/container.h"

#define E(x) [x] = #x
static const char *const errno_names[] = {
	E(EPERM),   E(ENOENT),	E(ESRCH),	 E(EINTR),	 E(EIO),	  E(ENXIO),
	E(E2BIG),   E(ENOEXEC), E(EBADF),	 E(ECHILD),	 E(EAGAIN),	  E(ENOMEM),
	E(EACCES),  E(EFAULT),	E(EBUSY),	 E(EEXIST),	 E(EXDEV),	  E(ENODEV),
	E(ENOTDIR), E(EISDIR),	E(EINVAL),	 E(ENFILE),	 E(EMFILE),	  E(ENOTTY),
	E(ETXTBSY), E(EFBIG),	E(ENOSPC),	 E(ESPIPE),	 E(EROFS),	  E(EMLINK),
	E(EPIPE),   E(ERANGE),	E(ENAMETOOLONG), E(ENOSYS),	 E(ENOTEMPTY),	  E(ELOOP),
	E(ENOTSOCK), E(EDESTADDRREQ), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
	E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETUNREACH),
	E(ECONNABORTED), E(ECONNRESET), E(EISCONN), E(ENOTCONN), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(EBADFD),
};
#undef E

const char *vg_errno_name(int err)
{
	if (err > 0 && err < (int)(sizeof(errno_names) / sizeof(errno_names[0])))
		return errno_names[err];
	return NULL;
}

void vg_format_time(struct strbuf *b, uint64_t ns)
{
	time_t sec = ns / 1000000000;
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_addf(b, "%s.%09" PRIu64 "Z", buf, ns % 1000000000);
}

size_t vg_sockaddr_render(const struct vg_sockaddr *sa, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	switch (sa->family) {
	case AF_INET:
		inet_ntop(AF_INET, sa->addr, ip, sizeof(ip));
		return snprintf(buf, size, "%s:%u", ip, sa->port);
	case AF_INET6:
		inet_ntop(AF_INET6, sa->addr, ip, sizeof(ip));
		return snprintf(buf, size, "[%s]:%u", ip, sa->port);
	case AF_UNIX:
		return snprintf(buf, size, "%s", sa->path);
	}
	return snprintf(buf, size, "family %u", sa->family);
}

/* Render a non-memory argument's value as text; returns false to omit it. */
static bool render_scalar(const struct vg_arg_desc *a, uint64_t v, char *buf, size_t size,
			  bool *quote)
{
	*quote = false;
	switch (a->kind) {
	case VG_A_INT:
		snprintf(buf, size, "%" PRId64, (int64_t)v);
		return true;
	case VG_A_UINT:
		snprintf(buf, size, "%" PRIu64, v);
		return true;
	case VG_A_PID:
		snprintf(buf, size, "%d", (int)v);
		return true;
	case VG_A_FD:
		if ((int)v == -100) { /* AT_FDCWD */
			snprintf(buf, size, "AT_FDCWD");
			*quote = true;
		} else {
			snprintf(buf, size, "%d", (int)v);
		}
		return true;
	case VG_A_UID:
		snprintf(buf, size, "%d", (int)(uint32_t)v);
		return true;
	case VG_A_HEX:
		snprintf(buf, size, "0x%" PRIx64, v);
		*quote = true;
		return true;
	case VG_A_MODE:
		snprintf(buf, size, "%#" PRIo64, v & 07777);
		*quote = true;
		return true;
	case VG_A_FLAGS:
		vg_flags_render(a->aux, v, buf, size);
		*quote = true;
		return true;
	case VG_A_ENUM:
		vg_enum_render(a->aux, v, buf, size);
		*quote = vg_enum_name(a->aux, v) != NULL;
		return true;
	}
	return false;
}

/* A struct argument copied from memory, rendered as name=value pairs. */
static void render_struct(struct strbuf *b, const struct vg_arg_desc *a, const struct vg_str *s,
			  bool json)
{
	char flags[256];
	uint64_t w[15] = { 0 };
	uint32_t d[6] = { 0 };

	memcpy(w, s->ptr, s->len < sizeof(w) ? s->len : sizeof(w));
	memcpy(d, s->ptr, s->len < sizeof(d) ? s->len : sizeof(d));
	switch (a->kind) {
	case VG_A_OPEN_HOW: /* struct open_how { u64 flags, mode, resolve; } */
		vg_flags_render(VG_FT_OPEN, w[0], flags, sizeof(flags));
		strbuf_addf(b, json ? "{\"flags\":\"%s\",\"mode\":\"%#" PRIo64 "\",\"resolve\":%" PRIu64 "}"
				    : "{flags=%s, mode=%#" PRIo64 ", resolve=0x%" PRIx64 "}",
			    flags, w[1] & 07777, w[2]);
		break;
	case VG_A_CLONE_ARGS: /* struct clone_args { u64 flags, pidfd, child_tid, parent_tid, exit_signal ... } */
		vg_flags_render(VG_FT_CLONE, w[0], flags, sizeof(flags));
		strbuf_addf(b, json ? "{\"flags\":\"%s\",\"exit_signal\":%" PRIu64 "}"
				    : "{flags=%s, exit_signal=%" PRIu64 "}",
			    flags, w[4]);
		break;
	case VG_A_FDPAIR:
		strbuf_addf(b, json ? "[%d,%d]" : "[%d, %d]", (int)d[0], (int)d[1]);
		break;
	case VG_A_CAPDATA: /* two { u32 effective, permitted, inheritable } */
		strbuf_addf(b, json ? "{\"effective\":\"0x%" PRIx64 "\",\"permitted\":\"0x%" PRIx64 "\"}"
				    : "{effective=0x%" PRIx64 ", permitted=0x%" PRIx64 "}",
			    (uint64_t)d[3] << 32 | d[0], (uint64_t)d[4] << 32 | d[1]);
		break;
	case VG_A_URING_PARAMS: /* struct io_uring_params { u32 sq_entries, cq_entries, flags ... } */
		vg_flags_render(VG_FT_URING, d[2], flags, sizeof(flags));
		strbuf_addf(b, json ? "{\"sq_entries\":%u,\"cq_entries\":%u,\"flags\":\"%s\"}"
				    : "{sq_entries=%u, cq_entries=%u, flags=%s}",
			    d[0], d[1], flags);
		break;
	}
}

static void render_argv(struct strbuf *b, const struct vg_str *s, bool json)
{
	size_t i = 0;
	bool first = true;

	strbuf_add(b, "[", 1);
	while (i < s->len) {
		const char *arg = s->ptr + i;
		size_t n = strnlen(arg, s->len - i);

		if (!first)
			strbuf_puts(b, json ? "," : ", ");
		if (json)
			strbuf_json_str(b, arg, n);
		else
			strbuf_text_str(b, arg, n);
		first = false;
		i += n + 1;
	}
	if (s->flags & VG_STR_TRUNC)
		strbuf_puts(b, json ? (first ? "\"...\"" : ",\"...\"") : ", ...");
	strbuf_add(b, "]", 1);
}

static void render_mem(struct strbuf *b, const struct vg_event *ev, const struct vg_arg_desc *a,
		       const struct vg_str *s, bool json)
{
	char addr[160];

	if (s->flags & VG_STR_FAULT && !s->len) {
		strbuf_puts(b, json ? "null" : "<fault>");
		return;
	}
	switch (a->kind) {
	case VG_A_PATH:
	case VG_A_STR:
		if (json)
			strbuf_json_str(b, s->ptr, s->len);
		else
			strbuf_text_str(b, s->ptr, s->len);
		if (!json && s->flags & VG_STR_TRUNC)
			strbuf_puts(b, "...");
		break;
	case VG_A_ARGV:
		render_argv(b, s, json);
		break;
	case VG_A_SOCKADDR:
	case VG_A_SOCKADDR_OUT:
		if (!s->len) {
			strbuf_puts(b, json ? "null" : "NULL");
			break;
		}
		vg_sockaddr_render(&ev->addr, addr, sizeof(addr));
		if (json)
			strbuf_json_str(b, addr, strlen(addr));
		else
			strbuf_puts(b, addr);
		break;
	default:
		render_struct(b, a, s, json);
	}
}

static void render_args(struct strbuf *b, const struct vg_event *ev, bool json)
{
	const struct vg_syscall_desc *d = &vg_syscalls[ev->type];
	bool first = true;
	char val[512];

	for (int i = 0; i < 6; i++) {
		const struct vg_arg_desc *a = &d->args[i];
		const struct vg_str *s = vg_event_arg_blob(ev, i);
		bool quote = false;

		if (a->kind == VG_A_NONE || a->kind == VG_A_SKIP)
			continue;
		/* exec's own arguments are gone once the new image runs */
		if (ev->has_exec && !s)
			continue;
		if (!s && !render_scalar(a, ev->args[i], val, sizeof(val), &quote))
			continue;
		if (s && s->len == 0 && !(s->flags & VG_STR_FAULT) && a->when == VG_W_OK && ev->res < 0)
			continue; /* nothing written on failure */
		if (!first)
			strbuf_puts(b, json ? "," : ", ");
		first = false;
		if (json)
			strbuf_addf(b, "\"%s\":", a->name);
		else
			strbuf_addf(b, "%s=", a->name);
		if (s)
			render_mem(b, ev, a, s, json);
		else if (json && quote)
			strbuf_json_str(b, val, strlen(val));
		else
			strbuf_puts(b, val);
	}
}

int vg_format_arg(struct strbuf *b, const struct vg_event *ev, const char *name)
{
	const struct vg_syscall_desc *d;
	char val[512];
	bool quote;

	if (ev->type >= VG_SC_COUNT)
		return -ENOENT;
	d = &vg_syscalls[ev->type];
	for (int i = 0; i < 6; i++) {
		const struct vg_arg_desc *a = &d->args[i];
		const struct vg_str *s;

		if (a->kind == VG_A_NONE || strcmp(a->name, name))
			continue;
		s = vg_event_arg_blob(ev, i);
		if (s)
			render_mem(b, ev, a, s, false);
		else if (render_scalar(a, ev->args[i], val, sizeof(val), &quote))
			strbuf_puts(b, val);
		else
			return -ENOENT;
		return 0;
	}
	return -ENOENT;
}

static void text_exec(struct strbuf *b, const struct vg_event *ev)
{
	strbuf_puts(b, ", exe=");
	strbuf_text_str(b, ev->exec.exe.ptr, ev->exec.exe.len);
	strbuf_puts(b, ", cwd=");
	strbuf_text_str(b, ev->exec.cwd.ptr, ev->exec.cwd.len);
	strbuf_addf(b, ", ppid=%u, euid=%u, loginuid=%d", ev->exec.ppid, ev->exec.euid,
		    (int)ev->exec.loginuid);
}

void vg_format_text(struct strbuf *b, const struct vg_event *ev, const struct vg_proc *proc)
{
	const char *err;
	time_t sec = ev->ts / 1000000000;
	struct tm tm;
	char clock[16];

	(void)proc;
	gmtime_r(&sec, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	strbuf_addf(b, "%s.%09" PRIu64 " %s(%u:%u) %s(", clock, ev->ts % 1000000000, ev->comm,
		    ev->pid, ev->tid, vg_type_name(ev->type));
	if (ev->type == VG_EV_FORK) {
		strbuf_addf(b, "parent=%u:%u%s)", ev->parent_pid, ev->parent_tid,
			    ev->is_thread ? ", thread" : "");
		return;
	}
	if (ev->type == VG_EV_PROCEXIT) {
		strbuf_addf(b, "status=%d, code=%d, signal=%d%s)", ev->exit_status,
			    (ev->exit_status >> 8) & 0xff, ev->exit_status & 0x7f,
			    ev->group_dead ? ", last_thread" : "");
		return;
	}
	render_args(b, ev, false);
	if (ev->has_exec)
		text_exec(b, ev);
	strbuf_addf(b, ") = %" PRId64, ev->res);
	err = ev->res < 0 ? vg_errno_name(-ev->res) : NULL;
	if (err)
		strbuf_addf(b, " %s", err);
	/* the resolved form only where it says more than the argument did */
	for (int i = 0, nth = 0; i < 6 && nth < 2; i++) {
		const struct vg_str *s = vg_event_arg_blob(ev, i);
		const char *abs;

		if (vg_syscalls[ev->type].args[i].kind != VG_A_PATH)
			continue;
		abs = ev->resolved[nth++];
		if (!abs || (s && s->len == strlen(abs) && !memcmp(s->ptr, abs, s->len)))
			continue;
		strbuf_puts(b, nth == 2 ? " path2=" : " path=");
		strbuf_text_str(b, abs, strlen(abs));
	}
}

/* "container":{...}: the fields that are known. */
static void json_container(struct strbuf *b, const struct vg_container *c)
{
	const struct {
		const char *key, *val;
	} f[] = {
		{ "id", c->id },
		{ "name", c->name },
		{ "image", c->image },
		{ "image_repository", c->image_repository },
		{ "image_tag", c->image_tag },
		{ "image_digest", c->image_digest },
		{ "task_arn", c->task_arn },
		{ "cluster", c->cluster },
		{ "launch_type", c->launch_type },
		{ "source", c->source },
	};
	bool first = true;

	strbuf_puts(b, ",\"container\":{");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!f[i].val[0])
			continue;
		strbuf_addf(b, "%s\"%s\":", first ? "" : ",", f[i].key);
		strbuf_json_str(b, f[i].val, strlen(f[i].val));
		first = false;
	}
	strbuf_puts(b, "}");
}

void vg_format_json(struct strbuf *b, const struct vg_event *ev, const struct vg_proc *proc)
{
	const char *err;

	strbuf_puts(b, "{\"time\":\"");
	vg_format_time(b, ev->ts);
	strbuf_addf(b, "\",\"ts\":%" PRIu64 ",\"type\":\"%s\",\"pid\":%u,\"tid\":%u,", ev->ts,
		    vg_type_name(ev->type), ev->pid, ev->tid);
	if (proc)
		strbuf_addf(b, "\"ppid\":%u,", proc->ppid);
	strbuf_puts(b, "\"comm\":");
	strbuf_json_str(b, ev->comm, strlen(ev->comm));
	strbuf_addf(b, ",\"uid\":%u,\"gid\":%u", ev->uid, ev->gid);
	if (ev->container)
		json_container(b, ev->container);
	if (ev->type == VG_EV_FORK) {
		strbuf_addf(b, ",\"parent_pid\":%u,\"parent_tid\":%u,\"thread\":%s}", ev->parent_pid,
			    ev->parent_tid, ev->is_thread ? "true" : "false");
		return;
	}
	if (ev->type == VG_EV_PROCEXIT) {
		strbuf_addf(b, ",\"status\":%d,\"code\":%d,\"signal\":%d,\"last_thread\":%s}",
			    ev->exit_status, (ev->exit_status >> 8) & 0xff, ev->exit_status & 0x7f,
			    ev->group_dead ? "true" : "false");
		return;
	}
	strbuf_addf(b, ",\"res\":%" PRId64, ev->res);
	err = ev->res < 0 ? vg_errno_name(-ev->res) : NULL;
	if (err)
		strbuf_addf(b, ",\"error\":\"%s\"", err);
	strbuf_puts(b, ",\"args\":{");
	render_args(b, ev, true);
	strbuf_puts(b, "}");
	for (int i = 0; i < 2; i++) {
		if (ev->resolved[i]) {
			strbuf_puts(b, i ? ",\"path2\":" : ",\"path\":");
			strbuf_json_str(b, ev->resolved[i], strlen(ev->resolved[i]));
		}
	}
	if (ev->has_exec) {
		strbuf_puts(b, ",\"exe\":");
		strbuf_json_str(b, ev->exec.exe.ptr, ev->exec.exe.len);
		strbuf_puts(b, ",\"cwd\":");
		strbuf_json_str(b, ev->exec.cwd.ptr, ev->exec.cwd.len);
		strbuf_addf(b, ",\"exec\":{\"ppid\":%u,\"euid\":%u,\"egid\":%u,\"loginuid\":%d,"
			       "\"tty\":%u,\"sid\":%u,\"pgid\":%u,\"cap_effective\":\"0x%" PRIx64 "\","
			       "\"cap_permitted\":\"0x%" PRIx64 "\",\"exe_from_memfd\":%s}",
			    ev->exec.ppid, ev->exec.euid, ev->exec.egid, (int)ev->exec.loginuid,
			    ev->exec.tty, ev->exec.sid, ev->exec.pgid, ev->exec.cap_effective,
			    ev->exec.cap_permitted,
			    ev->exec.flags & VG_EXEC_F_EXE_MEMFD ? "true" : "false");
	}
	strbuf_puts(b, "}");
}

// SPDX-License-Identifier: Apache-2.0
/*
 * Ring buffer records to events. The bytes come from the kernel but are
 * treated as outside input: a record that does not hold together is refused
 * (and fuzzed: tests/fuzz/fuzz_decode.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "decode.h"

static int blob_get(const struct vg_rec *r, size_t size, int i, struct vg_str *out)
{
	const struct vg_blob *b = &r->blob[i];
	uint32_t len = b->len & VG_BLOB_LEN_MASK;

	if (b->off < sizeof(*r) || b->off > size || len > size - b->off)
		return -EINVAL;
	if (len > VG_STR_MAX)
		return -EINVAL;
	out->ptr = (const char *)r + b->off;
	out->len = len;
	out->flags = (b->len & VG_BLOB_TRUNC ? VG_STR_TRUNC : 0) |
		     (b->len & VG_BLOB_FAULT ? VG_STR_FAULT : 0);
	return 0;
}

int vg_sockaddr_decode(const void *raw, size_t len, struct vg_sockaddr *sa)
{
	sa_family_t family;

	memset(sa, 0, sizeof(*sa));
	if (len < sizeof(family))
		return -EINVAL;
	memcpy(&family, raw, sizeof(family));
	switch (family) {
	case AF_INET: {
		struct sockaddr_in in;

		if (len < sizeof(in))
			return -EINVAL;
		memcpy(&in, raw, sizeof(in));
		sa->port = ntohs(in.sin_port);
		memcpy(sa->addr, &in.sin_addr, 4);
		break;
	}
	case AF_INET6: {
		struct sockaddr_in6 in6;

		if (len < sizeof(in6))
			return -EINVAL;
		memcpy(&in6, raw, sizeof(in6));
		sa->port = ntohs(in6.sin6_port);
		memcpy(sa->addr, &in6.sin6_addr, 16);
		break;
	}
	case AF_UNIX: {
		const char *path = (const char *)raw + offsetof(struct sockaddr_un, sun_path);
		size_t n = len - offsetof(struct sockaddr_un, sun_path);

		if (len < offsetof(struct sockaddr_un, sun_path))
			return -EINVAL;
		if (n > sizeof(sa->path) - 1)
			n = sizeof(sa->path) - 1;
		if (n && path[0] == '\0') { /* abstract: shown with a leading '@' */
			sa->path[0] = '@';
			memcpy(sa->path + 1, path + 1, n - 1);
			sa->path[n] = '\0';
		} else {
			memcpy(sa->path, path, n);
			sa->path[n] = '\0';
		}
		sa->path[strnlen(sa->path, sizeof(sa->path))] = '\0';
		break;
	}
	default:
		break;
	}
	sa->family = family;
	return 0;
}

static int decode_exec(const struct vg_rec *r, size_t size, int64_t wall_offset,
		       struct vg_event *ev)
{
	const struct vg_exec_body *x = &r->exec;
	struct vg_exec_info *e = &ev->exec;

	ev->type = VG_SC_execve;
	ev->has_exec = true;
	e->ppid = x->ppid;
	e->loginuid = x->loginuid;
	e->tty = x->tty;
	e->sid = x->sid;
	e->pgid = x->pgid;
	e->euid = x->euid;
	e->egid = x->egid;
	e->flags = x->flags;
	e->cap_effective = x->cap_effective;
	e->cap_permitted = x->cap_permitted;
	e->start_ns = x->start_ns + wall_offset;
	if (blob_get(r, size, VG_EXEC_BLOB_FILENAME, &ev->blob[0]) ||
	    blob_get(r, size, VG_EXEC_BLOB_ARGV, &ev->blob[1]) ||
	    blob_get(r, size, VG_EXEC_BLOB_EXE, &e->exe) ||
	    blob_get(r, size, VG_EXEC_BLOB_CWD, &e->cwd))
		return -EINVAL;
	/* A successful exec leaves no trace of which syscall started it (x86-64
	 * rewrites orig_ax to execve), but execveat on a directory fd or with
	 * AT_EMPTY_PATH names the program /dev/fd/N[/PATH]. execveat on
	 * AT_FDCWD or an absolute path, the same as execve, reads as execve.
	 */
	if (ev->blob[0].len >= 8 && !memcmp(ev->blob[0].ptr, "/dev/fd/", 8))
		ev->type = VG_SC_execveat;
	return 0;
}

int vg_decode(const void *data, size_t size, int64_t wall_offset, struct vg_event *ev,
	      const char **why)
{
	const struct vg_rec *r = data;
	const struct vg_blob_map *map;
	int type;

	memset(ev, 0, offsetof(struct vg_event, resolved));
	ev->resolved[0] = ev->resolved[1] = NULL;
	ev->container = NULL;
	if (size < sizeof(*r)) {
		*why = "record shorter than its header";
		return -EINVAL;
	}
	if (r->size < sizeof(*r) || r->size > size || r->size > VG_REC_MAX) {
		*why = "record size field out of bounds";
		return -EINVAL;
	}
	size = r->size;
	ev->ts = r->ts_ns + wall_offset;
	ev->tid = r->tid;
	ev->pid = r->tgid;
	ev->uid = r->uid;
	ev->gid = r->gid;
	ev->res = r->ret;
	memcpy(ev->comm, r->comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';

	switch (r->kind) {
	case VG_K_SYSCALL:
		type = vg_type_of_nr(r->nr);
		if (type < 0) {
			*why = "unknown syscall number";
			return -EINVAL;
		}
		ev->type = type;
		memcpy(ev->args, r->args, sizeof(ev->args));
		map = vg_blob_map_of(type);
		for (int a = 0; a < 6; a++) {
			int b = map->blob_of_arg[a];
			uint8_t kind = vg_syscalls[type].args[a].kind;

			if (b < 0)
				continue;
			if (blob_get(r, size, b, &ev->blob[b])) {
				*why = "blob out of bounds";
				return -EINVAL;
			}
			if ((kind == VG_A_SOCKADDR || kind == VG_A_SOCKADDR_OUT) && ev->blob[b].len)
				vg_sockaddr_decode(ev->blob[b].ptr, ev->blob[b].len, &ev->addr);
		}
		return 0;
	case VG_K_EXEC:
		if (decode_exec(r, size, wall_offset, ev)) {
			*why = "exec blob out of bounds";
			return -EINVAL;
		}
		return 0;
	case VG_K_FORK:
		ev->type = VG_EV_FORK;
		ev->parent_tid = r->fork.parent_tid;
		ev->parent_pid = r->fork.parent_tgid;
		ev->is_thread = r->fork.is_thread;
		return 0;
	case VG_K_EXIT:
		ev->type = VG_EV_PROCEXIT;
		ev->exit_status = r->exit.exit_code;
		ev->group_dead = r->exit.group_dead;
		return 0;
	}
	*why = "unknown record kind";
	return -EINVAL;
}

const struct vg_str *vg_event_arg_blob(const struct vg_event *ev, int arg)
{
	const struct vg_blob_map *map = vg_blob_map_of(ev->type);

	if (!map || arg < 0 || arg >= 6 || map->blob_of_arg[arg] < 0)
		return NULL;
	return &ev->blob[map->blob_of_arg[arg]];
}

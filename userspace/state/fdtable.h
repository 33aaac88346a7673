/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A process's file descriptors: fd -> file path or socket tuple, and type.
 * Kept from events (open, socket, connect, accept, dup, close ...), with
 * /proc/PID/fd as the fallback for descriptors opened before capture began.
 */
#ifndef VIGIL_FDTABLE_H
#define VIGIL_FDTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_FD_MAX (1 << 20) /* highest fd kept (the kernel's nr_open default) */

/* fd.type values; fd.typechar is the letter in vg_fd_typechar(). */
enum vg_fd_type {
	VG_FD_UNKNOWN = 0,
	VG_FD_FILE,	 /* f */
	VG_FD_DIR,	 /* d */
	VG_FD_IPV4,	 /* 4 */
	VG_FD_IPV6,	 /* 6 */
	VG_FD_UNIX,	 /* u */
	VG_FD_PIPE,	 /* p */
	VG_FD_EVENT,	 /* e */
	VG_FD_SIGNALFD,	 /* s */
	VG_FD_EVENTPOLL, /* l */
	VG_FD_INOTIFY,	 /* i */
	VG_FD_TIMERFD,	 /* t */
	VG_FD_NETLINK,	 /* n */
	VG_FD_BPF,	 /* b */
	VG_FD_IO_URING,	 /* r */
	VG_FD_MEMFD,	 /* m */
	VG_FD_PIDFD,	 /* P */
	VG_FD_SOCKET,	 /* o: another socket family */
	VG_FD_TYPE_COUNT,
};

struct vg_fd {
	uint8_t type;	   /* enum vg_fd_type */
	uint8_t l4proto;   /* IPPROTO_TCP / IPPROTO_UDP / ... for sockets, 0 unknown */
	uint16_t family;   /* sockets: AF_* */
	uint32_t open_flags; /* files: the open(2) flags */
	int socktype;	   /* sockets: SOCK_STREAM ... */
	/* sockets: local and remote ends, network order, 4 or 16 bytes */
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport; /* host order */
	bool connected;	       /* the remote end is known */
	bool listening;
	char *name; /* file path, unix path, or "sip:sport->dip:dport"; owned */
};

struct vg_fdtable;

struct vg_fdtable *fdtable__new(void);
void fdtable__free(struct vg_fdtable *t);
/* The entry for fd, or NULL when unknown. */
struct vg_fd *fdtable__get(struct vg_fdtable *t, int fd);
/* Create or replace fd's entry (the old one is dropped); NULL on a bad fd or
 * out of memory. name is copied.
 */
struct vg_fd *fdtable__set(struct vg_fdtable *t, int fd, int type, const char *name);
/* Forget fd; returns 0, or -ENOENT when it was unknown. */
int fdtable__close(struct vg_fdtable *t, int fd);
/* newfd becomes a copy of oldfd (dup2/dup3/F_DUPFD); -ENOENT if oldfd unknown. */
int fdtable__dup(struct vg_fdtable *t, int oldfd, int newfd);
/* A copy of the whole table (fork without CLONE_FILES). */
struct vg_fdtable *fdtable__clone(const struct vg_fdtable *t);
/* Entries in use. */
size_t fdtable__count(const struct vg_fdtable *t);
/* Forget every entry whose open_flags carry O_CLOEXEC (what exec closes;
 * sockets, memfds and dups keep their close-on-exec bit there too).
 * Returns how many went.
 */
size_t fdtable__close_cloexec(struct vg_fdtable *t);
/* Fill fd's entry from procfs/PID/fd/FD (readlink, plus /proc/net for sockets
 * when it can); returns the entry or NULL.
 */
struct vg_fd *fdtable__load_proc(struct vg_fdtable *t, const char *procfs, int pid, int fd);
/* Rebuild the name of a socket entry from its addresses. */
void fdtable__name_socket(struct vg_fd *f);

char vg_fd_typechar(int type);
const char *vg_fd_typename(int type); /* "file", "directory", "ipv4", "unix" ... */

#endif /* VIGIL_FDTABLE_H */

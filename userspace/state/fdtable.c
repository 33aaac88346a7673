// SPDX-License-Identifier: Apache-2.0
/*
 * Per-process fd tables. An fd indexes a dense array of entry pointers that
 * doubles as it grows; entries live on the heap so that a pointer returned by
 * fdtable__get() stays valid while other fds are added (accept holds the
 * listening entry while it creates the new one). Descriptors opened before
 * capture began are read back from /proc/PID/fd on demand.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdtable.h"

#define FD_CAP_MIN 16
#define TCP_LISTEN_STATE 0x0a	/* include/net/tcp_states.h */
#define UNIX_ACCEPTCON 0x10000	/* __SO_ACCEPTCON in /proc/net/unix "Flags" */
#define UNIX_CONNECTED 3	/* SS_CONNECTED in /proc/net/unix "St" */

struct vg_fdtable {
	struct vg_fd **fd; /* indexed by fd; NULL when unknown */
	int cap;	   /* slots in fd[], a power of two <= VG_FD_MAX */
	size_t count;
};

static void fd_free(struct vg_fd *f)
{
	if (!f)
		return;
	free(f->name);
	free(f);
}

struct vg_fdtable *fdtable__new(void)
{
	return calloc(1, sizeof(struct vg_fdtable));
}

void fdtable__free(struct vg_fdtable *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->cap; i++)
		fd_free(t->fd[i]);
	free(t->fd);
	free(t);
}

struct vg_fd *fdtable__get(struct vg_fdtable *t, int fd)
{
	if (!t || fd < 0 || fd >= t->cap)
		return NULL;
	return t->fd[fd];
}

/* Make room for index fd; the caller has checked fd < VG_FD_MAX. */
static int fdtable_grow(struct vg_fdtable *t, int fd)
{
	int cap = t->cap ? t->cap : FD_CAP_MIN;
	struct vg_fd **grown;

	while (cap <= fd)
		cap *= 2;
	if (cap > VG_FD_MAX)
		cap = VG_FD_MAX;
	grown = realloc(t->fd, (size_t)cap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	memset(grown + t->cap, 0, (size_t)(cap - t->cap) * sizeof(*grown));
	t->fd = grown;
	t->cap = cap;
	return 0;
}

struct vg_fd *fdtable__set(struct vg_fdtable *t, int fd, int type, const char *name)
{
	struct vg_fd *f;
	char *copy;
	int err;

	if (fd < 0 || fd >= VG_FD_MAX) {
		errno = EBADF;
		return NULL;
	}
	if (fd >= t->cap) {
		err = fdtable_grow(t, fd);
		if (err) {
			errno = -err;
			return NULL;
		}
	}
	/* Entries always have a name, "" when nothing is known: readers need no NULL check. */
	copy = strdup(name ? name : "");
	if (!copy)
		return NULL;
	f = t->fd[fd];
	if (f) {
		/* Reuse the allocation: a replaced fd keeps its address. */
		free(f->name);
	} else {
		f = malloc(sizeof(*f));
		if (!f) {
			free(copy);
			return NULL;
		}
		t->fd[fd] = f;
		t->count++;
	}
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->name = copy;
	return f;
}

int fdtable__close(struct vg_fdtable *t, int fd)
{
	struct vg_fd *f = fdtable__get(t, fd);

	if (!f)
		return -ENOENT;
	fd_free(f);
	t->fd[fd] = NULL;
	t->count--;
	return 0;
}

/*
 * The copy drops O_CLOEXEC: close-on-exec belongs to the descriptor, not to
 * the open file, and dup/dup2/F_DUPFD clear it. dup3(O_CLOEXEC) and
 * F_DUPFD_CLOEXEC set it again on the result.
 */
int fdtable__dup(struct vg_fdtable *t, int oldfd, int newfd)
{
	struct vg_fd *src = fdtable__get(t, oldfd), *dst;
	char *name;

	if (!src)
		return -ENOENT;
	if (newfd < 0 || newfd >= VG_FD_MAX)
		return -EBADF;
	if (oldfd == newfd)
		return 0;
	/* src stays valid: growing moves the pointer array, not the entries */
	dst = fdtable__set(t, newfd, src->type, src->name);
	if (!dst)
		return -errno;
	name = dst->name;
	*dst = *src;
	dst->name = name;
	dst->open_flags &= ~(uint32_t)O_CLOEXEC;
	return 0;
}

struct vg_fdtable *fdtable__clone(const struct vg_fdtable *t)
{
	struct vg_fdtable *c = fdtable__new();

	if (!c || !t || !t->cap)
		return c;
	c->fd = calloc((size_t)t->cap, sizeof(*c->fd));
	if (!c->fd)
		goto err_free;
	c->cap = t->cap;
	for (int i = 0; i < t->cap; i++) {
		const struct vg_fd *src = t->fd[i];
		struct vg_fd *dst;

		if (!src)
			continue;
		dst = malloc(sizeof(*dst));
		if (!dst)
			goto err_free;
		*dst = *src;
		dst->name = strdup(src->name);
		if (!dst->name) {
			free(dst);
			goto err_free;
		}
		c->fd[i] = dst;
		c->count++;
	}
	return c;

err_free:
	fdtable__free(c);
	errno = ENOMEM;
	return NULL;
}

size_t fdtable__count(const struct vg_fdtable *t)
{
	return t ? t->count : 0;
}

size_t fdtable__close_cloexec(struct vg_fdtable *t)
{
	size_t closed = 0;

	for (int i = 0; t && i < t->cap; i++) {
		if (t->fd[i] && (t->fd[i]->open_flags & O_CLOEXEC)) {
			fdtable__close(t, i);
			closed++;
		}
	}
	return closed;
}

static bool addr_is_zero(const uint8_t *addr, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (addr[i])
			return false;
	return true;
}

/*
 * Falco's form: "sip:sport->dip:dport" with IPv6 addresses unbracketed
 * ("::1:40000->::1:80"). Local end first. Unix sockets keep the path they
 * were given, which the addresses here cannot rebuild.
 */
void fdtable__name_socket(struct vg_fd *f)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], buf[2 * INET6_ADDRSTRLEN + 16];
	size_t alen = f->type == VG_FD_IPV4 ? 4 : 16;
	int af = f->type == VG_FD_IPV4 ? AF_INET : AF_INET6;
	char *copy;

	if (f->type != VG_FD_IPV4 && f->type != VG_FD_IPV6)
		return;
	if (!inet_ntop(af, f->laddr, l, sizeof(l)) || !inet_ntop(af, f->raddr, r, sizeof(r)))
		return;
	if (f->connected)
		snprintf(buf, sizeof(buf), "%s:%u->%s:%u", l, f->lport, r, f->rport);
	else if (f->lport || !addr_is_zero(f->laddr, alen))
		snprintf(buf, sizeof(buf), "%s:%u", l, f->lport);
	else
		buf[0] = '\0'; /* a socket nothing was done with yet */
	copy = strdup(buf);
	if (!copy)
		return; /* keep the old name rather than none */
	free(f->name);
	f->name = copy;
}

char vg_fd_typechar(int type)
{
	static const char chars[VG_FD_TYPE_COUNT] = {
		[VG_FD_UNKNOWN] = 'o',	 [VG_FD_FILE] = 'f',	  [VG_FD_DIR] = 'd',
		[VG_FD_IPV4] = '4',	 [VG_FD_IPV6] = '6',	  [VG_FD_UNIX] = 'u',
		[VG_FD_PIPE] = 'p',	 [VG_FD_EVENT] = 'e',	  [VG_FD_SIGNALFD] = 's',
		[VG_FD_EVENTPOLL] = 'l', [VG_FD_INOTIFY] = 'i',	  [VG_FD_TIMERFD] = 't',
		[VG_FD_NETLINK] = 'n',	 [VG_FD_BPF] = 'b',	  [VG_FD_IO_URING] = 'r',
		[VG_FD_MEMFD] = 'm',	 [VG_FD_PIDFD] = 'P',	  [VG_FD_SOCKET] = 'o',
	};

	/* Falco prints 'o' ("other") for what it cannot classify */
	if (type < 0 || type >= VG_FD_TYPE_COUNT)
		return 'o';
	return chars[type];
}

const char *vg_fd_typename(int type)
{
	static const char *const names[VG_FD_TYPE_COUNT] = {
		[VG_FD_FILE] = "file",		 [VG_FD_DIR] = "directory",
		[VG_FD_IPV4] = "ipv4",		 [VG_FD_IPV6] = "ipv6",
		[VG_FD_UNIX] = "unix",		 [VG_FD_PIPE] = "pipe",
		[VG_FD_EVENT] = "event",	 [VG_FD_SIGNALFD] = "signalfd",
		[VG_FD_EVENTPOLL] = "eventpoll", [VG_FD_INOTIFY] = "inotify",
		[VG_FD_TIMERFD] = "timerfd",	 [VG_FD_NETLINK] = "netlink",
		[VG_FD_BPF] = "bpf",		 [VG_FD_IO_URING] = "io_uring",
		[VG_FD_MEMFD] = "memfd",	 [VG_FD_PIDFD] = "pidfd",
		[VG_FD_SOCKET] = "socket",
	};

	if (type <= VG_FD_UNKNOWN || type >= VG_FD_TYPE_COUNT)
		return "<NA>";
	return names[type];
}

/* What /proc/PID/net says about one socket inode. */
struct sock_info {
	int type; /* VG_FD_*, VG_FD_UNKNOWN until found */
	uint16_t family;
	uint8_t l4proto;
	int socktype;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	bool connected, listening;
	char path[PATH_MAX];
};

/*
 * The kernel prints each 32-bit word of an address with %08X as it sits in
 * memory, so parsing the word and storing it in host order gives back the
 * network-order bytes on either endianness.
 */
static int parse_hex_addr(const char *hex, uint8_t *out, size_t len)
{
	if (strlen(hex) != len * 2)
		return -EINVAL;
	for (size_t i = 0; i < len / 4; i++) {
		char word[9];
		uint32_t v;

		memcpy(word, hex + i * 8, 8);
		word[8] = '\0';
		v = (uint32_t)strtoul(word, NULL, 16);
		memcpy(out + i * 4, &v, 4);
	}
	return 0;
}

/* Look inode up in a /proc/net/{tcp,udp}[6] table; true when found. */
static bool sock_find_inet(const char *procfs, int pid, const char *file, unsigned long inode,
			   struct sock_info *si)
{
	bool v6 = strchr(file, '6') != NULL, tcp = file[0] == 't', found = false;
	char path[PATH_MAX], line[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%d/net/%s", procfs, pid, file);
	fp = fopen(path, "re");
	if (!fp)
		return false;
	while (!found && fgets(line, sizeof(line), fp)) {
		char lhex[33], rhex[33];
		unsigned int lport, rport, st;
		unsigned long ino;

		/* sl local:port rem:port st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line,
			   " %*u: %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x"
			   " %*x:%*x %*x:%*x %*x %*u %*u %lu",
			   lhex, &lport, rhex, &rport, &st, &ino) != 6 ||
		    ino != inode)
			continue;
		if (parse_hex_addr(lhex, si->laddr, v6 ? 16 : 4) ||
		    parse_hex_addr(rhex, si->raddr, v6 ? 16 : 4))
			continue;
		si->type = v6 ? VG_FD_IPV6 : VG_FD_IPV4;
		si->family = v6 ? AF_INET6 : AF_INET;
		si->l4proto = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		si->socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
		si->lport = (uint16_t)lport;
		si->rport = (uint16_t)rport;
		si->listening = tcp && st == TCP_LISTEN_STATE;
		si->connected = rport != 0;
		found = true;
	}
	fclose(fp);
	return found;
}

static bool sock_find_unix(const char *procfs, int pid, unsigned long inode, struct sock_info *si)
{
	char path[PATH_MAX], line[PATH_MAX + 128];
	bool found = false;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%d/net/unix", procfs, pid);
	fp = fopen(path, "re");
	if (!fp)
		return false;
	while (!found && fgets(line, sizeof(line), fp)) {
		unsigned int flags, type, st;
		unsigned long ino;
		int end = 0;
		char *p;

		/* Num: RefCount Protocol Flags Type St Inode [Path] */
		if (sscanf(line, "%*x: %*x %*x %x %x %x %lu%n", &flags, &type, &st, &ino,
			   &end) != 4 ||
		    ino != inode)
			continue;
		p = line + end;
		p += strspn(p, " \t");
		p[strcspn(p, "\n")] = '\0';
		snprintf(si->path, sizeof(si->path), "%s", p);
		si->type = VG_FD_UNIX;
		si->family = AF_UNIX;
		si->socktype = (int)type;
		si->listening = flags & UNIX_ACCEPTCON;
		si->connected = st == UNIX_CONNECTED;
		found = true;
	}
	fclose(fp);
	return found;
}

static bool sock_find_netlink(const char *procfs, int pid, unsigned long inode,
			      struct sock_info *si)
{
	char path[PATH_MAX], line[512];
	bool found = false;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%d/net/netlink", procfs, pid);
	fp = fopen(path, "re");
	if (!fp)
		return false;
	while (!found && fgets(line, sizeof(line), fp)) {
		unsigned long ino;

		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%*x %*d %*u %*x %*d %*d %*d %*d %*u %lu", &ino) != 1 ||
		    ino != inode)
			continue;
		si->type = VG_FD_NETLINK;
		si->family = AF_NETLINK;
		si->socktype = SOCK_RAW;
		found = true;
	}
	fclose(fp);
	return found;
}

/* Best effort: a socket found in no table stays a bare VG_FD_SOCKET. */
static struct vg_fd *load_socket(struct vg_fdtable *t, const char *procfs, int pid, int fd,
				 const char *link)
{
	static const char *const inet_files[] = { "tcp", "udp", "tcp6", "udp6" };
	unsigned long inode = strtoul(link + strlen("socket:["), NULL, 10);
	struct sock_info *si = calloc(1, sizeof(*si)); /* PATH_MAX inside: not on the stack */
	struct vg_fd *f;
	bool found = false;

	if (!si)
		return NULL;
	for (size_t i = 0; !found && i < sizeof(inet_files) / sizeof(inet_files[0]); i++)
		found = sock_find_inet(procfs, pid, inet_files[i], inode, si);
	if (!found)
		found = sock_find_unix(procfs, pid, inode, si) ||
			sock_find_netlink(procfs, pid, inode, si);
	if (!found) {
		f = fdtable__set(t, fd, VG_FD_SOCKET, link);
		free(si);
		return f;
	}
	f = fdtable__set(t, fd, si->type, si->type == VG_FD_UNIX ? si->path : "");
	if (f) {
		f->family = si->family;
		f->l4proto = si->l4proto;
		f->socktype = si->socktype;
		memcpy(f->laddr, si->laddr, sizeof(f->laddr));
		memcpy(f->raddr, si->raddr, sizeof(f->raddr));
		f->lport = si->lport;
		f->rport = si->rport;
		f->connected = si->connected;
		f->listening = si->listening;
		fdtable__name_socket(f);
	}
	free(si);
	return f;
}

/* anon_inode:NAME -> type; readlink shows the name the creating code gave the inode. */
static int anon_inode_type(const char *name)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {
		{ "[eventfd]", VG_FD_EVENT },	    { "[eventpoll]", VG_FD_EVENTPOLL },
		{ "inotify", VG_FD_INOTIFY },	    { "[signalfd]", VG_FD_SIGNALFD },
		{ "[timerfd]", VG_FD_TIMERFD },	    { "[io_uring]", VG_FD_IO_URING },
		{ "[pidfd]", VG_FD_PIDFD },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(name, types[i].name))
			return types[i].type;
	/* bpf-map, bpf-prog, bpf_link, bpf_iter ... */
	if (!strncmp(name, "bpf", 3))
		return VG_FD_BPF;
	return VG_FD_UNKNOWN;
}

/* The open(2) flags from fdinfo ("flags:\t02100002", octal); 0 when unreadable. */
static uint32_t load_open_flags(const char *procfs, int pid, int fd)
{
	char path[PATH_MAX], line[256];
	uint32_t flags = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%d/fdinfo/%d", procfs, pid, fd);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		if (!strncmp(line, "flags:", 6)) {
			flags = (uint32_t)strtoul(line + 6, NULL, 8);
			break;
		}
	}
	fclose(fp);
	return flags;
}

struct vg_fd *fdtable__load_proc(struct vg_fdtable *t, const char *procfs, int pid, int fd)
{
	static const char memfd[] = "/memfd:", deleted[] = " (deleted)";
	char path[PATH_MAX], link[PATH_MAX];
	struct vg_fd *f;
	struct stat st;
	ssize_t n;

	if (fd < 0 || fd >= VG_FD_MAX) {
		errno = EBADF;
		return NULL;
	}
	if (snprintf(path, sizeof(path), "%s/%d/fd/%d", procfs, pid, fd) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return NULL;
	link[n] = '\0';

	if (!strncmp(link, "socket:[", 8)) {
		f = load_socket(t, procfs, pid, fd, link);
	} else if (!strncmp(link, "pipe:[", 6)) {
		f = fdtable__set(t, fd, VG_FD_PIPE, link);
	} else if (!strncmp(link, "anon_inode:", 11)) {
		f = fdtable__set(t, fd, anon_inode_type(link + 11), link);
	} else if (!strncmp(link, "pidfd:", 6)) {
		f = fdtable__set(t, fd, VG_FD_PIDFD, link); /* pidfs, Linux 6.9+ */
	} else if (!strncmp(link, memfd, sizeof(memfd) - 1)) {
		size_t len = (size_t)n;

		/* "/memfd:NAME (deleted)" -> "memfd:NAME", the form memfd_create events give */
		if (len >= sizeof(deleted) - 1 &&
		    !strcmp(link + len - (sizeof(deleted) - 1), deleted))
			link[len - (sizeof(deleted) - 1)] = '\0';
		f = fdtable__set(t, fd, VG_FD_MEMFD, link + 1);
	} else if (link[0] == '/') {
		int type = VG_FD_FILE;

		/* stat through the fd link: it reaches the file even in another mount namespace */
		if (!stat(path, &st)) {
			if (S_ISDIR(st.st_mode))
				type = VG_FD_DIR;
			else if (S_ISFIFO(st.st_mode))
				type = VG_FD_PIPE;
		}
		f = fdtable__set(t, fd, type, link);
	} else {
		f = fdtable__set(t, fd, VG_FD_UNKNOWN, link); /* "net:[...]", "mnt:[...]" ... */
	}
	if (f)
		f->open_flags = load_open_flags(procfs, pid, fd);
	return f;
}

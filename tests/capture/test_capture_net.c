// SPDX-License-Identifier: Apache-2.0
/*
 * Capture tests for the network syscalls: each performs the syscall with
 * known arguments in a traced child (over loopback and unix sockets), in a
 * success and a failure case, and asserts every field of the event,
 * the decoded socket address included. Raw syscall() is used so the event
 * type asserted is the syscall really made.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "fixture.h"

/* The socket addresses the child passes, in the shared fixture. */
struct net_mem {
	struct sockaddr_in in[8];
	struct sockaddr_in6 in6[4];
	struct sockaddr_un un[2];
	socklen_t len[4];
	int sv[2][2];
};

static struct net_mem *mem(void)
{
	_Static_assert(sizeof(struct net_mem) <= sizeof(fx->buf), "net_mem fits");
	return (struct net_mem *)fx->buf;
}

static struct sockaddr_in sa_in(const char *ip, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &sa.sin_addr);
	return sa;
}

static struct sockaddr_in6 sa_in6(const char *ip, uint16_t port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	inet_pton(AF_INET6, ip, &sa.sin6_addr);
	return sa;
}

/* A unix address for path; returns its length, the NUL included. */
static socklen_t sa_un(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", path);
	return offsetof(struct sockaddr_un, sun_path) + strlen(sa->sun_path) + 1;
}

/* A loopback port free right now (bound to 0, read back, released). */
static uint16_t free_port(int family)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	uint16_t port = 0;
	int s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (family == AF_INET)
		*(struct sockaddr_in *)&ss = sa_in("127.0.0.1", 0);
	else
		*(struct sockaddr_in6 *)&ss = sa_in6("::1", 0);
	if (s >= 0 && !bind(s, (struct sockaddr *)&ss, family == AF_INET ?
		     sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) &&
	    !getsockname(s, (struct sockaddr *)&ss, &len))
		port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					       : ((struct sockaddr_in6 *)&ss)->sin6_port);
	if (s >= 0)
		close(s);
	return port;
}

/* The nth event of type whose decoded address has family and port (inet)
 * or path (unix).
 */
static const struct captured *find_sa(const struct run *r, int type, int family, int port,
				      const char *path, int nth)
{
	for (int i = 0; i < r->n; i++) {
		const struct vg_sockaddr *a = &r->ev[i].ev.addr;

		if (r->ev[i].ev.type != type || a->family != family)
			continue;
		if (path ? strcmp(a->path, path) != 0 : a->port != port)
			continue;
		if (nth-- == 0)
			return &r->ev[i];
	}
	return NULL;
}

/* Argument arg's blob holds the sockaddr sa (len bytes), and ev.addr is it
 * decoded.
 */
static void check_sa(const struct captured *c, int arg, const void *sa, size_t len,
		     const char *what)
{
	const struct vg_sockaddr *a = &c->ev.addr;
	static const uint8_t zero[16];
	sa_family_t family;

	check_mem(c, arg, sa, len, what);
	memcpy(&family, sa, sizeof(family));
	ASSERT_EQ(a->family, family, "addr.family");
	switch (family) {
	case AF_INET: {
		const struct sockaddr_in *in = sa;

		ASSERT_EQ(a->port, ntohs(in->sin_port), "addr.port");
		ASSERT_TRUE(!memcmp(a->addr, &in->sin_addr, 4), "addr.addr: IPv4");
		ASSERT_TRUE(!memcmp(a->addr + 4, zero, 12), "addr.addr: the rest zero");
		ASSERT_STREQ(a->path, "", "addr.path");
		break;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = sa;

		ASSERT_EQ(a->port, ntohs(in6->sin6_port), "addr.port");
		ASSERT_TRUE(!memcmp(a->addr, &in6->sin6_addr, 16), "addr.addr: IPv6");
		ASSERT_STREQ(a->path, "", "addr.path");
		break;
	}
	case AF_UNIX: {
		const struct sockaddr_un *un = sa;

		ASSERT_EQ(a->port, 0, "addr.port");
		ASSERT_TRUE(!memcmp(a->addr, zero, 16), "addr.addr");
		ASSERT_STREQ(a->path, un->sun_path, "addr.path");
		break;
	}
	default:
		ASSERT_TRUE(false, "a known family");
	}
}

/* No socket address in the event. */
static void check_no_sa(const struct captured *c)
{
	const struct vg_sockaddr *a = &c->ev.addr;

	ASSERT_EQ(a->family, 0, "addr.family: none");
	ASSERT_EQ(a->port, 0, "addr.port: none");
	ASSERT_EQ(a->path[0], 0, "addr.path: none");
}

static int do_socket(void *arg)
{
	struct fix *f = arg;

	f->v[0] = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	CHECK(f->v[0] >= 3);
	f->v[1] = syscall(SYS_socket, AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(f->v[1] >= 3);
	f->v[2] = syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(f->v[2] >= 3);
	/* no such address family */
	FAILS(syscall(SYS_socket, 12345, SOCK_STREAM, 0), EAFNOSUPPORT);
	/* a stream socket over UDP */
	FAILS(syscall(SYS_socket, AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	return 0;
}

TEST(socket)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	r = fixture_run(do_socket);
	if (!r)
		return;
	c = find_arg(r, VG_SC_socket, 0, AF_INET, 0);
	if (check_ev_sa(c, r, fx->v[0], "socket(AF_INET) fd")) {
		ASSERT_EQ(c->ev.args[1], SOCK_STREAM, "type");
		ASSERT_EQ(c->ev.args[2], 0, "proto");
		check_no_sa(c);
	}
	c = find_arg(r, VG_SC_socket, 0, AF_INET6, 0);
	if (check_ev_sa(c, r, fx->v[1], "socket(AF_INET6) fd")) {
		ASSERT_EQ(c->ev.args[1], SOCK_DGRAM | SOCK_CLOEXEC, "type");
		ASSERT_EQ(c->ev.args[2], 0, "proto");
	}
	c = find_arg(r, VG_SC_socket, 0, AF_UNIX, 0);
	if (check_ev_sa(c, r, fx->v[2], "socket(AF_UNIX) fd")) {
		ASSERT_EQ(c->ev.args[1], SOCK_STREAM | SOCK_NONBLOCK, "type");
		ASSERT_EQ(c->ev.args[2], 0, "proto");
	}
	c = find_arg(r, VG_SC_socket, 0, 12345, 0);
	if (check_ev_sa(c, r, -EAFNOSUPPORT, "socket of an unknown family res")) {
		ASSERT_EQ(c->ev.args[1], SOCK_STREAM, "type");
		check_no_sa(c);
	}
	c = find_arg(r, VG_SC_socket, 0, AF_INET, 1);
	if (check_ev_sa(c, r, -EPROTONOSUPPORT, "socket(AF_INET, SOCK_STREAM, UDP) res")) {
		ASSERT_EQ(c->ev.args[1], SOCK_STREAM, "type");
		ASSERT_EQ(c->ev.args[2], IPPROTO_UDP, "proto");
	}
}

static int do_bind(void *arg)
{
	struct fix *f = arg;
	struct net_mem *m = mem();
	socklen_t ulen = sa_un(&m->un[0], f->p[0]);

	m->in[0] = sa_in("127.0.0.1", f->v[8]);
	m->in6[0] = sa_in6("::1", f->v[9]);
	f->v[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	f->v[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	f->v[2] = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	f->v[3] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	f->v[4] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(f->v[0] >= 0 && f->v[1] >= 0 && f->v[2] >= 0 && f->v[3] >= 0 && f->v[4] >= 0);
	CHECK(syscall(SYS_bind, f->v[0], &m->in[0], sizeof(m->in[0])) == 0);
	FAILS(syscall(SYS_bind, f->v[1], &m->in[0], sizeof(m->in[0])), EADDRINUSE);
	CHECK(syscall(SYS_bind, f->v[2], &m->in6[0], sizeof(m->in6[0])) == 0);
	CHECK(syscall(SYS_bind, f->v[3], &m->un[0], ulen) == 0);
	FAILS(syscall(SYS_bind, f->v[4], &m->un[0], ulen), EADDRINUSE);
	return 0;
}

TEST(bind)
{
	const struct net_mem *m;
	const struct captured *c;
	struct run *r;
	socklen_t ulen;

	if (!fixture())
		return;
	m = mem();
	fpath(0, "bind.sock");
	fx->v[8] = free_port(AF_INET);
	fx->v[9] = free_port(AF_INET6);
	if (!ASSERT_NEQ(fx->v[8], 0, "a free IPv4 port") ||
	    !ASSERT_NEQ(fx->v[9], 0, "a free IPv6 port"))
		return;
	r = fixture_run(do_bind);
	if (!r)
		return;
	c = find_sa(r, VG_SC_bind, AF_INET, fx->v[8], NULL, 0);
	if (check_ev_sa(c, r, 0, "bind 127.0.0.1 res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "fd");
		ASSERT_EQ(c->ev.args[1], PTR(&m->in[0]), "addr pointer");
		ASSERT_EQ(c->ev.args[2], sizeof(struct sockaddr_in), "addrlen");
		check_sa(c, 1, &m->in[0], sizeof(m->in[0]), "addr");
	}
	c = find_sa(r, VG_SC_bind, AF_INET, fx->v[8], NULL, 1);
	if (check_ev_sa(c, r, -EADDRINUSE, "bind to an address in use res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[1], "fd");
		check_sa(c, 1, &m->in[0], sizeof(m->in[0]), "addr");
	}
	c = find_sa(r, VG_SC_bind, AF_INET6, fx->v[9], NULL, 0);
	if (check_ev_sa(c, r, 0, "bind ::1 res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[2], "fd");
		ASSERT_EQ(c->ev.args[2], sizeof(struct sockaddr_in6), "addrlen");
		check_sa(c, 1, &m->in6[0], sizeof(m->in6[0]), "addr");
	}
	ulen = offsetof(struct sockaddr_un, sun_path) + strlen(fx->p[0]) + 1;
	c = find_sa(r, VG_SC_bind, AF_UNIX, 0, fx->p[0], 0);
	if (check_ev_sa(c, r, 0, "bind unix res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[3], "fd");
		ASSERT_EQ(c->ev.args[1], PTR(&m->un[0]), "addr pointer");
		ASSERT_EQ(c->ev.args[2], ulen, "addrlen");
		check_sa(c, 1, &m->un[0], ulen, "addr");
	}
	c = find_sa(r, VG_SC_bind, AF_UNIX, 0, fx->p[0], 1);
	if (check_ev_sa(c, r, -EADDRINUSE, "bind to a unix path in use res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[4], "fd");
		check_sa(c, 1, &m->un[0], ulen, "addr");
	}
}

static int do_listen(void *arg)
{
	struct fix *f = arg;
	struct sockaddr_in sa = sa_in("127.0.0.1", 0);

	f->v[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	f->v[1] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(f->v[0] >= 0 && f->v[1] >= 0);
	CHECK(bind(f->v[0], (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(syscall(SYS_listen, f->v[0], 7) == 0);
	FAILS(syscall(SYS_listen, 988, 1), EBADF);
	/* a datagram socket does not listen */
	FAILS(syscall(SYS_listen, f->v[1], 3), EOPNOTSUPP);
	return 0;
}

TEST(listen)
{
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	r = fixture_run(do_listen);
	if (!r)
		return;
	c = find_arg(r, VG_SC_listen, 0, fx->v[0], 0);
	if (check_ev_sa(c, r, 0, "listen res")) {
		ASSERT_EQ(c->ev.args[1], 7, "backlog");
		check_no_sa(c);
	}
	c = find_arg(r, VG_SC_listen, 0, 988, 0);
	if (check_ev_sa(c, r, -EBADF, "listen on a closed fd res"))
		ASSERT_EQ(c->ev.args[1], 1, "backlog");
	c = find_arg(r, VG_SC_listen, 0, fx->v[1], 0);
	if (check_ev_sa(c, r, -EOPNOTSUPP, "listen on a UDP socket res"))
		ASSERT_EQ(c->ev.args[1], 3, "backlog");
}

/* A listening socket on addr (its port 0: any), the bound address written
 * back into addr.
 */
static int listener(void *addr, socklen_t len)
{
	int s = socket(((struct sockaddr *)addr)->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || bind(s, addr, len) || listen(s, 8) || getsockname(s, addr, &len))
		return -1;
	return s;
}

static int do_connect(void *arg)
{
	struct fix *f = arg;
	struct net_mem *m = mem();
	socklen_t ulen = sa_un(&m->un[0], f->p[0]);
	int s;

	m->in[0] = sa_in("127.0.0.1", 0);
	CHECK(listener(&m->in[0], sizeof(m->in[0])) >= 0);
	f->v[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(syscall(SYS_connect, f->v[0], &m->in[0], sizeof(m->in[0])) == 0);

	m->in6[0] = sa_in6("::1", 0);
	CHECK(listener(&m->in6[0], sizeof(m->in6[0])) >= 0);
	f->v[1] = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(syscall(SYS_connect, f->v[1], &m->in6[0], sizeof(m->in6[0])) == 0);

	CHECK(listener(&m->un[0], ulen) >= 0);
	f->v[2] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(syscall(SYS_connect, f->v[2], &m->un[0], ulen) == 0);

	/* a bound port nobody listens on: refused */
	m->in[1] = sa_in("127.0.0.1", 0);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	m->len[0] = sizeof(m->in[1]);
	CHECK(s >= 0 && bind(s, (struct sockaddr *)&m->in[1], sizeof(m->in[1])) == 0);
	CHECK(getsockname(s, (struct sockaddr *)&m->in[1], &m->len[0]) == 0);
	f->v[3] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	FAILS(syscall(SYS_connect, f->v[3], &m->in[1], sizeof(m->in[1])), ECONNREFUSED);

	/* a unix path that does not exist */
	f->v[4] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ulen = sa_un(&m->un[1], f->p[1]);
	FAILS(syscall(SYS_connect, f->v[4], &m->un[1], ulen), ENOENT);
	return 0;
}

TEST(connect)
{
	const struct net_mem *m;
	const struct captured *c;
	struct run *r;
	socklen_t ulen;

	if (!fixture())
		return;
	m = mem();
	fpath(0, "connect.sock");
	fpath(1, "connect-missing.sock");
	r = fixture_run(do_connect);
	if (!r)
		return;
	c = find_sa(r, VG_SC_connect, AF_INET, ntohs(m->in[0].sin_port), NULL, 0);
	if (check_ev_sa(c, r, 0, "connect 127.0.0.1 res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "fd");
		ASSERT_EQ(c->ev.args[1], PTR(&m->in[0]), "addr pointer");
		ASSERT_EQ(c->ev.args[2], sizeof(struct sockaddr_in), "addrlen");
		check_sa(c, 1, &m->in[0], sizeof(m->in[0]), "addr");
	}
	c = find_sa(r, VG_SC_connect, AF_INET6, ntohs(m->in6[0].sin6_port), NULL, 0);
	if (check_ev_sa(c, r, 0, "connect ::1 res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[1], "fd");
		ASSERT_EQ(c->ev.args[2], sizeof(struct sockaddr_in6), "addrlen");
		check_sa(c, 1, &m->in6[0], sizeof(m->in6[0]), "addr");
	}
	ulen = offsetof(struct sockaddr_un, sun_path) + strlen(fx->p[0]) + 1;
	c = find_sa(r, VG_SC_connect, AF_UNIX, 0, fx->p[0], 0);
	if (check_ev_sa(c, r, 0, "connect unix res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[2], "fd");
		ASSERT_EQ(c->ev.args[2], ulen, "addrlen");
		check_sa(c, 1, &m->un[0], ulen, "addr");
	}
	c = find_sa(r, VG_SC_connect, AF_INET, ntohs(m->in[1].sin_port), NULL, 0);
	if (check_ev_sa(c, r, -ECONNREFUSED, "connect to a closed port res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[3], "fd");
		check_sa(c, 1, &m->in[1], sizeof(m->in[1]), "addr");
	}
	ulen = offsetof(struct sockaddr_un, sun_path) + strlen(fx->p[1]) + 1;
	c = find_sa(r, VG_SC_connect, AF_UNIX, 0, fx->p[1], 0);
	if (check_ev_sa(c, r, -ENOENT, "connect to a missing unix path res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[4], "fd");
		check_sa(c, 1, &m->un[1], ulen, "addr");
	}
}

/* A client connected to the listener at lsa; its own address into peer. */
static int client(const struct sockaddr_in *lsa, struct sockaddr_in *peer)
{
	socklen_t len = sizeof(*peer);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || connect(s, (const struct sockaddr *)lsa, sizeof(*lsa)) ||
	    getsockname(s, (struct sockaddr *)peer, &len))
		return -1;
	return s;
}

static int do_accept(void *arg)
{
	struct fix *f = arg;
	struct net_mem *m = mem();

	m->in[0] = sa_in("127.0.0.1", 0);
	f->v[0] = listener(&m->in[0], sizeof(m->in[0]));
	CHECK(f->v[0] >= 0);

	CHECK(client(&m->in[0], &m->in[1]) >= 0);
	m->len[0] = sizeof(m->in[2]);
	f->v[1] = syscall(SYS_accept, f->v[0], &m->in[2], &m->len[0]);
	CHECK(f->v[1] >= 0 && m->len[0] == sizeof(m->in[2]));

	CHECK(client(&m->in[0], &m->in[3]) >= 0);
	m->len[1] = sizeof(m->in[4]);
	f->v[2] = syscall(SYS_accept4, f->v[0], &m->in[4], &m->len[1], SOCK_CLOEXEC);
	CHECK(f->v[2] >= 0 && (fcntl(f->v[2], F_GETFD) & FD_CLOEXEC));

	/* no address asked for */
	CHECK(client(&m->in[0], &m->in[5]) >= 0);
	f->v[3] = syscall(SYS_accept4, f->v[0], NULL, NULL, SOCK_NONBLOCK);
	CHECK(f->v[3] >= 0);

	/* a socket that is not listening */
	f->v[4] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	m->len[2] = sizeof(m->in[6]);
	FAILS(syscall(SYS_accept, f->v[4], &m->in[6], &m->len[2]), EINVAL);
	/* a flag accept4 does not know */
	m->len[3] = sizeof(m->in[7]);
	FAILS(syscall(SYS_accept4, f->v[0], &m->in[7], &m->len[3], 0x1), EINVAL);
	return 0;
}

TEST(accept)
{
	const struct net_mem *m;
	const struct captured *c;
	struct run *r;

	if (!fixture())
		return;
	m = mem();
	r = fixture_run(do_accept);
	if (!r)
		return;
	/* the peer's address, as the kernel wrote it */
	c = find_event(r, VG_SC_accept, 0, 0);
	if (check_ev_sa(c, r, fx->v[1], "accept fd")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "fd");
		ASSERT_EQ(c->ev.args[1], PTR(&m->in[2]), "addr pointer");
		ASSERT_EQ(c->ev.args[2], PTR(&m->len[0]), "addrlen pointer");
		check_sa(c, 1, &m->in[1], sizeof(m->in[1]), "addr: the client's");
	}
	c = find_arg(r, VG_SC_accept4, 3, SOCK_CLOEXEC, 0);
	if (check_ev_sa(c, r, fx->v[2], "accept4 fd")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "fd");
		ASSERT_EQ(c->ev.args[1], PTR(&m->in[4]), "addr pointer");
		ASSERT_EQ(c->ev.args[2], PTR(&m->len[1]), "addrlen pointer");
		ASSERT_EQ(c->ev.args[3], SOCK_CLOEXEC, "flags");
		check_sa(c, 1, &m->in[3], sizeof(m->in[3]), "addr: the client's");
	}
	c = find_arg(r, VG_SC_accept4, 3, SOCK_NONBLOCK, 0);
	if (check_ev_sa(c, r, fx->v[3], "accept4 without an address fd")) {
		ASSERT_EQ(c->ev.args[1], 0, "addr");
		ASSERT_EQ(c->ev.args[2], 0, "addrlen");
		check_mem(c, 1, NULL, 0, "addr: none");
		check_no_sa(c);
	}
	c = find_event(r, VG_SC_accept, 0, 1);
	if (check_ev_sa(c, r, -EINVAL, "accept on a socket not listening res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[4], "fd");
		ASSERT_EQ(c->ev.args[1], PTR(&m->in[6]), "addr pointer");
		check_mem(c, 1, NULL, 0, "addr: not copied on failure");
		check_no_sa(c);
	}
	c = find_arg(r, VG_SC_accept4, 3, 0x1, 0);
	if (check_ev_sa(c, r, -EINVAL, "accept4 with an unknown flag res")) {
		ASSERT_EQ(c->ev.args[0], fx->v[0], "fd");
		check_mem(c, 1, NULL, 0, "addr: not copied on failure");
		check_no_sa(c);
	}
}

static int do_socketpair(void *arg)
{
	struct fix *f = arg;
	struct net_mem *m = mem();

	CHECK(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, m->sv[0]) == 0);
	/* what the child got, reported through the shared fixture */
	f->v[0] = m->sv[0][0];
	f->v[1] = m->sv[0][1];
	CHECK(f->v[0] >= 3 && f->v[1] >= 3 && f->v[0] != f->v[1]);
	m->sv[1][0] = m->sv[1][1] = -1;
	FAILS(syscall(SYS_socketpair, AF_INET, SOCK_STREAM, 0, m->sv[1]), EOPNOTSUPP);
	return 0;
}

TEST(socketpair)
{
	const struct net_mem *m;
	const struct captured *c;
	struct run *r;
	int fds[2];

	if (!fixture())
		return;
	m = mem();
	r = fixture_run(do_socketpair);
	if (!r)
		return;
	c = find_arg(r, VG_SC_socketpair, 0, AF_UNIX, 0);
	if (check_ev_sa(c, r, 0, "socketpair res")) {
		ASSERT_EQ(c->ev.args[1], SOCK_STREAM | SOCK_CLOEXEC, "type");
		ASSERT_EQ(c->ev.args[2], 0, "proto");
		ASSERT_EQ(c->ev.args[3], PTR(m->sv[0]), "fds pointer");
		fds[0] = fx->v[0];
		fds[1] = fx->v[1];
		check_mem(c, 3, fds, sizeof(fds), "fds: the two the child got");
		check_no_sa(c);
	}
	c = find_arg(r, VG_SC_socketpair, 0, AF_INET, 0);
	if (check_ev_sa(c, r, -EOPNOTSUPP, "socketpair(AF_INET) res")) {
		ASSERT_EQ(c->ev.args[1], SOCK_STREAM, "type");
		ASSERT_EQ(c->ev.args[3], PTR(m->sv[1]), "fds pointer");
		check_mem(c, 3, NULL, 0, "fds: not copied on failure");
	}
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fixture the syscall capture tests share: a temp directory and a
 * MAP_SHARED block the traced child passes its arguments from and reports
 * back through, the CHECK/FAILS macros for the child, and the checks of the
 * fields every captured event carries.
 */
#ifndef VIGIL_CAPTURE_FIXTURE_H
#define VIGIL_CAPTURE_FIXTURE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "capture_util.h"

/* Shared with the traced child (MAP_SHARED): the paths and strings it
 * passes, so their pointers and contents are known here, and what it
 * reports back.
 */
struct fix {
	char dir[64];
	char p[8][256];
	long v[16];
	unsigned char buf[1024] __attribute__((aligned(16))); /* structs passed by pointer */
	int line, err; /* a child's unexpected result: source line and errno */
};

/* Who an event should come from. */
struct who {
	pid_t pid, tid;
	uint32_t uid, gid;
	const char *comm;
};

extern struct fix *fx;		/* the shared fixture, mapped by the first fixture() */
extern int64_t t_start, t_end;	/* CLOCK_REALTIME ns around the last fixture run */
extern char comm_want[16];	/* the test process's comm, which the child keeps */

/* In the child: record where an expectation failed and exit nonzero. */
#define CHECK(cond)                                  \
	do {                                         \
		if (!(cond)) {                       \
			fx->line = __LINE__;         \
			fx->err = errno;             \
			return 1;                    \
		}                                    \
	} while (0)
/* A syscall failed with exactly this errno. */
#define FAILS(call, e) CHECK((call) == -1 && errno == (e))

/* A pointer as the u64 an event argument holds. */
#define PTR(p) ((uint64_t)(uintptr_t)(p))

/* Capture open, a fresh temp directory and a zeroed fx; NULL (skipped or failed) otherwise. */
struct fix *fixture(void);
/* fx->p[i] = the temp directory + "/" + name; returns fx->p[i]. */
char *fpath(int i, const char *name);
/* fx->p[i] = name, a bare relative name; returns fx->p[i]. */
char *fname(int i, const char *name);
/* Run fn(fx) in a traced child, then remove the temp directory; NULL unless the child's wait
 * status is want_status.
 */
struct run *fixture_run_status(int (*fn)(void *arg), int want_status);
/* fixture_run_status(fn, 0): the child returned 0. */
struct run *fixture_run(int (*fn)(void *arg));

/* The nth event of type whose argument i, as an int, is val, or NULL. */
const struct captured *find_arg(const struct run *r, int type, int i, int val, int nth);
/* Asserts c is found (false if not), from w, with result res: the fields every event carries,
 * no sockaddr, fork and exit fields only on their records, no blob beyond its memory arguments.
 */
bool check_ev_who(const struct captured *c, const struct who *w, long long res, const char *what);
/* check_ev_who() for an event of the traced child itself, as root, under comm_want, no exec. */
bool check_ev(const struct captured *c, const struct run *r, long long res, const char *what);
/* check_ev(), the sockaddr left to the caller to check. */
bool check_ev_sa(const struct captured *c, const struct run *r, long long res, const char *what);
/* Argument arg's string blob is s, whole. */
void check_str(const struct captured *c, int arg, const char *s, const char *what);
/* Argument arg's memory blob holds exactly len bytes equal to mem. */
void check_mem(const struct captured *c, int arg, const void *mem, size_t len, const char *what);

#endif /* VIGIL_CAPTURE_FIXTURE_H */

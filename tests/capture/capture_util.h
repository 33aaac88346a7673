/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for the capture tests: run a function in a child process that
 * the eBPF backend follows (vigil never captures itself), collect every event
 * of that child and its descendants, and find them again by type.
 */
#ifndef VIGIL_CAPTURE_UTIL_H
#define VIGIL_CAPTURE_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "test.h"
#include "userspace/capture/capture.h"

#define CAPTURED_MAX 4096 /* events kept per run */

/* An event copied out of the ring buffer (its strings owned here). */
struct captured {
	struct vg_event ev;
	char *blob[VG_MAX_BLOBS]; /* NUL-terminated copies of ev.blob[] */
	char *exe, *cwd;	  /* exec: copies of ev.exec.exe / cwd */
};

struct run {
	pid_t pid;   /* the child */
	int status;  /* its wait status */
	int n;
	struct captured ev[CAPTURED_MAX];
};

/* Skip (with the reason) unless eBPF capture can be opened; opened once. */
bool capture_ready(void);
/* Fork, follow the child, run fn(arg) in it (its return value is the exit
 * code), wait for it and collect its events. Returns NULL on setup failure.
 * The run is valid until the next call.
 */
struct run *run_traced(int (*fn)(void *arg), void *arg);
/* The nth (0-based) event of type in run from pid (0: any), or NULL. */
const struct captured *find_event(const struct run *r, int type, pid_t pid, int nth);
/* The first event of type whose first path/string blob equals s. */
const struct captured *find_event_str(const struct run *r, int type, const char *s);
/* Blob of argument arg as a C string ("" when absent). */
const char *arg_str(const struct captured *c, int arg);

#endif /* VIGIL_CAPTURE_UTIL_H */

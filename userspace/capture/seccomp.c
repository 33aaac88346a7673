// SPDX-License-Identifier: Apache-2.0
/*
 * A classic BPF seccomp filter, built by hand from the syscall table: check
 * the architecture, then find the syscall number in a sorted set with a
 * binary tree of jumps. Only x86-64 numbers are traced; other ABIs (ia32)
 * pass untouched, as they do in the eBPF backend.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "seccomp.h"
#include "../events/syscalls.h"

#define ARCH_NATIVE AUDIT_ARCH_X86_64

struct builder {
	struct sock_filter *insns;
	int len;
	int trace_at; /* index of the RET_TRACE instruction, emitted last */
	int allow_at; /* index of the RET_ALLOW instruction */
};


static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Jumps of cBPF are forward and 8 bits wide, so the tree is laid out in
 * order and each leaf jumps to the shared return instructions at the end,
 * placed by patch() once their offsets are known.
 */
struct fixup {
	int at;	   /* instruction to patch */
	bool jt;   /* patch its true branch (else the false one) */
	bool to_trace;
};

static struct fixup fixups[VG_SECCOMP_MAX_INSNS];
static int nfixups;

static int emit(struct builder *b, struct sock_filter insn)
{
	if (b->len >= VG_SECCOMP_MAX_INSNS - 3)
		return -E2BIG;
	b->insns[b->len] = insn;
	return b->len++;
}

/* nrs[lo..hi) sorted: accumulator holds the syscall number. */
static int tree(struct builder *b, const int *nrs, int lo, int hi)
{
	int mid, at, err;

	if (hi - lo <= 2) {
		/* leaves: one equality test each, then allow */
		for (int i = lo; i < hi; i++) {
			at = emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nrs[i], 0, 0));
			if (at < 0)
				return at;
			fixups[nfixups++] = (struct fixup){ at, true, true };
		}
		at = emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0));
		if (at < 0)
			return at;
		fixups[nfixups++] = (struct fixup){ at, false, false };
		return 0;
	}
	mid = lo + (hi - lo) / 2;
	/* nr >= nrs[mid] ? right half : left half (the left half follows) */
	at = emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, nrs[mid], 0, 0));
	if (at < 0)
		return at;
	err = tree(b, nrs, lo, mid);
	if (err)
		return err;
	if (b->len - at - 1 > 255)
		return -E2BIG;
	b->insns[at].jt = b->len - at - 1;
	return tree(b, nrs, mid, hi);
}

int vg_seccomp_build(const bool *interest, struct sock_filter *insns)
{
	struct builder b = { .insns = insns };
	int nrs[VG_SC_COUNT], n = 0, err;

	for (int t = 0; t < VG_SC_COUNT; t++)
		if ((!interest || interest[t]) && vg_syscalls[t].nr >= 0)
			nrs[n++] = vg_syscalls[t].nr;
	qsort(nrs, n, sizeof(nrs[0]), cmp_int);
	nfixups = 0;

	emit(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch)));
	emit(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_NATIVE, 1, 0));
	fixups[nfixups++] = (struct fixup){ emit(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
										     0, 0, 0)),
					    false, false };
	emit(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr)));
	/* x32 numbers carry bit 30: they are not native x86-64 calls */
	emit(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
	fixups[nfixups++] = (struct fixup){ emit(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
										     0, 0, 0)),
					    false, false };
	if (n) {
		err = tree(&b, nrs, 0, n);
		if (err)
			return err;
	}
	b.allow_at = b.len;
	insns[b.len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	b.trace_at = b.len;
	insns[b.len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);

	for (int i = 0; i < nfixups; i++) {
		struct fixup *f = &fixups[i];
		int target = f->to_trace ? b.trace_at : b.allow_at;
		int off = target - f->at - 1;

		if (BPF_OP(insns[f->at].code) == BPF_JA) {
			insns[f->at].k = off; /* ja takes a 32-bit offset */
			continue;
		}
		if (off > 255)
			return -E2BIG;
		if (f->jt)
			insns[f->at].jt = off;
		else
			insns[f->at].jf = off;
	}
	return b.len;
}

int vg_seccomp_install(const struct sock_filter *insns, int len)
{
	struct sock_fprog prog = { .len = len, .filter = (struct sock_filter *)insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return -errno;
	return 0;
}

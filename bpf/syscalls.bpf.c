// SPDX-License-Identifier: GPL-2.0
/*
 * raw_syscalls:sys_exit: one record per syscall of interest, emitted when it
 * returns. The argument registers are still in pt_regs at exit, so there is
 * no map of pending arguments on the hot path: an uninteresting syscall
 * costs one array read, an out-of-scope one a scope check more. What user
 * memory to copy comes from sc_spec (events.h). There is no enter program:
 * on x86 it would cost ~35 ns on every syscall of the host.
 */
#include "vigil.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define __USER32_CS 0x23 /* x86: a compat (ia32) syscall, numbered differently */

/* Copy what one blob spec asks for to buf + off; returns the blob length
 * with its VG_BLOB_* flags. The caller advances off by the length proper.
 */
static __noinline __u16 copy_blob(struct vg_scratch *s, __u32 off, const struct vg_blob_spec *b,
				  const __u64 *args, long ret)
{
	char *dst = s->buf + (off & VG_OFF_MASK);
	__u32 max = b->max;
	const void *ptr;
	long n;

	if (max > VG_STR_MAX)
		max = VG_STR_MAX;
	if (b->when == VG_W_OK && ret < 0)
		return 0;
	if (b->when == VG_W_FAIL && ret >= 0)
		return 0;
	if (b->arg >= 6 || b->aux >= 6 || max == 0)
		return 0;
	ptr = (const void *)args[b->arg & 7];
	if (!ptr)
		return 0;

	switch (b->kind) {
	case VG_B_STR:
		/* one byte more than kept, so that a string of exactly max - 1
		 * bytes (a PATH_MAX path) is not taken for a cut one
		 */
		n = bpf_probe_read_user_str(dst, max + 1, ptr);
		if (n <= 0)
			return VG_BLOB_FAULT;
		if (n > max) /* n counts the NUL: the string went on */
			return max | VG_BLOB_TRUNC;
		return n - 1;
	case VG_B_SOCKADDR:
	case VG_B_MEM_LEN: {
		__u64 len = args[b->aux & 7];
		__u16 trunc = 0;

		if (len > max) {
			len = max;
			trunc = VG_BLOB_TRUNC;
		}
		if (len == 0)
			return 0;
		if (bpf_probe_read_user(dst, len & (VG_STR_MAX * 2 - 1), ptr))
			return VG_BLOB_FAULT;
		return len | trunc;
	}
	case VG_B_SOCKADDR_OUT: {
		const void *lenp = (const void *)args[b->aux & 7];
		__u32 len = 0;
		__u16 trunc = 0;

		if (!lenp || bpf_probe_read_user(&len, sizeof(len), lenp))
			return VG_BLOB_FAULT;
		if (len > max) {
			len = max;
			trunc = VG_BLOB_TRUNC;
		}
		if (len == 0)
			return 0;
		if (bpf_probe_read_user(dst, len & (VG_STR_MAX * 2 - 1), ptr))
			return VG_BLOB_FAULT;
		return len | trunc;
	}
	case VG_B_MEM:
		if (bpf_probe_read_user(dst, max, ptr))
			return VG_BLOB_FAULT;
		return max;
	case VG_B_ARGV: {
		/* NUL-separated arguments, as in /proc/PID/cmdline */
		__u32 pos = 0;

		for (int i = 0; i < VG_ARGV_MAX_ARGS; i++) {
			const char *arg = NULL;

			if (bpf_probe_read_user(&arg, sizeof(arg), (const char *const *)ptr + i))
				return pos | VG_BLOB_FAULT;
			if (!arg) /* the last NUL is not part of the blob */
				return pos ? pos - 1 : 0;
			if (pos >= max)
				return pos | VG_BLOB_TRUNC;
			n = bpf_probe_read_user_str(dst + (pos & (VG_STR_MAX - 1)),
						    (max - pos) & (VG_STR_MAX * 2 - 1), arg);
			if (n <= 0)
				return pos | VG_BLOB_FAULT;
			pos += n;
			if (pos >= max)
				return (max - 1) | VG_BLOB_TRUNC;
		}
		return pos | VG_BLOB_TRUNC;
	}
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task;
	struct vg_sc_spec *spec;
	struct vg_scratch *s;
	struct vg_rec *r;
	__u32 nr, off;
	__u64 tgid;

	nr = (__u32)regs->orig_ax;
	if (nr >= VG_NR_MAX)
		return 0;
	spec = &sc_spec[nr];
	if (!spec->interest)
		return 0;
	if (ret == 0 && spec->skip_zero)
		return 0;
	if (regs->cs == __USER32_CS)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	task = (struct task_struct *)bpf_get_current_task();
	if (!vg_in_scope(task, tgid))
		return 0;

	s = vg_scratch_get();
	if (!s)
		return 0;
	r = (struct vg_rec *)s->buf;
	vg_rec_init(r, VG_K_SYSCALL, nr);
	r->ret = ret;
	r->args[0] = regs->di;
	r->args[1] = regs->si;
	r->args[2] = regs->dx;
	r->args[3] = regs->r10;
	r->args[4] = regs->r8;
	r->args[5] = regs->r9;
	r->args[6] = 0;
	r->args[7] = 0;

	off = sizeof(*r);
#pragma unroll
	for (int i = 0; i < VG_MAX_BLOBS; i++) {
		__u16 len = 0;

		r->blob[i].off = off;
		if (i < spec->nblobs && spec->blob[i].kind != VG_B_NONE)
			len = copy_blob(s, off, &spec->blob[i], r->args, ret);
		r->blob[i].len = len;
		off += len & VG_BLOB_LEN_MASK; /* each <= VG_STR_MAX: no overflow */
	}
	vg_submit(s, off, VG_DROP_SYSCALL);
	return 0;
}

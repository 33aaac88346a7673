/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps, load-time knobs and small helpers shared by every vigil BPF program.
 * The .bpf.c files are linked into one object (bpftool gen object), so each
 * definition here is __weak: the linker keeps one copy.
 */
#ifndef VIGIL_BPF_H
#define VIGIL_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "events.h"

/* One record is built here, then copied into the ring buffer with its real
 * length. Offsets into buf are masked with VG_OFF_MASK so the verifier can
 * bound every write; the area is large enough for the largest masked offset
 * plus the largest single copy.
 */
#define VG_OFF_MASK (16384 - 1)
#define VG_SCRATCH (16384 + 2 * VG_STR_MAX)
#define VG_PATH_WIN (VG_STR_MAX + 256)

struct vg_scratch {
	char buf[VG_SCRATCH];
	char path[VG_PATH_WIN]; /* a path built backwards from its end */
	/* where the path starts. Kept in map memory, not a register, so the
	 * verifier sees an unknown value on each walk step and prunes states
	 * instead of following every position separately.
	 */
	__u32 path_pos;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_scratch);
} scratch SEC(".maps") __weak;

/* Sized from userspace with bpf_map__set_max_entries() before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps") __weak;

/* Processes (tgid) whose syscalls are captured in VG_SCOPE_TREE. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_DROP_NR);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps") __weak;

/* Load-time knobs, set through the skeleton's rodata before load. */
const volatile __u32 scope __weak = VG_SCOPE_HOST;
const volatile __u64 target_cgid __weak = 0;
const volatile __u32 self_tgid __weak = 0;
const volatile __u32 wakeup_bytes __weak = 1 << 20; /* wake the consumer past this backlog */

/* Per-syscall interest and capture spec, written by userspace (mmap'ed .bss),
 * so the interest set can change while attached.
 */
struct vg_sc_spec sc_spec[VG_NR_MAX] __weak;

static __always_inline void vg_count_drop(__u32 what)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &what);

	if (n)
		*n += 1;
}

/* The cgroup v2 node of the current task and its ancestors, compared by id.
 * kernfs_node.parent became __parent in 6.15: both spellings are relocated.
 */
struct kernfs_node___pre615 {
	struct kernfs_node *parent;
};

static __always_inline bool vg_in_cgroup(struct task_struct *task)
{
	struct kernfs_node *kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);

	for (int i = 0; i < 16 && kn; i++) {
		if (BPF_CORE_READ(kn, id) == target_cgid)
			return true;
		if (bpf_core_field_exists(struct kernfs_node___pre615, parent))
			kn = BPF_CORE_READ((struct kernfs_node___pre615 *)kn, parent);
		else
			kn = BPF_CORE_READ(kn, __parent);
	}
	return false;
}

static __always_inline bool vg_in_scope(struct task_struct *task, __u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (scope == VG_SCOPE_HOST)
		return true;
	if (scope == VG_SCOPE_CGROUP)
		return vg_in_cgroup(task);
	return bpf_map_lookup_elem(&tracked, &tgid) != NULL;
}

/* Wake the consumer only when a backlog builds up: it polls on its own. */
static __always_inline __u64 vg_rb_flags(void)
{
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline struct vg_scratch *vg_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

/* Fill the common part of a record for the current task. */
static __always_inline void vg_rec_init(struct vg_rec *r, __u16 kind, __u16 nr)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 ugid = bpf_get_current_uid_gid();

	r->ts_ns = bpf_ktime_get_ns();
	r->kind = kind;
	r->nr = nr;
	r->tid = (__u32)pid_tgid;
	r->tgid = pid_tgid >> 32;
	r->uid = (__u32)ugid;
	r->gid = ugid >> 32;
	r->ret = 0;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
#pragma unroll
	for (int i = 0; i < VG_MAX_BLOBS; i++) {
		r->blob[i].off = sizeof(*r);
		r->blob[i].len = 0;
	}
}

static __always_inline void vg_submit(struct vg_scratch *s, __u32 size, __u32 drop_kind)
{
	if (size > VG_REC_MAX)
		size = VG_REC_MAX;
	if (size < sizeof(struct vg_rec))
		size = sizeof(struct vg_rec);
	((struct vg_rec *)s->buf)->size = size;
	if (bpf_ringbuf_output(&events, s->buf, size, vg_rb_flags()))
		vg_count_drop(drop_kind);
}

#endif /* VIGIL_BPF_H */

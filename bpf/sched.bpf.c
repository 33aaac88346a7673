// SPDX-License-Identifier: GPL-2.0
/*
 * Process lifecycle from the sched tracepoints: fork (and following the
 * tracked process tree into children), exec (the new image's filename, argv,
 * executable and working directory, resolved in the kernel while they are
 * still there) and exit.
 */
#include "vigil.bpf.h"

#define PATH_PSEUDO 0x10000 /* copy_path: a file with no place in any tree */

/* Build the path of @path into s->path, walking up to the task's @root and
 * across mounts, then copy it to s->buf + off. Returns the blob length with
 * VG_BLOB_TRUNC when the walk stopped early, and PATH_PSEUDO for a memfd or
 * another pseudo file, whose name is all there is.
 */
static __noinline __u32 copy_path(struct vg_scratch *s, __u32 off, const struct path *path,
				  const struct path *root)
{
	struct dentry *root_d = BPF_CORE_READ(root, dentry);
	struct vfsmount *root_m = BPF_CORE_READ(root, mnt);
	struct vfsmount *vm = BPF_CORE_READ(path, mnt);
	struct dentry *d = BPF_CORE_READ(path, dentry);
	struct mount *m = container_of(vm, struct mount, mnt);
	__u32 flags = VG_BLOB_TRUNC; /* cleared when the walk reaches a root */
	__u32 pos, len;

	s->path_pos = VG_STR_MAX; /* the path grows backwards from here */
	for (int i = 0; i < VG_PATH_DEPTH; i++) {
		struct dentry *mnt_root = BPF_CORE_READ(vm, mnt_root);
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		struct qstr name;

		if (d == root_d && vm == root_m) {
			flags = 0;
			break;
		}
		if (d == mnt_root) {
			struct mount *mp = BPF_CORE_READ(m, mnt_parent);

			if (mp == m) { /* the root of the mount tree */
				flags = 0;
				break;
			}
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = mp;
			vm = (struct vfsmount *)((char *)mp + bpf_core_field_offset(struct mount, mnt));
			continue;
		}
		name = BPF_CORE_READ(d, d_name);
		pos = s->path_pos;
		len = name.len;
		if (len > 255 || len + 1 >= pos)
			break;
		pos -= len;
		bpf_probe_read_kernel(s->path + (pos & (VG_STR_MAX - 1)), len & 255, name.name);
		if (d == parent) { /* a pseudo file: its name is all there is */
			s->path_pos = pos;
			flags = PATH_PSEUDO;
			break;
		}
		pos -= 1;
		s->path[pos & (VG_STR_MAX - 1)] = '/';
		s->path_pos = pos;
		d = parent;
	}
	pos = s->path_pos;
	if (pos >= VG_STR_MAX) { /* the root itself */
		pos = VG_STR_MAX - 1;
		s->path[pos] = '/';
	}
	len = (VG_STR_MAX - pos) & (VG_STR_MAX - 1);
	bpf_probe_read_kernel(s->buf + (off & VG_OFF_MASK), len, s->path + (pos & (VG_STR_MAX - 1)));
	return len | flags;
}

/* A device number as userspace sees it (new_encode_dev). */
static __always_inline __u32 encode_dev(__u32 major, __u32 minor)
{
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline __u32 tty_of(struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	__u32 major, minor;

	if (!tty)
		return 0;
	major = BPF_CORE_READ(tty, driver, major);
	minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	return encode_dev(major, minor);
}

static __always_inline __u32 pid_of_type(struct task_struct *task, enum pid_type type)
{
	struct pid *pid = BPF_CORE_READ(task, signal, pids[type]);

	return pid ? BPF_CORE_READ(pid, numbers[0].nr) : 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	unsigned long arg_start, arg_end;
	const struct cred *cred;
	struct vg_scratch *s;
	struct vg_rec *r;
	struct fs_struct *fs;
	struct file *exe;
	__u32 off, len, res;
	__u16 trunc;
	long n;

	if (!vg_in_scope(task, tgid))
		return 0;
	s = vg_scratch_get();
	if (!s)
		return 0;
	r = (struct vg_rec *)s->buf;
	vg_rec_init(r, VG_K_EXEC, 0);
	__builtin_memset(&r->exec, 0, sizeof(r->exec));

	cred = BPF_CORE_READ(task, cred);
	r->exec.old_tid = old_pid;
	r->exec.ppid = BPF_CORE_READ(task, real_parent, tgid);
	r->exec.loginuid = bpf_core_field_exists(task->loginuid) ? BPF_CORE_READ(task, loginuid.val)
								 : (__u32)-1;
	r->exec.tty = tty_of(task);
	r->exec.sid = pid_of_type(task, PIDTYPE_SID);
	r->exec.pgid = pid_of_type(task, PIDTYPE_PGID);
	r->exec.euid = BPF_CORE_READ(cred, euid.val);
	r->exec.egid = BPF_CORE_READ(cred, egid.val);
	/* kernel_cap_t is u32[2] before 6.3 and u64 after: 8 bytes either way */
	bpf_core_read(&r->exec.cap_effective, 8, &cred->cap_effective);
	bpf_core_read(&r->exec.cap_permitted, 8, &cred->cap_permitted);
	r->exec.start_ns = BPF_CORE_READ(task, group_leader, start_time);

	/* filename as the caller gave it (/dev/fd/N/... for execveat on a dirfd) */
	off = sizeof(*r);
	r->blob[VG_EXEC_BLOB_FILENAME].off = off;
	n = bpf_probe_read_kernel_str(s->buf + off, VG_STR_MAX, BPF_CORE_READ(bprm, filename));
	len = n > 0 ? n - 1 : 0;
	r->blob[VG_EXEC_BLOB_FILENAME].len = n > 0 ? (len | (n == VG_STR_MAX ? VG_BLOB_TRUNC : 0))
						   : VG_BLOB_FAULT;
	off += len & (VG_STR_MAX - 1);

	/* argv of the new image: NUL-separated on its stack */
	arg_start = BPF_CORE_READ(task, mm, arg_start);
	arg_end = BPF_CORE_READ(task, mm, arg_end);
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	trunc = 0;
	if (len > VG_ARGV_MAX) {
		len = VG_ARGV_MAX;
		trunc = VG_BLOB_TRUNC;
	}
	r->blob[VG_EXEC_BLOB_ARGV].off = off;
	/* clang may drop a mask it can prove useless; the verifier needs it */
	asm volatile("%[len] &= 0x1fff" : [len] "+r"(len));
	if (len && bpf_probe_read_user(s->buf + (off & VG_OFF_MASK), len, (const void *)arg_start)) {
		len = 0;
		trunc = VG_BLOB_FAULT;
	}
	/* drop the last argument's NUL: blobs carry none at their end */
	if (len && !trunc && s->buf[(off + len - 1) & VG_OFF_MASK] == 0)
		len--;
	r->blob[VG_EXEC_BLOB_ARGV].len = len | trunc;
	off += len & (VG_STR_MAX * 2 - 1);

	exe = BPF_CORE_READ(bprm, file);
	fs = BPF_CORE_READ(task, fs);
	r->blob[VG_EXEC_BLOB_EXE].off = off;
	res = copy_path(s, off, &exe->f_path, &fs->root);
	r->blob[VG_EXEC_BLOB_EXE].len = res;
	off += res & (VG_STR_MAX - 1);
	if (res & PATH_PSEUDO)
		r->exec.flags |= VG_EXEC_F_EXE_MEMFD;

	r->blob[VG_EXEC_BLOB_CWD].off = off;
	res = copy_path(s, off, &fs->pwd, &fs->root);
	r->blob[VG_EXEC_BLOB_CWD].len = res;
	off += res & (VG_STR_MAX - 1);
	if ((r->blob[VG_EXEC_BLOB_EXE].len | r->blob[VG_EXEC_BLOB_CWD].len) & VG_BLOB_TRUNC)
		r->exec.flags |= VG_EXEC_F_EXE_TRUNC;

	vg_submit(s, off, VG_DROP_PROC);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct vg_scratch *s;
	struct vg_rec *r;

	if (ptgid == self_tgid)
		return 0;
	if (scope == VG_SCOPE_TREE) {
		__u8 one = 1;

		if (!bpf_map_lookup_elem(&tracked, &ptgid))
			return 0;
		if (ctgid != ptgid && bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY))
			vg_count_drop(VG_DROP_TREE);
	} else if (!vg_in_scope(parent, ptgid)) {
		return 0;
	}

	s = vg_scratch_get();
	if (!s)
		return 0;
	r = (struct vg_rec *)s->buf;
	vg_rec_init(r, VG_K_FORK, 0);
	__builtin_memset(&r->fork, 0, sizeof(r->fork));
	r->tid = child->pid;
	r->tgid = ctgid;
	bpf_probe_read_kernel_str(r->comm, sizeof(r->comm), child->comm);
	r->fork.parent_tid = parent->pid;
	r->fork.parent_tgid = ptgid;
	r->fork.is_thread = ctgid == ptgid;
	r->fork.start_ns = child->start_time;
	vg_submit(s, sizeof(*r), VG_DROP_PROC);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *p)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct vg_scratch *s;
	struct vg_rec *r;
	bool group_dead;

	if (!vg_in_scope(task, tgid))
		return 0;
	group_dead = BPF_CORE_READ(task, signal, live.counter) == 0;
	if (group_dead && scope == VG_SCOPE_TREE)
		bpf_map_delete_elem(&tracked, &tgid);

	s = vg_scratch_get();
	if (!s)
		return 0;
	r = (struct vg_rec *)s->buf;
	vg_rec_init(r, VG_K_EXIT, 0);
	__builtin_memset(&r->exit, 0, sizeof(r->exit));
	r->exit.exit_code = BPF_CORE_READ(task, exit_code);
	r->exit.group_dead = group_dead;
	vg_submit(s, sizeof(*r), VG_DROP_PROC);
	return 0;
}

// SPDX-License-Identifier: Apache-2.0
/*
 * Flag and enumeration tables. Values are the native Linux ones; names are
 * those Falco's rules test (O_TRUNC, AF_PACKET, PTRACE_ATTACH ...).
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/memfd.h>
#include <linux/module.h>

#include "flags.h"

struct vg_name {
	uint64_t value;
	const char *name;
};

#define N(x) { (uint64_t)(x), #x }
#define END { 0, NULL }

static const struct vg_name open_flags[] = {
	N(O_CREAT), N(O_EXCL), N(O_NOCTTY), N(O_TRUNC), N(O_APPEND), N(O_NONBLOCK), N(O_DSYNC),
	N(FASYNC), N(O_DIRECT), N(O_LARGEFILE), N(O_DIRECTORY), N(O_NOFOLLOW), N(O_NOATIME),
	N(O_CLOEXEC), N(O_PATH),
	/* the bits O_SYNC and O_TMPFILE add to O_DSYNC and O_DIRECTORY (asm-generic/fcntl.h) */
	{ 04000000, "O_SYNC" }, { 020000000, "O_TMPFILE" }, END,
};

static const struct vg_name at_flags[] = {
	N(AT_SYMLINK_NOFOLLOW), N(AT_REMOVEDIR), N(AT_SYMLINK_FOLLOW), N(AT_NO_AUTOMOUNT),
	N(AT_EMPTY_PATH), { 0x800, "AT_STATX_FORCE_SYNC" }, { 0x4000, "AT_STATX_DONT_SYNC" },
	{ 0x8000, "AT_RECURSIVE" }, END,
};

static const struct vg_name clone_flags[] = {
	N(CLONE_VM), N(CLONE_FS), N(CLONE_FILES), N(CLONE_SIGHAND), N(CLONE_PIDFD),
	N(CLONE_PTRACE), N(CLONE_VFORK), N(CLONE_PARENT), N(CLONE_THREAD), N(CLONE_NEWNS),
	N(CLONE_SYSVSEM), N(CLONE_SETTLS), N(CLONE_PARENT_SETTID), N(CLONE_CHILD_CLEARTID),
	N(CLONE_DETACHED), N(CLONE_UNTRACED), N(CLONE_CHILD_SETTID), N(CLONE_NEWCGROUP),
	N(CLONE_NEWUTS), N(CLONE_NEWIPC), N(CLONE_NEWUSER), N(CLONE_NEWPID), N(CLONE_NEWNET),
	N(CLONE_IO), END,
};

static const struct vg_name prctl_options[] = {
	N(PR_SET_PDEATHSIG), N(PR_GET_PDEATHSIG), N(PR_GET_DUMPABLE), N(PR_SET_DUMPABLE),
	N(PR_GET_KEEPCAPS), N(PR_SET_KEEPCAPS), N(PR_SET_NAME), N(PR_GET_NAME),
	N(PR_GET_SECCOMP), N(PR_SET_SECCOMP), N(PR_CAPBSET_READ), N(PR_CAPBSET_DROP),
	N(PR_GET_SECUREBITS), N(PR_SET_SECUREBITS), N(PR_SET_MM), N(PR_SET_PTRACER),
	N(PR_SET_CHILD_SUBREAPER), N(PR_GET_CHILD_SUBREAPER), N(PR_SET_NO_NEW_PRIVS),
	N(PR_GET_NO_NEW_PRIVS), N(PR_CAP_AMBIENT), END,
};

static const struct vg_name ptrace_requests[] = {
	N(PTRACE_TRACEME), N(PTRACE_PEEKTEXT), N(PTRACE_PEEKDATA), N(PTRACE_PEEKUSER),
	N(PTRACE_POKETEXT), N(PTRACE_POKEDATA), N(PTRACE_POKEUSER), N(PTRACE_CONT),
	N(PTRACE_KILL), N(PTRACE_SINGLESTEP), N(PTRACE_GETREGS), N(PTRACE_SETREGS),
	N(PTRACE_GETFPREGS), N(PTRACE_SETFPREGS), N(PTRACE_ATTACH), N(PTRACE_DETACH),
	N(PTRACE_SYSCALL), N(PTRACE_SETOPTIONS), N(PTRACE_GETEVENTMSG), N(PTRACE_GETSIGINFO),
	N(PTRACE_SETSIGINFO), N(PTRACE_GETREGSET), N(PTRACE_SETREGSET), N(PTRACE_SEIZE),
	N(PTRACE_INTERRUPT), N(PTRACE_LISTEN), N(PTRACE_PEEKSIGINFO), END,
};

static const struct vg_name memfd_flags[] = {
	N(MFD_CLOEXEC), N(MFD_ALLOW_SEALING), N(MFD_HUGETLB), { 0x8, "MFD_NOEXEC_SEAL" },
	{ 0x10, "MFD_EXEC" }, END,
};

static const struct vg_name finit_flags[] = {
	N(MODULE_INIT_IGNORE_MODVERSIONS), N(MODULE_INIT_IGNORE_VERMAGIC), END,
};

static const struct vg_name mount_flags[] = {
	N(MS_RDONLY), N(MS_NOSUID), N(MS_NODEV), N(MS_NOEXEC), N(MS_SYNCHRONOUS), N(MS_REMOUNT),
	N(MS_MANDLOCK), N(MS_DIRSYNC), N(MS_NOATIME), N(MS_NODIRATIME), N(MS_BIND), N(MS_MOVE),
	N(MS_REC), N(MS_SILENT), N(MS_POSIXACL), N(MS_UNBINDABLE), N(MS_PRIVATE), N(MS_SLAVE),
	N(MS_SHARED), N(MS_RELATIME), N(MS_KERNMOUNT), N(MS_I_VERSION), N(MS_STRICTATIME),
	N(MS_LAZYTIME), END,
};

static const struct vg_name umount_flags[] = {
	N(MNT_FORCE), N(MNT_DETACH), N(MNT_EXPIRE), N(UMOUNT_NOFOLLOW), END,
};

static const struct vg_name bpf_cmds[] = {
	N(BPF_MAP_CREATE), N(BPF_MAP_LOOKUP_ELEM), N(BPF_MAP_UPDATE_ELEM), N(BPF_MAP_DELETE_ELEM),
	N(BPF_MAP_GET_NEXT_KEY), N(BPF_PROG_LOAD), N(BPF_OBJ_PIN), N(BPF_OBJ_GET),
	N(BPF_PROG_ATTACH), N(BPF_PROG_DETACH), N(BPF_PROG_TEST_RUN), N(BPF_PROG_GET_NEXT_ID),
	N(BPF_MAP_GET_NEXT_ID), N(BPF_PROG_GET_FD_BY_ID), N(BPF_MAP_GET_FD_BY_ID),
	N(BPF_OBJ_GET_INFO_BY_FD), N(BPF_PROG_QUERY), N(BPF_RAW_TRACEPOINT_OPEN), N(BPF_BTF_LOAD),
	N(BPF_BTF_GET_FD_BY_ID), N(BPF_TASK_FD_QUERY), N(BPF_MAP_LOOKUP_AND_DELETE_ELEM),
	N(BPF_MAP_FREEZE), N(BPF_BTF_GET_NEXT_ID), N(BPF_MAP_LOOKUP_BATCH),
	N(BPF_MAP_LOOKUP_AND_DELETE_BATCH), N(BPF_MAP_UPDATE_BATCH), N(BPF_MAP_DELETE_BATCH),
	N(BPF_LINK_CREATE), N(BPF_LINK_UPDATE), N(BPF_LINK_GET_FD_BY_ID), N(BPF_LINK_GET_NEXT_ID),
	N(BPF_ENABLE_STATS), N(BPF_ITER_CREATE), N(BPF_LINK_DETACH), N(BPF_PROG_BIND_MAP), END,
};

static const struct vg_name fcntl_cmds[] = {
	N(F_DUPFD), N(F_GETFD), N(F_SETFD), N(F_GETFL), N(F_SETFL), N(F_GETLK), N(F_SETLK),
	N(F_SETLKW), N(F_SETOWN), N(F_GETOWN), N(F_SETSIG), N(F_GETSIG), N(F_SETOWN_EX),
	N(F_GETOWN_EX), N(F_OFD_GETLK), N(F_OFD_SETLK), N(F_OFD_SETLKW), N(F_SETLEASE),
	N(F_GETLEASE), N(F_NOTIFY), N(F_DUPFD_CLOEXEC), N(F_SETPIPE_SZ), N(F_GETPIPE_SZ),
	N(F_ADD_SEALS), N(F_GET_SEALS), END,
};

static const struct vg_name rename_flags[] = {
	N(RENAME_NOREPLACE), N(RENAME_EXCHANGE), N(RENAME_WHITEOUT), END,
};

static const struct vg_name families[] = {
	N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_AX25), N(AF_IPX), N(AF_APPLETALK),
	N(AF_NETROM), N(AF_BRIDGE), N(AF_ATMPVC), N(AF_X25), N(AF_INET6), N(AF_ROSE),
	N(AF_DECnet), N(AF_NETBEUI), N(AF_SECURITY), N(AF_KEY), N(AF_NETLINK), N(AF_PACKET),
	N(AF_ASH), N(AF_ECONET), N(AF_ATMSVC), N(AF_RDS), N(AF_SNA), N(AF_IRDA), N(AF_PPPOX),
	N(AF_WANPIPE), N(AF_LLC), N(AF_IB), N(AF_MPLS), N(AF_CAN), N(AF_TIPC), N(AF_BLUETOOTH),
	N(AF_IUCV), N(AF_RXRPC), N(AF_ISDN), N(AF_PHONET), N(AF_IEEE802154), N(AF_CAIF),
	N(AF_ALG), N(AF_NFC), N(AF_VSOCK), N(AF_KCM), N(AF_QIPCRTR), N(AF_SMC), N(AF_XDP), END,
};

static const struct vg_name sock_types[] = {
	N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_RDM), N(SOCK_SEQPACKET), N(SOCK_DCCP),
	N(SOCK_PACKET), END,
};

static const struct vg_name sock_type_flags[] = {
	N(SOCK_NONBLOCK), N(SOCK_CLOEXEC), END,
};

static const struct vg_name uring_flags[] = {
	N(IORING_SETUP_IOPOLL), N(IORING_SETUP_SQPOLL), N(IORING_SETUP_SQ_AFF),
	N(IORING_SETUP_CQSIZE), N(IORING_SETUP_CLAMP), N(IORING_SETUP_ATTACH_WQ),
	N(IORING_SETUP_R_DISABLED), END,
};

static const struct vg_name *const tables[VG_FT_COUNT] = {
	[VG_FT_OPEN] = open_flags,	[VG_FT_AT] = at_flags,	       [VG_FT_CLONE] = clone_flags,
	[VG_FT_PRCTL] = prctl_options,	[VG_FT_PTRACE] = ptrace_requests, [VG_FT_MEMFD] = memfd_flags,
	[VG_FT_FINIT] = finit_flags,	[VG_FT_MOUNT] = mount_flags,   [VG_FT_UMOUNT] = umount_flags,
	[VG_FT_BPF_CMD] = bpf_cmds,	[VG_FT_FCNTL] = fcntl_cmds,    [VG_FT_RENAME] = rename_flags,
	[VG_FT_AF] = families,		[VG_FT_SOCKTYPE] = sock_type_flags, [VG_FT_URING] = uring_flags,
};

/* Append s to buf[*len..] the way snprintf would, keeping *len the full need. */
static void put(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len < size)
		memcpy(buf + *len, s, *len + n < size ? n : size - *len - 1);
	*len += n;
	if (size)
		buf[*len < size ? *len : size - 1] = '\0';
}

static void put_bits(const struct vg_name *t, uint64_t value, char *buf, size_t size, size_t *len)
{
	char rest[24];

	for (; t && t->name; t++) {
		if (!t->value || (value & t->value) != t->value)
			continue;
		if (*len)
			put(buf, size, len, "|");
		put(buf, size, len, t->name);
		value &= ~t->value;
	}
	if (value) {
		snprintf(rest, sizeof(rest), "%s0x%llx", *len ? "|" : "", (unsigned long long)value);
		put(buf, size, len, rest);
	}
}

size_t vg_flags_render(int table, uint64_t value, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	if (table <= VG_FT_NONE || table >= VG_FT_COUNT)
		return snprintf(buf, size, "0x%llx", (unsigned long long)value);
	if (table == VG_FT_OPEN) {
		static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

		/* O_PATH ignores the access mode; it reads as O_RDONLY otherwise */
		put(buf, size, &len, acc[value & O_ACCMODE]);
		value &= ~(uint64_t)O_ACCMODE;
	} else if (table == VG_FT_SOCKTYPE) {
		/* the type proper sits in the low bits, SOCK_NONBLOCK|SOCK_CLOEXEC above */
		for (const struct vg_name *t = sock_types; t->name; t++) {
			if (t->value == (value & 0xf)) {
				put(buf, size, &len, t->name);
				value &= ~0xfull;
				break;
			}
		}
	}
	put_bits(tables[table], value, buf, size, &len);
	if (!len)
		put(buf, size, &len, "0");
	return len;
}

const char *vg_enum_name(int table, uint64_t value)
{
	if (table <= VG_FT_NONE || table >= VG_FT_COUNT)
		return NULL;
	for (const struct vg_name *t = tables[table]; t && t->name; t++)
		if (t->value == value)
			return t->name;
	return NULL;
}

size_t vg_enum_render(int table, uint64_t value, char *buf, size_t size)
{
	const char *name = vg_enum_name(table, value);

	if (name)
		return snprintf(buf, size, "%s", name);
	return snprintf(buf, size, "%lld", (long long)value);
}

size_t vg_mode_render(uint64_t mode, char *buf, size_t size)
{
	static const struct vg_name mode_bits[] = {
		N(S_IXOTH), N(S_IWOTH), N(S_IROTH), N(S_IXGRP), N(S_IWGRP), N(S_IRGRP), N(S_IXUSR),
		N(S_IWUSR), N(S_IRUSR), N(S_ISVTX), N(S_ISGID), N(S_ISUID), END,
	};
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	put_bits(mode_bits, mode & 07777, buf, size, &len);
	if (!len)
		put(buf, size, &len, "0");
	return len;
}

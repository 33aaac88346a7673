// SPDX-License-Identifier: Apache-2.0
/* The syscall table (syscalls.def) and the lookups built on it. */
#include <asm/unistd.h>
#include <string.h>

#include "flags.h"
#include "syscalls.h"

#define VG_W_0 VG_W_ALWAYS /* "0" in syscalls.def: not a memory argument */
#define A(n, k, x, w) { n, VG_A_##k, x, VG_W_##w }
#define VG_SC(name, cat, sz, st, ...) \
	[VG_SC_##name] = { #name, __NR_##name, VG_CAT_##cat, sz, st, 0, { __VA_ARGS__ } },

const struct vg_syscall_desc vg_syscalls[VG_SC_COUNT] = {
#include "syscalls.def"
};
#undef VG_SC
#undef A

static const char *const lifecycle_names[] = {
	[VG_EV_FORK - VG_SC_COUNT] = "fork_child",
	[VG_EV_PROCEXIT - VG_SC_COUNT] = "procexit",
};

static int8_t nr_to_type[VG_NR_MAX];
static struct vg_blob_map blob_maps[VG_SC_COUNT];
static int tables_ready;

static int blob_kind_of(uint8_t kind)
{
	switch (kind) {
	case VG_A_PATH:
	case VG_A_STR:
		return VG_B_STR;
	case VG_A_SOCKADDR:
		return VG_B_SOCKADDR;
	case VG_A_SOCKADDR_OUT:
		return VG_B_SOCKADDR_OUT;
	case VG_A_ARGV:
		return VG_B_ARGV;
	case VG_A_OPEN_HOW:
	case VG_A_CLONE_ARGS:
		return VG_B_MEM_LEN;
	case VG_A_FDPAIR:
	case VG_A_CAPDATA:
	case VG_A_URING_PARAMS:
		return VG_B_MEM;
	}
	return VG_B_NONE;
}

uint16_t vg_arg_max(uint8_t kind)
{
	switch (kind) {
	case VG_A_PATH:
	case VG_A_STR:
		return VG_STR_MAX;
	case VG_A_ARGV:
		return VG_ARGV_MAX;
	case VG_A_SOCKADDR:
	case VG_A_SOCKADDR_OUT:
		return VG_SOCKADDR_MAX;
	case VG_A_OPEN_HOW:
		return 24; /* struct open_how */
	case VG_A_CLONE_ARGS:
		return 88; /* struct clone_args, v2 */
	case VG_A_FDPAIR:
		return 8;
	case VG_A_CAPDATA:
		return 24; /* two struct __user_cap_data_struct */
	case VG_A_URING_PARAMS:
		return 120; /* struct io_uring_params */
	}
	return 0;
}

/* Build the reverse number map and the blob maps once; the table is static. */
static void tables_init(void)
{
	if (tables_ready)
		return;
	memset(nr_to_type, -1, sizeof(nr_to_type));
	for (int t = 0; t < VG_SC_COUNT; t++) {
		const struct vg_syscall_desc *d = &vg_syscalls[t];
		int blob = 0;

		if (d->nr >= 0 && d->nr < VG_NR_MAX)
			nr_to_type[d->nr] = t;
		for (int a = 0; a < 6; a++) {
			blob_maps[t].blob_of_arg[a] = -1;
			if (blob_kind_of(d->args[a].kind) != VG_B_NONE && blob < VG_MAX_BLOBS)
				blob_maps[t].blob_of_arg[a] = blob++;
		}
	}
	tables_ready = 1;
}

int vg_type_of_nr(long nr)
{
	tables_init();
	if (nr < 0 || nr >= VG_NR_MAX)
		return -1;
	return nr_to_type[nr];
}

const char *vg_type_name(int type)
{
	if (type >= 0 && type < VG_SC_COUNT)
		return vg_syscalls[type].name;
	if (type >= VG_SC_COUNT && type < VG_TYPE_COUNT)
		return lifecycle_names[type - VG_SC_COUNT];
	return NULL;
}

int vg_type_by_name(const char *name)
{
	for (int t = 0; t < VG_TYPE_COUNT; t++)
		if (!strcmp(vg_type_name(t), name))
			return t;
	return -1;
}

const struct vg_blob_map *vg_blob_map_of(int type)
{
	tables_init();
	if (type < 0 || type >= VG_SC_COUNT)
		return NULL;
	return &blob_maps[type];
}

void vg_sc_spec_fill(int type, struct vg_sc_spec *spec)
{
	const struct vg_syscall_desc *d = &vg_syscalls[type];
	const struct vg_blob_map *map = vg_blob_map_of(type);

	memset(spec, 0, sizeof(*spec));
	spec->interest = 1;
	spec->skip_zero = d->skip_zero;
	for (int a = 0; a < 6; a++) {
		const struct vg_arg_desc *arg = &d->args[a];
		int b = map->blob_of_arg[a];
		struct vg_blob_spec *bs;

		if (b < 0)
			continue;
		bs = &spec->blob[b];
		bs->kind = blob_kind_of(arg->kind);
		bs->arg = a;
		bs->aux = arg->aux == VG_AUX_CWD ? 0 : arg->aux;
		bs->when = arg->when;
		bs->max = vg_arg_max(arg->kind);
		spec->nblobs = b + 1;
	}
}

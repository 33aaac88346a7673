/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the condition language and the fields agree on: typed values and a
 * field reference. Conditions are compiled against a field resolver and
 * evaluated with a field getter, so the rules code knows no event layout
 * and the fields code knows no grammar.
 */
#ifndef VIGIL_VALUE_H
#define VIGIL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vg_vtype {
	VG_V_NONE = 0,
	VG_V_STR,    /* bytes, not NUL-terminated (paths, names, cmdlines) */
	VG_V_INT,    /* int64 */
	VG_V_UINT,   /* uint64 (ports, ids, counts) */
	VG_V_BOOL,
	VG_V_IPADDR, /* 4 or 16 bytes */
	VG_V_IPNET,  /* an address and a prefix length */
};

struct vg_value {
	uint8_t type; /* enum vg_vtype; VG_V_NONE: the field has no value here */
	union {
		struct {
			const char *p;
			uint32_t len;
		} s;
		int64_t i;
		uint64_t u;
		bool b;
		struct {
			uint8_t family; /* AF_INET or AF_INET6 */
			uint8_t prefix; /* VG_V_IPNET */
			uint8_t addr[16];
		} ip;
	};
};

/* A field as a condition uses it: "proc.aname[2]" is id of proc.aname with
 * index 2; "evt.arg.flags" is id of evt.arg with argname "flags".
 */
struct vg_field_ref {
	int id;		 /* the resolver's own number for the field */
	uint8_t type;	 /* enum vg_vtype of its values */
	int32_t index;	 /* [N] argument, -1 when none */
	char argname[64]; /* .NAME or [NAME] argument, "" when none */
};

/* Resolve field name; arg is the text inside [] (proc.aname[2]), NULL when
 * none. A dotted argument stays in the name ("evt.arg.flags", arg NULL):
 * the resolver knows which fields take one. Returns 0, or -ENOENT for an
 * unknown field and -EINVAL for a bad argument, with the reason in err.
 */
typedef int (*vg_field_resolve_fn)(void *ctx, const char *name, const char *arg,
				   struct vg_field_ref *ref, char *err, size_t errlen);
/* The value of ref for the event being evaluated; false when it has none. */
typedef bool (*vg_field_get_fn)(void *ctx, const struct vg_field_ref *ref, struct vg_value *out);

#endif /* VIGIL_VALUE_H */

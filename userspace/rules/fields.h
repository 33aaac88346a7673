/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fields rules can test, with Falco's names and meanings (evt.*, proc.*,
 * thread.*, fd.*, user.*, group.*, container.*), computed from an event, the
 * process table and the container identity. The resolver and getter follow
 * the contract of value.h.
 */
#ifndef VIGIL_FIELDS_H
#define VIGIL_FIELDS_H

#include "value.h"
#include "../events/event.h"
#include "../lib/strbuf.h"
#include "../state/proctable.h"

#define VG_FIELD_ANCESTORS 16 /* proc.aname[N] and friends look this far up */

/* Argument a field takes: none, [N], or .NAME / [NAME]. */
enum vg_field_arg { VG_FA_NONE, VG_FA_INDEX, VG_FA_NAME };

struct vg_field_info {
	const char *name;
	uint8_t type; /* enum vg_vtype */
	uint8_t arg;  /* enum vg_field_arg */
	const char *desc;
};

/* What the getter reads: set ev and procs, the rest is its own scratch. */
struct vg_field_ctx {
	const struct vg_event *ev;
	struct vg_proctable *procs;
	/* computed values live here until the next event */
	struct strbuf scratch[8];
	int next;
};

/* Every supported field, in a stable order (vigil rules fields). */
const struct vg_field_info *vg_fields(size_t *count);
/* vg_field_resolve_fn over the table above; ctx is unused. */
int vg_field_resolve(void *ctx, const char *name, const char *arg, struct vg_field_ref *ref,
		     char *err, size_t errlen);
/* vg_field_get_fn; ctx is a struct vg_field_ctx. */
bool vg_field_get(void *ctx, const struct vg_field_ref *ref, struct vg_value *out);
/* Start a new event: forget the scratch values of the last one. */
void vg_field_ctx_reset(struct vg_field_ctx *c, const struct vg_event *ev,
			struct vg_proctable *procs);
void vg_field_ctx_free(struct vg_field_ctx *c);

#endif /* VIGIL_FIELDS_H */

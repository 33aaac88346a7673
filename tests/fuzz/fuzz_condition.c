// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the condition language, which takes rules files from
 * outside. The input is up to five NUL-separated parts: the condition, the
 * texts of macros "m1" and "m2", the newline-separated items of list "l1",
 * and the value every string field has. Fixed macros and lists next to them
 * include cycles. Any input must compile or be refused with a terminated
 * message whose position is inside the condition; a compiled condition is
 * evaluated on an event with values and on one without, the same way twice,
 * and asked for its event types and fields.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "userspace/rules/condition.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPARTS 5

struct fuzz_env {
	const char *part[NPARTS];
	const char *l1_items[64];
	struct vg_strlist l1;
	const char *strval;
	size_t vallen;
	char big[6000]; /* longer than the evaluation's stack scratch */
};

static const char *const fixed_macros[] = {
	"spawned_process", "evt.type in (execve, execveat)",
	"shell_procs", "proc.name in (shells)",
	"loop_a", "loop_b or proc.name = a",
	"loop_b", "not loop_a",
	"self", "(self)",
	NULL,
};

static const char *const shells_items[] = { "sh", "bash", "'\"my sh\"'", "more_shells" };
static const char *const more_items[] = { "zsh", "shells", "/usr/bin", "10.0.0.0/8" };
static const char *const loop_items[] = { "loop" };
static const struct {
	const char *name;
	struct vg_strlist l;
} fixed_lists[] = {
	{ "shells", { shells_items, 4 } },
	{ "more_shells", { more_items, 4 } },
	{ "loop", { loop_items, 1 } },
};

static const char *fz_macro(void *ctx, const char *name)
{
	const struct fuzz_env *fe = ctx;

	if (!strcmp(name, "m1"))
		return fe->part[1];
	if (!strcmp(name, "m2"))
		return fe->part[2];
	for (size_t i = 0; fixed_macros[i]; i += 2)
		if (!strcmp(fixed_macros[i], name))
			return fixed_macros[i + 1];
	return NULL;
}

static const struct vg_strlist *fz_list(void *ctx, const char *name)
{
	const struct fuzz_env *fe = ctx;

	if (!strcmp(name, "l1"))
		return &fe->l1;
	for (size_t i = 0; i < sizeof(fixed_lists) / sizeof(fixed_lists[0]); i++)
		if (!strcmp(fixed_lists[i].name, name))
			return &fixed_lists[i].l;
	return NULL;
}

/* Known names, and any name whose first part gives its type: s. u. i. b. a. n. */
static int fz_resolve(void *ctx, const char *name, const char *arg, struct vg_field_ref *ref,
		      char *err, size_t errlen)
{
	static const struct {
		const char *name;
		uint8_t type;
	} known[] = {
		{"proc.name", VG_V_STR},  {"evt.type", VG_V_STR},
		{"fd.name", VG_V_STR},	  {"proc.pid", VG_V_UINT},
		{"fd.num", VG_V_INT},	  {"fd.sip", VG_V_IPADDR},
		{"fd.snet", VG_V_IPNET},  {"evt.is_open_write", VG_V_BOOL},
		{"proc.aname", VG_V_STR},
	};
	static const char prefixes[] = "suiban";
	static const uint8_t types[] = { VG_V_STR,  VG_V_UINT,	 VG_V_INT,
					 VG_V_BOOL, VG_V_IPADDR, VG_V_IPNET };

	(void)ctx;
	ref->id = (int)(strlen(name) + (arg ? strlen(arg) : 0));
	if (arg && !strcmp(arg, "bad")) {
		snprintf(err, errlen, "a bad argument");
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(known[i].name, name)) {
			ref->type = known[i].type;
			return 0;
		}
	}
	if (name[0] && name[1] == '.') {
		const char *t = strchr(prefixes, name[0]);

		if (t) {
			ref->type = types[t - prefixes];
			return 0;
		}
	}
	return -ENOENT;
}

static bool fz_get(void *ctx, const struct vg_field_ref *ref, struct vg_value *out)
{
	const struct fuzz_env *fe = ctx;

	out->type = ref->type;
	switch (ref->type) {
	case VG_V_STR:
		if (ref->id % 3 == 2) {
			out->s.p = fe->big;
			out->s.len = sizeof(fe->big);
		} else {
			out->s.p = fe->strval;
			out->s.len = (uint32_t)fe->vallen;
		}
		return true;
	case VG_V_UINT:
		out->u = (uint64_t)ref->id * 7;
		return true;
	case VG_V_INT:
		out->i = -(int64_t)ref->id;
		return true;
	case VG_V_BOOL:
		out->b = ref->id & 1;
		return true;
	case VG_V_IPADDR:
	case VG_V_IPNET:
		out->ip.family = ref->id & 1 ? AF_INET6 : AF_INET;
		out->ip.prefix = (uint8_t)(ref->id * 5 % 140);
		memset(out->ip.addr, ref->id, sizeof(out->ip.addr));
		return true;
	default:
		return false;
	}
}

static bool fz_none(void *ctx, const struct vg_field_ref *ref, struct vg_value *out)
{
	(void)ctx;
	(void)ref;
	(void)out;
	return false;
}

static int fz_type_of(void *ctx, const char *name)
{
	static const char *const names[] = { "open", "openat", "execve", "execveat", "connect" };

	(void)ctx;
	for (int i = 0; i < 5; i++)
		if (!strcmp(names[i], name))
			return i;
	return name[0] == 'x' ? 99 : -1; /* an index past the table must be ignored */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_env *fe = calloc(1, sizeof(*fe));
	char *text = malloc(size + 1), *p, *nl;
	struct vg_cond_env env = {
		.macro = fz_macro, .list = fz_list, .resolve = fz_resolve, .ctx = fe,
	};
	struct vg_cond_err err;
	struct vg_cond *c;
	bool types[5];
	size_t n, clen;
	int k = 0, r;

	if (!fe || !text)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	/* the parts: each ends at a NUL; missing ones are empty */
	for (p = text; k < NPARTS; k++) {
		if (p > text + size)
			p = text + size;
		fe->part[k] = p;
		p += strlen(p) + 1;
	}
	for (p = (char *)fe->part[3]; *p && fe->l1.count < 64; p = nl + 1) {
		fe->l1_items[fe->l1.count++] = p;
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
	}
	fe->l1.items = fe->l1_items;
	fe->strval = fe->part[4];
	fe->vallen = strlen(fe->part[4]);
	memset(fe->big, 'A', sizeof(fe->big));
	memcpy(fe->big, fe->strval, fe->vallen < sizeof(fe->big) ? fe->vallen : sizeof(fe->big));

	clen = strlen(fe->part[0]);
	c = vg_cond__compile(fe->part[0], &env, &err);
	if (strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg) ||
	    strnlen(err.macro, sizeof(err.macro)) == sizeof(err.macro))
		abort();
	if (!c) {
		if (!errno || err.msg[0] < '1' || err.msg[0] > '9' || err.offset > clen ||
		    err.line < 1 || err.col < 1)
			abort();
		goto out;
	}
	r = vg_cond__eval(c, fz_get, fe);
	if (r != vg_cond__eval(c, fz_get, fe))
		abort();
	r = vg_cond__eval(c, fz_none, NULL);
	if (r != vg_cond__eval(c, fz_none, NULL))
		abort();
	r = vg_cond__event_types(c, types, 5, fz_type_of, NULL);
	if (r < -1 && r != -ENOMEM)
		abort();
	for (const struct vg_cond_field *f = vg_cond__fields(c, &n); n; n--, f++)
		if (!f->name || !f->name[0])
			abort();
	vg_cond__free(c);
out:
	free(fe);
	free(text);
	return 0;
}

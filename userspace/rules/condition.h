/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Falco condition language: "evt.type = execve and proc.name in
 * (shell_binaries) and not user_known_shell", with macros and lists supplied
 * by the caller (the rules loader). A condition is compiled once against a
 * field resolver (value.h) into a tree whose literals are already typed,
 * whose lists are hash sets and whose regexes are compiled; evaluating it per
 * event parses nothing and allocates nothing for values that fit the
 * VG_COND_SCRATCH buffers.
 *
 * Semantics follow Falco 0.37+ (libsinsp's filter parser and checks): a field
 * with no value makes its comparison false (so "not proc.name = x" is true
 * for an event without a process name), regex is a full match, glob is
 * fnmatch-like without FNM_PATHNAME, pmatch matches whole path components.
 */
#ifndef VIGIL_CONDITION_H
#define VIGIL_CONDITION_H

#include <stdbool.h>
#include <stddef.h>

#include "value.h"

/* Limits, each an error (never a crash) when exceeded, and where they come from. */
#define VG_COND_MAX_LEN 65536	   /* bytes of one condition or one macro's text */
#define VG_COND_MAX_DEPTH 128	   /* nested '(', 'not', transformers, macro references */
#define VG_COND_MAX_MACRO_DEPTH 32 /* macros expanded inside macros */
#define VG_COND_MAX_LIST 65536	   /* values of one list operand once named lists are expanded */
#define VG_COND_MAX_LIST_DEPTH 32  /* lists named inside lists */
#define VG_COND_MAX_NODES 65536	   /* comparisons and and/or/not nodes after macro expansion */
/* Macro expansion re-parses a macro's text at every reference: these two bound
 * the work a few small macros referencing each other twice can ask for.
 */
#define VG_COND_MAX_EXPANDED (4u << 20) /* bytes of text parsed for one condition */
#define VG_COND_MAX_ITEMS (1u << 20)	/* list values of one condition in all */
/* glibc's regcomp copies a repeated atom once per count, so "((a{99}){99}){99}"
 * takes gigabytes: a regex may expand to this many atoms ("a{3}" is three).
 */
#define VG_COND_MAX_REGEX 10000
#define VG_COND_NAME_MAX 256		/* bytes of a field, macro or list name, and of [arg] */
#define VG_COND_SCRATCH 4096 /* per operand, on the stack: longer transformed values use the heap */

struct vg_cond;

/* A named list's items as the rules file spells them: "bash", "'\"(systemd)\"'"
 * arrive as `bash` and `"(systemd)"`. An item wholly in '..' or ".." is a quoted
 * string (its escapes are decoded); an unquoted item that names another list
 * stands for that list's items; anything else is taken as it is.
 */
struct vg_strlist {
	const char *const *items;
	size_t count;
};

/* What the condition can refer to besides fields. Strings returned by macro
 * and list need to stay valid only during vg_cond__compile.
 */
struct vg_cond_env {
	/* The condition text of macro name, or NULL when there is no such macro.
	 * NULL callback: no macros.
	 */
	const char *(*macro)(void *ctx, const char *name);
	/* The items of list name, or NULL when there is no such list. NULL
	 * callback: no lists.
	 */
	const struct vg_strlist *(*list)(void *ctx, const char *name);
	/* Required. Called with the dotted name as written ("evt.arg.flags",
	 * "proc.aname") and the text inside [] (unquoted) or NULL.
	 */
	vg_field_resolve_fn resolve;
	void *ctx;
};

/* Why a compile failed. Positions count bytes of the condition text given to
 * vg_cond__compile, from line 1 column 1. An error inside a macro's text is
 * placed at the outermost reference to that macro in the condition, and its
 * place inside the macro is given separately.
 */
struct vg_cond_err {
	/* "line:col: what is wrong (near 'text')", or for an error in a macro
	 * "line:col: in macro 'name' at line:col: what is wrong (near 'text')"
	 */
	char msg[512];
	size_t offset;	  /* byte offset of the error in the condition */
	unsigned int line, col;
	char macro[VG_COND_NAME_MAX]; /* innermost macro whose text holds it; "" when none */
	size_t macro_offset;	      /* byte offset in that macro's text */
};

/* A field the condition uses, once however often it appears. */
struct vg_cond_field {
	const char *name; /* as written: "proc.aname", "evt.arg.flags" */
	const char *arg;  /* text inside [], NULL when none */
	struct vg_field_ref ref; /* what the resolver made of it; passed to the getter */
};

/* Compile text (NUL-terminated) against env. Returns the condition, or NULL
 * with errno set and err (may be NULL) filled: ENOENT when the resolver does
 * not know a field (Falco's skip-if-unknown-filter case, and only then);
 * EINVAL for syntax, types, literals, undefined macros or lists, and a field
 * the resolver refuses with -EINVAL; ELOOP for macro or list cycles and
 * VG_COND_MAX_MACRO_DEPTH / VG_COND_MAX_LIST_DEPTH; E2BIG for the other
 * VG_COND_MAX_* limits; ENOMEM; or what else the resolver returned.
 */
struct vg_cond *vg_cond__compile(const char *text, const struct vg_cond_env *env,
				 struct vg_cond_err *err) __attribute__((warn_unused_result));
void vg_cond__free(struct vg_cond *c);

/* Whether the event behind get/ctx matches. c is not written, so threads may
 * share it (glibc's regexec locks each regex while it runs). get is called
 * once per operand of each comparison evaluated, and a string it returns
 * needs to stay valid until this returns.
 */
bool vg_cond__eval(const struct vg_cond *c, vg_field_get_fn get, void *ctx);

/* The event types c can match, from its comparisons of the field named
 * "evt.type" (a string, untransformed, with =, !=, in or intersects) combined
 * through and/or/not, for indexing rules by type.
 * type_of maps a name ("execve") to an index below ntypes, or -1 when the
 * name is unknown (then "evt.type = name" matches nothing). Sets types[i] for
 * every type that can match and returns how many, or returns -1 when any
 * event type can match (types then all true), or -EINVAL (no c, type_of or
 * types) or -ENOMEM.
 */
int vg_cond__event_types(const struct vg_cond *c, bool *types, size_t ntypes,
			 int (*type_of)(void *ctx, const char *name), void *ctx);

/* The fields c uses, for the loader to warn about fields it cannot fill.
 * Valid until vg_cond__free.
 */
const struct vg_cond_field *vg_cond__fields(const struct vg_cond *c, size_t *n);

#endif /* VIGIL_CONDITION_H */

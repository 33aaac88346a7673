/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules file loader: Falco-format rules files (lists, macros, rules,
 * required_engine_version, required_plugin_versions) read with libyaml into
 * one document, with Falco's redefinition, legacy append, enabled-only and
 * override (append/replace) semantics applied in load order. Conditions are
 * not parsed here: each stays text, with where every piece of it came from,
 * so the condition compiler can report FILE:LINE:COL.
 *
 * Choices where Falco leaves room (see the notes in loader.c):
 *   - every YAML document of a file is loaded in order (Falco's LoadAll);
 *   - an item with no known kind and an unknown key are warnings, as in Falco;
 *   - an override of a list or macro that does not exist is an error.
 */
#ifndef VIGIL_RULES_LOADER_H
#define VIGIL_RULES_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest rules file or buffer taken; the upstream files are ~60 KiB each. */
#define VG_RULES_FILE_MAX (16u << 20)
/* Longest string: a name, condition (appends included), output, item. The
 * longest upstream condition is ~4 KiB.
 */
#define VG_RULES_STRING_MAX (64u << 10)
/* Most items in one list (appends included); also the cap on the tags, the
 * exceptions, and the fields and values of one exception of a rule.
 */
#define VG_RULES_LIST_ITEMS_MAX 16384u
/* Most rules, macros and lists in one document (upstream: 93, 315, 118). */
#define VG_RULES_RULES_MAX 4096u
#define VG_RULES_MACROS_MAX 8192u
#define VG_RULES_LISTS_MAX 8192u
/* Most string bytes one load may copy in, each string also counting 16 for
 * its allocation: YAML aliases can repeat a large node many times ("billion
 * laughs"). Real rules stay far below (the upstream files: under 1 MiB).
 */
#define VG_RULES_LOAD_BYTES_MAX (64u << 20)
/* Warnings kept; later ones are counted only. */
#define VG_RULES_WARNINGS_MAX 1024u

/* Falco's priorities, in syslog order (0 is the most severe). */
enum vg_rules_priority {
	VG_RULES_PRIO_EMERGENCY = 0,
	VG_RULES_PRIO_ALERT,
	VG_RULES_PRIO_CRITICAL,
	VG_RULES_PRIO_ERROR,
	VG_RULES_PRIO_WARNING,
	VG_RULES_PRIO_NOTICE,
	VG_RULES_PRIO_INFORMATIONAL,
	VG_RULES_PRIO_DEBUG,
};

/* A place in a rules file; line and col are 1-based, col counts characters
 * as libyaml does. file is owned by the document.
 */
struct vg_rules_pos {
	const char *file;
	uint32_t line;
	uint32_t col;
};

/* From byte off of a condition text on, the text continues at pos on the same
 * source line (until the next anchor). One per source line of a block or
 * multi-line scalar, one per escape, one per appended piece.
 */
struct vg_rules_anchor {
	uint32_t off;
	struct vg_rules_pos pos;
};

/* A condition as written (legacy appends joined with " "), NUL-terminated. */
struct vg_rules_cond {
	char *text;
	uint32_t len;
	struct vg_rules_anchor *anchors; /* sorted by off, anchors[0].off == 0 */
	uint32_t nanchors;
};

/*
 * index and visibility are Falco's definition counter: index is the count
 * when the name was first defined (kept on redefinition), visibility when it
 * was last defined, appended to or overridden. Falco expands a list inside a
 * list, and a macro inside a macro, only when the inner one's index is below
 * the outer one's visibility; rule conditions see every macro.
 */
struct vg_rules_list {
	char *name; /* first member: the name index relies on it */
	struct vg_rules_pos pos;
	char **items;
	uint32_t nitems;
	uint32_t index;
	uint32_t visibility;
};

struct vg_rules_macro {
	char *name;
	struct vg_rules_pos pos;
	struct vg_rules_cond cond;
	uint32_t index;
	uint32_t visibility;
};

/* One entry of a value tuple: a string, or (is_list) a list of strings. */
struct vg_rules_exval {
	char **strs;
	uint32_t n;
	bool is_list;
};

/* One entry of an exception's values: one exval per field (one for the
 * single-field form).
 */
struct vg_rules_extuple {
	struct vg_rules_exval *vals;
	uint32_t nvals;
	bool is_list; /* written as a sequence; always so in the list form */
	struct vg_rules_pos pos;
};

/*
 * fields: [a, b] is the list form (fields_is_list), comps defaulting to "="
 * for each; fields: a is the single-field form, comps defaulting to "in"
 * (also pmatch, intersects), each value one string. comps always holds
 * nfields operators once loaded.
 */
struct vg_rules_exception {
	char *name;
	struct vg_rules_pos pos;
	bool fields_is_list;
	char **fields;
	char **comps;
	uint32_t nfields;
	struct vg_rules_extuple *values;
	uint32_t nvalues;
};

struct vg_rules_rule {
	char *name;
	struct vg_rules_pos pos;
	char *desc;
	struct vg_rules_cond cond;
	char *output; /* trimmed, as Falco does */
	struct vg_rules_pos output_pos;
	enum vg_rules_priority priority;
	char **tags; /* in file order, each once */
	uint32_t ntags;
	char *source; /* "syscall" unless given */
	bool unknown_source; /* source is not "syscall": kept, the engine skips it */
	bool enabled;
	bool warn_evttypes;
	bool skip_if_unknown_filter;
	struct vg_rules_exception *exceptions;
	uint32_t nexceptions;
	uint32_t index;
	uint32_t visibility;
};

/* msg is the whole line: "FILE:LINE:COL: text (in rule 'NAME')". */
struct vg_rules_warning {
	struct vg_rules_pos pos;
	char *msg;
};

struct vg_rules_doc;

struct vg_rules_doc *vg_rules_doc__new(void);
void vg_rules_doc__free(struct vg_rules_doc *doc);

/*
 * Load one rules file (or buffer, named name in messages) on top of what the
 * document holds. Returns 0; -EINVAL for bad content, with
 * "FILE:LINE:COL: what (in rule 'NAME')" in err; -EFBIG above
 * VG_RULES_FILE_MAX, -ENOMEM, or -errno of open/read, with "FILE: what".
 * err is always NUL-terminated (empty on success) when errlen > 0. After an
 * error the document holds every item before the failing one and stays
 * valid, but should be freed: like Falco, vigil does not run on half a
 * ruleset.
 */
int vg_rules_doc__load_file(struct vg_rules_doc *doc, const char *path, char *err, size_t errlen);
int vg_rules_doc__load_buffer(struct vg_rules_doc *doc, const char *name, const char *buf,
			      size_t len, char *err, size_t errlen);

/*
 * Iteration in first-definition order (a redefinition keeps its place), and
 * lookup by name. Pointers stay valid until the next load or free.
 */
size_t vg_rules_doc__nlists(const struct vg_rules_doc *doc);
const struct vg_rules_list *vg_rules_doc__list(const struct vg_rules_doc *doc, size_t i);
const struct vg_rules_list *vg_rules_doc__find_list(const struct vg_rules_doc *doc,
						    const char *name);
size_t vg_rules_doc__nmacros(const struct vg_rules_doc *doc);
const struct vg_rules_macro *vg_rules_doc__macro(const struct vg_rules_doc *doc, size_t i);
const struct vg_rules_macro *vg_rules_doc__find_macro(const struct vg_rules_doc *doc,
						      const char *name);
size_t vg_rules_doc__nrules(const struct vg_rules_doc *doc);
const struct vg_rules_rule *vg_rules_doc__rule(const struct vg_rules_doc *doc, size_t i);
const struct vg_rules_rule *vg_rules_doc__find_rule(const struct vg_rules_doc *doc,
						    const char *name);

/* Warnings of every load so far: unknown sources, required plugins, unknown
 * items and keys, deprecated forms. ndropped counts those past the cap.
 */
size_t vg_rules_doc__nwarnings(const struct vg_rules_doc *doc);
const struct vg_rules_warning *vg_rules_doc__warning(const struct vg_rules_doc *doc, size_t i);
size_t vg_rules_doc__nwarnings_dropped(const struct vg_rules_doc *doc);

/* The highest required_engine_version seen, as "X.Y.Z" (an integer N is
 * Falco's 0.N.0), or NULL when none.
 */
const char *vg_rules_doc__engine_version(const struct vg_rules_doc *doc);

/* Where byte off (0..len) of c is in its file. 0, or -ERANGE. */
int vg_rules_cond__locate(const struct vg_rules_cond *c, size_t off, struct vg_rules_pos *pos);

/*
 * What Falco appends to a rule's condition for its exceptions, e.g.
 * " and not ((proc.name = nginx and fd.name contains /usr/bin/nginx) or (...))"
 * and " and not (proc.name in (a, b))"; "" without exceptions (or values).
 * Values are quoted as the condition language needs: "..." with \" and \\
 * escaped when not a bare word; kept as written when they start with a quote
 * (already quoted, as Falco takes them); a single string for in, intersects
 * or pmatch is put in parentheses unless it starts with one (so a list name
 * works). *text is malloc'ed, for the caller to free. 0 or -ENOMEM.
 */
int vg_rules_rule__exceptions_text(const struct vg_rules_rule *r, char **text, size_t *len);
/*
 * The one condition the engine compiles: the rule's condition, and with
 * exceptions "(CONDITION)" followed by the text above, as Falco builds it.
 * 0 or -ENOMEM.
 */
int vg_rules_rule__condition_text(const struct vg_rules_rule *r, char **text, size_t *len);
/* Where byte off of vg_rules_rule__condition_text() comes from: the condition
 * itself, or the exception value tuple (or exception) that made that part.
 * 0, -ERANGE, or -ENOMEM.
 */
int vg_rules_rule__locate(const struct vg_rules_rule *r, size_t off, struct vg_rules_pos *pos);

/* "Emergency" ... "Debug", as Falco prints them; NULL when out of range. */
const char *vg_rules_priority__name(enum vg_rules_priority p);
/* Case-insensitive; "info" is "informational". 0, or -EINVAL. */
int vg_rules_priority__parse(const char *s, enum vg_rules_priority *p);

#endif /* VIGIL_RULES_LOADER_H */

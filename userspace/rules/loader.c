// SPDX-License-Identifier: Apache-2.0
/*
 * Falco-format rules files into one document. libyaml's document API gives
 * the node tree with anchors and aliases resolved; this walks it with the
 * meaning Falco's rule loader (rule_loader_reader.cpp, rule_loader_collector.cpp)
 * gives each item, and keeps the file positions the condition compiler needs.
 *
 * Where this follows Falco on purpose, and where it differs:
 *   - every YAML document of a file is read in order, as Falco's LoadAll; empty
 *     documents and null items are skipped;
 *   - an item with no list, macro, rule or required_* key, and an unknown key
 *     in an item, are warnings, as in Falco (its schema check only warns);
 *   - invalid list and macro names, duplicate exception names and the
 *     deprecated 'append: true' and enabled-only forms are warnings, as in
 *     Falco 0.38+;
 *   - 'override' of a list or macro that does not exist is an error (Falco
 *     would define it on 'replace'); a duplicate key in a mapping is an error
 *     (YAML forbids it; yaml-cpp takes the first); 'override' that is not a
 *     mapping is an error (yaml-cpp iterates nothing and ignores it);
 *   - exception checks Falco makes when compiling (fields and values of equal
 *     length, string values for a single field) are made here, at load, for
 *     every rule; field names are left to the engine, which knows them;
 *   - tags keep file order without repeats (Falco keeps a sorted set).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "loader.h"

/* Bytes charged for each string copied in, on top of its length: a tiny
 * string repeated by aliases costs its allocation, not its one byte.
 */
#define STRING_COST 16

/* ------------------------------------------------------------------------ */
/* Small containers                                                          */

struct sbuf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 0))) static void sbuf_vaddf(struct sbuf *b, const char *fmt,
							      va_list ap)
{
	char tmp[512], *big;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		sbuf_add(b, tmp, n);
		return;
	}
	big = malloc((size_t)n + 1); /* rare: a long name in a message */
	if (!big) {
		b->oom = true;
		return;
	}
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	sbuf_add(b, big, n);
	free(big);
}

__attribute__((format(printf, 2, 3))) static void sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

/* Room for need elements of size elem in p (capacity *cap): p itself, the
 * moved array, or NULL when out of memory (p left as it was).
 */
static void *grow(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t ncap = *cap ? *cap : 4;
	void *np;

	if (need <= *cap)
		return p;
	while (ncap < need)
		ncap *= 2;
	np = realloc(p, (size_t)ncap * elem);
	if (!np)
		return NULL;
	*cap = ncap;
	return np;
}

/* Strings being collected: items, tags, fields. */
struct strv {
	char **v;
	uint32_t n;
	uint32_t cap;
};

/* Takes str; frees it when out of memory. */
static int strv_push(struct strv *s, char *str)
{
	char **v = grow(s->v, &s->cap, s->n + 1, sizeof(*s->v));

	if (!v) {
		free(str);
		return -ENOMEM;
	}
	s->v = v;
	s->v[s->n++] = str;
	return 0;
}

static void strs_free(char **v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void strv_free(struct strv *s)
{
	strs_free(s->v, s->n);
	memset(s, 0, sizeof(*s));
}

/* Drop repeats, keeping the first of each. */
static void strv_uniq(struct strv *s)
{
	uint32_t i, j, k = 0;

	for (i = 0; i < s->n; i++) {
		for (j = 0; j < k && strcmp(s->v[j], s->v[i]); j++)
			;
		if (j < k)
			free(s->v[i]);
		else
			s->v[k++] = s->v[i];
	}
	s->n = k;
}

/* ------------------------------------------------------------------------ */
/* Names to objects: open addressing over the object arrays, whose first     */
/* member is the name.                                                       */

struct name_index {
	uint32_t *slots; /* object index + 1; 0 is empty */
	uint32_t cap;	 /* a power of two, or 0 */
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static const char *obj_name(const void *base, size_t stride, uint32_t i)
{
	return *(char *const *)((const char *)base + (size_t)i * stride);
}

static int64_t index_find(const struct name_index *ix, const void *base, size_t stride,
			  const char *name)
{
	uint32_t m, h;

	if (!ix->cap)
		return -1;
	m = ix->cap - 1;
	for (h = name_hash(name) & m; ix->slots[h]; h = (h + 1) & m)
		if (!strcmp(obj_name(base, stride, ix->slots[h] - 1), name))
			return ix->slots[h] - 1;
	return -1;
}

static void index_put(struct name_index *ix, const void *base, size_t stride, uint32_t i)
{
	uint32_t m = ix->cap - 1, h;

	for (h = name_hash(obj_name(base, stride, i)) & m; ix->slots[h]; h = (h + 1) & m)
		;
	ix->slots[h] = i + 1;
}

/* Room for n names, the ones there (in base) rehashed when it grows. */
static int index_reserve(struct name_index *ix, const void *base, size_t stride, uint32_t n)
{
	uint32_t cap = ix->cap ? ix->cap : 16, oldcap = ix->cap;
	uint32_t *old = ix->slots;

	if ((uint64_t)n * 2 <= ix->cap)
		return 0;
	while (cap < (uint64_t)n * 2)
		cap *= 2;
	ix->slots = calloc(cap, sizeof(*ix->slots));
	if (!ix->slots) {
		ix->slots = old;
		return -ENOMEM;
	}
	ix->cap = cap;
	for (uint32_t i = 0; i < oldcap; i++)
		if (old[i])
			index_put(ix, base, stride, old[i] - 1);
	free(old);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The document                                                              */

struct vg_rules_doc {
	struct vg_rules_list *lists;
	struct vg_rules_macro *macros;
	struct vg_rules_rule *rules;
	uint32_t nlists, nmacros, nrules;
	uint32_t lists_cap, macros_cap, rules_cap;
	struct name_index lists_ix, macros_ix, rules_ix;
	char **files; /* every name positions point to */
	uint32_t nfiles, files_cap;
	struct vg_rules_warning *warnings;
	uint32_t nwarnings, warnings_cap;
	size_t ndropped;
	uint32_t counter; /* Falco's definition counter (index, visibility) */
	bool has_engine_version;
	uint32_t engine_version[3];
	char engine_version_str[40];
};

static void cond_free(struct vg_rules_cond *c)
{
	free(c->text);
	free(c->anchors);
	memset(c, 0, sizeof(*c));
}

static void extuple_free(struct vg_rules_extuple *t)
{
	for (uint32_t i = 0; i < t->nvals; i++)
		strs_free(t->vals[i].strs, t->vals[i].n);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

static void extuples_free(struct vg_rules_extuple *t, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		extuple_free(&t[i]);
	free(t);
}

static void exception_free(struct vg_rules_exception *e)
{
	free(e->name);
	strs_free(e->fields, e->nfields);
	strs_free(e->comps, e->comps ? e->nfields : 0);
	extuples_free(e->values, e->nvalues);
	memset(e, 0, sizeof(*e));
}

static void exceptions_free(struct vg_rules_exception *e, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		exception_free(&e[i]);
	free(e);
}

static void list_free(struct vg_rules_list *l)
{
	free(l->name);
	strs_free(l->items, l->nitems);
	memset(l, 0, sizeof(*l));
}

static void macro_free(struct vg_rules_macro *m)
{
	free(m->name);
	cond_free(&m->cond);
	memset(m, 0, sizeof(*m));
}

static void rule_free(struct vg_rules_rule *r)
{
	free(r->name);
	free(r->desc);
	cond_free(&r->cond);
	free(r->output);
	strs_free(r->tags, r->ntags);
	free(r->source);
	exceptions_free(r->exceptions, r->nexceptions);
	memset(r, 0, sizeof(*r));
}

struct vg_rules_doc *vg_rules_doc__new(void)
{
	return calloc(1, sizeof(struct vg_rules_doc));
}

void vg_rules_doc__free(struct vg_rules_doc *doc)
{
	uint32_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->nlists; i++)
		list_free(&doc->lists[i]);
	for (i = 0; i < doc->nmacros; i++)
		macro_free(&doc->macros[i]);
	for (i = 0; i < doc->nrules; i++)
		rule_free(&doc->rules[i]);
	free(doc->lists);
	free(doc->macros);
	free(doc->rules);
	free(doc->lists_ix.slots);
	free(doc->macros_ix.slots);
	free(doc->rules_ix.slots);
	strs_free(doc->files, doc->nfiles);
	for (i = 0; i < doc->nwarnings; i++)
		free(doc->warnings[i].msg);
	free(doc->warnings);
	free(doc);
}

/* ------------------------------------------------------------------------ */
/* One load: the file, its libyaml document, messages                        */

struct load {
	struct vg_rules_doc *doc;
	const char *file; /* owned by doc */
	yaml_document_t ydoc;
	const unsigned char *src;
	size_t srclen;
	bool src_ok;	 /* UTF-8, so values can be matched against the bytes */
	uint32_t *lines; /* byte where each line starts, lines counted as libyaml does */
	uint32_t nlines;
	size_t copied; /* string bytes copied in, see VG_RULES_LOAD_BYTES_MAX */
	const char *kind; /* the item being read, for messages: "rule", ... */
	const char *name;
	char *err;
	size_t errlen;
};

static void set_err(char *err, size_t errlen, const char *s)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", s);
}

__attribute__((format(printf, 5, 0))) static void vformat(struct load *ld, struct sbuf *b,
							   uint32_t line, uint32_t col,
							   const char *fmt, va_list ap)
{
	sbuf_addf(b, "%s:%u:%u: ", ld->file, line, col);
	sbuf_vaddf(b, fmt, ap);
	if (ld->kind && ld->name)
		sbuf_addf(b, " (in %s '%s')", ld->kind, ld->name);
}

__attribute__((format(printf, 4, 0))) static int vfail(struct load *ld, uint32_t line,
							uint32_t col, const char *fmt, va_list ap)
{
	struct sbuf b = { 0 };

	vformat(ld, &b, line, col, fmt, ap);
	set_err(ld->err, ld->errlen, b.oom ? "out of memory" : b.p);
	free(b.p);
	return b.oom ? -ENOMEM : -EINVAL;
}

__attribute__((format(printf, 4, 5))) static int fail_at(struct load *ld, uint32_t line,
							 uint32_t col, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vfail(ld, line, col, fmt, ap);
	va_end(ap);
	return err;
}

/* Fail with the position of node n. */
__attribute__((format(printf, 3, 4))) static int fail(struct load *ld, const yaml_node_t *n,
						      const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vfail(ld, n->start_mark.line + 1, n->start_mark.column + 1, fmt, ap);
	va_end(ap);
	return err;
}

__attribute__((format(printf, 3, 4))) static void warn(struct load *ld, const yaml_node_t *n,
						       const char *fmt, ...)
{
	struct vg_rules_doc *d = ld->doc;
	struct vg_rules_warning *w;
	struct sbuf b = { 0 };
	va_list ap;

	if (d->nwarnings >= VG_RULES_WARNINGS_MAX) {
		d->ndropped++;
		return;
	}
	va_start(ap, fmt);
	vformat(ld, &b, n->start_mark.line + 1, n->start_mark.column + 1, fmt, ap);
	va_end(ap);
	w = grow(d->warnings, &d->warnings_cap, d->nwarnings + 1, sizeof(*w));
	if (b.oom || !w) {
		free(b.p);
		d->ndropped++;
		return;
	}
	d->warnings = w;
	w[d->nwarnings++] = (struct vg_rules_warning){
		.pos = { ld->file, n->start_mark.line + 1, n->start_mark.column + 1 },
		.msg = b.p,
	};
}

static struct vg_rules_pos node_pos(struct load *ld, const yaml_node_t *n)
{
	return (struct vg_rules_pos){ ld->file, n->start_mark.line + 1, n->start_mark.column + 1 };
}

/* ------------------------------------------------------------------------ */
/* Lines: libyaml marks count lines and characters; these give the bytes     */

/* Length of the line break at s[i] (CRLF, CR, LF, NEL, LS, PS), 0 if none. */
static size_t break_len(const unsigned char *s, size_t i, size_t n)
{
	if (s[i] == '\n')
		return 1;
	if (s[i] == '\r')
		return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
	if (s[i] == 0xc2 && i + 1 < n && s[i + 1] == 0x85)
		return 2;
	if (s[i] == 0xe2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
		return 3;
	return 0;
}

static int lines_build(struct load *ld)
{
	const unsigned char *s = ld->src;
	size_t n = ld->srclen, i, b, start = 0;
	uint32_t k = 1;

	/* libyaml decodes UTF-16 (by its BOM) before marking; bytes then do
	 * not match values, and only node starts are known
	 */
	if (n >= 2 && ((s[0] == 0xfe && s[1] == 0xff) || (s[0] == 0xff && s[1] == 0xfe)))
		return 0;
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		start = 3; /* the BOM is not part of line 1 */
	for (i = start; i < n; i += b ? b : 1) {
		b = break_len(s, i, n);
		k += !!b;
	}
	ld->lines = malloc((size_t)k * sizeof(*ld->lines));
	if (!ld->lines)
		return -ENOMEM;
	ld->lines[0] = start;
	k = 1;
	for (i = start; i < n; i += b ? b : 1) {
		b = break_len(s, i, n);
		if (b)
			ld->lines[k++] = i + b;
	}
	ld->nlines = k;
	ld->src_ok = true;
	return 0;
}

/* The byte at 0-based line and character col, SIZE_MAX if not in the text. */
static size_t mark_byte(const struct load *ld, size_t line, size_t col)
{
	size_t p, end;

	if (!ld->src_ok || line >= ld->nlines)
		return SIZE_MAX;
	p = ld->lines[line];
	end = line + 1 < ld->nlines ? ld->lines[line + 1] : ld->srclen;
	while (col--) {
		if (p >= end)
			return SIZE_MAX;
		p++;
		while (p < end && (ld->src[p] & 0xc0) == 0x80)
			p++;
	}
	return p;
}

/* 1-based line and column of byte off (libyaml reports reader errors so). */
static void byte_linecol(const struct load *ld, size_t off, uint32_t *line, uint32_t *col)
{
	uint32_t lo = 0, hi = ld->nlines, c = 1;
	size_t p;

	if (!ld->src_ok || !ld->nlines) {
		*line = 1;
		*col = off + 1;
		return;
	}
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ld->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (p = ld->lines[lo]; p < off && p < ld->srclen; p++)
		c += (ld->src[p] & 0xc0) != 0x80;
	*line = lo + 1;
	*col = c;
}

/* ------------------------------------------------------------------------ */
/* Nodes                                                                     */

static yaml_node_t *ynode(struct load *ld, int i)
{
	return yaml_document_get_node(&ld->ydoc, i);
}

static bool key_is(const yaml_node_t *k, const char *key)
{
	size_t n = strlen(key);

	return k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == n &&
	       !memcmp(k->data.scalar.value, key, n);
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* YAML's null: a plain ~, null, Null, NULL or nothing (or tagged !!null). */
static bool is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE)
		return false;
	if (n->tag && !strcmp((const char *)n->tag, YAML_NULL_TAG))
		return true;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = sval(n);
	return !n->data.scalar.length || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* A non-empty, non-null scalar. */
static bool is_string(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length && !is_null(n);
}

static yaml_node_t *map_get(struct load *ld, const yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++)
		if (key_is(ynode(ld, p->key), key))
			return ynode(ld, p->value);
	return NULL;
}

/* Duplicate known keys are errors; unknown keys are warnings, as in Falco. */
static int check_keys(struct load *ld, const yaml_node_t *map, const char *const *known,
		      size_t nknown)
{
	uint64_t seen = 0;
	size_t i;

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = ynode(ld, p->key);

		if (!k)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			warn(ld, k, "a key that is not a string is ignored");
			continue;
		}
		for (i = 0; i < nknown && !key_is(k, known[i]); i++)
			;
		if (i == nknown) {
			warn(ld, k, "unknown key '%.128s' ignored", sval(k));
			continue;
		}
		if (seen & (1ull << i))
			return fail(ld, k, "duplicate key '%s'", known[i]);
		seen |= 1ull << i;
	}
	return 0;
}

#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

/* Copy a scalar in, within the string and load limits. */
static int dup_scalar(struct load *ld, const yaml_node_t *n, char **out)
{
	size_t len = n->data.scalar.length;
	char *s;

	*out = NULL;
	if (len > VG_RULES_STRING_MAX)
		return fail(ld, n, "string longer than %u bytes", VG_RULES_STRING_MAX);
	if (memchr(n->data.scalar.value, '\0', len))
		return fail(ld, n, "string contains a NUL byte");
	if (len + STRING_COST > VG_RULES_LOAD_BYTES_MAX - ld->copied)
		return fail(ld, n, "more than %u bytes of strings in one file (aliases repeating "
				   "large nodes?)", VG_RULES_LOAD_BYTES_MAX);
	ld->copied += len + STRING_COST;
	s = malloc(len + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, n->data.scalar.value, len);
	s[len] = '\0';
	*out = s;
	return 0;
}

/* The node of key as a non-empty string; NULL when absent and not required. */
static int get_scalar(struct load *ld, const yaml_node_t *map, const char *key, bool required,
		      const yaml_node_t **out)
{
	const yaml_node_t *v = map_get(ld, map, key);

	*out = NULL;
	if (!v)
		return required ? fail(ld, map, "missing key '%s'", key) : 0;
	if (v->type == YAML_SCALAR_NODE && (is_null(v) || !v->data.scalar.length))
		return fail(ld, v, "key '%s' is empty", key);
	if (v->type != YAML_SCALAR_NODE)
		return fail(ld, v, "'%s' must be a string", key);
	*out = v;
	return 0;
}

static int get_str(struct load *ld, const yaml_node_t *map, const char *key, bool required,
		   char **out)
{
	const yaml_node_t *v;
	int err;

	*out = NULL;
	err = get_scalar(ld, map, key, required, &v);
	if (err || !v)
		return err;
	return dup_scalar(ld, v, out);
}

/* yaml-cpp's booleans, which Falco reads with. */
static int parse_bool(const char *s, bool *out)
{
	static const char *const t[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					 "on",	 "On",	 "ON",	 "y",	"Y" };
	static const char *const f[] = { "false", "False", "FALSE", "no", "No", "NO",
					 "off",	  "Off",   "OFF",   "n",  "N" };

	for (size_t i = 0; i < NKEYS(t); i++) {
		if (!strcmp(s, t[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, f[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* *out is left alone when key is absent and not required. */
static int get_bool(struct load *ld, const yaml_node_t *map, const char *key, bool required,
		    bool *out)
{
	const yaml_node_t *v;
	int err;

	err = get_scalar(ld, map, key, required, &v);
	if (err || !v)
		return err;
	if (parse_bool(sval(v), out))
		return fail(ld, v, "'%s' must be true or false", key);
	return 0;
}

/*
 * A sequence of strings (empty ones allowed, as Falco's items and tags).
 * have: entries the destination holds already, for the limit.
 */
static int get_strv(struct load *ld, const yaml_node_t *map, const char *key, bool required,
		    struct strv *out, uint32_t have)
{
	const yaml_node_t *v = map_get(ld, map, key);
	char *s;
	int err;

	if (!v)
		return required ? fail(ld, map, "missing key '%s'", key) : 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "'%s' must be a sequence", key);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		const yaml_node_t *e = ynode(ld, *it);

		if (!e || e->type != YAML_SCALAR_NODE || is_null(e))
			return fail(ld, e ? e : v, "entries of '%s' must be strings", key);
		if ((uint64_t)have + out->n >= VG_RULES_LIST_ITEMS_MAX)
			return fail(ld, e, "more than %u entries in '%s'", VG_RULES_LIST_ITEMS_MAX,
				    key);
		err = dup_scalar(ld, e, &s);
		if (!err)
			err = strv_push(out, s);
		if (err)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Conditions and where their bytes come from                                */

static int anchor_add(struct load *ld, struct vg_rules_cond *c, uint32_t *cap, size_t off,
		      size_t line, size_t col)
{
	struct vg_rules_anchor *a = grow(c->anchors, cap, c->nanchors + 1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	c->anchors = a;
	a[c->nanchors++] = (struct vg_rules_anchor){ off, { ld->file, line + 1, col + 1 } };
	return 0;
}

/* Indentation of the first non-empty line from p: a block scalar's. */
static size_t block_indent(const unsigned char *s, size_t p, size_t end)
{
	size_t i, b;

	while (p < end) {
		for (i = p; i < end && s[i] == ' '; i++)
			;
		b = i < end ? break_len(s, i, end) : 0;
		if (!b)
			return i - p;
		p = i + b;
	}
	return 0;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Source length of the double-quoted escape at s[p] ('\\'), and the value
 * bytes it makes (*vlen); 0 when malformed.
 */
static size_t escape_len(const unsigned char *s, size_t p, size_t end, size_t *vlen)
{
	size_t elen = 2, i;
	uint32_t code = 0;

	*vlen = 1;
	switch (s[p + 1]) {
	case 'x':
		elen = 4;
		break;
	case 'u':
		elen = 6;
		break;
	case 'U':
		elen = 10;
		break;
	case 'N':
	case '_':
		*vlen = 2;
		return 2;
	case 'L':
	case 'P':
		*vlen = 3;
		return 2;
	default:
		return 2;
	}
	if (p + elen > end)
		return 0;
	for (i = p + 2; i < p + elen; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return 0;
		code = code << 4 | h;
	}
	*vlen = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
	return elen;
}

/*
 * Walk the source of scalar n alongside its value, adding an anchor wherever
 * the two stop advancing together: at the start, after each line break or
 * dropped indentation, quote or escape. Bytes that match are taken as the
 * same; source bytes that make nothing (indentation, a doubled quote, the
 * block header) are skipped; a line break makes a value '\n' or a folding
 * ' '. Exact for plain, quoted and block scalars as libyaml reads them;
 * stops refining (the last anchor carries on) at anything it does not know.
 */
static int cond_align(struct load *ld, const yaml_node_t *n, struct vg_rules_cond *c,
		      uint32_t *cap)
{
	const unsigned char *s = ld->src, *v = (const unsigned char *)c->text;
	yaml_scalar_style_t style = n->data.scalar.style;
	bool block = style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE;
	size_t line = n->start_mark.line, col = n->start_mark.column;
	size_t p = mark_byte(ld, line, col),
	       end = mark_byte(ld, n->end_mark.line, n->end_mark.column);
	size_t j = 0, indent = 0, skip = 0, b, elen, vlen;
	bool need = true;
	int err;

	if (p == SIZE_MAX)
		return 0;
	if (end == SIZE_MAX || end > ld->srclen)
		end = ld->srclen;
	/* the node starts at its properties (&anchor, !tag), if any */
	while (p < end && (s[p] == '&' || s[p] == '!')) {
		while (p < end && s[p] != ' ' && s[p] != '\t' && !break_len(s, p, end))
			col += (s[p++] & 0xc0) != 0x80;
		while (p < end && (s[p] == ' ' || s[p] == '\t' || (b = break_len(s, p, end)))) {
			if (s[p] == ' ' || s[p] == '\t') {
				p++;
				col++;
			} else {
				p += b;
				line++;
				col = 0;
			}
		}
	}
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		p++; /* the opening quote */
		col++;
	} else if (block) {
		/* the header line ("|", ">-", a comment) holds no content */
		while (p < end && !(b = break_len(s, p, end)))
			p++;
		if (p >= end)
			return 0;
		p += b;
		line++;
		col = 0;
		skip = indent = block_indent(s, p, end);
	}
	while (j < c->len && p < end) {
		unsigned char ch = s[p];

		if (skip && ch == ' ') {
			p++;
			col++;
			skip--;
			need = true;
			continue;
		}
		skip = 0;
		b = break_len(s, p, end);
		if (b) {
			if (ch != '\n' && ch != '\r')
				break; /* NEL, LS, PS: libyaml may keep or fold them */
			if (v[j] == '\n' || v[j] == ' ') {
				if (!c->nanchors) {
					err = anchor_add(ld, c, cap, j, line, col);
					if (err)
						return err;
				}
				j++;
			}
			p += b;
			line++;
			col = 0;
			need = true;
			skip = indent;
			continue;
		}
		if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && ch == '\\' && p + 1 < end) {
			b = break_len(s, p + 1, end);
			if (b) { /* an escaped line break joins the lines */
				p += 1 + b;
				line++;
				col = 0;
				need = true;
				continue;
			}
			elen = escape_len(s, p, end, &vlen);
			if (!elen || j + vlen > c->len)
				break;
			err = anchor_add(ld, c, cap, j, line, col);
			if (err)
				return err;
			j += vlen;
			p += elen;
			col += elen;
			need = true;
			continue;
		}
		if (ch == v[j]) {
			if (need) {
				err = anchor_add(ld, c, cap, j, line, col);
				if (err)
					return err;
				need = false;
			}
			j++;
		} else {
			need = true;
		}
		p++;
		col += (ch & 0xc0) != 0x80;
	}
	return 0;
}

/* c from scalar node n (checked to be a non-empty string). */
static int cond_set(struct load *ld, const yaml_node_t *n, struct vg_rules_cond *c)
{
	yaml_scalar_style_t style = n->data.scalar.style;
	uint32_t cap = 0;
	int err;

	memset(c, 0, sizeof(*c));
	err = dup_scalar(ld, n, &c->text);
	if (err)
		return err;
	c->len = n->data.scalar.length;
	err = cond_align(ld, n, c, &cap);
	if (!err && !c->nanchors) {
		/* nothing better known: where the node starts (inside its quote) */
		bool quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
			      style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;

		err = anchor_add(ld, c, &cap, 0, n->start_mark.line,
				 n->start_mark.column + quoted);
	}
	if (err)
		cond_free(c);
	return err;
}

/* dst + " " + add, the way Falco appends conditions; add is left as it was. */
static int cond_append(struct vg_rules_cond *dst, const struct vg_rules_cond *add)
{
	size_t len = (size_t)dst->len + 1 + add->len;
	struct vg_rules_anchor *a;
	char *t;

	t = realloc(dst->text, len + 1);
	if (!t)
		return -ENOMEM;
	dst->text = t;
	a = realloc(dst->anchors, ((size_t)dst->nanchors + add->nanchors) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	dst->anchors = a;
	t[dst->len] = ' ';
	memcpy(t + dst->len + 1, add->text, add->len + 1);
	for (uint32_t i = 0; i < add->nanchors; i++) {
		a[dst->nanchors + i] = add->anchors[i];
		a[dst->nanchors + i].off += dst->len + 1;
	}
	dst->nanchors += add->nanchors;
	dst->len = len;
	return 0;
}

static int str_append(char **dst, const char *add)
{
	size_t n = strlen(*dst), m = strlen(add);
	char *s = realloc(*dst, n + 1 + m + 1);

	if (!s)
		return -ENOMEM;
	s[n] = ' ';
	memcpy(s + n + 1, add, m + 1);
	*dst = s;
	return 0;
}

int vg_rules_cond__locate(const struct vg_rules_cond *c, size_t off, struct vg_rules_pos *pos)
{
	uint32_t lo = 0, hi;
	const struct vg_rules_anchor *a;

	if (!c || !c->nanchors || off > c->len)
		return -ERANGE;
	hi = c->nanchors;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (c->anchors[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	a = &c->anchors[lo];
	*pos = a->pos;
	for (size_t i = a->off; i < off; i++)
		pos->col += ((unsigned char)c->text[i] & 0xc0) != 0x80;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Priorities                                                                */

static const char *const prio_names[] = { "Emergency", "Alert",  "Critical",	  "Error",
					  "Warning",   "Notice", "Informational", "Debug" };

const char *vg_rules_priority__name(enum vg_rules_priority p)
{
	return (unsigned)p < NKEYS(prio_names) ? prio_names[p] : NULL;
}

int vg_rules_priority__parse(const char *s, enum vg_rules_priority *p)
{
	for (size_t i = 0; i < NKEYS(prio_names); i++) {
		if (!strcasecmp(s, prio_names[i])) {
			*p = i;
			return 0;
		}
	}
	if (!strcasecmp(s, "info")) {
		*p = VG_RULES_PRIO_INFORMATIONAL;
		return 0;
	}
	return -EINVAL;
}

/* ------------------------------------------------------------------------ */
/* Overrides                                                                 */

enum okey {
	K_CONDITION,
	K_OUTPUT,
	K_DESC,
	K_PRIORITY,
	K_TAGS,
	K_EXCEPTIONS,
	K_ENABLED,
	K_WARN_EVTTYPES,
	K_SKIP_UNKNOWN,
	K_ITEMS,
	K_COUNT,
};

static const char *const okey_names[K_COUNT] = {
	"condition",  "output",	 "desc",	  "priority",		    "tags",
	"exceptions", "enabled", "warn_evttypes", "skip-if-unknown-filter", "items",
};

#define BIT(k) (1u << (k))
#define RULE_APPENDABLE \
	(BIT(K_CONDITION) | BIT(K_OUTPUT) | BIT(K_DESC) | BIT(K_TAGS) | BIT(K_EXCEPTIONS))
#define RULE_REPLACEABLE \
	(RULE_APPENDABLE | BIT(K_PRIORITY) | BIT(K_ENABLED) | BIT(K_WARN_EVTTYPES) | \
	 BIT(K_SKIP_UNKNOWN))

/* The keys under 'override' to append (*app) and to replace (*rep). */
static int get_override(struct load *ld, const yaml_node_t *item, unsigned can_append,
			unsigned can_replace, unsigned *app, unsigned *rep)
{
	const yaml_node_t *v = map_get(ld, item, "override");
	unsigned k;

	*app = *rep = 0;
	if (!v)
		return 0;
	if (v->type != YAML_MAPPING_NODE)
		return fail(ld, v, "'override' must be a mapping");
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *key = ynode(ld, p->key), *op = ynode(ld, p->value);
		bool append;

		if (!key || !op)
			continue;
		if (key->type != YAML_SCALAR_NODE)
			return fail(ld, key, "keys of 'override' must be strings");
		if (!key_is(op, "append") && !key_is(op, "replace"))
			return fail(ld, op, "override of '%.128s' must be append or replace",
				    sval(key));
		append = key_is(op, "append");
		for (k = 0; k < K_COUNT && !key_is(key, okey_names[k]); k++)
			;
		if (k == K_COUNT || !((append ? can_append : can_replace) & BIT(k)))
			return fail(ld, key, "'%.128s' cannot be %s in a %s", sval(key),
				    append ? "appended to" : "replaced", ld->kind);
		if ((*app | *rep) & BIT(k))
			return fail(ld, key, "duplicate key '%s'", okey_names[k]);
		*(append ? app : rep) |= BIT(k);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Objects: the slot for a name, existing or new                             */

/* Slot for name in an array of objects: the existing one (*found), or a new
 * one at the end for which room is made in the array (*arr, moved) and in
 * its index; the caller fills it and then calls objs_commit.
 */
static int objs_slot(struct load *ld, const yaml_node_t *item, void **arr, uint32_t n,
		     uint32_t *cap, struct name_index *ix, size_t stride, uint32_t max,
		     const char *what, const char *name, uint32_t *slot, bool *found)
{
	int64_t i = index_find(ix, *arr, stride, name);
	void *a;

	*found = i >= 0;
	if (*found) {
		*slot = i;
		return 0;
	}
	if (n >= max)
		return fail(ld, item, "more than %u %s", max, what);
	a = grow(*arr, cap, n + 1, stride);
	if (!a)
		return -ENOMEM;
	*arr = a;
	*slot = n;
	return index_reserve(ix, a, stride, n + 1);
}

static void objs_commit(struct name_index *ix, const void *arr, size_t stride, uint32_t *n,
			uint32_t slot, bool found)
{
	if (found)
		return;
	index_put(ix, arr, stride, slot);
	(*n)++;
}

/* The array goes through a void * of its own: no type punning of the field. */
#define OBJS_SLOT(ld, item, kind, max, name, slot, found)                                          \
	({                                                                                         \
		void *___a = (ld)->doc->kind;                                                      \
		int ___e =                                                                         \
			objs_slot((ld), (item), &___a, (ld)->doc->n##kind, &(ld)->doc->kind##_cap, \
				  &(ld)->doc->kind##_ix, sizeof(*(ld)->doc->kind), (max), #kind,   \
				  (name), (slot), (found));                                        \
		(ld)->doc->kind = ___a;                                                            \
		___e;                                                                              \
	})
#define OBJS_COMMIT(d, kind, slot, found) \
	objs_commit(&(d)->kind##_ix, (d)->kind, sizeof(*(d)->kind), &(d)->n##kind, (slot), (found))

/* ------------------------------------------------------------------------ */
/* Lists and macros                                                          */

/* Falco's bare string: what a condition can name a list with. */
static bool is_barestr(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (strchr("()\"'=, \t\n\v\f\r", *s))
			return false;
	return true;
}

/* Falco's identifier: a macro name. */
static bool is_identifier(const char *s)
{
	if (!((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') && !(*s >= '0' && *s <= '9') &&
		    *s != '_')
			return false;
	return true;
}

#define WARN_APPEND "'append: true' is deprecated: use 'override' (e.g. 'condition: append')"

static int load_list(struct load *ld, const yaml_node_t *item)
{
	static const char *const keys[] = { "list", "items", "append", "override" };
	struct vg_rules_doc *d = ld->doc;
	struct strv items = { 0 };
	struct vg_rules_list *l;
	unsigned app = 0, rep = 0;
	bool append = false, found;
	char *name;
	int64_t prev;
	uint32_t slot;
	int err;

	err = get_str(ld, item, "list", true, &name);
	if (err)
		return err;
	ld->kind = "list";
	ld->name = name;
	prev = index_find(&d->lists_ix, d->lists, sizeof(*d->lists), name);
	err = check_keys(ld, item, keys, NKEYS(keys));
	if (!err && !is_barestr(name))
		warn(ld, item, "the name is not a bare word: conditions cannot refer to it");
	if (!err)
		err = get_bool(ld, item, "append", false, &append);
	if (!err && append)
		warn(ld, item, WARN_APPEND);
	if (!err)
		err = get_override(ld, item, BIT(K_ITEMS), BIT(K_ITEMS), &app, &rep);
	if (!err && append && (app | rep))
		err = fail(ld, item, "'override' and 'append: true' cannot be used together");
	append |= !!app;
	if (!err)
		err = get_strv(ld, item, "items", true, &items,
			       append && prev >= 0 ? d->lists[prev].nitems : 0);
	if (!err && prev < 0 && (append || rep))
		err = fail(ld, item, "the list is %s but not defined before",
			   append ? "appended to" : "overridden");
	if (err)
		goto out;
	if (append) {
		char **v;

		l = &d->lists[prev];
		/* + 1: never a realloc to 0 bytes, which may return NULL */
		v = realloc(l->items, ((size_t)l->nitems + items.n) * sizeof(*v) + 1);
		if (!v) {
			err = -ENOMEM;
			goto out;
		}
		if (items.n) /* items.v is NULL for "items: []" */
			memcpy(v + l->nitems, items.v, (size_t)items.n * sizeof(*v));
		l->items = v;
		l->nitems += items.n;
		l->visibility = d->counter++;
		free(items.v);
		items = (struct strv){ 0 };
		goto out;
	}
	err = OBJS_SLOT(ld, item, lists, VG_RULES_LISTS_MAX, name, &slot, &found);
	if (err)
		goto out;
	l = &d->lists[slot];
	if (found) {
		uint32_t index = l->index;

		list_free(l);
		l->index = index;
	} else {
		l->index = d->counter;
	}
	l->visibility = d->counter++;
	l->name = name;
	l->pos = node_pos(ld, item);
	l->items = items.v;
	l->nitems = items.n;
	OBJS_COMMIT(d, lists, slot, found);
	ld->name = NULL;
	return 0;
out:
	ld->name = NULL;
	free(name);
	strv_free(&items);
	return err;
}

static int load_macro(struct load *ld, const yaml_node_t *item)
{
	static const char *const keys[] = { "macro", "condition", "append", "override" };
	struct vg_rules_doc *d = ld->doc;
	struct vg_rules_cond cond = { 0 };
	const yaml_node_t *cn;
	struct vg_rules_macro *m;
	unsigned app = 0, rep = 0;
	bool append = false, found;
	char *name;
	int64_t prev;
	uint32_t slot;
	int err;

	err = get_str(ld, item, "macro", true, &name);
	if (err)
		return err;
	ld->kind = "macro";
	ld->name = name;
	prev = index_find(&d->macros_ix, d->macros, sizeof(*d->macros), name);
	err = check_keys(ld, item, keys, NKEYS(keys));
	if (!err && !is_identifier(name))
		warn(ld, item, "the name is not an identifier ([a-zA-Z][a-zA-Z0-9_]*)");
	if (!err)
		err = get_scalar(ld, item, "condition", true, &cn);
	if (!err)
		err = get_bool(ld, item, "append", false, &append);
	if (!err && append)
		warn(ld, item, WARN_APPEND);
	if (!err)
		err = get_override(ld, item, BIT(K_CONDITION), BIT(K_CONDITION), &app, &rep);
	if (!err && append && (app | rep))
		err = fail(ld, item, "'override' and 'append: true' cannot be used together");
	append |= !!app;
	if (!err && prev < 0 && (append || rep))
		err = fail(ld, item, "the macro is %s but not defined before",
			   append ? "appended to" : "overridden");
	if (!err && append && (size_t)d->macros[prev].cond.len + 1 + cn->data.scalar.length >
				      VG_RULES_STRING_MAX)
		err = fail(ld, cn, "condition longer than %u bytes once appended",
			   VG_RULES_STRING_MAX);
	if (!err)
		err = cond_set(ld, cn, &cond);
	if (err)
		goto out;
	if (append) {
		m = &d->macros[prev];
		err = cond_append(&m->cond, &cond);
		if (!err)
			m->visibility = d->counter++;
		goto out;
	}
	err = OBJS_SLOT(ld, item, macros, VG_RULES_MACROS_MAX, name, &slot, &found);
	if (err)
		goto out;
	m = &d->macros[slot];
	if (found) {
		uint32_t index = m->index;

		macro_free(m);
		m->index = index;
	} else {
		m->index = d->counter;
	}
	m->visibility = d->counter++;
	m->name = name;
	m->pos = node_pos(ld, item);
	m->cond = cond;
	OBJS_COMMIT(d, macros, slot, found);
	ld->name = NULL;
	return 0;
out:
	ld->name = NULL;
	free(name);
	cond_free(&cond);
	return err;
}

/* ------------------------------------------------------------------------ */
/* Exceptions                                                                */

/* An exception as read, before it is checked against the rule. */
struct ex_in {
	struct vg_rules_exception ex;
	const yaml_node_t *node;
	bool has_fields;
	bool has_comps;
	bool comps_is_list;
	struct strv comps;
	bool is_new; /* appended: not an existing exception's name */
};

static void ex_ins_free(struct ex_in *in, uint32_t n)
{
	if (!in)
		return;
	for (uint32_t i = 0; i < n; i++) {
		exception_free(&in[i].ex);
		strv_free(&in[i].comps);
	}
	free(in);
}

/* fields and comps: a string, or a sequence of strings. */
static int get_str_or_strs(struct load *ld, const yaml_node_t *v, const char *key, struct strv *out,
			   bool *is_list)
{
	char *s;
	int err;

	if (is_string(v)) {
		*is_list = false;
		err = dup_scalar(ld, v, &s);
		return err ? err : strv_push(out, s);
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "'%s' must be a string or a sequence of strings", key);
	*is_list = true;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		const yaml_node_t *e = ynode(ld, *it);

		if (!is_string(e))
			return fail(ld, e ? e : v, "'%s' must be a string or a sequence of strings",
				    key);
		if (out->n >= VG_RULES_LIST_ITEMS_MAX)
			return fail(ld, e, "more than %u entries in '%s'", VG_RULES_LIST_ITEMS_MAX,
				    key);
		err = dup_scalar(ld, e, &s);
		if (!err)
			err = strv_push(out, s);
		if (err)
			return err;
	}
	return 0;
}

/* One entry of 'values': a string, or a sequence of strings and sequences of
 * strings.
 */
static int get_extuple(struct load *ld, const yaml_node_t *v, struct vg_rules_extuple *t)
{
	static const char bad[] = "exception values must be strings or sequences of strings";
	const yaml_node_t *e;
	struct strv sv;
	char *s;
	int err;

	t->pos = node_pos(ld, v);
	if (is_string(v)) {
		t->vals = calloc(1, sizeof(*t->vals));
		if (!t->vals)
			return -ENOMEM;
		t->nvals = 1;
		err = dup_scalar(ld, v, &s);
		if (err)
			return err;
		sv = (struct strv){ 0 };
		err = strv_push(&sv, s);
		t->vals[0].strs = sv.v;
		t->vals[0].n = sv.n;
		return err;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, bad);
	t->is_list = true;
	if (v->data.sequence.items.top - v->data.sequence.items.start > VG_RULES_LIST_ITEMS_MAX)
		return fail(ld, v, "more than %u entries in an exception value",
			    VG_RULES_LIST_ITEMS_MAX);
	t->vals = calloc(v->data.sequence.items.top - v->data.sequence.items.start + 1,
			 sizeof(*t->vals));
	if (!t->vals)
		return -ENOMEM;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		struct vg_rules_exval *x = &t->vals[t->nvals++];

		e = ynode(ld, *it);
		if (!e)
			return fail(ld, v, bad);
		sv = (struct strv){ 0 };
		if (is_string(e)) {
			err = dup_scalar(ld, e, &s);
			if (!err)
				err = strv_push(&sv, s);
		} else if (e->type == YAML_SEQUENCE_NODE) {
			x->is_list = true;
			err = 0;
			for (yaml_node_item_t *jt = e->data.sequence.items.start;
			     !err && jt < e->data.sequence.items.top; jt++) {
				const yaml_node_t *f = ynode(ld, *jt);

				if (!is_string(f))
					err = fail(ld, f ? f : e, bad);
				else if (sv.n >= VG_RULES_LIST_ITEMS_MAX)
					err = fail(ld, f,
						   "more than %u entries in an exception value",
						   VG_RULES_LIST_ITEMS_MAX);
				else if (!(err = dup_scalar(ld, f, &s)))
					err = strv_push(&sv, s);
			}
		} else {
			err = fail(ld, e, bad);
		}
		x->strs = sv.v;
		x->n = sv.n;
		if (err)
			return err;
	}
	return 0;
}

static int get_exception(struct load *ld, const yaml_node_t *e, bool append, struct ex_in *in)
{
	static const char *const keys[] = { "name", "fields", "comps", "values" };
	struct vg_rules_exception *ex = &in->ex;
	const yaml_node_t *v;
	struct strv fields = { 0 };
	int err;

	in->node = e;
	ex->pos = node_pos(ld, e);
	err = check_keys(ld, e, keys, NKEYS(keys));
	if (!err)
		err = get_str(ld, e, "name", true, &ex->name);
	if (err)
		return err;
	v = map_get(ld, e, "fields");
	if (!v && !append) /* appended values need no fields */
		return fail(ld, e, "missing key 'fields' in exception '%s'", ex->name);
	if (v) {
		in->has_fields = true;
		err = get_str_or_strs(ld, v, "fields", &fields, &ex->fields_is_list);
		ex->fields = fields.v;
		ex->nfields = fields.n;
		if (err)
			return err;
	}
	v = map_get(ld, e, "comps");
	if (v) {
		in->has_comps = true;
		err = get_str_or_strs(ld, v, "comps", &in->comps, &in->comps_is_list);
		if (err)
			return err;
	}
	v = map_get(ld, e, "values");
	if (!v) {
		if (append)
			warn(ld, e, "exception '%s' is appended to with no values", ex->name);
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "'values' must be a sequence");
	if (v->data.sequence.items.top - v->data.sequence.items.start > VG_RULES_LIST_ITEMS_MAX)
		return fail(ld, v, "more than %u entries in 'values'", VG_RULES_LIST_ITEMS_MAX);
	ex->values = calloc(v->data.sequence.items.top - v->data.sequence.items.start + 1,
			    sizeof(*ex->values));
	if (!ex->values)
		return -ENOMEM;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		const yaml_node_t *t = ynode(ld, *it);

		if (!t)
			continue;
		err = get_extuple(ld, t, &ex->values[ex->nvalues++]);
		if (err)
			return err;
	}
	return 0;
}

/* The exceptions of a rule item; none when absent or null. append: Falco's
 * append/override-append form, where fields may be left out.
 */
static int get_exceptions(struct load *ld, const yaml_node_t *item, bool append,
			  struct ex_in **out, uint32_t *nout)
{
	const yaml_node_t *v = map_get(ld, item, "exceptions");
	struct ex_in *in;
	uint32_t n = 0;
	size_t count;
	int err = 0;

	*out = NULL;
	*nout = 0;
	if (!v || is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "'exceptions' must be a sequence");
	count = v->data.sequence.items.top - v->data.sequence.items.start;
	if (count > VG_RULES_LIST_ITEMS_MAX)
		return fail(ld, v, "more than %u exceptions", VG_RULES_LIST_ITEMS_MAX);
	in = calloc(count + 1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     !err && it < v->data.sequence.items.top; it++) {
		const yaml_node_t *e = ynode(ld, *it);

		if (!e || e->type != YAML_MAPPING_NODE) {
			err = fail(ld, e ? e : v, "exception is not a mapping");
			break;
		}
		err = get_exception(ld, e, append, &in[n++]);
		for (uint32_t k = 0; !err && k + 1 < n; k++) {
			if (!strcmp(in[k].ex.name, in[n - 1].ex.name)) {
				warn(ld, e, "exception '%s' is defined twice", in[k].ex.name);
				break;
			}
		}
	}
	if (err) {
		ex_ins_free(in, n);
		return err;
	}
	*out = in;
	*nout = n;
	return 0;
}

static const char *const cmp_ops[] = {
	"=",	     "==",	   "!=",	 "<=",	     "<",    ">=",   ">",
	"contains",  "icontains",  "bcontains",	 "startswith", "bstartswith", "endswith",
	"glob",	     "iglob",	   "regex",	 "in",	       "intersects",  "pmatch",
};

static bool is_list_op(const char *op)
{
	return !strcmp(op, "in") || !strcmp(op, "intersects") || !strcmp(op, "pmatch");
}

static bool is_cmp_op(const char *op)
{
	for (size_t i = 0; i < NKEYS(cmp_ops); i++)
		if (!strcmp(op, cmp_ops[i]))
			return true;
	return false;
}

/* Values t (n of them) against the fields of ex. */
static int ex_check_values(struct load *ld, const struct vg_rules_exception *ex,
			   const struct vg_rules_extuple *t, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (ex->fields_is_list && (!t[i].is_list || t[i].nvals != ex->nfields))
			return fail_at(ld, t[i].pos.line, t[i].pos.col,
				       "exception '%s': each value must be a sequence of %u "
				       "entries, one per field",
				       ex->name, ex->nfields);
		if (!ex->fields_is_list && t[i].is_list)
			return fail_at(ld, t[i].pos.line, t[i].pos.col,
				       "exception '%s': with a single field, each value must be a "
				       "string",
				       ex->name);
	}
	return 0;
}

/* A whole exception (defined, or new by append): comps filled in, checked. */
static int ex_validate(struct load *ld, struct ex_in *in, bool need_values)
{
	struct vg_rules_exception *ex = &in->ex;
	const yaml_node_t *e = in->node;
	char *s;

	if (!in->has_fields || !ex->nfields)
		return fail(ld, e, "exception '%s' has no fields", ex->name);
	if (need_values && !ex->nvalues)
		return fail(ld, e, "exception '%s' has no values", ex->name);
	if (ex->fields_is_list) {
		if (in->has_comps && (!in->comps_is_list || in->comps.n != ex->nfields))
			return fail(ld, e, "exception '%s': 'fields' and 'comps' differ in length",
				    ex->name);
		for (uint32_t i = 0; in->has_comps && i < in->comps.n; i++)
			if (!is_cmp_op(in->comps.v[i]))
				return fail(ld, e,
					    "exception '%s': '%.64s' is not a comparison operator",
					    ex->name, in->comps.v[i]);
	} else if (in->has_comps) {
		if (in->comps_is_list)
			return fail(ld, e,
				    "exception '%s': 'fields' and 'comps' must both be strings",
				    ex->name);
		if (!is_list_op(in->comps.v[0]))
			return fail(ld, e,
				    "exception '%s': with a single field, 'comps' must be in, "
				    "intersects or pmatch",
				    ex->name);
	}
	if (!in->has_comps) {
		/* Falco's defaults: "=" for each field, "in" for a single one */
		for (uint32_t i = 0; i < ex->nfields; i++) {
			s = strdup(ex->fields_is_list ? "=" : "in");
			if (!s || strv_push(&in->comps, s))
				return -ENOMEM;
		}
	}
	ex->comps = in->comps.v;
	in->comps = (struct strv){ 0 };
	return ex_check_values(ld, ex, ex->values, ex->nvalues);
}

static struct vg_rules_exception *ex_find(struct vg_rules_exception *e, uint32_t n,
					  const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(e[i].name, name))
			return &e[i];
	return NULL;
}

/*
 * Falco's append of exceptions to rule r: a new name is a new exception
 * (fields and values needed), an existing one gets the values (nothing
 * else). Everything is checked before anything changes.
 */
static int ex_merge_check(struct load *ld, const struct vg_rules_rule *r, struct ex_in *in,
			  uint32_t n)
{
	uint32_t nnew = 0, i, k;
	int err;

	for (i = 0; i < n; i++) {
		const struct vg_rules_exception *t;
		uint64_t total;

		t = ex_find(r->exceptions, r->nexceptions, in[i].ex.name);
		for (k = 0; !t && k < i; k++)
			if (in[k].is_new && !strcmp(in[k].ex.name, in[i].ex.name))
				t = &in[k].ex;
		if (!t) {
			err = ex_validate(ld, &in[i], true);
			if (err)
				return err;
			if ((uint64_t)r->nexceptions + ++nnew > VG_RULES_LIST_ITEMS_MAX)
				return fail(ld, in[i].node, "more than %u exceptions",
					    VG_RULES_LIST_ITEMS_MAX);
			in[i].is_new = true;
			continue;
		}
		if (in[i].has_fields || in[i].has_comps)
			return fail(ld, in[i].node,
				    "exception '%s' exists: only values can be appended to it",
				    in[i].ex.name);
		err = ex_check_values(ld, t, in[i].ex.values, in[i].ex.nvalues);
		if (err)
			return err;
		total = (uint64_t)t->nvalues + in[i].ex.nvalues;
		for (k = 0; k < i; k++)
			if (!in[k].is_new && !strcmp(in[k].ex.name, in[i].ex.name))
				total += in[k].ex.nvalues;
		if (total > VG_RULES_LIST_ITEMS_MAX)
			return fail(ld, in[i].node, "more than %u values in exception '%s'",
				    VG_RULES_LIST_ITEMS_MAX, in[i].ex.name);
	}
	return 0;
}

static int ex_merge_apply(struct vg_rules_rule *r, struct ex_in *in, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct vg_rules_exception *t;
		void *p;

		if (in[i].is_new) {
			p = realloc(r->exceptions, (r->nexceptions + 1) * sizeof(*r->exceptions));
			if (!p)
				return -ENOMEM;
			r->exceptions = p;
			r->exceptions[r->nexceptions++] = in[i].ex;
			memset(&in[i].ex, 0, sizeof(in[i].ex));
			continue;
		}
		t = ex_find(r->exceptions, r->nexceptions, in[i].ex.name);
		if (!in[i].ex.nvalues)
			continue;
		p = realloc(t->values,
			    ((size_t)t->nvalues + in[i].ex.nvalues) * sizeof(*t->values));
		if (!p)
			return -ENOMEM;
		t->values = p;
		memcpy(t->values + t->nvalues, in[i].ex.values,
		       in[i].ex.nvalues * sizeof(*t->values));
		t->nvalues += in[i].ex.nvalues;
		in[i].ex.nvalues = 0;
	}
	return 0;
}

/* Exceptions for a definition or a replace: each checked, then taken. */
static int ex_take_all(struct load *ld, struct ex_in *in, uint32_t n,
		       struct vg_rules_exception **out, uint32_t *nout)
{
	struct vg_rules_exception *e;
	int err;

	*out = NULL;
	*nout = 0;
	for (uint32_t i = 0; i < n; i++) {
		err = ex_validate(ld, &in[i], false);
		if (err)
			return err;
	}
	if (!n)
		return 0;
	e = calloc(n, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		e[i] = in[i].ex;
		memset(&in[i].ex, 0, sizeof(in[i].ex));
	}
	*out = e;
	*nout = n;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Rules                                                                     */

static const char *const rule_keys[] = {
	"rule",	  "desc",	    "condition",     "output",		"priority",
	"tags",	  "enabled",	    "exceptions",    "source",		"warn_evttypes",
	"skip-if-unknown-filter",   "append",	     "override",	"capture",
	"capture_duration",	    "capture_events", "capture_filesize",
};

static struct vg_rules_rule *rule_get(struct vg_rules_doc *d, const char *name)
{
	int64_t i = index_find(&d->rules_ix, d->rules, sizeof(*d->rules), name);

	return i < 0 ? NULL : &d->rules[i];
}

static int get_priority(struct load *ld, const yaml_node_t *pn, enum vg_rules_priority *p)
{
	if (vg_rules_priority__parse(sval(pn), p))
		return fail(ld, pn,
			    "invalid priority '%.64s' (EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, "
			    "NOTICE, INFORMATIONAL, INFO or DEBUG)",
			    sval(pn));
	return 0;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && strchr(" \t\n\v\f\r", s[n - 1]))
		n--;
	while (i < n && strchr(" \t\n\v\f\r", s[i]))
		i++;
	memmove(s, s + i, n - i);
	s[n - i] = '\0';
}

static int rule_define(struct load *ld, const yaml_node_t *item, char **name)
{
	struct vg_rules_doc *d = ld->doc;
	struct vg_rules_rule r = { .enabled = true, .warn_evttypes = true }, *prev, *slotp;
	const yaml_node_t *cn, *on, *dn, *pn;
	struct strv tags = { 0 };
	struct ex_in *in = NULL;
	uint32_t nin = 0, slot;
	bool found;
	int err;

	/* Falco's order: condition, output, desc, priority */
	err = get_scalar(ld, item, "condition", true, &cn);
	if (!err)
		err = get_scalar(ld, item, "output", true, &on);
	if (!err)
		err = get_scalar(ld, item, "desc", true, &dn);
	if (!err)
		err = get_scalar(ld, item, "priority", true, &pn);
	if (!err)
		err = get_priority(ld, pn, &r.priority);
	if (!err)
		err = cond_set(ld, cn, &r.cond);
	if (!err)
		err = dup_scalar(ld, on, &r.output);
	if (!err)
		err = dup_scalar(ld, dn, &r.desc);
	if (!err)
		err = get_str(ld, item, "source", false, &r.source);
	if (!err && !r.source && !(r.source = strdup("syscall")))
		err = -ENOMEM;
	if (!err)
		err = get_bool(ld, item, "enabled", false, &r.enabled);
	if (!err)
		err = get_bool(ld, item, "warn_evttypes", false, &r.warn_evttypes);
	if (!err)
		err = get_bool(ld, item, "skip-if-unknown-filter", false,
			       &r.skip_if_unknown_filter);
	if (!err)
		err = get_strv(ld, item, "tags", false, &tags, 0);
	if (!err)
		err = get_exceptions(ld, item, false, &in, &nin);
	if (!err)
		err = ex_take_all(ld, in, nin, &r.exceptions, &r.nexceptions);
	prev = rule_get(d, *name);
	if (!err && prev && strcmp(prev->source, r.source))
		err = fail(ld, item, "the rule is redefined with source '%.64s' but was '%.64s'",
			   r.source, prev->source);
	if (!err)
		err = OBJS_SLOT(ld, item, rules, VG_RULES_RULES_MAX, *name, &slot, &found);
	if (err)
		goto out;
	trim(r.output);
	strv_uniq(&tags);
	r.tags = tags.v;
	r.ntags = tags.n;
	tags = (struct strv){ 0 };
	r.unknown_source = strcmp(r.source, "syscall");
	if (r.unknown_source)
		warn(ld, item, "source '%.64s' is not syscall: the rule is kept but not run",
		     r.source);
	r.name = *name;
	*name = NULL;
	r.pos = node_pos(ld, item);
	r.output_pos = node_pos(ld, on);
	slotp = &d->rules[slot];
	if (found) {
		r.index = slotp->index;
		rule_free(slotp);
	} else {
		r.index = d->counter;
	}
	r.visibility = d->counter++;
	*slotp = r;
	r = (struct vg_rules_rule){ 0 };
	OBJS_COMMIT(d, rules, slot, found);
out:
	rule_free(&r);
	strv_free(&tags);
	ex_ins_free(in, nin);
	return err;
}

/* The legacy form: only 'rule' and 'enabled', to switch an earlier rule. */
static int rule_enable(struct load *ld, const yaml_node_t *item, const char *name)
{
	struct vg_rules_rule *prev = rule_get(ld->doc, name);
	bool enabled = true;
	int err;

	if (!map_get(ld, item, "enabled"))
		return fail(ld, item, "missing key 'condition', 'output', 'desc' and 'priority' "
				      "(or only 'enabled', to switch an earlier rule)");
	err = get_bool(ld, item, "enabled", true, &enabled);
	if (err)
		return err;
	warn(ld, item,
	     "'enabled' alone is deprecated: use 'override' with 'enabled: replace'");
	if (!prev)
		return fail(ld, item, "the rule is enabled or disabled but not defined before");
	prev->enabled = enabled;
	return 0;
}

/* The legacy 'append: true': a condition, exceptions. */
static int rule_append(struct load *ld, const yaml_node_t *item, const char *name)
{
	struct vg_rules_rule *prev = rule_get(ld->doc, name);
	const yaml_node_t *cn = NULL;
	struct vg_rules_cond cond = { 0 };
	struct ex_in *in = NULL;
	uint32_t nin = 0;
	bool has_ex = map_get(ld, item, "exceptions");
	int err = 0;

	if (map_get(ld, item, "condition"))
		err = get_scalar(ld, item, "condition", true, &cn);
	if (!err && cn)
		err = cond_set(ld, cn, &cond);
	if (!err)
		err = get_exceptions(ld, item, true, &in, &nin);
	if (!err && !prev)
		err = fail(ld, item, "the rule is appended to but not defined before");
	if (!err && !cn && !has_ex)
		err = fail(ld, item, "appending to a rule needs 'condition' or 'exceptions'");
	if (!err && cn && (size_t)prev->cond.len + 1 + cond.len > VG_RULES_STRING_MAX)
		err = fail(ld, cn, "condition longer than %u bytes once appended",
			   VG_RULES_STRING_MAX);
	if (!err)
		err = ex_merge_check(ld, prev, in, nin);
	if (!err && cn)
		err = cond_append(&prev->cond, &cond);
	if (!err)
		err = ex_merge_apply(prev, in, nin);
	if (!err)
		prev->visibility = ld->doc->counter++;
	cond_free(&cond);
	ex_ins_free(in, nin);
	return err;
}

/* What an 'override' item brings. */
struct rule_upd {
	struct vg_rules_cond cond;
	const yaml_node_t *cn, *on, *dn;
	char *output;
	char *desc;
	struct strv tags;
	struct ex_in *ex;
	uint32_t nex;
	enum vg_rules_priority priority;
	bool enabled, warn_evttypes, skip_if_unknown_filter;
};

static int rule_upd_read(struct load *ld, const yaml_node_t *item, const struct vg_rules_rule *prev,
			 unsigned keys, unsigned app, struct rule_upd *u)
{
	const yaml_node_t *pn;
	int err = 0;

	if (keys & BIT(K_CONDITION)) {
		err = get_scalar(ld, item, "condition", true, &u->cn);
		if (!err)
			err = cond_set(ld, u->cn, &u->cond);
	}
	if (!err && (keys & BIT(K_OUTPUT))) {
		err = get_scalar(ld, item, "output", true, &u->on);
		if (!err)
			err = dup_scalar(ld, u->on, &u->output);
	}
	if (!err && (keys & BIT(K_DESC))) {
		err = get_scalar(ld, item, "desc", true, &u->dn);
		if (!err)
			err = dup_scalar(ld, u->dn, &u->desc);
	}
	if (!err && (keys & BIT(K_TAGS)))
		err = get_strv(ld, item, "tags", true, &u->tags,
			       (app & BIT(K_TAGS)) ? prev->ntags : 0);
	if (!err && (keys & BIT(K_EXCEPTIONS)))
		err = get_exceptions(ld, item, app & BIT(K_EXCEPTIONS), &u->ex, &u->nex);
	if (!err && (keys & BIT(K_PRIORITY))) {
		err = get_scalar(ld, item, "priority", true, &pn);
		if (!err)
			err = get_priority(ld, pn, &u->priority);
	}
	if (!err && (keys & BIT(K_ENABLED)))
		err = get_bool(ld, item, "enabled", true, &u->enabled);
	if (!err && (keys & BIT(K_WARN_EVTTYPES)))
		err = get_bool(ld, item, "warn_evttypes", true, &u->warn_evttypes);
	if (!err && (keys & BIT(K_SKIP_UNKNOWN)))
		err = get_bool(ld, item, "skip-if-unknown-filter", true,
			       &u->skip_if_unknown_filter);
	return err;
}

static int too_long(struct load *ld, const yaml_node_t *n, size_t have, size_t add,
		    const char *key)
{
	if (have + 1 + add > VG_RULES_STRING_MAX)
		return fail(ld, n, "%s longer than %u bytes once appended", key,
			    VG_RULES_STRING_MAX);
	return 0;
}

/* Falco 0.37's 'override': append to some keys, replace others. */
static int rule_override(struct load *ld, const yaml_node_t *item, const char *name,
			 unsigned app, unsigned rep)
{
	struct vg_rules_doc *d = ld->doc;
	struct vg_rules_rule *prev = rule_get(d, name);
	struct vg_rules_exception *exs = NULL;
	struct rule_upd u = { 0 };
	unsigned given = 0, k;
	uint32_t nexs = 0;
	int err = 0;

	for (k = 0; k < K_COUNT; k++)
		if (((RULE_APPENDABLE | RULE_REPLACEABLE) & BIT(k)) &&
		    map_get(ld, item, okey_names[k]))
			given |= BIT(k);
	/* Falco's order of checks: appends, replaces, then keys left over */
	for (k = 0; k < K_COUNT; k++)
		if ((app & BIT(k)) && !(given & BIT(k)))
			return fail(ld, item, "'override' appends to '%s' but it is not given",
				    okey_names[k]);
	if (app && !prev)
		return fail(ld, item, "the rule is appended to but not defined before");
	for (k = 0; k < K_COUNT; k++)
		if ((rep & BIT(k)) && !(given & BIT(k)))
			return fail(ld, item, "'override' replaces '%s' but it is not given",
				    okey_names[k]);
	if (rep && !prev)
		return fail(ld, item, "the rule is overridden but not defined before");
	for (k = 0; k < K_COUNT; k++)
		if ((given & BIT(k)) && !((app | rep) & BIT(k)))
			return fail(ld, map_get(ld, item, okey_names[k]),
				    "'%s' is given but 'override' has no entry for it",
				    okey_names[k]);

	err = rule_upd_read(ld, item, prev, app | rep, app, &u);
	if (!err && (app & BIT(K_CONDITION)))
		err = too_long(ld, u.cn, prev->cond.len, u.cond.len, "condition");
	if (!err && (app & BIT(K_OUTPUT)))
		err = too_long(ld, u.on, strlen(prev->output), strlen(u.output), "output");
	if (!err && (app & BIT(K_DESC)))
		err = too_long(ld, u.dn, strlen(prev->desc), strlen(u.desc), "desc");
	if (!err && (app & BIT(K_EXCEPTIONS)))
		err = ex_merge_check(ld, prev, u.ex, u.nex);
	if (!err && (rep & BIT(K_EXCEPTIONS)))
		err = ex_take_all(ld, u.ex, u.nex, &exs, &nexs);
	if (err)
		goto out;

	if (app) {
		if (app & BIT(K_CONDITION))
			err = cond_append(&prev->cond, &u.cond);
		if (!err && (app & BIT(K_OUTPUT)))
			err = str_append(&prev->output, u.output);
		if (!err && (app & BIT(K_DESC)))
			err = str_append(&prev->desc, u.desc);
		if (!err && (app & BIT(K_TAGS))) {
			struct strv t = { prev->tags, prev->ntags, prev->ntags };

			for (uint32_t i = 0; !err && i < u.tags.n; i++) {
				err = strv_push(&t, u.tags.v[i]);
				u.tags.v[i] = NULL;
			}
			strv_uniq(&t);
			prev->tags = t.v;
			prev->ntags = t.n;
		}
		if (!err && (app & BIT(K_EXCEPTIONS)))
			err = ex_merge_apply(prev, u.ex, u.nex);
		prev->visibility = d->counter++;
	}
	if (!err && rep) {
		if (rep & BIT(K_CONDITION)) {
			cond_free(&prev->cond);
			prev->cond = u.cond;
			u.cond = (struct vg_rules_cond){ 0 };
		}
		if (rep & BIT(K_OUTPUT)) {
			free(prev->output);
			prev->output = u.output;
			u.output = NULL;
		}
		if (rep & BIT(K_DESC)) {
			free(prev->desc);
			prev->desc = u.desc;
			u.desc = NULL;
		}
		if (rep & BIT(K_TAGS)) {
			strv_uniq(&u.tags);
			strs_free(prev->tags, prev->ntags);
			prev->tags = u.tags.v;
			prev->ntags = u.tags.n;
			u.tags = (struct strv){ 0 };
		}
		if (rep & BIT(K_EXCEPTIONS)) {
			exceptions_free(prev->exceptions, prev->nexceptions);
			prev->exceptions = exs;
			prev->nexceptions = nexs;
			exs = NULL;
			nexs = 0;
		}
		if (rep & BIT(K_PRIORITY))
			prev->priority = u.priority;
		if (rep & BIT(K_ENABLED))
			prev->enabled = u.enabled;
		if (rep & BIT(K_WARN_EVTTYPES))
			prev->warn_evttypes = u.warn_evttypes;
		if (rep & BIT(K_SKIP_UNKNOWN))
			prev->skip_if_unknown_filter = u.skip_if_unknown_filter;
		prev->visibility = d->counter++;
	}
out:
	cond_free(&u.cond);
	free(u.output);
	free(u.desc);
	strv_free(&u.tags);
	ex_ins_free(u.ex, u.nex);
	exceptions_free(exs, nexs);
	return err;
}

static int load_rule(struct load *ld, const yaml_node_t *item)
{
	unsigned app = 0, rep = 0;
	bool append = false;
	char *name;
	int err;

	err = get_str(ld, item, "rule", true, &name);
	if (err)
		return err;
	ld->kind = "rule";
	ld->name = name;
	err = check_keys(ld, item, rule_keys, NKEYS(rule_keys));
	if (!err)
		err = get_bool(ld, item, "append", false, &append);
	if (!err && append)
		warn(ld, item, WARN_APPEND);
	if (!err)
		err = get_override(ld, item, RULE_APPENDABLE, RULE_REPLACEABLE, &app, &rep);
	if (!err && append && (app | rep))
		err = fail(ld, item, "'override' and 'append: true' cannot be used together");
	if (!err) {
		if (app | rep)
			err = rule_override(ld, item, name, app, rep);
		else if (append)
			err = rule_append(ld, item, name);
		else if (!map_get(ld, item, "condition") && !map_get(ld, item, "output") &&
			 !map_get(ld, item, "desc") && !map_get(ld, item, "priority"))
			err = rule_enable(ld, item, name);
		else
			err = rule_define(ld, item, &name);
	}
	ld->name = NULL;
	free(name);
	return err;
}

/* ------------------------------------------------------------------------ */
/* Versions                                                                  */

/* "X.Y.Z" (digits only) into v. */
static int parse_semver(const char *s, uint32_t v[3])
{
	for (int i = 0; i < 3; i++) {
		uint64_t x = 0;
		const char *start = s;

		while (*s >= '0' && *s <= '9' && s - start < 9)
			x = x * 10 + (*s++ - '0');
		if (s == start || (i < 2 && *s++ != '.'))
			return -EINVAL;
		v[i] = x;
	}
	return *s ? -EINVAL : 0;
}

static int load_engine_version(struct load *ld, const yaml_node_t *item)
{
	static const char *const keys[] = { "required_engine_version" };
	struct vg_rules_doc *d = ld->doc;
	const yaml_node_t *v;
	uint32_t ver[3] = { 0 };
	const char *s;
	int err, i;

	err = check_keys(ld, item, keys, NKEYS(keys));
	if (!err)
		err = get_scalar(ld, item, "required_engine_version", true, &v);
	if (err)
		return err;
	s = sval(v);
	/* an integer N is Falco's 0.N.0 */
	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 9; i++)
		ver[1] = ver[1] * 10 + (s[i] - '0');
	if ((i == 0 || s[i]) && parse_semver(s, ver))
		return fail(ld, v, "required_engine_version '%.64s' is not N or X.Y.Z", s);
	for (i = 0; d->has_engine_version && i < 3 && ver[i] == d->engine_version[i]; i++)
		;
	if (d->has_engine_version && (i == 3 || ver[i] < d->engine_version[i]))
		return 0; /* the highest is kept */
	d->has_engine_version = true;
	memcpy(d->engine_version, ver, sizeof(ver));
	snprintf(d->engine_version_str, sizeof(d->engine_version_str), "%u.%u.%u", ver[0], ver[1],
		 ver[2]);
	return 0;
}

static int check_plugin(struct load *ld, const yaml_node_t *e, const yaml_node_t **name,
			const yaml_node_t **ver)
{
	static const char *const keys[] = { "name", "version", "alternatives" };
	uint32_t v[3];
	int err;

	if (e->type != YAML_MAPPING_NODE)
		return fail(ld, e, "a plugin requirement must be a mapping");
	err = check_keys(ld, e, keys, NKEYS(keys));
	if (!err)
		err = get_scalar(ld, e, "name", true, name);
	if (!err)
		err = get_scalar(ld, e, "version", true, ver);
	if (!err && parse_semver(sval(*ver), v))
		err = fail(ld, *ver, "invalid version '%.64s' for plugin '%.64s'", sval(*ver),
			   sval(*name));
	return err;
}

/* Checked as Falco does; vigil runs no plugins, so each is a warning. */
static int load_plugin_versions(struct load *ld, const yaml_node_t *item)
{
	static const char *const keys[] = { "required_plugin_versions" };
	const yaml_node_t *v = map_get(ld, item, "required_plugin_versions"), *name, *ver, *alt;
	int err;

	err = check_keys(ld, item, keys, NKEYS(keys));
	if (err)
		return err;
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "'required_plugin_versions' must be a sequence");
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		const yaml_node_t *e = ynode(ld, *it);

		if (!e)
			continue;
		err = check_plugin(ld, e, &name, &ver);
		if (err)
			return err;
		alt = map_get(ld, e, "alternatives");
		if (alt && alt->type != YAML_SEQUENCE_NODE)
			return fail(ld, alt, "'alternatives' must be a sequence");
		for (yaml_node_item_t *jt = alt ? alt->data.sequence.items.start : NULL;
		     alt && jt < alt->data.sequence.items.top; jt++) {
			const yaml_node_t *a = ynode(ld, *jt), *an, *av;

			if (a && (err = check_plugin(ld, a, &an, &av)))
				return err;
		}
		warn(ld, e, "the rules require plugin '%.64s' version %.64s; vigil runs no plugins",
		     sval(name), sval(ver));
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Files                                                                     */

static int load_item(struct load *ld, const yaml_node_t *item)
{
	int err = 0;

	if (item->type != YAML_MAPPING_NODE)
		return fail(ld, item, "item is not a mapping");
	if (map_get(ld, item, "required_engine_version"))
		err = load_engine_version(ld, item);
	else if (map_get(ld, item, "required_plugin_versions"))
		err = load_plugin_versions(ld, item);
	else if (map_get(ld, item, "list"))
		err = load_list(ld, item);
	else if (map_get(ld, item, "macro"))
		err = load_macro(ld, item);
	else if (map_get(ld, item, "rule"))
		err = load_rule(ld, item);
	else
		warn(ld, item, "unknown item ignored: no rule, macro, list, "
			       "required_engine_version or required_plugin_versions key");
	ld->kind = ld->name = NULL;
	return err;
}

static int load_root(struct load *ld, const yaml_node_t *root)
{
	int err;

	if (is_null(root))
		return 0; /* an empty document */
	if (root->type != YAML_SEQUENCE_NODE)
		return fail(ld, root, "the top level is not a sequence of items");
	for (yaml_node_item_t *it = root->data.sequence.items.start;
	     it < root->data.sequence.items.top; it++) {
		const yaml_node_t *n = ynode(ld, *it);

		if (!n || is_null(n))
			continue; /* Falco skips null items */
		err = load_item(ld, n);
		if (err)
			return err;
	}
	return 0;
}

static int yaml_fail(struct load *ld, const yaml_parser_t *p)
{
	uint32_t line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		fail_at(ld, 1, 1, "out of memory");
		return -ENOMEM;
	case YAML_READER_ERROR:
		byte_linecol(ld, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return fail_at(ld, line, col, "bad YAML: %s (#%X)", p->problem,
				       p->problem_value);
		return fail_at(ld, line, col, "bad YAML: %s", p->problem);
	default:
		line = p->problem_mark.line + 1;
		col = p->problem_mark.column + 1;
		if (p->context)
			return fail_at(ld, line, col, "bad YAML: %s (%s at %zu:%zu)",
				       p->problem ? p->problem : "error", p->context,
				       p->context_mark.line + 1, p->context_mark.column + 1);
		return fail_at(ld, line, col, "bad YAML: %s", p->problem ? p->problem : "error");
	}
}

static int load_yaml(struct load *ld)
{
	yaml_parser_t p;
	int err;

	err = lines_build(ld);
	if (err)
		return err;
	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	/* libyaml wants a non-NULL input, even when empty */
	yaml_parser_set_input_string(&p, ld->src ? ld->src : (const unsigned char *)"",
				     ld->srclen);
	for (;;) {
		yaml_node_t *root;

		if (!yaml_parser_load(&p, &ld->ydoc)) {
			err = yaml_fail(ld, &p);
			break;
		}
		root = yaml_document_get_root_node(&ld->ydoc);
		if (!root) { /* the end of the stream */
			yaml_document_delete(&ld->ydoc);
			break;
		}
		err = load_root(ld, root);
		yaml_document_delete(&ld->ydoc);
		if (err)
			break;
	}
	yaml_parser_delete(&p);
	return err;
}

/* Positions point to the name kept here, for the document's life. */
static const char *doc_add_file(struct vg_rules_doc *d, const char *name)
{
	char **f = grow(d->files, &d->files_cap, d->nfiles + 1, sizeof(*f));
	char *s;

	if (!f)
		return NULL;
	d->files = f;
	s = strdup(name);
	if (s)
		d->files[d->nfiles++] = s;
	return s;
}

static int load_bytes(struct vg_rules_doc *doc, const char *name, const char *buf, size_t len,
		      char *err, size_t errlen)
{
	struct load ld = {
		.doc = doc,
		.src = (const unsigned char *)buf,
		.srclen = len,
		.err = err,
		.errlen = errlen,
	};
	int ret;

	ld.file = doc_add_file(doc, name);
	if (!ld.file) {
		set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = load_yaml(&ld);
	free(ld.lines);
	if (ret == -ENOMEM && err && errlen && !err[0])
		snprintf(err, errlen, "%s: out of memory", ld.file);
	return ret;
}

int vg_rules_doc__load_buffer(struct vg_rules_doc *doc, const char *name, const char *buf,
			      size_t len, char *err, size_t errlen)
{
	char msg[512];

	set_err(err, errlen, "");
	if (!name)
		name = "<buffer>";
	if (!buf && len)
		return -EINVAL;
	if (len > VG_RULES_FILE_MAX) {
		snprintf(msg, sizeof(msg), "%s: larger than %u bytes", name, VG_RULES_FILE_MAX);
		set_err(err, errlen, msg);
		return -EFBIG;
	}
	return load_bytes(doc, name, buf, len, err, errlen);
}

int vg_rules_doc__load_file(struct vg_rules_doc *doc, const char *path, char *err, size_t errlen)
{
	size_t len = 0, cap;
	char msg[512], *buf;
	struct stat st;
	ssize_t n;
	int fd, ret;

	set_err(err, errlen, "");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(-ret));
		set_err(err, errlen, msg);
		return ret;
	}
	/* one byte more than allowed tells a file that is too large */
	cap = fstat(fd, &st) == 0 && st.st_size > 0 && (size_t)st.st_size <= VG_RULES_FILE_MAX ?
		      (size_t)st.st_size + 1 :
		      64 * 1024;
	buf = malloc(cap);
	for (ret = 0; buf;) {
		if (len == cap) {
			size_t ncap =
				cap * 2 > VG_RULES_FILE_MAX + 1 ? VG_RULES_FILE_MAX + 1 : cap * 2;
			char *nb;

			if (len > VG_RULES_FILE_MAX)
				break;
			nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	if (!buf) {
		snprintf(msg, sizeof(msg), "%s: out of memory", path);
		ret = -ENOMEM;
	} else if (ret) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(-ret));
	} else if (len > VG_RULES_FILE_MAX) {
		snprintf(msg, sizeof(msg), "%s: larger than %u bytes", path, VG_RULES_FILE_MAX);
		ret = -EFBIG;
	} else {
		ret = load_bytes(doc, path, buf, len, err, errlen);
		free(buf);
		return ret;
	}
	free(buf);
	set_err(err, errlen, msg);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* Accessors                                                                 */

size_t vg_rules_doc__nlists(const struct vg_rules_doc *doc)
{
	return doc->nlists;
}

const struct vg_rules_list *vg_rules_doc__list(const struct vg_rules_doc *doc, size_t i)
{
	return i < doc->nlists ? &doc->lists[i] : NULL;
}

const struct vg_rules_list *vg_rules_doc__find_list(const struct vg_rules_doc *doc,
						    const char *name)
{
	int64_t i = index_find(&doc->lists_ix, doc->lists, sizeof(*doc->lists), name);

	return i < 0 ? NULL : &doc->lists[i];
}

size_t vg_rules_doc__nmacros(const struct vg_rules_doc *doc)
{
	return doc->nmacros;
}

const struct vg_rules_macro *vg_rules_doc__macro(const struct vg_rules_doc *doc, size_t i)
{
	return i < doc->nmacros ? &doc->macros[i] : NULL;
}

const struct vg_rules_macro *vg_rules_doc__find_macro(const struct vg_rules_doc *doc,
						      const char *name)
{
	int64_t i = index_find(&doc->macros_ix, doc->macros, sizeof(*doc->macros), name);

	return i < 0 ? NULL : &doc->macros[i];
}

size_t vg_rules_doc__nrules(const struct vg_rules_doc *doc)
{
	return doc->nrules;
}

const struct vg_rules_rule *vg_rules_doc__rule(const struct vg_rules_doc *doc, size_t i)
{
	return i < doc->nrules ? &doc->rules[i] : NULL;
}

const struct vg_rules_rule *vg_rules_doc__find_rule(const struct vg_rules_doc *doc,
						    const char *name)
{
	int64_t i = index_find(&doc->rules_ix, doc->rules, sizeof(*doc->rules), name);

	return i < 0 ? NULL : &doc->rules[i];
}

size_t vg_rules_doc__nwarnings(const struct vg_rules_doc *doc)
{
	return doc->nwarnings;
}

const struct vg_rules_warning *vg_rules_doc__warning(const struct vg_rules_doc *doc, size_t i)
{
	return i < doc->nwarnings ? &doc->warnings[i] : NULL;
}

size_t vg_rules_doc__nwarnings_dropped(const struct vg_rules_doc *doc)
{
	return doc->ndropped;
}

const char *vg_rules_doc__engine_version(const struct vg_rules_doc *doc)
{
	return doc->has_engine_version ? doc->engine_version_str : NULL;
}

/* ------------------------------------------------------------------------ */
/* Exceptions as condition text                                              */

/* Where byte want of the text being built comes from. */
struct textpos {
	size_t want;
	bool found;
	struct vg_rules_pos pos;
};

/* The text from start to the end of b came from pos. */
static void textpos_mark(struct textpos *tp, const struct sbuf *b, size_t start,
			 const struct vg_rules_pos *pos)
{
	if (tp && !tp->found && tp->want >= start && tp->want < b->len) {
		tp->found = true;
		tp->pos = *pos;
	}
}

/* A value as Falco's quote_item would write it, but quoted whenever it is not
 * a bare word and escaped inside quotes.
 */
static void put_quoted(struct sbuf *b, const char *v)
{
	if (v[0] == '"' || v[0] == '\'' || is_barestr(v)) {
		sbuf_puts(b, v);
		return;
	}
	sbuf_add(b, "\"", 1);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			sbuf_add(b, "\\", 1);
		sbuf_add(b, v, 1);
	}
	sbuf_add(b, "\"", 1);
}

static void put_exval(struct sbuf *b, const struct vg_rules_exval *x, const char *comp)
{
	if (x->is_list) {
		sbuf_add(b, "(", 1);
		for (uint32_t i = 0; i < x->n; i++) {
			if (i)
				sbuf_add(b, ", ", 2);
			put_quoted(b, x->strs[i]);
		}
		sbuf_add(b, ")", 1);
	} else if (is_list_op(comp)) {
		/* Falco's paren_item: a list name, or "(a, b)" as written */
		if (x->strs[0][0] == '(') {
			sbuf_puts(b, x->strs[0]);
		} else {
			sbuf_add(b, "(", 1);
			sbuf_puts(b, x->strs[0]);
			sbuf_add(b, ")", 1);
		}
	} else {
		put_quoted(b, x->strs[0]);
	}
}

static void exceptions_build(const struct vg_rules_rule *r, struct sbuf *b, struct textpos *tp)
{
	for (uint32_t i = 0; i < r->nexceptions; i++) {
		const struct vg_rules_exception *e = &r->exceptions[i];
		size_t start = b->len;

		if (!e->nvalues)
			continue;
		sbuf_puts(b, " and not (");
		if (!e->fields_is_list) {
			sbuf_addf(b, "%s %s (", e->fields[0], e->comps[0]);
			for (uint32_t k = 0; k < e->nvalues; k++) {
				size_t s = b->len;

				if (k)
					sbuf_add(b, ", ", 2);
				put_quoted(b, e->values[k].vals[0].strs[0]);
				textpos_mark(tp, b, s, &e->values[k].pos);
			}
			sbuf_add(b, ")", 1);
		} else {
			for (uint32_t k = 0; k < e->nvalues; k++) {
				const struct vg_rules_extuple *t = &e->values[k];
				size_t s = b->len;

				sbuf_puts(b, k ? " or (" : "(");
				for (uint32_t f = 0; f < e->nfields; f++) {
					sbuf_addf(b, "%s%s %s ", f ? " and " : "", e->fields[f],
						  e->comps[f]);
					put_exval(b, &t->vals[f], e->comps[f]);
				}
				sbuf_add(b, ")", 1);
				textpos_mark(tp, b, s, &t->pos);
			}
		}
		sbuf_add(b, ")", 1);
		textpos_mark(tp, b, start, &e->pos);
	}
}

static int sbuf_out(struct sbuf *b, char **text, size_t *len)
{
	if (!b->oom)
		sbuf_add(b, "", 0); /* an empty text is "", not NULL */
	if (b->oom) {
		free(b->p);
		return -ENOMEM;
	}
	*text = b->p;
	if (len)
		*len = b->len;
	return 0;
}

int vg_rules_rule__exceptions_text(const struct vg_rules_rule *r, char **text, size_t *len)
{
	struct sbuf b = { 0 };

	exceptions_build(r, &b, NULL);
	return sbuf_out(&b, text, len);
}

int vg_rules_rule__condition_text(const struct vg_rules_rule *r, char **text, size_t *len)
{
	struct sbuf b = { 0 };

	if (r->nexceptions) {
		sbuf_add(&b, "(", 1);
		sbuf_add(&b, r->cond.text, r->cond.len);
		sbuf_add(&b, ")", 1);
		exceptions_build(r, &b, NULL);
	} else {
		sbuf_add(&b, r->cond.text, r->cond.len);
	}
	return sbuf_out(&b, text, len);
}

int vg_rules_rule__locate(const struct vg_rules_rule *r, size_t off, struct vg_rules_pos *pos)
{
	size_t head = (size_t)r->cond.len + 2;
	struct textpos tp = { .want = off };
	struct sbuf b = { 0 };

	if (!r->nexceptions)
		return vg_rules_cond__locate(&r->cond, off, pos);
	/* "(" CONDITION ")": the parentheses go with its ends */
	if (off < head)
		return vg_rules_cond__locate(&r->cond, off ? off - 1 : 0, pos);
	/* only offsets matter from here: the head is left unwritten */
	for (int pass = 0; pass < 2 && !tp.found; pass++) {
		free(b.p);
		b = (struct sbuf){ .len = head };
		sbuf_add(&b, "", 0);
		exceptions_build(r, &b, &tp);
		if (b.oom) {
			free(b.p);
			return -ENOMEM;
		}
		if (off != b.len)
			break;
		if (off == head) { /* no exception text: the end of the condition */
			free(b.p);
			return vg_rules_cond__locate(&r->cond, r->cond.len, pos);
		}
		tp.want = off - 1; /* the end: where the last byte came from */
	}
	free(b.p);
	if (!tp.found)
		return -ERANGE;
	*pos = tp.pos;
	return 0;
}

// SPDX-License-Identifier: Apache-2.0
/*
 * The Falco condition language, compiled as it is parsed: a recursive-descent
 * parser over the grammar of libsinsp's filter parser (or > and > not > check)
 * builds a tree of and/or/not nodes over comparisons whose literals are already
 * converted to the field's type, whose lists are hash sets (strings) or sorted
 * arrays (numbers), whose pmatch lists are sets of path prefixes probed at each
 * '/' of the value, and whose regexes are compiled. Macros are expanded by
 * parsing their text in place of the reference; named lists by splicing their
 * items into the list literal, as Falco's loader does with text.
 *
 * Everything a compiled condition owns lives in one arena (plus the regexes
 * and the field table), so a failed compile unwinds by freeing the arena.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "condition.h"

enum node_kind { N_AND, N_OR, N_NOT, N_CMP };

enum op {
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_CONTAINS,
	OP_ICONTAINS,
	OP_BCONTAINS,
	OP_STARTSWITH,
	OP_BSTARTSWITH,
	OP_ENDSWITH,
	OP_GLOB,
	OP_IGLOB,
	OP_REGEX,
	OP_IN,
	OP_INTERSECTS,
	OP_PMATCH,
	OP_EXISTS,
};

struct op_name {
	const char *s;
	uint8_t op;
};

/* Longest first: "<=" before "<". */
static const struct op_name sym_ops[] = {
	{ "<=", OP_LE }, { "<", OP_LT },  { ">=", OP_GE }, { ">", OP_GT },
	{ "==", OP_EQ }, { "=", OP_EQ },  { "!=", OP_NE },
};

static const struct op_name word_ops[] = {
	{ "exists", OP_EXISTS },
	{ "contains", OP_CONTAINS },
	{ "icontains", OP_ICONTAINS },
	{ "bcontains", OP_BCONTAINS },
	{ "startswith", OP_STARTSWITH },
	{ "bstartswith", OP_BSTARTSWITH },
	{ "endswith", OP_ENDSWITH },
	{ "glob", OP_GLOB },
	{ "iglob", OP_IGLOB },
	{ "regex", OP_REGEX },
	{ "in", OP_IN },
	{ "intersects", OP_INTERSECTS },
	{ "pmatch", OP_PMATCH },
};

static const char *const op_names[] = {
	[OP_EQ] = "=",
	[OP_NE] = "!=",
	[OP_LT] = "<",
	[OP_LE] = "<=",
	[OP_GT] = ">",
	[OP_GE] = ">=",
	[OP_CONTAINS] = "contains",
	[OP_ICONTAINS] = "icontains",
	[OP_BCONTAINS] = "bcontains",
	[OP_STARTSWITH] = "startswith",
	[OP_BSTARTSWITH] = "bstartswith",
	[OP_ENDSWITH] = "endswith",
	[OP_GLOB] = "glob",
	[OP_IGLOB] = "iglob",
	[OP_REGEX] = "regex",
	[OP_IN] = "in",
	[OP_INTERSECTS] = "intersects",
	[OP_PMATCH] = "pmatch",
	[OP_EXISTS] = "exists",
};

/* Field transformers; val() only marks a field on the right of an operator. */
enum xf { XF_TOLOWER, XF_TOUPPER, XF_B64, XF_BASENAME, XF_LEN, XF_VAL, XF_COUNT };

static const char *const xf_names[XF_COUNT] = {
	"tolower", "toupper", "b64", "basename", "len", "val",
};

static const char *const type_names[] = {
	[VG_V_NONE] = "nothing",
	[VG_V_STR] = "a string",
	[VG_V_INT] = "a number",
	[VG_V_UINT] = "an unsigned number",
	[VG_V_BOOL] = "true or false",
	[VG_V_IPADDR] = "an IP address or network",
	[VG_V_IPNET] = "an IP address or network",
};

/* Comparable kinds of value: a number compares with a number whatever its sign. */
enum tclass { TC_NONE, TC_STR, TC_NUM, TC_BOOL, TC_IP };

enum rhs_kind { RHS_NONE, RHS_LIT, RHS_FIELD, RHS_SET };

struct operand {
	uint32_t field;	   /* index in vg_cond.fields */
	uint8_t type;	   /* enum vg_vtype once transformed */
	uint8_t nxf;
	const uint8_t *xf; /* enum xf, innermost first */
};

struct sslot {
	uint64_t h;
	const char *p; /* NULL: empty slot */
	uint32_t len;
};

/* Open addressing, at most half full: a miss ends at the first empty slot. */
struct strset {
	uint32_t mask;
	struct sslot *slots;
};

struct cmp {
	uint8_t op;
	uint8_t rhs; /* enum rhs_kind */
	struct operand lhs, rhs_field;
	struct vg_value lit;   /* RHS_LIT; strings NUL-terminated in the arena */
	regex_t *re;	       /* OP_REGEX */
	struct strset set;     /* RHS_SET of strings, and pmatch prefixes */
	struct vg_value *vals; /* RHS_SET of other types; numbers sorted */
	uint32_t nvals;
};

struct node {
	uint8_t kind; /* enum node_kind */
	uint32_t n;   /* N_AND, N_OR: children */
	union {
		struct node **kids;
		struct node *kid;
		struct cmp *cmp;
	};
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct rx {
	regex_t re;
	struct rx *next;
};

struct vg_cond {
	struct node *root;
	struct vg_cond_field *fields;
	size_t nfields;
	struct chunk *arena;
	struct rx *regexes;
};

/* ---- arena ---- */

#define ARENA_CHUNK 16384

static void *arena_alloc(struct vg_cond *c, size_t n)
{
	const size_t a = _Alignof(max_align_t);
	struct chunk *ch = c->arena;
	void *p;

	n = n ? (n + a - 1) & ~(a - 1) : a;
	if (!ch || ch->cap - ch->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		ch = malloc(sizeof(*ch) + cap);
		if (!ch)
			return NULL;
		ch->cap = cap;
		ch->used = 0;
		/* a one-off big block goes behind the current chunk, whose
		 * free space stays in use
		 */
		if (c->arena && cap > ARENA_CHUNK) {
			ch->next = c->arena->next;
			c->arena->next = ch;
		} else {
			ch->next = c->arena;
			c->arena = ch;
		}
	}
	p = (char *)ch->data + ch->used;
	ch->used += n;
	return p;
}

static void *arena_zalloc(struct vg_cond *c, size_t n)
{
	void *p = arena_alloc(c, n);

	if (p)
		memset(p, 0, n);
	return p;
}

static char *arena_strndup(struct vg_cond *c, const char *s, size_t n)
{
	char *p = arena_alloc(c, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* ---- small helpers ---- */

/* ASCII only, as libsinsp's transformers: a locale must not change a rule. */
static inline unsigned char lower(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

static inline unsigned char upper(unsigned char ch)
{
	return ch >= 'a' && ch <= 'z' ? ch - ('a' - 'A') : ch;
}

static inline bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\b' || ch == '\f' ||
	       ch == '\v';
}

static inline bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static inline bool is_identch(char ch)
{
	return is_alpha(ch) || (ch >= '0' && ch <= '9') || ch == '_';
}

/* libsinsp's BareStr: anything up to a blank, a parenthesis, a comma, '=' or a quote. */
static inline bool is_bare(char ch)
{
	return ch && !is_blank(ch) && !strchr("(),=\"'", ch);
}

static int tclass(uint8_t type)
{
	switch (type) {
	case VG_V_STR:
		return TC_STR;
	case VG_V_INT:
	case VG_V_UINT:
		return TC_NUM;
	case VG_V_BOOL:
		return TC_BOOL;
	case VG_V_IPADDR:
	case VG_V_IPNET:
		return TC_IP;
	default:
		return TC_NONE;
	}
}

/* Which operators each kind of value has, as libsinsp allows them. */
static bool op_allowed(uint8_t op, uint8_t type)
{
	switch (tclass(type)) {
	case TC_STR:
		return true;
	case TC_NUM:
		return op <= OP_GE || op == OP_IN || op == OP_INTERSECTS || op == OP_EXISTS;
	case TC_BOOL:
	case TC_IP:
		return op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS ||
		       op == OP_EXISTS;
	default:
		return false;
	}
}

#define FNV_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static inline uint64_t fnv_step(uint64_t h, unsigned char ch)
{
	return (h ^ ch) * FNV_PRIME;
}

static uint64_t fnv(const char *p, size_t n)
{
	uint64_t h = FNV_BASIS;

	for (size_t i = 0; i < n; i++)
		h = fnv_step(h, (unsigned char)p[i]);
	return h;
}

static const struct sslot *strset_find(const struct strset *set, uint64_t h, const char *p,
				       size_t n)
{
	for (uint32_t i = (uint32_t)h & set->mask;; i = (i + 1) & set->mask) {
		const struct sslot *s = &set->slots[i];

		if (!s->p)
			return NULL;
		if (s->h == h && s->len == n && !memcmp(s->p, p, n))
			return s;
	}
}

/* A path with its components only: no repeated '/', no trailing '/' but for
 * "/" itself. dst may be src: it never gets ahead of it.
 */
static size_t path_canon(const char *src, size_t n, char *dst)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (src[i] == '/' && o && dst[o - 1] == '/')
			continue;
		dst[o++] = src[i];
	}
	if (o > 1 && dst[o - 1] == '/')
		o--;
	return o;
}

static bool path_needs_canon(const char *p, size_t n)
{
	if (n > 1 && p[n - 1] == '/')
		return true;
	for (size_t i = 1; i < n; i++)
		if (p[i] == '/' && p[i - 1] == '/')
			return true;
	return false;
}

/* ---- compile state and errors ---- */

struct compile {
	const struct vg_cond_env *env;
	struct vg_cond *c;
	size_t fcap;
	unsigned int depth;
	const char *macros[VG_COND_MAX_MACRO_DEPTH]; /* being expanded, outermost first */
	unsigned int nmacros;
	size_t nodes, expanded, items;
	/* the error, in the text that holds it */
	int err;
	char what[400];
	char macro[VG_COND_NAME_MAX];
	size_t at;
	unsigned int line, col;
	size_t ref_at; /* outermost reference to the macro, when macro[0] */
};

struct parser {
	struct compile *cc;
	const char *s;
	size_t len, pos;
	const char *macro; /* whose text this is; NULL: the condition */
};

static void line_col(const char *s, size_t at, unsigned int *line, unsigned int *col)
{
	unsigned int l = 1, c = 1;

	for (size_t i = 0; i < at; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* Record the error at byte at of p's text and return code. Messages say what
 * is wrong; this adds where, as the text there reads.
 */
__attribute__((format(printf, 4, 5))) static int perr(struct parser *p, size_t at, int code,
						      const char *fmt, ...)
{
	struct compile *cc = p->cc;
	char near[40];
	size_t n = 0, used;
	va_list ap;

	if (cc->err)
		return cc->err;
	cc->err = code;
	va_start(ap, fmt);
	vsnprintf(cc->what, sizeof(cc->what), fmt, ap);
	va_end(ap);
	if (at > p->len)
		at = p->len;
	while (at + n < p->len && n < 24 && p->s[at + n] != '\n' && p->s[at + n] != '\r') {
		unsigned char ch = p->s[at + n];

		near[n++] = ch < 0x20 || ch >= 0x7f ? '?' : ch;
	}
	near[n] = '\0';
	used = strlen(cc->what);
	if (used < sizeof(cc->what) - 1)
		snprintf(cc->what + used, sizeof(cc->what) - used,
			 n ? " (near '%s')" : " (at the end)", near);
	cc->at = at;
	line_col(p->s, at, &cc->line, &cc->col);
	if (p->macro)
		snprintf(cc->macro, sizeof(cc->macro), "%s", p->macro);
	return code;
}

static int oom(struct parser *p)
{
	return perr(p, p->pos, -ENOMEM, "out of memory");
}

/* ---- lexing ---- */

static inline char peek(const struct parser *p)
{
	return p->pos < p->len ? p->s[p->pos] : '\0';
}

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->len && is_blank(p->s[p->pos]))
		p->pos++;
}

static size_t ident_len(const struct parser *p, size_t at)
{
	size_t n = 0;

	if (at >= p->len || !is_alpha(p->s[at]))
		return 0;
	while (at + n < p->len && is_identch(p->s[at + n]))
		n++;
	return n;
}

/* A field name has at least two dotted parts, each starting with a letter. */
static size_t field_len(const struct parser *p, size_t at)
{
	size_t n = ident_len(p, at), part;
	bool dotted = false;

	while (n && at + n + 1 < p->len && p->s[at + n] == '.' &&
	       (part = ident_len(p, at + n + 1))) {
		n += 1 + part;
		dotted = true;
	}
	return dotted ? n : 0;
}

static size_t bare_len(const struct parser *p, size_t at)
{
	size_t n = 0;

	while (at + n < p->len && is_bare(p->s[at + n]))
		n++;
	return n;
}

/* and, or and not are keywords when a blank or '(' follows, as libsinsp wants. */
static bool at_kw(const struct parser *p, const char *kw)
{
	size_t k = strlen(kw), end = p->pos + k;

	return end <= p->len && !memcmp(p->s + p->pos, kw, k) &&
	       (end == p->len || is_blank(p->s[end]) || p->s[end] == '(');
}

static bool is_keyword(const char *s, size_t n)
{
	return (n == 3 && !memcmp(s, "and", 3)) || (n == 2 && !memcmp(s, "or", 2)) ||
	       (n == 3 && !memcmp(s, "not", 3));
}

/* Decode the escapes of a string quoted with q (quotes not included), as
 * libsinsp does. Returns SIZE_MAX, or the index of a bad escape.
 */
static size_t unescape(const char *s, size_t n, char q, char *out, size_t *outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch != '\\') {
			out[o++] = ch;
			continue;
		}
		if (++i == n)
			return i - 1;
		switch (s[i]) {
		case 'b':
			ch = '\b';
			break;
		case 'f':
			ch = '\f';
			break;
		case 'n':
			ch = '\n';
			break;
		case 'r':
			ch = '\r';
			break;
		case 't':
			ch = '\t';
			break;
		case ' ':
			/* libsinsp reads "\ " as a lone backslash, for rules
			 * written that way before escapes were checked
			 */
		case '\\':
			ch = '\\';
			break;
		case '/':
			ch = '/';
			break;
		case '"':
		case '\'':
			/* only the delimiter needs escaping: the other is an error there too */
			if (s[i] != q)
				return i - 1;
			ch = s[i];
			break;
		default:
			return i - 1;
		}
		out[o++] = ch;
	}
	*outlen = o;
	return SIZE_MAX;
}

/* Where the string quoted from s[0] ends (index of the closing quote), or 0. */
static size_t quoted_end(const char *s, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == s[0])
			return i;
	}
	return 0;
}

/* The quoted string at p->pos, decoded into the arena. */
static int lex_quoted(struct parser *p, const char **out, size_t *outlen)
{
	size_t at = p->pos, end = quoted_end(p->s + at, p->len - at), bad;
	char *buf;

	if (!end)
		return perr(p, at, -EINVAL, "unterminated string");
	buf = arena_alloc(p->cc->c, end);
	if (!buf)
		return oom(p);
	bad = unescape(p->s + at + 1, end - 1, p->s[at], buf, outlen);
	if (bad != SIZE_MAX)
		return perr(p, at + 1 + bad, -EINVAL, "unsupported escape sequence in string");
	buf[*outlen] = '\0';
	*out = buf;
	p->pos = at + end + 1;
	return 0;
}

/* ---- literals ---- */

static int digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return 99;
}

/* Decimal, or hex after 0x, as libsinsp's number tokens. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (n && s[0] == '+')
		i++;
	if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		unsigned int d = digit(s[i]);

		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool parse_i64(const char *s, size_t n, int64_t *out)
{
	bool neg = n && s[0] == '-';
	uint64_t u;

	if (neg) {
		s++;
		n--;
		if (n && s[0] == '+')
			return false;
	}
	if (!parse_u64(s, n, &u))
		return false;
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return false;
		*out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > INT64_MAX)
			return false;
		*out = (int64_t)u;
	}
	return true;
}

/* "10.0.0.1", "fe80::1", "10.0.0.0/8": an address, or a network with its prefix. */
static bool parse_ip(const char *s, size_t n, struct vg_value *out)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned int max, plen = 0;

	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->ip.addr) == 1) {
		out->ip.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->ip.addr) == 1) {
		out->ip.family = AF_INET6;
		max = 128;
	} else {
		return false;
	}
	if (!slash) {
		out->type = VG_V_IPADDR;
		out->ip.prefix = max;
		return true;
	}
	if (!slash[1] || strlen(slash + 1) > 3)
		return false;
	for (const char *d = slash + 1; *d; d++) {
		if (*d < '0' || *d > '9')
			return false;
		plen = plen * 10 + (*d - '0');
	}
	if (plen > max)
		return false;
	out->type = VG_V_IPNET;
	out->ip.prefix = plen;
	return true;
}

/* Whether the first bits of a and b agree. */
static bool bits_eq(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int full = bits / 8, rem = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, full))
		return false;
	if (!rem)
		return true;
	mask = (uint8_t)(0xff << (8 - rem));
	return (a[full] & mask) == (b[full] & mask);
}

/* An address equals an address, is inside a network, and a network equals a
 * network: what "fd.sip = 10.0.0.0/8" and "fd.snet = 10.0.0.0/8" mean.
 */
static bool ip_match(const struct vg_value *a, const struct vg_value *b)
{
	unsigned int max, pa, pb;

	if (a->ip.family != b->ip.family || (a->ip.family != AF_INET && a->ip.family != AF_INET6))
		return false;
	max = a->ip.family == AF_INET ? 32 : 128;
	pa = a->type == VG_V_IPNET && a->ip.prefix < max ? a->ip.prefix : max;
	pb = b->type == VG_V_IPNET && b->ip.prefix < max ? b->ip.prefix : max;
	if (a->type == VG_V_IPNET && b->type == VG_V_IPNET && pa != pb)
		return false;
	return bits_eq(a->ip.addr, b->ip.addr, pa < pb ? pa : pb);
}

/* bcontains and bstartswith take their bytes in hex, as libsinsp: "7f454c46". */
static bool parse_hex(const char *s, size_t n, char *out)
{
	if (n % 2)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		int hi = digit(s[i]), lo = digit(s[i + 1]);

		if (hi > 15 || lo > 15)
			return false;
		out[i / 2] = (char)(hi << 4 | lo);
	}
	return true;
}

/* ---- fields ---- */

static void field_label(const struct vg_cond *c, uint32_t i, char *buf, size_t size)
{
	const struct vg_cond_field *f = &c->fields[i];

	snprintf(buf, size, "%s%s%s%s", f->name, f->arg ? "[" : "", f->arg ? f->arg : "",
		 f->arg ? "]" : "");
}

/* The index of field name[arg], resolved the first time it is seen. */
static int add_field(struct parser *p, size_t at, const char *name, const char *arg,
		     uint32_t *idx)
{
	struct compile *cc = p->cc;
	struct vg_cond *c = cc->c;
	struct vg_cond_field *f;
	struct vg_field_ref ref;
	char why[256] = "";
	int ret;

	for (size_t i = 0; i < c->nfields; i++) {
		f = &c->fields[i];
		if (!strcmp(f->name, name) &&
		    ((!arg && !f->arg) || (arg && f->arg && !strcmp(arg, f->arg)))) {
			*idx = i;
			return 0;
		}
	}
	memset(&ref, 0, sizeof(ref));
	ref.index = -1;
	ret = cc->env->resolve(cc->env->ctx, name, arg, &ref, why, sizeof(why));
	why[sizeof(why) - 1] = '\0';
	if (ret == -ENOENT)
		return perr(p, at, -ENOENT, "unknown field '%s'%s%s", name, why[0] ? ": " : "",
			    why);
	if (ret < 0)
		return perr(p, at, ret, "bad field '%s%s%s%s'%s%s", name, arg ? "[" : "",
			    arg ? arg : "", arg ? "]" : "", why[0] ? ": " : "", why);
	if (tclass(ref.type) == TC_NONE)
		return perr(p, at, -EINVAL, "field '%s' has no value type", name);
	if (c->nfields == cc->fcap) {
		size_t cap = cc->fcap ? cc->fcap * 2 : 16;

		f = realloc(c->fields, cap * sizeof(*f));
		if (!f)
			return oom(p);
		c->fields = f;
		cc->fcap = cap;
	}
	f = &c->fields[c->nfields];
	f->name = arena_strndup(c, name, strlen(name));
	f->arg = arg ? arena_strndup(c, arg, strlen(arg)) : NULL;
	if (!f->name || (arg && !f->arg))
		return oom(p);
	f->ref = ref;
	*idx = c->nfields++;
	return 0;
}

/* ---- lists ---- */

struct item {
	const char *p;
	size_t len;
	size_t at; /* in the text: the value, or the reference to the list holding it */
};

/* Values of one list operand; strings stay where they are (condition text,
 * arena, the loader's lists) until the set is built.
 */
struct items {
	struct item *v;
	size_t n, cap;
};

/* One more value, or list name, towards VG_COND_MAX_ITEMS. */
static int count_item(struct parser *p, size_t at)
{
	if (++p->cc->items <= VG_COND_MAX_ITEMS)
		return 0;
	return perr(p, at, -E2BIG, "lists of this condition hold more than %u values in all",
		    VG_COND_MAX_ITEMS);
}

static int items_push(struct parser *p, size_t at, struct items *it, const char *s, size_t n)
{
	int ret;

	if (it->n >= VG_COND_MAX_LIST)
		return perr(p, at, -E2BIG, "list has more than %d values", VG_COND_MAX_LIST);
	ret = count_item(p, at);
	if (ret)
		return ret;
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 16;
		struct item *v = realloc(it->v, cap * sizeof(*v));

		if (!v)
			return oom(p);
		it->v = v;
		it->cap = cap;
	}
	it->v[it->n].p = s;
	it->v[it->n].len = n;
	it->v[it->n].at = at;
	it->n++;
	return 0;
}

/* The caller's list called name, NULL when none (or no list callback). */
static const struct vg_strlist *find_list(struct compile *cc, const char *name)
{
	return cc->env->list ? cc->env->list(cc->env->ctx, name) : NULL;
}

/* "a -> b -> c" from names[0..n) and last, cut to fit. */
static void chain(char *buf, size_t size, const char *const *names, size_t n, const char *last)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i <= n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s", i ? " -> " : "",
				 i < n ? names[i] : last);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* Item k of list name, raw (n bytes) being one quoted string: decoded. */
static int push_quoted_item(struct parser *p, size_t at, struct items *it, const char *name,
			    size_t k, const char *raw, size_t n)
{
	size_t olen;
	char *out;

	if (n < 2 || quoted_end(raw, n) != n - 1)
		return perr(p, at, -EINVAL, "list '%s': item %zu is not one quoted string", name,
			    k + 1);
	out = arena_alloc(p->cc->c, n);
	if (!out)
		return oom(p);
	if (unescape(raw + 1, n - 2, raw[0], out, &olen) != SIZE_MAX)
		return perr(p, at, -EINVAL, "list '%s': item %zu has an unsupported escape", name,
			    k + 1);
	return items_push(p, at, it, out, olen);
}

/* Splice the items of list name (l) into it, expanding the lists it names.
 * stack holds the lists being expanded, for cycles; at is the reference in
 * p's text, where any error is placed.
 */
static int expand_list(struct parser *p, size_t at, const char *name, const struct vg_strlist *l,
		       struct items *it, const char **stack, unsigned int depth)
{
	struct compile *cc = p->cc;
	char path[200];
	int ret;

	for (unsigned int i = 0; i < depth; i++) {
		if (!strcmp(stack[i], name)) {
			chain(path, sizeof(path), stack + i, depth - i, name);
			return perr(p, at, -ELOOP, "list cycle: %s", path);
		}
	}
	if (depth >= VG_COND_MAX_LIST_DEPTH)
		return perr(p, at, -ELOOP, "lists nested deeper than %d", VG_COND_MAX_LIST_DEPTH);
	stack[depth] = name;
	for (size_t k = 0; k < l->count; k++) {
		const char *raw = l->items[k];
		const struct vg_strlist *sub;
		size_t n;

		if (!raw)
			continue;
		n = strlen(raw);
		if (n && (raw[0] == '"' || raw[0] == '\'')) {
			ret = push_quoted_item(p, at, it, name, k, raw, n);
		} else if (n && (sub = find_list(cc, raw))) {
			ret = count_item(p, at);
			if (!ret)
				ret = expand_list(p, at, raw, sub, it, stack, depth + 1);
		} else {
			ret = items_push(p, at, it, raw, n);
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* A bare word in a list: a list's name, or itself. */
static int list_word(struct parser *p, size_t at, size_t n, struct items *it)
{
	const char *stack[VG_COND_MAX_LIST_DEPTH];
	char name[VG_COND_NAME_MAX];
	const struct vg_strlist *l;

	if (n < sizeof(name)) {
		memcpy(name, p->s + at, n);
		name[n] = '\0';
		l = find_list(p->cc, name);
		if (l)
			return expand_list(p, at, name, l, it, stack, 0);
	}
	return items_push(p, at, it, p->s + at, n);
}

/* "(a, 'b c', shell_binaries)", the '(' at p->pos. */
static int parse_list_literal(struct parser *p, struct items *it)
{
	size_t open = p->pos++;
	unsigned int line, col;
	int ret;

	skip_blanks(p);
	if (peek(p) == ')') {
		p->pos++;
		return 0;
	}
	for (;;) {
		size_t at, n;
		char ch;

		skip_blanks(p);
		at = p->pos;
		ch = peek(p);
		if (ch == '"' || ch == '\'') {
			const char *s;

			ret = lex_quoted(p, &s, &n);
			if (!ret)
				ret = items_push(p, at, it, s, n);
		} else if ((n = bare_len(p, at))) {
			p->pos += n;
			ret = list_word(p, at, n, it);
		} else {
			ret = perr(p, at, -EINVAL, "expected a value in the list");
		}
		if (ret)
			return ret;
		skip_blanks(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == ')') {
			p->pos++;
			return 0;
		}
		line_col(p->s, open, &line, &col);
		return perr(p, p->pos, -EINVAL, "expected ',' or ')' in the list opened at %u:%u",
			    line, col);
	}
}

/* The string values of a list as a hash set, each copied to the arena and
 * for pmatch reduced to its components; duplicates kept once.
 */
static int build_strset(struct parser *p, struct strset *set, const struct items *it, bool paths)
{
	struct vg_cond *c = p->cc->c;
	uint32_t cap = 8;

	while (cap < it->n * 2)
		cap <<= 1;
	set->slots = arena_zalloc(c, cap * sizeof(*set->slots));
	if (!set->slots)
		return oom(p);
	set->mask = cap - 1;
	for (size_t i = 0; i < it->n; i++) {
		char *s = arena_alloc(c, it->v[i].len + 1);
		size_t n = it->v[i].len;
		uint64_t h;
		uint32_t k;

		if (!s)
			return oom(p);
		if (paths)
			n = path_canon(it->v[i].p, n, s);
		else
			memcpy(s, it->v[i].p, n);
		s[n] = '\0';
		/* an empty path is no prefix of anything */
		if (paths && !n)
			continue;
		h = fnv(s, n);
		if (strset_find(set, h, s, n))
			continue;
		for (k = (uint32_t)h & set->mask; set->slots[k].p; k = (k + 1) & set->mask)
			;
		set->slots[k].h = h;
		set->slots[k].p = s;
		set->slots[k].len = (uint32_t)n;
	}
	return 0;
}

/* ---- comparing values (compile time sorting, and evaluation) ---- */

/* Signed and unsigned numbers compare by value: "proc.pid > val(fd.num)"
 * with fd.num = -1 is true, where a cast would make it a huge unsigned.
 */
static int num_cmp(const struct vg_value *a, const struct vg_value *b)
{
	bool an = a->type == VG_V_INT && a->i < 0, bn = b->type == VG_V_INT && b->i < 0;
	uint64_t ua, ub;

	if (an != bn)
		return an ? -1 : 1;
	if (an)
		return (a->i > b->i) - (a->i < b->i);
	ua = a->type == VG_V_INT ? (uint64_t)a->i : a->u;
	ub = b->type == VG_V_INT ? (uint64_t)b->i : b->u;
	return (ua > ub) - (ua < ub);
}

static int num_qsort_cmp(const void *a, const void *b)
{
	return num_cmp(a, b);
}

/* Bytewise, a prefix first: strcmp's order without needing a NUL. */
static int str_cmp(const struct vg_value *a, const struct vg_value *b)
{
	size_t n = a->s.len < b->s.len ? a->s.len : b->s.len;
	int r = n ? memcmp(a->s.p, b->s.p, n) : 0;

	if (r)
		return r;
	return (a->s.len > b->s.len) - (a->s.len < b->s.len);
}

/* =, in and intersects of one value; callers have checked the classes match. */
static bool values_eq(const struct vg_value *a, const struct vg_value *b)
{
	switch (tclass(a->type)) {
	case TC_STR:
		return a->s.len == b->s.len && (!a->s.len || !memcmp(a->s.p, b->s.p, a->s.len));
	case TC_NUM:
		return num_cmp(a, b) == 0;
	case TC_BOOL:
		return a->b == b->b;
	case TC_IP:
		return ip_match(a, b);
	default:
		return false;
	}
}

/* ---- the parser ---- */

static int parse_or(struct parser *p, struct node **out);
static int parse_text(struct compile *cc, const char *text, const char *macro, struct node **out);

static int depth_enter(struct parser *p, size_t at)
{
	if (p->cc->depth >= VG_COND_MAX_DEPTH)
		return perr(p, at, -E2BIG, "nested deeper than %d", VG_COND_MAX_DEPTH);
	p->cc->depth++;
	return 0;
}

static struct node *new_node(struct parser *p, size_t at, uint8_t kind)
{
	struct node *n;

	if (++p->cc->nodes > VG_COND_MAX_NODES) {
		perr(p, at, -E2BIG,
		     "more than %d comparisons and operators once macros are expanded",
		     VG_COND_MAX_NODES);
		return NULL;
	}
	n = arena_zalloc(p->cc->c, sizeof(*n));
	if (!n) {
		oom(p);
		return NULL;
	}
	n->kind = kind;
	return n;
}

/* An operand being parsed: its field and the transformers around it. */
struct opbuild {
	uint32_t field;
	uint8_t type;
	uint8_t nxf;
	uint8_t xf[VG_COND_MAX_DEPTH];
};

/* Whether the word at..at+n, followed by '(', is a transformer. */
static int xf_lookup(const struct parser *p, size_t at, size_t n)
{
	if (at + n >= p->len || p->s[at + n] != '(')
		return -1;
	for (int i = 0; i < XF_COUNT; i++)
		if (strlen(xf_names[i]) == n && !memcmp(xf_names[i], p->s + at, n))
			return i;
	return -1;
}

/* field.name, field.name[arg], field.name["arg"] */
static int parse_field(struct parser *p, struct opbuild *ob)
{
	char name[VG_COND_NAME_MAX], arg[VG_COND_NAME_MAX];
	size_t at = p->pos, n = field_len(p, at), aat, an;
	bool has_arg = false;
	int ret;

	if (!n)
		return perr(p, at, -EINVAL, "expected a field");
	if (n >= sizeof(name))
		return perr(p, at, -EINVAL, "field name longer than %d bytes",
			    VG_COND_NAME_MAX - 1);
	memcpy(name, p->s + at, n);
	name[n] = '\0';
	p->pos += n;
	if (peek(p) == '[') {
		aat = ++p->pos;
		if (peek(p) == '"' || peek(p) == '\'') {
			const char *s;

			ret = lex_quoted(p, &s, &an);
			if (ret)
				return ret;
			if (an >= sizeof(arg))
				return perr(p, aat, -EINVAL, "field argument longer than %d bytes",
					    VG_COND_NAME_MAX - 1);
			memcpy(arg, s, an);
		} else {
			for (an = 0; aat + an < p->len; an++) {
				char ch = p->s[aat + an];

				if (is_blank(ch) || ch == '[' || ch == ']' || ch == '"' ||
				    ch == '\'')
					break;
			}
			if (!an)
				return perr(p, aat, -EINVAL, "expected a field argument");
			if (an >= sizeof(arg))
				return perr(p, aat, -EINVAL, "field argument longer than %d bytes",
					    VG_COND_NAME_MAX - 1);
			memcpy(arg, p->s + aat, an);
			p->pos += an;
		}
		arg[an] = '\0';
		if (peek(p) != ']')
			return perr(p, p->pos, -EINVAL, "expected ']' after the field argument");
		p->pos++;
		has_arg = true;
	}
	ret = add_field(p, at, name, has_arg ? arg : NULL, &ob->field);
	if (ret)
		return ret;
	ob->type = p->cc->c->fields[ob->field].ref.type;
	ob->nxf = 0;
	return 0;
}

/* A field, or a transformer of one: tolower(basename(proc.exe)). val(field)
 * only on the right of an operator, where rhs is set.
 */
static int parse_operand(struct parser *p, struct opbuild *ob, bool rhs)
{
	char label[VG_COND_NAME_MAX * 2 + 4];
	size_t at, n;
	int xf, ret;

	skip_blanks(p);
	at = p->pos;
	n = ident_len(p, at);
	xf = n ? xf_lookup(p, at, n) : -1;
	if (xf < 0)
		return parse_field(p, ob);
	if (xf == XF_VAL && !rhs)
		return perr(p, at, -EINVAL,
			    "val() names a field to compare with: only on the right");
	ret = depth_enter(p, at);
	if (ret)
		return ret;
	p->pos += n + 1;
	skip_blanks(p);
	/* libsinsp: val() holds a field; a transformer a field or a transformer */
	ret = xf == XF_VAL ? parse_field(p, ob) : parse_operand(p, ob, false);
	if (ret)
		return ret;
	skip_blanks(p);
	if (peek(p) != ')')
		return perr(p, p->pos, -EINVAL, "expected ')' to close %s(", xf_names[xf]);
	p->pos++;
	p->cc->depth--;
	if (xf == XF_VAL)
		return 0;
	if (ob->type != VG_V_STR) {
		field_label(p->cc->c, ob->field, label, sizeof(label));
		return perr(p, at, -EINVAL, "%s() takes a string, and %s is %s", xf_names[xf],
			    label, type_names[ob->type]);
	}
	if (xf == XF_LEN)
		ob->type = VG_V_UINT;
	ob->xf[ob->nxf++] = (uint8_t)xf;
	return 0;
}

/* The operand as evaluation keeps it: its transformers copied to the arena. */
static int make_operand(struct parser *p, const struct opbuild *ob, struct operand *op)
{
	uint8_t *xf = NULL;

	if (ob->nxf) {
		xf = arena_alloc(p->cc->c, ob->nxf);
		if (!xf)
			return oom(p);
		memcpy(xf, ob->xf, ob->nxf);
	}
	op->field = ob->field;
	op->type = ob->type;
	op->nxf = ob->nxf;
	op->xf = xf;
	return 0;
}

/* The operator at p->pos, or -1. Symbols first, longest first; words are
 * whole identifiers, so "in" is not read out of "intersects" or "inx".
 */
static int lex_op(struct parser *p)
{
	size_t n;

	for (size_t i = 0; i < sizeof(sym_ops) / sizeof(sym_ops[0]); i++) {
		size_t k = strlen(sym_ops[i].s);

		if (p->pos + k <= p->len && !memcmp(p->s + p->pos, sym_ops[i].s, k)) {
			p->pos += k;
			return sym_ops[i].op;
		}
	}
	n = ident_len(p, p->pos);
	for (size_t i = 0; n && i < sizeof(word_ops) / sizeof(word_ops[0]); i++) {
		if (strlen(word_ops[i].s) == n && !memcmp(p->s + p->pos, word_ops[i].s, n)) {
			p->pos += n;
			return word_ops[i].op;
		}
	}
	return -1;
}

/* Convert the literal s (n bytes) for comparing with a value of type with op. */
static int convert_lit(struct parser *p, size_t at, uint8_t op, uint8_t type, const char *s,
		       size_t n, struct vg_value *out, const char *label)
{
	struct vg_cond *c = p->cc->c;
	bool ok;

	memset(out, 0, sizeof(*out));
	out->type = type;
	switch (tclass(type)) {
	case TC_STR:
		if (op == OP_BCONTAINS || op == OP_BSTARTSWITH) {
			char *b = arena_alloc(c, n / 2 + 1);

			if (!b)
				return oom(p);
			if (!parse_hex(s, n, b))
				return perr(p, at, -EINVAL,
					    "'%.*s' is not an even number of hex digits",
					    (int)(n > 64 ? 64 : n), s);
			out->s.p = b;
			out->s.len = (uint32_t)(n / 2);
			return 0;
		}
		out->s.p = arena_strndup(c, s, n);
		if (!out->s.p)
			return oom(p);
		out->s.len = (uint32_t)n;
		return 0;
	case TC_NUM:
		ok = type == VG_V_UINT ? parse_u64(s, n, &out->u) : parse_i64(s, n, &out->i);
		break;
	case TC_BOOL:
		ok = (n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5));
		out->b = n == 4;
		break;
	case TC_IP:
		ok = parse_ip(s, n, out);
		break;
	default:
		ok = false;
	}
	if (!ok)
		return perr(p, at, -EINVAL, "'%.*s' is not %s, as %s needs", (int)(n > 64 ? 64 : n),
			    s, type_names[type], label);
	return 0;
}

/* RE2's limit on a {m,n} count; Falco's regexes are RE2's. */
#define RE_MAX_REPEAT 1000

/* The ']' that closes the bracket expression at c, or c when none does (then
 * regcomp refuses the pattern).
 */
static const char *bracket_end(const char *c)
{
	const char *q = c + 1, *e;

	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	for (; *q; q++) {
		if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			const char close[3] = { q[1], ']', '\0' };

			e = strstr(q + 2, close);
			if (!e)
				return c;
			q = e + 1;
		} else if (*q == ']') {
			return q;
		}
	}
	return c;
}

/* Decimal digits at *q, if any, saturating past RE_MAX_REPEAT. */
static bool re_count(const char **q, long *out)
{
	long v = 0;

	if (**q < '0' || **q > '9')
		return false;
	for (; **q >= '0' && **q <= '9'; (*q)++)
		if (v <= RE_MAX_REPEAT)
			v = v * 10 + (**q - '0');
	*out = v;
	return true;
}

/* "{m}", "{m,}", "{m,n}", "{,n}" at c: the copies of its atom glibc makes,
 * with *end at its '}'; 0 when it is no interval (then '{' is itself), -1
 * when a count is over RE_MAX_REPEAT.
 */
static long interval(const char *c, const char **end)
{
	const char *q = c + 1;
	bool has_lo;
	long lo = 0, hi;

	has_lo = re_count(&q, &lo);
	hi = lo;
	if (*q == ',') {
		q++;
		/* {m,} is m copies and a star */
		if (!re_count(&q, &hi))
			hi = lo + 1;
	} else if (!has_lo) {
		return 0;
	}
	if (*q != '}')
		return 0;
	if (lo > RE_MAX_REPEAT || hi > RE_MAX_REPEAT)
		return -1;
	*end = q;
	return hi > lo ? hi : lo ? lo : 1;
}

/* How big glibc's regcomp makes pat, in copies of its atoms: it copies a
 * repeated atom once per count ("a{3}" is "aaa", "a+" is "aa*"), so stacked
 * or nested repeats grow exponentially ("a+++++", "((a{99}){99}){99}").
 * Returns the size (stopping past VG_COND_MAX_REGEX), or -1 for a quantifier
 * right after another, -2 for a count over RE_MAX_REPEAT (RE2 refuses both),
 * -3 for groups nested deeper than VG_COND_MAX_DEPTH (regcomp recurses), -4
 * for a back-reference (matching one can take exponential time; RE2 has none).
 */
static long regex_size(const char *pat)
{
	long stack[VG_COND_MAX_DEPTH], seq = 0, atom = 0, copies;
	unsigned int depth = 0;
	bool quant = false;

	for (const char *c = pat; *c; c++) {
		copies = 0;
		switch (*c) {
		case '*':
		case '?':
			copies = 1;
			break;
		case '+':
			copies = 2;
			break;
		case '{':
			copies = interval(c, &c);
			if (copies < 0)
				return -2;
			break;
		case '(':
			if (depth == VG_COND_MAX_DEPTH)
				return -3;
			stack[depth++] = seq;
			seq = atom = 0;
			quant = false;
			continue;
		case ')':
			/* glibc's ERE takes a lone ')' as itself */
			if (!depth)
				break;
			atom = seq;
			seq = stack[--depth] + atom;
			quant = false;
			continue;
		case '|':
			atom = 0;
			quant = false;
			continue;
		case '[':
			c = bracket_end(c);
			break;
		case '\\':
			if (c[1] >= '1' && c[1] <= '9')
				return -4;
			if (c[1])
				c++;
			break;
		default:
			break;
		}
		if (copies) {
			if (quant)
				return -1;
			quant = true;
			seq += atom * (copies - 1);
		} else {
			atom = 1;
			seq++;
			quant = false;
		}
		if (seq > VG_COND_MAX_REGEX)
			return seq;
	}
	while (depth)
		seq += stack[--depth];
	return seq;
}

/* pattern must match all of a value, as libsinsp's regex (RE2, anchored at
 * both ends) does; POSIX leftmost-longest matching makes "the match found
 * spans the whole value" the same test.
 */
static int compile_regex(struct parser *p, size_t at, const char *pat, regex_t **out)
{
	long size = regex_size(pat);
	struct rx *rx;
	char why[128];
	int rc;

	if (size == -1)
		return perr(p, at, -EINVAL, "bad regex: a quantifier right after another");
	if (size == -2)
		return perr(p, at, -EINVAL, "bad regex: a repeat count over %d", RE_MAX_REPEAT);
	if (size == -3)
		return perr(p, at, -EINVAL, "bad regex: groups nested deeper than %d",
			    VG_COND_MAX_DEPTH);
	if (size == -4)
		return perr(p, at, -EINVAL, "bad regex: back-references are not supported");
	if (size > VG_COND_MAX_REGEX)
		return perr(p, at, -E2BIG, "regex expands to more than %d atoms",
			    VG_COND_MAX_REGEX);
	rx = malloc(sizeof(*rx));
	if (!rx)
		return oom(p);
	rc = regcomp(&rx->re, pat, REG_EXTENDED);
	if (rc) {
		regerror(rc, &rx->re, why, sizeof(why));
		free(rx);
		return perr(p, at, -EINVAL, "bad regex: %s", why);
	}
	rx->next = p->cc->c->regexes;
	p->cc->c->regexes = rx;
	*out = &rx->re;
	return 0;
}

/* The right side of a list operator, lhs being a value of type. */
static int parse_set(struct parser *p, struct cmp *k, const char *label)
{
	struct items it = { 0 };
	size_t at = p->pos, n;
	int ret;

	if (peek(p) == '(') {
		ret = parse_list_literal(p, &it);
	} else if ((n = ident_len(p, at))) {
		const char *stack[VG_COND_MAX_LIST_DEPTH];
		char name[VG_COND_NAME_MAX];
		const struct vg_strlist *l = NULL;

		if (n < sizeof(name)) {
			memcpy(name, p->s + at, n);
			name[n] = '\0';
			l = find_list(p->cc, name);
		}
		if (!l) {
			ret = perr(p, at, -EINVAL, "undefined list '%.*s'", (int)n, p->s + at);
			goto out;
		}
		p->pos += n;
		ret = expand_list(p, at, name, l, &it, stack, 0);
	} else {
		ret = perr(p, at, -EINVAL, "expected '(' or a list name after '%s'",
			   op_names[k->op]);
	}
	if (ret)
		goto out;
	k->rhs = RHS_SET;
	if (k->lhs.type == VG_V_STR) {
		ret = build_strset(p, &k->set, &it, k->op == OP_PMATCH);
		goto out;
	}
	k->vals = arena_zalloc(p->cc->c, (it.n ? it.n : 1) * sizeof(*k->vals));
	if (!k->vals) {
		ret = oom(p);
		goto out;
	}
	for (size_t i = 0; i < it.n; i++) {
		ret = convert_lit(p, it.v[i].at, k->op, k->lhs.type, it.v[i].p, it.v[i].len,
				  &k->vals[i], label);
		if (ret)
			goto out;
	}
	k->nvals = (uint32_t)it.n;
	if (tclass(k->lhs.type) == TC_NUM)
		qsort(k->vals, it.n, sizeof(*k->vals), num_qsort_cmp);
out:
	free(it.v);
	return ret;
}

/* A comparison: operand, operator, and what it compares with. */
static int parse_check(struct parser *p, struct node **out)
{
	char label[VG_COND_NAME_MAX * 2 + 4];
	struct opbuild lhs, rhs;
	size_t at = p->pos, opat, vat, n;
	struct node *node;
	struct cmp *k;
	int op, ret;

	ret = parse_operand(p, &lhs, false);
	if (ret)
		return ret;
	field_label(p->cc->c, lhs.field, label, sizeof(label));
	skip_blanks(p);
	opat = p->pos;
	op = lex_op(p);
	if (op < 0)
		return perr(p, opat, -EINVAL, "expected an operator after %s", label);
	if (!op_allowed(op, lhs.type))
		return perr(p, opat, -EINVAL, "operator '%s' does not apply to %s, which is %s",
			    op_names[op], label, type_names[lhs.type]);
	k = arena_zalloc(p->cc->c, sizeof(*k));
	if (!k)
		return oom(p);
	k->op = (uint8_t)op;
	ret = make_operand(p, &lhs, &k->lhs);
	if (ret)
		return ret;
	if (op == OP_EXISTS)
		goto done;

	skip_blanks(p);
	vat = p->pos;
	n = ident_len(p, vat);
	if (n && xf_lookup(p, vat, n) >= 0) {
		/* compare with another field: proc.name = val(proc.pname) */
		ret = parse_operand(p, &rhs, true);
		if (ret)
			return ret;
		if (tclass(rhs.type) != tclass(lhs.type)) {
			char rlabel[VG_COND_NAME_MAX * 2 + 4];

			field_label(p->cc->c, rhs.field, rlabel, sizeof(rlabel));
			return perr(p, vat, -EINVAL,
				    "%s is %s and cannot compare with %s, which is %s", label,
				    type_names[lhs.type], rlabel, type_names[rhs.type]);
		}
		if (op == OP_REGEX)
			return perr(p, vat, -EINVAL, "regex needs a pattern, not a field");
		k->rhs = RHS_FIELD;
		ret = make_operand(p, &rhs, &k->rhs_field);
		if (ret)
			return ret;
	} else if (op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH) {
		ret = parse_set(p, k, label);
		if (ret)
			return ret;
	} else {
		const char *s;
		char ch = peek(p);

		if (ch == '"' || ch == '\'') {
			ret = lex_quoted(p, &s, &n);
			if (ret)
				return ret;
		} else if ((n = bare_len(p, vat))) {
			s = p->s + vat;
			p->pos += n;
		} else {
			return perr(p, vat, -EINVAL, "expected a value after '%s'", op_names[op]);
		}
		k->rhs = RHS_LIT;
		ret = convert_lit(p, vat, k->op, lhs.type, s, n, &k->lit, label);
		if (ret)
			return ret;
		if (op == OP_REGEX) {
			ret = compile_regex(p, vat, k->lit.s.p, &k->re);
			if (ret)
				return ret;
		}
	}
done:
	node = new_node(p, at, N_CMP);
	if (!node)
		return p->cc->err;
	node->cmp = k;
	*out = node;
	return 0;
}

/* A macro reference: its text parsed in place, cycles and depth checked. */
static int parse_macro(struct parser *p, size_t at, size_t n, struct node **out)
{
	struct compile *cc = p->cc;
	char name[VG_COND_NAME_MAX], path[200];
	const char *text;
	int ret;

	if (is_keyword(p->s + at, n))
		return perr(p, at, -EINVAL, "expected a condition, found '%.*s'", (int)n,
			    p->s + at);
	if (n >= sizeof(name))
		return perr(p, at, -EINVAL, "macro name longer than %d bytes",
			    VG_COND_NAME_MAX - 1);
	memcpy(name, p->s + at, n);
	name[n] = '\0';
	text = cc->env->macro ? cc->env->macro(cc->env->ctx, name) : NULL;
	if (!text)
		return perr(p, at, -EINVAL, "undefined macro '%s'", name);
	for (unsigned int i = 0; i < cc->nmacros; i++) {
		if (!strcmp(cc->macros[i], name)) {
			chain(path, sizeof(path), cc->macros + i, cc->nmacros - i, name);
			return perr(p, at, -ELOOP, "macro cycle: %s", path);
		}
	}
	if (cc->nmacros >= VG_COND_MAX_MACRO_DEPTH)
		return perr(p, at, -ELOOP, "macros nested deeper than %d", VG_COND_MAX_MACRO_DEPTH);
	ret = depth_enter(p, at);
	if (ret)
		return ret;
	cc->macros[cc->nmacros++] = name;
	ret = parse_text(cc, text, name, out);
	cc->nmacros--;
	cc->depth--;
	p->pos = at + n;
	/* unwinding to the condition, this ends as the reference in it */
	if (ret)
		cc->ref_at = at;
	return ret;
}

/* '(' expression ')', a comparison, or a macro. */
static int parse_primary(struct parser *p, struct node **out)
{
	unsigned int line, col;
	size_t at, n;
	int ret;

	skip_blanks(p);
	at = p->pos;
	if (peek(p) == '(') {
		ret = depth_enter(p, at);
		if (ret)
			return ret;
		p->pos++;
		ret = parse_or(p, out);
		if (ret)
			return ret;
		skip_blanks(p);
		if (peek(p) != ')') {
			line_col(p->s, at, &line, &col);
			return perr(p, p->pos, -EINVAL,
				    "expected 'and', 'or' or ')' to close the '(' at %u:%u", line,
				    col);
		}
		p->pos++;
		p->cc->depth--;
		return 0;
	}
	n = ident_len(p, at);
	if (!n)
		return perr(p, at, -EINVAL, "expected '(', a field, a transformer or a macro name");
	if (field_len(p, at) || xf_lookup(p, at, n) >= 0)
		return parse_check(p, out);
	return parse_macro(p, at, n, out);
}

/* not binds tighter than and: "not a and b" is "(not a) and b". */
static int parse_not(struct parser *p, struct node **out)
{
	unsigned int saved = p->cc->depth, nots = 0;
	struct node *n;
	size_t at;
	int ret;

	for (;;) {
		skip_blanks(p);
		if (!at_kw(p, "not"))
			break;
		ret = depth_enter(p, p->pos);
		if (ret)
			return ret;
		p->pos += 3;
		nots++;
	}
	at = p->pos;
	ret = parse_primary(p, out);
	p->cc->depth = saved;
	if (ret || !(nots & 1))
		return ret;
	n = new_node(p, at, N_NOT);
	if (!n)
		return p->cc->err;
	n->kid = *out;
	*out = n;
	return 0;
}

struct nvec {
	struct node **v;
	size_t n, cap;
};

static int nvec_push(struct parser *p, struct nvec *v, struct node *n)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		struct node **nv = realloc(v->v, cap * sizeof(*nv));

		if (!nv)
			return oom(p);
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = n;
	return 0;
}

/* "a and b and c" (and below or) as one node; "(a and b) and c" joins it. */
static int parse_junction(struct parser *p, struct node **out, uint8_t kind)
{
	const char *kw = kind == N_OR ? "or" : "and";
	struct nvec v = { 0 };
	size_t at = p->pos;
	struct node *n;
	int ret;

	for (;;) {
		ret = kind == N_OR ? parse_junction(p, &n, N_AND) : parse_not(p, &n);
		if (ret)
			goto out;
		if (n->kind == kind) {
			for (size_t i = 0; i < n->n && !ret; i++)
				ret = nvec_push(p, &v, n->kids[i]);
		} else {
			ret = nvec_push(p, &v, n);
		}
		if (ret)
			goto out;
		skip_blanks(p);
		if (!at_kw(p, kw))
			break;
		p->pos += strlen(kw);
	}
	if (v.n == 1) {
		*out = v.v[0];
		goto out;
	}
	n = new_node(p, at, kind);
	if (!n) {
		ret = p->cc->err;
		goto out;
	}
	n->kids = arena_alloc(p->cc->c, v.n * sizeof(*n->kids));
	if (!n->kids) {
		ret = oom(p);
		goto out;
	}
	memcpy(n->kids, v.v, v.n * sizeof(*n->kids));
	n->n = (uint32_t)v.n;
	*out = n;
out:
	free(v.v);
	return ret;
}

static int parse_or(struct parser *p, struct node **out)
{
	return parse_junction(p, out, N_OR);
}

/* A whole condition, or a macro's text. */
static int parse_text(struct compile *cc, const char *text, const char *macro, struct node **out)
{
	struct parser p = { .cc = cc, .s = text, .macro = macro };
	size_t len = strnlen(text, VG_COND_MAX_LEN + 1);
	int ret;

	p.len = len;
	if (len > VG_COND_MAX_LEN)
		return perr(&p, VG_COND_MAX_LEN, -E2BIG, "%s longer than %d bytes",
			    macro ? "macro text" : "condition", VG_COND_MAX_LEN);
	cc->expanded += len;
	if (cc->expanded > VG_COND_MAX_EXPANDED)
		return perr(&p, 0, -E2BIG, "more than %u bytes of text once macros are expanded",
			    VG_COND_MAX_EXPANDED);
	skip_blanks(&p);
	if (p.pos == p.len)
		return perr(&p, p.pos, -EINVAL, "empty %s", macro ? "macro" : "condition");
	ret = parse_or(&p, out);
	if (ret)
		return ret;
	skip_blanks(&p);
	if (p.pos != p.len)
		return perr(&p, p.pos, -EINVAL, "expected 'and', 'or' or the end");
	return 0;
}

struct vg_cond *vg_cond__compile(const char *text, const struct vg_cond_env *env,
				 struct vg_cond_err *err)
{
	struct compile cc;
	struct vg_cond *c;
	int ret;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!text || !env || !env->resolve) {
		if (err)
			snprintf(err->msg, sizeof(err->msg),
				 "1:1: no condition or no field resolver");
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		if (err)
			snprintf(err->msg, sizeof(err->msg), "1:1: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	memset(&cc, 0, sizeof(cc));
	cc.env = env;
	cc.c = c;
	ret = parse_text(&cc, text, NULL, &c->root);
	if (!ret)
		return c;
	if (err) {
		if (cc.macro[0]) {
			err->offset = cc.ref_at;
			line_col(text, cc.ref_at, &err->line, &err->col);
			snprintf(err->macro, sizeof(err->macro), "%s", cc.macro);
			err->macro_offset = cc.at;
			snprintf(err->msg, sizeof(err->msg), "%u:%u: in macro '%.64s' at %u:%u: %s",
				 err->line, err->col, cc.macro, cc.line, cc.col, cc.what);
		} else {
			err->offset = cc.at;
			err->line = cc.line;
			err->col = cc.col;
			snprintf(err->msg, sizeof(err->msg), "%u:%u: %s", cc.line, cc.col, cc.what);
		}
	}
	vg_cond__free(c);
	errno = -ret;
	return NULL;
}

void vg_cond__free(struct vg_cond *c)
{
	if (!c)
		return;
	while (c->regexes) {
		struct rx *rx = c->regexes;

		c->regexes = rx->next;
		regfree(&rx->re);
		free(rx);
	}
	while (c->arena) {
		struct chunk *ch = c->arena;

		c->arena = ch->next;
		free(ch);
	}
	free(c->fields);
	free(c);
}

const struct vg_cond_field *vg_cond__fields(const struct vg_cond *c, size_t *n)
{
	*n = c ? c->nfields : 0;
	return c ? c->fields : NULL;
}

/* ---- evaluation ---- */

/* Where an operand's transformers write: on the stack, or the heap for
 * values longer than VG_COND_SCRATCH.
 */
struct scratch {
	char *buf;
	size_t cap;
	char *heap;
};

struct eval {
	const struct vg_cond *c;
	vg_field_get_fn get;
	void *ctx;
	struct scratch s[2]; /* left and right operands */
};

/* A buffer for transforming v: v's own bytes when they are already in the
 * scratch (every transformer can work in place), else the scratch.
 */
static char *scratch_for(struct scratch *s, const struct vg_value *v)
{
	uintptr_t p = (uintptr_t)v->s.p, b = (uintptr_t)s->buf;
	char *h;

	if (p >= b && p < b + s->cap)
		return (char *)v->s.p;
	if (v->s.len > s->cap) {
		h = realloc(s->heap, v->s.len);
		if (!h)
			return NULL;
		s->heap = s->buf = h;
		s->cap = v->s.len;
	}
	return s->buf;
}

/* v as a C string for regexec: glibc's REG_STARTEND would bound it, but
 * sanitizers' regexec interceptors (and other libcs) read up to a NUL.
 */
static const char *scratch_cstr(struct scratch *s, const struct vg_value *v)
{
	uintptr_t p = (uintptr_t)v->s.p, b = (uintptr_t)s->buf;
	size_t n = v->s.len;
	char *h;

	if (p >= b && p + n < b + s->cap) {
		((char *)v->s.p)[n] = '\0';
		return v->s.p;
	}
	if (n + 1 > s->cap) {
		/* a new buffer: v may be in the old one, freed once copied */
		h = malloc(n + 1);
		if (!h)
			return NULL;
		memcpy(h, v->s.p, n);
		free(s->heap);
		s->heap = s->buf = h;
		s->cap = n + 1;
	} else {
		memmove(s->buf, v->s.p, n);
	}
	s->buf[n] = '\0';
	return s->buf;
}

static int b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* Base64 with or without its '=' padding, as libsinsp's b64(); out may be in:
 * each byte is written after the characters it comes from are read.
 */
static long b64_decode(const char *in, size_t n, char *out)
{
	uint32_t acc = 0;
	size_t o = 0, pad = 0;
	int bits = 0;

	while (n && in[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (n % 4 == 1 || (pad && (n + pad) % 4))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = b64_val((unsigned char)in[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits);
		}
	}
	return (long)o;
}

static bool apply_xf(struct scratch *s, uint8_t xf, struct vg_value *v)
{
	const char *slash;
	uint32_t len;
	char *d;
	long n;

	/* a getter that returned another type than its field's */
	if (v->type != VG_V_STR)
		return false;
	switch (xf) {
	case XF_BASENAME:
		slash = v->s.len ? memrchr(v->s.p, '/', v->s.len) : NULL;
		if (slash) {
			v->s.len -= (uint32_t)(slash + 1 - v->s.p);
			v->s.p = slash + 1;
		}
		return true;
	case XF_LEN:
		len = v->s.len;
		v->type = VG_V_UINT;
		v->u = len;
		return true;
	case XF_TOLOWER:
	case XF_TOUPPER:
		d = scratch_for(s, v);
		if (!d)
			return false;
		for (uint32_t i = 0; i < v->s.len; i++)
			d[i] = (char)(xf == XF_TOLOWER ? lower(v->s.p[i]) : upper(v->s.p[i]));
		v->s.p = d;
		return true;
	case XF_B64:
		d = scratch_for(s, v);
		if (!d)
			return false;
		n = b64_decode(v->s.p, v->s.len, d);
		if (n < 0)
			return false;
		v->s.p = d;
		v->s.len = (uint32_t)n;
		return true;
	default:
		return false;
	}
}

/* The operand's value for this event; false when it has none. */
static bool get_operand(struct eval *e, const struct operand *op, struct scratch *s,
			struct vg_value *v)
{
	memset(v, 0, sizeof(*v));
	if (!e->get(e->ctx, &e->c->fields[op->field].ref, v) || v->type == VG_V_NONE)
		return false;
	if (v->type == VG_V_STR && !v->s.p) {
		v->s.p = "";
		v->s.len = 0;
	}
	for (uint8_t i = 0; i < op->nxf; i++)
		if (!apply_xf(s, op->xf[i], v))
			return false;
	return true;
}

static bool icontains(const struct vg_value *h, const struct vg_value *n)
{
	if (n->s.len > h->s.len)
		return false;
	for (size_t i = 0; i + n->s.len <= h->s.len; i++) {
		size_t j = 0;

		while (j < n->s.len && lower(h->s.p[i + j]) == lower(n->s.p[j]))
			j++;
		if (j == n->s.len)
			return true;
	}
	return false;
}

static bool in_range(unsigned char ch, unsigned char lo, unsigned char hi, bool icase)
{
	if (ch >= lo && ch <= hi)
		return true;
	return icase &&
	       ((lower(ch) >= lo && lower(ch) <= hi) || (upper(ch) >= lo && upper(ch) <= hi));
}

static bool in_class(const char *name, size_t n, unsigned char ch)
{
	static const struct {
		const char *name;
		const char *lo_hi; /* ranges: pairs of bytes */
	} classes[] = {
		{ "alpha", "azAZ" }, { "digit", "09" }, { "alnum", "azAZ09" },
		{ "upper", "AZ" },   { "lower", "az" }, { "xdigit", "09afAF" },
		{ "space", "\t\r  " }, { "blank", "\t\t  " },
	};

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		const char *r = classes[i].lo_hi;

		if (strlen(classes[i].name) != n || memcmp(classes[i].name, name, n))
			continue;
		for (; *r; r += 2)
			if (ch >= (unsigned char)r[0] && ch <= (unsigned char)r[1])
				return true;
		return false;
	}
	if (n == 5 && !memcmp(name, "punct", 5))
		return ch > 0x20 && ch < 0x7f && !is_identch((char)ch);
	return false;
}

/* The bracket expression at pat[i] == '['. Returns whether ch is in it and
 * sets *end past it, or -1 when it is not closed (then '[' is literal, as
 * fnmatch has it).
 */
static int glob_bracket(const char *pat, size_t pn, size_t i, unsigned char ch, bool icase,
			size_t *end)
{
	bool neg = false, hit = false;
	size_t start;

	i++;
	if (i < pn && (pat[i] == '!' || pat[i] == '^')) {
		neg = true;
		i++;
	}
	start = i;
	for (;;) {
		unsigned char lo, hi;

		if (i >= pn)
			return -1;
		lo = pat[i];
		if (lo == ']' && i > start) {
			*end = i + 1;
			return hit != neg;
		}
		if (lo == '[' && i + 1 < pn && pat[i + 1] == ':') {
			const char *close = memmem(pat + i + 2, pn - i - 2, ":]", 2);

			if (close) {
				hit |= in_class(pat + i + 2, close - (pat + i + 2), ch);
				i = close + 2 - pat;
				continue;
			}
		}
		if (lo == '\\' && i + 1 < pn)
			lo = pat[++i];
		i++;
		hi = lo;
		if (i + 1 < pn && pat[i] == '-' && pat[i + 1] != ']') {
			hi = pat[i + 1];
			i += 2;
			if (hi == '\\' && i < pn)
				hi = pat[i++];
		}
		hit |= in_range(ch, lo, hi, icase);
	}
}

/* One pattern element (not '*') against ch; *pi moves past it. */
static bool glob_elem(const char *pat, size_t pn, size_t *pi, unsigned char ch, bool icase)
{
	size_t i = *pi, end;
	unsigned char pc = pat[i];
	int m;

	if (pc == '?') {
		*pi = i + 1;
		return true;
	}
	if (pc == '[') {
		m = glob_bracket(pat, pn, i, ch, icase, &end);
		if (m >= 0) {
			*pi = end;
			return m;
		}
	}
	if (pc == '\\' && i + 1 < pn)
		pc = pat[++i];
	*pi = i + 1;
	return icase ? lower(pc) == lower(ch) : pc == ch;
}

/* fnmatch() without flags (a '*' crosses '/'), over counted bytes. On a
 * mismatch, the last '*' takes one more byte: each other element matches
 * exactly one byte, so this finds a match when there is one.
 */
static bool glob_match(const char *pat, size_t pn, const char *s, size_t sn, bool icase)
{
	size_t pi = 0, si = 0, star = SIZE_MAX, mark = 0, next;

	while (si < sn) {
		if (pi < pn && pat[pi] == '*') {
			star = ++pi;
			mark = si;
			continue;
		}
		next = pi;
		if (pi < pn && glob_elem(pat, pn, &next, (unsigned char)s[si], icase)) {
			pi = next;
			si++;
			continue;
		}
		if (star == SIZE_MAX)
			return false;
		pi = star;
		si = ++mark;
	}
	while (pi < pn && pat[pi] == '*')
		pi++;
	return pi == pn;
}

/* Whether path b is a, or a's parent, grandparent...: whole components. */
static bool path_prefix(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	if (!bn || (an && a[0] == '/') != (b[0] == '/'))
		return false;
	for (;;) {
		while (i < an && a[i] == '/')
			i++;
		while (j < bn && b[j] == '/')
			j++;
		if (j == bn)
			return true;
		if (i == an)
			return false;
		while (i < an && j < bn && a[i] != '/' && b[j] != '/' && a[i] == b[j]) {
			i++;
			j++;
		}
		if ((i < an && a[i] != '/') || (j < bn && b[j] != '/'))
			return false;
	}
}

/* pmatch against a set: probe each prefix of the value that ends a component. */
static bool pmatch_set(struct scratch *s, const struct strset *set, struct vg_value *v)
{
	const char *p = v->s.p;
	size_t n = v->s.len;
	uint64_t h = FNV_BASIS;

	if (path_needs_canon(p, n)) {
		char *d = scratch_for(s, v);

		if (!d)
			return false;
		n = path_canon(p, n, d);
		p = d;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '/' && i && strset_find(set, h, p, i))
			return true;
		h = fnv_step(h, (unsigned char)p[i]);
		if (!i && p[0] == '/' && strset_find(set, h, p, 1))
			return true;
	}
	return n && strset_find(set, h, p, n);
}

/* a op b for the binary operators, b a literal or another field's value. A
 * getter that answers with another kind of value than its field's declared
 * one makes the comparison false rather than misread.
 */
static bool cmp_values(uint8_t op, const struct vg_value *a, const struct vg_value *b)
{
	int tc = tclass(a->type), r;

	if (tc != tclass(b->type))
		return false;
	switch (op) {
	case OP_EQ:
	case OP_IN:
	case OP_INTERSECTS:
		return values_eq(a, b);
	case OP_NE:
		return !values_eq(a, b);
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
		if (tc == TC_STR)
			r = str_cmp(a, b);
		else if (tc == TC_NUM)
			r = num_cmp(a, b);
		else
			return false;
		return op == OP_LT ? r < 0 : op == OP_LE ? r <= 0 : op == OP_GT ? r > 0 : r >= 0;
	default:
		break;
	}
	if (tc != TC_STR)
		return false;
	switch (op) {
	case OP_CONTAINS:
	case OP_BCONTAINS:
		return !b->s.len || (a->s.len && memmem(a->s.p, a->s.len, b->s.p, b->s.len));
	case OP_ICONTAINS:
		return icontains(a, b);
	case OP_STARTSWITH:
	case OP_BSTARTSWITH:
		return a->s.len >= b->s.len && !memcmp(a->s.p, b->s.p, b->s.len);
	case OP_ENDSWITH:
		return a->s.len >= b->s.len &&
		       !memcmp(a->s.p + a->s.len - b->s.len, b->s.p, b->s.len);
	case OP_GLOB:
	case OP_IGLOB:
		return glob_match(b->s.p, b->s.len, a->s.p, a->s.len, op == OP_IGLOB);
	case OP_PMATCH:
		return path_prefix(a->s.p, a->s.len, b->s.p, b->s.len);
	default:
		return false;
	}
}

/* in/intersects on numbers (sorted at compile time: a binary search),
 * booleans and addresses (short lists in practice: a scan, as networks
 * cannot be sorted into one order with the addresses they hold).
 */
static bool in_vals(const struct cmp *k, const struct vg_value *a)
{
	uint32_t lo = 0, hi = k->nvals;

	if (tclass(a->type) != tclass(k->lhs.type))
		return false;
	if (tclass(a->type) != TC_NUM) {
		for (uint32_t i = 0; i < k->nvals; i++)
			if (values_eq(a, &k->vals[i]))
				return true;
		return false;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int r = num_cmp(a, &k->vals[mid]);

		if (!r)
			return true;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* One comparison: false as soon as an operand has no value, as in Falco. */
static bool eval_cmp(struct eval *e, const struct cmp *k)
{
	struct vg_value a, b;
	const char *str;
	regmatch_t m;

	if (!get_operand(e, &k->lhs, &e->s[0], &a))
		return false;
	switch (k->rhs) {
	case RHS_NONE:
		return true;
	case RHS_FIELD:
		return get_operand(e, &k->rhs_field, &e->s[1], &b) && cmp_values(k->op, &a, &b);
	case RHS_SET:
		if (k->lhs.type != VG_V_STR)
			return in_vals(k, &a);
		if (a.type != VG_V_STR)
			return false;
		if (k->op == OP_PMATCH)
			return pmatch_set(&e->s[0], &k->set, &a);
		return strset_find(&k->set, fnv(a.s.p, a.s.len), a.s.p, a.s.len);
	default:
		if (k->op != OP_REGEX)
			return cmp_values(k->op, &a, &k->lit);
		if (a.type != VG_V_STR || !(str = scratch_cstr(&e->s[0], &a)))
			return false;
		/* REG_STARTEND: a NUL inside the value is just a byte */
		m.rm_so = 0;
		m.rm_eo = (regoff_t)a.s.len;
		return !regexec(k->re, str, 1, &m, REG_STARTEND) && m.rm_so == 0 &&
		       m.rm_eo == (regoff_t)a.s.len;
	}
}

/* and/or stop at the first child that decides; the tree is at most
 * VG_COND_MAX_DEPTH deep, so the recursion is bounded.
 */
static bool eval_node(struct eval *e, const struct node *n)
{
	switch (n->kind) {
	case N_AND:
		for (uint32_t i = 0; i < n->n; i++)
			if (!eval_node(e, n->kids[i]))
				return false;
		return true;
	case N_OR:
		for (uint32_t i = 0; i < n->n; i++)
			if (eval_node(e, n->kids[i]))
				return true;
		return false;
	case N_NOT:
		return !eval_node(e, n->kid);
	default:
		return eval_cmp(e, n->cmp);
	}
}

bool vg_cond__eval(const struct vg_cond *c, vg_field_get_fn get, void *ctx)
{
	char b0[VG_COND_SCRATCH], b1[VG_COND_SCRATCH];
	struct eval e = {
		.c = c,
		.get = get,
		.ctx = ctx,
		.s = { { b0, sizeof(b0), NULL }, { b1, sizeof(b1), NULL } },
	};
	bool r;

	if (!c || !c->root || !get)
		return false;
	r = eval_node(&e, c->root);
	free(e.s[0].heap);
	free(e.s[1].heap);
	return r;
}

/* ---- event types ---- */

struct et {
	const struct vg_cond *c;
	size_t nt;
	int (*type_of)(void *ctx, const char *name);
	void *ctx;
};

static void et_mark(const struct et *w, const char *name, bool *set)
{
	int t = w->type_of(w->ctx, name);

	if (t >= 0 && (size_t)t < w->nt)
		set[t] = true;
}

/* t: the types for which n can be true; f: for which it can be false. Both
 * over-approximate, so "not" only swaps them and De Morgan holds.
 */
static int et_walk(const struct et *w, const struct node *n, bool *t, bool *f)
{
	const struct vg_cond_field *fld;
	const struct cmp *k;
	bool *ct, *cf, *tmp;

	switch (n->kind) {
	case N_NOT:
		return et_walk(w, n->kid, f, t);
	case N_AND:
	case N_OR:
		ct = malloc(2 * w->nt + 2);
		if (!ct)
			return -ENOMEM;
		cf = ct + w->nt + 1;
		memset(t, n->kind == N_AND, w->nt);
		memset(f, n->kind == N_OR, w->nt);
		for (uint32_t i = 0; i < n->n; i++) {
			int ret = et_walk(w, n->kids[i], ct, cf);

			if (ret) {
				free(ct);
				return ret;
			}
			for (size_t j = 0; j < w->nt; j++) {
				if (n->kind == N_AND) {
					t[j] = t[j] && ct[j];
					f[j] = f[j] || cf[j];
				} else {
					t[j] = t[j] || ct[j];
					f[j] = f[j] && cf[j];
				}
			}
		}
		free(ct);
		return 0;
	default:
		break;
	}
	k = n->cmp;
	fld = &w->c->fields[k->lhs.field];
	if (strcmp(fld->name, "evt.type") || fld->arg || k->lhs.nxf || k->lhs.type != VG_V_STR ||
	    !((k->rhs == RHS_LIT && (k->op == OP_EQ || k->op == OP_NE)) ||
	      (k->rhs == RHS_SET && (k->op == OP_IN || k->op == OP_INTERSECTS)))) {
		memset(t, 1, w->nt);
		memset(f, 1, w->nt);
		return 0;
	}
	/* the types named, in t; the rest in f; != swaps them */
	if (k->op == OP_NE) {
		tmp = t;
		t = f;
		f = tmp;
	}
	memset(t, 0, w->nt);
	if (k->rhs == RHS_LIT) {
		et_mark(w, k->lit.s.p, t);
	} else {
		for (uint32_t i = 0; i <= k->set.mask; i++)
			if (k->set.slots[i].p)
				et_mark(w, k->set.slots[i].p, t);
	}
	for (size_t j = 0; j < w->nt; j++)
		f[j] = !t[j];
	return 0;
}

int vg_cond__event_types(const struct vg_cond *c, bool *types, size_t ntypes,
			 int (*type_of)(void *ctx, const char *name), void *ctx)
{
	struct et w = { .c = c, .nt = ntypes, .type_of = type_of, .ctx = ctx };
	bool *f;
	int ret, count = 0;

	if (!c || !c->root || !type_of || (ntypes && !types))
		return -EINVAL;
	f = malloc(ntypes + 1);
	if (!f)
		return -ENOMEM;
	ret = et_walk(&w, c->root, types, f);
	free(f);
	if (ret)
		return ret;
	for (size_t i = 0; i < ntypes; i++)
		count += types[i];
	return (size_t)count == ntypes ? -1 : count;
}

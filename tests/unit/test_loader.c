// SPDX-License-Identifier: Apache-2.0
/*
 * The rules file loader: every item kind and its Falco semantics (override
 * append/replace, legacy append, enabled-only, redefinition, exceptions and
 * the condition text they make, anchors, several documents and files), the
 * exact FILE:LINE:COL text of each error, the positions conditions map back
 * to, the limits at their edges, and the unmodified upstream Falco rules.
 * Fixtures are written into a temporary directory and loaded from there.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "userspace/rules/loader.h"

static char tdir[64];

__attribute__((destructor)) static void tdir_remove(void)
{
	if (tdir[0])
		rmdir(tdir);
}

/* tdir/name; the directory is made on first use. */
static const char *tpath(const char *name)
{
	static char path[4][256];
	static int k;

	if (!tdir[0]) {
		strcpy(tdir, "/tmp/vigil-test-loader-XXXXXX");
		if (!mkdtemp(tdir))
			tdir[0] = '\0';
	}
	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tdir, name);
	return path[k];
}

static bool write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/* Write text as tdir/name and load that file into d. */
static int load_named(struct vg_rules_doc *d, const char *name, const char *text, char *err,
		      size_t errlen)
{
	const char *path = tpath(name);
	int ret;

	if (!write_file(path, text, strlen(text)))
		return -EIO;
	ret = vg_rules_doc__load_file(d, path, err, errlen);
	unlink(path);
	return ret;
}

/* A new document with text loaded as t.yaml; NULL (and a failure) if not. */
static struct vg_rules_doc *load_ok(const char *text)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	char err[512];
	int ret = load_named(d, "t.yaml", text, err, sizeof(err));

	if (!ASSERT_EQ(ret, 0, "load") || !ASSERT_STREQ(err, "", "no message")) {
		fprintf(stderr, "  error: %s\n", err);
		vg_rules_doc__free(d);
		return NULL;
	}
	return d;
}

/* Loading text as bad.yaml fails with -EINVAL and "PATH:" expected. */
static void expect_error(const char *text, const char *expected)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	char err[512], want[512];
	int ret = load_named(d, "bad.yaml", text, err, sizeof(err));

	snprintf(want, sizeof(want), "%s:%s", tpath("bad.yaml"), expected);
	if (!ASSERT_EQ(ret, -EINVAL, expected))
		fprintf(stderr, "  message: %s\n", err);
	ASSERT_STREQ(err, want, "message");
	vg_rules_doc__free(d);
}

static const char *tpath_base(const struct vg_rules_pos *pos)
{
	const char *s = strrchr(pos->file, '/');

	return s ? s + 1 : pos->file;
}

/* pos is name:line:col. */
static void expect_pos(const struct vg_rules_pos *pos, const char *name, uint32_t line,
		       uint32_t col, const char *what)
{
	ASSERT_STREQ(tpath_base(pos), name, what);
	ASSERT_EQ(pos->line, line, what);
	ASSERT_EQ(pos->col, col, what);
}

/* Byte off of c is at line:col of t.yaml. */
static void expect_at(const struct vg_rules_cond *c, size_t off, uint32_t line, uint32_t col,
		      const char *what)
{
	struct vg_rules_pos pos = { 0 };

	ASSERT_OK(vg_rules_cond__locate(c, off, &pos), what);
	expect_pos(&pos, "t.yaml", line, col, what);
}

static size_t offset_of(const struct vg_rules_cond *c, const char *needle)
{
	const char *p = strstr(c->text, needle);

	ASSERT_NONNULL(p, needle);
	return p ? (size_t)(p - c->text) : 0;
}

static bool has_tag(const struct vg_rules_rule *r, const char *tag)
{
	for (uint32_t i = 0; i < r->ntags; i++)
		if (!strcmp(r->tags[i], tag))
			return true;
	return false;
}

static char *cond_text(const struct vg_rules_rule *r)
{
	char *text = NULL;
	size_t len;

	ASSERT_OK(vg_rules_rule__condition_text(r, &text, &len), "condition text");
	return text;
}

/* Warning i of d, without the "DIR/" of its file. */
static void expect_warning(const struct vg_rules_doc *d, size_t i, const char *expected)
{
	const struct vg_rules_warning *w = vg_rules_doc__warning(d, i);
	char want[512];

	if (!ASSERT_NONNULL(w, expected))
		return;
	snprintf(want, sizeof(want), "%s/%s", tdir, expected);
	ASSERT_STREQ(w->msg, want, "warning");
}

/* ------------------------------------------------------------------------ */
/* The upstream Falco rules, unmodified                                      */

static const char *upstream_dir(void)
{
	const char *d = getenv("VIGIL_FALCO_RULES_DIR");

	return d ? d : "/work/shared/falco-rules";
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &cap, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* The character at 1-based line:col of text. */
static const char *char_at(const char *text, uint32_t line, uint32_t col)
{
	const char *p = text;

	while (--line && (p = strchr(p, '\n')))
		p++;
	if (!p)
		return NULL;
	while (--col && *p && *p != '\n')
		p++;
	return p;
}

TEST(loader_upstream_falco_rules)
{
	static const char *const files[] = { "falco_rules.yaml", "falco-incubating_rules.yaml",
					     "falco-sandbox_rules.yaml" };
	struct vg_rules_doc *d = vg_rules_doc__new(), *one = vg_rules_doc__new();
	const struct vg_rules_rule *r;
	const struct vg_rules_macro *m;
	char path[3][512], *text[3] = { 0 }, err[512];
	size_t enabled = 0, checked = 0, wrong = 0;

	for (int i = 0; i < 3; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/%s", upstream_dir(), files[i]);
		if (access(path[i], R_OK)) {
			test__skip("%s: not readable", path[i]);
			goto out;
		}
		ASSERT_OK(vg_rules_doc__load_file(d, path[i], err, sizeof(err)), err);
		text[i] = slurp(path[i]);
	}
	/* the three in order into one document; names repeat across files */
	ASSERT_EQ(vg_rules_doc__nrules(d), 93, "rules");
	ASSERT_EQ(vg_rules_doc__nmacros(d), 315, "macros");
	ASSERT_EQ(vg_rules_doc__nlists(d), 118, "lists");
	ASSERT_STREQ(vg_rules_doc__engine_version(d), "0.57.0", "required_engine_version");
	/* the only warnings: each file requires the container plugin */
	ASSERT_EQ(vg_rules_doc__nwarnings(d), 3, "warnings");
	for (int i = 0; i < 3 && vg_rules_doc__warning(d, i); i++) {
		char want[600];

		snprintf(want, sizeof(want),
			 "%s:31:7: the rules require plugin 'container' version 0.4.0; vigil runs "
			 "no plugins",
			 path[i]);
		ASSERT_STREQ(vg_rules_doc__warning(d, i)->msg, want, "plugin warning");
	}

	r = vg_rules_doc__find_rule(d, "Read sensitive file untrusted");
	if (ASSERT_NONNULL(r, "Read sensitive file untrusted")) {
		ASSERT_EQ(r->priority, VG_RULES_PRIO_WARNING, "priority");
		ASSERT_TRUE(has_tag(r, "T1555"), "tag T1555");
		ASSERT_TRUE(has_tag(r, "maturity_stable"), "tag maturity_stable");
		ASSERT_STREQ(r->source, "syscall", "source");
		ASSERT_FALSE(r->unknown_source, "known source");
		ASSERT_TRUE(r->enabled, "enabled");
		ASSERT_STREQ(r->pos.file, path[0], "file");
		ASSERT_EQ(r->pos.line, 397, "line");
		ASSERT_EQ(r->pos.col, 3, "col");
	}
	for (size_t i = 0; i < vg_rules_doc__nrules(d); i++) {
		r = vg_rules_doc__rule(d, i);
		enabled += r->enabled;
		ASSERT_STREQ(r->source, "syscall", r->name);
	}
	ASSERT_EQ(enabled, 81, "enabled rules");

	/* redefined in each file: the last definition, the first place */
	m = vg_rules_doc__find_macro(d, "open_write");
	if (ASSERT_NONNULL(m, "open_write")) {
		ASSERT_STREQ(m->pos.file, path[2], "last definition's file");
		ASSERT_EQ(m->pos.line, 42, "line");
		ASSERT_EQ(m->cond.anchors[0].pos.line, 43, "condition line");
		ASSERT_EQ(m->cond.anchors[0].pos.col, 14, "condition col");
		ASSERT_EQ(m->index, 0, "index of the first definition: the first item");
		ASSERT_TRUE(m->visibility > m->index, "visibility of the last");
		ASSERT_TRUE(vg_rules_doc__macro(d, 0) == m, "first-definition order");
	}

	/* every byte of every condition is the byte its position names */
	for (int k = 0; k < 2; k++) {
		size_t n = k ? vg_rules_doc__nrules(d) : vg_rules_doc__nmacros(d);

		for (size_t i = 0; i < n; i++) {
			const struct vg_rules_cond *c = k ? &vg_rules_doc__rule(d, i)->cond :
							    &vg_rules_doc__macro(d, i)->cond;

			for (size_t off = 0; off < c->len; off++) {
				struct vg_rules_pos pos;
				const char *src = NULL, *at;

				if (c->text[off] == ' ' || c->text[off] == '\n')
					continue;
				if (vg_rules_cond__locate(c, off, &pos))
					break;
				for (int f = 0; f < 3; f++)
					if (!strcmp(pos.file, path[f]))
						src = text[f];
				at = src ? char_at(src, pos.line, pos.col) : NULL;
				checked++;
				wrong += !at || *at != c->text[off];
			}
		}
	}
	ASSERT_TRUE(checked > 40000, "condition bytes checked");
	ASSERT_EQ(wrong, 0, "condition bytes not where their position says");

	/* falco_rules.yaml alone */
	ASSERT_OK(vg_rules_doc__load_file(one, path[0], err, sizeof(err)), err);
	ASSERT_EQ(vg_rules_doc__nrules(one), 25, "falco_rules.yaml rules");
	ASSERT_EQ(vg_rules_doc__nmacros(one), 87, "falco_rules.yaml macros");
	ASSERT_EQ(vg_rules_doc__nlists(one), 49, "falco_rules.yaml lists");
out:
	for (int i = 0; i < 3; i++)
		free(text[i]);
	vg_rules_doc__free(d);
	vg_rules_doc__free(one);
}

/* ------------------------------------------------------------------------ */
/* Items                                                                     */

TEST(loader_items_and_fields)
{
	struct vg_rules_doc *d = load_ok("- list: shells\n"
					 "  items: [bash, \"sh\", 'zsh', 7]\n"
					 "- macro: spawned\n"
					 "  condition: evt.type = execve\n"
					 "- rule: Shell\n"
					 "  desc: a shell\n"
					 "  condition: spawned and proc.name in (shells)\n"
					 "  output: \"  shell (cmd=%proc.cmdline)\\n\"\n"
					 "  priority: warning\n"
					 "  tags: [a, b, a]\n"
					 "  enabled: false\n"
					 "  warn_evttypes: no\n"
					 "  skip-if-unknown-filter: On\n"
					 "- rule: Defaults\n"
					 "  desc: d\n"
					 "  condition: c\n"
					 "  output: o\n"
					 "  priority: debug\n");
	const struct vg_rules_list *l;
	const struct vg_rules_macro *m;
	const struct vg_rules_rule *r;

	if (!d)
		return;
	l = vg_rules_doc__find_list(d, "shells");
	if (ASSERT_NONNULL(l, "list") && ASSERT_EQ(l->nitems, 4, "items")) {
		ASSERT_STREQ(l->items[0], "bash", "item 0");
		ASSERT_STREQ(l->items[1], "sh", "item 1");
		ASSERT_STREQ(l->items[2], "zsh", "item 2");
		ASSERT_STREQ(l->items[3], "7", "a number is text");
		expect_pos(&l->pos, "t.yaml", 1, 3, "list pos");
		ASSERT_EQ(l->index, 0, "list index");
	}
	m = vg_rules_doc__find_macro(d, "spawned");
	if (ASSERT_NONNULL(m, "macro")) {
		ASSERT_STREQ(m->cond.text, "evt.type = execve", "macro condition");
		expect_pos(&m->pos, "t.yaml", 3, 3, "macro pos");
		expect_at(&m->cond, 0, 4, 14, "macro condition start");
		ASSERT_EQ(m->index, 1, "macro index");
	}
	r = vg_rules_doc__find_rule(d, "Shell");
	if (ASSERT_NONNULL(r, "rule")) {
		ASSERT_STREQ(r->desc, "a shell", "desc");
		ASSERT_STREQ(r->cond.text, "spawned and proc.name in (shells)", "condition");
		ASSERT_STREQ(r->output, "shell (cmd=%proc.cmdline)", "output trimmed");
		ASSERT_EQ(r->priority, VG_RULES_PRIO_WARNING, "priority");
		ASSERT_EQ(r->ntags, 2, "tags once each");
		ASSERT_TRUE(r->ntags == 2 && !strcmp(r->tags[0], "a") && !strcmp(r->tags[1], "b"),
			    "tags in order");
		ASSERT_FALSE(r->enabled, "enabled");
		ASSERT_FALSE(r->warn_evttypes, "warn_evttypes");
		ASSERT_TRUE(r->skip_if_unknown_filter, "skip-if-unknown-filter");
		ASSERT_STREQ(r->source, "syscall", "default source");
		ASSERT_EQ(r->nexceptions, 0, "no exceptions");
		expect_pos(&r->pos, "t.yaml", 5, 3, "rule pos");
		expect_pos(&r->output_pos, "t.yaml", 8, 11, "output pos");
		ASSERT_EQ(r->index, 2, "rule index");
		ASSERT_EQ(r->visibility, 2, "rule visibility");
	}
	r = vg_rules_doc__find_rule(d, "Defaults");
	if (ASSERT_NONNULL(r, "rule")) {
		ASSERT_TRUE(r->enabled && r->warn_evttypes && !r->skip_if_unknown_filter,
			    "defaults");
		ASSERT_EQ(r->ntags, 0, "no tags");
		ASSERT_EQ(r->priority, VG_RULES_PRIO_DEBUG, "priority");
	}
	ASSERT_TRUE(vg_rules_doc__rule(d, 0) == vg_rules_doc__find_rule(d, "Shell"), "order");
	ASSERT_TRUE(vg_rules_doc__find_rule(d, "shell") == NULL, "names are case-sensitive");
	ASSERT_TRUE(vg_rules_doc__rule(d, 2) == NULL, "past the end");
	ASSERT_EQ(vg_rules_doc__nwarnings(d), 0, "no warnings");
	ASSERT_TRUE(vg_rules_doc__engine_version(d) == NULL, "no engine version");
	vg_rules_doc__free(d);
}

TEST(loader_priorities)
{
	static const struct {
		const char *s;
		enum vg_rules_priority p;
	} ok[] = {
		{ "EMERGENCY", VG_RULES_PRIO_EMERGENCY }, { "alert", VG_RULES_PRIO_ALERT },
		{ "Critical", VG_RULES_PRIO_CRITICAL },	  { "error", VG_RULES_PRIO_ERROR },
		{ "WARNING", VG_RULES_PRIO_WARNING },	  { "notice", VG_RULES_PRIO_NOTICE },
		{ "Informational", VG_RULES_PRIO_INFORMATIONAL },
		{ "INFO", VG_RULES_PRIO_INFORMATIONAL },  { "debug", VG_RULES_PRIO_DEBUG },
	};
	static const char *const names[] = { "Emergency", "Alert",  "Critical",	     "Error",
					     "Warning",	  "Notice", "Informational", "Debug" };
	enum vg_rules_priority p;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ASSERT_OK(vg_rules_priority__parse(ok[i].s, &p), ok[i].s);
		ASSERT_EQ(p, ok[i].p, ok[i].s);
	}
	ASSERT_EQ(vg_rules_priority__parse("warn", &p), -EINVAL, "no prefixes");
	ASSERT_EQ(vg_rules_priority__parse("", &p), -EINVAL, "empty");
	for (int i = 0; i < 8; i++)
		ASSERT_STREQ(vg_rules_priority__name(i), names[i], names[i]);
	ASSERT_TRUE(vg_rules_priority__name(8) == NULL, "out of range");
}

TEST(loader_redefinition_replaces)
{
	struct vg_rules_doc *d = load_ok("- list: l\n"
					 "  items: [a, b]\n"
					 "- macro: m\n"
					 "  condition: x\n"
					 "- rule: r\n"
					 "  desc: first\n"
					 "  condition: x\n"
					 "  output: o1\n"
					 "  priority: INFO\n"
					 "  tags: [old]\n"
					 "- rule: other\n"
					 "  desc: d\n"
					 "  condition: y\n"
					 "  output: o\n"
					 "  priority: INFO\n"
					 "- list: l\n"
					 "  items: [c]\n"
					 "- macro: m\n"
					 "  condition: z\n"
					 "- rule: r\n"
					 "  desc: second\n"
					 "  condition: w\n"
					 "  output: o2\n"
					 "  priority: ERROR\n");
	const struct vg_rules_list *l;
	const struct vg_rules_macro *m;
	const struct vg_rules_rule *r;

	if (!d)
		return;
	ASSERT_EQ(vg_rules_doc__nlists(d), 1, "one list");
	ASSERT_EQ(vg_rules_doc__nmacros(d), 1, "one macro");
	ASSERT_EQ(vg_rules_doc__nrules(d), 2, "two rules");
	l = vg_rules_doc__find_list(d, "l");
	if (ASSERT_NONNULL(l, "list")) {
		ASSERT_TRUE(l->nitems == 1 && !strcmp(l->items[0], "c"), "items replaced");
		expect_pos(&l->pos, "t.yaml", 16, 3, "the later definition");
		ASSERT_EQ(l->index, 0, "index kept");
		ASSERT_EQ(l->visibility, 4, "visibility of the redefinition");
	}
	m = vg_rules_doc__find_macro(d, "m");
	if (ASSERT_NONNULL(m, "macro")) {
		ASSERT_STREQ(m->cond.text, "z", "condition replaced");
		expect_at(&m->cond, 0, 19, 14, "the later condition");
	}
	r = vg_rules_doc__find_rule(d, "r");
	if (ASSERT_NONNULL(r, "rule")) {
		ASSERT_STREQ(r->desc, "second", "desc");
		ASSERT_STREQ(r->output, "o2", "output");
		ASSERT_EQ(r->priority, VG_RULES_PRIO_ERROR, "priority");
		ASSERT_EQ(r->ntags, 0, "tags of the first definition gone");
		ASSERT_TRUE(vg_rules_doc__rule(d, 0) == r, "keeps its place");
	}
	vg_rules_doc__free(d);
}

/* ------------------------------------------------------------------------ */
/* override, append, enabled                                                 */

#define BASE_RULE                     \
	"- rule: R\n"                 \
	"  desc: base desc\n"         \
	"  condition: evt.type=open\n" \
	"  output: base out\n"        \
	"  priority: NOTICE\n"        \
	"  tags: [t1, t2]\n"

TEST(loader_override_list_and_macro)
{
	struct vg_rules_doc *d = load_ok("- list: l\n"
					 "  items: [a]\n"
					 "- list: l\n"
					 "  items: [b, c]\n"
					 "  override:\n"
					 "    items: append\n"
					 "- list: k\n"
					 "  items: [a]\n"
					 "- list: k\n"
					 "  items: [z]\n"
					 "  override:\n"
					 "    items: replace\n"
					 "- macro: m\n"
					 "  condition: a\n"
					 "- macro: m\n"
					 "  condition: or b\n"
					 "  override:\n"
					 "    condition: append\n"
					 "- macro: n\n"
					 "  condition: a\n"
					 "- macro: n\n"
					 "  condition: c\n"
					 "  override:\n"
					 "    condition: replace\n");
	const struct vg_rules_list *l;
	const struct vg_rules_macro *m;

	if (!d)
		return;
	l = vg_rules_doc__find_list(d, "l");
	if (ASSERT_NONNULL(l, "l") && ASSERT_EQ(l->nitems, 3, "appended")) {
		ASSERT_STREQ(l->items[0], "a", "0");
		ASSERT_STREQ(l->items[2], "c", "2");
		expect_pos(&l->pos, "t.yaml", 1, 3, "an append keeps the definition's place");
		ASSERT_EQ(l->visibility, 1, "visibility of the append");
	}
	l = vg_rules_doc__find_list(d, "k");
	ASSERT_TRUE(l && l->nitems == 1 && !strcmp(l->items[0], "z"), "replaced");
	m = vg_rules_doc__find_macro(d, "m");
	if (ASSERT_NONNULL(m, "m")) {
		ASSERT_STREQ(m->cond.text, "a or b", "appended with a space");
		ASSERT_EQ(m->cond.nanchors, 2, "one anchor per piece");
		expect_at(&m->cond, 0, 14, 14, "first piece");
		expect_at(&m->cond, 2, 16, 14, "second piece");
		expect_at(&m->cond, 5, 16, 17, "inside the second piece");
	}
	m = vg_rules_doc__find_macro(d, "n");
	ASSERT_TRUE(m && !strcmp(m->cond.text, "c"), "condition replaced");
	ASSERT_EQ(vg_rules_doc__nwarnings(d), 0, "override is not deprecated");
	vg_rules_doc__free(d);

	/* appending nothing, to a list that has nothing (found by the fuzzer) */
	d = load_ok("- list: e\n  items: []\n"
		    "- list: e\n  items: []\n  override: {items: append}\n"
		    "- list: l\n  items: [a]\n"
		    "- list: l\n  items: []\n  override: {items: append}\n");
	if (d) {
		ASSERT_EQ(vg_rules_doc__find_list(d, "e")->nitems, 0, "still empty");
		ASSERT_EQ(vg_rules_doc__find_list(d, "l")->nitems, 1, "unchanged");
	}
	vg_rules_doc__free(d);
}

TEST(loader_override_rule_append)
{
	struct vg_rules_doc *d = load_ok(BASE_RULE
					 "  exceptions:\n"
					 "    - name: e1\n"
					 "      fields: [proc.name]\n"
					 "      values: [[a]]\n"
					 "- rule: R\n"
					 "  desc: more desc\n"
					 "  condition: and fd.num > 2\n"
					 "  output: (fd=%fd.name)\n"
					 "  tags: [t2, t3]\n"
					 "  exceptions:\n"
					 "    - name: e1\n"
					 "      values: [[b]]\n"
					 "    - name: e2\n"
					 "      fields: fd.name\n"
					 "      values: [/tmp]\n"
					 "  override:\n"
					 "    desc: append\n"
					 "    condition: append\n"
					 "    output: append\n"
					 "    tags: append\n"
					 "    exceptions: append\n");
	const struct vg_rules_rule *r;
	char *text;

	if (!d)
		return;
	r = vg_rules_doc__find_rule(d, "R");
	if (!ASSERT_NONNULL(r, "R"))
		goto out;
	ASSERT_STREQ(r->desc, "base desc more desc", "desc");
	ASSERT_STREQ(r->cond.text, "evt.type=open and fd.num > 2", "condition");
	ASSERT_STREQ(r->output, "base out (fd=%fd.name)", "output");
	ASSERT_EQ(r->ntags, 3, "tags: union");
	ASSERT_TRUE(has_tag(r, "t1") && has_tag(r, "t3"), "tags");
	ASSERT_EQ(r->priority, VG_RULES_PRIO_NOTICE, "priority kept");
	expect_at(&r->cond, 14, 13, 14, "the appended condition");
	if (ASSERT_EQ(r->nexceptions, 2, "exceptions")) {
		ASSERT_EQ(r->exceptions[0].nvalues, 2, "values appended to e1");
		ASSERT_STREQ(r->exceptions[1].name, "e2", "e2 added");
	}
	text = cond_text(r);
	ASSERT_STREQ(text,
		     "(evt.type=open and fd.num > 2) and not ((proc.name = a) or (proc.name = b))"
		     " and not (fd.name in (/tmp))",
		     "condition with exceptions");
	free(text);
	ASSERT_EQ(r->visibility, 1, "one append");
out:
	vg_rules_doc__free(d);
}

TEST(loader_override_rule_replace)
{
	struct vg_rules_doc *d = load_ok(BASE_RULE
					 "  exceptions:\n"
					 "    - name: e1\n"
					 "      fields: [proc.name]\n"
					 "      values: [[a]]\n"
					 "- rule: R\n"
					 "  desc: new desc\n"
					 "  condition: evt.type=connect\n"
					 "  output: new out\n"
					 "  priority: critical\n"
					 "  tags: [x]\n"
					 "  enabled: false\n"
					 "  warn_evttypes: false\n"
					 "  skip-if-unknown-filter: true\n"
					 "  exceptions:\n"
					 "    - name: e9\n"
					 "      fields: proc.pname\n"
					 "      values: [sshd]\n"
					 "  override:\n"
					 "    desc: replace\n"
					 "    condition: replace\n"
					 "    output: replace\n"
					 "    priority: replace\n"
					 "    tags: replace\n"
					 "    enabled: replace\n"
					 "    warn_evttypes: replace\n"
					 "    skip-if-unknown-filter: replace\n"
					 "    exceptions: replace\n"
					 "- rule: R\n"
					 "  condition: and fd.num > 0\n"
					 "  enabled: true\n"
					 "  override:\n"
					 "    condition: append\n"
					 "    enabled: replace\n");
	const struct vg_rules_rule *r;

	if (!d)
		return;
	r = vg_rules_doc__find_rule(d, "R");
	if (ASSERT_NONNULL(r, "R")) {
		ASSERT_STREQ(r->desc, "new desc", "desc");
		ASSERT_STREQ(r->cond.text, "evt.type=connect and fd.num > 0", "condition");
		ASSERT_STREQ(r->output, "new out", "output");
		ASSERT_EQ(r->priority, VG_RULES_PRIO_CRITICAL, "priority");
		ASSERT_TRUE(r->ntags == 1 && !strcmp(r->tags[0], "x"), "tags");
		ASSERT_TRUE(r->enabled, "enabled again");
		ASSERT_FALSE(r->warn_evttypes, "warn_evttypes");
		ASSERT_TRUE(r->skip_if_unknown_filter, "skip-if-unknown-filter");
		ASSERT_TRUE(r->nexceptions == 1 && !strcmp(r->exceptions[0].name, "e9"),
			    "exceptions replaced");
		expect_at(&r->cond, 0, 13, 14, "replaced condition");
		expect_at(&r->cond, 21, 35, 18, "appended piece");
		ASSERT_EQ(r->visibility, 3, "replace, then append and replace");
	}
	vg_rules_doc__free(d);
}

TEST(loader_legacy_append_and_enabled)
{
	struct vg_rules_doc *d = load_ok("- list: l\n"
					 "  items: [a]\n"
					 "- list: l\n"
					 "  items: [b]\n"
					 "  append: true\n"
					 "- macro: m\n"
					 "  condition: x\n"
					 "- macro: m\n"
					 "  condition: or y\n"
					 "  append: true\n" BASE_RULE
					 "  exceptions:\n"
					 "    - name: e1\n"
					 "      fields: [proc.name, fd.name]\n"
					 "      values: [[a, /x]]\n"
					 "- rule: R\n"
					 "  condition: and not proc.name = sshd\n"
					 "  output: ignored, as in Falco\n"
					 "  exceptions:\n"
					 "    - name: e1\n"
					 "      values: [[b, /y]]\n"
					 "  append: true\n"
					 "- rule: R\n"
					 "  enabled: false\n");
	const struct vg_rules_list *l;
	const struct vg_rules_macro *m;
	const struct vg_rules_rule *r;

	if (!d)
		return;
	l = vg_rules_doc__find_list(d, "l");
	ASSERT_TRUE(l && l->nitems == 2 && !strcmp(l->items[1], "b"), "list appended");
	m = vg_rules_doc__find_macro(d, "m");
	ASSERT_TRUE(m && !strcmp(m->cond.text, "x or y"), "macro appended");
	r = vg_rules_doc__find_rule(d, "R");
	if (ASSERT_NONNULL(r, "R")) {
		ASSERT_STREQ(r->cond.text, "evt.type=open and not proc.name = sshd", "condition");
		ASSERT_STREQ(r->output, "base out", "output not appended");
		ASSERT_TRUE(r->nexceptions == 1 && r->exceptions[0].nvalues == 2,
			    "exception values appended");
		ASSERT_FALSE(r->enabled, "disabled by the enabled-only form");
	}
	if (ASSERT_EQ(vg_rules_doc__nwarnings(d), 4, "deprecations")) {
		expect_warning(d, 0,
			       "t.yaml:3:3: 'append: true' is deprecated: use 'override' (e.g. "
			       "'condition: append') (in list 'l')");
		expect_warning(d, 1,
			       "t.yaml:8:3: 'append: true' is deprecated: use 'override' (e.g. "
			       "'condition: append') (in macro 'm')");
		expect_warning(d, 2,
			       "t.yaml:21:3: 'append: true' is deprecated: use 'override' (e.g. "
			       "'condition: append') (in rule 'R')");
		expect_warning(d, 3,
			       "t.yaml:28:3: 'enabled' alone is deprecated: use 'override' with "
			       "'enabled: replace' (in rule 'R')");
	}
	vg_rules_doc__free(d);
}

/* ------------------------------------------------------------------------ */
/* Exceptions                                                                */

TEST(loader_exceptions_list_form)
{
	struct vg_rules_doc *d = load_ok("- rule: W\n"
					 "  desc: d\n"
					 "  condition: bin_dir and open_write\n"
					 "  output: o\n"
					 "  priority: ERROR\n"
					 "  exceptions:\n"
					 "    - name: known_writers\n"
					 "      fields: [proc.name, fd.name]\n"
					 "      comps: [=, contains]\n"
					 "      values:\n"
					 "        - [nginx, /usr/bin/nginx]\n"
					 "        - [\"my app\", 'it''s \"here\"']\n"
					 "    - name: defaults\n"
					 "      fields: [proc.pname, fd.directory]\n"
					 "      values:\n"
					 "        - ['\"already quoted\"', C:\\x\\y]\n"
					 "    - name: lists\n"
					 "      fields: [proc.name, fd.directory, proc.aname]\n"
					 "      comps: [in, pmatch, intersects]\n"
					 "      values:\n"
					 "        - [[a, b c], known_dirs, \"(x, y)\"]\n"
					 "    - name: empty\n"
					 "      fields: [proc.name]\n");
	const struct vg_rules_exception *e;
	const struct vg_rules_rule *r;
	char *text;
	size_t len;

	if (!d)
		return;
	r = vg_rules_doc__find_rule(d, "W");
	if (!ASSERT_NONNULL(r, "W") || !ASSERT_EQ(r->nexceptions, 4, "exceptions"))
		goto out;
	e = &r->exceptions[0];
	ASSERT_STREQ(e->name, "known_writers", "name");
	ASSERT_TRUE(e->fields_is_list && e->nfields == 2, "list form");
	ASSERT_STREQ(e->comps[1], "contains", "comps");
	ASSERT_EQ(e->nvalues, 2, "values");
	ASSERT_TRUE(e->values[1].is_list && e->values[1].nvals == 2, "a tuple");
	ASSERT_STREQ(e->values[1].vals[1].strs[0], "it's \"here\"", "value");
	expect_pos(&e->pos, "t.yaml", 7, 7, "exception pos");
	expect_pos(&e->values[1].pos, "t.yaml", 12, 11, "tuple pos");
	e = &r->exceptions[1];
	ASSERT_TRUE(!strcmp(e->comps[0], "=") && !strcmp(e->comps[1], "="), "default comps");
	e = &r->exceptions[2];
	ASSERT_TRUE(e->values[0].vals[0].is_list && e->values[0].vals[0].n == 2, "list entry");
	ASSERT_EQ(r->exceptions[3].nvalues, 0, "no values");

	ASSERT_OK(vg_rules_rule__exceptions_text(r, &text, &len), "exceptions text");
	ASSERT_STREQ(text,
		     " and not ((proc.name = nginx and fd.name contains /usr/bin/nginx) or "
		     "(proc.name = \"my app\" and fd.name contains \"it's \\\"here\\\"\"))"
		     " and not ((proc.pname = \"already quoted\" and fd.directory = C:\\x\\y))"
		     " and not ((proc.name in (a, \"b c\") and fd.directory pmatch (known_dirs)"
		     " and proc.aname intersects (x, y)))",
		     "exceptions text");
	ASSERT_EQ(len, strlen(text), "length");
	free(text);
	text = cond_text(r);
	ASSERT_TRUE(text && !strncmp(text, "(bin_dir and open_write) and not ((proc.name = nginx",
				     52),
		    "condition first, in parentheses");
	free(text);
out:
	vg_rules_doc__free(d);
}

TEST(loader_exceptions_single_field_form)
{
	struct vg_rules_doc *d = load_ok("- rule: S\n"
					 "  desc: d\n"
					 "  condition: spawned_process\n"
					 "  output: o\n"
					 "  priority: INFO\n"
					 "  exceptions:\n"
					 "    - name: procs\n"
					 "      fields: proc.name\n"
					 "      values: [ls, cat, my prog]\n"
					 "    - name: paths\n"
					 "      fields: fd.name\n"
					 "      comps: pmatch\n"
					 "      values: [/etc, /usr]\n");
	const struct vg_rules_exception *e;
	const struct vg_rules_rule *r;
	char *text;

	if (!d)
		return;
	r = vg_rules_doc__find_rule(d, "S");
	if (!ASSERT_NONNULL(r, "S") || !ASSERT_EQ(r->nexceptions, 2, "exceptions"))
		goto out;
	e = &r->exceptions[0];
	ASSERT_TRUE(!e->fields_is_list && e->nfields == 1, "single form");
	ASSERT_STREQ(e->comps[0], "in", "default comp");
	ASSERT_TRUE(e->nvalues == 3 && !e->values[2].is_list, "string values");
	ASSERT_STREQ(r->exceptions[1].comps[0], "pmatch", "comp");
	text = cond_text(r);
	ASSERT_STREQ(text,
		     "(spawned_process) and not (proc.name in (ls, cat, \"my prog\"))"
		     " and not (fd.name pmatch (/etc, /usr))",
		     "condition");
	free(text);
out:
	vg_rules_doc__free(d);
}

TEST(loader_exceptions_locate)
{
	struct vg_rules_doc *d = load_ok("- rule: L\n"
					 "  desc: d\n"
					 "  condition: a = 1\n"
					 "  output: o\n"
					 "  priority: INFO\n"
					 "  exceptions:\n"
					 "    - name: ex\n"
					 "      fields: [f1, f2]\n"
					 "      values:\n"
					 "        - [v1, v2]\n"
					 "        - [v3, v4]\n"
					 "- rule: N\n"
					 "  desc: d\n"
					 "  condition: b\n"
					 "  output: o\n"
					 "  priority: INFO\n"
					 "  exceptions: []\n"
					 "- rule: E\n"
					 "  desc: d\n"
					 "  condition: c\n"
					 "  output: o\n"
					 "  priority: INFO\n"
					 "  exceptions:\n"
					 "    - name: none\n"
					 "      fields: f\n");
	const struct vg_rules_rule *r;
	struct vg_rules_pos pos;
	char *text;
	size_t len;

	if (!d)
		return;
	r = vg_rules_doc__find_rule(d, "L");
	if (!ASSERT_NONNULL(r, "L"))
		goto out;
	ASSERT_OK(vg_rules_rule__condition_text(r, &text, &len), "text");
	ASSERT_STREQ(text, "(a = 1) and not ((f1 = v1 and f2 = v2) or (f1 = v3 and f2 = v4))",
		     "text");
	/* "(" and ")" go with the condition's ends; then the tuples, the exception */
	ASSERT_OK(vg_rules_rule__locate(r, 0, &pos), "0");
	expect_pos(&pos, "t.yaml", 3, 14, "(");
	ASSERT_OK(vg_rules_rule__locate(r, 5, &pos), "5");
	expect_pos(&pos, "t.yaml", 3, 18, "the 1");
	ASSERT_OK(vg_rules_rule__locate(r, strstr(text, "v2") - text, &pos), "v2");
	expect_pos(&pos, "t.yaml", 10, 11, "first tuple");
	ASSERT_OK(vg_rules_rule__locate(r, strstr(text, "v3") - text, &pos), "v3");
	expect_pos(&pos, "t.yaml", 11, 11, "second tuple");
	ASSERT_OK(vg_rules_rule__locate(r, strstr(text, " and not") - text, &pos), "and not");
	expect_pos(&pos, "t.yaml", 7, 7, "the exception");
	ASSERT_OK(vg_rules_rule__locate(r, len, &pos), "end");
	expect_pos(&pos, "t.yaml", 7, 7, "the end");
	ASSERT_EQ(vg_rules_rule__locate(r, len + 1, &pos), -ERANGE, "past the end");
	free(text);

	/* exceptions: [] is none; an exception without values adds nothing */
	r = vg_rules_doc__find_rule(d, "N");
	text = r ? cond_text(r) : NULL;
	ASSERT_STREQ(text, "b", "no exceptions: the condition as is");
	free(text);
	r = vg_rules_doc__find_rule(d, "E");
	text = r ? cond_text(r) : NULL;
	ASSERT_STREQ(text, "(c)", "Falco still puts it in parentheses");
	free(text);
	if (r) {
		ASSERT_OK(vg_rules_rule__locate(r, 3, &pos), "end of (c)");
		expect_pos(&pos, "t.yaml", 20, 15, "end of c");
	}
out:
	vg_rules_doc__free(d);
}

/* ------------------------------------------------------------------------ */
/* YAML: anchors, documents, files                                           */

TEST(loader_anchors_and_aliases)
{
	struct vg_rules_doc *d = load_ok("- list: shells\n"
					 "  items: &sh [bash, sh]\n"
					 "- list: more\n"
					 "  items: *sh\n"
					 "- macro: base\n"
					 "  condition: &c proc.name in (shells)\n"
					 "- macro: copy\n"
					 "  condition: *c\n"
					 "- rule: &n Anchored\n"
					 "  desc: &d same text\n"
					 "  condition: base\n"
					 "  output: *d\n"
					 "  priority: NOTICE\n"
					 "  exceptions:\n"
					 "    - name: x\n"
					 "      fields: [proc.name, proc.pname]\n"
					 "      values: [*sh]\n"
					 "- rule: *n\n"
					 "  enabled: false\n");
	const struct vg_rules_list *l;
	const struct vg_rules_macro *m;
	const struct vg_rules_rule *r;

	if (!d)
		return;
	l = vg_rules_doc__find_list(d, "more");
	ASSERT_TRUE(l && l->nitems == 2 && !strcmp(l->items[1], "sh"), "aliased items");
	m = vg_rules_doc__find_macro(d, "copy");
	if (ASSERT_NONNULL(m, "copy")) {
		ASSERT_STREQ(m->cond.text, "proc.name in (shells)", "aliased condition");
		/* an alias's text is where the anchored node is */
		expect_at(&m->cond, 0, 6, 17, "the anchored node");
	}
	r = vg_rules_doc__find_rule(d, "Anchored");
	if (ASSERT_NONNULL(r, "Anchored")) {
		ASSERT_STREQ(r->output, "same text", "aliased output");
		ASSERT_FALSE(r->enabled, "aliased name");
		ASSERT_TRUE(r->nexceptions == 1 && r->exceptions[0].values[0].nvals == 2,
			    "aliased tuple");
	}
	vg_rules_doc__free(d);
}

TEST(loader_documents_and_empty_input)
{
	static const char *const empty[] = { "", "# only a comment\n", "---\n", "---\n...\n",
					     "[]\n", "- ~\n- null\n" };
	struct vg_rules_doc *d = load_ok("- list: a\n"
					 "  items: [x]\n"
					 "---\n"
					 "---\n"
					 "- list: b\n"
					 "  items: [y]\n"
					 "...\n"
					 "--- [{list: c, items: [z]}]\n");

	if (d) {
		/* every document, in order, as Falco's LoadAll */
		ASSERT_EQ(vg_rules_doc__nlists(d), 3, "lists from three documents");
		ASSERT_TRUE(vg_rules_doc__find_list(d, "c") != NULL, "flow style");
		expect_pos(&vg_rules_doc__find_list(d, "b")->pos, "t.yaml", 5, 3, "b");
		vg_rules_doc__free(d);
	}
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		d = load_ok(empty[i]);
		if (d)
			ASSERT_EQ(vg_rules_doc__nlists(d) + vg_rules_doc__nrules(d), 0, empty[i]);
		vg_rules_doc__free(d);
	}
}

TEST(loader_several_files_in_order)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	const struct vg_rules_rule *r;
	struct vg_rules_pos pos;
	char err[512];

	ASSERT_OK(load_named(d, "a.yaml",
			     "- list: l\n"
			     "  items: [a]\n" BASE_RULE,
			     err, sizeof(err)),
		  err);
	ASSERT_OK(load_named(d, "b.yaml",
			     "- list: l\n"
			     "  items: [b]\n"
			     "  override: {items: append}\n"
			     "- rule: R\n"
			     "  condition: >\n"
			     "    and proc.name\n"
			     "    = sshd\n"
			     "  override: {condition: append}\n",
			     err, sizeof(err)),
		  err);
	ASSERT_TRUE(vg_rules_doc__find_list(d, "l")->nitems == 2, "appended across files");
	r = vg_rules_doc__find_rule(d, "R");
	if (ASSERT_NONNULL(r, "R")) {
		ASSERT_STREQ(r->cond.text, "evt.type=open and proc.name = sshd\n", "condition");
		expect_pos(&r->pos, "a.yaml", 3, 3, "defined in a.yaml");
		ASSERT_OK(vg_rules_cond__locate(&r->cond, 5, &pos), "a.yaml part");
		expect_pos(&pos, "a.yaml", 5, 19, "a.yaml part");
		ASSERT_OK(vg_rules_cond__locate(&r->cond, 14, &pos), "b.yaml part");
		expect_pos(&pos, "b.yaml", 6, 5, "b.yaml part");
		ASSERT_OK(vg_rules_cond__locate(&r->cond, 30, &pos), "b.yaml next line");
		expect_pos(&pos, "b.yaml", 7, 7, "folded line");
	}
	/* the order matters: the append before the definition fails */
	vg_rules_doc__free(d);
	d = vg_rules_doc__new();
	ASSERT_EQ(load_named(d, "b.yaml", "- list: l\n  items: [b]\n  override: {items: append}\n",
			     err, sizeof(err)),
		  -EINVAL, "append first");
	vg_rules_doc__free(d);
}

/* ------------------------------------------------------------------------ */
/* Sources, versions, unknown items                                          */

TEST(loader_other_sources_versions_unknown)
{
	struct vg_rules_doc *d = load_ok("- required_engine_version: 0.57.0\n"
					 "- required_engine_version: 8\n"
					 "- required_plugin_versions:\n"
					 "    - name: k8saudit\n"
					 "      version: 0.7.0\n"
					 "      alternatives:\n"
					 "        - name: k8saudit-eks\n"
					 "          version: 0.4.0\n"
					 "- rule: Audit\n"
					 "  desc: d\n"
					 "  condition: ka.verb = create\n"
					 "  output: o\n"
					 "  priority: INFO\n"
					 "  source: k8s_audit\n"
					 "- something: else\n"
					 "- macro: m\n"
					 "  condition: x\n"
					 "  colour: blue\n");
	const struct vg_rules_rule *r;

	if (!d)
		return;
	ASSERT_STREQ(vg_rules_doc__engine_version(d), "0.57.0", "the highest is kept");
	r = vg_rules_doc__find_rule(d, "Audit");
	if (ASSERT_NONNULL(r, "Audit")) {
		ASSERT_STREQ(r->source, "k8s_audit", "source");
		ASSERT_TRUE(r->unknown_source, "marked for the engine to skip");
	}
	if (ASSERT_EQ(vg_rules_doc__nwarnings(d), 4, "warnings")) {
		expect_warning(d, 0,
			       "t.yaml:4:7: the rules require plugin 'k8saudit' version 0.7.0; "
			       "vigil runs no plugins");
		expect_warning(d, 1,
			       "t.yaml:9:3: source 'k8s_audit' is not syscall: the rule is kept "
			       "but not run (in rule 'Audit')");
		expect_warning(d, 2,
			       "t.yaml:15:3: unknown item ignored: no rule, macro, list, "
			       "required_engine_version or required_plugin_versions key");
		expect_warning(d, 3, "t.yaml:18:3: unknown key 'colour' ignored (in macro 'm')");
		ASSERT_EQ(vg_rules_doc__warning(d, 3)->pos.line, 18, "warning pos");
	}
	vg_rules_doc__free(d);

	d = load_ok("- required_engine_version: 26\n");
	if (d)
		ASSERT_STREQ(vg_rules_doc__engine_version(d), "0.26.0", "an integer N is 0.N.0");
	vg_rules_doc__free(d);
}

TEST(loader_name_and_exception_warnings)
{
	struct vg_rules_doc *d = load_ok("- list: \"bad list\"\n"
					 "  items: []\n"
					 "- macro: 9lives\n"
					 "  condition: x\n"
					 "- rule: R\n"
					 "  desc: d\n"
					 "  condition: c\n"
					 "  output: o\n"
					 "  priority: INFO\n"
					 "  exceptions:\n"
					 "    - name: e\n"
					 "      fields: [a]\n"
					 "      values: [[x]]\n"
					 "    - name: e\n"
					 "      fields: [b]\n"
					 "      values: [[y]]\n"
					 "      extra: 1\n"
					 "- rule: R\n"
					 "  exceptions:\n"
					 "    - name: e\n"
					 "  override:\n"
					 "    exceptions: append\n");
	char *text;

	if (!d)
		return;
	/* as Falco 0.38+: warnings, and both exceptions are kept */
	if (ASSERT_EQ(vg_rules_doc__nwarnings(d), 5, "warnings")) {
		expect_warning(d, 0,
			       "t.yaml:1:3: the name is not a bare word: conditions cannot refer "
			       "to it (in list 'bad list')");
		expect_warning(d, 1,
			       "t.yaml:3:3: the name is not an identifier ([a-zA-Z][a-zA-Z0-9_]*) "
			       "(in macro '9lives')");
		expect_warning(d, 2, "t.yaml:17:7: unknown key 'extra' ignored (in rule 'R')");
		expect_warning(d, 3, "t.yaml:14:7: exception 'e' is defined twice (in rule 'R')");
		expect_warning(d, 4,
			       "t.yaml:20:7: exception 'e' is appended to with no values (in rule "
			       "'R')");
	}
	text = cond_text(vg_rules_doc__find_rule(d, "R"));
	ASSERT_STREQ(text, "(c) and not ((a = x)) and not ((b = y))", "both exceptions");
	free(text);
	vg_rules_doc__free(d);
}

/* ------------------------------------------------------------------------ */
/* Condition positions                                                       */

TEST(loader_condition_positions)
{
	struct vg_rules_doc *d = load_ok("- macro: plain\n"
					 "  condition: a and b\n"
					 "- macro: multi\n"
					 "  condition: a and\n"
					 "      b or c\n"
					 "- macro: folded\n"
					 "  condition: >-  # a comment\n"
					 "    first line\n"
					 "\n"
					 "    second line\n"
					 "- macro: literal\n"
					 "  condition: |\n"
					 "      one\n"
					 "        indented\n"
					 "      three\n"
					 "- macro: dquoted\n"
					 "  condition: \"x = \\\"q\\\" and\\ty\\x41 z\"\n"
					 "- macro: squoted\n"
					 "  condition: 'it''s here'\n"
					 "- macro: dmulti\n"
					 "  condition: \"one \\\n"
					 "     two\"\n"
					 "- macro: utf8\n"
					 "  condition: \xc3\xa9t\xc3\xa9 = \xe2\x82\xac and x\n");
	const struct vg_rules_macro *m;

	if (!d)
		return;
	m = vg_rules_doc__find_macro(d, "plain");
	expect_at(&m->cond, 0, 2, 14, "plain start");
	expect_at(&m->cond, 6, 2, 20, "plain b");
	expect_at(&m->cond, 7, 2, 21, "plain end");

	m = vg_rules_doc__find_macro(d, "multi");
	ASSERT_STREQ(m->cond.text, "a and b or c", "multi-line plain");
	expect_at(&m->cond, offset_of(&m->cond, "b or"), 5, 7, "continuation line");
	expect_at(&m->cond, offset_of(&m->cond, "c"), 5, 12, "continuation line c");

	m = vg_rules_doc__find_macro(d, "folded");
	ASSERT_STREQ(m->cond.text, "first line\nsecond line", "folded with an empty line");
	expect_at(&m->cond, 0, 8, 5, "first content line");
	expect_at(&m->cond, offset_of(&m->cond, "line\n"), 8, 11, "first line's end");
	expect_at(&m->cond, offset_of(&m->cond, "second"), 10, 5, "after the empty line");

	m = vg_rules_doc__find_macro(d, "literal");
	ASSERT_STREQ(m->cond.text, "one\n  indented\nthree\n", "literal");
	expect_at(&m->cond, offset_of(&m->cond, "indented"), 14, 9, "more indented");
	expect_at(&m->cond, offset_of(&m->cond, "three"), 15, 7, "literal third");

	m = vg_rules_doc__find_macro(d, "dquoted");
	ASSERT_STREQ(m->cond.text, "x = \"q\" and\tyA z", "escapes decoded");
	expect_at(&m->cond, 0, 17, 15, "after the quote");
	expect_at(&m->cond, offset_of(&m->cond, "\"q"), 17, 19, "an escape");
	expect_at(&m->cond, offset_of(&m->cond, "q"), 17, 21, "after an escape");
	expect_at(&m->cond, offset_of(&m->cond, "and"), 17, 25, "and");
	expect_at(&m->cond, offset_of(&m->cond, "A"), 17, 31, "\\x41");
	expect_at(&m->cond, offset_of(&m->cond, "z"), 17, 36, "after \\x41");

	m = vg_rules_doc__find_macro(d, "squoted");
	ASSERT_STREQ(m->cond.text, "it's here", "doubled quote");
	expect_at(&m->cond, offset_of(&m->cond, "s here"), 19, 19, "after ''");

	m = vg_rules_doc__find_macro(d, "dmulti");
	ASSERT_STREQ(m->cond.text, "one two", "escaped line break");
	expect_at(&m->cond, offset_of(&m->cond, "two"), 22, 6, "the joined line");

	m = vg_rules_doc__find_macro(d, "utf8");
	expect_at(&m->cond, offset_of(&m->cond, "="), 24, 18, "columns count characters");
	expect_at(&m->cond, offset_of(&m->cond, "and"), 24, 22, "after a 3-byte character");

	ASSERT_EQ(vg_rules_cond__locate(&m->cond, m->cond.len + 1, &(struct vg_rules_pos){ 0 }),
		  -ERANGE, "past the end");
	vg_rules_doc__free(d);
}

TEST(loader_condition_positions_crlf_bom)
{
	struct vg_rules_doc *d = load_ok("\xef\xbb\xbf- macro: m\r\n"
					 "  condition: >\r\n"
					 "    a and\r\n"
					 "    b\r\n"
					 "- macro: n\r\n"
					 "  condition: c\r\n");
	const struct vg_rules_macro *m;

	if (!d)
		return;
	m = vg_rules_doc__find_macro(d, "m");
	ASSERT_STREQ(m->cond.text, "a and b\n", "CRLF folded");
	expect_pos(&m->pos, "t.yaml", 1, 3, "the BOM is no column");
	expect_at(&m->cond, 0, 3, 5, "line 3");
	expect_at(&m->cond, 6, 4, 5, "line 4");
	m = vg_rules_doc__find_macro(d, "n");
	expect_at(&m->cond, 0, 6, 14, "after CRLF lines");
	vg_rules_doc__free(d);
}

TEST(loader_condition_positions_utf16)
{
	static const char text[] = "- macro: m\n  condition: a and b\n";
	struct vg_rules_doc *d = vg_rules_doc__new();
	const struct vg_rules_macro *m;
	char buf[2 + 2 * sizeof(text)], err[512];
	size_t n = 2;

	/* UTF-16LE with its BOM: libyaml decodes it, so only where nodes start
	 * is known; a single-line condition stays exact from there
	 */
	buf[0] = (char)0xff;
	buf[1] = (char)0xfe;
	for (size_t i = 0; i + 1 < sizeof(text); i++) {
		buf[n++] = text[i];
		buf[n++] = 0;
	}
	ASSERT_OK(vg_rules_doc__load_buffer(d, "t.yaml", buf, n, err, sizeof(err)), err);
	m = vg_rules_doc__find_macro(d, "m");
	if (ASSERT_NONNULL(m, "m")) {
		ASSERT_STREQ(m->cond.text, "a and b", "decoded");
		ASSERT_TRUE(m->cond.nanchors == 1, "the node start only");
		ASSERT_EQ(m->cond.anchors[0].pos.line, 2, "line");
		ASSERT_EQ(m->cond.anchors[0].pos.col, 14, "col");
	}
	vg_rules_doc__free(d);
}

/* ------------------------------------------------------------------------ */
/* Errors, each with its exact text                                          */

#define RULE_HEAD "- rule: R\n  desc: d\n  output: o\n  priority: INFO\n"

TEST(loader_errors_items)
{
	static const struct {
		const char *yaml;
		const char *err;
	} cases[] = {
		{ "foo: bar\n", "1:1: the top level is not a sequence of items" },
		{ "- just a string\n", "1:3: item is not a mapping" },
		{ "- [a, b]\n", "1:3: item is not a mapping" },
		{ "- rule:\n  desc: d\n", "1:8: key 'rule' is empty" },
		{ "- rule: [x]\n", "1:9: 'rule' must be a string" },
		{ "- list: l\n", "1:3: missing key 'items' (in list 'l')" },
		{ "- list: l\n  items: a\n", "2:10: 'items' must be a sequence (in list 'l')" },
		{ "- list: l\n  items: [a, [b]]\n",
		  "2:14: entries of 'items' must be strings (in list 'l')" },
		{ "- list: l\n  items: [a]\n  items: [b]\n",
		  "3:3: duplicate key 'items' (in list 'l')" },
		{ "- macro: m\n", "1:3: missing key 'condition' (in macro 'm')" },
		{ "- macro: m\n  condition: ''\n",
		  "2:14: key 'condition' is empty (in macro 'm')" },
		{ "- macro: m\n  condition: {a: b}\n",
		  "2:14: 'condition' must be a string (in macro 'm')" },
		{ "- rule: R\n  desc: d\n  output: o\n  priority: INFO\n",
		  "1:3: missing key 'condition' (in rule 'R')" },
		{ "- rule: R\n  condition: c\n  desc: d\n  priority: INFO\n",
		  "1:3: missing key 'output' (in rule 'R')" },
		{ "- rule: R\n  condition: c\n  output: o\n  priority: INFO\n",
		  "1:3: missing key 'desc' (in rule 'R')" },
		{ "- rule: R\n  condition: c\n  output: o\n  desc: d\n",
		  "1:3: missing key 'priority' (in rule 'R')" },
		{ "- rule: R\n",
		  "1:3: missing key 'condition', 'output', 'desc' and 'priority' "
		  "(or only 'enabled', to switch an earlier rule) (in rule 'R')" },
		{ RULE_HEAD "  condition: c\n  priority: LOUD\n",
		  "6:3: duplicate key 'priority' (in rule 'R')" },
		{ "- rule: R\n  desc: d\n  condition: c\n  output: o\n  priority: LOUD\n",
		  "5:13: invalid priority 'LOUD' (EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, "
		  "NOTICE, INFORMATIONAL, INFO or DEBUG) (in rule 'R')" },
		{ RULE_HEAD "  condition: c\n  tags: t\n",
		  "6:9: 'tags' must be a sequence (in rule 'R')" },
		{ RULE_HEAD "  condition: c\n  enabled: maybe\n",
		  "6:12: 'enabled' must be true or false (in rule 'R')" },
		{ RULE_HEAD "  condition: c\n  enabled:\n",
		  "6:11: key 'enabled' is empty (in rule 'R')" },
		{ RULE_HEAD "  condition: c\n  source: [a]\n",
		  "6:11: 'source' must be a string (in rule 'R')" },
		{ "- rule: R\n  enabled: false\n",
		  "1:3: the rule is enabled or disabled but not defined before (in rule 'R')" },
		{ "- required_engine_version: 0.x\n",
		  "1:28: required_engine_version '0.x' is not N or X.Y.Z" },
		{ "- required_plugin_versions: x\n",
		  "1:29: 'required_plugin_versions' must be a sequence" },
		{ "- required_plugin_versions:\n    - name: p\n",
		  "2:7: missing key 'version'" },
		{ "- required_plugin_versions:\n    - name: p\n      version: one\n",
		  "3:16: invalid version 'one' for plugin 'p'" },
		{ "- macro: m\n  condition: \"a\\0b\"\n",
		  "2:14: string contains a NUL byte (in macro 'm')" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].yaml, cases[i].err);
}

TEST(loader_errors_override_and_append)
{
	static const struct {
		const char *yaml;
		const char *err;
	} cases[] = {
		{ "- list: l\n  items: [a]\n  override:\n    items: append\n",
		  "1:3: the list is appended to but not defined before (in list 'l')" },
		{ "- list: l\n  items: [a]\n  override:\n    items: replace\n",
		  "1:3: the list is overridden but not defined before (in list 'l')" },
		{ "- list: l\n  items: [a]\n  append: true\n",
		  "1:3: the list is appended to but not defined before (in list 'l')" },
		{ "- macro: m\n  condition: a\n  override:\n    condition: append\n",
		  "1:3: the macro is appended to but not defined before (in macro 'm')" },
		{ "- macro: m\n  condition: a\n  override:\n    condition: replace\n",
		  "1:3: the macro is overridden but not defined before (in macro 'm')" },
		{ "- macro: m\n  condition: a\n  append: true\n",
		  "1:3: the macro is appended to but not defined before (in macro 'm')" },
		{ "- rule: R\n  condition: a\n  override:\n    condition: append\n",
		  "1:3: the rule is appended to but not defined before (in rule 'R')" },
		{ "- rule: R\n  priority: INFO\n  override:\n    priority: replace\n",
		  "1:3: the rule is overridden but not defined before (in rule 'R')" },
		{ "- rule: R\n  condition: a\n  append: true\n",
		  "1:3: the rule is appended to but not defined before (in rule 'R')" },
		{ BASE_RULE "- rule: R\n  append: true\n",
		  "7:3: appending to a rule needs 'condition' or 'exceptions' (in rule 'R')" },
		{ "- list: l\n  items: [a]\n  override: append\n",
		  "3:13: 'override' must be a mapping (in list 'l')" },
		{ "- list: l\n  items: [a]\n  override:\n    items: merge\n",
		  "4:12: override of 'items' must be append or replace (in list 'l')" },
		{ "- list: l\n  items: [a]\n  override:\n    condition: append\n",
		  "4:5: 'condition' cannot be appended to in a list (in list 'l')" },
		{ BASE_RULE "- rule: R\n  priority: INFO\n  override:\n    priority: append\n",
		  "10:5: 'priority' cannot be appended to in a rule (in rule 'R')" },
		{ BASE_RULE "- rule: R\n  source: x\n  override:\n    source: replace\n",
		  "10:5: 'source' cannot be replaced in a rule (in rule 'R')" },
		{ BASE_RULE "- rule: R\n  output: x\n  override:\n    condition: append\n",
		  "7:3: 'override' appends to 'condition' but it is not given (in rule 'R')" },
		{ BASE_RULE "- rule: R\n  output: x\n  override:\n    desc: replace\n",
		  "7:3: 'override' replaces 'desc' but it is not given (in rule 'R')" },
		{ BASE_RULE "- rule: R\n  output: x\n  desc: y\n  override:\n    desc: replace\n",
		  "8:11: 'output' is given but 'override' has no entry for it (in rule 'R')" },
		{ BASE_RULE "- rule: R\n  output: x\n  append: true\n"
			    "  override:\n    output: append\n",
		  "7:3: 'override' and 'append: true' cannot be used together (in rule 'R')" },
		{ BASE_RULE "- rule: R\n  priority: LOUD\n  override:\n    priority: replace\n",
		  "8:13: invalid priority 'LOUD' (EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, "
		  "NOTICE, INFORMATIONAL, INFO or DEBUG) (in rule 'R')" },
		{ BASE_RULE "- rule: R\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n"
			    "  source: k8s_audit\n",
		  "7:3: the rule is redefined with source 'k8s_audit' but was 'syscall' "
		  "(in rule 'R')" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].yaml, cases[i].err);
}

#define EX_RULE RULE_HEAD "  condition: c\n  exceptions:\n"

TEST(loader_errors_exceptions)
{
	static const struct {
		const char *yaml;
		const char *err;
	} cases[] = {
		{ EX_RULE "    name: x\n", "7:5: 'exceptions' must be a sequence (in rule 'R')" },
		{ EX_RULE "    - x\n", "7:7: exception is not a mapping (in rule 'R')" },
		{ EX_RULE "    - fields: [a]\n", "7:7: missing key 'name' (in rule 'R')" },
		{ EX_RULE "    - name: e\n",
		  "7:7: missing key 'fields' in exception 'e' (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: {a: b}\n",
		  "8:15: 'fields' must be a string or a sequence of strings (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: []\n",
		  "7:7: exception 'e' has no fields (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: [a, b]\n      comps: [=]\n",
		  "7:7: exception 'e': 'fields' and 'comps' differ in length (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: [a, b]\n      comps: =\n",
		  "7:7: exception 'e': 'fields' and 'comps' differ in length (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: [a]\n      comps: [like]\n",
		  "7:7: exception 'e': 'like' is not a comparison operator (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: a\n      comps: [in]\n",
		  "7:7: exception 'e': 'fields' and 'comps' must both be strings (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: a\n      comps: =\n",
		  "7:7: exception 'e': with a single field, 'comps' must be in, intersects or "
		  "pmatch (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: [a, b]\n      values: [[x]]\n",
		  "9:16: exception 'e': each value must be a sequence of 2 entries, one per "
		  "field (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: [a]\n      values: [x]\n",
		  "9:16: exception 'e': each value must be a sequence of 1 entries, one per "
		  "field (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: a\n      values: [[x]]\n",
		  "9:16: exception 'e': with a single field, each value must be a string (in rule "
		  "'R')" },
		{ EX_RULE "    - name: e\n      fields: a\n      values: x\n",
		  "9:15: 'values' must be a sequence (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: [a]\n      values: [[{k: v}]]\n",
		  "9:17: exception values must be strings or sequences of strings (in rule 'R')" },
		{ EX_RULE "    - name: e\n      fields: [a]\n      values: [['']]\n",
		  "9:17: exception values must be strings or sequences of strings (in rule 'R')" },
		{ BASE_RULE "  exceptions:\n    - name: e\n      fields: [a]\n      values: [[x]]\n"
			    "- rule: R\n  exceptions:\n    - name: e\n      fields: [b]\n"
			    "      values: [[y]]\n  override: {exceptions: append}\n",
		  "13:7: exception 'e' exists: only values can be appended to it (in rule 'R')" },
		{ BASE_RULE "  exceptions:\n    - name: e\n      fields: [a]\n      values: [[x]]\n"
			    "- rule: R\n  exceptions:\n    - name: e\n      values: [[y, z]]\n"
			    "  append: true\n",
		  "14:16: exception 'e': each value must be a sequence of 1 entries, one per "
		  "field (in rule 'R')" },
		{ BASE_RULE "- rule: R\n  exceptions:\n    - name: new\n      fields: [a]\n"
			    "  override: {exceptions: append}\n",
		  "9:7: exception 'new' has no values (in rule 'R')" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].yaml, cases[i].err);
}

TEST(loader_errors_bad_yaml)
{
	static const struct {
		const char *yaml;
		const char *err;
	} cases[] = {
		{ "- rule: [unclosed\n  desc: x\n",
		  "2:7: bad YAML: did not find expected ',' or ']' (while parsing a flow "
		  "sequence at 1:9)" },
		{ "- list: l\n  items: [a]\n bad: indent\n",
		  "3:2: bad YAML: did not find expected '-' indicator (while parsing a block "
		  "collection at 1:1)" },
		{ "- list: l\n\titems: [a]\n",
		  "2:1: bad YAML: found a tab character that violates indentation (while "
		  "scanning a plain scalar at 1:9)" },
		{ "- list: *nothing\n", "1:9: bad YAML: found undefined alias" },
		{ "- list: l\n  items: [a, \xff]\n",
		  "2:14: bad YAML: invalid leading UTF-8 octet (#FF)" },
		{ "- list: l\n  items: \"a\n",
		  "3:1: bad YAML: found unexpected end of stream (while scanning a quoted scalar "
		  "at 2:10)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].yaml, cases[i].err);
}

TEST(loader_error_leaves_a_valid_document)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	char err[512], want[512];

	ASSERT_EQ(load_named(d, "half.yaml",
			     "- list: a\n  items: [x]\n- macro: m\n  condition: y\n"
			     "- rule: broken\n  desc: d\n",
			     err, sizeof(err)),
		  -EINVAL, "fails");
	snprintf(want, sizeof(want), "%s:5:3: missing key 'condition' (in rule 'broken')",
		 tpath("half.yaml"));
	ASSERT_STREQ(err, want, "message");
	ASSERT_EQ(vg_rules_doc__nlists(d) + vg_rules_doc__nmacros(d), 2, "items before it kept");
	ASSERT_EQ(vg_rules_doc__nrules(d), 0, "not the failing rule");
	ASSERT_EQ(vg_rules_doc__load_file(d, tpath("missing.yaml"), err, sizeof(err)), -ENOENT,
		  "missing file");
	snprintf(want, sizeof(want), "%s: No such file or directory", tpath("missing.yaml"));
	ASSERT_STREQ(err, want, "missing file message");
	ASSERT_EQ(vg_rules_doc__load_buffer(d, NULL, "- list: b\n  items: []\n", 22, err, 8), 0,
		  "a buffer after errors");
	ASSERT_STREQ(err, "", "message cleared");
	ASSERT_EQ(vg_rules_doc__load_buffer(d, "x", "- list: [\n", 10, err, 16), -EINVAL,
		  "short error buffer");
	ASSERT_EQ(strlen(err), 15, "message cut, terminated");
	vg_rules_doc__free(d);
}

/* ------------------------------------------------------------------------ */
/* Limits, at their edges                                                    */

/* head, then tmpl n times with each '@' in it replaced by the count. */
static char *repeat(size_t n, const char *head, const char *tmpl)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs(head, f);
	for (size_t i = 0; i < n; i++)
		for (const char *t = tmpl; *t; t++)
			if (*t == '@')
				fprintf(f, "%zu", i);
			else
				fputc(*t, f);
	fclose(f);
	return buf;
}

static int load_text(struct vg_rules_doc *d, const char *text, char *err, size_t errlen)
{
	return vg_rules_doc__load_buffer(d, "t.yaml", text, strlen(text), err, errlen);
}

TEST(loader_limit_file_size)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	size_t n = VG_RULES_FILE_MAX + 1;
	char *buf = malloc(n), err[512], want[512];
	const char *path = tpath("big.yaml");

	if (!ASSERT_NONNULL(buf, "buffer"))
		goto out;
	/* one comment line of VG_RULES_FILE_MAX bytes, then one byte more */
	memset(buf, '#', n);
	buf[n - 2] = '\n';
	ASSERT_OK(vg_rules_doc__load_buffer(d, "big", buf, n - 1, err, sizeof(err)), err);
	ASSERT_EQ(vg_rules_doc__load_buffer(d, "big", buf, n, err, sizeof(err)), -EFBIG, "over");
	ASSERT_STREQ(err, "big: larger than 16777216 bytes", "message");
	if (ASSERT_TRUE(write_file(path, buf, n - 1), "write")) {
		ASSERT_OK(vg_rules_doc__load_file(d, path, err, sizeof(err)), err);
		ASSERT_TRUE(write_file(path, buf, n), "write");
		ASSERT_EQ(vg_rules_doc__load_file(d, path, err, sizeof(err)), -EFBIG, "file over");
		snprintf(want, sizeof(want), "%s: larger than 16777216 bytes", path);
		ASSERT_STREQ(err, want, "file message");
		unlink(path);
	}
out:
	free(buf);
	vg_rules_doc__free(d);
}

TEST(loader_limit_string_length)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	size_t n = VG_RULES_STRING_MAX;
	char *text = malloc(n + 128), err[512];

	if (!ASSERT_NONNULL(text, "text"))
		goto out;
	/* a condition of exactly VG_RULES_STRING_MAX bytes, then one more */
	strcpy(text, "- macro: m\n  condition: ");
	memset(text + strlen(text), 'x', n);
	strcpy(text + 24 + n, "\n");
	ASSERT_OK(load_text(d, text, err, sizeof(err)), err);
	ASSERT_EQ(vg_rules_doc__find_macro(d, "m")->cond.len, n, "the longest");
	strcpy(text + 24 + n, "x\n");
	ASSERT_EQ(load_text(d, text, err, sizeof(err)), -EINVAL, "one byte more");
	ASSERT_STREQ(err, "t.yaml:2:14: string longer than 65536 bytes (in macro 'm')", "message");
	/* appends count too */
	strcpy(text + 24 + n, "\n- macro: m\n  condition: y\n  append: true\n");
	ASSERT_EQ(load_text(d, text, err, sizeof(err)), -EINVAL, "append past the limit");
	ASSERT_STREQ(err,
		     "t.yaml:4:14: condition longer than 65536 bytes once appended (in macro 'm')",
		     "append message");
out:
	free(text);
	vg_rules_doc__free(d);
}

TEST(loader_limit_list_items)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	char *ok = repeat(VG_RULES_LIST_ITEMS_MAX, "- list: l\n  items:\n", "    - i@\n");
	char *over = repeat(VG_RULES_LIST_ITEMS_MAX + 1, "- list: k\n  items:\n", "    - i@\n");
	char err[512];

	if (!ASSERT_TRUE(ok && over, "texts"))
		goto out;
	ASSERT_OK(load_text(d, ok, err, sizeof(err)), err);
	ASSERT_EQ(vg_rules_doc__find_list(d, "l")->nitems, VG_RULES_LIST_ITEMS_MAX, "the most");
	ASSERT_EQ(load_text(d, over, err, sizeof(err)), -EINVAL, "one more");
	ASSERT_STREQ(err, "t.yaml:16387:7: more than 16384 entries in 'items' (in list 'k')",
		     "message");
	ASSERT_EQ(load_text(d, "- list: l\n  items: [one]\n  override: {items: append}\n", err,
			    sizeof(err)),
		  -EINVAL, "an append past the limit");
	ASSERT_STREQ(err, "t.yaml:2:11: more than 16384 entries in 'items' (in list 'l')",
		     "append message");
out:
	free(ok);
	free(over);
	vg_rules_doc__free(d);
}

TEST(loader_limit_objects)
{
	static const struct {
		size_t max;
		const char *fmt;
		const char *err;
	} kinds[] = {
		{ VG_RULES_RULES_MAX,
		  "- rule: r@\n  desc: d\n  condition: c@\n  output: o\n  priority: INFO\n",
		  "t.yaml:20481:3: more than 4096 rules (in rule 'r4096')" },
		{ VG_RULES_MACROS_MAX, "- macro: m@\n  condition: c@\n",
		  "t.yaml:16385:3: more than 8192 macros (in macro 'm8192')" },
		{ VG_RULES_LISTS_MAX, "- list: l@\n  items: [i@]\n",
		  "t.yaml:16385:3: more than 8192 lists (in list 'l8192')" },
	};

	for (size_t k = 0; k < 3; k++) {
		struct vg_rules_doc *d = vg_rules_doc__new();
		char *ok = repeat(kinds[k].max, "", kinds[k].fmt);
		char *over = repeat(kinds[k].max + 1, "", kinds[k].fmt), err[512];

		if (ASSERT_TRUE(ok && over, "texts")) {
			ASSERT_OK(load_text(d, ok, err, sizeof(err)), err);
			/* the same names again are redefinitions, not more */
			ASSERT_OK(load_text(d, ok, err, sizeof(err)), err);
			ASSERT_EQ(vg_rules_doc__nrules(d) + vg_rules_doc__nmacros(d) +
					  vg_rules_doc__nlists(d),
				  kinds[k].max, "the most");
			ASSERT_EQ(load_text(d, over, err, sizeof(err)), -EINVAL, "one more");
			ASSERT_STREQ(err, kinds[k].err, "message");
		}
		free(ok);
		free(over);
		vg_rules_doc__free(d);
	}
}

TEST(loader_limit_alias_expansion)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	char *text = NULL, err[512];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!ASSERT_NONNULL(f, "memstream"))
		goto out;
	/* 8192 items of 1000 bytes (8 MiB of file), and lists that are one alias
	 * to them: eight fit in VG_RULES_LOAD_BYTES_MAX, the ninth does not
	 */
	fputs("- list: l0\n  items: &big\n", f);
	for (int i = 0; i < 8192; i++)
		fprintf(f, "    - %04d%996s\n", i, "x");
	for (int i = 1; i < 10; i++)
		fprintf(f, "- list: l%d\n  items: *big\n", i);
	fclose(f);
	ASSERT_TRUE(len < VG_RULES_FILE_MAX, "the file is within its limit");
	ASSERT_EQ(load_text(d, text, err, sizeof(err)), -EINVAL, "refused");
	ASSERT_STREQ(err,
		     "t.yaml:518:7: more than 67108864 bytes of strings in one file (aliases "
		     "repeating large nodes?) (in list 'l8')",
		     "message");
	ASSERT_TRUE(vg_rules_doc__find_list(d, "l7") != NULL, "below the limit");
	out:
	free(text);
	vg_rules_doc__free(d);
}

TEST(loader_limit_warnings)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	char *text = repeat(VG_RULES_WARNINGS_MAX + 10, "", "- unknown@: x\n"), err[512];

	if (ASSERT_NONNULL(text, "text")) {
		ASSERT_OK(load_text(d, text, err, sizeof(err)), err);
		ASSERT_EQ(vg_rules_doc__nwarnings(d), VG_RULES_WARNINGS_MAX, "kept");
		ASSERT_EQ(vg_rules_doc__nwarnings_dropped(d), 10, "counted");
	}
	free(text);
	vg_rules_doc__free(d);
}

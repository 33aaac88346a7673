// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the condition language: every operator on each value type
 * and its edges, precedence, quoting, lists and macros (with their cycles),
 * transformers and val(), missing values, the event types a condition can
 * match, error positions, each VG_COND_MAX_* limit on both sides of its edge,
 * and every condition of Falco's own falco_rules.yaml. A small fake resolver
 * and getter stand for the fields module. No root needed.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <yaml.h>

#include "../lib/test.h"
#include "../../userspace/rules/condition.h"

/* ---- a fake field resolver and getter ---- */

enum {
	F_NAME = 1,
	F_PID,
	F_TYPE,
	F_SIP,
	F_ANAME,
	F_NUM,
	F_OWRITE,
	F_PNAME,
	F_FDNAME,
	F_SNET,
	F_ARG,
	F_CMDLINE,
	F_PPID,
	F_BUFFER,
	F_EXE,
	F_COUNT,
};

static const struct {
	const char *name;
	int id;
	uint8_t type;
} fake_fields[] = {
	{ "proc.name", F_NAME, VG_V_STR },	   { "proc.pid", F_PID, VG_V_UINT },
	{ "evt.type", F_TYPE, VG_V_STR },	   { "fd.sip", F_SIP, VG_V_IPADDR },
	{ "proc.aname", F_ANAME, VG_V_STR },	   { "fd.num", F_NUM, VG_V_INT },
	{ "evt.is_open_write", F_OWRITE, VG_V_BOOL }, { "proc.pname", F_PNAME, VG_V_STR },
	{ "fd.name", F_FDNAME, VG_V_STR },	   { "fd.snet", F_SNET, VG_V_IPNET },
	{ "evt.arg", F_ARG, VG_V_STR },		   { "proc.cmdline", F_CMDLINE, VG_V_STR },
	{ "proc.ppid", F_PPID, VG_V_UINT },	   { "evt.buffer", F_BUFFER, VG_V_STR },
	{ "proc.exe", F_EXE, VG_V_STR },
};

static int resolves;

/* proc.aname takes [N]; evt.arg takes [N] or [name], and evt.arg.NAME
 * arrives whole, as the fields module will get it.
 */
static int fake_resolve(void *ctx, const char *name, const char *arg, struct vg_field_ref *ref,
			char *err, size_t errlen)
{
	(void)ctx;
	resolves++;
	if (!strncmp(name, "evt.arg.", 8)) {
		if (arg) {
			snprintf(err, errlen, "takes no argument");
			return -EINVAL;
		}
		ref->id = F_ARG;
		ref->type = VG_V_STR;
		snprintf(ref->argname, sizeof(ref->argname), "%s", name + 8);
		return 0;
	}
	for (size_t i = 0; i < sizeof(fake_fields) / sizeof(fake_fields[0]); i++) {
		if (strcmp(fake_fields[i].name, name))
			continue;
		ref->id = fake_fields[i].id;
		ref->type = fake_fields[i].type;
		if (ref->id == F_ANAME || ref->id == F_ARG) {
			char *end;
			long n;

			if (!arg) {
				snprintf(err, errlen, "needs an argument");
				return -EINVAL;
			}
			n = strtol(arg, &end, 10);
			if (*end || end == arg) {
				if (ref->id == F_ANAME) {
					snprintf(err, errlen, "the argument is an ancestor number");
					return -EINVAL;
				}
				snprintf(ref->argname, sizeof(ref->argname), "%s", arg);
			} else {
				ref->index = (int32_t)n;
			}
		} else if (arg) {
			snprintf(err, errlen, "takes no argument");
			return -EINVAL;
		}
		return 0;
	}
	return -ENOENT;
}

/* An event: each field's value as text, NULL when it has none. */
struct ev {
	const char *v[F_COUNT];
	const char *aname[8];
	const char *flags; /* evt.arg.flags */
	uint32_t name_len; /* when set, proc.name is the first name_len bytes of v[F_NAME] */
	uint32_t cmdline_len;
};

static bool fake_get(void *ctx, const struct vg_field_ref *ref, struct vg_value *out)
{
	const struct ev *e = ctx;
	const char *t = NULL, *slash;
	char buf[64];

	if (ref->id == F_ANAME)
		t = ref->index >= 0 && ref->index < 8 ? e->aname[ref->index] : NULL;
	else if (ref->id == F_ARG)
		t = !strcmp(ref->argname, "flags") ? e->flags : NULL;
	else if (ref->id > 0 && ref->id < F_COUNT)
		t = e->v[ref->id];
	if (!t)
		return false;
	out->type = ref->type;
	switch (ref->type) {
	case VG_V_STR:
		out->s.p = t;
		out->s.len = (uint32_t)strlen(t);
		if (ref->id == F_NAME && e->name_len)
			out->s.len = e->name_len;
		if (ref->id == F_CMDLINE && e->cmdline_len)
			out->s.len = e->cmdline_len;
		return true;
	case VG_V_UINT:
		out->u = strtoull(t, NULL, 0);
		return true;
	case VG_V_INT:
		out->i = strtoll(t, NULL, 0);
		return true;
	case VG_V_BOOL:
		out->b = !strcmp(t, "true");
		return true;
	default:
		snprintf(buf, sizeof(buf), "%s", t);
		slash = strchr(buf, '/');
		if (slash) {
			out->ip.prefix = (uint8_t)atoi(slash + 1);
			buf[slash - buf] = '\0';
		}
		out->ip.family = strchr(buf, ':') ? AF_INET6 : AF_INET;
		return inet_pton(out->ip.family, buf, out->ip.addr) == 1;
	}
}

/* ---- macros and lists ---- */

struct named_list {
	const char *name;
	struct vg_strlist l;
};

struct defs {
	const char *const *macros; /* name, text, name, text..., NULL */
	const struct named_list *lists;
	size_t nlists;
};

#define LIST(n, ...)                                                                  \
	{                                                                             \
		n, {                                                                  \
			(const char *const[]){ __VA_ARGS__ },                         \
			sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *) \
		}                                                                     \
	}

static const char *const std_macros[] = {
	"spawned_process",
	"evt.type in (execve, execveat)",
	"shell_procs",
	"(proc.name in (shell_binaries))",
	"open_write",
	"(evt.type in (open,openat,openat2) and evt.is_open_write=true and fd.num>=0)",
	"never_true",
	"(proc.pid = 0 and proc.pid = 1)",
	"m_a",
	"m_b",
	"m_b",
	"proc.name = x or m_a",
	"m_self",
	"(m_self)",
	"bad_macro",
	"proc.name = a and\nfoo.bar = 1",
	"bad_syntax",
	"proc.name = = a",
	"empty_macro",
	"   ",
	"nested_outer",
	"proc.pid = 1 or nested_inner",
	"nested_inner",
	"proc.name = a and nosuch_macro",
	NULL,
};

static const struct named_list std_lists[] = {
	LIST("shell_binaries", "ash", "bash", "sh"),
	LIST("all_shells", "shell_binaries", "fish", "\"my shell\"", "'it\\'s'"),
	LIST("login_binaries", "login", "\"(systemd)\"", "su"),
	LIST("cyc1", "cyc2"),
	LIST("cyc2", "x", "cyc1"),
	LIST("bad_item", "\"unterminated"),
	LIST("two_strings", "\"a\" \"b\""),
	LIST("lone_quote", "'"),
	LIST("small_numbers", "1", "2", "0x10"),
	LIST("bad_numbers", "1", "two"),
	LIST("sys_dirs", "/usr/lib/", "/etc", "/var//log"),
	LIST("nets", "10.0.0.0/8", "fe80::/10", "192.168.1.1"),
	LIST("empty_list", "x"),
};

static const struct defs std_defs = {
	std_macros, std_lists, sizeof(std_lists) / sizeof(std_lists[0]),
};

static const char *env_macro(void *ctx, const char *name)
{
	const struct defs *d = ctx;

	for (size_t i = 0; d->macros && d->macros[i]; i += 2)
		if (!strcmp(d->macros[i], name))
			return d->macros[i + 1];
	return NULL;
}

static const struct vg_strlist *env_list(void *ctx, const char *name)
{
	const struct defs *d = ctx;

	for (size_t i = 0; i < d->nlists; i++)
		if (!strcmp(d->lists[i].name, name))
			return &d->lists[i].l;
	return NULL;
}

static struct vg_cond *compile_with(const struct defs *d, const char *text, struct vg_cond_err *err)
{
	struct vg_cond_env env = {
		.macro = env_macro, .list = env_list, .resolve = fake_resolve, .ctx = (void *)d,
	};

	return vg_cond__compile(text, &env, err);
}

/* Compile text and evaluate it on ev: whether it gave want. */
static bool check_at(const char *text, const struct ev *ev, bool want, int line)
{
	struct vg_cond_err err;
	struct vg_cond *c = compile_with(&std_defs, text, &err);
	bool got;

	if (!c) {
		fprintf(stderr, "  %s:%d: \"%s\" does not compile: %s\n", __FILE__, line, text,
			err.msg);
		test__fail();
		return false;
	}
	got = vg_cond__eval(c, fake_get, (void *)ev);
	vg_cond__free(c);
	if (got != want) {
		fprintf(stderr, "  %s:%d: \"%s\": got %s, expected %s\n", __FILE__, line, text,
			got ? "true" : "false", want ? "true" : "false");
		test__fail();
		return false;
	}
	return true;
}

#define CHECK(text, ev, want) check_at(text, ev, want, __LINE__)

/* Compile text that must fail with code (a positive errno) and a message
 * containing what; err (may be NULL) gets the details.
 */
static bool fails_at(const char *text, int code, const char *what, struct vg_cond_err *errp,
		     int line)
{
	struct vg_cond_err err;
	struct vg_cond *c = compile_with(&std_defs, text, &err);
	int e = errno;

	if (c) {
		fprintf(stderr, "  %s:%d: \"%.80s\" compiled\n", __FILE__, line, text);
		vg_cond__free(c);
		test__fail();
		return false;
	}
	if (e != code || !strstr(err.msg, what)) {
		fprintf(stderr, "  %s:%d: \"%.80s\": errno %d \"%s\", expected %d and \"%s\"\n",
			__FILE__, line, text, e, err.msg, code, what);
		test__fail();
		return false;
	}
	if (errp)
		*errp = err;
	return true;
}

#define FAILS(text, code, what) fails_at(text, code, what, NULL, __LINE__)

/* ---- operators ---- */

TEST(cond_eq_ne)
{
	struct ev e = { .v = { [F_NAME] = "bash", [F_PID] = "42", [F_NUM] = "-1",
			       [F_OWRITE] = "true" } };

	CHECK("proc.name = bash", &e, true);
	CHECK("proc.name == bash", &e, true);
	CHECK("proc.name=bash", &e, true);
	CHECK("proc.name = bas", &e, false);
	CHECK("proc.name = bashh", &e, false);
	CHECK("proc.name != sh", &e, true);
	CHECK("proc.name != bash", &e, false);
	CHECK("proc.pid = 42", &e, true);
	CHECK("proc.pid = 0x2a", &e, true);
	CHECK("proc.pid = 0X2A", &e, true);
	CHECK("proc.pid = 43", &e, false);
	CHECK("proc.pid != 41", &e, true);
	CHECK("fd.num = -1", &e, true);
	CHECK("fd.num=-1", &e, true);
	CHECK("fd.num != -1", &e, false);
	CHECK("evt.is_open_write = true", &e, true);
	CHECK("evt.is_open_write = false", &e, false);
	CHECK("evt.is_open_write != false", &e, true);
	e.v[F_OWRITE] = "false";
	CHECK("evt.is_open_write = false", &e, true);
}

TEST(cond_order)
{
	struct ev e = { .v = { [F_NAME] = "bash", [F_PID] = "42", [F_NUM] = "-5" } };

	CHECK("proc.pid < 43", &e, true);
	CHECK("proc.pid < 42", &e, false);
	CHECK("proc.pid <= 42", &e, true);
	CHECK("proc.pid <= 41", &e, false);
	CHECK("proc.pid > 41", &e, true);
	CHECK("proc.pid > 42", &e, false);
	CHECK("proc.pid >= 42", &e, true);
	CHECK("proc.pid >= 43", &e, false);
	CHECK("proc.pid>=0x2a", &e, true);
	CHECK("fd.num < 0", &e, true);
	CHECK("fd.num >= -5", &e, true);
	CHECK("fd.num > -5", &e, false);
	CHECK("fd.num >= -9223372036854775808", &e, true);
	CHECK("fd.num < 9223372036854775807", &e, true);
	/* strings order bytewise, a prefix first */
	CHECK("proc.name < bashx", &e, true);
	CHECK("proc.name < bash", &e, false);
	CHECK("proc.name <= bash", &e, true);
	CHECK("proc.name > bas", &e, true);
	CHECK("proc.name > c", &e, false);
	CHECK("proc.name >= bash", &e, true);
}

TEST(cond_number_edges)
{
	struct ev e = {.v = {[F_PID] = "18446744073709551615", [F_NUM] = "-9223372036854775808"}};

	CHECK("proc.pid = 18446744073709551615", &e, true);
	CHECK("proc.pid = 0xffffffffffffffff", &e, true);
	CHECK("proc.pid > 18446744073709551614", &e, true);
	CHECK("fd.num = -9223372036854775808", &e, true);
	CHECK("fd.num < -9223372036854775807", &e, true);
	FAILS("proc.pid = 18446744073709551616", EINVAL,
	      "1:12: '18446744073709551616' is not an unsigned number, as proc.pid needs");
	FAILS("proc.pid = 0x10000000000000000", EINVAL, "is not an unsigned number");
	FAILS("proc.pid = -1", EINVAL, "'-1' is not an unsigned number");
	FAILS("proc.pid = 4x", EINVAL, "'4x' is not an unsigned number");
	FAILS("proc.pid = 0x", EINVAL, "'0x' is not");
	FAILS("proc.pid < 1.5", EINVAL, "'1.5' is not");
	FAILS("fd.num = 9223372036854775808", EINVAL, "is not a number, as fd.num needs");
	FAILS("fd.num = -9223372036854775809", EINVAL, "is not a number");
	FAILS("fd.num = --1", EINVAL, "is not a number");
	FAILS("evt.is_open_write = yes", EINVAL, "'yes' is not true or false");
	FAILS("evt.is_open_write = True", EINVAL, "is not true or false");
	FAILS("evt.is_open_write = 1", EINVAL, "is not true or false");
	/* operators a type does not have */
	FAILS("proc.pid contains 4", EINVAL,
	      "1:10: operator 'contains' does not apply to proc.pid, which is an unsigned number");
	FAILS("proc.pid glob 4*", EINVAL, "does not apply");
	FAILS("proc.pid pmatch (/a)", EINVAL, "does not apply");
	FAILS("evt.is_open_write < true", EINVAL, "operator '<' does not apply");
	FAILS("fd.sip startswith 10", EINVAL, "does not apply");
	FAILS("fd.sip > 10.0.0.1", EINVAL, "does not apply");
}

TEST(cond_ip)
{
	struct ev e = { .v = { [F_SIP] = "10.1.2.3", [F_SNET] = "10.0.0.0/8" } };

	CHECK("fd.sip = 10.1.2.3", &e, true);
	CHECK("fd.sip = 10.1.2.4", &e, false);
	CHECK("fd.sip != 10.1.2.4", &e, true);
	CHECK("fd.sip = 10.0.0.0/8", &e, true);
	CHECK("fd.sip = 10.1.0.0/16", &e, true);
	CHECK("fd.sip = 10.2.0.0/16", &e, false);
	CHECK("fd.sip = 10.1.2.2/31", &e, true);
	CHECK("fd.sip = 10.1.2.4/31", &e, false);
	CHECK("fd.sip = 0.0.0.0/0", &e, true);
	CHECK("fd.sip != 192.168.0.0/16", &e, true);
	CHECK("fd.sip = ::1", &e, false);
	CHECK("fd.sip in (nets)", &e, true);
	CHECK("fd.sip in (192.168.0.0/16, 172.16.0.1)", &e, false);
	CHECK("fd.sip intersects (10.1.2.3)", &e, true);
	/* a network field: an address inside it, or the same network */
	CHECK("fd.snet = 10.9.9.9", &e, true);
	CHECK("fd.snet = 11.0.0.1", &e, false);
	CHECK("fd.snet = 10.0.0.0/8", &e, true);
	CHECK("fd.snet = 10.0.0.0/16", &e, false);
	CHECK("fd.snet in (192.168.0.0/16, 10.0.0.0/8)", &e, true);
	e.v[F_SIP] = "fe80::1";
	CHECK("fd.sip = fe80::1", &e, true);
	CHECK("fd.sip = fe80::/10", &e, true);
	CHECK("fd.sip = fe80:0:0:0:0:0:0:1", &e, true);
	CHECK("fd.sip = 10.0.0.0/8", &e, false);
	CHECK("fd.sip in (nets)", &e, true);
	e.v[F_SIP] = "192.168.1.1";
	CHECK("fd.sip in (nets)", &e, true);
	FAILS("fd.sip = 999.0.0.1", EINVAL, "'999.0.0.1' is not an IP address or network");
	FAILS("fd.sip = 10.0.0.0/33", EINVAL, "is not an IP address");
	FAILS("fd.sip = fe80::/129", EINVAL, "is not an IP address");
	FAILS("fd.sip = 10.0.0.0/", EINVAL, "is not an IP address");
	FAILS("fd.sip = 10.0.0.0/x", EINVAL, "is not an IP address");
	FAILS("fd.sip = host", EINVAL, "'host' is not an IP address");
	FAILS("fd.sip in (10.0.0.1, nope)", EINVAL, "1:22: 'nope' is not an IP address");
}

TEST(cond_strings)
{
	struct ev e = {.v = {[F_CMDLINE] = "curl http://x | sh",
			     [F_BUFFER] = "\x7f"
					  "ELF\x02"}};

	CHECK("proc.cmdline contains 'http://'", &e, true);
	CHECK("proc.cmdline contains http://y", &e, false);
	CHECK("proc.cmdline contains ''", &e, true);
	CHECK("proc.cmdline icontains 'CURL HTTP'", &e, true);
	CHECK("proc.cmdline icontains CURLX", &e, false);
	CHECK("proc.cmdline startswith curl", &e, true);
	CHECK("proc.cmdline startswith url", &e, false);
	CHECK("proc.cmdline endswith '| sh'", &e, true);
	CHECK("proc.cmdline endswith '| bash'", &e, false);
	CHECK("proc.cmdline endswith 'a very long suffix, longer than the value itself'", &e,
	      false);
	CHECK("evt.buffer bcontains 454c46", &e, true);
	CHECK("evt.buffer bcontains 454C4602", &e, true);
	CHECK("evt.buffer bcontains cafebabe", &e, false);
	CHECK("evt.buffer bstartswith 7f454c46", &e, true);
	CHECK("evt.buffer bstartswith 454c46", &e, false);
	FAILS("evt.buffer bcontains 7f4", EINVAL,
	      "1:22: '7f4' is not an even number of hex digits");
	FAILS("evt.buffer bcontains zz", EINVAL, "'zz' is not an even number of hex digits");
	/* the value is its counted bytes, not up to a NUL */
	e.v[F_CMDLINE] = "bash-and-more";
	e.cmdline_len = 4;
	CHECK("proc.cmdline = bash", &e, true);
	CHECK("proc.cmdline contains and", &e, false);
	CHECK("proc.cmdline endswith sh", &e, true);
	CHECK("proc.cmdline regex 'ba.*'", &e, true);
	CHECK("proc.cmdline glob 'b*h'", &e, true);
	CHECK("proc.cmdline in (bash)", &e, true);
}

TEST(cond_glob)
{
	struct ev e = { .v = { [F_FDNAME] = "/home/u/.ssh/id_rsa", [F_NAME] = "bash" } };

	CHECK("fd.name glob '/home/*/.ssh/*'", &e, true);
	CHECK("fd.name glob /home/*/.ssh/*", &e, true);
	CHECK("fd.name glob '/root/*'", &e, false);
	CHECK("fd.name glob '*'", &e, true);
	CHECK("fd.name glob '*rsa'", &e, true);
	CHECK("fd.name glob '*rsa*'", &e, true);
	CHECK("fd.name glob '*.pub'", &e, false);
	e.v[F_FDNAME] = "/home/u/x/.ssh/k"; /* '*' crosses '/', as fnmatch without flags */
	CHECK("fd.name glob '/home/*/.ssh/*'", &e, true);
	CHECK("proc.name glob b?sh", &e, true);
	CHECK("proc.name glob b?", &e, false);
	CHECK("proc.name glob 'b[a-c]sh'", &e, true);
	CHECK("proc.name glob 'b[b-c]sh'", &e, false);
	CHECK("proc.name glob 'b[!a]sh'", &e, false);
	CHECK("proc.name glob 'b[^x]sh'", &e, true);
	CHECK("proc.name glob 'b[[:alpha:]]s[[:lower:]]'", &e, true);
	CHECK("proc.name glob 'b[[:digit:]]sh'", &e, false);
	CHECK("proc.name glob '*a*h'", &e, true);
	CHECK("proc.name glob '*a*x'", &e, false);
	CHECK("proc.name glob '**'", &e, true);
	CHECK("proc.name glob 'BASH'", &e, false);
	CHECK("proc.name iglob 'BA*'", &e, true);
	CHECK("proc.name iglob 'B[A-C]SH'", &e, true);
	e.v[F_NAME] = "b*sh";
	CHECK("proc.name glob 'b\\\\*sh'", &e, true); /* the pattern b\*sh */
	e.v[F_NAME] = "bash";
	CHECK("proc.name glob 'b\\\\*sh'", &e, false);
	e.v[F_NAME] = "a[b";
	CHECK("proc.name glob 'a[b'", &e, true); /* unclosed '[' is itself */
	e.v[F_NAME] = "]";
	CHECK("proc.name glob '[]a]'", &e, true); /* ']' first in brackets is itself */
	e.v[F_NAME] = "";
	CHECK("proc.name glob '*'", &e, true);
	CHECK("proc.name glob '?'", &e, false);
}

TEST(cond_regex)
{
	struct ev e = { .v = { [F_NAME] = "bash" } };

	CHECK("proc.name regex 'ba.*'", &e, true);
	CHECK("proc.name regex 'b(a|o)sh'", &e, true);
	CHECK("proc.name regex '[[:alpha:]]+'", &e, true);
	/* a full match, as Falco's (RE2, anchored) */
	CHECK("proc.name regex as", &e, false);
	CHECK("proc.name regex 'bas'", &e, false);
	CHECK("proc.name regex '.*sh'", &e, true);
	CHECK("proc.name regex '(ba|bas)(sh|h)'", &e, true);
	CHECK("not proc.name regex 'x+'", &e, true);
	e.v[F_NAME] = "a)";
	CHECK("proc.name regex 'a)|b'", &e, true); /* glibc ERE: a lone ')' is itself */
	e.v[F_NAME] = "b";
	CHECK("proc.name regex 'a)|b'", &e, true);
	FAILS("proc.name regex 'a('", EINVAL, "1:17: bad regex");
	FAILS("proc.name regex val(proc.pname)", EINVAL, "regex needs a pattern");
}

/* What keeps glibc's regcomp from taking gigabytes: RE2's (Falco's) refusals
 * of stacked quantifiers and counts over 1000, and VG_COND_MAX_REGEX.
 */
TEST(cond_regex_limits)
{
	struct ev e = { .v = { [F_NAME] = "aaa" } };
	char text[2 * VG_COND_MAX_DEPTH + 128];
	size_t n;

	CHECK("proc.name regex 'a{3}'", &e, true);
	CHECK("proc.name regex 'a{1,1000}'", &e, true);
	CHECK("proc.name regex 'a{,1000}'", &e, true);
	CHECK("proc.name regex '(a+)+'", &e, true);
	CHECK("proc.name regex 'a{1000}'", &e, false);
	/* exactly VG_COND_MAX_REGEX atoms */
	CHECK("proc.name regex 'x{1000}x{1000}x{1000}x{1000}x{1000}x{1000}x{1000}x{1000}x{1000}"
	      "x{1000}'",
	      &e, false);
	CHECK("proc.name regex '((a{100}){100})'", &e, false);
	FAILS("proc.name regex 'a{'", EINVAL, "bad regex");
	FAILS("proc.name regex 'x{1000}x{1000}x{1000}x{1000}x{1000}x{1000}x{1000}x{1000}x{1000}"
	      "x{1000}x'",
	      E2BIG, "1:17: regex expands to more than 10000 atoms");
	FAILS("proc.name regex '((a{100}){100})b'", E2BIG, "regex expands to more than 10000");
	FAILS("proc.name regex '((((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)'", E2BIG,
	      "regex expands to more than 10000");
	FAILS("proc.name regex 'a++'", EINVAL, "bad regex: a quantifier right after another");
	FAILS("proc.name regex 'a*?'", EINVAL, "a quantifier right after another");
	FAILS("proc.name regex 'a{2}{3}'", EINVAL, "a quantifier right after another");
	FAILS("proc.name regex '(a)\\\\1'", EINVAL, "bad regex: back-references are not supported");
	CHECK("proc.name regex '[\\\\1]aa'", &e, false); /* in brackets, a backslash is itself */
	FAILS("proc.name regex 'a{1001}'", EINVAL, "bad regex: a repeat count over 1000");
	FAILS("proc.name regex 'a{1,1001}'", EINVAL, "a repeat count over 1000");
	FAILS("proc.name regex 'a{,99999999999999999999}'", EINVAL, "a repeat count over 1000");
	for (int depth = VG_COND_MAX_DEPTH; depth <= VG_COND_MAX_DEPTH + 1; depth++) {
		n = (size_t)sprintf(text, "proc.name regex '");
		for (int i = 0; i < depth; i++)
			text[n++] = '(';
		text[n++] = 'a';
		for (int i = 0; i < depth; i++)
			text[n++] = ')';
		sprintf(text + n, "+'");
		if (depth == VG_COND_MAX_DEPTH)
			CHECK(text, &e, true);
		else
			FAILS(text, EINVAL, "bad regex: groups nested deeper than 128");
	}
}

TEST(cond_pmatch)
{
	struct ev e = { .v = { [F_FDNAME] = "/a" } };
	const char *set = "fd.name pmatch (/a, /etc/, '/usr/lib')";

	CHECK(set, &e, true);
	e.v[F_FDNAME] = "/a/b";
	CHECK(set, &e, true);
	e.v[F_FDNAME] = "/ab";
	CHECK(set, &e, false);
	e.v[F_FDNAME] = "/a/";
	CHECK(set, &e, true);
	e.v[F_FDNAME] = "/etc";
	CHECK(set, &e, true);
	e.v[F_FDNAME] = "/etc/passwd";
	CHECK(set, &e, true);
	e.v[F_FDNAME] = "/etcx/passwd";
	CHECK(set, &e, false);
	e.v[F_FDNAME] = "/usr";
	CHECK(set, &e, false);
	e.v[F_FDNAME] = "/usr//lib/x.so";
	CHECK(set, &e, true);
	e.v[F_FDNAME] = "/usr/lib64";
	CHECK(set, &e, false);
	e.v[F_FDNAME] = "a/b";
	CHECK(set, &e, false);
	CHECK("fd.name pmatch (a)", &e, true); /* relative prefixes of relative paths */
	CHECK("fd.name pmatch (a/b/c)", &e, false);
	CHECK("fd.name pmatch (/)", &e, false);
	e.v[F_FDNAME] = "/x/y";
	CHECK("fd.name pmatch (/)", &e, true);
	CHECK("fd.name pmatch ('')", &e, false);
	CHECK("fd.name pmatch ()", &e, false);
	e.v[F_FDNAME] = "/var/log/syslog";
	CHECK("fd.name pmatch (sys_dirs)", &e, true);
	CHECK("fd.name pmatch sys_dirs", &e, true);
	e.v[F_FDNAME] = "/usr/lib/x";
	CHECK("fd.name pmatch (sys_dirs)", &e, true);
	e.v[F_FDNAME] = "/";
	CHECK("fd.name pmatch (sys_dirs)", &e, false);
	CHECK("fd.name pmatch (/)", &e, true);
	/* against another field: whole components too */
	e.v[F_FDNAME] = "/a/b";
	e.v[F_CMDLINE] = "/a";
	CHECK("fd.name pmatch val(proc.cmdline)", &e, true);
	e.v[F_CMDLINE] = "/a//";
	CHECK("fd.name pmatch val(proc.cmdline)", &e, true);
	e.v[F_FDNAME] = "/ab";
	CHECK("fd.name pmatch val(proc.cmdline)", &e, false);
	e.v[F_CMDLINE] = "/";
	CHECK("fd.name pmatch val(proc.cmdline)", &e, true);
	e.v[F_CMDLINE] = "ab";
	CHECK("fd.name pmatch val(proc.cmdline)", &e, false);
}

TEST(cond_in_intersects)
{
	struct ev e = { .v = { [F_NAME] = "bash", [F_PID] = "16" } };

	CHECK("proc.name in (sh, bash)", &e, true);
	CHECK("proc.name in(sh,bash)", &e, true);
	CHECK("proc.name in (sh, zsh)", &e, false);
	CHECK("proc.name in ()", &e, false);
	CHECK("proc.name in ( )", &e, false);
	CHECK("proc.name in ('bash')", &e, true);
	CHECK("proc.name intersects (bash)", &e, true);
	CHECK("proc.name intersects (a, b)", &e, false);
	CHECK("proc.name in (bash, bash, bash)", &e, true);
	CHECK("proc.pid in (1, 2, 16)", &e, true);
	CHECK("proc.pid in (1, 0x10)", &e, true);
	CHECK("proc.pid in (1, 2, 17)", &e, false);
	CHECK("proc.pid in (small_numbers)", &e, true);
	CHECK("proc.pid intersects (16)", &e, true);
	CHECK("evt.is_open_write in (true)", &e, false);
	FAILS("proc.pid in (1, two, 3)", EINVAL, "1:17: 'two' is not an unsigned number");
	FAILS("proc.pid in (bad_numbers)", EINVAL, "1:14: 'two' is not an unsigned number");
	FAILS("proc.name in (a, )", EINVAL, "1:18: expected a value in the list");
	FAILS("proc.name in (a b)", EINVAL, "expected ',' or ')' in the list opened at 1:14");
	FAILS("proc.name in (a", EINVAL, "expected ',' or ')'");
	FAILS("proc.name in 'a'", EINVAL, "expected '(' or a list name after 'in'");
	FAILS("proc.name in", EINVAL, "expected '(' or a list name after 'in' (at the end)");
}

TEST(cond_missing_values)
{
	struct ev e = { 0 };

	CHECK("proc.name = x", &e, false);
	CHECK("proc.name != x", &e, false);
	CHECK("not proc.name = x", &e, true);
	CHECK("not proc.name != x", &e, true);
	CHECK("proc.name exists", &e, false);
	CHECK("not proc.name exists", &e, true);
	CHECK("proc.pid < 5", &e, false);
	CHECK("proc.pid >= 0", &e, false);
	CHECK("proc.name in (x)", &e, false);
	CHECK("proc.name contains ''", &e, false);
	CHECK("fd.name pmatch (/)", &e, false);
	CHECK("proc.name glob '*'", &e, false);
	CHECK("proc.name regex '.*'", &e, false);
	CHECK("tolower(proc.name) = ''", &e, false);
	CHECK("len(proc.name) = 0", &e, false);
	CHECK("proc.aname[2] = init", &e, false);
	CHECK("fd.sip = 0.0.0.0/0", &e, false);
	CHECK("evt.is_open_write != true", &e, false);
	e.v[F_NAME] = "bash";
	CHECK("proc.name exists", &e, true);
	CHECK("proc.name = val(proc.pname)", &e, false);
	CHECK("proc.name != val(proc.pname)", &e, false);
	CHECK("proc.name = x or proc.name exists", &e, true);
}

/* ---- grammar ---- */

TEST(cond_precedence)
{
	struct ev e = { .v = { [F_NAME] = "a", [F_PNAME] = "x", [F_CMDLINE] = "x" } };

	/* a or (b and c), not (a or b) and c */
	CHECK("proc.name = a or proc.pname = b and proc.cmdline = c", &e, true);
	CHECK("(proc.name = a or proc.pname = b) and proc.cmdline = c", &e, false);
	CHECK("proc.pname = b and proc.cmdline = c or proc.name = a", &e, true);
	/* (not a) and b, not not (a and b) */
	CHECK("not proc.name = a and proc.pname = b", &e, false);
	CHECK("not (proc.name = a and proc.pname = b)", &e, true);
	CHECK("not(proc.name = a and proc.pname = b)", &e, true);
	CHECK("not proc.name = x and not proc.pname = b", &e, true);
	CHECK("not not proc.name = a", &e, true);
	CHECK("not not not proc.name = a", &e, false);
	CHECK("not (not (proc.name = a))", &e, true);
	CHECK("((((proc.name = a))))", &e, true);
	CHECK("proc.name = a and(proc.pname = x)", &e, true);
	CHECK("proc.name = b or(proc.pname = x)", &e, true);
	CHECK("proc.name = b or not(proc.pname = x) or proc.cmdline = x", &e, true);
	CHECK("  \n\tproc.name = a\n\tand proc.pname = x\n", &e, true);
	CHECK("(proc.name = a and proc.pname = x) and (proc.cmdline = x and proc.name = a)", &e,
	      true);
	CHECK("(proc.name = b or proc.pname = b) or (proc.cmdline = b or proc.name = a)", &e,
	      true);
	CHECK("proc.name = b or proc.pname = b or proc.cmdline = b", &e, false);
	CHECK("proc.name = a and proc.pname = x and proc.cmdline = b", &e, false);
}

TEST(cond_syntax_errors)
{
	struct vg_cond_err err;

	FAILS("", EINVAL, "1:1: empty condition");
	FAILS(" \n ", EINVAL, "2:2: empty condition (at the end)");
	FAILS("proc.name = a and", EINVAL, "1:18: expected '(', a field, a transformer or a macro");
	FAILS("proc.name = a and ", EINVAL, "1:19: expected '('");
	FAILS("proc.name = a andproc.pname = b", EINVAL,
	      "1:15: expected 'and', 'or' or the end (near 'andproc.pname = b')");
	FAILS("(proc.name = a", EINVAL,
	      "1:15: expected 'and', 'or' or ')' to close the '(' at 1:1");
	FAILS("proc.name = a)", EINVAL, "1:14: expected 'and', 'or' or the end (near ')')");
	FAILS("proc.name", EINVAL, "1:10: expected an operator after proc.name");
	FAILS("proc.name bash", EINVAL, "1:11: expected an operator after proc.name (near 'bash')");
	FAILS("proc.name =", EINVAL, "1:12: expected a value after '='");
	FAILS("proc.name = )", EINVAL, "expected a value after '='");
	FAILS("= a", EINVAL, "1:1: expected '(', a field");
	FAILS("proc.name = a or or proc.name = b", EINVAL,
	      "1:18: expected a condition, found 'or'");
	FAILS("not", EINVAL, "expected '(', a field, a transformer or a macro name (at the end)");
	FAILS("not)", EINVAL, "found 'not'");
	FAILS("proc.name = a = b", EINVAL, "1:15: expected 'and', 'or' or the end");
	FAILS("proc.name = a\n  and (proc.pid = 1", EINVAL, "2:20: expected 'and', 'or' or ')'");
	ASSERT_TRUE(fails_at("proc.name = a and\n  proc.pid = x", EINVAL, "", &err, __LINE__),
		    "error");
	ASSERT_EQ(err.line, 2, "line");
	ASSERT_EQ(err.col, 14, "col");
	ASSERT_EQ(err.offset, 31, "offset");
	ASSERT_STREQ(err.macro, "", "no macro");
	ASSERT_STREQ(err.msg, "2:14: 'x' is not an unsigned number, as proc.pid needs (near 'x')",
		     "msg");
}

TEST(cond_quoting)
{
	struct ev e = { .v = { [F_CMDLINE] = "a b" } };

	CHECK("proc.cmdline = 'a b'", &e, true);
	CHECK("proc.cmdline = \"a b\"", &e, true);
	CHECK("proc.cmdline='a b'and proc.cmdline=\"a b\"", &e, true);
	CHECK("proc.cmdline = a", &e, false);
	e.v[F_CMDLINE] = "it's";
	CHECK("proc.cmdline = 'it\\'s'", &e, true);
	CHECK("proc.cmdline = \"it's\"", &e, true);
	e.v[F_CMDLINE] = "say \"hi\"";
	CHECK("proc.cmdline = \"say \\\"hi\\\"\"", &e, true);
	CHECK("proc.cmdline = 'say \"hi\"'", &e, true);
	e.v[F_CMDLINE] = "tab\there\nnl\r\b\f";
	CHECK("proc.cmdline = 'tab\\there\\nnl\\r\\b\\f'", &e, true);
	e.v[F_CMDLINE] = "back\\slash/";
	CHECK("proc.cmdline = 'back\\\\slash\\/'", &e, true);
	e.v[F_CMDLINE] = "a\\";
	CHECK("proc.cmdline = \"a\\\\\"", &e, true);
	CHECK("proc.cmdline contains \"\\ \"", &e, true); /* "\ " is a backslash, as in libsinsp */
	e.v[F_CMDLINE] = "";
	CHECK("proc.cmdline = ''", &e, true);
	CHECK("proc.cmdline = \"\"", &e, true);
	e.v[F_CMDLINE] = "(x, y)";
	CHECK("proc.cmdline = '(x, y)'", &e, true);
	CHECK("proc.cmdline in ('(x, y)', \"z\")", &e, true);
	e.v[F_CMDLINE] = "runc:[0:PARENT]";
	CHECK("proc.cmdline in (runc:[0:PARENT], runc)", &e, true);
	FAILS("proc.cmdline = \"it\\'s\"", EINVAL, "1:19: unsupported escape sequence");
	FAILS("proc.cmdline = 'say \\\"hi'", EINVAL, "unsupported escape sequence");
	FAILS("proc.cmdline = 'x\\q'", EINVAL,
	      "1:18: unsupported escape sequence in string (near '\\q''");
	FAILS("proc.cmdline = 'unterminated", EINVAL, "1:16: unterminated string");
	FAILS("proc.cmdline = 'ends with a backslash\\'", EINVAL, "unterminated string");
}

/* ---- fields ---- */

TEST(cond_fields_and_args)
{
	struct ev e = { .v = { [F_NAME] = "bash" }, .aname = { "bash", "sshd", "init" },
			.flags = "O_WRONLY|O_TRUNC" };
	struct vg_cond_err err;
	const struct vg_cond_field *f;
	struct vg_cond *c;
	size_t n;

	CHECK("proc.aname[2] = init", &e, true);
	CHECK("proc.aname[1] = init", &e, false);
	CHECK("proc.aname['2'] = init", &e, true);
	CHECK("proc.aname[\"1\"] = sshd", &e, true);
	CHECK("proc.aname[5] exists", &e, false);
	CHECK("evt.arg.flags contains O_TRUNC", &e, true);
	CHECK("evt.arg[flags] contains O_TRUNC", &e, true);
	CHECK("evt.arg.mode exists", &e, false);
	FAILS("proc.aname[x] = a", EINVAL,
	      "1:1: bad field 'proc.aname[x]': the argument is an ancestor number");
	FAILS("proc.aname = a", EINVAL, "bad field 'proc.aname': needs an argument");
	FAILS("proc.name[1] = a", EINVAL, "bad field 'proc.name[1]': takes no argument");
	FAILS("proc.aname[2 = a", EINVAL, "1:13: expected ']' after the field argument");
	FAILS("proc.aname[] = a", EINVAL, "1:12: expected a field argument");
	FAILS("proc.aname['2 = a", EINVAL, "unterminated string");

	/* an unknown field is ENOENT, named, at its place: the loader's
	 * skip-if-unknown-filter case
	 */
	ASSERT_TRUE(fails_at("proc.name = a and\n  proc.nmae = x", ENOENT,
			     "2:3: unknown field 'proc.nmae' (near 'proc.nmae = x')", &err,
			     __LINE__),
		    "unknown field");
	ASSERT_EQ(err.offset, 20, "offset");
	FAILS("proc.name = a or foo.bar.baz exists", ENOENT, "1:18: unknown field 'foo.bar.baz'");

	/* each field once, resolved once */
	resolves = 0;
	c = compile_with(&std_defs,
			 "proc.name = a and proc.name = b and proc.aname[2] = c and "
			 "proc.aname[3] = d and evt.arg.flags contains X and proc.aname[2] = e",
			 &err);
	if (!ASSERT_NONNULL(c, err.msg))
		return;
	f = vg_cond__fields(c, &n);
	ASSERT_EQ(n, 4, "fields");
	ASSERT_EQ(resolves, 4, "resolver calls");
	if (n == 4) {
		ASSERT_STREQ(f[0].name, "proc.name", "0");
		ASSERT_TRUE(f[0].arg == NULL, "0 arg");
		ASSERT_STREQ(f[1].name, "proc.aname", "1");
		ASSERT_STREQ(f[1].arg, "2", "1 arg");
		ASSERT_EQ(f[1].ref.index, 2, "1 index");
		ASSERT_STREQ(f[2].arg, "3", "2 arg");
		ASSERT_STREQ(f[3].name, "evt.arg.flags", "3");
		ASSERT_STREQ(f[3].ref.argname, "flags", "3 argname");
	}
	vg_cond__free(c);
}

TEST(cond_transformers)
{
	struct ev e = { .v = { [F_NAME] = "BaSh", [F_EXE] = "/usr/bin/BASH",
			       [F_CMDLINE] = "aGVsbG8=", [F_PNAME] = "bash" } };
	static char longv[10001], longl[10001];
	char text[10100];

	CHECK("tolower(proc.name) = bash", &e, true);
	CHECK("toupper(proc.name) = BASH", &e, true);
	CHECK("tolower(proc.name) = BaSh", &e, false);
	CHECK("proc.name = BaSh", &e, true); /* the value itself is untouched */
	CHECK("basename(proc.exe) = BASH", &e, true);
	CHECK("tolower(basename(proc.exe)) = bash", &e, true);
	CHECK("tolower( basename( proc.exe ) ) = bash", &e, true);
	CHECK("basename(tolower(proc.exe)) = bash", &e, true);
	CHECK("len(proc.name) = 4", &e, true);
	CHECK("len(proc.name) > 3", &e, true);
	CHECK("len(basename(proc.exe)) = 4", &e, true);
	CHECK("b64(proc.cmdline) = hello", &e, true);
	CHECK("toupper(b64(proc.cmdline)) = HELLO", &e, true);
	CHECK("len(b64(proc.cmdline)) = 5", &e, true);
	CHECK("tolower(proc.name) in (sh, bash)", &e, true);
	CHECK("tolower(proc.name) glob 'b*'", &e, true);
	CHECK("tolower(proc.name) = val(proc.pname)", &e, true);
	CHECK("proc.pname = tolower(proc.name)", &e, true);
	CHECK("toupper(proc.pname) = toupper(proc.name)", &e, true);
	e.v[F_CMDLINE] = "aGVsbG8"; /* no padding */
	CHECK("b64(proc.cmdline) = hello", &e, true);
	e.v[F_CMDLINE] = "a";
	CHECK("b64(proc.cmdline) = ''", &e, false); /* not base64: no value */
	CHECK("not b64(proc.cmdline) exists", &e, true);
	e.v[F_CMDLINE] = "aGVs*G8=";
	CHECK("b64(proc.cmdline) exists", &e, false);
	e.v[F_CMDLINE] = "";
	CHECK("b64(proc.cmdline) = ''", &e, true);
	e.v[F_EXE] = "bash";
	CHECK("basename(proc.exe) = bash", &e, true);
	e.v[F_EXE] = "/usr/bin/";
	CHECK("len(basename(proc.exe)) = 0", &e, true);
	/* longer than the stack scratch: the heap takes it */
	memset(longv, 'A', sizeof(longv) - 1);
	memset(longl, 'a', sizeof(longl) - 1);
	e.v[F_CMDLINE] = longv;
	snprintf(text, sizeof(text), "tolower(proc.cmdline) = %s", longl);
	CHECK(text, &e, true);
	snprintf(text, sizeof(text), "toupper(tolower(proc.cmdline)) = %s", longv);
	CHECK(text, &e, true);
	CHECK("len(tolower(proc.cmdline)) = 10000", &e, true);
	e.v[F_PNAME] = longl;
	CHECK("tolower(proc.cmdline) = tolower(proc.pname)", &e, true);

	FAILS("tolower(proc.pid) = 1", EINVAL, "1:1: tolower() takes a string, and proc.pid is");
	FAILS("len(len(proc.name)) = 1", EINVAL,
	      "len() takes a string, and proc.name is an unsigned");
	FAILS("len(proc.name) = abc", EINVAL, "'abc' is not an unsigned number");
	FAILS("len(proc.name) contains 1", EINVAL, "operator 'contains' does not apply");
	FAILS("val(proc.name) = x", EINVAL, "1:1: val() names a field to compare with");
	FAILS("tolower(proc.name = x", EINVAL, "1:19: expected ')' to close tolower(");
	FAILS("tolower(val(proc.name)) = x", EINVAL, "val() names a field");
	FAILS("proc.name = val(tolower(proc.name))", EINVAL, "1:17: expected a field");
	FAILS("tolower() = x", EINVAL, "1:9: expected a field");
	FAILS("tolower (proc.name) = x", EINVAL, "undefined macro 'tolower'");
}

TEST(cond_val)
{
	struct ev e = { .v = { [F_NAME] = "bash", [F_PNAME] = "bash", [F_PID] = "5",
			       [F_PPID] = "1", [F_NUM] = "5", [F_SIP] = "10.0.0.1" } };

	CHECK("proc.name = val(proc.pname)", &e, true);
	CHECK("proc.name != val(proc.pname)", &e, false);
	CHECK("proc.name = val( proc.pname )", &e, true);
	CHECK("proc.name in val(proc.pname)", &e, true);
	CHECK("proc.name contains val(proc.pname)", &e, true);
	CHECK("proc.name glob val(proc.pname)", &e, true);
	CHECK("proc.pid > val(proc.ppid)", &e, true);
	CHECK("proc.pid <= val(proc.ppid)", &e, false);
	CHECK("proc.pid = val(fd.num)", &e, true); /* unsigned against signed */
	e.v[F_NUM] = "-1";
	CHECK("proc.pid = val(fd.num)", &e, false);
	CHECK("proc.pid > val(fd.num)", &e, true);
	CHECK("fd.num < val(proc.pid)", &e, true);
	e.v[F_PNAME] = "zsh";
	CHECK("proc.name = val(proc.pname)", &e, false);
	CHECK("proc.name < val(proc.pname)", &e, true);
	e.v[F_PNAME] = "b*";
	CHECK("proc.name glob val(proc.pname)", &e, true);
	FAILS("proc.name = val(proc.pid)", EINVAL,
	      "1:13: proc.name is a string and cannot compare with proc.pid, which is an unsigned");
	FAILS("fd.sip = val(proc.name)", EINVAL, "cannot compare");
	FAILS("proc.name = val(nosuch.field)", ENOENT, "1:17: unknown field 'nosuch.field'");
	FAILS("proc.name = val(proc.pname", EINVAL, "expected ')' to close val(");
}

/* ---- lists and macros ---- */

TEST(cond_lists)
{
	struct ev e = { .v = { [F_NAME] = "bash" } };

	CHECK("proc.name in (shell_binaries)", &e, true);
	CHECK("proc.name in shell_binaries", &e, true);
	CHECK("proc.name in (shell_binaries, fish)", &e, true);
	CHECK("proc.name in (all_shells)", &e, true);
	CHECK("proc.name in ('shell_binaries')", &e, false); /* quoted: the word itself */
	CHECK("proc.name in (nosuch_list)", &e, false);	     /* a word, as Falco reads it */
	e.v[F_NAME] = "fish";
	CHECK("proc.name in (all_shells)", &e, true);
	CHECK("proc.name in (shell_binaries)", &e, false);
	e.v[F_NAME] = "my shell";
	CHECK("proc.name in (all_shells)", &e, true);
	e.v[F_NAME] = "it's";
	CHECK("proc.name in (all_shells)", &e, true);
	e.v[F_NAME] = "(systemd)";
	CHECK("proc.name in (login_binaries)", &e, true);
	e.v[F_NAME] = "shell_binaries";
	CHECK("proc.name in ('shell_binaries')", &e, true);
	CHECK("proc.name in (all_shells)", &e, false);
	e.v[F_NAME] = "nosuch_list";
	CHECK("proc.name in (nosuch_list)", &e, true);
	FAILS("proc.name in (cyc1)", ELOOP, "1:15: list cycle: cyc1 -> cyc2 -> cyc1");
	FAILS("proc.name in nosuch_list", EINVAL, "1:14: undefined list 'nosuch_list'");
	FAILS("proc.name in (a, bad_item)", EINVAL,
	      "1:18: list 'bad_item': item 1 is not one quoted");
	FAILS("proc.name in (two_strings)", EINVAL, "item 1 is not one quoted string");
	FAILS("proc.name in (lone_quote)", EINVAL, "item 1 is not one quoted string");
}

TEST(cond_macros)
{
	struct ev e = { .v = { [F_TYPE] = "execve", [F_NAME] = "bash", [F_PID] = "5",
			       [F_OWRITE] = "true", [F_NUM] = "3" } };
	struct vg_cond_err err;

	CHECK("spawned_process and shell_procs", &e, true);
	CHECK("spawned_process and not shell_procs", &e, false);
	CHECK("(spawned_process) and (shell_procs)", &e, true);
	CHECK("never_true or spawned_process", &e, true);
	CHECK("not never_true", &e, true);
	CHECK("open_write", &e, false);
	e.v[F_TYPE] = "openat";
	CHECK("open_write", &e, true);
	e.v[F_NAME] = "zsh";
	CHECK("shell_procs", &e, false);
	/* a macro is one predicate: "m_or and x" is "(a or b) and x" */
	CHECK("never_true or proc.name = zsh and open_write", &e, true);

	ASSERT_TRUE(fails_at("proc.name = a and nosuch", EINVAL, "1:19: undefined macro 'nosuch'",
			     &err, __LINE__),
		    "undefined");
	ASSERT_EQ(err.offset, 18, "offset");
	FAILS("m_a", ELOOP, "1:1: in macro 'm_b' at 1:18: macro cycle: m_a -> m_b -> m_a");
	FAILS("proc.name = a or m_self", ELOOP, "macro cycle: m_self -> m_self");
	FAILS("empty_macro", EINVAL, "1:1: in macro 'empty_macro' at 1:4: empty macro");
	FAILS("proc.pid = 1 or bad_syntax", EINVAL,
	      "1:17: in macro 'bad_syntax' at 1:13: expected a value after '='");

	/* an error in a macro: at the reference in the condition, and in the macro */
	ASSERT_TRUE(fails_at("proc.pid = 1 or\n bad_macro", ENOENT, "", &err, __LINE__), "err");
	ASSERT_STREQ(
		err.msg,
		"2:2: in macro 'bad_macro' at 2:1: unknown field 'foo.bar' (near 'foo.bar = 1')",
		"msg");
	ASSERT_EQ(err.offset, 17, "offset");
	ASSERT_EQ(err.line, 2, "line");
	ASSERT_EQ(err.col, 2, "col");
	ASSERT_STREQ(err.macro, "bad_macro", "macro");
	ASSERT_EQ(err.macro_offset, 18, "macro offset");
	/* two levels: the outermost reference, the innermost macro */
	ASSERT_TRUE(
		fails_at("proc.name = b or nested_outer", EINVAL,
			 "1:18: in macro 'nested_inner' at 1:19: undefined macro 'nosuch_macro'",
			 &err, __LINE__),
		"nested");
	ASSERT_EQ(err.offset, 17, "offset");
	ASSERT_STREQ(err.macro, "nested_inner", "macro");
	ASSERT_EQ(err.macro_offset, 18, "macro offset");
}

/* ---- event types ---- */

static const char *const type_names[] = { "open", "openat", "openat2", "execve",
					  "execveat", "connect", "close" };
#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

static int type_of(void *ctx, const char *name)
{
	(void)ctx;
	for (size_t i = 0; i < NTYPES; i++)
		if (!strcmp(type_names[i], name))
			return (int)i;
	return -1;
}

/* The types text can match, as "open,openat" or "any". */
static bool types_at(const char *text, const char *want, int line)
{
	struct vg_cond_err err;
	struct vg_cond *c = compile_with(&std_defs, text, &err);
	bool types[NTYPES];
	char got[128] = "";
	int n;

	if (!c) {
		fprintf(stderr, "  %s:%d: \"%s\": %s\n", __FILE__, line, text, err.msg);
		test__fail();
		return false;
	}
	memset(types, 0x55, sizeof(types));
	n = vg_cond__event_types(c, types, NTYPES, type_of, NULL);
	vg_cond__free(c);
	if (n == -1) {
		snprintf(got, sizeof(got), "any");
		for (size_t i = 0; i < NTYPES; i++)
			if (!types[i])
				snprintf(got, sizeof(got), "any, but not all set");
	} else {
		int count = 0;

		for (size_t i = 0; i < NTYPES; i++) {
			if (!types[i])
				continue;
			count++;
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
				 got[0] ? "," : "", type_names[i]);
		}
		if (count != n)
			snprintf(got, sizeof(got), "count %d for %d set", n, count);
	}
	if (strcmp(got, want)) {
		fprintf(stderr, "  %s:%d: \"%s\": types %s, expected %s\n", __FILE__, line, text,
			got, want);
		test__fail();
		return false;
	}
	return true;
}

#define TYPES(text, want) types_at(text, want, __LINE__)

TEST(cond_event_types)
{
	TYPES("evt.type = open", "open");
	TYPES("evt.type in (open, openat)", "open,openat");
	TYPES("evt.type intersects (close)", "close");
	TYPES("evt.type != open", "openat,openat2,execve,execveat,connect,close");
	TYPES("proc.name = bash", "any");
	TYPES("evt.type = open and proc.name = x", "open");
	TYPES("evt.type = open or proc.name = x", "any");
	TYPES("not evt.type = open", "openat,openat2,execve,execveat,connect,close");
	TYPES("not (evt.type = open and proc.name = x)", "any");
	TYPES("not (evt.type = open or evt.type = close)",
	      "openat,openat2,execve,execveat,connect");
	TYPES("not not evt.type = open", "open");
	TYPES("evt.type in (open, openat) and not evt.type = open", "openat");
	TYPES("evt.type in (open, openat) and evt.type != open", "openat");
	TYPES("evt.type = open and evt.type = close", "");
	TYPES("evt.type = nosuch", "");
	TYPES("evt.type != nosuch", "any");
	TYPES("evt.type in (open, nosuch)", "open");
	TYPES("spawned_process and proc.name = bash", "execve,execveat");
	TYPES("open_write or spawned_process", "open,openat,openat2,execve,execveat");
	TYPES("(evt.type = open or evt.type = connect) and (evt.type = connect or proc.name = x)",
	      "open,connect");
	TYPES("tolower(evt.type) = open", "any");
	TYPES("evt.type startswith open", "any");
	TYPES("evt.type = val(proc.name)", "any");
	TYPES("evt.type exists", "any");
	TYPES("not proc.name = x", "any");
}

/* ---- limits, each at its edge ---- */

static char *padded(const char *head, size_t len)
{
	char *s = malloc(len + 1);

	memset(s, ' ', len);
	memcpy(s, head, strlen(head));
	s[len] = '\0';
	return s;
}

TEST(cond_limit_length)
{
	struct ev e = { .v = { [F_NAME] = "a" } };
	struct vg_cond_err err;
	char *s = padded("proc.name = a", VG_COND_MAX_LEN);

	CHECK(s, &e, true);
	free(s);
	s = padded("proc.name = a", VG_COND_MAX_LEN + 1);
	ASSERT_TRUE(fails_at(s, E2BIG, "condition longer than 65536 bytes", &err, __LINE__),
		    "long");
	ASSERT_EQ(err.offset, VG_COND_MAX_LEN, "offset");
	free(s);
}

TEST(cond_limit_depth)
{
	struct ev e = { .v = { [F_NAME] = "a" } };
	char s[12 * VG_COND_MAX_DEPTH + 64];
	size_t n;

	/* parentheses */
	for (int depth = VG_COND_MAX_DEPTH; depth <= VG_COND_MAX_DEPTH + 1; depth++) {
		n = 0;
		for (int i = 0; i < depth; i++)
			s[n++] = '(';
		n += (size_t)sprintf(s + n, "proc.name = a");
		for (int i = 0; i < depth; i++)
			s[n++] = ')';
		s[n] = '\0';
		if (depth == VG_COND_MAX_DEPTH)
			CHECK(s, &e, true);
		else
			FAILS(s, E2BIG, "1:129: nested deeper than 128");
	}
	/* not */
	for (int depth = VG_COND_MAX_DEPTH; depth <= VG_COND_MAX_DEPTH + 1; depth++) {
		n = 0;
		for (int i = 0; i < depth; i++)
			n += (size_t)sprintf(s + n, "not ");
		sprintf(s + n, "proc.name = b");
		if (depth == VG_COND_MAX_DEPTH)
			CHECK(s, &e, false);
		else
			FAILS(s, E2BIG, "1:513: nested deeper than 128");
	}
	/* transformers */
	for (int depth = VG_COND_MAX_DEPTH; depth <= VG_COND_MAX_DEPTH + 1; depth++) {
		n = 0;
		for (int i = 0; i < depth; i++)
			n += (size_t)sprintf(s + n, "tolower(");
		n += (size_t)sprintf(s + n, "proc.name");
		for (int i = 0; i < depth; i++)
			s[n++] = ')';
		sprintf(s + n, " = a");
		if (depth == VG_COND_MAX_DEPTH)
			CHECK(s, &e, true);
		else
			FAILS(s, E2BIG, "1:1025: nested deeper than 128");
	}
	/* a mix, with a macro counting as one level */
	n = 0;
	for (int i = 0; i < VG_COND_MAX_DEPTH - 2; i++)
		s[n++] = '(';
	n += (size_t)sprintf(s + n, "not never_true");
	for (int i = 0; i < VG_COND_MAX_DEPTH - 2; i++)
		s[n++] = ')';
	s[n] = '\0';
	/* never_true is "(...)": 126 + not + macro + its '(' is 129 */
	FAILS(s, E2BIG, "nested deeper than 128");
	memmove(s, s + 1, strlen(s));
	s[strlen(s) - 1] = '\0';
	CHECK(s, &e, true);
}

/* Macros m1 -> m2 -> ... -> mN -> "proc.name = a". */
struct chain_defs {
	char names[VG_COND_MAX_MACRO_DEPTH + 2][16];
	char texts[VG_COND_MAX_MACRO_DEPTH + 2][16];
	const char *macros[2 * (VG_COND_MAX_MACRO_DEPTH + 2) + 1];
	struct defs d;
};

static void make_chain(struct chain_defs *cd, int n)
{
	int k = 0;

	for (int i = 1; i <= n; i++) {
		snprintf(cd->names[i], sizeof(cd->names[i]), "m%d", i);
		if (i < n)
			snprintf(cd->texts[i], sizeof(cd->texts[i]), "m%d", i + 1);
		else
			snprintf(cd->texts[i], sizeof(cd->texts[i]), "proc.name = a");
		cd->macros[k++] = cd->names[i];
		cd->macros[k++] = cd->texts[i];
	}
	cd->macros[k] = NULL;
	cd->d.macros = cd->macros;
	cd->d.lists = NULL;
	cd->d.nlists = 0;
}

TEST(cond_limit_macro_depth)
{
	static struct chain_defs cd;
	struct vg_cond_err err;
	struct ev e = { .v = { [F_NAME] = "a" } };
	struct vg_cond *c;

	make_chain(&cd, VG_COND_MAX_MACRO_DEPTH);
	c = compile_with(&cd.d, "m1", &err);
	if (ASSERT_NONNULL(c, err.msg))
		ASSERT_TRUE(vg_cond__eval(c, fake_get, &e), "eval");
	vg_cond__free(c);
	make_chain(&cd, VG_COND_MAX_MACRO_DEPTH + 1);
	c = compile_with(&cd.d, "m1", &err);
	ASSERT_TRUE(!c && errno == ELOOP, "33 deep");
	ASSERT_STREQ(err.msg,
		     "1:1: in macro 'm32' at 1:1: macros nested deeper than 32 (near 'm33')",
		     "msg");
	vg_cond__free(c);
}

/* Lists l1 -> l2 -> ... -> lN -> "x", and one of count values. */
struct list_defs {
	char names[VG_COND_MAX_LIST_DEPTH + 2][16];
	const char *items[VG_COND_MAX_LIST_DEPTH + 2][1];
	struct named_list lists[VG_COND_MAX_LIST_DEPTH + 3];
	struct defs d;
};

static void make_list_chain(struct list_defs *ld, int n)
{
	for (int i = 1; i <= n; i++) {
		snprintf(ld->names[i], sizeof(ld->names[i]), "l%d", i);
		ld->items[i][0] = i < n ? ld->names[i + 1] : "x";
		ld->lists[i - 1].name = ld->names[i];
		ld->lists[i - 1].l.items = ld->items[i];
		ld->lists[i - 1].l.count = 1;
	}
	ld->d.macros = NULL;
	ld->d.lists = ld->lists;
	ld->d.nlists = (size_t)n;
}

TEST(cond_limit_list_depth)
{
	static struct list_defs ld;
	struct ev e = { .v = { [F_NAME] = "x" } };
	struct vg_cond_err err;
	struct vg_cond *c;

	make_list_chain(&ld, VG_COND_MAX_LIST_DEPTH);
	c = compile_with(&ld.d, "proc.name in (l1)", &err);
	if (ASSERT_NONNULL(c, err.msg))
		ASSERT_TRUE(vg_cond__eval(c, fake_get, &e), "eval");
	vg_cond__free(c);
	make_list_chain(&ld, VG_COND_MAX_LIST_DEPTH + 1);
	c = compile_with(&ld.d, "proc.name in (l1)", &err);
	ASSERT_TRUE(!c && errno == ELOOP, "33 deep");
	ASSERT_STREQ(err.msg, "1:15: lists nested deeper than 32 (near 'l1)')", "msg");
}

TEST(cond_limit_list_size)
{
	static char words[VG_COND_MAX_LIST + 1][12];
	static const char *items[VG_COND_MAX_LIST + 1];
	struct named_list big = { "big", { items, VG_COND_MAX_LIST } };
	struct defs d = { NULL, &big, 1 };
	struct ev e = { .v = { [F_NAME] = "65535", [F_PID] = "65535" } };
	struct vg_cond_err err;
	struct vg_cond *c;

	for (int i = 0; i <= VG_COND_MAX_LIST; i++) {
		snprintf(words[i], sizeof(words[i]), "%d", i);
		items[i] = words[i];
	}
	c = compile_with(&d, "proc.name in (big) and proc.pid in big", &err);
	if (ASSERT_NONNULL(c, err.msg))
		ASSERT_TRUE(vg_cond__eval(c, fake_get, &e), "eval");
	e.v[F_NAME] = "65536";
	ASSERT_FALSE(c && vg_cond__eval(c, fake_get, &e), "eval 65536");
	vg_cond__free(c);
	big.l.count = VG_COND_MAX_LIST + 1;
	c = compile_with(&d, "proc.name in (big)", &err);
	ASSERT_TRUE(!c && errno == E2BIG, "65537 values");
	ASSERT_STREQ(err.msg, "1:15: list has more than 65536 values (near 'big)')", "msg");
	/* with a literal value next to it: one too many */
	big.l.count = VG_COND_MAX_LIST;
	c = compile_with(&d, "proc.name in (big, x)", &err);
	ASSERT_TRUE(!c && errno == E2BIG, "65536 + 1 values");
	ASSERT_STREQ(err.msg, "1:20: list has more than 65536 values (near 'x)')", "msg");
}

TEST(cond_limit_total_items)
{
	static char words[VG_COND_MAX_LIST][12];
	static const char *items[VG_COND_MAX_LIST];
	const int per = VG_COND_MAX_ITEMS / VG_COND_MAX_LIST;
	struct named_list big = { "big", { items, VG_COND_MAX_LIST } };
	struct defs d = { NULL, &big, 1 };
	struct vg_cond_err err;
	struct vg_cond *c;
	char text[64 * 32];
	size_t n = 0;

	for (int i = 0; i < VG_COND_MAX_LIST; i++) {
		snprintf(words[i], sizeof(words[i]), "%d", i);
		items[i] = words[i];
	}
	for (int i = 0; i < per; i++)
		n += (size_t)sprintf(text + n, "%sproc.pid in big", i ? " or " : "");
	c = compile_with(&d, text, &err);
	ASSERT_NONNULL(c, err.msg);
	vg_cond__free(c);
	sprintf(text + n, " or proc.pid = 1 or proc.name in (x)");
	c = compile_with(&d, text, &err);
	ASSERT_TRUE(!c && errno == E2BIG, "one more");
	ASSERT_TRUE(strstr(err.msg, "lists of this condition hold more than 1048576 values") !=
			    NULL,
		    err.msg);
}

TEST(cond_limit_nodes)
{
	/* x is one comparison; m1 is 256 of them under one or: 257 nodes; the
	 * condition joins 255 of m1 under one more or: 255 * 257 + 1 = 65536
	 */
	static char m1[256 * 6], text[255 * 6 + 16];
	const char *macros[] = { "x", "proc.name = a", "m1", m1, NULL };
	struct defs d = { macros, NULL, 0 };
	struct vg_cond_err err;
	struct vg_cond *c;
	size_t n = 0;

	for (int i = 0; i < 256; i++)
		n += (size_t)sprintf(m1 + n, "%sx", i ? " or " : "");
	n = 0;
	for (int i = 0; i < 255; i++)
		n += (size_t)sprintf(text + n, "%sm1", i ? " or " : "");
	c = compile_with(&d, text, &err);
	ASSERT_NONNULL(c, err.msg);
	vg_cond__free(c);
	sprintf(text + n, " or x");
	c = compile_with(&d, text, &err);
	ASSERT_TRUE(!c && errno == E2BIG, "65537 nodes");
	ASSERT_TRUE(strstr(err.msg, "more than 65536 comparisons and operators") != NULL, err.msg);
}

TEST(cond_limit_expanded)
{
	/* 63 references to a macro of 65536 bytes, and one to a macro that
	 * makes the total exactly VG_COND_MAX_EXPANDED bytes with the condition
	 */
	char *big = padded("proc.name = a", VG_COND_MAX_LEN), *tail, text[64 * 8];
	const char *macros[] = { "big", big, "tail", NULL, NULL };
	struct defs d = { macros, NULL, 0 };
	struct vg_cond_err err;
	struct vg_cond *c;
	size_t n = 0, rest;

	for (int i = 0; i < 63; i++)
		n += (size_t)sprintf(text + n, "big or ");
	sprintf(text + n, "tail");
	rest = VG_COND_MAX_EXPANDED - 63 * (size_t)VG_COND_MAX_LEN - strlen(text);
	tail = padded("proc.name = b", rest);
	macros[3] = tail;
	c = compile_with(&d, text, &err);
	ASSERT_NONNULL(c, err.msg);
	vg_cond__free(c);
	free(tail);
	tail = padded("proc.name = b", rest + 1);
	macros[3] = tail;
	c = compile_with(&d, text, &err);
	ASSERT_TRUE(!c && errno == E2BIG, "one byte more");
	ASSERT_TRUE(strstr(err.msg, "in macro 'tail' at 1:1: more than 4194304 bytes of text") !=
			    NULL,
		    err.msg);
	free(tail);
	free(big);
}

/* ---- API edges ---- */

TEST(cond_api)
{
	struct vg_cond_env env = { .resolve = fake_resolve };
	struct vg_cond_err err;
	struct ev e = { .v = { [F_NAME] = "a" } };
	bool types[NTYPES];
	struct vg_cond *c;
	size_t n;

	ASSERT_TRUE(vg_cond__compile(NULL, &env, &err) == NULL && errno == EINVAL, "no text");
	ASSERT_TRUE(vg_cond__compile("proc.name = a", NULL, NULL) == NULL && errno == EINVAL,
		    "no env");
	env.resolve = NULL;
	ASSERT_TRUE(vg_cond__compile("proc.name = a", &env, &err) == NULL && errno == EINVAL,
		    "no resolver");
	vg_cond__free(NULL);
	ASSERT_TRUE(vg_cond__fields(NULL, &n) == NULL && n == 0, "fields of NULL");
	/* no macro or list callbacks: every name is undefined */
	env.resolve = fake_resolve;
	c = vg_cond__compile("proc.name in (shell_binaries)", &env, &err);
	if (ASSERT_NONNULL(c, err.msg)) {
		ASSERT_FALSE(vg_cond__eval(c, fake_get, &e), "literal word");
		ASSERT_EQ(vg_cond__event_types(c, types, NTYPES, type_of, NULL), -1, "types");
		ASSERT_EQ(vg_cond__event_types(c, NULL, NTYPES, type_of, NULL), -EINVAL, "no out");
	}
	vg_cond__free(c);
	ASSERT_TRUE(vg_cond__compile("spawned_process", &env, &err) == NULL && errno == EINVAL,
		    "no macros");
	ASSERT_STREQ(err.msg, "1:1: undefined macro 'spawned_process' (near 'spawned_process')",
		     "msg");
	ASSERT_TRUE(vg_cond__compile("proc.name in shell_binaries", &env, NULL) == NULL &&
			    errno == EINVAL,
		    "no lists");
}

/* ---- Falco's own rules ---- */

/* A resolver that knows every field, typed as libsinsp types the ones the
 * rules compare with numbers, addresses and booleans.
 */
static int any_resolve(void *ctx, const char *name, const char *arg, struct vg_field_ref *ref,
		       char *err, size_t errlen)
{
	static const struct {
		const char *name;
		uint8_t type;
	} typed[] = {
		{ "fd.num", VG_V_INT },		  { "evt.rawres", VG_V_INT },
		{ "proc.tty", VG_V_UINT },	  { "evt.num", VG_V_UINT },
		{ "user.uid", VG_V_UINT },	  { "proc.vpid", VG_V_UINT },
		{ "fd.sport", VG_V_UINT },	  { "user.loginuid", VG_V_INT },
		{ "proc.duration", VG_V_UINT },	  { "proc.pid", VG_V_UINT },
		{ "fd.sip", VG_V_IPADDR },	  { "fd.cip", VG_V_IPADDR },
		{ "fd.snet", VG_V_IPNET },	  { "evt.is_open_write", VG_V_BOOL },
		{ "evt.is_open_read", VG_V_BOOL }, { "evt.is_open_exec", VG_V_BOOL },
		{ "fd.connected", VG_V_BOOL },	  { "fd.name_changed", VG_V_BOOL },
		{ "container.privileged", VG_V_BOOL },
		{ "proc.is_exe_from_memfd", VG_V_BOOL },
		{ "proc.is_exe_upper_layer", VG_V_BOOL },
		{ "proc.is_vpgid_leader", VG_V_BOOL },
	};

	(void)ctx;
	(void)arg;
	(void)err;
	(void)errlen;
	ref->type = VG_V_STR;
	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++)
		if (!strcmp(typed[i].name, name))
			ref->type = typed[i].type;
	ref->id = (int)strlen(name);
	return 0;
}

static bool no_value(void *ctx, const struct vg_field_ref *ref, struct vg_value *out)
{
	(void)ctx;
	(void)ref;
	(void)out;
	return false;
}

/* Rules, macros and lists of a Falco rules file, read with libyaml. */
struct rules_file {
	yaml_document_t doc;
	const char **macros; /* name, condition..., NULL */
	struct named_list *lists;
	size_t nlists, nmacros;
	const char **rules; /* name, condition */
	size_t nrules;
};

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool read_rules(const char *path, struct rules_file *rf)
{
	yaml_parser_t parser;
	yaml_node_t *root;
	FILE *fp = fopen(path, "r");
	bool ok;

	memset(rf, 0, sizeof(*rf));
	if (!fp)
		return false;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	ok = yaml_parser_load(&parser, &rf->doc);
	yaml_parser_delete(&parser);
	fclose(fp);
	if (!ok)
		return false;
	root = yaml_document_get_root_node(&rf->doc);
	if (!root || root->type != YAML_SEQUENCE_NODE)
		return false;
	size_t cap = (size_t)(root->data.sequence.items.top - root->data.sequence.items.start);

	rf->macros = calloc(2 * cap + 1, sizeof(*rf->macros));
	rf->lists = calloc(cap, sizeof(*rf->lists));
	rf->rules = calloc(2 * cap, sizeof(*rf->rules));
	for (yaml_node_item_t *it = root->data.sequence.items.start;
	     it < root->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(&rf->doc, *it);
		const char *kind = NULL, *name = NULL, *cond = NULL;
		yaml_node_t *items = NULL;

		if (!m || m->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *pr = m->data.mapping.pairs.start;
		     pr < m->data.mapping.pairs.top; pr++) {
			const char *key = scalar(yaml_document_get_node(&rf->doc, pr->key));
			yaml_node_t *v = yaml_document_get_node(&rf->doc, pr->value);

			if (!key)
				continue;
			if (!strcmp(key, "macro") || !strcmp(key, "list") || !strcmp(key, "rule")) {
				kind = key;
				name = scalar(v);
			} else if (!strcmp(key, "condition")) {
				cond = scalar(v);
			} else if (!strcmp(key, "items")) {
				items = v;
			}
		}
		if (!kind || !name)
			continue;
		if (!strcmp(kind, "macro") && cond) {
			rf->macros[2 * rf->nmacros] = name;
			rf->macros[2 * rf->nmacros + 1] = cond;
			rf->nmacros++;
		} else if (!strcmp(kind, "rule") && cond) {
			rf->rules[2 * rf->nrules] = name;
			rf->rules[2 * rf->nrules + 1] = cond;
			rf->nrules++;
		} else if (!strcmp(kind, "list") && items && items->type == YAML_SEQUENCE_NODE) {
			size_t n = (size_t)(items->data.sequence.items.top -
					    items->data.sequence.items.start);
			const char **v = calloc(n ? n : 1, sizeof(*v));
			size_t k = 0;

			for (yaml_node_item_t *i = items->data.sequence.items.start;
			     i < items->data.sequence.items.top; i++) {
				const char *s = scalar(yaml_document_get_node(&rf->doc, *i));

				if (s)
					v[k++] = s;
			}
			rf->lists[rf->nlists].name = name;
			rf->lists[rf->nlists].l.items = v;
			rf->lists[rf->nlists].l.count = k;
			rf->nlists++;
		}
	}
	return true;
}

static void free_rules(struct rules_file *rf)
{
	for (size_t i = 0; i < rf->nlists; i++)
		free((void *)rf->lists[i].l.items);
	free(rf->lists);
	free(rf->macros);
	free(rf->rules);
	yaml_document_delete(&rf->doc);
}

static int compile_all(const char *path, size_t *nrules)
{
	struct rules_file rf;
	struct vg_cond_err err;
	struct vg_cond_env env = { .macro = env_macro, .list = env_list, .resolve = any_resolve };
	struct defs d;
	bool types[NTYPES];
	int failures = 0;

	if (!read_rules(path, &rf)) {
		free_rules(&rf);
		return -1;
	}
	d.macros = rf.macros;
	d.lists = rf.lists;
	d.nlists = rf.nlists;
	env.ctx = &d;
	for (size_t i = 0; i < rf.nmacros + rf.nrules; i++) {
		const char *const *pair = i < rf.nmacros ? &rf.macros[2 * i]
							 : &rf.rules[2 * (i - rf.nmacros)];
		struct vg_cond *c = vg_cond__compile(pair[1], &env, &err);

		if (!c) {
			fprintf(stderr, "  %s: %s '%s': %s\n", path,
				i < rf.nmacros ? "macro" : "rule", pair[0], err.msg);
			failures++;
			continue;
		}
		/* evaluating with no values at all must be fine too */
		vg_cond__eval(c, no_value, NULL);
		if (vg_cond__event_types(c, types, NTYPES, type_of, NULL) < -1)
			failures++;
		vg_cond__free(c);
	}
	*nrules = rf.nrules;
	free_rules(&rf);
	return failures;
}

TEST(cond_falco_rules)
{
	const char *path = "/work/shared/falco-rules/falco_rules.yaml";
	size_t nrules = 0;
	int failures = compile_all(path, &nrules);

	if (failures < 0) {
		test__skip("cannot read %s", path);
		return;
	}
	ASSERT_EQ(failures, 0, "conditions that do not compile");
	ASSERT_GE(nrules, 20, "rules read");
}

/* The incubating and sandbox rules use more operators (pmatch, bcontains,
 * intersects, len()); each condition that names only known macros and lists
 * must compile.
 */
TEST(cond_falco_rules_more)
{
	const char *paths[] = { "/work/shared/falco-rules/falco-incubating_rules.yaml",
				"/work/shared/falco-rules/falco-sandbox_rules.yaml" };

	for (size_t i = 0; i < 2; i++) {
		size_t nrules = 0;
		int failures = compile_all(paths[i], &nrules);

		if (failures < 0) {
			test__skip("cannot read %s", paths[i]);
			return;
		}
		ASSERT_EQ(failures, 0, paths[i]);
	}
}

/* A rule as the real file has it, with its macros, evaluated on an event. */
TEST(cond_falco_rule_eval)
{
	const char *macros[] = {
		"spawned_process", "(evt.type in (execve, execveat))",
		"container", "(proc.aname[1] exists)",
		"shell_procs", "(proc.name in (shell_binaries))",
		"user_known_shell", "(never_true)",
		"never_true", "(proc.pid=0)",
		NULL,
	};
	struct defs d = { macros, std_lists, sizeof(std_lists) / sizeof(std_lists[0]) };
	const char *rule = "spawned_process\n"
			   "and container\n"
			   "and shell_procs\n"
			   "and proc.pname exists\n"
			   "and not proc.pname in (shell_binaries, runc:[0:PARENT])\n"
			   "and not user_known_shell\n";
	struct ev e = { .v = { [F_TYPE] = "execve", [F_NAME] = "sh", [F_PNAME] = "node",
			       [F_PID] = "7" },
			.aname = { "sh", "node" } };
	struct vg_cond_err err;
	struct vg_cond *c = compile_with(&d, rule, &err);
	bool types[NTYPES];

	if (!ASSERT_NONNULL(c, err.msg))
		return;
	ASSERT_TRUE(vg_cond__eval(c, fake_get, &e), "shell under node");
	e.v[F_PNAME] = "bash";
	ASSERT_FALSE(vg_cond__eval(c, fake_get, &e), "shell under a shell");
	e.v[F_PNAME] = "node";
	e.v[F_TYPE] = "open";
	ASSERT_FALSE(vg_cond__eval(c, fake_get, &e), "not an exec");
	ASSERT_EQ(vg_cond__event_types(c, types, NTYPES, type_of, NULL), 2, "types");
	ASSERT_TRUE(types[3] && types[4], "execve, execveat");
	vg_cond__free(c);
}

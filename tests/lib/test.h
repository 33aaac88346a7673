/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-repo test harness, in the shape of the kernel's test_progs.h:
 * ASSERT_* macros log what differed and return false; a test is a function
 * registered with TEST(); tests/run.sh adds up every binary's
 * "PASS name" / "FAIL name" / "SKIP name: reason" lines.
 */
#ifndef VIGIL_TEST_H
#define VIGIL_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

/* Set by a test to end it early as skipped, with a reason. */
void test__skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test__fail(void);
bool test__failed(void);

#define TEST(name)                                                          \
	static void test_##name(void);                                      \
	static const struct test_case __test_##name                         \
		__attribute__((used, section("vigil_tests"), aligned(8))) = { \
			#name, test_##name };                               \
	static void test_##name(void)

#define ASSERT_TRUE(cond, what)                                                        \
	({                                                                             \
		bool ___ok = (cond);                                                   \
		if (!___ok) {                                                          \
			fprintf(stderr, "  %s:%d: %s: expected true\n", __FILE__, __LINE__, \
				what);                                                 \
			test__fail();                                                  \
		}                                                                      \
		___ok;                                                                 \
	})
#define ASSERT_FALSE(cond, what) ASSERT_TRUE(!(cond), what)

#define ASSERT_EQ(actual, expected, what)                                                 \
	({                                                                                \
		long long ___a = (long long)(actual), ___e = (long long)(expected);      \
		bool ___ok = ___a == ___e;                                                \
		if (!___ok) {                                                             \
			fprintf(stderr, "  %s:%d: %s: got %lld, expected %lld\n", __FILE__, \
				__LINE__, what, ___a, ___e);                              \
			test__fail();                                                     \
		}                                                                         \
		___ok;                                                                    \
	})
#define ASSERT_NEQ(actual, unexpected, what)                                           \
	({                                                                             \
		long long ___a = (long long)(actual), ___e = (long long)(unexpected); \
		bool ___ok = ___a != ___e;                                             \
		if (!___ok) {                                                          \
			fprintf(stderr, "  %s:%d: %s: got %lld\n", __FILE__, __LINE__, \
				what, ___a);                                           \
			test__fail();                                                  \
		}                                                                      \
		___ok;                                                                 \
	})
#define ASSERT_GE(actual, bound, what)                                                 \
	({                                                                             \
		long long ___a = (long long)(actual), ___b = (long long)(bound);      \
		bool ___ok = ___a >= ___b;                                             \
		if (!___ok) {                                                          \
			fprintf(stderr, "  %s:%d: %s: got %lld, expected >= %lld\n",   \
				__FILE__, __LINE__, what, ___a, ___b);                 \
			test__fail();                                                  \
		}                                                                      \
		___ok;                                                                 \
	})
#define ASSERT_STREQ(actual, expected, what)                                             \
	({                                                                               \
		const char *___a = (actual), *___e = (expected);                         \
		bool ___ok = ___a && ___e && !strcmp(___a, ___e);                        \
		if (!___ok) {                                                            \
			fprintf(stderr, "  %s:%d: %s: got \"%s\", expected \"%s\"\n",   \
				__FILE__, __LINE__, what, ___a ? ___a : "(null)", ___e); \
			test__fail();                                                    \
		}                                                                        \
		___ok;                                                                   \
	})
/* A counted string (not NUL-terminated) against a C string. */
#define ASSERT_MEMEQ(ptr, len, expected, what)                                           \
	({                                                                               \
		const char *___p = (const char *)(ptr), *___e = (expected);              \
		size_t ___n = (len);                                                     \
		bool ___ok = ___p && ___n == strlen(___e) && !memcmp(___p, ___e, ___n);  \
		if (!___ok) {                                                            \
			fprintf(stderr, "  %s:%d: %s: got \"%.*s\", expected \"%s\"\n", \
				__FILE__, __LINE__, what, ___p ? (int)___n : 6,          \
				___p ? ___p : "(null)", ___e);                           \
			test__fail();                                                    \
		}                                                                        \
		___ok;                                                                   \
	})
#define ASSERT_OK(err, what) ASSERT_EQ(err, 0, what)
#define ASSERT_NONNULL(ptr, what) ASSERT_TRUE((ptr) != NULL, what)

#endif /* VIGIL_TEST_H */

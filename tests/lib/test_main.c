// SPDX-License-Identifier: Apache-2.0
/*
 * main() of every test binary: runs the TEST() functions linked in (all, or
 * those named on the command line) and prints one line per test.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "test.h"

extern const struct test_case __start_vigil_tests[], __stop_vigil_tests[];

static bool failed, skipped;
static char skip_reason[256];

void test__fail(void)
{
	failed = true;
}

bool test__failed(void)
{
	return failed;
}

void test__skip(const char *fmt, ...)
{
	va_list ap;

	skipped = true;
	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int npass = 0, nfail = 0, nskip = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct test_case *t = __start_vigil_tests; t < __stop_vigil_tests; t++) {
		if (!selected(t->name, argc, argv))
			continue;
		failed = skipped = false;
		t->fn();
		fflush(stderr);
		if (failed) {
			printf("FAIL %s\n", t->name);
			nfail++;
		} else if (skipped) {
			printf("SKIP %s: %s\n", t->name, skip_reason);
			nskip++;
		} else {
			printf("PASS %s\n", t->name);
			npass++;
		}
	}
	printf("# %s: %d passed, %d failed, %d skipped\n", argv[0], npass, nfail, nskip);
	return nfail ? 1 : 0;
}

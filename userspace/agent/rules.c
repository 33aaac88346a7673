// SPDX-License-Identifier: Apache-2.0
/*
 * vigil rules: what the rules engine understands. `vigil rules fields`
 * lists every field a condition or an output template may use.
 */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "../rules/fields.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigil rules fields\n"
		"\n"
		"  fields   list the fields conditions and outputs can use, with their types\n");
}

static int list_fields(void)
{
	static const char *const types[] = { "none", "string", "int", "uint", "bool", "ipaddr",
					     "ipnet" };
	const struct vg_field_info *f;
	size_t n;

	f = vg_fields(&n);
	for (size_t i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s%s", f[i].name,
			 f[i].arg == VG_FA_INDEX ? "[N]" : f[i].arg == VG_FA_NAME ? ".NAME" : "");
		printf("%-28s %-7s %s\n", name, types[f[i].type], f[i].desc);
	}
	return 0;
}

int cmd_rules(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "fields"))
		return list_fields();
	fprintf(stderr, "vigil rules: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}

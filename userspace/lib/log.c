// SPDX-License-Identifier: Apache-2.0
/* Log lines go to stderr, prefixed "vigil: <level>: ". */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

int vg_log_level = VG_LOG_WARN;

void vg_log_write(int level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	va_list ap;

	fprintf(stderr, "vigil: %s: ", names[level & 3]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

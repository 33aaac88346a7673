/* SPDX-License-Identifier: Apache-2.0 */
/* Finding a command on PATH, as a shell does, before it is started. */
#ifndef VIGIL_EXEC_H
#define VIGIL_EXEC_H

#include <stddef.h>

/* Resolve name to an executable file: as is when it holds a '/', else the
 * first PATH entry (a default PATH when unset) holding an executable regular
 * file. Returns 0, -ENOENT, -EACCES (found but not executable) or
 * -ENAMETOOLONG.
 */
int vg_find_program(const char *name, char *out, size_t size);

#endif /* VIGIL_EXEC_H */

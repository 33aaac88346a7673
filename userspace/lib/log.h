/* SPDX-License-Identifier: Apache-2.0 */
/* One small logger: the level is checked before anything is formatted. */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

enum vg_log_level { VG_LOG_ERROR, VG_LOG_WARN, VG_LOG_INFO, VG_LOG_DEBUG };

extern int vg_log_level;

void vg_log_write(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define vg_log(level, ...)                           \
	do {                                         \
		if ((level) <= vg_log_level)         \
			vg_log_write(level, __VA_ARGS__); \
	} while (0)
#define log_error(...) vg_log(VG_LOG_ERROR, __VA_ARGS__)
#define log_warn(...) vg_log(VG_LOG_WARN, __VA_ARGS__)
#define log_info(...) vg_log(VG_LOG_INFO, __VA_ARGS__)
#define log_debug(...) vg_log(VG_LOG_DEBUG, __VA_ARGS__)

#endif /* VIGIL_LOG_H */

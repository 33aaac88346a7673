/* SPDX-License-Identifier: Apache-2.0 */
/* A growable string for building output lines; always NUL-terminated. */
#ifndef VIGIL_STRBUF_H
#define VIGIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *p;
	size_t len;
	size_t cap;
	bool oom; /* an append failed: the content is cut, never corrupt */
};

void strbuf_reset(struct strbuf *b);
void strbuf_free(struct strbuf *b);
void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s (n bytes) as a JSON string, quotes included; invalid UTF-8 as \u00XX. */
void strbuf_json_str(struct strbuf *b, const char *s, size_t n);
/* s (n bytes) for a text line: control bytes and '\\' escaped C-style. */
void strbuf_text_str(struct strbuf *b, const char *s, size_t n);

#endif /* VIGIL_STRBUF_H */

// SPDX-License-Identifier: Apache-2.0
/* Growable strings and the two escapings output lines need. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static bool grow(struct strbuf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->oom)
		return false;
	if (b->len + need + 1 <= b->cap)
		return true;
	while (cap < b->len + need + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void strbuf_reset(struct strbuf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->p)
		b->p[0] = '\0';
}

void strbuf_free(struct strbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void strbuf_puts(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(b, n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void strbuf_json_str(struct strbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	strbuf_add(b, "\"", 1);
	while (i < n) {
		size_t run = 0, seq;

		/* copy plain runs at once */
		while (i + run < n && u[i + run] >= 0x20 && u[i + run] < 0x80 && u[i + run] != '"' &&
		       u[i + run] != '\\')
			run++;
		if (run) {
			strbuf_add(b, s + i, run);
			i += run;
			continue;
		}
		switch (u[i]) {
		case '"':
			strbuf_add(b, "\\\"", 2);
			i++;
			continue;
		case '\\':
			strbuf_add(b, "\\\\", 2);
			i++;
			continue;
		case '\n':
			strbuf_add(b, "\\n", 2);
			i++;
			continue;
		case '\t':
			strbuf_add(b, "\\t", 2);
			i++;
			continue;
		}
		seq = u[i] >= 0x80 ? utf8_seq(u + i, n - i) : 0;
		if (seq) {
			strbuf_add(b, s + i, seq);
			i += seq;
		} else {
			strbuf_addf(b, "\\u%04x", u[i]);
			i++;
		}
	}
	strbuf_add(b, "\"", 1);
}

void strbuf_text_str(struct strbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '\\')
			strbuf_add(b, "\\\\", 2);
		else if (c == '\n')
			strbuf_add(b, "\\n", 2);
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(b, "\\x%02x", c);
		else
			strbuf_add(b, s + i, 1);
	}
}

// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the rules file loader: any bytes must load or be
 * refused with a NUL-terminated message, never read out of bounds or leak.
 * The input is loaded twice into one document (so the second load redefines,
 * appends to and overrides what the first defined), then everything loaded is
 * walked: names found again by lookup, conditions and their anchors, the
 * exceptions' condition text and the mapping of each of its bytes back to a
 * file position.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userspace/rules/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The offset to check after off in a text of len bytes: each one of a short
 * text, about 64 spread over a long one, always the end; len + 1 when done.
 */
static size_t next_off(size_t off, size_t len)
{
	size_t step = len < 128 ? 1 : len / 64;

	if (off == len)
		return len + 1;
	return off + step > len ? len : off + step;
}

static void check_err(const char *err, size_t errlen)
{
	if (strnlen(err, errlen) == errlen)
		abort();
}

static void check_pos(const struct vg_rules_pos *pos)
{
	if (!pos->file || !pos->line || !pos->col)
		abort();
}

static void check_cond(const struct vg_rules_cond *c)
{
	struct vg_rules_pos pos;

	if (!c->text || strlen(c->text) != c->len || !c->nanchors || c->anchors[0].off)
		abort();
	for (uint32_t i = 1; i < c->nanchors; i++)
		if (c->anchors[i].off < c->anchors[i - 1].off || c->anchors[i].off > c->len)
			abort();
	for (size_t off = 0; off <= c->len; off = next_off(off, c->len)) {
		if (vg_rules_cond__locate(c, off, &pos))
			abort();
		check_pos(&pos);
	}
	if (vg_rules_cond__locate(c, c->len + 1, &pos) != -ERANGE)
		abort();
}

static void check_rule(const struct vg_rules_doc *d, const struct vg_rules_rule *r)
{
	struct vg_rules_pos pos;
	char *text, *ex;
	size_t len, exlen;

	if (vg_rules_doc__find_rule(d, r->name) != r || !vg_rules_priority__name(r->priority))
		abort();
	check_cond(&r->cond);
	check_pos(&r->pos);
	check_pos(&r->output_pos);
	if (!r->desc || !r->output || !r->source)
		abort();
	for (uint32_t i = 0; i < r->nexceptions; i++) {
		const struct vg_rules_exception *e = &r->exceptions[i];

		if (!e->nfields || !e->comps || (!e->fields_is_list && e->nfields != 1))
			abort();
		for (uint32_t k = 0; k < e->nvalues; k++)
			if (e->values[k].nvals != e->nfields)
				abort();
	}
	if (vg_rules_rule__condition_text(r, &text, &len))
		return;
	if (strlen(text) != len)
		abort();
	if (!vg_rules_rule__exceptions_text(r, &ex, &exlen)) {
		/* the condition, in parentheses when there are exceptions, then them */
		if (exlen > len || strcmp(text + len - exlen, ex))
			abort();
		free(ex);
	}
	for (size_t off = 0; off <= len; off = next_off(off, len)) {
		int err = vg_rules_rule__locate(r, off, &pos);

		if (err == -ENOMEM)
			break;
		if (err)
			abort();
		check_pos(&pos);
	}
	if (vg_rules_rule__locate(r, len + 1, &pos) != -ERANGE)
		abort();
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_rules_doc *d = vg_rules_doc__new();
	char err[160];
	size_t i;

	if (!d)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		vg_rules_doc__load_buffer(d, pass ? "b.yaml" : "a.yaml", (const char *)data, size,
					  err, sizeof(err));
		check_err(err, sizeof(err));
	}
	for (i = 0; i < vg_rules_doc__nlists(d); i++) {
		const struct vg_rules_list *l = vg_rules_doc__list(d, i);

		if (vg_rules_doc__find_list(d, l->name) != l)
			abort();
		for (uint32_t k = 0; k < l->nitems; k++)
			if (!l->items[k])
				abort();
	}
	for (i = 0; i < vg_rules_doc__nmacros(d); i++) {
		const struct vg_rules_macro *m = vg_rules_doc__macro(d, i);

		if (vg_rules_doc__find_macro(d, m->name) != m)
			abort();
		check_cond(&m->cond);
	}
	for (i = 0; i < vg_rules_doc__nrules(d); i++)
		check_rule(d, vg_rules_doc__rule(d, i));
	for (i = 0; i < vg_rules_doc__nwarnings(d); i++)
		if (!vg_rules_doc__warning(d, i)->msg)
			abort();
	vg_rules_doc__free(d);
	return 0;
}

// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the ring buffer record decoder and the event
 * formatters behind it: any bytes must decode or be refused, never read
 * out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userspace/events/decode.h"
#include "userspace/events/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct strbuf line;
	struct vg_event ev;
	const char *why;
	/* a copy of exactly size bytes, so ASan sees any read past the end */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (vg_decode(copy, size, 0, &ev, &why) == 0) {
		strbuf_reset(&line);
		vg_format_text(&line, &ev, NULL);
		strbuf_reset(&line);
		vg_format_json(&line, &ev, NULL);
	}
	free(copy);
	return 0;
}

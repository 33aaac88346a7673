// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for what the container module takes from outside: the
 * bytes of an HTTP response from the ECS metadata endpoint (its body then
 * read as the container JSON and the task JSON, as vg_ecs_fetch does), the
 * same bytes as JSON directly, as a /proc/PID/cgroup file, and as an image
 * reference. Any input must parse or be refused, never read out of bounds,
 * and leave every string field NUL-terminated within its size.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userspace/state/container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every field must end within its array; strnlen past it would be caught by ASan. */
static void check_terminated(const struct vg_container *c)
{
	if (strnlen(c->id, sizeof(c->id)) == sizeof(c->id) ||
	    strnlen(c->full_id, sizeof(c->full_id)) == sizeof(c->full_id) ||
	    strnlen(c->name, sizeof(c->name)) == sizeof(c->name) ||
	    strnlen(c->image, sizeof(c->image)) == sizeof(c->image) ||
	    strnlen(c->image_repository, sizeof(c->image_repository)) ==
		    sizeof(c->image_repository) ||
	    strnlen(c->image_tag, sizeof(c->image_tag)) == sizeof(c->image_tag) ||
	    strnlen(c->image_digest, sizeof(c->image_digest)) == sizeof(c->image_digest) ||
	    strnlen(c->runtime, sizeof(c->runtime)) == sizeof(c->runtime) ||
	    strnlen(c->task_arn, sizeof(c->task_arn)) == sizeof(c->task_arn) ||
	    strnlen(c->cluster, sizeof(c->cluster)) == sizeof(c->cluster) ||
	    strnlen(c->launch_type, sizeof(c->launch_type)) == sizeof(c->launch_type) ||
	    strnlen(c->family, sizeof(c->family)) == sizeof(c->family) ||
	    strnlen(c->revision, sizeof(c->revision)) == sizeof(c->revision) ||
	    strnlen(c->zone, sizeof(c->zone)) == sizeof(c->zone) ||
	    strnlen(c->source, sizeof(c->source)) == sizeof(c->source))
		abort();
}

static void check_err(const char *err, size_t errlen)
{
	if (strnlen(err, errlen) == errlen)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_http_response r;
	struct vg_container c;
	char err[256], repo[64], tag[16], digest[32];
	/* exactly size bytes (the HTTP parser decodes chunks in place), and a
	 * NUL-terminated copy for the text interfaces
	 */
	char *copy = malloc(size ? size : 1), *text = malloc(size + 1);

	if (!copy || !text)
		goto out;
	memcpy(copy, data, size);
	memcpy(text, data, size);
	text[size] = '\0';

	memset(&c, 0, sizeof(c));
	if (vg_http_parse(copy, size, &r, err, sizeof(err)) == 0) {
		if (r.body < copy || r.body_len > size || r.body + r.body_len > copy + size)
			abort();
		if (r.status == 200) {
			vg_ecs_parse_container(r.body, r.body_len, &c, err, sizeof(err));
			check_err(err, sizeof(err));
			vg_ecs_parse_task(r.body, r.body_len, &c, err, sizeof(err));
			check_err(err, sizeof(err));
			check_terminated(&c);
		}
	}
	check_err(err, sizeof(err));

	memset(&c, 0, sizeof(c));
	vg_ecs_parse_container((const char *)data, size, &c, err, sizeof(err));
	check_err(err, sizeof(err));
	check_terminated(&c);
	vg_ecs_parse_task((const char *)data, size, &c, err, sizeof(err));
	check_err(err, sizeof(err));
	check_terminated(&c);

	if (vg_container_from_cgroup(text, &c) == 0 && !c.full_id[0])
		abort();
	check_terminated(&c);

	/* small outputs, to exercise every cut */
	vg_image_split(text, repo, sizeof(repo), tag, sizeof(tag), digest, sizeof(digest));
	if (strnlen(repo, sizeof(repo)) == sizeof(repo) ||
	    strnlen(tag, sizeof(tag)) == sizeof(tag) ||
	    strnlen(digest, sizeof(digest)) == sizeof(digest))
		abort();
out:
	free(copy);
	free(text);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container identity of the workload vigil watches: id, name, image and,
 * on ECS, the task around it. Sources are tried in the order the Sysdig
 * serverless agent uses, the first that answers wins:
 *
 *   1. the ECS task metadata endpoint v4 (env ECS_CONTAINER_METADATA_URI_V4),
 *   2. the cgroup path of the process (/proc/PID/cgroup),
 *   3. env VIGIL_CONTAINER_ID (with VIGIL_CONTAINER_NAME, VIGIL_CONTAINER_IMAGE),
 *   4. otherwise the host: id "host", name "host".
 *
 * Field names follow Falco's container.* fields. No libcurl: the endpoint is
 * plain HTTP on a link-local address, so a small HTTP/1.1 client lives here.
 */
#ifndef VIGIL_CONTAINER_H
#define VIGIL_CONTAINER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Default for the whole ECS exchange (connect, both requests, replies). */
#define VG_ECS_TIMEOUT_MS 2000
/* Largest HTTP response taken, status line and headers included: a task
 * with ten containers is ~20 KiB of JSON, so this leaves a wide margin.
 */
#define VG_ECS_RESPONSE_MAX (256 * 1024)
/* Longest ECS_CONTAINER_METADATA_URI_V4 taken (the real one is ~60 bytes). */
#define VG_ECS_URI_MAX 2048
/* Largest /proc/PID/cgroup read: v1 has one line per hierarchy (~15). */
#define VG_CGROUP_FILE_MAX (64 * 1024)
/* Length of the short id of a 64-hex id, as Falco's container.id. */
#define VG_CONTAINER_SHORT_ID 12

/*
 * Every string is NUL-terminated; a longer value is cut at the field's size.
 * An unknown value is "".
 */
struct vg_container {
	char id[80];	  /* the first 12 chars of a 64-hex id, else the whole id */
	char full_id[80]; /* as found: 64 hex, Fargate's "<task>-<n>", or "host" */
	char name[256];
	char image[512];	    /* as given, e.g. "nginx:1.25" */
	char image_repository[512]; /* "nginx" */
	char image_tag[128];	    /* "1.25"; "latest" when the image has none */
	char image_digest[160];	    /* "sha256:..." */
	char runtime[16];	    /* cgroup source: docker, containerd, cri-o, podman, cri */
	char task_arn[256];	    /* ECS only, from here on */
	char cluster[256];
	char launch_type[32]; /* FARGATE, EC2, EXTERNAL */
	char family[256];
	char revision[16];
	char zone[64];	   /* availability zone */
	uint64_t start_ns; /* StartedAt, ns since the epoch; 0 unknown */
	char source[8];	   /* "ecs", "cgroup", "env", "host" */
};

/*
 * Fill c from the first source that answers (see above); pid is the process
 * whose cgroup is read, 0 for the caller. Always returns 0 with c filled;
 * when a source was there but failed (an endpoint that timed out, an
 * unreadable cgroup file) err holds "what: why" of it and the source used,
 * else err is "".
 */
int vg_container_detect(struct vg_container *c, pid_t pid, char *err, size_t errlen);

/*
 * Recognise the container in the text of a /proc/PID/cgroup file (v1 and v2
 * lines; the first line naming one wins). c is cleared, then on 0 holds id,
 * full_id, runtime and source "cgroup"; -ENOENT when no line names a
 * container (the host, or garbage).
 */
int vg_container_from_cgroup(const char *text, struct vg_container *c);

/*
 * The same over procfs/PID/cgroup (procfs "/proc" unless testing; pid 0 is
 * "self"). Returns 0, -ENOENT as above, -ESRCH when the file is missing,
 * -EFBIG past VG_CGROUP_FILE_MAX, or -errno of the read; err says which.
 */
int vg_container_from_pid(const char *procfs, pid_t pid, struct vg_container *c, char *err,
			  size_t errlen);

/*
 * Query the ECS task metadata endpoint v4 at uri (http:// only): GET uri for
 * the container, GET uri/task for the task, both within timeout_ms
 * (<= 0: VG_ECS_TIMEOUT_MS). Returns 0 when the container answered with its
 * DockerId; err may then still hold a warning (a missing key, the task
 * request failing: its fields then come from the container's labels).
 * Otherwise a negative errno, with err set: -EINVAL bad uri, -ENAMETOOLONG,
 * -ETIMEDOUT, -ECONNREFUSED..., -EFBIG response over VG_ECS_RESPONSE_MAX,
 * -EPROTO bad HTTP, -EIO HTTP status not 200, -EBADMSG bad JSON.
 */
int vg_ecs_fetch(const char *uri, struct vg_container *c, int timeout_ms, char *err,
		 size_t errlen);

/*
 * Fill c from the JSON of GET ${ECS_CONTAINER_METADATA_URI_V4} (container)
 * or of GET .../task (task); other fields of c are left as they are, so the
 * task's values override the container's labels. Keys that are there and
 * well-typed are copied even when others are not. Returns 0 when every
 * expected key was found; -EBADMSG (nothing copied) when json is not one JSON
 * object; else the errno of the first problem, -ENOENT for a missing key or
 * -EINVAL for a wrong type, with err naming every problem, e.g.
 * "ecs container: \"Image\" is missing; \"Name\" is int, not a string".
 * The container's DockerId, Name, Image, ImageID and StartedAt and the task's
 * Cluster, TaskARN, Family and Revision are expected; LaunchType and
 * AvailabilityZone are optional (older agents, EC2 do not send them).
 */
int vg_ecs_parse_container(const char *json, size_t len, struct vg_container *c, char *err,
			   size_t errlen);
int vg_ecs_parse_task(const char *json, size_t len, struct vg_container *c, char *err,
		      size_t errlen);

/* A parsed HTTP response; body points into the buffer given to the parser. */
struct vg_http_response {
	int status;
	const char *body;
	size_t body_len;
};

/*
 * Parse a complete HTTP/1.x response of len bytes (the peer has closed):
 * status line, headers, then a body framed by Content-Length, chunked
 * transfer coding (decoded in place in buf) or the end of the data.
 * Returns 0, -EPROTO with err saying what is wrong or truncated, or -EINVAL
 * for a NULL buf or r.
 */
int vg_http_parse(char *buf, size_t len, struct vg_http_response *r, char *err, size_t errlen);

/*
 * Split an image reference as Falco's container.image.repository / .tag /
 * .digest: "nginx:1.25" -> "nginx", "1.25"; "registry:5000/a/b@sha256:x" ->
 * "registry:5000/a/b", tag "latest", digest "sha256:x"; no tag -> "latest".
 * An empty image gives three empty strings. Outputs are cut at their sizes.
 */
void vg_image_split(const char *image, char *repo, size_t repo_size, char *tag, size_t tag_size,
		    char *digest, size_t digest_size);

#endif /* VIGIL_CONTAINER_H */

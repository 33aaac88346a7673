// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the container identity: cgroup paths of each runtime (v1 and
 * v2 lines, garbage), image splitting, the ECS JSON (fixtures in the
 * documented v4 format, missing keys, wrong types, every truncation), the
 * HTTP response parser, and the HTTP client against a real server: a forked
 * child listening on an ephemeral 127.0.0.1 port serves the fixtures, with
 * routes for chunked replies, errors, stalls and sizes at the limits. Every
 * named limit is tried at its edge. No root needed.
 */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/test.h"
#include "../../userspace/state/container.h"

#define ID64 "4c1e0f9a7b2d3e5f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f"
#define ID12 "4c1e0f9a7b2d"
#define CLUSTER "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"
#define TASK_ARN "arn:aws:ecs:eu-west-1:123456789012:task/prod/0f4b8e2a6c1d4e9b8a7f3c2d1e0b9a8f"
#define IMAGE "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:2.4.1"
#define IMAGE_ID "sha256:9d2c6b1e8f0a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e"
/* 2024-03-05T10:20:30.513250098Z */
#define STARTED_NS (1709634030ULL * 1000000000ULL + 513250098ULL)

/*
 * GET ${ECS_CONTAINER_METADATA_URI_V4}, in the layout of the AWS developer
 * guide's "task metadata v4 examples" (container metadata response).
 */
static const char container_json[] =
	"{\n"
	"    \"DockerId\": \"" ID64 "\",\n"
	"    \"Name\": \"web\",\n"
	"    \"DockerName\": \"ecs-shop-7-web-a8f0c2d4e6b8a0c2e401\",\n"
	"    \"Image\": \"" IMAGE "\",\n"
	"    \"ImageID\": \"" IMAGE_ID "\",\n"
	"    \"Labels\": {\n"
	"        \"com.amazonaws.ecs.cluster\": \"" CLUSTER "\",\n"
	"        \"com.amazonaws.ecs.container-name\": \"web\",\n"
	"        \"com.amazonaws.ecs.task-arn\": \"" TASK_ARN "\",\n"
	"        \"com.amazonaws.ecs.task-definition-family\": \"shop\",\n"
	"        \"com.amazonaws.ecs.task-definition-version\": \"7\"\n"
	"    },\n"
	"    \"DesiredStatus\": \"RUNNING\",\n"
	"    \"KnownStatus\": \"RUNNING\",\n"
	"    \"Limits\": { \"CPU\": 256, \"Memory\": 512 },\n"
	"    \"CreatedAt\": \"2024-03-05T10:20:29.104553377Z\",\n"
	"    \"StartedAt\": \"2024-03-05T10:20:30.513250098Z\",\n"
	"    \"Type\": \"NORMAL\",\n"
	"    \"LogDriver\": \"awslogs\",\n"
	"    \"LogOptions\": {\n"
	"        \"awslogs-group\": \"/ecs/shop\",\n"
	"        \"awslogs-region\": \"eu-west-1\",\n"
	"        \"awslogs-stream\": \"ecs/web/0f4b8e2a6c1d4e9b8a7f3c2d1e0b9a8f\"\n"
	"    },\n"
	"    \"ContainerARN\": \"arn:aws:ecs:eu-west-1:123456789012:container/prod/"
	"0f4b8e2a6c1d4e9b8a7f3c2d1e0b9a8f/5b1e2c3d-4a5b-6c7d-8e9f-0a1b2c3d4e5f\",\n"
	"    \"Networks\": [ {\n"
	"        \"NetworkMode\": \"awsvpc\",\n"
	"        \"IPv4Addresses\": [ \"10.0.1.23\" ],\n"
	"        \"AttachmentIndex\": 0,\n"
	"        \"MACAddress\": \"0a:1b:2c:3d:4e:5f\",\n"
	"        \"IPv4SubnetCIDRBlock\": \"10.0.1.0/24\",\n"
	"        \"PrivateDNSName\": \"ip-10-0-1-23.eu-west-1.compute.internal\",\n"
	"        \"SubnetGatewayIpv4Address\": \"10.0.1.1/24\"\n"
	"    } ]\n"
	"}";

/* GET ${ECS_CONTAINER_METADATA_URI_V4}/task of a Fargate task (v4 Fargate response). */
static const char task_json[] =
	"{\n"
	"  \"Cluster\": \"" CLUSTER "\",\n"
	"  \"TaskARN\": \"" TASK_ARN "\",\n"
	"  \"Family\": \"shop\",\n"
	"  \"Revision\": \"7\",\n"
	"  \"DesiredStatus\": \"RUNNING\",\n"
	"  \"KnownStatus\": \"RUNNING\",\n"
	"  \"Limits\": { \"CPU\": 0.25, \"Memory\": 512 },\n"
	"  \"PullStartedAt\": \"2024-03-05T10:20:21.301876712Z\",\n"
	"  \"PullStoppedAt\": \"2024-03-05T10:20:28.970146542Z\",\n"
	"  \"AvailabilityZone\": \"eu-west-1b\",\n"
	"  \"LaunchType\": \"FARGATE\",\n"
	"  \"Containers\": [ { \"DockerId\": \"" ID64 "\", \"Name\": \"web\" } ],\n"
	"  \"ClockDrift\": {\n"
	"    \"ClockErrorBound\": 0.5318,\n"
	"    \"ReferenceTimestamp\": \"2024-03-05T10:20:00Z\",\n"
	"    \"ClockSynchronizationStatus\": \"SYNCHRONIZED\"\n"
	"  },\n"
	"  \"EphemeralStorageMetrics\": { \"Utilized\": 261, \"Reserved\": 20496 }\n"
	"}";

/* On Fargate the DockerId is "<task id>-<number>", not 64 hex. */
static const char fargate_container_json[] =
	"{ \"DockerId\": \"0f4b8e2a6c1d4e9b8a7f3c2d1e0b9a8f-2531612879\", \"Name\": \"app\","
	" \"DockerName\": \"app\", \"Image\": \"nginx:1.25\", \"ImageID\": \"" IMAGE_ID "\","
	" \"Labels\": {}, \"StartedAt\": \"2024-03-05T12:20:30.5+02:00\", \"Type\": \"NORMAL\" }";

/* ---- helpers ---- */

static long long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000LL + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static bool contains(const char *haystack, const char *needle)
{
	bool ok = haystack && strstr(haystack, needle);

	if (!ok) {
		fprintf(stderr, "  \"%s\" lacks \"%s\"\n", haystack ? haystack : "(null)", needle);
		test__fail();
	}
	return ok;
}

/* A copy of text with the first occurrence of from replaced by to; free it. */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t n;
	char *out;

	if (!at)
		return NULL;
	n = strlen(text) - strlen(from) + strlen(to);
	out = malloc(n + 1);
	if (!out)
		return NULL;
	snprintf(out, n + 1, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

/* ---- image references ---- */

static bool split_is(const char *image, const char *repo, const char *tag, const char *digest)
{
	char r[512], t[128], d[160];
	bool ok = true;

	vg_image_split(image, r, sizeof(r), t, sizeof(t), d, sizeof(d));
	ok &= ASSERT_STREQ(r, repo, image ? image : "(null) repo");
	ok &= ASSERT_STREQ(t, tag, image ? image : "(null) tag");
	ok &= ASSERT_STREQ(d, digest, image ? image : "(null) digest");
	return ok;
}

TEST(image_split)
{
	split_is("nginx:1.25", "nginx", "1.25", "");
	split_is("nginx", "nginx", "latest", "");
	split_is("library/nginx", "library/nginx", "latest", "");
	split_is("registry:5000/a/b", "registry:5000/a/b", "latest", "");
	split_is("registry:5000/a/b:v2", "registry:5000/a/b", "v2", "");
	split_is("registry:5000/a/b@sha256:0123abcd", "registry:5000/a/b", "latest",
		 "sha256:0123abcd");
	split_is("docker.io/library/nginx:1.25@sha256:0123abcd", "docker.io/library/nginx", "1.25",
		 "sha256:0123abcd");
	split_is(IMAGE, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web", "2.4.1", "");
	split_is("[::1]:5000/img:tag", "[::1]:5000/img", "tag", "");
	split_is("nginx:", "nginx", "latest", "");
	split_is("", "", "", "");
	split_is(NULL, "", "", "");
}

TEST(image_split_cuts_at_sizes)
{
	char r[4], t[3], d[5];

	vg_image_split("nginx:1.25@sha256:abc", r, sizeof(r), t, sizeof(t), d, sizeof(d));
	ASSERT_STREQ(r, "ngi", "repo cut");
	ASSERT_STREQ(t, "1.", "tag cut");
	ASSERT_STREQ(d, "sha2", "digest cut");
	/* zero-sized outputs are left alone */
	vg_image_split("nginx:1.25", NULL, 0, t, sizeof(t), NULL, 0);
	ASSERT_STREQ(t, "1.", "tag with no repo buffer");
}

/* ---- cgroup paths ---- */

static bool cgroup_is(const char *text, const char *runtime)
{
	struct vg_container c;
	int rc = vg_container_from_cgroup(text, &c);
	bool ok;

	ok = ASSERT_OK(rc, text);
	ok = ok && ASSERT_STREQ(c.id, ID12, "short id") && ASSERT_STREQ(c.full_id, ID64, "full id");
	ok = ok && ASSERT_STREQ(c.runtime, runtime, text) && ASSERT_STREQ(c.source, "cgroup", text);
	return ok;
}

static bool cgroup_none(const char *text)
{
	struct vg_container c;

	memset(&c, 0x55, sizeof(c));
	if (!ASSERT_EQ(vg_container_from_cgroup(text, &c), -ENOENT, text))
		return false;
	return ASSERT_STREQ(c.id, "", "cleared id") && ASSERT_STREQ(c.source, "", "cleared source");
}

TEST(cgroup_docker)
{
	/* cgroup v1, cgroupfs driver: one line per hierarchy */
	cgroup_is("12:pids:/docker/" ID64 "\n"
		  "11:memory:/docker/" ID64 "\n"
		  "1:name=systemd:/docker/" ID64 "\n"
		  "0::/system.slice/containerd.service\n",
		  "docker");
	/* v2 with the systemd driver */
	cgroup_is("0::/system.slice/docker-" ID64 ".scope\n", "docker");
	/* systemd running inside the container */
	cgroup_is("1:name=systemd:/docker/" ID64 "/init.scope\n", "docker");
	/* docker in docker: the innermost container */
	cgroup_is("0::/docker/" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "/docker/" ID64 "\n",
		  "docker");
	/* no trailing newline */
	cgroup_is("0::/docker/" ID64, "docker");
}

TEST(cgroup_kubernetes_containerd)
{
	cgroup_is("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
		  "1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/cri-containerd-" ID64 ".scope\n",
		  "containerd");
	/* cgroupfs driver (v1): the bare id under the pod */
	cgroup_is("11:memory:/kubepods/besteffort/pod1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d/" ID64
		  "\n",
		  "cri");
	cgroup_is("0::/kubepods/pod1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d/" ID64 "\n", "cri");
	cgroup_is("0::/system.slice/nerdctl-" ID64 ".scope\n", "containerd");
}

TEST(cgroup_crio)
{
	cgroup_is("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
		  "1a2b3c4d_5e6f.slice/crio-" ID64 ".scope\n",
		  "cri-o");
	/* the conmon monitor's scope is not the container */
	cgroup_none("0::/kubepods.slice/kubepods-besteffort.slice/crio-conmon-" ID64 ".scope\n");
}

TEST(cgroup_podman)
{
	cgroup_is("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64
		  ".scope\n",
		  "podman");
	cgroup_is("0::/machine.slice/libpod-" ID64 ".scope/container\n", "podman");
	/* cgroupfs manager (v1) */
	cgroup_is("4:memory:/libpod_parent/libpod-" ID64 "\n", "podman");
	cgroup_none("0::/machine.slice/libpod-conmon-" ID64 ".scope\n");
}

TEST(cgroup_ecs_ec2)
{
	cgroup_is("9:perf_event:/ecs/0f4b8e2a6c1d4e9b8a7f3c2d1e0b9a8f/" ID64 "\n"
		  "8:memory:/ecs/0f4b8e2a6c1d4e9b8a7f3c2d1e0b9a8f/" ID64 "\n",
		  "docker");
	/* older agents: a UUID task id */
	cgroup_is("0::/ecs/5b1e2c3d-4a5b-6c7d-8e9f-0a1b2c3d4e5f/" ID64 "\n", "docker");
}

TEST(cgroup_host_and_garbage)
{
	cgroup_none("0::/\n");
	cgroup_none("0::/init.scope\n");
	cgroup_none("0::/user.slice/user-1000.slice/session-3.scope\n");
	cgroup_none("9:name=systemd:/\n"
		    "4:memory:/process_api/9c56e14a20d8cb228a97f3036937be99\n"
		    "0::/\n");
	cgroup_none("");
	cgroup_none("\n\n\n");
	cgroup_none("nonsense");
	cgroup_none("0:/docker/" ID64 "\n");			 /* one ':' only: not a line */
	cgroup_none("0::/docker/" ID64 "0\n");			 /* 65 hex */
	cgroup_none("0::/docker/4c1e0f9a7b2d3e5f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0\n");
	cgroup_none("0::/docker/"
		    "4C1E0F9A7B2D3E5F6A8B9C0D1E2F3A4B5C6D7E8F9A0B1C2D3E4F5A6B7C8D9E0F\n");
	cgroup_none("0::/docker/"
		    "4c1e0f9a7b2d3e5f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0g\n");
	cgroup_none("0::/user.slice/" ID64 "\n");		 /* a bare id, unknown parent */
	cgroup_none("0::/" ID64 "\n");				 /* a bare id at the top */
	cgroup_none("0::/ecs/" ID64 "x\n");
	cgroup_none("0::/system.slice/docker-" ID64 ".scopex\n");
	cgroup_none("0::/system.slice/docker-" ID64 ".slice\n");
	cgroup_none("0::/system.slice/docker-.scope\n");
	cgroup_none("0::/system.slice/docker.service\n");
	cgroup_none(":::::\n::\n0::\n0::////\n");
	ASSERT_EQ(vg_container_from_cgroup(NULL, &(struct vg_container){ 0 }), -EINVAL, "NULL");
}

/* ---- /proc/PID/cgroup ---- */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A fake procfs with <pid>/cgroup holding size bytes ending in a docker line. */
static bool fake_cgroup(const char *root, int pid, size_t size)
{
	static const char line[] = "0::/docker/" ID64 "\n";
	char path[PATH_MAX];
	FILE *fp;
	bool ok;

	snprintf(path, sizeof(path), "%s/%d", root, pid);
	if (mkdir(path, 0755) && errno != EEXIST)
		return false;
	snprintf(path, sizeof(path), "%s/%d/cgroup", root, pid);
	fp = fopen(path, "w");
	if (!fp)
		return false;
	/* filler v1 lines of the host's root cgroup, then the container's */
	for (size_t left = size - (sizeof(line) - 1); left;) {
		size_t n = left > 64 ? 64 : left;

		fprintf(fp, "%.*s\n", (int)n - 1,
			"7:blkio:/...............................................................");
		left -= n;
	}
	fputs(line, fp);
	ok = ftell(fp) == (long)size;
	return fclose(fp) == 0 && ok;
}

TEST(cgroup_file_limit)
{
	char root[] = "/tmp/vigil-test-procfs-XXXXXX", err[256];
	struct vg_container c;
	int rc;

	if (!ASSERT_NONNULL(mkdtemp(root), "mkdtemp"))
		return;
	if (ASSERT_TRUE(fake_cgroup(root, 100, VG_CGROUP_FILE_MAX), "file at the limit")) {
		rc = vg_container_from_pid(root, 100, &c, err, sizeof(err));
		ASSERT_OK(rc, err);
		ASSERT_STREQ(c.id, ID12, "id from a file at the limit");
		ASSERT_STREQ(err, "", "no error");
	}
	if (ASSERT_TRUE(fake_cgroup(root, 101, VG_CGROUP_FILE_MAX + 1), "file over the limit")) {
		rc = vg_container_from_pid(root, 101, &c, err, sizeof(err));
		ASSERT_EQ(rc, -EFBIG, "one byte over the limit");
		contains(err, "larger than 65536 bytes");
		ASSERT_STREQ(c.id, "", "nothing taken");
	}
	rc = vg_container_from_pid(root, 102, &c, err, sizeof(err));
	ASSERT_EQ(rc, -ESRCH, "missing process");
	contains(err, "/102/cgroup: No such file");
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TEST(cgroup_of_self)
{
	struct vg_container c;
	char err[256];
	int rc = vg_container_from_pid(NULL, 0, &c, err, sizeof(err));

	/* whatever this machine is: an answer, never a read error */
	ASSERT_TRUE(rc == 0 || rc == -ENOENT, err);
	if (!rc)
		ASSERT_STREQ(c.source, "cgroup", "source");
	rc = vg_container_from_pid("/proc", getpid(), &c, err, sizeof(err));
	ASSERT_TRUE(rc == 0 || rc == -ENOENT, err);
}

/* ---- ECS JSON ---- */

TEST(ecs_container_json)
{
	struct vg_container c = { 0 };
	char err[256];
	int rc = vg_ecs_parse_container(container_json, strlen(container_json), &c, err,
					sizeof(err));

	ASSERT_OK(rc, err);
	ASSERT_STREQ(err, "", "no error");
	ASSERT_STREQ(c.id, ID12, "id");
	ASSERT_STREQ(c.full_id, ID64, "full_id");
	ASSERT_STREQ(c.name, "web", "name");
	ASSERT_STREQ(c.image, IMAGE, "image");
	ASSERT_STREQ(c.image_repository, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web",
		     "repository");
	ASSERT_STREQ(c.image_tag, "2.4.1", "tag");
	ASSERT_STREQ(c.image_digest, IMAGE_ID, "digest");
	/* the task fields from the labels */
	ASSERT_STREQ(c.cluster, CLUSTER, "cluster");
	ASSERT_STREQ(c.task_arn, TASK_ARN, "task arn");
	ASSERT_STREQ(c.family, "shop", "family");
	ASSERT_STREQ(c.revision, "7", "revision");
	ASSERT_EQ(c.start_ns, STARTED_NS, "start ns");
	ASSERT_STREQ(c.source, "", "source is set by the fetch, not the parser");
}

TEST(ecs_task_json)
{
	struct vg_container c = { 0 };
	const char *json;
	char err[256];
	int rc = vg_ecs_parse_task(task_json, strlen(task_json), &c, err, sizeof(err));

	ASSERT_OK(rc, err);
	ASSERT_STREQ(c.cluster, CLUSTER, "cluster");
	ASSERT_STREQ(c.task_arn, TASK_ARN, "task arn");
	ASSERT_STREQ(c.family, "shop", "family");
	ASSERT_STREQ(c.revision, "7", "revision");
	ASSERT_STREQ(c.launch_type, "FARGATE", "launch type");
	ASSERT_STREQ(c.zone, "eu-west-1b", "zone");

	/* EC2 tasks of older agents: no LaunchType, no AvailabilityZone; Revision a number */
	memset(&c, 0, sizeof(c));
	json = "{\"Cluster\":\"default\",\"TaskARN\":\"t\",\"Family\":\"f\",\"Revision\":12}";
	rc = vg_ecs_parse_task(json, strlen(json), &c, err, sizeof(err));
	ASSERT_OK(rc, err);
	ASSERT_STREQ(c.revision, "12", "integer revision");
	ASSERT_STREQ(c.launch_type, "", "no launch type");
	ASSERT_STREQ(c.zone, "", "no zone");
}

TEST(ecs_fargate_container_json)
{
	struct vg_container c = { 0 };
	char err[256];
	int rc = vg_ecs_parse_container(fargate_container_json, strlen(fargate_container_json), &c,
					err, sizeof(err));

	ASSERT_OK(rc, err);
	/* not a 64-hex id: kept whole */
	ASSERT_STREQ(c.id, "0f4b8e2a6c1d4e9b8a7f3c2d1e0b9a8f-2531612879", "id");
	ASSERT_STREQ(c.full_id, c.id, "full id");
	ASSERT_STREQ(c.image_repository, "nginx", "repository");
	ASSERT_STREQ(c.image_tag, "1.25", "tag");
	/* 12:20:30.5 at +02:00 */
	ASSERT_EQ(c.start_ns, 1709634030ULL * 1000000000ULL + 500000000ULL, "start with offset");
	ASSERT_STREQ(c.cluster, "", "empty labels");
}

TEST(ecs_json_missing_keys)
{
	struct vg_container c = { 0 };
	char err[256], *json;
	int rc;

	json = replace(container_json, "\"Image\":", "\"Imagine\":");
	if (!ASSERT_NONNULL(json, "fixture"))
		return;
	rc = vg_ecs_parse_container(json, strlen(json), &c, err, sizeof(err));
	free(json);
	ASSERT_EQ(rc, -ENOENT, "missing Image");
	contains(err, "ecs container: \"Image\" is missing");
	ASSERT_STREQ(c.image, "", "image stays empty");
	ASSERT_STREQ(c.image_tag, "", "no tag without an image");
	ASSERT_STREQ(c.full_id, ID64, "the rest is taken");
	ASSERT_STREQ(c.name, "web", "name taken");
	ASSERT_STREQ(c.cluster, CLUSTER, "labels taken");

	/* an object with none of the keys: each one named */
	memset(&c, 0, sizeof(c));
	rc = vg_ecs_parse_container("{}", 2, &c, err, sizeof(err));
	ASSERT_EQ(rc, -ENOENT, "empty object");
	contains(err, "\"DockerId\" is missing");
	contains(err, "\"StartedAt\" is missing");
	rc = vg_ecs_parse_task(" { } ", 5, &c, err, sizeof(err));
	ASSERT_EQ(rc, -ENOENT, "empty task");
	contains(err, "ecs task: \"Cluster\" is missing; \"TaskARN\" is missing");
	ASSERT_STREQ(c.cluster, "", "cluster empty");
}

TEST(ecs_json_wrong_types)
{
	struct vg_container c = { 0 };
	char err[256], *json, *json2;
	int rc;

	json = replace(container_json, "\"Name\": \"web\"", "\"Name\": 5");
	json2 = json ? replace(json, "\"Labels\": {", "\"Labels\": [], \"X\": {") : NULL;
	if (!ASSERT_NONNULL(json2, "fixture")) {
		free(json);
		return;
	}
	rc = vg_ecs_parse_container(json2, strlen(json2), &c, err, sizeof(err));
	ASSERT_EQ(rc, -EINVAL, "wrong types");
	contains(err, "\"Name\" is int, not a string");
	contains(err, "\"Labels\" is not an object");
	ASSERT_STREQ(c.name, "", "name empty");
	ASSERT_STREQ(c.cluster, "", "no labels");
	ASSERT_STREQ(c.full_id, ID64, "id taken");
	free(json);
	free(json2);

	memset(&c, 0, sizeof(c));
	rc = vg_ecs_parse_task("{\"Cluster\":null,\"TaskARN\":[\"t\"],\"Family\":true,"
			       "\"Revision\":1.5,\"LaunchType\":{}}",
			       strlen("{\"Cluster\":null,\"TaskARN\":[\"t\"],\"Family\":true,"
				      "\"Revision\":1.5,\"LaunchType\":{}}"),
			       &c, err, sizeof(err));
	ASSERT_EQ(rc, -EINVAL, "wrong task types");
	contains(err, "\"Cluster\" is null, not a string");
	contains(err, "\"TaskARN\" is array");
	contains(err, "\"Family\" is boolean");
	contains(err, "\"Revision\" is double");
	contains(err, "\"LaunchType\" is object");

	/* a StartedAt that is not a time */
	json = replace(container_json, "2024-03-05T10:20:30.513250098Z", "2024-02-30T10:20:30Z");
	if (!ASSERT_NONNULL(json, "fixture"))
		return;
	memset(&c, 0, sizeof(c));
	rc = vg_ecs_parse_container(json, strlen(json), &c, err, sizeof(err));
	free(json);
	ASSERT_EQ(rc, -EINVAL, "bad time");
	contains(err, "\"StartedAt\" is not an RFC 3339 time");
	ASSERT_EQ(c.start_ns, 0, "no start time");
}

TEST(ecs_json_times)
{
	static const struct {
		const char *text;
		uint64_t ns; /* 0: refused */
	} cases[] = {
		{ "2024-03-05T10:20:30Z", 1709634030ULL * 1000000000ULL },
		{ "2024-03-05t10:20:30z", 1709634030ULL * 1000000000ULL },
		{ "2024-03-05T10:20:30.1Z", 1709634030ULL * 1000000000ULL + 100000000 },
		{ "2024-03-05T10:20:30.123456789123Z", 1709634030ULL * 1000000000ULL + 123456789 },
		{ "2024-03-05T07:50:30-02:30", 1709634030ULL * 1000000000ULL },
		{ "1970-01-01T00:00:00.000000001Z", 1 },
		{ "1969-12-31T23:59:59Z", 0 },
		{ "2024-03-05T10:20:30", 0 },
		{ "2024-03-05T10:20:30.Z", 0 },
		{ "2024-03-05 10:20:30Z ", 0 },
		{ "2024-13-05T10:20:30Z", 0 },
		{ "2024-03-05T24:20:30Z", 0 },
		{ "2024-03-05T10:20:30+2:00", 0 },
		{ "9999-12-31T23:59:59Z", 0 },
		{ "", 0 },
	};
	char json[256], err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vg_container c = { 0 };
		int n = snprintf(json, sizeof(json),
				 "{\"DockerId\":\"x\",\"Name\":\"n\",\"Image\":\"i\","
				 "\"ImageID\":\"\",\"StartedAt\":\"%s\"}",
				 cases[i].text);
		int rc = vg_ecs_parse_container(json, (size_t)n, &c, err, sizeof(err));

		if (cases[i].ns) {
			ASSERT_OK(rc, cases[i].text);
			ASSERT_EQ(c.start_ns, cases[i].ns, cases[i].text);
		} else {
			ASSERT_EQ(rc, -EINVAL, cases[i].text);
			ASSERT_EQ(c.start_ns, 0, cases[i].text);
		}
	}
}

TEST(ecs_json_truncated_and_bad)
{
	static const char *const bad[] = {
		"", "   ", "[]", "\"x\"", "42", "null", "{,}", "{\"a\":}", "{} {}", "{}x",
		"{\"DockerId\": 'x'}", "{\"a\":1 /* comment */}", "\xff\xfe{}",
	};
	size_t len = strlen(container_json);
	struct vg_container c;
	char err[256], deep[200];

	/* every cut of the fixture is refused as bad JSON, not half taken */
	for (size_t cut = 0; cut < len; cut++) {
		memset(&c, 0, sizeof(c));
		if (!ASSERT_EQ(vg_ecs_parse_container(container_json, cut, &c, err, sizeof(err)),
			       -EBADMSG, "truncated container json"))
			break;
		if (!ASSERT_STREQ(c.full_id, "", "nothing taken"))
			break;
	}
	contains(err, "ecs container: truncated JSON");
	for (size_t cut = 0; cut < strlen(task_json); cut++) {
		if (!ASSERT_EQ(vg_ecs_parse_task(task_json, cut, &c, err, sizeof(err)), -EBADMSG,
			       "truncated task json"))
			break;
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_EQ(vg_ecs_parse_container(bad[i], strlen(bad[i]), &c, err, sizeof(err)),
			  -EBADMSG, bad[i]);
	vg_ecs_parse_container("[1]", 3, &c, err, sizeof(err));
	contains(err, "JSON array, not an object");
	/* json-c's strict mode refuses what follows the value itself */
	vg_ecs_parse_container("{} {}", 5, &c, err, sizeof(err));
	contains(err, "bad JSON at byte 3: unexpected character");
	/* deeper than json-c's 32 levels */
	memset(deep, '[', sizeof(deep));
	ASSERT_EQ(vg_ecs_parse_task(deep, sizeof(deep), &c, err, sizeof(err)), -EBADMSG, "deep");
	ASSERT_EQ(vg_ecs_parse_task(NULL, 0, &c, err, sizeof(err)), -EBADMSG, "NULL json");
	/* a tiny error buffer is still terminated */
	ASSERT_EQ(vg_ecs_parse_task("x", 1, &c, err, 8), -EBADMSG, "small err");
	ASSERT_EQ(strlen(err), 7, "err cut at its size");
	ASSERT_EQ(vg_ecs_parse_task("x", 1, &c, NULL, 0), -EBADMSG, "no err buffer");
}

TEST(ecs_json_cuts_long_values)
{
	char json[2048], name[301], err[256];
	struct vg_container c = { 0 };
	int n, rc;

	memset(name, 'n', 300);
	name[300] = '\0';
	n = snprintf(json, sizeof(json),
		     "{\"DockerId\":\"%s\",\"Name\":\"%s\",\"Image\":\"i\",\"ImageID\":\"\","
		     "\"StartedAt\":\"2024-03-05T10:20:30Z\"}",
		     name, name);
	rc = vg_ecs_parse_container(json, (size_t)n, &c, err, sizeof(err));
	ASSERT_OK(rc, err);
	ASSERT_EQ(strlen(c.name), sizeof(c.name) - 1, "name cut at its size");
	ASSERT_EQ(strlen(c.full_id), sizeof(c.full_id) - 1, "id cut at its size");
	ASSERT_EQ(strlen(c.id), sizeof(c.id) - 1, "short id cut at its size");

	/* 254 bytes then a 2-byte character: cut before it, not through it */
	memset(name, 'n', 254);
	memcpy(name + 254, "\xc3\xa9", 3);
	n = snprintf(json, sizeof(json),
		     "{\"DockerId\":\"x\",\"Name\":\"%s\",\"Image\":\"i\",\"ImageID\":\"\","
		     "\"StartedAt\":\"2024-03-05T10:20:30Z\"}",
		     name);
	rc = vg_ecs_parse_container(json, (size_t)n, &c, err, sizeof(err));
	ASSERT_OK(rc, err);
	ASSERT_EQ(strlen(c.name), 254, "cut at a character boundary");
	/* 253 + 2 bytes fit exactly in 255 */
	name[253] = '\xc3';
	name[254] = '\xa9';
	name[255] = '\0';
	n = snprintf(json, sizeof(json),
		     "{\"DockerId\":\"x\",\"Name\":\"%s\",\"Image\":\"i\",\"ImageID\":\"\","
		     "\"StartedAt\":\"2024-03-05T10:20:30Z\"}",
		     name);
	rc = vg_ecs_parse_container(json, (size_t)n, &c, err, sizeof(err));
	ASSERT_OK(rc, err);
	ASSERT_EQ(strlen(c.name), 255, "a value of exactly the size is whole");
}

/* ---- HTTP responses ---- */

/* Parse a copy of text (the parser decodes in place). */
static int parse_http(const char *text, size_t len, struct vg_http_response *r, char *body,
		      size_t body_size, char *err, size_t errlen)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	rc = vg_http_parse(copy, len, r, err, errlen);
	body[0] = '\0';
	if (!rc)
		snprintf(body, body_size, "%.*s", (int)r->body_len, r->body);
	free(copy);
	return rc;
}

#define HTTP_OK(text, want_status, body_expected)                                                  \
	do {                                                                                 \
		struct vg_http_response r;                                                   \
		char body[256], err[256];                                                    \
		int rc = parse_http(text, sizeof(text) - 1, &r, body, sizeof(body), err,     \
				    sizeof(err));                                            \
		if (ASSERT_OK(rc, err)) {                                                    \
			ASSERT_EQ(r.status, want_status, "status of " #text);                     \
			ASSERT_STREQ(body, body_expected, "body of " #text);                 \
		}                                                                            \
	} while (0)

#define HTTP_BAD(text, why)                                                                   \
	do {                                                                                 \
		struct vg_http_response r;                                                   \
		char body[256], err[256];                                                    \
		int rc = parse_http(text, sizeof(text) - 1, &r, body, sizeof(body), err,     \
				    sizeof(err));                                            \
		if (ASSERT_EQ(rc, -EPROTO, #text))                                           \
			contains(err, why);                                                  \
	} while (0)

static const char chunked_response[] = "HTTP/1.1 200 OK\r\n"
				       "Content-Type: application/json\r\n"
				       "Transfer-Encoding: chunked\r\n"
				       "\r\n"
				       "5;name=value\r\nhello\r\n"
				       "6 \r\n world\r\n"
				       "A\r\n, chunked!\r\n"
				       "0\r\n"
				       "X-Trailer: yes\r\n"
				       "\r\n";

TEST(http_parse)
{
	HTTP_OK("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, "hello");
	HTTP_OK("HTTP/1.1 200 OK\r\ncontent-length:  5 \r\n\r\nhello, extra", 200, "hello");
	HTTP_OK("HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found", 404, "not found");
	HTTP_OK("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\n{}", 200, "{}");
	/* bare LF line ends, and a body that runs to the close */
	HTTP_OK("HTTP/1.1 200 OK\nServer: x\n\n{\"a\":1}", 200, "{\"a\":1}");
	HTTP_OK("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 204, "");
	HTTP_OK("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", 200, "");
	/* chunked: extensions, whitespace, upper-case hex and trailers */
	HTTP_OK(chunked_response, 200, "hello world, chunked!");
	HTTP_OK("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nContent-Length: 99\r\n\r\n"
		"2\r\nab\r\n0\r\n\r\n",
		200, "ab");
	HTTP_OK("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nab\n0\n\n", 200, "ab");
}

TEST(http_parse_bad)
{
	HTTP_BAD("", "truncated response: status line");
	HTTP_BAD("SSH-2.0-OpenSSH_9.2\r\n", "not HTTP/1.x");
	HTTP_BAD("HTTP/2 200\r\n\r\n", "not HTTP/1.x");
	HTTP_BAD("HTTP/1.1 20 OK\r\n\r\n", "bad status line");
	HTTP_BAD("HTTP/1.1 2000 OK\r\n\r\n", "bad status line");
	HTTP_BAD("HTTP/1.1 099 OK\r\n\r\n", "bad status line");
	HTTP_BAD("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", "truncated response: headers");
	HTTP_BAD("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello", "bad header line");
	HTTP_BAD("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "bad header line");
	HTTP_BAD("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "bad header line");
	HTTP_BAD("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello", "body of 5 of 6 bytes");
	HTTP_BAD("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length");
	HTTP_BAD("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx", "bad Content-Length");
	HTTP_BAD("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		 "bad Content-Length");
	HTTP_BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy",
		 "conflicting Content-Length");
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		 "unsupported Transfer-Encoding");
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"
		 "\r\n0\r\n\r\n",
		 "unsupported Transfer-Encoding");
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n", "bad chunk size");
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;x\r\n", "bad chunk size");
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n",
		 "bad chunk size");
	/* CHUNK_SIZE_DIGITS (15) hex digits are a size; 16 are refused */
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000000000000\r\n",
		 "truncated response: chunk data");
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
		 "chunk size too large");
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n",
		 "chunk data not followed by CRLF");
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
		 "truncated response: chunk data");
	HTTP_BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
		 "truncated response: chunked trailer");
	ASSERT_EQ(vg_http_parse(NULL, 0, NULL, NULL, 0), -EINVAL, "NULL");
}

TEST(http_parse_every_cut)
{
	struct vg_http_response r;
	char body[256], err[256];

	/* a chunked response cut anywhere is truncated, never read past its end */
	for (size_t cut = 0; cut < sizeof(chunked_response) - 1; cut++)
		if (!ASSERT_EQ(parse_http(chunked_response, cut, &r, body, sizeof(body), err,
					  sizeof(err)),
			       -EPROTO, "cut chunked response"))
			break;
}

/* ---- a real HTTP server on 127.0.0.1 ---- */

struct server {
	pid_t pid;
	int port;
};

#define LOOPBACK_ANY_PORT \
	{ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0 }

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void respond(int fd, int status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			 status, strlen(body));

	write_all(fd, head, (size_t)n);
	write_all(fd, body, strlen(body));
}

/* body in chunks of 7 bytes, written one by one, with an extension and a trailer. */
static void respond_chunked(int fd, const char *body)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				   "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
	static const char tail[] = "0\r\nX-Trailer: none\r\n\r\n";
	size_t len = strlen(body);
	char line[32];

	write_all(fd, head, sizeof(head) - 1);
	for (size_t off = 0; off < len; off += 7) {
		size_t n = len - off < 7 ? len - off : 7;
		int ln = snprintf(line, sizeof(line), off ? "%zx\r\n" : "%zx;ext=1\r\n", n);

		write_all(fd, line, (size_t)ln);
		write_all(fd, body + off, n);
		write_all(fd, "\r\n", 2);
	}
	write_all(fd, tail, sizeof(tail) - 1);
}

/* A 200 response of exactly total bytes: body padded with spaces after the JSON. */
static void respond_sized(int fd, size_t total, const char *json)
{
	char head[256];
	size_t body = 0;
	int n = 0;
	char *buf;

	for (int i = 0; i < 3; i++) { /* the length's digits change the head's length */
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
			     body);
		body = total - (size_t)n;
	}
	buf = malloc(body);
	if (!buf)
		return;
	memset(buf, ' ', body);
	memcpy(buf, json, strlen(json));
	write_all(fd, head, (size_t)n);
	write_all(fd, buf, body);
	free(buf);
}

static void serve(int fd)
{
	struct timeval tv = { .tv_sec = 5 };
	char req[8192], path[4096];
	size_t len = 0;
	int ms;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < sizeof(req) - 1) {
		ssize_t n = read(fd, req + len, sizeof(req) - 1 - len);

		if (n <= 0)
			return;
		len += (size_t)n;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	/* what the client must send */
	if (sscanf(req, "GET %4095s HTTP/1.1\r\n", path) != 1 ||
	    !strcasestr(req, "\r\nHost: 127.0.0.1:") || !strstr(req, "\r\nConnection: close\r\n")) {
		respond(fd, 400, "{\"error\":\"bad request\"}");
		return;
	}
	if (!strcmp(path, "/v4/abc") || !strcmp(path, "/v4/notask") ||
	    !strcmp(path, "/v4/eof/")) {
		respond(fd, 200, container_json);
	} else if (!strcmp(path, "/v4/abc/task") || !strcmp(path, "/v4/exact/task") ||
		   !strcmp(path, "/v4/eof/task")) {
		if (!strcmp(path, "/v4/eof/task")) {
			/* no length, no chunks: the body ends with the connection */
			write_all(fd, "HTTP/1.1 200 OK\r\n\r\n", 19);
			write_all(fd, task_json, strlen(task_json));
		} else {
			respond(fd, 200, task_json);
		}
	} else if (!strcmp(path, "/v4/chunked")) {
		respond_chunked(fd, container_json);
	} else if (!strcmp(path, "/v4/chunked/task")) {
		respond_chunked(fd, task_json);
	} else if (!strcmp(path, "/v4/fargate")) {
		respond(fd, 200, fargate_container_json);
	} else if (!strcmp(path, "/v4/notask/task")) {
		respond(fd, 500, "{\"error\":\"boom\"}");
	} else if (!strcmp(path, "/v4/badjson")) {
		respond(fd, 200, "{\"DockerId\": \"" ID64 "\", \"Name\": ");
	} else if (!strcmp(path, "/v4/exact")) {
		respond_sized(fd, VG_ECS_RESPONSE_MAX, container_json);
	} else if (!strcmp(path, "/v4/over")) {
		respond_sized(fd, VG_ECS_RESPONSE_MAX + 1, container_json);
	} else if (!strcmp(path, "/v4/stall")) {
		write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{", 41);
		sleep(30);
	} else if (!strcmp(path, "/v4/trickle")) {
		/* a byte every 20 ms: each read is quick, the whole never ends */
		write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 41);
		for (int i = 0; i < 1000; i++) {
			write_all(fd, " ", 1);
			usleep(20 * 1000);
		}
	} else if (sscanf(path, "/v4/slow/%d", &ms) == 1 && !strstr(path, "/task")) {
		usleep((useconds_t)ms * 1000);
		respond(fd, 200, container_json);
	} else if (sscanf(path, "/v4/slow/%d", &ms) == 1) {
		respond(fd, 200, task_json);
	} else {
		respond(fd, 404, "{\"error\":\"not found\"}");
	}
	/* let the client read everything before the close */
	shutdown(fd, SHUT_WR);
	while (read(fd, req, sizeof(req)) > 0)
		;
}

/* A child process group serving the fixtures, one grandchild per connection. */
static bool server_start(struct server *s)
{
	struct sockaddr_in sa = LOOPBACK_ANY_PORT;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (!ASSERT_TRUE(fd >= 0, "socket"))
		return false;
	if (!ASSERT_OK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), "bind") ||
	    !ASSERT_OK(listen(fd, 64), "listen") ||
	    !ASSERT_OK(getsockname(fd, (struct sockaddr *)&sa, &sl), "getsockname")) {
		close(fd);
		return false;
	}
	s->port = ntohs(sa.sin_port);
	fflush(NULL);
	s->pid = fork();
	if (s->pid == 0) {
		setpgid(0, 0);
		signal(SIGCHLD, SIG_IGN); /* grandchildren reap themselves */
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c < 0)
				continue;
			if (fork() == 0) {
				serve(c);
				close(c);
				_exit(0);
			}
			close(c);
		}
	}
	close(fd);
	if (!ASSERT_TRUE(s->pid > 0, "fork"))
		return false;
	setpgid(s->pid, s->pid);
	return true;
}

static void server_stop(struct server *s)
{
	if (kill(-s->pid, SIGKILL)) /* the group: a stalled grandchild too */
		kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
}

static void server_uri(const struct server *s, char *buf, size_t size, const char *path)
{
	snprintf(buf, size, "http://127.0.0.1:%d%s", s->port, path);
}

/* An ephemeral port with nothing on it. */
static int closed_port(void)
{
	struct sockaddr_in sa = LOOPBACK_ANY_PORT;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = 0;

	if (fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    !getsockname(fd, (struct sockaddr *)&sa, &sl))
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static void assert_full_container(const struct vg_container *c)
{
	ASSERT_STREQ(c->source, "ecs", "source");
	ASSERT_STREQ(c->id, ID12, "id");
	ASSERT_STREQ(c->full_id, ID64, "full id");
	ASSERT_STREQ(c->name, "web", "name");
	ASSERT_STREQ(c->image, IMAGE, "image");
	ASSERT_STREQ(c->image_tag, "2.4.1", "tag");
	ASSERT_STREQ(c->image_digest, IMAGE_ID, "digest");
	ASSERT_STREQ(c->task_arn, TASK_ARN, "task arn");
	ASSERT_STREQ(c->cluster, CLUSTER, "cluster");
	ASSERT_STREQ(c->launch_type, "FARGATE", "launch type");
	ASSERT_STREQ(c->family, "shop", "family");
	ASSERT_STREQ(c->revision, "7", "revision");
	ASSERT_STREQ(c->zone, "eu-west-1b", "zone");
	ASSERT_EQ(c->start_ns, STARTED_NS, "start");
}

TEST(ecs_fetch)
{
	struct vg_container c;
	struct server s;
	char uri[128], err[512];
	int rc;

	if (!server_start(&s))
		return;
	server_uri(&s, uri, sizeof(uri), "/v4/abc");
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	if (ASSERT_OK(rc, err)) {
		ASSERT_STREQ(err, "", "no warning");
		assert_full_container(&c);
	}

	/* chunked replies, 7 bytes a chunk */
	server_uri(&s, uri, sizeof(uri), "/v4/chunked");
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	if (ASSERT_OK(rc, err)) {
		ASSERT_STREQ(err, "", "no warning, chunked");
		assert_full_container(&c);
	}

	/* a trailing '/' on the uri; a task body ended by the close */
	server_uri(&s, uri, sizeof(uri), "/v4/eof/");
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	if (ASSERT_OK(rc, err)) {
		ASSERT_STREQ(err, "", "no warning, eof");
		assert_full_container(&c);
	}
	server_stop(&s);
}

TEST(ecs_fetch_errors)
{
	struct vg_container c;
	struct server s;
	char uri[128], err[512];
	int rc;

	if (!server_start(&s))
		return;
	server_uri(&s, uri, sizeof(uri), "/v4/missing");
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	ASSERT_EQ(rc, -EIO, "404");
	contains(err, "/v4/missing: HTTP 404");
	ASSERT_STREQ(c.id, "", "nothing taken on 404");
	ASSERT_STREQ(c.source, "", "no source on 404");

	server_uri(&s, uri, sizeof(uri), "/v4/badjson");
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	ASSERT_EQ(rc, -EBADMSG, "bad json");
	contains(err, "ecs container: truncated JSON");
	ASSERT_STREQ(c.full_id, "", "nothing taken from bad JSON");

	/* the task request fails: the container still answers, task fields from labels */
	server_uri(&s, uri, sizeof(uri), "/v4/notask");
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	if (ASSERT_OK(rc, err)) {
		contains(err, "/v4/notask/task: HTTP 500");
		ASSERT_STREQ(c.source, "ecs", "source");
		ASSERT_STREQ(c.cluster, CLUSTER, "cluster from labels");
		ASSERT_STREQ(c.task_arn, TASK_ARN, "task from labels");
		ASSERT_STREQ(c.revision, "7", "revision from labels");
		ASSERT_STREQ(c.launch_type, "", "no launch type");
	}

	/* Fargate: the container answers but /task is not served here */
	server_uri(&s, uri, sizeof(uri), "/v4/fargate");
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	if (ASSERT_OK(rc, err)) {
		contains(err, "/v4/fargate/task: HTTP 404");
		ASSERT_STREQ(c.id, "0f4b8e2a6c1d4e9b8a7f3c2d1e0b9a8f-2531612879", "fargate id");
	}
	server_stop(&s);

	snprintf(uri, sizeof(uri), "http://127.0.0.1:%d/v4/abc", closed_port());
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	ASSERT_EQ(rc, -ECONNREFUSED, "nothing listening");
	contains(err, "Connection refused");
}

TEST(ecs_fetch_response_limit)
{
	struct vg_container c;
	struct server s;
	char uri[128], err[512];
	int rc;

	if (!server_start(&s))
		return;
	/* exactly VG_ECS_RESPONSE_MAX bytes, head included: taken */
	server_uri(&s, uri, sizeof(uri), "/v4/exact");
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	if (ASSERT_OK(rc, err))
		assert_full_container(&c);
	/* one byte more: refused */
	server_uri(&s, uri, sizeof(uri), "/v4/over");
	rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
	ASSERT_EQ(rc, -EFBIG, "one byte over the limit");
	contains(err, "/v4/over: response larger than 262144 bytes");
	ASSERT_STREQ(c.id, "", "nothing taken");
	server_stop(&s);
}

TEST(ecs_fetch_timeouts)
{
	struct sockaddr_in sa = LOOPBACK_ANY_PORT;
	socklen_t sl = sizeof(sa);
	struct vg_container c;
	struct timespec t0;
	struct server s;
	char uri[128], err[512];
	long long ms;
	int fd, rc;

	/* a server that never answers: listening, never accepting */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!ASSERT_TRUE(fd >= 0, "socket"))
		return;
	if (ASSERT_OK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), "bind") &&
	    ASSERT_OK(listen(fd, 4), "listen") &&
	    ASSERT_OK(getsockname(fd, (struct sockaddr *)&sa, &sl), "getsockname")) {
		snprintf(uri, sizeof(uri), "http://127.0.0.1:%d/v4/abc", ntohs(sa.sin_port));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err)); /* 0: VG_ECS_TIMEOUT_MS */
		ms = elapsed_ms(&t0);
		ASSERT_EQ(rc, -ETIMEDOUT, "silent server");
		contains(err, "Connection timed out");
		ASSERT_GE(ms, VG_ECS_TIMEOUT_MS - 10, "waited the default timeout");
		ASSERT_TRUE(ms < 2 * VG_ECS_TIMEOUT_MS, "and under twice it");
	}
	close(fd);

	if (!server_start(&s))
		return;
	/* headers and one byte of body, then nothing: the deadline covers the read */
	server_uri(&s, uri, sizeof(uri), "/v4/stall");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = vg_ecs_fetch(uri, &c, 300, err, sizeof(err));
	ms = elapsed_ms(&t0);
	ASSERT_EQ(rc, -ETIMEDOUT, "stalled body");
	ASSERT_GE(ms, 290, "waited the timeout");
	ASSERT_TRUE(ms < 600, "and under twice it");
	/* a byte at a time, never done: the timeout is for the whole, not per read */
	server_uri(&s, uri, sizeof(uri), "/v4/trickle");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = vg_ecs_fetch(uri, &c, 300, err, sizeof(err));
	ms = elapsed_ms(&t0);
	ASSERT_EQ(rc, -ETIMEDOUT, "trickling body");
	ASSERT_GE(ms, 290, "waited the timeout");
	ASSERT_TRUE(ms < 600, "and under twice it");
	/* slower than the timeout, then well within it */
	server_uri(&s, uri, sizeof(uri), "/v4/slow/700");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = vg_ecs_fetch(uri, &c, 300, err, sizeof(err));
	ms = elapsed_ms(&t0);
	ASSERT_EQ(rc, -ETIMEDOUT, "slow server");
	ASSERT_TRUE(ms < 600, "under twice the timeout");
	server_uri(&s, uri, sizeof(uri), "/v4/slow/100");
	rc = vg_ecs_fetch(uri, &c, 1000, err, sizeof(err));
	if (ASSERT_OK(rc, err))
		assert_full_container(&c);
	server_stop(&s);
}

TEST(ecs_fetch_uris)
{
	static const struct {
		const char *uri, *why;
	} bad[] = {
		{ "https://169.254.170.2/v4/abc",
		  "scheme https:// is not supported, only http://" },
		{ "ftp://169.254.170.2/v4/abc", "scheme ftp:// is not supported" },
		{ "169.254.170.2/v4/abc", "is not an http:// uri" },
		{ "", "is not an http:// uri" },
		{ "http://metadata.local/v4/abc", "host is not an IP address" },
		{ "http://169.254.170.2:0/v4", "bad port" },
		{ "http://169.254.170.2:65536/v4", "bad port" },
		{ "http://169.254.170.2:80x/v4", "bad port" },
		{ "http://169.254.170.2:/v4", "bad port" },
		{ "http:///v4/abc", "bad host" },
		{ "http://[::1/v4", "bad host" },
		{ "http://[::1]x/v4", "bad host" },
		{ "http://[169.254.170.2]/v4", "host is not an IP address" },
		{ "http://user@169.254.170.2/v4", "host is not an IP address" },
		{ "http://169.254.170.2/v4/a b", "space or control byte at 25" },
		{ "http://169.254.170.2/v4\r\nX-Injected: 1", "space or control byte" },
	};
	struct vg_container c;
	char err[512], *uri;
	struct server s;
	size_t base;
	int rc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = vg_ecs_fetch(bad[i].uri, &c, 0, err, sizeof(err));
		if (ASSERT_EQ(rc, -EINVAL, bad[i].uri))
			contains(err, bad[i].why);
	}
	ASSERT_EQ(vg_ecs_fetch(NULL, &c, 0, err, sizeof(err)), -EINVAL, "NULL uri");
	/* IPv6 literal: parsed, then whatever this machine's ::1 says */
	snprintf(err, sizeof(err), "http://[::1]:%d/v4/abc", closed_port());
	uri = strdup(err);
	if (ASSERT_NONNULL(uri, "strdup")) {
		rc = vg_ecs_fetch(uri, &c, 500, err, sizeof(err));
		ASSERT_TRUE(rc != -EINVAL && rc < 0, err);
		free(uri);
	}

	/* VG_ECS_URI_MAX bytes: taken (the server says 404); one more: refused */
	if (!server_start(&s))
		return;
	uri = malloc(VG_ECS_URI_MAX + 2);
	if (ASSERT_NONNULL(uri, "malloc")) {
		server_uri(&s, uri, VG_ECS_URI_MAX + 2, "/v4/");
		base = strlen(uri);
		memset(uri + base, 'a', VG_ECS_URI_MAX - base);
		uri[VG_ECS_URI_MAX] = '\0';
		rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
		ASSERT_EQ(rc, -EIO, "uri at the limit");
		contains(err, "HTTP 404");
		uri[VG_ECS_URI_MAX] = 'a';
		uri[VG_ECS_URI_MAX + 1] = '\0';
		rc = vg_ecs_fetch(uri, &c, 0, err, sizeof(err));
		ASSERT_EQ(rc, -ENAMETOOLONG, "uri one byte over");
		contains(err, "uri longer than 2048 bytes");
		free(uri);
	}
	server_stop(&s);
}

/* ---- all sources ---- */

static void clear_env(void)
{
	unsetenv("ECS_CONTAINER_METADATA_URI_V4");
	unsetenv("VIGIL_CONTAINER_ID");
	unsetenv("VIGIL_CONTAINER_NAME");
	unsetenv("VIGIL_CONTAINER_IMAGE");
}

TEST(detect_ecs)
{
	struct vg_container c;
	struct server s;
	char uri[128], err[512];

	if (!server_start(&s))
		return;
	clear_env();
	server_uri(&s, uri, sizeof(uri), "/v4/abc");
	setenv("ECS_CONTAINER_METADATA_URI_V4", uri, 1);
	setenv("VIGIL_CONTAINER_ID", "from-env", 1);
	ASSERT_OK(vg_container_detect(&c, 0, err, sizeof(err)), "detect");
	ASSERT_STREQ(err, "", "no warning");
	assert_full_container(&c);

	/* a task endpoint failing is a warning, and ECS still wins */
	server_uri(&s, uri, sizeof(uri), "/v4/notask");
	setenv("ECS_CONTAINER_METADATA_URI_V4", uri, 1);
	ASSERT_OK(vg_container_detect(&c, 0, err, sizeof(err)), "detect");
	ASSERT_STREQ(c.source, "ecs", "source");
	contains(err, "HTTP 500");
	server_stop(&s);
	clear_env();
}

TEST(detect_fallbacks)
{
	struct vg_container c, cg;
	char uri[128], err[512], why[256];
	bool in_container;

	clear_env();
	in_container = vg_container_from_pid(NULL, 0, &cg, why, sizeof(why)) == 0;

	/* the endpoint is down: said in err, the next source used */
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%d/v4/abc", closed_port());
	setenv("ECS_CONTAINER_METADATA_URI_V4", uri, 1);
	setenv("VIGIL_CONTAINER_ID", ID64, 1);
	setenv("VIGIL_CONTAINER_NAME", "api", 1);
	setenv("VIGIL_CONTAINER_IMAGE", "registry:5000/team/api@sha256:0123", 1);
	ASSERT_OK(vg_container_detect(&c, 0, err, sizeof(err)), "detect");
	contains(err, "ecs: GET http://127.0.0.1:");
	contains(err, in_container ? "; using cgroup" : "; using env");
	if (in_container) {
		ASSERT_STREQ(c.source, "cgroup", "source");
		ASSERT_STREQ(c.id, cg.id, "cgroup id");
	} else {
		ASSERT_STREQ(c.source, "env", "source");
		ASSERT_STREQ(c.id, ID12, "env id, short");
		ASSERT_STREQ(c.full_id, ID64, "env full id");
		ASSERT_STREQ(c.name, "api", "env name");
		ASSERT_STREQ(c.image_repository, "registry:5000/team/api", "env repository");
		ASSERT_STREQ(c.image_tag, "latest", "env tag");
		ASSERT_STREQ(c.image_digest, "sha256:0123", "env digest");
	}

	/* no endpoint: no warning */
	unsetenv("ECS_CONTAINER_METADATA_URI_V4");
	setenv("VIGIL_CONTAINER_ID", "my-service", 1);
	ASSERT_OK(vg_container_detect(&c, getpid(), err, sizeof(err)), "detect");
	ASSERT_STREQ(err, "", "no warning");
	ASSERT_STREQ(c.source, in_container ? "cgroup" : "env", "source");
	if (!in_container)
		ASSERT_STREQ(c.id, "my-service", "a free-form id is kept whole");

	/* nothing at all: the host */
	clear_env();
	setenv("ECS_CONTAINER_METADATA_URI_V4", "", 1); /* empty is unset */
	ASSERT_OK(vg_container_detect(&c, 0, err, sizeof(err)), "detect");
	if (in_container) {
		ASSERT_STREQ(c.source, "cgroup", "source");
	} else {
		ASSERT_STREQ(c.source, "host", "source");
		ASSERT_STREQ(c.id, "host", "host id");
		ASSERT_STREQ(c.name, "host", "host name");
		ASSERT_STREQ(c.image, "", "no image");
		ASSERT_STREQ(err, "", "no warning");
	}

	/* a bad uri is a warning too */
	setenv("ECS_CONTAINER_METADATA_URI_V4", "https://169.254.170.2/v4/x", 1);
	ASSERT_OK(vg_container_detect(&c, 0, err, sizeof(err)), "detect");
	contains(err, "only http://");
	clear_env();
}

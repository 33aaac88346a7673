// SPDX-License-Identifier: Apache-2.0
/*
 * The container identity of the workload: the ECS task metadata endpoint v4,
 * then the cgroup path, then VIGIL_CONTAINER_* env, then "host" (see
 * container.h for the order and why). The endpoint is plain HTTP on a
 * link-local address and the agent is linked statically, so this file holds
 * a small HTTP/1.1 client (IP literals only: no resolver, no NSS) with a
 * deadline over the whole exchange and a cap on the response size. JSON goes
 * through json-c; every key is checked for presence and type, and whatever
 * is wrong is named in the caller's error buffer, never printed.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "container.h"

#define HEX64_LEN 64
#define NS_PER_SEC 1000000000ULL
#define CHUNK_SIZE_DIGITS 15 /* hex digits of a chunk size: far past any response we take */
#define ERR_URI_SHOWN 128    /* bytes of the uri quoted in an error */

/* The ECS labels that carry task fields in the container's own JSON. */
#define LABEL_CLUSTER "com.amazonaws.ecs.cluster"
#define LABEL_TASK_ARN "com.amazonaws.ecs.task-arn"
#define LABEL_FAMILY "com.amazonaws.ecs.task-definition-family"
#define LABEL_REVISION "com.amazonaws.ecs.task-definition-version"

/* ---- strings and errors ---- */

/*
 * Copy n bytes of src (stopping early at a NUL) into dst of size bytes,
 * always NUL-terminated. A cut backs off to a UTF-8 character boundary so a
 * cut value stays valid UTF-8 when the source was.
 */
static void copy_str(char *dst, size_t size, const char *src, size_t n)
{
	const char *nul;

	if (!dst || !size)
		return;
	nul = memchr(src, '\0', n);
	if (nul)
		n = (size_t)(nul - src);
	if (n >= size) {
		n = size - 1;
		while (n && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

#define SET_STR(field, src, n) copy_str(field, sizeof(field), src, n)
#define SET_CSTR(field, src) copy_str(field, sizeof(field), src, strlen(src))

static void verr(char *err, size_t errlen, bool append, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void verr(char *err, size_t errlen, bool append, const char *fmt, va_list ap)
{
	size_t used = 0;

	if (!err || !errlen)
		return;
	if (append) {
		used = strnlen(err, errlen - 1);
		if (used && used + 2 < errlen) {
			memcpy(err + used, "; ", 3);
			used += 2;
		}
	}
	vsnprintf(err + used, errlen - used, fmt, ap);
}

/* err = the message. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(err, errlen, false, fmt, ap);
	va_end(ap);
}

/* err += "; " + the message (or err = it when empty). */
static void add_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(err, errlen, true, fmt, ap);
	va_end(ap);
}

static bool is_hex64(const char *s, size_t n)
{
	if (n != HEX64_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/* full_id as given; id its 12-char short form when it is a 64-hex id. */
static void set_id(struct vg_container *c, const char *id, size_t n)
{
	SET_STR(c->full_id, id, n);
	SET_STR(c->id, id, is_hex64(id, n) ? VG_CONTAINER_SHORT_ID : n);
}

/* ---- image references ---- */

void vg_image_split(const char *image, char *repo, size_t repo_size, char *tag, size_t tag_size,
		    char *digest, size_t digest_size)
{
	const char *at, *name_end, *name_start, *colon;
	size_t n;

	if (!image)
		image = "";
	n = strlen(image);
	at = strchr(image, '@');
	name_end = at ? at : image + n;
	copy_str(digest, digest_size, at ? at + 1 : "", at ? strlen(at + 1) : 0);
	/* a ':' before the last '/' is a registry port, not a tag */
	name_start = memrchr(image, '/', (size_t)(name_end - image));
	name_start = name_start ? name_start + 1 : image;
	colon = memrchr(name_start, ':', (size_t)(name_end - name_start));
	copy_str(repo, repo_size, image, (size_t)((colon ? colon : name_end) - image));
	if (colon && colon + 1 < name_end)
		copy_str(tag, tag_size, colon + 1, (size_t)(name_end - colon - 1));
	else /* Falco's docker engine: an image without a tag is "latest" */
		copy_str(tag, tag_size, n ? "latest" : "", n ? 6 : 0);
}

static void container_split_image(struct vg_container *c)
{
	char digest[sizeof(c->image_digest)];

	vg_image_split(c->image, c->image_repository, sizeof(c->image_repository), c->image_tag,
		       sizeof(c->image_tag), digest, sizeof(digest));
	if (!c->image_digest[0])
		SET_CSTR(c->image_digest, digest);
}

/* ---- RFC 3339 times ---- */

static bool take_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool take_char(const char **p, const char *set)
{
	if (!**p || !strchr(set, **p))
		return false;
	(*p)++;
	return true;
}

/* "2020-10-02T00:15:08.062559351Z" (or an offset like "+02:00") -> ns. */
static int parse_rfc3339(const char *s, uint64_t *ns)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	uint64_t frac = 0, scale = NS_PER_SEC;
	struct tm tm = { 0 };
	int64_t t;

	if (!take_digits(&s, 4, &y) || !take_char(&s, "-") || !take_digits(&s, 2, &mo) ||
	    !take_char(&s, "-") || !take_digits(&s, 2, &d) || !take_char(&s, "Tt ") ||
	    !take_digits(&s, 2, &h) || !take_char(&s, ":") || !take_digits(&s, 2, &mi) ||
	    !take_char(&s, ":") || !take_digits(&s, 2, &sec))
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	if (take_char(&s, ".")) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		for (; isdigit((unsigned char)*s); s++) /* digits past ns are dropped */
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*s - '0') * scale;
			}
	}
	if (take_char(&s, "Zz")) {
		sign = 0;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (!take_digits(&s, 2, &oh) || !take_char(&s, ":") || !take_digits(&s, 2, &om) ||
		    oh > 23 || om > 59)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60);
	/* before the epoch, or past what u64 ns holds (year 2554) */
	if (t < 0 || (uint64_t)t > (UINT64_MAX - frac) / NS_PER_SEC)
		return -ERANGE;
	*ns = (uint64_t)t * NS_PER_SEC + frac;
	return 0;
}

/* ---- JSON ---- */

/*
 * Parse json (len bytes) into an object. The whole input must be one JSON
 * object, whitespace around it allowed. NULL with err set on failure.
 */
static struct json_object *json_parse_object(const char *json, size_t len, const char *what,
					     char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t end;

	if (!json || len > INT_MAX) {
		set_err(err, errlen, "%s: no JSON or too large", what);
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		set_err(err, errlen, "%s: %s", what, strerror(ENOMEM));
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!obj) {
		if (jerr == json_tokener_success || jerr == json_tokener_continue)
			set_err(err, errlen, "%s: truncated JSON (%zu bytes)", what, len);
		else
			set_err(err, errlen, "%s: bad JSON at byte %zu: %s", what, end,
				json_tokener_error_desc(jerr));
		return NULL;
	}
	while (end < len && isspace((unsigned char)json[end]))
		end++;
	if (end < len) {
		set_err(err, errlen, "%s: data after the JSON value at byte %zu", what, end);
		json_object_put(obj);
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		set_err(err, errlen, "%s: JSON %s, not an object", what,
			json_type_to_name(json_object_get_type(obj)));
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* The problems found in one JSON document: the first one's errno, and all named in err. */
struct json_errs {
	const char *what; /* "ecs container", "ecs task" */
	char *err;
	size_t errlen;
	int rc;
};

static void json_problem(struct json_errs *e, int rc, const char *key, const char *why)
{
	if (!e->rc) {
		e->rc = rc;
		set_err(e->err, e->errlen, "%s: \"%s\" %s", e->what, key, why);
	} else {
		add_err(e->err, e->errlen, "\"%s\" %s", key, why);
	}
}

/*
 * The string at key into dst. A missing key is a problem only when required;
 * a key of another type always is. Returns true when dst was set.
 */
static bool json_take_str(struct json_object *obj, const char *key, bool required, char *dst,
			  size_t size, struct json_errs *e)
{
	struct json_object *v;
	char why[64];

	if (!json_object_object_get_ex(obj, key, &v)) {
		if (required)
			json_problem(e, -ENOENT, key, "is missing");
		return false;
	}
	if (!json_object_is_type(v, json_type_string)) {
		snprintf(why, sizeof(why), "is %s, not a string",
			 json_type_to_name(json_object_get_type(v)));
		json_problem(e, -EINVAL, key, why);
		return false;
	}
	copy_str(dst, size, json_object_get_string(v), (size_t)json_object_get_string_len(v));
	return true;
}

#define TAKE_STR(obj, key, req, field, e) json_take_str(obj, key, req, field, sizeof(field), e)

/* Task fields from the container's labels, where the task JSON has not set them. */
static void take_labels(struct json_object *labels, struct vg_container *c, struct json_errs *e)
{
	static const struct {
		const char *key;
		size_t off, size;
	} map[] = {
		{ LABEL_CLUSTER, offsetof(struct vg_container, cluster), sizeof(c->cluster) },
		{ LABEL_TASK_ARN, offsetof(struct vg_container, task_arn), sizeof(c->task_arn) },
		{ LABEL_FAMILY, offsetof(struct vg_container, family), sizeof(c->family) },
		{ LABEL_REVISION, offsetof(struct vg_container, revision), sizeof(c->revision) },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		char *dst = (char *)c + map[i].off;

		if (!dst[0])
			json_take_str(labels, map[i].key, false, dst, map[i].size, e);
	}
}

int vg_ecs_parse_container(const char *json, size_t len, struct vg_container *c, char *err,
			   size_t errlen)
{
	struct json_errs e = { "ecs container", err, errlen, 0 };
	struct json_object *obj, *labels;
	char id[sizeof(c->full_id)], started[64];

	set_err(err, errlen, "%s", "");
	obj = json_parse_object(json, len, e.what, err, errlen);
	if (!obj)
		return -EBADMSG;
	if (TAKE_STR(obj, "DockerId", true, id, &e))
		set_id(c, id, strlen(id));
	TAKE_STR(obj, "Name", true, c->name, &e);
	if (TAKE_STR(obj, "Image", true, c->image, &e))
		container_split_image(c);
	/* ImageID is the digest; "" for images not pulled from a registry */
	if (TAKE_STR(obj, "ImageID", true, c->image_digest, &e) && !c->image_digest[0])
		container_split_image(c);
	if (TAKE_STR(obj, "StartedAt", true, started, &e) && parse_rfc3339(started, &c->start_ns))
		json_problem(&e, -EINVAL, "StartedAt", "is not an RFC 3339 time");
	if (json_object_object_get_ex(obj, "Labels", &labels)) {
		if (json_object_is_type(labels, json_type_object))
			take_labels(labels, c, &e);
		else
			json_problem(&e, -EINVAL, "Labels", "is not an object");
	}
	json_object_put(obj);
	return e.rc;
}

int vg_ecs_parse_task(const char *json, size_t len, struct vg_container *c, char *err,
		      size_t errlen)
{
	struct json_errs e = { "ecs task", err, errlen, 0 };
	struct json_object *obj, *rev;

	set_err(err, errlen, "%s", "");
	obj = json_parse_object(json, len, e.what, err, errlen);
	if (!obj)
		return -EBADMSG;
	TAKE_STR(obj, "Cluster", true, c->cluster, &e);
	TAKE_STR(obj, "TaskARN", true, c->task_arn, &e);
	TAKE_STR(obj, "Family", true, c->family, &e);
	/* documented as a string; an integer is taken too */
	if (json_object_object_get_ex(obj, "Revision", &rev) &&
	    json_object_is_type(rev, json_type_int))
		snprintf(c->revision, sizeof(c->revision), "%" PRId64, json_object_get_int64(rev));
	else
		TAKE_STR(obj, "Revision", true, c->revision, &e);
	/* only with agent >= 1.45 (LaunchType) and Fargate >= 1.4 (AvailabilityZone) */
	TAKE_STR(obj, "LaunchType", false, c->launch_type, &e);
	TAKE_STR(obj, "AvailabilityZone", false, c->zone, &e);
	json_object_put(obj);
	return e.rc;
}

/* ---- HTTP responses ---- */

/*
 * The line at *pos: its start and length without "\r\n" or "\n"; *pos moves
 * past it. False when no '\n' is left: the line is not complete yet.
 */
static bool next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *n)
{
	const char *s = buf + *pos;
	const char *nl = memchr(s, '\n', len - *pos);

	if (!nl)
		return false;
	*line = s;
	*n = (size_t)(nl - s);
	if (*n && s[*n - 1] == '\r')
		(*n)--;
	*pos = (size_t)(nl - buf) + 1;
	return true;
}

/* RFC 9110 token characters (header names). */
static bool is_tchar(char ch)
{
	return isalnum((unsigned char)ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool token_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && !strncasecmp(s, word, n);
}

/* More bytes are needed: -EAGAIN while reading, a truncation once the peer closed. */
static int incomplete(bool eof, const char *what, char *err, size_t errlen)
{
	if (!eof)
		return -EAGAIN;
	set_err(err, errlen, "http: truncated response: %s incomplete", what);
	return -EPROTO;
}

static int bad_response(char *err, size_t errlen, const char *why)
{
	set_err(err, errlen, "http: bad response: %s", why);
	return -EPROTO;
}

/* "HTTP/1.x NNN[ reason]" */
static bool parse_status(const char *l, size_t n, int *status)
{
	if (n < 12 || memcmp(l, "HTTP/1.", 7) || !isdigit((unsigned char)l[7]) || l[8] != ' ')
		return false;
	for (int i = 9; i < 12; i++)
		if (!isdigit((unsigned char)l[i]))
			return false;
	if (n > 12 && l[12] != ' ')
		return false;
	*status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	return *status >= 100;
}

static unsigned int hex_value(char ch)
{
	return isdigit((unsigned char)ch) ? (unsigned int)(ch - '0') :
					    (unsigned int)(tolower((unsigned char)ch) - 'a' + 10);
}

/* Walk (and with decode, join in place) the chunks from pos. */
static int chunked_body(char *buf, size_t len, size_t pos, bool eof, bool decode,
			struct vg_http_response *r, char *err, size_t errlen)
{
	size_t start = pos, out = pos, n, i;
	const char *line;

	for (;;) {
		uint64_t size = 0;
		size_t data;

		if (!next_line(buf, len, &pos, &line, &n))
			return incomplete(eof, "chunk size", err, errlen);
		for (i = 0; i < n && isxdigit((unsigned char)line[i]); i++) {
			if (i == CHUNK_SIZE_DIGITS)
				return bad_response(err, errlen, "chunk size too large");
			size = size * 16 + hex_value(line[i]);
		}
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (!i || !isxdigit((unsigned char)line[0]) || (i < n && line[i] != ';'))
			return bad_response(err, errlen, "bad chunk size line");
		if (!size)
			break;
		if (size > len - pos)
			return incomplete(eof, "chunk data", err, errlen);
		data = pos;
		pos += size;
		if (pos < len && buf[pos] == '\r')
			pos++;
		if (pos == len)
			return incomplete(eof, "chunk data", err, errlen);
		if (buf[pos++] != '\n')
			return bad_response(err, errlen, "chunk data not followed by CRLF");
		if (decode)
			memmove(buf + out, buf + data, size);
		out += size;
	}
	/* trailer fields, up to an empty line; their content is not used */
	do {
		if (!next_line(buf, len, &pos, &line, &n))
			return incomplete(eof, "chunked trailer", err, errlen);
	} while (n);
	r->body = buf + start;
	r->body_len = out - start;
	return 0;
}

/*
 * Parse buf (len bytes). eof: the peer has closed, so nothing more comes.
 * decode: join chunks in place (else buf is only read, to learn whether the
 * response is complete). -EAGAIN: complete it with more bytes.
 */
static int http_parse(char *buf, size_t len, bool eof, bool decode, struct vg_http_response *r,
		      char *err, size_t errlen)
{
	bool chunked = false, have_length = false;
	uint64_t length = 0;
	size_t pos = 0, n;
	const char *line;

	memset(r, 0, sizeof(*r));
	if (memcmp(buf, "HTTP/1.", len < 7 ? len : 7))
		return bad_response(err, errlen, "not HTTP/1.x");
	if (!next_line(buf, len, &pos, &line, &n))
		return incomplete(eof, "status line", err, errlen);
	if (!parse_status(line, n, &r->status))
		return bad_response(err, errlen, "bad status line");
	for (;;) {
		const char *name, *value;
		size_t name_len, value_len;

		if (!next_line(buf, len, &pos, &line, &n))
			return incomplete(eof, "headers", err, errlen);
		if (!n)
			break;
		for (name_len = 0; name_len < n && is_tchar(line[name_len]); name_len++)
			;
		if (!name_len || name_len == n || line[name_len] != ':')
			return bad_response(err, errlen, "bad header line");
		name = line;
		value = line + name_len + 1;
		value_len = n - name_len - 1;
		while (value_len && (*value == ' ' || *value == '\t'))
			value++, value_len--;
		while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
			value_len--;
		if (token_is(name, name_len, "Transfer-Encoding")) {
			/* no gzip & co: we never send Accept-Encoding */
			if (chunked || !token_is(value, value_len, "chunked"))
				return bad_response(err, errlen, "unsupported Transfer-Encoding");
			chunked = true;
		} else if (token_is(name, name_len, "Content-Length")) {
			uint64_t v = 0;

			if (!value_len)
				return bad_response(err, errlen, "bad Content-Length");
			for (size_t i = 0; i < value_len; i++) {
				if (!isdigit((unsigned char)value[i]) || v > (UINT64_MAX - 9) / 10)
					return bad_response(err, errlen, "bad Content-Length");
				v = v * 10 + (uint64_t)(value[i] - '0');
			}
			if (have_length && v != length)
				return bad_response(err, errlen, "conflicting Content-Length");
			have_length = true;
			length = v;
		}
	}
	/* RFC 9112 6.3: these never have a body */
	if (r->status < 200 || r->status == 204 || r->status == 304) {
		r->body = buf + pos;
		return 0;
	}
	if (chunked) /* wins over Content-Length (RFC 9112 6.3) */
		return chunked_body(buf, len, pos, eof, decode, r, err, errlen);
	if (have_length) {
		if (length > len - pos) {
			if (!eof)
				return -EAGAIN;
			set_err(err, errlen, "http: truncated response: body of %zu of %" PRIu64
				" bytes", len - pos, length);
			return -EPROTO;
		}
		r->body = buf + pos;
		r->body_len = (size_t)length;
		return 0;
	}
	if (!eof) /* the body runs to the end of the connection */
		return -EAGAIN;
	r->body = buf + pos;
	r->body_len = len - pos;
	return 0;
}

int vg_http_parse(char *buf, size_t len, struct vg_http_response *r, char *err, size_t errlen)
{
	if (!buf || !r) {
		set_err(err, errlen, "http: no response");
		return -EINVAL;
	}
	return http_parse(buf, len, true, true, r, err, errlen);
}

/* ---- HTTP client ---- */

struct http_uri {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char host[INET6_ADDRSTRLEN + 8]; /* the Host header: literal, [v6] and :port as given */
	char path[VG_ECS_URI_MAX + 1];
	const char *text; /* the uri, for messages */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * http://HOST[:PORT][/PATH] with HOST an IPv4 literal or [IPv6]: the endpoint
 * is always a link-local literal, and a name would need NSS, which a static
 * binary cannot load.
 */
static int uri_parse(const char *uri, struct http_uri *u, char *err, size_t errlen)
{
	const char *auth, *auth_end, *host, *host_end, *port_s = NULL, *p;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&u->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&u->addr;
	char literal[INET6_ADDRSTRLEN];
	size_t len = strnlen(uri, VG_ECS_URI_MAX + 1);
	unsigned long port = 80;

	memset(u, 0, sizeof(*u));
	u->text = uri;
	if (len > VG_ECS_URI_MAX) {
		set_err(err, errlen, "ecs: uri longer than %d bytes", VG_ECS_URI_MAX);
		return -ENAMETOOLONG;
	}
	if (strncasecmp(uri, "http://", 7)) {
		p = strstr(uri, "://");
		if (p)
			set_err(err, errlen,
				"ecs: uri \"%.*s\": scheme %.*s:// is not supported, only http://",
				ERR_URI_SHOWN, uri, (int)(p - uri < 16 ? p - uri : 16), uri);
		else
			set_err(err, errlen, "ecs: \"%.*s\" is not an http:// uri", ERR_URI_SHOWN,
				uri);
		return -EINVAL;
	}
	for (p = uri; *p; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
			set_err(err, errlen, "ecs: uri has a space or control byte at %zu",
				(size_t)(p - uri));
			return -EINVAL;
		}
	}
	auth = uri + 7;
	auth_end = auth + strcspn(auth, "/?#");
	if (*auth == '[') {
		host = auth + 1;
		host_end = memchr(host, ']', (size_t)(auth_end - host));
		if (host_end && host_end + 1 < auth_end) {
			if (host_end[1] != ':')
				host_end = NULL;
			else
				port_s = host_end + 2;
		}
	} else {
		host = auth;
		host_end = memchr(host, ':', (size_t)(auth_end - host));
		if (host_end)
			port_s = host_end + 1;
		else
			host_end = auth_end;
	}
	if (!host_end || host_end == host || (size_t)(host_end - host) >= sizeof(literal) ||
	    (size_t)(auth_end - auth) >= sizeof(u->host)) {
		set_err(err, errlen, "ecs: uri \"%.*s\": bad host", ERR_URI_SHOWN, uri);
		return -EINVAL;
	}
	if (port_s) {
		char *end;

		port = strtoul(port_s, &end, 10);
		if (end != auth_end || !isdigit((unsigned char)*port_s) || !port || port > 65535) {
			set_err(err, errlen, "ecs: uri \"%.*s\": bad port", ERR_URI_SHOWN, uri);
			return -EINVAL;
		}
	}
	memcpy(literal, host, (size_t)(host_end - host));
	literal[host_end - host] = '\0';
	if (*auth != '[' && inet_pton(AF_INET, literal, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		u->addrlen = sizeof(*in4);
	} else if (*auth == '[' && inet_pton(AF_INET6, literal, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		u->addrlen = sizeof(*in6);
	} else {
		set_err(err, errlen, "ecs: uri \"%.*s\": host is not an IP address (names are not "
			"resolved)", ERR_URI_SHOWN, uri);
		return -EINVAL;
	}
	copy_str(u->host, sizeof(u->host), auth, (size_t)(auth_end - auth));
	copy_str(u->path, sizeof(u->path), *auth_end ? auth_end : "/",
		 *auth_end ? strlen(auth_end) : 1);
	return 0;
}

/* Wait until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		struct pollfd pfd = { .fd = fd, .events = events };
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0; /* readiness or an error: the next call says which */
		if (!n)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int connect_by(int fd, const struct http_uri *u, int64_t deadline)
{
	int soerr = 0, rc;
	socklen_t sl = sizeof(soerr);

	if (!connect(fd, (const struct sockaddr *)&u->addr, u->addrlen))
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return -errno;
	rc = wait_fd(fd, POLLOUT, deadline);
	if (rc)
		return rc;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		return -errno;
	return -soerr;
}

static int send_by(int fd, const char *p, size_t n, int64_t deadline)
{
	while (n) {
		ssize_t sent = send(fd, p, n, MSG_NOSIGNAL);
		int rc;

		if (sent >= 0) {
			p += sent;
			n -= (size_t)sent;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		rc = wait_fd(fd, POLLOUT, deadline);
		if (rc)
			return rc;
	}
	return 0;
}

/* Read until the response is complete, the peer closes, or a limit is hit. */
static int recv_by(int fd, char *buf, size_t *lenp, int64_t deadline)
{
	struct vg_http_response probe;
	size_t len = 0;
	int rc;

	for (;;) {
		ssize_t got;

		/* checked on every pass: a peer that always has a byte never makes poll wait */
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		/* room for one byte past the limit, to tell "at" from "over" */
		got = recv(fd, buf + len, VG_ECS_RESPONSE_MAX + 1 - len, 0);
		if (got > 0) {
			len += (size_t)got;
			*lenp = len;
			if (len > VG_ECS_RESPONSE_MAX)
				return -EFBIG;
			if (http_parse(buf, len, false, false, &probe, NULL, 0) != -EAGAIN)
				return 0;
			continue;
		}
		if (!got)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		rc = wait_fd(fd, POLLIN, deadline);
		if (rc)
			return rc;
	}
}

/*
 * GET the uri's path + suffix. On 0, *bufp (the caller frees it) holds the
 * response and r points into it; the status is not checked here.
 */
static int http_get(const struct http_uri *u, const char *suffix, int64_t deadline, char **bufp,
		    struct vg_http_response *r, char *err, size_t errlen)
{
	char req[VG_ECS_URI_MAX + 512], why[128];
	size_t path_len = strlen(u->path), len = 0;
	int fd, n, rc;
	char *buf;

	*bufp = NULL;
	/* "<uri>/" + "/task" would ask for "//task" */
	if (*suffix && path_len > 1 && u->path[path_len - 1] == '/')
		path_len--;
	n = snprintf(req, sizeof(req),
		     "GET %.*s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: vigil\r\n"
		     "Accept: application/json\r\nConnection: close\r\n\r\n",
		     (int)path_len, u->path, suffix, u->host);
	if (n < 0 || (size_t)n >= sizeof(req)) {
		set_err(err, errlen, "ecs: GET %.*s%s: request too long", ERR_URI_SHOWN, u->text,
			suffix);
		return -ENAMETOOLONG;
	}
	buf = malloc(VG_ECS_RESPONSE_MAX + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out_err;
	}
	fd = socket(u->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto out_free;
	}
	rc = connect_by(fd, u, deadline);
	if (!rc)
		rc = send_by(fd, req, (size_t)n, deadline);
	if (!rc)
		rc = recv_by(fd, buf, &len, deadline);
	close(fd);
	if (rc == -EFBIG) {
		set_err(err, errlen, "ecs: GET %.*s%s: response larger than %d bytes",
			ERR_URI_SHOWN, u->text, suffix, VG_ECS_RESPONSE_MAX);
		goto out_free_quiet;
	}
	if (rc)
		goto out_free;
	rc = http_parse(buf, len, true, true, r, why, sizeof(why));
	if (rc) {
		set_err(err, errlen, "ecs: GET %.*s%s: %s", ERR_URI_SHOWN, u->text, suffix, why);
		goto out_free_quiet;
	}
	*bufp = buf;
	return 0;

out_free:
	free(buf);
out_err:
	set_err(err, errlen, "ecs: GET %.*s%s: %s", ERR_URI_SHOWN, u->text, suffix, strerror(-rc));
	return rc;
out_free_quiet:
	free(buf);
	return rc;
}

/* GET and check for 200: the body in *bufp / r on 0. */
static int http_get_ok(const struct http_uri *u, const char *suffix, int64_t deadline, char **bufp,
		       struct vg_http_response *r, char *err, size_t errlen)
{
	int rc = http_get(u, suffix, deadline, bufp, r, err, errlen);

	if (rc)
		return rc;
	if (r->status != 200) {
		set_err(err, errlen, "ecs: GET %.*s%s: HTTP %d", ERR_URI_SHOWN, u->text, suffix,
			r->status);
		free(*bufp);
		*bufp = NULL;
		return -EIO;
	}
	return 0;
}

int vg_ecs_fetch(const char *uri, struct vg_container *c, int timeout_ms, char *err,
		 size_t errlen)
{
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : VG_ECS_TIMEOUT_MS);
	struct vg_http_response r;
	struct http_uri *u;
	char why[512];
	char *buf;
	int rc;

	set_err(err, errlen, "%s", "");
	memset(c, 0, sizeof(*c));
	if (!uri) {
		set_err(err, errlen, "ecs: no uri");
		return -EINVAL;
	}
	u = malloc(sizeof(*u)); /* 2 KiB of path: not on the caller's stack */
	if (!u) {
		set_err(err, errlen, "ecs: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	rc = uri_parse(uri, u, err, errlen);
	if (rc)
		goto out;
	rc = http_get_ok(u, "", deadline, &buf, &r, err, errlen);
	if (rc)
		goto out;
	rc = vg_ecs_parse_container(r.body, r.body_len, c, err, errlen);
	free(buf);
	if (rc == -EBADMSG || !c->full_id[0]) {
		if (!rc)
			set_err(err, errlen, "ecs container: \"DockerId\" is empty");
		memset(c, 0, sizeof(*c));
		rc = rc ? rc : -ENOENT;
		goto out;
	}
	/* from here on, problems are warnings: the container itself answered */
	rc = http_get_ok(u, "/task", deadline, &buf, &r, why, sizeof(why));
	if (!rc) {
		rc = vg_ecs_parse_task(r.body, r.body_len, c, why, sizeof(why));
		free(buf);
	}
	if (rc)
		add_err(err, errlen, "%s", why);
	SET_CSTR(c->source, "ecs");
	rc = 0;
out:
	free(u);
	return rc;
}

/* ---- cgroups ---- */

/* "<prefix><64 hex>[.scope]" cgroup names, systemd and cgroupfs drivers. */
static const struct {
	const char *prefix, *runtime;
} scope_names[] = {
	{ "docker-", "docker" },	 { "cri-containerd-", "containerd" },
	{ "nerdctl-", "containerd" }, { "crio-", "cri-o" },
	{ "libpod-", "podman" },
};

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix);

	return n >= pn && !memcmp(s, prefix, pn);
}

/*
 * Whose a bare 64-hex cgroup name is, from where it sits: under "docker"
 * (cgroupfs driver), under /ecs/<task>/ (ECS on EC2, run by dockerd) or under
 * /kubepods... (a CRI runtime, cgroupfs driver). NULL anywhere else.
 */
static const char *bare_id_runtime(const char *path, const char *comp, const char *first,
				   size_t first_len)
{
	const char *parent_end = comp > path ? comp - 1 : comp, *parent = parent_end;

	while (parent > path && parent[-1] != '/')
		parent--;
	if (parent_end - parent == 6 && !memcmp(parent, "docker", 6))
		return "docker";
	if (comp == first)
		return NULL;
	if (first_len == 3 && !memcmp(first, "ecs", 3))
		return "docker";
	if (starts_with(first, first_len, "kubepods"))
		return "cri";
	return NULL;
}

/*
 * The container named by one cgroup path (len bytes, not NUL-terminated):
 * components are tried deepest first, so nested runtimes give the innermost.
 */
static bool cgroup_path_match(const char *path, size_t len, struct vg_container *c)
{
	const char *first = path, *first_end, *end = path + len, *runtime;
	size_t first_len;

	while (first < end && *first == '/')
		first++;
	first_end = memchr(first, '/', (size_t)(end - first));
	first_len = (size_t)((first_end ? first_end : end) - first);
	while (end > path) {
		const char *comp = end;
		size_t n;

		while (comp > path && comp[-1] != '/')
			comp--;
		n = (size_t)(end - comp);
		for (size_t i = 0; i < sizeof(scope_names) / sizeof(scope_names[0]); i++) {
			size_t pn = strlen(scope_names[i].prefix), hn;

			if (!starts_with(comp, n, scope_names[i].prefix))
				continue;
			hn = n - pn;
			if (hn == HEX64_LEN + 6 && !memcmp(comp + n - 6, ".scope", 6))
				hn = HEX64_LEN;
			if (is_hex64(comp + pn, hn)) {
				set_id(c, comp + pn, hn);
				SET_CSTR(c->runtime, scope_names[i].runtime);
				return true;
			}
		}
		runtime = is_hex64(comp, n) ? bare_id_runtime(path, comp, first, first_len) : NULL;
		if (runtime) {
			set_id(c, comp, n);
			SET_CSTR(c->runtime, runtime);
			return true;
		}
		end = comp > path ? comp - 1 : path;
	}
	return false;
}

int vg_container_from_cgroup(const char *text, struct vg_container *c)
{
	const char *line = text;

	memset(c, 0, sizeof(*c));
	if (!text)
		return -EINVAL;
	while (*line) {
		const char *eol = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', (size_t)(eol - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;

		/* "ID:controllers:path" (v1) or "0::path" (v2) */
		if (c2 && cgroup_path_match(c2 + 1, (size_t)(eol - c2 - 1), c)) {
			SET_CSTR(c->source, "cgroup");
			return 0;
		}
		line = *eol ? eol + 1 : eol;
	}
	return -ENOENT;
}

int vg_container_from_pid(const char *procfs, pid_t pid, struct vg_container *c, char *err,
			  size_t errlen)
{
	char path[PATH_MAX], *buf;
	size_t len = 0;
	int fd, rc;

	memset(c, 0, sizeof(*c));
	set_err(err, errlen, "%s", "");
	if (!procfs)
		procfs = "/proc";
	if (pid > 0)
		rc = snprintf(path, sizeof(path), "%s/%d/cgroup", procfs, (int)pid);
	else
		rc = snprintf(path, sizeof(path), "%s/self/cgroup", procfs);
	if (rc < 0 || (size_t)rc >= sizeof(path)) {
		set_err(err, errlen, "cgroup: path too long");
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		set_err(err, errlen, "%s: %s", path, strerror(-rc));
		/* the process is gone; -ENOENT means "no container" here */
		return rc == -ENOENT ? -ESRCH : rc;
	}
	buf = malloc(VG_CGROUP_FILE_MAX + 2);
	if (!buf) {
		rc = -ENOMEM;
		set_err(err, errlen, "%s: %s", path, strerror(-rc));
		goto out_close;
	}
	/* procfs sizes are 0: read to the end, one byte past the limit at most */
	rc = 0;
	while (len <= VG_CGROUP_FILE_MAX) {
		ssize_t got = read(fd, buf + len, VG_CGROUP_FILE_MAX + 1 - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			set_err(err, errlen, "%s: %s", path, strerror(-rc));
			goto out_free;
		}
		if (!got)
			break;
		len += (size_t)got;
	}
	if (len > VG_CGROUP_FILE_MAX) {
		set_err(err, errlen, "%s: larger than %d bytes", path, VG_CGROUP_FILE_MAX);
		rc = -EFBIG;
		goto out_free;
	}
	buf[len] = '\0';
	rc = vg_container_from_cgroup(buf, c);
	if (rc)
		set_err(err, errlen, "%s: no container in its cgroup paths", path);
out_free:
	free(buf);
out_close:
	close(fd);
	return rc;
}

/* ---- all sources ---- */

static bool from_env(struct vg_container *c)
{
	const char *id = getenv("VIGIL_CONTAINER_ID");
	const char *name = getenv("VIGIL_CONTAINER_NAME");
	const char *image = getenv("VIGIL_CONTAINER_IMAGE");

	memset(c, 0, sizeof(*c));
	if (!id || !*id)
		return false;
	set_id(c, id, strlen(id));
	SET_CSTR(c->name, name ? name : "");
	SET_CSTR(c->image, image ? image : "");
	container_split_image(c);
	SET_CSTR(c->source, "env");
	return true;
}

int vg_container_detect(struct vg_container *c, pid_t pid, char *err, size_t errlen)
{
	const char *uri = getenv("ECS_CONTAINER_METADATA_URI_V4");
	char why[512];
	int rc;

	set_err(err, errlen, "%s", "");
	if (uri && *uri) {
		rc = vg_ecs_fetch(uri, c, VG_ECS_TIMEOUT_MS, why, sizeof(why));
		if (why[0])
			add_err(err, errlen, "%s", why);
		if (!rc)
			return 0;
	}
	rc = vg_container_from_pid("/proc", pid, c, why, sizeof(why));
	if (rc && rc != -ENOENT) /* -ENOENT is an answer: not in a container we know */
		add_err(err, errlen, "%s", why);
	if (!rc || from_env(c)) {
		if (err && errlen && err[0])
			add_err(err, errlen, "using %s", c->source);
		return 0;
	}
	memset(c, 0, sizeof(*c));
	SET_CSTR(c->id, "host");
	SET_CSTR(c->full_id, "host");
	SET_CSTR(c->name, "host");
	SET_CSTR(c->source, "host");
	if (err && errlen && err[0])
		add_err(err, errlen, "using host");
	return 0;
}

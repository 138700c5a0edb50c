/*
 * keel-gateway: Keel over HTTP/JSON for systems without nng
 * (docs/gateway.md).  A process of its own rather than a mode of
 * keel-intake: it answers for every service (each request goes to the
 * service that owns its type), holds no state (the daemons keep the
 * idempotency records), scales and restarts apart from the daemons, and
 * its HTTP parser is kept out of the process that owns customers.
 *
 *  POST /v1/<type>        the JSON body, as the declaration says, becomes
 *                         the request's body; Idempotency-Key its key; the
 *                         answer is {ok, body} or {ok: false, error} with
 *                         an HTTP status per error code
 *  GET /v1/events         a service's events as Server-Sent Events,
 *                         resumable with Last-Event-ID
 *  GET /v1/openapi.json   the OpenAPI 3.1 document (schemas/openapi.json)
 *  GET /healthz, /metrics
 *
 * Callers authenticate with a key of auth.identities: "Authorization:
 * Bearer KEY-ID.SECRET", or X-Keel-Key, X-Keel-Timestamp and
 * X-Keel-Signature (HMAC-SHA256 of "TS\nMETHOD\nTARGET\nBODY", TARGET
 * the path with its query string as sent).  The gateway
 * signs each request with the caller's key, so the daemons check the
 * caller's rights themselves.  HTTP with libmicrohttpd (connection limits
 * and timeouts that nng 1.5.2's HTTP server lacks), JSON with jansson.
 */
#include "auth.h"
#include "bus.h"
#include "codec.h"
#include "config.h"
#include "envelope.h"
#include "ids.h"
#include "error.h"
#include "json.h"
#include "ktime.h"
#include "log.h"
#include "metrics.h"
#include "msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SERVICES 16

struct gateway {
	struct keel_config *cfg;
	struct keel_auth *auth; /* NULL: loopback, unsigned */
	struct keel_client *cli[MAX_SERVICES];
	size_t max_body;
	char *openapi;
	atomic_bool stopping;
};

/* One HTTP request's state, across libmicrohttpd's calls. */
struct call {
	char *body;
	size_t len, cap;
	bool too_large;
	bool started;
	char uri[2048]; /* as sent, with its query: what HMAC headers sign */
};

/* --- answers --- */

static enum MHD_Result
answer(struct MHD_Connection *conn, unsigned status, const char *type,
       const char *text, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)text, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static unsigned
status_of(const char *code)
{
	static const struct {
		const char *code;
		unsigned status;
	} map[] = {
	    {KEEL_E_INVALID_FIELD, 400},      {KEEL_E_MALFORMED, 400},
	    {KEEL_E_UNSUPPORTED_VERSION, 400}, {KEEL_E_UNAUTHORIZED, 401},
	    {KEEL_E_FORBIDDEN, 403},          {KEEL_E_NOT_FOUND, 404},
	    {KEEL_E_UNKNOWN_TYPE, 404},       {KEEL_E_INVALID_TRANSITION, 409},
	    {KEEL_E_CONFLICT, 409},           {KEEL_E_TOO_LARGE, 413},
	    {KEEL_E_UNAVAILABLE, 503},        {KEEL_E_TIMEOUT, 504},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].code, code) == 0)
			return map[i].status;
	return 500;
}

static enum MHD_Result
answer_error(struct MHD_Connection *conn, const struct keel_error *err)
{
	struct keel_json j;
	enum MHD_Result r;

	keel_json_init(&j, 0);
	keel_json_obj_open(&j);
	keel_json_key(&j, "ok");
	keel_json_bool(&j, false);
	keel_json_key(&j, "error");
	keel_json_obj_open(&j);
	keel_json_key(&j, "code");
	keel_json_string(&j, err->code);
	keel_json_key(&j, "message");
	keel_json_string(&j, err->message);
	if (err->field[0]) {
		keel_json_key(&j, "field");
		keel_json_string(&j, err->field);
	}
	keel_json_obj_close(&j);
	keel_json_obj_close(&j);
	r = answer(conn, status_of(err->code), "application/json",
	           keel_json_str(&j) ? keel_json_str(&j) : "{}",
	           keel_json_str(&j) ? j.len : 2);
	keel_json_release(&j);
	return r;
}

static enum MHD_Result
refuse(struct MHD_Connection *conn, const char *code, const char *field,
       const char *msg)
{
	struct keel_error err;

	keel_error_set(&err, code, field, "%s", msg);
	return answer_error(conn, &err);
}

static enum MHD_Result
too_large(const struct gateway *g, struct MHD_Connection *conn)
{
	struct keel_error err;

	keel_error_set(&err, KEEL_E_TOO_LARGE, NULL,
	               "body over the %zu-byte limit (gateway.max_body)",
	               g->max_body);
	return answer_error(conn, &err);
}

/* --- authentication --- */

/* Counted (/metrics) and logged like the daemons' refusals: once in
 * 10 s, never a secret. */
static void
log_refused(const char *why)
{
	static int64_t last;
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int64_t now = keel_time_mono_ms();
	bool emit;

	keel_metrics_inc(KEEL_M_UNAUTHORIZED, 1);
	pthread_mutex_lock(&lock);
	emit = last == 0 || now - last >= 10000;
	if (emit)
		last = now;
	pthread_mutex_unlock(&lock);
	if (emit)
		keel_log(KEEL_LOG_WARNING, "http request refused by auth",
		         "error", why, NULL);
}

/*
 * The caller's key: *ret NULL and true when the gateway runs without
 * identities (loopback); false with why when the caller is not
 * authenticated.  Never looks at anything of the secret but through
 * constant-time comparisons.
 */
static bool
caller(struct gateway *g, struct MHD_Connection *conn, const char *method,
       const char *url, const struct call *c,
       const struct keel_auth_key **ret, const char **why)
{
	const char *authz = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                                "Authorization");
	const char *kid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                              "X-Keel-Key");
	const struct keel_auth_key *k;

	*ret = NULL;
	if (!g->auth)
		return true;
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		const char *tok = authz + 7, *dot = strchr(tok, '.');
		char id[64];

		if (!dot || dot - tok >= (long)sizeof(id)) {
			*why = "Authorization: Bearer KEY-ID.SECRET expected";
			return false;
		}
		memcpy(id, tok, (size_t)(dot - tok));
		id[dot - tok] = '\0';
		if (!(k = keel_auth_key(g->auth, id)) ||
		    !keel_auth_key_secret_is(k, dot + 1, strlen(dot + 1))) {
			*why = "unknown key or wrong secret";
			return false;
		}
		*ret = k;
		return true;
	}
	if (kid) {
		const char *ts = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "X-Keel-Timestamp");
		const char *sig = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "X-Keel-Signature");
		uint8_t mac[KEEL_AUTH_SIG_LEN], got[KEEL_AUTH_SIG_LEN];
		const char *target = c->uri[0] ? c->uri : url;
		char *msg;
		size_t n, len;
		int64_t t, now = keel_time_now_ms();
		char *end;

		if (!ts || !sig || strlen(sig) != 2 * KEEL_AUTH_SIG_LEN) {
			*why = "X-Keel-Key needs X-Keel-Timestamp and a 64-hex "
			       "X-Keel-Signature";
			return false;
		}
		t = strtoll(ts, &end, 10);
		if (*end || t < now - keel_auth_window_ms(g->auth) ||
		    t > now + keel_auth_window_ms(g->auth)) {
			*why = "expired: X-Keel-Timestamp is outside the window";
			return false;
		}
		if (!(k = keel_auth_key(g->auth, kid))) {
			*why = "unknown key id";
			return false;
		}
		if (!keel_hex_decode(sig, 2 * KEEL_AUTH_SIG_LEN, got)) {
			*why = "X-Keel-Signature is not hex";
			return false;
		}
		n = strlen(ts) + strlen(method) + strlen(target) + 3;
		len = n + c->len;
		if (!(msg = malloc(len + 1))) {
			*why = "out of memory";
			return false;
		}
		snprintf(msg, n + 1, "%s\n%s\n%s\n", ts, method, target);
		if (c->len)
			memcpy(msg + n, c->body, c->len);
		keel_auth_key_hmac(k, msg, len, mac);
		free(msg);
		if (CRYPTO_memcmp(mac, got, sizeof(mac)) != 0) {
			*why = "bad signature";
			return false;
		}
		*ret = k;
		return true;
	}
	*why = "no credentials: Authorization: Bearer KEY-ID.SECRET, or the "
	       "X-Keel-Key, X-Keel-Timestamp and X-Keel-Signature headers";
	return false;
}

/* --- JSON to msgpack, guided by the declaration --- */

/* v as msgpack into e; f its declaration (NULL: unknown, as it comes).
 * A declared binary field is lower-case hex, as keelctl --json shows it. */
static bool
to_msgpack(struct keel_enc *e, json_t *v, const struct keel_field *f,
           const char *path, struct keel_error *err)
{
	char sub[160];

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *x;

		keel_enc_map(e, (uint32_t)json_object_size(v));
		json_object_foreach(v, k, x) {
			const struct keel_field *m =
			    f && f->type == KEEL_F_MAP
			        ? keel_msg_field(f->fields, k, strlen(k))
			        : NULL;

			snprintf(sub, sizeof(sub), "%s.%s", path, k);
			keel_enc_str(e, k);
			if (!to_msgpack(e, x, m, sub, err))
				return false;
		}
		return true;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;

		keel_enc_array(e, (uint32_t)json_array_size(v));
		json_array_foreach(v, i, x) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (!to_msgpack(e, x,
			                f && f->type == KEEL_F_ARRAY ? f->items
			                                             : NULL,
			                sub, err))
				return false;
		}
		return true;
	}
	case JSON_STRING: {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);

		if (f && f->type == KEEL_F_BIN) {
			uint8_t buf[65536];

			if (n / 2 > sizeof(buf) || !keel_hex_decode(s, n, buf))
				return keel_error_set(err, KEEL_E_INVALID_FIELD,
				                      path,
				                      "%s: binary is hex, of "
				                      "at most 65536 bytes",
				                      path);
			keel_enc_bin(e, buf, n / 2);
			return true;
		}
		keel_enc_strn(e, s, n);
		return true;
	}
	case JSON_INTEGER:
		keel_enc_int(e, json_integer_value(v));
		return true;
	case JSON_REAL:
		keel_enc_float(e, json_real_value(v));
		return true;
	case JSON_TRUE:
	case JSON_FALSE:
		keel_enc_bool(e, json_is_true(v));
		return true;
	case JSON_NULL:
		keel_enc_nil(e);
		return true;
	}
	return false;
}

/* --- POST /v1/<type> --- */

static struct keel_client *
client_for(struct gateway *g, const char *owner, const char *asked)
{
	const char *svc = strcmp(owner, "*") == 0 ? asked : owner;

	for (size_t i = 0; i < keel_services_count && i < MAX_SERVICES; i++)
		if (svc && strcmp(keel_services[i], svc) == 0)
			return g->cli[i];
	return NULL;
}

static enum MHD_Result
post(struct gateway *g, struct MHD_Connection *conn, const char *url,
     struct call *c)
{
	const char *type = url + 4, *why = NULL;
	const struct keel_msgdecl *d = keel_msg_find(type);
	const char *key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                              "Idempotency-Key");
	const char *svc = MHD_lookup_connection_value(
	    conn, MHD_GET_ARGUMENT_KIND, "service");
	const struct keel_auth_key *who;
	struct keel_field top = {.name = "body", .type = KEEL_F_MAP};
	struct keel_client *cli;
	struct keel_error err;
	struct keel_env rep;
	struct keel_enc *e;
	json_error_t jerr;
	json_t *root;
	const void *p;
	size_t n;
	enum MHD_Result r;

	if (c->too_large)
		return too_large(g, conn);
	if (!caller(g, conn, "POST", url, c, &who, &why)) {
		log_refused(why);
		return refuse(conn, KEEL_E_UNAUTHORIZED, "Authorization", why);
	}
	if (!d || d->kind != KEEL_MSG_REQUEST)
		return refuse(conn, KEEL_E_UNKNOWN_TYPE, "type",
		              "no such request type (GET /v1/openapi.json "
		              "lists them)");
	if (key && (strlen(key) == 0 || strlen(key) > 128))
		return refuse(conn, KEEL_E_INVALID_FIELD, "Idempotency-Key",
		              "Idempotency-Key: 1 to 128 characters");
	if (!(cli = client_for(g, d->owner, svc ? svc : "intake")))
		return refuse(conn, KEEL_E_INVALID_FIELD, "service",
		              "?service= names no Keel service");
	root = json_loadb(c->body ? c->body : "", c->len,
	                  JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		keel_error_set(&err, KEEL_E_MALFORMED, "body",
		               "body is not JSON: %s (line %d, column %d)",
		               jerr.text, jerr.line, jerr.column);
		return answer_error(conn, &err);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return refuse(conn, KEEL_E_MALFORMED, "body",
		              "body: a JSON object expected");
	}
	top.fields = d->body;
	e = keel_enc_new();
	keel_error_clear(&err);
	if (!e || !to_msgpack(e, root, &top, "body", &err)) {
		json_decref(root);
		keel_enc_free(e);
		return answer_error(conn, &err);
	}
	json_decref(root);
	p = keel_enc_data(e, &n);
	memset(&rep, 0, sizeof(rep));
	if (keel_client_call_as(cli, who, type, p, n, key, &rep, &err) < 0) {
		keel_enc_free(e);
		return answer_error(conn, &err);
	}
	keel_enc_free(e);
	if (!rep.ok) {
		r = answer_error(conn, &rep.error);
	} else {
		struct keel_json j;

		keel_json_init(&j, 0);
		keel_json_obj_open(&j);
		keel_json_key(&j, "ok");
		keel_json_bool(&j, true);
		keel_json_key(&j, "body");
		keel_json_value(&j, rep.body);
		keel_json_obj_close(&j);
		r = answer(conn, 200, "application/json",
		           keel_json_str(&j) ? keel_json_str(&j) : "{}",
		           keel_json_str(&j) ? j.len : 2);
		keel_json_release(&j);
	}
	keel_env_release(&rep);
	return r;
}

/* --- GET /v1/events: Server-Sent Events --- */

struct sse {
	struct gateway *g;
	struct keel_client *cli;
	const struct keel_auth_key *who;
	struct keel_sub *sub;
	char service[32];
	char since[48];
	char *pending;
	size_t plen, poff;
	int64_t last_write_ms;
};

static bool
stream_id(const char *s)
{
	const char *dash = strchr(s, '-');

	if (!dash || dash == s || strlen(s) > 41)
		return false;
	for (const char *p = s; *p; p++)
		if (p != dash && (*p < '0' || *p > '9'))
			return false;
	return dash[1] != '\0';
}

/* One events.since page into pending as SSE text; false on a failure. */
static bool
fill(struct sse *s)
{
	struct keel_enc *q = keel_enc_new();
	struct keel_env rep;
	struct keel_error err;
	const struct keel_obj *evs;
	const void *p;
	size_t n;
	bool ok;

	keel_enc_map(q, 2);
	keel_enc_kv_str(q, "since", s->since);
	keel_enc_kv_int(q, "limit", 100);
	p = keel_enc_data(q, &n);
	memset(&rep, 0, sizeof(rep));
	ok = keel_client_call_as(s->cli, s->who, "events.since", p, n, NULL,
	                         &rep, &err) == 0 &&
	     rep.ok;
	keel_enc_free(q);
	if (!ok) {
		keel_env_release(&rep);
		return false;
	}
	evs = keel_obj_get(rep.body, "events");
	for (size_t i = 0; i < keel_obj_len(evs); i++) {
		const struct keel_obj *ev = keel_obj_at(evs, i);
		char seq[48] = "", type[65] = "";
		struct keel_json j;
		char head[160];

		keel_obj_strcpy(keel_obj_get(ev, "seq"), seq, sizeof(seq));
		keel_obj_strcpy(keel_obj_get(ev, "type"), type, sizeof(type));
		keel_json_init(&j, 0);
		keel_json_value(&j, ev);
		snprintf(head, sizeof(head), "id: %s\nevent: %s\ndata: ", seq,
		         type);
		/* the writer's text, after the head, as one data line */
		if (keel_json_str(&j)) {
			size_t need = strlen(head) + j.len + 2;
			char *np = realloc(s->pending, s->plen + need + 1);

			if (np) {
				s->pending = np;
				memcpy(s->pending + s->plen, head, strlen(head));
				s->plen += strlen(head);
				memcpy(s->pending + s->plen, keel_json_str(&j),
				       j.len);
				s->plen += j.len;
				memcpy(s->pending + s->plen, "\n\n", 2);
				s->plen += 2;
			}
		}
		keel_json_release(&j);
	}
	keel_obj_strcpy(keel_obj_get(rep.body, "next"), s->since,
	                sizeof(s->since));
	keel_env_release(&rep);
	return true;
}

static ssize_t
sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse *s = cls;

	(void)pos;
	for (;;) {
		if (atomic_load(&s->g->stopping))
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (s->poff < s->plen) {
			size_t n = s->plen - s->poff;

			if (n > max)
				n = max;
			memcpy(buf, s->pending + s->poff, n);
			s->poff += n;
			if (s->poff == s->plen)
				s->poff = s->plen = 0;
			s->last_write_ms = keel_time_mono_ms();
			return (ssize_t)n;
		}
		if (!fill(s))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (s->plen > 0)
			continue;
		/* nothing new: wait for the service's live feed (only a
		 * wake-up), and say something every 15 s so proxies and
		 * the client know the stream lives */
		{
			struct keel_env ev;
			struct keel_error err;

			if (keel_sub_recv(s->sub, 1000, &ev, &err) == 0)
				keel_env_release(&ev);
		}
		if (keel_time_mono_ms() - s->last_write_ms >= 15000) {
			static const char ping[] = ": keep-alive\n\n";
			size_t n = sizeof(ping) - 1 < max ? sizeof(ping) - 1
			                                   : max;

			memcpy(buf, ping, n);
			s->last_write_ms = keel_time_mono_ms();
			return (ssize_t)n;
		}
	}
}

static void
sse_free(void *cls)
{
	struct sse *s = cls;

	keel_sub_free(s->sub);
	free(s->pending);
	free(s);
}

static enum MHD_Result
events(struct gateway *g, struct MHD_Connection *conn, const char *url,
       struct call *c)
{
	const char *svc = MHD_lookup_connection_value(
	    conn, MHD_GET_ARGUMENT_KIND, "service");
	const char *since = MHD_lookup_connection_value(
	    conn, MHD_GET_ARGUMENT_KIND, "since");
	const char *last = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                               "Last-Event-ID");
	const char *why = NULL, *pubs[16];
	const struct keel_auth_key *who;
	struct keel_client *cli;
	struct MHD_Response *r;
	struct keel_error err;
	struct sse *s;
	enum MHD_Result ret;
	size_t npub;

	if (!caller(g, conn, "GET", url, c, &who, &why)) {
		log_refused(why);
		return refuse(conn, KEEL_E_UNAUTHORIZED, "Authorization", why);
	}
	if (!svc || !(cli = client_for(g, svc, NULL)))
		return refuse(conn, KEEL_E_INVALID_FIELD, "service",
		              "?service= names the Keel service whose events "
		              "to stream");
	if (last)
		since = last; /* a reconnecting EventSource resumes */
	if (since && !stream_id(since))
		return refuse(conn, KEEL_E_INVALID_FIELD, "since",
		              "since (or Last-Event-ID): a stream id like "
		              "1700000000000-0");
	if (!(s = calloc(1, sizeof(*s))))
		return MHD_NO;
	s->g = g;
	s->cli = cli;
	s->who = who;
	snprintf(s->service, sizeof(s->service), "%s", svc);
	/* absent: from now on */
	if (since)
		snprintf(s->since, sizeof(s->since), "%s", since);
	else
		snprintf(s->since, sizeof(s->since), "%lld-0",
		         (long long)keel_time_now_ms());
	s->last_write_ms = keel_time_mono_ms();
	npub = keel_config_addrs(g->cfg, svc, "pub", pubs, 16);
	if (keel_sub_new(pubs, npub, 1 << 20, 64, &s->sub, &err) < 0 ||
	    keel_sub_subscribe(s->sub, "") < 0) {
		keel_sub_free(s->sub);
		free(s);
		return answer_error(conn, &err);
	}
	/* a stream has no idle end */
	MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, 0);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
	                                      sse_read, s, sse_free);
	if (!r) {
		sse_free(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* --- the server --- */

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload,
       size_t *upload_size, void **state)
{
	struct gateway *g = cls;
	struct call *c = *state;

	(void)version;
	if (!c)
		return MHD_NO; /* made by uri_seen */
	if (!c->started) {
		const char *cl = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "Content-Length");

		c->started = true;
		/* refused before the body is read: libmicrohttpd reads no
		 * more of it and closes the connection after the answer */
		if (cl && strtoull(cl, NULL, 10) > g->max_body)
			return too_large(g, conn);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!c->too_large && c->len + *upload_size > g->max_body)
			c->too_large = true;
		if (!c->too_large) {
			if (c->len + *upload_size > c->cap) {
				size_t cap = (c->len + *upload_size) * 2;
				char *n = realloc(c->body, cap);

				if (!n)
					return MHD_NO;
				c->body = n;
				c->cap = cap;
			}
			memcpy(c->body + c->len, upload, *upload_size);
			c->len += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	keel_metrics_inc(KEEL_M_REQUESTS, 1);
	if (strcmp(method, "POST") == 0 && strncmp(url, "/v1/", 4) == 0)
		return post(g, conn, url, c);
	if (strcmp(method, "GET") != 0)
		return refuse(conn, KEEL_E_NOT_FOUND, NULL,
		              "GET /v1/events, GET /v1/openapi.json or POST "
		              "/v1/<type>");
	if (strcmp(url, "/v1/events") == 0)
		return events(g, conn, url, c);
	if (strcmp(url, "/v1/openapi.json") == 0)
		return answer(conn, 200, "application/json", g->openapi,
		              strlen(g->openapi));
	if (strcmp(url, "/healthz") == 0)
		return answer(conn, 200, "text/plain", "ok\n", 3);
	if (strcmp(url, "/metrics") == 0) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		enum MHD_Result r;

		if (!f)
			return MHD_NO;
		keel_metrics_render(f);
		fclose(f);
		r = answer(conn, 200, "text/plain; version=0.0.4", text, len);
		free(text);
		return r;
	}
	return refuse(conn, KEEL_E_NOT_FOUND, NULL, "no such path");
}

/* Each request's state, made when its request line is read: the only
 * place libmicrohttpd shows the target with its query string. */
static void *
uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct call *c = calloc(1, sizeof(*c));

	(void)cls;
	(void)conn;
	if (c)
		snprintf(c->uri, sizeof(c->uri), "%s", uri);
	return c;
}

static void
done(void *cls, struct MHD_Connection *conn, void **state,
     enum MHD_RequestTerminationCode why)
{
	struct call *c = *state;

	(void)cls;
	(void)conn;
	(void)why;
	if (c) {
		free(c->body);
		free(c);
		*state = NULL;
	}
}

/* http://HOST:PORT into an IPv4 socket address. */
static bool
listen_addr(const char *url, struct sockaddr_in *sa)
{
	char host[64];
	const char *h = strstr(url, "://"), *colon;
	int port;

	if (!h)
		return false;
	h += 3;
	if (!(colon = strrchr(h, ':')) || colon - h >= (long)sizeof(host))
		return false;
	memcpy(host, h, (size_t)(colon - h));
	host[colon - h] = '\0';
	port = atoi(colon + 1);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	return port > 0 && port < 65536 &&
	       inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: keel-gateway [-f FILE] [-n] [-v]\n"
	           "  -f FILE  configuration file (default %s, or "
	           "KEEL_CONFIG)\n"
	           "  -n       check the configuration and exit\n"
	           "  -v       print the version and exit\n",
	           KEEL_CONFIG_DEFAULT_PATH);
}

int
main(int argc, char **argv)
{
	struct gateway g = {0};
	const char *path = NULL, *url;
	struct keel_error err;
	struct sockaddr_in sa;
	struct MHD_Daemon *mhd;
	struct keel_json j;
	bool check = false;
	sigset_t set;
	int c, sig;

	while ((c = getopt(argc, argv, "f:nvh")) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'v':
			printf("keel-gateway %s\n", KEEL_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (keel_config_load(path, &g.cfg, &err) < 0 ||
	    keel_bus_tls(keel_config_str(g.cfg, "bus.tls_ca"),
	                 keel_config_str(g.cfg, "bus.tls_cert"), &err) < 0 ||
	    keel_config_auth(g.cfg, "gateway", &g.auth, &err) < 0) {
		fprintf(stderr, "keel-gateway: %s\n", err.message);
		return 1;
	}
	url = keel_config_str(g.cfg, "gateway.http");
	if (!listen_addr(url, &sa)) {
		fprintf(stderr,
		        "keel-gateway: gateway.http: '%s' is not "
		        "http://IPV4:PORT\n",
		        url);
		return 1;
	}
	if (keel_config_local_only(g.auth, &url, 1, &err) < 0) {
		fprintf(stderr, "keel-gateway: %s\n", err.message);
		return 1;
	}
	if (check) {
		keel_config_print(g.cfg, stdout);
		keel_auth_free(g.auth);
		keel_config_free(g.cfg);
		return 0;
	}
	keel_log_init("gateway", keel_log_level_parse(keel_config_str(
	                             g.cfg, "log.level")));
	keel_metrics_init("gateway");
	g.max_body = (size_t)keel_config_int(g.cfg, "gateway.max_body");
	keel_json_init(&j, 2);
	keel_msg_openapi(&j);
	/* as schemas/openapi.json, its last newline too */
	if (asprintf(&g.openapi, "%s\n",
	             keel_json_str(&j) ? keel_json_str(&j) : "{}") < 0)
		g.openapi = NULL;
	keel_json_release(&j);
	if (!g.openapi) {
		keel_log(KEEL_LOG_ERR, "out of memory", NULL);
		return 1;
	}
	for (size_t i = 0; i < keel_services_count && i < MAX_SERVICES; i++) {
		const char *addrs[16];
		struct keel_client_opts o = {
		    .name = "keel-gateway",
		    .service = keel_services[i],
		    .addrs = addrs,
		    .timeout_ms = (int)keel_config_int(g.cfg, "bus.timeout_ms"),
		    .resend_ms = (int)keel_config_int(g.cfg, "bus.resend_ms"),
		    .max_msg =
		        (size_t)keel_config_int(g.cfg, "bus.max_msg_bytes"),
		    .auth = g.auth,
		};

		o.naddrs = keel_config_addrs(g.cfg, keel_services[i], "rep",
		                             addrs, 16);
		if (keel_client_new(&o, &g.cli[i], &err) < 0) {
			keel_log(KEEL_LOG_ERR, "cannot start", "error",
			         err.message, NULL);
			return 1;
		}
	}
	mhd = MHD_start_daemon(
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
	    0, NULL, NULL, handle, &g, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)keel_config_int(g.cfg, "gateway.max_conns"),
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)keel_config_int(g.cfg, "gateway.max_conns"),
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)(keel_config_int(g.cfg, "gateway.idle_ms") / 1000),
	    MHD_OPTION_URI_LOG_CALLBACK, uri_seen, &g,
	    MHD_OPTION_NOTIFY_COMPLETED, done, &g, MHD_OPTION_END);
	if (!mhd) {
		keel_log(KEEL_LOG_ERR, "cannot listen", "addr", url, "error",
		         strerror(errno), NULL);
		return 1;
	}
	keel_log(KEEL_LOG_INFO, "listening", "http", url, "auth",
	         g.auth ? "identities" : "none (loopback)", NULL);
	while (sigwait(&set, &sig) == 0 && sig != SIGTERM && sig != SIGINT)
		;
	keel_log(KEEL_LOG_INFO, "stopping", NULL);
	atomic_store(&g.stopping, true);
	MHD_stop_daemon(mhd);
	for (size_t i = 0; i < MAX_SERVICES; i++)
		keel_client_free(g.cli[i]);
	free(g.openapi);
	keel_auth_free(g.auth);
	keel_config_free(g.cfg);
	keel_bus_fini();
	return 0;
}

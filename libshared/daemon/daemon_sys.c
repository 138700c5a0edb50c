/* daemon_sys: the requests every daemon answers besides its service's:
 * sys.health, sys.stats, sys.echo and events.since. */
#include "daemon_int.h"

#include "auth.h"

#include "bus.h"
#include "codec.h"
#include "config.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "log.h"
#include "metrics.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
health_reply(struct keel_req *req, const struct keel_reply *reply,
             const struct keel_error *err)
{
	struct keel_daemon *d = keel_req_app(req);
	struct keel_enc *e = keel_req_reply(req);
	const char *s;
	bool redis = reply && (s = keel_reply_str(reply, NULL)) &&
	             strcmp(s, "PONG") == 0;

	char cause[200] = "";
	bool down = !redis && keel_store_why_down(d->store, cause, sizeof(cause));

	keel_enc_map(e, 10 + (down && cause[0]));
	if (down && cause[0])
		keel_enc_kv_str(e, "redis_error", cause);
	keel_enc_kv_str(e, "name", d->svc->name);
	keel_enc_kv_str(e, "instance", d->instance);
	keel_enc_kv_str(e, "version", KEEL_VERSION);
	keel_enc_kv_int(e, "pid", getpid());
	keel_enc_kv_int(e, "uptime_ms", keel_time_now_ms() - d->started_ms);
	keel_enc_kv_bool(e, "redis", redis);
	keel_enc_kv_bool(e, "ready", redis && d->listening);
	keel_enc_kv_str(e, "rep", d->rep);
	keel_enc_kv_str(e, "pub", d->pub_url);
	keel_enc_kv_str(e, "http", d->http_url ? d->http_url : "");
	keel_req_ok(req);
}

/* Health asks Redis through the same batcher the writes use. */
static void
on_sys_health(struct keel_req *req)
{
	static const char *const ping[] = {"PING"};

	keel_req_redis(req, 1, ping, NULL, health_reply);
}

static void
on_sys_stats(struct keel_req *req)
{
	struct keel_enc *e = keel_req_reply(req);

	keel_enc_map(e, 15);
	keel_enc_kv_int(e, "requests", keel_metrics_get(KEEL_M_REQUESTS));
	keel_enc_kv_int(e, "errors", keel_metrics_get(KEEL_M_ERRORS));
	keel_enc_kv_int(e, "bad_messages",
	                keel_metrics_get(KEEL_M_BAD_MESSAGES));
	keel_enc_kv_int(e, "events_published",
	                keel_metrics_get(KEEL_M_EVENTS_PUBLISHED));
	keel_enc_kv_int(e, "events_consumed",
	                keel_metrics_get(KEEL_M_EVENTS_CONSUMED));
	keel_enc_kv_int(e, "events_dead", keel_metrics_get(KEEL_M_EVENTS_DEAD));
	keel_enc_kv_int(e, "redis_reconnects",
	                keel_metrics_get(KEEL_M_REDIS_RECONNECTS));
	keel_enc_kv_int(e, "redis_batches",
	                keel_metrics_get(KEEL_M_REDIS_BATCHES));
	keel_enc_kv_int(e, "redis_commands",
	                keel_metrics_get(KEEL_M_REDIS_COMMANDS));
	keel_enc_kv_int(e, "tls_refused", keel_metrics_get(KEEL_M_TLS_REFUSED));
	keel_enc_kv_int(e, "listener_restarts",
	                keel_metrics_get(KEEL_M_RELISTENS));
	keel_enc_kv_int(e, "dialer_restarts", keel_metrics_get(KEEL_M_REDIALS));
	keel_enc_kv_int(e, "unauthorized",
	                keel_metrics_get(KEEL_M_UNAUTHORIZED));
	keel_enc_kv_int(e, "forbidden", keel_metrics_get(KEEL_M_FORBIDDEN));
	/* This request is in flight too; report the others. */
	keel_enc_kv_int(e, "inflight", keel_metrics_gauge(KEEL_G_INFLIGHT) - 1);
	keel_req_ok(req);
}

static void
on_sys_echo(struct keel_req *req)
{
	struct keel_daemon *d = keel_req_app(req);
	const struct keel_obj *body = keel_req_body(req);
	const struct keel_obj *data = keel_obj_get(body, "data");
	const struct keel_obj *note = keel_obj_get(body, "note");
	struct keel_enc *e = keel_req_reply(req);
	bool has_data = data && keel_obj_kind(data) == KEEL_OBJ_BIN;
	bool has_note = note && keel_obj_kind(note) == KEEL_OBJ_STR;

	keel_enc_map(e, 1 + has_data + has_note);
	keel_enc_kv_str(e, "instance", d->instance);
	if (has_data) {
		keel_enc_str(e, "data");
		keel_enc_obj(e, data);
	}
	if (has_note) {
		keel_enc_str(e, "note");
		keel_enc_obj(e, note);
	}
	keel_req_ok(req);
}

static bool
valid_stream_id(const char *s)
{
	size_t i = 0, dash = 0;

	for (; s[i]; i++) {
		if (s[i] == '-' && i > 0 && !dash)
			dash = i;
		else if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return dash > 0 && dash + 1 < i;
}

/* The id and stored envelope of one XRANGE entry [id, [field, value...]];
 * *env is NULL when the entry holds no readable envelope. */
static const char *
entry_env(const struct keel_reply *ent, const char **env, size_t *len)
{
	const struct keel_reply *f = keel_reply_at(ent, 1);

	*env = NULL;
	for (size_t k = 0; f && k + 1 < keel_reply_len(f); k += 2) {
		const char *name = keel_reply_str(keel_reply_at(f, k), NULL);

		if (name && strcmp(name, "env") == 0)
			*env = keel_reply_str(keel_reply_at(f, k + 1), len);
	}
	if (*env && keel_mp_check(*env, *len, KEEL_MP_MAX_DEPTH, NULL) < 0)
		*env = NULL;
	return keel_reply_str(keel_reply_at(ent, 0), NULL);
}

/* The value of field name in a stream entry's [field, value, ...]. */
static const char *
entry_field(const struct keel_reply *ent, const char *name, size_t *len)
{
	const struct keel_reply *f = keel_reply_at(ent, 1);

	for (size_t k = 0; k + 1 < keel_reply_len(f); k += 2) {
		const char *n = keel_reply_str(keel_reply_at(f, k), NULL);

		if (n && strcmp(n, name) == 0)
			return keel_reply_str(keel_reply_at(f, k + 1), len);
	}
	if (len)
		*len = 0;
	return NULL;
}

/* Whether the signer of req may read the entry's event: with auth on, an
 * identity reads only the types of its read= list; the others are passed
 * over like unreadable entries (next moves past them). */
static bool
entry_readable(const struct keel_req *req, const struct keel_reply *ent)
{
	const struct keel_daemon *d = keel_req_app(req);
	char type[65] = "";
	size_t n;
	const char *v;

	if (!d->auth)
		return true;
	v = entry_field(ent, "type", &n);
	if (v && n < sizeof(type)) {
		memcpy(type, v, n);
		type[n] = '\0';
	}
	return keel_identity_may_read(keel_req_identity(req), type);
}

static void
since_reply(struct keel_req *req, const struct keel_reply *r,
            const struct keel_error *err)
{
	struct keel_daemon *d = keel_req_app(req);
	struct keel_enc *e = keel_req_reply(req);
	/* A page must fit a client's message cap, whatever the events. */
	size_t budget =
	    (size_t)keel_config_int(d->cfg, "bus.max_msg_bytes") / 2;
	size_t n, take, good = 0, used = 0;
	const char *next = NULL, *env, *id;
	char since[42];
	size_t len;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_type(r) == KEEL_R_ERROR) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "reading events: %s",
		              keel_reply_str(r, NULL));
		return;
	}
	n = keel_reply_len(r);
	for (take = 0; take < n; take++) {
		id = entry_env(keel_reply_at(r, take), &env, &len);
		if (id && env && entry_readable(req, keel_reply_at(r, take))) {
			if (good > 0 && used + len > budget)
				break;
			used += len;
			good++;
		}
		/* Unreadable entries are passed over, never re-read. */
		if (id)
			next = id;
	}
	keel_enc_map(e, 2);
	keel_enc_str(e, "events");
	keel_enc_array(e, (uint32_t)good);
	for (size_t i = 0; i < take; i++) {
		id = entry_env(keel_reply_at(r, i), &env, &len);
		if (id && env && entry_readable(req, keel_reply_at(r, i)))
			keel_events_with_seq(env, len, id, e);
	}
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "since"), since,
	                sizeof(since));
	keel_enc_kv_str(e, "next", next ? next : since);
	keel_req_ok(req);
}

static void
on_events_since(struct keel_req *req)
{
	struct keel_daemon *d = keel_req_app(req);
	const struct keel_obj *body = keel_req_body(req);
	char since[48], key[96], count[24];
	int64_t limit = 100;

	keel_obj_strcpy(keel_obj_get(body, "since"), since + 1,
	                sizeof(since) - 1);
	if (!valid_stream_id(since + 1)) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.since",
		              "body.since: '%s' is not a stream id like "
		              "1700000000000-0",
		              since + 1);
		return;
	}
	since[0] = '('; /* exclusive: events after since */
	keel_obj_int(keel_obj_get(body, "limit"), &limit);
	snprintf(count, sizeof(count), "%lld", (long long)limit);
	keel_events_key(d->svc->name, key, sizeof(key));
	keel_req_redis(
	    req, 6, (const char *[]){"XRANGE", key, since, "+", "COUNT", count},
	    NULL, since_reply);
}


static void
dead_reply(struct keel_req *req, const struct keel_reply *r,
           const struct keel_error *err)
{
	static const char *const names[] = {"source", "seq", "type", "why"};
	struct keel_enc *e = keel_req_reply(req);
	int64_t limit = 100;
	size_t n;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	keel_obj_int(keel_obj_get(keel_req_body(req), "limit"), &limit);
	n = keel_reply_len(r);
	keel_enc_map(e, 2);
	keel_enc_str(e, "entries");
	keel_enc_array(e, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		const struct keel_reply *ent = keel_reply_at(r, i);

		keel_enc_map(e, 5);
		keel_enc_kv_str(e, "id", keel_reply_str_at(ent, 0, NULL));
		for (size_t k = 0; k < 4; k++) {
			size_t len;
			const char *v = entry_field(ent, names[k], &len);

			keel_enc_str(e, names[k]);
			keel_enc_strn(e, v ? v : "", v ? len : 0);
		}
	}
	keel_enc_kv_str(e, "next",
	                n > 0 && (int64_t)n == limit
	                    ? keel_reply_str_at(keel_reply_at(r, n - 1), 0,
	                                        NULL)
	                    : "");
	keel_req_ok(req);
}

static void
on_events_dead(struct keel_req *req)
{
	struct keel_daemon *d = keel_req_app(req);
	const struct keel_obj *body = keel_req_body(req);
	char after[48] = "", start[50], key[96], count[24];
	int64_t limit = 100;

	keel_obj_strcpy(keel_obj_get(body, "after"), after, sizeof(after));
	if (after[0] && !valid_stream_id(after)) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.after",
		              "body.after: '%s' is not a next from events.dead",
		              after);
		return;
	}
	keel_obj_int(keel_obj_get(body, "limit"), &limit);
	snprintf(start, sizeof(start), "%s%s", after[0] ? "(" : "",
	         after[0] ? after : "-");
	snprintf(count, sizeof(count), "%lld", (long long)limit);
	snprintf(key, sizeof(key), "keel:{%s}:dead", d->svc->name);
	keel_req_redis(
	    req, 6, (const char *[]){"XRANGE", key, start, "+", "COUNT", count},
	    NULL, dead_reply);
}

static void
replay_deleted(struct keel_req *req, const struct keel_reply *r,
               const struct keel_error *err)
{
	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	keel_req_ok(req); /* the reply body was written before the XDEL */
}

/* The dead entry read: its event through the consumer of its source,
 * then out of the dead-letter stream. */
static void
replay_read(struct keel_req *req, const struct keel_reply *r,
            const struct keel_error *err)
{
	struct keel_daemon *d = keel_req_app(req);
	const struct keel_reply *ent = keel_reply_at(r, 0);
	struct keel_consumer *c = NULL;
	struct keel_error why;
	const char *source, *seq, *env, *type;
	char id[48], key[96];
	size_t len;
	bool applied;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	if (!ent) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "no dead-letter entry %s in %s", id, d->svc->name);
		return;
	}
	source = entry_field(ent, "source", NULL);
	seq = entry_field(ent, "seq", NULL);
	type = entry_field(ent, "type", NULL);
	env = entry_field(ent, "env", &len);
	for (size_t i = 0; source && i < d->nconsumers; i++)
		if (strcmp(keel_consumer_source(d->consumers[i]), source) == 0)
			c = d->consumers[i];
	if (!c || !seq || !env) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.id",
		              "dead-letter entry %s cannot be replayed here "
		              "(source %s)",
		              id, source ? source : "unknown");
		return;
	}
	keel_error_clear(&why);
	if (keel_consumer_replay(c, env, len, seq, &applied, &why) < 0) {
		keel_req_fail_err(req, &why);
		return;
	}
	keel_log(KEEL_LOG_NOTICE, "dead-letter entry replayed", "id", id,
	         "type", type ? type : "", NULL);
	keel_enc_map(keel_req_reply(req), 3);
	keel_enc_kv_str(keel_req_reply(req), "id", id);
	keel_enc_kv_str(keel_req_reply(req), "type", type ? type : "");
	keel_enc_kv_bool(keel_req_reply(req), "applied", applied);
	snprintf(key, sizeof(key), "keel:{%s}:dead", d->svc->name);
	keel_req_redis(req, 3, (const char *[]){"XDEL", key, id}, NULL,
	               replay_deleted);
}

static void
on_events_replay(struct keel_req *req)
{
	struct keel_daemon *d = keel_req_app(req);
	char id[48], key[96];

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	if (!valid_stream_id(id)) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.id",
		              "body.id: '%s' is not an id from events.dead", id);
		return;
	}
	snprintf(key, sizeof(key), "keel:{%s}:dead", d->svc->name);
	keel_req_redis(req, 4, (const char *[]){"XRANGE", key, id, id}, NULL,
	               replay_read);
}

const struct keel_handler keel_sys_handlers[] = {
    {"sys.health", on_sys_health},
    {"sys.stats", on_sys_stats},
    {"sys.echo", on_sys_echo},
    {"events.since", on_events_since},
    {"events.dead", on_events_dead},
    {"events.replay", on_events_replay},
    {NULL, NULL},
};


/*
 * keel-notify: its requests (rules, the log, acknowledgements, the
 * dead-letter list, preview) and its inputs (every event of the other
 * daemons, each applied once through notify's consumer groups).
 */
#include "notify.h"

#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

/* A write whose request is the body and now. */
static void
write_body(struct keel_req *req, const char *fn)
{
	struct keel_enc *e = keel_enc_new();
	const void *p;
	size_t len;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_body_plus(e, keel_req_body(req), 1);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = fn,
	                    .event_prefix = "",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}

static void
packed(struct keel_req *req, const struct keel_reply *r,
       const struct keel_error *err)
{
	char id[210] = "";

	if (keel_req_reply_packed(req, r, err))
		return;
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id", "%s not found", id);
}

#define READ(name, fn)                                                         \
	static void name(struct keel_req *req)                                 \
	{                                                                      \
		keel_req_read(req, fn, 0, NULL, NULL, 0, packed);              \
	}
#define WRITE(name, fn)                                                        \
	static void name(struct keel_req *req)                                 \
	{                                                                      \
		write_body(req, fn);                                           \
	}

READ(rule_list, "notify_rule_list")
READ(rule_get, "notify_rule_get")
READ(log_read, "notify_log")
READ(dlq_list, "notify_dlq_list")
READ(dlq_show, "notify_dlq_show")
WRITE(rule_put, "notify_rule_put")
WRITE(ack, "notify_ack")
WRITE(dlq_replay, "notify_dlq_replay")

/* notify_preview's answer {event, rule, channel, to, id}, rendered. */
static void
previewed(struct keel_req *req, const struct keel_reply *r,
          const struct keel_error *err)
{
	struct keel_mp_doc *doc = NULL, *ev = NULL, *body = NULL;
	struct keel_enc *out = keel_req_reply(req);
	struct notify_message m;
	struct keel_error e;
	const char *p, *q;
	size_t len = 0, qlen;
	char id[300] = "", rule[70] = "", type[70] = "", evid[100] = "";
	const struct keel_obj *o;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_error(r, "notify.preview", &e)) {
		keel_req_fail_err(req, &e);
		return;
	}
	p = keel_reply_str(r, &len);
	if (!p || !len || keel_mp_decode(p, len, &doc) < 0) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.event",
		              "no such event kept, or no such rule");
		return;
	}
	o = keel_mp_doc_root(doc);
	keel_obj_strcpy(keel_obj_get(o, "id"), id, sizeof(id));
	keel_obj_strcpy(keel_obj_get(o, "rule"), rule, sizeof(rule));
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "event"), evid,
	                sizeof(evid));
	if (!keel_obj_str(keel_obj_get(o, "event"), &q, &qlen) ||
	    keel_mp_decode(q, qlen, &ev) < 0 ||
	    !keel_obj_str(keel_obj_get(keel_mp_doc_root(ev), "body"), &q,
	                  &qlen) ||
	    keel_mp_decode(q, qlen, &body) < 0) {
		keel_mp_doc_free(ev);
		keel_mp_doc_free(doc);
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "unreadable event");
		return;
	}
	keel_obj_strcpy(keel_obj_get(keel_mp_doc_root(ev), "type"), type,
	                sizeof(type));
	if (notify_render(id, evid, type, keel_mp_doc_root(body), rule, "",
	                  "", &m) < 0) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
	} else {
		keel_enc_map(out, 5);
		keel_enc_kv_str(out, "subject", m.subject);
		keel_enc_kv_str(out, "text", m.text);
		keel_enc_kv_str(out, "html", m.html);
		keel_enc_kv_str(out, "json", m.json);
		keel_enc_str(out, "to");
		keel_enc_obj(out, keel_obj_get(o, "to"));
		notify_message_free(&m);
		keel_req_ok(req);
	}
	keel_mp_doc_free(body);
	keel_mp_doc_free(ev);
	keel_mp_doc_free(doc);
}

void
notify_preview(struct keel_req *req)
{
	keel_req_read(req, "notify_preview", 0, NULL, NULL, 0, previewed);
}

const struct keel_handler notify_handlers[] = {
    {"notify.rule.put", rule_put},
    {"notify.rule.list", rule_list},
    {"notify.rule.get", rule_get},
    {"notify.log", log_read},
    {"notify.ack", ack},
    {"notify.dlq.list", dlq_list},
    {"notify.dlq.show", dlq_show},
    {"notify.dlq.replay", dlq_replay},
    {"notify.preview", notify_preview},
    {NULL, NULL},
};

/* --- inputs --- */

/* Every event of source: kept, matched, made deliveries
 * (notify_on_event in lua/events.lua). */
static enum keel_event_verdict
on_event(const char *source, const struct keel_env *ev,
         struct keel_effect *eff)
{
	struct keel_enc *e = keel_enc_new(), *b = keel_enc_new();
	enum keel_event_verdict v;
	const void *p;
	size_t len;

	if (!e || !b) {
		keel_enc_free(e);
		keel_enc_free(b);
		return KEEL_EVENT_RETRY;
	}
	keel_enc_obj(b, ev->body);
	keel_enc_map(e, 5);
	keel_enc_kv_str(e, "source", source);
	keel_enc_kv_str(e, "seq", ev->seq);
	keel_enc_kv_str(e, "type", ev->type);
	p = keel_enc_data(b, &len);
	keel_enc_str(e, "body");
	keel_enc_strn(e, p, len);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	v = keel_effect_request(eff, "notify_on_event", e);
	keel_enc_free(e);
	keel_enc_free(b);
	return v;
}

#define SOURCE(s)                                                              \
	static enum keel_event_verdict on_##s(const struct keel_env *ev,       \
	                                      struct keel_effect *eff)         \
	{                                                                      \
		return on_event(#s, ev, eff);                                  \
	}                                                                      \
	static const struct keel_route s##_routes[] = {                        \
	    {.prefix = "", .fn = on_##s}, {.prefix = NULL}};

SOURCE(intake)
SOURCE(pricing)
SOURCE(scheduling)
SOURCE(ticketing)
SOURCE(change)
SOURCE(billing)

const struct keel_subscription notify_subscriptions[] = {
    {.source = "intake", .routes = intake_routes},
    {.source = "pricing", .routes = pricing_routes},
    {.source = "scheduling", .routes = scheduling_routes},
    {.source = "ticketing", .routes = ticketing_routes},
    {.source = "change", .routes = change_routes},
    {.source = "billing", .routes = billing_routes},
    {.source = NULL},
};

/* events: the write kit's C side (lua/keel.lua is the other), envelope
 * heads, seq stamping, publish. */
#include "events.h"

#include "bus.h"
#include "error.h"
#include "log.h"
#include "msg.h"
#include "store.h"
#include "codec.h"
#include "envelope.h"
#include "ids.h"
#include "ktime.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
keel_events_key(const char *svc, char *buf, size_t size)
{
	snprintf(buf, size, "keel:{%s}:events", svc);
}

void
keel_events_head(struct keel_enc *out, const char *src)
{
	uint8_t id[KEEL_ID_LEN];

	keel_id_new(id);
	keel_enc_map(out, 6);
	keel_enc_kv_int(out, "v", KEEL_WIRE_VERSION);
	keel_enc_str(out, "id");
	keel_enc_bin(out, id, KEEL_ID_LEN);
	keel_enc_kv_str(out, "src", src);
	keel_enc_kv_int(out, "ts", keel_time_now_ms());
}

int
keel_events_with_seq(const void *env, size_t len, const char *seq,
                     struct keel_enc *out)
{
	const uint8_t *p = env;
	size_t head;
	uint32_t n;

	/* The stored envelope's bytes stay as they are: only its map header
	 * counts one pair more, and "seq" goes after the last pair (no
	 * decode and encode again for every event published). */
	if (keel_mp_check(env, len, KEEL_MP_MAX_DEPTH, NULL) < 0 || len < 1)
		return -EINVAL;
	if ((p[0] & 0xf0) == 0x80) {
		n = p[0] & 0x0f;
		head = 1;
	} else if (p[0] == 0xde && len >= 3) {
		n = (uint32_t)p[1] << 8 | p[2];
		head = 3;
	} else if (p[0] == 0xdf && len >= 5) {
		n = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[3] << 8 | p[4];
		head = 5;
	} else {
		return -EINVAL;
	}
	keel_enc_map(out, n + 1);
	keel_enc_raw(out, p + head, len - head);
	keel_enc_kv_str(out, "seq", seq);
	return keel_enc_error(out);
}

/* Test builds (KEEL_CHECK_EVENTS) hold every event a daemon emits to its
 * declaration: a body its Lua or C got wrong stops the daemon there, so
 * the test that caused it fails, instead of a consumer meeting it later. */
static const bool check_events = KEEL_CHECK_EVENTS;

static void
check_event(const char *type, const struct keel_obj *env)
{
	const struct keel_msgdecl *decl = keel_msg_find(type);
	struct keel_error err;

	keel_error_clear(&err);
	if (!decl || decl->kind != KEEL_MSG_EVENT)
		keel_error_set(&err, KEEL_E_UNKNOWN_TYPE, "type",
		               "%s is not a declared event", type);
	else if (keel_msg_validate(decl->body, keel_obj_get(env, "body"),
	                           "body", &err))
		return;
	keel_log(KEEL_LOG_ERR, "emitted event breaks its declaration", "type",
	         type, "field", err.field, "error", err.message, NULL);
	abort();
}

int
keel_events_publish(struct keel_pub *pub, const void *env, size_t len,
                    const char *seq)
{
	struct keel_enc *e = keel_enc_new();
	struct keel_mp_doc *doc = NULL;
	char type[65];
	const void *p;
	size_t n;
	int r = -ENOMEM;

	if (!e)
		return r;
	r = keel_events_with_seq(env, len, seq, e);
	if (r == 0) {
		p = keel_enc_data(e, &n);
		r = keel_mp_decode(p, n, &doc);
	}
	if (r == 0 &&
	    keel_obj_strcpy(keel_obj_get(keel_mp_doc_root(doc), "type"), type,
	                    sizeof(type))) {
		if (check_events)
			check_event(type, keel_mp_doc_root(doc));
		r = keel_pub_send(pub, type, p, n);
	}
	else if (r == 0)
		r = -EINVAL;
	keel_mp_doc_free(doc);
	keel_enc_free(e);
	return r;
}

void
keel_events_publish_pairs(struct keel_pub *pub, const struct keel_reply *r,
                          size_t from)
{
	for (size_t i = from; i + 1 < keel_reply_len(r); i += 2) {
		size_t idlen, envlen;
		const char *id = keel_reply_str(keel_reply_at(r, i), &idlen);
		const char *env =
		    keel_reply_str(keel_reply_at(r, i + 1), &envlen);

		if (id && idlen > 0 && env &&
		    keel_events_publish(pub, env, envlen, id) < 0)
			keel_log(KEEL_LOG_WARNING,
			         "event stored but not published", "seq", id,
			         NULL);
	}
}

static void
write_done(struct keel_req *req, const struct keel_reply *r,
           const struct keel_error *err)
{
	const struct keel_outbox *ob = keel_req_outbox(req);
	const char *status, *outcome;
	size_t olen;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	status = keel_reply_len(r) ? keel_reply_str(keel_reply_at(r, 0), NULL)
	                           : NULL;
	if (status && strcmp(status, "retry") == 0) {
		keel_req_retry(req, 100);
		return;
	}
	if (status && strcmp(status, "conflict") == 0) {
		keel_req_fail(req, KEEL_E_CONFLICT, "key",
		              "idempotency key '%s' was first used with "
		              "another body",
		              keel_req_env(req)->key);
		return;
	}
	outcome = keel_reply_len(r) > 1
	              ? keel_reply_str(keel_reply_at(r, 1), &olen)
	              : NULL;
	if (!outcome || olen < 2 ||
	    keel_mp_check(outcome + 1, olen - 1, KEEL_MP_MAX_DEPTH, NULL) < 0) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL,
		              "the write for %s returned no outcome",
		              keel_req_env(req)->type);
		return;
	}
	/* The events go first, then the answer: once a client has its
	 * answer, the events of its write are on their way to every
	 * subscriber, so that what it does next cannot overtake them. */
	if (strcmp(status, "new") == 0) {
		keel_events_publish_pairs(ob->pub, r, 2);
		if (ob->written)
			ob->written(ob->written_arg);
	}
	if (outcome[0] == 'O') {
		keel_enc_raw(keel_req_reply(req), outcome + 1, olen - 1);
		keel_req_ok(req);
	} else {
		struct keel_mp_doc *doc;
		struct keel_error e;
		const struct keel_obj *o;

		keel_error_clear(&e);
		if (keel_mp_decode(outcome + 1, olen - 1, &doc) == 0) {
			o = keel_mp_doc_root(doc);
			keel_obj_strcpy(keel_obj_get(o, "code"), e.code,
			                sizeof(e.code));
			keel_obj_strcpy(keel_obj_get(o, "field"), e.field,
			                sizeof(e.field));
			keel_obj_strcpy(keel_obj_get(o, "message"), e.message,
			                sizeof(e.message));
			keel_mp_doc_free(doc);
		}
		if (!e.code[0])
			snprintf(e.code, sizeof(e.code), "%s", KEEL_E_INTERNAL);
		keel_req_fail_err(req, &e);
	}
}

void
keel_write(struct keel_req *req, const struct keel_write *w)
{
	const struct keel_outbox *ob = keel_req_outbox(req);
	const struct keel_env *env = keel_req_env(req);
	const char *argv[64];
	size_t lens[64];
	char idem[320], stream[96], ttl[24];
	struct keel_enc *body = NULL, *head = NULL;
	const void *bp, *hp;
	size_t blen, hlen;
	int n = 0;

	if (!ob) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL,
		              "%s: this server has no outbox", env->type);
		return;
	}
	if (!env->has_key) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "key",
		              "key: %s changes state and needs an idempotency "
		              "key",
		              env->type);
		return;
	}
	if (w->nkeys + 7 > 64) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "write too wide");
		return;
	}
	body = keel_enc_new();
	head = keel_enc_new();
	if (!body || !head) {
		keel_enc_free(body);
		keel_enc_free(head);
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_obj(body, env->body);
	keel_events_head(head, ob->instance);
	bp = keel_enc_data(body, &blen);
	hp = keel_enc_data(head, &hlen);
	snprintf(idem, sizeof(idem), "keel:{%s}:idem:%s:%s", ob->service,
	         env->type, env->key);
	keel_events_key(ob->service, stream, sizeof(stream));
	snprintf(ttl, sizeof(ttl), "%lld", ob->idem_ttl_ms);
	argv[n] = idem;
	lens[n++] = strlen(idem);
	argv[n] = stream;
	lens[n++] = strlen(stream);
	for (int i = 0; i < w->nkeys; i++, n++) {
		argv[n] = w->keys[i];
		lens[n] = strlen(w->keys[i]);
	}
	argv[n] = bp;
	lens[n++] = blen;
	argv[n] = ttl;
	lens[n++] = strlen(ttl);
	argv[n] = hp;
	lens[n++] = hlen;
	argv[n] = w->event_prefix;
	lens[n++] = strlen(w->event_prefix);
	argv[n] = w->req ? w->req : bp;
	lens[n++] = w->req ? w->req_len : blen;
	keel_req_fcall(req, w->fn, 2 + w->nkeys, n, argv, lens, write_done);
	keel_enc_free(body);
	keel_enc_free(head);
}

void
keel_enc_body_plus(struct keel_enc *e, const struct keel_obj *body, uint32_t n)
{
	size_t have = keel_obj_kind(body) == KEEL_OBJ_MAP ? keel_obj_len(body)
	                                                  : 0;

	keel_enc_map(e, (uint32_t)have + n);
	for (size_t i = 0; i < have; i++) {
		keel_enc_obj(e, keel_obj_key_at(body, i));
		keel_enc_obj(e, keel_obj_val_at(body, i));
	}
}

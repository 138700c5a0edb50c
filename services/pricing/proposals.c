/*
 * keel-pricing prices proposals: each proposal.drafted of keel-intake
 * (read through pricing's consumer group) is queued; the tick prices the
 * queue with the current price book and emits proposal.priced, which
 * keel-intake stores with the version.  Queue and emission are one script
 * each: a version is priced once, whichever instance takes it, and a
 * queued one survives any restart.
 *
 * Keys: keel:{pricing}:to-price (sorted set of "<id>|<version>") and
 * keel:{pricing}:to-price:<id>|<version> (activities and connection).
 */
#include "pricing.h"

#include "codec.h"
#include "consumer.h"
#include "daemon.h"
#include "envelope.h"
#include "events.h"
#include "log.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum keel_event_verdict
on_drafted(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	struct keel_enc *e = keel_enc_new(), *req = keel_enc_new();
	char id[33] = "", member[64];
	int64_t v = 0;
	const void *p;
	size_t len;

	if (!e || !req) {
		keel_enc_free(e);
		keel_enc_free(req);
		return KEEL_EVENT_RETRY;
	}
	keel_obj_strcpy(keel_obj_get(b, "id"), id, sizeof(id));
	keel_obj_int(keel_obj_get(b, "version"), &v);
	snprintf(member, sizeof(member), "%s|%lld", id, (long long)v);
	keel_enc_map(e, 4);
	keel_enc_kv_str(e, "id", id);
	keel_enc_kv_int(e, "version", v);
	keel_enc_str(e, "connection");
	keel_enc_obj(e, keel_obj_get(b, "connection"));
	keel_enc_str(e, "activities");
	keel_enc_obj(e, keel_obj_get(b, "activities"));
	p = keel_enc_data(e, &len);
	eff->fn = "pricing_on_drafted";
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "member", member);
	keel_enc_str(req, "payload");
	keel_enc_strn(req, p, len);
	keel_enc_kv_int(req, "ts", ev->ts);
	p = keel_enc_data(req, &len);
	keel_effect_argn(eff, p, len);
	keel_enc_free(e);
	keel_enc_free(req);
	return KEEL_EVENT_DONE;
}

static const struct keel_route intake_routes[] = {
    {
        .prefix = "proposal.drafted",
        .fn = on_drafted,
    },
    {.prefix = NULL},
};

const struct keel_subscription pricing_subscriptions[] = {
    {.source = "intake", .routes = intake_routes},
    {.source = NULL},
};

struct pending {
	char members[32][64];
	int n;
};

static void
members_done(void *arg, const struct keel_reply *r,
             const struct keel_error *err)
{
	struct pending *p = arg;

	(void)err;
	for (size_t i = 0; r && i < keel_reply_len(r) && p->n < 32; i++)
		snprintf(p->members[p->n++], sizeof(p->members[0]), "%s",
		         keel_reply_str_at(r, i, NULL));
}

struct blob {
	char *data;
	size_t len;
	long long version;
	bool ok;
};

static void
blob_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct blob *b = arg;
	const char *s;
	size_t len;

	(void)err;
	b->ok = false;
	if (!r)
		return;
	if (keel_reply_type(r) == KEEL_R_ARRAY) { /* the book script */
		b->version = keel_reply_int(keel_reply_at(r, 0));
		s = keel_reply_str_at(r, 1, &len);
	} else
		s = keel_reply_str(r, &len);
	if (!s)
		return;
	b->data = malloc(len + 1);
	if (!b->data)
		return;
	memcpy(b->data, s, len);
	b->len = len;
	b->ok = true;
}

static void
published(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct keel_daemon *d = arg;

	(void)err;
	if (r && keel_reply_type(r) == KEEL_R_ARRAY)
		keel_events_publish_pairs(keel_daemon_pub(d), r, 1);
}

/* Prices one queued version with book b; false to keep it queued. */
static bool
price_one(struct keel_daemon *d, const char *member,
          const struct pricing_book *book, long long version)
{
	struct keel_store *s = keel_daemon_store(d);
	struct blob payload = {0};
	struct keel_mp_doc *doc = NULL;
	struct pricing_activity act[100];
	struct pricing_engagement q = {.act = act};
	struct keel_enc *e = NULL, *h = NULL;
	const struct keel_obj *o, *acts;
	char key[128], conn[16] = "";
	const void *bp, *hp, *rp;
	size_t blen, hlen, rlen;
	struct keel_enc *q_req = keel_enc_new();

	snprintf(key, sizeof(key), "keel:{pricing}:to-price:%s", member);
	keel_store_sync(s, 2, (const char *[]){"GET", key}, NULL, blob_done,
	                &payload);
	if (!payload.ok ||
	    keel_mp_decode(payload.data, payload.len, &doc) < 0) {
		free(payload.data);
		return false;
	}
	o = keel_mp_doc_root(doc);
	acts = keel_obj_get(o, "activities");
	keel_obj_strcpy(keel_obj_get(o, "connection"), conn, sizeof(conn));
	pricing_engagement_read(acts, conn, &q, 100);
	e = keel_enc_new();
	h = keel_enc_new();
	if (!e || !h || !q_req || pricing_quote_engagement(book, &q) < 0) {
		keel_log(KEEL_LOG_WARNING, "proposal not priced", "proposal",
		         member, NULL);
		keel_enc_free(e);
		keel_enc_free(h);
		keel_enc_free(q_req);
		keel_mp_doc_free(doc);
		free(payload.data);
		return false;
	}
	keel_enc_map(e, 3);
	keel_enc_str(e, "id");
	keel_enc_obj(e, keel_obj_get(o, "id"));
	keel_enc_str(e, "version");
	keel_enc_obj(e, keel_obj_get(o, "version"));
	keel_enc_str(e, "quote");
	pricing_engagement_encode(e, book, version, &q);
	bp = keel_enc_data(e, &blen);
	keel_events_head(h, keel_daemon_instance(d));
	hp = keel_enc_data(h, &hlen);
	keel_enc_reset(q_req);
	keel_enc_map(q_req, 3);
	keel_enc_kv_str(q_req, "member", member);
	keel_enc_str(q_req, "head");
	keel_enc_strn(q_req, hp, hlen);
	keel_enc_str(q_req, "body");
	keel_enc_strn(q_req, bp, blen);
	rp = keel_enc_data(q_req, &rlen);
	keel_store_fcall(s, "pricing_priced", 1,
	                 2, (const char *[]){"keel:{pricing}:to-price", rp},
	                 (const size_t[]){23, rlen}, published, d);
	keel_enc_free(q_req);
	keel_enc_free(e);
	keel_enc_free(h);
	keel_mp_doc_free(doc);
	free(payload.data);
	return true;
}

int64_t
pricing_tick(struct keel_daemon *d)
{
	struct keel_store *s = keel_daemon_store(d);
	struct pending p = {.n = 0};
	struct blob book = {0};
	struct pricing_book b;

	if (!keel_store_up(s))
		return 0;
	keel_store_sync(
	    s, 4,
	    (const char *[]){"ZRANGE", "keel:{pricing}:to-price", "0", "31"},
	    NULL, members_done, &p);
	if (p.n == 0)
		return -1; /* nothing queued: until a drafted proposal wakes it */
	keel_store_fcall_sync(s, "pricing_book_get", 1,
	                      2, (const char *[]){"keel:{pricing}:book:current",
	                                          "\x80"},
	                      NULL, blob_done, &book);
	if (!pricing_book_stored(book.ok ? book.data : NULL, book.len, &b)) {
		keel_log(KEEL_LOG_ERR, "the current price book is unreadable",
		         NULL);
		free(book.data);
		return 5000;
	}
	for (int i = 0; i < p.n; i++)
		price_one(d, p.members[i], &b, book.ok ? book.version : 0);
	free(book.data);
	return p.n == 32 ? 0 : -1;
}

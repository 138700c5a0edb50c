/* t_lua_pricing: keel_pricing's functions on their own, in a throwaway
 * Redis: price book versions, replays and conflicts of the write kit, the
 * queue of proposals to price and its once-only proposal.priced. */
#include "codec.h"
#include "harness.h"
#include "harness_lua.h"
#include "tap.h"

static redisContext *c;
static struct keel_enc *req;

static struct harness_outcome
put_book(const char *key, const char *blob, const char *currency)
{
	struct harness_outcome o;

	keel_enc_reset(req);
	keel_enc_map(req, 2);
	keel_enc_str(req, "book");
	keel_enc_strn(req, blob, strlen(blob));
	keel_enc_kv_str(req, "currency", currency);
	harness_lua_write(c, "pricing", "pricing_book_put", key, "pricebook.",
	                  0, NULL, req, &o);
	return o;
}

static redisReply *
get_book(long long version)
{
	keel_enc_reset(req);
	keel_enc_map(req, version ? 1 : 0);
	if (version)
		keel_enc_kv_int(req, "version", version);
	return harness_fcall(c, "pricing_book_get", 1,
	                     (const char *[]){"keel:{pricing}:book:current"},
	                     req);
}

int
main(void)
{
	struct harness_redis redis = {0};
	struct harness_outcome o;
	redisReply *r;
	int64_t v = 0;

	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	c = harness_lua_open(&redis, "pricing");
	req = keel_enc_new();

	r = get_book(0);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	       r->element[0]->integer == 0,
	   "no book stored yet: version 0 (the defaults)");
	freeReplyObject(r);

	o = put_book("k1", "BOOK-1", "EUR");
	keel_obj_int(keel_obj_get(o.reply, "version"), &v);
	ok(strcmp(o.status, "new") == 0 && o.ok && v == 1 && o.events == 1,
	   "pricebook.put stores version 1 and emits pricebook.updated");
	harness_outcome_release(&o);
	o = put_book("k1", "BOOK-1", "EUR");
	ok(strcmp(o.status, "replay") == 0 && o.ok,
	   "  the same key and body again: the first outcome, no new write");
	harness_outcome_release(&o);
	o = put_book("k1", "BOOK-X", "EUR");
	is_str(o.status, "conflict", "  the same key with another body");
	harness_outcome_release(&o);
	o = put_book("k2", "BOOK-2", "CHF");
	keel_obj_int(keel_obj_get(o.reply, "version"), &v);
	is_int(v, 2, "a second put is version 2");
	harness_outcome_release(&o);
	is_int(harness_redis_int(&redis, "XLEN keel:{pricing}:events"), 2,
	       "  two events in pricing's stream");

	r = get_book(0);
	ok(r && r->elements == 2 && r->element[0]->integer == 2 &&
	       strcmp(r->element[1]->str, "BOOK-2") == 0,
	   "the current book is version 2");
	freeReplyObject(r);
	r = get_book(1);
	ok(r && r->elements == 2 && strcmp(r->element[1]->str, "BOOK-1") == 0,
	   "version 1 is kept");
	freeReplyObject(r);
	r = get_book(9);
	ok(r && r->elements == 2 && r->element[0]->integer == -1,
	   "version 9: none (-1)");
	freeReplyObject(r);

	/* The queue: the effect of proposal.drafted, then the tick's emit. */
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "member", "P-000001|1");
	keel_enc_kv_str(req, "payload", "ACTS");
	keel_enc_kv_int(req, "ts", 1000);
	r = harness_lua_effect(c, "pricing", "pricing_on_drafted", "1-0", 0,
	                       NULL, req);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1,
	   "proposal.drafted is queued");
	freeReplyObject(r);
	r = harness_lua_effect(c, "pricing", "pricing_on_drafted", "1-0", 0,
	                       NULL, req);
	ok(r && r->type == REDIS_REPLY_INTEGER && r->integer == 0,
	   "  its redelivery changes nothing (done mark)");
	freeReplyObject(r);
	is_int(harness_redis_int(&redis, "ZCARD keel:{pricing}:to-price"), 1,
	       "  one version waits to be priced");
	for (int i = 0; i < 2; i++) {
		keel_enc_reset(req);
		keel_enc_map(req, 3);
		keel_enc_kv_str(req, "member", "P-000001|1");
		keel_enc_kv_str(req, "head", "\x84");
		keel_enc_str(req, "body");
		keel_enc_strn(req, "\x80", 1);
		r = harness_fcall(c, "pricing_priced", 1,
		                  (const char *[]){"keel:{pricing}:to-price"},
		                  req);
		is_int(r && r->type == REDIS_REPLY_ARRAY ? (long long)r->elements
		                                         : -1,
		       i == 0 ? 3 : 1,
		       i == 0 ? "pricing it emits proposal.priced"
		              : "  pricing it again emits nothing");
		freeReplyObject(r);
	}
	is_int(harness_redis_int(&redis, "EXISTS keel:{pricing}:to-price:"
	                                 "P-000001|1"),
	       0, "  and its payload is gone");

	redisFree(c);
	keel_enc_free(req);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

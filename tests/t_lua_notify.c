/* t_lua_notify: keel_notify's shipped rules on their own, in a throwaway
 * Redis: a new store gets every shipped rule with the first rule put; a
 * store seeded by an earlier version (seeded = 1, without report-ready)
 * gets the rules shipped since, once, and an operator's version of a
 * shipped rule stays as the operator left it.  The rules the library
 * parsed are used again only while keel:{notify}:rules:ver holds: a put,
 * a FLUSHALL or a deleted rules:ver makes it read them again. */
#include "codec.h"
#include "harness.h"
#include "harness_lua.h"
#include "tap.h"

#include <string.h>

static redisContext *c;
static struct keel_enc *req;

/* notify.rule.put of a journal rule id on event prefix ev. */
static bool
put(const char *id, const char *ev)
{
	struct harness_outcome o;
	char key[64];
	bool r;

	keel_enc_reset(req);
	keel_enc_map(req, 5);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_str(req, "event", ev);
	keel_enc_str(req, "to");
	keel_enc_array(req, 1);
	keel_enc_map(req, 1);
	keel_enc_kv_str(req, "kind", "assignee");
	keel_enc_kv_str(req, "channel", "journal");
	keel_enc_kv_int(req, "now", 1);
	snprintf(key, sizeof(key), "put-%s-%s", id, ev);
	r = harness_lua_write(c, "notify", "notify_rule_put", key, "notify.", 0,
	                      NULL, req, &o) &&
	    o.ok;
	harness_outcome_release(&o);
	return r;
}

/* The rule id as notify_rule_list shows it, or NULL. */
static const struct keel_obj *
listed(struct keel_mp_doc **doc, const char *id)
{
	redisReply *r = harness_fcall(c, "notify_rule_list", 0, NULL, NULL);
	const struct keel_obj *rules;

	*doc = NULL;
	if (!r || r->type != REDIS_REPLY_STRING ||
	    keel_mp_decode(r->str, r->len, doc) < 0) {
		if (r)
			freeReplyObject(r);
		return NULL;
	}
	freeReplyObject(r);
	rules = keel_obj_get(keel_mp_doc_root(*doc), "rules");
	for (size_t i = 0; i < keel_obj_len(rules); i++)
		if (keel_obj_streq(keel_obj_get(keel_obj_at(rules, i), "id"), id))
			return keel_obj_at(rules, i);
	return NULL;
}

int
main(void)
{
	struct harness_redis redis = {0};
	struct keel_mp_doc *doc;
	const struct keel_obj *r;
	long long shipped;

	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	c = harness_lua_open(&redis, "notify");
	req = keel_enc_new();

	ok(put("mine", "ticket.closed"), "a new store: a rule put");
	shipped = harness_redis_int(&redis, "HLEN keel:{notify}:rules") - 1;
	ok(shipped >= 14, "  every shipped rule stored with it (%lld)", shipped);
	r = listed(&doc, "report-ready");
	ok(r && keel_obj_streq(keel_obj_get(r, "event"), "report.ready"),
	   "  report-ready among them");
	keel_mp_doc_free(doc);
	is_int(harness_redis_int(&redis, "GET keel:{notify}:seeded"), shipped,
	       "  seeded counts the shipped rules");

	/* a store seeded by an earlier version, ticket-created changed by an
	 * operator (version 2, journal) */
	harness_redis_int(&redis, "FLUSHALL"); /* the library stays */
	ok(put("ticket-created", "ticket.created"),
	   "an older store: the operator's ticket-created");
	harness_redis_int(&redis, "DEL keel:{notify}:seeded-ids");
	harness_redis_int(&redis, "EVAL %s 2 %s %s",
	                  "local ids = redis.call('HKEYS', KEYS[1]) "
	                  "for _, id in ipairs(ids) do "
	                  "if id ~= 'ticket-created' then "
	                  "redis.call('HDEL', KEYS[1], id) "
	                  "redis.call('DEL', KEYS[2] .. id) end end "
	                  "return #ids",
	                  "keel:{notify}:rules", "keel:{notify}:rulever:");
	harness_redis_int(&redis, "SET keel:{notify}:seeded 1");
	is_int(harness_redis_int(&redis, "HLEN keel:{notify}:rules"), 1,
	       "  it holds only that rule and seeded = 1 (as before the "
	       "upgrade)");
	ok(put("other", "invoice."), "the next rule put after the upgrade");
	r = listed(&doc, "report-ready");
	ok(r != NULL, "  report-ready is stored");
	keel_mp_doc_free(doc);
	r = listed(&doc, "ticket-created");
	ok(r && keel_obj_streq(keel_obj_get(r, "channel"), "journal"),
	   "  the operator's ticket-created is left alone (journal)");
	keel_mp_doc_free(doc);
	is_int(harness_redis_int(&redis, "LLEN keel:{notify}:rulever:"
	                                 "report-ready"),
	       1, "  report-ready has one version");
	ok(put("third", "rfc."), "another rule put");
	is_int(harness_redis_int(&redis, "LLEN keel:{notify}:rulever:"
	                                 "report-ready"),
	       1, "  nothing stored twice");

	/* The library keeps the rules it parsed while rules:ver holds. */
	r = listed(&doc, "fourth");
	ok(r == NULL, "the parsed rules: read once (no rule 'fourth' yet)");
	keel_mp_doc_free(doc);
	ok(put("fourth", "ticket."), "  a rule put");
	r = listed(&doc, "fourth");
	ok(r != NULL, "  is read at once (the put changed rules:ver)");
	keel_mp_doc_free(doc);
	harness_redis_int(&redis, "FLUSHALL");
	ok(put("fifth", "ticket."), "after a FLUSHALL, a rule put");
	r = listed(&doc, "fourth");
	ok(r == NULL, "  the rules parsed before the flush are not taken for "
	              "today's (fourth is gone)");
	keel_mp_doc_free(doc);
	harness_redis_int(&redis, "HDEL keel:{notify}:rules fifth");
	harness_redis_int(&redis, "DEL keel:{notify}:rules:ver");
	r = listed(&doc, "fifth");
	ok(r == NULL, "a rule removed by hand, and rules:ver deleted: gone");
	keel_mp_doc_free(doc);

	keel_enc_free(req);
	redisFree(c);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

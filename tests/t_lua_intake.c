/* t_lua_intake: keel_intake's functions on their own, in a throwaway
 * Redis: customers and their calendars, support requests, the
 * eligible-products list, assessments, proposals through their whole
 * life, keel-pricing's quote coming back once, and every read. */
#include "codec.h"
#include "harness.h"
#include "harness_lua.h"
#include "tap.h"

static redisContext *c;
static struct keel_enc *req;

static const char *const customer_keys[] = {"keel:{intake}:seq:customer",
                                            "keel:{intake}:customers"};

/* Calls the write fn with req as it stands. */
static struct harness_outcome
write_fn(const char *fn, const char *key, const char *prefix, int nkeys,
         const char *const *keys)
{
	struct harness_outcome o;

	if (!harness_lua_write(c, "intake", fn, key, prefix, nkeys, keys, req,
	                       &o))
		diag("%s: %s", fn, o.message);
	return o;
}

/* The string field of the last outcome's reply ("" when absent). */
static const char *
reply_str(const struct harness_outcome *o, const char *name)
{
	static char buf[64];

	buf[0] = '\0';
	keel_obj_strcpy(keel_obj_get(o->reply, name), buf, sizeof(buf));
	return buf;
}

static long long
reply_int(const struct harness_outcome *o, const char *name)
{
	int64_t v = -1;

	keel_obj_int(keel_obj_get(o->reply, name), &v);
	return v;
}

/* A refusal with code and field, its message containing what. */
static void
refused(struct harness_outcome *o, const char *code, const char *field,
        const char *what, const char *name)
{
	ok(strcmp(o->status, "new") == 0 && !o->ok &&
	       strcmp(o->code, code) == 0 && strcmp(o->field, field) == 0 &&
	       strstr(o->message, what) && o->events == 0,
	   "%s: refused %s %s", name, code, field);
	if (o->ok || strcmp(o->code, code) != 0)
		diag("got %s %s %s '%s'", o->status, o->code, o->field,
		     o->message);
	harness_outcome_release(o);
}

/* One field of a hash, copied ("" when absent). */
static const char *
hget(const char *key, const char *field)
{
	static char buf[256];
	redisReply *r = redisCommand(c, "HGET %s %s", key, field);

	snprintf(buf, sizeof(buf), "%s",
	         r && r->type == REDIS_REPLY_STRING ? r->str : "");
	freeReplyObject(r);
	return buf;
}

static struct harness_outcome
customer_put(const char *key, const char *id, const char *name)
{
	keel_enc_reset(req);
	keel_enc_map(req, 5 + (id != NULL));
	if (id)
		keel_enc_kv_str(req, "id", id);
	keel_enc_kv_str(req, "name", name);
	keel_enc_kv_str(req, "timezone", "Europe/Zurich");
	keel_enc_str(req, "contacts");
	keel_enc_strn(req, "\x90", 1);
	keel_enc_kv_str(req, "sla_policy", "default");
	keel_enc_kv_int(req, "now", 1764000000123);
	return write_fn("intake_customer_put", key, "customer.", 2,
	                customer_keys);
}

static redisReply *
customer_list(const char *after, int limit)
{
	keel_enc_reset(req);
	keel_enc_map(req, 2);
	keel_enc_kv_str(req, "after", after);
	keel_enc_kv_int(req, "limit", limit);
	return harness_fcall(c, "intake_customer_list", 1,
	                     (const char *[]){"keel:{intake}:customers"}, req);
}

static struct harness_outcome
calendar_put(const char *key, const char *customer)
{
	char ckey[80], kkey[80];

	snprintf(ckey, sizeof(ckey), "keel:{intake}:customer:%s", customer);
	snprintf(kkey, sizeof(kkey), "keel:{intake}:calendar:%s", customer);
	keel_enc_reset(req);
	keel_enc_map(req, 4);
	keel_enc_kv_str(req, "customer", customer);
	/* [{day: mon, open: 08:00, close: 17:00}] and [2026-12-25] */
	keel_enc_str(req, "hours");
	keel_enc_strn(req,
	              "\x91\x83\xa3"
	              "day\xa3"
	              "mon\xa4open\xa5"
	              "08:00\xa5"
	              "close\xa5"
	              "17:00",
	              33);
	keel_enc_str(req, "holidays");
	keel_enc_strn(req, "\x91\xaa" "2026-12-25", 12);
	keel_enc_kv_int(req, "now", 1764000000123);
	return write_fn("intake_calendar_put", key, "calendar.", 2,
	                (const char *[]){ckey, kkey});
}

static redisReply *
calendar_get(const char *customer)
{
	char ckey[80], kkey[80];

	snprintf(ckey, sizeof(ckey), "keel:{intake}:customer:%s", customer);
	snprintf(kkey, sizeof(kkey), "keel:{intake}:calendar:%s", customer);
	return harness_fcall(c, "intake_calendar_get", 2,
	                     (const char *[]){kkey, ckey}, NULL);
}

static struct harness_outcome
request_submit(const char *key, const char *customer)
{
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "customer", customer);
	keel_enc_kv_int(req, "received_ms", 1764000000456);
	keel_enc_str(req, "event");
	keel_enc_map(req, 4);
	keel_enc_kv_str(req, "customer", customer);
	keel_enc_kv_str(req, "channel", "email");
	keel_enc_kv_str(req, "symptoms", "the scanner stopped");
	keel_enc_kv_str(req, "priority", "high");
	return write_fn("intake_request_submit", key, "request.", 0, NULL);
}

static struct harness_outcome
product_put(const char *key, const char *name, bool released, bool eligible)
{
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "name", name);
	keel_enc_kv_bool(req, "released", released);
	keel_enc_kv_bool(req, "eligible", eligible);
	return write_fn("intake_product_put", key, "product.", 0, NULL);
}

/* An assessment of customer for seats with products (NULL-ended). */
static struct harness_outcome
assessment_submit(const char *key, const char *customer, int seats,
                  const char *const *products)
{
	static const char *const defaults[] = {"Cloud Administrator",
	                                       "Enterprise Inspector"};
	struct keel_enc *a = keel_enc_new();
	struct harness_outcome o;
	uint32_t n = 0;
	const void *p;
	size_t len;

	while (products[n])
		n++;
	keel_enc_map(a, 5);
	keel_enc_kv_str(a, "customer", customer);
	keel_enc_kv_str(a, "kind", "deployment");
	keel_enc_kv_int(a, "seats", seats);
	keel_enc_str(a, "products");
	keel_enc_array(a, n);
	for (uint32_t i = 0; i < n; i++)
		keel_enc_str(a, products[i]);
	keel_enc_kv_str(a, "connection", "remote");
	p = keel_enc_data(a, &len);
	keel_enc_reset(req);
	keel_enc_map(req, 4);
	keel_enc_kv_str(req, "customer", customer);
	keel_enc_str(req, "assessment");
	keel_enc_strn(req, p, len);
	keel_enc_str(req, "defaults");
	keel_enc_array(req, 2);
	keel_enc_str(req, defaults[0]);
	keel_enc_str(req, defaults[1]);
	keel_enc_kv_int(req, "now", 1764000000789);
	o = write_fn("intake_assessment_submit", key, "assessment.", 0, NULL);
	keel_enc_free(a);
	return o;
}

static struct harness_outcome
assessment_evaluate(const char *key, const char *id, const char *result,
                    const char *reasons)
{
	keel_enc_reset(req);
	keel_enc_map(req, 5);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_str(req, "result", result);
	keel_enc_kv_str(req, "reasons", reasons);
	keel_enc_kv_str(req, "by", "ana");
	keel_enc_kv_int(req, "now", 1764000001000);
	return write_fn("intake_assessment_evaluate", key, "assessment.", 0,
	                NULL);
}

/* The content: one activity, and scope when given. */
static void
enc_content(const char *scope)
{
	struct keel_enc *e = keel_enc_new();
	const void *p;
	size_t len;

	if (scope) {
		keel_enc_map(e, 1);
		keel_enc_kv_str(e, "scope", scope);
	} else {
		keel_enc_map(e, 1);
		keel_enc_str(e, "activities");
		keel_enc_array(e, 1);
		keel_enc_map(e, 3);
		keel_enc_kv_str(e, "name", "install");
		keel_enc_kv_int(e, "tier", 1);
		keel_enc_kv_int(e, "units", 4);
	}
	p = keel_enc_data(e, &len);
	keel_enc_str(req, "content");
	keel_enc_strn(req, p, len);
	keel_enc_free(e);
}

/* by_hq: -1 absent, else the boolean. */
static struct harness_outcome
proposal_draft(const char *key, const char *assessment, int by_hq)
{
	keel_enc_reset(req);
	keel_enc_map(req, 2 + (by_hq >= 0));
	keel_enc_kv_str(req, "assessment", assessment);
	enc_content(NULL);
	if (by_hq >= 0)
		keel_enc_kv_bool(req, "by_hq", by_hq);
	return write_fn("intake_proposal_draft", key, "proposal.", 0, NULL);
}

static struct harness_outcome
proposal_revise(const char *key, const char *id, int by_hq)
{
	keel_enc_reset(req);
	keel_enc_map(req, 2 + (by_hq >= 0));
	keel_enc_kv_str(req, "id", id);
	enc_content("all sites");
	if (by_hq >= 0)
		keel_enc_kv_bool(req, "by_hq", by_hq);
	return write_fn("intake_proposal_revise", key, "proposal.", 0, NULL);
}

/* review, send, accept or reject: argname by or reason, or NULL. */
static struct harness_outcome
proposal_step(const char *op, const char *key, const char *id,
              const char *argname, const char *arg)
{
	char fn[64];

	snprintf(fn, sizeof(fn), "intake_proposal_%s", op);
	keel_enc_reset(req);
	keel_enc_map(req, 1 + (argname != NULL));
	keel_enc_kv_str(req, "id", id);
	if (argname)
		keel_enc_kv_str(req, argname, arg);
	return write_fn(fn, key, "proposal.", 0, NULL);
}

static redisReply *
proposal_get(const char *id, int version)
{
	char key[80];

	snprintf(key, sizeof(key), "keel:{intake}:proposal:%s", id);
	keel_enc_reset(req);
	keel_enc_map(req, version > 0);
	if (version > 0)
		keel_enc_kv_int(req, "version", version);
	return harness_fcall(c, "intake_proposal_get", 1, (const char *[]){key},
	                     req);
}

static redisReply *
on_priced(const char *seq, const char *id, int version)
{
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_int(req, "version", version);
	keel_enc_str(req, "quote");
	/* {total: 100, currency: EUR} */
	keel_enc_strn(req,
	              "\x82\xa5total\x64\xa8"
	              "currency\xa3"
	              "EUR",
	              21);
	return harness_lua_effect(c, "intake", "intake_on_priced", seq, 0, NULL,
	                          req);
}

/* The env of the last event in intake's stream contains what. */
static bool
last_event_has(const char *what, size_t n)
{
	redisReply *r =
	    redisCommand(c, "XREVRANGE keel:{intake}:events + - COUNT 1");
	bool found = false;

	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
		redisReply *f = r->element[0]->element[1];

		for (size_t i = 0; i + 1 < f->elements; i += 2)
			if (strcmp(f->element[i]->str, "env") == 0)
				found = memmem(f->element[i + 1]->str,
				               f->element[i + 1]->len, what,
				               n) != NULL;
	}
	freeReplyObject(r);
	return found;
}

static void
test_customers(struct harness_redis *redis)
{
	struct harness_outcome o;
	redisReply *r;

	o = customer_put("c1", NULL, "Globex");
	ok(strcmp(o.status, "new") == 0 && o.ok &&
	       strcmp(reply_str(&o, "id"), "C-000001") == 0 &&
	       reply_int(&o, "version") == 1 && o.events == 1,
	   "customer.put without id: C-000001, version 1, customer.created");
	harness_outcome_release(&o);
	o = customer_put("c1", NULL, "Globex");
	ok(strcmp(o.status, "replay") == 0 && o.ok &&
	       strcmp(reply_str(&o, "id"), "C-000001") == 0,
	   "  the same key and body again: the first outcome");
	harness_outcome_release(&o);
	o = customer_put("c1", NULL, "Initech");
	is_str(o.status, "conflict", "  the same key with another body");
	harness_outcome_release(&o);
	is_int(harness_redis_int(redis, "EXISTS keel:{intake}:customer:"
	                                "C-000002"),
	       0, "  and no second customer");
	o = customer_put("c2", "ACME", "Acme");
	ok(o.ok && strcmp(reply_str(&o, "id"), "ACME") == 0 &&
	       reply_int(&o, "version") == 1 &&
	       last_event_has("customer.created", 16),
	   "customer.put with id ACME: created");
	harness_outcome_release(&o);
	o = customer_put("c3", "ACME", "Acme AG");
	ok(o.ok && reply_int(&o, "version") == 2 && o.events == 1 &&
	       last_event_has("customer.updated", 16),
	   "  again: version 2, customer.updated");
	harness_outcome_release(&o);
	is_str(hget("keel:{intake}:customer:ACME", "name"), "Acme AG",
	       "  the name is changed");
	is_str(hget("keel:{intake}:customer:ACME", "created_ms"),
	       "1764000000123", "  created_ms is the time as given");
	is_int(harness_redis_int(redis, "ZCARD keel:{intake}:customers"), 2,
	       "  two customers in the index");

	r = customer_list("", 1);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	       strcmp(r->element[0]->str, "ACME") == 0 &&
	       r->element[1]->elements == 1 &&
	       strcmp(r->element[1]->element[0]->element[1]->str,
	              "Acme AG") == 0,
	   "customer.list limit 1: ACME, next ACME");
	freeReplyObject(r);
	r = customer_list("ACME", 10);
	ok(r && r->elements == 2 && strcmp(r->element[0]->str, "") == 0 &&
	       r->element[1]->elements == 1 &&
	       strcmp(r->element[1]->element[0]->element[0]->str,
	              "C-000001") == 0,
	   "  after ACME: C-000001 and no next");
	freeReplyObject(r);

	o = calendar_put("k1", "NOPE");
	refused(&o, "not_found", "body.customer", "customer 'NOPE' not found",
	        "calendar.put of an unknown customer");
	o = calendar_put("k2", "ACME");
	ok(o.ok && reply_int(&o, "version") == 1 && o.events == 1 &&
	       last_event_has("2026-12-25", 10) &&
	       last_event_has("Europe/Zurich", 13),
	   "calendar.put: version 1, calendar.updated with its zone and "
	   "holidays");
	harness_outcome_release(&o);
	r = calendar_get("ACME");
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 4 &&
	       r->element[0]->len == 33 && r->element[1]->len == 12 &&
	       strcmp(r->element[2]->str, "1") == 0 &&
	       strcmp(r->element[3]->str, "Europe/Zurich") == 0,
	   "calendar.get: hours, holidays, version, the customer's zone");
	freeReplyObject(r);
	r = calendar_get("C-000001");
	ok(r && r->type == REDIS_REPLY_NIL, "  none for C-000001: nil");
	freeReplyObject(r);
}

static void
test_requests(struct harness_redis *redis)
{
	struct harness_outcome o;

	o = request_submit("r1", "NOPE");
	refused(&o, "not_found", "body.customer", "customer 'NOPE' not found",
	        "request.submit of an unknown customer");
	o = request_submit("r2", "ACME");
	ok(o.ok && strcmp(reply_str(&o, "id"), "R-000001") == 0 &&
	       strcmp(reply_str(&o, "priority"), "high") == 0 &&
	       o.events == 1 && last_event_has("request.received", 16),
	   "request.submit: R-000001, priority high, request.received");
	harness_outcome_release(&o);
	is_int(harness_redis_int(redis, "ZSCORE keel:{intake}:requests "
	                                "R-000001"),
	       1764000000456, "  indexed by received_ms");
	is_int(harness_redis_int(redis, "EXISTS keel:{intake}:request:"
	                                "R-000001"),
	       1, "  and kept");
	o = request_submit("r2", "ACME");
	ok(strcmp(o.status, "replay") == 0 &&
	       strcmp(reply_str(&o, "id"), "R-000001") == 0,
	   "  replayed: the same id, nothing new");
	harness_outcome_release(&o);
}

static void
test_assessments(struct harness_redis *redis)
{
	struct harness_outcome o;
	redisReply *r;

	o = product_put("p1", "Old Product", false, true);
	ok(o.ok && o.events == 0 &&
	       keel_obj_get(o.reply, "released") &&
	       strcmp(reply_str(&o, "name"), "Old Product") == 0,
	   "product.put: kept, no event");
	harness_outcome_release(&o);
	is_str(hget("keel:{intake}:products", "Old Product"), "0,1",
	       "  as R,E: not released, eligible");
	o = product_put("p2", "Enterprise Inspector", true, false);
	ok(o.ok, "product.put: a default made ineligible");
	harness_outcome_release(&o);
	o = product_put("p2", "Enterprise Inspector", true, false);
	is_str(o.status, "replay", "  replayed");
	harness_outcome_release(&o);
	r = harness_fcall(c, "intake_product_list", 1,
	                  (const char *[]){"keel:{intake}:products"}, NULL);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 4,
	   "product.list: the two changes, as HGETALL");
	freeReplyObject(r);

	o = assessment_submit("a1", "NOPE", 10,
	                      (const char *[]){"Cloud Administrator", NULL});
	refused(&o, "not_found", "body.customer", "customer 'NOPE' not found",
	        "assessment.submit of an unknown customer");
	o = assessment_submit("a2", "ACME", 10,
	                      (const char *[]){"Cloud Administrator",
	                                       "Enterprise Inspector",
	                                       "Toaster", NULL});
	refused(&o, "invalid_field", "body.products",
	        "not on the eligible-products list: Enterprise Inspector, "
	        "Toaster",
	        "assessment.submit with products off the list");
	o = assessment_submit("a3", "ACME", 10,
	                      (const char *[]){"Cloud Administrator",
	                                       "Old Product", NULL});
	ok(o.ok && strcmp(reply_str(&o, "id"), "A-000001") == 0 &&
	       strcmp(reply_str(&o, "status"), "submitted") == 0 &&
	       o.events == 1 && last_event_has("assessment.submitted", 20),
	   "assessment.submit: A-000001, assessment.submitted");
	harness_outcome_release(&o);
	is_str(hget("keel:{intake}:assessment:A-000001", "unreleased"),
	       "Old Product", "  the product not yet released is noted");
	is_str(hget("keel:{intake}:assessment:A-000001", "seats"), "10",
	       "  with its seats");
	o = assessment_submit("a4", "ACME", 6000,
	                      (const char *[]){"Cloud Administrator", NULL});
	ok(o.ok && strcmp(reply_str(&o, "id"), "A-000002") == 0,
	   "a second one, 6000 seats: A-000002");
	harness_outcome_release(&o);

	o = assessment_evaluate("e1", "A-000404", "feasible", "");
	refused(&o, "not_found", "body.id", "assessment A-000404 not found",
	        "assessment.evaluate of an unknown one");
	o = assessment_evaluate("e2", "A-000001", "feasible", "");
	refused(&o, "invalid_field", "body.result",
	        "not feasible, not yet released: Old Product",
	        "assessment.evaluate feasible with an unreleased product");
	o = assessment_evaluate("e3", "A-000001", "not_feasible",
	                        "too old\nno licence");
	ok(o.ok && strcmp(reply_str(&o, "status"), "not_feasible") == 0 &&
	       o.events == 1 &&
	       last_event_has("Old Product is not yet released", 31),
	   "assessment.evaluate not_feasible: assessment.evaluated, with the "
	   "reasons");
	harness_outcome_release(&o);
	is_str(hget("keel:{intake}:assessment:A-000001", "reasons"),
	       "too old\nno licence\nOld Product is not yet released",
	       "  the reasons are kept");
	o = assessment_evaluate("e4", "A-000001", "feasible", "");
	refused(&o, "invalid_transition", "body.id",
	        "not_feasible -> feasible is not allowed",
	        "  evaluated again");
	o = assessment_evaluate("e5", "A-000002", "feasible", "");
	ok(o.ok && strcmp(reply_str(&o, "status"), "feasible") == 0,
	   "A-000002 is feasible");
	harness_outcome_release(&o);

	r = harness_fcall(
	    c, "intake_assessment_get", 1,
	    (const char *[]){"keel:{intake}:assessment:A-000001"}, NULL);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 7 &&
	       strcmp(r->element[0]->str, "A-000001") == 0 &&
	       strcmp(r->element[1]->str, "not_feasible") == 0 &&
	       strcmp(r->element[5]->str, "ana") == 0 &&
	       strcmp(r->element[6]->str, "1764000000789") == 0,
	   "assessment.get: id, status, ..., evaluated_by, submitted_ms");
	freeReplyObject(r);
	r = harness_fcall(
	    c, "intake_assessment_get", 1,
	    (const char *[]){"keel:{intake}:assessment:A-000404"}, NULL);
	ok(r && r->elements == 7 && r->element[0]->type == REDIS_REPLY_NIL,
	   "  an unknown one: nils");
	freeReplyObject(r);
	(void)redis;
}

static void
test_proposals(struct harness_redis *redis)
{
	struct harness_outcome o;
	redisReply *r;

	o = proposal_draft("d1", "A-000404", -1);
	refused(&o, "not_found", "body.assessment", "A-000404 not found",
	        "proposal.draft of an unknown assessment");
	o = proposal_draft("d2", "A-000001", -1);
	refused(&o, "invalid_transition", "body.assessment",
	        "is not_feasible; only a feasible assessment",
	        "proposal.draft of an assessment not feasible");
	o = proposal_draft("d3", "A-000002", -1);
	refused(&o, "invalid_field", "body.by_hq",
	        "6000 seats (over 5000): HQ assembles",
	        "proposal.draft over 5000 seats, not by HQ");
	o = proposal_draft("d4", "A-000002", 1);
	ok(o.ok && strcmp(reply_str(&o, "id"), "P-000001") == 0 &&
	       reply_int(&o, "version") == 1 && o.events == 1 &&
	       last_event_has("proposal.drafted", 16) &&
	       last_event_has("install", 7),
	   "proposal.draft by HQ: P-000001 v1, proposal.drafted with its "
	   "activities");
	harness_outcome_release(&o);
	is_str(hget("keel:{intake}:proposal:P-000001", "connection"), "remote",
	       "  the assessment's connection is kept");
	is_str(hget("keel:{intake}:proposal:P-000001:v1", "by_hq"), "1",
	       "  by_hq 1");

	o = proposal_step("send", "s1", "P-000001", NULL, NULL);
	refused(&o, "invalid_transition", "body.id", "it is not priced yet",
	        "proposal.send of a draft");
	o = proposal_step("review", "s0", "P-000404", "by", "hq");
	refused(&o, "not_found", "body.id", "proposal P-000404 not found",
	        "proposal.review of an unknown one");

	r = on_priced("1-0", "P-000001", 1);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1,
	   "proposal.priced is applied");
	freeReplyObject(r);
	is_str(hget("keel:{intake}:proposal:P-000001:v1", "status"), "priced",
	       "  the version is priced");
	r = on_priced("1-0", "P-000001", 1);
	ok(r && r->type == REDIS_REPLY_INTEGER && r->integer == 0,
	   "  its redelivery changes nothing (done mark)");
	freeReplyObject(r);
	r = on_priced("2-0", "P-000001", 7);
	ok(r && r->type == REDIS_REPLY_ARRAY,
	   "  a quote for a version not in draft is taken as done");
	freeReplyObject(r);
	is_int(harness_redis_int(redis, "EXISTS keel:{intake}:proposal:"
	                                "P-000001:v7"),
	       0, "  and writes nothing");

	o = proposal_step("send", "s2", "P-000001", NULL, NULL);
	refused(&o, "invalid_transition", "body.id",
	        "over 1000 seats HQ reviews it first",
	        "proposal.send over 1000 seats before the review");
	o = proposal_step("review", "s3", "P-000001", "by", "hq");
	ok(o.ok && strcmp(reply_str(&o, "status"), "priced") == 0 &&
	       last_event_has("proposal.reviewed", 17),
	   "proposal.review: proposal.reviewed, still priced");
	harness_outcome_release(&o);
	o = proposal_step("send", "s4", "P-000001", NULL, NULL);
	ok(o.ok && strcmp(reply_str(&o, "status"), "sent") == 0 &&
	       last_event_has("proposal.sent", 13) &&
	       last_event_has("EUR", 3),
	   "proposal.send: sent, with the quote's total and currency");
	harness_outcome_release(&o);
	o = proposal_step("send", "s4", "P-000001", NULL, NULL);
	ok(strcmp(o.status, "replay") == 0 && o.ok,
	   "  replayed: the first outcome");
	harness_outcome_release(&o);
	o = proposal_step("review", "s5", "P-000001", "by", "hq");
	refused(&o, "invalid_transition", "body.id",
	        "sent -> reviewed is not allowed", "proposal.review once sent");
	o = proposal_step("reject", "s6", "P-000001", "reason", "too dear");
	ok(o.ok && strcmp(reply_str(&o, "status"), "rejected") == 0 &&
	       last_event_has("too dear", 8),
	   "proposal.reject: rejected, with why");
	harness_outcome_release(&o);
	is_str(hget("keel:{intake}:proposal:P-000001:v1", "reason"),
	       "too dear", "  kept as its reason");
	o = proposal_step("reject", "s7", "P-000001", "reason", "again");
	refused(&o, "invalid_transition", "body.id",
	        "(version 1) is rejected; rejected -> rejected",
	        "proposal.reject once rejected");
	o = proposal_step("accept", "s8", "P-000001", "by", "boss");
	refused(&o, "invalid_transition", "body.id",
	        "rejected -> accepted is not allowed",
	        "proposal.accept once rejected");

	o = proposal_revise("v1", "P-000001", 0);
	refused(&o, "invalid_field", "body.by_hq", "HQ assembles",
	        "proposal.revise over 5000 seats, not by HQ");
	o = proposal_revise("v2", "P-000001", -1);
	ok(o.ok && reply_int(&o, "version") == 2 &&
	       strcmp(reply_str(&o, "status"), "draft") == 0 &&
	       last_event_has("proposal.drafted", 16) &&
	       last_event_has("install", 7),
	   "proposal.revise: version 2 in draft (by HQ as before), "
	   "proposal.drafted");
	harness_outcome_release(&o);
	is_str(hget("keel:{intake}:proposal:P-000001:v2", "by_hq"), "1",
	       "  by_hq kept from version 1");
	is_str(hget("keel:{intake}:proposal:P-000001:v1", "status"),
	       "rejected", "  version 1 stays rejected");
	o = proposal_revise("v3", "P-000001", -1);
	refused(&o, "invalid_transition", "body.id",
	        "draft -> revised is not allowed",
	        "proposal.revise of a draft");

	r = on_priced("3-0", "P-000001", 2);
	freeReplyObject(r);
	o = proposal_step("accept", "s9", "P-000001", "by", "boss");
	refused(&o, "invalid_transition", "body.id",
	        "priced -> accepted is not allowed",
	        "proposal.accept before it is sent");
	o = proposal_step("review", "s10", "P-000001", "by", "hq");
	harness_outcome_release(&o);
	o = proposal_step("send", "s11", "P-000001", NULL, NULL);
	harness_outcome_release(&o);
	o = proposal_step("accept", "s12", "P-000001", "by", "boss");
	ok(o.ok && strcmp(reply_str(&o, "status"), "accepted") == 0 &&
	       o.events == 1 && last_event_has("proposal.accepted", 17) &&
	       last_event_has("Cloud Administrator", 19) &&
	       last_event_has("removal_in_scope", 16),
	   "proposal.accept of version 2: proposal.accepted with what "
	   "scheduling plans from");
	harness_outcome_release(&o);

	r = proposal_get("P-000001", 0);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 12 &&
	       strcmp(r->element[0]->str, "A-000002") == 0 &&
	       strcmp(r->element[4]->str, "2") == 0 &&
	       strcmp(r->element[5]->str, "2") == 0 &&
	       strcmp(r->element[6]->str, "accepted") == 0 &&
	       strcmp(r->element[9]->str, "boss") == 0,
	   "proposal.get: the latest version, accepted");
	freeReplyObject(r);
	r = proposal_get("P-000001", 1);
	ok(r && r->elements == 12 && strcmp(r->element[5]->str, "1") == 0 &&
	       strcmp(r->element[6]->str, "rejected") == 0 &&
	       r->element[8]->len == 21 &&
	       strcmp(r->element[11]->str, "too dear") == 0,
	   "  version 1: rejected, with its quote and its reason");
	freeReplyObject(r);
	r = proposal_get("P-000001", 9);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	       strcmp(r->element[0]->str, "2") == 0,
	   "  version 9: none, and how many there are");
	freeReplyObject(r);
	r = proposal_get("P-000404", 0);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 0,
	   "  an unknown proposal: empty");
	freeReplyObject(r);
}

int
main(void)
{
	struct harness_redis redis = {0};

	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	c = harness_lua_open(&redis, "intake");
	req = keel_enc_new();

	test_customers(&redis);
	test_requests(&redis);
	test_assessments(&redis);
	test_proposals(&redis);

	redisFree(c);
	keel_enc_free(req);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

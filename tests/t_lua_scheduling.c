/* t_lua_scheduling: keel_scheduling's functions on their own, in a
 * throwaway Redis: engagements from proposal.accepted (once), specialists,
 * the plan's read and booking (the double-booking check), coordination and
 * agreement, the checklist and its ticks, execution and acceptance. */
#include "codec.h"
#include "harness.h"
#include "harness_lua.h"
#include "tap.h"

#define T0 1800000000000LL /* ms: 2027-01-15 */
#define H 3600000LL

static redisContext *c;
static struct keel_enc *req, *blob;

static const char *
eng_key(const char *eng, char *buf, size_t size)
{
	snprintf(buf, size, "keel:{scheduling}:engagement:%s", eng);
	return buf;
}

/* A Redis string reply as text ("" when nil); freed on the next call. */
static const char *
str(const char *fmt, ...)
{
	static char out[512];
	redisReply *r;
	va_list ap;

	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	out[0] = '\0';
	if (r && r->type == REDIS_REPLY_STRING)
		snprintf(out, sizeof(out), "%s", r->str);
	if (r)
		freeReplyObject(r);
	return out;
}

static redisReply *
accepted(const char *seq, const char *id, const char *customer,
         long long seats, const char *checklist)
{
	const void *p;
	size_t len;

	keel_enc_reset(req);
	keel_enc_map(req, 10);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_str(req, "customer", customer);
	keel_enc_kv_int(req, "seats", seats);
	keel_enc_kv_str(req, "connection", "remote");
	keel_enc_reset(blob);
	keel_enc_array(blob, 1);
	keel_enc_map(blob, 3);
	keel_enc_kv_str(blob, "name", "install");
	keel_enc_kv_int(blob, "tier", 1);
	keel_enc_kv_int(blob, "units", 3);
	p = keel_enc_data(blob, &len);
	keel_enc_str(req, "activities");
	keel_enc_strn(req, p, len);
	keel_enc_kv_str(req, "products", "Endpoint Encryption");
	keel_enc_str(req, "dates");
	keel_enc_strn(req, "\x90", 1);
	keel_enc_kv_str(req, "checklist", checklist);
	keel_enc_kv_int(req, "total", 76000);
	keel_enc_kv_str(req, "currency", "EUR");
	return harness_lua_effect(c, "scheduling", "scheduling_on_accepted",
	                          seq, 0, NULL, req);
}

static struct harness_outcome
sp_put(const char *key, const char *id, const char *name, long long tier)
{
	struct harness_outcome o;

	keel_enc_reset(req);
	keel_enc_map(req, 8);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_str(req, "name", name);
	keel_enc_kv_str(req, "org", "partner");
	keel_enc_kv_int(req, "tier", tier);
	keel_enc_kv_str(req, "products", "Endpoint Encryption\nFile Security");
	keel_enc_kv_str(req, "timezone", "Europe/Zurich");
	keel_enc_str(req, "hours");
	keel_enc_strn(req, "\x90", 1);
	keel_enc_str(req, "time_off");
	keel_enc_strn(req, "\x90", 1);
	harness_lua_write(c, "scheduling", "scheduling_specialist_put", key,
	                  "specialist.", 0, NULL, req, &o);
	return o;
}

/* plan.propose's booking: one item for sp from start to end. */
static struct harness_outcome
book(const char *key, const char *eng, long long pv, const char *sp,
     long long start, long long end)
{
	struct harness_outcome o;
	const void *p;
	size_t len;

	keel_enc_reset(blob);
	keel_enc_array(blob, 1);
	keel_enc_map(blob, 6);
	keel_enc_kv_str(blob, "activity", "install");
	keel_enc_kv_int(blob, "tier", 1);
	keel_enc_kv_int(blob, "units", 3);
	keel_enc_kv_str(blob, "specialist", sp);
	keel_enc_kv_int(blob, "start_ms", start);
	keel_enc_kv_int(blob, "end_ms", end);
	p = keel_enc_data(blob, &len);
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "engagement", eng);
	keel_enc_kv_int(req, "plan_version", pv);
	keel_enc_str(req, "items");
	keel_enc_strn(req, p, len);
	harness_lua_write(c, "scheduling", "scheduling_plan_book", key,
	                  "plan.", 0, NULL, req, &o);
	return o;
}

static struct harness_outcome
plan_step(const char *key, const char *eng, const char *op, const char *by)
{
	struct harness_outcome o;

	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "engagement", eng);
	keel_enc_kv_str(req, "op", op);
	keel_enc_kv_str(req, "by", by);
	harness_lua_write(c, "scheduling", "scheduling_plan_step", key, "plan.",
	                  0, NULL, req, &o);
	return o;
}

static struct harness_outcome
tick(const char *key, const char *eng, long long item, const char *by)
{
	struct harness_outcome o;

	keel_enc_reset(req);
	keel_enc_map(req, 4);
	keel_enc_kv_str(req, "engagement", eng);
	keel_enc_kv_int(req, "item", item);
	keel_enc_kv_str(req, "by", by);
	keel_enc_kv_int(req, "now", T0 + 5);
	harness_lua_write(c, "scheduling", "scheduling_checklist_tick", key,
	                  "checklist.", 0, NULL, req, &o);
	return o;
}

/* execution.start (field NULL), .verify (checks) or acceptance.sign
 * (customer, with date). */
static struct harness_outcome
exec_step(const char *key, const char *eng, const char *op, const char *field,
          const char *value)
{
	struct harness_outcome o;
	bool sign = strcmp(op, "sign") == 0;

	keel_enc_reset(req);
	keel_enc_map(req, 3 + !!field + sign);
	keel_enc_kv_str(req, "engagement", eng);
	keel_enc_kv_str(req, "op", op);
	keel_enc_kv_str(req, "by", "pat");
	if (field)
		keel_enc_kv_str(req, field, value);
	if (sign)
		keel_enc_kv_str(req, "date", "2027-01-20");
	harness_lua_write(c, "scheduling", "scheduling_execution_step", key, "",
	                  0, NULL, req, &o);
	return o;
}

static redisReply *
read_eng(const char *fn, const char *eng)
{
	char key[96];

	keel_enc_reset(req);
	keel_enc_map(req, 1);
	keel_enc_kv_str(req, "engagement", eng);
	return harness_fcall(c, fn, 1,
	                     (const char *[]){eng_key(eng, key, sizeof(key))},
	                     req);
}

/* A packed read (plan.get, checklist.get) decoded, or NULL for ''. */
static struct keel_mp_doc *
read_packed(const char *fn, const char *eng)
{
	redisReply *r = read_eng(fn, eng);
	struct keel_mp_doc *doc = NULL;

	if (r && r->type == REDIS_REPLY_STRING && r->len > 0)
		keel_mp_decode(r->str, r->len, &doc);
	if (r)
		freeReplyObject(r);
	return doc;
}

static bool
refused(struct harness_outcome *o, const char *code, const char *has)
{
	bool yes = strcmp(o->status, "new") == 0 && !o->ok &&
	           strcmp(o->code, code) == 0 && strstr(o->message, has);

	if (!yes)
		diag("%s %s %s: %s", o->status, o->ok ? "ok" : "refused",
		     o->code, o->message);
	return yes;
}

static const char *
reply_str(const struct harness_outcome *o, const char *k, char *buf,
          size_t size)
{
	buf[0] = '\0';
	keel_obj_strcpy(keel_obj_get(o->reply, k), buf, size);
	return buf;
}

int
main(void)
{
	struct harness_redis redis = {0};
	struct harness_outcome o;
	struct keel_mp_doc *doc;
	const struct keel_obj *root;
	redisReply *r;
	char buf[256];
	int64_t v = 0;
	bool b = false;

	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	c = harness_lua_open(&redis, "scheduling");
	req = keel_enc_new();
	blob = keel_enc_new();

	/* proposal.accepted, once. */
	r = accepted("1-0", "P-000001", "C-000001", 800, "Access\nBackup");
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1,
	   "proposal.accepted makes an engagement, emitting nothing");
	freeReplyObject(r);
	r = accepted("1-0", "P-000001", "C-000001", 800, "Access\nBackup");
	ok(r && r->type == REDIS_REPLY_INTEGER && r->integer == 0,
	   "  its redelivery changes nothing (done mark)");
	freeReplyObject(r);
	r = accepted("2-0", "P-000001", "C-000009", 5, "Other");
	freeReplyObject(r);
	is_str(str("HGET keel:{scheduling}:engagement:P-000001 customer"),
	       "C-000001", "  another event for it keeps the engagement");
	is_str(str("HGET keel:{scheduling}:engagement:P-000001 status"),
	       "accepted", "  status accepted");
	ok(strcmp(str("HGET keel:{scheduling}:engagement:P-000001 seats"),
	          "800") == 0 &&
	       strcmp(str("HGET keel:{scheduling}:engagement:P-000001 total"),
	              "76000") == 0 &&
	       strcmp(str("HGET keel:{scheduling}:engagement:P-000001 "
	                  "plan_version"),
	              "0") == 0 &&
	       strcmp(str("HGET keel:{scheduling}:engagement:P-000001 "
	                  "currency"),
	              "EUR") == 0,
	   "  seats, total, plan_version and currency as C wrote them");
	r = accepted("3-0", "P-000002", "C-000002", 1200, "Access");
	freeReplyObject(r);

	/* Specialists. */
	o = sp_put("s1", "", "Pat", 2);
	keel_obj_int(keel_obj_get(o.reply, "version"), &v);
	keel_obj_bool(keel_obj_get(o.reply, "created"), &b);
	ok(strcmp(o.status, "new") == 0 && o.ok && v == 1 && b &&
	       strcmp(reply_str(&o, "id", buf, sizeof(buf)), "SP-000001") ==
	           0 &&
	       o.events == 1,
	   "specialist.put without an id: SP-000001, created, one event");
	harness_outcome_release(&o);
	is_str(str("HGET keel:{scheduling}:specialist:SP-000001 tier"), "2",
	       "  its tier stored as C wrote it");
	o = sp_put("s1", "", "Pat", 2);
	ok(strcmp(o.status, "replay") == 0 && o.ok,
	   "  the same key and body again: the first outcome");
	harness_outcome_release(&o);
	o = sp_put("s1", "", "Sam", 2);
	is_str(o.status, "conflict", "  the same key with another body");
	harness_outcome_release(&o);
	o = sp_put("s2", "SP-000001", "Pat", 2);
	keel_obj_int(keel_obj_get(o.reply, "version"), &v);
	keel_obj_bool(keel_obj_get(o.reply, "created"), &b);
	ok(o.ok && v == 2 && !b, "  put again by id: version 2, updated");
	harness_outcome_release(&o);
	o = sp_put("s3", "hq1", "Quinn", 3);
	harness_outcome_release(&o);
	r = harness_fcall(c, "scheduling_specialist_list", 1,
	                  (const char *[]){"keel:{scheduling}:specialists"},
	                  NULL);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	       r->element[0]->elements == 10 &&
	       strcmp(r->element[0]->element[0]->str, "SP-000001") == 0 &&
	       strcmp(r->element[0]->element[8]->str, "2") == 0 &&
	       r->element[0]->element[9]->type == REDIS_REPLY_ARRAY &&
	       strcmp(r->element[1]->element[0]->str, "hq1") == 0,
	   "specialist.list: both, each with 9 fields and its bookings");
	freeReplyObject(r);

	/* plan.propose's read. */
	r = read_eng("scheduling_plan_read", "P-999999");
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 0,
	   "the plan read of an unknown engagement: {}");
	freeReplyObject(r);
	r = read_eng("scheduling_plan_read", "P-000001");
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 8 &&
	       strcmp(r->element[0]->str, "accepted") == 0 &&
	       strcmp(r->element[1]->str, "800") == 0 &&
	       strcmp(r->element[6]->str, "0") == 0 &&
	       r->element[7]->elements == 2,
	   "the plan read: the engagement's 7 fields and the specialists");
	freeReplyObject(r);

	/* Steps before a plan. */
	o = plan_step("a0", "P-000001", "agree", "Alex");
	ok(refused(&o, "invalid_transition",
	           "is accepted; accepted -> agreed is not allowed"),
	   "plan.agree before plan.propose is refused");
	harness_outcome_release(&o);
	o = plan_step("a1", "P-999999", "coordinate", "HQ");
	ok(refused(&o, "not_found", "engagement P-999999 not found"),
	   "plan.coordinate of an unknown engagement: not_found");
	harness_outcome_release(&o);

	/* The booking. */
	o = book("b0", "P-999999", 0, "SP-000001", T0, T0 + 3 * H);
	ok(refused(&o, "not_found", "P-999999"),
	   "booking an unknown engagement: not_found");
	harness_outcome_release(&o);
	o = book("b1", "P-000001", 0, "SP-000001", T0, T0 + 3 * H);
	keel_obj_int(keel_obj_get(o.reply, "plan_version"), &v);
	ok(strcmp(o.status, "new") == 0 && o.ok && v == 1 && o.events == 1 &&
	       strcmp(reply_str(&o, "status", buf, sizeof(buf)), "planned") ==
	           0 &&
	       keel_obj_len(keel_obj_get(o.reply, "items")) == 1,
	   "plan.propose books P-000001: plan_version 1, planned");
	harness_outcome_release(&o);
	snprintf(buf, sizeof(buf), "%lld:%lld:P-000001:1", T0, T0 + 3 * H);
	is_int(harness_redis_int(&redis,
	                         "ZSCORE keel:{scheduling}:bookings:SP-000001 %s",
	                         buf),
	       T0, "  the booking 'start:end:engagement:n' by its start");
	o = book("b1", "P-000001", 0, "SP-000001", T0, T0 + 3 * H);
	ok(strcmp(o.status, "replay") == 0 && o.ok && o.events == 0,
	   "  replayed: the first outcome, nothing booked again");
	harness_outcome_release(&o);
	is_int(harness_redis_int(&redis,
	                         "ZCARD keel:{scheduling}:bookings:SP-000001"),
	       1, "  one booking");
	o = book("b2", "P-000001", 0, "SP-000001", T0, T0 + 3 * H);
	is_str(o.status, "retry",
	       "a plan read at plan_version 0 after version 1: retry");
	harness_outcome_release(&o);
	o = book("b3", "P-000002", 0, "SP-000001", T0 + 2 * H, T0 + 5 * H);
	is_str(o.status, "retry",
	       "another engagement's hours overlap the booking: retry");
	harness_outcome_release(&o);
	is_int(harness_redis_int(&redis, "EXISTS keel:{scheduling}:idem:test:b3"),
	       0, "  and nothing is kept of it");
	o = book("b4", "P-000002", 0, "SP-000001", T0 + 3 * H, T0 + 6 * H);
	ok(o.ok, "  right after it, no overlap: booked");
	harness_outcome_release(&o);
	o = book("b5", "P-000001", 1, "SP-000001", T0 + 6 * H, T0 + 8 * H);
	keel_obj_int(keel_obj_get(o.reply, "plan_version"), &v);
	ok(o.ok && v == 2, "P-000001 proposed again: plan_version 2");
	harness_outcome_release(&o);
	is_int(harness_redis_int(&redis,
	                         "ZSCORE keel:{scheduling}:bookings:SP-000001 %s",
	                         buf),
	       0, "  its old booking is gone");
	is_int(harness_redis_int(&redis,
	                         "ZCARD keel:{scheduling}:bookings:SP-000001"),
	       2, "  its new one and P-000002's remain");
	is_int(harness_redis_int(&redis, "LLEN keel:{scheduling}:plans:P-000001"),
	       2, "  both plans kept");

	/* Coordination and agreement. */
	o = plan_step("c1", "P-000002", "agree", "Alex");
	ok(refused(&o, "invalid_transition",
	           "has 1200 seats: HQ coordinates the dates first"),
	   "1200 seats: not agreed before HQ coordinates");
	harness_outcome_release(&o);
	o = plan_step("c2", "P-000002", "coordinate", "HQ");
	ok(o.ok && o.events == 1 &&
	       strcmp(reply_str(&o, "coordinated_by", buf, sizeof(buf)),
	              "HQ") == 0,
	   "  coordinated by HQ");
	harness_outcome_release(&o);
	o = plan_step("c3", "P-000002", "agree", "Alex");
	ok(o.ok && strcmp(reply_str(&o, "status", buf, sizeof(buf)),
	                  "agreed") == 0,
	   "  then agreed");
	harness_outcome_release(&o);
	o = plan_step("c4", "P-000001", "agree", "Alex");
	keel_obj_bool(keel_obj_get(o.reply, "hq_coordination_required"), &b);
	ok(o.ok && !b, "800 seats: agreed at once");
	harness_outcome_release(&o);
	o = book("b6", "P-000001", 3, "SP-000001", T0 + 9 * H, T0 + 10 * H);
	ok(refused(&o, "invalid_transition",
	           "is agreed; agreed -> planned is not allowed"),
	   "an agreed plan is not booked again");
	harness_outcome_release(&o);

	/* plan.get */
	r = read_eng("scheduling_plan_get", "P-999999");
	ok(r && r->type == REDIS_REPLY_STRING && r->len == 0,
	   "plan.get of an unknown engagement: ''");
	freeReplyObject(r);
	doc = read_packed("scheduling_plan_get", "P-000001");
	root = doc ? keel_mp_doc_root(doc) : NULL;
	keel_obj_int(keel_obj_get(root, "plan_version"), &v);
	ok(root && keel_obj_streq(keel_obj_get(root, "status"), "agreed") &&
	       v == 2 && keel_obj_len(keel_obj_get(root, "items")) == 1 &&
	       keel_obj_streq(keel_obj_get(root, "agreed_by"), "Alex"),
	   "plan.get: agreed, plan_version 2, its one item");
	keel_mp_doc_free(doc);

	/* The checklist. */
	ok(read_packed("scheduling_checklist_get", "P-999999") == NULL,
	   "checklist.get of an unknown engagement: ''");
	doc = read_packed("scheduling_checklist_get", "P-000001");
	root = doc ? keel_mp_doc_root(doc) : NULL;
	b = true;
	keel_obj_bool(keel_obj_get(root, "done"), &b);
	ok(root && keel_obj_len(keel_obj_get(root, "items")) == 2 && !b &&
	       keel_obj_streq(
	           keel_obj_get(keel_obj_at(keel_obj_get(root, "items"), 1),
	                        "item"),
	           "Backup"),
	   "checklist.get: 2 items, none ticked");
	keel_mp_doc_free(doc);
	o = exec_step("e0", "P-000001", "start", NULL, NULL);
	ok(refused(&o, "invalid_transition",
	           "cannot start: checklist item 1 (Access) is not ticked"),
	   "execution.start before every item is ticked is refused");
	harness_outcome_release(&o);
	o = tick("t0", "P-999999", 1, "Pat");
	ok(refused(&o, "not_found", "P-999999"),
	   "checklist.tick of an unknown engagement: not_found");
	harness_outcome_release(&o);
	o = tick("t1", "P-000001", 3, "Pat");
	ok(refused(&o, "invalid_field", "the checklist has 2 items") &&
	       strcmp(o.field, "body.item") == 0,
	   "item 3 of 2: invalid_field body.item");
	harness_outcome_release(&o);
	o = tick("t2", "P-000001", 1, "Pat");
	ok(o.ok && o.events == 1, "item 1 ticked, checklist.ticked");
	harness_outcome_release(&o);
	snprintf(buf, sizeof(buf), "Pat\t%lld", T0 + 5);
	is_str(str("HGET keel:{scheduling}:ticks:P-000001 1"), buf,
	       "  who and when, 'by\\tms'");
	o = tick("t2", "P-000001", 1, "Pat");
	ok(strcmp(o.status, "replay") == 0 && o.ok, "  replayed");
	harness_outcome_release(&o);
	o = tick("t3", "P-000001", 1, "Kim");
	ok(strcmp(o.status, "new") == 0 && o.ok && o.events == 0,
	   "  ticked again by someone else: unchanged, no event");
	harness_outcome_release(&o);
	is_str(str("HGET keel:{scheduling}:ticks:P-000001 1"), buf,
	       "  the first tick is kept");
	o = tick("t4", "P-000001", 2, "Pat");
	b = false;
	keel_obj_bool(keel_obj_get(o.reply, "done"), &b);
	ok(o.ok && b, "item 2 ticked: done");
	harness_outcome_release(&o);

	/* Execution and acceptance. */
	o = exec_step("e1", "P-999999", "start", NULL, NULL);
	ok(refused(&o, "not_found", "P-999999"),
	   "execution.start of an unknown engagement: not_found");
	harness_outcome_release(&o);
	o = exec_step("e2", "P-000001", "start", NULL, NULL);
	ok(o.ok && o.events == 1 &&
	       strcmp(reply_str(&o, "status", buf, sizeof(buf)),
	              "executing") == 0,
	   "execution.start: executing");
	harness_outcome_release(&o);
	o = exec_step("e3", "P-000001", "sign", "customer", "Carla");
	ok(refused(&o, "invalid_transition",
	           "is executing; executing -> completed is not allowed"),
	   "acceptance.sign before verification is refused");
	harness_outcome_release(&o);
	o = exec_step("e4", "P-000001", "verify", "checks", "agents\nkeys");
	ok(o.ok && o.events == 1, "execution.verify: verified");
	harness_outcome_release(&o);
	is_str(str("HGET keel:{scheduling}:engagement:P-000001 checks"),
	       "agents\nkeys", "  its checks kept");
	o = exec_step("e5", "P-000001", "sign", "customer", "Carla");
	ok(o.ok && o.events == 3,
	   "acceptance.sign: completed, with feedback and upsell events");
	harness_outcome_release(&o);
	is_str(str("HGET keel:{scheduling}:engagement:P-000001 signed_by"),
	       "pat (specialist), Carla (customer)", "  signed by both");
	r = redisCommand(c, "XREVRANGE keel:{scheduling}:events + - COUNT 3");
	ok(r && r->elements == 3 &&
	       strcmp(r->element[0]->element[1]->element[1]->str,
	              "engagement.completed") == 0 &&
	       strcmp(r->element[1]->element[1]->element[1]->str,
	              "engagement.upsell_suggested") == 0 &&
	       strcmp(r->element[2]->element[1]->element[1]->str,
	              "engagement.feedback_requested") == 0,
	   "  feedback_requested, upsell_suggested, then completed");
	if (r && r->elements == 3) {
		const redisReply *env = r->element[0]->element[1]->element[3];
		struct keel_mp_doc *d = NULL;
		int64_t units = 0, total = 0;

		keel_mp_decode(env->str, env->len, &d);
		root = keel_obj_get(d ? keel_mp_doc_root(d) : NULL, "body");
		keel_obj_int(keel_obj_get(root, "units"), &units);
		keel_obj_int(keel_obj_get(root, "total"), &total);
		ok(units == 3 && total == 76000 &&
		       keel_obj_streq(keel_obj_get(root, "date"),
		                      "2027-01-20") &&
		       !keel_obj_get(root, "by"),
		   "  engagement.completed: 3 units, 760.00, the date, no by");
		keel_mp_doc_free(d);
	} else {
		ok(false, "  engagement.completed's body");
	}
	freeReplyObject(r);
	o = exec_step("e6", "P-000001", "sign", "customer", "Carla");
	ok(refused(&o, "invalid_transition", "is completed"),
	   "  and signed only once");
	harness_outcome_release(&o);

	redisFree(c);
	keel_enc_free(req);
	keel_enc_free(blob);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

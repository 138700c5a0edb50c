/* t_lua_ticketing: keel_ticketing's functions on their own, in a
 * throwaway Redis: the customer copy (and its out-of-order versions),
 * staff, ticket creation with assignment to the least loaded technician,
 * the lifecycle's refusals, closing, search, the SLA clock's apply (only
 * for the version it read) and timers that fire once. */
#include "codec.h"
#include "events.h"
#include "harness.h"
#include "harness_lua.h"
#include "tap.h"

#include <stdarg.h>

static redisContext *c;
static struct keel_enc *req;
static struct harness_outcome o;

/* req as a map of string pairs ended by NULL, after now, pauses, from. */
static void
reqv(const char *from, const char *first, ...)
{
	va_list ap;
	const char *k;
	uint32_t n = 3;

	va_start(ap, first);
	for (k = first; k; k = va_arg(ap, const char *)) {
		(void)va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	keel_enc_reset(req);
	keel_enc_map(req, n);
	keel_enc_kv_int(req, "now", 1760000000000LL);
	keel_enc_kv_str(req, "pauses", " hold_resolution pending_fix ");
	keel_enc_kv_str(req, "from", from);
	va_start(ap, first);
	for (k = first; k; k = va_arg(ap, const char *))
		keel_enc_kv_str(req, k, va_arg(ap, const char *));
	va_end(ap);
}

static bool
write(const char *fn, const char *key)
{
	harness_outcome_release(&o);
	return harness_lua_write(c, "ticketing", fn, key, "ticket.", 0, NULL,
	                         req, &o) &&
	       o.ok;
}

static const char *
field(const char *name)
{
	static char buf[64];

	buf[0] = '\0';
	keel_obj_strcpy(keel_obj_get(o.reply, name), buf, sizeof(buf));
	return buf;
}

static void
staff(const char *id, const char *role, const char *level)
{
	keel_enc_reset(req);
	keel_enc_map(req, 6);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_str(req, "name", id);
	keel_enc_kv_str(req, "role", role);
	keel_enc_kv_str(req, "level", level);
	keel_enc_kv_str(req, "email", "");
	keel_enc_kv_str(req, "phone", "");
	harness_outcome_release(&o);
	harness_lua_write(c, "ticketing", "ticketing_staff_put", id, "staff.",
	                  2,
	                  (const char *[]){"keel:{ticketing}:seq:staff",
	                                   "keel:{ticketing}:staff"},
	                  req, &o);
}

static void
customer(const char *seq, long long version, const char *name)
{
	redisReply *r;

	keel_enc_reset(req);
	keel_enc_map(req, 5);
	keel_enc_kv_int(req, "version", version);
	keel_enc_kv_str(req, "name", name);
	keel_enc_kv_str(req, "timezone", "Europe/Zurich");
	keel_enc_kv_str(req, "seq", seq);
	keel_enc_kv_str(req, "sla_policy", "default");
	r = harness_lua_effect(c, "ticketing", "ticketing_on_customer", seq, 2,
	                       (const char *[]){"keel:{ticketing}:customer:acme",
	                                        "keel:{ticketing}:applied:"
	                                        "intake"},
	                       req);
	freeReplyObject(r);
}

static void
create(const char *key, const char *cust, const char *level)
{
	reqv("", "customer", cust, "contact", "ann", "channel", "phone",
	     "priority", "high", "devices", "srv1", "service", "", "symptoms",
	     "disk full on srv1", "steps", "", "changes", "", "metric", "",
	     "received_ms", "1760000000000", "level", level, NULL);
	write("ticketing_create", key);
}

/* The SLA plan of T-000002 for version, in req: a response clock with
 * its first escalation before it. */
static void
sla_plan(const char *version)
{
	keel_enc_reset(req);
	keel_enc_map(req, 7);
	keel_enc_kv_str(req, "id", "T-000002");
	keel_enc_kv_str(req, "version", version);
	keel_enc_kv_int(req, "response_due", 1760000100000LL);
	keel_enc_kv_int(req, "resolution_due", 0);
	keel_enc_kv_int(req, "score", 11760000100000LL);
	keel_enc_kv_str(req, "esc_on", "response");
	keel_enc_str(req, "timers");
	keel_enc_array(req, 2);
	keel_enc_array(req, 2);
	keel_enc_str(req, "esc1");
	keel_enc_int(req, 1760000075000LL);
	keel_enc_array(req, 2);
	keel_enc_str(req, "response");
	keel_enc_int(req, 1760000100000LL);
}

int
main(void)
{
	struct harness_redis redis = {0};
	redisReply *r;
	char id[32];

	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	c = harness_lua_open(&redis, "ticketing");
	req = keel_enc_new();

	customer("2-0", 2, "Acme Two");
	customer("1-0", 1, "Acme One");
	customer("1-0", 1, "Acme One");
	r = redisCommand(c, "HGET keel:{ticketing}:customer:acme name");
	is_str(r->str, "Acme Two",
	       "customer copies: an older version never overwrites a newer");
	freeReplyObject(r);
	is_int(harness_redis_int(&redis, "GET keel:{ticketing}:applied:intake"),
	       2, "  and a redelivered event is applied once");

	create("c0", "nobody", "1");
	ok(!o.ok && strcmp(o.code, "not_found") == 0 &&
	       strcmp(o.field, "body.customer") == 0,
	   "ticket.create for an unknown customer is refused");

	staff("t1", "technician", "1");
	staff("t2", "technician", "1");
	staff("t3", "technician", "2");
	staff("mia", "service_manager", "0");
	ok(o.ok && strcmp(o.status, "new") == 0, "staff.put");
	create("c1", "acme", "1");
	ok(o.ok && strcmp(field("id"), "T-000001") == 0 &&
	       strcmp(field("assignee"), "t1") == 0 && o.events == 2,
	   "ticket.create: T-000001, assigned to t1 (created, assigned)");
	snprintf(id, sizeof(id), "%s", field("id"));
	create("c2", "acme", "1");
	ok(strcmp(field("assignee"), "t2") == 0,
	   "  the next goes to the least loaded level-1 technician, t2");
	create("c1", "acme", "1");
	ok(strcmp(o.status, "replay") == 0 &&
	       strcmp(field("id"), "T-000001") == 0,
	   "  a replay answers T-000001 again and creates nothing");
	is_int(harness_redis_int(&redis, "GET keel:{ticketing}:seq:ticket"), 2,
	       "  two tickets");

	/* ticket.create planned in C: the context it planned from is checked
	 * in the write. */
	{
		static const char *const f[] = {
		    "customer", "acme", "contact", "ann", "channel", "phone",
		    "priority", "normal", "devices", "", "service", "",
		    "symptoms", "slow", "steps", "", "changes", "", "metric",
		    "", "received_ms", "1760000000000", "level", "1"};

		for (int stale = 1; stale >= 0; stale--) {
			keel_enc_reset(req);
			keel_enc_map(req, 3 + 12 + 2);
			keel_enc_kv_int(req, "now", 1760000000000LL);
			keel_enc_kv_str(req, "pauses", " hold_resolution ");
			keel_enc_kv_str(req, "from", "");
			for (int i = 0; i < 24; i += 2)
				keel_enc_kv_str(req, f[i], f[i + 1]);
			keel_enc_str(req, "ctx");
			keel_enc_map(req, 4);
			keel_enc_kv_str(req, "customer", stale ? "1" : "2");
			keel_enc_kv_str(req, "policy", "default");
			keel_enc_kv_str(req, "policy_v", "0");
			keel_enc_kv_str(req, "calendar_v", "0");
			keel_enc_str(req, "plan");
			keel_enc_map(req, 5);
			keel_enc_kv_int(req, "response_due", 1760003600000LL);
			keel_enc_kv_int(req, "resolution_due", 0);
			keel_enc_kv_int(req, "score", 21760003600000LL);
			keel_enc_kv_str(req, "esc_on", "response");
			keel_enc_str(req, "timers");
			keel_enc_array(req, 1);
			keel_enc_array(req, 2);
			keel_enc_str(req, "response");
			keel_enc_int(req, 1760003600000LL);
			harness_outcome_release(&o);
			harness_lua_write(c, "ticketing", "ticketing_create",
			                  stale ? "p1" : "p2", "ticket.", 0, NULL,
			                  req, &o);
			if (stale)
				is_str(o.status, "retry",
				       "ticket.create planned from an older "
				       "customer version: retry, nothing "
				       "written");
		}
		ok(o.ok && strcmp(field("id"), "T-000003") == 0,
		   "  from the current one: T-000003");
		r = redisCommand(c, "HMGET keel:{ticketing}:ticket:T-000003 "
		                    "response_due_ms timers");
		ok(r->elements == 2 && strcmp(r->element[0]->str,
		                              "1760003600000") == 0 &&
		       strcmp(r->element[1]->str, "T-000003|response") == 0,
		   "  with its plan: due time and timer, in the same write");
		freeReplyObject(r);
		is_int(harness_redis_int(&redis, "ZSCORE keel:{ticketing}:"
		                                 "sla-dirty T-000003"),
		       0, "  and nothing left for the planner");
		is_int(harness_redis_int(&redis, "ZSCORE keel:{ticketing}:timers "
		                                 "T-000003|response"),
		       1760003600000LL, "  the timer is set");
	}

	reqv(" new open ", "id", "T-000009", "status", "open", "note", "", NULL);
	write("ticketing_status", "s0");
	ok(strcmp(o.code, "not_found") == 0, "ticket.status: unknown ticket");
	reqv(" open ", "id", id, "status", "open", "note", "", NULL);
	write("ticketing_status", "s1");
	ok(strcmp(o.code, "invalid_transition") == 0 &&
	       strstr(o.message, "is new"),
	   "  a status the lifecycle does not allow from new is refused");
	reqv(" new ", "id", id, "status", "open", "note", "looking", NULL);
	ok(write("ticketing_status", "s2") && strcmp(field("status"), "open") ==
	                                          0,
	   "  new -> open");
	r = redisCommand(c, "HGET keel:{ticketing}:ticket:%s responded_ms", id);
	is_str(r->str, "1760000000000", "  the first response is recorded");
	freeReplyObject(r);

	reqv(" open ", "id", id, "resolution", "freed space",
	     "actions", "rotated logs", NULL);
	ok(write("ticketing_resolve", "r1"), "ticket.resolve");
	reqv(" hold_resolution ", "id", id, "by", "ann", NULL);
	ok(write("ticketing_confirm", "f1") &&
	       strcmp(field("status"), "closed") == 0 && o.events == 2,
	   "ticket.confirm closes it (status_changed, closed)");
	is_int(harness_redis_int(&redis, "ZSCORE keel:{ticketing}:load t1"), 1,
	       "  its technician's load drops (t1 keeps T-000003)");
	is_int(harness_redis_int(&redis, "ZSCORE keel:{ticketing}:load:1 t1"),
	       1, "  in its level's index too");

	keel_enc_reset(req);
	keel_enc_map(req, 2);
	keel_enc_kv_int(req, "limit", 10);
	keel_enc_str(req, "words");
	keel_enc_array(req, 2);
	keel_enc_str(req, "disk");
	keel_enc_str(req, "logs");
	r = harness_fcall(c, "ticketing_ticket_search", 1,
	                  (const char *[]){"keel:{ticketing}:closed"}, req);
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	       strcmp(r->element[0]->element[0]->str, id) == 0,
	   "ticket.search finds the closed ticket by two of its words");
	freeReplyObject(r);

	/* The clock: apply the plan of T-000002 for its version, then fire. */
	sla_plan("1");
	r = harness_fcall(c, "ticketing_sla_apply", 1,
	                  (const char *[]){"keel:{ticketing}:ticket:T-000002"},
	                  req);
	ok(r && r->type == REDIS_REPLY_INTEGER && r->integer == 0,
	   "the clock's plan for an old version is not applied");
	freeReplyObject(r);
	r = redisCommand(c, "HGET keel:{ticketing}:ticket:T-000002 version");
	sla_plan(r->str);
	freeReplyObject(r);
	r = harness_fcall(c, "ticketing_sla_apply", 1,
	                  (const char *[]){"keel:{ticketing}:ticket:T-000002"},
	                  req);
	ok(r && r->integer == 1, "  the plan for the current version is");
	freeReplyObject(r);
	is_int(harness_redis_int(&redis, "ZCARD keel:{ticketing}:timers"), 3,
	       "  with its two timers (and T-000003's one)");
	for (int i = 0; i < 2; i++) {
		struct keel_enc *h = keel_enc_new();
		const void *hp;
		size_t hl;

		keel_events_head(h, "test");
		hp = keel_enc_data(h, &hl);
		keel_enc_reset(req);
		keel_enc_map(req, 3);
		keel_enc_kv_int(req, "now", 1760000200000LL);
		keel_enc_str(req, "head");
		keel_enc_strn(req, hp, hl);
		keel_enc_kv_int(req, "max", 200);
		r = harness_fcall(c, "ticketing_sla_fire", 1,
		                  (const char *[]){"keel:{ticketing}:timers"},
		                  req);
		is_int(r && r->type == REDIS_REPLY_ARRAY ? (long long)r->elements
		                                         : -1,
		       i == 0 ? 5 : 1,
		       i == 0 ? "both timers fire: an escalation to the service "
		                "manager and the response breach"
		              : "  and never again");
		freeReplyObject(r);
		keel_enc_free(h);
	}
	r = redisCommand(c, "HMGET keel:{ticketing}:ticket:T-000002 escalation "
	                    "response_breached");
	ok(r->elements == 2 && strcmp(r->element[0]->str, "1") == 0 &&
	       strcmp(r->element[1]->str, "1") == 0,
	   "  the ticket records both");
	freeReplyObject(r);

	harness_outcome_release(&o);
	redisFree(c);
	keel_enc_free(req);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

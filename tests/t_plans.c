/*
 * t_plans: keel-intake, keel-pricing and keel-scheduling as real
 * processes: an accepted proposal becomes an engagement to plan; plans
 * take each activity's earliest slot with a specialist of its tier and
 * skills (tier 3: HQ), refuse naming the activity when nobody can, need
 * HQ coordination over 1000 seats before they are agreed, and 50 planners
 * at once never book the same specialist's hours twice.
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>

static struct keel_client *bi, *in, *sc;

/* Sends b's body; the reply in rep. */
static bool
call(struct keel_client *c, const char *type, struct keel_enc *b,
     struct keel_env *rep)
{
	return harness_call(c, type, b, rep);
}

static void
str(const struct keel_env *rep, const char *k, char *buf, size_t size)
{
	buf[0] = '\0';
	keel_obj_strcpy(keel_obj_get(rep->body, k), buf, size);
}

/* Takes a proposal for seats of product, with activities (name, tier,
 * units triples, ended by NULL), to accepted; its id in id. */
static bool
accepted(int seats, const char *product, char id[33], ...)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	char a[33], st[32];
	va_list ap;
	int n = 0;
	bool okay = false;

	keel_enc_map(b, 7);
	keel_enc_kv_str(b, "customer", "acme");
	keel_enc_kv_str(b, "contact", "Carla");
	keel_enc_kv_str(b, "kind", "deployment");
	keel_enc_kv_int(b, "seats", seats);
	keel_enc_str(b, "products");
	keel_enc_array(b, 1);
	keel_enc_str(b, product);
	keel_enc_kv_str(b, "connection", "remote");
	keel_enc_str(b, "dates");
	keel_enc_array(b, 1);
	keel_enc_str(b, "2027-01-18");
	if (!call(in, "assessment.submit", b, &rep))
		goto out;
	str(&rep, "id", a, sizeof(a));
	harness_body(b, "id", 's', a, "result", 's', "feasible", "by", 's',
	             "Sam", NULL);
	if (!call(in, "assessment.evaluate", b, &rep))
		goto out;
	va_start(ap, id);
	while (va_arg(ap, const char *)) {
		(void)va_arg(ap, int);
		(void)va_arg(ap, int);
		n++;
	}
	va_end(ap);
	keel_enc_reset(b);
	keel_enc_map(b, 3);
	keel_enc_kv_str(b, "assessment", a);
	keel_enc_kv_str(b, "scope", "all");
	keel_enc_str(b, "activities");
	keel_enc_array(b, (uint32_t)n);
	va_start(ap, id);
	for (const char *nm; (nm = va_arg(ap, const char *));) {
		keel_enc_map(b, 3);
		keel_enc_kv_str(b, "name", nm);
		keel_enc_kv_int(b, "tier", va_arg(ap, int));
		keel_enc_kv_int(b, "units", va_arg(ap, int));
	}
	va_end(ap);
	if (!call(in, "proposal.draft", b, &rep))
		goto out;
	str(&rep, "id", id, 33);
	for (int i = 0; i < 400; i++) {
		harness_body(b, "id", 's', id, NULL);
		call(in, "proposal.get", b, &rep);
		str(&rep, "status", st, sizeof(st));
		if (strcmp(st, "priced") == 0)
			break;
		harness_sleep_ms(25);
	}
	if (seats > 1000) {
		harness_body(b, "id", 's', id, "by", 's', "HQ", NULL);
		call(in, "proposal.review", b, &rep);
	}
	harness_body(b, "id", 's', id, NULL);
	if (!call(in, "proposal.send", b, &rep))
		goto out;
	harness_body(b, "id", 's', id, "by", 's', "Carla", NULL);
	okay = call(in, "proposal.accept", b, &rep);
out:
	if (!okay)
		diag("not accepted: %s", rep.ok ? "" : rep.error.message);
	keel_env_release(&rep);
	keel_enc_free(b);
	return okay;
}

/* Waits until scheduling knows engagement id. */
static bool
known(const char *id)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	bool found = false;

	for (int i = 0; i < 400 && !found; i++) {
		harness_body(b, "engagement", 's', id, NULL);
		found = call(sc, "plan.get", b, &rep);
		if (!found)
			harness_sleep_ms(25);
	}
	keel_env_release(&rep);
	keel_enc_free(b);
	return found;
}

static void
specialist(const char *id, const char *org, int tier, const char *product)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};

	keel_enc_map(b, 6);
	keel_enc_kv_str(b, "id", id);
	keel_enc_kv_str(b, "name", id);
	keel_enc_kv_str(b, "org", org);
	keel_enc_kv_int(b, "tier", tier);
	keel_enc_kv_str(b, "timezone", "Europe/Zurich");
	keel_enc_str(b, "products");
	keel_enc_array(b, 1);
	keel_enc_str(b, product);
	if (!call(sc, "specialist.put", b, &rep))
		bail_out("specialist.put");
	keel_env_release(&rep);
	keel_enc_free(b);
}

static char many[50][33];
static atomic_int planned;

static void *
planner(void *arg)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};

	harness_body(b, "engagement", 's', many[(intptr_t)arg], NULL);
	if (call(sc, "plan.propose", b, &rep))
		atomic_fetch_add(&planned, 1);
	else
		diag("plan.propose %s: %s", many[(intptr_t)arg],
		     rep.ok ? "" : rep.error.message);
	keel_env_release(&rep);
	keel_enc_free(b);
	return NULL;
}

static int
cmp_span(const void *x, const void *y)
{
	const long long *a = x, *b = y;

	return a[0] < b[0] ? -1 : a[0] > b[0];
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	char conf[2048], e1[33], e2[33], e3[33], s[64];
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	pid_t pi, pp, ps, pb;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(
	    conf, sizeof(conf),
	    "redis.socket = %s\n"
	    "intake.rep = ipc://%s/i0.rep\nintake.pub = ipc://%s/i0.pub\n"
	    "intake.http =\n"
	    "pricing.rep = ipc://%s/p0.rep\npricing.pub = ipc://%s/p0.pub\n"
	    "pricing.http =\n"
	    "scheduling.rep = ipc://%s/s0.rep\n"
	    "scheduling.pub = ipc://%s/s0.pub\nscheduling.http =\n"
	    "billing.rep = ipc://%s/b0.rep\nbilling.pub = ipc://%s/b0.pub\n"
	    "billing.http =\nbilling.run_ms = 0\n"
	    "events.sweep_ms = 200\n",
	    redis.sock, dir, dir, dir, dir, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	pi = harness_daemon("intake", 0);
	pp = harness_daemon("pricing", 0);
	ps = harness_daemon("scheduling", 0);
	pb = harness_daemon("billing", 0);
	in = harness_client("intake", "i0.rep", 5000);
	bi = harness_client("billing", "b0.rep", 5000);
	sc = harness_client("scheduling", "s0.rep", 10000);
	if (!harness_customer_put(in, "acme", "Acme AG", "Europe/Zurich"))
		bail_out("customer.put");
	specialist("pat", "partner", 1, "Endpoint Encryption");
	specialist("hq1", "hq", 3, "Endpoint Encryption");
	specialist("solo", "partner", 2, "File Security for Linux");

	ok(accepted(800, "Endpoint Encryption", e1, "install", 1, 3, "design",
	            3, 2, NULL),
	   "a proposal is accepted");
	ok(known(e1), "  keel-scheduling has the engagement");
	harness_body(b, "engagement", 's', e1, NULL);
	ok(call(sc, "plan.propose", b, &rep), "plan.propose");
	{
		const struct keel_obj *items = keel_obj_get(rep.body, "items");
		const struct keel_obj *i0 = keel_obj_at(items, 0);
		const struct keel_obj *i1 = keel_obj_at(items, 1);
		char sp0[33] = "", sp1[33] = "";
		int64_t s0 = 0, end0 = 0, s1 = 0, end1 = 0;

		keel_obj_strcpy(keel_obj_get(i0, "specialist"), sp0,
		                sizeof(sp0));
		keel_obj_strcpy(keel_obj_get(i1, "specialist"), sp1,
		                sizeof(sp1));
		keel_obj_int(keel_obj_get(i0, "start_ms"), &s0);
		keel_obj_int(keel_obj_get(i0, "end_ms"), &end0);
		keel_obj_int(keel_obj_get(i1, "start_ms"), &s1);
		keel_obj_int(keel_obj_get(i1, "end_ms"), &end1);
		ok(strcmp(sp0, "pat") == 0,
		   "  the tier 1 activity goes to the partner, not to HQ");
		ok(s0 == harness_utc(2027, 1, 18, 7, 0) &&
		       end0 == harness_utc(2027, 1, 18, 10, 0),
		   "  from the preferred Monday, 08:00-11:00 Zurich");
		ok(strcmp(sp1, "hq1") == 0 && s1 == end0 &&
		       end1 == harness_utc(2027, 1, 18, 12, 0),
		   "  the tier 3 activity to HQ, right after: 11:00-13:00");
	}
	harness_body(b, "engagement", 's', e1, "by", 's', "Carla", NULL);
	ok(call(sc, "plan.agree", b, &rep), "800 seats: agreed at once");
	harness_body(b, "engagement", 's', e1, NULL);
	ok(!call(sc, "plan.propose", b, &rep) &&
	       strcmp(rep.error.code, "invalid_transition") == 0,
	   "  an agreed plan is not proposed again");

	/* Checklist, execution, acceptance. */
	{
		const struct keel_obj *items;
		size_t n;
		int64_t v = 0;
		bool done = true;

		harness_body(b, "engagement", 's', e1, NULL);
		ok(call(sc, "checklist.get", b, &rep), "checklist.get");
		items = keel_obj_get(rep.body, "items");
		n = keel_obj_len(items);
		keel_obj_bool(keel_obj_get(rep.body, "done"), &done);
		ok(n >= 4 && !done, "  %zu preconditions, none ticked", n);
		harness_body(b, "engagement", 's', e1, "by", 's', "pat", NULL);
		ok(!call(sc, "execution.start", b, &rep) &&
		       strstr(rep.error.message, "item 1"),
		   "execution cannot start before every item is ticked");
		for (size_t i = 1; i <= n; i++) {
			harness_body(b, "engagement", 's', e1, "item", 'i',
			             (long long)i, "by", 's', "Carla", NULL);
			call(sc, "checklist.tick", b, &rep);
		}
		keel_obj_bool(keel_obj_get(rep.body, "done"), &done);
		str(&rep, "engagement", s, sizeof(s));
		ok(done, "  every item ticked, who and when kept");
		harness_body(b, "engagement", 's', e1, "by", 's', "pat", NULL);
		ok(call(sc, "execution.start", b, &rep), "then it starts");
		harness_body(b, "engagement", 's', e1, "specialist", 's', "pat",
		             "customer", 's', "Carla", "date", 's',
		             "2026-01-05", NULL);
		ok(!call(sc, "acceptance.sign", b, &rep) &&
		       strcmp(rep.error.code, "invalid_transition") == 0,
		   "no acceptance before verification");
		keel_enc_reset(b);
		keel_enc_map(b, 3);
		keel_enc_kv_str(b, "engagement", e1);
		keel_enc_kv_str(b, "by", "pat");
		keel_enc_str(b, "checks");
		keel_enc_array(b, 1);
		keel_enc_str(b, "agents report to the console");
		ok(call(sc, "execution.verify", b, &rep), "execution.verify");
		harness_body(b, "engagement", 's', e1, "specialist", 's', "pat",
		             "customer", 's', "Carla", "date", 's',
		             "2026-01-05", NULL);
		ok(call(sc, "acceptance.sign", b, &rep) &&
		       strcmp((str(&rep, "status", s, sizeof(s)), s),
		              "completed") == 0,
		   "acceptance signed by both: completed");
		ok(!call(sc, "acceptance.sign", b, &rep),
		   "  and signed only once");
		/* engagement.completed with the units and the quote */
		harness_body(b, "since", 's', "0-0", "limit", 'i', 1000LL,
		             NULL);
		call(sc, "events.since", b, &rep);
		items = keel_obj_get(rep.body, "events");
		n = 0;
		for (size_t i = 0; i < keel_obj_len(items); i++) {
			const struct keel_obj *ev = keel_obj_at(items, i);
			char t[64] = "";

			keel_obj_strcpy(keel_obj_get(ev, "type"), t, sizeof(t));
			if (strcmp(t, "engagement.completed") == 0) {
				keel_obj_int(
				    keel_obj_get(keel_obj_get(ev, "body"),
				                 "total"),
				    &v);
				n++;
			}
			n += 10 *
			     (strcmp(t, "engagement.feedback_requested") == 0 ||
			      strcmp(t, "engagement.upsell_suggested") == 0);
		}
		ok(n == 21 && v == 76000,
		   "engagement.completed once, with the accepted quote's "
		   "760.00; feedback and premium support follow");
		/* keel-billing invoices it once, from that event */
		{
			const struct keel_obj *inv = NULL;
			char id[33] = "";
			int64_t total = 0;

			for (int t = 0; t < 200 && !inv; t++) {
				harness_body(b, "customer", 's', "acme", NULL);
				call(bi, "invoice.list", b, &rep);
				if (keel_obj_len(keel_obj_get(rep.body,
				                              "invoices")) > 0)
					inv = keel_obj_at(
					    keel_obj_get(rep.body, "invoices"),
					    0);
				else
					harness_sleep_ms(25);
			}
			keel_obj_int(keel_obj_get(inv, "total"), &total);
			keel_obj_strcpy(keel_obj_get(inv, "id"), id, sizeof(id));
			ok(inv && total == 76000 &&
			       keel_obj_len(keel_obj_get(rep.body,
			                                 "invoices")) == 1 &&
			       keel_obj_streq(keel_obj_get(inv, "kind"),
			                      "engagement") &&
			       keel_obj_streq(keel_obj_get(inv, "issued"),
			                      "2026-01-05"),
			   "keel-billing issued one engagement invoice %s of "
			   "760.00, dated the signing day",
			   id);
			is_str(id, "INV-2026-0001", "  numbered INV-2026-0001");
		}
		{
			char *out;
			int rc = harness_keelctl(
			    &out, (char *[]){"engagement", "show", e1, NULL});

			ok(rc == 0 &&
			       strstr(out,
			              "status                 completed") &&
			       strstr(out, "[x] 1.") && strstr(out, "hq1"),
			   "keelctl engagement show: assessment, proposal, "
			   "plan "
			   "and checklist in one story");
			free(out);
		}
	}

	ok(accepted(1200, "Endpoint Encryption", e2, "install", 1, 2, NULL) &&
	       known(e2),
	   "1200 seats accepted");
	harness_body(b, "engagement", 's', e2, NULL);
	call(sc, "plan.propose", b, &rep);
	harness_body(b, "engagement", 's', e2, "by", 's', "Carla", NULL);
	ok(!call(sc, "plan.agree", b, &rep) &&
	       strstr(rep.error.message, "plan.coordinate"),
	   "  not agreed before HQ coordinates the dates");
	harness_body(b, "engagement", 's', e2, "by", 's', "Hanna HQ", NULL);
	ok(call(sc, "plan.coordinate", b, &rep), "  coordinated");
	harness_body(b, "engagement", 's', e2, "by", 's', "Carla", NULL);
	ok(call(sc, "plan.agree", b, &rep), "  then agreed");
	str(&rep, "status", s, sizeof(s));
	is_str(s, "agreed", "  status agreed");

	ok(accepted(100, "File Security for Linux", e3, "audit", 3, 1, NULL) &&
	       known(e3),
	   "an engagement with a tier 3 activity for File Security");
	harness_body(b, "engagement", 's', e3, NULL);
	ok(!call(sc, "plan.propose", b, &rep) &&
	       strstr(rep.error.message, "'audit' (tier 3)"),
	   "  refused: no HQ specialist has that skill, the activity named");
	is_str(rep.error.code, "conflict",
	       "  conflict: not a failure that passes by itself");
	ok(strstr(rep.error.message, "has the skill 'File Security for "
	                             "Linux'") != NULL &&
	       !strchr(rep.error.message, '\n'),
	   "  the missing skill named, on one line: %s", rep.error.message);

	/* 50 planners at once, one specialist. */
	{
		pthread_t th[50];
		long long spans[50][2];
		int n = 0, overlaps = 0;
		redisContext *rc;
		redisReply *r;

		for (int i = 0; i < 50; i++)
			if (!accepted(200, "File Security for Linux", many[i],
			              "rollout", 1, 2, NULL))
				bail_out("accepted");
		for (int i = 0; i < 50; i++)
			if (!known(many[i]))
				bail_out("known");
		for (intptr_t i = 0; i < 50; i++)
			pthread_create(&th[i], NULL, planner, (void *)i);
		for (int i = 0; i < 50; i++)
			pthread_join(th[i], NULL);
		is_int(atomic_load(&planned), 50,
		       "50 concurrent plan.propose for one specialist all "
		       "planned");
		rc = redisConnectUnix(redis.sock);
		r = redisCommand(rc, "ZRANGE keel:{scheduling}:bookings:solo 0 "
		                     "-1");
		for (size_t i = 0; r && i < r->elements && n < 50; i++)
			if (sscanf(r->element[i]->str, "%lld:%lld",
			           &spans[n][0], &spans[n][1]) == 2)
				n++;
		freeReplyObject(r);
		redisFree(rc);
		qsort(spans, (size_t)n, sizeof(spans[0]), cmp_span);
		for (int i = 1; i < n; i++)
			overlaps += spans[i][0] < spans[i - 1][1];
		is_int(n, 50, "  50 bookings");
		is_int(overlaps, 0, "  none overlapping another");
	}

	harness_body(b, "engagement", 's', "P-999999", NULL);
	ok(!call(sc, "plan.propose", b, &rep) &&
	       strcmp(rep.error.code, "not_found") == 0,
	   "an unknown engagement is not_found");
	keel_enc_reset(b);
	keel_enc_map(b, 5);
	keel_enc_kv_str(b, "name", "x");
	keel_enc_kv_str(b, "org", "partner");
	keel_enc_kv_int(b, "tier", 1);
	keel_enc_kv_str(b, "timezone", "Mars/Olympus");
	keel_enc_str(b, "products");
	keel_enc_array(b, 1);
	keel_enc_str(b, "Endpoint Encryption");
	ok(!call(sc, "specialist.put", b, &rep) &&
	       strcmp(rep.error.field, "body.timezone") == 0,
	   "a specialist in Mars/Olympus is refused");
	harness_body(b, "id", 's', "pat", NULL);
	ok(call(sc, "specialist.get", b, &rep), "specialist.get pat");

	keel_env_release(&rep);
	keel_enc_free(b);
	keel_client_free(in);
	keel_client_free(sc);
	kill(pi, SIGTERM);
	kill(pp, SIGTERM);
	kill(ps, SIGTERM);
	kill(pb, SIGTERM);
	keel_client_free(bi);
	ok(harness_stopped(ps), "scheduling stops");
	ok(harness_stopped(pb), "billing stops");
	harness_wait(pi, 10000);
	harness_wait(pp, 10000);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

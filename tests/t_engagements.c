/*
 * t_engagements: keel-intake and keel-pricing as real processes, from
 * assessment to accepted proposal: the eligible-products list, assessment
 * checks, evaluation (an unreleased product is never feasible), proposals
 * priced by keel-pricing through the bus, the HQ rules at 1000/1001 and
 * 5000/5001 seats, every proposal transition allowed and refused,
 * revisions that keep old versions, a sent quote that a later price book
 * leaves alone, and bad input on every request.
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static struct keel_client *in, *pr;
static struct keel_enc *b;
static struct keel_env rep;

static bool
send_to(struct keel_client *c, const char *type)
{
	return harness_call(c, type, b, &rep);
}

static const char *
rstr(const char *k)
{
	static char buf[4][128];
	static int i;
	char *s = buf[i++ % 4];

	s[0] = '\0';
	keel_obj_strcpy(keel_obj_get(rep.body, k), s, 128);
	return s;
}

static long long
rnum(const char *k)
{
	int64_t v = -1;

	keel_obj_int(keel_obj_get(rep.body, k), &v);
	return v;
}

/* An assessment of seats for acme; its id in id when submitted. */
static bool
assess(int seats, const char *product, char id[33])
{
	keel_enc_reset(b);
	keel_enc_map(b, 6);
	keel_enc_kv_str(b, "customer", "acme");
	keel_enc_kv_str(b, "contact", "Carla");
	keel_enc_kv_str(b, "kind", "deployment");
	keel_enc_kv_int(b, "seats", seats);
	keel_enc_str(b, "products");
	keel_enc_array(b, 1);
	keel_enc_str(b, product);
	keel_enc_kv_str(b, "connection", "on_site");
	if (!send_to(in, "assessment.submit"))
		return false;
	snprintf(id, 33, "%s", rstr("id"));
	return true;
}

static bool
feasible(const char *id)
{
	harness_body(b, "id", 's', id, "result", 's', "feasible", "by", 's',
	             "Sam Specialist", NULL);
	return send_to(in, "assessment.evaluate");
}

/* A proposal draft for assessment a (by HQ or not); its id in id. */
static bool
draft(const char *a, bool hq, char id[33])
{
	keel_enc_reset(b);
	keel_enc_map(b, 4);
	keel_enc_kv_str(b, "assessment", a);
	keel_enc_kv_str(b, "scope", "all endpoints");
	keel_enc_str(b, "by_hq");
	keel_enc_bool(b, hq);
	keel_enc_str(b, "activities");
	keel_enc_array(b, 2);
	keel_enc_map(b, 3);
	keel_enc_kv_str(b, "name", "install");
	keel_enc_kv_int(b, "tier", 1);
	keel_enc_kv_int(b, "units", 10);
	keel_enc_map(b, 3);
	keel_enc_kv_str(b, "name", "architecture");
	keel_enc_kv_int(b, "tier", 3);
	keel_enc_kv_int(b, "units", 4);
	if (!send_to(in, "proposal.draft"))
		return false;
	snprintf(id, 33, "%s", rstr("id"));
	return true;
}

/* Waits until the latest version of proposal id has status want. */
static bool
wait_status(const char *id, const char *want)
{
	for (int i = 0; i < 400; i++) {
		harness_body(b, "id", 's', id, NULL);
		if (send_to(in, "proposal.get") &&
		    strcmp(rstr("status"), want) == 0)
			return true;
		harness_sleep_ms(25);
	}
	diag("%s is %s, not %s", id, rstr("status"), want);
	return false;
}

/* A proposal of seats brought to status s (draft, priced, sent,
 * accepted, rejected). */
static bool
proposal_in(int seats, const char *s, char id[33])
{
	char a[33];

	if (!assess(seats, "Endpoint Encryption", a) || !feasible(a) ||
	    !draft(a, seats > 5000, id))
		return false;
	if (strcmp(s, "draft") == 0)
		return true;
	if (!wait_status(id, "priced"))
		return false;
	if (strcmp(s, "priced") == 0)
		return true;
	if (seats > 1000) {
		harness_body(b, "id", 's', id, "by", 's', "HQ", NULL);
		send_to(in, "proposal.review");
	}
	harness_body(b, "id", 's', id, NULL);
	if (!send_to(in, "proposal.send"))
		return false;
	if (strcmp(s, "accepted") == 0) {
		harness_body(b, "id", 's', id, "by", 's', "Carla", NULL);
		return send_to(in, "proposal.accept");
	}
	if (strcmp(s, "rejected") == 0) {
		harness_body(b, "id", 's', id, "reason", 's', "too dear", "by",
		             's', "Carla", NULL);
		return send_to(in, "proposal.reject");
	}
	return true;
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	char conf[2048], a[33], p[33];
	pid_t pi, pp;

	signal(SIGPIPE, SIG_IGN);
	b = keel_enc_new();
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(
	    conf, sizeof(conf),
	    "redis.socket = %s\n"
	    "intake.rep = ipc://%s/i0.rep\nintake.pub = ipc://%s/i0.pub\n"
	    "intake.http =\n"
	    "pricing.rep = ipc://%s/p0.rep\npricing.pub = ipc://%s/p0.pub\n"
	    "pricing.http =\nevents.sweep_ms = 200\n",
	    redis.sock, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	pi = harness_daemon("intake", 0);
	pp = harness_daemon("pricing", 0);
	in = harness_client("intake", "i0.rep", 5000);
	pr = harness_client("pricing", "p0.rep", 5000);
	if (!harness_customer_put(in, "acme", "Acme AG", "Europe/Zurich"))
		bail_out("customer.put");

	/* The eligible-products list. */
	keel_enc_reset(b);
	keel_enc_map(b, 0);
	ok(send_to(in, "product.list") &&
	       keel_obj_len(keel_obj_get(rep.body, "products")) == 24,
	   "product.list: DOMAIN's 24 products");
	harness_body(b, "name", 's', "Cloud Sandbox", "released", 'b', 0LL,
	             NULL);
	ok(send_to(in, "product.put"), "a product not yet released is added");
	harness_body(b, "name", 's', "two\nlines", NULL);
	ok(!send_to(in, "product.put") &&
	       strcmp(rep.error.field, "body.name") == 0,
	   "  a product name of two lines is refused");
	harness_body(b, "id", 's', "A-999999", NULL);
	ok(!send_to(in, "assessment.get") &&
	       strcmp(rep.error.code, "not_found") == 0,
	   "an unknown assessment is not_found");

	/* Assessments. */
	ok(assess(800, "Endpoint Encryption", a), "assessment.submit");
	is_str(rstr("status"), "submitted", "  submitted");
	ok(!assess(800, "Quantum Firewall", a) &&
	       strcmp(rep.error.field, "body.products") == 0 &&
	       strstr(rep.error.message, "Quantum Firewall"),
	   "a product off the list is refused, named");
	ok(assess(800, "Cloud Sandbox", a), "an unreleased product is taken");
	ok(!feasible(a) && strstr(rep.error.message, "Cloud Sandbox"),
	   "  but cannot be feasible, and is named");
	harness_body(b, "id", 's', a, "result", 's', "not_feasible", "by", 's',
	             "Sam", NULL);
	ok(!send_to(in, "assessment.evaluate") &&
	       strcmp(rep.error.field, "body.reasons") == 0,
	   "  not_feasible needs its reasons");
	keel_enc_reset(b);
	keel_enc_map(b, 4);
	keel_enc_kv_str(b, "id", a);
	keel_enc_kv_str(b, "result", "not_feasible");
	keel_enc_kv_str(b, "by", "Sam");
	keel_enc_str(b, "reasons");
	keel_enc_array(b, 1);
	keel_enc_str(b, "waiting for the release");
	ok(send_to(in, "assessment.evaluate") &&
	       strcmp(rstr("status"), "not_feasible") == 0,
	   "  evaluated not_feasible");
	ok(!feasible(a) && strcmp(rep.error.code, "invalid_transition") == 0,
	   "  an assessment is evaluated once");
	harness_body(b, "id", 's', a, NULL);
	send_to(in, "assessment.get");
	is_int((long long)keel_obj_len(keel_obj_get(rep.body, "reasons")), 2,
	       "  its reasons include the unreleased product");
	ok(!draft(a, false, p) &&
	       strcmp(rep.error.code, "invalid_transition") == 0,
	   "no proposal for an infeasible assessment");
	{
		static const struct {
			const char *field, *kind, *cur, *tgt, *date;
		} bad[] = {
		    {"body.current_version", "upgrade", NULL, "7", NULL},
		    {"body.target_version", "upgrade", "7.2", "7.1", NULL},
		    {"body.current_version", "deployment", "6", NULL, NULL},
		    {"body.dates[0]", "deployment", NULL, NULL, "2020-01-01"},
		    {"body.dates[0]", "deployment", NULL, NULL, "2030-02-30"},
		};
		int named = 0;

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			keel_enc_reset(b);
			keel_enc_map(b, 6 + (bad[i].cur != NULL) +
			                    (bad[i].tgt != NULL) +
			                    (bad[i].date != NULL));
			keel_enc_kv_str(b, "customer", "acme");
			keel_enc_kv_str(b, "contact", "Carla");
			keel_enc_kv_str(b, "kind", bad[i].kind);
			keel_enc_kv_int(b, "seats", 10);
			keel_enc_str(b, "products");
			keel_enc_array(b, 1);
			keel_enc_str(b, "Endpoint Encryption");
			keel_enc_kv_str(b, "connection", "remote");
			if (bad[i].cur)
				keel_enc_kv_str(b, "current_version",
				                bad[i].cur);
			if (bad[i].tgt)
				keel_enc_kv_str(b, "target_version",
				                bad[i].tgt);
			if (bad[i].date) {
				keel_enc_str(b, "dates");
				keel_enc_array(b, 1);
				keel_enc_str(b, bad[i].date);
			}
			if (!send_to(in, "assessment.submit") &&
			    strcmp(rep.error.field, bad[i].field) == 0)
				named++;
			else
				diag("case %zu: %s", i,
				     rep.ok ? "taken" : rep.error.message);
		}
		is_int(named, 5,
		       "upgrades need current < target versions; dates after "
		       "today, real ones");
	}
	harness_body(b, "customer", 's', "acme", "contact", 's', "C", "kind",
	             's', "deployment", "seats", 'i', 0LL, "connection", 's',
	             "remote", NULL);
	ok(!send_to(in, "assessment.submit") &&
	       strcmp(rep.error.field, "body.seats") == 0,
	   "0 seats is refused");

	/* A proposal: priced by keel-pricing, sent, accepted. */
	ok(proposal_in(800, "draft", p), "proposal.draft: version 1");
	ok(wait_status(p, "priced"), "  keel-pricing prices it");
	{
		const struct keel_obj *q = keel_obj_get(rep.body, "quote");
		int64_t total = 0;

		keel_obj_int(keel_obj_get(q, "total"), &total);
		is_int(total, 230000,
		       "  10 x 120.00 + 4 x 200.00, on site + 15 %% = 2300.00");
	}
	{
		bool review = true;

		keel_obj_bool(keel_obj_get(rep.body, "hq_review_required"),
		              &review);
		ok(!review, "  800 seats: no HQ review needed");
	}
	harness_body(b, "id", 's', p, NULL);
	ok(send_to(in, "proposal.send") && strcmp(rstr("status"), "sent") == 0,
	   "  sent");
	/* A new price book now leaves the sent quote alone. */
	harness_body(b, "unit_rates", 'r',
	             "\x93\xcd\x3a\x98\xcd\x3a\x98\xcd\x3a\x98", (size_t)10,
	             NULL);
	ok(send_to(pr, "pricebook.put"), "a new price book (150.00 for all)");
	harness_body(b, "id", 's', p, NULL);
	send_to(in, "proposal.get");
	{
		int64_t total = 0;

		keel_obj_int(
		    keel_obj_get(keel_obj_get(rep.body, "quote"), "total"),
		    &total);
		is_int(total, 230000, "  the sent proposal keeps its quote");
	}
	harness_body(b, "id", 's', p, "by", 's', "Carla", NULL);
	ok(send_to(in, "proposal.accept") &&
	       strcmp(rstr("status"), "accepted") == 0,
	   "  accepted");

	/* HQ thresholds. */
	ok(proposal_in(1000, "priced", p), "1000 seats: priced");
	harness_body(b, "id", 's', p, NULL);
	ok(send_to(in, "proposal.send"), "  sent without an HQ review");
	ok(proposal_in(1001, "priced", p), "1001 seats: priced");
	harness_body(b, "id", 's', p, NULL);
	ok(!send_to(in, "proposal.send") && strstr(rep.error.message, "HQ"),
	   "  not sent before an HQ review");
	harness_body(b, "id", 's', p, "by", 's', "Hanna HQ", NULL);
	ok(send_to(in, "proposal.review"), "  reviewed");
	harness_body(b, "id", 's', p, NULL);
	send_to(in, "proposal.get");
	{
		bool over = false, coord = false, assembles = true;

		keel_obj_bool(keel_obj_get(rep.body, "hq_oversight_required"),
		              &over);
		keel_obj_bool(
		    keel_obj_get(rep.body, "hq_schedule_coordination"), &coord);
		keel_obj_bool(keel_obj_get(rep.body, "hq_assembles"),
		              &assembles);
		ok(over && coord && !assembles &&
		       strcmp(rstr("reviewed_by"), "Hanna HQ") == 0,
		   "  oversight and schedule coordination marked, HQ need not "
		   "assemble");
	}
	harness_body(b, "id", 's', p, NULL);
	ok(send_to(in, "proposal.send"), "  then sent");
	ok(assess(5000, "Endpoint Encryption", a) && feasible(a) &&
	       draft(a, false, p),
	   "5000 seats: a partner may draft");
	ok(assess(5001, "Endpoint Encryption", a) && feasible(a) &&
	       !draft(a, false, p) &&
	       strcmp(rep.error.field, "body.by_hq") == 0,
	   "5001 seats: refused unless HQ drafts it");
	ok(draft(a, true, p), "  HQ drafts it");

	/* The proposal lifecycle, every step from every status. */
	{
		static const char *const from[] = {"draft", "priced", "sent",
		                                   "accepted", "rejected"};
		static const char *const steps[] = {"send", "accept", "reject",
		                                    "revise"};
		/* by hand from DOMAIN §1 step 5 */
		static const bool allowed[5][4] = {
		    {0, 0, 0, 0}, /* draft: not priced yet */
		    {1, 0, 0, 0}, /* priced */
		    {0, 1, 1, 1}, /* sent */
		    {0, 0, 0, 0}, /* accepted */
		    {0, 0, 0, 1}, /* rejected */
		};
		int right = 0, total = 0;

		for (int f = 0; f < 5; f++)
			for (int s = 0; s < 4; s++) {
				bool got;

				if (!proposal_in(800, from[f], p)) {
					diag("cannot reach %s", from[f]);
					continue;
				}
				if (s == 1)
					harness_body(b, "id", 's', p, "by", 's',
					             "Carla", NULL);
				else if (s == 2)
					harness_body(b, "id", 's', p, "reason",
					             's', "no", NULL);
				else if (s == 3)
					harness_body(b, "id", 's', p, "scope",
					             's', "fewer sites", NULL);
				else
					harness_body(b, "id", 's', p, NULL);
				got = send_to(in, s == 0   ? "proposal.send"
				                  : s == 1 ? "proposal.accept"
				                  : s == 2 ? "proposal.reject"
				                           : "proposal.revise");
				total++;
				if (got == allowed[f][s] &&
				    (got || strstr(rep.error.message, from[f])))
					right++;
				else
					diag("%s from %s: %s", steps[s],
					     from[f],
					     got ? "allowed"
					         : rep.error.message);
			}
		is_int(
		    right, total,
		    "proposal lifecycle: %d cases allowed or refused (naming "
		    "the status) as DOMAIN says",
		    total);
	}

	/* Revisions keep the old versions. */
	ok(proposal_in(800, "rejected", p), "a rejected proposal");
	harness_body(b, "id", 's', p, "scope", 's', "two sites only", NULL);
	ok(send_to(in, "proposal.revise") && rnum("version") == 2,
	   "  revised: version 2");
	ok(wait_status(p, "priced"), "  version 2 is priced in turn");
	{
		int64_t bv = 0;

		keel_obj_int(keel_obj_get(keel_obj_get(rep.body, "quote"),
		                          "book_version"),
		             &bv);
		ok(bv == 1, "  with the new price book (version 1)");
	}
	harness_body(b, "id", 's', p, "version", 'i', 1LL, NULL);
	ok(send_to(in, "proposal.get") &&
	       strcmp(rstr("status"), "rejected") == 0 &&
	       strcmp(rstr("decided_by"), "Carla") == 0 &&
	       strcmp(rstr("reason"), "too dear") == 0,
	   "  version 1 is kept, rejected by Carla, and why");
	harness_body(b, "id", 's', p, "version", 'i', 9LL, NULL);
	ok(!send_to(in, "proposal.get") &&
	       strcmp(rep.error.field, "body.version") == 0,
	   "  there is no version 9");
	harness_body(b, "id", 's', "P-999999", NULL);
	ok(!send_to(in, "proposal.send") &&
	       strcmp(rep.error.code, "not_found") == 0,
	   "an unknown proposal is not_found");
	/* Issue 10: this request once crashed keel-intake. */
	harness_body(b, "id", 's', "P-424242", NULL);
	ok(!send_to(in, "proposal.get") &&
	       strcmp(rep.error.code, "not_found") == 0 &&
	       strcmp(rep.error.field, "body.id") == 0,
	   "proposal.get of an unknown proposal is not_found on body.id");
	harness_body(b, "id", 's', p, NULL);
	ok(send_to(in, "proposal.get"), "  and keel-intake still answers");
	harness_body(b, "assessment", 's', "A-000001", "scope", 's', "x", NULL);
	ok(!send_to(in, "proposal.draft") &&
	       strcmp(rep.error.field, "body.activities") == 0,
	   "a draft without activities is refused");

	keel_env_release(&rep);
	keel_enc_free(b);
	keel_client_free(in);
	keel_client_free(pr);
	kill(pi, SIGTERM);
	kill(pp, SIGTERM);
	ok(harness_stopped(pi), "intake stops");
	ok(harness_stopped(pp), "pricing stops");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

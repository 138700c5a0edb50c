/*
 * t_change: keel-intake, keel-ticketing and keel-change as real
 * processes with a real Redis: an RFC's whole lifecycle with who, when and
 * why; the high-impact rule and the review board (quorum, ties, a member
 * voting twice, a non-member); return and resubmit; withdraw; priority;
 * configuration items and their RFCs; a freeze window at the exact minute;
 * a patch's deadline and rfc.overdue once, across a SIGKILL; a ticket
 * through its RFC and back; ticket.rfc_requested delivered twice and
 * keel-change killed: one RFC; bad input on every request.
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "ktime.h"
#include "tap.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static struct keel_client *in, *tk, *ch;
static struct keel_enc *b;
static struct keel_env rep;

static const char *
rstr(const char *k)
{
	static char buf[8][512];
	static int i;
	char *s = buf[i++ % 8];

	s[0] = '\0';
	keel_obj_strcpy(keel_obj_get(rep.body, k), s, 512);
	return s;
}

static bool
call(struct keel_client *c, const char *type)
{
	return harness_call(c, type, b, &rep);
}

/* A complete RFC of acme; its id in id. */
static bool
submit(const char *impact, long long cost, char id[33])
{
	harness_body(b, "customer", 's', "acme", "problem", 's',
	             "the mail gateway drops large attachments", "result", 's',
	             "attachments up to 50 MB pass", "affected", 's',
	             "all staff", "how", 's', "raise the size limit", "backout",
	             's', "restore the previous limit", "impact", 's', impact,
	             "cost", 'i', cost, "budget", 'i', 1000000LL, "by", 's',
	             "Olga Originator", NULL);
	if (!call(ch, "rfc.submit"))
		return false;
	snprintf(id, 33, "%s", rstr("id"));
	return true;
}

static bool
step(const char *type, const char *id, const char *by)
{
	harness_body(b, "id", 's', id, "by", 's', by, "reason", 's',
	             "as planned", NULL);
	return call(ch, type);
}

static bool
vote(const char *id, const char *member, const char *v)
{
	harness_body(b, "rfc", 's', id, "member", 's', member, "vote", 's', v,
	             "reason", 's', "read the plan", NULL);
	return call(ch, "cab.vote");
}

/* The ticket's status after waiting up to 5 s for it to become want. */
static const char *
ticket_becomes(const char *id, const char *want)
{
	for (int t = 0; t < 200; t++) {
		harness_body(b, "id", 's', id, NULL);
		call(tk, "ticket.get");
		if (strcmp(rstr("status"), want) == 0)
			break;
		harness_sleep_ms(25);
	}
	return rstr("status");
}

/* The RFC made from ticket t (waits up to 5 s); its id in id. */
static int
rfcs_of_ticket(const char *t, char id[33])
{
	int n = 0;

	for (int w = 0; w < 200 && n == 0; w++) {
		const struct keel_obj *rows;

		harness_body(b, "customer", 's', "acme", NULL);
		call(ch, "rfc.list");
		rows = keel_obj_get(rep.body, "rfcs");
		for (size_t i = 0; i < keel_obj_len(rows); i++)
			if (keel_obj_streq(keel_obj_get(keel_obj_at(rows, i),
			                                "ticket"),
			                   t)) {
				n++;
				keel_obj_strcpy(keel_obj_get(keel_obj_at(rows, i),
				                             "id"),
				                id, 33);
			}
		if (n == 0)
			harness_sleep_ms(25);
	}
	return n;
}

/* Events of type in keel-change's stream. */
static int
events_of(const char *type)
{
	const struct keel_obj *items;
	int n = 0;

	harness_body(b, "since", 's', "0-0", "limit", 'i', 1000LL, NULL);
	call(ch, "events.since");
	items = keel_obj_get(rep.body, "events");
	for (size_t i = 0; i < keel_obj_len(items); i++)
		n += keel_obj_streq(keel_obj_get(keel_obj_at(items, i), "type"),
		                    type);
	return n;
}

static void
refused(const char *type, const char *code, const char *field,
        const char *why)
{
	bool r = call(ch, type);

	ok(!r && strcmp(rep.error.code, code) == 0 &&
	       strcmp(rep.error.field, field) == 0,
	   "%s refused: %s (%s %s: %s)", type, why, rep.error.code,
	   rep.error.field, rep.error.message);
}

static long long
data_keys(struct harness_redis *r)
{
	return harness_redis_int(
	    r, "EVAL \"local n = 0 for _, k in ipairs(redis.call('KEYS', "
	       "'keel:{change}:*')) do if not string.find(k, ':idem:', 1, "
	       "true) and not string.find(k, ':events', 1, true) then n = n "
	       "+ 1 end end return n\" 0");
}

/* "YYYY-MM-DDTHH:MM" in Zurich, minutes after the current minute. */
static void
local_minute(int minutes, char out[32])
{
	const struct keel_tz *z;
	struct keel_localtime lt;
	int y, m, d;
	int64_t now = keel_time_now_ms() / 60000 * 60000 + minutes * 60000LL;

	keel_tz_get("Europe/Zurich", &z);
	keel_tz_local(z, now, &lt);
	keel_time_civil_from_days(lt.days, &y, &m, &d);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d", y, m, d,
	         lt.sec_of_day / 3600, lt.sec_of_day / 60 % 60);
}

static pid_t
start_change(void)
{
	pid_t p = harness_daemon("change", 0);

	for (int t = 0; t < 200 && !harness_healthy(ch); t++)
		harness_sleep_ms(25);
	return p;
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	char conf[2048], r1[33], r2[33], r3[33], r4[33], t1[33], x[33];
	pid_t pi, pt, pc;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "intake.rep = ipc://%s/i0.rep\nintake.pub = ipc://%s/i0.pub\n"
	         "intake.http =\n"
	         "ticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n"
	         "change.rep = ipc://%s/c0.rep\nchange.pub = ipc://%s/c0.pub\n"
	         "change.http =\nevents.sweep_ms = 200\n",
	         redis.sock, dir, dir, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	pi = harness_daemon("intake", 0);
	pt = harness_daemon("ticketing", 0);
	in = harness_client("intake", "i0.rep", 5000);
	tk = harness_client("ticketing", "t0.rep", 5000);
	ch = harness_client("change", "c0.rep", 5000);
	b = keel_enc_new();
	pc = start_change();
	if (!harness_customer_put(in, "acme", "Acme AG", "Europe/Zurich"))
		bail_out("customer.put");
	for (int t = 0; t < 200; t++) {
		harness_body(b, "customer", 's', "acme", NULL);
		if (call(ch, "freeze.list"))
			break;
		harness_sleep_ms(25);
	}

	/* the whole lifecycle */
	ok(submit("low", 20000, r1), "rfc.submit: %s", r1);
	is_str(rstr("status"), "submitted", "  submitted");
	ok(step("rfc.authorize", r1, "Max Manager"), "authorized");
	is_str(rstr("status"), "approved", "  low impact: approved at once");
	ok(step("rfc.release", r1, "Rita Release"), "released after testing");
	ok(step("rfc.implement", r1, "Ivan Implementer"), "implemented");
	harness_body(b, "id", 's', r1, "by", 's', "Max Manager", "outcome", 's',
	             "successful", NULL);
	ok(call(ch, "rfc.close"), "closed with its outcome");
	harness_body(b, "id", 's', r1, NULL);
	ok(call(ch, "rfc.get") && strcmp(rstr("outcome"), "successful") == 0 &&
	       keel_obj_len(keel_obj_get(rep.body, "history")) == 5,
	   "  archived as successful; five history entries (who, when, why)");
	ok(!step("rfc.withdraw", r1, "Olga Originator") &&
	       strstr(rep.error.message, "closed -> withdrawn"),
	   "  a closed RFC cannot be withdrawn");

	/* the high-impact rule and the board */
	harness_body(b, "members", 'r', "\x93\xa3" "ann\xa3" "bob\xa3" "cid",
	             (size_t)13, "quorum", 'i', 2LL, NULL);
	ok(call(ch, "cab.put"), "a board of three, quorum 2");
	harness_body(b, "impact", 's', "high", "cost_over", 'i', 500000LL,
	             NULL);
	ok(call(ch, "change.rule.put"), "high impact: impact high or cost over "
	                                "5000.00");
	ok(submit("medium", 600000, r2) &&
	       step("rfc.authorize", r2, "Max Manager") &&
	       strcmp(rstr("status"), "cab_review") == 0,
	   "cost 6000.00: to the board");
	ok(!vote(r2, "eve", "approve") &&
	       strcmp(rep.error.field, "body.member") == 0,
	   "a non-member's vote is refused");
	ok(vote(r2, "ann", "approve"), "ann approves");
	ok(!vote(r2, "ann", "approve") &&
	       strcmp(rep.error.code, KEEL_E_CONFLICT) == 0,
	   "ann cannot vote twice");
	ok(vote(r2, "bob", "reject") && strcmp(rstr("status"), "cab_review") == 0,
	   "bob rejects: quorum reached but tied, no decision");
	ok(vote(r2, "cid", "approve") && strcmp(rstr("status"), "approved") == 0,
	   "cid approves: 2 for, 1 against: approved");
	ok(submit("high", 0, r3) && step("rfc.authorize", r3, "Max Manager") &&
	       vote(r3, "ann", "reject") && vote(r3, "bob", "reject") &&
	       strcmp(rstr("status"), "rejected") == 0,
	   "two against at quorum: rejected");
	harness_body(b, "members", 'r', "\x92\xa3" "ann\xa3" "bob", (size_t)9,
	             "quorum", 'i', 2LL, NULL);
	call(ch, "cab.put");
	ok(submit("high", 0, r4) && step("rfc.authorize", r4, "Max Manager") &&
	       vote(r4, "ann", "approve") && vote(r4, "bob", "reject") &&
	       strcmp(rstr("status"), "rejected") == 0,
	   "a tie with every member voted: rejected");
	harness_body(b, "outcome", 's', "rejected", NULL);
	ok(call(ch, "rfc.list") &&
	       keel_obj_len(keel_obj_get(rep.body, "rfcs")) == 2,
	   "the archive finds both rejected RFCs by outcome");

	/* return, resubmit, withdraw, priority */
	harness_body(b, "customer", 's', "acme", "problem", 's', "slow VPN",
	             "result", 's', "fast VPN", "affected", 's', "remote staff",
	             "how", 's', "new concentrator", "backout", 's', "old one",
	             "by", 's', "Olga Originator", NULL);
	ok(call(ch, "rfc.submit"), "another RFC");
	snprintf(x, sizeof(x), "%s", rstr("id"));
	ok(step("rfc.return", x, "Max Manager") &&
	       strcmp(rstr("status"), "returned") == 0,
	   "returned to the originator");
	harness_body(b, "id", 's', x, "by", 's', "Olga Originator", "cost", 'i',
	             12000LL, NULL);
	ok(call(ch, "rfc.resubmit") && strcmp(rstr("status"), "submitted") == 0,
	   "resubmitted with its cost");
	harness_body(b, "id", 's', x, "by", 's', "Max Manager", "priority", 's',
	             "high", "reason", 's', "the CEO travels", NULL);
	ok(call(ch, "rfc.priority") && strcmp(rstr("priority"), "high") == 0,
	   "the manager raised the priority");
	ok(step("rfc.withdraw", x, "Olga Originator") &&
	       strcmp(rstr("status"), "withdrawn") == 0,
	   "withdrawn before release");
	harness_body(b, "id", 's', x, NULL);
	call(ch, "rfc.get");
	{
		const struct keel_obj *h = keel_obj_get(rep.body, "history");
		const struct keel_obj *p = keel_obj_at(h, 3);

		ok(keel_obj_streq(keel_obj_get(p, "what"), "priority") &&
		       keel_obj_streq(keel_obj_get(p, "by"), "Max Manager") &&
		       keel_obj_streq(keel_obj_get(p, "to"), "high"),
		   "the priority change is in the history, with who");
	}

	/* configuration items */
	harness_body(b, "id", 's', "mx-01", "customer", 's', "acme", "kind", 's',
	             "hardware", "name", 's', "mail gateway", "serial", 's',
	             "SN1", NULL);
	ok(call(ch, "ci.put"), "mx-01 registered without an RFC");
	harness_body(b, "id", 's', "mx-01", "customer", 's', "acme", "kind", 's',
	             "hardware", "name", 's', "mail gateway", "serial", 's',
	             "SN2", NULL);
	refused("ci.put", KEEL_E_INVALID_FIELD, "body.rfc",
	        "a change without an RFC");
	harness_body(b, "id", 's', "mx-01", "customer", 's', "acme", "kind", 's',
	             "hardware", "name", 's', "mail gateway", "serial", 's',
	             "SN2", "rfc", 's', r2, NULL);
	refused("ci.put", KEEL_E_INVALID_FIELD, "body.rfc",
	        "an RFC that does not name the CI");
	harness_body(b, "customer", 's', "acme", "problem", 's',
	             "replace the gateway", "result", 's', "new gateway",
	             "affected", 's', "mail", "how", 's', "swap", "backout", 's',
	             "swap back", "by", 's', "Olga", "cis", 'r',
	             "\x91\xa5mx-01", (size_t)7, NULL);
	ok(call(ch, "rfc.submit"), "an RFC naming mx-01");
	snprintf(x, sizeof(x), "%s", rstr("id"));
	step("rfc.authorize", x, "Max Manager");
	harness_body(b, "id", 's', "mx-01", "customer", 's', "acme", "kind", 's',
	             "hardware", "name", 's', "mail gateway", "serial", 's',
	             "SN2", "rfc", 's', x, NULL);
	ok(call(ch, "ci.put") && keel_obj_streq(keel_obj_get(rep.body, "id"),
	                                        "mx-01"),
	   "the change under its approved RFC");
	harness_body(b, "id", 's', "mx-01", NULL);
	ok(call(ch, "ci.history") &&
	       keel_obj_len(keel_obj_get(rep.body, "versions")) == 2 &&
	       keel_obj_streq(keel_obj_get(keel_obj_at(keel_obj_get(rep.body,
	                                                            "versions"),
	                                               1),
	                                   "rfc"),
	                      x),
	   "ci.history: two versions, the second linked to %s", x);
	harness_body(b, "ci", 's', "mx-01", NULL);
	ok(call(ch, "rfc.list") &&
	       keel_obj_len(keel_obj_get(rep.body, "rfcs")) == 1,
	   "the archive finds the RFC by its CI");

	/* a freeze window, at the exact minute */
	{
		char from[32], to[32];

		local_minute(-60, from);
		local_minute(2, to);
		harness_body(b, "customer", 's', "acme", "id", 's', "xmas",
		             "from", 's', from, "to", 's', to, "reason", 's',
		             "year-end closing", NULL);
		ok(call(ch, "freeze.put"), "freeze window %s to %s", from, to);
		ok(!step("rfc.release", x, "Rita Release") &&
		       strstr(rep.error.message, "freeze window xmas"),
		   "no release inside it: %s", rep.error.message);
		local_minute(0, to);
		harness_body(b, "customer", 's', "acme", "id", 's', "xmas",
		             "from", 's', from, "to", 's', to, NULL);
		ok(call(ch, "freeze.put"), "the window now ends at this minute");
		ok(step("rfc.release", x, "Rita Release"),
		   "released: the window's end is excluded");
		local_minute(-60, from);
		local_minute(30, to);
		harness_body(b, "customer", 's', "acme", "id", 's', "night",
		             "from", 's', from, "to", 's', to, NULL);
		call(ch, "freeze.put");
		harness_body(b, "id", 's', r2, "by", 's', "Max", "priority", 's',
		             "emergency", "reason", 's', "outage", NULL);
		call(ch, "rfc.priority");
		ok(step("rfc.release", r2, "Rita Release"),
		   "an emergency RFC is released inside a window");
	}

	/* a patch: its deadline, and rfc.overdue once across a SIGKILL */
	harness_body(b, "customer", 's', "acme", "problem", 's', "CVE in TLS",
	             "result", 's', "patched", "affected", 's', "web", "how",
	             's', "vendor patch", "backout", 's', "uninstall", "by", 's',
	             "Olga", "patch", 'r',
	             "\x84\xaa" "components\xa3tls\xa5" "fixes\xa3" "CVE"
	             "\xab" "description\xa4" "lib1\xa7urgency\xa8" "critical",
	             (size_t)60, NULL);
	ok(call(ch, "rfc.submit"), "a critical patch RFC");
	{
		int64_t dl = 0, now = keel_time_now_ms();

		keel_obj_int(keel_obj_get(rep.body, "deadline_ms"), &dl);
		ok(dl > now && dl < now + 8 * 86400000LL,
		   "its deadline: 3 business days");
		snprintf(x, sizeof(x), "%s", rstr("id"));
	}
	harness_redis_int(&redis, "ZADD keel:{change}:timers 1 %s", x);
	kill(pc, SIGKILL);
	harness_wait(pc, 10000);
	pc = start_change();
	for (int t = 0; t < 200 && events_of("rfc.overdue") == 0; t++)
		harness_sleep_ms(25);
	harness_sleep_ms(300);
	is_int(events_of("rfc.overdue"), 1,
	       "rfc.overdue once, from the restarted instance");

	/* a ticket through its RFC and back */
	harness_body(b, "id", 's', "t1", "name", 's', "Tom", "role", 's',
	             "technician", "level", 'i', 1LL, NULL);
	call(tk, "staff.put");
	harness_body(b, "id", 's', "t2", "name", 's', "Tia", "role", 's',
	             "technician", "level", 'i', 2LL, NULL);
	call(tk, "staff.put");
	harness_body(b, "customer", 's', "acme", "contact", 's', "Carla",
	             "channel", 's', "phone", "symptoms", 's',
	             "the firewall blocks the new app", NULL);
	ok(call(tk, "ticket.create"), "a ticket");
	snprintf(t1, sizeof(t1), "%s", rstr("id"));
	harness_body(b, "id", 's', t1, "status", 's', "open", NULL);
	call(tk, "ticket.status");
	keel_enc_reset(b);
	keel_enc_map(b, 3);
	keel_enc_kv_str(b, "id", t1);
	keel_enc_kv_str(b, "reason", "needs a firewall policy change");
	keel_enc_kv_bool(b, "process_change", true);
	ok(call(tk, "ticket.escalate") &&
	       strcmp(rstr("status"), "rfc_submitted") == 0,
	   "escalated for a process change: rfc_submitted");
	kill(pc, SIGKILL);
	harness_wait(pc, 10000);
	/* the same event again in ticketing's stream: delivered twice */
	harness_redis_int(
	    &redis,
	    "EVAL \"local e = redis.call('XREVRANGE', KEYS[1], '+', '-') for "
	    "_, x in ipairs(e) do if x[2][2] == 'ticket.rfc_requested' then "
	    "redis.call('XADD', KEYS[1], '*', x[2][1], x[2][2], x[2][3], "
	    "x[2][4]) return 1 end end return 0\" 1 "
	    "keel:{ticketing}:events");
	pc = start_change();
	ok(rfcs_of_ticket(t1, x) == 1, "one RFC %s for the ticket, though the "
	                               "event came twice and keel-change was "
	                               "killed",
	   x);
	harness_sleep_ms(500);
	is_int(rfcs_of_ticket(t1, x), 1, "  still one");
	ok(!step("rfc.authorize", x, "Max Manager") &&
	       strstr(rep.error.message, "incomplete"),
	   "the RFC from the ticket is incomplete: %s", rep.error.message);
	ok(step("rfc.return", x, "Max Manager"), "returned to complete it");
	is_str(ticket_becomes(t1, "open"), "open", "  the ticket is open again");
	harness_body(b, "id", 's', x, "by", 's', "Tom", "result", 's',
	             "the app passes", "affected", 's', "sales", "how", 's',
	             "a new rule", "backout", 's', "remove the rule", NULL);
	ok(call(ch, "rfc.resubmit"), "completed and resubmitted");
	is_str(ticket_becomes(t1, "rfc_submitted"), "rfc_submitted",
	       "  the ticket waits on it again");
	harness_body(b, "customer", 's', "acme", "id", 's', "night", "from", 's',
	             "2020-01-01T00:00", "to", 's', "2020-01-02T00:00", NULL);
	call(ch, "freeze.put");
	ok(step("rfc.authorize", x, "Max Manager") &&
	       step("rfc.release", x, "Rita Release"),
	   "authorized and released");
	is_str(ticket_becomes(t1, "pending_fix"), "pending_fix",
	       "  the ticket is pending_fix");

	/* bad input: the field named, nothing written */
	{
		long long keys = data_keys(&redis);

		harness_body(b, "customer", 's', "acme", "problem", 's', "p",
		             "result", 's', "r", "affected", 's', "a", "how", 's',
		             "h", "backout", 's', "b", "by", 's', "o", "deadline",
		             's', "2027-13-01", NULL);
		refused("rfc.submit", KEEL_E_INVALID_FIELD, "body.deadline",
		        "a deadline that is no date");
		harness_body(b, "customer", 's', "nobody", "problem", 's', "p",
		             "result", 's', "r", "affected", 's', "a", "how", 's',
		             "h", "backout", 's', "b", "by", 's', "o", NULL);
		refused("rfc.submit", KEEL_E_NOT_FOUND, "body.customer",
		        "an unknown customer");
		harness_body(b, "customer", 's', "acme", "problem", 's', "p",
		             "result", 's', "r", "affected", 's', "a", "how", 's',
		             "h", "backout", 's', "b", "by", 's', "o", "cis", 'r',
		             "\x91\xa4nope", (size_t)6, NULL);
		refused("rfc.submit", KEEL_E_INVALID_FIELD, "body.cis",
		        "a CI that is not the customer's");
		harness_body(b, "customer", 's', "acme", "problem", 's', "p",
		             "result", 's', "r", "affected", 's', "a", "how", 's',
		             "h", "backout", 's', "b", "by", 's', "o", "origin",
		             's', "ticket", NULL);
		refused("rfc.submit", KEEL_E_INVALID_FIELD, "body.origin",
		        "origin ticket by hand");
		harness_body(b, "customer", 's', "acme", "problem", 's', "p",
		             NULL);
		refused("rfc.submit", KEEL_E_INVALID_FIELD, "body.result",
		        "a required field missing");
		harness_body(b, "id", 's', "RFC-999999", "by", 's', "m", "reason",
		             's', "r", NULL);
		refused("rfc.release", KEEL_E_NOT_FOUND, "body.id",
		        "an unknown RFC");
		harness_body(b, "id", 's', r1, "by", 's', "m", "reason", 's', "r",
		             NULL);
		refused("rfc.authorize", KEEL_E_INVALID_TRANSITION, "body.id",
		        "a closed RFC authorized");
		harness_body(b, "members", 'r', "\x91\xa3" "ann", (size_t)5,
		             "quorum", 'i', 2LL, NULL);
		refused("cab.put", KEEL_E_INVALID_FIELD, "body.quorum",
		        "a quorum larger than the board");
		harness_body(b, "customer", 's', "acme", "id", 's', "w", "from",
		             's', "2027-12-20 18:00", "to", 's', "2027-12-21T18:00",
		             NULL);
		refused("freeze.put", KEEL_E_INVALID_FIELD, "body.from",
		        "a local time without T");
		harness_body(b, "customer", 's', "acme", "id", 's', "w", "from",
		             's', "2027-12-21T18:00", "to", 's', "2027-12-20T18:00",
		             NULL);
		refused("freeze.put", KEEL_E_INVALID_FIELD, "body.to",
		        "a window that ends before it starts");
		harness_body(b, "id", 's', "x", "customer", 's', "acme", "kind",
		             's', "hardware", "name", 's', "n", "warranty_end", 's',
		             "soon", NULL);
		refused("ci.put", KEEL_E_INVALID_FIELD, "body.warranty_end",
		        "a warranty end that is no date");
		harness_body(b, "id", 's', "nope", NULL);
		refused("ci.get", KEEL_E_NOT_FOUND, "body.id", "an unknown CI");
		is_int(data_keys(&redis), keys,
		       "nothing written by any refusal");
	}

	keel_env_release(&rep);
	keel_enc_free(b);
	keel_client_free(in);
	keel_client_free(tk);
	keel_client_free(ch);
	kill(pc, SIGTERM);
	kill(pt, SIGTERM);
	kill(pi, SIGTERM);
	ok(harness_stopped(pc), "keel-change stops cleanly");
	harness_wait(pt, 10000);
	harness_wait(pi, 10000);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

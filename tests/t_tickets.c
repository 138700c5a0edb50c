/*
 * t_tickets: keel-intake and keel-ticketing as real processes on a real
 * Redis: tickets from requests and from ticket.create, automatic
 * assignment, the whole lifecycle table (every change from every status,
 * allowed or refused), incident linking, monitoring thresholds, time
 * entries, closure and the knowledge-base search, queries and paging,
 * the monthly summary, escalation and breach timers (on time, once, across
 * a restart), and bad input on every request type.
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "ktime.h"
#include "tap.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static struct keel_client *tk, *in;
static struct keel_enc *b;
static struct keel_env rep;

/* The body in b from "key", kind, value triples (harness_body). */
#define body(...) harness_body(b, __VA_ARGS__)

/* Sends the body in b; the reply is in rep (released on the next call). */
static bool
send_to(struct keel_client *c, const char *type)
{
	struct keel_error err;
	size_t len = 0;
	const void *p = keel_enc_data(b, &len);

	keel_env_release(&rep);
	if (keel_client_call(c, type, p, len, NULL, &rep, &err) < 0) {
		diag("%s: %s", type, err.message);
		return false;
	}
	return rep.ok;
}

static bool
t_call(const char *type)
{
	return send_to(tk, type);
}

static const char *
rstr(const char *name)
{
	static char buf[4][256];
	static int k;
	char *s = buf[k++ % 4];

	s[0] = '\0';
	keel_obj_strcpy(keel_obj_get(rep.body, name), s, 256);
	return s;
}

static long long
rint_(const char *name)
{
	int64_t v = -1;

	keel_obj_int(keel_obj_get(rep.body, name), &v);
	return v;
}

/* ticket.create for customer acme; returns the new id in id. */
static bool
create(const char *prio, const char *device, long long received, char id[33])
{
	keel_enc_reset(b);
	keel_enc_map(b, 6 + (received != 0));
	keel_enc_kv_str(b, "customer", "acme");
	keel_enc_kv_str(b, "contact", "Carla Customer");
	keel_enc_kv_str(b, "channel", "phone");
	keel_enc_kv_str(b, "priority", prio);
	keel_enc_str(b, "devices");
	keel_enc_array(b, 1);
	keel_enc_str(b, device);
	keel_enc_kv_str(b, "symptoms", "mail server rejects logins");
	if (received)
		keel_enc_kv_int(b, "received_ms", received);
	if (!t_call("ticket.create")) {
		diag("ticket.create: %s", rep.ok ? "" : rep.error.message);
		return false;
	}
	snprintf(id, 33, "%s", rstr("id"));
	return true;
}

static bool
op(const char *type, const char *id, const char *k1, int kind, ...)
{
	va_list ap;
	const char *sv = NULL;
	long long iv = 0;

	va_start(ap, kind);
	if (kind == 's')
		sv = va_arg(ap, const char *);
	else if (kind)
		iv = va_arg(ap, long long);
	va_end(ap);
	keel_enc_reset(b);
	keel_enc_map(b, 1 + (k1 != NULL));
	keel_enc_kv_str(b, "id", id);
	if (k1 && kind == 's')
		keel_enc_kv_str(b, k1, sv);
	else if (k1 && kind == 'i')
		keel_enc_kv_int(b, k1, iv);
	else if (k1) {
		keel_enc_str(b, k1);
		keel_enc_bool(b, iv != 0);
	}
	return t_call(type);
}

/* The lifecycle table: for a ticket brought to each state, which changes
 * are allowed.  Written from DOMAIN.md section 3, not from the code. */
enum state {
	S_NEW,
	S_OPEN,
	S_RESEARCH,
	S_INFO,
	S_RESOLVED,
	S_FIX,
	S_RFC,
	S_CLOSED,
	NSTATES
};
static const char *const state_names[] = {"new",
                                          "open",
                                          "hold_research",
                                          "hold_resolution (info)",
                                          "hold_resolution (resolved)",
                                          "pending_fix",
                                          "rfc_submitted",
                                          "closed"};
static const char *const state_status[] = {"new",
                                           "open",
                                           "hold_research",
                                           "hold_resolution",
                                           "hold_resolution",
                                           "pending_fix",
                                           "rfc_submitted",
                                           "closed"};
enum change {
	C_OPEN,
	C_RESEARCH,
	C_HOLD,
	C_FIX,
	C_RESOLVE,
	C_CONFIRM,
	C_REOPEN,
	C_ESCALATE,
	C_REFER,
	NCHANGES
};
static const char *const change_names[] = {"status open",
                                           "status hold_research",
                                           "status hold_resolution",
                                           "status pending_fix",
                                           "resolve",
                                           "confirm",
                                           "reopen",
                                           "escalate",
                                           "refer"};
static const bool allowed[NSTATES][NCHANGES] = {
    /*            open research hold fix resolve confirm reopen esc refer */
    [S_NEW] = {1, 0, 0, 0, 0, 0, 0, 1, 1},
    [S_OPEN] = {0, 1, 1, 1, 1, 0, 0, 1, 1},
    [S_RESEARCH] = {1, 0, 1, 1, 1, 0, 0, 1, 1},
    [S_INFO] = {1, 0, 0, 0, 1, 0, 0, 0, 0},
    [S_RESOLVED] = {1, 0, 0, 0, 1, 1, 1, 0, 0},
    [S_FIX] = {1, 0, 1, 0, 1, 0, 0, 0, 0},
    [S_RFC] = {1, 0, 1, 0, 1, 0, 0, 0, 0},
    [S_CLOSED] = {0, 0, 0, 0, 0, 0, 0, 0, 0},
};

static bool
bring_to(enum state s, char id[33])
{
	static int n;
	char dev[32];
	bool okay;

	snprintf(dev, sizeof(dev), "lc-%d", n++);
	if (!create("normal", dev, 0, id))
		return false;
	if (s == S_NEW)
		return true;
	if (!op("ticket.status", id, "status", 's', "open"))
		return false;
	switch (s) {
	case S_RESEARCH:
		return op("ticket.status", id, "status", 's', "hold_research");
	case S_INFO:
		return op("ticket.status", id, "status", 's',
		          "hold_resolution");
	case S_RESOLVED:
		return op("ticket.resolve", id, "resolution", 's', "restarted");
	case S_FIX:
		return op("ticket.status", id, "status", 's', "pending_fix");
	case S_RFC:
		keel_enc_reset(b);
		keel_enc_map(b, 3);
		keel_enc_kv_str(b, "id", id);
		keel_enc_kv_str(b, "reason", "needs a firewall policy change");
		keel_enc_str(b, "process_change");
		keel_enc_bool(b, true);
		return t_call("ticket.escalate");
	case S_CLOSED:
		okay = op("ticket.resolve", id, "resolution", 's', "restarted");
		return okay && op("ticket.confirm", id, "by", 's', "Carla");
	default:
		return true;
	}
}

static bool
apply_change(enum change c, const char *id)
{
	switch (c) {
	case C_OPEN:
		return op("ticket.status", id, "status", 's', "open");
	case C_RESEARCH:
		return op("ticket.status", id, "status", 's', "hold_research");
	case C_HOLD:
		return op("ticket.status", id, "status", 's',
		          "hold_resolution");
	case C_FIX:
		return op("ticket.status", id, "status", 's', "pending_fix");
	case C_RESOLVE:
		return op("ticket.resolve", id, "resolution", 's', "patched");
	case C_CONFIRM:
		return op("ticket.confirm", id, "by", 's', "Carla");
	case C_REOPEN:
		return op("ticket.reopen", id, "reason", 's', "still broken");
	case C_ESCALATE:
		return op("ticket.escalate", id, "reason", 's', "too hard");
	case C_REFER:
		return op("ticket.refer", id, "reason", 's',
		          "hardware not covered");
	default:
		return false;
	}
}

static void
staff(const char *id, const char *role, int level)
{
	keel_enc_reset(b);
	keel_enc_map(b, 3 + (level > 0));
	keel_enc_kv_str(b, "id", id);
	keel_enc_kv_str(b, "name", id);
	keel_enc_kv_str(b, "role", role);
	if (level > 0)
		keel_enc_kv_int(b, "level", level);
	if (!t_call("staff.put"))
		bail_out("staff.put");
}

/* Polls ticket.get until field reaches want (-2: is above 0), or 10 s
 * pass. */
static long long
wait_field(const char *id, const char *field, long long want)
{
	long long v = -1;

	for (int i = 0; i < 400; i++) {
		body("id", 's', id, NULL);
		if (t_call("ticket.get") &&
		    ((v = rint_(field)) == want || (want == -2 && v > 0)))
			return v;
		harness_sleep_ms(25);
	}
	return v;
}

/* Events of ticketing's stream of type for ticket id. */
static int
count_events(const char *type, const char *id, long long *ts, int64_t *num,
             const char *numfield)
{
	char since[48] = "0-0";
	int n = 0;

	for (;;) {
		const struct keel_obj *evs;

		body("since", 's', since, "limit", 'i', 1000LL, NULL);
		if (!t_call("events.since"))
			return -1;
		evs = keel_obj_get(rep.body, "events");
		for (size_t i = 0; i < keel_obj_len(evs); i++) {
			const struct keel_obj *ev = keel_obj_at(evs, i);
			char t[64] = "", tid[40] = "";

			keel_obj_strcpy(keel_obj_get(ev, "type"), t, sizeof(t));
			keel_obj_strcpy(
			    keel_obj_get(keel_obj_get(ev, "body"), "id"), tid,
			    sizeof(tid));
			if (strcmp(t, type) == 0 && strcmp(tid, id) == 0) {
				int64_t v = 0;

				n++;
				if (ts) {
					keel_obj_int(keel_obj_get(ev, "ts"),
					             &v);
					*ts = v;
				}
				if (num)
					keel_obj_int(
					    keel_obj_get(
					        keel_obj_get(ev, "body"),
					        numfield),
					    num);
			}
		}
		if (keel_obj_len(evs) == 0)
			return n;
		snprintf(since, sizeof(since), "%s", rstr("next"));
	}
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	char conf[2048], id[33], id2[33], first[33];
	pid_t pi, pt;
	int64_t now = keel_time_now_ms();

	signal(SIGPIPE, SIG_IGN);
	b = keel_enc_new();
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "intake.rep = ipc://%s/i0.rep\nintake.pub = ipc://%s/i0.pub\n"
	         "intake.http =\n"
	         "ticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n"
	         "events.sweep_ms = 200\n",
	         redis.sock, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	pi = harness_daemon("intake", 0);
	pt = harness_daemon("ticketing", 0);
	in = harness_client("intake", "i0.rep", 5000);
	tk = harness_client("ticketing", "t0.rep", 5000);

	if (!harness_customer_put(in, "acme", "Acme AG", "Europe/Zurich"))
		bail_out("customer.put");
	if (harness_redis_wait(&redis, "keel:{ticketing}:applied:intake", 1,
	                       10000) != 1)
		bail_out("ticketing never learned of acme");
	staff("t1a", "technician", 1);
	staff("t1b", "technician", 1);
	staff("t2", "technician", 2);
	staff("t3", "technician", 3);
	staff("mgr", "service_manager", 0);
	staff("exec", "executive", 0);

	/* Creation and least-loaded assignment. */
	ok(create("high", "mail-1", 0, first), "ticket.create opens a ticket");
	is_str(rstr("status"), "new", "  status new");
	is_str(rstr("assignee"), "t1a", "  assigned to a level 1 technician");
	ok(create("high", "mail-2", 0, id), "a second ticket");
	is_str(rstr("assignee"), "t1b", "  goes to the less loaded one");
	body("customer", 's', "nobody", "contact", 's', "x", "channel", 's',
	     "phone", "symptoms", 's', "x", NULL);
	ok(!t_call("ticket.create") &&
	       strcmp(rep.error.field, "body.customer") == 0,
	   "an unknown customer is refused, naming body.customer");
	ok(wait_field(first, "response_due_ms", -2) != -1 &&
	       rint_("response_due_ms") > now,
	   "the clock computes the first-response due time");
	{
		long long due = rint_("response_due_ms"),
		          rec = rint_("received_ms");

		is_int(due - rec, 7200000, "  high: 2 hours, 24x7");
	}

	/* The lifecycle, every change from every state. */
	{
		int right = 0, total = 0, named = 0, refused = 0;

		for (int s = 0; s < NSTATES; s++)
			for (int c = 0; c < NCHANGES; c++) {
				bool got;

				if (!bring_to((enum state)s, id)) {
					diag("cannot bring a ticket to %s: %s",
					     state_names[s],
					     rep.ok ? "" : rep.error.message);
					continue;
				}
				got = apply_change((enum change)c, id);
				total++;
				if (got == allowed[s][c])
					right++;
				else
					diag("%s from %s: %s (want %s) %s",
					     change_names[c], state_names[s],
					     got ? "allowed" : "refused",
					     allowed[s][c] ? "allowed"
					                   : "refused",
					     rep.ok ? "" : rep.error.message);
				if (!got) {
					refused++;
					named +=
					    strcmp(rep.error.code,
					           "invalid_transition") == 0 &&
					    strstr(rep.error.message,
					           state_status[s]) != NULL;
				}
			}
		is_int(right, total,
		       "lifecycle: every change from every status as DOMAIN "
		       "§3 says (%d cases)",
		       total);
		is_int(named, refused,
		       "  every refusal is invalid_transition naming the "
		       "current status");
	}
	body("id", 's', "T-999999", "status", 's', "open", NULL);
	ok(!t_call("ticket.status") && strcmp(rep.error.code, "not_found") == 0,
	   "an unknown ticket is not_found");

	/* Not resolved: back to open with the same technician. */
	bring_to(S_RESOLVED, id);
	body("id", 's', id, NULL);
	t_call("ticket.get");
	snprintf(id2, sizeof(id2), "%s", rstr("assignee"));
	op("ticket.reopen", id, "reason", 's', "still broken");
	ok(rep.ok && strcmp(rstr("status"), "open") == 0 &&
	       strcmp(rstr("assignee"), id2) == 0,
	   "not resolved: open again, same technician");

	/* Technical escalation goes up a level, to that level's technician. */
	bring_to(S_OPEN, id);
	op("ticket.escalate", id, "reason", 's', "kernel panic");
	is_str(rstr("assignee"), "t2", "technical escalation: to level 2");
	op("ticket.escalate", id, "reason", 's', "still");
	is_str(rstr("assignee"), "t3", "  then to level 3");
	op("ticket.escalate", id, "reason", 's', "again");
	ok(!rep.ok && strcmp(rep.error.field, "body.level") == 0,
	   "  and no higher");
	body("id", 's', id, "technician", 's', "t1a", NULL);
	ok(!t_call("ticket.assign") &&
	       strcmp(rep.error.field, "body.technician") == 0 &&
	       strstr(rep.error.message, "level 3"),
	   "a level 3 ticket cannot go to a level 1 technician");
	body("id", 's', id, "technician", 's', "mgr", NULL);
	ok(!t_call("ticket.assign") &&
	       strstr(rep.error.message, "not a technician"),
	   "  nor to a service manager");
	ok(count_events("ticket.escalated", id, NULL, NULL, NULL) == 2,
	   "  ticket.escalated twice");
	bring_to(S_RFC, id);
	ok(count_events("ticket.rfc_requested", id, NULL, NULL, NULL) == 1,
	   "a process change emits ticket.rfc_requested");

	/* Time entries. */
	bring_to(S_OPEN, id);
	body("id", 's', id, "minutes", 'i', 30LL, "covered", 'b', 1LL, NULL);
	ok(t_call("ticket.log_time"), "30 covered minutes logged");
	body("id", 's', id, "minutes", 'i', 45LL, "covered", 'b', 0LL, "note",
	     's', "on site", NULL);
	ok(t_call("ticket.log_time"), "45 billable minutes logged");
	body("id", 's', id, "minutes", 'i', 20LL, "covered", 'b', 1LL, NULL);
	ok(!t_call("ticket.log_time") &&
	       strcmp(rep.error.field, "body.minutes") == 0,
	   "20 minutes is refused: 15-minute increments");
	op("ticket.resolve", id, "resolution", 's',
	   "replaced the failing RAID controller firmware");
	op("ticket.confirm", id, "by", 's', "Carla");
	body("id", 's', id, NULL);
	t_call("ticket.get");
	ok(rint_("covered_minutes") == 30 && rint_("billable_minutes") == 45,
	   "closed with 30 covered and 45 billable minutes");
	is_str(rstr("status"), "closed", "  closed");
	is_str(rstr("confirmed_by"), "Carla", "  confirmed by the customer");
	is_int((long long)keel_obj_len(keel_obj_get(rep.body, "time")), 2,
	       "  both time entries kept");
	ok(count_events("ticket.closed", id, NULL, NULL, NULL) == 1,
	   "  ticket.closed with its record");
	body("words", 's', "RAID firmware", NULL);
	t_call("ticket.search");
	{
		const struct keel_obj *t = keel_obj_get(rep.body, "tickets");
		char hit[40] = "";

		keel_obj_strcpy(keel_obj_get(keel_obj_at(t, 0), "id"), hit,
		                sizeof(hit));
		ok(rep.ok && keel_obj_len(t) == 1 && strcmp(hit, id) == 0,
		   "ticket.search finds the closed ticket by its resolution");
	}
	body("words", 's', "mail logins RAID", NULL);
	t_call("ticket.search");
	is_int((long long)keel_obj_len(keel_obj_get(rep.body, "tickets")), 1,
	       "  and by words of symptoms and resolution together");
	body("words", 's', "-- !", NULL);
	ok(!t_call("ticket.search") &&
	       strcmp(rep.error.field, "body.words") == 0,
	   "  a search without words is refused");

	/* Requests through keel-intake: a ticket, then a link. */
	{
		char rid[33];
		long long n0 = harness_redis_int(
		    &redis, "GET keel:{ticketing}:seq:ticket");

		body("customer", 's', "acme", "contact", 's', "Carla",
		     "channel", 's', "email", "service", 's', "vpn", "symptoms",
		     's', "vpn drops every hour", NULL);
		ok(send_to(in, "request.submit"),
		   "request.submit is taken by keel-intake");
		snprintf(rid, sizeof(rid), "%s", rstr("id"));
		is_str(rstr("priority"), "normal", "  normal by default");
		harness_redis_wait(&redis, "GET keel:{ticketing}:seq:ticket",
		                   n0 + 1, 10000);
		snprintf(id, sizeof(id), "T-%06lld", n0 + 1);
		body("id", 's', id, NULL);
		t_call("ticket.get");
		ok(rep.ok && strcmp(rstr("service"), "vpn") == 0,
		   "  keel-ticketing opened %s for it", id);
		body("customer", 's', "acme", "contact", 's', "Dan", "channel",
		     's', "portal", "service", 's', "vpn", "symptoms", 's',
		     "cannot reach the VPN", NULL);
		send_to(in, "request.submit");
		for (int i = 0; i < 400; i++) {
			body("id", 's', id, NULL);
			t_call("ticket.get");
			if (keel_obj_len(keel_obj_get(rep.body, "requests")) ==
			    2)
				break;
			harness_sleep_ms(25);
		}
		is_int(
		    (long long)keel_obj_len(keel_obj_get(rep.body, "requests")),
		    2, "  a second request about the vpn is linked to it");
		is_int(harness_redis_int(&redis,
		                         "GET keel:{ticketing}:seq:ticket"),
		       n0 + 1, "  no duplicate ticket");
	}

	/* Monitoring alerts and their thresholds. */
	keel_enc_reset(b);
	keel_enc_map(b, 6);
	keel_enc_kv_str(b, "customer", "acme");
	keel_enc_kv_str(b, "contact", "nagios");
	keel_enc_kv_str(b, "channel", "monitoring");
	keel_enc_kv_str(b, "symptoms", "CPU high on srv-1");
	keel_enc_str(b, "devices");
	keel_enc_array(b, 1);
	keel_enc_str(b, "srv-1");
	keel_enc_str(b, "alert");
	keel_enc_map(b, 3);
	keel_enc_kv_str(b, "metric", "cpu_pct");
	keel_enc_kv_int(b, "value", 85);
	keel_enc_kv_int(b, "minutes", 10);
	ok(!send_to(in, "request.submit") &&
	       strcmp(rep.error.field, "body.alert.value") == 0,
	   "a CPU alert at 85 %% is below the 90 %% threshold: refused");
	{
		/* the same with 95 % */
		struct keel_enc *saved = b;

		b = keel_enc_new();
		keel_enc_map(b, 5);
		keel_enc_kv_str(b, "customer", "acme");
		keel_enc_kv_str(b, "contact", "nagios");
		keel_enc_kv_str(b, "channel", "monitoring");
		keel_enc_kv_str(b, "symptoms", "backup job failed");
		keel_enc_str(b, "alert");
		keel_enc_map(b, 1);
		keel_enc_kv_str(b, "metric", "backup");
		ok(send_to(in, "request.submit") &&
		       strcmp(rstr("priority"), "high") == 0,
		   "a backup failure alert is a high-priority request");
		keel_enc_reset(b);
		keel_enc_map(b, 6);
		keel_enc_kv_str(b, "customer", "acme");
		keel_enc_kv_str(b, "contact", "nagios");
		keel_enc_kv_str(b, "channel", "monitoring");
		keel_enc_kv_str(b, "symptoms", "disk almost full");
		keel_enc_str(b, "devices");
		keel_enc_array(b, 1);
		keel_enc_str(b, "srv-9");
		keel_enc_str(b, "alert");
		keel_enc_map(b, 2);
		keel_enc_kv_str(b, "metric", "data_disk_free_pct");
		keel_enc_kv_int(b, "value", 4);
		{
			long long n0 = harness_redis_int(
			    &redis, "GET keel:{ticketing}:seq:ticket");
			char tid[33];

			ok(send_to(in, "request.submit"),
			   "a data disk at 4 %% free is a request");
			/* The backup alert's ticket may come before or after.
			 */
			bool found = false;

			for (int i = 0; i < 400 && !found; i++) {
				for (long long k = n0; k <= n0 + 2 && !found;
				     k++) {
					snprintf(tid, sizeof(tid), "T-%06lld",
					         k);
					keel_enc_reset(b);
					keel_enc_map(b, 1);
					keel_enc_kv_str(b, "id", tid);
					found =
					    t_call("ticket.get") &&
					    strcmp(rstr("metric"),
					           "data_disk_free_pct=4") == 0;
				}
				if (!found)
					harness_sleep_ms(25);
			}
			ok(found, "  its ticket carries the metric and value");
		}
		keel_enc_reset(b);
		keel_enc_map(b, 4);
		keel_enc_kv_str(b, "customer", "acme");
		keel_enc_kv_str(b, "contact", "nagios");
		keel_enc_kv_str(b, "channel", "monitoring");
		keel_enc_kv_str(b, "symptoms", "no alert");
		ok(!send_to(in, "request.submit") &&
		       strcmp(rep.error.field, "body.alert") == 0,
		   "a monitoring request without its alert is refused");
		keel_enc_free(b);
		b = saved;
	}

	/* Administrative escalation and breach, on a controllable clock: a
	 * critical ticket (1 hour, 24x7) received 59 min 57 s ago is past
	 * 75 % at once and reaches 100 % three seconds from now. */
	{
		long long ts = 0, due;
		int64_t lv = 0;

		create("critical", "esc-1", keel_time_now_ms() - 3597000, id);
		ok(wait_field(id, "escalation", 1) == 1,
		   "75 %% of the target passed: escalated to level 1");
		due = rint_("response_due_ms");
		ok(wait_field(id, "escalation", 2) == 2,
		   "100 %%: escalated to level 2");
		ok(count_events("ticket.escalated", id, &ts, &lv, "level") ==
		           2 &&
		       lv == 2 && ts >= due,
		   "  once each, the second not before the due time");
		ok(count_events("ticket.sla_breached", id, NULL, NULL, NULL) ==
		       1,
		   "  and the first response is breached once");
		body("id", 's', id, NULL);
		t_call("ticket.get");
		{
			const struct keel_obj *h =
			    keel_obj_get(rep.body, "history");
			bool exec = false;

			for (size_t i = 0; i < keel_obj_len(h); i++) {
				char d[600] = "";

				keel_obj_strcpy(
				    keel_obj_get(keel_obj_at(h, i), "detail"),
				    d, sizeof(d));
				exec |= strstr(d, "executive exec") != NULL;
			}
			ok(exec, "  the executives are named in the history");
		}
	}

	/* Timers survive a restart: due while keel-ticketing is down. */
	{
		long long esc;

		create("critical", "esc-2", keel_time_now_ms() - 2698000, id);
		wait_field(id, "response_due_ms", -2);
		harness_sleep_ms(300); /* the clock has planned it */
		kill(pt, SIGKILL);
		harness_wait(pt, 10000);
		harness_sleep_ms(2500);
		pt = harness_daemon("ticketing", 0);
		esc = wait_field(id, "escalation", 1);
		is_int(esc, 1,
		       "an escalation due while ticketing was down fires "
		       "after the restart");
		is_int(count_events("ticket.escalated", id, NULL, NULL, NULL),
		       1, "  once");
	}

	/* Queries. */
	{
		char seen[256][33], after[65] = "";
		int n = 0, pages = 0;
		bool ordered = true;
		long long last = -1;

		for (;;) {
			const struct keel_obj *ts;

			body("after", 's', after, "limit", 'i', 7LL, NULL);
			if (!t_call("ticket.list") || ++pages > 100)
				break;
			ts = keel_obj_get(rep.body, "tickets");
			for (size_t i = 0; i < keel_obj_len(ts) && n < 256;
			     i++) {
				const struct keel_obj *t = keel_obj_at(ts, i);
				char p[16] = "";
				int64_t d = 0;
				long long key;

				keel_obj_strcpy(keel_obj_get(t, "priority"), p,
				                sizeof(p));
				keel_obj_int(keel_obj_get(t, "due_ms"), &d);
				key = (strcmp(p, "critical") == 0 ? 0
				       : strcmp(p, "high") == 0   ? 1
				       : strcmp(p, "normal") == 0 ? 2
				                                  : 3) *
				          10000000000000LL +
				      (d ? d : 9999999999999LL);
				ordered &= key >= last;
				last = key;
				keel_obj_strcpy(keel_obj_get(t, "id"), seen[n],
				                sizeof(seen[n]));
				n++;
			}
			snprintf(after, sizeof(after), "%s", rstr("next"));
			if (!after[0])
				break;
		}
		is_int(
		    n,
		    harness_redis_int(&redis, "ZCARD keel:{ticketing}:queue"),
		    "ticket.list pages through every ticket not closed");
		ok(ordered, "  by priority, then due time");
		ok(pages > 2, "  %d pages of 7", pages);
		body("priority", 's', "critical", NULL);
		t_call("ticket.list");
		is_int(
		    (long long)keel_obj_len(keel_obj_get(rep.body, "tickets")),
		    2, "filter by priority");
		body("assignee", 's', "t3", "status", 's', "open", NULL);
		ok(t_call("ticket.list"), "filter by assignee and status");
		body("status", 's', "closed", NULL);
		ok(t_call("ticket.list") &&
		       keel_obj_len(keel_obj_get(rep.body, "tickets")) >= 2,
		   "closed tickets are listed");
		{
			long long at = (long long)keel_time_now_ms();
			const struct keel_obj *ts;
			bool before = true;

			body("due_before", 'i', at, NULL);
			if (!t_call("ticket.list"))
				diag("ticket.list: %s", rep.error.message);
			ts = keel_obj_get(rep.body, "tickets");
			for (size_t i = 0; i < keel_obj_len(ts); i++) {
				int64_t d = 0;

				keel_obj_int(
				    keel_obj_get(keel_obj_at(ts, i), "due_ms"),
				    &d);
				before &= d > 0 && d < at;
			}
			ok(keel_obj_len(ts) == 1 && before,
			   "due_before finds the one overdue ticket");
		}
		body("after", 's', "garbage", NULL);
		ok(!t_call("ticket.list") &&
		       strcmp(rep.error.field, "body.after") == 0,
		   "a bad cursor is refused");
		/* Issue 10: these passed the old check, Redis refused them
		 * and keel-ticketing crashed reading the error. */
		{
			static const char *const bad[] = {"1..2:x", "1:",
			                                  "..:x", "9e9:x"};

			for (size_t i = 0; i < 4; i++) {
				body("after", 's', bad[i], NULL);
				ok(!t_call("ticket.list") &&
				       strcmp(rep.error.field, "body.after") ==
				           0,
				   "  cursor '%s' is refused", bad[i]);
			}
		}
		body("limit", 'i', 1LL, NULL);
		ok(t_call("ticket.list"), "  and keel-ticketing still answers");
	}

	/* The month. */
	{
		char month[8];
		int y, m, d;

		keel_time_civil_from_days(keel_time_now_ms() / 86400000, &y, &m,
		                          &d);
		snprintf(month, sizeof(month), "%04d-%02d", y, m);
		body("customer", 's', "acme", "month", 's', month, NULL);
		ok(t_call("ticket.summary"), "ticket.summary for %s", month);
		ok(rint_("tickets") >= 70,
		   "  counts the month's tickets (%lld)", rint_("tickets"));
		is_int(rint_("covered_minutes"), 30, "  30 covered minutes");
		is_int(rint_("billable_minutes"), 45, "  45 billable minutes");
		ok(rint_("response_total") >= 2 &&
		       rint_("response_met") < rint_("response_total"),
		   "  response attainment counts the breaches (%lld of %lld)",
		   rint_("response_met"), rint_("response_total"));
		body("customer", 's', "acme", "month", 's', "2026-13", NULL);
		ok(!t_call("ticket.summary") &&
		       strcmp(rep.error.field, "body.month") == 0,
		   "  a month 13 is refused");
	}

	/* Bad input on every request type. */
	{
		static const struct {
			const char *type, *field;
		} bad[] = {
		    {"ticket.create", "body.customer"},
		    {"ticket.get", "body.id"},
		    {"ticket.assign", "body.id"},
		    {"ticket.status", "body.id"},
		    {"ticket.resolve", "body.id"},
		    {"ticket.confirm", "body.id"},
		    {"ticket.reopen", "body.id"},
		    {"ticket.escalate", "body.id"},
		    {"ticket.refer", "body.id"},
		    {"ticket.log_time", "body.id"},
		    {"ticket.search", "body.words"},
		    {"ticket.summary", "body.customer"},
		    {"ticket.list", "body.limit"},
		};
		int named = 0;

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			keel_enc_reset(b);
			keel_enc_map(b, 1);
			keel_enc_kv_int(b, "limit", 100000);
			t_call(bad[i].type);
			if (!rep.ok &&
			    strcmp(rep.error.code, "invalid_field") == 0 &&
			    strcmp(rep.error.field, bad[i].field) == 0)
				named++;
			else
				diag("%s: %s %s", bad[i].type,
				     rep.ok ? "ok" : rep.error.field,
				     rep.ok ? "" : rep.error.message);
		}
		is_int(named, (int)(sizeof(bad) / sizeof(bad[0])),
		       "bad input on every ticket request is refused, naming "
		       "the field");
		body("customer", 's', "acme", "contact", 's', "x", "channel",
		     's', "fax", "symptoms", 's', "x", NULL);
		ok(!send_to(in, "request.submit") &&
		       strcmp(rep.error.field, "body.channel") == 0,
		   "request.submit refuses an unknown channel");
		body("customer", 's', "acme", "contact", 's', "x", "channel",
		     's', "phone", "symptoms", 's', "x", "received_ms", 'i',
		     (long long)keel_time_now_ms() + 3600000, NULL);
		ok(!send_to(in, "request.submit") &&
		       strcmp(rep.error.field, "body.received_ms") == 0,
		   "  and a receipt time an hour ahead");
		keel_enc_reset(b);
		keel_enc_map(b, 5);
		keel_enc_kv_str(b, "customer", "acme");
		keel_enc_kv_str(b, "contact", "x");
		keel_enc_kv_str(b, "channel", "email");
		keel_enc_kv_str(b, "symptoms", "x");
		keel_enc_str(b, "devices");
		keel_enc_array(b, 1);
		keel_enc_str(b, "a,b");
		ok(!send_to(in, "request.submit") &&
		       strcmp(rep.error.field, "body.devices") == 0,
		   "  and a device name with a comma");
		body("customer", 's', "ghost", "contact", 's', "x", "channel",
		     's', "phone", "symptoms", 's', "x", NULL);
		ok(!send_to(in, "request.submit") &&
		       strcmp(rep.error.code, "not_found") == 0,
		   "  and an unknown customer");
	}

	/* SLA policies as data: a 2-hour 24x7 resolution target, paused in
	 * pending_fix; the pause moves the due time by exactly its length. */
	{
		struct keel_enc *saved = b;
		long long due0, due1, rec, t1 = 0, t2 = 0;
		const struct keel_obj *h;

		b = keel_enc_new();
		keel_enc_map(b, 2);
		keel_enc_kv_str(b, "id", "fast");
		keel_enc_str(b, "targets");
		keel_enc_array(b, 1);
		keel_enc_map(b, 4);
		keel_enc_kv_str(b, "priority", "normal");
		keel_enc_kv_str(b, "response", "30m");
		keel_enc_kv_str(b, "resolution", "2h");
		keel_enc_kv_str(b, "coverage", "24x7");
		ok(t_call("sla.put"), "sla.put stores policy 'fast'");
		keel_enc_reset(b);
		keel_enc_map(b, 2);
		keel_enc_kv_str(b, "id", "bad");
		keel_enc_str(b, "targets");
		keel_enc_array(b, 1);
		keel_enc_map(b, 2);
		keel_enc_kv_str(b, "priority", "low");
		keel_enc_kv_str(b, "response", "3x");
		ok(!t_call("sla.put") &&
		       strcmp(rep.error.field, "body.targets[0].response") == 0,
		   "  a target '3x' is refused, naming it");
		keel_enc_free(b);
		b = saved;
		body("id", 's', "default", NULL);
		ok(t_call("sla.get") && rint_("version") == 0,
		   "sla.get default: the built-in policy");
		keel_enc_reset(b);
		keel_enc_map(b, 4);
		keel_enc_kv_str(b, "id", "beta");
		keel_enc_kv_str(b, "name", "Beta GmbH");
		keel_enc_kv_str(b, "timezone", "UTC");
		keel_enc_kv_str(b, "sla_policy", "fast");
		ok(send_to(in, "customer.put"), "customer beta follows 'fast'");
		harness_redis_wait(&redis, "keel:{ticketing}:applied:intake", 2,
		                   10000);
		body("customer", 's', "beta", "contact", 's', "Bo", "channel",
		     's', "email", "symptoms", 's', "slow disk", NULL);
		t_call("ticket.create");
		snprintf(id, sizeof(id), "%s", rstr("id"));
		due0 = wait_field(id, "resolution_due_ms", -2);
		rec = rint_("received_ms");
		is_int(due0 - rec, 7200000, "  its ticket is due in 2 hours");
		op("ticket.status", id, "status", 's', "open");
		op("ticket.status", id, "status", 's', "pending_fix");
		harness_sleep_ms(700);
		op("ticket.status", id, "status", 's', "open");
		/* The clock replans after each change: wait for the last. */
		for (int i = 0; i < 400; i++) {
			body("id", 's', id, NULL);
			t_call("ticket.get");
			due1 = rint_("resolution_due_ms");
			h = keel_obj_get(rep.body, "history");
			for (size_t k = 0; k < keel_obj_len(h); k++) {
				const struct keel_obj *e = keel_obj_at(h, k);
				char d[600] = "";
				int64_t ts = 0;

				keel_obj_strcpy(keel_obj_get(e, "detail"), d,
				                sizeof(d));
				keel_obj_int(keel_obj_get(e, "ts"), &ts);
				if (strncmp(d, "open -> pending_fix", 19) == 0)
					t1 = ts;
				if (strncmp(d, "pending_fix -> open", 19) == 0)
					t2 = ts;
			}
			if (t2 > 0 && due1 - due0 == t2 - t1)
				break;
			harness_sleep_ms(25);
		}
		ok(t2 - t1 >= 700 && due1 - due0 == t2 - t1,
		   "  a pause of %lld ms in pending_fix moves it by exactly "
		   "that",
		   t2 - t1);
		is_str(rstr("sla_policy"), "fast",
		       "  the ticket keeps its policy");
	}

	/* keelctl: the same requests from the command line. */
	{
		char *out;
		int rc;

		rc = harness_keelctl(
		    &out, (char *[]){"ticket", "create", "--customer", "acme",
		                     "--contact", "Carla", "--channel", "phone",
		                     "--devices", "ws-7", "--symptoms",
		                     "printer offline", NULL});
		ok(rc == 0 && strstr(out, "T-0"),
		   "keelctl ticket create prints the new ticket");
		{
			char tid[16] = "";
			char *at = strstr(out, "T-0");

			if (at)
				snprintf(tid, sizeof(tid), "%.8s", at);
			free(out);
			rc = harness_keelctl(
			    &out,
			    (char *[]){"ticket", "status", tid, "open", NULL});
			ok(rc == 0 && strstr(out, "open"),
			   "keelctl ticket status %s open", tid);
			free(out);
			rc = harness_keelctl(
			    &out, (char *[]){"ticket", "log-time", tid, "45",
			                     "--no-covered", NULL});
			ok(rc == 0, "keelctl ticket log-time 45 --no-covered");
			free(out);
			rc = harness_keelctl(
			    &out, (char *[]){"ticket", "show", tid, NULL});
			ok(rc == 0 && strstr(out, "billable") &&
			       strstr(out, "history:"),
			   "keelctl ticket show: fields, time entries, "
			   "history");
			free(out);
			rc = harness_keelctl(
			    &out, (char *[]){"ticket", "confirm", tid, "--by",
			                     "Carla", NULL});
			ok(rc == 1 && !out[0],
			   "a refused change: exit 1, nothing on stdout");
			free(out);
		}
		rc = harness_keelctl(&out, (char *[]){"--json", "ticket",
		                                      "list", "--priority",
		                                      "critical", NULL});
		ok(rc == 0 && strstr(out, "\"tickets\"") &&
		       strstr(out, "\"critical\""),
		   "keelctl --json ticket list --priority critical");
		free(out);
		rc = harness_keelctl(&out, (char *[]){"ticket", "log-time",
		                                      "T-000001", "abc", NULL});
		ok(rc == 2, "a minutes value that is no number: exit 2");
		free(out);
		rc = harness_keelctl(&out, (char *[]){"ticket", "fly", NULL});
		ok(rc == 2, "an unknown verb: exit 2");
		free(out);
	}

	keel_env_release(&rep);
	keel_enc_free(b);
	keel_client_free(tk);
	keel_client_free(in);
	kill(pt, SIGTERM);
	kill(pi, SIGTERM);
	ok(harness_stopped(pt), "ticketing stops");
	ok(harness_stopped(pi), "intake stops");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

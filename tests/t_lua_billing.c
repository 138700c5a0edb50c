/* t_lua_billing: keel_billing's functions on their own, in a throwaway
 * Redis: the hour bank (included hours that lapse at month end, flex time
 * in 4-hour blocks across two tickets, the 160 h cap, year-end expiry,
 * billable time at the contract's rate), the late-fee rule, and the
 * one-invoice-per-period guard of the billing run.  Figures worked out by
 * hand first, in the comments. */
#include "codec.h"
#include "harness.h"
#include "harness_lua.h"
#include "ktime.h"
#include "tap.h"

#include <stdarg.h>
#include <string.h>

static redisContext *c;
static struct keel_enc *req;
static int seq;

static int64_t
day(int y, int m, int d)
{
	return keel_time_days_from_civil(y, m, d);
}

/* A contract of n Bronze servers (UTC, 12 months), active from start. */
static bool
contract(const char *id, const char *customer, int n, int64_t start)
{
	struct harness_outcome o;
	char key[64];
	bool ok1, ok2;

	keel_enc_reset(req);
	keel_enc_map(req, 22);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_str(req, "customer", customer);
	keel_enc_kv_str(req, "currency", "EUR");
	keel_enc_kv_int(req, "term", 12);
	keel_enc_kv_int(req, "setup_fee", 0);
	keel_enc_kv_int(req, "payment_days", 30);
	keel_enc_kv_str(req, "sla", "");
	keel_enc_kv_int(req, "cancel_fee", 0);
	keel_enc_kv_int(req, "ld_months", 2);
	keel_enc_kv_str(req, "timezone", "UTC");
	keel_enc_kv_int(req, "today", start);
	keel_enc_kv_int(req, "offset_s", 0);
	keel_enc_str(req, "lines");
	keel_enc_array(req, 1);
	keel_enc_map(req, 4);
	keel_enc_kv_str(req, "text", "Bronze managed server, per month");
	keel_enc_kv_int(req, "qty", n);
	keel_enc_kv_int(req, "unit", 50000);
	keel_enc_kv_int(req, "amount", 50000LL * n);
	keel_enc_kv_int(req, "monthly", 50000LL * n);
	keel_enc_kv_int(req, "device_fee", 50000LL * n);
	keel_enc_kv_int(req, "servers", n);
	keel_enc_kv_int(req, "support_min", 60 * n);
	keel_enc_kv_int(req, "flex_min", 60 * n);
	keel_enc_kv_int(req, "discount_bp", 0);
	keel_enc_str(req, "rates");
	keel_enc_map(req, 4);
	keel_enc_kv_int(req, "remote", 12000);
	keel_enc_kv_int(req, "onsite", 15000);
	keel_enc_kv_int(req, "emergency", 18500);
	keel_enc_kv_int(req, "travel_bp", 1500);
	keel_enc_kv_int(req, "credit", 120000);
	keel_enc_kv_int(req, "now", 1);
	snprintf(key, sizeof(key), "create-%s", id);
	ok1 = harness_lua_write(c, "billing", "billing_contract_create", key,
	                        "", 0, NULL, req, &o) &&
	      o.ok;
	harness_outcome_release(&o);
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_int(req, "day", start);
	keel_enc_kv_str(req, "by", "Carla");
	snprintf(key, sizeof(key), "activate-%s", id);
	ok2 = harness_lua_write(c, "billing", "billing_contract_activate", key,
	                        "", 0, NULL, req, &o) &&
	      o.ok;
	harness_outcome_release(&o);
	return ok1 && ok2;
}

/* ticket.time_logged at noon UTC of day z. */
static void
logged(const char *customer, const char *ticket, int entry, int minutes,
       bool covered, const char *work, int64_t z)
{
	char s[32];

	keel_enc_reset(req);
	keel_enc_map(req, 7);
	keel_enc_kv_str(req, "customer", customer);
	keel_enc_kv_str(req, "ticket", ticket);
	keel_enc_kv_int(req, "entry", entry);
	keel_enc_kv_int(req, "minutes", minutes);
	keel_enc_kv_bool(req, "covered", covered);
	keel_enc_kv_str(req, "work", work);
	keel_enc_kv_int(req, "ts_ms", z * 86400000 + 12 * 3600000);
	snprintf(s, sizeof(s), "%d-0", ++seq);
	freeReplyObject(harness_lua_effect(c, "billing", "billing_on_time", s,
	                                   0, NULL, req));
}

struct balance {
	long long included, flex, block, billable;
	int entries;
	char kinds[1024];
};

static struct balance
balance(const char *id, int64_t at)
{
	struct balance b = {0};
	struct keel_mp_doc *doc = NULL;
	const struct keel_obj *r, *es;
	redisReply *rep;

	keel_enc_reset(req);
	keel_enc_map(req, 2);
	keel_enc_kv_str(req, "contract", id);
	keel_enc_kv_int(req, "at", at);
	rep = harness_fcall(c, "billing_hours_balance", 0, NULL, req);
	if (!rep || rep->type != REDIS_REPLY_STRING ||
	    keel_mp_decode(rep->str, rep->len, &doc) < 0) {
		if (rep)
			freeReplyObject(rep);
		return b;
	}
	r = keel_mp_doc_root(doc);
	keel_obj_int(keel_obj_get(r, "included_min"), (int64_t *)&b.included);
	keel_obj_int(keel_obj_get(r, "flex_min"), (int64_t *)&b.flex);
	keel_obj_int(keel_obj_get(r, "block_min"), (int64_t *)&b.block);
	keel_obj_int(keel_obj_get(r, "billable_min"), (int64_t *)&b.billable);
	es = keel_obj_get(r, "entries");
	b.entries = (int)keel_obj_len(es);
	for (size_t i = 0; i < keel_obj_len(es); i++) {
		char k[16] = "";

		keel_obj_strcpy(keel_obj_get(keel_obj_at(es, i), "kind"), k,
		                sizeof(k));
		snprintf(b.kinds + strlen(b.kinds),
		         sizeof(b.kinds) - strlen(b.kinds), "%s%s", i ? " " : "",
		         k);
	}
	keel_mp_doc_free(doc);
	freeReplyObject(rep);
	return b;
}

/* Element i of list key as raw bytes decoded: the pending line's amount
 * and text. */
static long long
pending_amount(const char *id, int i, char *text, size_t size)
{
	redisReply *r = redisCommand(c, "LINDEX keel:{billing}:pending:%s %d",
	                             id, i);
	struct keel_mp_doc *doc = NULL;
	int64_t a = -1;

	text[0] = '\0';
	if (r && r->type == REDIS_REPLY_STRING &&
	    keel_mp_decode(r->str, r->len, &doc) == 0) {
		keel_obj_int(keel_obj_get(keel_mp_doc_root(doc), "amount"), &a);
		keel_obj_strcpy(keel_obj_get(keel_mp_doc_root(doc), "text"),
		                text, size);
	}
	keel_mp_doc_free(doc);
	if (r)
		freeReplyObject(r);
	return a;
}

/* --- the monthly report's read model and figures (lua/reports.lua) --- */

/* An event of type at ms ts with the body built by the caller in body,
 * through billing_on_report. */
static void
report_event(const char *type, int64_t ts, struct keel_enc *body)
{
	const void *p;
	size_t len;
	char s[32];

	p = keel_enc_data(body, &len);
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "type", type);
	keel_enc_kv_int(req, "ts", ts);
	keel_enc_str(req, "body");
	keel_enc_strn(req, p, len);
	snprintf(s, sizeof(s), "%d-0", ++seq);
	freeReplyObject(harness_lua_effect(c, "billing", "billing_on_report", s,
	                                   0, NULL, req));
}

/* A ticket event of rep's customer "rpt": id, type suffix, status, the
 * rest as extra (key, 'i' or 's', value ... NULL). */
static void
ticket_event(const char *kind, int64_t ts, const char *id,
             const char *priority, const char *status, const char *first,
             ...)
{
	struct keel_enc *e = keel_enc_new();
	char type[64];
	va_list ap;
	const char *k;
	uint32_t n = 4;

	va_start(ap, first);
	for (k = first; k; k = va_arg(ap, const char *)) {
		int kind_ = va_arg(ap, int);

		if (kind_ == 'i')
			(void)va_arg(ap, long long);
		else
			(void)va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	keel_enc_map(e, n);
	keel_enc_kv_str(e, "id", id);
	keel_enc_kv_str(e, "customer", "rpt");
	keel_enc_kv_str(e, "priority", priority);
	keel_enc_kv_str(e, "status", status);
	va_start(ap, first);
	for (k = first; k; k = va_arg(ap, const char *)) {
		int kind_ = va_arg(ap, int);

		if (kind_ == 'i')
			keel_enc_kv_int(e, k, va_arg(ap, long long));
		else if (kind_ == 'b')
			keel_enc_kv_bool(e, k, va_arg(ap, long long) != 0);
		else
			keel_enc_kv_str(e, k, va_arg(ap, const char *));
	}
	va_end(ap);
	snprintf(type, sizeof(type), "ticket.%s", kind);
	report_event(type, ts, e);
	keel_enc_free(e);
}

/* billing_report of "rpt" for March 2027 (UTC), at now. */
static struct keel_mp_doc *
figures(int64_t now)
{
	struct keel_mp_doc *doc = NULL;
	int64_t from = day(2027, 3, 1) * 86400000, to = day(2027, 4, 1) * 86400000;
	redisReply *r;

	keel_enc_reset(req);
	keel_enc_map(req, 8);
	keel_enc_kv_str(req, "customer", "rpt");
	keel_enc_kv_str(req, "month", "2027-03");
	keel_enc_kv_int(req, "from", from);
	keel_enc_kv_int(req, "to", to);
	keel_enc_kv_int(req, "first_day", day(2027, 3, 1));
	keel_enc_kv_int(req, "last_day", day(2027, 3, 31));
	keel_enc_str(req, "weeks");
	keel_enc_array(req, 5);
	for (int w = 0; w < 5; w++)
		keel_enc_int(req, from + w * 7 * 86400000LL);
	keel_enc_kv_int(req, "now", now);
	r = harness_fcall(c, "billing_report", 0, NULL, req);
	if (r && r->type == REDIS_REPLY_STRING && r->len > 0)
		keel_mp_decode(r->str, r->len, &doc);
	if (r)
		freeReplyObject(r);
	return doc;
}

static const struct keel_obj *
row(const struct keel_obj *list, const char *k, const char *v)
{
	for (size_t i = 0; i < keel_obj_len(list); i++)
		if (keel_obj_streq(keel_obj_get(keel_obj_at(list, i), k), v))
			return keel_obj_at(list, i);
	return NULL;
}

static long long
inum(const struct keel_obj *o, const char *k)
{
	int64_t v = -1;

	keel_obj_int(keel_obj_get(o, k), &v);
	return v;
}

/*
 * March 2027, UTC; H = 1 h, M = 1 min, t0 = 2027-03-10 09:00.
 *  R1 critical at t0, response due t0+1H, answered t0+2H+30M (the
 *     breach came at t0+1H): missed by 90 min; resolved t0+3H with its
 *     resolution due t0+4H: met; closed at t0+5H, the record's instants
 *     agreeing.
 *  R2 high at t0, answered t0+10M (due t0+2H): met; pending_fix (a pause)
 *     from t0+20M to t0+50M: 30 min; resolved t0+1H (no resolution
 *     target: none, not counted); reopened t0+2H: no longer resolved.
 *  R3 normal at t0, untouched, response due t0+1 day: pending at
 *     t0+6H; missed by 60 min at t0+1 day+1H.
 *  R4 low on 2027-02-27: February's, not in March's report.
 *  an alert on 2027-03-02 (request Q1, srv9) that raised R1; one on
 *  2027-04-01 00:00: April's.
 *  RFC X1 submitted in February, closed 2027-03-03 (successful): closed
 *  this month; X2 submitted in March, open; X3 closed in February: none.
 */
static void
reports(void)
{
	const int64_t H = 3600000, M = 60000;
	int64_t t0 = (day(2027, 3, 10) * 24 + 9) * H;
	struct keel_mp_doc *doc;
	const struct keel_obj *f, *i1, *i2, *i3;
	struct keel_enc *e = keel_enc_new();

	keel_enc_map(e, 6);
	keel_enc_kv_str(e, "id", "Q1");
	keel_enc_kv_str(e, "customer", "rpt");
	keel_enc_kv_str(e, "channel", "monitoring");
	keel_enc_str(e, "devices");
	keel_enc_array(e, 1);
	keel_enc_str(e, "srv9");
	keel_enc_str(e, "alert");
	keel_enc_map(e, 2);
	keel_enc_kv_str(e, "metric", "backup");
	keel_enc_kv_str(e, "level", "critical");
	keel_enc_kv_int(e, "received_ms", day(2027, 3, 2) * 86400000);
	report_event("request.received", day(2027, 3, 2) * 86400000, e);
	keel_enc_reset(e);
	keel_enc_map(e, 4);
	keel_enc_kv_str(e, "id", "Q2");
	keel_enc_kv_str(e, "customer", "rpt");
	keel_enc_kv_str(e, "channel", "monitoring");
	keel_enc_str(e, "alert");
	keel_enc_map(e, 1);
	keel_enc_kv_str(e, "metric", "ups");
	report_event("request.received", day(2027, 4, 1) * 86400000, e);
	keel_enc_reset(e);
	keel_enc_map(e, 3);
	keel_enc_kv_str(e, "id", "Q3");
	keel_enc_kv_str(e, "customer", "rpt");
	keel_enc_kv_str(e, "channel", "phone");
	report_event("request.received", day(2027, 3, 3) * 86400000, e);

	ticket_event("created", t0, "R1", "critical", "new", "request", 's',
	             "Q1", "received_ms", 'i', (long long)t0, "response_due_ms",
	             'i', (long long)(t0 + H), NULL);
	ticket_event("sla_breached", t0 + H, "R1", "critical", "new", "kind",
	             's', "response", "due_ms", 'i', (long long)(t0 + H), NULL);
	ticket_event("status_changed", t0 + 2 * H + 30 * M, "R1", "critical",
	             "open", "from", 's', "new", "paused", 'b', 0LL,
	             "response_due_ms", 'i', (long long)(t0 + H),
	             "resolution_due_ms", 'i', (long long)(t0 + 4 * H), NULL);
	ticket_event("status_changed", t0 + 3 * H, "R1", "critical",
	             "hold_resolution", "from", 's', "open", "reason", 's',
	             "resolved", "paused", 'b', 1LL, NULL);
	{
		struct keel_enc *x = keel_enc_new();

		keel_enc_map(x, 8);
		keel_enc_kv_str(x, "id", "R1");
		keel_enc_kv_str(x, "customer", "rpt");
		keel_enc_kv_str(x, "priority", "critical");
		keel_enc_kv_str(x, "status", "closed");
		keel_enc_str(x, "record");
		keel_enc_map(x, 6);
		keel_enc_kv_str(x, "resolution", "replaced the disk");
		keel_enc_kv_int(x, "responded_ms", t0 + 2 * H + 30 * M);
		keel_enc_kv_int(x, "response_due_ms", t0 + H);
		keel_enc_kv_int(x, "resolved_ms", t0 + 3 * H);
		keel_enc_kv_int(x, "resolution_due_ms", t0 + 4 * H);
		keel_enc_kv_int(x, "covered_minutes", 45);
		keel_enc_kv_str(x, "assignee", "");
		keel_enc_kv_int(x, "version", 9);
		keel_enc_kv_str(x, "from", "");
		report_event("ticket.closed", t0 + 5 * H, x);
		keel_enc_free(x);
	}
	ticket_event("created", t0, "R2", "high", "new", "response_due_ms", 'i',
	             (long long)(t0 + 2 * H), NULL);
	ticket_event("status_changed", t0 + 10 * M, "R2", "high", "open",
	             "from", 's', "new", "paused", 'b', 0LL, NULL);
	ticket_event("status_changed", t0 + 20 * M, "R2", "high",
	             "pending_fix", "from", 's', "open", "paused", 'b', 1LL,
	             NULL);
	ticket_event("status_changed", t0 + 50 * M, "R2", "high", "open",
	             "from", 's', "pending_fix", "paused", 'b', 0LL, NULL);
	ticket_event("status_changed", t0 + H, "R2", "high", "hold_resolution",
	             "from", 's', "open", "reason", 's', "resolved", "paused",
	             'b', 0LL, NULL);
	doc = figures(t0 + 90 * M);
	i2 = row(keel_obj_get(keel_mp_doc_root(doc), "incidents"), "id", "R2");
	is_str(keel_obj_streq(keel_obj_get(i2, "resolution"), "none") ? "none"
	                                                              : "?",
	       "none", "report: resolved with no resolution target: none");
	keel_mp_doc_free(doc);
	ticket_event("status_changed", t0 + 2 * H, "R2", "high", "open", "from",
	             's', "hold_resolution", "paused", 'b', 0LL, NULL);
	ticket_event("created", t0, "R3", "normal", "new", "response_due_ms",
	             'i', (long long)(t0 + 24 * H), NULL);
	ticket_event("created", day(2027, 2, 27) * 86400000, "R4", "low", "new",
	             NULL);

	{
		static const struct {
			const char *id, *status;
			int64_t ts;
			const char *outcome;
		} rfcs[] = {
		    {"X1", "submitted", 0, NULL},   {"X1", "closed", 1, "successful"},
		    {"X2", "submitted", 2, NULL},   {"X3", "submitted", 0, NULL},
		    {"X3", "withdrawn", 0, NULL},
		};
		const int64_t at[] = {day(2027, 2, 20) * 86400000,
		                      day(2027, 3, 3) * 86400000,
		                      day(2027, 3, 4) * 86400000};

		for (size_t i = 0; i < sizeof(rfcs) / sizeof(rfcs[0]); i++) {
			char type[32];

			keel_enc_reset(e);
			keel_enc_map(e, rfcs[i].outcome ? 4 : 3);
			keel_enc_kv_str(e, "id", rfcs[i].id);
			keel_enc_kv_str(e, "customer", "rpt");
			keel_enc_kv_str(e, "status", rfcs[i].status);
			if (rfcs[i].outcome)
				keel_enc_kv_str(e, "outcome", rfcs[i].outcome);
			snprintf(type, sizeof(type), "rfc.%s", rfcs[i].status);
			report_event(type, at[rfcs[i].ts], e);
		}
	}
	keel_enc_free(e);

	doc = figures(t0 + 6 * H);
	ok(doc != NULL, "report: billing_report of rpt, March 2027");
	f = keel_mp_doc_root(doc);
	ok(keel_obj_len(keel_obj_get(f, "incidents")) == 3,
	   "report: 3 incidents (R4 is February's)");
	i1 = row(keel_obj_get(f, "incidents"), "id", "R1");
	i2 = row(keel_obj_get(f, "incidents"), "id", "R2");
	i3 = row(keel_obj_get(f, "incidents"), "id", "R3");
	ok(keel_obj_streq(keel_obj_get(i1, "response"), "missed") &&
	       inum(i1, "response_late_min") == 90 &&
	       keel_obj_streq(keel_obj_get(i1, "resolution"), "met") &&
	       inum(i1, "alerts") == 1 &&
	       keel_obj_streq(keel_obj_get(i1, "resolution_text"),
	                      "replaced the disk"),
	   "report: R1 answered 90 min late, resolved in time, from an alert");
	is_int(inum(i1, "paused_ms"), 2 * H,
	       "report: R1 waited 2 h for the confirmation (hold_resolution)");
	ok(keel_obj_streq(keel_obj_get(i2, "response"), "met") &&
	       keel_obj_streq(keel_obj_get(i2, "resolution"), "pending") &&
	       inum(i2, "resolved_ms") == 0,
	   "report: R2 answered in time, reopened: resolution pending again");
	is_int(inum(i2, "paused_ms"), 30 * M,
	       "report: R2 paused 30 min in pending_fix");
	ok(keel_obj_streq(keel_obj_get(i3, "response"), "pending"),
	   "report: R3's response is not due yet at t0+6h");
	{
		const struct keel_obj *cr = row(keel_obj_get(f, "sla"), "priority",
		                                "critical");
		const struct keel_obj *hi = row(keel_obj_get(f, "sla"), "priority",
		                                "high");

		ok(inum(cr, "response_met") == 0 && inum(cr, "response_total") == 1 &&
		       inum(cr, "resolution_met") == 1 &&
		       inum(cr, "resolution_total") == 1 &&
		       inum(hi, "response_met") == 1 &&
		       inum(hi, "resolution_total") == 0,
		   "report: critical 0/1 and 1/1, high 1/1 and 0/0");
	}
	{
		const struct keel_obj *a = keel_obj_get(f, "alerts");
		const struct keel_obj *l = keel_obj_get(a, "list");

		ok(inum(a, "total") == 1 &&
		       keel_obj_streq(keel_obj_get(keel_obj_at(l, 0), "action"),
		                      "raised") &&
		       keel_obj_streq(keel_obj_get(keel_obj_at(l, 0), "ticket"),
		                      "R1") &&
		       keel_obj_streq(keel_obj_get(keel_obj_at(l, 0), "devices"),
		                      "srv9"),
		   "report: one alert in March (a phone request is none, "
		   "April's is April's), and it raised R1");
	}
	{
		const struct keel_obj *r = keel_obj_get(f, "rfcs");

		ok(keel_obj_len(keel_obj_get(r, "closed")) == 1 &&
		       row(keel_obj_get(r, "closed"), "id", "X1") &&
		       keel_obj_streq(keel_obj_get(keel_obj_at(keel_obj_get(r,
		                                                            "closed"),
		                                               0),
		                                   "outcome"),
		                      "successful") &&
		       keel_obj_len(keel_obj_get(r, "open")) == 1 &&
		       row(keel_obj_get(r, "open"), "id", "X2"),
		   "report: X1 closed this month, X2 open, X3 gone before");
	}
	ok(keel_obj_streq(keel_obj_get(keel_obj_get(f, "hours"), "contract"),
	                  "") &&
	       keel_obj_len(keel_obj_get(f, "missing")) == 1,
	   "report: no contract: no hours, and the report says so");
	keel_mp_doc_free(doc);

	doc = figures(t0 + 25 * H);
	i3 = row(keel_obj_get(keel_mp_doc_root(doc), "incidents"), "id", "R3");
	ok(keel_obj_streq(keel_obj_get(i3, "response"), "missed") &&
	       inum(i3, "response_late_min") == 60,
	   "report: at t0+25h R3's response is missed by 60 min");
	keel_mp_doc_free(doc);

	keel_enc_reset(req);
	keel_enc_map(req, 1);
	keel_enc_kv_str(req, "customer", "nobody");
	{
		redisReply *r = harness_fcall(c, "billing_report", 0, NULL, req);

		ok(r && r->type == REDIS_REPLY_STRING && r->len == 0,
		   "report: '' for a customer billing never heard of");
		if (r)
			freeReplyObject(r);
	}

	/* intake's and ticketing's streams are read apart: R5 names alert Q5
	 * before billing has seen Q5; the link is made when Q5 comes */
	ticket_event("created", t0 + 30 * H, "R5", "high", "new", "request",
	             's', "Q5", "received_ms", 'i', (long long)(t0 + 30 * H),
	             NULL);
	{
		struct keel_enc *q = keel_enc_new();
		redisReply *r;

		keel_enc_map(q, 5);
		keel_enc_kv_str(q, "id", "Q5");
		keel_enc_kv_str(q, "customer", "rpt");
		keel_enc_kv_str(q, "channel", "monitoring");
		keel_enc_kv_int(q, "received_ms", t0 + 30 * H);
		keel_enc_str(q, "alert");
		keel_enc_map(q, 1);
		keel_enc_kv_str(q, "metric", "ups");
		report_event("request.received", t0 + 30 * H, q);
		keel_enc_free(q);
		r = redisCommand(c, "HMGET keel:{billing}:ra:Q5 ticket action");
		ok(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		       r->element[0]->type == REDIS_REPLY_STRING &&
		       !strcmp(r->element[0]->str, "R5") &&
		       r->element[1]->type == REDIS_REPLY_STRING &&
		       !strcmp(r->element[1]->str, "raised"),
		   "report: an alert seen after its ticket: raised R5");
		if (r)
			freeReplyObject(r);
		r = redisCommand(c, "HGET keel:{billing}:rt:R5 alerts");
		ok(r && r->type == REDIS_REPLY_STRING && !strcmp(r->str, "1"),
		   "report: R5 counts the alert once");
		if (r)
			freeReplyObject(r);
		r = redisCommand(c, "EXISTS keel:{billing}:rreq:Q5");
		ok(r && r->type == REDIS_REPLY_INTEGER && r->integer == 0,
		   "report: nothing left waiting");
		if (r)
			freeReplyObject(r);
	}
}

int
main(void)
{
	struct harness_redis redis = {0};
	struct balance b;
	char text[512];

	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	c = harness_lua_open(&redis, "billing");
	req = keel_enc_new();

	/*
	 * 10 servers from 2027-01-01: 600 min included and 600 min flex a
	 * month.
	 *  A#1 2027-01-05, 720 min: 600 included, a block (flex 600 -> 360,
	 *      block 240), 120 from it (block 120 left).
	 *  B#1 2027-01-06, 180 min: 120 from A's block, a second block (flex
	 *      360 -> 120, block 240), 60 from it (block 180 left).
	 *  B#2 2027-01-07, 480 min: 180 from the block; flex 120 is less
	 *      than a block: 300 min billable, at 120.00/h = 600.00.
	 */
	ok(contract("K-BLK", "blk", 10, day(2027, 1, 1)), "contract K-BLK");
	logged("blk", "T-A", 1, 720, false, "remote", day(2027, 1, 5));
	b = balance("K-BLK", day(2027, 1, 5));
	ok(b.included == 0 && b.flex == 360 && b.block == 120 &&
	       b.billable == 0,
	   "A#1: included 0, flex 360, block 120 (%lld %lld %lld %lld)",
	   b.included, b.flex, b.block, b.billable);
	logged("blk", "T-B", 1, 180, false, "remote", day(2027, 1, 6));
	b = balance("K-BLK", day(2027, 1, 6));
	ok(b.flex == 120 && b.block == 180 && b.billable == 0,
	   "B#1 finishes A's block and opens a second: flex 120, block 180 "
	   "(%lld %lld)",
	   b.flex, b.block);
	logged("blk", "T-B", 2, 480, false, "remote", day(2027, 1, 7));
	b = balance("K-BLK", day(2027, 1, 7));
	ok(b.flex == 120 && b.block == 0 && b.billable == 300,
	   "B#2: block used up, 120 flex is no block, 300 min billable "
	   "(%lld %lld %lld)",
	   b.flex, b.block, b.billable);
	is_int(pending_amount("K-BLK", 0, text, sizeof(text)), 60000,
	       "300 min at 120.00/h: 600.00 on the next invoice");
	ok(strstr(text, "T-B") && strstr(text, "300 min"), "  %s", text);
	is_str(b.kinds, "grant accrue draw block draw draw block draw draw "
	                "billable",
	       "every step is a ledger entry");
	/* on-site: no included hours; emergency: no flex either; travel */
	logged("blk", "T-C", 1, 60, false, "emergency", day(2027, 1, 8));
	is_int(pending_amount("K-BLK", 1, text, sizeof(text)), 21275,
	       "60 min emergency at 185.00/h + 15 %% travel = 212.75");
	logged("blk", "T-C", 2, 30, true, "remote", day(2027, 1, 8));
	b = balance("K-BLK", day(2027, 1, 8));
	ok(b.billable == 360 && strstr(b.kinds, "covered"),
	   "covered time is recorded and draws nothing");
	/* the balance is the sum of the ledger, by day */
	b = balance("K-BLK", day(2027, 1, 4));
	ok(b.included == 600 && b.flex == 600 && b.billable == 0,
	   "--at 2027-01-04: before any time, 600 included and 600 flex");

	/*
	 * 20 servers from 2027-01-01: 1200 min included and flex a month.
	 * Included hours lapse: on 2027-02-01 the 1200 unused lapse and 1200
	 * are granted.  Flex: 1200 a month reaches the 9600 min (160 h) cap
	 * after month 8; months 9 to 12 add nothing.  On 2028-01-01 all 9600
	 * expire, then month 13 accrues 1200.
	 */
	ok(contract("K-CAP", "cap", 20, day(2027, 1, 1)), "contract K-CAP");
	logged("cap", "T-D", 1, 15, true, "remote", day(2027, 2, 3));
	b = balance("K-CAP", day(2027, 1, 31));
	is_int(b.included, 1200, "2027-01-31: 1200 included");
	b = balance("K-CAP", day(2027, 2, 3));
	ok(b.included == 1200 && strstr(b.kinds, "lapse"),
	   "2027-02-01: 1200 lapsed, 1200 granted (%s)", b.kinds);
	logged("cap", "T-D", 2, 15, true, "remote", day(2027, 12, 15));
	b = balance("K-CAP", day(2027, 12, 15));
	is_int(b.flex, 9600, "flex stops at the 160 h cap");
	logged("cap", "T-D", 3, 15, true, "remote", day(2028, 1, 5));
	b = balance("K-CAP", day(2028, 1, 5));
	is_int(b.flex, 1200, "2028: the year's 9600 expired, month 13 added "
	                     "1200");
	ok(strstr(b.kinds, "expire") != NULL, "  an expire entry");

	/* The late fee rule: 1.5 % a month, by the day, on the amount open,
	 * never compounded. */
	{
		redisReply *r;
		struct keel_enc *h = keel_enc_new();
		const void *p;
		size_t len;

		keel_enc_map(h, 0);
		p = keel_enc_data(h, &len);
		keel_enc_reset(req);
		keel_enc_map(req, 4);
		keel_enc_kv_int(req, "day", day(2027, 3, 17));
		keel_enc_kv_str(req, "contract", "K-BLK");
		keel_enc_str(req, "head");
		keel_enc_strn(req, p, len);
		keel_enc_kv_int(req, "max", 100);
		/* K-BLK's first invoice (10 x 500.00 = 5000.00, due
		 * 2027-01-31) is open: overdue, 45 days: 5000 x 0.015 x 1.5
		 * = 112.50 */
		r = harness_fcall(c, "billing_run", 0, NULL, req);
		ok(r && r->type == REDIS_REPLY_ARRAY,
		   "billing_run answers an array");
		if (r)
			freeReplyObject(r);
		is_int(pending_amount("K-BLK", 2, text, sizeof(text)), 11250,
		       "late fee over 45 days: 112.50");
		ok(strstr(text, "45 days") != NULL, "  %s", text);
		r = redisCommand(c, "HGET keel:{billing}:invoice:INV-2027-0001 "
		                    "status");
		ok(r && r->type == REDIS_REPLY_STRING &&
		       strcmp(r->str, "overdue") == 0,
		   "the invoice is overdue");
		if (r)
			freeReplyObject(r);
		r = harness_fcall(c, "billing_run", 0, NULL, req);
		if (r)
			freeReplyObject(r);
		is_int(pending_amount("K-BLK", 3, text, sizeof(text)), -1,
		       "the same day again charges nothing more");
		keel_enc_free(h);
	}

	/* the report knows the customer (customer.created) */
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "id", "rpt");
	keel_enc_kv_str(req, "name", "Report AG");
	keel_enc_kv_str(req, "timezone", "UTC");
	freeReplyObject(harness_lua_effect(c, "billing", "billing_on_customer",
	                                   "rpt-0", 0, NULL, req));
	reports();

	keel_enc_free(req);
	redisFree(c);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

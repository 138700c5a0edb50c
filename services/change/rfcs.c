/*
 * keel-change requests: each handler checks what the body brings, adds
 * what only C knows (the time, the statuses a step may start from, a
 * patch's deadline on the customer's business calendar, a freeze
 * window's instants) and hands one map to its function in lua/.
 */
#include "change.h"

#include "codec.h"
#include "daemon.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "money.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Sends the map in e to write function fn; frees e. */
static void
write_map(struct keel_req *req, const char *fn, struct keel_enc *e)
{
	const void *p;
	size_t len;

	if (keel_enc_error(e)) {
		keel_enc_free(e);
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = fn,
	                    .event_prefix = "",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}

/* The body plus now and from (the statuses op starts from) and n more
 * pairs the caller appends; NULL after refusing. */
static struct keel_enc *
step_map(struct keel_req *req, enum change_op op, uint32_t n)
{
	struct keel_enc *e = keel_enc_new();
	char from[160];

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	change_status_list(change_allowed_from(op), from, sizeof(from));
	keel_enc_body_plus(e, keel_req_body(req), 2 + n);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	keel_enc_kv_str(e, "from", from);
	return e;
}

/* A YYYY-MM-DD field, when present, must be a date. */
static bool
date_ok(struct keel_req *req, const struct keel_obj *o, const char *field)
{
	char s[16] = "";
	int64_t d;

	if (!o)
		return true;
	keel_obj_strcpy(o, s, sizeof(s));
	if (keel_time_date(s, strlen(s), &d))
		return true;
	keel_req_fail(req, KEEL_E_INVALID_FIELD, field,
	              "%s: '%s' is not a date (YYYY-MM-DD)", field, s);
	return false;
}

/* What rfc.submit and rfc.resubmit check before Redis. */
static bool
rfc_fields_ok(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char cur[8] = "EUR";

	if (!date_ok(req, keel_obj_get(b, "deadline"), "body.deadline"))
		return false;
	if (keel_obj_get(b, "currency") &&
	    (!keel_obj_strcpy(keel_obj_get(b, "currency"), cur, sizeof(cur)) ||
	     !keel_money_currency_valid(cur))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.currency",
		              "body.currency: '%s' is not a currency code", cur);
		return false;
	}
	if (keel_obj_streq(keel_obj_get(b, "origin"), "ticket")) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.origin",
		              "body.origin: an RFC from a ticket comes from "
		              "ticket.escalate --process-change");
		return false;
	}
	return true;
}

/* A customer's zone and calendar, as change_customer_dates answers;
 * false when r is not such an answer. */
struct dates {
	const struct keel_tz *tz;
	struct keel_calendar cal;
	int64_t days[400];
	char zone[65];
};

static bool
dates_of(const struct keel_reply *r, struct dates *d)
{
	struct keel_mp_doc *doc = NULL;
	const struct keel_obj *o;
	const char *p, *h = "", *hol = "";
	size_t len = 0, hl = 0, holl = 0;

	p = keel_reply_str(r, &len);
	if (!p || len == 0 || keel_mp_decode(p, len, &doc) < 0)
		return false;
	o = keel_mp_doc_root(doc);
	keel_obj_strcpy(keel_obj_get(o, "timezone"), d->zone, sizeof(d->zone));
	keel_obj_str(keel_obj_get(o, "hours"), &h, &hl);
	keel_obj_str(keel_obj_get(o, "holidays"), &hol, &holl);
	if (keel_tz_get(d->zone, &d->tz) < 0 && keel_tz_get("UTC", &d->tz) < 0) {
		keel_mp_doc_free(doc);
		return false;
	}
	memset(&d->cal, 0, sizeof(d->cal));
	keel_cal_read(h, hl, hol, holl, 8 * 60, 17 * 60, &d->cal, d->days,
	              sizeof(d->days) / sizeof(d->days[0]));
	d->cal.tz = d->tz;
	keel_mp_doc_free(doc);
	return true;
}

/* The dates read for a request, or a refusal (or a wait for keel-intake's
 * events: keel_req_catch_up): true when d is filled. */
static bool
read_dates(struct keel_req *req, const struct keel_reply *r,
           const struct keel_error *err, struct dates *d)
{
	struct keel_error e;

	if (!r) {
		keel_req_fail_err(req, err);
		return false;
	}
	if (keel_reply_error(r, keel_req_env(req)->type, &e)) {
		keel_req_fail_err(req, &e);
		return false;
	}
	if (!dates_of(r, d)) {
		keel_req_catch_up(req, "intake", keel_req_customer_unknown);
		return false;
	}
	return true;
}

static void
read_customer(struct keel_req *req, keel_req_redis_cb cb)
{
	keel_req_read(req, "change_customer_dates", 0, NULL, NULL, 0, cb);
}

static void
submit_dated(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	static __thread struct dates d;
	const struct keel_obj *patch =
	    keel_obj_get(keel_req_body(req), "patch");
	int64_t now = keel_time_now_ms(), deadline = 0;
	struct keel_enc *e;
	char u[24] = "";

	if (!read_dates(req, r, err, &d))
		return;
	if (patch) {
		keel_obj_strcpy(keel_obj_get(patch, "urgency"), u, sizeof(u));
		if (change_patch_deadline(&d.cal, now, u, &deadline) < 0) {
			keel_req_fail(req, KEEL_E_INVALID_FIELD,
			              "body.patch.urgency",
			              "body.patch.urgency: '%s' is not an urgency",
			              u);
			return;
		}
	}
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_body_plus(e, keel_req_body(req), 2);
	keel_enc_kv_int(e, "now", now);
	keel_enc_kv_int(e, "deadline_ms", deadline);
	write_map(req, "change_rfc_submit", e);
}

void
change_rfc_submit(struct keel_req *req)
{
	if (rfc_fields_ok(req))
		read_customer(req, submit_dated);
}

void
change_rfc_resubmit(struct keel_req *req)
{
	struct keel_enc *e;

	if (!rfc_fields_ok(req) || !(e = step_map(req, CO_RESUBMIT, 0)))
		return;
	write_map(req, "change_rfc_resubmit", e);
}

void
change_rfc_authorize(struct keel_req *req)
{
	struct keel_enc *e = step_map(req, CO_AUTHORIZE, 0);

	if (e)
		write_map(req, "change_rfc_authorize", e);
}

/* return, reject, withdraw, release, implement, close. */
static void
step(struct keel_req *req, enum change_op op)
{
	struct keel_enc *e = step_map(req, op, 2);

	if (!e)
		return;
	keel_enc_kv_str(e, "op", change_op_names[op]);
	keel_enc_kv_str(e, "to", change_status_names[change_op_to(op)]);
	write_map(req, "change_rfc_step", e);
}

void
change_rfc_return(struct keel_req *req)
{
	step(req, CO_RETURN);
}

void
change_rfc_reject(struct keel_req *req)
{
	step(req, CO_REJECT);
}

void
change_rfc_withdraw(struct keel_req *req)
{
	step(req, CO_WITHDRAW);
}

void
change_rfc_release(struct keel_req *req)
{
	step(req, CO_RELEASE);
}

void
change_rfc_implement(struct keel_req *req)
{
	step(req, CO_IMPLEMENT);
}

void
change_rfc_close(struct keel_req *req)
{
	step(req, CO_CLOSE);
}

void
change_rfc_priority(struct keel_req *req)
{
	struct keel_enc *e = step_map(req, CO_PRIORITY, 0);

	if (e)
		write_map(req, "change_rfc_priority", e);
}

void
change_cab_vote(struct keel_req *req)
{
	struct keel_enc *e = step_map(req, CO_VOTE, 0);

	if (e)
		write_map(req, "change_cab_vote", e);
}

/* Writes whose request is the body and now. */
static void
plain(struct keel_req *req, const char *fn)
{
	struct keel_enc *e = keel_enc_new();

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_body_plus(e, keel_req_body(req), 1);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	write_map(req, fn, e);
}

void
change_cab_put(struct keel_req *req)
{
	plain(req, "change_cab_put");
}

void
change_rule_put(struct keel_req *req)
{
	plain(req, "change_rule_put");
}

void
change_ci_put(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);

	if (date_ok(req, keel_obj_get(b, "warranty_end"), "body.warranty_end") &&
	    date_ok(req, keel_obj_get(b, "migration_date"),
	            "body.migration_date"))
		plain(req, "change_ci_put");
}

static void
freeze_dated(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	static __thread struct dates d;
	const struct keel_obj *b = keel_req_body(req);
	char from[20] = "", to[20] = "";
	int64_t f, t;
	struct keel_enc *e;

	if (!read_dates(req, r, err, &d))
		return;
	keel_obj_strcpy(keel_obj_get(b, "from"), from, sizeof(from));
	keel_obj_strcpy(keel_obj_get(b, "to"), to, sizeof(to));
	if (change_local_time(d.tz, from, &f) < 0 ||
	    change_local_time(d.tz, to, &t) < 0) {
		bool bad_from = change_local_time(d.tz, from, &f) < 0;

		keel_req_fail(req, KEEL_E_INVALID_FIELD,
		              bad_from ? "body.from" : "body.to",
		              "%s: '%s' is not a local time YYYY-MM-DDTHH:MM",
		              bad_from ? "body.from" : "body.to",
		              bad_from ? from : to);
		return;
	}
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_body_plus(e, b, 3);
	keel_enc_kv_int(e, "from_ms", f);
	keel_enc_kv_int(e, "to_ms", t);
	keel_enc_kv_str(e, "timezone", d.zone);
	write_map(req, "change_freeze_put", e);
}

void
change_freeze_put(struct keel_req *req)
{
	read_customer(req, freeze_dated);
}

/* A read's reply: a packed map, or '' for an unknown id (freeze.list:
 * an unknown customer). */
static void
packed(struct keel_req *req, const struct keel_reply *r,
       const struct keel_error *err)
{
	const char *type = keel_req_env(req)->type;
	char id[65] = "";

	if (keel_req_reply_packed(req, r, err))
		return;
	if (strcmp(type, "freeze.list") == 0) {
		keel_req_catch_up(req, "intake", keel_req_customer_unknown);
		return;
	}
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id", "%s %s not found",
	              strncmp(type, "ci.", 3) == 0 ? "configuration item"
	                                           : "rfc",
	              id);
}

#define READ(name, fn)                                                         \
	void name(struct keel_req *req)                                        \
	{                                                                      \
		keel_req_read(req, fn, 0, NULL, NULL, 0, packed);              \
	}

READ(change_rfc_get, "change_rfc_get")
READ(change_rfc_list, "change_rfc_list")
READ(change_cab_get, "change_cab_get")
READ(change_rule_get, "change_rule_get")
READ(change_ci_get, "change_ci_get")
READ(change_ci_list, "change_ci_list")
READ(change_ci_history, "change_ci_history")
READ(change_freeze_list, "change_freeze_list")

/* --- the tick: overdue patch RFCs --- */

int64_t
change_tick(struct keel_daemon *d)
{
	struct keel_enc *e = keel_enc_new();
	int64_t now = keel_time_now_ms();
	long long next = -1;

	if (keel_store_up(keel_daemon_store(d)) && e) {
		keel_enc_map(e, 3);
		keel_enc_kv_int(e, "now", now);
		keel_daemon_kv_head(d, e);
		keel_enc_kv_int(e, "max", 200);
		next = keel_daemon_fire(d, "change_fire", e, 1);
	}
	keel_enc_free(e);
	if (next < 0)
		return 1000; /* Redis down: try again soon */
	if (next == 0)
		return -1; /* nothing waits: only when woken */
	return next > now ? next - now : 0;
}

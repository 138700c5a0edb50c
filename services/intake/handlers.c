/*
 * keel-intake: the table of requests it answers and their handlers.
 * Customers: customer.put (a write: one function of the service's library,
 * lua/customers.lua, applies the change, appends customer.created/updated
 * to intake's stream and keeps the idempotent outcome) and customer.get.
 */
#include "intake.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "ids.h"
#include "ktime.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

/* A zone the tz database can actually load, not just a plausible name. */
static bool
timezone_known(const char *name)
{
	const struct keel_tz *tz;

	return keel_tz_get(name, &tz) == 0;
}

static void
on_customer_put(struct keel_req *req)
{
	const struct keel_obj *body = keel_req_body(req);
	const struct keel_obj *contacts = keel_obj_get(body, "contacts");
	char id[33] = "", name[201], tz[65], policy[33];
	struct keel_enc *c = keel_enc_new(), *e = keel_enc_new();
	const void *cp, *p;
	size_t clen, len;

	if (!c || !e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (keel_obj_get(body, "id") &&
	    keel_obj_kind(keel_obj_get(body, "id")) == KEEL_OBJ_STR &&
	    (!keel_obj_strcpy(keel_obj_get(body, "id"), id, sizeof(id)) ||
	     !keel_id_token_valid(id, strlen(id)))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.id",
		              "body.id: only letters, digits, '.', '_' and "
		              "'-' are allowed");
		goto out;
	}
	keel_obj_strcpy(keel_obj_get(body, "name"), name, sizeof(name));
	keel_obj_strcpy(keel_obj_get(body, "timezone"), tz, sizeof(tz));
	if (!keel_obj_strcpy(keel_obj_get(body, "sla_policy"), policy,
	                     sizeof(policy)))
		snprintf(policy, sizeof(policy), "default");
	if (!keel_id_token_valid(policy, strlen(policy))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.sla_policy",
		              "body.sla_policy: only letters, digits, '.', '_' "
		              "and '-' are allowed");
		goto out;
	}
	if (!timezone_known(tz)) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.timezone",
		              "body.timezone: '%s' is not a time zone of the "
		              "system's zone database",
		              tz);
		goto out;
	}
	if (contacts && keel_obj_kind(contacts) == KEEL_OBJ_ARRAY)
		keel_enc_obj(c, contacts);
	else
		keel_enc_array(c, 0);
	cp = keel_enc_data(c, &clen);
	keel_enc_map(e, 5 + (id[0] != '\0'));
	if (id[0])
		keel_enc_kv_str(e, "id", id);
	keel_enc_kv_str(e, "name", name);
	keel_enc_kv_str(e, "timezone", tz);
	keel_enc_str(e, "contacts");
	keel_enc_strn(e, cp, clen);
	keel_enc_kv_str(e, "sla_policy", policy);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	p = keel_enc_data(e, &len);
	keel_write(
	    req, &(struct keel_write){
	             .fn = "intake_customer_put",
	             .event_prefix = "customer.",
	             .nkeys = 2,
	             .keys = (const char *[]){"keel:{intake}:seq:customer",
	                                      "keel:{intake}:customers"},
	             .req = p,
	             .req_len = len,
	         });
out:
	keel_enc_free(c);
	keel_enc_free(e);
}

static void
customer_get_reply(struct keel_req *req, const struct keel_reply *r,
                   const struct keel_error *err)
{
	static const char *const names[] = {
	    "id",      "name",       "timezone",   "contacts",
	    "version", "created_ms", "updated_ms", "sla_policy"};
	struct keel_enc *e = keel_req_reply(req);
	char id[33];

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) != 8 ||
	    keel_reply_type(keel_reply_at(r, 0)) != KEEL_R_STR) {
		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "customer '%s' not found", id);
		return;
	}
	keel_enc_map(e, 8);
	for (size_t i = 0; i < 8; i++) {
		size_t len = 0;
		const char *v = keel_reply_str(keel_reply_at(r, i), &len);

		keel_enc_str(e, names[i]);
		if (!v && i == 7)
			keel_enc_str(e, "default");
		else if (!v)
			keel_enc_nil(e);
		else if (i == 3 &&
		         keel_mp_check(v, len, KEEL_MP_MAX_DEPTH, NULL) == 0)
			keel_enc_raw(e, v, len);
		else if (i == 3)
			keel_enc_array(e, 0);
		else if (i >= 4 && i <= 6)
			keel_enc_int(e, strtoll(v, NULL, 10));
		else
			keel_enc_strn(e, v, len);
	}
	keel_req_ok(req);
}

static void
on_customer_get(struct keel_req *req)
{
	char id[33], key[80];

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	snprintf(key, sizeof(key), "keel:{intake}:customer:%s", id);
	keel_req_redis(req, 10,
	               (const char *[]){"HMGET", key, "id", "name", "timezone",
	                                "contacts", "version", "created_ms",
	                                "updated_ms", "sla_policy"},
	               NULL, customer_get_reply);
}

static void
customer_list_reply(struct keel_req *req, const struct keel_reply *r,
                    const struct keel_error *err)
{
	static const char *const names[] = {"id", "name", "timezone",
	                                    "sla_policy", "version"};
	struct keel_enc *e = keel_req_reply(req);
	const struct keel_reply *rows;
	size_t good = 0;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) != 2) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "listing customers");
		return;
	}
	rows = keel_reply_at(r, 1);
	for (size_t i = 0; i < keel_reply_len(rows); i++)
		good += keel_reply_type(keel_reply_at(keel_reply_at(rows, i),
		                                      0)) == KEEL_R_STR;
	keel_enc_map(e, 2);
	keel_enc_str(e, "customers");
	keel_enc_array(e, (uint32_t)good);
	for (size_t i = 0; i < keel_reply_len(rows); i++) {
		const struct keel_reply *row = keel_reply_at(rows, i);

		if (keel_reply_type(keel_reply_at(row, 0)) != KEEL_R_STR)
			continue;
		keel_enc_map(e, 5);
		for (size_t k = 0; k < 5; k++) {
			size_t len = 0;
			const char *v =
			    keel_reply_str(keel_reply_at(row, k), &len);

			keel_enc_str(e, names[k]);
			if (k == 4)
				keel_enc_int(e, v ? strtoll(v, NULL, 10) : 0);
			else if (k == 3 && !v)
				keel_enc_str(e, "default");
			else
				keel_enc_strn(e, v ? v : "", v ? len : 0);
		}
	}
	keel_enc_kv_str(e, "next",
	                keel_reply_str(keel_reply_at(r, 0), NULL)
	                    ? keel_reply_str(keel_reply_at(r, 0), NULL)
	                    : "");
	keel_req_ok(req);
}

static void
on_customer_list(struct keel_req *req)
{
	const struct keel_obj *body = keel_req_body(req);
	struct keel_enc *e;
	char after[33] = "";
	int64_t lim = 50;
	const void *p;
	size_t len;

	keel_obj_strcpy(keel_obj_get(body, "after"), after, sizeof(after));
	keel_obj_int(keel_obj_get(body, "limit"), &lim);
	if (after[0] && !keel_id_token_valid(after, strlen(after))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.after",
		              "body.after: not a cursor from customer.list");
		return;
	}
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 2);
	keel_enc_kv_str(e, "after", after);
	keel_enc_kv_int(e, "limit", lim);
	p = keel_enc_data(e, &len);
	keel_req_read(req, "intake_customer_list", 1,
	              (const char *[]){"keel:{intake}:customers"}, p, len,
	              customer_list_reply);
	keel_enc_free(e);
}

/* Checks hours and holidays and writes them normalized (weekdays Monday
 * first, holidays sorted and unique) into hours and holidays. */
static bool
calendar_normalize(struct keel_req *req, struct keel_enc *hours,
                   struct keel_enc *holidays)
{
	const struct keel_obj *body = keel_req_body(req);
	const struct keel_obj *h = keel_obj_get(body, "hours");
	const struct keel_obj *hol = keel_obj_get(body, "holidays");
	int open[7], close[7], nopen = 0;
	int64_t days[400];
	size_t ndays = 0;

	for (int w = 0; w < 7; w++)
		open[w] = -1;
	for (size_t i = 0; i < keel_obj_len(h); i++) {
		const struct keel_obj *e = keel_obj_at(h, i);
		const char *s;
		size_t n;
		int w, o, c;

		keel_obj_str(keel_obj_get(e, "day"), &s, &n);
		w = keel_time_weekday(s, n);
		if (open[w] >= 0) {
			keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.hours",
			              "body.hours[%zu].day: '%.3s' is given "
			              "more than once",
			              i, s);
			return false;
		}
		keel_obj_str(keel_obj_get(e, "open"), &s, &n);
		o = keel_time_hhmm(s, n);
		keel_obj_str(keel_obj_get(e, "close"), &s, &n);
		c = keel_time_hhmm(s, n);
		if (o < 0 || c < 0 || c <= o) {
			keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.hours",
			              "body.hours[%zu]: open and close must be "
			              "HH:MM with open before close",
			              i);
			return false;
		}
		open[w] = o;
		close[w] = c;
		nopen++;
	}
	for (size_t i = 0; i < keel_obj_len(hol); i++) {
		const char *s;
		size_t n, k;
		int64_t d;

		keel_obj_str(keel_obj_at(hol, i), &s, &n);
		if (!keel_time_date(s, n, &d)) {
			keel_req_fail(req, KEEL_E_INVALID_FIELD,
			              "body.holidays",
			              "body.holidays[%zu]: '%.10s' is not a "
			              "date YYYY-MM-DD",
			              i, s);
			return false;
		}
		for (k = ndays; k > 0 && days[k - 1] > d; k--)
			days[k] = days[k - 1];
		if (k > 0 && days[k - 1] == d) { /* a repeat: drop it */
			for (; k < ndays; k++)
				days[k] = days[k + 1];
			continue;
		}
		days[k] = d;
		ndays++;
	}
	keel_enc_array(hours, (uint32_t)nopen);
	for (int i = 0; i < 7; i++) {
		static const char *const names[] = {"sun", "mon", "tue", "wed",
		                                    "thu", "fri", "sat"};
		int w = (i + 1) % 7; /* Monday first */
		char t[16];

		if (open[w] < 0)
			continue;
		keel_enc_map(hours, 3);
		keel_enc_kv_str(hours, "day", names[w]);
		snprintf(t, sizeof(t), "%02d:%02d", open[w] / 60, open[w] % 60);
		keel_enc_kv_str(hours, "open", t);
		snprintf(t, sizeof(t), "%02d:%02d", close[w] / 60,
		         close[w] % 60);
		keel_enc_kv_str(hours, "close", t);
	}
	keel_enc_array(holidays, (uint32_t)ndays);
	for (size_t i = 0; i < ndays; i++) {
		char t[16];
		int y, m, d;

		keel_time_civil_from_days(days[i], &y, &m, &d);
		snprintf(t, sizeof(t), "%04d-%02d-%02d", y, m, d);
		keel_enc_str(holidays, t);
	}
	return true;
}

static void
on_calendar_put(struct keel_req *req)
{
	struct keel_enc *hours = keel_enc_new(), *hol = keel_enc_new(),
	                *e = keel_enc_new();
	char id[33], ckey[80], kkey[80];
	const void *hp, *lp, *p;
	size_t hlen, llen, len;

	if (!hours || !hol || !e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		goto out;
	}
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "customer"), id,
	                sizeof(id));
	if (!keel_id_token_valid(id, strlen(id))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.customer",
		              "body.customer: not a customer id");
		goto out;
	}
	if (!calendar_normalize(req, hours, hol))
		goto out;
	hp = keel_enc_data(hours, &hlen);
	lp = keel_enc_data(hol, &llen);
	snprintf(ckey, sizeof(ckey), "keel:{intake}:customer:%s", id);
	snprintf(kkey, sizeof(kkey), "keel:{intake}:calendar:%s", id);
	keel_enc_map(e, 4);
	keel_enc_kv_str(e, "customer", id);
	keel_enc_str(e, "hours");
	keel_enc_strn(e, hp, hlen);
	keel_enc_str(e, "holidays");
	keel_enc_strn(e, lp, llen);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "intake_calendar_put",
	                    .event_prefix = "calendar.",
	                    .nkeys = 2,
	                    .keys = (const char *[]){ckey, kkey},
	                    .req = p,
	                    .req_len = len,
	                });
out:
	keel_enc_free(hours);
	keel_enc_free(hol);
	keel_enc_free(e);
}

static void
calendar_get_reply(struct keel_req *req, const struct keel_reply *r,
                   const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const char *hours, *hol, *ver, *tz;
	size_t hlen = 0, llen = 0, tzlen = 0;
	char id[33];

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "customer"), id,
	                sizeof(id));
	if (keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) != 4) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.customer",
		              "no calendar for customer '%s'", id);
		return;
	}
	hours = keel_reply_str(keel_reply_at(r, 0), &hlen);
	hol = keel_reply_str(keel_reply_at(r, 1), &llen);
	ver = keel_reply_str(keel_reply_at(r, 2), NULL);
	tz = keel_reply_str(keel_reply_at(r, 3), &tzlen);
	if (!hours || !hol || !ver || !tz || tzlen == 0 ||
	    keel_mp_check(hours, hlen, KEEL_MP_MAX_DEPTH, NULL) < 0 ||
	    keel_mp_check(hol, llen, KEEL_MP_MAX_DEPTH, NULL) < 0) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.customer",
		              "no calendar for customer '%s'", id);
		return;
	}
	keel_enc_map(e, 5);
	keel_enc_kv_str(e, "customer", id);
	keel_enc_str(e, "timezone");
	keel_enc_strn(e, tz, tzlen);
	keel_enc_str(e, "hours");
	keel_enc_raw(e, hours, hlen);
	keel_enc_str(e, "holidays");
	keel_enc_raw(e, hol, llen);
	keel_enc_kv_int(e, "version", strtoll(ver, NULL, 10));
	keel_req_ok(req);
}

static void
on_calendar_get(struct keel_req *req)
{
	char id[33], kkey[80], ckey[80];

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "customer"), id,
	                sizeof(id));
	snprintf(kkey, sizeof(kkey), "keel:{intake}:calendar:%s", id);
	snprintf(ckey, sizeof(ckey), "keel:{intake}:customer:%s", id);
	/* The keys say it all: an empty request, not the body (Redis's
	 * cmsgpack would refuse a bin member a client added). */
	keel_req_read(req, "intake_calendar_get", 2,
	              (const char *[]){kkey, ckey}, "\x80", 1,
	              calendar_get_reply);
}

const struct keel_handler intake_handlers[] = {
    {"calendar.put", on_calendar_put},
    {"calendar.get", on_calendar_get},
    {"customer.put", on_customer_put},
    {"customer.get", on_customer_get},
    {"customer.list", on_customer_list},
    {"request.submit", intake_request_submit},
    {"product.put", intake_product_put},
    {"product.list", intake_product_list},
    {"assessment.submit", intake_assessment_submit},
    {"assessment.evaluate", intake_assessment_evaluate},
    {"assessment.get", intake_assessment_get},
    {"proposal.draft", intake_proposal_draft},
    {"proposal.review", intake_proposal_review},
    {"proposal.send", intake_proposal_send},
    {"proposal.accept", intake_proposal_accept},
    {"proposal.reject", intake_proposal_reject},
    {"proposal.revise", intake_proposal_revise},
    {"proposal.get", intake_proposal_get},
    {NULL, NULL},
};

/*
 * keel-billing contracts, payments and the hour bank, as requests: each
 * handler checks and prices what the body brings (calc.c) and hands one
 * map to its function in lua/ (contracts.lua, payments.lua, hours.lua).
 * Dates travel as day numbers: the customer's local civil days.
 */
#include "billing.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "money.h"

#include <stdio.h>
#include <string.h>

int64_t
billing_today(const char *name, int32_t *ret_offset)
{
	const struct keel_tz *tz;
	struct keel_localtime lt;
	int64_t now = keel_time_now_ms();

	if (!name || !*name || keel_tz_get(name, &tz) < 0) {
		if (ret_offset)
			*ret_offset = 0;
		return now / 86400000;
	}
	keel_tz_local(tz, now, &lt);
	if (ret_offset)
		*ret_offset = keel_tz_offset(tz, now);
	return lt.days;
}

bool
billing_day_field(struct keel_req *req, const char *name, bool required,
                  int64_t *ret)
{
	const struct keel_obj *o = keel_obj_get(keel_req_body(req), name);
	char s[16] = "";

	if (!o && !required)
		return true;
	keel_obj_strcpy(o, s, sizeof(s));
	if (!keel_time_date(s, strlen(s), ret)) {
		char field[40];

		snprintf(field, sizeof(field), "body.%s", name);
		keel_req_fail(req, KEEL_E_INVALID_FIELD, field,
		              "%s: '%s' is not a date (YYYY-MM-DD)", field, s);
		return false;
	}
	return true;
}

/* Sends the map in e to the write function fn (events named in full). */
static void
write_map(struct keel_req *req, const char *fn, struct keel_enc *e)
{
	const void *p;
	size_t len;

	if (keel_enc_error(e)) {
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
}

static void
kv_field(struct keel_enc *e, const struct keel_obj *b, const char *key,
         const char *dflt)
{
	char s[600] = "";

	if (!keel_obj_strcpy(keel_obj_get(b, key), s, sizeof(s)))
		snprintf(s, sizeof(s), "%s", dflt);
	keel_enc_kv_str(e, key, s);
}

static int64_t
int_field(const struct keel_obj *b, const char *key, int64_t dflt)
{
	int64_t v;

	return keel_obj_int(keel_obj_get(b, key), &v) ? v : dflt;
}

/* The priced version's fields (7 of them). */
static void
enc_version(struct keel_enc *e, const struct billing_version *v)
{
	keel_enc_str(e, "lines");
	billing_lines_encode(e, v);
	keel_enc_kv_int(e, "monthly", v->monthly);
	keel_enc_kv_int(e, "device_fee", v->device_fee);
	keel_enc_kv_int(e, "servers", v->servers);
	keel_enc_kv_int(e, "support_min", v->support_min);
	keel_enc_kv_int(e, "flex_min", v->flex_min);
	keel_enc_kv_int(e, "discount_bp", v->discount_bp);
}

static void
enc_rates(struct keel_enc *e, const struct keel_obj *o, enum billing_tier t)
{
	struct billing_rates r;

	billing_default_rates(t, &r);
	r.remote = int_field(o, "remote", r.remote);
	r.onsite = int_field(o, "onsite", r.onsite);
	r.emergency = int_field(o, "emergency", r.emergency);
	r.travel_bp = (int)int_field(o, "travel_bp", r.travel_bp);
	keel_enc_map(e, 4);
	keel_enc_kv_int(e, "remote", r.remote);
	keel_enc_kv_int(e, "onsite", r.onsite);
	keel_enc_kv_int(e, "emergency", r.emergency);
	keel_enc_kv_int(e, "travel_bp", r.travel_bp);
}

void
billing_contract_create(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	const struct keel_obj *q = keel_obj_get(b, "quote");
	static __thread struct billing_version v;
	struct keel_error err;
	struct keel_enc *e;
	char cur[4] = "EUR", qcur[4] = "", tz[65] = "";
	const struct keel_tz *zone;
	int64_t term;
	int32_t offset = 0;

	keel_obj_strcpy(keel_obj_get(b, "currency"), cur, sizeof(cur));
	keel_obj_strcpy(keel_obj_get(q, "currency"), qcur, sizeof(qcur));
	if (!keel_money_currency_valid(cur)) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.currency",
		              "body.currency: '%s' is not a currency code "
		              "(three capitals, e.g. EUR)",
		              cur);
		return;
	}
	if (q && keel_obj_get(b, "currency") && strcmp(cur, qcur) != 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.currency",
		              "body.currency: %s, but the quote is in %s", cur,
		              qcur);
		return;
	}
	if (q)
		memcpy(cur, qcur, sizeof(cur));
	if (keel_obj_strcpy(keel_obj_get(b, "timezone"), tz, sizeof(tz)) &&
	    keel_tz_get(tz, &zone) < 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.timezone",
		              "body.timezone: '%s' is not a time zone", tz);
		return;
	}
	term = int_field(b, "term", int_field(q, "term", 0));
	if (term < 12) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.term",
		              "body.term: required, in months, at least 12");
		return;
	}
	if (billing_price(b, &v, &err) < 0) {
		keel_req_fail_err(req, &err);
		return;
	}
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 23 + !!q);
	kv_field(e, b, "id", "");
	kv_field(e, b, "customer", "");
	keel_enc_kv_str(e, "currency", cur);
	keel_enc_kv_int(e, "term", term);
	keel_enc_kv_int(e, "setup_fee",
	                int_field(b, "setup_fee",
	                          int_field(q, "setup_fee", 100000)));
	keel_enc_kv_int(e, "payment_days", int_field(b, "payment_days", 30));
	kv_field(e, b, "sla", "");
	keel_enc_kv_int(e, "cancel_fee", int_field(b, "cancel_fee", 0));
	keel_enc_kv_int(e, "ld_months", int_field(b, "ld_months", 2));
	keel_enc_kv_str(e, "timezone", tz);
	keel_enc_kv_int(e, "today", billing_today(tz, &offset));
	keel_enc_kv_int(e, "offset_s", offset);
	enc_version(e, &v);
	keel_enc_str(e, "rates");
	enc_rates(e, keel_obj_get(b, "rates"), v.tier);
	keel_enc_kv_int(e, "credit", 120000);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	keel_enc_kv_str(e, "reason", "");
	if (q) {
		keel_enc_str(e, "quote");
		keel_enc_obj(e, q);
	}
	write_map(req, "billing_contract_create", e);
	keel_enc_free(e);
}

void
billing_contract_amend(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	static __thread struct billing_version v;
	struct keel_error err;
	struct keel_enc *e;
	int64_t day;

	if (!billing_day_field(req, "date", true, &day))
		return;
	if (billing_price(b, &v, &err) < 0) {
		keel_req_fail_err(req, &err);
		return;
	}
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 10);
	kv_field(e, b, "id", "");
	keel_enc_kv_int(e, "day", day);
	kv_field(e, b, "reason", "");
	enc_version(e, &v);
	write_map(req, "billing_contract_amend", e);
	keel_enc_free(e);
}

/* activate and cancel: id, day and one more string field. */
static void
dated_step(struct keel_req *req, const char *fn, const char *field)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e;
	int64_t day;

	if (!billing_day_field(req, "date", true, &day))
		return;
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 3);
	kv_field(e, b, "id", "");
	keel_enc_kv_int(e, "day", day);
	kv_field(e, b, field, "");
	write_map(req, fn, e);
	keel_enc_free(e);
}

void
billing_contract_activate(struct keel_req *req)
{
	dated_step(req, "billing_contract_activate", "by");
}

void
billing_contract_cancel(struct keel_req *req)
{
	dated_step(req, "billing_contract_cancel", "reason");
}

/* A read's reply: a packed map, or '' when the contract is unknown. */
static void
packed_reply(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	const struct keel_obj *b = keel_req_body(req);
	const char *f = keel_obj_get(b, "contract") ? "contract" : "id";
	char id[40] = "";

	if (keel_req_reply_packed(req, r, err))
		return;
	keel_obj_strcpy(keel_obj_get(b, f), id, sizeof(id));
	keel_req_fail(req, KEEL_E_NOT_FOUND,
	              f[0] == 'c' ? "body.contract" : "body.id",
	              "contract %s not found", id);
}

void
billing_contract_get(struct keel_req *req)
{
	keel_req_read(req, "billing_contract_get", 0, NULL, NULL, 0,
	              packed_reply);
}

void
billing_contract_list(struct keel_req *req)
{
	keel_req_read(req, "billing_contract_list", 0, NULL, NULL, 0,
	              packed_reply);
}

void
billing_payment_record(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e;
	int64_t day;

	if (!billing_day_field(req, "date", true, &day))
		return;
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_body_plus(e, b, 1);
	keel_enc_kv_int(e, "day", day);
	write_map(req, "billing_payment_record", e);
	keel_enc_free(e);
}

void
billing_hours_balance(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e;
	const void *p;
	size_t len;
	int64_t at = 0;

	if (!billing_day_field(req, "at", false, &at))
		return;
	if (!keel_obj_get(b, "at")) {
		keel_req_read(req, "billing_hours_balance", 0, NULL, NULL, 0,
		              packed_reply);
		return;
	}
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 2);
	kv_field(e, b, "contract", "");
	keel_enc_kv_int(e, "at", at);
	p = keel_enc_data(e, &len);
	keel_req_read(req, "billing_hours_balance", 0, NULL, p, len,
	              packed_reply);
	keel_enc_free(e);
}

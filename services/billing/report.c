/*
 * keel-billing's monthly customer report (DOMAIN.md section 6) as a
 * request and on the tick.  The figures come from billing's own read
 * model (lua/reports.lua); this file works out a month's bounds in the
 * customer's time zone, which Lua cannot, and hands the figures to
 * report_html.c for the page.
 *
 * report.monthly is two reads: the customer's zone, then the figures of
 * the month in it.  The tick announces each ended month once per
 * customer with an active contract (report.ready, which keel-notify sends
 * to the customer contact).
 */
#include "billing.h"
#include "render.h"

#include "codec.h"
#include "daemon.h"
#include "error.h"
#include "ktime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Months announced per customer and tick, so that a customer whose
 * contract began long ago catches up over a few ticks, not one. */
#define REPORT_CATCH_UP 12

int
billing_report_month_parse(const char *s, int *year, int *month)
{
	int y, m;
	char tail;

	if (!s || strlen(s) != 7 || s[4] != '-' ||
	    sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 2000 ||
	    y > 9999 || m < 1 || m > 12)
		return -1;
	*year = y;
	*month = m;
	return 0;
}

void
billing_report_bounds(const struct keel_tz *tz, int year, int month,
                      struct billing_month *ret)
{
	int ny = month == 12 ? year + 1 : year, nm = month == 12 ? 1 : month + 1;
	int64_t first = keel_time_days_from_civil(year, month, 1);
	int64_t next = keel_time_days_from_civil(ny, nm, 1);

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->name, sizeof(ret->name), "%04d-%02d", year, month);
	ret->first_day = first;
	ret->last_day = next - 1;
	ret->from_ms = tz ? keel_tz_to_utc(tz, first, 0) : first * 86400000;
	ret->to_ms = tz ? keel_tz_to_utc(tz, next, 0) : next * 86400000;
	for (int64_t d = first; d < next && ret->nweeks < 5; d += 7)
		ret->weeks[ret->nweeks++] =
		    tz ? keel_tz_to_utc(tz, d, 0) : d * 86400000;
}

/* The figures request of lua/reports.lua: customer, month, from, to,
 * first_day, last_day, weeks, now. */
static void
enc_month(struct keel_enc *e, const char *customer,
          const struct billing_month *m, int64_t now, bool with_now)
{
	keel_enc_map(e, 7 + with_now);
	keel_enc_kv_str(e, "customer", customer);
	keel_enc_kv_str(e, "month", m->name);
	keel_enc_kv_int(e, "from", m->from_ms);
	keel_enc_kv_int(e, "to", m->to_ms);
	keel_enc_kv_int(e, "first_day", m->first_day);
	keel_enc_kv_int(e, "last_day", m->last_day);
	keel_enc_str(e, "weeks");
	keel_enc_array(e, (uint32_t)m->nweeks);
	for (int i = 0; i < m->nweeks; i++)
		keel_enc_int(e, m->weeks[i]);
	if (with_now)
		keel_enc_kv_int(e, "now", now);
}

/* --- report.monthly --- */

static void
figures(struct keel_req *req, const struct keel_reply *r,
        const struct keel_error *err)
{
	const struct keel_obj *b = keel_req_body(req);
	bool html = keel_obj_streq(keel_obj_get(b, "format"), "html");
	struct keel_enc *out = keel_req_reply(req);
	struct keel_mp_doc *doc = NULL;
	struct keel_error e;
	const char *p;
	char *page = NULL;
	size_t len = 0, plen = 0;
	int rc;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_error(r, "report.monthly", &e)) {
		keel_req_fail_err(req, &e);
		return;
	}
	p = keel_reply_str(r, &len);
	if (!p || len == 0) {
		keel_req_customer_unknown(req);
		return;
	}
	if (keel_mp_decode(p, len, &doc) < 0) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL,
		              "the report's figures could not be read");
		return;
	}
	if (html) {
		rc = billing_report_html(keel_mp_doc_root(doc), &page, &plen);
		if (rc < 0) {
			keel_mp_doc_free(doc);
			keel_req_fail(req, KEEL_E_INTERNAL, NULL,
			              "the report could not be drawn (%d)", rc);
			return;
		}
	}
	keel_enc_map(out, 3 + html);
	keel_enc_kv_copy(out, b, "customer");
	keel_enc_kv_copy(out, b, "month");
	keel_enc_str(out, "figures");
	keel_enc_obj(out, keel_mp_doc_root(doc));
	if (html) {
		keel_enc_str(out, "html");
		keel_enc_bin(out, page, plen);
	}
	free(page);
	keel_mp_doc_free(doc);
	keel_req_ok(req);
}

static void
zone(struct keel_req *req, const struct keel_reply *r,
     const struct keel_error *err)
{
	const struct keel_obj *b = keel_req_body(req);
	const struct keel_tz *tz = NULL;
	struct billing_month m;
	struct keel_enc *e;
	char customer[33] = "", month[8] = "", name[65] = "";
	const char *p;
	const void *arg;
	size_t len = 0, alen;
	int y, mo;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	p = keel_reply_str(r, &len);
	if (keel_reply_type(r) == KEEL_R_ERROR || !p) {
		keel_req_fail(req, KEEL_E_UNAVAILABLE, NULL,
		              "Redis: %.*s", (int)len, p ? p : "");
		return;
	}
	if (len == 0) {
		keel_req_customer_unknown(req);
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)len, p);
	if (keel_tz_get(name, &tz) < 0)
		tz = NULL; /* a zone this host lacks: UTC, said in the figures */
	keel_obj_strcpy(keel_obj_get(b, "customer"), customer, sizeof(customer));
	keel_obj_strcpy(keel_obj_get(b, "month"), month, sizeof(month));
	/* checked before the read (on_report_monthly); a release build
	 * cannot see that */
	if (billing_report_month_parse(month, &y, &mo) < 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.month",
		              "body.month: '%s' is not YYYY-MM", month);
		return;
	}
	billing_report_bounds(tz, y, mo, &m);
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	enc_month(e, customer, &m, keel_time_now_ms(), true);
	arg = keel_enc_data(e, &alen);
	keel_req_read(req, "billing_report", 0, NULL, arg, alen, figures);
	keel_enc_free(e);
}

void
billing_report_monthly(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char customer[33] = "", month[16] = "";
	struct keel_enc *e;
	const void *arg;
	size_t len;
	int y, m;

	keel_obj_strcpy(keel_obj_get(b, "month"), month, sizeof(month));
	if (billing_report_month_parse(month, &y, &m) < 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.month",
		              "month %s is not a month: YYYY-MM, 01 to 12",
		              month);
		return;
	}
	keel_obj_strcpy(keel_obj_get(b, "customer"), customer, sizeof(customer));
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 1);
	keel_enc_kv_str(e, "customer", customer);
	arg = keel_enc_data(e, &len);
	keel_req_read(req, "billing_report_zone", 0, NULL, arg, len, zone);
	keel_enc_free(e);
}

/* --- the tick: report.ready for each month that has ended --- */

/* The months due of one customer of billing_reports_due' list, appended
 * to e as figures requests; how many. */
static int
due_months(struct keel_enc *e, const struct keel_obj *c)
{
	const struct keel_tz *tz = NULL;
	struct keel_localtime lt;
	char customer[33] = "", name[65] = "", last[8] = "";
	int64_t start = 0, now = keel_time_now_ms();
	int y, m, sy, sm, sd, n = 0;

	keel_obj_strcpy(keel_obj_get(c, "customer"), customer, sizeof(customer));
	keel_obj_strcpy(keel_obj_get(c, "timezone"), name, sizeof(name));
	keel_obj_strcpy(keel_obj_get(c, "last"), last, sizeof(last));
	keel_obj_int(keel_obj_get(c, "start"), &start);
	if (!*customer || start <= 0)
		return 0;
	if (keel_tz_get(name, &tz) < 0)
		tz = NULL;
	if (billing_report_month_parse(last, &y, &m) == 0) {
		if (++m > 12)
			m = 1, y++;
	} else {
		keel_time_civil_from_days(start, &sy, &sm, &sd);
		y = sy, m = sm;
	}
	if (tz)
		keel_tz_local(tz, now, &lt);
	else
		lt.days = now / 86400000;
	keel_time_civil_from_days(lt.days, &sy, &sm, &sd);
	/* every month before the current one, oldest first */
	while ((y < sy || (y == sy && m < sm)) && n < REPORT_CATCH_UP) {
		struct billing_month mo;

		billing_report_bounds(tz, y, m, &mo);
		enc_month(e, customer, &mo, 0, false);
		n++;
		if (++m > 12)
			m = 1, y++;
	}
	return n;
}

int
billing_report_tick(struct keel_daemon *d)
{
	struct keel_mp_doc *doc = NULL;
	const struct keel_obj *list;
	struct keel_enc *items = NULL, *e = NULL;
	const void *p;
	size_t len, n;
	char *due = billing_fetch(d, "billing_reports_due", &len);
	int total = 0;
	long long sent = 0;

	if (!due || keel_mp_decode(due, len, &doc) < 0) {
		free(due);
		return 0;
	}
	list = keel_mp_doc_root(doc);
	n = keel_obj_len(list);
	if ((items = keel_enc_new()))
		for (size_t i = 0; i < n; i++)
			total += due_months(items, keel_obj_at(list, i));
	if (total > 0 && (e = keel_enc_new())) {
		p = keel_enc_data(items, &len);
		keel_enc_map(e, 3);
		keel_enc_str(e, "items");
		keel_enc_array(e, (uint32_t)total);
		keel_enc_raw(e, p, len);
		keel_enc_kv_int(e, "now", keel_time_now_ms());
		keel_daemon_kv_head(d, e);
		if (!keel_enc_error(e) && !keel_enc_error(items))
			sent = keel_daemon_fire(d, "billing_report_run", e, 1);
		keel_enc_free(e);
	}
	keel_enc_free(items);
	keel_mp_doc_free(doc);
	free(due);
	return sent > 0 ? (int)sent : 0;
}

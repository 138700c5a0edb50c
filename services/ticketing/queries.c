/*
 * keel-ticketing queries: ticket.get, ticket.list (by priority then due
 * time, filtered, cursor-paged), ticket.search (closed tickets by words:
 * the knowledge base) and ticket.summary (a customer's month).  Each is
 * one script: one round trip, a consistent view.
 */
#include "ticketing.h"

#include "codec.h"
#include "error.h"
#include "ktime.h"
#include "fields.h"
#include "msg.h"
#include "store.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ticket.get answers its declared reply: the hash's fields, then the
 * requests, time entries and history. */
static const struct keel_field *
get_decl(void)
{
	static const struct keel_field *fields;

	if (!fields)
		fields = keel_msg_find("ticket.get")->reply;
	return fields;
}

static bool
is_array(const struct keel_reply *r)
{
	return r && keel_reply_type(r) == KEEL_R_ARRAY;
}

/* A list of msgpack maps (time entries, history) as an array. */
static void
enc_packed(struct keel_enc *e, const char *name, const struct keel_reply *l)
{
	size_t n = keel_reply_len(l), good = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *p = keel_reply_str_at(l, i, &len);

		good += len > 0 && keel_mp_check(p, len, 4, NULL) == 0;
	}
	keel_enc_str(e, name);
	keel_enc_array(e, (uint32_t)good);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *p = keel_reply_str_at(l, i, &len);

		if (len > 0 && keel_mp_check(p, len, 4, NULL) == 0)
			keel_enc_raw(e, p, len);
	}
}

static void
get_reply(struct keel_req *req, const struct keel_reply *r,
          const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const struct keel_reply *vals, *reqs;
	char id[33];

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!is_array(r) || keel_reply_len(r) != 4) {
		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "ticket %s not found", id);
		return;
	}
	vals = keel_reply_at(r, 0);
	reqs = keel_reply_at(r, 1);
	keel_enc_map(e, (uint32_t)keel_reply_len(vals) + 3);
	keel_fields_encode(e, get_decl(), vals);
	keel_enc_str(e, "requests");
	keel_enc_array(e, (uint32_t)keel_reply_len(reqs));
	for (size_t i = 0; i < keel_reply_len(reqs); i++) {
		size_t len;
		const char *v = keel_reply_str_at(reqs, i, &len);

		keel_enc_strn(e, v, len);
	}
	enc_packed(e, "time", keel_reply_at(r, 2));
	enc_packed(e, "history", keel_reply_at(r, 3));
	keel_req_ok(req);
}

void
ticketing_ticket_get(struct keel_req *req)
{
	struct keel_enc *e = keel_enc_new();
	char id[33], key[80];
	const char *names[64];
	const void *p;
	size_t len, n;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	snprintf(key, sizeof(key), "keel:{ticketing}:ticket:%s", id);
	n = keel_fields_scalars(get_decl(), names, 64);
	keel_enc_map(e, 2);
	keel_enc_kv_str(e, "id", id);
	keel_enc_str(e, "fields");
	keel_enc_array(e, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		keel_enc_str(e, names[i]);
	p = keel_enc_data(e, &len);
	keel_req_read(req, "ticketing_ticket_get", 1, (const char *[]){key}, p,
	              len, get_reply);
	keel_enc_free(e);
}

/* Rows of columns as an array of maps with the given names; the columns
 * in the bit mask intcols hold integers, the others strings. */
static void
enc_rows(struct keel_enc *e, const struct keel_reply *rows,
         const char *const *names, size_t ncols, unsigned intcols)
{
	keel_enc_array(e, (uint32_t)keel_reply_len(rows));
	for (size_t i = 0; i < keel_reply_len(rows); i++) {
		const struct keel_reply *row = keel_reply_at(rows, i);

		keel_enc_map(e, (uint32_t)ncols);
		for (size_t k = 0; k < ncols; k++) {
			size_t len;
			const char *v = keel_reply_str_at(row, k, &len);

			keel_enc_str(e, names[k]);
			if (intcols & (1u << k))
				keel_enc_int(e, strtoll(v, NULL, 10));
			else
				keel_enc_strn(e, v, len);
		}
	}
}

static void
list_reply(struct keel_req *req, const struct keel_reply *r,
           const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const struct keel_reply *rows;
	static const char *const names[] = {"id",      "customer", "priority",
	                                    "status",  "assignee", "due_ms",
	                                    "symptoms", "paused_since_ms"};

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!is_array(r) || keel_reply_len(r) != 2) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "listing tickets: %s",
		              keel_reply_str_at(r, 0, NULL));
		return;
	}
	rows = keel_reply_at(r, 1);
	keel_enc_map(e, 2);
	keel_enc_str(e, "tickets");
	enc_rows(e, rows, names, 8, 1u << 5 | 1u << 7);
	keel_enc_kv_str(e, "next", keel_reply_str_at(r, 0, NULL));
	keel_req_ok(req);
}

/* A cursor from ticket.list is "<score>:<id>": the score a plain decimal
 * number (what Redis's ZRANGE takes), the id not empty. */
static bool
cursor_ok(const char *after)
{
	int digits = 0, dots = 0;
	const char *p = after;

	for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
		if (*p == '.')
			dots++;
		else
			digits++;
	}
	return digits > 0 && dots <= 1 && *p == ':' && p[1] != '\0';
}

void
ticketing_ticket_list(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char status[32] = "", prio[16] = "", cust[KEEL_LEN_TICKET_LIST_CUSTOMER] = "",
	     assignee[KEEL_LEN_TICKET_LIST_ASSIGNEE] = "",
	     after[KEEL_LEN_TICKET_LIST_AFTER] = "";
	int64_t lim = 50, before = 0;
	struct keel_enc *e;
	const void *p;
	size_t len;

	keel_obj_strcpy(keel_obj_get(b, "status"), status, sizeof(status));
	keel_obj_strcpy(keel_obj_get(b, "priority"), prio, sizeof(prio));
	keel_obj_strcpy(keel_obj_get(b, "customer"), cust, sizeof(cust));
	keel_obj_strcpy(keel_obj_get(b, "assignee"), assignee,
	                sizeof(assignee));
	keel_obj_strcpy(keel_obj_get(b, "after"), after, sizeof(after));
	keel_obj_int(keel_obj_get(b, "limit"), &lim);
	keel_obj_int(keel_obj_get(b, "due_before"), &before);
	if (after[0] && !cursor_ok(after)) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.after",
		              "body.after: not a cursor from ticket.list");
		return;
	}
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 7);
	keel_enc_kv_str(e, "after", after);
	keel_enc_kv_int(e, "limit", lim);
	keel_enc_kv_str(e, "status", status);
	keel_enc_kv_str(e, "priority", prio);
	keel_enc_kv_str(e, "customer", cust);
	keel_enc_kv_str(e, "assignee", assignee);
	keel_enc_kv_int(e, "due_before", before);
	p = keel_enc_data(e, &len);
	keel_req_read(req, "ticketing_ticket_list", 1,
	              (const char *[]){strcmp(status, "closed") == 0
	                                   ? "keel:{ticketing}:closed"
	                                   : "keel:{ticketing}:queue"},
	              p, len, list_reply);
	keel_enc_free(e);
}

static void
search_reply(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	static const char *const names[] = {"id",         "customer",
	                                    "priority",   "symptoms",
	                                    "resolution", "closed_ms"};

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!is_array(r)) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "searching: %s",
		              keel_reply_str_at(r, 0, NULL));
		return;
	}
	keel_enc_map(e, 1);
	keel_enc_str(e, "tickets");
	enc_rows(e, r, names, 6, 1u << 5);
	keel_req_ok(req);
}

void
ticketing_ticket_search(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char text[KEEL_LEN_TICKET_SEARCH_WORDS], words[16][41];
	int64_t lim = 20;
	int n = 0;
	char *p;
	struct keel_enc *e;
	const void *a;
	size_t alen;

	keel_obj_strcpy(keel_obj_get(b, "words"), text, sizeof(text));
	keel_obj_int(keel_obj_get(b, "limit"), &lim);
	/* The words as closing indexed them: runs of letters and digits,
	 * lower case, 2 to 40 long. */
	for (p = text; *p && n < 16;) {
		size_t len = 0;

		while (*p && !isalnum((unsigned char)*p))
			p++;
		while (isalnum((unsigned char)p[len]))
			len++;
		if (len >= 2 && len <= 40) {
			for (size_t i = 0; i < len; i++)
				words[n][i] =
				    (char)tolower((unsigned char)p[i]);
			words[n][len] = '\0';
			n++;
		}
		p += len;
	}
	if (n == 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.words",
		              "body.words: no word of 2 to 40 letters or "
		              "digits");
		return;
	}
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 2);
	keel_enc_kv_int(e, "limit", lim);
	keel_enc_str(e, "words");
	keel_enc_array(e, (uint32_t)n);
	for (int i = 0; i < n; i++)
		keel_enc_str(e, words[i]);
	a = keel_enc_data(e, &alen);
	keel_req_read(req, "ticketing_ticket_search", 1,
	              (const char *[]){"keel:{ticketing}:closed"}, a, alen,
	              search_reply);
	keel_enc_free(e);
}

static void
summary_reply(struct keel_req *req, const struct keel_reply *r,
              const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const struct keel_obj *b = keel_req_body(req);
	char cust[33], month[8];

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!is_array(r) || keel_reply_len(r) != 11) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "summing up: %s",
		              keel_reply_str_at(r, 0, NULL));
		return;
	}
	keel_obj_strcpy(keel_obj_get(b, "customer"), cust, sizeof(cust));
	keel_obj_strcpy(keel_obj_get(b, "month"), month, sizeof(month));
	keel_enc_map(e, 10);
	keel_enc_kv_str(e, "customer", cust);
	keel_enc_kv_str(e, "month", month);
	keel_enc_kv_int(e, "tickets", keel_reply_int(keel_reply_at(r, 0)));
	keel_enc_str(e, "by_priority");
	keel_enc_map(e, 4);
	for (int i = 0; i < 4; i++)
		keel_enc_kv_int(e, ticketing_priority_names[i],
		                keel_reply_int(keel_reply_at(r, 1 + i)));
	keel_enc_kv_int(e, "response_met", keel_reply_int(keel_reply_at(r, 5)));
	keel_enc_kv_int(e, "response_total",
	                keel_reply_int(keel_reply_at(r, 6)));
	keel_enc_kv_int(e, "resolution_met",
	                keel_reply_int(keel_reply_at(r, 7)));
	keel_enc_kv_int(e, "resolution_total",
	                keel_reply_int(keel_reply_at(r, 8)));
	keel_enc_kv_int(e, "covered_minutes",
	                keel_reply_int(keel_reply_at(r, 9)));
	keel_enc_kv_int(e, "billable_minutes",
	                keel_reply_int(keel_reply_at(r, 10)));
	keel_req_ok(req);
}

/* The customer's zone is known: the month's bounds in it. */
static void
summary_zone(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	const struct keel_obj *b = keel_req_body(req);
	char cust[33], month[8], key[80];
	int64_t from, to;
	struct keel_enc *e;
	const void *p;
	size_t len;
	const struct keel_tz *tz = NULL;
	const char *name;
	int y, m;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	keel_obj_strcpy(keel_obj_get(b, "customer"), cust, sizeof(cust));
	keel_obj_strcpy(keel_obj_get(b, "month"), month, sizeof(month));
	name = keel_reply_str(r, NULL);
	if (!name) {
		keel_req_catch_up(req, "intake", keel_req_customer_unknown);
		return;
	}
	if (keel_tz_get(name, &tz) < 0 && keel_tz_get("UTC", &tz) < 0) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "no zone %s", name);
		return;
	}
	sscanf(month, "%4d-%2d", &y, &m);
	from = keel_tz_to_utc(tz, keel_time_days_from_civil(y, m, 1), 0);
	to = keel_tz_to_utc(tz,
	                    keel_time_days_from_civil(m == 12 ? y + 1 : y,
	                                              m == 12 ? 1 : m + 1, 1),
	                    0);
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 3);
	keel_enc_kv_int(e, "from", from);
	keel_enc_kv_int(e, "to", to);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	p = keel_enc_data(e, &len);
	snprintf(key, sizeof(key), "keel:{ticketing}:by-customer:%s", cust);
	keel_req_read(req, "ticketing_ticket_summary", 1, (const char *[]){key},
	              p, len, summary_reply);
	keel_enc_free(e);
}

void
ticketing_ticket_summary(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char cust[33], month[8], key[80];
	int y = 0, m = 0;
	char tail;

	keel_obj_strcpy(keel_obj_get(b, "customer"), cust, sizeof(cust));
	keel_obj_strcpy(keel_obj_get(b, "month"), month, sizeof(month));
	if (sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || month[4] != '-' ||
	    y < 1970 || m < 1 || m > 12) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.month",
		              "body.month: '%s' is not a month like 2026-11",
		              month);
		return;
	}
	snprintf(key, sizeof(key), "keel:{ticketing}:customer:%s", cust);
	keel_req_redis(req, 3, (const char *[]){"HGET", key, "timezone"}, NULL,
	               summary_zone);
}

/*
 * keel-billing's inputs from other daemons, each applied once through
 * billing's consumer groups (consumer.h): keel-intake's customers (name
 * and time zone), keel-scheduling's engagement.completed (an invoice),
 * keel-ticketing's ticket.time_logged (the hour bank), and what the
 * monthly report keeps of its own: keel-intake's monitoring alerts,
 * keel-ticketing's tickets and keel-change's RFCs.  The effects are in
 * lua/invoices.lua, lua/hours.lua and lua/reports.lua.
 */
#include "billing.h"

#include "codec.h"
#include "envelope.h"
#include "ktime.h"

#include <string.h>

/* Hands the map in e to fn; frees e. */
static enum keel_event_verdict
apply(struct keel_effect *eff, const char *fn, struct keel_enc *e)
{
	enum keel_event_verdict v = keel_effect_request(eff, fn, e);

	keel_enc_free(e);
	return v;
}

static enum keel_event_verdict
on_customer(const struct keel_env *ev, struct keel_effect *eff)
{
	struct keel_enc *e = keel_enc_new();

	if (!e)
		return KEEL_EVENT_RETRY;
	keel_enc_map(e, 3);
	keel_enc_kv_copy(e, ev->body, "name");
	if (!keel_enc_kv_copy(e, ev->body, "id") ||
	    !keel_enc_kv_copy(e, ev->body, "timezone")) {
		keel_enc_free(e);
		return keel_event_poison(eff, "%s: id or timezone is missing",
		                         ev->type);
	}
	return apply(eff, "billing_on_customer", e);
}

static enum keel_event_verdict
on_completed(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	struct keel_enc *e = keel_enc_new();
	char date[16] = "";
	int64_t units = 0, total = 0, day;

	if (!e)
		return KEEL_EVENT_RETRY;
	keel_obj_strcpy(keel_obj_get(b, "date"), date, sizeof(date));
	if (!keel_time_date(date, strlen(date), &day))
		day = ev->ts / 86400000;
	if (!keel_obj_int(keel_obj_get(b, "total"), &total) ||
	    !keel_obj_int(keel_obj_get(b, "units"), &units)) {
		keel_enc_free(e);
		return keel_event_poison(eff, "%s: units or total is missing",
		                         ev->type);
	}
	keel_enc_map(e, 8);
	keel_enc_kv_copy(e, b, "signed_by");
	if (!keel_enc_kv_copy(e, b, "engagement") ||
	    !keel_enc_kv_copy(e, b, "customer") ||
	    !keel_enc_kv_copy(e, b, "currency")) {
		keel_enc_free(e);
		return keel_event_poison(eff,
		                         "%s: engagement, customer or currency is "
		                         "missing",
		                         ev->type);
	}
	keel_enc_kv_int(e, "units", units);
	keel_enc_kv_int(e, "total", total);
	keel_enc_kv_int(e, "day", day);
	keel_enc_kv_int(e, "payment_days", 30);
	return apply(eff, "billing_on_engagement", e);
}

static enum keel_event_verdict
on_time(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	struct keel_enc *e = keel_enc_new();
	int64_t minutes = 0, entry = 0;
	bool covered = false;
	char work[16] = "remote";

	if (!e)
		return KEEL_EVENT_RETRY;
	if (!keel_obj_int(keel_obj_get(b, "minutes"), &minutes) ||
	    !keel_obj_bool(keel_obj_get(b, "covered"), &covered)) {
		keel_enc_free(e);
		return keel_event_poison(eff, "%s: minutes or covered is missing",
		                         ev->type);
	}
	keel_obj_int(keel_obj_get(b, "entry"), &entry);
	keel_obj_strcpy(keel_obj_get(b, "work"), work, sizeof(work));
	keel_enc_map(e, 7);
	if (!keel_enc_kv_copy(e, b, "customer")) {
		keel_enc_free(e);
		return keel_event_poison(eff, "%s: customer is missing",
		                         ev->type);
	}
	keel_enc_str(e, "ticket");
	{
		const char *s = "";
		size_t n = 0;

		keel_obj_str(keel_obj_get(b, "id"), &s, &n);
		keel_enc_strn(e, s, n);
	}
	keel_enc_kv_int(e, "entry", entry);
	keel_enc_kv_int(e, "minutes", minutes);
	keel_enc_kv_bool(e, "covered", covered);
	keel_enc_kv_str(e, "work", work);
	keel_enc_kv_int(e, "ts_ms", ev->ts);
	return apply(eff, "billing_on_time", e);
}

/* The report's read model: the event as it came (lua/reports.lua picks
 * what it keeps). */
static enum keel_event_verdict
on_report(const struct keel_env *ev, struct keel_effect *eff)
{
	struct keel_enc *e = keel_enc_new(), *b = keel_enc_new();
	const void *p;
	size_t len;

	if (!e || !b) {
		keel_enc_free(e);
		keel_enc_free(b);
		return KEEL_EVENT_RETRY;
	}
	keel_enc_obj(b, ev->body);
	p = keel_enc_data(b, &len);
	keel_enc_map(e, 3);
	keel_enc_kv_str(e, "type", ev->type);
	keel_enc_kv_int(e, "ts", ev->ts);
	keel_enc_str(e, "body");
	keel_enc_strn(e, p, len);
	keel_enc_free(b);
	return apply(eff, "billing_on_report", e);
}

static const struct keel_route intake_routes[] = {
    {.prefix = "customer.created", .fn = on_customer},
    {.prefix = "customer.updated", .fn = on_customer},
    {.prefix = "request.received", .fn = on_report},
    {.prefix = NULL},
};

static const struct keel_route scheduling_routes[] = {
    {.prefix = "engagement.completed", .fn = on_completed},
    {.prefix = NULL},
};

static const struct keel_route ticketing_routes[] = {
    {.prefix = "ticket.time_logged", .fn = on_time},
    {.prefix = "ticket.", .fn = on_report},
    {.prefix = NULL},
};

static const struct keel_route change_routes[] = {
    {.prefix = "rfc.", .fn = on_report},
    {.prefix = NULL},
};

const struct keel_subscription billing_subscriptions[] = {
    {.source = "intake", .routes = intake_routes},
    {.source = "scheduling", .routes = scheduling_routes},
    {.source = "ticketing", .routes = ticketing_routes},
    {.source = "change", .routes = change_routes},
    {.source = NULL},
};

/*
 * keel-change's inputs from other daemons, each applied once through its
 * consumer groups: keel-ticketing's ticket.rfc_requested (one RFC per
 * ticket) and keel-intake's customers and calendars (a copy: time zones
 * and business days).  The effects are in lua/rfcs.lua and
 * lua/customers.lua.
 */
#include "change.h"

#include "codec.h"
#include "envelope.h"

#include <string.h>

/* Hands the map in e to fn (frees e); poisons the event when a required
 * member was missing (ok false). */
static enum keel_event_verdict
apply(const struct keel_env *ev, struct keel_effect *eff, const char *fn,
      struct keel_enc *e, bool ok)
{
	enum keel_event_verdict v =
	    ok ? keel_effect_request(eff, fn, e)
	       : keel_event_poison(eff, "%s: a required field is missing",
	                           ev->type);

	keel_enc_free(e);
	return v;
}

static enum keel_event_verdict
on_rfc_requested(const struct keel_env *ev, struct keel_effect *eff)
{
	struct keel_enc *e = keel_enc_new();
	const char *s = "";
	size_t n = 0;
	bool ok;

	if (!e)
		return KEEL_EVENT_RETRY;
	keel_enc_map(e, 5);
	ok = keel_obj_str(keel_obj_get(ev->body, "id"), &s, &n) && n > 0;
	keel_enc_str(e, "ticket");
	keel_enc_strn(e, s, n);
	ok = keel_enc_kv_copy(e, ev->body, "customer") && ok;
	keel_enc_kv_copy(e, ev->body, "reason");
	keel_enc_kv_copy(e, ev->body, "priority");
	keel_enc_kv_int(e, "now", ev->ts);
	return apply(ev, eff, "change_on_ticket", e, ok);
}

static enum keel_event_verdict
on_customer(const struct keel_env *ev, struct keel_effect *eff)
{
	struct keel_enc *e = keel_enc_new();
	int64_t v = 0;
	bool ok;

	if (!e)
		return KEEL_EVENT_RETRY;
	keel_enc_map(e, 4);
	ok = keel_enc_kv_copy(e, ev->body, "id");
	keel_enc_kv_copy(e, ev->body, "name");
	ok = keel_enc_kv_copy(e, ev->body, "timezone") && ok;
	ok = keel_obj_int(keel_obj_get(ev->body, "version"), &v) && ok;
	keel_enc_kv_int(e, "version", v);
	return apply(ev, eff, "change_on_customer", e, ok);
}

/* calendar.*: hours and holidays kept as msgpack, as keel-ticketing's
 * copy keeps them. */
static enum keel_event_verdict
on_calendar(const struct keel_env *ev, struct keel_effect *eff)
{
	struct keel_enc *e = keel_enc_new(), *part = keel_enc_new();
	const struct keel_obj *hols = keel_obj_get(ev->body, "holidays");
	int64_t v = 0;
	const void *p;
	size_t len;
	bool ok;

	if (!e || !part) {
		keel_enc_free(e);
		keel_enc_free(part);
		return KEEL_EVENT_RETRY;
	}
	keel_enc_map(e, 5);
	ok = keel_enc_kv_copy(e, ev->body, "customer");
	ok = keel_enc_kv_copy(e, ev->body, "timezone") && ok;
	ok = keel_obj_int(keel_obj_get(ev->body, "version"), &v) && ok;
	keel_enc_kv_int(e, "version", v);
	keel_enc_obj(part, keel_obj_get(ev->body, "hours"));
	p = keel_enc_data(part, &len);
	keel_enc_str(e, "hours");
	keel_enc_strn(e, p, len);
	keel_enc_reset(part);
	if (hols)
		keel_enc_obj(part, hols);
	else
		keel_enc_array(part, 0);
	p = keel_enc_data(part, &len);
	keel_enc_str(e, "holidays");
	keel_enc_strn(e, p, len);
	keel_enc_free(part);
	return apply(ev, eff, "change_on_calendar", e, ok);
}

static const struct keel_route ticketing_routes[] = {
    {.prefix = "ticket.rfc_requested", .fn = on_rfc_requested},
    {.prefix = NULL},
};

static const struct keel_route intake_routes[] = {
    {.prefix = "customer.", .fn = on_customer},
    {.prefix = "calendar.", .fn = on_calendar},
    {.prefix = NULL},
};

const struct keel_subscription change_subscriptions[] = {
    {.source = "ticketing", .routes = ticketing_routes},
    {.source = "intake", .routes = intake_routes},
    {.source = NULL},
};

/*
 * keel-ticketing customers: its own copy of intake's customers (name,
 * time zone) and their business calendars, kept from customer.* and
 * calendar.* events, never read from intake's keys (lua/customers.lua).
 */
#include "ticketing.h"

#include "codec.h"
#include "consumer.h"
#include "envelope.h"

#include <string.h>

/* calendar.*: the copy, with hours and holidays kept as msgpack. */
static enum keel_event_verdict
on_calendar_event(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	struct keel_enc *e = keel_enc_new(), *hours = keel_enc_new(),
	                *hols = keel_enc_new();
	enum keel_event_verdict v = KEEL_EVENT_DONE;
	const char *cust, *tz;
	size_t cn, tzn, len;
	int64_t version;
	const void *p;

	if (!e || !hours || !hols) {
		v = KEEL_EVENT_RETRY;
		goto out;
	}
	if (!keel_obj_str(keel_obj_get(b, "customer"), &cust, &cn) ||
	    !keel_obj_str(keel_obj_get(b, "timezone"), &tz, &tzn) ||
	    !keel_obj_int(keel_obj_get(b, "version"), &version)) {
		v = keel_event_poison(
		    eff, "%s: a required field is missing or not readable",
		    ev->type);
		goto out;
	}
	keel_enc_obj(hours, keel_obj_get(b, "hours"));
	if (keel_obj_get(b, "holidays"))
		keel_enc_obj(hols, keel_obj_get(b, "holidays"));
	else
		keel_enc_array(hols, 0);
	eff->fn = "ticketing_on_calendar";
	keel_effect_key(eff, "keel:{ticketing}:calendar:%.*s", (int)cn, cust);
	keel_enc_map(e, 5);
	keel_enc_str(e, "customer");
	keel_enc_strn(e, cust, cn);
	keel_enc_kv_int(e, "version", version);
	keel_enc_str(e, "timezone");
	keel_enc_strn(e, tz, tzn);
	keel_enc_str(e, "hours");
	p = keel_enc_data(hours, &len);
	keel_enc_strn(e, p, len);
	keel_enc_str(e, "holidays");
	p = keel_enc_data(hols, &len);
	keel_enc_strn(e, p, len);
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
out:
	keel_enc_free(e);
	keel_enc_free(hours);
	keel_enc_free(hols);
	return v;
}

static enum keel_event_verdict
on_customer_event(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	const char *id, *name, *tz, *pol;
	size_t idn, namen, tzn, poln, len;
	int64_t version;
	struct keel_enc *e;
	const void *p;

	if (!keel_obj_str(keel_obj_get(b, "id"), &id, &idn) ||
	    !keel_obj_str(keel_obj_get(b, "name"), &name, &namen) ||
	    !keel_obj_str(keel_obj_get(b, "timezone"), &tz, &tzn) ||
	    !keel_obj_int(keel_obj_get(b, "version"), &version))
		return keel_event_poison(
		    eff, "%s: a required field is missing or not readable",
		    ev->type);
	if (!keel_obj_str(keel_obj_get(b, "sla_policy"), &pol, &poln)) {
		pol = "default";
		poln = 7;
	}
	e = keel_enc_new();
	if (!e)
		return KEEL_EVENT_RETRY;
	eff->fn = "ticketing_on_customer";
	keel_effect_key(eff, "keel:{ticketing}:customer:%.*s", (int)idn, id);
	keel_effect_key(eff, "keel:{ticketing}:applied:intake");
	keel_enc_map(e, 5);
	keel_enc_kv_int(e, "version", version);
	keel_enc_str(e, "name");
	keel_enc_strn(e, name, namen);
	keel_enc_str(e, "timezone");
	keel_enc_strn(e, tz, tzn);
	keel_enc_kv_str(e, "seq", ev->seq);
	keel_enc_str(e, "sla_policy");
	keel_enc_strn(e, pol, poln);
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
	keel_enc_free(e);
	return KEEL_EVENT_DONE;
}

static const struct keel_route intake_routes[] = {
    {
        .prefix = "customer.",
        .fn = on_customer_event,
    },
    {
        .prefix = "calendar.",
        .fn = on_calendar_event,
    },
    {
        .prefix = "request.received",
        .fn = ticketing_on_request,
    },
    {.prefix = NULL},
};

static const struct keel_route change_routes[] = {
    {.prefix = "rfc.", .fn = ticketing_on_rfc},
    {.prefix = NULL},
};

const struct keel_subscription ticketing_subscriptions[] = {
    {.source = "intake", .routes = intake_routes},
    {.source = "change", .routes = change_routes},
    {.source = NULL},
};

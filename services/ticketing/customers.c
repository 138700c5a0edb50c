/*
 * keel-ticketing customers: its own copy of intake's customers (name,
 * time zone) and their business calendars, kept from customer.* and
 * calendar.* events, never read from intake's keys.
 */
#include "ticketing.h"

#include "codec.h"
#include "envelope.h"

#include <string.h>

static const struct keel_script *customer_copy_script;
static const struct keel_script *calendar_copy_script;

/* KEYS[2] the copy, KEYS[3] events applied from intake; ARGV[2] version,
 * ARGV[3] name, ARGV[4] timezone, ARGV[5] seq, ARGV[6] SLA policy id.  An older
 * version never overwrites a newer one (events of one customer may be reclaimed
 * out of order). */
static const char customer_copy_lua[] =
    "local cur = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')\n"
    "if tonumber(ARGV[2]) > cur then\n"
    "  redis.call('HSET', KEYS[2], 'version', ARGV[2], 'name', ARGV[3],\n"
    "             'timezone', ARGV[4], 'seq', ARGV[5], 'sla_policy', "
    "ARGV[6])\n"
    "end\n"
    "redis.call('INCR', KEYS[3])\n";

/* KEYS[2] the copy; ARGV[2] version, ARGV[3] timezone, ARGV[4] hours,
 * ARGV[5] holidays (msgpack arrays, as in calendar.updated). */
static const char calendar_copy_lua[] =
    "local cur = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')\n"
    "if tonumber(ARGV[2]) > cur then\n"
    "  redis.call('HSET', KEYS[2], 'version', ARGV[2], 'timezone', ARGV[3],\n"
    "             'hours', ARGV[4], 'holidays', ARGV[5])\n"
    "end\n";

static enum keel_event_verdict
on_calendar_event(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	const char *cust, *tz;
	size_t cn, tzn, len;
	int64_t version;
	struct keel_enc *e = keel_enc_new();
	const void *p;

	if (!e || !keel_obj_str(keel_obj_get(b, "customer"), &cust, &cn) ||
	    !keel_obj_str(keel_obj_get(b, "timezone"), &tz, &tzn) ||
	    !keel_obj_int(keel_obj_get(b, "version"), &version)) {
		keel_enc_free(e);
		return keel_event_poison(
		    eff, "%s: a required field is missing or not readable",
		    ev->type);
	}
	eff->script = calendar_copy_script;
	keel_effect_key(eff, "keel:{ticketing}:calendar:%.*s", (int)cn, cust);
	keel_effect_arg(eff, "%lld", (long long)version);
	keel_effect_argn(eff, tz, tzn);
	keel_enc_obj(e, keel_obj_get(b, "hours"));
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
	keel_enc_reset(e);
	if (keel_obj_get(b, "holidays"))
		keel_enc_obj(e, keel_obj_get(b, "holidays"));
	else
		keel_enc_array(e, 0);
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
	keel_enc_free(e);
	return KEEL_EVENT_DONE;
}

static enum keel_event_verdict
on_customer_event(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	const char *id, *name, *tz;
	size_t idn, namen, tzn;
	int64_t version;

	if (!keel_obj_str(keel_obj_get(b, "id"), &id, &idn) ||
	    !keel_obj_str(keel_obj_get(b, "name"), &name, &namen) ||
	    !keel_obj_str(keel_obj_get(b, "timezone"), &tz, &tzn) ||
	    !keel_obj_int(keel_obj_get(b, "version"), &version))
		return keel_event_poison(
		    eff, "%s: a required field is missing or not readable",
		    ev->type);
	eff->script = customer_copy_script;
	keel_effect_key(eff, "keel:{ticketing}:customer:%.*s", (int)idn, id);
	keel_effect_key(eff, "keel:{ticketing}:applied:intake");
	keel_effect_arg(eff, "%lld", (long long)version);
	keel_effect_argn(eff, name, namen);
	keel_effect_argn(eff, tz, tzn);
	keel_effect_arg(eff, "%s", ev->seq);
	if (keel_obj_str(keel_obj_get(b, "sla_policy"), &name, &namen))
		keel_effect_argn(eff, name, namen);
	else
		keel_effect_arg(eff, "default");
	return KEEL_EVENT_DONE;
}

static const struct keel_route intake_routes[] = {
    {
        .prefix = "customer.",
        .fn = on_customer_event,
        .effect_lua = customer_copy_lua,
        .script = &customer_copy_script,
    },
    {
        .prefix = "calendar.",
        .fn = on_calendar_event,
        .effect_lua = calendar_copy_lua,
        .script = &calendar_copy_script,
    },
    {
        .prefix = "request.received",
        .fn = ticketing_on_request,
        .effect_lua = ticketing_request_effect,
        .script = &ticketing_request_script,
    },
    {.prefix = NULL},
};

const struct keel_subscription ticketing_subscriptions[] = {
    {.source = "intake", .routes = intake_routes},
    {.source = NULL},
};

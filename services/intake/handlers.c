/*
 * keel-intake: the table of requests it answers and their handlers.
 * Customers: customer.put (a write: one script applies the change, appends
 * customer.created/updated to intake's stream and keeps the idempotent
 * outcome) and customer.get.
 */
#include "intake.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static const struct keel_script *customer_put_script;

/* KEYS[3] id counter, KEYS[4] customer index; ARGV[5] id or "",
 * ARGV[6] name, ARGV[7] timezone, ARGV[8] contacts (msgpack), ARGV[9] now */
static const char customer_put_lua[] =
    "local id = ARGV[5]\n"
    "if id == '' then\n"
    "  repeat\n"
    "    id = string.format('C-%06d', redis.call('INCR', KEYS[3]))\n"
    "  until redis.call('EXISTS', 'keel:{intake}:customer:' .. id) == 0\n"
    "end\n"
    "local key = 'keel:{intake}:customer:' .. id\n"
    "local version = redis.call('HINCRBY', key, 'version', 1)\n"
    "redis.call('HSET', key, 'id', id, 'name', ARGV[6], 'timezone',\n"
    "           ARGV[7], 'contacts', ARGV[8], 'updated_ms', ARGV[9])\n"
    "local created = version == 1\n"
    "if created then\n"
    "  redis.call('HSET', key, 'created_ms', ARGV[9])\n"
    "  redis.call('ZADD', KEYS[4], ARGV[9], id)\n"
    "end\n"
    "return keel_done({id = id, version = version, created = created},\n"
    "                 created and 'created' or 'updated',\n"
    "                 {id = id, name = ARGV[6], timezone = ARGV[7],\n"
    "                  version = version})\n";

int
intake_init(struct keel_store *store)
{
	return keel_write_script(store, customer_put_lua, &customer_put_script);
}

/* A zone the tz database can actually load, not just a plausible name. */
static bool
timezone_known(const char *name)
{
	struct keel_tz *tz = NULL;
	bool known = keel_tz_load(name, &tz) == 0;

	keel_tz_free(tz);
	return known;
}

static void
on_customer_put(struct keel_req *req)
{
	const struct keel_obj *body = keel_req_body(req);
	const struct keel_obj *contacts = keel_obj_get(body, "contacts");
	char id[33] = "", name[201], tz[65], now[24];
	struct keel_enc *c = keel_enc_new();
	const void *cp;
	size_t clen;

	if (!c) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	if (keel_obj_get(body, "id") &&
	    keel_obj_kind(keel_obj_get(body, "id")) == KEEL_OBJ_STR &&
	    (!keel_obj_strcpy(keel_obj_get(body, "id"), id, sizeof(id)) ||
	     !intake_customer_id_valid(id, strlen(id)))) {
		keel_enc_free(c);
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.id",
		              "body.id: only letters, digits, '.', '_' and "
		              "'-' are allowed");
		return;
	}
	keel_obj_strcpy(keel_obj_get(body, "name"), name, sizeof(name));
	keel_obj_strcpy(keel_obj_get(body, "timezone"), tz, sizeof(tz));
	if (!timezone_known(tz)) {
		keel_enc_free(c);
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.timezone",
		              "body.timezone: '%s' is not a time zone of the "
		              "system's zone database",
		              tz);
		return;
	}
	if (contacts && keel_obj_kind(contacts) == KEEL_OBJ_ARRAY)
		keel_enc_obj(c, contacts);
	else
		keel_enc_array(c, 0);
	cp = keel_enc_data(c, &clen);
	snprintf(now, sizeof(now), "%lld", (long long)keel_time_now_ms());
	keel_write(
	    req,
	    &(struct keel_write){
	        .script = customer_put_script,
	        .event_prefix = "customer.",
	        .nkeys = 2,
	        .keys = (const char *[]){"keel:{intake}:seq:customer",
	                                 "keel:{intake}:customers"},
	        .nargs = 5,
	        .args = (const char *[]){id, name, tz, cp, now},
	        .arg_lens = (const size_t[]){strlen(id), strlen(name),
	                                     strlen(tz), clen, strlen(now)},
	    });
	keel_enc_free(c);
}

static void
customer_get_reply(struct keel_req *req, const struct keel_reply *r,
                   const struct keel_error *err)
{
	static const char *const names[] = {
	    "id",      "name",       "timezone",  "contacts",
	    "version", "created_ms", "updated_ms"};
	struct keel_enc *e = keel_req_reply(req);
	char id[33];

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) != 7 ||
	    keel_reply_type(keel_reply_at(r, 0)) != KEEL_R_STR) {
		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "customer '%s' not found", id);
		return;
	}
	keel_enc_map(e, 7);
	for (size_t i = 0; i < 7; i++) {
		size_t len = 0;
		const char *v = keel_reply_str(keel_reply_at(r, i), &len);

		keel_enc_str(e, names[i]);
		if (!v)
			keel_enc_nil(e);
		else if (i == 3 &&
		         keel_mp_check(v, len, KEEL_MP_MAX_DEPTH, NULL) == 0)
			keel_enc_raw(e, v, len);
		else if (i == 3)
			keel_enc_array(e, 0);
		else if (i >= 4)
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
	keel_req_redis(req, 9,
	               (const char *[]){"HMGET", key, "id", "name", "timezone",
	                                "contacts", "version", "created_ms",
	                                "updated_ms"},
	               NULL, customer_get_reply);
}

const struct keel_handler intake_handlers[] = {
    {"customer.put", on_customer_put},
    {"customer.get", on_customer_get},
    {NULL, NULL},
};

/*
 * keel-ticketing support staff: technicians (skill level 1-3), service
 * managers and executives.  staff.put is a write (kit + script: hash, the
 * id index, one index per role, staff.created/updated); staff.get and
 * staff.list read in one round trip each.
 */
#include "ticketing.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "ids.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct keel_script *staff_put_script;
static const struct keel_script *staff_list_script;

/* KEYS[3] id counter, KEYS[4] the id index; ARGV[5] id or "", ARGV[6]
 * name, ARGV[7] role, ARGV[8] level, ARGV[9] email, ARGV[10] phone. */
static const char staff_put_lua[] =
    "local id = ARGV[5]\n"
    "if id == '' then\n"
    "  repeat\n"
    "    id = string.format('S-%06d', redis.call('INCR', KEYS[3]))\n"
    "  until redis.call('EXISTS', 'keel:{ticketing}:staff:' .. id) == 0\n"
    "end\n"
    "local key = 'keel:{ticketing}:staff:' .. id\n"
    "local old = redis.call('HGET', key, 'role')\n"
    "local version = redis.call('HINCRBY', key, 'version', 1)\n"
    "redis.call('HSET', key, 'id', id, 'name', ARGV[6], 'role', ARGV[7],\n"
    "           'level', ARGV[8], 'email', ARGV[9], 'phone', ARGV[10])\n"
    "redis.call('ZADD', KEYS[4], 0, id)\n"
    "if old and old ~= ARGV[7] then\n"
    "  redis.call('ZREM', 'keel:{ticketing}:staff-by-role:' .. old, id)\n"
    "end\n"
    "redis.call('ZADD', 'keel:{ticketing}:staff-by-role:' .. ARGV[7], 0,\n"
    "           id)\n"
    "local created = version == 1\n"
    "return keel_done({id = id, version = version, created = created},\n"
    "                 created and 'created' or 'updated',\n"
    "                 {id = id, name = ARGV[6], role = ARGV[7],\n"
    "                  level = tonumber(ARGV[8]), version = version})\n";

/* KEYS[1] an index; ARGV[1] after ('' = from the start), ARGV[2] limit.
 * Returns {next, {member fields}...}. */
static const char staff_list_lua[] =
    "local min = ARGV[1] == '' and '-' or ('(' .. ARGV[1])\n"
    "local limit = tonumber(ARGV[2])\n"
    "local ids = redis.call('ZRANGE', KEYS[1], min, '+', 'BYLEX',\n"
    "                       'LIMIT', 0, limit + 1)\n"
    "local n = math.min(#ids, limit)\n"
    "local out = {}\n"
    "for i = 1, n do\n"
    "  out[i] = redis.call('HMGET', 'keel:{ticketing}:staff:' .. ids[i],\n"
    "                      'id', 'name', 'role', 'level', 'email',\n"
    "                      'phone', 'version')\n"
    "end\n"
    "return {#ids > n and ids[n] or '', out}\n";

int
ticketing_staff_init(struct keel_store *store)
{
	int r = keel_write_script(store, staff_put_lua, &staff_put_script);

	if (r == 0)
		r = keel_store_script(store, staff_list_lua,
		                      &staff_list_script);
	return r;
}

void
ticketing_staff_put(struct keel_req *req)
{
	const struct keel_obj *body = keel_req_body(req);
	char id[33] = "", name[201], role[32], level[8] = "0", email[255] = "",
	     phone[41] = "";
	int64_t lv = 0;

	if (keel_obj_strcpy(keel_obj_get(body, "id"), id, sizeof(id)) &&
	    !keel_id_token_valid(id, strlen(id))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.id",
		              "body.id: only letters, digits, '.', '_' and "
		              "'-' are allowed");
		return;
	}
	keel_obj_strcpy(keel_obj_get(body, "name"), name, sizeof(name));
	keel_obj_strcpy(keel_obj_get(body, "role"), role, sizeof(role));
	keel_obj_int(keel_obj_get(body, "level"), &lv);
	if (strcmp(role, "technician") == 0 && lv == 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.level",
		              "body.level: a technician needs a skill level "
		              "1..3");
		return;
	}
	if (strcmp(role, "technician") != 0)
		lv = 0; /* levels rank technicians only */
	snprintf(level, sizeof(level), "%lld", (long long)lv);
	keel_obj_strcpy(keel_obj_get(body, "email"), email, sizeof(email));
	keel_obj_strcpy(keel_obj_get(body, "phone"), phone, sizeof(phone));
	keel_write(
	    req,
	    &(struct keel_write){
	        .script = staff_put_script,
	        .event_prefix = "staff.",
	        .nkeys = 2,
	        .keys = (const char *[]){"keel:{ticketing}:seq:staff",
	                                 "keel:{ticketing}:staff"},
	        .nargs = 6,
	        .args = (const char *[]){id, name, role, level, email, phone},
	    });
}

/* One member from the 7 fields HMGET returns; false when it is missing. */
static bool
encode_member(struct keel_enc *e, const struct keel_reply *f)
{
	static const char *const names[] = {"id",    "name",  "role",   "level",
	                                    "email", "phone", "version"};

	if (keel_reply_len(f) != 7 ||
	    keel_reply_type(keel_reply_at(f, 0)) != KEEL_R_STR)
		return false;
	keel_enc_map(e, 7);
	for (size_t i = 0; i < 7; i++) {
		size_t len = 0;
		const char *v = keel_reply_str(keel_reply_at(f, i), &len);

		keel_enc_str(e, names[i]);
		if (i == 3 || i == 6)
			keel_enc_int(e, v ? strtoll(v, NULL, 10) : 0);
		else
			keel_enc_strn(e, v ? v : "", v ? len : 0);
	}
	return true;
}

static void
staff_get_reply(struct keel_req *req, const struct keel_reply *r,
                const struct keel_error *err)
{
	char id[33];

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!encode_member(keel_req_reply(req), r)) {
		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "staff member '%s' not found", id);
		return;
	}
	keel_req_ok(req);
}

void
ticketing_staff_get(struct keel_req *req)
{
	char id[33], key[80];

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	snprintf(key, sizeof(key), "keel:{ticketing}:staff:%s", id);
	keel_req_redis(req, 9,
	               (const char *[]){"HMGET", key, "id", "name", "role",
	                                "level", "email", "phone", "version"},
	               NULL, staff_get_reply);
}

static void
staff_list_reply(struct keel_req *req, const struct keel_reply *r,
                 const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const struct keel_reply *members;
	const char *next;
	size_t n, good = 0;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) != 2) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "listing staff: %s",
		              keel_reply_str(r, NULL) ? keel_reply_str(r, NULL)
		                                      : "bad reply");
		return;
	}
	next = keel_reply_str(keel_reply_at(r, 0), NULL);
	members = keel_reply_at(r, 1);
	n = keel_reply_len(members);
	for (size_t i = 0; i < n; i++)
		good += keel_reply_type(keel_reply_at(keel_reply_at(members, i),
		                                      0)) == KEEL_R_STR;
	keel_enc_map(e, 2);
	keel_enc_str(e, "staff");
	keel_enc_array(e, (uint32_t)good);
	for (size_t i = 0; i < n; i++)
		encode_member(e, keel_reply_at(members, i));
	keel_enc_kv_str(e, "next", next ? next : "");
	keel_req_ok(req);
}

void
ticketing_staff_list(struct keel_req *req)
{
	const struct keel_obj *body = keel_req_body(req);
	char role[32] = "", after[33] = "", key[80], limit[16];
	int64_t lim = 50;

	keel_obj_strcpy(keel_obj_get(body, "after"), after, sizeof(after));
	keel_obj_int(keel_obj_get(body, "limit"), &lim);
	if (after[0] && !keel_id_token_valid(after, strlen(after))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.after",
		              "body.after: not a cursor from staff.list");
		return;
	}
	if (keel_obj_strcpy(keel_obj_get(body, "role"), role, sizeof(role)))
		snprintf(key, sizeof(key), "keel:{ticketing}:staff-by-role:%s",
		         role);
	else
		snprintf(key, sizeof(key), "keel:{ticketing}:staff");
	snprintf(limit, sizeof(limit), "%lld", (long long)lim);
	keel_req_eval(req, staff_list_script, 1, 3,
	              (const char *[]){key, after, limit}, NULL,
	              staff_list_reply);
}

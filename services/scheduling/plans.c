/*
 * keel-scheduling: specialists, engagements (from keel-intake's
 * proposal.accepted, through the consumer group) and their plans.
 *
 * plan.propose reads the engagement and every specialist with their
 * bookings in one script, computes each activity's earliest slot in C
 * (slots.c), then books all of it in one write script that checks every
 * booking again: if another planner took any of those hours in between,
 * the script writes nothing and the request runs again (keel_retry), so
 * no two plans ever hold the same specialist's hours.
 *
 * Keys (keel:{scheduling}:...): specialist:<id>, specialists (by id),
 * engagement:<proposal id> (customer, seats, connection, activities,
 * products, dates, status, plan, plan_version, coordinated_by, agreed_by),
 * plans:<proposal id> (every plan proposed), bookings:<specialist>
 * ("start:end:engagement:n" by start).
 */
#include "scheduling.h"

#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "events.h"
#include "ids.h"
#include "ktime.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct keel_script *sp_put_script, *sp_list_script, *read_script,
    *book_script, *step_script, *get_script;
const struct keel_script *scheduling_accepted_script;

/* ARGV[5] id or '', [6] name, [7] org, [8] tier, [9] products ("\n"),
 * [10] timezone, [11] hours, [12] time off (msgpack). */
static const char sp_put_lua[] =
    "local id = ARGV[5]\n"
    "if id == '' then\n"
    "  repeat\n"
    "    id = string.format('SP-%06d',\n"
    "      redis.call('INCR', 'keel:{scheduling}:seq:specialist'))\n"
    "  until redis.call('EXISTS', 'keel:{scheduling}:specialist:' .. id) "
    "== 0\n"
    "end\n"
    "local key = 'keel:{scheduling}:specialist:' .. id\n"
    "local v = redis.call('HINCRBY', key, 'version', 1)\n"
    "redis.call('HSET', key, 'id', id, 'name', ARGV[6], 'org', ARGV[7],\n"
    "  'tier', ARGV[8], 'products', ARGV[9], 'timezone', ARGV[10],\n"
    "  'hours', ARGV[11], 'time_off', ARGV[12])\n"
    "redis.call('ZADD', 'keel:{scheduling}:specialists', 0, id)\n"
    "return keel_done({id = id, version = v, created = v == 1},\n"
    "  v == 1 and 'created' or 'updated', {id = id, name = ARGV[6],\n"
    "  org = ARGV[7], tier = tonumber(ARGV[8]), version = v})\n";

/* Every specialist into out: {id, name, org, tier, products, timezone,
 * hours, time_off, version, bookings} each. */
#define SP_LIST_LUA                                                            \
	"local out = {}\n"                                                     \
	"for _, id in ipairs(redis.call('ZRANGE', "                            \
	"'keel:{scheduling}:specialists', 0, -1)) do\n"                        \
	"  local f = redis.call('HMGET', 'keel:{scheduling}:specialist:' .. "  \
	"id,\n"                                                                \
	"    'id', 'name', 'org', 'tier', 'products', 'timezone', 'hours',\n"  \
	"    'time_off', 'version')\n"                                         \
	"  if f[1] then\n"                                                     \
	"    f[10] = redis.call('ZRANGE', 'keel:{scheduling}:bookings:' .. "   \
	"id,\n"                                                                \
	"                       0, -1)\n"                                      \
	"    out[#out + 1] = f\n"                                              \
	"  end\n"                                                              \
	"end\n"

static const char sp_list_lua[] = SP_LIST_LUA "return out\n";

/* ARGV[1] engagement: {its 7 fields, the specialists} or {}. */
static const char read_lua[] =
    "local e = redis.call('HMGET', 'keel:{scheduling}:engagement:' .. "
    "ARGV[1],\n"
    "  'status', 'seats', 'connection', 'activities', 'products', 'dates',\n"
    "  'plan_version')\n"
    "if not e[1] then return {} end\n" SP_LIST_LUA "e[8] = out\n"
    "return e\n";

/* proposal.accepted: ARGV[2] id, [3] customer, [4] seats, [5] connection,
 * [6] activities, [7] products ("\n"), [8] dates (msgpack), [9] the
 * checklist ("\n"), [10] the quote's total, [11] its currency. */
static const char accepted_lua[] =
    "local key = 'keel:{scheduling}:engagement:' .. ARGV[2]\n"
    "if redis.call('EXISTS', key) == 0 then\n"
    "  redis.call('HSET', key, 'id', ARGV[2], 'customer', ARGV[3],\n"
    "    'seats', ARGV[4], 'connection', ARGV[5], 'activities', ARGV[6],\n"
    "    'products', ARGV[7], 'dates', ARGV[8], 'status', 'accepted',\n"
    "    'plan', '', 'plan_version', 0, 'coordinated_by', '',\n"
    "    'agreed_by', '', 'checklist', ARGV[9], 'total', ARGV[10],\n"
    "    'currency', ARGV[11])\n"
    "end\n";

/* The reply and event shared by the plan scripts. */
#define PLAN_REPLY                                                             \
	"local function reply(key, eng)\n"                                     \
	"  local e = redis.call('HMGET', key, 'status', 'plan_version', "      \
	"'plan',\n"                                                            \
	"    'seats', 'coordinated_by', 'agreed_by')\n"                        \
	"  local items = e[3] ~= '' and cmsgpack.unpack(e[3]) or {}\n"         \
	"  return {engagement = eng, status = e[1],\n"                         \
	"    plan_version = tonumber(e[2]), items = items,\n"                  \
	"    seats = tonumber(e[4]),\n"                                        \
	"    hq_coordination_required = tonumber(e[4]) > 1000,\n"              \
	"    coordinated_by = e[5], agreed_by = e[6]}\n"                       \
	"end\n"

/* ARGV[5] engagement, [6] the plan_version read, [7] items (msgpack). */
static const char book_lua[] = PLAN_REPLY
    "local key = 'keel:{scheduling}:engagement:' .. ARGV[5]\n"
    "local e = redis.call('HMGET', key, 'status', 'plan_version', 'plan')\n"
    "if not e[1] then\n"
    "  return keel_refuse('not_found', 'body.engagement',\n"
    "                     'engagement ' .. ARGV[5] .. ' not found')\n"
    "end\n"
    "if e[1] == 'agreed' then\n"
    "  return keel_refuse('invalid_transition', 'body.engagement',\n"
    "    'engagement ' .. ARGV[5] .. ' is agreed; agreed -> planned is "
    "not allowed')\n"
    "end\n"
    "if e[2] ~= ARGV[6] then return keel_retry() end\n"
    "local items = cmsgpack.unpack(ARGV[7])\n"
    "for _, it in ipairs(items) do\n"
    "  for _, m in ipairs(redis.call('ZRANGEBYSCORE',\n"
    "      'keel:{scheduling}:bookings:' .. it.specialist, '-inf',\n"
    "      '(' .. it.end_ms)) do\n"
    "    local s0, e0, eng = string.match(m, '^(%d+):(%d+):([^:]+):')\n"
    "    if eng ~= ARGV[5] and tonumber(e0) > it.start_ms then\n"
    "      return keel_retry()\n"
    "    end\n"
    "  end\n"
    "end\n"
    "if e[3] ~= '' then\n"
    "  for i, it in ipairs(cmsgpack.unpack(e[3])) do\n"
    "    redis.call('ZREM', 'keel:{scheduling}:bookings:' .. "
    "it.specialist,\n"
    "      it.start_ms .. ':' .. it.end_ms .. ':' .. ARGV[5] .. ':' .. i)\n"
    "  end\n"
    "end\n"
    "for i, it in ipairs(items) do\n"
    "  redis.call('ZADD', 'keel:{scheduling}:bookings:' .. it.specialist,\n"
    "    it.start_ms, it.start_ms .. ':' .. it.end_ms .. ':' .. ARGV[5] ..\n"
    "    ':' .. i)\n"
    "end\n"
    "local v = redis.call('HINCRBY', key, 'plan_version', 1)\n"
    "redis.call('HSET', key, 'plan', ARGV[7], 'status', 'planned')\n"
    "redis.call('RPUSH', 'keel:{scheduling}:plans:' .. ARGV[5], ARGV[7])\n"
    "local r = reply(key, ARGV[5])\n"
    "return keel_done(r, 'proposed', {engagement = ARGV[5],\n"
    "  status = 'planned', plan_version = v, items = items})\n";

/* ARGV[5] engagement, [6] coordinate|agree, [7] by. */
static const char step_lua[] = PLAN_REPLY
    "local key = 'keel:{scheduling}:engagement:' .. ARGV[5]\n"
    "local e = redis.call('HMGET', key, 'status', 'seats', "
    "'coordinated_by',\n"
    "                     'plan_version')\n"
    "if not e[1] then\n"
    "  return keel_refuse('not_found', 'body.engagement',\n"
    "                     'engagement ' .. ARGV[5] .. ' not found')\n"
    "end\n"
    "local to = ARGV[6] == 'agree' and 'agreed' or 'coordinated'\n"
    "if e[1] ~= 'planned' then\n"
    "  return keel_refuse('invalid_transition', 'body.engagement',\n"
    "    'engagement ' .. ARGV[5] .. ' is ' .. e[1] .. '; ' .. e[1] ..\n"
    "    ' -> ' .. to .. ' is not allowed (plan.propose first)')\n"
    "end\n"
    "if ARGV[6] == 'agree' then\n"
    "  if tonumber(e[2]) > 1000 and e[3] == '' then\n"
    "    return keel_refuse('invalid_transition', 'body.engagement',\n"
    "      'engagement ' .. ARGV[5] .. ' has ' .. e[2] ..\n"
    "      ' seats: HQ coordinates the dates first (plan.coordinate)')\n"
    "  end\n"
    "  redis.call('HSET', key, 'status', 'agreed', 'agreed_by', ARGV[7])\n"
    "else\n"
    "  redis.call('HSET', key, 'coordinated_by', ARGV[7])\n"
    "end\n"
    "return keel_done(reply(key, ARGV[5]), to, {engagement = ARGV[5],\n"
    "  status = redis.call('HGET', key, 'status'),\n"
    "  plan_version = tonumber(e[4]), by = ARGV[7]})\n";

static const char get_lua[] =
    PLAN_REPLY "local key = 'keel:{scheduling}:engagement:' .. ARGV[1]\n"
               "if redis.call('EXISTS', key) == 0 then return '' end\n"
               "return cmsgpack.pack(reply(key, ARGV[1]))\n";

int
scheduling_init(struct keel_store *store)
{
	int r = keel_write_script(store, sp_put_lua, &sp_put_script);

	if (r == 0)
		r = keel_store_script(store, sp_list_lua, &sp_list_script);
	if (r == 0)
		r = keel_store_script(store, read_lua, &read_script);
	if (r == 0)
		r = keel_write_script(store, book_lua, &book_script);
	if (r == 0)
		r = keel_write_script(store, step_lua, &step_script);
	if (r == 0)
		r = keel_store_script(store, get_lua, &get_script);
	if (r == 0)
		r = scheduling_execution_init(store);
	return r;
}

/* "a\nb" from an array of strings; false when one holds '\n'. */
static bool
join_lines(const struct keel_obj *a, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < keel_obj_len(a); i++) {
		char s[128] = "";

		keel_obj_strcpy(keel_obj_at(a, i), s, sizeof(s));
		if (strchr(s, '\n'))
			return false;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		                         i ? "\n" : "", s);
		if (used >= size)
			return false;
	}
	return true;
}

void
scheduling_specialist_put(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	const struct keel_obj *hours = keel_obj_get(b, "hours");
	const struct keel_obj *off = keel_obj_get(b, "time_off");
	char id[33] = "", name[201] = "", org[16] = "", tier[8], tz[65] = "",
	     products[4096];
	struct keel_enc *eh = keel_enc_new(), *eo = keel_enc_new();
	struct keel_tz *zone = NULL;
	const void *hp, *op;
	size_t hl, ol;
	int64_t t = 1;

	keel_obj_strcpy(keel_obj_get(b, "id"), id, sizeof(id));
	keel_obj_strcpy(keel_obj_get(b, "name"), name, sizeof(name));
	keel_obj_strcpy(keel_obj_get(b, "org"), org, sizeof(org));
	keel_obj_strcpy(keel_obj_get(b, "timezone"), tz, sizeof(tz));
	keel_obj_int(keel_obj_get(b, "tier"), &t);
	snprintf(tier, sizeof(tier), "%lld", (long long)t);
	if (!eh || !eo) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (id[0] && !keel_id_token_valid(id, strlen(id))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.id",
		              "body.id: only letters, digits, '.', '_' and "
		              "'-' are allowed");
		goto out;
	}
	if (keel_tz_load(tz, &zone) < 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.timezone",
		              "body.timezone: '%s' is not a time zone", tz);
		goto out;
	}
	keel_tz_free(zone);
	if (!join_lines(keel_obj_get(b, "products"), products,
	                sizeof(products))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.products",
		              "body.products: one line each");
		goto out;
	}
	for (size_t i = 0; i < keel_obj_len(hours); i++) {
		const struct keel_obj *h = keel_obj_at(hours, i);
		const char *s;
		size_t n;
		int o = -1, c = -1;

		if (keel_obj_str(keel_obj_get(h, "open"), &s, &n))
			o = keel_time_hhmm(s, n);
		if (keel_obj_str(keel_obj_get(h, "close"), &s, &n))
			c = keel_time_hhmm(s, n);
		if (o < 0 || c < 0 || c <= o) {
			char field[40];

			snprintf(field, sizeof(field), "body.hours[%zu]", i);
			keel_req_fail(
			    req, KEEL_E_INVALID_FIELD, field,
			    "%s: open and close are HH:MM, close after "
			    "open",
			    field);
			goto out;
		}
	}
	for (size_t i = 0; i < keel_obj_len(off); i++) {
		const char *s;
		size_t n;
		int64_t day;

		if (!keel_obj_str(keel_obj_at(off, i), &s, &n) ||
		    !keel_time_date(s, n, &day)) {
			char field[40];

			snprintf(field, sizeof(field), "body.time_off[%zu]", i);
			keel_req_fail(req, KEEL_E_INVALID_FIELD, field,
			              "%s: not a date like 2027-01-18", field);
			goto out;
		}
	}
	if (hours)
		keel_enc_obj(eh, hours);
	else
		keel_enc_array(eh, 0);
	if (off)
		keel_enc_obj(eo, off);
	else
		keel_enc_array(eo, 0);
	hp = keel_enc_data(eh, &hl);
	op = keel_enc_data(eo, &ol);
	keel_write(req,
	           &(struct keel_write){
	               .script = sp_put_script,
	               .event_prefix = "specialist.",
	               .nargs = 8,
	               .args = (const char *[]){id, name, org, tier, products,
	                                        tz, hp, op},
	               .arg_lens = (const size_t[]){strlen(id), strlen(name),
	                                            strlen(org), strlen(tier),
	                                            strlen(products),
	                                            strlen(tz), hl, ol},
	           });
out:
	keel_enc_free(eh);
	keel_enc_free(eo);
}

/* One specialist of the list script's reply as specialist_fields. */
static void
enc_specialist(struct keel_enc *e, const struct keel_reply *f)
{
	const char *products = keel_reply_str_at(f, 4, NULL);
	uint32_t n = 0;

	for (const char *p = products; *p; p += strcspn(p, "\n"), p += !!*p)
		n++;
	keel_enc_map(e, 7);
	keel_enc_kv_str(e, "id", keel_reply_str_at(f, 0, NULL));
	keel_enc_kv_str(e, "name", keel_reply_str_at(f, 1, NULL));
	keel_enc_kv_str(e, "org", keel_reply_str_at(f, 2, NULL));
	keel_enc_kv_int(e, "tier",
	                strtoll(keel_reply_str_at(f, 3, NULL), NULL, 10));
	keel_enc_str(e, "products");
	keel_enc_array(e, n);
	for (const char *p = products; *p;) {
		size_t len = strcspn(p, "\n");

		keel_enc_strn(e, p, len);
		p += len + (p[len] == '\n');
	}
	keel_enc_kv_str(e, "timezone", keel_reply_str_at(f, 5, NULL));
	keel_enc_kv_int(e, "version",
	                strtoll(keel_reply_str_at(f, 8, NULL), NULL, 10));
}

static void
sp_list_reply(struct keel_req *req, const struct keel_reply *r,
              const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const char *want = keel_req_env(req)->type;
	char id[33] = "";

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (strcmp(want, "specialist.get") == 0) {
		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
		for (size_t i = 0; i < keel_reply_len(r); i++)
			if (strcmp(
			        keel_reply_str_at(keel_reply_at(r, i), 0, NULL),
			        id) == 0) {
				enc_specialist(e, keel_reply_at(r, i));
				keel_req_ok(req);
				return;
			}
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "specialist %s not found", id);
		return;
	}
	keel_enc_map(e, 1);
	keel_enc_str(e, "specialists");
	keel_enc_array(e, (uint32_t)keel_reply_len(r));
	for (size_t i = 0; i < keel_reply_len(r); i++)
		enc_specialist(e, keel_reply_at(r, i));
	keel_req_ok(req);
}

void
scheduling_specialist_list(struct keel_req *req)
{
	keel_req_eval(req, sp_list_script, 0, 0, NULL, NULL, sp_list_reply);
}

static bool
has_skills(const char *skills, const char *needed)
{
	for (const char *p = needed; *p;) {
		size_t len = strcspn(p, "\n");
		bool found = false;

		for (const char *q = skills; *q && !found;) {
			size_t ql = strcspn(q, "\n");

			found = ql == len && strncmp(p, q, len) == 0;
			q += ql + (q[ql] == '\n');
		}
		if (len > 0 && !found)
			return false;
		p += len + (p[len] == '\n');
	}
	return true;
}

/* The plan of the engagement read by read_script, or a refusal. */
static void
propose_read(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	char eng[33] = "", pv[24];
	const struct keel_reply *sps;
	struct keel_mp_doc *acts_doc = NULL, *dates_doc = NULL;
	const struct keel_obj *acts;
	struct keel_enc *items = keel_enc_new();
	struct sched_span mine[100];
	char mine_sp[100][33];
	int nmine = 0;
	int64_t from = keel_time_now_ms(), prev_end = 0;
	size_t len;
	const char *p;

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "engagement"), eng,
	                sizeof(eng));
	if (!r || !items) {
		keel_enc_free(items);
		if (!r)
			keel_req_fail_err(req, err);
		else
			keel_req_fail(req, KEEL_E_INTERNAL, NULL,
			              "out of memory");
		return;
	}
	if (keel_reply_len(r) < 8) {
		keel_enc_free(items);
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.engagement",
		              "engagement %s not found (a proposal must be "
		              "accepted first)",
		              eng);
		return;
	}
	snprintf(pv, sizeof(pv), "%s", keel_reply_str_at(r, 6, NULL));
	p = keel_reply_str_at(r, 3, &len);
	keel_mp_decode(p, len, &acts_doc);
	acts = acts_doc ? keel_mp_doc_root(acts_doc) : NULL;
	p = keel_reply_str_at(r, 5, &len);
	if (len > 0 && keel_mp_decode(p, len, &dates_doc) == 0 &&
	    keel_obj_len(keel_mp_doc_root(dates_doc)) > 0) {
		const char *d;
		size_t dn;
		int64_t day;

		if (keel_obj_str(keel_obj_at(keel_mp_doc_root(dates_doc), 0),
		                 &d, &dn) &&
		    keel_time_date(d, dn, &day) && day * 86400000 > from)
			from = day * 86400000;
	}
	keel_mp_doc_free(dates_doc);
	sps = keel_reply_at(r, 7);
	keel_enc_array(items, (uint32_t)keel_obj_len(acts));
	for (size_t a = 0; a < keel_obj_len(acts); a++) {
		const struct keel_obj *act = keel_obj_at(acts, a);
		char name[101] = "";
		int64_t tier = 1, units = 1;
		struct sched_span best = {0, 0};
		const char *best_id = NULL;
		int best_tier = 4, sp_tier;

		keel_obj_strcpy(keel_obj_get(act, "name"), name, sizeof(name));
		keel_obj_int(keel_obj_get(act, "tier"), &tier);
		keel_obj_int(keel_obj_get(act, "units"), &units);
		for (size_t k = 0; k < keel_reply_len(sps); k++) {
			const struct keel_reply *sp = keel_reply_at(sps, k);
			const struct keel_reply *bk = keel_reply_at(sp, 9);
			const char *id = keel_reply_str_at(sp, 0, NULL);
			struct sched_span busy[512], slot;
			struct keel_calendar cal = {0};
			struct keel_tz *zone = NULL;
			int64_t days[400];
			size_t nbusy = 0, hl, ol;
			const char *hp, *op;

			if (strtoll(keel_reply_str_at(sp, 3, NULL), NULL, 10) <
			        tier ||
			    (tier == 3 && strcmp(keel_reply_str_at(sp, 2, NULL),
			                         "hq") != 0) ||
			    !has_skills(keel_reply_str_at(sp, 4, NULL),
			                keel_reply_str_at(r, 4, NULL)))
				continue;
			for (size_t i = 0;
			     i < keel_reply_len(bk) && nbusy < 400; i++) {
				long long s0, e0;
				char other[40];

				if (sscanf(keel_reply_str_at(bk, i, NULL),
				           "%lld:%lld:%39[^:]", &s0, &e0,
				           other) == 3 &&
				    strcmp(other, eng) != 0)
					busy[nbusy++] =
					    (struct sched_span){s0, e0};
			}
			for (int i = 0; i < nmine && nbusy < 512; i++)
				if (strcmp(mine_sp[i], id) == 0)
					busy[nbusy++] = mine[i];
			if (keel_tz_load(keel_reply_str_at(sp, 5, NULL),
			                 &zone) < 0)
				continue;
			hp = keel_reply_str_at(sp, 6, &hl);
			op = keel_reply_str_at(sp, 7, &ol);
			cal.tz = zone;
			keel_cal_read(hp, hl, op, ol, 8 * 60, 17 * 60, &cal,
			              days, 400);
			/* The earliest end; on a tie the lower tier, so HQ's
			 * time goes to what only HQ can do. */
			sp_tier = (int)strtol(keel_reply_str_at(sp, 3, NULL),
			                      NULL, 10);
			if (sched_find_slot(&cal, busy, nbusy,
			                    prev_end > from ? prev_end : from,
			                    units * 3600000, &slot) == 0 &&
			    (!best_id || slot.end < best.end ||
			     (slot.end == best.end && sp_tier < best_tier))) {
				best = slot;
				best_id = id;
				best_tier = sp_tier;
			}
			keel_tz_free(zone);
		}
		if (!best_id) {
			keel_mp_doc_free(acts_doc);
			keel_enc_free(items);
			keel_req_fail(
			    req, KEEL_E_UNAVAILABLE, "body.engagement",
			    "activity '%s' (tier %lld) needs a%s "
			    "specialist certified for tier %lld with the "
			    "products' skills (%s): none has time",
			    name, (long long)tier, tier == 3 ? "n HQ" : "",
			    (long long)tier, keel_reply_str_at(r, 4, NULL));
			return;
		}
		snprintf(mine_sp[nmine], sizeof(mine_sp[0]), "%s", best_id);
		mine[nmine++] = best;
		prev_end = best.end;
		keel_enc_map(items, 6);
		keel_enc_kv_str(items, "activity", name);
		keel_enc_kv_int(items, "tier", tier);
		keel_enc_kv_int(items, "units", units);
		keel_enc_kv_str(items, "specialist", best_id);
		keel_enc_kv_int(items, "start_ms", best.start);
		keel_enc_kv_int(items, "end_ms", best.end);
	}
	keel_mp_doc_free(acts_doc);
	p = keel_enc_data(items, &len);
	keel_write(
	    req, &(struct keel_write){
	             .script = book_script,
	             .event_prefix = "plan.",
	             .nargs = 3,
	             .args = (const char *[]){eng, pv, p},
	             .arg_lens = (const size_t[]){strlen(eng), strlen(pv), len},
	         });
	keel_enc_free(items);
}

void
scheduling_plan_propose(struct keel_req *req)
{
	char eng[33] = "";

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "engagement"), eng,
	                sizeof(eng));
	keel_req_eval(req, read_script, 0, 1, (const char *[]){eng}, NULL,
	              propose_read);
}

static void
plan_step(struct keel_req *req, const char *op)
{
	const struct keel_obj *b = keel_req_body(req);
	char eng[33] = "", by[201] = "";

	keel_obj_strcpy(keel_obj_get(b, "engagement"), eng, sizeof(eng));
	keel_obj_strcpy(keel_obj_get(b, "by"), by, sizeof(by));
	keel_write(req, &(struct keel_write){
	                    .script = step_script,
	                    .event_prefix = "plan.",
	                    .nargs = 3,
	                    .args = (const char *[]){eng, op, by},
	                });
}

void
scheduling_plan_coordinate(struct keel_req *req)
{
	plan_step(req, "coordinate");
}

void
scheduling_plan_agree(struct keel_req *req)
{
	plan_step(req, "agree");
}

/* A script's reply that is a packed map, or '' when the engagement is
 * unknown. */
static void
packed_reply(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	size_t len = 0;
	const char *p;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	p = keel_reply_str(r, &len);
	if (!p || len == 0 ||
	    keel_mp_check(p, len, KEEL_MP_MAX_DEPTH, NULL) < 0) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.engagement",
		              "engagement not found");
		return;
	}
	keel_enc_raw(keel_req_reply(req), p, len);
	keel_req_ok(req);
}

void
scheduling_read_engagement(struct keel_req *req,
                           const struct keel_script *script)
{
	char eng[33] = "";

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "engagement"), eng,
	                sizeof(eng));
	keel_req_eval(req, script, 0, 1, (const char *[]){eng}, NULL,
	              packed_reply);
}

void
scheduling_plan_get(struct keel_req *req)
{
	scheduling_read_engagement(req, get_script);
}

/* proposal.accepted -> an engagement to plan. */
static enum keel_event_verdict
on_accepted(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	struct keel_enc *e = keel_enc_new();
	char products[4096];
	int64_t seats = 0;
	const void *p;
	size_t len;
	const char *s;
	size_t n;

	if (!e || !keel_obj_get(b, "activities")) {
		keel_enc_free(e);
		return keel_event_poison(
		    eff, "%s: a required field is missing or not readable",
		    ev->type);
	}
	eff->script = scheduling_accepted_script;
	keel_obj_str(keel_obj_get(b, "id"), &s, &n);
	keel_effect_argn(eff, s, n);
	keel_obj_str(keel_obj_get(b, "customer"), &s, &n);
	keel_effect_argn(eff, s, n);
	keel_obj_int(keel_obj_get(b, "seats"), &seats);
	keel_effect_arg(eff, "%lld", (long long)seats);
	if (!keel_obj_str(keel_obj_get(b, "connection"), &s, &n)) {
		s = "remote";
		n = 6;
	}
	keel_effect_argn(eff, s, n);
	keel_enc_obj(e, keel_obj_get(b, "activities"));
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
	if (!join_lines(keel_obj_get(b, "products"), products,
	                sizeof(products)))
		products[0] = '\0';
	keel_effect_arg(eff, "%s", products);
	keel_enc_reset(e);
	if (keel_obj_get(b, "dates"))
		keel_enc_obj(e, keel_obj_get(b, "dates"));
	else
		keel_enc_array(e, 0);
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
	{
		char list[8192];
		int64_t total = 0;

		sched_checklist(b, list, sizeof(list));
		keel_effect_arg(eff, "%s", list);
		keel_obj_int(keel_obj_get(b, "total"), &total);
		keel_effect_arg(eff, "%lld", (long long)total);
		if (!keel_obj_str(keel_obj_get(b, "currency"), &s, &n)) {
			s = "EUR";
			n = 3;
		}
		keel_effect_argn(eff, s, n);
	}
	keel_enc_free(e);
	return KEEL_EVENT_DONE;
}

static const struct keel_route intake_routes[] = {
    {
        .prefix = "proposal.accepted",
        .fn = on_accepted,
        .effect_lua = accepted_lua,
        .script = &scheduling_accepted_script,
    },
    {.prefix = NULL},
};

const struct keel_subscription scheduling_subscriptions[] = {
    {.source = "intake", .routes = intake_routes},
    {.source = NULL},
};

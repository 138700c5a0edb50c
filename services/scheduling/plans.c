/*
 * keel-scheduling: specialists, engagements (from keel-intake's
 * proposal.accepted, through the consumer group) and their plans.
 *
 * plan.propose reads the engagement and every specialist with their
 * bookings in one function (scheduling_plan_read), computes each
 * activity's earliest slot in C (slots.c), then books all of it in one
 * write (scheduling_plan_book) that checks every booking again: if another
 * planner took any of those hours in between, it writes nothing and the
 * request runs again (w.retry), so no two plans ever hold the same
 * specialist's hours.  The functions are in lua/plans.lua and
 * lua/specialists.lua.
 *
 * Keys (keel:{scheduling}:...): specialist:<id>, specialists (by id),
 * engagement:<proposal id> (customer, seats, connection, activities,
 * products, dates, status, plan, plan_version, coordinated_by, agreed_by),
 * plans:<proposal id> (every plan proposed), bookings:<specialist>
 * ("start:end:engagement:n" by start).
 */
#include "scheduling.h"

#include "names.h"

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


void
scheduling_specialist_put(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	const struct keel_obj *hours = keel_obj_get(b, "hours");
	const struct keel_obj *off = keel_obj_get(b, "time_off");
	char id[33] = "", name[201] = "", org[16] = "", tz[65] = "",
	     products[4096];
	struct keel_enc *eh = keel_enc_new(), *eo = keel_enc_new(),
	                *e = keel_enc_new();
	const struct keel_tz *zone = NULL;
	const void *hp, *op, *p;
	size_t hl, ol, len;
	int64_t t = 1;

	keel_obj_strcpy(keel_obj_get(b, "id"), id, sizeof(id));
	keel_obj_strcpy(keel_obj_get(b, "name"), name, sizeof(name));
	keel_obj_strcpy(keel_obj_get(b, "org"), org, sizeof(org));
	keel_obj_strcpy(keel_obj_get(b, "timezone"), tz, sizeof(tz));
	keel_obj_int(keel_obj_get(b, "tier"), &t);
	if (!eh || !eo || !e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (id[0] && !keel_id_token_valid(id, strlen(id))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.id",
		              "body.id: only letters, digits, '.', '_' and "
		              "'-' are allowed");
		goto out;
	}
	if (keel_tz_get(tz, &zone) < 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.timezone",
		              "body.timezone: '%s' is not a time zone", tz);
		goto out;
	}
	if (!keel_join(keel_obj_get(b, "products"), '\n', products,
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
	keel_enc_map(e, 8);
	keel_enc_kv_str(e, "id", id);
	keel_enc_kv_str(e, "name", name);
	keel_enc_kv_str(e, "org", org);
	keel_enc_kv_int(e, "tier", t);
	keel_enc_kv_str(e, "products", products);
	keel_enc_kv_str(e, "timezone", tz);
	keel_enc_str(e, "hours");
	keel_enc_strn(e, hp, hl);
	keel_enc_str(e, "time_off");
	keel_enc_strn(e, op, ol);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "scheduling_specialist_put",
	                    .event_prefix = "specialist.",
	                    .req = p,
	                    .req_len = len,
	                });
out:
	keel_enc_free(eh);
	keel_enc_free(eo);
	keel_enc_free(e);
}

/* A stored msgpack array (hours, time off) into e; absent or unreadable:
 * dflt, a msgpack array too. */
static void
enc_stored_array(struct keel_enc *e, const char *name,
                 const struct keel_reply *f, size_t i, const char *dflt,
                 size_t dlen)
{
	size_t len;
	const char *p = keel_reply_str_at(f, i, &len);

	keel_enc_str(e, name);
	if (len > 0 && ((unsigned char)p[0] & 0xf0) == 0x90 &&
	    keel_mp_check(p, len, 4, NULL) == 0)
		keel_enc_raw(e, p, len);
	else
		keel_enc_raw(e, dflt, dlen);
}

/* One specialist of scheduling_specialist_list's reply as
 * specialist_fields; full: with working hours and time off. */
static void
enc_specialist(struct keel_enc *e, const struct keel_reply *f, bool full)
{
	const char *products = keel_reply_str_at(f, 4, NULL);
	uint32_t n = 0;

	for (const char *p = products; *p; p += strcspn(p, "\n"), p += !!*p)
		n++;
	keel_enc_map(e, 7 + 2 * full);
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
	if (full) {
		/* the default week when none was given (plans.c plans so) */
		struct keel_enc *d = keel_enc_new();
		static const char *const days[] = {"mon", "tue", "wed", "thu",
		                                   "fri"};
		const void *dp = NULL;
		size_t dl = 0;

		if (d) {
			keel_enc_array(d, 5);
			for (int i = 0; i < 5; i++) {
				keel_enc_map(d, 3);
				keel_enc_kv_str(d, "day", days[i]);
				keel_enc_kv_str(d, "open", "08:00");
				keel_enc_kv_str(d, "close", "17:00");
			}
			dp = keel_enc_data(d, &dl);
		}
		enc_stored_array(e, "hours", f, 6, dp ? dp : "\x90",
		                 dp ? dl : 1);
		enc_stored_array(e, "time_off", f, 7, "\x90", 1);
		keel_enc_free(d);
	}
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
				enc_specialist(e, keel_reply_at(r, i), true);
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
		enc_specialist(e, keel_reply_at(r, i), false);
	keel_req_ok(req);
}

void
scheduling_specialist_list(struct keel_req *req)
{
	keel_req_read(req, "scheduling_specialist_list", 1,
	              (const char *[]){"keel:{scheduling}:specialists"}, "\x80",
	              1, sp_list_reply);
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

/* Whether specialist sp (a scheduling_plan_read row) may do an activity
 * of tier: certified for it, and from HQ for tier 3. */
static bool
tier_ok(const struct keel_reply *sp, int64_t tier)
{
	return strtoll(keel_reply_str_at(sp, 3, NULL), NULL, 10) >= tier &&
	       (tier != 3 ||
	        strcmp(keel_reply_str_at(sp, 2, NULL), "hq") == 0);
}

/* Nobody can do an activity of tier needing the products in needed
 * ("\n"-separated): says what is missing, the tier or a product's skill
 * among those certified for it. */
static void
say_missing(const struct keel_reply *sps, int64_t tier, const char *needed,
            char *buf, size_t size)
{
	bool any = false;

	for (size_t k = 0; k < keel_reply_len(sps); k++)
		any |= tier_ok(keel_reply_at(sps, k), tier);
	if (!any) {
		snprintf(buf, size, "no specialist is certified for tier %lld%s",
		         (long long)tier, tier == 3 ? " at HQ" : "");
		return;
	}
	for (const char *p = needed; *p;) {
		size_t len = strcspn(p, "\n");
		bool found = false;

		for (size_t k = 0; k < keel_reply_len(sps) && !found; k++) {
			const struct keel_reply *sp = keel_reply_at(sps, k);
			char one[202];

			snprintf(one, sizeof(one), "%.*s", (int)len, p);
			found = tier_ok(sp, tier) &&
			        has_skills(keel_reply_str_at(sp, 4, NULL), one);
		}
		if (len > 0 && !found) {
			snprintf(buf, size,
			         "no specialist certified for tier %lld%s has "
			         "the skill '%.*s'",
			         (long long)tier, tier == 3 ? " at HQ" : "",
			         (int)len, p);
			return;
		}
		p += len + (p[len] == '\n');
	}
	snprintf(buf, size,
	         "no single specialist certified for tier %lld has every "
	         "product's skill",
	         (long long)tier);
}

/* The plan of the engagement read by scheduling_plan_read, or a refusal. */
static void
propose_read(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	char eng[33] = "";
	const struct keel_reply *sps;
	struct keel_mp_doc *acts_doc = NULL, *dates_doc = NULL;
	const struct keel_obj *acts;
	struct keel_enc *items = keel_enc_new(), *e = keel_enc_new();
	int64_t pv;
	struct sched_span mine[100];
	char mine_sp[100][33];
	int nmine = 0;
	int64_t from = keel_time_now_ms(), prev_end = 0;
	size_t len;
	const char *p;

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "engagement"), eng,
	                sizeof(eng));
	if (!r || !items || !e) {
		keel_enc_free(items);
		keel_enc_free(e);
		if (!r)
			keel_req_fail_err(req, err);
		else
			keel_req_fail(req, KEEL_E_INTERNAL, NULL,
			              "out of memory");
		return;
	}
	if (keel_reply_len(r) < 8) {
		keel_enc_free(items);
		keel_enc_free(e);
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.engagement",
		              "engagement %s not found (a proposal must be "
		              "accepted first)",
		              eng);
		return;
	}
	pv = strtoll(keel_reply_str_at(r, 6, NULL), NULL, 10);
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
		bool qualified = false;

		keel_obj_strcpy(keel_obj_get(act, "name"), name, sizeof(name));
		keel_obj_int(keel_obj_get(act, "tier"), &tier);
		keel_obj_int(keel_obj_get(act, "units"), &units);
		for (size_t k = 0; k < keel_reply_len(sps); k++) {
			const struct keel_reply *sp = keel_reply_at(sps, k);
			const struct keel_reply *bk = keel_reply_at(sp, 9);
			const char *id = keel_reply_str_at(sp, 0, NULL);
			struct sched_span busy[512], slot;
			struct keel_calendar cal = {0};
			const struct keel_tz *zone = NULL;
			int64_t days[400];
			size_t nbusy = 0, hl, ol;
			const char *hp, *op;

			if (!tier_ok(sp, tier) ||
			    !has_skills(keel_reply_str_at(sp, 4, NULL),
			                keel_reply_str_at(r, 4, NULL)))
				continue;
			qualified = true;
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
			if (keel_tz_get(keel_reply_str_at(sp, 5, NULL),
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
		}
		if (!best_id) {
			char why[400];

			/* Not a temporary failure: it stays so until the
			 * specialists change (conflict, not unavailable). */
			if (qualified)
				snprintf(why, sizeof(why),
				         "every specialist who could do it is "
				         "fully booked or has no working time "
				         "left");
			else
				say_missing(sps, tier, keel_reply_str_at(r, 4, NULL),
				            why, sizeof(why));
			keel_mp_doc_free(acts_doc);
			keel_enc_free(items);
			keel_enc_free(e);
			keel_req_fail(req, KEEL_E_CONFLICT, "body.engagement",
			              "activity '%s' (tier %lld): %s", name,
			              (long long)tier, why);
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
	keel_enc_map(e, 3);
	keel_enc_kv_str(e, "engagement", eng);
	keel_enc_kv_int(e, "plan_version", pv);
	keel_enc_str(e, "items");
	keel_enc_strn(e, p, len);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "scheduling_plan_book",
	                    .event_prefix = "plan.",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(items);
	keel_enc_free(e);
}

/* Calls the read fn with KEYS[1] the engagement of body.engagement and
 * {engagement = its id}. */
static void
read_engagement(struct keel_req *req, const char *fn, keel_req_redis_cb cb)
{
	char eng[33] = "", key[96];
	struct keel_enc *e = keel_enc_new();
	const void *p;
	size_t len;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "engagement"), eng,
	                sizeof(eng));
	snprintf(key, sizeof(key), "keel:{scheduling}:engagement:%s", eng);
	keel_enc_map(e, 1);
	keel_enc_kv_str(e, "engagement", eng);
	p = keel_enc_data(e, &len);
	keel_req_read(req, fn, 1, (const char *[]){key}, p, len, cb);
	keel_enc_free(e);
}

void
scheduling_plan_propose(struct keel_req *req)
{
	read_engagement(req, "scheduling_plan_read", propose_read);
}

/* Encodes a write's request of body.engagement, op and body.by into e:
 * the map's first 3 of n fields. */
void
scheduling_step_req(struct keel_enc *e, const struct keel_obj *b,
                    const char *op, const char *by, uint32_t n)
{
	char eng[33] = "";

	keel_obj_strcpy(keel_obj_get(b, "engagement"), eng, sizeof(eng));
	keel_enc_map(e, n);
	keel_enc_kv_str(e, "engagement", eng);
	keel_enc_kv_str(e, "op", op);
	keel_enc_kv_str(e, "by", by);
}

static void
plan_step(struct keel_req *req, const char *op)
{
	const struct keel_obj *b = keel_req_body(req);
	char by[201] = "";
	struct keel_enc *e = keel_enc_new();
	const void *p;
	size_t len;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_obj_strcpy(keel_obj_get(b, "by"), by, sizeof(by));
	scheduling_step_req(e, b, op, by, 3);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "scheduling_plan_step",
	                    .event_prefix = "plan.",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
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

/* A read's reply that is a packed map, or '' when the engagement is
 * unknown. */
static void
packed_reply(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	if (!keel_req_reply_packed(req, r, err))
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.engagement",
		              "engagement not found");
}

void
scheduling_read_engagement(struct keel_req *req, const char *fn)
{
	read_engagement(req, fn, packed_reply);
}

void
scheduling_plan_get(struct keel_req *req)
{
	scheduling_read_engagement(req, "scheduling_plan_get");
}

/* A string field of b into e as key, or dflt when b has none. */
static void
enc_kv_field(struct keel_enc *e, const struct keel_obj *b, const char *key,
             const char *dflt)
{
	const char *s;
	size_t n;

	keel_enc_str(e, key);
	if (keel_obj_str(keel_obj_get(b, key), &s, &n))
		keel_enc_strn(e, s, n);
	else
		keel_enc_str(e, dflt);
}

/* proposal.accepted -> an engagement to plan (scheduling_on_accepted). */
static enum keel_event_verdict
on_accepted(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	struct keel_enc *e = keel_enc_new(), *part = keel_enc_new();
	char products[4096], list[8192];
	int64_t seats = 0, total = 0;
	const void *p;
	size_t len;

	if (!e || !part) {
		keel_enc_free(e);
		keel_enc_free(part);
		return KEEL_EVENT_RETRY;
	}
	if (!keel_obj_get(b, "activities")) {
		keel_enc_free(e);
		keel_enc_free(part);
		return keel_event_poison(
		    eff, "%s: a required field is missing or not readable",
		    ev->type);
	}
	eff->fn = "scheduling_on_accepted";
	keel_obj_int(keel_obj_get(b, "seats"), &seats);
	keel_obj_int(keel_obj_get(b, "total"), &total);
	if (!keel_join(keel_obj_get(b, "products"), '\n', products,
	               sizeof(products)))
		products[0] = '\0';
	sched_checklist(b, list, sizeof(list));
	keel_enc_map(e, 10);
	enc_kv_field(e, b, "id", "");
	enc_kv_field(e, b, "customer", "");
	keel_enc_kv_int(e, "seats", seats);
	enc_kv_field(e, b, "connection", "remote");
	keel_enc_obj(part, keel_obj_get(b, "activities"));
	p = keel_enc_data(part, &len);
	keel_enc_str(e, "activities");
	keel_enc_strn(e, p, len);
	keel_enc_kv_str(e, "products", products);
	keel_enc_reset(part);
	if (keel_obj_get(b, "dates"))
		keel_enc_obj(part, keel_obj_get(b, "dates"));
	else
		keel_enc_array(part, 0);
	p = keel_enc_data(part, &len);
	keel_enc_str(e, "dates");
	keel_enc_strn(e, p, len);
	keel_enc_kv_str(e, "checklist", list);
	keel_enc_kv_int(e, "total", total);
	enc_kv_field(e, b, "currency", "EUR");
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
	keel_enc_free(e);
	keel_enc_free(part);
	return KEEL_EVENT_DONE;
}

static const struct keel_route intake_routes[] = {
    {
        .prefix = "proposal.accepted",
        .fn = on_accepted,
    },
    {.prefix = NULL},
};

const struct keel_subscription scheduling_subscriptions[] = {
    {.source = "intake", .routes = intake_routes},
    {.source = NULL},
};

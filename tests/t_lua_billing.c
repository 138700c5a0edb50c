/* t_lua_billing: keel_billing's functions on their own, in a throwaway
 * Redis: the hour bank (included hours that lapse at month end, flex time
 * in 4-hour blocks across two tickets, the 160 h cap, year-end expiry,
 * billable time at the contract's rate), the late-fee rule, and the
 * one-invoice-per-period guard of the billing run.  Figures worked out by
 * hand first, in the comments. */
#include "codec.h"
#include "harness.h"
#include "harness_lua.h"
#include "ktime.h"
#include "tap.h"

#include <string.h>

static redisContext *c;
static struct keel_enc *req;
static int seq;

static int64_t
day(int y, int m, int d)
{
	return keel_time_days_from_civil(y, m, d);
}

/* A contract of n Bronze servers (UTC, 12 months), active from start. */
static bool
contract(const char *id, const char *customer, int n, int64_t start)
{
	struct harness_outcome o;
	char key[64];
	bool ok1, ok2;

	keel_enc_reset(req);
	keel_enc_map(req, 22);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_str(req, "customer", customer);
	keel_enc_kv_str(req, "currency", "EUR");
	keel_enc_kv_int(req, "term", 12);
	keel_enc_kv_int(req, "setup_fee", 0);
	keel_enc_kv_int(req, "payment_days", 30);
	keel_enc_kv_str(req, "sla", "");
	keel_enc_kv_int(req, "cancel_fee", 0);
	keel_enc_kv_int(req, "ld_months", 2);
	keel_enc_kv_str(req, "timezone", "UTC");
	keel_enc_kv_int(req, "today", start);
	keel_enc_kv_int(req, "offset_s", 0);
	keel_enc_str(req, "lines");
	keel_enc_array(req, 1);
	keel_enc_map(req, 4);
	keel_enc_kv_str(req, "text", "Bronze managed server, per month");
	keel_enc_kv_int(req, "qty", n);
	keel_enc_kv_int(req, "unit", 50000);
	keel_enc_kv_int(req, "amount", 50000LL * n);
	keel_enc_kv_int(req, "monthly", 50000LL * n);
	keel_enc_kv_int(req, "device_fee", 50000LL * n);
	keel_enc_kv_int(req, "servers", n);
	keel_enc_kv_int(req, "support_min", 60 * n);
	keel_enc_kv_int(req, "flex_min", 60 * n);
	keel_enc_kv_int(req, "discount_bp", 0);
	keel_enc_str(req, "rates");
	keel_enc_map(req, 4);
	keel_enc_kv_int(req, "remote", 12000);
	keel_enc_kv_int(req, "onsite", 15000);
	keel_enc_kv_int(req, "emergency", 18500);
	keel_enc_kv_int(req, "travel_bp", 1500);
	keel_enc_kv_int(req, "credit", 120000);
	keel_enc_kv_int(req, "now", 1);
	snprintf(key, sizeof(key), "create-%s", id);
	ok1 = harness_lua_write(c, "billing", "billing_contract_create", key,
	                        "", 0, NULL, req, &o) &&
	      o.ok;
	harness_outcome_release(&o);
	keel_enc_reset(req);
	keel_enc_map(req, 3);
	keel_enc_kv_str(req, "id", id);
	keel_enc_kv_int(req, "day", start);
	keel_enc_kv_str(req, "by", "Carla");
	snprintf(key, sizeof(key), "activate-%s", id);
	ok2 = harness_lua_write(c, "billing", "billing_contract_activate", key,
	                        "", 0, NULL, req, &o) &&
	      o.ok;
	harness_outcome_release(&o);
	return ok1 && ok2;
}

/* ticket.time_logged at noon UTC of day z. */
static void
logged(const char *customer, const char *ticket, int entry, int minutes,
       bool covered, const char *work, int64_t z)
{
	char s[32];

	keel_enc_reset(req);
	keel_enc_map(req, 7);
	keel_enc_kv_str(req, "customer", customer);
	keel_enc_kv_str(req, "ticket", ticket);
	keel_enc_kv_int(req, "entry", entry);
	keel_enc_kv_int(req, "minutes", minutes);
	keel_enc_kv_bool(req, "covered", covered);
	keel_enc_kv_str(req, "work", work);
	keel_enc_kv_int(req, "ts_ms", z * 86400000 + 12 * 3600000);
	snprintf(s, sizeof(s), "%d-0", ++seq);
	freeReplyObject(harness_lua_effect(c, "billing", "billing_on_time", s,
	                                   0, NULL, req));
}

struct balance {
	long long included, flex, block, billable;
	int entries;
	char kinds[1024];
};

static struct balance
balance(const char *id, int64_t at)
{
	struct balance b = {0};
	struct keel_mp_doc *doc = NULL;
	const struct keel_obj *r, *es;
	redisReply *rep;

	keel_enc_reset(req);
	keel_enc_map(req, 2);
	keel_enc_kv_str(req, "contract", id);
	keel_enc_kv_int(req, "at", at);
	rep = harness_fcall(c, "billing_hours_balance", 0, NULL, req);
	if (!rep || rep->type != REDIS_REPLY_STRING ||
	    keel_mp_decode(rep->str, rep->len, &doc) < 0) {
		if (rep)
			freeReplyObject(rep);
		return b;
	}
	r = keel_mp_doc_root(doc);
	keel_obj_int(keel_obj_get(r, "included_min"), (int64_t *)&b.included);
	keel_obj_int(keel_obj_get(r, "flex_min"), (int64_t *)&b.flex);
	keel_obj_int(keel_obj_get(r, "block_min"), (int64_t *)&b.block);
	keel_obj_int(keel_obj_get(r, "billable_min"), (int64_t *)&b.billable);
	es = keel_obj_get(r, "entries");
	b.entries = (int)keel_obj_len(es);
	for (size_t i = 0; i < keel_obj_len(es); i++) {
		char k[16] = "";

		keel_obj_strcpy(keel_obj_get(keel_obj_at(es, i), "kind"), k,
		                sizeof(k));
		snprintf(b.kinds + strlen(b.kinds),
		         sizeof(b.kinds) - strlen(b.kinds), "%s%s", i ? " " : "",
		         k);
	}
	keel_mp_doc_free(doc);
	freeReplyObject(rep);
	return b;
}

/* Element i of list key as raw bytes decoded: the pending line's amount
 * and text. */
static long long
pending_amount(const char *id, int i, char *text, size_t size)
{
	redisReply *r = redisCommand(c, "LINDEX keel:{billing}:pending:%s %d",
	                             id, i);
	struct keel_mp_doc *doc = NULL;
	int64_t a = -1;

	text[0] = '\0';
	if (r && r->type == REDIS_REPLY_STRING &&
	    keel_mp_decode(r->str, r->len, &doc) == 0) {
		keel_obj_int(keel_obj_get(keel_mp_doc_root(doc), "amount"), &a);
		keel_obj_strcpy(keel_obj_get(keel_mp_doc_root(doc), "text"),
		                text, size);
	}
	keel_mp_doc_free(doc);
	if (r)
		freeReplyObject(r);
	return a;
}

int
main(void)
{
	struct harness_redis redis = {0};
	struct balance b;
	char text[512];

	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	c = harness_lua_open(&redis, "billing");
	req = keel_enc_new();

	/*
	 * 10 servers from 2027-01-01: 600 min included and 600 min flex a
	 * month.
	 *  A#1 2027-01-05, 720 min: 600 included, a block (flex 600 -> 360,
	 *      block 240), 120 from it (block 120 left).
	 *  B#1 2027-01-06, 180 min: 120 from A's block, a second block (flex
	 *      360 -> 120, block 240), 60 from it (block 180 left).
	 *  B#2 2027-01-07, 480 min: 180 from the block; flex 120 is less
	 *      than a block: 300 min billable, at 120.00/h = 600.00.
	 */
	ok(contract("K-BLK", "blk", 10, day(2027, 1, 1)), "contract K-BLK");
	logged("blk", "T-A", 1, 720, false, "remote", day(2027, 1, 5));
	b = balance("K-BLK", day(2027, 1, 5));
	ok(b.included == 0 && b.flex == 360 && b.block == 120 &&
	       b.billable == 0,
	   "A#1: included 0, flex 360, block 120 (%lld %lld %lld %lld)",
	   b.included, b.flex, b.block, b.billable);
	logged("blk", "T-B", 1, 180, false, "remote", day(2027, 1, 6));
	b = balance("K-BLK", day(2027, 1, 6));
	ok(b.flex == 120 && b.block == 180 && b.billable == 0,
	   "B#1 finishes A's block and opens a second: flex 120, block 180 "
	   "(%lld %lld)",
	   b.flex, b.block);
	logged("blk", "T-B", 2, 480, false, "remote", day(2027, 1, 7));
	b = balance("K-BLK", day(2027, 1, 7));
	ok(b.flex == 120 && b.block == 0 && b.billable == 300,
	   "B#2: block used up, 120 flex is no block, 300 min billable "
	   "(%lld %lld %lld)",
	   b.flex, b.block, b.billable);
	is_int(pending_amount("K-BLK", 0, text, sizeof(text)), 60000,
	       "300 min at 120.00/h: 600.00 on the next invoice");
	ok(strstr(text, "T-B") && strstr(text, "300 min"), "  %s", text);
	is_str(b.kinds, "grant accrue draw block draw draw block draw draw "
	                "billable",
	       "every step is a ledger entry");
	/* on-site: no included hours; emergency: no flex either; travel */
	logged("blk", "T-C", 1, 60, false, "emergency", day(2027, 1, 8));
	is_int(pending_amount("K-BLK", 1, text, sizeof(text)), 21275,
	       "60 min emergency at 185.00/h + 15 %% travel = 212.75");
	logged("blk", "T-C", 2, 30, true, "remote", day(2027, 1, 8));
	b = balance("K-BLK", day(2027, 1, 8));
	ok(b.billable == 360 && strstr(b.kinds, "covered"),
	   "covered time is recorded and draws nothing");
	/* the balance is the sum of the ledger, by day */
	b = balance("K-BLK", day(2027, 1, 4));
	ok(b.included == 600 && b.flex == 600 && b.billable == 0,
	   "--at 2027-01-04: before any time, 600 included and 600 flex");

	/*
	 * 20 servers from 2027-01-01: 1200 min included and flex a month.
	 * Included hours lapse: on 2027-02-01 the 1200 unused lapse and 1200
	 * are granted.  Flex: 1200 a month reaches the 9600 min (160 h) cap
	 * after month 8; months 9 to 12 add nothing.  On 2028-01-01 all 9600
	 * expire, then month 13 accrues 1200.
	 */
	ok(contract("K-CAP", "cap", 20, day(2027, 1, 1)), "contract K-CAP");
	logged("cap", "T-D", 1, 15, true, "remote", day(2027, 2, 3));
	b = balance("K-CAP", day(2027, 1, 31));
	is_int(b.included, 1200, "2027-01-31: 1200 included");
	b = balance("K-CAP", day(2027, 2, 3));
	ok(b.included == 1200 && strstr(b.kinds, "lapse"),
	   "2027-02-01: 1200 lapsed, 1200 granted (%s)", b.kinds);
	logged("cap", "T-D", 2, 15, true, "remote", day(2027, 12, 15));
	b = balance("K-CAP", day(2027, 12, 15));
	is_int(b.flex, 9600, "flex stops at the 160 h cap");
	logged("cap", "T-D", 3, 15, true, "remote", day(2028, 1, 5));
	b = balance("K-CAP", day(2028, 1, 5));
	is_int(b.flex, 1200, "2028: the year's 9600 expired, month 13 added "
	                     "1200");
	ok(strstr(b.kinds, "expire") != NULL, "  an expire entry");

	/* The late fee rule: 1.5 % a month, by the day, on the amount open,
	 * never compounded. */
	{
		redisReply *r;
		struct keel_enc *h = keel_enc_new();
		const void *p;
		size_t len;

		keel_enc_map(h, 0);
		p = keel_enc_data(h, &len);
		keel_enc_reset(req);
		keel_enc_map(req, 4);
		keel_enc_kv_int(req, "day", day(2027, 3, 17));
		keel_enc_kv_str(req, "contract", "K-BLK");
		keel_enc_str(req, "head");
		keel_enc_strn(req, p, len);
		keel_enc_kv_int(req, "max", 100);
		/* K-BLK's first invoice (10 x 500.00 = 5000.00, due
		 * 2027-01-31) is open: overdue, 45 days: 5000 x 0.015 x 1.5
		 * = 112.50 */
		r = harness_fcall(c, "billing_run", 0, NULL, req);
		ok(r && r->type == REDIS_REPLY_ARRAY,
		   "billing_run answers an array");
		if (r)
			freeReplyObject(r);
		is_int(pending_amount("K-BLK", 2, text, sizeof(text)), 11250,
		       "late fee over 45 days: 112.50");
		ok(strstr(text, "45 days") != NULL, "  %s", text);
		r = redisCommand(c, "HGET keel:{billing}:invoice:INV-2027-0001 "
		                    "status");
		ok(r && r->type == REDIS_REPLY_STRING &&
		       strcmp(r->str, "overdue") == 0,
		   "the invoice is overdue");
		if (r)
			freeReplyObject(r);
		r = harness_fcall(c, "billing_run", 0, NULL, req);
		if (r)
			freeReplyObject(r);
		is_int(pending_amount("K-BLK", 3, text, sizeof(text)), -1,
		       "the same day again charges nothing more");
		keel_enc_free(h);
	}

	keel_enc_free(req);
	redisFree(c);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

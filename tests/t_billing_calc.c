/*
 * keel-billing's pure rules (services/billing/calc.c), with figures worked
 * out by hand from DOMAIN.md section 2 before the code:
 *  - 12 Silver servers: 12 x 750.00 = 9000.00, band 11-20 is 12 %:
 *    discount 1080.00, device fees 7920.00;
 *  - the discount edges: 1 server 0 %, 2 and 5 4 %, 6 8 %, 10 8 %,
 *    11 12 %, 20 12 %, 21 18 %, 50 18 %, 51 25 %, 100 25 %, 101 25 %;
 *  - mixed tiers count together: 3 Bronze + 3 Gold = 6 servers, 8 % of
 *    (1500.00 + 3000.00) = 360.00; add-ons (2 x 45.00) are not discounted:
 *    4500.00 - 360.00 + 90.00 = 4230.00 a month;
 *  - a package of 18 users is the 11-25 band;
 *  - a quote.managed of 12 Silver at 750.00, 1200 bp, add-ons 50.00:
 *    monthly 7970.00; a quote claiming 7971.00 is refused.
 */
#include "billing.h"
#include "tap.h"

#include "codec.h"
#include "error.h"

#include <string.h>

static struct keel_mp_doc *doc;

/* The body of pairs (a JSON-ish builder is overkill: msgpack by hand). */
static const struct keel_obj *
body_of(struct keel_enc *e)
{
	const void *p;
	size_t len;

	keel_mp_doc_free(doc);
	doc = NULL;
	p = keel_enc_data(e, &len);
	if (keel_mp_decode(p, len, &doc) < 0)
		return NULL;
	return keel_mp_doc_root(doc);
}

static void
device(struct keel_enc *e, const char *tier, int count)
{
	keel_enc_map(e, 2);
	keel_enc_kv_str(e, "tier", tier);
	keel_enc_kv_int(e, "count", count);
}

int
main(void)
{
	static struct billing_version v;
	static const struct {
		int servers, bp;
	} edges[] = {{1, 0},     {2, 400},    {5, 400},   {6, 800},
	             {10, 800},  {11, 1200},  {20, 1200}, {21, 1800},
	             {50, 1800}, {51, 2500},  {100, 2500}, {101, 2500}};
	struct keel_enc *e = keel_enc_new();
	struct keel_error err;
	struct billing_rates r;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		is_int(billing_discount_bp(edges[i].servers), edges[i].bp,
		       "discount of %d servers", edges[i].servers);

	keel_enc_map(e, 1);
	keel_enc_str(e, "devices");
	keel_enc_array(e, 1);
	device(e, "silver", 12);
	ok(billing_price(body_of(e), &v, &err) == 0, "12 silver priced");
	is_int(v.nlines, 2, "a device line and a discount line");
	is_int(v.lines[0].amount, 900000, "12 x 750.00 = 9000.00");
	is_int(v.lines[1].amount, -108000, "12 %% off: -1080.00");
	is_int(v.monthly, 792000, "7920.00 a month");
	is_int(v.device_fee, 792000, "device fees after the discount");
	is_int(v.support_min, 720, "12 included hours a month");
	is_int(v.flex_min, 720, "12 flex hours a month");
	is_int(v.tier, BILLING_SILVER, "silver");

	keel_enc_reset(e);
	keel_enc_map(e, 2);
	keel_enc_str(e, "devices");
	keel_enc_array(e, 2);
	device(e, "bronze", 3);
	device(e, "gold", 3);
	keel_enc_str(e, "addons");
	keel_enc_array(e, 1);
	keel_enc_map(e, 3);
	keel_enc_kv_str(e, "name", "Offsite backup");
	keel_enc_kv_int(e, "qty", 2);
	keel_enc_kv_int(e, "fee", 4500);
	ok(billing_price(body_of(e), &v, &err) == 0, "mixed tiers priced");
	is_int(v.servers, 6, "6 servers counted together");
	is_int(v.discount_bp, 800, "band 6-10: 8 %%");
	is_int(v.lines[2].amount, -36000, "8 %% of 4500.00 = 360.00");
	is_int(v.lines[3].amount, 9000, "add-ons 2 x 45.00, not discounted");
	is_int(v.monthly, 423000, "4500.00 - 360.00 + 90.00 = 4230.00");
	is_int(v.device_fee, 414000, "device fees 4140.00");
	is_int(v.tier, BILLING_GOLD, "the highest tier is gold");

	keel_enc_reset(e);
	keel_enc_map(e, 1);
	keel_enc_str(e, "package");
	keel_enc_map(e, 2);
	keel_enc_kv_int(e, "users", 18);
	keel_enc_kv_int(e, "fee", 250000);
	ok(billing_price(body_of(e), &v, &err) == 0, "package priced");
	ok(strstr(v.lines[0].text, "11-25 users") != NULL,
	   "18 users is the 11-25 band: %s", v.lines[0].text);
	is_int(v.monthly, 250000, "2500.00 a month");
	is_int(v.servers, 0, "no servers: no included hours");

	keel_enc_reset(e);
	keel_enc_map(e, 1);
	keel_enc_str(e, "quote");
	keel_enc_map(e, 8);
	keel_enc_kv_str(e, "currency", "EUR");
	keel_enc_kv_int(e, "servers", 12);
	keel_enc_kv_str(e, "tier", "silver");
	keel_enc_kv_int(e, "term", 24);
	keel_enc_kv_int(e, "per_server", 75000);
	keel_enc_kv_int(e, "discount_bp", 1200);
	keel_enc_kv_int(e, "addons", 5000);
	keel_enc_kv_int(e, "monthly", 797000);
	ok(billing_price(body_of(e), &v, &err) == 0, "a quote that adds up");
	is_int(v.monthly, 797000, "7970.00 a month as quoted");
	is_int(v.nlines, 3, "devices, discount, add-ons");

	keel_enc_reset(e);
	keel_enc_map(e, 1);
	keel_enc_str(e, "quote");
	keel_enc_map(e, 6);
	keel_enc_kv_int(e, "servers", 12);
	keel_enc_kv_str(e, "tier", "silver");
	keel_enc_kv_int(e, "per_server", 75000);
	keel_enc_kv_int(e, "discount_bp", 1200);
	keel_enc_kv_int(e, "addons", 5000);
	keel_enc_kv_int(e, "monthly", 797100);
	ok(billing_price(body_of(e), &v, &err) < 0, "a quote that does not");
	is_str(err.field, "body.quote.monthly", "the field is named");

	keel_enc_reset(e);
	keel_enc_map(e, 0);
	ok(billing_price(body_of(e), &v, &err) < 0, "no lines refused");
	is_str(err.field, "body.devices", "named: %s", err.message);

	billing_default_rates(BILLING_BRONZE, &r);
	is_int(r.emergency, 18500, "Bronze emergency on site: 185.00 an hour");
	billing_default_rates(BILLING_GOLD, &r);
	is_int(r.onsite, 0, "Gold: on-site support is free");

	keel_enc_free(e);
	keel_mp_doc_free(doc);
	return done_testing();
}

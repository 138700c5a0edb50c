/*
 * t_pricing: keel-pricing's arithmetic against figures computed by hand
 * from DOMAIN.md section 2 (and section 1 for engagements): the discount
 * at every band edge and above the last, managed-services quotes month by
 * month with the term credits, cost-plus and engagements, and the one
 * rounding rule (half away from zero) where a figure falls between cents.
 */
#include "codec.h"
#include "error.h"
#include "pricing.h"
#include "tap.h"

#include <string.h>

int
main(void)
{
	struct pricing_book b;

	pricing_book_default(&b);

	/* Quantity discount: 2-5 4 %, 6-10 8 %, 11-20 12 %, 21-50 18 %,
	 * 51-100 25 %; one server none; above 100 the last band's. */
	{
		static const int servers[] = {1,  2,  5,  6,   10,  11, 20,
		                              21, 50, 51, 100, 101, 500};
		static const int want[] = {0,    400,  400,  800,  800,
		                           1200, 1200, 1800, 1800, 2500,
		                           2500, 2500, 2500};
		int right = 0;

		for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]);
		     i++) {
			int got = pricing_discount_bp(&b, servers[i]);

			if (got == want[i])
				right++;
			else
				diag("%d servers: %d bp, want %d", servers[i],
				     got, want[i]);
		}
		is_int(right, 13,
		       "discount at 1, 2, 5, 6, 10, 11, 20, 21, 50, 51, 100, "
		       "101 and 500 servers");
	}

	/* 12 Silver servers for 24 months: 12 x 750.00 = 9000.00, less
	 * 12 % = 1080.00: 7920.00 a month; setup 1000.00 in month 1; the
	 * 1200.00 credit in month 24; 24 x 7920 + 1000 - 1200 = 189880.00. */
	{
		struct pricing_managed q = {
		    .servers = 12, .term = 24, .tier = TIER_SILVER};

		ok(pricing_quote_managed(&b, &q) == 0, "12 Silver, 24 months");
		is_int(q.list_fee, 900000, "  list 9000.00");
		is_int(q.discount, 108000, "  discount 12 %%: 1080.00");
		is_int(q.monthly, 792000, "  7920.00 a month");
		is_int(q.month[0], 892000,
		       "  month 1 with the setup fee: 8920.00");
		is_int(q.month[22], 792000, "  month 23: 7920.00");
		is_int(q.month[23], 672000,
		       "  month 24 with the credit: 6720.00");
		is_int(q.credits, 120000, "  credits 1200.00");
		is_int(q.total, 18988000, "  contract value 189880.00");
		ok(q.support_hours == 12 && q.flex_hours == 12,
		   "  12 support and 12 flex hours a month");
	}
	/* 1 Gold server for 36 months: 1000.00, no discount; credits in
	 * months 30 and 36 exceed the month: -200.00 each. */
	{
		struct pricing_managed q = {
		    .servers = 1, .term = 36, .tier = TIER_GOLD};

		pricing_quote_managed(&b, &q);
		is_int(q.discount_bp, 0, "1 Gold, 36 months: no discount");
		is_int(q.month[29], -20000,
		       "  month 30: 1000 - 1200 = -200.00");
		is_int(q.month[35], -20000, "  month 36 the same");
		is_int(q.total, 3460000,
		       "  value 36 x 1000 + 1000 - 2 x 1200 = 34600.00");
	}
	/* 7 Bronze for 12 months with a 99.99 add-on: 3500.00 - 8 % =
	 * 3220.00, + 99.99 (never discounted) = 3319.99; 12 x 3319.99 +
	 * 1000.00 = 40839.88. */
	{
		struct pricing_managed q = {.servers = 7,
		                            .term = 12,
		                            .tier = TIER_BRONZE,
		                            .addons = 9999};

		pricing_quote_managed(&b, &q);
		is_int(q.monthly, 331999, "7 Bronze + add-on: 3319.99 a month");
		is_int(q.total, 4083988, "  12 months + setup: 40839.88");
		is_int(q.credits, 0, "  no credit on a 12-month term");
	}
	/* Rounding: 3 servers at 333.33 = 999.99, 4 % = 39.9996 -> 40.00. */
	{
		struct pricing_book odd = b;
		struct pricing_managed q = {
		    .servers = 3, .term = 12, .tier = TIER_BRONZE};

		odd.server_fee[TIER_BRONZE] = 33333;
		pricing_quote_managed(&odd, &q);
		is_int(q.discount, 4000, "4 %% of 999.99 is 40.00 (39.9996)");
		is_int(q.monthly, 95999, "  959.99 a month");
	}

	/* Cost-plus: hardware 1000.00 + 10 %, software 500.00 + 15 %,
	 * affiliate 300.00 + 20 %, staff 2000.00 + 40 % = 1100 + 575 + 360 +
	 * 2800 = 4835.00; over 8 devices 604.375 -> 604.38. */
	{
		struct pricing_costplus q = {
		    .devices = 8,
		    .cost = {100000, 50000, 30000, 200000},
		    .markup_bp = {1000, 1500, 2000, 4000},
		};

		ok(pricing_quote_costplus(&b, &q) == 0, "cost-plus");
		is_int(q.priced[1], 57500,
		       "  software 500.00 + 15 %% = 575.00");
		is_int(q.total, 483500, "  total 4835.00");
		is_int(q.per_device, 60438,
		       "  per device 604.375 -> 604.38 (half away from zero)");
		q.devices = 7;
		q.markup_bp[1] = 1750;
		pricing_quote_costplus(&b, &q);
		is_int(q.total, 484750, "  software at 17.5 %%: 4847.50");
		is_int(q.per_device, 69250, "  over 7 devices: 692.50");
	}

	/* Engagement: 10 units tier 1 at 120.00 + 4 units tier 3 at 200.00 =
	 * 2000.00; on site + 15 % = 2300.00. */
	{
		struct pricing_activity act[2] = {{"install", 1, 10, 0},
		                                  {"architecture", 3, 4, 0}};
		struct pricing_engagement q = {.act = act, .nact = 2};

		pricing_quote_engagement(&b, &q);
		is_int(act[0].price, 120000, "engagement: 10 x 120.00");
		is_int(q.total, 200000, "  remote: 2000.00");
		q.onsite = true;
		pricing_quote_engagement(&b, &q);
		is_int(q.premium, 30000, "  on site: + 15 %% = 300.00");
		is_int(q.total, 230000, "  2300.00");
		act[0].units = 1;
		act[1].units = 1;
		act[0].tier = 1;
		b.unit_rate[0] = 1;
		pricing_quote_engagement(&b, &q);
		is_int(q.premium, 3000, "  15 %% of 200.01 = 30.0015 -> 30.00");
		b.unit_rate[0] = 12000;
	}

	/* Books: members not given keep the defaults; bad bands refused. */
	{
		struct keel_enc *e = keel_enc_new();
		struct keel_mp_doc *doc = NULL;
		struct keel_error err;
		struct pricing_book got;
		const void *p;
		size_t len;

		keel_enc_map(e, 2);
		keel_enc_kv_str(e, "currency", "CHF");
		keel_enc_str(e, "discount_bands");
		keel_enc_array(e, 2);
		keel_enc_map(e, 3);
		keel_enc_kv_int(e, "min", 2);
		keel_enc_kv_int(e, "max", 10);
		keel_enc_kv_int(e, "bp", 500);
		keel_enc_map(e, 3);
		keel_enc_kv_int(e, "min", 10);
		keel_enc_kv_int(e, "max", 20);
		keel_enc_kv_int(e, "bp", 900);
		p = keel_enc_data(e, &len);
		keel_mp_decode(p, len, &doc);
		ok(!pricing_book_from(keel_mp_doc_root(doc), &got, &err) &&
		       strcmp(err.field, "body.discount_bands[1]") == 0,
		   "overlapping bands are refused, naming the band");
		keel_mp_doc_free(doc);
		keel_enc_reset(e);
		keel_enc_map(e, 1);
		keel_enc_kv_str(e, "currency", "CHF");
		p = keel_enc_data(e, &len);
		keel_mp_decode(p, len, &doc);
		ok(pricing_book_from(keel_mp_doc_root(doc), &got, &err) &&
		       strcmp(got.currency, "CHF") == 0 &&
		       got.server_fee[TIER_SILVER] == 75000,
		   "a book of only a currency keeps every default");
		keel_mp_doc_free(doc);
		keel_enc_free(e);
	}
	return done_testing();
}

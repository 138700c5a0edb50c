/*
 * keel-pricing quotes (DOMAIN.md sections 1 and 2), no I/O.
 *
 *  - managed services: servers x the tier's per-server fee, less the
 *    quantity discount of the band holding the number of servers (the
 *    discount is of the per-device fee only; add-ons are not discounted),
 *    plus a la carte add-ons; the setup fee in month 1; a 24-month term
 *    earns the term credit in month 24, a 36-month term in months 30 and
 *    36; the contract's value is the sum of its months;
 *  - cost-plus: each cost plus its markup (each rounded), the total
 *    divided by the devices (rounded);
 *  - engagements: units x the unit rate of the activity's tier, summed;
 *    on site adds the travel premium (basis points of the sum, rounded).
 * Every rounding is libkeel's: half away from zero, once per figure.
 */
#include "pricing.h"

#include "codec.h"
#include "money.h"

#include <errno.h>
#include <string.h>

int
pricing_discount_bp(const struct pricing_book *b, int servers)
{
	int bp = 0;

	for (int i = 0; i < b->nbands; i++) {
		if (servers >= b->bands[i].min && servers <= b->bands[i].max)
			return b->bands[i].bp;
		if (servers > b->bands[i].max)
			bp = b->bands[i].bp; /* above every band: the last */
	}
	return bp;
}

int
pricing_quote_managed(const struct pricing_book *b, struct pricing_managed *q)
{
	int r;

	q->discount_bp = pricing_discount_bp(b, q->servers);
	q->support_hours = b->includes[q->tier].support_hours * q->servers;
	q->flex_hours = b->includes[q->tier].flex_hours * q->servers;
	q->setup_fee = b->setup_fee;
	q->credits = 0;
	q->total = 0;
	if ((r = keel_money_mul(b->server_fee[q->tier], q->servers,
	                        &q->list_fee)) < 0 ||
	    (r = keel_money_bp(q->list_fee, q->discount_bp, &q->discount)) <
	        0 ||
	    (r = keel_money_add(q->list_fee, -q->discount, &q->monthly)) < 0 ||
	    (r = keel_money_add(q->monthly, q->addons, &q->monthly)) < 0)
		return r;
	memset(q->month, 0, sizeof(q->month));
	for (int m = 1; m <= q->term; m++) {
		int64_t v = q->monthly;
		bool credit = (q->term == 24 && m == 24) ||
		              (q->term == 36 && (m == 30 || m == 36));

		if (m == 1 && (r = keel_money_add(v, q->setup_fee, &v)) < 0)
			return r;
		if (credit) {
			if ((r = keel_money_add(v, -b->term_credit, &v)) < 0 ||
			    (r = keel_money_add(q->credits, b->term_credit,
			                        &q->credits)) < 0)
				return r;
		}
		q->month[m - 1] = v;
		if ((r = keel_money_add(q->total, v, &q->total)) < 0)
			return r;
	}
	return 0;
}

int
pricing_quote_costplus(const struct pricing_book *b, struct pricing_costplus *q)
{
	int r;

	(void)b;
	q->total = 0;
	for (int k = 0; k < 4; k++) {
		int64_t up;

		if ((r = keel_money_bp(q->cost[k], q->markup_bp[k], &up)) < 0 ||
		    (r = keel_money_add(q->cost[k], up, &q->priced[k])) < 0 ||
		    (r = keel_money_add(q->total, q->priced[k], &q->total)) < 0)
			return r;
	}
	return keel_money_muldiv(q->total, 1, q->devices, &q->per_device);
}

int
pricing_quote_engagement(const struct pricing_book *b,
                         struct pricing_engagement *q)
{
	int r;

	q->subtotal = 0;
	q->premium = 0;
	for (int i = 0; i < q->nact; i++) {
		struct pricing_activity *a = &q->act[i];

		if ((r = keel_money_mul(b->unit_rate[a->tier - 1], a->units,
		                        &a->price)) < 0 ||
		    (r = keel_money_add(q->subtotal, a->price, &q->subtotal)) <
		        0)
			return r;
	}
	if (q->onsite && (r = keel_money_bp(q->subtotal, b->onsite_premium_bp,
	                                    &q->premium)) < 0)
		return r;
	return keel_money_add(q->subtotal, q->premium, &q->total);
}

void
pricing_engagement_read(const struct keel_obj *acts, const char *connection,
                        struct pricing_engagement *q, int max)
{
	q->onsite = strcmp(connection, "on_site") == 0;
	q->nact = 0;
	for (size_t i = 0; i < keel_obj_len(acts) && q->nact < max; i++) {
		const struct keel_obj *a = keel_obj_at(acts, i);
		struct pricing_activity *act = &q->act[q->nact++];
		int64_t tier = 1, units = 0;

		memset(act, 0, sizeof(*act));
		keel_obj_strcpy(keel_obj_get(a, "name"), act->name,
		                sizeof(act->name));
		keel_obj_int(keel_obj_get(a, "tier"), &tier);
		keel_obj_int(keel_obj_get(a, "units"), &units);
		/* Both declarations allow 1..3 only; never index past. */
		act->tier = tier >= 1 && tier <= 3 ? (int)tier : 1;
		act->units = (int)units;
	}
}

/*
 * keel-pricing price books, no I/O: the defaults, reading a book as
 * pricebook.put takes it (over the defaults: members not given keep
 * them), and writing it out.
 */
#include "pricing.h"

#include "codec.h"
#include "error.h"
#include "money.h"
#include "names.h"

#include <stdio.h>
#include <string.h>

const char *const pricing_tier_names[] = {"bronze", "silver", "gold", NULL};
const char *const pricing_markup_names[] = {"hardware", "software", "affiliate",
                                            "staff", NULL};

int
pricing_tier_parse(const char *s)
{
	int i = keel_enum_parse(pricing_tier_names, s);

	return i < 0 ? -1 : i;
}

void
pricing_book_default(struct pricing_book *b)
{
	static const struct pricing_band bands[] = {
	    {2, 5, 400},    {6, 10, 800},    {11, 20, 1200},
	    {21, 50, 1800}, {51, 100, 2500},
	};

	memset(b, 0, sizeof(*b));
	memcpy(b->currency, "EUR", 4);
	b->unit_rate[0] = 12000;
	b->unit_rate[1] = 15000;
	b->unit_rate[2] = 20000;
	b->onsite_premium_bp = 1500;
	b->server_fee[TIER_BRONZE] = 50000;
	b->server_fee[TIER_SILVER] = 75000;
	b->server_fee[TIER_GOLD] = 100000;
	memcpy(b->bands, bands, sizeof(bands));
	b->nbands = 5;
	b->setup_fee = 100000;
	b->term_credit = 120000;
	/* Gold includes emergency and on-site support: 0 per hour. */
	b->hourly_remote[TIER_BRONZE] = 12000;
	b->hourly_remote[TIER_SILVER] = 11000;
	b->hourly_remote[TIER_GOLD] = 10000;
	b->hourly_onsite[TIER_BRONZE] = 15000;
	b->hourly_onsite[TIER_SILVER] = 14000;
	b->hourly_onsite[TIER_GOLD] = 0;
	b->hourly_emergency[TIER_BRONZE] = 18500;
	b->hourly_emergency[TIER_SILVER] = 16500;
	b->hourly_emergency[TIER_GOLD] = 0;
	b->packages[0].min_users = 1;
	b->packages[0].max_users = 10;
	b->packages[0].per_user = 9000;
	b->packages[1].min_users = 11;
	b->packages[1].max_users = 25;
	b->packages[1].per_user = 8000;
	b->packages[2].min_users = 26;
	b->packages[2].max_users = 50;
	b->packages[2].per_user = 7000;
	b->markup_min_bp[MK_HARDWARE] = b->markup_max_bp[MK_HARDWARE] = 1000;
	b->markup_min_bp[MK_SOFTWARE] = 1500;
	b->markup_max_bp[MK_SOFTWARE] = 2000;
	b->markup_min_bp[MK_AFFILIATE] = 2000;
	b->markup_max_bp[MK_AFFILIATE] = 2500;
	b->markup_min_bp[MK_STAFF] = 4000;
	b->markup_max_bp[MK_STAFF] = 5000;
	/* Every tier: 1 support and 1 flex hour; Silver and Gold future OS
	 * upgrades; Gold 24x7 emergency and free on-site support. */
	for (int t = 0; t < 3; t++) {
		b->includes[t].support_hours = 1;
		b->includes[t].flex_hours = 1;
		b->includes[t].os_upgrades = t >= TIER_SILVER;
		b->includes[t].emergency_24x7 = t == TIER_GOLD;
		b->includes[t].onsite_free = t == TIER_GOLD;
	}
}

static bool
fail(struct keel_error *err, const char *field, const char *why)
{
	keel_error_set(err, KEEL_E_INVALID_FIELD, field, "%s: %s", field, why);
	return false;
}

/* An int member of o into *v when present. */
static void
take(const struct keel_obj *o, const char *k, int64_t *v)
{
	keel_obj_int(keel_obj_get(o, k), v);
}

bool
pricing_book_from(const struct keel_obj *o, struct pricing_book *b,
                  struct keel_error *err)
{
	const struct keel_obj *a;
	char field[96];
	int64_t v;

	pricing_book_default(b);
	if (keel_obj_get(o, "currency")) {
		keel_obj_strcpy(keel_obj_get(o, "currency"), b->currency,
		                sizeof(b->currency));
		if (!keel_money_currency_valid(b->currency))
			return fail(err, "body.currency",
			            "not a currency code like EUR");
	}
	a = keel_obj_get(o, "unit_rates");
	for (size_t i = 0; a && i < 3 && i < keel_obj_len(a); i++)
		keel_obj_int(keel_obj_at(a, i), &b->unit_rate[i]);
	if (a && keel_obj_len(a) != 3)
		return fail(err, "body.unit_rates",
		            "one rate per tier, 1 to 3");
	v = b->onsite_premium_bp;
	take(o, "onsite_premium_bp", &v);
	b->onsite_premium_bp = (int)v;
	a = keel_obj_get(o, "server_fees");
	for (int t = 0; a && t < 3; t++)
		take(a, pricing_tier_names[t], &b->server_fee[t]);
	a = keel_obj_get(o, "discount_bands");
	if (a) {
		b->nbands = 0;
		for (size_t i = 0; i < keel_obj_len(a) && i < 8; i++) {
			const struct keel_obj *x = keel_obj_at(a, i);
			int64_t mn = 0, mx = 0, bp = 0;

			take(x, "min", &mn);
			take(x, "max", &mx);
			take(x, "bp", &bp);
			snprintf(field, sizeof(field),
			         "body.discount_bands[%zu]", i);
			if (mn > mx || (i > 0 && mn <= b->bands[i - 1].max))
				return fail(
				    err, field,
				    "bands must rise without overlapping");
			b->bands[i] =
			    (struct pricing_band){(int)mn, (int)mx, (int)bp};
			b->nbands++;
		}
	}
	take(o, "setup_fee", &b->setup_fee);
	take(o, "term_credit", &b->term_credit);
	a = keel_obj_get(o, "hourly");
	for (size_t i = 0; a && i < keel_obj_len(a); i++) {
		const struct keel_obj *x = keel_obj_at(a, i);
		char tier[16] = "";
		int t;

		keel_obj_strcpy(keel_obj_get(x, "tier"), tier, sizeof(tier));
		if ((t = pricing_tier_parse(tier)) < 0)
			continue; /* the declaration allows only the three */
		take(x, "remote", &b->hourly_remote[t]);
		take(x, "onsite", &b->hourly_onsite[t]);
		take(x, "emergency", &b->hourly_emergency[t]);
	}
	a = keel_obj_get(o, "includes");
	for (size_t i = 0; a && i < keel_obj_len(a); i++) {
		const struct keel_obj *x = keel_obj_at(a, i);
		char tier[16] = "";
		int64_t h;
		int t;

		keel_obj_strcpy(keel_obj_get(x, "tier"), tier, sizeof(tier));
		if ((t = pricing_tier_parse(tier)) < 0)
			continue;
		h = b->includes[t].support_hours;
		take(x, "support_hours", &h);
		b->includes[t].support_hours = (int)h;
		h = b->includes[t].flex_hours;
		take(x, "flex_hours", &h);
		b->includes[t].flex_hours = (int)h;
		keel_obj_bool(keel_obj_get(x, "os_upgrades"),
		              &b->includes[t].os_upgrades);
		keel_obj_bool(keel_obj_get(x, "emergency_24x7"),
		              &b->includes[t].emergency_24x7);
		keel_obj_bool(keel_obj_get(x, "onsite_free"),
		              &b->includes[t].onsite_free);
	}
	a = keel_obj_get(o, "packages");
	for (size_t i = 0; a && i < keel_obj_len(a) && i < 3; i++) {
		const struct keel_obj *x = keel_obj_at(a, i);
		int64_t mn = 0, mx = 0;

		take(x, "min_users", &mn);
		take(x, "max_users", &mx);
		take(x, "per_user", &b->packages[i].per_user);
		snprintf(field, sizeof(field), "body.packages[%zu]", i);
		if (mn > mx || (i > 0 && mn <= b->packages[i - 1].max_users))
			return fail(err, field,
			            "user bands must rise without overlapping");
		b->packages[i].min_users = (int)mn;
		b->packages[i].max_users = (int)mx;
	}
	a = keel_obj_get(o, "markups");
	for (size_t i = 0; a && i < keel_obj_len(a); i++) {
		const struct keel_obj *x = keel_obj_at(a, i);
		char kind[16] = "";
		int64_t mn, mx;
		int k = -1;

		keel_obj_strcpy(keel_obj_get(x, "kind"), kind, sizeof(kind));
		for (int j = 0; pricing_markup_names[j]; j++)
			if (strcmp(kind, pricing_markup_names[j]) == 0)
				k = j;
		if (k < 0)
			continue;
		mn = b->markup_min_bp[k];
		mx = b->markup_max_bp[k];
		take(x, "min_bp", &mn);
		take(x, "max_bp", &mx);
		if (mn > mx) {
			snprintf(field, sizeof(field), "body.markups[%zu]", i);
			return fail(err, field, "min_bp is above max_bp");
		}
		b->markup_min_bp[k] = (int)mn;
		b->markup_max_bp[k] = (int)mx;
	}
	return true;
}

void
pricing_book_encode(struct keel_enc *e, const struct pricing_book *b,
                    int64_t version)
{
	keel_enc_map(e, 12);
	keel_enc_kv_int(e, "version", version);
	keel_enc_kv_str(e, "currency", b->currency);
	keel_enc_str(e, "unit_rates");
	keel_enc_array(e, 3);
	for (int i = 0; i < 3; i++)
		keel_enc_int(e, b->unit_rate[i]);
	keel_enc_kv_int(e, "onsite_premium_bp", b->onsite_premium_bp);
	keel_enc_str(e, "server_fees");
	keel_enc_map(e, 3);
	for (int t = 0; t < 3; t++)
		keel_enc_kv_int(e, pricing_tier_names[t], b->server_fee[t]);
	keel_enc_str(e, "discount_bands");
	keel_enc_array(e, (uint32_t)b->nbands);
	for (int i = 0; i < b->nbands; i++) {
		keel_enc_map(e, 3);
		keel_enc_kv_int(e, "min", b->bands[i].min);
		keel_enc_kv_int(e, "max", b->bands[i].max);
		keel_enc_kv_int(e, "bp", b->bands[i].bp);
	}
	keel_enc_kv_int(e, "setup_fee", b->setup_fee);
	keel_enc_kv_int(e, "term_credit", b->term_credit);
	keel_enc_str(e, "hourly");
	keel_enc_array(e, 3);
	for (int t = 0; t < 3; t++) {
		keel_enc_map(e, 4);
		keel_enc_kv_str(e, "tier", pricing_tier_names[t]);
		keel_enc_kv_int(e, "remote", b->hourly_remote[t]);
		keel_enc_kv_int(e, "onsite", b->hourly_onsite[t]);
		keel_enc_kv_int(e, "emergency", b->hourly_emergency[t]);
	}
	keel_enc_str(e, "includes");
	keel_enc_array(e, 3);
	for (int t = 0; t < 3; t++) {
		keel_enc_map(e, 6);
		keel_enc_kv_str(e, "tier", pricing_tier_names[t]);
		keel_enc_kv_int(e, "support_hours",
		                b->includes[t].support_hours);
		keel_enc_kv_int(e, "flex_hours", b->includes[t].flex_hours);
		keel_enc_str(e, "os_upgrades");
		keel_enc_bool(e, b->includes[t].os_upgrades);
		keel_enc_str(e, "emergency_24x7");
		keel_enc_bool(e, b->includes[t].emergency_24x7);
		keel_enc_str(e, "onsite_free");
		keel_enc_bool(e, b->includes[t].onsite_free);
	}
	keel_enc_str(e, "packages");
	keel_enc_array(e, 3);
	for (int i = 0; i < 3; i++) {
		keel_enc_map(e, 3);
		keel_enc_kv_int(e, "min_users", b->packages[i].min_users);
		keel_enc_kv_int(e, "max_users", b->packages[i].max_users);
		keel_enc_kv_int(e, "per_user", b->packages[i].per_user);
	}
	keel_enc_str(e, "markups");
	keel_enc_array(e, 4);
	for (int k = 0; k < 4; k++) {
		keel_enc_map(e, 3);
		keel_enc_kv_str(e, "kind", pricing_markup_names[k]);
		keel_enc_kv_int(e, "min_bp", b->markup_min_bp[k]);
		keel_enc_kv_int(e, "max_bp", b->markup_max_bp[k]);
	}
}

bool
pricing_book_stored(const char *blob, size_t len, struct pricing_book *b)
{
	struct keel_mp_doc *doc = NULL;
	struct keel_error err;
	bool ok;

	if (!blob || len == 0) {
		pricing_book_default(b);
		return true;
	}
	ok = keel_mp_decode(blob, len, &doc) == 0 &&
	     pricing_book_from(keel_mp_doc_root(doc), b, &err);
	keel_mp_doc_free(doc);
	return ok;
}

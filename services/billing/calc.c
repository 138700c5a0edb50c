/*
 * keel-billing's pure rules (DOMAIN.md section 2), no I/O: the price of a
 * contract version's lines.
 *
 *  - per-device tier lines: count x fee (the tier's list fee when none is
 *    given); the quantity discount of the band holding the number of
 *    servers of every device line together is taken off the per-device
 *    fees only, as one line, rounded once (libkeel's rule, money.h);
 *  - a complete package sized by users (1-10, 11-25, 26-50): its fee;
 *  - a la carte add-ons: qty x fee, never discounted;
 *  - from an accepted quote.managed: its servers at its per-server fee,
 *    its discount as quoted, its add-ons; the monthly fee must come out as
 *    the quote's, or the quote is refused.
 * Included hours: 1 support hour and 1 flex hour per server and month.
 */
#include "billing.h"

#include "codec.h"
#include "error.h"
#include "money.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const tier_names[] = {"bronze", "silver", "gold"};
static const char *const tier_titles[] = {"Bronze", "Silver", "Gold"};

int
billing_discount_bp(int servers)
{
	static const struct {
		int min, bp;
	} bands[] = {{51, 2500}, {21, 1800}, {11, 1200}, {6, 800}, {2, 400}};

	/* Above 100 servers the last band's 25 % holds. */
	for (size_t i = 0; i < sizeof(bands) / sizeof(bands[0]); i++)
		if (servers >= bands[i].min)
			return bands[i].bp;
	return 0;
}

int64_t
billing_tier_fee(enum billing_tier t)
{
	static const int64_t fee[] = {50000, 75000, 100000};

	return fee[t];
}

void
billing_default_rates(enum billing_tier t, struct billing_rates *r)
{
	/* Gold includes emergency and on-site support. */
	static const int64_t remote[] = {12000, 11000, 10000};
	static const int64_t onsite[] = {15000, 14000, 0};
	static const int64_t emergency[] = {18500, 16500, 0};

	r->remote = remote[t];
	r->onsite = onsite[t];
	r->emergency = emergency[t];
	r->travel_bp = 1500;
}

static int
tier_of(const struct keel_obj *o, enum billing_tier *ret)
{
	for (int t = 0; t < 3; t++)
		if (keel_obj_streq(o, tier_names[t])) {
			*ret = (enum billing_tier)t;
			return 0;
		}
	return -EINVAL;
}

static struct billing_line *
add_line(struct billing_version *v, struct keel_error *err)
{
	if (v->nlines >= BILLING_LINES_MAX) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, "body.addons",
		               "body: at most %d lines", BILLING_LINES_MAX - 1);
		return NULL;
	}
	memset(&v->lines[v->nlines], 0, sizeof(v->lines[0]));
	return &v->lines[v->nlines++];
}

static int
overflow(struct keel_error *err, const char *field)
{
	keel_error_set(err, KEEL_E_INVALID_FIELD, field,
	               "%s: the amounts are too large", field);
	return -EINVAL;
}

/* count servers of tier t at fee. */
static int
device_line(struct billing_version *v, enum billing_tier t, int64_t count,
            int64_t fee, struct keel_error *err)
{
	struct billing_line *l = add_line(v, err);

	if (!l)
		return -EINVAL;
	snprintf(l->text, sizeof(l->text), "%s managed server, per month",
	         tier_titles[t]);
	l->qty = count;
	l->unit = fee;
	if (keel_money_mul(fee, count, &l->amount) < 0 ||
	    keel_money_add(v->device_fee, l->amount, &v->device_fee) < 0)
		return overflow(err, "body.devices");
	v->servers += (int)count;
	if (t > v->tier)
		v->tier = t;
	return 0;
}

static int
discount_line(struct billing_version *v, int bp, struct keel_error *err)
{
	struct billing_line *l;
	int64_t off;

	v->discount_bp = bp;
	if (bp == 0 || v->device_fee == 0)
		return 0;
	if (keel_money_bp(v->device_fee, bp, &off) < 0)
		return overflow(err, "body.devices");
	if (!(l = add_line(v, err)))
		return -EINVAL;
	snprintf(l->text, sizeof(l->text),
	         "Quantity discount %d.%02d %% (%d servers), per-device fees",
	         bp / 100, bp % 100, v->servers);
	l->qty = 1;
	l->unit = -off;
	l->amount = -off;
	v->device_fee -= off;
	return 0;
}

static int
devices(const struct keel_obj *arr, struct billing_version *v,
        struct keel_error *err)
{
	for (size_t i = 0; i < keel_obj_len(arr); i++) {
		const struct keel_obj *d = keel_obj_at(arr, i);
		enum billing_tier t;
		int64_t count = 0, fee;

		if (tier_of(keel_obj_get(d, "tier"), &t) < 0) {
			keel_error_set(err, KEEL_E_INVALID_FIELD, "body.devices",
			               "body.devices[%zu].tier: bronze, silver "
			               "or gold",
			               i);
			return -EINVAL;
		}
		keel_obj_int(keel_obj_get(d, "count"), &count);
		if (!keel_obj_int(keel_obj_get(d, "fee"), &fee))
			fee = billing_tier_fee(t);
		if (device_line(v, t, count, fee, err) < 0)
			return -EINVAL;
	}
	return discount_line(v, billing_discount_bp(v->servers), err);
}

static int
package(const struct keel_obj *p, struct billing_version *v,
        struct keel_error *err)
{
	static const int band_max[] = {10, 25, 50};
	static const int band_min[] = {1, 11, 26};
	struct billing_line *l;
	int64_t users = 0, fee = 0;
	int b = 0;

	if (!p)
		return 0;
	keel_obj_int(keel_obj_get(p, "users"), &users);
	keel_obj_int(keel_obj_get(p, "fee"), &fee);
	while (b < 2 && users > band_max[b])
		b++;
	if (!(l = add_line(v, err)))
		return -EINVAL;
	snprintf(l->text, sizeof(l->text),
	         "Complete package, %d-%d users (%lld users), per month",
	         band_min[b], band_max[b], (long long)users);
	l->qty = 1;
	l->unit = fee;
	l->amount = fee;
	return 0;
}

static int
addons(const struct keel_obj *arr, struct billing_version *v,
       struct keel_error *err)
{
	for (size_t i = 0; i < keel_obj_len(arr); i++) {
		const struct keel_obj *a = keel_obj_at(arr, i);
		struct billing_line *l = add_line(v, err);
		char name[101] = "";
		int64_t qty = 1, fee = 0;

		if (!l)
			return -EINVAL;
		keel_obj_strcpy(keel_obj_get(a, "name"), name, sizeof(name));
		keel_obj_int(keel_obj_get(a, "qty"), &qty);
		keel_obj_int(keel_obj_get(a, "fee"), &fee);
		snprintf(l->text, sizeof(l->text), "%s, per month", name);
		l->qty = qty;
		l->unit = fee;
		if (keel_money_mul(fee, qty, &l->amount) < 0)
			return overflow(err, "body.addons");
	}
	return 0;
}

/* The lines of an accepted quote.managed reply. */
static int
quoted(const struct keel_obj *q, struct billing_version *v,
       struct keel_error *err)
{
	enum billing_tier t = BILLING_BRONZE;
	int64_t servers = 0, fee = 0, bp = 0, extra = 0, monthly = 0;
	struct billing_line *l;

	tier_of(keel_obj_get(q, "tier"), &t);
	keel_obj_int(keel_obj_get(q, "servers"), &servers);
	keel_obj_int(keel_obj_get(q, "per_server"), &fee);
	keel_obj_int(keel_obj_get(q, "discount_bp"), &bp);
	keel_obj_int(keel_obj_get(q, "addons"), &extra);
	keel_obj_int(keel_obj_get(q, "monthly"), &monthly);
	if (device_line(v, t, servers, fee, err) < 0 ||
	    discount_line(v, (int)bp, err) < 0)
		return -EINVAL;
	if (extra) {
		if (!(l = add_line(v, err)))
			return -EINVAL;
		snprintf(l->text, sizeof(l->text), "Add-ons as quoted, per month");
		l->qty = 1;
		l->unit = extra;
		l->amount = extra;
	}
	return 0;
}

int
billing_price(const struct keel_obj *b, struct billing_version *v,
              struct keel_error *err)
{
	const struct keel_obj *q = keel_obj_get(b, "quote");
	const struct keel_obj *dev = keel_obj_get(b, "devices");
	const struct keel_obj *pkg = keel_obj_get(b, "package");
	const struct keel_obj *add = keel_obj_get(b, "addons");

	memset(v, 0, sizeof(*v));
	if (q && (keel_obj_len(dev) || pkg || keel_obj_len(add))) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, "body.quote",
		               "body.quote: give a quote or lines (devices, "
		               "package, addons), not both");
		return -EINVAL;
	}
	if (!q && !keel_obj_len(dev) && !pkg && !keel_obj_len(add)) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, "body.devices",
		               "body.devices: a contract needs at least one "
		               "line: devices, a package, add-ons or a quote");
		return -EINVAL;
	}
	if (q ? quoted(q, v, err) < 0
	      : devices(dev, v, err) < 0 || package(pkg, v, err) < 0 ||
	            addons(add, v, err) < 0)
		return -EINVAL;
	for (int i = 0; i < v->nlines; i++)
		if (keel_money_add(v->monthly, v->lines[i].amount,
		                   &v->monthly) < 0)
			return overflow(err, "body");
	if (q) {
		int64_t monthly = 0;

		keel_obj_int(keel_obj_get(q, "monthly"), &monthly);
		if (monthly != v->monthly) {
			keel_error_set(err, KEEL_E_INVALID_FIELD,
			               "body.quote.monthly",
			               "body.quote.monthly: %lld (minor units) does not add up: "
			               "servers x per_server less discount_bp "
			               "plus addons is %lld",
			               (long long)monthly, (long long)v->monthly);
			return -EINVAL;
		}
	}
	v->support_min = 60 * v->servers;
	v->flex_min = 60 * v->servers;
	return 0;
}

void
billing_lines_encode(struct keel_enc *e, const struct billing_version *v)
{
	keel_enc_array(e, (uint32_t)v->nlines);
	for (int i = 0; i < v->nlines; i++) {
		keel_enc_map(e, 4);
		keel_enc_kv_str(e, "text", v->lines[i].text);
		keel_enc_kv_int(e, "qty", v->lines[i].qty);
		keel_enc_kv_int(e, "unit", v->lines[i].unit);
		keel_enc_kv_int(e, "amount", v->lines[i].amount);
	}
}

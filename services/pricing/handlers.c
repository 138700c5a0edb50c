/*
 * keel-pricing: the table of requests it answers and their handlers.
 * Price books are versioned data: pricebook.put stores a new version and
 * makes it current; every quote names the version it was computed with
 * and may ask for an older one, so a quote is reproducible whatever
 * changes later.
 *
 * Keys: keel:{pricing}:book:current (the current version number),
 * keel:{pricing}:book:<n> (version n, msgpack as book.c writes it).
 */
#include "pricing.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
pricing_book_put(struct keel_req *req)
{
	struct pricing_book b;
	struct keel_error err;
	struct keel_enc *e, *book;
	const void *p;
	size_t len;

	keel_error_clear(&err);
	if (!pricing_book_from(keel_req_body(req), &b, &err)) {
		keel_req_fail_err(req, &err);
		return;
	}
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	book = keel_enc_new();
	if (!book) {
		keel_enc_free(e);
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	pricing_book_encode(book, &b, 0);
	p = keel_enc_data(book, &len);
	keel_enc_map(e, 2);
	keel_enc_str(e, "book");
	keel_enc_strn(e, p, len);
	keel_enc_kv_str(e, "currency", b.currency);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "pricing_book_put",
	                    .event_prefix = "pricebook.",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(book);
	keel_enc_free(e);
}

/* Reads the book the request names (body.version, else the current) and
 * hands it to then. */
typedef void (*with_book_fn)(struct keel_req *req, const struct pricing_book *b,
                             int64_t version);

static void
book_read(struct keel_req *req, const struct keel_reply *r,
          const struct keel_error *err, with_book_fn then)
{
	struct pricing_book b;
	long long v;
	size_t len = 0;
	const char *blob;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) != 2) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "reading the book");
		return;
	}
	v = keel_reply_int(keel_reply_at(r, 0));
	if (v < 0) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.version",
		              "body.version: no such price book version");
		return;
	}
	blob = keel_reply_str(keel_reply_at(r, 1), &len);
	if (!pricing_book_stored(v == 0 ? NULL : blob, len, &b)) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL,
		              "price book version %lld is unreadable", v);
		return;
	}
	then(req, &b, v);
}

static void
with_book(struct keel_req *req, keel_req_redis_cb cb)
{
	keel_req_read(req, "pricing_book_get", 1,
	              (const char *[]){"keel:{pricing}:book:current"}, NULL, 0,
	              cb);
}

static void
get_then(struct keel_req *req, const struct pricing_book *b, int64_t version)
{
	pricing_book_encode(keel_req_reply(req), b, version);
	keel_req_ok(req);
}

static void
get_read(struct keel_req *req, const struct keel_reply *r,
         const struct keel_error *err)
{
	book_read(req, r, err, get_then);
}

void
pricing_book_get(struct keel_req *req)
{
	with_book(req, get_read);
}

static void
overflow(struct keel_req *req)
{
	keel_req_fail(req, KEEL_E_INVALID_FIELD, "body",
	              "body: the amounts overflow 64-bit minor units");
}

static void
managed_then(struct keel_req *req, const struct pricing_book *b,
             int64_t version)
{
	const struct keel_obj *body = keel_req_body(req);
	const struct keel_obj *addons = keel_obj_get(body, "addons");
	struct pricing_managed q = {0};
	struct keel_enc *e = keel_req_reply(req);
	char tier[16] = "";
	int64_t servers = 0, term = 0;

	keel_obj_int(keel_obj_get(body, "servers"), &servers);
	keel_obj_int(keel_obj_get(body, "term"), &term);
	keel_obj_strcpy(keel_obj_get(body, "tier"), tier, sizeof(tier));
	if (term != 12 && term != 24 && term != 36) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.term",
		              "body.term: %lld months; a term is 12, 24 or 36",
		              (long long)term);
		return;
	}
	q.servers = (int)servers;
	q.term = (int)term;
	q.tier = pricing_tier_parse(tier);
	for (size_t i = 0; i < keel_obj_len(addons); i++) {
		int64_t m = 0;

		keel_obj_int(keel_obj_get(keel_obj_at(addons, i), "monthly"),
		             &m);
		if (__builtin_add_overflow(q.addons, m, &q.addons)) {
			overflow(req);
			return;
		}
	}
	if (pricing_quote_managed(b, &q) < 0) {
		overflow(req);
		return;
	}
	keel_enc_map(e, 18);
	keel_enc_kv_str(e, "currency", b->currency);
	keel_enc_kv_int(e, "book_version", version);
	keel_enc_kv_int(e, "servers", q.servers);
	keel_enc_kv_str(e, "tier", tier);
	keel_enc_kv_int(e, "term", q.term);
	keel_enc_kv_int(e, "per_server", b->server_fee[q.tier]);
	keel_enc_kv_int(e, "list_fee", q.list_fee);
	keel_enc_kv_int(e, "discount_bp", q.discount_bp);
	keel_enc_kv_int(e, "discount", q.discount);
	keel_enc_kv_int(e, "addons", q.addons);
	keel_enc_kv_int(e, "monthly", q.monthly);
	keel_enc_kv_int(e, "setup_fee", q.setup_fee);
	keel_enc_kv_int(e, "credits", q.credits);
	keel_enc_kv_int(e, "total", q.total);
	keel_enc_str(e, "months");
	keel_enc_array(e, (uint32_t)q.term);
	for (int m = 0; m < q.term; m++)
		keel_enc_int(e, q.month[m]);
	keel_enc_kv_int(e, "first_payment", q.month[0]);
	keel_enc_kv_int(e, "support_hours", q.support_hours);
	keel_enc_kv_int(e, "flex_hours", q.flex_hours);
	keel_req_ok(req);
}

static void
managed_read(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	book_read(req, r, err, managed_then);
}

void
pricing_managed(struct keel_req *req)
{
	with_book(req, managed_read);
}

static void
costplus_then(struct keel_req *req, const struct pricing_book *b,
              int64_t version)
{
	static const char *const cost_names[] = {"hardware", "software",
	                                         "affiliate", "staff"};
	static const char *const markup_fields[] = {
	    "hardware_bp", "software_bp", "affiliate_bp", "staff_bp"};
	const struct keel_obj *body = keel_req_body(req);
	struct pricing_costplus q = {0};
	struct keel_enc *e = keel_req_reply(req);
	int64_t devices = 0;

	keel_obj_int(keel_obj_get(body, "devices"), &devices);
	q.devices = (int)devices;
	for (int k = 0; k < 4; k++) {
		int64_t bp = b->markup_min_bp[k];

		keel_obj_int(keel_obj_get(body, cost_names[k]), &q.cost[k]);
		keel_obj_int(keel_obj_get(body, markup_fields[k]), &bp);
		if (bp < b->markup_min_bp[k] || bp > b->markup_max_bp[k]) {
			char field[40];

			snprintf(field, sizeof(field), "body.%s",
			         markup_fields[k]);
			keel_req_fail(req, KEEL_E_INVALID_FIELD, field,
			              "%s: %lld bp is outside the price book's "
			              "%d-%d bp for %s",
			              field, (long long)bp, b->markup_min_bp[k],
			              b->markup_max_bp[k], cost_names[k]);
			return;
		}
		q.markup_bp[k] = (int)bp;
	}
	if (pricing_quote_costplus(b, &q) < 0) {
		overflow(req);
		return;
	}
	keel_enc_map(e, 6);
	keel_enc_kv_str(e, "currency", b->currency);
	keel_enc_kv_int(e, "book_version", version);
	keel_enc_kv_int(e, "devices", q.devices);
	keel_enc_str(e, "lines");
	keel_enc_array(e, 4);
	for (int k = 0; k < 4; k++) {
		keel_enc_map(e, 4);
		keel_enc_kv_str(e, "kind", cost_names[k]);
		keel_enc_kv_int(e, "cost", q.cost[k]);
		keel_enc_kv_int(e, "markup_bp", q.markup_bp[k]);
		keel_enc_kv_int(e, "priced", q.priced[k]);
	}
	keel_enc_kv_int(e, "total", q.total);
	keel_enc_kv_int(e, "per_device", q.per_device);
	keel_req_ok(req);
}

static void
costplus_read(struct keel_req *req, const struct keel_reply *r,
              const struct keel_error *err)
{
	book_read(req, r, err, costplus_then);
}

void
pricing_costplus(struct keel_req *req)
{
	with_book(req, costplus_read);
}

void
pricing_engagement_encode(struct keel_enc *e, const struct pricing_book *b,
                          int64_t version, const struct pricing_engagement *q)
{
	keel_enc_map(e, 6);
	keel_enc_kv_str(e, "currency", b->currency);
	keel_enc_kv_int(e, "book_version", version);
	keel_enc_str(e, "activities");
	keel_enc_array(e, (uint32_t)q->nact);
	for (int i = 0; i < q->nact; i++) {
		const struct pricing_activity *a = &q->act[i];

		keel_enc_map(e, 5);
		keel_enc_kv_str(e, "name", a->name);
		keel_enc_kv_int(e, "tier", a->tier);
		keel_enc_kv_int(e, "units", a->units);
		keel_enc_kv_int(e, "unit_rate", b->unit_rate[a->tier - 1]);
		keel_enc_kv_int(e, "price", a->price);
	}
	keel_enc_kv_int(e, "subtotal", q->subtotal);
	keel_enc_kv_int(e, "onsite_premium", q->premium);
	keel_enc_kv_int(e, "total", q->total);
}

static void
engagement_then(struct keel_req *req, const struct pricing_book *b,
                int64_t version)
{
	const struct keel_obj *body = keel_req_body(req);
	const struct keel_obj *acts = keel_obj_get(body, "activities");
	struct pricing_activity act[100];
	struct pricing_engagement q = {.act = act};
	struct keel_enc *e = keel_req_reply(req);
	char conn[16] = "";

	keel_obj_strcpy(keel_obj_get(body, "connection"), conn, sizeof(conn));
	pricing_engagement_read(acts, conn, &q, 100);
	if (pricing_quote_engagement(b, &q) < 0) {
		overflow(req);
		return;
	}
	pricing_engagement_encode(e, b, version, &q);
	keel_req_ok(req);
}

static void
engagement_read(struct keel_req *req, const struct keel_reply *r,
                const struct keel_error *err)
{
	book_read(req, r, err, engagement_then);
}

void
pricing_engagement(struct keel_req *req)
{
	with_book(req, engagement_read);
}

const struct keel_handler pricing_handlers[] = {
    {"pricebook.put", pricing_book_put},
    {"pricebook.get", pricing_book_get},
    {"quote.managed", pricing_managed},
    {"quote.costplus", pricing_costplus},
    {"quote.engagement", pricing_engagement},
    {NULL, NULL},
};

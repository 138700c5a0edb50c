/* keel-billing: owns contracts, invoices, payments and the hour-bank
 * ledger (DOMAIN.md section 2, and section 1's invoice on a signed
 * acceptance).  C prices what a request brings (calc.c, pure); the
 * service's Functions library (lua/) keeps contracts, issues invoices
 * with numbers without gaps, allocates payments and keeps the ledger. */
#ifndef KEEL_BILLING_H
#define KEEL_BILLING_H

#include "bus.h"
#include "consumer.h"

#include <stdbool.h>
#include <stdint.h>

struct keel_daemon;
struct keel_enc;
struct keel_error;
struct keel_obj;

/* Every request keel-billing answers besides sys.*, in handlers.c. */
extern const struct keel_handler billing_handlers[];
extern const struct keel_subscription billing_subscriptions[];

/* calc.c: the pure rules, no I/O. */
enum billing_tier { BILLING_BRONZE, BILLING_SILVER, BILLING_GOLD };

#define BILLING_LINES_MAX 80

struct billing_line {
	char text[160];
	int64_t qty;
	int64_t unit;   /* minor units */
	int64_t amount; /* minor units */
};

/* One version of a contract's lines, as priced. */
struct billing_version {
	struct billing_line lines[BILLING_LINES_MAX];
	int nlines;
	int64_t monthly;    /* the sum of the lines */
	int64_t device_fee; /* per-device fees less the discount */
	int servers;
	int discount_bp;
	int support_min, flex_min; /* included each month, all servers */
	enum billing_tier tier;    /* the highest of the device lines */
};

struct billing_rates {
	int64_t remote, onsite, emergency; /* minor units per hour */
	int travel_bp;
};

/* The quantity discount of n servers, basis points (DOMAIN 2). */
int billing_discount_bp(int servers);
/* The list fee of a tier per server and month, minor units. */
int64_t billing_tier_fee(enum billing_tier t);
/* The time-and-materials rates of a tier. */
void billing_default_rates(enum billing_tier t, struct billing_rates *r);
/* Prices the lines of a contract.create or contract.amend body (devices,
 * package, addons; or quote, which it checks adds up); 0, or -EINVAL with
 * err naming the field. */
int billing_price(const struct keel_obj *body, struct billing_version *v,
                  struct keel_error *err);
/* Writes v's lines as a msgpack array of {text, qty, unit, amount}. */
void billing_lines_encode(struct keel_enc *e, const struct billing_version *v);

/* contracts.c */
void billing_contract_create(struct keel_req *req);
void billing_contract_amend(struct keel_req *req);
void billing_contract_activate(struct keel_req *req);
void billing_contract_cancel(struct keel_req *req);
void billing_contract_get(struct keel_req *req);
void billing_contract_list(struct keel_req *req);
void billing_payment_record(struct keel_req *req);
void billing_hours_balance(struct keel_req *req);
/* A YYYY-MM-DD field of the body as a day number; false after refusing
 * the request (when required, or when present and not a date). */
bool billing_day_field(struct keel_req *req, const char *name, bool required,
                       int64_t *ret);
/* A time zone's today and offset (seconds east of UTC) now. */
int64_t billing_today(const char *tz, int32_t *ret_offset);

/* invoices.c */
void billing_invoice_run(struct keel_req *req);
void billing_invoice_get(struct keel_req *req);
void billing_invoice_list(struct keel_req *req);
void billing_invoice_void(struct keel_req *req);
void billing_invoice_render(struct keel_req *req);
/* The daily run, on the daemon's tick. */
int64_t billing_tick(struct keel_daemon *d);
/* For ticks: calls the read function fn (no keys, an empty map) and waits;
 * its string reply copied (malloc'd, *ret_len bytes), or NULL when Redis
 * failed, answered an error or ''. */
char *billing_fetch(struct keel_daemon *d, const char *fn, size_t *ret_len);

/* report.c: the monthly customer report. */
struct keel_tz;

/* A calendar month in a customer's zone: its local days, the UTC ms it
 * starts and ends (exclusive), and the ms each of its weeks starts (days
 * 1, 8, 15, 22, 29). */
struct billing_month {
	char name[8]; /* YYYY-MM */
	int64_t first_day, last_day;
	int64_t from_ms, to_ms;
	int64_t weeks[5];
	int nweeks;
};

/* "YYYY-MM" (2000 to 9999, 01 to 12); 0, or -1. */
int billing_report_month_parse(const char *s, int *year, int *month);
/* The bounds of a month in tz (NULL: UTC). */
void billing_report_bounds(const struct keel_tz *tz, int year, int month,
                           struct billing_month *ret);
void billing_report_monthly(struct keel_req *req);
/* On the tick: report.ready for every ended month not yet announced of
 * each customer with an active contract; how many went out. */
int billing_report_tick(struct keel_daemon *d);

/* The service's Redis Functions library (services/billing/lua, joined at
 * build time by cmake/keel_lua.cmake). */
extern const char keel_lua_billing[];

#endif

/* keel-pricing: owns price books and quotes (engagement, managed, cost-plus).
 */
#ifndef KEEL_PRICING_H
#define KEEL_PRICING_H

#include "bus.h"
#include "consumer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_enc;
struct keel_error;
struct keel_obj;
struct keel_store;

/* Every request keel-pricing answers besides sys.*, in handlers.c. */
extern const struct keel_handler pricing_handlers[];

/* book.c: a price book (DOMAIN.md sections 1 and 2), no I/O.  Money is
 * int64 minor units of the book's currency, rates basis points. */
enum pricing_tier { TIER_BRONZE, TIER_SILVER, TIER_GOLD };
extern const char *const pricing_tier_names[];
int pricing_tier_parse(const char *s);

enum pricing_markup { MK_HARDWARE, MK_SOFTWARE, MK_AFFILIATE, MK_STAFF };
extern const char *const pricing_markup_names[];

struct pricing_band {
	int min, max; /* servers, inclusive */
	int bp;       /* discount */
};

struct pricing_book {
	char currency[4];
	int64_t unit_rate[3];  /* per service unit, activity tiers 1-3 */
	int onsite_premium_bp; /* travel premium on an on-site engagement */
	int64_t server_fee[3]; /* per server and month: bronze, silver, gold */
	struct pricing_band bands[8];
	int nbands;
	int64_t setup_fee;
	int64_t term_credit; /* 24 months: once at 24; 36: at 30 and 36 */
	int64_t hourly_remote[3], hourly_onsite[3], hourly_emergency[3];
	struct {
		int min_users, max_users;
		int64_t per_user; /* per user and month */
	} packages[3];
	int markup_min_bp[4], markup_max_bp[4];
	/* What each tier includes, per server and month. */
	struct {
		int support_hours, flex_hours;
		bool os_upgrades, emergency_24x7, onsite_free;
	} includes[3];
};

/* DOMAIN.md's figures, and Keel's where DOMAIN names none (unit rates,
 * the on-site premium, hourly rates but Bronze's emergency 185, package
 * prices): see docs/engagements.md. */
void pricing_book_default(struct pricing_book *b);
/* The book in o (as pricebook.put takes it) over the defaults; false with
 * err naming the field when a value breaks a rule. */
bool pricing_book_from(const struct keel_obj *o, struct pricing_book *b,
                       struct keel_error *err);
/* A stored version (msgpack as pricing_book_encode wrote it; empty: the
 * defaults) into b; false when it is unreadable. */
bool pricing_book_stored(const char *blob, size_t len, struct pricing_book *b);
/* The whole book as a map (pricebook.get's fields but version). */
void pricing_book_encode(struct keel_enc *e, const struct pricing_book *b,
                         int64_t version);

/* quotes.c: the arithmetic, no I/O; every amount exact, every rounding
 * half away from zero (libkeel money.h).  0 or -ERANGE (overflow). */
/* The discount for n servers: the band holding n, or the last band's
 * above it; 0 for one server. */
int pricing_discount_bp(const struct pricing_book *b, int servers);

struct pricing_managed {
	int servers, term, tier;
	int64_t addons; /* a la carte add-ons, per month */
	/* results */
	int64_t list_fee; /* servers x per-server fee */
	int discount_bp;
	int64_t discount; /* on the per-device fee only */
	int64_t monthly;  /* list_fee - discount + addons */
	int64_t setup_fee;
	int64_t month[36]; /* what each month costs: setup in month 1,
	                      credits where they fall */
	int64_t credits;
	int64_t total;                 /* the contract's value over the term */
	int support_hours, flex_hours; /* included per month, all servers */
};
int pricing_quote_managed(const struct pricing_book *b,
                          struct pricing_managed *q);

struct pricing_costplus {
	int devices;
	int64_t cost[4];  /* per month: hardware, software, affiliate, staff */
	int markup_bp[4]; /* chosen, within the book's ranges */
	/* results */
	int64_t priced[4]; /* cost plus its markup */
	int64_t total;
	int64_t per_device; /* total / devices */
};
int pricing_quote_costplus(const struct pricing_book *b,
                           struct pricing_costplus *q);

struct pricing_activity {
	char name[101];
	int tier, units;
	int64_t price; /* result: units x unit rate of its tier */
};
struct pricing_engagement {
	struct pricing_activity *act;
	int nact;
	bool onsite;
	/* results */
	int64_t subtotal, premium, total;
};
int pricing_quote_engagement(const struct pricing_book *b,
                             struct pricing_engagement *q);
/* q's activities (at most max, into q->act) from an activities array as
 * quote.engagement and proposal.drafted carry them; connection on_site
 * adds the premium. */
void pricing_engagement_read(const struct keel_obj *acts,
                             const char *connection,
                             struct pricing_engagement *q, int max);

/* The engagement quote as quote.engagement answers it. */
void pricing_engagement_encode(struct keel_enc *e, const struct pricing_book *b,
                               int64_t version,
                               const struct pricing_engagement *q);

/* proposals.c: pricing each drafted proposal version (consumer + tick). */
struct keel_daemon;
extern const struct keel_subscription pricing_subscriptions[];
/* Prices what is queued: 0 to run again soon, -1 when done. */
int64_t pricing_tick(struct keel_daemon *d);


/* handlers.c */
void pricing_book_put(struct keel_req *req);
void pricing_book_get(struct keel_req *req);
void pricing_managed(struct keel_req *req);
void pricing_costplus(struct keel_req *req);
void pricing_engagement(struct keel_req *req);

/* The service's Redis Functions library (services/pricing/lua, joined at
 * build time by cmake/keel_lua.cmake). */
extern const char keel_lua_pricing[];

#endif

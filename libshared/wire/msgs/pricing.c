/* The messages keel-pricing answers and emits: one declaration each (msg.h). */
#include "msgs_common.h"


static const char *const managed_tiers[] = {"bronze", "silver", "gold", NULL};

static const char *const markup_kinds[] = {"hardware", "software", "affiliate",
                                           "staff", NULL};


static const struct keel_field money_item = {
    "amount", KEEL_F_INT, true, 0, INT64_MAX / 4, .doc = "minor units",
    .money = true};


static const struct keel_field server_fee_fields[] = {
    {"bronze", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},
    {"silver", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},
    {"gold", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},
    END,
};


static const struct keel_field band_fields[] = {
    {"min", KEEL_F_INT, true, 1, 1000000, .doc = "servers, inclusive"},
    {"max", KEEL_F_INT, true, 1, 1000000},
    {"bp", KEEL_F_INT, true, 0, 10000, .doc = "discount, basis points"},
    END,
};


static const struct keel_field band_item = {"band", KEEL_F_MAP, true,
                                            .fields = band_fields};


static const struct keel_field hourly_fields[] = {
    {"tier", KEEL_F_STR, true, .enums = managed_tiers},
    {"remote", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},
    {"onsite", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},
    {"emergency", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},
    END,
};


static const struct keel_field hourly_item = {"rates", KEEL_F_MAP, true,
                                              .fields = hourly_fields};


static const struct keel_field include_fields[] = {
    {"tier", KEEL_F_STR, true, .enums = managed_tiers},
    {"support_hours", KEEL_F_INT, false, 0, 744,
     .doc = "included technical support hours, per server and month"},
    {"flex_hours", KEEL_F_INT, false, 0, 744,
     .doc = "flex hours earned, per server and month"},
    {"os_upgrades", KEEL_F_BOOL, false, .doc = "future OS upgrades"},
    {"emergency_24x7", KEEL_F_BOOL, false},
    {"onsite_free", KEEL_F_BOOL, false, .doc = "free on-site support"},
    END,
};


static const struct keel_field include_item = {"includes", KEEL_F_MAP, true,
                                               .fields = include_fields};


static const struct keel_field package_fields[] = {
    {"min_users", KEEL_F_INT, true, 1, 100000},
    {"max_users", KEEL_F_INT, true, 1, 100000},
    {"per_user", KEEL_F_INT, true, 0, INT64_MAX / 4,
     .doc = "per user and month", .money = true},
    END,
};


static const struct keel_field package_item = {"package", KEEL_F_MAP, true,
                                               .fields = package_fields};


static const struct keel_field markup_fields[] = {
    {"kind", KEEL_F_STR, true, .enums = markup_kinds},
    {"min_bp", KEEL_F_INT, false, 0, 100000},
    {"max_bp", KEEL_F_INT, false, 0, 100000},
    END,
};


static const struct keel_field markup_item = {"markup", KEEL_F_MAP, true,
                                              .fields = markup_fields};


#define BOOK_FIELDS(req)                                                       \
	{"currency", KEEL_F_STR, req, 3, 3, .doc = "ISO 4217, e.g. EUR"},      \
	    {"unit_rates",                                                     \
	     KEEL_F_ARRAY,                                                     \
	     req,                                                              \
	     3,                                                                \
	     3,                                                                \
	     .items = &money_item,                                             \
	     .doc = "per service unit, activity tiers 1, 2, 3"},               \
	    {"onsite_premium_bp",                                              \
	     KEEL_F_INT,                                                       \
	     req,                                                              \
	     0,                                                                \
	     100000,                                                           \
	     .doc = "travel premium on an on-site engagement"},                \
	    {"server_fees", KEEL_F_MAP, req, .fields = server_fee_fields,      \
	     .doc = "per server and month"},                                   \
	    {"discount_bands",                                                 \
	     KEEL_F_ARRAY,                                                     \
	     req,                                                              \
	     0,                                                                \
	     8,                                                                \
	     .items = &band_item,                                              \
	     .doc = "quantity discount by servers; above the last band, its "  \
	            "discount"},                                               \
	    {"setup_fee", KEEL_F_INT, req, 0, INT64_MAX / 4, .money = true},   \
	    {"term_credit",                                                    \
	     KEEL_F_INT,                                                       \
	     req,                                                              \
	     0,                                                                \
	     INT64_MAX / 4,                                                    \
	     .doc = "24 months: once in month 24; 36: months 30 and 36",       \
	     .money = true},                                                   \
	    {"hourly", KEEL_F_ARRAY, req, 0, 3, .items = &hourly_item},        \
	    {"includes",                                                       \
	     KEEL_F_ARRAY,                                                     \
	     req,                                                              \
	     0,                                                                \
	     3,                                                                \
	     .items = &include_item,                                           \
	     .doc = "what each tier includes (all: monitoring, reporting, "    \
	            "patching, anti-virus and backup checks, event logs, "     \
	            "on-call with a 3-hour response)"},                        \
	    {"packages",                                                       \
	     KEEL_F_ARRAY,                                                     \
	     req,                                                              \
	     0,                                                                \
	     3,                                                                \
	     .items = &package_item,                                           \
	     .doc = "complete package by users"},                              \
	{                                                                      \
		"markups", KEEL_F_ARRAY, req, 0, 4,                            \
		    .items = &markup_item, .doc = "cost-plus markup ranges"    \
	}


static const struct keel_field book_put_body[] = {
    BOOK_FIELDS(false),
    END,
};


static const struct keel_field book_put_reply[] = {
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    END,
};


static const struct keel_field book_get_body[] = {
    {"version", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "a past version; the current when absent"},
    END,
};


static const struct keel_field book_get_reply[] = {
    {"version", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "0: the built-in defaults"},
    BOOK_FIELDS(true),
    END,
};


static const struct keel_field book_event_body[] = {
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"currency", KEEL_F_STR, true, 3, 3},
    END,
};


static const struct keel_field addon_fields[] = {
    {"name", KEEL_F_STR, true, 1, 100},
    {"monthly", KEEL_F_INT, true, 0, INT64_MAX / 4, .money = true},
    END,
};


static const struct keel_field addon_item = {"addon", KEEL_F_MAP, true,
                                             .fields = addon_fields};


static const struct keel_field managed_body[] = {
    {"servers", KEEL_F_INT, true, 1, 100000},
    {"tier", KEEL_F_STR, true, .enums = managed_tiers},
    {"term", KEEL_F_INT, true, 12, 36, .doc = "months: 12, 24 or 36"},
    {"addons", KEEL_F_ARRAY, false, 0, 50, .items = &addon_item,
     .doc = "a la carte, per month (not discounted)"},
    {"version", KEEL_F_INT, false, 1, INT64_MAX,
     .doc = "price book version; the current when absent"},
    END,
};


static const struct keel_field month_item = {"amount", KEEL_F_INT, true,
                                             INT64_MIN, INT64_MAX,
                                             .money = true};


static const struct keel_field managed_reply[] = {
    {"currency", KEEL_F_STR, true, 3, 3},
    {"book_version", KEEL_F_INT, true, 0, INT64_MAX},
    {"servers", KEEL_F_INT, true, 1, 100000},
    {"tier", KEEL_F_STR, true, .enums = managed_tiers},
    {"term", KEEL_F_INT, true, 12, 36},
    {"per_server", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"list_fee", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "servers x per-server fee", .money = true},
    {"discount_bp", KEEL_F_INT, true, 0, 10000},
    {"discount", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"addons", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"monthly", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "list fee - discount + add-ons", .money = true},
    {"setup_fee", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"credits", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"total", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "the contract's value: the sum of its months", .money = true},
    {"months", KEEL_F_ARRAY, true, 12, 36, .items = &month_item,
     .doc = "what each month costs (month 1 with the setup fee)"},
    {"first_payment", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "due before service starts: first month and setup fee",
     .money = true},
    {"support_hours", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "support hours included per month, all servers"},
    {"flex_hours", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "flex hours earned per month, all servers"},
    END,
};


static const struct keel_field costplus_body[] = {
    {"devices", KEEL_F_INT, true, 1, 1000000},
    {"hardware", KEEL_F_INT, false, 0, INT64_MAX / 4,
     .doc = "monthly cost, minor units", .money = true},
    {"software", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},
    {"affiliate", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},
    {"staff", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},
    {"hardware_bp", KEEL_F_INT, false, 0, 100000,
     .doc = "markups within the book's ranges; each its range's minimum "
            "when absent"},
    {"software_bp", KEEL_F_INT, false, 0, 100000},
    {"affiliate_bp", KEEL_F_INT, false, 0, 100000},
    {"staff_bp", KEEL_F_INT, false, 0, 100000},
    {"version", KEEL_F_INT, false, 1, INT64_MAX},
    END,
};


static const struct keel_field line_fields[] = {
    {"kind", KEEL_F_STR, true, .enums = markup_kinds},
    {"cost", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"markup_bp", KEEL_F_INT, true, 0, 100000},
    {"priced", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    END,
};


static const struct keel_field line_item = {"line", KEEL_F_MAP, true,
                                            .fields = line_fields};


static const struct keel_field costplus_reply[] = {
    {"currency", KEEL_F_STR, true, 3, 3},
    {"book_version", KEEL_F_INT, true, 0, INT64_MAX},
    {"devices", KEEL_F_INT, true, 1, 1000000},
    {"lines", KEEL_F_ARRAY, true, 4, 4, .items = &line_item},
    {"total", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"per_device", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "the monthly fee per managed device", .money = true},
    END,
};


static const struct keel_field engagement_body[] = {
    {"activities", KEEL_F_ARRAY, true, 1, 100, .items = &activity_item},
    {"connection", KEEL_F_STR, true, .enums = connections},
    {"version", KEEL_F_INT, false, 1, INT64_MAX},
    END,
};


static const struct keel_field priced_fields[] = {
    {"name", KEEL_F_STR, true, 1, 100},
    {"tier", KEEL_F_INT, true, 1, 3},
    {"units", KEEL_F_INT, true, 1, 100000},
    {"unit_rate", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"price", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    END,
};


static const struct keel_field priced_item = {"activity", KEEL_F_MAP, true,
                                              .fields = priced_fields};


static const struct keel_field engagement_reply[] = {
    {"currency", KEEL_F_STR, true, 3, 3},
    {"book_version", KEEL_F_INT, true, 0, INT64_MAX},
    {"activities", KEEL_F_ARRAY, true, 1, 100, .items = &priced_item},
    {"subtotal", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"onsite_premium", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"total", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    END,
};


static const struct keel_field proposal_priced_body[] = {
    {"id", KEEL_F_STR, true, 1, 32, .doc = "the proposal"},
    {"version", KEEL_F_INT, true, 1, 1000},
    {"quote", KEEL_F_MAP, true, .fields = engagement_reply},
    END,
};

const struct keel_msgdecl keel_msgs_pricing[] = {
    {
        .type = "pricebook.put",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "pricing",
        .doc = "Stores a new price book version over the defaults (members not "
               "given keep them) and makes it current; versions are kept.",
        .body = book_put_body,
        .reply = book_put_reply,
    },
    {
        .type = "pricebook.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "pricing",
        .doc = "The current price book, or a past version.",
        .body = book_get_body,
        .reply = book_get_reply,
    },
    {
        .type = "pricebook.updated",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "pricing",
        .doc = "A new price book version is current.",
        .body = book_event_body,
    },
    {
        .type = "quote.managed",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "pricing",
        .doc = "A managed-services quote: N servers at a tier for 12, 24 or 36 "
               "months, with add-ons: the discounted monthly fee, setup fee, "
               "term credits and the contract's value month by month.",
        .body = managed_body,
        .reply = managed_reply,
    },
    {
        .type = "quote.costplus",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "pricing",
        .doc = "A cost-plus quote: monthly costs with their markups, and the "
               "per-device monthly fee.",
        .body = costplus_body,
        .reply = costplus_reply,
    },
    {
        .type = "quote.engagement",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "pricing",
        .doc = "Prices activities: service units x the unit rate of each "
               "activity's tier, plus the travel premium on site.",
        .body = engagement_body,
        .reply = engagement_reply,
    },
    {
        .type = "proposal.priced",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "pricing",
        .doc = "keel-pricing priced a drafted proposal version with the "
               "current price book.",
        .body = proposal_priced_body,
    },
};

const size_t keel_msgs_pricing_count =
    sizeof(keel_msgs_pricing) / sizeof(keel_msgs_pricing[0]);

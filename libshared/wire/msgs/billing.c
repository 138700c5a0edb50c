/* The messages keel-billing answers and emits: one declaration each (msg.h).
 * Every amount is minor units on the wire (.money: keelctl reads and shows
 * it in currency units); dates are the customer's local civil dates,
 * YYYY-MM-DD. */
#include "msgs_common.h"

#define MONEY(name, req, doc_)                                                 \
	{                                                                      \
		name, KEEL_F_INT, req, 0, INT64_MAX / 4, .money = true,        \
		.doc = doc_                                                    \
	}

static const char *const tiers[] = {"bronze", "silver", "gold", NULL};

static const char *const contract_statuses[] = {
    "draft", "awaiting_payment", "active", "cancelled", NULL};

static const char *const invoice_kinds[] = {
    "activation", "periodic", "cancellation", "engagement", "credit_note",
    NULL};

static const char *const invoice_statuses[] = {
    "issued", "partially_paid", "paid", "overdue", "void", NULL};

static const struct keel_field device_fields[] = {
    {"tier", KEEL_F_STR, true, .enums = tiers},
    {"count", KEEL_F_INT, true, 1, 100000, .doc = "servers at this tier"},
    MONEY("fee", false,
          "per server and month; the tier's list fee (500.00, 750.00, "
          "1000.00) when absent"),
    END,
};

static const struct keel_field tier_item = {"devices", KEEL_F_MAP, true,
                                              .fields = device_fields};

static const struct keel_field package_fields[] = {
    {"users", KEEL_F_INT, true, 1, 50,
     .doc = "users covered: the band is 1-10, 11-25 or 26-50"},
    MONEY("fee", true, "per month, hardware, software and service"),
    END,
};

static const struct keel_field addon_fields[] = {
    {"name", KEEL_F_STR, true, 1, 100},
    {"qty", KEEL_F_INT, false, 1, 100000, .doc = "1 when absent"},
    MONEY("fee", true, "per item and month (not discounted)"),
    END,
};

static const struct keel_field addon_item = {"addons", KEEL_F_MAP, true,
                                             .fields = addon_fields};

static const struct keel_field rate_fields[] = {
    MONEY("remote", false, "per hour, in 15-minute increments"),
    MONEY("onsite", false, "per hour on site"),
    MONEY("emergency", false, "per hour, emergency on site (Bronze: 185.00)"),
    {"travel_bp", KEEL_F_INT, false, 0, 10000,
     .doc = "travel premium on on-site work, basis points (1500)"},
    END,
};

/* What quote.managed of keel-pricing answered; the contract keeps it as
 * quoted and refuses one whose figures do not add up. */
static const struct keel_field quote_fields[] = {
    {"currency", KEEL_F_STR, true, 3, 3},
    {"book_version", KEEL_F_INT, false, 0, INT64_MAX},
    {"servers", KEEL_F_INT, true, 1, 100000},
    {"tier", KEEL_F_STR, true, .enums = tiers},
    {"term", KEEL_F_INT, true, 12, 36},
    MONEY("per_server", true, NULL),
    {"discount_bp", KEEL_F_INT, true, 0, 10000},
    MONEY("addons", false, NULL),
    {"monthly", KEEL_F_INT, true, INT64_MIN, INT64_MAX, .money = true},
    MONEY("setup_fee", true, NULL),
    {"list_fee", KEEL_F_INT, false, 0, INT64_MAX, .money = true},
    {"discount", KEEL_F_INT, false, 0, INT64_MAX, .money = true},
    {"credits", KEEL_F_INT, false, 0, INT64_MAX, .money = true},
    {"total", KEEL_F_INT, false, INT64_MIN, INT64_MAX, .money = true},
    {"months", KEEL_F_ARRAY, false, 0, 36},
    {"first_payment", KEEL_F_INT, false, INT64_MIN, INT64_MAX,
     .money = true},
    {"per_device", KEEL_F_INT, false, 0, INT64_MAX, .money = true},
    {"support_hours", KEEL_F_INT, false, 0, INT64_MAX},
    {"flex_hours", KEEL_F_INT, false, 0, INT64_MAX},
    END,
};

#define LINE_FIELDS                                                            \
	{"devices", KEEL_F_ARRAY, false, 0, 20, .items = &tier_item,           \
	 .doc = "per-device tier lines"},                                      \
	    {"package", KEEL_F_MAP, false, .fields = package_fields,           \
	     .doc = "a complete package sized by users"},                      \
	{                                                                      \
		"addons", KEEL_F_ARRAY, false, 0, 50, .items = &addon_item,    \
		    .doc = "a la carte add-ons"                                \
	}

static const struct keel_field contract_create_body[] = {
    {"id", KEEL_F_STR, false, 1, 32,
     .doc = "C-NNNNNN is given when absent"},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"currency", KEEL_F_STR, false, 3, 3, .doc = "EUR when absent"},
    {"term", KEEL_F_INT, false, 12, 120, .doc = "months, at least 12"},
    MONEY("setup_fee", false, "once, on the first invoice (1000.00)"),
    {"payment_days", KEEL_F_INT, false, 0, 120, .doc = "30 when absent"},
    {"sla", KEEL_F_STR, false, 1, 32, .doc = "the SLA policy"},
    MONEY("cancel_fee", false, "the cancellation fee the SLA policy names"),
    {"ld_months", KEEL_F_INT, false, 2, 3,
     .doc = "liquidated damages, months of the affected fees (2)"},
    {"timezone", KEEL_F_STR, false, 1, 64,
     .doc = "the customer's (from keel-intake) when absent"},
    LINE_FIELDS,
    {"rates", KEEL_F_MAP, false, .fields = rate_fields,
     .doc = "time and materials; the contract tier's when absent"},
    {"quote", KEEL_F_MAP, false, .fields = quote_fields,
     .doc = "an accepted quote.managed reply: the lines, term and setup "
            "fee as quoted"},
    END,
};

static const struct keel_field id_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    END,
};

static const struct keel_field contract_list_body[] = {
    {"customer", KEEL_F_STR, false, 1, 32},
    {"status", KEEL_F_STR, false, .enums = contract_statuses},
    END,
};

static const struct keel_field contract_amend_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"date", KEEL_F_STR, true, 10, 10, .doc = "effective, YYYY-MM-DD"},
    LINE_FIELDS,
    {"reason", KEEL_F_STR, false, 0, 500},
    END,
};

static const struct keel_field contract_activate_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"date", KEEL_F_STR, true, 10, 10,
     .doc = "the day the customer formally accepted functionality: billing "
            "starts"},
    {"by", KEEL_F_STR, false, 0, 200, .doc = "the customer's signatory"},
    END,
};

static const struct keel_field contract_cancel_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"date", KEEL_F_STR, true, 10, 10, .doc = "effective, YYYY-MM-DD"},
    {"reason", KEEL_F_STR, true, 1, 500},
    END,
};

static const struct keel_field contract_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = contract_statuses},
    {"currency", KEEL_F_STR, true, 3, 3},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"monthly", KEEL_F_INT, false, INT64_MIN, INT64_MAX, .money = true},
    {"invoice", KEEL_F_STR, false, 0, 32,
     .doc = "the invoice this step issued"},
    {"contract", KEEL_F_MAP, false, .doc = "contract.get: every field"},
    {"versions", KEEL_F_ARRAY, false, 0, 10000},
    END,
};

static const struct keel_field contract_list_reply[] = {
    {"contracts", KEEL_F_ARRAY, true, 0, 100000},
    END,
};

static const struct keel_field contract_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = contract_statuses},
    {"version", KEEL_F_INT, false, 1, INT64_MAX},
    {"date", KEEL_F_STR, false, 0, 10},
    {"monthly", KEEL_F_INT, false, INT64_MIN, INT64_MAX, .money = true},
    {"invoice", KEEL_F_STR, false, 0, 32},
    {"reason", KEEL_F_STR, false, 0, 500},
    END,
};

static const struct keel_field run_body[] = {
    {"date", KEEL_F_STR, false, 10, 10,
     .doc = "issue every invoice whose period starts on or before this "
            "day (each customer's today when absent)"},
    {"contract", KEEL_F_STR, false, 1, 32, .doc = "only this contract"},
    END,
};

static const struct keel_field run_reply[] = {
    {"issued", KEEL_F_ARRAY, true, 0, 100000,
     .doc = "the invoices this run issued"},
    {"overdue", KEEL_F_ARRAY, true, 0, 100000,
     .doc = "invoices this run found overdue"},
    {"more", KEEL_F_BOOL, true,
     .doc = "a run issues at most billing.run_batch invoices: true when "
            "it stopped there (run it again)"},
    END,
};

static const struct keel_field invoice_list_body[] = {
    {"contract", KEEL_F_STR, false, 1, 32},
    {"customer", KEEL_F_STR, false, 1, 32},
    {"status", KEEL_F_STR, false, .enums = invoice_statuses},
    END,
};

static const struct keel_field invoice_void_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"reason", KEEL_F_STR, true, 1, 500},
    {"date", KEEL_F_STR, false, 10, 10,
     .doc = "the credit note's date (today, UTC, when absent)"},
    END,
};

static const char *const formats[] = {"html", "pdf", NULL};

static const struct keel_field invoice_render_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"format", KEEL_F_STR, false, .enums = formats, .doc = "pdf or html"},
    END,
};

static const struct keel_field invoice_render_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"content_type", KEEL_F_STR, true, 1, 64},
    {"data", KEEL_F_BIN, true, 0, INT64_MAX},
    END,
};

static const struct keel_field invoice_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"kind", KEEL_F_STR, true, .enums = invoice_kinds},
    {"status", KEEL_F_STR, true, .enums = invoice_statuses},
    {"currency", KEEL_F_STR, true, 3, 3},
    {"total", KEEL_F_INT, true, INT64_MIN, INT64_MAX, .money = true},
    {"paid", KEEL_F_INT, false, INT64_MIN, INT64_MAX, .money = true},
    {"open", KEEL_F_INT, false, INT64_MIN, INT64_MAX, .money = true},
    {"credit_note", KEEL_F_STR, false, 0, 32},
    END,
};

static const struct keel_field invoice_list_reply[] = {
    {"invoices", KEEL_F_ARRAY, true, 0, 100000},
    END,
};

static const struct keel_field invoice_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"kind", KEEL_F_STR, true, .enums = invoice_kinds},
    {"status", KEEL_F_STR, true, .enums = invoice_statuses},
    {"contract", KEEL_F_STR, false, 0, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"currency", KEEL_F_STR, true, 3, 3},
    {"total", KEEL_F_INT, true, INT64_MIN, INT64_MAX, .money = true},
    {"open", KEEL_F_INT, false, INT64_MIN, INT64_MAX, .money = true},
    {"due", KEEL_F_STR, false, 0, 10},
    {"month", KEEL_F_INT, false, 0, 100000},
    {"credit_note", KEEL_F_STR, false, 0, 32},
    {"reason", KEEL_F_STR, false, 0, 500},
    END,
};

static const struct keel_field payment_body[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    MONEY("amount", true, "received"),
    {"date", KEEL_F_STR, true, 10, 10, .doc = "value date, YYYY-MM-DD"},
    {"invoice", KEEL_F_STR, false, 1, 32,
     .doc = "pay this one first; the oldest open when absent"},
    {"reference", KEEL_F_STR, false, 0, 200},
    END,
};

static const struct keel_field payment_reply[] = {
    {"payment", KEEL_F_STR, true, 1, 32},
    {"allocations", KEEL_F_ARRAY, true, 0, 10000,
     .doc = "{invoice, amount, status} in the order paid"},
    {"unallocated", KEEL_F_INT, true, 0, INT64_MAX, .money = true,
     .doc = "kept as the customer's credit"},
    END,
};

static const struct keel_field payment_event_body[] = {
    {"payment", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"amount", KEEL_F_INT, true, 0, INT64_MAX, .money = true},
    {"currency", KEEL_F_STR, false, 0, 3},
    END,
};

static const struct keel_field hours_body[] = {
    {"contract", KEEL_F_STR, true, 1, 32},
    {"at", KEEL_F_STR, false, 10, 10,
     .doc = "the balance after this day's entries (all when absent)"},
    END,
};

static const struct keel_field hours_reply[] = {
    {"contract", KEEL_F_STR, true, 1, 32},
    {"included_min", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "included support left this month"},
    {"flex_min", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "flex hours not yet taken as blocks"},
    {"block_min", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "what is left of the open 4-hour block"},
    {"billable_min", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "billed beyond included and flex"},
    {"entries", KEEL_F_ARRAY, true, 0, 1000000},
    END,
};

/* --- the monthly customer report (report.c, lua/reports.lua) --- */

static const char *const report_formats[] = {"json", "html", NULL};

static const struct keel_field report_body[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"month", KEEL_F_STR, true, 7, 7,
     .doc = "YYYY-MM, a calendar month in the customer's time zone"},
    {"format", KEEL_F_STR, false, .enums = report_formats,
     .doc = "json (the figures only) or html (the figures and the page); "
            "json when absent"},
    END,
};

static const struct keel_field report_reply[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"month", KEEL_F_STR, true, 7, 7},
    {"figures", KEEL_F_MAP, true,
     .doc = "every figure of the report (docs/reports.md)"},
    {"html", KEEL_F_BIN, false, 0, INT64_MAX,
     .doc = "format html: the page, self-contained UTF-8 HTML"},
    END,
};

static const struct keel_field summary_item = {
    "sentence", KEEL_F_STR, true, 1, 500};

static const struct keel_field report_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 64, .doc = "RPT-<customer>-<month>"},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"month", KEEL_F_STR, true, 7, 7},
    {"incidents", KEEL_F_INT, true, 0, INT64_MAX},
    {"response_met", KEEL_F_INT, true, 0, INT64_MAX},
    {"response_total", KEEL_F_INT, true, 0, INT64_MAX},
    {"resolution_met", KEEL_F_INT, true, 0, INT64_MAX},
    {"resolution_total", KEEL_F_INT, true, 0, INT64_MAX},
    {"alerts", KEEL_F_INT, true, 0, INT64_MAX},
    {"summary", KEEL_F_ARRAY, true, 0, 100, .items = &summary_item,
     .doc = "the report's plain-language summary"},
    END,
};

const struct keel_msgdecl keel_msgs_billing[] = {
    {
        .type = "contract.create",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "billing",
        .doc = "Creates a managed-services contract (draft) from an "
               "accepted quote.managed or from explicit lines: per-device "
               "tiers with the quantity discount, a package, add-ons, and "
               "time-and-materials rates.",
        .body = contract_create_body,
        .reply = contract_reply,
    },
    {
        .type = "contract.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "billing",
        .doc = "A contract with every version.",
        .body = id_body,
        .reply = contract_reply,
    },
    {
        .type = "contract.list",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "billing",
        .doc = "Contracts, by customer or status.",
        .body = contract_list_body,
        .reply = contract_list_reply,
    },
    {
        .type = "contract.amend",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "billing",
        .doc = "A new dated version of the lines (devices added or "
               "removed, tier changed): the rest of the period is "
               "prorated by day onto the next invoice; removing devices "
               "within the term charges liquidated damages.",
        .body = contract_amend_body,
        .reply = contract_reply,
    },
    {
        .type = "contract.activate",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "billing",
        .doc = "The customer formally accepted functionality: billing "
               "starts that day with the first invoice (setup fee and the "
               "first month); the contract awaits its payment before "
               "service starts.",
        .body = contract_activate_body,
        .reply = contract_reply,
    },
    {
        .type = "contract.cancel",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "billing",
        .doc = "Cancels a contract: within the term, liquidated damages "
               "of ld_months of the monthly fees plus the cancellation fee, "
               "on an invoice issued at once.",
        .body = contract_cancel_body,
        .reply = contract_reply,
    },
    {
        .type = "invoice.run",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "billing",
        .doc = "The billing run: every monthly invoice due (in advance) is "
               "issued once per contract and period however often it runs; "
               "overdue invoices accrue late fees.  Safe to repeat.",
        .body = run_body,
        .reply = run_reply,
    },
    {
        .type = "invoice.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "billing",
        .doc = "An invoice or credit note with its lines.",
        .body = id_body,
        .reply = invoice_reply,
    },
    {
        .type = "invoice.list",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "billing",
        .doc = "Invoices, by contract, customer or status, oldest first.",
        .body = invoice_list_body,
        .reply = invoice_list_reply,
    },
    {
        .type = "invoice.void",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "billing",
        .doc = "Voids an unpaid invoice with a credit note of the same "
               "amount; nothing is deleted.",
        .body = invoice_void_body,
        .reply = invoice_reply,
    },
    {
        .type = "invoice.render",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "billing",
        .doc = "The invoice's document: PDF (cairo) or HTML.",
        .body = invoice_render_body,
        .reply = invoice_render_reply,
    },
    {
        .type = "payment.record",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "billing",
        .doc = "A payment received: allocated to the named invoice, then to "
               "the oldest open ones; the rest is the customer's credit.",
        .body = payment_body,
        .reply = payment_reply,
    },
    {
        .type = "hours.balance",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "billing",
        .doc = "A contract's hour bank: included, flex and billable time, "
               "each the sum of its ledger, with every entry's source.",
        .body = hours_body,
        .reply = hours_reply,
    },
#define CONTRACT_EVENT(t, d)                                                   \
	{                                                                      \
		.type = t, .kind = KEEL_MSG_EVENT, .version = 1,               \
		.owner = "billing", .doc = d, .body = contract_event_body,     \
	}
#define INVOICE_EVENT(t, d)                                                    \
	{                                                                      \
		.type = t, .kind = KEEL_MSG_EVENT, .version = 1,               \
		.owner = "billing", .doc = d, .body = invoice_event_body,      \
	}
    CONTRACT_EVENT("contract.created", "A contract was drafted."),
    CONTRACT_EVENT("contract.amended", "A contract has a new version."),
    CONTRACT_EVENT("contract.awaiting_payment",
                   "A contract was activated; service starts once its first "
                   "invoice is paid."),
    CONTRACT_EVENT("contract.service_started",
                   "The first invoice is paid: the contract is active."),
    CONTRACT_EVENT("contract.cancelled", "A contract was cancelled."),
    INVOICE_EVENT("invoice.issued", "An invoice or credit note was issued."),
    INVOICE_EVENT("invoice.paid", "An invoice was paid in full."),
    INVOICE_EVENT("invoice.partially_paid", "A payment covered part of an "
                                            "invoice."),
    INVOICE_EVENT("invoice.overdue",
                  "An invoice is past its due date, unpaid: a reminder."),
    INVOICE_EVENT("invoice.voided", "An invoice was voided by a credit note."),
    {
        .type = "payment.recorded",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "billing",
        .doc = "A payment was recorded and allocated.",
        .body = payment_event_body,
    },
    {
        .type = "report.monthly",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "billing",
        .doc = "A customer's monthly report (DOMAIN.md section 6): "
               "monitoring alerts and the tickets they raised, incidents, SLA "
               "attainment, RFCs, hours; as figures, or as a page.",
        .body = report_body,
        .reply = report_reply,
    },
    {
        .type = "report.ready",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "billing",
        .doc = "A customer's report of a month that has ended is ready "
               "(once per customer and month, for customers with an active "
               "contract); keel-notify sends it to the customer contact.",
        .body = report_event_body,
    },
#undef CONTRACT_EVENT
#undef INVOICE_EVENT
};

const size_t keel_msgs_billing_count =
    sizeof(keel_msgs_billing) / sizeof(keel_msgs_billing[0]);

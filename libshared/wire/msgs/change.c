/* The messages keel-change answers and emits: one declaration each (msg.h).
 * Requests for change (RFCs), the review board, configuration items,
 * freeze windows (DOMAIN.md section 4). */
#include "msgs_common.h"

static const char *const rfc_statuses[] = {
    "submitted", "returned", "cab_review", "approved", "rejected",
    "released",  "implemented", "closed", "withdrawn", NULL};

static const char *const rfc_priorities[] = {"emergency", "high", "normal",
                                             "low", NULL};

static const char *const impacts[] = {"low", "medium", "high", NULL};

static const char *const origins[] = {"internal", "customer", "ticket",
                                      NULL};

static const char *const urgencies[] = {
    "critical", "important", "moderate", "low", "service_release", "major",
    NULL};

static const char *const outcomes[] = {"successful", "partial", "failed",
                                       "backed_out", NULL};

static const char *const ci_kinds[] = {"hardware", "software", "document",
                                       "procedure", NULL};

static const char *const votes[] = {"approve", "reject", NULL};

static const struct keel_field ci_item = {"ci", KEEL_F_STR, true, 1, 64};

static const struct keel_field patch_fields[] = {
    {"components", KEEL_F_STR, true, 1, 1000},
    {"fixes", KEEL_F_STR, true, 1, 2000,
     .doc = "the vulnerability or issue fixed"},
    {"description", KEEL_F_STR, true, 1, 4000},
    {"urgency", KEEL_F_STR, true, .enums = urgencies,
     .doc = "sets the test-and-approve deadline"},
    {"deploy_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "proposed deployment time"},
    {"testing", KEEL_F_STR, false, 0, 4000, .doc = "testing done so far"},
    END,
};

/* What an RFC holds besides its lifecycle; rfc.resubmit takes the same
 * fields, each optional. */
#define RFC_FIELDS(req)                                                        \
	{"customer", KEEL_F_STR, req, 1, 32},                                  \
	    {"problem", KEEL_F_STR, req, 1, 4000,                              \
	     .doc = "the problem or need"},                                    \
	    {"result", KEEL_F_STR, req, 1, 4000,                               \
	     .doc = "the desired result"},                                     \
	    {"affected", KEEL_F_STR, req, 1, 2000,                             \
	     .doc = "who is affected"},                                        \
	    {"how", KEEL_F_STR, req, 1, 4000,                                  \
	     .doc = "how the change will be made"},                            \
	    {"backout", KEEL_F_STR, req, 1, 4000,                              \
	     .doc = "the continuity (back-out) plan if it fails"},             \
	    {"deadline", KEEL_F_STR, false, 10, 10,                            \
	     .doc = "proposed deadline, YYYY-MM-DD"},                          \
	    {"cost", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true},      \
	    {"budget", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true,     \
	     .doc = "budget for approval"},                                    \
	    {"currency", KEEL_F_STR, false, 3, 3, .doc = "EUR when absent"},   \
	    {"priority", KEEL_F_STR, false, .enums = rfc_priorities,           \
	     .doc = "normal when absent"},                                     \
	    {"impact", KEEL_F_STR, false, .enums = impacts,                    \
	     .doc = "low when absent"},                                        \
	    {"cis", KEEL_F_ARRAY, false, 0, 50, .items = &ci_item,             \
	     .doc = "affected configuration items"},                           \
	{                                                                      \
		"patch", KEEL_F_MAP, false, .fields = patch_fields,            \
		    .doc = "for a patch"                                       \
	}

static const struct keel_field rfc_submit_body[] = {
    RFC_FIELDS(true),
    {"origin", KEEL_F_STR, false, .enums = origins,
     .doc = "internal when absent"},
    {"by", KEEL_F_STR, true, 1, 200, .doc = "the originator"},
    END,
};

static const struct keel_field rfc_resubmit_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    RFC_FIELDS(false),
    {"by", KEEL_F_STR, true, 1, 200},
    END,
};

static const struct keel_field rfc_step_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"by", KEEL_F_STR, true, 1, 200, .doc = "who"},
    {"reason", KEEL_F_STR, true, 1, 2000, .doc = "why"},
    END,
};

static const struct keel_field rfc_authorize_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"by", KEEL_F_STR, true, 1, 200, .doc = "the change manager"},
    {"reason", KEEL_F_STR, false, 0, 2000},
    END,
};

static const struct keel_field rfc_close_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"by", KEEL_F_STR, true, 1, 200},
    {"outcome", KEEL_F_STR, true, .enums = outcomes},
    {"reason", KEEL_F_STR, false, 0, 2000},
    END,
};

static const struct keel_field rfc_priority_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"by", KEEL_F_STR, true, 1, 200, .doc = "the change manager"},
    {"priority", KEEL_F_STR, true, .enums = rfc_priorities},
    {"reason", KEEL_F_STR, true, 1, 2000},
    END,
};

static const struct keel_field rfc_list_body[] = {
    {"customer", KEEL_F_STR, false, 1, 32},
    {"ci", KEEL_F_STR, false, 1, 64},
    {"status", KEEL_F_STR, false, .enums = rfc_statuses},
    {"outcome", KEEL_F_STR, false, 1, 32,
     .doc = "rejected, withdrawn, or a closed RFC's outcome"},
    END,
};

static const struct keel_field rfc_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = rfc_statuses},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"customer", KEEL_F_STR, false, 0, 32},
    {"priority", KEEL_F_STR, false, 0, 16},
    {"deadline_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "a patch's test-and-approve deadline"},
    END,
};

static const struct keel_field rfc_list_reply[] = {
    {"rfcs", KEEL_F_ARRAY, true, 0, 100000},
    END,
};

static const struct keel_field rfc_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 0, 32},
    {"status", KEEL_F_STR, true, .enums = rfc_statuses},
    {"from", KEEL_F_STR, false, 0, 16, .doc = "the status before"},
    {"priority", KEEL_F_STR, false, 0, 16},
    {"ticket", KEEL_F_STR, false, 0, 32, .doc = "the ticket it came from"},
    {"by", KEEL_F_STR, false, 0, 200},
    {"reason", KEEL_F_STR, false, 0, 2000},
    {"outcome", KEEL_F_STR, false, 0, 32},
    {"member", KEEL_F_STR, false, 0, 200},
    {"vote", KEEL_F_STR, false, 0, 16},
    {"deadline_ms", KEEL_F_INT, false, 0, INT64_MAX},
    {"version", KEEL_F_INT, false, 1, INT64_MAX},
    END,
};

static const struct keel_field member_item = {"member", KEEL_F_STR, true, 1,
                                              200};

static const struct keel_field cab_put_body[] = {
    {"members", KEEL_F_ARRAY, true, 1, 50, .items = &member_item},
    {"quorum", KEEL_F_INT, true, 1, 50,
     .doc = "votes needed before the board decides"},
    END,
};

static const struct keel_field cab_vote_body[] = {
    {"rfc", KEEL_F_STR, true, 1, 32},
    {"member", KEEL_F_STR, true, 1, 200},
    {"vote", KEEL_F_STR, true, .enums = votes},
    {"reason", KEEL_F_STR, true, 1, 2000},
    END,
};

static const struct keel_field cab_reply[] = {
    {"members", KEEL_F_ARRAY, false, 0, 50},
    {"quorum", KEEL_F_INT, false, 0, 50},
    {"version", KEEL_F_INT, false, 0, INT64_MAX},
    {"rfc", KEEL_F_STR, false, 0, 32},
    {"status", KEEL_F_STR, false, 0, 16},
    {"votes_for", KEEL_F_INT, false, 0, 50, .doc = "cab.vote: the tally"},
    {"votes_against", KEEL_F_INT, false, 0, 50},
    END,
};

static const struct keel_field kind_item = {"kind", KEEL_F_STR, true,
                                            .enums = ci_kinds};
static const struct keel_field customer_item = {"customer", KEEL_F_STR, true,
                                                1, 32};

static const struct keel_field rule_body[] = {
    {"impact", KEEL_F_STR, false, .enums = impacts,
     .doc = "this impact or higher goes to the board (high)"},
    {"ci_kinds", KEEL_F_ARRAY, false, 0, 4, .items = &kind_item,
     .doc = "an RFC touching a CI of these kinds goes to the board"},
    {"customers", KEEL_F_ARRAY, false, 0, 1000, .items = &customer_item,
     .doc = "every RFC of these customers goes to the board"},
    {"cost_over", KEEL_F_INT, false, 0, INT64_MAX / 4, .money = true,
     .doc = "an RFC costing more goes to the board"},
    {"over_budget", KEEL_F_BOOL, false,
     .doc = "an RFC whose cost is over its budget goes to the board"},
    END,
};

static const struct keel_field rule_reply[] = {
    {"version", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};

static const struct keel_field ci_put_body[] = {
    {"id", KEEL_F_STR, true, 1, 64},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"kind", KEEL_F_STR, true, .enums = ci_kinds},
    {"name", KEEL_F_STR, true, 1, 200},
    {"owner", KEEL_F_STR, false, 0, 200},
    {"make_model", KEEL_F_STR, false, 0, 200},
    {"serial", KEEL_F_STR, false, 0, 200},
    {"configuration", KEEL_F_STR, false, 0, 8000},
    {"warranty_end", KEEL_F_STR, false, 10, 10, .doc = "YYYY-MM-DD"},
    {"agreement", KEEL_F_STR, false, 0, 500, .doc = "software agreement"},
    {"migration_date", KEEL_F_STR, false, 10, 10, .doc = "YYYY-MM-DD"},
    {"rfc", KEEL_F_STR, false, 1, 32,
     .doc = "the RFC that makes this change (required after the first "
            "registration)"},
    {"by", KEEL_F_STR, false, 0, 200},
    END,
};

static const struct keel_field ci_id_body[] = {
    {"id", KEEL_F_STR, true, 1, 64},
    END,
};

static const struct keel_field ci_list_body[] = {
    {"customer", KEEL_F_STR, false, 1, 32},
    {"kind", KEEL_F_STR, false, .enums = ci_kinds},
    END,
};

static const struct keel_field ci_reply[] = {
    {"id", KEEL_F_STR, false, 1, 64},
    {"version", KEEL_F_INT, false, 1, INT64_MAX},
    {"cis", KEEL_F_ARRAY, false, 0, 100000},
    {"versions", KEEL_F_ARRAY, false, 0, 100000},
    END,
};

static const struct keel_field ci_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 64},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"kind", KEEL_F_STR, true, .enums = ci_kinds},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"rfc", KEEL_F_STR, false, 0, 32},
    END,
};

static const struct keel_field freeze_put_body[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"id", KEEL_F_STR, true, 1, 32},
    {"from", KEEL_F_STR, true, 16, 16,
     .doc = "YYYY-MM-DDTHH:MM in the customer's time zone"},
    {"to", KEEL_F_STR, true, 16, 16, .doc = "the end, excluded"},
    {"reason", KEEL_F_STR, false, 0, 500},
    END,
};

static const struct keel_field freeze_list_body[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    END,
};

static const struct keel_field freeze_reply[] = {
    {"windows", KEEL_F_ARRAY, false, 0, 10000},
    {"id", KEEL_F_STR, false, 0, 32},
    {"from_ms", KEEL_F_INT, false, 0, INT64_MAX},
    {"to_ms", KEEL_F_INT, false, 0, INT64_MAX},
    END,
};

#define REQ(t, idem, d, b, r)                                                  \
	{                                                                      \
		.type = t, .kind = KEEL_MSG_REQUEST, .version = 1,             \
		.idempotent = idem, .owner = "change", .doc = d, .body = b,    \
		.reply = r                                                     \
	}
#define EV(t, d, b)                                                            \
	{                                                                      \
		.type = t, .kind = KEEL_MSG_EVENT, .version = 1,               \
		.owner = "change", .doc = d, .body = b                         \
	}

const struct keel_msgdecl keel_msgs_change[] = {
    REQ("rfc.submit", true,
        "Submits a request for change (a patch with its urgency gets a "
        "test-and-approve deadline on the customer's business calendar).",
        rfc_submit_body, rfc_reply),
    REQ("rfc.resubmit", true,
        "The originator completes a returned RFC and submits it again.",
        rfc_resubmit_body, rfc_reply),
    REQ("rfc.get", false, "An RFC with its history and votes.", ci_id_body,
        rfc_reply),
    REQ("rfc.list", false,
        "RFCs, open and archived, by customer, CI, status or outcome.",
        rfc_list_body, rfc_list_reply),
    REQ("rfc.authorize", true,
        "Administrative authorization by a change manager: approved, or "
        "to the review board when the high-impact rule says so.",
        rfc_authorize_body, rfc_reply),
    REQ("rfc.return", true,
        "Returns an incomplete RFC to its originator.", rfc_step_body,
        rfc_reply),
    REQ("rfc.reject", true, "A change manager rejects an RFC.", rfc_step_body,
        rfc_reply),
    REQ("rfc.withdraw", true,
        "The originator withdraws an RFC, at any point before release.",
        rfc_step_body, rfc_reply),
    REQ("rfc.release", true,
        "Tested and approved for release; refused inside a freeze window "
        "unless the RFC is an emergency.",
        rfc_step_body, rfc_reply),
    REQ("rfc.implement", true, "The change is implemented.", rfc_step_body,
        rfc_reply),
    REQ("rfc.close", true, "Closes an implemented RFC with its outcome.",
        rfc_close_body, rfc_reply),
    REQ("rfc.priority", true, "A change manager changes the priority.",
        rfc_priority_body, rfc_reply),
    REQ("cab.put", true, "The review board: its members and quorum.",
        cab_put_body, cab_reply),
    REQ("cab.get", false, "The review board.", empty, cab_reply),
    REQ("cab.vote", true,
        "A board member's vote on an RFC in review, with a reason; the "
        "decision falls when the quorum is reached.",
        cab_vote_body, cab_reply),
    REQ("change.rule.put", true,
        "The high-impact rule: what sends an RFC to the review board.",
        rule_body, rule_reply),
    REQ("change.rule.get", false, "The high-impact rule.", empty,
        rule_reply),
    REQ("ci.put", true,
        "Registers a configuration item or records a change to it, "
        "linked to its RFC.",
        ci_put_body, ci_reply),
    REQ("ci.get", false, "A configuration item.", ci_id_body, ci_reply),
    REQ("ci.list", false, "Configuration items by customer or kind.",
        ci_list_body, ci_reply),
    REQ("ci.history", false,
        "Every version of a configuration item with the RFC that made it.",
        ci_id_body, ci_reply),
    REQ("freeze.put", true,
        "A freeze window of a customer: no release of a non-emergency RFC "
        "inside it.",
        freeze_put_body, freeze_reply),
    REQ("freeze.list", false, "A customer's freeze windows.",
        freeze_list_body, freeze_reply),
    EV("rfc.submitted", "An RFC was submitted.", rfc_event_body),
    EV("rfc.resubmitted", "A returned RFC was submitted again.",
       rfc_event_body),
    EV("rfc.returned", "An RFC was returned to its originator.",
       rfc_event_body),
    EV("rfc.cab_review", "An RFC went to the review board.", rfc_event_body),
    EV("rfc.voted", "A board member voted on an RFC.", rfc_event_body),
    EV("rfc.approved", "An RFC was approved.", rfc_event_body),
    EV("rfc.rejected", "An RFC was rejected.", rfc_event_body),
    EV("rfc.withdrawn", "An RFC was withdrawn.", rfc_event_body),
    EV("rfc.released", "An RFC was released.", rfc_event_body),
    EV("rfc.implemented", "An RFC was implemented.", rfc_event_body),
    EV("rfc.closed", "An RFC was closed with its outcome.", rfc_event_body),
    EV("rfc.priority_changed", "A change manager changed the priority.",
       rfc_event_body),
    EV("rfc.overdue",
       "A patch RFC passed its test-and-approve deadline unreleased.",
       rfc_event_body),
    EV("ci.updated", "A configuration item was registered or changed.",
       ci_event_body),
};

const size_t keel_msgs_change_count =
    sizeof(keel_msgs_change) / sizeof(keel_msgs_change[0]);

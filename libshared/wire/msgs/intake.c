/* The messages keel-intake answers and emits: one declaration each (msg.h). */
#include "msgs_common.h"


static const struct keel_field contact_fields[] = {
    {"name", KEEL_F_STR, true, 1, 200},
    {"email", KEEL_F_STR, false, 3, 254},
    {"phone", KEEL_F_STR, false, 3, 40},
    {"role", KEEL_F_STR, false, 1, 64},
    END,
};


static const struct keel_field contact = {"contact", KEEL_F_MAP, true,
                                          .fields = contact_fields};


static const struct keel_field customer_put_body[] = {
    {"id", KEEL_F_STR, false, 1, 32,
     .doc = "letters, digits, '.', '_' or '-'; assigned (C-000001) when "
            "absent"},
    {"name", KEEL_F_STR, true, 1, 200},
    {"timezone", KEEL_F_STR, true, 1, 64,
     .doc = "IANA zone of the customer's business calendar"},
    {"contacts", KEEL_F_ARRAY, false, 0, 50, .items = &contact},
    {"sla_policy", KEEL_F_STR, false, 1, 32,
     .doc = "the SLA policy (sla.put in keel-ticketing) its tickets follow; "
            "\"default\" when absent"},
    END,
};


static const struct keel_field customer_put_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"created", KEEL_F_BOOL, true},
    END,
};


static const struct keel_field customer_id_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    END,
};


static const struct keel_field customer_get_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"name", KEEL_F_STR, true, 1, 200},
    {"timezone", KEEL_F_STR, true, 1, 64},
    {"contacts", KEEL_F_ARRAY, true, 0, 50, .items = &contact},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"created_ms", KEEL_F_INT, true, 0, INT64_MAX},
    {"updated_ms", KEEL_F_INT, true, 0, INT64_MAX},
    {"sla_policy", KEEL_F_STR, true, 1, 32},
    END,
};


static const struct keel_field customer_row_fields[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"name", KEEL_F_STR, true, 1, 200},
    {"timezone", KEEL_F_STR, true, 1, 64},
    {"sla_policy", KEEL_F_STR, true, 1, 32},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    END,
};


static const struct keel_field customer_row = {"customer", KEEL_F_MAP, true,
                                               .fields = customer_row_fields};


static const struct keel_field customer_list_body[] = {
    {"after", KEEL_F_STR, false, 0, 32,
     .doc = "cursor: the next of the previous page"},
    {"limit", KEEL_F_INT, false, 1, 200, .doc = "most customers (50)"},
    END,
};


static const struct keel_field customer_list_reply[] = {
    {"customers", KEEL_F_ARRAY, true, 0, 200, .items = &customer_row,
     .doc = "ordered by id"},
    {"next", KEEL_F_STR, true, 0, 32,
     .doc = "cursor for the next page; empty when this was the last"},
    END,
};


static const struct keel_field customer_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"name", KEEL_F_STR, true, 1, 200},
    {"timezone", KEEL_F_STR, true, 1, 64},
    {"sla_policy", KEEL_F_STR, false, 1, 32},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"contacts", KEEL_F_ARRAY, false, 0, 50, .items = &contact,
     .doc = "whom keel-notify writes to (the first with an email)"},
    END,
};


static const struct keel_field calendar_put_body[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"hours", KEEL_F_ARRAY, true, 1, 7, .items = &hours_item,
     .doc = "working hours per weekday; days not listed are closed"},
    {"holidays", KEEL_F_ARRAY, false, 0, 400, .items = &holiday_item},
    END,
};


static const struct keel_field calendar_put_reply[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    END,
};


static const struct keel_field calendar_get_body[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    END,
};


static const struct keel_field calendar_get_reply[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"timezone", KEEL_F_STR, true, 1, 64},
    {"hours", KEEL_F_ARRAY, true, 1, 7, .items = &hours_item},
    {"holidays", KEEL_F_ARRAY, true, 0, 400, .items = &holiday_item},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    END,
};


static const struct keel_field calendar_event_body[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"timezone", KEEL_F_STR, true, 1, 64},
    {"hours", KEEL_F_ARRAY, true, 1, 7, .items = &hours_item},
    {"holidays", KEEL_F_ARRAY, false, 1, 400, .items = &holiday_item,
     .doc = "absent when there are none"},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    END,
};


static const struct keel_field request_submit_body[] = {
    REQUEST_FIELDS,
    {"received_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "when it was received (a phone call logged later); now when "
            "absent; at most 30 days back, never ahead"},
    END,
};


static const struct keel_field request_submit_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32, .doc = "R-000001"},
    {"priority", KEEL_F_STR, true, .enums = priorities},
    END,
};


static const struct keel_field request_received_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    REQUEST_FIELDS,
    {"received_ms", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};


static const char *const assessment_kinds[] = {"deployment", "upgrade", NULL};

static const char *const verdicts[] = {"feasible", "not_feasible", NULL};

static const char *const assessment_statuses[] = {"submitted", "feasible",
                                                  "not_feasible", NULL};

static const char *const proposal_statuses[] = {
    "draft", "priced", "sent", "accepted", "rejected", "superseded", NULL};

static const struct keel_field date_item = {
    "date", KEEL_F_STR, true, 10, 10, .doc = "YYYY-MM-DD"};

static const struct keel_field reason_item = {"reason", KEEL_F_STR, true, 1,
                                              500};


static const struct keel_field product_fields[] = {
    {"name", KEEL_F_STR, true, 1, 100},
    {"released", KEEL_F_BOOL, true,
     .doc = "false: not yet released (an assessment with it is not "
            "feasible)"},
    {"eligible", KEEL_F_BOOL, true, .doc = "false: off the list"},
    END,
};


static const struct keel_field product_item = {"product", KEEL_F_MAP, true,
                                               .fields = product_fields};


static const struct keel_field product_put_body[] = {
    {"name", KEEL_F_STR, true, 1, 100},
    {"released", KEEL_F_BOOL, false, .doc = "true when absent"},
    {"eligible", KEEL_F_BOOL, false, .doc = "true when absent"},
    END,
};


static const struct keel_field product_list_reply[] = {
    {"products", KEEL_F_ARRAY, true, 0, 500, .items = &product_item,
     .doc = "DOMAIN's list with the changes product.put made, by name"},
    END,
};


static const struct keel_field assessment_fields[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"contact", KEEL_F_STR, true, 1, 200},
    {"kind", KEEL_F_STR, true, .enums = assessment_kinds},
    {"seats", KEEL_F_INT, true, 1, 10000000, .doc = "endpoints"},
    {"products", KEEL_F_ARRAY, true, 1, 30, .items = &name_item,
     .doc = "from the eligible-products list (product.list)"},
    {"current_version", KEEL_F_STR, false, 1, 20,
     .doc = "upgrades: the version installed, e.g. 6 or 7.1"},
    {"target_version", KEEL_F_STR, false, 1, 20,
     .doc = "upgrades: the version wanted, above the current one"},
    {"os", KEEL_F_ARRAY, false, 0, 30, .items = &name_item,
     .doc = "operating systems in the environment"},
    {"sites", KEEL_F_INT, false, 1, 100000},
    {"connection", KEEL_F_STR, true, .enums = connections},
    {"dates", KEEL_F_ARRAY, false, 0, 10, .items = &date_item,
     .doc = "preferred dates, after today"},
    {"remove", KEEL_F_ARRAY, false, 0, 20, .items = &name_item,
     .doc = "third-party security products to remove"},
    END,
};


static const struct keel_field assessment_submit_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32, .doc = "A-000001"},
    {"status", KEEL_F_STR, true, .enums = assessment_statuses},
    END,
};


static const struct keel_field assessment_evaluate_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"result", KEEL_F_STR, true, .enums = verdicts},
    {"reasons", KEEL_F_ARRAY, false, 0, 20, .items = &reason_item,
     .doc = "why not feasible (required then)"},
    {"by", KEEL_F_STR, true, 1, 200, .doc = "the deployment specialist"},
    END,
};


static const struct keel_field assessment_get_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = assessment_statuses},
    {"assessment", KEEL_F_MAP, true, .fields = assessment_fields},
    {"unreleased", KEEL_F_ARRAY, true, 0, 30, .items = &name_item,
     .doc = "chosen products not yet released"},
    {"reasons", KEEL_F_ARRAY, true, 0, 50, .items = &reason_item},
    {"evaluated_by", KEEL_F_STR, true, 0, 200},
    {"submitted_ms", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};


static const struct keel_field assessment_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = assessment_statuses},
    {"seats", KEEL_F_INT, true, 1, 10000000},
    {"kind", KEEL_F_STR, true, .enums = assessment_kinds},
    {"reasons", KEEL_F_ARRAY, false, 0, 50, .items = &reason_item},
    END,
};


static const struct keel_field proposal_content[] = {
    {"environment", KEEL_F_STR, false, 0, 4000, .doc = "environment summary"},
    {"endpoints", KEEL_F_STR, false, 0, 4000, .doc = "endpoint requirements"},
    {"scope", KEEL_F_STR, false, 0, 4000},
    {"activities", KEEL_F_ARRAY, false, 1, 100, .items = &activity_item,
     .doc = "each with its tier and service units"},
    {"removal_in_scope", KEEL_F_BOOL, false,
     .doc = "third-party removal by the vendor's standard method is in "
            "scope; else the customer's task"},
    END,
};


static const struct keel_field proposal_draft_body[] = {
    {"assessment", KEEL_F_STR, true, 1, 32, .doc = "a feasible assessment"},
    {"environment", KEEL_F_STR, false, 0, 4000},
    {"endpoints", KEEL_F_STR, false, 0, 4000},
    {"scope", KEEL_F_STR, true, 1, 4000},
    {"activities", KEEL_F_ARRAY, true, 1, 100, .items = &activity_item},
    {"removal_in_scope", KEEL_F_BOOL, false},
    {"by_hq", KEEL_F_BOOL, false,
     .doc = "drafted by an HQ user (required over 5000 seats)"},
    END,
};


static const struct keel_field proposal_write_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32, .doc = "P-000001"},
    {"version", KEEL_F_INT, true, 1, 1000},
    {"status", KEEL_F_STR, true, .enums = proposal_statuses},
    END,
};


static const struct keel_field proposal_review_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"by", KEEL_F_STR, true, 1, 200, .doc = "the HQ reviewer"},
    END,
};


static const struct keel_field proposal_accept_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"by", KEEL_F_STR, true, 1, 200, .doc = "who accepted for the customer"},
    END,
};


static const struct keel_field proposal_reject_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"reason", KEEL_F_STR, true, 1, 500},
    {"by", KEEL_F_STR, false, 1, 200,
     .doc = "who rejected it (the customer's signatory)"},
    END,
};


static const struct keel_field proposal_revise_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"environment", KEEL_F_STR, false, 0, 4000},
    {"endpoints", KEEL_F_STR, false, 0, 4000},
    {"scope", KEEL_F_STR, false, 1, 4000},
    {"activities", KEEL_F_ARRAY, false, 1, 100, .items = &activity_item},
    {"removal_in_scope", KEEL_F_BOOL, false},
    {"by_hq", KEEL_F_BOOL, false},
    END,
};


static const struct keel_field proposal_get_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"version", KEEL_F_INT, false, 1, 1000, .doc = "the latest when absent"},
    END,
};


static const struct keel_field proposal_get_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"version", KEEL_F_INT, true, 1, 1000},
    {"versions", KEEL_F_INT, true, 1, 1000, .doc = "how many there are"},
    {"status", KEEL_F_STR, true, .enums = proposal_statuses},
    {"assessment", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"seats", KEEL_F_INT, true, 1, 10000000},
    {"connection", KEEL_F_STR, true, .enums = connections},
    {"content", KEEL_F_MAP, true, .fields = proposal_content},
    {"hq_review_required", KEEL_F_BOOL, true, .doc = "over 1000 seats"},
    {"hq_oversight_required", KEEL_F_BOOL, true, .doc = "over 1000 seats"},
    {"hq_schedule_coordination", KEEL_F_BOOL, true, .doc = "over 1000 seats"},
    {"hq_assembles", KEEL_F_BOOL, true, .doc = "over 5000 seats"},
    {"reviewed_by", KEEL_F_STR, true, 0, 200},
    {"quote", KEEL_F_MAP, false,
     .doc = "keel-pricing's quote.engagement for this version (with "
            "book_version), once priced"},
    {"decided_by", KEEL_F_STR, true, 0, 500,
     .doc = "who accepted or rejected it"},
    {"reason", KEEL_F_STR, false, 0, 500, .doc = "why it was rejected"},
    END,
};


static const struct keel_field proposal_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"version", KEEL_F_INT, true, 1, 1000},
    {"status", KEEL_F_STR, true, .enums = proposal_statuses},
    {"assessment", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"seats", KEEL_F_INT, true, 1, 10000000},
    {"connection", KEEL_F_STR, false, .enums = connections},
    {"activities", KEEL_F_ARRAY, false, 1, 100, .items = &activity_item,
     .doc = "drafted: what pricing prices"},
    {"total", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "sent, accepted: the quote's total"},
    {"currency", KEEL_F_STR, false, 3, 3},
    {"by", KEEL_F_STR, false, 0, 500},
    {"reason", KEEL_F_STR, false, 0, 500, .doc = "rejected: why"},
    {"products", KEEL_F_ARRAY, false, 1, 30, .items = &name_item,
     .doc = "accepted: the assessment's products"},
    {"dates", KEEL_F_ARRAY, false, 1, 10, .items = &date_item,
     .doc = "accepted: the customer's preferred dates"},
    {"os", KEEL_F_ARRAY, false, 1, 30, .items = &name_item,
     .doc = "accepted: operating systems in the environment"},
    {"remove", KEEL_F_ARRAY, false, 1, 20, .items = &name_item,
     .doc = "accepted: third-party products to remove"},
    {"removal_in_scope", KEEL_F_BOOL, false,
     .doc = "accepted: their removal is in scope (else the customer's)"},
    END,
};

const struct keel_msgdecl keel_msgs_intake[] = {
    {
        .type = "customer.put",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "Creates or replaces a customer's master data.",
        .body = customer_put_body,
        .reply = customer_put_reply,
    },
    {
        .type = "customer.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "intake",
        .doc = "One customer.",
        .body = customer_id_body,
        .reply = customer_get_reply,
    },
    {
        .type = "customer.list",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "intake",
        .doc = "Customers by id, paged.",
        .body = customer_list_body,
        .reply = customer_list_reply,
    },
    {
        .type = "customer.created",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "A customer was created.",
        .body = customer_event_body,
    },
    {
        .type = "customer.updated",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "A customer's master data changed.",
        .body = customer_event_body,
    },
    {
        .type = "calendar.put",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "Sets a customer's business calendar (in the customer's "
               "time zone): working hours per weekday and holidays.",
        .body = calendar_put_body,
        .reply = calendar_put_reply,
    },
    {
        .type = "calendar.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "intake",
        .doc = "A customer's business calendar.",
        .body = calendar_get_body,
        .reply = calendar_get_reply,
    },
    {
        .type = "calendar.updated",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "A customer's business calendar was set.",
        .body = calendar_event_body,
    },
    {
        .type = "request.submit",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc =
            "Takes a support request from any channel; a monitoring alert must "
            "cross its threshold. Emits request.received, which keel-ticketing "
            "turns into a ticket or links to an open incident.",
        .body = request_submit_body,
        .reply = request_submit_reply,
    },
    {
        .type = "request.received",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "A support request was received.",
        .body = request_received_body,
    },
    {
        .type = "product.put",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "Adds or changes an entry of the eligible-products list: "
               "released, or still to come; eligible or off the list.",
        .body = product_put_body,
        .reply = product_fields,
    },
    {
        .type = "product.list",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "intake",
        .doc = "The eligible-products list: DOMAIN's defaults with "
               "product.put's changes.",
        .body = empty,
        .reply = product_list_reply,
    },
    {
        .type = "assessment.submit",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "A customer's assessment for a deployment or an upgrade.",
        .body = assessment_fields,
        .reply = assessment_submit_reply,
    },
    {
        .type = "assessment.evaluate",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "A deployment specialist's verdict; unreleased products cannot "
               "be feasible.",
        .body = assessment_evaluate_body,
        .reply = assessment_submit_reply,
    },
    {
        .type = "assessment.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "intake",
        .doc = "One assessment.",
        .body = proposal_id_body,
        .reply = assessment_get_reply,
    },
    {
        .type = "assessment.submitted",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "An assessment was submitted.",
        .body = assessment_event_body,
    },
    {
        .type = "assessment.evaluated",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "An assessment was judged feasible or not.",
        .body = assessment_event_body,
    },
    {
        .type = "proposal.draft",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "Drafts a proposal (version 1) for a feasible assessment; "
               "keel-pricing prices it.",
        .body = proposal_draft_body,
        .reply = proposal_write_reply,
    },
    {
        .type = "proposal.review",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "Records the HQ review a proposal over 1000 seats needs before "
               "it is sent.",
        .body = proposal_review_body,
        .reply = proposal_write_reply,
    },
    {
        .type = "proposal.send",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "Sends the priced (and, over 1000 seats, reviewed) latest "
               "version to the customer.",
        .body = proposal_id_body,
        .reply = proposal_write_reply,
    },
    {
        .type = "proposal.accept",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "The customer accepts the sent version.",
        .body = proposal_accept_body,
        .reply = proposal_write_reply,
    },
    {
        .type = "proposal.reject",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "The customer rejects the sent version.",
        .body = proposal_reject_body,
        .reply = proposal_write_reply,
    },
    {
        .type = "proposal.revise",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "intake",
        .doc = "A change request: a new version from the sent or rejected one, "
               "with the changes given; old versions are kept.",
        .body = proposal_revise_body,
        .reply = proposal_write_reply,
    },
    {
        .type = "proposal.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "intake",
        .doc = "One version of a proposal (the latest by default).",
        .body = proposal_get_body,
        .reply = proposal_get_reply,
    },
    {
        .type = "proposal.drafted",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "A proposal version was drafted (also by a revision).",
        .body = proposal_event_body,
    },
    {
        .type = "proposal.reviewed",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "HQ reviewed a proposal.",
        .body = proposal_event_body,
    },
    {
        .type = "proposal.sent",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "A proposal version was sent to the customer.",
        .body = proposal_event_body,
    },
    {
        .type = "proposal.accepted",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "The customer accepted a proposal version.",
        .body = proposal_event_body,
    },
    {
        .type = "proposal.rejected",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "intake",
        .doc = "The customer rejected a proposal version.",
        .body = proposal_event_body,
    },
};

const size_t keel_msgs_intake_count =
    sizeof(keel_msgs_intake) / sizeof(keel_msgs_intake[0]);

/* The messages keel-scheduling answers and emits: one declaration each (msg.h). */
#include "msgs_common.h"


static const char *const orgs[] = {"partner", "hq", NULL};

static const char *const engagement_statuses[] = {
    "accepted", "planned",   "agreed", "executing",
    "verified", "completed", NULL};


static const struct keel_field specialist_put_body[] = {
    {"id", KEEL_F_STR, false, 1, 32,
     .doc = "letters, digits, '.', '_' or '-'; assigned (SP-000001) when "
            "absent"},
    {"name", KEEL_F_STR, true, 1, 200},
    {"org", KEEL_F_STR, true, .enums = orgs, .doc = "partner or HQ"},
    {"tier", KEEL_F_INT, true, 1, 3,
     .doc = "certified tier: activities of this tier and below"},
    {"products", KEEL_F_ARRAY, true, 1, 30, .items = &name_item,
     .doc = "product skills"},
    {"timezone", KEEL_F_STR, true, 1, 64},
    {"hours", KEEL_F_ARRAY, false, 1, 7, .items = &hours_item,
     .doc = "working hours (Monday to Friday 08:00-17:00 when absent)"},
    {"time_off", KEEL_F_ARRAY, false, 0, 400, .items = &holiday_item,
     .doc = "days off, local dates"},
    END,
};


static const struct keel_field specialist_fields[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"name", KEEL_F_STR, true, 1, 200},
    {"org", KEEL_F_STR, true, .enums = orgs},
    {"tier", KEEL_F_INT, true, 1, 3},
    {"products", KEEL_F_ARRAY, true, 0, 30, .items = &name_item},
    {"timezone", KEEL_F_STR, true, 1, 64},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"hours", KEEL_F_ARRAY, false, 0, 7, .items = &hours_item,
     .doc = "specialist.get: working hours, local (the default week when "
            "none were given)"},
    {"time_off", KEEL_F_ARRAY, false, 0, 400, .items = &holiday_item,
     .doc = "specialist.get: days off, local dates"},
    END,
};


static const struct keel_field specialist_row = {"specialist", KEEL_F_MAP, true,
                                                 .fields = specialist_fields};


static const struct keel_field specialist_list_reply[] = {
    {"specialists", KEEL_F_ARRAY, true, 0, 1000, .items = &specialist_row,
     .doc = "by id"},
    END,
};


static const struct keel_field specialist_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"name", KEEL_F_STR, true, 1, 200},
    {"org", KEEL_F_STR, true, .enums = orgs},
    {"tier", KEEL_F_INT, true, 1, 3},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    END,
};


static const struct keel_field plan_engagement_body[] = {
    {"engagement", KEEL_F_STR, true, 1, 32,
     .doc = "the accepted proposal's id"},
    END,
};


static const struct keel_field engagement_by_body[] = {
    {"engagement", KEEL_F_STR, true, 1, 32},
    {"by", KEEL_F_STR, true, 1, 200},
    END,
};


static const struct keel_field plan_item_fields[] = {
    {"activity", KEEL_F_STR, true, 1, 100},
    {"tier", KEEL_F_INT, true, 1, 3},
    {"units", KEEL_F_INT, true, 1, 100000, .doc = "one unit, one hour"},
    {"specialist", KEEL_F_STR, true, 1, 32},
    {"start_ms", KEEL_F_INT, true, 0, INT64_MAX},
    {"end_ms", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "when its working time is done (it may span days)"},
    END,
};


static const struct keel_field plan_item = {"item", KEEL_F_MAP, true,
                                            .fields = plan_item_fields};


static const struct keel_field check_name = {"check", KEEL_F_STR, true, 1,
                                             300};


static const struct keel_field execution_fields[] = {
    {"started_by", KEEL_F_STR, true, 0, 200, .doc = "'' before"},
    {"started_ms", KEEL_F_INT, true, 0, INT64_MAX, .doc = "0 before"},
    {"verified_by", KEEL_F_STR, true, 0, 200},
    {"verified_ms", KEEL_F_INT, true, 0, INT64_MAX},
    {"checks", KEEL_F_ARRAY, true, 0, 100, .items = &check_name,
     .doc = "what the verification checked"},
    END,
};


static const struct keel_field acceptance_fields[] = {
    {"signed_by", KEEL_F_STR, true, 0, 500,
     .doc = "the specialist and the customer's signatory"},
    {"date", KEEL_F_STR, true, 0, 10, .doc = "the protocol's date"},
    {"signed_ms", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};


static const struct keel_field plan_reply[] = {
    {"engagement", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = engagement_statuses},
    {"plan_version", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "each proposal of a plan is a new version"},
    {"items", KEEL_F_ARRAY, true, 0, 100, .items = &plan_item},
    {"seats", KEEL_F_INT, true, 1, 10000000},
    {"hq_coordination_required", KEEL_F_BOOL, true, .doc = "over 1000 seats"},
    {"coordinated_by", KEEL_F_STR, true, 0, 200},
    {"agreed_by", KEEL_F_STR, true, 0, 200},
    {"execution", KEEL_F_MAP, false, .fields = execution_fields,
     .doc = "once started: who started and verified it, when, and the "
            "checks"},
    {"acceptance", KEEL_F_MAP, false, .fields = acceptance_fields,
     .doc = "once signed: the signatories of the acceptance protocol "
            "and its date"},
    END,
};


static const struct keel_field plan_event_body[] = {
    {"engagement", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = engagement_statuses},
    {"plan_version", KEEL_F_INT, true, 0, INT64_MAX},
    {"items", KEEL_F_ARRAY, false, 0, 100, .items = &plan_item},
    {"by", KEEL_F_STR, false, 0, 200},
    END,
};


static const struct keel_field check_item_fields[] = {
    {"item", KEEL_F_STR, true, 1, 300},
    {"ticked_by", KEEL_F_STR, true, 0, 200},
    {"ticked_ms", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};


static const struct keel_field check_item = {"check", KEEL_F_MAP, true,
                                             .fields = check_item_fields};


static const struct keel_field checklist_reply[] = {
    {"engagement", KEEL_F_STR, true, 1, 32},
    {"items", KEEL_F_ARRAY, true, 0, 100, .items = &check_item},
    {"done", KEEL_F_BOOL, true, .doc = "every item ticked"},
    END,
};


static const struct keel_field checklist_tick_body[] = {
    {"engagement", KEEL_F_STR, true, 1, 32},
    {"item", KEEL_F_INT, true, 1, 100, .doc = "its number, from 1"},
    {"by", KEEL_F_STR, true, 1, 200},
    END,
};


static const struct keel_field check_done_item = {"check", KEEL_F_STR, true, 1,
                                                  300};


static const struct keel_field execution_verify_body[] = {
    {"engagement", KEEL_F_STR, true, 1, 32},
    {"by", KEEL_F_STR, true, 1, 200, .doc = "the specialist"},
    {"checks", KEEL_F_ARRAY, true, 1, 50, .items = &check_done_item,
     .doc = "what was checked (products set up correctly)"},
    END,
};


static const struct keel_field acceptance_sign_body[] = {
    {"engagement", KEEL_F_STR, true, 1, 32},
    {"specialist", KEEL_F_STR, true, 1, 200, .doc = "the specialist who signs"},
    {"customer", KEEL_F_STR, true, 1, 200,
     .doc = "the customer's designated person who signs"},
    {"date", KEEL_F_STR, true, 10, 10, .doc = "YYYY-MM-DD, not ahead"},
    END,
};


static const struct keel_field engagement_state_reply[] = {
    {"engagement", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = engagement_statuses},
    END,
};


static const struct keel_field engagement_event_body[] = {
    {"engagement", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = engagement_statuses},
    {"customer", KEEL_F_STR, false, 1, 32},
    {"by", KEEL_F_STR, false, 0, 200},
    {"units", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "completed: the service units of the accepted proposal"},
    {"total", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "completed: the accepted quote's total, to invoice"},
    {"currency", KEEL_F_STR, false, 3, 3},
    {"signed_by", KEEL_F_STR, false, 0, 500,
     .doc = "completed: both signatories"},
    {"date", KEEL_F_STR, false, 10, 10},
    {"item", KEEL_F_STR, false, 0, 300, .doc = "ticked: the item"},
    END,
};

const struct keel_msgdecl keel_msgs_scheduling[] = {
    {
        .type = "specialist.put",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "scheduling",
        .doc = "Creates or replaces a deployment specialist: partner or HQ, "
               "certified tier, product skills, working calendar and time off.",
        .body = specialist_put_body,
        .reply = staff_put_reply,
    },
    {
        .type = "specialist.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "scheduling",
        .doc = "One specialist.",
        .body = proposal_id_body,
        .reply = specialist_fields,
    },
    {
        .type = "specialist.list",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "scheduling",
        .doc = "Every specialist, by id.",
        .body = empty,
        .reply = specialist_list_reply,
    },
    {
        .type = "specialist.created",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "A specialist was added.",
        .body = specialist_event_body,
    },
    {
        .type = "specialist.updated",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "A specialist changed.",
        .body = specialist_event_body,
    },
    {
        .type = "plan.propose",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "scheduling",
        .doc =
            "Plans an accepted engagement: each activity, in order, at the "
            "earliest time a specialist of its tier (tier 3: HQ) with the "
            "products' skills can work its service units, from the customer's "
            "first preferred date, booked atomically so two planners never "
            "book the same hours; a new proposal replaces the previous plan.",
        .body = plan_engagement_body,
        .reply = plan_reply,
    },
    {
        .type = "plan.coordinate",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "scheduling",
        .doc = "Records HQ's coordination of the dates, needed over 1000 seats "
               "before the plan is agreed.",
        .body = engagement_by_body,
        .reply = plan_reply,
    },
    {
        .type = "plan.agree",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "scheduling",
        .doc = "The customer agrees the proposed plan.",
        .body = engagement_by_body,
        .reply = plan_reply,
    },
    {
        .type = "plan.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "scheduling",
        .doc = "An engagement's plan.",
        .body = plan_engagement_body,
        .reply = plan_reply,
    },
    {
        .type = "plan.proposed",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "A plan (version) was proposed.",
        .body = plan_event_body,
    },
    {
        .type = "plan.coordinated",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "HQ coordinated a plan's dates.",
        .body = plan_event_body,
    },
    {
        .type = "plan.agreed",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "The customer agreed a plan.",
        .body = plan_event_body,
    },
    {
        .type = "checklist.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "scheduling",
        .doc = "The engagement's checklist of preconditions, made from its "
               "products, operating systems, connection and removal scope.",
        .body = plan_engagement_body,
        .reply = checklist_reply,
    },
    {
        .type = "checklist.tick",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "scheduling",
        .doc = "Ticks an item of the checklist (who and when are kept).",
        .body = checklist_tick_body,
        .reply = checklist_reply,
    },
    {
        .type = "execution.start",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "scheduling",
        .doc = "Starts the execution of an agreed plan once every checklist "
               "item is ticked.",
        .body = engagement_by_body,
        .reply = engagement_state_reply,
    },
    {
        .type = "execution.verify",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "scheduling",
        .doc = "The specialist's verification of what was set up.",
        .body = execution_verify_body,
        .reply = engagement_state_reply,
    },
    {
        .type = "acceptance.sign",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "scheduling",
        .doc = "The acceptance protocol, signed by the specialist and the "
               "customer's designated person: the engagement is complete and "
               "billable.",
        .body = acceptance_sign_body,
        .reply = engagement_state_reply,
    },
    {
        .type = "checklist.ticked",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "A checklist item was ticked.",
        .body = engagement_event_body,
    },
    {
        .type = "execution.started",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "Execution started.",
        .body = engagement_event_body,
    },
    {
        .type = "execution.verified",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "The specialist verified the result.",
        .body = engagement_event_body,
    },
    {
        .type = "engagement.completed",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "The acceptance protocol was signed by both sides: the "
               "engagement is complete, with the service units and the "
               "accepted quote to invoice.",
        .body = engagement_event_body,
    },
    {
        .type = "engagement.feedback_requested",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "The customer is asked for feedback on a completed engagement.",
        .body = engagement_event_body,
    },
    {
        .type = "engagement.upsell_suggested",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "scheduling",
        .doc = "Premium support is suggested to the customer of a completed "
               "engagement.",
        .body = engagement_event_body,
    },
};

const size_t keel_msgs_scheduling_count =
    sizeof(keel_msgs_scheduling) / sizeof(keel_msgs_scheduling[0]);

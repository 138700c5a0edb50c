/* The messages keel-ticketing answers and emits: one declaration each (msg.h). */
#include "msgs_common.h"


static const char *const staff_roles[] = {"technician", "service_manager",
                                          "executive", "change_manager",
                                          NULL};


static const struct keel_field staff_put_body[] = {
    {"id", KEEL_F_STR, false, 1, 32,
     .doc = "letters, digits, '.', '_' or '-'; assigned (S-000001) when "
            "absent"},
    {"name", KEEL_F_STR, true, 1, 200},
    {"role", KEEL_F_STR, true, .enums = staff_roles},
    {"level", KEEL_F_INT, false, 1, 3,
     .doc = "skill level, required for technicians"},
    {"email", KEEL_F_STR, false, 3, 254},
    {"phone", KEEL_F_STR, false, 3, 40},
    END,
};


static const struct keel_field staff_get_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    END,
};


static const struct keel_field staff_fields[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"name", KEEL_F_STR, true, 1, 200},
    {"role", KEEL_F_STR, true, .enums = staff_roles},
    {"level", KEEL_F_INT, true, 0, 3, .doc = "0 when not a technician"},
    {"email", KEEL_F_STR, true, 0, 254},
    {"phone", KEEL_F_STR, true, 0, 40},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    END,
};


static const struct keel_field staff_member = {"member", KEEL_F_MAP, true,
                                               .fields = staff_fields};


static const struct keel_field staff_list_body[] = {
    {"role", KEEL_F_STR, false, .enums = staff_roles},
    {"after", KEEL_F_STR, false, 0, 32,
     .doc = "cursor: the next of the previous page"},
    {"limit", KEEL_F_INT, false, 1, 200, .doc = "most members (50)"},
    END,
};


static const struct keel_field staff_list_reply[] = {
    {"staff", KEEL_F_ARRAY, true, 0, 200, .items = &staff_member,
     .doc = "ordered by id"},
    {"next", KEEL_F_STR, true, 0, 32,
     .doc = "cursor for the next page; empty when this was the last"},
    END,
};


static const struct keel_field staff_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"name", KEEL_F_STR, true, 1, 200},
    {"role", KEEL_F_STR, true, .enums = staff_roles},
    {"level", KEEL_F_INT, true, 0, 3},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"email", KEEL_F_STR, false, 0, 254,
     .doc = "where keel-notify writes to them"},
    END,
};

static const char *const ticket_statuses[] = {
    "new",         "open",          "hold_research", "hold_resolution",
    "pending_fix", "rfc_submitted", "closed",        NULL};


static const struct keel_field ticket_create_body[] = {
    REQUEST_FIELDS,
    {"received_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "as in request.submit"},
    {"level", KEEL_F_INT, false, 1, 3,
     .doc = "skill level needed (1); a technician of it is assigned"},
    END,
};


static const char *const coverages[] = {"24x7", "business", NULL};


static const struct keel_field sla_target_fields[] = {
    {"priority", KEEL_F_STR, true, .enums = priorities},
    {"response", KEEL_F_STR, true, 1, 16,
     .doc = "first-response target: 30m, 2h, nbd (next business day), "
            "2bd or none"},
    {"resolution", KEEL_F_STR, false, 1, 16,
     .doc = "resolution target, the same forms (none: best effort)"},
    {"coverage", KEEL_F_STR, false, .enums = coverages,
     .doc = "when durations count: 24x7 or the customer's business "
            "calendar (default: 24x7 for critical and high)"},
    END,
};


static const struct keel_field sla_target = {"target", KEEL_F_MAP, true,
                                             .fields = sla_target_fields};


static const struct keel_field pause_item = {"status", KEEL_F_STR, true,
                                             .enums = ticket_statuses};


static const struct keel_field pct_item = {"pct", KEEL_F_INT, true, 1, 1000};


static const struct keel_field sla_put_body[] = {
    {"id", KEEL_F_STR, true, 1, 32,
     .doc = "policy id; \"default\" replaces the built-in defaults"},
    {"targets", KEEL_F_ARRAY, false, 0, 4, .items = &sla_target,
     .doc = "per priority; priorities not given keep the defaults"},
    {"pause", KEEL_F_ARRAY, false, 0, 5, .items = &pause_item,
     .doc = "statuses that stop the clock (hold_resolution, pending_fix)"},
    {"escalate_pct", KEEL_F_ARRAY, false, 0, 4, .items = &pct_item,
     .doc = "administrative escalation thresholds, percent of the target "
            "(75, 100): service managers, then executives"},
    END,
};


static const struct keel_field sla_put_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    END,
};


static const struct keel_field sla_get_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"targets", KEEL_F_ARRAY, true, 4, 4, .items = &sla_target},
    {"pause", KEEL_F_ARRAY, true, 0, 5, .items = &pause_item},
    {"escalate_pct", KEEL_F_ARRAY, true, 0, 4, .items = &pct_item},
    {"version", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "0: the built-in defaults"},
    END,
};


static const struct keel_field ticket_write_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32, .doc = "T-000001"},
    {"status", KEEL_F_STR, true, .enums = ticket_statuses},
    {"assignee", KEEL_F_STR, true, 0, 32, .doc = "empty when unassigned"},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    END,
};


static const struct keel_field ticket_id_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    END,
};


static const struct keel_field time_entry_fields[] = {
    {"ts", KEEL_F_INT, true, 0, INT64_MAX},
    {"minutes", KEEL_F_INT, true, 15, 1440},
    {"work", KEEL_F_STR, false, 0, 16,
     .doc = "remote, onsite or emergency (what the hour bank charges)"},
    {"covered", KEEL_F_BOOL, true},
    {"technician", KEEL_F_STR, true, 0, 32},
    {"note", KEEL_F_STR, true, 0, 500},
    END,
};


static const struct keel_field time_entry = {"entry", KEEL_F_MAP, true,
                                             .fields = time_entry_fields};


static const struct keel_field history_fields[] = {
    {"ts", KEEL_F_INT, true, 0, INT64_MAX},
    {"what", KEEL_F_STR, true, 1, 32,
     .doc = "created, assigned, status, escalated, breached, ..."},
    {"detail", KEEL_F_STR, true, 0, 600},
    END,
};


static const struct keel_field history_entry = {"step", KEEL_F_MAP, true,
                                                .fields = history_fields};


static const struct keel_field request_id_item = {"request", KEEL_F_STR, true,
                                                  1, 32};


static const struct keel_field ticket_fields[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"contact", KEEL_F_STR, true, 0, 200},
    {"channel", KEEL_F_STR, true, .enums = channels},
    {"priority", KEEL_F_STR, true, .enums = priorities},
    {"status", KEEL_F_STR, true, .enums = ticket_statuses},
    {"assignee", KEEL_F_STR, true, 0, 32},
    {"level", KEEL_F_INT, true, 1, 3, .doc = "skill level it needs now"},
    {"devices", KEEL_F_STR, true, 0, 2100, .doc = "comma-separated"},
    {"service", KEEL_F_STR, true, 0, 100},
    {"symptoms", KEEL_F_STR, true, 0, 4000},
    {"steps", KEEL_F_STR, true, 0, 4000},
    {"changes", KEEL_F_STR, true, 0, 2000},
    {"metric", KEEL_F_STR, true, 0, 48,
     .doc = "monitoring alerts: the metric with its value or level, e.g. "
            "cpu_pct=95"},
    {"resolution", KEEL_F_STR, true, 0, 4000},
    {"actions", KEEL_F_STR, true, 0, 4000},
    {"received_ms", KEEL_F_INT, true, 0, INT64_MAX},
    {"responded_ms", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "first response (work begun); 0 before"},
    {"response_due_ms", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "0 while not yet computed or without a target"},
    {"resolution_due_ms", KEEL_F_INT, true, 0, INT64_MAX},
    {"paused_since_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "the SLA clocks stopped at this instant (a pause status); 0 "
            "when they run.  While paused, the due time of a target not "
            "yet met is not final: it moves with the pause"},
    {"closed_ms", KEEL_F_INT, true, 0, INT64_MAX},
    {"escalation", KEEL_F_INT, true, 0, 8,
     .doc = "administrative escalation levels reached"},
    {"referred", KEEL_F_STR, true, 0, 500,
     .doc = "why it was referred back to the customer (outside the SLA)"},
    {"covered_minutes", KEEL_F_INT, true, 0, INT64_MAX},
    {"billable_minutes", KEEL_F_INT, true, 0, INT64_MAX},
    {"confirmed_by", KEEL_F_STR, true, 0, 200},
    {"sla_policy", KEEL_F_STR, true, 0, 32,
     .doc = "the policy it was opened under"},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"requests", KEEL_F_ARRAY, true, 0, 10000, .items = &request_id_item,
     .doc = "requests received for it (the first, and those linked)"},
    {"time", KEEL_F_ARRAY, true, 0, 10000, .items = &time_entry},
    {"history", KEEL_F_ARRAY, true, 0, 10000, .items = &history_entry},
    END,
};


static const struct keel_field ticket_row_fields[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"priority", KEEL_F_STR, true, .enums = priorities},
    {"status", KEEL_F_STR, true, .enums = ticket_statuses},
    {"assignee", KEEL_F_STR, true, 0, 32},
    {"due_ms", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "the next SLA due time (resolution, else response); 0 when "
            "none or while paused"},
    {"paused_since_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "the SLA clocks stopped at this instant; 0 when they run"},
    {"symptoms", KEEL_F_STR, true, 0, 4000},
    END,
};


static const struct keel_field ticket_row = {"ticket", KEEL_F_MAP, true,
                                             .fields = ticket_row_fields};


static const struct keel_field ticket_list_body[] = {
    {"status", KEEL_F_STR, false, .enums = ticket_statuses},
    {"priority", KEEL_F_STR, false, .enums = priorities},
    {"customer", KEEL_F_STR, false, 1, 32},
    {"assignee", KEEL_F_STR, false, 1, 32},
    {"due_before", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "only tickets due before this instant (ms)"},
    {"after", KEEL_F_STR, false, 0, 64,
     .doc = "cursor: the next of the previous page"},
    {"limit", KEEL_F_INT, false, 1, 200, .doc = "most tickets (50)"},
    END,
};


static const struct keel_field ticket_list_reply[] = {
    {"tickets", KEEL_F_ARRAY, true, 0, 200, .items = &ticket_row,
     .doc = "by priority, then due time (closed: by closing time)"},
    {"next", KEEL_F_STR, true, 0, 64,
     .doc = "cursor for the next page; empty when this was the last"},
    END,
};


static const char *const assign_statuses[] = {
    "open", "hold_research", "hold_resolution", "pending_fix", NULL};


static const struct keel_field ticket_assign_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"technician", KEEL_F_STR, false, 1, 32,
     .doc = "absent: the least-loaded technician of the ticket's level"},
    END,
};


static const struct keel_field ticket_status_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"status", KEEL_F_STR, true, .enums = assign_statuses,
     .doc = "closing is ticket.confirm's; rfc_submitted is "
            "ticket.escalate's"},
    {"note", KEEL_F_STR, false, 0, 500},
    END,
};


static const struct keel_field ticket_resolve_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"resolution", KEEL_F_STR, true, 1, 4000, .doc = "what fixed it"},
    {"actions", KEEL_F_STR, false, 0, 4000, .doc = "actions taken"},
    END,
};


static const struct keel_field ticket_confirm_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"by", KEEL_F_STR, true, 1, 200, .doc = "the customer's confirming person"},
    END,
};


static const struct keel_field ticket_reopen_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"reason", KEEL_F_STR, true, 1, 500, .doc = "why it is not resolved"},
    END,
};


static const struct keel_field ticket_escalate_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"level", KEEL_F_INT, false, 2, 3,
     .doc = "the skill level to transfer to (one above the ticket's)"},
    {"technician", KEEL_F_STR, false, 1, 32,
     .doc = "absent: the least-loaded technician of that level"},
    {"process_change", KEEL_F_BOOL, false,
     .doc = "the fix needs a process change: an RFC is requested and the "
            "ticket goes to rfc_submitted"},
    {"reason", KEEL_F_STR, true, 1, 500},
    END,
};


static const struct keel_field ticket_refer_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"reason", KEEL_F_STR, true, 1, 500,
     .doc = "why it is outside the SLA (e.g. hardware not covered)"},
    END,
};


static const char *const work_kinds[] = {"remote", "onsite", "emergency", NULL};

static const struct keel_field ticket_log_time_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"minutes", KEEL_F_INT, true, 15, 1440, .doc = "a multiple of 15"},
    {"covered", KEEL_F_BOOL, true,
     .doc = "covered by the contract; false: billable"},
    {"technician", KEEL_F_STR, false, 1, 32, .doc = "the assignee when absent"},
    {"note", KEEL_F_STR, false, 0, 500},
    {"work", KEEL_F_STR, false, .enums = work_kinds,
     .doc = "remote (when absent), onsite or emergency: the rate keel-billing "
            "charges billable time at"},
    END,
};


static const struct keel_field ticket_search_body[] = {
    {"words", KEEL_F_STR, true, 1, 200,
     .doc = "words of the symptoms or resolution, all of which must "
            "appear"},
    {"limit", KEEL_F_INT, false, 1, 100, .doc = "most tickets (20)"},
    END,
};


static const struct keel_field ticket_hit_fields[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"priority", KEEL_F_STR, true, .enums = priorities},
    {"symptoms", KEEL_F_STR, true, 0, 4000},
    {"resolution", KEEL_F_STR, true, 0, 4000},
    {"closed_ms", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};


static const struct keel_field ticket_hit = {"ticket", KEEL_F_MAP, true,
                                             .fields = ticket_hit_fields};


static const struct keel_field ticket_search_reply[] = {
    {"tickets", KEEL_F_ARRAY, true, 0, 100, .items = &ticket_hit,
     .doc = "closed tickets, latest first"},
    END,
};


static const struct keel_field ticket_summary_body[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"month", KEEL_F_STR, true, 7, 7,
     .doc = "YYYY-MM, in the customer's time zone"},
    END,
};


static const struct keel_field by_priority_fields[] = {
    {"critical", KEEL_F_INT, true, 0, INT64_MAX},
    {"high", KEEL_F_INT, true, 0, INT64_MAX},
    {"normal", KEEL_F_INT, true, 0, INT64_MAX},
    {"low", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};


static const struct keel_field ticket_summary_reply[] = {
    {"customer", KEEL_F_STR, true, 1, 32},
    {"month", KEEL_F_STR, true, 7, 7},
    {"tickets", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "tickets received in the month"},
    {"by_priority", KEEL_F_MAP, true, .fields = by_priority_fields},
    {"response_met", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "first responses within their target"},
    {"response_total", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "tickets with a response target that is due or met"},
    {"resolution_met", KEEL_F_INT, true, 0, INT64_MAX},
    {"resolution_total", KEEL_F_INT, true, 0, INT64_MAX},
    {"covered_minutes", KEEL_F_INT, true, 0, INT64_MAX},
    {"billable_minutes", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};


static const struct keel_field ticket_event_fields[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"customer", KEEL_F_STR, true, 1, 32},
    {"priority", KEEL_F_STR, true, .enums = priorities},
    {"status", KEEL_F_STR, true, .enums = ticket_statuses},
    {"assignee", KEEL_F_STR, true, 0, 32},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"from", KEEL_F_STR, false, 0, 32,
     .doc = "status_changed: the status before; assigned: the assignee "
            "before"},
    {"request", KEEL_F_STR, false, 1, 32,
     .doc = "created, linked: the request it came from"},
    {"level", KEEL_F_INT, false, 0, 8,
     .doc = "escalated: the skill level (technical) or the escalation "
            "level (administrative)"},
    {"kind", KEEL_F_STR, false, 1, 32,
     .doc = "escalated: technical or administrative; sla_breached: "
            "response or resolution"},
    {"to", KEEL_F_STR, false, 0, 600,
     .doc = "escalated: who receives it (staff ids, comma-separated)"},
    {"due_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "sla_breached: the due time passed"},
    {"minutes", KEEL_F_INT, false, 15, 1440},
    {"covered", KEEL_F_BOOL, false},
    {"symptoms", KEEL_F_STR, false, 0, 4000, .doc = "created"},
    {"response_due_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "created: the response target, when planned at once; "
            "status_changed: as planned so far"},
    {"resolution_due_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "status_changed: the resolution target as planned so far"},
    {"work", KEEL_F_STR, false, .enums = work_kinds,
     .doc = "time_logged: remote, onsite or emergency"},
    {"entry", KEEL_F_INT, false, 1, INT64_MAX,
     .doc = "time_logged: the time entry's number on the ticket"},
    {"reason", KEEL_F_STR, false, 0, 500},
    {"paused", KEEL_F_BOOL, false,
     .doc = "status_changed: whether the new status pauses the SLA clock "
            "under the ticket's policy"},
    {"received_ms", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "created: when the request was received"},
    {"record", KEEL_F_MAP, false,
     .doc = "closed: the closure record (reported_ms, reported_by, "
            "details, actions, resolution, resolved_by, covered_minutes, "
            "billable_minutes, sla_covered, confirmed_by, responded_ms, "
            "response_due_ms, resolved_ms, resolution_due_ms)"},
    END,
};

const struct keel_msgdecl keel_msgs_ticketing[] = {
    {
        .type = "staff.put",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "Creates or replaces a member of the support staff: a "
               "technician (skill level 1-3), a service manager or an "
               "executive (who receive escalations).",
        .body = staff_put_body,
        .reply = staff_put_reply,
    },
    {
        .type = "staff.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "ticketing",
        .doc = "One member of the support staff.",
        .body = staff_get_body,
        .reply = staff_fields,
    },
    {
        .type = "staff.list",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "ticketing",
        .doc = "The support staff, optionally of one role, by id, paged.",
        .body = staff_list_body,
        .reply = staff_list_reply,
    },
    {
        .type = "staff.created",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A member joined the support staff.",
        .body = staff_event_body,
    },
    {
        .type = "staff.updated",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A member of the support staff changed.",
        .body = staff_event_body,
    },
    {
        .type = "sla.put",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "Creates or replaces an SLA policy: targets per priority, "
               "pause statuses, escalation thresholds.",
        .body = sla_put_body,
        .reply = sla_put_reply,
    },
    {
        .type = "sla.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "ticketing",
        .doc = "One SLA policy, every priority spelled out.",
        .body = ticket_id_body,
        .reply = sla_get_reply,
    },
    {
        .type = "sla.updated",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "An SLA policy was created or replaced; new tickets follow "
               "it, and open ones when their clock is next planned.",
        .body = sla_put_reply,
    },
    {
        .type = "ticket.create",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "Opens a ticket directly (request.submit is the usual door). It "
               "is assigned at once to the least-loaded technician of its "
               "level when there is one.",
        .body = ticket_create_body,
        .reply = ticket_write_reply,
    },
    {
        .type = "ticket.get",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "ticketing",
        .doc = "One ticket with its time entries and history.",
        .body = ticket_id_body,
        .reply = ticket_fields,
    },
    {
        .type = "ticket.list",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "ticketing",
        .doc = "Tickets by status, priority, customer, assignee or due time; "
               "by priority then due time; paged. Without status: every ticket "
               "not closed.",
        .body = ticket_list_body,
        .reply = ticket_list_reply,
    },
    {
        .type = "ticket.assign",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "Assigns a ticket to a technician of at least its level, or to "
               "the least-loaded one of its level.",
        .body = ticket_assign_body,
        .reply = ticket_write_reply,
    },
    {
        .type = "ticket.status",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "Moves a ticket to another working status; transitions not in "
               "the lifecycle are refused, naming both statuses.",
        .body = ticket_status_body,
        .reply = ticket_write_reply,
    },
    {
        .type = "ticket.resolve",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "Records the resolution; the ticket waits in hold_resolution "
               "for the customer's confirmation.",
        .body = ticket_resolve_body,
        .reply = ticket_write_reply,
    },
    {
        .type = "ticket.confirm",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "The customer confirms the resolution: the ticket is closed "
               "with its closure record.",
        .body = ticket_confirm_body,
        .reply = ticket_write_reply,
    },
    {
        .type = "ticket.reopen",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "The customer says it is not resolved: back to open with the "
               "same technician.",
        .body = ticket_reopen_body,
        .reply = ticket_write_reply,
    },
    {
        .type = "ticket.escalate",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "Technical escalation to a technician of a higher level; with "
               "process_change an RFC is requested and the ticket goes to "
               "rfc_submitted.",
        .body = ticket_escalate_body,
        .reply = ticket_write_reply,
    },
    {
        .type = "ticket.refer",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "Refers a request outside the SLA back to the customer "
               "(billable work needs their permission): the ticket waits in "
               "hold_resolution.",
        .body = ticket_refer_body,
        .reply = ticket_write_reply,
    },
    {
        .type = "ticket.log_time",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "ticketing",
        .doc = "Logs time in 15-minute increments, covered by the contract or "
               "billable.",
        .body = ticket_log_time_body,
        .reply = ticket_write_reply,
    },
    {
        .type = "ticket.search",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "ticketing",
        .doc = "Closed tickets whose symptoms or resolution contain all the "
               "words: the knowledge base of past requests.",
        .body = ticket_search_body,
        .reply = ticket_search_reply,
    },
    {
        .type = "ticket.summary",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "ticketing",
        .doc = "A customer's month: tickets by priority, SLA attainment, hours "
               "covered and billable.",
        .body = ticket_summary_body,
        .reply = ticket_summary_reply,
    },
    {
        .type = "ticket.created",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A ticket was opened.",
        .body = ticket_event_fields,
    },
    {
        .type = "ticket.linked",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A request was linked to an open incident of the same customer "
               "and device or service instead of opening a duplicate.",
        .body = ticket_event_fields,
    },
    {
        .type = "ticket.assigned",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A ticket was assigned or transferred.",
        .body = ticket_event_fields,
    },
    {
        .type = "ticket.status_changed",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A ticket changed status.",
        .body = ticket_event_fields,
    },
    {
        .type = "ticket.escalated",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A ticket was escalated: technical (a higher skill level) or "
               "administrative (a share of its SLA time passed: service "
               "managers, then executives).",
        .body = ticket_event_fields,
    },
    {
        .type = "ticket.rfc_requested",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A ticket needs a process change: a request for change.",
        .body = ticket_event_fields,
    },
    {
        .type = "ticket.referred",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A request outside the SLA was referred back to the customer.",
        .body = ticket_event_fields,
    },
    {
        .type = "ticket.sla_breached",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A ticket's response or resolution target passed.",
        .body = ticket_event_fields,
    },
    {
        .type = "ticket.time_logged",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "Time was logged on a ticket.",
        .body = ticket_event_fields,
    },
    {
        .type = "ticket.closed",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "ticketing",
        .doc = "A ticket was closed after the customer's confirmation, with "
               "its closure record.",
        .body = ticket_event_fields,
    },
};

const size_t keel_msgs_ticketing_count =
    sizeof(keel_msgs_ticketing) / sizeof(keel_msgs_ticketing[0]);

/*
 * msgs: THE list of Keel message types.  Each type is declared here once;
 * validation, schemas/ and docs/messages.md come from these tables.  Wire
 * names never change meaning and are never reused; a changed body bumps
 * the type's version.
 */
#include "msg.h"

#define END                                                                    \
	{                                                                      \
		.type = KEEL_F_END                                             \
	}

const struct keel_field keel_envelope_fields[] = {
    {"v", KEEL_F_INT, true, 1, 65535, .doc = "format version, 1"},
    {"id", KEEL_F_BIN, true, 16, 16, .doc = "UUIDv7, 16 raw bytes"},
    {"type", KEEL_F_STR, true, 1, 64, .doc = "message type"},
    {"src", KEEL_F_STR, true, 1, 128,
     .doc = "sending service instance or client name"},
    {"ts", KEEL_F_INT, true, 0, INT64_MAX, .doc = "ms since epoch, UTC"},
    {"corr", KEEL_F_BIN, false, 16, 16,
     .doc = "id of the message this one answers or follows"},
    {"key", KEEL_F_STR, false, 1, 128, .doc = "idempotency key"},
    {"auth", KEEL_F_MAP, false, 0, 16, .doc = "signature block"},
    {"seq", KEEL_F_STR, false, 3, 41,
     .doc = "events: Redis stream id in the owner's stream"},
    {"body", KEEL_F_MAP, true, 0, 4096, .doc = "the message's fields"},
    END,
};

static const struct keel_field error_fields[] = {
    {"code", KEEL_F_STR, true, 1, 32, .doc = "stable lower_snake code"},
    {"message", KEEL_F_STR, true, 0, 255, .doc = "what was refused"},
    {"field", KEEL_F_STR, false, 0, 127, .doc = "the field concerned"},
    END,
};

const struct keel_field keel_reply_fields[] = {
    {"v", KEEL_F_INT, true, 1, 65535, .doc = "format version, 1"},
    {"id", KEEL_F_BIN, true, 16, 16, .doc = "UUIDv7 of the reply"},
    {"corr", KEEL_F_BIN, false, 16, 16,
     .doc = "id of the request (absent when it could not be read)"},
    {"src", KEEL_F_STR, false, 1, 128, .doc = "answering instance"},
    {"ts", KEEL_F_INT, false, 0, INT64_MAX, .doc = "ms since epoch"},
    {"ok", KEEL_F_BOOL, true},
    {"body", KEEL_F_MAP, false, 0, 4096, .doc = "present when ok"},
    {"error", KEEL_F_MAP, false, .fields = error_fields,
     .doc = "present when not ok"},
    END,
};

static const struct keel_field empty[] = {END};

static const struct keel_field sys_health_reply[] = {
    {"name", KEEL_F_STR, true, 1, 32, .doc = "service name"},
    {"instance", KEEL_F_STR, true, 1, 128, .doc = "instance name"},
    {"version", KEEL_F_STR, true, 1, 32, .doc = "Keel version"},
    {"pid", KEEL_F_INT, true, 1, INT32_MAX},
    {"uptime_ms", KEEL_F_INT, true, 0, INT64_MAX},
    {"redis", KEEL_F_BOOL, true,
     .doc = "Redis reachable (a PING "
            "through the write batcher)"},
    {"ready", KEEL_F_BOOL, true, .doc = "listeners up and Redis reachable"},
    {"rep", KEEL_F_STR, true, 1, 256, .doc = "request address"},
    {"pub", KEEL_F_STR, true, 1, 256, .doc = "event address"},
    {"http", KEEL_F_STR, true, 0, 256, .doc = "health/metrics address"},
    END,
};

static const struct keel_field sys_stats_reply[] = {
    {"requests", KEEL_F_INT, true, 0, INT64_MAX, .doc = "requests answered"},
    {"errors", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "requests answered with ok=false"},
    {"bad_messages", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "messages refused before dispatch (malformed, too large, "
            "unknown type, invalid envelope)"},
    {"events_published", KEEL_F_INT, true, 0, INT64_MAX},
    {"events_consumed", KEEL_F_INT, true, 0, INT64_MAX},
    {"events_dead", KEEL_F_INT, false, 0, INT64_MAX,
     .doc = "events another daemon emitted that this one cannot apply, "
            "moved to its dead-letter stream keel:{<svc>}:dead"},
    {"redis_reconnects", KEEL_F_INT, true, 0, INT64_MAX},
    {"redis_batches", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "pipelines sent to Redis"},
    {"redis_commands", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "commands sent in those pipelines"},
    {"inflight", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "requests being served now"},
    END,
};

static const struct keel_field sys_echo_body[] = {
    {"data", KEEL_F_BIN, false, 0, 65536, .doc = "bytes to send back"},
    {"note", KEEL_F_STR, false, 0, 256, .doc = "text to send back"},
    END,
};

static const struct keel_field sys_echo_reply[] = {
    {"data", KEEL_F_BIN, false, 0, 65536},
    {"note", KEEL_F_STR, false, 0, 256},
    {"instance", KEEL_F_STR, true, 1, 128, .doc = "who answered"},
    END,
};

static const struct keel_field events_since_body[] = {
    {"since", KEEL_F_STR, true, 3, 41,
     .doc = "stream id to read after; \"0-0\" for the beginning"},
    {"limit", KEEL_F_INT, false, 1, 1000, .doc = "most events (100)"},
    END,
};

static const struct keel_field any_map = {"event", KEEL_F_MAP, true};

static const struct keel_field events_since_reply[] = {
    {"events", KEEL_F_ARRAY, true, 0, 1000, .items = &any_map,
     .doc = "envelopes in stream order, each with its seq"},
    {"next", KEEL_F_STR, true, 3, 41,
     .doc = "the since of the next page (the last seq, or since)"},
    END,
};

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
    END,
};

static const char *const weekdays[] = {"mon", "tue", "wed", "thu",
                                       "fri", "sat", "sun", NULL};

static const struct keel_field hours_fields[] = {
    {"day", KEEL_F_STR, true, .enums = weekdays},
    {"open", KEEL_F_STR, true, 5, 5, .doc = "HH:MM, local"},
    {"close", KEEL_F_STR, true, 5, 5, .doc = "HH:MM, local; 24:00 = midnight"},
    END,
};

static const struct keel_field hours_item = {"hours", KEEL_F_MAP, true,
                                             .fields = hours_fields};

static const struct keel_field holiday_item = {
    "holiday", KEEL_F_STR, true, 10, 10, .doc = "YYYY-MM-DD, local"};

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

static const char *const staff_roles[] = {"technician", "service_manager",
                                          "executive", NULL};

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

static const struct keel_field staff_put_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"created", KEEL_F_BOOL, true},
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
    END,
};

static const char *const channels[] = {"phone",      "email", "portal",
                                       "monitoring", "api",   NULL};
static const char *const priorities[] = {"critical", "high", "normal", "low",
                                         NULL};
static const char *const ticket_statuses[] = {
    "new",         "open",          "hold_research", "hold_resolution",
    "pending_fix", "rfc_submitted", "closed",        NULL};
static const char *const alert_metrics[] = {"cpu_pct",
                                            "system_disk_free_mb",
                                            "data_disk_free_pct",
                                            "memory_pct",
                                            "event_log",
                                            "backup",
                                            "ups",
                                            "virus",
                                            "firewall",
                                            NULL};
static const char *const alert_levels[] = {"critical", "warning", NULL};

static const struct keel_field device_item = {"device", KEEL_F_STR, true, 1,
                                              100};

static const struct keel_field alert_fields[] = {
    {"metric", KEEL_F_STR, true, .enums = alert_metrics},
    {"value", KEEL_F_INT, false, INT32_MIN, INT32_MAX,
     .doc = "measured value (percent, MB or minutes) for the numeric "
            "metrics"},
    {"minutes", KEEL_F_INT, false, 0, 100000,
     .doc = "how long the value has held (cpu_pct: at least 5)"},
    {"level", KEEL_F_STR, false, .enums = alert_levels,
     .doc = "event_log and ups: critical or warning"},
    END,
};

/* The fields of a support request, shared by request.submit,
 * request.received and ticket.create. */
#define REQUEST_FIELDS                                                           \
	{"customer", KEEL_F_STR, true, 1, 32},                                   \
	    {"contact", KEEL_F_STR, true, 1, 200, .doc = "who reported it"},     \
	    {"channel", KEEL_F_STR, true, .enums = channels},                    \
	    {"priority", KEEL_F_STR, false, .enums = priorities,                 \
	     .doc = "normal when absent (monitoring: by metric)"},               \
	    {"devices",                                                          \
	     KEEL_F_ARRAY,                                                       \
	     false,                                                              \
	     0,                                                                  \
	     20,                                                                 \
	     .items = &device_item,                                              \
	     .doc = "devices affected"},                                         \
	    {"service", KEEL_F_STR, false, 1, 100, .doc = "service affected"},   \
	    {"symptoms", KEEL_F_STR, true,                                       \
	     1,          4000,       .doc = "symptoms or errors"},               \
	    {"steps", KEEL_F_STR, false, 0, 4000, .doc = "steps to reproduce"},  \
	    {"changes", KEEL_F_STR, false,                                       \
	     0,         2000,       .doc = "recent changes in the environment"}, \
	{                                                                        \
		"alert", KEEL_F_MAP, false,                                      \
		    .fields = alert_fields,                                      \
		    .doc = "monitoring: the alert that raised it"                \
	}

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
    {"minutes", KEEL_F_INT, true, 15, 1440}, {"covered", KEEL_F_BOOL, true},
    {"technician", KEEL_F_STR, true, 0, 32}, {"note", KEEL_F_STR, true, 0, 500},
    {"ts", KEEL_F_INT, true, 0, INT64_MAX},  END,
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
            "none"},
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

static const struct keel_field ticket_log_time_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"minutes", KEEL_F_INT, true, 15, 1440, .doc = "a multiple of 15"},
    {"covered", KEEL_F_BOOL, true,
     .doc = "covered by the contract; false: billable"},
    {"technician", KEEL_F_STR, false, 1, 32, .doc = "the assignee when absent"},
    {"note", KEEL_F_STR, false, 0, 500},
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
    {"reason", KEEL_F_STR, false, 0, 500},
    {"record", KEEL_F_MAP, false,
     .doc = "closed: the closure record (reported_ms, reported_by, "
            "details, actions, resolution, resolved_by, covered_minutes, "
            "billable_minutes, sla_covered, confirmed_by)"},
    END,
};

static const char *const managed_tiers[] = {"bronze", "silver", "gold", NULL};
static const char *const markup_kinds[] = {"hardware", "software", "affiliate",
                                           "staff", NULL};
static const char *const connections[] = {"remote", "on_site", NULL};

static const struct keel_field money_item = {
    "amount", KEEL_F_INT, true, 0, INT64_MAX / 4, .doc = "minor units"};

static const struct keel_field server_fee_fields[] = {
    {"bronze", KEEL_F_INT, false, 0, INT64_MAX / 4},
    {"silver", KEEL_F_INT, false, 0, INT64_MAX / 4},
    {"gold", KEEL_F_INT, false, 0, INT64_MAX / 4},
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
    {"remote", KEEL_F_INT, false, 0, INT64_MAX / 4},
    {"onsite", KEEL_F_INT, false, 0, INT64_MAX / 4},
    {"emergency", KEEL_F_INT, false, 0, INT64_MAX / 4},
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
     .doc = "per user and month"},
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
	    {"setup_fee", KEEL_F_INT, req, 0, INT64_MAX / 4},                  \
	    {"term_credit",                                                    \
	     KEEL_F_INT,                                                       \
	     req,                                                              \
	     0,                                                                \
	     INT64_MAX / 4,                                                    \
	     .doc = "24 months: once in month 24; 36: months 30 and 36"},      \
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
    {"monthly", KEEL_F_INT, true, 0, INT64_MAX / 4},
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
                                             INT64_MIN, INT64_MAX};

static const struct keel_field managed_reply[] = {
    {"currency", KEEL_F_STR, true, 3, 3},
    {"book_version", KEEL_F_INT, true, 0, INT64_MAX},
    {"servers", KEEL_F_INT, true, 1, 100000},
    {"tier", KEEL_F_STR, true, .enums = managed_tiers},
    {"term", KEEL_F_INT, true, 12, 36},
    {"per_server", KEEL_F_INT, true, 0, INT64_MAX},
    {"list_fee", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "servers x per-server fee"},
    {"discount_bp", KEEL_F_INT, true, 0, 10000},
    {"discount", KEEL_F_INT, true, 0, INT64_MAX},
    {"addons", KEEL_F_INT, true, 0, INT64_MAX},
    {"monthly", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "list fee - discount + add-ons"},
    {"setup_fee", KEEL_F_INT, true, 0, INT64_MAX},
    {"credits", KEEL_F_INT, true, 0, INT64_MAX},
    {"total", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "the contract's value: the sum of its months"},
    {"months", KEEL_F_ARRAY, true, 12, 36, .items = &month_item,
     .doc = "what each month costs (month 1 with the setup fee)"},
    {"first_payment", KEEL_F_INT, true, INT64_MIN, INT64_MAX,
     .doc = "due before service starts: first month and setup fee"},
    {"support_hours", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "support hours included per month, all servers"},
    {"flex_hours", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "flex hours earned per month, all servers"},
    END,
};

static const struct keel_field costplus_body[] = {
    {"devices", KEEL_F_INT, true, 1, 1000000},
    {"hardware", KEEL_F_INT, false, 0, INT64_MAX / 4,
     .doc = "monthly cost, minor units"},
    {"software", KEEL_F_INT, false, 0, INT64_MAX / 4},
    {"affiliate", KEEL_F_INT, false, 0, INT64_MAX / 4},
    {"staff", KEEL_F_INT, false, 0, INT64_MAX / 4},
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
    {"cost", KEEL_F_INT, true, 0, INT64_MAX},
    {"markup_bp", KEEL_F_INT, true, 0, 100000},
    {"priced", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};

static const struct keel_field line_item = {"line", KEEL_F_MAP, true,
                                            .fields = line_fields};

static const struct keel_field costplus_reply[] = {
    {"currency", KEEL_F_STR, true, 3, 3},
    {"book_version", KEEL_F_INT, true, 0, INT64_MAX},
    {"devices", KEEL_F_INT, true, 1, 1000000},
    {"lines", KEEL_F_ARRAY, true, 4, 4, .items = &line_item},
    {"total", KEEL_F_INT, true, 0, INT64_MAX},
    {"per_device", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "the monthly fee per managed device"},
    END,
};

static const struct keel_field activity_fields[] = {
    {"name", KEEL_F_STR, true, 1, 100},
    {"tier", KEEL_F_INT, true, 1, 3},
    {"units", KEEL_F_INT, true, 1, 100000, .doc = "service units"},
    END,
};

static const struct keel_field activity_item = {"activity", KEEL_F_MAP, true,
                                                .fields = activity_fields};

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
    {"unit_rate", KEEL_F_INT, true, 0, INT64_MAX},
    {"price", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};

static const struct keel_field priced_item = {"activity", KEEL_F_MAP, true,
                                              .fields = priced_fields};

static const struct keel_field engagement_reply[] = {
    {"currency", KEEL_F_STR, true, 3, 3},
    {"book_version", KEEL_F_INT, true, 0, INT64_MAX},
    {"activities", KEEL_F_ARRAY, true, 1, 100, .items = &priced_item},
    {"subtotal", KEEL_F_INT, true, 0, INT64_MAX},
    {"onsite_premium", KEEL_F_INT, true, 0, INT64_MAX},
    {"total", KEEL_F_INT, true, 0, INT64_MAX},
    END,
};

static const char *const assessment_kinds[] = {"deployment", "upgrade", NULL};
static const char *const verdicts[] = {"feasible", "not_feasible", NULL};
static const char *const assessment_statuses[] = {"submitted", "feasible",
                                                  "not_feasible", NULL};
static const char *const proposal_statuses[] = {
    "draft", "priced", "sent", "accepted", "rejected", "superseded", NULL};

static const struct keel_field name_item = {"name", KEEL_F_STR, true, 1, 100};
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

static const struct keel_field proposal_id_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
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
     .doc = "who accepted, or why rejected"},
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

static const struct keel_field proposal_priced_body[] = {
    {"id", KEEL_F_STR, true, 1, 32, .doc = "the proposal"},
    {"version", KEEL_F_INT, true, 1, 1000},
    {"quote", KEEL_F_MAP, true, .fields = engagement_reply},
    END,
};

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

const struct keel_msgdecl keel_msgs[] = {
    {
        .type = "sys.health",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "*",
        .doc = "Liveness and identity of one daemon instance.",
        .body = empty,
        .reply = sys_health_reply,
    },
    {
        .type = "sys.stats",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "*",
        .doc = "Counters of one daemon instance since it started.",
        .body = empty,
        .reply = sys_stats_reply,
    },
    {
        .type = "sys.echo",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "*",
        .doc = "Sends the body back with the answering instance: a bus "
               "round trip without Redis, for probes and benchmarks.",
        .body = sys_echo_body,
        .reply = sys_echo_reply,
    },
    {
        .type = "events.since",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "*",
        .doc = "Events of this daemon's stream after a stream id, in "
               "order, paged: how plain subscribers catch up.",
        .body = events_since_body,
        .reply = events_since_reply,
    },
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
    {
        .type = "proposal.priced",
        .kind = KEEL_MSG_EVENT,
        .version = 1,
        .owner = "pricing",
        .doc = "keel-pricing priced a drafted proposal version with the "
               "current price book.",
        .body = proposal_priced_body,
    },
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

const size_t keel_msgs_count = sizeof(keel_msgs) / sizeof(keel_msgs[0]);

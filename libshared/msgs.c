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
    END,
};

static const struct keel_field customer_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"name", KEEL_F_STR, true, 1, 200},
    {"timezone", KEEL_F_STR, true, 1, 64},
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
};

const size_t keel_msgs_count = sizeof(keel_msgs) / sizeof(keel_msgs[0]);

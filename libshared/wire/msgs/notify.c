/* The messages keel-notify answers and emits: one declaration each (msg.h).
 * Rules (who is told what, by which channel), the deliveries they make,
 * acknowledgements and the dead-letter list (DOMAIN.md section 5). */
#include "msgs_common.h"

static const char *const recipient_kinds[] = {
    "customer_contact", "assignee", "service_manager", "executive",
    "change_manager",   "address",  "webhook",         NULL};

static const char *const notify_channels[] = {"email", "webhook", "journal",
                                              NULL};

static const char *const job_statuses[] = {
    "pending", "sending", "retry", "sent", "dead", "acked", NULL};

static const struct keel_field recipient_fields[] = {
    {"kind", KEEL_F_STR, true, .enums = recipient_kinds},
    {"address", KEEL_F_STR, false, 1, 500,
     .doc = "address: an email address; webhook: an http(s) URL"},
    END,
};

static const struct keel_field recipient_item = {
    "recipient", KEEL_F_MAP, true, .fields = recipient_fields};

static const struct keel_field backup_fields[] = {
    {"kind", KEEL_F_STR, true, .enums = recipient_kinds},
    {"address", KEEL_F_STR, false, 1, 500},
    {"channel", KEEL_F_STR, true, .enums = notify_channels,
     .doc = "the second channel"},
    END,
};

static const struct keel_field str_item = {"value", KEEL_F_STR, true, 1, 64};

static const struct keel_field rule_put_body[] = {
    {"id", KEEL_F_STR, true, 1, 64},
    {"event", KEEL_F_STR, true, 1, 64,
     .doc = "event type prefix, e.g. ticket.created or invoice."},
    {"priorities", KEEL_F_ARRAY, false, 0, 4, .items = &str_item,
     .doc = "only events of these priorities"},
    {"customers", KEEL_F_ARRAY, false, 0, 1000, .items = &str_item},
    {"statuses", KEEL_F_ARRAY, false, 0, 20, .items = &str_item},
    {"to", KEEL_F_ARRAY, true, 1, 20, .items = &recipient_item},
    {"channel", KEEL_F_STR, true, .enums = notify_channels},
    {"template", KEEL_F_STR, false, 1, 64,
     .doc = "the event type's own when absent"},
    {"ack", KEEL_F_BOOL, false,
     .doc = "must be acknowledged: re-sent, then sent to the backup"},
    {"ack_after_s", KEEL_F_INT, false, 1, 604800,
     .doc = "how long to wait for an acknowledgement (900)"},
    {"backup", KEEL_F_MAP, false, .fields = backup_fields},
    {"secret", KEEL_F_STR, false, 16, 200,
     .doc = "webhook: the signing secret (never shown)"},
    {"enabled", KEEL_F_BOOL, false, .doc = "true when absent"},
    END,
};

static const struct keel_field rule_reply[] = {
    {"id", KEEL_F_STR, false, 0, 64},
    {"version", KEEL_F_INT, false, 0, INT64_MAX},
    {"rules", KEEL_F_ARRAY, false, 0, 10000},
    END,
};

static const struct keel_field id_body[] = {
    {"id", KEEL_F_STR, true, 1, 200},
    END,
};

static const struct keel_field log_body[] = {
    {"ticket", KEEL_F_STR, false, 1, 32, .doc = "deliveries about it"},
    {"status", KEEL_F_STR, false, .enums = job_statuses},
    {"limit", KEEL_F_INT, false, 1, 10000, .doc = "the newest (200)"},
    END,
};

static const struct keel_field log_reply[] = {
    {"deliveries", KEEL_F_ARRAY, true, 0, 10000},
    END,
};

static const struct keel_field ack_body[] = {
    {"token", KEEL_F_STR, true, 1, 200},
    {"by", KEEL_F_STR, false, 0, 200},
    END,
};

static const struct keel_field ack_reply[] = {
    {"delivery", KEEL_F_STR, true, 1, 200},
    {"acked", KEEL_F_BOOL, true},
    {"by", KEEL_F_STR, false, 0, 200},
    END,
};

static const struct keel_field preview_body[] = {
    {"event", KEEL_F_STR, true, 1, 80,
     .doc = "SOURCE:STREAM-ID, as notify.log shows it"},
    {"rule", KEEL_F_STR, true, 1, 64},
    END,
};

static const struct keel_field preview_reply[] = {
    {"subject", KEEL_F_STR, false, 0, 1000},
    {"text", KEEL_F_STR, false, 0, 65536},
    {"html", KEEL_F_STR, false, 0, 131072},
    {"json", KEEL_F_STR, false, 0, 131072},
    {"to", KEEL_F_ARRAY, false, 0, 100},
    END,
};

static const struct keel_field delivery_event_body[] = {
    {"id", KEEL_F_STR, true, 1, 200, .doc = "the delivery"},
    {"event", KEEL_F_STR, true, 0, 80},
    {"type", KEEL_F_STR, false, 0, 64, .doc = "the event's type"},
    {"rule", KEEL_F_STR, true, 0, 64},
    {"channel", KEEL_F_STR, true, 0, 16},
    {"to", KEEL_F_STR, true, 0, 500},
    {"attempts", KEEL_F_INT, false, 0, 1000},
    {"error", KEEL_F_STR, false, 0, 500},
    {"by", KEEL_F_STR, false, 0, 200},
    {"chain", KEEL_F_STR, false, 0, 200,
     .doc = "the first delivery of an acknowledgement chain"},
    END,
};

#define REQ(t, idem, d, b, r)                                                  \
	{                                                                      \
		.type = t, .kind = KEEL_MSG_REQUEST, .version = 1,             \
		.idempotent = idem, .owner = "notify", .doc = d, .body = b,    \
		.reply = r                                                     \
	}
#define EV(t, d)                                                               \
	{                                                                      \
		.type = t, .kind = KEEL_MSG_EVENT, .version = 1,               \
		.owner = "notify", .doc = d, .body = delivery_event_body       \
	}

const struct keel_msgdecl keel_msgs_notify[] = {
    REQ("notify.rule.put", true,
        "Creates or replaces a rule (a new version): which events, who is "
        "told, by which channel and template, whether it needs an "
        "acknowledgement.",
        rule_put_body, rule_reply),
    REQ("notify.rule.list", false, "Every rule, the defaults included.",
        empty, rule_reply),
    REQ("notify.rule.get", false, "A rule and its versions.", id_body,
        rule_reply),
    REQ("notify.log", false, "Deliveries, newest first.", log_body,
        log_reply),
    REQ("notify.ack", true,
        "Acknowledges a delivery (and its whole chain) by its token.",
        ack_body, ack_reply),
    REQ("notify.dlq.list", false, "Deliveries that failed for good.", empty,
        log_reply),
    REQ("notify.dlq.show", false, "One dead delivery with its errors.",
        id_body, log_reply),
    REQ("notify.dlq.replay", true, "Sends a dead delivery again.", id_body,
        log_reply),
    REQ("notify.preview", false,
        "Renders what a rule would send for an event, without sending.",
        preview_body, preview_reply),
    EV("notify.sent", "A delivery was accepted by the far side."),
    EV("notify.failed", "A delivery failed; it is tried again later."),
    EV("notify.dead", "A delivery failed for good: to the dead-letter list."),
    EV("notify.resent", "An unacknowledged delivery was sent again."),
    EV("notify.escalated",
       "An unacknowledged delivery went to the backup person."),
    EV("notify.acked", "A delivery was acknowledged."),
};

const size_t keel_msgs_notify_count =
    sizeof(keel_msgs_notify) / sizeof(keel_msgs_notify[0]);

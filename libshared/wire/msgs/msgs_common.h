/*
 * msgs_common: what the declarations of several services share (the
 * END marker, enums, field lists used by more than one owner).  Only
 * files of libshared/wire/msgs/ and msgs.c include it.
 */
#ifndef KEEL_MSGS_COMMON_H
#define KEEL_MSGS_COMMON_H

#include "msg.h"

#include <stdint.h>

#define END                                                                    \
	{                                                                      \
		.type = KEEL_F_END                                             \
	}


static const struct keel_field error_fields[] = {
    {"code", KEEL_F_STR, true, 1, 32, .doc = "stable lower_snake code"},
    {"message", KEEL_F_STR, true, 0, 255, .doc = "what was refused"},
    {"field", KEEL_F_STR, false, 0, 127, .doc = "the field concerned"},
    END,
};


static const struct keel_field empty[] = {END};


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


static const struct keel_field staff_put_reply[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    {"version", KEEL_F_INT, true, 1, INT64_MAX},
    {"created", KEEL_F_BOOL, true},
    END,
};


static const char *const channels[] = {"phone",      "email", "portal",
                                       "monitoring", "api",   NULL};

static const char *const priorities[] = {"critical", "high", "normal", "low",
                                         NULL};

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

static const char *const connections[] = {"remote", "on_site", NULL};


static const struct keel_field activity_fields[] = {
    {"name", KEEL_F_STR, true, 1, 100},
    {"tier", KEEL_F_INT, true, 1, 3},
    {"units", KEEL_F_INT, true, 1, 100000, .doc = "service units"},
    END,
};


static const struct keel_field activity_item = {"activity", KEEL_F_MAP, true,
                                                .fields = activity_fields};


static const struct keel_field name_item = {"name", KEEL_F_STR, true, 1, 100};


static const struct keel_field proposal_id_body[] = {
    {"id", KEEL_F_STR, true, 1, 32},
    END,
};

#endif

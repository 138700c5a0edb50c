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
};

const size_t keel_msgs_count = sizeof(keel_msgs) / sizeof(keel_msgs[0]);

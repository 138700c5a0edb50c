/* The messages every daemon: sys.* and events.since answers and emits: one declaration each (msg.h). */
#include "msgs_common.h"


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
    {"redis_error", KEEL_F_STR, false, 0, 256,
     .doc = "while Redis cannot be reached: why (a wrong password, "
            "refused, loading)"},
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
    {"tls_refused", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "connections refused in the TLS handshake (no certificate, "
            "or one of another CA)"},
    {"listener_restarts", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "listeners that stopped accepting (nng 1.5.2, a peer that "
            "left during negotiation) and were made again"},
    {"dialer_restarts", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "connections to other daemons whose nng dialer stopped "
            "reconnecting (nng 1.5.2) and was made again"},
    {"unauthorized", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "requests refused as unsigned, badly signed, expired or "
            "replayed (auth.identities set)"},
    {"forbidden", KEEL_F_INT, true, 0, INT64_MAX,
     .doc = "signed requests refused: the identity may not send the type"},
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

static const struct keel_field events_dead_body[] = {
    {"after", KEEL_F_STR, false, 0, 41,
     .doc = "the next of the previous page; absent for the first"},
    {"limit", KEEL_F_INT, false, 1, 1000, .doc = "most entries (100)"},
    END,
};

static const struct keel_field dead_fields[] = {
    {"id", KEEL_F_STR, true, 3, 41,
     .doc = "the entry's id in keel:{<service>}:dead"},
    {"source", KEEL_F_STR, true, 1, 32, .doc = "the service that emitted it"},
    {"seq", KEEL_F_STR, true, 0, 41, .doc = "its id in the source's stream"},
    {"type", KEEL_F_STR, true, 0, 64},
    {"why", KEEL_F_STR, true, 0, 512,
     .doc = "what its handler said when it refused it"},
    END,
};

static const struct keel_field dead_entry = {"entry", KEEL_F_MAP, true,
                                             .fields = dead_fields};

static const struct keel_field events_dead_reply[] = {
    {"entries", KEEL_F_ARRAY, true, 0, 1000, .items = &dead_entry},
    {"next", KEEL_F_STR, true, 0, 41,
     .doc = "the after of the next page; empty at the end"},
    END,
};

static const struct keel_field events_replay_body[] = {
    {"id", KEEL_F_STR, true, 3, 41, .doc = "the dead-letter entry"},
    END,
};

static const struct keel_field events_replay_reply[] = {
    {"id", KEEL_F_STR, true, 3, 41},
    {"type", KEEL_F_STR, true, 0, 64},
    {"applied", KEEL_F_BOOL, true,
     .doc = "the effect was stored now (false: it had been before)"},
    END,
};

const struct keel_msgdecl keel_msgs_sys[] = {
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
        .type = "events.dead",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .owner = "*",
        .doc = "Other daemons' events this daemon's handlers refused "
               "(poisoned), in the order they were moved to its "
               "dead-letter stream, paged.",
        .body = events_dead_body,
        .reply = events_dead_reply,
    },
    {
        .type = "events.replay",
        .kind = KEEL_MSG_REQUEST,
        .version = 1,
        .idempotent = true,
        .owner = "*",
        .doc = "Runs a dead-letter entry's event through its handler "
               "again (after the cause was fixed): applied, it leaves the "
               "dead-letter stream; refused again, it stays, and the "
               "refusal says why.",
        .body = events_replay_body,
        .reply = events_replay_reply,
    },
};

const size_t keel_msgs_sys_count =
    sizeof(keel_msgs_sys) / sizeof(keel_msgs_sys[0]);

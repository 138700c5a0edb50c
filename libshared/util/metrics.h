/*
 * metrics: the process's counters (one daemon per process), lock-free, and
 * their Prometheus text rendering for /metrics and sys.stats.
 */
#ifndef KEEL_METRICS_H
#define KEEL_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum keel_counter {
	KEEL_M_REQUESTS,     /* requests answered */
	KEEL_M_ERRORS,       /* answered with ok=false */
	KEEL_M_BAD_MESSAGES, /* refused before dispatch */
	KEEL_M_EVENTS_PUBLISHED,
	KEEL_M_EVENTS_CONSUMED,
	KEEL_M_REDIS_RECONNECTS,
	KEEL_M_REDIS_BATCHES,
	KEEL_M_REDIS_COMMANDS,
	KEEL_M_CONFIG_RELOADS,
	KEEL_M_EVENTS_DEAD, /* events moved to the dead-letter stream */
	KEEL_M_CONNS_REFUSED, /* connections over bus.max_conns */
	KEEL_M_CONNS_REAPED,  /* connections idle past bus.idle_ms */
	KEEL_M_OVERLOADED,    /* requests refused past bus.max_inflight */
	KEEL_M_CATCH_UPS,     /* keel_req_catch_up pauses */
	KEEL_M_REDIS_WAIT_SHORT, /* WAIT answered fewer replicas than asked */
	KEEL_M_TLS_REFUSED,      /* tls+ connections refused in the handshake */
	KEEL_M_RELISTENS,        /* listeners made again (bus_listen.c) */
	KEEL_M_REDIALS,          /* dialers made again (bus_listen.c) */
	KEEL_M_UNAUTHORIZED,     /* refused: unsigned, bad, expired, replayed */
	KEEL_M_FORBIDDEN,        /* refused: the identity may not send it */
	KEEL_M_INGESTED,         /* published requests served (bus_ingest.c) */
	KEEL_M__COUNT
};

enum keel_gauge {
	KEEL_G_INFLIGHT,
	KEEL_G_REDIS_UP,
	KEEL_G_READY,
	KEEL_G__COUNT
};

/* Called once before any other call; allocates the per-type arrays. */
int keel_metrics_init(const char *service);
void keel_metrics_inc(enum keel_counter c, int64_t n);
int64_t keel_metrics_get(enum keel_counter c);
void keel_metrics_gauge_add(enum keel_gauge g, int64_t delta);
void keel_metrics_gauge_set(enum keel_gauge g, int64_t v);
int64_t keel_metrics_gauge(enum keel_gauge g);

/*
 * One answered request: type_index from keel_msg_index (or SIZE_MAX when
 * the type was unknown), error code (NULL when ok) and latency in µs.
 */
void keel_metrics_request(size_t type_index, const char *error_code,
                          int64_t latency_us);

/* Writes every metric in the Prometheus text exposition format. */
void keel_metrics_render(FILE *f);

#endif

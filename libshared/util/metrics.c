/* metrics: counters, per-type request counts, a latency histogram. */
#include "metrics.h"

#include "error.h"
#include "msg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const char *const counter_names[KEEL_M__COUNT][2] = {
    [KEEL_M_REQUESTS] = {"keel_requests_total", "requests answered"},
    [KEEL_M_ERRORS] = {"keel_request_errors_total",
                       "requests answered with ok=false"},
    [KEEL_M_BAD_MESSAGES] = {"keel_bad_messages_total",
                             "messages refused before dispatch"},
    [KEEL_M_EVENTS_PUBLISHED] = {"keel_events_published_total",
                                 "events published"},
    [KEEL_M_EVENTS_CONSUMED] = {"keel_events_consumed_total",
                                "events consumed"},
    [KEEL_M_REDIS_RECONNECTS] = {"keel_redis_reconnects_total",
                                 "Redis reconnections"},
    [KEEL_M_REDIS_BATCHES] = {"keel_redis_batches_total",
                              "pipelines sent to Redis"},
    [KEEL_M_REDIS_COMMANDS] = {"keel_redis_commands_total",
                               "commands sent to Redis"},
    [KEEL_M_CONFIG_RELOADS] = {"keel_config_reloads_total", "SIGHUP reloads"},
    [KEEL_M_EVENTS_DEAD] = {"keel_events_dead_total",
                            "events moved to the dead-letter stream"},
    [KEEL_M_CONNS_REFUSED] = {"keel_connections_refused_total",
                              "connections over bus.max_conns, closed"},
    [KEEL_M_CONNS_REAPED] = {"keel_connections_reaped_total",
                             "connections idle past bus.idle_ms, closed"},
    [KEEL_M_OVERLOADED] = {"keel_requests_overloaded_total",
                           "requests refused past bus.max_inflight"},
    [KEEL_M_CATCH_UPS] = {"keel_requests_catch_up_waits_total",
                          "pauses of a request naming what this service's "
                          "consumer had not applied yet"},
    [KEEL_M_REDIS_WAIT_SHORT] = {"keel_redis_wait_short_total",
                                 "batches whose writes WAIT saw on fewer "
                                 "replicas than redis.wait_replicas"},
    [KEEL_M_TLS_REFUSED] = {"keel_tls_refused_total",
                            "connections to a tls+ listener refused: no "
                            "certificate, or one of another CA"},
    [KEEL_M_RELISTENS] = {"keel_listener_restarts_total",
                          "listeners that stopped accepting (nng 1.5.2) "
                          "and were made again"},
    [KEEL_M_REDIALS] = {"keel_dialer_restarts_total",
                        "dialers that stopped reconnecting (nng 1.5.2) "
                        "and were made again"},
    [KEEL_M_UNAUTHORIZED] = {"keel_requests_unauthorized_total",
                             "requests refused as unsigned, badly signed, "
                             "expired or replayed"},
    [KEEL_M_FORBIDDEN] = {"keel_requests_forbidden_total",
                          "signed requests refused: the identity may not "
                          "send that type"},
    [KEEL_M_INGESTED] = {"keel_ingested_total",
                         "requests outside systems published (<svc>.ingest) "
                         "and this daemon served"},
};

static const char *const gauge_names[KEEL_G__COUNT][2] = {
    [KEEL_G_INFLIGHT] = {"keel_requests_inflight", "requests being served"},
    [KEEL_G_REDIS_UP] = {"keel_redis_up", "1 when Redis is reachable"},
    [KEEL_G_READY] = {"keel_ready", "1 when listeners and Redis are up"},
};

/* Error codes counted by name; anything else counts as "other". */
static const char *const error_codes[] = {
    KEEL_E_INVALID_FIELD,
    KEEL_E_MALFORMED,
    KEEL_E_TOO_LARGE,
    KEEL_E_UNKNOWN_TYPE,
    KEEL_E_UNSUPPORTED_VERSION,
    KEEL_E_NOT_FOUND,
    KEEL_E_INVALID_TRANSITION,
    KEEL_E_CONFLICT,
    KEEL_E_UNAVAILABLE,
    KEEL_E_UNAUTHORIZED,
    KEEL_E_TIMEOUT,
    KEEL_E_INTERNAL,
    "other",
};
#define NCODES (sizeof(error_codes) / sizeof(error_codes[0]))

/* Latency buckets, µs (le). */
static const int64_t buckets[] = {100,   250,   500,   1000,   2500,   5000,
                                  10000, 25000, 50000, 100000, 250000, 1000000};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static char metrics_service[32];
static atomic_llong counters[KEEL_M__COUNT];
static atomic_llong gauges[KEEL_G__COUNT];
static atomic_llong errors_by_code[NCODES];
static atomic_llong *by_type; /* keel_msgs_count + 1 (unknown) */
static atomic_llong hist[NBUCKETS + 1];
static atomic_llong hist_sum_us;

int
keel_metrics_init(const char *service)
{
	snprintf(metrics_service, sizeof(metrics_service), "%s", service);
	if (!by_type)
		by_type = calloc(keel_msgs_count + 1, sizeof(*by_type));
	return by_type ? 0 : -ENOMEM;
}

void
keel_metrics_inc(enum keel_counter c, int64_t n)
{
	atomic_fetch_add(&counters[c], n);
}

int64_t
keel_metrics_get(enum keel_counter c)
{
	return atomic_load(&counters[c]);
}

void
keel_metrics_gauge_add(enum keel_gauge g, int64_t delta)
{
	atomic_fetch_add(&gauges[g], delta);
}

void
keel_metrics_gauge_set(enum keel_gauge g, int64_t v)
{
	atomic_store(&gauges[g], v);
}

int64_t
keel_metrics_gauge(enum keel_gauge g)
{
	return atomic_load(&gauges[g]);
}

void
keel_metrics_request(size_t type_index, const char *code, int64_t latency_us)
{
	size_t b = 0;

	atomic_fetch_add(&counters[KEEL_M_REQUESTS], 1);
	if (by_type)
		atomic_fetch_add(
		    &by_type[type_index < keel_msgs_count ? type_index
		                                          : keel_msgs_count],
		    1);
	if (code) {
		size_t i;

		atomic_fetch_add(&counters[KEEL_M_ERRORS], 1);
		for (i = 0; i < NCODES - 1; i++)
			if (strcmp(code, error_codes[i]) == 0)
				break;
		atomic_fetch_add(&errors_by_code[i], 1);
	}
	while (b < NBUCKETS && latency_us > buckets[b])
		b++;
	atomic_fetch_add(&hist[b], 1);
	atomic_fetch_add(&hist_sum_us, latency_us);
}

void
keel_metrics_render(FILE *f)
{
	const char *svc = metrics_service;
	long long cum = 0;

	for (int c = 0; c < KEEL_M__COUNT; c++)
		fprintf(f,
		        "# HELP %s %s\n# TYPE %s counter\n%s{service=\"%s\"} "
		        "%lld\n",
		        counter_names[c][0], counter_names[c][1],
		        counter_names[c][0], counter_names[c][0], svc,
		        (long long)atomic_load(&counters[c]));
	for (int g = 0; g < KEEL_G__COUNT; g++)
		fprintf(
		    f,
		    "# HELP %s %s\n# TYPE %s gauge\n%s{service=\"%s\"} %lld\n",
		    gauge_names[g][0], gauge_names[g][1], gauge_names[g][0],
		    gauge_names[g][0], svc, (long long)atomic_load(&gauges[g]));
	fprintf(f,
	        "# HELP keel_requests_by_type_total requests answered, by "
	        "message type\n# TYPE keel_requests_by_type_total counter\n");
	for (size_t i = 0; by_type && i <= keel_msgs_count; i++)
		fprintf(f,
		        "keel_requests_by_type_total{service=\"%s\",type=\"%"
		        "s\"} %lld\n",
		        svc,
		        i < keel_msgs_count ? keel_msgs[i].type : "unknown",
		        (long long)atomic_load(&by_type[i]));
	fprintf(
	    f,
	    "# HELP keel_request_errors_by_code_total refusals, by "
	    "error code\n# TYPE keel_request_errors_by_code_total counter\n");
	for (size_t i = 0; i < NCODES; i++)
		fprintf(f,
		        "keel_request_errors_by_code_total{service=\"%s\",code="
		        "\"%s\"} %lld\n",
		        svc, error_codes[i],
		        (long long)atomic_load(&errors_by_code[i]));
	fprintf(f,
	        "# HELP keel_request_duration_seconds time from receipt "
	        "to reply\n# TYPE keel_request_duration_seconds histogram\n");
	for (size_t b = 0; b <= NBUCKETS; b++) {
		cum += atomic_load(&hist[b]);
		if (b < NBUCKETS)
			fprintf(f,
			        "keel_request_duration_seconds_bucket{service="
			        "\"%s\",le=\"%g\"} %lld\n",
			        svc, (double)buckets[b] / 1e6, cum);
		else
			fprintf(f,
			        "keel_request_duration_seconds_bucket{service="
			        "\"%s\",le=\"+Inf\"} %lld\n",
			        svc, cum);
	}
	fprintf(f, "keel_request_duration_seconds_sum{service=\"%s\"} %.6f\n",
	        svc, (double)atomic_load(&hist_sum_us) / 1e6);
	fprintf(f, "keel_request_duration_seconds_count{service=\"%s\"} %lld\n",
	        svc, cum);
}

/*
 * daemon: the shape every Keel daemon shares.  A service's main() is one
 * call to keel_daemon_main with its name and handler table; this module
 * does the rest: arguments (-f, -n, -d, -v, -i, --help), configuration,
 * logging, the Redis store, the REP/PUB/HTTP listeners, sys.health and
 * sys.stats, sd_notify (READY only once listeners and Redis are up,
 * WATCHDOG, RELOADING, STOPPING), SIGHUP (reload the log level) and
 * SIGTERM/SIGINT (drain in-flight requests, exit 0).
 */
#ifndef KEEL_DAEMON_H
#define KEEL_DAEMON_H

#include "bus.h"
#include "consumer.h"

#include <stdbool.h>
#include <stdint.h>

struct keel_config;
struct keel_store;
struct keel_daemon;

struct keel_service {
	const char *name;                    /* "intake", ... */
	const struct keel_handler *handlers; /* ended by { NULL, NULL } */
	/* The service's Redis Functions library, joined at build time from
	 * services/<name>/lua (keel_lua_<name>, cmake/keel_lua.cmake). */
	const char *library;
	/* Prepares the service before the store starts; 0 or a negative
	 * errno.  May be NULL. */
	int (*init)(struct keel_store *store);
	/* Other daemons' events it consumes; ended by { .source = NULL }.
	 * May be NULL. */
	const struct keel_subscription *subscriptions;
	/* Timers, on the main thread once ready, event-driven: when a
	 * write or an applied effect woke it (tick_on_write,
	 * keel_daemon_wake), at most every tick_ms; again after the ms it
	 * returns (-1: only when woken); at the latest after
	 * daemon.tick_idle_ms.  It may block on keel_store_*_sync.  May be
	 * NULL. */
	int64_t (*tick)(struct keel_daemon *d);
	bool tick_on_write;
	int tick_ms;
};

/* Runs the daemon; returns the process exit status. */
int keel_daemon_main(int argc, char **argv, const struct keel_service *svc);

/* For handlers: keel_req_app(req) is the struct keel_daemon. */
const char *keel_daemon_instance(const struct keel_daemon *d);
const char *keel_daemon_name(const struct keel_daemon *d);
struct keel_pub *keel_daemon_pub(const struct keel_daemon *d);
const struct keel_config *keel_daemon_config(const struct keel_daemon *d);
struct keel_store *keel_daemon_store(const struct keel_daemon *d);
/* Runs the tick soon (at most every tick_ms); any thread. */
void keel_daemon_wake(struct keel_daemon *d);

struct keel_enc;
/* For ticks: appends "head" and a new event envelope head of this
 * instance to the map being built in e (what keel.emitter takes). */
void keel_daemon_kv_head(struct keel_daemon *d, struct keel_enc *e);
/* For ticks: calls function fn (keel.fn, no keys) with the map in e as its
 * one argument and waits; publishes the [id, env] pairs of its array
 * reply from index from on; returns its element 0 as an integer, or -1
 * after logging why when Redis failed or the reply is not an array. */
long long keel_daemon_fire(struct keel_daemon *d, const char *fn,
                           const struct keel_enc *e, size_t from);

#endif

/*
 * daemon_int: the daemon's state, shared by daemon.c (the shell: start,
 * loop, stop) and daemon_sys.c (the requests every daemon answers).  Not
 * for services: they use daemon.h's accessors.
 */
#ifndef KEEL_DAEMON_INT_H
#define KEEL_DAEMON_INT_H

#include "daemon.h"
#include "events.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct keel_daemon {
	const struct keel_service *svc;
	struct keel_config *cfg;
	const char *cfg_path; /* as given with -f, or NULL */
	bool debug;
	int index;
	char instance[64];
	const char *rep, *pub_url, *http_url;
	/* the addresses with daemon.listen_host, when set */
	char rep_buf[300], pub_buf[300], http_buf[300];
	uint64_t tls_refused; /* as last seen (note_tls) */
	int64_t tls_logged;
	int64_t started_ms;
	struct keel_store *store;
	struct keel_server *server;
	struct keel_pub *pub;
	struct keel_http *http;
	struct keel_outbox outbox; /* what keel_write needs */
	struct keel_auth *auth;    /* auth.identities; NULL: unsigned */
	struct keel_ingest *ingest; /* <svc>.ingest's relay, or NULL */
	int64_t next_trim_ms;
	int64_t trimmed_at; /* events published when the stream was trimmed */
	int64_t tick_idle_trim_ms; /* the hourly trim of a quiet stream */
	struct keel_consumer *consumers[8];
	size_t nconsumers;
	bool listening;
	pthread_t main_thread;
	atomic_bool woken;  /* keel_daemon_wake since the last tick */
	int64_t tick_due;   /* monotonic ms of the next tick */
	int64_t last_tick;
};

/* probe.c: the liveness self-probe (daemon.probe_ms); NULL when off. */
struct keel_probe;
int keel_probe_start(const struct keel_daemon *d, struct keel_probe **ret);
void keel_probe_stop(struct keel_probe *p);

/* sys.health, sys.stats, sys.echo and events.since (daemon_sys.c). */
extern const struct keel_handler keel_sys_handlers[];

#endif

/* daemon: start, serve, reload, drain, stop. */
#include "daemon_int.h"

#include "auth.h"

#include "bus.h"
#include "codec.h"
#include "config.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "log.h"
#include "metrics.h"
#include "sd.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KEEL_VERSION
#define KEEL_VERSION "0.0.0"
#endif


void
keel_daemon_wake(struct keel_daemon *d)
{
	/* One signal until the tick has run: a burst of writes costs one. */
	if (!atomic_exchange(&d->woken, true))
		pthread_kill(d->main_thread, SIGUSR1);
}

/* A write or an effect of d was stored: wakes the tick when the service
 * asked for it (tick_on_write). */
static void
effects_applied(void *arg)
{
	struct keel_daemon *d = arg;

	if (d->svc->tick && d->svc->tick_on_write)
		keel_daemon_wake(d);
}

const char *
keel_daemon_instance(const struct keel_daemon *d)
{
	return d->instance;
}

const char *
keel_daemon_name(const struct keel_daemon *d)
{
	return d->svc->name;
}

struct keel_store *
keel_daemon_store(const struct keel_daemon *d)
{
	return d->store;
}

struct keel_pub *
keel_daemon_pub(const struct keel_daemon *d)
{
	return d->pub;
}

const struct keel_config *
keel_daemon_config(const struct keel_daemon *d)
{
	return d->cfg;
}

static bool
ready_probe(void *arg, char *why, size_t size)
{
	struct keel_daemon *d = arg;

	if (!d->listening) {
		snprintf(why, size, "listeners not up");
		return false;
	}
	if (!keel_store_up(d->store)) {
		char cause[200];

		keel_store_why_down(d->store, cause, sizeof(cause));
		snprintf(why, size, "redis unreachable: %s", cause);
		return false;
	}
	return true;
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
	        "usage: %s [-d] [-n] [-v] [-f FILE] [-i N]\n"
	        "  -f FILE  configuration file (default %s, or KEEL_CONFIG)\n"
	        "  -n       check the configuration, print it and exit\n"
	        "  -d       debug: log level debug, to stderr\n"
	        "  -i N     instance number: listen on the N-th address of "
	        "each list (or KEEL_INSTANCE)\n"
	        "  -v       print the version and exit\n"
	        "  --redis-acl  print the rules of this service's Redis ACL "
	        "user and exit\n"
	        "  --help   this text and every configuration key\n\n",
	        prog, KEEL_CONFIG_DEFAULT_PATH);
}

/*
 * The rules of this service's Redis ACL user (docs/security.md), from its
 * declarations: its own keys, with every command a daemon uses and none
 * of the dangerous ones; and, per stream it consumes, a selector allowing
 * only the consumer group's commands on that one key (so a daemon can
 * read another's events but never write them).  deploy/keel-secrets.sh
 * puts them after "user <svc> on #<password hash>".
 */
static void
print_redis_acl(const struct keel_service *svc)
{
	printf("resetkeys resetchannels ~keel:{%s}:* -@all +@read +@write "
	       "+@stream +@connection +@transaction +@scripting -@dangerous "
	       "-@admin -function|flush -function|delete -function|restore "
	       "-script|flush +role +time +function|load +function|list",
	       svc->name);
	for (const struct keel_subscription *sub = svc->subscriptions;
	     sub && sub->source; sub++)
		printf(" (~keel:{%s}:events -@all +xreadgroup +xack "
		       "+xgroup|create +xautoclaim +xinfo|groups)",
		       sub->source);
	printf("\n");
}

static int
parse_args(struct keel_daemon *d, int argc, char **argv, bool *check_only)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'v'},
	    {"redis-acl", no_argument, NULL, 'A'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	d->index = -1;
	while ((c = getopt_long(argc, argv, "f:ndvi:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			d->cfg_path = optarg;
			break;
		case 'n':
			*check_only = true;
			break;
		case 'd':
			d->debug = true;
			break;
		case 'i':
			d->index = (int)strtol(optarg, &end, 10);
			if (*end || d->index < 0 || d->index > 1023) {
				fprintf(stderr,
				        "%s: -i: '%s' is not an "
				        "instance number 0..1023\n",
				        argv[0], optarg);
				return 2;
			}
			break;
		case 'v':
			printf("keel-%s %s\n", d->svc->name, KEEL_VERSION);
			return 0;
		case 'A':
			print_redis_acl(d->svc);
			return 0;
		case 'h':
			usage(stdout, argv[0]);
			keel_config_help(stdout);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0],
		        argv[optind]);
		return 2;
	}
	return -1;
}

/* addr ("tcp://name:port", "tls+tcp://...", "http://name:port/...") with
 * its host replaced by host, in buf; addr itself when it has no host
 * (ipc://) or buf is too small. */
static const char *
listen_on(const char *addr, const char *host, char *buf, size_t size)
{
	const char *h = strstr(addr, "://"), *port;
	int n;

	if (!h || strncmp(addr, "ipc", 3) == 0 || strncmp(addr, "inproc", 6) == 0)
		return addr;
	h += 3;
	port = h[0] == '[' ? strstr(h, "]:") : strchr(h, ':');
	if (!port)
		return addr;
	if (h[0] == '[')
		port++;
	n = snprintf(buf, size, "%.*s%s%s", (int)(h - addr), addr, host, port);
	return n > 0 && (size_t)n < size ? buf : addr;
}

/* Picks this instance's addresses from the configured lists, and its
 * name. */
static int
pick_addresses(struct keel_daemon *d, struct keel_error *err)
{
	const char *rep[16], *pub[16], *http[16], *host, *name;
	char hostname[64];
	size_t nrep, npub, nhttp;
	const char *env = getenv("KEEL_INSTANCE");

	if (d->index < 0 && env && *env) {
		char *end;

		d->index = (int)strtol(env, &end, 10);
		if (*end || d->index < 0 || d->index > 1023) {
			keel_error_set(err, KEEL_E_INVALID_FIELD,
			               "KEEL_INSTANCE",
			               "KEEL_INSTANCE: '%s' is not an instance "
			               "number 0..1023",
			               env);
			return -EINVAL;
		}
	}
	if (d->index < 0)
		d->index = (int)keel_config_int(d->cfg, "daemon.instance");
	nrep = keel_config_addrs(d->cfg, d->svc->name, "rep", rep, 16);
	npub = keel_config_addrs(d->cfg, d->svc->name, "pub", pub, 16);
	nhttp = keel_config_addrs(d->cfg, d->svc->name, "http", http, 16);
	if ((size_t)d->index >= nrep || (size_t)d->index >= npub) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, "daemon.instance",
		               "instance %d needs %d addresses in %s.rep and "
		               "%s.pub, which list %zu and %zu",
		               d->index, d->index + 1, d->svc->name,
		               d->svc->name, nrep, npub);
		return -EINVAL;
	}
	d->rep = rep[d->index];
	d->pub_url = pub[d->index];
	d->http_url = (size_t)d->index < nhttp ? http[d->index] : NULL;
	host = keel_config_str(d->cfg, "daemon.listen_host");
	if (host && *host) {
		d->rep = listen_on(d->rep, host, d->rep_buf, sizeof(d->rep_buf));
		d->pub_url = listen_on(d->pub_url, host, d->pub_buf,
		                       sizeof(d->pub_buf));
		if (d->http_url)
			d->http_url = listen_on(d->http_url, host, d->http_buf,
			                        sizeof(d->http_buf));
	}
	name = keel_config_str(d->cfg, "daemon.name");
	if (name && strcmp(name, "hostname") == 0 &&
	    gethostname(hostname, sizeof(hostname)) == 0 && hostname[0]) {
		hostname[sizeof(hostname) - 1] = '\0';
		name = hostname;
	}
	if (name && *name)
		snprintf(d->instance, sizeof(d->instance), "%s-%.40s",
		         d->svc->name, name);
	else
		snprintf(d->instance, sizeof(d->instance), "%s-%d",
		         d->svc->name, d->index);
	return 0;
}

/* Connections the tls+ listeners refused since the last round: counted,
 * and logged at most once a minute (a scanner must not fill the log). */
static void
note_tls(struct keel_daemon *d)
{
	uint64_t n = keel_bus_tls_refused();
	int64_t now = keel_time_mono_ms();

	if (n <= d->tls_refused)
		return;
	keel_metrics_inc(KEEL_M_TLS_REFUSED, (int64_t)(n - d->tls_refused));
	d->tls_refused = n;
	if (d->tls_logged && now - d->tls_logged < 60000)
		return;
	d->tls_logged = now;
	{
		char total[24];

		snprintf(total, sizeof(total), "%llu", (unsigned long long)n);
		keel_log(KEEL_LOG_WARNING,
		         "tls: connections refused in the handshake (no "
		         "certificate, or one of another CA)",
		         "refused", total, NULL);
	}
}

/*
 * The identities (auth.identities).  Without them every request is
 * served unsigned, which is only safe where nobody else can connect: a
 * daemon with any address (request, events, health) reachable from
 * another host refuses to start, and so does one that takes published
 * requests (<svc>.ingest), which must be signed (docs/security.md).
 */
static int
load_auth(struct keel_daemon *d, struct keel_error *err)
{
	const char *urls[] = {d->rep, d->pub_url, d->http_url}, *ingest[1];
	int r = keel_config_auth(d->cfg, d->svc->name, &d->auth, err);

	if (r < 0)
		return r;
	if (d->auth && !keel_auth_can_sign(d->auth))
		fprintf(stderr,
		        "keel-%s: no key of identity %s in %s: this daemon's "
		        "own probes go unsigned\n",
		        d->svc->name, d->svc->name,
		        keel_config_str(d->cfg, "auth.identities"));
	if ((r = keel_config_local_only(d->auth, urls,
	                                sizeof(urls) / sizeof(urls[0]), err)) <
	    0)
		return r;
	if (!d->auth &&
	    keel_config_addrs(d->cfg, d->svc->name, "ingest", ingest, 1) > 0) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, "auth.identities",
		               "%s.ingest takes requests outside systems "
		               "publish, which must be signed: set "
		               "auth.identities",
		               d->svc->name);
		return -EINVAL;
	}
	return 0;
}

static int
start(struct keel_daemon *d, struct keel_error *err)
{
	const struct keel_handler *tables[] = {keel_sys_handlers, d->svc->handlers};
	struct keel_store_opts so = {
	    .socket = keel_config_str(d->cfg, "redis.socket"),
	    .host = keel_config_str(d->cfg, "redis.host"),
	    .port = (int)keel_config_int(d->cfg, "redis.port"),
	    .user = keel_config_str(d->cfg, "redis.user"),
	    .password = keel_config_str(d->cfg, "redis.password"),
	    .sentinels = keel_config_str(d->cfg, "redis.sentinels"),
	    .master = keel_config_str(d->cfg, "redis.master"),
	    .wait_replicas = (int)keel_config_int(d->cfg, "redis.wait_replicas"),
	    .wait_ms = (int)keel_config_int(d->cfg, "redis.wait_ms"),
	    .timeout_ms = (int)keel_config_int(d->cfg, "redis.timeout_ms"),
	    .reconnect_max_ms =
	        (int)keel_config_int(d->cfg, "redis.reconnect_max_ms"),
	    .batch_max = (int)keel_config_int(d->cfg, "store.batch_max"),
	    .queue_max = (int)keel_config_int(d->cfg, "store.queue_max"),
	};
	struct keel_server_opts o = {
	    .url = d->rep,
	    .src = d->instance,
	    .contexts = (int)keel_config_int(d->cfg, "bus.contexts"),
	    .max_msg = (size_t)keel_config_int(d->cfg, "bus.max_msg_bytes"),
	    .buffer = (int)keel_config_int(d->cfg, "bus.buffer"),
	    .max_conns = (int)keel_config_int(d->cfg, "bus.max_conns"),
	    .max_inflight = (int)keel_config_int(d->cfg, "bus.max_inflight"),
	    .tables = tables,
	    .ntables = d->svc->handlers ? 2 : 1,
	    .app = d,
	    .outbox = &d->outbox,
	    .auth = d->auth,
	};
	int r;

	snprintf(d->outbox.service, sizeof(d->outbox.service), "%s",
	         d->svc->name);
	snprintf(d->outbox.instance, sizeof(d->outbox.instance), "%s",
	         d->instance);
	d->outbox.idem_ttl_ms = keel_config_int(d->cfg, "events.idempotency_ms");
	d->outbox.written = effects_applied;
	d->outbox.written_arg = d;

	if ((r = keel_store_new(&so, &d->store)) < 0 ||
	    (r = keel_store_library(d->store, d->svc->library)) < 0 ||
	    (d->svc->init && (r = d->svc->init(d->store)) < 0) ||
	    (r = keel_store_start(d->store)) < 0) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL,
		               "cannot start the store: %s", strerror(-r));
		return r;
	}
	o.store = d->store;
	if ((r = keel_server_new(&o, &d->server, err)) < 0)
		return r;
	if ((r = keel_pub_new(d->pub_url,
	                      (int)keel_config_int(d->cfg, "bus.buffer"),
	                      &d->pub, err)) < 0)
		return r;
	d->outbox.pub = d->pub; /* before the server takes requests */
	if (d->http_url &&
	    (r = keel_http_new(d->http_url, ready_probe, d, &d->http, err)) < 0)
		return r;
	keel_server_start(d->server);
	d->listening = true;
	{
		const char *pubs[16];
		struct keel_ingest_opts io = {
		    .service = d->svc->name,
		    .rep = d->rep,
		    .pubs = pubs,
		    .npubs = keel_config_addrs(d->cfg, d->svc->name, "ingest",
		                               pubs, 16),
		    .max_msg = o.max_msg,
		};

		if (io.npubs > 0 &&
		    (r = keel_ingest_start(&io, &d->ingest, err)) < 0)
			return r;
	}
	for (const struct keel_subscription *sub = d->svc->subscriptions;
	     sub && sub->source && d->nconsumers < 8; sub++) {
		const char *pubs[16];
		struct keel_consumer_opts co = {
		    .service = d->svc->name,
		    .instance = d->instance,
		    .sub = sub,
		    .npub =
		        keel_config_addrs(d->cfg, sub->source, "pub", pubs, 16),
		    .pub_addrs = pubs,
		    .store = so,
		    .library = d->svc->library,
		    .claim_idle_ms =
		        (int)keel_config_int(d->cfg, "events.claim_idle_ms"),
		    .sweep_ms = (int)keel_config_int(d->cfg, "events.sweep_ms"),
		    .sweep_idle_ms =
		        (int)keel_config_int(d->cfg, "events.sweep_idle_ms"),
		    .batch = (int)keel_config_int(d->cfg, "events.batch"),
		    .done_ttl_ms = keel_config_int(d->cfg, "events.done_ms"),
		    .max_msg = o.max_msg,
		    .pub = d->pub,
		    .applied = effects_applied,
		    .applied_arg = d,
		};

		r = keel_consumer_new(&co, &d->consumers[d->nconsumers], err);
		if (r < 0)
			return r;
		d->nconsumers++;
	}
	return 0;
}

/*
 * nng 1.5.2's nng_close can deadlock on a pipe caught mid-close (nng
 * #1543, fixed later).  Closing sockets comes last, after every request
 * is answered and the store is flushed, under this guard: if closing has
 * not finished in GUARD_MS, the process exits anyway; nothing is lost.
 */
#define GUARD_MS 5000

static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t guard_cond = PTHREAD_COND_INITIALIZER;
static bool guard_done, guard_running;
static pthread_t guard_thread;

static void *
guard_main(void *arg)
{
	struct timespec ts;
	bool done;

	(void)arg;
	keel_time_deadline(GUARD_MS, &ts);
	pthread_mutex_lock(&guard_lock);
	while (!guard_done &&
	       pthread_cond_timedwait(&guard_cond, &guard_lock, &ts) == 0)
		;
	done = guard_done;
	pthread_mutex_unlock(&guard_lock);
	if (!done) {
		keel_log(KEEL_LOG_WARNING,
		         "closing sockets did not finish (nng); exiting", NULL);
		keel_sd_notify("STATUS=stopped");
		_exit(0);
	}
	return NULL;
}

static void
guard_start(void)
{
	if (!guard_running &&
	    pthread_create(&guard_thread, NULL, guard_main, NULL) == 0)
		guard_running = true;
}

static void
guard_end(void)
{
	if (!guard_running)
		return;
	pthread_mutex_lock(&guard_lock);
	guard_done = true;
	pthread_cond_signal(&guard_cond);
	pthread_mutex_unlock(&guard_lock);
	pthread_join(guard_thread, NULL);
	guard_running = false;
}

static void
stop(struct keel_daemon *d)
{
	int left = 0;

	/* the relay first: it would wait on a draining server */
	d->ingest = keel_ingest_stop(d->ingest);
	if (d->server)
		left = keel_server_drain(
		    d->server, (int)keel_config_int(d->cfg, "daemon.drain_ms"));
	if (left > 0) {
		char n[16];

		snprintf(n, sizeof(n), "%d", left);
		keel_log(KEEL_LOG_WARNING, "drain deadline passed", "inflight",
		         n, NULL);
	}
	d->listening = false;
	/* Consumers finish the batch in hand (stored and acked) first. */
	for (size_t i = 0; i < d->nconsumers; i++)
		d->consumers[i] = keel_consumer_free(d->consumers[i]);
	/* The store sends what is queued and answers the rest, while the
	 * sockets can still carry those answers: after this nothing that
	 * matters is left, only sockets to close. */
	d->store = keel_store_free(d->store);
	guard_start();
	d->http = keel_http_free(d->http);
	d->server = keel_server_free(d->server);
	d->pub = keel_pub_free(d->pub);
}

static void
reload(struct keel_daemon *d)
{
	struct keel_config *cfg = NULL;
	struct keel_error err;

	keel_sd_notify("RELOADING=1");
	if (keel_config_load(d->cfg_path, &cfg, &err) < 0) {
		keel_log(KEEL_LOG_ERR,
		         "reload refused; keeping the running "
		         "configuration",
		         "error", err.message, NULL);
	} else {
		int level =
		    keel_log_level_parse(keel_config_str(cfg, "log.level"));

		keel_log_set_level(d->debug ? KEEL_LOG_DEBUG : level);
		keel_metrics_inc(KEEL_M_CONFIG_RELOADS, 1);
		keel_log(KEEL_LOG_NOTICE, "configuration reloaded", "log_level",
		         keel_log_level_name(keel_log_get_level()), NULL);
		keel_config_free(cfg);
	}
	keel_sd_notify("READY=1");
}

static void
trim_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	char n[24];

	(void)arg;
	if (r && keel_reply_type(r) == KEEL_R_INT && keel_reply_int(r) > 0) {
		snprintf(n, sizeof(n), "%lld", keel_reply_int(r));
		keel_log(KEEL_LOG_DEBUG, "events trimmed", "entries", n, NULL);
	} else if (r && keel_reply_type(r) == KEEL_R_ERROR) {
		keel_log(KEEL_LOG_WARNING, "events not trimmed", "error",
		         keel_reply_str(r, NULL), NULL);
	}
	(void)err;
}

/* Retention of the daemon's own stream, run from the main loop. */
static void
trim_events(struct keel_daemon *d)
{
	int64_t now = keel_time_mono_ms();
	char key[96], keep[32], fn[64];

	int64_t published = keel_metrics_get(KEEL_M_EVENTS_PUBLISHED);

	if (now < d->next_trim_ms || !keel_store_up(d->store))
		return;
	d->next_trim_ms = now + keel_config_int(d->cfg, "events.trim_ms");
	/* A quiet daemon does no Redis work: only a stream that grew is
	 * trimmed by age, and any stream once an hour. */
	if (published == d->trimmed_at && now < d->tick_idle_trim_ms)
		return;
	d->trimmed_at = published;
	d->tick_idle_trim_ms = now + 3600000;
	keel_events_key(d->svc->name, key, sizeof(key));
	snprintf(keep, sizeof(keep), "%lld-0",
	         (long long)(keel_time_now_ms() -
	                     keel_config_int(d->cfg, "events.retention_ms")));
	snprintf(fn, sizeof(fn), "%s_trim", d->svc->name);
	keel_store_fcall(d->store, fn, 1, 2, (const char *[]){key, keep}, NULL,
	                 trim_done, NULL);
}

/* Waits for a signal, or the watchdog tick; returns the signal or 0. */
static int
wait_signal(const sigset_t *set, int64_t ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	int sig = sigtimedwait(set, NULL, &ts);

	return sig < 0 ? 0 : sig;
}

/*
 * The service's tick, event-driven: it runs when keel_daemon_wake was
 * called (a write, an applied effect), at most every tick_ms, or when it
 * asked to run again (its return value: ms, or -1 for "only when woken"),
 * or after daemon.tick_idle_ms as a safety net (another instance's timers
 * whose instance died).  A quiet daemon does no Redis work in between.
 */
static void
run_tick(struct keel_daemon *d)
{
	int64_t now = keel_time_mono_ms(), next,
	        idle = keel_config_int(d->cfg, "daemon.tick_idle_ms");

	if (atomic_load(&d->woken)) {
		int64_t soon = d->last_tick + d->svc->tick_ms;

		if (soon < d->tick_due)
			d->tick_due = soon;
	}
	if (now < d->tick_due)
		return;
	atomic_store(&d->woken, false);
	d->last_tick = now;
	next = d->svc->tick(d);
	if (next < 0 || next > idle)
		next = idle;
	if (next < d->svc->tick_ms)
		next = d->svc->tick_ms;
	d->tick_due = now + next;
}

/* How long the main loop sleeps between rounds, in ms. */
static int64_t
loop_ms(const struct keel_daemon *d, int64_t watchdog)
{
	int64_t ms = watchdog > 0 && watchdog < 1000 ? watchdog : 1000;

	if (d->svc->tick) {
		int64_t due = d->tick_due - keel_time_mono_ms();

		if (atomic_load(&d->woken))
			due = d->last_tick + d->svc->tick_ms -
			      keel_time_mono_ms();
		if (due < ms)
			ms = due < 1 ? 1 : due;
	}
	return ms;
}

/* SCHED_BATCH before the first thread exists, so that every thread
 * (nng's, the store's, the consumers') inherits it.  Under load the store
 * thread answers a whole batch, each answer waking one of nng's task
 * threads; with the default policy each woken thread preempted the store
 * thread on these two cores, three switches per request at 64 clients.  A
 * woken batch thread runs on an idle core at once, or when its waker
 * sleeps.  Returns the policy's name for the start-up log. */
static const char *
sched_policy(const struct keel_daemon *d)
{
	struct sched_param p = {0};

	if (!keel_config_bool(d->cfg, "daemon.sched_batch"))
		return "other";
	return pthread_setschedparam(pthread_self(), SCHED_BATCH, &p) == 0
	           ? "batch"
	           : "other (SCHED_BATCH refused)";
}

int
keel_daemon_main(int argc, char **argv, const struct keel_service *svc)
{
	struct keel_daemon d = {.svc = svc};
	struct keel_error err;
	bool check_only = false, ready = false;
	struct keel_probe *probe = NULL;
	const char *sched;
	int64_t tick;
	sigset_t set;
	int r;

	/* Before any thread exists, so every thread inherits the mask and
	 * the main thread alone takes these signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1); /* keel_daemon_wake */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d.main_thread = pthread_self();
	signal(SIGPIPE, SIG_IGN);

	if ((r = parse_args(&d, argc, argv, &check_only)) >= 0)
		return r;
	keel_error_clear(&err);
	if (keel_config_load(d.cfg_path, &d.cfg, &err) < 0) {
		fprintf(stderr, "keel-%s: %s\n", svc->name, err.message);
		return 1;
	}
	sched = sched_policy(&d);
	if (pick_addresses(&d, &err) < 0) {
		fprintf(stderr, "keel-%s: %s\n", svc->name, err.message);
		keel_config_free(d.cfg);
		return 1;
	}
	if (keel_bus_tls(keel_config_str(d.cfg, "bus.tls_ca"),
	                 keel_config_str(d.cfg, "bus.tls_cert"), &err) < 0) {
		fprintf(stderr, "keel-%s: %s\n", svc->name, err.message);
		keel_config_free(d.cfg);
		return 1;
	}
	if (load_auth(&d, &err) < 0) {
		fprintf(stderr, "keel-%s: %s\n", svc->name, err.message);
		keel_config_free(d.cfg);
		return 1;
	}
	if (check_only) {
		keel_config_print(d.cfg, stdout);
		printf("# this instance: %s rep=%s pub=%s http=%s\n",
		       d.instance, d.rep, d.pub_url,
		       d.http_url ? d.http_url : "(off)");
		keel_config_free(d.cfg);
		keel_auth_free(d.auth);
		return 0;
	}
	keel_log_init(d.instance,
	              d.debug ? KEEL_LOG_DEBUG
	                      : keel_log_level_parse(
	                            keel_config_str(d.cfg, "log.level")));
	if (keel_metrics_init(svc->name) < 0) {
		fprintf(stderr, "keel-%s: out of memory\n", svc->name);
		keel_auth_free(d.auth);
		return 1;
	}
	d.started_ms = keel_time_now_ms();
	keel_log(KEEL_LOG_INFO, "starting", "version", KEEL_VERSION, "config",
	         keel_config_path(d.cfg), "systemd",
	         keel_sd_built() ? "yes" : "no (built without libsystemd)",
	         "sched", sched, NULL);
	if (start(&d, &err) < 0) {
		keel_log(KEEL_LOG_ERR, "cannot start", "error", err.message,
		         NULL);
		stop(&d);
		keel_config_free(d.cfg);
		keel_auth_free(d.auth);
		keel_bus_fini();
		guard_end();
		return 1;
	}
	keel_log(KEEL_LOG_INFO, "listening", "rep", d.rep, "pub", d.pub_url,
	         "http", d.http_url ? d.http_url : "(off)", NULL);
	keel_sd_notify("STATUS=waiting for redis");

	tick = keel_sd_watchdog_usec() / 2000; /* half the interval, in ms */
	for (;;) {
		int sig;

		if (!ready && keel_store_wait_up(d.store, 0) == 0) {
			ready = true;
			keel_metrics_gauge_set(KEEL_G_READY, 1);
			keel_sd_notify("READY=1\nSTATUS=serving");
			keel_log(KEEL_LOG_INFO, "ready", NULL);
			keel_probe_start(&d, &probe);
		}
		keel_metrics_gauge_set(KEEL_G_READY,
		                       ready && keel_store_up(d.store));
		if (ready)
			trim_events(&d);
		if (d.server)
			keel_server_reap(d.server,
			                 keel_config_int(d.cfg, "bus.idle_ms"));
		if (ready && svc->tick)
			run_tick(&d);
		note_tls(&d);
		/* Not ready yet: look at Redis again soon. */
		sig = wait_signal(&set, !ready ? 50 : loop_ms(&d, tick));
		if (tick > 0)
			keel_sd_notify("WATCHDOG=1");
		if (sig == SIGHUP)
			reload(&d);
		else if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	keel_sd_notify("STOPPING=1\nSTATUS=draining");
	keel_log(KEEL_LOG_INFO, "stopping", NULL);
	keel_probe_stop(probe);
	stop(&d);
	keel_config_free(d.cfg);
	d.auth = keel_auth_free(d.auth);
	keel_bus_fini();
	guard_end();
	keel_log(KEEL_LOG_INFO, "stopped", NULL);
	return 0;
}

void
keel_daemon_kv_head(struct keel_daemon *d, struct keel_enc *e)
{
	struct keel_enc *h = keel_enc_new();
	const void *p;
	size_t len;

	keel_enc_str(e, "head");
	if (!h) {
		keel_enc_str(e, ""); /* the caller's map stays whole */
		return;
	}
	keel_events_head(h, keel_daemon_instance(d));
	p = keel_enc_data(h, &len);
	keel_enc_strn(e, p, len);
	keel_enc_free(h);
}

struct fired {
	struct keel_daemon *d;
	const char *fn;
	size_t from;
	long long first;
};

static void
fired(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct fired *f = arg;

	if (!r || keel_reply_type(r) != KEEL_R_ARRAY) {
		keel_log(KEEL_LOG_WARNING, "timer function failed", "function",
		         f->fn, "error",
		         r ? keel_reply_str(r, NULL) : err->message, NULL);
		return;
	}
	f->first = keel_reply_int(keel_reply_at(r, 0));
	keel_events_publish_pairs(keel_daemon_pub(f->d), r, f->from);
}

long long
keel_daemon_fire(struct keel_daemon *d, const char *fn,
                 const struct keel_enc *e, size_t from)
{
	struct fired f = {.d = d, .fn = fn, .from = from, .first = -1};
	const void *p;
	size_t len;

	if (keel_enc_error(e)) {
		keel_log(KEEL_LOG_WARNING, "timer function not called",
		         "function", fn, "error", "out of memory", NULL);
		return -1;
	}
	p = keel_enc_data(e, &len);
	keel_store_fcall_sync(keel_daemon_store(d), fn, 0, 1,
	                      (const char *[]){p}, (const size_t[]){len}, fired,
	                      &f);
	return f.first;
}

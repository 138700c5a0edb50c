/*
 * Listening on the bus, and the listener guard.
 *
 * nng 1.5.2 (Debian 12) has a listener that can stop accepting for good:
 * when a peer leaves in the middle of a connection's negotiation in a way
 * that reaches the listener as NNG_ECLOSED, the accept loop takes it for
 * its own close and never accepts again (nanomsg/nng issue 1518, fixed
 * after 1.5.2).  The connections already made go on.  New ones are still
 * taken and negotiated by the transport, so their clients believe they
 * are connected, but they are never handed to the socket: their requests
 * wait unanswered.  A client that dials several instances and leaves as
 * soon as one answers (keelctl) does this sooner or later; so can anyone
 * who reaches the port.
 *
 * The guard: a thread looks at every tcp and tls listener's counters
 * five times a second.  When one of the errors after which 1.5.2's accept loop
 * may not go on was counted ("other", "canceled"), it dials the listener
 * itself, with the protocol the socket answers: a live listener counts
 * that connection (accepted, or refused); a dead one counts nothing.  A
 * dead listener is closed and made again on the same socket and address.
 * Its old connections close with it (nng's REQ sockets send what was in
 * flight again; Keel's writes are idempotent); new ones are served at
 * once.  Each time is logged and counted (sys.stats listener_restarts,
 * /metrics keel_listener_restarts_total).
 *
 * The dialing side has the same flaw (nng 1.5.2's dialer_connect_cb): a
 * connection attempt that ends in NNG_ECLOSED or NNG_ECANCELED stops the
 * dialer for good, with no pipe and no retry.  Seen in tests/t_change
 * under ASan: keel-change restarted while the test's client was
 * connecting; the client had no connection to the new instance for
 * minutes, and its every request timed out.  So the guard also looks at
 * every dialer made by bus_dial: one with no connection whose counters
 * (connects, refusals, errors) have not moved for DIAL_STILL_MS, while a
 * live one tries again at least every bus reconnect interval (500 ms at
 * most in Keel), is closed and made again on the same socket and
 * address.  That also covers an attempt hung for that long (a TCP SYN to
 * a host cut off): a new attempt is what a retry would be.  Each is
 * counted (sys.stats dialer_restarts, /metrics keel_dialer_restarts_total)
 * and logged, at most once a minute per dialer.
 *
 * nng also counts what the listeners refuse: keel_bus_tls_refused() sums
 * it over the tls+ listeners for sys.stats and /metrics.
 */
#include "bus.h"
#include "bus_tls.h"

#include "ktime.h"
#include "log.h"
#include "metrics.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LISTENERS 16
#define MAX_DIALERS 128
#define LOOK_MS 200
#define DIAL_STILL_MS 5000

struct guarded {
	nng_socket sock;
	nng_listener l; /* id 0: a slot no longer used */
	char url[256];
	bool tls;
	uint64_t ended;   /* accept-loop ends seen, the listener alive */
	uint64_t refused; /* of listeners this one replaced */
	int64_t next_ms;  /* after a check that could not tell: not before */
};

struct dguarded {
	nng_socket sock;
	nng_dialer d; /* id 0: a slot no longer used */
	char url[256];
	uint64_t moved;   /* its counters at the last look */
	int64_t still_ms; /* since when no connection, nothing moving */
	int64_t logged_ms;
};

static struct {
	pthread_mutex_t lock;
	struct guarded ls[MAX_LISTENERS];
	int n;
	struct dguarded ds[MAX_DIALERS];
	int nd;
	bool started, stop;
	pthread_t thread;
	pthread_cond_t cond;
} g = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* A counter of a listener's or dialer's statistics, 0 when absent. */
static uint64_t
counter(nng_stat *ls, const char *name)
{
	nng_stat *s = ls ? nng_stat_find(ls, name) : NULL;

	return s ? nng_stat_value(s) : 0;
}

/* The sum of the counters named in a NULL-terminated list. */
static uint64_t
sum_of(nng_stat *st, const char *const *names)
{
	uint64_t n = 0;

	for (; *names; names++)
		n += counter(st, *names);
	return n;
}

static uint64_t
refused_of(nng_stat *ls)
{
	static const char *const names[] = {"auth", "proto", "reject", NULL};

	return sum_of(ls, names);
}

/* Errors after which nng 1.5.2's accept loop does not go on. */
static uint64_t
ended_of(nng_stat *ls)
{
	static const char *const names[] = {"other", "canceled", NULL};

	return sum_of(ls, names);
}

/* Every outcome a listener counts: one more means it took a connection. */
static uint64_t
moved_of(nng_stat *ls)
{
	static const char *const names[] = {
	    "accept", "disconnect", "canceled", "other", "timeout",
	    "proto",  "auth",       "oom",      "reject", NULL};

	return sum_of(ls, names);
}

/* A listener made and started on sock; 0 or an nng error. */
static int
make(nng_socket sock, const char *url, nng_listener *ret)
{
	nng_listener l;
	int rv;

	if ((rv = nng_listener_create(&l, sock, url)) != 0)
		return rv;
	if ((bus_is_tls(url) && (rv = bus_tls_listener(l)) != 0) ||
	    (rv = nng_listener_start(l, 0)) != 0) {
		nng_listener_close(l);
		return rv;
	}
	*ret = l;
	return 0;
}

static void
on_check_pipe(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	(void)p;
	(void)ev;
	__atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
}

static uint64_t
moved_now(nng_listener l)
{
	nng_stat *all = NULL;
	uint64_t n = 0;

	if (nng_stats_get(&all) == 0) {
		n = moved_of(nng_stat_find_listener(all, l));
		nng_stats_free(all);
	}
	return n;
}

/* Whether the listener still accepts: a connection of our own, of the
 * protocol its socket answers, must move one of its counters (accepted,
 * or refused).  1 alive, 0 dead, -1 cannot tell (our connection did not
 * come up). */
static int
accepts(const struct guarded *e, uint64_t moved)
{
	char *peer = NULL;
	nng_socket cs;
	int up = 0, verdict = -1, rv;

	if (nng_socket_get_string(e->sock, NNG_OPT_PEERNAME, &peer) != 0)
		return -1;
	if (strcmp(peer, "req") == 0)
		rv = nng_req0_open(&cs);
	else if (strcmp(peer, "sub") == 0)
		rv = nng_sub0_open(&cs);
	else
		rv = NNG_ENOTSUP;
	nng_strfree(peer);
	if (rv != 0)
		return -1;
	nng_pipe_notify(cs, NNG_PIPE_EV_ADD_POST, on_check_pipe, &up);
	if (bus_dial_one(cs, e->url, NNG_FLAG_NONBLOCK, NULL) == 0) {
		int64_t since_up = -1;

		/* up to 2 s for our connection; then 300 ms for a sign */
		for (int t = 0; t < 2000; t += 20) {
			struct timespec ts = {0, 20 * 1000000L};

			nanosleep(&ts, NULL);
			if (moved_now(e->l) != moved) {
				verdict = 1;
				break;
			}
			if (since_up < 0 &&
			    __atomic_load_n(&up, __ATOMIC_ACQUIRE))
				since_up = t;
			if (since_up >= 0 && t - since_up >= 300) {
				verdict = 0;
				break;
			}
		}
	}
	bus_close(cs);
	return verdict;
}

/* Called with g.lock held. */
static void
look(nng_stat *all, struct guarded *e)
{
	nng_stat *ls = nng_stat_find_listener(all, e->l);
	uint64_t ended;
	nng_listener fresh;
	int rv;

	if (!ls) { /* closed with its socket: the slot is free */
		e->l = (nng_listener){0};
		return;
	}
	if ((ended = ended_of(ls)) == e->ended ||
	    keel_time_mono_ms() < e->next_ms)
		return;
	/* an error that may have ended the accept loop: ask it */
	if ((rv = accepts(e, moved_of(ls))) != 0) {
		if (rv > 0)
			e->ended = ended;
		else /* our own dial did not come up: ask again later */
			e->next_ms = keel_time_mono_ms() + 5000;
		return;
	}
	e->refused += refused_of(ls);
	nng_listener_close(e->l);
	e->l = (nng_listener){0};
	if ((rv = make(e->sock, e->url, &fresh)) != 0) {
		if (rv == NNG_ECLOSED) /* its socket is closing */
			return;
		keel_log(KEEL_LOG_ERR,
		         "listener stopped accepting, and cannot listen "
		         "again",
		         "url", e->url, "error", nng_strerror(rv), NULL);
		return; /* the daemon's probe takes it from here */
	}
	e->l = fresh;
	e->ended = 0;
	keel_metrics_inc(KEEL_M_RELISTENS, 1);
	keel_log(KEEL_LOG_WARNING,
	         "listener stopped accepting (nng 1.5.2, a peer that left "
	         "during negotiation); listening again, its connections "
	         "closed",
	         "url", e->url, NULL);
}

static void *guard_main(void *arg);

/* Every outcome a dialer counts: one more means it tried again. */
static uint64_t
dial_moved_of(nng_stat *ds)
{
	static const char *const names[] = {
	    "connect", "refused", "disconnect", "canceled", "other",
	    "timeout", "proto",   "auth",       "oom",      "reject", NULL};

	return sum_of(ds, names);
}

/* Called with g.lock held. */
static void
look_dialer(nng_stat *all, struct dguarded *e)
{
	nng_stat *ds = nng_stat_find_dialer(all, e->d);
	int64_t now = keel_time_mono_ms();
	uint64_t moved;
	nng_dialer fresh;
	int rv;

	if (!ds) { /* closed, or its socket: the slot is free */
		e->d = (nng_dialer){0};
		return;
	}
	moved = dial_moved_of(ds);
	if (counter(ds, "pipes") > 0 || moved != e->moved) {
		e->moved = moved;
		e->still_ms = now;
		return;
	}
	if (now - e->still_ms < DIAL_STILL_MS)
		return;
	nng_dialer_close(e->d);
	e->d = (nng_dialer){0};
	if ((rv = bus_dial_one(e->sock, e->url, NNG_FLAG_NONBLOCK, &fresh)) !=
	    0) {
		if (rv != NNG_ECLOSED) /* not its socket closing */
			keel_log(KEEL_LOG_ERR,
			         "dialer stopped reconnecting, and cannot dial "
			         "again",
			         "url", e->url, "error", nng_strerror(rv),
			         NULL);
		return;
	}
	e->d = fresh;
	e->moved = 0;
	e->still_ms = now;
	keel_metrics_inc(KEEL_M_REDIALS, 1);
	if (now - e->logged_ms >= 60000 || e->logged_ms == 0) {
		e->logged_ms = now;
		keel_log(KEEL_LOG_WARNING,
		         "no connection and no reconnection attempt for 5 s "
		         "(nng 1.5.2 stops a dialer whose peer left during "
		         "negotiation); dialing again",
		         "url", e->url, NULL);
	}
}

/* Called locked.  The thread also stops at exit, before nng's own
 * teardown: a process that never calls keel_bus_fini (a test, a client)
 * had it call nng_stats_get on nng's destroyed locks as it exited (nng
 * panics: "pthread_mutex_lock: Invalid argument", seen in t_daemon). */
static void
guard_start(void)
{
	static bool at_exit;

	if (!g.started && pthread_create(&g.thread, NULL, guard_main, NULL) == 0)
		g.started = true;
	if (g.started && !at_exit)
		at_exit = atexit(bus_listen_fini) == 0;
}

int
bus_dial(nng_socket sock, const char *url, int flags)
{
	struct dguarded *e = NULL;
	nng_dialer d;
	int rv;

	if ((rv = bus_dial_one(sock, url, flags, &d)) != 0)
		return rv;
	pthread_mutex_lock(&g.lock);
	for (int i = 0; i < g.nd && !e; i++)
		if (nng_dialer_id(g.ds[i].d) <= 0)
			e = &g.ds[i];
	if (!e && g.nd < MAX_DIALERS)
		e = &g.ds[g.nd++];
	if (e) {
		*e = (struct dguarded){.sock = sock,
		                       .d = d,
		                       .still_ms = keel_time_mono_ms()};
		snprintf(e->url, sizeof(e->url), "%s", url);
		guard_start();
	}
	pthread_mutex_unlock(&g.lock);
	return 0;
}

static void *
guard_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&g.lock);
	while (!g.stop) {
		struct timespec ts;
		nng_stat *all = NULL;

		keel_time_deadline(LOOK_MS, &ts);
		pthread_cond_timedwait(&g.cond, &g.lock, &ts);
		if (g.stop)
			break;
		if (nng_stats_get(&all) != 0)
			continue;
		for (int i = 0; i < g.n; i++)
			if (nng_listener_id(g.ls[i].l) > 0)
				look(all, &g.ls[i]);
		for (int i = 0; i < g.nd; i++)
			if (nng_dialer_id(g.ds[i].d) > 0)
				look_dialer(all, &g.ds[i]);
		nng_stats_free(all);
	}
	pthread_mutex_unlock(&g.lock);
	return NULL;
}

int
bus_listen(nng_socket sock, const char *url, nng_listener *ret)
{
	struct guarded *e;
	nng_listener l;
	int rv, i;

	pthread_mutex_lock(&g.lock);
	if ((rv = make(sock, url, &l)) != 0) {
		pthread_mutex_unlock(&g.lock);
		return rv;
	}
	if (ret)
		*ret = l;
	/* tcp and tls listeners are guarded; ipc's clients are
	 * processes of this host */
	for (e = NULL, i = 0; i < g.n && !e; i++)
		if (nng_listener_id(g.ls[i].l) <= 0)
			e = &g.ls[i];
	if (!e && g.n < MAX_LISTENERS)
		e = &g.ls[g.n++];
	if (e && (strncmp(url, "tcp", 3) == 0 || bus_is_tls(url))) {
		*e = (struct guarded){.sock = sock, .l = l, .tls = bus_is_tls(url)};
		snprintf(e->url, sizeof(e->url), "%s", url);
		guard_start();
	}
	pthread_mutex_unlock(&g.lock);
	return 0;
}

void
bus_listen_fini(void)
{
	bool joined;

	pthread_mutex_lock(&g.lock);
	g.stop = true;
	joined = g.started;
	g.started = false;
	pthread_cond_signal(&g.cond);
	pthread_mutex_unlock(&g.lock);
	if (joined)
		pthread_join(g.thread, NULL);
}

uint64_t
keel_bus_tls_refused(void)
{
	nng_stat *all = NULL;
	uint64_t n = 0;

	pthread_mutex_lock(&g.lock);
	for (int i = 0; i < g.n; i++)
		if (g.ls[i].tls)
			n += g.ls[i].refused;
	if (nng_stats_get(&all) == 0) {
		for (int i = 0; i < g.n; i++) {
			if (!g.ls[i].tls || nng_listener_id(g.ls[i].l) <= 0)
				continue;
			n += refused_of(
			    nng_stat_find_listener(all, g.ls[i].l));
		}
		nng_stats_free(all);
	}
	pthread_mutex_unlock(&g.lock);
	return n;
}

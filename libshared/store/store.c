/* store: the writer thread, batching, reconnection and the library. */
#include "store.h"

#include "error.h"
#include "ktime.h"
#include "log.h"
#include "metrics.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cmd {
	struct cmd *next;
	keel_store_cb cb;
	void *arg;
	bool fcall;   /* FCALL: reload the library when it is not found */
	bool retried; /* resent once already */
	int argc;
	const char **argv; /* all inside this allocation */
	size_t *lens;
};

struct keel_store {
	struct keel_store_opts o;
	char *socket, *host, *user, *password;
	char *sentinels, *master; /* Sentinel: NULL when not used */
	char addr[300];           /* what we connect to, for the logs */
	redisContext *rc;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wake;    /* new commands, or stop */
	pthread_cond_t up_cond; /* connected */
	struct cmd *head, **tail;
	int queued;
	bool idle;    /* the store thread waits for work, connected */
	bool running; /* a caller runs a batch itself (enqueue) */
	bool stopping;
	bool up;
	bool ever_up;
	char *library; /* the Functions library, or NULL */
	char lasterr[200];
	char why_down[200]; /* under lock: the cause shown while down */
};

static char *
dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

int
keel_store_new(const struct keel_store_opts *opts, struct keel_store **ret)
{
	struct keel_store *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->o = *opts;
	s->socket = dup_or_null(opts->socket);
	s->host = dup_or_null(opts->host ? opts->host : "127.0.0.1");
	s->user = dup_or_null(opts->user);
	s->password = dup_or_null(opts->password);
	s->sentinels = dup_or_null(opts->sentinels);
	s->master = dup_or_null(opts->master);
	if (s->sentinels && !s->master)
		s->master = strdup("keel");
	if (s->o.batch_max < 1)
		s->o.batch_max = 256;
	if (s->o.timeout_ms < 1)
		s->o.timeout_ms = 2000;
	if (s->o.reconnect_max_ms < 10)
		s->o.reconnect_max_ms = 2000;
	if (s->o.queue_max < 1)
		s->o.queue_max = 100000;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_cond_init(&s->up_cond, NULL);
	s->tail = &s->head;
	*ret = s;
	return 0;
}

int
keel_store_library(struct keel_store *s, const char *code)
{
	if (s->started || s->library)
		return -EBUSY;
	s->library = strdup(code);
	return s->library ? 0 : -ENOMEM;
}

static void
fail_cmd(struct cmd *c, const char *why)
{
	struct keel_error err;

	keel_error_set(&err, KEEL_E_UNAVAILABLE, NULL, "redis unavailable: %s",
	               why);
	c->cb(c->arg, NULL, &err);
	free(c);
}

static void
set_up(struct keel_store *s, bool up)
{
	pthread_mutex_lock(&s->lock);
	s->up = up;
	if (up)
		pthread_cond_broadcast(&s->up_cond);
	pthread_mutex_unlock(&s->lock);
	keel_metrics_gauge_set(KEEL_G_REDIS_UP, up);
}

/* why may point into s->rc (its errstr): it is copied before the free. */
static void
disconnect(struct keel_store *s, const char *why)
{
	snprintf(s->lasterr, sizeof(s->lasterr), "%s", why);
	if (s->rc) {
		redisFree(s->rc);
		s->rc = NULL;
	}
	if (s->up)
		keel_log(KEEL_LOG_WARNING, "redis connection lost", "error",
		         s->lasterr, NULL);
	set_up(s, false);
}

/* One synchronous command during connection setup. */
static redisReply *
setup_cmd(struct keel_store *s, int argc, const char **argv)
{
	redisReply *r = redisCommandArgv(s->rc, argc, argv, NULL);

	if (!r) {
		disconnect(s, s->rc->errstr[0] ? s->rc->errstr : "io error");
		return NULL;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		char why[200];

		snprintf(why, sizeof(why), "%s: %s", argv[0], r->str);
		freeReplyObject(r);
		disconnect(s, why);
		return NULL;
	}
	return r;
}

/* FUNCTION LOAD REPLACE: the same code loaded twice is the same library,
 * so any number of instances and reconnects may do it. */
static bool
load_library(struct keel_store *s)
{
	const char *argv[4] = {"FUNCTION", "LOAD", "REPLACE", s->library};
	redisReply *r = setup_cmd(s, 4, argv);

	if (!r)
		return false;
	freeReplyObject(r);
	return true;
}

/*
 * The primary's address from the first sentinel of the list that knows
 * the master (SENTINEL get-master-addr-by-name): into s->host and port.
 * hiredis 0.14 has no Sentinel client; this is the whole of one.
 */
static bool
ask_sentinels(struct keel_store *s, struct timeval tv)
{
	const char *p = s->sentinels;
	char why[200] = "no sentinel listed";

	while (*p) {
		size_t n = strcspn(p, ", ");
		char host[256];
		const char *colon;
		int port = 26379;
		redisContext *c;
		redisReply *r;

		if (n == 0) {
			p++;
			continue;
		}
		snprintf(host, sizeof(host), "%.*s", (int)n, p);
		p += n;
		if ((colon = strrchr(host, ':'))) {
			port = atoi(colon + 1);
			host[colon - host] = '\0';
		}
		c = redisConnectWithTimeout(host, port, tv);
		if (!c || c->err) {
			snprintf(why, sizeof(why), "sentinel %.64s:%d: %.100s", host,
			         port, c ? c->errstr : "out of memory");
			redisFree(c);
			continue;
		}
		redisSetTimeout(c, tv);
		r = redisCommand(c, "SENTINEL get-master-addr-by-name %s",
		                 s->master);
		if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		    r->element[0]->type == REDIS_REPLY_STRING &&
		    r->element[1]->type == REDIS_REPLY_STRING) {
			char *h = strdup(r->element[0]->str);

			if (h) {
				free(s->host);
				s->host = h;
				s->o.port = atoi(r->element[1]->str);
			}
			freeReplyObject(r);
			redisFree(c);
			return h != NULL;
		}
		snprintf(why, sizeof(why), "sentinel %.64s:%d: %.100s", host, port,
		         !r ? c->errstr
		            : r->type == REDIS_REPLY_ERROR ? r->str
		                                           : "does not know the "
		                                             "master");
		if (r)
			freeReplyObject(r);
		redisFree(c);
	}
	snprintf(s->lasterr, sizeof(s->lasterr), "%s", why);
	return false;
}

/* How long Redis may take to answer a command: a WAIT may take wait_ms
 * before Redis answers at all. */
static int
answer_ms(const struct keel_store *s)
{
	return s->o.timeout_ms + (s->o.wait_replicas > 0 ? s->o.wait_ms : 0);
}

static bool
try_connect(struct keel_store *s)
{
	struct timeval tv = {s->o.timeout_ms / 1000,
	                     (s->o.timeout_ms % 1000) * 1000};
	redisReply *r;

	if (s->sentinels && !ask_sentinels(s, tv))
		return false;
	if (s->socket)
		snprintf(s->addr, sizeof(s->addr), "%s", s->socket);
	else
		snprintf(s->addr, sizeof(s->addr), "%s:%d", s->host, s->o.port);
	if (s->socket)
		s->rc = redisConnectUnixWithTimeout(s->socket, tv);
	else
		s->rc = redisConnectWithTimeout(s->host, s->o.port, tv);
	if (!s->rc) {
		snprintf(s->lasterr, sizeof(s->lasterr), "out of memory");
		return false;
	}
	if (s->rc->err) {
		snprintf(s->lasterr, sizeof(s->lasterr), "%s", s->rc->errstr);
		redisFree(s->rc);
		s->rc = NULL;
		return false;
	}
	{
		int ms = answer_ms(s);

		redisSetTimeout(s->rc, (struct timeval){ms / 1000,
		                                        (ms % 1000) * 1000});
	}
	if (!s->socket)
		redisEnableKeepAlive(s->rc);
	if (s->password) {
		const char *argv[3] = {"AUTH", s->user ? s->user : s->password,
		                       s->password};

		r = setup_cmd(s, s->user ? 3 : 2, argv);
		if (!r)
			return false;
		freeReplyObject(r);
	}
	{
		/* A socket accepted by a stopped server is not Redis up. */
		const char *argv[1] = {"PING"};

		r = setup_cmd(s, 1, argv);
		if (!r)
			return false;
		freeReplyObject(r);
	}
	if (s->sentinels) {
		/* The sentinels may not have seen a failover yet: only a
		 * primary will do. */
		const char *argv[1] = {"ROLE"};
		bool primary;

		r = setup_cmd(s, 1, argv);
		if (!r)
			return false;
		primary = r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
		          r->element[0]->type == REDIS_REPLY_STRING &&
		          strcmp(r->element[0]->str, "master") == 0;
		freeReplyObject(r);
		if (!primary) {
			disconnect(s, "the address Sentinel gave is not a "
			              "primary (yet)");
			return false;
		}
	}
	if (s->library && !load_library(s))
		return false;
	if (s->ever_up)
		keel_metrics_inc(KEEL_M_REDIS_RECONNECTS, 1);
	s->ever_up = true;
	keel_log(KEEL_LOG_INFO, "redis connected", "addr", s->addr, NULL);
	set_up(s, true);
	return true;
}

/* Sends what the batch appended and waits until Redis answers with
 * poll(2), not in hiredis's blocking read: a reader blocked in read(2) on
 * a Unix socket is also woken when Redis reads the request (the writer's
 * space frees), a second wake for every batch; poll wakes for input only.
 * A Redis that answers nothing within the timeout is a lost connection. */
static void
await_replies(struct keel_store *s)
{
	struct pollfd p = {.events = POLLIN};
	int done = 0, r;

	while (!done)
		if (redisBufferWrite(s->rc, &done) != REDIS_OK) {
			disconnect(s, s->rc->errstr[0] ? s->rc->errstr
			                               : "io error");
			return;
		}
	p.fd = s->rc->fd;
	while ((r = poll(&p, 1, answer_ms(s))) < 0 && errno == EINTR)
		;
	if (r == 0)
		disconnect(s, "redis did not answer within redis.timeout_ms");
}

/* Pipelines cmds (a list); calls each callback; retries NOSCRIPT as EVAL. */
static void
run_batch(struct keel_store *s, struct cmd *batch)
{
	struct cmd *retry = NULL, **rtail = &retry;
	bool reload = false;
	size_t n = 0;

	bool wait = false, readonly = false, short_wait = false;
	redisReply **replies = NULL;
	size_t k = 0;

	for (struct cmd *c = batch; c; c = c->next, n++) {
		redisAppendCommandArgv(s->rc, c->argc, c->argv, c->lens);
		wait |= s->o.wait_replicas > 0 && c->argc > 0 &&
		        strcmp(c->argv[0], "FCALL") == 0;
	}
	keel_metrics_inc(KEEL_M_REDIS_BATCHES, 1);
	keel_metrics_inc(KEEL_M_REDIS_COMMANDS, (int64_t)n);
	if (wait && (replies = calloc(n, sizeof(*replies)))) {
		char nr[16], ms[16];

		snprintf(nr, sizeof(nr), "%d", s->o.wait_replicas);
		snprintf(ms, sizeof(ms), "%d", s->o.wait_ms);
		redisAppendCommand(s->rc, "WAIT %s %s", nr, ms);
	}
	await_replies(s);
	if (replies && s->rc) {
		/* every reply read, then WAIT's, and only then the callbacks:
		 * nothing is acknowledged before its replicas have it */
		void *reply = NULL;

		for (k = 0; k < n; k++)
			if (redisGetReply(s->rc, &reply) != REDIS_OK)
				break;
			else
				replies[k] = reply;
		if (k == n && redisGetReply(s->rc, &reply) == REDIS_OK) {
			redisReply *w = reply;

			if (w->type != REDIS_REPLY_INTEGER ||
			    w->integer < s->o.wait_replicas) {
				keel_metrics_inc(KEEL_M_REDIS_WAIT_SHORT, 1);
				short_wait = true;
			}
			freeReplyObject(w);
		} else if (s->rc) {
			disconnect(s, s->rc->errstr[0] ? s->rc->errstr
			                               : "io error");
		}
	}
	k = 0;
	while (batch) {
		struct cmd *c = batch;
		void *reply = NULL;
		redisReply *r;

		batch = c->next;
		if (replies) {
			reply = replies[k++];
		} else if (s->rc && redisGetReply(s->rc, &reply) != REDIS_OK) {
			disconnect(s, s->rc->errstr[0] ? s->rc->errstr
			                               : "io error");
			reply = NULL;
		}
		if (!reply) {
			fail_cmd(c, "connection lost; outcome unknown");
			continue;
		}
		r = reply;
		if (short_wait && strcmp(c->argv[0], "FCALL") == 0) {
			/* Applied here, but not known to be on a replica: not
			 * acknowledged.  A retry with the same idempotency key
			 * answers from here, or applies it on a promoted
			 * replica that never had it. */
			char why[160];

			snprintf(why, sizeof(why),
			         "written, but WAIT saw fewer than %d replicas "
			         "within %d ms: outcome unknown",
			         s->o.wait_replicas, s->o.wait_ms);
			freeReplyObject(r);
			fail_cmd(c, why);
			continue;
		}
		readonly |= s->sentinels && r->type == REDIS_REPLY_ERROR &&
		            strncmp(r->str, "READONLY", 8) == 0;
		if (c->fcall && !c->retried && s->library &&
		    r->type == REDIS_REPLY_ERROR &&
		    strncmp(r->str, "ERR Function not found", 22) == 0) {
			/* Not run: Redis lost the library (FUNCTION FLUSH, a
			 * new empty Redis); load it and resend once. */
			c->retried = true;
			c->next = NULL;
			*rtail = c;
			rtail = &c->next;
			reload = true;
		} else {
			c->cb(c->arg, (const struct keel_reply *)r, NULL);
			free(c);
		}
		freeReplyObject(r);
	}
	if (retry && s->rc && reload) {
		keel_log(KEEL_LOG_WARNING,
		         "redis had lost the functions library; loading it "
		         "again",
		         NULL);
		if (!load_library(s))
			keel_log(KEEL_LOG_ERR, "functions library not loaded",
			         "error", s->lasterr, NULL);
	}
	free(replies);
	if (readonly && s->rc) {
		/* A failover demoted the primary under us: ask the sentinels
		 * again (the requests that got READONLY were refused, not
		 * applied). */
		disconnect(s, "READONLY: the primary was demoted");
	}
	if (retry && s->rc)
		run_batch(s, retry);
	else
		while (retry) {
			struct cmd *c = retry;

			retry = c->next;
			fail_cmd(c, s->lasterr);
		}
}

/* Why Redis cannot be reached, logged once per cause (a wrong password
 * says so at once, not only after Redis was up once), and kept for
 * sys.health and /readyz. */
static void
note_down(struct keel_store *s)
{
	bool changed;

	pthread_mutex_lock(&s->lock);
	changed = strcmp(s->why_down, s->lasterr) != 0;
	if (changed)
		snprintf(s->why_down, sizeof(s->why_down), "%s", s->lasterr);
	pthread_mutex_unlock(&s->lock);
	if (changed)
		keel_log(KEEL_LOG_WARNING, "redis unreachable", "addr",
		         s->addr[0] ? s->addr : (s->socket ? s->socket : s->host),
		         "error", s->lasterr, NULL);
}

bool
keel_store_why_down(struct keel_store *s, char *buf, size_t size)
{
	bool down;

	pthread_mutex_lock(&s->lock);
	down = !s->up;
	snprintf(buf, size, "%s",
	         down ? (s->why_down[0] ? s->why_down : "not connected yet")
	              : "");
	pthread_mutex_unlock(&s->lock);
	return down;
}

/* Called locked: up to batch_max queued commands, off the queue. */
static struct cmd *
take_batch(struct keel_store *s)
{
	struct cmd *batch = s->head, **cut = &s->head;
	int n = 0;

	while (*cut && n < s->o.batch_max) {
		cut = &(*cut)->next;
		n++;
	}
	s->head = *cut;
	*cut = NULL;
	s->queued -= n;
	if (!s->head)
		s->tail = &s->head;
	return batch;
}

static void *
store_thread(void *arg)
{
	struct keel_store *s = arg;
	int backoff = 50;
	int64_t next_try = 0;
	sigset_t pipe;

	/* hiredis writes with write(2): a dead Redis must give EPIPE, not
	 * kill the process that hosts the store. */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	pthread_setname_np(pthread_self(), "keel:store"); /* for top -H, perf */

	for (;;) {
		struct cmd *batch;

		if (!s->rc && keel_time_mono_ms() >= next_try) {
			if (try_connect(s)) {
				backoff = 50;
				pthread_mutex_lock(&s->lock);
				s->why_down[0] = '\0';
				pthread_mutex_unlock(&s->lock);
			} else {
				note_down(s);
				next_try = keel_time_mono_ms() + backoff;
				backoff = backoff * 2 > s->o.reconnect_max_ms
				              ? s->o.reconnect_max_ms
				              : backoff * 2;
			}
		}
		pthread_mutex_lock(&s->lock);
		if (!s->rc) {
			/* Fail fast while down: callers get "unavailable". */
			struct cmd *dead = s->head;

			s->head = NULL;
			s->tail = &s->head;
			s->queued = 0;
			if (dead || s->stopping) {
				pthread_mutex_unlock(&s->lock);
				while (dead) {
					struct cmd *c = dead;

					dead = c->next;
					fail_cmd(c, s->lasterr);
				}
				if (s->stopping)
					break;
				continue;
			}
			struct timespec ts;
			int64_t wait = next_try - keel_time_mono_ms();

			keel_time_deadline(wait < 1 ? 1 : wait, &ts);
			pthread_cond_timedwait(&s->wake, &s->lock, &ts);
			pthread_mutex_unlock(&s->lock);
			continue;
		}
		/* While a caller runs a batch itself (enqueue), the
		 * connection is its: wait until it is done. */
		s->idle = true;
		while (s->running || (s->rc && !s->head && !s->stopping))
			pthread_cond_wait(&s->wake, &s->lock);
		s->idle = false;
		if (!s->rc) { /* lost during a caller's batch */
			pthread_mutex_unlock(&s->lock);
			continue;
		}
		if (!s->head && s->stopping) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		batch = take_batch(s);
		pthread_mutex_unlock(&s->lock);
		run_batch(s, batch);
	}
	if (s->rc) {
		redisFree(s->rc);
		s->rc = NULL;
	}
	return NULL;
}

int
keel_store_start(struct keel_store *s)
{
	int r = pthread_create(&s->thread, NULL, store_thread, s);

	if (r)
		return -r;
	s->started = true;
	return 0;
}

struct keel_store *
keel_store_free(struct keel_store *s)
{
	if (!s)
		return NULL;
	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->stopping = true;
		pthread_cond_broadcast(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	while (s->head) {
		struct cmd *c = s->head;

		s->head = c->next;
		fail_cmd(c, "store stopped");
	}
	free(s->library);
	free(s->socket);
	free(s->host);
	free(s->sentinels);
	free(s->master);
	free(s->user);
	free(s->password);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->up_cond);
	free(s);
	return NULL;
}

/* Builds a command; extra leading slots are reserved for EVALSHA. */
static struct cmd *
make_cmd(int lead, const char *const *lead_argv, int argc,
         const char *const *argv, const size_t *lens)
{
	size_t total = 0, n = (size_t)(lead + argc);
	struct cmd *c;
	char *p;

	for (int i = 0; i < lead; i++)
		total += strlen(lead_argv[i]) + 1;
	for (int i = 0; i < argc; i++)
		total += (lens ? lens[i] : strlen(argv[i])) + 1;
	c = malloc(sizeof(*c) + n * (sizeof(char *) + sizeof(size_t)) + total);
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->argc = (int)n;
	c->argv = (const char **)(c + 1);
	c->lens = (size_t *)(c->argv + n);
	p = (char *)(c->lens + n);
	for (size_t i = 0; i < n; i++) {
		const char *src =
		    (int)i < lead ? lead_argv[i] : argv[(int)i - lead];
		size_t len = (int)i < lead ? strlen(src)
		             : lens        ? lens[(int)i - lead]
		                           : strlen(src);

		memcpy(p, src, len);
		p[len] = '\0';
		c->argv[i] = p;
		c->lens[i] = len;
		p += len + 1;
	}
	return c;
}

/* Called locked, with the store thread idle and one command queued: the
 * caller sends it and runs its callback itself, instead of waking the
 * store thread and sleeping while it works.  On two cores that wake was
 * one more switch, often onto an idle core, for every request that came
 * alone.  What was queued meanwhile (a signed request's write, queued by
 * its replay check's callback) goes in the next round, up to
 * RUN_HERE_ROUNDS; the rest waits for the store thread, which batches as
 * before, so that a caller's thread is not kept for long. */
#define RUN_HERE_ROUNDS 4

static void
run_here(struct keel_store *s)
{
	s->running = true;
	for (int round = 1;; round++) {
		struct cmd *batch = take_batch(s);

		pthread_mutex_unlock(&s->lock);
		run_batch(s, batch);
		pthread_mutex_lock(&s->lock);
		if (!s->head || !s->rc || s->stopping ||
		    round == RUN_HERE_ROUNDS)
			break;
	}
	s->running = false;
	if (s->head || !s->rc || s->stopping)
		pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

static int
enqueue(struct keel_store *s, struct cmd *c, keel_store_cb cb, void *arg,
        bool here)
{
	c->cb = cb;
	c->arg = arg;
	pthread_mutex_lock(&s->lock);
	if (s->stopping || !s->started) {
		pthread_mutex_unlock(&s->lock);
		free(c);
		return -ESHUTDOWN;
	}
	/* Back-pressure: a Redis that cannot keep up refuses new work
	 * instead of growing memory without bound. */
	if (s->queued >= s->o.queue_max) {
		pthread_mutex_unlock(&s->lock);
		free(c);
		return -EAGAIN;
	}
	s->queued++;
	*s->tail = c;
	s->tail = &c->next;
	if (here && s->idle && !s->running && s->up && s->head == c) {
		run_here(s);
		return 0;
	}
	if (!s->running) /* else the caller running a batch hands over */
		pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* FCALL fname, or the command itself when fname is NULL. */
static int
submit(struct keel_store *s, const char *fname, int nkeys, int argc,
       const char *const *argv, const size_t *lens, keel_store_cb cb,
       void *arg, bool here)
{
	char nk[16];
	const char *lead[3] = {"FCALL", fname, nk};
	struct cmd *c;

	snprintf(nk, sizeof(nk), "%d", nkeys);
	c = make_cmd(fname ? 3 : 0, lead, argc, argv, lens);
	if (!c)
		return -ENOMEM;
	c->fcall = fname != NULL;
	return enqueue(s, c, cb, arg, here);
}

int
keel_store_cmd(struct keel_store *s, int argc, const char *const *argv,
               const size_t *lens, keel_store_cb cb, void *arg)
{
	return submit(s, NULL, 0, argc, argv, lens, cb, arg, false);
}

int
keel_store_fcall(struct keel_store *s, const char *fname, int nkeys, int argc,
                 const char *const *argv, const size_t *lens, keel_store_cb cb,
                 void *arg)
{
	return submit(s, fname, nkeys, argc, argv, lens, cb, arg, false);
}

int
keel_store_request(struct keel_store *s, const char *fname, int nkeys,
                   int argc, const char *const *argv, const size_t *lens,
                   keel_store_cb cb, void *arg)
{
	return submit(s, fname, nkeys, argc, argv, lens, cb, arg, true);
}

struct sync_call {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	keel_store_cb cb;
	void *arg;
};

static void
sync_done(void *arg, const struct keel_reply *reply,
          const struct keel_error *err)
{
	struct sync_call *sc = arg;

	sc->cb(sc->arg, reply, err);
	pthread_mutex_lock(&sc->lock);
	sc->done = true;
	pthread_cond_signal(&sc->cond);
	pthread_mutex_unlock(&sc->lock);
}

/* Queues a command (fname NULL) or a function call, and waits. */
static int
run_sync(struct keel_store *s, const char *fname, int nkeys, int argc,
         const char *const *argv, const size_t *lens, keel_store_cb cb,
         void *arg)
{
	struct sync_call sc = {.cb = cb, .arg = arg};
	int r;

	pthread_mutex_init(&sc.lock, NULL);
	pthread_cond_init(&sc.cond, NULL);
	if (fname)
		r = keel_store_fcall(s, fname, nkeys, argc, argv, lens,
		                     sync_done, &sc);
	else
		r = keel_store_cmd(s, argc, argv, lens, sync_done, &sc);
	if (r == 0) {
		pthread_mutex_lock(&sc.lock);
		while (!sc.done)
			pthread_cond_wait(&sc.cond, &sc.lock);
		pthread_mutex_unlock(&sc.lock);
	}
	pthread_mutex_destroy(&sc.lock);
	pthread_cond_destroy(&sc.cond);
	return r;
}

int
keel_store_sync(struct keel_store *s, int argc, const char *const *argv,
                const size_t *lens, keel_store_cb cb, void *arg)
{
	return run_sync(s, NULL, 0, argc, argv, lens, cb, arg);
}

int
keel_store_fcall_sync(struct keel_store *s, const char *fname, int nkeys,
                      int argc, const char *const *argv, const size_t *lens,
                      keel_store_cb cb, void *arg)
{
	return run_sync(s, fname, nkeys, argc, argv, lens, cb, arg);
}

bool
keel_store_up(struct keel_store *s)
{
	bool up;

	pthread_mutex_lock(&s->lock);
	up = s->up;
	pthread_mutex_unlock(&s->lock);
	return up;
}

int
keel_store_wait_up(struct keel_store *s, int timeout_ms)
{
	struct timespec ts;
	int r = 0;

	keel_time_deadline(timeout_ms, &ts);
	pthread_mutex_lock(&s->lock);
	while (!s->up && r == 0)
		r = pthread_cond_timedwait(&s->up_cond, &s->lock, &ts);
	pthread_mutex_unlock(&s->lock);
	return s->up ? 0 : -ETIMEDOUT;
}

static const redisReply *
rr(const struct keel_reply *r)
{
	return (const redisReply *)r;
}

/* The accessors are total: a NULL reply (a missing element) reads as nil,
 * 0, NULL or empty, never as a crash. */
enum keel_reply_type
keel_reply_type(const struct keel_reply *r)
{
	if (!r)
		return KEEL_R_NIL;
	switch (rr(r)->type) {
	case REDIS_REPLY_INTEGER:
		return KEEL_R_INT;
	case REDIS_REPLY_STRING:
		return KEEL_R_STR;
	case REDIS_REPLY_STATUS:
		return KEEL_R_STATUS;
	case REDIS_REPLY_ERROR:
		return KEEL_R_ERROR;
	case REDIS_REPLY_ARRAY:
		return KEEL_R_ARRAY;
	default:
		return KEEL_R_NIL;
	}
}

long long
keel_reply_int(const struct keel_reply *r)
{
	return r && rr(r)->type == REDIS_REPLY_INTEGER ? rr(r)->integer : 0;
}

const char *
keel_reply_str(const struct keel_reply *r, size_t *ret_len)
{
	int t = r ? rr(r)->type : REDIS_REPLY_NIL;

	if (t != REDIS_REPLY_STRING && t != REDIS_REPLY_STATUS &&
	    t != REDIS_REPLY_ERROR)
		return NULL;
	if (ret_len)
		*ret_len = rr(r)->len;
	return rr(r)->str;
}

size_t
keel_reply_len(const struct keel_reply *r)
{
	return r && rr(r)->type == REDIS_REPLY_ARRAY ? rr(r)->elements : 0;
}

const struct keel_reply *
keel_reply_at(const struct keel_reply *r, size_t i)
{
	if (!r || rr(r)->type != REDIS_REPLY_ARRAY || i >= rr(r)->elements)
		return NULL;
	return (const struct keel_reply *)rr(r)->element[i];
}

const char *
keel_reply_str_at(const struct keel_reply *r, size_t i, size_t *ret_len)
{
	const char *s = keel_reply_str(keel_reply_at(r, i), ret_len);

	if (!s) {
		if (ret_len)
			*ret_len = 0;
		return "";
	}
	return s;
}

bool
keel_reply_error(const struct keel_reply *r, const char *what,
                 struct keel_error *err)
{
	static const char *const transient[] = {
	    "OOM",      "READONLY",   "BUSY",       "LOADING",
	    "MASTERDOWN", "TRYAGAIN", "NOREPLICAS", "MISCONF",
	};
	const char *msg;
	size_t len, word;

	if (keel_reply_type(r) != KEEL_R_ERROR)
		return false;
	msg = keel_reply_str(r, &len);
	word = strcspn(msg, " ");
	for (size_t i = 0; i < sizeof(transient) / sizeof(transient[0]); i++)
		if (word == strlen(transient[i]) &&
		    strncmp(msg, transient[i], word) == 0) {
			keel_error_set(err, KEEL_E_UNAVAILABLE, NULL,
			               "redis cannot take %s now (%.*s); retry "
			               "later",
			               what, (int)word, msg);
			return true;
		}
	keel_error_set(err, KEEL_E_INTERNAL, NULL, "%s failed in redis: %.*s",
	               what, (int)(len > 160 ? 160 : len), msg);
	return true;
}

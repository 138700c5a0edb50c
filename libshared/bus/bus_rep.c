/*
 * bus_rep: the request server.  Each context is one struct keel_req that
 * cycles RECV -> BUSY (handler, maybe Redis) -> SEND -> RECV on its own
 * aio callback; state changes that drain cares about happen under the
 * server lock.
 */
#include "bus.h"
#include "bus_tls.h"

#include "auth.h"
#include "codec.h"
#include "events.h"
#include "error.h"
#include "ktime.h"
#include "log.h"
#include "metrics.h"
#include "msg.h"
#include "store.h"

#include <errno.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum req_state { R_IDLE, R_RECV, R_BUSY, R_SEND, R_WAIT };

struct keel_req {
	struct keel_server *srv;
	nng_ctx ctx;
	nng_aio *aio;
	enum req_state state;
	nng_msg *msg; /* the request, kept while env borrows from it */
	struct keel_env env;
	bool env_ok;
	struct keel_enc *body; /* reply body */
	struct keel_enc *out;  /* reply envelope */
	int64_t start_ns;
	/* Copied: the refusal it came from may live on another thread's
	 * stack, gone by the time the send completes. */
	char error_code[32];
	bool failed;
	keel_req_redis_cb redis_cb;
	int retries; /* keel_req_retry calls for this request */
	/* keel_req_catch_up: since when, the next pause */
	int64_t catch_up_since_ms;
	int catch_up_delay_ms;
	bool catch_up_final; /* caught up: the next miss is final */
	const struct keel_identity *who; /* signer (auth on), else NULL */
};

/* A connection (nng pipe) of the listener: when it came and when it last
 * delivered a whole request. */
struct conn {
	nng_pipe pipe;
	int64_t last_ms;
};

struct keel_server {
	nng_socket sock;
	pthread_mutex_t conns_lock;
	struct conn *conns; /* max_conns slots, pipe id 0 = free */
	int max_conns, nconns;
	int max_inflight; /* requests in flight at most; 0: no limit */
	bool sock_open;
	nng_listener listener;
	struct keel_req *reqs;
	int nreqs;
	size_t max_msg;
	char src[129];
	struct keel_store *store;
	void *app;
	const struct keel_outbox *outbox;
	keel_handler_fn *by_type; /* indexed like keel_msgs */
	pthread_mutex_t lock;
	pthread_cond_t idle_cond;
	bool draining;
	int64_t last_log_ms;
	int logs_this_second;
	/* auth on: who may ask what (NULL: loopback development) */
	const struct keel_auth *auth;
	int64_t auth_log_ms;
	int64_t auth_suppressed;
};

void
keel_bus_fini(void)
{
	bus_listen_fini();
	/* with TLS, nng 1.5.2's nng_fini can abort on a handshake still
	 * closing (bus_close): the process is exiting, so it is skipped */
	if (!bus_tls_used())
		nng_fini();
}

const char *
keel_bus_strerror(int e)
{
	return nng_strerror(e);
}

static void req_cb(void *arg);
static void pipe_seen(struct keel_server *srv, nng_pipe p);

static void
post_recv(struct keel_req *req)
{
	req->state = R_RECV;
	nng_ctx_recv(req->ctx, req->aio);
}

/* After a request (or a failed receive): take the next one, or go idle
 * when the server drains or stop says so. */
static void
next_or_idle(struct keel_req *req, bool stop)
{
	struct keel_server *srv = req->srv;

	pthread_mutex_lock(&srv->lock);
	if (stop || srv->draining) {
		req->state = R_IDLE;
		pthread_cond_broadcast(&srv->idle_cond);
	} else {
		post_recv(req);
	}
	pthread_mutex_unlock(&srv->lock);
}

/* Rate-limited: a flood of bad input must not become a flood of logs. */
static void
log_bad(struct keel_server *srv, const struct keel_error *err)
{
	int64_t now = keel_time_mono_ms();
	bool emit;

	pthread_mutex_lock(&srv->lock);
	if (now - srv->last_log_ms >= 1000) {
		srv->last_log_ms = now;
		srv->logs_this_second = 0;
	}
	emit = srv->logs_this_second++ < 10;
	pthread_mutex_unlock(&srv->lock);
	if (emit)
		keel_log(KEEL_LOG_NOTICE, "request refused", "code", err->code,
		         "field", err->field, "error", err->message, NULL);
}

static void
send_reply(struct keel_req *req, const struct keel_error *err)
{
	const void *body = NULL, *data;
	size_t body_len = 0, len;
	nng_msg *m;

	if (!err) {
		body = keel_enc_data(req->body, &body_len);
		if (body_len == 0)
			body = NULL;
	}
	keel_enc_reset(req->out);
	keel_env_encode_reply(req->out, req->env.has_id ? req->env.id : NULL,
	                      req->srv->src, body, body_len, err);
	req->failed = err != NULL;
	if (err)
		snprintf(req->error_code, sizeof(req->error_code), "%s",
		         err->code);
	if (keel_enc_error(req->out) == 0 && !err &&
	    keel_enc_error(req->body) != 0) {
		struct keel_error oom;

		keel_error_set(&oom, KEEL_E_INTERNAL, NULL,
		               "out of memory building the reply");
		send_reply(req, &oom);
		return;
	}
	data = keel_enc_data(req->out, &len);
	if (keel_enc_error(req->out) != 0 || nng_msg_alloc(&m, len) != 0) {
		/* Nothing can be sent: the client's timeout will tell it. */
		keel_log(KEEL_LOG_ERR, "out of memory sending a reply", NULL);
		keel_env_release(&req->env);
		nng_msg_free(req->msg);
		req->msg = NULL;
		keel_metrics_gauge_add(KEEL_G_INFLIGHT, -1);
		next_or_idle(req, false);
		return;
	}
	memcpy(nng_msg_body(m), data, len);
	keel_env_release(&req->env);
	nng_msg_free(req->msg);
	req->msg = NULL;
	req->state = R_SEND;
	nng_aio_set_msg(req->aio, m);
	nng_ctx_send(req->ctx, req->aio);
}

/* Refused by auth: counted, and logged at most once in 10 s with the
 * number left out since (a scanner must not fill the log).  Messages
 * name the key and the rule, never a secret. */
static void
log_refused(struct keel_server *srv, const struct keel_req *req,
            const struct keel_error *err)
{
	int64_t now = keel_time_mono_ms(), suppressed = -1;
	char n[24];

	keel_metrics_inc(strcmp(err->code, KEEL_E_FORBIDDEN) == 0
	                     ? KEEL_M_FORBIDDEN
	                     : KEEL_M_UNAUTHORIZED,
	                 1);
	pthread_mutex_lock(&srv->lock);
	if (srv->auth_log_ms == 0 || now - srv->auth_log_ms >= 10000) {
		srv->auth_log_ms = now;
		suppressed = srv->auth_suppressed;
		srv->auth_suppressed = 0;
	} else {
		srv->auth_suppressed++;
	}
	pthread_mutex_unlock(&srv->lock);
	if (suppressed < 0)
		return;
	snprintf(n, sizeof(n), "%lld", (long long)suppressed);
	keel_log(KEEL_LOG_WARNING, "request refused by auth", "code",
	         err->code, "field", err->field, "error", err->message,
	         "identity", req->who ? keel_identity_name(req->who) : "",
	         "suppressed_before", n, NULL);
}

static void
refuse_auth(struct keel_req *req, const struct keel_error *err)
{
	log_refused(req->srv, req, err);
	send_reply(req, err);
}

static void
dispatch(struct keel_req *req);

/* SET NX of the message id: nil means this id was served already. */
static void
replay_checked(struct keel_req *req, const struct keel_reply *reply,
               const struct keel_error *err)
{
	struct keel_error e;

	if (err) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_type(reply) == KEEL_R_ERROR) {
		size_t n;
		const char *m = keel_reply_str(reply, &n);

		keel_req_fail(req, KEEL_E_UNAVAILABLE, NULL,
		              "the replay check failed in Redis: %.*s",
		              (int)(n > 200 ? 200 : n), m ? m : "");
		return;
	}
	if (keel_reply_type(reply) == KEEL_R_NIL) {
		keel_error_set(&e, KEEL_E_UNAUTHORIZED, "id",
		               "replayed: message id already served (resend "
		               "with a new id and the same idempotency key)");
		log_refused(req->srv, req, &e);
		keel_req_fail_err(req, &e);
		return;
	}
	dispatch(req);
}

/* Signed and allowed: a message id is served once within the window (in
 * Redis, so across instances).  sys.* probes change nothing and must
 * answer while Redis is down: they are checked for signature and time
 * but not for replay. */
static void
check_replay(struct keel_req *req)
{
	char key[128], ms[24], id[KEEL_ID_STRLEN];

	if (strncmp(req->env.type, "sys.", 4) == 0) {
		dispatch(req);
		return;
	}
	keel_id_format(req->env.id, id);
	snprintf(key, sizeof(key), "keel:{%s}:seen:%s",
	         req->srv->outbox ? req->srv->outbox->service : "bus", id);
	snprintf(ms, sizeof(ms), "%lld",
	         (long long)(2 * keel_auth_window_ms(req->srv->auth)));
	keel_req_redis(req, 6,
	               (const char *[]){"SET", key, "1", "NX", "PX", ms}, NULL,
	               replay_checked);
}

static void
on_recv(struct keel_req *req)
{
	struct keel_server *srv = req->srv;
	struct keel_error err;
	keel_handler_fn fn;
	size_t idx;
	int r;

	req->msg = nng_aio_get_msg(req->aio);
	pipe_seen(srv, nng_msg_get_pipe(req->msg));
	req->start_ns = keel_time_mono_ns();
	req->retries = 0;
	req->catch_up_since_ms = 0;
	req->catch_up_final = false;
	keel_metrics_gauge_add(KEEL_G_INFLIGHT, 1);
	keel_enc_reset(req->body);
	keel_error_clear(&err);
	memset(&req->env, 0, sizeof(req->env));
	req->who = NULL;
	/* Auth on: the signature first, before the body is decoded. */
	if (srv->auth && nng_msg_len(req->msg) <= srv->max_msg &&
	    keel_auth_verify(srv->auth, nng_msg_body(req->msg),
	                     nng_msg_len(req->msg), keel_time_now_ms(),
	                     &req->who, &err) < 0) {
		refuse_auth(req, &err);
		return;
	}
	r = keel_env_decode_request_as(nng_msg_body(req->msg),
	                               nng_msg_len(req->msg), srv->max_msg,
	                               srv->auth, req->who, &req->env, &err);
	if (r == -EACCES) {
		refuse_auth(req, &err);
		return;
	}
	if (r < 0) {
		keel_metrics_inc(KEEL_M_BAD_MESSAGES, 1);
		log_bad(srv, &err);
		send_reply(req, &err);
		return;
	}
	idx = keel_msg_index(req->env.decl);
	fn = srv->by_type[idx];
	if (!fn) {
		keel_metrics_inc(KEEL_M_BAD_MESSAGES, 1);
		keel_error_set(&err, KEEL_E_UNKNOWN_TYPE, "type",
		               "message type '%s' is not served here (%s)",
		               req->env.type,
		               req->env.decl->kind == KEEL_MSG_EVENT
		                   ? "it is an event"
		                   : "another service answers it");
		log_bad(srv, &err);
		send_reply(req, &err);
		return;
	}
	/* Admission: past max_inflight a request is answered at once, not
	 * left to time out; sys.* still answers (probes under load). */
	if (srv->max_inflight > 0 &&
	    keel_metrics_gauge(KEEL_G_INFLIGHT) > srv->max_inflight &&
	    strncmp(req->env.type, "sys.", 4) != 0) {
		keel_metrics_inc(KEEL_M_OVERLOADED, 1);
		keel_error_set(&err, KEEL_E_UNAVAILABLE, NULL,
		               "overloaded: %d requests in flight "
		               "(bus.max_inflight); retry later",
		               srv->max_inflight);
		log_bad(srv, &err);
		send_reply(req, &err);
		return;
	}
	if (srv->auth)
		check_replay(req);
	else
		dispatch(req);
}

static void
dispatch(struct keel_req *req)
{
	req->srv->by_type[keel_msg_index(req->env.decl)](req);
}

const struct keel_identity *
keel_req_identity(const struct keel_req *req)
{
	return req->who;
}

int
keel_req_attempt(const struct keel_req *req)
{
	return req->retries;
}

/* Whether this service's group on a stream is behind, from XINFO GROUPS:
 * entries not yet read (lag, nil when Redis cannot tell) or read and not
 * yet acknowledged (pending). */
static bool
group_behind(const struct keel_reply *r, const char *group)
{
	for (size_t i = 0; i < keel_reply_len(r); i++) {
		const struct keel_reply *g = keel_reply_at(r, i);
		bool mine = false, behind = false;

		for (size_t f = 0; f + 1 < keel_reply_len(g); f += 2) {
			size_t n;
			const char *k = keel_reply_str_at(g, f, &n);
			const struct keel_reply *v = keel_reply_at(g, f + 1);

			if (n == 4 && memcmp(k, "name", 4) == 0) {
				const char *name = keel_reply_str(v, &n);

				mine = name && n == strlen(group) &&
				       memcmp(name, group, n) == 0;
			} else if ((n == 3 && memcmp(k, "lag", 3) == 0) ||
			           (n == 7 && memcmp(k, "pending", 7) == 0))
				behind |= keel_reply_type(v) != KEEL_R_INT ||
				          keel_reply_int(v) > 0;
		}
		if (mine)
			return behind;
	}
	return false; /* no group yet: it reads from the start when made */
}

static void
catch_up_read(struct keel_req *req, const struct keel_reply *reply,
              const struct keel_error *err)
{
	int64_t waited = keel_time_mono_ms() - req->catch_up_since_ms;
	int delay = req->catch_up_delay_ms;

	(void)err; /* Redis failing: the handler's next read says so */
	if (!reply || keel_reply_type(reply) != KEEL_R_ARRAY ||
	    !group_behind(reply, req->srv->outbox->service) ||
	    waited >= KEEL_CATCH_UP_MAX_MS) {
		/* Caught up, but maybe since the handler's read: it reads
		 * once more, and what it misses then is not there. */
		req->catch_up_final = true;
		delay = 0;
	} else
		keel_metrics_inc(KEEL_M_CATCH_UPS, 1);
	pthread_mutex_lock(&req->srv->lock);
	req->state = R_WAIT;
	pthread_mutex_unlock(&req->srv->lock);
	nng_sleep_aio(delay, req->aio);
	if (req->catch_up_delay_ms < 100)
		req->catch_up_delay_ms *= 2;
}

void
keel_req_customer_unknown(struct keel_req *req)
{
	char c[33] = "";

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "customer"), c,
	                sizeof(c));
	keel_req_fail(req, KEEL_E_NOT_FOUND, "body.customer",
	              "customer %s is not known to keel-%s (customer.put on "
	              "keel-intake first)",
	              c, req->srv->outbox ? req->srv->outbox->service : "");
}

void
keel_req_catch_up(struct keel_req *req, const char *source,
                  void (*absent)(struct keel_req *req))
{
	char key[96];
	const char *argv[] = {"XINFO", "GROUPS", key};

	if (!req->srv->outbox || req->catch_up_final) {
		absent(req);
		return;
	}
	if (req->catch_up_since_ms == 0) {
		req->catch_up_since_ms = keel_time_mono_ms();
		req->catch_up_delay_ms = 2;
	}
	keel_events_key(source, key, sizeof(key));
	keel_req_redis(req, 3, argv, NULL, catch_up_read);
}

/* The request's handler once more, its reply body empty again. */
static void
run_again(struct keel_req *req)
{
	keel_enc_reset(req->body);
	req->srv->by_type[keel_msg_index(req->env.decl)](req);
}

void
keel_req_retry(struct keel_req *req, int max)
{
	if (++req->retries > max) {
		keel_req_fail(req, KEEL_E_CONFLICT, NULL,
		              "%s lost %d races for the same data; try again",
		              req->env.type, max);
		return;
	}
	run_again(req);
}

static void
req_cb(void *arg)
{
	struct keel_req *req = arg;
	struct keel_server *srv = req->srv;
	int rv = nng_aio_result(req->aio);

	switch (req->state) {
	case R_RECV:
		if (rv != 0) {
			next_or_idle(req,
			             rv == NNG_ECANCELED || rv == NNG_ECLOSED);
			return;
		}
		pthread_mutex_lock(&srv->lock);
		req->state = R_BUSY;
		pthread_mutex_unlock(&srv->lock);
		on_recv(req);
		return;
	case R_WAIT: /* keel_req_catch_up's pause: the handler again */
		pthread_mutex_lock(&srv->lock);
		req->state = R_BUSY;
		pthread_mutex_unlock(&srv->lock);
		run_again(req);
		return;
	case R_SEND: {
		size_t idx =
		    req->env.decl ? keel_msg_index(req->env.decl) : SIZE_MAX;

		if (rv != 0) /* still ours when the send failed */
			nng_msg_free(nng_aio_get_msg(req->aio));
		keel_metrics_request(idx, req->failed ? req->error_code : NULL,
		                     (keel_time_mono_ns() - req->start_ns) /
		                         1000);
		keel_metrics_gauge_add(KEEL_G_INFLIGHT, -1);
		req->env.decl = NULL;
		next_or_idle(req, false);
		return;
	}
	default:
		return;
	}
}

/* Pipe events, on nng's threads: a connection over max_conns is closed
 * before it is used; the table tracks the rest for keel_server_reap. */
static void
pipe_event(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct keel_server *srv = arg;
	bool refuse = false;

	pthread_mutex_lock(&srv->conns_lock);
	if (ev == NNG_PIPE_EV_ADD_PRE) {
		refuse = true;
		for (int i = 0; i < srv->max_conns; i++)
			if (nng_pipe_id(srv->conns[i].pipe) <= 0) {
				srv->conns[i].pipe = p;
				srv->conns[i].last_ms = keel_time_mono_ms();
				srv->nconns++;
				refuse = false;
				break;
			}
	} else if (ev == NNG_PIPE_EV_REM_POST) {
		for (int i = 0; i < srv->max_conns; i++)
			if (nng_pipe_id(srv->conns[i].pipe) == nng_pipe_id(p)) {
				srv->conns[i].pipe = (nng_pipe)NNG_PIPE_INITIALIZER;
				srv->nconns--;
				break;
			}
	}
	pthread_mutex_unlock(&srv->conns_lock);
	if (refuse) {
		struct keel_error err;

		keel_error_set(&err, KEEL_E_UNAVAILABLE, NULL,
		               "connection refused: %d connections already "
		               "(bus.max_conns)",
		               srv->max_conns);
		keel_metrics_inc(KEEL_M_CONNS_REFUSED, 1);
		log_bad(srv, &err);
		nng_pipe_close(p);
	}
}

/* A whole request came on pipe p. */
static void
pipe_seen(struct keel_server *srv, nng_pipe p)
{
	pthread_mutex_lock(&srv->conns_lock);
	for (int i = 0; i < srv->max_conns; i++)
		if (nng_pipe_id(srv->conns[i].pipe) == nng_pipe_id(p)) {
			srv->conns[i].last_ms = keel_time_mono_ms();
			break;
		}
	pthread_mutex_unlock(&srv->conns_lock);
}

int
keel_server_reap(struct keel_server *srv, int64_t idle_ms)
{
	nng_pipe idle[64];
	int n = 0;
	int64_t now = keel_time_mono_ms();

	pthread_mutex_lock(&srv->conns_lock);
	for (int i = 0; i < srv->max_conns && n < 64; i++)
		if (nng_pipe_id(srv->conns[i].pipe) > 0 &&
		    now - srv->conns[i].last_ms > idle_ms)
			idle[n++] = srv->conns[i].pipe;
	pthread_mutex_unlock(&srv->conns_lock);
	for (int i = 0; i < n; i++)
		nng_pipe_close(idle[i]); /* REM_POST frees its slot */
	if (n > 0)
		keel_metrics_inc(KEEL_M_CONNS_REAPED, n);
	return n;
}

static int
fail_nng(struct keel_error *err, const char *what, const char *url, int rv)
{
	keel_error_set(err, KEEL_E_UNAVAILABLE, NULL, "%s %s: %s", what,
	               url ? url : "", nng_strerror(rv));
	return rv == NNG_ENOMEM ? -ENOMEM : -EIO;
}

int
keel_server_new(const struct keel_server_opts *o, struct keel_server **ret,
                struct keel_error *err)
{
	struct keel_server *srv = calloc(1, sizeof(*srv));
	int rv, r = -ENOMEM;

	if (!srv) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&srv->lock, NULL);
	pthread_mutex_init(&srv->conns_lock, NULL);
	pthread_cond_init(&srv->idle_cond, NULL);
	srv->max_conns = o->max_conns > 0 ? o->max_conns : 1024;
	srv->max_inflight = o->max_inflight;
	srv->conns = calloc((size_t)srv->max_conns, sizeof(*srv->conns));
	srv->max_msg = o->max_msg;
	srv->store = o->store;
	srv->app = o->app;
	srv->outbox = o->outbox;
	srv->auth = o->auth;
	snprintf(srv->src, sizeof(srv->src), "%s", o->src);
	srv->by_type = calloc(keel_msgs_count, sizeof(*srv->by_type));
	srv->reqs = calloc((size_t)o->contexts, sizeof(*srv->reqs));
	if (!srv->by_type || !srv->reqs || !srv->conns) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	srv->nreqs = o->contexts;
	for (size_t t = 0; t < o->ntables; t++)
		for (const struct keel_handler *h = o->tables[t]; h->type;
		     h++) {
			const struct keel_msgdecl *d = keel_msg_find(h->type);

			if (!d || d->kind != KEEL_MSG_REQUEST) {
				keel_error_set(err, KEEL_E_INTERNAL, h->type,
				               "handler for '%s', which is "
				               "not a request declared in "
				               "msgs.c",
				               h->type);
				r = -EINVAL;
				goto fail;
			}
			srv->by_type[keel_msg_index(d)] = h->fn;
		}
	if ((rv = nng_rep0_open(&srv->sock)) != 0) {
		r = fail_nng(err, "cannot open REP socket", NULL, rv);
		goto fail;
	}
	srv->sock_open = true;
	/* nng drops the connection on anything over RECVMAXSZ without a
	 * word; up to twice the cap is read so the sender is told
	 * "too_large", beyond that memory wins. */
	nng_socket_set_size(srv->sock, NNG_OPT_RECVMAXSZ, 2 * o->max_msg);
	nng_socket_set_int(srv->sock, NNG_OPT_RECVBUF, o->buffer);
	nng_socket_set_int(srv->sock, NNG_OPT_SENDBUF, o->buffer);
	nng_pipe_notify(srv->sock, NNG_PIPE_EV_ADD_PRE, pipe_event, srv);
	nng_pipe_notify(srv->sock, NNG_PIPE_EV_REM_POST, pipe_event, srv);
	for (int i = 0; i < o->contexts; i++) {
		struct keel_req *req = &srv->reqs[i];

		req->srv = srv;
		req->body = keel_enc_new();
		req->out = keel_enc_new();
		if (!req->body || !req->out ||
		    nng_aio_alloc(&req->aio, req_cb, req) != 0) {
			keel_error_set(err, KEEL_E_INTERNAL, NULL,
			               "out of memory");
			goto fail;
		}
		if ((rv = nng_ctx_open(&req->ctx, srv->sock)) != 0) {
			r = fail_nng(err, "cannot open context", NULL, rv);
			goto fail;
		}
	}
	if ((rv = bus_listen(srv->sock, o->url, &srv->listener)) != 0) {
		r = fail_nng(err, "cannot listen on", o->url, rv);
		goto fail;
	}
	*ret = srv;
	return 0;
fail:
	keel_server_free(srv);
	return r;
}

void
keel_server_start(struct keel_server *srv)
{
	pthread_mutex_lock(&srv->lock);
	for (int i = 0; i < srv->nreqs; i++)
		post_recv(&srv->reqs[i]);
	pthread_mutex_unlock(&srv->lock);
}

int
keel_server_inflight(struct keel_server *srv)
{
	int n = 0;

	pthread_mutex_lock(&srv->lock);
	for (int i = 0; i < srv->nreqs; i++)
		n += srv->reqs[i].state == R_BUSY ||
		     srv->reqs[i].state == R_SEND ||
		     srv->reqs[i].state == R_WAIT;
	pthread_mutex_unlock(&srv->lock);
	return n;
}

int
keel_server_drain(struct keel_server *srv, int timeout_ms)
{
	struct timespec ts;
	int busy;

	keel_time_deadline(timeout_ms, &ts);
	pthread_mutex_lock(&srv->lock);
	srv->draining = true;
	/* Only idle receivers are cancelled; a context whose callback has
	 * the lock-protected state past R_RECV finishes its request. */
	for (int i = 0; i < srv->nreqs; i++)
		if (srv->reqs[i].state == R_RECV)
			nng_aio_cancel(srv->reqs[i].aio);
	for (;;) {
		busy = 0;
		for (int i = 0; i < srv->nreqs; i++)
			busy += srv->reqs[i].state != R_IDLE;
		if (busy == 0 ||
		    pthread_cond_timedwait(&srv->idle_cond, &srv->lock, &ts) ==
		        ETIMEDOUT)
			break;
	}
	busy = 0;
	for (int i = 0; i < srv->nreqs; i++)
		busy += srv->reqs[i].state == R_BUSY ||
		        srv->reqs[i].state == R_SEND ||
		        srv->reqs[i].state == R_WAIT;
	pthread_mutex_unlock(&srv->lock);
	return busy;
}

struct keel_server *
keel_server_free(struct keel_server *srv)
{
	if (!srv)
		return NULL;
	/* A request waiting on Redis still owns its context: wait for it
	 * (the store answers every command, at worst with a timeout). */
	if (srv->reqs)
		while (keel_server_drain(srv, 1000) > 0)
			;
	if (srv->sock_open)
		nng_close(srv->sock);
	for (int i = 0; i < srv->nreqs; i++) {
		struct keel_req *req = &srv->reqs[i];

		if (req->aio) {
			nng_aio_stop(req->aio);
			nng_aio_free(req->aio);
		}
		keel_env_release(&req->env);
		if (req->msg)
			nng_msg_free(req->msg);
	}
	for (int i = 0; srv->reqs && i < srv->nreqs; i++) {
		keel_enc_free(srv->reqs[i].body);
		keel_enc_free(srv->reqs[i].out);
	}
	free(srv->reqs);
	free(srv->by_type);
	free(srv->conns);
	pthread_mutex_destroy(&srv->lock);
	pthread_mutex_destroy(&srv->conns_lock);
	pthread_cond_destroy(&srv->idle_cond);
	free(srv);
	return NULL;
}

const struct keel_env *
keel_req_env(const struct keel_req *req)
{
	return &req->env;
}

const struct keel_obj *
keel_req_body(const struct keel_req *req)
{
	return req->env.body;
}

void *
keel_req_app(const struct keel_req *req)
{
	return req->srv->app;
}

const struct keel_outbox *
keel_req_outbox(const struct keel_req *req)
{
	return req->srv->outbox;
}

struct keel_store *
keel_req_store(const struct keel_req *req)
{
	return req->srv->store;
}

struct keel_enc *
keel_req_reply(struct keel_req *req)
{
	return req->body;
}

void
keel_req_ok(struct keel_req *req)
{
	send_reply(req, NULL);
}

void
keel_req_fail_err(struct keel_req *req, const struct keel_error *err)
{
	send_reply(req, err);
}

void
keel_req_fail(struct keel_req *req, const char *code, const char *field,
              const char *fmt, ...)
{
	struct keel_error err;
	va_list ap;

	keel_error_set(&err, code, field, "%s", "");
	va_start(ap, fmt);
	vsnprintf(err.message, sizeof(err.message), fmt, ap);
	va_end(ap);
	send_reply(req, &err);
}

static void
redis_done(void *arg, const struct keel_reply *reply,
           const struct keel_error *err)
{
	struct keel_req *req = arg;
	struct keel_error rerr;

	/* No handler reads an error reply as data: each gets it as err. */
	if (keel_reply_error(reply, req->env.type, &rerr)) {
		log_bad(req->srv, &rerr);
		req->redis_cb(req, NULL, &rerr);
		return;
	}
	req->redis_cb(req, reply, err);
}

/* The store refused the command: answer through the callback at once. */
static void
queue_failed(struct keel_req *req, keel_req_redis_cb cb, int r)
{
	struct keel_error err;

	if (r == -EAGAIN)
		keel_error_set(&err, KEEL_E_UNAVAILABLE, NULL,
		               "overloaded: too many writes waiting for "
		               "Redis; retry later");
	else
		keel_error_set(&err, KEEL_E_UNAVAILABLE, NULL,
		               "redis unavailable: %s", strerror(-r));
	cb(req, NULL, &err);
}

void
keel_req_redis(struct keel_req *req, int argc, const char *const *argv,
               const size_t *lens, keel_req_redis_cb cb)
{
	int r;

	req->redis_cb = cb;
	r = req->srv->store ? keel_store_request(req->srv->store, NULL, 0, argc,
	                                         argv, lens, redis_done, req)
	                    : -ENOTCONN;
	if (r < 0)
		queue_failed(req, cb, r);
}

void
keel_req_fcall(struct keel_req *req, const char *fname, int nkeys, int argc,
               const char *const *argv, const size_t *lens,
               keel_req_redis_cb cb)
{
	int r;

	req->redis_cb = cb;
	r = req->srv->store ? keel_store_request(req->srv->store, fname, nkeys,
	                                         argc, argv, lens, redis_done,
	                                         req)
	                    : -ENOTCONN;
	if (r < 0)
		queue_failed(req, cb, r);
}

void
keel_req_read(struct keel_req *req, const char *fname, int nkeys,
              const char *const *keys, const void *arg, size_t len,
              keel_req_redis_cb cb)
{
	const char *argv[16];
	size_t lens[16];
	struct keel_enc *body = NULL;

	if (nkeys > 15) {
		struct keel_error err;

		keel_error_set(&err, KEEL_E_INTERNAL, NULL, "%s: too many keys",
		               fname);
		cb(req, NULL, &err);
		return;
	}
	for (int i = 0; i < nkeys; i++) {
		argv[i] = keys[i];
		lens[i] = strlen(keys[i]);
	}
	if (!arg) {
		body = keel_enc_new();
		if (body && req->env.body)
			keel_enc_obj(body, req->env.body);
		else if (body)
			keel_enc_map(body, 0);
		arg = body ? keel_enc_data(body, &len) : NULL;
		if (!arg) {
			keel_enc_free(body);
			queue_failed(req, cb, -ENOMEM);
			return;
		}
	}
	argv[nkeys] = arg;
	lens[nkeys] = len;
	keel_req_fcall(req, fname, nkeys, nkeys + 1, argv, lens, cb);
	keel_enc_free(body);
}

bool
keel_req_reply_packed(struct keel_req *req, const struct keel_reply *r,
                      const struct keel_error *err)
{
	struct keel_error e;
	const char *p;
	size_t len = 0;

	if (!r) {
		keel_req_fail_err(req, err);
		return true;
	}
	if (keel_reply_error(r, req->env.type, &e)) {
		keel_req_fail_err(req, &e);
		return true;
	}
	p = keel_reply_str(r, &len);
	if (!p || len == 0 ||
	    !(((unsigned char)p[0] & 0xf0) == 0x80 ||
	      (unsigned char)p[0] == 0xde || (unsigned char)p[0] == 0xdf) ||
	    keel_mp_check(p, len, KEEL_MP_MAX_DEPTH, NULL) < 0)
		return false; /* '' or not a map */
	keel_enc_raw(keel_req_reply(req), p, len);
	keel_req_ok(req);
	return true;
}

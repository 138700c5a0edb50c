/*
 * bus: the only door to nng.  Four parts, one file each:
 *  - bus_rep.c  the request server: one REP socket, N contexts each with
 *               its own aio, handlers run on nng's callbacks, Redis work
 *               handed to the store's batcher, replies sent from its
 *               callback (no thread hop per request);
 *  - bus_req.c  the client: one REQ socket dialing every instance of a
 *               logical service, a context per call, timeout and a clear
 *               error when no instance answers;
 *  - bus_pubsub.c  events: "<type>\0<envelope>" published on PUB, SUB by
 *               type prefix;
 *  - bus_http.c /healthz, /readyz and /metrics on nng's HTTP server.
 */
#ifndef KEEL_BUS_H
#define KEEL_BUS_H

#include "envelope.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_enc;
struct keel_error;
struct keel_obj;
struct keel_outbox;
struct keel_reply;
struct keel_store;
struct keel_auth;

/* --- server --- */

struct keel_server;
/* One request being served; owned by the server. */
struct keel_req;

/*
 * A handler must answer exactly once, with keel_req_ok or keel_req_fail,
 * now or later (from a keel_req_redis callback).  The request's envelope
 * and body are borrowed until then.
 */
typedef void (*keel_handler_fn)(struct keel_req *req);

struct keel_handler {
	const char *type; /* declared in msgs.c */
	keel_handler_fn fn;
};

struct keel_server_opts {
	const char *url; /* REP address to listen on */
	const char *src; /* instance name put in replies */
	int contexts;    /* requests served at once */
	size_t max_msg;  /* NNG_OPT_RECVMAXSZ and codec cap */
	int buffer;      /* socket queue depth */
	int max_conns;   /* connections at once; more are closed (1024) */
	int max_inflight; /* beyond: "unavailable: overloaded" (0: none) */
	struct keel_store *store;
	/* handler tables, each ended by { NULL, NULL } */
	const struct keel_handler *const *tables;
	size_t ntables;
	void *app; /* handed back by keel_req_app */
	/* what keel_write needs (events.h); may be NULL: no writes */
	const struct keel_outbox *outbox;
	/* identities (auth.h): every request signed, allowed and not
	 * replayed; NULL: anyone who reaches the address (loopback) */
	const struct keel_auth *auth;
};

/* Opens, checks the handler tables against msgs.c and listens. */
int keel_server_new(const struct keel_server_opts *o,
                    struct keel_server **ret_srv, struct keel_error *err);
/* Starts receiving on every context. */
void keel_server_start(struct keel_server *srv);
/* Stops taking requests and waits up to timeout_ms for those in flight.
 * Returns the number still in flight at the end (0 = drained). */
int keel_server_drain(struct keel_server *srv, int timeout_ms);
/* Drains (without a deadline: requests waiting on Redis are answered
 * first), closes and frees.  NULL is a no-op. */
struct keel_server *keel_server_free(struct keel_server *srv);
/* Requests being served right now. */
int keel_server_inflight(struct keel_server *srv);
/* Closes the connections that delivered no whole request for idle_ms: a
 * client that sent a frame's header and stalls pins up to twice
 * bus.max_msg_bytes until then.  A live client simply reconnects.
 * Returns how many it closed. */
int keel_server_reap(struct keel_server *srv, int64_t idle_ms);

const struct keel_env *keel_req_env(const struct keel_req *req);
/* Who signed the request (auth on), else NULL. */
struct keel_identity;
const struct keel_identity *keel_req_identity(const struct keel_req *req);
const struct keel_obj *keel_req_body(const struct keel_req *req);
void *keel_req_app(const struct keel_req *req);
const struct keel_outbox *keel_req_outbox(const struct keel_req *req);
struct keel_store *keel_req_store(const struct keel_req *req);
/* The reply body under construction: write one map into it. */
struct keel_enc *keel_req_reply(struct keel_req *req);
/* Sends the reply body (an empty map when nothing was written). */
void keel_req_ok(struct keel_req *req);
void keel_req_fail(struct keel_req *req, const char *code, const char *field,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void keel_req_fail_err(struct keel_req *req, const struct keel_error *err);

/* Runs the request's handler again (an optimistic write that lost a race
 * re-reads and recomputes); after max retries it is refused with
 * conflict.  Answers the request in every case. */
void keel_req_retry(struct keel_req *req, int max);
/* How many times keel_req_retry ran this request's handler again (0 the
 * first time): a handler that served from a cache reads Redis instead. */
int keel_req_attempt(const struct keel_req *req);

/*
 * Read-your-writes across services: the request names something (a
 * customer) this service learns from source's events, and it is not here.
 * When this service's consumer group on source's stream is behind (events
 * not yet read, or read and not yet applied), the handler runs again after
 * a short pause (2 ms, doubling to 100 ms), for at most
 * KEEL_CATCH_UP_MAX_MS in all; each pause is counted.  When the group is
 * caught up, or the time is over, the handler runs once more, and if it
 * calls this again absent(req) runs and answers (not_found, as a rule).  So a client that was acknowledged a write on one daemon can
 * use it on the next at once.
 */
#define KEEL_CATCH_UP_MAX_MS 3000
void keel_req_catch_up(struct keel_req *req, const char *source,
                       void (*absent)(struct keel_req *req));
/* The absent of a request naming body.customer (keel-intake's): not_found,
 * "customer X is not known to keel-<this service> (customer.put on
 * keel-intake first)". */
void keel_req_customer_unknown(struct keel_req *req);

/* A Redis reply for a request; runs on the store's thread. */
typedef void (*keel_req_redis_cb)(struct keel_req *req,
                                  const struct keel_reply *reply,
                                  const struct keel_error *err);
/* Queues a command into the store's next batch; cb must answer (or queue
 * another command).  On a queueing failure cb runs at once with err. */
void keel_req_redis(struct keel_req *req, int argc, const char *const *argv,
                    const size_t *lens, keel_req_redis_cb cb);
/* The same for a function of the service's library: FCALL fname. */
void keel_req_fcall(struct keel_req *req, const char *fname, int nkeys,
                    int argc, const char *const *argv, const size_t *lens,
                    keel_req_redis_cb cb);
/* A query function (keel.read in Lua): keys, then one argument, the
 * msgpack map arg (NULL: the request's body as it came). */
void keel_req_read(struct keel_req *req, const char *fname, int nkeys,
                   const char *const *keys, const void *arg, size_t len,
                   keel_req_redis_cb cb);
/* For a read function that answers a packed map, or '' for "none": when
 * Redis failed or answered an error, answers the request with that error;
 * when the reply is a map, answers with it as the reply body; both return
 * true.  False, the request unanswered, for '' (or anything not a map):
 * the caller says what was not found. */
bool keel_req_reply_packed(struct keel_req *req, const struct keel_reply *r,
                           const struct keel_error *err);

/* --- client --- */

struct keel_client;

struct keel_client_opts {
	const char *name;    /* src of requests, e.g. "keelctl" */
	const char *service; /* logical service, for error messages */
	const char *const *addrs;
	size_t naddrs;
	int timeout_ms;
	int resend_ms; /* NNG_OPT_REQ_RESENDTIME, 0 = never */
	size_t max_msg;
	/* signs every request with its own key (auth.h); NULL: unsigned.
	 * A signed request is resent by this client, not nng: each resend
	 * is a new message id (the server refuses one it has served) with
	 * the same idempotency key. */
	const struct keel_auth *auth;
};

int keel_client_new(const struct keel_client_opts *o,
                    struct keel_client **ret_cli, struct keel_error *err);
struct keel_client *keel_client_free(struct keel_client *cli);

/*
 * Sends a request (body: one encoded map, NULL = empty; key: idempotency
 * key or NULL) and waits for its reply.  Thread-safe.  Returns 0 with
 * *reply filled (ok or not; release it with keel_env_release), or
 * -ETIMEDOUT / -EPROTO / -ENOMEM with err (may be NULL) saying what
 * happened.
 */
int keel_client_call(struct keel_client *cli, const char *type,
                     const void *body, size_t body_len, const char *key,
                     struct keel_env *reply, struct keel_error *err);

/* The same signed by signer (auth.h; NULL: unsigned), whatever the
 * client's own key: keel-gateway calls as its caller.  A client made with
 * opts.auth set (even one that cannot sign) resends signed calls itself. */
struct keel_auth_key;
int keel_client_call_as(struct keel_client *cli,
                        const struct keel_auth_key *signer, const char *type,
                        const void *body, size_t body_len, const char *key,
                        struct keel_env *reply, struct keel_error *err);

/* --- events --- */

struct keel_pub;
struct keel_sub;

int keel_pub_new(const char *url, int buffer, struct keel_pub **ret_pub,
                 struct keel_error *err);
struct keel_pub *keel_pub_free(struct keel_pub *pub);
/* Publishes an encoded envelope of the given type (best effort). */
int keel_pub_send(struct keel_pub *pub, const char *type, const void *env,
                  size_t len);

int keel_sub_new(const char *const *addrs, size_t naddrs, size_t max_msg,
                 int buffer, struct keel_sub **ret_sub, struct keel_error *err);
struct keel_sub *keel_sub_free(struct keel_sub *sub);
/* Publishers this subscriber is connected to right now. */
int keel_sub_peers(struct keel_sub *sub);
/* Subscribes to every type starting with prefix ("" = all). */
int keel_sub_subscribe(struct keel_sub *sub, const char *prefix);
/* Receives one event: 0, -ETIMEDOUT, or -EINVAL with err (bad event). */
int keel_sub_recv(struct keel_sub *sub, int timeout_ms, struct keel_env *env,
                  struct keel_error *err);

/* --- ingest (bus_ingest.c) --- */

/* Requests outside systems publish on their own PUB addresses (<svc>.
 * ingest), relayed byte for byte to this daemon's request address and
 * checked there like any request.  Best effort: docs/security.md. */
struct keel_ingest;
struct keel_ingest_opts {
	const char *service; /* its request types are subscribed */
	const char *rep;     /* this daemon's request address */
	const char *const *pubs;
	size_t npubs;
	size_t max_msg;
};
int keel_ingest_start(const struct keel_ingest_opts *o,
                      struct keel_ingest **ret, struct keel_error *err);
struct keel_ingest *keel_ingest_stop(struct keel_ingest *in);

/* --- http --- */

struct keel_http;
/* Readiness probe: true when ready; why gets a short reason otherwise. */
typedef bool (*keel_ready_fn)(void *arg, char *why, size_t size);

/* Whether buf (len bytes, any bytes) holds a whole request head: an empty
 * line after the request line and headers. */
bool keel_http_head_complete(const char *buf, size_t len);
/* The method and path of a request head's first line (len bytes, any
 * bytes), each cut to its buffer: "" when missing. */
void keel_http_request_line(const char *head, size_t len, char *method,
                            size_t msize, char *path, size_t psize);

int keel_http_new(const char *url, keel_ready_fn ready, void *arg,
                  struct keel_http **ret_http, struct keel_error *err);
struct keel_http *keel_http_free(struct keel_http *http);

/* Releases what nng keeps for the process (nng_fini), once every socket
 * is closed, so that leak checkers see a clean exit. */
void keel_bus_fini(void);

/* nng's text for an nng error code. */
const char *keel_bus_strerror(int nng_err);

/* --- mutual TLS (bus_tls.c) --- */

/* This process's TLS identity for every tls+tcp:// address it listens on
 * or dials: the CA file that signs every peer, and a PEM file holding its
 * own certificate and key.  Peers must present a certificate of that CA,
 * both ways.  Call before creating servers, clients, publishers or
 * subscribers; empty or NULL: no TLS identity (tls+ addresses fail).
 * Each file set is loaded once here: 0, or -1 with err naming the key and
 * the file that TLS cannot use. */
int keel_bus_tls(const char *ca_file, const char *cert_key_file,
                 struct keel_error *err);
/* Connections the tls+ listeners refused (no certificate, another CA, not
 * TLS at all), from nng's listener statistics. */
uint64_t keel_bus_tls_refused(void);

#endif

/*
 * store: the only door to Redis (hiredis 0.14).  One connection and one
 * writer thread per store.  Commands from any thread are queued; the
 * thread sends everything queued as one pipeline (group commit: one round
 * trip per batch, whatever the number of requests in flight) and calls
 * each command's callback with its own reply.  A request that comes while
 * the thread is idle is sent by its caller (keel_store_request); one
 * thread at a time holds the connection and runs callbacks.  It
 * reconnects with exponential backoff, re-AUTHs and loads the service's
 * Redis Functions library (FUNCTION LOAD REPLACE); functions are called by
 * name (FCALL).
 */
#ifndef KEEL_STORE_H
#define KEEL_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct keel_error;
struct keel_store;
/* A view of one Redis reply, valid only during the callback. */
struct keel_reply;

enum keel_reply_type {
	KEEL_R_NIL,
	KEEL_R_INT,
	KEEL_R_STR,
	KEEL_R_STATUS,
	KEEL_R_ERROR,
	KEEL_R_ARRAY,
};

struct keel_store_opts {
	const char *socket; /* unix socket; when NULL or "", host/port */
	const char *host;
	int port;
	const char *user;     /* ACL user, or NULL */
	const char *password; /* NULL or "" for no AUTH */
	int timeout_ms;
	int reconnect_max_ms;
	int batch_max;
	int queue_max; /* commands waiting at most; more are refused */
	/* Redis Sentinel: "host:port,host:port,..." and the master's name;
	 * when set, host and port are asked of the sentinels at every
	 * connect, and a -READONLY reply (a primary demoted under us)
	 * reconnects. */
	const char *sentinels;
	const char *master;
	/* WAIT replicas wait_ms after every batch that holds a write (FCALL),
	 * before any of its callbacks: a write is acknowledged once that
	 * many replicas have it (or wait_ms passed).  0: no WAIT. */
	int wait_replicas;
	int wait_ms;
};

/*
 * Called once per command, on the store's thread (or, for
 * keel_store_request, perhaps on the caller's before it returns).  reply
 * is NULL when the command was not run or its outcome is unknown (Redis
 * unreachable); err then says why (code "unavailable").  A Redis error
 * reply is a reply of type KEEL_R_ERROR, not an err.
 */
typedef void (*keel_store_cb)(void *arg, const struct keel_reply *reply,
                              const struct keel_error *err);

/* Creates a store (not yet connected); free with keel_store_free. */
int keel_store_new(const struct keel_store_opts *opts,
                   struct keel_store **ret_store);
/* Sets the Functions library (code starts "#!lua name=keel_<svc>") that
 * the store loads with FUNCTION LOAD REPLACE on every connect, and again
 * when Redis answers that a function is not found (FUNCTION FLUSH, an
 * empty Redis after a failover).  Before keel_store_start; copied. */
int keel_store_library(struct keel_store *s, const char *code);
/* Starts the writer thread, which connects in the background. */
int keel_store_start(struct keel_store *s);
/* Stops the thread after the queued commands are sent; NULL is a no-op. */
struct keel_store *keel_store_free(struct keel_store *s);

/* Queues one command; argv is copied.  0, or -ESHUTDOWN/-ENOMEM, or
 * -EAGAIN when queue_max commands already wait (then cb is not called). */
int keel_store_cmd(struct keel_store *s, int argc, const char *const *argv,
                   const size_t *lens, keel_store_cb cb, void *arg);
/* Queues FCALL fname: argv holds nkeys keys, then the arguments. */
int keel_store_fcall(struct keel_store *s, const char *fname, int nkeys,
                     int argc, const char *const *argv, const size_t *lens,
                     keel_store_cb cb, void *arg);
/* One request's command (FCALL fname, or the command itself when fname
 * is NULL), from a thread that may wait for Redis (nng's, in bus_rep).
 * When the store's thread is idle and nothing else waits, the caller
 * sends it and runs cb itself before this returns: no wake of the store's
 * thread and no switch to it for a request that came alone.  It also runs
 * what is queued meanwhile (a callback's next command), a few rounds at
 * most.  Otherwise, and for commands meant to share one pipeline, as
 * keel_store_fcall. */
int keel_store_request(struct keel_store *s, const char *fname, int nkeys,
                       int argc, const char *const *argv, const size_t *lens,
                       keel_store_cb cb, void *arg);
/* Queues a command and waits for its callback (never on the store thread). */
int keel_store_sync(struct keel_store *s, int argc, const char *const *argv,
                    const size_t *lens, keel_store_cb cb, void *arg);

/* The same for a function call. */
int keel_store_fcall_sync(struct keel_store *s, const char *fname, int nkeys,
                          int argc, const char *const *argv,
                          const size_t *lens, keel_store_cb cb, void *arg);

/* True while down, with why in buf (the connection's last error: "AUTH:
 * WRONGPASS ...", "Connection refused"); "" while up. */
bool keel_store_why_down(struct keel_store *s, char *buf, size_t size);
/* True while connected. */
bool keel_store_up(struct keel_store *s);
/* Waits until connected or timeout_ms passes: 0 or -ETIMEDOUT. */
int keel_store_wait_up(struct keel_store *s, int timeout_ms);

enum keel_reply_type keel_reply_type(const struct keel_reply *r);
long long keel_reply_int(const struct keel_reply *r);
/* String, status or error text; NULL for other types. */
const char *keel_reply_str(const struct keel_reply *r, size_t *ret_len);
size_t keel_reply_len(const struct keel_reply *r);
/* The string of element i of an array reply, or "" (length 0) when it is
 * missing or not a string. */
const char *keel_reply_str_at(const struct keel_reply *r, size_t i,
                              size_t *ret_len);
const struct keel_reply *keel_reply_at(const struct keel_reply *r, size_t i);

/*
 * For an error reply: fills err and returns true.  Redis saying it cannot
 * take work now (OOM, READONLY, BUSY, LOADING, MASTERDOWN, TRYAGAIN,
 * NOREPLICAS) is "unavailable" with that cause, so clients know they may
 * retry; any other error (a script's bug, a refused argument) is
 * "internal".  what names the work, e.g. the request type.  False, err
 * untouched, for any other reply.
 */
bool keel_reply_error(const struct keel_reply *r, const char *what,
                      struct keel_error *err);

#endif

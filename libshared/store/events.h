/*
 * events: the durable outbox and the write kit (DESIGN.md "State and
 * delivery").  A writing request is one FCALL of a keel.write function of
 * the service's library (libshared/store/lua/keel.lua states the convention)
 * that checks its idempotency record, applies the change, appends the
 * event to the service's stream keel:{<svc>}:events and records the
 * outcome - one atomic Redis step.  Only then is the event published on nng, with its
 * stream id in `seq`; if that publish is lost, the stream still has it.
 *
 * Stream entries are: type <type>, env <envelope without seq>.
 */
#ifndef KEEL_EVENTS_H
#define KEEL_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_enc;
struct keel_obj;
struct keel_pub;
struct keel_req;
struct keel_reply;
struct keel_store;

/*
 * What keel_write needs of the daemon serving it, built by the daemon and
 * handed to its request server (keel_server_opts.outbox): the service's
 * keys, the instance that signs its events, how long an idempotency key
 * answers, where events are published, and who to tell after a new write
 * (the daemon's event-driven tick).  Borrowed for the server's life.
 */
struct keel_outbox {
	char service[32];  /* keel:{<service>}:... */
	char instance[64]; /* src of the events */
	long long idem_ttl_ms;
	struct keel_pub *pub;
	void (*written)(void *arg); /* after a new write; may be NULL */
	void *written_arg;
};

/* A write for keel_write: the function (keel.write in the service's
 * library, libshared/store/lua/keel.lua), its own keys, and its request: one
 * msgpack map of named fields (NULL: the request's body as it came). */
struct keel_write {
	const char *fn; /* "ticketing_create" */
	const void *req;
	size_t req_len;
	const char *event_prefix; /* "customer." */
	int nkeys; /* the write's own keys, KEYS[3..] */
	const char *const *keys;
};

/*
 * Runs w for the request being served, with its server's outbox:
 * FCALL w->fn with KEYS the idempotency record, the stream, w->keys; ARGV
 * the request body (hashed), the record's retention, an event head, the
 * event prefix and w->req.
 * the request must carry an idempotency key; the reply is the function's
 * outcome, the first one for a replayed key; a new event is published with
 * its stream id.  Answers the request in every case.
 */
void keel_write(struct keel_req *req, const struct keel_write *w);

/*
 * Starts e as a map of every field of body and n more, which the caller
 * appends as key-value pairs: a write's request that is the body plus what
 * C computed (time, due times, ids).  Later keys win in Lua, so a client
 * cannot set them.
 */
void keel_enc_body_plus(struct keel_enc *e, const struct keel_obj *body,
                        uint32_t n);

/* keel:{svc}:events */
void keel_events_key(const char *svc, char *buf, size_t size);

/*
 * Appends to out the head of an event envelope: a map of 6 with v, id (a
 * new UUIDv7), src and ts; the function appends type and body, which only it
 * knows (created or updated, ids it assigns).
 */
void keel_events_head(struct keel_enc *out, const char *src);

/* Re-encodes a stored envelope with its stream id as seq; 0 or -EINVAL. */
int keel_events_with_seq(const void *env, size_t len, const char *seq,
                         struct keel_enc *out);

/* Publishes a stored envelope with seq (best effort; the stream is the
 * truth).  0, or a negative errno. */
int keel_events_publish(struct keel_pub *pub, const void *env, size_t len,
                        const char *seq);

/* Publishes the [id, env] pairs of a function's reply from index from on:
 * what w.emit and w.done (or an effect's emit) appended (stream ids and envelopes). */
void keel_events_publish_pairs(struct keel_pub *pub, const struct keel_reply *r,
                               size_t from);

#endif

/*
 * events: the durable outbox and the write kit (DESIGN.md "State and
 * delivery").  A writing request runs one Lua script that checks its
 * idempotency record, applies the change, appends the event to the
 * service's stream keel:{<svc>}:events and records the outcome - one
 * atomic Redis step.  Only then is the event published on nng, with its
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
struct keel_script;
struct keel_reply;
struct keel_store;

/*
 * The Lua kit every write script starts with.  Keys and arguments:
 *   KEYS[1] idempotency record   ARGV[1] request body (hashed)
 *   KEYS[2] the events stream    ARGV[2] idempotency retention, ms
 *                                ARGV[3] event envelope head
 *                                ARGV[4] event type prefix (e.g.
 *                                        "customer.") - see keel_done
 * the script's own keys from KEYS[3], its own arguments from ARGV[5].
 * Before it ends, a script may append more events with
 *   keel_emit(event_suffix, event_body_table)
 * The script ends with one of:
 *   return keel_done(reply_table, event_suffix, event_body_table)
 *       -> reply body = reply_table; event type = ARGV[4]..event_suffix
 *          (no event when event_suffix is nil)
 *   return keel_refuse(code, field, message)
 *   return keel_retry()   -> nothing kept: the handler runs again (it
 *          read something that changed before the script ran; at most
 *          100 times, then conflict).  Only before any write.
 * A replay of the same key and body returns the first outcome and writes
 * nothing; the same key with another body returns "conflict".
 */
extern const char keel_lua_write_kit[];

/*
 * For scripts that are not writes (event effects, timers) but emit events
 * of their own: defines keel_emitter(stream, head, prefix, out), which
 * returns emit(suffix, body): it XADDs an event (envelope = head, a map
 * from keel_events_head, then type and body) and appends its id and
 * envelope to out, for keel_events_publish_pairs.  Events of one script
 * get distinct ids.  Emit only after every check: nothing rolls back.
 */
extern const char keel_lua_emitter[];

/* A write for keel_write: the function (keel.write in the service's
 * library, libshared/lua/keel.lua), its own keys, and its request: one
 * msgpack map of named fields (NULL: the request's body as it came). */
struct keel_write {
	const char *fn; /* "ticketing_create" */
	const void *req;
	size_t req_len;
	/* Old-style script (keel_write_script), until every service runs
	 * on its library. */
	const struct keel_script *script;
	const char *event_prefix; /* "customer." */
	int nkeys;
	const char *const *keys;
	int nargs;
	const char *const *args;
	const size_t *arg_lens; /* NULL: all are C strings */
};

/*
 * Runs w for the request being served (its daemon is keel_req_app(req)):
 * the request must carry an idempotency key; the reply is the script's
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

/* Registers a write script: the kit, then body.  Before the store starts. */
int keel_write_script(struct keel_store *store, const char *body,
                      const struct keel_script **ret_script);

/*
 * The retention script: KEYS[1] the stream, ARGV[1] the oldest stream id
 * to keep by age ("<ms>-0").  It trims (XTRIM MINID ~) below that id but
 * never below any group's oldest pending entry, nor past what a group has
 * not yet been delivered: no entry that some consuming service still
 * needs is ever dropped.  Returns the number of entries trimmed.
 */
extern const char keel_lua_trim[];

/* keel:{svc}:events */
void keel_events_key(const char *svc, char *buf, size_t size);

/*
 * Appends to out the head of an event envelope: a map of 6 with v, id (a
 * new UUIDv7), src and ts; the script appends type and body, which only it
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

/* Publishes the [id, env] pairs of a script's reply from index from on:
 * what keel_emit and keel_done appended (stream ids and envelopes). */
void keel_events_publish_pairs(struct keel_pub *pub, const struct keel_reply *r,
                               size_t from);

#endif

/*
 * harness_lua: a service's Redis Functions library tested on its own, in a
 * throwaway Redis: load build/lua/keel_<svc>.lua, call its functions with
 * FCALL as the daemon's C does (libshared/store/lua/keel.lua states the calling
 * conventions), and read what they wrote.  Tests include hiredis for the
 * replies; each reply is freed with freeReplyObject by the caller.
 */
#ifndef KEEL_HARNESS_LUA_H
#define KEEL_HARNESS_LUA_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

struct harness_redis;
struct keel_enc;
struct keel_mp_doc;
struct keel_obj;

/* Connects to r and loads the library of svc (FUNCTION LOAD REPLACE);
 * bails out when it does not load. */
redisContext *harness_lua_open(struct harness_redis *r, const char *svc);

/* FCALL fn with nkeys keys and one argument, the msgpack map req (NULL:
 * an empty map). */
redisReply *harness_fcall(redisContext *c, const char *fn, int nkeys,
                          const char *const *keys, struct keel_enc *req);

/* What a keel.write function answered. */
struct harness_outcome {
	char status[16]; /* new, replay, conflict, retry, or error */
	bool ok;         /* outcome 'O': done; else refused (or error) */
	struct keel_mp_doc *doc;
	const struct keel_obj *reply; /* done: the reply body */
	char code[32], field[128], message[256]; /* refused, or error */
	int events;                   /* emitted, with their envelopes */
};

/*
 * Calls the keel.write function fn as keel_write does: KEYS the record
 * keel:{svc}:idem:test:<key>, the stream keel:{svc}:events, then keys;
 * ARGV the body (hashed; req's bytes when body is NULL), retention, an
 * event head, prefix, and req.  Fills out; release it with
 * harness_outcome_release.  False when Redis answered an error.
 */
bool harness_lua_write(redisContext *c, const char *svc, const char *fn,
                       const char *key, const char *prefix, int nkeys,
                       const char *const *keys, struct keel_enc *req,
                       struct harness_outcome *out);
void harness_outcome_release(struct harness_outcome *out);

/*
 * Calls the keel.effect function fn as the consumer does: KEYS the done
 * mark keel:{svc}:done:test:<seq>, then keys; ARGV its lifetime, an event
 * head, req.  The reply (0 when done before, else {1, id, env, ...}).
 */
redisReply *harness_lua_effect(redisContext *c, const char *svc, const char *fn,
                               const char *seq, int nkeys,
                               const char *const *keys, struct keel_enc *req);

#endif

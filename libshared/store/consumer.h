/*
 * consumer: another daemon's events, through this service's Redis
 * consumer group (group = consuming service, consumer = instance), with
 * its own Redis connection and thread.
 *
 * Delivery: at least once from the stream; exactly once in effect.  Each
 * event's effect is one function (keel.effect) that first sets the event's done mark
 * keel:{<service>}:done:<source>:<seq> (SET NX) and does nothing when it
 * was already set; only after the effect is stored is the entry acked.  So
 * a redelivery (restart, reclaim, sweep) changes nothing.
 *
 * Wake-up: a SUB socket on the source's PUB addresses; any matching live
 * event makes the thread read the group at once.  Safety net: a sweep
 * every sweep_ms.  Entries left pending by a dead instance are reclaimed
 * with XAUTOCLAIM once idle for claim_idle_ms.
 */
#ifndef KEEL_CONSUMER_H
#define KEEL_CONSUMER_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>

struct keel_enc;
struct keel_env;
struct keel_error;
struct keel_consumer;

#define KEEL_EFFECT_MAX 16

/*
 * What an event does here: a function of the service's library
 * (keel.effect in Lua) with its own keys (KEYS[2..]) and one request, a
 * msgpack map given with keel_effect_argn (ARGV[3]; the consumer adds the
 * done mark, its lifetime and an event head).  The function returns 0
 * (done before) or {1, id1, env1, ...}: the events it appended to this
 * service's stream, then published.
 */
struct keel_effect {
	const char *instance; /* this instance: src of events it emits */
	const char *fn;       /* NULL: nothing to do but ack */
	int nkeys, nargs;
	const char *keys[KEEL_EFFECT_MAX];
	const char *args[KEEL_EFFECT_MAX];
	size_t arg_lens[KEEL_EFFECT_MAX];
	char buf[32768];
	size_t used;
	bool overflow;
	char why[200]; /* a poison verdict's reason */
};

void keel_effect_key(struct keel_effect *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void keel_effect_arg(struct keel_effect *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void keel_effect_argn(struct keel_effect *e, const void *p, size_t n);

/* What a handler says of an event. */
enum keel_event_verdict {
	KEEL_EVENT_DONE = 0, /* eff holds its effect (or none): apply, ack */
	KEEL_EVENT_RETRY,    /* not now: leave it pending, read it again */
	KEEL_EVENT_POISON,   /* never: to the dead-letter stream */
};

/* Sets eff->why and returns KEEL_EVENT_POISON. */
enum keel_event_verdict keel_event_poison(struct keel_effect *eff,
                                          const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The effect is function fn with the map in enc as its request: DONE, or
 * RETRY when enc ran out of memory.  (A request too large for the effect
 * is poisoned by the consumer, as for any handler.) */
enum keel_event_verdict keel_effect_request(struct keel_effect *e,
                                            const char *fn,
                                            const struct keel_enc *enc);

/* Decides the effect of one event (ev is borrowed for the call).  A
 * poisoned event is moved to keel:{<service>}:dead with why (set
 * eff->why), counted and logged once; nothing is acknowledged silently. */
typedef enum keel_event_verdict (*keel_event_fn)(const struct keel_env *ev,
                                                 struct keel_effect *eff);

/* One kind of event and what it does: the first route whose prefix starts
 * the event's type handles it. */
struct keel_route {
	const char *prefix; /* e.g. "customer."; NULL ends the table */
	keel_event_fn fn;
};

/* Everything a service consumes from one source: one consumer in the
 * service's group on that source's stream. */
struct keel_subscription {
	const char *source; /* producing service */
	const struct keel_route *routes;
};

struct keel_consumer_opts {
	const char *service;  /* this service: the group */
	const char *instance; /* this instance: the consumer */
	const struct keel_subscription *sub;
	const char *const *pub_addrs; /* the source's PUB addresses */
	size_t npub;
	struct keel_store_opts store;
	const char *library; /* the service's Functions library */
	int claim_idle_ms;
	int sweep_ms;
	int batch;
	long long done_ttl_ms;
	size_t max_msg;
	struct keel_pub *pub; /* where effects' own events go; may be NULL */
	int sweep_idle_ms;    /* an idle sweep backs off up to this */
	/* Called (on the consumer's thread) after a batch stored at least
	 * one effect; may be NULL. */
	void (*applied)(void *arg);
	void *applied_arg;
};

int keel_consumer_new(const struct keel_consumer_opts *o,
                      struct keel_consumer **ret, struct keel_error *err);
/* The producing service this consumer reads. */
const char *keel_consumer_source(const struct keel_consumer *c);

/*
 * events.replay: runs one event (its stored envelope, at stream id seq of
 * the source) through this consumer's handler and stores its effect, on
 * the caller's thread (it waits for Redis).  0 with *ret_applied (false
 * when its done mark was there: applied before), or a negative errno with
 * err saying why (the handler refused it again: -EINVAL or -EAGAIN).
 */
int keel_consumer_replay(struct keel_consumer *c, const void *env, size_t len,
                         const char *seq, bool *ret_applied,
                         struct keel_error *err);

/* Stops after the batch in hand is stored and acked; NULL is a no-op. */
struct keel_consumer *keel_consumer_free(struct keel_consumer *c);

#endif

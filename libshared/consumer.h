/*
 * consumer: another daemon's events, through this service's Redis
 * consumer group (group = consuming service, consumer = instance), with
 * its own Redis connection and thread.
 *
 * Delivery: at least once from the stream; exactly once in effect.  Each
 * event's effect is one script that first sets the event's done mark
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

struct keel_env;
struct keel_error;
struct keel_consumer;

#define KEEL_EFFECT_MAX 16

/* What an event does here: a registered effect script with its own keys
 * (KEYS[2..]) and arguments (ARGV[2..]), copied into the effect.  The
 * script returns a number, or {n, id1, env1, id2, env2, ...} when it
 * appended events of its own to this service's stream (ids and envelopes,
 * as keel_emit does): those are then published. */
struct keel_effect {
	const char *instance; /* this instance: src of events it emits */
	const struct keel_script *script; /* NULL: nothing to do but ack */
	int nkeys, nargs;
	const char *keys[KEEL_EFFECT_MAX];
	const char *args[KEEL_EFFECT_MAX];
	size_t arg_lens[KEEL_EFFECT_MAX];
	char buf[32768];
	size_t used;
	bool overflow;
};

void keel_effect_key(struct keel_effect *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void keel_effect_arg(struct keel_effect *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void keel_effect_argn(struct keel_effect *e, const void *p, size_t n);

/* Decides the effect of one event (ev is borrowed for the call). */
typedef void (*keel_event_fn)(const struct keel_env *ev,
                              struct keel_effect *eff);

/* One kind of event and what it does: the first route whose prefix starts
 * the event's type handles it. */
struct keel_route {
	const char *prefix; /* e.g. "customer."; NULL ends the table */
	keel_event_fn fn;
	const char *effect_lua;            /* the effect script's body */
	const struct keel_script **script; /* set when registered */
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
	int claim_idle_ms;
	int sweep_ms;
	int batch;
	long long done_ttl_ms;
	size_t max_msg;
	struct keel_pub *pub; /* where effects' own events go; may be NULL */
};

int keel_consumer_new(const struct keel_consumer_opts *o,
                      struct keel_consumer **ret, struct keel_error *err);
/* Stops after the batch in hand is stored and acked; NULL is a no-op. */
struct keel_consumer *keel_consumer_free(struct keel_consumer *c);

#endif

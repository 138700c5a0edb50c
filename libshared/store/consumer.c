/* consumer: the group reader thread. */
#include "consumer.h"

#include "events.h"

#include "bus.h"
#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "log.h"
#include "metrics.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keel_consumer {
	struct keel_consumer_opts o;
	const struct keel_subscription *sub;
	struct keel_store *store;
	struct keel_sub *wake;
	pthread_t thread;
	atomic_bool stop;
	char stream[96];
	char group[64];
	char consumer[129];
};

static void
eff_put(struct keel_effect *e, const char **slot, size_t *len, const char *p,
        size_t n)
{
	if (e->used + n + 1 > sizeof(e->buf)) {
		e->overflow = true;
		*slot = "";
		if (len)
			*len = 0;
		return;
	}
	memcpy(e->buf + e->used, p, n);
	e->buf[e->used + n] = '\0';
	*slot = e->buf + e->used;
	if (len)
		*len = n;
	e->used += n + 1;
}

static void
eff_vput(struct keel_effect *e, bool key, const char *fmt, va_list ap)
{
	char tmp[1024];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);

	if (n < 0 || (size_t)n >= sizeof(tmp) ||
	    (key ? e->nkeys : e->nargs) >= KEEL_EFFECT_MAX - 1) {
		e->overflow = true;
		return;
	}
	if (key)
		eff_put(e, &e->keys[e->nkeys++], NULL, tmp, (size_t)n);
	else {
		eff_put(e, &e->args[e->nargs], &e->arg_lens[e->nargs], tmp,
		        (size_t)n);
		e->nargs++;
	}
}

void
keel_effect_key(struct keel_effect *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eff_vput(e, true, fmt, ap);
	va_end(ap);
}

void
keel_effect_arg(struct keel_effect *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eff_vput(e, false, fmt, ap);
	va_end(ap);
}

void
keel_effect_argn(struct keel_effect *e, const void *p, size_t n)
{
	if (e->nargs >= KEEL_EFFECT_MAX - 1) {
		e->overflow = true;
		return;
	}
	eff_put(e, &e->args[e->nargs], &e->arg_lens[e->nargs], p, n);
	e->nargs++;
}

enum keel_event_verdict
keel_effect_request(struct keel_effect *e, const char *fn,
                    const struct keel_enc *enc)
{
	const void *p;
	size_t n;

	if (keel_enc_error(enc))
		return KEEL_EVENT_RETRY;
	p = keel_enc_data(enc, &n);
	e->fn = fn;
	keel_effect_argn(e, p, n);
	return KEEL_EVENT_DONE;
}

enum keel_event_verdict
keel_event_poison(struct keel_effect *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	return KEEL_EVENT_POISON;
}

/* One batch in flight: effects queued to the store, waited on together. */
struct batch {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int waiting;
	size_t n;
	char ids[512][48];
	bool done[512];
	int applied; /* effects stored */
};

struct slot {
	struct batch *b;
	size_t i;
	struct keel_pub *pub;
};

static void
effect_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct slot *s = arg;
	struct batch *b = s->b;
	bool ok =
	    r &&
	    (keel_reply_type(r) == KEEL_R_INT ||
	     (keel_reply_type(r) == KEEL_R_ARRAY && keel_reply_len(r) > 0));

	if (!ok)
		keel_log(KEEL_LOG_WARNING,
		         "event effect not stored; it will "
		         "be retried",
		         "seq", b->ids[s->i], "error",
		         r ? keel_reply_str(r, NULL) : err->message, NULL);
	if (ok && keel_reply_type(r) == KEEL_R_ARRAY && s->pub)
		keel_events_publish_pairs(s->pub, r, 1);
	pthread_mutex_lock(&b->lock);
	b->done[s->i] = ok;
	b->applied += ok && keel_reply_type(r) == KEEL_R_ARRAY;
	if (--b->waiting == 0)
		pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
	free(s);
}

static const struct keel_route *
route_of(const struct keel_subscription *sub, const char *type)
{
	for (const struct keel_route *r = sub->routes; r->prefix; r++)
		if (strncmp(type, r->prefix, strlen(r->prefix)) == 0)
			return r;
	return NULL;
}

static void
buried(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct slot *s = arg;
	struct batch *b = s->b;
	bool ok = r && keel_reply_type(r) == KEEL_R_STR;

	if (!ok)
		keel_log(KEEL_LOG_WARNING,
		         "event not moved to the dead-letter stream; it will "
		         "be retried",
		         "seq", b->ids[s->i], "error",
		         r ? keel_reply_str(r, NULL) : err->message, NULL);
	pthread_mutex_lock(&b->lock);
	b->done[s->i] = ok;
	if (--b->waiting == 0)
		pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
	free(s);
}

/* Queues a store call for entry i of b, answered through cb. */
static void
queue_for(struct keel_consumer *c, struct batch *b, size_t i, const char *fn,
          int nkeys, int argc, const char **argv, const size_t *lens,
          keel_store_cb cb)
{
	struct slot *s = malloc(sizeof(*s));
	int r;

	b->done[i] = false;
	if (!s)
		return;
	*s = (struct slot){b, i, c->o.pub};
	pthread_mutex_lock(&b->lock);
	b->waiting++;
	pthread_mutex_unlock(&b->lock);
	r = fn ? keel_store_fcall(c->store, fn, nkeys, argc, argv, lens, cb, s)
	       : keel_store_cmd(c->store, argc, argv, lens, cb, s);
	if (r < 0) {
		pthread_mutex_lock(&b->lock);
		b->waiting--;
		pthread_mutex_unlock(&b->lock);
		free(s);
	}
}

/* A poisoned event: to keel:{<service>}:dead with where it came from and
 * why, then acked (DESIGN.md "Event handlers"). */
static void
bury(struct keel_consumer *c, struct batch *b, size_t i,
     const struct keel_env *ev, const char *env, size_t len, const char *why)
{
	char dead[96];
	const char *argv[13] = {"XADD", dead, "*", "source", c->sub->source,
	                        "seq",  b->ids[i], "type", ev->type, "why",
	                        why[0] ? why : "refused by its handler",
	                        "env", env};
	size_t lens[13];

	snprintf(dead, sizeof(dead), "keel:{%s}:dead", c->o.service);
	for (int k = 0; k < 12; k++)
		lens[k] = strlen(argv[k]);
	lens[12] = len;
	keel_metrics_inc(KEEL_M_EVENTS_DEAD, 1);
	keel_log(KEEL_LOG_ERR, "event moved to the dead-letter stream",
	         "stream", dead, "seq", b->ids[i], "type", ev->type, "why",
	         argv[10], NULL);
	queue_for(c, b, i, NULL, 0, 13, argv, lens, buried);
}

/* The FCALL of eff->fn for the event at stream id seq: KEYS the done mark
 * and the effect's keys; ARGV the mark's lifetime, an event head (in
 * head), the effect's request.  done and ttl hold what argv points to. */
struct effect_call {
	const char *argv[2 * KEEL_EFFECT_MAX + 3];
	size_t lens[2 * KEEL_EFFECT_MAX + 3];
	int n;
	char done[160], ttl[24];
};

static void
effect_call(struct keel_consumer *c, const char *seq,
            const struct keel_effect *eff, struct keel_enc *head,
            struct effect_call *f)
{
	int n = 0;

	keel_events_head(head, eff->instance);
	snprintf(f->done, sizeof(f->done), "keel:{%s}:done:%s:%s",
	         c->o.service, c->sub->source, seq);
	snprintf(f->ttl, sizeof(f->ttl), "%lld", c->o.done_ttl_ms);
	f->argv[n] = f->done;
	f->lens[n++] = strlen(f->done);
	for (int k = 0; k < eff->nkeys; k++, n++) {
		f->argv[n] = eff->keys[k];
		f->lens[n] = strlen(eff->keys[k]);
	}
	f->argv[n] = f->ttl;
	f->lens[n++] = strlen(f->ttl);
	f->argv[n] = keel_enc_data(head, &f->lens[n]);
	n++;
	for (int k = 0; k < eff->nargs; k++, n++) {
		f->argv[n] = eff->args[k];
		f->lens[n] = eff->arg_lens[k];
	}
	f->n = n;
}

static void
call_effect(struct keel_consumer *c, struct batch *b, size_t i, const char *id,
            const struct keel_effect *eff)
{
	struct keel_enc *head = keel_enc_new();
	struct effect_call f;

	if (!head) {
		b->done[i] = false;
		return;
	}
	effect_call(c, id, eff, head, &f);
	queue_for(c, b, i, eff->fn, 1 + eff->nkeys, f.n, f.argv, f.lens,
	          effect_done);
	keel_enc_free(head);
}

/* Queues the effect of one entry (or marks it done) into batch b. */
static void
take_entry(struct keel_consumer *c, struct batch *b,
           const struct keel_reply *entry)
{
	const struct keel_reply *fields = keel_reply_at(entry, 1);
	const char *id = keel_reply_str(keel_reply_at(entry, 0), NULL);
	const char *env = NULL;
	size_t len = 0, i;
	struct keel_env ev;
	struct keel_error err;
	struct keel_effect *eff;
	const struct keel_route *route;
	enum keel_event_verdict verdict;

	if (!id || b->n >= 512)
		return;
	i = b->n++;
	snprintf(b->ids[i], sizeof(b->ids[i]), "%s", id);
	b->done[i] = true; /* deleted or unreadable entries are acked */
	for (size_t k = 0; fields && k + 1 < keel_reply_len(fields); k += 2) {
		const char *name =
		    keel_reply_str(keel_reply_at(fields, k), NULL);

		if (name && strcmp(name, "env") == 0)
			env =
			    keel_reply_str(keel_reply_at(fields, k + 1), &len);
	}
	if (!env)
		return;
	if (keel_env_decode(env, len, c->o.max_msg, &ev, &err) < 0) {
		keel_metrics_inc(KEEL_M_BAD_MESSAGES, 1);
		keel_log(KEEL_LOG_WARNING, "unreadable event skipped", "seq",
		         id, "error", err.message, NULL);
		keel_env_release(&ev);
		return;
	}
	snprintf(ev.seq, sizeof(ev.seq), "%s", id);
	keel_metrics_inc(KEEL_M_EVENTS_CONSUMED, 1);
	route = route_of(c->sub, ev.type);
	if (!route) {
		keel_env_release(&ev);
		return;
	}
	eff = calloc(1, sizeof(*eff));
	if (!eff) {
		b->done[i] = false;
		keel_env_release(&ev);
		return;
	}
	eff->instance = c->o.instance;
	verdict = route->fn(&ev, eff);
	if (verdict == KEEL_EVENT_DONE && eff->overflow) {
		verdict = KEEL_EVENT_POISON;
		snprintf(eff->why, sizeof(eff->why),
		         "its effect is larger than %zu bytes",
		         sizeof(eff->buf));
	}
	if (verdict == KEEL_EVENT_POISON)
		bury(c, b, i, &ev, env, len, eff->why);
	keel_env_release(&ev);
	if (verdict == KEEL_EVENT_RETRY) {
		b->done[i] = false;
	} else if (verdict == KEEL_EVENT_POISON) {
		/* bury() decided done[i]: acked once it is in the dead-letter
		 * stream */
	} else if (eff->fn) {
		call_effect(c, b, i, id, eff);
	}
	free(eff);
}

/* Handles the entries array of an XREADGROUP/XAUTOCLAIM reply. */
static void
take_entries(struct keel_consumer *c, struct batch *b,
             const struct keel_reply *entries)
{
	for (size_t i = 0; i < keel_reply_len(entries); i++)
		take_entry(c, b, keel_reply_at(entries, i));
}

struct read_ctx {
	struct keel_consumer *c;
	struct batch *b;
	bool claim; /* XAUTOCLAIM reply shape */
	bool ok;
	char next[48];
};

static void
read_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct read_ctx *rc = arg;

	rc->ok = r && keel_reply_type(r) != KEEL_R_ERROR;
	if (!rc->ok) {
		if (r)
			keel_log(KEEL_LOG_WARNING, "reading events failed",
			         "stream", rc->c->stream, "error",
			         keel_reply_str(r, NULL), NULL);
		return;
	}
	if (rc->claim) {
		/* [next-cursor, [entries], [deleted ids]] */
		const char *next = keel_reply_str(keel_reply_at(r, 0), NULL);

		snprintf(rc->next, sizeof(rc->next), "%s", next ? next : "0-0");
		take_entries(rc->c, rc->b, keel_reply_at(r, 1));
		for (size_t i = 0;
		     i < keel_reply_len(keel_reply_at(r, 2)) && rc->b->n < 512;
		     i++) {
			const char *id = keel_reply_str(
			    keel_reply_at(keel_reply_at(r, 2), i), NULL);

			snprintf(rc->b->ids[rc->b->n], 48, "%s", id ? id : "");
			rc->b->done[rc->b->n++] = id != NULL;
		}
		return;
	}
	/* [[stream, [entries]]] or nil */
	if (keel_reply_type(r) == KEEL_R_ARRAY && keel_reply_len(r) > 0)
		take_entries(rc->c, rc->b,
		             keel_reply_at(keel_reply_at(r, 0), 1));
}

static void
ignore_reply(void *arg, const struct keel_reply *r,
             const struct keel_error *err)
{
	(void)arg;
	(void)r;
	(void)err;
}

/* Reads one batch with argv, applies and acks it; returns its size. */
static size_t
run_batch(struct keel_consumer *c, int argc, const char **argv, bool claim,
          char *next)
{
	struct batch *b = calloc(1, sizeof(*b));
	struct read_ctx rc = {.c = c, .b = b, .claim = claim};
	const char *ack[3 + 512];
	size_t n;
	int na = 0;

	if (!b)
		return 0;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	keel_store_sync(c->store, argc, argv, NULL, read_done, &rc);
	/* Effects were queued from the store thread; they go out as the
	 * next pipeline.  Wait for all of them. */
	pthread_mutex_lock(&b->lock);
	while (b->waiting > 0)
		pthread_cond_wait(&b->cond, &b->lock);
	pthread_mutex_unlock(&b->lock);
	ack[na++] = "XACK";
	ack[na++] = c->stream;
	ack[na++] = c->group;
	for (size_t i = 0; i < b->n; i++)
		if (b->done[i] && b->ids[i][0])
			ack[na++] = b->ids[i];
	if (na > 3)
		keel_store_sync(c->store, na, ack, NULL, ignore_reply, NULL);
	if (b->applied > 0 && c->o.applied)
		c->o.applied(c->o.applied_arg);
	/* The claim cursor moves only on a read that worked: a failed one
	 * (Redis restarting) must not leave it blank. */
	if (next && rc.ok && rc.next[0])
		snprintf(next, 48, "%s", rc.next);
	n = rc.ok ? b->n : 0;
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b);
	return n;
}

static void
group_created(void *arg, const struct keel_reply *r,
              const struct keel_error *err)
{
	bool *ok = arg;
	const char *s = r ? keel_reply_str(r, NULL) : NULL;

	*ok = r && (keel_reply_type(r) != KEEL_R_ERROR ||
	            (s && strncmp(s, "BUSYGROUP", 9) == 0));
}

/* keel_sub_recv for up to ms, in slices, so that a stop is seen within a
 * quarter second however long the sweep has backed off. */
static int
wait_event(struct keel_consumer *c, int ms, struct keel_env *ev,
           struct keel_error *err)
{
	while (ms > 0 && !atomic_load(&c->stop)) {
		int slice = ms > 250 ? 250 : ms;
		int r = keel_sub_recv(c->wake, slice, ev, err);

		if (r != -ETIMEDOUT)
			return r;
		ms -= slice;
	}
	return -ETIMEDOUT;
}

static void *
consumer_thread(void *arg)
{
	struct keel_consumer *c = arg;
	char count[16], idle[24], cursor[48] = "0-0";
	bool grouped = false, pending_done = false;
	int sweep = c->o.sweep_ms,
	    sweep_max = c->o.sweep_idle_ms > c->o.sweep_ms ? c->o.sweep_idle_ms
	                                                   : c->o.sweep_ms;

	pthread_setname_np(pthread_self(), "keel:consumer");
	snprintf(count, sizeof(count), "%d", c->o.batch);
	snprintf(idle, sizeof(idle), "%d", c->o.claim_idle_ms);
	while (!atomic_load(&c->stop)) {
		struct keel_env ev;
		struct keel_error err;
		size_t got;

		if (!grouped) {
			/* From the stream's start: nothing emitted before
			 * this service first ran is missed. */
			keel_store_sync(c->store, 6,
			                (const char *[]){"XGROUP", "CREATE",
			                                 c->stream, c->group,
			                                 "0", "MKSTREAM"},
			                NULL, group_created, &grouped);
			if (!grouped) {
				keel_sub_recv(c->wake, c->o.sweep_ms, &ev,
				              &err);
				keel_env_release(&ev);
				continue;
			}
		}
		if (!pending_done) {
			/* After a restart: what this instance had taken but
			 * not acked comes first. */
			got = run_batch(
			    c, 9,
			    (const char *[]){"XREADGROUP", "GROUP", c->group,
			                     c->consumer, "COUNT", count,
			                     "STREAMS", c->stream, "0"},
			    false, NULL);
			if (got == 0)
				pending_done = true;
			continue;
		}
		got = run_batch(c, 8,
		                (const char *[]){"XAUTOCLAIM", c->stream,
		                                 c->group, c->consumer, idle,
		                                 cursor, "COUNT", count},
		                true, cursor);
		got += run_batch(c, 9,
		                 (const char *[]){"XREADGROUP", "GROUP",
		                                  c->group, c->consumer, "COUNT",
		                                  count, "STREAMS", c->stream,
		                                  ">"},
		                 false, NULL);
		if (got > 0) {
			sweep = c->o.sweep_ms;
			continue;
		}
		/* Caught up: sleep until a live event or the sweep, which
		 * backs off while nothing comes (an idle daemon leaves Redis
		 * alone). */
		if (wait_event(c, sweep, &ev, &err) != 0) {
			sweep = sweep * 2 > sweep_max ? sweep_max : sweep * 2;
		} else {
			int r;

			sweep = c->o.sweep_ms;
			keel_env_release(&ev);
			/* One read serves every event queued meanwhile. */
			while ((r = keel_sub_recv(c->wake, 0, &ev, &err)) ==
			           0 ||
			       r == -EINVAL)
				keel_env_release(&ev);
		}
	}
	return NULL;
}

int
keel_consumer_new(const struct keel_consumer_opts *o,
                  struct keel_consumer **ret, struct keel_error *err)
{
	struct keel_consumer *c = calloc(1, sizeof(*c));
	int r;

	if (!c) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return -ENOMEM;
	}
	c->o = *o;
	c->sub = o->sub;
	snprintf(c->stream, sizeof(c->stream), "keel:{%s}:events",
	         o->sub->source);
	snprintf(c->group, sizeof(c->group), "%s", o->service);
	snprintf(c->consumer, sizeof(c->consumer), "%s", o->instance);
	r = keel_store_new(&o->store, &c->store);
	if (r < 0 || (o->library &&
	              (r = keel_store_library(c->store, o->library)) < 0))
		goto fail;
	r = keel_sub_new(o->pub_addrs, o->npub, o->max_msg, 8192, &c->wake,
	                 err);
	if (r < 0)
		goto fail_quiet;
	for (const struct keel_route *rt = o->sub->routes; rt->prefix; rt++)
		keel_sub_subscribe(c->wake, rt->prefix);
	if ((r = keel_store_start(c->store)) < 0 ||
	    (r = -pthread_create(&c->thread, NULL, consumer_thread, c)) < 0)
		goto fail;
	*ret = c;
	return 0;
fail:
	keel_error_set(err, KEEL_E_INTERNAL, NULL,
	               "cannot start the consumer of %s: %s", o->sub->source,
	               strerror(-r));
fail_quiet:
	c->wake = keel_sub_free(c->wake);
	c->store = keel_store_free(c->store);
	free(c);
	return r;
}

struct keel_consumer *
keel_consumer_free(struct keel_consumer *c)
{
	if (!c)
		return NULL;
	atomic_store(&c->stop, true);
	pthread_join(c->thread, NULL);
	keel_sub_free(c->wake);
	keel_store_free(c->store);
	free(c);
	return NULL;
}

const char *
keel_consumer_source(const struct keel_consumer *c)
{
	return c->sub->source;
}

struct replay {
	struct keel_pub *pub;
	int r; /* 1 applied, 0 done before, < 0 failed */
	char why[300];
};

static void
replayed(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct replay *rp = arg;

	if (!r || keel_reply_type(r) == KEEL_R_ERROR) {
		rp->r = -EIO;
		snprintf(rp->why, sizeof(rp->why), "%.250s",
		         r ? keel_reply_str(r, NULL) : err->message);
		return;
	}
	rp->r = keel_reply_type(r) == KEEL_R_ARRAY;
	if (rp->r && rp->pub)
		keel_events_publish_pairs(rp->pub, r, 1);
}

int
keel_consumer_replay(struct keel_consumer *c, const void *env, size_t len,
                     const char *seq, bool *ret_applied,
                     struct keel_error *err)
{
	const struct keel_route *route;
	struct keel_effect *eff;
	struct keel_env ev;
	struct keel_enc *head = NULL;
	struct effect_call *f = NULL;
	struct replay rp = {.pub = c->o.pub, .r = -EIO};
	enum keel_event_verdict v;
	int r = -ENOMEM;

	*ret_applied = false;
	if (keel_env_decode(env, len, c->o.max_msg, &ev, err) < 0)
		return -EINVAL;
	snprintf(ev.seq, sizeof(ev.seq), "%s", seq);
	route = route_of(c->sub, ev.type);
	eff = calloc(1, sizeof(*eff));
	if (!route || !eff) {
		if (!route)
			keel_error_set(err, KEEL_E_INVALID_FIELD, "body.id",
			               "no handler of %s here any more", ev.type);
		r = route ? -ENOMEM : -ENOENT;
		goto out;
	}
	eff->instance = c->o.instance;
	v = route->fn(&ev, eff);
	if (v == KEEL_EVENT_DONE && eff->overflow) {
		v = KEEL_EVENT_POISON;
		snprintf(eff->why, sizeof(eff->why), "its effect is too large");
	}
	if (v != KEEL_EVENT_DONE) {
		keel_error_set(err,
		               v == KEEL_EVENT_RETRY ? KEEL_E_UNAVAILABLE
		                                     : KEEL_E_INVALID_FIELD,
		               "body.id", "%s is refused again: %s", ev.type,
		               v == KEEL_EVENT_RETRY ? "not now, try later"
		                                     : eff->why);
		r = v == KEEL_EVENT_RETRY ? -EAGAIN : -EINVAL;
		goto out;
	}
	r = 0;
	if (!eff->fn)
		goto out; /* nothing to store: it is done */
	head = keel_enc_new();
	f = malloc(sizeof(*f));
	if (!head || !f) {
		r = -ENOMEM;
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		goto out;
	}
	effect_call(c, seq, eff, head, f);
	if (keel_store_fcall_sync(c->store, eff->fn, 1 + eff->nkeys, f->n,
	                          f->argv, f->lens, replayed, &rp) < 0 ||
	    rp.r < 0) {
		keel_error_set(err, KEEL_E_UNAVAILABLE, NULL,
		               "%s not stored: %s", ev.type, rp.why);
		r = -EIO;
		goto out;
	}
	*ret_applied = rp.r == 1;
out:
	keel_env_release(&ev);
	keel_enc_free(head);
	free(f);
	free(eff);
	return r;
}

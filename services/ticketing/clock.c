/*
 * keel-ticketing clock: SLA due times and the timers that fire on them.
 * Runs on every instance's main loop (ticketing_tick, every 100 ms):
 *
 *  1. the planner takes tickets a change marked in sla-dirty, reads each
 *     one with its customer's calendar, computes the due times and the
 *     escalation thresholds in C (ticketing_sla_plan), and stores them with
 *     the timers in one function call that applies only when the ticket's
 *     version is still the one it read (another change re-marks it and it
 *     is planned again); ticket.create plans in C before its write, so a
 *     new ticket needs none of this;
 *  2. the firing function takes the timers that are due from the timers
 *     sorted set and applies each inside the same call that removes it:
 *     an escalation or a breach fires once, on whichever instance runs
 *     first, and, being in Redis, survives any restart.
 */
#include "ticketing.h"

#include "codec.h"
#include "daemon.h"
#include "events.h"
#include "log.h"
#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Waits for the reads of one tick's plans, all sent in one pipeline. */
struct barrier {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int pending;
};

struct plan {
	struct barrier *bar;
	char id[40];
	char version[24];
	struct ticketing_plan p;
	bool ok;
};

static long long
rnum(const struct keel_reply *r, size_t i)
{
	return strtoll(keel_reply_str_at(r, i, NULL), NULL, 10);
}

/* Computes the plan of one ticket from ticketing_sla_inputs' reply. */
static void
plan_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct plan *p = arg;
	struct ticketing_sla sla;
	struct keel_calendar business = {0};
	int64_t days[400], pauses[2 * 64];
	struct ticketing_plan_in in = {.sla = &sla, .business = &business};
	const struct keel_reply *pl;
	const char *hours, *hols, *policy;
	size_t hl, ol, plen;
	int status;

	(void)err;
	p->ok = false;
	if (!r || keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) < 14)
		return;
	status = ticketing_status_parse(keel_reply_str_at(r, 0, NULL));
	in.priority = ticketing_priority_parse(keel_reply_str_at(r, 1, NULL));
	if (status < 0 || in.priority < 0)
		return;
	in.closed = status == TS_CLOSED;
	in.received = rnum(r, 3);
	in.responded = rnum(r, 4);
	in.paused_since = rnum(r, 5);
	in.escalation = (int)rnum(r, 6);
	snprintf(p->version, sizeof(p->version), "%s",
	         keel_reply_str_at(r, 7, NULL));
	in.response_breached = rnum(r, 8) == 1;
	in.resolution_breached = rnum(r, 9) == 1;
	pl = keel_reply_at(r, 10);
	for (size_t i = 0; i < keel_reply_len(pl) && in.npauses < 64; i++) {
		long long a = 0, b = 0;

		if (sscanf(keel_reply_str_at(pl, i, NULL), "%lld-%lld", &a,
		           &b) == 2) {
			pauses[2 * in.npauses] = a;
			pauses[2 * in.npauses + 1] = b;
			in.npauses++;
		}
	}
	in.pauses = pauses;
	hours = keel_reply_str_at(r, 12, &hl);
	hols = keel_reply_str_at(r, 13, &ol);
	policy = keel_reply_str_at(r, 14, &plen);
	ticketing_sla_load(policy, plen, &sla);
	if (keel_tz_get(keel_reply_str_at(r, 11, NULL), &business.tz) < 0 &&
	    keel_tz_get("UTC", &business.tz) < 0)
		return;
	keel_cal_read(hours, hl, hols, ol, 9 * 60, 17 * 60, &business, days,
	              400);
	in.response_due_met = keel_reply_len(r) > 15 ? rnum(r, 15) : 0;
	in.now = keel_time_now_ms();
	ticketing_sla_plan(&in, &p->p);
	p->ok = true;
}

void
ticketing_plan_encode(struct keel_enc *e, const char *id, const char *version,
                      const struct ticketing_plan *p)
{
	keel_enc_map(e, 5 + (id != NULL) + (version != NULL));
	if (id)
		keel_enc_kv_str(e, "id", id);
	if (version)
		keel_enc_kv_str(e, "version", version);
	keel_enc_kv_int(e, "response_due", p->response_due);
	keel_enc_kv_int(e, "resolution_due", p->resolution_due);
	keel_enc_kv_int(e, "score", p->score);
	keel_enc_kv_str(e, "esc_on", p->esc_on);
	keel_enc_str(e, "timers");
	keel_enc_array(e, (uint32_t)p->ntimers);
	for (int t = 0; t < p->ntimers; t++) {
		keel_enc_array(e, 2);
		keel_enc_str(e, p->kinds[t]);
		keel_enc_int(e, p->at[t]);
	}
}

static void
plan_read(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct plan *p = arg;
	struct barrier *bar = p->bar;

	plan_done(p, r, err);
	pthread_mutex_lock(&bar->lock);
	if (--bar->pending == 0)
		pthread_cond_signal(&bar->cond);
	pthread_mutex_unlock(&bar->lock);
}

static void
ids_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct plan *plans = arg;

	(void)err;
	for (size_t i = 0; r && i < keel_reply_len(r) && i < 32; i++)
		snprintf(plans[i].id, sizeof(plans[i].id), "%s",
		         keel_reply_str_at(r, i, NULL));
}

struct fire {
	struct keel_daemon *d;
	long long next_ms;
};

/* The firing function's reply: {next timer (ms, 0: none), id1, env1,
 * ...}. */
static void
fired(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct fire *f = arg;

	if (!r || keel_reply_type(r) != KEEL_R_ARRAY) {
		keel_log(KEEL_LOG_WARNING, "timers not fired", "error",
		         r ? keel_reply_str(r, NULL) : err->message, NULL);
		return;
	}
	f->next_ms = keel_reply_int(keel_reply_at(r, 0));
	keel_events_publish_pairs(keel_daemon_pub(f->d), r, 1);
}

static void
ignore(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	(void)arg;
	(void)r;
	(void)err;
}

/* Plans up to 32 dirty tickets; returns how many it took. */
static int
plan_some(struct keel_store *s)
{
	static struct plan plans[32];
	struct barrier bar = {.pending = 0};
	struct keel_enc *e;
	int n = 0;

	memset(plans, 0, sizeof(plans));
	keel_store_sync(
	    s, 4,
	    (const char *[]){"ZRANGE", "keel:{ticketing}:sla-dirty", "0", "31"},
	    NULL, ids_done, plans);
	while (n < 32 && plans[n].id[0])
		n++;
	if (n == 0 || !(e = keel_enc_new()))
		return 0;
	/* Every ticket's inputs in one pipeline, then every plan applied in
	 * the next: two round trips a tick, however many tickets. */
	pthread_mutex_init(&bar.lock, NULL);
	pthread_cond_init(&bar.cond, NULL);
	bar.pending = n;
	for (int i = 0; i < n; i++) {
		plans[i].bar = &bar;
		char key[80];
		const void *arg;
		size_t alen;

		snprintf(key, sizeof(key), "keel:{ticketing}:ticket:%s",
		         plans[i].id);
		keel_enc_reset(e);
		keel_enc_map(e, 1);
		keel_enc_kv_str(e, "id", plans[i].id);
		arg = keel_enc_data(e, &alen);
		if (keel_store_fcall(s, "ticketing_sla_inputs", 1, 2,
		                     (const char *[]){key, arg},
		                     (const size_t[]){strlen(key), alen},
		                     plan_read, &plans[i]) < 0) {
			pthread_mutex_lock(&bar.lock);
			bar.pending--;
			pthread_mutex_unlock(&bar.lock);
		}
	}
	keel_enc_free(e);
	pthread_mutex_lock(&bar.lock);
	while (bar.pending > 0)
		pthread_cond_wait(&bar.cond, &bar.lock);
	pthread_mutex_unlock(&bar.lock);
	pthread_mutex_destroy(&bar.lock);
	pthread_cond_destroy(&bar.cond);
	for (int i = 0; i < n; i++) {
		struct plan *p = &plans[i];
		struct keel_enc *a_enc = keel_enc_new();
		char key[80];
		const void *a;
		size_t alen;

		if (!p->ok || !a_enc) {
			keel_enc_free(a_enc);
			continue;
		}
		ticketing_plan_encode(a_enc, p->id, p->version, &p->p);
		a = keel_enc_data(a_enc, &alen);
		snprintf(key, sizeof(key), "keel:{ticketing}:ticket:%s", p->id);
		keel_store_fcall(s, "ticketing_sla_apply", 1, 2,
		                 (const char *[]){key, a},
		                 (const size_t[]){strlen(key), alen}, ignore,
		                 NULL);
		keel_enc_free(a_enc);
	}
	return n;
}

int64_t
ticketing_tick(struct keel_daemon *d)
{
	struct keel_store *s = keel_daemon_store(d);
	struct keel_enc *h = keel_enc_new(), *e = keel_enc_new();
	struct fire f = {.d = d, .next_ms = -1};
	const void *p;
	size_t len;
	int64_t now = keel_time_now_ms(), next = -1;
	int planned = 0;

	if (keel_store_up(s) && h && e) {
		planned = plan_some(s);
		keel_events_head(h, keel_daemon_instance(d));
		p = keel_enc_data(h, &len);
		keel_enc_map(e, 3);
		keel_enc_kv_int(e, "now", now);
		keel_enc_str(e, "head");
		keel_enc_strn(e, p, len);
		keel_enc_kv_int(e, "max", 200);
		p = keel_enc_data(e, &len);
		keel_store_fcall_sync(
		    s, "ticketing_sla_fire", 1, 2,
		    (const char *[]){"keel:{ticketing}:timers", p},
		    (const size_t[]){23, len}, fired, &f);
	}
	keel_enc_free(h);
	keel_enc_free(e);
	/* More to plan or a failed round: again soon.  Else at the next
	 * timer, or only when woken. */
	if (planned == 32 || f.next_ms < 0)
		return 0;
	if (f.next_ms > 0)
		next = f.next_ms > now ? f.next_ms - now : 0;
	return next;
}

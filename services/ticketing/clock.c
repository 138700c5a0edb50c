/*
 * keel-ticketing clock: SLA due times and the timers that fire on them.
 * Runs on every instance's main loop (ticketing_tick, every 100 ms):
 *
 *  1. the planner takes tickets a change marked in sla-dirty, reads each
 *     one with its customer's calendar, computes the due times and the
 *     escalation thresholds in C (sla.c), and stores them with the timers
 *     in one script that applies only when the ticket's version is still
 *     the one it read (another change re-marks it and it is planned again);
 *  2. the firing script takes the timers that are due from the timers
 *     sorted set and applies each inside the same script that removes it:
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

/* Zones by name, loaded once (only the store thread, in plan_done, uses
 * them). */
static struct keel_tz *
zone(const char *name)
{
	static struct {
		char name[65];
		struct keel_tz *tz;
	} cache[64];
	static size_t n;
	struct keel_tz *tz = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(cache[i].name, name) == 0)
			return cache[i].tz;
	if (keel_tz_load(name, &tz) < 0 && keel_tz_load("UTC", &tz) < 0)
		return NULL;
	if (n < 64) {
		snprintf(cache[n].name, sizeof(cache[n].name), "%s", name);
		cache[n++].tz = tz;
	}
	return tz;
}

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
	int64_t response_due, resolution_due, score;
	const char *esc_on;
	int ntimers;
	char names[8][64];
	int64_t at[8];
	bool ok;
};

static long long
rnum(const struct keel_reply *r, size_t i)
{
	return strtoll(keel_reply_str_at(r, i, NULL), NULL, 10);
}

static void
add_timer(struct plan *p, const char *kind, int64_t at)
{
	char *name = p->names[p->ntimers];
	size_t idlen = strlen(p->id);

	if (p->ntimers >= 8 || idlen + strlen(kind) + 2 > sizeof(p->names[0]))
		return;
	memcpy(name, p->id, idlen);
	name[idlen] = '|';
	memcpy(name + idlen + 1, kind, strlen(kind) + 1);
	p->at[p->ntimers++] = at;
}

/* Computes the plan of one ticket from the inputs script's reply. */
static void
plan_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct plan *p = arg;
	struct ticketing_sla sla;
	struct keel_calendar business, always = {0};
	int64_t days[400], now = keel_time_now_ms();
	const char *hours, *hols;
	size_t hl, ol;
	int prio, status;
	int64_t received, responded, paused_since;
	int escalation;
	bool paused, resp_breached, res_breached;
	const struct keel_reply *pauses;
	const struct sla_target *esc_target = NULL;
	int64_t esc_paused = 0;

	(void)err;
	p->ok = false;
	if (!r || keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) < 14)
		return;
	status = ticketing_status_parse(keel_reply_str_at(r, 0, NULL));
	prio = ticketing_priority_parse(keel_reply_str_at(r, 1, NULL));
	if (status < 0 || prio < 0)
		return;
	received = rnum(r, 3);
	responded = rnum(r, 4);
	paused_since = rnum(r, 5);
	escalation = (int)rnum(r, 6);
	snprintf(p->version, sizeof(p->version), "%s",
	         keel_reply_str_at(r, 7, NULL));
	resp_breached = rnum(r, 8) == 1;
	res_breached = rnum(r, 9) == 1;
	pauses = keel_reply_at(r, 10);
	hours = keel_reply_str_at(r, 12, &hl);
	hols = keel_reply_str_at(r, 13, &ol);
	{
		size_t plen;
		const char *policy = keel_reply_str_at(r, 14, &plen);

		ticketing_sla_load(policy, plen, &sla);
	}
	business.tz = zone(keel_reply_str_at(r, 11, NULL));
	keel_cal_read(hours, hl, hols, ol, 9 * 60, 17 * 60, &business, days,
	              400);
	always.tz = zone("UTC");
	for (int d = 0; d < 7; d++)
		always.close_min[d] = 1440;
	if (!business.tz || !always.tz)
		return;
	paused = paused_since > 0;

	/* Each target counts its own coverage of the pauses. */
	for (int k = 0; k < 2; k++) {
		const struct sla_target *t =
		    k == 0 ? &sla.response[prio] : &sla.resolution[prio];
		int64_t pm = 0, due = 0;

		for (size_t i = 0; i < keel_reply_len(pauses); i++) {
			long long a = 0, b = 0;
			const char *s = keel_reply_str_at(pauses, i, NULL);

			if (sscanf(s, "%lld-%lld", &a, &b) == 2)
				pm += ticketing_sla_paused(t, &business,
				                           &always, a, b);
		}
		if (paused)
			pm += ticketing_sla_paused(t, &business, &always,
			                           paused_since, now);
		if (ticketing_sla_due(t, &business, &always, received, pm,
		                      &due) < 0)
			due = 0;
		if (k == 0)
			p->response_due = due;
		else
			p->resolution_due = due;
		if (k == 1 && due > 0) {
			esc_target = t;
			esc_paused = pm;
			p->esc_on = "resolution";
		} else if (k == 0 && due > 0 && responded == 0) {
			esc_target = t;
			esc_paused = pm;
			p->esc_on = "response";
		}
	}
	{
		int64_t next = responded == 0 && p->response_due > 0
		                   ? p->response_due
		                   : p->resolution_due;

		p->score = (int64_t)prio * 10000000000000LL +
		           (next > 0 ? next : 9999999999999LL);
	}
	if (!paused && status != TS_CLOSED) {
		if (responded == 0 && p->response_due > 0 && !resp_breached)
			add_timer(p, "response", p->response_due);
		if (p->resolution_due > 0 && !res_breached)
			add_timer(p, "resolution", p->resolution_due);
		for (int i = escalation; esc_target && i < sla.nescalations;
		     i++) {
			char kind[16];
			int64_t at;

			if (ticketing_sla_threshold(
			        esc_target, &business, &always, received,
			        esc_paused, sla.escalate_bp[i], &at) < 0)
				continue;
			snprintf(kind, sizeof(kind), "esc%d", i + 1);
			add_timer(p, kind, at);
		}
	}
	p->ok = true;
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

static void
fired(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct keel_daemon *d = arg;

	if (!r || keel_reply_type(r) != KEEL_R_ARRAY) {
		keel_log(KEEL_LOG_WARNING, "timers not fired", "error",
		         r ? keel_reply_str(r, NULL) : err->message, NULL);
		return;
	}
	keel_events_publish_pairs(keel_daemon_pub(d), r, 1);
}

static void
ignore(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	(void)arg;
	(void)r;
	(void)err;
}

static void
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
		return;
	/* Every ticket's inputs in one pipeline, then every plan applied in
	 * the next: two round trips a tick, however many tickets. */
	pthread_mutex_init(&bar.lock, NULL);
	pthread_cond_init(&bar.cond, NULL);
	bar.pending = n;
	for (int i = 0; i < n; i++) {
		plans[i].bar = &bar;
		plans[i].esc_on = "";
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
		keel_enc_map(a_enc, 7);
		keel_enc_kv_str(a_enc, "id", p->id);
		keel_enc_kv_str(a_enc, "version", p->version);
		keel_enc_kv_int(a_enc, "response_due", p->response_due);
		keel_enc_kv_int(a_enc, "resolution_due", p->resolution_due);
		keel_enc_kv_int(a_enc, "score", p->score);
		keel_enc_kv_str(a_enc, "esc_on", p->esc_on);
		keel_enc_str(a_enc, "timers");
		keel_enc_array(a_enc, (uint32_t)p->ntimers);
		for (int t = 0; t < p->ntimers; t++) {
			keel_enc_array(a_enc, 2);
			keel_enc_str(a_enc, p->names[t]);
			keel_enc_int(a_enc, p->at[t]);
		}
		a = keel_enc_data(a_enc, &alen);
		snprintf(key, sizeof(key), "keel:{ticketing}:ticket:%s", p->id);
		keel_store_fcall(s, "ticketing_sla_apply", 1, 2,
		                 (const char *[]){key, a},
		                 (const size_t[]){strlen(key), alen}, ignore,
		                 NULL);
		keel_enc_free(a_enc);
	}
}

void
ticketing_tick(struct keel_daemon *d)
{
	struct keel_store *s = keel_daemon_store(d);
	struct keel_enc *h = keel_enc_new(), *e = keel_enc_new();
	const void *p;
	size_t len;

	if (!keel_store_up(s) || !h || !e) {
		keel_enc_free(h);
		keel_enc_free(e);
		return;
	}
	plan_some(s);
	keel_events_head(h, keel_daemon_instance(d));
	p = keel_enc_data(h, &len);
	keel_enc_map(e, 3);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	keel_enc_str(e, "head");
	keel_enc_strn(e, p, len);
	keel_enc_kv_int(e, "max", 200);
	p = keel_enc_data(e, &len);
	keel_store_fcall(s, "ticketing_sla_fire", 1, 2,
	                 (const char *[]){"keel:{ticketing}:timers", p},
	                 (const size_t[]){23, len}, fired, d);
	keel_enc_free(h);
	keel_enc_free(e);
}

/*
 * keel-notify's sending, on the daemon's tick (woken by every event it
 * applies, and when the next delivery or acknowledgement falls due; a
 * quiet notify leaves Redis alone): claim due deliveries
 * (notify_claim: a lease, so that no two instances send one at once),
 * render and send each, record the outcome at once (notify_done: the
 * window in which a crash can repeat a delivery is that one round trip),
 * then chase acknowledgements (notify_ack_fire).
 */
#include "notify.h"

#include "codec.h"
#include "config.h"
#include "daemon.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "log.h"
#include "store.h"

#include <openssl/rand.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct packed {
	char *p;
	size_t len;
};

static void
keep_str(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct packed *o = arg;
	const char *p;
	size_t len = 0;

	(void)err;
	if (!r || keel_reply_type(r) != KEEL_R_STR ||
	    !(p = keel_reply_str(r, &len)))
		return;
	if ((o->p = malloc(len + 1))) {
		memcpy(o->p, p, len);
		o->p[len] = '\0';
		o->len = len;
	}
}

/* Equal jitter: half the exponential step, plus up to the other half. */
static int64_t
backoff(const struct keel_config *cfg, int64_t attempts)
{
	int64_t base = keel_config_int(cfg, "notify.retry_base_ms");
	int64_t max = keel_config_int(cfg, "notify.retry_max_ms");
	int64_t step = base;

	for (int64_t i = 1; i < attempts && step < max; i++)
		step *= 2;
	if (step > max)
		step = max;
	return step / 2 + (int64_t)((double)random() / RAND_MAX * (step / 2));
}

/* Sends one claimed delivery {job, event, secret}; records it. */
static void
deliver(struct keel_daemon *d, const struct keel_obj *c)
{
	const struct keel_config *cfg = keel_daemon_config(d);
	const struct keel_obj *j = keel_obj_get(c, "job");
	struct keel_mp_doc *evdoc = NULL, *bdoc = NULL;
	const struct keel_obj *body = NULL;
	struct notify_message m;
	struct keel_enc *e = keel_enc_new();
	char id[300] = "", ev[100] = "", type[70] = "", rule[70] = "",
	     channel[16] = "", to[600] = "", token[40] = "", secret[210] = "",
	     err[600] = "";
	const char *p, *bp;
	size_t len, blen;
	int64_t attempts = 0;
	bool permanent = false;
	int rc = -1;

	keel_obj_strcpy(keel_obj_get(j, "id"), id, sizeof(id));
	keel_obj_strcpy(keel_obj_get(j, "event"), ev, sizeof(ev));
	keel_obj_strcpy(keel_obj_get(j, "type"), type, sizeof(type));
	keel_obj_strcpy(keel_obj_get(j, "rule"), rule, sizeof(rule));
	keel_obj_strcpy(keel_obj_get(j, "channel"), channel, sizeof(channel));
	keel_obj_strcpy(keel_obj_get(j, "to"), to, sizeof(to));
	keel_obj_strcpy(keel_obj_get(j, "token"), token, sizeof(token));
	keel_obj_strcpy(keel_obj_get(c, "secret"), secret, sizeof(secret));
	keel_obj_int(keel_obj_get(j, "attempts"), &attempts);
	if (keel_obj_str(keel_obj_get(c, "event"), &p, &len) && len &&
	    keel_mp_decode(p, len, &evdoc) == 0 &&
	    keel_obj_str(keel_obj_get(keel_mp_doc_root(evdoc), "body"), &bp,
	                 &blen) &&
	    keel_mp_decode(bp, blen, &bdoc) == 0)
		body = keel_mp_doc_root(bdoc);
	if (!body) {
		snprintf(err, sizeof(err), "the event %s is no longer kept", ev);
		permanent = true;
	} else if (notify_render(id, ev, type, body, rule, token,
	                         keel_config_str(cfg, "notify.ack_url"),
	                         &m) < 0) {
		snprintf(err, sizeof(err), "out of memory rendering");
	} else {
		if (strcmp(channel, "email") == 0)
			rc = notify_send_email(cfg, to, id, &m, err,
			                       sizeof(err), &permanent);
		else if (strcmp(channel, "webhook") == 0)
			rc = notify_send_webhook(cfg, to, id, secret, &m, err,
			                         sizeof(err), &permanent);
		else {
			keel_log(KEEL_LOG_NOTICE, m.subject, "delivery", id,
			         "to", to, NULL);
			rc = 0;
		}
		notify_message_free(&m);
	}
	keel_mp_doc_free(bdoc);
	keel_mp_doc_free(evdoc);
	if (rc < 0)
		keel_log(KEEL_LOG_WARNING, "delivery failed", "delivery", id,
		         "error", err, NULL);
	if (!e)
		return; /* the lease runs out: it is claimed again */
	keel_enc_map(e, 8);
	keel_enc_kv_str(e, "id", id);
	keel_enc_kv_bool(e, "ok", rc == 0);
	keel_enc_kv_str(e, "error", err);
	keel_enc_kv_bool(e, "permanent", permanent);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	keel_enc_kv_int(e, "retry_ms", backoff(cfg, attempts));
	keel_enc_kv_int(e, "max_attempts",
	                keel_config_int(cfg, "notify.max_attempts"));
	keel_daemon_kv_head(d, e);
	keel_daemon_fire(d, "notify_done", e, 1);
	keel_enc_free(e);
}

/* The salt of acknowledgement tokens: random, set once for all
 * instances. */
static void
salt(struct keel_daemon *d)
{
	static bool done;
	unsigned char r[24];
	char hex[49];

	if (done || RAND_bytes(r, sizeof(r)) != 1)
		return;
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	keel_store_sync(keel_daemon_store(d), 4,
	                (const char *[]){"SET", "keel:{notify}:salt", hex, "NX"},
	                NULL, keep_str, &(struct packed){0});
	done = true;
}

int64_t
notify_tick(struct keel_daemon *d)
{
	const struct keel_config *cfg = keel_daemon_config(d);
	int64_t batch = keel_config_int(cfg, "notify.batch");
	struct packed claimed = {0};
	struct keel_mp_doc *doc = NULL;
	struct keel_enc *e;
	const void *p;
	size_t len, n = 0;
	long long next;
	int64_t due = -1, now;
	bool read = false;

	if (!keel_store_up(keel_daemon_store(d)) || !(e = keel_enc_new()))
		return 1000;
	salt(d);
	keel_enc_map(e, 4);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	keel_enc_kv_int(e, "lease_ms", keel_config_int(cfg, "notify.lease_ms"));
	keel_enc_kv_int(e, "max", batch);
	keel_enc_kv_int(e, "rate_per_min",
	                keel_config_int(cfg, "notify.rate_per_min"));
	p = keel_enc_data(e, &len);
	keel_store_fcall_sync(keel_daemon_store(d), "notify_claim", 0, 1,
	                      (const char *[]){p}, (const size_t[]){len},
	                      keep_str, &claimed);
	if (claimed.p && keel_mp_decode(claimed.p, claimed.len, &doc) == 0) {
		const struct keel_obj *list =
		    keel_obj_get(keel_mp_doc_root(doc), "jobs");

		read = true;
		keel_obj_int(keel_obj_get(keel_mp_doc_root(doc), "next"),
		             &due);
		n = keel_obj_len(list);
		for (size_t i = 0; i < n; i++)
			deliver(d, keel_obj_at(list, i));
	}
	keel_mp_doc_free(doc);
	free(claimed.p);
	keel_enc_reset(e);
	keel_enc_map(e, 2);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	keel_daemon_kv_head(d, e);
	next = keel_daemon_fire(d, "notify_ack_fire", e, 1);
	keel_enc_free(e);
	if ((int64_t)n >= batch)
		return 0; /* more waiting: at once */
	/* The sooner of the next delivery (a retry, a lease running out, a
	 * rate's next minute) and the next acknowledgement timer; nothing
	 * waiting: only when woken (daemon.tick_idle_ms still looks). */
	if (next > 0 && (due < 0 || next < due))
		due = next;
	if (!read) /* no reply, or one we cannot read: look again soon */
		return 1000;
	now = keel_time_now_ms();
	return due < 0 ? -1 : due > now ? due - now : 0;
}

/*
 * keel-bench: ticket.create through the client library against the
 * keel-ticketing instances of a configuration, at one concurrency, and
 * the fan-out of ticket.created: to a plain subscriber (the live feed),
 * and to a consumer group reading ticketing's stream (libkeel's consumer,
 * as any consuming daemon reads it).
 *
 *   keel-bench CONFIG CONCURRENCY REQUESTS [create|status|submit]
 *
 * status: ticket.status (new -> open) on as many tickets, created first
 * and not timed.  submit: request.submit to keel-intake; the fan-out then
 * measures end to end, to the ticket.created that keel-ticketing emits
 * for it through its consumer group.
 *
 * With auth.identities in CONFIG every request is signed as keelctl (the
 * operator), as a deployment beyond loopback signs them.
 *
 * Prints one JSON object.  With CONCURRENCY 0 it prints the size in bytes
 * of one ticket.create request envelope and exits (the raw program sends
 * requests of that size).
 */
#include "auth.h"
#include "bus.h"
#include "codec.h"
#include "config.h"
#include "consumer.h"
#include "envelope.h"
#include "error.h"
#include "ktime.h"
#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOTS (1 << 20)

enum mode { M_CREATE, M_STATUS, M_SUBMIT };

static struct keel_client *cli;
static enum mode mode;
static int64_t *sent_ns, *live_ns, *group_ns; /* by ticket number, or by
                                               * request number (submit) */
static atomic_bool stop;
static int run_id;
static bool fanout = true;

static int64_t
ticket_num(const char *id)
{
	if (strncmp(id, "T-", 2) == 0 || strncmp(id, "R-", 2) == 0)
		return strtoll(id + 2, NULL, 10);
	return -1;
}

/* The slot of a ticket.created: its ticket, or (submit) its request. */
static int64_t
event_num(const struct keel_obj *body)
{
	char id[40] = "";

	keel_obj_strcpy(keel_obj_get(body, mode == M_SUBMIT ? "request" : "id"),
	                id, sizeof(id));
	return ticket_num(id);
}

static void
encode_body(struct keel_enc *b)
{
	/* submit: no device, or every request would join the first one's
	 * open incident instead of opening a ticket */
	keel_enc_map(b, mode == M_SUBMIT ? 5 : 6);
	keel_enc_kv_str(b, "customer", "acme");
	keel_enc_kv_str(b, "contact", "Carla Customer");
	keel_enc_kv_str(b, "channel", "phone");
	keel_enc_kv_str(b, "priority", "normal");
	if (mode != M_SUBMIT) {
		keel_enc_str(b, "devices");
		keel_enc_array(b, 1);
		keel_enc_str(b, "mail-01");
	}
	keel_enc_kv_str(b, "symptoms",
	                "Outlook cannot connect to the mail server since the "
	                "update this morning; webmail works");
}

struct worker {
	int idx, requests, errors;
	int64_t *lat;
	char (*ids)[16]; /* status: the tickets it changes */
	bool prepare;    /* status: creating them, not timed */
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct keel_enc *b = keel_enc_new();
	const char *type = mode == M_SUBMIT   ? "request.submit"
	                   : mode == M_STATUS && !w->prepare ? "ticket.status"
	                                                     : "ticket.create";
	const void *p;
	size_t len;

	encode_body(b);
	p = keel_enc_data(b, &len);
	for (int i = 0; i < w->requests; i++) {
		struct keel_env rep;
		struct keel_error err;
		char key[64], id[40] = "";
		int64_t t0, n;

		snprintf(key, sizeof(key), "bench-%d-%d-%d-%d%s", getpid(),
		         run_id, w->idx, i, w->prepare ? "p" : "");
		if (strcmp(type, "ticket.status") == 0) {
			keel_enc_reset(b);
			keel_enc_map(b, 2);
			keel_enc_kv_str(b, "id", w->ids[i]);
			keel_enc_kv_str(b, "status", "open");
			p = keel_enc_data(b, &len);
		}
		t0 = keel_time_mono_ns();
		if (keel_client_call(cli, type, p, len, key, &rep, &err) < 0 ||
		    !rep.ok) {
			w->errors++;
			w->lat[i] = 0;
			keel_env_release(&rep);
			continue;
		}
		w->lat[i] = keel_time_mono_ns() - t0;
		keel_obj_strcpy(keel_obj_get(rep.body, "id"), id, sizeof(id));
		if (w->prepare)
			snprintf(w->ids[i], sizeof(w->ids[i]), "%.15s", id);
		else if (mode != M_STATUS && (n = ticket_num(id)) >= 0)
			sent_ns[n % SLOTS] = t0;
		keel_env_release(&rep);
	}
	keel_enc_free(b);
	return NULL;
}

static void *
listen_live(void *arg)
{
	struct keel_sub *sub = arg;

	while (!atomic_load(&stop)) {
		struct keel_env ev;
		struct keel_error err;
		int64_t n;

		if (keel_sub_recv(sub, 100, &ev, &err) != 0)
			continue;
		if ((n = event_num(ev.body)) >= 0 && !live_ns[n % SLOTS])
			live_ns[n % SLOTS] = keel_time_mono_ns();
		keel_env_release(&ev);
	}
	return NULL;
}

static enum keel_event_verdict
on_created(const struct keel_env *ev, struct keel_effect *eff)
{
	int64_t n;

	(void)eff; /* nothing to store: reading is the measure */
	if ((n = event_num(ev->body)) >= 0 && !group_ns[n % SLOTS])
		group_ns[n % SLOTS] = keel_time_mono_ns();
	return KEEL_EVENT_DONE;
}

static const struct keel_route routes[] = {
    {.prefix = "ticket.created", .fn = on_created},
    {.prefix = NULL},
};

static const struct keel_subscription subscription = {.source = "ticketing",
                                                      .routes = routes};

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const int64_t *v, int n, int per_mille)
{
	return n ? v[(int64_t)n * per_mille / 1000] / 1e3 : 0.0;
}

int
main(int argc, char **argv)
{
	struct keel_config *cfg;
	struct keel_error err;
	const char *rep[16], *pub[16];
	size_t nrep, npub;
	int conc, total, per, n = 0, nl = 0, ng = 0, errors = 0;
	struct worker w[256];
	pthread_t th[256], lt;
	struct keel_sub *sub = NULL;
	struct keel_consumer *group = NULL;
	int64_t *all, *fl, *fg, t0, elapsed;
	char inst[64];
	struct keel_auth *auth = NULL;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: keel-bench CONFIG CONCURRENCY REQUESTS "
		                "[create|status|submit]\n");
		return 2;
	}
	if (argc == 5)
		mode = strcmp(argv[4], "status") == 0   ? M_STATUS
		       : strcmp(argv[4], "submit") == 0 ? M_SUBMIT
		                                        : M_CREATE;
	conc = atoi(argv[2]);
	total = atoi(argv[3]);
	if (conc == 0) {
		struct keel_enc *b = keel_enc_new(), *e = keel_enc_new();
		const void *p;
		size_t len;

		encode_body(b);
		p = keel_enc_data(b, &len);
		keel_env_encode(e, "ticket.create", "keel-bench", NULL,
		                "bench-00000-0-0-0", NULL, p, len, NULL);
		keel_enc_data(e, &len);
		printf("%zu\n", len);
		return 0;
	}
	if (conc < 1 || conc > 256 || total < conc)
		return 2;
	per = total / conc;
	/* KEEL_BENCH_FANOUT=0: no subscriber and no consumer group in this
	 * process, so that the clients alone share the machine with the
	 * server, as the raw program's do */
	fanout = !getenv("KEEL_BENCH_FANOUT") ||
	         strcmp(getenv("KEEL_BENCH_FANOUT"), "0") != 0;
	keel_log_init("keel-bench", KEEL_LOG_WARNING);
	run_id = (int)(keel_time_now_ms() % 100000);
	if (keel_config_load(argv[1], &cfg, &err) < 0) {
		fprintf(stderr, "keel-bench: %s\n", err.message);
		return 1;
	}
	if (keel_config_auth(cfg, "keelctl", &auth, &err) < 0) {
		fprintf(stderr, "keel-bench: %s\n", err.message);
		return 1;
	}
	nrep = keel_config_addrs(cfg, mode == M_SUBMIT ? "intake" : "ticketing",
	                         "rep", rep, 16);
	npub = keel_config_addrs(cfg, "ticketing", "pub", pub, 16);
	sent_ns = calloc(SLOTS, sizeof(int64_t));
	live_ns = calloc(SLOTS, sizeof(int64_t));
	group_ns = calloc(SLOTS, sizeof(int64_t));
	if (keel_client_new(&(struct keel_client_opts){.name = "keel-bench",
	                                               .service = mode == M_SUBMIT
	                                                              ? "intake"
	                                                              : "ticketing",
	                                               .addrs = rep,
	                                               .naddrs = nrep,
	                                               .timeout_ms = 10000,
	                                               .max_msg = 1 << 20,
	                                               .auth = auth},
	                    &cli, &err) < 0 ||
	    (fanout &&
	     keel_sub_new(pub, npub, 1 << 20, 65536, &sub, &err) < 0)) {
		fprintf(stderr, "keel-bench: %s\n", err.message);
		return 1;
	}
	if (fanout)
		keel_sub_subscribe(sub, "ticket.created");
	snprintf(inst, sizeof(inst), "bench-%d", getpid());
	if (fanout && keel_consumer_new(
	        &(struct keel_consumer_opts){
	            .service = "bench",
	            .instance = inst,
	            .sub = &subscription,
	            .pub_addrs = pub,
	            .npub = npub,
	            .store = {.socket = keel_config_str(cfg, "redis.socket"),
	                      .timeout_ms = 5000,
	                      .reconnect_max_ms = 1000,
	                      .batch_max = 512,
	                      .queue_max = 100000},
	            .claim_idle_ms = 60000,
	            .sweep_ms = 1000,
	            .batch = 256,
	            .done_ttl_ms = 600000,
	            .max_msg = 1 << 20},
	        &group, &err) < 0) {
		fprintf(stderr, "keel-bench: consumer: %s\n", err.message);
		return 1;
	}
	if (fanout) {
		pthread_create(&lt, NULL, listen_live, sub);
		/* Until the subscriber is connected to every instance. */
		for (int i = 0; i < 200 && keel_sub_peers(sub) < (int)npub;
		     i++)
			usleep(10000);
		usleep(200000);
	}
	for (int i = 0; i < conc; i++)
		w[i] = (struct worker){i, per, 0, calloc((size_t)per, 8),
		                       calloc((size_t)per, 16), mode == M_STATUS};
	if (mode == M_STATUS) {
		/* the tickets to change, not timed */
		for (int i = 0; i < conc; i++)
			pthread_create(&th[i], NULL, work, &w[i]);
		for (int i = 0; i < conc; i++) {
			pthread_join(th[i], NULL);
			w[i].prepare = false;
			w[i].errors = 0;
		}
	}
	t0 = keel_time_mono_ns();
	for (int i = 0; i < conc; i++)
		pthread_create(&th[i], NULL, work, &w[i]);
	for (int i = 0; i < conc; i++)
		pthread_join(th[i], NULL);
	elapsed = keel_time_mono_ns() - t0;
	if (fanout) {
		sleep(2); /* the last events reach both readers */
		atomic_store(&stop, true);
		pthread_join(lt, NULL);
		keel_consumer_free(group);
	}
	all = calloc((size_t)total, 8);
	fl = calloc(SLOTS, 8);
	fg = calloc(SLOTS, 8);
	for (int i = 0; i < conc; i++) {
		errors += w[i].errors;
		for (int k = 0; k < per; k++)
			if (w[i].lat[k] > 0)
				all[n++] = w[i].lat[k];
		free(w[i].lat);
		free(w[i].ids);
	}
	for (int s = 0; s < SLOTS; s++) {
		if (!sent_ns[s])
			continue;
		if (live_ns[s])
			fl[nl++] = live_ns[s] - sent_ns[s];
		if (group_ns[s])
			fg[ng++] = group_ns[s] - sent_ns[s];
	}
	qsort(all, (size_t)n, 8, cmp64);
	qsort(fl, (size_t)nl, 8, cmp64);
	qsort(fg, (size_t)ng, 8, cmp64);
	printf(
	    "{\"mode\": \"%s\", \"concurrency\": %d, \"requests\": %d, "
	    "\"instances\": %zu, "
	    "\"throughput\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f, "
	    "\"p999_us\": %.1f, \"errors\": %d, "
	    "\"fanout_live\": %d, \"fanout_live_p50_us\": %.1f, "
	    "\"fanout_live_p99_us\": %.1f, \"fanout_group\": %d, "
	    "\"fanout_group_p50_us\": %.1f, \"fanout_group_p99_us\": %.1f}\n",
	    mode == M_STATUS   ? "status"
	    : mode == M_SUBMIT ? "submit"
	                       : "create",
	    conc, n, nrep, n / (elapsed / 1e9), pct(all, n, 500),
	    pct(all, n, 990), pct(all, n, 999), errors, nl, pct(fl, nl, 500),
	    pct(fl, nl, 990), ng, pct(fg, ng, 500), pct(fg, ng, 990));
	if (fanout)
		keel_sub_free(sub);
	keel_client_free(cli);
	keel_auth_free(auth);
	keel_config_free(cfg);
	return 0;
}

/*
 * t_scale: two keel-ticketing instances serve the same tickets.  Clients
 * dial both; four threads each open tickets and move them (open, then 15
 * covered minutes), retrying a call that got no answer with the same
 * idempotency key, as any client should.  Halfway, one instance is
 * killed with SIGKILL.  Afterwards: both instances answered, every
 * acknowledged ticket exists exactly once, and every ticket carries each
 * of its transitions exactly once (version, status, minutes).
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "ktime.h"
#include "tap.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>

#define THREADS 4
#define PER_THREAD 300

static struct keel_client *cli;
static atomic_int done_ops, by_first, by_second, gave_up;
static char ids[THREADS][PER_THREAD][33];

/* Calls until an answer comes (same key each time); true when ok. */
static bool
call(const char *type, struct keel_enc *b, const char *key,
     struct keel_env *rep)
{
	struct keel_error err;
	size_t len;
	const void *p = keel_enc_data(b, &len);

	for (int attempt = 0; attempt < 50; attempt++) {
		if (keel_client_call(cli, type, p, len, key, rep, &err) == 0) {
			if (strstr(rep->src, "-0"))
				atomic_fetch_add(&by_first, 1);
			else
				atomic_fetch_add(&by_second, 1);
			if (rep->ok)
				return true;
			diag("%s refused: %s", type, rep->error.message);
			return false;
		}
		harness_sleep_ms(100);
	}
	atomic_fetch_add(&gave_up, 1);
	return false;
}

static void *
worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep;

	for (int i = 0; i < PER_THREAD; i++) {
		char key[64];

		keel_enc_reset(b);
		keel_enc_map(b, 4);
		keel_enc_kv_str(b, "customer", "acme");
		keel_enc_kv_str(b, "contact", "load");
		keel_enc_kv_str(b, "channel", "api");
		keel_enc_kv_str(b, "symptoms", "scale test");
		snprintf(key, sizeof(key), "scale-%d-%d-create", t, i);
		if (!call("ticket.create", b, key, &rep)) {
			keel_env_release(&rep);
			continue;
		}
		keel_obj_strcpy(keel_obj_get(rep.body, "id"), ids[t][i], 33);
		keel_env_release(&rep);

		keel_enc_reset(b);
		keel_enc_map(b, 2);
		keel_enc_kv_str(b, "id", ids[t][i]);
		keel_enc_kv_str(b, "status", "open");
		snprintf(key, sizeof(key), "scale-%d-%d-open", t, i);
		call("ticket.status", b, key, &rep);
		keel_env_release(&rep);

		keel_enc_reset(b);
		keel_enc_map(b, 3);
		keel_enc_kv_str(b, "id", ids[t][i]);
		keel_enc_kv_int(b, "minutes", 15);
		keel_enc_str(b, "covered");
		keel_enc_bool(b, true);
		snprintf(key, sizeof(key), "scale-%d-%d-time", t, i);
		call("ticket.log_time", b, key, &rep);
		keel_env_release(&rep);
		atomic_fetch_add(&done_ops, 1);
	}
	keel_enc_free(b);
	return NULL;
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	char conf[2048], r0[600], r1[600];
	const char *addrs[2] = {r0, r1};
	struct keel_client *in;
	struct keel_error err;
	pthread_t th[THREADS];
	pid_t pi, p0, p1;
	int acked = 0, exact = 0, first_half;
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "intake.rep = ipc://%s/i0.rep\nintake.pub = ipc://%s/i0.pub\n"
	         "intake.http =\n"
	         "ticketing.rep = ipc://%s/t0.rep, ipc://%s/t1.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub, ipc://%s/t1.pub\n"
	         "ticketing.http =\n"
	         "events.claim_idle_ms = 1000\n",
	         redis.sock, dir, dir, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	pi = harness_daemon("intake", 0);
	p0 = harness_daemon("ticketing", 0);
	p1 = harness_daemon("ticketing", 1);
	in = harness_client("intake", "i0.rep", 5000);
	if (!harness_customer_put(in, "acme", "Acme AG", "UTC") ||
	    harness_redis_wait(&redis, "keel:{ticketing}:applied:intake", 1,
	                       10000) != 1)
		bail_out("customer");
	snprintf(r0, sizeof(r0), "ipc://%s/t0.rep", dir);
	snprintf(r1, sizeof(r1), "ipc://%s/t1.rep", dir);
	if (keel_client_new(&(struct keel_client_opts){.name = "t_scale",
	                                               .service = "ticketing",
	                                               .addrs = addrs,
	                                               .naddrs = 2,
	                                               .timeout_ms = 2000,
	                                               .max_msg = 1 << 20},
	                    &cli, &err) < 0)
		bail_out("client");
	for (int i = 0; i < 2; i++) {
		char id[8];

		snprintf(id, sizeof(id), "tech%d", i);
		keel_enc_reset(b);
		keel_enc_map(b, 4);
		keel_enc_kv_str(b, "id", id);
		keel_enc_kv_str(b, "name", id);
		keel_enc_kv_str(b, "role", "technician");
		keel_enc_kv_int(b, "level", 1);
		if (!call("staff.put", b, NULL, &rep))
			bail_out("staff.put");
		keel_env_release(&rep);
	}

	/* Both clocks race for the same timers: a critical ticket received
	 * 59 min 57 s ago escalates twice and breaches once, no more. */
	{
		char esc[33] = "";
		int64_t lv = 0;

		keel_enc_reset(b);
		keel_enc_map(b, 6);
		keel_enc_kv_str(b, "customer", "acme");
		keel_enc_kv_str(b, "contact", "ops");
		keel_enc_kv_str(b, "channel", "phone");
		keel_enc_kv_str(b, "priority", "critical");
		keel_enc_kv_str(b, "symptoms", "all sites down");
		keel_enc_kv_int(b, "received_ms", keel_time_now_ms() - 3597000);
		if (call("ticket.create", b, "scale-escalation", &rep))
			keel_obj_strcpy(keel_obj_get(rep.body, "id"), esc,
			                sizeof(esc));
		keel_env_release(&rep);
		for (int i = 0; i < 400 && lv < 2; i++) {
			harness_sleep_ms(25);
			keel_enc_reset(b);
			keel_enc_map(b, 1);
			keel_enc_kv_str(b, "id", esc);
			if (call("ticket.get", b, NULL, &rep))
				keel_obj_int(
				    keel_obj_get(rep.body, "escalation"), &lv);
			keel_env_release(&rep);
		}
		harness_sleep_ms(500); /* a second firing would be in by now */
		is_int(lv, 2, "two instances' clocks: escalated to level 2");
		is_int(
		    harness_redis_int(
		        &redis, "EVAL %s 1 %s",
		        "local n = 0 for _, e in ipairs(redis.call('XRANGE', "
		        "KEYS[1], '-', '+')) do if e[2][2] == "
		        "'ticket.escalated' then n = n + 1 end end return n",
		        "keel:{ticketing}:events"),
		    2, "  each escalation fired once");
	}

	for (int t = 0; t < THREADS; t++)
		pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
	while (atomic_load(&done_ops) < THREADS * PER_THREAD / 2)
		harness_sleep_ms(10);
	first_half = atomic_load(&by_second);
	kill(p1, SIGKILL);
	harness_wait(p1, 10000);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);

	ok(first_half > 0 && atomic_load(&by_first) > 0,
	   "both instances served (instance 1: %d answers before it was "
	   "killed, instance 0: %d)",
	   first_half, atomic_load(&by_first));
	is_int(atomic_load(&gave_up), 0, "every call was answered in the end");
	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < PER_THREAD; i++) {
			bool unique = ids[t][i][0] != '\0';

			if (!unique)
				continue;
			acked++;
			for (int u = 0; u < THREADS && unique; u++)
				for (int k = 0; k < PER_THREAD; k++)
					if ((u != t || k != i) &&
					    strcmp(ids[u][k], ids[t][i]) == 0)
						unique = false;
			if (!unique)
				continue;
			keel_enc_reset(b);
			keel_enc_map(b, 1);
			keel_enc_kv_str(b, "id", ids[t][i]);
			if (call("ticket.get", b, NULL, &rep)) {
				int64_t v = 0, m = 0;
				char st[32] = "";

				keel_obj_int(keel_obj_get(rep.body, "version"),
				             &v);
				keel_obj_int(
				    keel_obj_get(rep.body, "covered_minutes"),
				    &m);
				keel_obj_strcpy(
				    keel_obj_get(rep.body, "status"), st,
				    sizeof(st));
				/* created, assigned, opened, time logged */
				if (v == 4 && m == 15 &&
				    strcmp(st, "open") == 0)
					exact++;
				else
					diag("%s: version %lld, %lld min, %s",
					     ids[t][i], (long long)v,
					     (long long)m, st);
			}
			keel_env_release(&rep);
		}
	is_int(acked, THREADS * PER_THREAD,
	       "every ticket.create was acknowledged");
	is_int(
	    harness_redis_int(&redis, "GET keel:{ticketing}:seq:ticket"),
	    acked + 1,
	    "  and exists exactly once (%d, and the escalated one, in Redis)",
	    acked);
	is_int(exact, acked,
	       "every ticket carries each transition exactly once");

	keel_enc_free(b);
	keel_client_free(cli);
	keel_client_free(in);
	kill(p0, SIGTERM);
	kill(pi, SIGTERM);
	ok(harness_stopped(p0), "the surviving instance stops cleanly");
	harness_wait(pi, 10000);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

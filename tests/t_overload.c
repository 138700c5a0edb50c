/*
 * t_overload: more requests than a daemon may hold are answered at once,
 * "unavailable: overloaded", instead of waiting to time out (issue 10).
 * keel-ticketing with bus.max_inflight 4, and a Redis paused (SIGSTOP) so
 * that requests pile up: of 16 sent at once, the ones past 4 are refused
 * within a second; once Redis resumes, every new request is served.
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
#include <sys/wait.h>

static struct keel_client *cli;
static atomic_int overloaded, other;
static atomic_llong slowest_refusal_ms;

static void *
ask(void *arg)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	int64_t t0 = keel_time_mono_ms();

	(void)arg;
	keel_enc_map(b, 1);
	keel_enc_kv_str(b, "id", "T-000001");
	harness_call(cli, "ticket.get", b, &rep);
	if (rep.error.code[0] &&
	    strcmp(rep.error.code, KEEL_E_UNAVAILABLE) == 0 &&
	    strstr(rep.error.message, "overloaded")) {
		long long ms = keel_time_mono_ms() - t0;

		atomic_fetch_add(&overloaded, 1);
		if (ms > atomic_load(&slowest_refusal_ms))
			atomic_store(&slowest_refusal_ms, ms);
	} else {
		atomic_fetch_add(&other, 1);
	}
	keel_env_release(&rep);
	keel_enc_free(b);
	return NULL;
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	pthread_t th[16];
	char conf[512];
	bool served = true;
	pid_t pt;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\nticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n"
	         "bus.max_inflight = 4\nbus.contexts = 64\n",
	         redis.sock, dir, dir);
	harness_write("keel.conf", conf);
	pt = harness_daemon("ticketing", 0);
	cli = harness_client("ticketing", "t0.rep", 3000);
	keel_enc_map(b, 0);
	for (int i = 0; i < 200 && !harness_call(cli, "sys.health", b, &rep);
	     i++)
		harness_sleep_ms(25);

	kill(redis.pid, SIGSTOP);
	for (int i = 0; i < 16; i++)
		pthread_create(&th[i], NULL, ask, NULL);
	for (int i = 0; i < 16; i++)
		pthread_join(th[i], NULL);
	kill(redis.pid, SIGCONT);
	diag("%d refused as overloaded (slowest after %lld ms), %d otherwise",
	     atomic_load(&overloaded), (long long)atomic_load(&slowest_refusal_ms),
	     atomic_load(&other));
	ok(atomic_load(&overloaded) >= 10,
	   "with Redis paused, requests past bus.max_inflight (4) are "
	   "refused as overloaded");
	ok(atomic_load(&slowest_refusal_ms) < 1000,
	   "  at once, not after the client's timeout");

	harness_sleep_ms(3500); /* the held requests finish or time out */
	for (int i = 0; i < 20; i++) {
		keel_enc_reset(b);
		keel_enc_map(b, 1);
		keel_enc_kv_str(b, "id", "T-000001");
		harness_call(cli, "ticket.get", b, &rep);
		served &= strcmp(rep.error.code, KEEL_E_NOT_FOUND) == 0;
	}
	ok(served, "Redis back: requests are served again (not_found: no "
	           "such ticket)");

	keel_env_release(&rep);
	keel_enc_free(b);
	keel_client_free(cli);
	kill(pt, SIGTERM);
	ok(harness_stopped(pt), "ticketing stops");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

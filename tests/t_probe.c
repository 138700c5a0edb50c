/*
 * t_probe: the liveness self-probe (daemon.probe_ms), keel-ticketing as a
 * real process.  A daemon that answers keeps running, even while its Redis
 * hangs (sys.echo needs no Redis).  A daemon that cannot answer (its two
 * contexts taken by requests stuck on a stopped Redis, as nng 1.5.2's
 * wedge leaves it: docs/reliability.md) says so and exits with status 3 for
 * its supervisor; started again, it serves.
 */
#include "bus.h"
#include "codec.h"
#include "harness.h"
#include "tap.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static void *
stuck_create(void *arg)
{
	struct keel_client *c = harness_client("ticketing", "t0.rep", 4000);
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};

	(void)arg;
	harness_body(b, "customer", 's', "acme", "contact", 's', "Ann",
	             "channel", 's', "phone", "symptoms", 's', "stuck", NULL);
	harness_call(c, "ticket.create", b, &rep);
	keel_env_release(&rep);
	keel_enc_free(b);
	keel_client_free(c);
	return NULL;
}

static void
conf(struct harness_redis *r, int contexts)
{
	char text[2048];
	const char *dir = harness_tmpdir();

	snprintf(text, sizeof(text),
	         "redis.socket = %s\n"
	         "ticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n"
	         "intake.rep = ipc://%s/i0.rep\nintake.pub = ipc://%s/i0.pub\n"
	         "bus.contexts = %d\nbus.max_inflight = 0\n"
	         "daemon.probe_ms = 200\ndaemon.probe_failures = 3\n"
	         "redis.timeout_ms = 10000\n",
	         r->sock, dir, dir, dir, dir, contexts);
	harness_write("keel.conf", text);
}

int
main(void)
{
	struct harness_redis redis = {0};
	struct keel_client *c;
	pthread_t th[2];
	pid_t pt;
	int status;
	char *log;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");

	/* Answering: it keeps running, Redis hanging or not. */
	conf(&redis, 2);
	pt = harness_daemon("ticketing", 0);
	c = harness_client("ticketing", "t0.rep", 5000);
	ok(harness_healthy(c), "keel-ticketing with a 200 ms self-probe");
	harness_sleep_ms(1500);
	kill(redis.pid, SIGSTOP);
	harness_sleep_ms(1500);
	kill(redis.pid, SIGCONT);
	ok(harness_wait(pt, 0) == -1,
	   "  still running after 3 s, 1.5 s of it with Redis stopped");
	ok(harness_healthy(c), "  and answering");

	/* Not answering: both contexts stuck on a stopped Redis. */
	kill(redis.pid, SIGSTOP);
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, stuck_create, NULL);
	status = harness_wait(pt, 5000);
	kill(redis.pid, SIGCONT);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 3,
	   "a daemon that cannot answer exits with status 3 (got %d)",
	   status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : -2);
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/ticketing0.log",
		         harness_tmpdir());
		log = harness_slurp(path);
	}
	ok(log && strstr(log, "did not answer its own sys.echo") &&
	       strstr(log, "exiting for the supervisor to restart it"),
	   "  saying why, in its log");
	free(log);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);

	pt = harness_daemon("ticketing", 0);
	ok(harness_healthy(c), "started again, it serves");
	kill(pt, SIGTERM);
	ok(harness_stopped(pt), "  and stops cleanly (the probe with it)");

	keel_client_free(c);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

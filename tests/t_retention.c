/* t_retention: a daemon trims its stream by age, but never an event that a
 * consuming service has not yet taken and acknowledged. */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "ktime.h"
#include "tap.h"

#include <signal.h>
#include <sys/wait.h>

static struct harness_redis redis;

static int
put(struct keel_client *c, const char *prefix, int from, int to)
{
	int acked = 0;

	for (int i = from; i < to; i++) {
		char id[32];

		snprintf(id, sizeof(id), "%s-%d", prefix, i);
		acked += harness_customer_put(c, id, "Retained", "UTC");
	}
	return acked;
}

static long long
wait_applied(long long want, int ms)
{
	return harness_redis_wait(&redis, "keel:{ticketing}:applied:intake",
	                          want, ms);
}

int
main(void)
{
	const char *dir = harness_tmpdir();
	char conf[2048];
	struct keel_client *c;
	pid_t in, tk;
	long long len;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "intake.rep = ipc://%s/intake.rep\n"
	         "intake.pub = ipc://%s/intake.pub\nintake.http =\n"
	         "ticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n"
	         "events.retention_ms = 300\nevents.trim_ms = 100\n"
	         "events.sweep_ms = 100\n",
	         redis.sock, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	in = harness_daemon("intake", 0);
	tk = harness_daemon("ticketing", 0);
	c = harness_client("intake", "intake.rep", 5000);

	is_int(put(c, "r", 0, 300), 300, "300 customers put");
	is_int(wait_applied(300, 20000), 300, "and consumed by ticketing");
	kill(tk, SIGSTOP);
	is_int(put(c, "s", 0, 200), 200,
	       "200 more while the consumer is stopped");
	/* Past the 300 ms retention, trims (every 100 ms, checked at least
	 * each second) cut what ticketing already took. */
	for (int i = 0; i < 100; i++) {
		len = harness_redis_int(&redis, "XLEN keel:{intake}:events");
		if (len < 500)
			break;
		harness_sleep_ms(100);
	}
	harness_sleep_ms(1500); /* more trims: none may go further */
	len = harness_redis_int(&redis, "XLEN keel:{intake}:events");
	diag("stream length after retention, consumer stopped: %lld", len);
	ok(len < 500, "the stream was trimmed by age");
	ok(len >= 200, "but not below what the stopped consumer still needs");
	kill(tk, SIGCONT);
	is_int(wait_applied(500, 20000), 500,
	       "the consumer resumes and applies all 500: nothing it needed "
	       "was trimmed");

	keel_client_free(c);
	kill(tk, SIGTERM);
	kill(in, SIGTERM);
	ok(harness_stopped(tk), "ticketing stops");
	ok(harness_stopped(in), "intake stops");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

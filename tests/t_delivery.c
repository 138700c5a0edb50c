/* t_delivery: nothing lost, nothing applied twice, with real daemons as
 * processes and a real Redis: keel-intake emits customer events, and
 * keel-ticketing keeps its copy of them through its consumer group while
 * it is killed and restarted, and while two instances share the group. */
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

static struct harness_redis redis;
static char dir[256];

struct load {
	const char *prefix;
	int from, to; /* customer numbers [from, to) */
	atomic_int *done;
	atomic_int failed;
	bool *acked; /* per customer number, when not NULL */
};

static void *
put_customers(void *arg)
{
	struct load *l = arg;
	char url[300], id[40];
	const char *addrs[1] = {url};
	struct keel_client_opts o = {.name = "t_delivery",
	                             .service = "intake",
	                             .addrs = addrs,
	                             .naddrs = 1,
	                             .timeout_ms = 10000,
	                             .resend_ms = 2000,
	                             .max_msg = 1 << 20};
	struct keel_client *c;
	struct keel_error err;
	int64_t last_ok = keel_time_mono_ms();

	snprintf(url, sizeof(url), "ipc://%s/intake.rep", dir);
	if (keel_client_new(&o, &c, &err) < 0)
		bail_out(err.message);
	for (int i = l->from; i < l->to; i++) {
		/* A daemon that died must fail the test, not stall it on
		 * one timeout per remaining put. */
		if (keel_time_mono_ms() - last_ok > 20000) {
			atomic_fetch_add(&l->failed, l->to - i);
			diag("no put acknowledged for 20 s: giving up");
			break;
		}
		snprintf(id, sizeof(id), "%s-%d", l->prefix, i);
		if (harness_customer_put(c, id, "Load Test Customer",
		                         "Europe/Zurich")) {
			last_ok = keel_time_mono_ms();
			atomic_fetch_add(l->done, 1);
			if (l->acked)
				l->acked[i] = true;
		} else {
			atomic_fetch_add(&l->failed, 1);
		}
	}
	keel_client_free(c);
	return NULL;
}

/* Runs n puts over 8 threads; calls tick(k) as each quarter passes. */
static int
load_acked(const char *prefix, int n, void (*tick)(int), bool *acked)
{
	struct load l[8];
	pthread_t th[8];
	atomic_int done = 0;
	int failed = 0, quarter = 1;

	for (int i = 0; i < 8; i++) {
		l[i] = (struct load){.prefix = prefix,
		                     .from = n * i / 8,
		                     .to = n * (i + 1) / 8,
		                     .done = &done,
		                     .acked = acked};
		pthread_create(&th[i], NULL, put_customers, &l[i]);
	}
	while (quarter < 4) {
		if (atomic_load(&done) >= n * quarter / 4) {
			tick(quarter);
			quarter++;
		}
		harness_sleep_ms(5);
		{
			int f = 0;

			for (int i = 0; i < 8; i++)
				f += atomic_load(&l[i].failed);
			if (atomic_load(&done) + f >= n)
				break;
		}
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		failed += atomic_load(&l[i].failed);
	}
	if (failed)
		diag("%d puts failed", failed);
	return atomic_load(&done);
}

static int
load(const char *prefix, int n, void (*tick)(int))
{
	return load_acked(prefix, n, tick, NULL);
}

static long long
applied(void)
{
	return harness_redis_int(&redis, "GET keel:{ticketing}:applied:intake");
}

static long long
wait_applied(long long want, int ms)
{
	harness_redis_wait(&redis, "keel:{ticketing}:applied:intake", want, ms);
	harness_sleep_ms(300); /* anything applied twice would show now */
	return applied();
}

static long long
copies(void)
{
	long long n = 0, cursor = 0;

	/* Count keys with SCAN through a small Lua loop: one round trip. */
	n = harness_redis_int(
	    &redis, "EVAL %s 0",
	    "local n, c = 0, '0' repeat local r = redis.call('SCAN', c, "
	    "'MATCH', 'keel:{ticketing}:customer:*', 'COUNT', 1000) c = r[1] "
	    "n = n + #r[2] until c == '0' return n");
	(void)cursor;
	return n;
}

static pid_t t0, t1;

static void
kill_and_restart_t0(int quarter)
{
	kill(t0, SIGKILL);
	harness_wait(t0, 5000);
	diag("quarter %d: keel-ticketing-0 killed (applied so far %lld)",
	     quarter, applied());
	t0 = harness_daemon("ticketing", 0);
}

static void
kill_nothing(int quarter)
{
	(void)quarter;
}

static void
restart_redis(int quarter)
{
	if (quarter != 2)
		return;
	harness_redis_kill(&redis);
	diag("redis-server SIGKILLed at half way");
	harness_sleep_ms(300);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis restart");
	diag("redis-server restarted from its append-only file");
}

static long long t1_pending_at_kill;

/* Entries taken but not acked in ticketing's group: by one consumer, or
 * by all when consumer is NULL. */
static long long
pending_of(const char *consumer)
{
	if (!consumer)
		return harness_redis_int(
		    &redis, "EVAL %s 0",
		    "return redis.call('XPENDING', 'keel:{intake}:events', "
		    "'ticketing')[1]");
	return harness_redis_int(
	    &redis, "EVAL %s 0 %s",
	    "return #redis.call('XPENDING', 'keel:{intake}:events', "
	    "'ticketing', '-', '+', 100000, ARGV[1])",
	    consumer);
}

/* Kills instance 1 at a moment it holds taken-but-unacked entries, so the
 * survivor must reclaim them. */
static void
kill_t1(int quarter)
{
	if (quarter != 2)
		return;
	for (int i = 0; i < 400; i++) {
		kill(t1, SIGSTOP);
		t1_pending_at_kill = pending_of("ticketing-1");
		if (t1_pending_at_kill > 0)
			break;
		kill(t1, SIGCONT);
		harness_sleep_ms(2);
	}
	kill(t1, SIGKILL);
	harness_wait(t1, 5000);
	diag("keel-ticketing-1 killed at half way holding %lld pending "
	     "entries, not restarted",
	     t1_pending_at_kill);
}

int
main(void)
{
	char conf[4096];
	pid_t in;
	int done;
	long long pending;

	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s", harness_tmpdir());
	/* Acknowledged means on disk: the crash below must lose nothing. */
	snprintf(redis.extra, sizeof(redis.extra), "--appendfsync always");
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "intake.rep = ipc://%s/intake.rep\n"
	         "intake.pub = ipc://%s/intake.pub\nintake.http =\n"
	         "ticketing.rep = ipc://%s/t0.rep, ipc://%s/t1.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub, ipc://%s/t1.pub\n"
	         "ticketing.http =\n"
	         "events.claim_idle_ms = 1000\nevents.sweep_ms = 200\n",
	         redis.sock, dir, dir, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	in = harness_daemon("intake", 0);
	t0 = harness_daemon("ticketing", 0);

	done = load("a", 20000, kill_and_restart_t0);
	is_int(done, 20000, "20000 customer.put acknowledged by keel-intake");
	is_int(harness_redis_int(&redis, "XLEN keel:{intake}:events"), 20000,
	       "  each one's event is in intake's stream");
	is_int(wait_applied(20000, 60000), 20000,
	       "keel-ticketing, SIGKILLed 3 times, applied exactly 20000 "
	       "events");
	is_int(copies(), 20000, "  and holds 20000 customer copies");
	pending = pending_of(NULL);
	is_int(pending, 0, "  with nothing left pending in its group");

	t1 = harness_daemon("ticketing", 1);
	harness_sleep_ms(300);
	done = load("b", 10000, kill_t1);
	is_int(done, 10000, "10000 more acknowledged");
	is_int(wait_applied(30000, 60000), 30000,
	       "two instances in one group, one killed mid-run: every event "
	       "applied exactly once");
	is_int(copies(), 30000, "  and 30000 customer copies");
	/* Entries the killed instance applied but did not ack count as
	 * applied already; they leave its pending list only when the
	 * survivor claims them, claim_idle_ms (1 s) after the kill. */
	for (int i = 0; i < 100 && pending_of("ticketing-1") > 0; i++)
		harness_sleep_ms(100);
	pending = pending_of(NULL);
	ok(t1_pending_at_kill > 0,
	   "  the killed instance held %lld taken-but-unacked entries",
	   t1_pending_at_kill);
	is_int(pending_of("ticketing-1"), 0,
	       "  which the survivor reclaimed (XAUTOCLAIM)");
	is_int(pending, 0, "  and nothing is left pending in the group");

	{
		static bool acked[5000];
		int missing = 0, n_acked = 0;
		long long xlen;

		done = load_acked("c", 5000, restart_redis, acked);
		for (int i = 0; i < 5000; i++) {
			if (!acked[i])
				continue;
			n_acked++;
			missing +=
			    harness_redis_int(
			        &redis, "EXISTS keel:{intake}:customer:c-%d",
			        i) != 1;
		}
		diag("%d of 5000 acknowledged across the Redis crash", n_acked);
		ok(n_acked > 0, "puts were acknowledged around the crash");
		is_int(missing, 0,
		       "every acknowledged customer is in Redis after the "
		       "crash (appendfsync always)");
		for (int i = 0; i < 200; i++) {
			struct keel_env h;
			struct keel_client *hc =
			    harness_client("intake", "intake.rep", 2000);
			bool up = false;
			struct keel_error e;

			if (keel_client_call(hc, "sys.health", NULL, 0, NULL,
			                     &h, &e) == 0 &&
			    h.ok)
				keel_obj_bool(keel_obj_get(h.body, "redis"),
				              &up);
			keel_env_release(&h);
			keel_client_free(hc);
			if (up)
				break;
			harness_sleep_ms(50);
		}
		done = load("d", 100, kill_nothing);
		is_int(done, 100,
		       "the daemons reconnected by themselves: new "
		       "puts succeed");
		xlen = harness_redis_int(&redis, "XLEN keel:{intake}:events");
		is_int(wait_applied(xlen, 60000), xlen,
		       "and the consumer applied every event in the stream "
		       "exactly once");
	}

	kill(t0, SIGTERM);
	kill(in, SIGTERM);
	ok(harness_stopped(t0),
	   "keel-ticketing stops cleanly with its consumer");
	ok(harness_stopped(in), "keel-intake stops");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

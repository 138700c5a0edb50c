/* t_store: the Redis store against a real redis-server on a private
 * socket: group commit, a Functions library loaded on connect and again
 * after FUNCTION FLUSH, AUTH and
 * ACL users, and surviving a Redis restart. */
#include "error.h"
#include "harness.h"
#include "metrics.h"
#include "store.h"
#include "tap.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/stat.h>

struct result {
	long long i;
	char s[256];
	int type;
	bool failed;
	char err[320];
};

static void
keep(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct result *res = arg;
	const char *s;

	memset(res, 0, sizeof(*res));
	if (!r) {
		res->failed = true;
		snprintf(res->err, sizeof(res->err), "%s: %s", err->code,
		         err->message);
		return;
	}
	res->type = keel_reply_type(r);
	res->i = keel_reply_int(r);
	if ((s = keel_reply_str(r, NULL)))
		snprintf(res->s, sizeof(res->s), "%s", s);
}

static struct result
sync_cmd(struct keel_store *st, int argc, const char *const *argv)
{
	struct result res = {.failed = true};

	if (keel_store_sync(st, argc, argv, NULL, keep, &res) < 0)
		snprintf(res.err, sizeof(res.err), "not queued");
	return res;
}

static atomic_int done_count;

static void
count_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	(void)arg;
	if (r && keel_reply_type(r) == KEEL_R_INT)
		atomic_fetch_add(&done_count, 1);
}

static atomic_int any_count;

static void
count_any(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	(void)arg;
	(void)r;
	(void)err;
	atomic_fetch_add(&any_count, 1);
}

static void *
hammer(void *arg)
{
	struct keel_store *st = arg;
	static const char *const incr[] = {"INCR", "keel:{test}:n"};

	for (int i = 0; i < 5000; i++)
		keel_store_cmd(st, 2, incr, NULL, count_done, NULL);
	return NULL;
}

/* keel_store_request: where each callback ran, and whether two ever ran
 * at once. */
static atomic_int in_cb, overlapped, req_done, on_caller;
static _Thread_local bool calling;

static void
req_cb(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	(void)arg;
	(void)err;
	if (atomic_fetch_add(&in_cb, 1) != 0)
		atomic_fetch_add(&overlapped, 1);
	if (calling)
		atomic_fetch_add(&on_caller, 1);
	if (r && keel_reply_type(r) == KEEL_R_INT)
		atomic_fetch_add(&req_done, 1);
	atomic_fetch_sub(&in_cb, 1);
}

static void *
requester(void *arg)
{
	struct keel_store *st = arg;
	static const char *const incr[] = {"INCR", "keel:{test}:r"};

	for (int i = 0; i < 2000; i++) {
		calling = true;
		keel_store_request(st, NULL, 0, 2, incr, NULL, req_cb, NULL);
		calling = false;
		if (i % 10 == 0) /* now and then the store is idle again */
			harness_sleep_ms(1);
	}
	return NULL;
}

/* A request's callback that sends the next: it cannot run where it is
 * asked (the first still holds the connection) and goes to the store's
 * thread. */
static atomic_int chain_left;

static void
chain_cb(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	static const char *const incr[] = {"INCR", "keel:{test}:chain"};

	(void)err;
	if (r && atomic_fetch_sub(&chain_left, 1) > 1)
		keel_store_request(arg, NULL, 0, 2, incr, NULL, chain_cb, arg);
}

struct eval_wait {
	struct result res;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
};

static void
eval_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct eval_wait *w = arg;

	keep(&w->res, r, err);
	pthread_mutex_lock(&w->lock);
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static struct result
fcall_sync(struct keel_store *st, const char *k, const char *by)
{
	struct eval_wait w = {.lock = PTHREAD_MUTEX_INITIALIZER,
	                      .cond = PTHREAD_COND_INITIALIZER};
	const char *argv[2] = {k, by};

	if (keel_store_fcall(st, "test_incrby", 1, 2, argv, NULL, eval_done,
	                     &w) < 0) {
		w.res.failed = true;
		return w.res;
	}
	pthread_mutex_lock(&w.lock);
	while (!w.done)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
	return w.res;
}

static struct keel_store *
open_store(const char *sock, const char *user, const char *pass)
{
	struct keel_store_opts o = {.socket = sock,
	                            .user = user,
	                            .password = pass,
	                            .timeout_ms = 1000,
	                            .reconnect_max_ms = 100,
	                            .batch_max = 256};
	struct keel_store *st;

	if (keel_store_new(&o, &st) < 0)
		bail_out("keel_store_new");
	return st;
}

int
main(void)
{
	struct harness_redis redis = {0}, locked = {0};
	struct keel_store *st;
	char *lib = harness_slurp(FIXTURES "/keel_test.lua");
	struct result res;
	pthread_t th[4];
	int64_t batches, cmds;

	keel_metrics_init("test");
	/* Acknowledged writes must survive the SIGKILL below: with everysec
	 * a busy disk lets Redis postpone the AOF write past its reply (seen
	 * once in a loaded run). */
	snprintf(redis.extra, sizeof(redis.extra), "--appendfsync always");
	if (harness_redis_start(&redis) < 0)
		bail_out("cannot start redis-server");

	st = open_store(redis.sock, NULL, NULL);
	if (!lib)
		bail_out("no fixtures/keel_test.lua");
	is_int(keel_store_library(st, lib), 0,
	       "a Functions library is set before start");
	free(lib);
	keel_store_start(st);
	is_int(keel_store_wait_up(st, 5000), 0, "the store connects");
	res = sync_cmd(st, 3, (const char *[]){"SET", "keel:{test}:a", "1"});
	is_str(res.s, "OK", "SET answers OK");
	res = sync_cmd(st, 2, (const char *[]){"GET", "keel:{test}:a"});
	is_str(res.s, "1", "GET reads it back");
	res = sync_cmd(st, 2, (const char *[]){"NOSUCHCOMMAND", "x"});
	ok(res.type == KEEL_R_ERROR && strstr(res.s, "unknown command"),
	   "a Redis error is a reply of type error, not a failure");

	batches = keel_metrics_get(KEEL_M_REDIS_BATCHES);
	cmds = keel_metrics_get(KEEL_M_REDIS_COMMANDS);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, hammer, st);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	res = sync_cmd(st, 2, (const char *[]){"GET", "keel:{test}:n"});
	is_str(res.s, "20000", "20000 INCRs from 4 threads all applied once");
	is_int(atomic_load(&done_count), 20000, "and every callback ran once");
	batches = keel_metrics_get(KEEL_M_REDIS_BATCHES) - batches;
	cmds = keel_metrics_get(KEEL_M_REDIS_COMMANDS) - cmds;
	diag("20001 commands went in %lld pipelines", (long long)batches);
	ok(batches < cmds / 4,
	   "queued commands are group-committed (fewer round trips than "
	   "commands)");

	/* A request that comes alone runs on its caller's thread. */
	harness_sleep_ms(50); /* the store's thread back waiting */
	calling = true;
	is_int(keel_store_request(st, NULL, 0, 2,
	                          (const char *[]){"INCR", "keel:{test}:r"},
	                          NULL, req_cb, NULL),
	       0, "keel_store_request takes a request");
	calling = false;
	ok(atomic_load(&req_done) == 1 && atomic_load(&on_caller) == 1,
	   "on an idle store, it is sent and answered before it returns, on "
	   "the caller's thread (no switch to the store's)");
	batches = keel_metrics_get(KEEL_M_REDIS_BATCHES);
	cmds = keel_metrics_get(KEEL_M_REDIS_COMMANDS);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, requester, st);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	res = sync_cmd(st, 2, (const char *[]){"GET", "keel:{test}:r"});
	is_str(res.s, "8001",
	       "8000 requests from 4 threads, partly on their own threads, "
	       "all applied once");
	is_int(atomic_load(&req_done), 8001, "and every callback ran once");
	is_int(atomic_load(&overlapped), 0,
	       "callbacks never ran two at a time (the caller's thread and "
	       "the store's take turns)");
	diag("%d of 8001 callbacks on the caller's thread; 8000 commands in "
	     "%lld pipelines",
	     atomic_load(&on_caller),
	     (long long)(keel_metrics_get(KEEL_M_REDIS_BATCHES) - batches));
	ok(atomic_load(&on_caller) > 1 &&
	       atomic_load(&on_caller) < atomic_load(&req_done),
	   "some ran on their caller's thread, the rest on the store's");
	atomic_store(&chain_left, 50);
	keel_store_request(st, NULL, 0, 2,
	                   (const char *[]){"INCR", "keel:{test}:chain"}, NULL,
	                   chain_cb, st);
	for (int i = 0; i < 500 && atomic_load(&chain_left) > 0; i++)
		harness_sleep_ms(10);
	res = sync_cmd(st, 2, (const char *[]){"GET", "keel:{test}:chain"});
	is_str(res.s, "50",
	       "a request sent from a request's callback goes to the store's "
	       "thread: a chain of 50 completes");

	res = fcall_sync(st, "keel:{test}:s", "5");
	is_int(res.i, 5, "a function of the library runs by name (FCALL)");
	res = sync_cmd(st, 2, (const char *[]){"FUNCTION", "FLUSH"});
	res = fcall_sync(st, "keel:{test}:s", "2");
	is_int(res.i, 7,
	       "after FUNCTION FLUSH, the library is loaded again and the call "
	       "goes through");
	res = fcall_sync(st, "keel:{test}:s", "1");
	is_int(res.i, 8, "and the function runs again");

	harness_redis_kill(&redis);
	res = sync_cmd(st, 1, (const char *[]){"PING"});
	ok(res.failed, "with Redis killed, a command fails instead of hanging");
	has_str(res.err, "unavailable", "  with code unavailable");
	for (int i = 0; i < 200 && keel_store_up(st); i++)
		harness_sleep_ms(10);
	ok(!keel_store_up(st), "the store knows Redis is down");
	if (harness_redis_start(&redis) < 0)
		bail_out("cannot restart redis-server");
	is_int(keel_store_wait_up(st, 5000), 0,
	       "the store reconnects by itself when Redis is back");
	res = sync_cmd(st, 2, (const char *[]){"GET", "keel:{test}:n"});
	is_str(res.s, "20000", "acknowledged writes survived (appendonly)");
	res = fcall_sync(st, "keel:{test}:s", "1");
	is_int(res.i, 9, "functions work after the reconnect");
	ok(keel_metrics_get(KEEL_M_REDIS_RECONNECTS) >= 1,
	   "the reconnect is counted");
	st = keel_store_free(st);

	snprintf(locked.extra, sizeof(locked.extra), "--requirepass s3cret");
	snprintf(locked.dir, sizeof(locked.dir), "%s/locked", harness_tmpdir());
	mkdir(locked.dir, 0700);
	snprintf(locked.sock, sizeof(locked.sock), "%s/r.sock", locked.dir);
	if (harness_redis_start(&locked) < 0)
		bail_out("cannot start a redis-server with a password");
	st = open_store(locked.sock, NULL, "wrong");
	keel_store_start(st);
	is_int(keel_store_wait_up(st, 300), -ETIMEDOUT,
	       "a wrong password never counts as connected");
	res = sync_cmd(st, 1, (const char *[]){"PING"});
	has_str(res.err, "AUTH", "  and commands fail naming AUTH");
	{
		char why[200];

		ok(keel_store_why_down(st, why, sizeof(why)) &&
		       strstr(why, "AUTH") && strstr(why, "WRONGPASS"),
		   "  the store says why it is down: %s", why);
	}
	st = keel_store_free(st);

	st = open_store(locked.sock, NULL, "s3cret");
	keel_store_start(st);
	is_int(keel_store_wait_up(st, 5000), 0, "the right password connects");
	res = sync_cmd(st, 8,
	               (const char *[]){"ACL", "SETUSER", "keel-intake", "on",
	                                ">pw", "~keel:{intake}:*", "+@all",
	                                "-@dangerous"});
	is_str(res.s, "OK", "an ACL user limited to its keys is created");
	st = keel_store_free(st);

	st = open_store(locked.sock, "keel-intake", "pw");
	keel_store_start(st);
	is_int(keel_store_wait_up(st, 5000), 0,
	       "an ACL user connects with AUTH user pass");
	res = sync_cmd(st, 3, (const char *[]){"SET", "keel:{intake}:x", "1"});
	is_str(res.s, "OK", "  and writes its own keys");
	res = sync_cmd(st, 3, (const char *[]){"SET", "keel:{billing}:x", "1"});
	ok(res.type == KEEL_R_ERROR && strstr(res.s, "NOPERM"),
	   "  but not another service's");
	st = keel_store_free(st);

	/* Back-pressure: with Redis stopped, the queue fills to queue_max
	 * and then refuses; nothing queued is lost. */
	{
		struct keel_store_opts qo = {.socket = redis.sock,
		                             .timeout_ms = 10000,
		                             .batch_max = 1,
		                             .queue_max = 10};
		static const char *const ping[] = {"PING"};
		int refused = 0, queued = 0;

		keel_store_new(&qo, &st);
		keel_store_start(st);
		keel_store_wait_up(st, 5000);
		kill(redis.pid, SIGSTOP);
		for (int i = 0; i < 20; i++) {
			int r =
			    keel_store_cmd(st, 1, ping, NULL, count_any, NULL);

			if (r == -EAGAIN)
				refused++;
			else if (r == 0)
				queued++;
			harness_sleep_ms(i == 0 ? 100 : 0);
		}
		ok(refused > 0 && queued <= 11,
		   "a full queue refuses more commands (-EAGAIN): %d queued, "
		   "%d refused",
		   queued, refused);
		kill(redis.pid, SIGCONT);
		st = keel_store_free(st);
		is_int(atomic_load(&any_count), queued,
		       "  and every queued command is answered once Redis "
		       "resumes");
	}

	harness_redis_stop(&locked);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

/*
 * t_redis_errors: every request of the four working daemons, driven by
 * the declarations in msgs.c, while Redis answers errors (maxmemory 1 with
 * noeviction: every script call and every write is refused with OOM).
 * Each request gets an answer that is not "internal" (a Redis that cannot
 * take work is "unavailable", naming the cause), and each daemon still
 * answers sys.health after each one.  Then Redis recovers and the same
 * daemons write again.  (Issue 10: an error reply read as an array once
 * crashed keel-ticketing.)
 */
#include "bus.h"
#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "harness.h"
#include "msg.h"
#include "tap.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static const char *const services[] = {"intake", "pricing", "scheduling",
                                       "ticketing"};
#define NSVC (sizeof(services) / sizeof(services[0]))


struct sweep {
	size_t tried, unavailable, internal, lost, down;
};

/* Every declared request of the four daemons, at its smallest valid
 * body, while Redis answers errors; counts how each was answered. */
static struct sweep
sweep(struct keel_client **cli, const char *cause)
{
	struct sweep w = {0};
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};

	for (size_t k = 0; k < keel_msgs_count; k++) {
		const struct keel_msgdecl *m = &keel_msgs[k];
		size_t s;

		if (m->kind != KEEL_MSG_REQUEST ||
		    strncmp(m->type, "sys.", 4) == 0)
			continue;
		for (s = 0; s < NSVC; s++)
			if (strcmp(m->owner, services[s]) == 0)
				break;
		if (s == NSVC)
			continue;
		keel_enc_reset(b);
		harness_fill(b, m->body);
		w.tried++;
		if (harness_call(cli[s], m->type, b, &rep))
			continue; /* served without Redis work that failed */
		if (!rep.error.code[0]) {
			w.lost++;
			diag("%s: no reply", m->type);
		} else if (strcmp(rep.error.code, KEEL_E_INTERNAL) == 0) {
			w.internal++;
			diag("%s: %s", m->type, rep.error.message);
		} else if (strcmp(rep.error.code, KEEL_E_UNAVAILABLE) == 0 &&
		           strstr(rep.error.message, cause)) {
			w.unavailable++;
		}
		if (!harness_healthy(cli[s])) {
			w.down++;
			diag("keel-%s does not answer after %s", services[s],
			     m->type);
		}
	}
	keel_env_release(&rep);
	keel_enc_free(b);
	diag("%zu requests tried, %zu refused as unavailable (%s)", w.tried,
	     w.unavailable, cause);
	return w;
}

/* A script that keeps Redis busy until SCRIPT KILL. */
static void *
busy_script(void *arg)
{
	redisContext *c = redisConnectUnix(arg);
	redisReply *r = c ? redisCommand(c, "EVAL %s 0",
	                                 "local i = 0 while true do i = i + 1 "
	                                 "end")
	                  : NULL;

	if (r)
		freeReplyObject(r);
	if (c)
		redisFree(c);
	return NULL;
}

int
main(void)
{
	struct harness_redis redis = {0};
	struct keel_client *cli[NSVC];
	struct keel_env rep = {0};
	struct sweep w;
	pid_t pid[NSVC];

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	ok(harness_services(&redis, services, NSVC, pid, cli),
	   "the %zu daemons are up", NSVC);

	harness_redis_int(&redis, "CONFIG SET maxmemory-policy noeviction");
	harness_redis_int(&redis, "CONFIG SET maxmemory 1");
	w = sweep(cli, "OOM");
	ok(w.tried >= 40, "every declared request of the four daemons is tried");
	is_int(w.lost, 0, "  each is answered");
	is_int(w.internal, 0, "  none as an internal failure");
	ok(w.unavailable >= 10, "  those that write: unavailable, naming OOM "
	                        "(%zu)",
	   w.unavailable);
	is_int(w.down, 0, "  and every daemon still answers sys.health");

	harness_redis_int(&redis, "CONFIG SET maxmemory 0");

	/* Every read path too: a script keeps Redis BUSY, so reads and writes
	 * alike get an error reply. */
	{
		pthread_t bt;

		harness_redis_int(&redis, "CONFIG SET busy-reply-threshold 50");
		pthread_create(&bt, NULL, busy_script, redis.sock);
		harness_sleep_ms(300);
		w = sweep(cli, "BUSY");
		harness_redis_int(&redis, "SCRIPT KILL");
		pthread_join(bt, NULL);
		is_int(w.lost, 0, "Redis busy: each request is answered");
		is_int(w.internal, 0, "  none as an internal failure");
		/* the others are refused in C before any Redis work (their
		 * smallest body is not a valid one for that request) */
		ok(w.unavailable >= 40,
		   "  reads and writes alike: unavailable, naming BUSY (%zu of "
		   "%zu)",
		   w.unavailable, w.tried);
		is_int(w.down, 0, "  and every daemon still answers sys.health");
	}
	ok(harness_customer_put(cli[0], "after-oom", "Back Again",
	                        "Europe/Berlin"),
	   "once Redis takes writes again, keel-intake writes");
	/* A Redis that lost the libraries (FUNCTION FLUSH, or a new empty
	 * Redis after a failover): each daemon loads its library again on
	 * "Function not found" and the call goes through. */
	{
		redisContext *rc = redisConnectUnix(redis.sock);
		redisReply *r = rc ? redisCommand(rc, "FUNCTION FLUSH") : NULL;
		struct keel_enc *sb = keel_enc_new();

		ok(r && r->type == REDIS_REPLY_STATUS, "FUNCTION FLUSH");
		if (r)
			freeReplyObject(r);
		keel_enc_map(sb, 3);
		keel_enc_kv_str(sb, "name", "After Flush");
		keel_enc_kv_str(sb, "role", "technician");
		keel_enc_kv_int(sb, "level", 1);
		ok(harness_call(cli[3], "staff.put", sb, &rep),
		   "  keel-ticketing writes right after it");
		keel_enc_reset(sb);
		keel_enc_map(sb, 0);
		ok(harness_call(cli[1], "pricebook.get", sb, &rep),
		   "  keel-pricing reads right after it");
		r = rc ? redisCommand(rc, "FUNCTION LIST") : NULL;
		ok(r && r->type == REDIS_REPLY_ARRAY && r->elements >= 2,
		   "  and their libraries are back (%zu)",
		   r ? r->elements : 0);
		if (r)
			freeReplyObject(r);
		keel_enc_free(sb);
		if (rc)
			redisFree(rc);
	}
	for (size_t i = 0; i < NSVC; i++) {
		keel_client_free(cli[i]);
		kill(pid[i], SIGTERM);
		ok(harness_stopped(pid[i]),
		   "keel-%s stops cleanly", services[i]);
	}
	keel_env_release(&rep);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

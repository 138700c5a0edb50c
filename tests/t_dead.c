/*
 * t_dead: an event a handler cannot use is not acknowledged silently.
 * keel-ticketing refuses a request.received whose device name holds a
 * comma (its incident keys are comma-joined): the event goes to
 * keel:{ticketing}:dead with why, is counted in sys.stats, and the group
 * goes on.  keelctl dead list shows it; replaying it is refused again, with
 * the reason; an entry whose cause is gone is applied by replay and leaves
 * the dead-letter stream.  Daemons and keelctl as real processes.
 */
#include "bus.h"
#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/wait.h>

/* A request.received envelope of keel-intake with one device. */
static void
request_env(struct keel_enc *env, const char *id, const char *device)
{
	struct keel_enc *b = keel_enc_new();
	const void *p;
	size_t len;

	keel_enc_map(b, 7);
	keel_enc_kv_str(b, "id", id);
	keel_enc_kv_str(b, "customer", "acme");
	keel_enc_kv_str(b, "contact", "Ann");
	keel_enc_kv_str(b, "channel", "phone");
	keel_enc_str(b, "devices");
	keel_enc_array(b, 1);
	keel_enc_str(b, device);
	keel_enc_kv_str(b, "symptoms", "the printer is on fire");
	keel_enc_kv_int(b, "received_ms", 1760000000000LL);
	p = keel_enc_data(b, &len);
	keel_enc_reset(env);
	keel_env_encode(env, "request.received", "intake-0", NULL, NULL, NULL,
	                p, len, NULL);
	keel_enc_free(b);
}

static long long
stat_of(struct keel_client *c, const char *name)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	int64_t v = -1;

	keel_enc_map(b, 0);
	if (harness_call(c, "sys.stats", b, &rep))
		keel_obj_int(keel_obj_get(rep.body, name), &v);
	keel_env_release(&rep);
	keel_enc_free(b);
	return v;
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	struct keel_enc *env = keel_enc_new();
	struct keel_client *in, *tk;
	redisContext *rc;
	redisReply *r;
	char conf[1024], dead_id[48] = "", *out = NULL;
	const void *p;
	size_t len;
	pid_t pi, pt;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "intake.rep = ipc://%s/in.rep\nintake.pub = ipc://%s/in.pub\n"
	         "intake.http =\n"
	         "ticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n"
	         "events.sweep_ms = 100\n",
	         redis.sock, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	pi = harness_daemon("intake", 0);
	pt = harness_daemon("ticketing", 0);
	in = harness_client("intake", "in.rep", 5000);
	tk = harness_client("ticketing", "t0.rep", 5000);
	for (int i = 0; i < 200 && !harness_customer_put(in, "acme", "Acme",
	                                                 "Europe/Zurich");
	     i++)
		harness_sleep_ms(25);
	rc = redisConnectUnix(redis.sock);
	if (!rc || rc->err)
		bail_out("redis connect");

	/* A poisoned event: in intake's stream as intake would have written
	 * it, but with a device ticketing cannot key. */
	request_env(env, "R-900001", "printer,2");
	p = keel_enc_data(env, &len);
	r = redisCommand(rc, "XADD keel:{intake}:events * type "
	                     "request.received env %b",
	                 p, len);
	freeReplyObject(r);
	for (int i = 0; i < 100 && harness_redis_int(&redis,
	                                             "XLEN keel:{ticketing}:dead") < 1;
	     i++)
		harness_sleep_ms(50);
	is_int(harness_redis_int(&redis, "XLEN keel:{ticketing}:dead"), 1,
	       "a request.received ticketing cannot use goes to its "
	       "dead-letter stream");
	for (int i = 0; i < 100 && harness_redis_int(&redis,
	                                             "XPENDING keel:{intake}:"
	                                             "events ticketing") != 0;
	     i++)
		harness_sleep_ms(50);
	r = redisCommand(rc, "XPENDING keel:{intake}:events ticketing");
	ok(r && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	       r->element[0]->integer == 0,
	   "  acked once there: nothing left pending in the group");
	freeReplyObject(r);
	is_int(stat_of(tk, "events_dead"), 1, "  counted in sys.stats");

	{
		char *args[] = {"dead", "list", "ticketing", NULL};

		is_int(harness_keelctl(&out, args), 0, "keelctl dead list");
		for (char *l = out ? strtok(out, "\n") : NULL; l;
		     l = strtok(NULL, "\n"))
			diag("%s", l);
		free(out);
		out = NULL;
		harness_keelctl(&out, args);
		ok(out && strstr(out, "request.received") &&
		       strstr(out, "may not hold ','") && strstr(out, "intake"),
		   "  shows its type, source and why");
		if (out)
			sscanf(strchr(out, '\n') ? strchr(out, '\n') + 1 : "",
			       "%47s", dead_id);
		free(out);
		out = NULL;
	}
	{
		char *args[] = {"dead", "replay", "ticketing", dead_id, NULL};

		is_int(harness_keelctl(&out, args), 1,
		       "replaying it while its cause stands is refused");
		free(out);
		out = NULL;
	}
	is_int(harness_redis_int(&redis, "XLEN keel:{ticketing}:dead"), 1,
	       "  and it stays");

	/* An entry whose cause is gone (as after a fixed handler): a valid
	 * request moved there by hand. */
	request_env(env, "R-900002", "printer-2");
	p = keel_enc_data(env, &len);
	r = redisCommand(rc, "XADD keel:{ticketing}:dead * source intake seq "
	                     "1-1 type request.received why test env %b",
	                 p, len);
	snprintf(dead_id, sizeof(dead_id), "%s",
	         r && r->type == REDIS_REPLY_STRING ? r->str : "");
	freeReplyObject(r);
	{
		char *args[] = {"dead", "replay", "ticketing", dead_id, NULL};

		is_int(harness_keelctl(&out, args), 0,
		       "replaying an entry whose cause is gone");
		ok(out && strstr(out, "applied"), "  applies it: %s",
		   out ? out : "");
		free(out);
		out = NULL;
	}
	ok(harness_redis_int(&redis, "EXISTS keel:{ticketing}:incident:acme:"
	                             "d:printer-2") == 1,
	   "  its ticket exists (the device's open incident)");
	is_int(harness_redis_int(&redis, "XLEN keel:{ticketing}:dead"), 1,
	       "  and it left the dead-letter stream");
	{
		char *args[] = {"dead", "replay", "ticketing", dead_id, NULL};

		is_int(harness_keelctl(&out, args), 1,
		       "  a second replay finds nothing to replay");
		free(out);
	}

	redisFree(rc);
	keel_client_free(in);
	keel_client_free(tk);
	kill(pi, SIGTERM);
	kill(pt, SIGTERM);
	ok(harness_stopped(pi), "intake stops");
	ok(harness_stopped(pt), "ticketing stops");
	keel_enc_free(env);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

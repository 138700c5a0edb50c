/* t_events: the write path end to end with real keel-intake processes and
 * a real Redis: change + event in one step, idempotent requests (replays
 * across two instances), live events carrying their stream id, and
 * events.since paging. */
#include "bus.h"
#include "codec.h"
#include "config.h"
#include "error.h"
#include "harness.h"
#include "ktime.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static struct harness_redis redis;
static char conf[4096], rep0[300], rep1[300], pub0[300], pub1[300];

static struct keel_client *
client(int naddrs, int timeout_ms)
{
	const char *addrs[2] = {rep0, rep1};
	struct keel_client_opts o = {.name = "t_events",
	                             .service = "intake",
	                             .addrs = addrs,
	                             .naddrs = (size_t)naddrs,
	                             .timeout_ms = timeout_ms,
	                             .resend_ms = 1000,
	                             .max_msg = 1 << 20};
	struct keel_client *c;
	struct keel_error err;

	if (keel_client_new(&o, &c, &err) < 0)
		bail_out(err.message);
	return c;
}

static size_t
customer(struct keel_enc *b, const char *id, const char *name, const char *tz)
{
	size_t len;

	keel_enc_reset(b);
	keel_enc_map(b, id ? 3 : 2);
	if (id)
		keel_enc_kv_str(b, "id", id);
	keel_enc_kv_str(b, "name", name);
	keel_enc_kv_str(b, "timezone", tz);
	keel_enc_data(b, &len);
	return len;
}

static int
call(struct keel_client *c, const char *type, struct keel_enc *b,
     const char *key, struct keel_env *rep)
{
	struct keel_error err;
	size_t len;
	const void *p = b ? keel_enc_data(b, &len) : NULL;
	int r = keel_client_call(c, type, p, b ? len : 0, key, rep, &err);

	if (r < 0)
		diag("%s: %s", type, err.message);
	return r;
}

/* Until the instance behind c answers with Redis reachable. */
static void
wait_ready(struct keel_client *c)
{
	for (int i = 0; i < 500; i++) {
		struct keel_env h;
		bool up = false;

		if (call(c, "sys.health", NULL, NULL, &h) == 0 && h.ok)
			keel_obj_bool(keel_obj_get(h.body, "redis"), &up);
		keel_env_release(&h);
		if (up)
			return;
		harness_sleep_ms(20);
	}
}

struct replay {
	struct keel_client *cli;
	struct keel_enc *body;
	bool ok;
	char src[129];
	char reply[512];
};

static void *
replay_one(void *arg)
{
	struct replay *rp = arg;
	struct keel_env rep;
	struct keel_enc *e = keel_enc_new();
	const void *p;
	size_t n;

	if (call(rp->cli, "customer.put", rp->body, "same-key-1", &rep) == 0) {
		rp->ok = rep.ok;
		snprintf(rp->src, sizeof(rp->src), "%s", rep.src);
		keel_enc_obj(e, rep.body ? rep.body : NULL);
		p = keel_enc_data(e, &n);
		for (size_t i = 0; i < n && i * 2 + 2 < sizeof(rp->reply); i++)
			sprintf(rp->reply + i * 2, "%02x",
			        ((const unsigned char *)p)[i]);
	}
	keel_env_release(&rep);
	keel_enc_free(e);
	return NULL;
}

int
main(void)
{
	struct keel_client *cli, *one;
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep, ev;
	struct keel_error err;
	struct keel_sub *sub;
	const char *subaddr[2] = {pub0, pub1};
	pid_t p0, p1;
	int64_t v = 0;
	bool created = false;
	char id[40], seq[48];
	int status;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(rep0, sizeof(rep0), "ipc://%s/i0.rep", harness_tmpdir());
	snprintf(rep1, sizeof(rep1), "ipc://%s/i1.rep", harness_tmpdir());
	snprintf(pub0, sizeof(pub0), "ipc://%s/i0.pub", harness_tmpdir());
	snprintf(pub1, sizeof(pub1), "ipc://%s/i1.pub", harness_tmpdir());
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\nintake.rep = %s, %s\n"
	         "intake.pub = %s, %s\nintake.http = \n",
	         redis.sock, rep0, rep1, pub0, pub1);
	harness_write("keel.conf", conf);
	p0 = harness_daemon("intake", 0);
	p1 = harness_daemon("intake", 1);

	if (keel_sub_new(subaddr, 2, 1 << 20, 8192, &sub, &err) < 0)
		bail_out(err.message);
	keel_sub_subscribe(sub, "customer.");

	one = client(1, 5000);
	wait_ready(one);
	/* Live events are best effort: wait until the subscriber is
	 * connected to both instances before counting on one. */
	for (int i = 0; i < 500 && keel_sub_peers(sub) < 2; i++)
		harness_sleep_ms(10);
	is_int(keel_sub_peers(sub), 2,
	       "the subscriber reaches both publishers");

	customer(b, NULL, "Acme AG", "Europe/Zurich");
	ok(call(one, "customer.put", b, NULL, &rep) == 0 && rep.ok,
	   "customer.put without a key: the client library adds one");
	keel_obj_strcpy(keel_obj_get(rep.body, "id"), id, sizeof(id));
	keel_obj_int(keel_obj_get(rep.body, "version"), &v);
	keel_obj_bool(keel_obj_get(rep.body, "created"), &created);
	is_str(id, "C-000001", "an id is assigned");
	ok(v == 1 && created, "version 1, created");
	keel_env_release(&rep);

	ok(keel_sub_recv(sub, 3000, &ev, &err) == 0, "a live event arrives");
	is_str(ev.type, "customer.created", "  customer.created");
	ok(ev.seq[0] != '\0', "  carrying its stream id as seq (%s)", ev.seq);
	snprintf(seq, sizeof(seq), "%s", ev.seq);
	keel_obj_strcpy(keel_obj_get(ev.body, "id"), id, sizeof(id));
	is_str(id, "C-000001", "  about the customer");
	keel_env_release(&ev);

	keel_enc_reset(b);
	keel_enc_map(b, 1);
	keel_enc_kv_str(b, "id", "C-000001");
	ok(call(one, "customer.get", b, NULL, &rep) == 0 && rep.ok,
	   "customer.get finds it");
	keel_obj_strcpy(keel_obj_get(rep.body, "timezone"), id, sizeof(id));
	is_str(id, "Europe/Zurich", "  with its time zone");
	keel_env_release(&rep);

	/* The same key and body, five times at once, to two instances. */
	cli = client(2, 5000);
	{
		struct replay rp[5];
		pthread_t th[5];
		bool same = true;
		int oks = 0;

		customer(b, "acme-2", "Acme Two", "Europe/Berlin");
		for (int i = 0; i < 5; i++) {
			rp[i] = (struct replay){.cli = cli, .body = b};
			pthread_create(&th[i], NULL, replay_one, &rp[i]);
		}
		for (int i = 0; i < 5; i++) {
			pthread_join(th[i], NULL);
			oks += rp[i].ok;
			same &= strcmp(rp[i].reply, rp[0].reply) == 0;
		}
		is_int(oks, 5, "5 concurrent resends of one key all succeed");
		ok(same, "  with identical reply bodies");
		keel_enc_reset(b);
		keel_enc_map(b, 1);
		keel_enc_kv_str(b, "id", "acme-2");
		call(one, "customer.get", b, NULL, &rep);
		keel_obj_int(keel_obj_get(rep.body, "version"), &v);
		is_int(v, 1, "  and created the customer once (version 1)");
		keel_env_release(&rep);
	}

	customer(b, "acme-2", "Acme Two Renamed", "Europe/Berlin");
	call(one, "customer.put", b, "same-key-1", &rep);
	ok(!rep.ok && strcmp(rep.error.code, "conflict") == 0,
	   "the same key with another body is refused with conflict");
	has_str(rep.error.message, "same-key-1", "  naming the key");
	keel_env_release(&rep);

	customer(b, "acme-2", "Acme Two Renamed", "Mars/Olympus");
	call(one, "customer.put", b, NULL, &rep);
	ok(!rep.ok && strcmp(rep.error.field, "body.timezone") == 0,
	   "an unknown time zone is refused, naming the field");
	keel_env_release(&rep);
	customer(b, "bad id!", "X", "UTC");
	call(one, "customer.put", b, NULL, &rep);
	ok(!rep.ok && strcmp(rep.error.field, "body.id") == 0,
	   "an id with other characters is refused");
	keel_env_release(&rep);

	customer(b, "acme-2", "Acme Two Renamed", "Europe/Berlin");
	call(one, "customer.put", b, NULL, &rep);
	keel_obj_int(keel_obj_get(rep.body, "version"), &v);
	ok(rep.ok && v == 2, "a second put with a new key updates (version 2)");
	keel_env_release(&rep);

	/* Catch-up: everything from the beginning, two per page. */
	{
		char since[48] = "0-0";
		int total = 0, pages = 0;
		bool ordered = true;
		char types[3][40] = {{0}};

		for (;;) {
			struct keel_enc *q = keel_enc_new();
			size_t nev;

			keel_enc_map(q, 2);
			keel_enc_kv_str(q, "since", since);
			keel_enc_kv_int(q, "limit", 2);
			if (call(one, "events.since", q, NULL, &rep) != 0 ||
			    !rep.ok) {
				keel_enc_free(q);
				break;
			}
			nev = keel_obj_len(keel_obj_get(rep.body, "events"));
			for (size_t i = 0; i < nev; i++) {
				const struct keel_obj *e = keel_obj_at(
				    keel_obj_get(rep.body, "events"), i);
				char s2[48];

				keel_obj_strcpy(keel_obj_get(e, "seq"), s2,
				                sizeof(s2));
				if (total < 3)
					keel_obj_strcpy(keel_obj_get(e, "type"),
					                types[total], 40);
				ordered &= strcmp(s2, since) != 0;
				total++;
			}
			keel_obj_strcpy(keel_obj_get(rep.body, "next"), since,
			                sizeof(since));
			keel_env_release(&rep);
			keel_enc_free(q);
			pages++;
			if (nev == 0)
				break;
		}
		is_int(total, 3,
		       "events.since from 0-0 pages through all 3 events");
		is_int(pages, 3, "  2 per page, then an empty page");
		ok(ordered, "  none repeated across pages");
		ok(!strcmp(types[0], "customer.created") &&
		       !strcmp(types[1], "customer.created") &&
		       !strcmp(types[2], "customer.updated"),
		   "  in stream order");
	}
	keel_enc_reset(b);
	keel_enc_map(b, 1);
	keel_enc_kv_str(b, "since", "yesterday");
	call(one, "events.since", b, NULL, &rep);
	ok(!rep.ok && strcmp(rep.error.field, "body.since") == 0,
	   "events.since refuses a since that is not a stream id");
	keel_env_release(&rep);

	/* keelctl watch --since 0-0 across a producer restart: the 3 events
	 * so far, 10 more, a restart of both instances, 10 more. */
	{
		char bin[512], out[600], errf[600], cfg[600], *text;
		char *argv[] = {bin,         "-f",     cfg,         "watch",
		                "--since",   "0-0",    "--count",   "23",
		                "--service", "intake", "customer.", NULL};
		pid_t w;
		int lines = 0, acked = 0;
		bool ordered = true, once = true;
		char last[48] = "", seen[23][48];
		static char shown[20000];

		harness_bin("keelctl", bin, sizeof(bin));
		snprintf(cfg, sizeof(cfg), "%s/keel.conf", harness_tmpdir());
		snprintf(out, sizeof(out), "%s/watch.out", harness_tmpdir());
		snprintf(errf, sizeof(errf), "%s/watch.err", harness_tmpdir());
		/* Its warnings while the producer restarts go to stderr. */
		w = harness_spawn_split(argv, NULL, out, errf);
		for (int i = 0; i < 10; i++) {
			char cid[16];

			snprintf(cid, sizeof(cid), "w1-%d", i);
			customer(b, cid, "Watched", "UTC");
			acked +=
			    call(one, "customer.put", b, NULL, &rep) == 0 &&
			    rep.ok;
			keel_env_release(&rep);
		}
		kill(p0, SIGTERM);
		kill(p1, SIGTERM);
		harness_wait(p0, 10000);
		harness_wait(p1, 10000);
		p0 = harness_daemon("intake", 0);
		p1 = harness_daemon("intake", 1);
		wait_ready(one);
		for (int i = 0; i < 10; i++) {
			char cid[16];

			snprintf(cid, sizeof(cid), "w2-%d", i);
			customer(b, cid, "Watched", "UTC");
			acked +=
			    call(one, "customer.put", b, NULL, &rep) == 0 &&
			    rep.ok;
			keel_env_release(&rep);
		}
		is_int(acked, 20,
		       "20 more puts acknowledged around the restart");
		status = harness_wait(w, 20000);
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "keelctl watch --since 0-0 --count 23 ends across a "
		   "producer restart");
		text = harness_slurp(out);
		if (text && strlen(text) < 20000)
			snprintf(shown, sizeof(shown), "%s", text);
		for (char *line = text ? strtok(text, "\n") : NULL; line;
		     line = strtok(NULL, "\n")) {
			char seqs[48], svc[16], type[40], body[400];

			if (sscanf(line, "%47s %15s %39s %399[^\n]", seqs, svc,
			           type, body) != 4)
				continue;
			{
				long long ms = 0, n = 0, lms = 0, ln = -1;

				sscanf(seqs, "%lld-%lld", &ms, &n);
				sscanf(last, "%lld-%lld", &lms, &ln);
				ordered &= ms > lms || (ms == lms && n > ln);
			}
			snprintf(last, sizeof(last), "%s", seqs);
			if (lines < 23) {
				snprintf(seen[lines], sizeof(seen[lines]), "%s",
				         seqs);
				for (int k = 0; k < lines; k++)
					once &= strcmp(seen[k], seqs) != 0;
			}
			lines++;
		}
		free(text);
		is_int(lines, 23, "  showing all 23 events");
		if (lines != 23)
			diag("keelctl watch printed:\n%s", shown);
		ok(ordered, "  in stream order");
		ok(once, "  each once");
	}

	/* An entry that is not an event (written by hand, corrupted) is
	 * passed over: next moves past it, so readers never stall on it. */
	{
		char q[64];

		harness_redis_int(&redis,
		                  "XADD keel:{intake}:events * type x "
		                  "env %s",
		                  "\xdd\xff\xff\xff\xff");
		keel_enc_reset(b);
		keel_enc_map(b, 1);
		snprintf(q, sizeof(q), "%lld-0",
		         (long long)keel_time_now_ms() - 60000);
		keel_enc_kv_str(b, "since", q);
		call(one, "events.since", b, NULL, &rep);
		ok(rep.ok, "events.since answers over a garbage entry");
		keel_obj_strcpy(keel_obj_get(rep.body, "next"), q, sizeof(q));
		keel_env_release(&rep);
		keel_enc_reset(b);
		keel_enc_map(b, 1);
		keel_enc_kv_str(b, "since", q);
		call(one, "events.since", b, NULL, &rep);
		ok(rep.ok &&
		       keel_obj_len(keel_obj_get(rep.body, "events")) == 0,
		   "  and its next is past it: nothing more to read");
		keel_env_release(&rep);
	}

	keel_client_free(cli);
	keel_client_free(one);
	keel_sub_free(sub);
	kill(p0, SIGTERM);
	kill(p1, SIGTERM);
	ok(harness_stopped(p0), "instance 0 stops");
	ok(harness_stopped(p1), "instance 1 stops");
	keel_enc_free(b);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}

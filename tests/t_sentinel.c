/*
 * t_sentinel: Redis failover under Redis Sentinel, for real: a primary, a
 * replica and three sentinels (Debian's redis-server in sentinel mode) on
 * loopback, keel-intake configured with the sentinels' addresses only.
 * Under a steady stream of customer.put, the primary is killed (SIGKILL);
 * the sentinels promote the replica and keel-intake asks them again and
 * goes on.  Three rounds: asynchronous replication, WAIT 1 after every
 * write (redis.wait_replicas = 1), and a graceful SENTINEL FAILOVER (the
 * old primary demoted under the daemon: -READONLY) without and with WAIT.
 * Each prints the window without acknowledged writes and how many
 * acknowledged writes the new primary lacks; the figures go in
 * docs/deploy.md.  With WAIT 1 and the primary killed none may be
 * lacking: a write is acknowledged only once the replica has it.  A
 * graceful failover leaves the old primary taking writes until the
 * sentinels demote it; its figures are printed, not asserted.
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "ktime.h"
#include "tap.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SENTINELS 3
#define ACKED_MAX 100000

static const char *dir;
static int primary_port, replica_port, sentinel_port[SENTINELS];
static pid_t primary, replica, sentinel[SENTINELS];

static redisReply *
cmd_at(int port, const char *fmt, ...)
{
	struct timeval tv = {2, 0};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
	redisReply *r = NULL;
	va_list ap;

	if (!c || c->err) {
		redisFree(c);
		return NULL;
	}
	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	redisFree(c);
	return r;
}

/* The port the first sentinel says the primary is on, or -1. */
static int
master_port(void)
{
	redisReply *r = cmd_at(sentinel_port[0],
	                       "SENTINEL get-master-addr-by-name keel");
	int port = -1;

	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2)
		port = atoi(r->element[1]->str);
	if (r)
		freeReplyObject(r);
	return port;
}

static pid_t
redis_at(int port, const char *name, int replica_of)
{
	char p[16], of[16], d[600], log[600];

	snprintf(p, sizeof(p), "%d", port);
	snprintf(of, sizeof(of), "%d", replica_of);
	snprintf(d, sizeof(d), "%s/%s", dir, name);
	snprintf(log, sizeof(log), "%s/%s.log", dir, name);
	mkdir(d, 0700);
	if (replica_of)
		return harness_spawn((char *[]){"/usr/bin/redis-server", "--port", p,
		                                "--bind", "127.0.0.1", "--save",
		                                "", "--appendonly", "no", "--dir",
		                                d, "--replicaof", "127.0.0.1",
		                                of, NULL},
		                     NULL, log);
	return harness_spawn((char *[]){"/usr/bin/redis-server", "--port", p, "--bind",
	                                "127.0.0.1", "--save", "",
	                                "--appendonly", "no", "--dir", d,
	                                "--repl-diskless-sync-delay", "0",
	                                NULL},
	                     NULL, log);
}

/* A primary, its replica and three sentinels, fresh; false if they never
 * agreed. */
static bool
start_cluster(int round)
{
	char name[32];
	int t;

	primary_port = harness_free_port();
	replica_port = harness_free_port();
	snprintf(name, sizeof(name), "p%d", round);
	primary = redis_at(primary_port, name, 0);
	snprintf(name, sizeof(name), "r%d", round);
	replica = redis_at(replica_port, name, primary_port);
	for (int i = 0; i < SENTINELS; i++) {
		char conf[600], text[600], log[600];

		sentinel_port[i] = harness_free_port();
		snprintf(conf, sizeof(conf), "sentinel-%d-%d.conf", round, i);
		snprintf(text, sizeof(text),
		         "port %d\nbind 127.0.0.1\ndir %s\n"
		         "sentinel monitor keel 127.0.0.1 %d 2\n"
		         "sentinel down-after-milliseconds keel 1000\n"
		         "sentinel failover-timeout keel 5000\n"
		         "sentinel parallel-syncs keel 1\n",
		         sentinel_port[i], dir, primary_port);
		harness_write(conf, text);
		snprintf(conf, sizeof(conf), "%s/sentinel-%d-%d.conf", dir,
		         round, i);
		snprintf(log, sizeof(log), "%s/sentinel-%d-%d.log", dir, round,
		         i);
		sentinel[i] = harness_spawn(
		    (char *[]){"/usr/bin/redis-server", conf, "--sentinel", NULL}, NULL,
		    log);
	}
	/* the replica in sync, and every sentinel sees it and the two other
	 * sentinels */
	for (t = 0; t < 400; t++) {
		redisReply *info = cmd_at(replica_port, "INFO replication");
		bool all = info && info->type == REDIS_REPLY_STRING &&
		           strstr(info->str, "master_link_status:up");

		if (info)
			freeReplyObject(info);

		for (int i = 0; i < SENTINELS && all; i++) {
			redisReply *r = cmd_at(sentinel_port[i],
			                       "SENTINEL master keel");
			bool seen = false;

			for (size_t k = 0; r && r->type == REDIS_REPLY_ARRAY &&
			                   k + 1 < r->elements;
			     k += 2)
				if (!strcmp(r->element[k]->str, "num-other-sentinels"))
					seen = atoi(r->element[k + 1]->str) == 2;
			if (r)
				freeReplyObject(r);
			r = cmd_at(sentinel_port[i], "SENTINEL replicas keel");
			seen = seen && r && r->type == REDIS_REPLY_ARRAY &&
			       r->elements == 1;
			if (r)
				freeReplyObject(r);
			all = seen;
		}
		if (all)
			break;
		harness_sleep_ms(50);
	}
	return t < 400;
}

static void
stop_cluster(void)
{
	pid_t all[] = {primary, replica, sentinel[0], sentinel[1], sentinel[2]};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i] > 0) {
			kill(all[i], SIGKILL);
			harness_wait(all[i], 5000);
		}
}

struct round {
	const char *name;
	int wait_replicas;
	bool graceful;
};

static void
run(const struct round *rd, int index)
{
	static char acked[ACKED_MAX][24];
	struct keel_client *c;
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep;
	char conf[1024], sock[64];
	int nacked = 0, lost = 0, errors = 0;
	int64_t t0, killed_at = 0, last_before = 0, first_after = 0;
	bool restarted = false;
	pid_t d;

	if (!ok(start_cluster(index), "%s: a primary, a replica and three "
	                              "sentinels that see each other",
	        rd->name)) {
		stop_cluster();
		keel_enc_free(b);
		return;
	}
	snprintf(conf, sizeof(conf),
	         "redis.sentinels = 127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d\n"
	         "redis.master = keel\nredis.timeout_ms = 500\n"
	         "redis.reconnect_max_ms = 200\nredis.wait_replicas = %d\n"
	         "redis.wait_ms = 500\n"
	         "intake.rep = ipc://%s/i%d.rep\nintake.pub = ipc://%s/i%d.pub\n"
	         "intake.http =\n",
	         sentinel_port[0], sentinel_port[1], sentinel_port[2],
	         rd->wait_replicas, dir, index, dir, index);
	harness_write("keel.conf", conf);
	d = harness_daemon("intake", 0);
	snprintf(sock, sizeof(sock), "i%d.rep", index);
	c = harness_client("intake", sock, 2000);
	for (int t = 0; t < 200 && !harness_healthy(c); t++)
		harness_sleep_ms(25);
	memset(&rep, 0, sizeof(rep));

	t0 = keel_time_mono_ms();
	/* 9 s of load, or more until writes are acknowledged again (30 s at
	 * most: the sentinels take up to 10 s to make a returning primary a
	 * replica) */
	for (int i = 0; nacked < ACKED_MAX; i++) {
		int64_t now = keel_time_mono_ms();
		char id[24];
		bool done;

		if (now - t0 >= 30000 || (now - t0 >= 9000 && first_after > 0))
			break;
		if (!killed_at && now - t0 >= 2000) {
			killed_at = now;
			if (rd->graceful) {
				redisReply *r = cmd_at(sentinel_port[0],
				                       "SENTINEL FAILOVER keel");
				if (r)
					freeReplyObject(r);
			} else {
				kill(primary, SIGKILL);
				harness_wait(primary, 5000);
				primary = -1;
			}
		}
		if (killed_at && !rd->graceful && rd->wait_replicas > 0 &&
		    !restarted && now - killed_at >= 3000) {
			/* With WAIT 1 and the only replica promoted, no write
			 * can be acknowledged until a replica is back: the
			 * old primary returns, and the sentinels make it the
			 * new primary's replica. */
			char name[32];

			snprintf(name, sizeof(name), "p%d", index);
			primary = redis_at(primary_port, name, 0);
			restarted = true;
		}
		snprintf(id, sizeof(id), "c%d-%d", index, i);
		harness_body(b, "id", 's', id, "name", 's', "Load AG",
		             "timezone", 's', "UTC", NULL);
		done = harness_call(c, "customer.put", b, &rep);
		now = keel_time_mono_ms();
		if (done) {
			snprintf(acked[nacked++], sizeof(acked[0]), "%s", id);
			if (!killed_at)
				last_before = now;
			else if (!first_after)
				first_after = now;
		} else {
			errors++;
			harness_sleep_ms(10);
		}
	}
	ok(first_after > 0, "%s: writes are acknowledged again after the %s",
	   rd->name, rd->graceful ? "failover" : "primary's death");
	ok(master_port() == replica_port,
	   "%s: the sentinels promoted the replica (port %d)", rd->name,
	   replica_port);
	/* lost: not_found on the new primary (a read that met a reconnect
	 * is asked again) */
	for (int i = 0; i < nacked; i++) {
		bool found = false, missing = false;

		for (int t = 0; t < 50 && !found && !missing; t++) {
			harness_body(b, "id", 's', acked[i], NULL);
			found = harness_call(c, "customer.get", b, &rep);
			missing = !found &&
			          strcmp(rep.error.code, KEEL_E_NOT_FOUND) == 0;
			if (!found && !missing)
				harness_sleep_ms(100);
		}
		lost += !found;
		if (!found && lost <= 3)
			diag("%s: %s is %s", rd->name, acked[i],
			     missing ? "not found" : "not readable");
	}
	diag("%s: %d writes acknowledged, %d refused while Redis was away; "
	     "no acknowledged write for %.2f s (from the last before the %s "
	     "to the first after); %d acknowledged writes missing on the new "
	     "primary",
	     rd->name, nacked, errors,
	     (double)(first_after - last_before) / 1000.0,
	     rd->graceful ? "failover" : "kill", lost);
	printf("# figure %s unavailable_ms=%lld acked=%d lost=%d\n", rd->name,
	       (long long)(first_after - last_before), nacked, lost);
	/* With WAIT 1 a write is acknowledged once the replica has it, and
	 * the replica is what the sentinels promote.  Without, the figure is
	 * what it is: asynchronous replication may lose the last writes. */
	if (rd->wait_replicas > 0 && !rd->graceful)
		is_int(lost, 0, "%s: no acknowledged write lost", rd->name);
	kill(d, SIGTERM);
	harness_wait(d, 10000);
	keel_client_free(c);
	keel_env_release(&rep);
	keel_enc_free(b);
	stop_cluster();
}

int
main(void)
{
	static const struct round rounds[] = {
	    {"async", 0, false},
	    {"WAIT 1", 1, false},
	    {"SENTINEL FAILOVER", 0, true},
	    {"SENTINEL FAILOVER, WAIT 1", 1, true},
	};

	signal(SIGPIPE, SIG_IGN);
	dir = harness_tmpdir();

	const char *only = getenv("KEEL_SENTINEL_ROUND"); /* one, to debug */

	for (size_t i = 0; i < sizeof(rounds) / sizeof(rounds[0]); i++)
		if (!only || atoi(only) == (int)i)
			run(&rounds[i], (int)i);
	harness_cleanup();
	return done_testing();
}

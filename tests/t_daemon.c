/* t_daemon: the seven daemons as real processes with a real Redis:
 * configuration checks, sd_notify as systemd would see it, health and
 * metrics, bad input, a daemon killed under waiting clients, Redis
 * restarted under running daemons, SIGHUP and the SIGTERM drain. */
#include "bus.h"
#include "codec.h"
#include "config.h"
#include "error.h"
#include "harness.h"
#include "ktime.h"
#include "tap.h"

#include <errno.h>
#include <netinet/in.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char conf_path[512];
static char conf_text[8192];
static pid_t pids[7];
static int http_port[7];
static struct harness_redis redis;

static const char *
rep_url(const char *svc, char *buf, size_t size)
{
	snprintf(buf, size, "ipc://%s/%s.rep", harness_tmpdir(), svc);
	return buf;
}

static void
write_config(const char *level)
{
	size_t pos = 0;

	pos += (size_t)snprintf(conf_text + pos, sizeof(conf_text) - pos,
	                        "# written by t_daemon\nlog.level = %s\n"
	                        "redis.socket = %s\nredis.timeout_ms = 3000\n"
	                        "redis.reconnect_max_ms = 200\n"
	                        "daemon.drain_ms = 8000\n",
	                        level, redis.sock);
	for (size_t i = 0; i < keel_services_count; i++) {
		const char *s = keel_services[i];

		if (!http_port[i])
			http_port[i] = harness_free_port();
		pos += (size_t)snprintf(
		    conf_text + pos, sizeof(conf_text) - pos,
		    "%s.rep = ipc://%s/%s.rep\n%s.pub = ipc://%s/%s.pub\n"
		    "%s.http = http://127.0.0.1:%d\n",
		    s, harness_tmpdir(), s, s, harness_tmpdir(), s, s,
		    http_port[i]);
	}
	snprintf(conf_path, sizeof(conf_path), "%s",
	         harness_write("keel.conf", conf_text));
}

static pid_t
start_daemon(const char *svc, char *const extra_env[])
{
	char bin[512], name[64], log[512], envconf[600];
	char *argv[3] = {bin, NULL, NULL};
	char *env[8] = {envconf};
	size_t n = 1;

	snprintf(name, sizeof(name), "keel-%s", svc);
	harness_bin(name, bin, sizeof(bin));
	snprintf(log, sizeof(log), "%s/%s.log", harness_tmpdir(), svc);
	snprintf(envconf, sizeof(envconf), "KEEL_CONFIG=%s", conf_path);
	for (size_t i = 0; extra_env && extra_env[i] && n < 7; i++)
		env[n++] = extra_env[i];
	env[n] = NULL;
	return harness_spawn(argv, env, log);
}

/* Runs a command to completion; returns its exit status, output in out. */
static int
run(char *const argv[], char *out, size_t size)
{
	char log[512];
	pid_t pid;
	int status;
	char *text;

	snprintf(log, sizeof(log), "%s/run.out", harness_tmpdir());
	unlink(log);
	pid = harness_spawn(argv, NULL, log);
	status = harness_wait(pid, 30000);
	text = harness_slurp(log);
	snprintf(out, size, "%s", text ? text : "");
	free(text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static struct keel_client *
client_for(const char *svc, int timeout_ms)
{
	char url[512];
	const char *addrs[1] = {rep_url(svc, url, sizeof(url))};
	struct keel_client_opts o = {.name = "t_daemon",
	                             .service = svc,
	                             .addrs = addrs,
	                             .naddrs = 1,
	                             .timeout_ms = timeout_ms,
	                             .max_msg = 1 << 20};
	struct keel_client *c;
	struct keel_error err;

	if (keel_client_new(&o, &c, &err) < 0)
		bail_out(err.message);
	return c;
}

/* sys.health: 1 when up with Redis, 0 when up without, -1 when down. */
static int
health(const char *svc, int timeout_ms)
{
	struct keel_client *c = client_for(svc, timeout_ms);
	struct keel_env rep;
	struct keel_error err;
	bool up = false;
	int r = -1;

	if (keel_client_call(c, "sys.health", NULL, 0, NULL, &rep, &err) == 0 &&
	    rep.ok) {
		keel_obj_bool(keel_obj_get(rep.body, "redis"), &up);
		r = up;
	}
	keel_env_release(&rep);
	keel_client_free(c);
	return r;
}

static int
wait_health(const char *svc, int want, int ms)
{
	int64_t end = keel_time_mono_ms() + ms;
	int h;

	do {
		h = health(svc, 500);
		if (h == want)
			return h;
		harness_sleep_ms(20);
	} while (keel_time_mono_ms() < end);
	return h;
}

static int64_t
stat_of(const char *svc, const char *key)
{
	struct keel_client *c = client_for(svc, 2000);
	struct keel_env rep;
	struct keel_error err;
	int64_t v = -1;

	if (keel_client_call(c, "sys.stats", NULL, 0, NULL, &rep, &err) == 0 &&
	    rep.ok)
		keel_obj_int(keel_obj_get(rep.body, key), &v);
	keel_env_release(&rep);
	keel_client_free(c);
	return v;
}

static char *
http_get(int port, const char *path, int *ret_status)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port)};
	struct timeval tv = {2, 0};
	char req[256], *buf = calloc(1, 65536);
	size_t len = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	*ret_status = -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return buf;
	}
	snprintf(
	    req, sizeof(req),
	    "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
	    path);
	if (write(fd, req, strlen(req)) < 0) {
		close(fd);
		return buf;
	}
	while (len < 65535 && (n = read(fd, buf + len, 65535 - len)) > 0)
		len += (size_t)n;
	close(fd);
	sscanf(buf, "HTTP/1.1 %d", ret_status);
	return buf;
}

static void
test_config_checks(void)
{
	char bin[512], out[32768];
	char *argv[5] = {bin, NULL, NULL, NULL, NULL};
	const char *bad;

	harness_bin("keel-intake", bin, sizeof(bin));
	argv[1] = "-n";
	argv[2] = "-f";
	argv[3] = conf_path;
	is_int(run(argv, out, sizeof(out)), 0, "-n with a good file exits 0");
	has_str(out, "redis.socket = \"", "  and prints the effective config");
	has_str(out, "# this instance: intake-0", "  and this instance");

	bad = harness_write("bad.conf", "bus.contexts = 16\nbus.contxts = 4\n");
	argv[3] = (char *)bad;
	is_int(run(argv, out, sizeof(out)), 1,
	       "-n with an unknown key exits 1");
	has_str(out, "bad.conf:2: unknown key 'bus.contxts'",
	        "  naming the file, line and key");

	argv[1] = "--help";
	argv[2] = NULL;
	is_int(run(argv, out, sizeof(out)), 0, "--help exits 0");
	has_str(out, "KEEL_REDIS_SOCKET", "  lists environment names");
	has_str(out, "notify.http", "  and every key, down to the last");

	argv[1] = "-x";
	is_int(run(argv, out, sizeof(out)), 2, "an unknown option exits 2");
	argv[1] = "-i";
	argv[2] = "3";
	argv[3] = "-f";
	argv[4] = conf_path;
	is_int(run(argv, out, sizeof(out)), 1,
	       "an instance number beyond the address lists exits 1");
	has_str(out, "instance 3 needs 4 addresses", "  and says why");
}

struct notify {
	int fd;
	char got[64][256];
	int64_t at[64];
	int n;
};

static void
notify_open(struct notify *nt, char *env, size_t size)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct timeval tv = {0, 100000};

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/notify.sock",
	         harness_tmpdir());
	nt->fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (bind(nt->fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		bail_out("bind notify socket");
	setsockopt(nt->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	snprintf(env, size, "NOTIFY_SOCKET=%s", a.sun_path);
	nt->n = 0;
}

/* Collects datagrams for ms; returns the index of the first holding
 * want (searching from 'from'), or -1. */
static int
notify_wait(struct notify *nt, const char *want, int from, int ms)
{
	int64_t end = keel_time_mono_ms() + ms;

	for (;;) {
		for (int i = from; i < nt->n; i++)
			if (strstr(nt->got[i], want))
				return i;
		if (keel_time_mono_ms() >= end || nt->n == 64)
			return -1;
		ssize_t r = recv(nt->fd, nt->got[nt->n], 255, 0);

		if (r > 0) {
			nt->got[nt->n][r] = '\0';
			nt->at[nt->n] = keel_time_mono_ms();
			nt->n++;
		}
	}
}

static void
test_notify(void)
{
	struct notify nt;
	char env_sock[200];
	char *env[3] = {env_sock, "WATCHDOG_USEC=300000", NULL};
	int ready, stopping, watchdogs = 0;
	pid_t pid;

	notify_open(&nt, env_sock, sizeof(env_sock));
	harness_redis_stop(&redis);
	pid = start_daemon("ticketing", env);
	ok(notify_wait(&nt, "STATUS=waiting for redis", 0, 3000) >= 0,
	   "with Redis down the daemon says it waits for Redis");
	ok(notify_wait(&nt, "READY=1", 0, 700) < 0,
	   "and does not send READY=1");
	is_int(health("ticketing", 1000), 0,
	       "its listeners answer sys.health with redis=false meanwhile");
	if (harness_redis_start(&redis) < 0)
		bail_out("redis restart");
	ready = notify_wait(&nt, "READY=1", 0, 5000);
	ok(ready >= 0, "READY=1 comes once Redis is up");
	is_int(health("ticketing", 1000), 1,
	       "and at that point it serves with Redis reachable");
	notify_wait(&nt, "no-such-state", ready, 1100);
	for (int i = ready; i < nt.n; i++)
		watchdogs += strstr(nt.got[i], "WATCHDOG=1") != NULL;
	diag("%d WATCHDOG=1 in 1.1 s for WatchdogSec=0.3", watchdogs);
	/* 0.15 s apart would be 7; a loaded machine may delay some, but a
	 * daemon that did not send them periodically would send 0 or 1. */
	ok(watchdogs >= 3 && watchdogs <= 15,
	   "WATCHDOG=1 comes periodically, at about half the interval");
	kill(pid, SIGTERM);
	stopping = notify_wait(&nt, "STOPPING=1", ready, 5000);
	ok(stopping >= 0, "SIGTERM sends STOPPING=1");
	ok(harness_stopped(pid), "and the daemon exits 0");
	close(nt.fd);
}

static void
start_all(void)
{
	for (size_t i = 0; i < keel_services_count; i++)
		pids[i] = start_daemon(keel_services[i], NULL);
}

static void
test_all_seven(void)
{
	char bin[512], out[32768], envconf[600];
	char *argv[6] = {bin, "-f", conf_path, "health", NULL, NULL};
	int up = 0, status;
	char *text;

	start_all();
	for (size_t i = 0; i < keel_services_count; i++)
		up += wait_health(keel_services[i], 1, 10000) == 1;
	is_int(up, 7,
	       "all seven daemons start and answer with Redis reachable");

	harness_bin("keelctl", bin, sizeof(bin));
	(void)envconf;
	is_int(run(argv, out, sizeof(out)), 0, "keelctl health exits 0");
	for (size_t i = 0; i < keel_services_count; i++) {
		char inst[64];

		snprintf(inst, sizeof(inst), "%s-0 ", keel_services[i]);
		has_str(out, inst, "  shows %s", inst);
	}
	argv[3] = "--json";
	argv[4] = "health";
	is_int(run(argv, out, sizeof(out)), 0, "keelctl --json health exits 0");
	has_str(out, "\"rep\": \"ipc://", "  with each request address");
	has_str(out, "\"pub\": \"ipc://", "  and each event address");

	text = http_get(http_port[0], "/metrics", &status);
	is_int(status, 200, "/metrics answers 200");
	has_str(text, "keel_requests_total{service=\"intake\"}",
	        "  in the Prometheus text format");
	has_str(text, "keel_request_duration_seconds_bucket",
	        "  with a latency histogram");
	free(text);
	text = http_get(http_port[0], "/readyz", &status);
	is_int(status, 200, "/readyz is 200 with Redis up");
	free(text);
	text = http_get(http_port[0], "/healthz", &status);
	is_int(status, 200, "/healthz is 200");
	free(text);
}

static void
test_bad_input(void)
{
	char url[512];
	nng_socket s;
	char *got = NULL;
	size_t glen = 0;
	struct keel_env rep;
	struct keel_error err;
	int64_t before = stat_of("pricing", "bad_messages");

	nng_req0_open(&s);
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 3000);
	nng_dial(s, rep_url("pricing", url, sizeof(url)), NULL, 0);
	nng_send(s, "\xdf\xff\xff\xff\xff", 5, 0);
	ok(nng_recv(s, &got, &glen, NNG_FLAG_ALLOC) == 0,
	   "a daemon answers the 5-byte 96 GiB map");
	if (got) {
		keel_env_decode_reply(got, glen, 1 << 20, &rep, &err);
		ok(!rep.ok && strcmp(rep.error.code, "malformed") == 0,
		   "  with a malformed error");
		keel_env_release(&rep);
		nng_free(got, glen);
	}
	nng_close(s);
	is_int(stat_of("pricing", "bad_messages"), before + 1,
	       "the bad message is counted in sys.stats");
	is_int(health("pricing", 2000), 1, "and the daemon goes on serving");
}

struct waiter {
	const char *svc;
	int timeout_ms;
	int r;
	bool ok;
	char msg[320];
	int64_t took;
};

static void *
wait_call(void *arg)
{
	struct waiter *w = arg;
	struct keel_client *c = client_for(w->svc, w->timeout_ms);
	struct keel_env rep;
	struct keel_error err;
	int64_t t0 = keel_time_mono_ms();

	w->r = keel_client_call(c, "sys.health", NULL, 0, NULL, &rep, &err);
	w->took = keel_time_mono_ms() - t0;
	w->ok = w->r == 0 && rep.ok;
	snprintf(w->msg, sizeof(w->msg), "%s", w->r ? err.message : "");
	keel_env_release(&rep);
	keel_client_free(c);
	return NULL;
}

static void
test_killed_daemon(void)
{
	struct waiter w = {.svc = "change", .timeout_ms = 1500};
	pthread_t th;
	size_t ci = 4; /* change */

	kill(pids[ci], SIGSTOP);
	pthread_create(&th, NULL, wait_call, &w);
	harness_sleep_ms(200);
	kill(pids[ci], SIGKILL);
	harness_wait(pids[ci], 5000);
	pthread_join(th, NULL);
	is_int(w.r, -ETIMEDOUT,
	       "a client waiting on a daemon that is killed gets an error");
	has_str(w.msg,
	        "no instance of change answered sys.health within 1500 ms",
	        "  that says so clearly");
	ok(w.took < 3000, "  and returns in its timeout (%lld ms), no hang",
	   (long long)w.took);
	{
		char bin[512], out[16384];
		char *argv[] = {bin,      "-f",     conf_path, "-t", "300",
		                "health", "change", "intake",  NULL};

		harness_bin("keelctl", bin, sizeof(bin));
		is_int(run(argv, out, sizeof(out)), 1,
		       "keelctl health exits 1 while a daemon is down");
		has_str(out, "DOWN", "  and shows it DOWN");
		has_str(out, "intake-0 ", "  beside the ones that are up");
	}
	pids[ci] = start_daemon("change", NULL);
	is_int(wait_health("change", 1, 10000), 1,
	       "the restarted daemon serves again");
}

static void
test_redis_restart(void)
{
	int64_t before = stat_of("intake", "redis_reconnects");

	harness_redis_kill(&redis);
	is_int(wait_health("intake", 0, 5000), 0,
	       "with Redis killed, daemons still answer, redis=false");
	if (harness_redis_start(&redis) < 0)
		bail_out("redis restart");
	is_int(wait_health("intake", 1, 10000), 1,
	       "after Redis restarts, daemons reconnect by themselves");
	ok(stat_of("intake", "redis_reconnects") > before,
	   "and the reconnect is counted");
	is_int(wait_health("notify", 1, 10000), 1, "every daemon reconnects");
}

static void
test_sighup(void)
{
	char log[512], *text;
	size_t ni = 6; /* notify */
	int64_t end;
	bool seen = false;

	write_config("debug");
	kill(pids[ni], SIGHUP);
	snprintf(log, sizeof(log), "%s/notify.log", harness_tmpdir());
	end = keel_time_mono_ms() + 5000;
	while (!seen && keel_time_mono_ms() < end) {
		text = harness_slurp(log);
		seen = text && strstr(text, "msg=\"configuration reloaded\" "
		                            "log_level=debug");
		free(text);
		if (!seen)
			harness_sleep_ms(20);
	}
	ok(seen, "SIGHUP re-reads the log level");
	harness_write("keel.conf", "log.level = shout\n");
	kill(pids[ni], SIGHUP);
	end = keel_time_mono_ms() + 5000;
	seen = false;
	while (!seen && keel_time_mono_ms() < end) {
		text = harness_slurp(log);
		seen = text && strstr(text, "reload refused");
		free(text);
		if (!seen)
			harness_sleep_ms(20);
	}
	ok(seen, "a bad file on SIGHUP is refused and logged");
	is_int(health("notify", 2000), 1, "  and the daemon keeps serving");
	write_config("info");
}

static void
test_drain(void)
{
	struct waiter w[4];
	pthread_t th[4];
	size_t bi = 5; /* billing */
	int answered = 0, status;

	is_int(wait_health("billing", 1, 10000), 1, "billing is up with Redis");
	kill(redis.pid, SIGSTOP);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct waiter){.svc = "billing", .timeout_ms = 10000};
		pthread_create(&th[i], NULL, wait_call, &w[i]);
	}
	for (int i = 0; i < 300 && stat_of("billing", "inflight") < 4; i++)
		harness_sleep_ms(10);
	is_int(stat_of("billing", "inflight"), 4,
	       "4 requests are in flight, held up in Redis");

	kill(pids[bi], SIGTERM);
	harness_sleep_ms(300);
	ok(waitpid(pids[bi], &status, WNOHANG) == 0,
	   "on SIGTERM the daemon waits for them");
	kill(redis.pid, SIGCONT);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		answered += w[i].ok;
	}
	is_int(answered, 4, "all 4 are answered");
	ok(harness_stopped(pids[bi]), "then the daemon exits 0");
	pids[bi] = 0;
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("cannot start redis-server");
	write_config("info");
	test_config_checks();
	test_notify();
	test_all_seven();
	test_bad_input();
	test_killed_daemon();
	test_redis_restart();
	test_sighup();
	test_drain();
	for (size_t i = 0; i < keel_services_count; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGTERM);
			ok(harness_stopped(pids[i]),
			   "keel-%s stops on SIGTERM with status 0",
			   keel_services[i]);
		}
	harness_redis_stop(&redis);
	harness_cleanup();
	nng_fini();
	return done_testing();
}

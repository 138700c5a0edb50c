/* t_reqrep: the request server and client over real nng sockets, with a
 * real Redis behind the server's batcher: concurrency, every refusal of
 * bad input (and the server still serving), two instances behind one
 * logical service, timeouts, and drain. */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "metrics.h"
#include "store.h"
#include "tap.h"

#include <errno.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#define MAX_MSG 65536

static const char *
instance_of(void *app)
{
	return app;
}

static void
ping_done(struct keel_req *req, const struct keel_reply *r,
          const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	keel_enc_map(e, 2);
	keel_enc_kv_str(e, "instance", instance_of(keel_req_app(req)));
	keel_enc_kv_str(e, "note", keel_reply_str(r, NULL));
	keel_req_ok(req);
}

/* sys.echo here goes through Redis (PING), so drain has work to wait on. */
static void
on_echo(struct keel_req *req)
{
	static const char *const ping[] = {"PING"};

	keel_req_redis(req, 1, ping, NULL, ping_done);
}

static const struct keel_handler handlers[] = {
    {"sys.echo", on_echo},
    {NULL, NULL},
};

static struct keel_server *
serve(const char *url, const char *name, struct keel_store *st)
{
	const struct keel_handler *tables[] = {handlers};
	struct keel_server_opts o = {
	    .url = url,
	    .src = name,
	    .contexts = 8,
	    .max_msg = MAX_MSG,
	    .buffer = 128,
	    .store = st,
	    .tables = tables,
	    .ntables = 1,
	    .app = (void *)name,
	};
	struct keel_server *srv;
	struct keel_error err;

	if (keel_server_new(&o, &srv, &err) < 0) {
		diag("%s", err.message);
		bail_out("server");
	}
	keel_server_start(srv);
	return srv;
}

static struct keel_client *
client(const char *const *addrs, size_t n, int timeout_ms)
{
	struct keel_client_opts o = {.name = "t_reqrep",
	                             .service = "echo",
	                             .addrs = addrs,
	                             .naddrs = n,
	                             .timeout_ms = timeout_ms,
	                             .resend_ms = 0,
	                             .max_msg = MAX_MSG};
	struct keel_client *c;
	struct keel_error err;

	if (keel_client_new(&o, &c, &err) < 0)
		bail_out(err.message);
	return c;
}

struct worker {
	struct keel_client *cli;
	int calls, ok;
	atomic_int *seen_a, *seen_b;
};

static void *
work(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < w->calls; i++) {
		struct keel_env rep;
		struct keel_error err;
		char inst[64];

		if (keel_client_call(w->cli, "sys.echo", NULL, 0, NULL, &rep,
		                     &err) == 0 &&
		    rep.ok) {
			w->ok++;
			if (w->seen_a &&
			    keel_obj_strcpy(keel_obj_get(rep.body, "instance"),
			                    inst, sizeof(inst)))
				atomic_fetch_add(strcmp(inst, "a") == 0
				                     ? w->seen_a
				                     : w->seen_b,
				                 1);
		}
		keel_env_release(&rep);
	}
	return NULL;
}

/* Sends raw bytes on a plain REQ socket; returns the decoded reply. */
static int
raw(const char *url, const void *buf, size_t len, struct keel_env *rep,
    struct keel_error *err)
{
	nng_socket s;
	char *got = NULL;
	size_t glen = 0;
	int rv;

	nng_req0_open(&s);
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 3000);
	nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, 3000);
	nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, MAX_MSG * 4);
	nng_dial(s, url, NULL, 0);
	rv = nng_send(s, (void *)buf, len, 0);
	if (rv == 0)
		rv = nng_recv(s, &got, &glen, NNG_FLAG_ALLOC);
	nng_close(s);
	if (rv != 0) {
		keel_error_set(err, "transport", NULL, "%s", nng_strerror(rv));
		memset(rep, 0, sizeof(*rep));
		return -EIO;
	}
	rv = keel_env_decode_reply(got, glen, MAX_MSG, rep, err);
	nng_free(got, glen);
	return rv;
}

static void
refused(const char *url, const void *buf, size_t len, const char *code,
        const char *phrase, const char *what)
{
	struct keel_env rep;
	struct keel_error err;
	int r = raw(url, buf, len, &rep, &err);

	ok(r == 0 && !rep.ok, "%s gets an error reply", what);
	is_str(rep.error.code, code, "  code %s", code);
	has_str(rep.error.message, phrase, "  message says '%s'", phrase);
	keel_env_release(&rep);
}

static pid_t redis_pid;

static void *
resume_redis(void *arg)
{
	harness_sleep_ms(400);
	kill(redis_pid, SIGCONT);
	return NULL;
}

int
main(void)
{
	struct harness_redis redis = {0};
	struct keel_store *st;
	struct keel_store_opts so = {.timeout_ms = 5000, .batch_max = 256};
	struct keel_server *a, *b;
	struct keel_client *cli;
	struct worker w[8];
	pthread_t th[8];
	char ua[300], ub[300];
	const char *both[2] = {ua, ub};
	atomic_int seen_a = 0, seen_b = 0;
	struct keel_enc *e = keel_enc_new();
	struct keel_env rep;
	struct keel_error err;
	const void *p;
	size_t len;
	int total = 0, r;
	uint8_t *big;

	signal(SIGPIPE, SIG_IGN);
	keel_metrics_init("test");
	if (harness_redis_start(&redis) < 0)
		bail_out("cannot start redis-server");
	so.socket = redis.sock;
	keel_store_new(&so, &st);
	keel_store_start(st);
	keel_store_wait_up(st, 5000);
	snprintf(ua, sizeof(ua), "ipc://%s/a.sock", harness_tmpdir());
	snprintf(ub, sizeof(ub), "ipc://%s/b.sock", harness_tmpdir());
	a = serve(ua, "a", st);

	cli = client(both, 1, 5000);
	for (int i = 0; i < 8; i++) {
		w[i] = (struct worker){.cli = cli, .calls = 500};
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		total += w[i].ok;
	}
	is_int(total, 4000,
	       "8 threads x 500 concurrent requests on one "
	       "client: all answered, each by its own reply");

	/* Bad input, raw on the wire. */
	refused(ua, "\xdd\xff\xff\xff\xff", 5, "malformed", "count larger",
	        "the 5-byte 96 GiB array");
	refused(ua, "hello", 5, "malformed", "malformed msgpack", "plain text");
	refused(ua, "\x93\x01\x02\x03", 4, "malformed", "not a map",
	        "an array instead of a map");
	keel_env_encode(e, "no.such.type", "raw", NULL, NULL, NULL, NULL, 0,
	                NULL);
	p = keel_enc_data(e, &len);
	refused(ua, p, len, "unknown_type", "'no.such.type'",
	        "an unknown message type");
	keel_enc_reset(e);
	keel_env_encode(e, "sys.health", "raw", NULL, NULL, NULL, NULL, 0,
	                NULL);
	p = keel_enc_data(e, &len);
	refused(ua, p, len, "unknown_type", "not served here",
	        "a declared type this server does not serve");
	{
		struct keel_enc *body = keel_enc_new();
		const void *bp;
		size_t blen;

		keel_enc_map(body, 1);
		keel_enc_kv_str(body, "data", "should be binary");
		bp = keel_enc_data(body, &blen);
		keel_enc_reset(e);
		keel_env_encode(e, "sys.echo", "raw", NULL, NULL, NULL, bp,
		                blen, NULL);
		p = keel_enc_data(e, &len);
		refused(ua, p, len, "invalid_field",
		        "body.data: expected binary, got string",
		        "a body field of the wrong type");
		keel_enc_free(body);
	}
	big = calloc(1, MAX_MSG + 10);
	big[0] = 0xc6; /* bin32 of MAX_MSG + 5 bytes */
	big[1] = 0;
	big[2] = 1;
	big[3] = 0;
	big[4] = 5;
	refused(ua, big, MAX_MSG + 10, "too_large",
	        "exceeds the 65536-byte limit", "a message over the size cap");
	free(big);
	r = keel_client_call(cli, "sys.echo", NULL, 0, NULL, &rep, &err);
	ok(r == 0 && rep.ok,
	   "after all that bad input the server still serves");
	keel_env_release(&rep);
	ok(keel_metrics_get(KEEL_M_BAD_MESSAGES) >= 6,
	   "every refused message is counted");
	keel_client_free(cli);

	/* Two instances behind one logical service. */
	b = serve(ub, "b", st);
	cli = client(both, 2, 5000);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){.cli = cli,
		                       .calls = 200,
		                       .seen_a = &seen_a,
		                       .seen_b = &seen_b};
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	total = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		total += w[i].ok;
	}
	is_int(total, 800, "a client dialing two instances gets every reply");
	diag("instance a answered %d, b answered %d", atomic_load(&seen_a),
	     atomic_load(&seen_b));
	ok(atomic_load(&seen_a) > 0 && atomic_load(&seen_b) > 0,
	   "and both instances served");
	b = keel_server_free(b);
	r = keel_client_call(cli, "sys.echo", NULL, 0, NULL, &rep, &err);
	if (!ok(r == 0 && rep.ok, "with one instance gone the other answers"))
		diag("r=%d: %s / %s: %s", r, err.message, rep.error.code,
		     rep.error.message);
	keel_env_release(&rep);
	keel_client_free(cli);

	/* Drain: requests stuck in Redis finish before drain returns. */
	cli = client(both, 1, 10000);
	redis_pid = redis.pid;
	kill(redis.pid, SIGSTOP);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){.cli = cli, .calls = 1};
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	while (keel_server_inflight(a) < 4)
		harness_sleep_ms(5);
	{
		pthread_t res;

		pthread_create(&res, NULL, resume_redis, NULL);
		is_int(keel_server_drain(a, 8000), 0,
		       "drain waits for the 4 requests held up in Redis");
		pthread_join(res, NULL);
	}
	total = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		total += w[i].ok;
	}
	is_int(total, 4, "and all 4 were answered");
	keel_client_free(cli);

	cli = client(both, 1, 300);
	r = keel_client_call(cli, "sys.echo", NULL, 0, NULL, &rep, &err);
	is_int(r, -ETIMEDOUT, "a drained server takes no new requests");
	has_str(err.message,
	        "no instance of echo answered sys.echo within 300 ms",
	        "  and the caller is told clearly");
	keel_client_free(cli);
	a = keel_server_free(a);

	cli = client(both, 1, 200);
	r = keel_client_call(cli, "sys.echo", NULL, 0, NULL, &rep, &err);
	is_int(r, -ETIMEDOUT, "with no server at all the call times out");
	has_str(err.message, "none is reachable", "  saying none is reachable");
	keel_client_free(cli);

	keel_enc_free(e);
	keel_store_free(st);
	harness_redis_stop(&redis);
	harness_cleanup();
	nng_fini();
	return done_testing();
}

/*
 * keel-bench-raw: the limit Keel is measured against, with no Keel code in
 * its path.  A REP server (nng contexts and aio, as many as the client
 * has in flight) that, per request, writes what one ticket creation
 * writes - a hash of the ticket's fields, an index entry and a stream
 * entry - pipelining every request waiting into one round trip to Redis;
 * and REQ clients at a given concurrency sending requests of a given size.
 *
 *   keel-bench-raw REDIS_SOCKET CONCURRENCY REQUESTS SIZE [keel]
 *
 * With "keel", the server sends instead exactly the Redis work Keel does
 * for one ticket.create: the FCALL of ticketing_create (keel_ticketing,
 * loaded by keel-ticketing) with the kit's keys and arguments and a
 * request like keel-ticketing's (fields, SLA plan, context versions),
 * packed once here with msgpack-c.  The distance from this line to Keel
 * is Keel's own cost; the distance from the first line is its data model.
 *
 * Prints one JSON object: throughput, p50/p99/p99.9 in microseconds,
 * errors.
 */
#include <hiredis/hiredis.h>
#include <msgpack.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NCTX 128

struct work {
	nng_ctx ctx;
	nng_aio *aio;
	nng_msg *msg;
	int state; /* 0 receiving, 1 sending */
	struct work *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct work *queue;
static int stopping;
static redisContext *redis;
static long long seq;
static int keel_mode;
static int server_errors; /* Redis refused or answered no new ticket */
static msgpack_sbuffer head, kreq; /* keel mode: packed once */

static void
pack_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

static void
pack_kv(msgpack_packer *pk, const char *k, const char *v)
{
	pack_str(pk, k);
	pack_str(pk, v);
}

/* What keel-ticketing sends with ticketing_create for the bench's ticket
 * (bench.c's body): the event head, and the request with its plan (a
 * normal ticket: response next business day, two escalations) and the
 * versions it was planned from (customer acme at version 1, default
 * policy, no calendar). */
static void
pack_keel(void)
{
	msgpack_packer pk;
	struct timespec ts;
	int64_t now;
	uint8_t id[16];
	static const char *const kinds[] = {"response", "esc1", "esc2"};

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	for (int i = 0; i < 16; i++)
		id[i] = (uint8_t)rand();
	msgpack_sbuffer_init(&head);
	msgpack_packer_init(&pk, &head, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 6); /* the function adds type and body */
	pack_str(&pk, "v");
	msgpack_pack_int64(&pk, 1);
	pack_str(&pk, "id");
	msgpack_pack_bin(&pk, 16);
	msgpack_pack_bin_body(&pk, id, 16);
	pack_kv(&pk, "src", "keel-bench-raw");
	pack_str(&pk, "ts");
	msgpack_pack_int64(&pk, now);

	msgpack_sbuffer_init(&kreq);
	msgpack_packer_init(&pk, &kreq, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 17);
	pack_str(&pk, "now");
	msgpack_pack_int64(&pk, now);
	pack_kv(&pk, "pauses", " hold_resolution pending_fix ");
	pack_kv(&pk, "from", "");
	pack_kv(&pk, "customer", "acme");
	pack_kv(&pk, "contact", "Carla Customer");
	pack_kv(&pk, "channel", "phone");
	pack_kv(&pk, "priority", "normal");
	pack_kv(&pk, "devices", "mail-01");
	pack_kv(&pk, "service", "");
	pack_kv(&pk, "symptoms", "Outlook cannot connect to the mail server "
	                         "since the update this morning; webmail "
	                         "works");
	pack_kv(&pk, "steps", "");
	pack_kv(&pk, "changes", "");
	pack_kv(&pk, "metric", "");
	pack_str(&pk, "received_ms");
	{
		char ms[24];

		snprintf(ms, sizeof(ms), "%lld", (long long)now);
		pack_str(&pk, ms);
	}
	pack_kv(&pk, "level", "1");
	pack_str(&pk, "plan");
	msgpack_pack_map(&pk, 5);
	pack_str(&pk, "response_due");
	msgpack_pack_int64(&pk, now + 86400000);
	pack_str(&pk, "resolution_due");
	msgpack_pack_int64(&pk, 0);
	pack_str(&pk, "score");
	msgpack_pack_int64(&pk, 20000000000000LL + now + 86400000);
	pack_kv(&pk, "esc_on", "response");
	pack_str(&pk, "timers");
	msgpack_pack_array(&pk, 3);
	for (int i = 0; i < 3; i++) {
		msgpack_pack_array(&pk, 2);
		pack_str(&pk, kinds[i]);
		msgpack_pack_int64(&pk, now + 64800000 + i * 21600000);
	}
	pack_str(&pk, "ctx");
	msgpack_pack_map(&pk, 4);
	pack_kv(&pk, "customer", "1");
	pack_kv(&pk, "policy", "default");
	pack_kv(&pk, "policy_v", "0");
	pack_kv(&pk, "calendar_v", "0");
}

/* Appends one request's Redis work (keel mode: Keel's FCALL); returns how
 * many replies it will have. */
static int
append_work(const char *body, size_t len)
{
	char id[32], key[64];

	if (keel_mode) {
		const char *argv[10];
		size_t lens[10];

		snprintf(key, sizeof(key),
		         "keel:{ticketing}:idem:ticket.create:raw-%d-%lld",
		         (int)getpid(), ++seq);
		argv[0] = "FCALL";
		argv[1] = "ticketing_create";
		argv[2] = "2";
		argv[3] = key;
		/* its own stream: no daemon consumes the raw lines' tickets */
		argv[4] = "keel:{ticketing}:bench-raw-events";
		argv[5] = body;
		lens[5] = len;
		argv[6] = "86400000";
		argv[7] = head.data;
		lens[7] = head.size;
		argv[8] = "ticket.";
		argv[9] = kreq.data;
		lens[9] = kreq.size;
		for (int i = 0; i < 10; i++)
			if (i != 5 && i != 7 && i != 9)
				lens[i] = strlen(argv[i]);
		redisAppendCommandArgv(redis, 10, argv, lens);
		return 1;
	}
	snprintf(id, sizeof(id), "T-%06lld", ++seq);
	snprintf(key, sizeof(key), "raw:ticket:%s", id);
	redisAppendCommand(redis,
	                   "HSET %s id %s customer acme status new priority "
	                   "normal symptoms %b version 1",
	                   key, id, body, len);
	redisAppendCommand(redis, "ZADD raw:queue %lld %s", seq, id);
	redisAppendCommand(redis, "XADD raw:events * type ticket.created env %b",
	                   body, len);
	return 3;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
server_cb(void *arg)
{
	struct work *w = arg;

	if (nng_aio_result(w->aio) != 0)
		return; /* closed */
	if (w->state == 0) {
		w->msg = nng_aio_get_msg(w->aio);
		pthread_mutex_lock(&lock);
		w->next = queue;
		queue = w;
		pthread_cond_signal(&cond);
		pthread_mutex_unlock(&lock);
		return;
	}
	w->state = 0;
	nng_ctx_recv(w->ctx, w->aio);
}

/* Takes everything queued, writes it to Redis in one pipeline, answers. */
static void *
writer(void *arg)
{
	(void)arg;
	for (;;) {
		struct work *batch;
		int n = 0;

		pthread_mutex_lock(&lock);
		while (!queue && !stopping)
			pthread_cond_wait(&cond, &lock);
		batch = queue;
		queue = NULL;
		pthread_mutex_unlock(&lock);
		if (!batch)
			return NULL;
		for (struct work *w = batch; w; w = w->next)
			n += append_work(nng_msg_body(w->msg),
			                 nng_msg_len(w->msg));
		for (int i = 0; i < n; i++) {
			void *reply = NULL;

			if (redisGetReply(redis, &reply) != REDIS_OK) {
				server_errors++;
				continue;
			}
			/* Keel's write answers {'new', outcome, events...} */
			if (((redisReply *)reply)->type == REDIS_REPLY_ERROR ||
			    (keel_mode &&
			     (((redisReply *)reply)->type != REDIS_REPLY_ARRAY ||
			      ((redisReply *)reply)->elements < 3)))
				server_errors++;
			freeReplyObject(reply);
		}
		for (struct work *w = batch, *next; w; w = next) {
			next = w->next;
			w->state = 1;
			nng_aio_set_msg(w->aio, w->msg);
			nng_ctx_send(w->ctx, w->aio);
		}
	}
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

struct client {
	nng_socket sock;
	int requests, size, errors;
	int64_t *lat;
};

static void *
client(void *arg)
{
	struct client *c = arg;
	nng_ctx ctx;
	nng_aio *aio;
	char *payload = malloc((size_t)c->size);

	memset(payload, 'x', (size_t)c->size);
	nng_ctx_open(&ctx, c->sock);
	nng_aio_alloc(&aio, NULL, NULL);
	nng_aio_set_timeout(aio, 5000);
	for (int i = 0; i < c->requests; i++) {
		nng_msg *m;
		int64_t t0 = now_ns();

		nng_msg_alloc(&m, 0);
		nng_msg_append(m, payload, (size_t)c->size);
		nng_aio_set_msg(aio, m);
		nng_ctx_send(ctx, aio);
		nng_aio_wait(aio);
		if (nng_aio_result(aio) != 0) {
			nng_msg_free(m);
			c->errors++;
			c->lat[i] = 0;
			continue;
		}
		nng_ctx_recv(ctx, aio);
		nng_aio_wait(aio);
		if (nng_aio_result(aio) != 0) {
			c->errors++;
			c->lat[i] = 0;
			continue;
		}
		nng_msg_free(nng_aio_get_msg(aio));
		c->lat[i] = now_ns() - t0;
	}
	nng_aio_free(aio);
	nng_ctx_close(ctx);
	free(payload);
	return NULL;
}

int
main(int argc, char **argv)
{
	static struct work works[NCTX];
	nng_socket rep, req;
	pthread_t wt, ct[256];
	struct client cl[256];
	char url[128];
	int conc, total, size, per, errors = 0, n = 0;
	int64_t *all, t0, elapsed;

	if (argc != 5 && !(argc == 6 && strcmp(argv[5], "keel") == 0)) {
		fprintf(stderr,
		        "usage: keel-bench-raw REDIS_SOCKET CONCURRENCY "
		        "REQUESTS SIZE [keel]\n");
		return 2;
	}
	keel_mode = argc == 6;
	if (keel_mode)
		pack_keel();
	conc = atoi(argv[2]);
	total = atoi(argv[3]);
	size = atoi(argv[4]);
	if (conc < 1 || conc > 256 || total < conc || size < 1)
		return 2;
	per = total / conc;
	redis = redisConnectUnix(argv[1]);
	if (!redis || redis->err) {
		fprintf(stderr, "keel-bench-raw: redis: %s\n",
		        redis ? redis->errstr : "no memory");
		return 1;
	}
	snprintf(url, sizeof(url), "ipc:///tmp/keel-bench-raw-%d", getpid());
	nng_rep0_open(&rep);
	nng_socket_set_size(rep, NNG_OPT_RECVMAXSZ, 1 << 20);
	if (nng_listen(rep, url, NULL, 0) != 0)
		return 1;
	for (int i = 0; i < NCTX; i++) {
		works[i].state = 0;
		nng_ctx_open(&works[i].ctx, rep);
		nng_aio_alloc(&works[i].aio, server_cb, &works[i]);
		nng_ctx_recv(works[i].ctx, works[i].aio);
	}
	pthread_create(&wt, NULL, writer, NULL);
	nng_req0_open(&req);
	nng_socket_set_ms(req, NNG_OPT_REQ_RESENDTIME, 0);
	nng_dial(req, url, NULL, 0);
	t0 = now_ns();
	for (int i = 0; i < conc; i++) {
		cl[i] = (struct client){req, per, size, 0,
		                        calloc((size_t)per, sizeof(int64_t))};
		pthread_create(&ct[i], NULL, client, &cl[i]);
	}
	for (int i = 0; i < conc; i++)
		pthread_join(ct[i], NULL);
	elapsed = now_ns() - t0;
	all = calloc((size_t)per * (size_t)conc, sizeof(int64_t));
	for (int i = 0; i < conc; i++) {
		errors += cl[i].errors;
		for (int k = 0; k < per; k++)
			if (cl[i].lat[k] > 0)
				all[n++] = cl[i].lat[k];
		free(cl[i].lat);
	}
	qsort(all, (size_t)n, sizeof(int64_t), cmp64);
	printf("{\"concurrency\": %d, \"requests\": %d, \"size\": %d, "
	       "\"throughput\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f, "
	       "\"p999_us\": %.1f, \"errors\": %d}\n",
	       conc, n, size, n / (elapsed / 1e9), n ? all[n / 2] / 1e3 : 0.0,
	       n ? all[(int64_t)n * 99 / 100] / 1e3 : 0.0,
	       n ? all[(int64_t)n * 999 / 1000] / 1e3 : 0.0,
	       errors + server_errors);
	nng_close(req);
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(wt, NULL);
	nng_close(rep);
	redisFree(redis);
	free(all);
	return 0;
}

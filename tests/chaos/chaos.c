/*
 * t_chaos: a Jepsen-style run (issue 10).  Clients send a workload that
 * crosses daemons and record every request and acknowledgement; a seeded
 * nemesis SIGKILLs, SIGSTOPs and restarts the daemons and Redis; then
 * everything is healed and a checker reconciles the history with what
 * Redis holds:
 *   - customer.put acknowledged: the customer in keel-intake, and its copy
 *     in keel-ticketing (through the consumer group);
 *   - request.submit acknowledged (R-...): in exactly one ticket's
 *     requests (not lost, not applied twice);
 *   - ticket.create acknowledged (T-...): the ticket exists; no more
 *     direct tickets than keys tried (a resend never creates twice);
 *   - every acknowledged write, sent again with its key and body, answers
 *     the first outcome again.
 * It prints the figures: operations, faults, lost, doubled, consumer lag,
 * recovery time.  KEEL_CHAOS_SECONDS (40; make chaos: 600) and
 * KEEL_CHAOS_SEED (the time) set the run.
 */
#include "bus.h"
#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "harness.h"
#include "ktime.h"
#include "tap.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>

#define MAX_OPS 1000000
#define CLIENTS 4

enum op_kind { OP_CUSTOMER, OP_REQUEST, OP_TICKET };
enum outcome { ACKED, REFUSED, UNKNOWN };

struct op {
	enum op_kind kind;
	enum outcome outcome;
	char key[40];
	char id[24];      /* customer id sent, or the R-/T- id answered */
	char body_id[24]; /* its customer id, or its symptoms */
};

static struct op *ops;
static atomic_int nops;
static atomic_bool stop;
static char dir[256];
static struct harness_redis redis;
static pid_t pid_intake, pid_ticketing;
static pthread_mutex_t procs = PTHREAD_MUTEX_INITIALIZER;
static int faults[6];
static const char *const fault_names[6] = {
    "kill intake", "kill ticketing", "kill redis", "pause ticketing",
    "pause redis", "pause intake"};

static struct keel_client *
client(const char *svc, const char *sock)
{
	char url[320];
	const char *addrs[1] = {url};
	struct keel_client *c;
	struct keel_error err;

	snprintf(url, sizeof(url), "ipc://%s/%s", dir, sock);
	if (keel_client_new(&(struct keel_client_opts){.name = "t_chaos",
	                                               .service = svc,
	                                               .addrs = addrs,
	                                               .naddrs = 1,
	                                               .timeout_ms = 1500,
	                                               .resend_ms = 500,
	                                               .max_msg = 1 << 20},
	                    &c, &err) < 0)
		bail_out(err.message);
	return c;
}

/* The body of op o (the same bytes on every resend and on replay). */
static void
body_of(const struct op *o, struct keel_enc *b)
{
	keel_enc_reset(b);
	if (o->kind == OP_CUSTOMER) {
		keel_enc_map(b, 3);
		keel_enc_kv_str(b, "id", o->body_id);
		keel_enc_kv_str(b, "name", "Chaos Customer");
		keel_enc_kv_str(b, "timezone", "Europe/Zurich");
		return;
	}
	keel_enc_map(b, 4);
	keel_enc_kv_str(b, "customer", "acme");
	keel_enc_kv_str(b, "contact", "Carla");
	keel_enc_kv_str(b, "channel", "phone");
	keel_enc_kv_str(b, "symptoms", o->body_id);
}

static const char *
type_of(const struct op *o)
{
	return o->kind == OP_CUSTOMER  ? "customer.put"
	       : o->kind == OP_REQUEST ? "request.submit"
	                               : "ticket.create";
}

/* Sends o with its key until answered (at most 4 times); its outcome. */
static enum outcome
send_op(struct keel_client *c, struct op *o, struct keel_enc *b,
        char *id, size_t idsize)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		struct keel_env rep = {0};
		struct keel_error err;
		size_t len;
		const void *p;

		body_of(o, b);
		p = keel_enc_data(b, &len);
		if (keel_client_call(c, type_of(o), p, len, o->key, &rep,
		                     &err) < 0) {
			keel_env_release(&rep);
			harness_sleep_ms(100);
			continue;
		}
		if (!rep.ok) {
			bool transient =
			    strcmp(rep.error.code, KEEL_E_UNAVAILABLE) == 0;

			keel_env_release(&rep);
			if (transient) {
				harness_sleep_ms(100);
				continue;
			}
			return REFUSED;
		}
		id[0] = '\0';
		keel_obj_strcpy(keel_obj_get(rep.body, "id"), id, idsize);
		keel_env_release(&rep);
		return ACKED;
	}
	return UNKNOWN;
}

static void *
client_thread(void *arg)
{
	int idx = (int)(intptr_t)arg;
	struct keel_client *in = client("intake", "in.rep");
	struct keel_client *tk = client("ticketing", "t0.rep");
	struct keel_enc *b = keel_enc_new();
	unsigned seed = (unsigned)idx * 7919u + 1;

	for (int n = 0; !atomic_load(&stop); n++) {
		int i = atomic_fetch_add(&nops, 1);
		struct op *o;

		if (i >= MAX_OPS)
			break;
		o = &ops[i];
		o->kind = (enum op_kind)(rand_r(&seed) % 3);
		snprintf(o->key, sizeof(o->key), "chaos-%d-%d-%d", getpid(),
		         idx, n);
		snprintf(o->body_id, sizeof(o->body_id), "c%d-%d", idx, n);
		o->outcome = send_op(o->kind == OP_TICKET ? tk : in, o, b,
		                     o->id, sizeof(o->id));
		if (o->kind == OP_CUSTOMER && o->outcome == ACKED)
			snprintf(o->id, sizeof(o->id), "%s", o->body_id);
		harness_sleep_ms(1); /* paced: a long run stays in memory */
	}
	keel_enc_free(b);
	keel_client_free(in);
	keel_client_free(tk);
	return NULL;
}

static pid_t
restart(const char *svc, pid_t old)
{
	int status;

	waitpid(old, &status, 0);
	return harness_daemon(svc, 0);
}

/* One fault, held for a moment, then healed. */
static void
nemesis_step(unsigned *seed)
{
	int f = (int)(rand_r(seed) % 6);
	int hold = 200 + (int)(rand_r(seed) % 800);

	faults[f]++;
	pthread_mutex_lock(&procs);
	switch (f) {
	case 0:
		kill(pid_intake, SIGKILL);
		harness_sleep_ms(hold);
		pid_intake = restart("intake", pid_intake);
		break;
	case 1:
		kill(pid_ticketing, SIGKILL);
		harness_sleep_ms(hold);
		pid_ticketing = restart("ticketing", pid_ticketing);
		break;
	case 2:
		harness_redis_kill(&redis);
		harness_sleep_ms(hold);
		if (harness_redis_start(&redis) < 0)
			bail_out("redis did not come back");
		break;
	case 3:
		kill(pid_ticketing, SIGSTOP);
		harness_sleep_ms(hold);
		kill(pid_ticketing, SIGCONT);
		break;
	case 4:
		kill(redis.pid, SIGSTOP);
		harness_sleep_ms(hold);
		kill(redis.pid, SIGCONT);
		break;
	default:
		kill(pid_intake, SIGSTOP);
		harness_sleep_ms(hold);
		kill(pid_intake, SIGCONT);
		break;
	}
	pthread_mutex_unlock(&procs);
}

static long long
rint_of(redisContext *c, const char *fmt, const char *arg)
{
	redisReply *r = redisCommand(c, fmt, arg);
	long long v = -1;

	if (r && r->type == REDIS_REPLY_INTEGER)
		v = r->integer;
	if (r)
		freeReplyObject(r);
	return v;
}

/* The ticketing group's entries not yet applied: lag plus pending. */
static long long
group_backlog(redisContext *c)
{
	redisReply *r = redisCommand(c, "XINFO GROUPS keel:{intake}:events");
	long long left = -1;

	for (size_t g = 0; r && r->type == REDIS_REPLY_ARRAY && g < r->elements;
	     g++) {
		redisReply *e = r->element[g];
		bool ours = false;
		long long pending = 0, lag = 0;

		for (size_t k = 0; k + 1 < e->elements; k += 2) {
			const char *name = e->element[k]->str;
			redisReply *v = e->element[k + 1];

			if (strcmp(name, "name") == 0)
				ours = v->str && strcmp(v->str, "ticketing") == 0;
			else if (strcmp(name, "pending") == 0)
				pending = v->integer;
			else if (strcmp(name, "lag") == 0)
				lag = v->type == REDIS_REPLY_INTEGER ? v->integer
				                                     : 0;
		}
		if (ours)
			left = pending + lag;
	}
	if (r)
		freeReplyObject(r);
	return left;
}

int
main(void)
{
	const char *s = getenv("KEEL_CHAOS_SECONDS");
	const char *sd = getenv("KEEL_CHAOS_SEED");
	int seconds = s ? atoi(s) : 40;
	unsigned seed = sd ? (unsigned)atoi(sd) : (unsigned)time(NULL);
	pthread_t th[CLIENTS];
	char conf[2048];
	redisContext *rc;
	redisReply *r;
	int n, acked[3] = {0}, unknown[3] = {0}, refused[3] = {0};
	int lost = 0, doubled = 0, replay_bad = 0, replayed = 0;
	long long backlog_max = 0, recovery_ms;
	int64_t t_end, t0;

	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s", harness_tmpdir());
	ops = calloc(MAX_OPS, sizeof(*ops));
	/* Acknowledged means on disk: Redis is SIGKILLed below. */
	snprintf(redis.extra, sizeof(redis.extra), "--appendfsync always");
	if (!ops || harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "intake.rep = ipc://%s/in.rep\nintake.pub = ipc://%s/in.pub\n"
	         "intake.http =\n"
	         "ticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n"
	         "events.claim_idle_ms = 1000\nevents.sweep_ms = 200\n"
	         "events.sweep_idle_ms = 1000\n",
	         redis.sock, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	pid_intake = harness_daemon("intake", 0);
	pid_ticketing = harness_daemon("ticketing", 0);
	{
		struct keel_client *in = client("intake", "in.rep");
		bool put = false;

		for (int i = 0; i < 200 && !(put = harness_customer_put(
		                                 in, "acme", "Acme",
		                                 "Europe/Zurich"));
		     i++)
			harness_sleep_ms(25);
		keel_client_free(in);
		ok(put, "setup: customer acme");
	}
	rc = redisConnectUnix(redis.sock);
	for (int i = 0; i < 200 && rint_of(rc, "EXISTS %s",
	                                   "keel:{ticketing}:customer:acme") !=
	                               1;
	     i++)
		harness_sleep_ms(25);
	redisFree(rc);
	diag("seed %u, %d s", seed, seconds);

	for (int i = 0; i < CLIENTS; i++)
		pthread_create(&th[i], NULL, client_thread, (void *)(intptr_t)i);
	t_end = keel_time_mono_ms() + seconds * 1000LL;
	harness_sleep_ms(500);
	while (keel_time_mono_ms() < t_end) {
		nemesis_step(&seed);
		harness_sleep_ms(300 + (int)(rand_r(&seed) % 700));
	}
	atomic_store(&stop, true);
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(th[i], NULL);

	/* Healed: wait until the consumer group has applied everything. */
	t0 = keel_time_mono_ms();
	rc = redisConnectUnix(redis.sock);
	for (;;) {
		long long b = group_backlog(rc);

		if (b > backlog_max)
			backlog_max = b;
		if (b == 0 || keel_time_mono_ms() - t0 > 60000)
			break;
		harness_sleep_ms(100);
	}
	recovery_ms = keel_time_mono_ms() - t0;

	/* The checker. */
	n = atomic_load(&nops);
	if (n > MAX_OPS)
		n = MAX_OPS;
	{
		/* request id -> how many tickets hold it */
		int direct = 0, direct_tried = 0;
		redisReply *keys = redisCommand(rc, "KEYS keel:{ticketing}:ticket:*");
		size_t nkeys = keys && keys->type == REDIS_REPLY_ARRAY
		                   ? keys->elements
		                   : 0;
		char **held = NULL;
		size_t nheld = 0, cap = 0;

		for (size_t k = 0; k < nkeys; k++) {
			const char *tid = strrchr(keys->element[k]->str, ':') + 1;

			r = redisCommand(rc, "LRANGE keel:{ticketing}:requests:%s 0 -1",
			                 tid);
			if (r && r->elements == 0)
				direct++;
			for (size_t j = 0; r && j < r->elements; j++) {
				if (nheld == cap) {
					cap = cap ? cap * 2 : 1024;
					held = realloc(held, cap * sizeof(*held));
				}
				held[nheld++] = strdup(r->element[j]->str);
			}
			if (r)
				freeReplyObject(r);
		}
		for (int i = 0; i < n; i++) {
			struct op *o = &ops[i];

			if (o->outcome == ACKED)
				acked[o->kind]++;
			else if (o->outcome == UNKNOWN)
				unknown[o->kind]++;
			else
				refused[o->kind]++;
			if (o->kind == OP_TICKET && o->outcome != REFUSED)
				direct_tried++;
			if (o->outcome != ACKED)
				continue;
			if (o->kind == OP_CUSTOMER) {
				lost += rint_of(rc, "EXISTS keel:{intake}:customer:%s",
				                o->id) != 1;
				lost += rint_of(rc,
				                "EXISTS keel:{ticketing}:customer:%s",
				                o->id) != 1;
			} else if (o->kind == OP_TICKET) {
				lost += rint_of(rc, "EXISTS keel:{ticketing}:ticket:%s",
				                o->id) != 1;
			} else {
				int times = 0;

				for (size_t j = 0; j < nheld; j++)
					times += strcmp(held[j], o->id) == 0;
				lost += times == 0;
				doubled += times > 1;
				if (times != 1)
					diag("request %s is in %d tickets", o->id,
					     times);
			}
		}
		doubled += direct > direct_tried;
		if (direct > direct_tried)
			diag("%d direct tickets from %d keys", direct,
			     direct_tried);
		for (size_t j = 0; j < nheld; j++)
			free(held[j]);
		free(held);
		if (keys)
			freeReplyObject(keys);
	}
	/* Exactly-once outcomes: a sample of acknowledged writes again. */
	{
		struct keel_client *in = client("intake", "in.rep");
		struct keel_client *tk = client("ticketing", "t0.rep");
		struct keel_enc *b = keel_enc_new();

		for (int i = 0; i < n && replayed < 200; i += 7) {
			struct op *o = &ops[i];
			char id[24];

			if (o->outcome != ACKED)
				continue;
			replayed++;
			if (send_op(o->kind == OP_TICKET ? tk : in, o, b, id,
			            sizeof(id)) != ACKED ||
			    (o->kind != OP_CUSTOMER && strcmp(id, o->id) != 0))
				replay_bad++;
		}
		keel_enc_free(b);
		keel_client_free(in);
		keel_client_free(tk);
	}
	redisFree(rc);

	diag("operations: %d; acked customer.put %d, request.submit %d, "
	     "ticket.create %d; unknown %d/%d/%d; refused %d/%d/%d",
	     n, acked[0], acked[1], acked[2], unknown[0], unknown[1],
	     unknown[2], refused[0], refused[1], refused[2]);
	for (int f = 0; f < 6; f++)
		diag("  nemesis: %-16s %d", fault_names[f], faults[f]);
	diag("lost %d, applied twice %d, replays answered otherwise %d of %d",
	     lost, doubled, replay_bad, replayed);
	diag("consumer backlog after healing: %lld entries at most, applied "
	     "in %lld ms",
	     backlog_max, recovery_ms);
	ok(acked[0] + acked[1] + acked[2] > 50,
	   "the workload ran through the faults (%d acknowledged)",
	   acked[0] + acked[1] + acked[2]);
	is_int(lost, 0, "no acknowledged write lost");
	is_int(doubled, 0, "no effect applied twice");
	is_int(replay_bad, 0, "every acknowledged write replayed answers its "
	                      "first outcome");
	ok(recovery_ms < 60000, "the consumer group caught up (%lld ms)",
	   recovery_ms);

	kill(pid_intake, SIGTERM);
	kill(pid_ticketing, SIGTERM);
	harness_wait(pid_intake, 10000);
	harness_wait(pid_ticketing, 10000);
	harness_redis_stop(&redis);
	harness_cleanup();
	free(ops);
	return done_testing();
}

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
 *   - proposal.draft acknowledged (P-..., after its assessment was
 *     submitted and found feasible): keel-pricing priced it, through its
 *     group on intake's stream, and keel-intake took the price, through
 *     its group on pricing's stream; priced once; once priced, it is sent
 *     and accepted, and then keel-scheduling holds its engagement,
 *     through its group on intake's stream;
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

enum op_kind { OP_CUSTOMER, OP_REQUEST, OP_TICKET, OP_PROPOSAL };
#define NKINDS 4
enum outcome { ACKED, REFUSED, UNKNOWN };

struct op {
	enum op_kind kind;
	enum outcome outcome;
	bool accepted; /* a proposal sent and accepted */
	char key[40];
	char id[24];      /* customer id sent, or the R-/T- id answered */
	char body_id[24]; /* its customer id, or its symptoms */
};

static struct op *ops;
static atomic_int nops;
static atomic_bool stop;
static char dir[256];
static struct harness_redis redis;
static pid_t pid_intake, pid_ticketing, pid_pricing, pid_scheduling;
static pthread_mutex_t procs = PTHREAD_MUTEX_INITIALIZER;
#define NFAULTS 10
static int faults[NFAULTS];
static const char *const fault_names[NFAULTS] = {
    "kill intake",     "kill ticketing", "kill redis",
    "pause ticketing", "pause redis",    "pause intake",
    "kill pricing",    "pause pricing",  "kill scheduling",
    "pause scheduling"};

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

/* A proposal's steps: its assessment submitted, found feasible, then the
 * draft; step 0 and 1 answer the assessment's id in aid. */
static void
step_body(const struct op *o, int step, const char *aid, struct keel_enc *b)
{
	keel_enc_reset(b);
	if (step == 0) {
		keel_enc_map(b, 6);
		keel_enc_kv_str(b, "customer", "acme");
		keel_enc_kv_str(b, "contact", o->body_id);
		keel_enc_kv_str(b, "kind", "deployment");
		keel_enc_kv_int(b, "seats", 100);
		keel_enc_str(b, "products");
		keel_enc_array(b, 1);
		keel_enc_str(b, "Endpoint Encryption");
		keel_enc_kv_str(b, "connection", "remote");
	} else if (step == 1) {
		keel_enc_map(b, 3);
		keel_enc_kv_str(b, "id", aid);
		keel_enc_kv_str(b, "result", "feasible");
		keel_enc_kv_str(b, "by", "Sam");
	} else {
		keel_enc_map(b, 3);
		keel_enc_kv_str(b, "assessment", aid);
		keel_enc_kv_str(b, "scope", o->body_id);
		keel_enc_str(b, "activities");
		keel_enc_array(b, 1);
		keel_enc_map(b, 3);
		keel_enc_kv_str(b, "name", "install");
		keel_enc_kv_int(b, "tier", 1);
		keel_enc_kv_int(b, "units", 10);
	}
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
	return o->kind == OP_CUSTOMER   ? "customer.put"
	       : o->kind == OP_REQUEST  ? "request.submit"
	       : o->kind == OP_PROPOSAL ? "proposal.draft"
	                                : "ticket.create";
}

/* Sends type with body b and key until answered (at most 4 times). */
static enum outcome
send_raw(struct keel_client *c, const char *type, const char *key,
         struct keel_enc *b, char *id, size_t idsize)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		struct keel_env rep = {0};
		struct keel_error err;
		size_t len;
		const void *p = keel_enc_data(b, &len);

		if (keel_client_call(c, type, p, len, key, &rep, &err) < 0) {
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

/* A proposal: three writes, each with its own key (o->key + a step). */
static enum outcome
send_proposal(struct keel_client *c, struct op *o, struct keel_enc *b,
              char *id, size_t idsize)
{
	static const char *const types[] = {"assessment.submit",
	                                    "assessment.evaluate",
	                                    "proposal.draft"};
	char aid[24] = "", key[48], got[24];
	enum outcome r = ACKED;

	for (int step = 0; step < 3 && r == ACKED; step++) {
		step_body(o, step, aid, b);
		snprintf(key, sizeof(key), "%s-%d", o->key, step);
		r = send_raw(c, types[step], key, b, got, sizeof(got));
		if (step == 0)
			snprintf(aid, sizeof(aid), "%s", got);
	}
	if (r == ACKED)
		snprintf(id, idsize, "%s", got);
	return r;
}

/* A priced proposal sent and accepted (its own keys): true when both
 * were acknowledged.  It waits up to 3 s for the price. */
static bool
accept_proposal(struct keel_client *c, struct op *o, struct keel_enc *b)
{
	char key[48], got[24], status[24] = "";
	int64_t until = keel_time_mono_ms() + 3000;

	while (strcmp(status, "priced") != 0 && keel_time_mono_ms() < until &&
	       !atomic_load(&stop)) {
		struct keel_env rep = {0};
		struct keel_error err;
		const void *p;
		size_t len;

		keel_enc_reset(b);
		keel_enc_map(b, 1);
		keel_enc_kv_str(b, "id", o->id);
		p = keel_enc_data(b, &len);
		if (keel_client_call(c, "proposal.get", p, len, NULL, &rep,
		                     &err) == 0 &&
		    rep.ok)
			keel_obj_strcpy(keel_obj_get(rep.body, "status"), status,
			                sizeof(status));
		keel_env_release(&rep);
		if (strcmp(status, "priced") != 0)
			harness_sleep_ms(50);
	}
	if (strcmp(status, "priced") != 0)
		return false;
	keel_enc_reset(b);
	keel_enc_map(b, 1);
	keel_enc_kv_str(b, "id", o->id);
	snprintf(key, sizeof(key), "%s-send", o->key);
	if (send_raw(c, "proposal.send", key, b, got, sizeof(got)) != ACKED)
		return false;
	keel_enc_reset(b);
	keel_enc_map(b, 2);
	keel_enc_kv_str(b, "id", o->id);
	keel_enc_kv_str(b, "by", "Carla");
	snprintf(key, sizeof(key), "%s-accept", o->key);
	return send_raw(c, "proposal.accept", key, b, got, sizeof(got)) ==
	       ACKED;
}

/* Sends o with its key until answered (at most 4 times); its outcome. */
static enum outcome
send_op(struct keel_client *c, struct op *o, struct keel_enc *b,
        char *id, size_t idsize)
{
	if (o->kind == OP_PROPOSAL)
		return send_proposal(c, o, b, id, idsize);
	body_of(o, b);
	return send_raw(c, type_of(o), o->key, b, id, idsize);
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
		o->kind = (enum op_kind)(rand_r(&seed) % NKINDS);
		snprintf(o->key, sizeof(o->key), "chaos-%d-%d-%d", getpid(),
		         idx, n);
		snprintf(o->body_id, sizeof(o->body_id), "c%d-%d", idx, n);
		o->outcome = send_op(o->kind == OP_TICKET ? tk : in, o, b,
		                     o->id, sizeof(o->id));
		if (o->kind == OP_CUSTOMER && o->outcome == ACKED)
			snprintf(o->id, sizeof(o->id), "%s", o->body_id);
		if (o->kind == OP_PROPOSAL && o->outcome == ACKED)
			o->accepted = accept_proposal(in, o, b);
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
	int f = (int)(rand_r(seed) % NFAULTS);
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
	case 5:
		kill(pid_intake, SIGSTOP);
		harness_sleep_ms(hold);
		kill(pid_intake, SIGCONT);
		break;
	case 6:
		kill(pid_pricing, SIGKILL);
		harness_sleep_ms(hold);
		pid_pricing = restart("pricing", pid_pricing);
		break;
	case 7:
		kill(pid_pricing, SIGSTOP);
		harness_sleep_ms(hold);
		kill(pid_pricing, SIGCONT);
		break;
	case 8:
		kill(pid_scheduling, SIGKILL);
		harness_sleep_ms(hold);
		pid_scheduling = restart("scheduling", pid_scheduling);
		break;
	default:
		kill(pid_scheduling, SIGSTOP);
		harness_sleep_ms(hold);
		kill(pid_scheduling, SIGCONT);
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

/* A group's entries on a stream not yet applied: its pending entries,
 * plus those after its last delivered id (counted up to 10000).  Redis
 * 7.0's own "lag" cannot be trusted here: it is lost when Redis reloads
 * its AOF after a kill.  -1 when there is no such group. */
static long long
group_backlog(redisContext *c, const char *stream, const char *group)
{
	redisReply *r = redisCommand(c, "XINFO GROUPS %s", stream);
	long long left = -1;
	char last[64] = "";

	for (size_t g = 0; r && r->type == REDIS_REPLY_ARRAY && g < r->elements;
	     g++) {
		redisReply *e = r->element[g];
		bool ours = false;
		long long pending = 0;
		char delivered[48] = "";

		for (size_t k = 0; k + 1 < e->elements; k += 2) {
			const char *name = e->element[k]->str;
			redisReply *v = e->element[k + 1];

			if (strcmp(name, "name") == 0)
				ours = v->str && strcmp(v->str, group) == 0;
			else if (strcmp(name, "pending") == 0)
				pending = v->integer;
			else if (strcmp(name, "last-delivered-id") == 0 && v->str)
				snprintf(delivered, sizeof(delivered), "%s",
				         v->str);
		}
		if (ours) {
			left = pending;
			snprintf(last, sizeof(last), "(%s", delivered);
		}
	}
	if (r)
		freeReplyObject(r);
	if (left >= 0 && last[1]) {
		r = redisCommand(c, "XRANGE %s %s + COUNT 10000", stream, last);
		if (r && r->type == REDIS_REPLY_ARRAY)
			left += (long long)r->elements;
		if (r)
			freeReplyObject(r);
	}
	return left;
}

/* Everything the daemons owe each other: the three groups' backlogs and
 * pricing's queue. */
static long long
backlog(redisContext *c)
{
	long long a = group_backlog(c, "keel:{intake}:events", "ticketing");
	long long b = group_backlog(c, "keel:{intake}:events", "pricing");
	long long p = group_backlog(c, "keel:{pricing}:events", "intake");
	long long sc = group_backlog(c, "keel:{intake}:events", "scheduling");
	long long q = rint_of(c, "ZCARD %s", "keel:{pricing}:to-price");

	return (a < 0 ? 0 : a) + (b < 0 ? 0 : b) + (p < 0 ? 0 : p) +
	       (q < 0 ? 0 : q) + (sc < 0 ? 0 : sc);
}

/* The proposal ids of every proposal.priced in pricing's stream, sorted
 * (decoded once: a long run holds tens of thousands). */
static char (*priced)[24];
static size_t npriced;

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
load_priced(redisContext *c)
{
	redisReply *r = redisCommand(c, "XRANGE keel:{pricing}:events - +");
	size_t n = r && r->type == REDIS_REPLY_ARRAY ? r->elements : 0;

	priced = calloc(n + 1, sizeof(*priced));
	for (size_t i = 0; i < n; i++) {
		redisReply *f = r->element[i]->element[1];

		for (size_t k = 0; k + 1 < f->elements; k += 2) {
			struct keel_env ev;
			struct keel_error err;

			if (strcmp(f->element[k]->str, "env") != 0)
				continue;
			if (keel_env_decode(f->element[k + 1]->str,
			                    f->element[k + 1]->len, 1 << 20, &ev,
			                    &err) == 0 &&
			    strcmp(ev.type, "proposal.priced") == 0)
				keel_obj_strcpy(keel_obj_get(ev.body, "id"),
				                priced[npriced++], 24);
			keel_env_release(&ev);
		}
	}
	if (r)
		freeReplyObject(r);
	qsort(priced, npriced, sizeof(*priced), cmp_id);
}

/* How many proposal.priced events pricing emitted for pid. */
static int
priced_times(const char *pid)
{
	char (*hit)[24] = bsearch(pid, priced, npriced, sizeof(*priced),
	                          cmp_id);
	int n = 0;

	if (!hit)
		return 0;
	while (hit > priced && strcmp(hit[-1], pid) == 0)
		hit--;
	while (hit < priced + npriced && strcmp(*hit, pid) == 0) {
		n++;
		hit++;
	}
	return n;
}

int
main(void)
{
	const char *s = getenv("KEEL_CHAOS_SECONDS");
	const char *sd = getenv("KEEL_CHAOS_SEED");
	int seconds = s ? atoi(s) : 40;
	unsigned seed = sd ? (unsigned)atoi(sd) : (unsigned)time(NULL);
	pthread_t th[CLIENTS];
	char conf[4096];
	redisContext *rc;
	redisReply *r;
	int n, acked[NKINDS] = {0}, unknown[NKINDS] = {0},
	       refused[NKINDS] = {0};
	int lost = 0, doubled = 0, replay_bad = 0, replayed = 0, accepted_n = 0;
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
	         "pricing.rep = ipc://%s/p0.rep\n"
	         "pricing.pub = ipc://%s/p0.pub\npricing.http =\n"
	         "scheduling.rep = ipc://%s/s0.rep\n"
	         "scheduling.pub = ipc://%s/s0.pub\nscheduling.http =\n"
	         "events.claim_idle_ms = 1000\nevents.sweep_ms = 200\n"
	         "events.sweep_idle_ms = 1000\n",
	         redis.sock, dir, dir, dir, dir, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	pid_intake = harness_daemon("intake", 0);
	pid_ticketing = harness_daemon("ticketing", 0);
	pid_pricing = harness_daemon("pricing", 0);
	pid_scheduling = harness_daemon("scheduling", 0);
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
		long long b = backlog(rc);

		if (b > backlog_max)
			backlog_max = b;
		if (b == 0 || keel_time_mono_ms() - t0 > 60000)
			break;
		harness_sleep_ms(100);
	}
	recovery_ms = keel_time_mono_ms() - t0;

	/* The checker. */
	load_priced(rc);
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
			} else if (o->kind == OP_PROPOSAL) {
				char key[64];
				redisReply *st;

				snprintf(key, sizeof(key),
				         "keel:{intake}:proposal:%s:v1", o->id);
				st = redisCommand(rc, "HGET %s status", key);
				/* priced, or past it: sent, accepted */
				if (!st || st->type != REDIS_REPLY_STRING ||
				    (strcmp(st->str, "priced") != 0 &&
				     strcmp(st->str, "sent") != 0 &&
				     strcmp(st->str, "accepted") != 0)) {
					lost++;
					diag("proposal %s is %s, not priced",
					     o->id,
					     st && st->str ? st->str : "missing");
				}
				if (st)
					freeReplyObject(st);
				if (o->accepted &&
				    rint_of(rc,
				            "EXISTS keel:{scheduling}:engagement:%s",
				            o->id) != 1) {
					lost++;
					diag("accepted proposal %s has no "
					     "engagement in scheduling",
					     o->id);
				}
				accepted_n += o->accepted;
				if (priced_times(o->id) != 1) {
					doubled += priced_times(o->id) > 1;
					diag("proposal %s priced %d times",
					     o->id, priced_times(o->id));
				}
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
	     "ticket.create %d, proposal %d; unknown %d/%d/%d/%d; refused "
	     "%d/%d/%d/%d",
	     n, acked[0], acked[1], acked[2], acked[3], unknown[0], unknown[1],
	     unknown[2], unknown[3], refused[0], refused[1], refused[2],
	     refused[3]);
	diag("proposals accepted (engagements for scheduling): %d", accepted_n);
	for (int f = 0; f < NFAULTS; f++)
		diag("  nemesis: %-16s %d", fault_names[f], faults[f]);
	diag("lost %d, applied twice %d, replays answered otherwise %d of %d",
	     lost, doubled, replay_bad, replayed);
	diag("owed after healing (group entries not yet applied, pricing's "
	     "queue): %lld at most, all applied in %lld ms",
	     backlog_max, recovery_ms);
	ok(acked[0] + acked[1] + acked[2] + acked[3] > 50,
	   "the workload ran through the faults (%d acknowledged)",
	   acked[0] + acked[1] + acked[2] + acked[3]);
	is_int(lost, 0, "no acknowledged write lost");
	is_int(doubled, 0, "no effect applied twice");
	is_int(replay_bad, 0, "every acknowledged write replayed answers its "
	                      "first outcome");
	ok(recovery_ms < 60000, "the consumer group caught up (%lld ms)",
	   recovery_ms);

	kill(pid_intake, SIGTERM);
	kill(pid_ticketing, SIGTERM);
	kill(pid_pricing, SIGTERM);
	kill(pid_scheduling, SIGTERM);
	harness_wait(pid_scheduling, 10000);
	harness_wait(pid_intake, 10000);
	harness_wait(pid_ticketing, 10000);
	harness_wait(pid_pricing, 10000);
	harness_redis_stop(&redis);
	harness_cleanup();
	free(ops);
	free(priced);
	return done_testing();
}

/*
 * keel-ticketing clock: SLA due times and the timers that fire on them.
 * Runs on every instance's main loop (ticketing_tick, every 100 ms):
 *
 *  1. the planner takes tickets a change marked in sla-dirty, reads each
 *     one with its customer's calendar, computes the due times and the
 *     escalation thresholds in C (sla.c), and stores them with the timers
 *     in one script that applies only when the ticket's version is still
 *     the one it read (another change re-marks it and it is planned again);
 *  2. the firing script takes the timers that are due from the timers
 *     sorted set and applies each inside the same script that removes it:
 *     an escalation or a breach fires once, on whichever instance runs
 *     first, and, being in Redis, survives any restart.
 */
#include "ticketing.h"

#include "codec.h"
#include "daemon.h"
#include "events.h"
#include "log.h"
#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct keel_script *inputs_script;
static const struct keel_script *apply_script;
static const struct keel_script *fire_script;

/* ARGV[1] ticket id.  Returns {ticket fields..., pauses, tz, hours,
 * holidays, policy} or {} when the ticket is gone. */
static const char inputs_lua[] =
    "local T = 'keel:{ticketing}:'\n"
    "local f = redis.call('HMGET', T .. 'ticket:' .. ARGV[1], 'status',\n"
    "  'priority', 'customer', 'received_ms', 'responded_ms',\n"
    "  'paused_since', 'escalation', 'version', 'response_breached',\n"
    "  'resolution_breached', 'sla_policy')\n"
    "if not f[1] then return {} end\n"
    "local policy = redis.call('HGET', T .. 'sla:' .. (f[11] or "
    "'default'),\n"
    "                          'policy') or ''\n"
    "local c = redis.call('HMGET', T .. 'calendar:' .. f[3], 'timezone',\n"
    "                     'hours', 'holidays')\n"
    "if not c[1] then\n"
    "  c = {redis.call('HGET', T .. 'customer:' .. f[3], 'timezone') or "
    "'UTC', '', ''}\n"
    "end\n"
    "for i = 1, 10 do f[i] = f[i] or '0' end\n"
    "f[11] = redis.call('LRANGE', T .. 'pauses:' .. ARGV[1], 0, -1)\n"
    "f[12], f[13], f[14] = c[1], c[2] or '', c[3] or ''\n"
    "f[15] = policy\n"
    "return f\n";

/* ARGV[1] id, ARGV[2] version read, ARGV[3] response due, ARGV[4]
 * resolution due, ARGV[5] queue score, ARGV[6] what escalations count
 * against, then timer member/score pairs.  A closed ticket keeps the due
 * times it was closed with. */
static const char apply_lua[] =
    "local T = 'keel:{ticketing}:'\n"
    "local key = T .. 'ticket:' .. ARGV[1]\n"
    "local f = redis.call('HMGET', key, 'version', 'timers', 'status')\n"
    "if not f[1] then\n"
    "  redis.call('ZREM', T .. 'sla-dirty', ARGV[1])\n"
    "  return 0\n"
    "end\n"
    "if f[1] ~= ARGV[2] then return 0 end\n"
    "for m in string.gmatch(f[2] or '', '%S+') do\n"
    "  redis.call('ZREM', T .. 'timers', m)\n"
    "end\n"
    "local names = {}\n"
    "if f[3] ~= 'closed' then\n"
    "  for i = 7, #ARGV - 1, 2 do\n"
    "    redis.call('ZADD', T .. 'timers', ARGV[i + 1], ARGV[i])\n"
    "    names[#names + 1] = ARGV[i]\n"
    "  end\n"
    "  redis.call('ZADD', T .. 'queue', ARGV[5], ARGV[1])\n"
    "end\n"
    "if f[3] ~= 'closed' then\n"
    "  redis.call('HSET', key, 'response_due_ms', ARGV[3],\n"
    "             'resolution_due_ms', ARGV[4], 'esc_on', ARGV[6])\n"
    "end\n"
    "redis.call('HSET', key, 'timers', table.concat(names, ' '))\n"
    "redis.call('ZREM', T .. 'sla-dirty', ARGV[1])\n"
    "return 1\n";

/* ARGV[1] now, ARGV[2] event head, ARGV[3] most timers.  Returns {n,
 * id1, env1, ...} for keel_events_publish_pairs. */
static const char fire_lua[] =
    "local T = 'keel:{ticketing}:'\n"
    "local NOW = tonumber(ARGV[1])\n"
    "local out = {1}\n"
    "local emit = keel_emitter(T .. 'events', ARGV[2], 'ticket.', out)\n"
    "local due = redis.call('ZRANGEBYSCORE', T .. 'timers', '-inf', NOW,\n"
    "                       'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))\n"
    "for i = 1, #due, 2 do\n"
    "  local m, at = due[i], tonumber(due[i + 1])\n"
    "  redis.call('ZREM', T .. 'timers', m)\n"
    "  local id, kind = string.match(m, '^(.+)|(%w+)$')\n"
    "  local key = T .. 'ticket:' .. (id or '')\n"
    "  local f = id and redis.call('HMGET', key, 'status', 'customer',\n"
    "    'priority', 'assignee', 'responded_ms', 'escalation',\n"
    "    'paused_since', 'timers', 'esc_on')\n"
    "  if f and f[1] and f[1] ~= 'closed' then\n"
    "    local left = {}\n"
    "    for t in string.gmatch(f[8] or '', '%S+') do\n"
    "      if t ~= m then left[#left + 1] = t end\n"
    "    end\n"
    "    redis.call('HSET', key, 'timers', table.concat(left, ' '))\n"
    "    local b = {id = id, customer = f[2], priority = f[3],\n"
    "               status = f[1], assignee = f[4]}\n"
    "    local what, detail\n"
    "    if kind == 'response' and f[5] == '0' then\n"
    "      redis.call('HSET', key, 'response_breached', '1')\n"
    "      b.kind, b.due_ms = 'response', at\n"
    "      what, detail = 'breached', 'first response was due'\n"
    "    elseif kind == 'resolution' then\n"
    "      redis.call('HSET', key, 'resolution_breached', '1')\n"
    "      b.kind, b.due_ms = 'resolution', at\n"
    "      what, detail = 'breached', 'resolution was due'\n"
    "    else\n"
    "      local lv = tonumber(string.match(kind, '^esc(%d+)$') or '0')\n"
    "      local done = f[9] == 'response' and f[5] ~= '0'\n"
    "      if lv > tonumber(f[6] or '0') and f[7] == '0' and not done then\n"
    "        local role = lv == 1 and 'service_manager' or 'executive'\n"
    "        local to = table.concat(redis.call('ZRANGE',\n"
    "          T .. 'staff-by-role:' .. role, 0, -1), ',')\n"
    "        redis.call('HSET', key, 'escalation', lv)\n"
    "        b.kind, b.level, b.to = 'administrative', lv, "
    "string.sub(to, 1, 600)\n"
    "        what = 'escalated'\n"
    "        detail = 'administrative, level ' .. lv .. ' to ' .. role ..\n"
    "                 (to ~= '' and (' ' .. to) or '')\n"
    "      end\n"
    "    end\n"
    "    if what then\n"
    "      b.version = redis.call('HINCRBY', key, 'version', 1)\n"
    "      redis.call('RPUSH', T .. 'history:' .. id,\n"
    "        cmsgpack.pack({ts = NOW, what = what, detail = detail}))\n"
    "      emit(what == 'breached' and 'sla_breached' or 'escalated', b)\n"
    "    end\n"
    "  end\n"
    "end\n"
    "return out\n";

int
ticketing_clock_init(struct keel_store *store)
{
	size_t n = strlen(keel_lua_emitter) + sizeof(fire_lua);
	char *lua = malloc(n);
	int r;

	if (!lua)
		return -1;
	snprintf(lua, n, "%s%s", keel_lua_emitter, fire_lua);
	r = keel_store_script(store, lua, &fire_script);
	free(lua);
	if (r == 0)
		r = keel_store_script(store, inputs_lua, &inputs_script);
	if (r == 0)
		r = keel_store_script(store, apply_lua, &apply_script);
	return r;
}

/* Zones by name, loaded once (only the store thread, in plan_done, uses
 * them). */
static struct keel_tz *
zone(const char *name)
{
	static struct {
		char name[65];
		struct keel_tz *tz;
	} cache[64];
	static size_t n;
	struct keel_tz *tz = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(cache[i].name, name) == 0)
			return cache[i].tz;
	if (keel_tz_load(name, &tz) < 0 && keel_tz_load("UTC", &tz) < 0)
		return NULL;
	if (n < 64) {
		snprintf(cache[n].name, sizeof(cache[n].name), "%s", name);
		cache[n++].tz = tz;
	}
	return tz;
}

/* Waits for the reads of one tick's plans, all sent in one pipeline. */
struct barrier {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int pending;
};

struct plan {
	struct barrier *bar;
	char id[40];
	char version[24];
	int64_t response_due, resolution_due, score;
	const char *esc_on;
	int ntimers;
	char names[8][64];
	int64_t at[8];
	bool ok;
};

static long long
rnum(const struct keel_reply *r, size_t i)
{
	return strtoll(keel_reply_str_at(r, i, NULL), NULL, 10);
}

static void
add_timer(struct plan *p, const char *kind, int64_t at)
{
	char *name = p->names[p->ntimers];
	size_t idlen = strlen(p->id);

	if (p->ntimers >= 8 || idlen + strlen(kind) + 2 > sizeof(p->names[0]))
		return;
	memcpy(name, p->id, idlen);
	name[idlen] = '|';
	memcpy(name + idlen + 1, kind, strlen(kind) + 1);
	p->at[p->ntimers++] = at;
}

/* Computes the plan of one ticket from the inputs script's reply. */
static void
plan_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct plan *p = arg;
	struct ticketing_sla sla;
	struct keel_calendar business, always = {0};
	int64_t days[400], now = keel_time_now_ms();
	const char *hours, *hols;
	size_t hl, ol;
	int prio, status;
	int64_t received, responded, paused_since;
	int escalation;
	bool paused, resp_breached, res_breached;
	const struct keel_reply *pauses;
	const struct sla_target *esc_target = NULL;
	int64_t esc_paused = 0;

	(void)err;
	p->ok = false;
	if (!r || keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) < 14)
		return;
	status = ticketing_status_parse(keel_reply_str_at(r, 0, NULL));
	prio = ticketing_priority_parse(keel_reply_str_at(r, 1, NULL));
	if (status < 0 || prio < 0)
		return;
	received = rnum(r, 3);
	responded = rnum(r, 4);
	paused_since = rnum(r, 5);
	escalation = (int)rnum(r, 6);
	snprintf(p->version, sizeof(p->version), "%s",
	         keel_reply_str_at(r, 7, NULL));
	resp_breached = rnum(r, 8) == 1;
	res_breached = rnum(r, 9) == 1;
	pauses = keel_reply_at(r, 10);
	hours = keel_reply_str_at(r, 12, &hl);
	hols = keel_reply_str_at(r, 13, &ol);
	{
		size_t plen;
		const char *policy = keel_reply_str_at(r, 14, &plen);

		ticketing_sla_load(policy, plen, &sla);
	}
	business.tz = zone(keel_reply_str_at(r, 11, NULL));
	keel_cal_read(hours, hl, hols, ol, 9 * 60, 17 * 60, &business, days,
	              400);
	always.tz = zone("UTC");
	for (int d = 0; d < 7; d++)
		always.close_min[d] = 1440;
	if (!business.tz || !always.tz)
		return;
	paused = paused_since > 0;

	/* Each target counts its own coverage of the pauses. */
	for (int k = 0; k < 2; k++) {
		const struct sla_target *t =
		    k == 0 ? &sla.response[prio] : &sla.resolution[prio];
		int64_t pm = 0, due = 0;

		for (size_t i = 0; i < keel_reply_len(pauses); i++) {
			long long a = 0, b = 0;
			const char *s = keel_reply_str_at(pauses, i, NULL);

			if (sscanf(s, "%lld-%lld", &a, &b) == 2)
				pm += ticketing_sla_paused(t, &business,
				                           &always, a, b);
		}
		if (paused)
			pm += ticketing_sla_paused(t, &business, &always,
			                           paused_since, now);
		if (ticketing_sla_due(t, &business, &always, received, pm,
		                      &due) < 0)
			due = 0;
		if (k == 0)
			p->response_due = due;
		else
			p->resolution_due = due;
		if (k == 1 && due > 0) {
			esc_target = t;
			esc_paused = pm;
			p->esc_on = "resolution";
		} else if (k == 0 && due > 0 && responded == 0) {
			esc_target = t;
			esc_paused = pm;
			p->esc_on = "response";
		}
	}
	{
		int64_t next = responded == 0 && p->response_due > 0
		                   ? p->response_due
		                   : p->resolution_due;

		p->score = (int64_t)prio * 10000000000000LL +
		           (next > 0 ? next : 9999999999999LL);
	}
	if (!paused && status != TS_CLOSED) {
		if (responded == 0 && p->response_due > 0 && !resp_breached)
			add_timer(p, "response", p->response_due);
		if (p->resolution_due > 0 && !res_breached)
			add_timer(p, "resolution", p->resolution_due);
		for (int i = escalation; esc_target && i < sla.nescalations;
		     i++) {
			char kind[16];
			int64_t at;

			if (ticketing_sla_threshold(
			        esc_target, &business, &always, received,
			        esc_paused, sla.escalate_bp[i], &at) < 0)
				continue;
			snprintf(kind, sizeof(kind), "esc%d", i + 1);
			add_timer(p, kind, at);
		}
	}
	p->ok = true;
}

static void
plan_read(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct plan *p = arg;
	struct barrier *bar = p->bar;

	plan_done(p, r, err);
	pthread_mutex_lock(&bar->lock);
	if (--bar->pending == 0)
		pthread_cond_signal(&bar->cond);
	pthread_mutex_unlock(&bar->lock);
}

static void
ids_done(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct plan *plans = arg;

	(void)err;
	for (size_t i = 0; r && i < keel_reply_len(r) && i < 32; i++)
		snprintf(plans[i].id, sizeof(plans[i].id), "%s",
		         keel_reply_str_at(r, i, NULL));
}

static void
fired(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct keel_daemon *d = arg;

	if (!r || keel_reply_type(r) != KEEL_R_ARRAY) {
		keel_log(KEEL_LOG_WARNING, "timers not fired", "error",
		         r ? keel_reply_str(r, NULL) : err->message, NULL);
		return;
	}
	keel_events_publish_pairs(keel_daemon_pub(d), r, 1);
}

static void
ignore(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	(void)arg;
	(void)r;
	(void)err;
}

static void
plan_some(struct keel_store *s)
{
	static struct plan plans[32];
	struct barrier bar = {.pending = 0};
	int n = 0;

	memset(plans, 0, sizeof(plans));
	keel_store_sync(
	    s, 4,
	    (const char *[]){"ZRANGE", "keel:{ticketing}:sla-dirty", "0", "31"},
	    NULL, ids_done, plans);
	while (n < 32 && plans[n].id[0])
		n++;
	if (n == 0)
		return;
	/* Every ticket's inputs in one pipeline, then every plan applied in
	 * the next: two round trips a tick, however many tickets. */
	pthread_mutex_init(&bar.lock, NULL);
	pthread_cond_init(&bar.cond, NULL);
	bar.pending = n;
	for (int i = 0; i < n; i++) {
		plans[i].bar = &bar;
		plans[i].esc_on = "";
		if (keel_store_eval(s, inputs_script, 0, 1,
		                    (const char *[]){plans[i].id}, NULL,
		                    plan_read, &plans[i]) < 0) {
			pthread_mutex_lock(&bar.lock);
			bar.pending--;
			pthread_mutex_unlock(&bar.lock);
		}
	}
	pthread_mutex_lock(&bar.lock);
	while (bar.pending > 0)
		pthread_cond_wait(&bar.cond, &bar.lock);
	pthread_mutex_unlock(&bar.lock);
	pthread_mutex_destroy(&bar.lock);
	pthread_cond_destroy(&bar.cond);
	for (int i = 0; i < n; i++) {
		struct plan *p = &plans[i];
		char due1[24], due2[24], score[24], at[8][24];
		const char *argv[6 + 16];
		int k = 0;

		if (!p->ok)
			continue;
		snprintf(due1, sizeof(due1), "%lld",
		         (long long)p->response_due);
		snprintf(due2, sizeof(due2), "%lld",
		         (long long)p->resolution_due);
		snprintf(score, sizeof(score), "%lld", (long long)p->score);
		argv[k++] = p->id;
		argv[k++] = p->version;
		argv[k++] = due1;
		argv[k++] = due2;
		argv[k++] = score;
		argv[k++] = p->esc_on;
		for (int t = 0; t < p->ntimers; t++) {
			snprintf(at[t], sizeof(at[t]), "%lld",
			         (long long)p->at[t]);
			argv[k++] = p->names[t];
			argv[k++] = at[t];
		}
		keel_store_eval(s, apply_script, 0, k, argv, NULL, ignore,
		                NULL);
	}
}

void
ticketing_tick(struct keel_daemon *d)
{
	struct keel_store *s = keel_daemon_store(d);
	struct keel_enc *h = keel_enc_new();
	char now[24];
	const void *p;
	size_t len;

	if (!keel_store_up(s) || !h) {
		keel_enc_free(h);
		return;
	}
	plan_some(s);
	snprintf(now, sizeof(now), "%lld", (long long)keel_time_now_ms());
	keel_events_head(h, keel_daemon_instance(d));
	p = keel_enc_data(h, &len);
	keel_store_eval(s, fire_script, 0, 3,
	                (const char *[]){now, (const char *)p, "200"},
	                (const size_t[]){strlen(now), len, 3}, fired, d);
	keel_enc_free(h);
}

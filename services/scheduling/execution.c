/*
 * keel-scheduling from agreed plan to signed acceptance (DOMAIN.md
 * section 1, steps 6-9): the checklist of preconditions (made when the
 * engagement arrives, from its products, operating systems, connection
 * and removal scope), its ticks (who and when), execution that starts only
 * when every item is ticked, the specialist's verification, and the
 * acceptance protocol signed by both sides - the only way to
 * engagement.completed, which billing invoices.
 *
 *   agreed --execution.start--> executing --execution.verify--> verified
 *   verified --acceptance.sign--> completed
 *
 * Keys: the engagement hash (checklist, status, checks, signed_by) and
 * keel:{scheduling}:ticks:<engagement> (item number -> "by\tms").
 */
#include "scheduling.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

static const struct keel_script *tick_script, *step_script, *list_script;

/* checklist_reply for engagement ARGV[1] as a Lua table, or nil. */
#define CHECKLIST_LUA                                                          \
	"local function checklist(eng)\n"                                      \
	"  local key = 'keel:{scheduling}:engagement:' .. eng\n"               \
	"  local text = redis.call('HGET', key, 'checklist')\n"                \
	"  if not text then return nil end\n"                                  \
	"  local ticks = redis.call('HGETALL', "                               \
	"'keel:{scheduling}:ticks:' .. eng)\n"                                 \
	"  local by = {}\n"                                                    \
	"  for i = 1, #ticks, 2 do by[ticks[i]] = ticks[i + 1] end\n"          \
	"  local items, done, n = {}, true, 0\n"                               \
	"  for item in string.gmatch(text, '[^\\n]+') do\n"                    \
	"    n = n + 1\n"                                                      \
	"    local t = by[tostring(n)]\n"                                      \
	"    local who, ms = '', 0\n"                                          \
	"    if t then\n"                                                      \
	"      who, ms = string.match(t, '^(.*)\\t(%d+)$')\n"                  \
	"      ms = tonumber(ms)\n"                                            \
	"    else done = false end\n"                                          \
	"    items[n] = {item = item, ticked_by = who, ticked_ms = ms}\n"      \
	"  end\n"                                                              \
	"  return {engagement = eng, items = items, done = done}\n"            \
	"end\n"

static const char list_lua[] = CHECKLIST_LUA "local c = checklist(ARGV[1])\n"
                                             "if not c then return '' end\n"
                                             "return cmsgpack.pack(c)\n";

/* ARGV[5] engagement, [6] item number, [7] by, [8] now. */
static const char tick_lua[] = CHECKLIST_LUA
    "local c = checklist(ARGV[5])\n"
    "if not c then\n"
    "  return keel_refuse('not_found', 'body.engagement',\n"
    "                     'engagement ' .. ARGV[5] .. ' not found')\n"
    "end\n"
    "local n = tonumber(ARGV[6])\n"
    "if n > #c.items then\n"
    "  return keel_refuse('invalid_field', 'body.item', 'body.item: the "
    "checklist has ' .. #c.items .. ' items')\n"
    "end\n"
    "if c.items[n].ticked_by ~= '' then return keel_done(c) end\n"
    "redis.call('HSET', 'keel:{scheduling}:ticks:' .. ARGV[5], n,\n"
    "           ARGV[7] .. '\\t' .. ARGV[8])\n"
    "local status = redis.call('HGET', 'keel:{scheduling}:engagement:' ..\n"
    "                          ARGV[5], 'status')\n"
    "return keel_done(checklist(ARGV[5]), 'ticked', {engagement = "
    "ARGV[5],\n"
    "  status = status, item = c.items[n].item, by = ARGV[7]})\n";

/* ARGV[5] engagement, [6] start|verify|sign, [7] by, [8] checks or the
 * customer's signatory, [9] date. */
static const char step_lua[] = CHECKLIST_LUA
    "local key = 'keel:{scheduling}:engagement:' .. ARGV[5]\n"
    "local e = redis.call('HMGET', key, 'status', 'customer', "
    "'activities',\n"
    "                     'total', 'currency')\n"
    "if not e[1] then\n"
    "  return keel_refuse('not_found', 'body.engagement',\n"
    "                     'engagement ' .. ARGV[5] .. ' not found')\n"
    "end\n"
    "local from = ({start = 'agreed', verify = 'executing',\n"
    "               sign = 'verified'})[ARGV[6]]\n"
    "local to = ({start = 'executing', verify = 'verified',\n"
    "             sign = 'completed'})[ARGV[6]]\n"
    "if e[1] ~= from then\n"
    "  return keel_refuse('invalid_transition', 'body.engagement',\n"
    "    'engagement ' .. ARGV[5] .. ' is ' .. e[1] .. '; ' .. e[1] ..\n"
    "    ' -> ' .. to .. ' is not allowed')\n"
    "end\n"
    "local body = {engagement = ARGV[5], status = to, customer = e[2],\n"
    "              by = ARGV[7]}\n"
    "if ARGV[6] == 'start' then\n"
    "  for n, it in ipairs(checklist(ARGV[5]).items) do\n"
    "    if it.ticked_by == '' then\n"
    "      return keel_refuse('invalid_transition', 'body.engagement',\n"
    "        'engagement ' .. ARGV[5] .. ' cannot start: checklist item '\n"
    "        .. n .. ' (' .. it.item .. ') is not ticked')\n"
    "    end\n"
    "  end\n"
    "  redis.call('HSET', key, 'status', to, 'started_by', ARGV[7])\n"
    "  return keel_done({engagement = ARGV[5], status = to}, "
    "'execution.started',\n"
    "                   body)\n"
    "elseif ARGV[6] == 'verify' then\n"
    "  redis.call('HSET', key, 'status', to, 'verified_by', ARGV[7],\n"
    "             'checks', ARGV[8])\n"
    "  return keel_done({engagement = ARGV[5], status = to},\n"
    "                   'execution.verified', body)\n"
    "end\n"
    "local units = 0\n"
    "for _, a in ipairs(cmsgpack.unpack(e[3])) do units = units + a.units "
    "end\n"
    "local signed = ARGV[7] .. ' (specialist), ' .. ARGV[8] .. ' "
    "(customer)'\n"
    "redis.call('HSET', key, 'status', to, 'signed_by', signed,\n"
    "           'signed_date', ARGV[9])\n"
    "body.units, body.total, body.currency = units, tonumber(e[4]), e[5]\n"
    "body.signed_by, body.date = signed, ARGV[9]\n"
    "body.by = nil\n"
    "keel_emit('engagement.feedback_requested', {engagement = ARGV[5],\n"
    "  status = to, customer = e[2]})\n"
    "keel_emit('engagement.upsell_suggested', {engagement = ARGV[5],\n"
    "  status = to, customer = e[2]})\n"
    "return keel_done({engagement = ARGV[5], status = to},\n"
    "                 'engagement.completed', body)\n";

int
scheduling_execution_init(struct keel_store *store)
{
	int r = keel_write_script(store, tick_lua, &tick_script);

	if (r == 0)
		r = keel_write_script(store, step_lua, &step_script);
	if (r == 0)
		r = keel_store_script(store, list_lua, &list_script);
	return r;
}

/* The preconditions of an engagement from its proposal.accepted body,
 * "\n"-joined. */
void
sched_checklist(const struct keel_obj *b, char *buf, size_t size)
{
	const struct keel_obj *products = keel_obj_get(b, "products");
	const struct keel_obj *os = keel_obj_get(b, "os");
	const struct keel_obj *remove = keel_obj_get(b, "remove");
	char conn[16] = "";
	bool in_scope = false;
	size_t used = 0;

#define LINE(...)                                                              \
	do {                                                                   \
		if (used < size)                                               \
			used += (size_t)snprintf(buf + used, size - used,      \
			                         __VA_ARGS__);                 \
	} while (0)
	buf[0] = '\0';
	keel_obj_strcpy(keel_obj_get(b, "connection"), conn, sizeof(conn));
	keel_obj_bool(keel_obj_get(b, "removal_in_scope"), &in_scope);
	if (strcmp(conn, "on_site") == 0)
		LINE("Site access and a workplace for the specialist are "
		     "arranged\n");
	else
		LINE("Remote access for the specialist is set up and tested\n");
	LINE("Administrator credentials for the specialist are ready\n");
	for (size_t i = 0; i < keel_obj_len(products); i++) {
		char p[101] = "";

		keel_obj_strcpy(keel_obj_at(products, i), p, sizeof(p));
		LINE("Firewall ports and proxy exceptions for %s are open\n",
		     p);
	}
	if (keel_obj_len(os) > 0) {
		LINE("Endpoints run supported systems (");
		for (size_t i = 0; i < keel_obj_len(os); i++) {
			char o[101] = "";

			keel_obj_strcpy(keel_obj_at(os, i), o, sizeof(o));
			LINE("%s%s", i ? ", " : "", o);
		}
		LINE(")\n");
	}
	for (size_t i = 0; i < keel_obj_len(remove); i++) {
		char r[101] = "";

		keel_obj_strcpy(keel_obj_at(remove, i), r, sizeof(r));
		if (in_scope)
			LINE(
			    "%s can be removed by the vendor's standard method "
			    "(supported systems, licence keys at hand)\n",
			    r);
		else
			LINE("%s is removed by the customer\n", r);
	}
	LINE("A recent backup of the affected systems exists\n");
#undef LINE
}

void
scheduling_checklist_get(struct keel_req *req)
{
	scheduling_read_engagement(req, list_script);
}

void
scheduling_checklist_tick(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char eng[33] = "", by[201] = "", item[8], now[24];
	int64_t n = 0;

	keel_obj_strcpy(keel_obj_get(b, "engagement"), eng, sizeof(eng));
	keel_obj_strcpy(keel_obj_get(b, "by"), by, sizeof(by));
	keel_obj_int(keel_obj_get(b, "item"), &n);
	snprintf(item, sizeof(item), "%lld", (long long)n);
	snprintf(now, sizeof(now), "%lld", (long long)keel_time_now_ms());
	for (char *c = by; *c; c++)
		if (*c == '\t')
			*c = ' ';
	keel_write(req, &(struct keel_write){
	                    .script = tick_script,
	                    .event_prefix = "checklist.",
	                    .nargs = 4,
	                    .args = (const char *[]){eng, item, by, now},
	                });
}

static void
step(struct keel_req *req, const char *op, const char *extra, const char *date)
{
	char eng[33] = "", by[201] = "";
	const struct keel_obj *b = keel_req_body(req);

	keel_obj_strcpy(keel_obj_get(b, "engagement"), eng, sizeof(eng));
	if (!keel_obj_strcpy(keel_obj_get(b, "by"), by, sizeof(by)))
		keel_obj_strcpy(keel_obj_get(b, "specialist"), by, sizeof(by));
	keel_write(req, &(struct keel_write){
	                    .script = step_script,
	                    .event_prefix = "",
	                    .nargs = 5,
	                    .args = (const char *[]){eng, op, by, extra, date},
	                });
}

void
scheduling_execution_start(struct keel_req *req)
{
	step(req, "start", "", "");
}

void
scheduling_execution_verify(struct keel_req *req)
{
	const struct keel_obj *checks =
	    keel_obj_get(keel_req_body(req), "checks");
	char joined[8192] = "";
	size_t used = 0;

	for (size_t i = 0; i < keel_obj_len(checks) && used < sizeof(joined);
	     i++) {
		char c[301] = "";

		keel_obj_strcpy(keel_obj_at(checks, i), c, sizeof(c));
		used += (size_t)snprintf(joined + used, sizeof(joined) - used,
		                         "%s%s", i ? "\n" : "", c);
	}
	step(req, "verify", joined, "");
}

void
scheduling_acceptance_sign(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char who[201] = "", date[11] = "";
	int64_t day;

	keel_obj_strcpy(keel_obj_get(b, "customer"), who, sizeof(who));
	keel_obj_strcpy(keel_obj_get(b, "date"), date, sizeof(date));
	if (!keel_time_date(date, strlen(date), &day) ||
	    day > keel_time_now_ms() / 86400000 + 1) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.date",
		              "body.date: '%s' is not a date up to today",
		              date);
		return;
	}
	step(req, "sign", who, date);
}

/*
 * keel-ticketing tickets: creation (ticket.create, and request.received
 * through the consumer group), assignment, the lifecycle, escalation,
 * referral and time entries.  Each change is one write script: it checks
 * the ticket's status against the set lifecycle.c allows, applies the
 * change with its indexes, and appends its events, in one atomic Redis
 * step - so any number of instances can serve the same tickets.
 *
 * Keys, all under keel:{ticketing}:
 *   ticket:<id>        the ticket (hash)
 *   history:<id>       what happened (list of msgpack maps)
 *   time:<id>          time entries (list of msgpack maps)
 *   requests:<id>      requests received for it (list)
 *   pauses:<id>        "from-to" paused intervals (list)
 *   queue              tickets not closed, score priority * 1e13 + due
 *   closed             closed tickets by closing time
 *   by-customer:<c>    a customer's tickets by time of receipt
 *   incident:<c>:d:<device>, incident:<c>:s:<service>
 *                      the open incident of a device or service
 *   load               technician -> tickets assigned and not closed
 *   sla-dirty          tickets whose due times the clock must compute
 *   word:<w>           closed tickets whose symptoms or resolution hold w
 */
#include "ticketing.h"

#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "events.h"
#include "ids.h"
#include "ktime.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Needs NOW (ms), PAUSES (" a b ") and emit(suffix, body). */
const char ticketing_ticket_lua[] =
    "local T = 'keel:{ticketing}:'\n"
    "local PRIO = {critical = 0, high = 1, normal = 2, low = 3}\n"
    "local function tk(id) return T .. 'ticket:' .. id end\n"
    "local function load(id)\n"
    "  local f = redis.call('HGETALL', tk(id))\n"
    "  if #f == 0 then return nil end\n"
    "  local t = {}\n"
    "  for i = 1, #f, 2 do t[f[i]] = f[i + 1] end\n"
    "  return t\n"
    "end\n"
    "local function set(t, ...)\n"
    "  local a = {...}\n"
    "  for i = 1, #a, 2 do t[a[i]] = a[i + 1] end\n"
    "  redis.call('HSET', tk(t.id), ...)\n"
    "end\n"
    "local function history(t, what, detail)\n"
    "  redis.call('RPUSH', T .. 'history:' .. t.id,\n"
    "             cmsgpack.pack({ts = NOW, what = what, detail = detail}))\n"
    "end\n"
    "local function bump(t)\n"
    "  t.version = tostring(redis.call('HINCRBY', tk(t.id), 'version', 1))\n"
    "end\n"
    "local function body(t, extra)\n"
    "  local b = {id = t.id, customer = t.customer, priority = t.priority,\n"
    "             status = t.status, assignee = t.assignee,\n"
    "             version = tonumber(t.version)}\n"
    "  if extra then for k, v in pairs(extra) do b[k] = v end end\n"
    "  return b\n"
    "end\n"
    "local function dirty(t) redis.call('ZADD', T .. 'sla-dirty', NOW, t.id) "
    "end\n"
    /* The ticket's policy's pause statuses (sla.put), else PAUSES. */
    "local function paused(t, s)\n"
    "  local p = redis.call('HGET', T .. 'sla:' .. (t.sla_policy or "
    "'default'),\n"
    "                       'pauses') or PAUSES\n"
    "  return string.find(p, ' ' .. s .. ' ', 1, true) ~= nil\n"
    "end\n"
    /* Returns the assignee before, or false when nothing changed. */
    "local function assign(t, sid)\n"
    "  local old = t.assignee\n"
    "  if old == sid then return false end\n"
    "  if old ~= '' then redis.call('ZINCRBY', T .. 'load', -1, old) end\n"
    "  redis.call('ZINCRBY', T .. 'load', 1, sid)\n"
    "  set(t, 'assignee', sid)\n"
    "  history(t, 'assigned', old == '' and sid or (old .. ' -> ' .. sid))\n"
    "  return old\n"
    "end\n"
    /* The technician of exactly `level` with the fewest open tickets
     * (then the lowest id); the next level up when there is none. */
    "local function least_loaded(level)\n"
    "  local techs = redis.call('ZRANGE', T .. 'staff-by-role:technician',\n"
    "                           0, -1)\n"
    "  for lv = level, 3 do\n"
    "    local best, bl\n"
    "    for _, sid in ipairs(techs) do\n"
    "      if tonumber(redis.call('HGET', T .. 'staff:' .. sid, 'level')\n"
    "                  or '0') == lv then\n"
    "        local l = tonumber(redis.call('ZSCORE', T .. 'load', sid) "
    "or '0')\n"
    "        if not best or l < bl then best, bl = sid, l end\n"
    "      end\n"
    "    end\n"
    "    if best then return best end\n"
    "  end\n"
    "  return nil\n"
    "end\n"
    "local function set_status(t, new, detail)\n"
    "  local old = t.status\n"
    "  set(t, 'status', new)\n"
    "  if old == 'new' and t.responded_ms == '0' then\n"
    "    set(t, 'responded_ms', tostring(NOW))\n"
    "  end\n"
    "  if paused(t, new) and not paused(t, old) then\n"
    "    set(t, 'paused_since', tostring(NOW))\n"
    "  elseif paused(t, old) and not paused(t, new) then\n"
    "    redis.call('RPUSH', T .. 'pauses:' .. t.id,\n"
    "               t.paused_since .. '-' .. NOW)\n"
    "    set(t, 'paused_since', '0')\n"
    "  end\n"
    "  history(t, 'status', old .. ' -> ' .. new ..\n"
    "          ((detail and detail ~= '') and (': ' .. detail) or ''))\n"
    "  dirty(t)\n"
    "  return old\n"
    "end\n"
    "local function incident_keys(f)\n"
    "  local keys = {}\n"
    "  for d in string.gmatch(f.devices, '[^,]+') do\n"
    "    keys[#keys + 1] = T .. 'incident:' .. f.customer .. ':d:' .. d\n"
    "  end\n"
    "  if f.service ~= '' then\n"
    "    keys[#keys + 1] = T .. 'incident:' .. f.customer .. ':s:' .. "
    "f.service\n"
    "  end\n"
    "  return keys\n"
    "end\n"
    /* f: the request's fields as strings.  A request (f.request set) of a
     * device or service with an open incident is linked to it. */
    "local function create(f)\n"
    "  local keys = incident_keys(f)\n"
    "  if f.request ~= '' then\n"
    "    for _, k in ipairs(keys) do\n"
    "      local tid = redis.call('GET', k)\n"
    "      local t = tid and load(tid)\n"
    "      if t and t.status ~= 'closed' then\n"
    "        redis.call('RPUSH', T .. 'requests:' .. t.id, f.request)\n"
    "        history(t, 'linked', f.request)\n"
    "        bump(t)\n"
    "        emit('linked', body(t, {request = f.request}))\n"
    "        return t, false\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "  local id = string.format('T-%06d', redis.call('INCR', T .. "
    "'seq:ticket'))\n"
    "  local t = {id = id, customer = f.customer, contact = f.contact,\n"
    "    channel = f.channel, priority = f.priority, status = 'new',\n"
    "    assignee = '', level = f.level, devices = f.devices,\n"
    "    service = f.service, symptoms = f.symptoms, steps = f.steps,\n"
    "    changes = f.changes, metric = f.metric,\n"
    "    received_ms = f.received_ms, created_ms = tostring(NOW),\n"
    "    responded_ms = '0', response_due_ms = '0',\n"
    "    resolution_due_ms = '0', closed_ms = '0', escalation = '0',\n"
    "    referred = '', covered_minutes = '0', billable_minutes = '0',\n"
    "    confirmed_by = '', resolution = '', actions = '', resolved = '0',\n"
    "    paused_since = '0', timers = '', version = '1',\n"
    "    sla_policy = redis.call('HGET', T .. 'customer:' .. f.customer,\n"
    "                            'sla_policy') or 'default'}\n"
    "  local a = {}\n"
    "  for k, v in pairs(t) do a[#a + 1] = k; a[#a + 1] = v end\n"
    "  redis.call('HSET', tk(id), unpack(a))\n"
    "  if f.request ~= '' then\n"
    "    redis.call('RPUSH', T .. 'requests:' .. id, f.request)\n"
    "  end\n"
    "  for _, k in ipairs(keys) do redis.call('SET', k, id) end\n"
    "  redis.call('ZADD', T .. 'by-customer:' .. f.customer,\n"
    "             tonumber(f.received_ms), id)\n"
    "  redis.call('ZADD', T .. 'queue',\n"
    "             PRIO[t.priority] * 10000000000000 + 9999999999999, id)\n"
    "  history(t, 'created', 'by ' .. f.contact .. ' via ' .. f.channel ..\n"
    "          (f.request ~= '' and (', request ' .. f.request) or ''))\n"
    "  emit('created', body(t, {request = f.request ~= '' and f.request "
    "or nil}))\n"
    "  local sid = least_loaded(tonumber(f.level))\n"
    "  if sid then\n"
    "    assign(t, sid)\n"
    "    bump(t)\n"
    "    emit('assigned', body(t, {from = ''}))\n"
    "  end\n"
    "  dirty(t)\n"
    "  return t, true\n"
    "end\n";

/* Write scripts: the kit, NOW/PAUSES/FROM, the ticket Lua, then helpers
 * every operation uses.  ARGV[5] now, ARGV[6] pause statuses, ARGV[7] the
 * statuses the operation may start from, ARGV[8] the ticket id (create:
 * the customer), the operation's own from ARGV[9]. */
static const char op_head[] =
    "local NOW, PAUSES, FROM = tonumber(ARGV[5]), ARGV[6], ARGV[7]\n"
    "local emit = keel_emit\n";

static const char op_common[] =
    "local function reply(t)\n"
    "  return keel_done({id = t.id, status = t.status, assignee = "
    "t.assignee,\n"
    "                    version = tonumber(t.version)})\n"
    "end\n"
    "local function take(want)\n"
    "  local t = load(ARGV[8])\n"
    "  if not t then\n"
    "    return nil, keel_refuse('not_found', 'body.id',\n"
    "                            'ticket ' .. ARGV[8] .. ' not found')\n"
    "  end\n"
    "  if not string.find(FROM, ' ' .. t.status .. ' ', 1, true) then\n"
    "    return nil, keel_refuse('invalid_transition', 'body.id',\n"
    "      'ticket ' .. t.id .. ' is ' .. t.status .. '; ' .. t.status ..\n"
    "      ' -> ' .. want .. ' is not allowed')\n"
    "  end\n"
    "  return t\n"
    "end\n"
    "local function not_resolved(t, want)\n"
    "  return keel_refuse('invalid_transition', 'body.id',\n"
    "    'ticket ' .. t.id .. ' is hold_resolution waiting on the "
    "customer, not resolved; hold_resolution -> ' .. want ..\n"
    "    ' needs ticket.resolve first')\n"
    "end\n"
    "local function pick(sid, level)\n"
    "  if sid == '' then\n"
    "    sid = least_loaded(level)\n"
    "    if not sid then\n"
    "      return nil, keel_refuse('unavailable', 'body.technician',\n"
    "        'no technician of level ' .. level .. ' or above')\n"
    "    end\n"
    "    return sid\n"
    "  end\n"
    "  local s = redis.call('HMGET', T .. 'staff:' .. sid, 'role', "
    "'level')\n"
    "  if not s[1] then\n"
    "    return nil, keel_refuse('not_found', 'body.technician',\n"
    "                            'staff member ' .. sid .. ' not found')\n"
    "  end\n"
    "  if s[1] ~= 'technician' then\n"
    "    return nil, keel_refuse('invalid_field', 'body.technician',\n"
    "      sid .. ' is a ' .. s[1] .. ', not a technician')\n"
    "  end\n"
    "  if tonumber(s[2]) < level then\n"
    "    return nil, keel_refuse('invalid_field', 'body.technician',\n"
    "      'technician ' .. sid .. ' has level ' .. s[2] ..\n"
    "      '; the ticket needs level ' .. level)\n"
    "  end\n"
    "  return sid\n"
    "end\n";

static const char create_lua[] =
    "if redis.call('EXISTS', T .. 'customer:' .. ARGV[8]) == 0 then\n"
    "  return keel_refuse('not_found', 'body.customer', 'customer ' ..\n"
    "    ARGV[8] .. ' is not known to keel-ticketing (customer.put on "
    "keel-intake first)')\n"
    "end\n"
    "local t = create({customer = ARGV[8], contact = ARGV[9],\n"
    "  channel = ARGV[10], priority = ARGV[11], devices = ARGV[12],\n"
    "  service = ARGV[13], symptoms = ARGV[14], steps = ARGV[15],\n"
    "  changes = ARGV[16], metric = ARGV[17], received_ms = ARGV[18],\n"
    "  level = ARGV[19], request = ''})\n"
    "return reply(t)\n";

static const char assign_lua[] =
    "local t, no = take('assigned')\n"
    "if not t then return no end\n"
    "local sid, why = pick(ARGV[9], tonumber(t.level))\n"
    "if not sid then return why end\n"
    "local old = assign(t, sid)\n"
    "if old then\n"
    "  bump(t)\n"
    "  emit('assigned', body(t, {from = old}))\n"
    "end\n"
    "return reply(t)\n";

static const char status_lua[] =
    "local want, note = ARGV[9], ARGV[10]\n"
    "local t, no = take(want)\n"
    "if not t then return no end\n"
    "if want ~= 'hold_resolution' and t.assignee == '' then\n"
    "  return keel_refuse('invalid_transition', 'body.status',\n"
    "    'ticket ' .. t.id .. ' has no technician; assign one before ' ..\n"
    "    t.status .. ' -> ' .. want)\n"
    "end\n"
    "local old = set_status(t, want, note)\n"
    "set(t, 'resolved', '0')\n"
    "bump(t)\n"
    "emit('status_changed', body(t, {from = old,\n"
    "                                reason = note ~= '' and note or nil}))\n"
    "return reply(t)\n";

static const char resolve_lua[] =
    "local t, no = take('hold_resolution (resolved)')\n"
    "if not t then return no end\n"
    "local old = t.status\n"
    "set(t, 'resolution', ARGV[9], 'actions', ARGV[10], 'resolved', '1',\n"
    "    'resolved_by', t.assignee, 'resolved_ms', tostring(NOW))\n"
    "if old ~= 'hold_resolution' then\n"
    "  set_status(t, 'hold_resolution', 'resolved')\n"
    "else\n"
    "  history(t, 'resolved', '')\n"
    "end\n"
    "bump(t)\n"
    "emit('status_changed', body(t, {from = old, reason = 'resolved'}))\n"
    "return reply(t)\n";

static const char confirm_lua[] =
    "local t, no = take('closed')\n"
    "if not t then return no end\n"
    "if t.resolved ~= '1' then return not_resolved(t, 'closed') end\n"
    "local old = set_status(t, 'closed', 'confirmed by ' .. ARGV[9])\n"
    "set(t, 'closed_ms', tostring(NOW), 'confirmed_by', ARGV[9])\n"
    "redis.call('ZREM', T .. 'queue', t.id)\n"
    "redis.call('ZREM', T .. 'sla-dirty', t.id)\n"
    "redis.call('ZADD', T .. 'closed', NOW, t.id)\n"
    "if t.assignee ~= '' then\n"
    "  redis.call('ZINCRBY', T .. 'load', -1, t.assignee)\n"
    "end\n"
    "for _, k in ipairs(incident_keys(t)) do\n"
    "  if redis.call('GET', k) == t.id then redis.call('DEL', k) end\n"
    "end\n"
    "for m in string.gmatch(t.timers, '%S+') do\n"
    "  redis.call('ZREM', T .. 'timers', m)\n"
    "end\n"
    "set(t, 'timers', '')\n"
    "local seen = {}\n"
    "local text = string.lower(t.symptoms .. ' ' .. t.resolution .. ' ' ..\n"
    "                          t.actions)\n"
    "for w in string.gmatch(text, '%w+') do\n"
    "  if #w >= 2 and #w <= 40 and not seen[w] then\n"
    "    seen[w] = true\n"
    "    redis.call('SADD', T .. 'word:' .. w, t.id)\n"
    "  end\n"
    "end\n"
    "bump(t)\n"
    "emit('status_changed', body(t, {from = old}))\n"
    "emit('closed', body(t, {record = {\n"
    "  reported_ms = tonumber(t.received_ms), reported_by = t.contact,\n"
    "  details = t.symptoms, actions = t.actions,\n"
    "  resolution = t.resolution, resolved_by = t.resolved_by or '',\n"
    "  covered_minutes = tonumber(t.covered_minutes),\n"
    "  billable_minutes = tonumber(t.billable_minutes),\n"
    "  sla_covered = t.referred == '', confirmed_by = ARGV[9]}}))\n"
    "return reply(t)\n";

static const char reopen_lua[] =
    "local t, no = take('open (not resolved)')\n"
    "if not t then return no end\n"
    "if t.resolved ~= '1' then return not_resolved(t, 'open') end\n"
    "set(t, 'resolved', '0', 'resolved_ms', '0')\n"
    "local old = set_status(t, 'open', 'not resolved: ' .. ARGV[9])\n"
    "bump(t)\n"
    "emit('status_changed', body(t, {from = old, reason = ARGV[9]}))\n"
    "return reply(t)\n";

static const char escalate_lua[] =
    "local t, no = take('escalated')\n"
    "if not t then return no end\n"
    "local lv = tonumber(ARGV[9]) or (tonumber(t.level) + 1)\n"
    "if lv <= tonumber(t.level) or lv > 3 then\n"
    "  return keel_refuse('invalid_field', 'body.level', 'ticket ' .. t.id "
    "..\n"
    "    ' is at level ' .. t.level ..\n"
    "    '; a technical escalation goes to a higher level, at most 3')\n"
    "end\n"
    "local sid, why = pick(ARGV[10], lv)\n"
    "if not sid then return why end\n"
    "set(t, 'level', tostring(lv))\n"
    "local old = assign(t, sid)\n"
    "history(t, 'escalated', 'technical, level ' .. lv .. ': ' .. "
    "ARGV[12])\n"
    "bump(t)\n"
    "if old then emit('assigned', body(t, {from = old})) end\n"
    "emit('escalated', body(t, {kind = 'technical', level = lv, to = sid,\n"
    "                           reason = ARGV[12]}))\n"
    "if ARGV[11] == '1' then\n"
    "  local prev = set_status(t, 'rfc_submitted', 'needs a process "
    "change')\n"
    "  bump(t)\n"
    "  emit('status_changed', body(t, {from = prev}))\n"
    "  emit('rfc_requested', body(t, {reason = ARGV[12]}))\n"
    "end\n"
    "return reply(t)\n";

static const char refer_lua[] =
    "local t, no = take('hold_resolution (referred)')\n"
    "if not t then return no end\n"
    "set(t, 'referred', ARGV[9], 'resolved', '0')\n"
    "local old = set_status(t, 'hold_resolution', 'referred: ' .. ARGV[9])\n"
    "bump(t)\n"
    "emit('status_changed', body(t, {from = old}))\n"
    "emit('referred', body(t, {reason = ARGV[9]}))\n"
    "return reply(t)\n";

static const char log_time_lua[] =
    "local t, no = take('time logged')\n"
    "if not t then return no end\n"
    "local tech = ARGV[11] ~= '' and ARGV[11] or t.assignee\n"
    "if ARGV[11] ~= '' and\n"
    "   redis.call('EXISTS', T .. 'staff:' .. ARGV[11]) == 0 then\n"
    "  return keel_refuse('not_found', 'body.technician',\n"
    "                     'staff member ' .. ARGV[11] .. ' not found')\n"
    "end\n"
    "local minutes, covered = tonumber(ARGV[9]), ARGV[10] == '1'\n"
    "redis.call('RPUSH', T .. 'time:' .. t.id, cmsgpack.pack({\n"
    "  minutes = minutes, covered = covered, technician = tech,\n"
    "  note = ARGV[12], ts = NOW}))\n"
    "local field = covered and 'covered_minutes' or 'billable_minutes'\n"
    "t[field] = tostring(redis.call('HINCRBY', tk(t.id), field, minutes))\n"
    "history(t, 'time', minutes .. ' min ' .. (covered and 'covered' or "
    "'billable') .. ' by ' .. tech)\n"
    "bump(t)\n"
    "emit('time_logged', body(t, {minutes = minutes, covered = covered}))\n"
    "return reply(t)\n";

/* request.received: consumer ARGV[1] done ttl; ARGV[2] event head, ARGV[3]
 * now, ARGV[4] pause statuses, ARGV[5] the request's fields (msgpack). */
static const char request_effect_fmt[] =
    "%s"
    "local NOW, PAUSES = tonumber(ARGV[3]), ARGV[4]\n"
    "local out = {1}\n"
    "local emit = keel_emitter('keel:{ticketing}:events', ARGV[2], "
    "'ticket.', out)\n"
    "%s\n"
    "create(cmsgpack.unpack(ARGV[5]))\n"
    "return out\n";

enum op {
	W_CREATE,
	W_ASSIGN,
	W_STATUS,
	W_RESOLVE,
	W_CONFIRM,
	W_REOPEN,
	W_ESCALATE,
	W_REFER,
	W_LOG_TIME,
	W_COUNT
};

static const char *const op_lua[W_COUNT] = {
    create_lua, assign_lua,   status_lua, resolve_lua,  confirm_lua,
    reopen_lua, escalate_lua, refer_lua,  log_time_lua,
};

static const struct keel_script *op_script[W_COUNT];
char ticketing_request_effect[sizeof(request_effect_fmt) +
                              sizeof(ticketing_ticket_lua) + 2048];
const struct keel_script *ticketing_request_script;

void
ticketing_pause_list(const struct ticketing_sla *p, char *buf, size_t size)
{
	ticketing_status_list(p->pause_statuses, buf, size);
}

int
ticketing_tickets_init(struct keel_store *store)
{
	snprintf(ticketing_request_effect, sizeof(ticketing_request_effect),
	         request_effect_fmt, keel_lua_emitter, ticketing_ticket_lua);
	for (int i = 0; i < W_COUNT; i++) {
		size_t n = sizeof(op_head) + sizeof(ticketing_ticket_lua) +
		           sizeof(op_common) + strlen(op_lua[i]) + 1;
		char *lua = malloc(n);
		int r;

		if (!lua)
			return -1;
		snprintf(lua, n, "%s%s%s%s", op_head, ticketing_ticket_lua,
		         op_common, op_lua[i]);
		r = keel_write_script(store, lua, &op_script[i]);
		free(lua);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Runs write op for the ticket in body.id (create: see below) with the
 * operation's own arguments. */
static void
run_op(struct keel_req *req, enum op op, unsigned from, const char *target,
       int nargs, const char *const *args)
{
	struct ticketing_sla sla;
	char now[24], pauses[128], fromlist[160], id[33] = "";
	const char *argv[24];
	int n = 0;

	ticketing_sla_default(&sla);
	snprintf(now, sizeof(now), "%lld", (long long)keel_time_now_ms());
	ticketing_pause_list(&sla, pauses, sizeof(pauses));
	ticketing_status_list(from, fromlist, sizeof(fromlist));
	if (target)
		snprintf(id, sizeof(id), "%s", target);
	else
		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
	argv[n++] = now;
	argv[n++] = pauses;
	argv[n++] = fromlist;
	argv[n++] = id;
	for (int i = 0; i < nargs && n < 24; i++)
		argv[n++] = args[i];
	keel_write(req, &(struct keel_write){
	                    .script = op_script[op],
	                    .event_prefix = "ticket.",
	                    .nargs = n,
	                    .args = argv,
	                });
}

static void
str_of(struct keel_req *req, const char *name, char *buf, size_t size)
{
	buf[0] = '\0';
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), name), buf, size);
}

/* The devices array as "a,b,c"; false when one holds a comma. */
static bool
devices_of(const struct keel_obj *arr, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < keel_obj_len(arr); i++) {
		char d[128];

		if (!keel_obj_strcpy(keel_obj_at(arr, i), d, sizeof(d)) ||
		    strchr(d, ','))
			return false;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		                         i ? "," : "", d);
		if (used >= size)
			return false;
	}
	return true;
}

bool
ticketing_request_fields(const struct keel_obj *b, struct ticketing_request *r,
                         struct keel_error *err)
{
	int64_t ms = 0, lv = 1;

	memset(r, 0, sizeof(*r));
	keel_obj_strcpy(keel_obj_get(b, "customer"), r->customer,
	                sizeof(r->customer));
	keel_obj_strcpy(keel_obj_get(b, "contact"), r->contact,
	                sizeof(r->contact));
	keel_obj_strcpy(keel_obj_get(b, "channel"), r->channel,
	                sizeof(r->channel));
	if (!keel_obj_strcpy(keel_obj_get(b, "priority"), r->priority,
	                     sizeof(r->priority)))
		snprintf(r->priority, sizeof(r->priority), "normal");
	if (!devices_of(keel_obj_get(b, "devices"), r->devices,
	                sizeof(r->devices))) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, "body.devices",
		               "body.devices: a device name may not hold ','");
		return false;
	}
	keel_obj_strcpy(keel_obj_get(b, "service"), r->service,
	                sizeof(r->service));
	keel_obj_strcpy(keel_obj_get(b, "symptoms"), r->symptoms,
	                sizeof(r->symptoms));
	keel_obj_strcpy(keel_obj_get(b, "steps"), r->steps, sizeof(r->steps));
	keel_obj_strcpy(keel_obj_get(b, "changes"), r->changes,
	                sizeof(r->changes));
	/* A monitoring alert: its metric, with its value or level. */
	{
		const struct keel_obj *alert = keel_obj_get(b, "alert");
		char metric[24] = "", level[16] = "";
		int64_t value;

		keel_obj_strcpy(keel_obj_get(alert, "metric"), metric,
		                sizeof(metric));
		keel_obj_strcpy(keel_obj_get(alert, "level"), level,
		                sizeof(level));
		if (keel_obj_int(keel_obj_get(alert, "value"), &value))
			snprintf(r->metric, sizeof(r->metric), "%s=%lld",
			         metric, (long long)value);
		else if (level[0])
			snprintf(r->metric, sizeof(r->metric), "%s=%s", metric,
			         level);
		else
			snprintf(r->metric, sizeof(r->metric), "%s", metric);
	}
	keel_obj_int(keel_obj_get(b, "received_ms"), &ms);
	keel_obj_int(keel_obj_get(b, "level"), &lv);
	r->received_ms = ms;
	r->level = (int)lv;
	return true;
}

void
ticketing_ticket_create(struct keel_req *req)
{
	static struct ticketing_request zero;
	struct ticketing_request *r = malloc(sizeof(*r));
	struct keel_error err;
	char received[24], level[8];
	int64_t now = keel_time_now_ms();

	if (!r) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	*r = zero;
	if (!ticketing_request_fields(keel_req_body(req), r, &err)) {
		free(r);
		keel_req_fail_err(req, &err);
		return;
	}
	if (!ticketing_received_ok(&r->received_ms, now, &err)) {
		free(r);
		keel_req_fail_err(req, &err);
		return;
	}
	snprintf(received, sizeof(received), "%lld", (long long)r->received_ms);
	snprintf(level, sizeof(level), "%d", r->level);
	run_op(req, W_CREATE, 0, r->customer, 11,
	       (const char *[]){r->contact, r->channel, r->priority, r->devices,
	                        r->service, r->symptoms, r->steps, r->changes,
	                        r->metric, received, level});
	free(r);
}

bool
ticketing_received_ok(int64_t *received, int64_t now, struct keel_error *err)
{
	if (keel_time_past(received, now, 30LL * 86400000) == 0)
		return true;
	keel_error_set(err, KEEL_E_INVALID_FIELD, "body.received_ms",
	               "body.received_ms: %lld is ahead of now or more than 30 "
	               "days back",
	               (long long)*received);
	return false;
}

void
ticketing_ticket_assign(struct keel_req *req)
{
	char tech[33];

	str_of(req, "technician", tech, sizeof(tech));
	run_op(req, W_ASSIGN, ticketing_allowed_from(OP_ASSIGN, 0), NULL, 1,
	       (const char *[]){tech});
}

void
ticketing_ticket_status(struct keel_req *req)
{
	char want[32], note[512];
	int to;

	str_of(req, "status", want, sizeof(want));
	str_of(req, "note", note, sizeof(note));
	to = ticketing_status_parse(want);
	run_op(req, W_STATUS,
	       to < 0 ? 0
	              : ticketing_allowed_from(OP_STATUS,
	                                       (enum ticketing_status)to),
	       NULL, 2, (const char *[]){want, note});
}

void
ticketing_ticket_resolve(struct keel_req *req)
{
	char *res = malloc(4001), *act = malloc(4001);

	if (res && act) {
		str_of(req, "resolution", res, 4001);
		str_of(req, "actions", act, 4001);
		run_op(req, W_RESOLVE, ticketing_allowed_from(OP_RESOLVE, 0),
		       NULL, 2, (const char *[]){res, act});
	} else
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
	free(res);
	free(act);
}

void
ticketing_ticket_confirm(struct keel_req *req)
{
	char by[201];

	str_of(req, "by", by, sizeof(by));
	run_op(req, W_CONFIRM, ticketing_allowed_from(OP_CONFIRM, 0), NULL, 1,
	       (const char *[]){by});
}

void
ticketing_ticket_reopen(struct keel_req *req)
{
	char reason[501];

	str_of(req, "reason", reason, sizeof(reason));
	run_op(req, W_REOPEN, ticketing_allowed_from(OP_REOPEN, 0), NULL, 1,
	       (const char *[]){reason});
}

void
ticketing_ticket_escalate(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char level[8] = "", tech[33], reason[501];
	int64_t lv;
	bool pc = false;

	if (keel_obj_int(keel_obj_get(b, "level"), &lv))
		snprintf(level, sizeof(level), "%lld", (long long)lv);
	str_of(req, "technician", tech, sizeof(tech));
	str_of(req, "reason", reason, sizeof(reason));
	keel_obj_bool(keel_obj_get(b, "process_change"), &pc);
	run_op(req, W_ESCALATE, ticketing_allowed_from(OP_ESCALATE, 0), NULL, 4,
	       (const char *[]){level, tech, pc ? "1" : "0", reason});
}

void
ticketing_ticket_refer(struct keel_req *req)
{
	char reason[501];

	str_of(req, "reason", reason, sizeof(reason));
	run_op(req, W_REFER, ticketing_allowed_from(OP_REFER, 0), NULL, 1,
	       (const char *[]){reason});
}

void
ticketing_ticket_log_time(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char minutes[16], tech[33], note[501];
	int64_t m = 0;
	bool covered = false;

	keel_obj_int(keel_obj_get(b, "minutes"), &m);
	if (m % 15 != 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.minutes",
		              "body.minutes: %lld is not a multiple of 15",
		              (long long)m);
		return;
	}
	keel_obj_bool(keel_obj_get(b, "covered"), &covered);
	snprintf(minutes, sizeof(minutes), "%lld", (long long)m);
	str_of(req, "technician", tech, sizeof(tech));
	str_of(req, "note", note, sizeof(note));
	run_op(req, W_LOG_TIME, ticketing_allowed_from(OP_LOG_TIME, 0), NULL, 4,
	       (const char *[]){minutes, covered ? "1" : "0", tech, note});
}

/* request.received -> a ticket, or a link to the open incident. */
enum keel_event_verdict
ticketing_on_request(const struct keel_env *ev, struct keel_effect *eff)
{
	static struct ticketing_request zero;
	struct ticketing_request *r = malloc(sizeof(*r));
	struct keel_enc *e = keel_enc_new(), *h = keel_enc_new();
	struct keel_error err;
	struct ticketing_sla sla;
	char pauses[128], level[8], received[24], reqid[33] = "";
	const void *p;
	size_t len;
	enum keel_event_verdict verdict = KEEL_EVENT_DONE;

	if (!r || !e || !h) {
		verdict = KEEL_EVENT_RETRY;
		goto out;
	}
	*r = zero;
	if (!ticketing_request_fields(ev->body, r, &err)) {
		verdict = keel_event_poison(eff, "%s", err.message);
		goto out;
	}
	keel_obj_strcpy(keel_obj_get(ev->body, "id"), reqid, sizeof(reqid));
	ticketing_sla_default(&sla);
	ticketing_pause_list(&sla, pauses, sizeof(pauses));
	snprintf(level, sizeof(level), "%d", r->level);
	snprintf(received, sizeof(received), "%lld", (long long)r->received_ms);
	eff->script = ticketing_request_script;
	keel_events_head(h, eff->instance);
	p = keel_enc_data(h, &len);
	keel_effect_argn(eff, p, len);
	keel_effect_arg(eff, "%lld", (long long)keel_time_now_ms());
	keel_effect_arg(eff, "%s", pauses);
	keel_enc_map(e, 14);
	keel_enc_kv_str(e, "customer", r->customer);
	keel_enc_kv_str(e, "contact", r->contact);
	keel_enc_kv_str(e, "channel", r->channel);
	keel_enc_kv_str(e, "priority", r->priority);
	keel_enc_kv_str(e, "devices", r->devices);
	keel_enc_kv_str(e, "service", r->service);
	keel_enc_kv_str(e, "symptoms", r->symptoms);
	keel_enc_kv_str(e, "steps", r->steps);
	keel_enc_kv_str(e, "changes", r->changes);
	keel_enc_kv_str(e, "metric", r->metric);
	keel_enc_kv_str(e, "received_ms", received);
	keel_enc_kv_str(e, "level", level);
	keel_enc_kv_str(e, "request", reqid);
	keel_enc_kv_str(e, "source", "request");
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
out:
	keel_enc_free(e);
	keel_enc_free(h);
	free(r);
	return verdict;
}

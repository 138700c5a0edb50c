-- What keel-notify's functions share.  Keys (all keel:{notify}:...):
--   rules                 hash: id -> packed rule (its current version)
--   rulever:<id>          list: every version of a rule, packed
--   seeded                how many shipped rules the store has seen
--   rules:ver             changes with every change to rules: the
--                         library's parsed copy is good while it holds
--                         (a rule edited by hand in Redis needs a DEL of
--                         rules:ver; notify.rule.put sees to it)
--   seeded-ids            set: the ids of the shipped rules stored once
--   ev:<event>            packed copy of an event {type, body, ts_ms};
--                         <event> is SOURCE:STREAM-ID
--   job:<id>              hash: a delivery; <id> is event/rule/recipient
--   due                   zset: delivery -> when to try it (ms)
--   jobs                  zset: every delivery by creation (the log)
--   jobs:ticket:<id>      zset: the deliveries about a ticket
--   errors:<id>           list: a delivery's errors, newest last
--   dead                  zset: the dead-letter list
--   acks                  zset: chain -> when to check its acknowledgement
--   chain:<id>            hash: an acknowledgement chain (step, acked, by)
--   tok:<token>           the chain an ack token names
--   salt                  random, set by C: ack tokens are sha1(salt..chain)
--   rate:<to>:<minute>    deliveries to one destination in one minute
--   customer:<id>, staff:<id>, role:<role>  copies of keel-intake's
--                         customers and keel-ticketing's staff

local N = 'keel:{notify}:'

local JOB_FIELDS = {'id', 'event', 'type', 'rule', 'channel', 'to',
                    'template', 'status', 'attempts', 'next_ms', 'sent_ms',
                    'error', 'ack', 'ack_after_s', 'chain', 'token',
                    'ticket', 'created_ms', 'step', 'backup'}

local function job(id)
  local f = redis.call('HMGET', N .. 'job:' .. id, unpack(JOB_FIELDS))
  if not f[1] then return nil end
  local j = {}
  for i, k in ipairs(JOB_FIELDS) do j[k] = f[i] or '' end
  j.attempts = tonumber(j.attempts) or 0
  j.next_ms = tonumber(j.next_ms) or 0
  j.sent_ms = tonumber(j.sent_ms) or 0
  j.created_ms = tonumber(j.created_ms) or 0
  j.ack_after_s = tonumber(j.ack_after_s) or 0
  j.step = tonumber(j.step) or 0
  return j
end

-- The delivery's event body (notify.* events).
local function job_event(j, extra)
  local b = {id = j.id, event = j.event, type = j.type, rule = j.rule,
             channel = j.channel, to = j.to, attempts = j.attempts}
  if j.chain ~= '' then b.chain = j.chain end
  if extra then for k, v in pairs(extra) do b[k] = v end end
  return b
end

-- The rules shipped with Keel (DOMAIN.md section 5), stored the first
-- time a rule is put or an event arrives; until then they are what
-- notify.rule.list shows.
local DEFAULT_RULES = {
  {id = 'ticket-receipt', event = 'ticket.created',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
  {id = 'ticket-critical', event = 'ticket.created',
   priorities = {'critical'}, to = {{kind = 'service_manager'}},
   channel = 'email', ack = true, ack_after_s = 900,
   backup = {kind = 'executive', channel = 'email'}},
  {id = 'ticket-status', event = 'ticket.status_changed',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
  {id = 'ticket-closed', event = 'ticket.closed',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
  {id = 'ticket-assigned', event = 'ticket.assigned',
   to = {{kind = 'assignee'}}, channel = 'email'},
  {id = 'ticket-escalated', event = 'ticket.escalated',
   to = {{kind = 'service_manager'}, {kind = 'executive'}},
   channel = 'email', ack = true, ack_after_s = 900,
   backup = {kind = 'executive', channel = 'email'}},
  {id = 'sla-breached', event = 'ticket.sla_breached',
   to = {{kind = 'service_manager'}}, channel = 'email', ack = true,
   ack_after_s = 900, backup = {kind = 'executive', channel = 'email'}},
  {id = 'rfc-new', event = 'rfc.submitted',
   to = {{kind = 'change_manager'}}, channel = 'email'},
  {id = 'proposal-sent', event = 'proposal.sent',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
  {id = 'plan-proposed', event = 'plan.proposed',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
  {id = 'plan-agreed', event = 'plan.agreed',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
  {id = 'checklist-ticked', event = 'checklist.ticked',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
  {id = 'invoice-issued', event = 'invoice.issued',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
  {id = 'invoice-overdue', event = 'invoice.overdue',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
  {id = 'report-ready', event = 'report.ready',
   to = {{kind = 'customer_contact'}}, channel = 'email'},
}

-- Stores each shipped rule once: all of them in a new store, and in a
-- store seeded by an earlier version those shipped since (a rule of that
-- id already there, put by an operator, is left alone).  seeded holds how
-- many shipped rules the store has seen.
-- Marks the rules changed: a value no earlier state of the store had
-- (the time, and a count), so that a copy parsed before a FLUSHALL or a
-- failover is never taken for the rules of now.
local function rules_changed()
  local t = redis.call('TIME')
  redis.call('SET', N .. 'rules:ver', t[1] .. '.' .. t[2] .. '.' ..
             redis.call('INCR', N .. 'rules:n'))
end

local function seed()
  local n = tostring(#DEFAULT_RULES)
  if redis.call('EXISTS', N .. 'rules:ver') == 0 then rules_changed() end
  if redis.call('GET', N .. 'seeded') == n then return end
  rules_changed()
  for _, r in ipairs(DEFAULT_RULES) do
    if redis.call('SISMEMBER', N .. 'seeded-ids', r.id) == 0 then
      if redis.call('HEXISTS', N .. 'rules', r.id) == 0 then
        r.version = 1
        r.enabled = true
        local p = cmsgpack.pack(r)
        redis.call('HSET', N .. 'rules', r.id, p)
        redis.call('RPUSH', N .. 'rulever:' .. r.id, p)
      end
      redis.call('SADD', N .. 'seeded-ids', r.id)
    end
  end
  redis.call('SET', N .. 'seeded', n)
end

-- The rules as last parsed, and the rules:ver they were parsed at: every
-- event is matched against every rule, and reading and unpacking 15 rules
-- costs about 50 us, most of notify_on_event's time.  Callers only read
-- the list and its rules.
local parsed = {ver = false, list = nil}

-- Every rule, by id order.
local function all_rules()
  local out = {}
  local ver = redis.call('GET', N .. 'rules:ver')
  if ver and parsed.ver == ver then return parsed.list end
  if redis.call('EXISTS', N .. 'seeded') == 0 then
    for _, r in ipairs(DEFAULT_RULES) do
      local c = {}
      for k, v in pairs(r) do c[k] = v end
      c.version = 1
      c.enabled = true
      out[#out + 1] = c
    end
  else
    for _, p in ipairs(redis.call('HVALS', N .. 'rules')) do
      out[#out + 1] = cmsgpack.unpack(p)
    end
  end
  table.sort(out, function(a, b) return a.id < b.id end)
  if ver then parsed = {ver = ver, list = out} end
  return out
end

local function rule(id)
  for _, r in ipairs(all_rules()) do
    if r.id == id then return r end
  end
  return nil
end

local function member(list, v)
  if not list or #list == 0 then return true end
  for _, x in ipairs(list) do if x == v then return true end end
  return false
end

local function matches(r, etype, b)
  return r.enabled ~= false and
         string.sub(etype, 1, #r.event) == r.event and
         member(r.priorities, b.priority) and
         member(r.customers, b.customer) and
         member(r.statuses, b.status)
end

-- The addresses of recipient t for event body b: a list.
local function resolve(t, b)
  if t.kind == 'address' or t.kind == 'webhook' then return {t.address} end
  if t.kind == 'customer_contact' then
    local e = b.customer and redis.call('HGET', N .. 'customer:' ..
                                        b.customer, 'email')
    return {e or ''}
  end
  if t.kind == 'assignee' then
    local e = b.assignee and b.assignee ~= '' and
              redis.call('HGET', N .. 'staff:' .. b.assignee, 'email')
    return {e or ''}
  end
  local out = {}
  for _, id in ipairs(redis.call('SMEMBERS', N .. 'role:' .. t.kind)) do
    local e = redis.call('HGET', N .. 'staff:' .. id, 'email')
    if e and e ~= '' then out[#out + 1] = e end
  end
  table.sort(out)
  if #out == 0 then out[1] = '' end
  return out
end

-- Creates delivery id (once) for event ev of type etype; returns whether
-- it is new.  fields: rule, channel, to, template, ack, ack_after_s,
-- backup, chain, step, ticket.
local function enqueue(id, ev, etype, f, now)
  local key = N .. 'job:' .. id
  if redis.call('EXISTS', key) == 1 then return false end
  local chain = f.chain or ''
  if f.ack and chain == '' then chain = id end
  local token = ''
  if chain ~= '' then
    token = string.sub(redis.sha1hex((redis.call('GET', N .. 'salt') or '')
                                     .. chain), 1, 32)
    redis.call('SET', N .. 'tok:' .. token, chain)
  end
  redis.call('HSET', key, 'id', id, 'event', ev, 'type', etype,
             'rule', f.rule, 'channel', f.channel, 'to', f.to,
             'template', f.template or etype, 'status', 'pending',
             'attempts', 0, 'next_ms', now, 'ack', f.ack and '1' or '0',
             'ack_after_s', f.ack_after_s or 0, 'chain', chain,
             'token', token, 'ticket', f.ticket or '', 'created_ms', now,
             'step', f.step or 0,
             'backup', f.backup and cmsgpack.pack(f.backup) or '')
  redis.call('ZADD', N .. 'jobs', now, id)
  if f.ticket and f.ticket ~= '' then
    redis.call('ZADD', N .. 'jobs:ticket:' .. f.ticket, now, id)
  end
  if f.to == '' then
    redis.call('HSET', key, 'status', 'dead', 'error',
               'no address for ' .. f.kind)
    redis.call('RPUSH', N .. 'errors:' .. id, 'no address for ' .. f.kind)
    redis.call('ZADD', N .. 'dead', now, id)
  else
    redis.call('ZADD', N .. 'due', now, id)
  end
  return true
end


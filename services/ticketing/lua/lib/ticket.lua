-- keel-ticketing's tickets: what every ticket function shares.  Keys, all
-- under keel:{ticketing}:
--   ticket:<id>        the ticket (hash)
--   history:<id>       what happened (list of msgpack maps)
--   time:<id>          time entries (list of msgpack maps)
--   requests:<id>      requests received for it (list)
--   pauses:<id>        "from-to" paused intervals (list)
--   queue              tickets not closed, score priority * 1e13 + due
--   closed             closed tickets by closing time
--   by-customer:<c>    a customer's tickets by time of receipt
--   incident:<c>:d:<device>, incident:<c>:s:<service>
--                      the open incident of a device or service
--   load               technician -> tickets assigned and not closed
--   load:<level>       the same for the technicians of one skill level:
--                      the least loaded is its first member
--   load-index         set once the load:<level> sets were built
--   sla-dirty          tickets whose due times the clock must compute
--   timers             "<id>|<kind>" by when they fire
--   word:<w>           closed tickets whose symptoms or resolution hold w
--
-- One call at a time runs in Redis, so the call's context lives in these
-- upvalues, set by begin() first thing in every ticket function: NOW (ms),
-- PAUSES (" a b ": the default policy's pause statuses), FROM (the
-- statuses the operation may start from, lifecycle.c's set), emit and W
-- (the write, for w.done and w.refuse).

local T = 'keel:{ticketing}:'
local PRIO = {critical = 0, high = 1, normal = 2, low = 3}
local NOW, PAUSES, FROM, emit, W

local HIST, HIST_ID

local function begin(now, pauses, from, emitter, w)
  NOW, PAUSES, FROM, emit, W = tonumber(now), pauses, from or '', emitter, w
  HIST, HIST_ID = {}, nil
end

local function tk(id) return T .. 'ticket:' .. id end

-- A ticket's hash holds only what differs from these (a new ticket writes
-- about half of its fields); every reader fills them in.
local DEFAULTS = {
  assignee = '', devices = '', service = '', steps = '', changes = '',
  metric = '', responded_ms = '0', response_due_ms = '0',
  resolution_due_ms = '0', closed_ms = '0', escalation = '0',
  referred = '', covered_minutes = '0', billable_minutes = '0',
  confirmed_by = '', resolution = '', actions = '', resolved = '0',
  paused_since = '0', timers = '', esc_on = '', symptoms = '',
  resolved_ms = '0',
}

-- HMGET of the named fields of a ticket, each missing one its default
-- (fields are not filled when the ticket itself is missing: f[1] nil).
local function fields(id, ...)
  local names = {...}
  local f = redis.call('HMGET', tk(id), ...)
  if not f[1] then return f end
  for i = 2, #names do
    if not f[i] then f[i] = DEFAULTS[names[i]] or '' end
  end
  return f
end

local function load(id)
  local f = redis.call('HGETALL', tk(id))
  if #f == 0 then return nil end
  local t = {}
  for k, v in pairs(DEFAULTS) do t[k] = v end
  for i = 1, #f, 2 do t[f[i]] = f[i + 1] end
  return t
end

local function set(t, ...)
  local a = {...}
  for i = 1, #a, 2 do t[a[i]] = a[i + 1] end
  redis.call('HSET', tk(t.id), ...)
end

-- History entries of the call, written with one RPUSH by hist_flush
-- (reply() and every other end of a ticket function call it).
local function hist_flush()
  if #HIST > 0 then
    redis.call('RPUSH', T .. 'history:' .. HIST_ID, unpack(HIST))
    HIST = {}
  end
end

local function history(t, what, detail)
  if HIST_ID ~= t.id then hist_flush() end
  HIST_ID = t.id
  HIST[#HIST + 1] = cmsgpack.pack({ts = NOW, what = what, detail = detail})
end

local function bump(t)
  t.version = tostring(redis.call('HINCRBY', tk(t.id), 'version', 1))
end

local function body(t, extra)
  local b = {id = t.id, customer = t.customer, priority = t.priority,
             status = t.status, assignee = t.assignee,
             version = tonumber(t.version)}
  if extra then for k, v in pairs(extra) do b[k] = v end end
  return b
end

local function dirty(t) redis.call('ZADD', T .. 'sla-dirty', NOW, t.id) end

-- The rules changed (a customer's calendar, a policy): the open tickets
-- among ids (those field equals value, when field is given) are planned
-- again by the clock.  A target already met keeps its due time (sla.c).
local function replan(ids, field, value)
  local n = 0
  for _, id in ipairs(ids) do
    if redis.call('ZSCORE', T .. 'queue', id) and (not field or
        redis.call('HGET', tk(id), field) == value) then
      redis.call('ZADD', T .. 'sla-dirty', 0, id)
      n = n + 1
    end
  end
  return n
end

-- The ticket's policy's pause statuses (sla.put), else PAUSES.
local function paused(t, s)
  local p = redis.call('HGET', T .. 'sla:' .. (t.sla_policy or 'default'),
                       'pauses') or PAUSES
  return string.find(p, ' ' .. s .. ' ', 1, true) ~= nil
end

-- A status_changed body: body(), whether the new status pauses the
-- ticket's SLA clock under its policy and the due times as planned so far
-- (keel-billing's report counts paused time and targets from them).
local function status_body(t, extra)
  local b = body(t, extra)
  b.paused = paused(t, t.status)
  local rd, vd = tonumber(t.response_due_ms) or 0,
                 tonumber(t.resolution_due_ms) or 0
  if rd > 0 then b.response_due_ms = rd end
  if vd > 0 then b.resolution_due_ms = vd end
  return b
end

-- The load:<level> sets, built once from the technicians and load (data
-- from before they existed is migrated by the first write that needs them).
local function load_index()
  if redis.call('EXISTS', T .. 'load-index') == 1 then return end
  for _, sid in ipairs(redis.call('ZRANGE', T .. 'staff-by-role:technician',
                                  0, -1)) do
    local lv = redis.call('HGET', T .. 'staff:' .. sid, 'level') or '0'
    redis.call('ZADD', T .. 'load:' .. lv,
               redis.call('ZSCORE', T .. 'load', sid) or 0, sid)
  end
  redis.call('SET', T .. 'load-index', '1')
end

-- A technician's open tickets change by `by`, in load and in its level's
-- set (only while it is a technician there).
local function add_load(sid, by, level)
  redis.call('ZINCRBY', T .. 'load', by, sid)
  if level then -- it came from load:<level>: it is there
    redis.call('ZINCRBY', T .. 'load:' .. level, by, sid)
    return
  end
  local lv = redis.call('HGET', T .. 'staff:' .. sid, 'level') or '0'
  if redis.call('ZSCORE', T .. 'load:' .. lv, sid) then
    redis.call('ZINCRBY', T .. 'load:' .. lv, by, sid)
  end
end

-- Returns the assignee before, or false when nothing changed.
local function assign(t, sid)
  local old = t.assignee
  if old == sid then return false end
  load_index()
  if old ~= '' then add_load(old, -1) end
  add_load(sid, 1)
  set(t, 'assignee', sid)
  history(t, 'assigned', old == '' and sid or (old .. ' -> ' .. sid))
  return old
end

-- The technician of exactly `level` with the fewest open tickets (then
-- the lowest id); the next level up when there is none.  One ZRANGE per
-- level, whatever the number of technicians.
local function least_loaded(level)
  load_index()
  for lv = level, 3 do
    local best = redis.call('ZRANGE', T .. 'load:' .. lv, 0, 0)[1]
    if best then return best, lv end
  end
  return nil
end

-- The SLA plan changes only when a clock pauses or resumes, or with the
-- first response (escalations then count against the resolution): only
-- then is the ticket planned again.
local function set_status(t, new, detail)
  local old = t.status
  local replan = false
  set(t, 'status', new)
  if old == 'new' and t.responded_ms == '0' then
    set(t, 'responded_ms', tostring(NOW))
    replan = true
  end
  if paused(t, new) and not paused(t, old) then
    set(t, 'paused_since', tostring(NOW))
    replan = true
  elseif paused(t, old) and not paused(t, new) then
    redis.call('RPUSH', T .. 'pauses:' .. t.id,
               t.paused_since .. '-' .. NOW)
    set(t, 'paused_since', '0')
    replan = true
  end
  history(t, 'status', old .. ' -> ' .. new ..
          ((detail and detail ~= '') and (': ' .. detail) or ''))
  if replan and new ~= 'closed' then dirty(t) end
  return old
end

local function incident_keys(f)
  local keys = {}
  for d in string.gmatch(f.devices, '[^,]+') do
    keys[#keys + 1] = T .. 'incident:' .. f.customer .. ':d:' .. d
  end
  if f.service ~= '' then
    keys[#keys + 1] = T .. 'incident:' .. f.customer .. ':s:' .. f.service
  end
  return keys
end

-- Stores a plan (clock.c's ticketing_plan_encode) on ticket t (its hash
-- key): due times, the queue score and the timers "<id>|<kind>",
-- replacing the ticket's timers.  Returns their names.
local function plan_timers(id, plan)
  local names, args = {}, {}
  for _, tm in ipairs(plan.timers or {}) do
    local m = id .. '|' .. tm[1]
    args[#args + 1] = tm[2]
    args[#args + 1] = m
    names[#names + 1] = m
  end
  if #args > 0 then
    redis.call('ZADD', T .. 'timers', unpack(args)) -- one call for all
  end
  redis.call('ZADD', T .. 'queue', plan.score, id)
  return table.concat(names, ' ')
end

local function apply_plan(id, key, plan)
  redis.call('HSET', key, 'response_due_ms', plan.response_due,
             'resolution_due_ms', plan.resolution_due, 'esc_on', plan.esc_on,
             'timers', plan_timers(id, plan))
end

-- f: the request's fields as strings.  A request (f.request set) of a
-- device or service with an open incident is linked to it.  With f.plan
-- (ticket.create: planned in C before the write) the new ticket is ready
-- for the clock at once; without it, it is marked for the planner.
-- What ticket.created says besides the ticket: its request, symptoms
-- and, when planned at once, the response target (keel-notify's receipt).
local function created_extra(t, f)
  local due = tonumber(t.response_due_ms) or 0
  return {request = f.request ~= '' and f.request or nil,
          symptoms = t.symptoms ~= '' and t.symptoms or nil,
          response_due_ms = due > 0 and due or nil,
          received_ms = tonumber(t.received_ms)}
end

local function create(f)
  local keys = incident_keys(f)
  if f.request ~= '' then
    for _, k in ipairs(keys) do
      local tid = redis.call('GET', k)
      local t = tid and load(tid)
      if t and t.status ~= 'closed' then
        redis.call('RPUSH', T .. 'requests:' .. t.id, f.request)
        history(t, 'linked', f.request)
        bump(t)
        emit('linked', body(t, {request = f.request}))
        hist_flush()
        return t, false
      end
    end
  end
  local id = string.format('T-%06d', redis.call('INCR', T .. 'seq:ticket'))
  local sid, slv = least_loaded(tonumber(f.level))
  local t = {id = id, customer = f.customer, contact = f.contact,
    channel = f.channel, priority = f.priority, status = 'new',
    assignee = sid or '', level = f.level, devices = f.devices,
    service = f.service, symptoms = f.symptoms, steps = f.steps,
    changes = f.changes, metric = f.metric,
    received_ms = f.received_ms, created_ms = tostring(NOW),
    version = sid and '2' or '1',
    sla_policy = f.sla_policy or redis.call('HGET', T .. 'customer:' ..
                                            f.customer, 'sla_policy')
                 or 'default'}
  if f.plan then
    t.response_due_ms = tostring(f.plan.response_due)
    t.resolution_due_ms = tostring(f.plan.resolution_due)
    t.esc_on = f.plan.esc_on
    t.timers = plan_timers(id, f.plan)
  else
    redis.call('ZADD', T .. 'queue',
               PRIO[t.priority] * 10000000000000 + 9999999999999, id)
  end
  -- Only what differs from DEFAULTS is stored.
  local a = {}
  for k, v in pairs(t) do
    if v ~= DEFAULTS[k] then a[#a + 1] = k; a[#a + 1] = v end
  end
  redis.call('HSET', tk(id), unpack(a))
  for k, v in pairs(DEFAULTS) do if t[k] == nil then t[k] = v end end
  if f.request ~= '' then
    redis.call('RPUSH', T .. 'requests:' .. id, f.request)
  end
  for _, k in ipairs(keys) do redis.call('SET', k, id) end
  redis.call('ZADD', T .. 'by-customer:' .. f.customer,
             tonumber(f.received_ms), id)
  history(t, 'created', 'by ' .. f.contact .. ' via ' .. f.channel ..
          (f.request ~= '' and (', request ' .. f.request) or ''))
  if sid then
    -- created and assigned at once, as two events: version 1, then 2
    t.version, t.assignee = '1', ''
    emit('created', body(t, created_extra(t, f)))
    t.version, t.assignee = '2', sid
    add_load(sid, 1, slv)
    history(t, 'assigned', sid)
    emit('assigned', body(t, {from = ''}))
  else
    emit('created', body(t, created_extra(t, f)))
  end
  if not f.plan then dirty(t) end
  hist_flush()
  return t, true
end

-- What every ticket write answers.
local function reply(t)
  hist_flush()
  return W.done({id = t.id, status = t.status, assignee = t.assignee,
                 version = tonumber(t.version)})
end

-- The ticket req.id, when its status is one FROM allows for `want`.
local function take(id, want)
  local t = load(id)
  if not t then
    return nil, W.refuse(KEEL_E.NOT_FOUND, 'body.id',
                         'ticket ' .. id .. ' not found')
  end
  if not string.find(FROM, ' ' .. t.status .. ' ', 1, true) then
    return nil, W.refuse(KEEL_E.INVALID_TRANSITION, 'body.id',
      'ticket ' .. t.id .. ' is ' .. t.status .. '; ' .. t.status ..
      ' -> ' .. want .. ' is not allowed')
  end
  return t
end

local function not_resolved(t, want)
  return W.refuse(KEEL_E.INVALID_TRANSITION, 'body.id',
    'ticket ' .. t.id .. ' is hold_resolution waiting on the customer, ' ..
    'not resolved; hold_resolution -> ' .. want ..
    ' needs ticket.resolve first')
end

-- The technician sid ('' = the least loaded) if fit for `level`.
local function pick(sid, level)
  if sid == '' then
    sid = least_loaded(level)
    if not sid then
      return nil, W.refuse(KEEL_E.UNAVAILABLE, 'body.technician',
        'no technician of level ' .. level .. ' or above')
    end
    return sid
  end
  local s = redis.call('HMGET', T .. 'staff:' .. sid, 'role', 'level')
  if not s[1] then
    return nil, W.refuse(KEEL_E.NOT_FOUND, 'body.technician',
                         'staff member ' .. sid .. ' not found')
  end
  if s[1] ~= 'technician' then
    return nil, W.refuse(KEEL_E.INVALID_FIELD, 'body.technician',
      sid .. ' is a ' .. s[1] .. ', not a technician')
  end
  if tonumber(s[2]) < level then
    return nil, W.refuse(KEEL_E.INVALID_FIELD, 'body.technician',
      'technician ' .. sid .. ' has level ' .. s[2] ..
      '; the ticket needs level ' .. level)
  end
  return sid
end

-- A ticket write: fn(req) after begin() with the write's context.
local function ticket_write(name, fn)
  keel.write(name, function(w, req)
    begin(req.now, req.pauses, req.from, w.emit, w)
    return fn(req)
  end)
end

-- keel-scheduling's engagements (from keel-intake's proposal.accepted)
-- and their plans (plans.c).  Keys: keel:{scheduling}:engagement:<proposal
-- id> (customer, seats, connection, activities, products, dates, status,
-- plan, plan_version, coordinated_by, agreed_by, checklist, total,
-- currency), plans:<proposal id> (every plan proposed), and the
-- specialists' bookings:<specialist> ("start:end:engagement:n" by start).

-- proposal.accepted: req.id, req.customer, req.seats, req.connection,
-- req.activities (msgpack), req.products ("\n"-joined), req.dates
-- (msgpack), req.checklist ("\n"-joined), req.total (the quote's total)
-- and req.currency (its currency).  An engagement that exists already is
-- kept as it is.  Emits nothing.
keel.effect('scheduling_on_accepted', 'engagement.', function(req)
  local key = SCHED .. 'engagement:' .. req.id
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'id', req.id, 'customer', req.customer,
      'seats', req.seats, 'connection', req.connection,
      'activities', req.activities, 'products', req.products,
      'dates', req.dates, 'status', 'accepted', 'plan', '',
      'plan_version', 0, 'coordinated_by', '', 'agreed_by', '',
      'checklist', req.checklist, 'total', req.total,
      'currency', req.currency)
  end
end)

-- KEYS[1] the engagement; req.engagement.  For plan.propose: {its
-- status, seats, connection, activities, products, dates, plan_version,
-- every specialist (all_specialists)}, or {} when there is none.
keel.read('scheduling_plan_read', function(req, keys)
  local e = redis.call('HMGET', keys[1],
    'status', 'seats', 'connection', 'activities', 'products', 'dates',
    'plan_version')
  if not e[1] then return {} end
  e[8] = all_specialists()
  return e
end)

-- The reply (and event) shared by the plan functions.
local function reply(key, eng)
  local e = redis.call('HMGET', key, 'status', 'plan_version', 'plan',
    'seats', 'coordinated_by', 'agreed_by', 'started_by', 'started_ms',
    'verified_by', 'verified_ms', 'checks', 'signed_by', 'signed_date',
    'signed_ms')
  local items = e[3] ~= '' and cmsgpack.unpack(e[3]) or {}
  local checks = {}
  for c in string.gmatch(e[11] or '', '[^\n]+') do checks[#checks + 1] = c end
  local r = {engagement = eng, status = e[1],
    plan_version = tonumber(e[2]), items = items,
    seats = tonumber(e[4]),
    hq_coordination_required = tonumber(e[4]) > 1000,
    coordinated_by = e[5], agreed_by = e[6]}
  -- once there is one: the execution, the acceptance
  if e[7] and e[7] ~= '' then
    r.execution = {started_by = e[7], started_ms = tonumber(e[8] or '0'),
      verified_by = e[9] or '', verified_ms = tonumber(e[10] or '0'),
      checks = checks}
  end
  if e[12] and e[12] ~= '' then
    r.acceptance = {signed_by = e[12], date = e[13] or '',
      signed_ms = tonumber(e[14] or '0')}
  end
  return r
end

-- plan.propose, the booking: req.engagement, req.plan_version (as
-- scheduling_plan_read found it), req.items (msgpack: activity, tier,
-- units, specialist, start_ms, end_ms each).  Checks every booking again:
-- if the plan changed or another engagement took any of those hours since
-- the read, nothing is written and the request runs again (w.retry).
keel.write('scheduling_plan_book', function(w, req)
  local eng = req.engagement
  local key = SCHED .. 'engagement:' .. eng
  local e = redis.call('HMGET', key, 'status', 'plan_version', 'plan')
  if not e[1] then return not_found(w, eng) end
  if e[1] == 'agreed' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.engagement',
      'engagement ' .. eng .. ' is agreed; agreed -> planned is not allowed')
  end
  if tonumber(e[2]) ~= req.plan_version then return w.retry() end
  local items = cmsgpack.unpack(req.items)
  for _, it in ipairs(items) do
    for _, m in ipairs(redis.call('ZRANGEBYSCORE',
        SCHED .. 'bookings:' .. it.specialist, '-inf',
        '(' .. it.end_ms)) do
      local _, e0, other = string.match(m, '^(%d+):(%d+):([^:]+):')
      if other ~= eng and tonumber(e0) > it.start_ms then
        return w.retry()
      end
    end
  end
  if e[3] ~= '' then
    for i, it in ipairs(cmsgpack.unpack(e[3])) do
      redis.call('ZREM', SCHED .. 'bookings:' .. it.specialist,
        it.start_ms .. ':' .. it.end_ms .. ':' .. eng .. ':' .. i)
    end
  end
  for i, it in ipairs(items) do
    redis.call('ZADD', SCHED .. 'bookings:' .. it.specialist,
      it.start_ms, it.start_ms .. ':' .. it.end_ms .. ':' .. eng ..
      ':' .. i)
  end
  local v = redis.call('HINCRBY', key, 'plan_version', 1)
  redis.call('HSET', key, 'plan', req.items, 'status', 'planned')
  redis.call('RPUSH', SCHED .. 'plans:' .. eng, req.items)
  return w.done(reply(key, eng), 'proposed', {engagement = eng,
    status = 'planned', plan_version = v, items = items})
end)

-- plan.coordinate and plan.agree: req.engagement, req.op (coordinate or
-- agree), req.by.
keel.write('scheduling_plan_step', function(w, req)
  local eng = req.engagement
  local key = SCHED .. 'engagement:' .. eng
  local e = redis.call('HMGET', key, 'status', 'seats', 'coordinated_by',
                       'plan_version')
  if not e[1] then return not_found(w, eng) end
  local to = req.op == 'agree' and 'agreed' or 'coordinated'
  if e[1] ~= 'planned' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.engagement',
      'engagement ' .. eng .. ' is ' .. e[1] .. '; ' .. e[1] ..
      ' -> ' .. to .. ' is not allowed (plan.propose first)')
  end
  if req.op == 'agree' then
    if tonumber(e[2]) > 1000 and e[3] == '' then
      return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.engagement',
        'engagement ' .. eng .. ' has ' .. e[2] ..
        ' seats: HQ coordinates the dates first (plan.coordinate)')
    end
    redis.call('HSET', key, 'status', 'agreed', 'agreed_by', req.by)
  else
    redis.call('HSET', key, 'coordinated_by', req.by)
  end
  return w.done(reply(key, eng), to, {engagement = eng,
    status = redis.call('HGET', key, 'status'),
    plan_version = tonumber(e[4]), by = req.by})
end)

-- plan.get: KEYS[1] the engagement; req.engagement.  The reply packed,
-- or '' when there is no such engagement.
keel.read('scheduling_plan_get', function(req, keys)
  if redis.call('EXISTS', keys[1]) == 0 then return '' end
  return cmsgpack.pack(reply(keys[1], req.engagement))
end)

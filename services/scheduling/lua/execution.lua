-- keel-scheduling from agreed plan to signed acceptance (execution.c):
-- the checklist and its ticks, execution, verification, acceptance.
-- Keys: the engagement hash (checklist, status, checks, signed_by) and
-- keel:{scheduling}:ticks:<engagement> (item number -> "by\tms").

-- The checklist of engagement eng as checklist.get answers it (a table),
-- or nil when there is no such engagement.
local function checklist(eng)
  local key = SCHED .. 'engagement:' .. eng
  local text = redis.call('HGET', key, 'checklist')
  if not text then return nil end
  local ticks = redis.call('HGETALL', SCHED .. 'ticks:' .. eng)
  local by = {}
  for i = 1, #ticks, 2 do by[ticks[i]] = ticks[i + 1] end
  local items, done, n = {}, true, 0
  for item in string.gmatch(text, '[^\n]+') do
    n = n + 1
    local t = by[tostring(n)]
    local who, ms = '', 0
    if t then
      who, ms = string.match(t, '^(.*)\t(%d+)$')
      ms = tonumber(ms)
    else done = false end
    items[n] = {item = item, ticked_by = who, ticked_ms = ms}
  end
  return {engagement = eng, items = items, done = done}
end

-- checklist.get: KEYS[1] the engagement; req.engagement.  The checklist
-- packed, or '' when there is no such engagement.
keel.read('scheduling_checklist_get', function(req)
  local c = checklist(req.engagement)
  if not c then return '' end
  return cmsgpack.pack(c)
end)

-- checklist.tick: req.engagement, req.item (its number, from 1), req.by
-- (no tabs), req.now.  Ticking an item ticked already changes nothing.
keel.write('scheduling_checklist_tick', function(w, req)
  local eng = req.engagement
  local c = checklist(eng)
  if not c then return not_found(w, eng) end
  local n = req.item
  if n > #c.items then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.item',
      'body.item: the checklist has ' .. #c.items .. ' items')
  end
  if c.items[n].ticked_by ~= '' then return w.done(c) end
  redis.call('HSET', SCHED .. 'ticks:' .. eng, n,
             req.by .. '\t' .. string.format('%d', req.now))
  local status = redis.call('HGET', SCHED .. 'engagement:' .. eng, 'status')
  return w.done(checklist(eng), 'ticked', {engagement = eng,
    status = status, item = c.items[n].item, by = req.by})
end)

local FROM = {start = 'agreed', verify = 'executing', sign = 'verified'}
local TO = {start = 'executing', verify = 'verified', sign = 'completed'}

-- execution.start, execution.verify and acceptance.sign: req.engagement,
-- req.op (start, verify or sign), req.by (the specialist); to verify,
-- req.checks ("\n"-joined); to sign, req.customer (the customer's
-- signatory) and req.date.
keel.write('scheduling_execution_step', function(w, req)
  local eng = req.engagement
  local key = SCHED .. 'engagement:' .. eng
  local e = redis.call('HMGET', key, 'status', 'customer', 'activities',
                       'total', 'currency')
  if not e[1] then return not_found(w, eng) end
  local from, to = FROM[req.op], TO[req.op]
  if e[1] ~= from then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.engagement',
      'engagement ' .. eng .. ' is ' .. e[1] .. '; ' .. e[1] ..
      ' -> ' .. to .. ' is not allowed')
  end
  local body = {engagement = eng, status = to, customer = e[2],
                by = req.by}
  if req.op == 'start' then
    for n, it in ipairs(checklist(eng).items) do
      if it.ticked_by == '' then
        return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.engagement',
          'engagement ' .. eng .. ' cannot start: checklist item '
          .. n .. ' (' .. it.item .. ') is not ticked')
      end
    end
    redis.call('HSET', key, 'status', to, 'started_by', req.by,
               'started_ms', req.now or 0)
    return w.done({engagement = eng, status = to}, 'execution.started',
                  body)
  elseif req.op == 'verify' then
    redis.call('HSET', key, 'status', to, 'verified_by', req.by,
               'checks', req.checks, 'verified_ms', req.now or 0)
    return w.done({engagement = eng, status = to},
                  'execution.verified', body)
  end
  local units = 0
  for _, a in ipairs(cmsgpack.unpack(e[3])) do units = units + a.units end
  local signed = req.by .. ' (specialist), ' .. req.customer ..
                 ' (customer)'
  redis.call('HSET', key, 'status', to, 'signed_by', signed,
             'signed_date', req.date, 'signed_ms', req.now or 0)
  body.units, body.total, body.currency = units, tonumber(e[4]), e[5]
  body.signed_by, body.date = signed, req.date
  body.by = nil
  w.emit('engagement.feedback_requested', {engagement = eng,
    status = to, customer = e[2]})
  w.emit('engagement.upsell_suggested', {engagement = eng,
    status = to, customer = e[2]})
  return w.done({engagement = eng, status = to},
                'engagement.completed', body)
end)

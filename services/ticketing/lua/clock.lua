-- keel-ticketing's SLA clock (clock.c): the planner reads a ticket's
-- inputs, computes its due times and timers in C (sla.c), and applies them
-- only while the ticket's version is still the one it read; the firing
-- function takes the timers that are due and applies each in the same call
-- that removes it, so an escalation or a breach fires once, on whichever
-- instance runs first.

-- KEYS[1] ticket:<id>; req.id.  {ticket fields..., pauses, tz, hours,
-- holidays, policy, response due} or {} when the ticket is gone.
keel.read('ticketing_sla_inputs', function(req, keys)
  local f = redis.call('HMGET', keys[1], 'status',
    'priority', 'customer', 'received_ms', 'responded_ms',
    'paused_since', 'escalation', 'version', 'response_breached',
    'resolution_breached', 'sla_policy')
  if not f[1] then return {} end
  local policy = redis.call('HGET', T .. 'sla:' .. (f[11] or 'default'),
                            'policy') or ''
  local c = redis.call('HMGET', T .. 'calendar:' .. f[3], 'timezone',
                       'hours', 'holidays')
  if not c[1] then
    c = {redis.call('HGET', T .. 'customer:' .. f[3], 'timezone') or 'UTC',
         '', ''}
  end
  for i = 1, 10 do f[i] = f[i] or '0' end
  f[11] = redis.call('LRANGE', T .. 'pauses:' .. req.id, 0, -1)
  f[12], f[13], f[14] = c[1], c[2] or '', c[3] or ''
  f[15] = policy
  f[16] = redis.call('HGET', keys[1], 'response_due_ms') or '0'
  return f
end)

-- What ticket.create needs to plan a new ticket in C.  KEYS[1]
-- customer:<c>; req.customer.  {0} when the customer is not known, else
-- {1, customer version, policy id, policy version, policy, calendar
-- version, time zone, hours, holidays}.
keel.read('ticketing_sla_context', function(req, keys)
  local c = redis.call('HMGET', keys[1], 'version', 'sla_policy', 'timezone')
  if not c[1] then return {0} end
  local pid = c[2] or 'default'
  local p = redis.call('HMGET', T .. 'sla:' .. pid, 'version', 'policy')
  local cal = redis.call('HMGET', T .. 'calendar:' .. req.customer,
                         'version', 'timezone', 'hours', 'holidays')
  return {1, c[1], pid, p[1] or '0', p[2] or '', cal[1] or '0',
          cal[2] or c[3] or 'UTC', cal[3] or '', cal[4] or ''}
end)

-- KEYS[1] ticket:<id>; req: id, version (as read), and the plan
-- (ticketing_plan_encode: response_due, resolution_due, score, esc_on,
-- timers {{kind, at}, ...}).  A closed ticket keeps the due times it was
-- closed with.  1 when applied, 0 when the ticket changed meanwhile (it is
-- dirty again) or is gone.
keel.fn('ticketing_sla_apply', function(keys, args)
  local req = cmsgpack.unpack(args[1])
  local f = redis.call('HMGET', keys[1], 'version', 'timers', 'status')
  if not f[1] then
    redis.call('ZREM', T .. 'sla-dirty', req.id)
    return 0
  end
  if f[1] ~= req.version then return 0 end
  for m in string.gmatch(f[2] or '', '%S+') do
    redis.call('ZREM', T .. 'timers', m)
  end
  if f[3] ~= 'closed' then
    apply_plan(req.id, keys[1], req)
  else
    redis.call('HSET', keys[1], 'timers', '')
  end
  redis.call('ZREM', T .. 'sla-dirty', req.id)
  return 1
end)

-- KEYS[1] timers; req: now, head (event envelope head), max (timers at
-- most).  Returns {next, id1, env1, ...}: when the next timer is due (ms,
-- 0 when there is none: the clock sleeps until then), then the events for
-- keel_events_publish_pairs.
keel.fn('ticketing_sla_fire', function(keys, args)
  local req = cmsgpack.unpack(args[1])
  local now = req.now
  local out = {1}
  local emit = keel.emitter(T .. 'events', req.head, 'ticket.', out)
  local due = redis.call('ZRANGEBYSCORE', keys[1], '-inf', now,
                         'WITHSCORES', 'LIMIT', 0, req.max)
  for i = 1, #due, 2 do
    local m, at = due[i], tonumber(due[i + 1])
    redis.call('ZREM', keys[1], m)
    local id, kind = string.match(m, '^(.+)|(%w+)$')
    local key = T .. 'ticket:' .. (id or '')
    local f = id and fields(id, 'status', 'customer', 'priority',
      'assignee', 'responded_ms', 'escalation', 'paused_since', 'timers',
      'esc_on')
    if f and f[1] and f[1] ~= 'closed' then
      local left = {}
      for t in string.gmatch(f[8] or '', '%S+') do
        if t ~= m then left[#left + 1] = t end
      end
      redis.call('HSET', key, 'timers', table.concat(left, ' '))
      local b = {id = id, customer = f[2], priority = f[3],
                 status = f[1], assignee = f[4]}
      local what, detail
      if kind == 'response' and f[5] == '0' then
        redis.call('HSET', key, 'response_breached', '1')
        b.kind, b.due_ms = 'response', at
        what, detail = 'breached', 'first response was due'
      elseif kind == 'resolution' then
        redis.call('HSET', key, 'resolution_breached', '1')
        b.kind, b.due_ms = 'resolution', at
        what, detail = 'breached', 'resolution was due'
      else
        local lv = tonumber(string.match(kind, '^esc(%d+)$') or '0')
        local done = f[9] == 'response' and f[5] ~= '0'
        if lv > tonumber(f[6] or '0') and f[7] == '0' and not done then
          local role = lv == 1 and 'service_manager' or 'executive'
          local to = table.concat(redis.call('ZRANGE',
            T .. 'staff-by-role:' .. role, 0, -1), ',')
          redis.call('HSET', key, 'escalation', lv)
          b.kind, b.level, b.to = 'administrative', lv, string.sub(to, 1, 600)
          what = 'escalated'
          detail = 'administrative, level ' .. lv .. ' to ' .. role ..
                   (to ~= '' and (' ' .. to) or '')
        end
      end
      if what then
        b.version = redis.call('HINCRBY', key, 'version', 1)
        redis.call('RPUSH', T .. 'history:' .. id,
          cmsgpack.pack({ts = now, what = what, detail = detail}))
        emit(what == 'breached' and 'sla_breached' or 'escalated', b)
      end
    end
  end
  local nx = redis.call('ZRANGE', keys[1], 0, 0, 'WITHSCORES')
  out[1] = nx[2] and tonumber(nx[2]) or 0
  return out
end)

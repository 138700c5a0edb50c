-- keel-billing's monthly customer report (DOMAIN.md section 6): a read
-- model of its own, kept from the events billing consumes (keel-intake's
-- monitoring alerts, keel-ticketing's tickets, keel-change's RFCs), and
-- the month's figures made from it and from the hour-bank ledger.  C
-- (report.c) works out the month's bounds in the customer's zone and
-- draws the figures as HTML; nothing here knows about time zones.
--
-- Keys (all under B):
--   rt:<ticket>          a ticket: customer, priority, request, received,
--                        responded, resolved, closed, due times, breaches,
--                        paused time, resolution
--   rtickets:<customer>  its tickets by received time
--   ra:<request>         a monitoring alert: metric, value, level,
--                        devices, received, and the ticket it raised or
--                        joined
--   rreq:<request>       a ticket that named a request billing had not
--                        seen yet (expires with the events)
--   ralerts:<customer>   its alerts by received time
--   rr:<rfc>             an RFC: status, priority, ticket, outcome,
--                        submitted, finished
--   rrfcs:<customer>     its RFCs by submission time
--   reported:<customer>  the months whose report.ready went out

local PRIORITIES = {'critical', 'high', 'normal', 'low'}
local RFC_DONE = {closed = true, rejected = true, withdrawn = true}

local function num(v) return tonumber(v) or 0 end

---------------------------------------------------------------- events

-- intake's stream and ticketing's are read by two consumers, so a ticket
-- may name its request before billing has seen the request: the link
-- waits in rreq:<request> (as long as events are kept) for the alert.
local PENDING_MS = 7 * 86400000

-- The alert request a ticket opened (raised) or joined: linked now when
-- the alert is known, else kept for on_request.
local function alert_action(b, action)
  if not b.request then return end
  local k = B .. 'ra:' .. b.request
  if redis.call('EXISTS', k) == 1 then
    redis.call('HSET', k, 'ticket', b.id, 'action', action)
    redis.call('HINCRBY', B .. 'rt:' .. b.id, 'alerts', 1)
  else
    local p = B .. 'rreq:' .. b.request
    redis.call('HSET', p, 'ticket', b.id, 'action', action)
    redis.call('PEXPIRE', p, PENDING_MS)
  end
end

local function on_request(ts, b)
  local pending = B .. 'rreq:' .. b.id
  if b.channel ~= 'monitoring' or type(b.alert) ~= 'table' then
    redis.call('DEL', pending)
    return
  end
  local a = b.alert
  local devices = type(b.devices) == 'table' and table.concat(b.devices, ',')
                  or ''
  local at = num(b.received_ms)
  if at == 0 then at = ts end
  local k = B .. 'ra:' .. b.id
  redis.call('HSET', k, 'customer', b.customer,
             'metric', a.metric or '', 'value', a.value or '',
             'level', a.level or '', 'devices', devices,
             'received_ms', at)
  redis.call('ZADD', B .. 'ralerts:' .. b.customer, at, b.id)
  local p = hash(pending)
  if p.ticket then
    redis.call('DEL', pending)
    alert_action({id = p.ticket, request = b.id}, p.action)
  end
end

-- Paused time: while a status the ticket's policy pauses on lasts.
local function settle_pause(k, ts, paused)
  local since = num(redis.call('HGET', k, 'paused_since'))
  if since > 0 and not paused then
    redis.call('HINCRBY', k, 'paused_ms', math.max(ts - since, 0))
    redis.call('HSET', k, 'paused_since', 0)
  elseif since == 0 and paused then
    redis.call('HSET', k, 'paused_since', ts)
  end
end

local function on_ticket(kind, ts, b)
  local k = B .. 'rt:' .. b.id
  if kind == 'created' then
    local at = num(b.received_ms)
    if at == 0 then at = ts end
    redis.call('HSET', k, 'customer', b.customer, 'priority', b.priority,
               'status', b.status, 'request', b.request or '',
               'received_ms', at, 'symptoms',
               string.sub(b.symptoms or '', 1, 300),
               'response_due_ms', num(b.response_due_ms))
    redis.call('ZADD', B .. 'rtickets:' .. b.customer, at, b.id)
    alert_action(b, 'raised')
    return
  end
  if redis.call('EXISTS', k) == 0 then return end
  redis.call('HSET', k, 'priority', b.priority, 'status', b.status)
  if kind == 'linked' then
    alert_action(b, 'joined')
  elseif kind == 'status_changed' then
    if b.from == 'new' and num(redis.call('HGET', k, 'responded_ms')) == 0
    then
      redis.call('HSET', k, 'responded_ms', ts)
    end
    if b.reason == 'resolved' then
      redis.call('HSET', k, 'resolved_ms', ts)
    elseif b.status ~= 'hold_resolution' and b.status ~= 'closed' then
      redis.call('HSET', k, 'resolved_ms', 0)
    end
    for _, f in ipairs({'response_due_ms', 'resolution_due_ms'}) do
      if num(b[f]) > 0 then redis.call('HSET', k, f, num(b[f])) end
    end
    settle_pause(k, ts, b.paused == true)
  elseif kind == 'sla_breached' then
    local f = b.kind == 'response' and 'response_breach' or
              'resolution_breach'
    redis.call('HSET', k, f, num(b.due_ms))
  elseif kind == 'closed' then
    local r = type(b.record) == 'table' and b.record or {}
    settle_pause(k, ts, false)
    redis.call('HSET', k, 'closed_ms', ts,
               'resolution', string.sub(r.resolution or '', 1, 500),
               'resolved_by', r.resolved_by or '',
               'covered_min', num(r.covered_minutes),
               'billable_min', num(r.billable_minutes),
               'sla_covered', r.sla_covered == false and '0' or '1')
    -- the closure record's instants are ticketing's own: exact
    for _, f in ipairs({'responded_ms', 'response_due_ms', 'resolved_ms',
                        'resolution_due_ms'}) do
      if num(r[f]) > 0 then redis.call('HSET', k, f, num(r[f])) end
    end
  end
end

local function on_rfc(kind, ts, b)
  if not b.customer or b.customer == '' then return end
  local k = B .. 'rr:' .. b.id
  if redis.call('EXISTS', k) == 0 then
    redis.call('HSET', k, 'customer', b.customer, 'submitted_ms', ts)
    redis.call('ZADD', B .. 'rrfcs:' .. b.customer, ts, b.id)
  end
  redis.call('HSET', k, 'status', b.status, 'priority', b.priority or '',
             'ticket', b.ticket or '')
  if b.outcome and b.outcome ~= '' then
    redis.call('HSET', k, 'outcome', b.outcome)
  end
  if RFC_DONE[b.status] then
    redis.call('HSET', k, 'finished_ms', ts)
  else
    redis.call('HSET', k, 'finished_ms', 0)
  end
end

-- Every event the report reads: req.type, req.ts, req.body (packed).
keel.effect('billing_on_report', '', function(req)
  local b = cmsgpack.unpack(req.body)
  local family, kind = string.match(req.type, '^(%a+)%.([%a_]+)$')
  if type(b) ~= 'table' or not b.id then return end
  if family == 'request' and kind == 'received' then
    on_request(req.ts, b)
  elseif family == 'ticket' then
    on_ticket(kind, req.ts, b)
  elseif family == 'rfc' then
    on_rfc(kind, req.ts, b)
  end
end)

---------------------------------------------------------------- figures

local function pct(met, total)
  if total == 0 then return -1 end
  return math.floor(met * 1000 / total + 0.5) / 10
end

local function minutes(ms) return math.floor(ms / 60000 + 0.5) end

-- A target's verdict: 'met', 'missed', 'pending' (not due yet) or 'none'
-- (no target known: best effort), and how late (min).  due is the due
-- time as last planned, breach the one an sla_breached event gave.  A
-- ticket from a request is planned by ticketing's clock a moment after
-- it opens, so a first response in that moment has no due time in any
-- event: with no breach reported it was in time (known_target).
local function verdict(at, due, breach, now, known_target)
  if breach > 0 and (due == 0 or at == 0 or at > due) then
    local d = due > 0 and due or breach
    return 'missed', minutes((at > 0 and at or now) - d)
  end
  if at > 0 then
    if due == 0 then return known_target and 'met' or 'none', 0 end
    if at <= due then return 'met', 0 end
    return 'missed', minutes(at - due)
  end
  if due > 0 and due <= now then return 'missed', minutes(now - due) end
  return 'pending', 0
end

local function incidents(req, fig)
  local sla, weeks, breaches, list = {}, {}, {}, {}
  for _, p in ipairs(PRIORITIES) do
    sla[#sla + 1] = {priority = p, tickets = 0, response_met = 0,
                     response_total = 0, resolution_met = 0,
                     resolution_total = 0}
  end
  local at = {}
  for i, p in ipairs(PRIORITIES) do at[p] = sla[i] end
  for i, w in ipairs(req.weeks) do
    weeks[i] = {from_ms = w, critical = 0, high = 0, normal = 0, low = 0}
  end
  local paused_total = 0
  local ids = redis.call('ZRANGE', B .. 'rtickets:' .. req.customer,
                         req.from, '(' .. req.to, 'BYSCORE')
  for _, id in ipairs(ids) do
    local t = hash(B .. 'rt:' .. id)
    local end_ms = math.min(req.now, req.to)
    local paused = num(t.paused_ms)
    if num(t.paused_since) > 0 then
      paused = paused + math.max(end_ms - num(t.paused_since), 0)
    end
    local rv, rlate = verdict(num(t.responded_ms), num(t.response_due_ms),
                              num(t.response_breach), req.now, true)
    local sv, slate = verdict(num(t.resolved_ms), num(t.resolution_due_ms),
                              num(t.resolution_breach), req.now, false)
    local s = at[t.priority] or at.normal
    s.tickets = s.tickets + 1
    if rv == 'met' or rv == 'missed' then
      s.response_total = s.response_total + 1
      if rv == 'met' then s.response_met = s.response_met + 1 end
    end
    if sv == 'met' or sv == 'missed' then
      s.resolution_total = s.resolution_total + 1
      if sv == 'met' then s.resolution_met = s.resolution_met + 1 end
    end
    if rv == 'missed' then
      breaches[#breaches + 1] = {ticket = id, priority = t.priority,
                                 kind = 'response', late_min = rlate}
    end
    if sv == 'missed' then
      breaches[#breaches + 1] = {ticket = id, priority = t.priority,
                                 kind = 'resolution', late_min = slate}
    end
    paused_total = paused_total + paused
    local received = num(t.received_ms)
    for i = #weeks, 1, -1 do
      if received >= weeks[i].from_ms then
        weeks[i][t.priority] = (weeks[i][t.priority] or 0) + 1
        break
      end
    end
    list[#list + 1] = {
      id = id, priority = t.priority, status = t.status,
      received_ms = received, responded_ms = num(t.responded_ms),
      resolved_ms = num(t.resolved_ms), closed_ms = num(t.closed_ms),
      paused_ms = paused, response = rv, response_late_min = rlate,
      resolution = sv, resolution_late_min = slate,
      symptoms = t.symptoms or '', resolution_text = t.resolution or '',
      alerts = num(t.alerts), sla_covered = t.sla_covered ~= '0'}
  end
  for _, s in ipairs(sla) do
    s.response_pct = pct(s.response_met, s.response_total)
    s.resolution_pct = pct(s.resolution_met, s.resolution_total)
  end
  fig.incidents, fig.sla, fig.breaches, fig.weeks = list, sla, breaches,
                                                    weeks
  fig.paused_ms = paused_total
end

local function alerts(req, fig)
  local ids = redis.call('ZRANGE', B .. 'ralerts:' .. req.customer,
                         req.from, '(' .. req.to, 'BYSCORE')
  local by_metric, by_device, list = {}, {}, {}
  local nm, nd = {}, {}
  local function count(map, order, key)
    if not map[key] then
      map[key] = 0
      order[#order + 1] = key
    end
    map[key] = map[key] + 1
  end
  for _, id in ipairs(ids) do
    local a = hash(B .. 'ra:' .. id)
    count(by_metric, nm, a.metric)
    for d in string.gmatch(a.devices or '', '[^,]+') do
      count(by_device, nd, d)
    end
    list[#list + 1] = {request = id, metric = a.metric,
                       devices = a.devices or '', value = a.value or '',
                       level = a.level or '',
                       received_ms = num(a.received_ms),
                       ticket = a.ticket or '', action = a.action or 'none'}
  end
  table.sort(nm)
  table.sort(nd)
  local m, d = {}, {}
  for i, k in ipairs(nm) do m[i] = {metric = k, alerts = by_metric[k]} end
  for i, k in ipairs(nd) do d[i] = {device = k, alerts = by_device[k]} end
  fig.alerts = {total = #list, by_metric = m, by_device = d, list = list}
end

local function rfcs(req, fig)
  local open, done = {}, {}
  for _, id in ipairs(redis.call('ZRANGE', B .. 'rrfcs:' .. req.customer,
                                 '-inf', '(' .. req.to, 'BYSCORE')) do
    local r = hash(B .. 'rr:' .. id)
    local fin = num(r.finished_ms)
    local row = {id = id, status = r.status, priority = r.priority or '',
                 ticket = r.ticket or '', outcome = r.outcome or '',
                 submitted_ms = num(r.submitted_ms), finished_ms = fin}
    if fin > 0 and fin < req.to then
      if fin >= req.from then done[#done + 1] = row end
    else
      row.finished_ms = 0
      open[#open + 1] = row
    end
  end
  fig.rfcs = {open = open, closed = done}
end

-- The month's hours from the ledger of the customer's contract.
local function hours(req, fig)
  local c = contract_of(req.customer)
  if not c then
    fig.hours = {contract = ''}
    return
  end
  local h = {contract = c.id, granted_min = 0, included_used_min = 0,
             lapsed_min = 0, flex_accrued_min = 0, blocks_opened = 0,
             block_used_min = 0, billable_min = 0, covered_min = 0,
             expired_min = 0, flex_balance_min = 0, block_balance_min = 0}
  for _, p in ipairs(redis.call('LRANGE', B .. 'ledger:' .. c.id, 0, -1)) do
    local e = cmsgpack.unpack(p)
    if e.day <= req.last_day then
      h.flex_balance_min = h.flex_balance_min + e.flex
      h.block_balance_min = h.block_balance_min + e.block
    end
    if e.day >= req.first_day and e.day <= req.last_day then
      if e.kind == 'grant' then
        h.granted_min = h.granted_min + e.included
      elseif e.kind == 'lapse' then
        h.lapsed_min = h.lapsed_min - e.included
      elseif e.kind == 'accrue' then
        h.flex_accrued_min = h.flex_accrued_min + e.flex
      elseif e.kind == 'expire' then
        h.expired_min = h.expired_min - e.flex - e.block
      elseif e.kind == 'block' then
        h.blocks_opened = h.blocks_opened + 1
      elseif e.kind == 'draw' then
        h.included_used_min = h.included_used_min - e.included
        h.block_used_min = h.block_used_min - e.block
      elseif e.kind == 'billable' then
        h.billable_min = h.billable_min + e.billable
      elseif e.kind == 'covered' then
        h.covered_min = h.covered_min + e.minutes
      end
    end
  end
  -- what is held at the month's end lapses on 31 December
  local y = civil_from_days(req.last_day)
  h.expiry_date = string.format('%04d-12-31', y)
  h.expiring_min = h.flex_balance_min + h.block_balance_min
  fig.hours = h
end

---------------------------------------------------------------- summary

local function plural(n, one, many)
  return n .. ' ' .. (n == 1 and one or many)
end

local function duration(min)
  if min < 60 then return plural(min, 'minute', 'minutes') end
  local h, m = math.floor(min / 60), min % 60
  if m == 0 then return plural(h, 'hour', 'hours') end
  return plural(h, 'hour', 'hours') .. ' ' .. plural(m, 'minute', 'minutes')
end

-- A few sentences made from the figures by rules.
local function summary(fig)
  local out = {}
  local n = #fig.incidents
  local rm, rt, sm, st = 0, 0, 0, 0
  for _, s in ipairs(fig.sla) do
    rm, rt = rm + s.response_met, rt + s.response_total
    sm, st = sm + s.resolution_met, st + s.resolution_total
  end
  if n == 0 then
    out[#out + 1] = 'No incidents were reported this month.'
  elseif rm == rt and rt == n then
    out[#out + 1] = (n == 1 and 'The one incident was' or
                     'All ' .. n .. ' incidents were') ..
                    ' answered within target.'
  else
    out[#out + 1] = string.format('%s of %s answered within target.',
                                  rm, plural(rt, 'incident', 'incidents'))
  end
  if st > 0 and sm == st then
    out[#out + 1] = (st == 1 and 'The one resolved incident was' or
                     'All ' .. st .. ' resolved incidents were') ..
                    ' resolved within target.'
  end
  for _, b in ipairs(fig.breaches) do
    out[#out + 1] = string.format(
      'One %s-priority incident (%s) missed its %s target by %s.',
      b.priority, b.ticket, b.kind, duration(b.late_min))
  end
  local open = 0
  for _, i in ipairs(fig.incidents) do
    if i.status ~= 'closed' then open = open + 1 end
  end
  if open > 0 then
    out[#out + 1] = plural(open, 'incident is', 'incidents are') ..
                    ' still open.'
  end
  if minutes(fig.paused_ms) > 0 then
    out[#out + 1] = string.format(
      'Incidents waited %s on your side (paused, not counted against ' ..
      'the targets).', duration(minutes(fig.paused_ms)))
  end
  local a = fig.alerts
  if a.total > 0 then
    local raised, joined = 0, 0
    for _, x in ipairs(a.list) do
      if x.action == 'raised' then raised = raised + 1 end
      if x.action == 'joined' then joined = joined + 1 end
    end
    out[#out + 1] = string.format(
      'Monitoring raised %s: %s opened a ticket, %s joined an open one.',
      plural(a.total, 'alert', 'alerts'), raised, joined)
  end
  local r = fig.rfcs
  if #r.open + #r.closed > 0 then
    out[#out + 1] = string.format('%s closed this month, %s open.',
      plural(#r.closed, 'change request', 'change requests'), #r.open)
  end
  local h = fig.hours
  if h.contract ~= '' then
    local used = h.included_used_min + h.block_used_min
    local s = string.format('%s of included and flex time used',
                            duration(used))
    if h.billable_min > 0 then
      s = s .. string.format(', %s billed', duration(h.billable_min))
    end
    out[#out + 1] = s .. string.format('; %s of flex time held until %s.',
      duration(h.expiring_min), h.expiry_date)
  end
  return out
end

-- The month's figures: req.customer, month, from, to (ms, the month in
-- the customer's zone), first_day, last_day (its local days), weeks (the
-- ms each week of the month starts), now.
local function figures(req)
  local fig = {customer = req.customer, month = req.month,
               from_ms = req.from, to_ms = req.to, generated_ms = req.now}
  local cu = hash(B .. 'customer:' .. req.customer)
  fig.name = cu.name or req.customer
  fig.timezone = cu.timezone or 'UTC'
  incidents(req, fig)
  alerts(req, fig)
  rfcs(req, fig)
  hours(req, fig)
  fig.missing = {}
  if fig.hours.contract == '' then
    fig.missing[1] = 'hours: the customer has no active contract'
  end
  fig.summary = summary(fig)
  return fig
end

-- report.monthly: the figures packed; '' when billing has never heard
-- of the customer.
keel.read('billing_report', function(req)
  if redis.call('EXISTS', B .. 'customer:' .. req.customer) == 0 then
    return ''
  end
  return cmsgpack.pack(figures(req))
end)

-- report.monthly's first step: the customer's zone, '' when unknown.
keel.read('billing_report_zone', function(req)
  local tz = redis.call('HGET', B .. 'customer:' .. req.customer, 'timezone')
  if not tz then return '' end
  return tz ~= '' and tz or 'UTC'
end)

-- The customers a monthly report goes to (those with a contract that is
-- active), with what the C side needs to find the months due.
keel.read('billing_reports_due', function()
  local out = {}
  for _, id in ipairs(redis.call('ZRANGE', B .. 'contracts', 0, -1)) do
    local c = contract(id)
    if c and c.status == 'active' then
      out[#out + 1] = {customer = c.customer, timezone = c.timezone,
                       start = c.start,
                       last = redis.call('HGET', B .. 'reported', c.customer)
                              or ''}
    end
  end
  return cmsgpack.pack(out)
end)

-- The tick's report run: req.items (figures requests), head, now.  Each
-- month is announced once (report.ready), in order.
keel.fn('billing_report_run', function(keys, args)
  local req = cmsgpack.unpack(args[1])
  local out = {0}
  local emit = run_emitter(req.head, out)
  for _, it in ipairs(req.items) do
    local last = redis.call('HGET', B .. 'reported', it.customer) or ''
    if it.month > last and
        redis.call('EXISTS', B .. 'customer:' .. it.customer) == 1 then
      it.now = req.now
      local c = contract_of(it.customer)
      if c then bank_catch_up(c, it.last_day) end
      local fig = figures(it)
      local rm, rt, sm, st = 0, 0, 0, 0
      for _, s in ipairs(fig.sla) do
        rm, rt = rm + s.response_met, rt + s.response_total
        sm, st = sm + s.resolution_met, st + s.resolution_total
      end
      redis.call('HSET', B .. 'reported', it.customer, it.month)
      emit('report.ready', {
        id = 'RPT-' .. it.customer .. '-' .. it.month,
        customer = it.customer, month = it.month,
        incidents = #fig.incidents, response_met = rm,
        response_total = rt, resolution_met = sm, resolution_total = st,
        alerts = fig.alerts.total, summary = fig.summary})
      out[1] = out[1] + 1
    end
  end
  return out
end)

-- keel-ticketing's ticket writes (tickets.c builds their requests).  Each
-- checks the ticket's status against the set lifecycle.c allows (req.from),
-- applies the change with its indexes and appends its events, in one
-- atomic step.  Every request has now, pauses, from and id (the ticket;
-- ticket.create: none); the rest are the operation's own, as strings.

-- ticket.create: customer, contact, channel, priority, devices ("a,b"),
-- service, symptoms, steps, changes, metric, received_ms, level; plan (the
-- SLA plan C made) and ctx (the versions it made it from: customer,
-- calendar, policy and its version).  When one of those changed since,
-- nothing is written and the handler plans again from Redis (w.retry).
ticket_write('ticketing_create', function(req)
  local c = redis.call('HMGET', T .. 'customer:' .. req.customer, 'version',
                       'sla_policy')
  if not c[1] then
    return W.refuse(KEEL_E.NOT_FOUND, 'body.customer', 'customer ' ..
      req.customer .. ' is not known to keel-ticketing (customer.put on ' ..
      'keel-intake first)')
  end
  local x, pid = req.ctx, c[2] or 'default'
  if x and (x.customer ~= c[1] or x.policy ~= pid or
      x.policy_v ~= (redis.call('HGET', T .. 'sla:' .. pid, 'version') or '0')
      or x.calendar_v ~= (redis.call('HGET', T .. 'calendar:' .. req.customer,
                                     'version') or '0')) then
    return W.retry()
  end
  req.request = ''
  req.sla_policy = pid
  local t = create(req)
  return reply(t)
end)

-- ticket.assign: technician ('' = the least loaded of the ticket's level).
ticket_write('ticketing_assign', function(req)
  local t, no = take(req.id, 'assigned')
  if not t then return no end
  local sid, why = pick(req.technician, tonumber(t.level))
  if not sid then return why end
  local old = assign(t, sid)
  if old then
    bump(t)
    emit('assigned', body(t, {from = old}))
  end
  return reply(t)
end)

-- ticket.status: status, note.
ticket_write('ticketing_status', function(req)
  local want, note = req.status, req.note
  local t, no = take(req.id, want)
  if not t then return no end
  if want ~= 'hold_resolution' and t.assignee == '' then
    return W.refuse(KEEL_E.INVALID_TRANSITION, 'body.status',
      'ticket ' .. t.id .. ' has no technician; assign one before ' ..
      t.status .. ' -> ' .. want)
  end
  local old = set_status(t, want, note)
  set(t, 'resolved', '0')
  bump(t)
  emit('status_changed', status_body(t, {from = old,
                                  reason = note ~= '' and note or nil}))
  return reply(t)
end)

-- ticket.resolve: resolution, actions.
ticket_write('ticketing_resolve', function(req)
  local t, no = take(req.id, 'hold_resolution (resolved)')
  if not t then return no end
  local old = t.status
  set(t, 'resolution', req.resolution, 'actions', req.actions,
      'resolved', '1', 'resolved_by', t.assignee,
      'resolved_ms', tostring(NOW))
  if old ~= 'hold_resolution' then
    set_status(t, 'hold_resolution', 'resolved')
  else
    history(t, 'resolved', '')
  end
  bump(t)
  emit('status_changed', status_body(t, {from = old, reason = 'resolved'}))
  return reply(t)
end)

-- ticket.confirm: by.  Closes the ticket, frees its incidents, timers and
-- technician, and indexes its words for ticket.search.
ticket_write('ticketing_confirm', function(req)
  local t, no = take(req.id, 'closed')
  if not t then return no end
  if t.resolved ~= '1' then return not_resolved(t, 'closed') end
  local old = set_status(t, 'closed', 'confirmed by ' .. req.by)
  set(t, 'closed_ms', tostring(NOW), 'confirmed_by', req.by)
  redis.call('ZREM', T .. 'queue', t.id)
  redis.call('ZREM', T .. 'sla-dirty', t.id)
  redis.call('ZADD', T .. 'closed', NOW, t.id)
  if t.assignee ~= '' then
    load_index()
    add_load(t.assignee, -1)
  end
  for _, k in ipairs(incident_keys(t)) do
    if redis.call('GET', k) == t.id then redis.call('DEL', k) end
  end
  for m in string.gmatch(t.timers, '%S+') do
    redis.call('ZREM', T .. 'timers', m)
  end
  set(t, 'timers', '')
  local seen = {}
  local text = string.lower(t.symptoms .. ' ' .. t.resolution .. ' ' ..
                            t.actions)
  for w in string.gmatch(text, '%w+') do
    if #w >= 2 and #w <= 40 and not seen[w] then
      seen[w] = true
      redis.call('SADD', T .. 'word:' .. w, t.id)
    end
  end
  bump(t)
  emit('status_changed', status_body(t, {from = old}))
  emit('closed', body(t, {record = {
    reported_ms = tonumber(t.received_ms), reported_by = t.contact,
    details = t.symptoms, actions = t.actions,
    resolution = t.resolution, resolved_by = t.resolved_by or '',
    covered_minutes = tonumber(t.covered_minutes),
    billable_minutes = tonumber(t.billable_minutes),
    sla_covered = t.referred == '', confirmed_by = req.by,
    responded_ms = tonumber(t.responded_ms) or 0,
    response_due_ms = tonumber(t.response_due_ms) or 0,
    resolved_ms = tonumber(t.resolved_ms) or 0,
    resolution_due_ms = tonumber(t.resolution_due_ms) or 0}}))
  return reply(t)
end)

-- ticket.reopen: reason.
ticket_write('ticketing_reopen', function(req)
  local t, no = take(req.id, 'open (not resolved)')
  if not t then return no end
  if t.resolved ~= '1' then return not_resolved(t, 'open') end
  set(t, 'resolved', '0', 'resolved_ms', '0')
  local old = set_status(t, 'open', 'not resolved: ' .. req.reason)
  bump(t)
  emit('status_changed', status_body(t, {from = old, reason = req.reason}))
  return reply(t)
end)

-- ticket.escalate: level ('' = one up), technician, process_change
-- ('1': the ticket waits on an RFC), reason.
ticket_write('ticketing_escalate', function(req)
  local t, no = take(req.id, 'escalated')
  if not t then return no end
  local lv = tonumber(req.level) or (tonumber(t.level) + 1)
  if lv <= tonumber(t.level) or lv > 3 then
    return W.refuse(KEEL_E.INVALID_FIELD, 'body.level', 'ticket ' .. t.id ..
      ' is at level ' .. t.level ..
      '; a technical escalation goes to a higher level, at most 3')
  end
  local sid, why = pick(req.technician, lv)
  if not sid then return why end
  set(t, 'level', tostring(lv))
  local old = assign(t, sid)
  history(t, 'escalated', 'technical, level ' .. lv .. ': ' .. req.reason)
  bump(t)
  if old then emit('assigned', body(t, {from = old})) end
  emit('escalated', body(t, {kind = 'technical', level = lv, to = sid,
                             reason = req.reason}))
  if req.process_change == '1' then
    local prev = set_status(t, 'rfc_submitted', 'needs a process change')
    bump(t)
    emit('status_changed', status_body(t, {from = prev}))
    emit('rfc_requested', body(t, {reason = req.reason}))
  end
  return reply(t)
end)

-- ticket.refer: reason (the customer's own vendor, outside the SLA).
ticket_write('ticketing_refer', function(req)
  local t, no = take(req.id, 'hold_resolution (referred)')
  if not t then return no end
  set(t, 'referred', req.reason, 'resolved', '0')
  local old = set_status(t, 'hold_resolution', 'referred: ' .. req.reason)
  bump(t)
  emit('status_changed', status_body(t, {from = old}))
  emit('referred', body(t, {reason = req.reason}))
  return reply(t)
end)

-- ticket.log_time: minutes, covered ('1'), technician ('' = the
-- assignee), note.
ticket_write('ticketing_log_time', function(req)
  local t, no = take(req.id, 'time logged')
  if not t then return no end
  local tech = req.technician ~= '' and req.technician or t.assignee
  if req.technician ~= '' and
     redis.call('EXISTS', T .. 'staff:' .. req.technician) == 0 then
    return W.refuse(KEEL_E.NOT_FOUND, 'body.technician',
                    'staff member ' .. req.technician .. ' not found')
  end
  local minutes, covered = tonumber(req.minutes), req.covered == '1'
  local entry = redis.call('RPUSH', T .. 'time:' .. t.id, cmsgpack.pack({
    minutes = minutes, covered = covered, technician = tech,
    note = req.note, work = req.work, ts = NOW}))
  local field = covered and 'covered_minutes' or 'billable_minutes'
  t[field] = tostring(redis.call('HINCRBY', tk(t.id), field, minutes))
  history(t, 'time', minutes .. ' min ' ..
          (covered and 'covered' or 'billable') .. ' by ' .. tech)
  bump(t)
  emit('time_logged', body(t, {minutes = minutes, covered = covered,
                               work = req.work, entry = entry}))
  return reply(t)
end)

-- request.received of keel-intake: a ticket, or a link to the open
-- incident.  req: now, pauses, fields (as ticket.create's, with request).
keel.effect('ticketing_on_request', 'ticket.', function(req, emitter)
  begin(req.now, req.pauses, '', emitter, nil)
  create(req.fields)
end)

-- rfc.* of keel-change: a ticket in rfc_submitted follows its RFC: back
-- to open when the RFC is returned, rejected or withdrawn, to pending_fix
-- when it is released; a resubmitted RFC takes an open ticket back to
-- rfc_submitted.  req: now, pauses, ticket, rfc, status.
local FOLLOW = {returned = 'open', rejected = 'open', withdrawn = 'open',
                released = 'pending_fix', submitted = 'rfc_submitted'}
keel.effect('ticketing_on_rfc', 'ticket.', function(req, emitter)
  begin(req.now, req.pauses, '', emitter, nil)
  local to = FOLLOW[req.status]
  local t = to and load(req.ticket)
  if not t then return end
  local from = to == 'rfc_submitted' and 'open' or 'rfc_submitted'
  if t.status ~= from then return end
  local old = set_status(t, to, 'RFC ' .. req.rfc .. ' ' .. req.status)
  bump(t)
  hist_flush()
  emit('status_changed', status_body(t, {from = old}))
end)
-- keel-change RFCs (rfcs.c checks and prices nothing: it parses dates,
-- computes a patch's deadline, and names the statuses each step may start
-- from, from lifecycle.c): submit, resubmit, the manager's steps, the
-- review board's votes, reads, and the RFC a ticket asks for.

local LEVEL = {low = 1, medium = 2, high = 3}

-- Whether the high-impact rule sends r to the board: the reason, or nil.
-- Without a rule, high impact does.
local function high_impact(r)
  local f = redis.call('HMGET', C .. 'rule', 'impact', 'ci_kinds',
                       'customers', 'cost_over', 'over_budget')
  local impact = f[1] or 'high'
  if impact ~= '' and LEVEL[r.impact] >= LEVEL[impact] then
    return 'impact ' .. r.impact
  end
  if f[2] and f[2] ~= '' then
    local kinds = {}
    for _, k in ipairs(cmsgpack.unpack(f[2])) do kinds[k] = true end
    for _, ci in ipairs(r.cis) do
      local kind = redis.call('HGET', C .. 'ci:' .. ci, 'kind')
      if kind and kinds[kind] then return 'CI ' .. ci .. ' is ' .. kind end
    end
  end
  if f[3] and f[3] ~= '' then
    for _, c in ipairs(cmsgpack.unpack(f[3])) do
      if c == r.customer then return 'customer ' .. c end
    end
  end
  if f[4] and f[4] ~= '' and r.cost > tonumber(f[4]) then
    return 'cost ' .. fmt_money(r.cost) .. ' over ' .. fmt_money(tonumber(f[4]))
  end
  if f[5] == '1' and r.budget > 0 and r.cost > r.budget then
    return 'cost ' .. fmt_money(r.cost) .. ' over its budget ' ..
           fmt_money(r.budget)
  end
  return nil
end

-- Checks that each CI of cis is one of customer's: nil, or the refusal.
local function check_cis(w, customer, cis)
  for _, ci in ipairs(cis or {}) do
    local owner = redis.call('HGET', C .. 'ci:' .. ci, 'customer')
    if owner ~= customer then
      return w.refuse(KEEL_E.INVALID_FIELD, 'body.cis', 'body.cis: ' .. ci ..
                      ' is not a configuration item of ' .. customer)
    end
  end
  return nil
end

local EDITABLE = {'problem', 'result', 'affected', 'how', 'backout',
                  'deadline', 'cost', 'budget', 'currency', 'priority',
                  'impact'}

-- Stores a new RFC from req (its fields) and returns it.
local function create(req, origin, ticket)
  local id = string.format('RFC-%06d', redis.call('INCR', C .. 'seq:rfc'))
  local key = C .. 'rfc:' .. id
  redis.call('HSET', key, 'id', id, 'customer', req.customer,
             'origin', origin, 'ticket', ticket or '', 'by', req.by,
             'status', 'submitted', 'version', 1, 'created_ms', req.now,
             'deadline_ms', req.deadline_ms or 0, 'outcome', '',
             'cis', cmsgpack.pack(req.cis or {}),
             'patch', req.patch and cmsgpack.pack(req.patch) or '')
  for _, k in ipairs(EDITABLE) do
    redis.call('HSET', key, k, req[k] or '')
  end
  if (req.priority or '') == '' then redis.call('HSET', key, 'priority', 'normal') end
  if (req.impact or '') == '' then redis.call('HSET', key, 'impact', 'low') end
  if (req.currency or '') == '' then redis.call('HSET', key, 'currency', 'EUR') end
  redis.call('ZADD', C .. 'rfcs', req.now, id)
  redis.call('ZADD', C .. 'rfcs:customer:' .. req.customer, req.now, id)
  redis.call('SADD', C .. 'rfcs:status:submitted', id)
  for _, ci in ipairs(req.cis or {}) do
    redis.call('ZADD', C .. 'rfcs:ci:' .. ci, req.now, id)
  end
  if (req.deadline_ms or 0) > 0 then
    redis.call('ZADD', C .. 'timers', req.deadline_ms, id)
  end
  history(id, req.now, req.by, 'submitted', '', 'submitted',
          origin == 'ticket' and ('from ticket ' .. ticket) or '')
  return rfc(id)
end

-- rfc.submit: the body, now, deadline_ms (a patch's, 0 otherwise).
keel.write('change_rfc_submit', function(w, req)
  if redis.call('EXISTS', C .. 'customer:' .. req.customer) == 0 then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.customer', 'customer ' ..
                    req.customer .. ' is not known to keel-change')
  end
  local no = check_cis(w, req.customer, req.cis)
  if no then return no end
  local r = create(req, req.origin or 'internal', nil)
  return w.done(reply(r), 'rfc.submitted', event_body(r, {by = req.by}))
end)

-- rfc.resubmit: id, by, now, from, and any field to change.
keel.write('change_rfc_resubmit', function(w, req)
  local r = rfc(req.id)
  if not r then return not_found(w, req.id) end
  if not allowed(req.from, r.status) then return not_from(w, r, 'submitted') end
  local no = check_cis(w, r.customer, req.cis)
  if no then return no end
  for _, k in ipairs(EDITABLE) do
    if req[k] ~= nil then redis.call('HSET', C .. 'rfc:' .. r.id, k, req[k]) end
  end
  if req.cis then
    redis.call('HSET', C .. 'rfc:' .. r.id, 'cis', cmsgpack.pack(req.cis))
    for _, ci in ipairs(req.cis) do
      redis.call('ZADD', C .. 'rfcs:ci:' .. ci, r.created_ms, r.id)
    end
  end
  if req.patch then
    redis.call('HSET', C .. 'rfc:' .. r.id, 'patch', cmsgpack.pack(req.patch))
  end
  local old = move(r, 'submitted', req.now, req.by, 'resubmitted', '')
  return w.done(reply(r), 'rfc.resubmitted',
                event_body(r, {from = old, by = req.by}))
end)

-- rfc.authorize: id, by, reason, now, from.  Complete RFCs only; the
-- high-impact rule sends one to the board.
keel.write('change_rfc_authorize', function(w, req)
  local r = rfc(req.id)
  if not r then return not_found(w, req.id) end
  if not allowed(req.from, r.status) then return not_from(w, r, 'approved') end
  local lacks = missing(r)
  if lacks ~= '' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'rfc ' .. r.id ..
                    ' is incomplete (no ' .. lacks .. '); return it to ' ..
                    'its originator')
  end
  local why = high_impact(r)
  local to = why and 'cab_review' or 'approved'
  local old = move(r, to, req.now, req.by, 'authorized',
                   why and ('high impact: ' .. why) or req.reason)
  return w.done(reply(r), 'rfc.' .. to,
                event_body(r, {from = old, by = req.by,
                               reason = why and ('high impact: ' .. why)
                                        or req.reason}))
end)

-- The freeze window of r's customer that holds now, or nil.
local function frozen(r, now)
  for _, p in ipairs(redis.call('HVALS', C .. 'freeze:' .. r.customer)) do
    local f = cmsgpack.unpack(p)
    if now >= f.from_ms and now < f.to_ms then return f end
  end
  return nil
end

-- return, reject, withdraw, release, implement, close: id, by, reason,
-- now, from, to, op, outcome (close).
keel.write('change_rfc_step', function(w, req)
  local r = rfc(req.id)
  if not r then return not_found(w, req.id) end
  if not allowed(req.from, r.status) then return not_from(w, r, req.to) end
  if req.op == 'release' and r.priority ~= 'emergency' then
    local f = frozen(r, req.now)
    if f then
      return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'rfc ' .. r.id ..
                      ' cannot be released inside freeze window ' .. f.id ..
                      ' (' .. f.from .. ' to ' .. f.to .. ' ' .. f.timezone ..
                      (f.reason ~= '' and (': ' .. f.reason) or '') ..
                      '); only an emergency RFC can')
    end
  end
  local extra = {by = req.by, reason = req.reason}
  if req.op == 'close' then
    redis.call('HSET', C .. 'rfc:' .. r.id, 'outcome', req.outcome)
    redis.call('SADD', C .. 'rfcs:outcome:' .. req.outcome, r.id)
    r.outcome = req.outcome
    extra.outcome = req.outcome
  end
  extra.from = move(r, req.to, req.now, req.by, req.op, req.reason)
  return w.done(reply(r), 'rfc.' .. req.to, event_body(r, extra))
end)

-- rfc.priority: id, by, priority, reason, now, from.
keel.write('change_rfc_priority', function(w, req)
  local r = rfc(req.id)
  if not r then return not_found(w, req.id) end
  if not allowed(req.from, r.status) then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'rfc ' .. r.id ..
                    ' is ' .. r.status .. '; its priority is final')
  end
  local old = r.priority
  r.version = r.version + 1
  r.priority = req.priority
  redis.call('HSET', C .. 'rfc:' .. r.id, 'priority', req.priority,
             'version', r.version)
  history(r.id, req.now, req.by, 'priority', old, req.priority, req.reason)
  return w.done(reply(r), 'rfc.priority_changed',
                event_body(r, {by = req.by, reason = old .. ' -> ' ..
                               req.priority .. ': ' .. req.reason}))
end)

-- cab.vote: rfc, member, vote, reason, now, from.  A member votes once;
-- once quorum votes are in, the majority decides; a tie waits for the
-- next vote, and is a rejection when every member has voted.
keel.write('change_cab_vote', function(w, req)
  local r = rfc(req.rfc)
  if not r then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.rfc', 'rfc ' .. req.rfc ..
                    ' not found')
  end
  if not allowed(req.from, r.status) then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.rfc', 'rfc ' .. r.id ..
                    ' is ' .. r.status .. ', not in review by the board')
  end
  local b = redis.call('HMGET', C .. 'cab', 'members', 'quorum')
  local members = b[1] and cmsgpack.unpack(b[1]) or {}
  local member = false
  for _, m in ipairs(members) do member = member or m == req.member end
  if not member then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.member', 'body.member: ' ..
                    req.member .. ' is not a member of the review board')
  end
  local key = C .. 'votes:' .. r.id
  if redis.call('HEXISTS', key, req.member) == 1 then
    return w.refuse(KEEL_E.CONFLICT, 'body.member', req.member ..
                    ' has voted on ' .. r.id .. ' already')
  end
  redis.call('HSET', key, req.member, cmsgpack.pack({vote = req.vote,
             reason = req.reason, at_ms = req.now}))
  history(r.id, req.now, req.member, 'vote', r.status, r.status,
          req.vote .. ': ' .. req.reason)
  w.emit('rfc.voted', event_body(r, {member = req.member, vote = req.vote,
                                     reason = req.reason}))
  local yes, no = 0, 0
  for _, p in ipairs(redis.call('HVALS', key)) do
    if cmsgpack.unpack(p).vote == 'approve' then yes = yes + 1
    else no = no + 1 end
  end
  local n, to = yes + no, nil
  if n >= tonumber(b[2]) then
    if yes > no then to = 'approved'
    elseif no > yes or n >= #members then to = 'rejected' end
  end
  local out = {rfc = r.id, status = r.status, votes_for = yes,
               votes_against = no}
  if to then
    local why = string.format('the board: %d for, %d against', yes, no)
    local old = move(r, to, req.now, 'review board', 'decided', why)
    out.status = to
    w.emit('rfc.' .. to, event_body(r, {from = old, by = 'review board',
                                        reason = why}))
  end
  return w.done(out)
end)

local function with_history(r)
  local h = {}
  for i, p in ipairs(redis.call('LRANGE', C .. 'history:' .. r.id, 0, -1)) do
    h[i] = cmsgpack.unpack(p)
  end
  local v = {}
  local flat = redis.call('HGETALL', C .. 'votes:' .. r.id)
  for i = 1, #flat, 2 do
    local x = cmsgpack.unpack(flat[i + 1])
    x.member = flat[i]
    v[#v + 1] = x
  end
  r.history = h
  r.votes = v
  return r
end

-- rfc.get: req.id.  The RFC packed with history and votes, or ''.
keel.read('change_rfc_get', function(req)
  local r = rfc(req.id)
  if not r then return '' end
  return cmsgpack.pack(with_history(r))
end)

-- rfc.list: customer, ci, status, outcome (each may be absent): the
-- archive, oldest first.
keel.read('change_rfc_list', function(req)
  local ids
  if req.ci then ids = redis.call('ZRANGE', C .. 'rfcs:ci:' .. req.ci, 0, -1)
  elseif req.customer then
    ids = redis.call('ZRANGE', C .. 'rfcs:customer:' .. req.customer, 0, -1)
  else ids = redis.call('ZRANGE', C .. 'rfcs', 0, -1) end
  local out = {}
  for _, id in ipairs(ids) do
    local r = rfc(id)
    if r and (not req.customer or r.customer == req.customer) and
       (not req.status or r.status == req.status) and
       (not req.outcome or r.outcome == req.outcome) then
      out[#out + 1] = {id = r.id, customer = r.customer, status = r.status,
                       priority = r.priority, outcome = r.outcome,
                       ticket = r.ticket, problem = r.problem,
                       deadline_ms = r.deadline_ms, cis = r.cis}
    end
  end
  return cmsgpack.pack({rfcs = out})
end)

-- ticket.rfc_requested of keel-ticketing: one RFC per ticket, incomplete
-- (the problem only) until its originator completes it.  req: ticket,
-- customer, reason, priority, now.
keel.effect('change_on_ticket', '', function(req, emit)
  local guard = C .. 'ticket:' .. req.ticket
  if redis.call('EXISTS', guard) == 1 then return end
  local prio = ({critical = 'high', high = 'high', low = 'low'})[req.priority]
               or 'normal'
  local r = create({customer = req.customer, problem = req.reason,
                    by = 'ticket ' .. req.ticket, now = req.now,
                    priority = prio}, 'ticket', req.ticket)
  redis.call('SET', guard, r.id)
  emit('rfc.submitted', event_body(r, {by = 'keel-ticketing',
                                       reason = req.reason}))
end)

-- Patch RFCs past their deadline, unreleased: rfc.overdue once each.
-- ARGV[1] {now, head, max}; returns {next deadline (0: none), id1, env1,
-- ...}.
keel.fn('change_fire', function(keys, args)
  local req = cmsgpack.unpack(args[1])
  local out = {0}
  local emit = keel.emitter(C .. 'events', req.head, '', out)
  local due = redis.call('ZRANGEBYSCORE', C .. 'timers', '-inf', req.now,
                         'LIMIT', 0, req.max)
  for _, id in ipairs(due) do
    redis.call('ZREM', C .. 'timers', id)
    local r = rfc(id)
    if r and (r.status == 'submitted' or r.status == 'returned' or
              r.status == 'cab_review' or r.status == 'approved') then
      history(id, req.now, 'keel-change', 'overdue', r.status, r.status,
              'the test-and-approve deadline passed')
      emit('rfc.overdue', event_body(r))
    end
  end
  local nxt = redis.call('ZRANGE', C .. 'timers', 0, 0, 'WITHSCORES')
  out[1] = nxt[2] and tonumber(nxt[2]) or 0
  return out
end)

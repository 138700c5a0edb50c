-- keel-intake's proposals and their versions.  Keys:
-- keel:{intake}:proposal:<P-id> (hash: id, assessment, customer, seats,
-- connection, versions), ...:v<n> (hash: content (msgpack), status,
-- reviewed_by, quote (msgpack), decided_by, by_hq 1/0) and
-- keel:{intake}:seq:proposal (the last id).

local P = 'keel:{intake}:proposal:'

local function hq_assembles(w, seats)
  return w.refuse(KEEL_E.INVALID_FIELD, 'body.by_hq', 'body.by_hq: ' ..
    seats .. ' seats (over 5000): HQ assembles this proposal')
end

-- proposal.draft: req.assessment, req.content (msgpack, kept as it is),
-- req.by_hq (none: false).
keel.write('intake_proposal_draft', function(w, req)
  local a = redis.call('HMGET', 'keel:{intake}:assessment:' .. req.assessment,
                       'status', 'customer', 'seats', 'body')
  if not a[1] then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.assessment',
                    'assessment ' .. req.assessment .. ' not found')
  end
  if a[1] ~= 'feasible' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.assessment',
      'assessment ' .. req.assessment .. ' is ' .. a[1] ..
      '; only a feasible assessment gets a proposal')
  end
  local seats = tonumber(a[3])
  local hq = req.by_hq and '1' or '0'
  if seats > 5000 and hq ~= '1' then return hq_assembles(w, seats) end
  local conn = cmsgpack.unpack(a[4]).connection
  local id = string.format('P-%06d',
    redis.call('INCR', 'keel:{intake}:seq:proposal'))
  local key = P .. id
  redis.call('HSET', key, 'id', id, 'assessment', req.assessment,
             'customer', a[2], 'seats', seats, 'connection', conn,
             'versions', 1)
  redis.call('HSET', key .. ':v1', 'content', req.content, 'status', 'draft',
             'reviewed_by', '', 'quote', '', 'decided_by', '', 'by_hq', hq)
  return w.done({id = id, version = 1, status = 'draft'}, 'drafted',
    {id = id, version = 1, status = 'draft', assessment = req.assessment,
     customer = a[2], seats = seats, connection = conn,
     activities = cmsgpack.unpack(req.content).activities})
end)

-- The common head of review, send, accept, reject and revise: req.id.
-- The proposal and its latest version, or nil and the refusal.
local function latest(w, req)
  local key = P .. req.id
  local p = redis.call('HMGET', key, 'assessment', 'customer', 'seats',
                       'connection', 'versions')
  if not p[1] then
    return nil, w.refuse(KEEL_E.NOT_FOUND, 'body.id',
                         'proposal ' .. req.id .. ' not found')
  end
  local v = tonumber(p[5])
  local vkey = key .. ':v' .. v
  local s = redis.call('HMGET', vkey, 'status', 'reviewed_by', 'quote',
                       'by_hq', 'content')
  local x = {key = key, p = p, v = v, vkey = vkey, s = s, st = s[1],
             seats = tonumber(p[3])}
  function x.refuse(to, why)
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'proposal ' ..
      req.id .. ' (version ' .. x.v .. ') is ' .. x.st .. '; ' .. x.st ..
      ' -> ' .. to .. ' is not allowed' .. (why and ('; ' .. why) or ''))
  end
  x.body = {id = req.id, version = v, assessment = p[1], customer = p[2],
            seats = x.seats}
  return x
end

-- proposal.review, send, accept and reject: req.id, and req.by (review,
-- accept) or req.reason (reject).
local function step(op, arg_field)
  return function(w, req)
    local x, refused = latest(w, req)
    if not x then return refused end
    local st, s, body, vkey = x.st, x.s, x.body, x.vkey
    local arg = arg_field and req[arg_field] or ''
    if op == 'review' then
      if st ~= 'draft' and st ~= 'priced' then return x.refuse('reviewed') end
      redis.call('HSET', vkey, 'reviewed_by', arg)
      body.status, body.by = st, arg
      return w.done({id = req.id, version = x.v, status = st}, 'reviewed',
                    body)
    end
    local q = s[3] ~= '' and cmsgpack.unpack(s[3]) or nil
    if q then body.total, body.currency = q.total, q.currency end
    local to = ({send = 'sent', accept = 'accepted', reject = 'rejected'})[op]
    if op == 'send' then
      if st ~= 'priced' then
        return x.refuse(to, st == 'draft' and
          'it is not priced yet (keel-pricing prices each drafted version)'
          or nil)
      end
      if x.seats > 1000 and s[2] == '' then
        return x.refuse(to,
                        'over 1000 seats HQ reviews it first (proposal.review)')
      end
    elseif st ~= 'sent' then
      return x.refuse(to)
    elseif op == 'reject' then
      -- who (if the caller said) and why, apart
      redis.call('HSET', vkey, 'decided_by', req.by or '', 'reason', arg)
      if req.by and req.by ~= '' then body.by = req.by end
      body.reason = arg
    else
      redis.call('HSET', vkey, 'decided_by', arg)
      body.by = arg
    end
    -- What scheduling plans from: the accepted version's activities, the
    -- assessment's connection, products and preferred dates.
    if op == 'accept' then
      local a = cmsgpack.unpack(redis.call('HGET',
        'keel:{intake}:assessment:' .. x.p[1], 'body'))
      local c = cmsgpack.unpack(s[5])
      body.activities = c.activities
      body.connection, body.products = x.p[4], a.products
      if a.dates and #a.dates > 0 then body.dates = a.dates end
      if a.os and #a.os > 0 then body.os = a.os end
      if a.remove and #a.remove > 0 then body.remove = a.remove end
      body.removal_in_scope = c.removal_in_scope or false
    end
    redis.call('HSET', vkey, 'status', to)
    body.status = to
    return w.done({id = req.id, version = x.v, status = to}, to, body)
  end
end

keel.write('intake_proposal_review', step('review', 'by'))
keel.write('intake_proposal_send', step('send'))
keel.write('intake_proposal_accept', step('accept', 'by'))
keel.write('intake_proposal_reject', step('reject', 'reason'))

-- proposal.revise: req.id, req.content (the changed content members,
-- msgpack), req.by_hq (none: as the version revised).
keel.write('intake_proposal_revise', function(w, req)
  local x, refused = latest(w, req)
  if not x then return refused end
  local st, s, body = x.st, x.s, x.body
  if st ~= 'sent' and st ~= 'rejected' then return x.refuse('revised') end
  local c = cmsgpack.unpack(s[5])
  for k, val in pairs(cmsgpack.unpack(req.content)) do c[k] = val end
  local hq = s[4]
  if req.by_hq ~= nil then hq = req.by_hq and '1' or '0' end
  if x.seats > 5000 and hq ~= '1' then return hq_assembles(w, x.seats) end
  if st == 'sent' then redis.call('HSET', x.vkey, 'status', 'superseded') end
  local v = x.v + 1
  redis.call('HSET', x.key, 'versions', v)
  redis.call('HSET', x.key .. ':v' .. v, 'content', cmsgpack.pack(c),
             'status', 'draft', 'reviewed_by', '', 'quote', '',
             'decided_by', '', 'by_hq', hq)
  body.version, body.status = v, 'draft'
  body.connection, body.activities = x.p[4], c.activities
  return w.done({id = req.id, version = v, status = 'draft'}, 'drafted',
                body)
end)

-- proposal.get: KEYS[1] the proposal; req.version (none: the latest).
-- {assessment, customer, seats, connection, versions, version, status,
-- reviewed_by, quote, decided_by, content, reason}; {versions} without
-- that version, {} without the proposal.  (A version rejected before
-- 'reason' was kept has the reason in decided_by.)
keel.read('intake_proposal_get', function(req, keys)
  local p = redis.call('HMGET', keys[1], 'assessment', 'customer', 'seats',
                       'connection', 'versions')
  if not p[1] then return {} end
  local v = req.version and string.format('%d', req.version) or p[5]
  local s = redis.call('HMGET', keys[1] .. ':v' .. v, 'status',
                       'reviewed_by', 'quote', 'decided_by', 'content',
                       'reason')
  if not s[1] then return {p[5]} end
  return {p[1], p[2], p[3], p[4], p[5], v, s[1], s[2], s[3], s[4], s[5],
          s[6] or ''}
end)

-- proposal.priced from keel-pricing: req.id, req.version, req.quote
-- (msgpack).  Only a version still in draft takes it.
keel.effect('intake_on_priced', 'proposal.', function(req)
  local vkey = P .. req.id .. ':v' .. string.format('%d', req.version)
  if redis.call('HGET', vkey, 'status') == 'draft' then
    redis.call('HSET', vkey, 'status', 'priced', 'quote', req.quote)
  end
end)

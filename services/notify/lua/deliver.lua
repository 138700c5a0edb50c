-- keel-notify's deliveries: claimed with a lease (two instances never send
-- one at the same time; a crash between the far side's acceptance and
-- notify_done is the one window in which a delivery can repeat), recorded
-- as sent, retried with C's backoff, or dead; acknowledgement chains.

-- Claims up to max due deliveries.  ARGV[1] {now, lease_ms, max,
-- rate_per_min}.  Returns packed {jobs = {{job, event, secret}...}, next =
-- when the next delivery falls due (ms), or -1 when none waits}; a
-- destination past its rate waits for the next minute.
keel.fn('notify_claim', function(keys, args)
  local req = cmsgpack.unpack(args[1])
  local out = {}
  local minute = math.floor(req.now / 60000)
  local due = redis.call('ZRANGEBYSCORE', N .. 'due', '-inf', req.now,
                         'LIMIT', 0, req.max)
  for _, id in ipairs(due) do
    local j = job(id)
    if not j or j.status == 'sent' or j.status == 'dead' or
       j.status == 'acked' then
      redis.call('ZREM', N .. 'due', id)
    else
      local rk = N .. 'rate:' .. j.to .. ':' .. minute
      local n = redis.call('INCR', rk)
      redis.call('PEXPIRE', rk, 120000)
      if n > req.rate_per_min then
        redis.call('ZADD', N .. 'due', (minute + 1) * 60000, id)
      else
        j.attempts = j.attempts + 1
        redis.call('HSET', N .. 'job:' .. id, 'status', 'sending',
                   'attempts', j.attempts)
        redis.call('ZADD', N .. 'due', req.now + req.lease_ms, id)
        local r = rule(j.rule)
        out[#out + 1] = {job = j,
                         event = redis.call('GET', N .. 'ev:' .. j.event)
                                 or '',
                         secret = r and r.secret or ''}
      end
    end
  end
  local first = redis.call('ZRANGE', N .. 'due', 0, 0, 'WITHSCORES')
  return cmsgpack.pack({jobs = out, next = tonumber(first[2]) or -1})
end)

-- What C says of a sending: ARGV[1] {id, ok, error, permanent, now,
-- retry_ms, max_attempts, head}.  Returns {0, id1, env1, ...}.
keel.fn('notify_done', function(keys, args)
  local req = cmsgpack.unpack(args[1])
  local out = {0}
  local emit = keel.emitter(N .. 'events', req.head, '', out)
  local j = job(req.id)
  if not j or j.status ~= 'sending' then return out end
  local key = N .. 'job:' .. j.id
  if req.ok then
    redis.call('HSET', key, 'status', 'sent', 'sent_ms', req.now,
               'error', '')
    redis.call('ZREM', N .. 'due', j.id)
    j.status = 'sent'
    emit('notify.sent', job_event(j))
    if j.chain ~= '' and j.step == 0 and
       redis.call('HGET', N .. 'chain:' .. j.chain, 'acked') ~= '1' then
      redis.call('ZADD', N .. 'acks', req.now + j.ack_after_s * 1000,
                 j.chain)
    end
    return out
  end
  redis.call('RPUSH', N .. 'errors:' .. j.id, req.error)
  if req.permanent or j.attempts >= req.max_attempts then
    redis.call('HSET', key, 'status', 'dead', 'error', req.error)
    redis.call('ZREM', N .. 'due', j.id)
    redis.call('ZADD', N .. 'dead', req.now, j.id)
    emit('notify.dead', job_event(j, {error = req.error}))
  else
    redis.call('HSET', key, 'status', 'retry', 'error', req.error,
               'next_ms', req.now + req.retry_ms)
    redis.call('ZADD', N .. 'due', req.now + req.retry_ms, j.id)
    emit('notify.failed', job_event(j, {error = req.error}))
  end
  return out
end)

-- Acknowledgement chains past their wait: the first time the delivery
-- is sent again; after that its backup is told over the backup's channel,
-- again at every wait, until someone acknowledges.  ARGV[1] {now, head}.
-- Returns {next check (0: none), id1, env1, ...}.
keel.fn('notify_ack_fire', function(keys, args)
  local req = cmsgpack.unpack(args[1])
  local out = {0}
  local emit = keel.emitter(N .. 'events', req.head, '', out)
  for _, chain in ipairs(redis.call('ZRANGEBYSCORE', N .. 'acks', '-inf',
                                    req.now, 'LIMIT', 0, 100)) do
    local j = job(chain)
    local ck = N .. 'chain:' .. chain
    if not j or redis.call('HGET', ck, 'acked') == '1' then
      redis.call('ZREM', N .. 'acks', chain)
    else
      local step = redis.call('HINCRBY', ck, 'step', 1)
      local f = {rule = j.rule, channel = j.channel, to = j.to,
                 template = j.template, chain = chain, step = step,
                 ticket = j.ticket, kind = 'address'}
      local what = 'notify.resent'
      if step > 1 and j.backup ~= '' then
        local bk = cmsgpack.unpack(j.backup)
        local evc = redis.call('GET', N .. 'ev:' .. j.event)
        local b = evc and cmsgpack.unpack(cmsgpack.unpack(evc).body) or {}
        f.channel = bk.channel
        f.kind = bk.kind
        f.to = resolve(bk, b)[1]
        what = 'notify.escalated'
      end
      local id = chain .. '#' .. step
      enqueue(id, j.event, j.type, f, req.now)
      emit(what, job_event(job(id)))
      redis.call('ZADD', N .. 'acks', req.now + j.ack_after_s * 1000, chain)
    end
  end
  local nxt = redis.call('ZRANGE', N .. 'acks', 0, 0, 'WITHSCORES')
  out[1] = nxt[2] and tonumber(nxt[2]) or 0
  return out
end)

-- notify.ack: token, by, now.
keel.write('notify_ack', function(w, req)
  local chain = redis.call('GET', N .. 'tok:' .. req.token)
  if not chain then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.token', 'no delivery has ' ..
                    'this acknowledgement token')
  end
  local ck = N .. 'chain:' .. chain
  local first = redis.call('HGET', ck, 'acked') ~= '1'
  if first then
    redis.call('HSET', ck, 'acked', '1', 'by', req.by or '', 'at_ms',
               req.now)
    redis.call('ZREM', N .. 'acks', chain)
    redis.call('HSET', N .. 'job:' .. chain, 'status', 'acked')
    local j = job(chain)
    w.emit('notify.acked', job_event(j, {by = req.by or ''}))
  end
  return w.done({delivery = chain, acked = true,
                 by = redis.call('HGET', ck, 'by')})
end)

local function listed(ids)
  local out = {}
  for _, id in ipairs(ids) do
    local j = job(id)
    if j then
      j.backup = nil
      j.token = nil
      out[#out + 1] = j
    end
  end
  return out
end

-- notify.log: ticket, status, limit; newest first.
keel.read('notify_log', function(req)
  local key = req.ticket and (N .. 'jobs:ticket:' .. req.ticket)
              or (N .. 'jobs')
  local ids = redis.call('ZREVRANGE', key, 0, (req.limit or 200) - 1)
  local out = {}
  for _, j in ipairs(listed(ids)) do
    if not req.status or j.status == req.status then out[#out + 1] = j end
  end
  return cmsgpack.pack({deliveries = out})
end)

keel.read('notify_dlq_list', function()
  return cmsgpack.pack({deliveries = listed(
    redis.call('ZRANGE', N .. 'dead', 0, -1))})
end)

keel.read('notify_dlq_show', function(req)
  local j = job(req.id)
  if not j then return '' end
  j.errors = redis.call('LRANGE', N .. 'errors:' .. req.id, 0, -1)
  j.backup = nil
  j.token = nil
  return cmsgpack.pack({deliveries = {j}})
end)

-- notify.dlq.replay: id, now.  A dead delivery is due again, from
-- attempt 0.
keel.write('notify_dlq_replay', function(w, req)
  local j = job(req.id)
  if not j or j.status ~= 'dead' then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.id', 'no dead delivery ' ..
                    req.id)
  end
  if j.to == '' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', req.id ..
                    ' has no address; fix the recipient and let the ' ..
                    'event come again')
  end
  redis.call('HSET', N .. 'job:' .. j.id, 'status', 'pending', 'attempts',
             0, 'next_ms', req.now)
  redis.call('ZREM', N .. 'dead', j.id)
  redis.call('ZADD', N .. 'due', req.now, j.id)
  j.status = 'pending'
  j.backup = nil
  j.token = nil
  return w.done({deliveries = {j}})
end)

-- notify.preview: event, rule.  What C renders: {event copy, rule,
-- recipients}, or ''.
keel.read('notify_preview', function(req)
  local evc = redis.call('GET', N .. 'ev:' .. req.event)
  local r = rule(req.rule)
  if not evc or not r then return '' end
  local e = cmsgpack.unpack(evc)
  local b = cmsgpack.unpack(e.body)
  local to = {}
  for _, t in ipairs(r.to) do
    for _, a in ipairs(resolve(t, b)) do to[#to + 1] = a end
  end
  return cmsgpack.pack({event = evc, rule = r.id, channel = r.channel,
                        to = to, id = req.event .. '/' .. r.id})
end)

-- keel-notify's input: every event of the other daemons, through its
-- consumer groups (once each).  An event is kept (its copy is what a
-- delivery renders and what preview reads), matched against the rules,
-- and each (event, rule, recipient) becomes one durable delivery: the
-- same event delivered twice, or by two instances, makes no second one.

-- Every event: req source, seq, type, body (packed), now.
keel.effect('notify_on_event', '', function(req)
  seed()
  local ev = req.source .. ':' .. req.seq
  local b = cmsgpack.unpack(req.body)
  redis.call('SET', N .. 'ev:' .. ev, cmsgpack.pack({type = req.type,
             body = req.body, ts_ms = req.now}), 'PX', 30 * 86400000)
  -- the copies recipients resolve through
  if req.source == 'intake' and
     string.sub(req.type, 1, 9) == 'customer.' then
    local email = ''
    for _, c in ipairs(b.contacts or {}) do
      if email == '' and c.email then email = c.email end
    end
    redis.call('HSET', N .. 'customer:' .. b.id, 'name', b.name or '',
               'email', email)
  elseif req.source == 'ticketing' and
         string.sub(req.type, 1, 6) == 'staff.' then
    local old = redis.call('HGET', N .. 'staff:' .. b.id, 'role')
    if old then redis.call('SREM', N .. 'role:' .. old, b.id) end
    redis.call('HSET', N .. 'staff:' .. b.id, 'name', b.name or '',
               'email', b.email or '', 'role', b.role)
    redis.call('SADD', N .. 'role:' .. b.role, b.id)
  end
  local ticket = string.sub(req.type, 1, 7) == 'ticket.' and b.id or b.ticket
  for _, r in ipairs(all_rules()) do
    if matches(r, req.type, b) then
      for _, t in ipairs(r.to) do
        for _, to in ipairs(resolve(t, b)) do
          enqueue(ev .. '/' .. r.id .. '/' .. (to ~= '' and to or t.kind),
                  ev, req.type, {rule = r.id, channel = r.channel, to = to,
                  kind = t.kind, template = r.template, ack = r.ack,
                  ack_after_s = r.ack_after_s, backup = r.backup,
                  ticket = ticket}, req.now)
        end
      end
    end
  end
end)

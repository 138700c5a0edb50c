-- keel-pricing's queue of proposal versions to price.  Keys:
-- keel:{pricing}:to-price (sorted set of "<id>|<version>" by the time it
-- was drafted) and to-price:<id>|<version> (what pricing needs of it).

local Q = 'keel:{pricing}:to-price'

-- proposal.drafted: req.member, req.payload (activities and connection,
-- msgpack), req.ts (when it was drafted).
keel.effect('pricing_on_drafted', 'proposal.', function(req)
  redis.call('SET', Q .. ':' .. req.member, req.payload)
  redis.call('ZADD', Q, req.ts, req.member)
end)

-- KEYS[1] the queue; ARGV[1] {member, head, body}: emits proposal.priced
-- with body (packed by C) once, only while the member is queued.
-- Returns {1, id, env} or {1}.
keel.fn('pricing_priced', function(keys, args)
  local req = cmsgpack.unpack(args[1])
  local out = {1}
  if redis.call('ZREM', keys[1], req.member) == 1 then
    local emit = keel.emitter('keel:{pricing}:events', req.head,
                              'proposal.', out)
    emit('priced', req.body, true)
  end
  redis.call('DEL', keys[1] .. ':' .. req.member)
  return out
end)

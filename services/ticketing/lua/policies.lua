-- keel-ticketing's SLA policies.  Key: sla:<id> with policy (msgpack, as
-- sla.get shows it), pauses (" a b ", for the ticket functions), version.

-- sla.put: id, policy (msgpack), pauses.
keel.write('ticketing_sla_put', function(w, req)
  local key = T .. 'sla:' .. req.id
  local version = redis.call('HINCRBY', key, 'version', 1)
  redis.call('HSET', key, 'policy', req.policy, 'pauses', req.pauses)
  -- the open tickets under it follow it (a met target stays final)
  replan(redis.call('ZRANGE', T .. 'queue', 0, -1), 'sla_policy', req.id)
  return w.done({id = req.id, version = version}, 'updated',
                {id = req.id, version = version})
end)

-- keel-ticketing's SLA policies.  Key: sla:<id> with policy (msgpack, as
-- sla.get shows it), pauses (" a b ", for the ticket functions), version.

-- sla.put: id, policy (msgpack), pauses.
keel.write('ticketing_sla_put', function(w, req)
  local key = T .. 'sla:' .. req.id
  local version = redis.call('HINCRBY', key, 'version', 1)
  redis.call('HSET', key, 'policy', req.policy, 'pauses', req.pauses)
  return w.done({id = req.id, version = version}, 'updated',
                {id = req.id, version = version})
end)

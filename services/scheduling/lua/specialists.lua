-- keel-scheduling's specialists (plans.c): specialist.put, and
-- specialist.get and .list, which read them all.

-- specialist.put: req.id (or '': a new SP-nnnnnn), req.name, req.org,
-- req.tier, req.products ("\n"-joined), req.timezone, req.hours and
-- req.time_off (msgpack, checked by plans.c).
keel.write('scheduling_specialist_put', function(w, req)
  local id = req.id
  if id == '' then
    repeat
      id = string.format('SP-%06d',
        redis.call('INCR', SCHED .. 'seq:specialist'))
    until redis.call('EXISTS', SCHED .. 'specialist:' .. id) == 0
  end
  local key = SCHED .. 'specialist:' .. id
  local v = redis.call('HINCRBY', key, 'version', 1)
  redis.call('HSET', key, 'id', id, 'name', req.name, 'org', req.org,
    'tier', req.tier, 'products', req.products, 'timezone', req.timezone,
    'hours', req.hours, 'time_off', req.time_off)
  redis.call('ZADD', SCHED .. 'specialists', 0, id)
  return w.done({id = id, version = v, created = v == 1},
    v == 1 and 'created' or 'updated', {id = id, name = req.name,
    org = req.org, tier = req.tier, version = v})
end)

-- KEYS[1] keel:{scheduling}:specialists; no request fields.  Every
-- specialist, as all_specialists.
keel.read('scheduling_specialist_list', function()
  return all_specialists()
end)

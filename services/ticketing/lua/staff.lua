-- keel-ticketing's support staff: technicians (skill level 1-3), service
-- managers and executives.  Keys: staff:<id> (hash), staff (every id,
-- by lex), staff-by-role:<role> (ids per role), seq:staff.

-- staff.put.  KEYS[3] the id counter, KEYS[4] the id index; req: id (''
-- for a new one), name, role, level, email, phone.
keel.write('ticketing_staff_put', function(w, req, keys)
  local id = req.id
  if id == '' then
    repeat
      id = string.format('S-%06d', redis.call('INCR', keys[3]))
    until redis.call('EXISTS', T .. 'staff:' .. id) == 0
  end
  local key = T .. 'staff:' .. id
  local old, old_level = unpack(redis.call('HMGET', key, 'role', 'level'))
  local version = redis.call('HINCRBY', key, 'version', 1)
  redis.call('HSET', key, 'id', id, 'name', req.name, 'role', req.role,
             'level', req.level, 'email', req.email, 'phone', req.phone)
  redis.call('ZADD', keys[4], 0, id)
  if old and old ~= req.role then
    redis.call('ZREM', T .. 'staff-by-role:' .. old, id)
  end
  redis.call('ZADD', T .. 'staff-by-role:' .. req.role, 0, id)
  -- the technicians' load index (lib/ticket.lua): in its level's set
  load_index()
  local oldlv = old == 'technician' and old_level or nil
  if oldlv and (req.role ~= 'technician' or oldlv ~= req.level) then
    redis.call('ZREM', T .. 'load:' .. oldlv, id)
  end
  if req.role == 'technician' then
    redis.call('ZADD', T .. 'load:' .. req.level,
               redis.call('ZSCORE', T .. 'load', id) or 0, id)
  end
  local created = version == 1
  return w.done({id = id, version = version, created = created},
                created and 'created' or 'updated',
                {id = id, name = req.name, role = req.role,
                 level = tonumber(req.level), version = version,
                 email = req.email})
end)

-- staff.get and staff.list.  KEYS[1] an index; req: after ('' = from the
-- start), limit.  Returns {next, {member fields}...}.
keel.read('ticketing_staff_list', function(req, keys)
  local min = req.after == '' and '-' or ('(' .. req.after)
  local limit = tonumber(req.limit)
  local ids = redis.call('ZRANGE', keys[1], min, '+', 'BYLEX',
                         'LIMIT', 0, limit + 1)
  local n = math.min(#ids, limit)
  local out = {}
  for i = 1, n do
    out[i] = redis.call('HMGET', T .. 'staff:' .. ids[i], 'id', 'name',
                        'role', 'level', 'email', 'phone', 'version')
  end
  return {#ids > n and ids[n] or '', out}
end)

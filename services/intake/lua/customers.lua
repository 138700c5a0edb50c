-- keel-intake's customers and their calendars.  Keys:
-- keel:{intake}:customer:<id> (hash: id, name, timezone, contacts,
-- version, created_ms, updated_ms, sla_policy), keel:{intake}:customers
-- (index, sorted set by id at score 0), keel:{intake}:seq:customer (the
-- last id counted), keel:{intake}:calendar:<id> (hash: hours, holidays,
-- version, updated_ms).

local C = 'keel:{intake}:customer:'

-- customer.put: KEYS[3] id counter, KEYS[4] customer index; req.id (none:
-- a new C-<n>), req.name, req.timezone, req.contacts (msgpack),
-- req.sla_policy, req.now.
keel.write('intake_customer_put', function(w, req, keys)
  local id = req.id
  if not id then
    repeat
      id = string.format('C-%06d', redis.call('INCR', keys[3]))
    until redis.call('EXISTS', C .. id) == 0
  end
  local key = C .. id
  local version = redis.call('HINCRBY', key, 'version', 1)
  redis.call('HSET', key, 'id', id, 'name', req.name, 'timezone',
             req.timezone, 'contacts', req.contacts, 'updated_ms', req.now,
             'sla_policy', req.sla_policy)
  local created = version == 1
  if created then
    redis.call('HSET', key, 'created_ms', req.now)
    redis.call('ZADD', keys[4], 0, id)
  end
  return w.done({id = id, version = version, created = created},
                created and 'created' or 'updated',
                {id = id, name = req.name, timezone = req.timezone,
                 sla_policy = req.sla_policy, version = version,
                 contacts = (req.contacts or '') ~= '' and
                            cmsgpack.unpack(req.contacts) or nil})
end)

-- customer.list: KEYS[1] the customer index; req.after ('' = from the
-- start), req.limit.  {next, {fields}...}, by id.
keel.read('intake_customer_list', function(req, keys)
  local min = req.after == '' and '-' or ('(' .. req.after)
  local limit = req.limit
  local ids = redis.call('ZRANGE', keys[1], min, '+', 'BYLEX', 'LIMIT', 0,
                         limit + 1)
  local n = math.min(#ids, limit)
  local out = {}
  for i = 1, n do
    out[i] = redis.call('HMGET', C .. ids[i], 'id', 'name', 'timezone',
                        'sla_policy', 'version')
  end
  return {#ids > n and ids[n] or '', out}
end)

-- calendar.put: KEYS[3] the customer, KEYS[4] the calendar; req.customer
-- (its id), req.hours, req.holidays (normalized msgpack), req.now.
keel.write('intake_calendar_put', function(w, req, keys)
  local tz = redis.call('HGET', keys[3], 'timezone')
  if not tz then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.customer',
                    'customer \'' .. req.customer .. '\' not found')
  end
  local version = redis.call('HINCRBY', keys[4], 'version', 1)
  redis.call('HSET', keys[4], 'hours', req.hours, 'holidays', req.holidays,
             'updated_ms', req.now)
  local body = {customer = req.customer, timezone = tz,
                hours = cmsgpack.unpack(req.hours), version = version}
  local hol = cmsgpack.unpack(req.holidays)
  if #hol > 0 then body.holidays = hol end
  return w.done({customer = req.customer, version = version}, 'updated',
                body)
end)

-- calendar.get: KEYS[1] the calendar, KEYS[2] the customer: one read of
-- both.  {hours, holidays, version, timezone ('' without the customer)},
-- or nil without a calendar.
keel.read('intake_calendar_get', function(req, keys)
  local c = redis.call('HMGET', keys[1], 'hours', 'holidays', 'version')
  if not c[3] then return false end
  return {c[1], c[2], c[3], redis.call('HGET', keys[2], 'timezone') or ''}
end)

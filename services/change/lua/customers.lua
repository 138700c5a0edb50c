-- keel-change's copy of keel-intake's customers and calendars (the time
-- zone of freeze windows, the business days of patch deadlines), kept
-- from customer.* and calendar.* events.  An older version never
-- overwrites a newer one.

-- customer.*: id, version, name, timezone.
keel.effect('change_on_customer', '', function(req)
  local key = C .. 'customer:' .. req.id
  local cur = tonumber(redis.call('HGET', key, 'version') or '0')
  if req.version > cur then
    redis.call('HSET', key, 'version', req.version, 'name', req.name,
               'timezone', req.timezone)
  end
end)

-- calendar.*: customer, version, timezone, hours, holidays (msgpack).
keel.effect('change_on_calendar', '', function(req)
  local key = C .. 'calendar:' .. req.customer
  local cur = tonumber(redis.call('HGET', key, 'version') or '0')
  if req.version > cur then
    redis.call('HSET', key, 'version', req.version, 'timezone',
               req.timezone, 'hours', req.hours, 'holidays', req.holidays)
  end
end)

-- What C needs of a customer to compute its dates: {timezone, hours,
-- holidays} packed (the calendar's, else the customer's zone and no
-- hours), or '' when keel-change does not know it.
keel.read('change_customer_dates', function(req)
  local tz = redis.call('HGET', C .. 'customer:' .. req.customer, 'timezone')
  if not tz then return '' end
  local cal = redis.call('HMGET', C .. 'calendar:' .. req.customer,
                         'timezone', 'hours', 'holidays')
  return cmsgpack.pack({timezone = cal[1] or tz, hours = cal[2] or '',
                        holidays = cal[3] or ''})
end)

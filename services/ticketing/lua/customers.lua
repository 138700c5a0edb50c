-- keel-ticketing's own copy of keel-intake's customers and calendars,
-- kept from customer.* and calendar.* events (never read from intake's
-- keys).  An older version never overwrites a newer one: events of one
-- customer may be reclaimed out of order.

-- customer.*: KEYS[2] the copy (customer:<id>), KEYS[3] events applied
-- from intake; req: version, name, timezone, seq, sla_policy.
keel.effect('ticketing_on_customer', 'customer.', function(req, _, keys)
  local cur = tonumber(redis.call('HGET', keys[2], 'version') or '0')
  if req.version > cur then
    redis.call('HSET', keys[2], 'version', req.version, 'name', req.name,
               'timezone', req.timezone, 'seq', req.seq,
               'sla_policy', req.sla_policy)
  end
  redis.call('INCR', keys[3])
end)

-- calendar.*: KEYS[2] the copy (calendar:<customer>); req: customer,
-- version, timezone, hours and holidays (msgpack arrays, as in
-- calendar.updated).  The customer's open tickets are planned again with
-- it (docs/ticketing.md, "When the rules change").
keel.effect('ticketing_on_calendar', 'calendar.', function(req, _, keys)
  local cur = tonumber(redis.call('HGET', keys[2], 'version') or '0')
  if req.version > cur then
    redis.call('HSET', keys[2], 'version', req.version,
               'timezone', req.timezone, 'hours', req.hours,
               'holidays', req.holidays)
    replan(redis.call('ZRANGE', T .. 'by-customer:' .. req.customer, 0, -1))
  end
end)

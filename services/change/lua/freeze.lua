-- keel-change's freeze windows, per customer, as instants (C converts the
-- customer's local times) with the local text kept for messages.

-- freeze.put: customer, id, from, to (local text), from_ms, to_ms,
-- timezone, reason.
keel.write('change_freeze_put', function(w, req)
  if req.to_ms <= req.from_ms then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.to', 'body.to: ' .. req.to ..
                    ' is not after ' .. req.from)
  end
  local f = {id = req.id, from = req.from, to = req.to,
             from_ms = req.from_ms, to_ms = req.to_ms,
             timezone = req.timezone, reason = req.reason or ''}
  redis.call('HSET', C .. 'freeze:' .. req.customer, req.id,
             cmsgpack.pack(f))
  return w.done(f)
end)

keel.read('change_freeze_list', function(req)
  if redis.call('EXISTS', C .. 'customer:' .. req.customer) == 0 then
    return ''
  end
  local out = {}
  for _, p in ipairs(redis.call('HVALS', C .. 'freeze:' .. req.customer)) do
    out[#out + 1] = cmsgpack.unpack(p)
  end
  table.sort(out, function(a, b) return a.from_ms < b.from_ms end)
  return cmsgpack.pack({windows = out})
end)

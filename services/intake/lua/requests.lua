-- keel-intake's support requests in.  Keys: keel:{intake}:request:<R-id>
-- (the request.received body, msgpack), keel:{intake}:requests (sorted
-- set of ids by received_ms), keel:{intake}:seq:request (the last id).

-- request.submit: req.customer, req.event (the event body, without id
-- and received_ms), req.received_ms.
keel.write('intake_request_submit', function(w, req)
  if redis.call('EXISTS', 'keel:{intake}:customer:' .. req.customer) == 0
  then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.customer',
                    'customer \'' .. req.customer .. '\' not found')
  end
  local id = string.format('R-%06d',
                           redis.call('INCR', 'keel:{intake}:seq:request'))
  local b = req.event
  b.id = id
  b.received_ms = req.received_ms
  redis.call('SET', 'keel:{intake}:request:' .. id, cmsgpack.pack(b))
  redis.call('ZADD', 'keel:{intake}:requests', b.received_ms, id)
  return w.done({id = id, priority = b.priority}, 'received', b)
end)

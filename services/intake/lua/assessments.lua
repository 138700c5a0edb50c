-- keel-intake's eligible-products list and assessments.  Keys:
-- keel:{intake}:products (the changes product.put made to the defaults:
-- name -> "R,E", released and eligible, 1 or 0),
-- keel:{intake}:assessment:<A-id> (hash: id, customer, status, body,
-- unreleased and reasons ("\n"-joined), evaluated_by, submitted_ms,
-- evaluated_ms, seats, kind), keel:{intake}:seq:assessment (the last id).

local PRODUCTS = 'keel:{intake}:products'
local A = 'keel:{intake}:assessment:'

-- product.put: req.name, req.released, req.eligible (booleans).
keel.write('intake_product_put', function(w, req)
  redis.call('HSET', PRODUCTS, req.name,
             (req.released and '1' or '0') .. ','
             .. (req.eligible and '1' or '0'))
  return w.done({name = req.name, released = req.released,
                 eligible = req.eligible})
end)

-- product.list: KEYS[1] the products' hash, as HGETALL gives it.
keel.read('intake_product_list', function(req, keys)
  return redis.call('HGETALL', keys[1])
end)

-- assessment.submit: req.customer, req.assessment (msgpack, kept as it
-- is), req.defaults (the default products' names), req.now.
keel.write('intake_assessment_submit', function(w, req)
  if redis.call('EXISTS', 'keel:{intake}:customer:' .. req.customer) == 0
  then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.customer',
                    'customer \'' .. req.customer .. '\' not found')
  end
  local defaults = {}
  for _, p in ipairs(req.defaults) do defaults[p] = true end
  local a = cmsgpack.unpack(req.assessment)
  local off, unreleased = {}, {}
  for _, p in ipairs(a.products) do
    local o = redis.call('HGET', PRODUCTS, p)
    local released, eligible = true, false
    if o then
      released = string.sub(o, 1, 1) == '1'
      eligible = string.sub(o, 3, 3) == '1'
    else
      eligible = defaults[p] ~= nil
    end
    if not eligible then off[#off + 1] = p
    elseif not released then unreleased[#unreleased + 1] = p end
  end
  if #off > 0 then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.products',
      'body.products: not on the eligible-products list: ' ..
      table.concat(off, ', '))
  end
  local id = string.format('A-%06d',
    redis.call('INCR', 'keel:{intake}:seq:assessment'))
  redis.call('HSET', A .. id, 'id', id,
    'customer', req.customer, 'status', 'submitted', 'body', req.assessment,
    'unreleased', table.concat(unreleased, '\n'), 'reasons', '',
    'evaluated_by', '', 'submitted_ms', req.now, 'seats', a.seats,
    'kind', a.kind)
  return w.done({id = id, status = 'submitted'}, 'submitted',
    {id = id, customer = req.customer, status = 'submitted',
     seats = a.seats, kind = a.kind})
end)

-- assessment.evaluate: req.id, req.result, req.reasons ("\n"-joined),
-- req.by, req.now.
keel.write('intake_assessment_evaluate', function(w, req)
  local key = A .. req.id
  local f = redis.call('HMGET', key, 'status', 'customer', 'seats', 'kind',
                       'unreleased')
  if not f[1] then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.id',
                    'assessment ' .. req.id .. ' not found')
  end
  if f[1] ~= 'submitted' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'assessment ' ..
      req.id .. ' is ' .. f[1] .. '; ' .. f[1] .. ' -> ' .. req.result ..
      ' is not allowed (an assessment is evaluated once)')
  end
  if req.result == 'feasible' and f[5] ~= '' then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.result',
      'body.result: not feasible, not yet released: ' ..
      string.gsub(f[5], '\n', ', '))
  end
  local reasons = {}
  for r in string.gmatch(req.reasons, '[^\n]+') do
    reasons[#reasons + 1] = r
  end
  for p in string.gmatch(f[5], '[^\n]+') do
    reasons[#reasons + 1] = p .. ' is not yet released'
  end
  redis.call('HSET', key, 'status', req.result, 'reasons',
             table.concat(reasons, '\n'), 'evaluated_by', req.by,
             'evaluated_ms', req.now)
  local body = {id = req.id, customer = f[2], status = req.result,
                seats = tonumber(f[3]), kind = f[4]}
  if #reasons > 0 then body.reasons = reasons end
  return w.done({id = req.id, status = req.result}, 'evaluated', body)
end)

-- assessment.get: KEYS[1] the assessment.
keel.read('intake_assessment_get', function(req, keys)
  return redis.call('HMGET', keys[1], 'id', 'status', 'body', 'unreleased',
                    'reasons', 'evaluated_by', 'submitted_ms')
end)

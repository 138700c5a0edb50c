-- keel-change's configuration items: every change a dated version linked
-- to the RFC that made it; only the first registration may come without.

local CI_FIELDS = {'id', 'customer', 'kind', 'name', 'owner', 'make_model',
                   'serial', 'configuration', 'warranty_end', 'agreement',
                   'migration_date', 'rfc', 'by', 'version', 'at_ms'}

local function ci(id)
  local f = redis.call('HMGET', C .. 'ci:' .. id, unpack(CI_FIELDS))
  if not f[1] then return nil end
  local c = {}
  for i, k in ipairs(CI_FIELDS) do c[k] = f[i] or '' end
  c.version = tonumber(c.version)
  c.at_ms = tonumber(c.at_ms)
  return c
end

-- ci.put: the body, now.
keel.write('change_ci_put', function(w, req)
  local old = ci(req.id)
  local rfc_id = req.rfc or ''
  if old and old.customer ~= req.customer then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.customer', 'body.customer: ' ..
                    req.id .. ' is a configuration item of ' .. old.customer)
  end
  if old and rfc_id == '' then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.rfc', 'body.rfc: ' .. req.id ..
                    ' is registered; a change to it names the RFC that ' ..
                    'makes it')
  end
  if rfc_id ~= '' then
    local r = rfc(rfc_id)
    if not r then
      return w.refuse(KEEL_E.NOT_FOUND, 'body.rfc', 'rfc ' .. rfc_id ..
                      ' not found')
    end
    if r.status ~= 'approved' and r.status ~= 'released' and
       r.status ~= 'implemented' then
      return w.refuse(KEEL_E.INVALID_FIELD, 'body.rfc', 'body.rfc: ' ..
                      rfc_id .. ' is ' .. r.status .. '; a CI changes ' ..
                      'under an approved, released or implemented RFC')
    end
    local named = not old
    for _, x in ipairs(r.cis) do named = named or x == req.id end
    if not named then
      return w.refuse(KEEL_E.INVALID_FIELD, 'body.rfc', 'body.rfc: ' ..
                      rfc_id .. ' does not name ' .. req.id ..
                      ' among its configuration items')
    end
  end
  local v = old and old.version + 1 or 1
  local key = C .. 'ci:' .. req.id
  redis.call('HSET', key, 'id', req.id, 'customer', req.customer,
             'kind', req.kind, 'name', req.name, 'owner', req.owner or '',
             'make_model', req.make_model or '', 'serial', req.serial or '',
             'configuration', req.configuration or '',
             'warranty_end', req.warranty_end or '',
             'agreement', req.agreement or '',
             'migration_date', req.migration_date or '', 'rfc', rfc_id,
             'by', req.by or '', 'version', v, 'at_ms', req.now)
  local c = ci(req.id)
  redis.call('RPUSH', C .. 'civersions:' .. req.id, cmsgpack.pack(c))
  redis.call('ZADD', C .. 'cis', req.now, req.id)
  redis.call('ZADD', C .. 'cis:customer:' .. req.customer, req.now, req.id)
  if rfc_id ~= '' then
    history(rfc_id, req.now, req.by or '', 'ci', '', '',
            req.id .. ' version ' .. v)
  end
  return w.done({id = req.id, version = v}, 'ci.updated',
                {id = req.id, customer = req.customer, kind = req.kind,
                 version = v, rfc = rfc_id})
end)

keel.read('change_ci_get', function(req)
  local c = ci(req.id)
  if not c then return '' end
  return cmsgpack.pack(c)
end)

keel.read('change_ci_list', function(req)
  local key = req.customer and (C .. 'cis:customer:' .. req.customer)
              or (C .. 'cis')
  local out = {}
  for _, id in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local c = ci(id)
    if c and (not req.kind or c.kind == req.kind) then out[#out + 1] = c end
  end
  return cmsgpack.pack({cis = out})
end)

keel.read('change_ci_history', function(req)
  if redis.call('EXISTS', C .. 'ci:' .. req.id) == 0 then return '' end
  local out = {}
  for i, p in ipairs(redis.call('LRANGE', C .. 'civersions:' .. req.id, 0,
                                -1)) do
    out[i] = cmsgpack.unpack(p)
  end
  return cmsgpack.pack({id = req.id, versions = out})
end)

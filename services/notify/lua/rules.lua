-- keel-notify's rules: data, versioned; the defaults ship as rules too.

-- notify.rule.put: the body.  A new version each time; old ones kept.
keel.write('notify_rule_put', function(w, req)
  seed()
  for _, t in ipairs(req.to) do
    if (t.kind == 'address' or t.kind == 'webhook') and not t.address then
      return w.refuse(KEEL_E.INVALID_FIELD, 'body.to', 'body.to: a ' ..
                      t.kind .. ' recipient needs its address')
    end
    if t.kind == 'webhook' and req.channel ~= 'webhook' then
      return w.refuse(KEEL_E.INVALID_FIELD, 'body.channel',
                      'body.channel: a webhook recipient needs the ' ..
                      'webhook channel')
    end
  end
  if (req.channel == 'webhook' or
      (req.backup and req.backup.channel == 'webhook')) and
     not req.secret then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.secret', 'body.secret: ' ..
                    'a webhook rule signs with a secret of 16 bytes or more')
  end
  local old = redis.call('HGET', N .. 'rules', req.id)
  local r = {}
  for k, v in pairs(req) do r[k] = v end
  r.now = nil
  r.version = old and cmsgpack.unpack(old).version + 1 or 1
  if r.enabled == nil then r.enabled = true end
  r.ack_after_s = r.ack_after_s or 900
  local p = cmsgpack.pack(r)
  redis.call('HSET', N .. 'rules', r.id, p)
  redis.call('RPUSH', N .. 'rulever:' .. r.id, p)
  rules_changed()
  return w.done({id = r.id, version = r.version})
end)

-- A rule as shown: without its secret.
local function shown(r)
  local c = {}
  for k, v in pairs(r) do c[k] = v end
  if c.secret then c.secret = '(set)' end
  return c
end

keel.read('notify_rule_list', function()
  local out = {}
  for i, r in ipairs(all_rules()) do out[i] = shown(r) end
  return cmsgpack.pack({rules = out})
end)

keel.read('notify_rule_get', function(req)
  local r = rule(req.id)
  if not r then return '' end
  local vs = {}
  for i, p in ipairs(redis.call('LRANGE', N .. 'rulever:' .. req.id, 0,
                                -1)) do
    vs[i] = shown(cmsgpack.unpack(p))
  end
  if #vs == 0 then vs[1] = shown(r) end
  return cmsgpack.pack({id = r.id, version = r.version, rules = vs})
end)

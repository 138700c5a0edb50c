-- keel-change's review board and high-impact rule: both data, each a
-- hash with a version.

-- cab.put: members, quorum (at most the number of members).
keel.write('change_cab_put', function(w, req)
  if req.quorum > #req.members then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.quorum', 'body.quorum: ' ..
                    req.quorum .. ' is more than the ' .. #req.members ..
                    ' members')
  end
  local v = redis.call('HINCRBY', C .. 'cab', 'version', 1)
  redis.call('HSET', C .. 'cab', 'members', cmsgpack.pack(req.members),
             'quorum', req.quorum)
  return w.done({members = req.members, quorum = req.quorum, version = v})
end)

keel.read('change_cab_get', function()
  local b = redis.call('HMGET', C .. 'cab', 'members', 'quorum', 'version')
  return cmsgpack.pack({members = b[1] and cmsgpack.unpack(b[1]) or {},
                        quorum = tonumber(b[2] or '0'),
                        version = tonumber(b[3] or '0')})
end)

-- change.rule.put: impact, ci_kinds, customers, cost_over, over_budget.
keel.write('change_rule_put', function(w, req)
  local v = redis.call('HINCRBY', C .. 'rule', 'version', 1)
  redis.call('HSET', C .. 'rule', 'impact', req.impact or '',
             'ci_kinds', cmsgpack.pack(req.ci_kinds or {}),
             'customers', cmsgpack.pack(req.customers or {}),
             'cost_over', req.cost_over or '',
             'over_budget', req.over_budget and '1' or '0')
  return w.done({version = v})
end)

keel.read('change_rule_get', function()
  local f = redis.call('HMGET', C .. 'rule', 'version', 'impact', 'ci_kinds',
                       'customers', 'cost_over', 'over_budget')
  if not f[1] then return cmsgpack.pack({version = 0, impact = 'high'}) end
  return cmsgpack.pack({version = tonumber(f[1]), impact = f[2],
                        ci_kinds = cmsgpack.unpack(f[3]),
                        customers = cmsgpack.unpack(f[4]),
                        cost_over = tonumber(f[5]),
                        over_budget = f[6] == '1'})
end)

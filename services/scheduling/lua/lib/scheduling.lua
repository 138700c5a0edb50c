-- What keel-scheduling's functions share: the key prefix, the
-- specialists as the planner reads them (specialists.lua, plans.lua) and
-- the refusal of an unknown engagement.  Keys: keel:{scheduling}:specialists
-- (ids, by id), specialist:<id> (a hash), bookings:<specialist>
-- ("start:end:engagement:n" by start).

local SCHED = 'keel:{scheduling}:'

-- Every specialist: {id, name, org, tier, products, timezone, hours,
-- time_off, version, bookings} each.
local function all_specialists()
  local out = {}
  for _, id in ipairs(redis.call('ZRANGE', SCHED .. 'specialists', 0, -1)) do
    local f = redis.call('HMGET', SCHED .. 'specialist:' .. id,
      'id', 'name', 'org', 'tier', 'products', 'timezone', 'hours',
      'time_off', 'version')
    if f[1] then
      f[10] = redis.call('ZRANGE', SCHED .. 'bookings:' .. id, 0, -1)
      out[#out + 1] = f
    end
  end
  return out
end

-- The refusal of write w for an engagement there is none of.
local function not_found(w, eng)
  return w.refuse(KEEL_E.NOT_FOUND, 'body.engagement',
                  'engagement ' .. eng .. ' not found')
end

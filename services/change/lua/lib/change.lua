-- What keel-change's functions share.  Keys (all keel:{change}:...):
--   rfc:<id>              hash: the RFC (its fields, status, version)
--   history:<id>          list: packed {at_ms, by, what, from, to, reason}
--   votes:<id>            hash: member -> packed {vote, reason, at_ms}
--   rfcs                  zset of ids by submission;  rfcs:customer:<c>,
--   rfcs:ci:<ci>, rfcs:outcome:<o>, rfcs:status:<s>  the archive's indexes
--   ticket:<id>           the RFC made from a ticket (at most one)
--   timers                zset: patch RFC -> its deadline (ms)
--   cab, rule             hashes: the review board, the high-impact rule
--   ci:<id>, civersions:<id>, cis, cis:customer:<c>  configuration items
--   freeze:<customer>     hash: window id -> packed {id, from_ms, to_ms, ...}
--   customer:<id>, calendar:<id>  keel-intake's customers, copied

local C = 'keel:{change}:'

local RFC_FIELDS = {'id', 'customer', 'problem', 'result', 'affected', 'how',
                    'backout', 'deadline', 'cost', 'budget', 'currency',
                    'priority', 'impact', 'cis', 'patch', 'origin', 'ticket',
                    'by', 'status', 'version', 'created_ms', 'deadline_ms',
                    'outcome'}

-- What an RFC must hold before it can be authorized.
local REQUIRED = {'problem', 'result', 'affected', 'how', 'backout'}

local function rfc(id)
  local f = redis.call('HMGET', C .. 'rfc:' .. id, unpack(RFC_FIELDS))
  if not f[1] then return nil end
  local r = {}
  for i, k in ipairs(RFC_FIELDS) do r[k] = f[i] or '' end
  r.version = tonumber(r.version)
  r.cost = tonumber(r.cost) or 0
  r.budget = tonumber(r.budget) or 0
  r.created_ms = tonumber(r.created_ms) or 0
  r.deadline_ms = tonumber(r.deadline_ms) or 0
  r.cis = r.cis ~= '' and cmsgpack.unpack(r.cis) or {}
  r.patch = r.patch ~= '' and cmsgpack.unpack(r.patch) or nil
  return r
end

-- The fields an RFC still lacks, ', '-joined ('' when complete).
local function missing(r)
  local out = {}
  for _, k in ipairs(REQUIRED) do
    if r[k] == '' then out[#out + 1] = k end
  end
  return table.concat(out, ', ')
end

local function event_body(r, extra)
  local b = {id = r.id, customer = r.customer, status = r.status,
             priority = r.priority, ticket = r.ticket, version = r.version}
  if r.deadline_ms > 0 then b.deadline_ms = r.deadline_ms end
  if extra then for k, v in pairs(extra) do b[k] = v end end
  return b
end

local function history(id, at, by, what, from, to, reason)
  redis.call('RPUSH', C .. 'history:' .. id, cmsgpack.pack({
    at_ms = at, by = by, what = what, from = from, to = to,
    reason = reason or ''}))
end

-- Moves r to status to (indexes, version, history); returns the old one.
local function move(r, to, at, by, what, reason)
  local from = r.status
  redis.call('SREM', C .. 'rfcs:status:' .. from, r.id)
  redis.call('SADD', C .. 'rfcs:status:' .. to, r.id)
  r.status = to
  r.version = r.version + 1
  redis.call('HSET', C .. 'rfc:' .. r.id, 'status', to, 'version', r.version)
  history(r.id, at, by, what, from, to, reason)
  if to == 'rejected' or to == 'withdrawn' then
    redis.call('SADD', C .. 'rfcs:outcome:' .. to, r.id)
    redis.call('HSET', C .. 'rfc:' .. r.id, 'outcome', to)
    r.outcome = to
  end
  if to ~= 'submitted' and to ~= 'returned' and to ~= 'cab_review' and
     to ~= 'approved' then
    redis.call('ZREM', C .. 'timers', r.id)
  end
  return from
end

local function reply(r)
  return {id = r.id, status = r.status, version = r.version,
          customer = r.customer, priority = r.priority,
          deadline_ms = r.deadline_ms > 0 and r.deadline_ms or nil}
end

local function not_found(w, id)
  return w.refuse(KEEL_E.NOT_FOUND, 'body.id', 'rfc ' .. id .. ' not found')
end

-- The refusal of a step from a status it may not start from.
local function not_from(w, r, to)
  return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'rfc ' .. r.id ..
                  ' is ' .. r.status .. '; ' .. r.status .. ' -> ' .. to ..
                  ' is not allowed')
end

local function allowed(from_list, status)
  return string.find(from_list, ' ' .. status .. ' ', 1, true) ~= nil
end

-- "1234.50" for 123450 minor units.
local function fmt_money(v)
  local s = v < 0 and '-' or ''
  if v < 0 then v = -v end
  return string.format('%s%d.%02d', s, math.floor(v / 100), v % 100)
end

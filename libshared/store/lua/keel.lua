-- keel: the part every Keel Functions library shares, joined in at build
-- time after KEEL_SVC (the service) and KEEL_E (error.h's codes, generated)
-- and before the service's own files (DESIGN.md "Redis Functions").
--
-- Three kinds of function, each registered through this module so that
-- the calling convention lives in one place (libshared/store/events.c
-- and consumer.c are the C side of it):
--
--   keel.write(name, fn)   a request that changes state.
--       KEYS[1] the idempotency record   ARGV[1] the request body (hashed)
--       KEYS[2] the service's stream     ARGV[2] idempotency retention, ms
--       KEYS[3..] the write's own keys   ARGV[3] event envelope head
--                                        ARGV[4] event type prefix
--                                        ARGV[5] the write's request: one
--                                                msgpack map of named fields
--       fn(w, req, keys) ends with one of
--         return w.done(reply_table[, event_suffix, event_body])
--         return w.refuse(KEEL_E.NOT_FOUND, 'body.id', 'message')
--         return w.retry()   (before any write: the handler runs again)
--       and may call w.emit(suffix, body) before, after every check.
--       A replay of the same key and body returns the first outcome and
--       writes nothing; the same key with another body is 'conflict'.
--       Replies: {'new', outcome, id1, env1, ...} | {'replay', outcome} |
--       {'conflict'} | {'retry'}; outcome is 'O'..reply or 'E'..refusal.
--
--   keel.effect(name, prefix, fn)   another service's event, applied once.
--       KEYS[1] the event's done mark    ARGV[1] the mark's lifetime, ms
--       KEYS[2..] the effect's own keys  ARGV[2] event envelope head
--                                        ARGV[3] the effect's request
--       fn(req, emit, keys); emit(suffix, body) appends events of this
--       service (type prefix..suffix).  Returns 0 when the mark was there
--       (done before), else {1, id1, env1, ...}.
--
--   keel.read(name, fn)   a query: fn(req, keys) with ARGV[1] the request,
--       flagged no-writes (served by a replica, and while Redis is full).
--
-- Requests are unpacked with Redis's cmsgpack, which has no msgpack bin
-- type: C puts raw bytes (packed blobs, event heads) in as str
-- (keel_enc_strn), and Lua gets them as strings.  Integers arrive as Lua
-- numbers (doubles: exact up to 2^53, which ms times and minor units are).

local keel = {}

local function register(name, fn, flags)
  redis.register_function{function_name = name, callback = fn,
                          flags = flags}
end

-- The event ids of one script: its head's UUIDv7 for the first, then the
-- same with the last byte counted up (unique within a call; the 74 random
-- bits tell calls apart).  Emit only after every check: nothing rolls back.
-- emit(suffix, body[, packed]): body is a table, or msgpack bytes that C
-- packed already when packed is true (cheaper than packing in Lua).
function keel.emitter(stream, head, prefix, out)
  local n = 0
  return function(suffix, body, packed)
    n = n + 1
    local h = head
    local at = n > 1 and string.find(h, '\162id\196\16', 1, true)
    if at then
      local p = at + 20
      h = string.sub(h, 1, p - 1)
          .. string.char((string.byte(h, p) + n - 1) % 256)
          .. string.sub(h, p + 1)
    end
    local etype = prefix .. suffix
    local env = h .. cmsgpack.pack('type') .. cmsgpack.pack(etype)
                .. cmsgpack.pack('body')
                .. (packed and body or cmsgpack.pack(body))
    out[#out + 1] = redis.call('XADD', stream, '*', 'type', etype,
                               'env', env)
    out[#out + 1] = env
  end
end

local function known(code)
  for _, c in pairs(KEEL_E) do
    if c == code then return code end
  end
  error('keel: ' .. tostring(code) .. ' is not an error code of error.h')
end

function keel.write(name, fn)
  register(name, function(keys, args)
    local hash = redis.sha1hex(args[1])
    local prev = redis.call('GET', keys[1])
    if prev then
      if string.sub(prev, 1, 40) ~= hash then return {'conflict'} end
      return {'replay', string.sub(prev, 41)}
    end
    local emitted = {}
    local w = {}
    local function keep(outcome)
      redis.call('SET', keys[1], hash .. outcome, 'PX', args[2])
    end
    w.emit = keel.emitter(keys[2], args[3], args[4], emitted)
    function w.done(reply, suffix, body)
      local outcome = 'O' .. cmsgpack.pack(reply)
      if suffix then w.emit(suffix, body) end
      keep(outcome)
      local out = {'new', outcome}
      for i = 1, #emitted do out[#out + 1] = emitted[i] end
      return out
    end
    function w.refuse(code, field, message)
      local outcome = 'E' .. cmsgpack.pack({code = known(code),
                                            field = field,
                                            message = message})
      keep(outcome)
      return {'new', outcome}
    end
    function w.retry() return {'retry'} end
    return fn(w, cmsgpack.unpack(args[5]), keys)
  end)
end

function keel.effect(name, prefix, fn)
  register(name, function(keys, args)
    if not redis.call('SET', keys[1], '1', 'NX', 'PX', args[1]) then
      return 0
    end
    local out = {1}
    local emit = keel.emitter('keel:{' .. KEEL_SVC .. '}:events', args[2],
                              prefix, out)
    fn(cmsgpack.unpack(args[3]), emit, keys)
    return out
  end)
end

function keel.read(name, fn)
  register(name, function(keys, args)
    return fn(cmsgpack.unpack(args[1]), keys)
  end, {'no-writes'})
end

-- Any other function of the service (timers, sweeps).
keel.fn = register

-- The retention of the service's own stream: KEYS[1] the stream, ARGV[1]
-- the oldest id to keep by age ("<ms>-0").  Trims (XTRIM MINID ~) below
-- it but never below a group's oldest pending entry, nor past what a group
-- has not been delivered yet.  Returns the number of entries trimmed.
local function older(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  if am < bm or (am == bm and as < bs) then return a end
  return b
end

register(KEEL_SVC .. '_trim', function(keys, args)
  if redis.call('EXISTS', keys[1]) == 0 then return 0 end
  local keep = args[1]
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', keys[1])) do
    local info = {}
    for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
    if info['pending'] > 0 then
      keep = older(keep, redis.call('XPENDING', keys[1], info['name'])[2])
    else
      keep = older(keep, info['last-delivered-id'])
    end
  end
  return redis.call('XTRIM', keys[1], 'MINID', '~', keep)
end)

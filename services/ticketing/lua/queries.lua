-- keel-ticketing's queries: ticket.get, ticket.list (by priority then due
-- time, filtered, cursor-paged), ticket.search (closed tickets by words:
-- the knowledge base) and ticket.summary (a customer's month).  Each is
-- one function: one round trip, a consistent view.

-- ticket.get.  KEYS[1] ticket:<id>; req: id, fields (the hash fields to
-- return, in order).  {values, requests, time, history} (the last 500 of
-- each list), or {} when there is no such ticket.
keel.read('ticketing_ticket_get', function(req, keys)
  if redis.call('EXISTS', keys[1]) == 0 then return {} end
  local names = {}
  for i, n in ipairs(req.fields) do
    names[i] = n == 'paused_since_ms' and 'paused_since' or n
  end
  return {redis.call('HMGET', keys[1], unpack(names)),
    redis.call('LRANGE', T .. 'requests:' .. req.id, -500, -1),
    redis.call('LRANGE', T .. 'time:' .. req.id, -500, -1),
    redis.call('LRANGE', T .. 'history:' .. req.id, -500, -1)}
end)

-- ticket.list.  KEYS[1] the index (queue or closed); req: after (cursor
-- "score:id" or ''), limit, status, priority, customer, assignee ('' =
-- any), due_before (0 = any).  {next, rows}; examines at most 5000
-- tickets per page (then next continues the scan).
keel.read('ticketing_ticket_list', function(req, keys)
  local cs, cid = string.match(req.after, '^([%d%.e+-]+):(.+)$')
  local limit = req.limit
  local st, pr, cu, as = req.status, req.priority, req.customer,
                         req.assignee
  local due = req.due_before
  local rows, examined, next, offset = {}, 0, '', 0
  local more = true
  while #rows < limit and examined < 5000 and more do
    local got = redis.call('ZRANGE', keys[1], cs or '-inf', '+inf',
                           'BYSCORE', 'LIMIT', offset, 200, 'WITHSCORES')
    more = #got == 400
    offset = offset + #got / 2
    for i = 1, #got, 2 do
      local id, sc = got[i], got[i + 1]
      if not (cs and tonumber(sc) == tonumber(cs) and id <= cid) then
        examined = examined + 1
        next = sc .. ':' .. id
        local f = fields(id, 'status', 'priority', 'customer', 'assignee',
          'response_due_ms', 'resolution_due_ms', 'responded_ms',
          'symptoms', 'paused_since')
        if f[1] and (st == '' or f[1] == st) and (pr == '' or f[2] == pr)
           and (cu == '' or f[3] == cu) and (as == '' or f[4] == as) then
          local d = tonumber(f[6])
          if f[7] == '0' and tonumber(f[5]) > 0 then d = tonumber(f[5]) end
          -- paused: no due time that could pass (it moves with the pause)
          if f[9] ~= '0' then d = 0 end
          if due == 0 or (d > 0 and d < due) then
            rows[#rows + 1] = {id, f[3], f[2], f[1], f[4], tostring(d),
                               string.sub(f[8], 1, 200), f[9]}
          end
        end
        if #rows >= limit or examined >= 5000 then
          more = more or i + 1 < #got
          break
        end
      end
    end
  end
  if not more then next = '' end
  return {next, rows}
end)

-- ticket.search.  KEYS[1] the closed index; req: limit, words.  Closed
-- tickets holding every word, latest first.
keel.read('ticketing_ticket_search', function(req)
  local keys = {}
  for _, w in ipairs(req.words) do keys[#keys + 1] = T .. 'word:' .. w end
  local ids = redis.call('SINTER', unpack(keys))
  local hits = {}
  for i = 1, math.min(#ids, 2000) do
    local f = fields(ids[i], 'customer', 'priority', 'symptoms',
                     'resolution', 'closed_ms')
    if f[1] then
      hits[#hits + 1] = {ids[i], f[1], f[2], string.sub(f[3], 1, 400),
                         string.sub(f[4], 1, 400), f[5]}
    end
  end
  table.sort(hits, function(a, b) return tonumber(a[6]) > tonumber(b[6]) end)
  local out = {}
  for i = 1, math.min(#hits, req.limit) do out[i] = hits[i] end
  return out
end)

-- ticket.summary.  KEYS[1] by-customer:<customer>; req: from, to (ms, the
-- month in the customer's zone), now.  {tickets, critical, high, normal,
-- low, response met, total, resolution met, total, covered, billable}.
keel.read('ticketing_ticket_summary', function(req, keys)
  local ids = redis.call('ZRANGE', keys[1], req.from, '(' .. req.to,
                         'BYSCORE')
  local now = req.now
  local n = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
  local P = {critical = 2, high = 3, normal = 4, low = 5}
  for _, id in ipairs(ids) do
    local f = fields(id, 'priority', 'responded_ms', 'response_due_ms',
                     'resolved_ms', 'resolution_due_ms', 'covered_minutes',
                     'billable_minutes')
    if f[1] then
      n[1] = n[1] + 1
      n[P[f[1]]] = n[P[f[1]]] + 1
      local rs, rd = tonumber(f[2]), tonumber(f[3])
      if rd > 0 and (rs > 0 or rd <= now) then
        n[7] = n[7] + 1
        if rs > 0 and rs <= rd then n[6] = n[6] + 1 end
      end
      local vs, vd = tonumber(f[4] or '0'), tonumber(f[5])
      if vd > 0 and (vs > 0 or vd <= now) then
        n[9] = n[9] + 1
        if vs > 0 and vs <= vd then n[8] = n[8] + 1 end
      end
      n[10] = n[10] + tonumber(f[6])
      n[11] = n[11] + tonumber(f[7])
    end
  end
  return n
end)

-- keel-billing contracts (contracts.c prices each version; this file keeps
-- them): create, amend (dated versions, proration, damages on removal),
-- activate (billing starts with the first invoice), cancel, get, list.

local function reply(c, extra)
  local r = {id = c.id, customer = c.customer, status = c.status,
             currency = c.currency, version = c.version,
             monthly = version_at(c.id, 2 ^ 40).monthly}
  if extra then for k, v in pairs(extra) do r[k] = v end end
  return r
end

local function not_found(w, id)
  return w.refuse(KEEL_E.NOT_FOUND, 'body.id', 'contract ' .. id ..
                  ' not found')
end

-- The version of a request: what contracts.c priced.
local function version_of(req, n, z)
  return {version = n, day = z, date = z > 0 and fmt_day(z) or '',
          lines = req.lines,
          monthly = req.monthly, device_fee = req.device_fee,
          servers = req.servers, support_min = req.support_min,
          flex_min = req.flex_min, reason = req.reason or ''}
end

-- contract.create: the body's fields and what C priced (lines, monthly,
-- device_fee, servers, support_min, flex_min, rates), now, today.
keel.write('billing_contract_create', function(w, req)
  local id = req.id or ''
  if id == '' then
    id = string.format('C-%06d', redis.call('INCR', B .. 'seq:contract'))
  end
  local key = B .. 'contract:' .. id
  if redis.call('EXISTS', key) == 1 then
    return w.refuse(KEEL_E.CONFLICT, 'body.id', 'contract ' .. id ..
                    ' exists already')
  end
  local tz = req.timezone
  if tz == '' then
    tz = redis.call('HGET', B .. 'customer:' .. req.customer, 'timezone')
         or 'UTC'
  end
  redis.call('HSET', key, 'id', id, 'customer', req.customer,
             'currency', req.currency, 'term', req.term,
             'setup_fee', req.setup_fee, 'payment_days', req.payment_days,
             'sla', req.sla, 'cancel_fee', req.cancel_fee,
             'ld_months', req.ld_months, 'timezone', tz,
             'offset_s', req.offset_s, 'status', 'draft', 'version', 1,
             'start', 0, 'next_month', 1, 'credit', req.credit,
             'rates', cmsgpack.pack(req.rates), 'created_ms', req.now,
             'quote', req.quote and cmsgpack.pack(req.quote) or '')
  redis.call('RPUSH', B .. 'versions:' .. id,
             cmsgpack.pack(version_of(req, 1, 0)))
  redis.call('ZADD', B .. 'contracts', req.now, id)
  redis.call('ZADD', B .. 'ccontracts:' .. req.customer, req.now, id)
  local c = contract(id)
  return w.done(reply(c), 'contract.created',
                contract_event(c, {monthly = req.monthly}))
end)

-- Liquidated damages: months of a monthly amount, never more months than
-- the term has left after month k.
local function damages(c, k, monthly)
  local months = math.min(c.ld_months, math.max(c.term - k, 0))
  return months * monthly, months
end

-- contract.amend: id, day, reason and the new version as priced.
keel.write('billing_contract_amend', function(w, req)
  local c = contract(req.id)
  if not c then return not_found(w, req.id) end
  if c.status == 'cancelled' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'contract ' ..
                    c.id .. ' is cancelled; it cannot be amended')
  end
  local vs = versions(c.id)
  local last = vs[#vs]
  if req.day < last.day then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.date', 'body.date: ' ..
                    fmt_day(req.day) .. ' is before version ' ..
                    last.version .. ' (' .. fmt_day(last.day) .. ')')
  end
  local old = version_at(c.id, req.day)
  local v = version_of(req, c.version + 1, req.day)
  redis.call('RPUSH', B .. 'versions:' .. c.id, cmsgpack.pack(v))
  redis.call('HSET', B .. 'contract:' .. c.id, 'version', v.version)
  c.version = v.version
  if c.start > 0 and req.day >= c.start then
    local k = month_of(c.start, req.day)
    local from, to = month_span(c.start, k)
    local diff = v.monthly - old.monthly
    if diff ~= 0 and (k < c.next_month or req.day > from) then
      local left = to - req.day
      add_pending(c.id, {text = string.format(
        'Proration of version %d from %s: %d of %d days of %s a month',
        v.version, fmt_day(req.day), left, to - from, fmt_money(diff)),
        qty = left, unit = 0, amount = muldiv(diff, left, to - from)})
    end
    local removed = old.device_fee - v.device_fee
    local ld, months = damages(c, k, removed)
    if removed > 0 and ld > 0 then
      add_pending(c.id, {text = string.format(
        'Liquidated damages: %d months of device fees removed (%s a month)',
        months, fmt_money(removed)), qty = months, unit = removed,
        amount = ld})
    end
  end
  return w.done(reply(c), 'contract.amended',
                contract_event(c, {date = fmt_day(req.day),
                                   monthly = v.monthly,
                                   reason = req.reason}))
end)

-- contract.activate: id, day (acceptance), by.
keel.write('billing_contract_activate', function(w, req)
  local c = contract(req.id)
  if not c then return not_found(w, req.id) end
  if c.status ~= 'draft' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'contract ' ..
                    c.id .. ' is ' .. c.status .. '; ' .. c.status ..
                    ' -> awaiting_payment is not allowed')
  end
  c.start = req.day
  redis.call('HSET', B .. 'contract:' .. c.id, 'start', c.start,
             'accepted_by', req.by or '')
  local setup = {}
  if c.setup_fee > 0 then
    setup[1] = {text = 'Setup fee', qty = 1, unit = c.setup_fee,
                amount = c.setup_fee}
  end
  local inv = issue_month(c, 1, w.emit, setup)
  c.status = inv.status == 'paid' and 'active' or 'awaiting_payment'
  redis.call('HSET', B .. 'contract:' .. c.id, 'status', c.status,
             'first_invoice', inv.id)
  local ev = c.status == 'active' and 'contract.service_started'
             or 'contract.awaiting_payment'
  return w.done(reply(c, {invoice = inv.id}), ev,
                contract_event(c, {date = fmt_day(c.start),
                                   invoice = inv.id}))
end)

-- contract.cancel: id, day, reason.  Within the term: damages of the
-- monthly fees and the cancellation fee, with what waits, invoiced at once.
keel.write('billing_contract_cancel', function(w, req)
  local c = contract(req.id)
  if not c then return not_found(w, req.id) end
  if c.status == 'cancelled' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'contract ' ..
                    c.id .. ' is cancelled already')
  end
  local extra = {date = fmt_day(req.day), reason = req.reason}
  if c.start > 0 then
    if req.day < c.start then
      return w.refuse(KEEL_E.INVALID_FIELD, 'body.date', 'body.date: ' ..
                      fmt_day(req.day) .. ' is before billing started (' ..
                      fmt_day(c.start) .. ')')
    end
    local k = month_of(c.start, req.day)
    local v = version_at(c.id, req.day)
    local lines = {}
    local ld, months = damages(c, k, v.monthly)
    if ld > 0 then
      lines[#lines + 1] = {text = string.format(
        'Liquidated damages: %d months of %s a month', months,
        fmt_money(v.monthly)), qty = months, unit = v.monthly, amount = ld}
    end
    if c.cancel_fee > 0 then
      lines[#lines + 1] = {text = 'Cancellation fee', qty = 1,
                           unit = c.cancel_fee, amount = c.cancel_fee}
    end
    for _, l in ipairs(take_pending(c.id)) do lines[#lines + 1] = l end
    if #lines > 0 then
      local inv = issue({kind = 'cancellation', contract = c.id,
                         customer = c.customer, currency = c.currency,
                         day = req.day, due_days = c.payment_days,
                         lines = lines}, w.emit)
      if inv.status ~= 'paid' then redis.call('SADD', B .. 'open', inv.id) end
      extra.invoice = inv.id
    end
  end
  c.status = 'cancelled'
  redis.call('HSET', B .. 'contract:' .. c.id, 'status', 'cancelled',
             'cancelled', fmt_day(req.day), 'cancel_reason', req.reason)
  return w.done(reply(c, {invoice = extra.invoice}), 'contract.cancelled',
                contract_event(c, extra))
end)

-- contract.get: KEYS none; req.id.  The contract packed, or ''.
keel.read('billing_contract_get', function(req)
  local c = contract(req.id)
  if not c then return '' end
  local full = {}
  for k, v in pairs(c) do full[k] = v end
  full.rates = cmsgpack.unpack(c.rates)
  full.quote = nil
  if c.quote ~= '' then full.quote = cmsgpack.unpack(c.quote) end
  full.start = c.start > 0 and fmt_day(c.start) or ''
  full.offset_s = nil
  return cmsgpack.pack(reply(c, {contract = full, versions = versions(c.id)}))
end)

-- contract.list: req.customer, req.status (either may be absent).
keel.read('billing_contract_list', function(req)
  local key = B .. 'contracts'
  if req.customer then key = B .. 'ccontracts:' .. req.customer end
  local out = {}
  for _, id in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local c = contract(id)
    if c and (not req.status or req.status == c.status) then
      out[#out + 1] = reply(c, {start = c.start > 0 and fmt_day(c.start)
                                        or '', term = c.term})
    end
  end
  return cmsgpack.pack({contracts = out})
end)

-- keel-billing invoices: the billing run (monthly in advance, once per
-- contract and period; overdue invoices and their late fees), get, list,
-- void with a credit note, and the invoice of a completed engagement.

-- The customer's local day in a run: the day asked for, else each time
-- zone's today as C computed it.
local function run_day(req, tz)
  if req.day then return req.day end
  return req.days[tz or 'UTC'] or req.days['UTC']
end

-- Open invoices past their due day: overdue (once, with its reminder)
-- and a late fee for the days since the due day or the last fee, onto the
-- contract's next invoice.
local function dun(req, emit, out)
  local open = redis.call('SMEMBERS', B .. 'open')
  table.sort(open)
  for _, id in ipairs(open) do
    local inv = invoice(id)
    local tz = redis.call('HGET', B .. 'customer:' .. inv.customer,
                          'timezone')
    if inv.contract ~= '' then
      tz = redis.call('HGET', B .. 'contract:' .. inv.contract, 'timezone')
    end
    local today = run_day(req, tz)
    local due = day_of(inv.due)
    if (not req.contract or req.contract == inv.contract) and
       inv.open > 0 and due < today then
      local key = B .. 'invoice:' .. id
      if inv.status ~= 'overdue' then
        redis.call('HSET', key, 'status', 'overdue')
        inv.status = 'overdue'
        emit('invoice.overdue', invoice_event(inv))
        out[#out + 1] = id
      end
      local through = tonumber(redis.call('HGET', key, 'fee_through') or '0')
      local from = math.max(due, through)
      local days = today - from
      if inv.contract ~= '' and days > 0 then
        local fee = late_fee(inv.open, days)
        if fee > 0 then
          add_pending(inv.contract, {text = string.format(
            'Late fee on %s: 1.5 %% a month of %s for %d days (%s to %s)',
            id, fmt_money(inv.open), days, fmt_day(from), fmt_day(today)),
            qty = days, unit = inv.open, amount = fee})
        end
        redis.call('HSET', key, 'fee_through', today)
      end
    end
  end
end

-- The billing run: ARGV[1] {day | days: {timezone: day}, offsets:
-- {timezone: seconds east of UTC}, contract, head, max}.  Returns {more,
-- packed {issued, overdue}, id1, env1, ...}: more is 1 when max invoices
-- were issued and there may be others (call again: what is issued is
-- never issued twice).
keel.fn('billing_run', function(keys, args)
  local req = cmsgpack.unpack(args[1])
  local out = {0, ''}
  local emit = run_emitter(req.head, out)
  local issued, overdue = {}, {}
  dun(req, emit, overdue)
  local ids = req.contract and {req.contract}
              or redis.call('ZRANGE', B .. 'contracts', 0, -1)
  for _, id in ipairs(ids) do
    local c = contract(id)
    if c and c.status ~= 'draft' and c.status ~= 'cancelled' then
      local off = req.offsets and req.offsets[c.timezone]
      if off then
        redis.call('HSET', B .. 'contract:' .. id, 'offset_s', off)
      end
      local today = run_day(req, c.timezone)
      while c.status == 'active' and
            month_span(c.start, c.next_month) <= today do
        if #issued >= req.max then
          out[1] = 1
          break
        end
        local k = c.next_month
        local have = redis.call('GET', B .. 'period:' .. id .. ':' .. k)
        if have then
          redis.call('HSET', B .. 'contract:' .. id, 'next_month', k + 1)
          c.next_month = k + 1
        else
          issued[#issued + 1] = issue_month(c, k, emit, nil, today).id
        end
      end
      if c.status == 'active' then bank_catch_up(c, today) end
    end
  end
  out[2] = cmsgpack.pack({issued = issued, overdue = overdue,
                          more = out[1] == 1})
  return out
end)

-- invoice.get: req.id.  The invoice packed, or ''.
keel.read('billing_invoice_get', function(req)
  local inv = invoice(req.id)
  if not inv then return '' end
  return cmsgpack.pack(inv)
end)

-- invoice.list: req.contract, req.customer, req.status; oldest first.
keel.read('billing_invoice_list', function(req)
  local key = B .. 'invoices'
  if req.contract then key = B .. 'kinvoices:' .. req.contract
  elseif req.customer then key = B .. 'cinvoices:' .. req.customer end
  local out = {}
  for _, id in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local inv = invoice(id)
    if inv and (not req.status or req.status == inv.status) then
      inv.lines = nil
      out[#out + 1] = inv
    end
  end
  return cmsgpack.pack({invoices = out})
end)

-- invoice.void: id, reason, day (today).  An unpaid invoice is voided by
-- a credit note of its total; it is kept, marked void.
keel.write('billing_invoice_void', function(w, req)
  local inv = invoice(req.id)
  if not inv then
    return w.refuse(KEEL_E.NOT_FOUND, 'body.id', 'invoice ' .. req.id ..
                    ' not found')
  end
  if inv.kind == 'credit_note' or inv.status == 'void' then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', req.id .. ' is ' ..
                    (inv.status == 'void' and 'void already'
                     or 'a credit note'))
  end
  if inv.paid > 0 then
    return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.id', 'invoice ' ..
                    req.id .. ' has payments of ' .. fmt_money(inv.paid) ..
                    '; only an unpaid invoice can be voided')
  end
  local cn = issue({kind = 'credit_note', contract = inv.contract,
                    customer = inv.customer, currency = inv.currency,
                    day = req.day, due_days = 0, ['for'] = inv.id,
                    lines = {{text = 'Credit note for ' .. inv.id .. ': ' ..
                              req.reason, qty = 1, unit = -inv.total,
                              amount = -inv.total}}}, w.emit)
  redis.call('HSET', B .. 'invoice:' .. inv.id, 'status', 'void',
             'credit_note', cn.id, 'reason', req.reason)
  redis.call('SREM', B .. 'open', inv.id)
  local r = invoice(inv.id)
  return w.done({id = r.id, kind = r.kind, status = r.status,
                 currency = r.currency, total = r.total, paid = r.paid,
                 open = r.open, credit_note = cn.id}, 'invoice.voided',
                invoice_event(r, {credit_note = cn.id, reason = req.reason}))
end)

-- engagement.completed of keel-scheduling: the invoice of the accepted
-- quote's total (service units x rates, with the travel premium on
-- site), dated the day the acceptance was signed.  req: engagement,
-- customer, units, total, currency, day, payment_days.
keel.effect('billing_on_engagement', '', function(req, emit)
  local guard = B .. 'engagement:' .. req.engagement
  if redis.call('EXISTS', guard) == 1 then return end
  local days = req.payment_days
  for _, id in ipairs(redis.call('ZRANGE', B .. 'ccontracts:' ..
                                 req.customer, 0, -1)) do
    local c = contract(id)
    if c.status == 'active' then days = c.payment_days end
  end
  local inv = issue({kind = 'engagement', contract = '',
                     customer = req.customer, currency = req.currency,
                     day = req.day, due_days = days,
                     engagement = req.engagement,
                     lines = {{text = string.format(
                       'Engagement %s: %d service units as accepted ' ..
                       '(signed by %s)', req.engagement, req.units,
                       req.signed_by), qty = req.units, unit = 0,
                       amount = req.total}}}, emit)
  if inv.status ~= 'paid' then redis.call('SADD', B .. 'open', inv.id) end
  redis.call('SET', guard, inv.id)
end)

-- customer.created / customer.updated of keel-intake: the name and time
-- zone invoices and due days use.
keel.effect('billing_on_customer', '', function(req)
  redis.call('HSET', B .. 'customer:' .. req.id, 'name', req.name,
             'timezone', req.timezone)
end)

-- The time zones the billing run needs a today for: every contract's and
-- every customer's with an open invoice, and UTC.
keel.read('billing_zones', function()
  local seen, out = {UTC = true}, {'UTC'}
  local function add(tz)
    if tz and not seen[tz] then seen[tz] = true; out[#out + 1] = tz end
  end
  for _, id in ipairs(redis.call('ZRANGE', B .. 'contracts', 0, -1)) do
    add(redis.call('HGET', B .. 'contract:' .. id, 'timezone'))
  end
  for _, id in ipairs(redis.call('SMEMBERS', B .. 'open')) do
    local c = redis.call('HGET', B .. 'invoice:' .. id, 'customer')
    add(redis.call('HGET', B .. 'customer:' .. c, 'timezone'))
  end
  return cmsgpack.pack(out)
end)

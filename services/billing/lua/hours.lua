-- keel-billing's hour bank: time logged on tickets (keel-ticketing's
-- ticket.time_logged) drawn from included hours, flex blocks, then billed
-- at the contract's rate on its next invoice; the balance read back as
-- the sum of the ledger.

local WORK = {remote = 'Remote support', onsite = 'On-site support',
              emergency = 'Emergency on-site support'}

-- ticket.time_logged: customer, ticket, entry, minutes, covered, work,
-- ts_ms (when it was logged).  The day is the contract's local day.
keel.effect('billing_on_time', '', function(req)
  local c = contract_of(req.customer)
  if not c then return end
  local z = math.floor((req.ts_ms / 1000 + c.offset_s) / 86400)
  if z < c.start then return end
  local source = req.ticket .. '#' .. req.entry
  if req.covered then
    local st = bank_catch_up(c, z)
    ledger(c.id, st, {day = z, kind = 'covered', source = source,
                      minutes = req.minutes})
    return
  end
  local work = WORK[req.work] and req.work or 'remote'
  local billable = bank_draw(c, z, req.minutes, work, source)
  if billable == 0 then return end
  local rates = cmsgpack.unpack(c.rates)
  local rate = rates[work] or 0
  local amount = muldiv(rate, billable, 60)
  local text = string.format('%s, ticket %s (entry %d, %s): %d min at %s/h',
                             WORK[work], req.ticket, req.entry, fmt_day(z),
                             billable, fmt_money(rate))
  if work ~= 'remote' and (rates.travel_bp or 0) > 0 then
    amount = amount + muldiv(amount, rates.travel_bp, 10000)
    text = text .. string.format(' + %s %% travel',
                                 fmt_money(rates.travel_bp))
  end
  if amount ~= 0 then
    add_pending(c.id, {text = text, qty = billable, unit = rate,
                       amount = amount})
  end
end)

-- hours.balance: req.contract, req.at (a day, or absent).  Each balance
-- is the sum of its column of the ledger up to the day.
keel.read('billing_hours_balance', function(req)
  if redis.call('EXISTS', B .. 'contract:' .. req.contract) == 0 then
    return ''
  end
  local r = {contract = req.contract, included_min = 0, flex_min = 0,
             block_min = 0, billable_min = 0, entries = {}}
  for _, p in ipairs(redis.call('LRANGE', B .. 'ledger:' .. req.contract,
                                0, -1)) do
    local e = cmsgpack.unpack(p)
    if not req.at or e.day <= req.at then
      r.included_min = r.included_min + e.included
      r.flex_min = r.flex_min + e.flex
      r.block_min = r.block_min + e.block
      r.billable_min = r.billable_min + e.billable
      e.day = nil
      r.entries[#r.entries + 1] = e
    end
  end
  return cmsgpack.pack(r)
end)

-- keel-billing payments: allocated to the named invoice first, then to
-- the customer's oldest open invoices; what is left is the customer's
-- credit.  The first invoice paid in full starts the service.

local function settle(inv, amount, emit)
  local key = B .. 'invoice:' .. inv.id
  local paid = inv.paid + amount
  local status
  if paid >= inv.total then status = 'paid'
  elseif inv.status == 'overdue' then status = 'overdue'
  else status = 'partially_paid' end
  redis.call('HSET', key, 'paid', paid, 'status', status)
  if status == 'paid' then redis.call('SREM', B .. 'open', inv.id) end
  local now = invoice(inv.id)
  emit(status == 'paid' and 'invoice.paid' or 'invoice.partially_paid',
       invoice_event(now))
  if status == 'paid' and inv.kind == 'activation' then
    local c = contract(inv.contract)
    if c and c.status == 'awaiting_payment' then
      redis.call('HSET', B .. 'contract:' .. c.id, 'status', 'active',
                 'service_started', inv.id)
      c.status = 'active'
      emit('contract.service_started',
           contract_event(c, {invoice = inv.id,
                              date = fmt_day(c.start)}))
    end
  end
  return status
end

local function payable(inv, customer)
  return inv and inv.customer == customer and inv.kind ~= 'credit_note'
         and inv.status ~= 'void' and inv.open > 0
end

-- payment.record: customer, amount, day, invoice (or absent), reference.
keel.write('billing_payment_record', function(w, req)
  if req.amount <= 0 then
    return w.refuse(KEEL_E.INVALID_FIELD, 'body.amount',
                    'body.amount: a payment is more than 0.00')
  end
  local order = {}
  if req.invoice then
    local inv = invoice(req.invoice)
    if not inv or inv.customer ~= req.customer then
      return w.refuse(KEEL_E.NOT_FOUND, 'body.invoice', 'invoice ' ..
                      req.invoice .. ' of customer ' .. req.customer ..
                      ' not found')
    end
    if not payable(inv, req.customer) then
      return w.refuse(KEEL_E.INVALID_TRANSITION, 'body.invoice',
                      'invoice ' .. req.invoice .. ' is ' .. inv.status ..
                      '; nothing is open on it')
    end
    order[1] = req.invoice
  end
  for _, id in ipairs(redis.call('ZRANGE', B .. 'cinvoices:' ..
                                 req.customer, 0, -1)) do
    if id ~= req.invoice then order[#order + 1] = id end
  end
  local pay = next_number('PAY', req.day)
  local left, allocations, currency = req.amount, {}, ''
  for _, id in ipairs(order) do
    if left == 0 then break end
    local inv = invoice(id)
    if payable(inv, req.customer) then
      local n = math.min(left, inv.open)
      local status = settle(inv, n, w.emit)
      allocations[#allocations + 1] = {invoice = id, amount = n,
                                       status = status}
      currency = inv.currency
      left = left - n
    end
  end
  if left > 0 then
    redis.call('HINCRBY', B .. 'customer:' .. req.customer, 'credit', left)
  end
  redis.call('HSET', B .. 'payment:' .. pay, 'id', pay, 'customer',
             req.customer, 'amount', req.amount, 'date', fmt_day(req.day),
             'reference', req.reference or '',
             'allocations', cmsgpack.pack(allocations))
  return w.done({payment = pay, allocations = allocations,
                 unallocated = left, currency = currency}, 'payment.recorded',
                {payment = pay, customer = req.customer,
                 amount = req.amount, currency = currency})
end)

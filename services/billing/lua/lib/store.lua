-- What keel-billing's functions share: keys, contracts and their dated
-- versions, issuing an invoice (numbers without gaps), and the hour bank.
--
-- Keys (all keel:{billing}:...):
--   contract:<id>          hash: the contract's terms and state
--   versions:<id>          list: packed versions {version, day, lines,
--                          monthly, device_fee, servers, support_min,
--                          flex_min}, oldest first
--   contracts              zset of ids (by creation);  ccontracts:<customer>
--   pending:<id>           list: packed lines for the next invoice
--                          (prorations, damages, T&M, late fees)
--   period:<id>:<k>        the invoice of contract month k: the period is
--                          the idempotency key of the billing run
--   invoice:<no>           hash: an invoice or credit note
--   invoices, cinvoices:<customer>, kinvoices:<contract>
--                          zsets of invoice ids by invoice day
--   seq:<INV|CN|PAY>:<year>  the last number given that year
--   customer:<id>          hash: name, timezone (keel-intake's events), credit
--   bank:<id>              hash: the hour bank's state (month, year)
--   ledger:<id>            list: packed ledger entries, oldest first

local B = 'keel:{billing}:'

local function day_of(s)
  local y, m, d = string.match(s or '', '^(%d%d%d%d)-(%d%d)-(%d%d)$')
  if not y then return nil end
  return days_from_civil(tonumber(y), tonumber(m), tonumber(d))
end

-- A hash as a table of strings ({} when there is none).
local function hash(key)
  local flat = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

-- The contract hash as a table, or nil.
local function contract(id)
  local c = hash(B .. 'contract:' .. id)
  if next(c) == nil then return nil end
  for _, f in ipairs({'term', 'setup_fee', 'payment_days', 'cancel_fee',
                      'ld_months', 'version', 'start', 'next_month',
                      'credit', 'offset_s', 'created_ms'}) do
    c[f] = tonumber(c[f] or '0')
  end
  return c
end

local function versions(id)
  local out = {}
  for i, p in ipairs(redis.call('LRANGE', B .. 'versions:' .. id, 0, -1)) do
    out[i] = cmsgpack.unpack(p)
  end
  return out
end

-- The version in force on day z: the last one dated on or before it (the
-- first one before any).
local function version_at(id, z)
  local vs = versions(id)
  local v = vs[1]
  for _, x in ipairs(vs) do
    if x.day <= z then v = x end
  end
  return v
end

-- Whether contract month k of a term earns the term credit: month 24 of
-- a 24-month term, months 30 and 36 of a 36-month term.
local function credit_month(term, k)
  return (term == 24 and k == 24) or (term == 36 and (k == 30 or k == 36))
end

local function next_number(prefix, z)
  local y = year_of(z)
  local n = redis.call('INCR', B .. 'seq:' .. prefix .. ':' .. y)
  return string.format('%s-%04d-%04d', prefix, y, n)
end

-- The invoice's event body.
local function invoice_event(inv, extra)
  local b = {id = inv.id, kind = inv.kind, status = inv.status,
             contract = inv.contract, customer = inv.customer,
             currency = inv.currency, total = inv.total, open = inv.open,
             due = inv.due, month = inv.month}
  if extra then for k, v in pairs(extra) do b[k] = v end end
  return b
end

local INV_FIELDS = {'id', 'kind', 'contract', 'customer', 'currency',
                    'month', 'period_from', 'period_to', 'issued', 'due',
                    'status', 'total', 'paid', 'lines', 'for', 'engagement',
                    'credit_note', 'fee_through', 'reason'}

-- The invoice as a table (lines unpacked), or nil.
local function invoice(id)
  local f = redis.call('HMGET', B .. 'invoice:' .. id, unpack(INV_FIELDS))
  if not f[1] then return nil end
  local inv = {}
  for i, k in ipairs(INV_FIELDS) do inv[k] = f[i] or '' end
  inv.month = tonumber(inv.month) or 0
  inv.total = tonumber(inv.total)
  inv.paid = tonumber(inv.paid)
  inv.open = inv.total - inv.paid
  if inv.status == 'void' then inv.open = 0 end
  inv.lines = cmsgpack.unpack(inv.lines)
  inv.fee_through = nil
  local name = redis.call('HGET', B .. 'customer:' .. inv.customer, 'name')
  inv.customer_name = name or ''
  return inv
end

-- Issues an invoice: inv has kind, contract, customer, currency, day (the
-- invoice date), due_days, lines ({text, qty, unit, amount}) and
-- optionally month, period_from, period_to, engagement, for.  Numbers it
-- (INV or, for a credit note, CN, per calendar year of its date: the
-- counter and the invoice change in one script, so no number is lost or
-- given twice), stores it, indexes it and emits invoice.issued.
local function issue(inv, emit)
  local total = 0
  for _, l in ipairs(inv.lines) do total = total + l.amount end
  local id = next_number(inv.kind == 'credit_note' and 'CN' or 'INV',
                         inv.day)
  local key = B .. 'invoice:' .. id
  local status = inv.kind == 'credit_note' and 'paid' or 'issued'
  if total <= 0 and inv.kind ~= 'credit_note' then status = 'paid' end
  redis.call('HSET', key, 'id', id, 'kind', inv.kind,
             'contract', inv.contract or '', 'customer', inv.customer,
             'currency', inv.currency, 'month', inv.month or 0,
             'period_from', inv.period_from or '',
             'period_to', inv.period_to or '',
             'issued', fmt_day(inv.day),
             'due', fmt_day(inv.day + (inv.due_days or 0)),
             'status', status, 'total', total,
             'paid', status == 'paid' and total or 0,
             'lines', cmsgpack.pack(inv.lines))
  if inv.engagement then redis.call('HSET', key, 'engagement', inv.engagement) end
  if inv['for'] then redis.call('HSET', key, 'for', inv['for']) end
  redis.call('ZADD', B .. 'invoices', inv.day, id)
  redis.call('ZADD', B .. 'cinvoices:' .. inv.customer, inv.day, id)
  if inv.contract and inv.contract ~= '' then
    redis.call('ZADD', B .. 'kinvoices:' .. inv.contract, inv.day, id)
  end
  local stored = invoice(id)
  emit('invoice.issued', invoice_event(stored))
  return stored
end

-- Takes the contract's pending lines (all of them) for an invoice.
local function take_pending(id)
  local out = {}
  for i, p in ipairs(redis.call('LRANGE', B .. 'pending:' .. id, 0, -1)) do
    out[i] = cmsgpack.unpack(p)
  end
  redis.call('DEL', B .. 'pending:' .. id)
  return out
end

local function add_pending(id, line)
  redis.call('RPUSH', B .. 'pending:' .. id, cmsgpack.pack(line))
end

local function contract_event(c, extra)
  local b = {id = c.id, customer = c.customer, status = c.status,
             version = c.version}
  if extra then for k, v in pairs(extra) do b[k] = v end end
  return b
end

-- An emitter for functions that are not keel.write (the billing run): the
-- same envelopes, on billing's stream.
local function run_emitter(head, out)
  return keel.emitter(B .. 'events', head, '', out)
end

---------------------------------------------------------------- hour bank
-- An append-only ledger of minutes per contract.  Each entry holds its
-- day, kind, the change to each balance (included, flex, block,
-- billable) and its source; a balance is the sum of its column.
--   grant      included support hours of a contract month (+included)
--   lapse      what is left of them when the month ends (-included)
--   accrue     flex hours of a month, up to the 160 h cap (+flex)
--   expire     flex hours and an open block at the year's end
--   block      a 4-hour block opened (-240 flex, +240 block)
--   draw       billable time taken from included hours or the block
--   billable   time beyond both, billed at the contract's rate
--   covered    time covered by the flat fee (changes nothing)
local FLEX_CAP = 160 * 60
local BLOCK = 4 * 60

local function bank_state(id)
  local s = redis.call('HMGET', B .. 'bank:' .. id, 'month', 'year',
                       'included', 'flex', 'block')
  return {month = tonumber(s[1] or '0'), year = tonumber(s[2] or '0'),
          included = tonumber(s[3] or '0'), flex = tonumber(s[4] or '0'),
          block = tonumber(s[5] or '0')}
end

local function ledger(id, st, e)
  e.included = e.included or 0
  e.flex = e.flex or 0
  e.block = e.block or 0
  e.billable = e.billable or 0
  st.included = st.included + e.included
  st.flex = st.flex + e.flex
  st.block = st.block + e.block
  e.date = fmt_day(e.day)
  redis.call('RPUSH', B .. 'ledger:' .. id, cmsgpack.pack(e))
  redis.call('HSET', B .. 'bank:' .. id, 'month', st.month, 'year', st.year,
             'included', st.included, 'flex', st.flex, 'block', st.block)
end

local function year_end(id, st, y)
  local jan1 = days_from_civil(y, 1, 1)
  if st.flex > 0 or st.block > 0 then
    ledger(id, st, {day = jan1, kind = 'expire', flex = -st.flex,
                    block = -st.block,
                    source = 'year end ' .. (y - 1)})
  end
  st.year = y
end

-- Brings contract c's bank up to day z: each contract month started by
-- then lapses the month before and grants its own hours; each new
-- calendar year expires flex hours first.
local function bank_catch_up(c, z)
  if c.start == 0 or z < c.start then return bank_state(c.id) end
  local st = bank_state(c.id)
  if st.year == 0 then st.year = year_of(c.start) end
  local last = month_of(c.start, z)
  for k = st.month + 1, last do
    local from = month_span(c.start, k)
    local y = year_of(from)
    if y > st.year then year_end(c.id, st, y) end
    if st.included > 0 then
      ledger(c.id, st, {day = from, kind = 'lapse', included = -st.included,
                        source = 'month ' .. (k - 1)})
    end
    st.month = k
    local v = version_at(c.id, from)
    ledger(c.id, st, {day = from, kind = 'grant', included = v.support_min,
                      source = 'month ' .. k})
    local room = FLEX_CAP - st.flex - st.block
    local add = math.min(v.flex_min, math.max(room, 0))
    if add > 0 then
      ledger(c.id, st, {day = from, kind = 'accrue', flex = add,
                        source = 'month ' .. k})
    end
  end
  local y = year_of(z)
  if y > st.year then year_end(c.id, st, y) end
  redis.call('HSET', B .. 'bank:' .. c.id, 'month', st.month, 'year',
             st.year)
  return st
end

-- Draws minutes of work (remote, onsite or emergency) on day z from
-- contract c's bank: remote support from the included hours first; remote
-- and on-site work then from flex time in whole 4-hour blocks (the
-- unused part of a block stays with it for the next entry); what is left
-- is billable.  Returns the billable minutes.
local function bank_draw(c, z, minutes, work, source)
  local st = bank_catch_up(c, z)
  local left = minutes
  if work == 'remote' and st.included > 0 then
    local n = math.min(left, st.included)
    ledger(c.id, st, {day = z, kind = 'draw', included = -n,
                      source = source})
    left = left - n
  end
  if work ~= 'emergency' then
    while left > 0 do
      if st.block == 0 then
        if st.flex < BLOCK then break end
        ledger(c.id, st, {day = z, kind = 'block', flex = -BLOCK,
                          block = BLOCK, source = source})
      end
      local n = math.min(left, st.block)
      ledger(c.id, st, {day = z, kind = 'draw', block = -n, source = source})
      left = left - n
    end
  end
  if left > 0 then
    ledger(c.id, st, {day = z, kind = 'billable', billable = left,
                      source = source})
  end
  return left
end

-- The contract of a customer that time is drawn from: its active one,
-- else one awaiting its first payment.
local function contract_of(customer)
  local pick
  for _, id in ipairs(redis.call('ZRANGE', B .. 'ccontracts:' .. customer,
                                 0, -1)) do
    local c = contract(id)
    if c.status == 'active' then return c end
    if c.status == 'awaiting_payment' and not pick then pick = c end
  end
  return pick
end

---------------------------------------------------------------- months
-- The lines of contract month k's invoice: the version in force on its
-- first day, the term credit in its month, then what waits.
local function month_lines(c, k, from)
  local lines = {}
  for _, l in ipairs(version_at(c.id, from).lines) do
    lines[#lines + 1] = l
  end
  if credit_month(c.term, k) then
    lines[#lines + 1] = {text = string.format(
      'Term credit, month %d of %d', k, c.term), qty = 1, unit = -c.credit,
      amount = -c.credit}
  end
  for _, l in ipairs(take_pending(c.id)) do lines[#lines + 1] = l end
  return lines
end

-- Issues contract month k on day today; lines go before the month's own
-- when given.  The invoice is dated the first day of its period, or the
-- day of the run when that is later (a late run): it is due payment_days
-- after the customer could have it, never already overdue.
local function issue_month(c, k, emit, first, today)
  local from, to = month_span(c.start, k)
  local lines = first or {}
  for _, l in ipairs(month_lines(c, k, from)) do lines[#lines + 1] = l end
  local inv = issue({kind = k == 1 and 'activation' or 'periodic',
                     contract = c.id, customer = c.customer,
                     currency = c.currency,
                     day = math.max(from, today or from),
                     due_days = c.payment_days, lines = lines, month = k,
                     period_from = fmt_day(from),
                     period_to = fmt_day(to - 1)}, emit)
  redis.call('SET', B .. 'period:' .. c.id .. ':' .. k, inv.id)
  if inv.status ~= 'paid' then redis.call('SADD', B .. 'open', inv.id) end
  redis.call('HSET', B .. 'contract:' .. c.id, 'next_month', k + 1)
  c.next_month = k + 1
  bank_catch_up(c, from)
  return inv
end


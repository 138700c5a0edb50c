-- Money in Lua, by libkeel's one rule (libshared/util/money.h): integer
-- minor units, a result between two minor units rounded half away from
-- zero.  Lua numbers are doubles: exact while a product stays under 2^53,
-- which an amount of 10^12 minor units times a rate and a day count does.

-- a * n / d rounded half away from zero (d > 0).
local function muldiv(a, n, d)
  local p = a * n
  local neg = p < 0
  if neg then p = -p end
  local q = math.floor(p / d)
  local r = p - q * d
  if r < 0 then q, r = q - 1, r + d end
  if r >= d then q, r = q + 1, r - d end
  if 2 * r >= d then q = q + 1 end
  if neg then return -q end
  return q
end

-- "1234.50" for 123450 minor units (two decimals).
local function fmt_money(v)
  local s = v < 0 and '-' or ''
  if v < 0 then v = -v end
  return string.format('%s%d.%02d', s, math.floor(v / 100), v % 100)
end

-- The late fee rule: 1.5 % a month of the amount overdue, simple (never
-- on earlier late fees), months of 30 days counted by the day.
local LATE_BP = 150
local function late_fee(open, days)
  return muldiv(open, LATE_BP * days, 30 * 10000)
end

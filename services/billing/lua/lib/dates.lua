-- Civil dates as day numbers (days since 1970-01-01), the way
-- libshared/util/ktime.c counts them: billing's periods, due dates and
-- ledger days are the customer's local dates, which C computes from
-- instants; Lua only counts days and months.

-- Day number of year-month-day (proleptic Gregorian).
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

-- year, month, day of a day number.
local function civil_from_days(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) +
                          math.floor(doe / 36524) -
                          math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local function fmt_day(z)
  local y, m, d = civil_from_days(z)
  return string.format('%04d-%02d-%02d', y, m, d)
end

local function month_len(y, m)
  return days_from_civil(m == 12 and y + 1 or y, m == 12 and 1 or m + 1, 1)
         - days_from_civil(y, m, 1)
end

-- The day n months after day z, on the same day of the month, or the
-- month's last day when it is shorter (31 January + 1 = 28/29 February).
local function add_months(z, n)
  local y, m, d = civil_from_days(z)
  local t = (m - 1) + n
  y = y + math.floor(t / 12)
  m = t % 12 + 1
  local len = month_len(y, m)
  if d > len then d = len end
  return days_from_civil(y, m, d)
end

-- Contract month k (from 1) of a contract whose billing started on day
-- start: its first day and the first day of the next.  Months count from
-- the start each time (no drift after a short February).
local function month_span(start, k)
  return add_months(start, k - 1), add_months(start, k)
end

-- The contract month holding day z (0 before the start).
local function month_of(start, z)
  if z < start then return 0 end
  local y0, m0 = civil_from_days(start)
  local y1, m1 = civil_from_days(z)
  local k = (y1 - y0) * 12 + (m1 - m0) + 1
  while k > 1 and add_months(start, k - 1) > z do k = k - 1 end
  while add_months(start, k) <= z do k = k + 1 end
  return k
end

local function year_of(z)
  local y = civil_from_days(z)
  return y
end

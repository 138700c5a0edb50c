-- keel-pricing's price books: versions kept whole, one of them current.
-- Keys: keel:{pricing}:book:seq (the last version), book:current (its
-- number), book:<n> (version n, msgpack as book.c encodes it).

local P = 'keel:{pricing}:book:'

-- pricebook.put: req.book (msgpack, checked by book.c), req.currency.
keel.write('pricing_book_put', function(w, req)
  local v = redis.call('INCR', P .. 'seq')
  redis.call('SET', P .. v, req.book)
  redis.call('SET', P .. 'current', v)
  return w.done({version = v}, 'updated',
                {version = v, currency = req.currency})
end)

-- KEYS[1] book:current; req.version, or none for the current one.
-- {version, book}: {0, ''} when none is stored yet (the defaults apply),
-- {-1, ''} when there is no such version.
keel.read('pricing_book_get', function(req, keys)
  local v = req.version
  if not v then
    v = redis.call('GET', keys[1])
    if not v then return {0, ''} end
  end
  local b = redis.call('GET', P .. v)
  if not b then return {-1, ''} end
  return {tonumber(v), b}
end)

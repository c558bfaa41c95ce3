/**
 * The Redis store's flush as one Lua script (server/analytics/redis-store.ts), run atomically by
 * Redis: the daily counters, the rollups of visible queries (weekly hashes; per-day and per-week
 * sorted sets by each query table's score) and the visibility check. One script, so that a query
 * becoming visible (its rollups then filled from its daily rows) and another proxy's flush for it
 * can never interleave (a MULTI cannot read in between its writes). A TypeScript string, not a
 * .lua file, so that the server bundle (dist/server.js) carries it.
 * ARGV: key prefix, batch (FlushBatch as JSON), today, threshold. KEYS: none (one Redis, not a cluster).
 */
export const ADD_SCRIPT = `
local P = ARGV[1]
local batch = cjson.decode(ARGV[2])
local today = ARGV[3]
local threshold = tonumber(ARGV[4])
local SEP = '\\31'
local FIELDS = { 'answers', 'answersZero', 'searches', 'searchesZero', 'clicks', 'noClicks', 'clients' }
local VISIBLE = P .. ':visible'
local DAYS = P .. ':days'
local LAST = P .. ':last'

-- Days since 1970-01-01 and back (H. Hinnant's civil-date algorithms): the ISO week of a day.
local function dayNumber(day)
  local y, m, d = tonumber(string.sub(day, 1, 4)), tonumber(string.sub(day, 6, 7)), tonumber(string.sub(day, 9, 10))
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local doy = math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1
  return era * 146097 + yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy - 719468
end
local function dayString(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02d', y, m, d)
end
local function weekOf(day)
  local n = dayNumber(day)
  return dayString(n - (n + 3) % 7)
end

-- A visible query's counts of one day into its week's hash and the day's and week's sorted sets
-- (scores as QUERY_ORDERS in store.ts: linear, so a range's score is the sum of its parts').
local function rollup(key, day, counts)
  local week = weekOf(day)
  redis.call('SADD', P .. ':weeks', week)
  for _, f in ipairs(FIELDS) do
    local n = counts[f]
    if n and n ~= 0 then redis.call('HINCRBY', P .. ':w:' .. week, key .. SEP .. f, n) end
  end
  local scores = {
    top = (counts.searches or 0) * 1e9 + (counts.answers or 0),
    zero = (counts.searchesZero or 0) * 1e9 + (counts.answersZero or 0),
    noClicks = counts.noClicks or 0,
    searches = counts.searches or 0,
  }
  for order, score in pairs(scores) do
    if score ~= 0 then
      redis.call('ZINCRBY', P .. ':z:' .. order .. ':d:' .. day, score, key)
      redis.call('ZINCRBY', P .. ':z:' .. order .. ':w:' .. week, score, key)
    end
  end
end

local touched = {}
for _, q in ipairs(batch.queries) do
  redis.call('SADD', DAYS, q.day)
  for _, f in ipairs(FIELDS) do
    local n = q.counts[f]
    if n and n ~= 0 then redis.call('HINCRBY', P .. ':q:' .. q.day, q.key .. SEP .. f, n) end
  end
  local last = redis.call('HGET', LAST, q.key)
  if not last or last < q.day then redis.call('HSET', LAST, q.key, q.day) end
  if redis.call('HEXISTS', VISIBLE, q.key) == 1 then
    rollup(q.key, q.day, q.counts)
  elseif q.counts.clients and q.counts.clients ~= 0 then
    touched[q.key] = true
  end
end
for _, s in ipairs(batch.spellings) do
  redis.call('SADD', DAYS, s.day)
  redis.call('HINCRBY', P .. ':s:' .. s.day, s.key .. SEP .. s.text, s.n)
  redis.call('HINCRBY', P .. ':sp:' .. s.key, s.day .. SEP .. s.text, s.n)
end
for _, f in ipairs(batch.facts) do
  redis.call('SADD', DAYS, f.day)
  redis.call('HINCRBY', P .. ':f:' .. f.kind .. ':' .. f.day, f.key .. SEP .. f.sub, f.n)
end

-- Visible once on some day of the last 7 its distinct clients reached the threshold (they are told
-- apart within a day only: the most of any day counts, never a sum); its rollups are then filled
-- from every daily row it has.
local todayNumber = dayNumber(today)
local allDays
for key in pairs(touched) do
  local most = 0
  for i = 0, 6 do
    most = math.max(most, tonumber(redis.call('HGET', P .. ':q:' .. dayString(todayNumber - i), key .. SEP .. 'clients') or 0))
  end
  if most >= threshold then
    redis.call('HSET', VISIBLE, key, today)
    allDays = allDays or redis.call('SMEMBERS', DAYS)
    local fields = {}
    for i, f in ipairs(FIELDS) do fields[i] = key .. SEP .. f end
    for _, day in ipairs(allDays) do
      local values = redis.call('HMGET', P .. ':q:' .. day, unpack(fields))
      local counts, any = {}, false
      for i, f in ipairs(FIELDS) do
        if values[i] then
          counts[f] = tonumber(values[i])
          any = true
        end
      end
      if any then rollup(key, day, counts) end
    end
  end
end
return 1
`;

/**
 * Pruning's last step, atomic per call: queries whose latest day (the \`last\` hash) is gone are
 * forgotten — a visible one once it has no day left (before \`keepFrom\`), a hidden one once its rows
 * went (before \`hiddenKeepFrom\`) — unless a flush wrote a newer day meanwhile.
 * ARGV: key prefix, keepFrom, hiddenKeepFrom, the candidate keys.
 */
export const FORGET_SCRIPT = `
local P = ARGV[1]
local VISIBLE = P .. ':visible'
local LAST = P .. ':last'
for i = 4, #ARGV do
  local key = ARGV[i]
  local last = redis.call('HGET', LAST, key)
  if last then
    if redis.call('HEXISTS', VISIBLE, key) == 1 then
      if last < ARGV[2] then
        redis.call('HDEL', VISIBLE, key)
        redis.call('HDEL', LAST, key)
      end
    elseif last < ARGV[3] then
      redis.call('HDEL', LAST, key)
    end
  end
end
return 1
`;

// The Lua scripts of the Redis state store. Each runs atomically, takes its time from Redis
// (`TIME`), and touches only keys that start with KEYS[1], whose `{hash tag}` puts them all in
// one Redis Cluster slot. Numbers written as strings with %.0f so no exponent form sneaks in.

/**
 * Adds increments to the bucket of Redis's current time and returns the sums over the window.
 * KEYS[1] = prefix. ARGV = bucketMs, buckets, member ('' for none), then field, amount pairs.
 * Returns { now, { field, total, ... }, { field, distinctMembers, ... } }.
 */
export const ADD_TO_WINDOW = `
local prefix = KEYS[1]
local bucketMs = tonumber(ARGV[1])
local buckets = tonumber(ARGV[2])
local member = ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = math.floor(now / bucketMs)
local ttl = math.ceil(bucketMs * (buckets + 1))
local function bucketKey(e) return prefix .. ':w:' .. string.format('%.0f', e) end
local function membersKey(field, e) return prefix .. ':m:' .. field .. ':' .. string.format('%.0f', e) end
for i = 4, #ARGV, 2 do
  local field = ARGV[i]
  local amount = tonumber(ARGV[i + 1])
  if amount ~= 0 then
    redis.call('HINCRBY', bucketKey(epoch), field, amount)
    redis.call('PEXPIRE', bucketKey(epoch), ttl)
    if member ~= '' then
      redis.call('HINCRBY', membersKey(field, epoch), member, amount)
      redis.call('PEXPIRE', membersKey(field, epoch), ttl)
    end
  end
end
local totals, fields = {}, {}
for e = epoch - buckets + 1, epoch do
  local flat = redis.call('HGETALL', bucketKey(e))
  for j = 1, #flat, 2 do
    local field = flat[j]
    if totals[field] == nil then
      totals[field] = 0
      fields[#fields + 1] = field
    end
    totals[field] = totals[field] + tonumber(flat[j + 1])
  end
end
local sums, members = {}, {}
for _, field in ipairs(fields) do
  sums[#sums + 1] = field
  sums[#sums + 1] = totals[field]
  local seen, count = {}, 0
  for e = epoch - buckets + 1, epoch do
    for _, name in ipairs(redis.call('HKEYS', membersKey(field, e))) do
      if not seen[name] then
        seen[name] = true
        count = count + 1
      end
    end
  end
  members[#members + 1] = field
  members[#members + 1] = count
end
return { now, sums, members }
`;

const READ_CURRENT = `
local cur = redis.call('HMGET', KEYS[1], 'state', 'generation', 'openUntil', 'openings', 'reason')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local generation = tonumber(cur[2]) or 0
`;

/** The shared state and Redis's time. KEYS[1] = state key. Returns { now, state, generation, openUntil, openings, reason }. */
export const READ_STATE = `${READ_CURRENT}
return { now, cur[1] or 'CLOSED', generation, tonumber(cur[3]) or 0, tonumber(cur[4]) or 0, cur[5] or 'reset' }
`;

/**
 * Compare-and-set on the generation, then PUBLISH the new state. KEYS[1] = state key. ARGV =
 * expectedGeneration, state, breakMs, openings, reason, channel, logical key, state TTL in ms.
 * Returns { applied (0/1), now, state, generation, openUntil, openings, reason }.
 */
export const COMPARE_AND_SET = `${READ_CURRENT}
if generation ~= tonumber(ARGV[1]) then
  return { 0, now, cur[1] or 'CLOSED', generation, tonumber(cur[3]) or 0, tonumber(cur[4]) or 0, cur[5] or 'reset' }
end
local openUntil = 0
if ARGV[2] == 'OPEN' then openUntil = now + tonumber(ARGV[3]) end
generation = generation + 1
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'generation', string.format('%.0f', generation),
  'openUntil', string.format('%.0f', openUntil), 'openings', ARGV[4], 'reason', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('PUBLISH', ARGV[6], cjson.encode({ key = ARGV[7], state = ARGV[2], generation = generation,
  openUntil = string.format('%.0f', openUntil), openings = tonumber(ARGV[4]), reason = ARGV[5] }))
return { 1, now, ARGV[2], generation, openUntil, tonumber(ARGV[4]), ARGV[5] }
`;

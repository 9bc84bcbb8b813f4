import { createHash } from 'node:crypto';

/**
 * One round trip from candidate sets to the first page of records. For an intersection of
 * index sets (the words of a free-text query, a filter's users and org units) it counts the
 * matches with ZINTERCARD, up to countLimit (an exact count walks every match, tens of ms for
 * two common words over a million devices), then walks the smallest set in (serial) order until
 * it has `limit` members that are in every other set, instead of storing and sorting the whole
 * intersection.
 * A lone serial range is counted and paged directly.
 *
 * ARGV[1] is a JSON spec: { limit, countLimit, rec: record key prefix, temp: temporary key prefix,
 * groups: [{ keys: [...] } | { keys: [allKey], lex: serial prefix, exact?: true }] }.
 * A group is the union of its keys (or a serial range); the result is the intersection of groups.
 * Keys are built from the spec rather than declared, so this needs a standalone Redis.
 */
export const INTERSECT_SCRIPT = String.raw`
local spec = cjson.decode(ARGV[1])
local inputs, temps, found = {}, {}, {}
local total
local only = spec.groups[1]
if #spec.groups == 1 and only.lex then
  -- A bare serial range needs no intersection: count it and read the first page in place.
  local min = '[' .. only.lex .. (only.exact and '\0' or '')
  total = redis.call('ZLEXCOUNT', only.keys[1], min, min .. '\255')
  if tonumber(spec.limit) > 0 and total > 0 then
    found = redis.call('ZRANGE', only.keys[1], min, min .. '\255', 'BYLEX', 'LIMIT', 0, spec.limit)
  end
  spec.groups = {}
end
for i, group in ipairs(spec.groups) do
  local keys = group.keys
  if group.lex then
    local min = '[' .. group.lex .. (group.exact and '\0' or '')
    local temp = spec.temp .. i
    redis.call('ZRANGESTORE', temp, keys[1], min, min .. '\255', 'BYLEX')
    temps[#temps + 1] = temp
    inputs[#inputs + 1] = temp
  elseif #keys == 1 then
    inputs[#inputs + 1] = keys[1]
  else
    local temp = spec.temp .. i
    redis.call('ZUNIONSTORE', temp, #keys, unpack(keys))
    temps[#temps + 1] = temp
    inputs[#inputs + 1] = temp
  end
end
if #inputs == 1 then
  total = redis.call('ZCARD', inputs[1])
elseif #inputs > 1 then
  local args = { #inputs, unpack(inputs) }
  args[#args + 1] = 'LIMIT'
  args[#args + 1] = spec.countLimit
  total = redis.call('ZINTERCARD', unpack(args))
end
local want = 0
if #inputs > 0 then
  want = tonumber(spec.limit)
  -- A count that stopped at countLimit says nothing about how many more there are.
  if total < tonumber(spec.countLimit) then want = math.min(want, total) end
end
if want > 0 then
  local smallest, size = nil, 0
  for _, k in ipairs(inputs) do
    local n = redis.call('ZCARD', k)
    if smallest == nil or n < size then smallest, size = k, n end
  end
  local start, batch = 0, math.max(want * 4, 128)
  while #found < want and start < size do
    local members = redis.call('ZRANGE', smallest, start, start + batch - 1)
    for _, m in ipairs(members) do
      local ok = true
      for _, k in ipairs(inputs) do
        if k ~= smallest and not redis.call('ZSCORE', k, m) then
          ok = false
          break
        end
      end
      if ok then
        found[#found + 1] = m
        if #found >= want then break end
      end
    end
    start = start + batch
  end
end
if #temps > 0 then redis.call('DEL', unpack(temps)) end
local records = {}
for i = 1, #found, 500 do
  local keys = {}
  for j = i, math.min(i + 499, #found) do
    local m = found[j]
    keys[#keys + 1] = spec.rec .. string.sub(m, string.find(m, '\0', 1, true) + 1)
  end
  local got = redis.call('MGET', unpack(keys))
  for j = 1, #keys do records[#records + 1] = got[j] end
end
return {total, records}
`;

export const INTERSECT_SHA = createHash('sha1').update(INTERSECT_SCRIPT).digest('hex');

export interface IntersectGroup {
  keys: string[];
  /** Serial prefix (or exact serial) range over keys[0]. */
  lex?: string;
  exact?: boolean;
}

export interface IntersectSpec {
  limit: number;
  /** ZINTERCARD stops counting here; the caller reports "more" past COUNT_LIMIT. */
  countLimit: number;
  rec: string;
  temp: string;
  groups: IntersectGroup[];
}

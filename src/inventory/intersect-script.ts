/**
 * One round trip from candidate sets to the first page of records. For an intersection of
 * index sets (the words of a free-text query, a filter's users and org units) it counts the
 * matches with ZINTERCARD, up to countLimit (an exact count walks every match, tens of ms for
 * two common words over a million devices). Fewer matches than that are intersected and ordered
 * by Redis (ZINTER). More are found by walking the smallest sorted set in (serial) order, a batch
 * at a time, keeping the members every other set holds, until it has `limit`: no more than that
 * is stored or sorted. A common word's or org unit's index is a plain set (see PLAIN_SET_SHARE),
 * which can be counted and asked but not walked in order: when every set is plain, the walk goes
 * over the serial order of the whole tenant, which is short because such sets are common.
 * A lone serial range is counted and paged directly.
 *
 * ARGV[1] is a JSON spec: { limit, countLimit, all: serial-order key, rec: record key prefix,
 * temp: temporary key prefix, groups: [{ keys: [...] } | { keys: [allKey], lex: serial prefix,
 * exact?: true }] }.
 * A group is the union of its keys (or a serial range); the result is the intersection of groups.
 * Keys are built from the spec rather than declared, so this needs a standalone Redis.
 */
export const INTERSECT_SCRIPT = String.raw`
local spec = cjson.decode(ARGV[1])
local inputs, temps, found = {}, {}, {}
local total
-- Every score 0, whatever the inputs: a plain set's members would count 1 each, and a member of
-- several sets more, which would break the serial (member) order.
local function zeroWeights(head, keys)
  local args = { unpack(head) }
  args[#args + 1] = #keys
  for _, k in ipairs(keys) do args[#args + 1] = k end
  args[#args + 1] = 'WEIGHTS'
  for _ = 1, #keys do args[#args + 1] = 0 end
  return args
end
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
    redis.call(unpack(zeroWeights({ 'ZUNIONSTORE', temp }, keys)))
    temps[#temps + 1] = temp
    inputs[#inputs + 1] = temp
  end
end
local plain = {}
for _, k in ipairs(inputs) do plain[k] = redis.call('TYPE', k).ok == 'set' end
if #inputs == 1 then
  total = redis.call(plain[inputs[1]] and 'SCARD' or 'ZCARD', inputs[1])
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
if want > 0 and total < tonumber(spec.countLimit) and (#inputs > 1 or plain[inputs[1]]) then
  -- Few matches: Redis intersects and orders them (every score 0, so by member: serial order).
  local matches = redis.call(unpack(zeroWeights({ 'ZINTER' }, inputs)))
  for i = 1, math.min(want, #matches) do found[i] = matches[i] end
elseif want > 0 then
  local source, size = nil, 0
  for _, k in ipairs(inputs) do
    if not plain[k] then
      local n = redis.call('ZCARD', k)
      if source == nil or n < size then source, size = k, n end
    end
  end
  if source == nil then source, size = spec.all, redis.call('ZCARD', spec.all) end
  local start, batch = 0, math.min(math.max(want * 4, 128), 1000)
  while #found < want and start < size do
    local members = redis.call('ZRANGE', source, start, start + batch - 1)
    for _, k in ipairs(inputs) do
      if k ~= source and #members > 0 then
        local held = redis.call(plain[k] and 'SMISMEMBER' or 'ZMSCORE', k, unpack(members))
        local kept = {}
        for j, m in ipairs(members) do
          -- SMISMEMBER answers 1 or 0, ZMSCORE a score or nothing (false here).
          if held[j] == 1 or type(held[j]) == 'string' then kept[#kept + 1] = m end
        end
        members = kept
      end
    end
    for _, m in ipairs(members) do
      found[#found + 1] = m
      if #found >= want then break end
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
  /** Every device in serial order: walked when every set to intersect is a plain set. */
  all: string;
  rec: string;
  temp: string;
  groups: IntersectGroup[];
}

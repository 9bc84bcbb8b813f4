/**
 * One round trip writes a chunk of devices: their index entries and records. Redis builds each
 * key from the tenant's base and a short suffix, so the bot sends one command per chunk instead
 * of one per index key, and no full key twice.
 *
 * ARGV: base, the plain-set minimum and share, then four sections, each a count and its items:
 *   removes and adds: per key (suffix, n, member1 … memberN): one ZREM / ZADD (score 0) per key;
 *     a word's or an org unit's key (tok:, ou:) that is a plain set takes SREM / SADD instead, and
 *     such a sorted set that reaches the threshold becomes a plain set (see PLAIN_SET_SHARE)
 *   records: (id, JSON, generation key suffix, generation): the JSON at base .. 'd:' .. id, and
 *     the id scored by its sync generation in that key, so that a full sync's end finds the
 *     devices it did not see without reading every record
 *   vacated: locations a device of this call left; each that no device holds any more leaves
 *     `locs`. Checked here, after the adds, so that no other write can come between the check
 *     and the removal and add a device there.
 * A change to `locs` bumps `locs:v`, after it, so a reader that sees the new version also sees
 * the new list. Keys are built here rather than declared, as in
 * the intersection script, so this needs a standalone Redis.
 */
export const WRITE_SCRIPT = String.raw`
local base = ARGV[1]
local plainSetAt = math.max(tonumber(ARGV[2]), tonumber(ARGV[3]) * redis.call('ZCARD', base .. 'all'))
local at = 4
-- A sorted set's members, moved into a plain set under the same key.
local function toPlainSet(key)
  local members = redis.call('ZRANGE', key, 0, -1)
  redis.call('DEL', key)
  for first = 1, #members, 1000 do
    redis.call('SADD', key, unpack(members, first, math.min(first + 999, #members)))
  end
end
-- SADD / SREM for members ARGV[first .. last]: a word's or an org unit's key that is a plain set.
local function plainWrite(command, key, first, last)
  return redis.call(command == 'ZADD' and 'SADD' or 'SREM', key, unpack(ARGV, first, last))
end
-- ZADD with score 0 for members ARGV[first .. last]; one member needs no table.
local function zadd(key, first, last)
  if first == last then return redis.pcall('ZADD', key, 0, ARGV[first]) end
  local args = {}
  for i = first, last do
    args[#args + 1] = 0
    args[#args + 1] = ARGV[i]
  end
  return redis.pcall('ZADD', key, unpack(args))
end
-- A word's or an org unit's key may be a plain set. Few members are tried as the sorted set most
-- such keys are, and written as a plain set only when Redis answers WRONGTYPE: this saves a TYPE
-- call for each of the many rare words. A plain set is a common word, with many members in a
-- call, where a failed ZADD would cost more than the TYPE call (docs/performance.md).
local function write(command, key, first, last, convertible)
  if convertible and last - first >= 7 and redis.call('TYPE', key).ok == 'set' then
    return plainWrite(command, key, first, last), true
  end
  local done
  if command == 'ZADD' then done = zadd(key, first, last) else done = redis.pcall('ZREM', key, unpack(ARGV, first, last)) end
  if type(done) ~= 'table' then return done, false end
  if not (convertible and string.sub(done.err, 1, 9) == 'WRONGTYPE') then error(done) end
  return plainWrite(command, key, first, last), true
end
local function entries(command)
  local changed = 0
  local keys = tonumber(ARGV[at])
  at = at + 1
  for _ = 1, keys do
    local suffix, n = ARGV[at], tonumber(ARGV[at + 1])
    local key = base .. suffix
    local convertible = string.sub(suffix, 1, 4) == 'tok:' or string.sub(suffix, 1, 3) == 'ou:'
    local plain = false
    -- Many members per call, in slices that stay within Lua's stack.
    for first = at + 2, at + 1 + n, 1000 do
      local last = math.min(first + 999, at + 1 + n)
      local done
      if plain then
        done = plainWrite(command, key, first, last)
      else
        done, plain = write(command, key, first, last, convertible)
      end
      if suffix == 'locs' then changed = changed + done end
    end
    if convertible and not plain and command == 'ZADD' and redis.call('ZCARD', key) >= plainSetAt then
      toPlainSet(key)
    end
    at = at + 2 + n
  end
  return changed
end
entries('ZREM')
local newLocations = entries('ZADD')
local records = tonumber(ARGV[at])
at = at + 1
-- One MSET and one ZADD per generation key for each slice of records, rather than two calls per
-- record: a call from the script costs Redis about as much as a small write does.
for first = at, at + 4 * records - 1, 2000 do
  local last = math.min(first + 1999, at + 4 * records - 1)
  local sets, scored = {}, {}
  for i = first, last, 4 do
    sets[#sets + 1] = base .. 'd:' .. ARGV[i]
    sets[#sets + 1] = ARGV[i + 1]
    local generation = scored[ARGV[i + 2]] or {}
    scored[ARGV[i + 2]] = generation
    generation[#generation + 1] = ARGV[i + 3]
    generation[#generation + 1] = ARGV[i]
  end
  redis.call('MSET', unpack(sets))
  for suffix, args in pairs(scored) do redis.call('ZADD', base .. suffix, unpack(args)) end
end
at = at + 4 * records
local vacated = tonumber(ARGV[at])
local gone = 0
for i = at + 1, at + vacated do
  if redis.call('EXISTS', base .. 'loc:' .. ARGV[i]) == 0 then gone = gone + redis.call('ZREM', base .. 'locs', ARGV[i]) end
end
if newLocations + gone > 0 then redis.call('INCR', base .. 'locs:v') end
return records
`;

/** Index entries of one member, as key suffixes under the tenant's base. */
export interface WriteGroup {
  member: string;
  suffixes: string[];
}

export interface WriteRecord {
  id: string;
  json: string;
  generationSuffix: string;
  generation: number;
}

/**
 * A word's or an org unit's index becomes a plain set once this share of the tenant's devices, and
 * at least PLAIN_SET_MIN of them, are in it. Inserting into a large sorted set costs Redis several
 * times what a plain set costs (docs/performance.md). A plain set cannot be walked in serial order,
 * but the serial order of the whole tenant can, and for a set this common it gives ten matches in
 * about a hundred steps. Rarer words and smaller units stay sorted: walking the serial order for
 * them, or for two common sets that share few devices, would take thousands of steps.
 */
export const PLAIN_SET_SHARE = 0.1;
export const PLAIN_SET_MIN = 10_000;

/** The script's arguments after the base: the plain-set minimum and share, removes, adds, records, vacated. */
export function writeArgs(
  plainSetMin: number,
  removes: WriteGroup[],
  adds: WriteGroup[],
  records: WriteRecord[],
  vacated: Iterable<string>,
): string[] {
  const out: string[] = [String(plainSetMin), String(PLAIN_SET_SHARE)];
  for (const section of [removes, adds]) {
    const byKey = bySuffix(section);
    out.push(String(byKey.size));
    for (const [suffix, members] of byKey) out.push(suffix, String(members.length), ...members);
  }
  out.push(String(records.length));
  for (const r of records) out.push(r.id, r.json, r.generationSuffix, String(r.generation));
  const locations = [...vacated];
  out.push(String(locations.length), ...locations);
  return out;
}

/** Members grouped by key: Redis adds many members to one sorted set far cheaper than one by one. */
function bySuffix(groups: WriteGroup[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { member, suffixes } of groups)
    for (const suffix of suffixes) {
      const members = out.get(suffix);
      if (members) members.push(member);
      else out.set(suffix, [member]);
    }
  return out;
}

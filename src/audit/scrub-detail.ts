const REDACTED = '[redacted]';
const MAX_DEPTH = 6;
/** Detail is context, not payload: a bigger one is replaced by a note of its size. */
export const MAX_DETAIL_BYTES = 4096;

const SECRET_KEYS = new Set([
  'pin',
  'unlockpin',
  'passcode',
  'password',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authorization',
  'apikey',
  'privatekey',
]);

function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  // Suffixes catch variants like graphToken or deviceUnlockPin.
  return SECRET_KEYS.has(k) || /(token|secret|password|passcode|pin)$/.test(k);
}

function scrub(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? REDACTED : scrub(member, depth + 1);
  }
  return out;
}

/**
 * A JSON-safe copy of `detail` with secret-looking keys redacted at any depth. Callers must not
 * pass secrets at all; this only limits the damage when one slips through.
 */
export function scrubDetail(detail: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (detail === undefined || detail === null) return undefined;
  // Round-trip first so Dates, undefined members, toJSON etc. settle into what will be stored.
  const plain = JSON.parse(JSON.stringify(detail)) as unknown;
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) return { value: plain };
  const scrubbed = scrub(plain, 0) as Record<string, unknown>;
  const size = Buffer.byteLength(JSON.stringify(scrubbed));
  if (size > MAX_DETAIL_BYTES) return { truncated: true, bytes: size };
  return scrubbed;
}

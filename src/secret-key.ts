/**
 * Reading 32-byte secret keys from the environment and refusing ones that can't be secret: the
 * PIN encryption key, the audit MAC key and the audit signing key's seed all pass through here.
 */

/** 32 bytes written as 64 hex digits or as base64 (standard or URL-safe); undefined otherwise. */
export function parseKey32(text: string | undefined): Buffer | undefined {
  const value = (text ?? '').trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : undefined;
  }
  return undefined;
}

/**
 * Why a key can't have come from a random generator, or undefined when it looks random. 32 random
 * bytes have about 30 distinct values; fewer than 16, a printable-text key or a counting sequence
 * happen by chance with odds below 1e-13, so none of these tests refuses a real key.
 */
export function weakKeyReason(key: Buffer): string | undefined {
  if (key.length < 32) return `it is only ${key.length} bytes long`;
  if (key.every((b) => b === 0)) return 'it is all zeros';
  if (new Set(key).size < 16) return 'it repeats a few byte values (too little randomness)';
  if (key.every((b) => b >= 0x20 && b < 0x7f)) return 'it is printable text (a password, not random bytes)';
  const step = (key[1] - key[0] + 256) % 256;
  if (key.every((b, i) => i === 0 || (b - key[i - 1] + 256) % 256 === step)) return 'it is a counting sequence';
  return undefined;
}

/** The fix-it sentence every key problem ends with. */
export const MAKE_A_KEY = 'generate one with `openssl rand -hex 32` and keep it in your secret store';

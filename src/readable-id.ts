import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: ids are read out over the phone.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A short id people can read out and type: `DD-7KQ4MX`, `LR-AB12`, `BR-…`. */
export function readableId(prefix: string, length: number): string {
  let s = `${prefix}-`;
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

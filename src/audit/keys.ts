import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { parseKey32 } from '../secret-key';

/**
 * SANDBOX ONLY. Public development keys, published here on purpose so a sandbox trail kept in
 * Redis verifies after a restart. Anyone can forge records and checkpoints with them; the
 * configuration refuses them outside sandbox mode.
 */
export const SANDBOX_AUDIT_MAC_KEY = Buffer.from('SANDBOX-ONLY-public-audit-mac-k1', 'utf8');
export const SANDBOX_AUDIT_SIGNING_SEED = Buffer.from('SANDBOX-ONLY-public-audit-sig-k1', 'utf8');

/** What an Ed25519 private key in PKCS#8 DER looks like before its 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** The same for a public key in SubjectPublicKeyInfo DER. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The Ed25519 private key whose seed is these 32 bytes. */
export function signingKeyFromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/**
 * AUDIT_SIGNING_KEY: a 32-byte Ed25519 seed (64 hex digits or base64) or a PKCS#8 PEM Ed25519 key
 * (`openssl genpkey -algorithm ed25519`). Returns the seed too, so its randomness can be checked.
 */
export function parseSigningKey(text: string | undefined): { key: KeyObject; seed: Buffer } | undefined {
  const value = (text ?? '').trim();
  const seed = parseKey32(value);
  if (seed) return { key: signingKeyFromSeed(seed), seed };
  if (!value.includes('PRIVATE KEY')) return undefined;
  try {
    const key = createPrivateKey(value.replace(/\\n/g, '\n'));
    if (key.asymmetricKeyType !== 'ed25519') return undefined;
    const der = key.export({ format: 'der', type: 'pkcs8' });
    return { key, seed: der.subarray(der.length - 32) };
  } catch {
    return undefined;
  }
}

/** The verifier's key: 32 raw bytes (hex or base64) or an SPKI PEM, as printed at start-up. */
export function parsePublicKey(text: string | undefined): KeyObject | undefined {
  const value = (text ?? '').trim();
  const raw = parseKey32(value);
  try {
    if (raw) return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
    if (!value.includes('PUBLIC KEY')) return undefined;
    const key = createPublicKey(value.replace(/\\n/g, '\n'));
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The 32 raw bytes of an Ed25519 public key, hex: what operators copy to the verifier. */
export function publicKeyHex(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('hex');
}

/** A short name of a public key, carried by each checkpoint (like a certificate's fingerprint). */
export function keyIdOf(key: KeyObject): string {
  return createHash('sha256').update(publicKeyHex(key), 'hex').digest('hex').slice(0, 16);
}

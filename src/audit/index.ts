import type Redis from 'ioredis';
import type { Clock } from '../clock';
import { MemoryAuditTrail } from './memory-audit-trail';
import { RedisAuditTrail } from './redis-audit-trail';

export * from './types';
export { actorOf } from './actor';
export { MemoryAuditTrail, type MemoryAuditTrailOptions } from './memory-audit-trail';
export { RedisAuditTrail, type RedisAuditTrailOptions } from './redis-audit-trail';
export { verifyChain, type ChainItem, type VerifyChainOptions } from './verify-chain';
export { canonicalJson, computeRecordMac } from './canonical-json';
export { scrubDetail } from './scrub-detail';
export { signCheckpoint, checkpointSignatureValid, parseCheckpoints } from './checkpoint';
export {
  AuditCheckpointer,
  CheckpointedAuditTrail,
  LogAndFileSink,
  type CheckpointSink,
  type CheckpointSettings,
} from './checkpointer';
export {
  SANDBOX_AUDIT_MAC_KEY,
  SANDBOX_AUDIT_SIGNING_SEED,
  keyIdOf,
  parsePublicKey,
  parseSigningKey,
  publicKeyHex,
  signingKeyFromSeed,
} from './keys';

/** Where the app keeps the audit trail in Redis; scripts/audit-verify.ts reads the same place. */
export const AUDIT_KEY_PREFIX = 'desk:audit:';

export interface CreateAuditTrailOptions {
  /** AUDIT_MAC_KEY; a memory trail without one uses a random key of this process. */
  macKey?: Buffer;
  redis?: Redis;
  prefix?: string;
  clock?: Clock;
}

/** The audit trail: Redis-backed when a connection is given, else in memory (sandbox, tests). */
export function createAuditTrail(options: CreateAuditTrailOptions = {}): MemoryAuditTrail | RedisAuditTrail {
  if (!options.redis) return new MemoryAuditTrail(options.clock, { macKey: options.macKey });
  if (!options.macKey) throw new Error('An audit trail kept in Redis needs AUDIT_MAC_KEY.');
  return new RedisAuditTrail(options.redis, {
    prefix: options.prefix ?? AUDIT_KEY_PREFIX,
    macKey: options.macKey,
    clock: options.clock,
  });
}

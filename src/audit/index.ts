import type Redis from 'ioredis';
import type { Clock } from '../clock';
import { MemoryAuditTrail } from './memory-audit-trail';
import { RedisAuditTrail } from './redis-audit-trail';
import type { AuditTrail } from './types';

export * from './types';
export { actorOf } from './actor';
export { MemoryAuditTrail } from './memory-audit-trail';
export { RedisAuditTrail, type RedisAuditTrailOptions } from './redis-audit-trail';
export { verifyChain, type ChainItem } from './verify-chain';
export { canonicalJson, computeRecordHash } from './canonical-json';
export { scrubDetail } from './scrub-detail';

/** Where the app keeps the audit trail in Redis; scripts/audit-verify.ts reads the same place. */
export const AUDIT_KEY_PREFIX = 'desk:audit:';

export interface CreateAuditTrailOptions {
  redis?: Redis;
  prefix?: string;
  clock?: Clock;
}

/** The audit trail: Redis-backed when a connection is given, else in memory (sandbox, tests). */
export function createAuditTrail(options: CreateAuditTrailOptions = {}): AuditTrail {
  if (!options.redis) return new MemoryAuditTrail(options.clock);
  return new RedisAuditTrail(options.redis, { prefix: options.prefix ?? AUDIT_KEY_PREFIX, clock: options.clock });
}

import { MemoryAuditTrail, createAuditTrail, RedisAuditTrail } from '../../src/audit';
import { testRedis } from '../support/redis';
import { auditTrailContract } from './audit-trail-contract';

auditTrailContract('MemoryAuditTrail', (clock) => new MemoryAuditTrail(clock));

describe('createAuditTrail', () => {
  const r = testRedis();
  afterAll(() => r.cleanup());

  it('uses memory without Redis and the Redis stream with it', () => {
    expect(createAuditTrail()).toBeInstanceOf(MemoryAuditTrail);
    expect(createAuditTrail({ redis: r.redis, prefix: r.prefix })).toBeInstanceOf(RedisAuditTrail);
  });
});

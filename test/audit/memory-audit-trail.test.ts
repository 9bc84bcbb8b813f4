import { MemoryAuditTrail, createAuditTrail, RedisAuditTrail } from '../../src/audit';
import { testRedis } from '../support/redis';
import { auditTrailContract, macKey } from './audit-trail-contract';

auditTrailContract('MemoryAuditTrail', (clock, key) => new MemoryAuditTrail(clock, { macKey: key }));

describe('createAuditTrail', () => {
  const r = testRedis();
  afterAll(() => r.cleanup());

  it('uses memory without Redis and the Redis stream with it, which needs the MAC key', () => {
    expect(createAuditTrail()).toBeInstanceOf(MemoryAuditTrail);
    expect(createAuditTrail({ redis: r.redis, prefix: r.prefix, macKey })).toBeInstanceOf(RedisAuditTrail);
    expect(() => createAuditTrail({ redis: r.redis, prefix: r.prefix })).toThrow(/AUDIT_MAC_KEY/);
  });
});

/**
 * Redis the way Azure Cache for Redis runs it: TLS only, a password, a certificate to verify.
 * A private redis-server speaks TLS with a self-signed certificate made for this run, and the
 * store contract suites run against it through the bot's own connection settings
 * (REDIS_URL=rediss://…, REDIS_TLS_CA_FILE, REDIS_KEY_PREFIX).
 */
import Redis from 'ioredis';
import { RedisActionConfirmationStore } from '../../src/actions/action-confirmation-store';
import { RedisActionRequestStore } from '../../src/actions/request-store';
import { RedisAuditTrail } from '../../src/audit';
import { loadConfig } from '../../src/config';
import { RedisConnectionStore, RedisDeleteConfirmationStore, RedisSyncLock } from '../../src/connector';
import { RedisInventory } from '../../src/inventory/redis-inventory';
import { RedisLostReportStore } from '../../src/lost';
import { BullJobQueue, redisConnectionOptions } from '../../src/store';
import { confirmationStoreContract, requestStoreContract } from '../actions/store-contract';
import { auditTrailContract } from '../audit/audit-trail-contract';
import { connectorStoresContract } from '../connector/stores-contract';
import { inventoryContract } from '../inventory/inventory-contract';
import { lostReportStoreContract } from '../lost/report-store-contract';
import { startHarness } from '../support/harness';
import { redisServerAvailable, startTlsRedis, type TlsRedisServer } from '../support/tls-redis';
import { jobQueueContract } from './job-queue-contract';

const available = redisServerAvailable();
if (!available) {
  // Loud on purpose: CI installs redis-server (.ci/run), so a skip here means a machine without it.
  console.warn(
    'SKIPPED: redis-server is not installed, so Redis over TLS is NOT tested here (apt-get install redis-server)',
  );
}
const describeTls = available ? describe : describe.skip;

describeTls('Redis over TLS with a password (rediss://)', () => {
  let server: TlsRedisServer;
  let redis: Redis;
  let env: Record<string, string>;
  let n = 0;
  const fresh = () => `tls-test:${++n}:`;

  /** The bot's own connection settings, read from the environment as it reads them. */
  const settings = () => {
    const config = loadConfig(env);
    return { config, options: redisConnectionOptions({ url: config.redisUrl!, tlsCaFile: config.redisTlsCaFile }) };
  };

  beforeAll(async () => {
    server = await startTlsRedis();
    env = { REDIS_URL: server.url, REDIS_TLS_CA_FILE: server.caFile, REDIS_KEY_PREFIX: 'desk-staging:' };
    const { config, options } = settings();
    redis = new Redis(config.redisUrl!, { ...options, maxRetriesPerRequest: 1 });
    await redis.ping();
  }, 20_000);

  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  describe('connection', () => {
    it('reaches the server over TLS with the configured CA and password', async () => {
      expect(await redis.ping()).toBe('PONG');
      const info = await redis.info('server');
      expect(info).toMatch(/redis_version:/);
    });

    it('refuses a server certificate that no trusted CA signed', async () => {
      const untrusted = new Redis(server.url, {
        ...redisConnectionOptions({ url: server.url }),
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      const errors: Error[] = [];
      untrusted.on('error', (err) => errors.push(err));
      await expect(untrusted.connect()).rejects.toThrow();
      expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/self[- ]signed certificate/i)]);
      untrusted.disconnect();
    });

    it('is refused without the password', async () => {
      const anonymous = new Redis(`rediss://127.0.0.1:${server.port}`, {
        ...redisConnectionOptions({ url: 'rediss://x', tlsCaFile: server.caFile }),
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      anonymous.on('error', () => undefined);
      await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
      anonymous.disconnect();
    });

    it('says which file is missing when the CA file cannot be read', () => {
      expect(() => redisConnectionOptions({ url: server.url, tlsCaFile: '/nonexistent/ca.pem' })).toThrow(
        /REDIS_TLS_CA_FILE \(\/nonexistent\/ca\.pem\) could not be read/,
      );
    });
  });

  describe('store contracts', () => {
    describe('inventory', () => {
      inventoryContract(async () => new RedisInventory(redis, { keyPrefix: fresh() }));
    });
    auditTrailContract(
      'RedisAuditTrail over TLS',
      (clock, macKey) => new RedisAuditTrail(redis, { prefix: fresh(), clock, macKey }),
    );
    jobQueueContract('BullMQ over TLS', async () => {
      const { config, options } = settings();
      return new BullJobQueue({ redisUrl: config.redisUrl!, redisOptions: options, prefix: `${fresh()}bull` });
    });
    describe('connector stores', () => {
      connectorStoresContract(async () => {
        const prefix = fresh();
        return {
          store: new RedisConnectionStore(redis, prefix),
          lock: new RedisSyncLock(redis, prefix),
          confirmations: new RedisDeleteConfirmationStore(redis, prefix),
        };
      });
    });
    confirmationStoreContract(
      'Redis over TLS',
      async (clock) => new RedisActionConfirmationStore(redis, fresh(), clock),
    );
    requestStoreContract('Redis over TLS', async () => new RedisActionRequestStore(redis, fresh()));
    lostReportStoreContract('Redis over TLS', async () => new RedisLostReportStore(redis, fresh()));
  });

  describe('the bot on rediss:// with REDIS_KEY_PREFIX', () => {
    it('answers a turn, reports Redis ready, and keeps every key under its prefix', async () => {
      const bot = await startHarness(env);
      try {
        const { status, replies } = await bot.send('help');
        expect(status).toBe(200);
        expect(replies.length).toBeGreaterThan(0);
        const ready = await fetch(`http://127.0.0.1:${bot.bot.port}/readyz`).then((r) => r.json());
        expect(ready).toMatchObject({ ready: true, checks: { redis: 'ok' } });
      } finally {
        await bot.stop();
      }
      // This server is private to the test: every key on it was written by a store above or the bot.
      const keys = await redis.keys('*');
      const bots = keys.filter((k) => !k.startsWith('tls-test:'));
      expect(bots.length).toBeGreaterThan(0);
      expect(bots.filter((k) => !k.startsWith('desk-staging:'))).toEqual([]);
      // The inventory, the connector and the job queue (which builds its keys itself) all honour it.
      const areas = new Set(bots.map((k) => k.split(':')[1]));
      expect([...areas]).toEqual(expect.arrayContaining(['inv', 'connector', 'bull']));
    }, 60_000);
  });
});

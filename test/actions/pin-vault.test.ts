import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import {
  MemoryPinVault,
  parsePinKey,
  PinCipher,
  PIN_RETENTION_MS,
  PinRecord,
  PinVault,
  RedisPinVault,
} from '../../src/actions/pin-vault';
import { testRedis } from '../support/redis';

const START = Date.parse('2026-03-02T10:00:00Z');
const DAY = 86_400_000;

function record(clock: ManualClock, deviceId: string, requestId = 'DD-AAAAAA'): PinRecord {
  return {
    tenantId: 'tenant-1',
    deviceId,
    serialNumber: `SER-${deviceId}`,
    requestId,
    issuedTo: { teamsId: 'user-id-1', name: 'Megan Bowen', upn: 'meganb@example.com' },
    issuedAt: clock.now(),
    expiresAt: clock.now() + PIN_RETENTION_MS,
  };
}

/** One contract for both vaults. `raw` returns everything the store holds for a device, as stored. */
function pinVaultContract(
  name: string,
  make: (clock: ManualClock) => { vault: PinVault; raw: (deviceId: string) => Promise<string> },
) {
  describe(`${name} PIN vault`, () => {
    let clock: ManualClock;
    let vault: PinVault;
    let raw: (deviceId: string) => Promise<string>;
    let n = 0;
    const device = () => `dev-${name}-${++n}`;

    beforeEach(() => {
      clock = new ManualClock(START);
      ({ vault, raw } = make(clock));
    });

    it('keeps a PIN encrypted and gives it back to a read', async () => {
      const d = device();
      expect(await vault.put(record(clock, d), '123456')).toBe(true);
      expect(await vault.read('tenant-1', d)).toEqual({
        record: expect.objectContaining({ deviceId: d, requestId: 'DD-AAAAAA' }),
        pin: '123456',
      });
      expect(await vault.info('tenant-1', d)).toMatchObject({ deviceId: d, serialNumber: `SER-${d}` });
      expect(JSON.stringify(await vault.info('tenant-1', d))).not.toContain('123456');
      const stored = await raw(d);
      expect(stored).toContain(d);
      expect(stored).not.toContain('123456');
      expect(await vault.read('tenant-2', d)).toBeUndefined();
    });

    it('never overwrites an unused PIN, and lets a new one replace a used one', async () => {
      const d = device();
      expect(await vault.put(record(clock, d, 'DD-FIRST1'), '111111')).toBe(true);
      expect(await vault.put(record(clock, d, 'DD-SECND2'), '222222')).toBe(false);
      expect((await vault.read('tenant-1', d))?.pin).toBe('111111');
      clock.advance(60_000);
      expect(await vault.markUsed('tenant-1', d)).toBe(true);
      expect((await vault.info('tenant-1', d))?.usedAt).toBe(START + 60_000);
      expect(await vault.put(record(clock, d, 'DD-SECND2'), '222222')).toBe(true);
      expect(await vault.read('tenant-1', d)).toMatchObject({ pin: '222222', record: { requestId: 'DD-SECND2' } });
      expect((await vault.info('tenant-1', d))?.usedAt).toBeUndefined();
    });

    it('forgets a PIN after 30 days', async () => {
      const d = device();
      await vault.put(record(clock, d), '654321');
      clock.advance(30 * DAY - 1);
      expect((await vault.read('tenant-1', d))?.pin).toBe('654321');
      clock.advance(1);
      expect(await vault.read('tenant-1', d)).toBeUndefined();
      expect(await vault.info('tenant-1', d)).toBeUndefined();
      expect(await vault.markUsed('tenant-1', d)).toBe(false);
      // An expired PIN no longer blocks a new lock.
      expect(await vault.put(record(clock, d, 'DD-LATER3'), '777777')).toBe(true);
    });

    it('discards a PIN only for the request that issued it', async () => {
      const d = device();
      await vault.put(record(clock, d, 'DD-LOCK01'), '343434');
      expect(await vault.discard('tenant-1', d, 'DD-OTHER1')).toBe(false);
      expect((await vault.read('tenant-1', d))?.pin).toBe('343434');
      expect(await vault.discard('tenant-1', d, 'DD-LOCK01')).toBe(true);
      expect(await vault.read('tenant-1', d)).toBeUndefined();
      expect(await raw(d)).not.toContain('DD-LOCK01');
      expect(await vault.put(record(clock, d, 'DD-LOCK02'), '565656')).toBe(true);
    });

    it('lets exactly one of two concurrent puts win', async () => {
      const d = device();
      const results = await Promise.all([
        vault.put(record(clock, d, 'DD-ONE111'), '101010'),
        vault.put(record(clock, d, 'DD-TWO222'), '202020'),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}

describe('PIN vault', () => {
  const key = randomBytes(32);
  const redis = testRedis();
  afterAll(() => redis.cleanup());

  pinVaultContract('memory', (clock) => {
    const cipher = new PinCipher(key);
    const vault = new MemoryPinVault(cipher, clock);
    // The memory twin holds sealed PINs too: what a heap dump would show.
    return {
      vault,
      raw: async (d) =>
        JSON.stringify(
          [...(vault as unknown as { items: Map<string, unknown> }).items.entries()].filter(([k]) => k.includes(d)),
        ),
    };
  });

  pinVaultContract('redis', (clock) => {
    const vault = new RedisPinVault(redis.redis, redis.prefix, new PinCipher(key), clock);
    return {
      vault,
      raw: async (d) => {
        const keys = await redis.redis.keys(`${redis.prefix}*${d}*`);
        const values = keys.length ? await redis.redis.mget(...keys) : [];
        return JSON.stringify(values);
      },
    };
  });

  it('does not open a PIN with another key or on another device', () => {
    const cipher = new PinCipher(key);
    const sealed = cipher.seal('424242', 't', 'd1');
    expect(cipher.open(sealed, 't', 'd1')).toBe('424242');
    expect(() => cipher.open(sealed, 't', 'd2')).toThrow();
    expect(() => new PinCipher(randomBytes(32)).open(sealed, 't', 'd1')).toThrow();
    // A fresh IV each time: the same PIN never seals the same way twice.
    expect(cipher.seal('424242', 't', 'd1')).not.toBe(sealed);
  });

  it('reads the key from hex or base64, and refuses anything else', () => {
    const k = randomBytes(32);
    expect(parsePinKey(k.toString('hex'))).toEqual(k);
    expect(parsePinKey(k.toString('base64'))).toEqual(k);
    expect(parsePinKey(k.toString('base64url'))).toEqual(k);
    expect(parsePinKey('too-short')).toBeUndefined();
    expect(parsePinKey(randomBytes(16).toString('hex'))).toBeUndefined();
    expect(parsePinKey(undefined)).toBeUndefined();
  });
});

describe('PIN_ENCRYPTION_KEY in the configuration', () => {
  const production = {
    SANDBOX: 'false',
    GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/keys/sa.json',
    GOOGLE_ADMIN_SUBJECT: 'admin@contoso.com',
    MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
    MicrosoftAppPassword: 'x',
    MicrosoftAppTenantId: '00000000-0000-0000-0000-00000000000a',
    GRAPH_TENANT_ID: 't',
    GRAPH_CLIENT_ID: 'c',
    GRAPH_CLIENT_SECRET: 's',
    REDIS_URL: 'redis://cache:6379',
    AUDIT_MAC_KEY: randomBytes(32).toString('hex'),
    AUDIT_SIGNING_KEY: randomBytes(32).toString('hex'),
  };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as { problems: string[] }).problems;
    }
  };

  it('is required with Graph outside the sandbox, with a message that says how to make one', () => {
    expect(problems(production)).toEqual([
      expect.stringMatching(/PIN_ENCRYPTION_KEY is required .*openssl rand -hex 32/),
    ]);
    const key = randomBytes(32).toString('hex');
    expect(loadConfig({ ...production, PIN_ENCRYPTION_KEY: key }).intune).toEqual({
      pinKey: Buffer.from(key, 'hex'),
      pinKeyIsDevKey: false,
    });
  });

  it('refuses a key of the wrong size', () => {
    expect(problems({ ...production, PIN_ENCRYPTION_KEY: 'secret' })).toEqual([
      expect.stringMatching(/PIN_ENCRYPTION_KEY must be 32 random bytes/),
    ]);
    expect(problems({ SANDBOX: 'true', PIN_ENCRYPTION_KEY: randomBytes(16).toString('hex') })).toHaveLength(1);
  });

  it('falls back to the fixed development key in the sandbox only', () => {
    const sandbox = loadConfig({ SANDBOX: 'true' }).intune;
    expect(sandbox.pinKeyIsDevKey).toBe(true);
    expect(sandbox.pinKey).toHaveLength(32);
    const { GRAPH_TENANT_ID: _t, GRAPH_CLIENT_ID: _c, GRAPH_CLIENT_SECRET: _s, ...withoutGraph } = production;
    expect(loadConfig(withoutGraph).intune).toEqual({ pinKey: undefined, pinKeyIsDevKey: false });
  });
});

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SANDBOX_AUDIT_MAC_KEY } from '../src/audit';
import { loadConfig } from '../src/config';
import { ConfigError } from '../src/errors';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

const hex = () => randomBytes(32).toString('hex');
const auditKeys = () => ({ AUDIT_MAC_KEY: hex(), AUDIT_SIGNING_KEY: hex() });
const production = () => ({
  GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/secrets/sa.json',
  GOOGLE_ADMIN_SUBJECT: 'admin@contoso.com',
  MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
  MicrosoftAppPassword: 's3cret',
  // The tenant GOOGLE_* belongs to.
  MicrosoftAppTenantId: '99999999-8888-7777-6666-555555555555',
  REDIS_URL: 'redis://cache:6379',
  ...auditKeys(),
});

describe('loadConfig', () => {
  it('reads the connector sync periods, with defaults, and refuses a zero period', () => {
    expect(loadConfig(production()).connector).toEqual({
      syncMinutes: 15,
      reconcileMinutes: 360,
      syncOverlapMinutes: 10,
    });
    expect(
      loadConfig({ ...production(), CONNECTOR_SYNC_MINUTES: '5', CONNECTOR_RECONCILE_MINUTES: '1440' }).connector,
    ).toMatchObject({ syncMinutes: 5, reconcileMinutes: 1440 });
    expect(problemsOf({ ...production(), CONNECTOR_RECONCILE_MINUTES: '0' })).toEqual([
      expect.stringMatching(/^CONNECTOR_RECONCILE_MINUTES must be at least 1/),
    ]);
  });

  it('refuses production without a tenant: every read and action belongs to one', () => {
    const { MicrosoftAppTenantId: _tenant, ...noTenant } = production();
    expect(problemsOf(noTenant)).toEqual([expect.stringContaining('No tenant to serve')]);
    expect(loadConfig({ ...noTenant, MicrosoftAppTenantId: '12345678-1234-1234-1234-123456789abc' }).homeTenantId).toBe(
      '12345678-1234-1234-1234-123456789abc',
    );
    expect(loadConfig({ ...noTenant, TENANTS_CONFIG: 'config/tenants.yaml' }).tenantsFile).toBe('config/tenants.yaml');
  });

  it('starts in sandbox mode on loopback with no settings at all', () => {
    const c = loadConfig({});
    expect(c.sandbox).toBe(true);
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(3978);
    expect(c.google.customerId).toBe('my_customer');
    expect(c.graph.baseUrl).toBe('https://graph.microsoft.com/v1.0');
  });

  it('can start the sandbox with Graph permissions missing, and says how to write the list', () => {
    expect(loadConfig({}).sandboxGraphWithoutPermissions).toEqual([]);
    expect(
      loadConfig({
        SANDBOX_GRAPH_WITHOUT_PERMISSIONS:
          'DeviceManagementManagedDevices.PrivilegedOperations.All, GroupMember.Read.All',
      }).sandboxGraphWithoutPermissions,
    ).toEqual(['DeviceManagementManagedDevices.PrivilegedOperations.All', 'GroupMember.Read.All']);
    expect(problemsOf({ SANDBOX_GRAPH_WITHOUT_PERMISSIONS: 'remote lock' })[0]).toContain(
      'SANDBOX_GRAPH_WITHOUT_PERMISSIONS must list Graph permission names',
    );
  });

  it("has safe action defaults: confirm everything, 5 minutes to confirm, Google's restart milestone", () => {
    expect(loadConfig({}).actions).toEqual({
      skipConfirmation: false,
      confirmationTtlMinutes: 5,
      pollSeconds: 5,
      rebootMinMilestone: 113,
    });
    expect(problemsOf({ CONFIRMATION_TTL_MINUTES: '0', ACTIONS_SKIP_CONFIRMATION: 'sometimes' })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CONFIRMATION_TTL_MINUTES must be at least 1/),
        expect.stringMatching(/^ACTIONS_SKIP_CONFIRMATION must be true or false/),
      ]),
    );
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: ' ', SANDBOX: '' }).redisUrl).toBeUndefined();
  });

  it('leaves sandbox mode when Google credentials are given, and listens on every interface', () => {
    const c = loadConfig({
      GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/secrets/sa.json',
      GOOGLE_ADMIN_SUBJECT: 'admin@contoso.com',
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 's3cret',
      MicrosoftAppTenantId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      REDIS_URL: 'redis://cache:6379',
      ALLOWED_TENANT_IDS: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, 11111111-2222-3333-4444-555555555555',
      ...auditKeys(),
    });
    expect(c.sandbox).toBe(false);
    expect(c.host).toBe('0.0.0.0');
    expect(c.allowedTenantIds).toHaveLength(2);
    expect(c.redisUrl).toBe('redis://cache:6379');
  });

  it('names the variable and the fix for each bad value, all at once', () => {
    const problems = problemsOf({ PORT: 'eighty', REDIS_URL: 'localhost:6379', LOG_LEVEL: 'loud', SANDBOX: 'maybe' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT must be a port number/),
        expect.stringMatching(/^REDIS_URL must be a Redis URL such as redis:\/\/127\.0\.0\.1:6379/),
        expect.stringMatching(/^LOG_LEVEL must be one of/),
        expect.stringMatching(/^SANDBOX must be true or false/),
      ]),
    );
  });

  it('refuses production without credentials and says how to fix it', () => {
    const problems = problemsOf({ SANDBOX: 'false' });
    expect(problems.join('\n')).toMatch(
      /GOOGLE_SERVICE_ACCOUNT_KEY_FILE is required outside sandbox mode.*SANDBOX=true/,
    );
    expect(problems.join('\n')).toMatch(/GOOGLE_ADMIN_SUBJECT is required/);
    expect(problems.join('\n')).toMatch(/MicrosoftAppId is required outside sandbox mode/);
  });

  it('requires a tenant id for single-tenant bots and a password with an app id', () => {
    const problems = problemsOf({
      GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/k.json',
      GOOGLE_ADMIN_SUBJECT: 'admin@contoso.com',
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppType: 'SingleTenant',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^MicrosoftAppTenantId is required/),
        expect.stringMatching(/^MicrosoftAppPassword is required/),
      ]),
    );
  });

  it('wants all three Graph settings or none', () => {
    expect(problemsOf({ GRAPH_CLIENT_ID: 'x' })).toEqual([
      expect.stringMatching(/GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET go together/),
    ]);
  });

  it('rejects tenant ids that are not GUIDs', () => {
    expect(problemsOf({ ALLOWED_TENANT_IDS: 'contoso.com' })).toEqual([
      expect.stringContaining('ALLOWED_TENANT_IDS contains "contoso.com"'),
    ]);
  });

  it('never echoes a secret in its messages', () => {
    const problems = problemsOf({ SANDBOX: 'false', MicrosoftAppPassword: 'hunter2-very-secret' });
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

describe('production guard-rails', () => {
  it('refuses to run on memory state unless told so explicitly', () => {
    const { REDIS_URL: _r, ...noRedis } = production();
    expect(problemsOf(noRedis)).toEqual([
      expect.stringMatching(/^REDIS_URL is required outside sandbox mode.*ALLOW_MEMORY_STATE=true/),
    ]);
    const c = loadConfig({ ...noRedis, ALLOW_MEMORY_STATE: 'true' });
    expect(c).toMatchObject({ allowMemoryState: true, redisUrl: undefined });
    expect(loadConfig({}).allowMemoryState).toBe(false);
  });

  it('requires the audit keys outside the sandbox and uses the public development keys only inside it', () => {
    const { AUDIT_MAC_KEY: _m, AUDIT_SIGNING_KEY: _s, ...noKeys } = production();
    expect(problemsOf(noKeys)).toEqual([
      expect.stringMatching(/^AUDIT_MAC_KEY is required outside sandbox mode.*openssl rand -hex 32/),
      expect.stringMatching(/^AUDIT_SIGNING_KEY is required outside sandbox mode/),
    ]);
    expect(loadConfig({}).audit).toMatchObject({ keysAreDevKeys: true, macKey: SANDBOX_AUDIT_MAC_KEY });
    const env = production();
    const c = loadConfig(env);
    expect(c.audit).toMatchObject({ keysAreDevKeys: false, macKey: Buffer.from(env.AUDIT_MAC_KEY, 'hex') });
    expect(c.audit.signingKey.asymmetricKeyType).toBe('ed25519');
    expect(c.audit).toMatchObject({ checkpointEveryRecords: 100, checkpointMinutes: 5, checkpointFile: undefined });
  });

  it('takes an Ed25519 signing key as PEM too', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(loadConfig({ ...production(), AUDIT_SIGNING_KEY: pem }).audit.signingKey.type).toBe('private');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    expect(problemsOf({ ...production(), AUDIT_SIGNING_KEY: rsa.toString() })).toEqual([
      expect.stringMatching(/^AUDIT_SIGNING_KEY must be an Ed25519 key/),
    ]);
  });

  const weak: Array<[string, string, RegExp]> = [
    ['all zeros', '0'.repeat(64), /all zeros/],
    ['repeated bytes', 'ab'.repeat(32), /repeats a few byte values/],
    ['a short pattern', 'deadbeef'.repeat(8), /repeats a few byte values/],
    ['text', Buffer.from('correct horse battery staple 123').toString('hex'), /printable text/],
    ['the sandbox key', SANDBOX_AUDIT_MAC_KEY.toString('base64'), /printable text/],
    ['a counting sequence', Buffer.from(Array.from({ length: 32 }, (_, i) => i * 3)).toString('hex'), /counting/],
  ];
  it.each(weak)('refuses a PIN or audit key that is %s, naming the variable and the fix', (_what, key, reason) => {
    for (const name of ['PIN_ENCRYPTION_KEY', 'AUDIT_MAC_KEY', 'AUDIT_SIGNING_KEY']) {
      const problems = problemsOf({ ...production(), [name]: key });
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^${name} is not a random key`))]);
      expect(problems[0]).toMatch(reason);
      expect(problems[0]).toContain('openssl rand -hex 32');
    }
    // Also in the sandbox: a key someone set is meant to protect something.
    expect(problemsOf({ AUDIT_MAC_KEY: key })).toHaveLength(1);
  });

  it('refuses too short a key and one key used for two purposes', () => {
    expect(problemsOf({ ...production(), AUDIT_MAC_KEY: randomBytes(16).toString('hex') })).toEqual([
      expect.stringMatching(/^AUDIT_MAC_KEY must be 32 random bytes/),
    ]);
    const key = hex();
    expect(problemsOf({ ...production(), AUDIT_MAC_KEY: key, AUDIT_SIGNING_KEY: key })).toEqual([
      expect.stringMatching(/AUDIT_MAC_KEY and AUDIT_SIGNING_KEY must be different/),
    ]);
    expect(problemsOf({ ...production(), AUDIT_MAC_KEY: key, PIN_ENCRYPTION_KEY: key })).toEqual([
      expect.stringMatching(/must be three different keys/),
    ]);
  });

  it('keeps /metrics off the public port in production: loopback port by default, or a bearer token', () => {
    expect(loadConfig(production()).metrics).toEqual({ port: 9464, token: undefined });
    expect(loadConfig({ ...production(), METRICS_PORT: '9100' }).metrics).toEqual({ port: 9100, token: undefined });
    const token = hex();
    expect(loadConfig({ ...production(), METRICS_TOKEN: token }).metrics).toEqual({ port: undefined, token });
    expect(loadConfig({}).metrics).toEqual({ port: undefined, token: undefined });
    expect(problemsOf({ METRICS_TOKEN: 'metrics' })).toEqual([
      expect.stringMatching(/^METRICS_TOKEN must be at least 32/),
    ]);
    expect(problemsOf({ METRICS_PORT: '3978' })).toEqual([
      expect.stringMatching(/^METRICS_PORT must differ from PORT/),
    ]);
  });

  it('limits turns per person and per tenant by default', () => {
    expect(loadConfig({}).rateLimit).toEqual({ personPerMinute: 30, tenantPerMinute: 600 });
    expect(problemsOf({ RATE_LIMIT_PERSON_PER_MINUTE: '0' })).toEqual([
      expect.stringMatching(/^RATE_LIMIT_PERSON_PER_MINUTE must be at least 1/),
    ]);
  });

  it('sends traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set, with the standard OTEL_* variables', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%3D1, x-scope=desk',
        OTEL_SERVICE_NAME: 'desk-eu',
      }).tracing,
    ).toEqual({
      endpoint: 'http://collector:4318',
      serviceName: 'desk-eu',
      headers: { 'api-key': 'abc=1', 'x-scope': 'desk' },
    });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing,
    ).toBeUndefined();
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toEqual([
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT must be a URL/),
    ]);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_HEADERS: 'just-a-key' })).toEqual([
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_HEADERS must list headers as name=value/),
    ]);
  });

  it('never echoes a key in its messages', () => {
    const key = 'ab'.repeat(32);
    expect(problemsOf({ ...production(), AUDIT_MAC_KEY: key }).join('\n')).not.toContain(key);
  });
});

describe('loadConfig: Redis as a cloud runs it', () => {
  it('prefixes keys with desk: unless REDIS_KEY_PREFIX says otherwise', () => {
    expect(loadConfig({}).redisPrefix).toBe('desk:');
    expect(loadConfig({ REDIS_KEY_PREFIX: 'desk-staging:' }).redisPrefix).toBe('desk-staging:');
    expect(problemsOf({ REDIS_KEY_PREFIX: 'desk staging {1}' })).toEqual([
      expect.stringMatching(/^REDIS_KEY_PREFIX must be letters, digits and _ \. : -/),
    ]);
  });

  it('takes a CA file only for a TLS (rediss://) URL', () => {
    const c = loadConfig({
      REDIS_URL: 'rediss://:secret@cache.redis.cache.windows.net:6380',
      REDIS_TLS_CA_FILE: '/ca.pem',
    });
    expect(c.redisTlsCaFile).toBe('/ca.pem');
    expect(problemsOf({ REDIS_URL: 'redis://cache:6379', REDIS_TLS_CA_FILE: '/ca.pem' })).toEqual([
      expect.stringMatching(/^REDIS_TLS_CA_FILE needs a TLS Redis URL: write REDIS_URL as rediss:\/\//),
    ]);
  });
});

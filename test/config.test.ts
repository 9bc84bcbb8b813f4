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

describe('loadConfig', () => {
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
      REDIS_URL: 'redis://cache:6379',
      ALLOWED_TENANT_IDS: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, 11111111-2222-3333-4444-555555555555',
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

/**
 * Enterprises send outbound traffic through a proxy. The bot honours HTTPS_PROXY / HTTP_PROXY /
 * NO_PROXY for every service it calls. The proxy is process-wide, so each case runs the bot (or
 * one client) in a child process, with a small recording proxy in front of the emulators.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bypassesProxy, proxyFor, readProxySettings } from '../../src/egress';
import { ConfigError } from '../../src/errors';
import { SANDBOX_PEOPLE, SANDBOX_TENANT_ID } from '../../src/sandbox/people';
import { freePort, startProcess, stopProcess, waitForHttp, type ManagedProcess } from '../e2e/processes';
import { RecordingConnector } from '../support/connector';
import { startRecordingProxy, type ProxiedCall, type RecordingProxy } from '../support/recording-proxy';
import { writeServiceAccountKey } from '../support/service-account-key';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const APP_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

/** A clean environment: nothing from this machine's own proxy settings leaks in. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info' };
  return { ...env, ...extra };
}

describe('proxy settings', () => {
  it('reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY in either case; https falls back to HTTP_PROXY', () => {
    const both = readProxySettings({ https_proxy: 'http://p1:8080', HTTP_PROXY: 'http://p2:3128', NO_PROXY: 'a' });
    expect([both.httpsProxy?.host, both.httpProxy?.host, both.noProxy]).toEqual(['p1:8080', 'p2:3128', 'a']);
    expect(readProxySettings({ HTTP_PROXY: 'proxy:3128' }).httpsProxy?.href).toBe('http://proxy:3128/');
    expect(readProxySettings({})).toEqual({ httpProxy: undefined, httpsProxy: undefined, noProxy: '' });
  });

  it('refuses a proxy that is not an http(s) URL, naming the variable', () => {
    expect(() => readProxySettings({ HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(ConfigError);
    expect(() => readProxySettings({ HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(/HTTPS_PROXY must be a proxy URL/);
  });

  it.each([
    ['graph.microsoft.com', 443, 'graph.microsoft.com', true],
    ['graph.microsoft.com', 443, '.microsoft.com', true],
    ['graph.microsoft.com', 443, '*.microsoft.com', true],
    ['graph.microsoft.com', 443, 'microsoft.com', false],
    ['graph.microsoft.com', 443, 'graph.microsoft.com:8443', false],
    ['127.0.0.1', 6380, 'localhost, 127.0.0.1', true],
    ['admin.googleapis.com', 443, '*', true],
    ['admin.googleapis.com', 443, '', false],
  ])('%s:%d with NO_PROXY=%j bypasses the proxy: %s', (host, port, noProxy, bypass) => {
    expect(bypassesProxy(host, port, noProxy)).toBe(bypass);
  });

  it('picks the proxy by the target scheme', () => {
    const settings = readProxySettings({ HTTPS_PROXY: 'http://secure:1', HTTP_PROXY: 'http://plain:2', NO_PROXY: 'x' });
    expect(proxyFor({ protocol: 'https:', hostname: 'a', port: 443 }, settings)?.host).toBe('secure:1');
    expect(proxyFor({ protocol: 'http:', hostname: 'a', port: 80 }, settings)?.host).toBe('plain:2');
    expect(proxyFor({ protocol: 'https:', hostname: 'x', port: 443 }, settings)).toBeUndefined();
  });
});

describe('outbound calls through a proxy', () => {
  let proxy: RecordingProxy;
  let dir: string;
  beforeEach(async () => {
    proxy = await startRecordingProxy();
    dir = mkdtempSync(join(tmpdir(), 'desk-proxy-'));
  });
  afterEach(async () => {
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const seen = (predicate: (c: ProxiedCall) => boolean) => proxy.calls.filter(predicate);

  /** Starts `src/index.ts` (main, as `npm start` runs it) and waits for /healthz. */
  async function startBot(env: Record<string, string>): Promise<{ bot: ManagedProcess; url: string }> {
    const port = await freePort();
    const bot = startProcess('bot', TSX, ['src/index.ts'], {
      cwd: ROOT,
      env: childEnv({ PORT: String(port), ...env }),
      logFile: join(dir, 'bot.log'),
    });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 40_000, process: bot });
    return { bot, url: `http://127.0.0.1:${port}/api/messages` };
  }

  /** A Teams message from the sandbox's Alex, answered through the connector. */
  async function sayHelp(url: string, connector: RecordingConnector, headers: Record<string, string> = {}) {
    const alex = SANDBOX_PEOPLE[0];
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        type: 'message',
        id: 'm1',
        text: 'help',
        channelId: 'msteams',
        serviceUrl: connector.url,
        from: { id: alex.teamsId, name: alex.name, aadObjectId: alex.aadObjectId },
        recipient: { id: '28:device-desk', name: 'Device Desk' },
        conversation: { id: 'personal-proxy', conversationType: 'personal', tenantId: SANDBOX_TENANT_ID },
        channelData: { tenant: { id: SANDBOX_TENANT_ID } },
      }),
    });
    return res.status;
  }

  async function inSandbox(env: Record<string, string>): Promise<RecordingConnector> {
    const connector = new RecordingConnector();
    await connector.start();
    const { bot, url } = await startBot(env);
    try {
      expect(await sayHelp(url, connector)).toBe(200);
      await connector.waitFor((c) => c.method === 'POST' && c.path.includes('/activities'), 10_000);
    } finally {
      await stopProcess(bot);
      await connector.stop();
    }
    return connector;
  }

  it('sends Google, Graph and Bot Connector calls through HTTP_PROXY (sandbox emulators behind it)', async () => {
    await inSandbox({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
    // Graph's fetch (undici) tunnels even plain http with CONNECT; the proxy reads the request lines inside.
    expect(seen((c) => c.kind === 'tunnelled' && c.path!.includes('/deviceManagement/managedDevices'))).not.toEqual([]);
    // The Directory API client (http module, global agent) and the Bot Connector client forward
    // plain http with an absolute URI.
    expect(seen((c) => c.kind === 'forward' && c.path!.startsWith('/admin/directory/v1/customer/'))).not.toEqual([]);
    expect(
      seen((c) => c.kind === 'forward' && c.method === 'POST' && c.path!.startsWith('/v3/conversations/')),
    ).not.toEqual([]);
  }, 90_000);

  it('goes straight to NO_PROXY hosts', async () => {
    const connector = await inSandbox({
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: 'localhost,127.0.0.1',
    });
    expect(connector.sent().length).toBeGreaterThan(0);
    expect(proxy.calls).toEqual([]);
  }, 90_000);

  /** Runs one real client against its real host in a child process; resolves with its JSON line. */
  function callOut(client: string, env: Record<string, string>): Promise<{ client: string; error?: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(TSX, [join('test', 'egress', 'call-out.ts'), client], { cwd: ROOT, env: childEnv(env) });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => {
        const line = out.trim().split('\n').at(-1) ?? '';
        if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line));
        else reject(new Error(`call-out ${client} exited ${code}: ${err || out}`));
      });
    });
  }

  it.each([
    ['google', 'oauth2.googleapis.com'],
    ['google-directory', 'admin.googleapis.com'],
    ['graph', 'login.microsoftonline.com'],
    ['botframework', 'login.microsoftonline.com'],
  ])(
    'makes the %s call through HTTPS_PROXY (CONNECT %s:443)',
    async (client, host) => {
      const result = await callOut(client, { HTTPS_PROXY: proxy.url });
      expect(result.error).toBeDefined();
      expect(proxy.calls.length).toBeGreaterThan(0);
      expect(proxy.calls.every((c) => c.kind === 'connect' && c.host === host && c.port === 443)).toBe(true);
    },
    60_000,
  );

  it('asks for a token straight from a NO_PROXY host (no DNS here, so it fails on the name)', async () => {
    const result = await callOut('graph', { HTTPS_PROXY: proxy.url, NO_PROXY: '.microsoftonline.com' });
    expect(proxy.calls).toEqual([]);
    expect(result.error).toMatch(/could not be reached/);
  }, 60_000);

  it('fetches the keys that check Teams requests through the proxy (production bot, forged token)', async () => {
    const connector = new RecordingConnector();
    await connector.start();
    const { bot, url } = await startBot({
      SANDBOX: 'false',
      HTTPS_PROXY: proxy.url,
      NO_PROXY: '127.0.0.1',
      GOOGLE_SERVICE_ACCOUNT_KEY_FILE: writeServiceAccountKey(dir),
      GOOGLE_ADMIN_SUBJECT: 'admin@contoso.com',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-a-real-secret',
      GRAPH_TENANT_ID: 'contoso.onmicrosoft.com',
      GRAPH_CLIENT_ID: APP_ID,
      GRAPH_CLIENT_SECRET: 'not-a-real-secret',
      // Production guard-rails: three random keys, and memory state allowed for this one instance.
      PIN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      AUDIT_MAC_KEY: randomBytes(32).toString('hex'),
      AUDIT_SIGNING_KEY: randomBytes(32).toString('hex'),
      ALLOW_MEMORY_STATE: 'true',
      METRICS_TOKEN: randomBytes(32).toString('hex'),
    });
    try {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const forged = `${part({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${part({
        iss: 'https://api.botframework.com',
        aud: APP_ID,
        exp: Math.floor(Date.now() / 1000) + 600,
      })}.c2lnbmF0dXJl`;
      expect(await sayHelp(url, connector, { authorization: `Bearer ${forged}` })).toBe(401);
      expect(connector.calls).toEqual([]);
      // The signing keys (OpenID metadata) and, at start, the Graph token for the Intune sync.
      expect(seen((c) => c.kind === 'connect' && c.host === 'login.botframework.com')).not.toEqual([]);
      expect(seen((c) => c.kind === 'connect' && c.host === 'login.microsoftonline.com')).not.toEqual([]);
      expect(proxy.calls.filter((c) => !c.refused)).toEqual([]);
    } finally {
      await stopProcess(bot);
      await connector.stop();
    }
  }, 90_000);
});

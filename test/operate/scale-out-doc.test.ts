/**
 * docs/deploy.md, "Scaling out": the sandbox's emulators run once, and two sandbox instances on one
 * Redis share them, as the guide's commands start them (free ports and a key prefix of this test
 * instead of the guide's fixed ones); each answers /readyz, and a device one of them synced is
 * found through the other.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxFleet } from '../../src/sandbox/fleet';
import { SANDBOX_PEOPLE, SANDBOX_TENANT_ID } from '../../src/sandbox/people';
import { freePort, ManagedProcess, startProcess, stopProcess, waitForHttp } from '../e2e/processes';
import { cardOf, cardText, RecordingConnector } from '../support/connector';
import { testRedis, TEST_REDIS_URL } from '../support/redis';

const ROOT = join(__dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/** The guide's instance line: its variables, and the command after them. */
function instanceCommand(): { env: Record<string, string>; command: string[] } {
  const line = DOC.split('\n').find((l) => l.startsWith('SANDBOX_GOOGLE_URL='))!;
  const words = line.split(' ');
  const env = Object.fromEntries(
    words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  );
  return { env, command: words.filter((w) => !/^[A-Z_]+=/.test(w)) };
}

describe('docs/deploy.md: several sandbox instances on one machine', () => {
  const redis = testRedis();
  const dir = mkdtempSync(join(tmpdir(), 'desk-scale-doc-'));
  const running: ManagedProcess[] = [];
  const connector = new RecordingConnector();
  afterAll(async () => {
    await Promise.all(running.map((p) => stopProcess(p, 12_000)));
    await connector.stop();
    await redis.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the emulators once and two instances that share them and Redis', async () => {
    expect(DOC).toContain('npx tsx scripts/sandbox-emulators.ts\n');
    const emulators = startProcess(
      'emulators',
      bin('tsx'),
      ['scripts/sandbox-emulators.ts', '--google-port', '0', '--graph-port', '0'],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, logFile: join(dir, 'emulators.log') },
    );
    running.push(emulators);
    let urls: Record<string, string> | undefined;
    while (!urls) {
      const line = (existsSync(emulators.logFile) ? readFileSync(emulators.logFile, 'utf8') : '')
        .split('\n')
        .find((l) => l.startsWith('{'));
      if (line) urls = JSON.parse(line);
      else if (emulators.child.exitCode !== null) throw new Error('the emulators stopped');
      else await new Promise((r) => setTimeout(r, 100));
    }
    const guide = instanceCommand();
    expect(guide.command).toEqual(['npm', 'run', 'dev']);
    expect(Object.keys(guide.env).sort()).toEqual(
      ['PORT', 'REDIS_KEY_PREFIX', 'REDIS_URL', 'SANDBOX_GOOGLE_URL', 'SANDBOX_GRAPH_URL'].sort(),
    );
    const ports: number[] = [];
    for (const name of ['desk-a', 'desk-b']) {
      const port = await freePort();
      ports.push(port);
      const env = {
        ...guide.env,
        ...urls,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: redis.prefix,
        PORT: String(port),
        PATH: process.env.PATH,
        HOME: process.env.HOME,
      };
      const bot = startProcess(name, 'npm', ['run', 'dev'], { cwd: ROOT, env, logFile: join(dir, `${name}.log`) });
      running.push(bot);
      // One after the other: the first connects the sandbox tenants, the second finds them in Redis.
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 60_000, process: bot });
    }
    const ready = await fetch(`http://127.0.0.1:${ports[1]}/readyz`).then((r) => r.json());
    expect(ready).toEqual({
      ready: true,
      checks: { redis: 'ok', tenants: 'ok', queues: 'ok', acceptingTurns: 'ok' },
    });

    // A device card through the second instance, read from the emulator both instances share.
    await connector.start();
    const alex = SANDBOX_PEOPLE[0];
    const device = sandboxFleet(Date.now())[0];
    const res = await fetch(`http://127.0.0.1:${ports[1]}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'scale-1',
        text: `find ${device.serialNumber}`,
        channelId: 'msteams',
        serviceUrl: connector.url,
        from: { id: alex.teamsId, name: alex.name, aadObjectId: alex.aadObjectId },
        recipient: { id: '28:device-desk', name: 'Device Desk' },
        conversation: { id: 'personal-scale', conversationType: 'personal', tenantId: SANDBOX_TENANT_ID },
        channelData: { tenant: { id: SANDBOX_TENANT_ID } },
      }),
    });
    expect(res.status).toBe(200);
    const reply = await connector.waitFor((c) => c.method === 'POST' && !!cardOf(c), 15_000);
    expect(cardText(cardOf(reply))).toContain(device.serialNumber);
  }, 150_000);
});

/**
 * Turn throughput with three bot processes on one Redis against one, in the same run: each
 * instance is `src/index.ts` in its own process (sandbox on Redis, one REDIS_KEY_PREFIX), all on
 * one shared Google and Graph emulator in a process of its own, as Google and Graph are elsewhere; the load is spread over the instances round-robin, as a
 * load balancer does. Run alone: npx tsx scripts/bench-instances.ts [--quick]
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { sandboxFleet, SANDBOX_PEOPLE, SANDBOX_TENANT_ID } from '../src/sandbox';
import { deleteKeysByPrefix } from '../src/store/redis-keys';
import { freePort, startProcess, stopProcess, waitForHttp, type ManagedProcess } from '../test/e2e/processes';

const ROOT = join(__dirname, '..');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface InstancesRun {
  instances: number;
  turns: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export interface BenchInstancesResult {
  measuredOn: string;
  cores: number;
  /** The machine's 1-minute load average when the run began: other work on the same cores. */
  loadAverage: number;
  clients: number;
  help: InstancesRun[];
  find: InstancesRun[];
  /** Turns per second with three instances over one. */
  helpGain: number;
  findGain: number;
}

function sinkConnector(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

function message(serviceUrl: string, text: string, i: number) {
  const person = SANDBOX_PEOPLE[i % SANDBOX_PEOPLE.length];
  return JSON.stringify({
    type: 'message',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    text,
    locale: 'en-US',
    from: { id: person.teamsId, name: person.name, aadObjectId: person.aadObjectId },
    recipient: { id: '28:device-desk' },
    conversation: { id: `bench-${i % 64}`, conversationType: 'personal', tenantId: SANDBOX_TENANT_ID },
    channelData: { tenant: { id: SANDBOX_TENANT_ID } },
  });
}

/** `turns` messages from `clients` concurrent senders, each turn to the next instance in turn. */
async function drive(
  urls: string[],
  serviceUrl: string,
  text: (i: number) => string,
  turns: number,
  clients: number,
): Promise<InstancesRun> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < turns) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        const res = await fetch(urls[i % urls.length], {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: message(serviceUrl, text(i), i),
        });
        await res.arrayBuffer();
        if (res.status >= 400) throw new Error(`turn ${i} answered ${res.status}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2));
  return { instances: urls.length, turns, perSecond: Math.round(turns / seconds), p50: pct(50), p99: pct(99) };
}

interface Instance {
  url: string;
  process: ManagedProcess;
}

async function startInstance(env: Record<string, string>, logDir: string, name: string): Promise<Instance> {
  const port = await freePort();
  const child = startProcess(name, join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/index.ts'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port) },
    logFile: join(logDir, `${name}.log`),
  });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 90_000, process: child });
  return { url: `http://127.0.0.1:${port}/api/messages`, process: child };
}

/** scripts/sandbox-emulators.ts on free ports; resolves with the URLs it prints. */
async function startEmulators(
  logDir: string,
): Promise<{ process: ManagedProcess; urls: { SANDBOX_GOOGLE_URL: string; SANDBOX_GRAPH_URL: string } }> {
  const logFile = join(logDir, 'emulators.log');
  const child = startProcess(
    'emulators',
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['scripts/sandbox-emulators.ts', '--google-port', '0', '--graph-port', '0'],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, logFile },
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const line = (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
      .split('\n')
      .find((l) => l.startsWith('{"SANDBOX_GOOGLE_URL"'));
    if (line) return { process: child, urls: JSON.parse(line) };
    if (child.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopProcess(child);
  throw new Error(`the emulators did not start; see ${logFile}`);
}

export async function benchInstances(options: { quick?: boolean } = {}): Promise<BenchInstancesResult> {
  const turns = options.quick ? 600 : 3000;
  const loadAverage = Number(loadavg()[0].toFixed(1));
  const clients = 16;
  const now = Date.now();
  const sink = await sinkConnector();
  const prefix = `bench-instances:${randomUUID().slice(0, 8)}:`;
  const logDir = mkdtempSync(join(tmpdir(), 'desk-bench-instances-'));
  const emulators = await startEmulators(logDir);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    SANDBOX: 'true',
    LOG_LEVEL: 'warn',
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ...emulators.urls,
    // Limits out of reach: the bench measures turns, not the limiter's refusals.
    RATE_LIMIT_PERSON_PER_MINUTE: '100000000',
    RATE_LIMIT_TENANT_PER_MINUTE: '100000000',
  };
  const instances: Instance[] = [];
  const serials = sandboxFleet(now).map((d) => d.serialNumber);
  const find = (i: number) => `find ${serials[i % serials.length]}`;
  try {
    // The first connects the sandbox tenants; the others find the connection in Redis.
    instances.push(await startInstance(env, logDir, 'desk-1'));
    instances.push(...(await Promise.all(['desk-2', 'desk-3'].map((n) => startInstance(env, logDir, n)))));
    const all = instances.map((i) => i.url);
    // Warm every instance up so none pays for JIT or first connections in the timed part.
    await drive(all, sink.url, () => 'help', 300, clients);
    await drive(all, sink.url, find, 300, clients);
    const help = [
      await drive(all.slice(0, 1), sink.url, () => 'help', turns, clients),
      await drive(all, sink.url, () => 'help', turns, clients),
    ];
    const findRuns = [
      await drive(all.slice(0, 1), sink.url, find, turns, clients),
      await drive(all, sink.url, find, turns, clients),
    ];
    return {
      measuredOn: new Date().toISOString().slice(0, 10),
      cores: cpus().length,
      loadAverage,
      clients,
      help,
      find: findRuns,
      helpGain: Number((help[1].perSecond / help[0].perSecond).toFixed(2)),
      findGain: Number((findRuns[1].perSecond / findRuns[0].perSecond).toFixed(2)),
    };
  } finally {
    await Promise.all(instances.map((i) => stopProcess(i.process, 12_000)));
    await sink.close();
    await stopProcess(emulators.process);
    const redis = new Redis(REDIS_URL);
    await deleteKeysByPrefix(redis, prefix);
    redis.disconnect();
    rmSync(logDir, { recursive: true, force: true });
  }
}

/** The section of docs/benchmarks.md. */
export function instancesSection(r: BenchInstancesResult): string {
  const row = (kind: string, run: InstancesRun) =>
    `| ${kind} | ${run.instances} | ${run.perSecond} | ${run.p50} | ${run.p99} |`;
  return `
## Several instances on one Redis

Measured on ${r.measuredOn}. Target: turn throughput grows with instances; no action runs twice (test/operate/instances.test.ts
shows the second). Three bot processes against one, in the same run, on one Redis and one shared
Google and Graph emulator; ${r.clients} concurrent clients spread the turns round-robin, as a load
balancer does. Everything — clients, emulators, Redis and the bots — shares this machine's ${r.cores} cores (load\naverage ${r.loadAverage} when the run began), so the gain is bounded by the cores left over, not by the bot.

| turn | instances | turns/s | p50 ms | p99 ms |
|---|---|---|---|---|
${row('`help` card', r.help[0])}
${row('`help` card', r.help[1])}
${row('device card (`find <serial>`)', r.find[0])}
${row('device card (`find <serial>`)', r.find[1])}

Three instances over one: **${r.helpGain}×** for the help card, **${r.findGain}×** for the device card —
${r.helpGain > 1 && r.findGain > 1 ? 'grows, met' : 'does NOT grow'}.
`;
}

/** npm run bench: measures and adds the section to the report (one call, so the harness stays as it is). */
export async function appendInstancesBench(file: string, quick: boolean): Promise<BenchInstancesResult> {
  const result = await benchInstances({ quick });
  appendFileSync(file, instancesSection(result));
  console.log(JSON.stringify({ instances: result }, null, 2));
  return result;
}

if (require.main === module) {
  benchInstances({ quick: process.argv.includes('--quick') })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      console.log(instancesSection(r));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

/**
 * Turn throughput with three bot processes on one Redis against one, in the same run: each
 * instance is `src/index.ts` in its own process (sandbox on Redis, one REDIS_KEY_PREFIX), all on
 * one shared Google and Graph emulator in a process of its own, as Google and Graph are elsewhere.
 * The load is spread over the instances round-robin, as a load balancer does. One instance and
 * three are measured in interleaved rounds after a warm-up round, the gain taken round by round.
 *   npm run bench -- --only instances      or alone: npx tsx scripts/bench-instances.ts [--quick]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { sandboxFleet } from '../src/sandbox';
import { deleteKeysByPrefix } from '../src/store/redis-keys';
import { driveTurns, startSinkConnector } from './bench-driver';
import { interleave, median, roundRatios, summarize, type Summary, type Target, verdict } from './bench-steadiness';

const ROOT = join(__dirname, '..');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface InstancesRun {
  instances: number;
  turns: number;
  perSecond: number;
  p50: number;
  p99: number;
}

type Kind = 'help' | 'find';

export interface BenchInstancesResult {
  cores: number;
  clients: number;
  turnsPerRound: number;
  /** Per turn kind, each kept round's run with one instance and with three. */
  rounds: Record<Kind, { one: InstancesRun[]; three: InstancesRun[] }>;
}

/** `turns` messages from `clients` concurrent senders, each turn to the next instance in turn. */
async function drive(
  urls: string[],
  serviceUrl: string,
  text: (i: number) => string,
  turns: number,
  clients: number,
): Promise<InstancesRun> {
  const run = await driveTurns({ urls, serviceUrl, text, turns, concurrency: clients });
  return { instances: urls.length, turns, perSecond: Math.round(run.perSecond), p50: run.p50, p99: run.p99 };
}

interface ManagedProcess {
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
}

/** A TypeScript file of ours in a process group of its own (tsx and its node), output to a log file. */
function startProcess(args: string[], env: Record<string, string>, logFile: string): ManagedProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, logFile, exited };
}

/** SIGTERM to the group (the bot shuts down gracefully), SIGKILL for whatever is left after graceMs. */
async function stopProcess(p: ManagedProcess, graceMs = 12_000): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-p.child.pid!, name);
    } catch {
      // Gone already.
    }
  };
  signal('SIGTERM');
  if (p.child.exitCode === null && p.child.signalCode === null)
    await Promise.race([p.exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
  signal('SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, p: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && p.child.exitCode === null) {
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready; see ${p.logFile}`);
}

interface Instance {
  url: string;
  process: ManagedProcess;
}

async function startInstance(env: Record<string, string>, logDir: string, name: string): Promise<Instance> {
  const port = await freePort();
  const child = startProcess(['src/index.ts'], { ...env, PORT: String(port) }, join(logDir, `${name}.log`));
  await waitReady(`http://127.0.0.1:${port}/readyz`, child, 90_000);
  return { url: `http://127.0.0.1:${port}/api/messages`, process: child };
}

/** scripts/sandbox-emulators.ts on free ports; resolves with the URLs it prints. */
async function startEmulators(
  logDir: string,
): Promise<{ process: ManagedProcess; urls: { SANDBOX_GOOGLE_URL: string; SANDBOX_GRAPH_URL: string } }> {
  const logFile = join(logDir, 'emulators.log');
  const child = startProcess(
    ['scripts/sandbox-emulators.ts', '--google-port', '0', '--graph-port', '0'],
    { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    logFile,
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.child.exitCode === null) {
    const line = (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
      .split('\n')
      .find((l) => l.startsWith('{"SANDBOX_GOOGLE_URL"'));
    if (line) return { process: child, urls: JSON.parse(line) };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopProcess(child);
  throw new Error(`the emulators did not start; see ${logFile}`);
}

export async function benchInstances(
  options: { quick?: boolean; rounds?: number } = {},
): Promise<BenchInstancesResult> {
  const turns = options.quick ? 300 : 1000;
  const rounds = options.rounds ?? (options.quick ? 3 : 5);
  const clients = 16;
  const sink = await startSinkConnector();
  const prefix = `bench-instances:${randomUUID().slice(0, 8)}:`;
  const logDir = mkdtempSync(join(tmpdir(), 'desk-bench-instances-'));
  const instances: Instance[] = [];
  let emulators: Awaited<ReturnType<typeof startEmulators>> | undefined;
  const serials = sandboxFleet(Date.now()).map((d) => d.serialNumber);
  const text: Record<Kind, (i: number) => string> = {
    help: () => 'help',
    find: (i) => `find ${serials[i % serials.length]}`,
  };
  try {
    emulators = await startEmulators(logDir);
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
    // The first connects the sandbox tenants; the others find the connection in Redis.
    instances.push(await startInstance(env, logDir, 'desk-1'));
    instances.push(...(await Promise.all(['desk-2', 'desk-3'].map((n) => startInstance(env, logDir, n)))));
    const all = instances.map((i) => i.url);
    const result = {} as BenchInstancesResult['rounds'];
    for (const kind of ['help', 'find'] as const) {
      // A long warm-up round, thrown away: no instance pays for JIT or first connections in the kept
      // ones. A bot's CPU per turn falls over its first few thousand turns; with a warm-up of one
      // round, the two instances that see a third of the turns each were still on that slope.
      const warmUpTurns = options.quick ? turns : 2 * turns;
      const warm = (round: number, instances: number) => (round < 0 ? warmUpTurns * instances : turns);
      result[kind] = await interleave(rounds, 1, {
        one: (round) => drive(all.slice(0, 1), sink.url, text[kind], warm(round, 1), clients),
        three: (round) => drive(all, sink.url, text[kind], warm(round, 3), clients),
      });
    }
    return { cores: cpus().length, clients, turnsPerRound: turns, rounds: result };
  } finally {
    await Promise.all(instances.map((i) => stopProcess(i.process)));
    if (emulators) await stopProcess(emulators.process);
    await sink.close();
    const redis = new Redis(REDIS_URL);
    await deleteKeysByPrefix(redis, prefix);
    redis.disconnect();
    rmSync(logDir, { recursive: true, force: true });
  }
}

/** Turn throughput with three instances over one, round by round: it must grow. */
const GROWS: Target = { atLeast: 1 };

/** Round by round: turns/s with three instances ÷ turns/s with one, measured next to each other. */
export function instancesGainRounds(r: BenchInstancesResult, kind: Kind): number[] {
  const rate = (runs: InstancesRun[]) => runs.map((x) => x.perSecond);
  return roundRatios(rate(r.rounds[kind].one), rate(r.rounds[kind].three));
}

export function instancesGain(r: BenchInstancesResult, kind: Kind): Summary {
  return summarize(instancesGainRounds(r, kind));
}

/** The section of docs/benchmarks.md. */
export function instancesSection(r: BenchInstancesResult): string {
  const f = (v: number, digits = 0) => v.toFixed(digits);
  const med = (runs: InstancesRun[], pick: (x: InstancesRun) => number) => median(runs.map(pick));
  const rates = (runs: InstancesRun[]) => runs.map((x) => x.perSecond);
  const row = (label: string, runs: InstancesRun[]) =>
    `| ${label} | ${runs[0].instances} | ${f(med(runs, (x) => x.perSecond))} | ${f(Math.min(...rates(runs)))}–${f(Math.max(...rates(runs)))} | ${f(
      med(runs, (x) => x.p50),
      1,
    )} | ${f(
      med(runs, (x) => x.p99),
      1,
    )} |`;
  const gain = (kind: Kind) => {
    const g = instancesGain(r, kind);
    const v = verdict(g, GROWS);
    const said = v === 'met' ? 'grows, met' : v === 'unsteady' ? '**unsteady**' : '**NOT met**';
    return `**${f(g.median, 2)}×** (${f(g.min, 2)}–${f(g.max, 2)}, ${g.rounds} rounds) — ${said}`;
  };
  return `## Several instances on one Redis

Target: turn throughput grows with instances; no action runs twice (that one is shown by
test/operate/instances.test.ts). Three bot processes against one (\`src/index.ts\`, sandbox on one
Redis under one REDIS_KEY_PREFIX, the sandbox's Google and Graph emulators shared, in a process of
their own), in interleaved rounds after a warm-up round; ${r.clients} concurrent clients send
${r.turnsPerRound.toLocaleString('en')} turns per round, spread round-robin over the instances as a load balancer does.
Clients, emulators, Redis and the bots all share this machine's ${r.cores} cores: the gain is bounded
by the cores left over, not by the bot.

| turn | instances | turns/s (median) | min–max | p50 ms | p99 ms |
|---|---|---|---|---|---|
${row('`help` card', r.rounds.help.one)}
${row('`help` card', r.rounds.help.three)}
${row('device card (`find <serial>`)', r.rounds.find.one)}
${row('device card (`find <serial>`)', r.rounds.find.three)}

Three instances over one, round by round: ${gain('help')} for the help card; ${gain('find')}
for the device card.
`;
}

if (require.main === module) {
  benchInstances({ quick: process.argv.includes('--quick') })
    .then((r) => console.log(instancesSection(r)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

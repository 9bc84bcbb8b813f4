/**
 * Bench parts that must not share an event loop (the bot under test, the load generator, Google)
 * run in child processes of their own and talk in JSON lines: the child prints one line when it is
 * ready, then answers each command read on stdin with one line on stdout.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cpus, loadavg } from 'node:os';
import { median } from './bench-steadiness';

export interface BenchChild<Ready> {
  ready: Ready;
  pid: number;
  ask<T>(command: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** Node's own deprecation notice for a dependency's internals, which no child can act on. */
const QUIET_FLAGS = ['--disable-warning=DEP0111'];

/** The node arguments that run a TypeScript file of ours: tsx's loader, as the bench itself runs. */
export function tsNodeArgs(flags: string[] = QUIET_FLAGS): string[] {
  return [...flags, '--import', 'tsx'];
}

/**
 * Where `compileForChildren` put the compiled project. Children run from there when it is set, as
 * `npm start` runs the bot: compiled JavaScript on plain Node. Through tsx, each child would
 * also hold tsx and its compiler (about 40 MB of RSS) and compile every file it loads.
 */
const COMPILED_DIR = 'BENCH_COMPILED_DIR';

/** Compiles the project once into a temporary folder for the children (tsconfig.build.json). */
export function compileForChildren(): void {
  const root = join(__dirname, '..');
  // Inside the project, so that the compiled files find its node_modules.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, 'bench-build-'));
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir],
    {
      stdio: 'inherit',
    },
  );
  process.env[COMPILED_DIR] = outDir;
  process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
}

/**
 * The node flags the bot runs with wherever it is started (npm start, the image, the container
 * check), and so the children that run the bot's code. A heap limit under 2 GB makes V8 grow
 * the heap by about 1.6× what is live after a collection instead of up to 4×: a 100,000-device
 * sync into the memory inventory peaked at 237–247 MB of RSS instead of 349.
 */
export const NODE_FLAGS = [...QUIET_FLAGS, '--max-old-space-size=1024'];

/** Only the bot's own flags matter: the stand-ins (Google, the load) keep node's defaults. */
const RUNS_THE_BOT = new Set(['bench-bot.ts', 'bench-sync.ts']);

function childCommand(script: string): string[] {
  const flags = RUNS_THE_BOT.has(script) ? NODE_FLAGS : QUIET_FLAGS;
  const compiled = process.env[COMPILED_DIR];
  if (compiled) return [...flags, join(compiled, 'scripts', script.replace(/\.ts$/, '.js'))];
  return [...tsNodeArgs(flags), join(__dirname, script)];
}

export async function startChild<Ready>(script: string, args: string[] = []): Promise<BenchChild<Ready>> {
  const proc: ChildProcess = spawn(process.execPath, [...childCommand(script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout! });
  const waiting: Array<{ resolve: (v: unknown) => void; reject: (e: Error) => void }> = [];
  let exited: Error | undefined;
  lines.on('line', (line) => {
    const answer = JSON.parse(line) as { error?: string };
    const next = waiting.shift();
    if (answer && typeof answer === 'object' && 'error' in answer && answer.error)
      next?.reject(new Error(answer.error));
    else next?.resolve(answer);
  });
  proc.once('exit', (code) => {
    exited = new Error(`${script} exited with ${code}`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  const nextLine = () =>
    new Promise<unknown>((resolve, reject) => {
      if (exited) reject(exited);
      else waiting.push({ resolve, reject });
    });
  const ready = (await nextLine()) as Ready;
  return {
    ready,
    pid: proc.pid!,
    ask: <T>(command: Record<string, unknown>) => {
      const answer = nextLine() as Promise<T>;
      proc.stdin!.write(`${JSON.stringify(command)}\n`);
      return answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        proc.once('exit', () => resolve());
        proc.stdin!.end();
        // A child that does not leave on its own within 10 s is stopped.
        setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** Child side: prints `ready`, answers every command, and leaves when stdin closes. */
export function serveCommands(
  ready: unknown,
  handle: (command: Record<string, unknown>) => Promise<unknown>,
  onClose: () => Promise<void> = async () => undefined,
): void {
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const input = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  input.on('line', (line) => {
    queue = queue.then(async () => {
      try {
        process.stdout.write(`${JSON.stringify(await handle(JSON.parse(line)))}\n`);
      } catch (error) {
        process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
      }
    });
  });
  input.on('close', () => {
    void queue.then(onClose).then(() => process.exit(0));
  });
}

/** This process's CPU time (user + system) in microseconds. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export interface LoadSummary {
  cores: number;
  samples: number;
  /** One-minute load average. */
  min: number;
  median: number;
  max: number;
}

/** Samples the machine's one-minute load average while the bench runs. */
export function sampleLoadAverage(everyMs = 5_000): { stop: () => LoadSummary; cores: number } {
  const samples: number[] = [loadavg()[0]];
  const timer = setInterval(() => samples.push(loadavg()[0]), everyMs);
  timer.unref();
  const cores = cpus().length;
  return {
    cores,
    stop: () => {
      clearInterval(timer);
      samples.push(loadavg()[0]);
      return {
        cores,
        samples: samples.length,
        min: Math.min(...samples),
        median: median(samples),
        max: Math.max(...samples),
      };
    },
  };
}

/**
 * Instructions executed per lookup and per device card, counted by valgrind's callgrind on a short
 * fixed workload: a count, unlike a time, does not move when other work shares the machine.
 *   npx tsx scripts/bench-instructions.ts [--rounds 5]
 * Node runs under callgrind with --predictable (no background compiler threads, fixed seeds).
 * The workload marks each measured stretch with two system calls no other code here makes:
 * getegid() zeroes the counters (--zero-before) and getgroups() dumps them (--dump-before).
 * (`perf stat -e instructions` would be the light-weight way; the hardware counters are not
 * available on every machine, callgrind works everywhere.)
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceCard } from '../bot/cards/device-card';
import { deviceCardData } from '../bot/lookup-view';
import { viewOfInventory } from '../src/devices';
import { MemoryInventory } from '../src/inventory/memory-inventory';
import { syntheticDevices } from '../src/inventory/synthetic-devices';
import type { InventoryDevice } from '../src/inventory/types';
import { tsNodeArgs } from './bench-child';
import { BenchKind, buildLookups, PLAIN_KINDS } from './bench-inventory';

export type InstructionStep = BenchKind | 'deviceCard';

export interface BenchInstructionsResult {
  devices: number;
  lookupsPerRound: number;
  cardsPerRound: number;
  /** Instructions per lookup (per kind) and per device card, one value per round. */
  rounds: Partial<Record<InstructionStep, number[]>>;
}

const WORKLOAD = { devices: 2_000, lookups: 40, cards: 100 };
const WARM_UP_PASSES = 2;
// A fixed "now": the card's relative times, and so its text, are the same on every run.
const NOW = Date.parse('2026-03-02T10:00:00Z');

export function callgrindAvailable(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Workload side (under callgrind): warm-up once, then each step measured between the markers. */
async function workload(rounds: number): Promise<void> {
  const devices = syntheticDevices({ count: WORKLOAD.devices, seed: 42, syncGeneration: 1 });
  const inventory = new MemoryInventory();
  await inventory.upsertMany('bench-tenant', devices);
  const lookups = buildLookups(devices, WORKLOAD.lookups, 43);
  const cardDevices: InventoryDevice[] = devices.slice(0, WORKLOAD.cards);
  const steps: Array<[InstructionStep, () => Promise<unknown>]> = [
    ...PLAIN_KINDS.map((kind): [InstructionStep, () => Promise<unknown>] => [
      kind,
      async () => {
        for (const l of lookups[kind]) await inventory.search('bench-tenant', l.query, { filter: l.filter });
      },
    ]),
    [
      'deviceCard',
      async () => {
        for (const d of cardDevices) deviceCard(deviceCardData(viewOfInventory(d), [], NOW), { sandbox: true });
      },
    ],
  ];
  // Warm-up until the JIT has settled on its code for every step.
  for (let i = 0; i < WARM_UP_PASSES; i++) for (const [, run] of steps) await run();
  // The markers' own first calls compile their wrappers: made once here, that dump is left out.
  const [zero, dump] = [process.getegid!, process.getgroups!];
  zero();
  dump();
  const order: Array<InstructionStep | 'markers'> = ['markers'];
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of steps) {
      zero();
      await run();
      dump();
      order.push(name);
    }
  }
  process.stdout.write(`${JSON.stringify({ order })}\n`);
}

/** Instruction totals of the dumps made at the markers, in the order they were made. */
function readDumps(dir: string): number[] {
  const files = readdirSync(dir)
    .map((name) => ({ name, n: Number(name.split('.').pop()) }))
    .filter((f) => Number.isInteger(f.n) && f.n > 0)
    .sort((a, b) => a.n - b.n);
  const totals: number[] = [];
  for (const f of files) {
    const text = readFileSync(join(dir, f.name), 'utf8');
    if (!text.includes('Trigger: --dump-before=getgroups')) continue;
    totals.push(Number(/^(?:totals|summary): (\d+)/m.exec(text)![1]));
  }
  return totals;
}

export async function benchInstructions(options: { rounds: number }): Promise<BenchInstructionsResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-callgrind-'));
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const proc = spawn(
        'valgrind',
        [
          '--tool=callgrind',
          '--zero-before=getegid',
          '--dump-before=getgroups',
          `--callgrind-out-file=${join(dir, 'cg.out')}`,
          process.execPath,
          '--predictable',
          // A young generation large enough that scavenges seldom fall inside a measured stretch.
          '--min-semi-space-size=64',
          ...tsNodeArgs(),
          __filename,
          '--workload',
          // One more round than kept: the first measured round still sees the JIT at work.
          String(options.rounds + 1),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (c) => (stdout += c));
      proc.stderr.on('data', (c) => (stderr += c));
      proc.once('exit', (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`callgrind run failed (${code}): ${stderr.slice(-2000)}`)),
      );
    });
    const { order } = JSON.parse(out.trim().split('\n').pop()!) as { order: Array<InstructionStep | 'markers'> };
    const dumps = readDumps(dir);
    // getgroups() may call the C library more than once (size, then fill): each stretch is the sum of its dumps.
    if (dumps.length === 0 || dumps.length % order.length !== 0)
      throw new Error(`${dumps.length} callgrind dumps for ${order.length} measured stretches`);
    const per = dumps.length / order.length;
    const rounds: BenchInstructionsResult['rounds'] = {};
    order.forEach((step, i) => {
      if (step === 'markers') return;
      const count = dumps.slice(i * per, (i + 1) * per).reduce((a, b) => a + b, 0);
      const units = step === 'deviceCard' ? WORKLOAD.cards : WORKLOAD.lookups;
      (rounds[step] ??= []).push(count / units);
    });
    for (const step of Object.keys(rounds) as InstructionStep[]) rounds[step] = rounds[step]!.slice(1);
    return { devices: WORKLOAD.devices, lookupsPerRound: WORKLOAD.lookups, cardsPerRound: WORKLOAD.cards, rounds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--workload');
  const rounds = (flag: string) => Number(process.argv[process.argv.indexOf(flag) + 1]) || 5;
  const run =
    i > 0
      ? workload(rounds('--workload'))
      : benchInstructions({ rounds: rounds('--rounds') }).then((r) => console.log(JSON.stringify(r, null, 2)));
  run.catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

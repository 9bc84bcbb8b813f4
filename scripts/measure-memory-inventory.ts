/**
 * Live size of the memory inventory after a full load, apart from the garbage of page parsing:
 *   node --expose-gc --import tsx scripts/measure-memory-inventory.ts [--devices 100000]
 * Pages of 200 go through JSON as the Directory API's do (so every string is a fresh copy, as in a
 * sync), then through the sync's own mapping into the inventory. The load's CPU time is given
 * whole (parsing, mapping, writing) and for the inventory's writes alone.
 */
import { toChromeDevice } from '../src/directory';
import { fromChromeDevice, MemoryInventory } from '../src/inventory';
import { generateFleet } from '../src/sandbox/fleet';

const MB = 1048576;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

function snapshot(label: string): { rss: number; heap: number } {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`${label}: rss ${Math.round(rss / MB)} MB, heap used ${Math.round(heapUsed / MB)} MB`);
  return { rss, heap: heapUsed };
}

const cpuMicros = ({ user, system }: NodeJS.CpuUsage): number => user + system;

async function main(): Promise<void> {
  const i = process.argv.indexOf('--devices');
  const count = i > 0 ? Number(process.argv[i + 1]) : 100_000;
  const base = snapshot('before');
  const fleet = generateFleet({ seed: 7, size: count, domain: 'example.com', now: Date.UTC(2026, 10, 1) });
  // Each page as the wire carries it, made up front so the fleet itself can be dropped.
  const pages: string[] = [];
  for (let at = 0; at < fleet.length; at += 200) {
    pages.push(JSON.stringify(fleet.slice(at, at + 200).map((d) => ({ ...d, behaviour: undefined }))));
  }
  fleet.length = 0;
  const withPages = snapshot('pages as text');
  const inventory = new MemoryInventory();
  let peak = 0;
  let writing = 0;
  const started = process.cpuUsage();
  for (let p = 0; p < pages.length; p++) {
    const devices = (JSON.parse(pages[p]) as never[]).map((d) => fromChromeDevice(toChromeDevice(d), 1));
    const write = process.cpuUsage();
    await inventory.upsertMany('t', devices);
    writing += cpuMicros(process.cpuUsage(write));
    if (p % 50 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const cpu = cpuMicros(process.cpuUsage(started));
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `load: ${Math.round(cpu / 1000)} ms CPU (the inventory's writes ${(writing / count).toFixed(1)} µs per device), peak rss ${Math.round(peak / MB)} MB`,
  );
  pages.length = 0;
  await inventory.search('t', 'zzz-warm');
  const after = snapshot(`loaded ${await inventory.count('t')} devices`);
  console.log(
    `inventory live: rss +${Math.round((after.rss - base.rss) / MB)} MB, heap +${Math.round((after.heap - base.heap) / MB)} MB (pages text was ${Math.round((withPages.heap - base.heap) / MB)} MB)`,
  );
}

void main();

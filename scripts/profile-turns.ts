/**
 * Where a card turn's CPU time goes: Device Desk (state in Redis, Google in another process) is
 * warmed up, then CPU-profiled while the bench's load generator sends turns (8 at a time), and the
 * profile is summarised by package and by function (self and total time per turn).
 *   npx tsx scripts/profile-turns.ts [--turns 3000] [--text 'find {serial}'] [--out /tmp/find.cpuprofile]
 *   npx tsx scripts/profile-turns.ts --bot echo     the bench's bare echo bot, profiled the same way
 * The .cpuprofile opens in Chrome DevTools or speedscope.
 * See docs/performance.md.
 */
import { startChild } from './bench-child';
import type { TurnStats } from './bench-driver';
import { printProfileSummary } from './profile-summary';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const turns = Number(option('turns', '3000'));
  const text = option('text', 'find {serial}');
  const file = option('out', '/tmp/desk-turns.cpuprofile');
  const echo = option('bot', 'desk') === 'echo';
  const google = echo
    ? undefined
    : await startChild<Record<string, unknown>>('google-emulator.ts', ['--sandbox-fleet', '--until-stdin-closes']);
  const bot = await startChild<{ url: string }>(
    'bench-bot.ts',
    google ? ['desk', JSON.stringify(google.ready), option('redis', 'redis://127.0.0.1:6379')] : ['echo'],
  );
  const load = await startChild<{ serviceUrl: string }>('bench-load.ts');
  const drive = (n: number) =>
    load.ask<TurnStats>({ cmd: 'drive', url: bot.ready.url, text, turns: n, concurrency: 8 });
  await drive(Math.min(500, turns)); // warm-up: compiled code and filled caches, as in a long-running bot
  await bot.ask({ cmd: 'profile', start: true });
  const started = await bot.ask<{ cpuMicros: number }>({ cmd: 'usage' });
  const stats = await drive(turns);
  const ended = await bot.ask<{ cpuMicros: number }>({ cmd: 'usage' });
  await bot.ask({ cmd: 'profile', file });
  for (const child of [load, bot, google]) await child?.close();
  const cpuPerTurn = (ended.cpuMicros - started.cpuMicros) / turns / 1000;
  console.log(`"${text}": ${turns} turns at ${stats.perSecond.toFixed(0)}/s, CPU ${cpuPerTurn.toFixed(2)} ms per turn`);
  printProfileSummary(file, turns);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * Turns through /api/messages: the bare echo bot, Device Desk's `help` card turn and its device
 * card turn (`find <serial>`: an inventory lookup, a fresh read from Google, the card), each bot in
 * a process of its own, loaded from a third process, Google in a fourth. Rounds are interleaved
 * (echo, help, find, echo, help, find …) so that the machine's other work falls on all alike, and
 * the bot's CPU time per turn is read from the bot's own process around each round.
 */
import { BenchChild, startChild } from './bench-child';
import type { BotUsage } from './bench-bot';
import type { TurnStats } from './bench-driver';
import { interleave } from './bench-steadiness';

export type TurnBot = 'echo' | 'help' | 'find';

export interface TurnRound extends TurnStats {
  /** The bot process's CPU time (user + system) per turn, µs. */
  cpuMicrosPerTurn: number;
  rssMb: number;
}

export interface BenchTurnsResult {
  turnsPerRound: number;
  concurrency: number;
  storage: 'redis' | 'memory';
  rounds: Record<TurnBot, TurnRound[]>;
}

/**
 * Warm-up rounds, interleaved like the kept ones. A bot's CPU per turn keeps falling for its first
 * few thousand turns (V8 optimising the hot paths): 4.5 ms per turn in the echo bot's first
 * thousand, 1.6 ms by its fifth, steady after. A warm-up of one round left that slope in the kept
 * rounds. One long warm-up round per bot left each bot idle for the others' long rounds, and its
 * first kept round came out slow (the echo bot's at 1.1–1.7 ms against 0.7–0.8 ms for the rest).
 */
export const TURN_WARM_UP_ROUNDS = 6;

const TEXTS: Record<TurnBot, string> = { echo: 'hello {i}', help: 'help', find: 'find {serial}' };

export async function benchTurns(options: {
  rounds: number;
  turns: number;
  concurrency?: number;
  redisUrl?: string;
}): Promise<BenchTurnsResult> {
  const concurrency = options.concurrency ?? 8;
  const started: Array<BenchChild<unknown>> = [];
  const start = async <R>(script: string, args: string[]) => {
    const child = await startChild<R>(script, args);
    started.push(child);
    return child;
  };
  try {
    const google = await start<Record<string, unknown>>('google-emulator.ts', [
      '--sandbox-fleet',
      '--until-stdin-closes',
    ]);
    const echo = await start<{ url: string }>('bench-bot.ts', ['echo']);
    const desk = await start<{ url: string }>('bench-bot.ts', [
      'desk',
      JSON.stringify(google.ready),
      ...(options.redisUrl ? [options.redisUrl] : []),
    ]);
    const load = await start<{ serviceUrl: string }>('bench-load.ts', []);
    const round = async (bot: BenchChild<{ url: string }>, which: TurnBot): Promise<TurnRound> => {
      const before = await bot.ask<BotUsage>({ cmd: 'usage' });
      const stats = await load.ask<TurnStats>({
        cmd: 'drive',
        url: bot.ready.url,
        text: TEXTS[which],
        turns: options.turns,
        concurrency,
      });
      const after = await bot.ask<BotUsage>({ cmd: 'usage' });
      return { ...stats, cpuMicrosPerTurn: (after.cpuMicros - before.cpuMicros) / stats.turns, rssMb: after.rssMb };
    };
    const rounds = await interleave<TurnBot, TurnRound>(options.rounds, TURN_WARM_UP_ROUNDS, {
      echo: () => round(echo, 'echo'),
      help: () => round(desk, 'help'),
      find: () => round(desk, 'find'),
    });
    return {
      turnsPerRound: options.turns,
      concurrency,
      storage: options.redisUrl ? 'redis' : 'memory',
      rounds,
    };
  } finally {
    for (const child of started.reverse()) await child.close();
  }
}

if (require.main === module) {
  benchTurns({ rounds: 3, turns: 200, redisUrl: 'redis://127.0.0.1:6379' })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

/**
 * A bot under test in a process of its own, so that only its own work is on its CPU clock:
 *   bench-bot.ts echo                       the smallest botbuilder bot that answers every message
 *   bench-bot.ts desk <google-json> [redis-url]   Device Desk in the sandbox, reading Google from
 *                                           an emulator in another process, state in Redis
 * Prints {url} when it listens; answers {cmd:'usage'} with its CPU time and RSS, and
 * {cmd:'profile', start:true} / {cmd:'profile', file} by starting and saving a CPU profile
 * (so that start-up is not in it; see scripts/profile-turns.ts).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import restify from 'restify';
import Redis from 'ioredis';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext } from 'botbuilder';
import { loadConfig } from '../src/config';
import { startDeviceDesk } from '../src/index';
import { silentLogger } from '../src/log';
import type { GoogleEmulator } from '../src/sandbox/google';
import { deleteKeysByPrefix } from '../src/store/redis-keys';
import { cpuMicros, serveCommands } from './bench-child';

export interface BotUsage {
  cpuMicros: number;
  rssMb: number;
}

interface RunningUnderTest {
  url: string;
  stop(): Promise<void>;
}

async function echoBot(): Promise<RunningUnderTest> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res as never, async (ctx: TurnContext) => {
      await ctx.sendActivity(`echo: ${ctx.activity.text}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${server.address().port}/api/messages`, stop: async () => server.close() };
}

/** The Google emulator runs elsewhere: the bot only needs where it listens and its token. */
function remoteGoogle(google: { rootUrl: string; accessToken: string; customerId: string }): GoogleEmulator {
  return { ...google, close: async () => undefined } as unknown as GoogleEmulator;
}

async function deviceDesk(
  google: { rootUrl: string; accessToken: string; customerId: string },
  redisUrl?: string,
): Promise<RunningUnderTest> {
  const prefix = `bench:${randomUUID().slice(0, 8)}:`;
  const bot = await startDeviceDesk(
    // Limits out of reach: the bench measures the limiter's cost per turn, not its refusals.
    {
      ...loadConfig({
        SANDBOX: 'true',
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PERSON_PER_MINUTE: '100000000',
        RATE_LIMIT_TENANT_PER_MINUTE: '100000000',
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      }),
      port: 0,
    },
    { logger: silentLogger, google: remoteGoogle(google), redisPrefix: prefix },
  );
  return {
    url: `http://127.0.0.1:${bot.port}/api/messages`,
    stop: async () => {
      await bot.stop();
      if (!redisUrl) return;
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      await deleteKeysByPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

const inspector = new Session();

/** Starts the CPU profiler, or stops it and writes the .cpuprofile to `file`. */
async function profile(command: Record<string, unknown>): Promise<{ ok: true }> {
  if (command.start) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: Number(command.intervalMicros ?? 500) });
    await inspector.post('Profiler.start');
  } else {
    const { profile: taken } = await inspector.post('Profiler.stop');
    writeFileSync(String(command.file), JSON.stringify(taken));
    inspector.disconnect();
  }
  return { ok: true };
}

async function main(): Promise<void> {
  const [kind, google, redisUrl] = process.argv.slice(2);
  const bot = kind === 'echo' ? await echoBot() : await deviceDesk(JSON.parse(google), redisUrl);
  serveCommands(
    { url: bot.url },
    async (command) => {
      if (command.cmd === 'profile') return profile(command);
      if (command.cmd !== 'usage') throw new Error(`unknown command ${String(command.cmd)}`);
      const usage: BotUsage = { cpuMicros: cpuMicros(), rssMb: Math.round(process.memoryUsage().rss / 1048576) };
      return usage;
    },
    () => bot.stop(),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * End-to-end run: starts the bot and the Agents Playground, drives the Playground in headless
 * Chromium through the scenarios in ./scenarios, and ends with the line `N passed, N failed`.
 *
 *   npx tsx test/e2e/run-e2e.ts
 *
 * Environment:
 *   E2E_BOT=stand-in             use test/e2e/fixtures/stand-in-bot.ts instead of src/index.ts
 *   E2E_ONLY=<text>              run only scenarios whose name contains the text
 *   E2E_TIMEOUT_MS               whole run (default 900000)
 *   E2E_SCENARIO_TIMEOUT_MS      each scenario (default 90000)
 *   CHROMIUM_PATH                default /usr/bin/chromium
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readPlaygroundConfig } from '../../scripts/playground-config';
import { PlaygroundServer, PlaygroundSession } from './playground';
import { freePort, killNow, type ManagedProcess, startProcess, stopProcess, waitForHttp } from './processes';
import type { Scenario } from './scenario';
import { SCENARIOS } from './scenarios';

const REPO_ROOT = resolve(__dirname, '..', '..');

interface RunOptions {
  bot: 'real' | 'stand-in';
  only?: string;
  timeoutMs: number;
  scenarioTimeoutMs: number;
  chromiumPath: string;
}

function readOptions(env: NodeJS.ProcessEnv): RunOptions {
  const bot = env.E2E_BOT === 'stand-in' ? 'stand-in' : 'real';
  if (env.E2E_BOT && env.E2E_BOT !== 'stand-in' && env.E2E_BOT !== 'real') {
    throw new Error(`E2E_BOT must be "real" or "stand-in", not "${env.E2E_BOT}"`);
  }
  return {
    bot,
    only: env.E2E_ONLY || undefined,
    timeoutMs: Number(env.E2E_TIMEOUT_MS) || 900_000,
    scenarioTimeoutMs: Number(env.E2E_SCENARIO_TIMEOUT_MS) || 90_000,
    chromiumPath: env.CHROMIUM_PATH || '/usr/bin/chromium',
  };
}

function tail(path: string, lines = 25): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
  const started = Date.now();
  const opts = readOptions(process.env);
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const botEntry =
    opts.bot === 'real' ? join(REPO_ROOT, 'src', 'index.ts') : join(__dirname, 'fixtures', 'stand-in-bot.ts');
  if (!existsSync(botEntry)) {
    throw new Error(`${botEntry} does not exist yet; run the rig against its stand-in bot with E2E_BOT=stand-in`);
  }
  if (!existsSync(opts.chromiumPath)) {
    throw new Error(`no Chromium at ${opts.chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }

  const scenarios = SCENARIOS.filter((s) => !opts.only || s.name.includes(opts.only));
  const runDir = mkdtempSync(join(tmpdir(), 'device-desk-e2e-'));
  console.log(`e2e: bot=${opts.bot} scenarios=${scenarios.length} logs=${runDir}`);

  const processes: ManagedProcess[] = [];
  // Whatever happens, leave no bot or Playground behind.
  process.on('exit', () => processes.forEach(killNow));

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let server: PlaygroundServer | undefined;
  let session: PlaygroundSession | undefined;

  const globalTimer = setTimeout(() => {
    console.error(`e2e: whole run timed out after ${opts.timeoutMs} ms`);
    void session?.close();
    processes.forEach(killNow);
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, opts.timeoutMs);
  globalTimer.unref();

  try {
    const botPort = await freePort();
    const bot = startProcess('bot', tsx, [botEntry], {
      cwd: REPO_ROOT,
      // The Playground calls the bot without a token: the bot must run with anonymous auth.
      // The shortest confirmation time there is, so a scenario can watch one expire by itself.
      env: {
        ...process.env,
        PORT: String(botPort),
        MicrosoftAppId: '',
        MicrosoftAppPassword: '',
        CONFIRMATION_TTL_MINUTES: '1',
      },
      logFile: join(runDir, 'bot.log'),
    });
    processes.push(bot);
    try {
      await waitForHttp(`http://127.0.0.1:${botPort}/healthz`, { timeoutMs: 60_000, process: bot });
    } catch (err) {
      console.error(`bot log (${bot.logFile}):\n${tail(bot.logFile)}`);
      throw err;
    }
    console.log(`e2e: bot ready on ${botPort} after ${Date.now() - started} ms`);

    const baseConfig = readPlaygroundConfig(join(REPO_ROOT, '.m365agentsplayground.yml'));
    const common = {
      repoRoot: REPO_ROOT,
      runDir,
      botEndpoint: `http://127.0.0.1:${botPort}/api/messages`,
      baseConfig,
      chromiumPath: opts.chromiumPath,
    };
    server = new PlaygroundServer(common);
    await server.start();
    processes.push(server.process!);
    console.log(`e2e: Playground ready at ${server.url} after ${Date.now() - started} ms`);

    for (const scenario of scenarios) {
      if (scenario.standInOnly && opts.bot !== 'stand-in') {
        skipped++;
        console.log(`- skip ${scenario.name} (stand-in bot only)`);
        continue;
      }
      // Every scenario starts as the config's own currentUser.
      if (server.user !== baseConfig.currentUser.name) {
        await server.start();
      }
      const t0 = Date.now();
      session = new PlaygroundSession(server, {
        ...common,
        imagesDir: join(REPO_ROOT, 'docs', 'images'),
        defaultTimeoutMs: 15_000,
      });
      try {
        await withTimeout(runScenario(scenario, session), scenario.timeoutMs ?? opts.scenarioTimeoutMs, scenario.name);
        passed++;
        console.log(`✓ ${scenario.name} (${Date.now() - t0} ms)`);
      } catch (err) {
        failed++;
        const shot = join(runDir, `failed-${scenario.name.replace(/[^a-z0-9]+/gi, '-')}.png`);
        await session.failureShot(shot);
        console.log(`✗ ${scenario.name} (${Date.now() - t0} ms): ${err instanceof Error ? err.message : String(err)}`);
        console.log(`  screenshot: ${shot}\n  bot log tail:\n${tail(bot.logFile, 15).replace(/^/gm, '    ')}`);
      } finally {
        await session.close();
        session = undefined;
        // A switchUser restarts the Playground: track the new process for cleanup.
        if (server.process && !processes.includes(server.process)) processes.push(server.process);
      }
    }
  } catch (err) {
    failed++;
    console.error(`e2e: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await session?.close();
    await server?.stop();
    await Promise.all(processes.map((p) => stopProcess(p)));
    clearTimeout(globalTimer);
  }

  console.log(
    `e2e: finished in ${((Date.now() - started) / 1000).toFixed(1)} s${skipped ? `, ${skipped} skipped` : ''}`,
  );
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

async function runScenario(scenario: Scenario, session: PlaygroundSession): Promise<void> {
  await session.open();
  await scenario.run(session);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`e2e: ${signal}, stopping`);
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);

/**
 * `npm run playground -- --as megan`: starts the Agents Playground as one of the sandbox people.
 * The Playground takes its current user from `.m365agentsplayground.yml` and exits without a word
 * when two users share an id, so it starts from a copy in which the chosen person is the current
 * user (with a personal chat of their own), kept out of the repository like its log.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configAs, readPlaygroundConfig, writePlaygroundConfig } from './playground-config';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, '.localConfigs.playground');

function chosen(argv: string[]): string | undefined {
  const i = argv.indexOf('--as');
  return i >= 0 ? argv[i + 1] : undefined;
}

function main(): void {
  const base = readPlaygroundConfig(join(ROOT, '.m365agentsplayground.yml'));
  const who = chosen(process.argv.slice(2));
  const config = who ? configAs(base, who) : base;
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, `.m365agentsplayground.${config.currentUser.id}.yml`);
  writePlaygroundConfig(path, config);
  console.log(`Agents Playground as ${config.currentUser.name}: http://localhost:56150`);
  const bin = join(ROOT, 'node_modules', '.bin', 'agentsplayground');
  const child = spawn(bin, ['-e', 'http://127.0.0.1:3978/api/messages', '-c', 'msteams'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: path,
      // Its log would otherwise land in ./devTools/.
      M365_AGENTS_PLAYGROUND_LOGFILE: join(OUT, 'playground.log'),
    },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

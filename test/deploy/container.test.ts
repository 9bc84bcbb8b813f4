/**
 * The container files, checked without a Docker daemon (there is none here; .ci/run builds the
 * image where there is). dockerfilelint runs in `npm run lint`; these are the project's own rules.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { freePort } from '../e2e/processes';
import { startHarness } from '../support/harness';
import { NODE_FLAGS } from '../../scripts/bench-child';
import { parseDockerfile, type Stage } from './dockerfile';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const stages = parseDockerfile(join(ROOT, 'Dockerfile'));
const runtime = stages.at(-1)!;
const build = stages.find((s) => s.name === 'build')!;
const args = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, both on Node 20 slim', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of stages) expect(s.from).toMatch(/^node:20(\.\d+)*-(bookworm-)?slim$/);
  });

  it('compiles every folder tsc is told to, with the dev dependencies, in the build stage', () => {
    const include: string[] = JSON.parse(read('tsconfig.build.json')).include;
    const copied = args(build, 'COPY').join(' ');
    for (const entry of include) expect(copied).toContain(entry.split('/')[0]);
    expect(args(build, 'RUN')).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run build']));
  });

  it('keeps sources, tests and dev dependencies out of the runtime stage', () => {
    const runs = args(runtime, 'RUN').join(' && ');
    expect(runs).toMatch(/npm ci --omit=dev/);
    expect(runs).not.toMatch(/npm (i|install)\b/);
    expect(args(runtime, 'ADD')).toEqual([]);
    const copies = args(runtime, 'COPY');
    expect(copies).toEqual(['package.json package-lock.json ./', '--from=build /app/dist ./dist', 'config ./config']);
  });

  it('runs the compiled entry point as an unprivileged user', () => {
    const keywords = runtime.instructions.map((i) => i.keyword);
    const user = args(runtime, 'USER');
    expect(user).toEqual(['node']);
    expect(keywords.lastIndexOf('RUN')).toBeLessThan(keywords.indexOf('USER'));
    const cmd: string[] = JSON.parse(args(runtime, 'CMD')[0]);
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe(JSON.parse(read('package.json')).main);
    expect(JSON.parse(read('tsconfig.json')).compilerOptions.outDir).toBe('dist');
  });

  it('runs the bot with the same node flags wherever it is started, the bench included', () => {
    const cmd: string[] = JSON.parse(args(runtime, 'CMD')[0]);
    expect(cmd.slice(1, -1)).toEqual(NODE_FLAGS);
    const command = `node ${NODE_FLAGS.join(' ')} dist/src/index.js`;
    expect(JSON.parse(read('package.json')).scripts.start).toContain(command);
    expect(read('.ci/container')).toContain(`exec ${command}`);
    expect(NODE_FLAGS).toContain('--max-old-space-size=1024');
  });

  it('sets no secret in the image', () => {
    const env = args(runtime, 'ENV').join(' ') + args(build, 'ENV').join(' ');
    expect(env).not.toMatch(/PASSWORD|SECRET|KEY|TOKEN/i);
  });

  describe('HEALTHCHECK', () => {
    const healthcheck = args(runtime, 'HEALTHCHECK')[0] ?? '';
    const command: string[] = JSON.parse(healthcheck.replace(/^.*?CMD\s+/, ''));
    // Asynchronous: the bot under test answers from this very process.
    const probe = (port: number) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(command[0], command.slice(1), { env: { ...process.env, PORT: String(port) } });
        child.on('exit', (code) => resolve(code));
      });

    it('asks the liveness endpoint', () => {
      expect(command.join(' ')).toContain('/healthz');
    });

    it('passes against a running bot and fails when nothing answers', async () => {
      const bot = await startHarness();
      try {
        expect(await probe(bot.bot.port)).toBe(0);
      } finally {
        await bot.stop();
      }
      expect(await probe(await freePort())).toBe(1);
    }, 60_000);
  });

  it('leaves secrets and local builds out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'secrets', '**/node_modules', 'dist', '.git', 'env']));
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'));
  const { redis, bot } = compose.services;
  const sample = read('.env.sample');

  it('runs the bot from this Dockerfile after Redis is healthy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot', 'redis']);
    expect(bot.build).toBe('.');
    expect(bot.depends_on.redis.condition).toBe('service_healthy');
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(bot.restart).toBe('unless-stopped');
  });

  it('keeps Redis on disk with a password the bot also uses', () => {
    const command = (redis.command as string[]).join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--requirepass ${REDIS_PASSWORD:?');
    expect(redis.environment.REDISCLI_AUTH).toBe('${REDIS_PASSWORD}');
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(bot.environment.REDIS_URL).toBe('redis://:${REDIS_PASSWORD}@redis:6379');
  });

  it('hands the Google key over as a secret file that git never sees', () => {
    const [secret] = bot.secrets as string[];
    expect(bot.environment.GOOGLE_SERVICE_ACCOUNT_KEY_FILE).toBe(`/run/secrets/${secret}`);
    expect(compose.secrets[secret].file).toMatch(/^\.\/secrets\//);
    expect(read('.gitignore').split('\n')).toEqual(expect.arrayContaining(['secrets/', '.env']));
  });

  it('publishes the port the bot listens on, and sets only variables .env.sample documents', () => {
    expect(bot.ports).toEqual([`${bot.environment.PORT}:${bot.environment.PORT}`]);
    expect(bot.env_file).toBe('.env');
    for (const name of Object.keys(bot.environment)) expect(sample).toMatch(new RegExp(`^${name}=`, 'm'));
    // No literal secret: every value is plain config or comes from .env.
    for (const value of Object.values(bot.environment) as string[]) expect(value).not.toMatch(/:[^$/@]+@/);
  });
});

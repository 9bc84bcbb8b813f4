/**
 * docs/deploy.md, command by command: each shell command in it is either run here, or covered by
 * a named test or CI step, or needs an Azure / Microsoft 365 / Google sign-in that this machine
 * doesn't have (then the files it runs are checked by agents-toolkit.test.ts). A command added to
 * the guide without a line in COMMANDS fails this test.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAccessFile } from '../../src/access';
import { loadConfig } from '../../src/config';
import { freePort, startProcess, stopProcess, waitForHttp } from '../e2e/processes';
import { writeServiceAccountKey } from '../support/service-account-key';

const ROOT = join(__dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

type Coverage = { run: string } | { covered: string } | { needs: string };

/** Every command of the guide and where it is checked. */
const COMMANDS: Record<string, Coverage> = {
  'git clone <your fork of this repository> device-desk && cd device-desk': { covered: 'CI runs in a fresh clone' },
  'npm ci && npm test': { covered: '.ci/run' },
  'base64 -w0 device-desk-key.json': { run: 'below: the key comes back whole from one line' },
  'cp config/access.example.yaml config/access.yaml': { run: 'below: the example loads as a roles file' },
  'openssl rand -hex 32': { run: 'below: the bot accepts it as PIN_ENCRYPTION_KEY' },
  'cp env/.env.dev.user.sample env/.env.dev.user': { run: 'below: git ignores the copy' },
  'npx atk auth login azure': { needs: 'an Azure account' },
  'npx atk auth login m365': { needs: 'a Microsoft 365 account' },
  'npx atk provision --env dev': { needs: 'Azure and Microsoft 365 sign-ins (m365agents.yml: agents-toolkit.test.ts)' },
  'az login': { needs: 'an Azure account' },
  'npx atk deploy --env dev': { needs: 'Azure sign-ins (m365agents.yml, infra/: agents-toolkit.test.ts)' },
  'curl -fsS https://<BOT_DOMAIN from env/.env.dev>/healthz': {
    covered: 'container.test.ts runs the image HEALTHCHECK on /healthz; .ci/container',
  },
  'curl -fsS https://<BOT_DOMAIN from env/.env.dev>/readyz': {
    covered: 'test/operate/lifecycle.test.ts asks /readyz of a bot process, up and shutting down',
  },
  'npx tsx scripts/sandbox-emulators.ts': { covered: 'test/operate/scale-out-doc.test.ts runs it' },
  'SANDBOX_GOOGLE_URL=http://127.0.0.1:8444/ SANDBOX_GRAPH_URL=http://127.0.0.1:8445/v1.0 REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX=desk-try: PORT=3981 npm run dev':
    { covered: 'test/operate/scale-out-doc.test.ts runs it twice (free ports and its own key prefix)' },
  'curl -fsS http://127.0.0.1:3981/readyz': { covered: 'test/operate/scale-out-doc.test.ts' },
  'curl -fsS http://127.0.0.1:3978/readyz': { covered: 'test/operate/lifecycle.test.ts asks /readyz' },
  'npx atk publish --env dev': { needs: 'a Microsoft 365 sign-in (the app package: agents-toolkit.test.ts)' },
  'git pull': { covered: 'plain git' },
  "REDIS_URL='<redis-url>' REDIS_KEY_PREFIX=desk-dev: AUDIT_MAC_KEY='<audit-mac-key>' AUDIT_SIGNING_KEY='<audit-signing-key>' npm run audit:verify":
    {
      run: 'below, against the local Redis; audit-verify-script.test.ts covers a broken chain',
    },
  'cp .env.sample .env': { run: 'below: the copy starts a sandbox config and git ignores it' },
  'echo "REDIS_PASSWORD=$(openssl rand -hex 24)" >> .env': { run: 'below' },
  'mkdir -p secrets && cp device-desk-key.json secrets/google-service-account.json': {
    run: 'below: git ignores secrets/; compose.yaml mounts it (container.test.ts)',
  },
  'docker compose up -d --build': { covered: '.ci/container builds the image where Docker runs' },
  'devtunnel host -p 3978 --allow-anonymous': { needs: 'a dev tunnels account' },
  'npx atk provision --env local': { needs: 'a Microsoft 365 sign-in (m365agents.local.yml: agents-toolkit.test.ts)' },
  'npx atk deploy --env local': { run: 'below: the toolkit writes .localConfigs' },
  'npm run dev:local': { run: 'below: the bot starts from .localConfigs' },
  // Named inline in the text.
  'npx atk': { run: 'agents-toolkit.test.ts and the test below run it (a dev dependency)' },
  'npm test': { covered: '.ci/run' },
  'az acr build': { needs: 'an Azure account (infra/build-image.sh, run by atk deploy)' },
  'az containerapp logs show --name <AZURE_CONTAINER_APP_NAME> --resource-group <group> --follow': {
    needs: 'an Azure account',
  },
  'az redis export': { needs: 'an Azure account and a Premium cache' },
  'docker compose ps': { covered: '.ci/container (Docker only)' },
  'curl -fsS http://127.0.0.1:3978/healthz': { covered: 'container.test.ts runs the HEALTHCHECK command' },
  'npm run audit:verify': { run: 'below' },
};

/** Shell lines of ```sh blocks, and inline `…` spans that start with a command. */
function commandsInDoc(): string[] {
  const blocks = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n'));
  const inline = [...DOC.matchAll(/`((?:npx|npm|az|curl|docker|git|cp|openssl|base64|devtunnel) [^`]+)`/g)].map(
    (m) => m[1],
  );
  return [...new Set([...blocks, ...inline].map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean))];
}

describe('docs/deploy.md', () => {
  it('has a line in this test for every command it shows, and no stale ones', () => {
    const inDoc = commandsInDoc();
    expect(inDoc.filter((c) => !(c in COMMANDS))).toEqual([]);
    expect(Object.keys(COMMANDS).filter((c) => !inDoc.includes(c))).toEqual([]);
  });

  it('names the three Google scopes and the three Graph permissions the bot needs', () => {
    for (const scope of ['device.chromeos', 'user.readonly', 'orgunit.readonly'])
      expect(DOC).toContain(`https://www.googleapis.com/auth/admin.directory.${scope}`);
    for (const permission of [
      'DeviceManagementManagedDevices.Read.All',
      'DeviceManagementManagedDevices.PrivilegedOperations.All',
      'GroupMember.Read.All',
    ])
      expect(DOC).toContain(`\`${permission}\``);
  });

  it('links files that exist', () => {
    for (const [, target] of DOC.matchAll(/\]\((\.\.\/[^)#]+|[a-z-]+\.md)/g)) {
      expect(() => readFileSync(join(ROOT, 'docs', target))).not.toThrow();
    }
  });
});

describe('the guide’s commands, run here', () => {
  let dir: string;
  const sh = (command: string, cwd = dir) =>
    execFileSync('bash', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env } });
  const ignoredByGit = (path: string) => {
    try {
      execFileSync('git', ['check-ignore', '-q', path], { cwd: ROOT });
      return true;
    } catch {
      return false;
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'desk-doc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('base64 -w0 gives the Google key back whole, on one line', () => {
    const key = writeServiceAccountKey(dir);
    copyFileSync(key, join(dir, 'device-desk-key.json'));
    const encoded = sh('base64 -w0 device-desk-key.json');
    expect(encoded).not.toContain('\n');
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe(readFileSync(key, 'utf8'));
  });

  it('openssl rand -hex 32 makes a key the bot takes as PIN_ENCRYPTION_KEY', () => {
    const key = sh('openssl rand -hex 32').trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({ SANDBOX: 'true', PIN_ENCRYPTION_KEY: key }).intune.pinKey).toHaveLength(32);
  });

  it('the example roles file, copied, loads', async () => {
    mkdirSync(join(dir, 'config'));
    copyFileSync(join(ROOT, 'config', 'access.example.yaml'), join(dir, 'config', 'access.example.yaml'));
    sh('cp config/access.example.yaml config/access.yaml');
    const access = await loadAccessFile(join(dir, 'config', 'access.yaml'));
    expect(access.assignments.length).toBeGreaterThan(0);
    expect(ignoredByGit('config/access.yaml')).toBe(false);
  });

  it('the copies that hold secrets are ignored by git', () => {
    cpSync(join(ROOT, 'env'), join(dir, 'env'), { recursive: true });
    sh('cp env/.env.dev.user.sample env/.env.dev.user');
    expect(readFileSync(join(dir, 'env', '.env.dev.user'), 'utf8')).toMatch(/^SECRET_BOT_PASSWORD=$/m);
    for (const path of ['env/.env.dev.user', 'env/.env.prod.user', '.env', 'secrets/google-service-account.json'])
      expect({ path, ignored: ignoredByGit(path) }).toEqual({ path, ignored: true });
    for (const path of ['env/.env.dev', 'env/.env.dev.user.sample'])
      expect({ path, ignored: ignoredByGit(path) }).toEqual({ path, ignored: false });
  });

  it('the Docker Compose preparation gives a .env the bot reads and a secret file', () => {
    copyFileSync(join(ROOT, '.env.sample'), join(dir, '.env.sample'));
    writeServiceAccountKey(dir);
    copyFileSync(join(dir, 'service-account.json'), join(dir, 'device-desk-key.json'));
    sh('cp .env.sample .env');
    sh('echo "REDIS_PASSWORD=$(openssl rand -hex 24)" >> .env');
    sh('mkdir -p secrets && cp device-desk-key.json secrets/google-service-account.json');
    const env = Object.fromEntries(
      readFileSync(join(dir, '.env'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Za-z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env.REDIS_PASSWORD).toMatch(/^[0-9a-f]{48}$/);
    expect(loadConfig(env).sandbox).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'secrets', 'google-service-account.json'), 'utf8')).type).toBe(
      'service_account',
    );
  });

  it('npm run audit:verify checks the trail under REDIS_KEY_PREFIX with the audit keys', () => {
    const prefix = `test:doc-${Math.random().toString(36).slice(2, 8)}:`;
    const keys = `AUDIT_MAC_KEY=$(openssl rand -hex 32) AUDIT_SIGNING_KEY=$(openssl rand -hex 32)`;
    const out = sh(
      `REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX=${prefix} ${keys} npm run --silent audit:verify`,
      ROOT,
    );
    expect(out.trim()).toMatch(/^audit trail OK: 0 records verified/);
  }, 60_000);

  it('npx atk deploy --env local writes .localConfigs, and npm run dev:local starts the bot from it', async () => {
    for (const f of ['m365agents.yml', 'm365agents.local.yml', 'm365agents.playground.yml'])
      copyFileSync(join(ROOT, f), join(dir, f));
    cpSync(join(ROOT, 'env'), join(dir, 'env'), { recursive: true });
    // What provision would have written (it needs a Microsoft 365 sign-in).
    appendFileSync(
      join(dir, 'env', '.env.local'),
      'BOT_ID=6ba7b810-9dad-11d1-80b4-00c04fd430c8\nBOT_TENANT_ID=3f2504e0-4f89-41d3-9a0c-0305e82c3301\n',
    );
    writeFileSync(join(dir, 'env', '.env.local.user'), 'SECRET_BOT_PASSWORD=not-a-real-secret\n');
    const atk = spawn(bin('atk'), ['deploy', '--env', 'local', '--interactive', 'false', '--telemetry', 'false'], {
      cwd: dir,
      env: { ...process.env, HOME: dir, npm_config_update_notifier: 'false' },
    });
    expect(await new Promise((resolve) => atk.on('exit', resolve))).toBe(0);
    const localConfigs = readFileSync(join(dir, '.localConfigs'), 'utf8');
    expect(localConfigs).toMatch(/^MicrosoftAppId=6ba7b810-9dad-11d1-80b4-00c04fd430c8$/m);
    expect(localConfigs).toMatch(/^MicrosoftAppPassword=not-a-real-secret$/m);

    // npm run dev:local is this, reading .localConfigs from the project folder.
    const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['dev:local'];
    expect(script).toBe('tsx --env-file=.localConfigs src/index.ts');
    const port = await freePort();
    writeFileSync(join(dir, '.localConfigs'), localConfigs.replace(/^PORT=.*$/m, `PORT=${port}`));
    const bot = startProcess('bot', bin('tsx'), [`--env-file=${join(dir, '.localConfigs')}`, 'src/index.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      logFile: join(dir, 'bot.log'),
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 40_000, process: bot });
      // The app id is set: Teams requests must carry a token now.
      const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          text: 'help',
          channelId: 'msteams',
          serviceUrl: 'http://127.0.0.1:9/',
        }),
      });
      expect(res.status).toBe(401);
    } finally {
      await stopProcess(bot);
    }
  }, 120_000);
});

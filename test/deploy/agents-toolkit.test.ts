/**
 * The Microsoft 365 Agents Toolkit project, checked offline: the YAML files against the schema the
 * toolkit's CLI ships and against the list of actions this project knows (toolkit-actions.ts),
 * every ${{VARIABLE}} against what defines it, the Bicep parameters against the template, and the
 * app package with the CLI's own validation (`atk validate`).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { placeholderValues, renderManifest } from '../../scripts/package-app';
import { KNOWN_RESOURCE_TYPES } from './azure-resources';
import { KNOWN_ACTIONS, SCHEMA_VERSION, STEP_KEYS } from './toolkit-actions';

// @microsoft/app-manifest (under package-app) requires the ESM-only strip-bom, which jest's loader
// can't; only its file readers use it. Same stand-in as test/app-package/manifest.test.ts.
jest.mock('strip-bom', () => ({ __esModule: true, default: (s: string) => s.replace(/^\uFEFF/, '') }));

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const CLI = dirname(require.resolve('@microsoft/m365agentstoolkit-cli/package.json'));
const schemaOf = (version: string) =>
  JSON.parse(readFileSync(join(CLI, 'resource', 'yaml-schema', version, 'yaml.schema.json'), 'utf8'));

/** Each project file and the environment it serves (the toolkit picks the file by --env). */
const PROJECTS = [
  { file: 'm365agents.yml', env: 'dev' },
  { file: 'm365agents.local.yml', env: 'local' },
  { file: 'm365agents.playground.yml', env: 'playground' },
];
const STAGES = ['provision', 'deploy', 'publish'] as const;

type Step = { uses: string; with?: Record<string, any>; writeToEnvironmentFile?: Record<string, string> };
const stepsOf = (project: Record<string, any>): Step[] => STAGES.flatMap((s) => (project[s] ?? []) as Step[]);
const variablesIn = (text: string) => [...text.matchAll(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]);

/** Names a .env file assigns (KEY=...), commented lines aside. */
const assigned = (file: string) =>
  existsSync(join(ROOT, file)) ? [...read(file).matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]) : [];

/** The action → parameters map the schema itself gives, for every action a lifecycle may use. */
function actionsInSchema(schema: any): Record<string, { with: Set<string>; writes: Set<string> }> {
  const defs = schema.definitions;
  const resolve = (node: any): any => (node?.$ref ? defs[node.$ref.split('/').pop()] : node);
  const out: Record<string, { with: Set<string>; writes: Set<string> }> = {};
  const visit = (node: any) => {
    const def = resolve(node);
    for (const variant of def.oneOf ?? []) visit(variant);
    const bases = (def.allOf ?? []).map(resolve);
    const uses = [def, ...bases].map((d: any) => d?.properties?.uses?.const).find(Boolean);
    if (!uses) return;
    const entry = (out[uses] ??= { with: new Set(), writes: new Set() });
    for (const k of Object.keys(def.properties?.with?.properties ?? {})) entry.with.add(k);
    for (const k of Object.keys(def.properties?.writeToEnvironmentFile?.properties ?? {})) entry.writes.add(k);
  };
  for (const item of defs.lifeCycleArray.items.anyOf) visit(item);
  return out;
}

describe('the known-actions list', () => {
  it(`agrees with the toolkit's ${SCHEMA_VERSION} schema, action by action and parameter by parameter`, () => {
    const schema = actionsInSchema(schemaOf(SCHEMA_VERSION));
    for (const [action, known] of Object.entries(KNOWN_ACTIONS)) {
      expect(schema[action]).toBeDefined();
      expect([...schema[action].with].sort()).toEqual([...known.with].sort());
      expect([...schema[action].writes].sort()).toEqual([...known.writes].sort());
    }
  });
});

describe.each(PROJECTS)('$file', ({ file, env }) => {
  const text = read(file);
  const project = parse(text);
  const steps = stepsOf(project);

  it(`declares the schema version the list was taken from, and the env folder`, () => {
    expect(project.version).toBe(SCHEMA_VERSION);
    expect(text).toContain(`https://aka.ms/m365-agents-toolkits/${SCHEMA_VERSION}/yaml.schema.json`);
    expect(project.environmentFolderPath).toBe('./env');
    expect(steps.length).toBeGreaterThan(0);
  });

  it("is valid against the toolkit's own JSON schema", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schemaOf(project.version));
    validate(project);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('names only known actions, parameters and outputs', () => {
    const unknown: string[] = [];
    for (const step of steps) {
      const known = KNOWN_ACTIONS[step.uses];
      if (!known) unknown.push(`action ${step.uses}`);
      for (const key of Object.keys(step)) if (!STEP_KEYS.includes(key)) unknown.push(`${step.uses}: step key ${key}`);
      for (const key of Object.keys(step.with ?? {}))
        if (!known?.with.includes(key)) unknown.push(`${step.uses}: parameter ${key}`);
      for (const key of Object.keys(step.writeToEnvironmentFile ?? {}))
        if (!known?.writes.includes(key)) unknown.push(`${step.uses}: output ${key}`);
    }
    expect(unknown).toEqual([]);
  });

  it(`defines every variable it uses, for env ${env}`, () => {
    // What the environment files give, what steps write, what Bicep outputs and scripts set.
    const defined = new Set([...assigned(`env/.env.${env}`), ...assigned(`env/.env.${env}.user.sample`)]);
    const used = new Set(variablesIn(text));
    for (const step of steps) {
      Object.values(step.writeToEnvironmentFile ?? {}).forEach((v) => defined.add(v));
      for (const template of step.uses === 'arm/deploy' ? step.with!.templates : []) {
        const bicep = read(template.path);
        [...bicep.matchAll(/^output (\w+) /gm)].forEach((m) => defined.add(m[1]));
        variablesIn(read(template.parameters)).forEach((v) => used.add(v));
      }
      if (step.uses === 'script') {
        const script = read(step.with!.run.replace(/^bash \.\//, ''));
        [...script.matchAll(/::set-teamsfx-env (\w+)=/g)].forEach((m) => defined.add(m[1]));
      }
      for (const key of ['manifestPath'])
        if (step.with?.[key]) variablesIn(read(step.with[key])).forEach((v) => used.add(v));
    }
    expect([...used].filter((v) => !defined.has(v))).toEqual([]);
  });

  it('keeps secrets out of committed files: every SECRET_ value lives in a .user file', () => {
    for (const name of assigned(`env/.env.${env}`)) expect(name).not.toMatch(/^SECRET_/);
    for (const line of read(`env/.env.${env}`).split('\n')) expect(line).not.toMatch(/^SECRET_\w+=./);
    expect(read('.gitignore')).toMatch(/^env\/\.env\.\*\.user$/m);
  });
});

describe('infra/azure.bicep and its parameters', () => {
  const bicep = read('infra/azure.bicep');
  const parameters = JSON.parse(read('infra/azure.parameters.json')).parameters as Record<string, unknown>;
  const params = [...bicep.matchAll(/^param (\w+) (\w+)( = .*)?$/gm)].map((m) => ({ name: m[1], hasDefault: !!m[3] }));

  it('gives every parameter without a default, and only parameters the template has', () => {
    for (const p of params.filter((p) => !p.hasDefault)) expect(Object.keys(parameters)).toContain(p.name);
    for (const name of Object.keys(parameters)) expect(params.map((p) => p.name)).toContain(name);
  });

  it('uses only known resource types at known API versions', () => {
    const used = [...bicep.matchAll(/^resource \w+ '([^@']+)@([^']+)'/gm)].map((m) => `${m[1]}@${m[2]}`);
    expect(used.length).toBeGreaterThan(5);
    const known = Object.entries(KNOWN_RESOURCE_TYPES).map(([type, version]) => `${type}@${version}`);
    expect(used.filter((u) => !known.includes(u))).toEqual([]);
  });

  it('gives the container only settings the bot reads, secrets only as Key Vault references', () => {
    const sample = read('.env.sample');
    const settings = [...bicep.matchAll(/\{ name: '(\w+)', (value|secretRef): '?([^}]*?)'? \}/g)];
    expect(settings.length).toBeGreaterThan(10);
    const secretNames = [...bicep.matchAll(/^ {2}'([a-z-]+)': /gm)].map((m) => m[1]);
    for (const [, name, kind, value] of settings) {
      // AUDIT_* are the audit trail's keys (see .env.sample where they are described).
      if (!name.startsWith('AUDIT_'))
        expect({ name, documented: new RegExp(`^${name}=`, 'm').test(sample) }).toEqual({ name, documented: true });
      if (kind === 'secretRef') expect(secretNames).toContain(value);
      if (/PASSWORD|SECRET|_KEY$|REDIS_URL/.test(name)) expect({ name, kind }).toEqual({ name, kind: 'secretRef' });
    }
    // The one secret that must be a file: mounted from the same Key Vault secret.
    expect(bicep).toMatch(/secretRef: 'google-service-account', path: 'google-service-account'/);
    expect(bicep).toMatch(/'GOOGLE_SERVICE_ACCOUNT_KEY_FILE', value: '\/mnt\/secrets\/google-service-account'/);
  });

  it('marks every secret parameter @secure() and fills it only from SECRET_ variables', () => {
    const secure = [...bicep.matchAll(/@secure\(\)\n(?:@description\([^)]*\)\n)?param (\w+)/g)].map((m) => m[1]);
    expect(secure.sort()).toEqual(
      [
        'auditMacKey',
        'auditSigningKey',
        'botPassword',
        'googleServiceAccountKeyBase64',
        'graphClientSecret',
        'pinEncryptionKey',
      ].sort(),
    );
    for (const name of secure) expect(JSON.stringify(parameters[name])).toMatch(/"\$\{\{SECRET_[A-Z0-9_]+\}\}"/);
  });
});

describe('the app package, validated by the toolkit CLI (atk validate)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'desk-atk-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes the manifest as the toolkit's zipAppPackage would fill it, and runs `atk validate` on it. */
  function validate(tweak: (m: Record<string, any>) => void = () => undefined) {
    const manifest = renderManifest(
      read('appPackage/manifest.json'),
      placeholderValues({
        TEAMS_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
        BOT_ID: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
        BOT_DOMAIN: 'desk-app.contoso.azurecontainerapps.io',
      }),
    ) as Record<string, any>;
    tweak(manifest);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    for (const icon of ['color.png', 'outline.png']) copyFileSync(join(ROOT, 'appPackage', icon), join(dir, icon));
    const atk = join(ROOT, 'node_modules', '.bin', 'atk');
    const args = [
      'validate',
      '--manifest-file',
      join(dir, 'manifest.json'),
      '--interactive',
      'false',
      '--telemetry',
      'false',
    ];
    return new Promise<{ code: number | null; output: string }>((resolve) => {
      // HOME in the temp folder: the CLI keeps its settings and logs there, not in the user's.
      const child = spawn(atk, args, { cwd: dir, env: { ...process.env, HOME: dir } });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });
  }

  it('passes the schema and validation rules', async () => {
    const { code, output } = await validate();
    expect(output).toMatch(/All passed/);
    expect(code).toBe(0);
  }, 120_000);

  it('fails a manifest Teams would refuse (so the check above can fail)', async () => {
    const { code } = await validate((m) => {
      m.bots[0].scopes = ['nowhere'];
    });
    expect(code).not.toBe(0);
  }, 120_000);
});

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import AdmZip from 'adm-zip';
import { AppManifestUtils } from '@microsoft/app-manifest';
import {
  packageApp,
  placeholderValues,
  renderManifest,
  SANDBOX_BOT_ID,
  validateManifest,
} from '../../scripts/package-app';
import { SEARCH_DEVICES_COMMAND, SEARCH_DEVICES_PARAMETER } from '../../bot/message-extension';
import { decodePng } from './png';

// @microsoft/app-manifest requires strip-bom 5, which is ESM only: Node 20 loads it through
// require(esm) but jest's module loader can't. Only its file readers use it, not the validator.
jest.mock('strip-bom', () => ({ __esModule: true, default: (s: string) => s.replace(/^\uFEFF/, '') }));

const APP_DIR = join(__dirname, '..', '..', 'appPackage');
const TEMPLATE = readFileSync(join(APP_DIR, 'manifest.json'), 'utf8');
const BOT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const COMMANDS = ['help', 'find', 'my devices', 'whoami', 'connector status', 'connector sync', 'audit'];

type Json = Record<string, any>;

function render(env: Record<string, string | undefined> = { MicrosoftAppId: BOT_ID }): Json {
  return renderManifest(TEMPLATE, placeholderValues(env)) as Json;
}

/** Bundled Teams schema versions, e.g. [1, 30]; vDevPreview is not a release. */
function bundledTeamsVersions(): number[][] {
  const schemas = join(dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams');
  return readdirSync(schemas)
    .filter((d) => /^v\d+\.\d+$/.test(d))
    .map((d) => d.slice(1).split('.').map(Number))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('Teams manifest', () => {
  const realFetch = globalThis.fetch;
  let fetchCalls = 0;

  // Validation must use the schema shipped in the package: any network attempt fails the test.
  beforeAll(() => {
    globalThis.fetch = (async () => {
      fetchCalls++;
      throw new Error('network is off in this test');
    }) as typeof fetch;
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });
  afterEach(() => expect(fetchCalls).toBe(0));

  it('uses the newest schema the manifest package ships', () => {
    const newest = bundledTeamsVersions().at(-1)!.join('.');
    const manifest = render();
    expect(manifest.manifestVersion).toBe(newest);
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/en-us/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`,
    );
  });

  it('is valid against the bundled schema once the bot id is filled in', async () => {
    expect(await AppManifestUtils.validateAgainstSchema(render() as never)).toEqual([]);
  });

  it('reports schema violations (the validator is not a no-op)', async () => {
    const broken = render();
    delete broken.developer.privacyUrl;
    broken.composeExtensions[0].commands[0].title = 'x'.repeat(33);
    const errors = await validateManifest(broken);
    expect(errors.some((e) => e.includes('privacyUrl'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/composeExtensions/0/commands/0/title'))).toBe(true);
  });

  it('with the Playground bot id only the bot id pattern fails (it is not a GUID)', async () => {
    const manifest = render({});
    expect(manifest.bots[0].botId).toBe(SANDBOX_BOT_ID);
    const errors = await validateManifest(manifest);
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => /^\/(bots|composeExtensions)\/0\/botId must match pattern/.test(e))).toBe(true);
  });

  it('declares a bot in every scope, with files and the same command list per scope', () => {
    const bot = render().bots[0];
    expect(bot.botId).toBe(BOT_ID);
    expect(bot.supportsFiles).toBe(true);
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    const scopes = bot.commandLists.flatMap((l: Json) => l.scopes).sort();
    expect(scopes).toEqual(['groupChat', 'personal', 'team']);
    for (const list of bot.commandLists) {
      expect(list.commands.map((c: Json) => c.title)).toEqual(COMMANDS);
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect(c.description.length).toBeGreaterThan(0);
      }
    }
  });

  it('has a search message extension on the same bot', () => {
    const manifest = render();
    const ext = manifest.composeExtensions[0];
    expect(ext.botId).toBe(manifest.bots[0].botId);
    // The ids the bot answers to, so Teams' search reaches its handler.
    expect(ext.commands[0]).toMatchObject({ id: SEARCH_DEVICES_COMMAND, type: 'query', title: 'Find device' });
    expect(ext.commands[0].parameters.map((p: Json) => p.name)).toEqual([SEARCH_DEVICES_PARAMETER]);
  });

  it('fills placeholders safely and refuses unknown ones', () => {
    expect(render({ MicrosoftAppId: BOT_ID, BOT_DOMAIN: 'desk.example.com' }).validDomains).toEqual([
      'desk.example.com',
    ]);
    expect(render().validDomains).toEqual([]);
    expect(() => renderManifest('{"a":"${{NOPE}}"}', {})).toThrow(/NOPE/);
    expect(renderManifest('{"a":"${{X}}"}', { X: 'q"uote' })).toEqual({ a: 'q"uote' });
  });
});

describe('icons', () => {
  it('color.png is a 192×192 opaque full-colour image', () => {
    const png = decodePng(readFileSync(join(APP_DIR, 'color.png')));
    expect([png.width, png.height]).toEqual([192, 192]);
    const colours = new Set<number>();
    let seeThrough = 0;
    for (let i = 0; i < png.rgba!.length; i += 4) {
      if (png.rgba![i + 3] !== 255) seeThrough++;
      colours.add(png.rgba!.readUInt32BE(i));
    }
    expect(seeThrough).toBe(0);
    expect(colours.size).toBeGreaterThan(2);
  });

  it('outline.png is 32×32, white on transparent only', () => {
    const png = decodePng(readFileSync(join(APP_DIR, 'outline.png')));
    expect([png.width, png.height]).toEqual([32, 32]);
    let opaque = 0;
    let transparent = 0;
    for (let i = 0; i < png.rgba!.length; i += 4) {
      const [r, g, b, a] = png.rgba!.subarray(i, i + 4);
      if (a > 0) expect([r, g, b]).toEqual([255, 255, 255]);
      if (a === 255) opaque++;
      if (a === 0) transparent++;
    }
    // A glyph, not a filled square nor an empty canvas.
    expect(opaque).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan(400);
  });
});

describe('packageApp', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'device-desk-pkg-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a zip with the filled-in manifest and both icons at its root', async () => {
    const outFile = join(dir, 'nested', 'device-desk.zip');
    const result = await packageApp({ appPackageDir: APP_DIR, outFile, env: { MicrosoftAppId: BOT_ID } });
    expect(result.schemaErrors).toEqual([]);

    const zip = new AdmZip(outFile);
    expect(
      zip
        .getEntries()
        .map((e) => e.entryName)
        .sort(),
    ).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifestText = zip.readAsText('manifest.json');
    expect(manifestText).not.toContain('${{');
    const manifest = JSON.parse(manifestText);
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(manifest.composeExtensions[0].botId).toBe(BOT_ID);
    expect(zip.readFile('color.png')!.equals(readFileSync(join(APP_DIR, 'color.png')))).toBe(true);
    expect(zip.readFile('outline.png')!.equals(readFileSync(join(APP_DIR, 'outline.png')))).toBe(true);
    expect(decodePng(zip.readFile('outline.png')!).width).toBe(32);
  });

  it('falls back to the Playground bot id without MicrosoftAppId', async () => {
    const outFile = join(dir, 'sandbox.zip');
    const result = await packageApp({ appPackageDir: APP_DIR, outFile, env: { MicrosoftAppId: '  ' } });
    const manifest = JSON.parse(new AdmZip(outFile).readAsText('manifest.json'));
    expect(manifest.bots[0].botId).toBe(SANDBOX_BOT_ID);
    expect(result.schemaErrors).toHaveLength(2);
  });
});

/**
 * Builds the Teams app package: `npx tsx scripts/package-app.ts` (or `npm run package`) writes
 * dist/appPackage/device-desk.zip with manifest.json, color.png and outline.png at its root.
 * `${{NAME}}` placeholders in appPackage/manifest.json are filled from the environment.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import AdmZip from 'adm-zip';
import { AppManifestUtils } from '@microsoft/app-manifest';

/** The Agents Playground's bot id: the default when no MicrosoftAppId is set. */
export const SANDBOX_BOT_ID = '00000000-0000-0000-0000-00000000000011';

/** The Teams app id when TEAMS_APP_ID is not set (the Agents Toolkit's teamsApp/create sets it). */
export const DEFAULT_TEAMS_APP_ID = '8581939d-965f-4420-af22-e336496aeb26';

export const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png'] as const;

export interface PackageOptions {
  /** Folder holding manifest.json and the icons. */
  appPackageDir: string;
  /** Where the zip goes. */
  outFile: string;
  env: Record<string, string | undefined>;
}

export interface PackageResult {
  outFile: string;
  manifest: Record<string, unknown>;
  /** Schema findings for the filled-in manifest (bundled schema, no network); empty when valid. */
  schemaErrors: string[];
}

/**
 * Placeholder values: the app id, the bot id (MicrosoftAppId, or BOT_ID as the Agents Toolkit
 * names it; sandbox default) and, when given, the bot's public domain.
 */
export function placeholderValues(env: Record<string, string | undefined>): Record<string, string> {
  return {
    TEAMS_APP_ID: env.TEAMS_APP_ID?.trim() || DEFAULT_TEAMS_APP_ID,
    BOT_ID: env.MicrosoftAppId?.trim() || env.BOT_ID?.trim() || SANDBOX_BOT_ID,
    BOT_DOMAIN: env.BOT_DOMAIN?.trim() ?? '',
  };
}

/**
 * Fills `${{NAME}}` placeholders and parses the result. An unknown placeholder is an error, not
 * an empty string, so a typo can't ship. validDomains entries left empty are dropped: a bot-only
 * app needs none.
 */
export function renderManifest(template: string, values: Record<string, string>): Record<string, unknown> {
  const text = template.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`manifest placeholder \${{${name}}} has no value`);
    // JSON-escape without the surrounding quotes: the placeholder sits inside a string already.
    return JSON.stringify(values[name]).slice(1, -1);
  });
  const manifest = JSON.parse(text) as Record<string, unknown>;
  if (Array.isArray(manifest.validDomains)) {
    manifest.validDomains = manifest.validDomains.filter((d) => typeof d === 'string' && d !== '');
  }
  return manifest;
}

export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  // The $schema URL points at developer.microsoft.com; the package maps it to the copy it ships.
  return AppManifestUtils.validateAgainstSchema(manifest as never);
}

export async function packageApp(options: PackageOptions): Promise<PackageResult> {
  const template = readFileSync(join(options.appPackageDir, 'manifest.json'), 'utf8');
  const manifest = renderManifest(template, placeholderValues(options.env));
  const schemaErrors = await validateManifest(manifest);

  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'));
  for (const icon of PACKAGE_FILES.filter((f) => f !== 'manifest.json')) {
    zip.addFile(icon, readFileSync(join(options.appPackageDir, icon)));
  }
  mkdirSync(dirname(options.outFile), { recursive: true });
  zip.writeZip(options.outFile);
  return { outFile: options.outFile, manifest, schemaErrors };
}

async function main(): Promise<number> {
  const root = resolve(__dirname, '..');
  const result = await packageApp({
    appPackageDir: join(root, 'appPackage'),
    outFile: join(root, 'dist', 'appPackage', 'device-desk.zip'),
    env: process.env,
  });
  console.log(`wrote ${result.outFile}`);
  if (result.schemaErrors.length === 0) return 0;

  const botId = placeholderValues(process.env).BOT_ID;
  if (botId === SANDBOX_BOT_ID) {
    // The Playground's bot id is not a GUID, so Teams itself would refuse this package.
    console.warn(
      "note: built with the Playground bot id; set MicrosoftAppId to the bot's app id before uploading to Teams.",
    );
    for (const e of result.schemaErrors) console.warn(`  ${e}`);
    return 0;
  }
  console.error('manifest.json does not match the Teams schema:');
  for (const e of result.schemaErrors) console.error(`  ${e}`);
  return 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

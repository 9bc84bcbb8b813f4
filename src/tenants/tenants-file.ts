/**
 * The tenants file (TENANTS_CONFIG): the organisations one deployment serves besides its home
 * tenant, each with its own Google connection, its own Graph app and its own roles. Secrets stay
 * out of the file: it names the environment variable that holds each one.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$/i;

const tenantSchema = z
  .object({
    id: z.string().regex(GUID, 'must be the Entra tenant id (a GUID)'),
    name: z.string().trim().min(1).max(80),
    google: z
      .object({
        serviceAccountKeyFile: z.string().min(1),
        adminSubject: z.string().email('must be the email of a Google Workspace admin'),
        customerId: z.string().min(1).default('my_customer'),
      })
      .strict()
      .optional(),
    graph: z
      .object({
        clientId: z.string().regex(GUID, 'must be the app registration’s client id (a GUID)'),
        clientSecretEnv: z
          .string()
          .regex(/^[A-Z][A-Z0-9_]*$/, 'must name an environment variable, e.g. FABRIKAM_GRAPH_SECRET'),
      })
      .strict()
      .optional(),
    access: z.string().min(1).optional(),
  })
  .strict();

const fileSchema = z.object({ tenants: z.array(tenantSchema).min(1) }).strict();

export type TenantEntry = z.infer<typeof tenantSchema>;

/** Reads and checks the file; every problem is named with where it is and how to fix it. */
export async function loadTenantsFile(path: string): Promise<TenantEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigError([`TENANTS_CONFIG: can't read ${path}; give the path of a YAML or JSON tenants file`]);
  }
  return parseTenantsFile(text, path);
}

export function parseTenantsFile(text: string, name = 'tenants.yaml'): TenantEntry[] {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new ConfigError([`${name}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`]);
  }
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${name}: ${i.path.join('.') || 'the file'}: ${i.message}`));
  const ids = parsed.data.tenants.map((t) => t.id.toLowerCase());
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length) throw new ConfigError([`${name}: tenant ${twice[0]} is listed twice; one entry per tenant`]);
  return parsed.data.tenants;
}

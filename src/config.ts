import { z } from 'zod';
import { ConfigError } from './errors';

/** Settings of a running bot, read once at start from the environment. */
export interface Config {
  port: number;
  /** Interface to listen on: loopback only in sandbox mode, where Bot Framework auth is off. */
  host: string;
  sandbox: boolean;
  logLevel: string;
  bot: {
    appId: string;
    appPassword: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string;
  };
  allowedTenantIds: string[];
  redisUrl?: string;
  google: {
    serviceAccountKeyFile?: string;
    adminSubject?: string;
    customerId: string;
    apiRootUrl?: string;
  };
  graph: {
    tenantId?: string;
    clientId?: string;
    clientSecret?: string;
    baseUrl: string;
  };
  accessConfigPath?: string;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
const optionalUrl = (example: string) =>
  z.preprocess(blankToUndefined, z.string().url({ message: `must be a URL such as ${example}` }).optional());

const schema = z.object({
  PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: 'must be a port number such as 3978' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535')
      .default(3978),
  ),
  MicrosoftAppId: z.preprocess(blankToUndefined, z.string().trim().default('')),
  MicrosoftAppPassword: z.preprocess(blankToUndefined, z.string().default('')),
  MicrosoftAppType: z.preprocess(
    blankToUndefined,
    z
      .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
        errorMap: () => ({ message: 'must be MultiTenant, SingleTenant or UserAssignedMSI' }),
      })
      .default('MultiTenant'),
  ),
  MicrosoftAppTenantId: z.preprocess(blankToUndefined, z.string().trim().default('')),
  ALLOWED_TENANT_IDS: z.preprocess(blankToUndefined, z.string().default('')),
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\/.+/, 'must be a Redis URL such as redis://127.0.0.1:6379')
      .optional(),
  ),
  GOOGLE_SERVICE_ACCOUNT_KEY_FILE: optionalString,
  GOOGLE_ADMIN_SUBJECT: z.preprocess(
    blankToUndefined,
    z.string().email('must be the email of a Google Workspace admin to act as, such as admin@contoso.com').optional(),
  ),
  GOOGLE_CUSTOMER_ID: z.preprocess(blankToUndefined, z.string().trim().default('my_customer')),
  GOOGLE_API_ROOT_URL: optionalUrl('https://admin.googleapis.com/'),
  GRAPH_TENANT_ID: optionalString,
  GRAPH_CLIENT_ID: optionalString,
  GRAPH_CLIENT_SECRET: optionalString,
  GRAPH_BASE_URL: z.preprocess(
    blankToUndefined,
    z.string().url({ message: 'must be a URL such as https://graph.microsoft.com/v1.0' }).default('https://graph.microsoft.com/v1.0'),
  ),
  ACCESS_CONFIG: optionalString,
  SANDBOX: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        errorMap: () => ({ message: 'must be true or false' }),
      })
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        errorMap: () => ({ message: 'must be one of fatal, error, warn, info, debug, trace, silent' }),
      })
      .default('info'),
  ),
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$/i;

/**
 * Reads and checks the environment. Pure: the same env gives the same config, and every problem
 * is reported at once, each naming the variable and how to fix it.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message} (see .env.sample)`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];

  const hasGoogleCredentials = Boolean(e.GOOGLE_SERVICE_ACCOUNT_KEY_FILE);
  const sandbox = e.SANDBOX === undefined ? !hasGoogleCredentials : ['true', '1', 'yes', 'on'].includes(e.SANDBOX);

  if (!sandbox) {
    if (!hasGoogleCredentials) {
      problems.push(
        'GOOGLE_SERVICE_ACCOUNT_KEY_FILE is required outside sandbox mode: set it to the path of the service account JSON key, or set SANDBOX=true to run against the built-in emulators',
      );
    }
    if (!e.GOOGLE_ADMIN_SUBJECT) {
      problems.push('GOOGLE_ADMIN_SUBJECT is required outside sandbox mode: set it to the email of the Google Workspace admin the service account acts as (domain-wide delegation)');
    }
    if (!e.MicrosoftAppId) {
      problems.push('MicrosoftAppId is required outside sandbox mode: set it to the Azure Bot registration\'s app id (without it anyone could call the bot)');
    } else if (e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
      problems.push('MicrosoftAppPassword is required with MicrosoftAppId: set it to the app registration\'s client secret');
    }
  }
  if (e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId) {
    problems.push('MicrosoftAppTenantId is required when MicrosoftAppType=SingleTenant: set it to your Entra tenant id');
  }
  if (e.MicrosoftAppId && !GUID.test(e.MicrosoftAppId)) {
    problems.push('MicrosoftAppId must be a GUID such as 00000000-0000-0000-0000-000000000000');
  }
  const graphParts = [e.GRAPH_TENANT_ID, e.GRAPH_CLIENT_ID, e.GRAPH_CLIENT_SECRET];
  if (graphParts.some(Boolean) && !graphParts.every(Boolean)) {
    problems.push('GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET go together: set all three (an app registration with DeviceManagementManagedDevices.PrivilegedOperations.All and GroupMember.Read.All) or none');
  }
  const allowedTenantIds = e.ALLOWED_TENANT_IDS.split(/[\s,]+/).filter(Boolean);
  for (const id of allowedTenantIds) {
    if (!GUID.test(id)) problems.push(`ALLOWED_TENANT_IDS contains "${id}", which is not a tenant id (GUID); separate ids with commas`);
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: sandbox ? '127.0.0.1' : '0.0.0.0',
    sandbox,
    logLevel: e.LOG_LEVEL,
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
    },
    allowedTenantIds,
    redisUrl: e.REDIS_URL,
    google: {
      serviceAccountKeyFile: e.GOOGLE_SERVICE_ACCOUNT_KEY_FILE,
      adminSubject: e.GOOGLE_ADMIN_SUBJECT,
      customerId: e.GOOGLE_CUSTOMER_ID,
      apiRootUrl: e.GOOGLE_API_ROOT_URL,
    },
    graph: {
      tenantId: e.GRAPH_TENANT_ID,
      clientId: e.GRAPH_CLIENT_ID,
      clientSecret: e.GRAPH_CLIENT_SECRET,
      baseUrl: e.GRAPH_BASE_URL,
    },
    accessConfigPath: e.ACCESS_CONFIG,
  };
}

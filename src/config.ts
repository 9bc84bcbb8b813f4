import { z } from 'zod';
import { parsePinKey } from './actions';
import { ConfigError } from './errors';

/** Sandbox only: a fixed, public key, so that the emulator's PINs survive a restart with Redis. */
const SANDBOX_PIN_KEY = Buffer.from('device-desk-sandbox-pin-key-0001', 'utf8');

/** Settings of a running bot, read once at start from the environment. */
export interface Config {
  port: number;
  /** Interface to listen on: loopback only in sandbox mode, where Bot Framework auth is off. */
  host: string;
  sandbox: boolean;
  /** Sandbox only: Graph application permissions the emulated app registration lacks, to show the refusal. */
  sandboxGraphWithoutPermissions: string[];
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
  intune: {
    /** AES-256 key of the Mac recovery PINs kept at rest. */
    pinKey?: Buffer;
    /** The key is the sandbox's fixed development key: fine for the emulator, never for real PINs. */
    pinKeyIsDevKey: boolean;
  };
  lost: {
    /** Minutes a lost-device report may stay unacknowledged before on-call is paged; unset: the roster's, else 15. */
    escalationMinutes?: number;
    /** The on-call roster file (YAML); sandbox default config/oncall.sandbox.yaml. */
    rosterPath?: string;
    /** End users may put their own devices in lost mode themselves. */
    selfService: boolean;
  };
  bulk: {
    /** Devices one run may act on, for roles without their own limit. */
    maxDevices: number;
    /** Per-role limits (role name → devices), from BULK_ROLE_LIMITS. */
    roleLimits: Record<string, number>;
    /** Runs on more devices than this need a second person's approval (factory reset always does). */
    approvalThreshold: number;
    approvalTtlMinutes: number;
  };
  actions: {
    /** Non-destructive actions (lost mode, restart, lock) run without a confirmation card. */
    skipConfirmation: boolean;
    confirmationTtlMinutes: number;
    /** First wait between status polls of a command, in seconds (it grows up to 5 minutes). */
    pollSeconds: number;
    /** Lowest ChromeOS milestone on which Google restarts a regular (non-kiosk) device. */
    rebootMinMilestone: number;
  };
  /** Google Directory API queries per minute the bot may use, shared by every instance. */
  googleQuotaPerMinute: number;
  /** The bot's public base URL, for download links in cards (sandbox: its loopback address). */
  publicUrl?: string;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
const optionalUrl = (example: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .url({ message: `must be a URL such as ${example}` })
      .optional(),
  );

const positiveInt = (example: string) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: `must be a whole number such as ${example}` })
      .int(`must be a whole number such as ${example}`)
      .min(1, `must be at least 1, such as ${example}`)
      .default(Number(example)),
  );

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
    z
      .string()
      .url({ message: 'must be a URL such as https://graph.microsoft.com/v1.0' })
      .default('https://graph.microsoft.com/v1.0'),
  ),
  ACCESS_CONFIG: optionalString,
  PIN_ENCRYPTION_KEY: optionalString,
  ONCALL_ESCALATION_MINUTES: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: 'must be a number of minutes such as 15' })
      .positive('must be more than 0 minutes, such as 15')
      .max(10080, 'must be at most 10080 minutes (a week)')
      .optional(),
  ),
  ONCALL_ROSTER: optionalString,
  LOST_SELF_SERVICE: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        errorMap: () => ({ message: 'must be true or false' }),
      })
      .default('false'),
  ),
  BULK_MAX_DEVICES: positiveInt('100'),
  BULK_ROLE_LIMITS: z.preprocess(blankToUndefined, z.string().default('')),
  BULK_APPROVAL_THRESHOLD: positiveInt('25'),
  BULK_APPROVAL_TTL_MINUTES: positiveInt('60'),
  GOOGLE_QUOTA_PER_MINUTE: positiveInt('2400'),
  ACTIONS_SKIP_CONFIRMATION: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        errorMap: () => ({ message: 'must be true or false' }),
      })
      .default('false'),
  ),
  CONFIRMATION_TTL_MINUTES: positiveInt('5'),
  ACTION_POLL_SECONDS: positiveInt('5'),
  REBOOT_MIN_MILESTONE: positiveInt('113'),
  PUBLIC_URL: optionalUrl('https://desk.contoso.com'),
  SANDBOX: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        errorMap: () => ({ message: 'must be true or false' }),
      })
      .optional(),
  ),
  SANDBOX_GRAPH_WITHOUT_PERMISSIONS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\s*[A-Za-z]+(\.[A-Za-z]+)+\s*(,\s*[A-Za-z]+(\.[A-Za-z]+)+\s*)*$/, {
        message:
          'must list Graph permission names separated by commas, such as DeviceManagementManagedDevices.Read.All',
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
      problems.push(
        'GOOGLE_ADMIN_SUBJECT is required outside sandbox mode: set it to the email of the Google Workspace admin the service account acts as (domain-wide delegation)',
      );
    }
    if (!e.MicrosoftAppId) {
      problems.push(
        "MicrosoftAppId is required outside sandbox mode: set it to the Azure Bot registration's app id (without it anyone could call the bot)",
      );
    } else if (e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
      problems.push(
        "MicrosoftAppPassword is required with MicrosoftAppId: set it to the app registration's client secret",
      );
    }
  }
  if (e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId) {
    problems.push(
      'MicrosoftAppTenantId is required when MicrosoftAppType=SingleTenant: set it to your Entra tenant id',
    );
  }
  if (e.MicrosoftAppId && !GUID.test(e.MicrosoftAppId)) {
    problems.push('MicrosoftAppId must be a GUID such as 00000000-0000-0000-0000-000000000000');
  }
  const graphParts = [e.GRAPH_TENANT_ID, e.GRAPH_CLIENT_ID, e.GRAPH_CLIENT_SECRET];
  if (graphParts.some(Boolean) && !graphParts.every(Boolean)) {
    problems.push(
      'GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET go together: set all three (an app registration with DeviceManagementManagedDevices.PrivilegedOperations.All and GroupMember.Read.All) or none',
    );
  }
  const allowedTenantIds = e.ALLOWED_TENANT_IDS.split(/[\s,]+/).filter(Boolean);
  for (const id of allowedTenantIds) {
    if (!GUID.test(id))
      problems.push(`ALLOWED_TENANT_IDS contains "${id}", which is not a tenant id (GUID); separate ids with commas`);
  }
  const roleLimits: Record<string, number> = {};
  for (const part of e.BULK_ROLE_LIMITS.split(/[;,]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(.+?)\s*=\s*(\d+)$/.exec(part);
    if (!m || Number(m[2]) < 1)
      problems.push(
        `BULK_ROLE_LIMITS has "${part}": write role=devices pairs separated by semicolons, such as "Help Desk Operator=200; Intune Administrator=1000"`,
      );
    else roleLimits[m[1]] = Number(m[2]);
  }
  let pinKey = parsePinKey(e.PIN_ENCRYPTION_KEY);
  let pinKeyIsDevKey = false;
  if (e.PIN_ENCRYPTION_KEY && !pinKey) {
    problems.push(
      'PIN_ENCRYPTION_KEY must be 32 random bytes written as 64 hex digits or base64: generate one with `openssl rand -hex 32` and keep it in your secret store',
    );
  } else if (!pinKey && sandbox) {
    pinKey = SANDBOX_PIN_KEY;
    pinKeyIsDevKey = true;
  } else if (!pinKey && graphParts.every(Boolean)) {
    problems.push(
      'PIN_ENCRYPTION_KEY is required with GRAPH_* outside sandbox mode (Mac remote-lock PINs are kept encrypted with it): generate one with `openssl rand -hex 32`, keep it in your secret store and give every instance the same one',
    );
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: sandbox ? '127.0.0.1' : '0.0.0.0',
    sandbox,
    sandboxGraphWithoutPermissions: (e.SANDBOX_GRAPH_WITHOUT_PERMISSIONS ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
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
    intune: { pinKey, pinKeyIsDevKey },
    lost: {
      escalationMinutes: e.ONCALL_ESCALATION_MINUTES,
      rosterPath: e.ONCALL_ROSTER,
      selfService: ['true', '1', 'yes', 'on'].includes(e.LOST_SELF_SERVICE),
    },
    bulk: {
      maxDevices: e.BULK_MAX_DEVICES,
      roleLimits,
      approvalThreshold: e.BULK_APPROVAL_THRESHOLD,
      approvalTtlMinutes: e.BULK_APPROVAL_TTL_MINUTES,
    },
    actions: {
      skipConfirmation: ['true', '1', 'yes', 'on'].includes(e.ACTIONS_SKIP_CONFIRMATION),
      confirmationTtlMinutes: e.CONFIRMATION_TTL_MINUTES,
      pollSeconds: e.ACTION_POLL_SECONDS,
      rebootMinMilestone: e.REBOOT_MIN_MILESTONE,
    },
    googleQuotaPerMinute: e.GOOGLE_QUOTA_PER_MINUTE,
    publicUrl: e.PUBLIC_URL,
  };
}

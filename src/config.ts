import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { parsePinKey } from './actions';
import { parseSigningKey, SANDBOX_AUDIT_MAC_KEY, SANDBOX_AUDIT_SIGNING_SEED, signingKeyFromSeed } from './audit';
import { ConfigError } from './errors';
import { MAKE_A_KEY, parseKey32, weakKeyReason } from './secret-key';

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
  /**
   * Sandbox only: emulators already running elsewhere, shared by several sandbox instances on one
   * Redis (the Google emulator's root URL, the Graph emulator's base URL); unset: each starts its own.
   */
  sandboxEmulators: { googleUrl?: string; graphUrl?: string };
  logLevel: string;
  bot: {
    appId: string;
    appPassword: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string;
  };
  allowedTenantIds: string[];
  /** The tenant GOOGLE_* and GRAPH_* belong to: MicrosoftAppTenantId, or GRAPH_TENANT_ID for a multi-tenant bot. */
  homeTenantId?: string;
  /** TENANTS_CONFIG: further tenants, each with its own Google connection, Graph app and roles. */
  tenantsFile?: string;
  redisUrl?: string;
  /** Prefix of every Redis key (default desk:), so one Redis can serve staging and production. */
  redisPrefix: string;
  /** CA certificate (PEM) of a rediss:// server whose certificate no public CA signed. */
  redisTlsCaFile?: string;
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
  /** The Chrome Enterprise connection's syncs. */
  connector: {
    /** Minutes between periodic syncs, each reading only devices changed since the last. */
    syncMinutes: number;
    /** Minutes between full reconciliations, which also drop devices removed from Google. */
    reconcileMinutes: number;
    /** Minutes an incremental sync reaches back before the last sync's start, for clock skew. */
    syncOverlapMinutes: number;
  };
  /** The bot's public base URL, for download links in cards (sandbox: its loopback address). */
  publicUrl?: string;
  /** Production without REDIS_URL only with ALLOW_MEMORY_STATE=true: state is lost on restart. */
  allowMemoryState: boolean;
  audit: {
    /** HMAC key of the record chain (AUDIT_MAC_KEY). */
    macKey: Buffer;
    /** Ed25519 key that signs checkpoints of the chain's head (AUDIT_SIGNING_KEY). */
    signingKey: KeyObject;
    /** One of the keys is the sandbox's public development key (sandbox mode only). */
    keysAreDevKeys: boolean;
    /** Append-only file of signed checkpoints; unset: the log only. */
    checkpointFile?: string;
    checkpointEveryRecords: number;
    checkpointMinutes: number;
  };
  /** Where /metrics is served: its own loopback port, else the main port; behind a bearer token when set. */
  metrics: { port?: number; token?: string };
  /** Turns and card verbs a person, and a whole tenant, may send per minute. */
  rateLimit: { personPerMinute: number; tenantPerMinute: number };
  /** OpenTelemetry traces over OTLP/HTTP; absent (off) unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing?: { endpoint: string; serviceName: string; headers: Record<string, string> };
}

/** Prometheus exporters' customary port; production serves /metrics there on loopback by default. */
export const DEFAULT_METRICS_PORT = 9464;

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
  TENANTS_CONFIG: z.preprocess(blankToUndefined, z.string().optional()),
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\/.+/, 'must be a Redis URL such as redis://127.0.0.1:6379')
      .optional(),
  ),
  REDIS_KEY_PREFIX: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be letters, digits and _ . : - (up to 64), such as desk-staging:')
      .default('desk:'),
  ),
  REDIS_TLS_CA_FILE: optionalString,
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
  CONNECTOR_SYNC_MINUTES: positiveInt('15'),
  CONNECTOR_RECONCILE_MINUTES: positiveInt('360'),
  CONNECTOR_SYNC_OVERLAP_MINUTES: positiveInt('10'),
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
  ALLOW_MEMORY_STATE: z.preprocess(
    blankToUndefined,
    z.enum(['true', 'false'], { errorMap: () => ({ message: 'must be true or false' }) }).default('false'),
  ),
  AUDIT_MAC_KEY: optionalString,
  AUDIT_SIGNING_KEY: optionalString,
  AUDIT_CHECKPOINT_FILE: optionalString,
  AUDIT_CHECKPOINT_EVERY: positiveInt('100'),
  AUDIT_CHECKPOINT_MINUTES: positiveInt('5'),
  METRICS_PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: 'must be a port number such as 9464' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535')
      .optional(),
  ),
  METRICS_TOKEN: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl('http://otel-collector:4318'),
  OTEL_EXPORTER_OTLP_HEADERS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, {
        message: 'must list headers as name=value pairs separated by commas, such as api-key=abc123',
      })
      .optional(),
  ),
  OTEL_SERVICE_NAME: optionalString,
  OTEL_SDK_DISABLED: optionalString,
  RATE_LIMIT_PERSON_PER_MINUTE: positiveInt('30'),
  RATE_LIMIT_TENANT_PER_MINUTE: positiveInt('600'),
  SANDBOX: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        errorMap: () => ({ message: 'must be true or false' }),
      })
      .optional(),
  ),
  SANDBOX_GOOGLE_URL: optionalUrl('http://127.0.0.1:8444/'),
  SANDBOX_GRAPH_URL: optionalUrl('http://127.0.0.1:8445/v1.0'),
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
  const sandbox = e.SANDBOX === undefined ? !e.GOOGLE_SERVICE_ACCOUNT_KEY_FILE : isOn(e.SANDBOX);

  if (!sandbox) checkProductionCredentials(e, problems);
  checkBotRegistration(e, problems);
  checkConnections(e, sandbox, problems);
  const allowedTenantIds = readAllowedTenants(e, problems);
  const roleLimits = readRoleLimits(e, problems);
  const pin = readPinKey(e, sandbox, problems);
  const audit = readAuditKeys(e, sandbox, problems);
  if (pin.key && !pin.isDevKey && [audit?.macKey, audit?.seed].some((k) => k?.equals(pin.key!)))
    problems.push('PIN_ENCRYPTION_KEY, AUDIT_MAC_KEY and AUDIT_SIGNING_KEY must be three different keys');
  const metrics = readMetrics(e, sandbox, problems);
  if (problems.length || !audit) throw new ConfigError(problems);
  return configOf(e, { sandbox, allowedTenantIds, roleLimits, pin, audit, metrics });
}

const isOn = (value: string) => ['true', '1', 'yes', 'on'].includes(value);

/** Outside the sandbox the bot talks to real Google and real Teams: their credentials must be there. */
function checkProductionCredentials(e: Env, problems: string[]): void {
  if (!e.GOOGLE_SERVICE_ACCOUNT_KEY_FILE)
    problems.push(
      'GOOGLE_SERVICE_ACCOUNT_KEY_FILE is required outside sandbox mode: set it to the path of the service account JSON key, or set SANDBOX=true to run against the built-in emulators',
    );
  if (!e.GOOGLE_ADMIN_SUBJECT)
    problems.push(
      'GOOGLE_ADMIN_SUBJECT is required outside sandbox mode: set it to the email of the Google Workspace admin the service account acts as (domain-wide delegation)',
    );
  if (!e.MicrosoftAppId)
    problems.push(
      "MicrosoftAppId is required outside sandbox mode: set it to the Azure Bot registration's app id (without it anyone could call the bot)",
    );
  else if (e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword)
    problems.push(
      "MicrosoftAppPassword is required with MicrosoftAppId: set it to the app registration's client secret",
    );
}

function checkBotRegistration(e: Env, problems: string[]): void {
  if (e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId)
    problems.push(
      'MicrosoftAppTenantId is required when MicrosoftAppType=SingleTenant: set it to your Entra tenant id',
    );
  if (e.MicrosoftAppId && !GUID.test(e.MicrosoftAppId))
    problems.push('MicrosoftAppId must be a GUID such as 00000000-0000-0000-0000-000000000000');
}

/** Redis, Graph and the tenants served: settings that only make sense together. */
function checkConnections(e: Env, sandbox: boolean, problems: string[]): void {
  if (e.REDIS_TLS_CA_FILE && !e.REDIS_URL?.startsWith('rediss://'))
    problems.push('REDIS_TLS_CA_FILE needs a TLS Redis URL: write REDIS_URL as rediss://:password@host:6380');
  if (graphPartsSet(e) === 'some')
    problems.push(
      'GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET go together: set all three (an app registration with DeviceManagementManagedDevices.PrivilegedOperations.All and GroupMember.Read.All) or none',
    );
  if (!sandbox && !e.REDIS_URL && e.ALLOW_MEMORY_STATE !== 'true')
    problems.push(
      'REDIS_URL is required outside sandbox mode: without it the audit trail, confirmations and bulk runs live in memory and are lost on restart. Set REDIS_URL=redis://host:6379, or ALLOW_MEMORY_STATE=true to run a single instance on memory knowingly',
    );
  if (!sandbox && !e.MicrosoftAppTenantId && !e.GRAPH_TENANT_ID && !e.TENANTS_CONFIG)
    problems.push(
      'No tenant to serve: every read and action belongs to one tenant. Set MicrosoftAppTenantId (single-tenant bot) or GRAPH_TENANT_ID to the tenant GOOGLE_* belongs to, or list tenants with their own connections in TENANTS_CONFIG',
    );
}

function graphPartsSet(e: Env): 'none' | 'some' | 'all' {
  const set = [e.GRAPH_TENANT_ID, e.GRAPH_CLIENT_ID, e.GRAPH_CLIENT_SECRET].filter(Boolean).length;
  return set === 0 ? 'none' : set === 3 ? 'all' : 'some';
}

function readAllowedTenants(e: Env, problems: string[]): string[] {
  const ids = e.ALLOWED_TENANT_IDS.split(/[\s,]+/).filter(Boolean);
  for (const id of ids)
    if (!GUID.test(id))
      problems.push(`ALLOWED_TENANT_IDS contains "${id}", which is not a tenant id (GUID); separate ids with commas`);
  return ids;
}

/** "Help Desk Operator=200; Intune Administrator=1000" → the most devices one bulk run may name, per role. */
function readRoleLimits(e: Env, problems: string[]): Record<string, number> {
  const limits: Record<string, number> = {};
  const parts = e.BULK_ROLE_LIMITS.split(/[;,]/)
    .map((p) => p.trim())
    .filter(Boolean);
  for (const part of parts) {
    const m = /^(.+?)\s*=\s*(\d+)$/.exec(part);
    if (!m || Number(m[2]) < 1)
      problems.push(
        `BULK_ROLE_LIMITS has "${part}": write role=devices pairs separated by semicolons, such as "Help Desk Operator=200; Intune Administrator=1000"`,
      );
    else limits[m[1]] = Number(m[2]);
  }
  return limits;
}

/** The key Mac recovery PINs are encrypted with: required with Graph in production, the public dev key in the sandbox. */
function readPinKey(e: Env, sandbox: boolean, problems: string[]): { key?: Buffer; isDevKey: boolean } {
  const key = parsePinKey(e.PIN_ENCRYPTION_KEY);
  if (e.PIN_ENCRYPTION_KEY && !key)
    problems.push(
      'PIN_ENCRYPTION_KEY must be 32 random bytes written as 64 hex digits or base64: generate one with `openssl rand -hex 32` and keep it in your secret store',
    );
  else if (key && weakKeyReason(key)) problems.push(weakKeyProblem('PIN_ENCRYPTION_KEY', key));
  else if (!key && sandbox) return { key: SANDBOX_PIN_KEY, isDevKey: true };
  else if (!key && graphPartsSet(e) === 'all')
    problems.push(
      'PIN_ENCRYPTION_KEY is required with GRAPH_* outside sandbox mode (Mac remote-lock PINs are kept encrypted with it): generate one with `openssl rand -hex 32`, keep it in your secret store and give every instance the same one',
    );
  return { key, isDevKey: false };
}

interface CheckedParts {
  sandbox: boolean;
  allowedTenantIds: string[];
  roleLimits: Record<string, number>;
  pin: { key?: Buffer; isDevKey: boolean };
  audit: NonNullable<ReturnType<typeof readAuditKeys>>;
  metrics: Config['metrics'];
}

/** The checked environment as the bot's settings. */
function configOf(e: Env, p: CheckedParts): Config {
  const { sandbox, audit } = p;
  return {
    port: e.PORT,
    host: sandbox ? '127.0.0.1' : '0.0.0.0',
    sandbox,
    sandboxGraphWithoutPermissions: (e.SANDBOX_GRAPH_WITHOUT_PERMISSIONS ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    sandboxEmulators: { googleUrl: e.SANDBOX_GOOGLE_URL, graphUrl: e.SANDBOX_GRAPH_URL },
    logLevel: e.LOG_LEVEL,
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
    },
    allowedTenantIds: p.allowedTenantIds,
    homeTenantId: e.MicrosoftAppTenantId || e.GRAPH_TENANT_ID || undefined,
    tenantsFile: e.TENANTS_CONFIG,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_KEY_PREFIX,
    redisTlsCaFile: e.REDIS_TLS_CA_FILE,
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
    intune: { pinKey: p.pin.key, pinKeyIsDevKey: p.pin.isDevKey },
    lost: {
      escalationMinutes: e.ONCALL_ESCALATION_MINUTES,
      rosterPath: e.ONCALL_ROSTER,
      selfService: isOn(e.LOST_SELF_SERVICE),
    },
    bulk: {
      maxDevices: e.BULK_MAX_DEVICES,
      roleLimits: p.roleLimits,
      approvalThreshold: e.BULK_APPROVAL_THRESHOLD,
      approvalTtlMinutes: e.BULK_APPROVAL_TTL_MINUTES,
    },
    actions: {
      skipConfirmation: isOn(e.ACTIONS_SKIP_CONFIRMATION),
      confirmationTtlMinutes: e.CONFIRMATION_TTL_MINUTES,
      pollSeconds: e.ACTION_POLL_SECONDS,
      rebootMinMilestone: e.REBOOT_MIN_MILESTONE,
    },
    googleQuotaPerMinute: e.GOOGLE_QUOTA_PER_MINUTE,
    connector: {
      syncMinutes: e.CONNECTOR_SYNC_MINUTES,
      reconcileMinutes: e.CONNECTOR_RECONCILE_MINUTES,
      syncOverlapMinutes: e.CONNECTOR_SYNC_OVERLAP_MINUTES,
    },
    publicUrl: e.PUBLIC_URL,
    allowMemoryState: e.ALLOW_MEMORY_STATE === 'true',
    audit: {
      macKey: audit.macKey,
      signingKey: audit.signingKey,
      keysAreDevKeys: audit.devKeys,
      checkpointFile: e.AUDIT_CHECKPOINT_FILE,
      checkpointEveryRecords: e.AUDIT_CHECKPOINT_EVERY,
      checkpointMinutes: e.AUDIT_CHECKPOINT_MINUTES,
    },
    metrics: p.metrics,
    rateLimit: {
      personPerMinute: e.RATE_LIMIT_PERSON_PER_MINUTE,
      tenantPerMinute: e.RATE_LIMIT_TENANT_PER_MINUTE,
    },
    tracing: readTracing(e),
  };
}

type Env = z.infer<typeof schema>;

const weakKeyProblem = (name: string, key: Buffer) =>
  `${name} is not a random key (${weakKeyReason(key)}): ${MAKE_A_KEY}`;

/**
 * The audit trail's MAC key and checkpoint signing key: required outside the sandbox, checked for
 * randomness, and the sandbox's public development keys when unset there.
 */
function readAuditKeys(e: Env, sandbox: boolean, problems: string[]) {
  const before = problems.length;
  let macKey = parseKey32(e.AUDIT_MAC_KEY);
  if (e.AUDIT_MAC_KEY && !macKey)
    problems.push(`AUDIT_MAC_KEY must be 32 random bytes written as 64 hex digits or base64: ${MAKE_A_KEY}`);
  else if (macKey && weakKeyReason(macKey)) problems.push(weakKeyProblem('AUDIT_MAC_KEY', macKey));
  const signing = parseSigningKey(e.AUDIT_SIGNING_KEY);
  if (e.AUDIT_SIGNING_KEY && !signing)
    problems.push(
      'AUDIT_SIGNING_KEY must be an Ed25519 key: 32 random bytes as 64 hex digits or base64 (`openssl rand -hex 32`), or a PKCS#8 PEM from `openssl genpkey -algorithm ed25519`',
    );
  else if (signing && weakKeyReason(signing.seed)) problems.push(weakKeyProblem('AUDIT_SIGNING_KEY', signing.seed));
  if (!sandbox) {
    if (!e.AUDIT_MAC_KEY)
      problems.push(
        `AUDIT_MAC_KEY is required outside sandbox mode (it seals the audit trail; keep it outside Redis): ${MAKE_A_KEY}, and give every instance the same one`,
      );
    if (!e.AUDIT_SIGNING_KEY)
      problems.push(
        `AUDIT_SIGNING_KEY is required outside sandbox mode (it signs checkpoints of the audit trail): ${MAKE_A_KEY}, and give every instance the same one`,
      );
  }
  if (macKey && signing?.seed.equals(macKey))
    problems.push('AUDIT_MAC_KEY and AUDIT_SIGNING_KEY must be different keys');
  if (problems.length > before) return undefined;
  const devKeys = !macKey || !signing;
  macKey ??= SANDBOX_AUDIT_MAC_KEY;
  const seed = signing?.seed ?? SANDBOX_AUDIT_SIGNING_SEED;
  return { macKey, seed, signingKey: signing?.key ?? signingKeyFromSeed(seed), devKeys };
}

/** The standard OpenTelemetry variables: traces only when an endpoint is set and the SDK is not disabled. */
function readTracing(e: Env): Config['tracing'] {
  if (!e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return undefined;
  const headers: Record<string, string> = {};
  for (const pair of (e.OTEL_EXPORTER_OTLP_HEADERS ?? '').split(',').filter((p) => p.includes('='))) {
    const at = pair.indexOf('=');
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME ?? 'device-desk', headers };
}

/** Production never serves /metrics to the world: its own loopback port, or a bearer token. */
function readMetrics(e: Env, sandbox: boolean, problems: string[]): Config['metrics'] {
  const token = e.METRICS_TOKEN;
  if (token && (token.length < 32 || new Set(token).size < 12))
    problems.push('METRICS_TOKEN must be at least 32 random characters: generate one with `openssl rand -hex 32`');
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT)
    problems.push('METRICS_PORT must differ from PORT: metrics get their own loopback listener');
  const port = e.METRICS_PORT ?? (sandbox || token ? undefined : DEFAULT_METRICS_PORT);
  return { port, token };
}

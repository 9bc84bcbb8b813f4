import { TeamsAdapter } from '@microsoft/teams-ai';
import Redis from 'ioredis';
import {
  type BulkChat,
  createBotApp,
  IdentityService,
  registerBulkDownload,
  startApprovalExpiry,
  TeamsBulkNotifier,
  TeamsLostNotifier,
  TeamsRequestNotifier,
  freshDeviceCard,
  type BotDeps,
} from '../bot';
import { version } from '../package.json';
import { AccessResolver, emptyAccessConfig, type GroupMembership, loadAccessFile, LostPolicyGuard } from './access';
import {
  ActionService,
  type ActionExecutor,
  type ActionId,
  type ActionRequestStore,
  type ActionServiceSettings,
  type ActionSettings,
  ActionTracker,
  createActionCatalogue,
  createActionStores,
  createPinVault,
  type DeviceAction,
  PinService,
  RemoteLockService,
  IntuneActionExecutor,
  type TrackingSettings,
} from './actions';
import {
  BULK_QUOTA_SHARE,
  BulkRunner,
  BulkService,
  type BulkSettings,
  TargetRecheck,
  createBulkRunStore,
  createRateLimiter,
  type RunnerSettings,
} from './actions/bulk';
import {
  AuditCheckpointer,
  type AuditTrail,
  CheckpointedAuditTrail,
  createAuditTrail,
  LogAndFileSink,
  publicKeyHex,
} from './audit';
import { type Clock, systemClock } from './clock';
import { type Config, loadConfig } from './config';
import {
  ConnectorService,
  createConnectorStores,
  IntuneConnection,
  readServiceAccountClientId,
  SANDBOX_CLIENT_ID,
} from './connector';
import { AuditDesk } from './audit-desk';
import { DeviceReader } from './devices';
import { createDeviceDirectory, DIRECTORY_SCOPES, type RetryOptions } from './directory';
import { installOutboundProxy, type OutboundProxy } from './egress';
import { ConfigError } from './errors';
import { GraphGroupMembership, GraphHttpClient, GraphManagedDeviceDirectory, IntuneSync } from './intune';
import { type Inventory, MemoryInventory, RedisInventory } from './inventory';
import { createLogger, type Logger } from './log';
import {
  createLostReportStore,
  EMPTY_ROSTER,
  loadRoster,
  LostActionObserver,
  LostReportDesk,
  LostReportService,
  type LostSettings,
  type OnCallRoster,
} from './lost';
import {
  DeskMetrics,
  startTracing,
  traceCardSends,
  traceMethods,
  watchDesk,
  type ConnectionReading,
} from './telemetry';
import { loadTenantsFile, type TenantConnections, type TenantEntry, Tenants } from './tenants';
import {
  DEFAULT_EMULATOR_TOKEN,
  EMULATOR_CLIENT_ID,
  EMULATOR_CLIENT_SECRET,
  type GoogleEmulator,
  type GoogleEmulatorControl,
  type GraphEmulator,
  type IntuneFleetDevice,
  FABRIKAM_TENANT_ID,
  fabrikamFleet,
  SANDBOX_TENANT_ID,
  sandboxFleet,
  SANDBOX_ORG_UNITS,
  sandboxIntuneFleet,
  startGoogleEmulator,
  startGraphEmulator,
} from './sandbox';
import { createServer, listen } from './server';
import { type ReadinessCheck, reuseConnectorClients, startMetricsServer, TurnGate } from './http';
import { createTurnLimiter } from './turn-limit';
import {
  BullJobQueue,
  ObservedJobQueue,
  createTenantSettingsStore,
  type JobQueue,
  MemoryJobQueue,
  redisConnectionOptions,
  type TenantSettingsStore,
} from './store';

export interface RunningBot {
  port: number;
  /** Where /metrics listens on loopback when it has its own port. */
  metricsPort?: number;
  config: Config;
  /** Sandbox only: where the emulators listen, for tests and the README. */
  sandbox?: {
    googleRootUrl: string;
    graphBaseUrl: string;
    google: GoogleEmulatorControl;
    graph: GraphEmulator;
    /** The second sandbox tenant's own Google. */
    fabrikam: GoogleEmulatorControl;
  };
  /** The audit trail, for tests that check what it holds (and what it must never hold). */
  audit: AuditTrail;
  /**
   * Shuts down gracefully: /readyz answers 503 and new turns get 503 at once, the turns already
   * running finish (up to TURN_GRACE_MS), then background work, queues and Redis close.
   */
  stop(): Promise<void>;
}

/** How long running turns may take to finish on shutdown; the rest of the 10 s is for closing. */
export const TURN_GRACE_MS = 6_000;

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Key prefix of everything kept in Redis (default: REDIS_KEY_PREFIX, desk:): tests and side-by-side instances. */
  redisPrefix?: string;
  /** Sandbox: a running Google emulator to use (and leave running) instead of starting one. */
  google?: GoogleEmulator;
  /** Sandbox: a running Graph emulator to use (and leave running) instead of starting one. */
  graph?: GraphEmulator;
  /** Retry policy of the Directory API client (tests shorten it). */
  directoryRetry?: RetryOptions;
  /** Sandbox: the Intune devices the Graph emulator serves (default: the sandbox's Intune fleet). */
  intuneDevices?: IntuneFleetDevice[];
  /** Retry policy of the Graph client (tests shorten its waits). */
  graphRetry?: {
    maxRetries?: number;
    baseDelayMs?: number;
    maxDelayMs?: number;
    sleep?: (ms: number) => Promise<void>;
  };
  /** Confirmation and tracking settings of remote actions. */
  actions?: Partial<Omit<ActionSettings, 'tracking'>> & { tracking?: Partial<TrackingSettings> };
  /** Bulk runs: runner pacing and guard rails (tests shorten or raise them). */
  bulk?: {
    runner?: Partial<RunnerSettings>;
    settings?: Partial<BulkSettings>;
    approvalCheckMs?: number;
    /** The Google quota's window (default a minute); tests shorten it, with the emulator's, to see it bind. */
    quotaWindowMs?: number;
  };
  /** Tenant settings to use instead of a new store (tests set the help desk channel in it). */
  tenantSettings?: TenantSettingsStore;
  /** Lost-device reports: escalation delay and check interval (tests shorten them), self-service policy. */
  lost?: Partial<LostSettings>;
  /** Where the tenants file's named secrets are read (default process.env). */
  env?: Record<string, string | undefined>;
}

const SANDBOX_ACCESS_FILE = 'config/access.sandbox.yaml';
const FABRIKAM_ACCESS_FILE = 'config/access.fabrikam.sandbox.yaml';
const SANDBOX_ROSTER_FILE = 'config/oncall.sandbox.yaml';

/** What is being built, in order; each step adds to it and registers how to close what it opened. */
interface Parts {
  config: Config;
  options: StartOptions;
  logger: Logger;
  clock: Clock;
  prefix: string;
  closers: Array<() => Promise<unknown> | void>;
  /** This bot's /metrics registry; every client and service that counts something gets it. */
  metrics: DeskMetrics;
  /** Open while this instance takes turns. */
  gate: TurnGate;
}

interface Clients {
  sandbox?: RunningBot['sandbox'];
  /** Every tenant served, each with its own Google connection, Graph app and roles. */
  tenants: Tenants;
}

const NO_GROUPS: GroupMembership = { memberOf: async () => [] };

interface Stores {
  redis?: Redis;
  audit: AuditTrail;
  inventory: Inventory;
  tenantSettings: TenantSettingsStore;
  queue: JobQueue;
}

/**
 * The one place that builds concrete things, in order: config → clients → stores → services →
 * Application → server. Everything below gets its dependencies passed in.
 */
export async function startDeviceDesk(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const parts: Parts = {
    config,
    options,
    logger: options.logger ?? createLogger(config.logLevel),
    clock: options.clock ?? systemClock,
    prefix: options.redisPrefix ?? config.redisPrefix,
    closers: [],
    metrics: new DeskMetrics({ googleQuotaPerMinute: config.googleQuotaPerMinute }),
    gate: new TurnGate(),
  };
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutDown(parts));
  try {
    return await start(parts, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Closes the gate, lets running turns finish, then closes what was opened, newest first. */
async function shutDown(parts: Parts): Promise<void> {
  parts.gate.close();
  const inFlight = parts.gate.inFlight;
  if (inFlight > 0) parts.logger.info({ inFlight }, 'waiting for running turns to finish');
  if (!(await parts.gate.settled(TURN_GRACE_MS)))
    parts.logger.warn({ inFlight: parts.gate.inFlight }, 'turns still running after the grace period');
  for (const close of parts.closers.reverse()) await close();
}

async function start(parts: Parts, stop: () => Promise<void>): Promise<RunningBot> {
  const { config, logger } = parts;
  announce(parts);
  const clients = config.sandbox ? await sandboxClients(parts) : await productionClients(parts);
  const stores = createStores(parts);
  // Known once the server listens (the sandbox's port may be chosen then).
  const site: Site = { publicUrl: config.publicUrl };
  const services = await createServices(parts, clients, stores, site);
  const botDeps = botDepsOf(parts, services);
  const app = createBotApp(services.adapter, botDeps);
  services.actions.requestNotifier.deviceCard = (r) => freshDeviceCard(botDeps, r);
  const background = { running: false };
  const { port, metricsPort } = await serve(
    parts,
    services,
    (ctx) => app.run(ctx),
    () => background.running,
  );
  if (!site.publicUrl && config.sandbox) site.publicUrl = `http://127.0.0.1:${port}`;
  await startBackgroundWork(parts, services.actions, services.bulk, services.lost.reports);
  watch(parts, services);
  background.running = true;
  logger.info(
    { port, host: config.host, metricsPort, mode: config.sandbox ? 'sandbox' : 'production', version },
    'Device Desk is listening on /api/messages',
  );
  return { port, metricsPort, config, sandbox: clients.sandbox, audit: stores.audit, stop };
}

/** First in, last out: tracing starts before anything else so spans of the whole shutdown still reach the collector. */
function announce({ config, logger, closers }: Parts): void {
  if (config.tracing) {
    const tracing = startTracing({ ...config.tracing, version });
    closers.push(() => tracing.stop());
    logger.info({ endpoint: config.tracing.endpoint }, 'traces go out over OTLP/HTTP');
  }
  if (config.sandbox) {
    logger.warn(
      { host: config.host },
      'SANDBOX MODE: emulated Google Directory and Microsoft Graph, generated devices, anonymous Bot Framework auth on loopback only. Set GOOGLE_SERVICE_ACCOUNT_KEY_FILE for production.',
    );
  }
}

/** Where people reach this bot's own pages (bulk CSV downloads). */
interface Site {
  publicUrl?: string;
}

/** Every service of the bot, built once, below the chat layer. */
interface Services {
  clients: Clients;
  stores: Stores;
  adapter: TeamsAdapter;
  view: { sandbox: boolean };
  connector: ConnectorService;
  intuneSync?: IntuneSync;
  intune: IntuneConnection;
  access: AccessResolver;
  guard: LostPolicyGuard;
  devices: DeviceReader;
  lost: Lost;
  actions: Actions;
  bulk: { chat: BulkChat; runner: BulkRunner };
}

async function createServices(parts: Parts, clients: Clients, stores: Stores, site: Site): Promise<Services> {
  const { config, logger } = parts;
  const { tenants } = clients;
  const connector = await startConnector(parts, clients, stores);
  const intuneSync = await startIntuneSync(parts, clients, stores);
  const intune = new IntuneConnection({
    inventory: stores.inventory,
    graph: (tenantId) => tenants.get(tenantId)?.intune,
    sync: intuneSync,
  });
  const access = createAccess(parts, clients);
  const adapter = createAdapter(config);
  const view = { sandbox: config.sandbox };
  const catalogue = createActionCatalogue({ rebootMinMilestone: config.actions.rebootMinMilestone });
  const lost = await createLost(parts, stores, adapter, view);
  const guard = new LostPolicyGuard(access, stores.audit, logger, lost.reports.settings.selfService);
  traceMethods(access, 'access', ['resolve']);
  traceMethods(guard, 'access', ['authorize']);
  const devices = new DeviceReader({
    google: (tenantId) => tenants.google(tenantId),
    intune: (tenantId) => tenants.intune(tenantId),
    inventory: traceMethods(stores.inventory, 'inventory', ['search', 'get']),
    guard,
    logger,
  });
  const shared = { clients, stores, adapter, view, catalogue, access };
  const actions = createActions(parts, { ...shared, guard, devices, lost, connector });
  const bulkParts = { ...shared, lockPrecheck: actions.lockPrecheck, intunePrechecks: actions.intunePrechecks };
  const bulk = createBulk(parts, bulkParts, () => site.publicUrl);
  return { clients, stores, adapter, view, connector, intuneSync, intune, access, guard, devices, lost, actions, bulk };
}

function createAdapter(config: Config): TeamsAdapter {
  const adapter = new TeamsAdapter({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
  });
  reuseConnectorClients(adapter);
  traceCardSends(adapter);
  return adapter;
}

/** What the chat layer is given: services and the few settings it needs, nothing that reaches Google itself. */
function botDepsOf(parts: Parts, s: Services): BotDeps {
  const { config, logger, metrics, clock, prefix } = parts;
  const { stores, devices, guard, access } = s;
  return {
    settings: { botAppId: config.bot.appId, allowedTenantIds: servedTenants(config, s.clients.tenants) },
    logger,
    metrics,
    clock,
    view: s.view,
    identity: new IdentityService(access, clock, logger),
    guard,
    access,
    audit: stores.audit,
    auditDesk: new AuditDesk({ audit: stores.audit, devices, inventory: stores.inventory, guard }),
    devices,
    actions: s.actions.service,
    pins: s.actions.pins,
    tenantSettings: stores.tenantSettings,
    connector: s.connector,
    intune: s.intune,
    bulk: s.bulk.chat,
    lost: { desk: new LostReportDesk({ reports: s.lost.reports, devices, guard }), roster: s.lost.roster },
    turnLimiter: createTurnLimiter({
      limits: config.rateLimit,
      clock,
      redis: stores.redis,
      prefix: `${prefix}turn-limit:`,
    }),
  };
}

/** The HTTP server (messages, health, bulk downloads) and, when it has its own port, /metrics. */
async function serve(
  parts: Parts,
  s: Services,
  runTurn: Parameters<typeof createServer>[0]['runTurn'],
  backgroundWorkRunning: () => boolean,
): Promise<{ port: number; metricsPort?: number }> {
  const { config, metrics, logger, closers } = parts;
  const server = createServer({
    adapter: s.adapter,
    runTurn,
    metrics,
    logger,
    mode: config.sandbox ? 'sandbox' : 'production',
    version,
    gate: parts.gate,
    readinessChecks: readinessChecks(s.stores, s.clients.tenants, backgroundWorkRunning),
    metricsHere: config.metrics.port === undefined ? { token: config.metrics.token } : false,
  });
  registerBulkDownload(server, { store: s.bulk.chat.store, logger });
  const port = await listen(server, config.port, config.host);
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  if (config.metrics.port === undefined) return { port };
  const metricsServer = await startMetricsServer(metrics, { port: config.metrics.port, token: config.metrics.token });
  closers.push(() => metricsServer.close());
  return { port, metricsPort: metricsServer.port };
}

/** The readings /metrics takes of work in flight and of connections. */
function watch(parts: Parts, s: Services): void {
  const { stores } = s;
  watchDesk(parts.metrics, {
    now: () => parts.clock.now(),
    activeCommands: () => s.actions.requests.listActive(),
    openLostReports: () => s.lost.store.listAllUnresolved(),
    queueCounts: () => stores.queue.counts(),
    connections: () => connectionReadings(s.clients.tenants, s.connector, s.intuneSync),
    redisUp: stores.redis ? async () => (await stores.redis!.ping()) === 'PONG' : undefined,
  });
}

/** Each tenant's Google connection (from the shared store) and Intune sync (this process's last run), for /metrics. */
async function connectionReadings(
  tenants: Tenants,
  connector: ConnectorService,
  intuneSync: IntuneSync | undefined,
): Promise<ConnectionReading[]> {
  const readings: ConnectionReading[] = [];
  for (const tenantId of tenants.ids()) {
    const c = await connector.status(tenantId);
    if (c)
      readings.push({
        tenantId,
        source: 'chrome',
        healthy: c.state !== 'Error',
        devices: c.devicesSynced,
        lastSuccessAt: c.lastFullSync ? Date.parse(c.lastFullSync.finishedAt) : undefined,
        lastDurationMs: c.lastFullSync?.durationMs,
      });
    const last = intuneSync?.lastOutcome(tenantId);
    if (last)
      readings.push({
        tenantId,
        source: 'intune',
        healthy: last.status === 'completed',
        devices: last.status === 'completed' ? last.devices : 0,
        lastSuccessAt: last.status === 'completed' ? Date.parse(last.finishedAt) : undefined,
        lastDurationMs: last.status === 'completed' ? last.durationMs : undefined,
      });
  }
  return readings;
}

/** What /readyz asks before a load balancer sends this instance turns. */
function readinessChecks(
  stores: Stores,
  tenants: Tenants,
  backgroundWorkRunning: () => boolean,
): Record<string, ReadinessCheck> {
  const { redis, queue } = stores;
  return {
    ...(redis ? { redis: async () => (await redis.ping()) === 'PONG' } : {}),
    tenants: () => tenants.ids().length > 0,
    // Tracking, bulk runs and escalations are picked up by this instance's workers.
    queues: () => backgroundWorkRunning() && queue.isRunning(),
  };
}

/**
 * The tenants turns are taken from: those configured with their own connections, cut to
 * ALLOWED_TENANT_IDS when it is set. Any other tenant is turned away before a route runs.
 */
function servedTenants(config: Config, tenants: Tenants): string[] {
  const allowed = new Set(config.allowedTenantIds.map((t) => t.toLowerCase()));
  return tenants.ids().filter((id) => allowed.size === 0 || allowed.has(id.toLowerCase()));
}

/** Sandbox: two tenants on emulators of their own, Contoso (Google and Graph) and Fabrikam (Google only). */
async function sandboxClients(parts: Parts): Promise<Clients> {
  const { config, options, clock, logger, closers } = parts;
  const shared = config.sandboxEmulators;
  const google =
    options.google ??
    (shared.googleUrl
      ? undefined
      : await startGoogleEmulator({ devices: sandboxFleet(clock.now()), orgUnits: SANDBOX_ORG_UNITS, clock, logger }));
  if (google && !options.google) closers.push(() => google.close());
  const fabrikam = await startGoogleEmulator({
    devices: fabrikamFleet(clock.now()),
    orgUnits: SANDBOX_ORG_UNITS,
    clock,
    logger,
    seed: 'fabrikam',
  });
  closers.push(() => fabrikam.close());
  const graph =
    options.graph ??
    (shared.graphUrl
      ? undefined
      : await startGraphEmulator({
          managedDevices: options.intuneDevices ?? sandboxIntuneFleet(clock.now()),
          clock,
          withoutPermissions: config.sandboxGraphWithoutPermissions,
        }));
  if (graph && !options.graph) closers.push(() => graph.close());
  const client = new GraphHttpClient({
    // Shared emulators (several instances): the client-credentials flow against the emulator's own token endpoint.
    auth: graph
      ? { kind: 'fixed-token', token: graph.fixedToken }
      : {
          kind: 'client-credentials',
          tenantId: SANDBOX_TENANT_ID,
          clientId: EMULATOR_CLIENT_ID,
          clientSecret: EMULATOR_CLIENT_SECRET,
          authorityHost: new URL(shared.graphUrl!).origin,
        },
    baseUrl: graph?.baseUrl ?? shared.graphUrl!,
    clock,
    logger,
    metrics: parts.metrics,
    ...options.graphRetry,
  });
  const emulated = (emulator: { rootUrl: string; accessToken: string }, account: string) => {
    const o = { customerId: config.google.customerId, rootUrl: emulator.rootUrl, accessToken: emulator.accessToken };
    const base = { ...o, account, logger, clock, retry: options.directoryRetry, metrics: parts.metrics };
    return {
      directory: createDeviceDirectory(base),
      bulkDirectory: createDeviceDirectory({ ...base, retry: { maxAttempts: 1 } }),
      clientId: SANDBOX_CLIENT_ID,
    };
  };
  const contosoGoogle = google ?? { rootUrl: shared.googleUrl!, accessToken: DEFAULT_EMULATOR_TOKEN };
  const contoso: TenantConnections = {
    id: SANDBOX_TENANT_ID,
    name: 'Contoso (sandbox)',
    google: emulated(contosoGoogle, 'admin@example.com'),
    intune: { client, devices: new GraphManagedDeviceDirectory(client) },
    groups: new GraphGroupMembership(client, { clock }),
    access: await loadAccessFile(config.accessConfigPath ?? SANDBOX_ACCESS_FILE),
  };
  const second: TenantConnections = {
    id: FABRIKAM_TENANT_ID,
    name: 'Fabrikam (sandbox)',
    google: emulated(fabrikam, 'admin@fabrikam.example'),
    groups: NO_GROUPS,
    access: await loadAccessFile(FABRIKAM_ACCESS_FILE),
  };
  // Emulators running elsewhere are controlled there: this instance has no handles on them.
  const sandbox =
    google && graph
      ? { googleRootUrl: google.rootUrl, graphBaseUrl: graph.baseUrl, google, graph, fabrikam }
      : undefined;
  return { sandbox, tenants: new Tenants([contoso, second]) };
}

/** Production: the home tenant from GOOGLE_* and GRAPH_*, and every tenant of TENANTS_CONFIG. */
async function productionClients(parts: Parts): Promise<Clients> {
  const { config, logger } = parts;
  const list: TenantConnections[] = [];
  if (config.homeTenantId) list.push(await homeTenant(parts, config.homeTenantId));
  for (const entry of config.tenantsFile ? await loadTenantsFile(config.tenantsFile) : [])
    list.push(await listedTenant(parts, entry));
  if (list.length === 0)
    throw new ConfigError([
      'No tenant to serve: set MicrosoftAppTenantId (or GRAPH_TENANT_ID) for the tenant GOOGLE_* belongs to, or list tenants in TENANTS_CONFIG',
    ]);
  logger.info({ tenants: list.map((t) => ({ id: t.id, google: !!t.google, intune: !!t.intune })) }, 'tenants served');
  return { tenants: new Tenants(list) };
}

interface TenantParts {
  google?: { serviceAccountKeyFile: string; adminSubject: string; customerId: string };
  graph?: { clientId: string; clientSecret: string };
  accessPath?: string;
}

/** One tenant's own connections, none shared with another. */
async function tenantConnections(parts: Parts, id: string, name: string, p: TenantParts): Promise<TenantConnections> {
  const { config, clock, logger } = parts;
  let google: TenantConnections['google'];
  if (p.google) {
    const base = {
      customerId: p.google.customerId,
      rootUrl: config.google.apiRootUrl,
      serviceAccountKeyFile: p.google.serviceAccountKeyFile,
      subject: p.google.adminSubject,
      logger,
      clock,
      metrics: parts.metrics,
    };
    google = {
      directory: createDeviceDirectory(base),
      bulkDirectory: createDeviceDirectory({ ...base, retry: { maxAttempts: 1 } }),
      clientId: readServiceAccountClientId(p.google.serviceAccountKeyFile) ?? '',
    };
  }
  const client = p.graph
    ? new GraphHttpClient({
        auth: { kind: 'client-credentials', tenantId: id, ...p.graph },
        baseUrl: config.graph.baseUrl,
        clock,
        logger,
        metrics: parts.metrics,
      })
    : undefined;
  if (!client) logger.warn({ tenantId: id }, 'no Graph app for this tenant: Intune and group roles are off for it');
  return {
    id,
    name,
    google,
    intune: client && { client, devices: new GraphManagedDeviceDirectory(client) },
    groups: client ? new GraphGroupMembership(client, { clock }) : NO_GROUPS,
    access: p.accessPath ? await loadAccessFile(p.accessPath) : emptyAccessConfig(),
  };
}

function homeTenant(parts: Parts, id: string): Promise<TenantConnections> {
  const { config } = parts;
  const { serviceAccountKeyFile, adminSubject, customerId } = config.google;
  const { clientId, clientSecret } = config.graph;
  if (!config.accessConfigPath)
    parts.logger.warn('ACCESS_CONFIG not set: everyone is an end user until roles are assigned');
  return tenantConnections(parts, id, 'home tenant', {
    google: serviceAccountKeyFile && adminSubject ? { serviceAccountKeyFile, adminSubject, customerId } : undefined,
    graph: clientId && clientSecret ? { clientId, clientSecret } : undefined,
    accessPath: config.accessConfigPath,
  });
}

function listedTenant(parts: Parts, entry: TenantEntry): Promise<TenantConnections> {
  const env = parts.options.env ?? process.env;
  const secret = entry.graph ? env[entry.graph.clientSecretEnv] : undefined;
  if (entry.graph && !secret)
    throw new ConfigError([
      `TENANTS_CONFIG: tenant ${entry.name} names ${entry.graph.clientSecretEnv} for its Graph secret, and it is not set`,
    ]);
  return tenantConnections(parts, entry.id, entry.name, {
    google: entry.google,
    graph: entry.graph && secret ? { clientId: entry.graph.clientId, clientSecret: secret } : undefined,
    accessPath: entry.access,
  });
}

/** Stores: Redis when configured (shared by every instance), else process memory. */
function createStores(parts: Parts): Stores {
  const { config, options, logger, prefix, closers } = parts;
  let redis: Redis | undefined;
  if (!config.redisUrl && !config.sandbox)
    logger.error(
      'ALLOW_MEMORY_STATE=true: PRODUCTION IS RUNNING ON MEMORY. The audit trail, confirmations, bulk runs and settings are lost on every restart and not shared between instances. Set REDIS_URL.',
    );
  const redisOptions = config.redisUrl
    ? redisConnectionOptions({ url: config.redisUrl, tlsCaFile: config.redisTlsCaFile })
    : {};
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { ...redisOptions, maxRetriesPerRequest: 2 });
    redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis connection problem'));
    closers.push(() => redis?.quit());
  }
  const queue: JobQueue = new ObservedJobQueue(
    config.redisUrl
      ? new BullJobQueue({ redisUrl: config.redisUrl, redisOptions, prefix: `${prefix}bull`, logger })
      : new MemoryJobQueue({ logger }),
    parts.metrics,
  );
  closers.push(() => queue.close());
  return {
    redis,
    audit: startAuditTrail(parts, redis),
    inventory: redis ? new RedisInventory(redis, { keyPrefix: prefix }) : new MemoryInventory(),
    tenantSettings: options.tenantSettings ?? createTenantSettingsStore({ redis, prefix }),
    queue,
  };
}

/**
 * The audit trail, sealed with AUDIT_MAC_KEY, its head signed with AUDIT_SIGNING_KEY every N
 * records and every few minutes into the log and the checkpoint file.
 */
function startAuditTrail(parts: Parts, redis: Redis | undefined): AuditTrail {
  const { config, logger, clock } = parts;
  if (config.audit.keysAreDevKeys)
    logger.warn(
      'AUDIT_MAC_KEY or AUDIT_SIGNING_KEY not set: the audit trail is sealed with the public SANDBOX development keys. Never use this outside the sandbox.',
    );
  const trail = createAuditTrail({ redis, clock, prefix: `${parts.prefix}audit:`, macKey: config.audit.macKey });
  const checkpointer = new AuditCheckpointer({
    trail,
    signingKey: config.audit.signingKey,
    sink: new LogAndFileSink(logger, config.audit.checkpointFile),
    clock,
    logger,
    settings: {
      everyRecords: config.audit.checkpointEveryRecords,
      intervalMs: config.audit.checkpointMinutes * 60_000,
    },
  });
  checkpointer.start();
  parts.closers.push(() => checkpointer.stop());
  logger.info(
    { auditPublicKey: publicKeyHex(config.audit.signingKey), checkpointFile: config.audit.checkpointFile ?? null },
    'audit checkpoints are signed: give this public key to npm run audit:verify (AUDIT_VERIFY_KEY)',
  );
  return new CheckpointedAuditTrail(trail, checkpointer);
}

/** The Chrome Enterprise connection; the sandbox tenant starts connected, so the demo has devices at once. */
async function startConnector(parts: Parts, clients: Clients, stores: Stores): Promise<ConnectorService> {
  const { config, clock, logger, prefix, closers } = parts;
  const connector = new ConnectorService({
    directory: (tenantId) => clients.tenants.google(tenantId),
    inventory: stores.inventory,
    ...createConnectorStores({ redis: stores.redis, prefix, clock }),
    setup: (tenantId) => ({ clientId: clients.tenants.get(tenantId)?.google?.clientId, scopes: DIRECTORY_SCOPES }),
    clock,
    logger,
    resyncMinutes: config.connector.syncMinutes,
    reconcileMinutes: config.connector.reconcileMinutes,
    syncOverlapMinutes: config.connector.syncOverlapMinutes,
  });
  closers.push(() => connector.stop());
  // The sandbox tenants start connected, so the demo has devices to find at once.
  if (config.sandbox) for (const tenantId of clients.tenants.ids()) await connectSandbox(connector, tenantId, logger);
  connector.start();
  return connector;
}

async function connectSandbox(connector: ConnectorService, tenantId: string, logger: Logger): Promise<void> {
  // One connection per tenant: a restart with Redis finds it there already and only syncs.
  const existing = await connector.status(tenantId);
  const { connection, sync } = existing
    ? { connection: existing, sync: connector.sync(tenantId) }
    : await connector.connect(tenantId, 'sandbox start-up');
  const outcome = sync ? await sync : undefined;
  if (outcome?.status === 'completed') logger.info({ tenantId, devices: outcome.devices }, 'sandbox devices synced');
  else
    logger.warn({ tenantId, status: outcome?.status, reason: connection.error }, 'sandbox devices could not be synced');
}

/** Intune devices join the same inventory, at start and then every 15 minutes. */
async function startIntuneSync(parts: Parts, clients: Clients, stores: Stores): Promise<IntuneSync | undefined> {
  const { config, clock, logger, closers } = parts;
  const { tenants } = clients;
  const tenantIds = tenants.ids().filter((id: string) => tenants.intune(id));
  if (tenantIds.length === 0) return undefined;
  const intuneSync = new IntuneSync({
    devices: (tenantId) => tenants.intune(tenantId),
    inventory: stores.inventory,
    tenantIds,
    clock,
    logger,
  });
  closers.push(() => intuneSync.stop());
  if (config.sandbox) {
    for (const tenantId of tenantIds) {
      const outcome = await intuneSync.sync(tenantId);
      const devices = outcome.status === 'completed' ? outcome.devices : 0;
      logger.info({ tenantId, outcome: outcome.status, devices }, 'sandbox Intune devices synced');
    }
  } else {
    void intuneSync.syncAll();
  }
  intuneSync.start();
  return intuneSync;
}

/** Each tenant's roles apply to that tenant's people only. */
function createAccess(parts: Parts, clients: Clients): AccessResolver {
  return new AccessResolver({ tenants: clients.tenants.accessByTenant(), logger: parts.logger });
}

interface Lost {
  reports: LostReportService;
  roster: OnCallRoster;
  /** Read by /metrics for open and unacknowledged reports. */
  store: { listAllUnresolved(): Promise<Array<{ state: string; createdAt: number }>> };
}

/** Lost-device reports: escalation checks on the job queue, so they survive a restart with Redis. */
async function createLost(
  parts: Parts,
  stores: Stores,
  adapter: TeamsAdapter,
  view: { sandbox: boolean },
): Promise<Lost> {
  const { config, options, clock, logger, prefix } = parts;
  const rosterPath = config.lost.rosterPath ?? (config.sandbox ? SANDBOX_ROSTER_FILE : undefined);
  const roster = rosterPath ? await loadRoster(rosterPath) : EMPTY_ROSTER;
  const store = createLostReportStore({ redis: stores.redis, prefix });
  const reports: LostReportService = new LostReportService({
    store,
    queue: stores.queue,
    clock,
    audit: stores.audit,
    logger,
    roster,
    notifier: new TeamsLostNotifier(
      adapter,
      config.bot.appId,
      stores.tenantSettings,
      view,
      () => reports.escalationMinutes,
    ),
    settings: {
      escalationMs: (config.lost.escalationMinutes ?? roster.escalationMinutes ?? 15) * 60_000,
      selfService: config.lost.selfService,
      ...options.lost,
    },
  });
  return { reports, roster, store };
}

interface ActionParts {
  clients: Clients;
  stores: Stores;
  adapter: TeamsAdapter;
  view: { sandbox: boolean };
  catalogue: readonly DeviceAction[];
  access: AccessResolver;
  guard: LostPolicyGuard;
  devices: DeviceReader;
  lost: Lost;
  /** Actions move the connection's last check-in, as a sync does. */
  connector: ConnectorService;
}

interface Actions {
  service: ActionService;
  tracker: ActionTracker;
  /** Tells conversations about requests; shows the device card fresh once an action ends. */
  requestNotifier: TeamsRequestNotifier;
  /** Executed requests, read by /metrics for what is still in flight. */
  requests: { listActive(): Promise<Array<{ action: string; createdAt: number }>> };
  pins?: PinService;
  /** Bulk remote lock reuses the single lock's refusals (a lock pending, a Mac PIN unused). */
  lockPrecheck?: ActionExecutor['precheck'];
  /** Bulk Intune actions reuse the single actions' refusals. */
  intunePrechecks: Partial<Record<ActionId, ActionExecutor['precheck']>>;
}

/** Remote actions: confirmations and requests in the stores, tracking on the job queue. */
function createActions(parts: Parts, p: ActionParts): Actions {
  const { config, clock, logger, prefix } = parts;
  const actionStores = createActionStores({ redis: p.stores.redis, prefix, clock });
  const requestNotifier = new TeamsRequestNotifier(p.adapter, config.bot.appId, p.catalogue, p.view);
  const { executors, pins } = createIntuneExecutors(parts, p, actionStores.requests, requestNotifier);
  const tracker = createTracker(parts, p, executors, actionStores.requests, requestNotifier);
  const service = new ActionService({
    catalogue: p.catalogue,
    ...actionStores,
    tracker,
    executors,
    google: (tenantId) => p.clients.tenants.google(tenantId),
    devices: p.devices,
    guard: p.guard,
    audit: p.stores.audit,
    clock,
    logger,
    checkIns: p.connector,
    queue: p.stores.queue,
    expired: (c) =>
      requestNotifier.confirmationExpired(c).catch((err: unknown) => {
        logger.warn({ err, confirmationId: c.id }, 'could not turn an expired confirmation card');
      }),
    metrics: parts.metrics,
    settings: actionSettings(parts),
  });
  const lockPrecheck = executors.remoteLock?.precheck.bind(executors.remoteLock);
  // Bulk runs of Intune's actions ask the same refusals, device by device.
  const intunePrechecks: Partial<Record<ActionId, ActionExecutor['precheck']>> = {};
  for (const [id, executor] of Object.entries(executors) as [ActionId, ActionExecutor][])
    if (id !== 'remoteLock') intunePrechecks[id] = executor.precheck.bind(executor);
  return { service, tracker, pins, lockPrecheck, intunePrechecks, requestNotifier, requests: actionStores.requests };
}

function actionSettings({ config, options }: Parts): ActionServiceSettings {
  return {
    confirmationTtlMs: options.actions?.confirmationTtlMs ?? config.actions.confirmationTtlMinutes * 60_000,
    expiryCheckMs: options.actions?.expiryCheckMs,
    skipConfirmation: options.actions?.skipConfirmation ?? config.actions.skipConfirmation,
  };
}

/** Follows each sent command to its end on the job queue; actions on a reported device move its report on. */
function createTracker(
  parts: Parts,
  p: ActionParts,
  executors: Partial<Record<ActionId, ActionExecutor>>,
  requests: ActionRequestStore,
  requestNotifier: TeamsRequestNotifier,
): ActionTracker {
  const { config, options, clock, logger } = parts;
  return new ActionTracker({
    executors,
    google: (tenantId) => p.clients.tenants.google(tenantId),
    requests,
    queue: p.stores.queue,
    clock,
    audit: p.stores.audit,
    logger,
    notifier: new LostActionObserver(requestNotifier, p.lost.reports, p.access, p.catalogue, logger),
    // Tests shorten polling further through StartOptions; the environment sets the first wait.
    settings: { pollIntervalMs: config.actions.pollSeconds * 1000, ...options.actions?.tracking },
    metrics: parts.metrics,
  });
}

/**
 * Intune's actions, when some tenant has Intune and a PIN key is set: remote lock and the everyday
 * actions, one executor each, Mac recovery PINs encrypted at rest for 30 days in one vault.
 */
function createIntuneExecutors(
  parts: Parts,
  p: ActionParts,
  requests: ActionRequestStore,
  requestNotifier: TeamsRequestNotifier,
): { executors: Partial<Record<ActionId, ActionExecutor>>; pins?: PinService } {
  const { config, clock, logger, prefix } = parts;
  const { tenants } = p.clients;
  if (!tenants.ids().some((id) => tenants.intune(id)) || !config.intune.pinKey) return { executors: {} };
  if (config.intune.pinKeyIsDevKey)
    logger.warn(
      'PIN_ENCRYPTION_KEY not set: Mac recovery PINs are encrypted with the public SANDBOX development key. Never use this outside the sandbox.',
    );
  const vault = createPinVault({ key: config.intune.pinKey, clock, redis: p.stores.redis, prefix });
  const deps = {
    devices: (tenantId: string) => tenants.intune(tenantId),
    requests,
    vault,
    audit: p.stores.audit,
    clock,
    logger,
  };
  const executors: Partial<Record<ActionId, ActionExecutor>> = { remoteLock: new RemoteLockService(deps) };
  for (const action of p.catalogue)
    if (action.graphAction) executors[action.id] = new IntuneActionExecutor(deps, action.id, action.graphAction);
  const pins = new PinService({
    vault,
    devices: p.devices,
    guard: p.guard,
    audit: p.stores.audit,
    tellHolder: async (record, reader) => {
      const request = await requests.get(record.requestId);
      if (!request) return;
      await requestNotifier.pinRead(request, reader.name).catch((err: unknown) => {
        logger.warn({ err, requestId: record.requestId }, 'could not tell the requester their PIN was read');
      });
    },
  });
  return { executors, pins };
}

interface BulkParts {
  clients: Clients;
  stores: Stores;
  adapter: TeamsAdapter;
  view: { sandbox: boolean };
  catalogue: readonly DeviceAction[];
  lockPrecheck?: ActionExecutor['precheck'];
  intunePrechecks?: Partial<Record<ActionId, ActionExecutor['precheck']>>;
  access: AccessResolver;
}

/** Right before each device of a run: the requester's roles now, against the device as last synced. */
function targetRecheck(parts: Parts, p: BulkParts): TargetRecheck {
  return new TargetRecheck({
    device: async (tenantId, deviceId) => {
      const d = await p.stores.inventory.get(tenantId, deviceId);
      return d && { orgUnitPath: d.orgUnitPath, users: d.users };
    },
    access: ({ requester: r }) =>
      p.access.resolve({ aadObjectId: r.aadObjectId ?? '', upn: r.upn, tenantId: r.tenantId, name: r.name }),
    decide: (access, permission, device) => p.access.can(access, permission, device),
    permissions: (run) => {
      const action = p.catalogue.find((a) => a.id === run.action);
      return action ? [action.permission, ...(action.alsoNeeds ?? [])] : [];
    },
    now: () => parts.clock.now(),
  });
}

/** Bulk runs: a durable job per run on the queue, paced by a limiter every instance shares. */
function createBulk(
  parts: Parts,
  p: BulkParts,
  publicUrl: () => string | undefined,
): { chat: BulkChat; runner: BulkRunner } {
  const { config, options, clock, logger, prefix } = parts;
  const { clients, stores } = p;
  const store = createBulkRunStore({ redis: stores.redis, prefix, now: () => clock.now() });
  const notifier = new TeamsBulkNotifier(
    p.adapter,
    config.bot.appId,
    p.catalogue,
    p.view,
    store,
    logger,
    () => clock.now(),
    publicUrl,
  );
  const quota = Math.max(1, Math.floor(config.googleQuotaPerMinute * BULK_QUOTA_SHARE));
  const runner = new BulkRunner({
    google: (tenantId) => clients.tenants.bulkGoogle(tenantId),
    intune: (tenantId) => clients.tenants.intune(tenantId),
    lockPrecheck: p.lockPrecheck,
    recheck: targetRecheck(parts, p),
    prechecks: p.intunePrechecks,
    store,
    queue: stores.queue,
    limiter: createRateLimiter({
      redis: stores.redis,
      key: `${prefix}google-quota`,
      limit: quota,
      clock,
      windowMs: options.bulk?.quotaWindowMs,
    }),
    clock,
    audit: stores.audit,
    logger,
    notifier,
    settings: options.bulk?.runner,
    metrics: parts.metrics,
  });
  const service = new BulkService({
    store,
    runner,
    inventory: stores.inventory,
    google: (tenantId) => clients.tenants.google(tenantId),
    clock,
    prechecks: { ...p.intunePrechecks, ...(p.lockPrecheck ? { remoteLock: p.lockPrecheck } : {}) },
    settings: {
      maxDevices: config.bulk.maxDevices,
      roleLimits: config.bulk.roleLimits,
      approvalThreshold: config.bulk.approvalThreshold,
      approvalTtlMs: config.bulk.approvalTtlMinutes * 60_000,
      ...options.bulk?.settings,
    },
  });
  return { chat: { service, store, notifier, allowHttpDownloads: config.sandbox }, runner };
}

/** Work an earlier process left unfinished is picked up again: tracking, bulk runs, escalations. */
async function startBackgroundWork(
  parts: Parts,
  { tracker, service }: Pick<Actions, 'tracker' | 'service'>,
  bulk: { chat: BulkChat; runner: BulkRunner },
  reports: LostReportService,
): Promise<void> {
  const { closers, logger, options } = parts;
  await tracker.start();
  service.start();
  await bulk.runner.start();
  closers.push(() => bulk.runner.stop());
  closers.push(startApprovalExpiry(bulk.chat.service, bulk.chat.notifier, logger, options.bulk?.approvalCheckMs));
  await reports.start();
  closers.push(() => tracker.stop());
}

/** Orchestrators send SIGKILL after 10 s (Azure Container Apps, Kubernetes' default grace period). */
export const SHUTDOWN_DEADLINE_MS = 9_500;

/**
 * `npm start`: reads the environment, starts the bot and shuts it down gracefully on SIGTERM or
 * SIGINT. `options` lets a test run this same path with its own timings.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, options: Omit<StartOptions, 'logger'> = {}) {
  let config: Config;
  let proxy: OutboundProxy | undefined;
  try {
    config = loadConfig(env);
    proxy = installOutboundProxy(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Device Desk cannot start.\n${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (proxy) logger.info({ proxy }, 'outbound HTTP goes through the proxy, except to NO_PROXY hosts');
  const bot = await startDeviceDesk(config, { ...options, logger });
  exitOnSignal(bot, logger);
}

/** The first SIGTERM or SIGINT stops the bot gracefully and exits 0; a shutdown that hangs exits 1 at the deadline. */
function exitOnSignal(bot: RunningBot, logger: Logger): void {
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    const startedAt = Date.now();
    logger.info({ signal }, 'shutting down: no new turns, finishing running ones');
    setTimeout(() => {
      logger.error({ signal, afterMs: Date.now() - startedAt }, 'shutdown took too long: exiting now');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    bot.stop().then(
      () => {
        logger.info({ signal, tookMs: Date.now() - startedAt }, 'stopped cleanly');
        // pino writes synchronously to stdout: the line is out before the process ends.
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error) => {
    if (error instanceof ConfigError) process.stderr.write(`Device Desk cannot start.\n${error.message}\n`);
    else process.stderr.write(`Device Desk stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

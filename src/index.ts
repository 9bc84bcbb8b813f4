import type { Storage } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import Redis from 'ioredis';
import { createBotApp } from '../bot/app';
import { registerBulkDownload } from '../bot/bulk-download';
import { startApprovalExpiry, TeamsBulkNotifier } from '../bot/bulk-notifier';
import { IdentityService } from '../bot/identity';
import { LostPolicyGuard } from '../bot/lost-guard';
import { TeamsLostNotifier } from '../bot/lost-notifier';
import { TeamsRequestNotifier } from '../bot/notifier';
import { version } from '../package.json';
import { AccessResolver, emptyAccessConfig, GroupMembership, loadAccessFile } from './access';
import { ActionSettings, ActionTracker, createActionCatalogue, createActionStores, TrackingSettings } from './actions';
import { AuditTrail, createAuditTrail } from './audit';
import { Clock, systemClock } from './clock';
import {
  BULK_QUOTA_SHARE,
  BulkRunner,
  BulkService,
  BulkSettings,
  createBulkRunStore,
  createRateLimiter,
  RunnerSettings,
} from './actions/bulk';
import { Config, loadConfig } from './config';
import { ConnectorService, createConnectorStores, readServiceAccountClientId, SANDBOX_CLIENT_ID } from './connector';
import { createDeviceDirectory, DIRECTORY_SCOPES, RetryOptions } from './directory';
import { ConfigError } from './errors';
import {
  GraphGroupMembership,
  GraphHttpClient,
  GraphManagedDeviceDirectory,
  IntuneSync,
  ManagedDeviceDirectory,
} from './intune';
import { createPinVault, RemoteLockService, type ActionExecutor, type PinVault } from './actions';
import { IntuneFleetDevice, sandboxIntuneFleet } from './sandbox/fleet/intune-fleet';
import { Inventory, MemoryInventory, RedisInventory } from './inventory';
import { createLogger, Logger } from './log';
import {
  createLostReportStore,
  EMPTY_ROSTER,
  loadRoster,
  LostActionObserver,
  LostReportService,
  LostSettings,
} from './lost';
import { Metrics } from './metrics';
import { sandboxFleet } from './sandbox/fleet';
import { GoogleEmulator, GoogleEmulatorControl, startGoogleEmulator } from './sandbox/google';
import { GraphEmulator, startGraphEmulator } from './sandbox/graph';
import { SANDBOX_TENANT_ID } from './sandbox/people';
import { createServer, listen } from './server';
import { BullJobQueue, createStorage, JobQueue, MemoryJobQueue } from './store';
import { createTenantSettingsStore, TenantSettingsStore } from './store/tenant-settings';

export interface RunningBot {
  port: number;
  config: Config;
  /** Sandbox only: where the emulators listen, for tests and the README. */
  sandbox?: { googleRootUrl: string; graphBaseUrl: string; google: GoogleEmulatorControl; graph: GraphEmulator };
  /** The audit trail, for tests that check what it holds (and what it must never hold). */
  audit: AuditTrail;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Key prefix of everything kept in Redis (default desk:): tests and side-by-side instances. */
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
  bulk?: { runner?: Partial<RunnerSettings>; settings?: Partial<BulkSettings>; approvalCheckMs?: number };
  /** Tenant settings to use instead of a new store (tests set the help desk channel in it). */
  tenantSettings?: TenantSettingsStore;
  /** Lost-device reports: escalation delay and check interval (tests shorten them), self-service policy. */
  lost?: Partial<LostSettings>;
}

const SANDBOX_ACCESS_FILE = 'config/access.sandbox.yaml';
const SANDBOX_ROSTER_FILE = 'config/oncall.sandbox.yaml';
const REDIS_PREFIX = 'desk:';

/**
 * The one place that builds concrete things, in order: config → clients → stores → Application
 * → server. Everything below gets its dependencies passed in.
 */
export async function startDeviceDesk(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const prefix = options.redisPrefix ?? REDIS_PREFIX;
  const closers: Array<() => Promise<unknown> | void> = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close();
  };
  const metrics = new Metrics();

  try {
    if (config.sandbox) {
      logger.warn(
        { host: config.host },
        'SANDBOX MODE: emulated Google Directory and Microsoft Graph, generated devices, anonymous Bot Framework auth on loopback only. Set GOOGLE_SERVICE_ACCOUNT_KEY_FILE for production.',
      );
    }

    // Clients of Google and Graph: the real services, or the emulators in sandbox mode.
    let sandbox: RunningBot['sandbox'];
    let directory;
    // Bulk runs pace and retry every call themselves (the shared quota limiter sees each request).
    let bulkDirectory;
    let groups: GroupMembership;
    // Intune managed devices (remote lock): the emulator's in sandbox mode, Graph's with GRAPH_*.
    let managedDevices: ManagedDeviceDirectory | undefined;
    if (config.sandbox) {
      const google =
        options.google ?? (await startGoogleEmulator({ devices: sandboxFleet(clock.now()), clock, logger }));
      if (!options.google) closers.push(() => google.close());
      const graph =
        options.graph ??
        (await startGraphEmulator({
          managedDevices: options.intuneDevices ?? sandboxIntuneFleet(clock.now()),
          clock,
          withoutPermissions: config.sandboxGraphWithoutPermissions,
        }));
      if (!options.graph) closers.push(() => graph.close());
      sandbox = { googleRootUrl: google.rootUrl, graphBaseUrl: graph.baseUrl, google, graph };
      const emulated = {
        customerId: config.google.customerId,
        rootUrl: google.rootUrl,
        accessToken: google.accessToken,
        account: 'admin@example.com',
        logger,
        clock,
        retry: options.directoryRetry,
      };
      directory = createDeviceDirectory(emulated);
      bulkDirectory = createDeviceDirectory({ ...emulated, retry: { maxAttempts: 1 } });
      const graphClient = new GraphHttpClient({
        auth: { kind: 'fixed-token', token: graph.fixedToken },
        baseUrl: graph.baseUrl,
        clock,
        logger,
        ...options.graphRetry,
      });
      groups = new GraphGroupMembership(graphClient, { clock });
      managedDevices = new GraphManagedDeviceDirectory(graphClient);
    } else {
      const google = {
        customerId: config.google.customerId,
        rootUrl: config.google.apiRootUrl,
        serviceAccountKeyFile: config.google.serviceAccountKeyFile,
        subject: config.google.adminSubject,
        logger,
        clock,
      };
      directory = createDeviceDirectory(google);
      bulkDirectory = createDeviceDirectory({ ...google, retry: { maxAttempts: 1 } });
      if (config.graph.tenantId && config.graph.clientId && config.graph.clientSecret) {
        const graphClient = new GraphHttpClient({
          auth: {
            kind: 'client-credentials',
            tenantId: config.graph.tenantId,
            clientId: config.graph.clientId,
            clientSecret: config.graph.clientSecret,
          },
          baseUrl: config.graph.baseUrl,
          clock,
          logger,
        });
        groups = new GraphGroupMembership(graphClient, { clock });
        managedDevices = new GraphManagedDeviceDirectory(graphClient);
      } else {
        logger.warn('GRAPH_* not set: roles given to Entra groups will not apply, only those given to users directly');
        groups = { memberOf: async () => [] };
      }
    }

    // Stores: Redis when configured (shared by every instance), else process memory.
    let redis: Redis | undefined;
    if (config.redisUrl) {
      redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
      redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis connection problem'));
      closers.push(() => redis?.quit());
    }
    const storage: Storage = createStorage({ redis, prefix: `${prefix}state:` });
    const audit = createAuditTrail({ redis, clock, prefix: `${prefix}audit:` });
    const inventory: Inventory = redis ? new RedisInventory(redis, { keyPrefix: prefix }) : new MemoryInventory();
    const tenantSettings = options.tenantSettings ?? createTenantSettingsStore({ redis, prefix });

    const connector = new ConnectorService({
      directory,
      inventory,
      ...createConnectorStores({ redis, prefix, clock }),
      setup: {
        clientId: config.sandbox
          ? SANDBOX_CLIENT_ID
          : readServiceAccountClientId(config.google.serviceAccountKeyFile ?? ''),
        scopes: DIRECTORY_SCOPES,
      },
      clock,
      logger,
    });
    closers.push(() => connector.stop());
    if (config.sandbox) {
      // The sandbox tenant starts connected, so the demo has devices to find at once.
      // One connection per tenant: a restart with Redis finds it there already and only syncs.
      const existing = await connector.status(SANDBOX_TENANT_ID);
      const { connection, sync } = existing
        ? { connection: existing, sync: connector.sync(SANDBOX_TENANT_ID) }
        : await connector.connect(SANDBOX_TENANT_ID, 'sandbox start-up');
      const outcome = sync ? await sync : undefined;
      if (outcome?.status === 'completed') logger.info({ devices: outcome.devices }, 'sandbox devices synced');
      else logger.warn({ status: outcome?.status, reason: connection.error }, 'sandbox devices could not be synced');
    }
    connector.start();

    // Intune devices join the same inventory, at start and then every 15 minutes.
    if (managedDevices) {
      const intuneTenant = config.sandbox ? SANDBOX_TENANT_ID : config.graph.tenantId;
      const intuneSync = new IntuneSync({
        devices: managedDevices,
        inventory,
        tenantIds: intuneTenant ? [intuneTenant] : [],
        clock,
        logger,
      });
      closers.push(() => intuneSync.stop());
      if (config.sandbox) {
        const outcome = await intuneSync.sync(SANDBOX_TENANT_ID);
        logger.info(
          { outcome: outcome.status, devices: outcome.status === 'completed' ? outcome.devices : 0 },
          'sandbox Intune devices synced',
        );
      } else {
        void intuneSync.syncAll();
      }
      intuneSync.start();
    }

    const accessPath = config.accessConfigPath ?? (config.sandbox ? SANDBOX_ACCESS_FILE : undefined);
    const accessConfig = accessPath ? await loadAccessFile(accessPath) : emptyAccessConfig();
    if (!accessPath) logger.warn('ACCESS_CONFIG not set: everyone is an end user until roles are assigned');
    const access = new AccessResolver({
      config: accessConfig,
      groups,
      tenantId: config.sandbox ? SANDBOX_TENANT_ID : config.bot.tenantId || undefined,
      logger,
    });

    const adapter = new TeamsAdapter({
      MicrosoftAppId: config.bot.appId,
      MicrosoftAppPassword: config.bot.appPassword,
      MicrosoftAppType: config.bot.appType,
      MicrosoftAppTenantId: config.bot.tenantId,
    });

    // Remote actions: confirmations and requests in the stores, tracking on the job queue.
    const view = { sandbox: config.sandbox };
    const catalogue = createActionCatalogue({ rebootMinMilestone: config.actions.rebootMinMilestone });
    const queue: JobQueue = config.redisUrl
      ? new BullJobQueue({ redisUrl: config.redisUrl, prefix: `${prefix}bull`, logger })
      : new MemoryJobQueue({ logger });
    closers.push(() => queue.close());
    const actionStores = createActionStores({ redis, prefix, clock });

    // Lost-device reports: escalation checks on the same job queue, so they survive a restart with Redis.
    const rosterPath = config.lost.rosterPath ?? (config.sandbox ? SANDBOX_ROSTER_FILE : undefined);
    const roster = rosterPath ? await loadRoster(rosterPath) : EMPTY_ROSTER;
    const lostReports: LostReportService = new LostReportService({
      store: createLostReportStore({ redis, prefix }),
      queue,
      clock,
      audit,
      logger,
      roster,
      notifier: new TeamsLostNotifier(
        adapter,
        config.bot.appId,
        tenantSettings,
        view,
        () => lostReports.escalationMinutes,
      ),
      settings: {
        escalationMs: (config.lost.escalationMinutes ?? roster.escalationMinutes ?? 15) * 60_000,
        selfService: config.lost.selfService,
        ...options.lost,
      },
    });
    // Remote lock of Intune devices; Mac recovery PINs encrypted at rest for 30 days.
    let pins: PinVault | undefined;
    const executors: Partial<Record<'remoteLock', ActionExecutor>> = {};
    if (managedDevices && config.intune.pinKey) {
      if (config.intune.pinKeyIsDevKey)
        logger.warn(
          'PIN_ENCRYPTION_KEY not set: Mac recovery PINs are encrypted with the public SANDBOX development key. Never use this outside the sandbox.',
        );
      pins = createPinVault({ key: config.intune.pinKey, clock, redis, prefix });
      executors.remoteLock = new RemoteLockService({
        devices: managedDevices,
        vault: pins,
        requests: actionStores.requests,
        audit,
        clock,
        logger,
      });
    }
    const tracker = new ActionTracker({
      executors,
      directory,
      requests: actionStores.requests,
      queue,
      clock,
      audit,
      logger,
      // Actions on a reported device move its report on.
      notifier: new LostActionObserver(
        new TeamsRequestNotifier(adapter, config.bot.appId, catalogue, view),
        lostReports,
        access,
        catalogue,
        logger,
      ),
      // Tests shorten polling further through StartOptions; the environment sets the first wait.
      settings: { pollIntervalMs: config.actions.pollSeconds * 1000, ...options.actions?.tracking },
    });

    // Bulk runs: a durable job per run on the same queue, paced by a limiter every instance shares.
    const bulkStore = createBulkRunStore({ redis, prefix, now: () => clock.now() });
    // Known once the server listens (the sandbox's port may be chosen then).
    let publicUrl = config.publicUrl;
    const bulkNotifier = new TeamsBulkNotifier(
      adapter,
      config.bot.appId,
      catalogue,
      view,
      bulkStore,
      logger,
      () => clock.now(),
      () => publicUrl,
    );
    // Bulk remote lock reuses the single lock's refusals (a lock pending, a Mac PIN unused).
    const lockPrecheck = executors.remoteLock ? executors.remoteLock.precheck.bind(executors.remoteLock) : undefined;
    const bulkRunner = new BulkRunner({
      directory: bulkDirectory,
      managedDevices,
      lockPrecheck,
      store: bulkStore,
      queue,
      limiter: createRateLimiter({
        redis,
        key: `${prefix}google-quota`,
        limit: Math.max(1, Math.floor(config.googleQuotaPerMinute * BULK_QUOTA_SHARE)),
        clock,
      }),
      clock,
      audit,
      logger,
      notifier: bulkNotifier,
      settings: options.bulk?.runner,
    });
    const bulkService = new BulkService({
      store: bulkStore,
      runner: bulkRunner,
      inventory,
      directory,
      clock,
      prechecks: lockPrecheck ? { remoteLock: lockPrecheck } : {},
      settings: {
        maxDevices: config.bulk.maxDevices,
        roleLimits: config.bulk.roleLimits,
        approvalThreshold: config.bulk.approvalThreshold,
        approvalTtlMs: config.bulk.approvalTtlMinutes * 60_000,
        ...options.bulk?.settings,
      },
    });

    const app = createBotApp(adapter, storage, {
      config,
      logger,
      metrics,
      clock,
      view,
      identity: new IdentityService(access, clock, logger),
      guard: new LostPolicyGuard(access, audit, logger, lostReports.settings.selfService),
      access,
      audit,
      directory,
      managedDevices,
      inventory,
      tenantSettings,
      connector,
      bulk: { service: bulkService, store: bulkStore, notifier: bulkNotifier, allowHttpDownloads: config.sandbox },
      lost: { reports: lostReports, roster },
      actions: {
        catalogue,
        ...actionStores,
        tracker,
        executors,
        pins,
        settings: {
          confirmationTtlMs: options.actions?.confirmationTtlMs ?? config.actions.confirmationTtlMinutes * 60_000,
          skipConfirmation: options.actions?.skipConfirmation ?? config.actions.skipConfirmation,
        },
      },
    });

    const server = createServer({
      adapter,
      runTurn: (ctx) => app.run(ctx),
      metrics,
      logger,
      mode: config.sandbox ? 'sandbox' : 'production',
      version,
      redisPing: redis ? async () => (await redis!.ping()) === 'PONG' : undefined,
    });
    registerBulkDownload(server, { store: bulkStore, logger });
    const port = await listen(server, config.port, config.host);
    if (!publicUrl && config.sandbox) publicUrl = `http://127.0.0.1:${port}`;
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    // Requests an earlier run left unfinished are followed again from the store.
    await tracker.start();
    // Bulk runs an earlier process left unfinished resume where they stood.
    await bulkRunner.start();
    closers.push(() => bulkRunner.stop());
    closers.push(startApprovalExpiry(bulkService, bulkNotifier, logger, options.bulk?.approvalCheckMs));
    await lostReports.start();
    closers.push(() => tracker.stop());
    logger.info(
      { port, host: config.host, mode: config.sandbox ? 'sandbox' : 'production', version },
      'Device Desk is listening on /api/messages',
    );
    return { port, config, sandbox, audit, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Device Desk cannot start.\n${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const bot = await startDeviceDesk(config, { logger });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((error) => {
    if (error instanceof ConfigError) process.stderr.write(`Device Desk cannot start.\n${error.message}\n`);
    else process.stderr.write(`Device Desk stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

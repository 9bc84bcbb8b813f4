import type { Storage } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import Redis from 'ioredis';
import { createBotApp } from '../bot/app';
import { Guard } from '../bot/guard';
import { IdentityService } from '../bot/identity';
import { TeamsRequestNotifier } from '../bot/notifier';
import { version } from '../package.json';
import { AccessResolver, emptyAccessConfig, GroupMembership, loadAccessFile } from './access';
import { ActionSettings, ActionTracker, createActionCatalogue, createActionStores, DEFAULT_CONFIRMATION_TTL_MS, TrackingSettings } from './actions';
import { createAuditTrail } from './audit';
import { Clock, systemClock } from './clock';
import { Config, loadConfig } from './config';
import { ConnectorService, createConnectorStores, readServiceAccountClientId, SANDBOX_CLIENT_ID } from './connector';
import { createDeviceDirectory, DIRECTORY_SCOPES, RetryOptions } from './directory';
import { ConfigError } from './errors';
import { GraphGroupMembership, GraphHttpClient } from './intune';
import { Inventory, MemoryInventory, RedisInventory } from './inventory';
import { createLogger, Logger } from './log';
import { Metrics } from './metrics';
import { sandboxFleet } from './sandbox/fleet';
import { GoogleEmulator, GoogleEmulatorControl, startGoogleEmulator } from './sandbox/google';
import { startGraphEmulator } from './sandbox/graph';
import { SANDBOX_TENANT_ID } from './sandbox/people';
import { createServer, listen } from './server';
import { BullJobQueue, createStorage, JobQueue, MemoryJobQueue } from './store';
import { createTenantSettingsStore } from './store/tenant-settings';

export interface RunningBot {
  port: number;
  config: Config;
  /** Sandbox only: where the emulators listen, for tests and the README. */
  sandbox?: { googleRootUrl: string; graphBaseUrl: string; google: GoogleEmulatorControl };
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Key prefix of everything kept in Redis (default desk:): tests and side-by-side instances. */
  redisPrefix?: string;
  /** Sandbox: a running Google emulator to use (and leave running) instead of starting one. */
  google?: GoogleEmulator;
  /** Retry policy of the Directory API client (tests shorten it). */
  directoryRetry?: RetryOptions;
  /** Confirmation and tracking settings of remote actions. */
  actions?: Partial<Omit<ActionSettings, 'tracking'>> & { tracking?: Partial<TrackingSettings> };
}

const SANDBOX_ACCESS_FILE = 'config/access.sandbox.yaml';
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
    let groups: GroupMembership;
    if (config.sandbox) {
      const google = options.google ?? (await startGoogleEmulator({ devices: sandboxFleet(clock.now()), clock, logger }));
      if (!options.google) closers.push(() => google.close());
      const graph = await startGraphEmulator();
      closers.push(() => graph.close());
      sandbox = { googleRootUrl: google.rootUrl, graphBaseUrl: graph.baseUrl, google };
      directory = createDeviceDirectory({
        customerId: config.google.customerId,
        rootUrl: google.rootUrl,
        accessToken: google.accessToken,
        account: 'admin@example.com',
        logger,
        clock,
        retry: options.directoryRetry,
      });
      const graphClient = new GraphHttpClient({ auth: { kind: 'fixed-token', token: graph.fixedToken }, baseUrl: graph.baseUrl, clock, logger });
      groups = new GraphGroupMembership(graphClient, { clock });
    } else {
      directory = createDeviceDirectory({
        customerId: config.google.customerId,
        rootUrl: config.google.apiRootUrl,
        serviceAccountKeyFile: config.google.serviceAccountKeyFile,
        subject: config.google.adminSubject,
        logger,
        clock,
      });
      if (config.graph.tenantId && config.graph.clientId && config.graph.clientSecret) {
        const graphClient = new GraphHttpClient({
          auth: { kind: 'client-credentials', tenantId: config.graph.tenantId, clientId: config.graph.clientId, clientSecret: config.graph.clientSecret },
          baseUrl: config.graph.baseUrl,
          clock,
          logger,
        });
        groups = new GraphGroupMembership(graphClient, { clock });
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
    const tenantSettings = createTenantSettingsStore({ redis, prefix });

    const connector = new ConnectorService({
      directory,
      inventory,
      ...createConnectorStores({ redis, prefix, clock }),
      setup: {
        clientId: config.sandbox ? SANDBOX_CLIENT_ID : readServiceAccountClientId(config.google.serviceAccountKeyFile ?? ''),
        scopes: DIRECTORY_SCOPES,
      },
      clock,
      logger,
    });
    closers.push(() => connector.stop());
    if (config.sandbox) {
      // The sandbox tenant starts connected, so the demo has devices to find at once.
      const { connection, sync } = await connector.connect(SANDBOX_TENANT_ID, 'sandbox start-up');
      const outcome = sync ? await sync : undefined;
      if (outcome?.status === 'completed') logger.info({ devices: outcome.devices }, 'sandbox devices synced');
      else logger.warn({ status: outcome?.status, reason: connection.error }, 'sandbox devices could not be synced');
    }
    connector.start();

    const accessPath = config.accessConfigPath ?? (config.sandbox ? SANDBOX_ACCESS_FILE : undefined);
    const accessConfig = accessPath ? await loadAccessFile(accessPath) : emptyAccessConfig();
    if (!accessPath) logger.warn('ACCESS_CONFIG not set: everyone is an end user until roles are assigned');
    const access = new AccessResolver({ config: accessConfig, groups, tenantId: config.sandbox ? SANDBOX_TENANT_ID : config.bot.tenantId || undefined, logger });

    const adapter = new TeamsAdapter({
      MicrosoftAppId: config.bot.appId,
      MicrosoftAppPassword: config.bot.appPassword,
      MicrosoftAppType: config.bot.appType,
      MicrosoftAppTenantId: config.bot.tenantId,
    });

    // Remote actions: confirmations and requests in the stores, tracking on the job queue.
    const view = { sandbox: config.sandbox };
    const catalogue = createActionCatalogue();
    const queue: JobQueue = config.redisUrl ? new BullJobQueue({ redisUrl: config.redisUrl, prefix: `${prefix}bull`, logger }) : new MemoryJobQueue({ logger });
    closers.push(() => queue.close());
    const actionStores = createActionStores({ redis, prefix, clock });
    const tracker = new ActionTracker({
      directory,
      requests: actionStores.requests,
      queue,
      clock,
      audit,
      logger,
      notifier: new TeamsRequestNotifier(adapter, config.bot.appId, catalogue, view),
      settings: options.actions?.tracking,
    });

    const app = createBotApp(adapter, storage, {
      config,
      logger,
      metrics,
      clock,
      view,
      identity: new IdentityService(access, clock, logger),
      guard: new Guard(access, audit, logger),
      access,
      audit,
      directory,
      inventory,
      tenantSettings,
      connector,
      actions: {
        catalogue,
        ...actionStores,
        tracker,
        settings: {
          confirmationTtlMs: options.actions?.confirmationTtlMs ?? DEFAULT_CONFIRMATION_TTL_MS,
          skipConfirmation: options.actions?.skipConfirmation ?? false,
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
    const port = await listen(server, config.port, config.host);
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    // Requests an earlier run left unfinished are followed again from the store.
    await tracker.start();
    logger.info({ port, host: config.host, mode: config.sandbox ? 'sandbox' : 'production', version }, 'Device Desk is listening on /api/messages');
    return { port, config, sandbox, stop };
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

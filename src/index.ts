import type { Storage } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import Redis from 'ioredis';
import { createBotApp } from '../bot/app';
import { Guard } from '../bot/guard';
import { IdentityService } from '../bot/identity';
import { version } from '../package.json';
import { AccessResolver, emptyAccessConfig, GroupMembership, loadAccessFile } from './access';
import { createAuditTrail } from './audit';
import { Clock, systemClock } from './clock';
import { Config, loadConfig } from './config';
import { createDeviceDirectory } from './directory';
import { ConfigError } from './errors';
import { GraphGroupMembership, GraphHttpClient } from './intune';
import { Inventory, MemoryInventory, RedisInventory } from './inventory';
import { fromChromeDevice } from './inventory/from-chrome';
import { createLogger, Logger } from './log';
import { Metrics } from './metrics';
import { sandboxFleet } from './sandbox/fleet';
import { startGoogleEmulator } from './sandbox/google';
import { startGraphEmulator } from './sandbox/graph';
import { SANDBOX_TENANT_ID } from './sandbox/people';
import { createServer, listen } from './server';
import { createStorage } from './store';

export interface RunningBot {
  port: number;
  config: Config;
  /** Sandbox only: where the emulators listen, for tests and the README. */
  sandbox?: { googleRootUrl: string; graphBaseUrl: string };
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
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
      const google = await startGoogleEmulator({ devices: sandboxFleet(clock.now()), clock, logger });
      closers.push(() => google.close());
      const graph = await startGraphEmulator();
      closers.push(() => graph.close());
      sandbox = { googleRootUrl: google.rootUrl, graphBaseUrl: graph.baseUrl };
      directory = createDeviceDirectory({
        customerId: config.google.customerId,
        rootUrl: google.rootUrl,
        accessToken: google.accessToken,
        account: 'admin@example.com',
        logger,
        clock,
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
    const storage: Storage = createStorage({ redis });
    const audit = createAuditTrail({ redis, clock });
    const inventory: Inventory = redis ? new RedisInventory(redis, { keyPrefix: REDIS_PREFIX }) : new MemoryInventory();

    if (config.sandbox) {
      // The sandbox tenant starts connected, so the demo has devices to find at once.
      let synced = 0;
      for await (const page of directory.listAll()) {
        await inventory.upsertMany(SANDBOX_TENANT_ID, page.map((d) => fromChromeDevice(d, 1)));
        synced += page.length;
      }
      logger.info({ devices: synced }, 'sandbox devices synced');
    }

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

    const app = createBotApp(adapter, storage, {
      config,
      logger,
      metrics,
      clock,
      view: { sandbox: config.sandbox },
      identity: new IdentityService(access, clock, logger),
      guard: new Guard(access, audit, logger),
      access,
      audit,
      directory,
      inventory,
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

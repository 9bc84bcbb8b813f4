/**
 * Bot processes as they run in production: each one `src/index.ts`'s main in its own process, on
 * the one Redis under one REDIS_KEY_PREFIX, with the Google and Graph emulators and a recording
 * Bot Connector in the test process, shared by all of them and outliving any of them.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartOptions } from '../../src/index';
import { sandboxFleet, sandboxIntuneFleet, SANDBOX_DIRECTORY, SANDBOX_TENANT_ID } from '../../src/sandbox';
import type { FleetDevice } from '../../src/sandbox/fleet/types';
import { GoogleEmulator, GoogleEmulatorOptions, startGoogleEmulator } from '../../src/sandbox/google';
import { GraphEmulator, startGraphEmulator } from '../../src/sandbox/graph';
import { milestoneOf } from '../../src/sandbox/fleet';
import { SANDBOX_PEOPLE, type SandboxPerson } from '../../src/sandbox/people';
import { freePort, ManagedProcess, startProcess, stopProcess, waitForHttp } from '../e2e/processes';
import { cardOf, cardText, RecordedCall, RecordingConnector } from './connector';
import { testRedis, TEST_REDIS_URL } from './redis';

const ROOT = join(__dirname, '..', '..');

/** One Google call as the emulator saw it, through the counting pass-through in front of it. */
export interface GoogleCall {
  at: number;
  method: string;
  path: string;
  status: number;
}

export interface SharedWorld {
  google: GoogleEmulator;
  /** Every call that reached Google, from any instance. */
  googleCalls: GoogleCall[];
  graph: GraphEmulator;
  connector: RecordingConnector;
  redis: ReturnType<typeof testRedis>;
  /** Log files and other files of this test. */
  dir: string;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Devices added to the sandbox fleet. */
  extraDevices?: FleetDevice[];
  google?: Omit<GoogleEmulatorOptions, 'devices'>;
}

export async function startWorld(options: WorldOptions = {}): Promise<SharedWorld> {
  const now = Date.now();
  const google = await startGoogleEmulator({
    devices: [...sandboxFleet(now), ...(options.extraDevices ?? [])],
    ...options.google,
  });
  const graph = await startGraphEmulator({ managedDevices: sandboxIntuneFleet(now) });
  const connector = new RecordingConnector();
  await connector.start();
  const googleCalls: GoogleCall[] = [];
  const counter = await countingPassThrough(google.rootUrl, googleCalls);
  const redis = testRedis();
  const dir = mkdtempSync(join(tmpdir(), 'desk-instances-'));
  return {
    google: { ...google, rootUrl: counter.url },
    googleCalls,
    graph,
    connector,
    redis,
    dir,
    async close() {
      await connector.stop();
      await counter.close();
      await google.close();
      await graph.close();
      await redis.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Forwards every request to `target` and records it with its answer's status. */
async function countingPassThrough(
  target: string,
  calls: GoogleCall[],
): Promise<{ url: string; close: () => Promise<void> }> {
  const to = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        calls.push({
          at: Date.now(),
          method: req.method ?? '',
          path: new URL(req.url ?? '/', 'http://x').pathname,
          status: answer.statusCode ?? 0,
        });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface BotInstance {
  name: string;
  port: number;
  base: string;
  process: ManagedProcess;
  /** The instance's JSON log lines so far. */
  logLines(): Array<Record<string, any>>;
}

export interface InstanceOptions {
  env?: Record<string, string>;
  /** Test timings passed to startDeviceDesk in the child. */
  start?: Omit<StartOptions, 'logger'>;
}

/** The environment every instance shares: sandbox on Redis, one prefix, the shared emulators. */
export function sharedEnv(world: SharedWorld, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    SANDBOX: 'true',
    LOG_LEVEL: 'debug',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: world.redis.prefix,
    SANDBOX_GOOGLE_URL: world.google.rootUrl,
    SANDBOX_GRAPH_URL: world.graph.baseUrl,
    // Tests send turns faster than people do.
    RATE_LIMIT_PERSON_PER_MINUTE: '1000000',
    RATE_LIMIT_TENANT_PER_MINUTE: '1000000',
    ...extra,
  };
}

/** Starts one instance and waits until /readyz says it takes turns. */
export async function startInstance(
  world: SharedWorld,
  name: string,
  options: InstanceOptions = {},
): Promise<BotInstance> {
  const port = await freePort();
  const logFile = join(world.dir, `${name}.log`);
  // One node process with tsx's loader, as production runs one node process: the signals reach the bot itself.
  const child = startProcess(
    name,
    process.execPath,
    ['--disable-warning=DEP0111', '--import', 'tsx', 'test/support/bot-process.ts'],
    {
      cwd: ROOT,
      env: {
        ...sharedEnv(world, options.env),
        PORT: String(port),
        DESK_TEST_START_OPTIONS: JSON.stringify(options.start ?? {}),
      },
      logFile,
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/readyz`, { timeoutMs: 60_000, process: child });
  return {
    name,
    port,
    base,
    process: child,
    logLines: () => {
      const lines: Array<Record<string, any>> = [];
      for (const line of readFileSync(logFile, 'utf8').split('\n'))
        if (line.startsWith('{')) lines.push(JSON.parse(line));
      return lines;
    },
  };
}

export async function stopInstances(instances: Array<BotInstance | undefined>): Promise<void> {
  await Promise.all(instances.map((i) => i && stopProcess(i.process, 12_000)));
}

export interface TurnOptions {
  conversationId?: string;
  conversationType?: 'personal' | 'channel';
  replyToId?: string;
}

/** A Teams activity from a sandbox person, as Teams posts it to /api/messages. */
export function activity(
  world: SharedWorld,
  person: SandboxPerson,
  content: { text: string } | { verb: string; data: Record<string, unknown> },
  options: TurnOptions = {},
): Record<string, unknown> {
  const tenantId = SANDBOX_DIRECTORY.find((p) => p.teamsId === person.teamsId)?.tenantId ?? SANDBOX_TENANT_ID;
  const conversationType = options.conversationType ?? 'personal';
  const base = {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: world.connector.url,
    from: { id: person.teamsId, name: person.name, aadObjectId: person.aadObjectId },
    recipient: { id: '28:device-desk', name: 'Device Desk' },
    conversation: {
      id: options.conversationId ?? `personal-${person.teamsId}`,
      conversationType,
      tenantId,
      isGroup: conversationType !== 'personal',
    },
    channelData: { tenant: { id: tenantId } },
    locale: 'en-US',
    ...(options.replyToId ? { replyToId: options.replyToId } : {}),
  };
  if ('text' in content) return { ...base, type: 'message', text: content.text };
  return {
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: content.verb, data: content.data }, trigger: 'manual' },
  };
}

/** Posts an activity to an instance (or the proxy in front of them); the answer's status, headers and body. */
export async function post(
  base: string,
  body: Record<string, unknown>,
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Waits until `check` holds, looking every 100 ms; fails with `what` after timeoutMs. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * An active sandbox device, set online, that takes a restart and a wipe at once (no kiosk,
 * ChromeOS 113 or later) and is no sandbox person's own, so no one's own-device rule applies.
 */
export function onlineUnownedDevice(world: SharedWorld): FleetDevice {
  const people = new Set(SANDBOX_PEOPLE.map((p) => p.email));
  const device = sandboxFleet(Date.now()).find(
    (d) =>
      d.status === 'ACTIVE' &&
      !d.behaviour.kiosk &&
      milestoneOf(d.osVersion) >= 113 &&
      !people.has(d.annotatedUser ?? ''),
  );
  if (!device) throw new Error('the sandbox fleet has no active, unowned device on ChromeOS 113 or later');
  world.google.setBehaviour(device.deviceId, { connectivity: 'online' });
  return device;
}

/** The first card posted to `conversationId` after call number `before`, and its confirmation id. */
export async function awaitConfirmationCard(
  world: SharedWorld,
  conversationId: string,
  before: number,
): Promise<{ cardCall: RecordedCall; confirmationId: string }> {
  const cardCall = (await world.connector.waitFor(
    (c) => c.method === 'POST' && c.conversationId === conversationId && !!cardOf(c),
    10_000,
    before,
  )) as RecordedCall;
  const found = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(cardOf(cardCall)));
  if (!found)
    throw new Error(`the first card in ${conversationId} asks for no confirmation: ${cardText(cardOf(cardCall))}`);
  return { cardCall, confirmationId: found[1] };
}

import { AddressInfo } from 'node:net';
import { Logger } from 'pino';
import { Clock, systemClock } from '../../clock';
import { silentLogger } from '../../log';
import { createRandom, DeviceBehaviour, FleetDevice } from '../fleet';
import { DeviceModel } from './device-model';
import { InjectedFault } from './google-errors';
import { createGoogleServer } from './server';
import { EmulatorStats, TrafficControl } from './traffic';

export interface GoogleEmulatorOptions {
  devices?: FleetDevice[];
  /** Org units that exist besides those the devices are in (a unit with no device yet). */
  orgUnits?: readonly string[];
  clock?: Clock;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  customerId?: string;
  accessToken?: string;
  /** Enforced queries per minute (sliding window on the clock); undefined = unlimited. */
  quotaPerMinute?: number;
  /** The window the quota counts in (default a minute, as Google's); tests shorten it to see it bind quickly. */
  quotaWindowMs?: number;
  /** Added to every response. */
  latencyMs?: number;
  /** Share of requests (0..1) that fail with 503 backendError or 429 rateLimitExceeded, seeded. */
  faultRate?: number;
  seed?: string | number;
  /** Largest maxResults accepted (default 200). */
  maxPageSize?: number;
  /** How long a command waits for its device (default 3 days; Google does not publish its value). */
  commandTtlMs?: number;
  /** How long an online device takes per command step (default 3 s). */
  commandStepMs?: number;
  logger?: Logger;
}

/** Test and demo handles on the emulated customer: no HTTP involved. */
export interface GoogleEmulatorControl {
  /** The emulator takes the objects over (no copy): don't change them afterwards. */
  addDevices(devices: FleetDevice[]): void;
  /** Changes a device's fields (not its id or serial), as an admin edit or a device check-in would. */
  updateDevice(deviceId: string, change: Partial<Omit<FleetDevice, 'deviceId' | 'serialNumber'>>): void;
  /** The device leaves the customer: later listings and reads miss it. */
  removeDevice(deviceId: string): void;
  deviceCount(): number;
  /** The device as chromeosdevices.get with projection FULL would return it. */
  readDevice(deviceId: string): Record<string, unknown> | undefined;
  deviceIdBySerial(serial: string): string | undefined;
  getBehaviour(deviceId: string): DeviceBehaviour | undefined;
  /** Waiting commands are re-planned: an offline device set online picks them up. */
  setBehaviour(deviceId: string, change: Partial<DeviceBehaviour>): void;
  /** The next `count` requests fail with this error (quota storm, outage), optionally with Retry-After. */
  forceErrors(count: number, kind: InjectedFault, options?: { retryAfterSeconds?: number }): void;
  setQuotaPerMinute(quota: number | undefined): void;
  /** The next `count` list requests carrying a (valid) page token get 400 "Invalid Input". */
  failPageTokens(count: number): void;
  /** The next `count` requests (of these API method ids, when given) are carried out, then answered 5xx. */
  failAfterApplying(count: number, options?: { status?: number; methods?: string[] }): void;
  stats(): EmulatorStats;
  resetStats(): void;
}

export interface GoogleEmulator extends GoogleEmulatorControl {
  /** e.g. http://127.0.0.1:PORT/ : give it to the googleapis client as rootUrl. */
  rootUrl: string;
  port: number;
  customerId: string;
  accessToken: string;
  close(): Promise<void>;
}

export const DEFAULT_EMULATOR_CUSTOMER_ID = 'C03sandbox';
export const DEFAULT_EMULATOR_TOKEN = 'sandbox-access-token';

export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 'google-emulator';
  const customerId = options.customerId ?? DEFAULT_EMULATOR_CUSTOMER_ID;
  const accessToken = options.accessToken ?? DEFAULT_EMULATOR_TOKEN;
  const model = new DeviceModel({
    clock,
    seed,
    maxPageSize: options.maxPageSize ?? 200,
    commandTtlMs: options.commandTtlMs ?? 3 * 86_400_000,
    commandStepMs: options.commandStepMs ?? 3_000,
  });
  if (options.devices) model.addDevices(options.devices);
  for (const unit of options.orgUnits ?? []) model.addOrgUnit(unit);
  const traffic = new TrafficControl({
    clock,
    random: createRandom(`faults:${seed}`),
    quotaPerMinute: options.quotaPerMinute,
    quotaWindowMs: options.quotaWindowMs,
    faultRate: options.faultRate,
  });
  const server = createGoogleServer({
    model,
    traffic,
    customerId,
    accessToken,
    latencyMs: options.latencyMs ?? 0,
    logger: options.logger ?? silentLogger,
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    rootUrl: `http://${host}:${port}/`,
    port,
    customerId,
    accessToken,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    addDevices: (devices) => model.addDevices(devices),
    updateDevice: (id, change) => model.updateDevice(id, change),
    removeDevice: (id) => model.removeDevice(id),
    deviceCount: () => model.size,
    readDevice: (id) => model.readDevice(id),
    deviceIdBySerial: (serial) => model.deviceIdBySerial(serial),
    getBehaviour: (id) => model.getBehaviour(id),
    setBehaviour: (id, change) => model.setBehaviour(id, change),
    forceErrors: (count, kind, o) => traffic.forceErrors(count, kind, o?.retryAfterSeconds),
    setQuotaPerMinute: (q) => traffic.setQuotaPerMinute(q),
    failPageTokens: (count) => traffic.failPageTokens(count),
    failAfterApplying: (count, o) => traffic.failAfterApplying(count, o?.status, o?.methods),
    stats: () => traffic.stats(),
    resetStats: () => traffic.resetStats(),
  };
}

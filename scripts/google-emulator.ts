/**
 * The Google Directory emulator on its own, for benchmarks and for trying the API by hand:
 *   npx tsx scripts/google-emulator.ts [--devices 100000] [--port 0] [--quota-per-minute N] [--latency-ms N]
 *     [--sandbox-fleet] [--until-stdin-closes]
 * Prints one JSON line {rootUrl, accessToken, customerId} when it is ready, then serves until stopped.
 * --sandbox-fleet serves the sandbox tenant's devices (the ones `find` looks up in the sandbox).
 * Started by the bench (--until-stdin-closes), it also answers commands on stdin, one JSON line each:
 * {"checkIn": share} (that share of the fleet, spread evenly, checks in now), {"stats": true},
 * {"resetStats": true}; it leaves when stdin closes.
 */
import { systemClock } from '../src/clock';
import { type FleetDevice, generateFleet, sandboxFleet, SANDBOX_ORG_UNITS } from '../src/sandbox/fleet';
import { GoogleEmulator, startGoogleEmulator } from '../src/sandbox/google';
import { serveCommands } from './bench-child';
import { listDevices } from './emulator-list';

function option(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
}

async function main(): Promise<void> {
  const devices = process.argv.includes('--sandbox-fleet')
    ? sandboxFleet(systemClock.now())
    : generateFleet({ seed: 7, size: option('devices') ?? 1000, domain: 'example.com', now: systemClock.now() });
  // The emulator takes the objects over; the bench's check-ins name devices by id only.
  const ids = devices.map((d) => d.deviceId);
  const emulator = await startGoogleEmulator({
    devices,
    orgUnits: SANDBOX_ORG_UNITS,
    port: option('port') ?? 0,
    quotaPerMinute: option('quota-per-minute'),
    latencyMs: option('latency-ms'),
  });
  const ready = {
    rootUrl: emulator.rootUrl,
    accessToken: emulator.accessToken,
    customerId: emulator.customerId,
    devices: ids.length,
  };
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Started by the bench: it goes when the bench closes its stdin, even if the bench died.
  if (process.argv.includes('--until-stdin-closes'))
    serveCommands(
      ready,
      async (command) => answer(emulator, ids, command),
      () => emulator.close(),
    );
  else process.stdout.write(`${JSON.stringify(ready)}\n`);
}

/** The bench's commands: check-ins of a share of the fleet, and the request counters. */
async function answer(emulator: GoogleEmulator, ids: string[], command: Record<string, unknown>): Promise<unknown> {
  if (typeof command.checkIn === 'number') {
    const changed = checkIn(emulator, ids, command.checkIn);
    await warmLastSyncOrder(emulator);
    return { changed };
  }
  if (command.stats) return emulator.stats();
  if (command.resetStats) {
    emulator.resetStats();
    return {};
  }
  throw new Error(`unknown command ${JSON.stringify(command)}`);
}

/**
 * The emulator sorts a listing order again on the first listing after a change (a million devices
 * take seconds); Google keeps its order as devices change. One listing by last sync here puts that
 * sort where Google has none, outside the periodic sync that the bench measures next.
 */
async function warmLastSyncOrder(emulator: GoogleEmulator): Promise<void> {
  await listDevices(emulator, 'maxResults=1&orderBy=lastSync&sortOrder=DESCENDING');
}

/** Every (1 / share)-th device syncs now, with a new OS version: what a periodic sync must pick up. */
function checkIn(emulator: GoogleEmulator, ids: string[], share: number): number {
  if (!(share > 0 && share <= 1)) throw new Error('checkIn takes a share of the fleet in (0, 1]');
  const step = Math.round(1 / share);
  const change: Partial<FleetDevice> = { lastSync: new Date().toISOString(), osVersion: '999.0.0.1' };
  let changed = 0;
  for (let i = step - 1; i < ids.length; i += step, changed++) emulator.updateDevice(ids[i], change);
  return changed;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

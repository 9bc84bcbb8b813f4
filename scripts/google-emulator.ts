/**
 * The Google Directory emulator on its own, for benchmarks and for trying the API by hand:
 *   npx tsx scripts/google-emulator.ts [--devices 100000] [--port 0] [--quota-per-minute N] [--latency-ms N]
 *     [--sandbox-fleet] [--until-stdin-closes]
 * Prints one JSON line {rootUrl, accessToken, customerId} when it is ready, then serves until stopped.
 * --sandbox-fleet serves the sandbox tenant's devices (the ones `find` looks up in the sandbox).
 */
import { systemClock } from '../src/clock';
import { generateFleet, sandboxFleet } from '../src/sandbox/fleet';
import { startGoogleEmulator } from '../src/sandbox/google';

function option(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
}

async function main(): Promise<void> {
  const devices = process.argv.includes('--sandbox-fleet')
    ? sandboxFleet(systemClock.now())
    : generateFleet({ seed: 7, size: option('devices') ?? 1000, domain: 'example.com', now: systemClock.now() });
  const size = devices.length;
  const emulator = await startGoogleEmulator({
    devices,
    port: option('port') ?? 0,
    quotaPerMinute: option('quota-per-minute'),
    latencyMs: option('latency-ms'),
  });
  process.stdout.write(
    `${JSON.stringify({ rootUrl: emulator.rootUrl, accessToken: emulator.accessToken, customerId: emulator.customerId, devices: size })}\n`,
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Started by the bench: it goes when the bench closes its stdin, even if the bench died.
  if (process.argv.includes('--until-stdin-closes')) process.stdin.resume().once('end', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

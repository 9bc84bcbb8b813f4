/**
 * The sandbox's Google and Graph emulators on their own, for several sandbox instances on one
 * Redis (scaling out, tried on one machine; docs/deploy.md):
 *   npx tsx scripts/sandbox-emulators.ts [--google-port 8444] [--graph-port 8445]
 * Prints one JSON line {SANDBOX_GOOGLE_URL, SANDBOX_GRAPH_URL} when ready, then serves until stopped.
 */
import { systemClock } from '../src/clock';
import { sandboxFleet, sandboxIntuneFleet, SANDBOX_ORG_UNITS } from '../src/sandbox';
import { startGoogleEmulator } from '../src/sandbox/google';
import { startGraphEmulator } from '../src/sandbox/graph';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const now = systemClock.now();
  const google = await startGoogleEmulator({
    devices: sandboxFleet(now),
    orgUnits: SANDBOX_ORG_UNITS,
    port: option('google-port', 8444),
  });
  const graph = await startGraphEmulator({ managedDevices: sandboxIntuneFleet(now), port: option('graph-port', 8445) });
  process.stdout.write(`${JSON.stringify({ SANDBOX_GOOGLE_URL: google.rootUrl, SANDBOX_GRAPH_URL: graph.baseUrl })}\n`);
  const stop = () => void Promise.all([google.close(), graph.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

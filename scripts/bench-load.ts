/**
 * The load generator, in a process of its own so that it never shares an event loop with the bot
 * it loads. It also plays the Bot Connector (a sink that accepts every reply at once), so the
 * bot's replies cost the bot its own work and nothing more. Command:
 *   {cmd:'drive', url, text, turns, concurrency} → TurnStats
 * where text may hold {i} (the turn number) and {serial} (a sandbox device's serial).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { sandboxFleet } from '../src/sandbox/fleet';
import { SANDBOX_PEOPLE, SANDBOX_TENANT_ID } from '../src/sandbox/people';
import { serveCommands } from './bench-child';
import { percentile } from './bench-steadiness';

export interface TurnStats {
  turns: number;
  seconds: number;
  perSecond: number;
  /** Milliseconds, as the client sees them. */
  p50: number;
  p99: number;
}

async function sinkConnector(): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function activity(serviceUrl: string, text: string, i: number) {
  const person = SANDBOX_PEOPLE[i % SANDBOX_PEOPLE.length];
  return {
    type: 'message',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    text,
    locale: 'en-US',
    from: { id: person.teamsId, name: person.name, aadObjectId: person.aadObjectId },
    recipient: { id: '28:device-desk' },
    conversation: { id: `bench-${i % 64}`, conversationType: 'personal', tenantId: SANDBOX_TENANT_ID },
    channelData: { tenant: { id: SANDBOX_TENANT_ID } },
  };
}

async function drive(
  serviceUrl: string,
  serials: string[],
  options: { url: string; text: string; turns: number; concurrency: number },
): Promise<TurnStats> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.turns) {
        const i = next++;
        const text = options.text.replace('{i}', String(i)).replace('{serial}', serials[(i * 7) % serials.length]);
        const t0 = process.hrtime.bigint();
        const res = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity(serviceUrl, text, i)),
        });
        await res.arrayBuffer();
        if (res.status >= 400) throw new Error(`turn ${i} answered ${res.status}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    turns: options.turns,
    seconds,
    perSecond: options.turns / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

async function main(): Promise<void> {
  const serviceUrl = await sinkConnector();
  const serials = sandboxFleet(Date.now()).map((d) => d.serialNumber);
  serveCommands({ serviceUrl }, async (command) => {
    if (command.cmd !== 'drive') throw new Error(`unknown command ${String(command.cmd)}`);
    return drive(serviceUrl, serials, command as never);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

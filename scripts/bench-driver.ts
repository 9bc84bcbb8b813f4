/**
 * What every turn bench sends and where the bot's replies go: Bot Framework message activities
 * from the sandbox people, posted by concurrent clients, and a Bot Connector that accepts every
 * reply at once, so that the bot's replies cost the bot its own work and nothing more.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_PEOPLE, SANDBOX_TENANT_ID } from '../src/sandbox/people';
import { percentile } from './bench-steadiness';

export interface TurnStats {
  turns: number;
  seconds: number;
  perSecond: number;
  /** Milliseconds, as the client sees them. */
  p50: number;
  p99: number;
}

/** The Bot Connector the bots reply to: every reply accepted at once. */
export function startSinkConnector(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

/** Turn `i`'s message: from the sandbox people in turn, over 64 personal conversations. */
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

/** `turns` messages from `concurrency` clients, turn i to urls[i mod n] (round-robin, as a load balancer does). */
export async function driveTurns(options: {
  urls: string[];
  serviceUrl: string;
  text: (i: number) => string;
  turns: number;
  concurrency: number;
}): Promise<TurnStats> {
  const { urls, turns } = options;
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < turns) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        const res = await fetch(urls[i % urls.length], {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity(options.serviceUrl, options.text(i), i)),
        });
        await res.arrayBuffer();
        if (res.status >= 400) throw new Error(`turn ${i} answered ${res.status}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    turns,
    seconds,
    perSecond: turns / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

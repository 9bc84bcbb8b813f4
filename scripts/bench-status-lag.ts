/**
 * Status lag: from the moment a device executes a command to the moment the requester's card
 * shows Done, through the real bot, its tracker and a Bot Connector on a local port.
 *   npx tsx scripts/bench-status-lag.ts [--requests 8] [--poll-ms 1000]
 * Target (DESIGN.md): the card is updated within 2× the polling interval.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config';
import { createDeviceDirectory } from '../src/directory';
import { startDeviceDesk } from '../src/index';
import { silentLogger } from '../src/log';
import { milestoneOf, sandboxFleet } from '../src/sandbox/fleet';
import { startGoogleEmulator } from '../src/sandbox/google';
import { SANDBOX_PEOPLE, SANDBOX_TENANT_ID } from '../src/sandbox/people';

export interface BenchStatusLagResult {
  requests: number;
  pollIntervalMs: number;
  lagMs: { p50: number; max: number };
  withinTwoPolls: number;
}

/** Every card update (PUT) that reaches the connector, with when it arrived. */
async function recordingConnector(): Promise<{
  url: string;
  updates: Array<{ at: number; body: unknown }>;
  close: () => Promise<void>;
}> {
  const updates: Array<{ at: number; body: unknown }> = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.method === 'PUT') updates.push({ at: Date.now(), body: JSON.parse(raw) });
      // Member look-ups tell the bot who is asking (their UPN gives them their role).
      const member =
        req.method === 'GET' ? SANDBOX_PEOPLE.find((p) => req.url?.endsWith(`/members/${p.teamsId}`)) : undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          member
            ? {
                id: member.teamsId,
                name: member.name,
                aadObjectId: member.aadObjectId,
                userPrincipalName: member.upn,
                email: member.email,
              }
            : { id: randomUUID() },
        ),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    updates,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const facts = (card: unknown): Record<string, string> =>
  Object.fromEntries(
    JSON.stringify(card)
      .match(/"title":"[^"]*","value":"[^"]*"/g)
      ?.map((m) => {
        const [, t, v] = m.match(/"title":"([^"]*)","value":"([^"]*)"/)!;
        return [t, v];
      }) ?? [],
  );

export async function benchStatusLag(
  options: { requests?: number; pollIntervalMs?: number } = {},
): Promise<BenchStatusLagResult> {
  const requests = options.requests ?? 8;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const fleet = sandboxFleet(Date.now());
  const google = await startGoogleEmulator({ devices: fleet, commandStepMs: 700 });
  const connector = await recordingConnector();
  const bot = await startDeviceDesk(
    // One person sends every request at once: well over the rate limit a person has in chat.
    {
      ...loadConfig({ SANDBOX: 'true', LOG_LEVEL: 'silent', RATE_LIMIT_PERSON_PER_MINUTE: '100000' }),
      port: 0,
    },
    {
      logger: silentLogger,
      google,
      actions: { skipConfirmation: true, tracking: { pollIntervalMs, maxPollIntervalMs: pollIntervalMs } },
    },
  );
  const directory = createDeviceDirectory({
    customerId: google.customerId,
    rootUrl: google.rootUrl,
    accessToken: google.accessToken,
    logger: silentLogger,
  });
  const alex = SANDBOX_PEOPLE[0];
  try {
    const targets = fleet
      .filter((d) => d.status === 'ACTIVE' && d.behaviour.connectivity === 'online' && milestoneOf(d.osVersion) >= 113)
      .slice(0, requests);
    // Restart is not destructive, so with confirmations skipped the command goes out at once.
    await Promise.all(
      targets.map((d, i) =>
        fetch(`http://127.0.0.1:${bot.port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            type: 'message',
            id: randomUUID(),
            channelId: 'msteams',
            serviceUrl: connector.url,
            text: `restart ${d.serialNumber}`,
            from: { id: alex.teamsId, name: alex.name, aadObjectId: alex.aadObjectId },
            recipient: { id: '28:device-desk' },
            conversation: { id: `lag-${i}`, conversationType: 'personal', tenantId: SANDBOX_TENANT_ID },
            channelData: { tenant: { id: SANDBOX_TENANT_ID } },
          }),
        }).then((r) => r.arrayBuffer()),
      ),
    );
    const deadline = Date.now() + 60_000;
    const done = () => connector.updates.filter((u) => JSON.stringify(u.body).includes('"Done"'));
    while (new Set(done().map((u) => facts(u.body).Serial)).size < targets.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));

    const lags: number[] = [];
    for (const d of targets) {
      const update = done().find((u) => facts(u.body).Serial === d.serialNumber);
      if (!update) throw new Error(`no Done card for ${d.serialNumber} within a minute`);
      const command = await directory.getCommand(d.deviceId, facts(update.body)['Google command']);
      lags.push(update.at - Date.parse(command.result!.executeTime!));
    }
    lags.sort((a, b) => a - b);
    return {
      requests: lags.length,
      pollIntervalMs,
      lagMs: { p50: lags[Math.floor(lags.length / 2)], max: lags[lags.length - 1] },
      withinTwoPolls: lags.filter((l) => l <= 2 * pollIntervalMs).length,
    };
  } finally {
    await bot.stop();
    await google.close();
    await connector.close();
  }
}

if (require.main === module) {
  const arg = (n: string) => {
    const i = process.argv.indexOf(`--${n}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  benchStatusLag({ requests: arg('requests'), pollIntervalMs: arg('poll-ms') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

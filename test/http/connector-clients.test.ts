/**
 * One Bot Connector client per service URL, reused across turns: replies still reach the connector
 * that each activity names, and a second service URL gets a client of its own. One token service
 * client for the bot.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { holdAnswer, reuseConnectorClients } from '../../src/http';

interface Connector {
  url: string;
  paths: string[];
  close(): Promise<void>;
}

async function recordingConnector(): Promise<Connector> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sent-${paths.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    paths,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('reuseConnectorClients', () => {
  let a: Connector;
  let b: Connector;
  beforeAll(async () => {
    [a, b] = [await recordingConnector(), await recordingConnector()];
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('reuses the client of a service URL across turns and replies to the URL each activity names', async () => {
    // Anonymous, as in the sandbox: no app id, no token.
    const adapter = new TeamsAdapter({});
    reuseConnectorClients(adapter);
    const clients: unknown[] = [];
    const tokenClients: unknown[] = [];
    const turn = async (serviceUrl: string, id: string) => {
      const activity = {
        type: 'message',
        id,
        channelId: 'msteams',
        serviceUrl,
        text: 'hello',
        from: { id: 'user-1' },
        recipient: { id: 'bot' },
        conversation: { id: 'conv-1' },
      };
      const { res, answer } = holdAnswer();
      await adapter.process(
        { body: activity, headers: {}, method: 'POST' } as never,
        res as never,
        async (ctx: TurnContext) => {
          clients.push(ctx.turnState.get(ctx.adapter.ConnectorClientKey));
          tokenClients.push(ctx.turnState.get((ctx.adapter as TeamsAdapter).UserTokenClientKey));
          await ctx.sendActivity('hi');
        },
      );
      expect(answer.status).toBe(200);
    };
    await turn(a.url, 'in-1');
    await turn(a.url, 'in-2');
    await turn(b.url, 'in-3');
    expect(clients[0]).toBeDefined();
    expect(clients[1]).toBe(clients[0]);
    expect(clients[2]).not.toBe(clients[0]);
    // The token service's client depends on the app id alone: one for every turn of this bot.
    expect(tokenClients[0]).toBeDefined();
    expect(new Set(tokenClients).size).toBe(1);
    expect(a.paths).toEqual(['/v3/conversations/conv-1/activities/in-1', '/v3/conversations/conv-1/activities/in-2']);
    expect(b.paths).toEqual(['/v3/conversations/conv-1/activities/in-3']);
  });
});

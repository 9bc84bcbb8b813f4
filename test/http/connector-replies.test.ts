import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorClient } from 'botframework-connector';
import { sendMessagesDirectly } from '../../src/http/connector-replies';

interface Received {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A Bot Connector on a local port that answers each request with the next scripted answer. */
interface Answer {
  status: number;
  body?: unknown;
  /** Sent as it is, as text/plain, instead of a JSON body. */
  text?: string;
  headers?: Record<string, string>;
}

async function startConnector(answers: Answer[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
      });
      const answer = answers.shift() ?? { status: 200, body: { id: 'next' } };
      const type = answer.text === undefined ? 'application/json' : 'text/plain';
      res.writeHead(answer.status, { 'content-type': type, ...answer.headers });
      res.end(answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Credentials that sign as the bot's do: the pipeline must still call them for every message. */
const signing = {
  signRequest: async (resource: { headers: { set(name: string, value: string): void } }) => {
    resource.headers.set('authorization', 'Bearer bot-token');
    return resource;
  },
};

const ACTIVITY = {
  type: 'message',
  text: 'Device 5CD1 · **Active**',
  timestamp: new Date('2026-03-02T10:00:00Z'),
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }],
};

describe('messages sent through the connector client’s pipeline', () => {
  let connector: Awaited<ReturnType<typeof startConnector>>;
  afterEach(() => connector.close());

  function client() {
    const c = new ConnectorClient(signing as never, { baseUri: connector.url });
    sendMessagesDirectly(c as never);
    return c;
  }

  it('replies to an activity: the path the connector defines, the activity as JSON, signed', async () => {
    connector = await startConnector([{ status: 200, body: { id: '1:reply' } }]);
    const answer = await client().conversations.replyToActivity('a:1;messageid=9', 'f:8@x', ACTIVITY as never);
    expect(answer).toEqual({ id: '1:reply' });
    expect(connector.received).toHaveLength(1);
    const [sent] = connector.received;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v3/conversations/a%3A1%3Bmessageid%3D9/activities/f%3A8%40x');
    expect(sent.headers.authorization).toBe('Bearer bot-token');
    expect(sent.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(sent.body).toEqual({ ...ACTIVITY, timestamp: '2026-03-02T10:00:00.000Z' });
  });

  it('sends a new message to a conversation', async () => {
    connector = await startConnector([{ status: 201, body: { id: '1:new' } }]);
    expect(await client().conversations.sendToConversation('19:abc@thread.tacv2', ACTIVITY as never)).toEqual({
      id: '1:new',
    });
    expect(connector.received[0].url).toBe('/v3/conversations/19%3Aabc%40thread.tacv2/activities');
  });

  it('waits out throttling and tries again, as the client does', async () => {
    connector = await startConnector([
      { status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 'Throttled', message: 'slow down' } } },
      { status: 200, body: { id: '1:after-wait' } },
    ]);
    expect(await client().conversations.replyToActivity('c', 'a', ACTIVITY as never)).toEqual({ id: '1:after-wait' });
    expect(connector.received).toHaveLength(2);
  });

  it('throws the status, code and message the connector answered with', async () => {
    connector = await startConnector([
      { status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of it' } } },
    ]);
    await expect(client().conversations.replyToActivity('c', 'a', ACTIVITY as never)).rejects.toMatchObject({
      name: 'RestError',
      statusCode: 403,
      code: 'BotNotInConversationRoster',
      message: 'The bot is not part of it',
    });
  });

  it('throws the status and the text of an answer that is not JSON', async () => {
    connector = await startConnector([{ status: 400, text: 'Bad Request: activity too large' }]);
    await expect(client().conversations.sendToConversation('c', ACTIVITY as never)).rejects.toMatchObject({
      name: 'RestError',
      statusCode: 400,
      message: 'Bad Request: activity too large',
    });
  });

  it('keeps the client’s other calls as they were', async () => {
    connector = await startConnector([{ status: 200, body: { id: '1:updated' } }]);
    const answer = await client().conversations.updateActivity('c', '1:x', { ...ACTIVITY, id: '1:x' } as never);
    expect(answer.id).toBe('1:updated');
    expect(connector.received[0]).toMatchObject({ method: 'PUT', url: '/v3/conversations/c/activities/1%3Ax' });
  });
});

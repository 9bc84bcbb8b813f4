import http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { SANDBOX_TENANT_ID } from '../../src/sandbox/people';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, PEOPLE, startHarness } from '../support/harness';

/** Posts a body that keeps coming (no declared size) until the bot answers or `limit` bytes went out. */
function postEndless(url: string, limit: number): Promise<{ status?: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body, sent }));
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    req.write('{"type":"message","text":"');
    const pump = () => {
      while (!answered && sent < limit) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end('"}');
    };
    pump();
  });
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('the HTTP face refuses bad requests without saying anything internal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each([
    ['an activity without type', { id: 'a-1', channelId: 'msteams', from: { id: '29:x' } }, /needs a "type"/],
    ['a type that is not a word', { type: 42 }, /needs a "type"/],
    ['a list instead of an activity', [{ type: 'message' }], /must be a JSON object/],
    [
      'a conversation that is not an object',
      { type: 'message', conversation: 'c' },
      /"conversation" must be an object/,
    ],
  ])('answers 400 to %s', async (_what, body, message) => {
    const res = await h.post(body as never);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
    expect(h.logs.lines.some((l) => l.msg === 'activity refused')).toBe(true);
  });

  it('answers 400 to a body that is not JSON, without the parser talking', async () => {
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'The body is not valid JSON.' });
  });

  it('refuses compressed bodies and bodies that are not JSON', async () => {
    const activity = { type: 'message', text: 'help' };
    const gz = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(activity)),
    });
    expect(gz.status).toBe(415);
    const text = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
  });

  it('stops reading a body with no declared size as soon as it passes the cap', async () => {
    const limit = 64 * 1024 * 1024;
    const res = await postEndless(h.url, limit);
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(16 * 1024 * 1024); // the cap is 1 MB; the rest is socket buffers
    expect(JSON.parse(res.body)).toEqual({ error: 'The body is larger than 1048576 bytes.' });
  });

  it('still answers turns after all that', async () => {
    const { status, replies } = await h.send('help');
    expect(status).toBe(200);
    expect(cardText(cardOf(replies[0]))).toContain('Device Desk');
  });
});

describe('with Bot Framework authentication on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, (c) => ({
      ...c,
      bot: { ...c.bot, appId: '11111111-2222-3333-4444-555555555555', appPassword: 'not-used' },
    }));
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers a token it cannot check with a status and a fixed phrase, never the reason', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Well-formed, so the adapter goes to fetch Bot Framework's signing keys (unreachable here).
    const jwt = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({
      iss: 'https://api.botframework.com',
      aud: '11111111-2222-3333-4444-555555555555',
      nbf: now - 10,
      exp: now + 600,
    })}.c2ln`;
    for (const authorization of [`Bearer ${jwt}`, 'Bearer nonsense', undefined]) {
      const res = await fetch(h.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ type: 'message', text: 'hi', serviceUrl: 'http://127.0.0.1:1', channelId: 'msteams' }),
      });
      const body = await res.text();
      expect([401, 500]).toContain(res.status);
      expect(JSON.parse(body)).toEqual({ error: res.status === 401 ? 'unauthorized' : 'internal error' });
      expect(body).not.toMatch(/botframework|ENOTFOUND|request to|Unauthorized\./);
    }
  });
});

describe('/metrics', () => {
  it('wants the bearer token when METRICS_TOKEN is set', async () => {
    // Every hex digit once, so the check for at least 12 different characters always passes.
    const token = '0123456789abcdef' + randomUUID().replace(/-/g, '');
    const h = await startHarness({ METRICS_TOKEN: token });
    try {
      const base = `http://127.0.0.1:${h.bot.port}/metrics`;
      const none = await fetch(base);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect((await fetch(base, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(base, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('devicedesk_turns_total');
    } finally {
      await h.stop();
    }
  });

  it('moves to its own loopback port, off the public listener', async () => {
    const h = await startHarness({}, (c) => ({ ...c, metrics: { port: 0 } }));
    try {
      expect((await fetch(`http://127.0.0.1:${h.bot.port}/metrics`)).status).toBe(404);
      const own = await fetch(`http://127.0.0.1:${h.bot.metricsPort}/metrics`);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain('devicedesk_turns_total');
      expect((await fetch(`http://127.0.0.1:${h.bot.metricsPort}/api/messages`)).status).toBe(404);
    } finally {
      await h.stop();
    }
  });
});

describe('a device list sent as a file', () => {
  let h: Harness;
  let files: http.Server;
  let written = 0;
  let served: Promise<number>;
  const total = 48 * 1024 * 1024;
  beforeAll(async () => {
    // No Content-Length: the size only shows while reading.
    files = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      const line = Buffer.from('Serial Number\n' + '5CD0000000\n'.repeat(6000));
      served = new Promise((resolve) => res.on('close', () => resolve(written)));
      const pump = () => {
        while (written < total) {
          written += line.length;
          if (!res.write(line)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
    files.closeAllConnections();
    await new Promise<void>((r) => files.close(() => r()));
  });

  it('is downloaded only up to the 2 MB cap, however large it turns out to be', async () => {
    const person = PEOPLE.megan;
    const before = h.connector.calls.length;
    const res = await h.post({
      type: 'message',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: person.teamsId, name: person.name, aadObjectId: person.aadObjectId },
      recipient: { id: '28:device-desk' },
      conversation: { id: `personal-${person.teamsId}`, conversationType: 'personal', tenantId: SANDBOX_TENANT_ID },
      channelData: { tenant: { id: SANDBOX_TENANT_ID } },
      text: 'bulk lost mode on',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.teams.file.download.info',
          name: 'devices.csv',
          content: { downloadUrl: `http://127.0.0.1:${(files.address() as AddressInfo).port}/devices.csv` },
        },
      ],
    });
    expect(res.status).toBe(200);
    const call = h.connector.calls.slice(before).find((c) => cardOf(c)) as RecordedCall;
    expect(cardText(cardOf(call))).toContain('devices.csv is larger than 2 MB; split the list.');
    // The bot hung up long before the end (a few MB of it in socket buffers at most).
    expect(await served).toBeLessThan(total / 2);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { httpFetch } from '../../src/egress';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local server whose answer each test sets; it records what reached it. */
function startServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      answer(req, res);
    });
  });
  return new Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        close: () => {
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      }),
    ),
  );
}

const DEVICE = { kind: 'admin#directory#chromeosdevice', deviceId: 'd-1', serialNumber: 'SN1' };

describe('httpFetch (the Directory API client’s transport)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  beforeEach(async () => {
    server = await startServer((req, res) => answer(req, res));
  });
  afterEach(() => server.close());

  it('sends the method, headers and query, and reads status, headers and JSON', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'x-answer': 'yes' });
      res.end(JSON.stringify(DEVICE));
    };
    const res = await httpFetch(new URL(`${server.url}/devices/d-1?projection=FULL`), {
      headers: new Headers({ authorization: 'Bearer t', 'x-goog-api-client': 'gdcl/1' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-answer')).toBe('yes');
    expect(await res.json()).toEqual(DEVICE);
    expect(server.seen).toEqual([
      expect.objectContaining({ method: 'GET', url: '/devices/d-1?projection=FULL', body: '' }),
    ]);
    expect(server.seen[0].headers).toMatchObject({ authorization: 'Bearer t', 'x-goog-api-client': 'gdcl/1' });
  });

  it('sends a text body with its length, and reads an error answer', async () => {
    answer = (_req, res) => {
      res.writeHead(400, 'Bad Request', { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 400, message: 'Invalid Input' } }));
    };
    const body = JSON.stringify({ action: 'deprovision', note: 'é' });
    const res = await httpFetch(`${server.url}/devices/d-1/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect(res.statusText).toBe('Bad Request');
    expect(await res.json()).toEqual({ error: { code: 400, message: 'Invalid Input' } });
    expect(server.seen[0]).toMatchObject({ method: 'POST', body });
    expect(server.seen[0].headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ])('decodes an answer compressed with %s', async (encoding, compress) => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      res.end(compress(Buffer.from(JSON.stringify(DEVICE))));
    };
    const res = await httpFetch(server.url, { headers: { 'accept-encoding': 'gzip' } });
    expect(await res.json()).toEqual(DEVICE);
  });

  it('reads a body once, as text, JSON, bytes, a Blob or a stream, as a Response does', async () => {
    answer = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(DEVICE));
    };
    const json = JSON.stringify(DEVICE);
    const asText = await httpFetch(server.url);
    expect([asText.ok, asText.status, asText.url]).toEqual([true, 201, `${server.url}/`]);
    expect(await asText.text()).toBe(json);
    await expect(asText.text()).rejects.toThrow(TypeError);
    await expect(asText.json()).rejects.toThrow(/already been read/);
    expect(asText.bodyUsed).toBe(true);
    expect(Buffer.from(await (await httpFetch(server.url)).arrayBuffer()).toString()).toBe(json);
    const blob = await (await httpFetch(server.url)).blob();
    expect([blob.type, await blob.text()]).toEqual(['application/json', json]);
    const stream = (await httpFetch(server.url)).body as ReadableStream<Uint8Array>;
    expect(await new Response(stream).text()).toBe(json);
  });

  it('is not ok outside 2xx', async () => {
    answer = (_req, res) => {
      res.writeHead(503);
      res.end('later');
    };
    const res = await httpFetch(server.url);
    expect([res.ok, res.status, await res.text()]).toEqual([false, 503, 'later']);
  });

  it('gives an empty body for 204 No Content', async () => {
    answer = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const res = await httpFetch(server.url, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('rejects with the signal’s reason when it times out, as fetch does', async () => {
    answer = () => undefined; // never answers
    const error = await httpFetch(server.url, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
  });

  it('does not send when the signal is already aborted', async () => {
    answer = (_req, res) => res.end();
    const controller = new AbortController();
    controller.abort();
    await expect(httpFetch(server.url, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.seen).toEqual([]);
  });

  it('rejects with the socket error’s code when nothing listens', async () => {
    const url = server.url;
    await server.close();
    await expect(httpFetch(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    server = await startServer(() => undefined); // for afterEach
  });

  it('refuses what the Directory API client never sends', async () => {
    await expect(httpFetch(new Request(server.url))).rejects.toThrow(TypeError);
    await expect(httpFetch(server.url, { method: 'POST', body: new URLSearchParams('a=1') })).rejects.toThrow(
      /text or bytes/,
    );
    expect(server.seen).toEqual([]);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvProxyAgent, httpFetch, readProxySettings } from '../../src/egress';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy';

/**
 * The agent installed as the http module's global agent when a proxy is set. Plain-http requests
 * go to the proxy with an absolute URI; each must, not only the first on a connection: a request
 * sent on a reused connection once went with the bare path it was built with, and the proxy could
 * not tell where it was meant to go.
 */
describe('EnvProxyAgent, plain http through the proxy', () => {
  let proxy: RecordingProxy;
  let target: http.Server;
  let targetUrl: string;
  beforeEach(async () => {
    proxy = await startRecordingProxy();
    target = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    target.closeAllConnections();
    await new Promise((r) => target.close(r));
    await proxy.stop();
  });

  it('sends every request of a run with its absolute URI (the Directory API calls one after another)', async () => {
    const agent = new EnvProxyAgent(readProxySettings({ HTTP_PROXY: proxy.url }), false);
    const previous = http.globalAgent;
    http.globalAgent = agent;
    try {
      for (const page of ['1', '2', '3']) {
        const res = await httpFetch(`${targetUrl}/devices?page=${page}`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ path: `/devices?page=${page}` });
      }
    } finally {
      http.globalAgent = previous;
      agent.destroy();
    }
    expect(proxy.calls.map((c) => [c.kind, c.path])).toEqual([
      ['forward', '/devices'],
      ['forward', '/devices'],
      ['forward', '/devices'],
    ]);
  });
});

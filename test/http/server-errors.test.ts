import type { Server } from 'restify';
import { DeskMetrics } from '../../src/telemetry';
import { TurnGate } from '../../src/http';
import { createServer, listen } from '../../src/server';
import { captureLogger } from '../support/logs';

/** Any route of the server, not only /api/messages, keeps its failures to the log. */
describe('a route that fails', () => {
  const logs = captureLogger();
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer({
      adapter: {} as never,
      runTurn: async () => undefined,
      metrics: new DeskMetrics(),
      logger: logs.logger,
      mode: 'production',
      version: 'test',
      metricsHere: false,
      gate: new TurnGate(),
      readinessChecks: {},
    });
    server.get('/throws', async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.5:6379 password=hunter2');
    });
    server.get('/passes-it-on', (_req, _res, next) => next(new Error('store said no at /var/lib/x')));
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(['/throws', '/passes-it-on'])('%s answers 500 with a fixed phrase; the detail is logged', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ message: 'internal error' }); // restify's shape, our words
    expect(body).not.toMatch(/ECONNREFUSED|hunter2|var\/lib|Error/);
    expect(logs.lines.some((l) => l.msg === 'request failed' && l.path === path)).toBe(true);
  });

  it('keeps restify’s answers for unknown paths, which say nothing internal', async () => {
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`)).status).toBe(404); // metrics live on their own port here
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'restify';
import { readiness, TurnGate } from '../../src/http';
import { DeskMetrics } from '../../src/telemetry';
import { createServer, listen } from '../../src/server';
import { captureLogger } from '../support/logs';

describe('readiness checks', () => {
  it('is ready only when every check passes; a check that throws or hangs fails', async () => {
    expect(await readiness({ a: () => true, b: async () => true })).toEqual({
      ready: true,
      checks: { a: 'ok', b: 'ok' },
    });
    const result = await readiness(
      {
        up: () => true,
        down: async () => false,
        broken: async () => {
          throw new Error('connect ECONNREFUSED');
        },
        hanging: () => new Promise<boolean>(() => undefined),
      },
      50,
    );
    expect(result).toEqual({
      ready: false,
      checks: { up: 'ok', down: 'failing', broken: 'failing', hanging: 'failing' },
    });
  });
});

describe('the turn gate', () => {
  it('counts running turns and waits for them once closed', async () => {
    const gate = new TurnGate();
    expect(gate.enter()).toBe(true);
    expect(gate.enter()).toBe(true);
    gate.close();
    expect(gate.open).toBe(false);
    expect(gate.enter()).toBe(false);
    expect(await gate.settled(20)).toBe(false);
    const settled = gate.settled(5_000);
    gate.leave();
    expect(gate.inFlight).toBe(1);
    gate.leave();
    expect(await settled).toBe(true);
  });
});

describe('/healthz, /readyz and /api/messages as the gate and the checks say', () => {
  const logs = captureLogger();
  const gate = new TurnGate();
  let redisUp = true;
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
      gate,
      readinessChecks: { redis: () => redisUp, tenants: () => true },
    });
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers /readyz 503 naming Redis while it is down; /healthz stays 200', async () => {
    redisUp = false;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      ready: false,
      checks: { redis: 'failing', tenants: 'ok', acceptingTurns: 'ok' },
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    redisUp = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('once the gate closes: /readyz 503, and a message 503 with Retry-After, unread', async () => {
    gate.close();
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as any).checks.acceptingTurns).toBe('failing');
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'help' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({ error: 'shutting down' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

describe('the probes of the deployment files', () => {
  const read = (path: string) => readFileSync(join(__dirname, '..', '..', path), 'utf8');

  it('Azure asks /healthz for liveness and /readyz for readiness; Docker’s HEALTHCHECK asks /healthz', () => {
    const bicep = read('infra/azure.bicep');
    const probes = [...bicep.matchAll(/type: '(\w+)'\s+(?:\/\/[^\n]*\s+)?httpGet: \{ path: '([^']+)'/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(probes).toEqual(['Liveness /healthz', 'Readiness /readyz']);
    expect(read('Dockerfile')).toMatch(/^HEALTHCHECK .*\/healthz/m);
  });
});

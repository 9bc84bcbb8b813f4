import { Writable } from 'node:stream';
import pino from 'pino';
import { ManualClock } from '../../src/clock';
import { GraphAuthError, GraphHttpClient, GraphRequestError } from '../../src/intune/graph-http';
import { startGraphEmulator, type GraphEmulator } from '../../src/sandbox/graph';
import { SANDBOX_PEOPLE } from '../../src/sandbox/people';

const ALEX = SANDBOX_PEOPLE[0];

/** Captures what the client logs, to check that no secret ever shows up. */
function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: pino({ level: 'trace' }, stream) };
}

describe('GraphHttpClient against the emulator', () => {
  let graph: GraphEmulator;
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };

  beforeAll(async () => {
    graph = await startGraphEmulator({ tokenLifetimeSeconds: 3600 });
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.requests.length = 0;
    sleeps.length = 0;
    graph.throttleNext(0);
    graph.failNext(0);
  });

  const clientFor = (overrides: Partial<{ secret: string; clock: ManualClock; logger: pino.Logger }> = {}) =>
    new GraphHttpClient({
      auth: {
        kind: 'client-credentials',
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        clientSecret: overrides.secret ?? graph.clientSecret,
        authorityHost: graph.authorityHost,
      },
      baseUrl: graph.baseUrl,
      clock: overrides.clock,
      logger: overrides.logger,
      sleep,
    });

  it('gets a client-credentials token once and reuses it until it nears expiry', async () => {
    const clock = new ManualClock(Date.now());
    const client = clientFor({ clock });
    const before = graph.tokenRequests;
    const user = await client.get<{ userPrincipalName: string }>(`/users/${ALEX.aadObjectId}`);
    expect(user.userPrincipalName).toBe(ALEX.upn);
    await client.get(`/users/${encodeURIComponent(ALEX.upn)}`);
    expect(graph.tokenRequests - before).toBe(1);
    clock.advance(56 * 60_000); // within the renewal margin of the 60-minute token
    await client.get(`/users/${ALEX.aadObjectId}`);
    expect(graph.tokenRequests - before).toBe(2);
  });

  it('works with a fixed token', async () => {
    const client = new GraphHttpClient({
      auth: { kind: 'fixed-token', token: graph.fixedToken },
      baseUrl: graph.baseUrl,
    });
    await expect(client.get(`/groups/00000000-0000-0000-0000-000000000041`)).resolves.toMatchObject({
      displayName: 'Help Desk',
    });
  });

  it('recovers from 429, waiting as long as Retry-After says', async () => {
    const client = clientFor();
    graph.throttleNext(2, 3);
    const user = await client.get<{ id: string }>(`/users/${ALEX.aadObjectId}`);
    expect(user.id).toBe(ALEX.aadObjectId);
    expect(graph.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(sleeps).toEqual([3000, 3000]);
  });

  it('retries a throttled POST even when it is not idempotent: Graph did not run it', async () => {
    const client = clientFor();
    graph.throttleNext(1, 1);
    await client.post(`/users/${ALEX.aadObjectId}/checkMemberGroups`, { groupIds: [] });
    expect(graph.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('retries 5xx with backoff for idempotent requests only', async () => {
    const client = clientFor();
    graph.failNext(2, 503);
    await client.get(`/users/${ALEX.aadObjectId}`);
    expect(graph.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThanOrEqual(sleeps[0] / 2);

    graph.requests.length = 0;
    graph.failNext(1, 503);
    // A POST is never sent again after a 5xx: Graph may have acted on it, so the outcome is unknown.
    await expect(client.post(`/users/${ALEX.aadObjectId}/checkMemberGroups`, { groupIds: [] })).rejects.toMatchObject({
      status: 0,
      upstreamStatus: 503,
      outcomeUnknown: true,
      graphCode: 'ServiceUnavailable',
    });
    expect(graph.requests).toHaveLength(1);
  });

  it('gives up after maxRetries with a typed error carrying Graph’s code and request id', async () => {
    graph.throttleNext(10, 1);
    const client = new GraphHttpClient({
      auth: { kind: 'fixed-token', token: graph.fixedToken },
      baseUrl: graph.baseUrl,
      maxRetries: 2,
      sleep,
    });
    const err = await client.get('/users/nobody').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphRequestError);
    expect(err).toMatchObject({ status: 429, graphCode: 'TooManyRequests', code: 'UPSTREAM_ERROR' });
    expect((err as GraphRequestError).requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(graph.requests).toHaveLength(3);
  });

  it('turns 404 into a GraphRequestError without retrying', async () => {
    const err = await clientFor()
      .get('/users/nobody@example.com')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 404,
      graphCode: 'Request_ResourceNotFound',
      path: '/v1.0/users/nobody@example.com',
    });
    expect((err as GraphRequestError).userMessage).toMatch(/could not find it/);
    expect(graph.requests).toHaveLength(1);
  });

  it('gets a new token once when Graph says the old one is no longer valid', async () => {
    const client = clientFor();
    await client.get(`/users/${ALEX.aadObjectId}`);
    graph.revokeTokens();
    const before = graph.tokenRequests;
    await client.get(`/users/${ALEX.aadObjectId}`);
    expect(graph.tokenRequests - before).toBe(1);
    expect(graph.requests.slice(-2).map((r) => r.status)).toEqual([401, 200]);
  });

  it('follows @odata.nextLink through every page', async () => {
    const client = clientFor();
    const pages: string[][] = [];
    // Megan is in Help Desk and, through it, in IT Staff: two groups, one per page.
    for await (const page of client.pages<{ id: string }>(
      `/users/${SANDBOX_PEOPLE[1].aadObjectId}/transitiveMemberOf`,
      { query: { $top: 1 } },
    )) {
      pages.push(page.map((g) => g.id));
    }
    expect(pages).toEqual([['00000000-0000-0000-0000-000000000041'], ['00000000-0000-0000-0000-000000000044']]);
  });

  it('refuses a nextLink to another host so the token stays with Graph', async () => {
    const client = clientFor();
    await expect(client.get('https://evil.example.com/v1.0/users')).rejects.toBeInstanceOf(GraphRequestError);
    expect(graph.requests).toHaveLength(0);
  });

  it('reports bad credentials as GraphAuthError and never logs the secret or a token', async () => {
    const { lines, logger } = captureLogs();
    const bad = clientFor({ secret: 'wrong-secret-value', logger });
    const err = await bad.get(`/users/${ALEX.aadObjectId}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphAuthError);
    expect((err as GraphAuthError).reason).toBe('invalid_client');
    expect((err as Error).message).not.toContain('wrong-secret-value');

    const good = clientFor({ logger });
    graph.throttleNext(1, 1);
    await good.get(`/users/${ALEX.aadObjectId}`);
    await good.get('/users/nobody').catch(() => undefined);
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(all).not.toContain('wrong-secret-value');
    expect(all).not.toContain(graph.clientSecret);
    expect(all).not.toMatch(/sandbox-[0-9a-f]{48}/);
    expect(all).not.toMatch(/Bearer/i);
  });
});

import { startGraphEmulator, type GraphEmulator } from '../../../src/sandbox/graph';
import { SANDBOX_GROUPS, SANDBOX_PEOPLE } from '../../../src/sandbox/people';

const MEGAN = SANDBOX_PEOPLE[1];

describe('Graph emulator over HTTP', () => {
  let graph: GraphEmulator;
  let token: string;

  beforeAll(async () => {
    graph = await startGraphEmulator();
    token = await getToken({});
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.throttleNext(0);
    graph.failNext(0);
  });

  async function tokenResponse(overrides: Record<string, string>, tenant = graph.tenantId) {
    const form = new URLSearchParams({
      client_id: graph.clientId,
      client_secret: graph.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
      ...overrides,
    });
    const res = await fetch(`${graph.authorityHost}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  async function getToken(overrides: Record<string, string>): Promise<string> {
    const { body } = await tokenResponse(overrides);
    return body.access_token as string;
  }
  const api = (path: string, init: RequestInit = {}, bearer: string | null = token) =>
    fetch(`${graph.baseUrl}${path}`, {
      ...init,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        'content-type': 'application/json',
        ...(init.headers as Record<string, string>),
      },
    });

  it('issues tokens only for the configured app', async () => {
    expect(await tokenResponse({})).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 3600 } });
    expect(graph.tokenUrl).toBe(`${graph.authorityHost}/${graph.tenantId}/oauth2/v2.0/token`);
    expect(await tokenResponse({ client_secret: 'nope' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(await tokenResponse({ client_id: 'other' })).toMatchObject({
      status: 400,
      body: { error: 'unauthorized_client' },
    });
    expect(await tokenResponse({ grant_type: 'password' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    expect(await tokenResponse({ scope: 'User.Read' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_scope' },
    });
    expect(await tokenResponse({}, 'other-tenant')).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('requires a bearer token and answers in Graph’s error shape', async () => {
    for (const bearer of [null, 'made-up']) {
      const res = await api(`/users/${MEGAN.aadObjectId}`, {}, bearer);
      expect(res.status).toBe(401);
      const body = (await res.json()) as {
        error: { code: string; message: string; innerError: Record<string, string> };
      };
      expect(body.error.code).toBe('InvalidAuthenticationToken');
      expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await api(`/users/${MEGAN.aadObjectId}`, {}, graph.fixedToken)).status).toBe(200);
  });

  it('serves users by id or UPN, and groups', async () => {
    const byUpn = (await (await api('/users/MEGANB@example.com')).json()) as Record<string, string>;
    expect(byUpn).toMatchObject({ id: MEGAN.aadObjectId, userPrincipalName: MEGAN.upn, displayName: 'Megan Bowen' });
    const missing = await api('/users/nobody@example.com');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('Request_ResourceNotFound');
    const group = (await (await api(`/groups/${SANDBOX_GROUPS.itStaff.id}`)).json()) as Record<string, unknown>;
    expect(group).toMatchObject({ id: SANDBOX_GROUPS.itStaff.id, displayName: 'IT Staff' });
    expect(group).not.toHaveProperty('members');
  });

  it('checks transitive membership, nested groups included, and enforces the 20-id limit', async () => {
    const ask = async (groupIds: unknown) =>
      api(`/users/${MEGAN.aadObjectId}/checkMemberGroups`, { method: 'POST', body: JSON.stringify({ groupIds }) });
    const res = await ask(Object.values(SANDBOX_GROUPS).map((g) => g.id));
    expect(((await res.json()) as { value: string[] }).value).toEqual([
      SANDBOX_GROUPS.helpDesk.id,
      SANDBOX_GROUPS.itStaff.id,
    ]);
    const tooMany = await ask(Array.from({ length: 21 }, (_, i) => `g${i}`));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { code: string } }).error.code).toBe('Request_BadRequest');
    expect((await ask('not-a-list')).status).toBe(400);
  });

  it('lists transitiveMemberOf with paging', async () => {
    const first = (await (await api(`/users/${MEGAN.aadObjectId}/transitiveMemberOf?$top=1`)).json()) as {
      value: { id: string }[];
      '@odata.nextLink'?: string;
    };
    expect(first.value.map((g) => g.id)).toEqual([SANDBOX_GROUPS.helpDesk.id]);
    expect(first['@odata.nextLink']).toContain(graph.baseUrl);
    const second = (await (
      await fetch(first['@odata.nextLink']!, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { value: { id: string }[]; '@odata.nextLink'?: string };
    expect(second.value.map((g) => g.id)).toEqual([SANDBOX_GROUPS.itStaff.id]);
    expect(second['@odata.nextLink']).toBeUndefined();
  });

  it('answers 429 with Retry-After for the next N requests, then recovers', async () => {
    graph.throttleNext(2, 7);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api(`/users/${MEGAN.aadObjectId}`);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('7');
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
      } else {
        await res.body?.cancel();
      }
    }
    expect(statuses).toEqual([429, 429, 200]);
  });

  it('takes extra routes', async () => {
    graph.addRoute('GET', /^\/deviceManagement\/managedDevices\/([^/]+)$/, ({ params }) => ({
      status: 200,
      body: { id: params[0] },
    }));
    expect(await (await api('/deviceManagement/managedDevices/abc')).json()).toEqual({ id: 'abc' });
    expect((await api('/nothing/here')).status).toBe(400);
  });
});

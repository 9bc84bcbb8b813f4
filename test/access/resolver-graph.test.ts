import { join } from 'node:path';
import { loadAccessFile, type AccessConfig } from '../../src/access/access-file';
import { AccessResolver, type Identity } from '../../src/access/resolver';
import { ManualClock } from '../../src/clock';
import { GraphHttpClient } from '../../src/intune/graph-http';
import { GraphGroupMembership } from '../../src/intune/groups';
import { startGraphEmulator, type GraphEmulator } from '../../src/sandbox/graph';
import { SANDBOX_PEOPLE, SANDBOX_TENANT_ID } from '../../src/sandbox/people';

const person = (name: string): Identity => {
  const p = SANDBOX_PEOPLE.find((x) => x.name.startsWith(name))!;
  return { aadObjectId: p.aadObjectId, upn: p.upn, email: p.email, tenantId: SANDBOX_TENANT_ID, name: p.name };
};

/** The sandbox access file, resolved through Graph (the emulator) over real HTTP. */
describe('AccessResolver with the sandbox access file and Graph', () => {
  let graph: GraphEmulator;
  let config: AccessConfig;
  let clock: ManualClock;
  let resolver: AccessResolver;

  beforeAll(async () => {
    graph = await startGraphEmulator();
    config = await loadAccessFile(join(__dirname, '../../config/access.sandbox.yaml'));
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    clock = new ManualClock();
    const client = new GraphHttpClient({
      auth: {
        kind: 'client-credentials',
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        clientSecret: graph.clientSecret,
        authorityHost: graph.authorityHost,
      },
      baseUrl: graph.baseUrl,
      clock,
      sleep: async () => undefined,
    });
    resolver = new AccessResolver({
      config,
      groups: new GraphGroupMembership(client, { clock, ttlMs: 5 * 60_000 }),
      tenantId: SANDBOX_TENANT_ID,
    });
    graph.requests.length = 0;
  });

  const roles = async (name: string) =>
    (await resolver.resolve(person(name))).grants.map((g) => `${g.role}${g.scopes ? ` ${g.scopes.join(',')}` : ''}`);

  it('gives each persona the documented roles', async () => {
    expect(await roles('Alex')).toEqual(['Intune Administrator']);
    // Megan and Lynne: Help Desk Operator through their group, Lab Technician through the nested IT Staff group.
    expect(await roles('Megan')).toEqual(['Help Desk Operator', 'Lab Technician /Schools/South/Labs']);
    expect(await roles('Lynne')).toEqual(['Help Desk Operator', 'Lab Technician /Schools/South/Labs']);
    expect(await roles('Isaiah')).toEqual(['School Administrator /Schools/North']);
    expect(await roles('Patti')).toEqual(['Read Only Operator']);
    const adele = await resolver.resolve(person('Adele'));
    expect(adele).toMatchObject({ grants: [], endUserOnly: true, groupLookupFailed: false });
  });

  it('records how a group role was given', async () => {
    const access = await resolver.resolve(person('Megan'));
    expect(access.grants.map((g) => g.via)).toEqual([
      { group: '00000000-0000-0000-0000-000000000041' },
      { group: '00000000-0000-0000-0000-000000000044' },
    ]);
  });

  it('lets the scoped school admin act in North only', async () => {
    const access = await resolver.resolve(person('Isaiah'));
    expect(
      resolver.can(access, 'Remote tasks/Enable lost mode', { orgUnitPath: '/Schools/North/Students', users: [] })
        .allowed,
    ).toBe(true);
    expect(
      resolver.can(access, 'Remote tasks/Enable lost mode', { orgUnitPath: '/Schools/South/Students', users: [] })
        .allowed,
    ).toBe(false);
  });

  it('asks Graph once per TTL: the second resolve is served from the cache', async () => {
    const checks = () => graph.requests.filter((r) => r.path.endsWith('/checkMemberGroups')).length;
    await resolver.resolve(person('Megan'));
    expect(checks()).toBe(1);
    await resolver.resolve(person('Megan'));
    clock.advance(5 * 60_000 - 1);
    await resolver.resolve(person('Megan'));
    expect(checks()).toBe(1);
    clock.advance(1);
    await resolver.resolve(person('Megan'));
    expect(checks()).toBe(2);
  });

  it('rides out Graph throttling while resolving', async () => {
    graph.throttleNext(1, 2);
    expect(await roles('Isaiah')).toEqual(['School Administrator /Schools/North']);
    expect(graph.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('keeps direct roles when Graph keeps failing, and flags the lookup', async () => {
    graph.failNext(10, 503);
    const access = await resolver.resolve(person('Alex'));
    graph.failNext(0);
    expect(access.groupLookupFailed).toBe(true);
    expect(access.grants.map((g) => g.role)).toEqual(['Intune Administrator']);
  });
});

import { ManualClock } from '../../src/clock';
import { GraphHttpClient } from '../../src/intune/graph-http';
import { GraphDirectory, GraphGroupMembership } from '../../src/intune/groups';
import { EmulatedDirectory, startGraphEmulator, type GraphEmulator } from '../../src/sandbox/graph';
import { SANDBOX_GROUPS, SANDBOX_PEOPLE } from '../../src/sandbox/people';

const MEGAN = SANDBOX_PEOPLE[1];
const ADELE = SANDBOX_PEOPLE[2];

describe('GraphGroupMembership', () => {
  let graph: GraphEmulator;
  let client: GraphHttpClient;

  beforeAll(async () => {
    const directory = EmulatedDirectory.sandbox();
    // 45 extra groups; Adele is in every third one.
    for (let i = 0; i < 45; i++) {
      const id = `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
      directory.addGroup({ id, displayName: `Bulk ${i}`, members: i % 3 === 0 ? [ADELE.aadObjectId] : [] });
    }
    graph = await startGraphEmulator({ directory });
    client = new GraphHttpClient({ auth: { kind: 'fixed-token', token: graph.fixedToken }, baseUrl: graph.baseUrl });
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.requests.length = 0;
  });

  const checks = () => graph.requests.filter((r) => r.path.endsWith('/checkMemberGroups'));

  it('finds transitive membership through a nested group', async () => {
    const groups = new GraphGroupMembership(client, { clock: new ManualClock() });
    const ids = [SANDBOX_GROUPS.itStaff.id, SANDBOX_GROUPS.northSchoolsIt.id, SANDBOX_GROUPS.helpDesk.id];
    expect(await groups.memberOf(MEGAN.aadObjectId, ids)).toEqual([
      SANDBOX_GROUPS.itStaff.id,
      SANDBOX_GROUPS.helpDesk.id,
    ]);
  });

  it('asks in batches of at most 20 group ids', async () => {
    const groups = new GraphGroupMembership(client, { clock: new ManualClock() });
    const ids = Array.from({ length: 45 }, (_, i) => `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    const found = await groups.memberOf(ADELE.aadObjectId, ids);
    expect(found).toEqual(ids.filter((_, i) => i % 3 === 0));
    expect(checks().map((r) => (r.body as { groupIds: string[] }).groupIds.length)).toEqual([20, 20, 5]);
    expect(checks().every((r) => r.status === 200)).toBe(true);
  });

  it('answers from the cache until the TTL passes', async () => {
    const clock = new ManualClock();
    const groups = new GraphGroupMembership(client, { clock, ttlMs: 60_000 });
    const ids = [SANDBOX_GROUPS.onCall.id];
    expect(await groups.memberOf(MEGAN.aadObjectId, ids)).toEqual([]);
    expect(checks()).toHaveLength(1);

    graph.directory.addMember(SANDBOX_GROUPS.onCall.id, MEGAN.aadObjectId);
    try {
      clock.advance(59_999);
      expect(await groups.memberOf(MEGAN.aadObjectId, ids)).toEqual([]);
      expect(checks()).toHaveLength(1);

      clock.advance(1);
      expect(await groups.memberOf(MEGAN.aadObjectId, ids)).toEqual([SANDBOX_GROUPS.onCall.id]);
      expect(checks()).toHaveLength(2);
    } finally {
      graph.directory.removeMember(SANDBOX_GROUPS.onCall.id, MEGAN.aadObjectId);
    }
  });

  it('only asks about the groups it has no fresh answer for', async () => {
    const groups = new GraphGroupMembership(client, { clock: new ManualClock() });
    await groups.memberOf(MEGAN.aadObjectId, [SANDBOX_GROUPS.helpDesk.id]);
    await groups.memberOf(MEGAN.aadObjectId, [SANDBOX_GROUPS.helpDesk.id, SANDBOX_GROUPS.onCall.id]);
    expect(checks().map((r) => (r.body as { groupIds: string[] }).groupIds)).toEqual([
      [SANDBOX_GROUPS.helpDesk.id],
      [SANDBOX_GROUPS.onCall.id],
    ]);
  });
});

describe('GraphDirectory', () => {
  let graph: GraphEmulator;
  let directory: GraphDirectory;
  beforeAll(async () => {
    graph = await startGraphEmulator();
    directory = new GraphDirectory(
      new GraphHttpClient({ auth: { kind: 'fixed-token', token: graph.fixedToken }, baseUrl: graph.baseUrl }),
    );
  });
  afterAll(() => graph.close());

  it('looks users up by id or UPN and groups by id', async () => {
    expect(await directory.getUser('MeganB@example.com')).toEqual({
      id: MEGAN.aadObjectId,
      displayName: 'Megan Bowen',
      userPrincipalName: MEGAN.upn,
      mail: MEGAN.email,
    });
    expect(await directory.getUser('nobody@example.com')).toBeUndefined();
    expect(await directory.getGroup(SANDBOX_GROUPS.itStaff.id)).toEqual({
      id: SANDBOX_GROUPS.itStaff.id,
      displayName: 'IT Staff',
    });
  });

  it('lists transitive groups', async () => {
    const lynne = SANDBOX_PEOPLE[5];
    expect((await directory.transitiveGroups(lynne.aadObjectId)).map((g) => g.displayName)).toEqual([
      'On-call',
      'IT Staff',
    ]);
  });
});

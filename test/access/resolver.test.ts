import { parseAccessFile } from '../../src/access/access-file';
import { AccessResolver, reach, type Identity } from '../../src/access/resolver';
import { scopeCovers } from '../../src/access/scope';
import { Forbidden } from '../../src/errors';

const noGroups = { memberOf: async () => [] as string[] };

describe('scopeCovers', () => {
  it.each([
    ['/Schools/North', '/Schools/North', true],
    ['/Schools/North', '/Schools/North/Room1', true],
    ['/Schools/North', '/Schools/North/Room1/Cart', true],
    ['/Schools/North/', '/Schools/north/room1', true],
    ['/Schools/North', '/Schools/North2', false],
    ['/Schools/North', '/Schools', false],
    ['/Schools/North', '/Schools/South/Room1', false],
    ['/', '/Anything/At/All', true],
  ])('%s covers %s: %s', (scope, path, expected) => {
    expect(scopeCovers(scope, path)).toBe(expected);
  });
});

describe('AccessResolver scopes and end users', () => {
  const config = parseAccessFile(
    `
assignments:
  - role: School Administrator
    users: [isaiah@example.com]
    scopes: [/Schools/North]
  - role: Read Only Operator
    users: [isaiah@example.com]
    scopes: [/Schools/South]
  - role: Help Desk Operator
    users: [00000000-0000-0000-0000-0000000000021]
`,
    'access.yaml',
  );
  const resolver = new AccessResolver({ config, groups: noGroups, tenantId: 'tenant-a' });
  const isaiah: Identity = {
    aadObjectId: 'x-isaiah',
    upn: 'isaiah@example.com',
    email: 'isaiahl@example.com',
    tenantId: 'tenant-a',
  };
  const megan: Identity = { aadObjectId: '00000000-0000-0000-0000-0000000000021', tenantId: 'tenant-a' };
  const adele: Identity = { aadObjectId: 'x-adele', upn: 'AdeleV@example.com', tenantId: 'tenant-a' };

  it('allows inside the scope, including children', async () => {
    const access = await resolver.resolve(isaiah);
    expect(resolver.can(access, 'Remote tasks/Wipe', { orgUnitPath: '/Schools/North', users: [] }).allowed).toBe(true);
    expect(resolver.can(access, 'Remote tasks/Wipe', { orgUnitPath: '/Schools/North/Room1', users: [] })).toMatchObject(
      { allowed: true, via: 'School Administrator' },
    );
  });

  it('denies outside the scope and for a sibling with the same prefix', async () => {
    const access = await resolver.resolve(isaiah);
    for (const path of ['/Schools/North2', '/Schools/South/Room1', '/Staff']) {
      const d = resolver.can(access, 'Remote tasks/Wipe', { orgUnitPath: path, users: [] });
      expect(d).toMatchObject({ allowed: false, reason: 'out-of-scope' });
      if (!d.allowed) expect(d.message).toContain('/Schools/North');
    }
  });

  it('checks each permission against the scopes of the grants that include it', async () => {
    const access = await resolver.resolve(isaiah);
    // Read comes from both grants; Wipe only from the North one.
    expect(resolver.can(access, 'Managed devices/Read', { orgUnitPath: '/Schools/South/Lab', users: [] }).allowed).toBe(
      true,
    );
    expect(resolver.can(access, 'Remote tasks/Wipe', { orgUnitPath: '/Schools/South/Lab', users: [] }).allowed).toBe(
      false,
    );
    expect(reach(access, 'Managed devices/Read')).toEqual({
      all: false,
      orgUnits: ['/Schools/North', '/Schools/South'],
      users: [],
    });
  });

  it('covers a device without an org unit (Intune) only with an unscoped grant', async () => {
    const intune = { users: ['someone@example.com'] };
    expect(resolver.can(await resolver.resolve(isaiah), 'Remote tasks/Remote lock', intune)).toMatchObject({
      allowed: false,
      reason: 'out-of-scope',
    });
    expect(resolver.can(await resolver.resolve(megan), 'Remote tasks/Remote lock', intune).allowed).toBe(true);
    expect(reach(await resolver.resolve(megan), 'Remote tasks/Remote lock')).toEqual({ all: true });
  });

  it('matches users by object id as well as UPN', async () => {
    const access = await resolver.resolve(megan);
    expect(access.endUserOnly).toBe(false);
    expect(access.grants).toEqual([expect.objectContaining({ role: 'Help Desk Operator', via: 'user' })]);
  });

  it('lets an end user see and report their own devices only', async () => {
    const access = await resolver.resolve(adele);
    expect(access.endUserOnly).toBe(true);
    const own = { orgUnitPath: '/Staff/Office', users: ['adelev@example.com'] };
    const other = { orgUnitPath: '/Staff/Office', users: ['meganb@example.com'] };
    expect(resolver.can(access, 'Own devices/Read', own)).toMatchObject({ allowed: true, via: 'End user' });
    expect(resolver.can(access, 'Own devices/Report lost', own).allowed).toBe(true);
    expect(resolver.can(access, 'Own devices/Report lost', other)).toMatchObject({
      allowed: false,
      reason: 'not-own-device',
    });
    expect(resolver.can(access, 'Managed devices/Read', own)).toMatchObject({
      allowed: false,
      reason: 'missing-permission',
    });
    expect(resolver.can(access, 'Remote tasks/Enable lost mode', own).allowed).toBe(false);
    expect(reach(access, 'Own devices/Read')).toEqual({ all: false, orgUnits: [], users: ['adelev@example.com'] });
  });

  it('recognises ownership by email when it differs from the UPN', async () => {
    const access = await resolver.resolve(isaiah);
    expect(resolver.can(access, 'Own devices/Report lost', { users: ['isaiahl@example.com'] }).allowed).toBe(true);
  });

  it('names the missing permission and the roles that grant it, and throws Forbidden in assertCan', async () => {
    const access = await resolver.resolve(isaiah);
    const d = resolver.can(access, 'Chrome Enterprise/Delete connection settings');
    expect(d).toMatchObject({ allowed: false, reason: 'missing-permission', grantedBy: ['Intune Administrator'] });
    expect(() => resolver.assertCan(access, 'Chrome Enterprise/Delete connection settings')).toThrow(Forbidden);
    try {
      resolver.assertCan(access, 'Organization/Update');
    } catch (err) {
      expect((err as Forbidden).missingPermission).toBe('Organization/Update');
      expect((err as Forbidden).userMessage).toMatch(/"Organization\/Update".*"Intune Administrator"/);
    }
  });

  it('gives users of another tenant no roles', async () => {
    const access = await resolver.resolve({ ...megan, tenantId: 'tenant-b' });
    expect(access.endUserOnly).toBe(true);
  });

  it('keeps direct grants and says so when the group lookup fails', async () => {
    const withGroups = parseAccessFile(
      `assignments:
  - role: Intune Administrator
    groups: [00000000-0000-0000-0000-000000000099]
  - role: Read Only Operator
    users: [isaiah@example.com]
`,
      'a.yaml',
    );
    const failing = new AccessResolver({
      config: withGroups,
      groups: { memberOf: async () => Promise.reject(new Error('graph down')) },
    });
    const access = await failing.resolve(isaiah);
    expect(access.groupLookupFailed).toBe(true);
    expect(access.grants.map((g) => g.role)).toEqual(['Read Only Operator']);
    const d = failing.can(access, 'Remote tasks/Wipe', { users: [] });
    expect(!d.allowed && d.message).toMatch(/group memberships could not be checked/);
  });
});

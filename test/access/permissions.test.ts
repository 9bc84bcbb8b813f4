import { parseAccessFile } from '../../src/access/access-file';
import { ALL_PERMISSIONS, BUILT_IN_ROLES, type Permission } from '../../src/access/permissions';
import { AccessResolver, type UserAccess } from '../../src/access/resolver';

/**
 * The matrix of docs/roles.md, written out by hand: it is the contract, so the test does not
 * derive it from the implementation's tables. Intune's permissions follow Microsoft's built-in
 * role reference (https://learn.microsoft.com/intune/intune-service/fundamentals/role-based-access-control-reference,
 * MicrosoftDocs/memdocs memdocs/intune/fundamentals/role-based-access-control-reference.md at
 * 09c7fd2e): Endpoint Security Manager has Reboot now and Remote lock but neither Retire nor Wipe
 * nor lost mode; Help Desk Operator, Endpoint Security Manager and Read Only Operator have
 * Roles/Read, School Administrator does not. Lost reports, Remote lock PINs, Chrome Enterprise and Organization/Update
 * are Device Desk's own.
 */
const ROLES = [
  'Intune Administrator',
  'Help Desk Operator',
  'School Administrator',
  'Endpoint Security Manager',
  'Read Only Operator',
] as const;
//                                                        IA   HDO  SA   ESM  ROO
const MATRIX: [string, ...boolean[]][] = [
  ['Managed devices/Read', true, true, true, true, true],
  ['Remote tasks/Retire', true, true, true, false, false],
  ['Remote tasks/Wipe', true, true, true, false, false],
  ['Remote tasks/Reboot now', true, true, true, true, false],
  ['Remote tasks/Enable lost mode', true, true, true, false, false],
  ['Remote tasks/Disable lost mode', true, true, true, false, false],
  ['Remote tasks/Remote lock', true, true, true, true, false],
  ['Remote tasks/Sync devices', true, true, true, true, false],
  ['Remote tasks/Reset passcode', true, true, true, false, false],
  ['Remote tasks/Locate device', true, true, true, false, false],
  ['Remote lock PINs/Read', true, false, false, false, false],
  ['Chrome Enterprise/Update connection settings', true, false, false, false, false],
  ['Chrome Enterprise/Delete connection settings', true, false, false, false, false],
  ['Audit/Read', true, true, true, true, true],
  ['Organization/Read', true, true, true, true, true],
  ['Organization/Update', true, false, false, false, false],
  ['Roles/Read', true, true, false, true, true],
  ['Lost reports/Manage', true, true, true, false, false],
];
const OWN = ['Own devices/Read', 'Own devices/Report lost'];

const cases = MATRIX.flatMap(([permission, ...allowed]) =>
  ROLES.map((role, i) => [role, permission, allowed[i]] as const),
);

describe('built-in roles', () => {
  // One user per role, each named directly in an unscoped assignment.
  const config = parseAccessFile(
    ['assignments:', ...ROLES.map((r, i) => `  - role: ${r}\n    users: [user${i}@example.com]`)].join('\n'),
    'roles.yaml',
  );
  const resolver = new AccessResolver({ config, groups: { memberOf: async () => [] } });
  const accessOf = (role: string): Promise<UserAccess> =>
    resolver.resolve({
      aadObjectId: `obj-${role}`,
      upn: `user${ROLES.indexOf(role as (typeof ROLES)[number])}@example.com`,
      tenantId: 't',
    });

  it('the permission list is exactly the documented one', () => {
    expect([...ALL_PERMISSIONS].sort()).toEqual([...MATRIX.map((m) => m[0]), ...OWN].sort());
    expect(BUILT_IN_ROLES.map((r) => r.name)).toEqual([...ROLES]);
  });

  it.each(cases)('%s × %s → %s', async (role, permission, expected) => {
    const access = await accessOf(role);
    expect(access.grants.map((g) => g.role)).toEqual([role]);
    const decision = resolver.can(access, permission as Permission, {
      orgUnitPath: '/Schools/North',
      users: ['someone@example.com'],
    });
    expect(decision.allowed).toBe(expected);
    if (!decision.allowed) {
      expect(decision.reason).toBe('missing-permission');
      // The denial names the roles that would grant it, exactly the matrix's column.
      const granting = ROLES.filter((_, i) => MATRIX.find((m) => m[0] === permission)![i + 1]);
      expect(decision.grantedBy).toEqual(granting);
      expect(decision.message).toContain(permission);
    }
  });

  it.each(ROLES)('%s holds no own-device permission for someone else’s device', async (role) => {
    const access = await accessOf(role);
    for (const p of OWN) {
      expect(resolver.can(access, p as Permission, { orgUnitPath: '/X', users: ['other@example.com'] }).allowed).toBe(
        false,
      );
    }
  });
});

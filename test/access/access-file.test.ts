import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessFileError, loadAccessFile, parseAccessFile } from '../../src/access/access-file';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AccessFileError);
    return (err as AccessFileError).problems;
  }
  throw new Error('expected the file to be rejected');
}

describe('access file', () => {
  it('parses roles, assignments and scopes', () => {
    const config = parseAccessFile(
      `roles:
  - name: Lab Technician
    permissions: [Managed devices/Read, Remote tasks/Reboot now]
assignments:
  - role: Lab Technician
    users: [Bob@Example.com]
    groups: [00000000-0000-0000-0000-0000000000AB]
    scopes: [/Schools/North/]
  - role: Read Only Operator
    users: [00000000-0000-0000-0000-0000000000024]
`,
      'access.yaml',
    );
    expect(config.roles.find((r) => r.name === 'Lab Technician')).toMatchObject({
      builtIn: false,
      permissions: ['Managed devices/Read', 'Remote tasks/Reboot now'],
    });
    expect(config.assignments).toEqual([
      {
        role: 'Lab Technician',
        users: ['bob@example.com'],
        groups: ['00000000-0000-0000-0000-0000000000ab'],
        scopes: ['/Schools/North'],
      },
      { role: 'Read Only Operator', users: ['00000000-0000-0000-0000-0000000000024'], groups: [] },
    ]);
  });

  it('points at the YAML line of an unknown role and suggests the right one', () => {
    const yaml = [
      '# access', // 1
      'assignments:', // 2
      '  - role: Intune Administrator', // 3
      '    users: [alexw@example.com]', // 4
      '  - role: Read Only Operator', // 5
      '    users: [pattif@example.com]', // 6
      '', // 7
      '  - role: Help Desk Operater', // 8
      '    groups: [00000000-0000-0000-0000-000000000041]', // 9
    ].join('\n');
    expect(problemsOf(() => parseAccessFile(yaml, 'access.yaml'))).toEqual([
      'access.yaml line 8 (assignments[2].role): unknown role "Help Desk Operater" — did you mean "Help Desk Operator"?',
    ]);
  });

  it('reports every problem at once, each at its line', () => {
    const yaml = [
      'roles:', // 1
      '  - name: Lab Tech', // 2
      '    permissions:', // 3
      '      - Remote tasks/Reboot', // 4
      '      - Own devices/Read', // 5
      '      - Teleport', // 6
      'assignments:', // 7
      '  - role: Lab Tech', // 8
      '    users: [Megan Bowen]', // 9
      '    scope: [/Schools]', // 10
      '  - role: School Administrator', // 11
      '    groups: [North Schools IT]', // 12
      '    scopes: [Schools/North]', // 13
      '  - role: Read Only Operator', // 14
    ].join('\n');
    expect(problemsOf(() => parseAccessFile(yaml, 'access.yaml'))).toEqual([
      'access.yaml line 10 (assignments[0].scope): unknown key "scope" — did you mean "scopes"? (allowed: role, users, groups, scopes)',
    ]);
    // With the structural mistake fixed, the semantic ones all show up.
    const fixed = yaml.replace('scope: [/Schools]', 'scopes: [/Schools]');
    expect(problemsOf(() => parseAccessFile(fixed, 'access.yaml'))).toEqual([
      'access.yaml line 4 (roles[0].permissions[0]): unknown permission "Remote tasks/Reboot" — did you mean "Remote tasks/Reboot now"?',
      'access.yaml line 5 (roles[0].permissions[1]): "Own devices/Read" belongs to every user for their own devices and can\'t be put in a role',
      'access.yaml line 6 (roles[0].permissions[2]): unknown permission "Teleport"',
      'access.yaml line 9 (assignments[0].users[0]): "Megan Bowen" is neither a user principal name (name@domain) nor an Entra object id',
      'access.yaml line 12 (assignments[1].groups[0]): "North Schools IT" is not an Entra object id; groups are named by object id, as display names need not be unique',
      'access.yaml line 13 (assignments[1].scopes[0]): "Schools/North" is not an org-unit path; paths start with "/", such as /Schools/North',
      'access.yaml line 14 (assignments[2]): an assignment needs "users:" or "groups:" (or both)',
    ]);
  });

  it('rejects wrong types and duplicate keys in YAML with their lines', () => {
    expect(
      problemsOf(() =>
        parseAccessFile('assignments:\n  - role: Intune Administrator\n    users: alexw@example.com\n', 'a.yaml'),
      ),
    ).toEqual(['a.yaml line 3 (assignments[0].users): must be a list, not a text']);
    expect(problemsOf(() => parseAccessFile('assignments: []\nassignments: []\n', 'a.yaml'))).toEqual([
      'a.yaml line 2: Map keys must be unique',
    ]);
    expect(problemsOf(() => parseAccessFile('', 'a.yaml'))[0]).toMatch(/the file is empty/);
  });

  it('rejects custom roles that reuse a built-in name', () => {
    const yaml = 'roles:\n  - name: help desk operator\n    permissions: [Audit/Read]\n';
    expect(problemsOf(() => parseAccessFile(yaml, 'a.yaml'))).toEqual([
      'a.yaml line 2 (roles[0].name): role "help desk operator" has the same name as a built-in role; give it its own name',
    ]);
  });

  it('gives key paths (and lines) for JSON', () => {
    const json = JSON.stringify(
      {
        roles: [{ name: 'Auditor', permissions: ['Audit/Reed'] }],
        assignments: [
          { role: 'Auditor', users: ['a@example.com'] },
          { role: 'Endpoint Security Manger', users: ['b@example.com'] },
        ],
      },
      null,
      2,
    );
    const problems = problemsOf(() => parseAccessFile(json, 'access.json'));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^access\.json line \d+ \(roles\[0\]\.permissions\[0\]\): unknown permission "Audit\/Reed" — did you mean "Audit\/Read"\?$/,
    );
    expect(problems[1]).toMatch(
      /\(assignments\[1\]\.role\): unknown role "Endpoint Security Manger" — did you mean "Endpoint Security Manager"\?$/,
    );
    const line = Number(/line (\d+)/.exec(problems[1])![1]);
    expect(json.split('\n')[line - 1]).toContain('Endpoint Security Manger');
  });

  it('reports JSON syntax errors with a line', () => {
    const problems = problemsOf(() =>
      parseAccessFile('{\n  "assignments": [\n    { "role": "Intune Administrator", }\n  ]\n}', 'access.json'),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^access\.json line 3: not valid JSON/);
  });

  it('detects JSON by content when the extension says nothing', () => {
    const config = parseAccessFile(
      '{"assignments":[{"role":"Intune Administrator","users":["alexw@example.com"]}]}',
      'ACCESS',
    );
    expect(config.assignments[0].users).toEqual(['alexw@example.com']);
  });

  describe('files on disk', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'access-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('loads the sandbox file', async () => {
      const config = await loadAccessFile(join(__dirname, '../../config/access.sandbox.yaml'));
      expect(config.assignments.map((a) => a.role)).toEqual([
        'Intune Administrator',
        'Help Desk Operator',
        'Help Desk Operator',
        'School Administrator',
        'Read Only Operator',
        'Lab Technician',
      ]);
    });

    it('names the file in its errors', async () => {
      const path = join(dir, 'team.yml');
      await writeFile(path, 'assignments:\n  - role: Nobody\n    users: [a@example.com]\n');
      await expect(loadAccessFile(path)).rejects.toThrow(
        'team.yml line 2 (assignments[0].role): unknown role "Nobody"',
      );
      await expect(loadAccessFile(join(dir, 'missing.yaml'))).rejects.toThrow(/file not found/);
    });
  });
});

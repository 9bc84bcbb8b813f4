import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRoster, onCallAt, parseRoster } from '../../src/lost';
import { ConfigError } from '../../src/errors';

const ROSTER = `
escalationMinutes: 10
responders:
  - name: Day Person
    aadObjectId: 00000000-0000-0000-0000-000000000001
    upn: Day@Example.com
    shifts:
      - days: [mon, tue, wed, thu, fri]
        from: "08:00"
        to: "18:00"
  - name: Fallback
    teamsId: "29:fallback"
`;

describe('on-call roster', () => {
  const roster = parseRoster(ROSTER);

  it('reads responders, shifts and the delay', () => {
    expect(roster.escalationMinutes).toBe(10);
    expect(roster.responders[0]).toMatchObject({
      name: 'Day Person',
      teamsId: '00000000-0000-0000-0000-000000000001',
      upn: 'day@example.com',
    });
    expect(roster.responders[1].shifts).toEqual([]);
  });

  it('pages the first responder whose shift covers the moment (UTC)', () => {
    expect(onCallAt(roster, Date.parse('2026-01-05T09:00:00Z'))?.name).toBe('Day Person'); // a Monday
    expect(onCallAt(roster, Date.parse('2026-01-05T18:00:00Z'))?.name).toBe('Fallback');
    expect(onCallAt(roster, Date.parse('2026-01-04T10:00:00Z'))?.name).toBe('Fallback'); // a Sunday
    expect(onCallAt(parseRoster('responders: []'), Date.now())).toBeUndefined();
  });

  it('says what is wrong in a bad file', () => {
    expect(() => parseRoster('responders:\n  - name: Nobody\n')).toThrow(/teamsId or aadObjectId/);
    expect(() => parseRoster('responders:\n  - name: A\n    teamsId: x\n    shifts:\n      - from: "8am"\n')).toThrow(
      ConfigError,
    );
    expect(() => parseRoster('escalationMinutes: -1')).toThrow(/escalationMinutes/);
  });

  it('loads the sandbox roster, and names a missing file', async () => {
    const sandbox = await loadRoster('config/oncall.sandbox.yaml');
    expect(onCallAt(sandbox, Date.now())).toMatchObject({ name: 'Lynne Robbins', teamsId: 'user-id-5' });
    const dir = mkdtempSync(join(tmpdir(), 'roster-'));
    try {
      writeFileSync(join(dir, 'r.yaml'), ROSTER);
      expect((await loadRoster(join(dir, 'r.yaml'))).responders).toHaveLength(2);
      await expect(loadRoster(join(dir, 'missing.yaml'))).rejects.toThrow(/ONCALL_ROSTER: cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { SANDBOX_PEOPLE } from '../../../src/sandbox/people';
import { generateFleet, milestoneOf, sandboxFleet } from '../../../src/sandbox/fleet';

const NOW = Date.parse('2026-01-05T09:00:00Z');

describe('generateFleet', () => {
  it('is deterministic: the same seed gives the same fleet, another seed another one', () => {
    const a = generateFleet({ seed: 7, size: 2000, domain: 'school.example', now: NOW });
    const b = generateFleet({ seed: 7, size: 2000, domain: 'school.example', now: NOW });
    const c = generateFleet({ seed: 8, size: 2000, domain: 'school.example', now: NOW });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.map((d) => d.serialNumber)).not.toEqual(c.map((d) => d.serialNumber));
  });

  // How fast it is belongs to `npm run bench`; here only that 100,000 devices come out unique.
  it('builds 100,000 devices with unique serials, device ids and asset ids', () => {
    const fleet = generateFleet({ seed: 'big', size: 100_000, domain: 'school.example', now: NOW });
    expect(fleet).toHaveLength(100_000);
    expect(new Set(fleet.map((d) => d.serialNumber)).size).toBe(100_000);
    expect(new Set(fleet.map((d) => d.deviceId)).size).toBe(100_000);
    const assets = fleet.map((d) => d.annotatedAssetId).filter(Boolean);
    expect(new Set(assets).size).toBe(assets.length);
  });

  it('looks like a real district fleet', () => {
    const fleet = generateFleet({ seed: 'mix', size: 5000, domain: 'school.example', now: NOW });
    const share = (pred: (d: (typeof fleet)[number]) => boolean) => fleet.filter(pred).length / fleet.length;
    expect(share((d) => d.status === 'ACTIVE')).toBeGreaterThan(0.8);
    expect(share((d) => d.status === 'DISABLED')).toBeGreaterThan(0.01);
    expect(share((d) => d.status === 'DEPROVISIONED')).toBeGreaterThan(0.01);
    expect(share((d) => milestoneOf(d.osVersion) < 113)).toBeGreaterThan(0.02);
    expect(share((d) => milestoneOf(d.osVersion) >= 113)).toBeGreaterThan(0.7);
    expect(share((d) => d.behaviour.connectivity === 'online')).toBeGreaterThan(0.7);
    expect(share((d) => d.behaviour.connectivity === 'offline')).toBeGreaterThan(0.03);
    expect(share((d) => d.behaviour.connectivity === 'flaky')).toBeGreaterThan(0.005);
    const problems: string[] = [];
    const check = (ok: boolean, what: string, d: (typeof fleet)[number]) =>
      ok || problems.push(`${d.serialNumber}: ${what}`);
    for (const d of fleet) {
      check(/^\d+$/.test(d.autoUpdateExpiration), 'autoUpdateExpiration is not int64 ms', d);
      check(Date.parse(d.lastSync) <= NOW, 'lastSync in the future', d);
      check(/^\/(Schools|Staff|Kiosks)\//.test(d.orgUnitPath), 'unexpected org unit', d);
      const kiosk = d.orgUnitPath.startsWith('/Kiosks/');
      check(d.behaviour.kiosk === kiosk, 'kiosk behaviour outside /Kiosks', d);
      check(!kiosk || d.deviceLicenseType === 'kioskUpgrade', 'kiosk without kiosk licence', d);
      check(!d.annotatedUser || /^[a-z.0-9]+@school\.example$/.test(d.annotatedUser), 'user not on the domain', d);
      check(
        d.status !== 'DEPROVISIONED' || /^DEPROVISION_REASON_/.test(d.deprovisionReason ?? ''),
        'deprovisioned without reason',
        d,
      );
    }
    expect(problems).toEqual([]);
    expect(fleet.some((d) => d.serialNumber.startsWith('5CD'))).toBe(true);
  });

  it('gives the named people their devices first', () => {
    const fleet = generateFleet({
      seed: 1,
      size: 50,
      domain: 'school.example',
      now: NOW,
      people: [{ email: 'pat@school.example', devices: 2, orgUnitPath: '/Staff/IT' }],
    });
    const pats = fleet.filter((d) => d.annotatedUser === 'pat@school.example');
    expect(pats).toHaveLength(2);
    for (const d of pats)
      expect(d).toMatchObject({ status: 'ACTIVE', orgUnitPath: '/Staff/IT', behaviour: { connectivity: 'online' } });
  });
});

describe('sandboxFleet', () => {
  const fleet = sandboxFleet(NOW);
  const owned = (email: string) => fleet.filter((d) => d.annotatedUser === email);

  it('has a few hundred devices and gives every sandbox person 1–3 of them', () => {
    expect(fleet.length).toBeGreaterThanOrEqual(200);
    for (const p of SANDBOX_PEOPLE) {
      const n = owned(p.email).length;
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(3);
      for (const d of owned(p.email)) expect(d.recentUsers[0].email).toBe(p.email);
    }
  });

  it('gives Adele several devices (one too old to restart) and puts Isaiah’s in /Schools/North', () => {
    const adele = owned('adelev@example.com');
    expect(adele.length).toBeGreaterThanOrEqual(3);
    expect(adele.some((d) => milestoneOf(d.osVersion) < 113)).toBe(true);
    const isaiah = owned('isaiahl@example.com');
    expect(isaiah.length).toBeGreaterThan(0);
    for (const d of isaiah) expect(d.orgUnitPath.startsWith('/Schools/North/')).toBe(true);
  });

  it('is the same fleet every time', () => {
    expect(JSON.stringify(sandboxFleet(NOW))).toBe(JSON.stringify(fleet));
  });
});

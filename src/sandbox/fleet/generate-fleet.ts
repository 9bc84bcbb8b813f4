import { createRandom, Random } from './random';
import {
  ALNUM,
  DEPROVISION_REASONS_SEEN,
  FIRST_NAMES,
  LAST_NAMES,
  MODELS,
  ModelSpec,
  NOTES,
  ORG_UNITS,
  OrgUnitSpec,
  RELEASES,
  chars,
} from './catalogue';
import { Connectivity, FleetDevice } from './types';

/** Someone who must own devices in the fleet (the demo's people). */
export interface FleetPerson {
  email: string;
  /** How many devices they get; 1–3 at random when omitted. */
  devices?: number;
  /** Where their devices live; a staff org unit at random when omitted. */
  orgUnitPath?: string;
}

export interface FleetOptions {
  seed: string | number;
  size: number;
  domain: string;
  /** Epoch ms that sync and enrolment times are relative to. */
  now: number;
  /** Their devices come first, ACTIVE, online and on a current ChromeOS. */
  people?: FleetPerson[];
}

const DAY = 86_400_000;
const hex = '0123456789abcdef';

function uuid(r: Random): string {
  const h = chars(r, hex, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${hex[8 + r.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

const ascii = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[^a-zA-Z]/g, '')
    .toLowerCase();
const FIRST = FIRST_NAMES.map(ascii);
const LAST = LAST_NAMES.map(ascii);

/** Milestone of a ChromeOS version string ("120.0.6099.235" → 120). */
export function milestoneOf(osVersion: string | undefined): number {
  return Number.parseInt(osVersion ?? '', 10) || 0;
}

const modelsFor = (kind: OrgUnitSpec['kind']): ModelSpec[] =>
  MODELS.filter((m) => (kind === 'kiosk' ? m.kioskOnly : !m.kioskOnly));
const OU_BY_PATH = new Map(ORG_UNITS.map((o) => [o.path, o]));
const weights = <T extends { weight: number }>(items: T[]): [T, number][] => items.map((i) => [i, i.weight]);
const OU_WEIGHTS = weights(ORG_UNITS);
const STAFF_OUS = ORG_UNITS.filter((o) => o.kind === 'staff');
const RELEASE_WEIGHTS = weights(RELEASES);
const MODEL_WEIGHTS = {
  student: weights(modelsFor('student')),
  staff: weights(modelsFor('staff')),
  kiosk: weights(modelsFor('kiosk')),
};
const CURRENT_RELEASES = RELEASES.filter((r) => r.milestone >= 113);

/**
 * A deterministic fleet: the same options give the same devices, byte for byte. Serials,
 * device ids and asset ids are unique. 100,000 devices take a few hundred milliseconds.
 */
export function generateFleet(options: FleetOptions): FleetDevice[] {
  const r = createRandom(`fleet:${options.seed}`);
  const maker = new DeviceMaker(r, options.now, options.domain);
  const devices: FleetDevice[] = [];
  for (const person of options.people ?? []) {
    const count = person.devices ?? r.int(1, 3);
    const ou = (person.orgUnitPath && OU_BY_PATH.get(person.orgUnitPath)) || r.pick(STAFF_OUS);
    for (let i = 0; i < count && devices.length < options.size; i++) devices.push(maker.make(ou, person.email));
  }
  while (devices.length < options.size) devices.push(maker.make(r.weighted(OU_WEIGHTS)));
  return devices;
}

/** Where a device stands in its life: its model and release, status and connectivity. */
interface Life {
  spec: ModelSpec;
  aueMs: number;
  release: (typeof RELEASES)[number];
  status: string;
  connectivity: Connectivity;
}

/**
 * Makes one plausible device at a time. The draws from the seeded random source happen in a fixed
 * order, so a seed always gives the same fleet.
 */
class DeviceMaker {
  private readonly serials = new Set<string>();
  private readonly ids = new Set<string>();
  private readonly assetCounters = new Map<string, number>();

  constructor(
    private readonly r: Random,
    private readonly now: number,
    private readonly domain: string,
  ) {}

  make(ou: OrgUnitSpec, owner?: string): FleetDevice {
    const { r } = this;
    const kiosk = ou.kind === 'kiosk';
    const life = this.life(ou, owner);
    const { user, recentUsers } = this.users(ou, owner);
    const { firstEnrolled, lastEnrolled, lastSync } = this.enrolment(life);
    const counter = (this.assetCounters.get(ou.assetPrefix) ?? 0) + 1;
    this.assetCounters.set(ou.assetPrefix, counter);
    const { spec, release, status, connectivity } = life;
    const deprovisioned = status === 'DEPROVISIONED';
    // One literal with every key (undefined when absent) keeps V8 on a single object shape.
    return {
      deviceId: unique(this.ids, () => uuid(r)),
      serialNumber: unique(this.serials, () => spec.serial(r)),
      status,
      model: spec.model,
      osVersion: release.chrome,
      platformVersion: `${release.build}.${r.int(20, 90)}.0 (Official Build) stable-channel ${spec.board}`,
      firmwareVersion: `Google_${spec.board}.${release.build - r.int(2000, 3000)}.${r.int(0, 300)}.0`,
      lastSync: new Date(lastSync).toISOString(),
      annotatedUser: user,
      annotatedAssetId: r.chance(0.05) ? undefined : `${ou.assetPrefix}-${String(counter).padStart(6, '0')}`,
      annotatedLocation: r.chance(0.9) ? r.pick(ou.locations) : undefined,
      notes: r.chance(0.15) ? r.pick(NOTES) : undefined,
      orgUnitPath: ou.path,
      orgUnitId: ou.id.slice(3),
      recentUsers: deprovisioned ? [] : recentUsers,
      deviceLicenseType: kiosk ? 'kioskUpgrade' : ou.path.startsWith('/Schools') ? 'education' : 'enterprise',
      bootMode: r.chance(0.01) ? 'Dev' : 'Verified',
      autoUpdateExpiration: String(life.aueMs),
      firstEnrollmentTime: new Date(firstEnrolled).toISOString(),
      lastEnrollmentTime: new Date(lastEnrolled).toISOString(),
      macAddress: chars(r, hex, 12),
      manufactureDate: new Date(firstEnrolled - r.int(20, 200) * DAY).toISOString().slice(0, 10),
      orderNumber: r.chance(0.3) ? `PO-${chars(r, ALNUM, 8)}` : undefined,
      deprovisionReason: deprovisioned ? r.pick(DEPROVISION_REASONS_SEEN) : undefined,
      lastDeprovisionTimestamp: deprovisioned ? new Date(lastSync + r.int(1, 30) * DAY).toISOString() : undefined,
      behaviour: { connectivity, kiosk },
    };
  }

  /** A named person's device is current and online; others age, break and get retired like real ones. */
  private life(ou: OrgUnitSpec, owner?: string): Life {
    const { r } = this;
    const spec = r.weighted(MODEL_WEIGHTS[ou.kind]);
    // Models past their auto-update expiration are stuck on an old milestone.
    const aueMs = Date.parse(`${spec.aue}-01T00:00:00Z`);
    const expired = aueMs < this.now;
    const release = owner ? r.pick(CURRENT_RELEASES) : expired ? RELEASES[r.int(0, 1)] : r.weighted(RELEASE_WEIGHTS);
    const status = owner
      ? 'ACTIVE'
      : r.weighted<string>([
          ['ACTIVE', 90],
          ['DISABLED', 4],
          ['DEPROVISIONED', 6],
        ]);
    const connectivity: Connectivity = owner
      ? 'online'
      : status === 'DEPROVISIONED'
        ? 'offline'
        : r.weighted<Connectivity>([
            ['online', 85],
            ['offline', 12],
            ['flaky', 3],
          ]);
    return { spec, aueMs, release, status, connectivity };
  }

  /** The annotated user and who signed in lately; kiosks have none. */
  private users(ou: OrgUnitSpec, owner?: string): { user?: string; recentUsers: FleetDevice['recentUsers'] } {
    const { r, domain } = this;
    const kiosk = ou.kind === 'kiosk';
    let user = owner;
    if (!user && !kiosk && r.chance(0.92)) {
      user = `${r.pick(FIRST)}.${r.pick(LAST)}${ou.kind === 'student' ? r.int(1, 999) : ''}@${domain}`;
    }
    const recentUsers = kiosk || !user ? [] : [{ email: user, type: 'USER_TYPE_MANAGED' }];
    if (!kiosk && r.chance(0.25)) {
      recentUsers.push({ email: `${r.pick(FIRST)}.${r.pick(LAST)}@${domain}`, type: 'USER_TYPE_MANAGED' });
    }
    if (!kiosk && r.chance(0.05)) recentUsers.push({ email: '', type: 'USER_TYPE_UNMANAGED' });
    return { user, recentUsers };
  }

  /** Enrolled up to four years ago, maybe re-enrolled since; last synced as its connectivity allows. */
  private enrolment(life: Life): { firstEnrolled: number; lastEnrolled: number; lastSync: number } {
    const { r, now } = this;
    const firstEnrolled = now - r.int(30, 1500) * DAY - r.int(0, DAY);
    const lastEnrolled = r.chance(0.2)
      ? firstEnrolled + r.int(1, Math.max(1, Math.floor((now - firstEnrolled) / DAY) - 1)) * DAY
      : firstEnrolled;
    const syncAge =
      life.status === 'DEPROVISIONED'
        ? r.int(60, 400) * DAY
        : life.connectivity === 'offline'
          ? r.int(5, 60) * DAY
          : r.int(0, 3 * DAY);
    return { firstEnrolled, lastEnrolled, lastSync: Math.max(lastEnrolled, now - syncAge) };
  }
}

function unique(set: Set<string>, make: () => string): string {
  let v = make();
  while (set.has(v)) v = make();
  set.add(v);
  return v;
}

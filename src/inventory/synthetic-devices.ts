import type { InventoryDevice } from './types';

/**
 * A deterministic synthetic inventory for load tests and benchmarks of the lookup indexes
 * (the realistic Google-shaped fleet lives in the sandbox). Same seed, same devices.
 */
export interface SyntheticDeviceOptions {
  count: number;
  seed?: number;
  /** Share of Intune devices (the rest are ChromeOS). Default 0.15. */
  intuneShare?: number;
  syncGeneration?: number;
}

export const SYNTHETIC_SCHOOLS = [
  'North',
  'South',
  'East',
  'West',
  'Central',
  'Lakeside',
  'Hillcrest',
  'Riverside',
  'Oakwood',
  'Maple',
  'Cedar',
  'Pinecrest',
];
const SERIAL_PREFIXES = ['5CD', 'NXH', 'PF3', 'R9K', 'HVN', 'JQT'];
const CHROME_MODELS = [
  'Lenovo 300e Chromebook Gen 3',
  'HP Chromebook 11 G9 EE',
  'Dell Chromebook 3100',
  'Acer Chromebook Spin 511',
  'ASUS Chromebook CR1100',
];
const INTUNE_MODELS: Array<[model: string, platform: string]> = [
  ['iPad (9th generation)', 'iPadOS'],
  ['MacBook Air (M2)', 'macOS'],
  ['iPhone 14', 'iOS'],
  ['Pixel 7', 'Android'],
];
const FIRST = [
  'ava',
  'ben',
  'chloe',
  'dan',
  'emma',
  'finn',
  'grace',
  'hugo',
  'isla',
  'jack',
  'kai',
  'lena',
  'mia',
  'noah',
  'olga',
  'pia',
  'quinn',
  'rosa',
  'sam',
  'tara',
];
const LAST = [
  'smith',
  'jones',
  'brown',
  'garcia',
  'miller',
  'davis',
  'lopez',
  'wilson',
  'moore',
  'taylor',
  'clark',
  'lewis',
  'walker',
  'hall',
  'young',
  'king',
  'wright',
  'scott',
  'green',
  'baker',
];
const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** mulberry32: tiny, fast and good enough to spread synthetic data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The n-th user of the pool: ava.smith@…, then ava.smith1@… once every name is taken. */
export function syntheticUser(n: number): string {
  const round = Math.floor(n / (FIRST.length * LAST.length));
  const first = FIRST[n % FIRST.length];
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length];
  return `${first}.${last}${round > 0 ? round : ''}@school.example`;
}

export function syntheticDevices(options: SyntheticDeviceOptions): InventoryDevice[] {
  const rnd = seededRandom(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const hex = (digits: number): string =>
    Array.from({ length: digits }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const userPool = Math.max(1, Math.floor(options.count * 0.6));
  const intuneShare = options.intuneShare ?? 0.15;
  const devices: InventoryDevice[] = [];
  for (let i = 0; i < options.count; i++) {
    // The index inside id and serial keeps both unique whatever the random draws.
    const id = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${i.toString(16).padStart(12, '0')}`;
    const serial = `${pick(SERIAL_PREFIXES)}${i.toString(36).toUpperCase().padStart(5, '0')}${Array.from({ length: 3 }, () => pick([...BASE36])).join('')}`;
    const userRoll = rnd();
    const users =
      userRoll < 0.1
        ? []
        : userRoll < 0.8
          ? [syntheticUser(Math.floor(rnd() * userPool))]
          : [syntheticUser(Math.floor(rnd() * userPool)), syntheticUser(Math.floor(rnd() * userPool))];
    const school = pick(SYNTHETIC_SCHOOLS);
    const lastSync = new Date(Date.UTC(2025, 0, 1) + Math.floor(rnd() * 90 * 86_400_000)).toISOString();
    if (rnd() < intuneShare) {
      const [model, platform] = pick(INTUNE_MODELS);
      devices.push({
        id,
        source: 'intune',
        serialNumber: serial,
        name: `${platform.toUpperCase()}-${serial.slice(-6)}`,
        model,
        platform,
        osVersion: `${14 + Math.floor(rnd() * 4)}.${Math.floor(rnd() * 6)}`,
        users: users.slice(0, 1),
        lastSync,
        syncGeneration: options.syncGeneration,
      });
      continue;
    }
    const model = pick(CHROME_MODELS);
    const staff = rnd() < 0.1;
    devices.push({
      id,
      source: 'chrome',
      serialNumber: serial,
      name: model,
      model,
      status: rnd() < 0.95 ? 'ACTIVE' : pick(['DISABLED', 'DEPROVISIONED']),
      platform: 'ChromeOS',
      osVersion: `${118 + Math.floor(rnd() * 8)}.0.${6000 + Math.floor(rnd() * 300)}.0`,
      assetId: rnd() < 0.9 ? `A${(100000 + i).toString()}` : undefined,
      location: rnd() < 0.9 ? `${school} Room ${100 + Math.floor(rnd() * 50)}` : undefined,
      orgUnitPath: staff ? `/Staff/${school}` : `/Schools/${school}/Grade ${1 + Math.floor(rnd() * 12)}`,
      users,
      lastSync,
      syncGeneration: options.syncGeneration,
    });
  }
  return devices;
}

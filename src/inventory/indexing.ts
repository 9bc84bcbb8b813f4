import { InvalidInput } from '../errors';
import { COUNT_LIMIT, type InventoryDevice, type SearchFilter, type SearchResult } from './types';

/**
 * What both inventory implementations index, computed the same way, so the memory twin and the
 * Redis store find exactly the same devices for the same query.
 */

/** Trimmed, lower-cased, inner whitespace collapsed: the form every exact lookup compares. */
export function normalizeKey(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Words of a field or a query: letters and digits only, lower-cased. */
export function tokenize(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/**
 * Results are ordered by serial, then id, so a page is stable between calls. The NUL separator
 * sorts below every character, which keeps "ABC" before "ABCD", and lets Redis read the same
 * order straight out of a lexicographic sorted set.
 */
export function sortKey(device: Pick<InventoryDevice, 'serialNumber' | 'id'>): string {
  return `${normalizeSerial(device.serialNumber)}\u0000${device.id}`;
}

/** Device id out of a sort key. */
export function idFromSortKey(key: string): string {
  return key.slice(key.indexOf('\u0000') + 1);
}

export function normalizeSerial(serial: string | undefined): string {
  // A NUL inside a serial would break the sort-key layout; no real serial carries one.
  return (serial ?? '').split('\u0000').join('').trim().toLowerCase();
}

/** Org-unit paths compare case-insensitively (Google does not allow two units differing only by case). */
export function normalizeOrgUnit(path: string): string {
  const parts = path
    .trim()
    .toLowerCase()
    .split('/')
    .filter((p) => p.length > 0);
  return `/${parts.join('/')}`;
}

/** Every unit a device is "under", root excluded: /a/b → ['/a', '/a/b']. */
export function orgUnitAncestors(path: string | undefined): string[] {
  if (!path) return [];
  const parts = normalizeOrgUnit(path)
    .split('/')
    .filter((p) => p.length > 0);
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(`/${parts.slice(0, i).join('/')}`);
  return out;
}

/** The index terms of one device. Both implementations index exactly these. */
export interface DeviceTerms {
  sortKey: string;
  serial: string;
  assetId?: string;
  users: string[];
  location?: string;
  tokens: string[];
  orgUnits: string[];
}

export function deviceTerms(device: InventoryDevice): DeviceTerms {
  const users = unique(device.users.map(normalizeKey).filter((u) => u.length > 0));
  const assetId = device.assetId ? normalizeKey(device.assetId) : '';
  const location = device.location ? normalizeKey(device.location) : '';
  // One split over every field: a space is no letter or digit, so the words are those of each field.
  const tokens = unique(
    tokenize(
      [
        device.serialNumber,
        device.name,
        device.model,
        device.platform,
        device.assetId,
        ...users,
        device.location,
        device.orgUnitPath,
      ].join(' '),
    ),
  );
  return {
    sortKey: sortKey(device),
    serial: normalizeSerial(device.serialNumber),
    assetId: assetId || undefined,
    users,
    location: location || undefined,
    tokens,
    orgUnits: orgUnitAncestors(device.orgUnitPath),
  };
}

/** Rejects what would corrupt an index; copies, so callers can't mutate stored records. */
export function checkedCopy(device: InventoryDevice): InventoryDevice {
  if (!device || typeof device.id !== 'string' || device.id.length === 0) {
    throw new InvalidInput('Every inventory device needs a non-empty id.');
  }
  if (device.source !== 'chrome' && device.source !== 'intune') {
    throw new InvalidInput(`Device ${device.id} has an unknown source.`);
  }
  return { ...device, serialNumber: device.serialNumber ?? '', users: [...(device.users ?? [])] };
}

/**
 * A filter reduced to what both implementations check. A device passes when it matches every
 * field that was given: `users` (shares at least one user) and `orgUnits` (at or under one of
 * the paths; '/' covers every device, including those without an org unit).
 * A field given as an empty list matches nothing: an end user without a known email sees none.
 */
export interface NormalizedFilter {
  /** True when no device can pass. */
  none: boolean;
  users?: string[];
  /** Undefined when the org-unit part covers everything. */
  orgUnits?: string[];
}

export function normalizeFilter(filter: SearchFilter | undefined): NormalizedFilter | undefined {
  if (!filter) return undefined;
  const out: NormalizedFilter = { none: false };
  if (filter.users) {
    out.users = unique(filter.users.map(normalizeKey).filter((u) => u.length > 0));
    if (out.users.length === 0) out.none = true;
  }
  if (filter.orgUnits) {
    const paths = unique(filter.orgUnits.map(normalizeOrgUnit));
    if (paths.length === 0) out.none = true;
    else if (!paths.includes('/')) out.orgUnits = paths;
  }
  if (!out.none && !out.users && !out.orgUnits) return undefined;
  return out;
}

export function passesFilter(
  terms: Pick<DeviceTerms, 'users' | 'orgUnits'>,
  filter: NormalizedFilter | undefined,
): boolean {
  if (!filter) return true;
  if (filter.none) return false;
  if (filter.users && !filter.users.some((u) => terms.users.includes(u))) return false;
  if (filter.orgUnits && !filter.orgUnits.some((p) => terms.orgUnits.includes(p))) return false;
  return true;
}

/** A count as a search reports it: exact up to COUNT_LIMIT, and `more` past it. */
export function countedTotal(count: number): Pick<SearchResult, 'total' | 'more'> {
  return count > COUNT_LIMIT ? { total: COUNT_LIMIT, more: true } : { total: count };
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 10;
  return Math.max(0, Math.floor(limit));
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

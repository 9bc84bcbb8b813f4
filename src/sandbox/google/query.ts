/**
 * Google's list query language for ChromeOS devices, the part the bot uses: `id:` (serial,
 * partial from three characters), `asset_id:`, `user:`, `location:`, `note:`, `status:`,
 * `model:`/`public_model_name:`, `recent_user:`, `sync:` (last sync day or range of days) and plain
 * words (any of those fields). Terms are ANDed; values may be quoted ("tom sawyer"). Matching is
 * case-insensitive.
 */
import { invalid } from './google-errors';

export interface Searchable {
  serialNumber: string;
  status: string;
  model?: string;
  annotatedUser?: string;
  annotatedAssetId?: string;
  annotatedLocation?: string;
  notes?: string;
  macAddress?: string;
  recentUsers?: { email?: string }[];
  /** RFC 3339. */
  lastSync?: string;
}

export type DevicePredicate = (d: Searchable) => boolean;

interface Term {
  key?: string;
  value: string;
}

export function tokenize(query: string): Term[] {
  const terms: Term[] = [];
  // key:"quoted value" | key:value | "quoted" | word
  const re = /(?:([a-z_]+):)?(?:"([^"]*)"|(\S+))/gi;
  for (const m of query.matchAll(re)) {
    const value = (m[2] ?? m[3] ?? '').toLowerCase();
    terms.push(m[1] ? { key: m[1].toLowerCase(), value } : { value });
  }
  return terms;
}

const has = (field: string | undefined, value: string): boolean => (field ?? '').toLowerCase().includes(value);

const STATUS_MATCHERS: Record<string, (status: string) => boolean> = {
  provisioned: (s) => s === 'ACTIVE',
  active: (s) => s === 'ACTIVE',
  disabled: (s) => s === 'DISABLED',
  deprovisioned: (s) => s === 'DEPROVISIONED',
  managed: (s) => s !== 'DEPROVISIONED',
  inactive: (s) => s === 'INACTIVE',
  pre_provisioned: (s) => s === 'PRE_PROVISIONED',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day in YYYY-MM-DD, else undefined. */
function calendarDay(text: string): string | undefined {
  if (!DAY.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? undefined : text;
}

/**
 * `sync:` takes a day (`2013-10-12`), a range (`2013-10-01..2013-10-12`), or an open range
 * (`..2013-10-12`, `2013-10-01..`): Google's list query operators,
 * https://developers.google.com/workspace/admin/directory/v1/list-query-operators ("Last sync",
 * and its "Date and time formats" section; the four forms as GAMADV-XTD3's ChromeOS Devices wiki
 * spells them out). Unconfirmed, and chosen here: both ends are inclusive, days are UTC days, and
 * a time of day is refused (Google documents none for this operator).
 */
function dayRangePredicate(operator: string, value: string, field: (d: Searchable) => string | undefined) {
  const [from, to, ...rest] = value.includes('..') ? value.split('..') : [value, value];
  const start = from === '' ? '' : calendarDay(from);
  const end = to === '' ? '' : calendarDay(to);
  if (rest.length || start === undefined || end === undefined || (start === '' && end === ''))
    throw invalid(`Invalid Input: ${operator}:${value}`);
  return (d: Searchable) => {
    const day = (field(d) ?? '').slice(0, 10);
    return day !== '' && (start === '' || day >= start) && (end === '' || day <= end);
  };
}

function termPredicate(term: Term): DevicePredicate {
  const v = term.value;
  switch (term.key) {
    case undefined:
      return (d) =>
        has(d.serialNumber, v) ||
        has(d.annotatedAssetId, v) ||
        has(d.annotatedUser, v) ||
        has(d.annotatedLocation, v) ||
        has(d.notes, v) ||
        has(d.model, v) ||
        has(d.macAddress, v) ||
        (d.recentUsers ?? []).some((u) => has(u.email, v));
    case 'id':
      // Google searches partial serials only from three characters on.
      return v.length >= 3 ? (d) => has(d.serialNumber, v) : (d) => d.serialNumber.toLowerCase() === v;
    case 'asset_id':
      return (d) => has(d.annotatedAssetId, v);
    case 'user':
      return (d) => has(d.annotatedUser, v);
    case 'location':
      return (d) => has(d.annotatedLocation, v);
    case 'note':
      return (d) => has(d.notes, v);
    case 'model':
    case 'public_model_name':
      return (d) => has(d.model, v);
    case 'recent_user':
      return (d) => (d.recentUsers ?? []).some((u) => has(u.email, v));
    case 'sync':
      return dayRangePredicate('sync', v, (d) => d.lastSync);
    case 'status': {
      const match = STATUS_MATCHERS[v];
      if (!match) throw invalid(`Invalid Input: status:${v}`);
      return (d) => match(d.status);
    }
    default:
      throw invalid(`Invalid Input: unknown query operator ${term.key}:`);
  }
}

/** Throws a 400 invalid for an unknown operator or status, as Google does. */
export function parseQuery(query: string | undefined): DevicePredicate | undefined {
  if (!query || !query.trim()) return undefined;
  const predicates = tokenize(query).map(termPredicate);
  return (d) => predicates.every((p) => p(d));
}

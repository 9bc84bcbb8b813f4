import { reach, scopeCovers, type Requester } from '../access';
import {
  countedTotal,
  MATCH_KIND_ORDER,
  type Inventory,
  type InventoryDevice,
  type MatchKind,
  type SearchFilter,
  type SearchResult,
} from '../inventory';

/** How many of someone's own devices a search looks at; nobody has more in practice. */
const OWN_LIMIT = 200;

/**
 * The inventory filters a requester's searches run with. Read permission anywhere in the tenant →
 * no filter; scoped read → their org units, plus their own devices; no read role → own devices.
 * The inventory filter is an AND of its parts, so "org units OR own" takes two searches.
 */
export function searchFilters(requester: Requester): SearchFilter[] {
  const managed = reach(requester.access, 'Managed devices/Read');
  if (managed.all) return [{}];
  const own = reach(requester.access, 'Own devices/Read');
  const filters: SearchFilter[] = [];
  if (managed.orgUnits.length > 0) filters.push({ orgUnits: managed.orgUnits });
  // No UPN or email known: no own devices (an empty user list matches nothing, on purpose).
  filters.push({ users: own.all ? [] : own.users });
  return filters;
}

/**
 * Searches the inventory as the requester may see it. Hidden devices are never counted, so a
 * search for someone else's serial reads exactly like a search for a serial that doesn't exist.
 */
export async function searchAsRequester(
  inventory: Inventory,
  requester: Requester,
  query: string,
  options: { limit: number; kind?: MatchKind },
): Promise<SearchResult> {
  const filters = searchFilters(requester);
  if (filters.length === 1)
    return inventory.search(requester.tenantId, query, {
      limit: options.limit,
      kind: options.kind,
      filter: filters[0],
    });

  const [scoped, own] = await Promise.all([
    inventory.search(requester.tenantId, query, { limit: options.limit, kind: options.kind, filter: filters[0] }),
    inventory.search(requester.tenantId, query, { limit: OWN_LIMIT, kind: options.kind, filter: filters[1] }),
  ]);
  // The first kind that found anything wins, as in a single search.
  const best = [scoped, own].filter((r) => r.total > 0).sort((a, b) => rank(a.matchedBy) - rank(b.matchedBy))[0];
  if (!best) return { total: 0, devices: [] };
  const parts = [scoped, own].filter((r) => r.total > 0 && r.matchedBy === best.matchedBy);
  if (parts.length === 1) return { ...best, devices: best.devices.slice(0, options.limit) };

  const orgUnits = filters[0].orgUnits ?? [];
  const inScope = (d: InventoryDevice) =>
    !!d.orgUnitPath && orgUnits.some((s) => scopeCovers(s, d.orgUnitPath as string));
  const extra = own.devices.filter((d) => !inScope(d));
  const seen = new Set(scoped.devices.map((d) => d.id));
  const devices = [...scoped.devices, ...extra.filter((d) => !seen.has(d.id))]
    .sort((a, b) => a.serialNumber.localeCompare(b.serialNumber) || a.id.localeCompare(b.id))
    .slice(0, options.limit);
  const counted = countedTotal(scoped.total + extra.length);
  return { matchedBy: best.matchedBy, ...counted, ...(scoped.more ? { more: true } : {}), devices };
}

function rank(kind: MatchKind | undefined): number {
  const i = kind ? MATCH_KIND_ORDER.indexOf(kind) : -1;
  return i < 0 ? MATCH_KIND_ORDER.length : i;
}

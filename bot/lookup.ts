import { Application, TurnState } from '@microsoft/teams-ai';
import { z } from 'zod';
import type { Requester } from '../src/access';
import type { ActionRequest } from '../src/actions';
import { DeviceUnavailable, MAX_SEARCH_OFFSET } from '../src/devices';
import { InvalidInput } from '../src/errors';
import { MATCH_KIND_ORDER, type InventoryDevice, type MatchKind, type SearchResult } from '../src/inventory';
import { deviceCard, deviceListCard, type ListPage, warningCard, noMatchCard, type AdaptiveCard } from './cards';
import type { BotDeps } from './deps';
import { onCardVerb } from './invoke';
import { FindRequest, parseFind, severalSerials, withRequester } from './lookup-query';
import { deviceCardData, devicesMatch, listRow, matchCount } from './lookup-view';
import { quote, replyWithCard } from './reply';
import { messageText } from './turn';

export type LookupDeps = Pick<BotDeps, 'identity' | 'devices' | 'actions' | 'clock' | 'logger' | 'view'>;

export interface LookupOptions {
  /** Rows on a list card. */
  listLimit?: number;
}

/** Device ids are Google UUID-like ids or Intune GUIDs: anything else is not worth a lookup. */
const DEVICE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function parseDeviceId(data: unknown): string {
  const id = data && typeof data === 'object' ? (data as Record<string, unknown>).deviceId : undefined;
  if (typeof id !== 'string' || !DEVICE_ID.test(id))
    throw new InvalidInput('That card did not say which device to open. Search for the device again with `find`.');
  return id;
}

export const LIST_LIMIT = 10;

// A page button's data comes back from the client as is: anything may arrive.
const pageData = z.object({
  query: z.string().trim().min(1).max(200),
  kind: z
    .enum(MATCH_KIND_ORDER as [MatchKind, ...MatchKind[]])
    .or(z.literal(''))
    .optional(),
  mine: z.enum(['yes', '']).optional(),
  offset: z.coerce.number().int().min(0).max(MAX_SEARCH_OFFSET),
});

export function parsePage(data: unknown): FindRequest {
  const parsed = pageData.safeParse(data);
  if (!parsed.success) throw new InvalidInput('That button did not say which page to show. Search again with `find`.');
  const { query, kind, mine, offset } = parsed.data;
  return { query, kind: kind || undefined, offset, ...(mine ? { mine: true } : {}) };
}

const MATCHED_BY: Record<MatchKind, string> = {
  id: 'device id',
  serial: 'serial',
  serialPrefix: 'start of the serial',
  assetId: 'asset id',
  user: 'user',
  location: 'location',
  text: 'text',
};

/** The answer to a lookup: a device card, a list or a no-match card. Never acts on anything. */
export async function findCard(
  deps: LookupDeps,
  requester: Requester,
  asked: FindRequest,
  options: LookupOptions = {},
): Promise<AdaptiveCard> {
  const limit = options.listLimit ?? LIST_LIMIT;
  const staff = deps.devices.readsManagedDevices(requester);
  const scopeNote = staff ? '' : 'Only devices assigned to you are searched.';
  const request = withRequester(asked, requester);

  if (!request.query) {
    return noMatchCard(
      {
        title: 'What should I look for?',
        text: request.mine
          ? 'I could not tell your sign-in name, so I cannot look up the devices assigned to you. Type `find` and the serial, asset id or location instead.'
          : 'Type `find` and something about the device.',
        suggestions: suggestions(),
        scopeNote,
      },
      deps.view,
    );
  }
  const offset = request.offset ?? 0;
  const result = await deps.devices.search(requester, request.query, { limit, kind: request.kind, offset });
  deps.logger.info(
    { matchedBy: result.matchedBy, total: result.total, kind: request.kind, offset, mine: request.mine },
    'device lookup',
  );

  if (result.total === 0) {
    const serials = offset === 0 && !request.kind ? severalSerials(request.query) : undefined;
    const listed = serials && (await severalCard(deps, requester, serials, limit));
    return listed || nothingFound(deps, request, staff, scopeNote);
  }
  if (result.total === 1 && result.devices.length === 1 && offset === 0) {
    return openCard(deps, requester, result.devices[0].id, 'device.find', result.devices[0]);
  }
  const by = result.matchedBy ? ` by ${MATCHED_BY[result.matchedBy]}` : '';
  return deviceListCard(
    {
      title: request.mine ? 'Your devices' : `${devicesMatch(result)} "${quote(request.query)}"${by}`,
      summary: rangeOf(offset, result.devices.length, result),
      rows: result.devices.map(listRow),
      hint: result.total > limit ? NARROWING_HINT : OPEN_HINT,
      query: request.query,
      kind: request.kind,
      mine: request.mine,
      pages: pagesOf(offset, limit, result.total),
    },
    deps.view,
  );
}

/**
 * Several serials pasted into one `find` ("5CD1 9KGH6, HQ-0042"), which as words match no single
 * device: each is looked up on its own, as its requester may see it, and each that names exactly
 * one device adds it to the list. Undefined when none of them names exactly one device.
 */
async function severalCard(
  deps: LookupDeps,
  requester: Requester,
  serials: string[],
  limit: number,
): Promise<AdaptiveCard | undefined> {
  const asked = serials.slice(0, limit);
  const results = await Promise.all(asked.map((s) => deps.devices.search(requester, s, { limit: 2 })));
  const found = new Map<string, InventoryDevice>();
  const missing: string[] = [];
  const several: string[] = [];
  results.forEach((r, i) => {
    if (r.total === 1 && r.devices.length === 1) found.set(r.devices[0].id, r.devices[0]);
    else (r.total === 0 ? missing : several).push(asked[i]);
  });
  if (found.size === 0) return undefined;
  const notes = [
    missing.length ? `Not found: ${missing.join(', ')}.` : '',
    several.length ? `More than one device for: ${several.join(', ')}; give the full serial.` : '',
    serials.length > limit ? `Only the first ${limit} were looked up; for a longer list use \`bulk\`.` : '',
  ].filter(Boolean);
  return deviceListCard(
    {
      title: `${found.size} of ${asked.length} devices found`,
      summary: `Showing all ${found.size}`,
      rows: [...found.values()].map(listRow),
      hint: notes.length ? notes.join(' ') : OPEN_HINT,
    },
    deps.view,
  );
}

function nothingFound(deps: LookupDeps, request: FindRequest, staff: boolean, scopeNote: string): AdaptiveCard {
  if (request.mine)
    return noMatchCard(
      {
        title: 'No device is assigned to you',
        text: `No device in the inventory lists ${request.query} as its user. A device someone else is assigned to does not show here: the help desk can tell you whose it is.`,
        suggestions: suggestions(),
        scopeNote,
      },
      deps.view,
    );
  return noMatchCard(
    {
      title: `No device found for "${quote(request.query)}"`,
      text: staff ? 'Nothing in the device inventory matches that.' : 'None of your devices matches that.',
      suggestions: suggestions(),
      scopeNote,
    },
    deps.view,
  );
}

const OPEN_HINT = 'Open a device to see its details and what you can do with it.';

const NARROWING_HINT =
  'To narrow it down, add a word of the model, the org unit or the location (e.g. `find 300e North`), more of the serial, the asset id or the user’s full email.';

/** "Showing 11–20 of 287", "Showing 1–10 of more than 200", or "Showing all 7". */
function rangeOf(offset: number, shown: number, result: Pick<SearchResult, 'total' | 'more'>): string {
  const of = matchCount(result);
  if (offset === 0 && shown >= result.total && !result.more) return `Showing all ${of}`;
  if (shown === 0) return `Nothing past ${offset} of ${of}`;
  return `Showing ${offset + 1}–${offset + shown} of ${of}`;
}

/** Previous and Next, where there is a page before or after (paging stops at MAX_SEARCH_OFFSET). */
function pagesOf(offset: number, limit: number, total: number): ListPage[] {
  const pages: ListPage[] = [];
  if (offset > 0) pages.push({ title: '‹ Previous', offset: Math.max(0, offset - limit) });
  if (offset + limit < total && offset + limit <= MAX_SEARCH_OFFSET)
    pages.push({ title: 'Next ›', offset: offset + limit });
  return pages;
}

function suggestions(): string[] {
  return [
    'at least 3 characters of the serial, e.g. `find 5CD12`',
    'the user’s email, e.g. `find devices of jane@contoso.com`',
    'the asset id, e.g. `who has asset A-1234`',
    'a location, e.g. `devices in room 12`',
  ];
}

/**
 * The device card for the requester, read fresh; refusals and missing devices become a friendly card.
 * `found`: the inventory record the requester's search just returned, not read again.
 */
export async function openCard(
  deps: LookupDeps,
  requester: Requester,
  deviceId: string,
  action: string,
  found?: InventoryDevice,
): Promise<AdaptiveCard> {
  try {
    const device = await deps.devices.read(requester, deviceId, action, found);
    const now = deps.clock.now();
    return deviceCard(deviceCardData(device, deps.actions.availableActions(requester, device), now), deps.view);
  } catch (error) {
    if (error instanceof DeviceUnavailable) {
      const title = error.reason === 'forbidden' ? "You can't open this device" : 'Device not found';
      return warningCard(title, error.userMessage, deps.view);
    }
    throw error;
  }
}

/**
 * The device card of an action's requester, read fresh once the action has ended: their roles are
 * read again (they may have changed), then the same read and checks as Refresh.
 */
export async function freshDeviceCard(
  deps: LookupDeps & Pick<BotDeps, 'access'>,
  r: ActionRequest,
): Promise<AdaptiveCard | undefined> {
  const { requester: who } = r;
  const access = await deps.access.resolve({
    aadObjectId: who.aadObjectId ?? '',
    upn: who.upn,
    tenantId: who.tenantId,
    name: who.name,
  });
  return openCard(deps, { ...who, access }, r.device.id, 'device.refresh');
}

/** `find …`, a serial on its own, "who has asset …", and the Open / Refresh verbs of device cards. */
export function registerLookup(app: Application<TurnState>, deps: LookupDeps, options: LookupOptions = {}): void {
  app.message(
    async (ctx) => ctx.activity.type === 'message' && parseFind(messageText(ctx)) !== undefined,
    async (ctx) => {
      const request = parseFind(messageText(ctx)) as FindRequest;
      const requester = await deps.identity.requester(ctx);
      await replyWithCard(ctx, await findCard(deps, requester, request, options));
    },
  );

  // Previous / Next on a list: the same search, another page, in place of the list.
  onCardVerb(app, ['list.page'], deps, async (ctx, data) => {
    const requester = await deps.identity.requester(ctx);
    return findCard(deps, requester, parsePage(data), options);
  });

  // No `refresh` on these cards: teams-ai would switch the verb to replace-for-all.
  onCardVerb(app, ['device.open', 'device.refresh'], deps, async (ctx, data) => {
    const deviceId = parseDeviceId(data);
    const requester = await deps.identity.requester(ctx);
    const verb = String(ctx.activity.value?.action?.verb ?? 'device.open');
    return openCard(deps, requester, deviceId, verb);
  });
}

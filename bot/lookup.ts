import { Application, TurnState } from '@microsoft/teams-ai';
import type { Requester } from '../src/access';
import { DeviceUnavailable } from '../src/devices';
import { InvalidInput } from '../src/errors';
import type { MatchKind } from '../src/inventory';
import { deviceCard } from './cards/device-card';
import { deviceListCard } from './cards/device-list-card';
import { warningCard } from './cards/message-card';
import { noMatchCard } from './cards/no-match-card';
import type { AdaptiveCard } from './cards/render';
import type { BotDeps } from './deps';
import { onCardVerb } from './invoke';
import { FindRequest, parseFind } from './lookup-query';
import { deviceCardData, listRow } from './lookup-view';
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
  request: FindRequest,
  options: LookupOptions = {},
): Promise<AdaptiveCard> {
  const limit = options.listLimit ?? LIST_LIMIT;
  const staff = deps.devices.readsManagedDevices(requester);
  const scopeNote = staff ? '' : 'Only devices assigned to you are searched.';

  if (!request.query) {
    return noMatchCard(
      {
        title: 'What should I look for?',
        text: 'Type `find` and something about the device.',
        suggestions: suggestions(),
        scopeNote,
      },
      deps.view,
    );
  }
  const result = await deps.devices.search(requester, request.query, { limit, kind: request.kind });
  deps.logger.info({ matchedBy: result.matchedBy, total: result.total, kind: request.kind }, 'device lookup');

  if (result.total === 0) {
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
  if (result.total === 1 && result.devices.length === 1) {
    return openCard(deps, requester, result.devices[0].id, 'device.find');
  }
  const shown = result.devices.length;
  const by = result.matchedBy ? ` by ${MATCHED_BY[result.matchedBy]}` : '';
  return deviceListCard(
    {
      title: `${result.total} devices match "${quote(request.query)}"${by}`,
      summary: shown < result.total ? `Showing ${shown} of ${result.total}` : `Showing all ${result.total}`,
      rows: result.devices.map(listRow),
      hint:
        shown < result.total
          ? 'Too many to list: narrow the search with more of the serial, the asset id or the user’s full email.'
          : 'Open a device to see its details and what you can do with it.',
    },
    deps.view,
  );
}

function suggestions(): string[] {
  return [
    'at least 3 characters of the serial, e.g. `find 5CD12`',
    'the user’s email, e.g. `find devices of jane@contoso.com`',
    'the asset id, e.g. `who has asset A-1234`',
    'a location, e.g. `devices in room 12`',
  ];
}

/** The device card for the requester, read fresh; refusals and missing devices become a friendly card. */
export async function openCard(
  deps: LookupDeps,
  requester: Requester,
  deviceId: string,
  action: string,
): Promise<AdaptiveCard> {
  try {
    const device = await deps.devices.read(requester, deviceId, action);
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

  // No `refresh` on these cards: teams-ai would switch the verb to replace-for-all.
  onCardVerb(app, ['device.open', 'device.refresh'], deps, async (ctx, data) => {
    const deviceId = parseDeviceId(data);
    const requester = await deps.identity.requester(ctx);
    const verb = String(ctx.activity.value?.action?.verb ?? 'device.open');
    return openCard(deps, requester, deviceId, verb);
  });
}

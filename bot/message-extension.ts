import { CardFactory, MessagingExtensionAttachment, MessagingExtensionResult } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { deviceCard } from './cards/device-card';
import { statusWord, viewOfInventory } from '../src/devices';
import type { BotDeps } from './deps';
import { parseFind } from './lookup-query';
import { deviceCardData } from './lookup-view';

export type MessageExtensionDeps = Pick<BotDeps, 'identity' | 'devices' | 'clock' | 'logger' | 'view'>;

/** The compose-box command in appPackage/manifest.json. */
export const SEARCH_DEVICES_COMMAND = 'searchDevices';
const MAX_RESULTS = 25;

/**
 * Finds devices from the compose box, with the same permissions as `find`, and inserts the
 * device card into the conversation. Results come from the inventory (a Google call per result
 * on every keystroke would burn quota); the inserted card carries only Refresh, which reads the
 * device fresh and shows each person who clicks it their own buttons.
 */
export function registerMessageExtension(app: Application<TurnState>, deps: MessageExtensionDeps): void {
  app.messageExtensions.query<{ query?: string }>(SEARCH_DEVICES_COMMAND, async (ctx, _state, query) => {
    const text = typeof query.parameters.query === 'string' ? query.parameters.query.trim() : '';
    if (!text) return message('Type at least 3 characters of a serial, an asset id or a user’s email.');
    // Phrasings work here too ("devices of jane@…"); anything else is searched as typed.
    const request = parseFind(text) ?? { query: text };
    if (!request.query) return message('Type at least 3 characters of a serial, an asset id or a user’s email.');

    const requester = await deps.identity.requester(ctx);
    const limit = Math.min(Math.max(query.count || MAX_RESULTS, 1), MAX_RESULTS);
    const result = await deps.devices.search(requester, request.query, { limit, kind: request.kind });
    deps.logger.info({ matchedBy: result.matchedBy, total: result.total }, 'device search from the compose box');
    if (result.devices.length === 0) return message(`No device matches "${text.slice(0, 60)}".`);

    const now = deps.clock.now();
    const attachments: MessagingExtensionAttachment[] = result.devices.map((d) => {
      const view = viewOfInventory(d);
      const card = deviceCard(deviceCardData(view, [], now), deps.view);
      const subtitle = [statusWord(d.status), d.users[0], d.assetId].filter(Boolean).join(' · ');
      return {
        ...CardFactory.adaptiveCard(card),
        preview: CardFactory.thumbnailCard(`${d.serialNumber} · ${view.model ?? 'Unknown model'}`, subtitle),
      };
    });
    return { type: 'result', attachmentLayout: 'list', attachments };
  });
}

function message(text: string): MessagingExtensionResult {
  return { type: 'message', text };
}

import { CardFactory, MessagingExtensionAttachment, MessagingExtensionResult, TurnContext } from 'botbuilder';
import { Application, Query, TurnState } from '@microsoft/teams-ai';
import { deviceCard } from './cards';
import { statusWord, viewOfInventory } from '../src/devices';
import type { BotDeps } from './deps';
import { parseFind, withRequester } from './lookup-query';
import { deviceCardData } from './lookup-view';
import { isInsertedCardOnly } from './turn';

export type MessageExtensionDeps = Pick<BotDeps, 'identity' | 'devices' | 'clock' | 'logger' | 'view'>;

/** The compose-box command in appPackage/manifest.json, and its one parameter. */
export const SEARCH_DEVICES_COMMAND = 'searchDevices';
export const SEARCH_DEVICES_PARAMETER = 'query';
const MAX_RESULTS = 25;

/**
 * Finds devices from the compose box, with the same permissions as `find`, and inserts the
 * device card into the conversation. Results come from the inventory (a Google call per result
 * on every keystroke would burn quota); the inserted card carries only Refresh, which reads the
 * device fresh and shows each person who clicks it their own buttons.
 */
export function registerMessageExtension(app: Application<TurnState>, deps: MessageExtensionDeps): void {
  app.messageExtensions.query<{ query?: string }>(isDeviceSearch, async (ctx, _state, query) => {
    const text = searchText(ctx, query);
    if (!text) return message('Type at least 3 characters of a serial, an asset id or a user’s email.');
    // Phrasings work here too ("devices of jane@…", "my devices"); anything else is searched as typed.
    const requester = await deps.identity.requester(ctx);
    const request = withRequester(parseFind(text) ?? { query: text }, requester);
    if (!request.query) return message('Type at least 3 characters of a serial, an asset id or a user’s email.');

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

/**
 * Our one search command. The Agents Playground doesn't read the manifest: its search box sends
 * no command id (and an unnamed parameter) unless one is typed by hand, so that counts as ours too.
 */
async function isDeviceSearch(ctx: TurnContext): Promise<boolean> {
  const { activity } = ctx;
  if (activity.type !== 'invoke' || activity.name !== 'composeExtension/query') return false;
  const commandId: unknown = activity.value?.commandId;
  return commandId === undefined || commandId === '' || commandId === SEARCH_DEVICES_COMMAND;
}

/** The typed text: our named parameter, else the first unnamed one (the Playground's). */
function searchText(ctx: TurnContext, query: Query<{ query?: string }>): string {
  const named = query.parameters[SEARCH_DEVICES_PARAMETER];
  if (typeof named === 'string') return named.trim();
  const params: { name?: string; value?: unknown }[] = Array.isArray(ctx.activity.value?.parameters)
    ? ctx.activity.value.parameters
    : [];
  const unnamed = params.find((p) => !p.name && typeof p.value === 'string');
  return typeof unnamed?.value === 'string' ? unnamed.value.trim() : '';
}

/**
 * Registered before every command: a device card someone found with *Find device* and sent is
 * for the people in the conversation; the bot has nothing to add (no "I didn't understand").
 */
export function registerInsertedCards(app: Application<TurnState>, deps: Pick<BotDeps, 'logger'>): void {
  app.message(
    async (ctx) => isInsertedCardOnly(ctx),
    async (ctx) => {
      deps.logger.info({ activityId: ctx.activity.id }, 'a card inserted from the compose box was posted: no answer');
    },
  );
}

function message(text: string): MessagingExtensionResult {
  return { type: 'message', text };
}

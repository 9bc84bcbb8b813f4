import { TurnContext } from 'botbuilder';
import type { ConversationRef } from '../src/actions';

/** Tenant of an activity as Teams sends it. */
export function activityTenantId(activity: {
  conversation?: { tenantId?: string };
  channelData?: { tenant?: { id?: string } };
}): string | undefined {
  return activity.channelData?.tenant?.id ?? activity.conversation?.tenantId;
}

/**
 * The placeholder Teams (and the Playground) writes into a message for a card inserted from the
 * compose box: `<span itemtype="http://schema.skype.com/InputExtension"><span itemprop="cardId"></span></span>`.
 */
const INSERTED_CARD_MARKUP =
  /<span[^>]*itemtype="http:\/\/schema\.skype\.com\/InputExtension"[^>]*>(?:\s*<span[^>]*>\s*<\/span>)*\s*<\/span>/gi;

/** The last text read of each activity: every text route of a turn reads it, and it rarely changes. */
const readTexts = new WeakMap<object, { raw: string; text: string }>();

/** User text without the bot mention and inserted-card placeholders, collapsed whitespace. */
export function messageText(ctx: TurnContext): string {
  const raw = ctx.activity.text ?? '';
  const read = readTexts.get(ctx.activity);
  if (read?.raw === raw) return read.text;
  const text = raw
    .replace(INSERTED_CARD_MARKUP, ' ')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  readTexts.set(ctx.activity, { raw, text });
  return text;
}

/**
 * A route for messages whose text, as messageText reads it, matches `pattern`. teams-ai's own
 * pattern routes test the raw text, which still holds a mention of the bot whenever Teams sends it
 * without the entity that lets teams-ai take it out, or with other people mentioned first.
 */
export function textMatches(pattern: RegExp): (ctx: TurnContext) => Promise<boolean> {
  return async (ctx) => ctx.activity.type === 'message' && pattern.test(messageText(ctx));
}

/** A one-to-one chat with the bot: nobody else sees what is posted there. */
export function isPersonal(ctx: TurnContext): boolean {
  return ctx.activity.conversation?.conversationType === 'personal';
}

/** Where this turn happens, to post or update cards there later. */
export function conversationOf(ctx: TurnContext): ConversationRef {
  return TurnContext.getConversationReference(ctx.activity);
}

const CARD_TYPES = new Set([
  'application/vnd.microsoft.card.adaptive',
  'application/vnd.microsoft.card.hero',
  'application/vnd.microsoft.card.thumbnail',
]);

/**
 * A message that only carries a card someone inserted from the compose box (a device card found
 * with *Find device*) and sent: it is for the people in the conversation, not a command.
 */
export function isInsertedCardOnly(ctx: TurnContext): boolean {
  const { activity } = ctx;
  if (activity.type !== 'message' || messageText(ctx) !== '') return false;
  const text = activity.text ?? '';
  return (
    text.replace(INSERTED_CARD_MARKUP, '') !== text ||
    (activity.attachments ?? []).some((a) => CARD_TYPES.has(a.contentType))
  );
}

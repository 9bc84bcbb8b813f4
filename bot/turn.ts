import { TurnContext } from 'botbuilder';
import type { ConversationRef } from '../src/actions';

/** Tenant of an activity as Teams sends it. */
export function activityTenantId(activity: {
  conversation?: { tenantId?: string };
  channelData?: { tenant?: { id?: string } };
}): string | undefined {
  return activity.channelData?.tenant?.id ?? activity.conversation?.tenantId;
}

/** User text without the bot mention, collapsed whitespace. */
export function messageText(ctx: TurnContext): string {
  return (ctx.activity.text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A one-to-one chat with the bot: nobody else sees what is posted there. */
export function isPersonal(ctx: TurnContext): boolean {
  return ctx.activity.conversation?.conversationType === 'personal';
}

/** Where this turn happens, to post or update cards there later. */
export function conversationOf(ctx: TurnContext): ConversationRef {
  return TurnContext.getConversationReference(ctx.activity);
}

import { TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './deps';
import { failureCard } from './errors';
import type { AdaptiveCard } from './cards';

/** What a card verb answers: a card in place of the clicked one (for the clicker), or a short notice. */
export type InvokeAnswer = AdaptiveCard | string;

/**
 * Sends the invoke response ourselves: teams-ai would turn a returned card that has `refresh`
 * into replace-for-all, for good.
 */
export async function sendInvokeAnswer(ctx: TurnContext, answer: InvokeAnswer): Promise<void> {
  const body =
    typeof answer === 'string'
      ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: answer }
      : { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: answer };
  await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
}

/** The verb a card button sent, for log lines. */
export function verbOf(ctx: TurnContext): string | undefined {
  return ctx.activity.value?.action?.verb;
}

/**
 * Routes card verbs to a handler whose answer becomes the invoke response. Whatever it throws
 * becomes the failure card: an invoke never answers with an error or a stack.
 */
export function onCardVerb(
  app: Application<TurnState>,
  verbs: string | string[],
  deps: Pick<BotDeps, 'logger' | 'view'>,
  handler: (ctx: TurnContext, data: unknown) => Promise<InvokeAnswer>,
): void {
  app.adaptiveCards.actionExecute<unknown>(verbs, async (ctx, _state, data) => {
    let answer: InvokeAnswer;
    try {
      answer = await handler(ctx, data);
    } catch (error) {
      answer = failureCard(deps, ctx, error, { verb: verbOf(ctx) });
    }
    await sendInvokeAnswer(ctx, answer);
    return '';
  });
}

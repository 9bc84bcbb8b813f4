import { TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { DeskError } from '../src/errors';
import { messageCard, type AdaptiveCard } from './cards';
import type { BotDeps } from './deps';
import { replyWithCard } from './reply';

/**
 * What a person sees when something fails: a known error says what happened and what to do;
 * anything else gets an apology and a reference, never the error itself. Logged once, here.
 */
export function failureCard(
  deps: Pick<BotDeps, 'logger' | 'view'>,
  ctx: TurnContext,
  error: unknown,
  context: Record<string, unknown> = {},
): AdaptiveCard {
  const activityId = ctx.activity?.id;
  if (error instanceof DeskError) {
    deps.logger.warn(
      { activityId, ...context, code: error.code, message: error.message },
      'turn ended with a known error',
    );
    return messageCard({ title: 'I could not do that', text: error.userMessage, tone: 'warning' }, deps.view);
  }
  deps.logger.error({ activityId, ...context, err: error }, 'turn failed');
  return messageCard(
    {
      title: 'Sorry, something went wrong on my side',
      text: 'Nothing was changed on any device. Please try again in a moment; if it keeps happening, give this reference to your admin.',
      tone: 'error',
      reference: activityId ?? '',
    },
    deps.view,
  );
}

/**
 * Turns any failure into a friendly card and one log line with the activity id. Known errors
 * say what happened and what to do; anything else gets an apology and a reference, never a stack.
 */
export function registerErrorHandler(app: Application<TurnState>, deps: BotDeps): void {
  app.error(async (ctx: TurnContext, error: Error) => {
    const activityId = ctx.activity?.id;
    deps.metrics.turnErrors.inc({ kind: error instanceof DeskError ? error.code : 'internal' });
    const card = failureCard(deps, ctx, error);
    if (ctx.activity?.type !== 'message') return;
    try {
      await replyWithCard(ctx, card);
    } catch (sendError) {
      deps.logger.error({ activityId, err: sendError }, 'could not tell the user about the error');
    }
  });
}

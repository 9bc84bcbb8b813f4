import type { Activity } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnVerdict } from '../src/turn-limit';
import { messageCard } from './cards';
import type { BotDeps } from './deps';
import { replyWithCard } from './reply';
import { activityTenantId } from './turn';

/** A person flooding the bot is told once in this long, not once per refused turn. */
const TELL_AGAIN_MS = 30_000;

type Refusal = Extract<TurnVerdict, { allowed: false }>;

function slowDownText(verdict: Refusal): string {
  const seconds = Math.ceil(verdict.retryAfterMs / 1000);
  const wait = seconds <= 1 ? 'a second' : `${seconds} seconds`;
  return verdict.limitedBy === 'person'
    ? `You have sent a lot of requests in a short time. Wait ${wait} and try again; nothing was done with the last one.`
    : `Your organisation is sending the help desk bot a lot of requests right now. Wait ${wait} and try again; nothing was done with the last one.`;
}

const isCardVerb = (a: Partial<Activity>) => a.type === 'invoke' && a.name === 'adaptiveCard/action';

/**
 * Counts every message and card verb against the person's and their tenant's allowance before any
 * route runs. Over it, a message gets a "slow down" card; a card verb gets a message response,
 * which Teams shows without replacing the card the button was on
 * (https://learn.microsoft.com/adaptive-cards/authoring-cards/universal-action-model, response format).
 */
export function registerTurnLimit(
  app: Application<TurnState>,
  deps: Pick<BotDeps, 'turnLimiter' | 'logger' | 'view' | 'clock' | 'metrics'>,
): void {
  const lastTold = new Map<string, number>();
  app.turn('beforeTurn', async (ctx) => {
    const a = ctx.activity;
    if (a.type !== 'message' && !isCardVerb(a)) return true;
    const tenantId = activityTenantId(a) ?? 'unknown';
    const personId = a.from?.aadObjectId ?? a.from?.id ?? 'unknown';
    let verdict: TurnVerdict;
    try {
      verdict = await deps.turnLimiter.take({ tenantId, personId });
    } catch (err) {
      // The limiter's store is down: serve the turn rather than lock everyone out.
      deps.logger.warn({ activityId: a.id, err: { message: (err as Error).message } }, 'turn limit not checked');
      return true;
    }
    if (verdict.allowed) return true;
    deps.metrics.turnErrors.inc({ kind: `rate-limited-${verdict.limitedBy}` });
    const text = slowDownText(verdict);
    if (isCardVerb(a)) {
      const body = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
      await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
      return false;
    }
    const who = `${tenantId}\u0000${personId}`;
    const now = deps.clock.now();
    if (now - (lastTold.get(who) ?? -Infinity) < TELL_AGAIN_MS) return false;
    if (lastTold.size > 10_000) lastTold.clear();
    lastTold.set(who, now);
    deps.logger.warn({ activityId: a.id, tenantId, limitedBy: verdict.limitedBy }, 'turns over the rate limit');
    await replyWithCard(ctx, messageCard({ title: 'Slow down a little', text, tone: 'warning' }, deps.view));
    return false;
  });
}

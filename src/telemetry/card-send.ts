import type { Activity, Middleware, MiddlewareHandler, TurnContext } from 'botbuilder';
import { SpanKind } from '@opentelemetry/api';
import { inSpan } from './tracing';

const cardsIn = (activities: Partial<Activity>[]) =>
  activities.reduce(
    (n, a) =>
      n + (a.attachments ?? []).filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive').length,
    0,
  );

/**
 * Every message or card the bot sends or updates, in turns and in proactive updates alike, is a
 * `card.send` / `card.update` span: a middleware on the adapter hooks each turn context's sends.
 */
export function traceCardSends(adapter: { use(...middlewares: Array<Middleware | MiddlewareHandler>): unknown }): void {
  adapter.use(async (ctx: TurnContext, next: () => Promise<void>) => {
    ctx.onSendActivities((_c, activities, send) =>
      inSpan(
        'card.send',
        { 'devicedesk.activities': activities.length, 'devicedesk.cards': cardsIn(activities) },
        () => send(),
        { kind: SpanKind.CLIENT },
      ),
    );
    ctx.onUpdateActivity((_c, activity, update) =>
      inSpan('card.update', { 'devicedesk.cards': cardsIn([activity]) }, () => update(), { kind: SpanKind.CLIENT }),
    );
    await next();
  });
}

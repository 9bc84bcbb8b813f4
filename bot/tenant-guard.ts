import { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './deps';
import { activityTenantId } from './turn';

/** Stops every turn from a tenant this deployment does not serve before any route runs. */
export function registerTenantGuard(app: Application<TurnState>, deps: BotDeps): void {
  const allowed = new Set(deps.settings.allowedTenantIds.map((t) => t.toLowerCase()));
  app.turn('beforeTurn', async (ctx) => {
    const tenantId = activityTenantId(ctx.activity)?.toLowerCase();
    if (tenantId && allowed.has(tenantId)) return true;
    deps.logger.warn({ activityId: ctx.activity.id, tenantId }, 'activity from a tenant that is not allowed');
    if (ctx.activity.type === 'message') {
      await ctx.sendActivity(
        'Device Desk is not enabled for your organisation. Ask whoever runs Device Desk to add your tenant, with its own Google and Microsoft connections.',
      );
    }
    return false;
  });
}

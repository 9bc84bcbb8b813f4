import { TurnContext } from 'botbuilder';
import { messageText, textMatches } from './turn';
import { Application, TurnState } from '@microsoft/teams-ai';
import { z } from 'zod';
import type { Permission, Requester } from '../src/access';
import { type AuditOutcome, actorOf } from '../src/audit';
import type { Connection, SyncOutcome } from '../src/connector';
import {
  connectorDeleteConfirmCard,
  connectorSetupCard,
  connectorStatusCard,
  duration,
  messageCard,
  markup,
  type CardText,
  type AdaptiveCard,
} from './cards';
import type { BotDeps } from './deps';
import { onCardVerb } from './invoke';
import { replyWithCard } from './reply';

export type ConnectorDeps = Pick<
  BotDeps,
  'settings' | 'logger' | 'view' | 'clock' | 'identity' | 'guard' | 'audit' | 'connector'
>;

export const UPDATE_CONNECTION: Permission = 'Chrome Enterprise/Update connection settings';
export const DELETE_CONNECTION: Permission = 'Chrome Enterprise/Delete connection settings';
// docs/roles.md: Organization/Read is what sees the connection status, as for the bot's other settings.
export const READ_CONNECTION: Permission = 'Organization/Read';

export const CONNECTOR_VERBS = {
  status: 'connector.status',
  deleteConfirm: 'connector.delete.confirm',
  deleteCancel: 'connector.delete.cancel',
} as const;

const COMMAND = /^\s*connector(?:\s+(\S+))?\s*[.!?]?\s*$/i;

// Card data comes back from the client as is: anything may arrive, so it is checked here.
const confirmationData = z.object({ confirmationId: z.string().trim().min(1).max(100) });

const WHY_REFUSED: Record<'unknown' | 'not-yours' | 'expired' | 'used', (name?: string) => CardText> = {
  unknown: () => markup`I have no record of this confirmation. Type **connector delete** to ask again.`,
  'not-yours': (name) =>
    `Only ${name ?? 'the person who asked'} can confirm or cancel this deletion. Nothing was changed.`,
  expired: () =>
    markup`This confirmation expired (they last 5 minutes). Nothing was changed; type **connector delete** to ask again.`,
  used: () => 'This confirmation was already used. Nothing more was changed.',
};

const AUDIT_WHY: Record<keyof typeof WHY_REFUSED, string> = {
  unknown: 'unknown or forged confirmation',
  'not-yours': "someone else's confirmation",
  expired: 'confirmation expired',
  used: 'confirmation already used',
};

interface RecordExtra {
  reason?: string;
  detail?: Record<string, unknown>;
  connection?: Connection;
}

/** One audit entry about the tenant's connection. */
function record(
  deps: ConnectorDeps,
  r: Requester,
  action: string,
  outcome: AuditOutcome,
  requestId: string | undefined,
  extra: RecordExtra = {},
): Promise<unknown> {
  return deps.audit.append({
    actor: actorOf(r),
    tenantId: r.tenantId,
    action,
    target: { kind: 'connection', id: r.tenantId, label: extra.connection?.connectedAccount },
    requestId,
    outcome,
    reason: extra.reason,
    detail: extra.detail,
  });
}

/** When a sync ends after the turn did, its result is posted into the same conversation. */
function postWhenDone(
  deps: ConnectorDeps,
  ctx: TurnContext,
  r: Requester,
  sync: Promise<SyncOutcome>,
  requestId?: string,
): void {
  const { connector, clock, view, logger } = deps;
  const reference = TurnContext.getConversationReference(ctx.activity);
  const adapter = ctx.adapter;
  void sync
    .then(async (outcome) => {
      const connection = await connector.status(r.tenantId);
      if (outcome.status === 'completed' || outcome.status === 'failed') {
        await record(deps, r, 'connector.sync', outcome.status === 'completed' ? 'succeeded' : 'failed', requestId, {
          connection,
          reason: outcome.status === 'failed' ? outcome.reason : undefined,
          detail:
            outcome.status === 'completed'
              ? { devices: outcome.devices, removed: outcome.removed, durationMs: outcome.durationMs }
              : undefined,
        });
      }
      const card = connectorStatusCard(connection, clock.now(), view, syncHeadline(outcome));
      await adapter.continueConversationAsync(deps.settings.botAppId, reference, async (c) => {
        await replyWithCard(c, card);
      });
    })
    .catch((error) => logger.error({ requestId, err: error }, 'connector: could not post the sync result'));
}

type Command = (deps: ConnectorDeps, ctx: TurnContext, r: Requester) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  async setup(deps, ctx, r) {
    const { connector, guard, view } = deps;
    await guard.authorize(r, UPDATE_CONNECTION, 'connector.setup', undefined, ctx.activity.id);
    await replyWithCard(ctx, connectorSetupCard(connector.setupInfo(r.tenantId), view));
  },

  async connect(deps, ctx, r) {
    const { connector, guard, clock, view } = deps;
    await guard.authorize(r, UPDATE_CONNECTION, 'connector.connect', undefined, ctx.activity.id);
    const { connection, sync } = await connector.connect(r.tenantId, r.upn ?? r.email ?? r.name);
    await record(deps, r, 'connector.connect', sync ? 'succeeded' : 'failed', ctx.activity.id, {
      connection,
      reason: connection.error,
    });
    const hint = sync
      ? "Google accepted the credentials. The first full sync is running; I'll post the status here when it ends."
      : '';
    await replyWithCard(ctx, connectorStatusCard(connection, clock.now(), view, hint));
    if (sync) postWhenDone(deps, ctx, r, sync, ctx.activity.id);
  },

  async status(deps, ctx, r) {
    const { connector, guard, clock, view } = deps;
    await guard.authorize(r, READ_CONNECTION, 'connector.status', undefined, ctx.activity.id);
    await replyWithCard(ctx, connectorStatusCard(await connector.status(r.tenantId), clock.now(), view));
  },

  async sync(deps, ctx, r) {
    const { connector, guard, clock, view } = deps;
    await guard.authorize(r, UPDATE_CONNECTION, 'connector.sync', undefined, ctx.activity.id);
    const connection = await connector.status(r.tenantId);
    if (!connection) {
      await replyWithCard(ctx, connectorStatusCard(undefined, clock.now(), view));
      return;
    }
    const joining = connector.isSyncing(r.tenantId);
    const sync = connector.sync(r.tenantId);
    if (!joining) await record(deps, r, 'connector.sync', 'requested', ctx.activity.id, { connection });
    await replyWithCard(
      ctx,
      messageCard(
        {
          title: joining ? 'A sync is already running' : 'Sync started',
          text: `${joining ? 'A full sync of the ChromeOS devices from Google Admin is already under way.' : 'I started a full sync of the ChromeOS devices from Google Admin.'} I'll post the connection status here when it ends.`,
          tone: 'info',
        },
        view,
      ),
    );
    postWhenDone(deps, ctx, r, sync, ctx.activity.id);
  },

  async delete(deps, ctx, r) {
    const { connector, guard, clock, view } = deps;
    await guard.authorize(r, DELETE_CONNECTION, 'connector.delete', undefined, ctx.activity.id);
    const connection = await connector.status(r.tenantId);
    const confirmation = connection
      ? await connector.requestDelete(r.tenantId, { teamsId: r.teamsId, name: r.name })
      : undefined;
    if (!connection || !confirmation) {
      await replyWithCard(ctx, connectorStatusCard(undefined, clock.now(), view, 'There is no connection to delete.'));
      return;
    }
    await record(deps, r, 'connector.delete', 'requested', ctx.activity.id, {
      connection,
      detail: { devices: confirmation.devices, confirmationId: confirmation.id },
    });
    await replyWithCard(ctx, connectorDeleteConfirmCard(confirmation, connection.connectedAccount, view));
  },
};

/** `connector setup|connect|status|sync|delete` and the connector's card verbs. */
export function registerConnector(app: Application<TurnState>, deps: ConnectorDeps): void {
  const { view } = deps;
  app.message(textMatches(COMMAND), async (ctx) => {
    const sub = (COMMAND.exec(messageText(ctx))?.[1] ?? 'status').toLowerCase();
    const handler = COMMANDS[sub];
    const r = await deps.identity.requester(ctx);
    if (!handler || !Object.prototype.hasOwnProperty.call(COMMANDS, sub)) {
      await replyWithCard(
        ctx,
        messageCard(
          {
            title: 'Connector commands',
            text: 'connector setup · connector connect · connector status · connector sync · connector delete',
            hint: `"${sub.slice(0, 30).replace(/[*_`~[\]<>#|\\]/g, '')}" is not one of them.`,
            tone: 'warning',
          },
          view,
        ),
      );
      return;
    }
    await handler(deps, ctx, r);
  });
  registerConnectorVerbs(app, deps);
}

/** Confirm on the delete card: the requester's own, unexpired, unused confirmation deletes the connection. */
async function confirmDelete(deps: ConnectorDeps, ctx: TurnContext, data: unknown): Promise<AdaptiveCard> {
  const { connector, guard, view } = deps;
  const r = await deps.identity.requester(ctx);
  await guard.authorize(r, DELETE_CONNECTION, 'connector.delete', undefined, ctx.activity.id);
  const parsed = confirmationData.safeParse(data);
  if (!parsed.success) {
    await record(deps, r, 'connector.delete', 'rejected', ctx.activity.id, { reason: 'malformed confirmation data' });
    return messageCard(
      {
        title: 'This button is not valid',
        text: markup`The confirmation could not be read. Nothing was changed; type **connector delete** to ask again.`,
        tone: 'warning',
      },
      view,
    );
  }
  const connection = await connector.status(r.tenantId);
  const decision = await connector.confirmDelete(r.tenantId, parsed.data.confirmationId, r.teamsId);
  if (!decision.ok) {
    await record(deps, r, 'connector.delete', 'rejected', ctx.activity.id, {
      connection,
      reason: AUDIT_WHY[decision.why],
      detail: { confirmationId: parsed.data.confirmationId, why: decision.why },
    });
    return messageCard(
      {
        title: 'Connection not deleted',
        text: WHY_REFUSED[decision.why](decision.confirmation?.requesterName),
        tone: 'warning',
      },
      view,
    );
  }
  await record(deps, r, 'connector.delete', 'succeeded', ctx.activity.id, {
    connection,
    detail: { removedDevices: decision.removedDevices, confirmationId: parsed.data.confirmationId },
  });
  return messageCard(
    {
      title: 'Chrome Enterprise connection deleted',
      text: `${decision.removedDevices.toLocaleString('en-US')} ChromeOS devices were removed from Device Desk and the connection settings were deleted. Nothing was changed in Google Admin.`,
      hint: markup`To connect again, type **connector setup**.`,
      tone: 'success',
    },
    view,
  );
}

function registerConnectorVerbs(app: Application<TurnState>, deps: ConnectorDeps): void {
  const { connector, guard, clock, view } = deps;

  onCardVerb(app, CONNECTOR_VERBS.status, deps, async (ctx) => {
    const r = await deps.identity.requester(ctx);
    await guard.authorize(r, READ_CONNECTION, 'connector.status', undefined, ctx.activity.id);
    return connectorStatusCard(await connector.status(r.tenantId), clock.now(), view);
  });

  onCardVerb(app, CONNECTOR_VERBS.deleteConfirm, deps, (ctx, data) => confirmDelete(deps, ctx, data));

  onCardVerb(app, CONNECTOR_VERBS.deleteCancel, deps, async (ctx, data) => {
    const r = await deps.identity.requester(ctx);
    const parsed = confirmationData.safeParse(data);
    if (!parsed.success) {
      return messageCard(
        {
          title: 'This button is not valid',
          text: 'The confirmation could not be read. Nothing was changed.',
          tone: 'warning',
        },
        view,
      );
    }
    const decision = await connector.cancelDelete(r.tenantId, parsed.data.confirmationId, r.teamsId);
    if (!decision.ok)
      return messageCard(
        {
          title: 'Nothing to cancel',
          text: WHY_REFUSED[decision.why](decision.confirmation?.requesterName),
          tone: 'warning',
        },
        view,
      );
    await record(deps, r, 'connector.delete', 'cancelled', ctx.activity.id, {
      detail: { confirmationId: parsed.data.confirmationId },
    });
    return messageCard(
      {
        title: 'Connection kept',
        text: 'You cancelled the deletion. The connection and its devices stay as they were.',
        tone: 'info',
      },
      view,
    );
  });
}

function syncHeadline(outcome: SyncOutcome): string {
  switch (outcome.status) {
    case 'completed':
      return `Sync finished: ${outcome.devices.toLocaleString('en-US')} devices from Google in ${duration(outcome.durationMs)}${outcome.removed ? `, ${outcome.removed.toLocaleString('en-US')} no longer in Google removed` : ''}.`;
    case 'failed':
      return 'The sync did not finish; the reason is above. Try “connector sync” again later.';
    case 'busy':
      return 'Another Device Desk instance is running a sync of this connection right now; it updates this status when it ends.';
    case 'not-connected':
      return 'The connection was deleted, so the sync stopped.';
    case 'cancelled':
      return 'The sync was interrupted because the bot is stopping.';
  }
}

/**
 * Remote actions from chat: a device card button (`action.request`) or text (`wipe 5CD123ABC`)
 * → one exactly identified device → permission and state checks → a confirmation card only the
 * requester can use → on confirm, checks again and executes once → a status card the tracker
 * keeps up to date. `status <id>` and `my actions` read the requests back.
 */
import { Activity, CardFactory, TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { randomUUID } from 'node:crypto';
import { DeviceAction, findAction, isActionId, operationOf, parseActionCommand, usageOf } from '../src/actions';
import { executeOperation } from '../src/actions/operations';
import type { LockExecuted } from '../src/actions/intune-lock';
import type { ActionParams, ActionRequest, Confirmation, RequesterRef } from '../src/actions/types';
import { actorOf, isTerminal } from '../src/actions/types';
import { DEPROVISION_REASONS, DeprovisionReason } from '../src/directory/types';
import type { MatchKind } from '../src/inventory/types';
import { DeskError, Forbidden, InvalidInput, InvalidState, UpstreamError } from '../src/errors';
import { confirmCardData, statusCardData } from './actions-view';
import { actionStatusCard } from './cards/action-status-card';
import { confirmCard } from './cards/confirm-card';
import { pinCardFor } from './pin';
import { deviceListCard } from './cards/device-list-card';
import { messageCard } from './cards/message-card';
import type { AdaptiveCard } from './cards/render';
import type { BotDeps } from './deps';
import type { Requester } from './identity';
import { DeviceUnavailable, deviceContextOf, DeviceView, readDeviceFor } from './lookup-device';
import { searchAsRequester } from './lookup-search';
import { listRow, statusLabel } from './lookup-view';
import { failureCard } from './errors';
import { registerActionStatus } from './actions-status';
import { labelOf } from './notifier';
import { messageText, quote, replyWithCard } from './reply';

export type ActionsDeps = Pick<
  BotDeps,
  'identity' | 'guard' | 'inventory' | 'directory' | 'clock' | 'logger' | 'view' | 'audit' | 'actions'
>;

const CANDIDATES = 10;
/** Text acts only on a device named by its own identifiers, never on a user's or a room's. */
const IDENTIFYING: MatchKind[] = ['id', 'serial', 'serialPrefix', 'assetId'];

async function sendInvokeCard(ctx: TurnContext, card: AdaptiveCard): Promise<void> {
  // Sent here rather than returned: teams-ai would turn a card with `refresh` into replace-for-all.
  await ctx.sendActivity({
    type: 'invokeResponse',
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
  });
}

async function sendInvokeMessage(ctx: TurnContext, text: string): Promise<void> {
  await ctx.sendActivity({
    type: 'invokeResponse',
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
  });
}

function cardActivity(card: AdaptiveCard): Partial<Activity> {
  return { type: 'message', attachments: [CardFactory.adaptiveCard(card)] };
}

function refOf(r: Requester): RequesterRef {
  return { teamsId: r.teamsId, aadObjectId: r.aadObjectId, name: r.name, upn: r.upn, tenantId: r.tenantId };
}

function confirmationIdOf(data: unknown): string {
  const id = data && typeof data === 'object' ? (data as Record<string, unknown>).confirmationId : undefined;
  if (typeof id !== 'string' || !/^[A-Za-z0-9-]{8,64}$/.test(id))
    throw new InvalidInput('That card did not say which request it belongs to.');
  return id;
}

/** Why an action does not fit the device now, in words the requester can act on. */
function notFitting(action: DeviceAction, device: DeviceView): string {
  const status = statusLabel(device.status);
  if (action.id === 'lostMode.on' && device.status.toUpperCase() === 'DISABLED')
    return `Lost mode is already on for ${device.serialNumber}.`;
  if (action.id === 'lostMode.off') return `Lost mode is not on for ${device.serialNumber} (its status is ${status}).`;
  if (action.id === 'reboot' && device.status.toUpperCase() === 'ACTIVE') {
    return `${device.serialNumber} can't be restarted remotely: Google restarts only kiosk and managed guest session devices, and others on ChromeOS 113 or later (it runs ${device.osVersion ?? 'an unknown version'}).`;
  }
  return `${action.label} does not apply to ${device.serialNumber} while its status is ${status}.`;
}

export function registerActions(app: Application<TurnState>, deps: ActionsDeps): void {
  const { actions } = deps;
  const catalogue = actions.catalogue;
  /** PINs issued by execute(), for the invoke that asked; never saved with the request. */
  const issuedPins = new WeakMap<ActionRequest, string>();

  async function audit(
    requester: RequesterRef,
    action: string,
    device: { id: string; serialNumber: string },
    outcome: 'requested' | 'approved' | 'cancelled' | 'failed' | 'denied',
    detail: Record<string, unknown>,
    requestId?: string,
    reason?: string,
  ) {
    await deps.audit.append({
      actor: actorOf(requester),
      tenantId: requester.tenantId,
      action,
      target: { kind: 'device', id: device.id, label: device.serialNumber },
      requestId,
      outcome,
      reason,
      detail,
    });
  }

  /** Reads the device fresh and checks permission and state: on request and again on confirm. */
  async function check(
    requester: Requester,
    action: DeviceAction,
    deviceId: string,
    step: string,
  ): Promise<DeviceView> {
    const executor = actions.executors?.[action.id];
    if (!operationOf(action.id) && !executor) throw new InvalidInput(`${action.label} can't be run from chat yet.`);
    let device: DeviceView;
    try {
      device = await readDeviceFor(deps, requester, deviceId, `${action.id}.${step}`);
    } catch (error) {
      if (error instanceof DeviceUnavailable) throw new InvalidInput(error.userMessage);
      throw error;
    }
    await deps.guard.authorize(requester, action.permission, action.id, {
      ...deviceContextOf(device),
      target: { kind: 'device', id: device.id, label: device.serialNumber },
    });
    if (!action.fits(device)) throw new InvalidState(notFitting(action, device));
    // e.g. a remote lock still pending, or a Mac PIN not used yet.
    if (executor) await executor.precheck(requester.tenantId, device.id, device.serialNumber);
    return device;
  }

  /** First step, from a button or text: the confirmation card (or, when allowed, straight to execution). */
  async function request(
    ctx: TurnContext,
    requester: Requester,
    action: DeviceAction,
    deviceId: string,
    params: ActionParams,
  ): Promise<void> {
    const device = await check(requester, action, deviceId, 'request');
    const now = deps.clock.now();
    const c: Confirmation = {
      id: randomUUID(),
      requester: refOf(requester),
      action: action.id,
      device: {
        id: device.id,
        serialNumber: device.serialNumber,
        model: device.model,
        orgUnitPath: device.orgUnitPath,
      },
      params,
      createdAt: now,
      expiresAt: now + actions.settings.confirmationTtlMs,
      conversation: TurnContext.getConversationReference(ctx.activity),
    };
    if (!action.destructive && actions.settings.skipConfirmation && (action.id !== 'deprovision' || params.reason)) {
      await audit(c.requester, action.id, c.device, 'requested', {
        step: 'request',
        confirmation: 'skipped by configuration',
      });
      const placeholder = await ctx.sendActivity(
        cardActivity(
          messageCard({ title: `${action.label}: ${device.serialNumber}`, text: 'Sending it to Google…' }, deps.view),
        ),
      );
      await execute(ctx, { ...c, cardActivityId: placeholder?.id });
      return;
    }
    await actions.confirmations.create(c);
    await audit(c.requester, action.id, c.device, 'requested', {
      step: 'confirmation shown',
      confirmationId: c.id,
      ...params,
    });
    // In a personal chat nobody else sees the card, so it carries the buttons; elsewhere only the requester's refreshed view does.
    const personal = ctx.activity.conversation?.conversationType === 'personal';
    const sent = await ctx.sendActivity(
      cardActivity(confirmCard(confirmCardData(c, action, personal, true), deps.view)),
    );
    if (sent?.id) await actions.confirmations.attachCard(c.id, sent.id);
  }

  /** Executes a consumed confirmation once, records the request and starts its tracking. */
  async function execute(ctx: TurnContext, c: Confirmation): Promise<ActionRequest> {
    const now = deps.clock.now();
    const r: ActionRequest = {
      id: await actions.requests.newId(),
      requester: c.requester,
      action: c.action,
      device: c.device,
      params: c.params,
      state: 'Pending',
      createdAt: now,
      updatedAt: now,
      history: [{ state: 'Pending', at: now }],
      conversation: TurnContext.getConversationReference(ctx.activity),
      cardActivityId: c.cardActivityId ?? ctx.activity.replyToId,
      pollSeq: 0,
    };
    await actions.requests.save(r);
    try {
      const executor = actions.executors?.[c.action];
      const done: LockExecuted = executor
        ? await executor.execute(r)
        : await executeOperation(deps.directory, c.action, c.device.id, c.params);
      // A Mac's PIN is for the requester's eyes: kept off the request, handed to the invoke response.
      if (done.pin) issuedPins.set(r, done.pin);
      r.commandId = done.commandId;
      if (done.state !== r.state) {
        r.state = done.state;
        r.error = done.error;
        r.history.push({ state: done.state, at: deps.clock.now() });
      }
    } catch (error) {
      // No answer at all (connection lost): Google may have acted, so it is not a clean failure.
      const noAnswer = error instanceof UpstreamError && error.status === undefined;
      r.state = noAnswer ? 'Unknown' : 'Failed';
      r.error =
        error instanceof DeskError
          ? noAnswer
            ? `${error.userMessage} Google may still have received it: check the device in the Google Admin console before trying again.`
            : error.userMessage
          : 'Sending the request to Google failed.';
      r.history.push({ state: r.state, at: deps.clock.now() });
      if (!(error instanceof DeskError))
        deps.logger.error({ requestId: r.id, err: error }, 'executing an action failed');
    }
    r.updatedAt = deps.clock.now();
    await actions.requests.save(r);
    await audit(
      c.requester,
      c.action,
      c.device,
      r.state === 'Failed' || r.state === 'Unknown' ? 'failed' : 'approved',
      { step: 'executed', state: r.state, ...(r.commandId ? { commandId: r.commandId } : {}), ...c.params },
      r.id,
      r.error,
    );
    // Everyone in the conversation sees the status card in place of the confirmation.
    if (r.cardActivityId) {
      try {
        await ctx.updateActivity({ ...statusActivityOf(r), id: r.cardActivityId });
      } catch (error) {
        deps.logger.warn(
          { requestId: r.id, err: { message: (error as Error).message } },
          'could not replace the confirmation card',
        );
      }
    }
    // In a personal chat the PIN also stays in a message of its own, which later updates don't replace.
    const pin = issuedPins.get(r);
    if (pin && ctx.activity.conversation?.conversationType === 'personal') {
      await ctx
        .sendActivity(cardActivity(pinCardFor(r, pin, deps.clock.now(), deps.view)))
        .catch((error: unknown) =>
          deps.logger.warn(
            { requestId: r.id, err: { message: (error as Error).message } },
            'could not post the recovery PIN card',
          ),
        );
    }
    if (isTerminal(r.state)) await actions.tracker.announce(r);
    else await actions.tracker.track(r);
    return r;
  }

  function statusActivityOf(r: ActionRequest): Partial<Activity> {
    return cardActivity(statusCardOf(r));
  }

  function statusCardOf(r: ActionRequest): AdaptiveCard {
    return actionStatusCard(statusCardData(r, labelOf(catalogue, r.action)), deps.view);
  }

  function refusal(title: string, text: string): AdaptiveCard {
    return messageCard({ title, text, tone: 'warning' }, deps.view);
  }

  // ---- text: `wipe 5CD123ABC`, `lost mode on …`, `deprovision … reason retiring` ----------------
  app.message(
    async (ctx) => ctx.activity.type === 'message' && parseActionCommand(messageText(ctx)) !== undefined,
    async (ctx) => {
      const parsed = parseActionCommand(messageText(ctx));
      if (!parsed) return;
      if (!parsed.ok) {
        await replyWithCard(ctx, refusal('I need a bit more', parsed.message));
        return;
      }
      const { action: actionId, query, params } = parsed.value;
      const action = findAction(catalogue, actionId) as DeviceAction;
      const requester = await deps.identity.requester(ctx);
      const found = await searchAsRequester(deps.inventory, requester, query, { limit: CANDIDATES });
      if (found.total === 0) {
        await replyWithCard(
          ctx,
          refusal(
            `No device found for "${quote(query)}"`,
            `Nothing you can see matches that. Check the serial and try again: ${usageOf(actionId)}`,
          ),
        );
        return;
      }
      // Several matches never act, nor does a match on who uses the device or where it is: the
      // requester picks the device and uses its card's buttons.
      const identified = found.matchedBy !== undefined && IDENTIFYING.includes(found.matchedBy);
      if (found.total > 1 || found.devices.length !== 1 || !identified) {
        await replyWithCard(
          ctx,
          deviceListCard(
            {
              title:
                found.total > 1
                  ? `${found.total} devices match "${quote(query)}": which one?`
                  : `Is this the device you mean by "${quote(query)}"?`,
              summary:
                found.devices.length < found.total
                  ? `Showing ${found.devices.length} of ${found.total}`
                  : `Showing all ${found.total}`,
              rows: found.devices.map(listRow),
              hint: `I act only on exactly one device. Open the right one and use its ${action.label} button, or give its full serial number.`,
            },
            deps.view,
          ),
        );
        return;
      }
      await request(ctx, requester, action, found.devices[0].id, params);
    },
  );

  // ---- device card button --------------------------------------------------------------------
  app.adaptiveCards.actionExecute<unknown>('action.request', async (ctx, _state, data) => {
    try {
      const d = (data ?? {}) as Record<string, unknown>;
      if (!isActionId(d.action)) throw new InvalidInput('That button did not say which action to run.');
      const deviceId =
        typeof d.deviceId === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(d.deviceId) ? d.deviceId : undefined;
      if (!deviceId) throw new InvalidInput('That button did not say which device to act on.');
      const action = findAction(catalogue, d.action) as DeviceAction;
      const requester = await deps.identity.requester(ctx);
      await request(ctx, requester, action, deviceId, {});
      await sendInvokeMessage(ctx, `${action.label}: confirm in the card below.`);
    } catch (error) {
      // The refusal goes into the conversation as a card; the device card stays as it was.
      const card = failureCard(deps, ctx, error, { verb: ctx.activity.value?.action?.verb });
      await ctx.sendActivity(cardActivity(card));
      await sendInvokeMessage(
        ctx,
        error instanceof DeskError ? error.userMessage : 'Something went wrong; nothing was changed.',
      );
    }
    return '';
  });

  // ---- the requester's view of a confirmation card (refresh) ------------------------------------
  app.adaptiveCards.actionExecute<unknown>('action.view', async (ctx, _state, data) => {
    try {
      const id = confirmationIdOf(data);
      const c = await actions.confirmations.get(id);
      const action = c && findAction(catalogue, c.action);
      if (!c || !action) {
        await sendInvokeCard(
          ctx,
          refusal('No longer waiting', 'This confirmation was used, cancelled or has expired.'),
        );
      } else {
        const mine = c.requester.teamsId === ctx.activity.from?.id;
        const live = deps.clock.now() <= c.expiresAt;
        await sendInvokeCard(ctx, confirmCard(confirmCardData(c, action, mine && live, true), deps.view));
      }
    } catch (error) {
      await sendInvokeCard(ctx, failureCard(deps, ctx, error, { verb: ctx.activity.value?.action?.verb }));
    }
    return '';
  });

  // ---- confirm ---------------------------------------------------------------------------------
  app.adaptiveCards.actionExecute<unknown>('action.confirm', async (ctx, _state, data) => {
    try {
      const id = confirmationIdOf(data);
      const requester = await deps.identity.requester(ctx);
      const pending = await actions.confirmations.get(id);
      if (!pending) {
        await sendInvokeCard(
          ctx,
          refusal(
            'Already handled',
            'This confirmation was already used, cancelled or has expired. Nothing more was sent to the device.',
          ),
        );
        return '';
      }
      const action = findAction(catalogue, pending.action) as DeviceAction;
      if (pending.requester.teamsId !== requester.teamsId) {
        await audit(
          refOf(requester),
          pending.action,
          pending.device,
          'denied',
          { step: 'confirm', confirmationId: id, why: 'not the requester' },
          undefined,
          `Only ${pending.requester.name} can confirm.`,
        );
        // Their view stays read-only; the card is not used up.
        await sendInvokeCard(ctx, confirmCard(confirmCardData(pending, action, false, true), deps.view));
        return '';
      }
      const params: ActionParams = { ...pending.params };
      if (pending.action === 'deprovision') {
        const given = (data as Record<string, unknown>).reason ?? params.reason;
        if (typeof given !== 'string' || !(DEPROVISION_REASONS as readonly string[]).includes(given)) {
          await sendInvokeMessage(ctx, 'Pick a reason for deprovisioning first.');
          return '';
        }
        params.reason = given as DeprovisionReason;
      }
      // Single use: of two clicks, replays or instances, exactly one gets it.
      const c = await actions.confirmations.consume(id);
      if (!c) {
        await sendInvokeCard(
          ctx,
          refusal('Already handled', 'This confirmation was already used. Nothing more was sent to the device.'),
        );
        return '';
      }
      c.params = params;
      if (deps.clock.now() > c.expiresAt) {
        await audit(
          c.requester,
          c.action,
          c.device,
          'cancelled',
          { step: 'confirm', confirmationId: id, why: 'expired' },
          undefined,
          'The confirmation expired.',
        );
        const card = refusal(
          'Confirmation expired',
          `Nothing was sent to ${c.device.serialNumber}. Ask again if it is still needed.`,
        );
        await sendInvokeCard(ctx, card);
        if (c.cardActivityId)
          await ctx.updateActivity({ ...cardActivity(card), id: c.cardActivityId }).catch(() => undefined);
        return '';
      }
      try {
        await check(requester, action, c.device.id, 'confirm');
      } catch (error) {
        if (!(error instanceof DeskError)) throw error;
        if (!(error instanceof Forbidden))
          await audit(
            c.requester,
            c.action,
            c.device,
            'failed',
            { step: 'confirm', confirmationId: id },
            undefined,
            error.userMessage,
          );
        const card = refusal('Not sent', `${error.userMessage} Nothing was sent to the device.`);
        await sendInvokeCard(ctx, card);
        if (c.cardActivityId)
          await ctx.updateActivity({ ...cardActivity(card), id: c.cardActivityId }).catch(() => undefined);
        return '';
      }
      const r = await execute(ctx, c);
      const pin = issuedPins.get(r);
      await sendInvokeCard(ctx, pin ? pinCardFor(r, pin, deps.clock.now(), deps.view) : statusCardOf(r));
    } catch (error) {
      await sendInvokeCard(ctx, failureCard(deps, ctx, error, { verb: ctx.activity.value?.action?.verb }));
    }
    return '';
  });

  // ---- cancel ----------------------------------------------------------------------------------
  app.adaptiveCards.actionExecute<unknown>('action.cancel', async (ctx, _state, data) => {
    try {
      const id = confirmationIdOf(data);
      const requester = await deps.identity.requester(ctx);
      const pending = await actions.confirmations.get(id);
      if (!pending) {
        await sendInvokeCard(
          ctx,
          refusal('Already handled', 'This confirmation was already used, cancelled or has expired.'),
        );
        return '';
      }
      if (pending.requester.teamsId !== requester.teamsId) {
        await audit(
          refOf(requester),
          pending.action,
          pending.device,
          'denied',
          { step: 'cancel', confirmationId: id, why: 'not the requester' },
          undefined,
          `Only ${pending.requester.name} can cancel.`,
        );
        const action = findAction(catalogue, pending.action) as DeviceAction;
        await sendInvokeCard(ctx, confirmCard(confirmCardData(pending, action, false, true), deps.view));
        return '';
      }
      const c = await actions.confirmations.consume(id);
      if (!c) {
        await sendInvokeCard(ctx, refusal('Already handled', 'This confirmation was already used.'));
        return '';
      }
      await audit(c.requester, c.action, c.device, 'cancelled', { step: 'cancel', confirmationId: id });
      const card = messageCard(
        {
          title: `${labelOf(catalogue, c.action)}: cancelled`,
          text: `${requester.name} cancelled it. Nothing was sent to ${c.device.serialNumber}.`,
        },
        deps.view,
      );
      await sendInvokeCard(ctx, card);
      if (c.cardActivityId)
        await ctx.updateActivity({ ...cardActivity(card), id: c.cardActivityId }).catch(() => undefined);
    } catch (error) {
      await sendInvokeCard(ctx, failureCard(deps, ctx, error, { verb: ctx.activity.value?.action?.verb }));
    }
    return '';
  });

  registerActionStatus(app, deps);
}

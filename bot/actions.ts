/**
 * Remote actions from chat: a device card button (`action.request`) or text (`wipe 5CD123ABC`)
 * → the action service checks and asks for confirmation → a confirmation card only the requester
 * can use → on confirm the service checks again and runs it once → the status card, which the
 * tracker keeps up to date. Here: parsing, cards and invoke answers only.
 */
import { TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import type { Requester } from '../src/access';
import {
  isActionId,
  parseActionCommand,
  usageOf,
  REASON_WORDS,
  type ActionRequest,
  type CancelOutcome,
  type ConfirmOutcome,
  type ExecutedAction,
  type RequestOutcome,
  type TextRequestOutcome,
} from '../src/actions';
import { DeskError, InvalidInput } from '../src/errors';
import { confirmCardData, expiredConfirmationCard, statusCardData } from './actions-view';
import { registerActionStatus } from './actions-status';
import {
  actionStatusCard,
  confirmCard,
  deviceListCard,
  markup,
  messageCard,
  warningCard,
  AdaptiveCard,
  cardMessage,
} from './cards';
import type { BotDeps } from './deps';
import { failureCard } from './errors';
import { onCardVerb, verbOf, type InvokeAnswer } from './invoke';
import { severalSerials } from './lookup-query';
import { devicesMatch, listRow, matchCount } from './lookup-view';
import { labelOf } from './notifier';
import { pinCardFor } from './pin';
import { quote, replyWithCard } from './reply';
import { conversationOf, isPersonal, messageText, textMatches } from './turn';

export type ActionsDeps = Pick<BotDeps, 'identity' | 'clock' | 'logger' | 'view' | 'actions'>;

const CONFIRMATION_ID = /^[A-Za-z0-9-]{8,64}$/;
const DEVICE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const GONE = 'This confirmation was already used, cancelled or has expired.';

function confirmationIdOf(data: unknown): string {
  const id = data && typeof data === 'object' ? (data as Record<string, unknown>).confirmationId : undefined;
  if (typeof id !== 'string' || !CONFIRMATION_ID.test(id))
    throw new InvalidInput('That card did not say which request it belongs to.');
  return id;
}

function buttonRequestOf(data: unknown): { action: ActionRequest['action']; deviceId: string } {
  const d = (data ?? {}) as Record<string, unknown>;
  if (!isActionId(d.action)) throw new InvalidInput('That button did not say which action to run.');
  if (typeof d.deviceId !== 'string' || !DEVICE_ID.test(d.deviceId))
    throw new InvalidInput('That button did not say which device to act on.');
  return { action: d.action, deviceId: d.deviceId };
}

export function registerActions(app: Application<TurnState>, deps: ActionsDeps): void {
  registerTextRequests(app, deps);
  registerRequestButton(app, deps);
  registerConfirmationVerbs(app, deps);
  registerTypedConfirmation(app, deps);
  registerActionStatus(app, deps);
}

const BARE_YES = /^\s*(?:yes|yep|yeah|y|confirm(?:ed)?|go\s+ahead|do\s+it|proceed)\s*[.!]*\s*$/i;
const BARE_NO = /^\s*(?:no|nope|n|cancel|stop|abort|never\s*mind|don'?t)\s*[.!]*\s*$/i;
const TYPED_CONFIRMATION = /^\s*(confirm|cancel)\s+(CF-[A-Z0-9]{6,16})(?:\s+reason\s+(\S+))?\s*[.!]?\s*$/i;

/**
 * `confirm CF-…` / `cancel CF-…`: for clients that can't show the requester their own view of a
 * confirmation card (so no buttons). The same service call as the buttons, with the same checks.
 */
function registerTypedConfirmation(app: Application<TurnState>, deps: ActionsDeps): void {
  // "yes" or "cancel" on its own can't say which request it answers: never guess, say how.
  app.message(textMatches(BARE_YES), async (ctx) => {
    const text = markup`I act only on a confirmation tied to one request: press **Confirm** on its card, or type \`confirm ‹CF-id›\` with the id the card shows.`;
    await replyWithCard(ctx, messageCard({ title: 'Confirm on the card', text }, deps.view));
  });
  app.message(textMatches(BARE_NO), async (ctx) => {
    const text = markup`Nothing happens until someone confirms. To drop a request now, press **Cancel** on its card or type \`cancel ‹CF-id›\`; one nobody confirms expires by itself.`;
    await replyWithCard(ctx, messageCard({ title: 'Nothing is done yet', text }, deps.view));
  });

  app.message(textMatches(TYPED_CONFIRMATION), async (ctx) => {
    const [, verb, rawId, reasonWord] = TYPED_CONFIRMATION.exec(messageText(ctx)) ?? [];
    const id = rawId.toUpperCase();
    const requester = await deps.identity.requester(ctx);
    const answer =
      verb.toLowerCase() === 'confirm'
        ? await confirmAnswer(
            deps,
            ctx,
            await deps.actions.confirm(requester, id, reasonWord && REASON_WORDS[reasonWord.toLowerCase()], {
              conversation: conversationOf(ctx),
            }),
          )
        : await cancelAnswer(deps, ctx, requester, await deps.actions.cancel(requester, id));
    await replyWithCard(ctx, typeof answer === 'string' ? warningCard('Not yet', answer, deps.view) : answer);
  });
}

function statusCardOf(deps: ActionsDeps, r: ActionRequest): AdaptiveCard {
  return actionStatusCard(statusCardData(r, labelOf(deps.actions.catalogue, r.action)), deps.view);
}

/** Puts the confirmation card in the conversation, or, when configured, runs the action at once. */
async function present(deps: ActionsDeps, ctx: TurnContext, outcome: RequestOutcome): Promise<void> {
  const { actions, view } = deps;
  const { confirmation, action } = outcome;
  if (outcome.kind === 'run-now') {
    const title = `${action.label}: ${confirmation.device.serialNumber}`;
    const service = action.source === 'intune' ? 'Intune' : 'Google';
    const placeholder = await replyWithCard(ctx, messageCard({ title, text: `Sending it to ${service}…` }, view));
    await postPin(deps, ctx, await actions.runNow(confirmation, placeholder));
    return;
  }
  // In a personal chat nobody else sees the card, so it carries the buttons; elsewhere only the requester's refreshed view does.
  const card = confirmCard(confirmCardData(confirmation, action, isPersonal(ctx), true), view);
  const sent = await replyWithCard(ctx, card);
  if (sent) await actions.attachCard(confirmation.id, sent);
}

/** In a personal chat a Mac's PIN also stays in a message of its own, which later updates don't replace. */
async function postPin(deps: ActionsDeps, ctx: TurnContext, { request, pin }: ExecutedAction): Promise<void> {
  if (!pin || !isPersonal(ctx)) return;
  await ctx.sendActivity(cardMessage(pinCardFor(request, pin, deps.clock.now(), deps.view))).catch((error: unknown) => {
    const err = { message: (error as Error).message };
    deps.logger.warn({ requestId: request.id, err }, 'could not post the recovery PIN card');
  });
}

/** Where a confirmation was used up, its card turns into the outcome for everyone. */
async function replaceConfirmation(ctx: TurnContext, cardActivityId: string | undefined, card: AdaptiveCard) {
  if (cardActivityId) await ctx.updateActivity({ ...cardMessage(card), id: cardActivityId }).catch(() => undefined);
}

/** Text that names no single device: nothing found, or the candidates to open. */
function candidatesCard(
  deps: ActionsDeps,
  typed: string,
  query: string,
  outcome: Exclude<TextRequestOutcome, RequestOutcome>,
): AdaptiveCard {
  const { action } = outcome;
  if (outcome.kind === 'no-match') {
    const several = severalSerials(query);
    if (several) {
      const bulk = typed.endsWith(query) ? `\`bulk ${typed.slice(0, -query.length)}${several.join(' ')}\`` : '`bulk …`';
      const text = `That names ${several.length} devices, and this command acts on one. For several at once, type ${bulk}: a preview of every device first, then one confirmation.`;
      return warningCard('One device at a time', text, deps.view);
    }
    const text = `Nothing you can see matches that. Check the serial and try again: ${usageOf(action.id)}`;
    return warningCard(`No device found for "${quote(query)}"`, text, deps.view);
  }
  const { found } = outcome;
  const shown = found.devices.length;
  return deviceListCard(
    {
      title:
        found.total > 1
          ? `${devicesMatch(found)} "${quote(query)}": which one?`
          : `Is this the device you mean by "${quote(query)}"?`,
      summary: shown < found.total || found.more ? `Showing ${shown} of ${matchCount(found)}` : `Showing all ${shown}`,
      rows: found.devices.map(listRow),
      hint: `I act only on exactly one device. Open the right one and use its ${action.label} button, or give its full serial number.`,
    },
    deps.view,
  );
}

/** `wipe 5CD123ABC`, `lost mode on …`, `deprovision … reason retiring`. */
function registerTextRequests(app: Application<TurnState>, deps: ActionsDeps): void {
  app.message(
    async (ctx) => ctx.activity.type === 'message' && parseActionCommand(messageText(ctx)) !== undefined,
    async (ctx) => {
      const parsed = parseActionCommand(messageText(ctx));
      if (!parsed) return;
      if (!parsed.ok) {
        await replyWithCard(ctx, warningCard('I need a bit more', parsed.message, deps.view));
        return;
      }
      const { action, query, params } = parsed.value;
      const requester = await deps.identity.requester(ctx);
      const place = { conversation: conversationOf(ctx) };
      const outcome = await deps.actions.requestByQuery(requester, action, query, params, place);
      if (outcome.kind === 'no-match' || outcome.kind === 'pick')
        await replyWithCard(ctx, candidatesCard(deps, messageText(ctx), query, outcome));
      else await present(deps, ctx, outcome);
    },
  );
}

/** A device card's button: a refusal goes into the conversation, and the device card stays as it was. */
function registerRequestButton(app: Application<TurnState>, deps: ActionsDeps): void {
  app.adaptiveCards.actionExecute<unknown>('action.request', async (ctx, _state, data) => {
    try {
      const { action, deviceId } = buttonRequestOf(data);
      const requester = await deps.identity.requester(ctx);
      // The device card the button is on shows the device as it is once the action ends.
      const place = { conversation: conversationOf(ctx), deviceCardActivityId: ctx.activity.replyToId };
      const outcome = await deps.actions.request(requester, action, deviceId, {}, place);
      await present(deps, ctx, outcome);
      return `${outcome.action.label}: confirm in the card below.`;
    } catch (error) {
      await ctx.sendActivity(cardMessage(failureCard(deps, ctx, error, { verb: verbOf(ctx) })));
      return error instanceof DeskError ? error.userMessage : 'Something went wrong; nothing was changed.';
    }
  });
}

async function confirmAnswer(deps: ActionsDeps, ctx: TurnContext, outcome: ConfirmOutcome): Promise<InvokeAnswer> {
  const { view } = deps;
  switch (outcome.kind) {
    case 'gone':
      return warningCard('Already handled', `${GONE} Nothing more was sent to the device.`, view);
    case 'used':
      return warningCard(
        'Already handled',
        'This confirmation was already used. Nothing more was sent to the device.',
        view,
      );
    case 'not-requester':
      // Their view stays read-only; the card is not used up.
      return confirmCard(confirmCardData(outcome.confirmation, outcome.action, false, true), view);
    case 'needs-reason':
      return 'Pick a reason for deprovisioning first.';
    case 'needs-input':
      return outcome.message;
    case 'expired': {
      const card = expiredConfirmationCard(outcome.confirmation, view);
      await replaceConfirmation(ctx, outcome.confirmation.cardActivityId, card);
      return card;
    }
    case 'refused': {
      const card = warningCard('Not sent', `${outcome.message} Nothing was sent to the device.`, view);
      await replaceConfirmation(ctx, outcome.confirmation.cardActivityId, card);
      return card;
    }
    case 'executed':
      // Once: in a personal chat the PIN gets a message of its own (status updates replace the
      // card), elsewhere only the requester's own view of the card carries it.
      if (outcome.pin && isPersonal(ctx)) {
        await postPin(deps, ctx, outcome);
        return statusCardOf(deps, outcome.request);
      }
      return outcome.pin
        ? pinCardFor(outcome.request, outcome.pin, deps.clock.now(), view)
        : statusCardOf(deps, outcome.request);
  }
}

async function cancelAnswer(
  deps: ActionsDeps,
  ctx: TurnContext,
  requester: Requester,
  outcome: CancelOutcome,
): Promise<InvokeAnswer> {
  const { view } = deps;
  if (outcome.kind === 'gone') return warningCard('Already handled', GONE, view);
  if (outcome.kind === 'used') return warningCard('Already handled', 'This confirmation was already used.', view);
  if (outcome.kind === 'not-requester')
    return confirmCard(confirmCardData(outcome.confirmation, outcome.action, false, true), view);
  const c = outcome.confirmation;
  const title = `${labelOf(deps.actions.catalogue, c.action)}: cancelled`;
  const text = `${requester.name} cancelled it. Nothing was sent to ${c.device.serialNumber}.`;
  const card = messageCard({ title, text }, view);
  await replaceConfirmation(ctx, c.cardActivityId, card);
  return card;
}

/** The confirmation card's verbs: the requester's refreshed view, Confirm, Cancel. */
function registerConfirmationVerbs(app: Application<TurnState>, deps: ActionsDeps): void {
  const { actions, view } = deps;
  onCardVerb(app, 'action.view', deps, async (ctx, data) => {
    const outcome = await actions.view(confirmationIdOf(data), ctx.activity.from?.id);
    if (outcome.kind === 'gone')
      return warningCard('No longer waiting', 'This confirmation was used, cancelled or has expired.', view);
    // Seen after its time: expired, even before the expiry job has turned the card for everyone.
    if (deps.clock.now() > outcome.confirmation.expiresAt) return expiredConfirmationCard(outcome.confirmation, view);
    return confirmCard(confirmCardData(outcome.confirmation, outcome.action, outcome.canAct, true), view);
  });

  onCardVerb(app, 'action.confirm', deps, async (ctx, data) => {
    const id = confirmationIdOf(data);
    const requester = await deps.identity.requester(ctx);
    const inputs = data as Record<string, unknown>;
    const place = { conversation: conversationOf(ctx), cardActivityId: ctx.activity.replyToId };
    return confirmAnswer(deps, ctx, await actions.confirm(requester, id, inputs.reason, place, inputs));
  });

  onCardVerb(app, 'action.cancel', deps, async (ctx, data) => {
    const requester = await deps.identity.requester(ctx);
    return cancelAnswer(deps, ctx, requester, await actions.cancel(requester, confirmationIdOf(data)));
  });
}

/**
 * Bulk actions from chat: `bulk <action> <list | ou:/path>` (or a CSV file) → a preview card of
 * what will and won't be acted on → Start (or Ask for approval, posted to the help desk channel,
 * approved by a second person holding the same permission) → a progress card updated in place
 * → a summary with every device's result and a CSV. The run itself is a background job.
 */
import { TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import {
  type Actor,
  type BulkRun,
  type Source,
  BULK_COMMAND,
  BULK_USAGE,
  countsOf,
  parseBulkCommand,
  plainText,
  RUN_ID,
} from '../src/actions/bulk';
import type { Permission, Requester } from '../src/access';
import { actionForSource, DeviceAction, findAction } from '../src/actions';
import { actorOf } from '../src/audit';
import { DeskError, InvalidInput } from '../src/errors';
import { downloadList, sentFileOf } from './bulk-file';
import { previewCardData } from './bulk-view';
import { bulkPreviewCard, warningCard, AdaptiveCard, cardMessage } from './cards';
import type { BotDeps } from './deps';
import { failureCard } from './errors';
import { onCardVerb, type InvokeAnswer } from './invoke';
import { quote, replyWithCard } from './reply';
import { conversationOf, isPersonal, messageText, textMatches } from './turn';

export type BulkDeps = Pick<
  BotDeps,
  'identity' | 'guard' | 'access' | 'audit' | 'clock' | 'logger' | 'view' | 'actions' | 'tenantSettings' | 'bulk'
>;

function runIdOf(data: unknown): string {
  const id = data && typeof data === 'object' ? (data as Record<string, unknown>).runId : undefined;
  if (typeof id !== 'string' || !RUN_ID.test(id))
    throw new InvalidInput('That card did not say which bulk run it belongs to.');
  return id;
}

export function registerBulk(app: Application<TurnState>, deps: BulkDeps): void {
  // `bulk status BR-…` first: the command route would match its words.
  registerBulkStatus(app, deps);
  registerBulkCommand(app, deps);
  registerRequesterVerbs(app, deps);
  registerApprovalVerbs(app, deps);
  registerTypedSteps(app, deps);
}

function actionOf(deps: BulkDeps, run: BulkRun): DeviceAction {
  return findAction(deps.actions.catalogue, run.action) as DeviceAction;
}

/** A person deciding on a run, with their own roles: every device is checked against them. */
function deciderOf(deps: BulkDeps, r: Requester, permission: Permission): Actor {
  return {
    ref: { teamsId: r.teamsId, aadObjectId: r.aadObjectId, name: r.name, upn: r.upn, tenantId: r.tenantId },
    access: r.access,
    decide: (device) => deps.access.can(r.access, permission, device),
  };
}

async function audit(
  deps: BulkDeps,
  who: Requester | BulkRun['requester'],
  run: BulkRun,
  outcome: 'requested' | 'approved' | 'rejected' | 'cancelled' | 'denied',
  detail: Record<string, unknown>,
  reason?: string,
): Promise<void> {
  await deps.audit.append({
    actor: actorOf(who),
    tenantId: run.tenantId,
    action: `bulk.${run.action}`,
    target: { kind: 'request', id: run.id, label: `${run.total} devices` },
    requestId: run.id,
    outcome,
    reason,
    detail,
  });
}

async function previewCard(
  deps: BulkDeps,
  run: BulkRun,
  interactive: boolean,
  refreshFor?: string,
): Promise<AdaptiveCard> {
  const targets = await deps.bulk.store.targets(run.id);
  return bulkPreviewCard(
    previewCardData(run, targets, actionOf(deps, run), deps.clock.now(), interactive, refreshFor),
    deps.view,
  );
}

/** Replaces the run's card for everyone in its conversation. */
async function replaceRunCard(deps: BulkDeps, ctx: TurnContext, run: BulkRun, card: AdaptiveCard): Promise<void> {
  if (!run.cardActivityId) return;
  const sameConversation = run.conversation?.conversation?.id === ctx.activity.conversation?.id;
  try {
    if (sameConversation) await ctx.updateActivity({ ...cardMessage(card), id: run.cardActivityId });
    else await deps.bulk.notifier.replace(run, card);
  } catch (error) {
    deps.logger.warn({ runId: run.id, err: { message: (error as Error).message } }, 'could not replace the bulk card');
  }
}

/** `bulk status BR-XXXXXX`. */
function registerBulkStatus(app: Application<TurnState>, deps: BulkDeps): void {
  const { bulk } = deps;
  app.message(textMatches(/^\s*bulk\s+status\s*[?.!]*\s*$/i), async (ctx) => {
    await replyWithCard(
      ctx,
      warningCard(
        'Which bulk run?',
        'Type `bulk status ‹BR-id›`: the id is on the run’s preview and progress cards, e.g. `bulk status BR-7K2M9Q`.',
        deps.view,
      ),
    );
  });
  app.message(textMatches(/^\s*bulk\s+status\s+(BR-\w+)\s*$/i), async (ctx) => {
    const id = (/(BR-\w+)/i.exec(messageText(ctx)) ?? [])[1]?.toUpperCase() ?? '';
    const requester = await deps.identity.requester(ctx);
    // Their own runs, or those whose every device their Audit/Read covers.
    const run = RUN_ID.test(id) ? await bulk.service.readRun(id, deciderOf(deps, requester, 'Audit/Read')) : undefined;
    if (!run) {
      await replyWithCard(
        ctx,
        warningCard(`No bulk run ${quote(id)}`, 'I know no bulk run with that id among yours.', deps.view),
      );
      return;
    }
    if (['preview', 'awaiting-approval', 'cancelled', 'rejected', 'expired'].includes(run.state)) {
      await replyWithCard(ctx, await previewCard(deps, run, false));
      return;
    }
    const items = await bulk.store.items(run.id);
    await replyWithCard(ctx, bulk.notifier.progressCard(run, countsOf(run.total, items.values())));
  });
}

function isCard(value: Source | AdaptiveCard): value is AdaptiveCard {
  return (value as AdaptiveCard).type === 'AdaptiveCard';
}

/** The devices a bulk command names: its list, a CSV file it carries, or an org unit. */
async function sourceOf(
  deps: BulkDeps,
  ctx: TurnContext,
  parsed: { list: { entries: string[]; blanks: number }; orgUnit?: string },
): Promise<Source | AdaptiveCard> {
  if (parsed.orgUnit) return { kind: 'orgUnit', path: parsed.orgUnit };
  const { bulk, view } = deps;
  const file = sentFileOf(ctx.activity.attachments);
  const entries = [...parsed.list.entries];
  let blanks = parsed.list.blanks;
  let label = 'your list';
  let matchKind;
  if (file) {
    const csv = await downloadList(file, { allowHttp: bulk.allowHttpDownloads });
    entries.push(...csv.entries);
    blanks += csv.blanks;
    matchKind = entries.length === csv.entries.length ? csv.kind : undefined;
    label = `${quote(file.name, 80)}${csv.column ? ` (column ${quote(csv.column, 40)})` : ''}`;
  }
  if (entries.length === 0)
    return warningCard(
      'Which devices?',
      `Give serials, asset ids or device ids after the action, or attach a CSV file. Usage: ${BULK_USAGE}`,
      view,
    );
  const max = bulk.service.settings.maxEntries;
  if (entries.length > max)
    return warningCard(
      'That list is too long',
      `I read at most ${max.toLocaleString('en')} entries at once; this one has ${entries.length.toLocaleString('en')}. Split it.`,
      view,
    );
  return { kind: 'list', entries, blanks, matchKind, label };
}

/** `bulk <action> <list>` → the preview card. */
function registerBulkCommand(app: Application<TurnState>, deps: BulkDeps): void {
  const { bulk, view } = deps;
  app.message(textMatches(BULK_COMMAND), async (ctx) => {
    const parsed = parseBulkCommand(plainText(ctx.activity.text ?? ''));
    if (!parsed) return;
    if (!parsed.ok) {
      await replyWithCard(ctx, warningCard('I need a bit more', parsed.message, view));
      return;
    }
    const { action: actionId, params } = parsed.value;
    const action = findAction(deps.actions.catalogue, actionId) as DeviceAction;
    const requester = await deps.identity.requester(ctx);
    // Holding the permission somewhere is needed to ask at all; each device is checked after.
    await deps.guard.authorize(requester, action.permission, `bulk.${action.id}`);
    // The same words on Intune devices (`bulk wipe` of laptops) run Intune's action.
    const intuneId = actionForSource(action.id, 'intune');
    const intune = intuneId !== action.id ? findAction(deps.actions.catalogue, intuneId) : undefined;
    const source = await sourceOf(deps, ctx, parsed.value);
    if (isCard(source)) {
      await replyWithCard(ctx, source);
      return;
    }
    const where = { conversation: conversationOf(ctx) };
    let run: BulkRun;
    if (action.id === 'deprovision' && !params.reason) {
      // Intune's retire needs no reason; ChromeOS devices do.
      const retire =
        intune &&
        (await bulk.service.preview(deciderOf(deps, requester, intune.permission), intune, params, source, where));
      if (!retire || retire.run.total === 0) {
        const text =
          'Add the reason: `bulk deprovision <list> reason <same-model | different-model | retiring | upgrade>`.';
        await replyWithCard(ctx, warningCard('Why are they deprovisioned?', text, view));
        return;
      }
      run = retire.run;
    } else {
      run = (
        await bulk.service.preview(deciderOf(deps, requester, action.permission), action, params, source, where, intune)
      ).run;
    }
    await audit(deps, requester, run, 'requested', {
      step: 'preview',
      devices: run.total,
      skipped: run.skipped.length,
      duplicates: run.duplicates,
      blanks: run.blanks,
      source: run.source,
      ...params,
    });
    // In a personal chat the card carries the buttons; elsewhere only the requester's refreshed view does.
    const personal = isPersonal(ctx);
    const id = await replyWithCard(
      ctx,
      await previewCard(deps, run, personal, personal ? undefined : requester.teamsId),
    );
    if (id) await bulk.service.attachCard(run.id, id);
  });
}

/** The requester's buttons on a preview: their refreshed view, Start, Ask for approval, Cancel. */
function registerRequesterVerbs(app: Application<TurnState>, deps: BulkDeps): void {
  onCardVerb(app, 'bulk.view', deps, async (ctx, data) => {
    const run = await deps.bulk.store.get(runIdOf(data));
    if (!run) return warningCard('No longer waiting', 'This bulk run is unknown or has been removed.', deps.view);
    return previewCard(deps, run, run.requester.teamsId === ctx.activity.from?.id, run.requester.teamsId);
  });
  onCardVerb(app, 'bulk.start', deps, (ctx, data) => startOrCancel(deps, ctx, data, 'start'));
  onCardVerb(app, 'bulk.cancel', deps, (ctx, data) => startOrCancel(deps, ctx, data, 'cancel'));
  onCardVerb(app, 'bulk.askApproval', deps, (ctx, data) => askApproval(deps, ctx, data));
}

async function askApproval(deps: BulkDeps, ctx: TurnContext, data: unknown): Promise<InvokeAnswer> {
  const { bulk, view } = deps;
  const runId = runIdOf(data);
  const existing = await bulk.store.get(runId);
  if (!existing) return warningCard('Unknown bulk run', 'I know no such bulk run; send the bulk command again.', view);
  const requester = await deps.identity.requester(ctx);
  const actor = deciderOf(deps, requester, actionOf(deps, existing).permission);
  // No channel, no request: the requester hears why at once and the preview stays usable.
  const channel = (await deps.tenantSettings.get(requester.tenantId)).helpdeskChannel;
  if (!channel && existing.requester.teamsId === requester.teamsId) {
    const text =
      'Approval requests go to the help desk channel, and none is set for your organisation. Ask an admin to type `set helpdesk channel` in that channel, then press Ask for approval again.';
    await ctx.sendActivity(cardMessage(warningCard('No help desk channel yet', text, view)));
    return previewCard(deps, existing, true);
  }
  const result = await bulk.service.askApproval(runId, actor);
  if (!result.ok) {
    if (result.why !== 'not-requester')
      await ctx.sendActivity(cardMessage(warningCard('Not sent for approval', result.message, view)));
    return result.run ? previewCard(deps, result.run, false) : warningCard('Not sent', result.message, view);
  }
  let posted = result.run;
  try {
    const cardId = await bulk.notifier.postApproval(channel!.conversationReference, result.run);
    await bulk.service.attachApprovalCard(runId, channel!.conversationReference, cardId);
    posted = (await bulk.store.get(runId)) ?? posted;
  } catch (error) {
    deps.logger.error({ runId, err: { message: (error as Error).message } }, 'could not post the approval request');
    await bulk.service.cancel(runId, actor);
    const text =
      "I couldn't post to the help desk channel, so nothing will run. Check that the bot is still in that channel and try again.";
    return warningCard('Approval request not posted', text, view);
  }
  await audit(deps, requester, posted, 'requested', { step: 'approval requested', channel: channel!.name ?? '' });
  // Everyone sees it waiting; the requester's own view keeps Cancel while it waits.
  const forEveryone = await previewCard(deps, posted, false, posted.requester.teamsId);
  await replaceRunCard(deps, ctx, posted, forEveryone);
  return previewCard(deps, posted, true, posted.requester.teamsId);
}

async function startOrCancel(
  deps: BulkDeps,
  ctx: TurnContext,
  data: unknown,
  step: 'start' | 'cancel',
): Promise<InvokeAnswer> {
  const { bulk, view } = deps;
  const runId = runIdOf(data);
  const existing = await bulk.store.get(runId);
  if (!existing) return warningCard('Unknown bulk run', 'I know no such bulk run; send the bulk command again.', view);
  const requester = await deps.identity.requester(ctx);
  const actor = deciderOf(deps, requester, actionOf(deps, existing).permission);
  const result = step === 'start' ? await bulk.service.start(runId, actor) : await bulk.service.cancel(runId, actor);
  if (!result.ok) {
    if (result.why !== 'not-requester')
      return warningCard(step === 'start' ? 'Not started' : 'Not cancelled', result.message, view);
    await audit(deps, requester, existing, 'denied', { step, why: 'not the requester' }, result.message);
    return previewCard(deps, existing, false);
  }
  const run = result.run;
  let card: AdaptiveCard;
  if (step === 'cancel') {
    await audit(deps, requester, run, 'cancelled', { step: 'cancel' });
    card = await previewCard(deps, run, false);
  } else {
    await audit(deps, requester, run, 'approved', { step: 'started', devices: run.total });
    card = bulk.notifier.progressCard(run, countsOf(run.total, []));
  }
  await replaceRunCard(deps, ctx, run, card);
  if (step === 'cancel') await bulk.notifier.closeApproval(run);
  return card;
}

const TYPED_STEP = /^\s*(start|cancel|approve|reject)\s+(BR-[A-Za-z0-9]{4,12})\s*[.!]?\s*$/i;

/**
 * `start BR-…`, `cancel BR-…`, `approve BR-…`, `reject BR-…`: for clients that show no buttons on
 * a card meant for one person. The same steps, and checks, as the buttons.
 */
function registerTypedSteps(app: Application<TurnState>, deps: BulkDeps): void {
  app.message(textMatches(TYPED_STEP), async (ctx) => {
    const [, word, id] = TYPED_STEP.exec(messageText(ctx)) ?? [];
    const step = word.toLowerCase() as 'start' | 'cancel' | 'approve' | 'reject';
    const data = { runId: id.toUpperCase() };
    const answer =
      step === 'approve' || step === 'reject'
        ? await decide(deps, ctx, data, step)
        : await startOrCancel(deps, ctx, data, step);
    await replyWithCard(ctx, typeof answer === 'string' ? warningCard('Not yet', answer, deps.view) : answer);
  });
}

/** Approve / reject, in the help desk channel. */
function registerApprovalVerbs(app: Application<TurnState>, deps: BulkDeps): void {
  for (const decision of ['approve', 'reject'] as const) {
    onCardVerb(app, `bulk.${decision}`, deps, async (ctx, data) => {
      try {
        return await decide(deps, ctx, data, decision);
      } catch (error) {
        if (!(error instanceof DeskError)) deps.logger.error({ err: error }, 'bulk approval failed');
        return failureCard(deps, ctx, error);
      }
    });
  }
}

/** The requester as they are now, not as they were at the preview: their roles are read again. */
async function requesterNow(deps: BulkDeps, run: BulkRun, action: DeviceAction): Promise<Actor> {
  const r = run.requester;
  const access = await deps.access.resolve({
    aadObjectId: r.aadObjectId ?? '',
    upn: r.upn,
    tenantId: r.tenantId,
    name: r.name,
  });
  return { ref: r, access, decide: (device) => deps.access.can(access, action.permission, device) };
}

async function decide(
  deps: BulkDeps,
  ctx: TurnContext,
  data: unknown,
  decision: 'approve' | 'reject',
): Promise<InvokeAnswer> {
  const { bulk, view } = deps;
  const runId = runIdOf(data);
  const existing = await bulk.store.get(runId);
  if (!existing) return warningCard('Unknown bulk run', 'I know no such bulk run.', view);
  const action = actionOf(deps, existing);
  const approver = await deps.identity.requester(ctx);
  const result =
    decision === 'approve'
      ? await bulk.service.approve(
          runId,
          deciderOf(deps, approver, action.permission),
          await requesterNow(deps, existing, action),
        )
      : await bulk.service.reject(runId, deciderOf(deps, approver, action.permission));
  const targets = await bulk.store.targets(runId);
  if (!result.ok) {
    await audit(deps, approver, existing, 'denied', { step: decision, why: result.why }, result.message);
    const current = (await bulk.store.get(runId)) ?? existing;
    const title = decision === 'approve' ? 'Not approved' : 'Not rejected';
    await ctx.sendActivity(cardMessage(warningCard(title, result.message, view)));
    if (result.why === 'expired')
      await bulk.notifier
        .tell(current, `your bulk ${action.label} ${runId} was not approved in time; nothing was run.`)
        .catch(() => undefined);
    return bulk.notifier.approvalCard(current, targets);
  }
  const run = result.run;
  await audit(deps, approver, run, decision === 'approve' ? 'approved' : 'rejected', {
    step: decision,
    requester: run.requester.name,
  });
  const card = bulk.notifier.approvalCard(run, targets);
  await tellRequester(deps, run, action, approver.name, decision);
  return card;
}

/** The requester hears the decision; their preview becomes the progress (or stays a closed preview). */
async function tellRequester(
  deps: BulkDeps,
  run: BulkRun,
  action: DeviceAction,
  approver: string,
  decision: 'approve' | 'reject',
): Promise<void> {
  const { notifier } = deps.bulk;
  if (decision === 'approve') {
    await notifier.progress(run, countsOf(run.total, [])).catch(() => undefined);
    await notifier
      .tell(run, `${approver} approved your bulk ${action.label} ${run.id}: it is running.`)
      .catch(() => undefined);
    return;
  }
  if (run.conversation && run.cardActivityId) {
    const card = await previewCard(deps, run, false);
    await notifier.replace(run, card).catch(() => undefined);
  }
  await notifier
    .tell(run, `${approver} rejected your bulk ${action.label} ${run.id}; nothing was run.`)
    .catch(() => undefined);
}

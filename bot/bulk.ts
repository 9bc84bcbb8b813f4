/**
 * Bulk actions from chat: `bulk <action> <list | ou:/path>` (or a CSV file) → a preview card of
 * what will and won't be acted on → Start (or Ask for approval, posted to the help desk channel,
 * approved by a second person holding the same permission) → a progress card updated in place
 * → a summary with every device's result and a CSV. The run itself is a background job.
 */
import { Activity, TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import type { Actor, BulkRun, BulkRunStore, BulkService, Source } from '../src/actions/bulk';
import {
  BULK_COMMAND,
  BULK_USAGE,
  countsOf,
  entriesFromCsv,
  parseBulkCommand,
  plainText,
  RUN_ID,
} from '../src/actions/bulk';
import { DeviceAction, findAction } from '../src/actions/catalogue';
import { DeskError, InvalidInput } from '../src/errors';
import type { TeamsBulkNotifier } from './bulk-notifier';
import { cardMessage } from './bulk-notifier';
import { downloadList, sentFileOf } from './bulk-file';
import { previewCardData } from './bulk-view';
import { bulkPreviewCard } from './cards/bulk-cards';
import { messageCard } from './cards/message-card';
import type { AdaptiveCard } from './cards/render';
import type { BotDeps } from './deps';
import { auditActor, Requester } from './identity';
import { invokeFailureCard } from './lookup';
import { quote, replyWithCard } from './reply';

/** What src/index.ts builds for bulk runs. */
export interface BulkChat {
  service: BulkService;
  store: BulkRunStore;
  notifier: TeamsBulkNotifier;
  /** Accept http:// file links (sandbox and tests only; Teams links are https). */
  allowHttpDownloads: boolean;
}

export type BulkDeps = Pick<
  BotDeps,
  'identity' | 'guard' | 'access' | 'audit' | 'clock' | 'logger' | 'view' | 'actions' | 'tenantSettings' | 'bulk'
>;

async function sendInvokeCard(ctx: TurnContext, card: AdaptiveCard): Promise<void> {
  // Sent here rather than returned: teams-ai would turn a card with `refresh` into replace-for-all.
  await ctx.sendActivity({
    type: 'invokeResponse',
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
  });
}

function runIdOf(data: unknown): string {
  const id = data && typeof data === 'object' ? (data as Record<string, unknown>).runId : undefined;
  if (typeof id !== 'string' || !RUN_ID.test(id))
    throw new InvalidInput('That card did not say which bulk run it belongs to.');
  return id;
}

export function registerBulk(app: Application<TurnState>, deps: BulkDeps): void {
  const { bulk } = deps;
  const catalogue = deps.actions.catalogue;
  const actionOf = (run: BulkRun) => findAction(catalogue, run.action) as DeviceAction;

  function actorOf(r: Requester, action: DeviceAction): Actor {
    return {
      ref: { teamsId: r.teamsId, aadObjectId: r.aadObjectId, name: r.name, upn: r.upn, tenantId: r.tenantId },
      access: r.access,
      decide: (device) => deps.access.can(r.access, action.permission, device),
    };
  }

  async function audit(
    r: Requester | BulkRun['requester'],
    run: BulkRun,
    outcome: 'requested' | 'approved' | 'rejected' | 'cancelled' | 'denied',
    detail: Record<string, unknown>,
    reason?: string,
  ) {
    const actor =
      'access' in r ? auditActor(r) : { teamsId: r.teamsId, aadObjectId: r.aadObjectId, upn: r.upn, name: r.name };
    await deps.audit.append({
      actor,
      tenantId: run.tenantId,
      action: `bulk.${run.action}`,
      target: { kind: 'request', id: run.id, label: `${run.total} devices` },
      requestId: run.id,
      outcome,
      reason,
      detail,
    });
  }

  function refusal(title: string, text: string): AdaptiveCard {
    return messageCard({ title, text, tone: 'warning' }, deps.view);
  }

  async function previewCard(run: BulkRun, interactive: boolean, refreshFor?: string): Promise<AdaptiveCard> {
    const targets = await bulk.store.targets(run.id);
    return bulkPreviewCard(
      previewCardData(run, targets, actionOf(run), deps.clock.now(), interactive, refreshFor),
      deps.view,
    );
  }

  /** Replaces the run's card for everyone in its conversation. */
  async function replaceRunCard(ctx: TurnContext, run: BulkRun, card: AdaptiveCard): Promise<void> {
    if (!run.cardActivityId) return;
    const sameConversation = run.conversation?.conversation?.id === ctx.activity.conversation?.id;
    try {
      if (sameConversation)
        await ctx.updateActivity({ ...cardMessage(card), id: run.cardActivityId } as Partial<Activity>);
      else await bulk.notifier.replace(run, card);
    } catch (error) {
      deps.logger.warn(
        { runId: run.id, err: { message: (error as Error).message } },
        'could not replace the bulk card',
      );
    }
  }

  // ---- `bulk status BR-XXXXXX` (before the command route, whose words it would match) ------------------------------------------------------------------------
  app.message(/^\s*bulk\s+status\s+(BR-\w+)\s*$/i, async (ctx) => {
    const id = (/(BR-\w+)/i.exec(ctx.activity.text ?? '') ?? [])[1]?.toUpperCase() ?? '';
    const requester = await deps.identity.requester(ctx);
    const run = RUN_ID.test(id) ? await bulk.store.get(id) : undefined;
    const visible =
      run &&
      run.tenantId === requester.tenantId &&
      (run.requester.teamsId === requester.teamsId || deps.guard.may(requester, 'Audit/Read'));
    if (!run || !visible) {
      await replyWithCard(ctx, refusal(`No bulk run ${quote(id)}`, 'I know no bulk run with that id among yours.'));
      return;
    }
    if (
      run.state === 'preview' ||
      run.state === 'awaiting-approval' ||
      run.state === 'cancelled' ||
      run.state === 'rejected' ||
      run.state === 'expired'
    ) {
      await replyWithCard(ctx, await previewCard(run, false));
      return;
    }
    const items = await bulk.store.items(run.id);
    await replyWithCard(ctx, bulk.notifier.progressCard(run, countsOf(run.total, items.values())));
  });

  // ---- `bulk <action> <list>` ---------------------------------------------------------------------
  app.message(BULK_COMMAND, async (ctx) => {
    const parsed = parseBulkCommand(plainText(ctx.activity.text ?? ''));
    if (!parsed) return;
    if (!parsed.ok) {
      await replyWithCard(ctx, refusal('I need a bit more', parsed.message));
      return;
    }
    const { action: actionId, params, list, orgUnit } = parsed.value;
    const action = findAction(catalogue, actionId) as DeviceAction;
    const requester = await deps.identity.requester(ctx);
    // Holding the permission somewhere is needed to ask at all; each device is checked after.
    await deps.guard.authorize(requester, action.permission, `bulk.${action.id}`);
    if (action.id === 'deprovision' && !params.reason) {
      await replyWithCard(
        ctx,
        refusal(
          'Why are they deprovisioned?',
          'Add the reason: `bulk deprovision <list> reason <same-model | different-model | retiring | upgrade>`.',
        ),
      );
      return;
    }

    let source: Source;
    if (orgUnit) source = { kind: 'orgUnit', path: orgUnit };
    else {
      const file = sentFileOf(ctx.activity.attachments);
      const entries = [...list.entries];
      let blanks = list.blanks;
      let label = 'your list';
      let matchKind;
      if (file) {
        const csv = entriesFromCsv(await downloadList(file, { allowHttp: bulk.allowHttpDownloads }));
        entries.push(...csv.entries);
        blanks += csv.blanks;
        matchKind = entries.length === csv.entries.length ? csv.kind : undefined;
        label = `${quote(file.name, 80)}${csv.column ? ` (column ${quote(csv.column, 40)})` : ''}`;
      }
      if (entries.length === 0) {
        await replyWithCard(
          ctx,
          refusal(
            'Which devices?',
            `Give serials, asset ids or device ids after the action, or attach a CSV file. Usage: ${BULK_USAGE}`,
          ),
        );
        return;
      }
      if (entries.length > bulk.service.settings.maxEntries) {
        await replyWithCard(
          ctx,
          refusal(
            'That list is too long',
            `I read at most ${bulk.service.settings.maxEntries.toLocaleString('en')} entries at once; this one has ${entries.length.toLocaleString('en')}. Split it.`,
          ),
        );
        return;
      }
      source = { kind: 'list', entries, blanks, matchKind, label };
    }

    const actor = actorOf(requester, action);
    const { run } = await bulk.service.preview(actor, action, params, source, {
      conversation: TurnContext.getConversationReference(ctx.activity),
    });
    await audit(requester, run, 'requested', {
      step: 'preview',
      devices: run.total,
      skipped: run.skipped.length,
      duplicates: run.duplicates,
      blanks: run.blanks,
      source: run.source,
      ...params,
    });
    // In a personal chat the card carries the buttons; elsewhere only the requester's refreshed view does.
    const personal = ctx.activity.conversation?.conversationType === 'personal';
    const id = await replyWithCard(ctx, await previewCard(run, personal, personal ? undefined : requester.teamsId));
    if (id) await bulk.service.attachCard(run.id, id);
  });

  // ---- the requester's view of a preview card (refresh) ----------------------------------------------
  app.adaptiveCards.actionExecute<unknown>('bulk.view', async (ctx, _state, data) => {
    try {
      const run = await bulk.store.get(runIdOf(data));
      if (!run)
        await sendInvokeCard(ctx, refusal('No longer waiting', 'This bulk run is unknown or has been removed.'));
      else
        await sendInvokeCard(
          ctx,
          await previewCard(run, run.requester.teamsId === ctx.activity.from?.id, run.requester.teamsId),
        );
    } catch (error) {
      await sendInvokeCard(ctx, invokeFailureCard(deps, ctx, error));
    }
    return '';
  });

  /** Runs a step of the requester's, answering with the card that follows or the refusal. */
  async function requesterStep(
    ctx: TurnContext,
    data: unknown,
    step: 'start' | 'askApproval' | 'cancel',
  ): Promise<void> {
    const runId = runIdOf(data);
    const existing = await bulk.store.get(runId);
    if (!existing) {
      await sendInvokeCard(ctx, refusal('Unknown bulk run', 'I know no such bulk run; send the bulk command again.'));
      return;
    }
    const action = actionOf(existing);
    const requester = await deps.identity.requester(ctx);
    const actor = actorOf(requester, action);

    if (step === 'askApproval') {
      // No channel, no request: the requester hears why at once and the preview stays usable.
      const channel = (await deps.tenantSettings.get(requester.tenantId)).helpdeskChannel;
      if (!channel && existing.requester.teamsId === requester.teamsId) {
        await ctx.sendActivity(
          cardMessage(
            refusal(
              'No help desk channel yet',
              'Approval requests go to the help desk channel, and none is set for your organisation. Ask an admin to type `set helpdesk channel` in that channel, then press Ask for approval again.',
            ),
          ),
        );
        await sendInvokeCard(ctx, await previewCard(existing, true));
        return;
      }
      const result = await bulk.service.askApproval(runId, actor);
      if (!result.ok) {
        await sendInvokeCard(
          ctx,
          result.run ? await previewCard(result.run, false) : refusal('Not sent', result.message),
        );
        if (result.why !== 'not-requester')
          await ctx.sendActivity(cardMessage(refusal('Not sent for approval', result.message)));
        return;
      }
      let posted = result.run;
      try {
        const cardId = await bulk.notifier.postApproval(channel!.conversationReference, result.run);
        await bulk.service.attachApprovalCard(runId, channel!.conversationReference, cardId);
        posted = (await bulk.store.get(runId)) ?? posted;
      } catch (error) {
        deps.logger.error({ runId, err: { message: (error as Error).message } }, 'could not post the approval request');
        await bulk.service.cancel(runId, actor);
        await sendInvokeCard(
          ctx,
          refusal(
            'Approval request not posted',
            "I couldn't post to the help desk channel, so nothing will run. Check that the bot is still in that channel and try again.",
          ),
        );
        return;
      }
      await audit(requester, posted, 'requested', { step: 'approval requested', channel: channel!.name ?? '' });
      const card = await previewCard(posted, false);
      await sendInvokeCard(ctx, card);
      await replaceRunCard(ctx, posted, card);
      return;
    }

    const result = step === 'start' ? await bulk.service.start(runId, actor) : await bulk.service.cancel(runId, actor);
    if (!result.ok) {
      if (result.why === 'not-requester') {
        await audit(requester, existing, 'denied', { step, why: 'not the requester' }, result.message);
        await sendInvokeCard(ctx, await previewCard(existing, false));
        return;
      }
      await sendInvokeCard(ctx, refusal(step === 'start' ? 'Not started' : 'Not cancelled', result.message));
      return;
    }
    const run = result.run;
    if (step === 'cancel') {
      await audit(requester, run, 'cancelled', { step: 'cancel' });
      const card = await previewCard(run, false);
      await sendInvokeCard(ctx, card);
      await replaceRunCard(ctx, run, card);
      await bulk.notifier.closeApproval(run);
      return;
    }
    await audit(requester, run, 'approved', { step: 'started', devices: run.total });
    const card = bulk.notifier.progressCard(run, countsOf(run.total, []));
    await sendInvokeCard(ctx, card);
    await replaceRunCard(ctx, run, card);
  }

  for (const [verb, step] of [
    ['bulk.start', 'start'],
    ['bulk.askApproval', 'askApproval'],
    ['bulk.cancel', 'cancel'],
  ] as const) {
    app.adaptiveCards.actionExecute<unknown>(verb, async (ctx, _state, data) => {
      try {
        await requesterStep(ctx, data, step);
      } catch (error) {
        await sendInvokeCard(ctx, invokeFailureCard(deps, ctx, error));
      }
      return '';
    });
  }

  // ---- approve / reject, in the help desk channel -------------------------------------------------
  for (const [verb, decision] of [
    ['bulk.approve', 'approve'],
    ['bulk.reject', 'reject'],
  ] as const) {
    app.adaptiveCards.actionExecute<unknown>(verb, async (ctx, _state, data) => {
      try {
        const runId = runIdOf(data);
        const existing = await bulk.store.get(runId);
        if (!existing) {
          await sendInvokeCard(ctx, refusal('Unknown bulk run', 'I know no such bulk run.'));
          return '';
        }
        const action = actionOf(existing);
        const approver = await deps.identity.requester(ctx);
        let result;
        if (decision === 'approve') {
          // The requester's roles as they are now, not as they were at the preview.
          const r = existing.requester;
          const access = await deps.access.resolve({
            aadObjectId: r.aadObjectId ?? '',
            upn: r.upn,
            tenantId: r.tenantId,
            name: r.name,
          });
          const requester: Actor = {
            ref: r,
            access,
            decide: (device) => deps.access.can(access, action.permission, device),
          };
          result = await bulk.service.approve(runId, actorOf(approver, action), requester);
        } else result = await bulk.service.reject(runId, actorOf(approver, action));
        const targets = await bulk.store.targets(runId);
        if (!result.ok) {
          await audit(approver, existing, 'denied', { step: decision, why: result.why }, result.message);
          const current = (await bulk.store.get(runId)) ?? existing;
          await sendInvokeCard(ctx, bulk.notifier.approvalCard(current, targets));
          await ctx.sendActivity(
            cardMessage(refusal(decision === 'approve' ? 'Not approved' : 'Not rejected', result.message)),
          );
          if (result.why === 'expired')
            await bulk.notifier
              .tell(current, `your bulk ${action.label} ${runId} was not approved in time; nothing was run.`)
              .catch(() => undefined);
          return '';
        }
        const run = result.run;
        await audit(approver, run, decision === 'approve' ? 'approved' : 'rejected', {
          step: decision,
          requester: run.requester.name,
        });
        await sendInvokeCard(ctx, bulk.notifier.approvalCard(run, targets));
        if (decision === 'approve') {
          await bulk.notifier.progress(run, countsOf(run.total, [])).catch(() => undefined);
          await bulk.notifier
            .tell(run, `${approver.name} approved your bulk ${action.label} ${run.id}: it is running.`)
            .catch(() => undefined);
        } else {
          if (run.conversation && run.cardActivityId) {
            const card = await previewCard(run, false);
            await bulk.notifier.replace(run, card).catch(() => undefined);
          }
          await bulk.notifier
            .tell(run, `${approver.name} rejected your bulk ${action.label} ${run.id}; nothing was run.`)
            .catch(() => undefined);
        }
      } catch (error) {
        if (!(error instanceof DeskError)) deps.logger.error({ err: error }, 'bulk approval failed');
        await sendInvokeCard(ctx, invokeFailureCard(deps, ctx, error));
      }
      return '';
    });
  }
}

/**
 * Bulk runs in chat outside any turn: the progress card updated in place, the final summary with
 * every device's result, and the approval request in the help desk channel.
 *
 * The CSV of results is offered as a download link on the summary card (Action.OpenUrl to
 * GET /api/bulk/<run>/results.csv?token=…, served by bot/bulk-download.ts). An inline text/csv
 * attachment is shown by the Agents Playground as "text/csv is not supported yet", and a file
 * consent card (upload to OneDrive) works only in Teams personal chats and not in the Playground;
 * a link works in both, in any conversation, and has no message-size limit.
 */
import { ConversationReference, TurnContext } from 'botbuilder';
import { BulkCounts, BulkNotifier, BulkResultRow, BulkRun, BulkRunStore, BulkService } from '../src/actions/bulk';
import { DeviceAction, findAction } from '../src/actions';
import type { Logger } from '../src/log';
import { approvalCardData, progressCardData } from './bulk-view';
import {
  bulkApprovalCard,
  bulkProgressCard,
  cardMessage,
  type AdaptiveCard,
  type CardView,
  escapeMarkdown,
} from './cards';
import type { ProactiveAdapter } from './notifier';

export class TeamsBulkNotifier implements BulkNotifier {
  constructor(
    private readonly adapter: ProactiveAdapter,
    private readonly botAppId: string,
    private readonly catalogue: readonly DeviceAction[],
    private readonly view: CardView,
    private readonly store: BulkRunStore,
    private readonly logger: Logger,
    private readonly now: () => number,
    /** The bot's public base URL for download links (known once it listens); undefined: no link. */
    private readonly publicUrl: () => string | undefined = () => undefined,
  ) {}

  private action(run: BulkRun): DeviceAction {
    return findAction(this.catalogue, run.action) as DeviceAction;
  }

  progressCard(run: BulkRun, counts: BulkCounts, rows?: BulkResultRow[]): AdaptiveCard {
    return bulkProgressCard(progressCardData(run, counts, this.action(run), rows, this.publicUrl()), this.view);
  }

  async progress(run: BulkRun, counts: BulkCounts): Promise<void> {
    if (!run.conversation || !run.cardActivityId) return;
    await this.update(run.conversation, run.cardActivityId, this.progressCard(run, counts));
  }

  async finished(run: BulkRun, counts: BulkCounts, rows: BulkResultRow[]): Promise<void> {
    if (run.conversation && run.cardActivityId)
      await this.update(run.conversation, run.cardActivityId, this.progressCard(run, counts, rows));
    if (!run.conversation) return;
    const mention = `<at>${run.requester.name}</at>`;
    const problems = counts.failed + counts.unknown;
    const text =
      `${mention} bulk ${this.action(run).label} ${run.id} finished: ${counts.done} of ${counts.total} done` +
      (counts.approval ? `, ${counts.approval} waiting for approval` : '') +
      (problems ? `, ${counts.failed} failed${counts.unknown ? `, ${counts.unknown} unknown` : ''}` : '') +
      (counts.skipped ? `, ${counts.skipped} skipped (out of your scope now).` : '.') +
      (counts.approval
        ? ' Intune holds those locks until a second Intune admin approves them (Multi Admin Approval); each device says where to complete it.'
        : '') +
      (this.publicUrl()
        ? " Every device's result is on the card above, and in its CSV download."
        : " Every device's result is on the card above.");
    await this.adapter.continueConversationAsync(this.botAppId, run.conversation, async (c) => {
      await c.sendActivity({
        type: 'message',
        text,
        entities: [
          { type: 'mention', text: mention, mentioned: { id: run.requester.teamsId, name: run.requester.name } },
        ],
      });
    });
  }

  /** Posts the approval request to the help desk channel; returns the card's id there. */
  async postApproval(channel: Partial<ConversationReference>, run: BulkRun): Promise<string | undefined> {
    const targets = await this.store.targets(run.id);
    const card = bulkApprovalCard(approvalCardData(run, targets, this.action(run), this.now()), this.view);
    let id: string | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, channel, async (c) => {
      id = (await c.sendActivity(cardMessage(card)))?.id;
    });
    return id;
  }

  approvalCard(run: BulkRun, targets: Parameters<typeof approvalCardData>[1]): AdaptiveCard {
    return bulkApprovalCard(approvalCardData(run, targets, this.action(run), this.now()), this.view);
  }

  /** Shows the approval request's outcome on its card in the channel. */
  async closeApproval(run: BulkRun): Promise<void> {
    const a = run.approval;
    if (!a?.conversation || !a.cardActivityId) return;
    const targets = await this.store.targets(run.id);
    await this.update(a.conversation, a.cardActivityId, this.approvalCard(run, targets)).catch((error) =>
      this.logger.warn(
        { runId: run.id, err: { message: (error as Error).message } },
        'could not update the approval card',
      ),
    );
  }

  /** A short message to the requester's conversation (approved, rejected). */
  async tell(run: BulkRun, text: string): Promise<void> {
    if (!run.conversation) return;
    const mention = `<at>${run.requester.name}</at>`;
    await this.adapter.continueConversationAsync(this.botAppId, run.conversation, async (c) => {
      await c.sendActivity({
        type: 'message',
        text: `${mention} ${escapeMarkdown(text)}`,
        entities: [
          { type: 'mention', text: mention, mentioned: { id: run.requester.teamsId, name: run.requester.name } },
        ],
      });
    });
  }

  /** Replaces the run's own card (preview or progress) wherever it is. */
  async replace(run: BulkRun, card: AdaptiveCard): Promise<void> {
    if (run.conversation && run.cardActivityId) await this.update(run.conversation, run.cardActivityId, card);
  }

  private async update(
    conversation: Partial<ConversationReference>,
    activityId: string,
    card: AdaptiveCard,
  ): Promise<void> {
    await this.adapter.continueConversationAsync(this.botAppId, conversation, async (c: TurnContext) => {
      await c.updateActivity({ ...cardMessage(card), id: activityId });
    });
  }
}

/**
 * Expires approval requests nobody answered in time: the card in the channel says so and the
 * requester is told nothing ran. Returns a stop function.
 */
export function startApprovalExpiry(
  service: Pick<BulkService, 'expireApprovals'>,
  notifier: TeamsBulkNotifier,
  logger: Logger,
  intervalMs = 60_000,
): () => void {
  const tick = async () => {
    for (const run of await service.expireApprovals()) {
      await notifier.closeApproval(run);
      await notifier
        .tell(
          run,
          `nobody approved your bulk run ${run.id} in time, so nothing was run. Send the bulk command again if it is still needed.`,
        )
        .catch((error) =>
          logger.warn(
            { runId: run.id, err: { message: (error as Error).message } },
            'could not tell the requester about an expired approval',
          ),
        );
    }
  };
  const timer = setInterval(
    () =>
      void tick().catch((error) =>
        logger.warn({ err: { message: (error as Error).message } }, 'approval expiry check failed'),
      ),
    intervalMs,
  );
  timer.unref();
  return () => clearInterval(timer);
}

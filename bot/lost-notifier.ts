import { Activity, ConversationReference } from 'botbuilder';
import type { LostNotifier, LostReport, PostedCard, Responder } from '../src/lost';
import type { ChannelRef, TenantSettingsStore } from '../src/store';
import { lostReportCard, cardMessage, type CardView, escapeMarkdown } from './cards';
import { reportCardData } from './lost-view';
import type { ProactiveAdapter } from './notifier';

/** Posts and updates lost-device report cards in the help desk and on-call channels, and tells reporters. */
export class TeamsLostNotifier implements LostNotifier {
  constructor(
    private readonly adapter: ProactiveAdapter,
    /** '' in the sandbox, where Bot Framework auth is off. */
    private readonly botAppId: string,
    private readonly settings: TenantSettingsStore,
    private readonly view: CardView,
    private readonly escalationMinutes: () => number,
  ) {}

  private cardActivity(r: LostReport): Partial<Activity> {
    return cardMessage(lostReportCard(reportCardData(r, this.escalationMinutes()), this.view));
  }

  private async send(
    reference: Partial<ConversationReference>,
    activity: Partial<Activity>,
  ): Promise<string | undefined> {
    let id: string | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, reference, async (c) => {
      id = (await c.sendActivity(activity))?.id;
    });
    return id;
  }

  private async post(channel: ChannelRef | undefined, activity: Partial<Activity>): Promise<PostedCard | undefined> {
    if (!channel) return undefined;
    const activityId = await this.send(channel.conversationReference, activity);
    return activityId ? { conversation: channel.conversationReference, activityId } : undefined;
  }

  async postReport(r: LostReport): Promise<PostedCard | undefined> {
    const { helpdeskChannel } = await this.settings.get(r.tenantId);
    return this.post(helpdeskChannel, this.cardActivity(r));
  }

  async updateCards(r: LostReport): Promise<void> {
    const activity = this.cardActivity(r);
    let failure: unknown;
    for (const card of [r.helpdeskCard, r.escalationCard]) {
      if (!card) continue;
      // One card deleted by someone must not leave the other one stale.
      await this.adapter
        .continueConversationAsync(this.botAppId, card.conversation, async (c) => {
          await c.updateActivity({ ...activity, id: card.activityId });
        })
        .catch((error: unknown) => (failure ??= error));
    }
    if (failure) throw failure;
  }

  async tellReporter(r: LostReport, words: string): Promise<void> {
    // Names, serials and ids in a message are Markdown to Teams as in a card: shown as they are.
    const text = escapeMarkdown(words);
    const people = [{ ...r.reporter, conversation: r.reporterConversation }, ...r.alsoReportedBy];
    let failure: unknown;
    for (const p of people) {
      if (!p.conversation) continue;
      const personal = p.conversation.conversation?.conversationType === 'personal';
      // Outside their personal chat, the mention makes sure Teams tells them.
      const mention = `<at>${p.name}</at>`;
      await this.send(
        p.conversation,
        personal
          ? { type: 'message', text }
          : {
              type: 'message',
              text: `${mention} ${text}`,
              entities: [{ type: 'mention', text: mention, mentioned: { id: p.teamsId, name: p.name } }],
            },
      ).catch((error: unknown) => (failure ??= error));
    }
    if (failure) throw failure;
  }

  async tellHelpdesk(tenantId: string, text: string): Promise<void> {
    const { helpdeskChannel } = await this.settings.get(tenantId);
    if (helpdeskChannel)
      await this.send(helpdeskChannel.conversationReference, { type: 'message', text: escapeMarkdown(text) });
  }

  async page(r: LostReport, responder: Responder | undefined, waitedMinutes: number): Promise<PostedCard | undefined> {
    const settings = await this.settings.get(r.tenantId);
    const channel = settings.onCallChannel ?? settings.helpdeskChannel;
    const words = escapeMarkdown(
      `lost-device report ${r.id} (${r.device.serialNumber}, reported by ${r.reporter.name}) has not been acknowledged for ${waitedMinutes} minutes.`,
    );
    const base = this.cardActivity(r);
    if (!responder) return this.post(channel, { ...base, text: `Nobody is on call by the roster: ${words}` });
    const mention = `<at>${responder.name}</at>`;
    return this.post(channel, {
      ...base,
      text: `${mention} you are on call: ${words}`,
      entities: [{ type: 'mention', text: mention, mentioned: { id: responder.teamsId, name: responder.name } }],
    });
  }
}

import { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { DeviceAction, findAction, type ActionRequest, type Confirmation, type RequestNotifier } from '../src/actions';
import { closingText, expiredConfirmationCard, statusCardData } from './actions-view';
import { actionStatusCard, cardMessage, type AdaptiveCard, type CardView, escapeMarkdown } from './cards';

/** What the notifier needs of the adapter: proactive turns (CloudAdapter has it). */
export interface ProactiveAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

export function labelOf(catalogue: readonly DeviceAction[], action: string): string {
  return findAction(catalogue, action)?.label ?? action;
}

export function statusActivity(
  r: ActionRequest,
  catalogue: readonly DeviceAction[],
  view: CardView,
): Partial<Activity> {
  return cardMessage(actionStatusCard(statusCardData(r, labelOf(catalogue, r.action)), view));
}

/** The closing message: it mentions the requester so Teams notifies them. */
export function closingActivity(r: ActionRequest, catalogue: readonly DeviceAction[]): Partial<Activity> {
  const mention = `<at>${r.requester.name}</at>`;
  return {
    type: 'message',
    text: `${mention} ${escapeMarkdown(closingText(r, labelOf(catalogue, r.action)))}`,
    entities: [{ type: 'mention', text: mention, mentioned: { id: r.requester.teamsId, name: r.requester.name } }],
  };
}

/** Tells the person a Mac's recovery PIN was given to that someone else read it. */
export function pinReadActivity(r: ActionRequest, readerName: string): Partial<Activity> {
  const mention = `<at>${r.requester.name}</at>`;
  return {
    type: 'message',
    text: `${mention} ${escapeMarkdown(
      `${readerName} read the recovery PIN of ${r.device.serialNumber} that you were given (request ${r.id}). It is in the audit trail.`,
    )}`,
    entities: [{ type: 'mention', text: mention, mentioned: { id: r.requester.teamsId, name: r.requester.name } }],
  };
}

/** Tells the conversation where a request was made about its progress, outside any turn. */
export class TeamsRequestNotifier implements RequestNotifier {
  /** The device card as the requester would see it now; set once the services it reads exist. */
  deviceCard?: (r: ActionRequest) => Promise<AdaptiveCard | undefined>;

  constructor(
    private readonly adapter: ProactiveAdapter,
    /** '' in the sandbox, where Bot Framework auth is off. */
    private readonly botAppId: string,
    private readonly catalogue: readonly DeviceAction[],
    private readonly view: CardView,
  ) {}

  async changed(r: ActionRequest): Promise<void> {
    if (!r.conversation || !r.cardActivityId) return;
    const activity = { ...statusActivity(r, this.catalogue, this.view), id: r.cardActivityId };
    await this.adapter.continueConversationAsync(this.botAppId, r.conversation, async (c) => {
      await c.updateActivity(activity);
    });
  }

  /** An unused confirmation ran out: its card says so for everyone, with nothing sent. */
  async confirmationExpired(c: Confirmation): Promise<void> {
    if (!c.conversation || !c.cardActivityId) return;
    const activity = { ...cardMessage(expiredConfirmationCard(c, this.view)), id: c.cardActivityId };
    await this.adapter.continueConversationAsync(this.botAppId, c.conversation, async (ctx) => {
      await ctx.updateActivity(activity);
    });
  }

  /** In the conversation the lock was asked in: someone else read its PIN. */
  async pinRead(r: ActionRequest, readerName: string): Promise<void> {
    if (!r.conversation) return;
    await this.adapter.continueConversationAsync(this.botAppId, r.conversation, async (c) => {
      await c.sendActivity(pinReadActivity(r, readerName));
    });
  }

  async finished(r: ActionRequest): Promise<void> {
    if (!r.conversation) return;
    // The device card the action started from stops saying "Active" after a lost mode went on.
    const deviceCard = r.deviceCardActivityId ? await this.deviceCard?.(r) : undefined;
    await this.adapter.continueConversationAsync(this.botAppId, r.conversation, async (c) => {
      await c.sendActivity(closingActivity(r, this.catalogue));
      if (deviceCard) await c.updateActivity({ ...cardMessage(deviceCard), id: r.deviceCardActivityId });
    });
  }
}

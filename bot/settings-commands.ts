/**
 * `set helpdesk channel`, `set oncall channel` (typed in that channel by an admin) and
 * `show settings`: where lost-device reports go, and who is paged.
 */
import { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { messageText, textMatches } from './turn';
import { Application, TurnState } from '@microsoft/teams-ai';
import { onCallAt } from '../src/lost';
import type { ChannelRef, TenantSettings } from '../src/store';
import { factsCard, messageCard } from './cards';
import type { BotDeps } from './deps';
import { actorOf } from '../src/audit';
import { utcTime } from './lookup-view';
import { replyWithCard } from './reply';

export type SettingsDeps = Pick<BotDeps, 'identity' | 'guard' | 'audit' | 'tenantSettings' | 'view' | 'clock' | 'lost'>;

const SET = /^\s*set\s+(help\s*-?\s*desk|on\s*-?\s*call)\s+channel\s*[.!]?\s*$/i;
const SHOW = /^\s*(?:show\s+)?settings\s*[?.!]?\s*$/i;

type Setting = keyof TenantSettings;

const WHAT: Record<Setting, { label: string; use: string }> = {
  helpdeskChannel: {
    label: 'help desk channel',
    use: 'Lost-device reports are posted here, with buttons to acknowledge and resolve them.',
  },
  onCallChannel: {
    label: 'on-call channel',
    use: 'Reports nobody acknowledges in time are posted here, mentioning whoever is on call.',
  },
};

/**
 * Where to post later: the channel itself, not the thread the command was typed in (a post to
 * the channel's id starts a new thread).
 */
export function channelReference(activity: Activity): Partial<ConversationReference> {
  const ref = TurnContext.getConversationReference(activity);
  const channelId: string = activity.channelData?.channel?.id ?? (activity.conversation?.id ?? '').split(';')[0];
  const { activityId: _thread, ...rest } = ref;
  return { ...rest, conversation: { ...ref.conversation, id: channelId } as ConversationReference['conversation'] };
}

/**
 * "IT › Help desk": names people know, never a conversation id. Teams sends no name for a team's
 * General channel, whose id is the team's own.
 */
function channelName(activity: Activity): string {
  const data = activity.channelData ?? {};
  const team = data.team?.name as string | undefined;
  const general = data.channel?.id && data.channel.id === data.team?.id ? 'General' : undefined;
  const channel = (data.channel?.name as string | undefined) ?? general ?? activity.conversation?.name;
  if (team && channel) return `${team} › ${channel}`;
  return channel ?? (team ? `a channel of ${team}` : 'a channel (Teams did not send its name)');
}

function describe(ref: ChannelRef | undefined, how: string): string {
  return ref ? `${ref.name ?? 'a channel'} (set by ${ref.setBy}, ${utcTime(ref.setAt)})` : `not set: ${how}`;
}

export function registerSettingsCommands(app: Application<TurnState>, deps: SettingsDeps): void {
  app.message(textMatches(SET), (ctx) => setChannel(deps, ctx));
  app.message(textMatches(SHOW), (ctx) => showSettings(deps, ctx));
}

/** `set helpdesk channel` / `set oncall channel`, typed in that channel. */
async function setChannel(deps: SettingsDeps, ctx: TurnContext): Promise<void> {
  const { guard, view } = deps;
  const which = (SET.exec(messageText(ctx))?.[1] ?? '').toLowerCase().startsWith('h')
    ? 'helpdeskChannel'
    : 'onCallChannel';
  const requester = await deps.identity.requester(ctx);
  await guard.authorize(requester, 'Organization/Update', `settings.${which}`, undefined, ctx.activity.id);
  const what = WHAT[which];
  if (ctx.activity.conversation?.conversationType !== 'channel') {
    await replyWithCard(
      ctx,
      messageCard(
        {
          title: `Type this in the ${what.label}`,
          text: `Go to the channel that should be the ${what.label}, mention me there and type \`set ${which === 'helpdeskChannel' ? 'helpdesk' : 'oncall'} channel\`. ${what.use}`,
          tone: 'warning',
        },
        view,
      ),
    );
    return;
  }
  const ref: ChannelRef = {
    conversationReference: channelReference(ctx.activity),
    name: channelName(ctx.activity),
    setBy: requester.upn ?? requester.email ?? requester.name,
    setAt: new Date(deps.clock.now()).toISOString(),
  };
  await deps.tenantSettings.update(requester.tenantId, { [which]: ref });
  await deps.audit.append({
    actor: actorOf(requester),
    tenantId: requester.tenantId,
    action: 'settings.update',
    outcome: 'succeeded',
    requestId: ctx.activity.id,
    detail: { setting: which, channel: ref.name, conversationId: ref.conversationReference.conversation?.id },
  });
  await replyWithCard(
    ctx,
    messageCard({ title: `This is now the ${what.label}`, text: what.use, tone: 'success' }, view),
  );
  if (which === 'helpdeskChannel') {
    // Reports filed while no channel was set are posted now, so none is missed.
    await deps.lost.desk.postPending(requester.tenantId);
  }
}

/** `show settings`: where reports and pages go, who is on call. */
async function showSettings(deps: SettingsDeps, ctx: TurnContext): Promise<void> {
  const { guard, view } = deps;
  const requester = await deps.identity.requester(ctx);
  await guard.authorize(requester, 'Organization/Read', 'settings.show', undefined, ctx.activity.id);
  const settings = await deps.tenantSettings.get(requester.tenantId);
  const onCall = onCallAt(deps.lost.roster, deps.clock.now());
  const { desk } = deps.lost;
  await replyWithCard(
    ctx,
    factsCard(
      {
        title: 'Lost-device settings',
        facts: [
          {
            title: 'Help desk channel',
            value: describe(settings.helpdeskChannel, 'type `set helpdesk channel` in it'),
          },
          {
            title: 'On-call channel',
            value: describe(
              settings.onCallChannel,
              'type `set oncall channel` in it (until then, on-call is paged in the help desk channel)',
            ),
          },
          { title: 'Escalation', value: `after ${desk.escalationMinutes} min without an acknowledgement` },
          {
            title: 'On call now',
            value: onCall ? `${onCall.name}${onCall.upn ? ` (${onCall.upn})` : ''}` : 'nobody on the roster',
          },
          {
            title: 'Self-service lost mode',
            value: desk.selfService ? 'on: end users may lock their own devices' : 'off',
          },
        ],
        footer:
          'The escalation delay, the roster and self-service are set by the bot’s configuration (ONCALL_ESCALATION_MINUTES, ONCALL_ROSTER, LOST_SELF_SERVICE).',
      },
      view,
    ),
  );
}

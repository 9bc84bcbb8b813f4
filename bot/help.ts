import { ActivityTypes, TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { type AdaptiveCard, helpCard, messageCard } from './cards';
import { COMMANDS } from './commands';
import type { BotDeps } from './deps';
import { quote, replyWithCard } from './reply';
import { messageText, textMatches } from './turn';

const INTRO =
  'Look up managed devices and act on them from chat: ChromeOS devices from the Google Admin console and Intune-managed phones, tablets and Macs.';

/** "help", "help me", "what can you do?": the help card. */
const HELP =
  /^\s*(?:(?:help|commands|menu)(?:\s+(?:me|please|pls))?|\?|what\s+can\s+(?:you|i)\s+do(?:\s+here)?|how\s+does\s+this\s+work)\s*[.!?]*\s*$/i;
/** "hi", "hello there", "good morning": a greeting and nothing else. */
const GREETING =
  /^\s*(?:hi|hello|hey|hiya|howdy|good\s+(?:morning|afternoon|evening))(?:\s+(?:there|all|device\s*desk|bot))?\s*[.!,]*\s*$/i;

const THANKS =
  /^\s*(?:thanks?|thank\s+you|thx|ty|cheers|many\s+thanks)(?:\s+(?:so\s+much|a\s+lot|very\s+much))?[\s.!,]*(?:🙏|👍)?\s*$/i;
const ACKNOWLEDGED = /^\s*(?:(?:ok(?:ay)?|k|got\s+it|cool|great|perfect|nice)[\s.!,]*(?:👍|🙏)?|👍|🙏)\s*$/iu;

/** The given name of a display name ("Adele Vance" or "Vance, Adele" → "Adele"), shortened if it is long. */
function firstName(name: string | undefined): string {
  // Some directories show "Vance, Adele": the given name is after the comma.
  const given = (name ?? '').includes(',') ? (name ?? '').split(',')[1] : (name ?? '');
  const first = given.trim().split(/\s+/)[0] ?? '';
  return quote(first, 30);
}

/**
 * Hint-less help cards by what they show: the commands a person's roles allow, sandbox or not. There
 * are as many as distinct sets of allowed commands, and expanding the template took longer than the
 * rest of a help turn's own work. Frozen, because every turn sends the same object.
 */
const expandedHelpCards = new Map<string, AdaptiveCard>();

/** Help for this person: only the commands their roles let them use. */
export async function buildHelpCard(
  ctx: TurnContext,
  deps: Pick<BotDeps, 'view' | 'identity' | 'guard'>,
  hint?: string,
) {
  const requester = await deps.identity.requester(ctx);
  const commands = COMMANDS.filter((c) => !c.permission || deps.guard.may(requester, c.permission));
  const expand = () =>
    helpCard(
      {
        intro: INTRO,
        commands: commands.map(({ usage, description, example }) => ({ usage, description, example })),
        hint,
        footer: 'Type a command in the message box. Destructive actions always ask you to confirm first.',
      },
      deps.view,
    );
  // A hint may quote what the person typed: only hint-less cards are kept.
  if (hint !== undefined) return expand();
  const key = `${deps.view.sandbox}\n${commands.map((c) => c.usage).join('\n')}`;
  let card = expandedHelpCards.get(key);
  if (card === undefined) expandedHelpCards.set(key, (card = deepFreeze(expand())));
  return card;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function registerHelp(app: Application<TurnState>, deps: BotDeps): void {
  app.message(textMatches(HELP), async (ctx) => {
    await replyWithCard(ctx, await buildHelpCard(ctx, deps));
  });

  // "thanks", "ok": a short answer, not the whole help card and a "didn't understand".
  app.message(textMatches(THANKS), async (ctx) => {
    await replyWithCard(
      ctx,
      messageCard({ title: "You're welcome!", text: 'Type `help` whenever you need me.' }, deps.view),
    );
  });
  app.message(textMatches(ACKNOWLEDGED), async (ctx) => {
    await replyWithCard(
      ctx,
      messageCard({ title: 'Anything else?', text: 'Type `help` to see what I can do for you.' }, deps.view),
    );
  });

  // A new user's first message is often a greeting: answer it, then show what they can ask.
  app.message(textMatches(GREETING), async (ctx) => {
    const name = firstName(ctx.activity.from?.name);
    await replyWithCard(
      ctx,
      await buildHelpCard(ctx, deps, `Hi${name ? ` ${name}` : ''}! Here is what you can ask me.`),
    );
  });

  app.conversationUpdate('membersAdded', async (ctx: TurnContext) => {
    const botId = ctx.activity.recipient?.id;
    const added = ctx.activity.membersAdded ?? [];
    // Teams announces the bot itself joining: greet once, not once per member.
    if (!added.some((m) => m.id === botId)) return;
    await replyWithCard(ctx, await buildHelpCard(ctx, deps, "Hi, I'm Device Desk. Here is what you can ask me."));
  });
}

/** Registered last: anything no other route took gets help and a one-line hint. */
export function registerFallback(app: Application<TurnState>, deps: BotDeps): void {
  app.activity(ActivityTypes.Message, async (ctx) => {
    const text = messageText(ctx);
    deps.logger.info({ activityId: ctx.activity.id, chars: text.length }, 'unrecognised message');
    const hint = text
      ? `I didn't understand "${quote(text)}". Try one of these commands:`
      : 'I can only read text messages. Try one of these commands:';
    await replyWithCard(ctx, await buildHelpCard(ctx, deps, hint));
  });
}

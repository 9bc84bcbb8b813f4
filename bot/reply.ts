import { TurnContext } from 'botbuilder';
import { AdaptiveCard, cardMessage } from './cards';

/** Sends one Adaptive Card as a reply; returns the id Teams gave the message (for later updates). */
export async function replyWithCard(ctx: TurnContext, card: AdaptiveCard): Promise<string | undefined> {
  const sent = await ctx.sendActivity(cardMessage(card));
  return sent?.id;
}

/** Quotes user text back safely: short, no markdown that could restyle the card. */
export function quote(text: string, max = 60): string {
  const clean = text.replace(/[*_`~[\]<>#|\\]/g, '').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

import template from '../../cards/help.json';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface HelpCommand {
  usage: string;
  description: string;
  example?: string;
}

export interface HelpCardData {
  intro: string;
  commands: HelpCommand[];
  /** Shown in attention colour above the commands, e.g. why the last message was not understood. */
  hint?: string;
  footer?: string;
}

export function helpCard(data: HelpCardData, view: CardView): AdaptiveCard {
  const commands = data.commands.map((c) => ({ ...c, example: c.example ?? '' }));
  return expandCard(template, { ...data, commands, hint: data.hint ?? '', footer: data.footer ?? '' }, view);
}

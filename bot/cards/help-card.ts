import template from '../../cards/help.json';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface HelpCommand {
  usage: string;
  description: string;
}

export interface HelpCardData {
  intro: string;
  commands: HelpCommand[];
  /** Shown in attention colour above the commands, e.g. why the last message was not understood. */
  hint?: string;
  footer?: string;
}

export function helpCard(data: HelpCardData, view: CardView): AdaptiveCard {
  return expandCard(template, { ...data, hint: data.hint ?? '', footer: data.footer ?? '' }, view);
}

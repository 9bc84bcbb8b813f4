import template from '../../cards/no-match.json';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface NoMatchCardData {
  title: string;
  text: string;
  suggestions: string[];
  /** Why fewer devices may be searched, e.g. "Only devices assigned to you are searched." */
  scopeNote?: string;
}

export function noMatchCard(data: NoMatchCardData, view: CardView): AdaptiveCard {
  return expandCard(template, { ...data, scopeNote: data.scopeNote ?? '' }, view);
}

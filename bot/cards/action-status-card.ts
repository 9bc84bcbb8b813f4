import template from '../../cards/action-status.json';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface StatusBadgeData {
  label: string;
  style: string;
  /** Colour of the detail line; the badge itself keeps the theme's default text. */
  color: string;
}

export interface ActionStatusCardData {
  title: string;
  subtitle: string;
  badge: StatusBadgeData;
  summary: string;
  /** Google's error, or what to check; '' when there is nothing to add. */
  detail: string;
  facts: Array<{ title: string; value: string }>;
  /** One line per state reached, oldest first. */
  steps: string[];
  footer: string;
}

/** The status of one request: replaces the confirmation card and is updated in place. */
export function actionStatusCard(data: ActionStatusCardData, view: CardView): AdaptiveCard {
  return expandCard(template, data, view);
}

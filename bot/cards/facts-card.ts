import template from '../../cards/facts.json';
import type { CardText } from './markdown';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface FactsCardData {
  title: string;
  subtitle?: string;
  facts: Array<{ title: string; value: CardText }>;
  /** Titled lists under the facts, e.g. permissions or audit entries. */
  sections?: Array<{ heading: string; lines: CardText[] }>;
  footer?: CardText;
}

/** A titled list of facts and sections: whoami, audit entries and other read-only answers. */
export function factsCard(data: FactsCardData, view: CardView): AdaptiveCard {
  return expandCard(
    template,
    {
      ...data,
      subtitle: data.subtitle ?? '',
      footer: data.footer ?? '',
      sections: (data.sections ?? []).filter((s) => s.lines.length > 0),
    },
    view,
  );
}

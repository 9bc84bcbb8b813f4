import template from '../../cards/message.json';
import type { CardText } from './markdown';
import { AdaptiveCard, CardView, expandCard } from './render';

export type MessageTone = 'info' | 'success' | 'warning' | 'error';

const COLOR: Record<MessageTone, string> = { info: 'Default', success: 'Good', warning: 'Warning', error: 'Attention' };

export interface MessageCardData {
  title: string;
  text: CardText;
  tone?: MessageTone;
  hint?: CardText;
  /** A reference the user can quote to support (activity or request id). */
  reference?: string;
}

/** A plain card for answers that are only words: refusals, errors, confirmations of small things. */
export function messageCard(data: MessageCardData, view: CardView): AdaptiveCard {
  return expandCard(
    template,
    { ...data, hint: data.hint ?? '', reference: data.reference ?? '', color: COLOR[data.tone ?? 'info'] },
    view,
  );
}

/** The plain "no" or "not now": what was refused and what to do instead. */
export function warningCard(title: string, text: CardText, view: CardView): AdaptiveCard {
  return messageCard({ title, text, tone: 'warning' }, view);
}

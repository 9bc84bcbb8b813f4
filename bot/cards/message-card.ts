import template from '../../cards/message.json';
import type { CardText } from './markdown';
import { AdaptiveCard, CardView, expandCard } from './render';

export type MessageTone = 'info' | 'success' | 'warning' | 'error';

// Yellow text is hard to read on white (Teams' light theme): a warning is a warning-styled band
// around default text instead.
const COLOR: Record<MessageTone, string> = { info: 'Default', success: 'Good', warning: 'Default', error: 'Attention' };
const STYLE: Record<MessageTone, string> = {
  info: 'default',
  success: 'default',
  warning: 'warning',
  error: 'default',
};

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
    {
      ...data,
      hint: data.hint ?? '',
      reference: data.reference ?? '',
      color: COLOR[data.tone ?? 'info'],
      style: STYLE[data.tone ?? 'info'],
    },
    view,
  );
}

/** The plain "no" or "not now": what was refused and what to do instead. */
export function warningCard(title: string, text: CardText, view: CardView): AdaptiveCard {
  return messageCard({ title, text, tone: 'warning' }, view);
}

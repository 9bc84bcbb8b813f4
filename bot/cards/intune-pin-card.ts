import template from '../../cards/intune-pin.json';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface IntunePinCardData {
  /** e.g. "Remote lock sent: C02XK1ABCD" */
  title: string;
  subtitle: string;
  /** The six-digit recovery PIN (or a new passcode). This card goes to its holder only, never to a shared view. */
  pin: string;
  /** What the secret is; "Recovery PIN" unless said. */
  pinLabel?: string;
  facts: Array<{ title: string; value: string }>;
  /** What to tell the user at the Mac. */
  note: string;
  footer: string;
}

/** A Mac's recovery PIN, for the requester's own view (invoke response or personal chat). */
export function intunePinCard(data: IntunePinCardData, view: CardView): AdaptiveCard {
  return expandCard(template, { ...data, pinLabel: data.pinLabel ?? 'Recovery PIN' }, view);
}

/** Whose PIN it is and how to get it again: the same words wherever the PIN is shown. */
export const PIN_NOTE =
  'This PIN is yours: nobody else sees it unless they hold Remote lock PINs/Read, and you are told if they read it. Give it to the user at the Mac only after checking who they are; the Mac asks for it to unlock.';

export function pinFooter(serial: string, expiresAt: string): string {
  return `Kept encrypted until ${expiresAt}: \`pin ${serial}\` in a personal chat with me shows it again. Once the Mac is unlocked, type \`pin ${serial} used\` so it can be locked again.`;
}

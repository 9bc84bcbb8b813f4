import { Template } from 'adaptivecards-templating';
import { Activity, CardFactory } from 'botbuilder';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string; body: unknown[] };

/** What every card needs to know about the running bot, whatever it shows. */
export interface CardView {
  sandbox: boolean;
}

const SANDBOX_BADGE = {
  type: 'TextBlock',
  id: 'sandbox-badge',
  text: 'Sandbox · emulated Google and Microsoft Graph, no real devices',
  size: 'Small',
  color: 'Warning',
  weight: 'Bolder',
  wrap: true,
};

// Templates are parsed once: expansion is on the path of every card turn.
const compiledTemplates = new WeakMap<object, Template>();

/**
 * Binds data into a template from cards/. Templating drops elements whose `$when` is false and
 * repeats `$data` arrays; the sandbox badge is added here so that no card can forget it.
 */
export function expandCard(template: object, data: object, view: CardView): AdaptiveCard {
  let compiled = compiledTemplates.get(template);
  if (!compiled) {
    compiled = new Template(template);
    compiledTemplates.set(template, compiled);
  }
  const card = compiled.expand({ $root: { ...data } }) as AdaptiveCard;
  if (view.sandbox) card.body = [SANDBOX_BADGE, ...(card.body ?? [])];
  return card;
}

/** A message that carries one card: to send, or to put in place of an earlier one (with its id). */
export function cardMessage(card: AdaptiveCard): Partial<Activity> {
  return { type: 'message', attachments: [CardFactory.adaptiveCard(card)] };
}

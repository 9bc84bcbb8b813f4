import { Activity, CardFactory } from 'botbuilder';
import { BIND_FUNCTION } from './markdown';
import { CompiledTemplate, compileTemplate } from './template';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string; body: unknown[] };

/** What every card needs to know about the running bot, whatever it shows. */
export interface CardView {
  sandbox: boolean;
}

// Yellow text on white fails contrast (WCAG AA) in Teams' light theme: the badge is a warning
// container, whose background every theme (dark, high contrast) draws with readable default text.
const SANDBOX_BADGE = {
  type: 'Container',
  id: 'sandbox-badge',
  style: 'warning',
  bleed: true,
  items: [
    {
      type: 'TextBlock',
      text: 'Sandbox · emulated Google and Microsoft Graph, no real devices',
      size: 'Small',
      weight: 'Bolder',
      wrap: true,
    },
  ],
};

// Templates are compiled once: expansion is on the path of every card turn.
const compiledTemplates = new WeakMap<object, CompiledTemplate>();

/**
 * Binds data into a template from cards/. Templating drops elements whose `$when` is false and
 * repeats `$data` arrays; the sandbox badge is added here so that no card can forget it. Every value
 * bound into a text Teams renders as Markdown is escaped (see markdown.ts).
 */
export function expandCard(template: object, data: object, view: CardView): AdaptiveCard {
  let compiled = compiledTemplates.get(template);
  if (!compiled) {
    compiled = compileTemplate(escapeBoundText(template) as object);
    compiledTemplates.set(template, compiled);
  }
  const card = compiled(data) as AdaptiveCard;
  if (view.sandbox) card.body = [SANDBOX_BADGE, ...(card.body ?? [])];
  return card;
}

/** A message that carries one card: to send, or to put in place of an earlier one (with its id). */
export function cardMessage(card: AdaptiveCard): Partial<Activity> {
  return { type: 'message', attachments: [CardFactory.adaptiveCard(card)] };
}

/**
 * The template with each `${value}` of a Markdown text (a TextBlock's text, a fact's title and value:
 * the texts Adaptive Cards render as Markdown) wrapped in the escaping function.
 */
export function escapeBoundText(node: unknown, markdownKeys: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => escapeBoundText(n, markdownKeys));
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  const own = record.type === 'TextBlock' ? ['text'] : markdownKeys;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string' && own.includes(key)) out[key] = wrapBindings(value);
    else out[key] = escapeBoundText(value, key === 'facts' ? FACT_KEYS : []);
  }
  return out;
}

const FACT_KEYS = ['title', 'value'];

/** `Serial ${serial}` → `Serial ${cardText(serial)}`: a binding's value, never the template's own words. */
function wrapBindings(text: string): string {
  return text.replace(/\$\{([^{}]+)\}/g, (_m, expression: string) => `\${${BIND_FUNCTION}(${expression})}`);
}

/** One title–value line of a card's FactSet. */
export interface Fact {
  title: string;
  value: string;
}

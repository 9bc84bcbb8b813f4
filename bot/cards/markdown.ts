/**
 * Card text is Markdown: a name, location or note that carries `**`, `[link](…)` or `<at>` would
 * restyle a card, or put a clickable link from an end user on the help desk's card. So every value
 * bound into a text that Teams renders as Markdown is escaped as it is bound (see `escapeBoundText`
 * in render.ts), and only text built by the bot itself, with `markup`, keeps its formatting.
 */
/** Text the bot composed itself: its Markdown is meant; what it quotes was escaped when it was built. */
export interface Markdown {
  readonly __md: string;
}

/** What a card's data may hold for a text: plain text (escaped when bound) or the bot's own Markdown. */
export type CardText = string | Markdown;

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones Teams' card
// Markdown acts on (emphasis, links, autolinks and <at> tags, code), plus the backslash itself.
const SPECIAL = /[\\*_[\]<>~`]/g;
// A line that starts like a list item ("- ", "+ ", "1. ") would be drawn as one.
const LIST_START = /^(\s*)([-+]|\d+\.)(?=\s)/gm;

// Either of the above; most bound texts (names, serials, dates) have neither, and one test is cheaper than two replaces.
const NEEDS_ESCAPE = /[\\*_[\]<>~`]|^\s*(?:[-+]|\d+\.)(?=\s)/m;

/** Plain text as Markdown that shows exactly that text. */
export function escapeMarkdown(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(SPECIAL, (c) => `\\${c}`)
    .replace(LIST_START, (_m, space: string, mark: string) => {
      return `${space}${mark.replace(/^([-+])$|\.$/, (x) => `\\${x}`)}`;
    });
}

function isMarkdown(value: unknown): value is Markdown {
  return typeof value === 'object' && value !== null && typeof (value as Markdown).__md === 'string';
}

/** The Markdown a value stands for: the bot's own as it is, anything else escaped. */
export function markdownOf(value: unknown): string {
  if (isMarkdown(value)) return value.__md;
  return value === undefined || value === null ? '' : escapeMarkdown(String(value));
}

/** Markdown the bot writes, e.g. markup`**${id}** · ${serial}`: the values put in are escaped. */
export function markup(strings: TemplateStringsArray, ...values: unknown[]): Markdown {
  let out = strings[0];
  values.forEach((v, i) => (out += markdownOf(v) + strings[i + 1]));
  return { __md: out };
}

/** The name card templates call around each bound value of a Markdown text. */
export const BIND_FUNCTION = 'cardText';

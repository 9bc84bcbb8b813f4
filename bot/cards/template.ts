/**
 * The card templates of cards/, written in the Adaptive Card Templating language, compiled once into
 * functions that bind data. They expand as adaptivecards-templating expands them:
 * test/cards/template.test.ts holds every template to that library's output over generated data.
 * The library itself is not on a turn's path: it evaluates every binding through
 * adaptive-expressions at each expansion, 6 % of a card turn's CPU (docs/performance.md).
 *
 * Only the expressions the templates use are understood; any other is refused when a template is
 * compiled, so a new card that needs more fails its tests, not a turn:
 *   ${path}   ${cardText(path)}   and, in `$when`:   ${path}   ${path != ''}   ${count(path) > 0}
 * A path is a name, or `$root`, `$data` or `$index`, followed by `.name` parts. Names match exactly
 * (the library also accepts another letter case; no card or its data relies on that).
 */
import { BIND_FUNCTION, markdownOf } from './markdown';

/** Where a binding reads from: the template's root data, the element being repeated, its index. */
interface Scope {
  root: unknown;
  data: unknown;
  index: number | undefined;
}

type Expand = (scope: Scope) => unknown;

/** Expands a compiled template against its root data. */
export type CompiledTemplate = (root: object) => unknown;

// Keys that steer expansion and never reach the card (the library's reserved fields).
const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);
const NAME = String.raw`[A-Za-z_$][\w$]*`;
const PATH = new RegExp(String.raw`^${NAME}(?:\.${NAME})*$`);
const BINDING = /\$\{([^{}]*)\}/g;
const WHOLE_BINDING = /^\$\{([^{}]*)\}$/;

export function compileTemplate(template: object): CompiledTemplate {
  const expand = compileNode(template);
  return (root) => expand({ root, data: root, index: undefined });
}

function compileNode(node: unknown): Expand {
  if (Array.isArray(node)) return compileArray(node);
  if (typeof node === 'string') return compileString(node);
  if (typeof node === 'object' && node !== null) return compileObject(node as Record<string, unknown>);
  return () => node;
}

/** Items that expand to nothing drop out; an item repeated over an array adds all its copies. */
function compileArray(items: unknown[]): Expand {
  const expands = items.map(compileNode);
  return (scope) => {
    const out: unknown[] = [];
    for (const expand of expands) {
      const value = expand(scope);
      if (value === null) continue;
      if (Array.isArray(value)) out.push(...value);
      else out.push(value);
    }
    return out;
  };
}

/**
 * An element with `$data` is repeated for each item of an array (or bound to one value), and
 * dropped where `$when` is not true. None left is null, one is itself, more are an array.
 */
function compileObject(node: Record<string, unknown>): Expand {
  const repeatOver = node.$data === undefined ? undefined : compileValue(wholeBinding(node.$data, '$data'));
  const when = compileWhen(node.$when);
  const keys = Object.keys(node).filter((key) => !RESERVED.has(key));
  const values = keys.map((key) => compileNode(node[key]));
  const expandOne = (scope: Scope): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = values[i](scope);
      if (value !== undefined) out[keys[i]] = value;
    }
    return out;
  };
  return (scope) => {
    const source = repeatOver?.(scope);
    const contexts = Array.isArray(source) ? source : [source];
    const out: Record<string, unknown>[] = [];
    let data = scope.data;
    for (let i = 0; i < contexts.length; i++) {
      // As in the library, an undefined item keeps the data of the item before it.
      if (contexts[i] !== undefined) data = contexts[i];
      const inner = { root: scope.root, data, index: Array.isArray(source) ? i : scope.index };
      if (when(inner)) out.push(expandOne(inner));
    }
    return out.length === 0 ? null : out.length === 1 ? out[0] : out;
  };
}

/** `$when` keeps an element only when it evaluates to true; a condition that is not a binding drops it. */
function compileWhen(when: unknown): (scope: Scope) => boolean {
  if (when === undefined || when === '' || when === false || when === 0 || when === null) return () => true;
  if (typeof when !== 'string' || !when.includes('${')) return () => false;
  const expression = wholeBinding(when, '$when');
  const notEmpty = expression.match(/^(\S+) != ''$/);
  if (notEmpty) {
    const read = compilePath(notEmpty[1]);
    return (scope) => read(scope) !== '';
  }
  const counted = expression.match(/^count\((\S+)\) > 0$/);
  if (counted) {
    const read = compilePath(counted[1]);
    return (scope) => countOf(read(scope)) > 0;
  }
  const read = compilePath(expression);
  return (scope) => read(scope) === true;
}

/** What `count()` gives: a text's or list's length, an object's number of keys; 0 where it errs. */
function countOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return 0;
}

/** The expression of a text that is one binding and nothing else. */
function wholeBinding(text: unknown, key: string): string {
  const whole = typeof text === 'string' ? text.match(WHOLE_BINDING) : null;
  if (!whole) throw new Error(`card template: ${key} must be one binding, not ${JSON.stringify(text)}`);
  return whole[1];
}

/**
 * A text that is one binding keeps the bound value's type; a text with bindings among words is a
 * text, each value written out as the library does (`toString()`, so a null fails there too).
 */
function compileString(text: string): Expand {
  if (!text.includes('${')) return () => text;
  if (/[\\`]/.test(text)) throw new Error(`card template: a bound text may not hold \\ or \`: ${text}`);
  const whole = text.match(WHOLE_BINDING);
  if (whole) return compileValue(whole[1]);
  const parts: Array<string | Expand> = [];
  let last = 0;
  for (const match of text.matchAll(BINDING)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(compileValue(match[1]));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.some((part) => typeof part === 'string' && part.includes('${')))
    throw new Error(`card template: unreadable binding in ${text}`);
  return (scope) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : (part(scope) as object).toString();
    return out;
  };
}

/** A value binding: a path, or a path's value escaped as Markdown. A path to nothing shows itself. */
function compileValue(expression: string): Expand {
  const call = expression.match(/^(\w+)\((\S+)\)$/);
  if (call && call[1] === BIND_FUNCTION) {
    const read = readOrShow(call[2]);
    return (scope) => markdownOf(read(scope));
  }
  return readOrShow(expression);
}

/** The library substitutes `${path}` for a path that leads to nothing (undefined, not null). */
function readOrShow(path: string): Expand {
  const read = compilePath(path);
  const shown = `\${${path}}`;
  return (scope) => {
    const value = read(scope);
    return value === undefined ? shown : value;
  };
}

// The names a path may start from besides the data being bound.
const SCOPE_NAMES: Record<string, Expand> = {
  $root: (scope) => scope.root,
  $data: (scope) => scope.data,
  $index: (scope) => scope.index,
};

/** Reads a path: `$root…`, `$data…`, `$index`, or a name of the data being bound. */
function compilePath(path: string): Expand {
  if (!PATH.test(path)) throw new Error(`card template: unsupported expression ${path}`);
  const [head, ...rest] = path.split('.');
  const start: Expand | undefined = head.startsWith('$') ? SCOPE_NAMES[head] : (scope) => propertyOf(scope.data, head);
  if (!start) throw new Error(`card template: unknown ${head} in ${path}`);
  return (scope) => {
    let value = start(scope);
    for (const name of rest) value = propertyOf(value, name);
    return value;
  };
}

/** An object's own enumerable property, as the library reads one (never a text's or list's `length`). */
function propertyOf(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.prototype.propertyIsEnumerable.call(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

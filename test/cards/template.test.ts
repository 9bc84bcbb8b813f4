import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeBoundText } from '../../bot/cards/render';
import { compileTemplate } from '../../bot/cards/template';
import { createRandom } from '../../src/sandbox/fleet';
import { referenceExpand } from '../support/templating-reference';

const CARDS = join(__dirname, '../../cards');
const TEMPLATES = readdirSync(CARDS).map((file) => ({
  file,
  template: escapeBoundText(JSON.parse(readFileSync(join(CARDS, file), 'utf8'))) as object,
}));

/** Every name a template's bindings read, as a tree: `status.note` → { status: { note: {} } }. */
interface Names {
  [name: string]: Names;
}

function namesOf(template: object): Names {
  const names: Names = {};
  const text = JSON.stringify(template);
  for (const [, expression] of text.matchAll(/\$\{([^{}]*)\}/g)) {
    for (const [path] of expression.matchAll(/[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g)) {
      if (['cardText', 'count'].includes(path)) continue;
      let node = names;
      for (const part of path.split('.').filter((p) => !p.startsWith('$'))) node = node[part] ??= {};
    }
  }
  return names;
}

const TEXTS = [
  '',
  'Chromebook 14',
  '[click](https://evil.example) **bold** <at>Megan</at> ${$root.secret} _i_',
  '- a list\n1. item',
];

/** Data of every shape a binding may meet: missing, empty, text, flags, numbers, lists, objects. */
function valueFor(next: () => number, names: Names, below: Names, depth: number): unknown {
  const pick = Math.floor(next() * 12);
  if (pick === 0) return undefined;
  if (pick <= 3) return TEXTS[Math.floor(next() * TEXTS.length)];
  if (pick === 4) return next() < 0.5;
  if (pick === 5) return Math.floor(next() * 3);
  if (depth > 2) return 'deep';
  if (pick === 6) return [];
  if (pick === 7) return TEXTS.slice(0, 1 + Math.floor(next() * 3));
  if (pick <= 9)
    return Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
      next() < 0.1 ? undefined : recordFor(next, names, names, depth + 1),
    );
  return recordFor(next, names, Object.keys(below).length > 0 ? below : names, depth + 1);
}

function recordFor(next: () => number, names: Names, keys: Names, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, below] of Object.entries(keys)) {
    if (next() < 0.15) continue;
    const value = valueFor(next, names, below, depth);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** An expansion (the library's or the compiled one), or that it threw. */
function outcome(expand: () => unknown): unknown {
  try {
    return { card: expand() };
  } catch {
    return { threw: true };
  }
}

describe('compiled card templates expand as adaptivecards-templating does', () => {
  it.each(TEMPLATES)('$file, over 150 sets of generated data', ({ template }) => {
    const compiled = compileTemplate(template);
    const names = namesOf(template);
    // Seeded, so that a failure names data that can be made again.
    const random = createRandom(7);
    const next = () => random.next();
    for (let i = 0; i < 150; i++) {
      const data = recordFor(next, names, names, 0);
      const expected = outcome(() => referenceExpand(template, data));
      expect({ data, ...(outcome(() => compiled(data)) as object) }).toStrictEqual({ data, ...(expected as object) });
    }
  });

  it('repeats, drops and binds as the library does in the cases the cards rely on', () => {
    const template = {
      body: [
        { $data: '${rows}', text: '${cardText(name)} of ${$root.total}', n: '${$index}' },
        { $when: "${note != ''}", text: '${note}' },
        { $when: '${count(warnings) > 0}', items: [{ $data: '${warnings}', text: '⚠ ${$data}' }] },
        { $when: '${open}', text: 'open' },
      ],
      single: { $data: '${one}', v: '${v}' },
      missing: '${nowhere.at.all}',
      typed: '${flags}',
    };
    const data = {
      rows: [{ name: '*a*' }, { name: 'b' }],
      total: 2,
      note: '',
      warnings: ['low battery'],
      open: 'yes',
      one: { v: 1 },
      flags: { a: true },
    };
    expect(compileTemplate(template)(data)).toStrictEqual(referenceExpand(template, data));
    expect(compileTemplate(template)(data)).toStrictEqual({
      body: [{ text: '\\*a\\* of 2', n: 0 }, { text: 'b of 2', n: 1 }, { items: [{ text: '⚠ low battery' }] }],
      single: { v: 1 },
      missing: '${nowhere.at.all}',
      typed: { a: true },
    });
  });

  it('refuses, when compiled, an expression the cards do not use', () => {
    expect(() => compileTemplate({ text: '${toUpper(name)}' })).toThrow(/unsupported expression/);
    expect(() => compileTemplate({ $when: '${a == b}', text: 'x' })).toThrow(/unsupported expression/);
    expect(() => compileTemplate({ $data: 'rows', text: 'x' })).toThrow(/one binding/);
    expect(() => compileTemplate({ text: '${$host.name}' })).toThrow(/unknown \$host/);
    expect(() => compileTemplate({ text: 'a \\ ${b}' })).toThrow(/may not hold/);
  });
});

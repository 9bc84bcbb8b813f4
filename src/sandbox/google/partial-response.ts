/**
 * Google's partial responses: the `fields` parameter keeps only the named parts of the answer.
 * Syntax (https://developers.google.com/workspace/admin/directory/v1/guides/performance#partial-response):
 * comma-separated fields, `a/b` for a sub-field, `a(b,c)` for several sub-fields of each element,
 * `*` for everything at that level. An unparsable selector is a 400 (wording unconfirmed).
 */
import { invalid } from './google-errors';

/** Each kept key, with what to keep inside it (true: all of it). */
export type FieldTree = Map<string, FieldTree | true>;

export function parseFields(selector: string): FieldTree {
  let pos = 0;
  const fail = (): never => {
    throw invalid(`Invalid field selection ${selector}`);
  };
  const name = (): string => {
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|\*)/.exec(selector.slice(pos));
    if (!m) fail();
    pos += (m as RegExpExecArray)[0].length;
    return (m as RegExpExecArray)[0];
  };
  const merge = (tree: FieldTree, path: string[], leaf: FieldTree | true): void => {
    const [head, ...rest] = path;
    const existing = tree.get(head);
    if (rest.length === 0) {
      tree.set(head, existing === true || leaf === true ? true : mergeTrees(existing ?? new Map(), leaf));
      return;
    }
    if (existing === true) return;
    const child = existing ?? new Map();
    tree.set(head, child);
    merge(child, rest, leaf);
  };
  const list = (): FieldTree => {
    const tree: FieldTree = new Map();
    for (;;) {
      const path = [name()];
      while (selector[pos] === '/') {
        pos++;
        path.push(name());
      }
      let leaf: FieldTree | true = true;
      if (selector[pos] === '(') {
        pos++;
        leaf = list();
        if (selector[pos] !== ')') fail();
        pos++;
      }
      merge(tree, path, leaf);
      if (selector[pos] !== ',') return tree;
      pos++;
    }
  };
  const tree = list();
  if (pos !== selector.length) fail();
  return tree;
}

function mergeTrees(a: FieldTree, b: FieldTree): FieldTree {
  const out: FieldTree = new Map(a);
  for (const [k, v] of b) {
    const have = out.get(k);
    out.set(k, have === true || v === true ? true : mergeTrees(have ?? new Map(), v));
  }
  return out;
}

/** The value cut down to the selected fields; arrays are cut element by element. */
export function selectFields(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((v) => selectFields(v, tree));
  if (typeof value !== 'object' || value === null) return value;
  const all = tree.get('*');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = tree.get(k) ?? all;
    if (sub === undefined) continue;
    out[k] = sub === true ? v : selectFields(v, sub);
  }
  return out;
}

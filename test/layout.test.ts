/**
 * The house rules the layout promises (README, docs/architecture.md), read from the imports:
 * a folder is reached only through its index.ts, the chat layer never talks to Google or
 * Microsoft itself, and no file imports itself round a circle.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const LAYERS = ['bot', 'src'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a file, resolved to the file it loads (JSON templates left out). */
function importsOf(file: string): Array<{ spec: string; target: string }> {
  const text = readFileSync(file, 'utf8');
  const found: Array<{ spec: string; target: string }> = [];
  for (const m of text.matchAll(/(?:from|import)\s+'(\.[^']+)'/g)) {
    const base = resolve(dirname(file), m[1]);
    const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
    if (target) found.push({ spec: m[1], target });
  }
  return found;
}

const files = LAYERS.flatMap((layer) => sourceFiles(join(ROOT, layer)));
const graph = new Map(files.map((f) => [f, importsOf(f)]));
/** Folders with a face of their own; the layers' roots are entry points, not faces. */
const faced = new Set(files.filter((f) => f.endsWith('/index.ts')).map((f) => dirname(f)));
for (const layer of LAYERS) faced.delete(join(ROOT, layer));

const rel = (p: string) => relative(ROOT, p);

describe('layout', () => {
  it('reaches every folder from outside through its index.ts only', () => {
    const reachingIn: string[] = [];
    for (const [file, imports] of graph)
      for (const { spec, target } of imports) {
        // The innermost folder the import enters: a sub-folder with its own face is reached through it.
        const folder = [...faced]
          .filter((d) => target.startsWith(`${d}/`) && !file.startsWith(`${d}/`))
          .sort((a, b) => b.length - a.length)[0];
        if (folder && target !== join(folder, 'index.ts')) reachingIn.push(`${rel(file)} → ${spec}`);
      }
    expect(reachingIn).toEqual([]);
  });

  it('keeps the chat layer away from the Google and Graph clients', () => {
    const clients = ['src/directory', 'src/intune'].map((d) => join(ROOT, d));
    const direct = [...graph]
      .filter(([file]) => file.startsWith(join(ROOT, 'bot/')))
      .flatMap(([file, imports]) =>
        imports.filter(({ target }) => clients.some((c) => target.startsWith(`${c}/`))).map(() => rel(file)),
      );
    expect(direct).toEqual([]);
  });

  it('has no import circle', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].map(rel).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const { target } of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });

  it('sees the imports it judges (a rule read from no imports could not fail)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get(join(ROOT, 'bot/lookup.ts'))?.some(({ target }) => target.endsWith('bot/cards/index.ts'))).toBe(
      true,
    );
  });
});

/**
 * Summarises a V8 .cpuprofile: self time by package (node_modules/<name>, our folders, node's own)
 * and by function, in ms per turn.
 *   npx tsx scripts/profile-summary.ts <file.cpuprofile> <turns>
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/@scope/name/…` → `@scope/name`; our files by folder; node's own by kind. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (m) return m[m.length - 1].slice('node_modules/'.length);
  const ours = url.match(/\/(src|bot|scripts)\/([^/]+)/);
  if (ours) return `${ours[1]}/${ours[2].replace(/\.ts$/, '')}`;
  return url;
}

/**
 * The part of a turn a sample belongs to: the first frame from the leaf up whose package is listed
 * (node's own frames are skipped, so a socket write counts for whoever wrote). Redis is split by
 * which of our folders asked.
 */
const AREAS: Array<[RegExp, string]> = [
  [/^(ioredis|redis-parser|denque|cluster-key-slot)$/, 'Redis'],
  [
    /^(gaxios|googleapis-common|@googleapis\/admin|google-auth-library|gtoken|src\/directory)$/,
    'Google client and its JSON',
  ],
  [/^(botframework-connector|@azure\/.*|@typespec\/.*)$/, 'reply to the Bot Connector (botframework-connector)'],
  [/^(adaptivecards-templating|adaptive-expressions|antlr4ts|bot\/cards)$/, 'card templating and escaping'],
  [/^(@opentelemetry\/.*|src\/telemetry|prom-client)$/, 'tracing and metrics'],
  [/^(pino|src\/log)$/, 'logging'],
  [/^(zod)$/, 'zod'],
  [/^(restify|find-my-way|src\/http|src\/server)$/, 'HTTP in (restify, body, answer)'],
  [/^(botbuilder.*|botframework-schema|@microsoft\/teams-ai)$/, 'botbuilder and teams-ai turn pipeline'],
  [/^(bot\/turn-limit|src\/turn-limit)$/, 'turn limiter'],
  [/^(bot\/identity|src\/access)$/, 'identity and roles'],
  [/^(src\/store)$/, 'stores (job queue, settings)'],
  [/^(src\/inventory|src\/devices)$/, 'inventory search and device read'],
  [/^(bot|src)\//, 'other Device Desk code'],
];

function areaOf(stack: ProfileNode[]): string {
  let area: string | undefined;
  for (const node of stack) {
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    if (!area) area = AREAS.find(([re]) => re.test(pkg))?.[1];
    if (area === 'Redis' && /^(src|bot)\//.test(pkg)) return `Redis, asked by ${pkg}`;
    if (area && area !== 'Redis') return area;
  }
  if (area) return area;
  const leaf = packageOf(stack[0].callFrame.url, stack[0].callFrame.functionName);
  return leaf.startsWith('node:') ? 'node (http, net, streams, promises: no caller on the stack)' : leaf;
}

interface Summary {
  byArea: Map<string, number>;
  byPackage: Map<string, number>;
  byFunction: Map<string, number>;
  /** Time with the function anywhere on the stack (once per sample), for our own functions and packages. */
  totalByFunction: Map<string, number>;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${packageOf(url, functionName)}${url ? `:${lineNumber + 1}` : ''}`;
}

function stacks(profile: Profile): (id: number) => ProfileNode[] {
  const parent = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  return (id) => {
    const stack: ProfileNode[] = [];
    for (let n = byId.get(id); n; n = parent.get(n.id)) stack.push(n);
    return stack;
  };
}

function totals(self: Map<number, number>, stackOf: (id: number) => ProfileNode[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const [id, micros] of self) {
    const seen = new Set<string>();
    for (const n of stackOf(id)) {
      const name = frameName(n);
      if (seen.has(name) || !/ (src|bot)\//.test(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + micros);
    }
  }
  return total;
}

export function summarise(profile: Profile): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const stackOf = stacks(profile);
  for (const [id, micros] of self) {
    const { functionName, url } = byId.get(id)!.callFrame;
    const pkg = packageOf(url, functionName);
    if (pkg === '(idle)' || pkg === '(program)') continue;
    const stack = stackOf(id);
    // Stopping the profiler (the bench bot's own command) is no part of a turn.
    if (stack.some((n) => packageOf(n.callFrame.url, n.callFrame.functionName) === 'scripts/bench-bot')) continue;
    const area = areaOf(stack);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    const fn = frameName(byId.get(id)!);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
  }
  return { byArea, byPackage, byFunction, totalByFunction: totals(self, stackOf) };
}

export function printProfileSummary(file: string, turns: number, top = 40): void {
  const { byArea, byPackage, byFunction, totalByFunction } = summarise(
    JSON.parse(readFileSync(file, 'utf8')) as Profile,
  );
  const total = [...byPackage.values()].reduce((a, b) => a + b, 0);
  const rows = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([k, v]) =>
          `${(v / turns / 1000).toFixed(3).padStart(7)} ms  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`,
      )
      .join('\n');
  console.log(`busy (not idle) ${(total / turns / 1000).toFixed(2)} ms per turn over ${turns} turns\n`);
  console.log(`by part of the turn (self time per turn)\n${rows(byArea, 30)}\n`);
  console.log(`by package (self time per turn)\n${rows(byPackage, 30)}\n`);
  console.log(`by function (self time per turn)\n${rows(byFunction, top)}\n`);
  console.log(`our functions (total time per turn, callees included)\n${rows(totalByFunction, top)}`);
}

if (require.main === module) {
  const [file, turns] = process.argv.slice(2);
  printProfileSummary(file, Number(turns));
}

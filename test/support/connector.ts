import http from 'node:http';
import { AddressInfo } from 'node:net';
import { SANDBOX_DIRECTORY, type SandboxPerson } from '../../src/sandbox/people';

export interface RecordedCall {
  method: string;
  path: string;
  conversationId: string;
  /** The activity id in the path (reply-to for POST, the updated activity for PUT). */
  activityId?: string;
  body: any;
  /** Id this connector gave the activity (POST) or the one updated (PUT). */
  id: string;
  at: number;
}

type Waiter = { predicate: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void };

/**
 * A stand-in for the Bot Connector service: records every activity the bot sends or updates,
 * answers member look-ups with the sandbox people, and lets tests wait for what they expect.
 */
export class RecordingConnector {
  readonly calls: RecordedCall[] = [];
  private server?: http.Server;
  private waiters: Waiter[] = [];
  private nextId = 1;
  /** Whom member look-ups know: every sandbox person, and whoever a test adds (e.g. an impostor). */
  private readonly people: Array<SandboxPerson & { tenantId: string }> = [...SANDBOX_DIRECTORY];

  /** Teams will answer member look-ups for this person as the member of this tenant. */
  addPerson(person: SandboxPerson, tenantId: string): void {
    this.people.push({ ...person, tenantId });
  }
  url = '';
  /** Answers activities this much later (already recorded): a turn whose reply is on its way. */
  answerDelayMs = 0;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections?.();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Activities sent (POST) into a conversation, in order. */
  sent(conversationId?: string): RecordedCall[] {
    return this.calls.filter(
      (c) =>
        c.method === 'POST' &&
        c.path.includes('/activities') &&
        (!conversationId || c.conversationId === conversationId),
    );
  }

  /** Updates (PUT) of earlier activities. */
  updates(conversationId?: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === 'PUT' && (!conversationId || c.conversationId === conversationId));
  }

  /** Resolves with the first call, past or future, that matches. */
  waitFor(predicate: (c: RecordedCall) => boolean, timeoutMs = 5000, since = 0): Promise<RecordedCall> {
    const existing = this.calls.slice(since).find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`connector: nothing matched within ${timeoutMs} ms; saw ${this.calls.length} calls`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const body = raw ? JSON.parse(raw) : undefined;
      const m = path.match(/\/v3\/conversations\/([^/]+)(?:\/(activities|members)(?:\/([^/]+))?)?/);
      const conversationId = m?.[1] ?? '';
      if (req.method === 'GET' && m?.[2] === 'members' && m[3]) {
        const person = this.people.find((p) => p.teamsId === m[3] || p.aadObjectId === m[3]);
        if (!person) {
          send(res, 404, JSON.stringify({ error: { code: 'MemberNotFoundInConversation', message: 'not found' } }));
          return;
        }
        send(
          res,
          200,
          JSON.stringify({
            id: person.teamsId,
            name: person.name,
            aadObjectId: person.aadObjectId,
            userPrincipalName: person.upn,
            email: person.email,
            tenantId: person.tenantId,
            userRole: 'user',
          }),
        );
        return;
      }
      const id = req.method === 'PUT' ? (m?.[3] ?? '') : `activity-${this.nextId++}`;
      const call: RecordedCall = {
        method: req.method ?? '',
        path,
        conversationId,
        activityId: m?.[3],
        body,
        id,
        at: Date.now(),
      };
      this.calls.push(call);
      for (const w of [...this.waiters]) {
        if (w.predicate(call)) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(call);
        }
      }
      if (this.answerDelayMs > 0) setTimeout(() => send(res, 200, JSON.stringify({ id })), this.answerDelayMs);
      else send(res, 200, JSON.stringify({ id }));
    });
  }
}

// restify patches http.ServerResponse, so writeHead can't be chained in the same process.
function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** The Adaptive Card of a recorded activity, if it carries one. */
export function cardOf(call: RecordedCall | undefined): any {
  return call?.body?.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    ?.content;
}

/** Every text of a card flattened into one string, for assertions on what a person reads. */
/** A card's texts as a reader sees them: Markdown escapes are shown as the characters they stand for. */
export function cardText(card: any): string {
  return cardMarkdown(card).replace(/\\([\\*_[\]<>~`+.-])/g, '$1');
}

/** A card's texts as sent: the Markdown Teams renders. */
export function cardMarkdown(card: any): string {
  const out: string[] = [];
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      for (const key of ['text', 'title', 'value', 'label', 'placeholder'])
        if (typeof node[key] === 'string') out.push(node[key]);
      for (const v of Object.values(node)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out.join('\n');
}

import type Redis from 'ioredis';
import type { Clock } from '../clock';
import type { Confirmation } from './types';

/**
 * Confirmations waiting for their requester. `consume` is the only way to act on one and
 * succeeds once: a duplicate, replayed or concurrent confirm gets undefined.
 */
export interface ActionConfirmationStore {
  create(confirmation: Confirmation): Promise<void>;
  /** Reads without using it up (to tell the requester from someone else). */
  get(id: string): Promise<Confirmation | undefined>;
  /** Records where the card went, once it is sent. */
  attachCard(id: string, cardActivityId: string): Promise<void>;
  consume(id: string): Promise<Confirmation | undefined>;
}

/** Kept past expiry so that a late click is told "expired" rather than "unknown". */
const GRACE_MS = 60 * 60 * 1000;

export class MemoryActionConfirmationStore implements ActionConfirmationStore {
  private readonly items = new Map<string, Confirmation>();
  constructor(private readonly clock: Clock) {}

  async create(c: Confirmation): Promise<void> {
    this.sweep();
    this.items.set(c.id, structuredClone(c));
  }

  async get(id: string): Promise<Confirmation | undefined> {
    const c = this.items.get(id);
    return c && structuredClone(c);
  }

  async attachCard(id: string, cardActivityId: string): Promise<void> {
    const c = this.items.get(id);
    if (c) c.cardActivityId = cardActivityId;
  }

  async consume(id: string): Promise<Confirmation | undefined> {
    // Map get+delete with no await in between: atomic within the process.
    const c = this.items.get(id);
    this.items.delete(id);
    return c;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [id, c] of this.items) if (c.expiresAt + GRACE_MS < now) this.items.delete(id);
  }
}

/** JSON under one key per confirmation; GETDEL makes consuming atomic across instances. */
export class RedisActionConfirmationStore implements ActionConfirmationStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private key(id: string): string {
    return `${this.prefix}confirm:${id}`;
  }

  async create(c: Confirmation): Promise<void> {
    const ttl = Math.max(1000, c.expiresAt - this.clock.now() + GRACE_MS);
    await this.redis.set(this.key(c.id), JSON.stringify(c), 'PX', ttl);
  }

  async get(id: string): Promise<Confirmation | undefined> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as Confirmation) : undefined;
  }

  async attachCard(id: string, cardActivityId: string): Promise<void> {
    // Read-modify-write is fine here: only the turn that created it attaches the card.
    const c = await this.get(id);
    if (!c) return;
    c.cardActivityId = cardActivityId;
    await this.redis.set(this.key(id), JSON.stringify(c), 'KEEPTTL', 'XX');
  }

  async consume(id: string): Promise<Confirmation | undefined> {
    const raw = await this.redis.getdel(this.key(id));
    return raw ? (JSON.parse(raw) as Confirmation) : undefined;
  }
}

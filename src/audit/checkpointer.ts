import { randomBytes, type KeyObject } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { signCheckpoint } from './checkpoint';
import type {
  AuditEntry,
  AuditHead,
  AuditQuery,
  AuditRecord,
  AuditTrail,
  AuditVerifyOptions,
  AuditVerifyResult,
  SignedCheckpoint,
} from './types';

/** Where checkpoints go: somewhere the holder of the Redis password can't rewrite. */
export interface CheckpointSink {
  publish(checkpoint: SignedCheckpoint): Promise<void>;
}

/**
 * One log line per checkpoint (the log leaves the machine for the log store) and, when a path is
 * set, one JSON line appended to the checkpoint file (opened for append only, never rewritten).
 */
export class LogAndFileSink implements CheckpointSink {
  constructor(
    private readonly logger: Logger,
    private readonly path?: string,
  ) {}

  async publish(checkpoint: SignedCheckpoint): Promise<void> {
    this.logger.info({ auditCheckpoint: checkpoint }, 'audit checkpoint');
    if (!this.path) return;
    try {
      await appendFile(this.path, `${JSON.stringify(checkpoint)}\n`, { flag: 'a', mode: 0o640 });
    } catch (err) {
      this.logger.error(
        { path: this.path, err: { message: (err as Error).message } },
        'audit checkpoint could not be written to AUDIT_CHECKPOINT_FILE; it is only in the log',
      );
    }
  }
}

export interface CheckpointSettings {
  /** A checkpoint whenever a record's seq is a multiple of this (whichever instance appended it). */
  everyRecords: number;
  /** And at this interval when the head moved since this process's last checkpoint. */
  intervalMs: number;
}

export interface CheckpointerDeps {
  trail: AuditTrail & { readonly chain: string };
  signingKey: KeyObject;
  sink: CheckpointSink;
  clock: Clock;
  logger: Logger;
  settings: CheckpointSettings;
}

/**
 * Signs the chain's head and publishes it, every N records and every few minutes, as a
 * Certificate Transparency log signs its tree head. This process's checkpoints are chained by
 * prevSig (as CloudTrail chains its digest files), so one deleted from the middle shows.
 */
export class AuditCheckpointer {
  private readonly writer = `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  private last: (AuditHead & { sig: string }) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: CheckpointerDeps) {}

  /** Called with every record this process appended. */
  afterAppend(record: AuditRecord): void {
    if (record.seq % this.deps.settings.everyRecords === 0) void this.checkpoint({ seq: record.seq, mac: record.mac });
  }

  /** Signs the given head, or the trail's current one; resolves with what was published, if anything. */
  checkpoint(head?: AuditHead): Promise<SignedCheckpoint | undefined> {
    const next = this.queue.then(() => this.signNow(head));
    this.queue = next.catch(() => undefined);
    return next.catch((err) => {
      this.deps.logger.error({ err: { message: (err as Error).message } }, 'audit checkpoint failed');
      return undefined;
    });
  }

  private async signNow(given?: AuditHead): Promise<SignedCheckpoint | undefined> {
    const head = given ?? (await this.deps.trail.head());
    if (!head || head.seq === 0) return undefined;
    if (this.last && head.seq <= this.last.seq) {
      // Behind what this process already signed: never bless a chain that went backwards.
      if (head.seq < this.last.seq || head.mac !== this.last.mac)
        this.deps.logger.error(
          { signed: this.last.seq, now: head.seq },
          'audit chain is behind its last checkpoint: records were removed or rolled back; run npm run audit:verify',
        );
      return undefined;
    }
    const checkpoint = signCheckpoint(
      {
        chain: this.deps.trail.chain,
        seq: head.seq,
        mac: head.mac,
        time: new Date(this.deps.clock.now()).toISOString(),
        writer: this.writer,
        prevSig: this.last?.sig ?? '',
      },
      this.deps.signingKey,
    );
    this.last = { seq: head.seq, mac: head.mac, sig: checkpoint.sig };
    await this.deps.sink.publish(checkpoint);
    return checkpoint;
  }

  /** Resolves when every checkpoint asked for so far has been published. */
  async idle(): Promise<void> {
    await this.queue;
  }

  start(): void {
    this.timer = setInterval(() => void this.checkpoint(), this.deps.settings.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and anchors the tail once more, so a clean shutdown leaves nothing unsigned. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.checkpoint();
  }
}

/** The trail as the app uses it: every append is seen by the checkpointer. */
export class CheckpointedAuditTrail implements AuditTrail {
  constructor(
    private readonly inner: AuditTrail,
    private readonly checkpointer: AuditCheckpointer,
  ) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const record = await this.inner.append(entry);
    this.checkpointer.afterAppend(record);
    return record;
  }

  latest(query: AuditQuery): Promise<AuditRecord[]> {
    return this.inner.latest(query);
  }

  all(tenantId?: string): AsyncIterable<AuditRecord> {
    return this.inner.all(tenantId);
  }

  verify(options?: AuditVerifyOptions): Promise<AuditVerifyResult> {
    return this.inner.verify(options);
  }

  head(): Promise<AuditHead | null> {
    return this.inner.head();
  }
}

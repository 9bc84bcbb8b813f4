import type { KeyObject } from 'node:crypto';

/** Who acted: always the Teams user, with the directory ids we know for them. */
export interface AuditActor {
  teamsId: string;
  aadObjectId?: string;
  upn?: string;
  name?: string;
}

export type AuditTargetKind = 'device' | 'user' | 'connection' | 'request';

export interface AuditTarget {
  kind: AuditTargetKind;
  id: string;
  /** Something a person recognises, e.g. a device serial. */
  label?: string;
}

/** `unknown`: a call may have reached Google or Graph and no answer says whether it did. */
export type AuditOutcome =
  'requested' | 'approved' | 'rejected' | 'succeeded' | 'failed' | 'unknown' | 'denied' | 'cancelled' | 'info';

/**
 * What a caller records. `detail` is a small JSON object for context (counts, command ids,
 * old/new values). Callers must never put PINs, tokens, passwords or other secrets in it;
 * keys that look like secrets (pin, unlockPin, token, secret, password, …) are replaced with
 * "[redacted]" anyway, as a second line of defence.
 */
export interface AuditEntry {
  actor: AuditActor;
  tenantId: string;
  /** Dotted verb, e.g. 'lostMode.on', 'access.denied', 'connector.delete'. */
  action: string;
  target?: AuditTarget;
  reason?: string;
  requestId?: string;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  /** 1-based position in the one chain shared by all tenants. */
  seq: number;
  /** ISO 8601. */
  time: string;
  /** The previous record's MAC; 64 zeros for the first record. */
  prevMac: string;
  /** HMAC-SHA-256 (hex) under AUDIT_MAC_KEY of the canonical JSON of this record without `mac`. */
  mac: string;
}

export interface AuditQuery {
  tenantId: string;
  /** Matches target.id. */
  targetId?: string;
  /** Matches actor.teamsId or actor.aadObjectId. */
  actorId?: string;
  /** Matches actor.upn, case-insensitively. */
  actorUpn?: string;
  /** Newest first; default 20, at most 500. */
  limit?: number;
}

export type AuditProblem =
  /** The record's content no longer matches its MAC. */
  | 'edited'
  /** A sequence number is absent (deleted record, or the tail was cut off). */
  | 'missing'
  /** Records are present but out of order. */
  | 'reordered'
  /** A record that was never appended through the trail sits in the chain. */
  | 'inserted'
  /** The link to the previous record is wrong and nothing more specific explains it. */
  | 'broken-link'
  /** A stored record could not be parsed. */
  | 'unreadable'
  /** The chain ends before a signed checkpoint: records were cut off or rolled back. */
  | 'truncated'
  /** The record at a signed checkpoint is not the one that was signed. */
  | 'checkpoint-mismatch'
  /** A checkpoint's signature does not verify, or one of a writer's checkpoints is missing. */
  | 'bad-checkpoint';

export interface AuditVerifyResult {
  ok: boolean;
  /** Records examined. */
  count: number;
  /** Checkpoints of this chain whose signature verified and that the chain matched. */
  checkpoints?: { count: number; lastSeq: number };
  firstBad?: { seq: number; problem: AuditProblem; message: string };
}

/** What the records are checked against besides themselves: signed checkpoints of the head. */
export interface AuditVerifyOptions {
  checkpoints?: SignedCheckpoint[];
  /** The signer's public key; without it no checkpoint can be trusted. */
  publicKey?: KeyObject;
}

/**
 * A signed statement that the chain had this record (seq, mac) at its head at `time`, like a
 * Certificate Transparency signed tree head. It is published outside Redis, so cutting records
 * off the chain or rolling it back to an older copy shows against it.
 */
export interface AuditCheckpoint {
  v: 1;
  /** Which chain: the trail's Redis prefix ("memory" for an in-process trail). */
  chain: string;
  seq: number;
  mac: string;
  time: string;
  /** The process that signed it; each writer's checkpoints are chained by prevSig. */
  writer: string;
  /** This writer's previous checkpoint's signature; '' for its first (as CloudTrail's digests). */
  prevSig: string;
  /** Which key signed it: the start of the SHA-256 of the public key. */
  keyId: string;
}

export interface SignedCheckpoint extends AuditCheckpoint {
  /** Ed25519 signature (base64) of the canonical JSON of the checkpoint without `sig`. */
  sig: string;
}

export interface AuditTrail {
  /** Appends one record to the chain; concurrent appends are serialised, never forked. */
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** Newest matching records first. */
  latest(query: AuditQuery): Promise<AuditRecord[]>;
  /** Every record in chain order, optionally only one tenant's. */
  all(tenantId?: string): AsyncIterable<AuditRecord>;
  /** Recomputes every MAC and link, checks the chain's end against the head pointer and the checkpoints. */
  verify(options?: AuditVerifyOptions): Promise<AuditVerifyResult>;
  /** The last record's seq and MAC (null when empty), for checkpoints. */
  head(): Promise<AuditHead | null>;
}

/** The last record's seq and MAC, kept apart from the records so a cut tail shows. */
export interface AuditHead {
  seq: number;
  mac: string;
}

export const GENESIS_MAC = '0'.repeat(64);
export const DEFAULT_LATEST_LIMIT = 20;
export const MAX_LATEST_LIMIT = 500;

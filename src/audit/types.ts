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
  /** The previous record's hash; 64 zeros for the first record. */
  prevHash: string;
  /** sha256 (hex) of the canonical JSON of this record without `hash`. */
  hash: string;
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
  /** The record's content no longer matches its hash. */
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
  | 'unreadable';

export interface AuditVerifyResult {
  ok: boolean;
  /** Records examined. */
  count: number;
  firstBad?: { seq: number; problem: AuditProblem; message: string };
}

export interface AuditTrail {
  /** Appends one record to the chain; concurrent appends are serialised, never forked. */
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** Newest matching records first. */
  latest(query: AuditQuery): Promise<AuditRecord[]>;
  /** Every record in chain order, optionally only one tenant's. */
  all(tenantId?: string): AsyncIterable<AuditRecord>;
  /** Recomputes every hash and link, and checks the chain's end against the head pointer. */
  verify(): Promise<AuditVerifyResult>;
}

/** The last record's seq and hash, kept apart from the records so a cut tail shows. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
export const DEFAULT_LATEST_LIMIT = 20;
export const MAX_LATEST_LIMIT = 500;

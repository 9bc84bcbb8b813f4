import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { keyIdOf } from './keys';
import type { AuditCheckpoint, AuditVerifyResult, SignedCheckpoint } from './types';

/** Ed25519 over the canonical JSON of everything but the signature. */
export function signCheckpoint(body: Omit<AuditCheckpoint, 'keyId' | 'v'>, key: KeyObject): SignedCheckpoint {
  const unsigned: AuditCheckpoint = { v: 1, ...body, keyId: keyIdOf(key) };
  return { ...unsigned, sig: sign(null, Buffer.from(canonicalJson(unsigned)), key).toString('base64') };
}

export function checkpointSignatureValid(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  const { sig, ...unsigned } = checkpoint;
  try {
    return verify(null, Buffer.from(canonicalJson(unsigned)), publicKey, Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}

const isCheckpoint = (value: unknown): value is SignedCheckpoint => {
  const c = value as Partial<SignedCheckpoint> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.chain === 'string' &&
    Number.isInteger(c.seq) &&
    typeof c.mac === 'string' &&
    typeof c.sig === 'string' &&
    typeof c.writer === 'string' &&
    typeof c.prevSig === 'string'
  );
};

/**
 * Checkpoints from the text of a checkpoint file or of the bot's JSON log (where each is the
 * `auditCheckpoint` of an "audit checkpoint" line). Other log lines are skipped; a line that
 * mentions a checkpoint but is not one is reported by line number.
 */
export function parseCheckpoints(text: string): { checkpoints: SignedCheckpoint[]; garbled: number[] } {
  const checkpoints: SignedCheckpoint[] = [];
  const garbled: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (line.includes('"sig"') || line.includes('auditCheckpoint')) garbled.push(i + 1);
      return;
    }
    const candidate = (value as { auditCheckpoint?: unknown })?.auditCheckpoint ?? value;
    if (isCheckpoint(candidate)) checkpoints.push(candidate);
    else if (line.includes('auditCheckpoint') || (value as { sig?: unknown })?.sig !== undefined) garbled.push(i + 1);
  });
  return { checkpoints, garbled };
}

type FirstBad = NonNullable<AuditVerifyResult['firstBad']>;

/**
 * The checkpoints of `chain` that can be trusted, or the first one that can't: a bad signature,
 * another key, or a gap in one writer's sequence (a checkpoint deleted from the middle).
 */
export function trustedCheckpoints(
  all: SignedCheckpoint[],
  chain: string,
  publicKey: KeyObject,
): { trusted: SignedCheckpoint[]; firstBad?: FirstBad } {
  const trusted: SignedCheckpoint[] = [];
  const lastSigOf = new Map<string, string>();
  const keyId = keyIdOf(publicKey);
  for (const c of all) {
    if (c.chain !== chain) continue;
    const bad = (message: string): { trusted: SignedCheckpoint[]; firstBad: FirstBad } => ({
      trusted,
      firstBad: { seq: c.seq, problem: 'bad-checkpoint', message },
    });
    if (c.keyId !== keyId || !checkpointSignatureValid(c, publicKey))
      return bad(`the checkpoint at record ${c.seq} (${c.time}) is not signed by the audit signing key`);
    const previous = lastSigOf.get(c.writer);
    if (previous !== undefined && c.prevSig !== previous)
      return bad(`a checkpoint of ${c.writer} before the one at record ${c.seq} (${c.time}) is missing`);
    lastSigOf.set(c.writer, c.sig);
    trusted.push(c);
  }
  return { trusted };
}

/** Checks trusted checkpoints against the MACs the walk found at their seqs and the chain's end. */
export function checkAgainstChain(
  trusted: SignedCheckpoint[],
  macAt: Map<number, string>,
  lastSeq: number,
): FirstBad | undefined {
  let first: FirstBad | undefined;
  for (const c of trusted) {
    let problem: FirstBad | undefined;
    if (c.seq > lastSeq) {
      problem = {
        seq: lastSeq + 1,
        problem: 'truncated',
        message: `the chain ends at record ${lastSeq} but a checkpoint signed ${c.time} covers records up to ${c.seq}`,
      };
    } else if (macAt.get(c.seq) !== c.mac) {
      problem = {
        seq: c.seq,
        problem: 'checkpoint-mismatch',
        message: `record ${c.seq} is not the one the checkpoint signed ${c.time} covers`,
      };
    }
    if (problem && (!first || problem.seq < first.seq)) first = problem;
  }
  return first;
}

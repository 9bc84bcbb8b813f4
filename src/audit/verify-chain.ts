import { computeRecordMac } from './canonical-json';
import { checkAgainstChain, trustedCheckpoints } from './checkpoint';
import {
  GENESIS_MAC,
  type AuditHead,
  type AuditProblem,
  type AuditRecord,
  type AuditVerifyOptions,
  type AuditVerifyResult,
} from './types';

/** One stored entry as read back: a record, or text that did not parse as one. */
export type ChainItem = { record: AuditRecord } | { unreadable: string };

interface Link {
  seq: number;
  mac: string;
}

export interface VerifyChainOptions extends AuditVerifyOptions {
  macKey: Buffer;
  /** The chain's name, to pick its checkpoints out of a file several chains share. */
  chain: string;
}

/**
 * Walks the records in stored order and reports the first place the chain breaks. The walk
 * always goes to the end, because telling a deleted record from a moved one needs to know
 * whether its seq turns up later. Then the chain's end is held against the head pointer and
 * the signed checkpoints, which cover what the MAC can't: records cut off the end.
 */
export async function verifyChain(
  items: AsyncIterable<ChainItem> | Iterable<ChainItem>,
  head: AuditHead | null,
  options: VerifyChainOptions,
): Promise<AuditVerifyResult> {
  const checked = checkpointsToUse(options);
  const wanted = new Set(checked.trusted.map((c) => c.seq));
  const macAt = new Map<number, string>();
  let prev: Link = { seq: 0, mac: GENESIS_MAC };
  let beforePrev: Link | undefined;
  let count = 0;
  let firstBad: AuditVerifyResult['firstBad'];
  let pending: { kind: 'link' | 'gap'; seq: number; found: number } | undefined;
  const seen = new Map<number, number>();
  const bad = (seq: number, problem: AuditProblem, message: string) => ({ seq, problem, message });

  for await (const item of items) {
    count++;
    if ('unreadable' in item) {
      if (!firstBad && !pending)
        firstBad = bad(
          prev.seq + 1,
          'unreadable',
          `entry after record ${prev.seq} is not a record: ${item.unreadable}`,
        );
      continue;
    }
    const r = item.record;
    seen.set(r.seq, (seen.get(r.seq) ?? 0) + 1);
    if (firstBad || pending) continue;
    if (computeRecordMac(r, options.macKey) !== r.mac) {
      firstBad = bad(r.seq, 'edited', `record ${r.seq} does not match its MAC (edited, or sealed with another key)`);
      continue;
    }
    const expected = prev.seq + 1;
    if (r.seq === expected && r.prevMac === prev.mac) {
      beforePrev = prev;
      prev = { seq: r.seq, mac: r.mac };
      if (wanted.has(r.seq)) macAt.set(r.seq, r.mac);
    } else if (r.seq >= expected) {
      pending = { kind: r.seq === expected ? 'link' : 'gap', seq: expected, found: r.seq };
    } else if (r.seq === prev.seq && beforePrev && r.prevMac === beforePrev.mac) {
      // Two records claim one seq and this one links to the chain: the one before it was slipped in.
      firstBad = bad(prev.seq, 'inserted', `record ${prev.seq} appears twice; the first copy is not part of the chain`);
    } else {
      firstBad = bad(r.seq, 'reordered', `record ${r.seq} comes after record ${prev.seq}`);
    }
  }

  if (!firstBad && pending) {
    const times = seen.get(pending.seq) ?? 0;
    if (pending.kind === 'link') {
      firstBad =
        times > 1
          ? bad(
              pending.seq,
              'inserted',
              `record ${pending.seq} appears ${times} times; one copy is not part of the chain`,
            )
          : bad(pending.seq, 'broken-link', `record ${pending.seq} does not link to record ${prev.seq}`);
    } else {
      firstBad =
        times > 0
          ? bad(pending.seq, 'reordered', `record ${pending.found} comes before record ${pending.seq}`)
          : bad(pending.seq, 'missing', `record ${pending.seq} is missing`);
    }
  }

  firstBad ??= checked.firstBad ?? checkAgainstChain(checked.trusted, macAt, prev.seq) ?? checkHead(prev, count, head);
  if (firstBad) return { ok: false, count, firstBad };
  const lastSeq = checked.trusted.reduce((max, c) => Math.max(max, c.seq), 0);
  return options.checkpoints
    ? { ok: true, count, checkpoints: { count: checked.trusted.length, lastSeq } }
    : { ok: true, count };
}

function checkpointsToUse(options: VerifyChainOptions): ReturnType<typeof trustedCheckpoints> {
  const all = options.checkpoints ?? [];
  if (all.length === 0) return { trusted: [] };
  if (!options.publicKey) {
    return {
      trusted: [],
      firstBad: {
        seq: 0,
        problem: 'bad-checkpoint',
        message: 'checkpoints were given without the public key to check them',
      },
    };
  }
  return trustedCheckpoints(all, options.chain, options.publicKey);
}

function checkHead(last: Link, count: number, head: AuditHead | null): AuditVerifyResult['firstBad'] {
  if (!head) {
    return count > 0
      ? { seq: last.seq, problem: 'missing', message: 'records exist but the head pointer is missing' }
      : undefined;
  }
  if (head.seq > last.seq) {
    return {
      seq: last.seq + 1,
      problem: 'missing',
      message: `the chain ends at ${last.seq} but the head says ${head.seq}`,
    };
  }
  if (head.seq < last.seq) {
    return {
      seq: head.seq + 1,
      problem: 'inserted',
      message: `records after ${head.seq} were not appended through the trail`,
    };
  }
  if (head.mac !== last.mac) {
    return { seq: last.seq, problem: 'edited', message: `record ${last.seq} is not the one the head pointer recorded` };
  }
  return undefined;
}

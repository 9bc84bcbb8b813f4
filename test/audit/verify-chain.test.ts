import {
  computeRecordMac,
  GENESIS_MAC,
  MemoryAuditTrail,
  verifyChain,
  type AuditRecord,
  type ChainItem,
} from '../../src/audit';
import { ManualClock } from '../../src/clock';
import { entry, macKey } from './audit-trail-contract';

async function chain(n: number): Promise<AuditRecord[]> {
  const trail = new MemoryAuditTrail(new ManualClock(), { macKey });
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) out.push(await trail.append(entry({ detail: { i } })));
  return out;
}

const items = (records: AuditRecord[]): ChainItem[] => records.map((record) => ({ record }));
const headOf = (records: AuditRecord[]) => ({
  seq: records[records.length - 1].seq,
  mac: records[records.length - 1].mac,
});
const reseal = (r: Omit<AuditRecord, 'mac'> & { mac?: string }): AuditRecord => {
  const { mac: _old, ...body } = r;
  return { ...body, mac: computeRecordMac(body, macKey) };
};
const keyed = { macKey, chain: 'memory' };

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', async () => {
    const records = await chain(6);
    expect(await verifyChain(items(records), headOf(records), keyed)).toEqual({ ok: true, count: 6 });
    expect(await verifyChain([], null, keyed)).toEqual({ ok: true, count: 0 });
    expect(await verifyChain([], { seq: 0, mac: GENESIS_MAC }, keyed)).toEqual({ ok: true, count: 0 });
  });

  it('catches a changed field, including inside detail', async () => {
    const records = await chain(4);
    const edited = [...records];
    edited[2] = { ...records[2], detail: { i: 99 } };
    expect(await verifyChain(items(edited), headOf(records), keyed)).toMatchObject({
      ok: false,
      firstBad: { seq: 3, problem: 'edited' },
    });
  });

  it('catches a first record that does not start from the genesis MAC', async () => {
    const records = await chain(2);
    const forgedFirst = reseal({ ...records[0], prevMac: 'f'.repeat(64) });
    expect(await verifyChain(items([forgedFirst, records[1]]), headOf(records), keyed)).toMatchObject({
      ok: false,
      firstBad: { seq: 1, problem: 'broken-link' },
    });
  });

  it('tells a missing record from a moved one', async () => {
    const records = await chain(5);
    const missing = records.filter((r) => r.seq !== 3);
    expect(await verifyChain(items(missing), headOf(records), keyed)).toMatchObject({
      firstBad: { seq: 3, problem: 'missing' },
    });
    const moved = [records[0], records[1], records[3], records[2], records[4]];
    expect(await verifyChain(items(moved), headOf(records), keyed)).toMatchObject({
      firstBad: { seq: 3, problem: 'reordered' },
    });
    const backwards = [records[0], records[1], records[2], records[0], records[3], records[4]];
    expect(await verifyChain(items(backwards), headOf(records), keyed)).toMatchObject({
      firstBad: { seq: 1, problem: 'reordered' },
    });
  });

  it('catches an inserted record placed after or before the genuine one', async () => {
    const records = await chain(4);
    const forged = reseal({ ...records[2], action: 'connector.delete', prevMac: 'a'.repeat(64) });
    const before = [records[0], records[1], forged, records[2], records[3]];
    expect(await verifyChain(items(before), headOf(records), keyed)).toMatchObject({
      firstBad: { seq: 3, problem: 'inserted' },
    });
    const linked = reseal({ ...records[2], action: 'connector.delete', prevMac: records[1].mac });
    const linkedBefore = [records[0], records[1], linked, records[2], records[3]];
    expect(await verifyChain(items(linkedBefore), headOf(records), keyed)).toMatchObject({
      firstBad: { seq: 3, problem: 'inserted' },
    });
  });

  it('checks the end of the chain against the head pointer', async () => {
    const records = await chain(3);
    const head = headOf(records);
    expect(await verifyChain(items(records.slice(0, 2)), head, keyed)).toMatchObject({
      firstBad: { seq: 3, problem: 'missing' },
    });
    expect(await verifyChain(items(records), { seq: 2, mac: records[1].mac }, keyed)).toMatchObject({
      firstBad: { seq: 3, problem: 'inserted' },
    });
    expect(await verifyChain(items(records), null, keyed)).toMatchObject({ firstBad: { problem: 'missing' } });
    // The last record swapped for a different, well-formed one: only the head can tell.
    const other = reseal({ ...records[2], reason: 'changed' });
    expect(await verifyChain(items([records[0], records[1], other]), head, keyed)).toMatchObject({
      firstBad: { seq: 3, problem: 'edited' },
    });
  });

  it('refuses records sealed with another key, even a whole consistent chain', async () => {
    const records = await chain(3);
    expect(await verifyChain(items(records), headOf(records), { ...keyed, macKey: Buffer.alloc(32, 7) })).toMatchObject(
      { ok: false, firstBad: { seq: 1, problem: 'edited' } },
    );
  });

  it('reports unreadable entries and still counts the rest', async () => {
    const records = await chain(3);
    const list: ChainItem[] = [{ record: records[0] }, { unreadable: 'entry 2-0 is not JSON' }, { record: records[2] }];
    expect(await verifyChain(list, headOf(records), keyed)).toMatchObject({
      ok: false,
      count: 3,
      firstBad: { seq: 2, problem: 'unreadable' },
    });
  });
});

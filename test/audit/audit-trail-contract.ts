import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/clock';
import { InvalidInput } from '../../src/errors';
import { silentLogger } from '../../src/log';
import {
  AuditCheckpointer,
  CheckpointedAuditTrail,
  computeRecordMac,
  GENESIS_MAC,
  signCheckpoint,
  signingKeyFromSeed,
  type AuditEntry,
  type AuditRecord,
  type AuditTrail,
  type SignedCheckpoint,
} from '../../src/audit';

export const alex = { teamsId: '29:alex', aadObjectId: 'aad-alex', upn: 'Alex@Contoso.com', name: 'Alex Wilber' };
export const megan = { teamsId: '29:megan', aadObjectId: 'aad-megan', upn: 'megan@contoso.com', name: 'Megan Bowen' };

export function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: alex,
    tenantId: 'tenant-a',
    action: 'lostMode.on',
    target: { kind: 'device', id: 'dev-1', label: 'SN-0001' },
    reason: 'reported lost',
    outcome: 'requested',
    ...overrides,
  };
}

async function collect(iterable: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of iterable) out.push(r);
  return out;
}

export const macKey = randomBytes(32);
export const signingKey = signingKeyFromSeed(randomBytes(32));

/** A checkpointer of the trail that publishes to a list instead of the log and a file. */
export function checkpointsOf(trail: AuditTrail & { chain: string }, clock: ManualClock, everyRecords = 1000) {
  const published: SignedCheckpoint[] = [];
  const checkpointer = new AuditCheckpointer({
    trail,
    signingKey,
    sink: { publish: async (c) => void published.push(c) },
    clock,
    logger: silentLogger,
    settings: { everyRecords, intervalMs: 60_000 },
  });
  return { published, checkpointer, trail: new CheckpointedAuditTrail(trail, checkpointer) };
}

type ChainedTrail = AuditTrail & { chain: string };

/** Behaviour every AuditTrail must have, whatever keeps the records. */
export function auditTrailContract(
  name: string,
  make: (clock: ManualClock, key: Buffer) => Promise<ChainedTrail> | ChainedTrail,
): void {
  describe(`${name} audit trail contract`, () => {
    let clock: ManualClock;
    let trail: ChainedTrail;
    beforeEach(async () => {
      clock = new ManualClock(Date.parse('2026-02-01T10:00:00Z'));
      trail = await make(clock, macKey);
    });

    it('starts empty and verifies', async () => {
      expect(await collect(trail.all())).toEqual([]);
      expect(await trail.verify()).toEqual({ ok: true, count: 0 });
      expect(await trail.latest({ tenantId: 'tenant-a' })).toEqual([]);
      expect(await trail.head()).toBeNull();
    });

    it('chains records: seq, time, prevMac and a MAC under its key', async () => {
      const first = await trail.append(entry({ requestId: 'req-1', detail: { commandId: 'c-1', attempt: 1 } }));
      clock.advance(1500);
      const second = await trail.append(entry({ action: 'lostMode.on', outcome: 'succeeded' }));
      expect(first).toMatchObject({
        seq: 1,
        time: '2026-02-01T10:00:00.000Z',
        prevMac: GENESIS_MAC,
        requestId: 'req-1',
      });
      expect(second).toMatchObject({
        seq: 2,
        time: '2026-02-01T10:00:01.500Z',
        prevMac: first.mac,
        outcome: 'succeeded',
      });
      expect(first.mac).toMatch(/^[0-9a-f]{64}$/);
      expect(first.mac).toBe(computeRecordMac(first, macKey));
      expect(second.mac).toBe(computeRecordMac(second, macKey));
      expect(first.mac).not.toBe(computeRecordMac(first, randomBytes(32)));
      expect(await collect(trail.all())).toEqual([first, second]);
      expect(await trail.verify()).toEqual({ ok: true, count: 2 });
      expect(await trail.head()).toEqual({ seq: 2, mac: second.mac });
    });

    describe('signed checkpoints', () => {
      it('signs the head every N records and on demand, each chained to the one before', async () => {
        const { published, checkpointer, trail: app } = checkpointsOf(trail, clock, 3);
        for (let i = 0; i < 7; i++) await app.append(entry({ detail: { i } }));
        await checkpointer.checkpoint();
        expect(published.map((c) => c.seq)).toEqual([3, 6, 7]);
        expect(published[0]).toMatchObject({ v: 1, chain: trail.chain, prevSig: '' });
        expect(published[1].prevSig).toBe(published[0].sig);
        expect(await checkpointer.checkpoint()).toBeUndefined(); // nothing new to sign
        expect(await trail.verify({ checkpoints: published, publicKey: signingKey })).toEqual({
          ok: true,
          count: 7,
          checkpoints: { count: 3, lastSeq: 7 },
        });
      });

      it('refuses a checkpoint that was altered, signed by another key, or given without the public key', async () => {
        const { published, checkpointer, trail: app } = checkpointsOf(trail, clock);
        await app.append(entry());
        await app.append(entry());
        const [good] = [await checkpointer.checkpoint()] as SignedCheckpoint[];
        const altered = { ...good, seq: 1 };
        const strange = signCheckpoint({ ...good }, signingKeyFromSeed(randomBytes(32)));
        for (const checkpoints of [[altered], [strange]])
          expect(await trail.verify({ checkpoints, publicKey: signingKey })).toMatchObject({
            ok: false,
            firstBad: { problem: 'bad-checkpoint' },
          });
        expect(await trail.verify({ checkpoints: published })).toMatchObject({
          ok: false,
          firstBad: { problem: 'bad-checkpoint' },
        });
      });

      it('names the first missing record when a checkpoint covers more than the chain holds', async () => {
        await trail.append(entry());
        const beyond = signCheckpoint(
          {
            chain: trail.chain,
            seq: 3,
            mac: 'f'.repeat(64),
            time: new Date(clock.now()).toISOString(),
            writer: 'w',
            prevSig: '',
          },
          signingKey,
        );
        expect(await trail.verify({ checkpoints: [beyond], publicKey: signingKey })).toMatchObject({
          ok: false,
          firstBad: { seq: 2, problem: 'truncated' },
        });
        const otherChain = { ...beyond, chain: 'elsewhere' };
        expect((await trail.verify({ checkpoints: [otherChain], publicKey: signingKey })).ok).toBe(true);
      });
    });

    it('keeps only known fields and drops empty optional ones', async () => {
      const odd = { ...entry({ reason: '' }), password: 'x', actor: { ...alex, extra: 'y' } } as unknown as AuditEntry;
      const record = await trail.append(odd);
      expect(record).not.toHaveProperty('password');
      expect(record).not.toHaveProperty('reason');
      expect(record.actor).toEqual(alex);
    });

    it('rejects an entry without actor, tenant or action and keeps the chain whole', async () => {
      await expect(trail.append(entry({ tenantId: '' }))).rejects.toBeInstanceOf(InvalidInput);
      await expect(trail.append(entry({ actor: { teamsId: '' } }))).rejects.toBeInstanceOf(InvalidInput);
      await expect(trail.append(entry({ action: ' ' }))).rejects.toBeInstanceOf(InvalidInput);
      await expect(trail.append(entry({ target: { kind: 'printer' as never, id: 'x' } }))).rejects.toBeInstanceOf(
        InvalidInput,
      );
      const ok = await trail.append(entry());
      expect(ok.seq).toBe(1);
      expect(await trail.verify()).toEqual({ ok: true, count: 1 });
    });

    it('scrubs secret-looking keys from detail, also in what is stored', async () => {
      const record = await trail.append(
        entry({
          action: 'lostMode.on',
          detail: {
            pin: '123456',
            unlockPin: '9999',
            message: 'call IT',
            nested: { token: 'eyJ', Password: 'p', list: [{ secret: 's' }] },
            at: new Date('2026-01-01T00:00:00Z'),
          },
        }),
      );
      const expected = {
        pin: '[redacted]',
        unlockPin: '[redacted]',
        message: 'call IT',
        nested: { token: '[redacted]', Password: '[redacted]', list: [{ secret: '[redacted]' }] },
        at: '2026-01-01T00:00:00.000Z',
      };
      expect(record.detail).toEqual(expected);
      const [stored] = await collect(trail.all());
      expect(stored.detail).toEqual(expected);
      expect(JSON.stringify(stored)).not.toMatch(/123456|9999|eyJ/);
      expect((await trail.verify()).ok).toBe(true);
    });

    it('keeps one chain under many concurrent appends', async () => {
      const n = 40;
      const records = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          trail.append(entry({ target: { kind: 'device', id: `dev-${i}` }, detail: { i } })),
        ),
      );
      expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      const stored = await collect(trail.all());
      expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      for (let i = 1; i < n; i++) expect(stored[i].prevMac).toBe(stored[i - 1].mac);
      expect(await trail.verify()).toEqual({ ok: true, count: n });
    });

    describe('latest and all', () => {
      beforeEach(async () => {
        await trail.append(entry({ action: 'lostMode.on', target: { kind: 'device', id: 'dev-1', label: 'SN-1' } }));
        await trail.append(entry({ actor: megan, action: 'deprovision', target: { kind: 'device', id: 'dev-2' } }));
        await trail.append(
          entry({
            tenantId: 'tenant-b',
            actor: megan,
            action: 'lostMode.off',
            target: { kind: 'device', id: 'dev-1' },
          }),
        );
        await trail.append(entry({ action: 'access.denied', outcome: 'denied', target: undefined }));
        await trail.append(
          entry({
            actor: megan,
            action: 'lostMode.off',
            target: { kind: 'device', id: 'dev-1' },
            outcome: 'succeeded',
          }),
        );
      });

      it('lists a tenant newest first, within the limit', async () => {
        const all = await trail.latest({ tenantId: 'tenant-a' });
        expect(all.map((r) => r.seq)).toEqual([5, 4, 2, 1]);
        expect((await trail.latest({ tenantId: 'tenant-a', limit: 2 })).map((r) => r.seq)).toEqual([5, 4]);
        expect((await trail.latest({ tenantId: 'tenant-b' })).map((r) => r.seq)).toEqual([3]);
        expect(await trail.latest({ tenantId: 'tenant-c' })).toEqual([]);
      });

      it('filters by target, never across tenants', async () => {
        expect((await trail.latest({ tenantId: 'tenant-a', targetId: 'dev-1' })).map((r) => r.seq)).toEqual([5, 1]);
        expect((await trail.latest({ tenantId: 'tenant-b', targetId: 'dev-1' })).map((r) => r.seq)).toEqual([3]);
        expect((await trail.latest({ tenantId: 'tenant-a', targetId: 'dev-1', limit: 1 })).map((r) => r.seq)).toEqual([
          5,
        ]);
      });

      it('filters by actor id (Teams or AAD) and by UPN in any case', async () => {
        expect((await trail.latest({ tenantId: 'tenant-a', actorId: '29:megan' })).map((r) => r.seq)).toEqual([5, 2]);
        expect((await trail.latest({ tenantId: 'tenant-a', actorId: 'aad-alex' })).map((r) => r.seq)).toEqual([4, 1]);
        expect((await trail.latest({ tenantId: 'tenant-a', actorUpn: 'alex@contoso.com' })).map((r) => r.seq)).toEqual([
          4, 1,
        ]);
        expect((await trail.latest({ tenantId: 'tenant-a', actorUpn: 'MEGAN@contoso.com' })).map((r) => r.seq)).toEqual(
          [5, 2],
        );
      });

      it('combines target and actor filters', async () => {
        expect(
          (await trail.latest({ tenantId: 'tenant-a', targetId: 'dev-1', actorId: '29:alex' })).map((r) => r.seq),
        ).toEqual([1]);
        expect(await trail.latest({ tenantId: 'tenant-a', targetId: 'dev-2', actorUpn: 'alex@contoso.com' })).toEqual(
          [],
        );
      });

      it('iterates everything in chain order, or one tenant', async () => {
        expect((await collect(trail.all())).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
        expect((await collect(trail.all('tenant-a'))).map((r) => r.seq)).toEqual([1, 2, 4, 5]);
        expect((await collect(trail.all('tenant-b'))).map((r) => r.action)).toEqual(['lostMode.off']);
      });
    });
  });
}

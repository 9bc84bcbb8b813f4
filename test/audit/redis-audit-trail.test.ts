import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { computeRecordMac, RedisAuditTrail, type AuditRecord } from '../../src/audit';
import { ManualClock } from '../../src/clock';
import { testRedis, TEST_REDIS_URL } from '../support/redis';
import { auditTrailContract, checkpointsOf, entry, macKey, megan, signingKey } from './audit-trail-contract';
import { cutTail, macUnder, plainHash, recordOf, rewriteAndRechain, rewriteStream, withRecord } from './redis-tamper';

const r = testRedis();
let n = 0;
const extra: Redis[] = [];
const freshPrefix = () => `${r.prefix}t${++n}:`;

afterAll(async () => {
  for (const c of extra) c.disconnect();
  await r.cleanup();
});

auditTrailContract(
  'RedisAuditTrail',
  (clock, key) => new RedisAuditTrail(r.redis, { prefix: freshPrefix(), clock, macKey: key }),
);

const reseal = (record: Omit<AuditRecord, 'mac'> & { mac?: string }): AuditRecord => {
  const { mac: _old, ...body } = record;
  return { ...body, mac: computeRecordMac(body, macKey) };
};

async function filled(count: number): Promise<{ trail: RedisAuditTrail; records: AuditRecord[] }> {
  const trail = new RedisAuditTrail(r.redis, { prefix: freshPrefix(), clock: new ManualClock(), macKey });
  const records: AuditRecord[] = [];
  for (let i = 0; i < count; i++) records.push(await trail.append(entry({ detail: { i } })));
  return { trail, records };
}

describe('RedisAuditTrail across instances', () => {
  it('keeps one chain when several connections append at once', async () => {
    const prefix = freshPrefix();
    const trails = Array.from({ length: 3 }, () => {
      const conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      extra.push(conn);
      return new RedisAuditTrail(conn, { prefix, macKey });
    });
    const appended = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        trails[i % 3].append(entry({ target: { kind: 'device', id: `dev-${i % 5}` }, detail: { i } })),
      ),
    );
    expect(new Set(appended.map((a) => a.seq)).size).toBe(60);
    const result = await trails[0].verify();
    expect(result).toEqual({ ok: true, count: 60 });
    // Each appended record is exactly what was stored at its seq.
    const stored = new Map<number, AuditRecord>();
    for await (const rec of trails[1].all()) stored.set(rec.seq, rec);
    for (const a of appended) expect(stored.get(a.seq)).toEqual(a);
    // Indexes see every record: 12 per device.
    expect(await trails[2].latest({ tenantId: 'tenant-a', targetId: 'dev-3', limit: 100 })).toHaveLength(12);
  });

  it('appends after another instance moved the head', async () => {
    const prefix = freshPrefix();
    const one = new RedisAuditTrail(r.redis, { prefix, macKey });
    const two = new RedisAuditTrail(r.redis, { prefix, macKey });
    await one.append(entry());
    await two.append(entry({ actor: megan }));
    const third = await one.append(entry()); // its cached head is stale now
    expect(third.seq).toBe(3);
    expect(await two.verify()).toEqual({ ok: true, count: 3 });
  });

  it('verifies while appends keep coming', async () => {
    const { trail } = await filled(20);
    const writes = Promise.all(Array.from({ length: 20 }, () => trail.append(entry())));
    const result = await trail.verify();
    await writes;
    expect(result.ok).toBe(true);
    expect(await trail.verify()).toEqual({ ok: true, count: 40 });
  });

  it('pages through latest beyond one index page', async () => {
    const { trail } = await filled(130);
    const latest = await trail.latest({ tenantId: 'tenant-a', actorUpn: 'alex@contoso.com', limit: 120 });
    expect(latest.map((x) => x.seq)).toEqual(Array.from({ length: 120 }, (_, i) => 130 - i));
  });
});

describe('RedisAuditTrail tamper detection', () => {
  it('detects an edited field', async () => {
    const { trail } = await filled(5);
    await rewriteStream(r.redis, trail.streamKey, (entries) =>
      entries.map((e) => {
        const rec = recordOf(e);
        return rec.seq === 3
          ? withRecord(e, { ...rec, outcome: 'succeeded', actor: { ...rec.actor, upn: 'someone@else' } })
          : e;
      }),
    );
    expect(await trail.verify()).toMatchObject({ ok: false, count: 5, firstBad: { seq: 3, problem: 'edited' } });
  });

  it('detects an edited record whose own MAC was recomputed with the key (the next link breaks)', async () => {
    const { trail } = await filled(5);
    await rewriteStream(r.redis, trail.streamKey, (entries) =>
      entries.map((e) => {
        const rec = recordOf(e);
        return rec.seq === 2 ? withRecord(e, reseal({ ...rec, reason: 'nothing to see' })) : e;
      }),
    );
    expect(await trail.verify()).toMatchObject({ ok: false, firstBad: { seq: 3, problem: 'broken-link' } });
  });

  it.each([
    ['a plain SHA-256 chain', plainHash],
    ['a MAC under a key of their own', macUnder(randomBytes(32))],
  ])('catches record 8 rewritten and every later record re-chained with %s', async (_how, seal) => {
    const { trail } = await filled(12);
    await rewriteAndRechain(
      r.redis,
      trail,
      8,
      (rec) => ({ ...rec, outcome: 'denied', reason: 'never happened' }),
      seal,
    );
    const stored: AuditRecord[] = [];
    for await (const rec of trail.all()) stored.push(rec);
    for (let i = 1; i < stored.length; i++) expect(stored[i].prevMac).toBe(stored[i - 1].mac); // links intact
    expect(await trail.head()).toEqual({ seq: 12, mac: stored[11].mac });
    expect(await trail.verify()).toMatchObject({
      ok: false,
      count: 12,
      firstBad: { seq: 8, problem: 'edited' },
    });
  });

  it('catches records cut off after a checkpoint, even with the head pointer moved to match', async () => {
    const clock = new ManualClock();
    const { trail: bare } = await filled(0);
    const { trail, published, checkpointer } = checkpointsOf(bare, clock, 5);
    for (let i = 0; i < 12; i++) await trail.append(entry({ detail: { i } }));
    await checkpointer.checkpoint();
    expect(published.map((c) => c.seq)).toEqual([5, 10, 12]);
    await cutTail(r.redis, bare, 7);
    // Without its checkpoints the shortened chain is self-consistent: this is what they are for.
    expect(await bare.verify()).toEqual({ ok: true, count: 7 });
    expect(await bare.verify({ checkpoints: published, publicKey: signingKey })).toMatchObject({
      ok: false,
      count: 7,
      firstBad: { seq: 8, problem: 'truncated' },
    });
  });

  it('catches a chain rolled back and written on past a checkpoint', async () => {
    const clock = new ManualClock();
    const { trail: bare } = await filled(0);
    const { trail, published, checkpointer } = checkpointsOf(bare, clock, 5);
    for (let i = 0; i < 6; i++) await trail.append(entry({ detail: { i } }));
    await cutTail(r.redis, bare, 3);
    expect(await checkpointer.checkpoint()).toBeUndefined(); // never signs a head behind its last one
    // A fresh instance (the old one's cached head would refuse) appends on the shortened chain.
    const fresh = new RedisAuditTrail(r.redis, { prefix: bare.chain, macKey, clock });
    for (let i = 0; i < 4; i++) await fresh.append(entry({ detail: { again: i } }));
    expect(await fresh.verify({ checkpoints: published, publicKey: signingKey })).toMatchObject({
      ok: false,
      firstBad: { seq: 5, problem: 'checkpoint-mismatch' },
    });
  });

  it("catches a checkpoint deleted from the middle of a writer's sequence", async () => {
    const { trail: bare } = await filled(0);
    const { trail, published } = checkpointsOf(bare, new ManualClock(), 2);
    for (let i = 0; i < 6; i++) await trail.append(entry({ detail: { i } }));
    const withGap = [published[0], published[2]];
    expect(await bare.verify({ checkpoints: withGap, publicKey: signingKey })).toMatchObject({
      ok: false,
      firstBad: { seq: 6, problem: 'bad-checkpoint' },
    });
  });

  it('detects a deleted record in the middle', async () => {
    const { trail } = await filled(5);
    await r.redis.xdel(trail.streamKey, '2-0');
    expect(await trail.verify()).toMatchObject({ ok: false, count: 4, firstBad: { seq: 2, problem: 'missing' } });
  });

  it('detects a deleted last record through the head pointer', async () => {
    const { trail } = await filled(4);
    await r.redis.xdel(trail.streamKey, '4-0');
    expect(await trail.verify()).toMatchObject({ ok: false, count: 3, firstBad: { seq: 4, problem: 'missing' } });
  });

  it('detects a deleted head pointer', async () => {
    const { trail } = await filled(2);
    await r.redis.del(trail.headKey);
    expect(await trail.verify()).toMatchObject({ ok: false, firstBad: { problem: 'missing' } });
  });

  it('detects an inserted record, even one that links to its predecessor', async () => {
    const { trail, records } = await filled(4);
    const forged = reseal({ ...records[1], seq: 3, action: 'connector.delete', prevMac: records[1].mac });
    // Slipped in between 2 and 3, with an id that sorts there.
    await rewriteStream(r.redis, trail.streamKey, (entries) => [
      ...entries.slice(0, 2),
      ['2-1', ['rec', JSON.stringify(forged)]],
      ...entries.slice(2),
    ]);
    expect(await trail.verify()).toMatchObject({ ok: false, count: 5, firstBad: { seq: 3, problem: 'inserted' } });
  });

  it("detects a record appended behind the trail's back", async () => {
    const { trail, records } = await filled(3);
    const forged = reseal({ ...records[2], seq: 4, prevMac: records[2].mac, action: 'access.granted' });
    await r.redis.xadd(trail.streamKey, '4-0', 'rec', JSON.stringify(forged));
    expect(await trail.verify()).toMatchObject({ ok: false, count: 4, firstBad: { seq: 4, problem: 'inserted' } });
  });

  it('detects reordered records', async () => {
    const { trail } = await filled(5);
    await rewriteStream(r.redis, trail.streamKey, (entries) => {
      const swapped = [...entries];
      [swapped[1], swapped[2]] = [
        [entries[1][0], entries[2][1]],
        [entries[2][0], entries[1][1]],
      ];
      return swapped;
    });
    expect(await trail.verify()).toMatchObject({ ok: false, count: 5, firstBad: { seq: 2, problem: 'reordered' } });
  });

  it('detects an entry that is not a record', async () => {
    const { trail } = await filled(3);
    await rewriteStream(r.redis, trail.streamKey, (entries) =>
      entries.map((e, i) => (i === 1 ? [e[0], ['rec', '{not json']] : e)),
    );
    expect(await trail.verify()).toMatchObject({ ok: false, firstBad: { seq: 2, problem: 'unreadable' } });
  });

  it('refuses to append onto a stream that runs past its head', async () => {
    const { trail, records } = await filled(2);
    await r.redis.xadd(trail.streamKey, '3-0', 'rec', JSON.stringify(records[1]));
    const fresh = new RedisAuditTrail(r.redis, { prefix: trail.chain, macKey });
    await expect(fresh.append(entry())).rejects.toThrow();
  });
});

import Redis from 'ioredis';
import { computeRecordHash, RedisAuditTrail, type AuditRecord } from '../../src/audit';
import { ManualClock } from '../../src/clock';
import { testRedis, TEST_REDIS_URL } from '../support/redis';
import { auditTrailContract, entry, megan } from './audit-trail-contract';
import { recordOf, rewriteStream, withRecord } from './redis-tamper';

const r = testRedis();
let n = 0;
const extra: Redis[] = [];
const freshPrefix = () => `${r.prefix}t${++n}:`;

afterAll(async () => {
  for (const c of extra) c.disconnect();
  await r.cleanup();
});

auditTrailContract('RedisAuditTrail', (clock) => new RedisAuditTrail(r.redis, { prefix: freshPrefix(), clock }));

async function filled(count: number): Promise<{ trail: RedisAuditTrail; records: AuditRecord[] }> {
  const trail = new RedisAuditTrail(r.redis, { prefix: freshPrefix(), clock: new ManualClock() });
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
      return new RedisAuditTrail(conn, { prefix });
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
    const one = new RedisAuditTrail(r.redis, { prefix });
    const two = new RedisAuditTrail(r.redis, { prefix });
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

  it('detects an edited record whose own hash was recomputed (the next link breaks)', async () => {
    const { trail } = await filled(5);
    await rewriteStream(r.redis, trail.streamKey, (entries) =>
      entries.map((e) => {
        const rec = recordOf(e);
        if (rec.seq !== 2) return e;
        const forged = { ...rec, reason: 'nothing to see' };
        return withRecord(e, { ...forged, hash: computeRecordHash(forged) });
      }),
    );
    expect(await trail.verify()).toMatchObject({ ok: false, firstBad: { seq: 3, problem: 'broken-link' } });
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
    const forgedBody = { ...records[1], seq: 3, action: 'connector.delete', prevHash: records[1].hash };
    const forged = { ...forgedBody, hash: computeRecordHash(forgedBody) };
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
    const body = { ...records[2], seq: 4, prevHash: records[2].hash, action: 'access.granted' };
    await r.redis.xadd(trail.streamKey, '4-0', 'rec', JSON.stringify({ ...body, hash: computeRecordHash(body) }));
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
    const fresh = new RedisAuditTrail(r.redis, { prefix: trail.streamKey.slice(0, -'stream'.length) });
    await expect(fresh.append(entry())).rejects.toThrow();
  });
});

import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { MemoryAuditTrail, RedisAuditTrail, type AuditTrail } from '../../src/audit';
import { runAuditVerify } from '../../scripts/audit-verify';
import { testRedis, TEST_REDIS_URL } from '../support/redis';
import { entry } from './audit-trail-contract';
import { recordOf, rewriteStream, withRecord } from './redis-tamper';

const r = testRedis();
afterAll(() => r.cleanup());

async function fill(trail: AuditTrail, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await trail.append(entry({ detail: { i } }));
}

describe('audit-verify', () => {
  it('passes an intact trail', async () => {
    const trail = new MemoryAuditTrail();
    await fill(trail, 3);
    expect(await runAuditVerify(trail)).toEqual({ exitCode: 0, line: 'audit trail OK: 3 records verified' });
  });

  it('fails a tampered Redis trail and names the problem', async () => {
    const trail = new RedisAuditTrail(r.redis, { prefix: `${r.prefix}fn:` });
    await fill(trail, 4);
    expect((await runAuditVerify(trail)).exitCode).toBe(0);
    await rewriteStream(r.redis, trail.streamKey, (entries) =>
      entries.map((e) => (recordOf(e).seq === 2 ? withRecord(e, { ...recordOf(e), outcome: 'failed' }) : e)),
    );
    const outcome = await runAuditVerify(trail);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.line).toMatch(/BROKEN.*edited at seq 2/);
  });

  it('fails when the trail cannot be read', async () => {
    const broken: AuditTrail = {
      ...new MemoryAuditTrail(),
      verify: () => Promise.reject(new Error('connection lost')),
    } as AuditTrail;
    expect(await runAuditVerify(broken)).toEqual({
      exitCode: 1,
      line: 'audit trail could not be checked: connection lost',
    });
  });

  it('runs as a command against Redis and exits 1 on a cut tail', async () => {
    const prefix = `${r.prefix}cli:`;
    const trail = new RedisAuditTrail(r.redis, { prefix });
    await fill(trail, 3);
    const run = (args: string[]) =>
      promisify(execFile)(
        process.execPath,
        [require.resolve('tsx/cli'), resolve(__dirname, '../../scripts/audit-verify.ts'), ...args],
        {
          env: { ...process.env, REDIS_URL: TEST_REDIS_URL },
        },
      );
    const ok = await run(['--prefix', prefix]);
    expect(ok.stdout.trim()).toBe('audit trail OK: 3 records verified');
    await r.redis.xdel(trail.streamKey, '3-0');
    await expect(run([`--prefix=${prefix}`])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/missing at seq 3/),
    });
  });
});

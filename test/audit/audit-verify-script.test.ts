import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import {
  AuditCheckpointer,
  CheckpointedAuditTrail,
  LogAndFileSink,
  MemoryAuditTrail,
  publicKeyHex,
  RedisAuditTrail,
  SANDBOX_AUDIT_MAC_KEY,
  type AuditTrail,
} from '../../src/audit';
import { ManualClock } from '../../src/clock';
import { loadCheckpoints, runAuditVerify, verifyInputs } from '../../scripts/audit-verify';
import { testRedis, TEST_REDIS_URL } from '../support/redis';
import { entry, macKey, signingKey } from './audit-trail-contract';
import { cutTail, plainHash, recordOf, rewriteAndRechain, rewriteStream, withRecord } from './redis-tamper';

const r = testRedis();
afterAll(() => r.cleanup());
const dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));

async function fill(trail: AuditTrail, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await trail.append(entry({ detail: { i } }));
}

/** A Redis trail as the bot runs it: checkpoints every 5 records into a file and a JSON log. */
function botTrail(prefix: string) {
  const file = join(dir, `${prefix.replace(/\W/g, '_')}checkpoints.jsonl`);
  const logFile = join(dir, `${prefix.replace(/\W/g, '_')}bot.log`);
  const logger = pino(pino.destination({ dest: logFile, sync: true }));
  const clock = new ManualClock();
  const bare = new RedisAuditTrail(r.redis, { prefix, macKey, clock });
  const checkpointer = new AuditCheckpointer({
    trail: bare,
    signingKey,
    sink: new LogAndFileSink(logger, file),
    clock,
    logger,
    settings: { everyRecords: 5, intervalMs: 60_000 },
  });
  return { bare, trail: new CheckpointedAuditTrail(bare, checkpointer), checkpointer, file, logFile };
}

describe('audit-verify', () => {
  it('passes an intact trail and says when nothing anchors its end', async () => {
    const trail = new MemoryAuditTrail();
    await fill(trail, 3);
    expect(await runAuditVerify(trail)).toEqual({
      exitCode: 0,
      line: 'audit trail OK: 3 records verified; no signed checkpoints: records cut off the end would not show',
    });
  });

  it('fails a tampered Redis trail and names the problem', async () => {
    const trail = new RedisAuditTrail(r.redis, { prefix: `${r.prefix}fn:`, macKey });
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
    const broken = Object.assign(new MemoryAuditTrail(), {
      verify: () => Promise.reject(new Error('connection lost')),
    });
    expect(await runAuditVerify(broken)).toEqual({
      exitCode: 1,
      line: 'audit trail could not be checked: connection lost',
    });
  });

  it('takes its keys from the environment and says which one is missing', () => {
    expect(verifyInputs([], {})).toMatch(/AUDIT_MAC_KEY must be set/);
    const env = { AUDIT_MAC_KEY: macKey.toString('hex') };
    expect(verifyInputs(['--checkpoints', 'x.jsonl'], env)).toMatch(/needs the public key.*AUDIT_VERIFY_KEY/);
    expect(verifyInputs(['--public-key', 'nope'], env)).toMatch(/public key must be/);
    const inputs = verifyInputs(['--checkpoints=a', '--checkpoints', 'b', '--prefix', 'p:'], {
      ...env,
      AUDIT_VERIFY_KEY: publicKeyHex(signingKey),
    });
    expect(inputs).toMatchObject({ prefix: 'p:', macKey, checkpointFiles: ['a', 'b'] });
    expect(verifyInputs(['--sandbox'], {})).toMatchObject({ macKey: SANDBOX_AUDIT_MAC_KEY });
  });

  it('refuses a checkpoint file with a damaged line', async () => {
    const file = join(dir, 'damaged.jsonl');
    writeFileSync(file, '{"chain":"x","seq":1,"sig":"abc"\n');
    await expect(loadCheckpoints([file])).rejects.toThrow(/line 1 is a damaged checkpoint/);
  });

  describe('as a command against Redis', () => {
    const run = (args: string[]) =>
      promisify(execFile)(
        process.execPath,
        [require.resolve('tsx/cli'), resolve(__dirname, '../../scripts/audit-verify.ts'), ...args],
        {
          env: {
            ...process.env,
            REDIS_URL: TEST_REDIS_URL,
            AUDIT_MAC_KEY: macKey.toString('hex'),
            AUDIT_VERIFY_KEY: publicKeyHex(signingKey),
          },
        },
      );

    it('catches record 8 rewritten and the chain after it recomputed', async () => {
      const prefix = `${r.prefix}cli8:`;
      const { bare, trail, checkpointer, file } = botTrail(prefix);
      await fill(trail, 12);
      await checkpointer.checkpoint();
      const ok = await run(['--prefix', prefix, '--checkpoints', file]);
      expect(ok.stdout.trim()).toBe('audit trail OK: 12 records verified; 3 signed checkpoints up to record 12 match');
      await rewriteAndRechain(r.redis, bare, 8, (rec) => ({ ...rec, reason: 'nothing happened' }), plainHash);
      await expect(run([`--prefix=${prefix}`, '--checkpoints', file])).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringMatching(/BROKEN after checking 12 records: edited at seq 8/),
      });
    });

    it('catches the tail cut after a checkpoint, from the checkpoint file or the bot log', async () => {
      const prefix = `${r.prefix}cut:`;
      const { bare, trail, checkpointer, file, logFile } = botTrail(prefix);
      await fill(trail, 11);
      await checkpointer.idle();
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2); // at 5 and 10
      await cutTail(r.redis, bare, 6);
      expect((await runAuditVerify(bare)).line).toMatch(/^audit trail OK: 6 records verified; no signed/);
      const fromLog = await runAuditVerify(bare, {
        checkpoints: await loadCheckpoints([logFile]),
        publicKey: signingKey,
      });
      expect(fromLog.line).toMatch(/truncated at seq 7/);
      await expect(run(['--prefix', prefix, '--checkpoints', file])).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringMatching(/truncated at seq 7: the chain ends at record 6 but a checkpoint .* up to 10/),
      });
    });
  });
});

/**
 * Checks the audit trail's hash chain in Redis.
 *   npx tsx scripts/audit-verify.ts [--prefix desk:audit:]
 * REDIS_URL defaults to redis://127.0.0.1:6379. Prints one line; exits 0 when intact, 1 when not.
 */
import Redis from 'ioredis';
import { AUDIT_KEY_PREFIX, RedisAuditTrail, type AuditTrail } from '../src/audit';

export interface AuditVerifyOutcome {
  exitCode: 0 | 1;
  line: string;
}

/** The check itself, separate from the process plumbing so it can run against any trail. */
export async function runAuditVerify(trail: AuditTrail): Promise<AuditVerifyOutcome> {
  try {
    const result = await trail.verify();
    if (result.ok) return { exitCode: 0, line: `audit trail OK: ${result.count} records verified` };
    const bad = result.firstBad;
    const where = bad ? `${bad.problem} at seq ${bad.seq}: ${bad.message}` : 'unknown problem';
    return { exitCode: 1, line: `audit trail BROKEN after checking ${result.count} records: ${where}` };
  } catch (err) {
    return { exitCode: 1, line: `audit trail could not be checked: ${(err as Error).message}` };
  }
}

function prefixFrom(argv: string[]): string {
  const at = argv.findIndex((a) => a === '--prefix' || a.startsWith('--prefix='));
  if (at < 0) return AUDIT_KEY_PREFIX;
  return argv[at].includes('=') ? argv[at].slice('--prefix='.length) : (argv[at + 1] ?? AUDIT_KEY_PREFIX);
}

async function main(): Promise<number> {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const { exitCode, line } = await runAuditVerify(
      new RedisAuditTrail(redis, { prefix: prefixFrom(process.argv.slice(2)) }),
    );
    console.log(line);
    return exitCode;
  } catch (err) {
    console.log(
      `audit trail could not be checked: cannot reach Redis at ${url.replace(/\/\/[^@]*@/, '//***@')} (${(err as Error).message})`,
    );
    return 1;
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
